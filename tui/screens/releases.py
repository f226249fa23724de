"""The releases screen: ranked release candidates; choose a group and see what it costs."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.validation import Integer
from textual.widgets import DataTable, Footer, Header, Input, Label, Static
from textual.worker import get_current_worker

from tui.messages import OpenAnimal, ReleaseGroupLoaded, ReleasesLoaded
from tui.screens.base import StudbookScreen
from tui.store import ReleaseGroupView, ReleaseRow, ReleasesView

__all__ = ["ReleasesScreen", "group_text", "release_cells"]


def release_cells(row: ReleaseRow, chosen: bool) -> tuple[str | Text, ...]:
    age = "–" if row.age is None else f"{row.age:.1f}"
    return (
        Text("✓" if chosen else " ", style="bold green"),
        Text(str(row.rank), justify="right"),
        row.id,
        row.sex,
        Text(age, justify="right"),
        Text(f"{row.mk:.4f}", justify="right"),
        Text(f"{100 * row.known:.0f}", justify="right"),
        Text(f"{100 * row.flagged:.1f}", justify="right"),
        row.institution,
    )


def group_text(view: ReleaseGroupView) -> str:
    width = max((len(k) for k, _ in view.figures), default=0)
    lines = [f"{k:<{width}}  {v}" for k, v in view.figures]
    return "\n".join([f"{len(view.ids)} animals: " + ", ".join(view.ids), "", *lines])


class ReleasesScreen(StudbookScreen):
    """Candidates best first; space adds one to the group, g picks the best group of k."""

    AUTO_FOCUS = "#release-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle", "Add/remove", id="releases.toggle"),
        Binding("g", "best_group", "Best group of k", id="releases.best"),
        Binding("k", "focus_k", "Set k", id="releases.k"),
        Binding("escape", "clear_group", "Clear group", id="releases.clear"),
    ]

    def __init__(self) -> None:
        super().__init__(id="releases")
        self.view: ReleasesView | None = None
        self.chosen: list[str] = []
        self.group: ReleaseGroupView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="releases-body"):
            with Vertical(id="releases-left"):
                with Horizontal(classes="filters"):
                    yield Label("Group size k", classes="inline-label")
                    yield Input("4", id="k", type="integer", validators=[Integer(minimum=1)])
                table: DataTable[str | Text] = DataTable(
                    id="release-table", cursor_type="row", zebra_stripes=True
                )
                for key, title in (
                    ("chosen", "✓"),
                    ("rank", "#"),
                    ("id", "Studbook id"),
                    ("sex", "Sex"),
                    ("age", "Age"),
                    ("mk", "MK"),
                    ("known", "% known"),
                    ("flagged", "% flagged"),
                    ("institution", "Institution"),
                ):
                    table.add_column(title, key=key)
                yield table
            yield Static(
                "Choose animals with space, or press g for the best group of k.",
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
        self.query_one(DataTable).loading = True
        self.load_candidates()
        if self.chosen:
            self.evaluate_group(tuple(self.chosen))

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
        name="evaluate release group",
    )
    def evaluate_group(self, ids: tuple[str, ...]) -> None:
        view = self.store.release_group(ids)
        if not get_current_worker().is_cancelled:
            self.post_message(ReleaseGroupLoaded(view))

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="release-group",
        name="choose release group",
    )
    def choose_best(self, k: int) -> None:
        view = self.store.best_release_group(k)
        if not get_current_worker().is_cancelled:
            self.post_message(ReleaseGroupLoaded(view))

    def on_releases_loaded(self, message: ReleasesLoaded) -> None:
        self.view = message.view
        ids = {r.id for r in message.view.rows}
        self.chosen = [a for a in self.chosen if a in ids]
        self._fill_table()
        self.query_one("#releases-status", Static).update(
            f"{len(message.view.rows)} candidates · {message.view.description}"
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
        self.chosen = list(message.view.ids)
        self._fill_table()
        self.query_one("#release-group", Static).update(
            group_text(message.view) if message.view.ids else "No animals chosen."
        )

    def highlighted_id(self) -> str | None:
        table: DataTable[str | Text] = self.query_one(DataTable)
        if self.view is None or not table.row_count:
            return None
        return self.view.rows[table.cursor_row].id

    def action_toggle(self) -> None:
        animal = self.highlighted_id()
        if animal is None:
            return
        if animal in self.chosen:
            self.chosen.remove(animal)
        else:
            self.chosen.append(animal)
        self._fill_table()
        self.evaluate_group(tuple(self.chosen))

    def action_best_group(self) -> None:
        k_input = self.query_one("#k", Input)
        if not k_input.is_valid:
            self.notify("k must be a whole number of at least 1", severity="error")
            return
        self.choose_best(int(k_input.value))

    @on(Input.Submitted, "#k")
    def k_submitted(self) -> None:
        self.action_best_group()
        self.query_one(DataTable).focus()

    def action_focus_k(self) -> None:
        self.query_one("#k", Input).focus()

    def action_clear_group(self) -> None:
        self.chosen = []
        self.group = None
        self._fill_table()
        self.query_one("#release-group", Static).update("No animals chosen.")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.post_message(OpenAnimal(event.row_key.value))
