"""Founder contributions, representation, founder equivalents, flagged genes and % known."""

from __future__ import annotations

import numpy as np
import pytest
from reference_kinship import random_pedigree

import studbook
from studbook.csvformat import table_from_text
from studbook.pedigree import Pedigree


def ped_of(text: str) -> Pedigree:
    return Pedigree.from_table(table_from_text(text, "test.csv"))


def contributions_by_recursion(ped: Pedigree) -> dict[tuple[int, int], float]:
    """p_ik straight from p_i = (p_s + p_d)/2 with MULT weights (a plain memoised twin)."""
    memo: dict[int, dict[int, float]] = {}

    def p(i: int) -> dict[int, float]:
        if i in memo:
            return memo[i]
        out: dict[int, float] = {}
        links = []
        for single, mult in ((ped.sire, ped.mult_sire), (ped.dam, ped.mult_dam)):
            if i in mult:
                links += list(zip(mult[i][0].tolist(), mult[i][1].tolist(), strict=True))
            elif single[i] >= 0:
                links.append((int(single[i]), 1.0))
        if not links:
            out = {i: 1.0}
        for k, w in links:
            for f, v in p(k).items():
                out[f] = out.get(f, 0.0) + 0.5 * w * v
        memo[i] = out
        return out

    return {(i, f): v for i in range(len(ped)) for f, v in p(i).items()}


LACY = ped_of("id,sire,dam,sex\nA,,,M\nB,,,F\nC,A,B,\nD,A,B,M\nE,,,F\nF,D,E,\nG,D,E,\n")


class TestFounderContributions:
    """p_ik by the recursion, on the animals' ancestors only."""

    def test_lacy_1989(self) -> None:
        """Lacy's example: C = (1/2, 1/2, 0), F = (1/4, 1/4, 1/2) over founders A, B, E."""
        names, p = studbook.founder_contributions(LACY, ["C", "F"])
        assert names == ["A", "B", "E"]
        np.testing.assert_allclose(p, [[0.5, 0.5, 0.0], [0.25, 0.25, 0.5]])

    @pytest.mark.parametrize("seed", range(8))
    def test_against_recursion(self, seed: int) -> None:
        """Random pedigrees with MULT and unknown parents match the memoised recursion."""
        ped = random_pedigree(300 + seed, 40)
        want = contributions_by_recursion(ped)
        names, p = studbook.founder_contributions(ped, list(ped.ids))
        founder_idx = ped.indices(names).tolist()
        for i in range(len(ped)):
            for c, f in enumerate(founder_idx):
                assert p[i, c] == pytest.approx(want.get((i, f), 0.0), abs=1e-14)

    def test_unknown_parent_share_is_missing(self) -> None:
        """A row sums to 1 minus the share from unknown parents."""
        ped = ped_of("id,sire,dam,sex\nA,,,M\nB,A,UNK,F\nC,A,B,M\n")
        _, p = studbook.founder_contributions(ped, ["B", "C"])
        assert p.sum(axis=1).tolist() == pytest.approx([0.5, 0.75])


class TestRepresentationAndFE:
    """Population representation and founder equivalents FE = 1 / sum q_k^2."""

    def test_lacy_1989(self) -> None:
        """Lacy (1989): shares 0.375, 0.375, 0.25 in C, D, F, G; FE = 32/11 = 2.909."""
        pop = ["C", "D", "F", "G"]
        assert studbook.founder_representation(LACY, pop) == pytest.approx(
            {"A": 0.375, "B": 0.375, "E": 0.25}
        )
        assert studbook.founder_equivalents(LACY, pop) == pytest.approx(32 / 11)

    def test_mean_of_contributions(self) -> None:
        """Representation is the population mean of the per-animal contributions."""
        ped = random_pedigree(11, 50)
        pop = list(ped.ids[20:])
        names, p = studbook.founder_contributions(ped, pop)
        rep = studbook.founder_representation(ped, pop)
        means = dict(zip(names, p.mean(axis=0).tolist(), strict=True))
        assert rep == pytest.approx({k: v for k, v in means.items() if v > 0})


class TestFlaggedAndKnown:
    """Genome share from flagged founders and % known."""

    PED = ped_of(
        "id,sire,dam,sex,flags,birth_type\n"
        "A,WILD,WILD,M,non-amur,wild\n"
        "B,WILD,WILD,F,,wild\n"
        "X,UNK,UNK,F,,captive\n"  # captive-born, unknown parents: not a real founder
        "C,A,B,M,,captive\n"
        "D,C,X,F,,captive\n"
        "E,C|A,D,M,,captive\n"
    )

    def test_flagged_contribution(self) -> None:
        """A = 1, C = 1/2, D = 1/4, E = ((1/2 + 1)/2 + 1/4)/2 = 1/2 (MULT sire C|A)."""
        c = dict(
            zip(self.PED.ids, studbook.flagged_contribution(self.PED, "non-amur"), strict=True)
        )
        assert c == pytest.approx({"A": 1, "B": 0, "X": 0, "C": 0.5, "D": 0.25, "E": 0.5})
        assert studbook.flagged_contribution(self.PED, ["no-such-flag"]).max() == 0.0

    def test_percent_known(self) -> None:
        """Wild founders 100 %, captive UNK-parent animal 0 %, D = (100 + 0)/2 = 50 %."""
        k = dict(zip(self.PED.ids, studbook.percent_known(self.PED), strict=True))
        assert k == pytest.approx({"A": 100, "B": 100, "X": 0, "C": 100, "D": 50, "E": 75})


class TestSexRatioNe:
    """Ne = 4 Nm Nf / (Nm + Nf) over the living."""

    def test_living_only(self) -> None:
        """Dead animals and unknown sexes are left out."""
        ped = ped_of("id,sire,dam,sex,alive\nA,,,M,1\nB,,,F,1\nC,,,F,1\nD,,,M,0\nE,,,U,1\n")
        assert studbook.sex_ratio_ne(ped) == pytest.approx(4 * 1 * 2 / 3)
