"""The public side of 依申请公开 (no login): the online application form of each agency, its receipt, and
the status lookup by 受理编号 + 查询码.

Nothing here shows personal data: the receipt and the status page name the case, its stage and its dates
only. Abuse is held off without JavaScript or an outside service: a signed arithmetic question and
per-IP limits kept in Django's cache (gongkai.public_forms: HumanCheckMixin, RateLimit)."""

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
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
)
from orgs.directory import group_agencies
from orgs.views import apply_validation_error

from . import services
from .forms import PublicApplicationForm, StatusLookupForm, receiving_agencies
from .models import DisclosureRequest, RequestState

logger = logging.getLogger("gongkai.requests.public")

RECEIPT_SESSION_KEY = "disclosure_requests.receipt"
NOT_FOUND = "受理编号或查询码不正确，请核对后重新输入。"  # one message for both: nothing to learn from it
NO_MATCH_CODE = "0" * 8  # "0" is not in services.LOOKUP_ALPHABET, so this never matches
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
        outcome=case.get_outcome_display() if closed else "",
        note=notes.get(case.state, "答复内容以书面告知书为准。" if closed else ""))


def find_case(number: str, code: str) -> DisclosureRequest | None:
    """The case only when both match. The code is compared in constant time, and against a dummy when
    the number is unknown, so neither the answer nor its timing tells which of the two was wrong."""
    case = (DisclosureRequest.objects.select_related("agency").filter(tracking_number=number).first()
            if number else None)
    expected = case.lookup_code if case is not None else NO_MATCH_CODE
    matched = constant_time_compare(expected, code)
    return case if case is not None and matched else None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def status(request):
    result, error, code = None, "", 200
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
                result = public_status(case)
    else:
        form = StatusLookupForm(initial={"tracking_number": request.GET.get("number", "")[:40]})
    return render(request, "disclosure_requests/public/status.html",
                  {"form": form, "result": result, "error": error}, status=code)
