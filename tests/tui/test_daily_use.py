"""The UI as a coordinator's daily tool (issue 17), at 100×30: one test per fix, then a walk
that records a birth, a transfer and a death and sees every screen follow."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from pilots import column_keys, press_button, settle, show
from sqlalchemy import select
from textual.command import CommandList, CommandPalette
from textual.message import Message
from textual.widgets import Button, DataTable, Input, Label, OptionList, Select, Static

from db.models import Event
from db.session import make_engine, make_session_factory
from tui import engine
from tui.app import StudbookApp, make_app
from tui.commands import animal_needle
from tui.engine import HYPOTHETICAL_MARK
from tui.messages import (
    DemographyLoaded,
    PairingsLoaded,
    PlanLoaded,
    PopulationLoaded,
    RecordSaved,
    ReleasesLoaded,
)
from tui.screens.animal import AnimalScreen
from tui.screens.animals import NARROW_COLUMNS, AnimalsScreen
from tui.screens.edit import EditForm
from tui.screens.pairings import CONTRACEPTED_MARK, PairingsScreen
from tui.screens.plan import PlanScreen
from tui.screens.plan_controls import PlanControlsModal
from tui.screens.population import PopulationScreen
from tui.store import SORTABLE
from tui.widgets.charts import BarChart, LineChart

SMALL = (100, 30)
CENSUS = "2024-01-01"


def app_for(url: str) -> StudbookApp:
    return make_app(url, census_date=CENSUS)


def events_of(url: str, animal: str) -> list[tuple[str, str | None]]:
    engine_ = make_engine(url)
    try:
        with make_session_factory(engine_)() as session:
            rows = session.execute(
                select(Event.event, Event.institution_id)
                .where(Event.animal_id == animal)
                .order_by(Event.sequence)
            )
            return [(e, i) for e, i in rows]
    finally:
        engine_.dispose()


class TestAnimalsTable:
    """MK, % known and offspring columns; a key per column; the width used."""

    async def test_mk_and_known_columns_filled_at_100_columns(self, db_url: str) -> None:
        """At 100 columns the table has MK and % known, and they hold the genetics."""
        app = app_for(db_url)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            assert column_keys(app) == NARROW_COLUMNS
            assert {"mk", "known"} <= set(column_keys(app))
            table: DataTable[object] = app.screen.query_one(DataTable)
            assert table.virtual_size.width <= SMALL[0]  # no sideways scrolling
            row = next(r for r in app.screen.rows if r.id == "13")  # type: ignore[attr-defined]
            assert row.mk is not None and row.known is not None and row.known > 0.9

    async def test_wide_terminals_show_every_column(self, db_url: str) -> None:
        """At 160 columns region, status and offspring count are shown too; back at 100 not."""
        app = app_for(db_url)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            await pilot.resize_terminal(160, 45)
            await settle(app, pilot)
            assert column_keys(app) == SORTABLE
            screen = app.screen
            assert isinstance(screen, AnimalsScreen)
            five = next(r for r in screen.rows if r.id == "5")
            assert five.offspring == 3  # 9, 10 and possibly 11 (MULT)
            await pilot.resize_terminal(*SMALL)
            await settle(app, pilot)
            assert column_keys(app) == NARROW_COLUMNS

    async def test_a_key_per_column_sorts_and_reverses(self, db_url: str) -> None:
        """7 sorts on MK at once (no stepping through columns); 7 again reverses."""
        app = app_for(db_url)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, AnimalsScreen)
            await pilot.press("7")
            await settle(app, pilot)
            mks = [r.mk for r in screen.rows if r.mk is not None]
            assert screen.filter.sort == "mk" and mks == sorted(mks)
            header = str(screen.query_one(DataTable).columns[next(iter(
                k for k in screen.query_one(DataTable).columns if k.value == "mk"
            ))].label)  # fmt: skip
            assert header.startswith("7 ") and "↑" in header
            await pilot.press("7")
            await settle(app, pilot)
            mks = [r.mk for r in screen.rows if r.mk is not None]
            assert screen.filter.descending and mks == sorted(mks, reverse=True)

    async def test_a_click_on_a_header_sorts_on_that_column(self, db_url: str) -> None:
        """Clicking the MK header sorts on MK at once; a second click reverses."""
        app = app_for(db_url)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, AnimalsScreen)
            table: DataTable[object] = screen.query_one(DataTable)
            columns = table.ordered_columns
            mk = [str(c.key.value) for c in columns].index("mk")
            x = sum(c.get_render_width(table) for c in columns[:mk]) + 2
            await pilot.click("#animal-table", offset=(x, 0))
            await settle(app, pilot)
            assert (screen.filter.sort, screen.filter.descending) == ("mk", False)
            await pilot.pause(0.3)  # not a double click
            await pilot.click("#animal-table", offset=(x, 0))
            await settle(app, pilot)
            assert (screen.filter.sort, screen.filter.descending) == ("mk", True)
            mks = [r.mk for r in screen.rows if r.mk is not None]
            assert mks == sorted(mks, reverse=True)

    async def test_sort_keys_are_in_the_footer_and_help(self, db_url: str) -> None:
        """The footer shows one entry for the sort keys; help lists each column's key."""
        from tui.screens.help import help_text

        app = app_for(db_url)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            text = help_text(app.screen)
            assert "Sort by MK rank" in text and "| `8` |" in text

    async def test_the_institution_dropdown_does_not_wrap_names(self, db_url: str) -> None:
        """Options of the institution filter stay on one line."""
        app = app_for(db_url)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            select: Select[str] = app.screen.query_one("#institution", Select)
            select.expanded = True
            await settle(app, pilot)
            overlay = select.query_one("SelectOverlay")
            assert overlay.styles.text_wrap == "nowrap"
            assert overlay.styles.text_overflow == "ellipsis"


class TestAnimalScreen:
    """The header says who once; a certain maternal sib is shown beside a MULT-sired link."""

    async def test_title_names_the_animal_once(self, db_url: str) -> None:
        """'15  Mira' as title; the subtitle is sex, status and place, not the id again."""
        app = app_for(db_url)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            app.open_animal("15")
            await settle(app, pilot)
            assert app.screen.title == "15  Mira"
            assert app.screen.sub_title == "female · living · HELSINKI"

    async def test_certain_maternal_sib_beside_possible_paternal(self, db_url: str) -> None:
        """Nika (11: sire 5 or 8, dam 6) and Timur (14: 8 × 6): same dam for certain, same
        sire with p = 0.5; the MULT half-sibs through 5 keep their p."""
        app = app_for(db_url)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            app.open_animal("11")
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, AnimalScreen) and screen.detail is not None
            links = {(r.id, r.relation, r.probability) for r in screen.detail.relatives}
            assert ("14", "brother (same dam)", 1.0) in links
            assert ("14", "brother (same sire)", 0.5) in links
            assert ("9", "half-brother", 0.5) in links
            shown = screen.query_one("#relatives", OptionList)
            texts = [str(shown.get_option_at_index(i).prompt) for i in range(shown.option_count)]
            assert any("brother (same dam)" in t and "14" in t and "p=" not in t for t in texts)


class TestPopulation:
    """Figures do not wrap at 100×30; g shows GD by year; hypothetical sires are marked."""

    async def test_figures_fit_beside_the_chart(self, db_url: str) -> None:
        """Each summary line fits its panel at 100 columns (no value under its label)."""
        app = app_for(db_url)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            screen = await show(app, pilot, "f3", PopulationScreen)
            assert screen.view is not None
            figures = screen.query_one("#figures", Static)
            widest = max(len(line) for line in str(figures.render()).splitlines())
            assert figures.content_region.width >= widest
            assert screen.query_one(LineChart).size.width > 30

    async def test_g_switches_chart_and_yearly_values(self, db_url: str) -> None:
        """g hides the chart and lists GD by year (newest first); g again brings it back."""
        app = app_for(db_url)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            await pilot.press("f3")
            await settle(app, pilot)
            screen = app.screen
            await pilot.press("g")
            await pilot.pause()
            table = screen.query_one("#gd-table", Static)
            assert not screen.query_one(LineChart).display and table.display
            first = str(table.render()).splitlines()[0]
            assert first.startswith(screen.series_years[-1])  # type: ignore[attr-defined]
            await pilot.press("g")
            await pilot.pause()
            assert screen.query_one(LineChart).display and not table.display

    async def test_hypothetical_sires_of_the_set_in_use_are_marked(
        self, fixture_db_url: str, tmp_path: Path
    ) -> None:
        """With the Amur fixture's set 'hypothetical-sires' in use (chosen on the Assumptions
        screen), H1 and H2 are founders listed as '(hyp.)', the panel says what that means;
        with the true record they are not there at all."""
        copy = tmp_path / "amur.sqlite3"
        copy.write_bytes(Path(fixture_db_url.removeprefix("sqlite:///")).read_bytes())
        app = app_for(f"sqlite:///{copy}")
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            await pilot.press("f3")
            await settle(app, pilot)
            labels = app.screen.query_one(BarChart).labels
            assert labels and not any(label.startswith("H") for label in labels)
            await pilot.press("f9")
            await settle(app, pilot)
            assert app.screen.query_one("#set-name", Input).value == "hypothetical-sires"
            await press_button(pilot, "#use")
            await settle(app, pilot)
            screen = await show(app, pilot, "f3", PopulationScreen)
            assert screen.view is not None
            assert "hypothetical-sires" in screen.view.pedigree
            labels = screen.query_one(BarChart).labels
            assert f"H1 {HYPOTHETICAL_MARK}" in labels and f"H2 {HYPOTHETICAL_MARK}" in labels
            assert all(label.startswith("H") == (HYPOTHETICAL_MARK in label) for label in labels)
            subtitle = str(screen.query_one("#founders-panel").border_subtitle)
            assert subtitle.startswith(f"{HYPOTHETICAL_MARK}: hypothetical")


class TestPairings:
    """The ⊘ legend and one plan at a time."""

    async def test_contraception_mark_is_explained(self, db_url: str) -> None:
        """The status line says what ⊘ means; no header is an '=' formula."""
        app = app_for(db_url)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            await pilot.press("f4")
            await settle(app, pilot)
            status = str(app.screen.query_one("#pairings-status", Static).render())
            assert status.startswith(f"{CONTRACEPTED_MARK} = a mate on contraception")
            table: DataTable[object] = app.screen.query_one(DataTable)
            assert not any("=" in str(c.label) for c in table.columns.values())

    async def test_plan_view_shows_one_plan_and_g_switches(self, db_url: str) -> None:
        """p shows the optimal plan only; g the greedy one only, with its own totals."""
        app = app_for(db_url)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            screen = await show(app, pilot, "f4", PairingsScreen)
            await pilot.press("p")
            await settle(app, pilot)
            assert {"institution", "move"} <= set(column_keys(app))  # where each pair will be
            # The plan may have no pairs (no births needed): the totals still name one plan.
            assert all(p.startswith("optimal") for p, _ in screen.plan_rows)
            totals = str(screen.query_one("#plan-totals", Static).render())
            assert totals.startswith("optimal") and "greedy" not in totals
            await pilot.press("g")
            await settle(app, pilot)
            assert screen.plan_method == "greedy"
            assert all(p.startswith("greedy") for p, _ in screen.plan_rows)
            totals = str(screen.query_one("#plan-totals", Static).render())
            assert totals.startswith("greedy") and "optimal" not in totals
            assert screen.query_one(DataTable).row_count == len(screen.plan_rows)

    async def test_plan_controls_set_pairs_and_limits(self, db_url: str) -> None:
        """c in the plan view asks for the number of pairs, the objective, the kinship limit
        and the region penalty; a refused value names what is allowed and changes nothing;
        the accepted ones remake the plan and are named in the status line."""
        app = app_for(db_url)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            screen = await show(app, pilot, "f4", PairingsScreen)
            await pilot.press("c")  # only in the plan view
            await settle(app, pilot)
            assert app.screen is screen
            await pilot.press("p")
            await settle(app, pilot)
            await pilot.press("c")
            await settle(app, pilot)
            modal = app.screen
            assert isinstance(modal, PlanControlsModal)
            modal.query_one("#pairs", Input).value = "1"
            modal.query_one("#kinship-limit", Input).value = "2"
            await press_button(pilot, "#apply")
            await settle(app, pilot)
            problem = str(modal.query_one("#plan-controls-problem", Label).render())
            assert app.screen is modal and "'kinship_limit'" in problem and "'2'" in problem
            modal.query_one("#kinship-limit", Input).value = "0.3"
            modal.query_one("#region-penalty", Input).value = "0.01"
            await press_button(pilot, "#apply")
            await settle(app, pilot)
            assert app.screen is screen
            assert screen.filter.controls.pairs == 1
            assert len(screen.plan_rows) == 1
            status = str(screen.query_one("#pairings-status", Static).render())
            assert "1 pair asked, kinship_limit 0.3, region_penalty 0.01" in status
            await pilot.press("c")
            await settle(app, pilot)
            app.screen.query_one("#pairs", Input).value = "x"
            await pilot.press("escape")  # cancelled: the plan stays as it was
            await settle(app, pilot)
            assert screen.filter.controls.pairs == 1 and len(screen.plan_rows) == 1


class TestCommandPalette:
    """'animal 327' finds the animal; a report entry for every report."""

    def test_animal_words_are_dropped_from_the_search(self) -> None:
        assert animal_needle("animal 327") == "327"
        assert animal_needle("  Animal: open Darla ") == "darla"
        assert animal_needle("animals") == "animals"

    async def palette(self, app: StudbookApp, pilot: object, query: str) -> list[str]:
        await pilot.press("ctrl+p")  # type: ignore[attr-defined]
        await settle(app, pilot)  # type: ignore[arg-type]
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*query)  # type: ignore[attr-defined]
        await settle(app, pilot)  # type: ignore[arg-type]
        await pilot.pause(0.3)  # type: ignore[attr-defined]
        found = app.screen.query_one(CommandList)
        return [str(found.get_option_at_index(i).prompt) for i in range(found.option_count)]

    async def test_animal_13_opens_luna(self, db_url: str) -> None:
        """Typing 'animal 13' offers 'animal: open 13 (Luna)'; enter opens it."""
        app = app_for(db_url)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            shown = await self.palette(app, pilot, "animal 13")
            assert any("open 13 (Luna)" in s for s in shown), shown
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, AnimalScreen) and app.screen.animal_id == "13"

    async def test_every_report_has_an_entry(self, db_url: str) -> None:
        """report: population summary, ranked pairings, release candidates, demography,
        GD projection and breeding plan are offered; one of them goes to its screen."""
        app = app_for(db_url)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            shown = await self.palette(app, pilot, "report:")
            for name in ("population summary", "ranked pairings", "release candidates",
                         "demography", "GD projection", "breeding plan"):  # fmt: skip
                assert any(f"report: {name}" in s for s in shown), (name, shown)
            await pilot.press("escape")
            shown = await self.palette(app, pilot, "report: population summary")
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, PopulationScreen)


class TestEditing:
    """Birth form fill-ins and fields, errors under the right field, Enter, loans, quitting."""

    async def open_form(self, app: StudbookApp, pilot: object, kind: str, animal: str | None):  # type: ignore[no-untyped-def]
        app.open_edit(kind, animal)
        await settle(app, pilot)  # type: ignore[arg-type]
        form = app.screen
        assert isinstance(form, EditForm)
        return form

    async def test_birth_fills_the_dams_institution(self, db_url: str) -> None:
        """Typing dam 10 (at MARWELL since 2014) fills the institution; a typed one stays."""
        app = app_for(db_url)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            form = await self.open_form(app, pilot, "birth", None)
            form.query_one("#field-date", Input).value = "2023-05-01"
            form.query_one("#field-dam", Input).value = "10"
            await settle(app, pilot)
            institution = form.query_one("#field-institution", Input)
            assert institution.value == "MARWELL"
            institution.value = "ERIE"
            form.query_one("#field-dam", Input).value = "7"
            await settle(app, pilot)
            assert institution.value == "ERIE"

    async def test_littermate_fills_parents_date_and_place(self, db_url: str) -> None:
        """Littermate 9 fills sire 5, dam 7, 2012-05-20 and TALLINN; the birth is saved with
        its birth type and local id."""
        app = app_for(db_url)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            form = await self.open_form(app, pilot, "birth", None)
            form.query_one("#field-id", Input).value = "16"
            form.query_one("#field-litter", Input).value = "9"
            await settle(app, pilot)
            got = {n: form.query_one(f"#field-{n}", Input).value
                   for n in ("sire", "dam", "date", "institution", "birth_type")}  # fmt: skip
            assert got == {"sire": "5", "dam": "7", "date": "2012-05-20",
                           "institution": "TALLINN", "birth_type": "captive"}  # fmt: skip
            form.query_one("#field-sex", Input).value = "F"
            form.query_one("#field-local_id", Input).value = "T16"
            await settle(app, pilot)
            assert not form.query_one("#save", Button).disabled, form.problems
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert not isinstance(app.screen, EditForm)
            book = app.require_store().book()
            assert book.records["16"].birth_date == book.records["9"].birth_date
            assert [e.local_id for e in book.events["16"]] == ["T16"]

    async def test_a_littermate_with_another_dam_is_refused(self, db_url: str) -> None:
        """A littermate of 9 with dam 4 is refused under the litter field."""
        app = app_for(db_url)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            form = await self.open_form(app, pilot, "birth", None)
            for name, value in (("id", "16"), ("litter", "9"), ("sex", "M")):
                form.query_one(f"#field-{name}", Input).value = value
            await settle(app, pilot)
            form.query_one("#field-dam", Input).value = "4"
            await settle(app, pilot)
            note = str(form.query_one("#error-litter", Static).render())
            assert "dam" in note and form.query_one("#save", Button).disabled

    async def test_transfer_error_under_institution_and_enter_keeps_form(self, db_url: str) -> None:
        """An unknown institution is refused under 'To institution'; tab never reaches
        Cancel and enter with Save off keeps the form open and says why."""
        app = app_for(db_url)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            form = await self.open_form(app, pilot, "transfer", "14")
            form.query_one("#field-date", Input).value = "2023-02-01"
            form.query_one("#field-institution", Input).value = "NOWHERE"
            await settle(app, pilot)
            assert "NOWHERE" in str(form.query_one("#error-institution", Static).render())
            assert "NOWHERE" not in str(form.query_one("#error-local_id", Static).render())
            assert form.query_one("#save", Button).disabled
            for _ in range(4):
                await pilot.press("tab")
                assert app.focused is not form.query_one("#cancel", Button)
            await pilot.press("enter")
            await settle(app, pilot)
            assert app.screen is form
            assert any("Nothing to save" in str(n.message) for n in app._notifications)

    async def test_a_loan_and_its_return(self, db_url: str) -> None:
        """A loan of 14 (PRAGUE) to TALLINN with a return date: a loan event, a transfer
        back, and 14 is at PRAGUE again."""
        app = app_for(db_url)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            form = await self.open_form(app, pilot, "loan", "14")
            for name, value in (("date", "2022-03-01"), ("institution", "TALLINN"),
                                ("end", "2022-09-01")):  # fmt: skip
                form.query_one(f"#field-{name}", Input).value = value
            await settle(app, pilot)
            assert not form.query_one("#save", Button).disabled, form.problems
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert events_of(db_url, "14")[-2:] == [("loan", "TALLINN"), ("transfer", "PRAGUE")]
            assert app.require_store().book().records["14"].location == "PRAGUE"

    def test_stopping_the_genetics_ends_a_waiting_call_at_once(self) -> None:
        """A call waiting for a long computation fails within a second of stop(), instead of
        holding the app's exit until the computation ends."""
        outcome: list[BaseException | None] = []

        def wait() -> None:
            try:
                engine.call(time.sleep, 30)
                outcome.append(None)
            except engine.RemoteError as exc:
                outcome.append(exc)

        engine.call(time.sleep, 0)  # the process is up
        waiting = threading.Thread(target=wait)
        waiting.start()
        time.sleep(0.5)
        started = time.monotonic()
        engine.stop()
        waiting.join(5)
        assert not waiting.is_alive() and time.monotonic() - started < 2
        assert isinstance(outcome[0], engine.RemoteError)
        assert engine.call(sum, [1, 2]) == 3  # a new process for the next app


class TestWalk:
    """Birth, transfer and death recorded through the forms; every screen follows."""

    async def test_birth_transfer_death_seen_everywhere(self, db_url: str) -> None:
        messages: list[Message] = []
        app = app_for(db_url)
        async with app.run_test(size=SMALL, message_hook=messages.append) as pilot:
            await settle(app, pilot)

            def count(kind: type[Message]) -> int:
                return sum(isinstance(m, kind) for m in messages)

            async def living() -> int:
                screen = await show(app, pilot, "f3", PopulationScreen)
                assert screen.view is not None
                return int(dict(screen.view.figures)["N living (P)"])

            planned: dict[str, str] = {}
            """Each animal of the Plan screen (F8) by the institution it is listed at."""

            async def visit_all() -> None:
                for key in ("f4", "f5", "f7", "f8", "f9", "f2"):
                    await pilot.press(key)
                    await settle(app, pilot)
                    if key == "f8":
                        screen = app.screen
                        assert isinstance(screen, PlanScreen) and screen.view is not None
                        planned.clear()
                        planned.update(
                            (row[0], inst.mnemonic)
                            for inst in screen.view.institutions
                            for row in inst.rows
                        )

            before = await living()
            await visit_all()
            kinds = (PairingsLoaded, ReleasesLoaded, DemographyLoaded, PlanLoaded)
            loads = {k: count(k) for k in kinds}

            # birth
            await pilot.press("n")
            await settle(app, pilot)
            form = app.screen
            assert isinstance(form, EditForm)
            for name, value in (("id", "16"), ("sire", "9"), ("dam", "10"), ("sex", "F"),
                                ("date", "2023-05-01")):  # fmt: skip
                form.query_one(f"#field-{name}", Input).value = value
            await settle(app, pilot)
            assert form.query_one("#field-institution", Input).value == "MARWELL"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert isinstance(app.screen, AnimalsScreen) and "16" in {r.id for r in app.screen.rows}
            assert await living() == before + 1
            await visit_all()
            for kind, n in loads.items():
                assert count(kind) > n, kind
            assert planned["16"] == "MARWELL"
            loads = {k: count(k) for k in loads}

            # transfer, from the animal screen
            app.open_animal("16")
            await settle(app, pilot)
            await pilot.press("t")
            await settle(app, pilot)
            form = app.screen
            assert isinstance(form, EditForm) and form.kind == "transfer"
            form.query_one("#field-date", Input).value = "2023-11-01"
            form.query_one("#field-institution", Input).value = "ERIE"
            await settle(app, pilot)
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            animal = app.screen
            assert isinstance(animal, AnimalScreen) and animal.detail is not None
            assert animal.detail.institution == "ERIE"
            assert [s.event for s in animal.detail.history] == ["birth", "transfer"]
            assert animal.sub_title.endswith("ERIE")
            await pilot.press("escape")
            await settle(app, pilot)
            await visit_all()
            for kind, n in loads.items():
                assert count(kind) > n, kind
            assert planned["16"] == "ERIE"
            loads = {k: count(k) for k in loads}

            # death, from the animal screen
            app.open_animal("16")
            await settle(app, pilot)
            animal = app.screen
            assert isinstance(animal, AnimalScreen)
            await pilot.press("d")
            await settle(app, pilot)
            form = app.screen
            assert isinstance(form, EditForm) and form.kind == "death"
            form.query_one("#field-date", Input).value = "2023-12-01"
            await settle(app, pilot)
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert animal.detail is not None and animal.detail.status == "dead"
            assert "dead" in animal.sub_title
            await pilot.press("escape")
            await settle(app, pilot)
            assert isinstance(app.screen, AnimalsScreen)
            assert "16" not in {r.id for r in app.screen.rows}
            assert await living() == before
            await visit_all()
            for kind, n in loads.items():
                assert count(kind) > n, kind
            assert "16" not in planned
            assert sum(isinstance(m, RecordSaved) for m in messages) == 3
            assert count(PopulationLoaded) >= 3
