"""The kinship engine: F, pair kinship, kinship blocks, mean kinship, GD and FGE."""

from __future__ import annotations

import numpy as np
import pytest
from reference_kinship import ReferenceKinship, random_pedigree

import studbook
from studbook.colleau import a_times, relationship_columns
from studbook.csvformat import table_from_text
from studbook.errors import ImportValidationError, UnknownAnimalError
from studbook.inbreeding import layout
from studbook.kinship import EmptyPopulationError, kinship_block, mean_kinship_array
from studbook.pedigree import Pedigree
from studbook.synthetic import synthetic_studbook


def ped_of(text: str) -> Pedigree:
    return Pedigree.from_table(table_from_text(text, "test.csv"))


FAMILY = ped_of(
    "id,sire,dam,sex\n"
    "S,,,M\n"  # founders S, D, D2
    "D,,,F\n"
    "D2,WILD,WILD,F\n"
    "C1,S,D,M\n"  # C1, C2 full sibs
    "C2,S,D,F\n"
    "H,S,D2,F\n"  # H half sib of C1 (sire S)
    "I,C1,C2,F\n"  # offspring of full sibs
)


class TestHandWorkedValues:
    """Textbook values: full sibs, half sibs, parent-offspring, offspring of full sibs."""

    def test_full_sibs(self) -> None:
        """Full sibs share 1/4: (f_SS + f_DD) / 4 = (1/2 + 1/2) / 4."""
        assert studbook.kinship(FAMILY, "C1", "C2") == pytest.approx(0.25, abs=1e-15)

    def test_half_sibs(self) -> None:
        """Half sibs share 1/8: f_SS / 4."""
        assert studbook.kinship(FAMILY, "C1", "H") == pytest.approx(0.125, abs=1e-15)

    def test_parent_offspring(self) -> None:
        """Parent and offspring share 1/4: (f_SS + f_SD) / 2 = (1/2 + 0) / 2."""
        assert studbook.kinship(FAMILY, "S", "C1") == pytest.approx(0.25, abs=1e-15)
        assert studbook.kinship(FAMILY, "C1", "S") == pytest.approx(0.25, abs=1e-15)

    def test_offspring_of_full_sibs(self) -> None:
        """F of an offspring of full sibs is their kinship, 1/4; its self-kinship is 5/8."""
        F = dict(zip(FAMILY.ids, studbook.inbreeding(FAMILY).tolist(), strict=True))
        assert F["I"] == pytest.approx(0.25, abs=1e-15)
        assert all(F[a] == 0.0 for a in ("S", "D", "D2", "C1", "C2", "H"))
        assert studbook.kinship(FAMILY, "I", "I") == pytest.approx(0.625, abs=1e-15)

    def test_unrelated_founders_and_wild(self) -> None:
        """Founders are unrelated; WILD parents are unrelated founders too."""
        assert studbook.kinship(FAMILY, "S", "D") == 0.0
        assert studbook.kinship(FAMILY, "D2", "D") == 0.0
        assert studbook.kinship(FAMILY, "S", "S") == 0.5

    def test_unknown_parent_contributes_nothing(self) -> None:
        """An unknown dam is a distinct founder: F = 0 and only the sire's side is shared."""
        ped = ped_of("id,sire,dam,sex\nS,,,M\nD,,,F\nA,S,D,F\nB,S,UNK,M\nO,B,A,F\n")
        # f_AB = (f_SB + f_DB)/2 = (1/4 + 0)/2 = 1/8 = F_O
        assert studbook.kinship(ped, "A", "B") == pytest.approx(0.125)
        assert studbook.inbreeding(ped).tolist()[-1] == pytest.approx(0.125)

    def test_ids_are_text(self) -> None:
        """'7' and '0070' are animals named by their text; an int 7 means '7'."""
        ped = ped_of("id,sire,dam,sex\n7,,,M\n0070,,,F\nX,7,0070,M\n")
        assert studbook.kinship(ped, "7", "0070") == 0.0
        assert studbook.kinship(ped, "X", "0070") == studbook.kinship(ped, 7, "X") == 0.25


class TestMultParents:
    """MULT parents: the probability-weighted expectation, worked by hand."""

    # A, B, S2 founders; S1 = A x B. O has sire S1 (p = 0.75) or S2 (0.25) and dam B.
    PED = ped_of(
        "id,sire,dam,sex\nA,,,M\nB,,,F\nS2,,,M\nS1,A,B,M\nO,S1:0.75|S2:0.25,B,F\nP,S2,B,M\n"
    )

    def test_inbreeding(self) -> None:
        """F_O = 0.75 f(S1,B) + 0.25 f(S2,B) = 0.75 * 1/4 + 0 = 3/16."""
        F = dict(zip(self.PED.ids, studbook.inbreeding(self.PED).tolist(), strict=True))
        assert F["O"] == pytest.approx(3 / 16, abs=1e-15)

    def test_kinship_to_grandsire(self) -> None:
        """f(O,A) = (0.75 f(S1,A) + 0.25 f(S2,A) + f(B,A)) / 2 = (0.75 * 1/4) / 2 = 3/32."""
        assert studbook.kinship(self.PED, "O", "A") == pytest.approx(3 / 32, abs=1e-15)

    def test_self_kinship(self) -> None:
        """f(O,O) = (1 + 3/16) / 2 = 19/32."""
        assert studbook.kinship(self.PED, "O", "O") == pytest.approx(19 / 32, abs=1e-15)

    def test_kinship_to_possible_half_sib(self) -> None:
        """f(O,P) = (0.75 f(S1,P) + 0.25 f(S2,P) + f(B,P)) / 2; f(S1,P) = f(B,P)... by hand:
        f(S1,P) = (f(A,P) + f(B,P))/2 = (0 + 1/4)/2 = 1/8, f(S2,P) = 1/4, f(B,P) = 1/4, so
        f(O,P) = (0.75/8 + 0.25/4 + 1/4) / 2 = 13/64."""
        assert studbook.kinship(self.PED, "O", "P") == pytest.approx(13 / 64, abs=1e-15)

    def test_both_parents_mult(self) -> None:
        """Both MULT: F = sum_k sum_l p_k q_l f_kl. Sires S1|S2 (1/2 each), dams B|C with C a
        full sib of S1 (1/2 each): F = (f(S1,B) + f(S1,C) + f(S2,B) + f(S2,C)) / 4
        = (1/4 + 1/4 + 0 + 0) / 4 = 1/8."""
        ped = ped_of("id,sire,dam,sex\nA,,,M\nB,,,F\nS2,,,M\nS1,A,B,M\nC,A,B,F\nO,S1|S2,B|C,F\n")
        assert studbook.inbreeding(ped)[-1] == pytest.approx(1 / 8, abs=1e-15)


class TestAgainstReferenceTwin:
    """Every fast path equals the plain recursive definition on random pedigrees."""

    @pytest.mark.parametrize("seed", range(25))
    def test_inbreeding_and_full_matrix(self, seed: int) -> None:
        """F for all and the full kinship matrix (unknown, WILD, MULT, loops, shuffled rows)."""
        ped = random_pedigree(seed, 45)
        ref = ReferenceKinship(ped)
        F = studbook.inbreeding(ped)
        want_F = [ref.inbreeding(i) for i in range(len(ped))]
        np.testing.assert_allclose(F, want_F, rtol=0, atol=1e-13)
        K = studbook.kinship_matrix(ped, list(ped.ids))
        np.testing.assert_allclose(K, ref.matrix(list(range(len(ped)))), atol=1e-13)
        assert F.max() > 0.0  # the random pedigrees really are inbred

    @pytest.mark.parametrize("seed", range(10))
    def test_pairs_blocks_and_mean_kinship(self, seed: int) -> None:
        """Pair kinship, a rectangular block in a given order and MK over random populations."""
        ped = random_pedigree(100 + seed, 60)
        ref = ReferenceKinship(ped)
        rng = np.random.default_rng(seed)
        for i, j in rng.integers(0, len(ped), (30, 2)).tolist():
            got = studbook.kinship(ped, ped.ids[i], ped.ids[j])
            assert got == pytest.approx(ref.kinship(i, j), abs=1e-13)
        rows = rng.choice(len(ped), 7, replace=False).tolist()
        cols = rng.choice(len(ped), 5, replace=False).tolist()
        block = kinship_block(ped, [ped.ids[r] for r in rows], [ped.ids[c] for c in cols])
        want = [[ref.kinship(r, c) for c in cols] for r in rows]
        np.testing.assert_allclose(block, want, atol=1e-13)
        pop = sorted(rng.choice(len(ped), 20, replace=False).tolist())
        mk = studbook.mean_kinship(ped, [ped.ids[k] for k in pop])
        want_mk = ref.mean_kinship(pop)
        assert list(mk) == list(want_mk)
        assert list(mk.values()) == pytest.approx(list(want_mk.values()), abs=1e-13)
        gd = 1 - np.mean(list(want_mk.values()))
        assert studbook.gene_diversity(ped, [ped.ids[k] for k in pop]) == pytest.approx(gd)
        fge = studbook.founder_genome_equivalents(ped, [ped.ids[k] for k in pop])
        assert fge == pytest.approx(1 / (2 * (1 - gd)))

    @pytest.mark.parametrize("chunk_cells", [1, 50, 700])
    def test_block_in_parallel_column_chunks(self, chunk_cells: int) -> None:
        """Small work matrices split a block into many chunks done in parallel: same block."""
        ped = random_pedigree(77, 80)
        ref = ReferenceKinship(ped)
        lay = layout(ped)
        rows, cols = np.arange(0, 80, 3), np.arange(1, 80, 2)
        got = 0.5 * relationship_columns(lay, lay.position[rows], lay.position[cols], chunk_cells)
        want = [[ref.kinship(r, c) for c in cols.tolist()] for r in rows.tolist()]
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-13)

    def test_synthetic_studbook(self) -> None:
        """A zoo-like synthetic studbook with MULT sires, shuffled rows: F and MK of the living."""
        book = synthetic_studbook(400, seed=5, mult_sire_rate=0.05, shuffle=True)
        ped = Pedigree.from_cells(book.ids, book.sire, book.dam, book.sex, alive=list(book.alive))
        ref = ReferenceKinship(ped)
        F = studbook.inbreeding(ped)
        want_F = [ref.inbreeding(i) for i in range(len(ped))]
        np.testing.assert_allclose(F, want_F, rtol=0, atol=1e-13)
        living = np.flatnonzero(ped.living).tolist()
        mk = studbook.mean_kinship(ped)
        assert list(mk.values()) == pytest.approx(
            list(ref.mean_kinship(living).values()), abs=1e-13
        )


class TestMatrixForm:
    """A = T D T' in matrix form equals the textbook numerator relationship matrix."""

    def test_mrode_example_2_1(self) -> None:
        """Mrode (2005) Example 2.1: 2 x kinship_matrix is the printed A (F5 = F6 = 1/8)."""
        ped = ped_of("id,sire,dam,sex\n1,,,M\n2,,,F\n3,1,2,F\n4,1,,M\n5,4,3,M\n6,5,2,\n")
        A = 2 * studbook.kinship_matrix(ped, ["1", "2", "3", "4", "5", "6"])
        assert A[4, 4] == pytest.approx(1.125)
        assert A[5, 5] == pytest.approx(1.125)
        assert A[1, 5] == pytest.approx(0.625)
        assert A[2, 5] == pytest.approx(0.5625)

    def test_a_times_matches_the_matrix(self) -> None:
        """One Colleau product equals the dense matrix times a vector."""
        ped = random_pedigree(7, 50)
        x = np.random.default_rng(1).normal(size=len(ped))
        A = 2 * studbook.kinship_matrix(ped, list(ped.ids))
        np.testing.assert_allclose(a_times(ped, x), A @ x, atol=1e-12)

    def test_order_given_is_kept(self) -> None:
        """kinship_matrix returns rows and columns in the order asked for, duplicates too."""
        K = studbook.kinship_matrix(FAMILY, ["I", "S", "I"])
        assert K[0, 1] == pytest.approx(studbook.kinship(FAMILY, "I", "S"))
        assert K[0, 2] == K[0, 0] == pytest.approx(0.625)


class TestMeanKinship:
    """MK over the living by default; GD and FGE follow from it."""

    def test_default_population_is_the_living(self) -> None:
        """With an alive column only living animals are in the reference population."""
        ped = ped_of("id,sire,dam,sex,alive\nS,,,M,0\nD,,,F,0\nC1,S,D,M,1\nC2,S,D,F,1\nX,,,M,1\n")
        mk = studbook.mean_kinship(ped)
        assert set(mk) == {"C1", "C2", "X"}
        assert mk["C1"] == pytest.approx((0.5 + 0.25 + 0) / 3)
        assert mk["X"] == pytest.approx(0.5 / 3)
        gd = studbook.gene_diversity(ped)
        assert gd == pytest.approx(1 - (0.75 + 0.75 + 0.5) / 9)
        assert studbook.founder_genome_equivalents(ped) == pytest.approx(1 / (2 * (1 - gd)))

    def test_mean_kinship_of_non_members(self) -> None:
        """mean_kinship_array gives everyone's MK to the population (a dead sire's too)."""
        ped = ped_of("id,sire,dam,sex,alive\nS,,,M,0\nD,,,F,0\nC1,S,D,M,1\nC2,S,D,F,1\n")
        mk = mean_kinship_array(ped)
        assert mk[0] == pytest.approx(0.25)  # (f_S,C1 + f_S,C2) / 2

    def test_empty_population(self) -> None:
        """Nobody living: a clear error, not a division by zero."""
        ped = ped_of("id,sire,dam,sex,alive\nS,,,M,0\n")
        with pytest.raises(EmptyPopulationError, match="empty"):
            studbook.gene_diversity(ped)


class TestBadInput:
    """Bad input raises a StudbookError naming the animals."""

    def test_unknown_ids(self) -> None:
        """Ids not in the pedigree are named."""
        with pytest.raises(UnknownAnimalError, match="'nobody'"):
            studbook.kinship(FAMILY, "S", "nobody")
        with pytest.raises(UnknownAnimalError, match="'x1', 'x2'"):
            studbook.kinship_matrix(FAMILY, ["S", "x1", "x2"])
        with pytest.raises(UnknownAnimalError, match="'ghost'"):
            studbook.mean_kinship(FAMILY, ["S", "ghost"])

    def test_loop(self) -> None:
        """A loop (A is its own grandparent) names the animals in it and their lines."""
        with pytest.raises(ImportValidationError, match=r"'A' \(line 2\) has sire 'B', 'B' "):
            ped_of("id,sire,dam,sex\nA,B,,M\nB,A,,M\n")

    def test_own_parent(self) -> None:
        """An animal listed as its own parent is a loop naming it."""
        with pytest.raises(ImportValidationError, match=r"'Z' \(line 2\) has sire 'Z'"):
            ped_of("id,sire,dam,sex\nZ,Z,,M\n")

    def test_mult_probabilities(self) -> None:
        """MULT probabilities that do not sum to 1 name the line and the field."""
        with pytest.raises(ImportValidationError, match="csv:4: error: field 'sire': MULT prob"):
            ped_of("id,sire,dam,sex\nA,,,M\nB,,,M\nO,A:0.5|B:0.4,,F\n")
