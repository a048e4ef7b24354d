"""待办: what waits for one staff member, counted and listed per kind, each kind linking to the list it
comes from (the app's own list page, filtered by query parameters).

The one place where the desk's questions are asked. Each question is scoped like the list it links to: by
the capability that lets the user act on the item (orgs.scoping) over the agencies the user holds it for, so
a 编辑 sees their own drafts, a 审核 the documents of their agency waiting for review, a 依申请承办人 the cases
of their agency and the 公开办 everything in its subtree. The workbench sits on top of the apps
(docs/architecture.md): it reads their models and list URLs; it changes nothing."""

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from catalog.models import Document, DocumentStatus
from consultations.models import CommentStatus, Consultation, ConsultationComment, ConsultationState
from disclosure_requests.deadlines import confirmation_overdue, working_days_left
from disclosure_requests.models import OPEN_STATES as OPEN_REQUEST_STATES
from disclosure_requests.models import DisclosureRequest, OpinionRequest, OpinionResult, RequestState
from jobs.models import Job, JobState
from mailboxes.deadlines import open_letters
from mailboxes.deadlines import overdue as overdue_letters
from mailboxes.models import POOR_RATINGS, Letter, LetterState
from mailboxes.services import awaiting_publication_review
from orgs.scoping import Capability, has_capability, scope_for, scope_queryset
from rectifications.models import RecordRectificationRequest, RectificationState
from reports.models import AnnualReport, EnteredFigures, FiguresStatus, ReportStatus
from workdays.calendar import add_working_days

ROWS = 5  # rows shown per kind; the link leads to the whole list
DUE_SOON_WD = 5  # "due within 5 working days"
OLD_CONFIRMATION_DAYS = 3  # a 待确认 application older than this (calendar days) is flagged as old too


@dataclass
class DeskRow:
    text: str
    url: str
    note: str = ""
    flagged: bool = False


@dataclass
class DeskItem:
    key: str
    label: str
    count: int
    url: str
    rows: list[DeskRow] = field(default_factory=list)
    urgent: bool = False
    hint: str = ""


@dataclass
class DeskGroup:
    title: str
    items: list[DeskItem]

    @property
    def total(self) -> int:
        return sum(item.count for item in self.items)


def _url(name: str, **params) -> str:
    base = reverse(name)
    return f"{base}?{urlencode(params)}" if params else base


def _item(key, label, queryset, url, row, *, limit=ROWS, urgent=False, hint="") -> DeskItem:
    count = queryset.count()
    rows = [row(obj) for obj in queryset[:limit]] if count else []
    return DeskItem(key=key, label=label, count=count, url=url, rows=rows, urgent=urgent and count > 0, hint=hint)


def _case_text(case: DisclosureRequest) -> str:
    description = case.description.replace("\n", " ")
    short = description if len(description) <= 40 else description[:40] + "…"
    return f"{case.tracking_number} · {case.agency.name} · {short}"


def _case_url(case) -> str:
    return reverse("disclosure_requests:detail", kwargs={"pk": case.pk})


def request_items(user, today: date) -> list[DeskItem]:
    if not has_capability(user, Capability.REQUESTS_HANDLE):
        return []
    cases = scope_queryset(DisclosureRequest.objects.select_related("agency"), user, Capability.REQUESTS_HANDLE)
    open_cases = cases.filter(state__in=OPEN_REQUEST_STATES)

    def pending_row(case):
        age = (today - timezone.localdate(case.submitted_at)).days
        late = confirmation_overdue(case, today)
        flagged = late or age > OLD_CONFIRMATION_DAYS
        note = f"已等待 {age} 天" + ("，超过确认期限" if late else "")
        return DeskRow(_case_text(case), _case_url(case), note, flagged)

    def due_row(case):
        left = working_days_left(case.due_on, today)
        note = "今天到期" if left == 0 else f"剩余 {left} 个工作日（{case.due_on:%Y-%m-%d}）"
        return DeskRow(_case_text(case), _case_url(case), note, left <= 1)

    def overdue_row(case):
        late = -working_days_left(case.due_on, today)
        return DeskRow(_case_text(case), _case_url(case), f"已逾期 {late} 个工作日（期限 {case.due_on:%Y-%m-%d}）", True)

    def corrected_row(case):
        return DeskRow(_case_text(case), _case_url(case), f"{case.correction_received_on:%Y-%m-%d} 收到补正，"
                       f"答复期限 {case.due_on:%Y-%m-%d}" if case.due_on else "")

    def opinion_row(opinion):
        case = opinion.request
        return DeskRow(_case_text(case), _case_url(case),
                       f"征求{opinion.addressee}意见，{opinion.reply_due_on:%Y-%m-%d} 期满未答复", True)

    soon_until = add_working_days(today, DUE_SOON_WD).day
    submitted = cases.filter(state=RequestState.SUBMITTED).order_by("submitted_at", "id")
    opinions = (OpinionRequest.objects.filter(request__in=open_cases, result=OpinionResult.PENDING,
                                              reply_due_on__lt=today)
                .select_related("request", "request__agency").order_by("reply_due_on", "id"))
    queue = "disclosure_requests:index"
    return [
        _item("requests_submitted", "待确认的申请", submitted, _url(queue, state=RequestState.SUBMITTED), pending_row,
              urgent=any(confirmation_overdue(c, today) for c in submitted[:50]),
              hint="网上、传真、平常信函提交的申请，与申请人确认后才算收到（第三十一条）。"),
        _item("requests_due_soon", f"{DUE_SOON_WD}个工作日内到期", open_cases.filter(
            due_on__gte=today, due_on__lte=soon_until).order_by("due_on", "id"), _url(queue, due_soon=1), due_row),
        _item("requests_overdue", "已逾期", open_cases.filter(due_on__lt=today).order_by("due_on", "id"),
              _url(queue, overdue=1), overdue_row, urgent=True),
        _item("requests_corrected", "已收到补正、待答复", open_cases.filter(
            state=RequestState.IN_PROGRESS, correction_received_on__isnull=False).order_by("due_on", "id"),
            _url(queue, corrected=1), corrected_row),
        _item("requests_opinion_lapsed", "征求意见期满、待继续办理", opinions, _url(queue, opinion_lapsed=1), opinion_row,
              urgent=True, hint="被征求意见方逾期未答复：登记结果后，答复期限恢复计算（第三十二条、第三十四条）。"),
    ]


def rectification_items(user, today: date) -> list[DeskItem]:
    """更正申请 (第四十一条) waiting for a decision, by due date; the overdue ones flagged."""
    if not has_capability(user, Capability.REQUESTS_HANDLE):
        return []
    cases = scope_queryset(RecordRectificationRequest.objects.select_related("agency"), user,
                           Capability.REQUESTS_HANDLE).filter(state=RectificationState.RECEIVED)

    def row(case):
        late = case.due_on < today
        return DeskRow(f"{case.number} · {case.agency.name}", reverse("rectifications:detail", kwargs={"pk": case.pk}),
                       f"{case.received_on:%Y-%m-%d} 收到，办理期限 {case.due_on:%Y-%m-%d}" + ("，已超期" if late else ""),
                       late)

    return [_item("rectifications_open", "待办理的更正申请", cases.order_by("due_on", "id"),
                  _url("rectifications:index", view="open"), row,
                  urgent=cases.filter(due_on__lt=today).exists(),
                  hint="与申请人自身相关的信息记录不准确的更正申请（第四十一条）。")]


def catalog_items(user, today: date) -> list[DeskItem]:
    items = []

    def doc_row(document):
        return DeskRow(document.title, reverse("catalog:detail", kwargs={"pk": document.pk}),
                       f"{document.publisher.name} · {timezone.localtime(document.updated_at):%Y-%m-%d} 更新")

    if has_capability(user, Capability.CATALOG_DRAFT):
        drafts = (Document.objects.filter(created_by=user, status=DocumentStatus.DRAFT).select_related("publisher")
                  .order_by("-updated_at", "-id"))
        items.append(_item("documents_drafts", "我的草稿（待提交保密审查）", drafts,
                           _url("catalog:index", status=DocumentStatus.DRAFT, mine=1), doc_row))
    if has_capability(user, Capability.CATALOG_REVIEW):
        # Four eyes: nobody reviews what they drafted (catalog.services), so their own are not waiting for them.
        waiting = (scope_queryset(Document.objects.select_related("publisher"), user, Capability.CATALOG_REVIEW,
                                  "publisher").exclude(created_by=user).order_by("updated_at", "id"))
        items.append(_item("documents_secrecy", "待保密审查的文件", waiting.filter(status=DocumentStatus.SECRECY_REVIEW),
                           _url("catalog:index", status=DocumentStatus.SECRECY_REVIEW), doc_row))
        items.append(_item("documents_review", "待审核发布的文件", waiting.filter(status=DocumentStatus.REVIEW),
                           _url("catalog:index", status=DocumentStatus.REVIEW), doc_row))
    return items


def interaction_items(user, today: date) -> list[DeskItem]:
    scope = scope_for(user, Capability.INTERACTION_HANDLE)
    if scope.is_empty:
        return []
    letters = (Letter.objects.filter(scope.q("agency") | scope.q("mailbox__agency")).distinct()
               .select_related("agency", "mailbox"))

    def letter_row(letter):
        note = f"{letter.mailbox.name} · {letter.received_on:%Y-%m-%d} 收到"
        if letter.due_on:
            note += f" · 答复期限 {letter.due_on:%Y-%m-%d}"
        return DeskRow(f"{letter.number} {letter.subject}", reverse("mailboxes:detail", kwargs={"pk": letter.pk}),
                       note, bool(letter.due_on and letter.due_on < today))

    comments = (scope_queryset(ConsultationComment.objects.select_related("consultation"), user,
                               Capability.INTERACTION_HANDLE, "consultation__agency")
                .filter(status=CommentStatus.PENDING).order_by("submitted_at", "id"))

    def comment_row(comment):
        consultation = comment.consultation
        return DeskRow(consultation.title, reverse("consultations:detail", kwargs={"pk": consultation.pk}),
                       "意见待审核后显示")

    feedback_due = (scope_queryset(Consultation.objects.all(), user, Capability.INTERACTION_HANDLE)
                    .filter(state=ConsultationState.CLOSED, feedback__isnull=True).order_by("closes_on", "id"))

    def consultation_row(consultation):
        note = f"{consultation.closes_on:%Y-%m-%d} 征集结束"
        if consultation.feedback_due_on:
            note += f"，反馈公布期限 {consultation.feedback_due_on:%Y-%m-%d}"
        return DeskRow(consultation.title, reverse("consultations:detail", kwargs={"pk": consultation.pk}), note,
                       bool(consultation.feedback_due_on and consultation.feedback_due_on < today))

    return [
        _item("letters_unscreened", "待甄别的来信", letters.filter(state=LetterState.SUBMITTED).order_by("received_on", "id"),
              _url("mailboxes:index", view="unscreened"), letter_row),
        _item("letters_open", "待答复的来信", open_letters(letters).filter(state=LetterState.IN_PROGRESS)
              .order_by("due_on", "id"), _url("mailboxes:index", view="open"), letter_row),
        _item("letters_overdue", "超期未答复的来信", overdue_letters(letters, today).order_by("due_on", "id"),
              _url("mailboxes:index", view="overdue"), letter_row, urgent=True),
        _item("letters_publication", "待审核公开的答复", awaiting_publication_review(letters, user)
              .order_by("publication_proposed_at", "id"), _url("mailboxes:index", view="publication"), letter_row,
              hint="答复须由撰写人和提请人以外的工作人员审核后才公开。"),
        _item("letters_poorly_rated", "差评待回访的来信", letters.filter(satisfaction__in=POOR_RATINGS)
              .order_by("-rated_at", "id"), _url("mailboxes:index", view="poorly_rated"), letter_row,
              hint="来信人评价为“不满意”“非常不满意”的，应回访了解情况并整改（国办发〔2019〕51号）。"),
        _item("consultation_comments", "待审核的征集意见", comments, reverse("consultations:index"), comment_row),
        _item("consultation_feedback", "待公布意见采纳情况的征集", feedback_due, reverse("consultations:index"),
              consultation_row),
    ]


def report_items(user, today: date) -> list[DeskItem]:
    items = []
    if has_capability(user, Capability.REPORTS_COMPILE):
        reports = scope_queryset(AnnualReport.objects.select_related("agency"), user, Capability.REPORTS_COMPILE)

        def report_row(report):
            return DeskRow(f"{report.agency.name}{report.year}年度报告（第{report.version}版）",
                           reverse("reports:detail", kwargs={"pk": report.pk}),
                           f"法定发布期限 {report.deadline:%Y-%m-%d}", report.deadline < today)

        def figures_row(figures):
            return DeskRow(f"{figures.agency.name}{figures.year}年填报数据",
                           reverse("reports:figures", kwargs={"agency": figures.agency_id, "year": figures.year}),
                           figures.get_status_display())

        figures = (scope_queryset(EnteredFigures.objects.select_related("agency"), user, Capability.REPORTS_COMPILE)
                   .filter(status=FiguresStatus.DRAFT, year__gte=today.year - 1).order_by("agency__path"))
        items.append(_item("figures_draft", "待填报、提交的年报数据", figures,
                           _url("reports:index", figures=FiguresStatus.DRAFT), figures_row))
        items.append(_item("reports_draft", "待提交审核的年度报告",
                           reports.filter(status=ReportStatus.DRAFT).order_by("deadline", "agency__path"),
                           _url("reports:index", status=ReportStatus.DRAFT), report_row))
        if has_capability(user, Capability.REPORTS_APPROVE):
            approvable = scope_queryset(AnnualReport.objects.select_related("agency"), user, Capability.REPORTS_APPROVE)
            items.append(_item("reports_submitted", "待审核的年度报告",
                               approvable.filter(status=ReportStatus.SUBMITTED).order_by("deadline", "agency__path"),
                               _url("reports:index", status=ReportStatus.SUBMITTED), report_row))
            submitted_figures = (scope_queryset(EnteredFigures.objects.select_related("agency"), user,
                                                Capability.REPORTS_APPROVE)
                                 .filter(status=FiguresStatus.SUBMITTED).order_by("agency__path"))
            items.append(_item("figures_submitted", "待审核的年报填报数据", submitted_figures,
                               _url("reports:index", figures=FiguresStatus.SUBMITTED), figures_row))
        items.append(_item("reports_approved", "已审核、待发布的年度报告",
                           reports.filter(status=ReportStatus.APPROVED).order_by("deadline", "agency__path"),
                           _url("reports:index", status=ReportStatus.APPROVED), report_row))
    return items


def job_items(user, today: date) -> list[DeskItem]:
    """Failed background jobs: for the 公开办 (the 后台任务 page's capability), not for single-agency roles."""
    if not has_capability(user, Capability.MONITORING_VIEW):
        return []

    def job_row(job):
        finished = timezone.localtime(job.finished_at) if job.finished_at else None
        return DeskRow(job.label, reverse("jobs:index") + "#failed",
                       f"{finished:%Y-%m-%d %H:%M} 失败" if finished else "失败", True)

    return [_item("jobs_failed", "失败的后台任务", Job.objects.filter(state=JobState.FAILED).order_by("-finished_at", "-id"),
                  reverse("jobs:index") + "#failed", job_row, urgent=True)]


def desk_for(user, today: date | None = None) -> list[DeskGroup]:
    """The desk's groups for `user`, each with only the kinds the user may act on (a kind with nothing
    waiting is kept, with count 0, so the page says "无" rather than hiding a duty)."""
    today = today or timezone.localdate()
    groups = [DeskGroup("依申请公开", request_items(user, today) + rectification_items(user, today)),
              DeskGroup("政府信息发布", catalog_items(user, today)),
              DeskGroup("来信与意见征集", interaction_items(user, today)),
              DeskGroup("年度报告", report_items(user, today)),
              DeskGroup("后台任务", job_items(user, today))]
    return [g for g in groups if g.items]


def waiting_total(groups: list[DeskGroup]) -> int:
    return sum(g.total for g in groups)


