"""Animals table and one animal: filters, search, sort, open, pedigree, jump to a relative."""

from __future__ import annotations

from pilots import settle, table_ids
from textual.message import Message
from textual.widgets import Input

from tui.app import make_app
from tui.messages import AnimalLoaded, AnimalsLoaded, GeneticsReady, OpenAnimal
from tui.screens.animal import AnimalScreen
from tui.screens.animals import AnimalsScreen
from tui.widgets.pedigree import PedigreeTree

SIZE = (140, 44)


class TestAnimalsTable:
    async def test_opens_on_the_living_animals_keyed_by_studbook_id(self, db_url: str) -> None:
        """The first screen lists the living animals; rows are keyed by studbook id."""
        messages: list[Message] = []
        app = make_app(db_url, census_date="2024-01-01")
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(app, pilot)
            assert isinstance(app.screen, AnimalsScreen)
            ids = table_ids(app)
            assert "5" in ids and "1" not in ids  # 1 died in 2012
            assert any(isinstance(m, AnimalsLoaded) for m in messages)
            assert any(isinstance(m, GeneticsReady) for m in messages)
            row = next(r for r in app.screen.rows if r.id == "13")
            assert row.f is not None and row.f > 0  # 13 is the daughter of two full sibs

    async def test_filters_search_and_sort(self, db_url: str) -> None:
        """Living/all, sex, search by name and sorting by a column all change the rows."""
        app = make_app(db_url, census_date="2024-01-01")
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, AnimalsScreen)
            await pilot.press("l")
            await settle(app, pilot)
            assert "1" in table_ids(app) and screen.filter.living_only is False
            screen.set_filter(sex="F")
            await settle(app, pilot)
            assert {r.sex for r in screen.rows} == {"F"}
            await pilot.press("slash")
            await pilot.press(*"kir")
            await settle(app, pilot)
            assert isinstance(app.focused, Input)
            assert table_ids(app) == ["4"]
            await pilot.press("escape")
            screen.set_filter(sex=None, sort="age", descending=True)
            await settle(app, pilot)
            ages = [r.age for r in screen.rows if r.age is not None]
            assert ages == sorted(ages, reverse=True)

    async def test_enter_opens_the_animal(self, db_url: str) -> None:
        """Enter on a row posts OpenAnimal and shows that animal's screen."""
        messages: list[Message] = []
        app = make_app(db_url, census_date="2024-01-01")
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(app, pilot)
            await pilot.press("enter")
            await settle(app, pilot)
            opened = [m.animal_id for m in messages if isinstance(m, OpenAnimal)]
            assert opened and isinstance(app.screen, AnimalScreen)
            assert app.screen.animal_id == opened[0]


class TestAnimal:
    async def test_record_relatives_history_and_pedigree(self, db_url: str) -> None:
        """An animal shows its MULT sire with probabilities, relatives, events and ancestors."""
        messages: list[Message] = []
        app = make_app(db_url, census_date="2024-01-01")
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(app, pilot)
            app.open_animal("15")
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, AnimalScreen) and screen.detail is not None
            d = screen.detail
            assert d.house_name == "Mira"
            mother = app.store.animal("11") if app.store else None
            assert mother is not None
            assert [(p.id, p.probability) for p in mother.parents if p.role == "sire"] == [
                ("5", 0.5),
                ("8", 0.5),
            ]
            assert {"12", "11"} <= {r.id for r in d.relatives}
            assert d.history and d.history[0].event == "birth"
            tree = screen.query_one(PedigreeTree)
            labels = [str(n.label) for n in _walk(tree.root)]
            # Four generations: 15 -> 11 -> MULT 5|8 -> 1,2 / 3,4 (grandparents of 11's sires).
            assert any("Old Amur" in label for label in labels)
            assert any("MULT" in label for label in labels)
            assert any(isinstance(m, AnimalLoaded) for m in messages)

    async def test_jump_to_a_relative_and_back(self, db_url: str) -> None:
        """Enter on a pedigree node shows that animal; backspace returns."""
        app = make_app(db_url, census_date="2024-01-01")
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            app.open_animal("13")
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, AnimalScreen)
            tree = screen.query_one(PedigreeTree)
            tree.focus()
            await pilot.press("down", "enter")  # the sire node, 9
            await settle(app, pilot)
            assert screen.animal_id == "9" and screen.detail is not None
            assert screen.detail.id == "9"
            await pilot.press("backspace")
            await settle(app, pilot)
            assert screen.animal_id == "13"
            await pilot.press("escape")
            assert isinstance(app.screen, AnimalsScreen)


def _walk(node):  # type: ignore[no-untyped-def]
    yield node
    for child in node.children:
        yield from _walk(child)


class TestOnTheFixture:
    async def test_the_fixture_opens_on_its_living_animals_with_f(
        self, fixture_db_url: str
    ) -> None:
        """The Amur leopard fixture imported by the importer opens with F for every row."""
        app = make_app(fixture_db_url)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, AnimalsScreen)
            assert len(screen.rows) > 100
            assert all(r.f is not None and r.status == "living" for r in screen.rows)
