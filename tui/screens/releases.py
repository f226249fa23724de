"""The releases screen: ranked release candidates; choose a group and see what it costs."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.validation import Integer, Number
from textual.widgets import DataTable, Footer, Header, Input, Label, Static
from textual.worker import get_current_worker

from studbook.present import RELEASE_QUANTITIES as RQ
from studbook.present import counted
from studbook.release import ReleaseRow
from tui.messages import OpenAnimal, ReleaseGroupLoaded, ReleasesLoaded
from tui.screens.base import StudbookScreen
from tui.store import ReleaseGroupView, ReleasesView
from tui.text import plain

__all__ = ["CHOSEN_MARK", "RELEASE_COLUMNS", "ReleasesScreen", "group_text", "release_cells"]

_KEYS = ("rank", "id", "sex", "age", "delta_gd", "mk", "known", "flagged", "location")
_NUMBERS = ("age", "delta_gd", "mk", "known", "flagged")

RELEASE_COLUMNS = tuple((k, RQ[k].label) for k in _KEYS)
"""(key, title) of the candidates' columns; titles are the release report's labels."""

CHOSEN_MARK = "✓"
"""Follows the id of an animal in the release group (no column of its own: the table fits
100 columns)."""


def release_cells(row: ReleaseRow, chosen: bool) -> tuple[Text, ...]:
    """One candidate: an animal over the flagged-founder cap has no rank and is dimmed; one in
    the group is marked."""
    dim = "" if row.under_cap else "dim"
    rank = RQ["rank"].text(row.rank) if row.rank is not None else "cap"
    animal = plain(row.id, style=dim)
    if chosen:
        animal.append(f" {CHOSEN_MARK}", style="bold green")
    return (
        Text(rank, justify="right", style=dim),
        animal,
        plain(row.sex, style=dim),
        *(Text(RQ[k].text(getattr(row, k)), justify="right", style=dim) for k in _NUMBERS),
        plain(row.location, style=dim),
    )


def group_text(view: ReleaseGroupView) -> str:
    """The group, its figures and the kinship of every male x female pair in it; when no group
    meets the constraints, why, and the closest group's figures."""
    width = max((len(k) for k, _ in view.figures), default=0)
    lines = [f"{k:<{width}}  {v}" for k, v in view.figures]
    mates = [f"  {m} × {f}  kinship {k}" for m, f, k in view.mates]
    if view.problem:
        head = [view.problem[:1].upper() + view.problem[1:]]
        if lines:
            head += ["", "The closest group:"]
    else:
        head = [f"{counted(len(view.ids), 'animal')}: " + ", ".join(view.ids)]
    return "\n".join(
        [
            *head,
            "",
            *lines,
            "",
            "Kinship of potential mates in the group:" if mates else "No male-female pairs.",
            *mates,
        ]
    )


class ReleasesScreen(StudbookScreen):
    """Candidates best first; g (or enter in k) chooses the best group of k to release, and
    space adds or removes the animal under the cursor (a group chosen by hand)."""

    AUTO_FOCUS = "#release-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "best_group", "Best group of k", id="releases.best"),
        Binding("k", "focus_k", "Set k", id="releases.k"),
        Binding("space", "toggle_member", "Add/remove", id="releases.toggle"),
        Binding("escape", "clear_group", "Clear group", id="releases.clear"),
    ]

    def __init__(self) -> None:
        super().__init__(id="releases")
        self.view: ReleasesView | None = None
        self.group: ReleaseGroupView | None = None
        self.members: tuple[str, ...] = ()
        """The group as last chosen or edited (its figures may still be computing)."""

    @property
    def chosen(self) -> tuple[str, ...]:
        return self.group.ids if self.group is not None else ()

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="releases-body"):
            with Vertical(id="releases-left"):
                with Horizontal(classes="filters"):
                    yield Label("Group size k", classes="inline-label")
                    yield Input("4", id="k", type="integer", validators=[Integer(minimum=1)])
                    yield Label("Min group GD", classes="inline-label")
                    yield Input(
                        "",
                        id="min-gd",
                        type="number",
                        placeholder="none",
                        validators=[Number(minimum=0, maximum=1)],
                    )
                table: DataTable[str | Text] = DataTable(
                    id="release-table", cursor_type="row", zebra_stripes=True
                )
                for key, title in RELEASE_COLUMNS:
                    table.add_column(title, key=key)
                yield table
            yield Static(
                "Press g for the group of k whose release costs the captives the least GD, "
                "or space to add animals to a group of your own.",
                id="release-group",
                classes="panel",
                markup=False,
            )
        yield Static("", id="releases-status", classes="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#release-group").border_title = "Release group"
        self.query_one(DataTable).focus()

    def reload(self) -> None:
        self.query_one(DataTable).loading = self.view is None
        self.load_candidates()
        if self.group is not None:
            self.action_best_group()

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="releases",
        name="rank release candidates",
    )
    def load_candidates(self) -> None:
        view = self.store.release_candidates()
        if not get_current_worker().is_cancelled:
            self.post_message(ReleasesLoaded(view))

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="release-group",
        name="choose release group",
    )
    def choose_best(self, k: int, min_group_gd: float | None) -> None:
        view = self.store.best_release_group(k, min_group_gd)
        if not get_current_worker().is_cancelled:
            self.post_message(ReleaseGroupLoaded(view))

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="release-group",
        name="evaluate release group",
    )
    def evaluate(self, ids: tuple[str, ...]) -> None:
        view = self.store.hand_picked_release_group(ids)
        if not get_current_worker().is_cancelled:
            self.post_message(ReleaseGroupLoaded(view))

    def on_releases_loaded(self, message: ReleasesLoaded) -> None:
        self.view = message.view
        self._fill_table()
        under = sum(1 for r in message.view.rows if r.under_cap)
        self.query_one("#releases-status", Static).update(
            f"{counted(len(message.view.rows), 'candidate')}, {under} under the cap · "
            f"{message.view.description}"
        )

    def _fill_table(self) -> None:
        table: DataTable[str | Text] = self.query_one(DataTable)
        row_at = table.cursor_row
        table.clear()
        if self.view is not None:
            for row in self.view.rows:
                table.add_row(*release_cells(row, row.id in self.chosen), key=row.id)
        table.loading = False
        if table.row_count:
            table.move_cursor(row=min(row_at, table.row_count - 1), animate=False)

    def on_release_group_loaded(self, message: ReleaseGroupLoaded) -> None:
        self.group = message.view
        self.members = message.view.ids
        self._fill_table()
        self.query_one("#release-group", Static).update(group_text(message.view))

    def action_best_group(self) -> None:
        k_input = self.query_one("#k", Input)
        gd_input = self.query_one("#min-gd", Input)
        if not k_input.value.strip() or not k_input.is_valid:
            self.notify("k must be a whole number of at least 1", severity="error")
            return
        if gd_input.value.strip() and not gd_input.is_valid:
            self.notify("the minimum group GD is a number from 0 to 1", severity="error")
            return
        min_gd = float(gd_input.value) if gd_input.value.strip() else None
        self.choose_best(int(k_input.value), min_gd)

    @on(Input.Submitted)
    def k_submitted(self) -> None:
        self.action_best_group()
        self.query_one(DataTable).focus()

    def action_focus_k(self) -> None:
        self.query_one("#k", Input).focus()

    def action_toggle_member(self) -> None:
        """Add the animal under the cursor to the group, or take it out; show the figures."""
        table: DataTable[str | Text] = self.query_one(DataTable)
        if not table.row_count:
            return
        animal = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if animal is None:
            return
        members = tuple(a for a in self.members if a != animal)
        if len(members) == len(self.members):
            members += (animal,)
        if members:
            self.members = members
            self.evaluate(members)
        else:
            self.action_clear_group()

    def action_clear_group(self) -> None:
        self.workers.cancel_group(self, "release-group")
        self.group = None
        self.members = ()
        self._fill_table()
        self.query_one("#release-group", Static).update("No group chosen.")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.post_message(OpenAnimal(event.row_key.value))
