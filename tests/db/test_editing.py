"""Editing services: validated, audited, one transaction, and safe against concurrent edits."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from db import audit
from db.editing import (
    add_institution,
    edit_animal,
    edit_institution,
    record_birth,
    record_contraception,
    record_death,
    record_event,
    record_ltf,
    record_release,
    record_transfer,
)
from db.errors import EditConflictError, InvalidEditError, RecordNotFoundError
from db.importer import import_studbook
from db.models import Animal, AuditLog, Event
from db.repository import animal_version, load_records, load_studbook
from db.session import current_user, session_scope
from studbook.book import Studbook
from studbook.dates import parse_partial_date
from studbook.events import EventCode
from studbook.institutions import InstitutionRecord
from studbook.parents import ParentSpec, parse_parent
from studbook.records import AnimalRecord

PEDIGREE = """\
id,sire,dam,sex,birth_date,location,house_name
1,WILD,WILD,M,1995-07-13,TALLINN,Freddi
2,WILD,WILD,F,2004-04-17,TALLINN,Darla
3,1,2,F,2010-05-01,TALLINN,Cub
4,WILD,WILD,M,2001,BERLINTP,
"""
EVENTS = """\
id,date,event,institution,local_id
1,1996-01-01,capture,TALLINN,T1
2,2005-01-01,transfer,TALLINN,T2
3,2010-05-01,birth,TALLINN,T3
4,2002-02-02,capture,BERLINTP,B4
"""
INSTITUTIONS = """\
mnemonic,name,country,region
TALLINN,Tallinn Zoo,Estonia,EARAZA
BERLINTP,Tierpark Berlin,Germany,EAZA
HELSINKI,Korkeasaari Zoo,Finland,EAZA
"""


@dataclasses.dataclass(frozen=True)
class Read:
    """An animal as an edit form reads it: its record and version, and the whole studbook."""

    record: AnimalRecord
    version_id: int
    book: Studbook


def read(session: Session, animal_id: str) -> Read:
    return Read(
        load_records(session, [animal_id])[0],
        animal_version(session, animal_id),
        load_studbook(session),
    )


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def p(text: str):
    value = parse_partial_date(text)
    assert value is not None
    return value


@pytest.fixture
def studbook(factory: sessionmaker[Session], tmp_path: Path) -> sessionmaker[Session]:
    """Freddi, Darla, their cub at Tallinn and a male at Tierpark Berlin."""
    files = {
        "s.csv": PEDIGREE,
        "s_events.csv": EVENTS,
        "s_institutions.csv": INSTITUTIONS,
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with session_scope(factory) as session:
        import_studbook(
            session, tmp_path / "s.csv", tmp_path / "s_events.csv", tmp_path / "s_institutions.csv"
        )
    return factory


class TestConcurrency:
    def test_second_commit_of_a_stale_copy_conflicts(self, studbook: sessionmaker[Session]) -> None:
        """Two sessions edit one animal; the second commit raises, the first change stays."""
        with (
            pytest.raises(EditConflictError, match="changed by someone else"),
            session_scope(studbook) as second,
        ):
            theirs = second.get_one(Animal, "3")
            with session_scope(studbook) as first:
                first.get_one(Animal, "3").house_name = "Aurora"
            theirs.notes = "weighed 31 kg"
        with session_scope(studbook) as session:
            stored = session.get_one(Animal, "3")
            assert (stored.house_name, stored.notes, stored.version_id) == ("Aurora", "", 2)

    def test_session_scope_reports_the_conflict(self, studbook: sessionmaker[Session]) -> None:
        """Inside session_scope the stale commit surfaces as EditConflictError, rolled back."""
        with session_scope(studbook) as reader:
            stale = read(reader, "3")
        with session_scope(studbook) as session:
            edit_animal(
                session,
                dataclasses.replace(stale.record, house_name="Aurora"),
                expected_version=stale.version_id,
            )
        with pytest.raises(EditConflictError), session_scope(studbook) as session:
            edit_animal(
                session,
                dataclasses.replace(stale.record, notes="from an old screen"),
                expected_version=stale.version_id,
            )
        with session_scope(studbook) as session:
            now = read(session, "3")
        assert (now.record.house_name, now.record.notes) == ("Aurora", "")
        assert now.version_id == stale.version_id + 1

    def test_a_conflict_between_read_and_flush_is_caught(
        self, studbook: sessionmaker[Session]
    ) -> None:
        """A change committed after this session read the animal makes its flush conflict."""
        with session_scope(studbook) as session:
            held = session.get_one(Animal, "3")
            version = held.version_id
            with session_scope(studbook) as other:
                record_transfer(other, "3", p("2015-01-01"), "HELSINKI", local_id="H1")
            with pytest.raises(EditConflictError):
                record_contraception(session, "3", p("2016-01-01"))
            session.rollback()
        with session_scope(studbook) as session:
            assert session.get_one(Animal, "3").version_id == version + 1
            codes = session.scalars(select(Event.event).where(Event.animal_id == "3")).all()
        assert sorted(codes) == ["birth", "transfer"]


class TestServices:
    def test_birth_adds_animal_and_event(self, studbook: sessionmaker[Session]) -> None:
        """A valid birth is stored with its birth event and location; the census grows."""
        cub = AnimalRecord(
            id="5", sire=ParentSpec.known("1"), dam=ParentSpec.known("2"), sex="M",
            birth_date=p("2012-06-01"),
        )  # fmt: skip
        with session_scope(studbook) as session:
            assert record_birth(session, cub, institution="TALLINN", local_id="T5") == []
        with session_scope(studbook) as session:
            detail = read(session, "5")
            assert detail.record.location == "TALLINN"
            assert [e.event.value for e in detail.book.events["5"] if e.event] == ["birth"]
            assert [child for child, _ in detail.book.children["2"]] == ["3", "5"]
            assert len(load_studbook(session).census().animal_ids) == 5

    @pytest.mark.parametrize(
        ("sire", "dam", "born", "field", "message"),
        [
            ("2", "2", "2012", "sire", "is female"),
            ("1", "4", "2012", "dam", "is male"),
            ("99", "2", "2012", "sire", "neither in this file nor in the database"),
            ("1", "2", "1990", "sire", "after this animal"),
        ],
        ids=["female_sire", "male_dam", "unknown_parent", "born_before_parent"],
    )
    def test_invalid_birth_is_refused(
        self,
        studbook: sessionmaker[Session],
        engine: Engine,
        sire: str,
        dam: str,
        born: str,
        field: str,
        message: str,
    ) -> None:
        """The import rules refuse the birth, naming the field; nothing is written."""
        cub = AnimalRecord(
            id="5", sire=parse_parent(sire), dam=parse_parent(dam), birth_date=p(born)
        )
        with pytest.raises(InvalidEditError) as caught, session_scope(studbook) as session:
            record_birth(session, cub, institution="TALLINN")
        assert any(pr.field == field and message in pr.message for pr in caught.value.problems)
        with session_scope(studbook) as session:
            assert session.get(Animal, "5") is None

    def test_duplicate_id_is_refused(self, studbook: sessionmaker[Session]) -> None:
        """A birth may not reuse a studbook number."""
        with (
            pytest.raises(InvalidEditError, match="already in the database"),
            session_scope(studbook) as session,
        ):
            record_birth(session, AnimalRecord(id="3", birth_date=p("2012")), institution="TALLINN")

    @pytest.mark.parametrize("again", ["03", "003"])
    def test_a_number_written_with_leading_zeros_is_refused(
        self, studbook: sessionmaker[Session], again: str
    ) -> None:
        """A birth may not reuse a studbook number written differently (03 for 3)."""
        with (
            pytest.raises(InvalidEditError, match="same number written differently"),
            session_scope(studbook) as session,
        ):
            record_birth(
                session, AnimalRecord(id=again, birth_date=p("2012")), institution="TALLINN"
            )

    def test_death_sets_date_and_ends_the_stay(self, studbook: sessionmaker[Session]) -> None:
        """A death stores the date and cause, clears the location and leaves the living list."""
        with session_scope(studbook) as session:
            record_death(session, "1", p("2019-03-02"), cause="old age")
        with session_scope(studbook) as session:
            detail = read(session, "1")
            assert detail.record.death_date == p("2019-03-02")
            assert detail.record.alive is False and detail.record.location == ""
            assert detail.book.stays["1"][-1].end == p("2019-03-02")
            assert detail.book.events["1"][-1].cause == "old age"
            assert "1" not in detail.book.living_ids()

    def test_death_before_birth_is_refused(self, studbook: sessionmaker[Session]) -> None:
        """Death before the birth date breaks the same rule as on import."""
        with (
            pytest.raises(InvalidEditError, match="before the birth date"),
            session_scope(studbook) as session,
        ):
            record_death(session, "3", p("2009-01-01"))

    def test_dam_death_before_offspring_birth_is_refused(
        self, studbook: sessionmaker[Session]
    ) -> None:
        """A dam cannot die before her cub was born: the offspring are checked too."""
        with (
            pytest.raises(InvalidEditError, match="before this animal was born"),
            session_scope(studbook) as session,
        ):
            record_death(session, "2", p("2008-01-01"))

    def test_transfer_records_origin_and_moves(self, studbook: sessionmaker[Session]) -> None:
        """A transfer stores where from, where to and the new local id."""
        with session_scope(studbook) as session:
            record_transfer(session, "3", p("2012-03-04"), "HELSINKI", local_id="H9")
        with session_scope(studbook) as session:
            moved = session.scalars(select(Event).where(Event.event == "transfer")).all()[-1]
            assert (moved.from_institution_id, moved.institution_id) == ("TALLINN", "HELSINKI")
            assert read(session, "3").record.location == "HELSINKI"
            rows = load_studbook(session).census().rows
            assert [(c.institution, c.region) for c in rows] == [
                ("TALLINN", "EARAZA"),
                ("BERLINTP", "EAZA"),
                ("HELSINKI", "EAZA"),
            ]

    def test_transfer_to_an_unknown_institution_is_refused(
        self, studbook: sessionmaker[Session]
    ) -> None:
        """Only institutions of the studbook are destinations."""
        with pytest.raises(InvalidEditError, match="NOWHERE"), session_scope(studbook) as session:
            record_transfer(session, "3", p("2012-03-04"), "NOWHERE")

    def test_overlapping_transfer_is_refused(self, studbook: sessionmaker[Session]) -> None:
        """Two arrivals elsewhere on the same day overlap."""
        with session_scope(studbook) as session:
            record_transfer(session, "3", p("2012-03-04"), "HELSINKI")
        with (
            pytest.raises(InvalidEditError, match="overlapping stays"),
            session_scope(studbook) as session,
        ):
            record_transfer(session, "3", p("2012-03-04"), "BERLINTP")

    def test_release_and_ltf_leave_the_population(self, studbook: sessionmaker[Session]) -> None:
        """Released and lost animals are listed by status and leave the census."""
        with session_scope(studbook) as session:
            record_release(session, "3", p("2013-09-01"))
            record_ltf(session, "4", p("2014"))
        with session_scope(studbook) as session:
            book = load_studbook(session)
            assert (book.ids_with_status("released"), book.ids_with_status("LTF")) == (["3"], ["4"])
            assert book.census().animal_ids == ("1", "2")
            assert len(book.census(d("2013-01-01")).animal_ids) == 4

    def test_a_capture_brings_a_released_animal_back(self, studbook: sessionmaker[Session]) -> None:
        """Captured after its release, the animal is living again, in the record too."""
        with session_scope(studbook) as session:
            record_release(session, "3", p("2013-09-01"))
        with session_scope(studbook) as session:
            record_event(session, "3", EventCode.CAPTURE, p("2015-02-02"), institution="HELSINKI")
        with session_scope(studbook) as session:
            book = load_studbook(session)
        assert book.status("3") == "living" and book.status("3", d("2014-01-01")) == "released"
        assert book.records["3"].alive is True and book.records["3"].location == "HELSINKI"

    def test_contraception_start_and_stop(self, studbook: sessionmaker[Session]) -> None:
        """Contraception on, then off; a stop without a start is refused."""
        with session_scope(studbook) as session:
            record_contraception(session, "2", p("2015-01-01"))
            assert load_studbook(session).contracepted() == {"2"}
            record_contraception(session, "2", p("2016-01-01"), start=False)
            assert load_studbook(session).contracepted() == set()
        with (
            pytest.raises(InvalidEditError, match="never started"),
            session_scope(studbook) as session,
        ):
            record_contraception(session, "3", p("2016-01-01"), start=False)

    def test_edit_parents_checks_loops_through_descendants(
        self, studbook: sessionmaker[Session]
    ) -> None:
        """Making a descendant the sire of its ancestor is a pedigree loop."""
        with session_scope(studbook) as session:
            detail = read(session, "1")
        looped = dataclasses.replace(detail.record, dam=ParentSpec.known("3"))
        with (
            pytest.raises(InvalidEditError, match="pedigree loop"),
            session_scope(studbook) as session,
        ):
            edit_animal(session, looped, expected_version=detail.version_id)

    def test_edit_changes_sex_flags_and_mult(self, studbook: sessionmaker[Session]) -> None:
        """Every field of a record can be edited, MULT parents and flags included."""
        with session_scope(studbook) as session:
            detail = read(session, "3")
        changed = dataclasses.replace(
            detail.record,
            sire=parse_parent("1:0.7|4:0.3"),
            flags=("non-amur",),
            extra={"studbook_note": "checked"},
        )
        with session_scope(studbook) as session:
            edit_animal(session, changed, expected_version=detail.version_id)
        with session_scope(studbook) as session:
            again = read(session, "3")
        assert again.record == changed
        assert again.record.sire.ids == ("1", "4")
        assert [prob for _, prob in again.book.children["4"]] == [0.3]

    def test_unknown_animal(self, studbook: sessionmaker[Session]) -> None:
        """Editing an id that is not there says so."""
        with (
            pytest.raises(RecordNotFoundError, match="no animal '42'"),
            session_scope(studbook) as session,
        ):
            record_death(session, "42", p("2020"))

    def test_institutions(self, studbook: sessionmaker[Session]) -> None:
        """Add and edit institutions; duplicate mnemonics (any case) are refused."""
        with session_scope(studbook) as session:
            add_institution(session, InstitutionRecord("LEIPZIG", "Zoo Leipzig", "Germany", "EAZA"))
            edit_institution(session, InstitutionRecord("LEIPZIG", "Zoo Leipzig", "DE", "EAZA"))
        with (
            pytest.raises(InvalidEditError, match="already used"),
            session_scope(studbook) as session,
        ):
            add_institution(session, InstitutionRecord("leipzig"))


class TestAuditLog:
    def test_field_changes_are_logged_with_old_and_new(
        self, studbook: sessionmaker[Session]
    ) -> None:
        """An edit logs who, when, table, row, field, old and new value."""
        with session_scope(studbook) as session:
            detail = read(session, "3")
            edit_animal(
                session,
                dataclasses.replace(detail.record, house_name="Aurora", sex="F"),
                expected_version=detail.version_id,
            )
        with session_scope(studbook) as session:
            rows = [r for r in audit.history(session, "3", "animal") if r.action == "update"]
        assert [(r.field, r.old_value, r.new_value) for r in rows] == [
            ("house_name", "Cub", "Aurora")
        ]
        assert rows[0].who == f"{current_user()} as tester" and rows[0].at is not None

    def test_events_and_child_rows_are_logged(self, studbook: sessionmaker[Session]) -> None:
        """A death logs the changed columns and the inserted event row."""
        with session_scope(studbook) as session:
            audit.set_user(session, "coordinator")
            record_death(session, "1", p("2019-03-02"), cause="old age")
        with session_scope(studbook) as session:
            rows = audit.history(session, "1")
        author = f"{current_user()} as coordinator"
        changed = {(r.table_name, r.action, r.field) for r in rows if r.who == author}
        assert ("animal", "update", "death_date") in changed
        assert ("animal", "update", "alive") in changed
        assert ("event", "insert", None) in changed
        inserted = next(r for r in rows if r.table_name == "event" and r.action == "insert")
        assert inserted.new_value is not None and "cause=old age" in inserted.new_value

    def test_deletes_are_logged(self, studbook: sessionmaker[Session]) -> None:
        """Deleting a record through the ORM logs its last values."""
        with session_scope(studbook) as session:
            event = session.scalars(select(Event).where(Event.animal_id == "4")).one()
            session.delete(event)
        with session_scope(studbook) as session:
            deleted = session.scalars(select(AuditLog).where(AuditLog.action == "delete")).one()
        assert deleted.table_name == "event" and deleted.old_value is not None
        assert "local_id=B4" in deleted.old_value
