"""Property tests: whatever the file, import_agencies answers with a result and writes nothing unless ok."""

import csv
import io
from datetime import datetime

import openpyxl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from audit.models import AuditEntry
from orgs.credit_code import make_credit_code
from orgs.models import Agency, AgencyKind, AgencyLevel
from orgs.transfer import HEADERS, REQUIRED_HEADERS, ImportResult, export_agencies, import_agencies

PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

CODES = ["county", "edu", "town", "other", "a", "b", "c", "x-1", "X_2", " ａ１ ", "中文", "", "-bad"]
CHOICES = [*AgencyKind.labels, *AgencyKind.values, *AgencyLevel.labels, *AgencyLevel.values, "市级", "局", ""]
SPECIAL = ["2024-01-31", "2024/13/01", "2024年2月30日", "20240131", "751500", "751500.0", "010000", "3", "3.0",
           "-1", "1e400", "nan", "a@b.cn", "not-mail", "'=1+1", make_credit_code("11", "640323", "05000001"),
           "91350100M000100Y4A", "=HYPERLINK(\"x\")", "\u3000", "\ufeff"]
# Characters openpyxl can store (no control characters or lone surrogates).
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)

cell_text = st.one_of(st.sampled_from(CODES), st.sampled_from(CHOICES), st.sampled_from(SPECIAL), TEXT)
cell_value = st.one_of(
    cell_text, st.none(), st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
)
headers = st.one_of(
    # mostly the real columns (required ones kept), in any order, sometimes a stranger
    st.lists(st.sampled_from(HEADERS), unique=True).flatmap(
        lambda extra: st.permutations(list(dict.fromkeys([*REQUIRED_HEADERS, *extra])))),
    st.lists(st.one_of(st.sampled_from(HEADERS), TEXT), min_size=1, max_size=8),
)


def state():
    return Agency.objects.count(), AuditEntry.objects.count()


def check(data: bytes, dry_run: bool):
    before = state()
    result = import_agencies(data, "fuzz", dry_run=dry_run)
    assert isinstance(result, ImportResult)
    for error in result.errors:
        assert error.line >= 0 and error.message
        assert error.column in ("", *HEADERS)
    if not result.ok:
        assert result.created == result.updated == result.unchanged == []
    if dry_run or not result.ok:
        assert state() == before
    else:
        assert state()[0] == before[0] + len(result.created)
    return result


@pytest.mark.django_db
@PROPERTY
@given(data=st.one_of(
    st.binary(max_size=3000),
    st.binary(max_size=3000).map(lambda b: b"PK\x03\x04" + b),
    st.binary(max_size=3000).map(lambda b: b"\xef\xbb\xbf" + b),
    st.binary(max_size=3000).map(lambda b: b"\xff\xfe" + b),
    st.binary(max_size=3000).map(lambda b: "机构编码,机构全称,机构类别,层级\n".encode() + b),
), dry_run=st.booleans())
def test_arbitrary_bytes(region, data, dry_run):
    check(data, dry_run)


@pytest.mark.django_db
@PROPERTY
@given(header=headers, rows=st.lists(st.lists(cell_text, max_size=24), max_size=8),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]), delimiter=st.sampled_from([",", "\t"]),
       dry_run=st.booleans())
def test_arbitrary_csv_rows(region, header, rows, encoding, delimiter, dry_run):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    try:
        data = out.getvalue().encode(encoding)
    except UnicodeEncodeError:
        data = out.getvalue().encode("utf-8")
    check(data, dry_run)


@pytest.mark.django_db
@PROPERTY
@given(header=headers, rows=st.lists(st.lists(cell_value, max_size=24), max_size=8), dry_run=st.booleans())
def test_arbitrary_xlsx_cells(region, header, rows, dry_run):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    check(out.getvalue(), dry_run)


@pytest.mark.django_db
@PROPERTY
@given(positions=st.lists(st.integers(min_value=0), min_size=1, max_size=8), byte=st.integers(0, 255),
       fmt=st.sampled_from(["xlsx", "csv"]))
def test_corrupted_exports(region, positions, byte, fmt):
    data = bytearray(export_agencies(Agency.objects.all(), fmt))
    for position in positions:
        data[position % len(data)] = byte
    check(bytes(data), dry_run=False)


NEW_CODES = ["n1", "n2", "n3", "n4", "n5"]
tree_rows = st.lists(
    st.tuples(st.sampled_from(NEW_CODES + ["edu", "town"]),
              st.sampled_from(["", "county", "edu", "other", "nope", *NEW_CODES]),
              st.sampled_from(["", "office", "n1", "n3"]),
              st.sampled_from(AgencyLevel.labels)),
    min_size=1, max_size=7,
)


@pytest.mark.django_db
@PROPERTY
@given(rows=tree_rows, scoped=st.booleans())
def test_random_trees_import_as_written_or_not_at_all(region, rows, scoped):
    header = "机构编码,机构全称,机构类别,层级,上级机关编码,政府信息公开工作主管部门编码\n"
    body = "".join(f"{code},机构{code},政府部门,{level},{parent},{supervisor}\n"
                   for code, parent, supervisor, level in rows)
    data = (header + body).encode()
    scope = region["county"] if scoped else None
    before = state()
    dry = import_agencies(data, "tree.csv", dry_run=True, scope_root=scope)
    assert state() == before
    result = import_agencies(data, "tree.csv", dry_run=False, scope_root=scope)
    event(f"ok={result.ok}")
    # The dry run is the real run without the writing.
    assert (dry.ok, dry.created, dry.updated, dry.unchanged, dry.errors) == (
        result.ok, result.created, result.updated, result.unchanged, result.errors)
    if not result.ok:
        assert state() == before
        return
    for code, parent, supervisor, _ in rows:
        agency = Agency.objects.select_related("parent", "supervisor").get(code=code)
        assert (agency.parent.code if agency.parent else "") == parent
        assert (agency.supervisor.code if agency.supervisor else "") == supervisor
        expected_path = (agency.parent.path if agency.parent else "/") + f"{agency.pk}/"
        assert agency.path == expected_path
        if scoped:
            assert agency.is_in_subtree_of(region["county"])
    # Paths of everything under a moved agency follow it.
    for agency in Agency.objects.select_related("parent"):
        assert agency.path == (agency.parent.path if agency.parent else "/") + f"{agency.pk}/"
