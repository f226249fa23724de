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

The kept rows live in a *row store*: fixed-size chunks of one arena, filled one after another
(the *head* chunk takes new rows). A chunk whose rows have all been read for the last time goes
back to a pool for reuse; when the head fills up, the emptiest older chunk is copied into the
new head if at most half of it is still live. Memory stays near the size of the live rows,
nothing is ever compacted as a whole, no row has an allocation of its own, and the hot loops
address rows by offset (no array objects, so no reference counting).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from studbook.jit import compiled, interpretable, parallel, prange

__all__ = ["factor", "full_sib_families"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Int32Array = npt.NDArray[np.int32]

CHUNK = 1 << 18
"""Entries per chunk of the row store (3 MB), or the number of animals + 2 if that is more:
no row is longer."""

RESERVE_PER_ANIMAL = 48
"""Row-store entries reserved per animal; pages never written cost no memory."""

LEAF_BATCH = 4096
"""Leaf families (no offspring: only F is needed) are done in parallel batches of this size."""

PARALLEL_FROM = 256
"""Smaller batches of leaves are done on one core: waking the others would cost more."""

EVACUATE_AT = 0.5
"""An older chunk is copied into a new head chunk when at most this share of it is live."""

# Per-family columns of the row store's ``rows`` table.
_START = 0  # offset of the family row in the store
_LENGTH = 1  # its number of entries (0: no row kept)
_NEXT = 2  # next row in the same chunk (-1 ends the chunk's list)

# Per-chunk columns of the row store's ``chunks`` table.
_LIVE = 0  # entries of live rows in the chunk
_FIRST = 1  # first row of the chunk's list (-1: none)

# Slots of the row store's ``state``.
_HEAD = 0  # chunk taking new rows
_FILL = 1  # entries used in the head chunk
_CHUNK_SIZE = 2  # entries per chunk
_LEAVES = 3  # leaf families waiting in ``leaves``
_FRESH = 4  # chunks ever used (the next never-used chunk)
_POOLED = 5  # chunks in the pool
_STATE = 6


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
    ``chunk`` (entries per chunk of the row store), ``reserve`` (row-store entries reserved
    per animal before the store has to grow) and ``scratch`` (first size of the lists for
    MULT and one-parent families) change the speed, never the result.
    """
    family, plain, uses = full_sib_families(ptr, parent, weight, side)
    n = ptr.size - 1
    state = np.zeros(_STATE, np.int64)
    # A row holds distinct positions: never more than n entries, so every row fits a chunk.
    state[_CHUNK_SIZE] = max(chunk, n + 2)
    slots = 2 + (reserve * n) // state[_CHUNK_SIZE]
    return _factor_kernel(ptr, parent, weight, side, family, plain, uses, state, slots, scratch)


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
    ptr: IntArray,
    parent: IntArray,
    weight: FloatArray,
    side: npt.NDArray[np.int8],
    family: IntArray,
    plain: npt.NDArray[np.bool_],
    remaining: IntArray,
    state: IntArray,
    slots: int,
    need: int,
) -> tuple[FloatArray, FloatArray]:  # pragma: no cover - compiled
    """Run :func:`_factor_rows` to the end, growing the row store or the scratch lists when
    it asks.

    The hot loop never reassigns an array (that would cost reference counting on every
    iteration), so growing happens here, between calls. The row store's arrays are reserved
    for ``slots`` chunks but only the chunks in use are ever written, so untouched pages
    cost no memory; more slots (a copy) are needed only when that reserve runs out.
    """
    n = ptr.size - 1
    n_fam = remaining.size
    fam_F = np.zeros(n_fam)
    fam_D = np.ones(n_fam)
    own = np.ones(n_fam)
    done = np.zeros(n_fam, np.bool_)
    rows = np.zeros((n_fam, 3), np.int64)
    rows[:, _NEXT] = -1
    size = state[_CHUNK_SIZE]
    arena_idx = np.empty(slots * size, np.int32)
    arena_val = np.empty(slots * size)
    chunks = np.zeros((slots, 2), np.int64)
    pool = np.empty(slots, np.int64)
    state[_FRESH] = 1
    chunks[0, _FIRST] = -1
    leaves = np.empty(LEAF_BATCH, np.int64)
    i = 0
    while i < n:
        scratch_idx = np.empty((5, need), np.int32)
        scratch_val = np.empty((5, need))
        i, need, more = _factor_rows(
            i, ptr, parent, weight, side, family, plain, remaining, own, fam_F, fam_D, done,
            rows, arena_idx, arena_val, chunks, pool, state, leaves, scratch_idx, scratch_val,
        )  # fmt: skip
        need = max(need, scratch_idx.shape[1])
        if more:
            used = state[_FRESH] * size
            grown_idx = np.empty(2 * arena_idx.size, np.int32)
            grown_val = np.empty(2 * arena_val.size)
            grown_idx[:used] = arena_idx[:used]
            grown_val[:used] = arena_val[:used]
            arena_idx, arena_val = grown_idx, grown_val
            grown = np.zeros((2 * chunks.shape[0], 2), np.int64)
            grown[: chunks.shape[0]] = chunks
            chunks = grown
            grown_pool = np.empty(2 * pool.size, np.int64)
            grown_pool[: pool.size] = pool
            pool = grown_pool
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
    arena_idx: Int32Array,
    arena_val: FloatArray,
    chunks: IntArray,
    pool: IntArray,
    state: IntArray,
    leaves: IntArray,
    scratch_idx: Int32Array,
    scratch_val: FloatArray,
) -> tuple[int, int, bool]:  # pragma: no cover - compiled
    """Compute the families first met at positions ``i0 ..``; return ``(n, 0, False)`` when
    done, ``(i, need, False)`` when the scratch lists (for MULT and one-parent families) must
    grow to ``need`` entries first, or ``(i, 0, True)`` when the row store needs more chunks.

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
                at = _allocate(rows[a, _LENGTH] + rows[b, _LENGTH] + 2, rows, arena_idx,
                               arena_val, chunks, pool, state)  # fmt: skip
                if at < 0:
                    _finish_leaves(ptr, parent, family, remaining, own, fam_F, rows,
                                   arena_idx, arena_val, chunks, pool, state, leaves)  # fmt: skip
                    return i, 0, True
                dot, m = _merge_parents(
                    arena_idx, arena_val, rows[a, _START], rows[a, _LENGTH], rows[b, _START],
                    rows[b, _LENGTH], lo, own[a], hi, own[b], at,
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
                _finish_leaves(ptr, parent, family, remaining, own, fam_F, rows, arena_idx,
                               arena_val, chunks, pool, state, leaves)  # fmt: skip
                return i, bound, False
            nx = 0
            ny = 0
            cx = 0
            cy = 2
            sires = False
            dams = False
            for e in range(e0, e1):
                p = parent[e]
                g = family[p]
                r0 = rows[g, _START]
                r1 = r0 + rows[g, _LENGTH]
                if side[e] == 0:
                    sires = True
                    nx = _add_row(scratch_idx[cx], scratch_val[cx], nx, weight[e],
                                  arena_idx[r0:r1], arena_val[r0:r1], p, own[g],
                                  scratch_idx[1 - cx], scratch_val[1 - cx])  # fmt: skip
                    cx = 1 - cx
                else:
                    dams = True
                    ny = _add_row(scratch_idx[cy], scratch_val[cy], ny, weight[e],
                                  arena_idx[r0:r1], arena_val[r0:r1], p, own[g],
                                  scratch_idx[5 - cy], scratch_val[5 - cy])  # fmt: skip
                    cy = 5 - cy
            out_idx = scratch_idx[4]
            out_val = scratch_val[4]
            if keep:
                at = _allocate(nx + ny, rows, arena_idx, arena_val, chunks, pool, state)
                if at < 0:
                    _finish_leaves(ptr, parent, family, remaining, own, fam_F, rows,
                                   arena_idx, arena_val, chunks, pool, state, leaves)  # fmt: skip
                    return i, 0, True
                out_idx = arena_idx[at : at + nx + ny]
                out_val = arena_val[at : at + nx + ny]
            xy, xx, yy, m = _combine(scratch_idx[cx], scratch_val[cx], nx,
                                     scratch_idx[cy], scratch_val[cy], ny,
                                     out_idx, out_val)  # fmt: skip
            fam_F[f] = 0.5 * xy if sires and dams else 0.0
            fam_D[f] = 1.0 - 0.25 * (xx + yy)
        own[f] = np.sqrt(fam_D[f])
        done[f] = True
        if keep and m > 0:
            c = at // state[_CHUNK_SIZE]
            rows[f, _START] = at
            rows[f, _LENGTH] = m
            rows[f, _NEXT] = chunks[c, _FIRST]
            chunks[c, _FIRST] = f
            chunks[c, _LIVE] += m
            state[_FILL] = at + m - c * state[_CHUNK_SIZE]
        if not waits:
            _read_parents(e0, e1, parent, family, remaining, rows, chunks, pool, state)
        if state[_LEAVES] == leaves.size:
            _finish_leaves(ptr, parent, family, remaining, own, fam_F, rows, arena_idx,
                           arena_val, chunks, pool, state, leaves)  # fmt: skip
    _finish_leaves(ptr, parent, family, remaining, own, fam_F, rows, arena_idx, arena_val,
                   chunks, pool, state, leaves)  # fmt: skip
    return n, 0, False


@compiled
def _read_parents(
    e0: int,
    e1: int,
    parent: IntArray,
    family: IntArray,
    remaining: IntArray,
    rows: IntArray,
    chunks: IntArray,
    pool: IntArray,
    state: IntArray,
) -> None:  # pragma: no cover - compiled
    """Count one more read of the rows of links ``e0:e1``; release the rows read for the last
    time."""
    for e in range(e0, e1):
        g = family[parent[e]]
        remaining[g] -= 1
        if remaining[g] == 0 and rows[g, _LENGTH] > 0:
            _release(g, rows, chunks, pool, state)


@compiled
def _finish_leaves(
    ptr: IntArray,
    parent: IntArray,
    family: IntArray,
    remaining: IntArray,
    own: FloatArray,
    fam_F: FloatArray,
    rows: IntArray,
    arena_idx: Int32Array,
    arena_val: FloatArray,
    chunks: IntArray,
    pool: IntArray,
    state: IntArray,
    leaves: IntArray,
) -> None:  # pragma: no cover - compiled
    """F of the waiting leaf families (in parallel), then release what they read."""
    count = state[_LEAVES]
    if count >= PARALLEL_FROM:
        _leaf_products(leaves[:count], ptr, parent, family, own, fam_F, rows, arena_idx,
                       arena_val)  # fmt: skip
    else:
        for t in range(count):
            i = leaves[t]
            fam_F[family[i]] = _leaf_product(i, ptr, parent, family, own, rows, arena_idx,
                                             arena_val)  # fmt: skip
    for t in range(count):
        i = leaves[t]
        _read_parents(ptr[i], ptr[i + 1], parent, family, remaining, rows, chunks, pool, state)
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
    arena_idx: Int32Array,
    arena_val: FloatArray,
) -> None:  # pragma: no cover - compiled
    """:func:`_leaf_product` of every leaf family in ``leaves``, on all cores."""
    for t in prange(leaves.size):
        i = leaves[t]
        fam_F[family[i]] = _leaf_product(i, ptr, parent, family, own, rows, arena_idx, arena_val)


@compiled
def _leaf_product(
    i: int,
    ptr: IntArray,
    parent: IntArray,
    family: IntArray,
    own: FloatArray,
    rows: IntArray,
    arena_idx: Int32Array,
    arena_val: FloatArray,
) -> float:  # pragma: no cover - compiled
    """``F = R_sire . R_dam / 2`` of the plain family whose first member is at ``i``."""
    s = parent[ptr[i]]
    d = parent[ptr[i] + 1]
    lo = min(s, d)
    a = family[lo]
    b = family[max(s, d)]
    dot = _dot_parents(
        arena_idx, arena_val, rows[a, _START], rows[a, _LENGTH], rows[b, _START],
        rows[b, _LENGTH], lo, own[a],
    )  # fmt: skip
    return 0.5 * float(dot)


@compiled
def _release(
    g: int, rows: IntArray, chunks: IntArray, pool: IntArray, state: IntArray
) -> None:  # pragma: no cover - compiled
    """Drop family ``g``'s row; a chunk left without live rows returns to the pool."""
    c = rows[g, _START] // state[_CHUNK_SIZE]
    chunks[c, _LIVE] -= rows[g, _LENGTH]
    rows[g, _LENGTH] = 0
    if chunks[c, _LIVE] == 0 and c != state[_HEAD]:
        chunks[c, _FIRST] = -1
        pool[state[_POOLED]] = c
        state[_POOLED] += 1


@compiled
def _allocate(
    need: int,
    rows: IntArray,
    arena_idx: Int32Array,
    arena_val: FloatArray,
    chunks: IntArray,
    pool: IntArray,
    state: IntArray,
) -> int:  # pragma: no cover - compiled
    """Offset of ``need`` free entries for a new row, at the end of the head chunk; -1 when
    the store needs more chunks.

    When the head is full, a pooled (or never used) chunk becomes the head, and older chunks
    that are at most :data:`EVACUATE_AT` live are copied into it, emptiest first, while they
    fit.
    """
    size = state[_CHUNK_SIZE]
    head = state[_HEAD]
    if state[_FILL] + need <= size:
        return int(head * size + state[_FILL])
    if state[_POOLED] > 0:
        state[_POOLED] -= 1
        new = pool[state[_POOLED]]
    elif state[_FRESH] < chunks.shape[0]:
        new = state[_FRESH]
        state[_FRESH] += 1
    else:
        return -1
    if chunks[head, _LIVE] == 0:
        chunks[head, _FIRST] = -1
        pool[state[_POOLED]] = head
        state[_POOLED] += 1
    state[_HEAD] = new
    state[_FILL] = 0
    chunks[new, _LIVE] = 0
    chunks[new, _FIRST] = -1
    while True:
        emptiest = -1
        for k in range(state[_FRESH]):
            sparse = k != new and chunks[k, _FIRST] >= 0
            sparse = sparse and chunks[k, _LIVE] <= EVACUATE_AT * size
            if sparse and (emptiest < 0 or chunks[k, _LIVE] < chunks[emptiest, _LIVE]):
                emptiest = k
        if emptiest < 0 or state[_FILL] + chunks[emptiest, _LIVE] + need > size:
            break
        _evacuate(emptiest, new, rows, arena_idx, arena_val, chunks, state)
        pool[state[_POOLED]] = emptiest
        state[_POOLED] += 1
    return int(new * size + state[_FILL])


@compiled
def _evacuate(
    k: int,
    new: int,
    rows: IntArray,
    arena_idx: Int32Array,
    arena_val: FloatArray,
    chunks: IntArray,
    state: IntArray,
) -> None:  # pragma: no cover - compiled
    """Copy chunk ``k``'s live rows to the end of chunk ``new``; ``k`` is left empty."""
    base = new * state[_CHUNK_SIZE]
    f = chunks[k, _FIRST]
    while f >= 0:
        following = rows[f, _NEXT]
        m = rows[f, _LENGTH]
        if m > 0:
            s = rows[f, _START]
            t = base + state[_FILL]
            arena_idx[t : t + m] = arena_idx[s : s + m]
            arena_val[t : t + m] = arena_val[s : s + m]
            rows[f, _START] = t
            rows[f, _NEXT] = chunks[new, _FIRST]
            chunks[new, _FIRST] = f
            chunks[new, _LIVE] += m
            state[_FILL] += m
        f = following
    chunks[k, _LIVE] = 0
    chunks[k, _FIRST] = -1


@compiled
def _dot_parents(
    idx: Int32Array, val: FloatArray, a0: int, la: int, b0: int, lb: int, lo: int, own_lo: float
) -> float:  # pragma: no cover - compiled
    """``R_lo . R_hi`` for parents ``lo < hi``, whose family rows are ``idx/val[a0 : a0 + la]``
    and ``[b0 : b0 + lb]``.

    ``R_p`` is its family row (positions below ``p``) then ``own_p`` at ``p``, so only ``lo``
    can appear in the other row and ``hi`` in neither: the family rows merge without a test
    for the own entries. Products are summed in position order.
    """
    end_b = b0 + lb
    cut = _first_at_least(idx, b0, end_b, lo)
    a = a0
    b = b0
    end_a = a0 + la
    dot = 0.0
    while a < end_a and b < cut:
        ka = idx[a]
        kb = idx[b]
        dot += val[a] * val[b] if ka == kb else 0.0
        a += ka <= kb
        b += kb <= ka
    if cut < end_b and idx[cut] == lo:
        dot += own_lo * val[cut]
    return dot


@compiled
def _first_at_least(idx: Int32Array, lo: int, hi: int, value: int) -> int:  # pragma: no cover
    """The first ``k`` in ``lo:hi`` with ``idx[k] >= value`` (``idx`` sorted there), else ``hi``."""
    while lo < hi:
        mid = (lo + hi) // 2
        if idx[mid] < value:
            lo = mid + 1
        else:
            hi = mid
    return lo


@compiled
def _merge_parents(
    idx: Int32Array,
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
    end_b = b0 + lb
    cut = _first_at_least(idx, b0, end_b, lo)
    a = a0
    b = b0
    end_a = a0 + la
    dot = 0.0
    while a < end_a and b < cut:
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
    while a < end_a:
        idx[out] = idx[a]
        val[out] = 0.5 * val[a]
        out += 1
        a += 1
    while b < cut:
        idx[out] = idx[b]
        val[out] = 0.5 * val[b]
        out += 1
        b += 1
    idx[out] = lo
    if b < end_b and idx[b] == lo:
        dot += own_lo * val[b]
        val[out] = 0.5 * (own_lo + val[b])
        b += 1
    else:
        val[out] = 0.5 * own_lo
    out += 1
    while b < end_b:
        idx[out] = idx[b]
        val[out] = 0.5 * val[b]
        out += 1
        b += 1
    idx[out] = hi
    val[out] = 0.5 * own_hi
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
