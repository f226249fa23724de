"""The Plan screen (F8): institutions, their animals' dispositions, and exporting the document."""

from __future__ import annotations

from pathlib import Path

from pilots import settle
from textual.message import Message
from textual.widgets import DataTable, Input, Select

from tui.app import make_app
from tui.messages import PlanLoaded, ReportExported
from tui.screens.plan import PlanScreen

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
            await pilot.press("f8")
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, PlanScreen) and screen.view is not None
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
