"""Series and bins for population charts: the age-sex pyramid and gene diversity over time.

These are the numbers the terminal UI draws; the widgets do no arithmetic of their own.

* :func:`age_sex_pyramid` counts the members of a reference population by age class and sex.
* :func:`census_dates` lists one census day per year; :func:`gene_diversity_over_time` takes the
  reference population at each of them and reports its gene diversity
  ``GD = 1 - mean kinship`` (kinship, not relationship, averaged over all ordered pairs of the
  population including each animal with itself), as PMx does.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from studbook.errors import StudbookError
from studbook.pedigree import Pedigree
from studbook.population import ReferencePopulation, as_day, reference_population

__all__ = [
    "AgeSexPyramid",
    "GeneDiversitySeries",
    "age_sex_pyramid",
    "census_dates",
    "gene_diversity_over_time",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class AgeSexPyramid:
    """Counts of a population by age class (youngest first) and sex.

    ``lower[i]`` is the first age (years, inclusive) of class ``i``; the class runs to
    ``lower[i + 1]`` (exclusive); the last class is open-ended. ``unknown_age`` counts members
    without a birth date, by sex (``M``, ``F``, ``U``), which no class holds.
    """

    lower: tuple[int, ...]
    labels: tuple[str, ...]
    males: IntArray
    females: IntArray
    unknown_sex: IntArray
    unknown_age: dict[str, int]

    @property
    def total(self) -> int:
        """Everyone counted, including unknown ages."""
        return int(self.males.sum() + self.females.sum() + self.unknown_sex.sum()) + sum(
            self.unknown_age.values()
        )


def age_sex_pyramid(
    population: ReferencePopulation, *, width: int = 2, classes: int | None = None
) -> AgeSexPyramid:
    """Bin the members of ``population`` by age at its census date in ``width``-year classes.

    ``classes`` fixes the number of classes (the last one open-ended, e.g. ``20+``); by default
    there are just enough to hold the oldest member.

    >>> from studbook.pedigree import Pedigree
    >>> ped = Pedigree.from_cells(["a", "b", "c"], ["", "", ""], ["", "", ""], ["M", "F", "F"],
    ...                           birth_date=["2019-06-01", "2023-01-01", "2015-01-01"])
    >>> pyr = age_sex_pyramid(reference_population(ped, census_date="2024-01-01"), width=5)
    >>> pyr.labels, pyr.males.tolist(), pyr.females.tolist()
    (('0-4', '5-9'), [1, 0], [1, 1])
    """
    if width < 1:
        raise StudbookError(f"age class width must be at least 1 year, not {width}")
    ped = population.pedigree
    members = population.indices
    ages = population.ages()[members]
    sex = ped.sex[members]
    known = ~np.isnan(ages)
    oldest = float(ages[known].max()) if known.any() else 0.0
    n = classes if classes is not None else max(int(oldest // width) + 1, 1)
    if n < 1:
        raise StudbookError(f"need at least one age class, not {n}")
    lower = tuple(range(0, n * width, width))
    labels = tuple(
        f"{lo}+" if i == n - 1 and classes is not None else f"{lo}-{lo + width - 1}"
        for i, lo in enumerate(lower)
    )
    cls = np.minimum((ages[known] // width).astype(np.int64), n - 1)
    sex_known = sex[known]

    def count(code: str) -> IntArray:
        return np.bincount(cls[sex_known == code], minlength=n).astype(np.int64)

    unknown_age = {code: int(((sex == code) & ~known).sum()) for code in ("M", "F", "U")}
    return AgeSexPyramid(lower, labels, count("M"), count("F"), count("U"), unknown_age)


@dataclass(frozen=True, eq=False)
class GeneDiversitySeries:
    """Gene diversity of the reference population at a series of census dates.

    ``gd`` is NaN where the population was empty.
    """

    dates: npt.NDArray[np.datetime64]
    size: IntArray
    gd: FloatArray

    @property
    def years(self) -> list[str]:
        """The census years as text, for chart labels."""
        return [str(d)[:4] for d in self.dates]


def census_dates(
    pedigree: Pedigree,
    *,
    end: np.datetime64 | str | None = None,
    first_year: int | None = None,
    month_day: str = "01-01",
) -> npt.NDArray[np.datetime64]:
    """One census day a year (``YYYY-<month_day>``) from the first recorded birth to ``end``.

    ``first_year`` overrides the start; ``end`` defaults to today and is included as the last
    date when it does not fall on ``month_day``.

    >>> from studbook.pedigree import Pedigree
    >>> ped = Pedigree.from_cells(["a"], [""], [""], birth_date=["2020-05-01"])
    >>> [str(d) for d in census_dates(ped, end="2022-07-01")]
    ['2021-01-01', '2022-01-01', '2022-07-01']
    """
    last = as_day(end)
    births = pedigree.birth_date[~np.isnat(pedigree.birth_date)]
    if first_year is None:
        if births.size == 0:
            return np.array([last], "datetime64[D]")
        first_year = int(str(births.min())[:4]) + 1
    last_year = int(str(last)[:4])
    days: list[np.datetime64] = [
        day
        for y in range(first_year, last_year + 1)
        if (day := np.datetime64(f"{y:04d}-{month_day}", "D")) <= last
    ]
    if not days or days[-1] != last:
        days.append(last)
    return np.array(days, "datetime64[D]")


MeanKinship = Callable[[Pedigree, BoolArray], float]
"""``(pedigree, population mask) -> mean kinship`` over all ordered pairs incl. self-pairs."""


def gene_diversity_over_time(
    pedigree: Pedigree,
    dates: Sequence[np.datetime64] | npt.NDArray[np.datetime64],
    mean_kinship: MeanKinship,
    *,
    should_continue: Callable[[int, int], bool] | None = None,
    living: Callable[[date], Collection[str]] | None = None,
) -> GeneDiversitySeries:
    """GD = 1 - mean kinship of the reference population at each of ``dates``.

    ``mean_kinship`` computes the average kinship of a population (the genetics engine's);
    ``should_continue(done, total)`` is called after each date and may return ``False`` to
    stop early (the series then ends at the last date computed). ``living(day)`` gives the ids
    living on a day when the caller knows the events (:meth:`studbook.book.Studbook.living_ids`);
    without it the pedigree's own columns decide (:func:`studbook.status.living_mask`).

    >>> from studbook.pedigree import Pedigree
    >>> ped = Pedigree.from_cells(["a", "b"], ["", ""], ["", ""],
    ...                           birth_date=["2000-01-01", "2001-01-01"])
    >>> def mk(ped, mask):  # two unrelated founders: kinship 1/2 with self, 0 otherwise
    ...     return 0.5 / int(mask.sum())
    >>> s = gene_diversity_over_time(ped, census_dates(ped, end="2003-01-01"), mk)
    >>> s.years, s.size.tolist(), s.gd.tolist()
    (['2001', '2002', '2003'], [2, 2, 2], [0.75, 0.75, 0.75])
    """
    days = np.array(dates, "datetime64[D]")
    sizes = np.zeros(days.size, np.int64)
    gd = np.full(days.size, np.nan)
    done = days.size
    for i, day in enumerate(days):
        alive = None if living is None else living(day.astype(date))
        mask = reference_population(pedigree, census_date=day, living=alive).mask
        sizes[i] = int(mask.sum())
        if sizes[i]:
            value = 1.0 - float(mean_kinship(pedigree, mask))
            gd[i] = value if math.isfinite(value) else np.nan
        if should_continue is not None and not should_continue(i + 1, days.size):
            done = i + 1
            break
    return GeneDiversitySeries(days[:done], sizes[:done], gd[:done])
