"""Notices to the applicant at each step of a case (e-mail, and SMS through disclosure_requests.sms): received,
补正 needed, 补正 received, extension, consultation pause, reply ready. Not the 告知书 (disclosure_requests.notices,
the formal documents): these messages say what happened and link to the case page, where the documents are.

The wording is a NotificationTemplate row when staff edited it, else DEFAULTS. Templates are Django template
syntax rendered by an engine with no template loaders and no extra libraries over CONTEXT_NAMES, plain values
chosen here (never the applicant's name, identity number, phone, e-mail or address), and are checked when saved
(check_template): no tag that reaches outside the text ({% include %}, {% extends %}, {% load %}, {% debug %}…).

services.py calls notify() inside its transaction: one ApplicantNotification per channel the applicant can be
reached on, sent after commit by the background job send_notification (retried by jobs.runner). The job reads
the address or phone number from the applicant when it runs, so neither the log, nor the job's arguments, nor
a log line holds it."""

import contextlib
import contextvars
import functools
import logging

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import Lexer, TokenType
from django.urls import reverse
from django.utils import timezone

from audit.services import record
from gongkai.gongwen import cn_date
from gongkai.site import absolute_url
from jobs.runner import background

from . import sms
from .models import (
    ApplicantNotification,
    DeliveryMethod,
    DisclosureRequest,
    NotificationChannel,
    NotificationEvent,
    NotificationStatus,
    NotificationTemplate,
    citizen_outcome_label,
)
from .notices import correction_item_list

logger = logging.getLogger("gongkai.requests.notifications")

E, S = NotificationChannel.EMAIL, NotificationChannel.SMS
_LINK = "\n\n查看办理进度和文书：{{ case_url }}\n（凭受理编号和查询码查看，查询码见提交申请时的回执。）\n\n{{ agency }}"
DEFAULTS: dict[tuple[str, str], tuple[str, str]] = {
    (NotificationEvent.SUBMITTED, E): (
        "您的政府信息公开申请已提交（{{ tracking_number }}）",
        "您好：\n\n您向{{ agency }}提交的政府信息公开申请已于{{ submitted_on }}提交，受理编号 {{ tracking_number }}。"
        "工作人员与您确认后，确认之日为收到申请之日，答复期限自次日起计算（《中华人民共和国政府信息公开条例》第三十一条）。"
        + _LINK),
    (NotificationEvent.SUBMITTED, S): (
        "", "【{{ agency }}】您的政府信息公开申请已提交，受理编号{{ tracking_number }}。查看进度：{{ case_url }}"),
    (NotificationEvent.RECEIVED, E): (
        "已收到您的政府信息公开申请（{{ tracking_number }}）",
        "您好：\n\n{{ agency }}已于{{ received_on }}收到您的政府信息公开申请（受理编号 {{ tracking_number }}），"
        "将于{{ due_on }}前答复（《中华人民共和国政府信息公开条例》第三十三条）。" + _LINK),
    (NotificationEvent.RECEIVED, S): (
        "", "【{{ agency }}】已于{{ received_on }}收到您的政府信息公开申请（{{ tracking_number }}），"
            "将于{{ due_on }}前答复。查看进度：{{ case_url }}"),
    (NotificationEvent.CORRECTION, E): (
        "请补正您的政府信息公开申请（{{ tracking_number }}）",
        "您好：\n\n您向{{ agency }}提出的政府信息公开申请（受理编号 {{ tracking_number }}）内容不明确，"
        "请对以下事项作出补正（《中华人民共和国政府信息公开条例》第三十条）：\n"
        "{% for item in correction_items %}{{ forloop.counter }}. {{ item }}\n{% endfor %}\n"
        "请于{{ correction_due_on }}前补正。您可以在办理进度页面上直接在线补正（填写补正内容、上传材料）。"
        "答复期限自收到补正之日起重新计算；无正当理由逾期不补正的，视为放弃申请。" + _LINK),
    (NotificationEvent.CORRECTION, S): (
        "", "【{{ agency }}】您的政府信息公开申请（{{ tracking_number }}）需要补正，请于{{ correction_due_on }}前"
            "在线补正：{{ case_url }}"),
    (NotificationEvent.CORRECTION_RECEIVED, E): (
        "已收到您的补正（{{ tracking_number }}）",
        "您好：\n\n{{ agency }}已于{{ correction_received_on }}收到您补正后的申请（受理编号 {{ tracking_number }}），"
        "答复期限自该日起重新计算，将于{{ due_on }}前答复（第三十条）。" + _LINK),
    (NotificationEvent.CORRECTION_RECEIVED, S): (
        "", "【{{ agency }}】已收到您的补正（{{ tracking_number }}），将于{{ due_on }}前答复。"),
    (NotificationEvent.EXTENSION, E): (
        "答复期限延长（{{ tracking_number }}）",
        "您好：\n\n您的政府信息公开申请（受理编号 {{ tracking_number }}）经{{ agency }}政府信息公开工作机构负责人同意，"
        "答复期限延长{{ extension_days }}个工作日，延长后的答复期限为{{ due_on }}（第三十三条第二款）。"
        "延期答复告知书可在办理进度页面查看。" + _LINK),
    (NotificationEvent.EXTENSION, S): (
        "", "【{{ agency }}】您的申请（{{ tracking_number }}）答复期限延长{{ extension_days }}个工作日，"
            "至{{ due_on }}。"),
    (NotificationEvent.OPINION, E): (
        "您的申请正在征求意见（{{ tracking_number }}）",
        "您好：\n\n办理您的政府信息公开申请（受理编号 {{ tracking_number }}）需要征求第三方或者其他机关的意见。"
        "征求意见所需的时间不计算在答复期限内（第三十三条第三款），答复期限将相应顺延；征求意见结束后，"
        "办理进度页面显示新的答复期限。" + _LINK),
    (NotificationEvent.OPINION, S): (
        "", "【{{ agency }}】您的申请（{{ tracking_number }}）正在征求意见，所需时间不计入答复期限。"),
    (NotificationEvent.REPLY, E): (
        "您的政府信息公开申请已答复（{{ tracking_number }}）",
        "您好：\n\n{{ agency }}已于{{ closed_on }}答复您的政府信息公开申请（受理编号 {{ tracking_number }}）。"
        "办理结果：{{ outcome }}。\n"
        "{% if download %}答复书和公开的信息可在办理进度页面下载；您的首次下载即为送达。{% else %}"
        "答复书按您选择的方式（{{ delivery_method }}）送达。{% endif %}" + _LINK),
    (NotificationEvent.REPLY, S): (
        "", "【{{ agency }}】您的申请（{{ tracking_number }}）已答复：{{ outcome }}。详情：{{ case_url }}"),
}

# The names a template may use, with what they mean (the edit page lists them).
CONTEXT_NAMES = {
    "agency": "受理机关名称", "tracking_number": "受理编号", "stage": "办理阶段",
    "submitted_on": "提交日期", "received_on": "收到申请之日", "due_on": "答复期限",
    "correction_items": "需要补正的事项（列表）", "correction_due_on": "补正期限",
    "correction_received_on": "收到补正之日", "extension_days": "延长的工作日数",
    "closed_on": "答复日期", "outcome": "办理结果（通俗说法）", "delivery_method": "获取信息的方式",
    "download": "是否在线下载（真/假）", "case_url": "办理进度页面的链接（绝对地址）",
}
FORBIDDEN_TAGS = {"include", "extends", "load", "debug", "ssi", "csrf_token", "url", "static", "block",
                  "templatetag", "widthratio", "lorem", "now"}
SMS_MAX_CHARS = 300


@functools.cache
def _engine() -> Engine:
    """No loaders (nothing to include or extend), no libraries beyond the built-ins, no autoescaping (e-mail
    and SMS are plain text), unknown names render as ''."""
    return Engine(loaders=[], libraries={}, autoescape=False, string_if_invalid="")


def check_template(text: str, *, field: str = "body") -> None:
    """Refuses a template that does not parse, uses a forbidden tag or a name outside CONTEXT_NAMES."""
    try:
        tokens = Lexer(text).tokenize()
    except TemplateSyntaxError as error:
        raise ValidationError({field: f"模板语法有误：{error}"}) from error
    for token in tokens:
        if token.token_type == TokenType.BLOCK:
            tag = token.split_contents()[0] if token.contents.strip() else ""
            if tag in FORBIDDEN_TAGS:
                raise ValidationError({field: f"模板中不能使用 {{% {tag} %}} 标签。"})
        if token.token_type == TokenType.VAR:
            name = token.contents.split("|")[0].split(".")[0].strip()
            if name and name not in CONTEXT_NAMES and name != "forloop" and name != "item" \
                    and not name.startswith(("'", '"')) and not name.isdigit():
                raise ValidationError({field: f"模板中的“{name}”不是可用的内容项。可用：{'、'.join(CONTEXT_NAMES)}。"})
    try:
        _engine().from_string(text).render(Context(sample_context()))
    except Exception as error:  # noqa: BLE001 - any rendering error is a wording error to show the editor
        raise ValidationError({field: f"模板无法生成：{error}"}) from error


def sample_context() -> dict:
    return {"agency": "某某县教育局", "tracking_number": "EDU-2026-0001", "stage": "办理中",
            "submitted_on": "2026年3月2日", "received_on": "2026年3月2日", "due_on": "2026年3月23日",
            "correction_items": ["请写明所需文件的年份", "请写明所需文件的名称或文号"],
            "correction_due_on": "2026年3月16日", "correction_received_on": "2026年3月10日",
            "extension_days": 20, "closed_on": "2026年3月20日", "outcome": "已同意公开",
            "delivery_method": "在线下载", "download": True, "case_url": absolute_url("/apply/status/")}


def case_url(case: DisclosureRequest) -> str:
    """The status page with the number filled in; the 查询码 never goes into a link (it is the password)."""
    return absolute_url(reverse("disclosure_public:status") + f"?number={case.tracking_number}")


def context_for(case: DisclosureRequest) -> dict:
    extension = case.extensions.order_by("-approved_on", "-id").first()
    return {
        "agency": case.agency.name, "tracking_number": case.tracking_number or "", "stage": case.get_state_display(),
        "submitted_on": cn_date(timezone.localtime(case.submitted_at).date()),
        "received_on": cn_date(case.received_on), "due_on": cn_date(case.custom_due_on or case.due_on),
        "correction_items": correction_item_list(case.correction_items), "correction_due_on": cn_date(case.correction_due_on),
        "correction_received_on": cn_date(case.correction_received_on),
        "extension_days": extension.working_days if extension else "",
        "closed_on": cn_date(case.closed_on), "outcome": citizen_outcome_label(case.outcome),
        "delivery_method": case.get_delivery_method_display(),
        "download": case.delivery_method == DeliveryMethod.DOWNLOAD, "case_url": case_url(case),
    }


def wording(event: str, channel: str) -> tuple[str, str]:
    row = NotificationTemplate.objects.filter(event=event, channel=channel).first()
    return (row.subject, row.body) if row else DEFAULTS[(event, channel)]


def render(case: DisclosureRequest, event: str, channel: str) -> tuple[str, str]:
    subject, body = wording(event, channel)
    context = Context(context_for(case))
    engine = _engine()
    text = engine.from_string(body).render(context).strip()
    if channel == S:
        text = " ".join(text.split())[:SMS_MAX_CHARS]
    return " ".join(engine.from_string(subject).render(context).split())[:200], text


_quiet: contextvars.ContextVar[bool] = contextvars.ContextVar("gongkai_notifications_quiet", default=False)


@contextlib.contextmanager
def quiet():
    """No notices to applicants inside the block: for data that is not a live exchange with anyone (the demo's
    past years, imports of closed cases). The steps themselves are recorded as usual."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def notify(case: DisclosureRequest, event: str) -> list[ApplicantNotification]:
    """Logs and queues the notice of `event` on every channel the applicant gave (e-mail, phone); sent after
    the caller's transaction commits, so a refused step sends nothing. Nothing inside `quiet()`."""
    if _quiet.get():
        return []
    applicant = case.applicant
    made = []
    for channel, reachable in ((E, bool((applicant.email or "").strip())), (S, bool((applicant.phone or "").strip()))):
        if not reachable:
            continue
        subject, body = render(case, event, channel)
        made.append(ApplicantNotification.objects.create(request=case, event=event, channel=channel,
                                                         subject=subject, body=body))
    for notification in made:
        transaction.on_commit(functools.partial(send_notification.enqueue, notification_id=notification.pk))
    return made


@background("发送申请人通知")
def send_notification(notification_id: int) -> str:
    """One message. A refusal by the mail server or SMS provider is recorded and raised, so the job is retried
    (jobs.runner); the error kept names no address."""
    notification = (ApplicantNotification.objects.select_related("request__applicant")
                    .filter(pk=notification_id).first())
    if notification is None or notification.status not in (NotificationStatus.QUEUED, NotificationStatus.FAILED):
        return "skipped"
    applicant = notification.request.applicant
    try:
        if notification.channel == E:
            EmailMessage(notification.subject, notification.body, None, [applicant.email.strip()]).send()
            status = NotificationStatus.SENT
        else:
            backend = sms.backend()
            backend.send(applicant.phone.strip(), notification.body)
            status = NotificationStatus.SENT if getattr(backend, "delivers", True) else NotificationStatus.LOGGED
    except Exception as error:
        ApplicantNotification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.FAILED, error=f"{type(error).__name__}"[:500])
        logger.warning("申请人通知 #%s（%s）发送失败：%s", notification.pk, notification.get_channel_display(),
                       type(error).__name__)
        raise
    ApplicantNotification.objects.filter(pk=notification.pk).update(status=status, error="", sent_at=timezone.now())
    return status


@transaction.atomic
def save_template(*, event: str, channel: str, subject: str, body: str, user) -> NotificationTemplate:
    """Staff's wording of one notice; checked before it is stored (check_template)."""
    if (event, channel) not in DEFAULTS:
        raise ValidationError("未知的通知事项或方式。")
    if not (body or "").strip():
        raise ValidationError({"body": "请填写通知内容。"})
    if channel == E and not (subject or "").strip():
        raise ValidationError({"subject": "请填写邮件标题。"})
    check_template(body)
    check_template(subject or "", field="subject")
    row, created = NotificationTemplate.objects.get_or_create(
        event=event, channel=channel, defaults={"subject": subject.strip(), "body": body.strip(), "updated_by": user})
    if not created:
        row.subject, row.body, row.updated_by = (subject or "").strip(), body.strip(), user
        row.save()
    record("requests.notification_template.save", row, after={"event": event, "channel": channel})
    return row


@transaction.atomic
def reset_template(*, event: str, channel: str, user) -> None:
    deleted, _ = NotificationTemplate.objects.filter(event=event, channel=channel).delete()
    if deleted:
        record("requests.notification_template.reset", None, object_type="disclosure_requests.notificationtemplate",
               object_id=f"{event}:{channel}", after={"event": event, "channel": channel})
