"""The legacy tables of the seed reports, typed in by hand from /work/shared/seeds/*.txt (None = a blank cell as
printed), against the findings seeds/README.md computes by hand for their tables."""

from decimal import Decimal

from reports.formats import LG, ReportFormat
from reports.validation import Severity, validate

# 湘西州2017 附表 (2017-xiangxi-prefecture-annual-report.txt, lines 77–330).
XIANGXI_2017 = {
    "lg.proactive.total": 248071,
    "lg.proactive.normative_docs_published": 253,
    "lg.proactive.normative_docs_issued": 253,
    "lg.proactive.via_gazette": 2137,
    "lg.proactive.via_website": 181049,
    "lg.proactive.via_weibo": 1202,
    "lg.proactive.via_wechat": 764,
    "lg.proactive.via_other": 45237,
    "lg.response.hot_topics": 147,
    "lg.response.press_conferences": 28,
    "lg.response.press_conferences_by_head": 28,
    "lg.response.online_interviews": 6,
    "lg.response.online_interviews_by_head": 6,
    "lg.response.interpretations": 125,
    "lg.response.weibo_wechat_events": 0,
    "lg.response.other_events": 45237,
    "lg.request.received": 15,
    "lg.request.in_person": 1,
    "lg.request.fax": None,
    "lg.request.online": 12,
    "lg.request.letter": 2,
    "lg.request.closed": 15,
    "lg.request.closed_on_time": 15,
    "lg.request.closed_extended": None,
    "lg.request.answered": None,
    "lg.request.already_public": None,
    "lg.request.granted": 15,
    "lg.request.partially_granted": None,
    "lg.request.refused": None,
    "lg.request.refused_state_secret": None,
    "lg.request.refused_commercial_secret": None,
    "lg.request.refused_privacy": None,
    "lg.request.refused_security_stability": None,
    "lg.request.refused_not_gov_info": None,
    "lg.request.refused_other_legal": None,
    "lg.request.not_this_agency": None,
    "lg.request.not_exist": None,
    "lg.request.told_to_amend": None,
    "lg.request.told_other_channel": None,
    "lg.review.total": 101,
    "lg.review.upheld": 56,
    "lg.review.corrected": 24,
    "lg.review.other": 1,
    "lg.suit.total": 2,
    "lg.suit.upheld": 2,
    "lg.suit.corrected": None,
    "lg.suit.other": None,
    "lg.complaints.total": 0,
    "lg.fees.amount": 0,
    "lg.org.dedicated_units": 9,
    "lg.org.reading_points": 123,
    "lg.org.staff_total": 776,
    "lg.org.staff_full_time": 42,
    "lg.org.staff_part_time": 734,
    "lg.org.budget": 65,
    "lg.meetings.meetings": 30,
    "lg.meetings.trainings": 32,
    "lg.meetings.trainees": 3155,
}

# 盐池县2018 附件 (2018-yanchi-county-annual-report.txt, from line 109). 行政诉讼（三）其他情形数 is not printed.
YANCHI_2018 = {
    "lg.proactive.total": 16084,
    "lg.proactive.normative_docs_published": 6,
    "lg.proactive.normative_docs_issued": 6,
    "lg.proactive.via_gazette": 17,
    "lg.proactive.via_website": 5701,
    "lg.proactive.via_weibo": 230,
    "lg.proactive.via_wechat": 1870,
    "lg.proactive.via_other": 8260,
    "lg.response.hot_topics": 38,
    "lg.response.press_conferences": 1,  # printed "1（新闻通气会）"
    "lg.response.press_conferences_by_head": 0,
    "lg.response.online_interviews": 6,
    "lg.response.online_interviews_by_head": 3,
    "lg.response.interpretations": 12,
    "lg.response.weibo_wechat_events": 18,
    "lg.response.other_events": 154,
    **{f"lg.request.{name}": 0 for name in (
        "received", "in_person", "fax", "online", "letter", "closed", "closed_on_time", "closed_extended",
        "answered", "already_public", "granted", "partially_granted", "refused", "refused_state_secret",
        "refused_commercial_secret", "refused_privacy", "refused_security_stability", "refused_not_gov_info",
        "refused_other_legal", "not_this_agency", "not_exist", "told_to_amend", "told_other_channel")},
    "lg.review.total": 0,
    "lg.review.upheld": 0,
    "lg.review.corrected": 0,
    "lg.review.other": 0,
    "lg.suit.total": 0,
    "lg.suit.upheld": 0,
    "lg.suit.corrected": 0,
    "lg.complaints.total": 0,
    "lg.fees.amount": 0,
    "lg.org.dedicated_units": 33,
    "lg.org.reading_points": 15,
    "lg.org.staff_total": 116,
    "lg.org.staff_full_time": 67,
    "lg.org.staff_part_time": 49,
    "lg.org.budget": 97,
    "lg.meetings.meetings": 1,
    "lg.meetings.trainings": 8,
    "lg.meetings.trainees": 232,
}
YANCHI_FLAGS = {"lg.response.press_conferences": {"annotated"}}


def by_code(findings):
    result = {}
    for f in findings:
        result.setdefault(f.code, []).append(f)
    return result


def test_seed_tables_cover_the_whole_legacy_row_list():
    ids = set(LG.cell_ids())
    assert set(XIANGXI_2017) == ids
    assert set(YANCHI_2018) == ids - {"lg.suit.other"}


def test_xiangxi_2017_findings_are_exactly_the_hand_computed_ones():
    findings = validate(XIANGXI_2017, report_format=ReportFormat.LEGACY_2014, year=2017)
    codes = by_code(findings)
    assert sorted(codes) == ["LG-E05", "LG-W01", "T-I01", "T-I04", "T-W02"]
    assert [(f.code, f.severity) for f in findings] == [
        ("LG-E05", Severity.ERROR), ("LG-W01", Severity.WARNING), ("T-W02", Severity.WARNING),
        ("T-I01", Severity.INFO), ("T-I04", Severity.INFO)]

    review = codes["LG-E05"][0]
    assert review.cells[0] == "lg.review.total"
    assert (review.actual, review.expected) == (101, 81)
    assert "101" in review.message and "56 + 24 + 1 = 81" in review.message and "20" in review.message

    channels = codes["LG-W01"][0]
    assert "230389" in channels.message and "248071" in channels.message and "17682" in channels.message

    blank_total = codes["T-W02"][0]
    assert blank_total.cells[0] == "lg.request.answered" and blank_total.expected == 15
    assert "15" in blank_total.message

    duplicate = codes["T-I04"][0]
    assert set(duplicate.cells) == {"lg.proactive.via_other", "lg.response.other_events"}
    assert "45237" in duplicate.message

    blanks = codes["T-I01"][0]
    assert "lg.request.fax" in blanks.cells and "lg.request.answered" not in blanks.cells  # derived, not 0


def test_xiangxi_2017_passing_checks_stay_green():
    findings = validate(XIANGXI_2017, report_format=ReportFormat.LEGACY_2014, year=2017)
    codes = {f.code for f in findings}
    # LG-E01/E02/E04/E06/E07, W02, W03 and (with the derived 15) W04 all hold in the seed.
    for code in ("LG-E01", "LG-E02", "LG-E03", "LG-E04", "LG-E06", "LG-E07", "LG-E08", "LG-W02", "LG-W03",
                 "LG-W04", "LG-I05", "LG-I06", "D-W04", "missing_row"):
        assert code not in codes


def test_yanchi_2018_findings_are_exactly_the_hand_computed_ones():
    findings = validate(YANCHI_2018, report_format=ReportFormat.LEGACY_2014, year=2018, flags=YANCHI_FLAGS)
    assert [(f.code, f.severity) for f in findings] == [
        ("LG-W01", Severity.WARNING), ("annotated_cell", Severity.INFO), ("missing_row", Severity.INFO)]
    codes = by_code(findings)
    channels = codes["LG-W01"][0]
    assert "16078" in channels.message and "16084" in channels.message and "少 6 条" in channels.message
    assert (channels.expected, channels.actual) == (16084, 16078)
    missing = codes["missing_row"][0]
    assert missing.cells == ["lg.suit.other"] and "（三）其他情形数" in missing.message
    assert codes["annotated_cell"][0].cells == ["lg.response.press_conferences"]


def test_a_consistent_legacy_table_has_no_findings():
    consistent = dict(YANCHI_2018)
    consistent["lg.suit.other"] = 0
    consistent["lg.proactive.via_other"] = 8266  # channels now cover the total: 16084
    assert validate(consistent, report_format=ReportFormat.LEGACY_2014, year=2018) == []
    xiangxi = {k: (0 if v is None else v) for k, v in XIANGXI_2017.items()}
    xiangxi.update({"lg.request.answered": 15, "lg.review.total": 81, "lg.response.other_events": 120,
                    "lg.proactive.via_website": 181049 + 17682})
    assert validate(xiangxi, report_format="legacy", year=2017) == []


def test_seed_values_as_printed_text_give_the_same_findings():
    """The importer may hand over the raw strings; "1（新闻通气会）" parses to 1."""
    raw = {k: ("" if v is None else str(v)) for k, v in XIANGXI_2017.items()}
    assert [f.code for f in validate(raw, report_format="legacy")] == \
        [f.code for f in validate(XIANGXI_2017, report_format="legacy")]
    yanchi = {k: str(v) for k, v in YANCHI_2018.items()}
    yanchi["lg.response.press_conferences"] = "1（新闻通气会）"
    assert [f.code for f in validate(yanchi, report_format="legacy", flags=YANCHI_FLAGS)] == \
        ["LG-W01", "annotated_cell", "missing_row"]
    assert Decimal(1) == Decimal(YANCHI_2018["lg.response.press_conferences"])
