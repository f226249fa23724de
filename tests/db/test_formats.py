"""The formats of the field in the database: SPARKS, ZIMS and PMx imports through the same rules
and one transaction, the PMx round trip, the MSI matrix, and the real condor studbook."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from clirun import run
from dbfwriter import EXCHANGE, MOVES, animal, move, small_exchange, write_dbf
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from testdata import BUNDLED, FIXTURES, SHARED

from db.exporter import export_msi, export_pmx
from db.importer import check_studbook, companion_files, import_studbook, write_plan
from db.models import Animal, Event
from db.repository import load_events, load_records, load_studbook
from db.session import session_scope
from studbook.analysis import Analysis, AnalysisSettings
from studbook.errors import ImportValidationError
from studbook.events import EventCode
from studbook.parents import ParentKind

NewFactory = Callable[[], sessionmaker[Session]]
AMUR = FIXTURES / "amur_leopard.csv"
ZIMS_SAMPLE = BUNDLED / "formats" / "zims_publication_sample.csv"
CONDOR = SHARED / "data" / "sparks-condor" / "EXCHANGE.DBF"


def _count(session: Session, model: type[Animal] | type[Event]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


class TestSparksImport:
    def test_everything_written_in_one_go(
        self, factory: sessionmaker[Session], tmp_path: Path
    ) -> None:
        """Animals (with the shared wild sire), events and places land together."""
        exchange = small_exchange(tmp_path)
        with session_scope(factory, write=True) as session:
            plan = check_studbook(session, exchange, fmt="sparks")
            report = write_plan(session, plan)
        assert (report.animals, report.events, report.institutions) == (6, 12, 3)
        with session_scope(factory) as session:
            records = {r.id: r for r in load_records(session)}
            kinds = [e.event for e in load_events(session, ["3"])]
        assert records["WILD-5"].hypothetical and records["4"].sire.ids == ("WILD-5",)
        assert kinds == [EventCode.BIRTH, EventCode.LOAN, EventCode.RELEASE, EventCode.CAPTURE]

    def test_an_error_writes_nothing(self, factory: sessionmaker[Session], tmp_path: Path) -> None:
        """A dam dead before her chick hatched stops the import; --correct lets it through."""
        write_dbf(
            tmp_path / "EXCHANGE.DBF",
            EXCHANGE,
            [
                animal("1", "WILD", "WILD", "1", "19800101"),
                animal("2", "WILD", "WILD", "0", "19800101", DEATHDATE="19820101", DEAD="T"),
                animal("3", "1", "2", "1", "19900101"),
            ],
        )
        write_dbf(tmp_path / "MOVES.DBF", MOVES, [move("3", "AA", "ZOOA", "19900101")])
        with (
            pytest.raises(ImportValidationError) as caught,
            session_scope(factory, write=True) as s,
        ):
            write_plan(s, check_studbook(s, tmp_path / "EXCHANGE.DBF", fmt="sparks"))
        problem = caught.value.problems[0]
        assert (Path(problem.file).name, problem.line, problem.field) == ("EXCHANGE.DBF", 3, "dam")
        with session_scope(factory) as session:
            assert _count(session, Animal) == _count(session, Event) == 0
        with session_scope(factory, write=True) as session:
            plan = check_studbook(
                session, tmp_path / "EXCHANGE.DBF", fmt="sparks", corrections=["3:dam=UNK"]
            )
            assert write_plan(session, plan).animals == 3
        assert plan.understanding is not None
        assert "--correct 3:dam=UNK (was 2)" in plan.understanding.lines()[-1]


class TestZimsImport:
    def test_sample_through_the_command_line(
        self, db_url: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Detected from its header; statuses come out as the events and Current Status say."""
        assert run(capsys, "--db", db_url, "init")[0] == 0
        code, _, err = run(capsys, "--db", db_url, "import", str(ZIMS_SAMPLE))
        assert code == 0, err
        assert "read as ZIMS for Studbooks publication export" in err
        assert "imported 9 animals, 23 events" in err
        code, out, _ = run(capsys, "--db", db_url, "animals", "--format", "json")
        rows = {r["id"]: r for r in json.loads(out)["sections"][0]["rows"]}
        assert {k: rows[k]["status"] for k in ("101", "105", "107", "108", "109")} == {
            "101": "dead", "105": "living", "107": "LTF", "108": "released", "109": "living",
        }  # fmt: skip
        assert rows["106"]["sire"] == "103:0.6|105:0.4"


def _pmx_view(session: Session) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """What a PMx file holds of a studbook: parents, sex, dates; events PMx has codes for."""
    records = [
        (r.id, r.sire, r.dam, r.sex, r.birth_date, r.death_date) for r in load_records(session)
    ]
    kept = {EventCode.BIRTH, EventCode.CAPTURE, EventCode.TRANSFER, EventCode.LOAN}
    kept |= {EventCode.RELEASE, EventCode.DEATH}
    events = [
        (e.animal_id, e.event, e.date, e.institution, e.local_id)
        for e in load_events(session)
        if e.event in kept and e.date is not None
    ]
    return records, sorted(events, key=lambda e: str(e[0]))  # each animal's in order


class TestPmxRoundTrip:
    def test_fixture_survives_in_what_pmx_holds(
        self, new_factory: NewFactory, tmp_path: Path
    ) -> None:
        """Export, import into a fresh database: the same parents (MULT candidates and
        probabilities bit for bit), sexes, dates with precisions, moves and living animals;
        exporting again gives the same three files."""
        first = new_factory()
        with session_scope(first, write=True) as session:
            import_studbook(session, AMUR, *companion_files(AMUR))
        out = tmp_path / "amur.txt"
        with session_scope(first) as session:
            export_pmx(session, out)
            before = _pmx_view(session)
            living = load_studbook(session).living_ids()
        assert any(k is ParentKind.MULT for r in before[0] for k in (r[1].kind, r[2].kind))
        second = new_factory()
        with session_scope(second, write=True) as session:
            plan = check_studbook(session, out, fmt="pmx")
            write_plan(session, plan)
        with session_scope(second) as session:
            assert _pmx_view(session) == before
            assert load_studbook(session).living_ids() == living
            again = tmp_path / "again.txt"
            export_pmx(session, again)
        for kind in ("", "_moves", "_mult"):
            assert (tmp_path / f"again{kind}.txt").read_text() == (
                tmp_path / f"amur{kind}.txt"
            ).read_text()

    def test_stream_gets_the_pedigree_only(self, factory: sessionmaker[Session]) -> None:
        with session_scope(factory, write=True) as session:
            import_studbook(session, AMUR, *companion_files(AMUR))
        stream = io.StringIO()
        with session_scope(factory) as session:
            report = export_pmx(session, stream)
        assert stream.getvalue().startswith("STUD_ID\tSIRE_ID\tDAM_ID")
        assert any("pedigree only" in w.message for w in report.warnings)


class TestMsiMatrix:
    def test_layout_and_values(self, factory: sessionmaker[Session], tmp_path: Path) -> None:
        """UniqueID, females across, an empty second row and column, males down; each cell the
        pairing ranking's MSI for that pair."""
        import datetime as dt

        with session_scope(factory, write=True) as session:
            import_studbook(session, AMUR, *companion_files(AMUR))
        out = tmp_path / "msi.txt"
        census = dt.date(2026, 1, 1)
        with session_scope(factory) as session:
            report = export_msi(session, out, census)
            pairings = Analysis(
                load_studbook(session), AnalysisSettings(census_date=census.isoformat())
            ).pairings
        rows = list(csv.reader(io.StringIO(out.read_text()), delimiter="\t"))
        inputs = pairings.inputs
        assert rows[0] == ["UniqueID", "", *inputs.female_ids]
        assert set(rows[1]) == {""} and {r[1] for r in rows} == {""}
        assert [r[0] for r in rows[2:]] == list(inputs.male_ids)
        assert report.rows == len(inputs.male_ids) > 10
        cells = {(r[0], f): v for r in rows[2:] for f, v in zip(rows[0][2:], r[2:], strict=True)}
        assert set(cells.values()) <= {"1", "2", "3", "4", "5", "6", "-"}
        for row in pairings.select(top=20):
            assert cells[(row.male, row.female)] == row.msi
        (inbred,) = pairings.select(male="525", female="451")  # offspring F 0.105
        assert cells[("525", "451")] == inbred.msi == "3"


@pytest.mark.skipif(not CONDOR.is_file(), reason=f"the condor studbook is not at {CONDOR}")
class TestCondor:
    """The real California condor SPARKS studbook (807 animals, 4,076 moves)."""

    def test_imports_whole_and_analyses_run(
        self, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Refused until its one impossible dam is corrected; then every animal and move is
        accounted for, and summary, pairings and demography run."""
        assert run(capsys, "--db", db_url, "init")[0] == 0
        code, _, err = run(capsys, "--db", db_url, "import", str(CONDOR))
        assert code == 1 and "EXCHANGE.DBF:795: error: field 'dam': dam '16' died 1982" in err
        code, _, err = run(
            capsys, "--db", db_url, "import", str(CONDOR), "--correct", "808:dam=UNK"
        )
        assert code == 0, err
        assert (
            "counted: animals 807, wild founders 18, moves 4076, events 3966, births 792, "
            "captures 540, transfers 1310, releases 950, deaths 374, estimated dates 95"
        ) in err
        # every move is an event or a counted note: 3966 + 109 stop-overs + 1 repeated release
        assert "109 same-day stop-overs folded" in err and "1 repeated release kept" in err
        assert "imported 807 animals, 3966 events and 29 institutions" in err
        census = ("--census-date", "2016-01-01")
        code, out, _ = run(capsys, "--db", db_url, "summary", *census, "--format", "json")
        figures = {r["figure"]: r["value"] for r in json.loads(out)["sections"][0]["rows"]}
        assert code == 0 and figures["n"] > 150 and 0.9 < figures["gene_diversity"] < 1
        assert run(capsys, "--db", db_url, "pairings", *census, "--top", "3")[0] == 0
        code, out, _ = run(capsys, "--db", db_url, "demography", "--replicates", "50")
        assert code == 0 and "Generation time" in out
        exported = tmp_path / "condor.csv"
        assert run(capsys, "--db", db_url, "export", str(exported))[0] == 0
        code, out, _ = run(capsys, "validate", str(exported), "--standalone")
        assert code == 0 and "0 errors" in out
