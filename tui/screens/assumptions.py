"""The assumptions screen: named sets of pedigree assumptions, kept apart from the record.

On the left the stored sets (the one the analyses use marked); on the right the chosen set's
assumptions, each beside the record's value, and its hypothetical animals. The form below adds
or replaces an assumption (or a hypothetical animal, field ``hypothetical`` with the sex as
value), and the buttons remove one, create or delete a set, and switch the analyses to a set
or to the true record. Every change is one transaction checked by the core against the whole
studbook (``db.assumptions``); a refusal names the animal and field under the form and writes
nothing. After a change every screen reloads and the genetics are recomputed in the
background, as after an edit.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Footer, Header, Input, Select, Static
from textual.worker import Worker, WorkerState, get_current_worker

from studbook.assumptions import ASSUMABLE_FIELDS, AssumptionSet, pedigree_label
from tui.messages import RecordSaved
from tui.screens.base import StudbookScreen
from tui.store import describe_error
from tui.text import plain
from tui.widgets.tables import FittingTable, free_text

__all__ = [
    "AssumptionsChanged",
    "AssumptionsLoaded",
    "AssumptionsScreen",
]

HYPOTHETICAL = "hypothetical"
"""The form's field for a hypothetical animal of the set (value: its sex)."""

_SET_COLUMNS = (("set", "Set"), ("use", "In use"), ("assumptions", "Assumptions"),
                ("hypothetical", "Hypothetical"), ("note", "Note"))  # fmt: skip
_ASSUMPTION_COLUMNS = (("animal", "Animal"), ("field", "Field"), ("true", "True value"),
                       ("assumed", "Assumed"), ("note", "Note"))  # fmt: skip
_HYPOTHETICAL_COLUMNS = (("id", "Hypothetical animal"), ("sex", "Sex"), ("note", "Note"))
"""The tables' columns (key, title); each ends in the free-text note, cut to the table's width
(enter on a row puts it in the form, whole note included)."""


class AssumptionsLoaded(Message):
    """The stored sets were read; ``active`` names the one the analyses use ('' none)."""

    def __init__(self, sets: list[AssumptionSet], active: str) -> None:
        super().__init__()
        self.sets = sets
        self.active = active


class AssumptionsChanged(Message):
    """A change of the sets was written; ``what`` says it for the notification."""

    def __init__(self, what: str, animal_ids: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.what = what
        self.animal_ids = animal_ids


class AssumptionsScreen(StudbookScreen):
    """Add, edit and switch assumption sets (module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save assumption", id="assumptions.save"),
        Binding("ctrl+u", "use", "Use this set", id="assumptions.use"),
        Binding("ctrl+r", "use_record", "Use true record", id="assumptions.record"),
        Binding("ctrl+n", "new_set", "New set", id="assumptions.new"),
    ]

    def __init__(self) -> None:
        super().__init__(id="assumptions")
        self.sets: dict[str, AssumptionSet] = {}
        self.active = ""
        self.chosen: str | None = None
        """The set shown on the right (and changed by the form)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="assumptions-body"):
            with Vertical(id="sets-panel", classes="panel"):
                yield FittingTable(id="sets", cursor_type="row", zebra_stripes=True)
            with Vertical(id="set-panel", classes="panel"):
                yield FittingTable(id="assumption-rows", cursor_type="row", zebra_stripes=True)
                yield FittingTable(id="hypothetical-rows", cursor_type="row")
        # Compact (borderless, one line) so the tables keep the room at 100×30.
        with Vertical(id="assumption-form", classes="filters"):
            with Horizontal(classes="form-row"):
                yield Input(placeholder="set name", id="set-name", compact=True)
                yield Input(placeholder="note on the set", id="set-note", compact=True)
                yield Button("New set", id="new-set", compact=True)
                yield Button("Delete set", id="delete-set", variant="error", compact=True)
            with Horizontal(classes="form-row"):
                yield Input(placeholder="animal (studbook id)", id="animal", compact=True)
                yield Select(
                    [(f, f) for f in (*ASSUMABLE_FIELDS, HYPOTHETICAL)],
                    value="sire",
                    allow_blank=False,
                    id="field",
                    compact=True,
                )
                yield Input(
                    placeholder="assumed value (H1, 77, A|B, 1994-06; sex)",
                    id="value",
                    compact=True,
                )
                yield Input(placeholder="note: why", id="note", compact=True)
            with Horizontal(classes="form-row"):
                yield Button("Save assumption", id="save", variant="primary", compact=True)
                yield Button("Remove", id="remove", compact=True)
                yield Button("Use this set", id="use", variant="success", compact=True)
                yield Button("Use true record", id="use-record", compact=True)
            yield Static("", id="assumptions-message", markup=False)
        yield Static("", id="assumptions-status", classes="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#sets-panel").border_title = "Assumption sets"
        self.query_one("#set-panel").border_title = "Assumptions (true value beside each)"

    def reload(self) -> None:
        self.load_sets()

    def on_genetics_changed(self, generation: int) -> None:
        """The sets do not depend on the genetics."""

    # ----------------------------------------------------------------- workers
    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="assumptions-read",
        name="read the assumption sets",
    )
    def load_sets(self) -> None:
        sets, active = self.store.assumption_sets()
        if not get_current_worker().is_cancelled:
            self.post_message(AssumptionsLoaded(sets, active))

    @work(thread=True, exit_on_error=False, group="assumptions-write", name="change the sets")
    def change(self, what: str, animals: tuple[str, ...], action: str, *args: str) -> None:
        self.store.change_assumptions(action, *args)
        self.post_message(AssumptionsChanged(what, animals))

    def on_assumptions_loaded(self, message: AssumptionsLoaded) -> None:
        self.sets = {s.name: s for s in message.sets}
        self.active = message.active
        if self.chosen not in self.sets:
            self.chosen = message.active or next(iter(self.sets), None)
        self.show_sets()

    def show_sets(self) -> None:
        """Fill the sets table, then the chosen set's tables, for the table's width."""
        table = self.query_one("#sets", FittingTable)
        table.fill(
            _SET_COLUMNS,
            (
                (
                    s.name,
                    [
                        plain(s.name),
                        "yes" if s.name == self.active else "",
                        str(len(s.assumptions)),
                        str(len(s.hypotheticals)),
                        free_text(s.note),
                    ],
                )
                for s in self.sets.values()
            ),
        )
        if self.chosen is not None:
            table.move_cursor(row=table.get_row_index(self.chosen))
        self.show_set()
        status = f"The analyses use the {pedigree_label(self.active or None)}."
        self.query_one("#assumptions-status", Static).update(status)

    def show_set(self) -> None:
        """Fill the right-hand tables with the chosen set."""
        rows = self.query_one("#assumption-rows", FittingTable)
        placeholders = self.query_one("#hypothetical-rows", FittingTable)
        chosen = self.sets.get(self.chosen or "")
        assumptions = chosen.assumptions if chosen is not None else ()
        hypotheticals = chosen.hypotheticals if chosen is not None else ()
        rows.fill(
            _ASSUMPTION_COLUMNS,
            (
                (
                    f"{a.animal_id}\t{a.field}",
                    [
                        plain(a.animal_id),
                        a.field,
                        plain(a.true_value),
                        plain(a.assumed),
                        free_text(a.note),
                    ],
                )
                for a in assumptions
            ),
        )
        placeholders.fill(
            _HYPOTHETICAL_COLUMNS,
            ((h.id, [plain(h.id), h.sex, free_text(h.note)]) for h in hypotheticals),
        )
        if chosen is not None:
            self.query_one("#set-name", Input).value = chosen.name

    @on(DataTable.RowHighlighted, "#sets")
    def choose_set(self, event: DataTable.RowHighlighted) -> None:
        name = event.row_key.value
        if name is not None and name != self.chosen:
            self.chosen = name
            self.show_set()

    @on(DataTable.RowSelected, "#assumption-rows")
    def edit_assumption(self, event: DataTable.RowSelected) -> None:
        """Put the chosen assumption in the form to change it."""
        chosen = self.sets.get(self.chosen or "")
        key = event.row_key.value or ""
        animal, _, field = key.partition("\t")
        for a in chosen.assumptions if chosen else ():
            if (a.animal_id, a.field) == (animal, field):
                self._fill(a.animal_id, a.field, a.assumed, a.note)

    @on(DataTable.RowSelected, "#hypothetical-rows")
    def edit_hypothetical(self, event: DataTable.RowSelected) -> None:
        chosen = self.sets.get(self.chosen or "")
        for h in chosen.hypotheticals if chosen else ():
            if h.id == event.row_key.value:
                self._fill(h.id, HYPOTHETICAL, h.sex, h.note)

    def _fill(self, animal: str, field: str, value: str, note: str) -> None:
        self.query_one("#animal", Input).value = animal
        self.query_one("#field", Select).value = field
        self.query_one("#value", Input).value = value
        self.query_one("#note", Input).value = note

    # ----------------------------------------------------------------- changes
    def _form(self) -> tuple[str, str, str, str, str]:
        """Set name, animal, field, value and note as typed."""

        def text(name: str) -> str:
            return self.query_one(f"#{name}", Input).value.strip()

        field = str(self.query_one("#field", Select).value)
        return text("set-name"), text("animal"), field, text("value"), text("note")

    def _say(self, message: str) -> None:
        self.query_one("#assumptions-message", Static).update(message)

    def _needs(self, **values: str) -> bool:
        missing = [name for name, value in values.items() if not value]
        if missing:
            self._say("✗ fill in: " + ", ".join(missing))
        return not missing

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        name, animal, field, value, note = self._form()
        if field == HYPOTHETICAL:
            if self._needs(set=name, animal=animal):
                sex = value.upper() or "U"
                what = f"{name}: hypothetical animal {animal} ({sex})"
                self.change(what, (), "add_hypothetical", name, animal, sex, note)
        elif self._needs(set=name, animal=animal, value=value):
            what = f"{name}: {animal} {field} assumed {value}"
            self.change(what, (animal,), "add_assumption", name, animal, field, value, note)

    @on(Button.Pressed, "#remove")
    def action_remove(self) -> None:
        name, animal, field, _, _ = self._form()
        if not self._needs(set=name, animal=animal):
            return
        if field == HYPOTHETICAL:
            what = f"{name}: removed hypothetical animal {animal}"
            self.change(what, (), "remove_hypothetical", name, animal)
        else:
            what = f"{name}: removed the assumed {field} of {animal}"
            self.change(what, (animal,), "remove_assumption", name, animal, field)

    @on(Button.Pressed, "#new-set")
    def action_new_set(self) -> None:
        name = self._form()[0]
        note = self.query_one("#set-note", Input).value.strip()
        if self._needs(set=name):
            self.chosen = name
            self.change(f"created assumption set {name!r}", (), "create_set", name, note)

    @on(Button.Pressed, "#delete-set")
    def delete_set(self) -> None:
        name = self._form()[0]
        if self._needs(set=name):
            self.change(f"deleted assumption set {name!r}", (), "delete_set", name)

    @on(Button.Pressed, "#use")
    def action_use(self) -> None:
        name = self._form()[0]
        if self._needs(set=name):
            self.change(f"the analyses now use assumption set {name!r}", (), "use_set", name)

    @on(Button.Pressed, "#use-record")
    def action_use_record(self) -> None:
        self.change("the analyses now use the true record", (), "use_set", "none")

    def on_assumptions_changed(self, message: AssumptionsChanged) -> None:
        self._say(f"✓ {message.what}")
        self.studbook.after_edit(RecordSaved(f"assumptions: {message.what}", message.animal_ids))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A refused change is said under the form (naming the animal and field)."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            event.stop()
            event.prevent_default()  # not the base screen's error modal too
            self._say(f"✗ {describe_error(event.worker.error)}; nothing was changed")
