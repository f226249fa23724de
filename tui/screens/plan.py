"""The Plan screen: the Breeding and Transfer Plan, institution by institution.

The left table lists the institutions (as the document orders them); the right one shows the
highlighted institution's living animals with their one disposition each, exactly as the
document writes them. ``x`` exports the whole document (HTML, Markdown or CSV).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import get_current_worker

from studbook.present import printable
from tui.engine import PlanInstitution
from tui.messages import OpenAnimal, PlanLoaded, ReportExported
from tui.screens.base import StudbookScreen
from tui.screens.export import ExportModal
from tui.store import PlanView
from tui.text import plain

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
    enter on an animal opens it; x exports the Breeding and Transfer Plan."""

    AUTO_FOCUS = "#plan-institutions"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "export", "Export the document", id="plan.export"),
        Binding("tab", "switch_table", "Institutions/animals", id="plan.switch", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="plan")
        self.view: PlanView | None = None

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
                yield DataTable(id="plan-animals", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def reload(self) -> None:
        self.query_one("#plan-institutions", DataTable).loading = self.view is None
        self.load_plan()

    @work(thread=True, exclusive=True, exit_on_error=False, group="plan", name="breeding plan")
    def load_plan(self) -> None:
        view = self.store.plan()
        if not get_current_worker().is_cancelled:
            self.post_message(PlanLoaded(view))

    @work(thread=True, exclusive=True, exit_on_error=False, group="export", name="export plan")
    def write_document(self, path: str, fmt: str) -> None:
        written = self.store.export_plan_document(path, fmt)
        self.post_message(ReportExported(str(written)))

    def on_plan_loaded(self, message: PlanLoaded) -> None:
        self.view = message.view
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

    def _show(self, institution: PlanInstitution) -> None:
        assert self.view is not None
        animals: DataTable[str | Text] = self.query_one("#plan-animals", DataTable)
        animals.clear(columns=True)
        for k, heading in enumerate(self.view.headings):
            animals.add_column(heading, key=str(k))
        for row in institution.rows:
            cells = [
                plain(cell, justify="right") if k in _NUMERIC else plain(cell)
                for k, cell in enumerate(row)
            ]
            cells[_DISPOSITION].stylize("bold")
            animals.add_row(*cells, key=row[0])
        self.query_one("#plan-institution", Static).update(plain(institution.title))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        view = self.view
        if event.data_table.id == "plan-institutions" and view is not None:
            self._show(view.institutions[event.cursor_row])

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
