"""Where the living population's gene diversity goes: an individual-based forward projection.

The drift model (:mod:`studbook.projection`) ignores management, and Earnhardt et al. (2004)
found that it overestimates the loss in 40 managed populations. This module projects the
**actual living animals** instead: their exact kinships, sexes and ages, the life table's
survival and fecundity by age and sex, and the programme's own pairing rule, year by year, with
replicates for a confidence band.

One simulated year, from one census to the next (a birth-pulse model with the census after the
births, breeding before mortality as in Vortex):

1. **Breeding.** Candidates are the animals whose age class has ``mx > 0`` for their sex.

   * ``"managed"``: pairs are formed by the greedy mean-kinship rule of the breeding plan
     (:func:`studbook.breeding_plan.greedy_mk_plan`, one mate per animal per season): both
     sexes are visited by increasing MK (males first on ties, then studbook order), and each
     takes the unpaired candidate of the other sex with the lowest MK, then the lowest kinship,
     whose kinship with it is below ``kinship_limit``. Each pair has a Poisson litter with mean
     ``2 Mx`` of the dam's age class (``Mx`` counts half the births, see
     :mod:`studbook.lifetable`); litters are born in pairing order, so when space is short the
     most valuable pairs breed. A male's ``mx`` only decides whether he is a candidate.
   * ``"random"``: every candidate female ``f`` has a Poisson litter with mean
     ``lambda_f = 2 Mx_f``: the year's total is drawn as Poisson(sum lambda_f) and each birth
     gets a dam drawn with probability ``lambda_f / sum lambda`` and a sire drawn uniformly
     among the candidate males. Unconditionally these are exactly independent Poisson litters;
     when the capacity binds, they are Poisson family sizes conditioned on their total, that is
     Wright-Fisher multinomial sampling, the ideal population of the drift model.

2. **Mortality.** Every animal of the census survives with probability ``1 - qx`` of its sex and
   age class (ages beyond the table use its last class), then ages by one year.

3. **Births.** Litters are born into the room the survivors leave under the capacity ``K``
   (no births beyond it; a litter that does not fit is cut short). Newborns are male or female
   with probability 1/2 and join at age 0: they face ``q0`` in the next year and breed with
   ``m0`` in the next season, so an animal's expected lifetime offspring is the life table's
   ``2 sum Lx Mx`` exactly. A parent that dies in the year still has its litter (it was
   conceived in the season).

**Exact kinship bookkeeping.** The kinship matrix of the living is kept, self-kinship on the
diagonal: a newborn ``o`` of sire ``s`` and dam ``d`` has ``f_oj = (f_sj + f_dj) / 2`` with
every animal ``j`` (alive or born in the same year) and ``f_oo = (1 + f_sd) / 2``, as
:mod:`studbook.kinship` defines it. The dead are dropped (the last living row and column move
into the hole) and the matrix doubles only when the living outgrow it, so memory stays
``O(N^2)`` for the largest living ``N`` reached (at most ``max(N0, K)``) whatever the number of
years. Gene diversity at each
census is ``GD = 1 - (1/N^2) sum_ij f_ij`` over the ``N`` living, as
:func:`studbook.kinship.gene_diversity`.

**Reproducibility.** Each replicate draws from its own seed, taken in order from ``seed``, so
the result does not depend on how replicates are split into chunks or on the number of cores.
Chunks run on a thread pool; the compiled kernel releases the GIL.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from studbook.breeding_plan import PlanSettings
from studbook.errors import StudbookError
from studbook.jit import compiled
from studbook.present import counted
from studbook.status import studbook_order

__all__ = [
    "Management",
    "SimulatedHistory",
    "SimulationResult",
    "simulate_gene_diversity",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Int8Array = npt.NDArray[np.int8]
Management = Literal["managed", "random"]

_MALE, _FEMALE = 0, 1
_SEXES = {"M": _MALE, "F": _FEMALE}


@dataclass(frozen=True)
class SimulatedHistory:
    """Every birth and death of one replicate, for checking and for drawing family trees.

    Animals are numbered ``0 .. n0 - 1`` for the starting animals (in the order given) and
    ``n0 + k`` for the ``k``-th newborn. ``sire``, ``dam``, ``sex`` (``"M"``/``"F"``) and
    ``born`` (the census year it first appears in) describe the newborns; ``died[a]`` is the
    year in which animal ``a`` died (it is absent from that census on), -1 while living.
    """

    n0: int
    sire: IntArray
    dam: IntArray
    sex: npt.NDArray[np.str_]
    born: IntArray
    died: IntArray

    def living(self, year: int) -> IntArray:
        """The animals (numbers, ascending) at the census after ``year`` years."""
        born = np.concatenate([np.zeros(self.n0, np.int64), self.born])
        alive = (born <= year) & ((self.died < 0) | (self.died > year))
        return np.flatnonzero(alive).astype(np.int64)


@dataclass(frozen=True)
class SimulationResult:
    """Replicate trajectories of the living population and what the projection assumed.

    ``gd[r, t]`` and ``n[r, t]`` are gene diversity and size of replicate ``r`` at the census
    after ``t`` years (``t = 0`` is now); ``gd`` is NaN once a replicate has died out.
    """

    gd: FloatArray
    n: IntArray
    management: Management
    capacity: int
    kinship_limit: float
    seed: int | None
    histories: tuple[SimulatedHistory, ...] = ()

    @property
    def years(self) -> int:
        """How many years were projected."""
        return int(self.gd.shape[1]) - 1

    @property
    def replicates(self) -> int:
        """How many replicates were run."""
        return int(self.gd.shape[0])

    def band(self, q: float) -> FloatArray:
        """The ``q`` quantile (0 to 1, e.g. 0.05, 0.5, 0.95) of GD per year over the replicates
        that still have animals (NaN in a year where none has)."""
        if not 0.0 <= q <= 1.0:
            raise StudbookError(f"a quantile must be between 0 and 1, not {q}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN years stay NaN
            return np.asarray(np.nanquantile(self.gd, q, axis=0), np.float64)

    @property
    def mean(self) -> FloatArray:
        """Mean GD per year over the replicates that still have animals."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.asarray(np.nanmean(self.gd, axis=0), np.float64)

    @property
    def persisting(self) -> FloatArray:
        """Share of replicates that still have animals, per year."""
        return np.asarray((self.n > 0).mean(axis=0), np.float64)

    def describe(self) -> dict[str, Any]:
        """The assumptions, for report headers."""
        return {
            "model": "individual-based, life-table survival and fecundity",
            "management": (
                "pairs by lowest mean kinship"
                if self.management == "managed"
                else "random mating, Poisson litters"
            ),
            "forbidden kinship >=": self.kinship_limit if self.management == "managed" else None,
            "capacity K": self.capacity,
            "years": self.years,
            "replicates": self.replicates,
            "seed": self.seed,
        }


def simulate_gene_diversity(
    kinship: npt.ArrayLike,
    sexes: Sequence[str],
    ages: npt.ArrayLike,
    *,
    qx_male: npt.ArrayLike,
    qx_female: npt.ArrayLike,
    mx_male: npt.ArrayLike,
    mx_female: npt.ArrayLike,
    years: int = 100,
    replicates: int = 1000,
    capacity: int | None = None,
    kinship_limit: float = PlanSettings.kinship_limit,
    management: Management = "managed",
    seed: int | np.random.Generator | None = None,
    ids: Sequence[str] | None = None,
    record: bool = False,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SimulationResult:
    """Project the living population's gene diversity forward (see the module docstring).

    Parameters
    ----------
    kinship : the living animals' kinship matrix (kinship, not relationship; self-kinship
        ``(1 + F)/2`` on the diagonal), e.g. ``studbook.kinship_matrix(ped, ids)``.
    sexes : ``"M"`` or ``"F"`` per animal (an animal of unknown sex cannot be projected).
    ages : age in years per animal; class ``x = floor(age)``.
    qx_male, qx_female : yearly mortality per age class ``x = 0, 1, ...``
        (``LifeTable.qx``); classes beyond the table use its last class.
    mx_male, mx_female : fecundity per age class (``LifeTable.mx``, half the births).
    years, replicates : length of the projection and number of replicate runs.
    capacity : K, the most animals the programme holds (default: the size now).
    kinship_limit : managed pairs need kinship below it (default: the breeding plan's, 1/16).
    management : ``"managed"`` (pairs by lowest MK) or ``"random"`` (random mating).
    seed : an int or ``numpy.random.Generator``; the same seed gives the same result on any
        number of cores.
    ids : studbook ids, for messages and for breaking MK ties in studbook order.
    record : keep every replicate's births and deaths (:attr:`SimulationResult.histories`);
        for checks and a few replicates (its buffers hold years x K births per replicate).
    workers : threads (default: the number of cores).
    progress : called with (replicates done, replicates) as chunks finish.

    Examples
    --------
    Two unrelated founders, a pair that breeds every year and never dies, K = 4:

    >>> r = simulate_gene_diversity(np.eye(2) / 2, ["M", "F"], [3, 3], qx_male=[0.0],
    ...     qx_female=[0.0], mx_male=[1.0], mx_female=[1.0], years=3, replicates=5,
    ...     capacity=4, seed=1)
    >>> r.n[0].tolist(), round(float(r.gd[0, 0]), 4)
    ([2, 4, 4, 4], 0.75)
    """
    kin = np.array(kinship, dtype=np.float64, copy=True, ndmin=2)
    n0 = len(sexes)
    names = list(ids) if ids is not None else [f"animal {k + 1}" for k in range(n0)]
    _check_inputs(kin, n0, names, years, replicates, management)
    kin = 0.5 * (kin + kin.T)  # exactly symmetric, as the bookkeeping keeps it
    sex = _sex_codes(sexes, names)
    age = _age_classes(ages, n0, names)
    q = _rates(qx_male, qx_female, "qx", upper=1.0)
    m = _rates(mx_male, mx_female, "mx", upper=math.inf)
    cap = n0 if capacity is None else int(capacity)
    if cap < 1:
        raise StudbookError(f"the capacity K must be at least 1, not {capacity}")
    rank = studbook_order(names) if ids is not None else np.arange(n0, dtype=np.int64)

    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    seeds = rng.integers(0, 2**31 - 1, size=replicates, dtype=np.int64)
    gd = np.empty((replicates, years + 1))
    n = np.empty((replicates, years + 1), np.int64)
    max_births = years * cap if record else 0
    rec_parents = np.empty((replicates, 2, max_births), np.int64)
    rec_sex = np.empty((replicates, max_births), np.int8)
    rec_year = np.full((replicates, max_births), -1, np.int64)
    died = np.full((replicates, n0 + max_births if record else 0), -1, np.int64)

    # Chunks only pace the progress reports: each replicate has its own seed.
    chunk = max(1, math.ceil(replicates / 50))
    bounds = [(a, min(a + chunk, replicates)) for a in range(0, replicates, chunk)]
    threads = max(1, min(workers or os.cpu_count() or 1, len(bounds)))

    def run(span: tuple[int, int]) -> int:
        """Run replicates ``a`` to ``b - 1`` into their rows of the outputs."""
        a, b = span
        _replicates(seeds[a:b], kin, sex, age, rank, q, m, years, cap, float(kinship_limit),
                    management == "managed", gd[a:b], n[a:b], rec_parents[a:b], rec_sex[a:b],
                    rec_year[a:b], died[a:b])  # fmt: skip
        return b

    with ThreadPoolExecutor(threads) as pool:
        for done in pool.map(run, bounds):
            if progress is not None:
                progress(done, replicates)

    histories = (
        tuple(
            _history(n0, rec_parents[r], rec_sex[r], rec_year[r], died[r])
            for r in range(replicates)
        )
        if record
        else ()
    )
    return SimulationResult(
        gd=gd,
        n=n,
        management=management,
        capacity=cap,
        kinship_limit=float(kinship_limit),
        seed=seed if isinstance(seed, int) else None,
        histories=histories,
    )


def _check_inputs(
    kin: FloatArray, n0: int, names: list[str], years: int, replicates: int, management: str
) -> None:
    """Reject inputs the projection cannot use, naming the animal and the field."""
    if management not in ("managed", "random"):
        raise StudbookError(f"management must be 'managed' or 'random', not {management!r}")
    if years < 0 or replicates < 1:
        raise StudbookError(f"years must be >= 0 and replicates >= 1 (got {years}, {replicates})")
    if n0 == 0:
        raise StudbookError("there are no living animals to project")
    if len(names) != n0:
        raise StudbookError(
            f"{counted(len(names), 'id', verb='was')} given for {counted(n0, 'animal')}"
        )
    if kin.shape != (n0, n0):
        raise StudbookError(f"the kinship matrix is {kin.shape}, not {n0} x {n0} (one per animal)")
    if not np.isfinite(kin).all() or (kin < 0).any() or (kin > 1).any():
        raise StudbookError("kinships must be numbers between 0 and 1")
    if np.abs(kin - kin.T).max() > 1e-12:
        raise StudbookError("the kinship matrix must be symmetric")
    diag = np.diagonal(kin)
    low = np.flatnonzero(diag < 0.5)
    if low.size:
        k = int(low[0])
        raise StudbookError(
            f"{names[k]}: self-kinship {diag[k]:g} is below 1/2 (it is (1 + F)/2): "
            "pass kinships, not relationships"
        )


def _sex_codes(sexes: Sequence[str], names: list[str]) -> Int8Array:
    """0 for males, 1 for females; an unknown sex is an error naming the animal."""
    for name, s in zip(names, sexes, strict=True):
        if s not in _SEXES:
            raise StudbookError(
                f"{name}: field 'sex' is {s!r}; the projection needs M or F for every animal"
            )
    return np.array([_SEXES[s] for s in sexes], np.int8)


def _age_classes(ages: npt.ArrayLike, n0: int, names: list[str]) -> IntArray:
    """Age classes ``floor(age)``; a missing or negative age is an error naming the animal."""
    a = np.asarray(ages, np.float64).reshape(-1)
    if a.size != n0:
        raise StudbookError(
            f"{counted(a.size, 'age', verb='was')} given for {counted(n0, 'animal')}"
        )
    bad = np.flatnonzero(~np.isfinite(a) | (a < 0))
    if bad.size:
        k = int(bad[0])
        raise StudbookError(
            f"{names[k]}: field 'age' is {a[k]:g}; the projection needs a known age >= 0"
        )
    return np.floor(a).astype(np.int64)


def _rates(male: npt.ArrayLike, female: npt.ArrayLike, field: str, *, upper: float) -> FloatArray:
    """The two sexes' rates as a 2 x L table, the shorter padded with its last class."""
    rows = [np.asarray(v, np.float64).reshape(-1) for v in (male, female)]
    for label, row in zip(("male", "female"), rows, strict=True):
        if row.size == 0:
            raise StudbookError(f"{field} of {label}s is empty: give at least one age class")
        bad = np.flatnonzero(~np.isfinite(row) | (row < 0) | (row > upper))
        if bad.size:
            x = int(bad[0])
            raise StudbookError(
                f"{field} of {label}s at age class {x} is {row[x]:g}; it must be a number "
                f"from 0{' to 1' if upper == 1.0 else ''} (a life table shows NaN where nobody "
                "was at risk: fill such classes in)"
            )
    width = max(r.size for r in rows)
    return np.stack([np.concatenate([r, np.full(width - r.size, r[-1])]) for r in rows])


def _history(
    n0: int, parents: IntArray, sex: Int8Array, year: IntArray, died: IntArray
) -> SimulatedHistory:
    """One replicate's recorded births (the used part of the buffers) and deaths."""
    born = int((year >= 0).sum())
    return SimulatedHistory(
        n0=n0,
        sire=parents[0, :born].copy(),
        dam=parents[1, :born].copy(),
        sex=np.where(sex[:born] == _MALE, "M", "F"),
        born=year[:born].copy(),
        died=died[: n0 + born].copy(),
    )


@compiled
def _by_mk(rows: IntArray, mk: FloatArray, rank: IntArray) -> IntArray:  # pragma: no cover
    """``rows`` sorted by MK, ties in studbook order (two stable sorts)."""
    rows = rows[np.argsort(rank[rows], kind="mergesort")]
    return rows[np.argsort(mk[rows], kind="mergesort")]


@compiled
def _pair_lowest_mk(
    kin: FloatArray,
    mk: FloatArray,
    rank: IntArray,
    males: IntArray,
    females: IntArray,
    limit: float,
    pair_m: IntArray,
    pair_f: IntArray,
) -> int:  # pragma: no cover - compiled
    """The greedy MK pairs of :func:`studbook.breeding_plan.greedy_mk_plan` (one mate each).

    ``males``/``females`` are candidate rows of ``kin``; ``mk`` and ``rank`` (studbook order)
    are per row. Both sexes are visited in (MK, males first, studbook order); each unpaired
    animal takes the first allowed unpaired mate in the other sex's (MK, studbook order) list,
    or among mates of that same MK the one of lowest kinship. Writes the pairs, in the order
    they are formed, to ``pair_m``/``pair_f`` and returns their number. Tested against the
    breeding plan's rule.
    """
    sorted_rows = (_by_mk(males, mk, rank), _by_mk(females, mk, rank))
    taken = (np.zeros(males.size, np.bool_), np.zeros(females.size, np.bool_))
    first_free = [0, 0]
    next_of = [0, 0]
    count = 0
    while next_of[0] < males.size or next_of[1] < females.size:
        # The next animal to visit: the lower MK of the two lists' heads, a male on a tie.
        if next_of[1] >= females.size or (
            next_of[0] < males.size
            and mk[sorted_rows[0][next_of[0]]] <= mk[sorted_rows[1][next_of[1]]]
        ):
            own = 0
        else:
            own = 1
        other = 1 - own
        p = next_of[own]
        next_of[own] += 1
        if taken[own][p]:
            continue
        a = sorted_rows[own][p]
        mates = sorted_rows[other]
        while first_free[other] < mates.size and taken[other][first_free[other]]:
            first_free[other] += 1
        best = -1
        for c in range(first_free[other], mates.size):
            if best >= 0 and mk[mates[c]] > mk[mates[best]]:
                break
            if taken[other][c]:
                continue
            f = kin[a, mates[c]]
            if f < limit and (best < 0 or f < kin[a, mates[best]]):
                best = c
        if best >= 0:
            taken[own][p] = True
            taken[other][best] = True
            pair_m[count] = a if own == 0 else mates[best]
            pair_f[count] = mates[best] if own == 0 else a
            count += 1
    return count


@compiled
def _row_sums(kin: FloatArray, n: int, rowsum: FloatArray) -> float:  # pragma: no cover
    """Row sums of the leading ``n x n`` block into ``rowsum``, and their total.

    Four running sums per row (in a fixed order, so the result is the same on every machine)
    let the compiler use vector instructions; this is the simulation's O(N^2) step per year.
    """
    total = 0.0
    for i in range(n):
        s0 = s1 = s2 = s3 = 0.0
        j = 0
        while j + 4 <= n:
            s0 += kin[i, j]
            s1 += kin[i, j + 1]
            s2 += kin[i, j + 2]
            s3 += kin[i, j + 3]
            j += 4
        while j < n:
            s0 += kin[i, j]
            j += 1
        rowsum[i] = (s0 + s1) + (s2 + s3)
        total += rowsum[i]
    return total


@compiled
def _replicates(
    seeds: IntArray,
    kin0: FloatArray,
    sex0: Int8Array,
    age0: IntArray,
    rank0: IntArray,
    q: FloatArray,
    m: FloatArray,
    years: int,
    capacity: int,
    limit: float,
    managed: bool,
    gd_out: FloatArray,
    n_out: IntArray,
    rec_parents: IntArray,
    rec_sex: Int8Array,
    rec_year: IntArray,
    died: IntArray,
) -> None:  # pragma: no cover - compiled
    """Run one replicate per seed (see the module docstring for the year's steps).

    The living occupy rows ``0 .. n - 1`` of ``kin``; ``ident`` numbers each row's animal
    (``n0 + k`` for the k-th newborn), ``rank`` orders MK ties. Births are recorded when the
    recording buffers are not empty.
    """
    n0 = sex0.size
    top = max(n0, capacity)
    last_class = q.shape[1] - 1
    record = rec_year.shape[1] > 0
    # The matrix grows (doubling, at most to top x top) only when the living need it.
    size = min(top, max(2 * n0, 64))
    kin = np.empty((size, size))
    sex = np.empty(top, np.int8)
    age = np.empty(top, np.int64)
    rank = np.empty(top, np.int64)
    ident = np.empty(top, np.int64)
    rowsum = np.empty(top)
    mk = np.empty(top)
    dead = np.empty(top, np.bool_)
    males = np.empty(top, np.int64)
    females = np.empty(top, np.int64)
    pair_m = np.empty(top, np.int64)
    pair_f = np.empty(top, np.int64)
    lam = np.empty(top)
    sire = np.empty(capacity, np.int64)
    dam = np.empty(capacity, np.int64)
    new_sex = np.empty(capacity, np.int8)
    for r in range(seeds.size):
        np.random.seed(seeds[r])
        n = n0
        kin[:n0, :n0] = kin0
        sex[:n0] = sex0
        age[:n0] = age0
        rank[:n0] = rank0
        for i in range(n0):
            ident[i] = i
        born = 0
        total = _row_sums(kin, n, rowsum)
        gd_out[r, 0] = 1.0 - total / (n * n)
        n_out[r, 0] = n
        for t in range(1, years + 1):
            if n == 0:
                gd_out[r, t] = np.nan
                n_out[r, t] = 0
                continue
            # 1. Breeding: the season's parents, one entry per planned birth (at most K).
            nm = 0
            nf = 0
            for i in range(n):
                x = min(age[i], last_class)
                if m[sex[i], x] > 0.0:
                    if sex[i] == 0:
                        males[nm] = i
                        nm += 1
                    else:
                        females[nf] = i
                        nf += 1
            planned = 0
            if nm > 0 and nf > 0:
                if managed:
                    for i in range(n):
                        mk[i] = rowsum[i] / n
                    pairs = _pair_lowest_mk(kin, mk, rank, males[:nm], females[:nf], limit,
                                            pair_m, pair_f)  # fmt: skip
                    for p in range(pairs):
                        if planned == capacity:
                            break
                        f = pair_f[p]
                        litter = np.random.poisson(2.0 * m[1, min(age[f], last_class)])
                        for _ in range(min(litter, capacity - planned)):
                            sire[planned] = pair_m[p]
                            dam[planned] = f
                            planned += 1
                else:
                    acc = 0.0
                    for k in range(nf):
                        acc += 2.0 * m[1, min(age[females[k]], last_class)]
                        lam[k] = acc
                    planned = min(int(np.random.poisson(acc)), capacity)
                    for b in range(planned):
                        u = np.random.random() * acc
                        k = min(int(np.searchsorted(lam[:nf], u, side="right")), nf - 1)
                        dam[b] = females[k]
                        sire[b] = males[np.random.randint(0, nm)]
            # 2. Mortality of the census animals.
            survivors = 0
            for i in range(n):
                dead[i] = np.random.random() < q[sex[i], min(age[i], last_class)]
                if not dead[i]:
                    survivors += 1
                elif record:
                    died[r, ident[i]] = t
            # 3. Births into the room under K. Kinships come from the parents' rows, read
            # before the dead are dropped: f_oj = (f_sj + f_dj) / 2 with every census animal,
            # f_oc = (f_o,sire(c) + f_o,dam(c)) / 2 with an earlier newborn c of the year.
            births = max(0, min(planned, capacity - survivors))
            new_row = np.empty((births, n))
            new_new = np.empty((births, births))
            for b in range(births):
                s_, d_ = sire[b], dam[b]
                for j in range(n):
                    new_row[b, j] = 0.5 * (kin[s_, j] + kin[d_, j])
                for c in range(b):
                    new_new[b, c] = 0.5 * (new_row[b, sire[c]] + new_row[b, dam[c]])
                new_new[b, b] = 0.5 * (1.0 + kin[s_, d_])
                new_sex[b] = 0 if np.random.random() < 0.5 else 1
                if record:
                    rec_parents[r, 0, born + b] = ident[s_]
                    rec_parents[r, 1, born + b] = ident[d_]
                    rec_sex[r, born + b] = new_sex[b]
                    rec_year[r, born + b] = t
            # Drop the dead: the last living row and column move into each hole.
            for i in range(n - 1, -1, -1):
                if not dead[i]:
                    continue
                last = n - 1
                if i != last:
                    for j in range(n):
                        if j != i and j != last:
                            kin[i, j] = kin[last, j]
                            kin[j, i] = kin[j, last]
                    kin[i, i] = kin[last, last]
                    for b in range(births):
                        new_row[b, i] = new_row[b, last]
                    sex[i] = sex[last]
                    age[i] = age[last]
                    rank[i] = rank[last]
                    ident[i] = ident[last]
                n -= 1
            for i in range(n):
                age[i] += 1
            if n + births > kin.shape[0]:
                size = min(top, max(2 * kin.shape[0], n + births))
                grown = np.empty((size, size))
                grown[:n, :n] = kin[:n, :n]
                kin = grown
            for b in range(births):
                o = n + b
                for j in range(n):
                    kin[o, j] = new_row[b, j]
                    kin[j, o] = new_row[b, j]
                for c in range(b):
                    kin[o, n + c] = new_new[b, c]
                    kin[n + c, o] = new_new[b, c]
                kin[o, o] = new_new[b, b]
                sex[o] = new_sex[b]
                age[o] = 0
                rank[o] = n0 + born
                ident[o] = n0 + born
                born += 1
            n += births
            total = _row_sums(kin, n, rowsum)
            n_out[r, t] = n
            gd_out[r, t] = 1.0 - total / (n * n) if n > 0 else np.nan
