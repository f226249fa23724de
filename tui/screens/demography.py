"""The demography screen: life tables, the three lambdas, census history and the GD projection."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Static
from textual.worker import get_current_worker

from studbook.present import GENE_DIVERSITY
from tui.messages import DemographyLoaded
from tui.screens.base import StudbookScreen
from tui.store import DemographyView
from tui.widgets.charts import LineChart

__all__ = ["DemographyScreen"]


def _count(value: float) -> str:
    return f"{value:.0f}"


class DemographyScreen(StudbookScreen):
    """Demography over the programme's window; the simulation band is computed on request."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh", "Refresh", id="demography.refresh"),
        Binding("s", "simulate", "Simulation band", id="demography.simulate"),
    ]

    def __init__(self) -> None:
        super().__init__(id="demography")
        self.view: DemographyView | None = None
        self.simulated = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="demography-body"):
            yield Static("", id="demography-window", classes="status", markup=False)
            with Horizontal(classes="row"):
                yield Static("", id="demography-figures", classes="panel", markup=False)
                with VerticalScroll(id="census-panel", classes="panel"):
                    yield LineChart(id="census-chart", value_format=_count)
            with VerticalScroll(id="projection-panel", classes="panel"):
                yield LineChart(id="projection-chart", value_format=GENE_DIVERSITY.text)
                yield Static("", id="projection-note", markup=False)
            # Side by side when wide, one under the other when narrow (the stylesheet).
            with Horizontal(id="demography-tables", classes="row"):
                yield Static("", id="by-sex", classes="panel", markup=False)
                yield Static("", id="life-tables", classes="panel", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#demography-figures").border_title = "Lambdas, T, Ne"
        self.query_one("#census-panel").border_title = "Living animals at each year's census"
        self.query_one(
            "#projection-panel"
        ).border_title = "Gene diversity: observed, then the drift projection"
        self.query_one("#by-sex").border_title = "By sex"
        self.query_one("#life-tables").border_title = "Life tables"

    def reload(self) -> None:
        self.query_one("#demography-figures").loading = self.view is None
        self.load_demography(self.simulated)

    @work(thread=True, exclusive=True, exit_on_error=False, group="demography", name="demography")
    def load_demography(self, simulate: bool) -> None:
        view = self.store.demography(simulate)
        if not get_current_worker().is_cancelled:
            self.post_message(DemographyLoaded(view))

    def on_demography_loaded(self, message: DemographyLoaded) -> None:
        view = message.view
        self.view = view
        self.query_one("#demography-figures").loading = False
        self.query_one("#demography-window", Static).update(
            f"Demographic window: {view.window} · {view.settings}"
        )
        width = max((len(k) for k, _ in view.figures), default=0)
        self.query_one("#demography-figures", Static).update(
            "\n".join(f"{k:<{width}}  {v}" for k, v in view.figures)
        )
        self.query_one("#census-chart", LineChart).set_data(
            view.census_years, view.census_totals, floor=0.0
        )
        self.query_one("#projection-chart", LineChart).set_data(
            view.gd_years, view.gd, band=view.band
        )
        self.query_one("#projection-note", Static).update(view.projection)
        self.query_one("#by-sex", Static).update(view.by_sex)
        self.query_one("#life-tables", Static).update(
            "\n\n".join(f"{title}\n{text}" for title, text in view.life_tables)
        )

    def action_refresh(self) -> None:
        self.reload()

    def action_simulate(self) -> None:
        """Add the forward simulation band (random mating) to the projection chart."""
        self.simulated = True
        self.reload()
