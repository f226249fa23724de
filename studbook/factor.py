"""Inbreeding F and Mendelian-sampling variance D of every animal, from sparse factor rows.

With animals numbered parents-first ("positions"), the additive relationship matrix
``A = 2 (f_ij)`` factors as ``A = R R'`` with ``R = L D^(1/2)`` (``L`` the gene-flow matrix, see
:mod:`studbook.inbreeding`). Row ``o`` of ``R`` is::

    R_o = (x + y) / 2 + sqrt(D_o) e_o,   x = sum_k p_k R_k,   y = sum_l q_l R_l

over the possible sires ``k`` (probabilities ``p_k``) and dams ``l`` (``q_l``); a single known
parent has ``p = 1`` and an unknown one contributes nothing. Then::

    F_o = f_sd = (x . y) / 2              (0 when a parent is unknown)
    D_o = 1 - (x . x + y . y) / 4         (= 1/2 - (F_s + F_d)/4 for two single parents)

Rows are sorted sparse vectors (position, value) and a row holds only positions below its own,
so each product is a merge of sorted lists: sequential memory, no per-ancestor random access.
A kept row stores each position as a 16-bit *gap code*, ``code_j = pos_j - pos_(j-1) - 1``
(``pos_(-1) = -1``), beside its float64 value: 10 bytes an entry instead of 12. A wider gap
goes through zero-valued *filler* entries at multiples of :data:`GAP`; fillers sit at the same
positions in every row, so a row holds at most ``N / GAP + 1`` of them, and a zero adds nothing
to a product or a merge (results are the same bits as with plain positions).
Full sibs share one row (the *family row*; each sib only adds its own entry), and only the rows
of families whose members have offspring still to come are kept, in a row store
(:mod:`studbook.rowstore`, the memory management) until their last reading. A family without
offspring (a *leaf*) needs only ``F``; leaves wait in batches that run on all cores. The cost
is the sum of the families' ancestor counts, never N^2 (Meuwissen & Luo 1992, organised as a
sparse Cholesky factor).

The kernels take their arrays in groups (tuples), one group per role: the parent ``links``
``(ptr, parent, weight, side)``, the ``families`` ``(family, plain, remaining)``, the results
``out`` ``(own, F, D, done)``, the row ``store``, the leaf ``batch`` ``(leaves, waiting)``
and the ``scratch`` lists ``(idx, val, codes)``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from studbook.jit import compiled, inlined, interpretable, parallel, prange
from studbook.rowstore import (
    CHUNK_SIZE,
    LENGTH,
    NO_ROOM,
    START,
    TOO_LONG,
    RowStore,
    allocate,
    grow,
    keep,
    new_store,
    rechunk,
    release,
)

__all__ = ["factor", "full_sib_families"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Int32Array = npt.NDArray[np.int32]
CodeArray = npt.NDArray[np.uint16]
BoolArray = npt.NDArray[np.bool_]
Links = tuple[IntArray, IntArray, FloatArray, npt.NDArray[np.int8]]
Families = tuple[IntArray, BoolArray, IntArray]
Out = tuple[FloatArray, FloatArray, FloatArray, BoolArray]
Batch = tuple[IntArray, IntArray]
Scratch = tuple[Int32Array, FloatArray, CodeArray]

GAP = 1 << 16
"""Widest gap between two positions of a kept row that one 16-bit code holds."""

END = 1 << 62
"""The position of a row's end: above every animal."""

CHUNK = 1 << 18
"""Entries per chunk of the row store (2.5 MB); doubled while a row is longer."""

RESERVE_PER_ANIMAL = 96
"""Row-store entries reserved per animal; pages never written cost no memory, and a store
that outgrows its reserve is copied (twice the size), so the reserve is generous."""

LEAF_BATCH = 4096
"""Leaf families (no offspring: only F is needed) are done in parallel batches of this size."""

PARALLEL_FROM = 256
"""Smaller batches of leaves are done on one core: waking the others would cost more."""


def factor(
    ptr: IntArray,
    parent: IntArray,
    weight: FloatArray,
    side: npt.NDArray[np.int8],
    *,
    chunk: int = CHUNK,
    reserve: int = RESERVE_PER_ANIMAL,
    scratch: int = 1024,
) -> tuple[FloatArray, FloatArray]:
    """F and D of every position of a parents-first pedigree.

    The parent links of position ``i`` are ``ptr[i]:ptr[i + 1]``, to ``parent`` (a lower
    position) with probability ``weight`` on ``side`` 0 (sire) or 1 (dam), sires first.
    ``chunk`` (entries per chunk of the row store, doubled while a row does not fit),
    ``reserve`` (row-store entries reserved per animal before the store has to grow) and
    ``scratch`` (first size of the lists for MULT and one-parent families) change the speed,
    never the result.
    """
    family, plain, uses = full_sib_families(ptr, parent, weight, side)
    n = ptr.size - 1
    size = max(int(chunk), 2)
    slots = 2 + (reserve * n) // size
    return _factor_kernel((ptr, parent, weight, side), (family, plain, uses), size, slots, scratch)


@interpretable
@compiled
def full_sib_families(
    ptr: IntArray, parent: IntArray, weight: FloatArray, side: npt.NDArray[np.int8]
) -> tuple[IntArray, npt.NDArray[np.bool_], IntArray]:  # pragma: no cover - compiled
    """(family of each position, whether each family is plain, uses of each family's row).

    The members of a *plain* family have the same single sire (first link) and dam (second
    link), so they share one factor row; any other animal is a family of its own. Families
    are numbered in order of their first member. A family's row is read once by each later
    family whose first member is the child of one of its members: that count is its *uses*.
    One pass, finding a sire's earlier families with the same dam through a list per sire.
    """
    n = ptr.size - 1
    family = np.empty(n, np.int64)
    plain = np.zeros(n, np.bool_)
    uses = np.zeros(n, np.int64)
    first_of_sire = np.full(n, -1, np.int64)
    next_of_sire = np.empty(n, np.int64)
    dam_of = np.empty(n, np.int64)
    n_fam = 0
    for i in range(n):
        e0 = ptr[i]
        e1 = ptr[i + 1]
        f = -1
        single = e1 - e0 == 2 and side[e0] == 0 and side[e0 + 1] == 1
        if single and weight[e0] == 1.0 and weight[e0 + 1] == 1.0:
            s = parent[e0]
            d = parent[e0 + 1]
            g = first_of_sire[s]
            while g >= 0 and f < 0:
                if dam_of[g] == d:
                    f = g
                g = next_of_sire[g]
            if f < 0:
                f = n_fam
                plain[f] = True
                dam_of[f] = d
                next_of_sire[f] = first_of_sire[s]
                first_of_sire[s] = f
            else:
                family[i] = f
                continue
        else:
            f = n_fam
        n_fam += 1
        family[i] = f
        for e in range(e0, e1):
            uses[family[parent[e]]] += 1
    return family, plain[:n_fam].copy(), uses[:n_fam].copy()


@interpretable
@compiled
def _factor_kernel(
    links: Links, families: Families, chunk: int, slots: int, need: int
) -> tuple[FloatArray, FloatArray]:  # pragma: no cover - compiled
    """Run :func:`_factor_rows` to the end, growing the row store, its chunks or the scratch
    lists when it asks.

    The hot loop never reassigns an array (that would cost reference counting on every
    iteration), so growing happens here, between calls.
    """
    ptr = links[0]
    family, _plain, remaining = families
    n = ptr.size - 1
    n_fam = remaining.size
    out = (np.ones(n_fam), np.zeros(n_fam), np.ones(n_fam), np.zeros(n_fam, np.bool_))
    store = new_store(n_fam, chunk, slots)
    batch = (np.empty(LEAF_BATCH, np.int64), np.zeros(1, np.int64))
    i = 0
    while i < n:
        scratch = (np.empty((4, need), np.int32), np.empty((5, need)), np.empty(need, np.uint16))
        i, need, ask = _factor_rows(i, links, families, out, store, batch, scratch)
        need = max(need, scratch[0].shape[1])
        if ask == NO_ROOM:
            store = grow(store)
        elif ask > 0:
            size = store[5][CHUNK_SIZE]
            longer = max(2 * size, ask)
            store = rechunk(store, longer, store[3].shape[0] * size // longer + 2)
    return out[1][family], out[2][family]


@compiled
def _factor_rows(
    i0: int,
    links: Links,
    families: Families,
    out: Out,
    store: RowStore,
    batch: Batch,
    scratch: Scratch,
) -> tuple[int, int, int]:  # pragma: no cover - compiled
    """Compute the families first met at positions ``i0 ..``; return ``(n, 0, 0)`` when
    done, ``(i, need, 0)`` when the scratch lists (for MULT and one-parent families) must grow
    to ``need`` entries first, ``(i, 0, NO_ROOM)`` when the row store needs more chunks or
    ``(i, 0, m)`` when it needs chunks of at least ``m`` entries.

    A plain family without offspring (a *leaf*) only needs ``F``: it waits in the batch and
    a batch of them is done in parallel (:func:`_leaf_products`); its parents' rows are
    released after that.
    """
    ptr, parent, weight, side = links
    family, plain, remaining = families
    own, fam_F, fam_D, done = out
    rows, idx, val = store[0], store[1], store[2]
    leaves, waiting = batch
    scratch_idx, scratch_val, scratch_codes = scratch
    n = ptr.size - 1
    room = scratch_idx.shape[1]
    fillers = n // GAP + 1
    for i in range(i0, n):
        f = family[i]
        if done[f]:
            continue
        e0 = ptr[i]
        e1 = ptr[i + 1]
        kept = remaining[f] > 0
        waits = False
        at = 0
        m = 0
        if e0 == e1:
            pass
        elif plain[f]:
            s = parent[e0]
            d = parent[e0 + 1]
            lo = min(s, d)
            hi = max(s, d)
            a = family[lo]
            b = family[hi]
            if kept:
                bound = rows[a, LENGTH] + rows[b, LENGTH] + 2 + fillers
                at = allocate(store, bound)
                if at < 0:
                    _finish_leaves(links, families, out, store, batch)
                    return i, 0, bound if at == TOO_LONG else NO_ROOM
                dot, m = _merge_parents(
                    idx, val, rows[a, START], rows[a, LENGTH], rows[b, START],
                    rows[b, LENGTH], lo, own[a], hi, own[b], at,
                )  # fmt: skip
                fam_F[f] = 0.5 * dot
            else:
                waits = True
                leaves[waiting[0]] = i
                waiting[0] += 1
            fam_D[f] = 0.5 - 0.25 * (fam_F[family[s]] + fam_F[family[d]])
        else:
            bound = 2 + fillers
            for e in range(e0, e1):
                bound += rows[family[parent[e]], LENGTH] + 1
            if bound > room:
                _finish_leaves(links, families, out, store, batch)
                return i, bound, 0
            nx = 0
            ny = 0
            cx = 0
            cy = 2
            sires = False
            dams = False
            for e in range(e0, e1):
                p = parent[e]
                g = family[p]
                r0 = rows[g, START]
                r1 = r0 + rows[g, LENGTH]
                if side[e] == 0:
                    sires = True
                    nx = _add_row(scratch_idx[cx], scratch_val[cx], nx, weight[e], idx[r0:r1],
                                  val[r0:r1], p, own[g], scratch_idx[1 - cx],
                                  scratch_val[1 - cx])  # fmt: skip
                    cx = 1 - cx
                else:
                    dams = True
                    ny = _add_row(scratch_idx[cy], scratch_val[cy], ny, weight[e], idx[r0:r1],
                                  val[r0:r1], p, own[g], scratch_idx[5 - cy],
                                  scratch_val[5 - cy])  # fmt: skip
                    cy = 5 - cy
            out_idx = scratch_codes
            out_val = scratch_val[4]
            if kept:
                at = allocate(store, nx + ny + fillers)
                if at < 0:
                    _finish_leaves(links, families, out, store, batch)
                    return i, 0, nx + ny + fillers if at == TOO_LONG else NO_ROOM
                out_idx = idx[at : at + nx + ny + fillers]
                out_val = val[at : at + nx + ny + fillers]
            xy, xx, yy, m = _combine(scratch_idx[cx], scratch_val[cx], nx,
                                     scratch_idx[cy], scratch_val[cy], ny,
                                     out_idx, out_val)  # fmt: skip
            fam_F[f] = 0.5 * xy if sires and dams else 0.0
            fam_D[f] = 1.0 - 0.25 * (xx + yy)
        own[f] = np.sqrt(fam_D[f])
        done[f] = True
        if kept and m > 0:
            keep(store, f, at, m)
        if not waits:
            _read_parents(e0, e1, links, families, store)
        if waiting[0] == leaves.size:
            _finish_leaves(links, families, out, store, batch)
    _finish_leaves(links, families, out, store, batch)
    return n, 0, 0


@compiled
def _read_parents(
    e0: int, e1: int, links: Links, families: Families, store: RowStore
) -> None:  # pragma: no cover - compiled
    """Count one more read of the rows of links ``e0:e1``; release the rows read for the last
    time."""
    parent = links[1]
    family, _, remaining = families
    for e in range(e0, e1):
        g = family[parent[e]]
        remaining[g] -= 1
        if remaining[g] == 0:
            release(store, g)


@compiled
def _finish_leaves(
    links: Links, families: Families, out: Out, store: RowStore, batch: Batch
) -> None:  # pragma: no cover - compiled
    """F of the waiting leaf families (in parallel), then release what they read."""
    ptr, parent = links[0], links[1]
    family = families[0]
    own, fam_F = out[0], out[1]
    rows, idx, val = store[0], store[1], store[2]
    leaves, waiting = batch
    count = waiting[0]
    if count >= PARALLEL_FROM:
        _leaf_products(leaves[:count], ptr, parent, family, own, fam_F, rows, idx, val)
    else:
        for t in range(count):
            i = leaves[t]
            fam_F[family[i]] = _leaf_product(i, ptr, parent, family, own, rows, idx, val)
    for t in range(count):
        i = leaves[t]
        _read_parents(ptr[i], ptr[i + 1], links, families, store)
    waiting[0] = 0


@parallel
def _leaf_products(
    leaves: IntArray,
    ptr: IntArray,
    parent: IntArray,
    family: IntArray,
    own: FloatArray,
    fam_F: FloatArray,
    rows: IntArray,
    idx: CodeArray,
    val: FloatArray,
) -> None:  # pragma: no cover - compiled
    """:func:`_leaf_product` of every leaf family in ``leaves``, on all cores."""
    for t in prange(leaves.size):
        i = leaves[t]
        fam_F[family[i]] = _leaf_product(i, ptr, parent, family, own, rows, idx, val)


@compiled
def _leaf_product(
    i: int,
    ptr: IntArray,
    parent: IntArray,
    family: IntArray,
    own: FloatArray,
    rows: IntArray,
    idx: CodeArray,
    val: FloatArray,
) -> float:  # pragma: no cover - compiled
    """``F = R_sire . R_dam / 2`` of the plain family whose first member is at ``i``."""
    s = parent[ptr[i]]
    d = parent[ptr[i] + 1]
    lo = min(s, d)
    a = family[lo]
    b = family[max(s, d)]
    dot = _dot_parents(
        idx, val, rows[a, START], rows[a, LENGTH], rows[b, START], rows[b, LENGTH], lo, own[a]
    )
    return 0.5 * float(dot)


@inlined
def _advance(
    idx: CodeArray, val: FloatArray, at: int, end: int, key: int, tail: int, own_tail: float
) -> tuple[int, int, float]:  # pragma: no cover - compiled
    """The entry after ``at`` (position ``key``) of the kept row ``at < end`` followed by the
    entry (``tail``, ``own_tail``): (offset, position, value); position :data:`END` past it."""
    at += 1
    if at < end:
        return at, key + int(idx[at]) + 1, float(val[at])
    if at == end:
        return at, tail, own_tail
    return at, END, 0.0


@inlined
def _put(
    idx: CodeArray, val: FloatArray, out: int, prev: int, key: int, value: float
) -> tuple[int, int]:  # pragma: no cover - compiled
    """Write the entry (``key``, ``value``) of a kept row at ``out``, after position ``prev``
    (-1 for the first), with fillers at multiples of :data:`GAP` across a wider gap; returns
    (the next offset, ``key``)."""
    while key - prev > GAP:
        step = (prev // GAP + 1) * GAP
        idx[out] = step - prev - 1
        val[out] = 0.0
        out += 1
        prev = step
    idx[out] = key - prev - 1
    val[out] = value
    return out + 1, key


@compiled
def _dot_parents(
    idx: CodeArray, val: FloatArray, a0: int, la: int, b0: int, lb: int, lo: int, own_lo: float
) -> float:  # pragma: no cover - compiled
    """``R_lo . R_hi`` for parents ``lo < hi``, whose family rows are ``idx/val[a0 : a0 + la]``
    and ``[b0 : b0 + lb]``.

    ``R_p`` is its family row (positions below ``p``) then ``own_p`` at ``p``, so only ``lo``
    can appear in the other row and ``hi`` in neither: the family rows merge up to ``lo``
    without a test for the own entries. Products are summed in position order.
    """
    end_a = a0 + la
    end_b = b0 + lb
    a = a0
    b = b0
    ka = int(idx[a0]) if la > 0 else END
    kb = int(idx[b0]) if lb > 0 else END
    dot = 0.0
    while a < end_a and kb < lo:
        take_a = ka <= kb
        take_b = kb <= ka
        dot += val[a] * val[b] if take_a & take_b else 0.0
        a += take_a
        b += take_b
        # Selects, not branches: which list advances is unpredictable. Past its end a row's
        # position is END (for b) or unused (for a: the loop stops).
        ka = ka + int(idx[min(a, end_a - 1)]) + 1 if take_a else ka
        kb = (kb + int(idx[min(b, end_b - 1)]) + 1 if b < end_b else END) if take_b else kb
    while kb < lo:
        b += 1
        kb = kb + int(idx[b]) + 1 if b < end_b else END
    if kb == lo:
        dot += own_lo * val[b]
    return dot


@compiled
def _merge_parents(
    idx: CodeArray,
    val: FloatArray,
    a0: int,
    la: int,
    b0: int,
    lb: int,
    lo: int,
    own_lo: float,
    hi: int,
    own_hi: float,
    out: int,
) -> tuple[float, int]:  # pragma: no cover - compiled
    """:func:`_dot_parents`, and the child's family row ``(R_lo + R_hi)/2`` written into the
    same arrays from ``out``; returns (dot, row length)."""
    first = out
    prev = -1
    end_a = a0 + la
    end_b = b0 + lb
    a = a0
    b = b0
    ka = int(idx[a0]) if la > 0 else END
    kb = int(idx[b0]) if lb > 0 else END
    dot = 0.0
    while a < end_a and kb < lo:
        va = val[a]
        vb = val[b]
        take_a = ka <= kb
        take_b = kb <= ka
        # Adding 0.0 is exact: the same sums as separate branches.
        dot += va * vb if take_a & take_b else 0.0
        value = 0.5 * ((va if take_a else 0.0) + (vb if take_b else 0.0))
        out, prev = _put(idx, val, out, prev, min(ka, kb), value)
        a += take_a
        b += take_b
        ka = ka + int(idx[min(a, end_a - 1)]) + 1 if take_a else ka
        kb = (kb + int(idx[min(b, end_b - 1)]) + 1 if b < end_b else END) if take_b else kb
    while a < end_a:
        out, prev = _put(idx, val, out, prev, ka, 0.5 * val[a])
        a += 1
        ka = ka + int(idx[a]) + 1 if a < end_a else END
    while kb < lo:
        out, prev = _put(idx, val, out, prev, kb, 0.5 * val[b])
        b += 1
        kb = kb + int(idx[b]) + 1 if b < end_b else END
    if kb == lo:
        dot += own_lo * val[b]
        out, prev = _put(idx, val, out, prev, lo, 0.5 * (own_lo + val[b]))
        b += 1
        kb = kb + int(idx[b]) + 1 if b < end_b else END
    else:
        out, prev = _put(idx, val, out, prev, lo, 0.5 * own_lo)
    while kb < END:
        out, prev = _put(idx, val, out, prev, kb, 0.5 * val[b])
        b += 1
        kb = kb + int(idx[b]) + 1 if b < end_b else END
    out, prev = _put(idx, val, out, prev, hi, 0.5 * own_hi)
    return dot, out - first


@compiled
def _add_row(
    x_idx: Int32Array,
    x_val: FloatArray,
    nx: int,
    w: float,
    r_idx: CodeArray,
    r_val: FloatArray,
    p: int,
    own_p: float,
    out_idx: Int32Array,
    out_val: FloatArray,
) -> int:  # pragma: no cover - compiled
    """``out = x + w R_p`` for the sorted sparse ``x`` (``nx`` entries, plain positions) and
    ``R_p`` = kept row ``r`` then ``own_p`` at ``p``; returns the length of ``out``."""
    nr = r_idx.size
    b, kb, vb = _advance(r_idx, r_val, -1, nr, -1, p, own_p)
    a = 0
    out = 0
    while a < nx or kb < END:
        ka = int(x_idx[a]) if a < nx else END
        take_a = ka <= kb
        take_b = kb <= ka
        out_idx[out] = min(ka, kb)
        out_val[out] = (x_val[a] if take_a else 0.0) + (w * vb if take_b else 0.0)
        out += 1
        a += take_a
        if take_b:
            b, kb, vb = _advance(r_idx, r_val, b, nr, kb, p, own_p)
    return out


@compiled
def _combine(
    x_idx: Int32Array,
    x_val: FloatArray,
    nx: int,
    y_idx: Int32Array,
    y_val: FloatArray,
    ny: int,
    out_idx: CodeArray,
    out_val: FloatArray,
) -> tuple[float, float, float, int]:  # pragma: no cover - compiled
    """``x . y``, ``x . x``, ``y . y`` (summed in position order) and the kept row
    ``out = (x + y)/2``; returns the three products and the length of ``out``."""
    a = 0
    b = 0
    out = 0
    prev = -1
    xy = 0.0
    xx = 0.0
    yy = 0.0
    while a < nx or b < ny:
        if b >= ny or (a < nx and x_idx[a] < y_idx[b]):
            u = x_val[a]
            xx += u * u
            out, prev = _put(out_idx, out_val, out, prev, x_idx[a], 0.5 * u)
            a += 1
        elif a >= nx or y_idx[b] < x_idx[a]:
            v = y_val[b]
            yy += v * v
            out, prev = _put(out_idx, out_val, out, prev, y_idx[b], 0.5 * v)
            b += 1
        else:
            u = x_val[a]
            v = y_val[b]
            xx += u * u
            yy += v * v
            xy += u * v
            out, prev = _put(out_idx, out_val, out, prev, x_idx[a], 0.5 * (u + v))
            a += 1
            b += 1
    return xy, xx, yy, out
