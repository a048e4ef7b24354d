"""The reply deadline of a case, always computed by the working-day calendar from the clock start, the
pauses and the extensions (第三十条, 第三十三条, 第三十五条; regulation-rules.md §4), with its explanation."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from workdays.calendar import Pause, add_working_days, count_working_days_detail

from .models import PauseKind, RequestState


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


def counted_pauses(request, today: date | None = None) -> list[Pause]:
    """Consultation pauses always; the fee interval only when GONGKAI_FEE_NOTICE_PAUSES_CLOCK (UNVERIFIED).
    An open pause runs until today: the due date moves each day the clock stands still."""
    today = today or timezone.localdate()
    pauses = []
    for pause in request.pauses.all():
        if pause.kind == PauseKind.FEE and not settings.GONGKAI_FEE_NOTICE_PAUSES_CLOCK:
            continue
        end = pause.end or max(today, pause.start)
        pauses.append(Pause(pause.start, end, pause.get_kind_display() + ("（进行中）" if pause.end is None else "")))
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
