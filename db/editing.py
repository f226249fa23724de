"""Changing the studbook one record at a time: the services the UI and the command line call.

Each service

- checks the change with the same rules as an import (:func:`studbook.validation.validate_records`
  for the animal and its offspring, :func:`studbook.events.validate_events` for its events, plus
  a loop check through the animals' descendants in the database) and raises
  :class:`~db.errors.InvalidEditError` listing every broken rule;
- writes through the ORM in the caller's transaction, so the audit hooks log who changed which
  field from what to what (:mod:`db.audit`);
- refuses stale edits: pass the version you read (:func:`db.repository.animal_version`) as
  ``expected_version``; if someone changed the animal since, or does so before this
  transaction flushes, :class:`~db.errors.EditConflictError` is raised and nothing is written.

Services return the warnings the rules found (questionable but legal).

Typical use::

    version = animal_version(session, "338")
    with session_scope(factory, write=True) as session:
        record_transfer(session, "338", parse_partial_date("2026-03-01"), "TALLINN",
                        local_id="T99", expected_version=version)

Being alive means being alive in the managed population: a release to the wild and going lost to
follow-up set ``alive`` to false and clear the location, as a death does; a capture or another
arrival brings the animal back (``alive`` true again).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import func, or_, select, union
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db import audit
from db.convert import animal_row, attribute_rows, candidate_rows, date_columns, flag_rows
from db.errors import EditConflictError, InvalidEditError, RecordNotFoundError
from db.models import (
    Animal,
    AnimalAttribute,
    AnimalFlag,
    Event,
    ExtraColumn,
    Institution,
    ParentCandidate,
)
from db.repository import load_events, load_records
from studbook.dates import PartialDate
from studbook.errors import Problem
from studbook.events import EventCode, EventRecord, validate_events
from studbook.institutions import REGIONS, InstitutionRecord, institution_text_problems
from studbook.limits import MNEMONIC_LENGTH
from studbook.records import AnimalRecord
from studbook.status import status_on
from studbook.validation import number_key, validate_records

__all__ = [
    "add_institution",
    "edit_animal",
    "edit_institution",
    "record_birth",
    "record_contraception",
    "record_death",
    "record_event",
    "record_ltf",
    "record_release",
    "record_transfer",
]


def _source(studbook_id: str) -> str:
    return f"animal {studbook_id}"


@contextmanager
def _conflicts_as_errors(table: str, key: str) -> Iterator[None]:
    try:
        yield
    except StaleDataError as exc:
        raise EditConflictError(table, key) from exc


def _animal(session: Session, studbook_id: str, expected_version: int | None) -> Animal:
    """The animal as stored now; a different ``expected_version`` is a conflict."""
    animal = session.get(Animal, studbook_id, populate_existing=expected_version is not None)
    if animal is None:
        raise RecordNotFoundError("animal", studbook_id)
    if expected_version is not None and animal.version_id != expected_version:
        raise EditConflictError(
            "animal",
            studbook_id,
            f"you loaded version {expected_version}, the studbook has version {animal.version_id}",
        )
    return animal


def _descendants(session: Session, studbook_id: str) -> set[str]:
    """Every animal descending from ``studbook_id`` (through known and MULT parents)."""
    links = union(
        select(Animal.studbook_id.label("child"), Animal.sire_id.label("parent")).where(
            Animal.sire_id.is_not(None)
        ),
        select(Animal.studbook_id, Animal.dam_id).where(Animal.dam_id.is_not(None)),
        select(ParentCandidate.child_id, ParentCandidate.parent_id),
    ).subquery()
    seed = select(links.c.child).where(links.c.parent == studbook_id).cte(recursive=True)
    tree = seed.union(select(links.c.child).join(seed, links.c.parent == seed.c.child))
    return set(session.scalars(select(tree.c.child)))


def _children(session: Session, studbook_id: str) -> list[str]:
    direct = select(Animal.studbook_id).where(
        or_(Animal.sire_id == studbook_id, Animal.dam_id == studbook_id)
    )
    mult = select(ParentCandidate.child_id).where(ParentCandidate.parent_id == studbook_id)
    return sorted(set(session.scalars(direct)) | set(session.scalars(mult)))


def _check_animal(session: Session, record: AnimalRecord, is_new: bool) -> list[Problem]:
    """The studbook rules for one new or changed animal, against its neighbours in the database.

    Raises :class:`InvalidEditError` on any error; returns the warnings.
    """
    source = _source(record.id)
    children = [] if is_new else load_records(session, _children(session, record.id))
    parent_ids = {p for r in [record, *children] for spec in (r.sire, r.dam) for p in spec.ids}
    neighbours = parent_ids - {record.id} - {c.id for c in children}
    if is_new:
        neighbours.add(record.id)
        number = number_key(record.id)
        if number is not None:
            neighbours |= set(
                session.scalars(
                    select(Animal.studbook_id).where(func.ltrim(Animal.studbook_id, "0") == number)
                )
            )
    existing = {r.id: r for r in load_records(session, neighbours)}
    edited = dataclasses.replace(record, line=None)
    problems = validate_records([edited, *children], source, existing)
    if not is_new:
        problems = [p for p in problems if not (p.severity == "warning" and p.field == "id")]
        loop = sorted(set(record.sire.ids + record.dam.ids) & _descendants(session, record.id))
        for parent in loop:
            problems.append(
                Problem(
                    source,
                    None,
                    "sire" if parent in record.sire.ids else "dam",
                    f"pedigree loop: {parent!r} descends from {record.id!r}, so it cannot be "
                    "its parent",
                )
            )
    if record.location and session.get(Institution, record.location) is None:
        problems.append(
            Problem(source, None, "location", f"institution {record.location!r} is not known")
        )
    if any(p.severity == "error" for p in problems):
        raise InvalidEditError(problems)
    return [p for p in problems if p.severity != "error"]


def _check_events(
    session: Session, record: AnimalRecord, new_events: Sequence[EventRecord]
) -> list[Problem]:
    """The event rules for an animal's stored events plus ``new_events``."""
    stored = load_events(session, [record.id])
    known = set(session.scalars(select(Institution.mnemonic)))
    problems = validate_events(
        [*stored, *new_events], {record.id: record}, _source(record.id), known
    )
    if any(p.severity == "error" for p in problems):
        raise InvalidEditError(problems)
    return [p for p in problems if p.severity != "error"]


def _add_event(session: Session, event: EventRecord, from_institution: str | None) -> Event:
    assert event.event is not None
    day, precision = date_columns(event.date)
    sequence = (session.scalar(select(func.max(Event.sequence))) or 0) + 1
    row = Event(
        animal_id=event.animal_id,
        event=event.event.value,
        event_date=day,
        event_precision=precision,
        institution_id=event.institution or None,
        from_institution_id=from_institution
        if from_institution and from_institution != event.institution
        else None,
        local_id=event.local_id,
        cause=event.cause,
        notes=event.notes,
        sequence=sequence,
    )
    session.add(row)
    return row


def _apply(animal: Animal, record: AnimalRecord) -> None:
    """Copy a record's columns and child rows onto the stored animal."""
    for key, value in animal_row(record, animal.entry_order).items():
        if (
            key not in ("studbook_id", "entry_order", "version_id")
            and getattr(animal, key) != value
        ):
            setattr(animal, key, value)
    wanted_candidates = [ParentCandidate(**row) for row in candidate_rows(record)]
    current = [(c.role, c.parent_id, c.position, c.probability) for c in animal.candidates]
    if current != [(c.role, c.parent_id, c.position, c.probability) for c in wanted_candidates]:
        animal.candidates = wanted_candidates
    if [f.flag for f in animal.flags] != list(dict.fromkeys(record.flags)):
        animal.flags = [AnimalFlag(**row) for row in flag_rows(record)]
    if {a.name: a.value for a in animal.attributes} != record.extra:
        animal.attributes = [AnimalAttribute(**row) for row in attribute_rows(record)]


def _ensure_extra_columns(session: Session, names: Sequence[str]) -> None:
    known = set(session.scalars(select(ExtraColumn.name)))
    position = session.scalar(select(func.max(ExtraColumn.position)))
    next_position = (position if position is not None else -1) + 1
    for name in names:
        if name not in known:
            session.add(ExtraColumn(name=name, position=next_position))
            next_position += 1
    session.flush()


def edit_animal(
    session: Session, record: AnimalRecord, *, expected_version: int | None = None
) -> list[Problem]:
    """Replace the stored animal ``record.id`` with ``record`` (all fields, same id).

    Read the animal (:func:`db.repository.load_records`) and its version
    (:func:`db.repository.animal_version`), change it with ``dataclasses.replace(record, ...)``
    and pass the version.
    """
    animal = _animal(session, record.id, expected_version)
    warnings = _check_animal(session, record, is_new=False)
    with _conflicts_as_errors("animal", record.id):
        _ensure_extra_columns(session, list(record.extra))
        _apply(animal, record)
        audit.touch(session, animal, "notes")
        session.flush()
    return warnings


def replace_checked(session: Session, record: AnimalRecord) -> None:
    """Replace the stored animal ``record.id`` with ``record``, already checked together with
    the whole studbook (``import --update``); the change is audited like any edit."""
    animal = _animal(session, record.id, None)
    with _conflicts_as_errors("animal", record.id):
        _ensure_extra_columns(session, list(record.extra))
        _apply(animal, record)
        audit.touch(session, animal, "notes")


def record_birth(
    session: Session,
    record: AnimalRecord,
    *,
    institution: str,
    local_id: str = "",
    notes: str = "",
) -> list[Problem]:
    """Add a newborn (or any new animal) and its birth event at ``institution``.

    ``record.birth_date`` is required; ``record.location`` is set to ``institution``.
    """
    source = _source(record.id)
    if record.birth_date is None:
        raise InvalidEditError([Problem(source, None, "birth_date", "a birth needs a date")])
    record = dataclasses.replace(record, location=institution, line=None)
    warnings = _check_animal(session, record, is_new=True)
    birth = EventRecord(record.id, record.birth_date, EventCode.BIRTH, institution, local_id)
    birth.notes = notes
    warnings += _check_events(session, record, [birth])
    _ensure_extra_columns(session, list(record.extra))
    entry = (session.scalar(select(func.max(Animal.entry_order))) or 0) + 1
    row = animal_row(record, entry)
    row.pop("version_id")
    animal = Animal(**row)
    animal.candidates = [ParentCandidate(**r) for r in candidate_rows(record)]
    animal.flags = [AnimalFlag(**r) for r in flag_rows(record)]
    animal.attributes = [AnimalAttribute(**r) for r in attribute_rows(record)]
    session.add(animal)
    session.flush()
    _add_event(session, birth, None)
    session.flush()
    return warnings


def record_event(
    session: Session,
    studbook_id: str,
    event: EventCode,
    date: PartialDate,
    *,
    institution: str = "",
    local_id: str = "",
    cause: str = "",
    notes: str = "",
    expected_version: int | None = None,
) -> list[Problem]:
    """Record any event; the specific services below are this plus the record's changes.

    Arrivals (capture, transfer, loan) move the animal's location to ``institution``; exits
    (death, release, LTF) end it (see the module docstring); a death also sets the death date;
    a capture (back from the wild) or an arrival after LTF (found again) makes the record alive
    again, as :func:`studbook.status.status_on` reads the events.
    """
    animal = _animal(session, studbook_id, expected_version)
    record = load_records(session, [studbook_id])[0]
    here = animal.location_id
    changed = record
    if event in (EventCode.CAPTURE, EventCode.TRANSFER, EventCode.LOAN):
        changed = dataclasses.replace(record, location=institution)
        gone = status_on(record, load_events(session, [studbook_id])) in ("released", "LTF")
        if record.alive is False and gone:
            changed.alive = True
    elif event is EventCode.DEATH:
        changed = dataclasses.replace(record, death_date=date, alive=False, location="")
    elif event in (EventCode.RELEASE, EventCode.LTF):
        changed = dataclasses.replace(record, alive=False, location="")
    new = EventRecord(studbook_id, date, event, institution or (here or ""), local_id, cause, notes)
    warnings = [] if changed == record else _check_animal(session, changed, is_new=False)
    warnings += _check_events(session, changed, [new])
    with _conflicts_as_errors("animal", studbook_id):
        _apply(animal, changed)
        audit.touch(session, animal, "notes")
        moving = event in (EventCode.TRANSFER, EventCode.LOAN)
        _add_event(session, new, here if moving else None)
        session.flush()
    return warnings


def record_death(
    session: Session,
    studbook_id: str,
    date: PartialDate,
    *,
    cause: str = "",
    notes: str = "",
    expected_version: int | None = None,
) -> list[Problem]:
    """The animal died on ``date`` (of ``cause``) at its current institution."""
    return record_event(
        session,
        studbook_id,
        EventCode.DEATH,
        date,
        cause=cause,
        notes=notes,
        expected_version=expected_version,
    )


def record_transfer(
    session: Session,
    studbook_id: str,
    date: PartialDate,
    to_institution: str,
    *,
    local_id: str = "",
    loan: bool = False,
    notes: str = "",
    expected_version: int | None = None,
) -> list[Problem]:
    """The animal moved to ``to_institution`` (on loan when ``loan``) with ``local_id`` there."""
    return record_event(
        session,
        studbook_id,
        EventCode.LOAN if loan else EventCode.TRANSFER,
        date,
        institution=to_institution,
        local_id=local_id,
        notes=notes,
        expected_version=expected_version,
    )


def record_release(
    session: Session,
    studbook_id: str,
    date: PartialDate,
    *,
    notes: str = "",
    expected_version: int | None = None,
) -> list[Problem]:
    """The animal was released to the wild from its current institution."""
    return record_event(
        session,
        studbook_id,
        EventCode.RELEASE,
        date,
        notes=notes,
        expected_version=expected_version,
    )


def record_ltf(
    session: Session,
    studbook_id: str,
    date: PartialDate,
    *,
    notes: str = "",
    expected_version: int | None = None,
) -> list[Problem]:
    """The animal went lost to follow-up."""
    return record_event(
        session, studbook_id, EventCode.LTF, date, notes=notes, expected_version=expected_version
    )


def record_contraception(
    session: Session,
    studbook_id: str,
    date: PartialDate,
    *,
    start: bool = True,
    notes: str = "",
    expected_version: int | None = None,
) -> list[Problem]:
    """Contraception started (``start``) or stopped on ``date``."""
    code = EventCode.CONTRACEPTION_START if start else EventCode.CONTRACEPTION_STOP
    return record_event(
        session, studbook_id, code, date, notes=notes, expected_version=expected_version
    )


def _check_institution(record: InstitutionRecord) -> None:
    source = f"institution {record.mnemonic}"
    problems = []
    if not record.mnemonic or len(record.mnemonic) > MNEMONIC_LENGTH:
        problems.append(
            Problem(source, None, "mnemonic", f"a mnemonic has 1 to {MNEMONIC_LENGTH} characters")
        )
    problems += [Problem(source, None, f, m) for f, m in institution_text_problems(record)]
    if record.region and record.region not in REGIONS:
        problems.append(
            Problem(source, None, "region", f"use one of {', '.join(REGIONS)}, or leave it empty")
        )
    if problems:
        raise InvalidEditError(problems)


def add_institution(session: Session, record: InstitutionRecord) -> None:
    """Add an institution; its mnemonic must be new (regardless of case)."""
    _check_institution(record)
    clash = session.scalar(
        select(Institution.mnemonic).where(
            func.upper(Institution.mnemonic) == record.mnemonic.upper()
        )
    )
    if clash is not None:
        raise InvalidEditError(
            [
                Problem(
                    f"institution {record.mnemonic}",
                    None,
                    "mnemonic",
                    f"mnemonic {record.mnemonic!r} is already used by {clash!r}",
                )
            ]
        )
    session.add(
        Institution(
            mnemonic=record.mnemonic, name=record.name, country=record.country, region=record.region
        )
    )
    session.flush()


def edit_institution(
    session: Session, record: InstitutionRecord, *, expected_version: int | None = None
) -> None:
    """Change an institution's name, country or region (the mnemonic identifies it)."""
    _check_institution(record)
    place = session.get(
        Institution, record.mnemonic, populate_existing=expected_version is not None
    )
    if place is None:
        raise RecordNotFoundError("institution", record.mnemonic)
    if expected_version is not None and place.version_id != expected_version:
        raise EditConflictError("institution", record.mnemonic)
    with _conflicts_as_errors("institution", record.mnemonic):
        place.name, place.country, place.region = record.name, record.country, record.region
        session.flush()
