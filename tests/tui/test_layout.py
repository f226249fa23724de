"""Every screen at 100×30 and at 200×60 on the Amur fixture (issue 17): no main table needs
sideways scrolling, panels stack when narrow and stand side by side when wide."""

from __future__ import annotations

import pytest
from pilots import settle, show
from textual.widgets import DataTable, Select, Static

from studbook.dispositions import Disposition
from tui.app import StudbookApp, make_app
from tui.screens.pairings import PairingsScreen
from tui.screens.plan import PlanScreen
from tui.screens.plan_edit import DispositionModal

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

    @pytest.mark.parametrize("size", [NARROW, WIDE], ids=["100x30", "200x60"])
    async def test_plan_animals_fit(self, fixture_db_url: str, size: tuple[int, int]) -> None:
        """The Plan screen's animals fit at every institution: the free-text notes (the last
        column) take the width the other columns leave, and the note line under the table
        shows the highlighted animal's notes whole."""
        app = make_app(fixture_db_url, census_date=CENSUS)
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            screen = await show(app, pilot, "f8", PlanScreen)
            assert screen.view is not None
            institutions = screen.query_one("#plan-institutions", DataTable)
            for row in range(institutions.row_count):
                institutions.move_cursor(row=row)
                await pilot.pause()
                assert sideways(app, "#plan-animals") == 0, (size, screen.shown)
            # The animal with the longest notes: whole in the note line.
            at, (animal, notes) = max(
                ((k, (r[0], r[-1])) for k, i in enumerate(screen.view.institutions)
                 for r in i.rows),
                key=lambda found: len(found[1][1]),
            )  # fmt: skip
            institutions.move_cursor(row=at)
            await pilot.pause()
            animals = screen.query_one("#plan-animals", DataTable)
            animals.focus()
            animals.move_cursor(row=[str(animals.get_row_at(k)[0]) for k in
                                     range(animals.row_count)].index(animal))  # fmt: skip
            await settle(app, pilot)
            assert sideways(app, "#plan-animals") == 0
            note = str(screen.query_one("#plan-note", Static).render())
            assert notes in " ".join(note.split()), note

    @pytest.mark.parametrize("size", [NARROW, WIDE], ids=["100x30", "200x60"])
    async def test_plan_change_form_fits(self, fixture_db_url: str, size: tuple[int, int]) -> None:
        """The Plan screen's change form (e), with the mates for BREED WITH and then the
        institutions for SEND TO, keeps its Change and Cancel buttons on screen."""
        app = make_app(fixture_db_url, census_date=CENSUS)
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            await pilot.press("f8")
            await settle(app, pilot)
            await pilot.press("tab", "e")
            await settle(app, pilot)
            modal = app.screen
            assert isinstance(modal, DispositionModal)
            for kind in (Disposition.BREED_WITH, Disposition.SEND_TO):
                modal.query_one("#disposition", Select).value = kind.value
                await settle(app, pilot)
                for button in ("#apply", "#cancel"):
                    region = modal.query_one(button).region
                    assert region.height and region.bottom <= size[1], (size, kind, button)


class TestCutTextShownWhole:
    """Where a table cuts its free-text column (or leaves it out), the highlighted row's whole
    text is on screen."""

    @pytest.mark.parametrize("size", [NARROW, WIDE], ids=["100x30", "200x60"])
    async def test_pairings_msi_reason(self, fixture_db_url: str, size: tuple[int, int]) -> None:
        """The ranked pairs' MSI reason (cut when wide, left out when narrow) is whole in the
        line under the table, for the pair under the cursor as it moves."""
        app = make_app(fixture_db_url, census_date=CENSUS)
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            screen = await show(app, pilot, "f4", PairingsScreen)
            assert screen.view is not None
            for _ in range(2):
                await pilot.press("down")
                await pilot.pause()
            table = screen.query_one("#pair-table", DataTable)
            row = screen.view.rows[table.cursor_row]
            assert table.cursor_row == 2
            why = " ".join(str(screen.query_one("#pair-why", Static).render()).split())
            whole = f"MSI {row.msi} for {row.male} × {row.female}: {row.msi_why}"
            assert why == " ".join(whole.split())


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
