"""Every front end counts the same living animals (issue #9).

On the Amur leopard fixture, on small hand-made studbooks with the awkward cases (a release
event on a record still marked alive, no birth date, a birth date estimated to the census year)
and after seeded random sequences of edits made through :mod:`db.editing` (births, deaths,
releases, LTF, captures back from the wild, transfers, back-dated events), the living set on
several dates must be the same from ``studbook animals --living``, the UI's animals table and
gene diversity chart, ``studbook census``, ``studbook summary``, the analyses' reference
population and the csv, PMx and Vortex exports.
"""

from __future__ import annotations

import csv
import io
import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import clirun
import pytest
from clirun import FIXTURE
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db import editing
from db.errors import InvalidEditError
from db.exporter import export_pmx, export_studbook, export_vortex
from db.repository import load_studbook
from db.session import make_engine, make_session_factory, session_scope
from studbook.analysis import Analysis, AnalysisSettings
from studbook.book import Studbook
from studbook.csvformat import read_table
from studbook.dates import parse_partial_date
from studbook.events import EVENT_COLUMNS, EventCode, events_from_table
from studbook.institutions import read_institutions
from studbook.parents import ParentKind, ParentSpec
from studbook.records import AnimalRecord, BirthType, records_from_table
from studbook.status import whole_years
from tui import engine as engine_module
from tui.store import AnimalFilter, Store

DATES = (None, date(1985, 6, 30), date(2004, 1, 1), date(2019, 7, 1))
"""``None`` is now (the records as they stand; analyses: today)."""

Counts = tuple[int, int, int]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run the command line in-process (:func:`clirun.run`); its standard output (the command
    must succeed)."""
    code, out, err = clirun.run(capsys, *argv)
    assert code == 0, err
    return out


def _sections(text: str) -> list[dict[str, object]]:
    sections: list[dict[str, object]] = json.loads(text)["sections"]
    return sections


def _by_sex(book: Studbook, ids: set[str]) -> Counts:
    sexes = [book.records[a].sex for a in ids]
    return (sexes.count("M"), sexes.count("F"), sexes.count("U"))


def _tsv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


@dataclass
class Views:
    """Where the living are listed or counted, on one date."""

    url: str
    capsys: pytest.CaptureFixture[str]
    tmp: Path

    def cli_animals(self, on: date | None) -> set[str]:
        args = ["--db", self.url, "animals", "--living", "--format", "json"]
        args += ["--date", on.isoformat()] if on else []
        rows = _sections(run(self.capsys, *args))[0]["rows"]
        assert isinstance(rows, list)
        return {str(r["id"]) for r in rows}

    def cli_census(self, on: date | None) -> Counts:
        args = ["--db", self.url, "census", "--format", "json"]
        args += ["--date", on.isoformat()] if on else []
        totals = _sections(run(self.capsys, *args))[0]["totals"]
        assert isinstance(totals, dict)
        m, f, u = (int(x) for x in str(totals["m.f.u"]).split("."))
        assert totals["animals"] == m + f + u
        return m, f, u

    def cli_summary(self, on: date | None) -> Counts | None:
        args = ["--db", self.url, "summary", "--format", "json"]
        args += ["--census-date", on.isoformat()] if on else []
        code, out, err = clirun.run(self.capsys, *args)
        if code != 0:
            assert "reference population is empty" in err
            return None
        rows = _sections(out)[0]["rows"]
        assert isinstance(rows, list)
        n, m, f, u = (int(r["value"]) for r in rows[:4])
        assert n == m + f + u
        return m, f, u

    def ui_table(self, engine: Engine, on: date | None) -> set[str]:
        store = Store(engine, "test", on.isoformat() if on else None)
        return {r.id for r in store.animals(AnimalFilter(living_only=True))}

    def vortex(self, factory: sessionmaker[Session], on: date | None) -> dict[str, int]:
        stream = io.StringIO()
        with factory() as session:
            export_vortex(session, stream, on)
        rows = _tsv(stream.getvalue())
        assert all(r["Alive"] == r["Selected"] == r["Population"] for r in rows)
        return {r["ID"]: int(r["AGE"]) for r in rows if r["Alive"] == "1"}

    def pmx(self, factory: sessionmaker[Session]) -> set[str]:
        stream = io.StringIO()
        with factory() as session:
            export_pmx(session, stream)
        return {r["STUD_ID"] for r in _tsv(stream.getvalue()) if r["DEAD"] == "F"}

    def csv_export(self, factory: sessionmaker[Session]) -> Studbook:
        """The studbook read back from its csv export (pedigree, events, institutions)."""
        path = self.tmp / "export.csv"
        with factory() as session:
            export_studbook(session, path, "csv")
        records, problems = records_from_table(read_table(path))
        events, event_problems = events_from_table(
            read_table(path.with_name("export_events.csv"), required=EVENT_COLUMNS)
        )
        institutions, _ = read_institutions(path.with_name("export_institutions.csv"))
        assert problems == event_problems == []
        return Studbook.build(records, events, institutions)


def assert_all_agree(views: Views, engine: Engine) -> None:
    """The living set (and its counts by sex) is the same everywhere, on every date."""
    factory = make_session_factory(engine)
    with factory() as session:
        book = load_studbook(session)
    exported = views.csv_export(factory)
    for on in DATES:
        living = views.cli_animals(on)
        where = f"on {on or 'now'}"
        assert views.ui_table(engine, on) == living, where
        assert set(exported.census(on).animal_ids) == living, where
        assert views.cli_census(on) == _by_sex(book, living), where
        ages = views.vortex(factory, on)
        assert set(ages) == living, where
        day = on or date.today()
        for animal_id, age in ages.items():
            born = book.records[animal_id].birth_date
            assert age == (whole_years(born, day) if born is not None else -1), animal_id
            assert born is None or age >= 0, animal_id
        analysis = Analysis(book, AnalysisSettings(census_date=on.isoformat() if on else None))
        assert set(analysis.population.ids) == living, where
        summary = views.cli_summary(on)
        assert summary == (_by_sex(book, living) if living else None), where
        if on is not None:  # the UI's gene diversity chart, one point
            job = engine_module.Job(views.url, uuid.uuid4().hex, None)
            series = engine_module.gene_diversity_chunk(job, [on.isoformat()])
            assert series.size.tolist() == [len(living)], where
        if on is None:
            assert views.pmx(factory) == living


@pytest.fixture
def views(db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Views:
    run(capsys, "--db", db_url, "init")
    return Views(db_url, capsys, tmp_path)


@pytest.fixture
def engine_of(views: Views) -> Iterator[Engine]:
    engine = make_engine(views.url)
    yield engine
    engine.dispose()


HAND_MADE = """id,sire,dam,sex,birth_date,death_date,alive,location,house_name
1,WILD,WILD,M,1990,,,TALLINN,Released but marked alive
2,WILD,WILD,F,,,,TALLINN,No birth date
3,1,2,M,2019,,,ERIE,Born in the census year
4,1,2,F,1995-03-01,2003-07,,ERIE,Died estimated
5,1,2,F,1996-04-01,,0,ERIE,Gone without a date
6,WILD,WILD,F,1992-05-05,,1,HELSINKI,Captured again
7,1,2,U,2001-06-01,,,HELSINKI,Lost
"""
HAND_MADE_EVENTS = """id,date,event,institution,local_id
1,1991-01-01,capture,TALLINN,T1
1,2010-06-01,release,TALLINN,
3,2019,birth,ERIE,E3
6,1993-01-01,capture,HELSINKI,H6
6,2000-02-01,release,HELSINKI,
6,2002-03-01,capture,HELSINKI,H6
7,2001-06-01,birth,HELSINKI,H7
7,2004-01,ltf,HELSINKI,
"""
INSTITUTIONS = """mnemonic,name,country,region
TALLINN,Tallinn Zoo,Estonia,EAZA
ERIE,Erie Zoo,USA,AZA
HELSINKI,Korkeasaari,Finland,EAZA
"""


class TestEveryFrontCountsTheSameLiving:
    """animals --living, the UI table, census, summary, analyses and exports agree."""

    def test_hand_made_awkward_cases(
        self, views: Views, engine_of: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """Release on a record marked alive, no birth date, estimated dates, LTF, recapture."""
        files = tmp_path / "hand"
        files.mkdir()
        (files / "hand.csv").write_text(HAND_MADE, encoding="utf-8")
        (files / "hand_events.csv").write_text(HAND_MADE_EVENTS, encoding="utf-8")
        (files / "hand_institutions.csv").write_text(INSTITUTIONS, encoding="utf-8")
        run(capsys, "--db", views.url, "import", str(files / "hand.csv"))
        assert views.cli_animals(None) == {"2", "3", "6"}
        assert views.cli_animals(date(2001, 1, 1)) == {"1", "2", "4"}
        assert views.cli_animals(date(2002, 1, 1)) == {"1", "2", "4", "7"}
        assert views.cli_animals(date(2005, 1, 1)) == {"1", "2", "6"}
        assert views.vortex(make_session_factory(engine_of), date(2019, 3, 1))["3"] == 0
        assert_all_agree(views, engine_of)

    def test_fixture_and_random_edits(
        self, views: Views, engine_of: Engine, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The Amur fixture as imported, then after 40 seeded random edits."""
        run(capsys, "--db", views.url, "import", str(FIXTURE))
        assert_all_agree(views, engine_of)
        factory = make_session_factory(engine_of, user="tester")
        made = apply_random_edits(factory, random.Random(9), 40)
        assert made >= 20
        assert_all_agree(views, engine_of)


def _day(rng: random.Random, first: date, last: date) -> date:
    return date.fromordinal(rng.randint(first.toordinal(), max(first, last).toordinal()))


def apply_random_edits(factory: sessionmaker[Session], rng: random.Random, n: int) -> int:
    """Make ``n`` random edits (those the rules refuse are skipped); how many were made."""
    made = 0
    last_day = date(2025, 12, 31)
    for step in range(n):
        with factory() as session:
            book = load_studbook(session)
        living = sorted(a for a in book.records if book.status(a) == "living")
        gone = sorted(a for a in book.records if book.status(a) in ("released", "LTF"))
        places = sorted(book.institutions)
        kind = rng.choice(["birth", "death", "release", "ltf", "transfer", "capture", "backdated"])
        animal = rng.choice(living)
        events = book.events.get(animal, ())
        record = book.records[animal]
        start = record.birth_date.earliest if record.birth_date else date(1990, 1, 1)
        latest = max((e.date.latest for e in events if e.date is not None), default=start)
        when = parse_partial_date(_day(rng, latest, last_day).isoformat())
        assert when is not None
        try:
            with session_scope(factory) as session:
                if kind == "birth":
                    sires = [a for a in living if book.records[a].sex == "M"]
                    dams = [a for a in living if book.records[a].sex == "F"]
                    dam = rng.choice(dams)
                    born = book.records[dam].birth_date
                    first = born.latest.replace(year=born.latest.year + 3) if born else start
                    if first > last_day:
                        continue
                    day = _day(rng, first, last_day).isoformat()
                    child = AnimalRecord(
                        id=f"9{step:03d}",
                        sire=ParentSpec(ParentKind.KNOWN, ((rng.choice(sires), 1.0),)),
                        dam=ParentSpec(ParentKind.KNOWN, ((dam, 1.0),)),
                        sex=rng.choice("MFU"),
                        birth_date=parse_partial_date(rng.choice([day, day[:7], day[:4]])),
                        birth_type=BirthType.CAPTIVE,
                        alive=True,
                    )
                    institution = book.records[dam].location or rng.choice(places)
                    editing.record_birth(session, child, institution=institution)
                elif kind == "death":
                    editing.record_death(session, animal, when)
                elif kind == "release":
                    editing.record_release(session, animal, when)
                elif kind == "ltf":
                    editing.record_ltf(session, animal, when)
                elif kind == "transfer":
                    editing.record_transfer(session, animal, when, rng.choice(places))
                elif kind == "capture" and gone:
                    back = rng.choice(gone)
                    dated = [e.date.latest for e in book.events[back] if e.date is not None]
                    day = parse_partial_date(_day(rng, max(dated), last_day).isoformat())
                    assert day is not None
                    editing.record_event(
                        session, back, EventCode.CAPTURE, day, institution=rng.choice(places)
                    )
                else:  # a transfer dated before the animal's last recorded event
                    early = parse_partial_date(_day(rng, start, latest).isoformat())
                    assert early is not None
                    editing.record_transfer(session, animal, early, rng.choice(places))
            made += 1
        except InvalidEditError:
            continue
    return made
