"""Ask where to write a report and in which format.

Reports go to the exports folder (:func:`tui.folders.export_folder`: ``studbook`` in the user's
documents folder, e.g. ``~/Documents/studbook``) unless another path is typed; a relative path
is taken inside that folder, never in whatever folder the program was started from. The full
path is shown before writing, and an existing file is replaced only after a second, explicit
press.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from tui.folders import export_folder, export_target
from tui.text import plain

__all__ = ["REPORT_FORMATS", "ExportModal"]

REPORT_FORMATS = ("csv", "markdown", "json", "table")
_SUFFIX = {"csv": ".csv", "markdown": ".md", "json": ".json", "table": ".txt", "html": ".html"}


class ExportModal(ModalScreen[tuple[str, str] | None]):
    """Returns ``(absolute path, format)`` or ``None`` when cancelled; ``formats`` are offered,
    the first chosen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export.cancel"),
    ]

    def __init__(
        self,
        stem: str,
        folder: Path | None = None,
        formats: tuple[str, ...] = REPORT_FORMATS,
        title: str = "",
    ) -> None:
        super().__init__(classes="form-modal")
        self.stem = stem
        self.folder = folder if folder is not None else export_folder()
        self.formats = formats
        self.heading = title or "Export the current view"
        self.confirmed: Path | None = None
        """The existing file the user was asked about: a press of Replace while the path names
        it overwrites it; any other path is asked about afresh."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(self.heading, classes="form-title")
            yield Label("Format")
            first = self.formats[0]
            yield Select(
                [(f, f) for f in self.formats], value=first, allow_blank=False, id="format"
            )
            yield Label("File")
            yield Input(str(self.folder / f"{self.stem}{_SUFFIX[first]}"), id="path")
            yield Label("", id="target")
            with Horizontal(classes="buttons"):
                yield Button("Export", id="export", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.show_target()

    def target(self) -> Path:
        """The file the typed path names now."""
        return export_target(self.query_one("#path", Input).value.strip(), self.folder)

    def show_target(self) -> None:
        """Say where the report will go, and whether that replaces a file."""
        target = self.target()
        asking = target.exists() and self.confirmed == target
        if asking:
            words = f"{target} exists. Press Replace to overwrite it, or change the name."
        else:
            words = f"Writes to {target}" + (" (the file exists)" if target.exists() else "")
        self.query_one("#target", Label).update(plain(words))
        self.query_one("#export", Button).label = "Replace" if asking else "Export"

    @on(Select.Changed, "#format")
    def format_changed(self, event: Select.Changed) -> None:
        path = self.query_one("#path", Input)
        base = path.value.rsplit(".", 1)[0] if "." in path.value else path.value
        path.value = base + _SUFFIX[str(event.value)]

    @on(Input.Changed, "#path")
    def path_changed(self) -> None:
        self.show_target()

    @on(Button.Pressed, "#export")
    @on(Input.Submitted, "#path")
    def export(self) -> None:
        if not self.query_one("#path", Input).value.strip():
            return
        target = self.target()
        if target.exists() and self.confirmed != target:
            # The first press on an existing file only asks; the second (Replace) writes.
            self.confirmed = target
            self.show_target()
            return
        self.dismiss((str(target), str(self.query_one("#format", Select).value)))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
