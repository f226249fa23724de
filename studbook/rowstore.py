"""A row store: sorted sparse rows kept in fixed-size chunks of one arena, without compaction.

The factor kernel (:mod:`studbook.factor`) keeps one sparse row (16-bit position codes,
float64 values) per full-sib family until the row has been read for the last time. This module is
only the memory management of those rows; it knows nothing of what they mean.

Rows live in *chunks* of one arena, filled one after another (the *head* chunk takes new
rows). Releasing a row only counts its chunk's live entries down; a chunk without live rows
goes back to a pool for reuse. When the head fills up, a pooled (or never used) chunk becomes
the head and the emptiest older chunks that are at most :data:`EVACUATE_AT` live are copied
into it while they fit. Memory stays near the size of the live rows, nothing is ever compacted
as a whole, no row has an allocation of its own, and the kernels address rows by offset (no
array objects in the hot loops, so no reference counting).

A store is a tuple of six arrays, ``(rows, idx, val, chunks, pool, state)``, so that compiled
kernels can pass it as one argument:

- ``rows[r]`` = (start offset, length (0: no row), next row in the same chunk (-1 ends));
- ``idx``, ``val``: the arena (position codes and values of every kept row: 10 bytes an entry);
- ``chunks[c]`` = (live entries, first row of its list (-1: none));
- ``pool``: the chunks free for reuse (``state[POOLED]`` of them);
- ``state``: the head chunk, its fill, the chunk size, the chunks ever used, the pooled count.

The arena is reserved for ``slots`` chunks up front: only the chunks in use are ever written,
so untouched pages cost no memory and the store rarely has to grow (a copy).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from studbook.jit import compiled

__all__ = [
    "EVACUATE_AT",
    "RowStore",
    "allocate",
    "grow",
    "keep",
    "new_store",
    "rechunk",
    "release",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
CodeArray = npt.NDArray[np.uint16]
RowStore = tuple[IntArray, CodeArray, FloatArray, IntArray, IntArray, IntArray]
"""``(rows, idx, val, chunks, pool, state)``; see the module docstring."""

EVACUATE_AT = 0.8
"""An older chunk is copied into a new head chunk when at most this share of it is live.

On the deep 1e6 shape (420 MiB of live rows at the peak) 0.5 leaves the chunks in use 79 %
live (532 MiB touched), 0.8 90 % (467 MiB) for about a sixth more CPU time in F."""

# Columns of ``rows``.
START = 0  # offset of the row in the arena
LENGTH = 1  # its number of entries (0: no row kept)
NEXT = 2  # next row in the same chunk (-1 ends the chunk's list)

# Columns of ``chunks``.
LIVE = 0  # entries of live rows in the chunk
FIRST = 1  # first row of the chunk's list (-1: none)

# Slots of ``state``.
HEAD = 0  # chunk taking new rows
FILL = 1  # entries used in the head chunk
CHUNK_SIZE = 2  # entries per chunk
FRESH = 3  # chunks ever used (the next never-used chunk)
POOLED = 4  # chunks in the pool
_STATE = 5

NO_ROOM = -1
""":func:`allocate`: every reserved chunk is in use; :func:`grow` the store."""
TOO_LONG = -2
""":func:`allocate`: the row is longer than a chunk; :func:`rechunk` the store."""


@compiled
def new_store(n_rows: int, chunk: int, slots: int) -> RowStore:  # pragma: no cover - compiled
    """An empty store for rows ``0 .. n_rows - 1``, chunks of ``chunk`` entries, the arena
    reserved for ``slots`` chunks (at least 2)."""
    slots = max(slots, 2)
    rows = np.zeros((n_rows, 3), np.int64)
    rows[:, NEXT] = -1
    chunks = np.zeros((slots, 2), np.int64)
    chunks[:, FIRST] = -1
    state = np.zeros(_STATE, np.int64)
    state[CHUNK_SIZE] = chunk
    state[FRESH] = 1
    return (
        rows,
        np.empty(slots * chunk, np.uint16),
        np.empty(slots * chunk),
        chunks,
        np.empty(slots, np.int64),
        state,
    )


@compiled
def allocate(store: RowStore, need: int) -> int:  # pragma: no cover - compiled
    """Offset of ``need`` free entries for a new row, at the end of the head chunk (write
    the row there, then :func:`keep` it); :data:`NO_ROOM` or :data:`TOO_LONG` when the store
    must grow or take longer chunks first.

    When the head is full, a pooled (or never used) chunk becomes the head, and older chunks
    that are at most :data:`EVACUATE_AT` live are copied into it, emptiest first, while they
    fit.
    """
    _rows, _idx, _val, chunks, pool, state = store
    size = state[CHUNK_SIZE]
    if need > size:
        return TOO_LONG
    head = state[HEAD]
    if state[FILL] + need <= size:
        return int(head * size + state[FILL])
    if state[POOLED] > 0:
        state[POOLED] -= 1
        new = pool[state[POOLED]]
    elif state[FRESH] < chunks.shape[0]:
        new = state[FRESH]
        state[FRESH] += 1
    else:
        return NO_ROOM
    if chunks[head, LIVE] == 0:
        chunks[head, FIRST] = -1
        pool[state[POOLED]] = head
        state[POOLED] += 1
    state[HEAD] = new
    state[FILL] = 0
    chunks[new, LIVE] = 0
    chunks[new, FIRST] = -1
    while True:
        emptiest = -1
        for k in range(state[FRESH]):
            sparse = k != new and chunks[k, FIRST] >= 0
            sparse = sparse and chunks[k, LIVE] <= EVACUATE_AT * size
            if sparse and (emptiest < 0 or chunks[k, LIVE] < chunks[emptiest, LIVE]):
                emptiest = k
        if emptiest < 0 or state[FILL] + chunks[emptiest, LIVE] + need > size:
            break
        _evacuate(store, emptiest, new)
        pool[state[POOLED]] = emptiest
        state[POOLED] += 1
    return int(new * size + state[FILL])


@compiled
def keep(store: RowStore, r: int, at: int, length: int) -> None:  # pragma: no cover - compiled
    """Record row ``r``, written at offset ``at`` (from :func:`allocate`), ``length`` long."""
    rows, _idx, _val, chunks, _pool, state = store
    c = at // state[CHUNK_SIZE]
    rows[r, START] = at
    rows[r, LENGTH] = length
    rows[r, NEXT] = chunks[c, FIRST]
    chunks[c, FIRST] = r
    chunks[c, LIVE] += length
    state[FILL] = at + length - c * state[CHUNK_SIZE]


@compiled
def release(store: RowStore, r: int) -> None:  # pragma: no cover - compiled
    """Drop row ``r``; a chunk left without live rows returns to the pool."""
    rows, _idx, _val, chunks, pool, state = store
    if rows[r, LENGTH] == 0:
        return
    c = rows[r, START] // state[CHUNK_SIZE]
    chunks[c, LIVE] -= rows[r, LENGTH]
    rows[r, LENGTH] = 0
    if chunks[c, LIVE] == 0 and c != state[HEAD]:
        chunks[c, FIRST] = -1
        pool[state[POOLED]] = c
        state[POOLED] += 1


@compiled
def _evacuate(store: RowStore, k: int, new: int) -> None:  # pragma: no cover - compiled
    """Copy chunk ``k``'s live rows to the end of chunk ``new``; ``k`` is left empty."""
    rows, idx, val, chunks, _pool, state = store
    base = new * state[CHUNK_SIZE]
    f = chunks[k, FIRST]
    while f >= 0:
        following = rows[f, NEXT]
        m = rows[f, LENGTH]
        if m > 0:
            s = rows[f, START]
            t = base + state[FILL]
            idx[t : t + m] = idx[s : s + m]
            val[t : t + m] = val[s : s + m]
            rows[f, START] = t
            rows[f, NEXT] = chunks[new, FIRST]
            chunks[new, FIRST] = f
            chunks[new, LIVE] += m
            state[FILL] += m
        f = following
    chunks[k, LIVE] = 0
    chunks[k, FIRST] = -1


@compiled
def grow(store: RowStore) -> RowStore:  # pragma: no cover - compiled
    """The store with twice the chunk slots (the arena copied), every row where it was."""
    rows, idx, val, chunks, pool, state = store
    used = state[FRESH] * state[CHUNK_SIZE]
    slots = 2 * chunks.shape[0]
    grown_idx = np.empty(slots * state[CHUNK_SIZE], np.uint16)
    grown_val = np.empty(slots * state[CHUNK_SIZE])
    grown_idx[:used] = idx[:used]
    grown_val[:used] = val[:used]
    grown_chunks = np.zeros((slots, 2), np.int64)
    grown_chunks[:, FIRST] = -1
    grown_chunks[: chunks.shape[0]] = chunks
    grown_pool = np.empty(slots, np.int64)
    grown_pool[: pool.size] = pool
    return rows, grown_idx, grown_val, grown_chunks, grown_pool, state


@compiled
def rechunk(store: RowStore, chunk: int, slots: int) -> RowStore:  # pragma: no cover - compiled
    """The live rows copied, packed, into a new store of ``chunk``-entry chunks reserved for
    at least ``slots`` chunks (more if the live rows need them)."""
    rows, idx, val, chunks, _pool, state = store
    live = 0
    for c in range(state[FRESH]):
        live += chunks[c, LIVE]
    new = new_store(rows.shape[0], chunk, max(slots, 2 + 2 * live // chunk))
    for c in range(state[FRESH]):
        r = chunks[c, FIRST]
        while r >= 0:
            following = rows[r, NEXT]
            m = rows[r, LENGTH]
            if m > 0:
                at = allocate(new, m)
                s = rows[r, START]
                new[1][at : at + m] = idx[s : s + m]
                new[2][at : at + m] = val[s : s + m]
                keep(new, r, at, m)
            r = following
    return new
