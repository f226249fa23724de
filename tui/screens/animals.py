"""The animals screen: every animal in a table keyed by studbook id, filtered and sorted in SQL."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Input, Select, Static
from textual.widgets.data_table import ColumnKey, RowKey
from textual.worker import get_current_worker

from studbook.present import AGE, MISSING, MK_RANK, F, Quantity
from tui.messages import AnimalsLoaded, FilterChoicesLoaded, OpenAnimal
from tui.screens.base import StudbookScreen
from tui.store import SORTABLE, AnimalFilter, AnimalRow
from tui.text import plain

__all__ = ["COLUMN_TITLES", "AnimalsScreen", "animal_cells"]

COLUMN_TITLES = {
    "id": "Studbook id",
    "house_name": "House name",
    "sex": "Sex",
    "age": AGE.label,
    "status": "Status",
    "institution": "Institution",
    "region": "Region",
    "f": F.label,
    "mk_rank": MK_RANK.label,
}


_FIXED_WIDTHS = {"f": 6, "mk_rank": 7}


def _number(value: float | None, quantity: Quantity) -> Text:
    text = quantity.text(value)
    return Text(text, style="dim" if text == MISSING else "", justify="right")


def animal_cells(row: AnimalRow) -> tuple[Text, ...]:
    """The cells of one table row, in :data:`~tui.store.SORTABLE` order.

    Plain text cells (:func:`tui.text.plain`): a ``str`` cell would be parsed as markup.
    """
    return (
        plain(row.id),
        plain(row.house_name),
        plain(row.sex),
        _number(row.age, AGE),
        plain(row.status),
        plain(row.institution),
        plain(row.region),
        _number(row.f, F),
        _number(row.mk_rank, MK_RANK),
    )


class AnimalsScreen(StudbookScreen):
    """All animals; enter opens one."""

    AUTO_FOCUS = "#animal-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search", id="animals.search"),
        Binding("l", "toggle_living", "Living/all", id="animals.living"),
        Binding("s", "next_sort", "Sort", id="animals.sort"),
        Binding("S", "reverse_sort", "Reverse", id="animals.reverse", show=False),
        Binding("n", "edit('birth')", "Birth", id="animals.birth"),
        Binding("e", "edit('edit')", "Edit", id="animals.edit"),
        Binding("d", "edit('death')", "Death", id="animals.death", show=False),
        Binding("t", "edit('transfer')", "Transfer", id="animals.transfer", show=False),
        Binding("w", "edit('release')", "Release", id="animals.release", show=False),
        Binding("c", "edit('contraception')", "Contraception", id="animals.contra", show=False),
        Binding("escape", "clear_search", "Clear search", id="animals.clear", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="animals")
        self.filter = AnimalFilter()
        self.rows: list[AnimalRow] = []
        self.loads = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="animal-filters", classes="filters"):
            yield Input(placeholder="search id or house name  (/)", id="search")
            yield Select(
                [("Living", True), ("All animals", False)],
                value=True,
                allow_blank=False,
                id="living",
            )
            yield Select(
                [("Males", "M"), ("Females", "F"), ("Unknown", "U")], prompt="Any sex", id="sex"
            )
            yield Select([], prompt="Any institution", id="institution")
            yield Select([], prompt="Any region", id="region")
        table: DataTable[str | Text] = DataTable(
            id="animal-table", cursor_type="row", zebra_stripes=True
        )
        for key in SORTABLE:
            # F and MK rank arrive later and are written in place: fixed widths that fit them.
            width = _FIXED_WIDTHS.get(key)
            table.add_column(COLUMN_TITLES[key], key=key, width=width)
        yield table
        yield Static("", id="animals-status", classes="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.load_choices()
        self.query_one(DataTable).focus()

    def reload(self) -> None:
        self.query_one(DataTable).loading = not self.rows
        self.load_animals(self.filter)

    # ----------------------------------------------------------------- workers
    @work(thread=True, exclusive=True, exit_on_error=False, group="animals", name="load animals")
    def load_animals(self, wanted: AnimalFilter) -> None:
        rows = self.store.animals(wanted)
        if not get_current_worker().is_cancelled:
            self.post_message(AnimalsLoaded(wanted, rows))

    @work(thread=True, exclusive=True, exit_on_error=False, group="choices", name="load filters")
    def load_choices(self) -> None:
        self.post_message(FilterChoicesLoaded(self.store.filter_choices()))

    def on_animals_loaded(self, message: AnimalsLoaded) -> None:
        if message.filter != self.filter:
            return  # an older query finished after a newer one was asked for
        table: DataTable[str | Text] = self.query_one(DataTable)
        if [r.id for r in message.rows] == [r.id for r in self.rows]:
            self._update_changed(table, message.rows)
        else:
            keep = self.highlighted_id()
            table.clear()
            for row in message.rows:
                table.add_row(*animal_cells(row), key=row.id)
            if keep is not None and keep in table.rows:
                table.move_cursor(row=table.get_row_index(keep), animate=False)
        self.rows = message.rows
        self.loads += 1
        table.loading = False
        self.update_status()

    def _update_changed(self, table: DataTable[str | Text], rows: list[AnimalRow]) -> None:
        """Same animals in the same order (fresh genetics, say): put the new F and MK rank
        in place and redraw once.

        ``update_cell`` redraws per call; with thousands of rows that held the event loop
        for half a second while the genetics came in. The table's cell store is written
        directly and its render caches invalidated once (Textual is pinned; see pyproject).
        """
        changed = False
        data = table._data
        for old, new in zip(self.rows, rows, strict=True):
            if old == new:
                continue
            cells = animal_cells(new)
            row = data[RowKey(new.id)]
            for column, cell in zip(SORTABLE, cells, strict=True):
                row[ColumnKey(column)] = cell
            changed = True
        if changed:
            table._update_count += 1
            table.refresh()

    def on_filter_choices_loaded(self, message: FilterChoicesLoaded) -> None:
        choices = message.choices
        institution: Select[str] = self.query_one("#institution", Select)
        institution.set_options(
            (f"{m}  {name}" if name else m, m) for m, name in choices.institutions
        )
        region: Select[str] = self.query_one("#region", Select)
        region.set_options((r, r) for r in choices.regions)

    def update_status(self) -> None:
        f = self.filter
        arrow = "↓" if f.descending else "↑"
        parts = [f"{len(self.rows)} animals", "living" if f.living_only else "all"]
        if f.search:
            parts.append(f"matching “{f.search}”")
        parts.append(f"sorted by {COLUMN_TITLES[f.sort]} {arrow}")
        if self.studbook.genetics_generation == 0:
            parts.append("F and MK rank appear when the genetics are computed")
        self.query_one("#animals-status", Static).update(" · ".join(parts))

    # ----------------------------------------------------------------- filtering
    def set_filter(self, **changes: object) -> None:
        """Change the filter and reload the table (the previous query is cancelled)."""
        new = replace(self.filter, **changes)  # type: ignore[arg-type]
        if new != self.filter:
            self.filter = new
            self.reload()

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        self.set_filter(search=event.value.strip())

    @on(Input.Submitted, "#search")
    def search_submitted(self) -> None:
        self.query_one(DataTable).focus()

    @on(Select.Changed)
    def select_changed(self, event: Select.Changed) -> None:
        value = None if event.value is Select.NULL else event.value
        field = {
            "living": "living_only",
            "sex": "sex",
            "institution": "institution",
            "region": "region",
        }
        name = field.get(event.select.id or "")
        if name is not None:
            self.set_filter(**{name: value if name != "living_only" else bool(value)})

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        if key == self.filter.sort:
            self.set_filter(descending=not self.filter.descending)
        else:
            self.set_filter(sort=key, descending=False)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.post_message(OpenAnimal(event.row_key.value))

    def highlighted_id(self) -> str | None:
        """The studbook id under the cursor (None for an empty table)."""
        table: DataTable[str | Text] = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return key

    # ----------------------------------------------------------------- actions
    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear_search(self) -> None:
        self.query_one("#search", Input).value = ""
        self.query_one(DataTable).focus()

    def action_toggle_living(self) -> None:
        self.query_one("#living", Select).value = not self.filter.living_only

    def action_next_sort(self) -> None:
        nxt = SORTABLE[(SORTABLE.index(self.filter.sort) + 1) % len(SORTABLE)]
        self.set_filter(sort=nxt, descending=False)

    def action_reverse_sort(self) -> None:
        self.set_filter(descending=not self.filter.descending)

    def action_edit(self, kind: str) -> None:
        self.studbook.open_edit(kind, None if kind == "birth" else self.highlighted_id())
