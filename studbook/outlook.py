"""The GD projection of a programme: the drift baseline beside the observed GD history and the
forward simulation band.

**GD projection**: the drift baseline (:func:`studbook.projection.project_gene_diversity`,
PMx's long-term scenario) from the population's N, GD, generation time T, lambda, Ne/N and
capacity K; beside it the observed gene diversity of the living population on 1 January of
each past year (:func:`studbook.timeseries.gene_diversity_over_time`); and, when asked, the
band of the individual-based simulation (:func:`studbook.simulation.simulate_gene_diversity`
in random-mating mode, the drift model's assumption, with the life table's rates).

Each input comes from the studbook or from the caller (:class:`ProjectionInputs` says which):
N is the living population of known sex on the window's last day, GD its gene diversity, T
the mean of the two sexes' life-table generation times, lambda the life-table lambda
(females), Ne/N the programme's setting ``ne_ratio`` and K the setting ``target_size``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from studbook.errors import StudbookError
from studbook.projection import GeneDiversityProjection, project_gene_diversity

if TYPE_CHECKING:
    from studbook.book import Studbook
    from studbook.demography import Demography
    from studbook.simulation import SimulationResult
    from studbook.timeseries import GeneDiversitySeries

__all__ = [
    "GeneDiversityOutlook",
    "ProjectionInputs",
    "gene_diversity_outlook",
    "simulation_for",
    "studbook_inputs",
]

_NAMES = {
    "gd": "gene diversity GD",
    "n": "population size N",
    "generation_time": "generation time T (years)",
    "growth": "lambda",
    "ne_ratio": "Ne/N",
    "capacity": "capacity K",
}


@dataclass(frozen=True)
class ProjectionInputs:
    """The drift projection's inputs and where each came from (``sources[key]``: ``studbook``,
    ``setting ...`` or ``given``). ``None`` means not known (``capacity``: no limit)."""

    gd: float | None = None
    n: float | None = None
    generation_time: float | None = None
    growth: float | None = None
    ne_ratio: float | None = None
    capacity: float | None = None
    sources: dict[str, str] = field(default_factory=dict)

    def given(self, **values: float | None) -> ProjectionInputs:
        """These inputs with the values the caller gave (``None`` keeps the studbook's)."""
        chosen = {k: v for k, v in values.items() if v is not None}
        sources = dict(self.sources) | dict.fromkeys(chosen, "given")
        return replace(self, **chosen, sources=sources)

    def missing(self) -> list[str]:
        """The required inputs nobody gave (K is optional)."""
        keys = ("gd", "n", "generation_time", "growth", "ne_ratio")
        return [k for k in keys if getattr(self, k) is None or math.isnan(getattr(self, k))]

    def describe(self) -> dict[str, Any]:
        """Each input with its source, for report headers."""
        out: dict[str, Any] = {}
        for key, name in _NAMES.items():
            value = getattr(self, key)
            shown = "no limit" if key == "capacity" and value is None else value
            out[name] = f"{shown} ({self.sources.get(key, 'not set')})"
        return out


def studbook_inputs(book: Studbook, demo: Demography, gd: float) -> ProjectionInputs:
    """The inputs a studbook gives (module docstring); ``gd`` is its living GD."""
    settings = book.settings
    sources = {
        "gd": "studbook: living population",
        "n": "studbook: living population",
        "generation_time": "studbook: life tables",
        "growth": "studbook: life-table lambda (females)",
    }
    if settings.ne_ratio is not None:
        sources["ne_ratio"] = "setting ne_ratio"
    if settings.target_size is not None:
        sources["capacity"] = "setting target_size"
    return ProjectionInputs(
        gd=gd,
        n=float(demo.n),
        generation_time=demo.generation_time,
        growth=demo.lambdas.life_table,
        ne_ratio=settings.ne_ratio,
        capacity=None if settings.target_size is None else float(settings.target_size),
        sources=sources,
    )


@dataclass(frozen=True)
class GeneDiversityOutlook:
    """The drift projection, the observed history (when a studbook was used) and the
    simulation band (when computed)."""

    inputs: ProjectionInputs
    drift: GeneDiversityProjection
    history: GeneDiversitySeries | None = None
    simulation: SimulationResult | None = None
    start: date | None = None

    def figures(self) -> dict[str, float | int]:
        """The plan's headline figures: GD at the end and after 10 generations, years above
        90 %, years to a 10-point loss."""
        drift = self.drift
        generations = min(round(10 * drift.generation_time), drift.years)
        return {
            "gd_end": drift.gd_at(drift.years),
            "years_above_90": drift.years_above(0.90),
            "years_to_10_point_loss": drift.years_until_loss(0.10),
            "gd_10_generations": drift.gd_at(generations),
            "years_10_generations": generations,
        }


def gene_diversity_outlook(
    inputs: ProjectionInputs,
    *,
    years: int = 100,
    history: GeneDiversitySeries | None = None,
    simulate: Callable[[int], SimulationResult] | None = None,
    start: date | None = None,
) -> GeneDiversityOutlook:
    """The drift projection of ``inputs`` over ``years``, with the ``history`` and the band of
    ``simulate(years)`` when given. Raises :class:`StudbookError` naming missing inputs.

    >>> p = gene_diversity_outlook(ProjectionInputs(0.9198, 46, 7.0, 1.0, 0.4683, 55))
    >>> {k: round(v, 3) for k, v in p.figures().items()}["gd_10_generations"]
    0.727
    """
    missing = inputs.missing()
    if missing:
        names = ", ".join(_NAMES[k] for k in missing)
        raise StudbookError(
            f"the projection needs {names}: give it as an option or set it "
            "(Ne/N: the setting ne_ratio; the others come from the studbook's life tables)"
        )
    assert inputs.gd is not None and inputs.n is not None
    assert inputs.generation_time is not None and inputs.ne_ratio is not None
    drift = project_gene_diversity(
        gd=inputs.gd,
        n=inputs.n,
        generation_time=inputs.generation_time,
        growth=inputs.growth if inputs.growth is not None else 1.0,
        ne_ratio=inputs.ne_ratio,
        capacity=inputs.capacity,
        years=years,
    )
    band = simulate(years) if simulate is not None else None
    return GeneDiversityOutlook(inputs, drift, history, band, start)


def simulation_for(
    book: Studbook, demo: Demography, *, replicates: int, seed: int, capacity: float | None
) -> Callable[[int], SimulationResult]:
    """A forward simulation of ``book``'s living animals of known sex and age on the window's
    last day, random mating, with ``demo``'s life tables (for :func:`gene_diversity_outlook`)."""
    from studbook.kinship import kinship_matrix
    from studbook.simulation import simulate_gene_diversity
    from studbook.status import pedigree_ages

    on = demo.window.end.toordinal() - 1
    ped = book.pedigree
    ages = pedigree_ages(ped, np.datetime64(date.fromordinal(on), "D"))
    members = ped.indices(demo.population_ids)
    keep = [int(k) for k in members if ped.sex[k] in ("M", "F") and not math.isnan(ages[k])]
    if not keep:
        raise StudbookError(
            f"no living animal of known sex and age on {date.fromordinal(on)} to simulate"
        )
    ids = [ped.ids[k] for k in keep]
    males, females = demo.tables

    def run(years: int) -> SimulationResult:
        return simulate_gene_diversity(
            kinship_matrix(ped, ids),
            [str(ped.sex[k]) for k in keep],
            np.asarray(ages[keep]),
            qx_male=np.nan_to_num(np.clip(males.qx, 0.0, 1.0), nan=0.0),
            qx_female=np.nan_to_num(np.clip(females.qx, 0.0, 1.0), nan=0.0),
            mx_male=males.mx,
            mx_female=females.mx,
            years=years,
            replicates=replicates,
            capacity=None if capacity is None else int(capacity),
            management="random",
            seed=seed,
            ids=ids,
        )

    return run
