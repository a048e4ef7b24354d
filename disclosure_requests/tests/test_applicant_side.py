"""The applicant's side of a case (issue 19): plain outcome labels, the online 补正 (第三十条), released files
and 送达 by download, the notices to the applicant (e-mail, SMS) from editable templates, and the privacy of all
of it (number + 查询码, private responses, no personal data in pages, logs or the notice log's storage)."""

import logging
from datetime import date

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, reject
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from disclosure_requests import case_files, messaging, notices, services
from disclosure_requests.models import (
    CITIZEN_OUTCOME_LABELS,
    ApplicantNotification,
    CaseFile,
    NotificationStatus,
    NotificationTemplate,
    Outcome,
    RequestState,
)
from gongkai import file_reading

from .conftest import PLANTED_ID

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SENT_TO_SMS: list[tuple[str, str]] = []


class RecordingSmsBackend:
    """A provider stand-in for GONGKAI_SMS_BACKEND: keeps what it was asked to send."""

    delivers = True

    def send(self, phone, text):
        SENT_TO_SMS.append((phone, text))


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    cache.clear()
    SENT_TO_SMS.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GONGKAI_NOTICES_PDF = False
    settings.GONGKAI_SITE_URL = "https://gk.example.gov.cn"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def pdf(name="材料.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def open_case(client, case):
    response = client.post(reverse("disclosure_public:status"),
                           {"tracking_number": case.tracking_number, "lookup_code": case.lookup_code})
    assert response.status_code == 302
    return response["Location"]


# --- Plain-language outcomes -------------------------------------------------------------------------------


def test_every_outcome_has_a_plain_label_for_the_applicant_distinct_from_the_statistics_wording():
    assert set(CITIZEN_OUTCOME_LABELS) == set(Outcome.values)
    assert all(label.strip() for label in CITIZEN_OUTCOME_LABELS.values())
    assert CITIZEN_OUTCOME_LABELS["granted"] == "已同意公开"
    assert CITIZEN_OUTCOME_LABELS["partially_granted"] == "部分公开（部分信息不予公开，理由见答复书）"
    assert "只计这一情形" not in "".join(CITIZEN_OUTCOME_LABELS.values())


# --- 补正 online (第三十条) ------------------------------------------------------------------------------------


def _awaiting_correction(in_person, frozen_today, handlers, **overrides):
    frozen_today(date(2024, 4, 8))
    case = in_person(date(2024, 4, 8), **overrides)
    frozen_today(date(2024, 4, 9))
    return services.request_correction(case, user=handlers["handler"], items="1. 请写明年份\n2. 请写明文件名称",
                                       correction_due_on=date(2024, 4, 19), on=date(2024, 4, 9))


def test_article_30_online_correction_restarts_the_clock_exactly_as_registering_it(in_person, frozen_today, handlers):
    paper = _awaiting_correction(in_person, frozen_today, handlers)
    online = _awaiting_correction(in_person, frozen_today, handlers)
    frozen_today(date(2024, 4, 12))
    paper = services.correction_received(paper, user=handlers["handler"], on=date(2024, 4, 12))
    online = services.answer_correction_online(online, text="2023年度学生资助资金分配文件（教育局发文）",
                                               files=[pdf()])
    for case in (paper, online):
        assert case.state == RequestState.IN_PROGRESS
        assert case.correction_received_on == case.clock_start_on == date(2024, 4, 12)
    assert online.due_on == paper.due_on and online.due_trace == paper.due_trace
    # 20 working days from the day after 2024-04-12 (第三十三条), on the official 2024 calendar (五一 调休).
    assert online.due_on > date(2024, 5, 9)
    assert online.correction_answered_at is not None and paper.correction_answered_at is None
    assert online.files.get().name == "材料.pdf"
    stored = online.files.get().file.name
    assert "材料" not in stored and online.tracking_number in stored  # storage names carry the number only


def test_article_30_online_correction_is_quoted_by_the_reply_letter(in_person, frozen_today, handlers):
    case = _awaiting_correction(in_person, frozen_today, handlers)
    frozen_today(date(2024, 4, 12))
    services.answer_correction_online(case, text="2023年度学生资助资金分配文件")
    frozen_today(date(2024, 4, 15))
    case = services.reply(case, user=handlers["handler"], outcome=Outcome.GRANTED,
                          legal_basis="第三十六条第（二）项", on=date(2024, 4, 15))
    text = notices.preview_notice(case, "reply")
    assert "补正后的申请内容为：“2023年度学生资助资金分配文件”" in text


def test_article_30_an_empty_or_bad_online_correction_changes_nothing(in_person, frozen_today, handlers):
    case = _awaiting_correction(in_person, frozen_today, handlers)
    frozen_today(date(2024, 4, 12))
    with pytest.raises(ValidationError, match="请填写补正后的申请内容"):
        services.answer_correction_online(case, text="  ", files=[])
    with pytest.raises(ValidationError) as error:
        services.answer_correction_online(case, text="见附件", files=[pdf("病毒.exe", b"MZ\x90\x00")])
    assert "文件类型不能上传" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.answer_correction_online(case, text="见附件", files=[pdf("假的.pdf", b"not a pdf at all")])
    assert "与其扩展名（PDF）不符" in str(error.value)
    case.refresh_from_db()
    assert case.state == RequestState.AWAITING_CORRECTION and case.correction_received_on is None
    assert not CaseFile.objects.exists()


def test_file_limits_size_and_number(in_person, frozen_today, handlers, settings):
    case = _awaiting_correction(in_person, frozen_today, handlers)
    frozen_today(date(2024, 4, 12))
    settings.GONGKAI_REQUEST_FILE_MAX_MB = 1
    settings.GONGKAI_REQUEST_FILES_MAX = 2
    big = pdf("大.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError) as error:
        services.answer_correction_online(case, text="x", files=[big, pdf("a.pdf"), pdf("b.pdf")])
    messages = error.value.message_dict["files"]
    assert "一次最多上传 2 个文件。" in messages and any("超过 1 MB" in m for m in messages)


def test_the_public_correction_form_answers_online_and_staff_see_it(client, in_person, frozen_today, handlers):
    case = _awaiting_correction(in_person, frozen_today, handlers)
    frozen_today(date(2024, 4, 12))
    page = client.get(open_case(client, case))
    text = page.content.decode()
    assert "在线补正" in text and "请写明年份" in text and "请写明文件名称" in text
    url = reverse("disclosure_public:correction", kwargs={"number": case.tracking_number})
    refused = client.post(url, {"text": ""})
    assert refused.status_code == 200 and "请填写补正后的申请内容，或上传补正材料。" in refused.content.decode()
    response = client.post(url, {"text": "2023年度的分配文件", "files": [pdf()]})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == RequestState.IN_PROGRESS and case.correction_text == "2023年度的分配文件"
    client.force_login(handlers["handler"])
    staff = client.get(reverse("disclosure_requests:detail", kwargs={"pk": case.pk})).content.decode()
    assert "2023年度的分配文件" in staff and "申请人在线补正" in staff and "材料.pdf" in staff


# --- Released files and 送达 by download ---------------------------------------------------------------------


def _replied(in_person, frozen_today, handlers, delivery_method="download"):
    frozen_today(date(2024, 4, 8))
    case = in_person(date(2024, 4, 8), delivery_method=delivery_method)
    case = services.reply(case, user=handlers["handler"], outcome=Outcome.GRANTED, legal_basis="第三十六条第（二）项",
                          on=date(2024, 4, 8))
    services.add_release_files(case, user=handlers["handler"], files=[pdf("2023年资助文件.pdf")])
    notices.render_notice(case, "reply", user=handlers["handler"])
    return case


def test_first_download_is_the_service_record(client, in_person, frozen_today, handlers):
    case = _replied(in_person, frozen_today, handlers)
    frozen_today(date(2024, 4, 10))
    page = client.get(open_case(client, case))
    assert {"private", "no-store"} <= set(page["Cache-Control"].replace(" ", "").split(","))
    assert "noindex" in page["X-Robots-Tag"]
    text = page.content.decode()
    assert "已同意公开" in text and "下载公开的信息：2023年资助文件.pdf" in text
    letter = case.notices.get(kind="reply")
    response = client.get(reverse("disclosure_public:download", args=[case.tracking_number, "notice", letter.pk]))
    assert response.status_code == 200 and {"private", "no-store"} <= set(response["Cache-Control"].replace(" ", "").split(","))
    assert b"".join(response.streaming_content)[:2] == b"PK"
    case.refresh_from_db()
    letter.refresh_from_db()
    served = case.served_at
    assert served is not None and letter.delivery_method == "download" and letter.delivered_on == date(2024, 4, 10)
    file = case.files.get()
    again = client.get(reverse("disclosure_public:download", args=[case.tracking_number, "file", file.pk]))
    assert b"".join(again.streaming_content) == PDF
    case.refresh_from_db()
    assert case.served_at == served  # only the first download is the 送达
    assert "首次在线下载答复，视为送达" in client.get(reverse("disclosure_public:case", args=[case.tracking_number])
                                                ).content.decode()


def test_downloads_need_the_lookup_and_the_download_method(client, in_person, frozen_today, handlers):
    case = _replied(in_person, frozen_today, handlers)
    file = case.files.get()
    url = reverse("disclosure_public:download", args=[case.tracking_number, "file", file.pk])
    assert client.get(url).status_code == 302  # no number + 查询码 in this session: back to the lookup
    assert client.get(reverse("disclosure_public:case", args=[case.tracking_number])).status_code == 302
    posted = _replied(in_person, frozen_today, handlers, delivery_method="post")
    open_case(client, posted)
    assert client.get(reverse("disclosure_public:download",
                              args=[posted.tracking_number, "file", posted.files.get().pk])).status_code == 404
    posted.refresh_from_db()
    assert posted.served_at is None


# --- Notices to the applicant ------------------------------------------------------------------------------


def test_each_step_notifies_the_applicant_by_email_and_logs_the_sms(in_person, frozen_today, handlers, caplog,
                                                                    django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        case = _awaiting_correction(in_person, frozen_today, handlers)
    subjects = [m.subject for m in mail.outbox]
    assert any("已收到您的政府信息公开申请" in s for s in subjects)
    correction = next(m for m in mail.outbox if "请补正" in m.subject)
    assert correction.to == ["mwj@example.cn"]
    assert "1. 请写明年份" in correction.body and "2. 请写明文件名称" in correction.body
    assert f"https://gk.example.gov.cn/apply/status/?number={case.tracking_number}" in correction.body
    assert case.lookup_code not in correction.body and "马文静" not in correction.body
    log = list(case.notifications.order_by("id"))
    assert {(n.event, n.channel) for n in log} >= {("received", "email"), ("received", "sms"),
                                                   ("correction", "email"), ("correction", "sms")}
    assert {n.status for n in log if n.channel == "sms"} == {NotificationStatus.LOGGED}
    assert {n.status for n in log if n.channel == "email"} == {NotificationStatus.SENT}
    for row in ApplicantNotification.objects.values_list("subject", "body", "error"):
        assert "13995123456" not in "".join(row) and "mwj@example.cn" not in "".join(row)
    assert "13995123456" not in caplog.text and "mwj@example.cn" not in caplog.text and PLANTED_ID not in caplog.text


def test_an_sms_provider_plugs_in_by_setting(in_person, frozen_today, handlers, settings,
                                             django_capture_on_commit_callbacks):
    settings.GONGKAI_SMS_BACKEND = f"{__name__}.RecordingSmsBackend"
    frozen_today(date(2024, 4, 8))
    with django_capture_on_commit_callbacks(execute=True):
        case = in_person(date(2024, 4, 8))
    assert SENT_TO_SMS and SENT_TO_SMS[0][0] == "13995123456" and case.tracking_number in SENT_TO_SMS[0][1]
    assert case.notifications.get(channel="sms").status == NotificationStatus.SENT


def test_a_refused_mail_is_recorded_and_retried(in_person, frozen_today, handlers, settings, monkeypatch,
                                                django_capture_on_commit_callbacks):
    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    frozen_today(date(2024, 4, 8))
    with django_capture_on_commit_callbacks(execute=True):
        case = in_person(date(2024, 4, 8))
    row = case.notifications.get(channel="email")
    assert row.status == NotificationStatus.FAILED and row.error == "ConnectionRefusedError"
    from jobs.models import Job

    job = next(j for j in Job.objects.filter(name=messaging.send_notification.job_name)
               if j.kwargs == {"notification_id": row.pk})
    assert job.state == "retrying" and job.attempts == 1 and "mwj@example.cn" not in job.error


def test_staff_edit_a_template_checked_on_save(in_person, frozen_today, handlers,
                                               django_capture_on_commit_callbacks):
    user = handlers["head"]
    for bad, message in (('{% include "x.html" %}', "不能使用"), ("{{ applicant.phone }}", "不是可用的内容项"),
                         ("{% if %}", "模板")):
        with pytest.raises(ValidationError, match=message):
            messaging.save_template(event="received", channel="email", subject="收到", body=bad, user=user)
    assert not NotificationTemplate.objects.exists()
    messaging.save_template(event="received", channel="email", subject="收到申请 {{ tracking_number }}",
                            body="{{ agency }}已收到，{{ due_on }}前答复。{{ case_url }}", user=user)
    frozen_today(date(2024, 4, 8))
    with django_capture_on_commit_callbacks(execute=True):
        case = in_person(date(2024, 4, 8))
    message = mail.outbox[-1]
    assert message.subject == f"收到申请 {case.tracking_number}"
    assert message.body.startswith("演示县教育局已收到，2024年")


def test_the_template_page_is_for_the_office_head_and_refuses_bad_wording(client, handlers):
    url = reverse("disclosure_requests:notification_templates")
    client.force_login(handlers["handler"])
    assert client.get(url).status_code == 403
    client.force_login(handlers["head"])
    page = client.get(url).content.decode()
    assert "需要补正（电子邮件）" in page and "correction_items" in page
    refused = client.post(url, {"event": "correction", "channel": "sms", "correction-sms-body": "{% load static %}"})
    assert refused.status_code == 200 and "不能使用 {% load %} 标签" in refused.content.decode()
    assert not NotificationTemplate.objects.exists()
    saved = client.post(url, {"event": "correction", "channel": "sms",
                              "correction-sms-body": "请于{{ correction_due_on }}前补正：{{ case_url }}"})
    assert saved.status_code == 302
    assert NotificationTemplate.objects.get().body == "请于{{ correction_due_on }}前补正：{{ case_url }}"
    client.post(url, {"event": "correction", "channel": "sms", "reset": "1"})
    assert not NotificationTemplate.objects.exists()


# --- The file check as a parser: any name and bytes --------------------------------------------------------

@hypothesis_settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=0, max_size=60), ext=st.sampled_from([*case_files.TYPES, ".exe", ".html", ".zip", ""]),
       content=st.binary(min_size=0, max_size=300))
def test_any_upload_is_accepted_or_refused_in_chinese_never_crashes(name, ext, content):
    try:
        upload = SimpleUploadedFile((name + ext) or "x", content)
    except SuspiciousFileOperation:
        reject()  # a name Django's upload parser never hands over ("/", ".."): not an input the check can get
    try:
        case_files.validate([upload])
    except ValidationError as error:
        messages = error.message_dict["files"]
        assert messages and all("“" in m and "”" in m for m in messages)
    else:
        shown = case_files._display_name(upload.name)
        kind = next(k for k in case_files.TYPES if shown.lower().endswith(k))
        assert content and file_reading.sniff(content).kind in case_files.TYPES[kind][1]


def test_a_zip_bomb_in_a_docx_is_refused_before_anything_is_stored(in_person, frozen_today, handlers):
    from gongkai.tests import bombs

    case = _awaiting_correction(in_person, frozen_today, handlers)
    frozen_today(date(2024, 4, 12))
    bomb = next(iter(bombs.BOMBS.values()))("docx")
    with pytest.raises(ValidationError) as error:
        services.answer_correction_online(case, text="见附件", files=[SimpleUploadedFile("说明.docx", bomb)])
    assert "疑似压缩炸弹" in str(error.value)
    case.refresh_from_db()
    assert case.state == RequestState.AWAITING_CORRECTION and not CaseFile.objects.exists()


def test_quiet_records_the_steps_without_notices(in_person, frozen_today, handlers,
                                                 django_capture_on_commit_callbacks):
    frozen_today(date(2024, 4, 8))
    with django_capture_on_commit_callbacks(execute=True), messaging.quiet():
        case = in_person(date(2024, 4, 8))
    assert case.received_on == date(2024, 4, 8) and not case.notifications.exists() and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        services.request_correction(case, user=handlers["handler"], items="请写明年份",
                                    correction_due_on=date(2024, 4, 19), on=date(2024, 4, 8))
    assert case.notifications.filter(event="correction").count() == 2 and len(mail.outbox) == 1


def test_a_transferred_case_keeps_the_code_and_tells_the_new_number(client, in_person, frozen_today, handlers,
                                                                    region, django_capture_on_commit_callbacks):
    frozen_today(date(2024, 4, 8))
    case = in_person(date(2024, 4, 8))
    with django_capture_on_commit_callbacks(execute=True):
        new = services.transfer(case, user=handlers["handler"], to_agency=region["health"], reason="属卫健局职责",
                                on=date(2024, 4, 8))
    assert new.lookup_code == case.lookup_code and new.tracking_number != case.tracking_number
    told = next(m for m in mail.outbox if new.tracking_number in m.subject)
    assert region["health"].name in told.body and new.lookup_code not in told.body
    assert client.post(reverse("disclosure_public:status"), {"tracking_number": new.tracking_number,
                                                              "lookup_code": case.lookup_code}).status_code == 302
