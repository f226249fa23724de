"""The schema itself refuses impossible rows, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from db.models import Animal, Event, Institution, ParentCandidate


def _animal(studbook_id: str, **columns: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "studbook_id": studbook_id,
        "entry_order": 1,
        "sex": "U",
        "birth_precision": "unknown",
        "birth_type": "unknown",
        "death_precision": "unknown",
        "house_name": "",
        "hypothetical": False,
        "notes": "",
        "sire_kind": "unknown",
        "dam_kind": "unknown",
        "version_id": 1,
    }
    row.update(columns)
    return row


def _insert_fails(engine: Engine, model: Any, *rows: dict[str, Any]) -> None:
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert(model), list(rows))


@pytest.fixture
def parents(engine: Engine) -> Engine:
    """A database holding a male '1', a female '2' and the institution TALLINN."""
    with engine.begin() as connection:
        connection.execute(
            insert(Institution), [{"mnemonic": "TALLINN", "name": "Tallinn Zoo", "country": "EE"}]
        )
        connection.execute(insert(Animal), [_animal("1", sex="M"), _animal("2", sex="F")])
    return engine


class TestForeignKeys:
    def test_orphan_sire_raises_integrity_error(self, parents: Engine) -> None:
        """A sire that is not in the studbook is refused (SQLite too: PRAGMA foreign_keys)."""
        _insert_fails(parents, Animal, _animal("3", sire_kind="known", sire_id="404"))

    def test_orphan_mult_candidate_raises(self, parents: Engine) -> None:
        """A MULT candidate must be an animal of the studbook."""
        with parents.begin() as connection:
            connection.execute(insert(Animal), [_animal("3", sire_kind="mult")])
        _insert_fails(
            parents,
            ParentCandidate,
            {"child_id": "3", "role": "sire", "parent_id": "404", "position": 0, "probability": 1},
        )

    def test_unknown_location_raises(self, parents: Engine) -> None:
        """An animal's location must be a known institution."""
        _insert_fails(parents, Animal, _animal("3", location_id="NOWHERE"))

    def test_known_parents_are_accepted(self, parents: Engine) -> None:
        """The valid counterpart of the refusals above is written."""
        with parents.begin() as connection:
            connection.execute(
                insert(Animal),
                [
                    _animal(
                        "3",
                        sire_kind="known",
                        sire_id="1",
                        dam_kind="known",
                        dam_id="2",
                        location_id="TALLINN",
                    )
                ],
            )
            assert connection.scalar(select(Animal.dam_id).where(Animal.studbook_id == "3")) == "2"

    def test_renumbering_an_animal_cascades_to_its_offspring(self, parents: Engine) -> None:
        """Replacing a temporary id updates every reference to it."""
        with parents.begin() as connection:
            connection.execute(insert(Animal), [_animal("3", sire_kind="known", sire_id="1")])
            connection.execute(
                update(Animal).where(Animal.studbook_id == "1").values(studbook_id="101")
            )
            assert connection.scalar(select(Animal.sire_id).where(Animal.studbook_id == "3")) == (
                "101"
            )


class TestCheckConstraints:
    @pytest.mark.parametrize(
        "columns",
        [
            {"sex": "X"},
            {"birth_type": "zoo"},
            {"sire_kind": "maybe"},
            {"birth_precision": "decade", "birth_date": dt.date(1990, 1, 1)},
            {"birth_precision": "exact"},
            {"sire_kind": "known"},
            {"sire_kind": "wild", "sire_id": "1"},
            {"sire_kind": "known", "sire_id": "1", "dam_kind": "known", "dam_id": "1"},
            {
                "birth_date": dt.date(2000, 5, 1),
                "birth_precision": "exact",
                "death_date": dt.date(1999, 5, 1),
                "death_precision": "exact",
            },
        ],
        ids=[
            "sex",
            "birth_type",
            "parent_kind",
            "precision_code",
            "precision_without_date",
            "known_without_id",
            "id_without_known",
            "sire_is_dam",
            "death_before_birth",
        ],
    )
    def test_animal_row_refused(self, parents: Engine, columns: dict[str, Any]) -> None:
        """Each impossible animal row is refused by a named CHECK constraint."""
        _insert_fails(parents, Animal, _animal("3", **columns))

    def test_animal_cannot_be_its_own_parent(self, parents: Engine) -> None:
        """The studbook id may not appear as its own sire."""
        with parents.begin() as connection:
            connection.execute(insert(Animal), [_animal("3")])
        with pytest.raises(IntegrityError), parents.begin() as connection:
            connection.execute(
                update(Animal)
                .where(Animal.studbook_id == "3")
                .values(sire_kind="known", sire_id="3")
            )

    def test_imprecise_death_in_the_birth_year_is_allowed(self, parents: Engine) -> None:
        """Died "2000" and born 2000-05-01 may both be true, so the schema accepts it."""
        with parents.begin() as connection:
            connection.execute(
                insert(Animal),
                [
                    _animal(
                        "3",
                        birth_date=dt.date(2000, 5, 1),
                        birth_precision="exact",
                        death_date=dt.date(2000, 1, 1),
                        death_precision="year",
                    )
                ],
            )

    def test_probability_range(self, parents: Engine) -> None:
        """A MULT probability above 1 is refused."""
        with parents.begin() as connection:
            connection.execute(insert(Animal), [_animal("3", sire_kind="mult")])
        _insert_fails(
            parents,
            ParentCandidate,
            {"child_id": "3", "role": "sire", "parent_id": "1", "position": 0, "probability": 1.5},
        )

    def test_event_code(self, parents: Engine) -> None:
        """An event code outside PopLink's list is refused."""
        _insert_fails(
            parents,
            Event,
            {
                "animal_id": "1",
                "event": "teleport",
                "event_precision": "unknown",
                "local_id": "",
                "cause": "",
                "notes": "",
                "sequence": 1,
            },
        )

    def test_mnemonic_length(self, parents: Engine) -> None:
        """Mnemonics are 1 to 9 characters (a CHECK on SQLite, the column type elsewhere)."""
        with pytest.raises((IntegrityError, StatementError)), parents.begin() as connection:
            connection.execute(
                insert(Institution),
                [{"mnemonic": "TENLETTERS", "name": "", "country": "", "region": ""}],
            )
        _insert_fails(
            parents, Institution, {"mnemonic": "", "name": "", "country": "", "region": ""}
        )


class TestNamingAndLocking:
    def test_every_constraint_is_named(self, engine: Engine) -> None:
        """Foreign keys, unique and check constraints carry convention names on both backends."""
        inspector = inspect(engine)
        for table in ("animal", "event", "parent_candidate"):
            for fk in inspector.get_foreign_keys(table):
                assert fk["name"] and fk["name"].startswith(f"fk_{table}_")
        pk = inspector.get_pk_constraint("animal")
        if engine.dialect.name == "postgresql":
            assert pk["name"] == "pk_animal"
            checks = {c["name"] for c in inspector.get_check_constraints("animal")}
            assert {"ck_animal_sex_code", "ck_animal_sire_is_not_dam"} <= checks

    def test_version_counter_increments_on_update(self, factory: sessionmaker[Session]) -> None:
        """version_id starts at 1 and goes up with every ORM update."""
        with factory() as session, session.begin():
            session.add(Animal(studbook_id="7", entry_order=1, sex="M"))
        with factory() as session, session.begin():
            animal = session.get_one(Animal, "7")
            assert animal.version_id == 1
            animal.house_name = "Freddi"
        with factory() as session:
            assert session.get_one(Animal, "7").version_id == 2
