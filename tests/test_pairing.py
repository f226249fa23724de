"""Pairing rankings: delta GD in closed form, the provisional MSI, and the deterministic order."""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
import pytest
from testdata import pedigree_file

import studbook
from studbook.pairing import (
    MSI_DASH,
    MSI_INBRED_BEST,
    MsiScale,
    MsiTable,
    PairingInputs,
    PairingTable,
    _rank_order,
    kinship_ceiling,
    msi_labels,
    pairing_delta_gd,
    pairing_inputs,
    rank_pairings,
)
from studbook.pedigree import Pedigree
from studbook.population import NO_AGE_LIMITS, breeding_candidates, reference_population
from studbook.synthetic import synthetic_studbook

# Lacy (1989), P = {C, D, F, G}: kinship matrix worked by hand from the pedigree
# (A x B -> C, D; D x E -> F, G).
LACY_IDS = ["C", "D", "F", "G"]
LACY_K = np.array(
    [
        [1 / 2, 1 / 4, 1 / 8, 1 / 8],
        [1 / 4, 1 / 2, 1 / 4, 1 / 4],
        [1 / 8, 1 / 4, 1 / 2, 1 / 4],
        [1 / 8, 1 / 4, 1 / 4, 1 / 2],
    ]
)


def gd_of(kin: np.ndarray) -> float:
    """GD = 1 - mean kinship over all ordered pairs, self-kinship included (the definition)."""
    return float(1.0 - kin.mean())


def with_offspring(kin: np.ndarray, m: int, f: int) -> np.ndarray:
    """The kinship matrix of P plus a virtual offspring of m and f, from the definition."""
    n = kin.shape[0]
    out = np.zeros((n + 1, n + 1))
    out[:n, :n] = kin
    row = (kin[m] + kin[f]) / 2
    out[n, :n] = out[:n, n] = row
    out[n, n] = (1 + kin[m, f]) / 2
    return out


def random_kinship(rng: np.random.Generator, n: int) -> np.ndarray:
    """A symmetric kinship-like matrix: self-kinship in [1/2, 1), kinships in [0, 1/2)."""
    a = rng.uniform(0, 0.5, (n, n)) * (rng.random((n, n)) < 0.5)
    a = (a + a.T) / 2
    np.fill_diagonal(a, 0.5 + rng.uniform(0, 0.25, n))
    return a


class TestDeltaGd:
    """delta GD of a pairing: the O(1) formula equals recomputing GD over N + 1 animals."""

    def test_lacy_hand_worked(self) -> None:
        """An offspring of C and F in Lacy's pedigree: GD goes from 23/32 to 1 - 3.65625/25."""
        mk = LACY_K.mean(axis=1)
        assert mk.tolist() == [0.25, 0.3125, 0.28125, 0.28125]
        formula = pairing_delta_gd(LACY_K[0, 2], mk[0], mk[2], 1 - 23 / 32, 4)
        assert float(formula) == pytest.approx(-0.00625, abs=1e-15)
        brute = gd_of(with_offspring(LACY_K, 0, 2)) - gd_of(LACY_K)
        assert float(formula) == pytest.approx(brute, abs=1e-15)

    @pytest.mark.parametrize("seed", range(20))
    def test_formula_equals_recomputation_on_random_matrices(self, seed: int) -> None:
        """All pairs at once (broadcast) equal one recomputation per pair."""
        rng = np.random.default_rng(seed)
        n = int(rng.integers(2, 30))
        kin = random_kinship(rng, n)
        mk = kin.mean(axis=1)
        males = rng.choice(n, size=min(n, 5), replace=False)
        females = rng.choice(n, size=min(n, 4), replace=False)
        fast = pairing_delta_gd(
            kin[np.ix_(males, females)], mk[males, None], mk[None, females], mk.mean(), n
        )
        base = gd_of(kin)
        for a, m in enumerate(males):
            for b, f in enumerate(females):
                slow = gd_of(with_offspring(kin, m, f)) - base
                assert fast[a, b] == pytest.approx(slow, abs=1e-14)


def inputs_for(
    kin: np.ndarray, males: list[int], females: list[int], ids: list[str], **extra: object
) -> PairingInputs:
    mk = kin.mean(axis=1)
    return PairingInputs.from_arrays(
        [ids[k] for k in males],
        [ids[k] for k in females],
        kin[np.ix_(males, females)],
        mk[males],
        mk[females],
        n=kin.shape[0],
        mean_mk=float(mk.mean()),
        **extra,  # type: ignore[arg-type]
    )


class TestMsi:
    """The provisional mate suitability index."""

    def test_unrelated_low_mk_pair_outranks_full_siblings(self) -> None:
        """Two unrelated founders' offspring beat an offspring of full siblings."""
        # P: founders a (M), b (F), c (M), d (F); s1 (M), s2 (F) are full sibs from c x d.
        ids = ["a", "b", "c", "d", "s1", "s2"]
        kin = np.zeros((6, 6))
        np.fill_diagonal(kin, 0.5)
        for parent in (2, 3):
            for child in (4, 5):
                kin[parent, child] = kin[child, parent] = 0.25
        kin[4, 5] = kin[5, 4] = 0.25
        table = rank_pairings(inputs_for(kin, [0, 4], [1, 5], ids))
        rows = {(r.male, r.female): r for r in table.rows()}
        unrelated, sibs = rows[("a", "b")], rows[("s1", "s2")]
        assert unrelated.rank < sibs.rank
        assert unrelated.msi != "-" and sibs.msi == "-"
        assert unrelated.delta_gd > sibs.delta_gd
        assert table.rows()[0].male == "a" and table.rows()[0].female == "b"

    @pytest.mark.parametrize("seed", range(10))
    def test_offspring_f_at_ceiling_always_gets_dash(self, seed: int) -> None:
        """Whatever the other inputs, F >= the kinship ceiling scores '-', below it never."""
        rng = np.random.default_rng(seed)
        limit = float(rng.choice([1 / 32, 1 / 16, 1 / 8]))
        mean_mk = float(rng.choice([0.0, 0.05, 0.27]))
        table = MsiTable(forbidden_f=limit)
        size = 500
        ceiling = max(limit, mean_mk + 1 / 16)
        f = rng.choice([0.0, ceiling / 2, ceiling * 0.999, ceiling, ceiling * 1.5, 0.45], size)
        dgd, unknown = rng.normal(0, 1e-3, size), rng.uniform(0, 0.3, size)
        scale = table.scale(dgd, f, unknown, mean_mk, 0.01)
        assert scale.kinship_ceiling == ceiling
        scores = table.score(dgd, rng.uniform(0, 0.1, size), f, unknown, scale)
        assert (scores[f >= ceiling] == MSI_DASH).all()
        assert (scores[f < ceiling] <= 6).all() and (scores >= 1).all()

    def test_ceiling_follows_the_population(self) -> None:
        """The ceiling is max(limit, mean MK + excess); without an excess, the limit alone."""
        assert kinship_ceiling(1 / 16, 1 / 16, 0.0) == 1 / 16
        assert kinship_ceiling(1 / 16, 1 / 16, 0.265) == pytest.approx(0.3275)
        assert kinship_ceiling(0.2, 1 / 16, 0.1) == 0.2
        assert kinship_ceiling(1 / 16, None, 0.265) == 1 / 16

    def test_too_much_unknown_ancestry_gets_dash(self) -> None:
        """More than half the smaller parent's genome unknown scores '-'."""
        scale = MsiScale(0.0, 1 / 16, 1 / 16, 1.0, 1.0)
        s = MsiTable().score(np.zeros(2), np.zeros(2), np.zeros(2), np.array([0.5, 0.51]), scale)
        assert s.tolist() == [5, MSI_DASH]  # 3, plus 1 each for > 25 % and > 40 % unknown

    def test_base_score_bands(self) -> None:
        """delta GD in standard deviations maps to scores 1-6 at the documented bands."""
        sd = 3e-5
        dgd = np.array([1.0, 0.7, 0.2, -0.2, -0.7, -1.5]) * sd
        zeros = np.zeros(6)
        scale = MsiScale(0.0, 1 / 16, 1 / 16, sd, 0.01)
        assert MsiTable().score(dgd, zeros, zeros, zeros, scale).tolist() == [1, 2, 3, 4, 5, 6]

    def test_spread_is_taken_over_pairs_not_dashed(self) -> None:
        """The ΔGD spread is the standard deviation over the pairs that are not '-'."""
        dgd = np.array([1.0, 3.0, 100.0, -50.0])
        f = np.array([0.0, 0.0, 0.3, 0.0])
        unknown = np.array([0.0, 0.0, 0.0, 0.9])
        scale = MsiTable().scale(dgd, f, unknown, 0.0, 0.0)
        assert scale.gd_spread == 1.0  # std of [1, 3]
        codes = MsiTable().score(dgd, np.zeros(4), f, unknown, scale)
        assert codes.tolist() == [1, 1, MSI_DASH, MSI_DASH]

    def test_no_spread_scores_by_sign(self) -> None:
        """With one allowed pair (no spread), a gain scores 1, a loss 6, no change 3."""
        scale = MsiScale(0.0, 1 / 16, 1 / 16, 0.0, 0.0)
        z = np.zeros(3)
        codes = MsiTable().score(np.array([1e-6, -1e-6, 0.0]), z, z, z, scale)
        assert codes.tolist() == [1, 6, 3]

    def test_penalties_add_points(self) -> None:
        """MK difference (in MK sds), F above mean MK and unknown ancestry add points."""
        one = np.zeros(1)
        t = MsiTable()
        s = MsiScale(
            mean_mk=0.1, kinship_ceiling=0.1625, inbred_f=1 / 16, gd_spread=1.0, mk_spread=0.01
        )
        assert t.score(one, np.array([0.021]), one + 0.1, one, s).tolist() == [4]
        assert t.score(one, np.array([0.031]), one + 0.1, one, s).tolist() == [5]
        assert t.score(one, one, np.array([0.1 + 1 / 32]), one, s).tolist() == [4]
        assert t.score(one, one, np.array([0.1 + 3 / 64]), one, s).tolist() == [5]
        assert t.score(one, one, np.array([0.1 + 1 / 33]), one, s).tolist() == [3]
        assert t.score(one, one, one, np.array([0.3]), s).tolist() == [4]
        assert t.score(one, one, one, np.array([0.25]), s).tolist() == [3]
        assert t.score(
            one, np.array([0.031]), np.array([0.1 + 3 / 64]), np.array([0.45]), s
        ).tolist() == [6]

    def test_explanation_names_each_point(self) -> None:
        """The reason shown beside a score adds up to the score."""
        t = MsiTable()
        s = MsiScale(
            mean_mk=0.1, kinship_ceiling=0.1625, inbred_f=1 / 16, gd_spread=1e-4, mk_spread=0.01
        )
        inputs = (0.6e-4, 0.031, 0.1 + 1 / 32, 0.3)
        code = t.score(*(np.array([v]) for v in inputs), s)[0]
        why = t.explain(*inputs, s)
        assert (
            why == "ΔGD +0.6 sd → 2; +2 MK difference 3.1 sd; +1 F 0.0312 above mean MK; "
            "+1 unknown 30.0 %"
        )
        assert code == 6  # 2 + 2 + 1 + 1
        assert t.explain(0.0, 0.0, 0.2, 0.0, s) == "F 0.2000 ≥ ceiling 0.1625"

    @pytest.mark.parametrize("seed", range(5))
    def test_more_gd_never_scores_worse(self, seed: int) -> None:
        """Raising delta GD with the other inputs fixed never raises the score."""
        rng = np.random.default_rng(seed)
        size = 400
        other = (rng.uniform(0, 0.08, size), rng.uniform(0, 0.06, size), rng.uniform(0, 0.6, size))
        low = rng.normal(0, 2e-3, size)
        high = low + rng.uniform(0, 2e-3, size)
        t = MsiTable()
        scale = MsiScale(0.02, 0.0825, 1 / 16, 1e-3, 0.01)
        assert (t.score(high, *other, scale) <= t.score(low, *other, scale)).all()

    def test_thresholds_must_decrease(self) -> None:
        """A misordered ΔGD band table is refused."""
        with pytest.raises(ValueError, match="decreasing"):
            MsiTable(gd_bands=(0.0, 0.5, -0.5, -1.0, -2.0))


# A hand-made pedigree holding one pair of each relationship (kinship = offspring F):
# A x B -> s1, s2 (full sibs); s1 x K -> c1 and E x s2 -> c2 (first cousins);
# A x G -> h1 (half sib of s1); H x h1 -> hc2 (half first cousin of c1).
RELATIVES = (
    ("A", "", "", "M"), ("B", "", "", "F"), ("C", "", "", "M"), ("D", "", "", "F"),
    ("E", "", "", "M"), ("G", "", "", "F"), ("H", "", "", "M"), ("K", "", "", "F"),
    ("s1", "A", "B", "M"), ("s2", "A", "B", "F"), ("h1", "A", "G", "F"),
    ("c1", "s1", "K", "M"), ("c2", "E", "s2", "F"), ("hc2", "H", "h1", "F"),
)  # fmt: skip
RELATIONSHIPS = {  # pair -> (kinship, MSI of a pair at +3 sd of ΔGD on the Amur fixture's scale)
    ("C", "D"): (0.0, "1"),  # unrelated
    ("c1", "hc2"): (1 / 32, "1"),  # half first cousins: below the inbred threshold
    ("c1", "c2"): (1 / 16, "3"),  # first cousins: at the threshold, at best 3
    ("s1", "h1"): (1 / 8, "3"),  # half sibs: 1 + 2 points for F - m >= 3/64, and inbred
    ("s1", "s2"): (1 / 4, "-"),  # full sibs: above the kinship ceiling
}


def relatives_kinship() -> dict[tuple[str, str], float]:
    """The kinship of each pair in :data:`RELATIONSHIPS`, from the kinship engine."""
    ped = Pedigree.from_cells(*(list(column) for column in zip(*RELATIVES, strict=True)))
    pop = reference_population(ped, census_date="2024-01-01")
    inp = pairing_inputs(breeding_candidates(pop, NO_AGE_LIMITS))
    return {
        (m, f): float(inp.kinship[inp.male_ids.index(m), inp.female_ids.index(f)])
        for m, f in RELATIONSHIPS
    }


class TestInbredThreshold:
    """An inbred offspring keeps a pair out of MSI 1-2, however much it raises GD."""

    # The Amur fixture's yardsticks: mean MK 0.075, ceiling max(1/16, m + 1/16), threshold 1/16.
    AMUR = MsiScale(0.075, 0.1375, 1 / 16, 1e-4, 0.01)

    def test_each_relationship_at_its_band_edge(self) -> None:
        """Unrelated and half first cousins score 1, first cousins and half sibs 3, full sibs
        '-', all at the same (best) ΔGD."""
        kinship = relatives_kinship()
        assert kinship == {pair: f for pair, (f, _) in RELATIONSHIPS.items()}
        f = np.array(list(kinship.values()))
        zeros = np.zeros(f.size)
        codes = MsiTable().score(zeros + 3e-4, zeros, f, zeros, self.AMUR)
        assert msi_labels(codes) == [msi for _, msi in RELATIONSHIPS.values()]

    def test_threshold_is_at_or_above(self) -> None:
        """F just below the threshold keeps its score; F at it scores 3; the setting moves it."""
        below = np.nextafter(1 / 16, 0.0)
        f, zeros = np.array([below, 1 / 16]), np.zeros(2)
        assert MsiTable().score(zeros + 3e-4, zeros, f, zeros, self.AMUR).tolist() == [1, 3]
        raised = dataclasses.replace(self.AMUR, inbred_f=0.07)
        assert MsiTable().score(zeros + 3e-4, zeros, f, zeros, raised).tolist() == [1, 1]

    def test_threshold_follows_only_a_high_background(self) -> None:
        """The threshold is max(inbred_f, m - margin): 1/16 up to m = 3/32, then m - 1/32;
        without a margin, inbred_f alone."""
        t, zeros = MsiTable(), np.zeros(2)

        def threshold(table: MsiTable, mean_mk: float) -> float:
            return table.scale(np.array([1.0, 3.0]), zeros, zeros, mean_mk, 0.01).inbred_f

        assert [threshold(t, m) for m in (0.0, 0.075, 3 / 32)] == [1 / 16] * 3
        assert threshold(t, 0.265) == pytest.approx(0.23375)
        assert threshold(MsiTable(inbred_margin=None), 0.265) == 1 / 16
        assert threshold(MsiTable(inbred_f=0.1, inbred_margin=None), 0.265) == 0.1

    def test_gazelle_like_background(self) -> None:
        """With mean MK 0.265 a pair 1/32 below the background can still score 1."""
        scale = MsiTable().scale(np.array([-1e-4, 1e-4]), np.zeros(2), np.zeros(2), 0.265, 0.01)
        edge = scale.inbred_f
        f, zeros = np.array([np.nextafter(edge, 0.0), edge]), np.zeros(2)
        assert MsiTable().score(zeros + 3e-4, zeros, f, zeros, scale).tolist() == [1, 3]

    @pytest.mark.parametrize("seed", range(5))
    def test_rule_only_lifts_scores_below_three(self, seed: int) -> None:
        """Against the same scores without the rule, only inbred pairs at 1-2 change, to 3."""
        rng = np.random.default_rng(seed)
        size = 2000
        dgd, mk_diff = rng.normal(0, 2e-4, size), rng.uniform(0, 0.04, size)
        f, unknown = rng.uniform(0, 0.16, size), rng.uniform(0, 0.6, size)
        t = MsiTable()
        with_rule = t.score(dgd, mk_diff, f, unknown, self.AMUR)
        without = t.score(dgd, mk_diff, f, unknown, dataclasses.replace(self.AMUR, inbred_f=np.inf))
        lifted = (f >= 1 / 16) & (without < MSI_INBRED_BEST)
        assert lifted.any() and not ((with_rule <= 2) & (f >= 1 / 16)).any()
        assert (with_rule[lifted] == MSI_INBRED_BEST).all()
        assert (with_rule[~lifted] == without[~lifted]).all()

    def test_explanation_names_the_threshold(self) -> None:
        """The reason says when the threshold, not the points, set the score."""
        t = MsiTable()
        assert t.explain(3e-4, 0.0, 0.105, 0.0, self.AMUR) == (
            "ΔGD +3.0 sd → 1; F 0.1050 ≥ inbred 0.0625 → 3"
        )
        assert t.explain(3e-4, 0.0, 0.05, 0.0, self.AMUR) == "ΔGD +3.0 sd → 1"
        assert "inbred" not in t.explain(-3e-4, 0.0, 0.105, 0.0, self.AMUR)  # 6 already


class TestMsiOnRealStudbooks:
    """On the fixture, the loris and the gazelle the best pairs score 1-2 and '-' is rare."""

    @pytest.mark.parametrize("name", ["amur", "pygmy_slow_loris_aza", "cuvier_gazelle_purgeR"])
    def test_best_pairs_score_one_or_two(self, name: str) -> None:
        """The top-ranked pair scores 1 and fewer than a fifth of the pairs are '-'."""
        table = _real_pairings(name)
        codes = table.msi
        assert codes[0] == 1
        assert (codes == MSI_DASH).mean() < 0.2
        assert {1, 2, 3, 4, 5, 6} <= set(codes.tolist())
        allowed = codes != MSI_DASH
        assert (table.offspring_f[allowed] < table.scale.kinship_ceiling).all()

    @pytest.mark.parametrize("name", ["amur", "pygmy_slow_loris_aza", "cuvier_gazelle_purgeR"])
    def test_no_inbred_pair_scores_one_or_two(self, name: str) -> None:
        """No pair at or above the inbred threshold scores 1-2, and both 1 and 2 are used."""
        table = _real_pairings(name)
        best = table.msi <= 2
        assert {1, 2} <= set(table.msi.tolist())
        assert (table.offspring_f[best] < table.scale.inbred_f).all()

    def test_fixture_pairs_inbred_like_first_cousins_are_not_very_beneficial(self) -> None:
        """On the Amur fixture no pair with offspring F >= 1/16 scores 1-2; 525 x 451 (F 0.105,
        among the largest ΔGD) scores 3 and says why."""
        table = _real_pairings("amur")
        assert table.scale.inbred_f == 1 / 16
        assert not ((table.msi <= 2) & (table.offspring_f >= 0.0625)).any()
        (row,) = table.select(male="525", female="451")
        assert row.msi == "3" and row.offspring_f == pytest.approx(0.105, abs=5e-4)
        assert row.msi_why.startswith("ΔGD +") and row.msi_why.endswith("≥ inbred 0.0625 → 3")


@cache
def _real_pairings(name: str) -> PairingTable:
    """The pairing ranking of one studbook on 2024-01-01 (the shared ones skip when absent)."""
    from clirun import FIXTURE

    from studbook.analysis import Analysis, AnalysisSettings
    from studbook.book import Studbook
    from studbook.interpret import read_understood
    from studbook.records import records_from_table

    if name == "amur":
        path, mapping = FIXTURE, None
    else:
        path = pedigree_file(f"{name}.csv")
        column = "alive_in_source" if name.startswith("pygmy") else "target"
        mapping = {column: "alive"}
    table, _ = read_understood(path, mapping)
    records, _ = records_from_table(table)
    book = Studbook.build(records)
    return Analysis(book, AnalysisSettings(census_date="2024-01-01")).pairings


class TestRanking:
    """Order: MSI, then delta GD desc, then offspring F asc, then studbook ids."""

    def test_keys_in_order(self) -> None:
        """Rows are sorted by (MSI, -delta GD, F, male id, female id)."""
        rng = np.random.default_rng(3)
        kin = random_kinship(rng, 40) * 0.3
        np.fill_diagonal(kin, 0.5)
        table = rank_pairings(inputs_for(kin, list(range(0, 20)), list(range(20, 40)),
                                         [str(k) for k in range(40)]))  # fmt: skip
        rows = table.rows()
        keys = [
            (7 if r.msi == "-" else int(r.msi), -r.delta_gd, r.offspring_f, int(r.male),
             int(r.female))
            for r in rows
        ]  # fmt: skip
        assert keys == sorted(keys)
        assert [r.rank for r in rows] == list(range(1, 401))

    @pytest.mark.parametrize("seed", range(5))
    def test_fast_order_equals_lexsort(self, seed: int) -> None:
        """The fast sort equals numpy's lexsort on (MSI, -delta GD, F, position), ties included."""
        rng = np.random.default_rng(seed)
        size = 5000
        codes = rng.integers(1, 8, size).astype(np.int8)
        dgd = rng.integers(-20, 20, size) / 1e4  # many exact ties
        f_o = rng.integers(0, 4, size) / 16
        expected = np.lexsort((np.arange(size), f_o, -dgd, codes))
        assert _rank_order(codes, dgd, f_o).tolist() == expected.tolist()

    def test_ties_broken_by_numeric_studbook_id(self) -> None:
        """Identical pairs are ordered by male then female id, numeric ids by value."""
        inputs = PairingInputs.from_arrays(
            ["100", "9"], ["20", "3"], np.zeros((2, 2)), [0.1, 0.1], [0.1, 0.1], n=10,
            mean_mk=0.1,
        )  # fmt: skip
        rows = rank_pairings(inputs).rows()
        assert [(r.male, r.female) for r in rows] == [
            ("9", "3"), ("9", "20"), ("100", "3"), ("100", "20"),
        ]  # fmt: skip

    def test_identical_across_runs_and_input_order(self) -> None:
        """Two runs, and the candidates given in another order, rank identically."""
        rng = np.random.default_rng(5)
        kin = random_kinship(rng, 30) * 0.3
        np.fill_diagonal(kin, 0.5)
        ids = [str(1000 + k) for k in range(30)]
        males, females = list(range(0, 15)), list(range(15, 30))
        first = rank_pairings(inputs_for(kin, males, females, ids)).rows()
        again = rank_pairings(inputs_for(kin, males, females, ids)).rows()
        shuffled = rank_pairings(inputs_for(kin, males[::-1], females[::-1], ids)).rows()
        assert first == again
        assert [r.as_dict() for r in first] == [r.as_dict() for r in shuffled]

    def test_select_filters_keep_global_ranks(self) -> None:
        """--male / --female / --institution filter the ranked rows without renumbering."""
        kin = np.full((4, 4), 0.0)
        np.fill_diagonal(kin, 0.5)
        table = rank_pairings(
            inputs_for(kin, [0, 1], [2, 3], ["1", "2", "3", "4"],
                       location_male=["TALLINN", "BERLINTP"], location_female=["MOSCOW", "TALLINN"])
        )  # fmt: skip
        assert [r.female for r in table.select(male="1")] == ["3", "4"]
        assert len(table.select(female=["3"], top=1)) == 1
        at_tallinn = table.select(institution="TALLINN")
        assert {(r.male, r.female) for r in at_tallinn} == {("1", "3"), ("1", "4"), ("2", "4")}
        assert sorted(r.rank for r in table.rows()) == [1, 2, 3, 4]


class TestPairColumns:
    """Raw inputs shown beside the MSI: % known, flagged share, places."""

    def test_columns(self) -> None:
        """Smaller % known, mean flagged share, same institution/region and transfer."""
        kin = np.eye(4) * 0.5
        table = rank_pairings(
            inputs_for(
                kin, [0, 1], [2, 3], ["m1", "m2", "f1", "f2"],
                known_male=[1.0, 0.8], known_female=[0.9, 1.0],
                flagged_male=[0.2, 0.0], flagged_female=[0.1, 0.0],
                location_male=["A", "B"], location_female=["A", "C"],
                region_male=["EAZA", "EAZA"], region_female=["EAZA", "AZA"],
                contracepted_female=[False, True],
            )
        )  # fmt: skip
        rows = {(r.male, r.female): r for r in table.rows()}
        r = rows[("m1", "f1")]
        assert (r.known, r.offspring_flagged, r.same_institution, r.transfer) == (
            0.9, pytest.approx(0.15), True, "none",
        )  # fmt: skip
        r = rows[("m2", "f1")]
        assert (r.known, r.same_institution, r.same_region, r.transfer) == (
            0.8, False, True, "within region",
        )  # fmt: skip
        r = rows[("m2", "f2")]
        assert (r.same_region, r.transfer, r.female_contracepted) == (
            False, "between regions", True,
        )  # fmt: skip


def synthetic_pedigree(seed: int, n: int = 400) -> Pedigree:
    """A small zoo-like pedigree with unknown and MULT sires and a flagged founder."""
    book = synthetic_studbook(
        n, seed=seed, unknown_parent_rate=0.1, mult_sire_rate=0.1, region_living=30
    )
    return Pedigree.from_cells(
        book.ids, book.sire, book.dam, book.sex, alive=list(book.alive.tolist()),
        birth_date=book.birth_date, location=book.location,
        flags=[[f] if f else [] for f in book.flags],
    )  # fmt: skip


def with_child(ped: Pedigree, sire: str, dam: str) -> Pedigree:
    """The pedigree plus one living offspring ``o`` of sire and dam."""
    cells = {
        "ids": [*ped.ids, "o"],
        "sire": [_cell(ped, k, ped.sire, ped.mult_sire) for k in range(len(ped))] + [sire],
        "dam": [_cell(ped, k, ped.dam, ped.mult_dam) for k in range(len(ped))] + [dam],
    }
    return Pedigree.from_cells(cells["ids"], cells["sire"], cells["dam"])


def _cell(ped: Pedigree, k: int, single: np.ndarray, mult: dict) -> str:  # type: ignore[type-arg]
    if k in mult:
        cands, probs = mult[k]
        return "|".join(
            f"{ped.ids[c]}:{p!r}" for c, p in zip(cands.tolist(), probs.tolist(), strict=True)
        )
    return ped.ids[single[k]] if single[k] >= 0 else ""


class TestOnRealPedigrees:
    """The engine-fed path: closed forms against recomputation with the kinship engine."""

    @pytest.mark.parametrize("seed", range(6))
    def test_delta_gd_equals_recomputation_with_a_real_offspring(self, seed: int) -> None:
        """Adding the offspring to the pedigree and recomputing GD over P + o agrees."""
        ped = synthetic_pedigree(seed)
        pop = reference_population(ped, census_date="2200-01-01")
        inputs = pairing_inputs(breeding_candidates(pop, NO_AGE_LIMITS))
        table = rank_pairings(inputs)
        base = studbook.gene_diversity(ped, pop.ids)
        assert base == pytest.approx(1 - inputs.mean_mk, abs=1e-13)
        rng = np.random.default_rng(seed)
        for k in rng.choice(len(table), 4, replace=False).tolist():
            m = inputs.male_ids[table.male[k]]
            f = inputs.female_ids[table.female[k]]
            grown = with_child(ped, m, f)
            brute = studbook.gene_diversity(grown, [*pop.ids, "o"]) - base
            assert table.delta_gd[k] == pytest.approx(brute, abs=1e-13)
            assert table.offspring_f[k] == pytest.approx(
                float(studbook.inbreeding(grown)[-1]), abs=1e-13
            )

    def test_inputs_match_the_engine(self) -> None:
        """Kinship, MK, % known and flagged share come from the engine's functions."""
        ped = synthetic_pedigree(11)
        pop = reference_population(ped, census_date="2200-01-01")
        cands = breeding_candidates(pop, NO_AGE_LIMITS)
        inputs = pairing_inputs(cands)
        ids = cands.male_ids + cands.female_ids
        dense = studbook.kinship_matrix(ped, ids)
        nm = len(cands.male_ids)
        assert np.allclose(inputs.kinship, dense[:nm, nm:], atol=1e-14)
        mk = studbook.mean_kinship(ped, pop.ids)
        assert np.allclose(inputs.mk_male, [mk[i] for i in cands.male_ids], atol=1e-14)
        known = studbook.percent_known(ped) / 100
        assert np.allclose(inputs.known_female, known[cands.females])
        flagged = studbook.flagged_contribution(ped, list(ped.flags))
        assert np.allclose(inputs.flagged_male, flagged[cands.males])
