"""The public side of 更正申请 (no login): the form, its receipt with 编号 and 查询码, and the POST-only lookup
that shows the outcome and lets the applicant download the 告知书. Held off like the other public forms: the
signed arithmetic question and per-address limits (gongkai.public_forms.RateLimit). The applicant's details
are never shown here, not even to the applicant (the page may be on a shared screen)."""

import logging

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from audit.context import acting_as
from audit.middleware import client_ip
from gongkai.public_forms import (
    ATTEMPTS_PER_WINDOW,
    LOOKUPS_PER_WINDOW,
    SUBMISSIONS_PER_WINDOW,
    RateLimit,
    matching_lookup_code,
)
from orgs.models import Agency
from orgs.views import apply_validation_error

from . import notices, services
from .forms import LookupForm, PublicRectificationForm
from .models import RecordRectificationRequest

logger = logging.getLogger("gongkai.rectifications.public")

SUBMISSIONS = RateLimit("rectification-submit", SUBMISSIONS_PER_WINDOW)
ATTEMPTS = RateLimit("rectification-attempt", ATTEMPTS_PER_WINDOW)
LOOKUPS = RateLimit("rectification-lookup", LOOKUPS_PER_WINDOW)
RECEIPT_SESSION_KEY = "rectifications.receipt"
NOT_FOUND = "更正申请编号或查询码不正确，请核对后重新输入。"


def receiving_agencies():
    return Agency.objects.active_on(timezone.localdate()).order_by("path")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request):
    ip = client_ip(request)
    agencies = receiving_agencies()
    if request.method == "POST":
        form = PublicRectificationForm(request.POST, request.FILES, agencies=agencies)
        refused = ""
        if ATTEMPTS.hit(ip) > ATTEMPTS.limit:
            refused = ATTEMPTS.refusal("提交")
        elif SUBMISSIONS.exhausted(ip):
            refused = SUBMISSIONS.refusal("提出更正申请")
        if refused:
            form = PublicRectificationForm(agencies=agencies, initial={
                k: v for k, v in request.POST.items() if k not in ("answer", "challenge", "csrfmiddlewaretoken")})
            return render(request, "rectifications/public/apply.html", {"form": form, "refused": refused}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with acting_as(user=None, ip_address=ip, label="申请人（网上更正申请）"):
                    case = services.submit(agency=data["agency"], applicant=form.applicant(),
                                           record_description=data["record_description"],
                                           inaccuracy=data["inaccuracy"], evidence=data["evidence"],
                                           files=form.files_content(),
                                           related_request_number=data["related_request_number"])
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                SUBMISSIONS.hit(ip)
                request.session[RECEIPT_SESSION_KEY] = case.pk
                logger.info("网上更正申请已提交：%s（机关 %s）", case.number, case.agency.code)
                return redirect("rectifications_public:receipt")
        form.new_challenge()
        return render(request, "rectifications/public/apply.html", {"form": form}, status=400)
    return render(request, "rectifications/public/apply.html", {"form": PublicRectificationForm(agencies=agencies)})


@never_cache
def receipt(request):
    pk = request.session.get(RECEIPT_SESSION_KEY)
    case = RecordRectificationRequest.objects.select_related("agency").filter(pk=pk).first() if pk else None
    if case is None:
        return redirect("rectifications_public:apply")
    return render(request, "rectifications/public/receipt.html", {"case": case, "period": services.period_wd()})


def find_case(number: str, code: str) -> RecordRectificationRequest | None:
    """Both must match; constant-time comparison against a dummy when the number is unknown."""
    case = (RecordRectificationRequest.objects.select_related("agency", "transferred_to").filter(number=number).first()
            if number else None)
    return matching_lookup_code(case, code)


def _looked_up(request):
    """(form, case, error, status) of a POSTed lookup, under the per-address limit."""
    form = LookupForm(request.POST)
    if LOOKUPS.hit(client_ip(request)) > LOOKUPS.limit:
        return form, None, LOOKUPS.refusal("查询"), 429
    if not form.is_valid():
        return form, None, "", 400
    case = find_case(form.cleaned_data["number"], form.cleaned_data["lookup_code"])
    return form, case, ("" if case else NOT_FOUND), (200 if case else 404)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def status(request):
    if request.method != "POST":
        return render(request, "rectifications/public/status.html", {"form": LookupForm()})
    form, case, error, code = _looked_up(request)
    notice = notices.compose(case) if case is not None and case.decision else None
    return render(request, "rectifications/public/status.html",
                  {"form": form, "case": case, "error": error, "notice": notice}, status=code)


@never_cache
@require_http_methods(["POST"])
def notice_pdf(request):
    form, case, error, code = _looked_up(request)
    if case is None or not case.decision:
        return render(request, "rectifications/public/status.html",
                      {"form": form, "error": error or "本件更正申请尚未办结，暂无告知书。"}, status=code if error else 404)
    response = HttpResponse(notices.render_pdf(case), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{case.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
