"""What every studbook screen shares: the store, worker errors into the error modal."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tui.store import describe_error

if TYPE_CHECKING:
    from tui.app import StudbookApp
    from tui.store import Store

__all__ = ["BREAKPOINTS", "WIDE_FROM", "StudbookScreen", "worker_failed"]

WIDE_FROM = 140
"""Terminal columns from which the screens lay out wide (every table column, panels side by
side); below it they are narrow (the columns that matter most, panels stacked)."""

BREAKPOINTS = [(0, "-narrow"), (WIDE_FROM, "-wide")]
"""The app's horizontal breakpoints: each screen has the class ``-narrow`` or ``-wide``, which
the stylesheet (``tui/studbook.tcss``) lays out by."""


def worker_failed(screen: Screen[object], event: Worker.StateChanged) -> None:
    """Show a failed worker's error in the error modal (the screen stays usable)."""
    if event.state is WorkerState.ERROR and event.worker.error is not None:
        app = cast("StudbookApp", screen.app)
        title = event.worker.name or "a background task"
        app.show_error(f"Failed: {title}", describe_error(event.worker.error))


class StudbookScreen(Screen[None]):
    """A main screen: reads through the app's store, reloads when the genetics change."""

    SHOWS_ISSUED_PLANS: ClassVar[bool] = False
    """Whether the screen shows what the issued plans say (their notes, open moves): then it
    is reloaded when a plan is issued (:meth:`~tui.app.StudbookApp.reload_screens`)."""

    @property
    def studbook(self) -> StudbookApp:
        return cast("StudbookApp", self.app)

    @property
    def store(self) -> Store:
        return self.studbook.require_store()

    def on_mount(self) -> None:
        self.watch(self.app, "genetics_generation", self.on_genetics_changed, init=False)
        self.reload()

    def reload(self) -> None:
        """Start the workers that fill the screen."""

    def on_genetics_changed(self, generation: int) -> None:
        """Fresh genetics: reload what depends on them (default: everything)."""
        self.reload()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker_failed(self, event)
