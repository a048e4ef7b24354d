"""信息处理费 (条例 第四十二条; 国办函〔2020〕109号 第三至五条): 按件 or 按量, never both, 超额累进.

The tiers are settings because the 31+ per-item band is our reading (INFERRED) of the 办法."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

CENTS = Decimal("0.01")


@dataclass(frozen=True)
class FeeComputation:
    amount: Decimal  # 元, exact, two decimal places
    explanation: str

    def __post_init__(self):
        object.__setattr__(self, "amount", self.amount.quantize(CENTS))


def per_item_rate(ordinal: int) -> Decimal:
    """元 for the applicant's `ordinal`-th application in a natural month (第四条)."""
    if ordinal < 1:
        raise ValueError("序号从 1 开始")
    free = settings.GONGKAI_FEE_PER_ITEM_FREE
    band_end, band_rate = settings.GONGKAI_FEE_PER_ITEM_FIRST_BAND
    step_size, step_rate = settings.GONGKAI_FEE_PER_ITEM_STEP
    if ordinal <= free:
        return Decimal("0")
    if ordinal <= band_end:
        return Decimal(band_rate)
    steps = -(-(ordinal - band_end) // step_size)  # ceil
    return Decimal(band_rate) + Decimal(step_rate) * steps


def per_item_fee(ordinal: int) -> FeeComputation:
    rate = per_item_rate(ordinal)
    if rate == 0:
        text = f"本自然月第 {ordinal} 件申请，在 {settings.GONGKAI_FEE_PER_ITEM_FREE} 件以内，不收费。"
    else:
        text = f"按件计收：本自然月第 {ordinal} 件申请，适用 {rate} 元/件，计 {rate} 元。"
    return FeeComputation(rate, text)


def per_page_fee(pages: int) -> FeeComputation:
    """第五条: 30 pages free, 31–100 at 10, 101–200 at 20, over 200 at 40 元 per page."""
    if pages < 0:
        raise ValueError("页数不能为负")
    total = Decimal("0")
    parts = []
    lower = 0
    for upper, rate in settings.GONGKAI_FEE_PER_PAGE_TIERS:
        top = pages if upper is None else min(pages, upper)
        count = max(0, top - lower)
        if count:
            amount = Decimal(rate) * count
            total += amount
            if amount:
                parts.append(f"第 {lower + 1}—{top} 页 {count} 页 × {rate} 元 = {amount} 元")
        if upper is None or pages <= upper:
            break
        lower = upper
    if not parts:
        return FeeComputation(Decimal("0"), f"按量计收：共 {pages} 页，未超过免费页数，不收费。")
    return FeeComputation(total, f"按量计收：共 {pages} 页；" + "；".join(parts) + f"；合计 {total} 元。")
