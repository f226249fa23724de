"""The Plan screen (F8): institutions, their animals' dispositions, and exporting the document."""

from __future__ import annotations

from pathlib import Path

from pilots import press_button, settle, show
from sqlalchemy import select
from textual.app import App
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static

from db.models import PlanIssue, PlanRecommendation
from db.session import make_engine, make_session_factory
from studbook.dispositions import Disposition
from studbook.plan_draft import DraftEdit
from tui.app import make_app
from tui.messages import PlanEditRefused, PlanLoaded, ReportExported
from tui.screens.pairings import PairingsScreen
from tui.screens.plan import PlanScreen
from tui.screens.plan_edit import DispositionModal

SIZE = (160, 46)
CENSUS = "2024-01-01"
DISPOSITIONS = ("BREED WITH", "SEND TO", "RECEIVE FROM", "DO NOT BREED", "HOLD")


class TestPlanScreen:
    """The plan on screen agrees with the document and exports it."""

    async def test_institutions_animals_dispositions(self, db_url: str) -> None:
        """F8 lists the institutions; each living animal appears once with one disposition;
        moving the cursor shows another institution's animals."""
        messages: list[Message] = []
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(app, pilot)
            screen = await show(app, pilot, "f8", PlanScreen)
            assert screen.view is not None
            view = screen.view
            ids = [row[0] for inst in view.institutions for row in inst.rows]
            assert sorted(ids, key=int) == [str(k) for k in range(3, 16)]  # the 13 living
            for inst in view.institutions:
                for row in inst.rows:
                    assert sum(row[5].startswith(d) for d in DISPOSITIONS) == 1, row
            institutions = screen.query_one("#plan-institutions", DataTable)
            animals = screen.query_one("#plan-animals", DataTable)
            assert institutions.row_count == len(view.institutions)
            assert animals.row_count == len(view.institutions[0].rows)
            await pilot.press("down")
            await settle(app, pilot)
            assert animals.row_count == len(view.institutions[1].rows)
            shown = [animals.get_row_at(r)[0].plain for r in range(animals.row_count)]
            assert shown == [row[0] for row in view.institutions[1].rows]
            assert any(isinstance(m, PlanLoaded) for m in messages)

    async def test_export_the_document(self, db_url: str, tmp_path: Path) -> None:
        """x asks for a file and format and writes the whole plan there."""
        target = tmp_path / "plan.html"
        messages: list[Message] = []
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(app, pilot)
            await pilot.press("f8")
            await settle(app, pilot)
            await pilot.press("x")
            await pilot.pause()
            assert app.screen.query_one("#format", Select).value == "html"
            app.screen.query_one("#path", Input).value = str(target)
            await pilot.click("#export")
            await settle(app, pilot)
            assert any(isinstance(m, ReportExported) for m in messages)
        page = target.read_text(encoding="utf-8")
        assert page.startswith("<!DOCTYPE html>")
        assert "2. Recommendations by institution" in page and page.count("<svg") == 4


async def _open_plan(app: App[None], pilot: Pilot[None]) -> PlanScreen:
    """F8, then the animals of the first institution (ERIE: 9 and 13) focused."""
    await settle(app, pilot)
    screen = await show(app, pilot, "f8", PlanScreen)
    assert screen.view is not None
    assert screen.view.institutions[0].mnemonic == "ERIE"
    await pilot.press("tab")
    return screen


async def _pair_9_with(app: App[None], pilot: Pilot[None], mate: str) -> DispositionModal:
    """e on 9 (Amur, ERIE), BREED WITH ``mate`` picked in the ranked list, Change."""
    await pilot.press("e")
    await settle(app, pilot)
    modal = app.screen
    assert isinstance(modal, DispositionModal) and modal.animal == "9"
    assert modal.query_one("#disposition", Select).value == Disposition.BREED_WITH.value
    mates = modal.query_one("#mates", DataTable)
    row = [m.mate for m in modal.mates].index(mate)
    mates.move_cursor(row=row)
    await pilot.pause()
    await press_button(pilot, "#apply")
    await settle(app, pilot)
    return modal


def _gd(screen: PlanScreen) -> str:
    return dict(screen.figures)["GD with the next generation"]


def _disposition(screen: PlanScreen, animal: str) -> tuple[str, ...]:
    assert screen.view is not None
    (row,) = [r for i in screen.view.institutions for r in i.rows if r[0] == animal]
    return row


class TestChangingThePlan:
    """Changes by hand: the genetics follow, refusals change nothing, save and export."""

    async def test_change_a_mate_and_see_the_gd_change(self, db_url: str) -> None:
        """9 BREED WITH 15, then with 11: the plan and its exact GD follow each change."""
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE) as pilot:
            screen = await _open_plan(app, pilot)
            before = _gd(screen)
            modal = await _pair_9_with(app, pilot, "15")
            assert [m.mate for m in modal.mates][:2] == ["15", "11"]  # the ranker's order
            assert screen.edits == (DraftEdit("9", Disposition.BREED_WITH, mate="15"),)
            assert _disposition(screen, "9")[5] == "SEND TO HELSINKI"
            assert _disposition(screen, "15")[5] == "RECEIVE FROM ERIE"
            with_15 = _gd(screen)
            assert with_15 != before and dict(screen.figures)["Pairs"] == "1"
            await _pair_9_with(app, pilot, "11")
            assert _disposition(screen, "11")[6].startswith("9")
            assert _disposition(screen, "15")[5] == "DO NOT BREED"
            assert _gd(screen) not in (before, with_15)
            await pilot.press("u")
            await settle(app, pilot)
            assert _gd(screen) == with_15 and len(screen.edits) == 1

    async def test_refused_change_leaves_the_plan(self, db_url: str) -> None:
        """9 with 13 (kinship 0.375, over the limit) is refused with the rule; nothing moves."""
        messages: list[Message] = []
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            screen = await _open_plan(app, pilot)
            await _pair_9_with(app, pilot, "15")
            view, figures, edits = screen.view, screen.figures, screen.edits
            await _pair_9_with(app, pilot, "13")
            (refused,) = {id(m): m for m in messages if isinstance(m, PlanEditRefused)}.values()
            assert "at or above the plan's limit" in refused.reason
            assert (screen.view, screen.figures, screen.edits) == (view, figures, edits)
            status = str(screen.query_one("#plan-status").render())
            assert "Refused: 9 BREED WITH 13" in status and "unchanged" in status

    async def test_save_creates_the_next_version(self, db_url: str) -> None:
        """s stores the plan shown as issued: version 1, then 2, with the changed pair."""
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE) as pilot:
            screen = await _open_plan(app, pilot)
            await _pair_9_with(app, pilot, "15")
            await pilot.press("s")
            await settle(app, pilot)
            assert screen.issued == 1 and screen.edits == ()
            assert "Saved as plan 1" in str(screen.query_one("#plan-status").render())
            await pilot.press("tab", "e")  # the plan after the save: 9 is unpaired again
            await settle(app, pilot)
            await press_button(pilot, "#apply")
            await settle(app, pilot)
            await pilot.press("s")
            await settle(app, pilot)
            assert screen.issued == 2
        engine = make_engine(db_url)
        with make_session_factory(engine)() as session:
            versions = session.scalars(select(PlanIssue.version)).all()
            pairs = session.execute(
                select(PlanRecommendation.plan_version, PlanRecommendation.male_id,
                       PlanRecommendation.female_id, PlanRecommendation.moving)
            ).all()  # fmt: skip
            first = session.get(PlanIssue, 1)
            assert first is not None and first.settings["edits by hand"] == "9 BREED WITH 15"
        engine.dispose()
        assert sorted(versions) == [1, 2]
        assert (1, "9", "15", "9") in pairs

    async def test_export_has_the_changes(self, db_url: str, tmp_path: Path) -> None:
        """x after a change writes the document with it (Markdown here)."""
        target = tmp_path / "plan.md"
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE) as pilot:
            await _open_plan(app, pilot)
            await _pair_9_with(app, pilot, "15")
            await pilot.press("x")
            await pilot.pause()
            app.screen.query_one("#format", Select).value = "markdown"
            await pilot.pause()
            app.screen.query_one("#path", Input).value = str(target)
            await press_button(pilot, "#export")
            await settle(app, pilot)
        text = target.read_text(encoding="utf-8")
        assert "SEND TO HELSINKI" in text and "RECEIVE FROM ERIE" in text
        assert "9 BREED WITH 15" in text  # the changes are listed among the settings used


class TestSavingReachesTheOtherScreens:
    """A plan saved on F8 is what the other screens show next, without reloading them."""

    async def test_pairings_plan_view_shows_the_saved_plan(self, planned_db_url: str) -> None:
        """The pairings plan view, seen before the save (no plan issued yet), names the plan
        just saved on F8 as the previous plan when shown again; the genetics stay computed
        (an issued plan changes no pedigree)."""
        app = make_app(planned_db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("f4", "p")
            await settle(app, pilot)
            pairings = app.screen
            assert isinstance(pairings, PairingsScreen) and pairings.view is not None
            assert pairings.filter.plan and pairings.view.notes
            assert not any(n.startswith("previous plan") for n in pairings.view.notes)
            await pilot.press("f8")
            await settle(app, pilot)
            await pilot.press("s")
            await settle(app, pilot)
            saved = app.screen
            assert isinstance(saved, PlanScreen) and saved.issued == 1
            await pilot.press("f4")
            await settle(app, pilot)
            assert app.screen is pairings
            notes = str(pairings.query_one("#plan-notes", Static).render())
            assert "previous plan: plan 1 (" in notes, notes
            assert app.store is not None and app.store.genetics() is not None
