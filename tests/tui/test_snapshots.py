"""Snapshots of the main screens on the small studbook (census date and theme fixed)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pilots import settle
from textual.pilot import Pilot
from textual.widgets import Input

from tui.app import StudbookApp, make_app

SIZE = (150, 46)


def prepared(*keys: str, animal: str | None = None) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Wait for the genetics, name the database the same on every run, then press ``keys``."""

    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        await settle(pilot.app, pilot)
        assert isinstance(app, StudbookApp) and app.store is not None
        app.store.description = "test studbook"
        app.sub_title = "test studbook"
        if animal is not None:
            app.open_animal(animal)
            await settle(pilot.app, pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot.app, pilot)

    return run_before


def app_for(db_url: str) -> StudbookApp:
    return make_app(db_url, theme="dark", census_date="2024-01-01")


def test_animals_screen(snap_compare: Any, db_url: str) -> None:
    """The animals table with F and MK rank."""
    assert snap_compare(app_for(db_url), terminal_size=SIZE, run_before=prepared())


def test_animal_screen_with_pedigree(snap_compare: Any, db_url: str) -> None:
    """Mira (15): MULT grand-sires in the pedigree, genetics, relatives, history."""
    assert snap_compare(app_for(db_url), terminal_size=SIZE, run_before=prepared(animal="15"))


def test_pairings_screen(snap_compare: Any, db_url: str) -> None:
    """The ranked pairs."""
    assert snap_compare(app_for(db_url), terminal_size=SIZE, run_before=prepared("f4"))


def test_breeding_plan_view(snap_compare: Any, planned_db_url: str) -> None:
    """The optimal plan beside the greedy plan: where each pair will be, the move, the totals
    and the sizing arithmetic."""
    app = app_for(planned_db_url)
    assert snap_compare(app, terminal_size=SIZE, run_before=prepared("f4", "p"))


def test_population_screen(snap_compare: Any, db_url: str) -> None:
    """Summary figures, founder bars, age-sex pyramid and GD over time."""
    assert snap_compare(app_for(db_url), terminal_size=SIZE, run_before=prepared("f3"))


def test_plan_screen_after_a_change(snap_compare: Any, db_url: str) -> None:
    """The Plan screen after 9 is paired with its first-ranked mate (15) by hand: the
    dispositions, the exact next-generation genetics and the change named."""
    keys = ("f8", "tab", "e", "tab", "enter")
    assert snap_compare(app_for(db_url), terminal_size=SIZE, run_before=prepared(*keys))


NARROW = (100, 30)


def test_settings_form_at_100_by_30(snap_compare: Any, db_url: str) -> None:
    """The first group of settings, a line each, the focused field's allowed values below."""
    open_form = prepared("f6")

    async def run_before(pilot: Pilot[None]) -> None:
        await open_form(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False  # the focused field's cursor always drawn, not blinking

    assert snap_compare(app_for(db_url), terminal_size=NARROW, run_before=run_before)


def test_releases_at_100_by_30(snap_compare: Any, db_url: str) -> None:
    """The best group of 4 under the candidates (chosen ones marked ✓), no sideways scroll."""
    assert snap_compare(app_for(db_url), terminal_size=NARROW, run_before=prepared("f5", "g"))
