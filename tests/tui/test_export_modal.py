"""The export dialog: a documented default folder, the full path shown, no silent overwrite."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pilots import press_button
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Button, Input, Label

from tui.folders import export_folder
from tui.screens.export import ExportModal


class Host(App[None]):
    """An empty app that opens the dialog and keeps what it returns."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.results: list[tuple[str, str] | None] = []

    def on_mount(self) -> None:
        self.push_screen(ExportModal("studbook-pairings", self.folder), self.results.append)


def shown(app: App[None]) -> str:
    """The text of the dialog's target line."""
    return str(app.screen.query_one("#target", Label).render())


def button(app: App[None]) -> str:
    """The label of the dialog's write button."""
    return str(app.screen.query_one("#export", Button).label)


async def until(pilot: Pilot[None], done: Callable[[], bool]) -> None:
    """Let the app handle its messages until ``done()`` (a loaded machine needs several
    rounds for a click or a typed value to arrive)."""
    for _ in range(100):
        if done():
            return
        await pilot.pause()
    assert done()


class TestExportDialog:
    """Where the dialog writes, what it says before, and how it treats an existing file."""

    def test_default_folder_is_in_the_documents_folder(self) -> None:
        """The exports folder is ``studbook`` in the user's documents folder, not the cwd."""
        from platformdirs import user_documents_dir

        assert export_folder() == Path(user_documents_dir()) / "studbook"
        assert export_folder() != Path.cwd()

    async def test_the_full_path_is_shown_and_returned(self, tmp_path: Path) -> None:
        """The field starts with the full default path; a relative name lands in the folder."""
        app = Host(tmp_path)
        async with app.run_test() as pilot:
            await until(pilot, lambda: isinstance(app.screen, ExportModal))
            field = app.screen.query_one("#path", Input)
            assert field.value == str(tmp_path / "studbook-pairings.csv")
            await until(pilot, lambda: shown(app).startswith("Writes to"))
            assert shown(app) == f"Writes to {tmp_path / 'studbook-pairings.csv'}"
            field.value = "plan.md"
            await until(pilot, lambda: shown(app) == f"Writes to {tmp_path / 'plan.md'}")
            await pilot.click("#export")
            await until(pilot, lambda: bool(app.results))
        assert app.results == [(str(tmp_path / "plan.md"), "csv")]

    async def test_an_existing_file_is_replaced_only_when_asked(self, tmp_path: Path) -> None:
        """The first press on an existing file asks (the button turns to Replace) and returns
        nothing; Replace on that same path returns it; another path is asked about afresh."""
        existing = tmp_path / "studbook-pairings.csv"
        existing.write_text("kept", encoding="utf-8")
        app = Host(tmp_path)
        async with app.run_test() as pilot:
            await until(pilot, lambda: isinstance(app.screen, ExportModal))
            await until(pilot, lambda: shown(app).endswith("(the file exists)"))
            await pilot.click("#export")
            await until(pilot, lambda: button(app) == "Replace")
            assert app.results == [] and isinstance(app.screen, ExportModal)
            assert (
                shown(app)
                == f"{existing} exists. Press Replace to overwrite it, or change the name."
            )
            field = app.screen.query_one("#path", Input)
            field.value = str(existing) + "x"
            await until(pilot, lambda: button(app) == "Export")
            field.value = str(existing)
            await until(pilot, lambda: button(app) == "Replace")
            await press_button(pilot, "#export")
            await until(pilot, lambda: bool(app.results))
        assert app.results == [(str(existing), "csv")]
        assert existing.read_text(encoding="utf-8") == "kept"  # the dialog itself writes nothing
