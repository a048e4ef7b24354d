"""Letter statistics as the annual reports and the mailbox pages publish them (docs/law/letters-mailbox.md):
received, 有效/无效, assigned, answered, answered on time, published, reply rate and average working days —
for a year and per month.

湘西州 2017: “州长信箱共收到来信 237 件，其中有效来信 197 件，无效来信 40 件” — received = valid +
invalid + not yet screened."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from .deadlines import working_days_taken
from .models import POOR_RATINGS, LetterState


@dataclass(frozen=True)
class LetterStats:
    received: int
    valid: int
    invalid: int
    unscreened: int
    assigned: int
    converted: int
    answered: int
    answered_on_time: int
    published: int
    # the three-month line: valid letters still unanswered past the line, or answered after it
    open_beyond_3_months: int
    average_wd: float | None
    rated: int = 0  # 满意度评价 given by writers (国办发〔2019〕51号 five grades)
    poorly_rated: int = 0  # 不满意 + 非常不满意 (差评)

    @property
    def reply_rate(self) -> float | None:
        return round(100 * self.answered / self.valid, 1) if self.valid else None

    @property
    def satisfaction_rate(self) -> float | None:
        """Share of ratings that are not 差评 (非常满意, 满意 or 基本满意)."""
        return round(100 * (self.rated - self.poorly_rated) / self.rated, 1) if self.rated else None

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.answered_on_time / self.answered, 1) if self.answered else None


def compute(letters: QuerySet, today: date) -> LetterStats:
    rows = list(letters.prefetch_related("transfers"))
    answered = [x for x in rows if x.replied_on]
    taken = [working_days_taken(x) for x in answered]
    breached = sum(1 for x in rows if x.is_valid is not False and x.veto_on and x.state != LetterState.CONVERTED
                   and ((x.replied_on and x.replied_on > x.veto_on) or (not x.replied_on and today > x.veto_on)))
    return LetterStats(
        received=len(rows), valid=sum(1 for x in rows if x.is_valid is True),
        invalid=sum(1 for x in rows if x.is_valid is False), unscreened=sum(1 for x in rows if x.is_valid is None),
        assigned=sum(1 for x in rows if x.transfers.all()),
        converted=sum(1 for x in rows if x.state == LetterState.CONVERTED),
        answered=len(answered),
        answered_on_time=sum(1 for x in answered if x.due_on and x.replied_on <= x.due_on),
        published=sum(1 for x in rows if x.published_at), open_beyond_3_months=breached,
        average_wd=round(sum(taken) / len(taken), 1) if taken else None,
        rated=sum(1 for x in rows if x.rated_at), poorly_rated=sum(1 for x in rows if x.satisfaction in POOR_RATINGS))


def yearly(letters: QuerySet, year: int, today: date) -> tuple[LetterStats, list[tuple[int, LetterStats]]]:
    """The year's totals and its months (by 受理日期)."""
    in_year = letters.filter(received_on__year=year)
    months = [(m, compute(in_year.filter(received_on__month=m), today)) for m in range(1, 13)]
    return compute(in_year, today), months
