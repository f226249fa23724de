"""Plans judged by the next generation: exact GD after the planned offspring, and optimum
contributions (optiSel's OCS) realised as pairs.

A breeding plan's usual objective is the sum of its pairs' delta GD (:mod:`studbook.pairing`),
but the offspring of different pairs are related to each other, so the sum only approximates
what the plan does to the population. Here a plan is judged exactly.

**Next-generation GD.** P has N animals with kinships f, S = sum_{i,j in P} f_ij = N^2 m (m the
mean MK). A plan adds one offspring o per planned pair (m_o, f_o), n offspring in all. With K the
kinship matrix of the breeding candidates (all of them in P):

* f(o, x) = (f(m_o, x) + f(f_o, x)) / 2 for x in P, so sum_{x in P} f(o, x) = N (MK_m + MK_f)/2;
* f(o, o') = (f(m, m') + f(m, f') + f(f, m') + f(f, f')) / 4 for o != o';
* f(o, o) = (1 + f(m_o, f_o)) / 2;

S' = S + N sum_o (MK_m + MK_f) + sum_{o, o'} f(o, o') and GD(P + O) = 1 - S' / (N + n)^2. The
offspring generation's own GD is 1 - (1/n^2) sum_{o, o'} f(o, o'). All of it is a few array
operations on the candidates' kinship matrix.

**Optimum contributions.** As optiSel does, choose each candidate's contribution c_i (its share
of the offspring generation's genes: the number of its offspring / 2n) to

    minimise  c'Kc + (2N/n) MK'c        ("population": the GD of P + O, up to the offspring's
                                          own inbreeding, which depends on who mates whom)
    or        c'Kc                      ("offspring": the offspring generation's mean kinship,
                                          optiSel's objective)

subject to sum_{males} c = sum_{females} c = 1/2, 0 <= c_i <= K_max / (2n) (at most K_max
offspring per animal) and the offspring's flagged-founder share sum_i c_i flag_i at most an upper
bound (by default the candidates' current mean share: a plan must not spread flagged genes).
K is positive semi-definite, so this is a convex QP; :func:`optimum_contributions` solves it
exactly with a primal active-set method (each step an equality-constrained QP solved through
the Schur complement of the active constraints, with the inverse of K on the free variables
updated by rank-one steps; it starts at the vertex best for the objective's gradient, and stops
when every multiplier has the right sign, so the result meets the KKT conditions to rounding).
The tests check it against an enumeration of every active set on small cases and against
SciPy's SLSQP.

**Realised as pairs** (:func:`realise_contributions`): each sex's 2n c_i are rounded to whole
offspring numbers summing to n (largest remainders, at most K_max each; if rounding pushed the
flagged share over its bound, single offspring move from more to less flagged animals of the
same sex until it is back under), and males are matched
to females with those numbers of pairs each so that the total offspring F is least among pairs
below the kinship ceiling (a min-cost flow, :func:`studbook.breeding_plan.solve_b_matching`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from studbook.breeding_plan import greedy_mk_plan, max_pairs, solve_b_matching
from studbook.errors import StudbookError
from studbook.kinship import kinship_matrix
from studbook.pairing import TRANSFER_LABELS, PairingInputs, pairing_inputs
from studbook.population import Candidates, PopulationGenetics
from studbook.present import counted

__all__ = [
    "ContributionObjective",
    "Contributions",
    "NextGeneration",
    "NextGenerationInputs",
    "PlanComparison",
    "compare_plans",
    "next_generation",
    "next_generation_inputs",
    "offspring_kinship",
    "offspring_numbers",
    "optimum_contributions",
    "realise_contributions",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ContributionObjective = Literal["population", "offspring"]

_BETWEEN_REGIONS = TRANSFER_LABELS.index("between regions")


@dataclass(frozen=True, eq=False)
class NextGenerationInputs:
    """The pairing inputs and the kinship matrix of all breeding candidates, males first (in
    ``pairing.male_ids`` order), then females; self-kinship f_ii = (1 + F_i)/2 on the
    diagonal."""

    pairing: PairingInputs
    kinship: FloatArray

    def __post_init__(self) -> None:
        size = len(self.pairing.male_ids) + len(self.pairing.female_ids)
        if self.kinship.shape != (size, size):
            raise ValueError(f"the candidates' kinship must be {size} x {size}")

    @property
    def males(self) -> int:
        return len(self.pairing.male_ids)

    @property
    def mk(self) -> FloatArray:
        """MK of every candidate (males first)."""
        return np.concatenate([self.pairing.mk_male, self.pairing.mk_female])

    @property
    def flagged(self) -> FloatArray:
        """Flagged-founder share of every candidate (males first)."""
        return np.concatenate([self.pairing.flagged_male, self.pairing.flagged_female])

    @property
    def is_male(self) -> BoolArray:
        return np.arange(self.kinship.shape[0]) < self.males


def next_generation_inputs(
    candidates: Candidates, genetics: PopulationGenetics
) -> NextGenerationInputs:
    """The inputs for the breeding candidates, from the kinship engine."""
    pairing = pairing_inputs(candidates, genetics)
    ped = candidates.population.pedigree
    ids = [*pairing.male_ids, *pairing.female_ids]
    return NextGenerationInputs(pairing, kinship_matrix(ped, ids) if ids else np.zeros((0, 0)))


def offspring_kinship(kinship: FloatArray, sires: IntArray, dams: IntArray) -> FloatArray:
    """Kinship matrix of the offspring of pairs (``sires[k]``, ``dams[k]``), indices into
    ``kinship``: f(o, o') = (f(m,m') + f(m,f') + f(f,m') + f(f,f'))/4, f(o, o) = (1 + f(m,f))/2.

    >>> k = np.array([[0.5, 0.0, 0.0], [0.0, 0.5, 0.25], [0.0, 0.25, 0.5]])
    >>> offspring_kinship(k, np.array([0, 0]), np.array([1, 2])).tolist()  # half sibs
    [[0.5, 0.1875], [0.1875, 0.5]]
    """
    s, d = np.asarray(sires), np.asarray(dams)
    out: FloatArray = (
        kinship[np.ix_(s, s)]
        + kinship[np.ix_(s, d)]
        + kinship[np.ix_(d, s)]
        + kinship[np.ix_(d, d)]
    ) / 4.0
    out[np.diag_indices_from(out)] = (1.0 + kinship[s, d]) / 2.0
    return out


@dataclass(frozen=True)
class NextGeneration:
    """What a plan does to the population, one offspring per pair.

    ``gd`` = GD(P + O), ``delta_gd`` = GD(P + O) - GD(P), ``offspring_gd`` the offspring
    generation's own GD, ``sum_pair_delta_gd`` the plan's usual objective (each pair alone),
    ``flagged`` the offspring's mean expected flagged-founder share, ``transfers`` the pairs whose
    mates live at different institutions (``between_regions`` of them across regions).
    """

    method: str
    pairs: tuple[tuple[str, str], ...]
    gd: float
    delta_gd: float
    offspring_gd: float
    sum_pair_delta_gd: float
    mean_offspring_f: float
    flagged: float
    transfers: int
    between_regions: int
    seconds: float = 0.0


def next_generation(
    inputs: NextGenerationInputs,
    males: IntArray,
    females: IntArray,
    method: str = "",
    seconds: float = 0.0,
) -> NextGeneration:
    """The exact figures of a plan given as male and female indices (see the module docstring).

    Examples
    --------
    Two unrelated founders in P = {A, B} (S = 1, GD 3/4); their offspring o has kinship 1/4 with
    each and 1/2 with itself, so S' = 1 + 2 (1/4 + 1/4) + 1/2 = 5/2 and GD(P + O) = 1 - 5/18.

    >>> inp = NextGenerationInputs(
    ...     PairingInputs.from_arrays(["A"], ["B"], [[0.0]], [0.25], [0.25], n=2, mean_mk=0.25),
    ...     np.array([[0.5, 0.0], [0.0, 0.5]]))
    >>> g = next_generation(inp, np.array([0]), np.array([0]))
    >>> round(g.gd, 12), round(1 - 5 / 18, 12), g.offspring_gd
    (0.722222222222, 0.722222222222, 0.5)
    """
    p = inputs.pairing
    m = np.asarray(males, np.int64)
    f = np.asarray(females, np.int64)
    n_off = m.size
    sires, dams = m, inputs.males + f
    o = offspring_kinship(inputs.kinship, sires, dams)
    total = p.n * p.n * p.mean_mk + p.n * float((p.mk_male[m] + p.mk_female[f]).sum()) + o.sum()
    gd = 1.0 - total / (p.n + n_off) ** 2
    transfers = p.transfers()[m, f]
    flagged = 0.5 * (p.flagged_male[m] + p.flagged_female[f])
    return NextGeneration(
        method=method,
        pairs=tuple(
            (p.male_ids[a], p.female_ids[b]) for a, b in zip(m.tolist(), f.tolist(), strict=True)
        ),
        gd=float(gd),
        delta_gd=float(gd - (1.0 - p.mean_mk)),
        offspring_gd=float(1.0 - o.mean()) if n_off else float("nan"),
        sum_pair_delta_gd=float(p.delta_gd()[m, f].sum()),
        mean_offspring_f=float(p.kinship[m, f].mean()) if n_off else 0.0,
        flagged=float(flagged.mean()) if n_off else 0.0,
        transfers=int((transfers != 0).sum()),
        between_regions=int((transfers == _BETWEEN_REGIONS).sum()),
        seconds=seconds,
    )


@dataclass(frozen=True)
class Contributions:
    """Optimum contributions: ``c`` per candidate (males first), the objective value, the
    flagged share sum_i c_i flag_i and its bound, and the active-set iterations taken."""

    c: FloatArray
    objective: float
    flagged: float
    max_flagged: float
    iterations: int


def _fill(key: FloatArray, lower: FloatArray, upper: FloatArray, is_male: BoolArray) -> FloatArray:
    """The contributions that minimise key'c: each sex starts at its ``lower`` bounds and
    fills its animals of least ``key`` to their caps until it reaches 1/2 (exact for this
    fractional knapsack; a vertex)."""
    c = lower.copy()
    for sex in (is_male, ~is_male):
        idx = np.flatnonzero(sex)
        idx = idx[np.argsort(key[idx], kind="stable")]
        room = upper[idx] - lower[idx]
        left = 0.5 - float(lower[idx].sum())
        c[idx] += np.minimum(room, np.maximum(0.0, left - np.cumsum(room) + room))
    return c


class _FreeInverse:
    """The inverse of H restricted to the free variables, kept up to date as variables are
    fixed (a rank-one downdate) or released (a bordered update), O(|F|^2) each instead of a
    new O(|F|^3) factorisation; refreshed from scratch every ``refresh`` changes."""

    def __init__(self, hess: FloatArray, free: IntArray, refresh: int = 64) -> None:
        self.hess = hess
        self.free = free
        self.refresh = refresh
        self._rebuild()

    def _rebuild(self) -> None:
        block = self.hess[np.ix_(self.free, self.free)]
        self.inv = np.linalg.inv(block) if self.free.size else np.zeros((0, 0))
        self.changes = 0

    def _changed(self) -> None:
        self.changes += 1
        if self.changes >= self.refresh:
            self._rebuild()

    def fix(self, var: int) -> None:
        k = int(np.flatnonzero(self.free == var)[0])
        keep = np.arange(self.free.size) != k
        column = self.inv[keep, k]
        self.inv = self.inv[np.ix_(keep, keep)] - np.outer(column, column) / self.inv[k, k]
        self.free = self.free[keep]
        self._changed()

    def release(self, var: int) -> None:
        border = self.hess[self.free, var]
        ib = self.inv @ border
        schur = float(self.hess[var, var] - border @ ib)
        if schur <= 1e-14 * float(self.hess[var, var]):
            self.free = np.append(self.free, var)
            self._rebuild()
            return
        size = self.free.size
        inv = np.empty((size + 1, size + 1))
        inv[:size, :size] = self.inv + np.outer(ib, ib) / schur
        inv[:size, size] = inv[size, :size] = -ib / schur
        inv[size, size] = 1.0 / schur
        self.inv = inv
        self.free = np.append(self.free, var)
        self._changed()


def _active_set(
    hess: FloatArray,
    linear: FloatArray,
    rows: FloatArray,
    flag: FloatArray | None,
    bound: float,
    lower: FloatArray,
    upper: FloatArray,
    start: FloatArray,
    max_iter: int,
) -> tuple[FloatArray, int]:
    """Primal active-set method for min 1/2 x'Hx + q'x, ``rows`` x = 1/2 (each row a sex),
    flag'x <= bound, lower <= x <= upper, from the feasible ``start`` (Nocedal & Wright, 16.3).
    A variable with lower = upper stays fixed.

    Each step solves the equality-constrained QP on the free variables through the Schur
    complement of the (at most three) active general constraints: with G = H_FF^-1 and the
    active rows R, lambda = -(R G R')^-1 R G g and the step p = -G (g + R' lambda)."""
    x = start.copy()
    size = x.size
    state = np.zeros(size, np.int8)  # 0 free, -1 at its lower bound, +1 at its cap
    scale = float(upper.max()) if size else 1.0
    tol = 1e-11 * scale
    fixed = upper - lower <= tol
    state[x <= lower + tol] = -1
    state[(x >= upper - tol) & (state == 0)] = 1
    x[state == -1] = lower[state == -1]
    x[state == 1] = upper[state == 1]
    flag_active = bool(flag is not None and flag @ x >= bound - tol)
    inverse = _FreeInverse(hess, np.flatnonzero(state == 0))
    for iteration in range(1, max_iter + 1):
        free = inverse.free
        cons = rows if not flag_active or flag is None else np.vstack([rows, flag])
        grad = hess @ x + linear
        used = np.flatnonzero(np.abs(cons[:, free]).sum(axis=1) > 0)
        r_f = cons[np.ix_(used, free)]
        ig = inverse.inv @ grad[free]
        ir = inverse.inv @ r_f.T
        lam_used = np.zeros(used.size)
        if used.size:
            schur = r_f @ ir
            try:
                lam_used = np.linalg.solve(schur, -(r_f @ ig))
            except np.linalg.LinAlgError:
                lam_used = np.linalg.lstsq(schur, -(r_f @ ig), rcond=None)[0]
        step = np.zeros(size)
        step[free] = -(ig + ir @ lam_used)
        if np.abs(step).max(initial=0.0) <= tol:
            lam = np.zeros(cons.shape[0])
            lam[used] = lam_used
            reduced = grad + cons.T @ lam
            for row in np.setdiff1d(np.arange(rows.shape[0]), used):
                lam[row] = _free_multiplier(reduced, state, rows[row] > 0)
            reduced = grad + cons.T @ lam
            wrong = np.where(state == -1, reduced, np.where(state == 1, -reduced, np.inf))
            wrong[fixed] = np.inf
            worst = int(np.argmin(wrong)) if size else -1
            flag_wrong = lam[-1] if flag_active else np.inf
            if min(wrong[worst] if size else np.inf, flag_wrong) >= -1e-12:
                return x, iteration
            if flag_wrong < (wrong[worst] if size else np.inf):
                flag_active = False
            else:
                state[worst] = 0
                inverse.release(worst)
            continue
        alpha, block, block_flag = 1.0, -1, False
        down, up = step < -tol * 1e-3, step > tol * 1e-3
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(down, (lower - x) / step, np.where(up, (upper - x) / step, np.inf))
        ratio[state != 0] = np.inf
        if ratio.size and ratio.min() < alpha:
            block = int(np.argmin(ratio))
            alpha = float(ratio[block])
        if flag is not None and not flag_active and flag @ step > 0:
            reach = float((bound - flag @ x) / (flag @ step))
            if reach < alpha:
                alpha, block, block_flag = max(reach, 0.0), -1, True
        x = x + alpha * step
        if block_flag:
            flag_active = True
        elif block >= 0:
            state[block] = -1 if step[block] < 0 else 1
            x[block] = lower[block] if step[block] < 0 else upper[block]
            inverse.fix(block)
    raise StudbookError(f"optimum contributions: no convergence in {max_iter} iterations")


def _free_multiplier(reduced: FloatArray, state: npt.NDArray[np.int8], sex: BoolArray) -> float:
    """The multiplier of a sex whose animals are all at a bound: the middle of the interval
    that keeps every bound multiplier non-negative (or the middle of the conflict)."""
    lower = reduced[sex & (state == -1)]
    upper = reduced[sex & (state == 1)]
    lo = float((-lower).max()) if lower.size else -np.inf
    hi = float((-upper).min()) if upper.size else np.inf
    if np.isinf(lo) and np.isinf(hi):
        return 0.0
    if np.isinf(hi):
        return lo
    if np.isinf(lo):
        return hi
    return (lo + hi) / 2.0


def optimum_contributions(
    inputs: NextGenerationInputs,
    n_pairs: int,
    *,
    max_per_animal: int = 1,
    max_flagged: float | None = None,
    objective: ContributionObjective = "population",
    min_offspring: IntArray | None = None,
) -> Contributions:
    """The optimum contributions for ``n_pairs`` offspring (see the module docstring).

    ``max_flagged`` is the upper bound on the offspring's flagged share (default: the
    candidates' mean share, what equal contributions would give);
    ``objective`` "population" minimises the GD loss of P + O, "offspring" the offspring
    generation's mean kinship c'Kc (optiSel); ``min_offspring`` (per candidate, males first)
    makes animals breed at least that often: c_i >= min_offspring_i / 2n (a plan keeping a
    proven pair).

    Raises :class:`StudbookError` when the caps cannot give n pairs, the animals made to breed
    need more than n, or the flagged bound is below the least share any contributions reach
    (saying how low that is).

    >>> inp = NextGenerationInputs(
    ...     PairingInputs.from_arrays(["m1", "m2"], ["f1"], [[0.0], [0.0]], [0.3, 0.2], [0.25],
    ...                               n=3, mean_mk=0.25),
    ...     np.array([[0.5, 0.25, 0.0], [0.25, 0.5, 0.0], [0.0, 0.0, 0.5]]))
    >>> optimum_contributions(inp, 1, objective="offspring").c.round(3).tolist()
    [0.25, 0.25, 0.5]
    """
    if n_pairs < 1:
        raise StudbookError("optimum contributions need at least one pair")
    kin = inputs.kinship
    is_male = inputs.is_male
    flag = inputs.flagged
    upper = np.full(kin.shape[0], max_per_animal / (2.0 * n_pairs))
    lower = np.zeros(kin.shape[0])
    if min_offspring is not None:
        lower = np.minimum(np.asarray(min_offspring, np.float64) / (2.0 * n_pairs), upper)
    for sex, name in ((is_male, "males"), (~is_male, "females")):
        if upper[sex].sum() < 0.5 - 1e-12:
            raise StudbookError(
                f"{counted(n_pairs, 'pair')} need more {name} than the "
                f"{counted(int(sex.sum()), 'candidate')} "
                f"at {counted(max_per_animal, 'pairing')} each"
            )
        if lower[sex].sum() > 0.5 + 1e-12:
            raise StudbookError(
                f"the {name} made to breed need more than {counted(n_pairs, 'pair')}"
            )
    bound = float(flag.mean()) if max_flagged is None else max_flagged
    least_c = _fill(flag, lower, upper, is_male)
    least = float(flag @ least_c)
    if least > bound + 1e-12:
        raise StudbookError(
            f"the offspring's flagged share cannot be held at or below {100 * bound:.2f} %: "
            f"the least any choice of parents gives is {100 * least:.2f} %"
        )
    p = inputs.pairing
    linear = (
        np.zeros(kin.shape[0]) if objective == "offspring" else (2.0 * p.n / n_pairs) * inputs.mk
    )
    # Start at the vertex that is best for the objective's gradient at equal contributions
    # (near the optimum, so few active-set changes), moved towards the least-flagged vertex
    # just enough to meet the flagged bound.
    uniform = np.where(is_male, 0.5 / is_male.sum(), 0.5 / (~is_male).sum())
    vertex = _fill(2.0 * kin @ uniform + linear, lower, upper, is_male)
    share = float(flag @ vertex)
    weight = 1.0 if share <= bound else (bound - least) / (share - least)
    start = weight * vertex + (1.0 - weight) * least_c
    rows = np.vstack([is_male, ~is_male]).astype(np.float64)
    c, iterations = _active_set(
        2.0 * kin,
        linear,
        rows,
        flag if flag.any() else None,
        bound,
        lower,
        upper,
        start,
        max_iter=20 * kin.shape[0] + 100,
    )
    return Contributions(
        c=c,
        objective=float(c @ kin @ c + linear @ c),
        flagged=float(flag @ c),
        max_flagged=bound,
        iterations=iterations,
    )


def _round_offspring(c: FloatArray, n_pairs: int, cap: int) -> IntArray:
    """Whole offspring numbers x_i (summing to n, at most ``cap``) nearest 2n c_i: the floors,
    then one more for the largest remainders."""
    target = 2.0 * n_pairs * c
    x = np.minimum(np.floor(target + 1e-9), cap).astype(np.int64)
    short = n_pairs - int(x.sum())
    if short > 0:
        room = np.flatnonzero(x < cap)
        order = room[np.argsort(-(target[room] - x[room]), kind="stable")]
        x[order[:short]] += 1
    return x


def _hold_flagged(
    x: IntArray, target: FloatArray, flag: FloatArray, is_male: BoolArray, cap: int, bound: float
) -> IntArray:
    """Move single offspring from a more to a less flagged animal of the same sex (the
    swap that strays least from the continuous ``target``) until the offspring's flagged share
    sum_i x_i flag_i / 2n is at most ``bound``, or no swap lowers it."""
    x = x.copy()
    n2 = float(x.sum())
    while float(flag @ x) / n2 > bound + 1e-12:
        best: tuple[float, int, int] | None = None
        for sex in (is_male, ~is_male):
            give = np.flatnonzero(sex & (x > 0))
            take = np.flatnonzero(sex & (x < cap))
            if not give.size or not take.size:
                continue
            lower = flag[take][None, :] < flag[give][:, None]
            stray = (x[give] - target[give])[:, None] + (target[take] - x[take])[None, :]
            stray = np.where(lower, stray, -np.inf)
            a, b = np.unravel_index(int(np.argmax(stray)), stray.shape)
            if np.isfinite(stray[a, b]) and (best is None or stray[a, b] > best[0]):
                best = (float(stray[a, b]), int(give[a]), int(take[b]))
        if best is None:
            break
        x[best[1]] -= 1
        x[best[2]] += 1
    return x


def offspring_numbers(
    inputs: NextGenerationInputs,
    contributions: FloatArray,
    n_pairs: int,
    *,
    max_per_animal: int = 1,
    max_flagged: float | None = None,
) -> tuple[IntArray, IntArray]:
    """Whole offspring numbers (males', females') realising the contributions: the nearest
    to 2n c_i summing to n (largest remainders, at most ``max_per_animal``), moved, when
    rounding pushed the flagged share over ``max_flagged``, from more to less flagged animals
    until it is back under. They are the pairings each animal gets in the plan's matching."""
    nm = inputs.males
    x = np.concatenate(
        [
            _round_offspring(contributions[:nm], n_pairs, max_per_animal),
            _round_offspring(contributions[nm:], n_pairs, max_per_animal),
        ]
    )
    if max_flagged is not None:
        target = 2.0 * n_pairs * contributions
        x = _hold_flagged(x, target, inputs.flagged, inputs.is_male, max_per_animal, max_flagged)
    return x[:nm], x[nm:]


def realise_contributions(
    inputs: NextGenerationInputs,
    contributions: FloatArray,
    n_pairs: int,
    *,
    max_per_animal: int = 1,
    kinship_limit: float,
    max_flagged: float | None = None,
    weight: FloatArray | None = None,
) -> tuple[IntArray, IntArray]:
    """Pairs (male and female indices) realising the contributions: whole offspring numbers
    (moved, when rounding pushed the flagged share over ``max_flagged``, from more to less
    flagged animals until it is back under), then the matching of the chosen animals with the
    greatest total ``weight`` (a males x females score; default -f_mf, the least total offspring
    F; a plan with transfer costs passes its per-pair score) below ``kinship_limit``. Fewer
    than ``n_pairs`` when the kinship limit allows no more among the chosen parents.

    >>> inp = NextGenerationInputs(
    ...     PairingInputs.from_arrays(["m1", "m2"], ["f1", "f2"], [[0.0, 0.2], [0.1, 0.0]],
    ...                               [0.1, 0.1], [0.1, 0.1], n=4, mean_mk=0.1),
    ...     np.eye(4) * 0.5)
    >>> m, f = realise_contributions(inp, np.full(4, 0.25), 2, kinship_limit=0.0625)
    >>> m.tolist(), f.tolist()
    ([0, 1], [0, 1])
    """
    x_m, x_f = offspring_numbers(
        inputs, contributions, n_pairs, max_per_animal=max_per_animal, max_flagged=max_flagged
    )
    p = inputs.pairing
    allowed = p.kinship < kinship_limit
    reachable = max_pairs(allowed, x_m, x_f)
    score = -p.kinship if weight is None else weight
    return solve_b_matching(score, allowed, x_m, x_f, min(n_pairs, reachable))


@dataclass(frozen=True)
class PlanComparison:
    """The three ways to choose ``n_pairs`` pairs, each judged by the next generation."""

    n_pairs: int
    plans: tuple[NextGeneration, ...]
    contributions: Contributions


def _timed(run: Callable[[], tuple[IntArray, IntArray]]) -> tuple[IntArray, IntArray, float]:
    start = time.perf_counter()
    males, females = run()
    return males, females, time.perf_counter() - start


def compare_plans(
    inputs: NextGenerationInputs,
    n_pairs: int,
    *,
    max_per_animal: int = 1,
    kinship_limit: float,
    max_flagged: float | None = None,
) -> PlanComparison:
    """Greedy lowest-MK, the sum-of-delta-GD optimum and the optimum contributions (both
    objectives) for the same number of pairs, each judged by :func:`next_generation`."""
    p = inputs.pairing
    allowed = p.kinship < kinship_limit
    dgd = p.delta_gd()

    def greedy() -> tuple[IntArray, IntArray]:
        return greedy_mk_plan(p, allowed, max_per_animal, n_pairs)

    def summed() -> tuple[IntArray, IntArray]:
        return solve_b_matching(dgd, allowed, max_per_animal, max_per_animal, n_pairs)

    found: dict[str, Contributions] = {}

    def contributed(objective: ContributionObjective) -> Callable[[], tuple[IntArray, IntArray]]:
        def run() -> tuple[IntArray, IntArray]:
            oc = optimum_contributions(
                inputs,
                n_pairs,
                max_per_animal=max_per_animal,
                max_flagged=max_flagged,
                objective=objective,
            )
            found[objective] = oc
            return realise_contributions(
                inputs,
                oc.c,
                n_pairs,
                max_per_animal=max_per_animal,
                kinship_limit=kinship_limit,
                max_flagged=oc.max_flagged,
            )

        return run

    plans = []
    for name, run in (
        ("greedy lowest MK", greedy),
        ("sum of pair ΔGD (exact)", summed),
        ("optimum contributions, GD of P + offspring", contributed("population")),
        ("optimum contributions, offspring c'Kc (optiSel)", contributed("offspring")),
    ):
        males, females, seconds = _timed(run)
        plans.append(next_generation(inputs, males, females, name, seconds))
    return PlanComparison(n_pairs, tuple(plans), found["population"])
