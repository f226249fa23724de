"""Queries the command line and UI use, checked against the bundled Amur leopard fixture."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.orm import Session, sessionmaker

from db.importer import companion_files, import_studbook
from db.queries import get_animal, list_animals, list_institutions, offspring
from db.repository import load_pedigree, load_records, load_studbook
from db.session import session_scope
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
    def test_living_filter(self, amur: sessionmaker[Session], truth: dict[str, object]) -> None:
        """--living lists exactly the living, non-hypothetical animals of the file."""
        records = truth["records"]
        assert isinstance(records, list)
        expected = [r.id for r in records if r.is_living and not r.hypothetical]
        with session_scope(amur) as session:
            rows = list_animals(session, living=True)
            others = list_animals(session, living=False)
        assert [r.studbook_id for r in rows] == expected
        assert len(rows) + len(others) == len(records)

    def test_institution_and_region_filters(
        self, amur: sessionmaker[Session], truth: dict[str, object]
    ) -> None:
        """--institution and --region match the location column and its institution's region."""
        records, regions = truth["records"], truth["regions"]
        assert isinstance(records, list) and isinstance(regions, dict)
        with session_scope(amur) as session:
            tallinn = list_animals(session, institution="TALLINN")
            aza = list_animals(session, living=True, region="aza")
        assert [r.studbook_id for r in tallinn] == [
            r.id for r in records if r.location == "TALLINN"
        ]
        assert {r.region for r in aza} == {"AZA"}
        assert len(aza) == sum(
            1
            for r in records
            if r.is_living and not r.hypothetical and regions.get(r.location) == "AZA"
        )

    def test_search_and_paging(self, amur: sessionmaker[Session]) -> None:
        """A search matches house names case-insensitively; limit/offset page through."""
        with session_scope(amur) as session:
            freddi = list_animals(session, search="fredd")
            page = list_animals(session, limit=10, offset=10)
            everyone = list_animals(session)
        assert "Freddi" in {r.house_name for r in freddi}
        assert page == everyone[10:20]

    def test_institutions_count_living_animals(self, amur: sessionmaker[Session]) -> None:
        """Living counts per institution add up to the living population."""
        with session_scope(amur) as session:
            places = list_institutions(session)
            living = list_animals(session, living=True)
        assert len(places) >= 40
        assert sum(p.living for p in places) == sum(1 for r in living if r.location)


class TestOneAnimal:
    def test_parents_offspring_and_stays(
        self, amur: sessionmaker[Session], truth: dict[str, object]
    ) -> None:
        """An animal's detail agrees with the files: parents, offspring, stays."""
        records, history = truth["records"], truth["history"]
        assert isinstance(records, list) and isinstance(history, dict)
        parent = next(r for r in records if sum(c.dam.ids == (r.id,) for c in records) >= 2)
        children = [c.id for c in records if r_in(parent.id, c.sire.ids + c.dam.ids)]
        with session_scope(amur) as session:
            detail = get_animal(session, parent.id)
            kids = offspring(session, parent.id)
        assert [o.studbook_id for o in kids] == children
        assert detail.offspring == tuple(kids)
        assert list(detail.stays) == history.get(parent.id, [])
        assert detail.record.id == parent.id and detail.version_id == 1

    def test_mult_parent_links_carry_probabilities(self, amur: sessionmaker[Session]) -> None:
        """A MULT sire lists each candidate with its probability, summing to 1."""
        with session_scope(amur) as session:
            mult = next(r for r in load_records(session) if r.sire.kind.value == "mult")
            detail = get_animal(session, mult.id)
        assert len(detail.sire) >= 2
        assert sum(link.probability for link in detail.sire) == pytest.approx(1.0)


def r_in(animal_id: str, ids: tuple[str, ...]) -> bool:
    return animal_id in ids


class TestCensus:
    """The census of the studbook read from the database (:func:`load_studbook`)."""

    def test_census_now_counts_the_living(self, amur: sessionmaker[Session]) -> None:
        """The census today counts every living animal once, by institution and sex."""
        with session_scope(amur) as session:
            now = load_studbook(session).census()
            living = list_animals(session, living=True)
        assert len(now.animal_ids) == len(living) == sum(now.totals)
        assert sorted(now.animal_ids) == sorted(row.studbook_id for row in living)
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
