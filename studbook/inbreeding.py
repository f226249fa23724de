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
``o``'s parents over their ancestors only, once per full-sib family. Here the rows are kept as
sparse rows of the Cholesky factor ``R = L D^(1/2)`` (``A = R R'``): the row of ``o`` is
``(R_sire + R_dam)/2`` plus ``sqrt(D_o)`` at ``o`` itself, so with parents-first positions it is
its family's merged row followed by one own entry, and ``a_sd = R_s . R_d`` is a merge of two
sorted lists. A family's row is kept only while offspring of its members are still to come.
The cost is the sum of the families' ancestor counts, never N^2. Kinship of one pair traces the
two animals' ancestors youngest first through per-generation lists (a parent is always in a
lower generation than its child).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from studbook.jit import compiled
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
    family : full-sib family of each position (same single sire and dam); every other animal
        is a family of its own.
    F, D : inbreeding and the Mendelian-sampling variance of each position.
    """

    order: IntArray
    position: IntArray
    ptr: IntArray
    parent: IntArray
    weight: FloatArray
    side: npt.NDArray[np.int8]
    generation: IntArray
    family: IntArray
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
    child = position[edges.child]
    by_child = np.lexsort((edges.role, child))
    child = child[by_child]
    parent = position[edges.parent[by_child]]
    weight = edges.weight[by_child]
    side = edges.role[by_child].astype(np.int8)
    ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(child, minlength=n), out=ptr[1:])
    generation = ped.generation[order].astype(np.int64)

    counts = np.diff(ptr)
    first = ptr[:-1]
    two = counts == 2
    plain_pos = np.flatnonzero(two)
    ok = (side[first[plain_pos]] == 0) & (side[first[plain_pos] + 1] == 1)
    ok &= (weight[first[plain_pos]] == 1.0) & (weight[first[plain_pos] + 1] == 1.0)
    plain_pos = plain_pos[ok]
    family = np.empty(n, np.int64)
    keys = parent[ptr[plain_pos]] * n + parent[ptr[plain_pos] + 1]
    uniq, inverse = np.unique(keys, return_inverse=True)
    family[plain_pos] = inverse
    others = np.ones(n, bool)
    others[plain_pos] = False
    other_pos = np.flatnonzero(others)
    family[other_pos] = uniq.size + np.arange(other_pos.size)
    n_families = uniq.size + other_pos.size
    is_plain = np.zeros(n_families, bool)
    is_plain[: uniq.size] = True
    # A family is read once by each later family computed from one of its members.
    representative = np.full(n_families, n, np.int64)
    np.minimum.at(representative, family, np.arange(n))
    rep_edges = np.zeros(n, bool)
    rep_edges[representative] = True
    edge_child = np.repeat(np.arange(n), counts)
    uses = np.bincount(family[parent[rep_edges[edge_child]]], minlength=n_families).astype(np.int64)
    F, D = _factor_kernel(ptr, parent, weight, side, family, is_plain, uses, 8 * n + 65536)
    return Layout(order, position, ptr, parent, weight, side, generation, family, F, D)


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


# ------------------------------------------------------------------ sparse factor rows
# F for everyone from sparse rows of R = L D^(1/2), the Cholesky factor of A = R R'.
# Row o of R is 0.5 (R_sire + R_dam) plus sqrt(D_o) at o itself, so with positions in
# parents-first order a row is its family's merged row followed by one own entry, and
# a_sd = R_s . R_d is a merge of two sorted lists: sequential memory, no per-ancestor
# random access. A family's row is kept only until its last offspring family is done.
@compiled
def _factor_kernel(
    ptr: IntArray,
    parent: IntArray,
    weight: FloatArray,
    side: npt.NDArray[np.int8],
    family: IntArray,
    plain: npt.NDArray[np.bool_],
    uses: IntArray,
    capacity: int,
) -> tuple[FloatArray, FloatArray]:  # pragma: no cover - compiled
    n = ptr.size - 1
    n_fam = uses.size
    F = np.zeros(n)
    D = np.ones(n)
    own = np.ones(n)
    fam_F = np.zeros(n_fam)
    fam_D = np.ones(n_fam)
    done = np.zeros(n_fam, np.bool_)
    start = np.zeros(n_fam, np.int64)
    length = np.zeros(n_fam, np.int64)
    live = np.zeros(n_fam, np.bool_)
    remaining = uses.copy()
    cap = capacity
    idx = np.empty(cap, np.int32)
    val = np.empty(cap)
    top = 0
    alloc = np.empty(n_fam, np.int64)
    n_alloc = 0
    acc = np.zeros((2, n))
    mark = np.zeros(n, np.bool_)
    touched = np.empty(n, np.int64)
    for i in range(n):
        f = family[i]
        if not done[f]:
            done[f] = True
            e0 = ptr[i]
            e1 = ptr[i + 1]
            if e0 == e1:
                pass
            elif plain[f]:
                s = parent[e0]
                d = parent[e0 + 1]
                lo = min(s, d)
                hi = max(s, d)
                store = remaining[f] > 0
                if store and top + length[family[lo]] + length[family[hi]] + 2 > cap:
                    top, n_alloc, idx, val, cap = _compact(
                        start, length, live, alloc, n_alloc, idx, val,
                        length[family[lo]] + length[family[hi]] + 2,
                    )  # fmt: skip
                dot, out = _merge_rows(
                    idx, val, start[family[lo]], length[family[lo]], start[family[hi]],
                    length[family[hi]], lo, own[lo], hi, own[hi], top if store else -1,
                )  # fmt: skip
                if store:
                    start[f] = top
                    length[f] = out - top
                    live[f] = True
                    alloc[n_alloc] = f
                    n_alloc += 1
                    top = out
                fam_F[f] = 0.5 * dot
                fam_D[f] = 0.5 - 0.25 * (F[s] + F[d])
            else:
                # Any other parentage (one unknown parent, MULT candidates): accumulate
                # sum_k w_k R_k per side in dense scratch, then sort the touched positions.
                n_touched = 0
                has = np.zeros(2, np.bool_)
                for e in range(e0, e1):
                    p = parent[e]
                    r = side[e]
                    w = weight[e]
                    has[r] = True
                    fp = family[p]
                    for q in range(start[fp], start[fp] + length[fp] + 1):
                        if q < start[fp] + length[fp]:
                            k = np.int64(idx[q])
                            v = val[q]
                        else:
                            k = p
                            v = own[p]
                        if not mark[k]:
                            mark[k] = True
                            touched[n_touched] = k
                            n_touched += 1
                        acc[r, k] += w * v
                keys = np.sort(touched[:n_touched])
                ss = 0.0
                dd = 0.0
                sd = 0.0
                store = remaining[f] > 0
                if store and top + n_touched > cap:
                    top, n_alloc, idx, val, cap = _compact(
                        start, length, live, alloc, n_alloc, idx, val, n_touched
                    )
                for t in range(n_touched):
                    k = keys[t]
                    x = acc[0, k]
                    y = acc[1, k]
                    ss += x * x
                    dd += y * y
                    sd += x * y
                    if store:
                        idx[top + t] = k
                        val[top + t] = 0.5 * (x + y)
                    acc[0, k] = 0.0
                    acc[1, k] = 0.0
                    mark[k] = False
                if store:
                    start[f] = top
                    length[f] = n_touched
                    live[f] = True
                    alloc[n_alloc] = f
                    n_alloc += 1
                    top += n_touched
                fam_F[f] = 0.5 * sd if has[0] and has[1] else 0.0
                fam_D[f] = 1.0 - 0.25 * (ss + dd)
            for e in range(e0, e1):
                g = family[parent[e]]
                remaining[g] -= 1
                if remaining[g] == 0:
                    live[g] = False
        F[i] = fam_F[f]
        D[i] = fam_D[f]
        own[i] = np.sqrt(fam_D[f])
    return F, D


@compiled
def _merge_rows(
    idx: npt.NDArray[np.int32],
    val: FloatArray,
    pa: int,
    la: int,
    pb: int,
    lb: int,
    lo: int,
    own_lo: float,
    hi: int,
    own_hi: float,
    out: int,
) -> tuple[float, int]:  # pragma: no cover - compiled
    """Dot product of the factor rows of parents ``lo < hi``; their child's row if ``out >= 0``.

    The row of parent ``p`` is its family's row (positions below ``p``) then ``own_p`` at ``p``,
    so only ``lo`` can appear in the other row (when ``lo`` is an ancestor of ``hi``) and
    ``hi`` comes last: the family rows merge without a test for the own entries. The merged
    row, written from ``out``, is ``(R_lo + R_hi)/2``. Products are summed in position order.
    """
    lb_lo = pb + np.searchsorted(idx[pb : pb + lb], lo)
    a = pa
    b = pb
    ea = pa + la
    dot = 0.0
    if out < 0:
        while a < ea and b < lb_lo:
            ka = idx[a]
            kb = idx[b]
            dot += val[a] * val[b] if ka == kb else 0.0
            a += ka <= kb
            b += kb <= ka
        if lb_lo < pb + lb and idx[lb_lo] == lo:
            dot += own_lo * val[lb_lo]
        return dot, out
    while a < ea and b < lb_lo:
        ka = idx[a]
        kb = idx[b]
        va = val[a]
        vb = val[b]
        take_a = ka <= kb
        take_b = kb <= ka
        idx[out] = min(ka, kb)
        # Selects, not branches: which list advances is unpredictable. Adding 0.0 is exact.
        dot += va * vb if take_a & take_b else 0.0
        val[out] = 0.5 * ((va if take_a else 0.0) + (vb if take_b else 0.0))
        out += 1
        a += take_a
        b += take_b
    while a < ea:
        idx[out] = idx[a]
        val[out] = 0.5 * val[a]
        out += 1
        a += 1
    while b < lb_lo:
        idx[out] = idx[b]
        val[out] = 0.5 * val[b]
        out += 1
        b += 1
    idx[out] = lo
    if b < pb + lb and idx[b] == lo:
        dot += own_lo * val[b]
        val[out] = 0.5 * (own_lo + val[b])
        b += 1
    else:
        val[out] = 0.5 * own_lo
    out += 1
    while b < pb + lb:
        idx[out] = idx[b]
        val[out] = 0.5 * val[b]
        out += 1
        b += 1
    idx[out] = hi
    val[out] = 0.5 * own_hi
    return dot, out + 1


@compiled
def _compact(
    start: IntArray,
    length: IntArray,
    live: npt.NDArray[np.bool_],
    alloc: IntArray,
    n_alloc: int,
    idx: npt.NDArray[np.int32],
    val: FloatArray,
    need: int,
) -> tuple[int, int, npt.NDArray[np.int32], FloatArray, int]:  # pragma: no cover - compiled
    """Move the live rows to the front of the arena (in allocation order); grow it if needed."""
    top = 0
    kept = 0
    for t in range(n_alloc):
        f = alloc[t]
        if not live[f]:
            continue
        s = start[f]
        for q in range(length[f]):
            idx[top + q] = idx[s + q]
            val[top + q] = val[s + q]
        start[f] = top
        top += length[f]
        alloc[kept] = f
        kept += 1
    cap = idx.size
    if top + need > cap // 2:
        cap = max(2 * cap, 2 * (top + need))
        grown_idx = np.empty(cap, np.int32)
        grown_val = np.empty(cap)
        grown_idx[:top] = idx[:top]
        grown_val[:top] = val[:top]
        idx = grown_idx
        val = grown_val
    return top, kept, idx, val, cap
