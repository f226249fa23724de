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

from studbook.present import AGE, KNOWN, MISSING, MK, MK_RANK, OFFSPRING, F, Quantity, counted
from tui.messages import AnimalsLoaded, FilterChoicesLoaded, OpenAnimal
from tui.screens.base import WIDE_FROM, StudbookScreen
from tui.store import SORTABLE, AnimalFilter, AnimalRow
from tui.text import plain

__all__ = ["COLUMN_TITLES", "NARROW_COLUMNS", "SORT_KEYS", "AnimalsScreen", "animal_cells"]

COLUMN_TITLES = {
    "id": "Id",
    "house_name": "House name",
    "sex": "Sex",
    "age": AGE.label,
    "status": "Status",
    "institution": "Institution",
    "region": "Region",
    "f": F.label,
    "mk": MK.label,
    "mk_rank": MK_RANK.label,
    "known": KNOWN.label,
    "offspring": OFFSPRING.label,
}

SORT_KEYS = {
    "1": "id", "2": "house_name", "3": "age", "4": "institution", "5": "region",
    "6": "f", "7": "mk", "8": "mk_rank", "9": "known", "0": "offspring",
}  # fmt: skip
"""The key that sorts on each column (pressed again: the other way); shown in its header."""

NARROW_COLUMNS = ("id", "house_name", "sex", "age", "institution", "f", "mk", "mk_rank", "known")
"""The columns shown below :data:`~tui.screens.base.WIDE_FROM` terminal columns; from there
on, all of them."""

_GENETIC = {"f", "mk", "mk_rank", "known"}
"""Columns written in place when the genetics arrive: fixed widths that fit their values."""

_KEY_OF = {column: key for key, column in SORT_KEYS.items()}


def column_label(column: str, sort: str, descending: bool) -> Text:
    """A header: the sort key (dim), the title, and an arrow on the sorted column."""
    key = _KEY_OF.get(column)
    label = Text(f"{key} ", style="dim") if key else Text()
    label.append(COLUMN_TITLES[column])
    if column == sort:
        label.append(" ↓" if descending else " ↑", style="bold")
    return label


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
        _number(row.mk, MK),
        _number(row.mk_rank, MK_RANK),
        _number(row.known, KNOWN),
        _number(row.offspring, OFFSPRING),
    )


class AnimalsScreen(StudbookScreen):
    """All animals; enter opens one."""

    AUTO_FOCUS = "#animal-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search", id="animals.search"),
        Binding("l", "toggle_living", "Living/all", id="animals.living"),
        Binding("1", "sort('id')", "Sort (key in header)", key_display="1…0", id="animals.sort"),
        *(
            Binding(key, f"sort('{column}')", f"Sort by {COLUMN_TITLES[column]}", show=False)
            for key, column in SORT_KEYS.items()
            if key != "1"
        ),
        Binding("n", "edit('birth')", "Birth", id="animals.birth"),
        Binding("e", "edit('edit')", "Edit", id="animals.edit"),
        Binding("d", "edit('death')", "Death", id="animals.death", show=False),
        Binding("t", "edit('transfer')", "Transfer", id="animals.transfer", show=False),
        Binding("L", "edit('loan')", "Loan", id="animals.loan", show=False),
        Binding("w", "edit('release')", "Release", id="animals.release", show=False),
        Binding("c", "edit('contraception')", "Contraception", id="animals.contra", show=False),
        Binding("escape", "clear_search", "Clear search", id="animals.clear", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="animals")
        self.filter = AnimalFilter()
        self.rows: list[AnimalRow] = []
        self.loads = 0
        self.columns: tuple[str, ...] = NARROW_COLUMNS
        """The columns shown, by the terminal width."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="animal-filters", classes="filters"):
            yield Input(placeholder="id or name (/)", id="search")
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
        yield DataTable(id="animal-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="animals-status", classes="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.columns = self.columns_for(self.app.size.width)
        self.set_columns()
        self.load_choices()
        self.query_one(DataTable).focus()

    @staticmethod
    def columns_for(width: int) -> tuple[str, ...]:
        """The columns that fit ``width`` terminal columns."""
        return SORTABLE if width >= WIDE_FROM else NARROW_COLUMNS

    def set_columns(self) -> None:
        """(Re)build the table's columns for :attr:`columns` and put the rows back."""
        table: DataTable[str | Text] = self.query_one(DataTable)
        keep = self.highlighted_id()
        table.clear(columns=True)
        for column in self.columns:
            label = column_label(column, self.filter.sort, self.filter.descending)
            # Room for the arrow whether sorted or not, and for the widest value.
            width = max(len(column_label(column, "", False)) + 2, 6) if column in _GENETIC else None
            table.add_column(label, key=column, width=width)
        self._add_rows(table, self.rows, keep)

    def on_resize(self) -> None:
        wanted = self.columns_for(self.app.size.width)
        if wanted != self.columns:
            self.columns = wanted
            self.set_columns()

    def _cells(self, row: AnimalRow) -> list[Text]:
        cells = dict(zip(SORTABLE, animal_cells(row), strict=True))
        return [cells[c] for c in self.columns]

    def _add_rows(
        self, table: DataTable[str | Text], rows: list[AnimalRow], keep: str | None
    ) -> None:
        for row in rows:
            table.add_row(*self._cells(row), key=row.id)
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep), animate=False)

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
            self._add_rows(table, message.rows, keep)
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
            row = data[RowKey(new.id)]
            for column, cell in zip(self.columns, self._cells(new), strict=True):
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
        parts = [counted(len(self.rows), "animal"), "living" if f.living_only else "all"]
        if f.search:
            parts.append(f"matching “{f.search}”")
        parts.append(f"sorted by {COLUMN_TITLES[f.sort]} {arrow}")
        if self.studbook.genetics_generation == 0:
            parts.append("F, MK and % known appear when the genetics are computed")
        self.query_one("#animals-status", Static).update(" · ".join(parts))

    # ----------------------------------------------------------------- filtering
    def set_filter(self, **changes: object) -> None:
        """Change the filter and reload the table (the previous query is cancelled)."""
        new = replace(self.filter, **changes)  # type: ignore[arg-type]
        if new != self.filter:
            old, self.filter = self.filter, new
            if (old.sort, old.descending) != (new.sort, new.descending):
                table: DataTable[str | Text] = self.query_one(DataTable)
                for column in {old.sort, new.sort} & set(self.columns):
                    table.columns[ColumnKey(column)].label = column_label(
                        column, new.sort, new.descending
                    )
                table.refresh()
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
        self.action_sort(str(event.column_key.value))

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

    def action_sort(self, column: str) -> None:
        """Sort on ``column``; on the column already sorted, the other way round."""
        if column == self.filter.sort:
            self.set_filter(descending=not self.filter.descending)
        else:
            self.set_filter(sort=column, descending=False)

    def action_edit(self, kind: str) -> None:
        self.studbook.open_edit(kind, None if kind == "birth" else self.highlighted_id())
