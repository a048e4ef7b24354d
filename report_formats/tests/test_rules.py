"""Each §7 rule with a minimal failing input and its passing twin."""

from datetime import date
from decimal import Decimal

import pytest

from report_formats.formats import FORMATS, ReportFormat
from report_formats.validation import (
    ProseFacts,
    ProseFigure,
    ProsePercentage,
    Severity,
    deadline_for,
    has_errors,
    parse_period,
    shingle_similarity,
    validate,
)


def zeros(fmt):
    return dict.fromkeys(FORMATS[ReportFormat(fmt)].cell_ids(), 0)


def f2021(**changes):
    cells = zeros("2021")
    cells.update({k.replace("__", "."): v for k, v in changes.items()})
    return cells


def codes(findings):
    return [f.code for f in findings]


def t3_case(n=3):
    """One consistent 表三: n new requests by natural persons, all granted."""
    return f2021(**{"t3__received_new__natural_person": n, "t3__received_new__total": n,
                    "t3__granted__natural_person": n, "t3__granted__total": n,
                    "t3__closed_total__natural_person": n, "t3__closed_total__total": n})


def test_all_zero_reports_are_clean():
    for fmt in ("2021", "2019", "legacy", "local"):
        assert validate(zeros(fmt), report_format=fmt) == []
    assert validate(t3_case(), report_format="2021") == []


def test_t3_e01_row_total():
    cells = t3_case()
    cells["t3.granted.total"] = 4
    found = validate(cells, report_format="2021")
    assert "T3-E01" in codes(found) and has_errors(found)
    assert "t3.granted.total" in next(f for f in found if f.code == "T3-E01").cells


def test_t3_e02_results_total():
    cells = t3_case()
    cells["t3.granted.natural_person"] = 2
    cells["t3.withheld_state_secret.natural_person"] = 0
    cells["t3.granted.total"] = 2
    found = validate(cells, report_format="2021")
    assert {"T3-E02"} <= set(codes(found))
    msg = next(f for f in found if f.code == "T3-E02").message
    assert "（七）总计" in msg and "3" in msg and "2" in msg


def test_t3_e03_balance_checks_every_column():
    cells = t3_case()
    cells["t3.carried_out.natural_person"] = 1  # total column still balances
    cells["t3.carried_out.commercial_enterprise"] = -1
    found = validate(cells, report_format="2021")
    assert [f.message for f in found if f.code == "T3-E03"][0].startswith("表三勾稽关系")
    assert sum(1 for f in found if f.code == "T3-E03") == 2
    assert "T3-E04" in codes(found)  # the negative cell


def test_t3_e04_domain():
    cells = t3_case()
    cells["t3.granted.other_org"] = Decimal("0.5")
    cells["t3.granted.natural_person"] = Decimal("2.5")
    assert "T3-E04" in codes(validate(cells, report_format="2021"))
    assert "T3-E04" not in codes(validate(t3_case(), report_format="2021"))


def test_f2019_other_row_is_a_leaf():
    cells = zeros("2019")
    cells.update({"t3.received_new.total": 2, "t3.received_new.other_org": 2, "t3.other.other_org": 2,
                  "t3.other.total": 2, "t3.closed_total.other_org": 2, "t3.closed_total.total": 2})
    assert validate(cells, report_format="2019") == []


def test_t3_w01_carry_over_chain():
    previous = t3_case()
    previous["t3.carried_out.natural_person"] = previous["t3.carried_out.total"] = 1
    previous["t3.received_new.natural_person"] = previous["t3.received_new.total"] = 4
    current = t3_case()
    found = validate(current, report_format="2021", previous=previous)
    assert codes(found) == ["T3-W01", "T3-W01"]
    current["t3.carried_in.natural_person"] = current["t3.carried_in.total"] = 1
    current["t3.carried_out.natural_person"] = current["t3.carried_out.total"] = 1
    assert validate(current, report_format="2021", previous=previous) == []


def test_t3_w02_narrative_and_t3_w04_zero():
    cells = t3_case(3)
    facts = ProseFacts(figures=[ProseFigure(("t3.granted.total", "t3.partially_granted.total"), Decimal(2),
                                            "予以公开及部分公开2件"),
                                ProseFigure(("t3.received_new.total",), Decimal(300), "新收300余件",
                                            approximate=True)])
    found = validate(cells, report_format="2021", prose_figures=facts)
    assert codes(found) == ["T3-W02"] and "予以公开及部分公开2件" in found[0].message
    assert validate(cells, report_format="2021",
                    prose_figures=ProseFacts(figures=[ProseFigure(("t3.granted.total",), Decimal(3))])) == []
    assert codes(validate(cells, report_format="2021", prose_figures=ProseFacts(states_no_requests=True))) == ["T3-W04"]
    assert validate(zeros("2021"), report_format="2021", prose_figures=ProseFacts(states_no_requests=True)) == []


def test_t3_w03_percentage_rounding():
    cells = f2021(**{"t3__received_new__natural_person": 1046, "t3__received_new__total": 1046,
                     "t3__granted__natural_person": 1046, "t3__granted__total": 1046,
                     "t3__closed_total__natural_person": 1046, "t3__closed_total__total": 1046})
    wrong = ProsePercentage(Decimal("1.3"), 1, Decimal(13), text="占1.3%")  # 13/1046 = 1.24%
    found = validate(cells, report_format="2021", prose_figures=ProseFacts(percentages=[wrong]))
    assert codes(found) == ["T3-W03"] and "1.24" in found[0].message
    right = ProsePercentage(Decimal("1.2"), 1, Decimal(13))
    assert validate(cells, report_format="2021", prose_figures=ProseFacts(percentages=[right])) == []
    # 盐池县2018 prose: (7243 − 4683) / 7243 printed 35.4%, true 35.34%.
    yanchi = ProsePercentage(Decimal("35.4"), 1, Decimal(7243 - 4683), Decimal(7243), "压缩率达到35.4%")
    assert codes(validate({}, report_format="legacy", prose_figures=ProseFacts(percentages=[yanchi]))) == ["T3-W03"]
    ok = ProsePercentage(Decimal("11.58"), 2, Decimal(2453 - 2169), Decimal(2453))
    assert validate({}, report_format="legacy", prose_figures=ProseFacts(percentages=[ok])) == []


def test_t3_i05_township_applicants():
    cells = f2021(**{"t3__received_new__research_institution": 1, "t3__received_new__total": 1,
                     "t3__carried_out__research_institution": 1, "t3__carried_out__total": 1})
    assert codes(validate(cells, report_format="2021", agency_level="township")) == ["T3-I05"]
    assert validate(cells, report_format="2021", agency_level="county") == []


def test_t4_rules():
    cells = f2021(t4__review__upheld=2, t4__review__pending=1, t4__review__total=3)
    assert validate(cells, report_format="2021") == []
    cells["t4.review.total"] = 2
    found = validate(cells, report_format="2021")
    assert codes(found) == ["T4-E01"] and "2" in found[0].message and "3" in found[0].message
    assert codes(validate(f2021(t4__suit_direct__other=-1, t4__suit_direct__total=-1),
                          report_format="2021")) == ["T4-E02", "T4-E02"]
    cells["t4.review.total"] = 3
    facts = ProseFacts(states_appeals_all_upheld=True, figures=[ProseFigure(("t4.review.total",), Decimal(7))])
    assert codes(validate(cells, report_format="2021", prose_figures=facts)) == ["T4-W03", "T4-W03"]


def test_t2_2021_rules():
    prev = f2021(t2__rules__in_force=5, t2__normative_docs__in_force=10)
    cur = f2021(t2__rules__in_force=5, t2__normative_docs__in_force=12, t2__normative_docs__issued=3,
                t2__normative_docs__repealed=1)
    assert validate(cur, report_format="2021", previous=prev, agency_level="prefecture",
                    agency_kind="government") == []
    cur["t2.normative_docs.in_force"] = 15
    found = validate(cur, report_format="2021", previous=prev)
    assert codes(found) == ["T2-W01"] and "相差 3" in found[0].message
    cur["t2.normative_docs.repealed"] = 20
    assert "T2-W02" in codes(validate(cur, report_format="2021", previous=prev))
    rules = f2021(t2__rules__in_force=6)
    assert [(f.code, f.severity) for f in validate(rules, report_format="2021", agency_level="township")] == \
        [("T2-W03", Severity.WARNING)]
    assert [(f.code, f.severity) for f in validate(rules, report_format="2021", agency_level="province",
                                                   agency_kind="department")] == [("T2-W03", Severity.INFO)]
    assert codes(validate(f2021(t2__fees__amount=Decimal("-0.1")), report_format="2021")) == ["T2-E01"]
    assert validate(f2021(t2__fees__amount=Decimal("0.35")), report_format="2021") == []
    assert codes(validate(f2021(t2__penalty__decisions=Decimal("1.5")), report_format="2021")) == ["T2-E01"]
    fees = f2021(t2__fees__amount=Decimal("0.35"))
    assert codes(validate(fees, report_format="2021", prose_figures=ProseFacts(states_no_fee_items=True))) == ["T2-W04"]
    assert validate(zeros("2021"), report_format="2021", prose_figures=ProseFacts(states_no_fee_items=True)) == []
    narrative = ProseFacts(figures=[ProseFigure(("t2.penalty.decisions",), Decimal(39), "行政处罚处理决定数量39件")])
    found = validate(f2021(t2__penalty__decisions=38), report_format="2021", prose_figures=narrative)
    assert [(f.code, f.severity) for f in found] == [("T2-I05", Severity.INFO)]
    assert validate(f2021(t2__penalty__decisions=39), report_format="2021", prose_figures=narrative) == []


def f2019(**changes):
    cells = zeros("2019")
    cells.update({k.replace("__", "."): v for k, v in changes.items()})
    return cells


def test_t2v19_rules():
    assert validate(f2019(t2v19__penalty__change=-8), report_format="2019") == []
    assert codes(validate(f2019(t2v19__penalty__prev_items=-8), report_format="2019")) == ["T2v19-E01"]
    assert codes(validate(f2019(t2v19__penalty__change=Decimal("1.5")), report_format="2019")) == ["T2v19-E01"]
    found = validate(f2019(t2v19__rules__published=3, t2v19__rules__total_public=2, t2v19__rules__created=3),
                     report_format="2019")
    assert codes(found) == ["T2v19-W01"]
    assert codes(validate(f2019(t2v19__rules__published=30, t2v19__rules__total_public=30, t2v19__rules__created=2),
                          report_format="2019")) == ["T2v19-I02"]
    prev = f2019(t2v19__licensing__prev_items=100, t2v19__licensing__change=-8)
    assert validate(f2019(t2v19__licensing__prev_items=92), report_format="2019", previous=prev) == []
    assert codes(validate(f2019(t2v19__licensing__prev_items=100), report_format="2019", previous=prev)) == \
        ["T2v19-W03"]
    cells = f2019(t2v19__procurement__amount=251000)
    assert codes(validate(cells, report_format="2019",
                          flags={"t2v19.procurement.amount": {"unit_missing"}})) == ["T2v19-W04"]
    assert validate(cells, report_format="2019", flags={"t2v19.procurement.amount": {"unit_in_cell"}}) == []


# One consistent request: received online, closed on time, granted.
REQ = {"request__received": 1, "request__online": 1, "request__closed": 1, "request__closed_on_time": 1,
       "request__answered": 1, "request__granted": 1}


def lg(**changes):
    cells = zeros("legacy")
    cells.update({f"lg.{k.replace('__', '.')}": v for k, v in changes.items()})
    return cells


@pytest.mark.parametrize(("code", "bad", "good"), [
    ("LG-E01", {"request__received": 2, "request__online": 1}, {"request__received": 2, "request__online": 2}),
    ("LG-E02", {**REQ, "request__closed_on_time": 0}, REQ),
    ("LG-E03", {**REQ, "request__granted": 0}, REQ),
    ("LG-E04", {**REQ, "request__granted": 0, "request__refused": 1},
     {**REQ, "request__granted": 0, "request__refused": 1, "request__refused_privacy": 1}),
    ("LG-E05", {"review__total": 3, "review__upheld": 1}, {"review__total": 1, "review__upheld": 1}),
    ("LG-E06", {"suit__total": 3, "suit__other": 1}, {"suit__total": 1, "suit__other": 1}),
    ("LG-E07", {"org__staff_total": 3, "org__staff_part_time": 2},
     {"org__staff_total": 2, "org__staff_part_time": 2}),
    ("LG-E08", {"org__budget": Decimal("-1")}, {"org__budget": Decimal("1.25")}),
    ("LG-W01", {"proactive__total": 5, "proactive__via_website": 4},
     {"proactive__total": 5, "proactive__via_website": 4, "proactive__via_gazette": 2}),
    ("LG-W02", {"proactive__normative_docs_published": 2, "proactive__normative_docs_issued": 1,
                "proactive__total": 2, "proactive__via_website": 2},
     {"proactive__normative_docs_published": 1, "proactive__normative_docs_issued": 1,
      "proactive__total": 2, "proactive__via_website": 2}),
    ("LG-W03", {"response__online_interviews_by_head": 2, "response__online_interviews": 1},
     {"response__online_interviews_by_head": 1, "response__online_interviews": 1}),
    ("LG-W04", {**REQ, "request__answered": 2, "request__already_public": 1}, REQ),
    ("LG-I05", {**REQ, "request__received": 0, "request__online": 0}, REQ),
    ("LG-I06", {"response__hot_topics": 3, "response__press_conferences": 1},
     {"response__hot_topics": 3, "response__press_conferences": 3}),
])
def test_legacy_rules(code, bad, good):
    assert code in codes(validate(lg(**bad), report_format="legacy"))
    assert validate(lg(**good), report_format="legacy") == []


def test_legacy_w02_against_the_total():
    found = validate(lg(proactive__normative_docs_published=3, proactive__normative_docs_issued=3,
                        proactive__total=2, proactive__via_website=2), report_format="legacy")
    assert codes(found) == ["LG-W02"] and "主动公开政府信息数" in found[0].message


def test_generic_rules():
    cells = lg(request__received=None, request__in_person=1)  # blank total, parts non-zero
    cells["request.closed"] = 1
    found = validate(lg(request__received=None, request__in_person=1, request__closed=1, request__closed_on_time=1,
                        request__answered=1, request__granted=1), report_format="legacy")
    assert codes(found) == ["T-W02"] and found[0].expected == 1
    blank = validate(lg(request__fax=None), report_format="legacy")
    assert [(f.code, f.severity, f.cells) for f in blank] == [("T-I01", Severity.INFO, ["lg.request.fax"])]
    assert codes(validate(lg(), report_format="legacy", flags={"lg.request.fax": {"placeholder"}})) == ["T-I01"]
    dup = validate(lg(proactive__total=150, proactive__via_other=150, meetings__trainees=150), report_format="legacy")
    assert codes(dup) == ["T-I04"] and len(dup[0].cells) == 3
    assert validate(lg(proactive__total=99, proactive__via_other=99, meetings__trainees=99),
                    report_format="legacy") == []
    fj = zeros("local")
    fj["fj.petitions.year"] = Decimal("1.5")
    fj["fj.petitions.cumulative"] = 2
    assert codes(validate(fj, report_format="local")) == ["T-E03"]


def test_missing_rows():
    cells = lg()
    del cells["lg.suit.other"]
    assert [(f.code, f.severity) for f in validate(cells, report_format="legacy")] == [("missing_row", Severity.INFO)]
    del cells["lg.review.other"]  # used by LG-E05
    assert ("missing_row", Severity.WARNING) in [(f.code, f.severity) for f in validate(cells, report_format="legacy")]
    cells = zeros("2021")
    for k in [c for c in cells if c.startswith("t3.granted.")]:
        del cells[k]
    assert [(f.code, f.severity) for f in validate(cells, report_format="2021")] == [("missing_row", Severity.WARNING)]
    # A table absent altogether is not a run of missing rows.
    only_t4 = {k: v for k, v in zeros("2021").items() if k.startswith("t4.")}
    assert validate(only_t4, report_format="2021") == []


def test_cell_notes_and_invalid_values():
    found = validate(lg(), report_format="legacy", flags={"lg.proactive.total": {"approximate"}})
    assert codes(found) == ["approximate_value"]
    found = validate(lg(request__received="abc"), report_format="legacy")
    assert codes(found) == ["LG-E08"] and "无法识别" in found[0].message


def test_local_fujian_rules():
    cells = zeros("local")
    cells.update({"fj.received.year": 2, "fj.in_person.year": 1, "fj.received.cumulative": 2,
                  "fj.in_person.cumulative": 2})
    assert codes(validate(cells, report_format="local")) == ["LOC-E01"]
    cells = zeros("local")
    cells.update({"fj.answered.year": 2, "fj.granted.year": 1})
    assert codes(validate(cells, report_format="local")) == ["LOC-E02", "LOC-E03", "LOC-E03"]
    cells.update({"fj.answered.year": 1})
    assert codes(validate(cells, report_format="local")) == ["LOC-E03", "LOC-E03"]
    cells.update({"fj.answered.cumulative": 1, "fj.granted.cumulative": 1})
    assert validate(cells, report_format="local") == []
    prev = zeros("local")
    prev.update({"fj.proactive_docs.cumulative": 558, "fj.via_website.cumulative": 558})
    cur = zeros("local")
    cur.update({"fj.proactive_docs.year": 57, "fj.proactive_docs.cumulative": 615,
                "fj.via_website.year": 57, "fj.via_website.cumulative": 615})
    assert validate(cur, report_format="local", previous=prev) == []
    prev["fj.proactive_docs.cumulative"] = 500
    assert codes(validate(cur, report_format="local", previous=prev)) == ["LOC-W04"]


def test_d_w03_statistical_period():
    assert parse_period("201711日至1231日", 2017) == (date(2017, 1, 1), date(2017, 12, 31), True)
    assert parse_period("2018年1月1日至2018年12月31日", 2018) == (date(2018, 1, 1), date(2018, 12, 31), False)
    assert parse_period("202111日起至20211230日止", 2021) == (date(2021, 1, 1), date(2021, 12, 30), True)
    assert parse_period("111日至1231日", 2017)[0] is None  # 1月11日 or 11月1日: never guessed
    assert codes(validate({}, report_format="legacy", year=2017, period="201711日至1231日")) == ["date_reconstructed"]
    assert validate({}, report_format="legacy", year=2018, period="2018年1月1日至12月31日") == []
    assert codes(validate({}, report_format="2021", year=2021, period="202111日起至20211230日止")) == \
        ["D-W03", "date_reconstructed"]
    assert codes(validate({}, report_format="2021", year=2021, period="全年")) == ["D-W03"]
    assert codes(validate({}, report_format="2021", year=2021, period=(date(2021, 1, 1), date(2021, 12, 30)))) == \
        ["D-W03"]


def test_d_w04_format_vs_year():
    assert codes(validate({}, report_format="2019", year=2021)) == ["D-W04"]
    assert codes(validate({}, report_format="2021", year=2020)) == ["D-W04"]
    assert codes(validate({}, report_format="legacy", year=2019)) == ["D-W04"]
    assert validate({}, report_format="local", year=2018) == []  # 赤门乡 still used a local table in 2018
    assert validate({}, report_format="2021", year=2023) == []


def test_d_w05_deadline():
    assert deadline_for(2018) == date(2019, 3, 31)
    assert deadline_for(2021, "county", "department") == date(2022, 1, 31)
    assert deadline_for(2021, "county", "government") == date(2022, 3, 31)
    assert deadline_for(2021, "township", "government") == date(2022, 1, 31)
    assert deadline_for(2021, "township", "government", date(2022, 2, 15)) == date(2022, 2, 15)
    found = validate({}, report_format="2021", year=2021, agency_level="county", agency_kind="department",
                     published_on=date(2022, 2, 1))
    assert codes(found) == ["D-W05"] and "逾期 1 天" in found[0].message
    assert validate({}, report_format="legacy", year=2018, published_on=date(2019, 3, 10)) == []


def test_d_e01_and_d_e02_sections_and_tables():
    headings = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况", "五、政府信息公开工作存在的主要问题及改进情况",
                "六、其他需要报告的事项"]
    facts = ProseFacts(headings=headings, text="正文")
    assert validate(zeros("2021"), report_format="2021", prose_figures=facts) == []
    found = validate(zeros("2021"), report_format="2021", prose_figures=ProseFacts(headings=headings[:4]))
    assert codes(found) == ["D-E01"] and "存在的主要问题及改进情况" in found[0].message
    t3_only = {k: v for k, v in zeros("2021").items() if k.startswith("t3.")}
    found = validate(t3_only, report_format="2021", prose_figures=facts)
    assert codes(found) == ["D-E02"] and "表二" in found[0].message and "表四" in found[0].message


def test_d_w01_legacy_content_items():
    minhe = ProseFacts(headings=["一、以政务公开为重点,加大主动公开力度", "二、以解读回应为抓手,强化政务公开渠道",
                                 "三、以机制平台为关键,夯实政务公开基础", "四、存在的问题及下一步工作"],
                       text="建立了依申请公开制度，涉企收费清单，政府信息公开行政复议行政应诉办法。")
    found = validate({}, report_format="legacy", year=2018, prose_figures=minhe)
    assert codes(found) == ["D-W01"]
    assert "依申请" in found[0].message and "收费及减免" in found[0].message and "行政复议" in found[0].message
    chimen = ProseFacts(headings=["一、概述", "二、主动公开政府信息的情况", "三、政府信息依申请公开办理情况",
                                  "四、因政府信息公开申请行政复议、提起行政诉讼的情况", "五、存在的主要问题及改进措施",
                                  "六、需要说明的其他事项与附表"], text="正文")
    found = validate({}, report_format="local", year=2018, prose_figures=chimen)
    assert codes(found) == ["D-W01"] and "收费及减免" in found[0].message
    with_table = validate(zeros("legacy"), report_format="legacy", year=2018, prose_figures=chimen)
    assert with_table == []  # the 统计表 row 七、依申请公开信息收取的费用 covers fees


def test_d_w06_d_i07_d_w08():
    text = "本机关认真贯彻落实政府信息公开条例，主动公开政府信息，依法办理依申请公开，加强平台建设和监督保障。" * 3
    facts = ProseFacts(text=text, compare_with=[("某县2021年报", text + "略有不同")])
    found = validate({}, report_format="2021", prose_figures=facts)
    assert "D-W06" in codes(found)
    assert shingle_similarity(text, "完全不同的另一份报告内容，讲的是别的事情。") < 0.8
    facts = ProseFacts(text="全面提升全市政务公开工作水平", agency_name="民和回族土族自治县人民政府办公室")
    assert codes(validate({}, report_format="legacy", year=2018, agency_level="county", prose_figures=facts)) == \
        ["D-W01", "D-I07"]
    facts = ProseFacts(text="对涉及街道辖区的重大突发事件", agency_name="赤门乡人民政府")
    assert "D-I07" in codes(validate({}, report_format="local", agency_level="township", prose_figures=facts))
    town = ProseFacts(agency_name="格尔木市人民政府办公室", text="全市")
    assert "D-I07" not in codes(validate({}, report_format="legacy", agency_level="county", prose_figures=town))
    chimen = ProseFacts(figures=[], text="根据新修订的《中华人民共和国政府信息公开条例》要求",
                        body_dates=[date(2019, 2, 1)], unparsed_dates=["2019131"])
    found = validate({}, report_format="local", published_on=date(2019, 1, 10), prose_figures=chimen)
    assert codes(found).count("D-W08") == 3
    ok = ProseFacts(body_dates=[date(2019, 1, 1)])
    assert validate({}, report_format="local", published_on=date(2019, 1, 10), prose_figures=ok) == []


def test_narrative_for_other_legacy_blocks():
    """湘西州2017: "全州共发布信息85674条" is the 州本级 figure, the table's 全州 figure is 248071."""
    cells = lg(proactive__total=248071, proactive__via_website=248071)
    facts = ProseFacts(figures=[ProseFigure(("lg.proactive.total",), Decimal(85674), "全州共发布信息85674条")])
    found = validate(cells, report_format="legacy", prose_figures=facts)
    assert codes(found) == ["narrative"] and found[0].severity == Severity.WARNING


def test_order_is_severity_then_code():
    cells = lg(review__total=3, proactive__total=5, request__fax=None)
    found = validate(cells, report_format="legacy")
    assert [f.severity for f in found] == sorted([f.severity for f in found],
                                                 key=[Severity.ERROR, Severity.WARNING, Severity.INFO].index)
    assert codes(found) == ["LG-E05", "LG-W01", "T-I01"]
