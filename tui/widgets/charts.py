"""Terminal charts: horizontal bars, an age-sex pyramid and a line over time.

Each widget only draws the numbers it is handed (``set_data``), written with the formatter it
is handed (``value_format``, e.g. :meth:`studbook.present.Quantity.text`); binning, series and
formatting of the figures live in ``studbook/``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from textual.content import Content
from textual.widget import Widget

__all__ = ["BarChart", "LineChart", "Pyramid", "horizontal_bar"]

_EIGHTHS = " ▏▎▍▌▋▊▉█"
_LEFT_EIGHTHS = " ▕▕▐▐▐▐██"  # right-aligned partial blocks are not in Unicode: round coarsely
_VERTICAL = " ▁▂▃▄▅▆▇█"


def horizontal_bar(value: float, maximum: float, width: int) -> str:
    """A bar of ``width`` cells filled in proportion ``value / maximum`` (eighth-cell steps)."""
    if width <= 0 or maximum <= 0 or not math.isfinite(value) or value <= 0:
        return ""
    eighths = round(min(value / maximum, 1.0) * width * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def _left_bar(value: float, maximum: float, width: int) -> str:
    """A bar growing leftwards from the right edge of ``width`` cells."""
    if width <= 0 or maximum <= 0 or value <= 0:
        return " " * max(width, 0)
    eighths = round(min(value / maximum, 1.0) * width * 8)
    full, part = divmod(eighths, 8)
    bar = (_LEFT_EIGHTHS[part] if part else "") + "█" * full
    return bar.rjust(width)


class BarChart(Widget):
    """Labelled horizontal bars, one per row, scaled to the largest value (or ``maximum``)."""

    DEFAULT_CSS = """
    BarChart { height: auto; min-height: 1; }
    """

    def __init__(
        self,
        *,
        value_format: Callable[[float], str] = "{:.3f}".format,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.value_format = value_format
        self.labels: tuple[str, ...] = ()
        self.values: tuple[float, ...] = ()
        self.maximum: float | None = None
        self.empty_text = "no data"

    def set_data(
        self,
        labels: Sequence[str],
        values: Sequence[float],
        *,
        maximum: float | None = None,
        empty_text: str = "no data",
    ) -> None:
        """Draw ``values`` labelled by ``labels`` (same length)."""
        if len(labels) != len(values):
            raise ValueError(f"{len(labels)} labels for {len(values)} values")
        self.labels = tuple(labels)
        self.values = tuple(float(v) for v in values)
        self.maximum = maximum
        self.empty_text = empty_text
        self.refresh(layout=True)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return max(len(self.values), 1)

    def render_lines_text(self, width: int) -> list[Content]:
        """The chart as one line of content per row for a given width."""
        if not self.values:
            return [Content.styled(self.empty_text, "dim italic")]
        label_w = max(len(label) for label in self.labels)
        shown = [self.value_format(v) for v in self.values]
        value_w = max(len(s) for s in shown)
        bar_w = max(width - label_w - value_w - 3, 1)
        top = self.maximum if self.maximum is not None else max(max(self.values), 0.0)
        rows = []
        for label, value, text in zip(self.labels, self.values, shown, strict=True):
            rows.append(
                Content.assemble(
                    (label.rjust(label_w) + " ", "bold"),
                    (horizontal_bar(value, top, bar_w).ljust(bar_w), "$accent"),
                    " " + text.rjust(value_w),
                )
            )
        return rows

    def render(self) -> Content:
        return Content("\n").join(self.render_lines_text(self.content_size.width or 60))


class Pyramid(Widget):
    """An age-sex pyramid: males to the left, females to the right, youngest at the bottom."""

    DEFAULT_CSS = """
    Pyramid { height: auto; min-height: 1; }
    """

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.labels: tuple[str, ...] = ()
        self.males: tuple[int, ...] = ()
        self.females: tuple[int, ...] = ()

    def set_data(self, labels: Sequence[str], males: Sequence[int], females: Sequence[int]) -> None:
        """Draw one row per age class, ``labels[i]`` with ``males[i]`` and ``females[i]``."""
        if not len(labels) == len(males) == len(females):
            raise ValueError("labels, males and females must have the same length")
        self.labels = tuple(labels)
        self.males = tuple(int(m) for m in males)
        self.females = tuple(int(f) for f in females)
        self.refresh(layout=True)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return len(self.labels) + 1 if self.labels else 1

    def render_lines_text(self, width: int) -> list[Content]:
        """The pyramid as one line of content per row, oldest class first."""
        if not self.labels:
            return [Content.styled("no living animals", "dim italic")]
        label_w = max(len(s) for s in self.labels)
        count_w = max(len(str(v)) for v in (*self.males, *self.females))
        side = max((width - label_w - 2 * count_w - 4) // 2, 1)
        top = max(max(self.males), max(self.females), 1)
        rows = []
        rows.append(
            Content.styled(
                "males".rjust(side + count_w + 1) + " " * (label_w + 2) + "females", "bold"
            )
        )
        for label, m, f in reversed(list(zip(self.labels, self.males, self.females, strict=True))):
            rows.append(
                Content.assemble(
                    str(m).rjust(count_w) + " ",
                    (_left_bar(m, top, side), "$primary"),
                    (" " + label.center(label_w) + " ", "bold"),
                    (horizontal_bar(f, top, side).ljust(side), "$secondary"),
                    " " + str(f).ljust(count_w),
                )
            )
        return rows

    def render(self) -> Content:
        return Content("\n").join(self.render_lines_text(self.content_size.width or 60))


class LineChart(Widget):
    """A series over time as vertical columns with a labelled y axis and first/last x labels."""

    DEFAULT_CSS = """
    LineChart { height: 10; }
    """

    def __init__(
        self,
        *,
        value_format: Callable[[float], str] = "{:.3f}".format,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.value_format = value_format
        self.x: tuple[str, ...] = ()
        self.y: tuple[float, ...] = ()
        self.floor: float | None = None
        self.band: tuple[tuple[float, ...], tuple[float, ...]] | None = None

    def set_data(
        self,
        x: Sequence[str],
        y: Sequence[float],
        *,
        floor: float | None = None,
        band: tuple[Sequence[float], Sequence[float]] | None = None,
    ) -> None:
        """Draw ``y`` against the labels ``x``; the y axis starts at ``floor`` (default: min).
        ``band`` (low, high per point, NaN where none) is shaded above the columns."""
        if len(x) != len(y) or (band is not None and not len(band[0]) == len(band[1]) == len(y)):
            raise ValueError(f"{len(x)} x labels for {len(y)} values (and the band)")
        self.x = tuple(x)
        self.y = tuple(float(v) for v in y)
        self.floor = floor
        self.band = None if band is None else (tuple(band[0]), tuple(band[1]))
        self.refresh()

    def render_lines_text(self, width: int, height: int) -> list[Content]:
        """The chart as ``height`` rows of text for a given width."""
        values = [v for v in self.y if math.isfinite(v)]
        if self.band is not None:
            values += [v for side in self.band for v in side if math.isfinite(v)]
        if not values:
            return [Content.styled("no data", "dim italic")]
        plot_h = max(height - 1, 1)
        low = self.floor if self.floor is not None else min(values)
        high = max(values)
        if high <= low:
            low, high = low - 0.5, high + 0.5
        axis = [self.value_format(high), self.value_format(low)]
        axis_w = max(len(a) for a in axis)
        plot_w = max(width - axis_w - 2, 1)
        # Show the last plot_w points when the series is longer than the plot is wide.
        series = self.y[-plot_w:]
        labels = self.x[-plot_w:]
        # Each point gets plot_w // n columns or one more, so the series spans the whole plot.
        n = max(len(series), 1)
        widths = [(k + 1) * plot_w // n - k * plot_w // n for k in range(len(series))]

        def level(v: float) -> int:
            return 0 if not math.isfinite(v) else round((v - low) / (high - low) * plot_h * 8)

        levels = [level(v) for v in series]
        shade = [(-1, -1)] * len(series)
        if self.band is not None:
            shade = [
                (level(a), level(b)) if math.isfinite(a) and math.isfinite(b) else (-1, -1)
                for a, b in zip(self.band[0][-plot_w:], self.band[1][-plot_w:], strict=True)
            ]
        rows = []
        for r in range(plot_h):
            from_bottom = plot_h - 1 - r
            label = axis[0] if r == 0 else axis[1] if r == plot_h - 1 else ""
            axis_cell = label.rjust(axis_w) + " ┤" if label else " " * axis_w + " │"
            if self.band is None:
                cells = [
                    _VERTICAL[min(max(h - from_bottom * 8, 0), 8)] * w
                    for h, w in zip(levels, widths, strict=True)
                ]
                rows.append(Content.assemble(axis_cell, ("".join(cells), "$accent")))
                continue
            parts: list[tuple[str, str]] = []
            for height_8, (band_low, band_high), w in zip(levels, shade, widths, strict=True):
                fill = min(max(height_8 - from_bottom * 8, 0), 8)
                in_band = band_low < from_bottom * 8 + 8 and band_high >= from_bottom * 8
                if fill == 0 and in_band:
                    parts.append(("░" * w, "$secondary"))
                else:
                    parts.append((_VERTICAL[fill] * w, "$accent"))
            rows.append(Content.assemble(axis_cell, *parts))
        first, last = labels[0], labels[-1]
        span = sum(widths)
        footer = " " * (axis_w + 2) + first
        if len(series) > 1:
            footer += last.rjust(max(span - len(first), len(last) + 1))
        rows.append(Content.styled(footer, "dim"))
        return rows

    def render(self) -> Content:
        size = self.content_size
        return Content("\n").join(self.render_lines_text(size.width or 60, size.height or 10))
