"""What the command line and the UI ask of the database: animal lists, one animal, institutions.

Every function takes an open :class:`~sqlalchemy.orm.Session` and returns plain frozen
dataclasses (no ORM objects), so results can cross to a UI worker thread and outlive the session.
Filtering and sorting happen in SQL.

Definitions
-----------
*Living* (now): recorded alive, or with no ``alive`` value and no death date
(:attr:`~studbook.records.AnimalRecord.is_living`), and not a hypothetical placeholder.

Census and statuses (released, lost to follow-up, contracepted) come from the whole studbook
in memory: :func:`db.repository.load_studbook` and :class:`studbook.book.Studbook`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, func, not_, or_, select, true
from sqlalchemy.orm import Session, aliased

from db.convert import partial_date
from db.errors import RecordNotFoundError
from db.models import Animal, Institution, ParentCandidate
from db.repository import load_events, load_records
from studbook.dates import PartialDate
from studbook.events import (
    EventRecord,
    Stay,
    location_history,
)
from studbook.institutions import InstitutionRecord
from studbook.parents import ParentKind, ParentSpec, format_parent
from studbook.records import AnimalRecord

__all__ = [
    "AnimalDetail",
    "AnimalRow",
    "InstitutionSummary",
    "Offspring",
    "ParentLink",
    "get_animal",
    "list_animals",
    "list_institutions",
    "living_clause",
    "offspring",
]


@dataclass(frozen=True)
class AnimalRow:
    """One line of an animal list."""

    studbook_id: str
    sex: str
    birth_date: PartialDate | None
    death_date: PartialDate | None
    living: bool
    location: str
    region: str
    house_name: str
    sire: str
    """The sire cell as the CSV format writes it (``UNK``, ``WILD``, an id, ``A:0.5|B:0.5``)."""
    dam: str
    hypothetical: bool


@dataclass(frozen=True)
class ParentLink:
    """A parent (or MULT candidate) of an animal, with what the list view shows about it."""

    studbook_id: str
    probability: float
    sex: str
    house_name: str


@dataclass(frozen=True)
class Offspring:
    """A child of an animal: ``role`` is the animal's role (sire or dam) for that child."""

    studbook_id: str
    role: str
    probability: float
    sex: str
    birth_date: PartialDate | None
    living: bool


@dataclass(frozen=True)
class AnimalDetail:
    """Everything the animal screen and ``studbook animal ID`` show.

    ``version_id`` is the record's version: pass it back to :mod:`db.editing` so that an edit
    made from a stale screen is refused instead of overwriting someone else's change.
    """

    record: AnimalRecord
    version_id: int
    sire: tuple[ParentLink, ...]
    dam: tuple[ParentLink, ...]
    offspring: tuple[Offspring, ...]
    events: tuple[EventRecord, ...]
    stays: tuple[Stay, ...]
    institution: InstitutionRecord | None


@dataclass(frozen=True)
class InstitutionSummary:
    """An institution and how many living animals it holds now."""

    mnemonic: str
    name: str
    country: str
    region: str
    living: int


def living_clause() -> ColumnElement[bool]:
    """SQL condition for *living* (module docstring) on :class:`~db.models.Animal`."""
    return and_(
        or_(Animal.alive.is_(true()), and_(Animal.alive.is_(None), Animal.death_date.is_(None))),
        Animal.hypothetical.is_(false()),
    )


def _parent_cell(kind: str, known: str | None, cell: dict[str, str], animal_id: str) -> str:
    if kind == ParentKind.KNOWN.value:
        return known or ""
    if kind == ParentKind.MULT.value:
        return cell.get(animal_id, "MULT")
    return "WILD" if kind == ParentKind.WILD.value else "UNK"


def _mult_cells(session: Session, ids: Sequence[str]) -> dict[str, dict[str, str]]:
    cells: dict[str, dict[str, str]] = {"sire": {}, "dam": {}}
    if not ids:
        return cells
    rows = session.execute(
        select(ParentCandidate.child_id, ParentCandidate.role, ParentCandidate.parent_id)
        .add_columns(ParentCandidate.probability)
        .where(ParentCandidate.child_id.in_(ids))
        .order_by(ParentCandidate.child_id, ParentCandidate.role, ParentCandidate.position)
    ).all()
    grouped: dict[tuple[str, str], list[tuple[str, float]]] = {}
    for child, role, parent, p in rows:
        grouped.setdefault((child, role), []).append((parent, p))
    for (child, role), candidates in grouped.items():
        cells[role][child] = format_parent(ParentSpec(ParentKind.MULT, tuple(candidates)))
    return cells


def list_animals(
    session: Session,
    *,
    living: bool | None = None,
    institution: str | None = None,
    region: str | None = None,
    sex: str | None = None,
    search: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[AnimalRow]:
    """Animals in entry order, filtered in SQL.

    Parameters
    ----------
    living : True for the living (see the module docstring), False for the others.
    institution : current location mnemonic.
    region : region of the current location (EAZA, AZA, ...).
    sex : ``M``, ``F`` or ``U``.
    search : part of the studbook id or house name (case-insensitive).
    limit, offset : a page of the list.
    """
    alive = living_clause()
    stmt = (
        select(Animal, alive.label("living"), Institution.region)
        .outerjoin(Institution, Institution.mnemonic == Animal.location_id)
        .order_by(Animal.entry_order, Animal.studbook_id)
    )
    if living is not None:
        stmt = stmt.where(alive if living else not_(alive))
    if institution is not None:
        stmt = stmt.where(Animal.location_id == institution)
    if region is not None:
        stmt = stmt.where(func.upper(Institution.region) == region.upper())
    if sex is not None:
        stmt = stmt.where(Animal.sex == sex.upper())
    if search:
        pattern = f"%{search.lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(Animal.studbook_id).like(pattern),
                func.lower(Animal.house_name).like(pattern),
            )
        )
    if offset:
        stmt = stmt.offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = session.execute(stmt).all()
    mult = [a.studbook_id for a, _, _ in rows if "mult" in (a.sire_kind, a.dam_kind)]
    cells = _mult_cells(session, mult)
    return [
        AnimalRow(
            studbook_id=a.studbook_id,
            sex=a.sex,
            birth_date=partial_date(a.birth_date, a.birth_precision),
            death_date=partial_date(a.death_date, a.death_precision),
            living=bool(is_living),
            location=a.location_id or "",
            region=region_name or "",
            house_name=a.house_name,
            sire=_parent_cell(a.sire_kind, a.sire_id, cells["sire"], a.studbook_id),
            dam=_parent_cell(a.dam_kind, a.dam_id, cells["dam"], a.studbook_id),
            hypothetical=a.hypothetical,
        )
        for a, is_living, region_name in rows
    ]


def _links(session: Session, record: AnimalRecord, role: str) -> tuple[ParentLink, ...]:
    spec = getattr(record, role)
    if not spec.candidates:
        return ()
    found = {
        a.studbook_id: a
        for a in session.scalars(select(Animal).where(Animal.studbook_id.in_(spec.ids)))
    }
    return tuple(
        ParentLink(pid, p, found[pid].sex, found[pid].house_name)
        for pid, p in spec.candidates
        if pid in found
    )


def offspring(session: Session, studbook_id: str) -> list[Offspring]:
    """Every child of an animal, known or as a MULT candidate, in entry order."""
    child = aliased(Animal)
    alive = living_clause()
    found: list[tuple[int, Offspring]] = []
    for role, column in (("sire", Animal.sire_id), ("dam", Animal.dam_id)):
        stmt = select(Animal, alive.label("living")).where(column == studbook_id)
        for a, is_living in session.execute(stmt):
            found.append(
                (
                    a.entry_order,
                    Offspring(
                        a.studbook_id,
                        role,
                        1.0,
                        a.sex,
                        partial_date(a.birth_date, a.birth_precision),
                        bool(is_living),
                    ),
                )
            )
    child_alive = and_(
        or_(child.alive.is_(true()), and_(child.alive.is_(None), child.death_date.is_(None))),
        child.hypothetical.is_(false()),
    )
    stmt_mult = (
        select(child, ParentCandidate.role, ParentCandidate.probability, child_alive)
        .join(ParentCandidate, ParentCandidate.child_id == child.studbook_id)
        .where(ParentCandidate.parent_id == studbook_id)
    )
    for a, role, p, is_living in session.execute(stmt_mult):
        found.append(
            (
                a.entry_order,
                Offspring(
                    a.studbook_id,
                    role,
                    p,
                    a.sex,
                    partial_date(a.birth_date, a.birth_precision),
                    bool(is_living),
                ),
            )
        )
    found.sort(key=lambda item: (item[0], item[1].studbook_id))
    return [o for _, o in found]


def get_animal(session: Session, studbook_id: str) -> AnimalDetail:
    """One animal with parents, offspring, events and stays.

    Raises :class:`~db.errors.RecordNotFoundError` when the id is not in the studbook.
    """
    records = load_records(session, [studbook_id])
    if not records:
        raise RecordNotFoundError("animal", studbook_id)
    record = records[0]
    version = session.scalar(select(Animal.version_id).where(Animal.studbook_id == studbook_id))
    events = load_events(session, [studbook_id])
    stays = location_history(events).get(studbook_id, [])
    place = session.get(Institution, record.location) if record.location else None
    return AnimalDetail(
        record=record,
        version_id=version or 0,
        sire=_links(session, record, "sire"),
        dam=_links(session, record, "dam"),
        offspring=tuple(offspring(session, studbook_id)),
        events=tuple(events),
        stays=tuple(stays),
        institution=InstitutionRecord(place.mnemonic, place.name, place.country, place.region)
        if place is not None
        else None,
    )


def list_institutions(session: Session, *, region: str | None = None) -> list[InstitutionSummary]:
    """Institutions by mnemonic, with the number of living animals at each."""
    living = (
        select(Animal.location_id, func.count().label("n"))
        .where(living_clause())
        .group_by(Animal.location_id)
        .subquery()
    )
    stmt = (
        select(Institution, func.coalesce(living.c.n, 0))
        .outerjoin(living, living.c.location_id == Institution.mnemonic)
        .order_by(Institution.mnemonic)
    )
    if region is not None:
        stmt = stmt.where(func.upper(Institution.region) == region.upper())
    return [
        InstitutionSummary(i.mnemonic, i.name, i.country, i.region, int(n))
        for i, n in session.execute(stmt)
    ]
