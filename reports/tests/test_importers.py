"""The auditor's importers against a labelled test set: the five seeds (cells typed by hand from the seed
texts) and composed 2021-format reports in every input kind (test_importers_fixtures.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reports.importers import import_document
from reports.importers.decode import decode_text, sniff

from . import test_importers_fixtures as X

SEEDS = Path("/work/shared/seeds")
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="seed texts not present")


def _seed(name: str) -> dict:
    return import_document((SEEDS / name).read_bytes(), name)


# --- seeds ---------------------------------------------------------------------------------------------------

# 湘西州2017 附表, read by hand from the seed text (lines 77–380). Blank cells (传真申请数, 申请答复数, the
# refusal reasons…) are None; the lost one-character unit cells carry no value.
XIANGXI_2017 = {
    "lg.proactive.total": 248071, "lg.proactive.normative_docs_published": 253,
    "lg.proactive.normative_docs_issued": 253, "lg.proactive.via_gazette": 2137, "lg.proactive.via_website": 181049,
    "lg.proactive.via_weibo": 1202, "lg.proactive.via_wechat": 764, "lg.proactive.via_other": 45237,
    "lg.response.hot_topics": 147, "lg.response.press_conferences": 28, "lg.response.press_conferences_by_head": 28,
    "lg.response.online_interviews": 6, "lg.response.online_interviews_by_head": 6, "lg.response.interpretations": 125,
    "lg.response.weibo_wechat_events": 0, "lg.response.other_events": 45237,
    "lg.request.received": 15, "lg.request.in_person": 1, "lg.request.fax": None, "lg.request.online": 12,
    "lg.request.letter": 2, "lg.request.closed": 15, "lg.request.closed_on_time": 15, "lg.request.closed_extended": None,
    "lg.request.answered": None, "lg.request.already_public": None, "lg.request.granted": 15,
    "lg.request.partially_granted": None, "lg.request.refused": None, "lg.request.refused_state_secret": None,
    "lg.request.refused_commercial_secret": None, "lg.request.refused_privacy": None,
    "lg.request.refused_security_stability": None, "lg.request.refused_not_gov_info": None,
    "lg.request.refused_other_legal": None, "lg.request.not_this_agency": None, "lg.request.not_exist": None,
    "lg.request.told_to_amend": None, "lg.request.told_other_channel": None,
    "lg.review.total": 101, "lg.review.upheld": 56, "lg.review.corrected": 24, "lg.review.other": 1,
    "lg.suit.total": 2, "lg.suit.upheld": 2, "lg.suit.corrected": None, "lg.suit.other": None,
    "lg.complaints.total": 0, "lg.fees.amount": "0",
    "lg.org.dedicated_units": 9, "lg.org.reading_points": 123, "lg.org.staff_total": 776, "lg.org.staff_full_time": 42,
    "lg.org.staff_part_time": 734, "lg.org.budget": "65",
    "lg.meetings.meetings": 30, "lg.meetings.trainings": 32, "lg.meetings.trainees": 3155,
}

# 盐池县2018 附件 (tab-separated, every unit printed; the row 行政诉讼（三）其他情形数 is not printed).
YANCHI_2018 = {
    "lg.proactive.total": 16084, "lg.proactive.normative_docs_published": 6, "lg.proactive.normative_docs_issued": 6,
    "lg.proactive.via_gazette": 17, "lg.proactive.via_website": 5701, "lg.proactive.via_weibo": 230,
    "lg.proactive.via_wechat": 1870, "lg.proactive.via_other": 8260,
    "lg.response.hot_topics": 38, "lg.response.press_conferences": 1, "lg.response.press_conferences_by_head": 0,
    "lg.response.online_interviews": 6, "lg.response.online_interviews_by_head": 3, "lg.response.interpretations": 12,
    "lg.response.weibo_wechat_events": 18, "lg.response.other_events": 154,
    **{f"lg.request.{k}": 0 for k in (
        "received", "in_person", "fax", "online", "letter", "closed", "closed_on_time", "closed_extended", "answered",
        "already_public", "granted", "partially_granted", "refused", "refused_state_secret",
        "refused_commercial_secret", "refused_privacy", "refused_security_stability", "refused_not_gov_info",
        "refused_other_legal", "not_this_agency", "not_exist", "told_to_amend", "told_other_channel")},
    "lg.review.total": 0, "lg.review.upheld": 0, "lg.review.corrected": 0, "lg.review.other": 0,
    "lg.suit.total": 0, "lg.suit.upheld": 0, "lg.suit.corrected": 0,
    "lg.complaints.total": 0, "lg.fees.amount": "0",
    "lg.org.dedicated_units": 33, "lg.org.reading_points": 15, "lg.org.staff_total": 116, "lg.org.staff_full_time": 67,
    "lg.org.staff_part_time": 49, "lg.org.budget": "97",
    "lg.meetings.meetings": 1, "lg.meetings.trainings": 8, "lg.meetings.trainees": 232,
}

# 赤门乡2018 附表 (指标 | 单位 | 2018 | 历年累计): ids fj.<row>.year / .cumulative.
CHIMEN_2018 = {
    "fj.proactive_docs.year": 57, "fj.proactive_docs.cumulative": 615,
    "fj.via_website.year": 57, "fj.via_website.cumulative": 615,
    "fj.via_gazette.year": 0, "fj.via_gazette.cumulative": 0,
    **{f"fj.{row}.{col}": 0 for row in ("received", "in_person", "online", "letter_fax", "answered", "granted",
                                         "partially_granted", "refused", "other_answers", "petitions", "reviews",
                                         "suits") for col in ("year", "cumulative")},
}


@needs_seeds
def test_xiangxi_2017_legacy_table():
    report = _seed("2017-xiangxi-prefecture-annual-report.txt")
    assert (report["agency"], report["year"], report["format"]) == ("湘西州", 2017, "legacy")
    assert report["cells"] == XIANGXI_2017
    assert report["unreadable"] == []
    assert report["period"] == "201711日至1231日"  # handed to the validator as printed, never silently fixed
    assert report["cell_sources"]["lg.review.total"]["where"] == "第294行"


@needs_seeds
def test_yanchi_2018_legacy_table_with_typos_repeated_header_and_missing_row():
    report = _seed("2018-yanchi-county-annual-report.txt")
    assert (report["agency"], report["year"], report["format"]) == ("盐池县", 2018, "legacy")
    assert report["cells"] == YANCHI_2018
    assert "lg.suit.other" not in report["cells"]  # the row is not printed: missing, not blank
    findings = {f["code"]: f for f in report["findings"]}
    assert findings["IMP-I07"]["where"] == "第146行"  # 统计指标 单位 统计数 repeated at the page break
    source = report["cell_sources"]["lg.response.press_conferences"]
    assert source["raw"] == "1（新闻通气会）" and "annotated" in source["flags"]


@needs_seeds
def test_chimen_2018_local_table():
    report = _seed("2018-chimen-township-annual-report.txt")
    assert (report["agency"], report["year"], report["format"]) == ("赤门乡", 2018, "local")
    assert report["cells"] == CHIMEN_2018


@needs_seeds
def test_minhe_2018_prose_only():
    report = _seed("2018-minhe-county-annual-report.txt")
    assert (report["agency"], report["year"], report["format"]) == ("民和县", 2018, "prose")
    assert report["cells"] == {}
    figures = {(f["kind"], f["value"]) for f in report["prose_figures"]}
    # "累计主动公开政府信息15307条", "本年度新增的主动公开政府信息108条", shares 10% / 2.1% / 0.9%
    assert {("proactive", 15307), ("proactive", 108), ("percent", 10), ("percent", "2.1"),
            ("percent", "0.9")} <= figures


@needs_seeds
def test_golmud_2016_is_not_a_report():
    report = _seed("2016-golmud-implementation-plan.txt")
    assert report["format"] == "prose" and report["cells"] == {} and report["year"] is None
    assert "IMP-W12" in {f["code"] for f in report["findings"]}


@needs_seeds
def test_seed_prose_figures_refer_to_cells():
    report = _seed("2017-xiangxi-prefecture-annual-report.txt")
    refs = {(f["value"], f["refers_to"]) for f in report["prose_figures"]}
    assert (248071, "lg.proactive.total") in refs
    assert (101, "lg.review.total") in refs and (13, None) in refs  # 州本级 13 is a part, not the total
    assert (2, "lg.suit.total") in refs


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
