"""Kinship, mean kinship, gene diversity and founder genome equivalents.

Kinship ``f_ij`` is the probability that two alleles drawn at random, one from ``i`` and one
from ``j``, are identical by descent (a probability, 0 to 1; the *relationship* used by
animal breeders is ``a_ij = 2 f_ij``). It follows the recursion

- ``f_ii = (1 + F_i) / 2``;
- ``f_ij = (f_sj + f_dj) / 2`` for ``j`` not a descendant of ``i``, with ``s`` and ``d`` the
  parents of ``i``; an unknown or wild parent is a distinct unrelated founder (contributes 0);
- MULT parents (one of several candidates ``k`` with probability ``p_k``) enter as the
  probability-weighted expectation: ``f_oj = (sum_k p_k f_kj + f_dj) / 2``.

Mean kinship over a reference population ``P`` of ``N`` animals (by default the living):
``MK_i = (1/N) sum_{j in P} f_ij``, **including** ``j = i``. Gene diversity
``GD = 1 - mean_i MK_i`` and founder genome equivalents ``FGE = 1 / (2 (1 - GD))``.

Nothing here builds an N x N matrix: F comes from :mod:`studbook.inbreeding`, mean kinship of a
whole population from one product ``A x`` (:mod:`studbook.colleau`), and blocks of kinships
from the indirect method on the animals' ancestors only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from studbook.colleau import a_times, relationship_columns
from studbook.errors import StudbookError
from studbook.ids import AnimalId
from studbook.inbreeding import inbreeding, layout, pair_kinship
from studbook.pedigree import Pedigree, Population

__all__ = [
    "EmptyPopulationError",
    "founder_genome_equivalents",
    "gene_diversity",
    "inbreeding",
    "kinship",
    "kinship_block",
    "kinship_matrix",
    "mean_kinship",
    "mean_kinship_array",
]

FloatArray = npt.NDArray[np.float64]


class EmptyPopulationError(StudbookError):
    """A population statistic was asked for an empty reference population."""


def kinship(ped: Pedigree, a: AnimalId, b: AnimalId) -> float:
    """Kinship ``f_ab`` of two animals (see the module docstring; ``f_aa = (1 + F_a) / 2``).

    Traces only the two animals' ancestors: ``f_ab = (1/2) sum_k L_ak L_bk D_k``.
    Raises :class:`~studbook.errors.UnknownAnimalError` for an id not in the pedigree.

    Examples
    --------
    >>> from studbook.csvformat import table_from_text
    >>> ped = Pedigree.from_table(table_from_text(
    ...     "id,sire,dam,sex\\nA,,,M\\nB,,,F\\nC,A,B,M\\nD,A,B,F\\n", "demo.csv"))
    >>> kinship(ped, "C", "D"), kinship(ped, "A", "C"), kinship(ped, "A", "A")
    (0.25, 0.25, 0.5)
    """
    i, j = ped.indices([a, b]).tolist()
    return pair_kinship(ped, i, j)


def kinship_block(ped: Pedigree, rows: Sequence[AnimalId], cols: Sequence[AnimalId]) -> FloatArray:
    """Kinships ``f_ij`` for ``i`` in ``rows`` and ``j`` in ``cols`` (e.g. males x females).

    Colleau's indirect method, ``A e_j = T D T' e_j`` for every column at once, on the
    ancestors of the animals involved; O(ancestors x columns) time, no N x N matrix.

    Examples
    --------
    >>> from studbook.csvformat import table_from_text
    >>> ped = Pedigree.from_table(table_from_text(
    ...     "id,sire,dam,sex\\nA,,,M\\nB,,,F\\nC,A,B,M\\nD,A,,F\\n", "demo.csv"))
    >>> kinship_block(ped, ["C"], ["D", "B"]).tolist()
    [[0.125, 0.25]]
    """
    lay = layout(ped)
    r = lay.position[ped.indices(rows)]
    c = lay.position[ped.indices(cols)]
    if r.size == 0 or c.size == 0:
        return np.zeros((r.size, c.size))
    return 0.5 * relationship_columns(lay, r, c)


def kinship_matrix(ped: Pedigree, ids: Sequence[AnimalId]) -> FloatArray:
    """The ``len(ids) x len(ids)`` kinship matrix of ``ids``, in the order given.

    ``K[i, j] = f_ij`` and ``K[i, i] = (1 + F_i) / 2``. Computed by the indirect method on the
    animals' ancestors only (see :func:`kinship_block`); the result is exactly symmetric.

    Examples
    --------
    >>> from studbook.csvformat import table_from_text
    >>> ped = Pedigree.from_table(table_from_text(
    ...     "id,sire,dam,sex\\nA,,,M\\nB,,,F\\nC,A,B,M\\n", "demo.csv"))
    >>> kinship_matrix(ped, ["C", "A"]).tolist()
    [[0.5, 0.25], [0.25, 0.5]]
    """
    K = kinship_block(ped, ids, ids)
    return 0.5 * (K + K.T)


def mean_kinship_array(ped: Pedigree, population: Population = None) -> FloatArray:
    """``MK_i`` for every animal (aligned with ``ped.ids``) over the reference population.

    ``MK_i = (1/N) sum_{j in P} f_ij`` including ``j = i``; animals outside the population get
    their mean kinship *to* it. One Colleau product: ``MK = A x / (2 N)``, ``x`` = indicator of
    the population; O(N). Raises :class:`EmptyPopulationError` for an empty population.
    """
    mask = ped.population_mask(population)
    n_pop = int(mask.sum())
    if n_pop == 0:
        raise EmptyPopulationError("the reference population is empty (nobody is living?)")
    return a_times(ped, mask.astype(np.float64)) / (2.0 * n_pop)


def mean_kinship(ped: Pedigree, population: Population = None) -> dict[str, float]:
    """Mean kinship ``MK_i = (1/N) sum_{j in P} f_ij`` (including ``j = i``) of each member.

    ``population`` is ``None`` (the living, :attr:`Pedigree.living`), a list of ids or a boolean
    mask. Returns ``{id: MK}`` for the members of the population, in pedigree order.

    Examples
    --------
    >>> from studbook.csvformat import table_from_text
    >>> ped = Pedigree.from_table(table_from_text(
    ...     "id,sire,dam,sex\\nA,,,M\\nB,,,F\\nC,A,B,M\\nD,A,B,F\\n", "demo.csv"))
    >>> mean_kinship(ped, ["C", "D"])  # (f_CC + f_CD) / 2 = (1/2 + 1/4) / 2
    {'C': 0.375, 'D': 0.375}
    """
    mask = ped.population_mask(population)
    mk = mean_kinship_array(ped, mask)
    members = np.flatnonzero(mask)
    return dict(zip([ped.ids[k] for k in members.tolist()], mk[members].tolist(), strict=True))


def gene_diversity(ped: Pedigree, population: Population = None) -> float:
    """Gene diversity ``GD = 1 - mean_{i in P} MK_i`` of the reference population.

    The expected heterozygosity relative to the founders (a proportion, 0 to 1).

    Examples
    --------
    >>> from studbook.csvformat import table_from_text
    >>> ped = Pedigree.from_table(table_from_text(
    ...     "id,sire,dam,sex\\nA,,,M\\nB,,,F\\nC,A,B,M\\nD,A,B,F\\n", "demo.csv"))
    >>> gene_diversity(ped, ["C", "D"])
    0.625
    """
    mask = ped.population_mask(population)
    mk = mean_kinship_array(ped, mask)
    return float(1.0 - mk[mask].mean())


def founder_genome_equivalents(ped: Pedigree, population: Population = None) -> float:
    """Founder genome equivalents ``FGE = 1 / (2 (1 - GD)) = 1 / (2 mean MK)``.

    The number of equally represented founders without loss of alleles that would give the
    population's gene diversity (animals, not a proportion).

    Examples
    --------
    >>> from studbook.csvformat import table_from_text
    >>> ped = Pedigree.from_table(table_from_text(
    ...     "id,sire,dam,sex\\nA,,,M\\nB,,,F\\nC,A,B,M\\nD,A,B,F\\n", "demo.csv"))
    >>> founder_genome_equivalents(ped, ["C", "D"])
    1.3333333333333333
    """
    return 1.0 / (2.0 * (1.0 - gene_diversity(ped, population)))
