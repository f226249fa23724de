"""The plan's real-world constraints: who moves, transfer costs, proven pairs, capacity."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from studbook.breeding_plan import PlanSettings, breeding_plan
from studbook.pairing import PairingInputs
from studbook.pedigree import Pedigree
from studbook.plan_constraints import PlanConstraints, proven_pairs

N = 20
UNIT = 2 * N / (N + 1) ** 2
"""MK units -> GD for N = 20 (the delta GD objective's conversion)."""


def inputs(
    kinship: list[list[float]],
    mk_male: list[float],
    mk_female: list[float],
    where_male: list[str],
    where_female: list[str],
    region: dict[str, str] | None = None,
) -> PairingInputs:
    regions = region or {}
    return PairingInputs.from_arrays(
        [f"m{k}" for k in range(len(mk_male))],
        [f"f{k}" for k in range(len(mk_female))],
        kinship,
        mk_male,
        mk_female,
        n=N,
        mean_mk=0.1,
        location_male=where_male,
        location_female=where_female,
        region_male=[regions.get(w, "EAZA") for w in where_male],
        region_female=[regions.get(w, "EAZA") for w in where_female],
    )


def pairs(plan: object) -> list[tuple[str, str, str]]:
    return sorted((p.male, p.female, p.move) for p in plan.optimal.pairs)  # type: ignore[attr-defined]


class TestMoves:
    """Each pair at two institutions moves one animal, and never one already being moved."""

    def test_the_male_moves_to_the_female(self) -> None:
        """M m0 A -> B: the default direction."""
        inp = inputs([[0.0]], [0.1], [0.1], ["A"], ["B"])
        plan = breeding_plan(inp, PlanSettings(n_pairs=1), PlanConstraints())
        assert pairs(plan) == [("m0", "f0", "M m0 A -> B")]
        assert plan.optimal.pairs[0].institution == "B"

    def test_an_open_move_sends_the_female_instead(self) -> None:
        """A male an issued plan already moves stays; the female goes to him."""
        inp = inputs([[0.0]], [0.1], [0.1], ["A"], ["B"])
        plan = breeding_plan(
            inp, PlanSettings(n_pairs=1), PlanConstraints(open_moves={"m0": "plan 1"})
        )
        assert pairs(plan) == [("m0", "f0", "F f0 B -> A")]
        assert plan.optimal.pairs[0].institution == "A"

    def test_both_already_moving_forbids_the_pair(self) -> None:
        """Two animals both being moved cannot be paired across institutions: the plan takes
        the pair at one institution even though it is genetically worse."""
        inp = inputs([[0.0, 0.05]], [0.1], [0.05, 0.15], ["A"], ["B", "A"])
        moving = {"m0": "plan 1", "f0": "plan 1"}
        plan = breeding_plan(inp, PlanSettings(n_pairs=1), PlanConstraints(open_moves=moving))
        assert pairs(plan) == [("m0", "f1", "none")]


class TestTransferCosts:
    """Costs in MK units enter the objective, converted to GD with 2N/(N+1)^2."""

    def test_a_between_region_move_must_pay_for_itself(self) -> None:
        """f0 (AZA) lowers the pair's mean MK by 0.01 against f1 (EAZA, same zoo), a GD value
        of 0.01 MK units: a between-region cost of 0.03 keeps the pair home, 0.005 does not."""
        inp = inputs([[0.0, 0.0]], [0.1], [0.08, 0.10], ["A"], ["Z", "A"], region={"Z": "AZA"})
        expensive = PlanConstraints(transfer_cost_between_regions=0.03)
        cheap = PlanConstraints(transfer_cost_between_regions=0.005)
        assert pairs(breeding_plan(inp, PlanSettings(n_pairs=1), expensive)) == [
            ("m0", "f1", "none")
        ]
        assert pairs(breeding_plan(inp, PlanSettings(n_pairs=1), cheap)) == [
            ("m0", "f0", "M m0 A -> Z")
        ]

    def test_the_cost_is_in_the_score(self) -> None:
        """score = delta GD - cost x 2N/(N+1)^2 for a within-region move."""
        inp = inputs([[0.0]], [0.1], [0.1], ["A"], ["B"])
        plan = breeding_plan(
            inp, PlanSettings(n_pairs=1), PlanConstraints(transfer_cost_within_region=0.004)
        )
        pair = plan.optimal.pairs[0]
        assert pair.score == pytest.approx(pair.delta_gd - 0.004 * UNIT, abs=1e-15)


class TestProvenPairs:
    """Proven pairs stay together unless splitting them gains more than the margin."""

    # m0 x f0 bred together at A; m0 x f1 and m1 x f0 are better matches for the MK ranks:
    # the pair mean MK of (m0, f0) is 0.10; the split plan pairs m0 with f1 and m1 with f0.
    KIN = ((0.0, 0.0), (0.0, 0.25))
    MK_M = (0.06, 0.14)
    MK_F = (0.14, 0.06)

    def plan(self, margin: float) -> object:
        kin = [list(row) for row in self.KIN]
        inp = inputs(kin, list(self.MK_M), list(self.MK_F), ["A", "A"], ["A", "A"])
        constraints = PlanConstraints(proven=frozenset({("m0", "f0")}), proven_margin=margin)
        return breeding_plan(inp, PlanSettings(n_pairs=1), constraints)

    def gain(self) -> float:
        """Hand-derived: with one pair, keeping (m0, f0) scores delta GD(m0, f0); splitting
        scores the best other pair, (m0, f1) with both MKs 0.06 (m1 x f1 is forbidden by
        kinship 0.25 >= 1/16)."""

        def dgd(mk_m: float, mk_f: float) -> float:
            return (N * (2 * 0.1 - mk_m - mk_f) + 0.1 - 0.5) / (N + 1) ** 2

        return dgd(0.06, 0.06) - dgd(0.06, 0.14)

    def test_kept_within_the_margin(self) -> None:
        """Margin above the gain: the pair is kept and the report gives the gain."""
        plan = self.plan(margin=self.gain() / UNIT * 1.5)
        assert pairs(plan) == [("m0", "f0", "none")]
        (proven,) = plan.proven  # type: ignore[attr-defined]
        assert proven.kept and proven.keep_cost == pytest.approx(self.gain(), rel=1e-9)
        assert plan.optimal.pairs[0].proven  # type: ignore[attr-defined]
        assert "kept; splitting it would gain only" in proven.text(str)

    def test_split_beyond_the_margin(self) -> None:
        """Margin below the gain: the plan splits the pair and says by how much it gains."""
        plan = self.plan(margin=self.gain() / UNIT * 0.5)
        assert pairs(plan) == [("m0", "f1", "none")]
        (proven,) = plan.proven  # type: ignore[attr-defined]
        assert not proven.kept and proven.keep_cost == pytest.approx(self.gain(), rel=1e-9)
        assert "split; pairing them otherwise gains" in proven.text(str)

    def test_found_from_the_pedigree(self) -> None:
        """Parents of a common offspring, both candidates, same institution."""
        ped = Pedigree.from_cells(
            ["m", "f", "k", "g"], ["", "", "m", ""], ["", "", "f", ""], ["M", "F", "M", "F"]
        )
        assert proven_pairs(ped, ("m",), ("f", "g"), ("Z",), ("Z", "Z")) == {("m", "f")}
        assert proven_pairs(ped, ("m",), ("f",), ("Z",), ("Y",)) == frozenset()
        assert proven_pairs(ped, ("m",), ("f",), ("",), ("",)) == frozenset()


def brute_force(
    weight: np.ndarray,
    allowed: np.ndarray,
    where_m: list[str],
    where_f: list[str],
    spare: dict[str, tuple[int | None, int | None]],
    n_pairs: int,
) -> tuple[int, float]:
    """(pairs, best total weight) over every matching of at most ``n_pairs`` pairs and every
    choice of who moves, within capacity: the most pairs first, then the best weight."""
    nm, nf = weight.shape
    best = (0, 0.0)
    edges = [(m, f) for m in range(nm) for f in range(nf) if allowed[m, f]]
    for size in range(1, n_pairs + 1):
        for chosen in itertools.combinations(edges, size):
            ms, fs = [e[0] for e in chosen], [e[1] for e in chosen]
            if len(set(ms)) < size or len(set(fs)) < size:
                continue
            options = [[0] if where_m[m] == where_f[f] else [1, 2] for m, f in chosen]
            for movers in itertools.product(*options):
                used: dict[tuple[str, int], int] = {}
                for (m, f), mv in zip(chosen, movers, strict=True):
                    if mv == 1:
                        used[(where_f[f], 0)] = used.get((where_f[f], 0), 0) + 1
                    elif mv == 2:
                        used[(where_m[m], 1)] = used.get((where_m[m], 1), 0) + 1
                fits = all(
                    spare.get(inst, (None, None))[sex] is None or count <= spare[inst][sex]  # type: ignore[operator]
                    for (inst, sex), count in used.items()
                )
                if fits:
                    total = float(sum(weight[m, f] for m, f in chosen))
                    if (size, total) > best:
                        best = (size, total)
    return best


class TestCapacity:
    """Arrivals of each sex stay within an institution's free places."""

    def test_a_full_institution_receives_no_male(self) -> None:
        """B has no place for another male: f0 comes to A instead."""
        inp = inputs([[0.0]], [0.1], [0.1], ["A"], ["B"])
        plan = breeding_plan(inp, PlanSettings(n_pairs=1), PlanConstraints(spare={"B": (0, None)}))
        assert pairs(plan) == [("m0", "f0", "F f0 B -> A")]

    def test_no_room_either_way_leaves_the_pair_out(self) -> None:
        """Neither zoo has room: the plan has as many pairs as fit (none here)."""
        inp = inputs([[0.0]], [0.1], [0.1], ["A"], ["B"])
        plan = breeding_plan(
            inp, PlanSettings(n_pairs=1), PlanConstraints(spare={"B": (0, 5), "A": (5, 0)})
        )
        assert pairs(plan) == []

    @pytest.mark.parametrize("seed", range(12))
    def test_matches_exhaustive_search(self, seed: int) -> None:
        """The integer program finds the best plan that fits, as exhaustive search does."""
        rng = np.random.default_rng(seed)
        nm, nf = 4, 4
        kin = rng.choice([0.0, 0.02, 0.1], size=(nm, nf), p=[0.6, 0.3, 0.1])
        where_m = rng.choice(list("ABC"), nm).tolist()
        where_f = rng.choice(list("ABC"), nf).tolist()
        inp = inputs(
            kin.tolist(),
            rng.uniform(0.05, 0.15, nm).tolist(),
            rng.uniform(0.05, 0.15, nf).tolist(),
            where_m,
            where_f,
            region={"C": "AZA"},
        )
        spare = {"A": (int(rng.integers(0, 2)), int(rng.integers(0, 2))), "B": (0, None)}
        constraints = PlanConstraints(
            spare=spare, transfer_cost_within_region=0.002, transfer_cost_between_regions=0.01
        )
        n_pairs = int(rng.integers(1, 4))
        plan = breeding_plan(inp, PlanSettings(n_pairs=n_pairs), constraints)
        costs = constraints.costs(inp, UNIT)
        weight = inp.delta_gd() - costs.cost
        allowed = (inp.kinship < 0.0625) & costs.allowed
        size, total = brute_force(weight, allowed, where_m, where_f, spare, n_pairs)
        assert len(plan.optimal) == size
        assert sum(p.score for p in plan.optimal.pairs) == pytest.approx(total, abs=1e-12)


class TestRows:
    """Rows a coordinator reads: by the institution where the pair will be."""

    def test_sorted_by_institution_with_names(self) -> None:
        inp = inputs([[0.0, 0.0], [0.0, 0.0]], [0.1, 0.1], [0.1, 0.1], ["Z", "A"], ["Z", "B"])
        constraints = PlanConstraints(names={"m0": "Freddi", "f0": "Darla"})
        plan = breeding_plan(inp, PlanSettings(n_pairs=2), constraints)
        rows = [(p.institution, p.male, p.male_name, p.female_name) for p in plan.optimal.pairs]
        assert rows == [("B", "m1", "", ""), ("Z", "m0", "Freddi", "Darla")]
