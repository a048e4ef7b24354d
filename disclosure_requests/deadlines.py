"""The reply deadline of a case, always computed by the working-day calendar from the clock start, the
pauses and the extensions (《中华人民共和国政府信息公开条例》第三十条, 第三十三条, 第三十五条), with its explanation."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from workdays.calendar import Pause, add_working_days, count_working_days_detail

from .models import PauseKind, Regime, RequestState, SubmissionChannel


@dataclass(frozen=True)
class Deadline:
    due_on: date | None
    trace: str
    confirmed: bool = True
    paused: bool = False


def base_working_days(request) -> int:
    return settings.GONGKAI_REPLY_BASE_WD[request.regime]


def max_extension(request) -> int:
    return settings.GONGKAI_REPLY_MAX_EXTENSION_WD[request.regime]


def opinion_lapse(pause) -> date | None:
    """The last day of the other side's 15 working days for a consultation pause (第三十二条, 第三十四条), or
    None: not a consultation, or the other side's receipt of the letter is not recorded yet."""
    opinion = getattr(pause, "opinion_request", None)  # the reverse one-to-one raises an AttributeError subclass
    return opinion.reply_due_on if opinion is not None else None


def counted_pauses(request, today: date | None = None) -> list[Pause]:
    """The intervals not counted in the reply period.

    Consultation pauses always (第三十三条第三款); the fee interval only when GONGKAI_FEE_NOTICE_PAUSES_CLOCK.
    Under the 2008 条例 only the third party's consultation stops the clock (2008 条例 第二十四条), neither a fee
    nor another agency's opinion.

    A consultation pause never outlasts the other side's 15 working days: when no answer came, it ends on
    the last day of that period (the lapse), whether or not anyone has recorded the lapse yet. Before a
    case is closed, a running pause is counted up to its lapse when the lapse is known (the latest the
    pause can last), else up to `today`; for a closed case (or one being closed), up to the closing date."""
    closing = request.closed_on
    today = closing or today or timezone.localdate()
    pauses = []
    for pause in request.pauses.all():
        if pause.kind == PauseKind.FEE and (not settings.GONGKAI_FEE_NOTICE_PAUSES_CLOCK
                                            or request.regime == Regime.R2008):
            continue
        if pause.kind == PauseKind.AGENCY_OPINION and request.regime == Regime.R2008:
            continue
        lapse = opinion_lapse(pause)
        label = pause.get_kind_display()
        end = pause.end
        if end is None:
            if lapse is not None and lapse < today:
                end, label = lapse, f"{label}（{lapse} 期满未答复）"
            elif lapse is not None and closing is None:
                end, label = lapse, f"{label}（进行中，至迟 {lapse} 结束）"
            else:
                end, label = today, f"{label}（进行中）"
        elif lapse is not None and end > lapse:
            end = lapse
        pauses.append(Pause(pause.start, max(end, pause.start), label))
    return pauses


def compute(request, today: date | None = None, snapshot=None) -> Deadline:
    if request.state in (RequestState.DRAFT, RequestState.SUBMITTED) or request.clock_start_on is None:
        return Deadline(None, "尚未收到申请（待确认），答复期限尚未起算。")
    if request.state == RequestState.AWAITING_CORRECTION:
        return Deadline(None, f"已于 {request.correction_requested_on} 告知补正，补正期限至 {request.correction_due_on}；"
                              "答复期限自收到补正申请之日起重新计算（第三十条）。")
    if request.custom_due_on:
        return Deadline(request.custom_due_on, f"第三十五条：已确定延迟答复的合理期限 {request.custom_due_on} 并告知申请人。")
    extensions = list(request.extensions.all())
    extra = sum(e.working_days for e in extensions)
    n = base_working_days(request) + extra
    pauses = counted_pauses(request, today)
    restarted = request.correction_received_on is not None and request.clock_start_on == request.correction_received_on
    result = add_working_days(request.clock_start_on, n, pauses, snapshot=snapshot,
                              start_label="收到补正申请" if restarted else "收到申请")
    trace = result.trace
    if extensions:
        approved = "；".join(f"延长 {e.working_days} 个工作日（{e.approved_on} 经{e.approver.display_name}批准，"
                            f"{e.notified_on} 告知申请人）" for e in extensions)
        trace = f"{trace}（含{approved}）"
    return Deadline(result.day, trace, result.confirmed, any("进行中" in p.label for p in pauses))


def working_days_left(due_on: date, today: date | None = None) -> int:
    """Positive: working days still available after today; zero: due today; negative: overdue by that many."""
    today = today or timezone.localdate()
    if due_on >= today:
        return count_working_days_detail(today, due_on).count
    return -count_working_days_detail(due_on, today).count


def correction_notice_deadline(request) -> date:
    """第三十条: the correction notice goes out within 7 working days of receipt."""
    return add_working_days(request.received_on, settings.GONGKAI_CORRECTION_NOTICE_WD).day


def confirmation_due_on(request) -> date | None:
    """By when an application waiting in 待确认 should have been confirmed with the applicant, or None.

    A plain letter (平常信函) is confirmed on the day it arrives (第三十一条第（二）项); an online, e-mail or fax
    application (第三十一条第（三）项, 双方确认之日) is confirmed within one working day of its submission — the law
    sets no period there, and the receipt date, hence the reply period, waits on the confirmation."""
    if request.state != RequestState.SUBMITTED or request.submitted_at is None:
        return None
    submitted = timezone.localdate(request.submitted_at)
    if request.channel == SubmissionChannel.ORDINARY_MAIL:
        return submitted
    return add_working_days(submitted, 1).day


def confirmation_overdue(request, today: date | None = None) -> bool:
    due = confirmation_due_on(request)
    return due is not None and (today or timezone.localdate()) > due
