"""Gather a Breeding and Transfer Plan's inputs from a studbook's analyses.

:func:`plan_document_inputs` takes the :class:`~studbook.analysis.Analysis` every front end uses
(reference population, genetics, candidates, breeding plan, summary) and the demography over
the programme's window, and fills one :class:`~studbook.plan_document.PlanDocumentInputs`:

* the summary figures (N by sex from P; the three lambdas, T and the births needed from the
  demography; founders, FGE, GD, mean MK, mean F and % known from the population summary);
* one disposition per living animal (:func:`studbook.dispositions.dispositions`) from the
  exact optimal breeding plan (the programme's kinship limit and region penalty, one pairing
  per animal, as many pairs as allowed);
* the exclusions, the MK lists per sex and the four charts (census history, age pyramid, GD
  observed and projected by drift, founder representation).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from datetime import date

import numpy as np
import numpy.typing as npt

from studbook.analysis import Analysis
from studbook.book import Studbook
from studbook.chart_data import BarChart, Chart, LineChart, PyramidChart, Series
from studbook.demography import Demography
from studbook.dispositions import AnimalStanding
from studbook.errors import StudbookError
from studbook.pedigree import Pedigree
from studbook.plan_document import (
    DEMOGRAPHIC_KEYS,
    GENETIC_KEYS,
    Exclusion,
    HeldAnimal,
    MkList,
    MkRow,
    PlanDocumentInputs,
)
from studbook.plan_draft import plan_dispositions
from studbook.present import counted
from studbook.ranking import mk_order
from studbook.status import DAYS_PER_YEAR, LIVING_DEFINITION, studbook_sort_key

__all__ = ["data_current_to", "plan_animals", "plan_document_inputs", "population_figures"]

_SEX_TITLES = (("M", "Males"), ("F", "Females"), ("U", "Unknown sex"))
_FEWEST_FOR_GD = 10
"""The observed GD line starts at the first census of this many animals: the GD of the first
two or three founders (0.5 to 0.67) would squash the scale of everything after."""
_MOVER_WORDS = {"M": "the male moves to the female", "F": "the female moves to the male"}


def data_current_to(book: Studbook) -> date | None:
    """The latest date the records hold: any event's, birth's or death's (first day of a
    partial date); ``None`` for a studbook without dates."""
    days = [e.date.earliest for es in book.events.values() for e in es if e.date is not None]
    for record in book.records.values():
        days += [d.earliest for d in (record.birth_date, record.death_date) if d is not None]
    return max(days, default=None)


def _year(day: date) -> float:
    """A date as a decimal year, for chart axes."""
    return day.year + (day.timetuple().tm_yday - 1) / DAYS_PER_YEAR


def population_figures(analysis: Analysis) -> dict[str, float | int | None]:
    """The plan's population and genetic figures (keys of :data:`DEMOGRAPHIC_KEYS` and
    :data:`GENETIC_KEYS` that need no demography): stored with an issued plan, so that the
    next plan's document shows them as the previous plan's."""
    s = analysis.summary
    certainty = analysis.certainty
    assumed = certainty.assumption_set is not None
    return {
        "n": s.n,
        "males": s.males,
        "females": s.females,
        "unknown_sex": s.unknown_sex,
        "founders": s.founders,
        "potential_founders": len(certainty.potential.ids),
        "founder_genome_equivalents": s.founder_genome_equivalents,
        "gene_diversity": s.gene_diversity,
        "mean_kinship": s.mean_kinship,
        "mean_inbreeding": s.mean_inbreeding,
        "mean_known": certainty.known_before,
        "mean_known_assumed": certainty.known_after if assumed else None,
        "mean_certain": certainty.certain,
    }


def _figures(analysis: Analysis, demo: Demography) -> dict[str, float | int | None]:
    lam = demo.lambdas
    return {
        **population_figures(analysis),
        "lambda_life_table": lam.life_table,
        "lambda_census": lam.census,
        "lambda_projected_mean": lam.projected_mean,
        "generation_time": demo.generation_time,
        "births_per_year": demo.goals.births_per_year if demo.goals is not None else None,
    }


def _charts(analysis: Analysis, demo: Demography) -> tuple[tuple[Chart, ...], str]:
    """The four charts, and the sentence saying where the projection's Ne/N came from."""
    from studbook.kinship import mean_kinship_array
    from studbook.outlook import gene_diversity_outlook, studbook_inputs
    from studbook.timeseries import age_sex_pyramid, gene_diversity_over_time

    book = analysis.book
    years = tuple(_year(c.date) for c in demo.census)
    census = LineChart(
        "Census history",
        "Year",
        "Living animals",
        (
            Series("Total", years, tuple(float(c.total) for c in demo.census)),
            Series("Males", years, tuple(float(c.males) for c in demo.census)),
            Series("Females", years, tuple(float(c.females) for c in demo.census)),
        ),
        note=f"Living animals on 1 January of each year of the demographic window "
        f"({demo.window.describe()}) and on its last day.",
    )
    pyramid = age_sex_pyramid(analysis.population, width=2)
    unknown = ", ".join(f"{sex} {n}" for sex, n in pyramid.unknown_age.items() if n)
    ages = PyramidChart(
        f"Age pyramid on {analysis.census_date}",
        pyramid.labels,
        tuple(int(v) for v in pyramid.males),
        tuple(int(v) for v in pyramid.females),
        note="Animals of P by 2-year age class. Not drawn: "
        f"{int(pyramid.unknown_sex.sum())} of unknown sex"
        + (f"; without a birth date: {unknown}" if unknown else "")
        + ".",
    )

    def mean_kinship(ped: Pedigree, mask: npt.NDArray[np.bool_]) -> float:
        return float(mean_kinship_array(ped, mask)[mask].mean())

    days = np.array([c.date for c in demo.census], "datetime64[D]")
    history = gene_diversity_over_time(book.pedigree, days, mean_kinship, living=book.living_ids)
    enough = np.flatnonzero(history.size >= _FEWEST_FOR_GD)
    first = int(enough[0]) if enough.size else history.size.size
    observed = Series(
        "Observed",
        tuple(_year(d.astype(date)) for d in history.dates[first:]),
        tuple(float(g) for g in history.gd[first:]),
    )
    inputs = studbook_inputs(book, demo, analysis.summary.gene_diversity)
    if inputs.ne_ratio is None and demo.n and math.isfinite(demo.inbreeding_ne):
        estimate = "studbook's estimate from inbreeding (setting ne_ratio not set)"
        inputs = replace(
            inputs,
            ne_ratio=demo.inbreeding_ne / demo.n,
            sources={**inputs.sources, "ne_ratio": estimate},
        )
    series = [observed]
    if inputs.missing():
        ne_note = "No drift projection: it needs " + ", ".join(inputs.missing()) + "."
    else:
        outlook = gene_diversity_outlook(inputs, years=100)
        start = _year(analysis.census_date)
        drift = outlook.drift
        series.append(
            Series(
                "Drift projection",
                tuple(start + t for t in range(drift.years + 1)),
                tuple(float(g) for g in drift.gd),
                dashed=True,
            )
        )
        ne_note = (
            f"Drift projection over 100 years from GD {inputs.gd:.4f}, N {inputs.n:g}, "
            f"T {inputs.generation_time:.1f} years, λ {inputs.growth:.4f}, "
            f"Ne/N {inputs.ne_ratio:.3f} ({inputs.sources['ne_ratio']}), "
            f"K {'no limit' if inputs.capacity is None else f'{inputs.capacity:g}'}."
        )
    projection = LineChart(
        "Gene diversity: observed and projected",
        "Year",
        "Gene diversity (%)",
        tuple(series),
        y_scale=100.0,
        y_spec=".1f",
        note=f"Observed: GD of the living population on each census day, from the first with "
        f"at least {_FEWEST_FOR_GD} animals. " + ne_note,
    )
    representation = analysis.summary.founder_representation
    founders = sorted(representation, key=studbook_sort_key)
    bars = BarChart(
        "Founder representation in the living population",
        "Founder",
        "Representation",
        tuple(founders),
        tuple(float(representation[f]) for f in founders),
        y_spec=".3f",
        reference=1.0 / len(founders) if founders else None,
        reference_label="equal representation",
        note="r_k = (1/N) sum over P of founder k's expected share of each genome; "
        "founders include unknown and hypothetical parents counted as founders.",
    )
    return (census, ages, projection, bars), ne_note


def plan_animals(
    analysis: Analysis, exclusion_reasons: Mapping[str, str] | None = None
) -> tuple[tuple[HeldAnimal, ...], tuple[AnimalStanding, ...], tuple[Exclusion, ...]]:
    """Every animal living on the census date as the plan lists it, what the disposition rules
    need to know about it (:class:`~studbook.dispositions.AnimalStanding`), and the living
    animals left out of the genetic analysis with the reason (``exclusion_reasons`` overrides
    the reference population's own)."""
    book = analysis.book
    on = analysis.census_date
    population = analysis.population
    candidates = analysis.candidates
    profile = analysis.programme.profile
    reasons = dict(exclusion_reasons or {})
    contraception = book.contraception_since(on)
    animals = []
    standings = []
    exclusions = []
    for animal_id in book.living_ids(on):
        record = book.records[animal_id]
        where = book.location_on(animal_id, on)
        age = book.age(animal_id, on)
        animals.append(
            HeldAnimal(
                animal_id,
                where,
                record.sex,
                record.house_name,
                book.local_id_on(animal_id, on),
                age,
            )
        )
        outside = population.why_not(animal_id)
        if outside is not None:
            outside = reasons.get(animal_id, outside)
            exclusions.append(Exclusion(animal_id, where, outside, record.house_name))
        since = contraception.get(animal_id, False)
        window = profile.breeding_age_male if record.sex == "M" else profile.breeding_age_female
        standings.append(
            AnimalStanding(
                animal_id,
                record.sex,
                where,
                age=age,
                in_population=outside,
                not_candidate=candidates.excluded.get(animal_id),
                breeding_age=window,
                contraception=(
                    None
                    if since is False
                    else f"on contraception since {since}"
                    if since
                    else "on contraception"
                ),
            )
        )
    return tuple(animals), tuple(standings), tuple(exclusions)


def plan_document_inputs(
    analysis: Analysis,
    demo: Demography | None = None,
    *,
    plan_date: date | None = None,
    programme: str | None = None,
    exclusion_reasons: Mapping[str, str] | None = None,
    previous: Mapping[str, float] | None = None,
    mover: str = "M",
    software: str = "",
) -> PlanDocumentInputs:
    """The inputs of the Breeding and Transfer Plan for ``analysis`` (module docstring).

    ``exclusion_reasons`` gives the coordinator's reason for animals the analysis excludes
    (default: the reference population's own reason); ``previous`` the previous plan's figures
    (keys of :data:`~studbook.plan_document.DEMOGRAPHIC_KEYS` and
    :data:`~studbook.plan_document.GENETIC_KEYS`); ``mover`` the sex that travels to a mate
    held elsewhere. ``demo`` defaults to the demography over the programme's window ending on
    the census date (:func:`~studbook.demography.window_for`, 1000 projection replicates, seed
    0), the same for every front end. Raises :class:`StudbookError` for a key of ``previous``
    the plan does not show.
    """
    stored = analysis.book.plans.last
    if previous is None and stored is not None:
        shown = (*DEMOGRAPHIC_KEYS, *GENETIC_KEYS)
        previous = {k: v for k, v in stored.figures.items() if k in shown and v is not None}
    if previous is not None:
        unknown = sorted(set(previous) - set(DEMOGRAPHIC_KEYS) - set(GENETIC_KEYS))
        if unknown:
            raise StudbookError(
                f"previous plan: {counted(len(unknown), 'unknown figure')}: "
                + ", ".join(unknown)
                + "; use "
                + ", ".join((*DEMOGRAPHIC_KEYS, *GENETIC_KEYS))
            )
    book = analysis.book
    on = analysis.census_date
    if demo is None:
        from studbook.demography import demography, window_for

        demo = demography(book, window_for(book, today=on))
    population = analysis.population
    ped = population.pedigree
    candidates = analysis.candidates
    profile = analysis.programme.profile
    animals, standings, exclusions = plan_animals(analysis, exclusion_reasons)
    plan = analysis.recommended_plan().plan.optimal
    recommendations = plan_dispositions(standings, plan.pairs, mover=mover)
    genetics = analysis.genetics
    mk_lists = []
    members = population.indices
    for code, title in _SEX_TITLES:
        chosen = members[ped.sex[members] == code]
        if code == "U" and not chosen.size:
            continue
        ids = [ped.ids[k] for k in chosen.tolist()]
        order = mk_order(ids, genetics.mk[chosen])
        rows = tuple(
            MkRow(
                ids[i],
                float(genetics.mk[chosen[i]]),
                float(genetics.known[chosen[i]]),
                book.age(ids[i], on),
                book.location_on(ids[i], on),
                book.records[ids[i]].house_name,
            )
            for i in order.tolist()
        )
        mk_lists.append(MkList(title, genetics.mean_mk, rows))
    charts, ne_note = _charts(analysis, demo)
    settings = analysis.programme
    goals = (
        f"{counted(settings.target_size, 'animal')} in {counted(settings.target_years, 'year')}"
        if settings.target_size and settings.target_years
        else "not set (settings target_size and target_years)"
    )
    flags = settings.founder_flags
    settings_used = (
        ("Reference population", population.definition),
        ("Demographic window", demo.window.describe()),
        ("Species profile", profile.describe()),
        ("Goals", goals),
        ("Kinship limit (pairs at or above are not made)", f"{settings.kinship_limit:g}"),
        ("Founder flags counted", "all in the studbook" if flags is None else ", ".join(flags)),
        ("Flagged-founder cap", f"{settings.flagged_cap:g}"),
        (
            "Breeding plan",
            "the recommended plan (studbook breeding-plan): as many pairs as the goals need, "
            "the largest total ΔGD after transfer costs, proven pairs kept, breeding holds "
            "respected, one pairing per animal",
        ),
        ("Mates at two institutions", _MOVER_WORDS[mover]),
    )
    assumptions = (
        (
            f"Pedigree analysed: {analysis.pedigree_label}."
            if analysis.assumptions is not None
            else "True data only: no pedigree assumptions (hypothetical parents, resolved "
            "MULTs, estimated dates) were applied beyond what the studbook records."
        ),
        "Unknown (UNK) parents count as unrelated founders, MULT parents by their "
        "probabilities, and hypothetical parents (placeholders such as H1) as founders of "
        "their own; MK is therefore underestimated where % known is low.",
        ne_note,
    )
    conventions: tuple[str, ...] = (
        f"Living: {LIVING_DEFINITION}, on the census date.",
        "Ages are in years of 365.25 days from the first day of the birth date; a date known "
        "only to the month or year counts from the first day of that period.",
        "MK is mean kinship (kinship, not relationship) over the reference population P; "
        "GD = 1 - mean MK; FGE = 1 / (2 mean MK); % known is the share of an animal's genome "
        "traced to known founders.",
        "Institution headings give the census as males.females.unknown; animals are listed "
        "in studbook-number order.",
        "Dispositions: a pair at one institution breeds there; for a pair at two, "
        f"{_MOVER_WORDS[mover]} (SEND TO / RECEIVE FROM). A breeding candidate without a "
        "mate: DO NOT BREED. Below breeding age, sex or age unknown, on health hold, or left "
        "out of the analysis: HOLD. Past breeding age or a non-breeder: DO NOT BREED.",
        "Data current to: the latest date the records hold (an event, birth or death).",
    )
    figures = _figures(analysis, demo)
    if previous is not None:
        conventions += (
            "Previous plan: the figures of the last issued plan (studbook plan issue), or as "
            "given.",
        )
    return PlanDocumentInputs(
        programme=programme or settings.species or "Studbook programme",
        plan_date=plan_date or date.today(),
        census_date=on,
        data_current_to=data_current_to(book),
        settings_used=settings_used,
        demographic={k: figures[k] for k in DEMOGRAPHIC_KEYS},
        genetic={k: figures[k] for k in GENETIC_KEYS},
        institutions=dict(book.institutions),
        animals=animals,
        recommendations=recommendations,
        plan=plan,
        exclusions=exclusions,
        exclusion_counts=candidates.exclusion_counts(),
        mk_lists=tuple(mk_lists),
        charts=charts,
        assumptions=assumptions,
        conventions=conventions,
        previous=dict(previous) if previous is not None else None,
        software=software,
    )
