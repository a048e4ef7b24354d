"""Reply rules of the 《中华人民共和国政府信息公开条例》 (2019 and, for old cases, 2008): 补正后仍不明确, naming the
competent agency, 转办 between agencies, unconfirmed applications, the 2008 regime and 第四十条's forms."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from disclosure_requests import notices, services
from disclosure_requests.forms import ApplicationForm, NoticeDeliveryForm
from disclosure_requests.models import (
    DeliveryMethod,
    DisclosureRequest,
    LegacyOutcome,
    NoticeKind,
    OpinionResult,
    Outcome,
    OutcomeDetail,
    RequestState,
)
from disclosure_requests.statistics import legacy_request_counters, table_three

pytestmark = pytest.mark.django_db

BASIS = "《中华人民共和国政府信息公开条例》"


def test_article_30_still_unclear_only_after_a_correction(in_person, handlers):
    """《政府信息公开条例》第三十条 (补正): 表三 三（四）3 “补正后申请内容仍不明确” presupposes that the applicant was
    told to correct the application and the corrected application came back."""
    h = handlers["handler"]
    case = services.start_processing(in_person(date(2024, 9, 25)), user=h)
    with pytest.raises(ValidationError, match="告知补正"):
        services.reply(case, user=h, outcome=Outcome.UNAVAILABLE_STILL_UNCLEAR, legal_basis=f"{BASIS}第三十条",
                       reasons="仍不明确", on=date(2024, 10, 8))
    services.request_correction(case, user=h, items="请写明文件名称", on=date(2024, 9, 27),
                                correction_due_on=date(2024, 10, 15))
    services.correction_received(case, user=h, on=date(2024, 10, 8))
    case = services.reply(case, user=h, outcome=Outcome.UNAVAILABLE_STILL_UNCLEAR, legal_basis=f"{BASIS}第三十条",
                          reasons="补正后仍无法确定所需信息", on=date(2024, 10, 10))
    assert case.outcome == Outcome.UNAVAILABLE_STILL_UNCLEAR


NOT_OURS = {"outcome": Outcome.UNAVAILABLE_NOT_HELD, "detail": OutcomeDetail.NOT_RESPONSIBLE,
            "legal_basis": f"{BASIS}第三十六条第（五）项", "reasons": "该文件由县自然资源局制作并保存"}


def test_article_36_5_not_ours_names_the_competent_agency_unless_it_cannot_be_determined(in_person, handlers):
    """《政府信息公开条例》第三十六条第（五）项: 所申请公开信息不属于本行政机关负责公开的，告知申请人并说明理由；能够确定负责公开
    该政府信息的行政机关的，告知申请人该行政机关的名称、联系方式."""
    h = handlers["handler"]
    first = in_person(date(2024, 9, 25))
    with pytest.raises(ValidationError) as info:
        services.reply(first, user=h, on=date(2024, 9, 30), **NOT_OURS)
    assert "第三十六条第（五）项" in info.value.message_dict["competent_agency"][0]
    named = services.reply(first, user=h, on=date(2024, 9, 30), competent_agency="县自然资源局，电话 0953-6012345",
                           **NOT_OURS)
    assert named.competent_agency.startswith("县自然资源局")
    unknown = services.reply(in_person(date(2024, 9, 25), description="另一件"), user=h, on=date(2024, 9, 30),
                             competent_agency_unknown=True,
                             **{**NOT_OURS, "reasons": "经核查，该信息不属于本机关职责范围，负责公开的机关无法确定"})
    assert unknown.state == RequestState.CLOSED and unknown.competent_agency == ""


def test_article_36_5_cannot_be_determined_is_refused_when_the_reasons_name_the_agency(in_person, handlers):
    """《政府信息公开条例》第三十六条第（五）项: 能够确定负责公开该政府信息的行政机关的，告知申请人该行政机关的名称、
    联系方式. A reply stating that the agency cannot be determined, while its reasons name an agency of the
    register, is refused and must name it; the replying agency itself and the government above it are not
    "another agency" and do not count."""
    h = handlers["handler"]
    case = in_person(date(2024, 9, 25))
    fields = {**NOT_OURS, "reasons": "该文件由演示县卫生健康局制作并保存"}
    with pytest.raises(ValidationError) as info:
        services.reply(case, user=h, on=date(2024, 9, 30), competent_agency_unknown=True, **fields)
    message = info.value.message_dict["competent_agency"][0]
    assert "演示县卫生健康局" in message and "第三十六条第（五）项" in message
    case.refresh_from_db()
    assert case.state != RequestState.CLOSED
    named = services.reply(case, user=h, on=date(2024, 9, 30), competent_agency="演示县卫生健康局，电话 0953-6012346",
                           **fields)
    assert named.competent_agency.startswith("演示县卫生健康局")
    own = services.reply(in_person(date(2024, 9, 25), description="另一件"), user=h, on=date(2024, 9, 30),
                         competent_agency_unknown=True,
                         **{**NOT_OURS, "reasons": "演示县人民政府未将该事项交由演示县教育局办理，负责公开的机关无法确定"})
    assert own.state == RequestState.CLOSED and own.competent_agency == ""


def test_2008_article_21_3_not_this_agency_names_the_competent_agency(in_person, handlers):
    """《政府信息公开条例》（2008年）第二十一条第（三）项: 对能够确定该政府信息的公开机关的，应当告知申请人该行政机关的名称、
    联系方式."""
    h = handlers["handler"]
    case = in_person(date(2017, 3, 1))
    fields = {"legacy_outcome": LegacyOutcome.NOT_THIS_AGENCY, "legal_basis": f"{BASIS}（2008年）第二十一条第（三）项",
              "reasons": "不属于本机关公开", "on": date(2017, 3, 6)}
    with pytest.raises(ValidationError, match="名称、联系方式"):
        services.reply(case, user=h, **fields)
    assert services.reply(case, user=h, competent_agency="县国土资源局", **fields).state == RequestState.CLOSED


def test_article_36_5_transfer_closes_here_and_opens_a_case_there(region, in_person, handlers):
    """《政府信息公开条例》第三十六条第（五）项: a 转办 inside the platform is, for the first agency, the reply that the
    information is not its own (counted in its 表三 as 三（四）1 本机关不掌握相关政府信息), naming the competent agency;
    the receiving agency receives the application that day as its own new case, counted in its own 表三."""
    h = handlers["handler"]
    case = services.start_processing(in_person(date(2024, 5, 6)), user=h)
    new = services.transfer(case, user=h, to_agency=region["health"], reason="属卫生健康局职责", on=date(2024, 5, 8))
    case.refresh_from_db()
    assert case.agency == region["edu"] and case.state == RequestState.CLOSED and case.closed_on == date(2024, 5, 8)
    assert case.outcome == Outcome.UNAVAILABLE_NOT_HELD and case.outcome_detail == OutcomeDetail.NOT_RESPONSIBLE
    assert "第三十六条第（五）项" in case.legal_basis and case.competent_agency.startswith("演示县卫生健康局")
    assert new.agency == region["health"] and new.transfer_of == case and new.transferred_from == region["edu"]
    assert new.received_on == date(2024, 5, 8) and new.state == RequestState.REGISTERED
    assert new.tracking_number.startswith("HEALTH-2024-") and new.due_on is not None
    assert case.transferred_to == new
    edu, health = table_three([region["edu"].pk], 2024), table_three([region["health"].pk], 2024)
    assert edu["t3.received_new.total"] == 1 and edu["t3.unavailable_not_held.natural_person"] == 1
    assert edu["t3.carried_out.total"] == 0
    assert health["t3.received_new.natural_person"] == 1 and health["t3.carried_out.total"] == 1
    # A case not yet confirmed (待确认) has been received by nobody: it moves whole.
    pending = in_person(date(2024, 5, 6), channel="fax", description="传真申请")
    moved = services.transfer(pending, user=h, to_agency=region["health"], reason="误投")
    assert moved.pk == pending.pk and moved.agency == region["health"] and moved.state == RequestState.SUBMITTED


@pytest.fixture
def submitted(region, in_person):
    """Submitted on Friday 2024-03-01 (the next working day is Monday 03-04)."""
    return {"plain": in_person(date(2024, 3, 1), channel="ordinary_mail", description="平信申请"),
            "fax": in_person(date(2024, 3, 1), channel="fax", description="传真申请")}


def test_article_31_unconfirmed_applications_are_flagged(submitted, client, handlers, frozen_today):
    """《政府信息公开条例》第三十一条第（二）项: a plain letter is confirmed on the day it arrives; 第（三）项: online and
    fax applications are received on the day both sides confirm — left in 待确认 beyond one working day, they
    are flagged in the queue and on the case page, and can be filtered."""
    queue = reverse("disclosure_requests:index")
    frozen_today(date(2024, 3, 1))
    client.force_login(handlers["handler"])
    assert 'badge err">超时未确认' not in client.get(queue).content.decode()
    frozen_today(date(2024, 3, 4))  # the plain letter's day has passed; the fax still has today
    client.force_login(handlers["handler"])  # the session's idle timeout follows the frozen clock
    listed = client.get(queue, {"confirmation_overdue": "on"}).content.decode().split("全部申请")[1]
    assert submitted["plain"].tracking_number in listed and submitted["fax"].tracking_number not in listed
    frozen_today(date(2024, 3, 5))
    client.force_login(handlers["handler"])
    listed = client.get(queue, {"confirmation_overdue": "on"}).content.decode().split("全部申请")[1]
    assert submitted["plain"].tracking_number in listed and submitted["fax"].tracking_number in listed
    detail = client.get(reverse("disclosure_requests:detail", kwargs={"pk": submitted["fax"].pk})).content.decode()
    assert 'badge err">超时未确认' in detail and "2024-03-04 前与申请人确认" in detail
    services.confirm_receipt(submitted["fax"], user=handlers["handler"], confirmed_on=date(2024, 3, 5))
    listed = client.get(queue, {"confirmation_overdue": "on"}).content.decode().split("全部申请")[1]
    assert submitted["fax"].tracking_number not in listed


def test_2008_article_24_only_the_third_party_consultation_stops_the_clock(in_person, handlers):
    """《政府信息公开条例》（2008年）第二十四条: 征求第三方意见所需时间不计算在本条第二款规定的期限内 — no other pause.
    Received 2017-03-01, 15 working days → 03-22; another agency's opinion (3-06…3-10) leaves it there; a third
    party's (3-13…3-15: 3-14 and 3-15 not counted) moves it to 03-24."""
    h = handlers["handler"]
    case = services.start_processing(in_person(date(2017, 3, 1)), user=h)
    assert case.regime == "2008" and case.due_on == date(2017, 3, 22)
    agency = services.open_opinion_request(case, user=h, kind="agency", addressee="县财政局", sent_on=date(2017, 3, 6),
                                           received_on=date(2017, 3, 6))
    services.close_opinion_request(agency, user=h, result=OpinionResult.CONSENT, answered_on=date(2017, 3, 10))
    case.refresh_from_db()
    assert case.due_on == date(2017, 3, 22)
    third = services.open_opinion_request(case, user=h, kind="third_party", addressee="甲公司", sent_on=date(2017, 3, 13),
                                          received_on=date(2017, 3, 13))
    services.close_opinion_request(third, user=h, result=OpinionResult.CONSENT, answered_on=date(2017, 3, 15))
    case.refresh_from_db()
    assert case.due_on == date(2017, 3, 24)


def test_2008_article_24_no_article_35_reason_and_later_date(in_person, handlers, client):
    """《政府信息公开条例》（2008年）第二十四条: 15 working days (+ at most 15), stopped only by a third party's
    consultation. 要求说明理由 and the later reasonable date of the 2019 条例 第三十五条 would move a 2008 case's due
    date, so they are refused for it, on the service and on the case page; a 2019 case keeps them."""
    h = handlers["handler"]
    old = services.start_processing(in_person(date(2017, 3, 1)), user=h)
    with pytest.raises(ValidationError, match="2008年条例第二十四条"):
        services.ask_reason(old, user=h, on=date(2017, 3, 6))
    old.refresh_from_db()
    assert old.state == RequestState.IN_PROGRESS and old.reason_requested_on is None
    assert old.due_on == date(2017, 3, 22)
    client.force_login(h)
    assert 'id="action-reason_ask"' not in client.get(
        reverse("disclosure_requests:detail", kwargs={"pk": old.pk})).content.decode()
    new = services.start_processing(in_person(date(2024, 9, 25), description="另一件"), user=h)
    assert 'id="action-reason_ask"' in client.get(
        reverse("disclosure_requests:detail", kwargs={"pk": new.pk})).content.decode()
    assert services.ask_reason(new, user=h, on=date(2024, 9, 26)).state == RequestState.AWAITING_REASON


def test_2008_article_21_4_the_notice_to_amend_is_the_reply(region, in_person, handlers):
    """《政府信息公开条例》（2008年）第二十一条第（四）项: 申请内容不明确的，应当告知申请人作出更改、补充 — a reply that ends
    the case (counted as 告知作出更改补充 in the 2014–2018 统计表), not a 补正 that restarts the clock."""
    h = handlers["handler"]
    case = services.request_correction(in_person(date(2017, 3, 1)), user=h, items="请写明文件名称",
                                       on=date(2017, 3, 3))
    assert case.state == RequestState.CLOSED and case.closed_on == date(2017, 3, 3)
    assert case.legacy_outcome == LegacyOutcome.TOLD_TO_AMEND and "第二十一条第（四）项" in case.legal_basis
    counters = legacy_request_counters([region["edu"].pk], 2017)
    assert counters["lg.request.told_to_amend"] == 1 and counters["lg.request.answered"] == 1


def test_article_40_inspection_is_a_form_of_provision(region, person, handlers):
    """《政府信息公开条例》第四十条: 确定提供政府信息的具体形式 … 或者安排申请人查阅、抄录相关政府信息 — the applicant can
    ask for it; a letter is never "delivered" by inspection."""
    form = ApplicationForm()
    assert (DeliveryMethod.INSPECTION.value, "查阅、抄录") in form.fields["delivery_method"].choices
    case = services.submit_online(agency=region["edu"], applicant=person(), description="某文件原件",
                                  requested_form="paper", delivery_method=DeliveryMethod.INSPECTION)
    assert DisclosureRequest.objects.get(pk=case.pk).get_delivery_method_display() == "查阅、抄录"
    services.confirm_receipt(case, user=handlers["handler"], confirmed_on=timezone.localdate())
    delivery = NoticeDeliveryForm(case=case)
    assert DeliveryMethod.INSPECTION.value not in [value for value, _ in delivery.fields["method"].choices]
    case = services.reply(case, user=handlers["handler"], outcome=Outcome.GRANTED, detail=OutcomeDetail.PROVIDED,
                          legal_basis=f"{BASIS}第三十六条第（二）项、第四十条")
    assert "请您持本告知书到本机关查阅、抄录该政府信息" in notices.preview_notice(case, NoticeKind.REPLY)


def test_2008_article_21_4_through_the_case_page(in_person, client, handlers):
    """《政府信息公开条例》（2008年）第二十一条第（四）项: the 告知补正 form of a 2008 case asks for no 补正期限 and
    closes the case as the reply."""
    case = in_person(date(2017, 3, 1))
    client.force_login(handlers["handler"])
    page = client.get(reverse("disclosure_requests:detail", kwargs={"pk": case.pk})).content.decode()
    assert "需要更改、补充的内容" in page and 'name="correction_request-correction_due_on"' not in page
    response = client.post(reverse("disclosure_requests:correction_request", kwargs={"pk": case.pk}), {
        "correction_request-items": "请写明文件名称", "correction_request-on": "2017-03-03"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == RequestState.CLOSED and case.legacy_outcome == LegacyOutcome.TOLD_TO_AMEND
