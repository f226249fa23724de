"""Release candidates: the captive GD cost of removals, their ranking and the release group."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from testdata import BUNDLED

import studbook
from studbook.errors import StudbookError
from studbook.pedigree import read_pedigree
from studbook.population import NO_AGE_LIMITS, ReferencePopulation, reference_population
from studbook.release import (
    NoReleaseGroupError,
    ReleaseInputs,
    evaluate_release_group,
    group_delta_gd,
    male_counts,
    rank_release_candidates,
    release_group,
    release_inputs,
    removal_delta_gd,
    representativeness,
)

# Lacy (1989), P = {C, D, F, G}: kinship worked by hand (A x B -> C, D; D x E -> F, G).
LACY_K = np.array([[4, 2, 1, 1], [2, 4, 2, 2], [1, 2, 4, 2], [1, 2, 2, 4]]) / 8


def gd_of(kin: np.ndarray) -> float:
    return float(1.0 - kin.mean())


def random_kinship(rng: np.random.Generator, n: int) -> np.ndarray:
    a = rng.uniform(0, 0.4, (n, n)) * (rng.random((n, n)) < 0.6)
    a = (a + a.T) / 2
    np.fill_diagonal(a, 0.5 + rng.uniform(0, 0.2, n))
    return a


def inputs_from(
    kin: np.ndarray, candidates: np.ndarray, rng: np.random.Generator | None = None
) -> ReleaseInputs:
    """Release inputs for ``candidates`` out of a population with kinship matrix ``kin``."""
    mk = kin.mean(axis=1)
    flagged = None if rng is None else rng.choice([0.0, 0.05, 0.1, 0.2], candidates.size)
    return ReleaseInputs.from_arrays(
        [str(100 + c) for c in candidates],
        kin[np.ix_(candidates, candidates)],
        mk[candidates],
        n=kin.shape[0],
        mean_mk=float(mk.mean()),
        flagged=flagged,
        sex=["M" if c % 2 else "F" for c in candidates],
    )


class TestLacy:
    """Exact fractions on Lacy's (1989) pedigree with P = {C, D, F, G}."""

    def test_removal_changes_gd_by_exact_fractions(self) -> None:
        """Removing D: +1/288 (+0.00347); F or G: -7/288 (-0.0243); C: -5/96 (-0.0521)."""
        mk = LACY_K.mean(axis=1)
        dgd = removal_delta_gd(mk, np.diag(LACY_K), float(mk.mean()), 4)
        expected = [Fraction(-5, 96), Fraction(1, 288), Fraction(-7, 288), Fraction(-7, 288)]
        assert dgd.tolist() == pytest.approx([float(x) for x in expected], abs=1e-15)
        assert np.round(dgd, 5).tolist() == [-0.05208, 0.00347, -0.02431, -0.02431]

    def test_d_ranks_first(self) -> None:
        """D ranks first (it costs nothing), then F and G (tied, by id), then C."""
        inp = ReleaseInputs.from_arrays("CDFG", LACY_K, LACY_K.mean(axis=1), n=4, mean_mk=9 / 32)
        assert [r.id for r in rank_release_candidates(inp)] == ["D", "F", "G", "C"]


class TestClosedForms:
    """The closed forms equal recomputing GD over the smaller population."""

    @pytest.mark.parametrize("seed", range(15))
    def test_single_removal(self, seed: int) -> None:
        """GD(P without i) - GD(P) from MK and f_ii equals deleting row and column i."""
        rng = np.random.default_rng(seed)
        n = int(rng.integers(3, 25))
        kin = random_kinship(rng, n)
        mk = kin.mean(axis=1)
        fast = removal_delta_gd(mk, np.diag(kin), float(mk.mean()), n)
        for i in range(n):
            keep = np.delete(np.arange(n), i)
            assert fast[i] == pytest.approx(gd_of(kin[np.ix_(keep, keep)]) - gd_of(kin), abs=1e-14)

    @pytest.mark.parametrize("seed", range(10))
    def test_group_removal(self, seed: int) -> None:
        """GD(P without R) - GD(P) from sum MK and the group's kinship block."""
        rng = np.random.default_rng(50 + seed)
        n = int(rng.integers(5, 25))
        kin = random_kinship(rng, n)
        mk = kin.mean(axis=1)
        for k in (1, 2, 3):
            group = rng.choice(n, k, replace=False)
            keep = np.setdiff1d(np.arange(n), group)
            fast = group_delta_gd(
                mk[group].sum(), kin[np.ix_(group, group)].sum(), k, float(mk.mean()), n
            )
            assert float(fast) == pytest.approx(
                gd_of(kin[np.ix_(keep, keep)]) - gd_of(kin), abs=1e-14
            )

    def test_representativeness(self) -> None:
        """Half the L1 distance to the population's mean founder contributions."""
        rep = representativeness(np.array([[0.25, 0.75], [0.5, 0.5]]), np.array([0.5, 0.5]))
        assert rep.tolist() == [0.25, 0.0]


class TestRanking:
    """Ranking by captive GD cost with a flagged-founder cap."""

    def test_over_the_cap_is_listed_unranked_after(self) -> None:
        """An animal over the cap gets no rank and comes after the ranked ones."""
        inp = ReleaseInputs.from_arrays(
            "CDFG", LACY_K, LACY_K.mean(axis=1), n=4, mean_mk=9 / 32,
            flagged=[0.0, 0.3, 0.0, 0.1],
        )  # fmt: skip
        rows = rank_release_candidates(inp, flagged_cap=0.125)
        assert [(r.id, r.rank) for r in rows] == [("F", 1), ("G", 2), ("C", 3), ("D", None)]
        rows = rank_release_candidates(inp, flagged_cap=None)
        assert rows[0].id == "D" and rows[0].rank == 1

    def test_identical_across_runs(self) -> None:
        """Two runs give identical rows."""
        rng = np.random.default_rng(1)
        kin = random_kinship(rng, 30)
        inp = inputs_from(kin, np.arange(0, 30, 2), rng)
        assert rank_release_candidates(inp) == rank_release_candidates(inp)


def brute_best(inp: ReleaseInputs, k: int, cap: float, min_gd: float | None) -> float:
    """The best captive delta GD over every group of k under the cap (and the minimum GD)."""
    pool = [i for i in range(len(inp.ids)) if inp.flagged[i] <= cap]
    best = -np.inf
    for group in itertools.combinations(pool, k):
        g = np.array(group)
        block = inp.kinship[np.ix_(g, g)]
        if min_gd is not None and 1 - block.mean() < min_gd - 1e-12:
            continue
        dgd = float(group_delta_gd(inp.mk[g].sum(), block.sum(), k, inp.mean_mk, inp.n))
        best = max(best, dgd)
    return best


class TestReleaseGroup:
    """k animals chosen together."""

    def test_lacy_pair(self) -> None:
        """From {C, D, F, G} the best two to release are D and F (tied with D and G, by id)."""
        inp = ReleaseInputs.from_arrays(
            "CDFG", LACY_K, LACY_K.mean(axis=1), n=4, mean_mk=9 / 32, sex="FMFM"
        )
        group = release_group(inp, 2)
        assert group.ids == ("D", "F")
        assert group.captive_delta_gd == pytest.approx(-1 / 32)
        assert group.group_gd == 0.625
        assert group.mate_kinship == (("D", "F", 0.25),)
        assert group.method.startswith("exact")

    @pytest.mark.parametrize("seed", range(25))
    def test_group_beats_or_equals_top_k_independent_picks(self, seed: int) -> None:
        """On captive GD loss the jointly chosen group is never worse than the top k picks."""
        rng = np.random.default_rng(seed)
        n = int(rng.integers(8, 30))
        kin = random_kinship(rng, n)
        cands = np.sort(rng.choice(n, int(rng.integers(4, min(n, 12))), replace=False))
        inp = inputs_from(kin, cands, rng)
        k = int(rng.integers(2, min(5, int((inp.flagged <= 0.125).sum())) + 1))
        group = release_group(inp, k)
        assert group.captive_delta_gd >= group.independent_delta_gd - 1e-15
        assert group.captive_delta_gd == pytest.approx(brute_best(inp, k, 0.125, None), abs=1e-14)

    def test_group_strictly_better_when_picks_are_related(self) -> None:
        """Two high-MK full siblings look best alone but cost more together."""
        # A population of 8 unrelated founders' descendants; candidates s1, s2 are full sibs
        # with high MK, u1 is unrelated with slightly lower MK.
        kin = np.eye(8) * 0.5
        kin[0, 1] = kin[1, 0] = 0.25  # s1, s2
        for j in (3, 4):  # both sibs related to two more animals of P
            kin[0, j] = kin[j, 0] = kin[1, j] = kin[j, 1] = 0.125
        kin[2, 5] = kin[5, 2] = 0.25  # u1 related to one animal of P
        kin[2, 6] = kin[6, 2] = 0.1
        inp = inputs_from(kin, np.array([0, 1, 2]))
        group = release_group(inp, 2)
        assert set(group.independent_ids) == {"100", "101"}
        assert group.captive_delta_gd > group.independent_delta_gd + 1e-6
        assert "102" in group.ids

    @pytest.mark.parametrize("seed", range(10))
    def test_minimum_group_gd_is_respected_and_exact(self, seed: int) -> None:
        """The group's own GD meets the minimum; the result is the best such group."""
        rng = np.random.default_rng(100 + seed)
        kin = random_kinship(rng, 25)
        inp = inputs_from(kin, np.arange(0, 25, 2), rng)
        k = 3
        min_gd = 0.75
        best = brute_best(inp, k, 0.125, min_gd)
        if best == -np.inf:
            with pytest.raises(StudbookError, match="no group"):
                release_group(inp, k, min_group_gd=min_gd)
            return
        group = release_group(inp, k, min_group_gd=min_gd)
        assert group.group_gd >= min_gd - 1e-12
        assert group.captive_delta_gd == pytest.approx(best, abs=1e-14)

    def test_group_flagged_cap(self) -> None:
        """The group's mean flagged share stays under its cap."""
        rng = np.random.default_rng(4)
        kin = random_kinship(rng, 20)
        inp = inputs_from(kin, np.arange(10), rng)
        group = release_group(inp, 3, group_flagged_cap=0.05)
        assert group.mean_flagged <= 0.05 + 1e-12

    def test_too_few_under_the_cap(self) -> None:
        """Asking for more animals than are eligible is a clear error."""
        inp = ReleaseInputs.from_arrays("CDFG", LACY_K, LACY_K.mean(axis=1), n=4,
                                        mean_mk=9 / 32, flagged=[0.5, 0.5, 0.5, 0])  # fmt: skip
        with pytest.raises(StudbookError, match="only 1 release candidate is under"):
            release_group(inp, 2)


def brute_constrained(
    inp: ReleaseInputs, k: int, cap: float, ratio: tuple[int, int] | None, limit: float | None
) -> tuple[float, float]:
    """(best captive delta GD, least largest kinship) over every group of k under the cap with
    the sex ratio's male counts; the best is -inf when no group meets the kinship limit."""
    pool = [i for i in range(len(inp.ids)) if inp.flagged[i] <= cap]
    if ratio is not None:
        pool = [i for i in pool if inp.sex[i] in "MF"]
    counts = male_counts(k, ratio)
    best, least = -np.inf, np.inf
    for group in itertools.combinations(pool, k):
        g = np.array(group)
        males = sum(inp.sex[i] == "M" for i in group)
        if counts is not None and males not in counts:
            continue
        block = inp.kinship[np.ix_(g, g)]
        most = block[~np.eye(k, dtype=bool)].max()
        least = min(least, most)
        if limit is not None and most > limit:
            continue
        dgd = float(group_delta_gd(inp.mk[g].sum(), block.sum(), k, inp.mean_mk, inp.n))
        best = max(best, dgd)
    return best, least


class TestSexRatioAndKinship:
    """A release group has the programme's sex mix and no two members too closely related."""

    def test_male_counts(self) -> None:
        """k M/(M+F) males, rounded down and up; any mix without a ratio."""
        assert male_counts(4, (1, 1)) == (2,)
        assert male_counts(5, (1, 1)) == (2, 3)
        assert male_counts(6, (1, 2)) == (2,)
        assert male_counts(4, (0, 1)) == (0,)
        assert male_counts(4, None) is None

    @pytest.mark.parametrize("seed", range(20))
    def test_exact_against_brute_force(self, seed: int) -> None:
        """With a sex ratio and a kinship limit the enumeration equals brute force, or both
        find no group and the error states the least related group's largest kinship."""
        rng = np.random.default_rng(500 + seed)
        kin = random_kinship(rng, 24)
        inp = inputs_from(kin, np.sort(rng.choice(24, 11, replace=False)), rng)
        k = int(rng.integers(2, 5))
        ratio = [(1, 1), (1, 2), (2, 1)][seed % 3]
        limit = float(rng.choice([0.1, 0.2, 0.3]))
        best, least = brute_constrained(inp, k, 0.125, ratio, limit)
        if best == -np.inf:
            with pytest.raises(NoReleaseGroupError) as caught:
                release_group(inp, k, sex_ratio=ratio, max_kinship=limit)
            if least < np.inf:
                assert f"the least related group has {least:.4f}" in str(caught.value)
            return
        group = release_group(inp, k, sex_ratio=ratio, max_kinship=limit)
        assert group.captive_delta_gd == pytest.approx(best, abs=1e-14)
        assert group.max_kinship <= limit + 1e-12
        assert group.males in male_counts(k, ratio)  # type: ignore[operator]
        assert group.males + group.females == k

    def test_siblings_are_not_released_together(self) -> None:
        """Two full brothers with the highest MKs: a 1:1 group of 2 takes one male and one
        female, and a kinship limit keeps the brothers apart in a group of 4."""
        kin = np.eye(10) * 0.5
        kin[0, 2] = kin[2, 0] = 0.25  # brothers 100 and 102 (even = F, odd = M below)
        for j in (4, 6, 8):
            kin[0, j] = kin[j, 0] = kin[2, j] = kin[j, 2] = 0.1
        ids = np.arange(10)
        mk = kin.mean(axis=1)
        inp = ReleaseInputs.from_arrays(
            [str(100 + c) for c in ids], kin, mk, n=10, mean_mk=float(mk.mean()),
            sex=["M", "F", "M", "F", "M", "F", "M", "F", "M", "F"],
        )  # fmt: skip
        assert set(release_group(inp, 2).ids) == {"100", "102"}  # no constraints: two males
        pair = release_group(inp, 2, sex_ratio=(1, 1))
        assert (pair.males, pair.females) == (1, 1)
        four = release_group(inp, 4, sex_ratio=(1, 1), max_kinship=0.2)
        assert not {"100", "102"} <= set(four.ids)
        assert four.max_kinship <= 0.2

    def test_too_few_of_one_sex_is_explained(self) -> None:
        """A 1:1 group of 4 from one female says how many of each sex there are."""
        inp = ReleaseInputs.from_arrays(
            "ABCDE", np.eye(5) * 0.5, np.full(5, 0.1), n=20, mean_mk=0.1, sex="MMMMF"
        )
        with pytest.raises(NoReleaseGroupError, match="4 males and 1 female"):
            release_group(inp, 4, sex_ratio=(1, 1))

    def test_unknown_sex_is_left_out_under_a_ratio(self) -> None:
        """Animals of unknown sex cannot fill a sex mix."""
        inp = ReleaseInputs.from_arrays(
            "ABCD", np.eye(4) * 0.5, [0.3, 0.1, 0.1, 0.1], n=20, mean_mk=0.1, sex="UMFU"
        )
        assert release_group(inp, 2, sex_ratio=(1, 1)).ids == ("B", "C")
        with pytest.raises(NoReleaseGroupError, match="with a known sex"):
            release_group(inp, 3, sex_ratio=(1, 1))

    @pytest.mark.parametrize("seed", range(8))
    def test_heuristic_meets_the_constraints(self, seed: int) -> None:
        """Beyond the enumeration limit the group still has the sex mix and the kinship limit
        whenever the exact search finds one, and is never better than it."""
        rng = np.random.default_rng(700 + seed)
        kin = random_kinship(rng, 40)
        inp = inputs_from(kin, np.arange(0, 40, 2) + (np.arange(20) % 2), rng)
        try:
            exact = release_group(inp, 4, sex_ratio=(1, 1), max_kinship=0.15)
        except NoReleaseGroupError:
            with pytest.raises(NoReleaseGroupError, match="closest group"):
                release_group(inp, 4, sex_ratio=(1, 1), max_kinship=0.15, exact_limit=0)
            return
        heur = release_group(inp, 4, sex_ratio=(1, 1), max_kinship=0.15, exact_limit=0)
        assert heur.method.startswith("heuristic")
        assert (heur.males, heur.females) == (2, 2) and heur.max_kinship <= 0.15 + 1e-12
        assert heur.captive_delta_gd <= exact.captive_delta_gd + 1e-15


class TestHeuristic:
    """Beyond the enumeration limit: greedy starts + swap local search."""

    @pytest.mark.parametrize("seed", range(12))
    def test_heuristic_is_feasible_and_not_worse_than_independent(self, seed: int) -> None:
        """The heuristic group meets the constraints and beats or equals the top k picks."""
        rng = np.random.default_rng(200 + seed)
        kin = random_kinship(rng, 40)
        inp = inputs_from(kin, np.arange(0, 40, 2), rng)
        heur = release_group(inp, 4, exact_limit=0)
        assert heur.method.startswith("heuristic")
        assert heur.captive_delta_gd >= heur.independent_delta_gd - 1e-15

    def test_heuristic_finds_the_optimum_on_most_small_cases(self) -> None:
        """On 30 seeded cases (5 of 20, minimum group GD 0.75) the heuristic matches exhaustive
        enumeration of the 15,504 groups at least 27 times and is never infeasible."""
        hits = 0
        for seed in range(30):
            rng = np.random.default_rng(300 + seed)
            kin = random_kinship(rng, 40)
            inp = inputs_from(kin, np.arange(0, 40, 2), rng)
            exact = release_group(inp, 5, min_group_gd=0.75)
            heur = release_group(inp, 5, min_group_gd=0.75, exact_limit=0)
            assert exact.method.startswith("exact") and heur.method.startswith("heuristic")
            assert heur.group_gd >= 0.75 - 1e-12
            assert heur.captive_delta_gd <= exact.captive_delta_gd + 1e-15
            hits += heur.captive_delta_gd >= exact.captive_delta_gd - 1e-14
        assert hits >= 27


class TestFromThePedigreeFile:
    """The engine-fed path on the published Lacy (1989) file."""

    def population(self) -> ReferencePopulation:
        ped = read_pedigree(BUNDLED / "lacy1989_founder_example.csv")
        return reference_population(ped, census_date="2024-01-01", exclude=["A", "B", "E"])

    def test_exact_values_and_order(self) -> None:
        """From the CSV: D +1/288 ranks first, F and G -7/288, C -5/96; founder shares."""
        inp = release_inputs(self.population(), NO_AGE_LIMITS)
        rows = rank_release_candidates(inp)
        assert [r.id for r in rows] == ["D", "F", "G", "C"]
        got = {r.id: r.delta_gd for r in rows}
        want = {"D": Fraction(1, 288), "F": Fraction(-7, 288), "G": Fraction(-7, 288),
                "C": Fraction(-5, 96)}  # fmt: skip
        for animal, value in want.items():
            assert got[animal] == pytest.approx(float(value), abs=1e-15)
        assert {r.id: round(r.delta_gd, 5) for r in rows} == {
            "D": 0.00347, "F": -0.02431, "G": -0.02431, "C": -0.05208,
        }  # fmt: skip
        assert inp.founder_ids == ("A", "B", "E")
        assert inp.population_contribution.tolist() == [0.375, 0.375, 0.25]
        rep = {r.id: r.representativeness for r in rows}
        assert rep == pytest.approx({"C": 0.25, "D": 0.25, "F": 0.25, "G": 0.25})

    def test_removal_equals_engine_recomputation(self) -> None:
        """GD(P without i) - GD(P) by the engine equals the closed form for each animal."""
        pop = self.population()
        ped = pop.pedigree
        inp = release_inputs(pop, NO_AGE_LIMITS)
        base = studbook.gene_diversity(ped, pop.ids)
        for i, animal in enumerate(inp.ids):
            rest = [a for a in pop.ids if a != animal]
            assert inp.delta_gd()[i] == pytest.approx(
                studbook.gene_diversity(ped, rest) - base, abs=1e-15
            )

    def test_group_from_the_file(self) -> None:
        """The best pair to release is D with F (D x F are potential mates, kinship 1/4)."""
        inp = release_inputs(self.population(), NO_AGE_LIMITS)
        group = release_group(inp, 2)
        assert group.ids == ("D", "F")
        assert group.founders_represented == ("A", "B", "E")


class TestHandPickedGroup:
    """A release group chosen by hand gets the same figures as a chosen one."""

    def test_same_figures_as_the_chosen_group(self) -> None:
        """Evaluating D and F by hand repeats release_group's figures for its choice."""
        inp = ReleaseInputs.from_arrays(
            "CDFG", LACY_K, LACY_K.mean(axis=1), n=4, mean_mk=9 / 32, sex="FMFM"
        )
        chosen = release_group(inp, 2)
        by_hand = evaluate_release_group(inp, ["F", "D"])
        for name in ("ids", "captive_delta_gd", "group_gd", "mate_kinship", "independent_ids"):
            assert getattr(by_hand, name) == getattr(chosen, name), name
        assert by_hand.method == "chosen by hand"
        # C and G: GD of {D, F} is 0.625 against 23/32 for P.
        assert evaluate_release_group(inp, ["C", "G"]).captive_delta_gd == -3 / 32

    @pytest.mark.parametrize("seed", range(10))
    def test_any_group_matches_recomputed_gd(self, seed: int) -> None:
        """For random groups, GD(P without R) - GD(P) recomputed from the matrix."""
        rng = np.random.default_rng(400 + seed)
        n = int(rng.integers(6, 20))
        kin = random_kinship(rng, n)
        cands = np.sort(rng.choice(n, int(rng.integers(2, n)), replace=False))
        inp = inputs_from(kin, cands)
        members = rng.choice(cands.size, int(rng.integers(1, cands.size + 1)), replace=False)
        if members.size >= n:
            members = members[:-1]
        group = evaluate_release_group(inp, [inp.ids[m] for m in members.tolist()])
        rest = np.setdiff1d(np.arange(n), cands[members])
        want = gd_of(kin[np.ix_(rest, rest)]) - gd_of(kin)
        assert group.captive_delta_gd == pytest.approx(want, abs=1e-14)

    @pytest.mark.parametrize(
        ("ids", "message"),
        [(["X"], "not release candidates: X"), (["D", "D"], "more than once: D"),
         ([], "at least one"), (["C", "D", "F", "G"], "cannot release 4")],
    )  # fmt: skip
    def test_bad_groups_are_refused(self, ids: list[str], message: str) -> None:
        inp = ReleaseInputs.from_arrays("CDFG", LACY_K, LACY_K.mean(axis=1), n=4, mean_mk=9 / 32)
        with pytest.raises(StudbookError, match=message):
            evaluate_release_group(inp, ids)
