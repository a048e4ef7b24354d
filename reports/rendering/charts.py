"""Charts of the annual report and the checkup (reports.rendering.document.Chart) drawn with matplotlib:
SVG for HTML and PDF, PNG for DOCX. The XLSX export draws native Excel charts from the same data.

matplotlib's object API (Figure + Agg canvas) is used, never pyplot: pyplot keeps global state and is not
safe in a threaded web server. Text in the SVG is converted to paths, so a chart adds no words to a PDF's
text layer (the checkup reads that layer) and needs no CJK font on the reader's machine; the words and
numbers are in the chart's <title>/<desc> and in the caption every renderer prints beside it."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from functools import lru_cache
from html import escape

from .document import Chart

# Debian's fonts-noto-cjk stands in for the fonts of a government PC; the others are tried first when a
# deployment has them. DejaVu Sans keeps digits legible if no CJK font is present at all.
FONT_FAMILIES = ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "SimHei", "WenQuanYi Zen Hei",
                 "DejaVu Sans"]
# Colours with at least 3:1 contrast against white (WCAG 1.4.11 for graphical objects).
PALETTE = ["#1f5fa8", "#b5452b", "#2e7d32", "#6a3d9a", "#8c6d1f", "#37474f"]
SIZE_INCHES = (6.4, 3.4)


@lru_cache(maxsize=1)
def _font_family() -> list[str]:
    # lazy: matplotlib (~40 MB, ~1.5 s to import) only when a chart is drawn
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return [name for name in FONT_FAMILIES if name in installed] or ["DejaVu Sans"]


def _number(value) -> float:
    return float(Decimal(value or 0))


def _label(value) -> str:
    value = Decimal(value or 0)
    return str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")


def _figure(chart: Chart):
    # lazy: matplotlib (~40 MB, ~1.5 s to import) only when a chart is drawn
    from matplotlib.figure import Figure

    fig = Figure(figsize=SIZE_INCHES, layout="constrained")
    ax = fig.add_subplot()
    font = {"family": _font_family()}
    if chart.kind == "line":
        for i, (name, values) in enumerate(chart.series):
            ys = [_number(v) for v in values]
            ax.plot(chart.categories, ys, marker="o", color=PALETTE[i % len(PALETTE)], label=name, linewidth=2)
            for x, y, v in zip(chart.categories, ys, values, strict=False):
                ax.annotate(_label(v), (x, y), textcoords="offset points", xytext=(0, 5), ha="center",
                            fontsize=8, fontfamily=font["family"])
        if len(chart.series) > 1:
            ax.legend(prop={"family": font["family"], "size": 9}, frameon=False)
    else:
        count = len(chart.series)
        width = 0.8 / max(count, 1)
        for i, (name, values) in enumerate(chart.series):
            xs = [j + (i - (count - 1) / 2) * width for j in range(len(chart.categories))]
            bars = ax.bar(xs, [_number(v) for v in values], width=width, color=PALETTE[i % len(PALETTE)],
                          label=name)
            ax.bar_label(bars, labels=[_label(v) for v in values], fontsize=8, fontfamily=font["family"],
                         padding=2)
        ax.set_xticks(range(len(chart.categories)), chart.categories)
        if count > 1:
            ax.legend(prop={"family": font["family"], "size": 9}, frameon=False)
    ax.set_title(chart.title, fontfamily=font["family"], fontsize=11)
    ax.set_ylabel(chart.unit, fontfamily=font["family"], fontsize=9, rotation=0, labelpad=12)
    for tick in ax.get_xticklabels():
        tick.set_fontfamily(font["family"])
        tick.set_fontsize(9)
    values = [Decimal(v or 0) for _, series in chart.series for v in series]
    if all(v == v.to_integral_value() for v in values):
        # lazy: matplotlib (~40 MB, ~1.5 s to import) only when a chart is drawn
        from matplotlib.ticker import MaxNLocator

        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # no "2.5 件"
    ax.margins(y=0.15)
    ax.set_ylim(bottom=0)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def chart_png(chart: Chart, dpi: int = 200) -> bytes:
    # lazy: matplotlib (~40 MB, ~1.5 s to import) only when a chart is drawn
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = _figure(chart)
    buffer = io.BytesIO()
    fig.set_dpi(dpi)
    FigureCanvasAgg(fig).print_png(buffer, metadata={"Software": None})
    return buffer.getvalue()


_SVG_HEAD = re.compile(r"^.*?(<svg\b)", re.S)


def chart_svg(chart: Chart) -> str:
    """An inline <svg> (no XML prolog) with role="img", <title> and <desc>, scaled by CSS to its container."""
    # lazy: matplotlib (~40 MB, ~1.5 s to import) only when a chart is drawn
    from matplotlib import rc_context
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    fig = _figure(chart)
    buffer = io.StringIO()
    with rc_context({"svg.fonttype": "path", "svg.hashsalt": f"gongkai-{chart.id}"}):
        FigureCanvasSVG(fig).print_svg(buffer, metadata={"Date": None, "Creator": None})
    svg = _SVG_HEAD.sub(r"\1", buffer.getvalue(), count=1)
    title_id = f"chart-{escape(chart.id)}-title"
    svg = re.sub(r'<svg\b([^>]*?)\swidth="[^"]*"\s+height="[^"]*"', r"<svg\1", svg, count=1)
    svg = svg.replace("<svg", f'<svg role="img" aria-labelledby="{title_id}" class="gk-chart"', 1)
    head_end = svg.index(">") + 1
    return (svg[:head_end] + f'<title id="{title_id}">{escape(chart.title)}</title>'
            f"<desc>{escape(chart.description)}</desc>" + svg[head_end:])

