"""Studbook text is data: markup and control characters in it are shown, never obeyed."""

from __future__ import annotations

import sqlite3

from pilots import settle
from textual.widgets import OptionList, Static

from tui.app import make_app
from tui.screens.animal import AnimalScreen
from tui.widgets.pedigree import PedigreeTree

CENSUS = "2024-01-01"
SIZE = (160, 45)
CLOSING_TAG = "[/]"
LINK = "[link=https://evil.example]Darla[/link]"
ESCAPES = "\x1b]0;pwned\x07\x1b[2J"


def hostile(url: str) -> str:
    """The small studbook with hostile house names on 5 (sire of 9), 7 (dam of 9) and 9."""
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        for animal, name in (("5", CLOSING_TAG), ("7", LINK), ("9", ESCAPES)):
            connection.execute(
                "update animal set house_name = ? where studbook_id = ?", (name, animal)
            )
    return url


def tree_labels(tree: PedigreeTree) -> list[str]:
    out, todo = [], [tree.root]
    while todo:
        node = todo.pop()
        out.append(node.label.plain)
        todo.extend(node.children)
    return out


class TestHostileHouseNames:
    """Markup-like names and terminal escapes reach the screen as plain, escaped text."""

    async def test_animal_screen_of_their_offspring(self, db_url: str) -> None:
        app = make_app(hostile(db_url), census_date=CENSUS)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            app.open_animal("9")
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, AnimalScreen) and screen.detail is not None
            assert screen.title == "9  \\x1b]0;pwned\\x07\\x1b[2J"
            labels = tree_labels(screen.query_one(PedigreeTree))
            assert any(CLOSING_TAG in label for label in labels)
            assert any(LINK in label for label in labels)
            prompts = [
                str(option.prompt) for option in screen.query_one("#relatives", OptionList).options
            ]
            assert any(LINK in p for p in prompts) and any(CLOSING_TAG in p for p in prompts)
            record = str(screen.query_one("#animal-record", Static).render())
            assert "\\x1b]0;pwned" in record and "\x1b" not in record
            svg = app.export_screenshot()
            assert "\x1b" not in svg and "\x07" not in svg
            assert "evil.example" in svg and "href" not in svg

    async def test_animals_table_and_palette(self, db_url: str) -> None:
        app = make_app(hostile(db_url), census_date=CENSUS)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            svg = app.export_screenshot()
            assert "\x1b" not in svg and CLOSING_TAG in svg
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"Darla")
            await settle(app, pilot)
            assert "\x1b" not in app.export_screenshot()


class TestHostileSetNames:
    """An assumption set's name is data too, wherever the pedigree analysed is named."""

    async def test_population_panel_names_the_set_as_typed(self, db_url: str) -> None:
        """F3's figures panel names the set in use literally (its border once took markup)."""
        from db.assumptions import create_set, use_set
        from db.session import make_engine, make_session_factory, session_scope

        engine = make_engine(db_url)
        with session_scope(make_session_factory(engine), write=True) as session:
            create_set(session, "[b]x[/b]")
            use_set(session, "[b]x[/b]")
        engine.dispose()
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("f3")
            await settle(app, pilot)
            app.sub_title = "test studbook"  # the header names it too: only the panel here
            await pilot.pause()
            svg = app.export_screenshot()
            assert "set&#160;&#x27;[b]x[/b]&#x27;" in svg
