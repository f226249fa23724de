"""The chart widgets draw exactly what they are handed."""

from __future__ import annotations

import pytest

from tui.store import ParentLink
from tui.widgets.charts import BarChart, LineChart, Pyramid, horizontal_bar


class TestBars:
    def test_bar_length_is_proportional_in_eighths(self) -> None:
        """Half of 10 cells is 5 full blocks; 1/16 of 10 cells is 5 eighths."""
        assert horizontal_bar(5, 10, 10) == "█████"
        assert horizontal_bar(1, 16, 10) == "▋"
        assert horizontal_bar(0, 10, 10) == "" and horizontal_bar(3, 0, 10) == ""

    def test_bar_chart_rows_have_label_bar_and_value(self) -> None:
        """One row per value; the largest value fills the bar; values are printed."""
        chart = BarChart(value_format="{:.2f}".format)
        chart.set_data(["F1", "F22"], [0.5, 0.25])
        rows = [r.plain for r in chart.render_lines_text(30)]
        assert rows[0].startswith(" F1 ") and rows[0].endswith("0.50")
        assert rows[1].startswith("F22 ") and rows[1].endswith("0.25")
        assert rows[0].count("█") == 2 * rows[1].count("█")

    def test_bar_chart_refuses_mismatched_data(self) -> None:
        """Labels and values must pair up."""
        with pytest.raises(ValueError):
            BarChart().set_data(["a"], [1.0, 2.0])


class TestPyramid:
    def test_oldest_class_on_top_males_left_females_right(self) -> None:
        """Rows run from the oldest class down; counts sit at the outer ends."""
        pyr = Pyramid()
        pyr.set_data(["0-1", "2-3"], [4, 1], [2, 0])
        rows = [r.plain for r in pyr.render_lines_text(40)]
        assert "males" in rows[0] and "females" in rows[0]
        assert rows[1].lstrip().startswith("1") and "2-3" in rows[1]
        assert rows[2].lstrip().startswith("4") and rows[2].rstrip().endswith("2")
        left, right = rows[2].split("0-1")
        assert left.count("█") - 2 * right.count("█") in (0, 1)  # half a cell is ▌


class TestLineChart:
    def test_axis_labels_and_first_and_last_year(self) -> None:
        """The y axis shows the maximum and the floor; the x axis the first and last label."""
        chart = LineChart(value_format="{:.2f}".format)
        chart.set_data(["2000", "2001", "2002"], [0.90, 0.95, 1.00], floor=0.8)
        rows = [r.plain for r in chart.render_lines_text(40, 6)]
        assert rows[0].startswith("1.00") and rows[-2].startswith("0.80")
        assert rows[-1].strip().startswith("2000") and rows[-1].rstrip().endswith("2002")
        columns = rows[0][rows[0].index("┤") + 1 :]
        assert columns.strip() and columns.rstrip()[-1] != " "

    def test_a_short_series_spans_the_whole_plot(self) -> None:
        """Three points on a 30-column plot take 10 columns each; the last label ends the
        plot (no empty right half on a wide terminal)."""
        chart = LineChart(value_format="{:.1f}".format)
        chart.set_data(["2000", "2001", "2002"], [1.0, 2.0, 3.0], floor=0.0)
        rows = [r.plain for r in chart.render_lines_text(30 + 5, 5)]
        bottom = rows[-2][rows[-2].index("┤") + 1 :]
        assert bottom == "█" * 30
        top = rows[0][rows[0].index("┤") + 1 :]
        assert top == " " * 20 + "█" * 10
        assert len(rows[-1]) == 35 and rows[-1].endswith("2002")

    def test_no_finite_values_says_no_data(self) -> None:
        """An empty series draws a note, not an axis."""
        chart = LineChart()
        chart.set_data([], [])
        assert chart.render_lines_text(40, 6)[0].plain == "no data"


class TestParentLabels:
    def test_labels_for_each_kind_of_parent(self) -> None:
        """Known ids as they are; WILD and UNK spelled out; MULT with its probability."""
        assert ParentLink("sire", "known", "12").label == "12"
        assert ParentLink("dam", "wild").label == "WILD"
        assert ParentLink("dam", "unknown").label == "UNK"
        assert ParentLink("sire", "mult", "7", 0.25).label == "7 (p=0.25)"
