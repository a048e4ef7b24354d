"""The report charts: a picture for readers who would rather look, its numbers in words for everyone else."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from reports.rendering.charts import chart_png, chart_svg
from reports.rendering.document import Chart, channels_chart, outcomes_chart, trend_chart

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str):
    return ET.fromstring(svg)  # noqa: S314 — our own output, not untrusted input


@pytest.fixture
def outcomes():
    return Chart("outcomes", "依申请公开办理结果（总计列）", "bar", ["予以公开", "部分公开", "无法提供"],
                 [("件数", [Decimal(12), Decimal(3), Decimal(5)])])


def test_description_states_every_number(outcomes):
    assert outcomes.description == "依申请公开办理结果（总计列）。予以公开12件，部分公开3件，无法提供5件。"


def test_svg_is_accessible_and_adds_no_words_to_a_text_layer(outcomes):
    svg = chart_svg(outcomes)
    root = _parse(svg)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "依申请公开办理结果（总计列）"
    assert root.get("aria-labelledby") == title.get("id")
    assert root.find(f"{SVG}desc").text == outcomes.description
    # Text is drawn as paths: a PDF made from the page has no chart words for the checkup to misread.
    assert not list(root.iter(f"{SVG}text"))
    assert root.get("viewBox") and root.get("width") is None  # scales with its container


def test_png_is_an_image_at_the_asked_resolution(outcomes):
    low, high = chart_png(outcomes, dpi=50), chart_png(outcomes, dpi=150)
    assert low[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(low[16:20], "big")
    assert width == 320  # 6.4 in × 50 dpi
    assert int.from_bytes(high[16:20], "big") == 960


def test_line_chart_with_several_series_and_decimals():
    chart = Chart("trend", "近五年主要数据", "line", ["2023年", "2024年"],
                  [("新收申请", [Decimal(3), Decimal(7)]), ("收费", [Decimal("1.5"), Decimal("0.25")])])
    assert "新收申请：2023年3件，2024年7件" in chart.description
    assert "收费：2023年1.5件，2024年0.25件" in chart.description
    _parse(chart_svg(chart))


def test_chart_data_from_cells():
    values = {"t3.granted.total": 4, "t3.partially_granted.total": 1, "t3.withheld_state_secret.total": 1,
              "t3.withheld_process_info.total": 2, "t3.other_misc.total": 3}
    chart = outcomes_chart("2021", values)
    assert dict(zip(chart.categories, chart.series[0][1], strict=True)) == {
        "予以公开": 4, "部分公开": 1, "不予公开": 3, "无法提供": 0, "不予处理": 0, "其他处理": 3}
    legacy = channels_chart("legacy", {"lg.proactive.via_website": 40, "lg.proactive.via_wechat": 7}, None)
    assert legacy.series[0][1] == [0, 40, 0, 7, 0]
    assert channels_chart("2021", {}, {"website": 9}).series[0][1] == [0, 9, 0, 0, 0]
    trend = trend_chart([(2023, "legacy", {"lg.request.received": 5}),
                         (2024, "2021", {"t3.received_new.total": 8, "t4.suit_direct.total": 1,
                                         "t4.suit_after_review.total": 2})])
    assert trend.categories == ["2023年", "2024年"]
    assert dict(trend.series)["新收申请"] == [5, 8]
    assert dict(trend.series)["行政诉讼"] == [0, 3]


def test_an_all_zero_chart_is_empty_and_still_draws():
    chart = Chart("channels", "主动公开政府信息的渠道", "bar", ["政府网站"], [("条数", [Decimal(0)])], unit="条")
    assert chart.is_empty
    _parse(chart_svg(chart))
