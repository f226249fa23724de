"""Assumption sets in the studbook database: load, create, add, remove; every change audited.

The sets live in three tables of their own (:class:`~db.models.AssumptionSetRow`,
:class:`~db.models.AssumptionRow`, :class:`~db.models.HypotheticalAnimalRow`); nothing here
writes to the record's tables. Each change is checked by the core first
(:func:`studbook.assumptions.apply_assumptions` on the whole studbook with the set as it would
be), so a set that is stored can always be applied; errors name the set, the animal and the
field, and nothing is written. Changes go through the ORM, so the audit log records each row.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AssumptionRow, AssumptionSetRow, HypotheticalAnimalRow
from db.repository import load_assumption_sets, load_records
from db.settings import load_settings, save_settings
from studbook.assumption_file import read_assumption_file
from studbook.assumptions import (
    NO_ASSUMPTIONS,
    Assumption,
    AssumptionError,
    AssumptionSet,
    HypotheticalAnimal,
    apply_assumptions,
    is_true_record,
    record_value,
    set_name_problem,
)
from studbook.limits import NOTES_LENGTH, text_problem
from studbook.parents import parse_parent

__all__ = [
    "add_assumption",
    "add_hypothetical",
    "create_set",
    "delete_set",
    "import_assumption_sets",
    "load_assumption_set",
    "load_assumption_sets",
    "remove_assumption",
    "remove_hypothetical",
    "use_set",
]


def load_assumption_set(session: Session, name: str) -> AssumptionSet:
    """The set called ``name``; raises :class:`AssumptionError` naming the stored sets."""
    sets = {s.name: s for s in load_assumption_sets(session)}
    if name not in sets:
        known = ", ".join(sorted(sets)) or "none stored"
        raise AssumptionError(f"there is no assumption set {name!r} (the sets: {known})")
    return sets[name]


def _row(session: Session, name: str) -> AssumptionSetRow:
    row = session.get(AssumptionSetRow, name)
    if row is None:
        load_assumption_set(session, name)  # raises, naming the sets
        raise AssumptionError(f"there is no assumption set {name!r}")  # pragma: no cover
    return row


def _note_problem(where: str, note: str) -> None:
    problem = text_problem(note, NOTES_LENGTH, "the note")
    if problem is not None:
        raise AssumptionError(f"{where}: {problem}")


def create_set(session: Session, name: str, note: str = "") -> None:
    """Store a new, empty set; refuses a bad or taken name."""
    problem = set_name_problem(name)
    if problem is not None:
        raise AssumptionError(f"assumption set {name!r}: {problem}")
    _note_problem(f"assumption set {name!r}", note)
    if session.get(AssumptionSetRow, name) is not None:
        raise AssumptionError(f"assumption set {name!r} already exists")
    session.add(AssumptionSetRow(name=name, note=note))
    session.flush()


def delete_set(session: Session, name: str) -> None:
    """Delete a set with its assumptions and hypothetical animals (each row audited); refused
    while the setting ``assumption_set`` names it."""
    row = _row(session, name)
    if load_settings(session).assumption_set == name:
        raise AssumptionError(
            f"assumption set {name!r} is the one the analyses use (setting assumption_set); "
            "switch to another set or to none first"
        )
    for child in [
        *session.scalars(select(AssumptionRow).where(AssumptionRow.set_name == name)),
        *session.scalars(
            select(HypotheticalAnimalRow).where(HypotheticalAnimalRow.set_name == name)
        ),
    ]:
        session.delete(child)
    session.flush()
    session.delete(row)
    session.flush()


def _check(session: Session, candidate: AssumptionSet) -> None:
    """Refuse ``candidate`` unless it applies to the whole studbook (errors name animal and
    field)."""
    apply_assumptions(load_records(session), candidate)


def _with(
    current: AssumptionSet,
    assumptions: Iterable[Assumption] | None = None,
    hypotheticals: Iterable[HypotheticalAnimal] | None = None,
) -> AssumptionSet:
    return AssumptionSet(
        current.name,
        current.note,
        tuple(current.assumptions if assumptions is None else assumptions),
        tuple(current.hypotheticals if hypotheticals is None else hypotheticals),
    )


def add_assumption(
    session: Session, name: str, animal_id: str, field: str, assumed: str, note: str = ""
) -> Assumption:
    """Assume ``assumed`` for ``field`` of ``animal_id`` in set ``name`` (replacing an earlier
    assumption for that field), with the record's value beside it; returns what was stored.

    Refuses, naming the animal and field, an animal not in the studbook, a field that cannot be
    assumed, a value that cannot be read or that breaks a rule between records.
    """
    _row(session, name)
    current = load_assumption_set(session, name)
    records = {r.id: r for r in load_records(session, [animal_id])}
    where = f"assumption set {name!r}: animal {animal_id!r}, field {field!r}"
    if animal_id not in records:
        raise AssumptionError(f"{where}: the animal is not in the studbook")
    _note_problem(where, note)
    true_value = record_value(records[animal_id], field)
    item = Assumption(animal_id, field, assumed.strip(), true_value, note)
    kept = [a for a in current.assumptions if (a.animal_id, a.field) != (animal_id, field)]
    _check(session, _with(current, assumptions=[*kept, item]))
    row = session.get(AssumptionRow, (name, animal_id, field))
    if row is None:
        session.add(
            AssumptionRow(
                set_name=name,
                animal_id=animal_id,
                field=field,
                true_value=true_value,
                assumed_value=item.assumed,
                note=note,
            )
        )
    else:
        row.true_value, row.assumed_value, row.note = true_value, item.assumed, note
    session.flush()
    return item


def remove_assumption(session: Session, name: str, animal_id: str, field: str) -> None:
    """Drop the assumption for ``field`` of ``animal_id`` from set ``name``."""
    _row(session, name)
    row = session.get(AssumptionRow, (name, animal_id, field))
    if row is None:
        raise AssumptionError(
            f"assumption set {name!r}: animal {animal_id!r}, field {field!r}: nothing is assumed"
        )
    session.delete(row)
    session.flush()


def add_hypothetical(
    session: Session, name: str, animal_id: str, sex: str = "U", note: str = ""
) -> None:
    """Add (or update) the hypothetical animal ``animal_id`` of set ``name``; refuses an id
    already in the studbook or not in the id alphabet, and a bad sex code."""
    _row(session, name)
    current = load_assumption_set(session, name)
    animal = HypotheticalAnimal(animal_id, sex.strip().upper() or "U", note)
    kept = [h for h in current.hypotheticals if h.id != animal_id]
    _check(session, _with(current, hypotheticals=[*kept, animal]))
    row = session.get(HypotheticalAnimalRow, (name, animal_id))
    if row is None:
        session.add(
            HypotheticalAnimalRow(set_name=name, animal_id=animal_id, sex=animal.sex, note=note)
        )
    else:
        row.sex, row.note = animal.sex, note
    session.flush()


def remove_hypothetical(session: Session, name: str, animal_id: str) -> None:
    """Drop the hypothetical animal ``animal_id`` from set ``name``; refused while an
    assumption of the set names it (the message names those animals and fields)."""
    _row(session, name)
    current = load_assumption_set(session, name)
    if not any(h.id == animal_id for h in current.hypotheticals):
        raise AssumptionError(
            f"assumption set {name!r}: there is no hypothetical animal {animal_id!r}"
        )
    users = [
        f"{a.animal_id} {a.field}"
        for a in current.assumptions
        if a.field in ("sire", "dam") and animal_id in parse_parent(a.assumed).ids
    ]
    if users:
        raise AssumptionError(
            f"assumption set {name!r}: hypothetical animal {animal_id!r} is named by "
            + ", ".join(users)
            + "; remove those assumptions first"
        )
    session.delete(session.get_one(HypotheticalAnimalRow, (name, animal_id)))
    session.flush()


def use_set(session: Session, name: str) -> AssumptionSet | None:
    """Make set ``name`` (``none``: the true record) the one the analyses apply (the setting
    ``assumption_set``, audited); the set is checked against the whole studbook first."""
    chosen = None if is_true_record(name) else load_assumption_set(session, name)
    if chosen is not None:
        _check(session, chosen)
    save_settings(session, {"assumption_set": chosen.name if chosen else NO_ASSUMPTIONS})
    return chosen


def import_assumption_sets(session: Session, path: str | Path) -> list[AssumptionSet]:
    """Store every set of an assumptions CSV (:mod:`studbook.assumption_file`), each checked
    against the whole studbook first, with the record's values beside the assumptions.

    Raises :class:`~studbook.errors.ImportValidationError` for bad lines and
    :class:`AssumptionError` (naming the set, animal and field) for a set that does not apply
    or already exists; run it in one transaction so that nothing is written then.
    """
    sets = read_assumption_file(path)
    records = load_records(session)
    by_id = {r.id: r for r in records}
    for s in sets:
        if session.get(AssumptionSetRow, s.name) is not None:
            raise AssumptionError(f"assumption set {s.name!r} already exists")
        apply_assumptions(records, s)
        session.add(AssumptionSetRow(name=s.name, note=s.note))
        session.flush()  # the set's row first: no ORM relationship orders the inserts
        session.add_all(
            HypotheticalAnimalRow(set_name=s.name, animal_id=h.id, sex=h.sex, note=h.note)
            for h in s.hypotheticals
        )
        session.add_all(
            AssumptionRow(
                set_name=s.name,
                animal_id=a.animal_id,
                field=a.field,
                true_value=record_value(by_id[a.animal_id], a.field),
                assumed_value=a.assumed,
                note=a.note,
            )
            for a in s.assumptions
        )
        session.flush()
    return sets
