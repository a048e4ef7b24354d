"""The checkup's importers against a labelled test set: synthetic pre-2019 reports (legacy_reports.py, cells
computed from the generator's inputs) and composed 2021-format reports in every input kind
(test_importers_fixtures.py)."""

from __future__ import annotations

import pytest

from report_checkup.importers import import_document
from report_checkup.importers.decode import decode_text, sniff
from report_formats.tests import legacy_reports as L

from . import test_importers_fixtures as X


def _import(document: L.Composed) -> dict:
    return import_document(document.data, document.name)


# --- the years before 2019 ----------------------------------------------------------------------------------

def test_prefecture_2017_flattened_legacy_table_with_lost_units():
    document = L.prefecture_2017()
    report = _import(document)
    assert (report["agency"], report["year"], report["format"]) == (L.PREFECTURE, 2017, "legacy")
    # Blank cells (传真申请数, 申请答复数, the refusal reasons…) are None; the lost unit cells carry no value.
    assert report["cells"] == L.importer_cells(L.prefecture_values())
    assert report["unreadable"] == []
    assert report["period"] == "201711日至1231日"  # handed to the validator as printed, never silently fixed
    assert report["cell_sources"]["lg.review.total"]["where"] == document.where("lg.review.total")
    assert report["cell_sources"]["lg.review.total"]["raw"] == str(L.p_reviews()["accepted"])


def test_county_2018_legacy_table_with_typos_repeated_header_and_missing_row():
    document = L.county_2018()
    report = _import(document)
    assert (report["agency"], report["year"], report["format"]) == (L.COUNTY, 2018, "legacy")
    assert report["cells"] == L.importer_cells(L.county_values())
    assert L.C_NOT_PRINTED not in report["cells"]  # the row is not printed: missing, not blank
    findings = {f["code"]: f for f in report["findings"]}
    assert findings["IMP-I07"]["where"] == document.where("repeated_header")  # 统计指标 单位 统计数 at the page break
    source = report["cell_sources"]["lg.response.press_conferences"]
    assert source["raw"] == f"{L.C_PRESS}{L.C_PRESS_NOTE}" and "annotated" in source["flags"]
    assert source["where"] == document.where("lg.response.press_conferences")


def test_township_2018_local_table():
    report = _import(L.township_2018())
    assert (report["agency"], report["year"], report["format"]) == (L.TOWNSHIP, 2018, "local")
    assert report["cells"] == L.township_values()
    assert report["published_on"] == L.TOWNSHIP_PUBLISHED


def test_county_2018_prose_only():
    report = _import(L.prose_county_2018())
    assert (report["agency"], report["year"], report["format"]) == (L.PROSE_COUNTY, 2018, "prose")
    assert report["cells"] == {}
    figures = {(f["kind"], f["value"]) for f in report["prose_figures"]}
    # "累计主动公开政府信息…条", "本年度新增的主动公开政府信息…条", the shares as printed (12% / 1.8% / 0.7%)
    assert {("proactive", L.PR_CUMULATIVE), ("proactive", L.PR_NEW)} <= figures
    assert {("percent", L.prose_percent(pct)) for _, _, pct in L.PR_SHARES} <= figures
    assert {("percent", 12), ("percent", "1.8"), ("percent", "0.7")} <= figures  # int only without decimals


def test_policy_document_is_not_a_report():
    report = _import(L.policy_2016())
    assert report["format"] == "prose" and report["cells"] == {} and report["year"] is None
    assert "IMP-W12" in {f["code"] for f in report["findings"]}


def test_prose_figures_refer_to_cells_and_parts_do_not():
    report = _import(L.prefecture_2017())
    refs = {(f["value"], f["refers_to"]) for f in report["prose_figures"]}
    values = L.prefecture_values()
    assert (values["lg.proactive.total"], "lg.proactive.total") in refs
    assert (values["lg.review.total"], "lg.review.total") in refs
    state = L.P_REVIEWS["州本级"]["accepted"]
    assert (state, None) in refs and (state, "lg.review.total") not in refs  # 州本级 is a part, not the total
    assert (values["lg.suit.total"], "lg.suit.total") in refs
    state_proactive = L.p_proactive()[0]
    assert (state_proactive, "lg.proactive.total") not in refs


# --- composed 2021 reports, every input kind ---------------------------------------------------------------

KINDS = {
    "tsv": lambda **kw: X.as_tsv(**kw).encode("utf-8"),
    "flat": lambda **kw: X.as_flat(**kw).encode("gb18030"),
    "html": lambda **kw: X.as_html(**kw).encode("utf-8"),
    "docx": lambda **kw: X.as_docx(**kw),
    "pdf": lambda **kw: X.as_pdf(**kw),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_composed_2021_report_every_kind(kind):
    report = import_document(KINDS[kind](), f"composed.{kind}")
    assert (report["agency"], report["year"], report["format"]) == (X.AGENCY, X.YEAR, "2021")
    assert report["cells"] == X.expected_cells()
    assert report["cells"]["t2.fees.amount"] == "7730.28"
    assert report["unreadable"] == []
    assert not [f for f in report["findings"] if f["severity"] != "info"]
    refs = {(f["refers_to"], f["value"]) for f in report["prose_figures"]}
    assert {("t3.received_new.total", 37), ("t3.carried_in.total", 2), ("t3.granted.total", 21),
            ("t3.partially_granted.total", 5), ("t4.review.total", 3), (None, 1608), (None, "12.5")} <= refs


def test_pdf_a4_portrait_with_wrapped_labels():
    """Narrow columns: labels wrap inside their cells (三、本年度 / 办理结果, the long （二） label), header
    labels break character by character, and a long label leaves a single space before its number."""
    from weasyprint import HTML

    css = "@page { size: A4; margin: 2cm } body { font-family: 'Noto Sans CJK SC', sans-serif; font-size: 10pt }"
    report = import_document(HTML(string=X.as_html(css=css)).write_pdf(), "a4.pdf")
    assert report["cells"] == X.expected_cells() and report["unreadable"] == []


def test_tsv_repeated_header_row_is_skipped():
    report = import_document(X.as_tsv(repeat_header=True).encode(), "r.txt")
    assert report["cells"] == X.expected_cells()


BLANK_TOTAL = X.with_t3_values("closed_total", ("30", "3", "1", "0", "2", "1", ""))


@pytest.mark.parametrize("kind", ["tsv", "html", "docx", "pdf"])
def test_blank_total_is_null_where_blanks_keep_their_place(kind):
    report = import_document(KINDS[kind](t3=BLANK_TOTAL), f"blank.{kind}")
    assert report["cells"]["t3.closed_total.total"] is None
    assert report["cells"]["t3.closed_total.other_org"] == 1
    assert report["cells"] == X.expected_cells(t3=BLANK_TOTAL)


def test_blank_cell_in_flattened_text_is_unreadable_not_guessed():
    report = import_document(KINDS["flat"](t3=BLANK_TOTAL), "blank.txt")
    row = [f"t3.closed_total.{c}" for c in X.APPLICANT_COLS]
    assert set(row) <= set(report["unreadable"])
    assert not set(row) & set(report["cells"])
    assert any(f["code"] == "IMP-W01" and f["cells"] == row for f in report["findings"])
    others = {k: v for k, v in X.expected_cells().items() if k not in row}
    assert {k: report["cells"][k] for k in others} == others


PLACEHOLDERS = X.with_t3_values("withheld_state_secret", ("-", "无", "/", "-", "-", "-", "-"))


@pytest.mark.parametrize("kind", list(KINDS))
def test_placeholders_read_as_printed_and_flagged(kind):
    report = import_document(KINDS[kind](t3=PLACEHOLDERS), f"p.{kind}")
    row = [f"t3.withheld_state_secret.{c}" for c in X.APPLICANT_COLS]
    assert [report["cells"][c] for c in row] == ["-", "无", "/", "-", "-", "-", "-"]
    assert all("placeholder" in report["cell_sources"][c]["flags"] for c in row)


T2_2019 = (
    ("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
     [("规章", "rules", ("0", "0", "2")), ("规范性文件", "normative_docs", ("3", "3", "40"))]),
    ("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
     [("行政许可", "licensing", ("80", "-2", "156")), ("其他对外管理服务事项", "other_services", ("10", "0", "5"))]),
    ("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
     [("行政处罚", "penalty", ("20", "1", "39")), ("行政强制", "coercion", ("3", "0", "2"))]),
    ("第二十条第（八）项", ("上一年项目数量", "本年增/减"), [("行政事业性收费", "fees", ("4", "-1"))]),
    ("第二十条第（九）项", ("采购项目数量", "采购总金额"), [("政府集中采购", "procurement", ("3", "25.1万元"))]),
)
T2_2019_EXPECTED = {
    "t2v19.rules.created": 0, "t2v19.rules.published": 0, "t2v19.rules.total_public": 2,
    "t2v19.normative_docs.created": 3, "t2v19.normative_docs.published": 3, "t2v19.normative_docs.total_public": 40,
    "t2v19.licensing.prev_items": 80, "t2v19.licensing.change": -2, "t2v19.licensing.decisions": 156,
    "t2v19.other_services.prev_items": 10, "t2v19.other_services.change": 0, "t2v19.other_services.decisions": 5,
    "t2v19.penalty.prev_items": 20, "t2v19.penalty.change": 1, "t2v19.penalty.decisions": 39,
    "t2v19.coercion.prev_items": 3, "t2v19.coercion.change": 0, "t2v19.coercion.decisions": 2,
    "t2v19.fees.prev_items": 4, "t2v19.fees.change": -1,
    "t2v19.procurement.projects": 3, "t2v19.procurement.amount": "251000",
}


@pytest.mark.parametrize("kind", ["tsv", "flat", "html", "pdf"])
def test_2019_labels_in_a_2021_report(kind):
    report = import_document(KINDS[kind](t2=T2_2019), f"mixed.{kind}")
    assert report["format"] == "2019"
    t2 = {k: v for k, v in report["cells"].items() if k.startswith("t2")}
    assert t2 == T2_2019_EXPECTED
    t3 = {k: v for k, v in X.expected_cells().items() if k.startswith(("t3", "t4"))}
    assert {k: report["cells"][k] for k in t3} == t3
    assert "IMP-W09" in {f["code"] for f in report["findings"]}


# --- decoding and sniffing ----------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_encodings(encoding):
    text = X.as_tsv()
    assert decode_text(text.encode(encoding))[0].lstrip("\ufeff") == text
    report = import_document(text.encode(encoding), "e.txt")
    assert report["cells"] == X.expected_cells()


def test_traditional_characters_and_fullwidth():
    trad = X.as_tsv().translate(str.maketrans("开报请数规范处结复诉讼总计机关", "開報請數規範處結復訴訟總計機關"))
    trad = trad.replace("37", "３７")
    report = import_document(trad.encode("utf-8"), "t.txt")
    assert report["cells"] == X.expected_cells()
    assert "IMP-I03" in {f["code"] for f in report["findings"]}


def test_sniffing_by_content():
    assert sniff(X.as_pdf()) == "pdf"
    assert sniff(X.as_docx()) == "docx"
    assert sniff(X.as_html().encode()) == "html"
    assert sniff(X.as_tsv().encode()) == "text"
    assert sniff(b"PK\x03\x04garbage") == "binary"


T4_BLANK = ("2", "0", "0", "1", "3", "1", "0", "0", "0", "1", "", "", "", "", "")


@pytest.mark.parametrize("kind", ["tsv", "html", "docx"])
def test_table_four_blank_cells_in_place(kind):
    report = import_document(KINDS[kind](t4=T4_BLANK), f"t4.{kind}")
    assert report["cells"] == X.expected_cells(t4=T4_BLANK)


@pytest.mark.parametrize("kind", ["flat", "pdf"])
def test_table_four_blank_cells_lost_are_unreadable(kind):
    report = import_document(KINDS[kind](t4=T4_BLANK), f"t4.{kind}")
    t4 = [f"t4.{c}" for c in X.T4_COLS]
    assert set(t4) <= set(report["unreadable"]) and not set(t4) & set(report["cells"])
    assert {k: v for k, v in report["cells"].items()} == {
        k: v for k, v in X.expected_cells().items() if not k.startswith("t4.")}
