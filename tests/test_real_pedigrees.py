"""Real pedigrees from ../shared/data/pedigrees reproduce their published values."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from reference_kinship import ReferenceKinship
from testdata import PEDIGREES

import studbook
from studbook.kinship import mean_kinship_array
from studbook.pedigree import Pedigree

DATA = PEDIGREES
if not DATA.is_dir():  # pragma: no cover - the data sits beside the repository
    pytest.skip("shared pedigree data not present", allow_module_level=True)


def load(name: str) -> tuple[Pedigree, dict[str, Any]]:
    ped = studbook.read_pedigree(DATA / f"{name}.csv")
    expected_file = DATA / f"{name}.expected.json"
    expected = json.loads(expected_file.read_text()) if expected_file.exists() else {}
    return ped, expected


def target(ped: Pedigree) -> np.ndarray:
    return np.array([t == "1" for t in ped.attributes["target"]])


class TestLacy1989:
    """Lacy (1989) founder example: MK, GD, FGE, FE, kinships, gene-drop fg and retention."""

    PED, EXPECTED = load("lacy1989_founder_example")
    POP = ("C", "D", "F", "G")

    def test_mean_kinship(self) -> None:
        """MK of C, D, F, G = 0.25, 0.3125, 0.28125, 0.28125."""
        mk = studbook.mean_kinship(self.PED, self.POP)
        assert mk == pytest.approx({"C": 0.25, "D": 0.3125, "F": 0.28125, "G": 0.28125})

    def test_gd_and_fge(self) -> None:
        """GD = 23/32 and FGE = 16/9."""
        assert studbook.gene_diversity(self.PED, self.POP) == pytest.approx(23 / 32)
        assert studbook.founder_genome_equivalents(self.PED, self.POP) == pytest.approx(16 / 9)

    def test_founder_equivalents(self) -> None:
        """fe = 32/11 = 2.9090909 (published 2.91)."""
        fe = studbook.founder_equivalents(self.PED, self.POP)
        assert fe == pytest.approx(self.EXPECTED["founder_equivalents_fe"]["value"], abs=1e-9)

    def test_kinships(self) -> None:
        """The six kinship values of the nprcgenekeepr tests."""
        for key, value in self.EXPECTED["kinship"].items():
            if key == "note":
                continue
            a, b = key[2:-1].split(",")
            assert studbook.kinship(self.PED, a, b) == pytest.approx(value), key

    def test_gene_drop(self) -> None:
        """Gene-drop fg about 2.18 (5000 drops) and retention about 0.75 per founder."""
        res = studbook.gene_drop(self.PED, self.POP, iterations=5000, seed=1989)
        assert res.fge == pytest.approx(
            self.EXPECTED["founder_genome_equivalents_fg"]["published"], abs=0.05
        )
        assert res.retention.tolist() == pytest.approx([0.75, 0.75, 0.75], abs=0.03)


class TestCuvierGazelle:
    """purgeR values for Cuvier's gazelle (948 animals)."""

    PED, EXPECTED = load("cuvier_gazelle_purgeR")

    def test_inbreeding(self) -> None:
        """min, max, sum over all 948 and F of ids 943-948 (tolerance 1e-5)."""
        exp = self.EXPECTED["inbreeding_F"]
        F = studbook.inbreeding(self.PED)
        tol = exp["tolerance"]
        assert F.min() == pytest.approx(exp["min"], abs=tol)
        assert F.max() == pytest.approx(exp["max"], abs=tol)
        assert F.sum() == pytest.approx(exp["sum_over_all_948"], abs=1e-3)
        assert F[self.PED.index["948"]] == pytest.approx(exp["last_row_id_948"], abs=tol)
        for animal, value in exp["by_id"].items():
            assert F[self.PED.index[animal]] == pytest.approx(value, abs=tol), animal

    def test_hardy_weinberg_deviation(self) -> None:
        """alpha = (mean F - mean coancestry)/(1 - mean coancestry), all and target."""
        exp = self.EXPECTED["hardy_weinberg_deviation_alpha"]
        F = studbook.inbreeding(self.PED)
        for key, mask in (
            ("whole_pedigree", np.ones(len(self.PED), bool)),
            ("target", target(self.PED)),
        ):
            coancestry = mean_kinship_array(self.PED, mask)[mask].mean()
            alpha = (F[mask].mean() - coancestry) / (1 - coancestry)
            assert alpha == pytest.approx(exp[key], abs=1e-8), key

    def test_against_reference_twin(self) -> None:
        """F of the last 40 animals equals the plain recursion."""
        ref = ReferenceKinship(self.PED)
        F = studbook.inbreeding(self.PED)
        for i in range(len(self.PED) - 40, len(self.PED)):
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


class TestDarwinWedgwood:
    """The Darwin/Wedgwood family (Berra et al. 2010; purgeR)."""

    PED, EXPECTED = load("darwin_wedgwood_purgeR")

    def test_inbreeding(self) -> None:
        """F(William Erasmus Darwin) = 0.06298828; F(Louisa Frances Wedgwood) = 0.12548828."""
        F = dict(zip(self.PED.ids, studbook.inbreeding(self.PED).tolist(), strict=True))
        for animal, value in self.EXPECTED["inbreeding_F"].items():
            assert F[animal] == pytest.approx(value, abs=1e-8)
        assert F["Louisa Frances Wedgwdood"] == pytest.approx(0.12548828, abs=1e-8)


class TestMrode2005:
    """Mrode (2005) Examples 2.1 and 3.1: the whole relationship matrix A = 2 x kinship."""

    EXPECTED = json.loads((DATA / "mrode2005_examples.expected.json").read_text())

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
        A = np.array(self.EXPECTED[f"{name}.csv"][key])
        ids = [str(k) for k in range(1, A.shape[0] + 1)]
        np.testing.assert_allclose(2 * studbook.kinship_matrix(ped, ids), A, atol=1e-12)
        np.testing.assert_allclose(studbook.inbreeding(ped), np.diag(A) - 1, atol=1e-12)


class TestPygmySlowLoris:
    """The real AZA loris studbook loads and computes without special handling."""

    PED, EXPECTED = load("pygmy_slow_loris_aza")

    def test_loads_and_computes(self) -> None:
        """355 animals; F, MK, GD, FGE, FE and % known of the living are finite and in range."""
        ped = self.PED
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
        assert studbook.inbreeding(self.PED).mean() < 0.02


class TestJapaneseMacaque:
    """A 3,694-animal colony: F and a kinship block agree with the reference twin."""

    PED, _ = load("japanese_macaque_nprc_example")

    def test_against_reference_twin(self) -> None:
        """F of 200 random animals and a 20 x 20 block match the plain recursion."""
        ped = self.PED
        ref = ReferenceKinship(ped)
        rng = np.random.default_rng(0)
        F = studbook.inbreeding(ped)
        for i in rng.choice(len(ped), 200, replace=False).tolist():
            assert F[i] == pytest.approx(ref.inbreeding(i), abs=1e-12)
        idx = rng.choice(len(ped), 20, replace=False).tolist()
        K = studbook.kinship_matrix(ped, [ped.ids[i] for i in idx])
        np.testing.assert_allclose(K, ref.matrix(idx), atol=1e-12)
