"""Every screen at 100×30 and at 200×60 on the Amur fixture (issue 17): no main table needs
sideways scrolling, panels stack when narrow and stand side by side when wide."""

from __future__ import annotations

import pytest
from pilots import settle
from textual.widgets import DataTable, Select, Static

from tui.app import StudbookApp, make_app

CENSUS = "2026-01-01"
NARROW = (100, 30)
WIDE = (200, 60)

MAIN_TABLES = {
    "f2": ("#animal-table",),
    "f4": ("#pair-table",),
    "f5": ("#release-table",),
    "f8": ("#plan-institutions",),
    "f9": ("#sets", "#assumption-rows", "#hypothetical-rows"),
}
"""The tables of each screen (by its key) that must fit the terminal's width."""


def sideways(app: StudbookApp, selector: str) -> int:
    """How many columns the table ``selector`` would scroll sideways (0: it fits)."""
    table: DataTable[object] = app.screen.query_one(selector, DataTable)
    assert table.row_count, selector
    return table.max_scroll_x


class TestNoSidewaysScrolling:
    """Each screen's tables are as wide as the terminal allows, never wider."""

    @pytest.mark.parametrize("size", [NARROW, WIDE], ids=["100x30", "200x60"])
    async def test_main_tables_fit(self, fixture_db_url: str, size: tuple[int, int]) -> None:
        """Animals, pairings (ranked and plan), releases, plan institutions and assumption
        sets: no table wider than its place."""
        app = make_app(fixture_db_url, census_date=CENSUS)
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            for key, tables in MAIN_TABLES.items():
                await pilot.press(key)
                await settle(app, pilot)
                for selector in tables:
                    assert sideways(app, selector) == 0, (size, key, selector)
            await pilot.press("f4", "p")
            await settle(app, pilot)
            assert sideways(app, "#pair-table") == 0, (size, "plan view")

    async def test_plan_animals_fit_when_wide(self, fixture_db_url: str) -> None:
        """At 200 columns the Plan screen's animals, dispositions and notes fit beside the
        institutions."""
        app = make_app(fixture_db_url, census_date=CENSUS)
        async with app.run_test(size=WIDE) as pilot:
            await settle(app, pilot)
            await pilot.press("f8")
            await settle(app, pilot)
            assert sideways(app, "#plan-animals") == 0

    async def test_plan_animals_up_to_the_notes_fit_when_narrow(self, fixture_db_url: str) -> None:
        """At 100 columns the institutions stand above the animals, whose every column but
        the free-text notes (the last) is on screen without scrolling."""
        app = make_app(fixture_db_url, census_date=CENSUS)
        async with app.run_test(size=NARROW) as pilot:
            await settle(app, pilot)
            await pilot.press("f8")
            await settle(app, pilot)
            table: DataTable[object] = app.screen.query_one("#plan-animals", DataTable)
            institutions = app.screen.query_one("#plan-institutions").region
            assert table.region.y >= institutions.bottom
            columns = table.ordered_columns
            assert str(columns[-1].label) == "Notes"
            shown = sum(c.get_render_width(table) for c in columns[:-1])
            assert shown <= table.scrollable_content_region.width


class TestStacking:
    """Panels beside the table when wide, under it when narrow."""

    @pytest.mark.parametrize("size", [NARROW, WIDE], ids=["100x30", "200x60"])
    async def test_release_group_beside_or_under(
        self, fixture_db_url: str, size: tuple[int, int]
    ) -> None:
        """The release group stands under the candidates at 100 columns and beside them at
        200, where each of its figures fits on one line."""
        app = make_app(fixture_db_url, census_date=CENSUS)
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            await pilot.press("f5", "g")
            await settle(app, pilot)
            table = app.screen.query_one("#release-table").region
            group = app.screen.query_one("#release-group")
            if size == NARROW:
                assert group.region.y >= table.bottom and group.region.width == size[0]
            else:
                assert group.region.x >= table.right and group.region.y < table.y
                lines = str(group.render()).splitlines()
                assert max(len(line) for line in lines) <= group.content_region.width


TEXT_PANELS = {
    "f3": ("#figures",),
    "f7": ("#demography-figures", "#by-sex", "#life-tables"),
}
"""Panels of aligned text (by the screen's key) whose lines must not wrap."""

ANIMAL_PANELS = ("#animal-record", "#animal-genetics", "#animal-litters", "#animal-history")


def wrapped(app: StudbookApp, selector: str) -> list[str]:
    """The lines of the text panel ``selector`` wider than its content (so wrapped)."""
    panel = app.screen.query_one(selector, Static)
    lines = str(panel.render()).splitlines()
    assert lines, selector
    return [line for line in lines if len(line) > panel.content_region.width]


class TestNothingWraps:
    """Figures, by-sex figures, life tables and an animal's record keep one line each."""

    @pytest.mark.parametrize("size", [NARROW, WIDE], ids=["100x30", "200x60"])
    async def test_text_panels_keep_their_lines(
        self, fixture_db_url: str, size: tuple[int, int]
    ) -> None:
        """Population figures, demography figures, figures by sex (a line per figure, a
        column per sex) and life tables; an animal with litters and contraception events."""
        app = make_app(fixture_db_url, census_date=CENSUS)
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            for key, panels in TEXT_PANELS.items():
                await pilot.press(key)
                await settle(app, pilot)
                for selector in panels:
                    assert wrapped(app, selector) == [], (size, selector)
            app.open_animal("338")
            await settle(app, pilot)
            for selector in ANIMAL_PANELS:
                assert wrapped(app, selector) == [], (size, selector)
            by_sex = str(app.screen_stack[0].query_one("#by-sex", Static).render())
            assert by_sex.splitlines()[0].split() == ["Sex", "M", "F"]

    async def test_filter_prompts_keep_one_line(self, fixture_db_url: str) -> None:
        """At 100 columns every filter dropdown of the animals and pairings screens shows its
        prompt ("Any female", "Any region") on one line: a wrapped prompt makes the box
        taller than its 3 rows."""
        app = make_app(fixture_db_url, census_date=CENSUS)
        async with app.run_test(size=NARROW) as pilot:
            await settle(app, pilot)
            for key in ("f2", "f4"):
                await pilot.press(key)
                await settle(app, pilot)
                heights = {str(s.id): s.outer_size.height for s in app.screen.query(Select)}
                assert heights and set(heights.values()) == {3}, (key, heights)
