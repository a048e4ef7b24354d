"""救济途径 in the 答复告知书: 复议前置 for 不予公开 under the revised 行政复议法, the 行政复议机关 the letter names, and
a 缴费期限 counted over a year whose 节假日安排 is not confirmed printed as provisional (暂定)."""

from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured

from disclosure_requests import notices, services
from disclosure_requests.models import NoticeKind, Outcome
from orgs.models import AgencyKind, AgencyLevel, ReviewJurisdiction
from orgs.services import create_agency, update_agency
from workdays import services as calendar_services

pytestmark = pytest.mark.django_db

BASIS = "《中华人民共和国政府信息公开条例》"
RECEIVED_2026, REPLY_2026 = date(2026, 9, 1), date(2026, 9, 15)
RECEIVED_2023, REPLY_2023 = date(2023, 9, 4), date(2023, 9, 15)

EITHER_OR = "如对本答复不服，您可以在收到本告知书之日起60日内向演示县人民政府申请行政复议，或者在6个月内向有管辖权的人民法院提起行政诉讼。"
# The law's words (行政复议法 第二十三条第一款: "有下列情形之一的，申请人应当先向行政复议机关申请行政复议，对行政复议
# 决定不服的，可以再依法向人民法院提起行政诉讼：……（四）申请政府信息公开，行政机关不予公开"; 行政诉讼法 第四十五条:
# "不服复议决定的，可以在收到复议决定书之日起十五日内向人民法院提起诉讼。复议机关逾期不作决定的，申请人可以在复议期满之日
# 起十五日内向人民法院提起诉讼"), each cited with its article in the letter (docs/law/notices.md §7).
REVIEW_FIRST_RULE = ("根据《中华人民共和国行政复议法》第二十三条第一款第（四）项的规定，申请政府信息公开，行政机关不予公开的，"
                     "申请人应当先向行政复议机关申请行政复议，对行政复议决定不服的，可以再依法向人民法院提起行政诉讼。")
LATER_SUIT = ("根据《中华人民共和国行政诉讼法》第四十五条的规定，您对行政复议决定不服的，可以在收到行政复议决定书之日起15日内"
              "向有管辖权的人民法院提起行政诉讼；行政复议机关逾期不作决定的，可以在行政复议期满之日起15日内向有管辖权的人民法院"
              "提起行政诉讼。")
REVIEW_FIRST = "如对本答复不服，您可以在收到本告知书之日起60日内向演示县人民政府申请行政复议。" + REVIEW_FIRST_RULE + LATER_SUIT
REVIEW_FIRST_MARK = "应当先向行政复议机关申请行政复议"


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def decide(region, person, make_staff):
    """decide(outcome, received_on, replied_on, agency=教育局, **reply) → the closed case."""
    staff = {}

    def make(outcome, received_on, replied_on, agency=None, **reply):
        agency = agency or region["edu"]
        if agency.code not in staff:
            staff[agency.code] = make_staff(f"handler-{agency.code}", ("request_handler", agency))
        handler = staff[agency.code]
        case = services.register(agency=agency, user=handler, channel="in_person", applicant=person(),
                                 description="2025年农村危房改造补助名单", requested_form="electronic",
                                 delivery_method="email", submitted_on=received_on)
        fields = {"legal_basis": f"{BASIS}第三十六条", "reasons": "详见说明。", "on": replied_on, **reply}
        return services.reply(case, user=handler, outcome=outcome, **fields)
    return make


def remedies_of(case) -> str:
    return flat(notices.preview_notice(case, NoticeKind.REPLY))


def test_refusal_decided_in_2026_offers_review_first_and_the_later_suit(decide):
    """《中华人民共和国行政复议法》（2023年修订）第二十三条第一款第（四）项、第二款: 申请政府信息公开，行政机关不予公开的，
    先申请行政复议, and the agency must say so; 第二十条 (60日); 《中华人民共和国行政诉讼法》第四十五条 (15日 after the
    复议决定书, or after the 复议期满). No direct suit within 6 months (行政诉讼法 第四十六条) is offered."""
    case = decide(Outcome.WITHHELD_STATE_SECRET, RECEIVED_2026, REPLY_2026)
    text = remedies_of(case)
    assert flat(REVIEW_FIRST) in text
    assert "6个月" not in text and "或者在" not in text and "国务院" not in text
    assert notices.review_first(case) == "all"


@pytest.mark.parametrize("outcome", [o for o in Outcome if o.value.startswith("withheld_")],
                         ids=lambda o: o.value)
def test_every_withheld_row_requires_review_first(outcome, decide):
    """行政复议法（2023年修订）第二十三条第一款第（四）项 covers every 三（三）“不予公开” row of 表三."""
    case = decide(outcome, RECEIVED_2026, REPLY_2026)
    assert REVIEW_FIRST_MARK in remedies_of(case) and "6个月" not in remedies_of(case)


def test_refusal_decided_in_2023_reads_as_before(decide):
    """The revised 行政复议法 applies from 2024-01-01 (主席令第九号): a reply of 2023 keeps 复议（60日）or 诉讼（6个月,
    《中华人民共和国行政诉讼法》第四十六条）."""
    case = decide(Outcome.WITHHELD_STATE_SECRET, RECEIVED_2023, REPLY_2023)
    text = remedies_of(case)
    assert flat(EITHER_OR) in text and REVIEW_FIRST_MARK not in text
    assert "第二十三条" not in text and "第四十五条" not in text and "行政复议决定书" not in text
    assert notices.review_first(case) == ""


def test_partial_disclosure_in_2026_applies_review_first_to_the_withheld_part(decide):
    """行政复议法（2023年修订）第二十三条第一款第（四）项 for the part not disclosed (部分公开 is a partial 不予公开);
    the rest of the reply keeps the either/or of 第二十条 and 行政诉讼法 第四十六条."""
    case = decide(Outcome.PARTIALLY_GRANTED, RECEIVED_2026, REPLY_2026)
    text = remedies_of(case)
    assert flat("对本答复中不予公开的部分不服的，您可以在收到本告知书之日起60日内向演示县人民政府申请行政复议。"
                + REVIEW_FIRST_RULE + LATER_SUIT) in text
    assert flat("对本答复的其他内容不服的，您可以在收到本告知书之日起60日内向演示县人民政府申请行政复议，"
                "或者在6个月内向有管辖权的人民法院提起行政诉讼。") in text
    assert notices.review_first(case) == "part"


@pytest.mark.parametrize("outcome", [Outcome.GRANTED, Outcome.UNAVAILABLE_NOT_HELD, Outcome.NOT_PROCESSED_DUPLICATE],
                         ids=lambda o: o.value)
def test_other_outcomes_keep_the_either_or(outcome, decide):
    """行政复议法（2023年修订）第二十三条第一款第（四）项 names 不予公开 only: 予以公开, 无法提供 (三（四）) and 不予处理
    keep 复议（第二十条，60日）or 诉讼（行政诉讼法 第四十六条，6个月）by default."""
    case = decide(outcome, RECEIVED_2026, REPLY_2026)
    text = remedies_of(case)
    assert flat(EITHER_OR) in text and REVIEW_FIRST_MARK not in text


def test_a_withheld_secondary_outcome_makes_review_first_apply_to_that_part(decide):
    """行政复议法（2023年修订）第二十三条第一款第（四）项: a reply that also withholds (a secondary 不予公开 reason) tells
    the applicant of 复议前置 for that part."""
    case = decide(Outcome.UNAVAILABLE_NOT_HELD, RECEIVED_2026, REPLY_2026,
                  secondary_outcomes=[Outcome.WITHHELD_PROCESS_INFO.value])
    assert notices.review_first(case) == "part"
    assert "对本答复中不予公开的部分不服的" in remedies_of(case)


def test_the_rule_is_a_setting(decide, settings):
    """Whether 无法提供 counts as 不予公开 under 行政复议法 第二十三条第一款第（四）项 is debated:
    GONGKAI_REVIEW_FIRST_OUTCOMES decides, and GONGKAI_REVIEW_FIRST_FROM the date it applies from."""
    settings.GONGKAI_REVIEW_FIRST_OUTCOMES = [*settings.GONGKAI_REVIEW_FIRST_OUTCOMES, "unavailable_not_held"]
    case = decide(Outcome.UNAVAILABLE_NOT_HELD, RECEIVED_2026, REPLY_2026)
    assert REVIEW_FIRST_MARK in remedies_of(case)
    settings.GONGKAI_REVIEW_FIRST_FROM = "2027-01-01"
    assert notices.review_first(case) == "" and "6个月" in remedies_of(case)
    settings.GONGKAI_REVIEW_FIRST_OUTCOMES = ["withheld"]
    with pytest.raises(ImproperlyConfigured, match="withheld"):
        notices.review_first_outcomes()


# --- The 行政复议机关 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("jurisdiction, name, superior", [
    (ReviewJurisdiction.VERTICAL, "国家税务总局演示县税务局", "国家税务总局演示市税务局"),
    (ReviewJurisdiction.STATE_SECURITY, "演示县国家安全局", "演示市国家安全局"),
], ids=["vertical", "state_security"])
def test_vertical_and_state_security_agencies_name_their_superior_department(jurisdiction, name, superior, region,
                                                                             decide):
    """《中华人民共和国行政复议法》（2023年修订）第二十七条: 对海关、金融、外汇管理等实行垂直领导的行政机关、税务和
    国家安全机关的行政行为不服的，向上一级主管部门申请行政复议."""
    agency = create_agency(code="vertical", name=name, kind=AgencyKind.DEPARTMENT, level=AgencyLevel.COUNTY,
                           parent=region["county"], review_jurisdiction=jurisdiction, superior_department=superior)
    case = decide(Outcome.WITHHELD_ENFORCEMENT_FILE, RECEIVED_2026, REPLY_2026, agency=agency)
    text = remedies_of(case)
    assert flat(f"60日内向{superior}申请行政复议") in text
    assert "演示县人民政府申请行政复议" not in text


def test_root_government_names_its_recorded_superior_government(region, decide):
    """行政复议法（2023年修订）第二十四条第一款第（二）项: 对下一级人民政府作出的行政行为不服的 — the county's case goes to
    the 上一级人民政府 recorded on it, not to a generic “上一级人民政府”."""
    case = decide(Outcome.GRANTED, RECEIVED_2026, REPLY_2026, agency=region["county"])
    assert flat("60日内向上一级人民政府申请行政复议") in remedies_of(case)  # nothing recorded yet
    update_agency(region["county"], superior_government="吴忠市人民政府")
    text = remedies_of(case)
    assert flat("60日内向吴忠市人民政府申请行政复议") in text and "上一级人民政府申请" not in text


def test_departments_and_towns_go_to_the_government_above(region, decide):
    """行政复议法（2023年修订）第二十四条第一款第（一）项（本级人民政府工作部门）、第（二）项（下一级人民政府）: both
    go to the county's 人民政府, whatever is recorded on the county."""
    update_agency(region["county"], superior_government="吴忠市人民政府")
    for agency in (region["edu"], region["town"]):
        case = decide(Outcome.GRANTED, RECEIVED_2026, REPLY_2026, agency=agency)
        assert flat("60日内向演示县人民政府申请行政复议") in remedies_of(case)


def test_province_government_names_itself_and_the_state_council_ruling(decide):
    """行政复议法（2023年修订）第二十四条第二款: 省、自治区、直辖市人民政府同时管辖对本机关作出的行政行为不服的行政复议
    案件; 第二十六条: its 复议决定 may be taken to court or to the State Council (国务院) for a final ruling."""
    province = create_agency(code="prov", name="演示省人民政府", kind=AgencyKind.GOVERNMENT, level=AgencyLevel.PROVINCE)
    department = create_agency(code="prov-jyt", name="演示省教育厅", kind=AgencyKind.DEPARTMENT,
                               level=AgencyLevel.PROVINCE, parent=province)
    case = decide(Outcome.WITHHELD_STATE_SECRET, RECEIVED_2026, REPLY_2026, agency=province)
    text = remedies_of(case)
    assert flat("60日内向演示省人民政府申请行政复议") in text and "也可以向国务院申请裁决" in text
    case = decide(Outcome.WITHHELD_STATE_SECRET, RECEIVED_2026, REPLY_2026, agency=department)
    text = remedies_of(case)
    assert flat("60日内向演示省人民政府申请行政复议") in text and "国务院" not in text


# --- A 缴费期限 over an unconfirmed year ------------------------------------------------------------------------


def test_fee_due_date_over_an_unconfirmed_calendar_is_provisional(region, person, make_staff):
    """《政府信息公开条例》第四十二条 (信息处理费) and 《政府信息公开信息处理费管理办法》（国办函〔2020〕109号; its
    article on payment UNVERIFIED): payment within 20 working days. Where the 节假日安排 of a year in that span is
    not confirmed (国务院办公厅 not yet published, 《全国年节及纪念日放假办法》第二条 gives only the fixed-date
    holidays), the date in the 收费通知书 is provisional (暂定), like the reply's due date."""
    handler = make_staff("fee-handler", ("request_handler", region["edu"]))

    def fee_case(description):
        case = services.register(agency=region["edu"], user=handler, channel="in_person", applicant=person(),
                                 description=description, requested_form="electronic", delivery_method="email",
                                 submitted_on=date(2024, 9, 25))
        case = services.start_processing(case, user=handler)
        services.issue_fee_notice(case, user=handler, method="per_page", pages=150, served_on=date(2024, 9, 27))
        return case

    confirmed = fee_case("第一份申请")
    text = flat(notices.preview_notice(confirmed, NoticeKind.FEE))
    assert "（按本机关工作日历计算，至2024年10月30日）" in text and "暂定" not in text

    calendar_services.set_status(2024, "unconfirmed", "", "测试：撤销确认")
    provisional = fee_case("第二份申请")
    text = flat(notices.preview_notice(provisional, NoticeKind.FEE))
    assert flat("（按本机关工作日历暂计至2024年10月30日。2024年节假日安排尚未公布，该日期为暂定日期，"
                "缴纳期限以按国务院办公厅公布的节假日安排计算的第20个工作日为准）") in text
    assert "按本机关工作日历计算，至" not in text
    # The reply closing the case for non-payment says the same of the date it quotes.
    closed = services.fee_lapsed(provisional, user=handler, on=date(2024, 10, 31))
    assert flat("缴费期限至2024年10月30日（2024年节假日安排尚未公布，为按本机关工作日历计算的暂定日期）") in flat(
        notices.preview_notice(closed, NoticeKind.REPLY))
