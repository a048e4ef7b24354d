"""Properties of the working-day arithmetic over the real 2004–2026 data and unconfirmed years after it."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from workdays import calendar
from workdays.calendar import Pause, add_working_days, count_working_days

pytestmark = pytest.mark.django_db

starts = st.dates(min_value=date(2003, 6, 1), max_value=date(2029, 12, 31))
lengths = st.integers(min_value=1, max_value=60)


@st.composite
def pauses(draw):
    result = []
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        start = draw(starts)
        result.append(Pause(start, start + timedelta(days=draw(st.integers(0, 40))), "暂停"))
    return result


@settings(max_examples=150, deadline=None)
@given(start=starts, n=lengths, count_start_day=st.booleans())
def test_due_date_is_a_working_day_and_counts_back_to_n(start, n, count_start_day):
    snap = calendar.current_snapshot()
    due = add_working_days(start, n, count_start_day=count_start_day, snapshot=snap)
    assert snap.is_working_day(due.day)
    assert due.day > start or (count_start_day and due.day == start)
    assert count_working_days(start, due.day, include_start=count_start_day, snapshot=snap) == n
    assert due.confirmed == (not due.unconfirmed_years)
    assert all(y >= 2027 or y < 2004 for y in due.unconfirmed_years)


@settings(max_examples=100, deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=59))
def test_monotonic_in_n(start, n):
    snap = calendar.current_snapshot()
    shorter = add_working_days(start, n, count_start_day=False, snapshot=snap).day
    longer = add_working_days(start, n + 1, count_start_day=False, snapshot=snap).day
    assert longer > shorter


@settings(max_examples=150, deadline=None)
@given(start=starts, n=lengths, ps=pauses(), count_start=st.booleans(), count_end=st.booleans())
def test_pauses_never_make_the_due_date_earlier(start, n, ps, count_start, count_end):
    with override_settings(GONGKAI_PAUSE_COUNT_START_DAY=count_start, GONGKAI_PAUSE_COUNT_END_DAY=count_end):
        snap = calendar.current_snapshot()
        plain = add_working_days(start, n, count_start_day=False, snapshot=snap)
        paused = add_working_days(start, n, ps, count_start_day=False, snapshot=snap)
        assert paused.day >= plain.day
        assert snap.is_working_day(paused.day)
        assert not any(p.covers(paused.day) for p in ps)
        assert count_working_days(start, paused.day, ps, snapshot=snap) == n


@settings(max_examples=60, deadline=None)
@given(lo=starts, span=st.integers(min_value=0, max_value=3000))
def test_count_is_additive(lo, span):
    snap = calendar.current_snapshot()
    hi = lo + timedelta(days=span)
    mid = lo + (hi - lo) / 2
    total = count_working_days(lo, hi, snapshot=snap)
    assert total == count_working_days(lo, mid, snapshot=snap) + count_working_days(mid, hi, snapshot=snap)
