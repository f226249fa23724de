"""The animal screen's explorer panels: mates and litters, descendants, relationship, chart."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from pilots import settle
from textual.message import Message
from textual.widgets import Input, Static

from tui.app import make_app
from tui.messages import FamilyLoaded, RelationshipLoaded, ReportExported
from tui.screens.animal import AnimalScreen
from tui.widgets.descendants import DescendantsTree

SIZE = (160, 60)
CENSUS = "2024-01-01"


def text_of(screen: AnimalScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


class TestMatesAndLitters:
    async def test_litters_mates_and_descendants(self, db_url: str) -> None:
        """Freddi (5): two litters, Darla (7) certain, Sasha (6) through a MULT sire; his
        descendants tree marks Nika (11) as only possibly his."""
        messages: list[Message] = []
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(app, pilot)
            app.open_animal("5")
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, AnimalScreen) and screen.family is not None
            assert any(isinstance(m, FamilyLoaded) for m in messages)
            lines = text_of(screen, "#animal-litters").splitlines()
            assert lines == [
                "mate 7: 1 litter, 2 offspring",
                "mate 6 (p=0.50): 1 litter, 1 offspring",
                "2012-05-20  with 7: 9, 10",
                "2014-06-01  with 6: 11 (possible parent, p=0.50)",
            ]
            tree = screen.query_one(DescendantsTree)
            first = [str(n.label) for n in tree.root.children]
            assert first == [
                "♂ 9  Amur  (living)",
                "♀ 10  Zeya  (living)",
                "possible (p=0.50) ♀ 11  Nika  (living)",
            ]
            grand = [str(n.label) for n in tree.root.children[0].children]
            assert grand == ["♀ 13  Luna  (living)"]

    async def test_descendant_jumps(self, db_url: str) -> None:
        """Enter on a descendant shows that animal."""
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            app.open_animal("5")
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, AnimalScreen)
            await pilot.press("o", "down", "enter")
            await settle(app, pilot)
            assert screen.animal_id == "9"
            assert text_of(screen, "#animal-litters").splitlines() == [
                "mate 10: 1 litter, 1 offspring",
                "2018-04-01  with 10: 13",
            ]


class TestRelationship:
    async def test_relationship_to_another_animal(self, db_url: str) -> None:
        """Typing 10 on Amur's (9) screen: full sibs, kinship 0.25; an unknown id is named."""
        messages: list[Message] = []
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(app, pilot)
            app.open_animal("9")
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, AnimalScreen)
            await pilot.press("k")
            assert screen.focused is screen.query_one("#relate-to", Input)
            await pilot.press("1", "0", "enter")
            await settle(app, pilot)
            lines = text_of(screen, "#relationship-text").splitlines()
            assert lines[0] == "9 and 10: full sibs (same sire and dam: 5 and 7)"
            assert lines[1] == "kinship f = 0.2500 (relationship 2f = 0.5000)"
            assert [m.b for m in messages if isinstance(m, RelationshipLoaded)] == ["10"]
            screen.query_one("#relate-to", Input).value = "<b>ZZ"
            await pilot.press("enter")
            await settle(app, pilot)
            assert "not in the pedigree: '<b>ZZ'" in text_of(screen, "#relationship-text")


class TestExportChart:
    async def test_export_chart(self, db_url: str, tmp_path: Path) -> None:
        """x writes the SVG chart of the animal to the exports folder and shows the path."""
        messages: list[Message] = []
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(app, pilot)
            assert app.store is not None
            app.store.exports = tmp_path
            app.open_animal("13")
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, AnimalScreen)
            await pilot.press("x")
            await settle(app, pilot)
            target = tmp_path / "pedigree-13.svg"
            assert [m.path for m in messages if isinstance(m, ReportExported)] == [str(target)]
            assert text_of(screen, "#chart-status") == f"Chart written to {target}"
            root = ET.fromstring(target.read_text(encoding="utf-8"))
            texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
            assert "Pedigree of 13 Luna" in texts and "9 Amur" in texts
