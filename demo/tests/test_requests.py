"""The demo year of requests: made through the services, every state and outcome, across the year
boundaries, and its statistics pass every identity of docs/law/annual-report.md §3.2–§3.3."""

from datetime import date

import pytest

from appeals.models import Appeal
from appeals.statistics import table_four
from audit.models import AuditEntry
from demo.generator import build_region
from demo.requests import build_current, build_requests
from disclosure_requests.models import DisclosureRequest, Outcome, RequestState
from disclosure_requests.statistics import APPLICANT_COLUMNS, COLUMNS, T3_LEAVES, T3_ROWS, table_three

pytestmark = pytest.mark.django_db
YEAR = 2025
TODAY = date(2026, 11, 23)  # fixed, so that the January Y+1 closure and decisions are in the past


@pytest.fixture(scope="module")
def demo_year(django_db_setup, django_db_blocker):
    """One county with its demo year, built once for the module (then removed with the test database)."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            region = build_region("county", documents=0)
            summary = build_requests(region, YEAR, seed=7, n=44, today=TODAY)
            yield region, summary
            transaction.set_rollback(True)


def assert_identities(cells, fmt):
    assert all(v >= 0 for v in cells.values())
    for row in T3_ROWS[fmt]:
        assert cells[f"t3.{row}.total"] == sum(cells[f"t3.{row}.{k}"] for k in APPLICANT_COLUMNS), row
    for k in COLUMNS:
        assert cells[f"t3.closed_total.{k}"] == sum(cells[f"t3.{r}.{k}"] for r in T3_LEAVES[fmt]), k
        assert (cells[f"t3.received_new.{k}"] + cells[f"t3.carried_in.{k}"]
                == cells[f"t3.closed_total.{k}"] + cells[f"t3.carried_out.{k}"]), k


def test_the_demo_year_has_every_state_and_outcome(demo_year):
    _, summary = demo_year
    assert summary.cases == 44 == DisclosureRequest.objects.count()
    # The last full year is complete: what was open on 31 December (every open state, see the carried-out
    # count below) was answered in January, so nothing of it lies forgotten in today's queue.
    assert set(summary.states) == {RequestState.CLOSED, RequestState.ARCHIVED}
    assert set(summary.outcomes) == set(Outcome.values)
    assert DisclosureRequest.objects.filter(closed_late=True).exists()
    assert DisclosureRequest.objects.filter(transferred_from__isnull=False).exists()
    assert DisclosureRequest.objects.filter(extensions__isnull=False).exists()
    assert DisclosureRequest.objects.exclude(applicant_type="natural_person").exists()
    # Through the services: every case has its tracking number and an audit entry naming the generator.
    assert not DisclosureRequest.objects.filter(tracking_number__isnull=True).exists()
    # (the transferred case's second half is opened by the transfer, 第三十六条第（五）项).
    assert AuditEntry.objects.filter(action__in=["requests.register", "requests.transfer.receive"]).count() == 44
    # Most cases at the 办公室 and the big departments.
    office = DisclosureRequest.objects.filter(agency__code="yc-bgs").count()
    assert office >= max(DisclosureRequest.objects.filter(agency__code=c).count()
                         for c in ("yc-hmc", "yc-tjj", "yc-sjj"))


def test_the_demo_year_statistics_pass_every_identity(demo_year):
    region, _ = demo_year
    ids = list(region.agency_ids.values())
    whole = {}
    for year in (YEAR - 1, YEAR, YEAR + 1):
        for fmt in ("2021", "2019"):
            assert_identities(table_three(ids, year, fmt), fmt)
            for agency_id in ids:
                assert_identities(table_three([agency_id], year, fmt), fmt)
        whole[year] = table_three(ids, year)
        t4 = table_four(ids, year)
        for block in ("review", "suit_direct", "suit_after_review"):
            assert t4[f"t4.{block}.total"] == sum(t4[f"t4.{block}.{c}"]
                                                  for c in ("upheld", "corrected", "other", "pending"))
    for k in COLUMNS:
        assert whole[YEAR]["t3.carried_in." + k] == whole[YEAR - 1]["t3.carried_out." + k]
        assert whole[YEAR + 1]["t3.carried_in." + k] == whole[YEAR]["t3.carried_out." + k]
    y = whole[YEAR]
    # Across both year ends; the still-待确认 fax of 29/30 December is not received.
    assert y["t3.carried_in.total"] == 2 and y["t3.carried_out.total"] >= 6
    assert y["t3.received_new.total"] == DisclosureRequest.objects.filter(received_on__year=YEAR).count()
    assert all(y[f"t3.{row}.total"] >= 1 for row in T3_LEAVES["2021"])


def test_the_demo_year_appeals(demo_year):
    region, _ = demo_year
    t4 = table_four(list(region.agency_ids.values()), YEAR)
    assert t4["t4.review.upheld"] >= 1 and t4["t4.review.corrected"] >= 1
    assert t4["t4.review.pending"] >= 1  # filed in November, decided in February YEAR+1
    assert t4["t4.suit_direct.upheld"] + t4["t4.suit_direct.other"] >= 2
    assert t4["t4.suit_after_review.total"] == 1
    assert table_four(list(region.agency_ids.values()), YEAR - 1)["t4.review.pending"] == 1
    assert Appeal.objects.filter(decided_on__year=YEAR + 1).exists()


def test_the_demo_year_must_be_past(region):
    with pytest.raises(ValueError, match="已经结束的年度"):
        build_requests([region["edu"].pk], TODAY.year, today=TODAY)


def test_the_year_in_progress_has_every_open_state_relative_to_today(demo_year):
    from disclosure_requests.deadlines import working_days_left

    made = build_current(demo_year[0], seed=7, today=TODAY)
    cases = DisclosureRequest.objects.filter(received_on__year=TODAY.year) | DisclosureRequest.objects.filter(
        state=RequestState.SUBMITTED, submitted_at__year=TODAY.year)
    assert {RequestState.SUBMITTED, RequestState.REGISTERED, RequestState.AWAITING_CORRECTION,
            RequestState.IN_PROGRESS, RequestState.AWAITING_REASON, RequestState.AWAITING_FEE,
            RequestState.CLOSED} <= set(made.states)
    open_cases = cases.filter(state__in=["registered", "awaiting_correction", "in_progress", "awaiting_reason",
                                         "awaiting_fee"], due_on__isnull=False)
    left = sorted(working_days_left(c.due_on, TODAY) for c in open_cases)
    assert left[0] < 0 and any(0 <= n <= 5 for n in left)  # one overdue (by a few days), one due soon
    assert left[0] >= -5  # overdue by working days, not by months
    assert cases.filter(correction_received_on__isnull=False, state=RequestState.IN_PROGRESS).exists()
    assert cases.filter(opinion_requests__result="pending", opinion_requests__reply_due_on__lt=TODAY).exists()
    assert cases.filter(opinion_requests__result="pending", opinion_requests__reply_due_on__gte=TODAY).exists()
    assert not DisclosureRequest.objects.filter(received_on__gt=TODAY).exists()
