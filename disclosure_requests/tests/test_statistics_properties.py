"""Properties of 表三 and 表四 over random case histories (hypothesis): the identities of
docs/law/annual-report.md §3.2–§3.3 hold for every year and every agency, and every cell equals a plain-Python
count over the generated cases (an oracle independent of the SQL).

Cases are written through the ORM in final states the services can produce: 待确认 without a receipt date;
open states with one; closed or archived with an outcome and a closing date on or after receipt, except a
withdrawal, whose date withdraw() does not check (so it may precede receipt)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appeals.models import Appeal, AppealKind, AppealResult
from appeals.statistics import legacy_appeal_counters, table_four
from disclosure_requests.models import (
    OPEN_STATES,
    Applicant,
    ApplicantType,
    DisclosureRequest,
    Outcome,
    RequestState,
    SubmissionChannel,
)
from disclosure_requests.statistics import (
    APPLICANT_COLUMNS,
    COLUMNS,
    T3_LEAVES,
    T3_ROWS,
    legacy_request_counters,
    table_three,
)
from orgs.models import Agency

pytestmark = pytest.mark.django_db
YEARS = range(2023, 2027)  # the generated dates span 2023–2025; 2026 sees what is carried out of 2025
AGENCIES = ("edu", "health", "town")
CONFIRMED_CHANNELS = [c for c in SubmissionChannel if c.needs_confirmation]
HYPOTHESIS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                             HealthCheck.too_slow])

# Dates near the year ends are where the rules can go wrong: weight them.
EDGES = [date(2023, 12, 31), date(2024, 1, 1), date(2024, 12, 30), date(2024, 12, 31), date(2025, 1, 1),
         date(2025, 12, 31)]
some_day = st.one_of(st.sampled_from(EDGES), st.dates(date(2023, 1, 1), date(2025, 12, 31)))


@dataclass
class CaseSpec:
    agency: str
    applicant_type: str
    channel: str
    state: str
    received_on: date | None
    closed_on: date | None
    outcome: str


@st.composite
def case_specs(draw):
    agency = draw(st.sampled_from(AGENCIES))
    applicant_type = draw(st.sampled_from(ApplicantType.values))
    channel = draw(st.sampled_from(SubmissionChannel.values))
    kind = draw(st.sampled_from(["submitted", "open", "closed", "closed"]))
    if kind == "submitted":
        channel = draw(st.sampled_from(CONFIRMED_CHANNELS)).value
        return CaseSpec(agency, applicant_type, channel, RequestState.SUBMITTED, None, None, "")
    received = draw(some_day)
    if kind == "open":
        state = draw(st.sampled_from(OPEN_STATES)).value
        return CaseSpec(agency, applicant_type, channel, state, received, None, "")
    # Withdrawals are drawn often: withdraw() does not check its date against the receipt date.
    outcome = draw(st.one_of(st.just(Outcome.OTHER_MISC.value), st.sampled_from(Outcome.values)))
    if outcome == Outcome.OTHER_MISC:
        delta = draw(st.one_of(st.integers(-5, -1), st.integers(0, 90)))
    else:
        delta = draw(st.one_of(st.integers(0, 40), st.integers(0, 400)))
    state = draw(st.sampled_from([RequestState.CLOSED, RequestState.CLOSED, RequestState.ARCHIVED])).value
    return CaseSpec(agency, applicant_type, channel, state, received, received + timedelta(days=delta), outcome)


@dataclass
class AppealSpec:
    agency: str
    kind: str
    filed_on: date
    result: str
    decided_on: date | None


@st.composite
def appeal_specs(draw):
    filed = draw(some_day)
    result = draw(st.sampled_from(AppealResult.values))
    decided = None if result == AppealResult.PENDING else filed + timedelta(days=draw(st.integers(0, 400)))
    return AppealSpec(draw(st.sampled_from(AGENCIES)), draw(st.sampled_from(AppealKind.values)), filed, result,
                      decided)


@pytest.fixture
def applicant(db):
    return Applicant.objects.create(applicant_type="natural_person", name="测试", id_type="resident_id",
                                    id_number="11010519491231002X", id_key="k", phone="13900000000")


def write_cases(specs, region, applicant):
    now = timezone.now()
    DisclosureRequest.objects.bulk_create([
        DisclosureRequest(agency=region[s.agency], applicant=applicant, applicant_type=s.applicant_type,
                          channel=s.channel, state=s.state, description="测试", lookup_code="TEST",
                          submitted_at=now, received_on=s.received_on, clock_start_on=s.received_on,
                          closed_on=s.closed_on, outcome=s.outcome)
        for s in specs])


def expected_table_three(specs, agencies, year, report_format):
    """The oracle: §5.3 read case by case."""
    end, prev_end = date(year, 12, 31), date(year - 1, 12, 31)
    cells = Counter()
    for s in specs:
        if s.agency not in agencies or s.received_on is None:
            continue
        closed = max(s.closed_on, s.received_on) if s.closed_on else None
        column = s.applicant_type
        if s.received_on.year == year:
            cells[f"t3.received_new.{column}"] += 1
        for row, day in (("carried_in", prev_end), ("carried_out", end)):
            if s.received_on <= day and not (closed and closed <= day):
                cells[f"t3.{row}.{column}"] += 1
        if closed and closed.year == year:
            row = "other" if report_format == "2019" and s.outcome.startswith("other_") else s.outcome
            cells[f"t3.{row}.{column}"] += 1
            cells[f"t3.closed_total.{column}"] += 1
    for key in list(cells):
        cells[key.rsplit(".", 1)[0] + ".total"] += cells[key]
    return {k: v for k, v in cells.items() if v}


def assert_identities(cells, report_format):
    rows = T3_ROWS[report_format]
    assert len(cells) == len(rows) * 7 and all(isinstance(v, int) and v >= 0 for v in cells.values())
    assert len(T3_LEAVES[report_format]) == {"2021": 21, "2019": 19}[report_format]
    for row in rows:  # T3-E01
        assert cells[f"t3.{row}.total"] == sum(cells[f"t3.{row}.{k}"] for k in APPLICANT_COLUMNS)
    for k in COLUMNS:
        assert cells[f"t3.closed_total.{k}"] == sum(cells[f"t3.{r}.{k}"] for r in T3_LEAVES[report_format])  # E02
        assert (cells[f"t3.received_new.{k}"] + cells[f"t3.carried_in.{k}"]
                == cells[f"t3.closed_total.{k}"] + cells[f"t3.carried_out.{k}"])  # T3-E03


@HYPOTHESIS
@given(specs=st.lists(case_specs(), max_size=25))
def test_table_three_identities_and_oracle_for_every_year_and_agency(region, applicant, specs):
    with transaction.atomic():
        write_cases(specs, region, applicant)
        scopes = {name: ([region[name].pk], (name,)) for name in AGENCIES}
        scopes["subtree"] = (Agency.objects.subtree_of(region["county"]).values_list("pk", flat=True), AGENCIES)
        for ids, names in scopes.values():
            previous = {}
            for year in YEARS:
                for fmt in ("2021", "2019"):
                    cells = table_three(ids, year, report_format=fmt)
                    assert_identities(cells, fmt)
                    assert {k: v for k, v in cells.items() if v} == expected_table_three(specs, names, year, fmt)
                    if fmt == "2021":
                        f2019 = table_three(ids, year, report_format="2019")
                        for k in COLUMNS:
                            assert f2019[f"t3.other.{k}"] == sum(
                                cells[f"t3.{r}.{k}"] for r in ("other_no_correction", "other_fee_unpaid", "other_misc"))
                        for k in COLUMNS:  # T3-W01, the carry-over chain
                            if previous:
                                assert cells[f"t3.carried_in.{k}"] == previous[f"t3.carried_out.{k}"]
                        previous = cells
        # Optional property: a subtree's table is the sum of its agencies' tables.
        for year in YEARS:
            parts = [table_three([a.pk], year) for a in Agency.objects.subtree_of(region["county"])]
            whole = table_three(scopes["subtree"][0], year)
            assert whole == {k: sum(p[k] for p in parts) for k in whole}
        transaction.set_rollback(True)


def expected_table_four(specs, agencies, year, rule):
    start, end = date(year, 1, 1), date(year, 12, 31)
    cells = Counter()
    for a in specs:
        if a.agency not in agencies:
            continue
        in_scope = start <= a.filed_on <= end if rule == "filed" else (
            a.filed_on <= end and (a.decided_on is None or a.decided_on >= start))
        if not in_scope:
            continue
        column = a.result if a.decided_on is not None and a.decided_on <= end else "pending"
        cells[f"t4.{a.kind}.{column}"] += 1
        cells[f"t4.{a.kind}.total"] += 1
    return dict(cells)


@HYPOTHESIS
@given(specs=st.lists(appeal_specs(), max_size=20), rule=st.sampled_from(["filed", "filed_or_pending"]))
def test_table_four_block_totals_and_oracle(region, specs, rule):
    with transaction.atomic(), override_settings(GONGKAI_REPORT_APPEAL_YEAR_RULE=rule):
        Appeal.objects.bulk_create([Appeal(agency=region[a.agency], kind=a.kind, subject="不服答复", body="复议机关",
                                           filed_on=a.filed_on, result=a.result, decided_on=a.decided_on)
                                    for a in specs])
        for name in AGENCIES:
            for year in YEARS:
                cells = table_four([region[name].pk], year)
                assert len(cells) == 15 and all(v >= 0 for v in cells.values())
                for block in AppealKind.values:  # T4-E01
                    assert cells[f"t4.{block}.total"] == sum(
                        cells[f"t4.{block}.{c}"] for c in ("upheld", "corrected", "other", "pending"))
                assert {k: v for k, v in cells.items() if v} == expected_table_four(specs, (name,), year, rule)
        transaction.set_rollback(True)


@HYPOTHESIS
@given(specs=st.lists(case_specs(), max_size=20), appeals=st.lists(appeal_specs(), max_size=8))
def test_legacy_counters_identities(region, applicant, specs, appeals):
    """LG-E01 (channels), LG-E02 (on time + extended), LG-E05/E06 (复议/诉讼) for every year."""
    with transaction.atomic():
        write_cases(specs, region, applicant)
        Appeal.objects.bulk_create([Appeal(agency=region[a.agency], kind=a.kind, subject="不服答复", body="复议机关",
                                           filed_on=a.filed_on, result=a.result, decided_on=a.decided_on)
                                    for a in appeals])
        ids = Agency.objects.subtree_of(region["county"]).values_list("pk", flat=True)
        for year in YEARS:
            c = {**legacy_request_counters(ids, year), **legacy_appeal_counters(ids, year)}
            t3 = table_three(ids, year)
            assert all(v >= 0 for v in c.values())
            assert c["lg.request.received"] == sum(c[f"lg.request.{k}"] for k in ("in_person", "fax", "online", "letter"))
            assert c["lg.request.closed"] == c["lg.request.closed_on_time"] + c["lg.request.closed_extended"]
            # The same year rules as 表三.
            assert c["lg.request.received"] == t3["t3.received_new.total"]
            assert c["lg.request.closed"] == t3["t3.closed_total.total"]
            for block in ("review", "suit"):
                assert c[f"lg.{block}.total"] == sum(c[f"lg.{block}.{k}"] for k in ("upheld", "corrected", "other"))
        transaction.set_rollback(True)
