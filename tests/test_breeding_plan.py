"""The breeding plan: the exact optimum (checked by brute force), its rules, the greedy plan."""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pytest

from studbook.breeding_plan import (
    PlanSettings,
    breeding_plan,
    max_pairs,
    solve_b_matching,
)
from studbook.errors import StudbookError
from studbook.pairing import PairingInputs

KINSHIPS = np.array([0.0, 1 / 64, 1 / 32, 1 / 16, 1 / 8, 1 / 4])


def random_inputs(rng: np.random.Generator, nm: int, nf: int) -> PairingInputs:
    kin = rng.choice(KINSHIPS, size=(nm, nf), p=[0.4, 0.2, 0.15, 0.1, 0.1, 0.05])
    regions = ["EAZA", "AZA", ""]
    return PairingInputs.from_arrays(
        [str(10 + k) for k in range(nm)],
        [str(50 + k) for k in range(nf)],
        kin,
        rng.uniform(0.02, 0.2, nm),
        rng.uniform(0.02, 0.2, nf),
        n=40,
        mean_mk=0.1,
        region_male=rng.choice(regions, nm).tolist(),
        region_female=rng.choice(regions, nf).tolist(),
        location_male=rng.choice(list("ABCD"), nm).tolist(),
        location_female=rng.choice(list("ABCD"), nf).tolist(),
    )


def brute_force(weight: np.ndarray, allowed: np.ndarray, cap: int) -> dict[int, float]:
    """Best total weight of every feasible set of pairs, by the number of pairs.

    Exhaustive: every male tries every set of at most ``cap`` allowed mates, remembering the
    best result per (male, female loads) so the 6 x 6 cases stay fast.
    """
    nm, nf = weight.shape

    @functools.cache
    def search(m: int, load: tuple[int, ...]) -> dict[int, float]:
        if m == nm:
            return {0: 0.0}
        mates = [f for f in range(nf) if allowed[m, f] and load[f] < cap]
        out: dict[int, float] = {}
        for r in range(min(cap, len(mates)) + 1):
            for chosen in itertools.combinations(mates, r):
                new = tuple(x + (f in chosen) for f, x in enumerate(load))
                gain = sum(weight[m, f] for f in chosen)
                for size, total in search(m + 1, new).items():
                    key = size + r
                    out[key] = max(out.get(key, -np.inf), total + gain)
        return out

    return search(0, (0,) * nf)


class TestExactOptimum:
    """The solver's optimum equals an exhaustive search on small random cases."""

    @pytest.mark.parametrize("seed", range(12))
    @pytest.mark.parametrize("objective", ["delta_gd", "offspring_f"])
    def test_one_pairing_per_animal_up_to_6x6(self, seed: int, objective: str) -> None:
        """K = 1, up to 6 males x 6 females, with a between-region penalty."""
        rng = np.random.default_rng(seed)
        nm, nf = (6, 6) if seed < 4 else (int(rng.integers(1, 7)), int(rng.integers(1, 7)))
        inputs = random_inputs(rng, nm, nf)
        settings = PlanSettings(objective=objective, region_penalty=float(rng.choice([0, 1e-3])))
        plan = breeding_plan(inputs, settings)
        allowed = inputs.kinship < settings.kinship_limit
        weight = _score_matrix(inputs, settings)
        best = brute_force(weight, allowed, 1)
        assert len(plan.optimal) == max(best)
        assert plan.optimal.objective_value == pytest.approx(best[max(best)], abs=1e-12)

    @pytest.mark.parametrize("seed", range(8))
    def test_two_pairings_per_animal(self, seed: int) -> None:
        """K = 2 on up to 4 x 5 animals, each feasible size checked."""
        rng = np.random.default_rng(100 + seed)
        nm, nf = int(rng.integers(2, 5)), int(rng.integers(2, 6))
        inputs = random_inputs(rng, nm, nf)
        settings = PlanSettings(max_per_animal=2)
        allowed = inputs.kinship < settings.kinship_limit
        weight = _score_matrix(inputs, settings)
        best = brute_force(weight, allowed, 2)
        assert max_pairs(allowed, 2, 2) == max(best)
        for n_pairs in best:
            for method in ("flow", "lp", "milp"):
                m, f = solve_b_matching(weight, allowed, 2, 2, n_pairs, method=method)
                assert len(m) == n_pairs
                assert weight[m, f].sum() == pytest.approx(best[n_pairs], abs=1e-12)

    @pytest.mark.parametrize("seed", range(6))
    def test_fixed_count_with_one_pairing(self, seed: int) -> None:
        """K = 1 with fewer pairs than possible: the assignment with dummies is exact."""
        rng = np.random.default_rng(200 + seed)
        inputs = random_inputs(rng, 5, 6)
        weight = inputs.delta_gd()
        allowed = inputs.kinship < 0.0625
        best = brute_force(weight, allowed, 1)
        for n_pairs in best:
            for method in ("assignment", "flow"):
                m, f = solve_b_matching(weight, allowed, n_pairs=n_pairs, method=method)
                assert len(m) == n_pairs
                assert weight[m, f].sum() == pytest.approx(best[n_pairs], abs=1e-12)

    @pytest.mark.parametrize("seed", range(5))
    def test_lp_relaxation_is_integral(self, seed: int) -> None:
        """The LP relaxation is 0/1 and equals the integer optimum and the min-cost flow."""
        rng = np.random.default_rng(300 + seed)
        inputs = random_inputs(rng, 25, 30)
        weight = inputs.delta_gd()
        allowed = inputs.kinship < 0.0625
        for cap in (1, 2, 3):
            lp = solve_b_matching(weight, allowed, cap, cap, method="lp")
            ip = solve_b_matching(weight, allowed, cap, cap, method="milp")
            flow = solve_b_matching(weight, allowed, cap, cap, method="flow")
            assert len(lp[0]) == len(ip[0]) == len(flow[0]) == max_pairs(allowed, cap, cap)
            assert weight[lp].sum() == pytest.approx(weight[ip].sum(), rel=1e-12, abs=1e-15)
            assert weight[flow].sum() == pytest.approx(weight[ip].sum(), rel=1e-12, abs=1e-15)
            if cap == 1:
                asg = solve_b_matching(weight, allowed, method="assignment")
                assert weight[asg].sum() == pytest.approx(weight[ip].sum(), rel=1e-12)


def _score_matrix(inputs: PairingInputs, settings: PlanSettings) -> np.ndarray:
    between = inputs.transfers() == 2
    if settings.objective == "delta_gd":
        return inputs.delta_gd() - settings.region_penalty * between
    return -(inputs.kinship + settings.region_penalty * between)


class TestRules:
    """Forbidden pairs, caps, counts."""

    def test_forbidden_pairs_are_never_chosen(self) -> None:
        """Pairs at or above the kinship limit are left out even when they score best."""
        inputs = PairingInputs.from_arrays(
            ["1", "2"], ["3", "4"], [[0.0625, 0.0], [0.0, 0.25]], [0.01, 0.2], [0.01, 0.2],
            n=20, mean_mk=0.1,
        )  # fmt: skip
        plan = breeding_plan(inputs)
        assert {(p.male, p.female) for p in plan.optimal.pairs} == {("1", "4"), ("2", "3")}
        assert all(p.offspring_f < 0.0625 for p in plan.greedy.pairs)

    def test_each_animal_at_most_k_times(self) -> None:
        """With K = 2 no animal appears in more than two pairs."""
        rng = np.random.default_rng(7)
        inputs = random_inputs(rng, 12, 9)
        plan = breeding_plan(inputs, PlanSettings(max_per_animal=2))
        for chosen in (plan.optimal, plan.greedy):
            for key in ("male", "female"):
                counts: dict[str, int] = {}
                for p in chosen.pairs:
                    counts[getattr(p, key)] = counts.get(getattr(p, key), 0) + 1
                assert max(counts.values()) <= 2

    def test_too_many_pairs_asked_raises(self) -> None:
        """Asking for more pairs than the rules allow is a clear error."""
        inputs = PairingInputs.from_arrays(["1"], ["2", "3"], [[0.0, 0.0]], [0.1], [0.1, 0.1],
                                           n=5, mean_mk=0.1)  # fmt: skip
        with pytest.raises(StudbookError, match="only 1 pair is possible"):
            breeding_plan(inputs, PlanSettings(n_pairs=2))

    def test_region_penalty_moves_the_plan_home(self) -> None:
        """A large enough between-region penalty prefers the within-region matching."""
        inputs = PairingInputs.from_arrays(
            ["1", "2"], ["3", "4"], np.zeros((2, 2)), [0.05, 0.05], [0.05, 0.05], n=20,
            mean_mk=0.1, region_male=["EAZA", "AZA"], region_female=["AZA", "EAZA"],
        )  # fmt: skip
        free = breeding_plan(inputs)
        assert free.optimal.between_region_transfers in (0, 2)
        home = breeding_plan(inputs, PlanSettings(region_penalty=1.0))
        assert {(p.male, p.female) for p in home.optimal.pairs} == {("1", "4"), ("2", "3")}
        assert home.optimal.between_region_transfers == 0

    def test_minimise_mean_offspring_f(self) -> None:
        """The F objective picks the matching with the lowest mean offspring F."""
        kin = np.array([[0.0, 0.03125], [0.015625, 0.0]])
        inputs = PairingInputs.from_arrays(["1", "2"], ["3", "4"], kin, [0.05, 0.2],
                                           [0.2, 0.05], n=20, mean_mk=0.1)  # fmt: skip
        plan = breeding_plan(inputs, PlanSettings(objective="offspring_f"))
        assert plan.optimal.mean_offspring_f == 0.0

    def test_a_score_outside_the_list_is_refused(self) -> None:
        """The per-pair scores are PLAN_SCORES; the refusal names them."""
        with pytest.raises(ValueError, match="one of \\('delta_gd', 'offspring_f'\\)"):
            PlanSettings(objective="gd")  # type: ignore[arg-type]


class TestGreedyBeside:
    """The greedy MK-order plan is shown beside the optimum and never beats it."""

    @pytest.mark.parametrize("seed", range(15))
    @pytest.mark.parametrize("cap", [1, 2])
    def test_optimum_never_worse_than_greedy(self, seed: int, cap: int) -> None:
        """Same number of pairs: the optimum's objective is at least the greedy one."""
        rng = np.random.default_rng(400 + seed)
        inputs = random_inputs(rng, int(rng.integers(3, 15)), int(rng.integers(3, 15)))
        settings = PlanSettings(max_per_animal=cap)
        plan = breeding_plan(inputs, settings)
        assert len(plan.greedy) <= len(plan.optimal)
        same_size = breeding_plan(
            inputs, PlanSettings(max_per_animal=cap, n_pairs=len(plan.greedy))
        )
        assert same_size.optimal.objective_value >= plan.greedy.objective_value - 1e-15
        if len(plan.greedy) < len(plan.optimal):
            assert plan.optimal_at_greedy_size == same_size.optimal.objective_value
        else:
            assert plan.optimal.objective_value >= plan.greedy.objective_value - 1e-15

    def test_greedy_takes_lowest_mk_first(self) -> None:
        """The lowest-MK male gets the lowest-MK allowed female."""
        inputs = PairingInputs.from_arrays(
            ["1", "2"], ["3", "4"], [[0.0, 0.0], [0.0, 0.0]], [0.2, 0.01], [0.05, 0.02],
            n=20, mean_mk=0.1,
        )  # fmt: skip
        plan = breeding_plan(inputs)
        assert {(p.male, p.female) for p in plan.greedy.pairs} == {("2", "4"), ("1", "3")}

    def test_plans_are_deterministic(self) -> None:
        """Two runs give identical plans."""
        rng = np.random.default_rng(9)
        inputs = random_inputs(rng, 20, 20)
        assert breeding_plan(inputs) == breeding_plan(inputs)
