"""Genetics, population, pairings, releases and every edit form, driven through the Pilot."""

from __future__ import annotations

import csv
from pathlib import Path

from pilots import other_user, settle, show, table_ids
from sqlalchemy import select
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from db.audit import history
from db.models import Animal, Event
from db.session import session_scope
from tui.app import StudbookApp, make_app
from tui.messages import (
    GeneDiversityLoaded,
    GeneticsProgress,
    PopulationLoaded,
    RecordSaved,
    ReleaseGroupLoaded,
    ReportExported,
)
from tui.screens.animal import AnimalScreen
from tui.screens.animals import AnimalsScreen
from tui.screens.edit import EditForm
from tui.screens.errors import ErrorModal
from tui.screens.export import ExportModal
from tui.screens.pairings import PairingsScreen
from tui.screens.population import PopulationScreen
from tui.screens.releases import ReleasesScreen
from tui.widgets.charts import BarChart, LineChart, Pyramid

SIZE = (150, 46)
CENSUS = "2024-01-01"


def animal_in_db(url: str, animal_id: str) -> Animal | None:
    with other_user(url)() as session:
        return session.get(Animal, animal_id)


class TestGenetics:
    async def test_animals_table_shows_f_and_mk_rank(self, db_url: str) -> None:
        """After the genetics worker, every living row has F and an MK rank 1..N."""
        messages: list[Message] = []
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, AnimalsScreen)
            ranks = sorted(r.mk_rank for r in screen.rows if r.mk_rank is not None)
            assert ranks == list(range(1, len(screen.rows) + 1))
            steps = [m.step for m in messages if isinstance(m, GeneticsProgress)]
            assert steps[:3] == ["inbreeding", "mean kinship and summary", "gene drop"]
            screen.set_filter(sort="mk_rank")
            await settle(app, pilot)
            assert [r.mk_rank for r in screen.rows][:3] == [1, 2, 3]

    async def test_animal_genetics_panel(self, db_url: str) -> None:
        """An animal shows F, MK with its rank, % known, flagged share and genome uniqueness."""
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            app.open_animal("13")
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, AnimalScreen) and screen.detail is not None
            g = screen.detail.genetics
            assert g is not None
            assert g.f == 0.25  # daughter of two full siblings of unrelated wild parents
            assert g.mk is not None and g.mk_rank is not None and g.mk_of == 13
            assert g.known == 1.0
            assert g.flagged is not None and 0 < g.flagged < 1  # via founder 2 (non-amur)
            assert g.uniqueness is not None and 0 <= g.uniqueness <= 1
            text = str(screen.query_one("#animal-genetics", Static).render())
            assert "rank" in text and "Genome uniqueness" in text
            unknown = app.store.animal("12") if app.store else None
            assert unknown is not None and unknown.genetics is not None
            assert unknown.genetics.known == 0.5  # sire UNK


class TestPopulation:
    async def test_figures_founders_pyramid_and_gd_over_time(self, db_url: str) -> None:
        """F3 shows the summary, founder bars, the age-sex pyramid and GD at each census."""
        messages: list[Message] = []
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(app, pilot)
            screen = await show(app, pilot, "f3", PopulationScreen)
            assert screen.view is not None
            figures = dict(screen.view.figures)
            assert figures["N living (P)"] == "13"
            assert 0.5 < float(figures["Gene diversity (GD)"]) < 1
            assert "Founder genome equivalents (FGE)" in figures and "Ne (sex ratio)" in figures
            bars = screen.query_one(BarChart)
            assert set(bars.labels) == {"1", "2", "3", "4"}  # 12's UNK sire is no founder
            assert 0.9 < sum(bars.values) <= 1 + 1e-9  # 12's unknown half is nobody's
            assert (
                sum(screen.query_one(Pyramid).males) + sum(screen.query_one(Pyramid).females) == 13
            )
            series = [m.series for m in messages if isinstance(m, GeneDiversityLoaded)]
            assert series and series[-1].years[0] == "1991" and series[-1].years[-1] == "2024"
            gd_now = float(figures["Gene diversity (GD)"])
            assert abs(screen.query_one(LineChart).y[-1] - gd_now) < 5e-5
            assert any(isinstance(m, PopulationLoaded) for m in messages)


class TestPairings:
    async def test_ranked_table_filters_and_mates(self, db_url: str) -> None:
        """F4 ranks every pair; institution filter, a male's mates and a region restriction."""
        messages: list[Message] = []
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(app, pilot)
            screen = await show(app, pilot, "f4", PairingsScreen)
            assert screen.view is not None
            rows = screen.view.rows
            assert rows and [r.rank for r in rows] == list(range(1, len(rows) + 1))
            assert len(table_ids(app)) == len(rows)
            screen.set_filter(institution="MOSCOW")
            await settle(app, pilot)
            assert screen.view.rows
            assert all("MOSCOW" in (r.male_location, r.female_location) for r in screen.view.rows)
            await pilot.press("escape")
            await settle(app, pilot)
            assert screen.filter.institution is None
            await pilot.press("m")
            await settle(app, pilot)
            male = screen.filter.male
            assert male is not None
            assert {r.male for r in screen.view.rows} == {male}
            assert len(screen.view.rows) == len(screen.view.females)  # every candidate mate
            await pilot.press("escape")
            screen.set_filter(region="EAZA")
            await settle(app, pilot)
            assert "EAZA" in screen.view.description
            assert all("ERIE" not in (r.male_location, r.female_location) for r in screen.view.rows)

    async def test_breeding_plan_view_and_export(self, planned_db_url: str, tmp_path: Path) -> None:
        """p shows the plan to send (optimal contributions) beside the greedy plan with totals
        (the next generation's ΔGD among them), the moves and the sizing arithmetic; x writes
        the view to a file."""
        messages: list[Message] = []
        app = make_app(planned_db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(app, pilot)
            await pilot.press("f4")
            await settle(app, pilot)
            await pilot.press("p")
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, PairingsScreen) and screen.view is not None
            assert screen.filter.plan and screen.view.plan_rows
            plans = {plan.split(" ")[0] for plan, _ in screen.view.plan_rows}
            assert plans == {"optimal", "greedy"}
            totals = str(screen.query_one("#plan-totals", Static).render())
            assert "Total ΔGD (×10⁻⁴)" in totals and "Next-generation ΔGD (×10⁻⁴)" in totals
            assert "optimal contributions" in totals
            notes = str(screen.query_one("#plan-notes", Static).render())
            assert "20 animals in 5 years" in notes and "pairs = ceil(" in notes
            assert all(p.move == "none" or "->" in p.move for _, p in screen.view.plan_rows)
            await pilot.press("p")  # back to the ranked pairs, then export them
            await settle(app, pilot)
            await pilot.press("x")
            await pilot.pause()
            assert isinstance(app.screen, ExportModal)
            target = tmp_path / "pairs.csv"
            app.screen.query_one("#path", Input).value = str(target)
            await pilot.click("#export")
            await settle(app, pilot)
            assert any(isinstance(m, ReportExported) for m in messages)
            text = target.read_text(encoding="utf-8")
            reader = [row for row in csv.reader(text.splitlines()) if row]
            header = next(row for row in reader if "male" in row and "female" in row)
            assert "msi" in header
            assert len(screen.view.rows) <= len(reader)


class TestReleases:
    async def test_ranked_candidates_and_best_group(self, db_url: str) -> None:
        """F5 ranks the release candidates; g picks the best group of k with its figures."""
        messages: list[Message] = []
        app = make_app(db_url, census_date="2016-06-01")
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(app, pilot)
            screen = await show(app, pilot, "f5", ReleasesScreen)
            assert screen.view is not None
            assert screen.view.rows
            sexes = [r.sex for r in screen.view.rows if r.under_cap]
            screen.query_one("#k", Input).value = "2"
            await pilot.press("g")
            await settle(app, pilot)
            assert screen.group is not None
            assert any(isinstance(m, ReleaseGroupLoaded) for m in messages)
            if "M" in sexes and "F" in sexes:  # the default sex ratio is 1:1
                assert len(screen.group.ids) == 2 and not screen.group.problem
                figures = dict(screen.group.figures)
                assert (
                    "GD within the group" in figures and "Captive GD cost, ΔGD (×10⁻⁴)" in figures
                )
                assert figures["Males:females"] == "1:1"
            else:
                assert screen.group.ids == ()
                assert "under the flagged-founder cap" in screen.group.problem

    async def test_group_chosen_by_hand(self, db_url: str) -> None:
        """Space adds the animal under the cursor to the group and shows its figures; space
        again takes it out; the last one out clears the group."""
        app = make_app(db_url, census_date="2016-01-01")
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            screen = await show(app, pilot, "f5", ReleasesScreen)
            assert screen.view is not None
            ids = [r.id for r in screen.view.rows]
            assert len(ids) >= 2
            await pilot.press("space")
            await settle(app, pilot)
            assert screen.group is not None and screen.group.ids == (ids[0],)
            assert dict(screen.group.figures)["Method"] == "chosen by hand"
            await pilot.press("down", "space")
            await settle(app, pilot)
            assert screen.group is not None and set(screen.group.ids) == set(ids[:2])
            panel = str(screen.query_one("#release-group", Static).render())
            assert "2 animals" in panel and "chosen by hand" in panel
            await pilot.press("space")
            await pilot.press("up", "space")
            await settle(app, pilot)
            assert screen.group is None and screen.members == ()


class TestEditing:
    async def fill(self, app: StudbookApp, pilot: Pilot[None], **values: str) -> EditForm:
        form = app.screen
        assert isinstance(form, EditForm)
        for name, value in values.items():
            form.query_one(f"#field-{name}", Input).value = value
        await settle(app, pilot)
        return form

    async def test_record_a_birth_with_mult_sires(self, db_url: str) -> None:
        """A birth shows up in the table, the database and the audit log; genetics refresh."""
        messages: list[Message] = []
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(app, pilot)
            generation = app.genetics_generation
            await pilot.press("n")
            await settle(app, pilot)
            form = await self.fill(
                app, pilot, id="16", sire="9:0.5|14:0.5", dam="10", sex="F",
                date="2023-05-01", institution="MARWELL", house_name="Amba",
            )  # fmt: skip
            assert not form.query_one("#save", Button).disabled, form.problems
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert any(isinstance(m, RecordSaved) for m in messages)
            assert isinstance(app.screen, AnimalsScreen)
            assert "16" in table_ids(app)
            stored = animal_in_db(db_url, "16")
            assert stored is not None and stored.house_name == "Amba"
            with other_user(db_url)() as session:
                assert any(row.action == "insert" for row in history(session, "16"))
            assert app.genetics_generation > generation
            row = next(r for r in app.screen.rows if r.id == "16")
            assert row.f is not None and row.mk_rank is not None

    async def test_a_refused_value_says_why_and_writes_nothing(self, db_url: str) -> None:
        """A malformed date is refused under its field; Save stays off; nothing is written."""
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("n")
            await settle(app, pilot)
            form = await self.fill(
                app, pilot, id="16", sire="9", dam="10", sex="F",
                date="2023-13-45", institution="MARWELL",
            )  # fmt: skip
            assert "not a real date" in str(form.query_one("#error-date", Static).render())
            assert form.query_one("#save", Button).disabled
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert isinstance(app.screen, EditForm)
            assert animal_in_db(db_url, "16") is None

    async def test_a_database_rule_is_shown_before_saving(self, db_url: str) -> None:
        """A female as sire and an unknown institution are refused by db rules, each under
        the field it was typed in."""
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("n")
            await settle(app, pilot)
            form = await self.fill(
                app, pilot, id="16", sire="10", dam="13", sex="F",
                date="2023-05-01", institution="NOWHERE",
            )  # fmt: skip
            sire = str(form.query_one("#error-sire", Static).render())
            institution = str(form.query_one("#error-institution", Static).render())
            assert "female" in sire.casefold() or "sex" in sire.casefold(), sire
            assert "NOWHERE" in institution and "NOWHERE" not in sire
            assert form.query_one("#save", Button).disabled
            assert animal_in_db(db_url, "16") is None

    async def test_death_transfer_release_contraception_and_edit(self, db_url: str) -> None:
        """Each event form writes through db.editing; status and records follow."""
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            store = app.store
            assert store is not None
            for kind, animal, values in (
                ("transfer", "14", {"date": "2023-02-01", "institution": "TALLINN"}),
                ("contraception", "10", {"date": "2023-03-01", "method": "implant"}),
                ("edit", "15", {"house_name": "Mira II", "notes": "hand-reared"}),
                ("death", "3", {"date": "2023-04-01", "cause": "old age"}),
                ("release", "12", {"date": "2023-06-01", "notes": "Lazovsky"}),
            ):
                app.open_edit(kind, animal)
                await settle(app, pilot)
                form = await self.fill(app, pilot, **values)
                assert not form.query_one("#save", Button).disabled, (kind, form.problems)
                await pilot.press("ctrl+s")
                await settle(app, pilot)
                assert not isinstance(app.screen, EditForm), (kind, form.problems)
            book = store.book()
            assert book.records["14"].location == "TALLINN"
            assert "10" in book.contracepted()
            assert book.records["15"].house_name == "Mira II"
            assert book.status("3") == "dead" and book.status("12") == "released"
            ids = table_ids(app)
            assert "3" not in ids and "12" not in ids and "14" in ids
            with other_user(db_url)() as session:
                events = session.scalars(select(Event.event).where(Event.animal_id == "10"))
                assert "contraception_start" in list(events)

    async def test_an_edit_conflict_says_so_and_reloads(self, db_url: str) -> None:
        """Someone else changes the animal while the form is open: a clear message, a reload."""
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            app.open_edit("edit", "15")
            await settle(app, pilot)
            form = app.screen
            assert isinstance(form, EditForm)
            read = form.version
            form.query_one("#field-house_name", Input).value = "Mine"
            await settle(app, pilot)
            assert not form.query_one("#save", Button).disabled  # checked against version read
            with session_scope(other_user(db_url)) as session:
                animal = session.get(Animal, "15")
                assert animal is not None
                animal.notes = "changed elsewhere"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert isinstance(app.screen, ErrorModal)
            assert "changed" in app.screen.title_text
            assert "version" in app.screen.message
            assert form.version is not None and read is not None and form.version > read
            stored = animal_in_db(db_url, "15")
            assert stored is not None and stored.house_name == "Mira"
            assert stored.notes == "changed elsewhere"
