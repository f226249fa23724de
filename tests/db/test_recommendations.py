"""Breeding holds and issued plans in the database (SQLite and PostgreSQL), audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.audit import history
from db.errors import InvalidEditError, RecordNotFoundError
from db.models import Animal, AuditLog, BreedingHold, PlanRecommendation
from db.recommendations import (
    add_hold,
    end_holds,
    issue_plan,
    record_outcome,
)
from db.repository import load_holds, load_plan_history, load_studbook
from db.session import session_scope
from studbook.breeding_plan import PlannedPair

D = date


@pytest.fixture
def animals(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """Two males and two females."""
    with session_scope(factory, write=True) as session:
        for k, (animal, sex) in enumerate((("m1", "M"), ("m2", "M"), ("f1", "F"), ("f2", "F"))):
            session.add(Animal(studbook_id=animal, entry_order=k, sex=sex))
    return factory


def pair(male: str, female: str, mover: str = "none") -> PlannedPair:
    return PlannedPair(
        male, female, 0.0, 0.0, 0.1, 0.1, "none", 0.0,
        male_institution="A", female_institution="B", mover=mover,
    )  # fmt: skip


class TestHolds:
    """Holds are stored, ended, loaded with the studbook and audited."""

    def test_add_end_and_load(self, animals: sessionmaker[Session]) -> None:
        with session_scope(animals, write=True) as session:
            add_hold(session, "f1", "health", "lame", D(2026, 1, 1))
            add_hold(session, "m1", "contraception", "implant", D(2027, 1, 1))
        with session_scope(animals, write=True) as session:
            assert end_holds(session, "f1", D(2026, 6, 1)) == 1
            assert end_holds(session, "m1", D(2026, 6, 1)) == 1  # not started: removed
        with animals() as session:
            assert [(h.animal, h.end) for h in load_holds(session)] == [("f1", D(2026, 5, 31))]
            book = load_studbook(session)
            assert [h.kind for h in book.holds] == ["health"]
            rows = history(session, "f1", table="breeding_hold")
            assert [(r.action, r.field) for r in rows] == [("insert", None), ("update", "end_date")]

    def test_refusals_write_nothing(self, animals: sessionmaker[Session]) -> None:
        """Unknown animal, bad kind, control characters, reversed dates: nothing stored."""
        for call, error in (
            (lambda s: add_hold(s, "nobody", "health"), RecordNotFoundError),
            (lambda s: add_hold(s, "f1", "tired"), InvalidEditError),
            (lambda s: add_hold(s, "f1", "health", "ok\x07"), InvalidEditError),
            (
                lambda s: add_hold(s, "f1", "age", "", D(2026, 2, 1), D(2026, 1, 1)),
                InvalidEditError,
            ),
        ):
            with pytest.raises(error), session_scope(animals, write=True) as session:
                call(session)
        with animals() as session:
            assert session.scalars(select(BreedingHold)).all() == []


class TestPlans:
    """Issued plans get the next version; outcomes are recorded, loaded and audited."""

    def test_issue_record_and_load(self, animals: sessionmaker[Session]) -> None:
        with session_scope(animals, write=True) as session:
            first = issue_plan(
                session,
                [pair("m1", "f1", "male"), pair("m2", "f2")],
                settings={"success_rate": "0.2"},
                figures={"pairs": 2, "total_delta_gd": 1.5e-5},
                issued_on=D(2026, 1, 1),
                issued_by="coordinator",
                note="spring",
            )
            second = issue_plan(
                session, [pair("m2", "f1", "female")], settings={}, figures={},
                issued_on=D(2026, 7, 1), issued_by="coordinator",
            )  # fmt: skip
        assert (first, second) == (1, 2)
        with session_scope(animals, write=True) as session:
            record_outcome(session, 1, [1], "fulfilled", "", D(2026, 5, 1))
            record_outcome(session, 1, [2], "not attempted", "permit delayed", D(2026, 5, 1))
        with animals() as session:
            plans = load_plan_history(session)
            one = plans.plans[0]
            assert one.figures == {"pairs": 2, "total_delta_gd": 1.5e-5}
            assert one.settings == {"success_rate": "0.2"} and one.note == "spring"
            assert [(r.outcome, r.reason, r.move) for r in one.recommendations] == [
                ("fulfilled", "", "m1 A -> B"),
                ("not attempted", "permit delayed", "none"),
            ]
            assert plans.outcome_counts() == (1, 2)
            assert plans.open_moves() == {"f1": "plan 2: f1 B -> A"}
            assert load_studbook(session).plans == plans
            audited = session.scalars(
                select(AuditLog).where(AuditLog.table_name == "plan_recommendation")
            ).all()
            assert {(a.row_key, a.field, a.new_value) for a in audited if a.field == "outcome"} == {
                ("plan 1/1", "outcome", "fulfilled"),
                ("plan 1/2", "outcome", "not attempted"),
            }

    def test_unknown_plan_or_number_and_bad_outcome_are_refused(
        self, animals: sessionmaker[Session]
    ) -> None:
        with session_scope(animals, write=True) as session:
            issue_plan(
                session, [pair("m1", "f1")], settings={}, figures={},
                issued_on=D(2026, 1, 1), issued_by="me",
            )  # fmt: skip
        for args, error in (
            ((9, [1], "fulfilled"), RecordNotFoundError),
            ((1, [1, 5], "fulfilled"), RecordNotFoundError),
            ((1, [1], "done"), InvalidEditError),
        ):
            with pytest.raises(error), session_scope(animals, write=True) as session:
                record_outcome(session, *args)  # type: ignore[arg-type]
        with animals() as session:
            (row,) = session.scalars(select(PlanRecommendation)).all()
            assert row.outcome == "open"
