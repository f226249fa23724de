"""The pairings screen: ranked pairs with MSI, filters, one animal's mates, the breeding plan."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Select, Static
from textual.worker import get_current_worker

from studbook.pairing import PairingRow
from tui.engine import PlanRow
from tui.messages import FilterChoicesLoaded, OpenAnimal, PairingsLoaded, ReportExported
from tui.screens.base import StudbookScreen
from tui.screens.export import ExportModal
from tui.store import PairingFilter, PairingsView

__all__ = ["PAIRING_COLUMNS", "PLAN_COLUMNS", "PairingsScreen", "pairing_cells", "plan_cells"]

PAIRING_COLUMNS = (
    ("rank", "#"),
    ("male", "Male"),
    ("female", "Female"),
    ("msi", "MSI"),
    ("delta_gd", "ΔGD"),
    ("kinship", "Kinship=F off"),
    ("mk_male", "MK ♂"),
    ("mk_female", "MK ♀"),
    ("known", "% known"),
    ("male_location", "Inst ♂"),
    ("female_location", "Inst ♀"),
    ("transfer", "Transfer"),
)

PLAN_COLUMNS = (
    ("plan", "Plan"),
    ("male", "Male"),
    ("female", "Female"),
    ("delta_gd", "ΔGD"),
    ("kinship", "Kinship=F off"),
    ("mk_male", "MK ♂"),
    ("mk_female", "MK ♀"),
    ("transfer", "Transfer"),
)

_MSI_STYLE = {
    "1": "bold green",
    "2": "green",
    "3": "yellow",
    "4": "dark_orange",
    "5": "red",
    "6": "bold red",
    "-": "bold red",
}


def pairing_cells(row: PairingRow) -> tuple[str | Text, ...]:
    """One table row: kinship of the mates is the offspring's F."""
    contra = " ⊘" if row.male_contracepted or row.female_contracepted else ""
    return (
        Text(str(row.rank), justify="right"),
        row.male,
        row.female + contra,
        Text(row.msi, style=_MSI_STYLE.get(row.msi, ""), justify="center"),
        Text(f"{row.delta_gd:+.5f}", justify="right"),
        Text(f"{row.offspring_f:.4f}", justify="right"),
        Text(f"{row.mk_male:.4f}", justify="right"),
        Text(f"{row.mk_female:.4f}", justify="right"),
        Text(f"{100 * row.known:.0f}", justify="right"),
        row.male_location,
        row.female_location,
        row.transfer,
    )


def plan_cells(row: PlanRow) -> tuple[str | Text, ...]:
    """One pair of the optimal or the greedy plan."""
    return (
        Text(row.plan.split(" ")[0], style="bold" if row.plan.startswith("optimal") else ""),
        row.male,
        row.female,
        Text(f"{row.delta_gd:+.5f}", justify="right"),
        Text(f"{row.offspring_f:.4f}", justify="right"),
        Text(f"{row.mk_male:.4f}", justify="right"),
        Text(f"{row.mk_female:.4f}", justify="right"),
        row.transfer,
    )


class PairingsScreen(StudbookScreen):
    """Every male x female pair of breeding candidates, best first."""

    AUTO_FOCUS = "#pair-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "toggle_plan", "Plan/all pairs", id="pairings.plan"),
        Binding("m", "mates('male')", "His mates", id="pairings.male"),
        Binding("f", "mates('female')", "Her mates", id="pairings.female"),
        Binding("escape", "clear_filters", "Clear filters", id="pairings.clear"),
        Binding("x", "export", "Export view", id="pairings.export"),
        Binding("o", "open_animal('male')", "Open ♂", id="pairings.open_male", show=False),
        Binding("O", "open_animal('female')", "Open ♀", id="pairings.open_female", show=False),
    ]

    SHOWN = 2000
    """Rows put in the table at most (the rest are counted in the status line)."""

    def __init__(self) -> None:
        super().__init__(id="pairings")
        self.filter = PairingFilter()
        self.view: PairingsView | None = None
        self._offered: dict[str, tuple[str, ...]] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(classes="filters"):
            yield Select(
                [("Ranked pairs", False), ("Breeding plan", True)],
                value=False,
                allow_blank=False,
                id="pair-view",
            )
            yield Select([], prompt="Any male", id="pair-male")
            yield Select([], prompt="Any female", id="pair-female")
            yield Select([], prompt="Any institution", id="pair-institution")
            yield Select([], prompt="Any region", id="pair-region")
        table: DataTable[str | Text] = DataTable(
            id="pair-table", cursor_type="row", zebra_stripes=True
        )
        for key, title in PAIRING_COLUMNS:
            table.add_column(title, key=key)
        yield table
        yield Static("", id="plan-totals", classes="status", markup=False)
        yield Static("", id="pairings-status", classes="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.load_choices()
        self.query_one(DataTable).focus()

    def reload(self) -> None:
        self.query_one(DataTable).loading = True
        self.load_pairings(self.filter)

    # ----------------------------------------------------------------- workers
    @work(thread=True, exclusive=True, exit_on_error=False, group="pairings", name="rank pairings")
    def load_pairings(self, wanted: PairingFilter) -> None:
        view = self.store.pairings(wanted)
        if not get_current_worker().is_cancelled:
            self.post_message(PairingsLoaded(view))

    @work(thread=True, exclusive=True, exit_on_error=False, group="choices", name="load filters")
    def load_choices(self) -> None:
        self.post_message(FilterChoicesLoaded(self.store.filter_choices()))

    @work(thread=True, exclusive=True, exit_on_error=False, group="export", name="export report")
    def write_report(self, path: str, fmt: str) -> None:
        written = self.store.export_pairings(self.filter, path, fmt)
        self.post_message(ReportExported(str(written)))

    def on_pairings_loaded(self, message: PairingsLoaded) -> None:
        view = message.view
        if view.filter != self.filter:
            return
        self.view = view
        table: DataTable[str | Text] = self.query_one(DataTable)
        table.clear(columns=True)
        totals = self.query_one("#plan-totals", Static)
        if view.filter.plan:
            for key, title in PLAN_COLUMNS:
                table.add_column(title, key=key)
            for i, plan_row in enumerate(view.plan_rows):
                table.add_row(*plan_cells(plan_row), key=f"{i}:{plan_row.male}×{plan_row.female}")
            totals.update("\n".join(f"{name}: {text}" for name, text in view.totals))
            totals.display = True
            status = f"{len(view.plan_rows)} planned pairs shown · {view.description}"
        else:
            for key, title in PAIRING_COLUMNS:
                table.add_column(title, key=key)
            for row in view.rows:
                table.add_row(*pairing_cells(row), key=f"{row.male}×{row.female}")
            totals.display = False
            status = view.description
            if len(view.rows) < view.matched:
                status = f"first {len(view.rows)} shown · {status}"
        table.loading = False
        self._set_mate_options(view)
        self.query_one("#pairings-status", Static).update(status)

    def _set_mate_options(self, view: PairingsView) -> None:
        """Offer the view's candidates in the male and female pickers (when they change)."""
        for sel_id, ids, current in (
            ("#pair-male", view.males, self.filter.male),
            ("#pair-female", view.females, self.filter.female),
        ):
            if self._offered.get(sel_id) == ids:
                continue
            self._offered[sel_id] = ids
            select: Select[str] = self.query_one(sel_id, Select)
            select.set_options((i, i) for i in ids)
            if current is not None and current in ids:
                select.value = current

    def on_filter_choices_loaded(self, message: FilterChoicesLoaded) -> None:
        choices = message.choices
        self.query_one("#pair-institution", Select).set_options(
            (f"{m}  {name}" if name else m, m) for m, name in choices.institutions
        )
        self.query_one("#pair-region", Select).set_options((r, r) for r in choices.regions)

    def on_report_exported(self, message: ReportExported) -> None:
        self.notify(f"Report written to {message.path}", title="Exported")

    # ----------------------------------------------------------------- filters
    def set_filter(self, **changes: object) -> None:
        new = replace(self.filter, **changes)  # type: ignore[arg-type]
        if new != self.filter:
            self.filter = new
            self.reload()

    @on(Select.Changed)
    def select_changed(self, event: Select.Changed) -> None:
        # The select's value now, not the event's: set_options posts a blank Changed first.
        value = None if event.select.value is Select.NULL else event.select.value
        name = {
            "pair-view": "plan",
            "pair-male": "male",
            "pair-female": "female",
            "pair-institution": "institution",
            "pair-region": "region",
        }.get(event.select.id or "")
        if name == "plan":
            self.set_filter(plan=bool(value))
        elif name is not None:
            self.set_filter(**{name: value})

    def highlighted(self) -> tuple[str, str] | None:
        """(male, female) of the row under the cursor."""
        table: DataTable[str | Text] = self.query_one(DataTable)
        if self.view is None or not table.row_count:
            return None
        rows = self.view.plan_rows if self.view.filter.plan else self.view.rows
        row = rows[table.cursor_row]
        return row.male, row.female

    def action_toggle_plan(self) -> None:
        self.query_one("#pair-view", Select).value = not self.filter.plan

    def action_mates(self, sex: str) -> None:
        """Show every possible mate of the male (or female) of the highlighted pair."""
        pair = self.highlighted()
        if pair is None:
            return
        male, female = pair
        self.query_one("#pair-view", Select).value = False
        if sex == "male":
            self.query_one("#pair-female", Select).clear()
            self.query_one("#pair-male", Select).value = male
        else:
            self.query_one("#pair-male", Select).clear()
            self.query_one("#pair-female", Select).value = female
        if sex == "male":
            self.set_filter(male=male, female=None, plan=False)
        else:
            self.set_filter(female=female, male=None, plan=False)

    def action_clear_filters(self) -> None:
        for sel in ("#pair-male", "#pair-female", "#pair-institution", "#pair-region"):
            self.query_one(sel, Select).clear()
        self.set_filter(male=None, female=None, institution=None, region=None)

    def action_open_animal(self, sex: str) -> None:
        pair = self.highlighted()
        if pair is not None:
            self.post_message(OpenAnimal(pair[0] if sex == "male" else pair[1]))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_animal("male")

    def action_export(self) -> None:
        what = "breeding-plan" if self.filter.plan else "pairings"

        def chosen(result: tuple[str, str] | None) -> None:
            if result is not None:
                self.write_report(*result)

        self.app.push_screen(ExportModal(f"studbook-{what}"), chosen)
