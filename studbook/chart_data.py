"""Charts as data: what a document draws, independent of the format that draws it.

A chart holds its series already computed (the document's gatherer fills them from the
demography, the age pyramid, the GD projection and the founder representation); the HTML plan
draws them as inline SVG (:mod:`studbook.svg`) and the Markdown plan writes them as a table
(:func:`chart_table`), so both show the same numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["BarChart", "Chart", "LineChart", "PyramidChart", "Series", "chart_table"]


@dataclass(frozen=True)
class Series:
    """One line of a line chart: ``y[i]`` at ``x[i]`` (NaN: no value there)."""

    name: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    dashed: bool = False


@dataclass(frozen=True)
class LineChart:
    """Lines over a numeric x axis (years as decimal years). ``y_scale`` multiplies the values
    for display (100 for percentages) and ``y_spec`` formats them."""

    title: str
    x_label: str
    y_label: str
    series: tuple[Series, ...]
    y_scale: float = 1.0
    y_spec: str = ".0f"
    note: str = ""


@dataclass(frozen=True)
class PyramidChart:
    """Counts by age class (youngest first): males to the left, females to the right."""

    title: str
    labels: tuple[str, ...]
    males: tuple[int, ...]
    females: tuple[int, ...]
    note: str = ""


@dataclass(frozen=True)
class BarChart:
    """One bar per label, with an optional reference line (e.g. equal representation)."""

    title: str
    x_label: str
    y_label: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    y_spec: str = ".3f"
    reference: float | None = None
    reference_label: str = ""
    note: str = ""


Chart = LineChart | PyramidChart | BarChart

_MOST_ROWS = 30


def _x_text(x: float) -> str:
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.2f}"


def chart_table(chart: Chart) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The chart's numbers as (headings, rows) of text, for formats that cannot draw.

    A line chart with more than 30 x values keeps every fifth whole year and each series' last
    point, so a 100-year projection stays readable.

    >>> c = LineChart("N", "Year", "Animals", (Series("Total", (2000.0, 2001.0), (5.0, 6.0)),))
    >>> chart_table(c)
    (('Year', 'Total'), [('2000', '5'), ('2001', '6')])
    """
    if isinstance(chart, PyramidChart):
        rows: list[tuple[str, ...]] = [
            (label, str(m), str(f))
            for label, m, f in zip(chart.labels, chart.males, chart.females, strict=True)
        ]
        return ("Age (years)", "Males", "Females"), rows[::-1]
    if isinstance(chart, BarChart):
        bars: list[tuple[str, ...]] = [
            (label, format(v, chart.y_spec))
            for label, v in zip(chart.labels, chart.values, strict=True)
        ]
        return (chart.x_label, chart.y_label), bars
    xs = sorted({x for s in chart.series for x in s.x})
    if len(xs) > _MOST_ROWS:
        last = {s.x[-1] for s in chart.series if s.x}
        xs = [x for x in xs if (float(x).is_integer() and int(x) % 5 == 0) or x in last]
    values = [dict(zip(s.x, s.y, strict=True)) for s in chart.series]

    def cell(v: float | None) -> str:
        if v is None or math.isnan(v):
            return ""
        return format(v * chart.y_scale, chart.y_spec)

    lines: list[tuple[str, ...]] = [(_x_text(x), *(cell(v.get(x)) for v in values)) for x in xs]
    return (chart.x_label, *(s.name for s in chart.series)), lines
