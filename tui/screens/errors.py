"""The error modal and the full-screen status shown when the database cannot be opened."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Static

__all__ = ["DatabaseStatusScreen", "ErrorModal"]


class ErrorModal(ModalScreen[None]):
    """Shows an error a person can act on; any of escape, enter or the button closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "dismiss", "Close", id="error.close"),
    ]

    def __init__(self, title: str, message: str) -> None:
        super().__init__(classes="error-modal")
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="error-box"):
            yield Static(self.title_text, id="error-title")
            with VerticalScroll(id="error-body"):
                yield Static(self.message, id="error-message", markup=False)
            yield Button("Close", id="error-close", variant="error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss()


class DatabaseStatusScreen(Screen[None]):
    """Replaces the app when the database cannot be opened, saying why and what to do."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Retry", id="database.retry"),
        Binding("q", "app.quit", "Quit", id="database.quit"),
    ]

    def __init__(self, url: str, reason: str, hint: str) -> None:
        super().__init__(id="database-status")
        self.url = url
        self.reason = reason
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="database-box"):
            yield Static("The studbook database cannot be opened", id="database-title")
            yield Static(self.url, id="database-url", markup=False)
            yield Static(self.reason, id="database-reason", markup=False)
            yield Static(self.hint, id="database-hint", markup=False)
        yield Footer()

    def action_retry(self) -> None:
        from tui.app import StudbookApp

        app = self.app
        assert isinstance(app, StudbookApp)
        app.dismiss_database_status()
