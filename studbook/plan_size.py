"""How many pairs a breeding plan recommends: as many as the programme's goals need, not as many
as the pairing rules allow.

A plan is for one breeding season (a year). The number of pairs is

    pairs = ceil(births needed per year / (expected litter size x success rate)),

capped at the number of pairs the candidates allow, unless the user asks for a number
(:func:`asked_pairs`: a whole number of 0 or more; none asked, the goals' number), where

* **births needed per year** come from the life tables (:func:`studbook.demography.
  reproductive_goals`): the population P's age-sex structure is projected with the life table's
  survival and topped up each year with the young needed to follow ``N * lambda ** t`` to the
  target size (setting ``target_size``) in ``target_years``; the mean over those years. When the
  goals are not set, the plan keeps P at its present size for one year (the births that replace
  the deaths the life table expects) and says which settings to set;
* the **expected litter size** is the mean size of the litters born in the demographic window
  (young born to one dam on one day, :func:`studbook.demography.litter_sizes`), 1 when none;
* the **success rate** is the share of recommended pairs that produce a litter within the year
  (:func:`success_rate`): the programme's own record when plans have been tracked
  (:mod:`studbook.recommendations`), shrunk toward the setting ``success_rate`` with the weight
  of :data:`PRIOR_WEIGHT` recommendations, so that a first handful of outcomes does not swing
  the plan (one failure alone would call for infinitely many pairs):

      rate = (fulfilled + w x default) / (recorded + w).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from studbook.defaults import DEFAULT_SUCCESS_RATE
from studbook.errors import StudbookError
from studbook.present import counted

if TYPE_CHECKING:
    from studbook.book import Studbook
    from studbook.population import ReferencePopulation
    from studbook.settings import ProgrammeSettings

__all__ = [
    "DEFAULT_SUCCESS_RATE",
    "PRIOR_WEIGHT",
    "BirthsNeeded",
    "PairCountError",
    "PlanSize",
    "SuccessRate",
    "asked_pairs",
    "births_needed",
    "plan_size",
    "population_day",
    "success_rate",
]


PRIOR_WEIGHT = 10
"""How many recommendations the default success rate weighs against the recorded outcomes."""


class PairCountError(StudbookError, ValueError):
    """A number of pairs that a plan cannot have (not a whole number of 0 or more)."""


def asked_pairs(given: str | int | None) -> int | None:
    """The number of pairs a user asks a plan for, from the command line's ``--pairs``, the
    UI's plan form or the API: ``None`` (not given, or a blank text) leaves the plan sized by
    the goals; otherwise a whole number of 0 or more, else :class:`PairCountError`.

    >>> asked_pairs(" 12 "), asked_pairs(""), asked_pairs(0)
    (12, None, 0)
    >>> asked_pairs("-1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    studbook.plan_size.PairCountError: pairs: '-1' is not allowed; use a whole number of 0 or ...
    """
    if given is None or (isinstance(given, str) and not given.strip()):
        return None
    text = given.strip() if isinstance(given, str) else str(given)
    try:
        count = int(text)
    except ValueError:
        count = -1
    if count < 0:
        raise PairCountError(
            f"pairs: {text!r} is not allowed; use a whole number of 0 or more, or none for "
            "as many as the goals need"
        )
    return count


@dataclass(frozen=True)
class SuccessRate:
    """The success rate used to size a plan and where it comes from.

    >>> success_rate(3, 10, 0.2).text()
    'success rate = (3 fulfilled + 10 x default 0.2) / (10 recorded + 10) = 0.25'
    >>> success_rate(0, 0, 0.2).text()
    'success rate = 0.2 (setting success_rate; no recorded outcome of a past plan yet)'
    """

    rate: float
    fulfilled: int
    recorded: int
    default: float

    def text(self) -> str:
        """The arithmetic, for reports."""
        if self.recorded == 0:
            return (
                f"success rate = {self.default:g} (setting success_rate; "
                "no recorded outcome of a past plan yet)"
            )
        return (
            f"success rate = ({self.fulfilled} fulfilled + {PRIOR_WEIGHT} x default "
            f"{self.default:g}) / ({self.recorded} recorded + {PRIOR_WEIGHT}) = {self.rate:.3g}"
        )


def success_rate(fulfilled: int, recorded: int, default: float) -> SuccessRate:
    """The success rate from ``fulfilled`` of ``recorded`` outcomes and the ``default``
    (module docstring: ``(fulfilled + w default) / (recorded + w)``).

    >>> success_rate(10, 10, 0.2).rate
    0.6
    """
    if not 0 <= fulfilled <= recorded:
        raise ValueError(f"fulfilled ({fulfilled}) must be between 0 and recorded ({recorded})")
    rate = (fulfilled + PRIOR_WEIGHT * default) / (recorded + PRIOR_WEIGHT)
    return SuccessRate(rate, fulfilled, recorded, default)


@dataclass(frozen=True)
class BirthsNeeded:
    """Births needed per year and the goal they serve."""

    per_year: float
    goal: str
    goals_set: bool
    litter_size: float
    litters: int
    deaths: int = 0
    """Deaths the life tables saw in the demographic window (none: every animal looks
    immortal, and no births are needed to keep the population's size)."""


@dataclass(frozen=True)
class PlanSize:
    """The number of pairs a plan needs, with the arithmetic (see the module docstring).

    >>> s = plan_size(BirthsNeeded(12.0, "keep N", False, 2.0, 40), success_rate(0, 0, 0.2), 50)
    >>> s.per_pair, s.needed, s.pairs
    (0.4, 30, 30)
    """

    births: BirthsNeeded
    success: SuccessRate
    per_pair: float
    needed: int
    possible: int
    pairs: int

    def lines(self) -> list[str]:
        """The arithmetic, one step a line, for the command line and the report."""
        b = self.births
        out = [
            f"goal: {b.goal}",
            f"births needed = {b.per_year:.1f} a year (life tables, "
            f"{counted(b.deaths, 'death')} in the demographic window)",
            f"expected litter size = {b.litter_size:.2f} (mean of "
            f"{counted(b.litters, 'litter')} in the demographic window)"
            if b.litters
            else "expected litter size = 1 (no litter in the demographic window)",
            self.success.text(),
            f"per pair per year = {b.litter_size:.2f} x {self.success.rate:.3g} = "
            f"{self.per_pair:.3g} young",
            f"pairs = ceil({b.per_year:.1f} / {self.per_pair:.3g}) = {self.needed}",
        ]
        if b.deaths == 0:
            out.append(
                "the life tables saw no death: check that deaths are recorded (death dates, "
                "alive = no) before trusting the births needed"
            )
        if self.pairs < self.needed:
            possible = counted(self.possible, "pair", verb="is")
            out.append(f"only {possible} possible under the rules: {self.pairs}")
        return out


def plan_size(births: BirthsNeeded, success: SuccessRate, possible: int) -> PlanSize:
    """Pairs = ceil(births / (litter size x success rate)), at most ``possible``."""
    per_pair = births.litter_size * success.rate
    if births.per_year <= 0:
        needed = 0
    elif per_pair <= 0:
        needed = possible
    else:
        # a hair of tolerance so that 12.0 / 0.4 = 30.000000000000004 is 30 pairs
        needed = math.ceil(births.per_year / per_pair - 1e-9)
    return PlanSize(births, success, per_pair, needed, possible, min(needed, possible))


def births_needed(
    book: Studbook, population: ReferencePopulation, settings: ProgrammeSettings
) -> BirthsNeeded:
    """Births a year that take P to the programme's target (module docstring), with the litter
    size of the demographic window (setting ``demographic_window``)."""
    from studbook.demography import (
        age_counts,
        life_histories,
        litter_sizes,
        reproductive_goals,
        window_for,
    )
    from studbook.lifetable import life_table

    window = window_for(book, today=population_day(population))
    found = life_histories(book, window)
    span = (np.datetime64(window.start, "D"), np.datetime64(window.end, "D"))
    tables = (life_table(found.histories, "M", span), life_table(found.histories, "F", span))
    ped = population.pedigree
    ages = population.ages()
    males = age_counts(ages[population.mask & (ped.sex == "M")])
    females = age_counts(ages[population.mask & (ped.sex == "F")])
    n = int(males.sum() + females.sum())
    target, years = settings.target_size, settings.target_years
    goals_set = bool(target and years)
    if target and years:
        goal = (
            f"{counted(target, 'animal')} in {counted(years, 'year')} "
            "(settings target_size, target_years)"
        )
    else:
        missing = " and ".join(
            key for key, value in (("target_size", target), ("target_years", years)) if not value
        )
        goal = (
            f"not set ({missing}): keep P at its present {counted(n, 'animal')} for a year; "
            f"set {missing} to plan for the programme's goals"
        )
        target, years = n, 1
    per_year = 0.0
    if n > 0 and target:
        goals = reproductive_goals(males, females, tables, target=target, years=years)
        per_year = goals.births_per_year
    sizes = litter_sizes(ped, found.histories, span)
    litter = float(sizes.mean()) if sizes.size else 1.0
    deaths = round(float(tables[0].deaths.sum() + tables[1].deaths.sum()))
    return BirthsNeeded(per_year, goal, goals_set, litter, int(sizes.size), deaths)


def population_day(population: ReferencePopulation) -> date:
    """The census date of ``population`` as a :class:`datetime.date`."""
    return date.fromisoformat(str(np.datetime_as_string(population.census_date, unit="D")))
