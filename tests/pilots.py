"""What the terminal-UI tests share: waiting until the app has nothing left to do, opening a
screen by its key, pressing a button as a person would, reading the table on screen, and a
second user's database sessions."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, DataTable

from db.session import make_engine, make_session_factory


async def settle(app: App[None], pilot: Pilot[None]) -> None:
    """Wait until every worker is done and the messages they posted are handled: at least four
    rounds (workers may start workers), then on while a round leaves a worker unfinished (a
    loaded machine hands a message on more slowly), at most 50 rounds."""
    for done in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if done >= 3 and all(w.is_finished for w in app.workers):
            return


ScreenT = TypeVar("ScreenT", bound=Screen[Any])


async def show(app: App[None], pilot: Pilot[None], key: str, kind: type[ScreenT]) -> ScreenT:
    """Press ``key`` (a screen's F-key), wait until the screen has loaded, and return it,
    checked to be a ``kind``."""
    await pilot.press(key)
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, kind), screen
    return screen


async def press_button(pilot: Pilot[None], selector: str) -> None:
    """Click the button ``selector`` once it can take a click: a Button ignores clicks for
    0.2 s after the last one (its "-active" flash), so a second click on the same button
    that a fast machine sends sooner would be lost."""
    button = pilot.app.screen.query_one(selector, Button)
    for _ in range(100):
        if not button.has_class("-active"):
            break
        await pilot.pause(0.05)
    await pilot.click(selector)


def table_ids(app: App[None]) -> list[str]:
    """The row keys (studbook ids) of the table on the current screen, in display order."""
    table: DataTable[object] = app.screen.query_one(DataTable)
    return [str(key.value) for key in table.rows]


def column_keys(app: App[None]) -> tuple[str, ...]:
    """The column keys of the table on the current screen, in display order."""
    table: DataTable[object] = app.screen.query_one(DataTable)
    return tuple(str(key.value) for key in table.columns)


def other_user(url: str) -> sessionmaker[Session]:
    """Sessions of another user on the app's database (a concurrent edit, an audit check)."""
    return make_session_factory(make_engine(url), user="other-user")
