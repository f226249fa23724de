"""Demography of a studbook: life tables, three lambdas, census history, goals and Ne.

Everything is estimated over the **demographic window** (:class:`~studbook.settings.
DemographicWindow`): a date range ``[start, end)`` and optionally a region, over which rates are
estimated; a setting of the studbook, printed on every output. Status and age follow
:mod:`studbook.status`.

* :func:`life_histories` turns a :class:`~studbook.book.Studbook` into the arrays the life
  tables read (:class:`~studbook.lifetable.LifeHistories`). An animal's ``end`` is the date it
  left the population by the status rules (:func:`studbook.status.exit_now`): a death ends it as
  a death; a release or lost to follow-up (LTF) *censor* it (not deaths). It enters at birth if
  captive-born, else at its first dated arrival (a capture). With a region, only its time at the
  region's institutions counts: from its first stay there to the end of its last (leaving the
  region censors it), and only births while a parent was counted are its births.
* **Three lambda**: the *life-table lambda* (``exp r`` of the Euler-Lotka equation, females'
  table, males' beside it); the *5-year census lambda* ``(N_t / N_{t-5}) ** (1/5)`` from the
  living counts at the window's end and five years before; the *projected lambda* of a
  stochastic 20-year projection of the living age-sex structure with the life-table rates
  (:func:`project_population`; low = 2.5 %, mean, high = 97.5 % of ``(N_20/N_0) ** (1/20)``
  over the replicates).
* **Other figures** by sex: Kaplan-Meier median life expectancy of animals that reached 1
  year, first-year mortality ``q0``, maximum longevity (oldest age reached, at death or on
  the window's end), reproductive age range (youngest and oldest parent age at a birth in the
  window) and the median litter size (young born to one dam on one day).
* **Census history** (:func:`census_history`): living animals on 1 January of each year of the
  window and on its end, by sex, by birth type (wild, captive, unknown), with the number of
  holding institutions (holding a living animal that day) and breeding institutions (where a
  young was born in the year before the day).
* **Reproductive goals** (:func:`reproductive_goals`): the lambda needed to reach the target
  size in ``y`` years, ``(target / N) ** (1/y)``, and the births needed per year: project the
  living age-sex structure deterministically with the life table's survival ``Px`` (no
  births), and each year add the young needed to bring the population to ``N * lambda ** t``;
  newborns are half male, half female and survive as the table says.
* **Ne**: the *sex-ratio Ne* ``4 Nm Nf / (Nm + Nf)``; the *Ne from the individual rate of
  inbreeding* (Gutierrez et al. 2008, 2009): ``delta F_i = 1 - (1 - F_i) ** (1 / (t_i - 1))``
  with ``t_i`` the equivalent complete generations of animal ``i`` (sum over its known
  ancestors of ``(1/2) ** generations``), averaged over the living with ``t_i > 1``, and
  ``Ne = 1 / (2 mean delta F)``. The programme's Ne/N is a setting; studbook's own ratio is
  labelled as its estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from studbook.errors import StudbookError
from studbook.events import ARRIVALS
from studbook.lifetable import (
    LifeHistories,
    LifeTable,
    MedianLifeExpectancy,
    life_table,
    median_life_expectancy,
)
from studbook.pedigree import Pedigree, Population
from studbook.records import BirthType
from studbook.status import DAYS_PER_YEAR, exit_now

if TYPE_CHECKING:
    from studbook.book import Studbook
    from studbook.settings import DemographicWindow

__all__ = [
    "CensusYear",
    "Demography",
    "Lambdas",
    "PopulationProjection",
    "ReproductiveGoals",
    "SexFigures",
    "StudbookHistories",
    "age_counts",
    "census_history",
    "demography",
    "equivalent_generations",
    "inbreeding_ne",
    "life_histories",
    "litter_sizes",
    "project_population",
    "reproductive_goals",
    "sex_ratio_ne",
    "window_for",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
_NAT = np.datetime64("NaT", "D")


def sex_ratio_ne(ped: Pedigree, population: Population = None) -> float:
    """Effective population size from the sex ratio: ``Ne = 4 Nm Nf / (Nm + Nf)`` (animals).

    ``Nm`` and ``Nf`` count the males and females of the population (default: the living);
    animals of unknown sex are left out. 0 when there are no males or no females.

    Examples
    --------
    >>> from studbook.csvformat import table_from_text
    >>> ped = Pedigree.from_table(table_from_text(
    ...     "id,sire,dam,sex\\nA,,,M\\nB,,,F\\nC,,,F\\nD,,,F\\nE,,,U\\n", "demo.csv"))
    >>> sex_ratio_ne(ped)  # 4 * 1 * 3 / 4
    3.0
    """
    mask = ped.population_mask(population)
    males = int((ped.sex[mask] == "M").sum())
    females = int((ped.sex[mask] == "F").sum())
    if males + females == 0:
        return 0.0
    return 4.0 * males * females / (males + females)


def window_for(
    book: Studbook,
    window: tuple[date, date] | None = None,
    region: str | None = None,
    *,
    today: date | None = None,
) -> DemographicWindow:
    """The demographic window of a run: the dates and region given, else the setting
    ``demographic_window``'s, else from the first recorded birth to ``today`` (default: the
    current date) included, everywhere.

    >>> from studbook.book import Studbook
    >>> window_for(Studbook.build([]), today=date(2025, 1, 1)).text()
    '2025-01-01:2025-01-02'
    """
    from studbook.settings import DemographicWindow

    stored = book.settings.demographic_window
    if window is None and stored is not None:
        window = (stored.start, stored.end)
    if window is None:
        last = (today or date.today()) + timedelta(days=1)
        births = [r.birth_date.earliest for r in book.records.values() if r.birth_date]
        window = (min([*births, last - timedelta(days=1)]), last)
    chosen = region if region is not None else (stored.region if stored else None)
    try:
        return DemographicWindow(window[0], window[1], chosen.upper() if chosen else None)
    except ValueError as exc:
        raise StudbookError(f"demographic window: {exc}") from None


# ----------------------------------------------------------------------------- the adapter
@dataclass(frozen=True)
class StudbookHistories:
    """The life histories of a studbook's animals (rows in the studbook's entry order).

    ``left_out`` counts the animals left out of every table: hypothetical placeholders, animals
    that left at an unknown date (died at an unknown date, an undated exit) and, with a region,
    animals never held there. Their births still count for their known parents.
    """

    ids: tuple[str, ...]
    histories: LifeHistories
    left_out: int


_EPOCH = date(1970, 1, 1).toordinal()
_NAT_DAYS = np.iinfo(np.int64).min


def _days(values: list[int]) -> npt.NDArray[np.datetime64]:
    """Days since 1970 (``_NAT_DAYS`` unknown) as dates, in one conversion."""
    return np.array(values, np.int64).view("datetime64[D]")


def _ordinal(value: date | None) -> int:
    return _NAT_DAYS if value is None else value.toordinal() - _EPOCH


def life_histories(book: Studbook, window: DemographicWindow | None = None) -> StudbookHistories:
    """The :class:`~studbook.lifetable.LifeHistories` of ``book`` (module docstring), with the
    window's region applied (its dates are applied by the life tables)."""
    region = window.region if window is not None else None
    regions = {m: r.upper() for m, r in book.institution_regions.items()}
    n = len(book.records)
    sex = ["U"] * n
    births, starts, ends = [_NAT_DAYS] * n, [_NAT_DAYS] * n, [_NAT_DAYS] * n
    died = np.zeros(n, bool)
    left_out = 0
    for k, (animal_id, record) in enumerate(book.records.items()):
        events = book.events.get(animal_id, ())
        status, left = exit_now(record, events, in_order=True)
        born = record.birth_date.earliest if record.birth_date is not None else None
        entered = born
        if record.birth_type is not BirthType.CAPTIVE:
            arrivals = [
                e.date.earliest for e in events if e.date is not None and e.event in ARRIVALS
            ]
            entered = min(arrivals) if arrivals else born
        stop = left.earliest if left is not None else None
        death = status == "dead"
        if region is not None:
            stays = [
                s for s in book.stays.get(animal_id, ()) if regions.get(s.institution) == region
            ]
            if not stays:
                left_out += 1
                continue
            first = stays[0].start.earliest if stays[0].start is not None else None
            entered = (
                first if entered is None or (first is not None and first > entered) else entered
            )
            last_end = stays[-1].end.earliest if stays[-1].end is not None else None
            if last_end is not None and (stop is None or last_end < stop):
                stop, death = last_end, False
        if record.hypothetical or (status != "living" and stop is None):
            left_out += 1
            continue
        sex[k] = record.sex
        births[k], starts[k], ends[k] = _ordinal(born), _ordinal(entered), _ordinal(stop)
        died[k] = death
    birth, start, end = _days(births), _days(starts), _days(ends)
    edges = book.pedigree.parent_edges
    child_birth = birth[edges.child]
    # Births count for a parent only while it was counted (in the region, in the population).
    after_entry = np.isnat(start[edges.parent]) | (child_birth >= start[edges.parent])
    before_end = np.isnat(end[edges.parent]) | (child_birth <= end[edges.parent])
    sexed = np.array(sex, "<U1") != "U"
    keep = ~np.isnat(child_birth) & after_entry & before_end & sexed[edges.parent]
    histories = LifeHistories(
        sex=np.array(sex, "<U1"),
        birth=birth,
        end=end,
        died=died,
        parent=edges.parent[keep],
        child=edges.child[keep],
        share=edges.weight[keep],
        start=start,
    )
    return StudbookHistories(tuple(book.records), histories, left_out)


# ----------------------------------------------------------------------------- projections
@dataclass(frozen=True)
class PopulationProjection:
    """Replicate sizes ``n[r, t]`` of a stochastic demographic projection (``t = 0`` is now)."""

    n: IntArray
    seed: int

    @property
    def years(self) -> int:
        return int(self.n.shape[1]) - 1

    def growth(self) -> FloatArray:
        """Each replicate's yearly growth ``(N_T / N_0) ** (1/T)`` (0 once extinct)."""
        n0 = self.n[:, 0].astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            out: FloatArray = (self.n[:, -1] / n0) ** (1.0 / self.years)
        return np.nan_to_num(out, nan=0.0)


def _rates(values: FloatArray, length: int, fill: float) -> FloatArray:
    """``values`` padded to ``length`` classes with the last one (``fill`` where undefined)."""
    out = np.full(length, fill)
    clean = np.nan_to_num(values, nan=fill)
    out[: min(length, clean.size)] = clean[:length]
    if clean.size and clean.size < length:
        out[clean.size :] = clean[-1]
    return out


def _survival(tables: tuple[LifeTable, LifeTable], classes: int) -> FloatArray:
    """``Px`` by sex (rows M, F) and class; a prorated ``Qx`` above 1 (more deaths than animal
    years at risk, possible in a sparse class) is read as certain death."""
    rows = [_rates(t.px, classes, 1.0) for t in tables]
    return np.clip(np.stack(rows), 0.0, 1.0)


def project_population(
    males: IntArray,
    females: IntArray,
    tables: tuple[LifeTable, LifeTable],
    *,
    years: int = 20,
    replicates: int = 1000,
    seed: int = 0,
) -> PopulationProjection:
    """Project the numbers by age class (``males[x]``, ``females[x]``) ``years`` ahead.

    Each year (birth-pulse, census after the births): every female of class ``x`` has a
    Poisson litter of mean ``2 Mx`` (the female table's ``Mx`` counts half the births);
    every animal survives with ``Px`` of its sex and class (the last class's beyond the table,
    1 where nobody was at risk), then ages a year; the young join class 0, each male with
    probability 1/2. Counts move by binomial draws, so replicates are independent and the
    result depends only on ``seed``.

    >>> t = LifeTable("F", (np.datetime64("2000-01-01"), np.datetime64("2010-01-01")), True,
    ...               np.array([1.0, 1.0]), np.array([0.0, 0.0]), np.array([0.0, 2.0]), 0.0, 0)
    >>> p = project_population(np.array([0, 1]), np.array([0, 1]), (t, t), years=2, seed=1)
    >>> int(p.n[0, 0]), bool((p.n[:, 2] >= 2).all())
    (2, True)
    """
    male_table, female_table = tables
    classes = max(len(males), len(females), len(male_table.risk), len(female_table.risk)) + 1
    rng = np.random.default_rng(seed)
    px = _survival(tables, classes)
    fecundity = 2.0 * _rates(female_table.mx, classes, 0.0)
    pop = np.zeros((replicates, 2, classes), np.int64)
    pop[:, 0, : len(males)] = males
    pop[:, 1, : len(females)] = females
    sizes = np.zeros((replicates, years + 1), np.int64)
    sizes[:, 0] = pop.sum(axis=(1, 2))
    for t in range(1, years + 1):
        young = rng.poisson(pop[:, 1, :] * fecundity[None, :]).sum(axis=1)
        survivors = rng.binomial(pop, px[None, :, :])
        aged = np.zeros_like(pop)
        aged[:, :, 1:] = survivors[:, :, :-1]
        aged[:, :, -1] += survivors[:, :, -1]
        sons = rng.binomial(young, 0.5)
        aged[:, 0, 0] = sons
        aged[:, 1, 0] = young - sons
        pop = aged
        sizes[:, t] = pop.sum(axis=(1, 2))
    return PopulationProjection(sizes, seed)


@dataclass(frozen=True)
class ReproductiveGoals:
    """What reaching ``target`` animals in ``years`` takes (module docstring for the method).

    ``births[t]`` are the young needed in year ``t + 1``; negative values (the survivors alone
    exceed the path) are counted as 0 in :attr:`births_per_year`.
    """

    n: int
    target: int
    years: int
    lambda_needed: float
    births: FloatArray

    @property
    def births_per_year(self) -> float:
        """Mean young needed per year over the ``years``."""
        return float(np.clip(self.births, 0.0, None).mean()) if self.births.size else math.nan

    METHOD = (
        "births needed: the living age-sex structure projected with the life table's Px, "
        "topped up each year with the young needed to follow N * lambda_needed ** t"
    )


def reproductive_goals(
    males: IntArray,
    females: IntArray,
    tables: tuple[LifeTable, LifeTable],
    *,
    target: int,
    years: int,
) -> ReproductiveGoals:
    """The growth and the births per year that take the living population to ``target`` in
    ``years`` (module docstring).

    >>> t = LifeTable("F", (np.datetime64("2000-01-01"), np.datetime64("2010-01-01")), True,
    ...               np.array([10.0]), np.array([0.0]), np.array([0.0]), 0.0, 0)
    >>> g = reproductive_goals(np.array([5]), np.array([5]), (t, t), target=20, years=2)
    >>> round(g.lambda_needed, 4), g.births.round(2).tolist()  # no deaths: just the growth
    (1.4142, [4.14, 5.86])
    """
    from studbook.projection import growth_needed

    n0 = int(np.sum(males) + np.sum(females))
    lam = growth_needed(n0, target, years)
    classes = max(len(males), len(females), len(tables[0].risk), len(tables[1].risk)) + 1
    px = _survival(tables, classes)
    pop = np.zeros((2, classes))
    pop[0, : len(males)] = males
    pop[1, : len(females)] = females
    births = np.zeros(years)
    for t in range(1, years + 1):
        survivors = pop * px
        aged = np.zeros_like(pop)
        aged[:, 1:] = survivors[:, :-1]
        aged[:, -1] += survivors[:, -1]
        need = n0 * lam**t - aged.sum()
        births[t - 1] = need
        aged[:, 0] = max(need, 0.0) / 2.0
        pop = aged
    return ReproductiveGoals(n0, target, years, lam, births)


# ----------------------------------------------------------------------------- Ne
def equivalent_generations(ped: Pedigree) -> FloatArray:
    """Equivalent complete generations ``t_i = sum over known ancestors of (1/2) ** g`` (``g``
    generations back): ``t_i = sum over parents p of w_p (1 + t_p) / 2`` (``w_p`` = 1, or a
    MULT candidate's probability), computed parents first, one generation at a time.

    >>> ped = Pedigree.from_cells(["a", "b", "c", "d"], ["", "", "a", "c"], ["", "", "b", ""])
    >>> equivalent_generations(ped).tolist()
    [0.0, 0.0, 1.0, 1.0]
    """
    edges = ped.parent_edges
    out = np.zeros(len(ped.ids))
    level = ped.generation
    by_level = level[edges.child]
    for g in range(1, int(level.max()) + 1 if level.size else 0):
        here = by_level == g
        np.add.at(
            out, edges.child[here], edges.weight[here] * 0.5 * (1.0 + out[edges.parent[here]])
        )
    return out


def inbreeding_ne(ped: Pedigree, population: Population = None) -> tuple[float, int]:
    """Ne from the individual rate of inbreeding (Gutierrez et al. 2008, 2009) over
    ``population`` (default: the living): ``delta F_i = 1 - (1 - F_i) ** (1 / (t_i - 1))`` for
    the members with ``t_i > 1`` equivalent complete generations, ``Ne = 1 / (2 mean delta F)``.

    Returns (Ne, animals used); Ne is NaN without such animals, infinite when none is inbred.

    >>> ped = Pedigree.from_cells(["a", "b", "c", "d", "e"], ["", "", "a", "a", "c"],
    ...                           ["", "", "b", "b", "d"])
    >>> ne, used = inbreeding_ne(ped, ["e"])  # F = 1/4, t = 2: delta F = 1/4, Ne = 2
    >>> ne, used
    (2.0, 1)
    """
    from studbook.kinship import inbreeding

    mask = ped.population_mask(population)
    t = equivalent_generations(ped)
    use = mask & (t > 1.0)
    if not use.any():
        return math.nan, 0
    f = inbreeding(ped)[use]
    delta = 1.0 - (1.0 - f) ** (1.0 / (t[use] - 1.0))
    mean = float(delta.mean())
    return (1.0 / (2.0 * mean) if mean > 0 else math.inf), int(use.sum())


# ----------------------------------------------------------------------------- census history
@dataclass(frozen=True)
class CensusYear:
    """The living population on one day (:meth:`studbook.book.Studbook.census`)."""

    date: date
    males: int
    females: int
    unknown_sex: int
    wild: int
    captive: int
    unknown_birth: int
    holding: int
    breeding: int

    @property
    def total(self) -> int:
        return self.males + self.females + self.unknown_sex


def census_days(start: date, end: date) -> list[date]:
    """1 January of each year in ``[start, end]``, then ``end``."""
    days = [date(y, 1, 1) for y in range(start.year, end.year + 1) if start <= date(y, 1, 1) <= end]
    if not days or days[-1] != end:
        days.append(end)
    return days


def census_history(
    book: Studbook, days: list[date], region: str | None = None
) -> tuple[CensusYear, ...]:
    """The census on each of ``days`` (module docstring), from :meth:`Studbook.census`, so the
    counts are the census's; ``region`` keeps the institutions of that region."""
    wanted = region.upper() if region else None
    born: dict[int, set[str]] = {}
    for animal_id, record in book.records.items():
        if record.birth_date is not None and not record.hypothetical:
            when = record.birth_date.earliest
            born.setdefault(when.toordinal(), set()).add(book.location_on(animal_id, when))
    out = []
    for day in days:
        census = book.census(day)
        rows = [r for r in census.rows if wanted is None or r.region.upper() == wanted]
        where = {r.institution for r in rows}
        ids = [a for a in census.animal_ids if book.location_on(a, day) in where]
        kinds = [book.records[a].birth_type for a in ids]
        year_ago = (day - timedelta(days=365)).toordinal()
        breeders: set[str] = set()
        for ordinal in range(year_ago, day.toordinal()):
            breeders |= born.get(ordinal, set())
        if wanted is not None:
            breeders = {m for m in breeders if book.region_of(m).upper() == wanted}
        out.append(
            CensusYear(
                date=day,
                males=sum(r.males for r in rows),
                females=sum(r.females for r in rows),
                unknown_sex=sum(r.unknown for r in rows),
                wild=kinds.count(BirthType.WILD),
                captive=kinds.count(BirthType.CAPTIVE),
                unknown_birth=kinds.count(BirthType.UNKNOWN),
                holding=len(where),
                breeding=len(breeders),
            )
        )
    return tuple(out)


# ----------------------------------------------------------------------------- the result
@dataclass(frozen=True)
class SexFigures:
    """One sex's figures over the window."""

    sex: str
    life_expectancy: MedianLifeExpectancy
    first_year_mortality: float
    max_longevity: float
    reproductive_age: tuple[float, float]
    median_litter_size: float
    life_table_lambda: float
    generation_time: float


@dataclass(frozen=True)
class Lambdas:
    """The three lambdas (module docstring)."""

    life_table: float
    census: float
    projected_low: float
    projected_mean: float
    projected_high: float
    projection_years: int
    replicates: int
    seed: int


@dataclass(frozen=True)
class Demography:
    """Everything the demography report and screen show, for one window; ``population_ids``
    are the living animals on its last day (in its region)."""

    window: DemographicWindow
    prorated: bool
    tables: tuple[LifeTable, LifeTable]
    sexes: tuple[SexFigures, SexFigures]
    lambdas: Lambdas
    generation_time: float
    census: tuple[CensusYear, ...]
    living_males: IntArray
    living_females: IntArray
    living_unknown: int
    sex_ratio_ne: float
    inbreeding_ne: float
    inbreeding_ne_animals: int
    goals: ReproductiveGoals | None
    left_out: int
    population_ids: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        """Living animals of known sex and age at the window's end (what is projected)."""
        return int(self.living_males.sum() + self.living_females.sum())


def age_counts(ages: FloatArray) -> IntArray:
    """Animals per whole year of age (class ``x`` holds ages ``[x, x + 1)``); unknown ages are
    left out."""
    known = ages[~np.isnan(ages)]
    return np.bincount(np.floor(known).astype(np.int64), minlength=1).astype(np.int64)


def demography(
    book: Studbook,
    window: DemographicWindow,
    *,
    prorated: bool = True,
    years: int = 20,
    replicates: int = 1000,
    seed: int = 0,
) -> Demography:
    """The demography of ``book`` over ``window`` (module docstring); the living population is
    the one on the window's last day, in its region."""
    from studbook.population import reference_population

    found = life_histories(book, window)
    h = found.histories
    span = (np.datetime64(window.start, "D"), np.datetime64(window.end, "D"))
    tables = (
        life_table(h, "M", span, prorated=prorated),
        life_table(h, "F", span, prorated=prorated),
    )
    last_day = window.end - timedelta(days=1)
    on = np.datetime64(last_day, "D")

    regions = (window.region,) if window.region else None
    population = reference_population(
        book.pedigree,
        census_date=on,
        regions=regions,
        institution_regions=book.institution_regions,
        living=book.living_ids(last_day),
    )
    ped = book.pedigree
    members = population.mask
    ages = population.ages()
    males = age_counts(ages[members & (ped.sex == "M")])
    females = age_counts(ages[members & (ped.sex == "F")])
    unknown = int((members & ((ped.sex == "U") | np.isnan(ages))).sum())

    sexes = tuple(_sex_figures(book, found, t, span) for t in tables)
    projection = project_population(
        males, females, tables, years=years, replicates=replicates, seed=seed
    )
    growth = projection.growth()
    history = census_history(book, census_days(window.start, last_day), window.region)
    five = census_history(book, [_years_before(last_day, 5), last_day], window.region)
    census_lambda = (five[1].total / five[0].total) ** 0.2 if five[0].total > 0 else math.nan
    lambdas = Lambdas(
        life_table=tables[1].growth,
        census=census_lambda,
        projected_low=float(np.quantile(growth, 0.025)),
        projected_mean=float(growth.mean()),
        projected_high=float(np.quantile(growth, 0.975)),
        projection_years=years,
        replicates=replicates,
        seed=seed,
    )
    times = [t.generation_time for t in tables if not math.isnan(t.generation_time)]
    goals = None
    settings = book.settings
    n_now = int(males.sum() + females.sum())
    if settings.target_size and settings.target_years and n_now > 0:
        goals = reproductive_goals(
            males, females, tables, target=settings.target_size, years=settings.target_years
        )
    ne, used = inbreeding_ne(ped, members)
    return Demography(
        window=window,
        prorated=prorated,
        tables=tables,
        sexes=(sexes[0], sexes[1]),
        lambdas=lambdas,
        generation_time=float(np.mean(times)) if times else math.nan,
        census=history,
        living_males=males,
        living_females=females,
        living_unknown=unknown,
        sex_ratio_ne=sex_ratio_ne(ped, members),
        inbreeding_ne=ne,
        inbreeding_ne_animals=used,
        goals=goals,
        left_out=found.left_out,
        population_ids=tuple(ped.ids[k] for k in np.flatnonzero(members)),
    )


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _sex_figures(
    book: Studbook,
    found: StudbookHistories,
    table: LifeTable,
    span: tuple[np.datetime64, np.datetime64],
) -> SexFigures:
    h = found.histories
    mine = h.sex == table.sex
    last = span[1] - np.timedelta64(1, "D")
    stop = np.where(np.isnat(h.end), last, np.minimum(h.end, last))
    lived = (stop - h.birth)[mine].astype("timedelta64[D]").astype(np.float64) / DAYS_PER_YEAR
    lived = lived[~np.isnan(lived)]
    parent_birth = h.birth[h.parent]
    child_birth = h.birth[h.child]
    links = (h.sex[h.parent] == table.sex) & (child_birth >= span[0]) & (child_birth < span[1])
    links &= ~np.isnat(parent_birth)
    age = (child_birth[links] - parent_birth[links]).astype(np.float64) / DAYS_PER_YEAR
    litters = _median_litter(book.pedigree, h, span) if table.sex == "F" else math.nan
    return SexFigures(
        sex=table.sex,
        life_expectancy=median_life_expectancy(h, table.sex, last),
        first_year_mortality=float(table.qx[0]) if table.qx.size else math.nan,
        max_longevity=float(lived.max()) if lived.size else math.nan,
        reproductive_age=(float(age.min()), float(age.max())) if age.size else (math.nan, math.nan),
        median_litter_size=litters,
        life_table_lambda=table.growth,
        generation_time=table.generation_time,
    )


def litter_sizes(
    ped: Pedigree, h: LifeHistories, span: tuple[np.datetime64, np.datetime64]
) -> IntArray:
    """The size of every litter born inside the window: a litter is the young born to one known
    dam on one day (the one definition, used by the demography and the breeding plan's size)."""
    births = h.birth.astype(np.int64)
    born = ~np.isnat(h.birth) & (h.birth >= span[0]) & (h.birth < span[1]) & (ped.dam >= 0)
    keys = ped.dam[born] * 10_000_000 + births[born]
    sizes: IntArray = np.unique(keys, return_counts=True)[1].astype(np.int64)
    return sizes


def _median_litter(
    ped: Pedigree, h: LifeHistories, span: tuple[np.datetime64, np.datetime64]
) -> float:
    """Median number of young born to one known dam on one day inside the window."""
    sizes = litter_sizes(ped, h, span)
    return float(np.median(sizes)) if sizes.size else math.nan
