"""What the command line and the UI ask of the studbook: lists, one animal, census, statuses.

Every function takes an open :class:`~sqlalchemy.orm.Session` and returns plain frozen
dataclasses (no ORM objects), so results can cross to a UI worker thread and outlive the session.
Filtering and sorting happen in SQL.

Definitions
-----------
*Living* (now): recorded alive, or with no ``alive`` value and no death date
(:attr:`~studbook.records.AnimalRecord.is_living`), and not a hypothetical placeholder.

*Present on a date* (:func:`census` with ``at``), as :mod:`studbook.population` defines the
reference population: born on or before the date, no death on or before it (an estimated date
counts from the first day of its period), not hypothetical, and, for an animal with recorded
stays, inside one of them (so released and lost-to-follow-up animals have left). The institution
is that stay's; animals without events are counted at their recorded ``location``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, false, func, not_, or_, select, true
from sqlalchemy.orm import Session, aliased

from db.convert import partial_date
from db.errors import RecordNotFoundError
from db.models import Animal, Institution, ParentCandidate
from db.repository import load_events, load_records
from studbook.dates import PartialDate
from studbook.events import (
    ARRIVALS,
    EventCode,
    EventRecord,
    Stay,
    event_sort_key,
    location_history,
)
from studbook.institutions import InstitutionRecord
from studbook.parents import ParentKind, ParentSpec, format_parent
from studbook.records import AnimalRecord

__all__ = [
    "AnimalDetail",
    "AnimalRow",
    "Census",
    "CensusLine",
    "InstitutionSummary",
    "Offspring",
    "ParentLink",
    "StatusLists",
    "census",
    "get_animal",
    "list_animals",
    "list_institutions",
    "living_clause",
    "offspring",
    "status_lists",
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
class CensusLine:
    """Animals present at one institution, by sex."""

    institution: str
    name: str
    region: str
    males: int
    females: int
    unknown: int

    @property
    def total(self) -> int:
        return self.males + self.females + self.unknown

    @property
    def sex_ratio(self) -> str:
        """The studbook notation males.females.unknown, e.g. ``1.2.0``."""
        return f"{self.males}.{self.females}.{self.unknown}"


@dataclass(frozen=True)
class Census:
    """A census: who was present on ``date`` (``None`` = living now), per institution."""

    date: dt.date | None
    lines: tuple[CensusLine, ...]
    animals: tuple[str, ...]
    """Studbook ids of the animals counted, in entry order."""

    @property
    def males(self) -> int:
        return sum(line.males for line in self.lines)

    @property
    def females(self) -> int:
        return sum(line.females for line in self.lines)

    @property
    def unknown(self) -> int:
        return sum(line.unknown for line in self.lines)

    @property
    def total(self) -> int:
        return len(self.animals)


@dataclass(frozen=True)
class InstitutionSummary:
    """An institution and how many living animals it holds now."""

    mnemonic: str
    name: str
    country: str
    region: str
    living: int


@dataclass(frozen=True)
class StatusLists:
    """Ids by status, as :func:`studbook.population.reference_population` takes them."""

    released: frozenset[str] = field(default_factory=frozenset)
    lost_to_follow_up: frozenset[str] = field(default_factory=frozenset)
    contracepted: frozenset[str] = field(default_factory=frozenset)
    """Animals whose last contraception event is a start."""


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


def _covers(stay: Stay, at: dt.date) -> bool:
    started = stay.start is None or stay.start.earliest <= at
    ended = stay.end is not None and stay.end.earliest <= at
    return started and not ended


def census(session: Session, at: dt.date | None = None, *, region: str | None = None) -> Census:
    """Animals present per institution: living now (``at`` None) or on the date ``at``.

    ``region`` keeps only institutions of that region. Institutions are listed by region, then
    mnemonic; animals with no known institution are counted under ``""``.
    """
    counts: dict[str, list[int]] = {}
    animals: list[str] = []
    slot = {"M": 0, "F": 1, "U": 2}
    if at is None:
        stmt = (
            select(Animal.studbook_id, Animal.sex, Animal.location_id)
            .where(living_clause())
            .order_by(Animal.entry_order, Animal.studbook_id)
        )
        present = [(i, s, loc or "") for i, s, loc in session.execute(stmt)]
    else:
        present = []
        records = load_records(session)
        history = location_history(load_events(session))
        for record in records:
            if record.hypothetical or record.birth_date is None:
                continue
            if record.birth_date.earliest > at:
                continue
            if record.death_date is not None and record.death_date.earliest <= at:
                continue
            stays = history.get(record.id)
            if stays:
                here = [s for s in stays if _covers(s, at)]
                if not here:
                    continue
                present.append((record.id, record.sex, here[-1].institution))
            else:
                present.append((record.id, record.sex, record.location))
    places = {i.mnemonic: i for i in session.scalars(select(Institution))}
    for animal_id, sex, place in present:
        if region is not None:
            holder = places.get(place)
            if holder is None or holder.region.upper() != region.upper():
                continue
        counts.setdefault(place, [0, 0, 0])[slot.get(sex, 2)] += 1
        animals.append(animal_id)

    def line(mnemonic: str, c: list[int]) -> CensusLine:
        holder = places.get(mnemonic)
        return CensusLine(
            mnemonic,
            holder.name if holder else "",
            holder.region if holder else "",
            c[0],
            c[1],
            c[2],
        )

    lines = sorted(
        (line(m, c) for m, c in counts.items()), key=lambda cl: (cl.region, cl.institution)
    )
    return Census(at, tuple(lines), tuple(animals))


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


def status_lists(session: Session) -> StatusLists:
    """Released, lost-to-follow-up and currently contracepted animals, from their events.

    An animal counts as released or LTF when that is its last exit and no arrival (a capture
    back into captivity, a transfer) follows it.
    """
    released: set[str] = set()
    ltf: set[str] = set()
    contracepted: set[str] = set()
    by_animal: dict[str, list[EventRecord]] = {}
    for event in load_events(session):
        by_animal.setdefault(event.animal_id, []).append(event)
    for animal_id, events in by_animal.items():
        state: EventCode | None = None
        contraception = False
        for event in sorted(events, key=event_sort_key):
            if event.event in (EventCode.RELEASE, EventCode.LTF):
                state = event.event
            elif event.event in ARRIVALS:
                state = None
            elif event.event is EventCode.CONTRACEPTION_START:
                contraception = True
            elif event.event is EventCode.CONTRACEPTION_STOP:
                contraception = False
        if state is EventCode.RELEASE:
            released.add(animal_id)
        elif state is EventCode.LTF:
            ltf.add(animal_id)
        if contraception:
            contracepted.add(animal_id)
    return StatusLists(frozenset(released), frozenset(ltf), frozenset(contracepted))
