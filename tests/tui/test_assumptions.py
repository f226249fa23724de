"""The assumptions screen, driven through the Pilot on a real SQLite studbook."""

from __future__ import annotations

from pilots import press_button, settle, show
from textual.widgets import DataTable, Input, Select, Static

from db.audit import history
from db.repository import load_records
from db.session import make_engine, make_session_factory
from studbook.parents import format_parent
from tui.app import StudbookApp, make_app
from tui.screens.assumptions import AssumptionsScreen
from tui.screens.population import PopulationScreen

SIZE = (150, 46)
CENSUS = "2024-01-01"


def _figure(app: StudbookApp, label: str) -> str:
    view = app.require_store().population()
    return dict(view.certainty)[label]


async def _fill(app: StudbookApp, pilot, **values: str) -> None:  # type: ignore[no-untyped-def]
    screen = app.screen
    for name, value in values.items():
        if name == "field":
            screen.query_one("#field", Select).value = value
        else:
            screen.query_one(f"#{name.replace('_', '-')}", Input).value = value
    await settle(app, pilot)


class TestAssumptionsScreen:
    """F9: create a set, add assumptions, switch the analyses to it; the record stays."""

    async def test_create_add_use_and_refuse(self, db_url: str) -> None:
        """Bars (12, sire UNK) is assumed a son of Taiga (3): with the set in use the status
        line names it, % known with the assumptions rises and the record keeps UNK; a female
        sire is refused under the form naming the animal and field."""
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert "true record (no assumptions)" in app.sub_title
            before = _figure(app, "% known, with the assumptions")
            screen = await show(app, pilot, "f9", AssumptionsScreen)
            await _fill(app, pilot, set_name="bars", set_note="Bars' sire")
            await pilot.click("#new-set")
            await settle(app, pilot)
            assert screen.query_one(DataTable).row_count == 1
            await _fill(app, pilot, animal="12", field="sire", value="2", note="[b]typo[/b]")
            await press_button(pilot, "#save")
            await settle(app, pilot)
            said = str(screen.query_one("#assumptions-message", Static).render())
            assert "animal '12', field 'sire': sire '2' is female" in said
            assert "nothing was changed" in said
            await _fill(app, pilot, value="3", note="[b]Taiga[/b] was the only male")
            await press_button(pilot, "#save")
            await settle(app, pilot)
            rows = screen.query_one("#assumption-rows", DataTable)
            assert [str(c) for c in rows.get_row_at(0)] == [
                "12",
                "sire",
                "UNK",
                "3",
                "[b]Taiga[/b] was the only male",
            ]
            await pilot.click("#use")
            await settle(app, pilot)
            assert "true record + assumption set 'bars'" in app.sub_title
            status = str(screen.query_one("#assumptions-status", Static).render())
            assert "assumption set 'bars'" in status
            after = _figure(app, "% known, with the assumptions")
            assert float(after) > float(before)
            assert _figure(app, "% known, true record") == before
            await pilot.press("f3")
            await settle(app, pilot)
            assert isinstance(app.screen, PopulationScreen)
            panel = app.screen.query_one("#figures", Static)
            assert panel.border_title == "Living population"
            assert panel.border_subtitle == "true record + assumption set 'bars'"
            shown = str(panel.render())
            assert "% certain (no MULT or UNK)" in shown
            await pilot.press("f9")
            await settle(app, pilot)
            await pilot.click("#use-record")
            await settle(app, pilot)
            assert "true record (no assumptions)" in app.sub_title
        with make_session_factory(make_engine(db_url))() as session:
            records = {r.id: r for r in load_records(session)}
            audit = history(session, "bars")
        assert format_parent(records["12"].sire) == "UNK"
        assert {r.table_name for r in audit} == {"assumption_set", "assumption"}
