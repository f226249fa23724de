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
Full sibs share one row (the *family row*; each sib only adds its own entry), and only the rows
of families whose members have offspring still to come are kept. A family without offspring
(a *leaf*) needs only ``F``; leaves wait in batches that run on all cores. The cost is the sum
of the families' ancestor counts, never N^2 (Meuwissen & Luo 1992, organised as a sparse
Cholesky factor).

The kept rows live in a *row store*: fixed-size chunks filled one after another (the *head*
chunk takes new rows). A chunk whose rows have all been read for the last time goes back to a
pool for reuse; when the head fills up, the emptiest older chunk is copied into the new head if
at most half of it is still live. Memory stays near the size of the live rows, nothing is ever
compacted as a whole, and no row has an allocation of its own.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import prange

from studbook.jit import compiled, parallel

__all__ = ["factor", "full_sib_families"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Int32Array = npt.NDArray[np.int32]

CHUNK = 1 << 18
"""Entries per chunk of the row store (3 MB); a longer row gets a chunk of its own."""

LEAF_BATCH = 4096
"""Leaf families (no offspring: only F is needed) are done in parallel batches of this size."""

PARALLEL_FROM = 256
"""Smaller batches of leaves are done on one core: waking the others would cost more."""

EVACUATE_AT = 0.5
"""An older chunk is copied into a new head chunk when at most this share of it is live."""

# Per-family columns of the row store's ``rows`` table.
_ROW_CHUNK = 0  # chunk holding the family row
_START = 1  # its first entry in that chunk
_LENGTH = 2  # its number of entries (0: no row kept)
_NEXT = 3  # next row in the same chunk (-1 ends the chunk's list)

# Slots of the row store's ``state``.
_HEAD = 0  # chunk taking new rows
_FILL = 1  # entries used in the head chunk
_CHUNK_SIZE = 2  # entries per chunk
_LEAVES = 3  # leaf families waiting in ``leaves``
_STATE = 4


def factor(
    ptr: IntArray,
    parent: IntArray,
    weight: FloatArray,
    side: npt.NDArray[np.int8],
    *,
    chunk: int = CHUNK,
    scratch: int = 1024,
) -> tuple[FloatArray, FloatArray]:
    """F and D of every position of a parents-first pedigree.

    The parent links of position ``i`` are ``ptr[i]:ptr[i + 1]``, to ``parent`` (a lower
    position) with probability ``weight`` on ``side`` 0 (sire) or 1 (dam), sires first.
    ``chunk`` (entries per chunk of the row store) and ``scratch`` (first size of the
    lists for MULT and one-parent families) change the speed, never the result.
    """
    family, plain, uses = full_sib_families(ptr, parent, weight, side)
    state = np.zeros(_STATE, np.int64)
    state[_CHUNK_SIZE] = chunk
    return _factor_kernel(ptr, parent, weight, side, family, plain, uses, state, scratch)  # type: ignore[no-any-return]


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


@compiled
def _factor_kernel(
    ptr: IntArray,
    parent: IntArray,
    weight: FloatArray,
    side: npt.NDArray[np.int8],
    family: IntArray,
    plain: npt.NDArray[np.bool_],
    remaining: IntArray,
    state: IntArray,
    need: int,
) -> tuple[FloatArray, FloatArray]:  # pragma: no cover - compiled
    """Run :func:`_factor_rows` to the end, growing its scratch space when it asks.

    The hot loop never reassigns an array (that would cost reference counting on every
    iteration), so growing happens here, between calls.
    """
    n = ptr.size - 1
    n_fam = remaining.size
    fam_F = np.zeros(n_fam)
    fam_D = np.ones(n_fam)
    own = np.ones(n_fam)
    done = np.zeros(n_fam, np.bool_)
    rows = np.zeros((n_fam, 4), np.int64)
    rows[:, _NEXT] = -1
    chunks_idx = [np.empty(state[_CHUNK_SIZE], np.int32)]
    chunks_val = [np.empty(state[_CHUNK_SIZE], np.float64)]
    chunk_live = [0]
    chunk_first = [-1]
    pool = [0]
    pool.pop()
    leaves = np.empty(LEAF_BATCH, np.int64)
    i = 0
    while i < n:
        scratch_idx = np.empty((5, need), np.int32)
        scratch_val = np.empty((5, need))
        i, need = _factor_rows(
            i, ptr, parent, weight, side, family, plain, remaining, own, fam_F, fam_D, done,
            rows, chunks_idx, chunks_val, chunk_live, chunk_first, pool, state, leaves,
            scratch_idx, scratch_val,
        )  # fmt: skip
    return fam_F[family], fam_D[family]


@compiled
def _factor_rows(
    i0: int,
    ptr: IntArray,
    parent: IntArray,
    weight: FloatArray,
    side: npt.NDArray[np.int8],
    family: IntArray,
    plain: npt.NDArray[np.bool_],
    remaining: IntArray,
    own: FloatArray,
    fam_F: FloatArray,
    fam_D: FloatArray,
    done: npt.NDArray[np.bool_],
    rows: IntArray,
    chunks_idx: list[Int32Array],
    chunks_val: list[FloatArray],
    chunk_live: list[int],
    chunk_first: list[int],
    pool: list[int],
    state: IntArray,
    leaves: IntArray,
    scratch_idx: Int32Array,
    scratch_val: FloatArray,
) -> tuple[int, int]:  # pragma: no cover - compiled
    """Compute the families first met at positions ``i0 ..``; return ``(n, 0)`` when done or
    ``(i, need)`` when the scratch lists (for MULT and one-parent families) must grow to
    ``need`` entries first.

    A plain family without offspring (a *leaf*) only needs ``F``: it waits in ``leaves`` and
    a batch of them is done in parallel (:func:`_leaf_products`); its parents' rows are
    released after that.
    """
    n = ptr.size - 1
    room = scratch_idx.shape[1]
    for i in range(i0, n):
        f = family[i]
        if done[f]:
            continue
        e0 = ptr[i]
        e1 = ptr[i + 1]
        keep = remaining[f] > 0
        waits = False
        c = -1
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
            if keep:
                bound = rows[a, _LENGTH] + rows[b, _LENGTH] + 2
                c, at = _allocate(bound, rows, chunks_idx, chunks_val,
                                  chunk_live, chunk_first, pool, state)  # fmt: skip
                dot, m = _merge_parents(
                    chunks_idx[rows[a, _ROW_CHUNK]], chunks_val[rows[a, _ROW_CHUNK]],
                    rows[a, _START], rows[a, _LENGTH],
                    chunks_idx[rows[b, _ROW_CHUNK]], chunks_val[rows[b, _ROW_CHUNK]],
                    rows[b, _START], rows[b, _LENGTH],
                    lo, own[a], hi, own[b], chunks_idx[c], chunks_val[c], at,
                )  # fmt: skip
                fam_F[f] = 0.5 * dot
            else:
                waits = True
                leaves[state[_LEAVES]] = i
                state[_LEAVES] += 1
            fam_D[f] = 0.5 - 0.25 * (fam_F[family[s]] + fam_F[family[d]])
        else:
            bound = 2
            for e in range(e0, e1):
                bound += rows[family[parent[e]], _LENGTH] + 1
            if bound > room:
                _finish_leaves(ptr, parent, family, remaining, own, fam_F, rows,
                               chunks_idx, chunks_val, chunk_live, chunk_first, pool,
                               state, leaves)  # fmt: skip
                return i, bound
            nx = 0
            ny = 0
            cx = 0
            cy = 2
            sires = False
            dams = False
            for e in range(e0, e1):
                p = parent[e]
                g = family[p]
                r_idx = chunks_idx[rows[g, _ROW_CHUNK]]
                r_val = chunks_val[rows[g, _ROW_CHUNK]]
                r0 = rows[g, _START]
                r1 = r0 + rows[g, _LENGTH]
                if side[e] == 0:
                    sires = True
                    nx = _add_row(scratch_idx[cx], scratch_val[cx], nx, weight[e],
                                  r_idx[r0:r1], r_val[r0:r1], p, own[g],
                                  scratch_idx[1 - cx], scratch_val[1 - cx])  # fmt: skip
                    cx = 1 - cx
                else:
                    dams = True
                    ny = _add_row(scratch_idx[cy], scratch_val[cy], ny, weight[e],
                                  r_idx[r0:r1], r_val[r0:r1], p, own[g],
                                  scratch_idx[5 - cy], scratch_val[5 - cy])  # fmt: skip
                    cy = 5 - cy
            out_idx = scratch_idx[4]
            out_val = scratch_val[4]
            if keep:
                c, at = _allocate(nx + ny, rows, chunks_idx, chunks_val,
                                  chunk_live, chunk_first, pool, state)  # fmt: skip
                out_idx = chunks_idx[c][at : at + nx + ny]
                out_val = chunks_val[c][at : at + nx + ny]
            xy, xx, yy, m = _combine(scratch_idx[cx], scratch_val[cx], nx,
                                     scratch_idx[cy], scratch_val[cy], ny,
                                     out_idx, out_val)  # fmt: skip
            fam_F[f] = 0.5 * xy if sires and dams else 0.0
            fam_D[f] = 1.0 - 0.25 * (xx + yy)
        own[f] = np.sqrt(fam_D[f])
        done[f] = True
        if keep and m > 0:
            rows[f, _ROW_CHUNK] = c
            rows[f, _START] = at
            rows[f, _LENGTH] = m
            rows[f, _NEXT] = chunk_first[c]
            chunk_first[c] = f
            chunk_live[c] += m
            state[_FILL] = at + m
        if not waits:
            _read_parents(e0, e1, parent, family, remaining, rows, chunk_live, chunk_first,
                          pool, state)  # fmt: skip
        if state[_LEAVES] == leaves.size:
            _finish_leaves(ptr, parent, family, remaining, own, fam_F, rows, chunks_idx,
                           chunks_val, chunk_live, chunk_first, pool, state, leaves)  # fmt: skip
    _finish_leaves(ptr, parent, family, remaining, own, fam_F, rows, chunks_idx, chunks_val,
                   chunk_live, chunk_first, pool, state, leaves)  # fmt: skip
    return n, 0


@compiled
def _read_parents(
    e0: int,
    e1: int,
    parent: IntArray,
    family: IntArray,
    remaining: IntArray,
    rows: IntArray,
    chunk_live: list[int],
    chunk_first: list[int],
    pool: list[int],
    state: IntArray,
) -> None:  # pragma: no cover - compiled
    """Count one more read of the rows of links ``e0:e1``; release the rows read for the last
    time."""
    for e in range(e0, e1):
        g = family[parent[e]]
        remaining[g] -= 1
        if remaining[g] == 0 and rows[g, _LENGTH] > 0:
            _release(g, rows, chunk_live, chunk_first, pool, state)


@compiled
def _finish_leaves(
    ptr: IntArray,
    parent: IntArray,
    family: IntArray,
    remaining: IntArray,
    own: FloatArray,
    fam_F: FloatArray,
    rows: IntArray,
    chunks_idx: list[Int32Array],
    chunks_val: list[FloatArray],
    chunk_live: list[int],
    chunk_first: list[int],
    pool: list[int],
    state: IntArray,
    leaves: IntArray,
) -> None:  # pragma: no cover - compiled
    """F of the waiting leaf families (in parallel), then release what they read."""
    count = state[_LEAVES]
    if count >= PARALLEL_FROM:
        _leaf_products(leaves[:count], ptr, parent, family, own, fam_F, rows, chunks_idx,
                       chunks_val)  # fmt: skip
    else:
        for t in range(count):
            i = leaves[t]
            fam_F[family[i]] = _leaf_product(i, ptr, parent, family, own, rows, chunks_idx,
                                             chunks_val)  # fmt: skip
    for t in range(count):
        i = leaves[t]
        _read_parents(ptr[i], ptr[i + 1], parent, family, remaining, rows, chunk_live,
                      chunk_first, pool, state)  # fmt: skip
    state[_LEAVES] = 0


@parallel
def _leaf_products(
    leaves: IntArray,
    ptr: IntArray,
    parent: IntArray,
    family: IntArray,
    own: FloatArray,
    fam_F: FloatArray,
    rows: IntArray,
    chunks_idx: list[Int32Array],
    chunks_val: list[FloatArray],
) -> None:  # pragma: no cover - compiled
    """:func:`_leaf_product` of every leaf family in ``leaves``, on all cores."""
    for t in prange(leaves.size):
        i = leaves[t]
        fam_F[family[i]] = _leaf_product(i, ptr, parent, family, own, rows, chunks_idx, chunks_val)


@compiled
def _leaf_product(
    i: int,
    ptr: IntArray,
    parent: IntArray,
    family: IntArray,
    own: FloatArray,
    rows: IntArray,
    chunks_idx: list[Int32Array],
    chunks_val: list[FloatArray],
) -> float:  # pragma: no cover - compiled
    """``F = R_sire . R_dam / 2`` of the plain family whose first member is at ``i``."""
    s = parent[ptr[i]]
    d = parent[ptr[i] + 1]
    lo = min(s, d)
    hi = max(s, d)
    a = family[lo]
    b = family[hi]
    dot = _dot_parents(
        chunks_idx[rows[a, _ROW_CHUNK]], chunks_val[rows[a, _ROW_CHUNK]],
        rows[a, _START], rows[a, _LENGTH],
        chunks_idx[rows[b, _ROW_CHUNK]], chunks_val[rows[b, _ROW_CHUNK]],
        rows[b, _START], rows[b, _LENGTH], lo, own[a],
    )  # fmt: skip
    return 0.5 * float(dot)


@compiled
def _release(
    g: int,
    rows: IntArray,
    chunk_live: list[int],
    chunk_first: list[int],
    pool: list[int],
    state: IntArray,
) -> None:  # pragma: no cover - compiled
    """Drop family ``g``'s row; a chunk left without live rows returns to the pool."""
    c = rows[g, _ROW_CHUNK]
    chunk_live[c] -= rows[g, _LENGTH]
    rows[g, _LENGTH] = 0
    if chunk_live[c] == 0 and c != state[_HEAD]:
        chunk_first[c] = -1
        pool.append(c)


@compiled
def _allocate(
    need: int,
    rows: IntArray,
    chunks_idx: list[Int32Array],
    chunks_val: list[FloatArray],
    chunk_live: list[int],
    chunk_first: list[int],
    pool: list[int],
    state: IntArray,
) -> tuple[int, int]:  # pragma: no cover - compiled
    """(chunk, first entry) of ``need`` free entries for a new row, at the end of the head.

    When the head is full, a pooled (or new) chunk becomes the head, and older chunks that are
    at most :data:`EVACUATE_AT` live are copied into it, emptiest first, while they fit.
    """
    head = state[_HEAD]
    if state[_FILL] + need <= chunks_idx[head].size:
        return head, state[_FILL]
    if chunk_live[head] == 0:
        chunk_first[head] = -1
        pool.append(head)
    size = max(state[_CHUNK_SIZE], need)
    new = -1
    for k in range(len(pool)):
        if chunks_idx[pool[k]].size >= size:
            new = pool[k]
            pool[k] = pool[len(pool) - 1]
            pool.pop()
            break
    if new < 0:
        new = len(chunks_idx)
        chunks_idx.append(np.empty(size, np.int32))
        chunks_val.append(np.empty(size, np.float64))
        chunk_live.append(0)
        chunk_first.append(-1)
    state[_HEAD] = new
    state[_FILL] = 0
    chunk_live[new] = 0
    chunk_first[new] = -1
    room = chunks_idx[new].size - need
    while True:
        emptiest = -1
        for k in range(len(chunks_idx)):
            sparse = k != new and chunk_first[k] >= 0
            sparse = sparse and chunk_live[k] <= EVACUATE_AT * chunks_idx[k].size
            if sparse and (emptiest < 0 or chunk_live[k] < chunk_live[emptiest]):
                emptiest = k
        if emptiest < 0 or state[_FILL] + chunk_live[emptiest] > room:
            break
        _evacuate(emptiest, new, rows, chunks_idx, chunks_val, chunk_live, chunk_first, state)
        pool.append(emptiest)
    return new, state[_FILL]


@compiled
def _evacuate(
    k: int,
    new: int,
    rows: IntArray,
    chunks_idx: list[Int32Array],
    chunks_val: list[FloatArray],
    chunk_live: list[int],
    chunk_first: list[int],
    state: IntArray,
) -> None:  # pragma: no cover - compiled
    """Copy chunk ``k``'s live rows to the end of chunk ``new``; ``k`` is left empty."""
    src_idx = chunks_idx[k]
    src_val = chunks_val[k]
    dst_idx = chunks_idx[new]
    dst_val = chunks_val[new]
    f = chunk_first[k]
    while f >= 0:
        following = rows[f, _NEXT]
        m = rows[f, _LENGTH]
        if m > 0:
            s = rows[f, _START]
            t = state[_FILL]
            dst_idx[t : t + m] = src_idx[s : s + m]
            dst_val[t : t + m] = src_val[s : s + m]
            rows[f, _ROW_CHUNK] = new
            rows[f, _START] = t
            rows[f, _NEXT] = chunk_first[new]
            chunk_first[new] = f
            chunk_live[new] += m
            state[_FILL] = t + m
        f = following
    chunk_live[k] = 0
    chunk_first[k] = -1


@compiled
def _dot_parents(
    a_idx: Int32Array,
    a_val: FloatArray,
    a0: int,
    la: int,
    b_idx: Int32Array,
    b_val: FloatArray,
    b0: int,
    lb: int,
    lo: int,
    own_lo: float,
) -> float:  # pragma: no cover - compiled
    """``R_lo . R_hi`` for parents ``lo < hi``, whose family rows are ``a`` and ``b``.

    ``R_p`` is its family row (positions below ``p``) then ``own_p`` at ``p``, so only ``lo``
    can appear in the other row and ``hi`` in neither: the family rows merge without a test
    for the own entries. Products are summed in position order.
    """
    end_b = b0 + lb
    cut = b0 + np.searchsorted(b_idx[b0:end_b], lo)
    a = a0
    b = b0
    end_a = a0 + la
    dot = 0.0
    while a < end_a and b < cut:
        ka = a_idx[a]
        kb = b_idx[b]
        dot += a_val[a] * b_val[b] if ka == kb else 0.0
        a += ka <= kb
        b += kb <= ka
    if cut < end_b and b_idx[cut] == lo:
        dot += own_lo * b_val[cut]
    return dot


@compiled
def _merge_parents(
    a_idx: Int32Array,
    a_val: FloatArray,
    a0: int,
    la: int,
    b_idx: Int32Array,
    b_val: FloatArray,
    b0: int,
    lb: int,
    lo: int,
    own_lo: float,
    hi: int,
    own_hi: float,
    out_idx: Int32Array,
    out_val: FloatArray,
    out: int,
) -> tuple[float, int]:  # pragma: no cover - compiled
    """:func:`_dot_parents`, and the child's family row ``(R_lo + R_hi)/2`` written from
    ``out``; returns (dot, row length)."""
    first = out
    end_b = b0 + lb
    cut = b0 + np.searchsorted(b_idx[b0:end_b], lo)
    a = a0
    b = b0
    end_a = a0 + la
    dot = 0.0
    while a < end_a and b < cut:
        ka = a_idx[a]
        kb = b_idx[b]
        va = a_val[a]
        vb = b_val[b]
        take_a = ka <= kb
        take_b = kb <= ka
        out_idx[out] = min(ka, kb)
        # Selects, not branches: which list advances is unpredictable. Adding 0.0 is exact.
        dot += va * vb if take_a & take_b else 0.0
        out_val[out] = 0.5 * ((va if take_a else 0.0) + (vb if take_b else 0.0))
        out += 1
        a += take_a
        b += take_b
    while a < end_a:
        out_idx[out] = a_idx[a]
        out_val[out] = 0.5 * a_val[a]
        out += 1
        a += 1
    while b < cut:
        out_idx[out] = b_idx[b]
        out_val[out] = 0.5 * b_val[b]
        out += 1
        b += 1
    out_idx[out] = lo
    if b < end_b and b_idx[b] == lo:
        dot += own_lo * b_val[b]
        out_val[out] = 0.5 * (own_lo + b_val[b])
        b += 1
    else:
        out_val[out] = 0.5 * own_lo
    out += 1
    while b < end_b:
        out_idx[out] = b_idx[b]
        out_val[out] = 0.5 * b_val[b]
        out += 1
        b += 1
    out_idx[out] = hi
    out_val[out] = 0.5 * own_hi
    return dot, out + 1 - first


@compiled
def _add_row(
    x_idx: Int32Array,
    x_val: FloatArray,
    nx: int,
    w: float,
    r_idx: Int32Array,
    r_val: FloatArray,
    p: int,
    own_p: float,
    out_idx: Int32Array,
    out_val: FloatArray,
) -> int:  # pragma: no cover - compiled
    """``out = x + w R_p`` for the sorted sparse ``x`` (``nx`` entries) and ``R_p`` = family
    row ``r`` then ``own_p`` at ``p``; returns the length of ``out``."""
    a = 0
    b = 0
    out = 0
    nr = r_idx.size
    while a < nx and b < nr:
        ka = x_idx[a]
        kb = r_idx[b]
        take_a = ka <= kb
        take_b = kb <= ka
        out_idx[out] = min(ka, kb)
        out_val[out] = (x_val[a] if take_a else 0.0) + (w * r_val[b] if take_b else 0.0)
        out += 1
        a += take_a
        b += take_b
    while b < nr:
        out_idx[out] = r_idx[b]
        out_val[out] = w * r_val[b]
        out += 1
        b += 1
    while a < nx and x_idx[a] < p:
        out_idx[out] = x_idx[a]
        out_val[out] = x_val[a]
        out += 1
        a += 1
    out_idx[out] = p
    if a < nx and x_idx[a] == p:
        out_val[out] = x_val[a] + w * own_p
        a += 1
    else:
        out_val[out] = w * own_p
    out += 1
    while a < nx:
        out_idx[out] = x_idx[a]
        out_val[out] = x_val[a]
        out += 1
        a += 1
    return out


@compiled
def _combine(
    x_idx: Int32Array,
    x_val: FloatArray,
    nx: int,
    y_idx: Int32Array,
    y_val: FloatArray,
    ny: int,
    out_idx: Int32Array,
    out_val: FloatArray,
) -> tuple[float, float, float, int]:  # pragma: no cover - compiled
    """``x . y``, ``x . x``, ``y . y`` (summed in position order) and ``out = (x + y)/2``;
    returns the three products and the length of ``out``."""
    a = 0
    b = 0
    out = 0
    xy = 0.0
    xx = 0.0
    yy = 0.0
    while a < nx or b < ny:
        if b >= ny or (a < nx and x_idx[a] < y_idx[b]):
            u = x_val[a]
            xx += u * u
            out_idx[out] = x_idx[a]
            out_val[out] = 0.5 * u
            a += 1
        elif a >= nx or y_idx[b] < x_idx[a]:
            v = y_val[b]
            yy += v * v
            out_idx[out] = y_idx[b]
            out_val[out] = 0.5 * v
            b += 1
        else:
            u = x_val[a]
            v = y_val[b]
            xx += u * u
            yy += v * v
            xy += u * v
            out_idx[out] = x_idx[a]
            out_val[out] = 0.5 * (u + v)
            a += 1
            b += 1
        out += 1
    return xy, xx, yy, out
