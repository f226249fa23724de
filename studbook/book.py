"""The whole studbook in memory: animals, their events and the institutions, with the questions
a keeper asks of them (status, relatives, where an animal was on a date, the census).

The database layer loads a :class:`Studbook` (``db.repository.load_studbook``); the command line
and the terminal UI answer from it, so both show the same status, relatives and census.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from studbook.errors import UnknownAnimalError
from studbook.events import EXITS, EventCode, EventRecord, Stay, event_sort_key, location_history
from studbook.institutions import InstitutionRecord
from studbook.parents import ParentKind
from studbook.pedigree import Pedigree
from studbook.records import AnimalRecord
from studbook.settings import ProgrammeSettings

__all__ = ["STATUSES", "Census", "CensusRow", "Relative", "Studbook"]

STATUSES = ("living", "dead", "released", "LTF")
"""An animal's status: living, dead, released to the wild, or lost to follow-up."""

_WORDS = {
    ("offspring", "M"): "son", ("offspring", "F"): "daughter", ("offspring", "U"): "offspring",
    ("full", "M"): "brother", ("full", "F"): "sister", ("full", "U"): "full sibling",
    ("half", "M"): "half-brother", ("half", "F"): "half-sister", ("half", "U"): "half-sibling",
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
    """Animals (in entry order), each animal's events (in time order), the institutions and the
    programme's settings (species profile, caps, limits; :mod:`studbook.settings`)."""

    records: Mapping[str, AnimalRecord]
    events: Mapping[str, tuple[EventRecord, ...]]
    institutions: Mapping[str, InstitutionRecord]
    settings: ProgrammeSettings = field(default_factory=ProgrammeSettings)

    @classmethod
    def build(
        cls,
        records: Iterable[AnimalRecord],
        events: Iterable[EventRecord] = (),
        institutions: Iterable[InstitutionRecord] = (),
        settings: ProgrammeSettings | None = None,
    ) -> Studbook:
        grouped: dict[str, list[EventRecord]] = {}
        for event in events:
            grouped.setdefault(event.animal_id, []).append(event)
        return cls(
            records={r.id: r for r in records},
            events={k: tuple(sorted(v, key=event_sort_key)) for k, v in grouped.items()},
            institutions={i.mnemonic: i for i in institutions},
            settings=settings or ProgrammeSettings(),
        )

    def __len__(self) -> int:
        return len(self.records)

    @cached_property
    def pedigree(self) -> Pedigree:
        """The genetics engine's view of the animals."""
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

    def _last_exit(self, animal_id: str, on: date | None = None) -> EventRecord | None:
        exits = [
            e
            for e in self.events.get(animal_id, ())
            if e.event in EXITS and (on is None or e.date is None or e.date.latest <= on)
        ]
        return exits[-1] if exits else None

    def status(self, animal_id: str) -> str:
        """``living``, ``dead``, ``released`` or ``LTF``: the last exit event decides, else
        the record (alive unless a death date is known)."""
        record = self.record(animal_id)
        last = self._last_exit(animal_id)
        if last is not None and last.event is EventCode.RELEASE:
            return "released"
        if last is not None and last.event is EventCode.LTF:
            return "LTF"
        return "living" if record.is_living else "dead"

    def ids_with_status(self, status: str) -> list[str]:
        """Every animal whose :meth:`status` is ``status``."""
        return [a for a in self.records if self.status(a) == status]

    def contracepted(self, on: date | None = None) -> set[str]:
        """Animals whose last contraception event on or before ``on`` (default: ever) is a
        start."""
        out = set()
        for animal_id, events in self.events.items():
            state = None
            for e in events:
                if e.event in (EventCode.CONTRACEPTION_START, EventCode.CONTRACEPTION_STOP) and (
                    on is None or e.date is None or e.date.earliest <= on
                ):
                    state = e.event
            if state is EventCode.CONTRACEPTION_START:
                out.add(animal_id)
        return out

    def relatives(self, animal_id: str) -> tuple[Relative, ...]:
        """Parents, offspring, then full and half siblings (through possible parents too)."""
        record = self.record(animal_id)
        out: list[Relative] = []
        parents: dict[str, float] = {}
        for role, spec in (("sire", record.sire), ("dam", record.dam)):
            for parent, p in spec.candidates:
                label = role if spec.kind is not ParentKind.MULT else f"possible {role}"
                other = self.records[parent]
                out.append(Relative(parent, label, other.sex, other.house_name, p))
                parents[parent] = p
        for child, p in self.children.get(animal_id, ()):
            other = self.records[child]
            relation = _WORDS["offspring", other.sex]
            out.append(Relative(child, relation, other.sex, other.house_name, p))
        shared: dict[str, list[float]] = {}
        for parent, p_mine in parents.items():
            for sibling, p_theirs in self.children.get(parent, ()):
                if sibling != animal_id:
                    shared.setdefault(sibling, []).append(p_mine * p_theirs)
        for sibling, chances in shared.items():
            other = self.records[sibling]
            kind = "full" if len(chances) >= 2 else "half"
            probability = min(chances) if kind == "full" else chances[0]
            relation = _WORDS[kind, other.sex]
            out.append(Relative(sibling, relation, other.sex, other.house_name, probability))
        return tuple(out)

    def alive_on(self, animal_id: str, on: date) -> bool:
        """Whether the animal was in the managed population on ``on``.

        Born by then (unknown birth dates count as born), not dead by then (an estimated death
        date counts from the start of its period), and not released or lost to follow-up by
        then; an animal that left later (released, lost) was still there. An animal recorded
        dead without a death date or a dated exit is not counted on any date.
        """
        record = self.record(animal_id)
        if record.birth_date is not None and record.birth_date.earliest > on:
            return False
        if record.death_date is not None:
            return record.death_date.earliest > on and self._last_exit(animal_id, on) is None
        if self._last_exit(animal_id, on) is not None:
            return False
        return record.is_living or self._last_exit(animal_id) is not None

    def location_on(self, animal_id: str, on: date | None = None) -> str:
        """The institution holding the animal on ``on`` (default: now): the stay covering that
        date, else the record's current location."""
        record = self.record(animal_id)
        if on is not None:
            for stay in reversed(self.stays.get(animal_id, ())):
                started = stay.start is None or stay.start.earliest <= on
                open_then = stay.end is None or stay.end.earliest > on
                if started and open_then:
                    return stay.institution
        return record.location

    def census(self, on: date | None = None) -> Census:
        """Living animals by institution and sex on ``on`` (default: the current records)."""
        if on is None:
            ids: Sequence[str] = [
                a
                for a, r in self.records.items()
                if not r.hypothetical and self.status(a) == "living"
            ]
        else:
            ids = [
                a for a, r in self.records.items() if not r.hypothetical and self.alive_on(a, on)
            ]
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
