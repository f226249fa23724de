"""The app shell: the database status, help, themes, the error modal, the command palette."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.message import Message

from db.migrate import upgrade
from db.session import make_engine
from tui.app import StudbookApp, make_app
from tui.messages import DatabaseFailed
from tui.screens.errors import DatabaseStatusScreen, ErrorModal
from tui.screens.help import HelpScreen

SIZE = (120, 40)


def _schema_only(path: Path) -> str:
    """An empty studbook database at the current schema; its URL."""
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


async def _status(app: StudbookApp, messages: list[Message]) -> DatabaseStatusScreen:
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DatabaseStatusScreen)
        return app.screen


class TestDatabaseCannotBeOpened:
    async def test_wrong_path_says_there_is_no_database_there(self, tmp_path: Path) -> None:
        """A missing SQLite file shows the status screen, names the path and creates nothing."""
        messages: list[Message] = []
        missing = tmp_path / "nowhere" / "studbook.sqlite3"
        screen = await _status(make_app(str(missing)), messages)
        assert "no studbook database" in screen.reason and str(missing) in screen.reason
        assert "studbook import" in screen.hint
        assert any(isinstance(m, DatabaseFailed) for m in messages)
        assert not missing.parent.exists()

    async def test_newer_schema_is_refused_without_touching_it(self, tmp_path: Path) -> None:
        """A database at a migration this program does not know is named as newer."""
        path = tmp_path / "newer.sqlite3"
        _schema_only(path)
        with sqlite3.connect(path) as con:
            con.execute("UPDATE alembic_version SET version_num = 'ffff_future'")
        screen = await _status(make_app(str(path)), [])
        assert "newer version of studbook" in screen.reason
        with sqlite3.connect(path) as con:
            assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (
                "ffff_future",
            )

    async def test_empty_database_says_how_to_create_the_studbook(self, tmp_path: Path) -> None:
        """A file without the studbook schema points to 'studbook init'."""
        path = tmp_path / "empty.sqlite3"
        sqlite3.connect(path).close()
        screen = await _status(make_app(str(path)), [])
        assert "no studbook" in screen.reason and "studbook init" in screen.reason

    async def test_locked_database_says_so_and_retry_works(self, tmp_path: Path) -> None:
        """A database locked by another writer is reported; r retries once it is free."""
        path = tmp_path / "locked.sqlite3"
        url = _schema_only(path)
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        app = make_app(url)
        app.open_timeout = 0.2
        try:
            async with app.run_test(size=SIZE) as pilot:
                await app.workers.wait_for_complete()
                await pilot.pause()
                assert isinstance(app.screen, DatabaseStatusScreen)
                assert "locked" in app.screen.reason
                holder.execute("ROLLBACK")
                await pilot.press("r")
                await app.workers.wait_for_complete()
                await pilot.pause()
                assert not isinstance(app.screen, DatabaseStatusScreen)
                assert app.store is not None
        finally:
            holder.close()


class TestEverywhere:
    async def test_help_lists_the_keys_of_the_screen(self, tmp_path: Path) -> None:
        """F1 opens help with the keys active where it was opened; escape closes it."""
        app = make_app(str(tmp_path / "none.sqlite3"))
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()
            await pilot.press("f1")
            assert isinstance(app.screen, HelpScreen)
            assert "Retry" in app.screen.text and "Quit" in app.screen.text
            await pilot.press("escape")
            assert isinstance(app.screen, DatabaseStatusScreen)

    async def test_light_and_dark_themes(self, tmp_path: Path) -> None:
        """ctrl+t switches between the light and the dark theme; make_app picks the first."""
        app = make_app(str(tmp_path / "none.sqlite3"), theme="light")
        async with app.run_test(size=SIZE) as pilot:
            assert app.theme == "studbook-light"
            await pilot.press("ctrl+t")
            assert app.theme == "studbook-dark"
            assert app.current_theme.dark

    def test_unknown_theme_is_refused(self) -> None:
        """make_app accepts only 'dark' and 'light'."""
        with pytest.raises(ValueError, match="theme"):
            make_app(theme="blue")

    async def test_error_modal_shows_the_message_and_closes(self, tmp_path: Path) -> None:
        """show_error pushes a modal with the message; enter closes it."""
        app = make_app(str(tmp_path / "none.sqlite3"))
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()
            app.show_error("Broken", "the pedigree has a loop: 1 -> 2 -> 1")
            await pilot.pause()
            assert isinstance(app.screen, ErrorModal)
            assert "loop" in app.screen.message
            await pilot.press("enter")
            assert not isinstance(app.screen, ErrorModal)

    def test_no_engine_at_import_or_construction(self) -> None:
        """make_app creates no engine: the database is opened by a worker after start."""
        app = make_app("sqlite:////nonexistent/dir/x.sqlite3")
        assert app.store is None
