"""The breeding plan: the best set of pairs for this season, solved exactly, beside a greedy plan.

Given the breeding candidates (:class:`~studbook.pairing.PairingInputs`), a plan is a set of
male x female pairs such that

* each animal appears in at most ``max_per_animal`` (K) pairs;
* pairs whose kinship f_mf (the offspring's F) is at or above ``kinship_limit`` (default 0.0625,
  offspring of first cousins) are forbidden;
* the plan has ``n_pairs`` pairs, by default as many as these rules allow (maximising a sum of
  delta GD without fixing the count would pick almost no pairs, since most single offspring
  lower GD slightly). The plan a coordinator sends fixes the count from the programme's goals
  (:mod:`studbook.plan_size`, :mod:`studbook.recommended_plan`);
* with :class:`~studbook.plan_constraints.PlanConstraints`, a pair at two institutions moves
  one animal (never one an issued plan already moves), moves cost their transfer cost, proven
  pairs carry a bonus of the proven-pair margin, and arrivals stay within capacity.

Among those plans the solver maximises the sum over the chosen pairs of a per-pair score:

* ``objective="delta_gd"``: score = delta GD of the pairing (see :mod:`studbook.pairing`) minus
  ``region_penalty`` for a pair in different regions;
* ``objective="offspring_f"``: score = -(f_mf + ``region_penalty`` for a pair in different
  regions); with the count fixed this minimises the mean offspring F.

The penalty is in the objective's unit (GD or F); pairs whose regions are unknown carry none.

**Exact solution.** This is a maximum-weight b-matching of fixed cardinality on a bipartite graph.
With x_mf in {0, 1}: maximise sum w_mf x_mf subject to sum_f x_mf <= K, sum_m x_mf <= K,
sum x_mf = n_pairs. It is a min-cost flow (source -> males, capacity K; male -> female,
capacity 1, cost -w; female -> sink, capacity K; flow value n_pairs), so its LP relaxation
has integral basic optima. It is solved exactly as a min-cost flow by successive shortest
paths (compiled with numba); for K = 1 it is an assignment problem solved by
``scipy.optimize.linear_sum_assignment``. The LP relaxation (HiGHS) and the integer program
(``scipy.optimize.milp``) are kept as cross-checks (see :func:`solve_b_matching`).

**Greedy plan** (shown beside the optimum): animals of both sexes are visited by increasing MK
(the most valuable first; ties by studbook id), and each takes, while it has capacity, the
available allowed mate with the lowest MK (then the lowest f_mf), until the target count is
reached. It is the classic "pair the lowest-MK animals" rule of thumb.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from studbook.defaults import PLAN_SCORES, PlanScore
from studbook.errors import StudbookError
from studbook.jit import compiled
from studbook.pairing import KINSHIP_LIMIT, TRANSFER_LABELS, PairingInputs
from studbook.plan_constraints import MOVERS, PlanConstraints, PlanCosts
from studbook.present import counted
from studbook.ranking import mk_order
from studbook.status import studbook_order

if TYPE_CHECKING:
    from studbook.next_generation import NextGeneration

__all__ = [
    "BreedingPlan",
    "FractionalSolutionError",
    "Objective",
    "Plan",
    "PlanSettings",
    "PlannedPair",
    "ProvenPair",
    "SolverMethod",
    "breeding_plan",
    "greedy_mk_plan",
    "max_pairs",
    "pair_score",
    "solve_b_matching",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Objective = PlanScore
"""The per-pair score of a plan (:data:`studbook.defaults.PLAN_SCORES`)."""

_BETWEEN_REGIONS = TRANSFER_LABELS.index("between regions")


@dataclass(frozen=True)
class PlanSettings:
    """Parameters of a breeding plan (see the module docstring).

    ``kinship_limit`` and ``region_penalty`` are programme choices: an analysis takes them from
    the programme's settings (:meth:`studbook.settings.ProgrammeSettings.plan_settings`).
    """

    objective: Objective = "delta_gd"
    max_per_animal: int = 1
    kinship_limit: float = KINSHIP_LIMIT
    region_penalty: float = 0.0
    n_pairs: int | None = None

    def __post_init__(self) -> None:
        if self.objective not in PLAN_SCORES:
            raise ValueError(f"objective must be one of {PLAN_SCORES}, not {self.objective!r}")
        if self.max_per_animal < 1:
            raise ValueError("max_per_animal must be at least 1")

    def describe(self) -> dict[str, Any]:
        """The parameters for report headers."""
        return {
            "per-pair score": self.objective,
            "max pairings per animal": self.max_per_animal,
            "forbidden kinship >=": self.kinship_limit,
            "between-region penalty": self.region_penalty,
            "pairs": "as many as allowed" if self.n_pairs is None else self.n_pairs,
        }


@dataclass(frozen=True, slots=True)
class PlannedPair:
    """One pair of a plan."""

    male: str
    female: str
    delta_gd: float
    offspring_f: float
    mk_male: float
    mk_female: float
    transfer: str
    score: float
    male_name: str = ""
    female_name: str = ""
    male_institution: str = ""
    female_institution: str = ""
    mover: str = "none"
    """Who the pair moves (:data:`~studbook.plan_constraints.MOVERS`)."""
    proven: bool = False
    """The two have produced young together and are kept together."""

    @property
    def institution(self) -> str:
        """Where the pair will be: the institution of the animal that stays."""
        return self.male_institution if self.mover == "female" else self.female_institution

    @property
    def move(self) -> str:
        """The move the pair implies, as a coordinator reads it (``M 525 TALLINN -> KENT``)."""
        here, there = self.male_institution or "?", self.female_institution or "?"
        if self.mover == "male":
            return f"M {self.male} {here} -> {there}"
        if self.mover == "female":
            return f"F {self.female} {there} -> {here}"
        return "none"


@dataclass(frozen=True)
class ProvenPair:
    """A proven pair (see :mod:`studbook.plan_constraints`) and what the plan did with it.

    ``keep_cost`` is the best plan's objective with the pair split minus with it kept (the
    pair's own bonus left out; objective units, GD for the delta GD objective): what keeping
    the pair costs the plan. The plan keeps it when that is at most ``margin``. ``None`` when
    one of the two plans cannot be formed.
    """

    male: str
    female: str
    institution: str
    kept: bool
    delta_gd: float
    keep_cost: float | None
    margin: float
    why: str = ""
    """Why the pair could not be weighed (``keep_cost`` ``None``), when known."""

    def text(self, unit: Callable[[float], str]) -> str:
        """One line for the report; ``unit`` writes an objective value (e.g. ΔGD ×10⁻⁴)."""
        head = f"{self.male} x {self.female} at {self.institution} (pair ΔGD {unit(self.delta_gd)})"
        if self.keep_cost is None:
            return f"{head}: {'kept' if self.kept else 'split'}" + (
                f" ({self.why})" if self.why else ""
            )
        margin = unit(self.margin)
        if not self.kept:
            return (
                f"{head}: split; pairing them otherwise gains {unit(self.keep_cost)}, more "
                f"than the margin {margin}"
            )
        if self.keep_cost == 0:
            return f"{head}: kept; the best plan breeds both anyway"
        if self.keep_cost < 0:
            cost = unit(-self.keep_cost)
            return f"{head}: kept; no plan without it is better (splitting costs {cost})"
        return (
            f"{head}: kept; splitting it would gain only {unit(self.keep_cost)}, within the "
            f"margin {margin}"
        )


@dataclass(frozen=True)
class Plan:
    """A set of pairs with its totals; ``objective_value`` is the sum of the pair scores;
    ``judged`` the exact next-generation figures (:func:`studbook.next_generation.
    next_generation`) when the plan was judged by them."""

    method: str
    pairs: tuple[PlannedPair, ...]
    total_delta_gd: float
    mean_offspring_f: float
    between_region_transfers: int
    objective_value: float
    judged: NextGeneration | None = None

    def __len__(self) -> int:
        return len(self.pairs)

    @classmethod
    def of(cls, method: str, pairs: tuple[PlannedPair, ...]) -> Plan:
        """The plan of ``pairs`` with its totals: Σ ΔGD, mean offspring F, pairs between
        regions and Σ pair score (the objective)."""
        return cls(
            method=method,
            pairs=pairs,
            total_delta_gd=float(np.sum([p.delta_gd for p in pairs])),
            mean_offspring_f=float(np.mean([p.offspring_f for p in pairs])) if pairs else 0.0,
            between_region_transfers=sum(
                p.transfer == TRANSFER_LABELS[_BETWEEN_REGIONS] for p in pairs
            ),
            objective_value=float(np.sum([p.score for p in pairs])),
        )


@dataclass(frozen=True)
class BreedingPlan:
    """The plan (``optimal``: the exact optimum of its objective, the plan to send) and the
    greedy MK-order plan, with the settings used; ``compared`` the plans of every objective
    judged by the next generation, when they were compared."""

    settings: PlanSettings
    optimal: Plan
    greedy: Plan
    population: str = ""
    optimal_at_greedy_size: float | None = None
    """The exact optimum's objective with as many pairs as the greedy plan reached (the fair
    comparison when the greedy plan stopped short); ``None`` when both have the same size."""
    why_empty: str | None = None
    """Why the plan has no pair (which rule excluded them), ``None`` when it has pairs."""
    proven: tuple[ProvenPair, ...] = ()
    """The candidates' proven pairs and whether the optimum kept them."""
    constraints: PlanConstraints | None = None
    compared: tuple[Plan, ...] = ()


def _as_caps(cap: int | npt.ArrayLike, size: int) -> IntArray:
    out = np.broadcast_to(np.asarray(cap, np.int64), (size,)).copy()
    if (out < 0).any():
        raise ValueError("capacities must be non-negative")
    return out


def max_pairs(
    allowed: BoolArray, cap_male: int | npt.ArrayLike, cap_female: int | npt.ArrayLike
) -> int:
    """The largest number of pairs (a maximum b-matching) the allowed pairs and caps permit.

    Solved as an integer maximum flow (``scipy.sparse.csgraph.maximum_flow``).

    >>> max_pairs(np.array([[True, True], [True, False]]), 1, 1)
    2
    >>> max_pairs(np.array([[True, True], [False, False]]), 2, 1)
    2
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_flow

    nm, nf = allowed.shape
    cm, cf = _as_caps(cap_male, nm), _as_caps(cap_female, nf)
    if not allowed.any():
        return 0
    src, sink = nm + nf, nm + nf + 1
    mi, fi = np.nonzero(allowed)
    rows = np.concatenate([np.full(nm, src), mi, nm + np.arange(nf)])
    cols = np.concatenate([np.arange(nm), nm + fi, np.full(nf, sink)])
    caps = np.concatenate([cm, np.ones(mi.size, np.int64), cf]).astype(np.int32)
    graph = csr_matrix((caps, (rows, cols)), shape=(nm + nf + 2, nm + nf + 2))
    return int(maximum_flow(graph, src, sink).flow_value)


SolverMethod = Literal["auto", "assignment", "flow", "lp", "milp"]


def solve_b_matching(
    weight: FloatArray,
    allowed: BoolArray,
    cap_male: int | npt.ArrayLike = 1,
    cap_female: int | npt.ArrayLike = 1,
    n_pairs: int | None = None,
    *,
    method: SolverMethod = "auto",
) -> tuple[IntArray, IntArray]:
    """Exact maximum-weight bipartite b-matching with ``n_pairs`` pairs (default: the most).

    Returns the male and female indices of the chosen pairs, sorted by male then female.

    ``method``:

    * ``"flow"``: successive shortest paths, a compiled min-cost flow (exact,
      O(n_pairs x (M + F)^2));
    * ``"assignment"`` (all caps 1): a square assignment problem for
      ``scipy.optimize.linear_sum_assignment`` with M real males plus F - n dummy males and F
      real females plus M - n dummy females; a dummy takes any real animal at cost 0 and two
      dummies may not meet, so exactly n real pairs are formed;
    * ``"lp"``: the LP relaxation by HiGHS' interior point method with crossover (a basic
      solution, integral because the matrix is a network matrix); raises
      :class:`FractionalSolutionError` if it is not 0/1;
    * ``"milp"``: the integer program by ``scipy.optimize.milp``;
    * ``"auto"``: the assignment when all caps are 1, else the min-cost flow.

    The tests check all four against each other and against exhaustive search.

    Examples
    --------
    >>> w = np.array([[3.0, 2.0], [2.0, 0.0]])
    >>> m, f = solve_b_matching(w, np.ones((2, 2), bool))
    >>> m.tolist(), f.tolist()
    ([0, 1], [1, 0])
    >>> m, f = solve_b_matching(w, np.ones((2, 2), bool), n_pairs=1)
    >>> m.tolist(), f.tolist()
    ([0], [0])
    """
    nm, nf = weight.shape
    cm, cf = _as_caps(cap_male, nm), _as_caps(cap_female, nf)
    most = max_pairs(allowed, cm, cf)
    target = most if n_pairs is None else n_pairs
    if target > most:
        raise StudbookError(
            f"only {counted(most, 'pair', verb='is')} possible under these rules, not {target}"
        )
    if target == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    unit = bool((cm == 1).all() and (cf == 1).all())
    # With the count fixed, shifting and scaling the weights changes no optimum; O(1)
    # coefficients keep the solvers' absolute tolerances far below real differences.
    w = weight[allowed]
    spread = float(np.abs(w - np.median(w)).max())
    weight = (weight - np.median(w)) / (spread if spread > 0 else 1.0)
    if method == "assignment" or (method == "auto" and unit):
        if not unit:
            raise ValueError("the assignment method needs every cap to be 1")
        rows, cols = _assignment(weight, allowed, target)
    elif method in ("flow", "auto"):
        cost = np.where(allowed, -weight, np.inf)
        x, reached = _min_cost_flow(cost, cm, cf, target)
        if reached != target:  # pragma: no cover - target <= the maximum flow
            raise StudbookError(f"min-cost flow stopped at {reached} of {counted(target, 'pair')}")
        r, c = np.nonzero(x)
        rows, cols = r.astype(np.int64), c.astype(np.int64)
    elif method == "milp":
        rows, cols = _linear_program(weight, allowed, cm, cf, target, integer=True)
    else:
        rows, cols = _linear_program(weight, allowed, cm, cf, target, integer=False)
    order = np.lexsort((cols, rows))
    return rows[order], cols[order]


@compiled
def _min_cost_flow(
    cost: FloatArray, cap_m: IntArray, cap_f: IntArray, target: int
) -> tuple[npt.NDArray[np.int8], int]:  # pragma: no cover - compiled; tested through callers
    """Successive shortest paths on source -> males -> females -> sink, dense Dijkstra.

    ``cost[m, f]`` is ``inf`` for a forbidden pair. Node potentials keep the reduced costs
    non-negative; the first potentials are the DAG's shortest distances from the source.
    Each augmentation adds one pair (possibly re-routing earlier ones), so after k rounds the
    flow is a minimum-cost flow of value k. O(target x (M + F)^2).
    """
    nm, nf = cost.shape
    nv = nm + nf + 2
    src, snk = nm + nf, nm + nf + 1
    inf = np.inf
    pot = np.zeros(nv)
    best_t = inf
    for f in range(nf):
        lo = inf
        for m in range(nm):
            lo = min(lo, cost[m, f])
        pot[nm + f] = lo if lo < inf else 0.0
        if lo < best_t:
            best_t = lo
    pot[snk] = best_t if best_t < inf else 0.0
    x = np.zeros((nm, nf), np.int8)
    used_m = np.zeros(nm, np.int64)
    used_f = np.zeros(nf, np.int64)
    dist = np.empty(nv)
    prev = np.empty(nv, np.int64)
    done = np.empty(nv, np.bool_)
    for it in range(target):
        dist[:] = inf
        prev[:] = -1
        done[:] = False
        dist[src] = 0.0
        while True:
            u = -1
            du = inf
            for v in range(nv):
                if not done[v] and dist[v] < du:
                    du = dist[v]
                    u = v
            if u < 0:
                break
            done[u] = True
            if u == snk:
                break
            if u == src:
                for m in range(nm):
                    if used_m[m] < cap_m[m] and not done[m]:
                        nd = du + pot[src] - pot[m]
                        if nd < dist[m]:
                            dist[m] = nd
                            prev[m] = u
            elif u < nm:
                for f in range(nf):
                    v = nm + f
                    if x[u, f] == 0 and cost[u, f] < inf and not done[v]:
                        nd = du + cost[u, f] + pot[u] - pot[v]
                        if nd < dist[v]:
                            dist[v] = nd
                            prev[v] = u
            else:
                f = u - nm
                for m in range(nm):
                    if x[m, f] == 1 and not done[m]:
                        nd = du - cost[m, f] + pot[u] - pot[m]
                        if nd < dist[m]:
                            dist[m] = nd
                            prev[m] = u
                if used_f[f] < cap_f[f]:
                    nd = du + pot[u] - pot[snk]
                    if nd < dist[snk]:
                        dist[snk] = nd
                        prev[snk] = u
        if dist[snk] == inf:
            return x, it
        d_t = dist[snk]
        for v in range(nv):
            pot[v] += min(dist[v], d_t)
        v = snk
        while v != src:
            u = prev[v]
            if u == src:
                used_m[v] += 1
            elif v == snk:
                used_f[u - nm] += 1
            elif u < nm:
                x[u, v - nm] = 1
            else:
                x[v, u - nm] = 0
            v = u
    return x, target


class FractionalSolutionError(StudbookError):
    """The LP relaxation returned a fractional point (it should not: the matrix is TU)."""


def _assignment(weight: FloatArray, allowed: BoolArray, target: int) -> tuple[IntArray, IntArray]:
    from scipy.optimize import linear_sum_assignment

    nm, nf = weight.shape
    size = nm + nf - target
    cost = np.zeros((size, size))
    cost[:nm, :nf] = np.where(allowed, -weight, np.inf)
    cost[nm:, nf:] = np.inf
    rows, cols = linear_sum_assignment(cost)
    real = (rows < nm) & (cols < nf)
    return rows[real].astype(np.int64), cols[real].astype(np.int64)


def _linear_program(
    weight: FloatArray,
    allowed: BoolArray,
    cm: IntArray,
    cf: IntArray,
    target: int,
    *,
    integer: bool,
) -> tuple[IntArray, IntArray]:
    from scipy.optimize import Bounds, LinearConstraint, linprog, milp
    from scipy.sparse import coo_matrix

    nm, nf = weight.shape
    mi, fi = np.nonzero(allowed)
    e = mi.size
    edge = np.arange(e)
    a = coo_matrix(
        (
            np.ones(3 * e),
            (np.concatenate([mi, nm + fi, np.full(e, nm + nf)]), np.concatenate([edge] * 3)),
        ),
        shape=(nm + nf + 1, e),
    ).tocsr()
    caps = np.concatenate([cm, cf]).astype(np.float64)
    if integer:
        result = milp(
            c=-weight[mi, fi],
            constraints=LinearConstraint(
                a, np.concatenate([np.zeros(nm + nf), [target]]), np.append(caps, target)
            ),
            integrality=np.ones(e),
            bounds=Bounds(0, 1),
            options={"mip_rel_gap": 0.0},
        )
    else:
        result = linprog(
            -weight[mi, fi],
            A_ub=a[: nm + nf],
            b_ub=caps,
            A_eq=a[nm + nf :],
            b_eq=[target],
            bounds=(0, 1),
            method="highs-ipm",
        )
    if result.x is None or result.status != 0:
        raise StudbookError(f"breeding plan solver failed: {result.message}")
    x = np.asarray(result.x)
    if np.abs(x - np.round(x)).max() > 1e-6:
        raise FractionalSolutionError("the LP relaxation of the breeding plan was fractional")
    chosen = np.round(x) > 0.5
    return mi[chosen].astype(np.int64), fi[chosen].astype(np.int64)


def pair_score(
    delta_gd: FloatArray, kinship: FloatArray, between: BoolArray, settings: PlanSettings
) -> FloatArray:
    """A pair's score under ``settings`` (elementwise): its ΔGD, or minus its offspring F,
    less the between-region penalty when the mates live in different regions."""
    penalty = settings.region_penalty * between
    if settings.objective == "delta_gd":
        return delta_gd - penalty
    return -(kinship + penalty)


def _scores(inputs: PairingInputs, settings: PlanSettings) -> tuple[FloatArray, FloatArray]:
    dgd = inputs.delta_gd()
    between = inputs.transfers() == _BETWEEN_REGIONS
    return dgd, pair_score(dgd, inputs.kinship, between, settings)


def _plan(
    method: str,
    inputs: PairingInputs,
    dgd: FloatArray,
    score: FloatArray,
    males: IntArray,
    females: IntArray,
    movers: npt.NDArray[np.int8] | None = None,
    constraints: PlanConstraints | None = None,
    proven: BoolArray | None = None,
) -> Plan:
    """The plan's rows, sorted as a coordinator reads them: by the institution where the pair
    will be, then by the pair's better MK rank (the most valuable first), then studbook ids."""
    mover = np.zeros(males.size, np.int8) if movers is None else movers
    names = constraints.names if constraints is not None else {}
    where = np.array(
        [
            inputs.location_male[m] if mv == 2 else inputs.location_female[f]
            for m, f, mv in zip(males.tolist(), females.tolist(), mover.tolist(), strict=True)
        ],
        dtype=object,
    )
    rank_m = np.argsort(np.argsort(inputs.mk_male, kind="stable"), kind="stable")
    rank_f = np.argsort(np.argsort(inputs.mk_female, kind="stable"), kind="stable")
    best_rank = np.minimum(rank_m[males], rank_f[females])
    place = np.unique(where.astype(str), return_inverse=True)[1].reshape(-1)
    order = np.lexsort(
        (
            studbook_order(inputs.female_ids)[females],
            studbook_order(inputs.male_ids)[males],
            best_rank,
            place,
        )
    )
    males, females, mover = males[order], females[order], mover[order]
    transfers = inputs.transfers()[males, females]
    kept = np.zeros(males.size, bool) if proven is None else proven[males, females]
    pairs = tuple(
        PlannedPair(
            male=inputs.male_ids[m],
            female=inputs.female_ids[f],
            delta_gd=float(dgd[m, f]),
            offspring_f=float(inputs.kinship[m, f]),
            mk_male=float(inputs.mk_male[m]),
            mk_female=float(inputs.mk_female[f]),
            transfer=TRANSFER_LABELS[int(t)],
            score=float(score[m, f]),
            male_name=names.get(inputs.male_ids[m], ""),
            female_name=names.get(inputs.female_ids[f], ""),
            male_institution=inputs.location_male[m],
            female_institution=inputs.location_female[f],
            mover=MOVERS[int(mv)],
            proven=bool(k),
        )
        for m, f, t, mv, k in zip(
            males.tolist(),
            females.tolist(),
            transfers.tolist(),
            mover.tolist(),
            kept.tolist(),
            strict=True,
        )
    )
    return Plan.of(method, pairs)


def _solve_directed(
    weight: FloatArray,
    costs: PlanCosts,
    inputs: PairingInputs,
    spare: Mapping[str, tuple[int | None, int | None]],
    cap_m: IntArray,
    cap_f: IntArray,
    n_pairs: int,
) -> tuple[IntArray, IntArray, npt.NDArray[np.int8]]:
    """The plan with institution capacity: an integer program with one variable per allowed
    pair and direction (none, the male moves, the female moves).

    Maximise sum w x - eps (female moves) subject to each animal in at most its cap of pairs,
    ``n_pairs`` pairs, and the arrivals of each sex at each institution within its spare
    places; eps prefers moving the male where either move fits. When the places do not allow
    ``n_pairs`` pairs, the plan has as many as fit: the program is solved again with at most
    ``n_pairs`` pairs and L (number of pairs) added to the objective, L exceeding any
    difference in total weight.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    nm, nf = weight.shape
    allowed = costs.allowed
    moves = inputs.transfers() != 0
    limited_m = {k for k, (males, _) in spare.items() if males is not None}
    # A male's move into an institution without a limit on males is as good as any female
    # move of the same pair (same weight, and the female's move is the one not preferred):
    # the female's variable is dropped there, which halves the program in practice.
    free_m = np.array([loc not in limited_m for loc in inputs.location_female], bool)
    blocks = []
    for code, mask in (
        (0, allowed & ~moves),
        (1, allowed & costs.male_can_move),
        (2, allowed & costs.female_can_move & ~(costs.male_can_move & free_m[None, :])),
    ):
        mi, fi = np.nonzero(mask)
        blocks.append((np.full(mi.size, code, np.int8), mi, fi))
    kind = np.concatenate([b[0] for b in blocks])
    mi = np.concatenate([b[1] for b in blocks]).astype(np.int64)
    fi = np.concatenate([b[2] for b in blocks]).astype(np.int64)
    e = mi.size
    if e == 0 or n_pairs == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int8)
    w = weight[mi, fi]
    spread = float(np.abs(w - np.median(w)).max()) or 1.0
    w = (w - np.median(w)) / spread
    rows = [mi, nm + fi, np.full(e, nm + nf)]
    cols = [np.arange(e)] * 3
    upper = [np.concatenate([cap_m, cap_f]).astype(np.float64), np.array([n_pairs], np.float64)]
    row = nm + nf + 1
    dest = np.array(
        [
            inputs.location_female[f] if k == 1 else inputs.location_male[m]
            for m, f, k in zip(mi.tolist(), fi.tolist(), kind.tolist(), strict=True)
        ],
        dtype=object,
    )
    for institution, places in sorted(spare.items()):
        for sex_code, limit in ((1, places[0]), (2, places[1])):
            if limit is None:
                continue
            hit = np.flatnonzero((kind == sex_code) & (dest == institution))
            if hit.size == 0:
                continue
            rows.append(np.full(hit.size, row))
            cols.append(hit)
            upper.append(np.array([max(limit, 0)], np.float64))
            row += 1
    a = coo_matrix(
        (np.ones(sum(r.size for r in rows)), (np.concatenate(rows), np.concatenate(cols))),
        shape=(row, e),
    ).tocsr()
    upper_bounds = np.concatenate(upper)
    lower = np.zeros(row)
    # First with exactly n_pairs pairs (the usual case, and the faster program); when the
    # places do not allow that many, as many as fit: L = 2 (n + 1) per pair outweighs any
    # difference in the normalised weights.
    lower[nm + nf] = n_pairs
    attempts = ((lower, -w), (np.zeros(row), -(w + 2.0 * (n_pairs + 1))))
    for low, objective in attempts:
        result = milp(
            c=objective + 1e-6 * (kind == 2),
            constraints=LinearConstraint(a, low, upper_bounds),
            integrality=np.ones(e),
            bounds=Bounds(0, 1),
            options={"mip_rel_gap": 0.0},
        )
        if result.x is not None and result.status == 0:
            break
    if result.x is None or result.status != 0:
        raise StudbookError(f"breeding plan solver failed: {result.message}")
    chosen = np.round(np.asarray(result.x)) > 0.5
    order = np.lexsort((fi[chosen], mi[chosen]))
    return mi[chosen][order], fi[chosen][order], kind[chosen][order]


def _solve(
    weight: FloatArray,
    allowed: BoolArray,
    costs: PlanCosts | None,
    inputs: PairingInputs,
    constraints: PlanConstraints | None,
    cap_m: IntArray,
    cap_f: IntArray,
    n_pairs: int | None,
) -> tuple[IntArray, IntArray, npt.NDArray[np.int8] | None]:
    """The optimum of one plan: an exact b-matching, or the capacity program when the
    constraints limit places (then ``n_pairs`` is an upper bound: as many pairs as fit)."""
    if costs is not None and constraints is not None and constraints.spare:
        target = max_pairs(allowed, cap_m, cap_f) if n_pairs is None else n_pairs
        restricted = replace(costs, allowed=allowed)
        return _solve_directed(weight, restricted, inputs, constraints.spare, cap_m, cap_f, target)
    m, f = solve_b_matching(weight, allowed, cap_m, cap_f, n_pairs)
    return m, f, None if costs is None else costs.default_movers()[m, f]


def greedy_mk_plan(
    inputs: PairingInputs,
    allowed: BoolArray,
    max_per_animal: int,
    n_pairs: int,
) -> tuple[IntArray, IntArray]:
    """The greedy MK-order plan (see the module docstring): male and female indices.

    The loop runs over animals (not pairs); each step picks mates with array operations.
    """
    nm, nf = allowed.shape
    cap_m = np.full(nm, max_per_animal, np.int64)
    cap_f = np.full(nf, max_per_animal, np.int64)
    taken = np.zeros((nm, nf), bool)
    rank_m, rank_f = studbook_order(inputs.male_ids), studbook_order(inputs.female_ids)
    mk = np.concatenate([inputs.mk_male, inputs.mk_female])
    sex = np.concatenate([np.zeros(nm, np.int64), np.ones(nf, np.int64)])
    index = np.concatenate([np.arange(nm), np.arange(nf)])
    tiebreak = np.concatenate([rank_m, rank_f])
    visit = np.lexsort((tiebreak, sex, mk))
    mate_order_f = mk_order(inputs.female_ids, inputs.mk_female)
    mate_order_m = mk_order(inputs.male_ids, inputs.mk_male)
    count = 0
    for a in visit.tolist():
        if count >= n_pairs:
            break
        k = int(index[a])
        if sex[a] == 0:
            free = cap_m[k]
            ok = allowed[k] & ~taken[k] & (cap_f > 0)
            cand = mate_order_f[ok[mate_order_f]]
            # lowest MK first, then lowest kinship among equal MKs
            cand = cand[np.lexsort((inputs.kinship[k, cand], inputs.mk_female[cand]))]
            chosen = cand[: min(free, n_pairs - count)]
            taken[k, chosen] = True
            cap_m[k] -= chosen.size
            cap_f[chosen] -= 1
        else:
            free = cap_f[k]
            ok = allowed[:, k] & ~taken[:, k] & (cap_m > 0)
            cand = mate_order_m[ok[mate_order_m]]
            cand = cand[np.lexsort((inputs.kinship[cand, k], inputs.mk_male[cand]))]
            chosen = cand[: min(free, n_pairs - count)]
            taken[chosen, k] = True
            cap_f[k] -= chosen.size
            cap_m[chosen] -= 1
        count += int(chosen.size)
    males, females = np.nonzero(taken)
    return males.astype(np.int64), females.astype(np.int64)


def breeding_plan(
    inputs: PairingInputs,
    settings: PlanSettings | None = None,
    constraints: PlanConstraints | None = None,
    *,
    pairings: tuple[IntArray, IntArray] | None = None,
    keep: BoolArray | None = None,
    method: str = "optimal (exact)",
) -> BreedingPlan:
    """The exact optimal plan and the greedy MK-order plan (see the module docstring), under
    the real-world ``constraints`` when given (:mod:`studbook.plan_constraints`: moves,
    transfer costs, proven pairs, capacity).

    The greedy plan aims at the same number of pairs as the optimum, among the same allowed
    pairs; it may reach fewer when an early choice blocks later ones.

    ``pairings`` (males', females') fixes how many pairs each animal is in, instead of at most
    ``max_per_animal``: the plan is then the matching of animals chosen beforehand (realised
    optimum contributions, :mod:`studbook.contributions_plan`), with as many of the
    ``n_pairs`` as the rules allow and no proven-pair report (the chooser makes its own);
    ``keep`` marks pairs the matching must keep (a bonus above any difference in scores).

    Examples
    --------
    >>> inp = PairingInputs.from_arrays(
    ...     ["m1", "m2"], ["f1", "f2"], [[0.0, 0.25], [0.0, 0.0]], [0.05, 0.10], [0.05, 0.10],
    ...     n=10, mean_mk=0.08)
    >>> plan = breeding_plan(inp)
    >>> [(p.male, p.female) for p in plan.optimal.pairs]
    [('m1', 'f1'), ('m2', 'f2')]
    """
    s = settings or PlanSettings()
    allowed = inputs.kinship < s.kinship_limit
    dgd, score = _scores(inputs, s)
    costs: PlanCosts | None = None
    weight = score
    if constraints is not None:
        n = inputs.n
        unit = 2.0 * n / (n + 1) ** 2 if s.objective == "delta_gd" else 1.0
        costs = constraints.costs(inputs, unit)
        allowed = allowed & costs.allowed
        score = score - costs.cost
        weight = score + costs.bonus
    nm, nf = allowed.shape
    cap_m = np.full(nm, s.max_per_animal, np.int64)
    cap_f = np.full(nf, s.max_per_animal, np.int64)
    if pairings is not None:
        cap_m, cap_f = pairings
    most = max_pairs(allowed, cap_m, cap_f)
    if keep is not None and (keep & allowed).any():
        # Any plan with one more kept pair beats every plan without it: the bonus exceeds the
        # largest difference the other pairs' scores can make.
        spread = float(np.ptp(weight[allowed])) or 1.0
        weight = weight + np.where(keep & allowed, (most + 1) * spread, 0.0)
    if pairings is not None and s.n_pairs is not None:
        s = replace(s, n_pairs=min(s.n_pairs, most))
    if s.n_pairs is not None and s.n_pairs > most:
        why = (
            _why_no_pairs(inputs, allowed, s)
            if most == 0
            else "each animal's pairings and the forbidden pairs allow no more"
        )
        raise StudbookError(
            f"only {counted(most, 'pair', verb='is')} possible under these rules, "
            f"not {s.n_pairs}: {why}"
        )
    m, f, movers = _solve(weight, allowed, costs, inputs, constraints, cap_m, cap_f, s.n_pairs)
    proven = costs.proven if costs is not None else None
    optimal = _plan(method, inputs, dgd, score, m, f, movers, constraints, proven)
    gm, gf = greedy_mk_plan(inputs, allowed, s.max_per_animal, len(optimal))
    greedy_movers = None if costs is None else costs.default_movers()[gm, gf]
    greedy = _plan("greedy MK order", inputs, dgd, score, gm, gf, greedy_movers, constraints)
    why_empty = None if len(optimal) else _why_no_pairs(inputs, allowed, s)
    same_size: float | None = None
    if len(greedy) != len(optimal):
        m2, f2, _ = _solve(weight, allowed, costs, inputs, constraints, cap_m, cap_f, len(greedy))
        same_size = float(score[m2, f2].sum())
    kept_pairs: tuple[ProvenPair, ...] = ()
    if costs is not None and costs.proven.any() and pairings is None:
        chosen = np.zeros(allowed.shape, bool)
        chosen[m, f] = True
        kept_pairs = _proven_pairs(
            inputs, dgd, score, weight, allowed, costs, constraints, cap_m, cap_f, chosen
        )
    return BreedingPlan(
        settings=s,
        optimal=optimal,
        greedy=greedy,
        population=inputs.population,
        optimal_at_greedy_size=same_size,
        why_empty=why_empty,
        proven=kept_pairs,
        constraints=constraints,
    )


def _proven_pairs(
    inputs: PairingInputs,
    dgd: FloatArray,
    score: FloatArray,
    weight: FloatArray,
    allowed: BoolArray,
    costs: PlanCosts,
    constraints: PlanConstraints | None,
    cap_m: IntArray,
    cap_f: IntArray,
    chosen: BoolArray,
) -> tuple[ProvenPair, ...]:
    """What keeping each proven pair costs: the best plan (same size as the optimum, the other
    proven pairs' bonuses kept) with the pair split, minus the best with it kept, both without
    the pair's own bonus."""
    n = int(chosen.sum())
    out = []
    for pm, pf in zip(*np.nonzero(costs.proven), strict=True):
        m_, f_ = int(pm), int(pf)
        kept = bool(chosen[m_, f_])
        cost: float | None = None
        if n > 0 and allowed[m_, f_]:
            try:
                split_allowed = allowed.copy()
                split_allowed[m_, f_] = False
                sm, sf, _ = _solve(
                    weight, split_allowed, costs, inputs, constraints, cap_m, cap_f, n
                )
                keep_m, keep_f = cap_m.copy(), cap_f.copy()
                keep_m[m_] -= 1
                keep_f[f_] -= 1
                rest = split_allowed & (keep_m > 0)[:, None] & (keep_f > 0)[None, :]
                km, kf, _ = _solve(weight, rest, costs, inputs, constraints, keep_m, keep_f, n - 1)
                if sm.size == n and km.size == n - 1:
                    with_pair = float(weight[km, kf].sum()) + float(score[m_, f_])
                    cost = float(weight[sm, sf].sum()) - with_pair
            except StudbookError:
                cost = None
        out.append(
            ProvenPair(
                male=inputs.male_ids[m_],
                female=inputs.female_ids[f_],
                institution=inputs.location_male[m_],
                kept=kept,
                delta_gd=float(dgd[m_, f_]),
                keep_cost=cost,
                margin=costs.margin,
            )
        )
    return tuple(out)


def _why_no_pairs(inputs: PairingInputs, allowed: BoolArray, s: PlanSettings) -> str:
    """The rule that leaves a plan without pairs: no candidates, the kinship limit, the caps."""
    males, females = len(inputs.male_ids), len(inputs.female_ids)
    if not males or not females:
        return f"no pair can be formed: {males} male x {females} female breeding candidates"
    if not allowed.any():
        return (
            f"all {counted(allowed.size, 'candidate pair', verb='has')} kinship at or above "
            f"the limit {s.kinship_limit:g} (setting kinship_limit)"
        )
    return f"no pair was asked for (pairs = {s.n_pairs}, max per animal = {s.max_per_animal})"
