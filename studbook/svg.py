"""Charts drawn as inline SVG: self-contained, no script, readable in print.

Each chart of :mod:`studbook.chart_data` becomes one ``<svg>`` element with a ``viewBox`` (it
scales to the page), a title, labelled axes with round ticks, light grid lines and a legend.
Series differ by dash pattern and by mark as well as by colour, so a black-and-white print
tells them apart. Every text (titles, labels, founder ids) is escaped.
"""

from __future__ import annotations

import math
from html import escape

from studbook.chart_data import BarChart, Chart, LineChart, PyramidChart

__all__ = ["chart_svg", "nice_ticks"]

_W, _H = 640, 300
_LEFT, _RIGHT, _TOP, _BOTTOM = 58, 16, 34, 46
_INK = ("#1f4e79", "#b03a2e", "#2e7d32", "#6a1b9a")
_DASH = ("", "6 3", "2 3", "8 3 2 3")
_FONT = 'font-family="Helvetica, Arial, sans-serif"'


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``[low, high]`` (steps of 1, 2 or 5 times a power of ten).

    >>> nice_ticks(0, 217)
    [0.0, 50.0, 100.0, 150.0, 200.0, 250.0]
    >>> nice_ticks(0.9, 0.93, 4)
    [0.9, 0.91, 0.92, 0.93]
    """
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        high = low + 1.0
    raw = (high - low) / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step + 1e-9) * step
    ticks = []
    value = first
    while value < high + step * 0.999:
        ticks.append(round(value, 12))
        value += step
    return ticks


def _text(x: float, y: float, text: str, *, anchor: str = "middle", size: int = 11,
          extra: str = "") -> str:  # fmt: skip
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f"{_FONT}{extra}>{escape(text)}</text>"
    )


def _frame(title: str, body: list[str]) -> str:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" role="img" '
        f'class="chart" aria-label="{escape(title, quote=True)}">'
        f"<title>{escape(title)}</title>"
        f'<rect width="{_W}" height="{_H}" fill="#fff"/>'
        + _text(_W / 2, 18, title, size=14, extra=' font-weight="bold"')
    )
    return head + "".join(body) + "</svg>"


def _axes(
    x_ticks: list[tuple[float, str]],
    y_ticks: list[tuple[float, str]],
    x_label: str,
    y_label: str,
) -> list[str]:
    """Grid, ticks and axis labels; tick positions are already in drawing coordinates."""
    x0, x1, y0, y1 = _LEFT, _W - _RIGHT, _H - _BOTTOM, _TOP
    out = []
    for y, label in y_ticks:
        out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(_text(x0 - 6, y + 4, label, anchor="end", size=10))
    for x, label in x_ticks:
        out.append(f'<line x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y0 + 4}" stroke="#333"/>')
        out.append(_text(x, y0 + 16, label, size=10))
    out.append(f'<path d="M{x0} {y1}V{y0}H{x1}" fill="none" stroke="#333"/>')
    out.append(_text((x0 + x1) / 2, _H - 8, x_label))
    out.append(
        _text(14, (y0 + y1) / 2, y_label, extra=f' transform="rotate(-90 14 {(y0 + y1) / 2:.1f})"')
    )
    return out


def _line_chart(chart: LineChart) -> str:
    points = [
        (x, y * chart.y_scale)
        for s in chart.series
        for x, y in zip(s.x, s.y, strict=True)
        if not math.isnan(y)
    ]
    if not points:
        return _frame(chart.title, [_text(_W / 2, _H / 2, "no data")])
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x_ticks = nice_ticks(min(xs), max(xs), 8)
    y_ticks = nice_ticks(min(ys), max(ys), 5)
    x_lo, x_hi = min(xs), max(xs)
    y_lo, y_hi = y_ticks[0], y_ticks[-1]
    span_x = (x_hi - x_lo) or 1.0
    span_y = (y_hi - y_lo) or 1.0

    def px(x: float) -> float:
        return _LEFT + (x - x_lo) / span_x * (_W - _LEFT - _RIGHT)

    def py(y: float) -> float:
        return _H - _BOTTOM - (y - y_lo) / span_y * (_H - _BOTTOM - _TOP)

    body = _axes(
        [(px(t), f"{t:g}") for t in x_ticks if x_lo <= t <= x_hi],
        [(py(t), format(t, chart.y_spec)) for t in y_ticks],
        chart.x_label,
        chart.y_label,
    )
    for k, s in enumerate(chart.series):
        ink = _INK[k % len(_INK)]
        dash = "6 3" if s.dashed else _DASH[k % len(_DASH)]
        runs: list[list[str]] = [[]]
        for x, y in zip(s.x, s.y, strict=True):
            if math.isnan(y):
                runs.append([])
            else:
                runs[-1].append(f"{px(x):.1f},{py(y * chart.y_scale):.1f}")
        style = f' stroke-dasharray="{dash}"' if dash else ""
        for run in runs:
            if run:
                body.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{ink}" '
                    f'stroke-width="2"{style}/>'
                )
        lx, ly = _LEFT + 12 + 150 * k, _TOP + 10
        body.append(
            f'<line x1="{lx}" y1="{ly}" x2="{lx + 22}" y2="{ly}" stroke="{ink}" '
            f'stroke-width="2"{style}/>'
        )
        body.append(_text(lx + 26, ly + 4, s.name, anchor="start", size=10))
    return _frame(chart.title, body)


def _pyramid(chart: PyramidChart) -> str:
    classes = len(chart.labels)
    most = max([*chart.males, *chart.females, 1])
    ticks = [t for t in nice_ticks(0, most, 4) if t > 0]
    top = ticks[-1] if ticks else float(most)
    mid = _W / 2
    half = (_W - _LEFT - _RIGHT) / 2 - 24
    row = (_H - _TOP - _BOTTOM) / max(classes, 1)
    body = [_text(mid - 30, _TOP - 2, "Males", anchor="end", size=11),
            _text(mid + 30, _TOP - 2, "Females", anchor="start", size=11)]  # fmt: skip
    for t in ticks:
        for sign in (-1, 1):
            x = mid + sign * (24 + t / top * half)
            body.append(
                f'<line x1="{x:.1f}" y1="{_TOP}" x2="{x:.1f}" y2="{_H - _BOTTOM}" stroke="#ddd"/>'
            )
            body.append(_text(x, _H - _BOTTOM + 14, f"{t:g}", size=10))
    for i, label in enumerate(chart.labels):
        y = _H - _BOTTOM - (i + 1) * row
        h = row * 0.8
        m, f = chart.males[i], chart.females[i]
        wm, wf = m / top * half, f / top * half
        body.append(
            f'<rect x="{mid - 24 - wm:.1f}" y="{y + row * 0.1:.1f}" width="{wm:.1f}" '
            f'height="{h:.1f}" fill="#9ecae1" stroke="#1f4e79"/>'
        )
        body.append(
            f'<rect x="{mid + 24:.1f}" y="{y + row * 0.1:.1f}" width="{wf:.1f}" '
            f'height="{h:.1f}" fill="#f4b6b0" stroke="#b03a2e" stroke-dasharray="3 2"/>'
        )
        body.append(_text(mid, y + row * 0.5 + 4, label, size=10))
    body.append(_text(mid, _H - 8, "Animals per age class (years)"))
    return _frame(chart.title, body)


def _bar_chart(chart: BarChart) -> str:
    n = len(chart.values)
    if n == 0:
        return _frame(chart.title, [_text(_W / 2, _H / 2, "no data")])
    highest = max([*chart.values, chart.reference or 0.0])
    y_ticks = nice_ticks(0.0, highest, 5)
    y_hi = y_ticks[-1] or 1.0
    width = (_W - _LEFT - _RIGHT) / n

    def py(y: float) -> float:
        return _H - _BOTTOM - y / y_hi * (_H - _BOTTOM - _TOP)

    body = _axes([], [(py(t), format(t, chart.y_spec)) for t in y_ticks], chart.x_label,
                 chart.y_label)  # fmt: skip
    for k, (label, value) in enumerate(zip(chart.labels, chart.values, strict=True)):
        x = _LEFT + k * width
        body.append(
            f'<rect x="{x + width * 0.15:.1f}" y="{py(value):.1f}" width="{width * 0.7:.1f}" '
            f'height="{py(0) - py(value):.1f}" fill="#9ecae1" stroke="#1f4e79"/>'
        )
        body.append(_text(x + width / 2, _H - _BOTTOM + 14, label, size=9))
    if chart.reference is not None:
        y = py(chart.reference)
        dash = 'stroke="#b03a2e" stroke-width="1.5" stroke-dasharray="6 3"'
        body.append(f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{_W - _RIGHT}" y2="{y:.1f}" {dash}/>')
        lx = _W - _RIGHT - 150
        body.append(f'<line x1="{lx}" y1="{_TOP - 4}" x2="{lx + 22}" y2="{_TOP - 4}" {dash}/>')
        body.append(_text(lx + 26, _TOP, chart.reference_label, anchor="start", size=10))
    return _frame(chart.title, body)


def chart_svg(chart: Chart) -> str:
    """The chart as one self-contained ``<svg>`` element (module docstring).

    >>> from studbook.chart_data import BarChart
    >>> svg = chart_svg(BarChart("<b>", "x", "y", ("a&b",), (0.5,)))
    >>> svg.startswith("<svg") and "&lt;b&gt;" in svg and "a&amp;b" in svg
    True
    """
    if isinstance(chart, LineChart):
        return _line_chart(chart)
    if isinstance(chart, PyramidChart):
        return _pyramid(chart)
    return _bar_chart(chart)
