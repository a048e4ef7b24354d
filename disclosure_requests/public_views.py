"""The public side of 依申请公开 (no login): the online application form of each agency, its receipt, the
lookup by 受理编号 + 查询码, and the case page it opens: the whole exchange as a timeline (the application as
received, the 补正 notice with its items and the online answer, extensions, consultation pauses, the reply with
its letter and released files, the 送达 record), the online 补正 form, and the downloads.

Access: number + 查询码 (the code is the password; it never goes into a URL). A successful lookup puts the case
into the visitor's session (CASES_SESSION_KEY), and the case page, its forms and downloads serve only cases
in that session. Every such response is private: `Cache-Control: private, no-store` and `X-Robots-Tag:
noindex`. No page shows the applicant's name, identity number, phone, e-mail or address (the downloadable 告知书
are addressed to the applicant and carry their name and address, for the holder of the code only). Abuse is held
off without JavaScript or an outside service: a signed arithmetic question and per-IP limits kept in Django's
cache (gongkai.public_forms: HumanCheckMixin, RateLimit)."""

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from audit.context import acting_as
from audit.middleware import client_ip
from gongkai.public_forms import (
    ATTEMPTS_PER_WINDOW,
    LOOKUPS_PER_WINDOW,
    SUBMISSIONS_PER_WINDOW,
    WINDOW_MINUTES,
    RateLimit,
    matching_lookup_code,
)
from orgs.directory import group_agencies
from orgs.views import apply_validation_error

from . import services
from .forms import CorrectionAnswerForm, PublicApplicationForm, StatusLookupForm, receiving_agencies
from .models import (
    CaseFileKind,
    DeliveryMethod,
    DisclosureRequest,
    NoticeKind,
    OpinionKind,
    RequestState,
    citizen_outcome_label,
)

logger = logging.getLogger("gongkai.requests.public")

RECEIPT_SESSION_KEY = "disclosure_requests.receipt"
CASES_SESSION_KEY = "disclosure_requests.cases"  # the cases this visitor opened with number + 查询码
CASES_PER_SESSION = 20
CORRECTIONS = RateLimit("request-correction", ATTEMPTS_PER_WINDOW)
# The 告知书 addressed to the applicant (not 征求意见函 or 决定公开告知书, which go to the third party).
APPLICANT_NOTICE_KINDS = (NoticeKind.RECEIPT, NoticeKind.CORRECTION, NoticeKind.EXTENSION, NoticeKind.FEE,
                          NoticeKind.REPLY)
NOT_FOUND = "受理编号或查询码不正确，请核对后重新输入。"  # one message for both: nothing to learn from it
SUBMISSIONS = RateLimit("request-submit", SUBMISSIONS_PER_WINDOW)
ATTEMPTS = RateLimit("request-attempt", ATTEMPTS_PER_WINDOW)
LOOKUPS = RateLimit("request-lookup", LOOKUPS_PER_WINDOW)


def _too_many(what: str) -> str:
    return (f"{what}过于频繁：同一网络地址 {WINDOW_MINUTES} 分钟内最多{what} {{n}} 次。请稍后再试；"
            "如有急需，也可以当面、信函或传真提出申请。")


def choose_agency(request):
    agencies = list(receiving_agencies())
    return render(request, "disclosure_requests/public/index.html", {
        "groups": group_agencies(agencies), "base_wd": settings.GONGKAI_REPLY_BASE_WD["2019"]})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request, code):
    agency = get_object_or_404(receiving_agencies(), code=code)
    ip = client_ip(request)
    refused, duplicate = "", None
    if request.method == "POST":
        form = PublicApplicationForm(request.POST)
        if ATTEMPTS.hit(ip) > ATTEMPTS.limit:
            refused = _too_many("提交").format(n=ATTEMPTS.limit)
        elif SUBMISSIONS.exhausted(ip):
            refused = _too_many("提交申请").format(n=SUBMISSIONS.limit)
        if refused:
            logger.warning("网上申请表：提交过于频繁，已拒绝（机关 %s）", agency.code)
            form = PublicApplicationForm(initial={k: v for k, v in request.POST.items()
                                                  if k not in ("answer", "challenge", "csrfmiddlewaretoken")})
            return render(request, "disclosure_requests/public/apply.html",
                          {"agency": agency, "form": form, "refused": refused}, status=429)
        if form.is_valid():
            try:
                with acting_as(user=None, ip_address=ip, label="申请人（网上申请）"):
                    case = services.submit_online(agency=agency, applicant=form.applicant_data(),
                                                  **form.request_fields())
            except services.DuplicateSubmission as error:
                duplicate = _duplicate(error.existing)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                SUBMISSIONS.hit(ip)
                request.session[RECEIPT_SESSION_KEY] = case.pk
                logger.info("网上申请已提交：%s（机关 %s）", case.tracking_number, agency.code)
                return redirect("disclosure_public:receipt")
        elif form.replayed and (first := _first_post(form, agency)) is not None:
            # The same filled-in form posted again (a double-click, a reload): its first post's case, not an error.
            del form.errors["answer"]
            duplicate = _duplicate(first)
        form.new_challenge()  # the question just answered is spent
    else:
        form = PublicApplicationForm()
    return render(request, "disclosure_requests/public/apply.html",
                  {"agency": agency, "form": form, "duplicate": duplicate,
                   "status_url": reverse("disclosure_public:status")})


def _duplicate(existing: DisclosureRequest) -> dict:
    return {"message": services.DuplicateSubmission(existing).messages[0], "number": existing.tracking_number or ""}


def _first_post(form: PublicApplicationForm, agency) -> DisclosureRequest | None:
    """The case a replayed form's first post made: the identical submission within the duplicate window, looked
    up under the intake lock, which waits for a first post still being stored. The replay itself makes nothing:
    its question is spent, and a replay with other content is refused like any spent question."""
    if form.errors.keys() - {"answer"}:
        return None
    return services.existing_submission(agency=agency, applicant=form.applicant_data(),
                                        description=form.cleaned_data["description"])


@never_cache
def receipt(request):
    pk = request.session.get(RECEIPT_SESSION_KEY)
    case = DisclosureRequest.objects.select_related("agency").filter(pk=pk).first() if pk else None
    if case is None:
        return redirect("disclosure_public:index")
    return render(request, "disclosure_requests/public/receipt.html", {
        "case": case, "base_wd": settings.GONGKAI_REPLY_BASE_WD["2019"],
        "max_extension_wd": settings.GONGKAI_REPLY_MAX_EXTENSION_WD["2019"]})


@dataclass(frozen=True)
class PublicStatus:
    """What the applicant may see without logging in: stage and dates, never who applied."""

    tracking_number: str
    agency: str
    stage: str
    submitted_on: date
    received_on: date | None
    due_on: date | None
    closed_on: date | None
    outcome: str
    note: str


def public_status(case: DisclosureRequest) -> PublicStatus:
    closed = case.state in (RequestState.CLOSED, RequestState.ARCHIVED)
    notes = {
        RequestState.SUBMITTED: "工作人员与您确认后，确认之日为收到申请之日，答复期限自次日起计算（第三十一条）。",
        RequestState.AWAITING_CORRECTION:
            f"已告知您补正申请，补正期限至 {case.correction_due_on}；答复期限自收到补正申请之日起重新计算（第三十条）。",
        RequestState.AWAITING_FEE: "已向您发出收费通知，请按通知要求缴纳信息处理费。",
        RequestState.AWAITING_REASON: "已请您说明申请理由（第三十五条）。",
    }
    return PublicStatus(
        tracking_number=case.tracking_number, agency=case.agency.name, stage=case.get_state_display(),
        submitted_on=timezone.localtime(case.submitted_at).date(), received_on=case.received_on,
        due_on=case.due_on if case.is_open else None, closed_on=case.closed_on if closed else None,
        outcome=citizen_outcome_label(case.outcome) if closed else "",
        note=notes.get(case.state, "答复内容以书面告知书为准。" if closed else ""))


def find_case(number: str, code: str) -> DisclosureRequest | None:
    """The case only when both match. The code is compared in constant time, and against a dummy when
    the number is unknown, so neither the answer nor its timing tells which of the two was wrong."""
    case = (DisclosureRequest.objects.select_related("agency").filter(tracking_number=number).first()
            if number else None)
    return matching_lookup_code(case, code)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def status(request):
    error, code = "", 200
    if request.method == "POST":
        form = StatusLookupForm(request.POST)
        if LOOKUPS.hit(client_ip(request)) > LOOKUPS.limit:
            error, code = _too_many("查询").format(n=LOOKUPS.limit), 429
            logger.warning("申请进度查询过于频繁，已拒绝")
        elif form.is_valid():
            case = find_case(form.cleaned_data["tracking_number"], form.cleaned_data["lookup_code"])
            if case is None:
                error = NOT_FOUND
            else:
                _open_in_session(request, case)
                return redirect("disclosure_public:case", number=case.tracking_number)
    else:
        number = request.GET.get("number", "")[:40]
        if number and _session_case(request, number) is not None:  # opened in this session already
            return redirect("disclosure_public:case", number=number)
        form = StatusLookupForm(initial={"tracking_number": number})
    return render(request, "disclosure_requests/public/status.html",
                  {"form": form, "error": error}, status=code)


# --- The case page (after a lookup) -------------------------------------------------------------------------


def _open_in_session(request, case: DisclosureRequest) -> None:
    opened = [pk for pk in request.session.get(CASES_SESSION_KEY, []) if pk != case.pk]
    request.session[CASES_SESSION_KEY] = (opened + [case.pk])[-CASES_PER_SESSION:]


def _session_case(request, number: str) -> DisclosureRequest | None:
    opened = request.session.get(CASES_SESSION_KEY, [])
    return (DisclosureRequest.objects.select_related("agency").filter(tracking_number=number, pk__in=opened).first()
            if opened else None)


def _private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@dataclass(frozen=True)
class Step:
    """One entry of the applicant's timeline."""

    on: date
    title: str
    text: str = ""
    items: tuple = ()
    quote: str = ""
    notices: tuple = ()
    files: tuple = ()
    key: str = ""


def downloads_allowed(case: DisclosureRequest) -> bool:
    """The letters and files are downloaded when the applicant chose 在线下载 (the first download is the 送达)."""
    return case.delivery_method == DeliveryMethod.DOWNLOAD


def applicant_timeline(case: DisclosureRequest) -> list[Step]:
    """The exchange as the applicant sees it, oldest first. Built from the case's own records, never from the
    audit trail (whose notes are written for staff); the third party consulted is not named."""
    from .notices import correction_item_list  # lazy: python-docx and the PDF stack load only for notices

    notices = {kind: [] for kind in APPLICANT_NOTICE_KINDS}
    for notice in case.notices.filter(kind__in=APPLICANT_NOTICE_KINDS).order_by("issued_on", "id"):
        notices[notice.kind].append(notice)
    files = {kind: [] for kind in CaseFileKind.values}
    for item in case.files.all():
        files[item.kind].append(item)
    submitted_on = timezone.localtime(case.submitted_at).date()
    steps = [Step(submitted_on, "提交申请", f"向{case.agency.name}提出政府信息公开申请（{case.get_channel_display()}）。",
                  quote=case.description, key="submitted",
                  items=tuple(x for x in (f"用途：{case.purpose}" if case.purpose else "",
                                          f"信息的提供载体：{case.get_requested_form_display()}",
                                          f"获取信息的方式：{case.get_delivery_method_display()}") if x))]
    if case.received_on:
        steps.append(Step(case.received_on, "收到申请",
                          "收到申请之日。答复期限自次日起计算（第三十一条、第三十三条）。", key="received",
                          notices=tuple(notices[NoticeKind.RECEIPT])))
    if case.correction_requested_on:
        steps.append(Step(case.correction_requested_on, "告知补正",
                          f"申请内容不明确，请对以下事项作出补正，补正期限至 {case.correction_due_on:%Y-%m-%d}"
                          "（第三十条）。" if case.correction_due_on else "申请内容不明确，请作出更改、补充。",
                          items=tuple(correction_item_list(case.correction_items)), key="correction",
                          notices=tuple(notices[NoticeKind.CORRECTION])))
    if case.correction_received_on:
        how = "您在线提交了补正" if case.correction_answered_at else "收到您补正后的申请"
        steps.append(Step(case.correction_received_on, "收到补正",
                          f"{how}。答复期限自收到补正之日起重新计算（第三十条）。", quote=case.correction_text,
                          files=tuple(files[CaseFileKind.CORRECTION]), key="correction_received"))
    for opinion in case.opinion_requests.all():
        whom = "其他机关" if opinion.kind == OpinionKind.AGENCY else "第三方"
        ended = f"，已于 {opinion.answered_on:%Y-%m-%d} 结束" if opinion.answered_on else "，尚在进行"
        steps.append(Step(opinion.sent_on, f"征求{whom}意见",
                          f"征求{whom}意见{ended}。征求意见所需时间不计算在答复期限内（第三十三条第三款）。",
                          key="opinion"))
    extension_notices = list(notices[NoticeKind.EXTENSION])
    for extension in case.extensions.all():
        steps.append(Step(extension.notified_on, "延长答复期限",
                          f"经政府信息公开工作机构负责人同意，答复期限延长 {extension.working_days} 个工作日"
                          f"（第三十三条第二款）。理由：{extension.reason}", key="extension",
                          notices=tuple(extension_notices)))
        extension_notices = []
    fee = getattr(case, "fee_notice", None)  # the reverse one-to-one raises an AttributeError subclass
    if fee is not None:
        paid = (f"已于 {fee.paid_on:%Y-%m-%d} 缴纳。" if fee.paid_on else "已减免。" if fee.waived else
                f"请于 {fee.fee_due_on:%Y-%m-%d} 前缴纳；期间不计入答复期限。")
        steps.append(Step(fee.served_on, "收费通知", f"信息处理费 {fee.amount} 元（{fee.get_method_display()}）。{paid}",
                          notices=tuple(notices[NoticeKind.FEE]), key="fee"))
    if case.closed_on and case.outcome:
        text = f"办理结果：{citizen_outcome_label(case.outcome)}。"
        if case.competent_agency:
            text += f"负责公开该信息的机关：{case.competent_agency}。"
        steps.append(Step(case.closed_on, "答复", text, quote=case.reasons, key="reply",
                          notices=tuple(notices[NoticeKind.REPLY]), files=tuple(files[CaseFileKind.RELEASE])))
    if case.served_at:
        steps.append(Step(timezone.localtime(case.served_at).date(), "送达",
                          f"您于 {timezone.localtime(case.served_at):%Y-%m-%d %H:%M} 首次在线下载答复，视为送达。",
                          key="served"))
    else:
        for notice in notices[NoticeKind.REPLY]:
            if notice.delivered_on:
                steps.append(Step(notice.delivered_on, "送达",
                                  f"答复告知书已于 {notice.delivered_on:%Y-%m-%d} 以{notice.get_delivery_method_display()}方式送达。",
                                  key="served"))
    return sorted(steps, key=lambda step: step.on)


def _render_case(request, case: DisclosureRequest, form=None, status_code: int = 200):
    case = (DisclosureRequest.objects.select_related("agency").prefetch_related("opinion_requests", "extensions")
            .get(pk=case.pk))
    can_correct = case.state == RequestState.AWAITING_CORRECTION
    if can_correct and form is None:
        form = CorrectionAnswerForm()
    response = render(request, "disclosure_requests/public/case.html", {
        "case": case, "result": public_status(case), "steps": applicant_timeline(case),
        "form": form if can_correct else None, "downloads": downloads_allowed(case),
        "correction_overdue": can_correct and case.correction_due_on and case.correction_due_on < timezone.localdate(),
    }, status=status_code)
    return _private(response)


@never_cache
@require_http_methods(["GET", "HEAD"])
def case_page(request, number):
    case = _session_case(request, number)
    if case is None:
        return redirect(reverse("disclosure_public:status") + f"?number={number[:40]}")
    return _render_case(request, case)


@never_cache
@require_http_methods(["POST"])
def correction(request, number):
    """The applicant's online 补正 (第三十条): received today; restarts the reply period as 登记收到补正 does."""
    case = _session_case(request, number)
    if case is None:
        return redirect(reverse("disclosure_public:status") + f"?number={number[:40]}")
    form = CorrectionAnswerForm(request.POST, request.FILES)
    if CORRECTIONS.hit(client_ip(request)) > CORRECTIONS.limit:
        form.is_valid()
        form.add_error(None, _too_many("提交").format(n=CORRECTIONS.limit))
        return _render_case(request, case, form, status_code=429)
    if case.state != RequestState.AWAITING_CORRECTION:
        return _render_case(request, case)
    if form.is_valid():
        try:
            with acting_as(user=None, ip_address=client_ip(request), label="申请人（在线补正）"):
                services.answer_correction_online(case, text=form.cleaned_data["text"],
                                                  files=form.cleaned_data["files"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            logger.info("在线补正已提交：%s", case.tracking_number)
            return redirect("disclosure_public:case", number=case.tracking_number)
    return _render_case(request, case, form, status_code=200)


@never_cache
@require_http_methods(["GET", "HEAD"])
def download(request, number, what, item_id):
    """A 告知书 (what="notice") or a file of the exchange (what="file") of a case in the session. The reply
    letter and the released files only when 在线下载 is the delivery method; their first download is the 送达."""
    case = _session_case(request, number)
    if case is None:
        return redirect(reverse("disclosure_public:status") + f"?number={number[:40]}")
    if what not in ("notice", "file"):
        raise Http404("文件不存在。")
    notice = case_file = None
    if what == "notice":
        notice = case.notices.filter(pk=item_id, kind__in=APPLICANT_NOTICE_KINDS).first()
        field = (notice.pdf or notice.docx) if notice else None
        name = field.name.rsplit("/", 1)[-1] if field else ""
    else:
        case_file = case.files.filter(pk=item_id).first()
        field, name = (case_file.file, case_file.name) if case_file else (None, "")
    released = case_file is None or case_file.kind == CaseFileKind.RELEASE
    if field is None or (released and not downloads_allowed(case)):
        raise Http404("文件不存在。")
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件不存在。") from exc
    # A HEAD (a link checker, a prefetch) fetches nothing: only a GET is the applicant's download.
    if request.method == "GET" and ((notice is not None and notice.kind == NoticeKind.REPLY)
                                    or (case_file is not None and released)):
        services.record_download(case, notice=notice, case_file=case_file)
    return _private(FileResponse(handle, as_attachment=True, filename=name))
