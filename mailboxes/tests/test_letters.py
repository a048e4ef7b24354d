"""Letters: deadlines, the one-strike rule, screening, transfers, replies, publication, conversions and
statistics. Each test names its source."""

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from audit.models import AuditEntry
from disclosure_requests import services as request_services
from disclosure_requests.models import Outcome, RequestState
from mailboxes import deadlines, services, statistics
from mailboxes.models import InvalidReason, Letter, LetterState, Mailbox

from .conftest import WRITER

pytestmark = pytest.mark.django_db


# --- Reply period (docs/law/letters-mailbox.md) ---------------------------------------------------------


def test_default_period_is_5_working_days_on_the_official_calendar(write):
    """Reply period (default 5 WD; 通报: simple questions > 5 WD are deducted). Received Wed 2024-09-25:
    26, 27, Sun 29 (调休 working day), 30 September, then the National Day holiday, 8 October."""
    letter = write(on=(2024, 9, 25))
    assert letter.received_on == date(2024, 9, 25)
    assert letter.due_on == date(2024, 10, 8)
    assert "2024-10-08" in letter.due_trace or "10月8日" in letter.due_trace or letter.due_trace


def test_period_per_letter_type_comes_from_settings(write, settings):
    """Reply period: SLA configurable per type (安徽: 15 WD for complaints)."""
    settings.GONGKAI_LETTER_REPLY_WD = {"complaint": 15}
    complaint = write(on=(2024, 11, 4), letter_type="complaint")
    inquiry = write(on=(2024, 11, 4), letter_type="inquiry", subject="另一件")
    assert complaint.due_on == date(2024, 11, 25)  # 15 working days after Mon 4 Nov
    assert inquiry.due_on == date(2024, 11, 11)


def test_mailbox_period_overrides_the_type(write, region):
    """Reply period, local examples (沈阳 3 WD): a mailbox may carry its own period."""
    box = Mailbox.objects.create(agency=region["edu"], code="edu", name="教育局信箱", reply_wd=3)
    assert write(on=(2024, 11, 4), box=box).due_on == date(2024, 11, 7)


def test_extension_needs_a_reason_and_has_a_cap(write, handler, settings):
    """Reply period: “extension with a reason”; GONGKAI_LETTER_MAX_EXTENSION_WD caps the total."""
    settings.GONGKAI_LETTER_MAX_EXTENSION_WD = 5
    letter = services.screen(write(on=(2024, 11, 4)), user=handler, valid=True, on=date(2024, 11, 5))
    with pytest.raises(ValidationError):
        services.extend(letter, user=handler, working_days=2, reason="")
    letter = services.extend(letter, user=handler, working_days=3, reason="需现场核实")
    assert letter.due_on == date(2024, 11, 14) and letter.veto_on == date(2025, 2, 4)
    with pytest.raises(ValidationError):
        services.extend(letter, user=handler, working_days=3, reason="再延")


# --- One-strike rule: the three-month line (docs/law/letters-mailbox.md) --------------------------------


def test_three_month_line_is_three_calendar_months(write):
    """Three-month line (19号, veto): no valid message unanswered for more than 3 months; month ends are
    clamped."""
    assert write(on=(2024, 9, 25)).veto_on == date(2024, 12, 25)
    assert write(on=(2024, 11, 30), subject="二").veto_on == date(2025, 2, 28)
    assert date(2023, 11, 30) + relativedelta(months=3) == date(2024, 2, 29)  # the clamping veto_on relies on


def test_warning_comes_well_before_the_line_and_breach_after_it(write, settings):
    """Three-month line: “escalation well before 3 months” (GONGKAI_LETTER_VETO_WARN_DAYS, default 30)."""
    letter = write(on=(2024, 9, 25))
    assert deadlines.standing(letter, date(2024, 11, 24)).veto_warning is False
    warn = deadlines.standing(letter, date(2024, 11, 25))
    assert warn.veto_warning and warn.overdue and "三个月" in warn.label
    assert deadlines.standing(letter, date(2024, 12, 26)).veto_breached
    assert list(deadlines.veto_warnings(Letter.objects.all(), date(2024, 11, 25))) == [letter]
    assert deadlines.oldest_unanswered(Letter.objects.all()) == letter


def test_invalid_letter_needs_a_reason_and_leaves_the_clock(write, handler):
    """Three-month line: invalid or spam messages are marked with a reason (audited), which excludes them
    from the clock."""
    letter = write()
    with pytest.raises(ValidationError):
        services.screen(letter, user=handler, valid=False, reason="")
    with pytest.raises(ValidationError):
        services.screen(letter, user=handler, valid=False, reason=InvalidReason.OTHER, note="")
    letter = services.screen(letter, user=handler, valid=False, reason=InvalidReason.DUPLICATE,
                             on=date(2024, 9, 26))
    assert letter.state == LetterState.INVALID and letter.due_on is None and letter.veto_on is None
    assert deadlines.standing(letter, date(2025, 6, 1)).veto_breached is False
    entry = AuditEntry.objects.filter(action="letters.screen").latest("id")
    assert entry.after["invalid_reason"] == "duplicate" and "重复来信" in entry.note
    # A wrong screening can be corrected: back on the clock from the original date.
    letter = services.screen(letter, user=handler, valid=True, on=date(2024, 9, 27))
    assert letter.due_on == date(2024, 10, 8)


def test_database_refuses_an_invalid_letter_without_reason(write):
    """Three-month line: the reason is enforced by the database too."""
    letter = write()
    with pytest.raises(IntegrityError), transaction.atomic():
        Letter.objects.filter(pk=letter.pk).update(is_valid=False, invalid_reason="")


def test_unscreened_letters_are_on_the_clock(write):
    """Three-month line: only a marked invalid letter leaves the clock; waiting for screening does not stop
    it."""
    letter = write(on=(2024, 9, 25))
    assert letter.state == LetterState.SUBMITTED
    assert deadlines.standing(letter, date(2024, 10, 9)).overdue


def test_statistics_count_late_and_over_three_months(write, handler):
    """Statistics (docs/law/letters-mailbox.md); as in 《湘西州2017年政府信息公开工作年度报告》: 州长信箱
    237 = 有效 197 + 无效 40 (received = valid + invalid + unscreened)."""
    on_time = services.screen(write(on=(2024, 9, 25)), user=handler, valid=True, on=date(2024, 9, 26))
    services.reply(on_time, user=handler, text="报名时间为7月。", on=date(2024, 10, 8))
    late = services.screen(write(on=(2024, 9, 25), subject="二"), user=handler, valid=True, on=date(2024, 9, 26))
    services.reply(late, user=handler, text="已答复。", on=date(2024, 12, 27))
    services.screen(write(on=(2024, 9, 25), subject="三"), user=handler, valid=False, reason="spam",
                    on=date(2024, 9, 26))
    write(on=(2024, 9, 25), subject="四")
    total, months = statistics.yearly(Letter.objects.all(), 2024, date(2025, 1, 31))
    assert (total.received, total.valid, total.invalid, total.unscreened) == (4, 2, 1, 1)
    assert total.received == total.valid + total.invalid + total.unscreened
    assert (total.answered, total.answered_on_time) == (2, 1)
    assert total.open_beyond_3_months == 2  # the late reply and the unscreened letter still open
    assert total.reply_rate == 100.0
    assert months[8][1].received == 4 and months[0][1].received == 0


# --- Transfer, reply, publication -----------------------------------------------------------------------


def test_transfer_keeps_history_and_the_clock(write, handler, region, client, make_staff):
    """Issue §1: “transfer keeps history”; the three-month line measures the writer's wait, so the clock does
    not restart."""
    letter = services.screen(write(on=(2024, 9, 25)), user=handler, valid=True, on=date(2024, 9, 26))
    letter = services.assign(letter, user=handler, to_agency=region["edu"], reason="属教育局职责")
    letter = services.assign(letter, user=handler, to_agency=region["health"], reason="涉及卫生")
    assert letter.agency == region["health"] and letter.due_on == date(2024, 10, 8)
    assert [(t.from_agency.code, t.to_agency.code) for t in letter.transfers.all()] == [
        ("county", "edu"), ("edu", "health")]
    # The mailbox's agency still sees it; the handling department sees it; another county does not.
    edu_handler = make_staff("edu-handler", ("request_handler", region["health"]))
    other = make_staff("other-head", ("office_head", region["other"]))
    url = reverse("mailboxes:detail", kwargs={"pk": letter.pk})
    for user, status in ((handler, 200), (edu_handler, 200), (other, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status


def test_staff_without_the_capability_cannot_open_the_queue(client, make_staff, region):
    """orgs.scoping: INTERACTION_HANDLE is required (an editor does not hold it)."""
    client.force_login(make_staff("ed", ("editor", region["edu"])))
    assert client.get(reverse("mailboxes:index")).status_code == 403


def test_reply_then_publish_with_consent_and_without_personal_data(write, handler, reviewer, client):
    """Publication of replies (docs/law/letters-mailbox.md): 受理日期、答复日期、答复部门、答复内容; personal
    data never published (the privacy masking rule, docs/law/web.md §3); the writer's 公开/不公开 choice is
    respected."""
    letter = services.screen(write(on=(2024, 9, 25)), user=handler, valid=True, on=date(2024, 9, 26))
    letter = services.reply(letter, user=handler, text="马文静您好：报名时间为7月，咨询电话 0953-6012345。",
                            on=date(2024, 9, 30))
    assert letter.reply_agency_id == letter.agency_id and letter.state == LetterState.ANSWERED
    body, reply_text = services.suggested_public_text(letter)
    assert "马文静" not in reply_text and "6012345" not in reply_text
    with pytest.raises(ValidationError) as error:
        services.propose_publication(letter, user=handler, public_body=letter.body, public_reply=letter.reply_text)
    assert "个人信息" in str(error.value)
    services.propose_publication(letter, user=handler, public_body=body, public_reply=reply_text)
    assert client.get(reverse("mailboxes_public:reply", kwargs={"number": letter.number})).status_code == 404
    services.approve_publication(letter, user=reviewer)
    page = client.get(reverse("mailboxes_public:reply", kwargs={"number": letter.number})).content.decode()
    for shown in ("2024-09-25", "2024-09-30", "演示县人民政府", "报名时间为7月"):
        assert shown in page
    for hidden in ("马文静", "13995123456", "mwj@example.cn", "盐州路88号"):
        assert hidden not in page
    listing = client.get(reverse("mailboxes_public:index")).content.decode()
    assert letter.subject in listing and "13995123456" not in listing


def test_no_consent_no_publication(write, handler):
    """Publication of replies: the 公开/不公开 choice on submission binds; the database refuses it too."""
    letter = services.screen(write(consent=False), user=handler, valid=True, on=date(2024, 9, 26))
    letter = services.reply(letter, user=handler, text="答复", on=date(2024, 9, 27))
    with pytest.raises(ValidationError):
        services.propose_publication(letter, user=handler, public_body="问", public_reply="答")
    from django.utils import timezone
    with pytest.raises(IntegrityError), transaction.atomic():
        Letter.objects.filter(pk=letter.pk).update(published_at=timezone.now())


def test_publish_refuses_numbers_in_any_width_or_grouping(write, handler):
    """Issue 16 §6: the publication check uses gongkai.pii (full-width, dotted, spaced numbers); an office's
    address in the agency's reply is allowed, an address in the writer's letter is not."""
    letter = services.screen(write(on=(2024, 9, 25)), user=handler, valid=True, on=date(2024, 9, 26))
    letter = services.reply(letter, user=handler, text="答复", on=date(2024, 9, 30))
    for carried in ("１３９０９５１２３４５", "139.0951.2345", "110105 19491231 002X", "盐池县盐州路12号"):
        with pytest.raises(ValidationError) as error:
            services.propose_publication(letter, user=handler, public_body=f"请联系{carried}", public_reply="已答复")
        assert "public_body" in error.value.error_dict, carried
    services.propose_publication(letter, user=handler, public_body="请问招生时间？",
                     public_reply="请到县政务服务中心（盐州路1号）咨询。")


def test_writer_contact_is_encrypted_at_rest(write):
    """gongkai/privacy.py: the writer's phone and address are stored encrypted."""
    letter = write()
    with connection.cursor() as cursor:
        cursor.execute("SELECT writer_phone, writer_address, writer_name FROM mailboxes_letter WHERE id = %s",
                       [letter.pk])
        raw = cursor.fetchone()
    assert "13995123456" not in raw[0] and "盐州路" not in raw[1] and "马文静" not in raw[2]
    assert Letter.objects.get(pk=letter.pk).writer_phone == "13995123456"
    entry = AuditEntry.objects.get(action="letters.submit")
    assert "13995123456" not in str(entry.after)


def test_dangerous_attachment_is_refused(mailbox):
    """Issue §1: attachments checked by catalog.attachments.inspect_attachment (content, not name)."""
    with pytest.raises(ValidationError) as error:
        services.submit_letter(mailbox=mailbox, writer=WRITER, letter_type="inquiry", subject="附件",
                               body="见附件", consent_to_publish=False,
                               attachments=[("照片.jpg", b"MZ\x90\x00" + b"\x00" * 100)])
    assert "attachments" in error.value.error_dict
    assert not Letter.objects.exists()


# --- Conversions (条例 第三十九条 and the reverse) -------------------------------------------------------


def test_letter_becomes_a_disclosure_request_with_its_original_date(write, handler):
    """Issue §1: a letter that is really a disclosure request is registered as one, keeping the original
    date (online submission: 待确认 until confirmed, 第三十一条(三)); it leaves the letter clock."""
    letter = write(on=(2024, 9, 25), subject="申请公开某项目批复")
    applicant = request_services.ApplicantData(applicant_type="natural_person", name="马文静",
                                               id_type="passport", id_number="E12345678", phone="13995123456")
    letter = services.convert_to_request(letter, user=handler, applicant=applicant, requested_form="electronic",
                                         delivery_method="email")
    case = letter.converted_request
    assert letter.state == LetterState.CONVERTED and letter.due_on is None
    assert case.state == RequestState.SUBMITTED and case.agency == letter.agency
    from django.utils import timezone
    assert timezone.localtime(case.submitted_at).date() == date(2024, 9, 25)


def test_request_answered_under_article_39_becomes_a_letter(handler, mailbox, region):
    """条例 第三十九条: a complaint dressed as a request is answered as such and handled as a letter,
    with the request's original dates."""
    applicant = request_services.ApplicantData(applicant_type="natural_person", name="李四", id_type="passport",
                                               id_number="E87654321", phone="13800000000")
    case = request_services.register(agency=region["county"], user=handler, channel="in_person",
                                     applicant=applicant, description="投诉邻居占道经营",
                                     requested_form="electronic", delivery_method="email",
                                     submitted_on=date(2024, 9, 25))
    with pytest.raises(ValidationError):
        services.letter_from_request(case, user=handler, mailbox=mailbox)
    case = request_services.start_processing(case, user=handler)
    case = request_services.reply(case, user=handler, outcome=Outcome.NOT_PROCESSED_COMPLAINT,
                                  legal_basis="《中华人民共和国政府信息公开条例》第三十九条", reasons="属于投诉",
                                  on=date(2024, 9, 27))
    letter = services.letter_from_request(case, user=handler, mailbox=mailbox)
    assert letter.received_on == date(2024, 9, 25) and letter.due_on == date(2024, 10, 8)
    assert letter.writer_name == "李四" and letter.consent_to_publish is False
    with pytest.raises(ValidationError):
        services.letter_from_request(case, user=handler, mailbox=mailbox)


# --- Reminders ------------------------------------------------------------------------------------------


def test_reminders_name_numbers_and_dates_only(write, make_staff, region):
    """Three-month line escalation; reminders leave the platform by e-mail, so no writer data and no letter
    text."""
    make_staff("mailer", ("office_staff", region["county"]), email="office@example.cn")
    letter = write(on=(2024, 9, 25))
    assert deadlines.send_reminders(date(2024, 10, 12)) == 1  # Saturday 12 Oct 2024 is a 调休 working day
    message = mail.outbox[0]
    assert letter.number in message.body and "2024-10-08" in message.body
    assert "马文静" not in message.body and "报名" not in message.body and "13995123456" not in message.body
    assert deadlines.send_reminders(date(2024, 10, 13)) == 0  # Sunday


def test_workbench_pages_render(client, handler, write, region):
    """Issue §4: queue with due dates and warnings, detail with actions, statistics, mailboxes."""
    letter = write(on=(2024, 9, 25))
    client.force_login(handler)
    queue = client.get(reverse("mailboxes:index") + "?view=veto").content.decode()
    assert letter.number in queue and "三个月" in queue
    detail = client.get(reverse("mailboxes:detail", kwargs={"pk": letter.pk})).content.decode()
    for action in ("action-screen", "action-convert", "13995123456"):  # staff see the writer's contact
        assert action in detail
    assert "2024" in client.get(reverse("mailboxes:statistics") + "?year=2024").content.decode()
    response = client.post(reverse("mailboxes:mailboxes"), {"agency": region["edu"].pk, "code": "edu-box",
                                                          "name": "教育局信箱", "kind": "agency"})
    assert response.status_code == 302 and Mailbox.objects.filter(code="edu-box").exists()
    response = client.post(reverse("mailboxes:screen", kwargs={"pk": letter.pk}), {"valid": "0", "reason": "",
                                                                                "letter_type": "inquiry"})
    assert response.status_code == 200 and "标记为无效来信须选择理由" in response.content.decode()
