"""The population screen: summary figures, founder representation, age-sex pyramid, GD over time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, ProgressBar, Static
from textual.worker import get_current_worker

from studbook.present import GENE_DIVERSITY, REPRESENTATION
from tui.engine import HYPOTHETICAL_MARK
from tui.messages import GeneDiversityLoaded, GeneDiversityProgress, PopulationLoaded
from tui.screens.base import StudbookScreen
from tui.store import PopulationView
from tui.text import plain
from tui.widgets.charts import BarChart, LineChart, Pyramid

__all__ = ["PopulationScreen", "figures_text", "gd_table"]


def figures_text(view: PopulationView) -> str:
    """The summary figures as aligned lines, then the pedigree's certainty and potential
    founders (what the figures rest on: the true record or an assumption set)."""
    width = max((len(k) for k, _ in (*view.figures, *view.certainty)), default=0)
    blocks = (view.figures, view.certainty)
    return "\n\n".join(
        "\n".join(f"{k:<{width}}  {v}" for k, v in block) for block in blocks if block
    )


def gd_table(years: Sequence[str], gd: Sequence[float]) -> str:
    """Gene diversity at each year's census, one ``year  GD`` line each, newest first."""
    if not years:
        return "no census years"
    pairs = list(zip(years, gd, strict=True))[::-1]
    return "\n".join(f"{year}  {GENE_DIVERSITY.text(value)}" for year, value in pairs)


class PopulationScreen(StudbookScreen):
    """Summary of the living population; GD over time is computed with a progress bar."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh", "Refresh", id="population.refresh"),
        Binding("g", "gd_over_time", "GD chart/table", id="population.gd"),
    ]

    def __init__(self) -> None:
        super().__init__(id="population")
        self.view: PopulationView | None = None
        self.series_years: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="population-body"):
            # The founders beside the figures, under GD over time: at 100×30 the figures, the
            # chart and the founders are on the first screen; the pyramid follows.
            with Horizontal(classes="row"):
                yield Static("", id="figures", classes="panel", markup=False)
                with Vertical(id="population-right"):
                    with VerticalScroll(id="gd-panel", classes="panel"):
                        yield LineChart(id="gd-chart", value_format=GENE_DIVERSITY.text)
                        yield Static("", id="gd-table", markup=False)
                        yield ProgressBar(id="gd-progress", show_eta=False)
                    with VerticalScroll(id="founders-panel", classes="panel"):
                        yield BarChart(id="founders", value_format=REPRESENTATION.text)
            with VerticalScroll(id="pyramid-panel", classes="panel"):
                yield Pyramid(id="pyramid")
            yield Static("", id="population-definition", classes="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#figures").border_title = "Living population"
        self.query_one("#gd-panel").border_title = "Gene diversity at each year's census"
        self.query_one("#founders-panel").border_title = "Founder representation in the living"
        self.query_one(
            "#founders-panel"
        ).border_subtitle = f"{HYPOTHETICAL_MARK}: hypothetical, not a real animal"
        self.query_one("#pyramid-panel").border_title = "Age-sex pyramid (years)"

    def reload(self) -> None:
        self.query_one("#figures").loading = self.view is None
        self.load_population()
        self.load_gd_over_time()

    def on_genetics_changed(self, generation: int) -> None:
        self.reload()

    # ----------------------------------------------------------------- workers
    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="population",
        name="population summary",
    )
    def load_population(self) -> None:
        view = self.store.population()
        if not get_current_worker().is_cancelled:
            self.post_message(PopulationLoaded(view))

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="gd",
        name="gene diversity over time",
    )
    def load_gd_over_time(self) -> None:
        worker = get_current_worker()

        def progress(done: int, total: int) -> bool:
            self.post_message(GeneDiversityProgress(done, total))
            return not worker.is_cancelled

        series = self.store.gene_diversity_over_time(progress)
        if series is not None and not worker.is_cancelled:
            self.post_message(GeneDiversityLoaded(series))

    def on_population_loaded(self, message: PopulationLoaded) -> None:
        view = message.view
        self.view = view
        self.query_one("#figures").loading = False
        figures = self.query_one("#figures", Static)
        figures.update(figures_text(view))
        # The pedigree analysed (a set's name is typed by people: plain text, never markup)
        # under the figures, where the title would cut it.
        figures.border_subtitle = plain(view.pedigree)
        self.query_one(BarChart).set_data(
            view.founder_labels, view.founder_values, empty_text="no founders contribute"
        )
        pyr = view.pyramid
        self.query_one(Pyramid).set_data(pyr.labels, pyr.males.tolist(), pyr.females.tolist())
        self.query_one("#population-definition", Static).update(view.definition)

    def on_gene_diversity_progress(self, message: GeneDiversityProgress) -> None:
        bar = self.query_one("#gd-progress", ProgressBar)
        bar.display = message.done < message.total
        bar.update(total=message.total, progress=message.done)

    def on_gene_diversity_loaded(self, message: GeneDiversityLoaded) -> None:
        series = message.series
        self.series_years = tuple(series.years)
        self.query_one("#gd-progress").display = False
        self.query_one(LineChart).set_data(series.years, series.gd.tolist())
        self.query_one("#gd-table", Static).update(gd_table(series.years, series.gd.tolist()))

    def action_refresh(self) -> None:
        self.reload()

    def action_gd_over_time(self) -> None:
        """Switch the GD panel between the chart and the year-by-year values."""
        chart = self.query_one(LineChart)
        chart.display = not chart.display
        self.query_one("#gd-table").display = not chart.display
        self.query_one("#gd-panel").border_subtitle = "" if chart.display else "g: chart"
