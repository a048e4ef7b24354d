"""Public 意见征集 pages: the list (open ones first), a consultation's draft with the comment form, the
approved comments (masked text only, never who wrote them) and the published feedback."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from audit.context import acting_as
from audit.middleware import client_ip
from gongkai.public_forms import WINDOW_MINUTES, RateLimit
from orgs.views import apply_validation_error

from . import services
from .forms import CommentForm
from .models import CommentStatus, Consultation, ConsultationState

COMMENTS = RateLimit("consultation-comment", 10)
ATTEMPTS = RateLimit("consultation-attempt", 30)


def public_consultations():
    today = timezone.localdate()
    return (Consultation.objects.filter(state__in=[ConsultationState.PUBLISHED, ConsultationState.CLOSED])
            .select_related("agency", "feedback")
            .annotate(open_rank=Case(When(state=ConsultationState.PUBLISHED, opens_on__lte=today,
                                          closes_on__gte=today, then=Value(0)), default=Value(1),
                                     output_field=IntegerField()))
            .order_by("open_rank", "-opens_on", "-id"))


def index(request):
    items = list(public_consultations()[:200])
    for c in items:
        c.phase = services.phase(c)
    return render(request, "consultations/public/index.html", {"items": items})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def detail(request, pk):
    consultation = get_object_or_404(public_consultations(), pk=pk)
    is_open = services.is_open_for_comments(consultation)
    status = 200
    refused = ""
    form = CommentForm() if is_open else None
    if request.method == "POST" and is_open:
        ip = client_ip(request)
        form = CommentForm(request.POST)
        if ATTEMPTS.hit(ip) > ATTEMPTS.limit or COMMENTS.exhausted(ip):
            refused = f"提交过于频繁：同一网络地址 {WINDOW_MINUTES} 分钟内提交次数有限，请稍后再试。"
            form, status = CommentForm(initial={"body": request.POST.get("body", "")[:5000]}), 429
        elif form.is_valid():
            try:
                with acting_as(user=None, ip_address=ip, label="公众（意见征集）"):
                    services.submit_comment(consultation, body=form.cleaned_data["body"],
                                            name=form.cleaned_data["name"], contact=form.cleaned_data["contact"])
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                COMMENTS.hit(ip)
                messages.success(request, "您的意见已提交，感谢参与。意见经审核后显示（不显示姓名和联系方式）。")
                return redirect("consultations_public:detail", pk=consultation.pk)
        if status == 200:
            form.new_challenge()
    comments = consultation.comments.filter(status=CommentStatus.APPROVED).only(
        "public_body", "submitted_at", "adoption", "rejection_reason")
    return render(request, "consultations/public/detail.html", {
        "c": consultation, "is_open": is_open, "form": form, "refused": refused, "comments": comments,
        "phase": services.phase(consultation), "feedback": getattr(consultation, "feedback", None)}, status=status)
