"""The public side of 领导信箱 (no login): the mailboxes, the letter form, its receipt with 来信编号 and
查询码, the POST-only status lookup, and the published replies with the four fields the publication rule requires
(受理日期、答复日期、答复部门、答复内容; docs/law/letters-mailbox.md) and the statistics.

Never shown here: the writer's name, phone, e-mail or address, and the text of letters whose writer chose
不公开. Abuse is held off as on the disclosure form: the signed arithmetic question and per-IP limits
(gongkai.public_forms.RateLimit)."""

import logging

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
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
from orgs.views import apply_validation_error

from . import services, statistics
from .forms import LetterLookupForm, PublicLetterForm, RatingForm
from .models import Letter, LetterState, Mailbox

logger = logging.getLogger("gongkai.letters.public")

SUBMISSIONS = RateLimit("letter-submit", SUBMISSIONS_PER_WINDOW)
ATTEMPTS = RateLimit("letter-attempt", ATTEMPTS_PER_WINDOW)
LOOKUPS = RateLimit("letter-lookup", LOOKUPS_PER_WINDOW)
RECEIPT_SESSION_KEY = "letters.receipt"
NOT_FOUND = "来信编号或查询码不正确，请核对后重新输入。"


def published_letters():
    return (Letter.objects.filter(published_at__isnull=False, consent_to_publish=True, state=LetterState.ANSWERED)
            .select_related("reply_agency", "mailbox").order_by("-replied_on", "-id"))


def index(request):
    today = timezone.localdate()
    mailboxes = Mailbox.objects.filter(is_active=True).select_related("agency")
    year_stats, _months = statistics.yearly(Letter.objects.all(), today.year, today)
    page = Paginator(published_letters(), 20).get_page(request.GET.get("page"))
    return render(request, "mailboxes/public/index.html",
                  {"mailboxes": mailboxes, "page": page, "stats": year_stats, "year": today.year})


def reply_detail(request, number):
    letter = get_object_or_404(published_letters(), number=number)
    return render(request, "mailboxes/public/reply.html", {"letter": letter})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def write(request, code):
    mailbox = get_object_or_404(Mailbox.objects.select_related("agency"), code=code, is_active=True)
    ip = client_ip(request)
    if request.method == "POST":
        form = PublicLetterForm(request.POST, request.FILES)
        refused = ""
        if ATTEMPTS.hit(ip) > ATTEMPTS.limit:
            refused = ATTEMPTS.refusal("提交")
        elif SUBMISSIONS.exhausted(ip):
            refused = SUBMISSIONS.refusal("来信")
        if refused:
            form = PublicLetterForm(initial={k: v for k, v in request.POST.items()
                                             if k not in ("answer", "challenge", "csrfmiddlewaretoken")})
            return render(request, "mailboxes/public/write.html",
                          {"mailbox": mailbox, "form": form, "refused": refused}, status=429)
        if form.is_valid():
            try:
                with acting_as(user=None, ip_address=ip, label="来信人（网上来信）"):
                    letter = services.submit_letter(
                        mailbox=mailbox, writer=form.writer(), letter_type=form.cleaned_data["letter_type"],
                        subject=form.cleaned_data["subject"], body=form.cleaned_data["body"],
                        consent_to_publish=form.cleaned_data["publish"] == "yes",
                        attachments=form.files_content())
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                SUBMISSIONS.hit(ip)
                request.session[RECEIPT_SESSION_KEY] = letter.pk
                logger.info("网上来信已提交：%s（%s）", letter.number, mailbox.code)
                return redirect("mailboxes_public:receipt")
        form.new_challenge()
    else:
        form = PublicLetterForm()
    return render(request, "mailboxes/public/write.html", {"mailbox": mailbox, "form": form})


@never_cache
def receipt(request):
    pk = request.session.get(RECEIPT_SESSION_KEY)
    letter = Letter.objects.select_related("mailbox", "agency").filter(pk=pk).first() if pk else None
    if letter is None:
        return redirect("mailboxes_public:index")
    return render(request, "mailboxes/public/receipt.html",
                  {"letter": letter, "period": services.reply_period_wd(letter)})


def find_letter(number: str, code: str) -> Letter | None:
    """Both must match; constant-time comparison against a dummy when the number is unknown."""
    letter = (Letter.objects.select_related("reply_agency", "agency").filter(number=number).first()
              if number else None)
    return matching_lookup_code(letter, code)


def _status_page(request, letter, form, error="", code=200, rating_form=None, notice=""):
    if letter is not None and rating_form is None and letter.state == LetterState.ANSWERED and not letter.rated_at:
        rating_form = RatingForm(initial={"number": letter.number, "lookup_code": letter.lookup_code})
    return render(request, "mailboxes/public/status.html",
                  {"form": form, "letter": letter, "error": error, "rating_form": rating_form, "notice": notice},
                  status=code)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def status(request):
    letter, error, code = None, "", 200
    if request.method == "POST":
        form = LetterLookupForm(request.POST)
        if LOOKUPS.hit(client_ip(request)) > LOOKUPS.limit:
            error, code = LOOKUPS.refusal("查询"), 429
        elif form.is_valid():
            letter = find_letter(form.cleaned_data["number"], form.cleaned_data["lookup_code"])
            if letter is None:
                error = NOT_FOUND
    else:
        form = LetterLookupForm()
    return _status_page(request, letter, form, error, code)


@never_cache
@require_http_methods(["POST"])
def rate(request):
    """满意度评价 of an answered letter; the number and 查询码 are checked again, under the lookup limit."""
    rating_form = RatingForm(request.POST)
    ip = client_ip(request)
    if LOOKUPS.hit(ip) > LOOKUPS.limit:
        return _status_page(request, None, LetterLookupForm(), LOOKUPS.refusal("查询"), 429)
    valid = rating_form.is_valid()  # the grade may be missing while the number and code are fine
    number, code = rating_form.cleaned_data.get("number"), rating_form.cleaned_data.get("lookup_code")
    letter = find_letter(number, code) if number and code else None
    if letter is None:
        return _status_page(request, None, LetterLookupForm(), NOT_FOUND, 404)
    lookup = LetterLookupForm(initial={"number": letter.number})
    if not valid:
        return _status_page(request, letter, lookup, rating_form=rating_form, code=400)
    try:
        with acting_as(user=None, ip_address=ip, label="来信人（满意度评价）"):
            letter = services.rate_reply(letter, satisfaction=rating_form.cleaned_data["satisfaction"],
                                         comment=rating_form.cleaned_data["comment"])
    except ValidationError as exc:
        apply_validation_error(rating_form, exc)
        # The letter may no longer take a rating (rated already, not answered): say why at the top.
        return _status_page(request, letter, lookup, " ".join(rating_form.non_field_errors()),
                            rating_form=rating_form, code=400)
    return _status_page(request, letter, lookup, notice="感谢您的评价，评价结果已记录。")
