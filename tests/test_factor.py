"""The factor-row kernel: its row store changes the speed, never a bit of the result."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from reference_kinship import ReferenceKinship, random_pedigree

import studbook
from studbook.factor import GAP, factor, full_sib_families
from studbook.inbreeding import Layout, layout
from studbook.pedigree import Pedigree
from studbook.synthetic import synthetic_studbook

FloatArray = npt.NDArray[np.float64]


def factor_of(ped: Pedigree, **sizes: int) -> tuple[tuple[FloatArray, FloatArray], Layout]:
    """F and D by position from :func:`factor` with the given store sizes, and the layout."""
    lay = layout(ped)
    return factor(lay.ptr, lay.parent, lay.weight, lay.side, **sizes), lay


@pytest.mark.parametrize("seed", range(12))
def test_tiny_chunks_and_scratch_give_identical_results(seed: int) -> None:
    """Chunks as small as allowed (the animals + 2) force new heads, evacuations and pooled
    chunks; no reserve forces the store to grow; a scratch of 2 entries forces the MULT path
    to grow. Same bits every time."""
    ped = random_pedigree(300 + seed, 150)
    (F, D), lay = factor_of(ped)
    ref = ReferenceKinship(ped)
    want = np.array([ref.inbreeding(i) for i in range(len(ped))])
    np.testing.assert_allclose(F[lay.position], want, rtol=0, atol=1e-13)
    for chunk, reserve in ((1, 48), (1, 0), (200, 0), (10**5, 0)):
        (F2, D2), _ = factor_of(ped, chunk=chunk, reserve=reserve, scratch=2)
        assert np.array_equal(F2, F) and np.array_equal(D2, D), (chunk, reserve)


def test_row_store_on_a_zoo_like_studbook(tmp_path: Path) -> None:
    """A 3,000-animal simulated studbook through the smallest chunks and no reserve: many
    chunk switches, evacuations and growths, the same F and D as with the defaults."""
    book = synthetic_studbook(3000, seed=4, mult_sire_rate=0.05)
    ped = studbook.read_pedigree(book.write_csv(tmp_path / "sim.csv"))
    (F, D), _ = factor_of(ped)
    (F2, D2), _ = factor_of(ped, chunk=1, reserve=0)
    assert np.array_equal(F2, F) and np.array_equal(D2, D)
    assert F.max() > 0.1


@pytest.mark.parametrize("seed", range(3))
def test_rows_wider_than_a_gap_code_give_identical_results(seed: int) -> None:
    """The same pedigree with 2^17 unrelated founders inserted after its 100th and its 200th
    animal (kept rows then span gaps wider than a 16-bit code, through filler entries): the
    same bits of F and D."""
    ped = random_pedigree(400 + seed, 300)
    (F, D), lay = factor_of(ped)
    n = len(ped)
    wide = np.arange(n) + 2 * GAP * ((np.arange(n) >= 100).astype(int) + (np.arange(n) >= 200))
    wide_links = np.zeros(wide[-1] + 1, np.int64)
    wide_links[wide] = np.diff(lay.ptr)
    wide_ptr = np.concatenate([[0], np.cumsum(wide_links)])
    F2, D2 = factor(wide_ptr, wide[lay.parent], lay.weight, lay.side, chunk=64, reserve=0)
    assert np.array_equal(F2[wide], F) and np.array_equal(D2[wide], D)
    assert F.max() > 0.2


def test_full_sib_families() -> None:
    """Full sibs of single parents share a family; MULT and one-parent animals are alone; a
    family's uses count the later families whose first member is a child of its members."""
    # positions: 0, 1 founders; 2, 3 full sibs (0 x 1); 4 child of 2 x 1; 5 child of 3 x 1
    # (same parents' families -> uses of family {2, 3} is 2); 6 has only a sire (3).
    ptr = np.array([0, 0, 0, 2, 4, 6, 8, 9])
    parent = np.array([0, 1, 0, 1, 2, 1, 3, 1, 3])
    side = np.array([0, 1, 0, 1, 0, 1, 0, 1, 0], np.int8)
    weight = np.ones(9)
    family, plain, uses = full_sib_families(ptr, parent, weight, side)
    assert family[2] == family[3]
    assert len({family[k] for k in (0, 1, 2, 4, 5, 6)}) == 6
    assert plain[family[2]] and plain[family[4]] and not plain[family[6]]
    assert uses[family[2]] == 3  # read by 4, 5 and 6
    assert uses[family[1]] == 3  # founder 1: read by {2, 3}, 4 and 5
    assert uses[family[4]] == 0
