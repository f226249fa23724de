"""The genetics of the UI, computed in a separate process.

Every function here runs in the app's genetics process (:func:`call`): it reads the studbook
from the database itself, builds one :class:`~studbook.book.Studbook` and the
:class:`~studbook.analysis.Analysis` objects asked for, and returns plain, picklable views.
Running them in another process keeps the UI's event loop free: numba's first call (loading
its cache, linking with LLVM) and the pure-Python record loading hold the GIL for hundreds of
milliseconds, which froze key presses while genetics were recomputed.

A :class:`Job` names the database and the data version (``token``); the process keeps the last
studbook read and reads again when the token changes (after an edit).
"""

from __future__ import annotations

import atexit
import math
import multiprocessing
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from studbook import present
from studbook.analysis import Analysis, AnalysisSettings
from studbook.book import Studbook
from studbook.breeding_plan import PlannedPair
from studbook.defaults import PlanObjective
from studbook.errors import StudbookError
from studbook.pairing import PairingRow
from studbook.plan_draft import DraftEdit, DraftPlan, MateCandidate, PlanToIssue
from studbook.ranking import mk_ranks
from studbook.release import NoReleaseGroupError, ReleaseGroup, ReleaseRow
from studbook.timeseries import AgeSexPyramid, GeneDiversitySeries

__all__ = [
    "DemographyView",
    "GeneticsCore",
    "Job",
    "PairingFilter",
    "PairingsView",
    "PlanInstitution",
    "PlanView",
    "PopulationView",
    "ReleasesView",
    "RemoteError",
    "call",
]

FloatArray = npt.NDArray[np.float64]
T = TypeVar("T")


@dataclass(frozen=True)
class Job:
    """Which studbook to compute on: database URL, data version, census date (ISO)."""

    url: str
    token: str
    census_date: str | None = None


PLAN_OVERRIDES = ("kinship_limit", "region_penalty")
"""The settings a plan may override for one run, as the command line's options do."""


@dataclass(frozen=True)
class PlanControls:
    """``pairs`` ``None``: as many as the goals need; ``overrides`` (setting, text) pairs of
    :data:`PLAN_OVERRIDES`, already checked."""

    pairs: int | None = None
    objective: PlanObjective = "contributions"
    overrides: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        """What differs from the programme's plan, for the status line (empty: nothing)."""
        parts = [] if self.pairs is None else [f"{present.counted(self.pairs, 'pair')} asked"]
        if self.objective != "contributions":
            parts.append(f"objective {self.objective}")
        parts += [f"{key} {text}" for key, text in self.overrides]
        return ", ".join(parts)


@dataclass(frozen=True)
class PairingFilter:
    """Which pairs the pairings table shows.

    ``region`` restricts the reference population (and so MK and the ranking) to one region,
    as a regional programme does; ``institution`` keeps pairs with an animal held there.
    """

    institution: str | None = None
    region: str | None = None
    male: str | None = None
    female: str | None = None
    plan: bool = False
    """Show the optimal breeding plan (beside the greedy plan) instead of the ranked pairs."""
    controls: PlanControls = PlanControls()
    """The plan's size, objective and one-run settings (the plan view's controls)."""


@dataclass(frozen=True)
class PairingsView:
    """Ranked pairs (or the two plans) after filtering, with what the screen says about them.

    ``plan_rows`` pairs each planned pair with the name of the plan it belongs to; ``totals``
    is each plan's name and its totals, written out (:func:`studbook.present.plan_totals`).
    """

    filter: PairingFilter
    rows: tuple[PairingRow, ...]
    plan_rows: tuple[tuple[str, PlannedPair], ...]
    total: int
    matched: int
    description: str
    totals: tuple[tuple[str, str], ...]
    males: tuple[str, ...]
    females: tuple[str, ...]
    notes: tuple[str, ...] = ()
    """The plan's explanations: its size (the arithmetic), holds, open moves, proven pairs,
    the previous plan's fulfilment (:meth:`studbook.recommended_plan.RecommendedPlan.notes`)."""


@dataclass(frozen=True)
class GeneticsCore:
    """Per-animal genetics of the living population (dicts keyed by studbook id)."""

    mk: dict[str, float]
    mk_rank: dict[str, int]
    known: dict[str, float]
    flagged: dict[str, float]


@dataclass(frozen=True)
class PopulationView:
    """The population screen's numbers: summary figures (label, text), founder representation,
    pyramid."""

    definition: str
    figures: tuple[tuple[str, str], ...]
    founder_labels: tuple[str, ...]
    founder_values: tuple[float, ...]
    pyramid: AgeSexPyramid
    certainty: tuple[tuple[str, str], ...] = ()
    """% known before and after the assumptions, % certain, potential founders (label, text)."""
    pedigree: str = ""
    """What the figures rest on: the true record, or the true record + an assumption set."""


@dataclass(frozen=True)
class ReleasesView:
    """The ranked release candidates and how they were chosen."""

    rows: tuple[ReleaseRow, ...]
    description: str


@dataclass(frozen=True)
class ReleaseGroupView:
    """A chosen release group: its own GD and founders, its mates' kinship, the captive cost
    (figures and kinship written out)."""

    ids: tuple[str, ...]
    figures: tuple[tuple[str, str], ...]
    mates: tuple[tuple[str, str, str], ...] = field(default=())
    problem: str = ""
    """Why no group meets the constraints (``ids`` is then empty and the figures are the
    closest group's), ``""`` when the group meets them."""


class RemoteError(StudbookError):
    """An error raised in the genetics process, with its message (its type named)."""


@dataclass(frozen=True)
class PlanInstitution:
    """One institution of the plan: its heading and its animals' rows, as the document
    writes them (:func:`studbook.plan_document.build_document`)."""

    mnemonic: str
    title: str
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class PlanView:
    """The Plan screen: the recommendations section of the Breeding and Transfer Plan."""

    summary: tuple[str, ...]
    headings: tuple[str, ...]
    institutions: tuple[PlanInstitution, ...]
    edits: tuple[DraftEdit, ...] = ()
    """The changes by hand the view includes, in order."""
    known_institutions: tuple[str, ...] = ()
    """Every institution of the studbook (where SEND TO may send an animal)."""


@dataclass(frozen=True)
class DemographyView:
    """What the demography screen draws: the window and settings, the figures, the by-sex and
    life-table text, the census history and the GD chart (observed, then the drift
    projection; the simulation band beside the projected years when computed)."""

    window: str
    settings: str
    figures: tuple[tuple[str, str], ...]
    by_sex: str
    life_tables: tuple[tuple[str, str], ...]
    census_years: tuple[str, ...]
    census_totals: tuple[float, ...]
    gd_years: tuple[str, ...]
    gd: tuple[float, ...]
    observed: int
    band: tuple[tuple[float, ...], tuple[float, ...]] | None
    projection: str


# --------------------------------------------------------------------------- process side
_cache: dict[str, Any] = {}


def _book(job: Job) -> Studbook:
    if _cache.get("key") != (job.url, job.token):
        from db.opening import open_studbook
        from db.repository import load_studbook
        from db.session import make_session_factory

        engine = open_studbook(job.url)
        try:
            with make_session_factory(engine)() as session:
                book = load_studbook(session)
        finally:
            engine.dispose()
        _cache.clear()
        _cache.update(key=(job.url, job.token), book=book, analyses={})
    book_: Studbook = _cache["book"]
    return book_


def _analysis(
    job: Job, region: str | None = None, overrides: tuple[tuple[str, str], ...] = ()
) -> Analysis:
    """The analysis of P on the job's census date (in ``region``), under the programme's
    settings with ``overrides`` (setting, text) for this one view."""
    book = _book(job)
    analyses: dict[tuple[object, ...], Analysis] = _cache["analyses"]
    key = (job.census_date, region, overrides)
    if key not in analyses:
        settings = AnalysisSettings(
            census_date=job.census_date,
            regions=(region,) if region else None,
            programme=book.settings.with_texts(overrides) if overrides else None,
        )
        analyses[key] = Analysis(book, settings)
    return analyses[key]


def _safely(fn: Callable[..., T], *args: Any) -> tuple[bool, Any]:
    """Run ``fn`` and return (ok, result or (type name, message, is a StudbookError))."""
    try:
        return True, fn(*args)
    except Exception as exc:  # errors cross the process boundary as text
        return False, (type(exc).__name__, str(exc), isinstance(exc, StudbookError))


def inbreeding_step(job: Job) -> dict[str, float]:
    """F of every animal."""
    from studbook.inbreeding import inbreeding

    ped = _book(job).pedigree
    return dict(zip(ped.ids, inbreeding(ped).tolist(), strict=True))


HYPOTHETICAL_MARK = "(hyp.)"
"""Marks a hypothetical placeholder among the founders (the population screen explains it)."""


def population_step(job: Job) -> tuple[GeneticsCore, PopulationView]:
    """MK (over P) with its rank, % known, flagged share; the summary and the pyramid."""
    from studbook.timeseries import age_sex_pyramid

    analysis = _analysis(job)
    pop = analysis.population
    ped = pop.pedigree
    ids = ped.ids
    members = pop.indices
    if members.size:
        gen = analysis.genetics
        core = GeneticsCore(
            mk={ids[k]: float(gen.mk[k]) for k in members.tolist()},
            mk_rank=mk_ranks([ids[k] for k in members.tolist()], gen.mk[members]),
            known=dict(zip(ids, gen.known.tolist(), strict=True)),
            flagged=dict(zip(ids, gen.flagged.tolist(), strict=True)),
        )
        summary = analysis.summary
        figures = present.lines(present.summary_figures(summary))
        # The pedigree analysed is the panel's title, not a line among the figures.
        certainty = present.lines(present.certainty_figures(analysis.certainty)[1:])
        representation = sorted(summary.founder_representation.items(), key=lambda kv: -kv[1])
        placeholders = {i for i, h in zip(ids, ped.hypothetical.tolist(), strict=False) if h}
        # A hypothetical sire stands in for an unrecorded one: marked so it is not taken
        # for a real founder animal.
        representation = [
            (f"{k} {HYPOTHETICAL_MARK}" if k in placeholders else k, v) for k, v in representation
        ]
    else:
        core = GeneticsCore({}, {}, {}, {})
        figures = present.lines([present.N_LIVING.figure(0)])
        certainty = ()
        representation = []
    view = PopulationView(
        definition=pop.definition,
        figures=figures,
        founder_labels=tuple(k for k, _ in representation),
        founder_values=tuple(v for _, v in representation),
        pyramid=age_sex_pyramid(pop, width=2),
        certainty=certainty,
        pedigree=analysis.pedigree_label,
    )
    return core, view


def uniqueness_step(job: Job, iterations: int = 1000, seed: int = 1) -> dict[str, float]:
    """Genome uniqueness of each animal in P, by gene drop (fixed seed: stable between runs)."""
    from studbook.genedrop import gene_drop

    analysis = _analysis(job)
    pop = analysis.population
    if pop.size == 0:
        return {}
    result = gene_drop(pop.pedigree, pop.mask, iterations=iterations, seed=seed)
    return result.uniqueness_by_animal()


def census_days(job: Job) -> list[str]:
    """One census date a year, up to the census date."""
    from studbook.timeseries import census_dates

    analysis = _analysis(job)
    days = census_dates(analysis.population.pedigree, end=analysis.census_date.isoformat())
    return [str(d) for d in days]


def gene_diversity_chunk(job: Job, days: list[str]) -> GeneDiversitySeries:
    """GD of the living population at each of ``days`` (the engine's mean kinship)."""
    from studbook.kinship import mean_kinship_array
    from studbook.timeseries import gene_diversity_over_time

    def mean_kinship(ped: Any, mask: Any) -> float:
        return float(mean_kinship_array(ped, mask)[mask].mean())

    book = _analysis(job).book  # the pedigree analysed: with the assumption set in use
    return gene_diversity_over_time(
        book.pedigree, np.array(days, "datetime64[D]"), mean_kinship, living=book.living_ids
    )


def demography_view(job: Job, simulate: bool = False, replicates: int = 100) -> DemographyView:
    """The demography over the programme's window (ending on the census date) and the GD
    projection: the same computations as ``studbook demography`` and ``studbook projection``."""
    from datetime import date

    from studbook.demography import demography, window_for
    from studbook.kinship import gene_diversity, mean_kinship_array
    from studbook.outlook import gene_diversity_outlook, simulation_for, studbook_inputs
    from studbook.reports import demography_report, section_text, section_text_by_column
    from studbook.timeseries import gene_diversity_over_time

    record = _book(job)
    book = _analysis(job).book  # GD history and projection: with the assumption set in use
    today = date.fromisoformat(job.census_date) if job.census_date else None
    demo = demography(record, window_for(record, today=today), replicates=500, seed=0)
    report = demography_report(demo)
    by_name = {s.name: s for s in report.sections}
    tables = tuple((s.name, section_text(s)) for s in report.sections if s.name.startswith("Life"))
    census_years = tuple(str(c.date)[:4] for c in demo.census)

    def mean_kinship(ped: Any, mask: Any) -> float:
        return float(mean_kinship_array(ped, mask)[mask].mean())

    days = np.array([c.date for c in demo.census], "datetime64[D]")
    history = gene_diversity_over_time(book.pedigree, days, mean_kinship, living=book.living_ids)
    years, gd = list(census_years), [float(v) for v in history.gd]
    band = None
    note = ""
    if demo.population_ids:
        inputs = studbook_inputs(
            book, demo, gene_diversity(book.pedigree, list(demo.population_ids))
        )
        missing = inputs.missing()
        if missing:
            note = "no drift projection: set the programme setting ne_ratio (Ne/N)"
        else:
            run = (
                simulation_for(book, demo, replicates=replicates, seed=0, capacity=inputs.capacity)
                if simulate
                else None
            )
            outlook = gene_diversity_outlook(inputs, years=100, simulate=run)
            start = demo.window.end.year
            years += [str(start + t) for t in range(1, outlook.drift.years + 1)]
            gd += [float(v) for v in outlook.drift.gd[1:]]
            figures = (
                present.PROJECTION_QUANTITIES[k].figure(v) for k, v in outlook.figures().items()
            )
            note = "drift projection: " + present.inline(figures)
            if outlook.simulation is not None:
                sim = outlook.simulation
                pad = [math.nan] * len(census_years)
                low = pad + [float(v) for v in sim.band(0.05)[1:]]
                high = pad + [float(v) for v in sim.band(0.95)[1:]]
                band = (tuple(low), tuple(high))
                note += f" · simulation band 5-95 % of {sim.replicates} replicates, random mating"
    return DemographyView(
        window=demo.window.describe(),
        settings=present.inline([present.NE_RATIO.figure(book.settings.ne_ratio)])
        + f" (setting) · life tables {'prorated' if demo.prorated else 'unprorated'}",
        figures=present.lines(present.demography_figures(demo)),
        by_sex=section_text_by_column(by_name["By sex"]),
        life_tables=tables,
        census_years=census_years,
        census_totals=tuple(float(c.total) for c in demo.census),
        gd_years=tuple(years),
        gd=tuple(gd),
        observed=len(census_years),
        band=band,
        projection=note,
    )


def pairings_view(job: Job, wanted: PairingFilter, limit: int) -> PairingsView:
    """The ranked pairs (at most ``limit`` rows) or the breeding plans for ``wanted``."""
    controls = wanted.controls
    analysis = _analysis(job, wanted.region, controls.overrides if wanted.plan else ())
    table = analysis.pairings
    inputs = table.inputs
    where = f"P = {analysis.population.definition}"
    if wanted.plan:
        recommended = analysis.recommended_plan(
            objective=controls.objective, n_pairs=controls.pairs
        )
        plan = recommended.plan
        plans = (plan.optimal, plan.greedy)
        rows = [
            (p.method, x)
            for p in plans
            for x in p.pairs
            if (wanted.male is None or x.male == wanted.male)
            and (wanted.female is None or x.female == wanted.female)
        ]
        objective = plan.settings.objective
        totals = tuple((p.method, present.inline(present.plan_totals(p, objective))) for p in plans)
        notes = tuple(recommended.notes())
        if plan.why_empty is not None:
            notes = (f"no pairs: {plan.why_empty}", *notes)
        return PairingsView(
            wanted, (), tuple(rows), len(plan.optimal), len(rows), where, totals,
            inputs.male_ids, inputs.female_ids, notes,
        )  # fmt: skip
    selected = table.select(male=wanted.male, female=wanted.female, institution=wanted.institution)
    return PairingsView(
        filter=wanted,
        rows=tuple(selected[:limit]),
        plan_rows=(),
        total=len(table),
        matched=len(selected),
        description=(
            f"{len(selected)} of {present.counted(len(table), 'pair')} · {where} · "
            f"MSI provisional, relative to P: {table.parameters['msi']}"
        ),
        totals=(),
        males=inputs.male_ids,
        females=inputs.female_ids,
    )


def pairings_report(job: Job, wanted: PairingFilter, fmt: str) -> str:
    """The current pairings view (or plan) rendered as a report."""
    from studbook.reports import breeding_plan_report, pairing_report, render

    analysis = _analysis(job, wanted.region)
    shown = {
        k: v
        for k, v in (
            ("region", wanted.region),
            ("institution", wanted.institution),
            ("male", wanted.male),
            ("female", wanted.female),
        )
        if v is not None
    }
    if wanted.plan:
        recommended = analysis.recommended_plan()
        report = breeding_plan_report(
            recommended.plan, parameters=analysis.parameters(shown), notes=recommended.notes()
        )
    else:
        table = analysis.pairings
        rows = table.select(male=wanted.male, female=wanted.female, institution=wanted.institution)
        report = pairing_report(table, rows, parameters=analysis.parameters(shown))
    return render(report, fmt)  # type: ignore[arg-type]


def releases_view(job: Job) -> ReleasesView:
    """Release candidates ranked by the captive GD they cost."""
    analysis = _analysis(job)
    programme = analysis.programme
    cap = present.FLAGGED_CAP.figure(programme.flagged_cap)
    mix = programme.text("release_sex_ratio")
    most = programme.release_kinship(analysis.genetics.mean_mk)
    return ReleasesView(
        tuple(analysis.releases()),
        f"ranked by captive GD cost · {present.inline([cap])} · groups: males:females {mix}, "
        f"kinship between members at most {present.KINSHIP.text(most)} · "
        f"P = {analysis.population.definition}",
    )


def release_group_view(job: Job, k: int, min_group_gd: float | None) -> ReleaseGroupView:
    """The best group of ``k`` to release together; when none meets the constraints, why,
    with the figures of the closest group."""
    try:
        return _group_view(_analysis(job).release_group(k, min_group_gd=min_group_gd))
    except NoReleaseGroupError as exc:
        closest = _group_view(exc.closest) if exc.closest is not None else None
        return ReleaseGroupView(
            (),
            closest.figures if closest else (),
            closest.mates if closest else (),
            problem=str(exc),
        )


def hand_picked_group_view(job: Job, ids: tuple[str, ...]) -> ReleaseGroupView:
    """A release group chosen by hand."""
    return _group_view(_analysis(job).evaluate_release_group(ids))


def _group_view(group: ReleaseGroup) -> ReleaseGroupView:
    figures = present.lines(present.release_group_figures(group))
    mates = tuple((m, f, present.KINSHIP.text(k)) for m, f, k in group.mate_kinship)
    return ReleaseGroupView(group.ids, figures, mates)


def _plan_inputs(job: Job) -> Any:
    """The plan document's inputs for the census date, computed once per data version."""
    from studbook.plan_inputs import plan_document_inputs

    plans: dict[str | None, Any] = _cache.setdefault("plans", {})
    if job.census_date not in plans:
        import studbook

        plans[job.census_date] = plan_document_inputs(
            _analysis(job), software=f"studbook {studbook.__version__}"
        )
    return plans[job.census_date]


def _recommended(job: Job) -> Any:
    """The recommended plan of the census date, computed once per data version."""
    plans: dict[str | None, Any] = _cache.setdefault("recommended", {})
    if job.census_date not in plans:
        plans[job.census_date] = _analysis(job).recommended_plan()
    return plans[job.census_date]


def _draft(job: Job, edits: tuple[DraftEdit, ...]) -> DraftPlan:
    """The recommended plan with ``edits`` made in order (each draft kept per data version,
    so that one more edit costs one step); raises
    :class:`~studbook.plan_draft.DraftRefusal` for an edit a rule forbids."""
    from studbook.plan_draft import DraftPlan, draft_context

    drafts: dict[tuple[str | None, tuple[DraftEdit, ...]], DraftPlan] = _cache.setdefault(
        "drafts", {}
    )
    key = (job.census_date, edits)
    if key not in drafts:
        if edits:
            drafts[key] = _draft(job, edits[:-1]).apply(edits[-1])
        else:
            from studbook.plan_inputs import plan_animals

            analysis = _analysis(job)
            recommended = _recommended(job)
            _, standings, _ = plan_animals(analysis)
            context = draft_context(analysis, recommended, standings)
            drafts[key] = DraftPlan.start(context, recommended.plan.optimal)
    return drafts[key]


def _draft_inputs(job: Job, edits: tuple[DraftEdit, ...]) -> Any:
    """The plan document's inputs with the draft's dispositions and pairs."""
    inputs = _plan_inputs(job)
    if not edits:
        return inputs
    draft = _draft(job, edits)
    changes = ("Changes by hand", "; ".join(e.describe() for e in edits))
    return replace(
        inputs,
        recommendations=draft.recommendations(),
        plan=draft.plan(),
        settings_used=(*inputs.settings_used, changes),
    )


def plan_view(job: Job, edits: tuple[DraftEdit, ...] = ()) -> PlanView:
    """The recommendations by institution, as the plan document lays them out, after
    ``edits`` (refused edits raise, see :func:`_draft`)."""
    from studbook.plan_document import Paragraph, Table, build_document

    section = build_document(_draft_inputs(job, edits)).sections[1]
    institutions = []
    headings: tuple[str, ...] = ()
    for sub in section.subsections:
        (table,) = [b for b in sub.blocks if isinstance(b, Table)]
        headings = table.headings
        rows = tuple(r for r in table.rows if not isinstance(r, str))
        institutions.append(PlanInstitution(sub.key, sub.title, rows))
    summary = tuple(b.text for b in section.blocks if isinstance(b, Paragraph))
    return PlanView(
        summary,
        headings,
        tuple(institutions),
        edits,
        tuple(sorted(_book(job).institutions)),
    )


def plan_edit_refusal(job: Job, edits: tuple[DraftEdit, ...], edit: DraftEdit) -> str | None:
    """Why the plan after ``edits`` refuses ``edit``, ``None`` when its rules allow it."""
    return _draft(job, edits).refusal(edit)


def plan_genetics(job: Job, edits: tuple[DraftEdit, ...]) -> tuple[tuple[str, str], ...]:
    """The draft's genetics written out: exact next-generation GD, offspring F, moves."""
    return present.lines(present.draft_figures(_draft(job, edits).genetics()))


def mate_candidates(
    job: Job, edits: tuple[DraftEdit, ...], animal: str
) -> tuple[MateCandidate, ...]:
    """Every possible mate of ``animal`` in the pairing ranker's order, with why the draft
    would refuse each pair."""
    return tuple(_draft(job, edits).mate_candidates(_analysis(job).pairings, animal))


def plan_to_issue(job: Job, edits: tuple[DraftEdit, ...]) -> PlanToIssue:
    """What ``studbook plan issue`` would store for the draft (its pairs, settings, figures)."""
    from studbook.plan_draft import plan_to_issue as to_issue

    return to_issue(_analysis(job), _recommended(job), _draft(job, edits))


def plan_document_text(job: Job, fmt: str, edits: tuple[DraftEdit, ...] = ()) -> str:
    """The whole Breeding and Transfer Plan as ``fmt`` (``markdown``, ``html`` or ``csv``),
    after ``edits``."""
    from studbook.plan_csv import plan_csv
    from studbook.plan_html import plan_html
    from studbook.plan_markdown import plan_markdown

    render = {"markdown": plan_markdown, "html": plan_html, "csv": plan_csv}[fmt]
    return render(_draft_inputs(job, edits))


# --------------------------------------------------------------------------- UI side
_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor(renew: bool = False) -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is not None and renew:
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None
        if _pool is None:
            # spawn: a fresh interpreter, no copy of the UI's threads and open connections.
            _pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        return _pool


_stopped: weakref.WeakSet[ProcessPoolExecutor] = weakref.WeakSet()
"""Pools stopped on purpose (:func:`stop`): their waiting callers fail instead of retrying."""


@atexit.register
def stop() -> None:
    """Stop the genetics process now (the app is quitting), abandoning any computation.

    A plain ``shutdown`` lets the running computation finish (seconds on a large studbook)
    and Python's exit then waits for it, and the UI threads blocked on its result keep the
    app from closing: quitting took about 3 s. The next :func:`call` starts a new process.
    """
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is None:
        return
    _stopped.add(pool)
    for process in list((pool._processes or {}).values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


def prepare() -> None:
    """Start multiprocessing's resource tracker now, while ``sys.stderr`` is still the real
    one: it is launched with stderr's file descriptor, which Textual's output capture lacks
    ("bad value(s) in fds_to_keep")."""
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()


def warm_up() -> None:
    """Start the genetics process (it imports numba and the engine while the UI starts)."""
    _executor().submit(_safely, _noop)


def _noop() -> None:
    from studbook import genedrop, inbreeding, kinship  # noqa: F401
    from studbook.jit import preload

    preload()


def call(fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn(*args)`` in the genetics process and return its result (blocking: call from a
    worker thread). Errors come back as :class:`RemoteError` with the original message."""
    pool = _executor()
    try:
        ok, value = pool.submit(_safely, fn, *args).result()
    except BrokenProcessPool:
        if pool in _stopped:
            raise RemoteError("the genetics process was stopped (the app is closing)") from None
        ok, value = _executor(renew=True).submit(_safely, fn, *args).result()
    if ok:
        return value  # type: ignore[no-any-return]
    name, message, is_studbook = value
    raise RemoteError(message if is_studbook else f"{name}: {message}")
