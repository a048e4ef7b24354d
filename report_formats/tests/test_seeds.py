"""The validator on the legacy tables of the synthetic pre-2019 reports (legacy_reports.py; None = a blank cell as
printed): exactly the findings their inputs were composed to produce, with every number computed from the
inputs."""

from decimal import Decimal

from report_formats.formats import LG, ReportFormat
from report_formats.validation import Severity, validate

from . import legacy_reports as L

PREFECTURE = L.prefecture_values()
COUNTY = L.county_values()


def by_code(findings):
    result = {}
    for f in findings:
        result.setdefault(f.code, []).append(f)
    return result


def test_the_tables_cover_the_whole_legacy_row_list():
    ids = set(LG.cell_ids())
    assert set(PREFECTURE) == ids
    assert set(COUNTY) == ids - {L.C_NOT_PRINTED}


def test_prefecture_2017_findings_are_exactly_the_composed_ones():
    findings = validate(PREFECTURE, report_format=ReportFormat.LEGACY_2014, year=2017)
    codes = by_code(findings)
    assert sorted(codes) == ["LG-E05", "LG-W01", "T-I01", "T-I04", "T-W02"]
    assert [(f.code, f.severity) for f in findings] == [
        ("LG-E05", Severity.ERROR), ("LG-W01", Severity.WARNING), ("T-W02", Severity.WARNING),
        ("T-I01", Severity.INFO), ("T-I04", Severity.INFO)]

    reviews = L.p_reviews()
    explained = reviews["upheld"] + reviews["corrected"] + reviews["other"]
    review = codes["LG-E05"][0]
    assert review.cells[0] == "lg.review.total"
    assert (review.actual, review.expected) == (reviews["accepted"], explained)
    assert f"{reviews['upheld']} + {reviews['corrected']} + {reviews['other']} = {explained}" in review.message
    assert str(reviews["accepted"] - explained) in review.message
    # the difference is the cases each level leaves unexplained
    assert reviews["accepted"] - explained == sum(
        level["accepted"] - level["upheld"] - level["corrected"] - level["other"] for level in L.P_REVIEWS.values())

    channels = codes["LG-W01"][0]
    total, listed = PREFECTURE["lg.proactive.total"], L.p_channel_total()
    assert total - listed == L.P_UNLISTED  # all of it at 州本级: the 县市 channels add up
    assert L.p_channel_total(1) == L.p_proactive()[1]
    assert str(listed) in channels.message and str(total) in channels.message
    assert f"少 {L.P_UNLISTED} 条" in channels.message

    blank_total = codes["T-W02"][0]
    assert blank_total.cells[0] == "lg.request.answered" and blank_total.expected == PREFECTURE["lg.request.granted"]
    assert str(PREFECTURE["lg.request.granted"]) in blank_total.message

    duplicate = codes["T-I04"][0]
    assert set(duplicate.cells) == {"lg.proactive.via_other", "lg.response.other_events"}
    assert str(PREFECTURE["lg.proactive.via_other"]) in duplicate.message

    blanks = codes["T-I01"][0]
    assert set(blanks.cells) == set(L.P_BLANKS)  # 申请答复数 is derived, not read as 0


def test_prefecture_2017_passing_checks_stay_green():
    findings = validate(PREFECTURE, report_format=ReportFormat.LEGACY_2014, year=2017)
    codes = {f.code for f in findings}
    # LG-E01/E02/E04/E06/E07, W02, W03 and (with the derived total) W04 all hold in the composed table.
    for code in ("LG-E01", "LG-E02", "LG-E03", "LG-E04", "LG-E06", "LG-E07", "LG-E08", "LG-W02", "LG-W03",
                 "LG-W04", "LG-I05", "LG-I06", "D-W04", "missing_row"):
        assert code not in codes


def test_county_2018_findings_are_exactly_the_composed_ones():
    findings = validate(COUNTY, report_format=ReportFormat.LEGACY_2014, year=2018, flags=L.COUNTY_FLAGS)
    assert [(f.code, f.severity) for f in findings] == [
        ("LG-W01", Severity.WARNING), ("annotated_cell", Severity.INFO), ("missing_row", Severity.INFO)]
    codes = by_code(findings)
    channels = codes["LG-W01"][0]
    total, listed = COUNTY["lg.proactive.total"], sum(L.C_CHANNELS.values())
    assert str(listed) in channels.message and str(total) in channels.message
    assert f"少 {L.C_UNLISTED} 条" in channels.message
    assert (channels.expected, channels.actual) == (total, listed)
    missing = codes["missing_row"][0]
    assert missing.cells == [L.C_NOT_PRINTED] and "（三）其他情形数" in missing.message
    assert codes["annotated_cell"][0].cells == ["lg.response.press_conferences"]


def test_a_consistent_legacy_table_has_no_findings():
    consistent = dict(COUNTY)
    consistent[L.C_NOT_PRINTED] = 0
    consistent["lg.proactive.via_other"] += L.C_UNLISTED  # channels now cover the total
    assert validate(consistent, report_format=ReportFormat.LEGACY_2014, year=2018) == []
    prefecture = {k: (0 if v is None else v) for k, v in PREFECTURE.items()}
    reviews = L.p_reviews()
    prefecture.update({"lg.request.answered": PREFECTURE["lg.request.granted"],
                       "lg.review.total": reviews["upheld"] + reviews["corrected"] + reviews["other"],
                       "lg.response.other_events": 120,
                       "lg.proactive.via_website": PREFECTURE["lg.proactive.via_website"] + L.P_UNLISTED})
    assert validate(prefecture, report_format="legacy", year=2017) == []


def test_values_as_printed_text_give_the_same_findings():
    """The importer may hand over the raw strings; "1（新闻通气会）" parses to 1."""
    raw = L.prefecture_printed()
    assert [f.code for f in validate(raw, report_format="legacy")] == \
        [f.code for f in validate(PREFECTURE, report_format="legacy")]
    county = L.county_printed()
    assert county["lg.response.press_conferences"] == "1（新闻通气会）"
    assert [f.code for f in validate(county, report_format="legacy", flags=L.COUNTY_FLAGS)] == \
        ["LG-W01", "annotated_cell", "missing_row"]
    assert Decimal(1) == Decimal(COUNTY["lg.response.press_conferences"])
