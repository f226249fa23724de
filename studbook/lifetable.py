"""Life tables by sex, as PMx and the AZA publish them, and Kaplan-Meier median life expectancy.

Everything is estimated over a **demographic window** ``[start, end)`` of dates: only what
happened inside it counts. Ages are in years of 365.25 days since birth (the age rule of
:func:`studbook.status.age_years`, :data:`~studbook.status.DAYS_PER_YEAR`); age class ``x`` holds
ages in ``[x, x + 1)``. For each sex and class:

* ``Risk_x``: animals at risk. *Prorated* (the default, as PMx): each animal adds the fraction
  of class ``x`` it lived inside the window while in the population, so values such as 83.85
  are normal. *Unprorated* (Odum & Smith 2001 argue prorating biases small data): each animal
  that spent any time in class ``x`` inside the window adds 1.
* ``Qx = deaths_x / Risk_x`` (deaths inside the window at age ``x``), ``Px = 1 - Qx``.
* ``Lx = prod_{y < x} P_y`` (``L0 = 1``): survivorship to the start of class ``x``.
* ``Mx = (1/2) births_x / Risk_x``: half the offspring born inside the window to parents of
  this sex while in class ``x`` (each offspring counts once for its sire's table and once for
  its dam's; a MULT parent's share is its probability). Births to a known parent of unknown age
  are redistributed over the classes in proportion to the known-age births, and counted in
  :attr:`LifeTable.births_unknown_age`.
* ``R0 = sum Lx Mx``, ``T = sum x Lx Mx / R0`` (``x`` the start of the class), ``r`` solving
  the Euler-Lotka equation ``sum exp(-r x) Lx Mx = 1``, and ``lambda = exp(r)``.

Animals whose birth date is unknown have no age: they are left out and counted in
:attr:`LifeTable.unknown_age`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from studbook.errors import StudbookError
from studbook.status import DAYS_PER_YEAR

__all__ = [
    "LifeHistories",
    "LifeTable",
    "MedianLifeExpectancy",
    "euler_lotka_growth",
    "life_table",
    "median_life_expectancy",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Dates = npt.NDArray[np.datetime64]


@dataclass(frozen=True)
class LifeHistories:
    """What the tables need to know of every animal, as aligned arrays.

    ``birth``: birth date (``NaT`` unknown). ``end``: the date the animal left the population
    (death, release, lost to follow-up; ``NaT`` while it is still there). ``died``: whether
    ``end`` is a death. ``parent``, ``child``, ``share``: one row per parent link (row indices;
    ``share`` is 1, or a MULT candidate's probability). ``start`` (optional): the date the
    animal entered the population (a wild-born animal's capture); before it the animal is not
    at risk (left truncation). ``NaT`` or no ``start``: from birth.
    """

    sex: npt.NDArray[np.str_]
    birth: Dates
    end: Dates
    died: BoolArray
    parent: IntArray
    child: IntArray
    share: FloatArray
    start: Dates | None = None

    def __post_init__(self) -> None:
        n = len(self.sex)
        if not len(self.birth) == len(self.end) == len(self.died) == n:
            raise StudbookError("sex, birth, end and died must have one entry per animal")
        if self.start is not None and len(self.start) != n:
            raise StudbookError("start must have one entry per animal")
        if not len(self.parent) == len(self.child) == len(self.share):
            raise StudbookError("parent, child and share must have one entry per link")


@dataclass(frozen=True)
class LifeTable:
    """One sex's life table over a window (see the module docstring for every column)."""

    sex: str
    window: tuple[np.datetime64, np.datetime64]
    prorated: bool
    risk: FloatArray
    deaths: FloatArray
    births: FloatArray
    births_unknown_age: float
    unknown_age: int

    @property
    def ages(self) -> IntArray:
        """The start ``x`` of each age class."""
        return np.arange(len(self.risk), dtype=np.int64)

    @property
    def qx(self) -> FloatArray:
        """Mortality ``deaths_x / Risk_x`` (NaN where nobody was at risk)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.risk > 0, self.deaths / self.risk, np.nan)

    @property
    def px(self) -> FloatArray:
        """Survival ``1 - Qx``."""
        return 1.0 - self.qx

    @property
    def lx(self) -> FloatArray:
        """Survivorship ``Lx = prod_{y<x} P_y``; a class nobody was at risk in counts as P = 1."""
        survive = np.nan_to_num(self.px, nan=1.0)
        return np.concatenate(([1.0], np.cumprod(survive)[:-1])) if len(survive) else survive

    @property
    def mx(self) -> FloatArray:
        """Fecundity ``(1/2) births_x / Risk_x`` (0 where nobody was at risk)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.risk > 0, 0.5 * self.births / self.risk, 0.0)

    @property
    def r0(self) -> float:
        """Net reproductive rate ``R0 = sum Lx Mx``."""
        return float((self.lx * self.mx).sum())

    @property
    def generation_time(self) -> float:
        """``T = sum x Lx Mx / R0`` in years (NaN without births)."""
        r0 = self.r0
        return float((self.ages * self.lx * self.mx).sum() / r0) if r0 > 0 else math.nan

    @property
    def growth_rate(self) -> float:
        """``r`` of the Euler-Lotka equation (NaN without births)."""
        return euler_lotka_growth(self.lx * self.mx)

    @property
    def growth(self) -> float:
        """The life-table ``lambda = exp(r)`` (NaN without births)."""
        r = self.growth_rate
        return math.exp(r) if not math.isnan(r) else math.nan


def euler_lotka_growth(lxmx: FloatArray) -> float:
    """The ``r`` with ``sum_x exp(-r x) lxmx[x] = 1`` (``x = 0, 1, ...``); NaN if no births.

    The left side falls as ``r`` grows, so the root is bracketed and found by bisection to
    machine precision.

    >>> abs(round(euler_lotka_growth(np.array([0.0, 1.0])), 12))  # exp(-r) = 1
    0.0
    >>> round(math.exp(euler_lotka_growth(np.array([0.0, 0.0, 2.0]))), 6)  # lambda^2 = 2
    1.414214
    """
    values = np.asarray(lxmx, dtype=np.float64)
    if not (values > 0).any():
        return math.nan
    x = np.arange(len(values), dtype=np.float64)
    if values[0] >= 1.0:
        raise StudbookError("births in age class 0 alone replace the population: no finite r")

    def excess(r: float) -> float:
        return float((np.exp(-r * x) * values).sum()) - 1.0

    low, high = -1.0, 1.0
    while excess(low) < 0:
        low *= 2
    while excess(high) > 0:
        high *= 2
    for _ in range(200):
        middle = 0.5 * (low + high)
        if excess(middle) > 0:
            low = middle
        else:
            high = middle
        if high - low < 1e-15:
            break
    return 0.5 * (low + high)


def _days(dates: Dates) -> FloatArray:
    """Days since 1970-01-01 as floats, NaN for NaT."""
    days = dates.astype("datetime64[D]")
    return np.where(np.isnat(days), np.nan, days.astype(np.int64).astype(np.float64))


def _day_number(value: str | np.datetime64) -> float:
    """Days since 1970-01-01 of a date given as ISO text or a datetime64."""
    return float(np.asarray(value).astype("datetime64[D]").astype(np.float64))


def _window_days(window: tuple[str | np.datetime64, str | np.datetime64]) -> tuple[float, float]:
    start, end = (_day_number(w) for w in window)
    if not start < end:
        raise StudbookError(
            f"the demographic window must start before it ends ({window[0]}, {window[1]})"
        )
    return start, end


def life_table(
    histories: LifeHistories,
    sex: str,
    window: tuple[str | np.datetime64, str | np.datetime64],
    *,
    prorated: bool = True,
) -> LifeTable:
    """The life table of the animals of ``sex`` (``M`` or ``F``) over ``window``.

    Examples
    --------
    Two females born on 2000-01-01, watched from 2000 to 2010: one dies at 2.5 years, the
    other lives on and has two young at age 4:

    >>> d = np.array(["2000-01-01", "2000-01-01", "2004-01-02", "2004-01-02"], "datetime64[D]")
    >>> h = LifeHistories(
    ...     sex=np.array(["F", "F", "M", "M"]), birth=d,
    ...     end=np.array(["2002-07-02", "NaT", "NaT", "NaT"], "datetime64[D]"),
    ...     died=np.array([True, False, False, False]),
    ...     parent=np.array([1, 1]), child=np.array([2, 3]), share=np.array([1.0, 1.0]))
    >>> t = life_table(h, "F", ("2000-01-01", "2010-01-01"))
    >>> t.risk[:4].round(3).tolist(), round(float(t.qx[2]), 3), float(t.mx[4])
    ([2.0, 2.0, 1.5, 1.0], 0.667, 1.0)
    """
    if sex not in ("M", "F"):
        raise StudbookError(f"life tables are by sex M or F, not {sex!r}")
    w0, w1 = _window_days(window)
    birth = _days(histories.birth)
    end = np.where(np.isnat(histories.end), np.inf, _days(histories.end))
    mine = histories.sex == sex
    known = mine & ~np.isnan(birth)
    unknown_age = int((mine & np.isnan(birth)).sum())

    b = birth[known]
    observed_from = np.maximum(b, w0)
    if histories.start is not None:
        entered = _days(histories.start)[known]
        observed_from = np.fmax(observed_from, entered)
    observed_to = np.minimum(end[known], w1)
    seen = observed_to > observed_from
    a0 = (observed_from[seen] - b[seen]) / DAYS_PER_YEAR
    a1 = (observed_to[seen] - b[seen]) / DAYS_PER_YEAR

    died = histories.died[known] & (end[known] >= w0) & (end[known] < w1)
    death_age = np.floor((end[known][died] - b[died]) / DAYS_PER_YEAR).astype(np.int64)

    link_births = birth[histories.child]
    in_window = (link_births >= w0) & (link_births < w1)
    of_sex = histories.sex[histories.parent] == sex
    links = in_window & of_sex
    parent_birth = birth[histories.parent[links]]
    aged = ~np.isnan(parent_birth)
    parent_age = (link_births[links][aged] - parent_birth[aged]) / DAYS_PER_YEAR
    birth_age = np.floor(parent_age).astype(np.int64)
    birth_share = histories.share[links][aged]
    births_unknown_age = float(histories.share[links][~aged].sum())

    top = int(np.ceil(a1.max())) if a1.size else 0
    top = max(top, int(death_age.max()) + 1 if death_age.size else 0)
    top = max(top, int(birth_age.max()) + 1 if birth_age.size else 0)
    classes = np.arange(top, dtype=np.float64)
    overlap = np.minimum(a1[:, None], classes + 1) - np.maximum(a0[:, None], classes)
    if prorated:
        risk = np.clip(overlap, 0.0, 1.0).sum(axis=0)
    else:
        risk = (overlap > 0).sum(axis=0).astype(np.float64)
    deaths = np.bincount(death_age, minlength=top).astype(np.float64)
    births = np.bincount(birth_age, weights=birth_share, minlength=top).astype(np.float64)
    if births_unknown_age and births.sum() > 0:
        births = births + births_unknown_age * births / births.sum()
    return LifeTable(
        sex=sex,
        window=(np.datetime64(int(w0), "D"), np.datetime64(int(w1), "D")),
        prorated=prorated,
        risk=risk,
        deaths=deaths,
        births=births,
        births_unknown_age=births_unknown_age,
        unknown_age=unknown_age,
    )


@dataclass(frozen=True)
class MedianLifeExpectancy:
    """Kaplan-Meier median life expectancy (years) of animals that survived their first year,
    with a 95 % confidence interval; ``n`` animals, ``deaths`` of them observed to die."""

    median: float
    lower: float
    upper: float
    n: int
    deaths: int


def median_life_expectancy(
    histories: LifeHistories, sex: str, on: str | np.datetime64
) -> MedianLifeExpectancy:
    """Kaplan-Meier median survival of the animals of ``sex`` that lived at least one year.

    An animal's time is its age at death; animals still living on ``on``, or that left the
    population otherwise (release, lost to follow-up), are censored at their age then.
    Deaths before age 1 are left out (PMx's convention: infant mortality is reported on its
    own). The interval is where the Greenwood 95 % band of ``S(t)`` crosses 0.5: the lower
    limit is the first age at which ``S - 1.96 se <= 0.5``, the upper the first at which
    ``S + 1.96 se <= 0.5``; NaN where the band never gets there.
    """
    day = _day_number(on)
    birth = _days(histories.birth)
    stop = np.where(np.isnat(histories.end), day, _days(histories.end))
    stop = np.minimum(stop, day)
    dead = histories.died & ~np.isnat(histories.end) & (_days(histories.end) <= day)
    keep = (histories.sex == sex) & ~np.isnan(birth) & (stop >= birth)
    age = (stop[keep] - birth[keep]) / DAYS_PER_YEAR
    dead = dead[keep]
    adult = age >= 1.0
    age, dead = age[adult], dead[adult]
    if not dead.any():
        return MedianLifeExpectancy(math.nan, math.nan, math.nan, int(age.size), 0)
    times = np.unique(age[dead])
    at_risk = (age[None, :] >= times[:, None]).sum(axis=1).astype(np.float64)
    events = (age[dead][None, :] == times[:, None]).sum(axis=1).astype(np.float64)
    survival = np.cumprod(1.0 - events / at_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(at_risk > events, events / (at_risk * (at_risk - events)), np.inf)
    with np.errstate(invalid="ignore"):
        se = np.nan_to_num(survival * np.sqrt(np.cumsum(terms)), nan=0.0, posinf=0.0)

    def first(mask: BoolArray) -> float:
        hits = np.flatnonzero(mask)
        return float(times[hits[0]]) if hits.size else math.nan

    return MedianLifeExpectancy(
        median=first(survival <= 0.5),
        lower=first(survival - 1.96 * se <= 0.5),
        upper=first(survival + 1.96 * se <= 0.5),
        n=int(age.size),
        deaths=int(dead.sum()),
    )
