"""Import: every rule is checked before anything is written, and a bad file writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from db.importer import check_studbook, companion_files, import_studbook
from db.models import Animal, AuditLog, Base, Event, Institution, ParentCandidate
from db.repository import load_events, load_records
from db.session import current_user, session_scope
from studbook.errors import ImportValidationError
from studbook.parents import ParentKind

BASE_PEDIGREE = """\
id,sire,dam,sex,birth_date,death_date,location
1,WILD,WILD,M,1990,,TALLINN
2,WILD,WILD,F,1991-03-04,2010-06-01,TALLINN
"""
BASE_INSTITUTIONS = """\
mnemonic,name,country,region
TALLINN,Tallinn Zoo,Estonia,EARAZA
BERLINTP,Tierpark Berlin,Germany,EAZA
"""
BASE_EVENTS = """\
id,date,event,institution,local_id
1,1992-05-01,capture,TALLINN,T1
2,1992-05-01,capture,TALLINN,T2
"""

Write = Callable[..., Path]


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """Write text (or bytes) to a file in the test's folder and return its path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def seeded(factory: sessionmaker[Session], write: Write) -> sessionmaker[Session]:
    """A studbook that already holds two founders, their capture events and two institutions."""
    with session_scope(factory) as session:
        import_studbook(
            session,
            write("base.csv", BASE_PEDIGREE),
            write("base_events.csv", BASE_EVENTS),
            write("base_institutions.csv", BASE_INSTITUTIONS),
        )
    return factory


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to prove that a refused import changed nothing."""
    with engine.connect() as connection:
        return {
            name: sorted(
                (tuple(str(v) for v in row) for row in connection.execute(select(table))),
            )
            for name, table in Base.metadata.tables.items()
        }


# (case id, pedigree rows after the header, events rows, file, line, field, message part)
HEADER = "id,sire,dam,sex,birth_date,death_date,alive,location\n"
EVENTS_HEADER = "id,date,event,institution,local_id\n"
RULES: list[tuple[str, str, str, str, int, str, str]] = [
    ("duplicate_id", "3,1,2,F,2000,,,\n3,1,2,M,2001,,,\n", "", "animals", 3, "id", "already used"),
    ("id_in_database", "2,1,,F,2000,,,\n", "", "animals", 2, "id", "already in the database"),
    (
        "leading_zero_collision",
        "01,1,2,F,2000,,,\n",
        "",
        "animals",
        2,
        "id",
        "same number written differently",
    ),
    ("missing_parent", "3,99,2,F,2000,,,\n", "", "animals", 2, "sire", "neither in this file"),
    ("female_sire", "3,2,2,F,2000,,,\n", "", "animals", 2, "sire", "is female"),
    ("male_dam", "3,1,1,F,2000,,,\n", "", "animals", 2, "dam", "is male"),
    ("same_sire_and_dam", "3,4,4,F,2000,,,\n4,,,U,1995,,,\n", "", "animals", 2, "dam", "both"),
    (
        "loop",
        "3,4,2,M,2000,,,\n4,3,2,M,2000,,,\n",
        "",
        "animals",
        2,
        "sire",
        "own ancestor",
    ),
    ("born_before_parent", "3,1,2,F,1985,,,\n", "", "animals", 2, "sire", "after this animal"),
    ("born_after_dams_death", "3,1,2,F,2012,,,\n", "", "animals", 2, "dam", "before this animal"),
    ("death_before_birth", "3,1,2,F,2000,1999,,\n", "", "animals", 2, "death_date", "before"),
    ("mult_sum", "3,1:0.5|4:0.4,2,F,2000,,,\n4,,,M,1995,,,\n", "", "animals", 2, "sire", "sum"),
    ("bad_date", "3,1,2,F,2000-13-01,,,\n", "", "animals", 2, "birth_date", "not a real date"),
    ("bad_sex", "3,1,2,Q,2000,,,\n", "", "animals", 2, "sex", "not a sex code"),
    ("alive_and_dead", "3,1,2,F,2000,2005,1,\n", "", "animals", 2, "alive", "death date"),
    (
        "unknown_institution",
        "3,1,2,F,2000,,,NOWHERE\n",
        "",
        "animals",
        2,
        "location",
        "not in the institutions list",
    ),
    (
        "unknown_event_code",
        "3,1,2,F,2000,,,\n",
        "3,2000-01-01,birth,TALLINN,A\n3,2001-01-01,teleport,BERLINTP,B\n",
        "events",
        3,
        "event",
        "not an event code",
    ),
    (
        "overlapping_stays",
        "3,1,2,F,2000,,,\n",
        "3,2000,birth,TALLINN,A\n3,2003-04-05,transfer,BERLINTP,B\n"
        "3,2003-04-05,transfer,TALLINN,C\n",
        "events",
        4,
        "institution",
        "overlapping stays",
    ),
    (
        "event_for_unknown_animal",
        "3,1,2,F,2000,,,\n",
        "42,2001-01-01,transfer,BERLINTP,B\n",
        "events",
        2,
        "id",
        "not in the studbook",
    ),
    (
        "event_before_birth",
        "3,1,2,F,2000,,,\n",
        "3,1999-01-01,transfer,BERLINTP,B\n",
        "events",
        2,
        "date",
        "before the animal's birth",
    ),
    (
        "event_at_unknown_institution",
        "3,1,2,F,2000,,,\n",
        "3,2001-01-01,transfer,NOWHERE,B\n",
        "events",
        2,
        "institution",
        "not in the institutions list",
    ),
    (
        "overlap_with_database_events",
        "",
        "1,1992-05-01,transfer,BERLINTP,B\n",
        "events",
        2,
        "institution",
        "overlapping stays",
    ),
]


class TestEveryRuleRefusesTheWholeImport:
    @pytest.mark.parametrize(
        ("animals", "events", "file", "line", "field", "message"),
        [case[1:] for case in RULES],
        ids=[case[0] for case in RULES],
    )
    def test_rule(
        self,
        seeded: sessionmaker[Session],
        engine: Engine,
        write: Write,
        animals: str,
        events: str,
        file: str,
        line: int,
        field: str,
        message: str,
    ) -> None:
        """The error names file, line and field; the database is unchanged afterwards."""
        paths = {"animals": write("animals.csv", HEADER + animals)}
        if events:
            paths["events"] = write("events.csv", EVENTS_HEADER + events)
        before = snapshot(engine)
        with pytest.raises(ImportValidationError) as caught, session_scope(seeded) as session:
            import_studbook(session, paths["animals"], paths.get("events"))
        where = f"{paths[file]}:{line}: error: field '{field}'"
        matching = [p for p in caught.value.problems if str(p).startswith(where)]
        assert matching, f"no problem at {where} in:\n{caught.value}"
        assert any(message in p.message for p in matching), str(caught.value)
        assert where in str(caught.value)
        assert snapshot(engine) == before

    def test_non_utf8_text(
        self, seeded: sessionmaker[Session], engine: Engine, write: Write
    ) -> None:
        """A Latin-1 byte names its line and says to save as UTF-8; nothing is written."""
        path = write(
            "animals.csv", (HEADER + "3,1,2,F,2000,,,\n").encode() + b"4,1,2,F,2000,,,\xe9\n"
        )
        before = snapshot(engine)
        with pytest.raises(ImportValidationError) as caught, session_scope(seeded) as session:
            import_studbook(session, path)
        assert f"{path}:3: error: field '(text)'" in str(caught.value)
        assert "UTF-8" in str(caught.value)
        assert snapshot(engine) == before

    def test_institution_conflicting_with_the_database(
        self, seeded: sessionmaker[Session], engine: Engine, write: Write
    ) -> None:
        """An institution already stored with other details is refused, naming its line."""
        institutions = write(
            "inst.csv", "mnemonic,name,country,region\nTALLINN,Tallinn Zoo,Finland,EAZA\n"
        )
        before = snapshot(engine)
        with pytest.raises(ImportValidationError) as caught, session_scope(seeded) as session:
            import_studbook(session, write("a.csv", HEADER), None, institutions)
        assert f"{institutions}:2: error: field 'mnemonic'" in str(caught.value)
        assert snapshot(engine) == before

    def test_every_problem_is_listed_not_only_the_first(
        self, seeded: sessionmaker[Session], write: Write
    ) -> None:
        """Three bad lines give three errors in one exception."""
        path = write("a.csv", HEADER + "3,2,2,F,2000,,,\n4,1,1,F,2000,,,\n5,99,2,F,2000,,,\n")
        with pytest.raises(ImportValidationError) as caught, session_scope(seeded) as session:
            import_studbook(session, path)
        lines = {p.line for p in caught.value.problems if p.severity == "error"}
        assert lines == {2, 3, 4}


class TestSuccessfulImport:
    def test_new_animals_may_name_parents_already_in_the_database(
        self, seeded: sessionmaker[Session], write: Write
    ) -> None:
        """Offspring of stored animals import; MULT candidates are stored with probabilities."""
        path = write(
            "a.csv",
            HEADER + "3,1,2,M,2000-04-02,,,BERLINTP\n4,1,2,M,2000-04-02,,,\n"
            "5,3:0.25|4:0.75,2,U,2006,,,\n",
        )
        with session_scope(seeded) as session:
            report = import_studbook(session, path)
        assert (report.animals, report.warnings) == (3, ())
        with session_scope(seeded) as session:
            records = {r.id: r for r in load_records(session)}
            rows = session.execute(
                select(ParentCandidate.parent_id, ParentCandidate.probability).order_by(
                    ParentCandidate.position
                )
            ).all()
        assert records["5"].sire.kind is ParentKind.MULT
        assert [tuple(r) for r in rows] == [("3", 0.25), ("4", 0.75)]
        assert records["3"].location == "BERLINTP"

    def test_offspring_may_come_before_their_parents(
        self, factory: sessionmaker[Session], write: Write
    ) -> None:
        """Rows in any order import (foreign keys are checked when the transaction ends)."""
        path = write("a.csv", HEADER + "3,1,2,F,2000,,,\n1,,,M,1990,,,\n2,,,F,1991,,,\n")
        with session_scope(factory) as session:
            import_studbook(session, path)
        with session_scope(factory) as session:
            assert [r.id for r in load_records(session)] == ["3", "1", "2"]

    def test_warnings_are_returned_not_raised(
        self, factory: sessionmaker[Session], write: Write
    ) -> None:
        """Leading zeros without a collision and institutions without a list are warnings."""
        path = write("a.csv", HEADER + "007,,,M,2000,,,ZOO1\n")
        with session_scope(factory) as session:
            report = import_studbook(session, path)
        fields = sorted(w.field for w in report.warnings)
        assert fields == ["id", "location"]
        with session_scope(factory) as session:
            assert session.get_one(Institution, "ZOO1").name == ""

    def test_transfers_record_where_the_animal_came_from(
        self, seeded: sessionmaker[Session], write: Write
    ) -> None:
        """The from-institution of a transfer is the previous stay, also from stored events."""
        events = write("e.csv", EVENTS_HEADER + "1,1999-03-01,transfer,BERLINTP,B7\n")
        with session_scope(seeded) as session:
            import_studbook(session, write("a.csv", HEADER), events)
        with session_scope(seeded) as session:
            moved = session.scalars(select(Event).where(Event.event == "transfer")).one()
        assert (moved.from_institution_id, moved.institution_id) == ("TALLINN", "BERLINTP")

    def test_progress_reports_each_stage(
        self, factory: sessionmaker[Session], write: Write
    ) -> None:
        """The progress callback sees institutions, animals and events, ending at their totals."""
        calls: list[tuple[str, int, int]] = []
        with session_scope(factory) as session:
            import_studbook(
                session,
                write("b.csv", BASE_PEDIGREE),
                write("b_events.csv", BASE_EVENTS),
                write("b_institutions.csv", BASE_INSTITUTIONS),
                progress=lambda stage, done, total: calls.append((stage, done, total)),
            )
        assert ("institutions", 2, 2) in calls
        assert ("animals", 2, 2) in calls
        assert ("events", 2, 2) in calls

    def test_import_is_audited(self, seeded: sessionmaker[Session]) -> None:
        """One 'import' row per table: who, the count, the file, the animals' entry range."""
        with session_scope(seeded) as session:
            rows = session.scalars(select(AuditLog).order_by(AuditLog.id)).all()
        assert [(r.action, r.table_name, r.who) for r in rows] == [
            ("import", "institution", f"{current_user()} as tester"),
            ("import", "animal", f"{current_user()} as tester"),
            ("import", "event", f"{current_user()} as tester"),
        ]
        animals = rows[1].new_value or ""
        assert animals.startswith("2 animal rows from ") and "base.csv" in animals
        assert animals.endswith("(entry order 1-2)")
        assert (rows[2].new_value or "").endswith("base_events.csv")

    def test_check_studbook_never_writes(
        self, seeded: sessionmaker[Session], engine: Engine, write: Write
    ) -> None:
        """check_studbook finds no error in a valid file and writes nothing."""
        path = write("a.csv", HEADER + "3,1,2,F,2000,,,\n")
        before = snapshot(engine)
        with session_scope(seeded) as session:
            plan = check_studbook(session, path)
        assert plan.errors == [] and len(plan.records) == 1
        assert snapshot(engine) == before

    def test_companion_files(self, write: Write) -> None:
        """amur.csv finds amur_events.csv and amur_institutions.csv when they exist."""
        main = write("amur.csv", BASE_PEDIGREE)
        assert companion_files(main) == (None, None)
        events = write("amur_events.csv", BASE_EVENTS)
        assert companion_files(main) == (events, None)

    def test_one_transaction(
        self, seeded: sessionmaker[Session], engine: Engine, write: Write
    ) -> None:
        """A failure after the import inside the same unit of work rolls the import back too."""
        before = snapshot(engine)
        with pytest.raises(RuntimeError), session_scope(seeded) as session:
            import_studbook(session, write("a.csv", HEADER + "3,1,2,F,2000,,,\n"))
            assert session.scalar(select(func.count()).select_from(Animal)) == 3
            raise RuntimeError("later step failed")
        assert snapshot(engine) == before


def test_events_read_back_in_file_order(seeded: sessionmaker[Session]) -> None:
    """Stored events come back as the records that were imported."""
    with session_scope(seeded) as session:
        events = load_events(session)
    assert [(e.animal_id, e.event.value if e.event else "", e.local_id) for e in events] == [
        ("1", "capture", "T1"),
        ("2", "capture", "T2"),
    ]
