"""The Plan screen: the Breeding and Transfer Plan, institution by institution, changed by hand.

The left table lists the institutions (as the document orders them); the right one shows the
highlighted institution's living animals with their one disposition each, exactly as the
document writes them.

``e`` changes the highlighted animal's disposition
(:class:`~tui.screens.plan_edit.DispositionModal`): the changes form a draft plan
(:mod:`studbook.plan_draft`) whose exact next-generation genetics are recomputed in a worker
after each change, with a progress bar; a change the plan's rules forbid is refused with the
rule and the plan stays as it was. ``u`` undoes the last change.
``s`` stores the plan as issued (the next version, as ``studbook plan issue`` does) and ``x``
exports the whole document (HTML, Markdown or CSV) with the changes.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, ProgressBar, Static
from textual.worker import get_current_worker

from studbook.plan_draft import DraftEdit
from studbook.present import printable
from tui.engine import PlanInstitution
from tui.messages import (
    MatesLoaded,
    OpenAnimal,
    PlanEditRefused,
    PlanGeneticsLoaded,
    PlanIssued,
    PlanLoaded,
    ReportExported,
)
from tui.screens.base import StudbookScreen
from tui.screens.export import ExportModal
from tui.screens.plan_edit import DispositionModal
from tui.store import PlanView
from tui.text import plain
from tui.widgets.tables import FittingTable, free_text

__all__ = ["DOCUMENT_FORMATS", "PlanScreen", "institution_cells"]

DOCUMENT_FORMATS = ("html", "markdown", "csv")
_DISPOSITION = 5
_NUMERIC = {4}


def institution_cells(institution: PlanInstitution) -> tuple[Text, ...]:
    """An institution's row: its mnemonic, its animals and how many of them move or receive."""
    moves = sum(1 for row in institution.rows if row[_DISPOSITION].startswith(("SEND", "RECEIVE")))
    return (
        plain(institution.mnemonic),
        Text(str(len(institution.rows)), justify="right"),
        Text(str(moves), justify="right"),
    )


class PlanScreen(StudbookScreen):
    """Institutions on the left, the highlighted one's animals and dispositions on the right;
    enter on an animal opens it; e changes its disposition, u undoes, s saves the plan as
    issued, x exports the Breeding and Transfer Plan."""

    AUTO_FOCUS = "#plan-institutions"
    SHOWS_ISSUED_PLANS = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Change disposition", id="plan.edit"),
        Binding("u", "undo", "Undo change", id="plan.undo"),
        Binding("s", "save", "Save (issue)", id="plan.save"),
        Binding("x", "export", "Export the document", id="plan.export"),
        Binding("tab", "switch_table", "Institutions/animals", id="plan.switch", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="plan")
        self.view: PlanView | None = None
        self.edits: tuple[DraftEdit, ...] = ()
        """The changes by hand the screen shows (each accepted by the plan's rules)."""
        self.figures: tuple[tuple[str, str], ...] = ()
        """The genetics of the plan shown (label, text), once computed."""
        self.issued: int | None = None
        """The version the last save stored."""
        self.shown: str | None = None
        """The institution whose animals the right table shows."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="plan-summary", markup=False)
        with Horizontal(id="plan-body"):
            institutions: DataTable[str | Text] = DataTable(
                id="plan-institutions", cursor_type="row", zebra_stripes=True
            )
            institutions.add_column("Institution", key="institution")
            institutions.add_column("Animals", key="animals")
            institutions.add_column("Moves", key="moves")
            yield institutions
            with Vertical(id="plan-right"):
                yield Static("", id="plan-institution", markup=False)
                yield FittingTable(id="plan-animals", cursor_type="row", zebra_stripes=True)
                yield Static("", id="plan-note", classes="status", markup=False)
        yield Static("", id="plan-genetics", markup=False)
        yield ProgressBar(id="plan-progress", total=2, show_eta=False)
        yield Static("", id="plan-status", markup=False)
        yield Footer()

    def reload(self) -> None:
        self.query_one("#plan-institutions", DataTable).loading = self.view is None
        self.load_plan(self.edits)

    @work(thread=True, exclusive=True, exit_on_error=False, group="plan", name="breeding plan")
    def load_plan(self, edits: tuple[DraftEdit, ...], edit: DraftEdit | None = None) -> None:
        """The plan after ``edits`` (and ``edit``, when the rules allow it), then its genetics;
        the progress bar counts the two steps."""
        worker = get_current_worker()
        self.app.call_from_thread(self._progress, 0)
        if edit is not None:
            refused = self.store.check_plan_edit(edits, edit)
            if refused is not None:
                self.post_message(PlanEditRefused(edit, refused))
                return
            edits = (*edits, edit)
        view = self.store.plan(edits)
        if worker.is_cancelled:
            return
        self.post_message(PlanLoaded(view))
        self.app.call_from_thread(self._progress, 1)
        lines = self.store.plan_genetics(edits)
        if not worker.is_cancelled:
            self.post_message(PlanGeneticsLoaded(lines, edits))

    def _progress(self, done: int) -> None:
        bar = self.query_one("#plan-progress", ProgressBar)
        bar.display = True
        bar.update(progress=done)
        step = ("checking the change and the dispositions", "exact next-generation genetics")[done]
        self.query_one("#plan-genetics", Static).update(f"Updating the plan: {step} ({done + 1}/2)")

    @work(thread=True, exclusive=True, exit_on_error=False, group="export", name="export plan")
    def write_document(self, path: str, fmt: str) -> None:
        written = self.store.export_plan_document(path, fmt, self.edits)
        self.post_message(ReportExported(str(written)))

    @work(thread=True, exclusive=True, exit_on_error=False, group="plan-mates", name="mates")
    def load_mates(self, animal: str) -> None:
        mates = self.store.mate_candidates(self.edits, animal)
        self.post_message(MatesLoaded(animal, mates))

    @work(thread=True, exclusive=True, exit_on_error=False, group="plan-save", name="save plan")
    def issue(self, edits: tuple[DraftEdit, ...]) -> None:
        self.post_message(PlanIssued(self.store.issue_plan(edits)))

    def on_plan_loaded(self, message: PlanLoaded) -> None:
        edits = message.view.edits
        if len(edits) > len(self.edits) and edits[: len(self.edits)] == self.edits:
            self.query_one("#plan-status", Static).update(plain(f"Changed: {edits[-1].describe()}"))
        self.view = message.view
        self.edits = edits
        self.query_one("#plan-summary", Static).update(" ".join(message.view.summary))
        table: DataTable[str | Text] = self.query_one("#plan-institutions", DataTable)
        row_at = table.cursor_row
        table.clear()
        for institution in message.view.institutions:
            table.add_row(*institution_cells(institution), key=institution.mnemonic)
        table.loading = False
        if table.row_count:
            table.move_cursor(row=min(row_at, table.row_count - 1), animate=False)
            self._show(message.view.institutions[table.cursor_row])

    def on_plan_genetics_loaded(self, message: PlanGeneticsLoaded) -> None:
        if message.edits != self.edits:
            return  # a later change is on its way
        self.figures = message.lines
        self.query_one("#plan-progress").display = False
        self.query_one("#plan-genetics", Static).update(
            " · ".join(f"{label} {text}" for label, text in message.lines)
        )

    def on_plan_edit_refused(self, message: PlanEditRefused) -> None:
        self.query_one("#plan-progress").display = False
        self.query_one("#plan-genetics", Static).update(
            " · ".join(f"{label} {text}" for label, text in self.figures)
        )
        words = f"Refused: {message.edit.describe()}: {message.reason}; the plan is unchanged"
        self.query_one("#plan-status", Static).update(plain(words))
        self.notify(printable(words), title="Change refused", severity="error", markup=False)

    def _show(self, institution: PlanInstitution) -> None:
        """The institution's animals; the notes (the last, free-text column) are cut to the
        width the other columns leave, and the note line shows the highlighted one whole."""
        assert self.view is not None
        animals = self.query_one("#plan-animals", FittingTable)
        row_at = animals.cursor_row
        same = self.shown == institution.mnemonic
        rows = []
        for row in institution.rows:
            cells = [
                plain(cell, justify="right") if k in _NUMERIC else plain(cell)
                for k, cell in enumerate(row[:-1])
            ]
            cells[_DISPOSITION].stylize("bold")
            rows.append((row[0], [*cells, free_text(row[-1])]))
        animals.fill([(str(k), h) for k, h in enumerate(self.view.headings)], rows)
        if same and row_at and animals.row_count:
            # Stay on the animal just changed (after the table has laid out its columns).
            row_at = min(row_at, animals.row_count - 1)
            self.call_after_refresh(animals.move_cursor, row=row_at, animate=False)
        self.shown = institution.mnemonic
        self.query_one("#plan-institution", Static).update(plain(institution.title))
        self.call_after_refresh(self._show_note)

    def _show_note(self) -> None:
        """The highlighted animal's notes, whole, under the table (which may cut them)."""
        animals: DataTable[str | Text] = self.query_one("#plan-animals", DataTable)
        note = self.query_one("#plan-note", Static)
        if not animals.row_count:
            note.update("")
            return
        row = animals.get_row_at(animals.cursor_row)
        note.update(plain(f"{row[0]} {row[2]}: {row[-1]}" if str(row[-1]) else ""))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        view = self.view
        if event.data_table.id == "plan-institutions" and view is not None:
            self._show(view.institutions[event.cursor_row])
        elif event.data_table.id == "plan-animals":
            self._show_note()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "plan-animals" and event.row_key.value is not None:
            self.post_message(OpenAnimal(event.row_key.value))
        elif event.data_table.id == "plan-institutions":
            self.query_one("#plan-animals", DataTable).focus()

    def action_switch_table(self) -> None:
        """Move between the institutions and the animals."""
        institutions = self.query_one("#plan-institutions", DataTable)
        target = "#plan-animals" if institutions.has_focus else "#plan-institutions"
        self.query_one(target, DataTable).focus()

    def highlighted_animal(self) -> tuple[str, str] | None:
        """The highlighted animal's id and disposition as shown, ``None`` when none is."""
        animals: DataTable[str | Text] = self.query_one("#plan-animals", DataTable)
        if not animals.row_count:
            return None
        row = animals.get_row_at(animals.cursor_row)
        mate = str(row[_DISPOSITION + 1])
        return str(row[0]), str(row[_DISPOSITION]) + (f" {mate}" if mate else "")

    def action_edit(self) -> None:
        """Change the highlighted animal's disposition: fetch its ranked mates, then ask."""
        chosen = self.highlighted_animal()
        if chosen is None:
            self.notify("Choose an animal first", severity="warning")
            return
        self.load_mates(chosen[0])

    def on_mates_loaded(self, message: MatesLoaded) -> None:
        chosen = self.highlighted_animal()
        now = chosen[1] if chosen is not None and chosen[0] == message.animal else ""
        institutions = self.view.known_institutions if self.view is not None else ()

        def changed(edit: DraftEdit | None) -> None:
            if edit is not None:
                self.load_plan(self.edits, edit)

        self.app.push_screen(
            DispositionModal(message.animal, now, message.mates, institutions), changed
        )

    def action_undo(self) -> None:
        """Take back the last change."""
        if self.edits:
            self.query_one("#plan-status", Static).update(
                plain(f"Undone: {self.edits[-1].describe()}")
            )
            self.load_plan(self.edits[:-1])

    def action_save(self) -> None:
        """Store the plan as shown as issued (the next version)."""
        self.query_one("#plan-status", Static).update("Saving the plan as issued…")
        self.issue(self.edits)

    def on_plan_issued(self, message: PlanIssued) -> None:
        self.issued = message.version
        words = f"Saved as plan {message.version} (issued today, every recommendation open)"
        self.query_one("#plan-status", Static).update(words)
        self.notify(words, title="Plan issued")
        # The issued plan is now the programme's history: the next plan starts from it, and
        # every screen that shows issued plans shows this one.
        self.edits = ()
        self.studbook.reload_screens(plans_only=True)

    def on_report_exported(self, message: ReportExported) -> None:
        self.notify(printable(f"Plan written to {message.path}"), title="Exported", markup=False)

    def action_export(self) -> None:
        """Ask for a file and a format, then write the whole plan document."""

        def chosen(result: tuple[str, str] | None) -> None:
            if result is not None:
                self.write_document(*result)

        self.app.push_screen(
            ExportModal(
                "breeding-and-transfer-plan",
                formats=DOCUMENT_FORMATS,
                title="Export the Breeding and Transfer Plan",
            ),
            chosen,
        )
