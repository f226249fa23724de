"""Change one animal's disposition in the plan: BREED WITH a ranked mate, DO NOT BREED with the
reason, HOLD, or SEND TO an institution.

The form only gathers the change (a :class:`~studbook.plan_draft.DraftEdit`); whether the plan
allows it is decided by the plan's rules (:mod:`studbook.plan_draft`) when the screen applies
it. The mates are listed with their kinship, ΔGD and MSI, those the plan would take first, and
each says whether the plan would take it. The form keeps to one line a field (the choices side
by side) so that it fits a 100×30 terminal with its buttons.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, Select

from studbook.dispositions import Disposition
from studbook.plan_draft import EDITABLE, DraftEdit, MateCandidate
from studbook.present import DELTA_GD, KINSHIP, MSI, RANK, yes_no
from tui.text import plain

__all__ = ["DispositionModal"]

_MATE_HEADINGS = (RANK.label, "Mate", KINSHIP.label, DELTA_GD.label, MSI.label, "At", "Allowed")


class DispositionModal(ModalScreen[DraftEdit | None]):
    """Returns the change asked for, or ``None`` when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="plan-edit.cancel"),
    ]

    def __init__(
        self,
        animal: str,
        now: str,
        mates: tuple[MateCandidate, ...],
        institutions: tuple[str, ...],
    ) -> None:
        super().__init__(classes="form-modal")
        self.animal = animal
        self.now = now
        self.mates = mates
        self.institutions = institutions

    def compose(self) -> ComposeResult:
        with Vertical(classes="form", id="plan-edit"):
            yield Label(plain(f"Animal {self.animal} · now: {self.now}"), classes="form-title")
            with Horizontal(classes="choice-row"):
                yield Label("Disposition")
                first = EDITABLE[0] if self.mates else Disposition.DO_NOT_BREED
                yield Select(
                    [(d.value, d.value) for d in EDITABLE],
                    value=first.value,
                    allow_blank=False,
                    id="disposition",
                )
                yield Label("institution", id="institution-label")
                yield Select([(i, i) for i in self.institutions], id="institution")
            yield Label("Mate: the allowed first, in the pairing ranker's order", id="mates-label")
            mates: DataTable[object] = DataTable(id="mates", cursor_type="row", zebra_stripes=True)
            yield mates
            yield Label("", id="mate-why")
            with Horizontal(classes="field-row"):
                yield Label("Reason")
                yield Input(
                    id="reason", placeholder="needed for DO NOT BREED: contraception, age, ..."
                )
            with Horizontal(classes="buttons"):
                yield Button("Change", id="apply", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        table: DataTable[object] = self.query_one("#mates", DataTable)
        for k, heading in enumerate(_MATE_HEADINGS):
            table.add_column(heading, key=str(k))
        for m in self.mates:
            table.add_row(
                plain(str(m.rank), justify="right"),
                plain(m.mate),
                plain(KINSHIP.text(m.kinship), justify="right"),
                plain(DELTA_GD.text(m.delta_gd), justify="right"),
                plain(m.msi),
                plain(m.location),
                plain(yes_no(not m.refused)),
                key=m.mate,
            )
        self._show_fields()

    @on(DataTable.RowHighlighted, "#mates")
    def _explain(self, event: DataTable.RowHighlighted) -> None:
        """Say why the plan would refuse the highlighted mate."""
        mate = self.mates[event.cursor_row] if event.cursor_row < len(self.mates) else None
        words = "" if mate is None else mate.refused or f"{mate.mate}: allowed"
        self.query_one("#mate-why", Label).update(plain(words))

    def chosen(self) -> Disposition:
        """The disposition selected."""
        return Disposition(str(self.query_one("#disposition", Select).value))

    @on(Select.Changed, "#disposition")
    def _show_fields(self) -> None:
        """Show the mates for BREED WITH and the institutions for SEND TO only."""
        kind = self.chosen()
        breed = kind is Disposition.BREED_WITH
        for selector in ("#mates", "#mates-label", "#mate-why"):
            self.query_one(selector).display = breed
        for selector in ("#institution", "#institution-label"):
            self.query_one(selector).display = kind is Disposition.SEND_TO

    def edit(self) -> DraftEdit:
        """The change the form describes now."""
        kind = self.chosen()
        mate = ""
        if kind is Disposition.BREED_WITH:
            table: DataTable[object] = self.query_one("#mates", DataTable)
            if table.row_count:
                key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
                mate = str(key or "")
        institution = ""
        if kind is Disposition.SEND_TO:
            value = self.query_one("#institution", Select).value
            institution = "" if value is Select.NULL else str(value)
        reason = self.query_one("#reason", Input).value.strip()
        return DraftEdit(self.animal, kind, mate=mate, reason=reason, institution=institution)

    @on(Button.Pressed, "#apply")
    @on(Input.Submitted, "#reason")
    def apply(self) -> None:
        self.dismiss(self.edit())

    @on(DataTable.RowSelected, "#mates")
    def mate_chosen(self) -> None:
        self.dismiss(self.edit())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
