"""信息处理费: 条例 第四十二条 and 国办函〔2020〕109号 第四条 (按件) / 第五条 (按量), with worked examples (docs/law/requests.md §11)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disclosure_requests.fees import per_item_fee, per_item_rate, per_page_fee


@pytest.mark.parametrize(("ordinal", "rate"), [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (35, 200),
                                               (40, 200), (41, 300), (50, 300), (51, 400)])
def test_per_item_bands_article_4(ordinal, rate):
    assert per_item_rate(ordinal) == Decimal(rate)


def test_thirty_five_applications_in_a_month_cost_3000_yuan_article_4():
    # docs/law/requests.md §11: 20 × 100 + 5 × 200 = 3,000 元.
    assert sum(per_item_rate(n) for n in range(1, 36)) == Decimal("3000")


@pytest.mark.parametrize(("pages", "amount"), [(0, "0"), (30, "0"), (31, "10"), (100, "700"), (150, "1700"),
                                               (200, "2700"), (250, "4700")])
def test_per_page_tiers_article_5(pages, amount):
    assert per_page_fee(pages).amount == Decimal(amount)


def test_the_computation_is_explained():
    text = per_page_fee(150).explanation
    assert "第 31—100 页 70 页 × 10 元 = 700 元" in text and "第 101—150 页 50 页 × 20 元 = 1000 元" in text
    assert "1700" in text
    assert "不收费" in per_item_fee(3).explanation


def test_the_31_plus_band_is_a_setting(settings):
    settings.GONGKAI_FEE_PER_ITEM_STEP = (10, "0")  # the alternative (UNVERIFIED) reading: flat 100 after 30
    assert per_item_rate(45) == Decimal("100")


@given(st.integers(min_value=0, max_value=100_000))
def test_per_page_fee_is_monotonic_and_exact(pages):
    assert per_page_fee(pages).amount <= per_page_fee(pages + 1).amount
    assert per_page_fee(pages).amount == per_page_fee(pages).amount.quantize(Decimal("1"))
