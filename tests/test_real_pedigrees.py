"""Real pedigrees reproduce their published values.

Lacy (1989), Mrode (2005) and the macaque colony are carried in ``tests/data``; the loris,
gazelle, sheep and Darwin studbooks come from ``../shared`` and are skipped without it.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import numpy as np
import pytest
from reference_kinship import ReferenceKinship
from testdata import SOURCE_MAPPINGS, pedigree_file

import studbook
from studbook.kinship import mean_kinship_array
from studbook.pedigree import Pedigree


@cache
def _load(name: str) -> tuple[Pedigree, dict[str, Any]]:
    ped = studbook.read_pedigree(pedigree_file(f"{name}.csv"), SOURCE_MAPPINGS.get(name))
    expected_file = pedigree_file(f"{name}.csv").with_name(f"{name}.expected.json")
    expected = json.loads(expected_file.read_text()) if expected_file.exists() else {}
    return ped, expected


def load(name: str) -> tuple[Pedigree, dict[str, Any]]:
    """The pedigree ``name`` and its published values; skips the test when the file is absent."""
    pedigree_file(f"{name}.csv")
    return _load(name)


class RealPedigree:
    """A test class about one real pedigree, read once when its first test runs."""

    NAME = ""

    @property
    def ped(self) -> Pedigree:
        return load(self.NAME)[0]

    @property
    def expected(self) -> dict[str, Any]:
        return load(self.NAME)[1]


def target(ped: Pedigree) -> np.ndarray:
    return np.array([t == "1" for t in ped.attributes["target"]])


class TestLacy1989(RealPedigree):
    """Lacy (1989) founder example: MK, GD, FGE, FE, kinships, gene-drop fg and retention."""

    NAME = "lacy1989_founder_example"
    POP = ("C", "D", "F", "G")

    def test_mean_kinship(self) -> None:
        """MK of C, D, F, G = 0.25, 0.3125, 0.28125, 0.28125."""
        mk = studbook.mean_kinship(self.ped, self.POP)
        assert mk == pytest.approx({"C": 0.25, "D": 0.3125, "F": 0.28125, "G": 0.28125})

    def test_gd_and_fge(self) -> None:
        """GD = 23/32 and FGE = 16/9."""
        assert studbook.gene_diversity(self.ped, self.POP) == pytest.approx(23 / 32)
        assert studbook.founder_genome_equivalents(self.ped, self.POP) == pytest.approx(16 / 9)

    def test_founder_equivalents(self) -> None:
        """fe = 32/11 = 2.9090909 (published 2.91)."""
        fe = studbook.founder_equivalents(self.ped, self.POP)
        assert fe == pytest.approx(self.expected["founder_equivalents_fe"]["value"], abs=1e-9)

    def test_kinships(self) -> None:
        """The six kinship values of the nprcgenekeepr tests."""
        for key, value in self.expected["kinship"].items():
            if key == "note":
                continue
            a, b = key[2:-1].split(",")
            assert studbook.kinship(self.ped, a, b) == pytest.approx(value), key

    def test_gene_drop(self) -> None:
        """Gene-drop fg about 2.18 (5000 drops) and retention about 0.75 per founder."""
        res = studbook.gene_drop(self.ped, self.POP, iterations=5000, seed=1989)
        assert res.fge == pytest.approx(
            self.expected["founder_genome_equivalents_fg"]["published"], abs=0.05
        )
        assert res.retention.tolist() == pytest.approx([0.75, 0.75, 0.75], abs=0.03)


class TestCuvierGazelle(RealPedigree):
    """purgeR values for Cuvier's gazelle (948 animals)."""

    NAME = "cuvier_gazelle_purgeR"

    def test_inbreeding(self) -> None:
        """min, max, sum over all 948 and F of ids 943-948 (tolerance 1e-5)."""
        exp = self.expected["inbreeding_F"]
        F = studbook.inbreeding(self.ped)
        tol = exp["tolerance"]
        assert F.min() == pytest.approx(exp["min"], abs=tol)
        assert F.max() == pytest.approx(exp["max"], abs=tol)
        assert F.sum() == pytest.approx(exp["sum_over_all_948"], abs=1e-3)
        assert F[self.ped.index["948"]] == pytest.approx(exp["last_row_id_948"], abs=tol)
        for animal, value in exp["by_id"].items():
            assert F[self.ped.index[animal]] == pytest.approx(value, abs=tol), animal

    def test_hardy_weinberg_deviation(self) -> None:
        """alpha = (mean F - mean coancestry)/(1 - mean coancestry), all and target."""
        exp = self.expected["hardy_weinberg_deviation_alpha"]
        F = studbook.inbreeding(self.ped)
        for key, mask in (
            ("whole_pedigree", np.ones(len(self.ped), bool)),
            ("target", target(self.ped)),
        ):
            coancestry = mean_kinship_array(self.ped, mask)[mask].mean()
            alpha = (F[mask].mean() - coancestry) / (1 - coancestry)
            assert alpha == pytest.approx(exp[key], abs=1e-8), key

    def test_against_reference_twin(self) -> None:
        """F of the last 40 animals equals the plain recursion."""
        ref = ReferenceKinship(self.ped)
        F = studbook.inbreeding(self.ped)
        for i in range(len(self.ped) - 40, len(self.ped)):
            assert F[i] == pytest.approx(ref.inbreeding(i), abs=1e-12)


@pytest.mark.parametrize(
    "name",
    [
        "cuvier_gazelle_purgeR",
        "dama_gazelle_purgeR",
        "dorcas_gazelle_purgeR",
        "barbary_sheep_purgeR",
    ],
)
class TestEezaFounderStatistics:
    """Nfe (exact) and gene-drop Ng (stochastic) of the four EEZA studbooks' target groups."""

    def test_effective_number_of_founders(self, name: str) -> None:
        """Nfe = 1 / sum q_k^2 and the number of founders Nf in the target group."""
        ped, exp = load(name)
        rep = studbook.founder_representation(ped, target(ped))
        assert len(rep) == exp["founders_in_reference_Nf"]
        nfe = studbook.founder_equivalents(ped, target(ped))
        assert nfe == pytest.approx(exp["effective_number_of_founders_Nfe"], abs=1e-6)

    def test_gene_drop_ng(self, name: str) -> None:
        """The per-iteration allele-frequency FGE matches purgeR's Ng within 1.5 %."""
        ped, exp = load(name)
        res = studbook.gene_drop(ped, target(ped), iterations=5000, seed=1234)
        published = exp["founder_genome_equivalents_Ng_genedrop"]["value"]
        assert res.allele_fge == pytest.approx(published, rel=0.015)


class TestDarwinWedgwood(RealPedigree):
    """The Darwin/Wedgwood family (Berra et al. 2010; purgeR)."""

    NAME = "darwin_wedgwood_purgeR"

    def test_inbreeding(self) -> None:
        """F(William Erasmus Darwin) = 0.06298828; F(Louisa Frances Wedgwood) = 0.12548828."""
        F = dict(zip(self.ped.ids, studbook.inbreeding(self.ped).tolist(), strict=True))
        for animal, value in self.expected["inbreeding_F"].items():
            assert F[animal] == pytest.approx(value, abs=1e-8)
        assert F["Louisa Frances Wedgwdood"] == pytest.approx(0.12548828, abs=1e-8)


class TestMrode2005:
    """Mrode (2005) Examples 2.1 and 3.1: the whole relationship matrix A = 2 x kinship."""

    @pytest.mark.parametrize(
        ("name", "key"),
        [
            ("mrode2005_ex2_1", "numerator_relationship_matrix_A_order_1_to_6"),
            ("mrode2005_ex3_1", "numerator_relationship_matrix_A_order_1_to_8"),
        ],
    )
    def test_relationship_matrix(self, name: str, key: str) -> None:
        """2 x kinship_matrix equals the exact A."""
        ped, _ = load(name)
        expected = json.loads(pedigree_file("mrode2005_examples.expected.json").read_text())
        A = np.array(expected[f"{name}.csv"][key])
        ids = [str(k) for k in range(1, A.shape[0] + 1)]
        np.testing.assert_allclose(2 * studbook.kinship_matrix(ped, ids), A, atol=1e-12)
        np.testing.assert_allclose(studbook.inbreeding(ped), np.diag(A) - 1, atol=1e-12)


class TestPygmySlowLoris(RealPedigree):
    """The real AZA loris studbook loads and computes without special handling."""

    NAME = "pygmy_slow_loris_aza"

    def test_loads_and_computes(self) -> None:
        """355 animals; F, MK, GD, FGE, FE and % known of the living are finite and in range."""
        ped = self.ped
        assert len(ped) == 355
        F = studbook.inbreeding(ped)
        assert np.isfinite(F).all() and F.min() >= 0 and F.max() < 1
        mk = np.array(list(studbook.mean_kinship(ped).values()))
        assert mk.size == ped.living.sum() > 0
        assert np.isfinite(mk).all() and (mk > 0).all()
        gd = studbook.gene_diversity(ped)
        assert 0 < gd < 1
        assert studbook.founder_genome_equivalents(ped) > 1
        assert studbook.founder_equivalents(ped) > 1
        known = studbook.percent_known(ped)
        assert ((known >= 0) & (known <= 100)).all()

    def test_published_scale(self) -> None:
        """Mean F of the whole studbook is small, like the published 0.0048 of the 39 living."""
        assert studbook.inbreeding(self.ped).mean() < 0.02


class TestJapaneseMacaque(RealPedigree):
    """A 3,694-animal colony: F and a kinship block agree with the reference twin."""

    NAME = "japanese_macaque_nprc_example"

    def test_against_reference_twin(self) -> None:
        """F of 200 random animals and a 20 x 20 block match the plain recursion."""
        ped = self.ped
        ref = ReferenceKinship(ped)
        rng = np.random.default_rng(0)
        F = studbook.inbreeding(ped)
        for i in rng.choice(len(ped), 200, replace=False).tolist():
            assert F[i] == pytest.approx(ref.inbreeding(i), abs=1e-12)
        idx = rng.choice(len(ped), 20, replace=False).tolist()
        K = studbook.kinship_matrix(ped, [ped.ids[i] for i in idx])
        np.testing.assert_allclose(K, ref.matrix(idx), atol=1e-12)
