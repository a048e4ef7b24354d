"""更正申请 statistics for a year (by 收到日期): received, decided per decision, on time, still open, overdue.
They are the platform's own figures; the annual report's 表三 counts only disclosure requests."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from .models import Decision, RectificationState


@dataclass(frozen=True)
class RectificationStats:
    received: int
    by_decision: dict[str, int]
    decided_on_time: int
    open: int
    overdue: int

    @property
    def decided(self) -> int:
        return sum(self.by_decision.values())


def compute(cases: QuerySet, year: int, today: date) -> RectificationStats:
    rows = list(cases.filter(received_on__year=year).select_related(None).only(
        "state", "decision", "decided_on", "due_on"))
    decided = [c for c in rows if c.state == RectificationState.DECIDED]
    return RectificationStats(
        received=len(rows),
        by_decision={label: sum(1 for c in decided if c.decision == value) for value, label in Decision.choices},
        decided_on_time=sum(1 for c in decided if c.decided_on <= c.due_on),
        open=sum(1 for c in rows if c.state == RectificationState.RECEIVED),
        overdue=sum(1 for c in rows if c.state == RectificationState.RECEIVED and c.due_on < today))
