"""Reading the studbook back as the genetics core's records.

:func:`load_records` returns every animal as an :class:`~studbook.records.AnimalRecord` in the
order it entered the studbook; :func:`load_pedigree` turns them into the
:class:`~studbook.pedigree.Pedigree` the kinship engine takes; :func:`load_events` and
:func:`load_institutions` return the other two files' records, and :func:`load_studbook` all
three as one :class:`~studbook.book.Studbook` (whose status, relatives, animals list and census
every front end uses); :func:`animal_version` the version an edit must name. These are the
exact inverse of the importer: records written and read back compare equal (apart from
``line``).

Every function reads with the Core clauses of :mod:`db.tables`, so a command that only reads
does not import the ORM: pass an ORM ``Session`` (which flushes pending changes first) or a
plain ``Connection``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, func, select

from db.convert import partial_date, record_from_columns
from db.settings import load_settings
from db.tables import (
    ANIMAL,
    ANIMAL_ATTRIBUTE,
    ANIMAL_FLAG,
    ASSUMPTION,
    ASSUMPTION_SET,
    BREEDING_HOLD,
    EVENT,
    EXTRA_COLUMN,
    HYPOTHETICAL_ANIMAL,
    INSTITUTION,
    PARENT_CANDIDATE,
    PLAN_ISSUE,
    PLAN_RECOMMENDATION,
    Reader,
)
from studbook.assumptions import Assumption, AssumptionSet, HypotheticalAnimal
from studbook.book import Studbook
from studbook.events import EventCode, EventRecord
from studbook.institutions import InstitutionRecord
from studbook.recommendations import BreedingHold, IssuedPlan, PlanHistory, Recommendation
from studbook.records import AnimalRecord

if TYPE_CHECKING:
    from studbook.pedigree import Pedigree

__all__ = [
    "animal_count",
    "animal_version",
    "extra_columns",
    "load_assumption_sets",
    "load_events",
    "load_holds",
    "load_institutions",
    "load_pedigree",
    "load_plan_history",
    "load_records",
    "load_studbook",
]

_CHUNK = 20_000


def animal_count(session: Reader) -> int:
    """How many animals the studbook holds."""
    return session.scalar(select(func.count()).select_from(ANIMAL)) or 0


def animal_version(session: Reader, studbook_id: str) -> int:
    """The stored version of an animal (0 if there is none): pass it to :mod:`db.editing` as
    ``expected_version`` so that an edit made from a stale read is refused."""
    a = ANIMAL.c
    version = session.scalar(select(a.version_id).where(a.studbook_id == studbook_id))
    return int(version or 0)


def extra_columns(session: Reader) -> list[str]:
    """Names of the extra CSV columns seen on import, in the order they were first seen."""
    x = EXTRA_COLUMN.c
    return list(session.scalars(select(x.name).order_by(x.position)))


def _by_ids(stmt: Select[Any], column: Any, ids: list[str] | None) -> Iterable[Select[Any]]:
    if ids is None:
        yield stmt
        return
    for start in range(0, len(ids), _CHUNK):
        yield stmt.where(column.in_(ids[start : start + _CHUNK]))


def load_records(session: Reader, ids: Collection[str] | None = None) -> list[AnimalRecord]:
    """Every animal (or those in ``ids``) as records, in studbook entry order.

    Ids that are not in the database are left out; compare lengths to notice them.
    """
    wanted = None if ids is None else list(dict.fromkeys(ids))
    table = ANIMAL
    rows: list[Any] = []
    for stmt in _by_ids(select(table), table.c.studbook_id, wanted):
        rows += session.execute(stmt).mappings().all()
    rows.sort(key=lambda r: (r["entry_order"], r["studbook_id"]))

    candidates: dict[str, dict[str, list[tuple[str, float]]]] = {}
    pc = PARENT_CANDIDATE.c
    cand_stmt = select(pc.child_id, pc.role, pc.parent_id, pc.probability).order_by(
        pc.child_id, pc.role, pc.position
    )
    for stmt in _by_ids(cand_stmt, pc.child_id, wanted):
        for child, role, parent, p in session.execute(stmt):
            candidates.setdefault(child, {}).setdefault(role, []).append((parent, p))

    flags: dict[str, list[str]] = {}
    fc = ANIMAL_FLAG.c
    flag_stmt = select(fc.animal_id, fc.flag).order_by(fc.animal_id, fc.position)
    for stmt in _by_ids(flag_stmt, fc.animal_id, wanted):
        for animal_id, flag in session.execute(stmt):
            flags.setdefault(animal_id, []).append(flag)

    extras: dict[str, dict[str, str]] = {}
    ac = ANIMAL_ATTRIBUTE.c
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


def load_pedigree(session: Reader, source: str = "studbook") -> Pedigree:
    """The whole studbook as the genetics engine's :class:`~studbook.pedigree.Pedigree`."""
    from studbook.pedigree import Pedigree

    return Pedigree.from_records(load_records(session), source=source)


def load_events(session: Reader, animal_ids: Collection[str] | None = None) -> list[EventRecord]:
    """Every event (or those of ``animal_ids``) in the order they were recorded."""
    e = EVENT.c
    stmt = select(EVENT).order_by(e.sequence, e.id)
    wanted = None if animal_ids is None else list(dict.fromkeys(animal_ids))
    events: list[Any] = []
    for chunk in _by_ids(stmt, e.animal_id, wanted):
        events += session.execute(chunk).all()
    return [
        EventRecord(
            animal_id=row.animal_id,
            date=partial_date(row.event_date, row.event_precision),
            event=EventCode(row.event),
            institution=row.institution_id or "",
            local_id=row.local_id,
            cause=row.cause,
            notes=row.notes,
        )
        for row in events
    ]


def load_institutions(session: Reader) -> list[InstitutionRecord]:
    """Every institution, ordered by mnemonic."""
    i = INSTITUTION.c
    stmt = select(i.mnemonic, i.name, i.country, i.region).order_by(i.mnemonic)
    return [InstitutionRecord(*row) for row in session.execute(stmt)]


def load_assumption_sets(session: Reader) -> list[AssumptionSet]:
    """Every stored set, by name, with its assumptions (by animal and field) and hypothetical
    animals (by id): kept apart from the records, applied only by an analysis that asks."""
    assumptions: dict[str, list[Assumption]] = {}
    a = ASSUMPTION.c
    for row in session.execute(
        select(a.set_name, a.animal_id, a.field, a.assumed_value, a.true_value, a.note).order_by(
            a.set_name, a.animal_id, a.field
        )
    ):
        assumptions.setdefault(row.set_name, []).append(Assumption(*row[1:]))
    hypotheticals: dict[str, list[HypotheticalAnimal]] = {}
    h = HYPOTHETICAL_ANIMAL.c
    for set_name, animal_id, sex, note in session.execute(
        select(h.set_name, h.animal_id, h.sex, h.note).order_by(h.set_name, h.animal_id)
    ):
        hypotheticals.setdefault(set_name, []).append(HypotheticalAnimal(animal_id, sex, note))
    s = ASSUMPTION_SET.c
    return [
        AssumptionSet(
            name, note, tuple(assumptions.get(name, ())), tuple(hypotheticals.get(name, ()))
        )
        for name, note in session.execute(select(s.name, s.note).order_by(s.name))
    ]


def load_holds(session: Reader) -> list[BreedingHold]:
    """Every breeding hold, by animal and start date."""
    h = BREEDING_HOLD.c
    rows = session.execute(
        select(h.animal_id, h.kind, h.reason, h.start_date, h.end_date).order_by(h.animal_id, h.id)
    )
    return [BreedingHold(*row) for row in rows]


def load_plan_history(session: Reader) -> PlanHistory:
    """Every issued plan with its recommendations, oldest first."""
    recs: dict[int, list[Recommendation]] = {}
    r = PLAN_RECOMMENDATION.c
    stmt = select(
        r.plan_version,
        r.number,
        r.male_id,
        r.female_id,
        r.moving,
        r.move_from,
        r.move_to,
        r.outcome,
        r.reason,
        r.recorded_on,
    ).order_by(r.plan_version, r.number)
    for version, *fields in session.execute(stmt):
        recs.setdefault(version, []).append(Recommendation(*fields))
    p = PLAN_ISSUE.c
    issued = session.execute(
        select(p.version, p.issued_on, p.issued_by, p.settings, p.figures, p.note).order_by(
            p.version
        )
    )
    return PlanHistory(
        tuple(
            IssuedPlan(
                row.version,
                row.issued_on,
                row.issued_by,
                dict(row.settings),
                dict(row.figures),
                tuple(recs.get(row.version, ())),
                row.note,
            )
            for row in issued
        )
    )


def load_studbook(session: Reader) -> Studbook:
    """The whole studbook in memory: every animal, its events, the institutions, the
    programme's settings (:func:`db.settings.load_settings`), the assumption sets
    (:func:`load_assumption_sets`, kept apart from the records), the breeding holds and the
    issued plans (:func:`load_holds`, :func:`load_plan_history`)."""
    return Studbook.build(
        load_records(session),
        load_events(session),
        load_institutions(session),
        load_settings(session),
        load_assumption_sets(session),
        holds=load_holds(session),
        plans=load_plan_history(session),
    )
