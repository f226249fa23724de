"""The studbook read from the database as the command line and UI list it, checked against the
bundled Amur leopard fixture."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.orm import Session, sessionmaker

from db.importer import companion_files, import_studbook
from db.repository import load_pedigree, load_studbook
from db.session import session_scope
from studbook.book import Studbook
from studbook.csvformat import read_table
from studbook.events import location_history, read_events
from studbook.institutions import read_institutions
from studbook.records import records_from_table

AMUR = Path(__file__).resolve().parents[2] / "fixtures" / "amur_leopard.csv"


@pytest.fixture
def amur(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """The Amur leopard fixture imported with its events and institutions."""
    with session_scope(factory) as session:
        import_studbook(session, AMUR, *companion_files(AMUR))
    return factory


@pytest.fixture(scope="module")
def truth() -> dict[str, object]:
    """The fixture read straight from its files, to compare the queries with."""
    records, _ = records_from_table(read_table(AMUR))
    events_path, institutions_path = companion_files(AMUR)
    assert events_path is not None and institutions_path is not None
    events, _ = read_events(events_path)
    institutions, _ = read_institutions(institutions_path)
    return {
        "records": records,
        "history": location_history(events),
        "regions": {i.mnemonic: i.region for i in institutions},
    }


class TestLists:
    """The animals list of the command line and the UI (:meth:`Studbook.animals`)."""

    def test_living_filter(self, amur: sessionmaker[Session], truth: dict[str, object]) -> None:
        """--living lists the animals living now; on the fixture, those the file says are."""
        records = truth["records"]
        assert isinstance(records, list)
        expected = [r.id for r in records if r.is_living and not r.hypothetical]
        book = _book(amur)
        rows = book.animals(living=True)
        others = book.animals(living=False)
        assert [r.record.id for r in rows] == expected == book.living_ids()
        assert {r.status for r in rows} == {"living"}
        assert len(rows) + len(others) == len(records)

    def test_institution_and_region_filters(
        self, amur: sessionmaker[Session], truth: dict[str, object]
    ) -> None:
        """--institution and --region match the location and its institution's region."""
        records, regions = truth["records"], truth["regions"]
        assert isinstance(records, list) and isinstance(regions, dict)
        book = _book(amur)
        tallinn = book.animals(institution="TALLINN")
        aza = book.animals(living=True, region="aza")
        assert [r.record.id for r in tallinn] == [r.id for r in records if r.location == "TALLINN"]
        assert {r.region for r in aza} == {"AZA"}
        assert len(aza) == sum(
            1
            for r in records
            if r.is_living and not r.hypothetical and regions.get(r.location) == "AZA"
        )

    def test_search_and_sex(self, amur: sessionmaker[Session]) -> None:
        """A search matches house names and ids case-insensitively; sex in any case."""
        book = _book(amur)
        assert "Freddi" in {r.record.house_name for r in book.animals(search="fREDD")}
        assert [r.record.id for r in book.animals(search="338")] == [
            a for a in book.records if "338" in a
        ]
        assert {r.record.sex for r in book.animals(sex="f")} == {"F"}

    def test_a_past_date_lists_status_place_and_age_then(self, amur: sessionmaker[Session]) -> None:
        """On a date the list shows who lived then, where, and how old they were."""
        book = _book(amur)
        day = dt.date(2000, 1, 1)
        then = book.animals(living=True, on=day)
        assert (
            [r.record.id for r in then] == book.living_ids(day) == list(book.census(day).animal_ids)
        )
        for row in then:
            assert row.institution == book.location_on(row.record.id, day)
            assert row.age is not None and 0 <= row.age == book.age(row.record.id, day)


class TestRelatives:
    """Parents and offspring of an animal read from the database (:meth:`Studbook.relatives`)."""

    def test_offspring_and_stays(
        self, amur: sessionmaker[Session], truth: dict[str, object]
    ) -> None:
        """An animal's offspring and stays agree with the files."""
        records, history = truth["records"], truth["history"]
        assert isinstance(records, list) and isinstance(history, dict)
        parent = next(r for r in records if sum(c.dam.ids == (r.id,) for c in records) >= 2)
        children = [c.id for c in records if parent.id in c.sire.ids + c.dam.ids]
        book = _book(amur)
        relatives = book.relatives(parent.id)
        assert [
            r.id for r in relatives if r.relation in ("son", "daughter", "offspring")
        ] == children
        assert book.stays.get(parent.id, []) == history.get(parent.id, [])

    def test_mult_parents_carry_probabilities(self, amur: sessionmaker[Session]) -> None:
        """A MULT sire lists each candidate with its probability, summing to 1."""
        book = _book(amur)
        mult = next(r for r in book.records.values() if r.sire.kind.value == "mult")
        sires = [r for r in book.relatives(mult.id) if r.relation == "possible sire"]
        assert len(sires) >= 2
        assert sum(r.probability for r in sires) == pytest.approx(1.0)


def _book(factory: sessionmaker[Session]) -> Studbook:
    with factory() as session:
        return load_studbook(session)


class TestCensus:
    """The census of the studbook read from the database (:func:`load_studbook`)."""

    def test_census_now_counts_the_living(self, amur: sessionmaker[Session]) -> None:
        """The census today counts every living animal once, by institution and sex."""
        with session_scope(amur) as session:
            book = load_studbook(session)
        now = book.census()
        living = book.animals(living=True)
        assert len(now.animal_ids) == len(living) == sum(now.totals)
        assert list(now.animal_ids) == [row.record.id for row in living]
        assert sum(row.total for row in now.rows) == len(now.animal_ids)

    def test_census_on_a_past_date_uses_the_stays(
        self, amur: sessionmaker[Session], truth: dict[str, object]
    ) -> None:
        """On 2000-01-01 each counted animal was born, not dead and inside one of its stays."""
        records, history = truth["records"], truth["history"]
        assert isinstance(records, list) and isinstance(history, dict)
        day = dt.date(2000, 1, 1)
        with session_scope(amur) as session:
            then = load_studbook(session).census(day)
        by_id = {r.id: r for r in records}
        assert 0 < len(then.animal_ids) < len(records)
        for animal_id in then.animal_ids:
            record = by_id[animal_id]
            assert record.birth_date is not None and record.birth_date.earliest <= day
            assert record.death_date is None or record.death_date.earliest > day
        assert sum(row.total for row in then.rows) == len(then.animal_ids)
        eaza = sum(row.total for row in then.rows if row.region == "EAZA")
        assert 0 < eaza < len(then.animal_ids)


def test_load_pedigree_feeds_the_engine(amur: sessionmaker[Session]) -> None:
    """The database gives the engine the same pedigree as the file, founder flags included."""
    with session_scope(amur) as session:
        from_db = load_pedigree(session)
    from studbook.pedigree import read_pedigree

    from_file = read_pedigree(AMUR)
    assert from_db.ids == from_file.ids
    assert np.array_equal(from_db.sire, from_file.sire)
    assert np.array_equal(from_db.living, from_file.living)
    assert from_db.flags.keys() == from_file.flags.keys()
