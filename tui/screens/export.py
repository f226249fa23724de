"""Ask where to write a report and in which format."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

__all__ = ["REPORT_FORMATS", "ExportModal"]

REPORT_FORMATS = ("csv", "markdown", "json", "table")
_SUFFIX = {"csv": ".csv", "markdown": ".md", "json": ".json", "table": ".txt", "html": ".html"}


class ExportModal(ModalScreen[tuple[str, str] | None]):
    """Returns ``(path, format)`` or ``None`` when cancelled; ``formats`` are offered, the
    first chosen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export.cancel"),
    ]

    def __init__(
        self, stem: str, formats: tuple[str, ...] = REPORT_FORMATS, title: str = ""
    ) -> None:
        super().__init__(classes="form-modal")
        self.stem = stem
        self.formats = formats
        self.heading = title or "Export the current view"

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(self.heading, classes="form-title")
            yield Label("Format")
            first = self.formats[0]
            yield Select(
                [(f, f) for f in self.formats], value=first, allow_blank=False, id="format"
            )
            yield Label("File")
            yield Input(self.stem + _SUFFIX[first], id="path")
            with Horizontal(classes="buttons"):
                yield Button("Export", id="export", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Select.Changed, "#format")
    def format_changed(self, event: Select.Changed) -> None:
        path = self.query_one("#path", Input)
        base = path.value.rsplit(".", 1)[0] if "." in path.value else path.value
        path.value = base + _SUFFIX[str(event.value)]

    @on(Button.Pressed, "#export")
    @on(Input.Submitted, "#path")
    def export(self) -> None:
        path = self.query_one("#path", Input).value.strip()
        if path:
            self.dismiss((path, str(self.query_one("#format", Select).value)))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
