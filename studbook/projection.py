"""Where gene diversity goes: PMx's long-term drift projection and the growth a goal needs.

The drift model (PMx's "long-term GD scenarios", after Lacy 1995) is the standard pessimistic
baseline of a Breeding and Transfer Plan. Starting from the population's size ``N0`` and gene
diversity ``GD0``, each year ``t = 1, 2, ...``:

* ``N_t = min(K, N_{t-1} * lambda)`` (growth ``lambda`` up to the capacity ``K``),
* ``Ne_t = (Ne/N) * N_t``,
* ``GD_t = GD_{t-1} * (1 - 1 / (2 Ne_t)) ** (1 / T)``: a generation of drift in an ideal
  population of size ``Ne`` keeps ``1 - 1/(2 Ne)`` of the gene diversity, spread over the ``T``
  years a generation takes.

It ignores management: pairing by mean kinship keeps more than drift alone (Earnhardt et al.
2004 found the model overestimates the loss in 40 managed populations), so read it as the loss
an unmanaged population of that size would suffer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from studbook.errors import StudbookError

__all__ = [
    "GeneDiversityProjection",
    "growth_needed",
    "project_gene_diversity",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class GeneDiversityProjection:
    """The yearly drift projection: ``gd[t]`` and ``n[t]`` after ``t`` years (``t = 0`` is now).

    The inputs are kept so that a report can print what the projection assumed.
    """

    gd: FloatArray
    n: FloatArray
    generation_time: float
    growth: float
    ne_ratio: float
    capacity: float

    @property
    def years(self) -> int:
        """How many years were projected."""
        return len(self.gd) - 1

    def gd_at(self, year: int) -> float:
        """Gene diversity after ``year`` whole years."""
        if not 0 <= year <= self.years:
            raise StudbookError(f"year {year} is outside the projection (0 to {self.years})")
        return float(self.gd[year])

    def years_above(self, threshold: float) -> int:
        """The last whole year ``t`` with ``gd[t] >= threshold``; -1 if even ``gd[0]`` is below.

        When the threshold is still met at the end, this is :attr:`years` (the projection is too
        short to say more).
        """
        below = np.flatnonzero(self.gd < threshold)
        return int(below[0]) - 1 if below.size else self.years

    def years_until_loss(self, points: float = 0.10) -> int:
        """Whole years before gene diversity has lost ``points`` (0.10 = 10 percentage points)
        from its start: the last year ``t`` with ``gd[t] > gd[0] - points``."""
        lost = np.flatnonzero(self.gd <= self.gd[0] - points)
        return int(lost[0]) - 1 if lost.size else self.years

    def gd_after_generations(self, generations: float = 10.0) -> float:
        """Gene diversity after ``generations`` generations (at the nearest whole year)."""
        return self.gd_at(round(generations * self.generation_time))


def project_gene_diversity(
    *,
    gd: float,
    n: float,
    generation_time: float,
    growth: float = 1.0,
    ne_ratio: float,
    capacity: float | None = None,
    years: int = 100,
) -> GeneDiversityProjection:
    """Project gene diversity ``years`` ahead under drift (see the module docstring).

    Parameters
    ----------
    gd : gene diversity now (0 to 1).
    n : population size now (animals).
    generation_time : T, mean parental age at birth (years).
    growth : lambda, the yearly growth factor (1.0 = stable).
    ne_ratio : Ne/N, effective size per animal (a programme setting; PMx publishes it).
    capacity : K, the largest size the programme will hold (default: no limit).
    years : how many years to project.

    Examples
    --------
    The AZA pygmy slow loris plan of 2025 (N 46, T 7.0, GD 91.98 %, Ne/N 0.4683, K 55):

    >>> p = project_gene_diversity(gd=0.9198, n=46, generation_time=7.0, ne_ratio=0.4683,
    ...                            capacity=55, years=100)
    >>> round(p.gd_at(100), 3), p.years_above(0.90), p.years_until_loss(0.10)
    (0.658, 6, 34)
    """
    if not 0.0 < gd <= 1.0:
        raise StudbookError(f"gene diversity must be in (0, 1], not {gd}")
    if n <= 0 or generation_time <= 0 or growth <= 0 or ne_ratio <= 0 or years < 0:
        raise StudbookError(
            "population size, generation time, growth and Ne/N must be positive "
            f"(n={n}, T={generation_time}, lambda={growth}, Ne/N={ne_ratio}); years >= 0"
        )
    cap = math.inf if capacity is None else float(capacity)
    if cap <= 0:
        raise StudbookError(f"the capacity must be positive, not {capacity}")
    t = np.arange(years + 1, dtype=np.float64)
    sizes = np.minimum(cap, float(n) * float(growth) ** t)
    sizes[0] = float(n)
    ne = ne_ratio * sizes[1:]
    if (ne <= 0.5).any():
        raise StudbookError(
            f"an effective size of {ne.min():.2f} loses all gene diversity in one generation: "
            "check n and Ne/N"
        )
    log_keep = np.log1p(-1.0 / (2.0 * ne)) / generation_time
    path = gd * np.exp(np.concatenate(([0.0], np.cumsum(log_keep))))
    return GeneDiversityProjection(
        gd=path,
        n=sizes,
        generation_time=float(generation_time),
        growth=float(growth),
        ne_ratio=float(ne_ratio),
        capacity=cap,
    )


def growth_needed(n: float, target: float, years: float) -> float:
    """The yearly growth factor that takes ``n`` animals to ``target`` in ``years``:
    ``lambda = (target / n) ** (1 / years)``.

    >>> round(growth_needed(46, 55, 5), 4)
    1.0364
    """
    if n <= 0 or target <= 0 or years <= 0:
        raise StudbookError(
            f"size now, target size and years must be positive (n={n}, target={target}, "
            f"years={years})"
        )
    return float((target / n) ** (1.0 / years))
