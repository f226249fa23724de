"""The studbook terminal app and its factory, :func:`make_app` (used by the CLI and the tests).

Nothing here touches the database at import time: the app opens it in a worker once it is
mounted, and shows :class:`~tui.screens.errors.DatabaseStatusScreen` if that fails.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import Footer, Header, LoadingIndicator, Static
from textual.worker import Worker, WorkerState, get_current_worker

from db.opening import DatabaseUnavailableError
from studbook.present import printable
from tui import engine
from tui.commands import StudbookCommands
from tui.messages import (
    DatabaseFailed,
    DatabaseOpened,
    GeneticsFailed,
    GeneticsProgress,
    GeneticsReady,
    OpenAnimal,
    RecordSaved,
)
from tui.screens.animals import AnimalsScreen
from tui.screens.assumptions import AssumptionsScreen
from tui.screens.base import BREAKPOINTS
from tui.screens.demography import DemographyScreen
from tui.screens.errors import DatabaseStatusScreen, ErrorModal
from tui.screens.help import HelpScreen, help_text
from tui.screens.pairings import PairingsScreen
from tui.screens.plan import PlanScreen
from tui.screens.population import PopulationScreen
from tui.screens.releases import ReleasesScreen
from tui.store import Store, describe_error

__all__ = ["DARK_THEME", "LIGHT_THEME", "StudbookApp", "make_app"]

DARK_THEME = Theme(
    name="studbook-dark",
    primary="#5B9BD5",
    secondary="#E8A33D",
    accent="#7BC47F",
    warning="#E8C33D",
    error="#E06C5B",
    success="#7BC47F",
    background="#15191E",
    surface="#1D232A",
    panel="#27303A",
    dark=True,
)
LIGHT_THEME = Theme(
    name="studbook-light",
    primary="#2F6DB0",
    secondary="#B8741A",
    accent="#2E8B57",
    warning="#A67C00",
    error="#B83A2E",
    success="#2E8B57",
    background="#F6F4EF",
    surface="#FFFFFF",
    panel="#E6E2D8",
    dark=False,
)


class StartScreen(Screen[None]):
    """Shown while the database is being opened."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Opening the studbook database…", id="start-message")
        yield LoadingIndicator()
        yield Footer()


class StudbookApp(App[None]):
    """The coordinator's studbook: animals, one animal, population, pairings, releases."""

    CSS_PATH = "studbook.tcss"
    HORIZONTAL_BREAKPOINTS = BREAKPOINTS
    TITLE = "studbook"
    COMMANDS: ClassVar = App.COMMANDS | {StudbookCommands}
    MODES: ClassVar = {
        "animals": AnimalsScreen,
        "population": PopulationScreen,
        "pairings": PairingsScreen,
        "releases": ReleasesScreen,
        "demography": DemographyScreen,
        "plan": PlanScreen,
        "assumptions": AssumptionsScreen,
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "go('animals')", "Animals", id="go.animals"),
        Binding("f3", "go('population')", "Population", id="go.population"),
        Binding("f4", "go('pairings')", "Pairings", id="go.pairings"),
        Binding("f5", "go('releases')", "Releases", id="go.releases"),
        Binding("f6", "settings", "Settings", id="app.settings"),
        Binding("f7", "go('demography')", "Demography", id="go.demography"),
        Binding("f8", "go('plan')", "Plan", id="go.plan"),
        Binding("f9", "go('assumptions')", "Assumptions", id="go.assumptions"),
        Binding("f1", "help", "Help", id="app.help"),
        Binding("ctrl+t", "toggle_theme", "Light/dark", id="app.theme"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    genetics_generation: reactive[int] = reactive(0)
    """Counts finished genetics computations; screens watch it to refresh their figures."""

    genetics_status: reactive[str] = reactive("")
    """What the genetics worker is doing, for the header ('' when idle)."""

    pedigree: reactive[str] = reactive("")
    """What the analyses rest on (true record or an assumption set), for the header."""

    def __init__(
        self,
        db_url: str | None = None,
        *,
        theme: str = "studbook-dark",
        census_date: str | None = None,
    ) -> None:
        super().__init__()
        self.db_url = db_url
        self.census_date = census_date
        self.store: Store | None = None
        self.last_saved: RecordSaved | None = None
        self.open_timeout = 2.0
        """Seconds to wait for a locked database before saying it is locked."""
        self._stale_modes: set[str] = set()
        self._start_theme = theme
        self.register_theme(DARK_THEME)
        self.register_theme(LIGHT_THEME)
        engine.prepare()

    # ----------------------------------------------------------------- lifecycle
    def get_default_screen(self) -> Screen[None]:
        return StartScreen()

    def on_mount(self) -> None:
        self.theme = self._start_theme
        self.open_database()

    @work(thread=True, exclusive=True, exit_on_error=False, group="database")
    def open_database(self) -> None:
        """Open (and check) the database in a thread; ends in DatabaseOpened or DatabaseFailed."""
        try:
            store = Store.open(self.db_url, census_date=self.census_date, timeout=self.open_timeout)
        except DatabaseUnavailableError as exc:
            hint = f"{exc.hint} Press r to retry.".strip()
            self.post_message(DatabaseFailed(exc.url, exc.reason, hint))
            return
        if get_current_worker().is_cancelled:
            store.close()
            return
        self.store = store
        engine.warm_up()
        self.post_message(DatabaseOpened(store.description))

    async def on_database_opened(self, message: DatabaseOpened) -> None:
        self.sub_title = message.description
        await self.switch_mode("animals")
        self.refresh_genetics()

    def on_database_failed(self, message: DatabaseFailed) -> None:
        self.sub_title = "no database"
        self.push_screen(DatabaseStatusScreen(message.url, message.reason, message.hint))

    def dismiss_database_status(self) -> None:
        """Close the database status screen and try to open the database again."""
        if isinstance(self.screen, DatabaseStatusScreen):
            self.pop_screen()
        self.open_database()

    async def on_unmount(self) -> None:
        # Stop the genetics first: worker threads waiting for it then end at once.
        engine.stop()
        if self.store is not None:
            self.store.close()

    # ----------------------------------------------------------------- genetics
    @work(thread=True, exclusive=True, exit_on_error=False, group="genetics")
    def refresh_genetics(self) -> None:
        """Recompute the genetics of the living population in a thread, reporting progress."""
        store = self.require_store()
        worker = get_current_worker()
        self.call_from_thread(setattr, self, "pedigree", store.pedigree_label())

        def progress(done: int, total: int, step: str) -> bool:
            self.post_message(GeneticsProgress(done, total, step))
            return not worker.is_cancelled

        try:
            generation = store.compute_genetics(progress)
        except Exception as exc:
            if not worker.is_cancelled:
                self.post_message(GeneticsFailed(exc))
            return
        if generation is not None and not worker.is_cancelled:
            self.post_message(GeneticsReady(generation))

    def on_genetics_progress(self, message: GeneticsProgress) -> None:
        self.genetics_status = f"genetics: {message.step} ({message.done}/{message.total})"

    def on_genetics_ready(self, message: GeneticsReady) -> None:
        self.genetics_status = ""
        self.genetics_generation = message.generation

    def on_genetics_failed(self, message: GeneticsFailed) -> None:
        self.genetics_status = "genetics: failed"
        self.show_error("The genetics could not be computed", describe_error(message.error))

    def watch_genetics_status(self, status: str) -> None:
        self._show_status()

    def watch_pedigree(self, pedigree: str) -> None:
        self._show_status()

    def _show_status(self) -> None:
        """The header's status line: the database, the pedigree analysed, the genetics."""
        if self.store is not None:
            parts = [self.store.description, self.pedigree, self.genetics_status]
            self.sub_title = " · ".join(p for p in parts if p)

    def require_store(self) -> Store:
        """The open store; screens only run after the database was opened."""
        if self.store is None:
            raise RuntimeError("the database is not open yet")
        return self.store

    # ----------------------------------------------------------------- errors
    def show_error(self, title: str, message: str) -> None:
        """Show an error modal (from any screen)."""
        self.push_screen(ErrorModal(title, message))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.show_error("Something went wrong", describe_error(event.worker.error))

    # ----------------------------------------------------------------- navigation
    async def action_go(self, mode: str) -> None:
        """Switch to one of the main screens (animals, population, pairings, releases)."""
        if self.store is None:
            return
        if self.current_mode == mode:
            # Going to the current screen closes anything stacked on it (an animal, say).
            while len(self.screen_stack) > 1 and not isinstance(self.screen, DatabaseStatusScreen):
                self.pop_screen()
            return
        await self.switch_mode(mode)
        if mode in self._stale_modes:
            self._stale_modes.discard(mode)
            from tui.screens.base import StudbookScreen

            if isinstance(self.screen, StudbookScreen):
                self.screen.reload()

    def on_open_animal(self, message: OpenAnimal) -> None:
        self.open_animal(message.animal_id)

    def open_animal(self, animal_id: str) -> None:
        """Show one animal on top of the current screen."""
        from tui.screens.animal import AnimalScreen

        if self.store is None:
            return
        if isinstance(self.screen, AnimalScreen):
            self.screen.show(animal_id)
        else:
            self.push_screen(AnimalScreen(animal_id))

    def open_edit(self, kind: str, animal_id: str | None) -> None:
        """Open the edit form ``kind`` (birth, death, transfer, loan, release, contraception,
        edit)."""
        from tui.screens.edit import EditForm

        if self.store is None:
            return
        if kind != "birth" and animal_id is None:
            self.notify("Choose an animal first", severity="warning")
            return
        self.push_screen(EditForm(kind, animal_id), self.after_edit)

    def after_edit(self, saved: RecordSaved | None) -> None:
        """A write finished: reload every screen and recompute the genetics in the background."""
        if saved is None:
            return
        self.last_saved = saved
        what = ": " + ", ".join(saved.animal_ids) if saved.animal_ids else ""
        self.notify(
            printable(f"Saved ({saved.action}{what}); genetics are being recomputed"), markup=False
        )
        self.reload_screens()
        self.refresh_genetics()

    def reload_screens(self, *, plans_only: bool = False) -> None:
        """The database changed: reload the screens shown now, and the other modes' screens
        when they are next shown. ``plans_only``: only the screens that show issued plans
        (:attr:`~tui.screens.base.StudbookScreen.SHOWS_ISSUED_PLANS`), after a plan is issued."""
        from tui.screens.base import StudbookScreen

        for screen in self.screen_stack:
            if isinstance(screen, StudbookScreen) and (screen.SHOWS_ISSUED_PLANS or not plans_only):
                screen.reload()
        for name, screen_type in self.MODES.items():
            if name != self.current_mode and (screen_type.SHOWS_ISSUED_PLANS or not plans_only):
                self._stale_modes.add(name)

    def action_settings(self) -> None:
        """Open the programme settings form; a save recomputes every analysis."""
        from tui.screens.settings import SettingsForm

        if self.store is None or isinstance(self.screen, SettingsForm):
            return
        self.push_screen(SettingsForm(), self.after_edit)

    async def action_show_breeding_plan(self) -> None:
        """Show the optimal breeding plan on the pairings screen."""
        await self.action_go("pairings")
        screen = self.screen
        if isinstance(screen, PairingsScreen) and not screen.filter.plan:
            screen.action_toggle_plan()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(help_text(self.screen)))

    def action_toggle_theme(self) -> None:
        self.theme = "studbook-light" if self.theme == "studbook-dark" else "studbook-dark"

    def get_system_commands(self, screen: Screen[object]) -> list[SystemCommand]:  # type: ignore[override]
        commands = list(super().get_system_commands(screen))
        commands.append(
            SystemCommand("Light or dark theme", "Switch theme", self.action_toggle_theme)
        )
        return commands


def make_app(
    db_url: str | None = None,
    *,
    theme: str = "dark",
    census_date: str | None = None,
) -> StudbookApp:
    """Build the app for ``db_url`` (``None``: ``STUDBOOK_DB_URL`` or the default SQLite file).

    ``theme`` is ``"dark"`` or ``"light"``; ``census_date`` (ISO) fixes the date the living
    population is taken at (default: today). The database is opened when the app starts.
    """
    if theme not in ("dark", "light"):
        raise ValueError(f"theme must be 'dark' or 'light', not {theme!r}")
    return StudbookApp(db_url, theme=f"studbook-{theme}", census_date=census_date)
