"""Reading the studbook back as the genetics core's records.

:func:`load_records` returns every animal as an :class:`~studbook.records.AnimalRecord` in the
order it entered the studbook; :func:`load_pedigree` turns them into the
:class:`~studbook.pedigree.Pedigree` the kinship engine takes; :func:`load_events` and
:func:`load_institutions` return the other two files' records, and :func:`load_studbook` all
three as one :class:`~studbook.book.Studbook` (whose status, relatives, animals list and census
every front end uses); :func:`animal_version` the version an edit must name. These are the
exact inverse of the importer: records written and read back compare equal (apart from
``line``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from db.convert import partial_date, record_from_columns
from db.models import (
    Animal,
    AnimalAttribute,
    AnimalFlag,
    Event,
    ExtraColumn,
    Institution,
    ParentCandidate,
)
from db.settings import load_settings
from studbook.book import Studbook
from studbook.events import EventCode, EventRecord
from studbook.institutions import InstitutionRecord
from studbook.pedigree import Pedigree
from studbook.records import AnimalRecord

__all__ = [
    "animal_count",
    "animal_version",
    "extra_columns",
    "load_events",
    "load_institutions",
    "load_pedigree",
    "load_records",
    "load_studbook",
]

_CHUNK = 20_000


def animal_count(session: Session) -> int:
    """How many animals the studbook holds."""
    from sqlalchemy import func

    return session.scalar(select(func.count()).select_from(Animal)) or 0


def animal_version(session: Session, studbook_id: str) -> int:
    """The stored version of an animal (0 if there is none): pass it to :mod:`db.editing` as
    ``expected_version`` so that an edit made from a stale read is refused."""
    version = session.scalar(select(Animal.version_id).where(Animal.studbook_id == studbook_id))
    return version or 0


def extra_columns(session: Session) -> list[str]:
    """Names of the extra CSV columns seen on import, in the order they were first seen."""
    return list(session.scalars(select(ExtraColumn.name).order_by(ExtraColumn.position)))


def _by_ids(stmt: Select[Any], column: Any, ids: list[str] | None) -> Iterable[Select[Any]]:
    if ids is None:
        yield stmt
        return
    for start in range(0, len(ids), _CHUNK):
        yield stmt.where(column.in_(ids[start : start + _CHUNK]))


def load_records(session: Session, ids: Collection[str] | None = None) -> list[AnimalRecord]:
    """Every animal (or those in ``ids``) as records, in studbook entry order.

    Ids that are not in the database are left out; compare lengths to notice them.
    """
    wanted = None if ids is None else list(dict.fromkeys(ids))
    table = Animal.__table__
    rows: list[Any] = []
    for stmt in _by_ids(select(table), table.c.studbook_id, wanted):
        rows += session.execute(stmt).mappings().all()
    rows.sort(key=lambda r: (r["entry_order"], r["studbook_id"]))

    candidates: dict[str, dict[str, list[tuple[str, float]]]] = {}
    pc = ParentCandidate.__table__.c
    cand_stmt = select(pc.child_id, pc.role, pc.parent_id, pc.probability).order_by(
        pc.child_id, pc.role, pc.position
    )
    for stmt in _by_ids(cand_stmt, pc.child_id, wanted):
        for child, role, parent, p in session.execute(stmt):
            candidates.setdefault(child, {}).setdefault(role, []).append((parent, p))

    flags: dict[str, list[str]] = {}
    fc = AnimalFlag.__table__.c
    flag_stmt = select(fc.animal_id, fc.flag).order_by(fc.animal_id, fc.position)
    for stmt in _by_ids(flag_stmt, fc.animal_id, wanted):
        for animal_id, flag in session.execute(stmt):
            flags.setdefault(animal_id, []).append(flag)

    extras: dict[str, dict[str, str]] = {}
    ac = AnimalAttribute.__table__.c
    for stmt in _by_ids(select(ac.animal_id, ac.name, ac.value), ac.animal_id, wanted):
        for animal_id, name, value in session.execute(stmt):
            extras.setdefault(animal_id, {})[name] = value

    return [
        record_from_columns(
            row,
            candidates.get(row["studbook_id"]),
            flags.get(row["studbook_id"], ()),
            extras.get(row["studbook_id"]),
        )
        for row in rows
    ]


def load_pedigree(session: Session, source: str = "studbook") -> Pedigree:
    """The whole studbook as the genetics engine's :class:`~studbook.pedigree.Pedigree`."""
    return Pedigree.from_records(load_records(session), source=source)


def load_events(session: Session, animal_ids: Collection[str] | None = None) -> list[EventRecord]:
    """Every event (or those of ``animal_ids``) in the order they were recorded."""
    stmt = select(Event).order_by(Event.sequence, Event.id)
    wanted = None if animal_ids is None else list(dict.fromkeys(animal_ids))
    events: list[Event] = []
    for chunk in _by_ids(stmt, Event.animal_id, wanted):
        events += session.scalars(chunk).all()
    return [
        EventRecord(
            animal_id=e.animal_id,
            date=partial_date(e.event_date, e.event_precision),
            event=EventCode(e.event),
            institution=e.institution_id or "",
            local_id=e.local_id,
            cause=e.cause,
            notes=e.notes,
        )
        for e in events
    ]


def load_institutions(session: Session) -> list[InstitutionRecord]:
    """Every institution, ordered by mnemonic."""
    return [
        InstitutionRecord(i.mnemonic, i.name, i.country, i.region)
        for i in session.scalars(select(Institution).order_by(Institution.mnemonic))
    ]


def load_studbook(session: Session) -> Studbook:
    """The whole studbook in memory: every animal, its events, the institutions, the
    programme's settings (:func:`db.settings.load_settings`), the breeding holds and the issued
    plans (:mod:`db.recommendations`)."""
    from db.recommendations import load_holds, load_plan_history

    return Studbook.build(
        load_records(session),
        load_events(session),
        load_institutions(session),
        load_settings(session),
        holds=load_holds(session),
        plans=load_plan_history(session),
    )
