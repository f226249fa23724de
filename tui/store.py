"""The app's one door to the database and the genetics engine.

Every method here is blocking and is called from a worker thread, never from the UI thread.
The store reads one :class:`~studbook.book.Studbook` per snapshot of the database (status,
relatives, history, the animals list and census come from it), writes
through :mod:`db.editing`, and asks the genetics process (:mod:`tui.engine`) for every figure
of :class:`~studbook.analysis.Analysis` and the gene drop. What it adds is the shape the
screens draw.
"""

from __future__ import annotations

import dataclasses
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from db.errors import EditConflictError, InvalidEditError, RecordNotFoundError
from db.opening import open_studbook
from db.session import make_session_factory, session_scope
from studbook.assumptions import AssumptionSet, pedigree_label
from studbook.atomic import write_text_atomically
from studbook.book import Relative, Studbook
from studbook.dates import PartialDate, parse_partial_date
from studbook.errors import Problem
from studbook.events import EventRecord
from studbook.events import Stay as EventStay
from studbook.parents import ParentKind, ParentSpec, format_parent, parse_parent
from studbook.plan_draft import DraftEdit, MateCandidate
from studbook.present import PROBABILITY
from studbook.records import AnimalRecord, parse_birth_type, parse_sex
from studbook.status import studbook_sort_key
from studbook.timeseries import GeneDiversitySeries
from tui import engine, engine_explorer
from tui.engine import (
    DemographyView,
    GeneticsCore,
    Job,
    PairingFilter,
    PairingsView,
    PlanControls,
    PlanView,
    PopulationView,
    ReleaseGroupView,
    ReleasesView,
)
from tui.engine_explorer import FamilyView
from tui.folders import export_folder

__all__ = [
    "AnimalFilter",
    "AnimalRow",
    "DemographyView",
    "PairingFilter",
    "PairingsView",
    "PlanControls",
    "PlanView",
    "PopulationView",
    "ReleaseGroupView",
    "ReleasesView",
    "Store",
    "describe_error",
]

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
SORTABLE = (
    "id", "house_name", "sex", "age", "status", "institution", "region",
    "f", "mk", "mk_rank", "known", "offspring",
)  # fmt: skip
"""Columns of the animals table, in order; each can be sorted on."""


@dataclass(frozen=True)
class AnimalFilter:
    """Which animals the table shows (:meth:`Studbook.animals` filters) and in what order."""

    living_only: bool = True
    sex: str | None = None
    institution: str | None = None
    region: str | None = None
    search: str = ""
    sort: str = "id"
    descending: bool = False


@dataclass(frozen=True, slots=True)
class AnimalRow:
    """One row of the animals table; ``f``, ``mk``, ``mk_rank`` and ``known`` are ``None``
    until genetics are in; ``offspring`` counts certain and possible (MULT) offspring."""

    id: str
    house_name: str
    sex: str
    age: float | None
    status: str
    institution: str
    region: str
    f: float | None
    mk: float | None
    mk_rank: int | None
    known: float | None
    offspring: int


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
            return format_parent(ParentSpec(ParentKind(self.kind)))
        if self.kind == "mult":
            p = PROBABILITY
            return f"{self.id} ({p.label}={p.text(self.probability)})"
        return self.id


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
class EditValues:
    """What an edit form holds: its kind, the animal, the typed fields, the version read."""

    kind: str
    animal_id: str | None
    fields: tuple[tuple[str, str], ...]
    version: int | None = None

    def get(self, name: str) -> str:
        return dict(self.fields).get(name, "").strip()


@dataclass(frozen=True)
class Genetics:
    """The genetics of one snapshot, filled step by step by :meth:`Store.compute_genetics`."""

    token: str
    f: dict[str, float]
    core: GeneticsCore | None = None
    population: PopulationView | None = None
    uniqueness: dict[str, float] | None = None


_ASSUMPTION_CHANGES = frozenset(
    {
        "create_set",
        "delete_set",
        "add_assumption",
        "remove_assumption",
        "add_hypothetical",
        "remove_hypothetical",
        "use_set",
    }
)


# --------------------------------------------------------------------------- the store
class Store:
    """The open database plus the genetics of the living population (module docstring).

    Thread-safe: workers may call any method at the same time. The studbook is read once per
    data version (single flight: concurrent readers wait for one load); genetics are replaced
    as a whole when a step finishes, so readers always see one consistent set.
    """

    def __init__(
        self,
        engine_: Engine,
        description: str,
        census_date: str | None = None,
        url: str | None = None,
    ) -> None:
        self.engine = engine_
        self.url = url or engine_.url.render_as_string(hide_password=False)
        self.description = description
        self.census_date = census_date
        self.sessions = make_session_factory(engine_)
        self._id = uuid.uuid4().hex
        self._lock = threading.Lock()
        self._load_lock = threading.Lock()
        self._version = 0
        self._generation = 0
        self._book: tuple[int, Studbook] | None = None
        self._genetics: Genetics | None = None
        self.exports = export_folder()
        """Where the UI writes exported files (charts), as the export dialog does."""

    @classmethod
    def open(
        cls, url: str | None, *, census_date: str | None = None, timeout: float = 2.0
    ) -> Store:
        """Open ``url`` (see :func:`db.session.resolve_url`) and check its schema.

        Raises :class:`~db.opening.DatabaseUnavailableError` when the file does not exist, the
        database is locked or unreachable, or its schema is missing, older or newer than this
        program.
        """
        engine_ = open_studbook(url, timeout=timeout)
        return cls(
            engine_,
            engine_.url.render_as_string(hide_password=True),
            census_date,
            engine_.url.render_as_string(hide_password=False),
        )

    # ----------------------------------------------------------------- versions
    @property
    def token(self) -> str:
        """Names the current data version (changes after every write)."""
        return f"{self._id}:{self._version}"

    def job(self) -> Job:
        return Job(self.url, self.token, self.census_date)

    def invalidate(self, *, keep_genetics: bool = False) -> None:
        """Forget what was read (after a write); the next read goes to the database.

        ``keep_genetics``: the write changed no pedigree, setting or assumption (a plan was
        issued), so the genetics of the version before are those of the new one too.
        """
        with self._lock:
            before = self.token
            self._version += 1
            self._book = None
            g = self._genetics
            if keep_genetics and g is not None and g.token == before:
                self._genetics = dataclasses.replace(g, token=self.token)

    # ----------------------------------------------------------------- reading
    def book(self) -> Studbook:
        """The whole studbook as last read (read now if it has not been, or after an edit)."""
        from db.repository import load_studbook

        with self._load_lock:
            with self._lock:
                if self._book is not None and self._book[0] == self._version:
                    return self._book[1]
                version = self._version
            with self.sessions() as session:
                book = load_studbook(session)
            with self._lock:
                if self._version == version:
                    self._book = (version, book)
            return book

    def genetics(self) -> Genetics | None:
        """The genetics of the current data version, as far as they are computed."""
        with self._lock:
            g = self._genetics
        return g if g is not None and g.token == self.token else None

    def animal_index(self) -> list[tuple[str, str]]:
        """(studbook id, house name) of every animal, for the command palette."""
        return [(r.id, r.house_name) for r in self.book().records.values()]

    def filter_choices(self) -> FilterChoices:
        """Institutions that hold animals or are registered, and the regions present."""
        book = self.book()
        used = {r.location for r in book.records.values() if r.location}
        mnemonics = sorted(used | set(book.institutions))
        names = {m: i.name for m, i in book.institutions.items()}
        return FilterChoices(
            tuple((m, names.get(m, "")) for m in mnemonics),
            tuple(sorted({r for r in book.institution_regions.values() if r})),
        )

    def animals(self, wanted: AnimalFilter) -> list[AnimalRow]:
        """The animals table for ``wanted``: listed by :meth:`Studbook.animals` (the command
        line's list too) as on the census date (default: now), F and MK rank from the genetics
        (once computed), sorted on the chosen column."""
        on = date.fromisoformat(self.census_date) if self.census_date else None
        found = self.book().animals(
            living=True if wanted.living_only else None,
            institution=wanted.institution,
            region=wanted.region,
            sex=wanted.sex,
            search=wanted.search or None,
            on=on,
        )
        g = self.genetics()
        f = g.f if g is not None else {}
        core = g.core if g is not None else None
        mk = core.mk if core is not None else {}
        ranks = core.mk_rank if core is not None else {}
        known = core.known if core is not None else {}
        children = self.book().children
        rows = [
            AnimalRow(
                id=a.record.id,
                house_name=a.record.house_name,
                sex=a.record.sex,
                age=a.age,
                status=a.status,
                institution=a.institution,
                region=a.region,
                f=f.get(a.record.id),
                mk=mk.get(a.record.id),
                mk_rank=ranks.get(a.record.id),
                known=known.get(a.record.id),
                offspring=len(children.get(a.record.id, ())),
            )
            for a in found
        ]
        rows.sort(key=_SORT_KEYS[wanted.sort], reverse=wanted.descending)
        return rows

    def animal(self, animal_id: str) -> AnimalDetail:
        """Everything about one animal; raises :class:`RecordNotFoundError` for an unknown id."""
        book = self.book()
        record = book.records.get(animal_id)
        if record is None:
            raise RecordNotFoundError("animal", animal_id)
        lineage = [book.records[a] for a in book.ancestors(animal_id)]
        ancestry = {rec.id: _parent_links(rec) for rec in lineage}
        names = {rec.id: (rec.sex, rec.house_name) for rec in lineage}
        return AnimalDetail(
            id=record.id,
            house_name=record.house_name,
            sex=record.sex,
            birth_date=str(record.birth_date) if record.birth_date else "",
            birth_type=record.birth_type.value,
            death_date=str(record.death_date) if record.death_date else "",
            status=book.status(animal_id),
            institution=record.location,
            region=book.region_of(record.location),
            flags=record.flags,
            notes=record.notes,
            version=self._version_of(animal_id),
            parents=ancestry[animal_id],
            relatives=book.relatives(animal_id),
            history=_history(book.events.get(animal_id, ()), book.stays.get(animal_id, [])),
            genetics=self._animal_genetics(animal_id),
            ancestry=ancestry,
            names=names,
        )

    def _version_of(self, animal_id: str) -> int:
        from db.repository import animal_version

        with self.sessions() as session:
            return animal_version(session, animal_id)

    def _animal_genetics(self, animal_id: str) -> AnimalGenetics | None:
        g = self.genetics()
        if g is None:
            return None
        core = g.core
        return AnimalGenetics(
            f=g.f.get(animal_id),
            mk=core.mk.get(animal_id) if core else None,
            mk_rank=core.mk_rank.get(animal_id) if core else None,
            mk_of=len(core.mk_rank) if core else 0,
            known=core.known.get(animal_id) if core else None,
            flagged=core.flagged.get(animal_id) if core else None,
            uniqueness=g.uniqueness.get(animal_id) if g.uniqueness is not None else None,
        )

    # ----------------------------------------------------------------- genetics
    def compute_genetics(self, progress: Progress) -> int | None:
        """Recompute F, MK (rank), % known, flagged shares, the summary and genome uniqueness
        for the current data version in the genetics process; the new generation, or None if
        ``progress`` asked to stop (checked between steps)."""
        job = self.job()
        steps = ("inbreeding", "mean kinship and summary", "gene drop")
        total = len(steps)
        if not progress(0, total, steps[0]):
            return None
        g = Genetics(job.token, engine.call(engine.inbreeding_step, job))
        self._publish(g)
        if not progress(1, total, steps[1]):
            return None
        core, view = engine.call(engine.population_step, job)
        g = dataclasses.replace(g, core=core, population=view)
        self._publish(g)
        if not progress(2, total, steps[2]):
            return None
        g = dataclasses.replace(g, uniqueness=engine.call(engine.uniqueness_step, job))
        self._publish(g)
        with self._lock:
            self._generation += 1
            generation = self._generation
        progress(total, total, "done")
        return generation

    def _publish(self, g: Genetics) -> None:
        with self._lock:
            if g.token == self.token:
                self._genetics = g

    def population(self) -> PopulationView:
        """Summary figures, founder representation and the age-sex pyramid of P."""
        g = self.genetics()
        if g is not None and g.population is not None:
            return g.population
        _, view = engine.call(engine.population_step, self.job())
        return view

    def gene_diversity_over_time(
        self, progress: Callable[[int, int], bool]
    ) -> GeneDiversitySeries | None:
        """GD of the living population at each year's census (None if stopped)."""
        import numpy as np

        job = self.job()
        days = engine.call(engine.census_days, job)
        parts: list[GeneDiversitySeries] = []
        chunk = max(len(days) // 10, 1)
        for start in range(0, len(days), chunk):
            parts.append(engine.call(engine.gene_diversity_chunk, job, days[start : start + chunk]))
            if not progress(min(start + chunk, len(days)), len(days)):
                return None
        return GeneDiversitySeries(
            np.concatenate([p.dates for p in parts]),
            np.concatenate([p.size for p in parts]),
            np.concatenate([p.gd for p in parts]),
        )

    def demography(self, simulate: bool = False) -> DemographyView:
        """Life tables, lambdas, census history and the GD projection (with the simulation
        band when ``simulate``), computed in the genetics process."""
        return engine.call(engine.demography_view, self.job(), simulate)

    def pairings(self, wanted: PairingFilter, limit: int = 2000) -> PairingsView:
        """Ranked pairs (at most ``limit``) or the breeding plans for ``wanted``."""
        return engine.call(engine.pairings_view, self.job(), wanted, limit)

    def export_pairings(self, wanted: PairingFilter, path: str, fmt: str) -> Path:
        """Write the pairings view (or plan) for ``wanted`` to ``path`` as ``fmt``."""
        text = engine.call(engine.pairings_report, self.job(), wanted, fmt)
        target = Path(path).expanduser()
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(target, text)
        return target.resolve()

    def family(self, animal_id: str) -> FamilyView:
        """Litters, mates and descendants of one animal (the explorer, in the genetics
        process)."""
        return engine.call(engine_explorer.family_view, self.job(), animal_id)

    def relationship(self, a: str, b: str) -> tuple[str, ...]:
        """How two animals are related, as lines of text."""
        return engine.call(engine_explorer.relationship_lines, self.job(), a, b)

    def export_chart(self, animal_id: str) -> Path:
        """Write the SVG pedigree chart of ``animal_id`` to the exports folder; its path."""
        text = engine.call(engine_explorer.chart_svg, self.job(), animal_id)
        safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in animal_id)
        target = self.exports / f"pedigree-{safe}.svg"
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(target, text)
        return target.resolve()

    def plan(self, edits: tuple[DraftEdit, ...] = ()) -> PlanView:
        """The Breeding and Transfer Plan's recommendations by institution, after ``edits``;
        raises :class:`~tui.engine.RemoteError` with the rule when the last edit is refused."""
        return engine.call(engine.plan_view, self.job(), edits)

    def check_plan_edit(self, edits: tuple[DraftEdit, ...], edit: DraftEdit) -> str | None:
        """Why the plan after ``edits`` refuses ``edit`` (the rule), ``None`` when allowed."""
        return engine.call(engine.plan_edit_refusal, self.job(), edits, edit)

    def plan_genetics(self, edits: tuple[DraftEdit, ...]) -> tuple[tuple[str, str], ...]:
        """The plan's exact next-generation genetics after ``edits`` (label, text)."""
        return engine.call(engine.plan_genetics, self.job(), edits)

    def mate_candidates(
        self, edits: tuple[DraftEdit, ...], animal: str
    ) -> tuple[MateCandidate, ...]:
        """The possible mates of ``animal``, ranked, each with why the plan would refuse it."""
        return engine.call(engine.mate_candidates, self.job(), edits, animal)

    def issue_plan(self, edits: tuple[DraftEdit, ...], note: str = "") -> int:
        """Store the plan after ``edits`` as issued today (the next version, one transaction,
        as ``studbook plan issue`` does); returns the version. Raises
        :class:`~tui.engine.RemoteError` for a plan without pairs and
        :class:`~db.errors.InvalidEditError` for a bad note; then nothing is written."""
        from db.recommendations import issue_plan
        from db.session import current_user

        issued = engine.call(engine.plan_to_issue, self.job(), edits)
        with session_scope(self.sessions, write=True) as session:
            version = issue_plan(
                session,
                issued.pairs,
                settings=issued.settings,
                figures=issued.figures,
                issued_on=date.today(),
                issued_by=current_user(),
                note=note,
            )
        self.invalidate(keep_genetics=True)
        return version

    def export_plan_document(self, path: str, fmt: str, edits: tuple[DraftEdit, ...] = ()) -> Path:
        """Write the whole Breeding and Transfer Plan (after ``edits``) to ``path`` as ``fmt``
        (atomically)."""
        text = engine.call(engine.plan_document_text, self.job(), fmt, edits)
        target = Path(path).expanduser()
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(target, text)
        return target.resolve()

    def release_candidates(self) -> ReleasesView:
        """Release candidates ranked by the captive GD they cost."""
        return engine.call(engine.releases_view, self.job())

    def best_release_group(self, k: int, min_group_gd: float | None = None) -> ReleaseGroupView:
        """The group of ``k`` whose release costs the captives the least GD."""
        return engine.call(engine.release_group_view, self.job(), k, min_group_gd)

    def hand_picked_release_group(self, ids: tuple[str, ...]) -> ReleaseGroupView:
        """The figures of a release group chosen by hand."""
        return engine.call(engine.hand_picked_group_view, self.job(), ids)

    # ----------------------------------------------------------------- editing
    def edit_defaults(self, kind: str, animal_id: str | None) -> EditValues:
        """What an edit form starts with: the record's values (for ``edit``) and its version."""
        if animal_id is None:
            return EditValues(kind, None, ())
        record = self.book().record(animal_id)
        version = self._version_of(animal_id)
        fields: tuple[tuple[str, str], ...] = ()
        if kind == "edit":
            fields = (
                ("house_name", record.house_name),
                ("sex", record.sex),
                ("birth_date", str(record.birth_date or "")),
                ("notes", record.notes),
            )
        elif kind in ("transfer", "loan"):
            fields = (("institution", ""),)
        return EditValues(kind, animal_id, fields, version)

    def birth_prefill(self, dam: str, littermate: str, born: str) -> dict[str, str]:
        """Fields a birth form can fill in for the person: from a littermate (``littermate``,
        an existing id) its sire, dam, birth date, birth type and birth institution; else the
        dam's institution on the birth date ``born`` (today when not typed yet). Unknown ids
        fill nothing."""
        book = self.book()
        mate = book.records.get(littermate.strip())
        if mate is not None:
            first = _history(book.events.get(mate.id, ()), book.stays.get(mate.id, []))
            institution = next((s.institution for s in first if s.event == "birth"), mate.location)
            return {
                "sire": format_parent(mate.sire),
                "dam": format_parent(mate.dam),
                "date": str(mate.birth_date or ""),
                "birth_type": mate.birth_type.value,
                "institution": institution,
            }
        if dam.strip() not in book.records:
            return {}
        try:
            on = parse_partial_date(born)
        except ValueError:
            on = None
        day = on.earliest if on is not None else None
        return {"institution": book.location_on(dam.strip(), day)}

    def check_edit(self, values: EditValues) -> list[Problem]:
        """Every rule the change breaks (errors) or questions (warnings), nothing written.

        The change is made by the same :mod:`db.editing` service as the real write, in a
        transaction that is rolled back.
        """
        with self.sessions() as session:
            try:
                return _perform(session, values)
            except InvalidEditError as exc:
                return list(exc.problems)
            except EditConflictError as exc:
                return [Problem(_source(values), None, "version", str(exc))]
            except RecordNotFoundError as exc:
                return [Problem(_source(values), None, "animal", str(exc))]
            finally:
                session.rollback()

    def apply_edit(self, values: EditValues) -> list[str]:
        """Write the change (validated, audited, one transaction); the animals it touched.

        Raises :class:`InvalidEditError` or :class:`EditConflictError`; then nothing is written.
        """
        with session_scope(self.sessions, write=True) as session:
            _perform(session, values)
        self.invalidate()
        animal = values.get("id") if values.kind == "birth" else values.animal_id
        return [animal] if animal else []

    def programme_settings(self) -> dict[str, str]:
        """The programme's settings as key -> text, every key (defaults included)."""
        from db.settings import load_settings

        with self.sessions() as session:
            return load_settings(session).as_text()

    def save_programme_settings(
        self, changes: Mapping[str, str], expected: Mapping[str, str]
    ) -> None:
        """Write changed settings (checked by the core, audited, one transaction); raises
        :class:`~studbook.errors.SettingsError` or :class:`EditConflictError` (``expected``:
        the values the form showed) and then writes nothing."""
        from db.settings import save_settings

        with session_scope(self.sessions, write=True) as session:
            save_settings(session, changes, expected=expected)
        self.invalidate()

    # ----------------------------------------------------------------- assumptions
    def assumption_sets(self) -> tuple[list[AssumptionSet], str]:
        """Every stored assumption set, and the name of the one the analyses use ('' none)."""
        book = self.book()
        return list(book.assumption_sets.values()), book.settings.assumption_set

    def pedigree_label(self) -> str:
        """What the analyses rest on (the status line): the true record or a named set."""
        return pedigree_label(self.book().settings.assumption_set_name)

    def change_assumptions(self, action: str, *args: str) -> None:
        """Run one change of :mod:`db.assumptions` (``create_set``, ``delete_set``,
        ``add_assumption``, ``remove_assumption``, ``add_hypothetical``,
        ``remove_hypothetical``, ``use_set``) with ``args`` in one writing transaction;
        raises :class:`~studbook.assumptions.AssumptionError` naming the animal and field, and
        then writes nothing."""
        from db import assumptions

        if action not in _ASSUMPTION_CHANGES:
            raise ValueError(f"{action!r} is not a change of assumption sets")
        with session_scope(self.sessions, write=True) as session:
            getattr(assumptions, action)(session, *args)
        self.invalidate()

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


# --------------------------------------------------------------------------- helpers
def _source(values: EditValues) -> str:
    return f"animal {values.animal_id or values.get('id')}"


def _date(values: EditValues, name: str) -> PartialDate:
    value = parse_partial_date(values.get(name))
    if value is None:
        raise InvalidEditError([Problem(_source(values), None, name, "a date is required")])
    return value


def _check_litter(session: object, values: EditValues, record: AnimalRecord) -> None:
    """A birth recorded as a littermate of an existing animal must share its dam and birth
    date (a litter is the young born to one dam on one day)."""
    from sqlalchemy.orm import Session

    from db.repository import load_records

    assert isinstance(session, Session)
    mate_id = values.get("litter")
    if not mate_id:
        return
    found = load_records(session, [mate_id])
    if not found:
        raise InvalidEditError(
            [Problem(_source(values), None, "litter", f"no animal {mate_id!r} in the studbook")]
        )
    mate = found[0]
    differ = [
        name
        for name, mine, theirs in (
            ("dam", record.dam.ids, mate.dam.ids),
            ("date", record.birth_date, mate.birth_date),
        )
        if mine != theirs
    ]
    if differ:
        raise InvalidEditError(
            [
                Problem(
                    _source(values), None, "litter",
                    f"a littermate of {mate_id} has its {' and '.join(differ)}",
                )
            ]
        )  # fmt: skip


def _loan(session: object, values: EditValues) -> list[Problem]:
    """A loan to another institution; with a return date, the return home (a transfer back
    ends a loan, :mod:`studbook.events`) is recorded too."""
    from sqlalchemy.orm import Session

    from db import editing
    from db.repository import load_records

    assert isinstance(session, Session) and values.animal_id is not None
    animal = values.animal_id
    current = load_records(session, [animal])
    if not current:
        raise RecordNotFoundError("animal", animal)
    home = current[0].location
    warnings = editing.record_transfer(
        session, animal, _date(values, "date"), values.get("institution"),
        local_id=values.get("local_id"), loan=True, expected_version=values.version,
    )  # fmt: skip
    back = parse_partial_date(values.get("end"))
    if back is not None:
        if not home:
            raise InvalidEditError(
                [Problem(_source(values), None, "end", "the animal has no home institution")]
            )
        warnings += editing.record_transfer(session, animal, back, home)
    return warnings


def _perform(session: object, values: EditValues) -> list[Problem]:
    """Make the change ``values`` describe through :mod:`db.editing`; its warnings."""
    from sqlalchemy.orm import Session

    from db import editing

    assert isinstance(session, Session)
    kind, animal, v = values.kind, values.animal_id, values.version
    try:
        if kind == "birth":
            record = AnimalRecord(
                id=values.get("id"),
                sire=parse_parent(values.get("sire")),
                dam=parse_parent(values.get("dam")),
                sex=parse_sex(values.get("sex")),
                birth_date=parse_partial_date(values.get("date")),
                birth_type=parse_birth_type(values.get("birth_type") or "captive"),
                alive=True,
                house_name=values.get("house_name"),
            )
            _check_litter(session, values, record)
            return editing.record_birth(
                session, record, institution=values.get("institution"),
                local_id=values.get("local_id"),
            )  # fmt: skip
        assert animal is not None
        if kind == "death":
            return editing.record_death(
                session, animal, _date(values, "date"), cause=values.get("cause"),
                expected_version=v,
            )  # fmt: skip
        if kind == "transfer":
            return editing.record_transfer(
                session, animal, _date(values, "date"), values.get("institution"),
                local_id=values.get("local_id"), expected_version=v,
            )  # fmt: skip
        if kind == "loan":
            return _loan(session, values)
        if kind == "release":
            return editing.record_release(
                session, animal, _date(values, "date"), notes=values.get("notes"),
                expected_version=v,
            )  # fmt: skip
        if kind == "contraception":
            warnings = editing.record_contraception(
                session, animal, _date(values, "date"), notes=values.get("method"),
                expected_version=v,
            )  # fmt: skip
            end = parse_partial_date(values.get("end"))
            if end is not None:
                warnings += editing.record_contraception(
                    session, animal, end, start=False, notes=values.get("method")
                )
            return warnings
        if kind == "edit":
            from db.repository import load_records

            current = load_records(session, [animal])
            if not current:
                raise RecordNotFoundError("animal", animal)
            changed = dataclasses.replace(
                current[0],
                house_name=values.get("house_name"),
                sex=parse_sex(values.get("sex")),
                birth_date=parse_partial_date(values.get("birth_date")),
                notes=values.get("notes"),
            )
            return editing.edit_animal(session, changed, expected_version=v)
    except ValueError as exc:  # a cell the parsers refuse
        raise InvalidEditError([Problem(_source(values), None, kind, str(exc))]) from exc
    raise ValueError(f"unknown edit {kind!r}")


_SORT_KEYS = {
    "id": lambda r: (0, studbook_sort_key(r.id)),
    "house_name": lambda r: (r.house_name == "", r.house_name.casefold()),
    "sex": lambda r: r.sex,
    "age": lambda r: (r.age is None, r.age or 0.0),
    "status": lambda r: r.status,
    "institution": lambda r: (r.institution == "", r.institution),
    "region": lambda r: (r.region == "", r.region),
    "f": lambda r: (r.f is None, r.f or 0.0),
    "mk": lambda r: (r.mk is None, r.mk or 0.0),
    "mk_rank": lambda r: (r.mk_rank is None, r.mk_rank or 0),
    "known": lambda r: (r.known is None, r.known or 0.0),
    "offspring": lambda r: r.offspring,
}


def _parent_links(record: AnimalRecord) -> tuple[ParentLink, ...]:
    links = []
    for role in ("sire", "dam"):
        spec = getattr(record, role)
        kind = spec.kind.value
        if kind == "mult":
            links += [ParentLink(role, kind, cid, p) for cid, p in spec.candidates]
        elif spec.ids:
            links.append(ParentLink(role, kind, spec.ids[0]))
        else:
            links.append(ParentLink(role, kind))
    return tuple(links)


def _history(events: tuple[EventRecord, ...], stays: list[EventStay]) -> tuple[Stay, ...]:
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
