"""Release candidates: what the captive population loses when animals leave for the wild.

For a release candidate i in the reference population P (N animals, kinships f_ij, MK_i =
(1/N) sum_{j in P} f_ij, mean MK m = 1 - GD, S = sum_{i,j in P} f_ij = N^2 m):

* **delta GD of removing i** = GD(P without i) - GD(P). Removing i takes row and column i out
  of S: S' = S - 2 N MK_i + f_ii, so

      delta GD_i = m - (N^2 m - 2 N MK_i + f_ii) / (N - 1)^2,

  in closed form from the MK vector and the self-kinship f_ii = (1 + F_i)/2. It is usually
  negative (the captive population loses diversity); it is positive for animals whose genes
  are over-represented.
* MK_i, % known, the share of its genome from flagged founders (e.g. founders of another
  subspecies), and its **representativeness**: the distance between its founder-contribution
  vector p_i and P's mean p, measured as the total-variation distance
  (1/2) sum_k |p_ik - p_k| (0 = exactly the population's founder mix, 1 = nothing in common).
  The Amur leopard plan asks for released animals "genetically average for the captive
  population", i.e. a small distance.

**Ranking**: animals whose flagged-founder share is at or below the cap come first, by delta GD
(smallest loss first), then by studbook id; animals over the cap are listed after them,
unranked.

**Release group**: k animals chosen *together* from the animals under the cap, minimising the
captive GD loss. Removing a set R of k animals gives

    S_R = S - 2 N sum_{i in R} MK_i + sum_{i,j in R} f_ij,   GD(P without R) = 1 - S_R/(N - k)^2,

so the best group minimises the quadratic form Q(R) = -2 N sum_R MK_i + sum_{i,j in R} f_ij: it
rewards high-MK animals but charges for their kinship to each other, which independent picks
ignore. Constraints, each optional: the **sex mix** (a ratio males:females, e.g. 1:1, gives
k M/(M+F) males rounded down or up; animals of unknown sex are then not used), the **largest
kinship between two members** (founders of a wild population should be unrelated breeding
pairs; the programme's setting, by default its kinship ceiling for pairs), the group's own GD,
1 - (1/k^2) sum_{i,j in R} f_ij, at least ``min_group_gd``, and the group's mean
flagged-founder share at most ``group_flagged_cap``. With at most ``exact_limit`` possible
groups (of the allowed sex mix) every group is enumerated (vectorised, in chunks): the result
is exact. Beyond that a heuristic runs: greedy starts (from each of the 60 best-ranked
animals, each completed, within the sex mix, by adding the animal with the smallest increase
of Q + w * within-group kinship + a heavy charge for kinship over the limit, for w = 0, N/10
and N, plus the top k independent picks), each improved by swapping one member for one
non-member while the swap lowers (constraint violation, Q) lexicographically, each round
evaluating all k x (n - k) swaps at once in O(1) per swap; the best end point is returned.

When no group meets the constraints, :class:`NoReleaseGroupError` says which bind: with the
enumeration, the best value any group of the allowed sex mix reaches for each constraint alone
(e.g. "the least related group has largest kinship 0.081"), and the closest group (least total
excess over the limits) with the limits it misses.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from studbook.defaults import DEFAULT_FLAGGED_CAP
from studbook.errors import StudbookError
from studbook.founders import founder_contributions, founder_representation
from studbook.ids import AnimalId, animal_ids
from studbook.kinship import kinship_matrix
from studbook.population import (
    NO_AGE_LIMITS,
    PopulationGenetics,
    ReferencePopulation,
    SpeciesProfile,
    population_genetics,
    release_candidates,
)
from studbook.present import counted
from studbook.status import studbook_order

__all__ = [
    "NoReleaseGroupError",
    "ReleaseGroup",
    "ReleaseInputs",
    "ReleaseRow",
    "evaluate_release_group",
    "group_delta_gd",
    "male_counts",
    "rank_release_candidates",
    "release_group",
    "release_inputs",
    "removal_delta_gd",
    "representativeness",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def removal_delta_gd(
    mk: FloatArray | float, self_kinship: FloatArray | float, mean_mk: float, n: int
) -> FloatArray:
    """GD(P without i) - GD(P) for each i, from its MK and self-kinship f_ii.

    delta GD_i = m - (N^2 m - 2 N MK_i + f_ii) / (N - 1)^2 with m = 1 - GD(P).

    Examples
    --------
    Lacy (1989), P = {C, D, F, G}, MK = 0.25, 0.3125, 0.28125, 0.28125, all f_ii = 1/2:

    >>> removal_delta_gd(np.array([0.25, 0.3125, 0.28125]), 0.5, 9 / 32, 4).round(5).tolist()
    [-0.05208, 0.00347, -0.02431]
    """
    if n < 2:
        raise StudbookError("removing an animal from a population of one leaves nothing")
    mk_a = np.asarray(mk, np.float64)
    out: FloatArray = mean_mk - (n * n * mean_mk - 2.0 * n * mk_a + self_kinship) / (n - 1) ** 2
    return out


def group_delta_gd(
    mk_sum: FloatArray | float, kinship_sum: FloatArray | float, k: int, mean_mk: float, n: int
) -> FloatArray:
    """GD(P without R) - GD(P) for groups R of size k, from sum_R MK_i and sum_{i,j in R} f_ij.

    >>> float(group_delta_gd(0.3125 + 0.28125, 0.5 + 0.5 + 2 * 0.25, 2, 9 / 32, 4))
    -0.03125
    """
    if k >= n:
        raise StudbookError(f"cannot remove {counted(k, 'animal')} from a population of {n}")
    s_r = n * n * mean_mk - 2.0 * n * np.asarray(mk_sum) + np.asarray(kinship_sum)
    out: FloatArray = mean_mk - s_r / (n - k) ** 2
    return out


def representativeness(contributions: FloatArray, population_mean: FloatArray) -> FloatArray:
    """Total-variation distance (1/2) sum_k |p_ik - p_k| of each row from P's mean contributions.

    >>> representativeness(np.array([[0.5, 0.5], [1.0, 0.0]]), np.array([0.5, 0.5])).tolist()
    [0.0, 0.5]
    """
    out: FloatArray = 0.5 * np.abs(contributions - population_mean[None, :]).sum(axis=1)
    return out


@dataclass(frozen=True, eq=False)
class ReleaseInputs:
    """What the release analysis needs about the candidates, relative to P.

    ``kinship`` is the candidates x candidates block of f_ij (self-kinship on the diagonal);
    ``contributions`` the candidates x founders matrix p_ik and ``population_contribution`` P's
    mean row; ``n`` and ``mean_mk`` describe P.
    """

    ids: tuple[str, ...]
    kinship: FloatArray
    mk: FloatArray
    n: int
    mean_mk: float
    known: FloatArray
    flagged: FloatArray
    contributions: FloatArray
    population_contribution: FloatArray
    founder_ids: tuple[str, ...]
    sex: tuple[str, ...]
    age: FloatArray
    location: tuple[str, ...]
    population: str = ""
    flags: tuple[str, ...] = ()

    @classmethod
    def from_arrays(
        cls,
        ids: Sequence[str],
        kinship: npt.ArrayLike,
        mk: npt.ArrayLike,
        *,
        n: int,
        mean_mk: float,
        known: npt.ArrayLike | None = None,
        flagged: npt.ArrayLike | None = None,
        contributions: npt.ArrayLike | None = None,
        population_contribution: npt.ArrayLike | None = None,
        founder_ids: Sequence[str] = (),
        sex: Sequence[str] | None = None,
        age: npt.ArrayLike | None = None,
        location: Sequence[str] | None = None,
        population: str = "",
        flags: Iterable[str] = (),
    ) -> ReleaseInputs:
        """Build from plain sequences; missing columns: fully known, no flagged share, no
        founder information, sex ``U``, age unknown, location unknown."""
        size = len(ids)
        contrib = (
            np.zeros((size, len(founder_ids)))
            if contributions is None
            else np.asarray(contributions, np.float64).reshape(size, -1)
        )
        mean = (
            np.zeros(contrib.shape[1])
            if population_contribution is None
            else np.asarray(population_contribution, np.float64)
        )
        return cls(
            ids=tuple(ids),
            kinship=np.asarray(kinship, np.float64).reshape(size, size),
            mk=np.asarray(mk, np.float64),
            n=n,
            mean_mk=float(mean_mk),
            known=np.ones(size) if known is None else np.asarray(known, np.float64),
            flagged=np.zeros(size) if flagged is None else np.asarray(flagged, np.float64),
            contributions=contrib,
            population_contribution=mean,
            founder_ids=tuple(founder_ids),
            sex=("U",) * size if sex is None else tuple(sex),
            age=np.full(size, np.nan) if age is None else np.asarray(age, np.float64),
            location=("",) * size if location is None else tuple(location),
            population=population,
            flags=tuple(flags),
        )

    def delta_gd(self) -> FloatArray:
        """delta GD of removing each candidate alone (closed form)."""
        return removal_delta_gd(self.mk, np.diag(self.kinship), self.mean_mk, self.n)


@dataclass(frozen=True, slots=True)
class ReleaseRow:
    """One release candidate. ``rank`` is ``None`` for animals over the flagged-founder cap,
    ``age`` (years) ``None`` when the birth date is unknown."""

    rank: int | None
    id: str
    sex: str
    age: float | None
    location: str
    delta_gd: float
    mk: float
    known: float
    flagged: float
    representativeness: float
    under_cap: bool

    def as_dict(self) -> dict[str, Any]:
        """The row as a plain dict (field order kept)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _ranking_order(inputs: ReleaseInputs, flagged_cap: float | None) -> tuple[IntArray, BoolArray]:
    """(ranking, whether each candidate is under the cap): under the cap first, then delta GD
    descending, then studbook id."""
    under = inputs.flagged <= (np.inf if flagged_cap is None else flagged_cap)
    order = np.lexsort((studbook_order(inputs.ids), -inputs.delta_gd(), ~under)).astype(np.int64)
    return order, under


def rank_release_candidates(
    inputs: ReleaseInputs, *, flagged_cap: float | None = DEFAULT_FLAGGED_CAP
) -> list[ReleaseRow]:
    """Rank the release candidates by captive GD cost (see the module docstring).

    Examples
    --------
    Lacy (1989) with P = {C, D, F, G}: D costs the captive population nothing (+0.00347).

    >>> k = np.array([[4, 2, 1, 1], [2, 4, 2, 2], [1, 2, 4, 2], [1, 2, 2, 4]]) / 8
    >>> inp = ReleaseInputs.from_arrays("CDFG", k, k.mean(axis=1), n=4, mean_mk=k.mean())
    >>> [(r.rank, r.id, round(r.delta_gd, 5)) for r in rank_release_candidates(inp)]
    [(1, 'D', 0.00347), (2, 'F', -0.02431), (3, 'G', -0.02431), (4, 'C', -0.05208)]
    """
    order, under = _ranking_order(inputs, flagged_cap)
    dgd = inputs.delta_gd()
    rep = representativeness(inputs.contributions, inputs.population_contribution)
    rows = []
    for position, i in enumerate(order.tolist()):
        rows.append(
            ReleaseRow(
                rank=position + 1 if under[i] else None,
                id=inputs.ids[i],
                sex=inputs.sex[i],
                age=None if np.isnan(inputs.age[i]) else float(inputs.age[i]),
                location=inputs.location[i],
                delta_gd=float(dgd[i]),
                mk=float(inputs.mk[i]),
                known=float(inputs.known[i]),
                flagged=float(inputs.flagged[i]),
                representativeness=float(rep[i]),
                under_cap=bool(under[i]),
            )
        )
    return rows


@dataclass(frozen=True)
class ReleaseGroup:
    """k animals to release together, with what they cost and what they carry.

    ``captive_delta_gd`` = GD(P without the group) - GD(P); ``group_gd`` the group's own GD;
    ``max_kinship`` the largest kinship between two members (``nan`` for one animal);
    ``males`` / ``females`` how many of each sex; ``founders_represented`` the founders with a
    share in at least one member; ``mate_kinship`` (male, female, f) for every male x female
    pair in the group; ``independent_*`` the same figures for the top k independent picks.
    """

    ids: tuple[str, ...]
    captive_delta_gd: float
    group_gd: float
    mean_flagged: float
    founders_represented: tuple[str, ...]
    mate_kinship: tuple[tuple[str, str, float], ...]
    method: str
    independent_ids: tuple[str, ...]
    independent_delta_gd: float
    independent_group_gd: float
    parameters: dict[str, Any]
    max_kinship: float = math.nan
    males: int = 0
    females: int = 0

    @property
    def sex_mix(self) -> str:
        """``males:females`` (e.g. ``2:2``)."""
        return f"{self.males}:{self.females}"


class NoReleaseGroupError(StudbookError):
    """No group of k meets the release constraints. The message names each constraint that
    binds and how close the best group comes; ``closest`` is the group that comes closest
    (``None`` when not even the sex mix can be met)."""

    def __init__(self, message: str, closest: ReleaseGroup | None = None) -> None:
        super().__init__(message)
        self.closest = closest


def male_counts(k: int, ratio: tuple[int, int] | None) -> tuple[int, ...] | None:
    """The numbers of males a group of k may have under the ratio males:females: k M/(M+F)
    rounded down and up (one number when it is whole); ``None`` = any.

    >>> male_counts(4, (1, 1)), male_counts(5, (1, 1)), male_counts(6, (1, 2)), male_counts(3, None)
    ((2,), (2, 3), (2,), None)
    """
    if ratio is None:
        return None
    exact = k * ratio[0] / (ratio[0] + ratio[1])
    return tuple(sorted({math.floor(exact + 1e-9), math.ceil(exact - 1e-9)}))


@dataclass(frozen=True)
class _Problem:
    kin: FloatArray
    mk: FloatArray
    flagged: FloatArray
    male: BoolArray  # pool animals that are male
    k: int
    n: int
    max_kinship_sum: float  # sum_{i,j in R} f_ij allowed by the minimum group GD
    max_flagged_sum: float
    excess: FloatArray  # max(0, f_ij - largest kinship allowed), zero diagonal
    males_allowed: tuple[int, ...] | None

    def objective(self, members: IntArray) -> float:
        sub = self.kin[np.ix_(members, members)]
        return float(-2.0 * self.n * self.mk[members].sum() + sub.sum())

    def sex_gap(self, males: npt.ArrayLike) -> FloatArray:
        m = np.asarray(males, np.float64)
        if self.males_allowed is None:
            return np.zeros(m.shape)
        gaps = [np.abs(m - c) for c in self.males_allowed]
        out: FloatArray = np.minimum.reduce(gaps)
        return out

    def violation(
        self,
        kin_sum: FloatArray | float,
        flagged_sum: FloatArray | float,
        excess_sum: FloatArray | float = 0.0,
        males: npt.ArrayLike = 0,
    ) -> FloatArray:
        """How far a group is from meeting every constraint (0 = meets them all): the excess
        of each constraint in its own unit, summed."""
        k2 = float(self.k * self.k)
        out: FloatArray = np.maximum(0.0, (np.asarray(kin_sum) - self.max_kinship_sum) / k2)
        out = out + np.maximum(0.0, (np.asarray(flagged_sum) - self.max_flagged_sum) / self.k)
        out = out + np.asarray(excess_sum) / 2.0 + self.sex_gap(males)
        return out

    def measures(self, members: IntArray) -> tuple[float, float, float, int]:
        """(kinship sum, flagged sum, kinship excess sum, males) of one group."""
        block = np.ix_(members, members)
        return (
            float(self.kin[block].sum()),
            float(self.flagged[members].sum()),
            float(self.excess[block].sum()),
            int(self.male[members].sum()),
        )

    def group_violation(self, members: IntArray) -> float:
        return float(self.violation(*self.measures(members)))


def _groups(p: _Problem) -> Iterator[tuple[int, ...]]:
    """Every group of k pool indices with an allowed number of males."""
    m = p.mk.size
    if p.males_allowed is None:
        yield from itertools.combinations(range(m), p.k)
        return
    males = np.flatnonzero(p.male).tolist()
    females = np.flatnonzero(~p.male).tolist()
    for count in p.males_allowed:
        for pair in itertools.product(
            itertools.combinations(males, count), itertools.combinations(females, p.k - count)
        ):
            yield pair[0] + pair[1]


def _group_count(p: _Problem) -> int:
    if p.males_allowed is None:
        return math.comb(p.mk.size, p.k)
    nm = int(p.male.sum())
    nf = p.mk.size - nm
    return sum(math.comb(nm, c) * math.comb(nf, p.k - c) for c in p.males_allowed)


@dataclass
class _Search:
    """What an enumeration saw: the best feasible group, the group closest to feasible, and
    the best value of each constraint's own measure over all groups (for explanations)."""

    best: tuple[float, IntArray] | None = None
    closest: tuple[float, float, IntArray] | None = None
    least_max_kinship: float = math.inf
    least_kinship_sum: float = math.inf
    least_flagged_sum: float = math.inf


def _enumerate(p: _Problem, chunk: int = 20_000) -> _Search:
    groups = _groups(p)
    seen = _Search()
    off_diagonal = ~np.eye(p.k, dtype=bool)
    while True:
        block = np.fromiter(
            itertools.chain.from_iterable(itertools.islice(groups, chunk)), np.int64
        ).reshape(-1, p.k)
        if block.size == 0:
            break
        sub = p.kin[block[:, :, None], block[:, None, :]]
        kin_sum = sub.sum(axis=(1, 2))
        q = -2.0 * p.n * p.mk[block].sum(axis=1) + kin_sum
        flagged_sum = p.flagged[block].sum(axis=1)
        excess_sum = p.excess[block[:, :, None], block[:, None, :]].sum(axis=(1, 2))
        violation = p.violation(kin_sum, flagged_sum, excess_sum, p.male[block].sum(axis=1))
        if p.k > 1:
            most = np.where(off_diagonal, sub, -np.inf).max(axis=(1, 2))
            seen.least_max_kinship = min(seen.least_max_kinship, float(most.min()))
        seen.least_kinship_sum = min(seen.least_kinship_sum, float(kin_sum.min()))
        seen.least_flagged_sum = min(seen.least_flagged_sum, float(flagged_sum.min()))
        ok = violation <= 1e-12
        if ok.any():
            masked = np.where(ok, q, np.inf)
            j = int(np.argmin(masked))
            if seen.best is None or masked[j] < seen.best[0] - 1e-15:
                seen.best = (float(masked[j]), block[j].copy())
        j = int(np.lexsort((q, violation))[0])
        if _closer(float(violation[j]), float(q[j]), seen.closest):
            seen.closest = (float(violation[j]), float(q[j]), block[j].copy())
    return seen


def _closer(v: float, q: float, than: tuple[float, float, IntArray] | None) -> bool:
    """Whether (violation v, objective q) is closer to a feasible optimum than ``than``."""
    if than is None:
        return True
    eps = 1e-13
    return v < than[0] - eps or (v <= than[0] + eps and q < than[1] - eps)


def _greedy(p: _Problem, first: int, weight: float) -> IntArray:
    """Complete ``{first}`` to k members, each step adding the animal with the smallest
    increase of Q + ``weight`` * (within-group kinship sum) + a heavy charge for kinship over
    the group limit, keeping to the sex mix when one is set."""
    m = p.mk.size
    chosen = [first]
    to_members = p.kin[:, first].copy()
    to_excess = p.excess[:, first].copy()
    free = np.ones(m, bool)
    free[first] = False
    diag = np.diag(p.kin)
    males_left = p.k if p.males_allowed is None else max(p.males_allowed)
    females_left = p.k if p.males_allowed is None else p.k - min(p.males_allowed)
    if p.male[first]:
        males_left -= 1
    else:
        females_left -= 1
    for _ in range(p.k - 1):
        open_sex = np.where(p.male, males_left > 0, females_left > 0)
        added_kin = 2.0 * to_members + diag
        cost = -2.0 * p.n * p.mk + (1.0 + weight) * added_kin + 20.0 * p.n * to_excess
        pick = np.where(free & open_sex, cost, np.inf)
        if not np.isfinite(pick).any():
            pick = np.where(free, cost, np.inf)
        b = int(np.argmin(pick))
        chosen.append(b)
        free[b] = False
        to_members += p.kin[:, b]
        to_excess += p.excess[:, b]
        if p.male[b]:
            males_left -= 1
        else:
            females_left -= 1
    return np.array(chosen, np.int64)


def _swap_search(p: _Problem, start: IntArray, max_rounds: int) -> IntArray:
    """Swap one member for one non-member while that lowers (violation, Q)
    lexicographically; all k x (n - k) swaps are scored at once, O(1) each."""
    m = p.mk.size
    members = start.copy()
    inside = np.zeros(m, bool)
    inside[members] = True
    diag = np.diag(p.kin)
    male = p.male.astype(np.int64)
    for _ in range(max_rounds):
        outside = np.flatnonzero(~inside)
        if outside.size == 0:
            break
        r = p.kin[:, members].sum(axis=1)  # kinship of every animal to the members
        rx = p.excess[:, members].sum(axis=1)
        kin_sum = float(r[members].sum())
        ex_sum = float(rx[members].sum())
        mk_sum = float(p.mk[members].sum())
        fl_sum = float(p.flagged[members].sum())
        males = int(male[members].sum())
        now = (float(p.violation(kin_sum, fl_sum, ex_sum, males)), -2.0 * p.n * mk_sum + kin_sum)
        a, b = members[:, None], outside[None, :]
        new_kin = kin_sum - 2.0 * r[a] + diag[a] + 2.0 * (r[b] - p.kin[a, b]) + diag[b]
        new_ex = ex_sum - 2.0 * rx[a] + 2.0 * (rx[b] - p.excess[a, b])
        new_q = -2.0 * p.n * (mk_sum - p.mk[a] + p.mk[b]) + new_kin
        new_v = p.violation(
            new_kin, fl_sum - p.flagged[a] + p.flagged[b], new_ex, males - male[a] + male[b]
        )
        eps = 1e-13
        better = (new_v < now[0] - eps) | ((new_v <= now[0] + eps) & (new_q < now[1] - eps))
        if not better.any():
            break
        key_v = np.where(better, new_v, np.inf)
        best_v = key_v.min()
        key_q = np.where(better & (key_v <= best_v + eps), new_q, np.inf)
        ia, ib = np.unravel_index(int(np.argmin(key_q)), key_q.shape)
        inside[members[ia]] = False
        inside[outside[ib]] = True
        members[ia] = outside[ib]
    return members


def _heuristic(p: _Problem, independent: IntArray, max_seeds: int = 60) -> IntArray:
    """The best end point (least violation, then least Q) of swap searches from greedy starts."""
    starts = [independent]
    # Seeds: the best-ranked animals (the pool is in ranked order); weights from "MK only"
    # to "kinship within the group counts as much as n times MK".
    for first in range(min(p.mk.size, max_seeds)):
        for weight in (0.0, 0.1 * p.n, float(p.n)):
            starts.append(_greedy(p, first, weight))
    ends = [_swap_search(p, s, max_rounds=10 * p.mk.size) for s in starts]

    def key(members: IntArray) -> tuple[float, float, tuple[int, ...]]:
        return p.group_violation(members), p.objective(members), tuple(sorted(members.tolist()))

    return min(ends, key=key)


def release_group(
    inputs: ReleaseInputs,
    k: int,
    *,
    flagged_cap: float | None = DEFAULT_FLAGGED_CAP,
    group_flagged_cap: float | None = None,
    min_group_gd: float | None = None,
    sex_ratio: tuple[int, int] | None = None,
    max_kinship: float | None = None,
    exact_limit: int = 200_000,
) -> ReleaseGroup:
    """Choose k animals to release together (see the module docstring).

    Parameters
    ----------
    inputs : the release candidates.
    k : group size.
    flagged_cap : per-animal cap on the flagged-founder share (animals over it are not used).
    group_flagged_cap : optional cap on the group's mean flagged-founder share.
    min_group_gd : optional minimum GD within the group, 1 - (1/k^2) sum_{i,j in R} f_ij.
    sex_ratio : optional males:females; the group has k M/(M+F) males, rounded down or up
        (:func:`male_counts`), and animals of unknown sex are not used.
    max_kinship : optional largest kinship f_ij between two members (founders of a wild
        population should be unrelated breeding pairs).
    exact_limit : enumerate every group when there are at most this many, else use the
        heuristic.

    Raises
    ------
    NoReleaseGroupError
        When too few animals are eligible, or no group meets the constraints: the message names
        the constraints that bind and how close the best group comes.

    Examples
    --------
    >>> kin = np.array([[4, 2, 1, 1], [2, 4, 2, 2], [1, 2, 4, 2], [1, 2, 2, 4]]) / 8
    >>> inp = ReleaseInputs.from_arrays("CDFG", kin, kin.mean(axis=1), n=4, mean_mk=kin.mean(),
    ...                                 sex="FMFM")
    >>> g = release_group(inp, 2)
    >>> g.ids, round(g.captive_delta_gd, 5), g.group_gd
    (('D', 'F'), -0.03125, 0.625)
    >>> release_group(inp, 2, sex_ratio=(1, 1), max_kinship=0.2).ids  # C x G: kinship 1/8
    ('C', 'G')
    """
    order, under = _ranking_order(inputs, flagged_cap)
    pool = order[under[order]]  # ranked, under the cap
    if k >= inputs.n:
        raise StudbookError(
            f"cannot release {k} of the {counted(inputs.n, 'animal')} in the population"
        )
    counts = male_counts(k, sex_ratio)
    sex = np.array(inputs.sex, dtype=object)
    if counts is not None:
        pool = pool[np.isin(sex[pool], ("M", "F"))]
    if pool.size < k:
        raise NoReleaseGroupError(
            f"only {counted(pool.size, 'release candidate', verb='is')} under the "
            "flagged-founder cap" + ("" if counts is None else " with a known sex") + f", not {k}"
        )
    male = sex[pool] == "M"
    if counts is not None:
        nm, nf = int(male.sum()), int((~male).sum())
        counts = tuple(c for c in counts if c <= nm and k - c <= nf)
        if not counts:
            need = male_counts(k, sex_ratio) or ()
            raise NoReleaseGroupError(
                f"a {_mix_text(k, need, sex_ratio)} is impossible: {counted(nm, 'male')} and "
                f"{counted(nf, 'female')} "
                "are under the flagged-founder cap"
            )
    kin = inputs.kinship[np.ix_(pool, pool)]
    excess = np.zeros_like(kin) if max_kinship is None else np.maximum(0.0, kin - max_kinship)
    np.fill_diagonal(excess, 0.0)
    p = _Problem(
        kin=kin,
        mk=inputs.mk[pool],
        flagged=inputs.flagged[pool],
        male=male,
        k=k,
        n=inputs.n,
        max_kinship_sum=np.inf if min_group_gd is None else k * k * (1.0 - min_group_gd),
        max_flagged_sum=np.inf if group_flagged_cap is None else k * group_flagged_cap,
        excess=excess,
        males_allowed=counts,
    )
    independent = np.arange(k, dtype=np.int64)  # pool is in ranked order
    count = _group_count(p)
    parameters = {
        "group size": k,
        "flagged-founder cap (per animal)": flagged_cap,
        "group mean flagged cap": group_flagged_cap,
        "minimum group GD": min_group_gd,
        "males:females": "any" if sex_ratio is None else f"{sex_ratio[0]}:{sex_ratio[1]}",
        "largest kinship within the group": max_kinship,
    }
    if count <= exact_limit:
        seen = _enumerate(p)
        method = f"exact (all {counted(count, 'group')} enumerated)"
        if seen.best is None:
            closest = None if seen.closest is None else seen.closest[2]
            raise _infeasible(inputs, pool, p, closest, seen, method, parameters, sex_ratio)
        local = seen.best[1]
    else:
        local = _heuristic(p, independent)
        method = "heuristic (greedy starts + swap local search; not proven optimal)"
        if p.group_violation(local) > 1e-12:
            raise _infeasible(inputs, pool, p, local, None, method, parameters, sex_ratio)
    return _describe_group(inputs, pool[local], pool[independent], method, parameters)


def _mix_text(k: int, counts: Sequence[int], ratio: tuple[int, int] | None) -> str:
    if ratio is None:
        return f"group of {k}"
    mixes = " or ".join(f"{counted(c, 'male')} and {counted(k - c, 'female')}" for c in counts)
    return f"group of {k} with {mixes} ({ratio[0]}:{ratio[1]})"


def _infeasible(
    inputs: ReleaseInputs,
    pool: IntArray,
    p: _Problem,
    closest: IntArray | None,
    seen: _Search | None,
    method: str,
    parameters: dict[str, Any],
    ratio: tuple[int, int] | None,
) -> NoReleaseGroupError:
    """The error for constraints no group meets: each constraint that binds, with the best
    value any group reaches (exact search) or the closest group's value (heuristic)."""
    k = p.k
    limits: list[str] = []
    max_kinship = parameters["largest kinship within the group"]
    min_gd = parameters["minimum group GD"]
    flagged_cap = parameters["group mean flagged cap"]
    if seen is not None:
        if max_kinship is not None and seen.least_max_kinship > max_kinship:
            limits.append(
                f"largest kinship within the group <= {max_kinship:.4f}: the least related "
                f"group has {seen.least_max_kinship:.4f}"
            )
        if min_gd is not None and 1.0 - seen.least_kinship_sum / (k * k) < min_gd:
            limits.append(
                f"group GD >= {min_gd:.4f}: the most diverse group has "
                f"{1.0 - seen.least_kinship_sum / (k * k):.4f}"
            )
        if flagged_cap is not None and seen.least_flagged_sum / k > flagged_cap:
            limits.append(
                f"group mean flagged share <= {100 * flagged_cap:.1f} %: the lowest is "
                f"{100 * seen.least_flagged_sum / k:.1f} %"
            )
        if not limits:
            limits.append("each constraint can be met on its own, but not all together")
    group = None
    if closest is not None:
        group = _describe_group(inputs, pool[closest], pool[np.arange(k)], method, parameters)
        misses = []
        if max_kinship is not None and group.max_kinship > max_kinship:
            misses.append(f"largest kinship {group.max_kinship:.4f} (limit {max_kinship:.4f})")
        if min_gd is not None and group.group_gd < min_gd:
            misses.append(f"group GD {group.group_gd:.4f} (minimum {min_gd:.4f})")
        if flagged_cap is not None and group.mean_flagged > flagged_cap:
            misses.append(
                f"mean flagged {100 * group.mean_flagged:.1f} % (cap {100 * flagged_cap:.1f} %)"
            )
        limits.append(
            f"closest group {', '.join(group.ids)} ({group.sex_mix} males:females): "
            + ("; ".join(misses) or "misses the sex mix")
        )
    head = f"no {_mix_text(k, p.males_allowed or (), ratio)} meets the group constraints"
    return NoReleaseGroupError(f"{head} ({method}): " + "; ".join(limits), group)


def evaluate_release_group(
    inputs: ReleaseInputs,
    ids: Sequence[AnimalId],
    *,
    flagged_cap: float | None = DEFAULT_FLAGGED_CAP,
) -> ReleaseGroup:
    """The figures of a release group chosen by hand (ids of release candidates).

    The same figures as :func:`release_group` gives for its own choice, compared with the top
    ``len(ids)`` independent picks under ``flagged_cap``. Raises ``StudbookError`` for an id
    that is not a release candidate, an id given twice, or a group as large as P.

    Examples
    --------
    >>> kin = np.array([[4, 2, 1, 1], [2, 4, 2, 2], [1, 2, 4, 2], [1, 2, 2, 4]]) / 8
    >>> inp = ReleaseInputs.from_arrays("CDFG", kin, kin.mean(axis=1), n=4, mean_mk=kin.mean())
    >>> g = evaluate_release_group(inp, ["G", "C"])
    >>> g.ids, g.captive_delta_gd, g.group_gd, g.independent_ids  # D, F keep 0.625 of 0.71875
    (('C', 'G'), -0.09375, 0.6875, ('D', 'F'))
    """
    ids = animal_ids(ids)
    where = {animal: k for k, animal in enumerate(inputs.ids)}
    missing = [a for a in ids if a not in where]
    if missing:
        raise StudbookError(f"not release candidates: {', '.join(missing)}")
    repeated = sorted({a for a in ids if list(ids).count(a) > 1})
    if repeated:
        raise StudbookError(f"given more than once: {', '.join(repeated)}")
    k = len(ids)
    if k == 0:
        raise StudbookError("a release group needs at least one animal")
    if k >= inputs.n:
        raise StudbookError(
            f"cannot release {k} of the {counted(inputs.n, 'animal')} in the population"
        )
    order, under = _ranking_order(inputs, flagged_cap)
    chosen = np.array([where[a] for a in ids], np.int64)
    parameters = {"group size": k, "flagged-founder cap (per animal)": flagged_cap}
    return _describe_group(inputs, chosen, order[under[order]][:k], "chosen by hand", parameters)


def _describe_group(
    inputs: ReleaseInputs,
    members: IntArray,
    independent: IntArray,
    method: str,
    parameters: dict[str, Any],
) -> ReleaseGroup:
    """The :class:`ReleaseGroup` of ``members`` (candidate indices), compared with the
    ``independent`` top picks."""
    k = members.size
    chosen = members[np.argsort(studbook_order([inputs.ids[i] for i in members.tolist()]))]

    def stats(group: IntArray) -> tuple[float, float]:
        block = inputs.kinship[np.ix_(group, group)]
        dgd = group_delta_gd(inputs.mk[group].sum(), block.sum(), k, inputs.mean_mk, inputs.n)
        return float(dgd), float(1.0 - block.mean())

    dgd, gd = stats(chosen)
    top_dgd, top_gd = stats(independent) if independent.size == k else (math.nan, math.nan)
    carried = np.flatnonzero((inputs.contributions[chosen] > 1e-12).any(axis=0))
    founders = tuple(inputs.founder_ids[c] for c in carried.tolist())
    mates = tuple(
        (inputs.ids[a], inputs.ids[b], float(inputs.kinship[a, b]))
        for a in chosen.tolist()
        if inputs.sex[a] == "M"
        for b in chosen.tolist()
        if inputs.sex[b] == "F"
    )
    block = inputs.kinship[np.ix_(chosen, chosen)]
    pairs = block[~np.eye(k, dtype=bool)]
    sexes = [inputs.sex[i] for i in chosen.tolist()]
    return ReleaseGroup(
        ids=tuple(inputs.ids[i] for i in chosen.tolist()),
        captive_delta_gd=dgd,
        group_gd=gd,
        mean_flagged=float(inputs.flagged[chosen].mean()),
        founders_represented=founders,
        mate_kinship=mates,
        method=method,
        independent_ids=tuple(inputs.ids[i] for i in independent.tolist()),
        independent_delta_gd=top_dgd,
        independent_group_gd=top_gd,
        parameters=parameters,
        max_kinship=float(pairs.max()) if pairs.size else math.nan,
        males=sexes.count("M"),
        females=sexes.count("F"),
    )


def release_inputs(
    population: ReferencePopulation,
    profile: SpeciesProfile = NO_AGE_LIMITS,
    genetics: PopulationGenetics | None = None,
    *,
    ineligible: Iterable[str] = (),
    candidates: Sequence[str] | None = None,
    include_unknown_age: bool = False,
    flags: Iterable[str] | None = None,
) -> ReleaseInputs:
    """Release candidates of P with their genetics, from the kinship engine.

    Candidates are the animals of P in the profile's release-age window, not ``ineligible``
    (see :func:`~studbook.population.release_candidates`), or exactly ``candidates`` when
    given (ids; they must be in P). ``genetics`` is computed when not given (``flags``: the
    founder flags counted, default all).

    Examples
    --------
    Lacy (1989) with P = {C, D, F, G}:

    >>> from studbook.pedigree import Pedigree
    >>> from studbook.population import reference_population
    >>> ped = Pedigree.from_cells(list("ABCDEFG"), ["", "", "A", "A", "", "D", "D"],
    ...                           ["", "", "B", "B", "", "E", "E"])
    >>> pop = reference_population(ped, census_date="2024-01-01", exclude=["A", "B", "E"])
    >>> inp = release_inputs(pop, NO_AGE_LIMITS)
    >>> [(r.id, round(r.delta_gd, 5)) for r in rank_release_candidates(inp)]
    [('D', 0.00347), ('F', -0.02431), ('G', -0.02431), ('C', -0.05208)]
    """
    ped = population.pedigree
    gen = genetics if genetics is not None else population_genetics(population, flags)
    if candidates is None:
        pos = release_candidates(
            population, profile, ineligible=ineligible, include_unknown_age=include_unknown_age
        )
    else:
        pos = ped.indices(candidates)
        outside = [ped.ids[k] for k in pos.tolist() if not population.mask[k]]
        if outside:
            raise StudbookError("release candidates not in the population: " + ", ".join(outside))
    ids = [ped.ids[k] for k in pos.tolist()]
    if ids:
        names, contrib = founder_contributions(ped, ids)
    else:
        names, contrib = [], np.zeros((0, 0))
    mean = founder_representation(ped, population.mask)
    founders = sorted(set(names) | set(mean), key=ped.index.__getitem__)
    column = {f: k for k, f in enumerate(founders)}
    full = np.zeros((len(ids), len(founders)))
    if names:
        full[:, [column[f] for f in names]] = contrib
    ages = population.ages()[pos]
    return ReleaseInputs(
        ids=tuple(ids),
        kinship=kinship_matrix(ped, ids) if ids else np.zeros((0, 0)),
        mk=gen.mk[pos],
        n=gen.n,
        mean_mk=gen.mean_mk,
        known=gen.known[pos],
        flagged=gen.flagged[pos],
        contributions=full,
        population_contribution=np.array([mean.get(f, 0.0) for f in founders]),
        founder_ids=tuple(founders),
        sex=tuple(str(x) for x in ped.sex[pos]),
        age=ages,
        location=tuple(str(ped.location[k]) for k in pos.tolist()),
        population=f"{population.definition}; release candidates: {profile.describe()}",
        flags=gen.flags,
    )
