"""Charts drawn with matplotlib: inline SVG for HTML, PNG for the PDF.

Uses the object API (``Figure``), never pyplot: no global state, no display needed.
Output is deterministic (fixed hash salt, no date metadata) so a re-run gives the same file.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import matplotlib

matplotlib.use("Agg", force=False)

from matplotlib import rc_context  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from immex.reports.i18n import t  # noqa: E402
from immex.reports.model import Chart  # noqa: E402

BAR = "#2f6f9f"
WARN = "#c0392b"
# Any: the Literal type matplotlib gives rc keys differs between versions
_RC: Any = {"svg.hashsalt": "immex", "svg.fonttype": "none", "font.size": 9}
#: the SVG's RDF metadata, every entry dropped (matplotlib writes its name and web address as
#: the creator, a URL inside an auditor's report)
SVG_METADATA: Any = {"Date": None, "Creator": None, "Format": None, "Type": None}


def _money_axis(lang: str) -> FuncFormatter:
    """An amount axis in the language's abbreviations (Spanish: "200 mil", "1.5 M")."""
    thousand, million = t("chart.thousand", lang), t("chart.million", lang)

    def tick(value: float, _pos: int) -> str:
        if abs(value) >= 1_000_000:
            return f"{value / 1_000_000:,.1f} {million}"
        if abs(value) >= 1_000:
            return f"{value / 1_000:,.0f} {thousand}"
        return f"{value:,.0f}"

    return FuncFormatter(tick)


def _empty_text(chart: Chart, lang: str) -> str:
    if not chart.values:
        return t("chart.empty", lang)
    return t("chart.all_zero_list", lang, labels="; ".join(chart.labels))


def chart_caption(chart: Chart, lang: str) -> str:
    """A chart with nothing to draw, in one line: its title and why it is empty."""
    return f"{t(chart.title, lang)}: {_empty_text(chart, lang)}"


def _figure(chart: Chart, lang: str) -> Figure:
    n = max(len(chart.labels), 1)
    if chart.horizontal:
        fig = Figure(figsize=(7.0, max(2.2, 0.32 * n + 1.0)), dpi=100)
    else:
        fig = Figure(figsize=(7.0, 3.2), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    # floats only here, for drawing: the figures shown in tables stay Decimal
    values = [float(v) for v in chart.values]
    colors = [WARN if i in chart.highlight else BAR for i in range(len(values))]
    if not values or not any(values):
        text = _empty_text(chart, lang)
        ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, wrap=True)
        ax.set_xticks([])
        ax.set_yticks([])
    elif chart.horizontal:
        pos = list(range(len(values)))[::-1]
        ax.barh(pos, values, color=colors)
        ax.set_yticks(pos, list(chart.labels))
        ax.xaxis.set_major_formatter(_money_axis(lang))
    else:
        pos = list(range(len(values)))
        ax.bar(pos, values, color=colors)
        ax.set_xticks(
            pos, list(chart.labels), rotation=45 if n > 6 else 0, ha="right" if n > 6 else "center"
        )
        ax.yaxis.set_major_formatter(_money_axis(lang))
    ax.set_title(t(chart.title, lang), fontsize=10, loc="left")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


def chart_svg(chart: Chart, lang: str = "es") -> str:
    """The chart as an ``<svg>`` element (no XML prolog), ready to inline in HTML."""
    with rc_context(_RC):
        fig = _figure(chart, lang)
        buf = io.StringIO()
        # no metadata block: no date (a re-run gives the same file), no creator nor its URL
        fig.savefig(buf, format="svg", metadata=SVG_METADATA)
    text = buf.getvalue()
    start = text.find("<svg")
    svg = text[start:]
    label = t(chart.title, lang).replace('"', "'")
    return svg.replace(
        "<svg ", f'<svg role="img" aria-label="{label}" data-chart="{chart.key}" ', 1
    )


def chart_png(chart: Chart, lang: str = "es", dpi: int = 150) -> bytes:
    with rc_context(_RC):
        fig = _figure(chart, lang)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def total(values: tuple[Decimal, ...]) -> Decimal:
    return sum(values, Decimal(0))
