"""Breeding holds and issued plans in the studbook database: add, end, issue, record, load.

The rules (what a hold or an outcome may say, the success rate, the open moves) are in
:mod:`studbook.recommendations`; here they are stored. Every change goes through the ORM, so the
audit log records it (who, when, old and new values). The caller runs each function inside
:func:`db.session.session_scope` with ``write=True``: a refused change writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.errors import InvalidEditError, RecordNotFoundError
from db.models import Animal, PlanIssue, PlanRecommendation
from db.models import BreedingHold as HoldRow
from studbook.breeding_plan import PlannedPair
from studbook.errors import Problem
from studbook.recommendations import (
    HOLD_REASONS,
    OUTCOMES,
    BreedingHold,
    Recommendation,
    reason_problem,
)

__all__ = [
    "add_hold",
    "end_holds",
    "issue_plan",
    "record_outcome",
]

_SOURCE = "breeding status"


def _refuse(field: str, message: str, source: str = _SOURCE) -> InvalidEditError:
    return InvalidEditError([Problem(source, None, field, message)])


def _require_animal(session: Session, animal_id: str) -> None:
    if session.get(Animal, animal_id) is None:
        raise RecordNotFoundError("animal", animal_id)


def add_hold(
    session: Session,
    animal_id: str,
    kind: str,
    reason: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> BreedingHold:
    """Mark ``animal_id`` not to breed for ``kind`` (one of :data:`HOLD_REASONS`) with a note,
    from ``start`` until ``end`` (both included, ``None`` open). Raises
    :class:`~db.errors.RecordNotFoundError` for an unknown animal and
    :class:`~db.errors.InvalidEditError` naming the field for a bad kind, note or dates."""
    _require_animal(session, animal_id)
    if kind not in HOLD_REASONS:
        raise _refuse("kind", f"{kind!r} is not one of {', '.join(HOLD_REASONS)}")
    if (problem := reason_problem(reason)) is not None:
        raise _refuse("reason", problem)
    if start and end and end < start:
        raise _refuse("until", f"the hold ends ({end}) before it starts ({start})")
    session.add(
        HoldRow(animal_id=animal_id, kind=kind, reason=reason, start_date=start, end_date=end)
    )
    session.flush()
    return BreedingHold(animal_id, kind, reason, start, end)


def end_holds(session: Session, animal_id: str, on: dt.date) -> int:
    """Let ``animal_id`` breed again from ``on``: holds in force then end the day before
    (a hold that had not started by ``on`` is removed). Returns how many holds changed."""
    _require_animal(session, animal_id)
    rows = session.scalars(select(HoldRow).where(HoldRow.animal_id == animal_id)).all()
    last = on - dt.timedelta(days=1)
    changed = 0
    for row in rows:
        if row.end_date is not None and row.end_date < on:
            continue
        if row.start_date is not None and row.start_date > last:
            session.delete(row)
        else:
            row.end_date = last
        changed += 1
    session.flush()
    return changed


def _mover_id(pair: PlannedPair) -> tuple[str, str, str]:
    if pair.mover == "male":
        return pair.male, pair.male_institution, pair.female_institution
    if pair.mover == "female":
        return pair.female, pair.female_institution, pair.male_institution
    return "", "", ""


def issue_plan(
    session: Session,
    pairs: Iterable[PlannedPair],
    *,
    settings: Mapping[str, str],
    figures: Mapping[str, Any],
    issued_on: dt.date,
    issued_by: str,
    note: str = "",
) -> int:
    """Store a plan as issued (the next version number) with one open recommendation per pair,
    in the plan's row order; returns the version."""
    if (problem := reason_problem(note)) is not None:
        raise _refuse("note", problem, "plan")
    version = int(session.scalar(select(func.coalesce(func.max(PlanIssue.version), 0))) or 0) + 1
    session.add(
        PlanIssue(
            version=version,
            issued_on=issued_on,
            issued_by=issued_by[:100],
            settings=dict(settings),
            figures=dict(figures),
            note=note,
        )
    )
    session.flush()
    for number, pair in enumerate(pairs, start=1):
        moving, source, target = _mover_id(pair)
        session.add(
            PlanRecommendation(
                plan_version=version,
                number=number,
                male_id=pair.male,
                female_id=pair.female,
                moving=moving,
                move_from=source,
                move_to=target,
                outcome="open",
                reason="",
            )
        )
    session.flush()
    return version


def record_outcome(
    session: Session,
    version: int,
    numbers: Iterable[int],
    outcome: str,
    reason: str = "",
    on: dt.date | None = None,
) -> list[Recommendation]:
    """Record what became of recommendations ``numbers`` of plan ``version`` (``open`` undoes
    a recording). Raises :class:`~db.errors.RecordNotFoundError` for an unknown plan or
    number and :class:`~db.errors.InvalidEditError` for a bad outcome or reason."""
    if outcome not in OUTCOMES:
        raise _refuse("outcome", f"{outcome!r} is not one of {', '.join(OUTCOMES)}", "plan")
    if (problem := reason_problem(reason)) is not None:
        raise _refuse("reason", problem, "plan")
    if session.get(PlanIssue, version) is None:
        raise RecordNotFoundError("plan", str(version))
    out = []
    for number in numbers:
        row = session.get(PlanRecommendation, (version, number))
        if row is None:
            raise RecordNotFoundError("recommendation", f"{version}/{number}")
        row.outcome = outcome
        row.reason = reason
        row.recorded_on = None if outcome == "open" else on
        out.append(
            Recommendation(
                row.number,
                row.male_id,
                row.female_id,
                row.moving,
                row.move_from,
                row.move_to,
                row.outcome,
                row.reason,
                row.recorded_on,
            )
        )
    session.flush()
    return out
