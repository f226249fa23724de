"""Export: the studbook CSV round-trips losslessly; PMx and Vortex files say what they should."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from testdata import (
    FIXTURES,
    PEDIGREES,
    SOURCE_MAPPINGS,
    real_pedigree_params,
    require_shared,
)

from db.exporter import export_pmx, export_studbook, export_vortex
from db.importer import companion_files, import_studbook
from db.repository import load_events, load_institutions, load_pedigree, load_records
from db.session import session_scope
from studbook.interpret import read_understood
from studbook.pmx import PEDIGREE_COLUMNS
from studbook.records import AnimalRecord, records_from_table

NewFactory = Callable[[], sessionmaker[Session]]
AMUR = FIXTURES / "amur_leopard.csv"


def _file_records(path: Path) -> list[AnimalRecord]:
    table, _ = read_understood(path, SOURCE_MAPPINGS.get(path.stem))
    records, problems = records_from_table(table)
    assert not problems
    for record in records:
        record.line = None
    return records


def test_the_real_pedigrees_are_all_there() -> None:
    """The shared data folder, where present, holds the ten real pedigree files the round trip
    runs on."""
    require_shared()
    assert len(list(PEDIGREES.glob("*.csv"))) == 10


class TestRoundTrip:
    @pytest.mark.parametrize("path", real_pedigree_params())
    def test_real_pedigree(self, new_factory: NewFactory, path: Path, tmp_path: Path) -> None:
        """Import, export, re-import into a fresh database: identical records, in file order."""
        first = new_factory()
        with session_scope(first) as session:
            import_studbook(session, path, mapping=SOURCE_MAPPINGS.get(path.stem))
        exported = tmp_path / "export.csv"
        with session_scope(first) as session:
            export_studbook(session, exported)
            stored = load_records(session)
        assert stored == _file_records(path)

        second = new_factory()
        with session_scope(second) as session:
            import_studbook(session, exported, *companion_files(exported))
        with session_scope(second) as session:
            assert load_records(session) == stored
            pedigree = load_pedigree(session)
        assert pedigree.ids == tuple(r.id for r in stored)

    def test_amur_fixture_with_events_and_institutions(
        self, new_factory: NewFactory, tmp_path: Path
    ) -> None:
        """The bundled fixture's animals, events and institutions survive a round trip."""
        first = new_factory()
        with session_scope(first) as session:
            report = import_studbook(session, AMUR, *companion_files(AMUR))
        assert report.animals > 500 and report.events > 0 and report.institutions >= 40
        exported = tmp_path / "amur.csv"
        with session_scope(first) as session:
            export_studbook(session, exported)
            original = (load_records(session), load_events(session), load_institutions(session))
        assert original[0] == _file_records(AMUR)

        second = new_factory()
        with session_scope(second) as session:
            import_studbook(session, exported, *companion_files(exported))
        with session_scope(second) as session:
            again = (load_records(session), load_events(session), load_institutions(session))
        assert again == original
        assert (tmp_path / "amur_events.csv").read_text() == (
            AMUR.with_name("amur_leopard_events.csv").read_text()
        )


SMALL = """\
id,sire,dam,sex,birth_date,death_date,location
1,WILD,WILD,M,1990-01-01,,TALLINN
2,WILD,WILD,F,1991-01-01,,TALLINN
3,,,U,1992-01-01,,TALLINN
4,1:0.25|3:0.75,2,F,2000-06-15,,TALLINN
5,1,2,U,2001-02-03,2003-01-01,TALLINN
"""


@pytest.fixture
def small(factory: sessionmaker[Session], tmp_path: Path) -> sessionmaker[Session]:
    """Five animals: two WILD founders, an unknown-parent animal, a MULT sire, a dead one."""
    path = tmp_path / "small.csv"
    path.write_text(SMALL.replace("3,,,U", "3,,,M"))
    with session_scope(factory) as session:
        import_studbook(session, path)
    return factory


class TestPmx:
    def test_pedigree_with_dates_and_mult_ids(
        self, small: sessionmaker[Session], tmp_path: Path
    ) -> None:
        """Tab-separated STUD_ID ... LOCAL_ID with dates; UNK, WILD; MULT as MULT1 + _mult."""
        target = tmp_path / "small.txt"
        with session_scope(small) as session:
            report = export_pmx(session, target)
        rows = list(csv.reader(io.StringIO(target.read_text()), delimiter="\t"))
        assert rows[0] == list(PEDIGREE_COLUMNS)
        assert rows[1] == ["1", "WILD", "WILD", "M", "1990-01-01", "", "", "", "F", "TALLINN", ""]
        assert rows[3][:3] == ["3", "UNK", "UNK"]
        assert rows[4][:3] == ["4", "MULT1", "2"]
        assert rows[5][6:9] == ["2003-01-01", "", "T"]
        mult = (tmp_path / "small_mult.txt").read_text().splitlines()
        assert mult == ["MULT_ID\tPARENT_ID\tPROBABILITY", "MULT1\t1\t0.25", "MULT1\t3\t0.75"]
        assert report.files[1:] == (
            str(tmp_path / "small_moves.txt"),
            str(tmp_path / "small_mult.txt"),
        )


class TestVortex:
    def test_living_animals_with_ages(self, small: sessionmaker[Session]) -> None:
        """Sex Male/Female, Alive/Selected/Population flags and whole-year ages at the census."""
        import datetime as dt

        out = io.StringIO()
        with session_scope(small) as session:
            report = export_vortex(session, out, census=dt.date(2002, 1, 1))
        rows = list(csv.reader(io.StringIO(out.getvalue()), delimiter="\t"))
        header = rows[0]
        assert header == [
            "ID",
            "Sire",
            "Dam",
            "Sex",
            "Selected",
            "Alive",
            "Population",
            "AGE",
            "MATE",
        ]
        by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
        assert by_id["1"]["AGE"] == "12" and by_id["1"]["Alive"] == "1"
        assert by_id["4"]["AGE"] == "1" and by_id["4"]["Sex"] == "Female"
        assert by_id["5"]["Alive"] == "1" and by_id["5"]["Sex"] == "Male"
        assert by_id["5"]["AGE"] == "0"
        sex = [w for w in report.warnings if w.field == "sex"]
        assert len(sex) == 1 and sex[0].message.startswith("animal 5: unknown sex")
        assert rows[sex[0].line - 1][0] == "5"  # the line of the row written for animal 5

    def test_dead_animals_are_not_alive_after_death(self, small: sessionmaker[Session]) -> None:
        """An animal that died before the census is written with Alive 0 and AGE -1."""
        import datetime as dt

        out = io.StringIO()
        with session_scope(small) as session:
            export_vortex(session, out, census=dt.date(2004, 1, 1))
        row = next(
            r for r in csv.reader(io.StringIO(out.getvalue()), delimiter="\t") if r[0] == "5"
        )
        assert row[4:8] == ["0", "0", "0", "-1"]
