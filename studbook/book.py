"""The whole studbook in memory: animals, their events and the institutions, with the questions
a keeper asks of them (status, relatives, where an animal was on a date, the animals list, the
census). Status, age, location and id order follow the rules of :mod:`studbook.status`.

The database layer loads a :class:`Studbook` (``db.repository.load_studbook``); the command line
and the terminal UI answer from it, so both show the same status, relatives and census.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from studbook.dates import PartialDate
from studbook.errors import UnknownAnimalError
from studbook.events import EventCode, EventRecord, Stay, event_sort_key, location_history
from studbook.institutions import InstitutionRecord
from studbook.parents import ParentKind
from studbook.recommendations import BreedingHold, PlanHistory
from studbook.records import AnimalRecord
from studbook.settings import ProgrammeSettings
from studbook.status import (
    Status,
    age_years,
    found_by,
    is_living,
    local_id_on,
    location_on,
    status_on,
)

if TYPE_CHECKING:
    from studbook.assumptions import AssumptionSet
    from studbook.pedigree import Pedigree

__all__ = ["Census", "CensusRow", "Listing", "Relative", "Studbook"]

_WORDS = {
    ("offspring", "M"): "son", ("offspring", "F"): "daughter", ("offspring", "U"): "offspring",
    ("full", "M"): "brother", ("full", "F"): "sister", ("full", "U"): "full sibling",
    ("half", "M"): "half-brother", ("half", "F"): "half-sister", ("half", "U"): "half-sibling",
    ("sib", "M"): "brother", ("sib", "F"): "sister", ("sib", "U"): "sibling",
}  # fmt: skip


@dataclass(frozen=True)
class Relative:
    """A relative of an animal: ``relation`` is sire, dam, son, daughter, sister, half-brother...

    ``probability`` is below 1 for a possible (MULT) parent, and for siblings and offspring
    related through one.
    """

    id: str
    relation: str
    sex: str
    house_name: str
    probability: float = 1.0


@dataclass(frozen=True)
class Listing:
    """One animal of a list (:meth:`Studbook.animals`): its record and, on the list's date, its
    status, age in years (None if unknown), institution and that institution's region."""

    record: AnimalRecord
    status: Status
    age: float | None
    institution: str
    region: str


@dataclass(frozen=True)
class CensusRow:
    """Living animals at one institution on the census date, by sex."""

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
    def label(self) -> str:
        """PMx-style ``males.females.unknown`` count, e.g. ``2.1.0``."""
        return f"{self.males}.{self.females}.{self.unknown}"


@dataclass(frozen=True)
class Census:
    """The living population on ``date``: one row per institution, and the animals counted."""

    date: date
    rows: tuple[CensusRow, ...]
    animal_ids: tuple[str, ...]

    @property
    def totals(self) -> tuple[int, int, int]:
        """(males, females, unknown) over all institutions."""
        return (
            sum(r.males for r in self.rows),
            sum(r.females for r in self.rows),
            sum(r.unknown for r in self.rows),
        )


@dataclass(frozen=True, eq=False)
class Studbook:
    """Animals (in entry order), each animal's events (in time order), the institutions, the
    programme's settings (species profile, caps, limits; :mod:`studbook.settings`) and the
    named pedigree assumption sets kept apart from the record (:mod:`studbook.assumptions`)."""

    records: Mapping[str, AnimalRecord]
    events: Mapping[str, tuple[EventRecord, ...]]
    institutions: Mapping[str, InstitutionRecord]
    settings: ProgrammeSettings = field(default_factory=ProgrammeSettings)
    assumption_sets: Mapping[str, AssumptionSet] = field(default_factory=dict)
    holds: tuple[BreedingHold, ...] = ()
    """Animals marked not to breed (:mod:`studbook.recommendations`)."""
    plans: PlanHistory = field(default_factory=PlanHistory)
    """The breeding plans issued so far and their outcomes."""

    @classmethod
    def build(
        cls,
        records: Iterable[AnimalRecord],
        events: Iterable[EventRecord] = (),
        institutions: Iterable[InstitutionRecord] = (),
        settings: ProgrammeSettings | None = None,
        assumption_sets: Iterable[AssumptionSet] = (),
        holds: Iterable[BreedingHold] = (),
        plans: PlanHistory | None = None,
    ) -> Studbook:
        grouped: dict[str, list[EventRecord]] = {}
        for event in events:
            grouped.setdefault(event.animal_id, []).append(event)
        return cls(
            records={r.id: r for r in records},
            events={k: tuple(sorted(v, key=event_sort_key)) for k, v in grouped.items()},
            institutions={i.mnemonic: i for i in institutions},
            settings=settings or ProgrammeSettings(),
            assumption_sets={a.name: a for a in assumption_sets},
            holds=tuple(holds),
            plans=plans or PlanHistory(),
        )

    def __len__(self) -> int:
        return len(self.records)

    @cached_property
    def pedigree(self) -> Pedigree:
        """The genetics engine's view of the animals (numpy arrays: loaded when first asked)."""
        from studbook.pedigree import Pedigree

        return Pedigree.from_records(list(self.records.values()))

    @cached_property
    def stays(self) -> dict[str, list[Stay]]:
        """Each animal's stays at institutions, from its events."""
        return location_history(e for es in self.events.values() for e in es)

    @cached_property
    def children(self) -> dict[str, list[tuple[str, float]]]:
        """Parent id -> (child id, probability of parentage), MULT candidates included."""
        out: dict[str, list[tuple[str, float]]] = {}
        for record in self.records.values():
            for spec in (record.sire, record.dam):
                for parent, p in spec.candidates:
                    out.setdefault(parent, []).append((record.id, p))
        return out

    def record(self, animal_id: str) -> AnimalRecord:
        """The record of ``animal_id``; raises :class:`UnknownAnimalError` if there is none."""
        try:
            return self.records[animal_id]
        except KeyError:
            raise UnknownAnimalError([animal_id]) from None

    def region_of(self, mnemonic: str) -> str:
        """The region (association) of an institution, '' when not known."""
        institution = self.institutions.get(mnemonic)
        return institution.region if institution else ""

    @cached_property
    def institution_regions(self) -> dict[str, str]:
        """Institution mnemonic -> region, for population restrictions."""
        return {m: i.region for m, i in self.institutions.items()}

    def status(self, animal_id: str, on: date | None = None) -> Status:
        """``living``, ``dead``, ``released``, ``LTF`` (or ``unborn``) on ``on`` (default: now),
        by :func:`studbook.status.status_on`; raises :class:`UnknownAnimalError` for an unknown
        id."""
        return status_on(self.record(animal_id), self.events.get(animal_id, ()), on)

    def is_living(self, animal_id: str, on: date | None = None) -> bool:
        """Living on ``on`` (default: now) by :func:`studbook.status.is_living`."""
        return is_living(self.record(animal_id), self.events.get(animal_id, ()), on)

    def living_ids(self, on: date | None = None) -> list[str]:
        """Every animal living on ``on`` (default: now), in entry order."""
        return [a for a in self.records if self.is_living(a, on)]

    def ids_with_status(self, status: Status, on: date | None = None) -> list[str]:
        """Every animal whose :meth:`status` on ``on`` (default: now) is ``status``."""
        return [a for a in self.records if self.status(a, on) == status]

    def age(self, animal_id: str, on: date | None = None) -> float | None:
        """Age in years on ``on`` (default: today) by :func:`studbook.status.age_years`."""
        record = self.record(animal_id)
        return age_years(record.birth_date, on or date.today(), record.death_date)

    def contracepted(self, on: date | None = None) -> set[str]:
        """Animals whose last contraception event on or before ``on`` (default: ever) is a
        start."""
        return set(self.contraception_since(on))

    def contraception_since(self, on: date | None = None) -> dict[str, PartialDate | None]:
        """The animals :meth:`contracepted` on ``on`` (default: ever), each with the date of the
        start in force (``None`` when that event is undated)."""
        out: dict[str, PartialDate | None] = {}
        for animal_id, events in self.events.items():
            last = None
            for e in events:
                if e.event in (EventCode.CONTRACEPTION_START, EventCode.CONTRACEPTION_STOP) and (
                    on is None or e.date is None or e.date.earliest <= on
                ):
                    last = e
            if last is not None and last.event is EventCode.CONTRACEPTION_START:
                out[animal_id] = last.date
        return out

    def relatives(self, animal_id: str) -> tuple[Relative, ...]:
        """Parents, offspring, then full and half siblings (through possible parents too)."""
        record = self.record(animal_id)
        out: list[Relative] = []
        for role, spec in (("sire", record.sire), ("dam", record.dam)):
            for parent, p in spec.candidates:
                label = role if spec.kind is not ParentKind.MULT else f"possible {role}"
                other = self.records[parent]
                out.append(Relative(parent, label, other.sex, other.house_name, p))
        for child, p in self.children.get(animal_id, ()):
            other = self.records[child]
            relation = _WORDS["offspring", other.sex]
            out.append(Relative(child, relation, other.sex, other.house_name, p))
        # Per sibling, the chance of sharing each of this animal's parents: a sibling that
        # surely shares the dam but only possibly the sire (MULT) gets both links shown.
        shared: dict[str, dict[str, float]] = {}
        for role, spec in (("sire", record.sire), ("dam", record.dam)):
            for parent, p_mine in spec.candidates:
                for sibling, p_theirs in self.children.get(parent, ()):
                    if sibling != animal_id:
                        by_role = shared.setdefault(sibling, {})
                        by_role[role] = by_role.get(role, 0.0) + p_mine * p_theirs
        for sibling, by_role in shared.items():
            other = self.records[sibling]
            if len(by_role) == 2 and min(by_role.values()) >= 1.0:
                out.append(Relative(sibling, _WORDS["full", other.sex], other.sex,
                                    other.house_name))  # fmt: skip
                continue
            for role, probability in by_role.items():
                # Both parents possibly shared: full or half, so name the parent each link is.
                relation = (
                    f"{_WORDS['sib', other.sex]} (same {role})"
                    if len(by_role) == 2
                    else _WORDS["half", other.sex]
                )
                out.append(Relative(sibling, relation, other.sex, other.house_name, probability))
        return tuple(out)

    def location_on(self, animal_id: str, on: date | None = None) -> str:
        """The institution holding the animal on ``on`` (default: now), by
        :func:`studbook.status.location_on`."""
        return location_on(self.record(animal_id), self.stays.get(animal_id, ()), on)

    def local_id_on(self, animal_id: str, on: date | None = None) -> str:
        """The animal's local id at the institution holding it on ``on`` (default: now), by
        :func:`studbook.status.local_id_on`; ``''`` when not recorded."""
        return local_id_on(self.record(animal_id), self.stays.get(animal_id, ()), on)

    def ancestors(self, animal_id: str) -> list[str]:
        """The animal and every ancestor (possible MULT parents too), each once, the animal
        first."""
        seen = [animal_id]
        todo = [animal_id]
        while todo:
            record = self.record(todo.pop())
            for spec in (record.sire, record.dam):
                for parent in spec.ids:
                    if parent not in seen:
                        seen.append(parent)
                        todo.append(parent)
        return seen

    def animals(
        self,
        *,
        living: bool | None = None,
        institution: str | None = None,
        region: str | None = None,
        sex: str | None = None,
        search: str | None = None,
        on: date | None = None,
    ) -> list[Listing]:
        """The animals list of every front end, in entry order, as on ``on`` (default: now).

        ``living``: True for the animals :meth:`is_living`, False for the others.
        ``institution``, ``region`` (any case): where the animal was on ``on``
        (:meth:`location_on`). ``sex``: ``M``, ``F`` or ``U``. ``search``: part of the id or
        house name, any case. Ages are on ``on`` (default: today).
        """
        wanted_region = region.upper() if region is not None else None
        out = []
        for animal_id, record in self.records.items():
            if living is not None and self.is_living(animal_id, on) != living:
                continue
            if sex is not None and record.sex != sex.upper():
                continue
            if search and not found_by(search, animal_id, record.house_name):
                continue
            where = self.location_on(animal_id, on)
            if institution is not None and where != institution:
                continue
            area = self.region_of(where)
            if wanted_region is not None and area.upper() != wanted_region:
                continue
            out.append(
                Listing(record, self.status(animal_id, on), self.age(animal_id, on), where, area)
            )
        return out

    def census(self, on: date | None = None) -> Census:
        """Living animals (:meth:`living_ids`) by institution and sex on ``on`` (default: now)."""
        ids = self.living_ids(on)
        counts: dict[str, list[int]] = {}
        for animal_id in ids:
            where = self.location_on(animal_id, on)
            slot = "MFU".index(self.records[animal_id].sex)
            counts.setdefault(where, [0, 0, 0])[slot] += 1
        rows = []
        for mnemonic in sorted(counts, key=lambda m: (self.region_of(m), m)):
            institution = self.institutions.get(mnemonic)
            males, females, unknown = counts[mnemonic]
            rows.append(
                CensusRow(
                    mnemonic,
                    institution.name if institution else "",
                    self.region_of(mnemonic),
                    males,
                    females,
                    unknown,
                )
            )
        return Census(on or date.today(), tuple(rows), tuple(ids))
