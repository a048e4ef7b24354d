"""demo.letters / demo.consultations at the scale typical published reports show, through the services."""

from datetime import date

import pytest

from consultations.models import Consultation, ConsultationState
from demo.consultations import build_consultations
from demo.letters import build_letters
from mailboxes import statistics
from mailboxes.models import Letter

pytestmark = pytest.mark.django_db


def test_a_county_year_of_letters(region, make_staff):
    """As in 《湘西州2017年政府信息公开工作年度报告》: 州长信箱 237 = 有效 197 + 无效 40 (~17 % invalid); a
    county: ~200 letters a year. Publication needs a second person (a 公开办 member approves it)."""
    make_staff("gkb-head", ("office_head", region["county"]))
    summary = build_letters(region, 2023, seed=7, n=120, today=date(2024, 6, 30))
    assert summary.letters == 120
    total, _months = statistics.yearly(Letter.objects.all(), 2023, date(2024, 6, 30))
    assert total.received == total.valid + total.invalid + total.unscreened == 120
    assert 0.07 <= total.invalid / total.received <= 0.25
    assert total.answered_on_time < total.answered <= total.valid
    assert total.published > 0 and total.assigned > 0 and total.open_beyond_3_months > 0
    assert not Letter.objects.filter(is_valid=False, invalid_reason="").exists()


def test_a_county_year_of_consultations(region):
    """As typical published reports show (盐池县's 意见征求 in 2018); consultation periods met or shortened
    with a reason (docs/law/consultations.md §1); 回应关切 records (§3)."""
    summary = build_consultations(region, 2023, seed=3, today=date(2024, 6, 30))
    assert summary.consultations == 6 and summary.closed == 6 and summary.concerns == 6
    shortened = Consultation.objects.exclude(shortening_reason="")
    assert shortened.count() == 1
    assert all(hasattr(c, "feedback") for c in Consultation.objects.filter(state=ConsultationState.CLOSED))
