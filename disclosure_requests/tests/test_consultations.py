"""Consultations (征求意见) and the reply: the pause ends at the other side's lapse, the receipt date can be
recorded later, a reply closes what is still open, and disclosure over a third party's objection needs the
written notice first. Each rule names its article of the 《中华人民共和国政府信息公开条例》 (2019)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEntry
from disclosure_requests import deadlines, notices, services
from disclosure_requests.models import ClockPause, NoticeKind, OpinionResult, Outcome

pytestmark = pytest.mark.django_db

BASIS = "《中华人民共和国政府信息公开条例》"
WITHHELD = {"outcome": Outcome.WITHHELD_THIRD_PARTY_RIGHTS, "legal_basis": f"{BASIS}第十五条",
            "reasons": "涉及商业秘密"}
GRANTED = {"outcome": Outcome.GRANTED, "legal_basis": f"{BASIS}第三十六条第（二）项"}


@pytest.fixture
def consulting(in_person, handlers):
    """Received 2024-03-01 (due 03-29 without a pause); 征求意见书 to a third party sent 2024-03-11."""
    def make(received_on=None, kind="third_party"):
        h = handlers["handler"]
        case = services.start_processing(in_person(date(2024, 3, 1)), user=h)
        opinion = services.open_opinion_request(case, user=h, kind=kind, addressee="某科技公司",
                                                sent_on=date(2024, 3, 11), received_on=received_on)
        return case, opinion
    return make


def test_article_32_receipt_date_recorded_later_makes_a_silent_third_party_lapse(consulting, handlers):
    """《政府信息公开条例》第三十二条: 第三方应当自收到征求意见书之日起15个工作日内提出意见; 逾期未提出意见的，由行政机关决定.
    Without the receipt date no lapse can be recorded; it can be added later (audited), and from it the 15
    working days run (3-13 … 4-02)."""
    case, opinion = consulting()
    h = handlers["handler"]
    with pytest.raises(ValidationError, match="请先登记对方收到日期"):
        services.close_opinion_request(opinion, user=h, result=OpinionResult.LAPSED, answered_on=date(2024, 6, 3))
    with pytest.raises(ValidationError, match="不能早于发出"):
        services.record_opinion_receipt(opinion, user=h, received_on=date(2024, 3, 8))
    opinion = services.record_opinion_receipt(opinion, user=h, received_on=date(2024, 3, 12))
    assert opinion.reply_due_on == date(2024, 4, 2)
    entry = AuditEntry.objects.filter(action="requests.opinion.receipt").get()
    assert entry.after["received_on"] == "2024-03-12" and entry.after["reply_due_on"] == "2024-04-02"
    with pytest.raises(ValidationError, match="尚未届满"):
        services.close_opinion_request(opinion, user=h, result=OpinionResult.LAPSED, answered_on=date(2024, 4, 2))
    opinion = services.close_opinion_request(opinion, user=h, result=OpinionResult.LAPSED, answered_on=date(2024, 6, 3))
    assert opinion.result == OpinionResult.LAPSED
    # The pause ends on the last day of the third party's period, not on the day the lapse was recorded.
    assert ClockPause.objects.get(pk=opinion.pause_id).end == date(2024, 4, 2)


def test_article_33_pause_ends_by_itself_at_the_lapse(consulting):
    """《政府信息公开条例》第三十三条第三款 (consultation time is not counted) with 第三十二条's 15 working days: an
    unanswered consultation stops the clock only up to the lapse (4-02), even while nobody has recorded it.
    3-4…8 (5), 3-11 (6, the day the notice goes out counts), paused 3-12…4-02, 4-3 (7), 清明 4-4…6 off,
    4-7 Sun make-up (8), 4-8…12 (13), 4-15…19 (18), 4-22 (19), 4-23 (20) → 2024-04-23."""
    case, _opinion = consulting(received_on=date(2024, 3, 12))
    # While it runs, the stored due date assumes the pause lasts to the lapse at the latest.
    case.refresh_from_db()
    assert case.due_on == date(2024, 4, 23)
    later = deadlines.compute(case, today=date(2024, 6, 28))
    assert later.due_on == date(2024, 4, 23) and "期满未答复" in later.trace and not later.paused


def test_article_33_a_reply_months_later_is_late_and_closes_the_consultation(consulting, handlers):
    """《政府信息公开条例》第三十三条 (20 working days, consultation time not counted) and 第三十二条: a reply on
    2024-06-28 after the third party's silence is late (due 04-23), not on time because the pause never
    ended. The reply is refused while the consultation is open, unless it closes it in the same step."""
    case, opinion = consulting(received_on=date(2024, 3, 12))
    h = handlers["handler"]
    with pytest.raises(ValidationError) as info:
        services.reply(case, user=h, on=date(2024, 6, 28), **GRANTED)
    assert "close_opinions" in info.value.message_dict
    case = services.reply(case, user=h, on=date(2024, 6, 28), close_opinions=True, **GRANTED)
    assert case.closed_late and case.due_on == date(2024, 4, 23)
    opinion.refresh_from_db()
    assert opinion.result == OpinionResult.LAPSED and opinion.answered_on == date(2024, 6, 28)
    assert ClockPause.objects.get(pk=opinion.pause_id).end == date(2024, 4, 2)


def test_article_32_no_disclosure_while_the_third_partys_period_runs(consulting, handlers):
    """《政府信息公开条例》第三十二条: the agency decides after the third party's opinion or its lapse. A 予以公开
    reply on 3-20, while the 15 working days run to 4-02, is refused; a refusal to disclose may be given,
    and the consultation then ends with the reply (the pause ends that day)."""
    case, opinion = consulting(received_on=date(2024, 3, 12))
    h = handlers["handler"]
    with pytest.raises(ValidationError) as info:
        services.reply(case, user=h, on=date(2024, 3, 20), close_opinions=True, **GRANTED)
    assert "尚未届满" in info.value.message_dict["outcome"][0] and "第三十二条" in info.value.message_dict["outcome"][0]
    case = services.reply(case, user=h, on=date(2024, 3, 20), close_opinions=True, **WITHHELD)
    opinion.refresh_from_db()
    assert opinion.result == OpinionResult.ENDED
    assert ClockPause.objects.get(pk=opinion.pause_id).end == date(2024, 3, 20)
    assert not case.closed_late


def test_article_34_no_disclosure_while_another_agencys_period_runs(consulting, handlers):
    """《政府信息公开条例》第三十四条: the other agency has 15 working days (silence is consent); disclosing before
    they run out or the agency answers is refused."""
    case, _opinion = consulting(received_on=date(2024, 3, 12), kind="agency")
    with pytest.raises(ValidationError, match="第三十四条"):
        services.reply(case, user=handlers["handler"], on=date(2024, 3, 20), close_opinions=True, **GRANTED)


def test_article_32_closing_a_consultation_with_an_unknown_receipt_date_needs_it_first(consulting, handlers):
    """《政府信息公开条例》第三十二条: without the third party's receipt date its 15 working days cannot be
    counted, so a reply cannot close the consultation as lapsed and hide a late reply."""
    case, _opinion = consulting()
    with pytest.raises(ValidationError, match="尚未登记对方收到"):
        services.reply(case, user=handlers["handler"], on=date(2024, 6, 28), close_opinions=True, **WITHHELD)


@pytest.fixture
def objected(consulting, handlers):
    case, opinion = consulting(received_on=date(2024, 3, 12))
    opinion = services.close_opinion_request(opinion, user=handlers["handler"], result=OpinionResult.OBJECTION,
                                             answered_on=date(2024, 3, 20), opinion_text="涉及商业秘密，不同意公开")
    return case, opinion


def test_article_32_disclosure_over_an_objection_needs_the_written_notice_first(objected, handlers):
    """《政府信息公开条例》第三十二条: 行政机关认为不公开可能对公共利益造成重大影响的，可以决定予以公开，并将决定公开的政府
    信息内容和理由书面告知第三方. 予以公开 and 部分公开 are refused until that notice is recorded, and it must not
    be dated after the reply."""
    case, opinion = objected
    h = handlers["handler"]
    for outcome in (Outcome.GRANTED, Outcome.PARTIALLY_GRANTED):
        with pytest.raises(ValidationError, match="书面告知第三方"):
            services.reply(case, user=h, outcome=outcome, legal_basis=f"{BASIS}第三十二条", reasons="理由",
                           on=date(2024, 3, 25))
    with pytest.raises(ValidationError) as info:
        services.notify_third_party_of_disclosure(opinion, user=h, content="", reasons="", on=date(2024, 3, 22))
    assert {"content", "reasons"} <= set(info.value.message_dict)
    services.notify_third_party_of_disclosure(opinion, user=h, content="2023年度抽检不合格项目",
                                              reasons="涉及食品安全，不公开可能对公共利益造成重大影响", on=date(2024, 3, 22))
    with pytest.raises(ValidationError, match="不能早于"):  # the notice precedes the disclosure
        services.reply(case, user=h, on=date(2024, 3, 21), **GRANTED)
    case = services.reply(case, user=h, on=date(2024, 3, 25), **GRANTED)
    assert case.outcome == Outcome.GRANTED
    assert AuditEntry.objects.filter(action="requests.opinion.disclosure_notice").count() == 1


def test_article_32_notice_only_after_an_objection(consulting, handlers):
    """《政府信息公开条例》第三十二条: the notice of disclosure answers a third party's objection."""
    case, opinion = consulting(received_on=date(2024, 3, 12))
    h = handlers["handler"]
    opinion = services.close_opinion_request(opinion, user=h, result=OpinionResult.CONSENT, answered_on=date(2024, 3, 20))
    with pytest.raises(ValidationError, match="不同意公开时"):
        services.notify_third_party_of_disclosure(opinion, user=h, content="x", reasons="y", on=date(2024, 3, 22))
    assert services.reply(case, user=h, on=date(2024, 3, 25), **GRANTED).outcome == Outcome.GRANTED


def test_article_32_the_notice_letter_goes_to_the_third_party(objected, handlers, settings, tmp_path):
    """《政府信息公开条例》第三十二条: the written notice (决定公开告知书) states the content to be disclosed and the
    reasons, addressed to the third party; it does not name the applicant."""
    settings.MEDIA_ROOT = tmp_path / "media"
    case, opinion = objected
    with pytest.raises(ValidationError, match="书面告知第三方决定公开"):
        notices.preview_notice(case, NoticeKind.PUBLIC_INTEREST)
    services.notify_third_party_of_disclosure(opinion, user=handlers["handler"], content="2023年度抽检不合格项目",
                                              reasons="涉及食品安全，不公开可能对公共利益造成重大影响", on=date(2024, 3, 22))
    text = notices.preview_notice(case, NoticeKind.PUBLIC_INTEREST)
    for phrase in ("决定公开告知书", "某科技公司：", "第三十二条", "2023年度抽检不合格项目", "涉及食品安全", "2024年3月22日"):
        assert phrase in text
    assert "马文静" not in text
    settings.GONGKAI_NOTICES_PDF = False
    notice = notices.render_notice(case, NoticeKind.PUBLIC_INTEREST, user=handlers["handler"])
    assert notice.issued_on == date(2024, 3, 22)


def test_article_32_reply_step_warns_after_an_objection(objected, client, handlers):
    """《政府信息公开条例》第三十二条: the reply form warns that disclosure after the objection needs the notice."""
    case, _opinion = objected
    client.force_login(handlers["handler"])
    page = client.get(reverse("disclosure_requests:detail", kwargs={"pk": case.pk})).content.decode()
    assert "不同意公开。决定予以公开或部分公开的，须先将决定公开的政府信息内容和理由书面告知第三方" in page
    assert "尚未书面告知某科技公司" in page
    response = client.post(reverse("disclosure_requests:opinion_notice", kwargs={"pk": case.pk}), {
        "opinion_notice-opinion": _opinion.pk, "opinion_notice-content": "抽检不合格项目",
        "opinion_notice-reasons": "公共利益", "opinion_notice-on": "2024-03-22"})
    assert response.status_code == 302
    page = client.get(reverse("disclosure_requests:detail", kwargs={"pk": case.pk})).content.decode()
    assert "已于 2024-03-22 书面告知某科技公司" in page


def test_article_32_receipt_date_form_on_the_case_page(consulting, client, handlers):
    """《政府信息公开条例》第三十二条: staff record the third party's receipt date later through the case page."""
    case, opinion = consulting()
    client.force_login(handlers["handler"])
    page = client.get(reverse("disclosure_requests:detail", kwargs={"pk": case.pk})).content.decode()
    assert "对方收到日期未登记" in page and 'id="action-opinion_receipt"' in page
    response = client.post(reverse("disclosure_requests:opinion_receipt", kwargs={"pk": case.pk}), {
        "opinion_receipt-opinion": opinion.pk, "opinion_receipt-received_on": "2024-03-12"})
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.reply_due_on == date(2024, 4, 2)


def test_article_33_reply_form_closes_open_consultations(consulting, client, handlers):
    """《政府信息公开条例》第三十三条第三款 and 第三十二条 through the case page: the reply form offers to close the
    open consultation; without that choice the reply is refused with the reason on the form."""
    case, opinion = consulting(received_on=date(2024, 3, 12))
    client.force_login(handlers["handler"])
    detail = reverse("disclosure_requests:detail", kwargs={"pk": case.pk})
    page = client.get(detail).content.decode()
    assert 'name="reply-close_opinions"' in page and "期限中止已于 2024-04-02 结束" in page
    fields = {"reply-outcome": Outcome.GRANTED, "reply-legal_basis": f"{BASIS}第三十六条第（二）项",
              "reply-on": "2024-06-28"}
    url = reverse("disclosure_requests:reply", kwargs={"pk": case.pk})
    refused = client.post(url, fields)
    assert refused.status_code == 200 and "征求某科技公司的意见尚未结束" in refused.content.decode()
    assert client.post(url, {**fields, "reply-close_opinions": "on"}).status_code == 302
    opinion.refresh_from_db()
    case.refresh_from_db()
    assert opinion.result == OpinionResult.LAPSED and case.closed_late
