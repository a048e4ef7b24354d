"""The 依申请公开 workbench: the queue, registration, the case page and every transition through the web,
each with its happy path and its refusal."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from catalog.models import Document
from disclosure_requests import services
from disclosure_requests.models import (
    DisclosureRequest,
    Extension,
    Notice,
    OpinionResult,
    Outcome,
    RequestState,
)
from gongkai.privacy import mask

from .conftest import PLANTED_ID

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GONGKAI_NOTICES_PDF = False  # DOCX is enough here; the PDF is test_notices.py's business


def url(name, case=None, **kwargs):
    if case is not None:
        kwargs["pk"] = case.pk
    return reverse(f"disclosure_requests:{name}", kwargs=kwargs or None)


def act(client, case, key, **fields):
    """POST one transition form (fields are prefixed by the action key, as on the page)."""
    return client.post(url(key, case), {f"{key}-{k}": v for k, v in fields.items()})


def fresh(case):
    return DisclosureRequest.objects.get(pk=case.pk)


def page_text(response):
    return response.content.decode()


REGISTER = {
    "agency": None, "channel": "in_person", "submitted_on": "2024-09-25", "signed_for_on": "",
    "applicant_type": "natural_person", "name": "马文静", "id_type": "resident_id", "id_number": PLANTED_ID,
    "phone": "13995123456", "email": "mwj@example.cn", "address": "盐池县花马池镇盐州路88号", "postcode": "751500",
    "description": "2024年学生资助资金分配文件", "purpose": "", "requested_form": "electronic",
    "delivery_method": "email",
}


# --- Queue ----------------------------------------------------------------------------------------------


def test_queue_lists_the_scope_with_days_left_and_no_personal_data(client, region, handlers, in_person, person):
    today = timezone.localdate()
    overdue = in_person(date(2024, 9, 25))
    foreign = services.register(agency=region["other_edu"], user=handlers["other_handler"], channel="in_person",
                                applicant=person(name="邻县申请人"), description="邻县的申请",
                                requested_form="electronic", delivery_method="email", submitted_on=today)
    online = services.submit_online(agency=region["edu"], applicant=person(), description="网上申请的信息",
                                    requested_form="electronic", delivery_method="email")
    client.force_login(handlers["handler"])
    response = client.get(url("index"))
    text = page_text(response)
    assert response.status_code == 200
    assert overdue.tracking_number in text and online.tracking_number in text
    assert foreign.tracking_number not in text
    assert "已逾期" in text and "自然人" in text and "当面" in text
    assert "待确认（1）" in text
    # A request handler holds its agency only: no 公开办 overdue list.
    assert "辖区逾期未答复" not in text
    for secret in (PLANTED_ID, "13995123456", "盐州路88号", "马文静"):
        assert secret not in text


def test_office_sees_every_overdue_case_of_its_subtree_on_top(client, region, handlers, in_person, make_staff):
    late = in_person(date(2024, 9, 25))
    in_person(timezone.localdate(), description="今天收到的申请")
    client.force_login(handlers["head"])
    text = page_text(client.get(url("index")))
    top = text.split("辖区逾期未答复（1）", 1)
    assert len(top) == 2 and late.tracking_number in top[1].split("待确认", 1)[0]


def test_queue_filters(client, region, handlers, in_person):
    old = in_person(date(2024, 9, 25))
    new = in_person(timezone.localdate(), description="今年的申请")
    client.force_login(handlers["handler"])

    def listed(**params):
        text = page_text(client.get(url("index"), params))
        return {c.tracking_number for c in (old, new) if c.tracking_number in text.split("全部申请", 1)[1]}

    assert listed() == {old.tracking_number, new.tracking_number}
    assert listed(overdue="on") == {old.tracking_number}
    assert listed(year=2024) == {old.tracking_number}
    assert listed(state="registered") == {old.tracking_number, new.tracking_number}
    assert listed(state="closed") == set()
    assert listed(agency=region["edu"].pk) == {old.tracking_number, new.tracking_number}
    # A filter value outside the user's scope is simply invalid, not a way to peek.
    assert client.get(url("index"), {"agency": region["other_edu"].pk}).status_code == 200


def test_queue_needs_the_requests_capability(client, region, make_staff):
    client.force_login(make_staff("editor", ("editor", region["edu"])))
    assert client.get(url("index")).status_code == 403
    client.logout()
    assert client.get(url("index")).status_code == 302


def test_the_workbench_menu_offers_requests_and_appeals(client, handlers):
    client.force_login(handlers["handler"])
    text = page_text(client.get(reverse("workbench:home")))
    assert url("index") in text and reverse("appeals:index") in text


# --- Registration ------------------------------------------------------------------------------------------


def test_register_in_person(client, region, handlers):
    client.force_login(handlers["handler"])
    assert client.get(url("register")).status_code == 200
    response = client.post(url("register"), {**REGISTER, "agency": region["edu"].pk, "accessibility_assistance": "on"})
    case = DisclosureRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", case)
    assert case.state == RequestState.REGISTERED and case.received_on == date(2024, 9, 25)
    assert case.due_on == date(2024, 10, 28) and case.accessibility_assistance and case.handler == handlers["handler"]


def test_register_registered_mail_counts_from_signing(client, region, handlers):
    client.force_login(handlers["handler"])
    response = client.post(url("register"), {**REGISTER, "agency": region["edu"].pk, "channel": "registered_mail"})
    assert response.status_code == 200 and "签收日期" in page_text(response)
    assert not DisclosureRequest.objects.exists()
    client.post(url("register"), {**REGISTER, "agency": region["edu"].pk, "channel": "registered_mail",
                                  "signed_for_on": "2024-09-27"})
    assert DisclosureRequest.objects.get().received_on == date(2024, 9, 27)


@pytest.mark.parametrize("channel", ["email", "fax", "ordinary_mail"])
def test_register_channels_needing_confirmation_wait(client, region, handlers, channel):
    client.force_login(handlers["handler"])
    client.post(url("register"), {**REGISTER, "agency": region["edu"].pk, "channel": channel})
    case = DisclosureRequest.objects.get()
    assert case.state == RequestState.SUBMITTED and case.received_on is None and case.tracking_number
    assert case.channel == ("online" if channel == "email" else channel)
    assert case.via_email == (channel == "email")


def test_register_shows_the_service_refusals(client, region, handlers):
    client.force_login(handlers["handler"])
    # An organisation proves its identity by its 统一社会信用代码 (the service's rule, shown on the form).
    response = client.post(url("register"), {**REGISTER, "agency": region["edu"].pk,
                                             "applicant_type": "commercial_enterprise"})
    assert "法人或其他组织请填写统一社会信用代码" in page_text(response)
    response = client.post(url("register"), {**REGISTER, "agency": region["edu"].pk, "id_number": "110105194912310021"})
    assert "校验位" in page_text(response)
    response = client.post(url("register"), {**REGISTER, "agency": region["edu"].pk,
                                             "submitted_on": (timezone.localdate() + timedelta(days=1)).isoformat()})
    assert "日期不能晚于今天" in page_text(response)
    # Another county's agency is not a choice.
    response = client.post(url("register"), {**REGISTER, "agency": region["other_edu"].pk})
    assert response.status_code == 200 and not DisclosureRequest.objects.exists()


def test_register_needs_the_handle_capability(client, region, make_staff):
    client.force_login(make_staff("editor", ("editor", region["edu"])))
    assert client.get(url("register")).status_code == 403


# --- The case page -----------------------------------------------------------------------------------------


def test_detail_shows_the_due_date_trace_and_the_timeline(client, handlers, in_person):
    case = in_person(date(2024, 9, 25))
    client.force_login(handlers["handler"])
    text = page_text(client.get(url("detail", case)))
    assert "2024-10-28" in text and "2024-09-25" in text
    assert case.due_trace in text
    assert "登记申请" in text  # the audit trail, in words
    assert "日历未确认" not in text
    assert PLANTED_ID in text and "13995123456" in text  # the handler sees the applicant in full


def test_detail_warns_when_the_calendar_is_unconfirmed(client, handlers, in_person):
    from workdays.services import set_status

    set_status(2024, "unconfirmed", "", reason="测试")
    case = in_person(date(2024, 9, 25))
    assert not case.due_confirmed
    client.force_login(handlers["handler"])
    assert "日历未确认" in page_text(client.get(url("detail", case)))


def test_detail_masks_personal_data_for_staff_who_cannot_handle_the_agency(client, region, in_person, make_staff,
                                                                          monkeypatch):
    from orgs import scoping
    from orgs.models import Role

    # A browsing-only role (view without handle): no built-in role is like that today, so one is made here.
    grants = dict(scoping.ROLE_GRANTS)
    grants[Role.OFFICE_STAFF] = scoping.RoleGrant(True, frozenset({scoping.Capability.REQUESTS_VIEW}))
    monkeypatch.setattr(scoping, "ROLE_GRANTS", grants)
    case = in_person(date(2024, 9, 25))
    viewer = make_staff("viewer", ("office_staff", region["county"]))
    client.force_login(viewer)
    text = page_text(client.get(url("detail", case)))
    for secret in (PLANTED_ID, "13995123456", "盐州路88号", "马文静", "mwj@example.cn"):
        assert secret not in text
    assert mask("马文静") in text and mask(PLANTED_ID) in text
    assert 'id="action-' not in text  # no transition is offered
    # ... and cannot act: the service refuses.
    assert act(client, case, "start").status_code == 403
    text = page_text(client.get(url("index")))
    assert case.tracking_number in text and PLANTED_ID not in text


def test_foreign_cases_are_not_found(client, handlers, in_person):
    case = in_person(date(2024, 9, 25))
    client.force_login(handlers["other_handler"])
    assert client.get(url("detail", case)).status_code == 404
    assert act(client, case, "start").status_code == 404


# --- Transitions ------------------------------------------------------------------------------------------


def test_online_case_confirm_start_and_reply(client, region, handlers, person):
    case = services.submit_online(agency=region["edu"], applicant=person(), description="2023年财政决算",
                                  requested_form="electronic", delivery_method="email")
    today = timezone.localdate()
    client.force_login(handlers["handler"])
    # Refusal first: a confirmation date before the submission.
    response = act(client, case, "confirm", confirmed_on="2020-01-01")
    assert response.status_code == 200 and "确认日期不能早于提交日期" in page_text(response)
    assert fresh(case).state == RequestState.SUBMITTED
    assert act(client, case, "confirm", confirmed_on=today.isoformat()).status_code == 302
    assert fresh(case).state == RequestState.REGISTERED and fresh(case).handler == handlers["handler"]
    act(client, case, "start")
    assert fresh(case).state == RequestState.IN_PROGRESS
    # Starting twice: the service's message, nothing changes.
    response = client.post(url("start", case), follow=True)
    assert "不能开始办理" in page_text(response)
    # A refusal without reasons is refused, and the typed input is kept.
    response = act(client, case, "reply", outcome=Outcome.WITHHELD_PROCESS_INFO, legal_basis="第十六条第二款",
                   reasons="", on=today.isoformat())
    text = page_text(response)
    assert "必须说明理由" in text and "第十六条第二款" in text and fresh(case).state == RequestState.IN_PROGRESS
    response = act(client, case, "reply", outcome=Outcome.PARTIALLY_GRANTED, legal_basis="第三十七条",
                   reasons="部分内容涉及个人隐私", secondary_outcomes=[Outcome.WITHHELD_THIRD_PARTY_RIGHTS],
                   on=today.isoformat())
    assert response.status_code == 302
    case = fresh(case)
    assert case.state == RequestState.CLOSED and case.outcome == Outcome.PARTIALLY_GRANTED
    assert case.secondary_outcomes == [Outcome.WITHHELD_THIRD_PARTY_RIGHTS]
    text = page_text(client.get(url("detail", case)))
    assert Outcome.PARTIALLY_GRANTED.label in text and "保护第三方合法权益" in text


def test_reply_offers_the_outcomes_grouped_with_their_labels(client, handlers, in_person):
    case = in_person(date(2024, 9, 25))
    client.force_login(handlers["handler"])
    text = page_text(client.get(url("detail", case)))
    for group in ("予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"):
        assert f'<optgroup label="{group}">' in text
    assert "危及“三安全一稳定”" in text
    # The lapse outcomes have their own transitions.
    reply_form = text.split('id="action-reply"', 1)[1].split("</details>", 1)[0]
    assert 'value="other_no_correction"' not in reply_form.split("其他答复理由")[0]


def test_correction_cycle_and_lapse(client, handlers, in_person):
    h = handlers["handler"]
    client.force_login(h)
    case = in_person(date(2024, 9, 25))
    response = act(client, case, "correction_request", items="请写明文件名称", correction_due_on="2024-09-26",
                   on="2024-09-27")
    assert "补正期限应晚于告知日期" in page_text(response) and fresh(case).correction_requested_on is None
    act(client, case, "correction_request", items="请写明文件名称", correction_due_on="2024-10-15", on="2024-09-27")
    assert fresh(case).state == RequestState.AWAITING_CORRECTION
    act(client, case, "correction_received", on="2024-10-08")
    assert fresh(case).due_on == date(2024, 11, 4)
    other = in_person(date(2024, 9, 25), description="另一份申请")
    act(client, other, "correction_request", items="补充文号", correction_due_on="2024-10-15", on="2024-09-27")
    response = act(client, other, "correction_lapsed", on="2024-10-15")
    assert "尚未届满" in page_text(response)
    act(client, other, "correction_lapsed", on="2024-10-16")
    assert fresh(other).outcome == Outcome.OTHER_NO_CORRECTION


def test_opinion_request_pauses_and_resumes(client, handlers, in_person):
    client.force_login(handlers["handler"])
    case = in_person(date(2024, 3, 1))
    services.start_processing(case, user=handlers["handler"])
    before = fresh(case).due_on
    act(client, case, "opinion_open", kind="third_party", addressee="某科技公司", sent_on="2024-03-05",
        received_on="2024-03-06")
    opinion = case.opinion_requests.get()
    response = act(client, case, "opinion_close", opinion=opinion.pk, result="lapsed", answered_on="2024-03-10")
    assert "15个工作日" in page_text(response)
    act(client, case, "opinion_close", opinion=opinion.pk, result="consent", answered_on="2024-03-12",
        opinion_text="同意公开")
    opinion.refresh_from_db()
    assert opinion.result == OpinionResult.CONSENT and fresh(case).due_on > before


def test_extension_only_for_the_head_who_is_recorded_as_approver(client, handlers, in_person):
    case = in_person(date(2024, 9, 25))
    services.start_processing(case, user=handlers["handler"])
    client.force_login(handlers["handler"])
    assert 'id="action-extend"' not in page_text(client.get(url("detail", case)))
    fields = {"working_days": 20, "reason": "需要调取档案", "approved_on": "2024-10-21", "notified_on": "2024-10-22"}
    assert act(client, case, "extend", **fields).status_code == 403
    client.force_login(handlers["head"])
    assert 'id="action-extend"' in page_text(client.get(url("detail", case)))
    response = act(client, case, "extend", **{**fields, "working_days": 21})
    assert response.status_code == 200 and not Extension.objects.exists()
    act(client, case, "extend", **fields)
    extension = Extension.objects.get()
    assert extension.approver == handlers["head"] and fresh(case).due_on == date(2024, 11, 25)


def test_article_35_reason_asked_then_refused(client, handlers, in_person):
    client.force_login(handlers["handler"])
    case = in_person(date(2024, 9, 25))
    services.start_processing(case, user=handlers["handler"])
    act(client, case, "reason_ask", on="2024-09-27")
    assert fresh(case).state == RequestState.AWAITING_REASON
    response = act(client, case, "reason_decide", reasonable="yes", on="2024-10-08", custom_due_on="2024-10-01")
    assert "应晚于原答复期限" in page_text(response)
    act(client, case, "reason_decide", reasonable="no", on="2024-10-08", reasons="一个月内申请120件")
    assert fresh(case).outcome == Outcome.NOT_PROCESSED_EXCESSIVE


def test_fee_notice_settled_and_lapsed(client, handlers, in_person):
    client.force_login(handlers["handler"])
    case = in_person(date(2024, 5, 6))
    services.start_processing(case, user=handlers["handler"])
    response = act(client, case, "fee_notice", method="per_page", pages=30, served_on="2024-05-08")
    assert "不应收费" in page_text(response)
    act(client, case, "fee_notice", method="per_page", pages=150, served_on="2024-05-08")
    assert fresh(case).state == RequestState.AWAITING_FEE
    response = act(client, case, "fee_settled", on="2024-05-10")
    assert "缴款书编号" in page_text(response)
    act(client, case, "fee_settled", on="2024-05-10", payment_reference="FS2024-001")
    assert fresh(case).state == RequestState.IN_PROGRESS
    # One notice per case: the button is gone and a forged post is refused plainly.
    response = act(client, case, "fee_notice", method="per_page", pages=150, served_on="2024-05-13")
    assert "已发出过收费通知" in page_text(response)
    other = in_person(date(2024, 5, 6), description="另一份申请")
    services.start_processing(other, user=handlers["handler"])
    act(client, other, "fee_notice", method="per_page", pages=150, served_on="2024-05-08")
    act(client, other, "fee_lapsed", on="2024-06-20")
    assert fresh(other).outcome == Outcome.OTHER_FEE_UNPAID


def test_on_the_spot_withdraw_transfer_archive(client, region, handlers, in_person):
    client.force_login(handlers["handler"])
    today = case_day = timezone.localdate()
    spot = in_person(case_day)
    act(client, spot, "on_the_spot", outcome=Outcome.GRANTED, legal_basis="第三十六条第（一）项", detail="already_public")
    assert fresh(spot).closed_on == today and fresh(spot).outcome == Outcome.GRANTED
    act(client, spot, "archive")
    assert fresh(spot).state == RequestState.ARCHIVED
    old = in_person(date(2024, 9, 25), description="旧申请")
    assert 'id="action-on_the_spot"' not in page_text(client.get(url("detail", old)))
    response = act(client, old, "withdraw", on="2024-09-30", how="")
    assert response.status_code == 200 and fresh(old).is_open
    act(client, old, "withdraw", on="2024-09-30", how="申请人书面撤回")
    assert fresh(old).outcome == Outcome.OTHER_MISC
    moved = in_person(date(2024, 9, 25), description="误投的申请")
    response = act(client, moved, "transfer", to_agency=region["other_edu"].pk, reason="")
    assert response.status_code == 200 and fresh(moved).agency == region["edu"]
    response = act(client, moved, "transfer", to_agency=region["other_edu"].pk, reason="属邻县教育局职责",
                   on="2024-09-27")
    # 第三十六条第（五）项: the first agency answers (not its information, naming the competent agency) and keeps
    # its case; the receiving agency, outside the handler's scope, has its own new case.
    assert response.status_code == 302 and response["Location"] == url("detail", moved)
    closed = fresh(moved)
    assert closed.agency == region["edu"] and closed.state == RequestState.CLOSED
    assert closed.outcome == Outcome.UNAVAILABLE_NOT_HELD and closed.outcome_detail == "not_responsible"
    assert "邻县教育局" in closed.competent_agency and closed.closed_on == date(2024, 9, 27)
    new = DisclosureRequest.objects.get(transfer_of=closed)
    assert new.agency == region["other_edu"] and new.transferred_from == region["edu"]
    assert new.received_on == date(2024, 9, 27) and new.state == RequestState.REGISTERED
    page = page_text(client.get(url("detail", closed)))
    assert "已转邻县教育局办理" in page and new.tracking_number in page


def test_letters_are_issued_and_downloaded_by_handlers_only(client, region, handlers, in_person, make_staff):
    client.force_login(handlers["handler"])
    case = in_person(date(2024, 9, 25))
    response = act(client, case, "notice_issue", kind="reply")
    assert "尚未办结" in page_text(response) and not Notice.objects.exists()
    act(client, case, "notice_issue", kind="receipt")
    notice = Notice.objects.get()
    download = client.get(url("notice_download", case), {"notice": notice.pk, "format": "docx"})
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content)[:2] == b"PK"
    act(client, case, "notice_delivery", notice=notice.pk, method="post", delivered_on="2024-09-26", reference="")
    notice.refresh_from_db()
    assert notice.delivered_on is None
    act(client, case, "notice_delivery", notice=notice.pk, method="post", delivered_on="2024-09-26",
        reference="XA123456789CN")
    notice.refresh_from_db()
    assert notice.delivered_on == date(2024, 9, 26)
    timeline = page_text(client.get(url("detail", case))).split("办理记录", 1)[1]
    assert "出具文书" in timeline and "登记文书送达" in timeline
    client.force_login(handlers["other_handler"])
    assert client.get(url("notice_download", case), {"notice": notice.pk}).status_code == 404


def test_promote_to_proactive_disclosure(client, region, handlers, in_person, make_staff):
    case = in_person(date(2024, 9, 25))
    services.reply(case, user=handlers["handler"], outcome=Outcome.GRANTED, legal_basis="第三十六条第（二）项",
                   on=date(2024, 10, 8))
    client.force_login(handlers["handler"])
    text = page_text(client.get(url("detail", case)))
    assert "转为主动公开" in text and "没有在演示县教育局起草政府信息的权限" in text
    response = client.post(url("promote", case), follow=True)
    assert "没有在" in page_text(response) and not Document.objects.exists()
    drafter = make_staff("drafter", ("request_handler", region["edu"]), ("editor", region["edu"]))
    client.force_login(drafter)
    response = client.post(url("promote", case))
    document = Document.objects.get()
    assert response["Location"] == reverse("catalog:detail", kwargs={"pk": document.pk})
    assert document.publisher == region["edu"] and document.genre.code == "other-document"
    assert document.title == case.description and document.status == "draft"
    # The service writes the product data (the case's drafts) and, separately, the audit trail.
    assert list(fresh(case).promoted_documents.all()) == [document]
    entry = AuditEntry.objects.get(action="requests.promote", object_id=str(case.pk))
    assert entry.after == {"document": document.pk}
    assert f'href="{reverse("catalog:detail", kwargs={"pk": document.pk})}"' in page_text(client.get(url("detail", case)))


def test_promoted_drafts_are_read_from_the_case_not_from_the_audit_trail(region, handlers, in_person, make_staff):
    """The case page lists its drafts from DisclosureRequest.promoted_documents; an audit entry alone adds none."""
    case = in_person(date(2024, 9, 25))
    services.reply(case, user=handlers["handler"], outcome=Outcome.GRANTED, legal_basis="第三十六条第（二）项",
                   on=date(2024, 10, 8))
    drafter = make_staff("drafter", ("request_handler", region["edu"]), ("editor", region["edu"]))
    with pytest.raises(PermissionDenied):
        services.promote(case, user=handlers["handler"])
    outcome = services.promote(case, user=drafter)
    assert list(fresh(case).promoted_documents.all()) == [outcome.document]
    assert AuditEntry.objects.filter(action="requests.promote", object_id=str(case.pk)).count() == 1


def test_promote_refused_for_open_or_withheld_cases(client, handlers, in_person, region, make_staff):
    drafter = make_staff("drafter", ("request_handler", region["edu"]), ("editor", region["edu"]))
    client.force_login(drafter)
    case = in_person(date(2024, 9, 25))
    response = client.post(url("promote", case), follow=True)
    assert "只有予以公开或部分公开" in page_text(response) and not Document.objects.exists()


def test_a_2008_regime_case_is_answered_with_the_2008_reply_types(client, handlers, in_person):
    """2008 条例 第二十一条: a case received before 2019-05-15 gets the legacy reply types on its page."""
    case = in_person(date(2018, 11, 5))
    client.force_login(handlers["handler"])
    page = client.get(url("detail", case)).content.decode()
    assert "办理结果（2008年条例）" in page and "告知作出更改补充" in page
    act(client, case, "reply", legacy_outcome="not_this_agency", legal_basis="2008年条例第二十一条第（三）项",
        reasons="属县财政局职责", competent_agency="县财政局 0953-6011111", on="2018-11-20")
    closed = fresh(case)
    assert (closed.state, closed.legacy_outcome, closed.outcome) == ("closed", "not_this_agency", "unavailable_not_held")
