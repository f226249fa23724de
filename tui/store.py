"""The app's one door to the database and the genetics engine.

Every method here is blocking and is called from a worker thread, never from the UI thread.
The store holds the engine, a session factory and the latest genetics of the living
population (recomputed after every edit, in a worker). It calls ``db`` for every query and
write and ``studbook`` for every figure; what it adds is the shape the screens draw.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from db.opening import open_studbook
from db.session import make_session_factory
from studbook.events import EXITS, EventCode, EventRecord, event_sort_key, location_history
from studbook.events import Stay as EventStay
from studbook.inbreeding import inbreeding
from studbook.pairing import PairingRow
from studbook.pedigree import Pedigree
from studbook.population import DAYS_PER_YEAR, as_day, reference_population
from studbook.records import AnimalRecord
from studbook.timeseries import AgeSexPyramid, age_sex_pyramid

__all__ = ["Store", "describe_error"]

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[int, int, str], bool]
"""``(done, total, step) -> keep going?``: reports progress, lets the caller stop early."""


def describe_error(error: BaseException) -> str:
    """A message for a person: the studbook's own errors as written, others with their type."""
    from studbook.errors import StudbookError

    if isinstance(error, StudbookError):
        return str(error)
    if isinstance(error, DBAPIError):
        return f"the database refused the request: {error.orig}"
    return f"{type(error).__name__}: {error}"


# --------------------------------------------------------------------------- view models
SORTABLE = ("id", "house_name", "sex", "age", "status", "institution", "region", "f", "mk_rank")
"""Columns of the animals table, in order; each can be sorted on."""


@dataclass(frozen=True)
class AnimalFilter:
    """Which animals the table shows and in what order (applied by the database query)."""

    living_only: bool = True
    sex: str | None = None
    institution: str | None = None
    region: str | None = None
    search: str = ""
    sort: str = "id"
    descending: bool = False


@dataclass(frozen=True, slots=True)
class AnimalRow:
    """One row of the animals table; ``f`` and ``mk_rank`` are ``None`` until genetics are in."""

    id: str
    house_name: str
    sex: str
    age: float | None
    status: str
    institution: str
    region: str
    f: float | None
    mk_rank: int | None


@dataclass(frozen=True)
class FilterChoices:
    """What the filters offer: institutions (mnemonic, name) and regions present."""

    institutions: tuple[tuple[str, str], ...]
    regions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ParentLink:
    """One parent cell of an animal: a known id, or WILD / UNK, or one MULT candidate."""

    role: str
    kind: str
    id: str | None = None
    probability: float = 1.0

    @property
    def label(self) -> str:
        """``123``, ``WILD``, ``UNK`` or ``123 (p=0.50)`` for a MULT candidate."""
        if self.id is None:
            return self.kind.upper() if self.kind != "unknown" else "UNK"
        if self.kind == "mult":
            return f"{self.id} (p={self.probability:.2f})"
        return self.id


@dataclass(frozen=True, slots=True)
class Relative:
    """An animal related to the one shown: ``relation`` is e.g. ``son``, ``half-sister``."""

    id: str
    relation: str
    house_name: str = ""


@dataclass(frozen=True, slots=True)
class Stay:
    """One event of the location history (birth, transfer, release, death...)."""

    date: str
    event: str
    institution: str
    detail: str = ""


@dataclass(frozen=True)
class AnimalGenetics:
    """The genetics of one animal; ``None`` values are not defined for it (e.g. MK if dead)."""

    f: float | None
    mk: float | None
    mk_rank: int | None
    mk_of: int
    known: float | None
    flagged: float | None
    uniqueness: float | None


@dataclass(frozen=True)
class AnimalDetail:
    """Everything the animal screen shows about one animal."""

    id: str
    house_name: str
    sex: str
    birth_date: str
    birth_type: str
    death_date: str
    status: str
    institution: str
    region: str
    flags: tuple[str, ...]
    notes: str
    version: int
    parents: tuple[ParentLink, ...]
    relatives: tuple[Relative, ...]
    history: tuple[Stay, ...]
    genetics: AnimalGenetics | None
    ancestry: dict[str, tuple[ParentLink, ...]]
    """Parent links of the animal and of every ancestor (for the pedigree tree)."""
    names: dict[str, tuple[str, str]]
    """Sex and house name of the animal and its ancestors, for tree labels."""


@dataclass(frozen=True)
class PopulationView:
    """The population screen's numbers: summary figures, founder representation, pyramid."""

    definition: str
    figures: tuple[tuple[str, str], ...]
    founder_labels: tuple[str, ...]
    founder_values: tuple[float, ...]
    pyramid: AgeSexPyramid


@dataclass(frozen=True)
class PairingFilter:
    """Which pairs the pairings table shows."""

    institution: str | None = None
    region: str | None = None
    male: str | None = None
    female: str | None = None
    plan: bool = False
    """Show the optimal breeding plan instead of every ranked pair."""


@dataclass(frozen=True)
class PairingsView:
    """Ranked pairs (or the plan's pairs) after filtering, with what the screen says about them."""

    filter: PairingFilter
    rows: tuple[PairingRow, ...]
    total: int
    description: str
    males: tuple[str, ...]
    females: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReleaseRow:
    """One ranked release candidate."""

    rank: int
    id: str
    sex: str
    age: float | None
    mk: float
    known: float
    flagged: float
    institution: str


@dataclass(frozen=True)
class ReleasesView:
    """The ranked release candidates and how they were chosen."""

    rows: tuple[ReleaseRow, ...]
    description: str


@dataclass(frozen=True)
class ReleaseGroupView:
    """A chosen release group: its own GD and founders, and what the captives lose."""

    ids: tuple[str, ...]
    figures: tuple[tuple[str, str], ...]


# --------------------------------------------------------------------------- the store
class Store:
    """The open database plus the genetics of the living population (see the module docstring).

    Thread-safe: workers may call any method at the same time; the genetics are replaced as a
    whole when a recomputation finishes, so readers always see one consistent snapshot.
    """

    def __init__(self, engine: Engine, description: str, census_date: str | None = None) -> None:
        self.engine = engine
        self.description = description
        self.census_date = census_date
        self.sessions = make_session_factory(engine)
        self._lock = threading.Lock()
        self._generation = 0
        self._snapshot: Snapshot | None = None
        self._mk_ranks: dict[str, int] = {}

    @classmethod
    def open(
        cls, url: str | None, *, census_date: str | None = None, timeout: float = 2.0
    ) -> Store:
        """Open ``url`` (see :func:`db.session.resolve_url`) and check its schema.

        Raises :class:`~db.opening.DatabaseUnavailableError` when the file does not exist, the
        database is locked or unreachable, or its schema is missing, older or newer than this
        program.
        """
        engine = open_studbook(url, timeout=timeout)
        return cls(engine, engine.url.render_as_string(hide_password=True), census_date)

    # ----------------------------------------------------------------- reading
    def snapshot(self) -> Snapshot:
        """The studbook as last read (read now if it has not been, or after an edit)."""
        with self._lock:
            current = self._snapshot
        if current is not None:
            return current
        from db.repository import load_events, load_institutions, load_records

        with self.sessions() as session:
            records = load_records(session)
            events = load_events(session)
            institutions = load_institutions(session)
        pedigree = Pedigree.from_records(records)
        by_animal: dict[str, list[EventRecord]] = {}
        for event in sorted(events, key=event_sort_key):
            by_animal.setdefault(event.animal_id, []).append(event)
        snap = Snapshot(
            records={r.id: r for r in records},
            pedigree=pedigree,
            stays=location_history(events),
            events=by_animal,
            regions={i.mnemonic: i.region for i in institutions},
            institution_names={i.mnemonic: i.name for i in institutions},
            census=as_day(self.census_date),
        )
        with self._lock:
            if self._snapshot is None:
                self._snapshot = snap
            return self._snapshot

    def invalidate(self) -> None:
        """Forget the snapshot (after a write); the next read goes to the database."""
        with self._lock:
            self._snapshot = None

    def animal_index(self) -> list[tuple[str, str]]:
        """(studbook id, house name) of every animal, for the command palette."""
        snap = self.snapshot()
        return [(r.id, r.house_name) for r in snap.records.values()]

    def filter_choices(self) -> FilterChoices:
        """Institutions that hold animals or are registered, and the regions present."""
        snap = self.snapshot()
        used = {r.location for r in snap.records.values() if r.location}
        mnemonics = sorted(used | set(snap.institution_names))
        return FilterChoices(
            tuple((m, snap.institution_names.get(m, "")) for m in mnemonics),
            tuple(sorted({r for r in snap.regions.values() if r})),
        )

    def animals(self, wanted: AnimalFilter) -> list[AnimalRow]:
        """The animals table for ``wanted`` (filtered and sorted)."""
        snap = self.snapshot()
        f = snap.f
        index = snap.pedigree.index
        ranks = self._mk_ranks
        needle = wanted.search.casefold()
        rows = []
        for record in snap.records.values():
            if wanted.living_only and not record.is_living:
                continue
            if record.hypothetical and wanted.living_only:
                continue
            if wanted.sex is not None and record.sex != wanted.sex:
                continue
            if wanted.institution is not None and record.location != wanted.institution:
                continue
            region = snap.regions.get(record.location, "")
            if wanted.region is not None and region != wanted.region:
                continue
            if (
                needle
                and needle not in record.id.casefold()
                and needle not in (record.house_name.casefold())
            ):
                continue
            k = index[record.id]
            rows.append(
                AnimalRow(
                    id=record.id,
                    house_name=record.house_name,
                    sex=record.sex,
                    age=_age(record, snap.census),
                    status=snap.status(record.id),
                    institution=record.location,
                    region=region,
                    f=None if f is None else float(f[k]),
                    mk_rank=ranks.get(record.id),
                )
            )
        rows.sort(key=_SORT_KEYS[wanted.sort], reverse=wanted.descending)
        return rows

    def animal(self, animal_id: str) -> AnimalDetail:
        """Everything about one animal; raises :class:`RecordNotFoundError` for an unknown id."""
        from db.errors import RecordNotFoundError

        snap = self.snapshot()
        record = snap.records.get(animal_id)
        if record is None:
            raise RecordNotFoundError("animal", animal_id)
        ancestry: dict[str, tuple[ParentLink, ...]] = {}
        names: dict[str, tuple[str, str]] = {}
        todo = [animal_id]
        while todo:
            current = todo.pop()
            if current in ancestry:
                continue
            rec = snap.records[current]
            names[current] = (rec.sex, rec.house_name)
            ancestry[current] = _parent_links(rec)
            todo.extend(link.id for link in ancestry[current] if link.id is not None)
        return AnimalDetail(
            id=record.id,
            house_name=record.house_name,
            sex=record.sex,
            birth_date=str(record.birth_date) if record.birth_date else "",
            birth_type=record.birth_type.value,
            death_date=str(record.death_date) if record.death_date else "",
            status=snap.status(animal_id),
            institution=record.location,
            region=snap.regions.get(record.location, ""),
            flags=record.flags,
            notes=record.notes,
            version=self._version(animal_id),
            parents=ancestry[animal_id],
            relatives=_relatives(snap, record),
            history=_history(snap.events.get(animal_id, []), snap.stays.get(animal_id, [])),
            genetics=self._animal_genetics(snap, animal_id),
            ancestry=ancestry,
            names=names,
        )

    def _version(self, animal_id: str) -> int:
        from db.models import Animal

        with self.sessions() as session:
            animal = session.get(Animal, animal_id)
            return 0 if animal is None else animal.version_id

    def _animal_genetics(self, snap: Snapshot, animal_id: str) -> AnimalGenetics | None:
        if snap.f is None:
            return None
        k = snap.pedigree.index[animal_id]
        return AnimalGenetics(
            f=float(snap.f[k]),
            mk=None,
            mk_rank=self._mk_ranks.get(animal_id),
            mk_of=len(self._mk_ranks),
            known=None,
            flagged=None,
            uniqueness=None,
        )

    def population(self) -> PopulationView:
        """Summary figures and the age-sex pyramid of the living population."""
        snap = self.snapshot()
        pop = reference_population(
            snap.pedigree, census_date=snap.census, institution_regions=snap.regions
        )
        members = pop.indices
        sex = snap.pedigree.sex[members]
        figures = [
            ("Census date", str(snap.census)),
            ("N living", str(pop.size)),
            (
                "Males / females / unknown",
                f"{int((sex == 'M').sum())} / {int((sex == 'F').sum())} / "
                f"{int((sex == 'U').sum())}",
            ),
            ("Animals ever recorded", str(len(snap.pedigree))),
        ]
        if snap.f is not None and members.size:
            figures.append(("Mean F (living)", f"{float(snap.f[members].mean()):.4f}"))
        return PopulationView(
            definition=pop.definition,
            figures=tuple(figures),
            founder_labels=(),
            founder_values=(),
            pyramid=age_sex_pyramid(pop, width=2),
        )

    # ----------------------------------------------------------------- genetics
    def compute_genetics(self, progress: Progress) -> int | None:
        """Recompute the figures for the current snapshot; the new generation, or None if
        ``progress`` asked to stop."""
        snap = self.snapshot()
        total = 2
        if not progress(0, total, "inbreeding"):
            return None
        f = inbreeding(snap.pedigree)
        if not progress(1, total, "inbreeding"):
            return None
        with self._lock:
            if self._snapshot is snap:
                self._snapshot = replace(snap, f=f)
            self._generation += 1
            generation = self._generation
        progress(total, total, "done")
        return generation

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


@dataclass(frozen=True)
class EditValues:
    """What an edit form holds: its kind, the animal, the typed fields, the version read."""

    kind: str
    animal_id: str | None
    fields: tuple[tuple[str, str], ...]
    version: int | None = None

    def get(self, name: str) -> str:
        return dict(self.fields).get(name, "").strip()


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The studbook as read in one transaction, with the figures computed from it.

    ``f`` (inbreeding, aligned with ``pedigree.ids``) is ``None`` until the genetics worker has
    computed it for this snapshot.
    """

    records: dict[str, AnimalRecord]
    pedigree: Pedigree
    stays: dict[str, list[EventStay]]
    events: dict[str, list[EventRecord]]
    regions: dict[str, str]
    institution_names: dict[str, str]
    census: np.datetime64
    f: FloatArray | None = None

    def status(self, animal_id: str) -> str:
        """living, dead, released or LTF (the last exit event wins over 'dead' only if later)."""
        exits = [e.event for e in self.events.get(animal_id, ()) if e.event in EXITS]
        if exits and exits[-1] is EventCode.RELEASE:
            return "released"
        if exits and exits[-1] is EventCode.LTF:
            return "LTF"
        return "living" if self.records[animal_id].is_living else "dead"


def _age(record: AnimalRecord, census: np.datetime64) -> float | None:
    if record.birth_date is None:
        return None
    end = record.death_date.value if record.death_date is not None else census.astype(object)
    return (end - record.birth_date.value).days / DAYS_PER_YEAR


_SORT_KEYS = {
    "id": lambda r: (0, studbook_sort_key(r.id)),
    "house_name": lambda r: (r.house_name == "", r.house_name.casefold()),
    "sex": lambda r: r.sex,
    "age": lambda r: (r.age is None, r.age or 0.0),
    "status": lambda r: r.status,
    "institution": lambda r: (r.institution == "", r.institution),
    "region": lambda r: (r.region == "", r.region),
    "f": lambda r: (r.f is None, r.f or 0.0),
    "mk_rank": lambda r: (r.mk_rank is None, r.mk_rank or 0),
}


def studbook_sort_key(animal_id: str) -> tuple[int, int, str]:
    """Numeric ids by value first, then other ids as text (so 9 sorts before 10)."""
    return (0, int(animal_id), "") if animal_id.isdigit() else (1, 0, animal_id)


def _parent_links(record: AnimalRecord) -> tuple[ParentLink, ...]:
    links = []
    for role in ("sire", "dam"):
        spec = getattr(record, role)
        kind = spec.kind.value
        if spec.kind.value == "mult":
            links += [ParentLink(role, kind, cid, p) for cid, p in spec.candidates]
        elif spec.ids:
            links.append(ParentLink(role, kind, spec.ids[0]))
        else:
            links.append(ParentLink(role, kind))
    return tuple(links)


_WORDS = {
    ("offspring", "M"): "son", ("offspring", "F"): "daughter", ("offspring", "U"): "offspring",
    ("full", "M"): "brother", ("full", "F"): "sister", ("full", "U"): "sibling",
    ("half", "M"): "half-brother", ("half", "F"): "half-sister", ("half", "U"): "half-sibling",
}  # fmt: skip


def _relatives(snap: Snapshot, record: AnimalRecord) -> tuple[Relative, ...]:
    """Parents, offspring, full and half siblings (MULT candidates count as possible parents)."""

    def parents_of(rec: AnimalRecord) -> tuple[set[str], set[str]]:
        return set(rec.sire.ids), set(rec.dam.ids)

    sires, dams = parents_of(record)
    out = [
        Relative(
            link.id,
            f"{link.role}" + (f" p={link.probability:.2f}" if link.kind == "mult" else ""),
            snap.records[link.id].house_name,
        )
        for link in _parent_links(record)
        if link.id is not None
    ]
    offspring, siblings = [], []
    for other in snap.records.values():
        if other.id == record.id:
            continue
        o_sires, o_dams = parents_of(other)
        if record.id in o_sires or record.id in o_dams:
            offspring.append(Relative(other.id, _WORDS["offspring", other.sex], other.house_name))
            continue
        same_sire = bool(sires & o_sires)
        same_dam = bool(dams & o_dams)
        if same_sire and same_dam:
            siblings.append(Relative(other.id, _WORDS["full", other.sex], other.house_name))
        elif same_sire or same_dam:
            siblings.append(Relative(other.id, _WORDS["half", other.sex], other.house_name))
    return tuple(out + offspring + siblings)


def _history(events: list[EventRecord], stays: list[EventStay]) -> tuple[Stay, ...]:
    """The animal's events in time order, each with where it happened."""
    out = []
    for event in events:
        what = event.event.value.replace("_", " ") if event.event else "?"
        detail = ", ".join(
            x
            for x in (
                f"local id {event.local_id}" if event.local_id else "",
                event.cause,
                event.notes,
            )
            if x
        )
        out.append(Stay(str(event.date) if event.date else "", what, event.institution, detail))
    if not out:
        out = [Stay(str(s.start) if s.start else "", "at", s.institution) for s in stays]
    return tuple(out)
