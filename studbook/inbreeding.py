"""Inbreeding coefficients of every animal and kinship of single pairs, from ancestors only.

The engine works on a *layout* of the pedigree: animals renumbered parents-first ("positions")
with every parent link, MULT candidates included, stored as compressed rows. In matrix form,
with ``a = 2 f`` (the additive relationship) and ``P[o, k] = p_k / 2`` for each possible parent
``k`` of ``o`` with probability ``p_k``::

    A = (I - P)^-1 D (I - P)^-T = L D L'

where ``D_o = 1 - (1/4) (sum_kl p_k p_l a_kl over the sire candidates + the same over the dam
candidates)``, which is ``1/2 - (F_s + F_d)/4`` for two single parents, ``3/4 - F_s/4`` for one
known parent and 1 for a founder. Row ``o`` of ``L`` holds the expected share of each ancestor's
genes in ``o``, so ``a_ij = sum_k L_ik L_jk D_k`` over the common ancestors ``k``.

F for everyone follows Meuwissen & Luo (1992): ``F_o`` comes from the rows of ``L`` of
``o``'s parents over their ancestors only, once per full-sib family, kept as sparse rows of the
Cholesky factor ``R = L D^(1/2)`` (:mod:`studbook.factor`). Kinship of one pair traces the two
animals' ancestors youngest first through per-generation lists (a parent is always in a lower
generation than its child).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from studbook.factor import factor
from studbook.jit import compiled, interpretable
from studbook.pedigree import Pedigree

__all__ = ["Layout", "inbreeding", "layout"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Layout:
    """The pedigree renumbered parents-first, ready for the compiled kernels.

    Attributes
    ----------
    order : position -> animal index (``ped.ids`` order).
    position : animal index -> position.
    ptr, parent, weight, side : compressed parent rows: the links of position ``i`` are
        ``ptr[i]:ptr[i + 1]``, to ``parent`` (a position) with probability ``weight`` on
        ``side`` 0 (sire) or 1 (dam).
    generation : generation of each position (0 for animals without parents).
    F, D : inbreeding and the Mendelian-sampling variance of each position.
    """

    order: IntArray
    position: IntArray
    ptr: IntArray
    parent: IntArray
    weight: FloatArray
    side: npt.NDArray[np.int8]
    generation: IntArray
    F: FloatArray
    D: FloatArray

    def __len__(self) -> int:
        return int(self.order.size)


_LAYOUTS: weakref.WeakKeyDictionary[Pedigree, Layout] = weakref.WeakKeyDictionary()


def layout(ped: Pedigree) -> Layout:
    """The (cached) :class:`Layout` of ``ped``, with F and D of every animal.

    A :class:`~studbook.pedigree.Pedigree` is immutable, so the result is cached per object.
    """
    cached = _LAYOUTS.get(ped)
    if cached is None:
        cached = _build_layout(ped)
        _LAYOUTS[ped] = cached
    return cached


def _build_layout(ped: Pedigree) -> Layout:
    n = len(ped)
    order = _parents_first(ped)
    position = np.empty(n, np.int64)
    position[order] = np.arange(n, dtype=np.int64)
    edges = ped.parent_edges
    ptr, parent, weight, side = _links_by_child(
        position, edges.child, edges.parent, edges.weight, edges.role
    )
    generation = ped.generation[order].astype(np.int64)

    F, D = factor(ptr, parent, weight, side)
    return Layout(order, position, ptr, parent, weight, side, generation, F, D)


@interpretable
@compiled
def _links_by_child(
    position: IntArray,
    child: IntArray,
    parent: IntArray,
    weight: FloatArray,
    role: npt.NDArray[np.int8],
) -> tuple[IntArray, IntArray, FloatArray, npt.NDArray[np.int8]]:  # pragma: no cover - compiled
    """The parent links as compressed rows by child position, sires before dams, each side in
    input order (a counting sort: O(links))."""
    n = position.size
    ptr = np.zeros(n + 1, np.int64)
    for e in range(child.size):
        ptr[position[child[e]] + 1] += 1
    for i in range(n):
        ptr[i + 1] += ptr[i]
    fill = ptr[:-1].copy()
    out_parent = np.empty(child.size, np.int64)
    out_weight = np.empty(child.size)
    out_side = np.empty(child.size, np.int8)
    for side in range(2):
        for e in range(child.size):
            if role[e] == side:
                c = position[child[e]]
                k = fill[c]
                fill[c] += 1
                out_parent[k] = position[parent[e]]
                out_weight[k] = weight[e]
                out_side[k] = side
    return ptr, out_parent, out_weight, out_side


def _parents_first(ped: Pedigree) -> IntArray:
    """The input order when parents already come first (usually birth order, which keeps
    few rows alive in the factor kernel), else generation order."""
    edges = ped.parent_edges
    if bool(np.all(edges.parent < edges.child)):
        return np.arange(len(ped), dtype=np.int64)
    return ped.order.astype(np.int64)


def inbreeding(ped: Pedigree) -> FloatArray:
    """Inbreeding coefficient F of every animal, aligned with ``ped.ids``.

    ``F_o = f_sd``, the kinship of the parents: the probability that the two alleles at a
    locus of ``o`` are identical by descent (a probability, 0 to 1). An unknown or wild
    parent is a distinct unrelated founder, so ``F = 0`` when a parent is unknown. With MULT
    parents ``F_o = sum_k sum_l p_k q_l f_kl`` over the sire candidates ``k`` (probabilities
    ``p_k``) and the dam candidates ``l`` (``q_l``); a single parent has ``p = 1``.

    Computed for all animals at once with Meuwissen & Luo's ancestor tracing (see the module
    docstring); the cost is the sum of the full-sib families' ancestor counts.

    Examples
    --------
    >>> from studbook.csvformat import table_from_text
    >>> ped = Pedigree.from_table(table_from_text(
    ...     "id,sire,dam,sex\\nA,,,M\\nB,,,F\\nC,A,B,M\\nD,A,B,F\\nE,C,D,F\\n", "demo.csv"))
    >>> inbreeding(ped).tolist()
    [0.0, 0.0, 0.0, 0.0, 0.25]
    """
    lay = layout(ped)
    return lay.F[lay.position]


# ----------------------------------------------------------------------------- kernels

# Per-animal records are packed so that visiting an ancestor touches two cache lines, not ten:
# NODE[i] = (sire position, dam position, generation, has MULT links) for the static pedigree and
# WORK[i] = (coefficient a, coefficient b, D_i, next in its generation's list) for the tracing.
# In WORK[:, 3], -2 marks an animal not queued and -1 the end of a list (integers < 2**53 are
# exact in float64).
_NOT_QUEUED = -2.0


@compiled
def _push(j: int, node: IntArray, work: FloatArray, head: IntArray) -> int:  # pragma: no cover
    g = node[j, 2]
    work[j, 3] = head[g]
    head[g] = j
    return int(g)


@compiled
def _trace(
    seeds: IntArray,
    weight_a: FloatArray,
    weight_b: FloatArray,
    node: IntArray,
    work: FloatArray,
    ptr: IntArray,
    parent: IntArray,
    weight: FloatArray,
    head: IntArray,
) -> tuple[float, float, float]:  # pragma: no cover - compiled
    """Quadratic forms of two combinations of L rows: (a'Da, a'Db, b'Db).

    ``a = sum_s weight_a[s] L[seeds[s]]`` and likewise ``b``. Ancestors are visited in
    decreasing generation from per-generation linked lists; the work columns are left reset.
    """
    top = -1
    for k in range(seeds.size):
        j = seeds[k]
        if work[j, 3] == _NOT_QUEUED:
            g = _push(j, node, work, head)
            if g > top:
                top = g
        work[j, 0] += weight_a[k]
        work[j, 1] += weight_b[k]
    aa = 0.0
    ab = 0.0
    bb = 0.0
    for g in range(top, -1, -1):
        j = head[g]
        head[g] = -1
        while j != -1:
            a = work[j, 0]
            b = work[j, 1]
            dj = work[j, 2]
            following = int(work[j, 3])
            aa += a * a * dj
            ab += a * b * dj
            bb += b * b * dj
            ha = 0.5 * a
            hb = 0.5 * b
            if node[j, 3] == 0:
                for c in range(2):
                    p = node[j, c]
                    if p >= 0:
                        work[p, 0] += ha
                        work[p, 1] += hb
                        if work[p, 3] == _NOT_QUEUED:
                            _push(p, node, work, head)
            else:
                for e in range(ptr[j], ptr[j + 1]):
                    p = parent[e]
                    work[p, 0] += ha * weight[e]
                    work[p, 1] += hb * weight[e]
                    if work[p, 3] == _NOT_QUEUED:
                        _push(p, node, work, head)
            work[j, 0] = 0.0
            work[j, 1] = 0.0
            work[j, 3] = _NOT_QUEUED
            j = following
    return aa, ab, bb


@compiled
def _node_table(
    ptr: IntArray,
    parent: IntArray,
    weight: FloatArray,
    side: npt.NDArray[np.int8],
    generation: IntArray,
) -> IntArray:  # pragma: no cover - compiled
    n = ptr.size - 1
    node = np.full((n, 4), -1, np.int64)
    for i in range(n):
        node[i, 2] = generation[i]
        node[i, 3] = 0
        for e in range(ptr[i], ptr[i + 1]):
            if weight[e] != 1.0:
                node[i, 3] = 1
            else:
                node[i, side[e]] = parent[e]
    return node


@compiled
def _work_table(D: FloatArray) -> FloatArray:  # pragma: no cover - compiled
    work = np.zeros((D.size, 4))
    for i in range(D.size):
        work[i, 2] = D[i]
        work[i, 3] = _NOT_QUEUED
    return work


@compiled
def _pair_kinship(
    i: int,
    j: int,
    ptr: IntArray,
    parent: IntArray,
    weight: FloatArray,
    side: npt.NDArray[np.int8],
    generation: IntArray,
    D: FloatArray,
) -> float:  # pragma: no cover - compiled
    """Kinship of positions ``i`` and ``j``: ``a_ij / 2 = sum_k L_ik L_jk D_k / 2``."""
    node = _node_table(ptr, parent, weight, side, generation)
    head = np.full(generation.max() + 1, -1, np.int64)
    _, ab, _ = _trace(
        np.array([i, j]),
        np.array([1.0, 0.0]),
        np.array([0.0, 1.0]),
        node,
        _work_table(D),
        ptr,
        parent,
        weight,
        head,
    )
    return float(0.5 * ab)


def pair_kinship(ped: Pedigree, i: int, j: int) -> float:
    """Kinship of the animals at indices ``i`` and ``j`` (``ped.ids`` order); see ``kinship``."""
    lay = layout(ped)
    p, q = int(lay.position[i]), int(lay.position[j])
    if p == q:
        return 0.5 * (1.0 + float(lay.F[p]))
    return float(
        _pair_kinship(p, q, lay.ptr, lay.parent, lay.weight, lay.side, lay.generation, lay.D)
    )
