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

from studbook.breeding_plan import PlannedPair
from studbook.pairing import PairingRow
from studbook.present import PAIRING_QUANTITIES as PQ
from studbook.present import PLAN_QUANTITIES, counted, printable
from tui.messages import FilterChoicesLoaded, OpenAnimal, PairingsLoaded, ReportExported
from tui.screens.base import WIDE_FROM, StudbookScreen
from tui.screens.export import ExportModal
from tui.screens.plan_controls import PlanControlsModal
from tui.store import PairingFilter, PairingsView, PlanControls
from tui.text import plain
from tui.widgets.tables import FittingTable, free_text

__all__ = [
    "CONTRACEPTED_MARK",
    "NARROW_PAIRING_KEYS",
    "NARROW_PLAN_KEYS",
    "PAIRING_COLUMNS",
    "PLAN_COLUMNS",
    "PairingsScreen",
    "pairing_cells",
    "plan_cells",
]

_PAIR_KEYS = ("rank", "male", "female", "msi", "delta_gd", "offspring_f", "mk_male", "mk_female",
              "mk_difference", "unknown", "male_location", "female_location", "transfer",
              "msi_why")  # fmt: skip
_PLAN_KEYS = ("plan", "institution", "male", "male_name", "female", "female_name", "move",
              "delta_gd", "offspring_f", "mk_male", "mk_female")  # fmt: skip

PAIRING_COLUMNS = tuple((k, PQ[k].label) for k in _PAIR_KEYS)
"""(key, title) of the ranked pairs' columns; titles are the reports' labels."""

PLAN_COLUMNS = tuple((k, PLAN_QUANTITIES[k].label) for k in _PLAN_KEYS)
"""(key, title) of the plan view's columns."""

NARROW_PAIRING_KEYS = ("rank", "male", "female", "msi", "delta_gd", "offspring_f", "mk_male",
                       "mk_female", "transfer")  # fmt: skip
"""The ranked pairs' columns below :data:`~tui.screens.base.WIDE_FROM` terminal columns (no
sideways scrolling at 100); from there on, all of them."""

NARROW_PLAN_KEYS = ("institution", "male", "female", "move", "delta_gd", "offspring_f")
"""The plan view's columns below :data:`~tui.screens.base.WIDE_FROM` terminal columns."""

CONTRACEPTED_MARK = "⊘"
"""Marks a pair with a mate on contraception (explained in the status line)."""

_MSI_STYLE = {
    "1": "bold green",
    "2": "green",
    "3": "yellow",
    "4": "dark_orange",
    "5": "red",
    "6": "bold red",
    "-": "bold red",
}


def _number(key: str, value: float) -> Text:
    return Text(PQ[key].text(value), justify="right")


def pairing_cells(row: PairingRow) -> tuple[str | Text, ...]:
    """One table row, each figure written as :mod:`studbook.present` says; ⊘ marks a
    contracepted mate. Plain ``Text`` for ids: they are data, never markup."""
    contra = f" {CONTRACEPTED_MARK}" if row.male_contracepted or row.female_contracepted else ""
    return (
        _number("rank", row.rank),
        plain(row.male),
        plain(row.female + contra),
        Text(PQ["msi"].text(row.msi), style=_MSI_STYLE.get(row.msi, ""), justify="center"),
        *(_number(k, getattr(row, k)) for k in ("delta_gd", "offspring_f", "mk_male")),
        *(_number(k, getattr(row, k)) for k in ("mk_female", "mk_difference", "unknown")),
        plain(row.male_location),
        plain(row.female_location),
        plain(row.transfer),
        free_text(row.msi_why),
    )


def plan_cells(plan: str, pair: PlannedPair) -> tuple[str | Text, ...]:
    """One pair of the optimal or the greedy plan (``plan`` is the plan's name): where the pair
    will be, both animals with their house names, the move it implies (★ a proven pair kept)."""
    return (
        Text(plan.split(" ")[0], style="bold" if plan.startswith("optimal") else ""),
        plain(pair.institution),
        plain(pair.male + (" ★" if pair.proven else "")),
        plain(pair.male_name),
        plain(pair.female),
        plain(pair.female_name),
        plain(pair.move),
        *(_number(k, getattr(pair, k)) for k in ("delta_gd", "offspring_f", "mk_male")),
        _number("mk_female", pair.mk_female),
    )


class PairingsScreen(StudbookScreen):
    """Every male x female pair of breeding candidates, best first."""

    AUTO_FOCUS = "#pair-table"
    SHOWS_ISSUED_PLANS = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "toggle_plan", "Plan/all pairs", id="pairings.plan"),
        Binding("g", "switch_plan", "Optimal/greedy plan", id="pairings.method"),
        Binding("c", "plan_controls", "Plan pairs/limits", id="pairings.controls"),
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
        self.plan_method = "optimal"
        """Which plan the plan view shows: ``optimal`` or ``greedy`` (never both mixed)."""
        self.plan_rows: list[tuple[str, PlannedPair]] = []
        """The planned pairs shown, in table order."""
        self.narrow = False
        """Whether the terminal is narrower than ``WIDE_FROM``: fewer columns."""

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
        table = FittingTable(id="pair-table", cursor_type="row", zebra_stripes=True)
        for key, title in PAIRING_COLUMNS:
            table.add_column(title, key=key)
        yield table
        yield Static("", id="pair-why", classes="status", markup=False)
        yield Static("", id="plan-totals", classes="status", markup=False)
        yield Static("", id="plan-notes", classes="status", markup=False)
        yield Static("", id="pairings-status", classes="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.narrow = self.app.size.width < WIDE_FROM
        self.load_choices()
        self.query_one(DataTable).focus()

    def on_resize(self) -> None:
        # Narrow and wide show other columns (the table itself refits its reason column).
        narrow = self.app.size.width < WIDE_FROM
        if narrow != self.narrow and self.view is not None:
            self.narrow = narrow
            self._fill_table(self.view)

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
        self._fill_table(view)
        self._set_mate_options(view)

    def _fill_table(self, view: PairingsView) -> None:
        """The ranked pairs or one plan, in the columns the terminal's width allows."""
        table = self.query_one(FittingTable)
        totals = self.query_one("#plan-totals", Static)
        notes = self.query_one("#plan-notes", Static)
        if view.filter.plan:
            columns = [(k, t) for k, t in PLAN_COLUMNS if not self.narrow or k in NARROW_PLAN_KEYS]
            self.plan_rows = [r for r in view.plan_rows if r[0].startswith(self.plan_method)]
            plan_rows = []
            for i, (plan, pair) in enumerate(self.plan_rows):
                cells = dict(zip(_PLAN_KEYS, plan_cells(plan, pair), strict=True))
                plan_rows.append((f"{i}:{pair.male}×{pair.female}", [cells[k] for k, _ in columns]))
            table.fill(columns, plan_rows)
            totals.update(
                "\n".join(
                    f"{name}: {text}"
                    for name, text in view.totals
                    if name.startswith(self.plan_method)
                )
            )
            totals.display = True
            self.query_one("#pair-why").display = False
            notes.update("\n".join(printable(n) for n in view.notes))
            notes.display = bool(view.notes)
            other = "greedy" if self.plan_method == "optimal" else "optimal"
            asked = view.filter.controls.describe()
            status = (
                f"{self.plan_method} plan: {counted(len(self.plan_rows), 'pair')}"
                + (f" ({asked})" if asked else "")
                + f" · g shows the {other} plan · c sets pairs and limits · {view.description}"
            )
        else:
            columns = [
                (k, t) for k, t in PAIRING_COLUMNS if not self.narrow or k in NARROW_PAIRING_KEYS
            ]
            rows = []
            for row in view.rows:
                cells = dict(zip(_PAIR_KEYS, pairing_cells(row), strict=True))
                rows.append((f"{row.male}×{row.female}", [cells[k] for k, _ in columns]))
            # The last column (the MSI reason when wide) is cut to the width that is left.
            table.fill(columns, rows)
            totals.display = False
            notes.display = False
            self.call_after_refresh(self._show_why)
            status = f"{CONTRACEPTED_MARK} = a mate on contraception · {view.description}"
            if len(view.rows) < view.matched:
                status = f"first {len(view.rows)} shown · {status}"
        table.loading = False
        self.query_one("#pairings-status", Static).update(status)

    def _show_why(self) -> None:
        """The highlighted pair's whole MSI reason (the table cuts it, or leaves it out when
        narrow)."""
        why = self.query_one("#pair-why", Static)
        table: DataTable[str | Text] = self.query_one(DataTable)
        view = self.view
        if view is None or view.filter.plan or not table.row_count:
            why.display = False
            return
        row = view.rows[table.cursor_row]
        why.update(plain(f"MSI {row.msi} for {row.male} × {row.female}: {row.msi_why}"))
        why.display = True

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_why()

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
        self.notify(printable(f"Report written to {message.path}"), title="Exported", markup=False)

    # ----------------------------------------------------------------- filters
    def set_filter(self, **changes: object) -> None:
        new = replace(self.filter, **changes)  # type: ignore[arg-type]
        if new != self.filter:
            self.filter = new
            self.refresh_bindings()
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
        if self.view.filter.plan:
            _, row = self.plan_rows[table.cursor_row]
            return row.male, row.female
        pair = self.view.rows[table.cursor_row]
        return pair.male, pair.female

    def action_toggle_plan(self) -> None:
        self.query_one("#pair-view", Select).value = not self.filter.plan

    def action_switch_plan(self) -> None:
        """Show the other plan (optimal or greedy) in the plan view."""
        self.plan_method = "greedy" if self.plan_method == "optimal" else "optimal"
        if self.view is not None and self.view.filter.plan:
            self.post_message(PairingsLoaded(self.view))

    def action_plan_controls(self) -> None:
        """Ask for the plan's number of pairs, objective, kinship limit and region penalty."""

        def chosen(controls: PlanControls | None) -> None:
            if controls is not None:
                self.set_filter(controls=controls)

        self.app.push_screen(PlanControlsModal(self.filter.controls), chosen)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("switch_plan", "plan_controls"):
            return self.filter.plan
        return True

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
