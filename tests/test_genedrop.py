"""Gene drop: seeded, Mendelian, MULT parents sampled by probability, with standard errors."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import studbook
from studbook.csvformat import table_from_text
from studbook.pedigree import Pedigree


def ped_of(text: str) -> Pedigree:
    return Pedigree.from_table(table_from_text(text, "test.csv"))


LACY = ped_of("id,sire,dam,sex\nA,,,M\nB,,,F\nC,A,B,\nD,A,B,M\nE,,,F\nF,D,E,\nG,D,E,\n")
LACY_POP = ["C", "D", "F", "G"]


class TestReproducible:
    """The same seed gives the same result; different seeds differ."""

    def test_seed(self) -> None:
        """int seeds and Generators both reproduce."""
        a = studbook.gene_drop(LACY, LACY_POP, iterations=500, seed=7)
        b = studbook.gene_drop(LACY, LACY_POP, iterations=500, seed=np.random.default_rng(7))
        c = studbook.gene_drop(LACY, LACY_POP, iterations=500, seed=8)
        assert a.retention.tolist() == b.retention.tolist()
        assert a.uniqueness.tolist() == b.uniqueness.tolist()
        assert a.retention.tolist() != c.retention.tolist()

    @pytest.mark.parametrize("cores", [1, 2, 7])
    def test_same_result_on_any_number_of_cores(
        self, cores: int, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Small work arrays split the drop into many chunks run side by side; the tallies are
        the same bits whatever the number of cores."""
        want = studbook.gene_drop(LACY, LACY_POP, iterations=300, seed=3, max_cells=140)
        monkeypatch.setattr("os.cpu_count", lambda: cores)
        got = studbook.gene_drop(LACY, LACY_POP, iterations=300, seed=3, max_cells=140)
        for name, value in vars(want).items():
            assert np.array_equal(getattr(got, name), value), name


class TestLacy1989:
    """Lacy (1989): retention about 0.75 per founder and gene-drop fg about 2.18."""

    RESULT = studbook.gene_drop(LACY, LACY_POP, iterations=5000, seed=2024)

    def test_retention(self) -> None:
        """Each founder keeps 3/4 of its alleles on average: 1 - P(both lost)."""
        r = self.RESULT.retention_by_founder()
        assert list(r) == ["A", "B", "E"]
        for founder, value in r.items():
            se = self.RESULT.retention_se[self.RESULT.founders.index(founder)]
            assert abs(value - 0.75) < 4 * se + 1e-9

    def test_fge(self) -> None:
        """fg = 1 / sum p^2 / r = 0.75 / 0.34375 = 2.18."""
        assert self.RESULT.fge == pytest.approx(2.18, abs=0.03)
        assert 0 < self.RESULT.fge_se < 0.05

    def test_genomes_surviving(self) -> None:
        """Founder genomes surviving = sum of retentions, about 3 x 0.75."""
        assert self.RESULT.genomes_surviving == pytest.approx(
            self.RESULT.retention.sum(), abs=1e-12
        )
        assert self.RESULT.genomes_surviving == pytest.approx(2.25, abs=0.05)

    def test_uniqueness(self) -> None:
        """F and G each carry one of founder E's two alleles (their other allele is also in
        their parent D). F's E allele is unique exactly when G got the other one: P = 1/2."""
        u = self.RESULT.uniqueness_by_animal()
        assert u["F"] == pytest.approx(0.5, abs=0.04)
        assert u["G"] == pytest.approx(0.5, abs=0.04)


class TestMendelian:
    """Exact outcomes that need no statistics."""

    def test_single_offspring(self) -> None:
        """An only offspring carries exactly one allele of each parent: r = 1/2 for both."""
        ped = ped_of("id,sire,dam,sex\nA,,,M\nB,,,F\nC,A,B,M\n")
        res = studbook.gene_drop(ped, ["C"], iterations=300, seed=1)
        assert res.retention.tolist() == [0.5, 0.5]
        assert res.retention_se.tolist() == [0.0, 0.0]
        assert res.uniqueness.tolist() == [1.0]

    def test_mult_sire_sampled_by_probability(self) -> None:
        """With sire S1:0.8|S2:0.2 the offspring carries an S1 allele in about 80 % of runs."""
        ped = ped_of("id,sire,dam,sex\nS1,,,M\nS2,,,M\nD,,,F\nO,S1:0.8|S2:0.2,D,F\n")
        res = studbook.gene_drop(ped, ["O"], iterations=4000, seed=3)
        r = res.retention_by_founder()
        assert r["S1"] == pytest.approx(0.8 * 0.5, abs=0.03)
        assert r["S2"] == pytest.approx(0.2 * 0.5, abs=0.03)
        assert r["D"] == 0.5

    def test_allele_fge_tracks_exact_fge(self) -> None:
        """The per-iteration allele-frequency FGE averages close to 1 / (2 mean MK)."""
        ped = ped_of(
            "id,sire,dam,sex\nA,,,M\nB,,,F\nC,,,M\nD,,,F\nE,A,B,M\nF,C,D,F\nG,E,F,M\nH,E,F,F\n"
        )
        pop = ["E", "F", "G", "H"]
        res = studbook.gene_drop(ped, pop, iterations=5000, seed=5)
        exact = studbook.founder_genome_equivalents(ped, pop)
        assert res.allele_fge == pytest.approx(exact, rel=0.1)

    def test_bad_iterations(self) -> None:
        """Zero iterations is refused."""
        with pytest.raises(ValueError, match="iterations"):
            studbook.gene_drop(LACY, LACY_POP, iterations=0)


class TestAlleleTypes:
    """The two compiled versions of the kernel (uint16 and int32 alleles)."""

    def test_int32_alleles_give_the_same_result(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Forcing int32 alleles (as for a studbook with more than 65,536) changes no number."""
        small = studbook.gene_drop(LACY, LACY_POP, iterations=500, seed=7)
        monkeypatch.setattr(studbook.genedrop, "ALLELES_IN_UINT16", 0)
        wide = studbook.gene_drop(LACY, LACY_POP, iterations=500, seed=7)
        assert np.array_equal(wide.retention, small.retention)
        assert np.array_equal(wide.uniqueness, small.uniqueness)
        assert (wide.fge, wide.allele_fge) == (small.fge, small.allele_fge)

    def test_precompile_compiles_both(self) -> None:
        """precompile() (run by scripts/warm-up) leaves a version for each allele type, in a
        process that has run no gene drop."""
        code = (
            "import studbook.genedrop as g; g.precompile(); "
            "print(sorted(s[8].dtype.name for s in g._drop_chunk.dispatcher().signatures))"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert out.stdout.split() == ["['int32',", "'uint16']"], out.stderr
