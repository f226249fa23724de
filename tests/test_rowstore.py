"""The row store: rows keep their contents through reuse, evacuation, growth and rechunking."""

from __future__ import annotations

import numpy as np
import pytest

from studbook.rowstore import (
    CHUNK_SIZE,
    FIRST,
    FRESH,
    LENGTH,
    LIVE,
    NO_ROOM,
    POOLED,
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


def put(store: RowStore, r: int, values: np.ndarray) -> RowStore:
    """Store row ``r`` with ``values`` (positions 0, 1, ...), growing or rechunking as asked."""
    while True:
        at = allocate(store, values.size)
        if at == NO_ROOM:
            store = grow(store)
        elif at == TOO_LONG:
            size = int(store[5][CHUNK_SIZE])
            store = rechunk(store, max(2 * size, values.size), 2)
        else:
            break
    store[1][at : at + values.size] = np.arange(values.size, dtype=np.uint16)
    store[2][at : at + values.size] = values
    keep(store, r, at, values.size)
    return store


def row(store: RowStore, r: int) -> np.ndarray:
    rows, idx, val = store[0], store[1], store[2]
    s, m = int(rows[r, START]), int(rows[r, LENGTH])
    assert idx[s : s + m].tolist() == list(range(m))
    return val[s : s + m].copy()


def check(store: RowStore, want: dict[int, np.ndarray]) -> None:
    """Every kept row reads back; each chunk's live count is the sum of its rows' lengths."""
    rows, chunks, state = store[0], store[3], store[5]
    for r, values in want.items():
        assert np.array_equal(row(store, r), values), r
    size = int(state[CHUNK_SIZE])
    live = np.zeros(chunks.shape[0], np.int64)
    for r, values in want.items():
        live[int(rows[r, START]) // size] += values.size
    assert np.array_equal(chunks[: state[FRESH], LIVE], live[: state[FRESH]])


class TestRowStore:
    """Allocation, release and the chunk pool."""

    def test_rows_share_a_chunk_until_it_is_full(self) -> None:
        """Rows go one after another into the head chunk; the next row that does not fit opens
        a new chunk."""
        store = new_store(4, 10, 4)
        store = put(store, 0, np.array([1.0, 2.0, 3.0, 4.0]))
        store = put(store, 1, np.array([5.0, 6.0, 7.0, 8.0, 9.0]))
        assert store[0][1, START] == 4
        store = put(store, 2, np.array([0.5, 0.25]))
        assert store[0][2, START] == 10  # chunk 1
        check(store, {0: np.array([1.0, 2, 3, 4]), 1: np.arange(5, 10.0), 2: np.array([0.5, 0.25])})

    def test_an_emptied_chunk_returns_to_the_pool(self) -> None:
        """Releasing the last row of an older chunk puts it in the pool, and it is reused."""
        store = new_store(4, 10, 3)
        store = put(store, 0, np.ones(8))
        store = put(store, 1, np.ones(8))  # chunk 1
        release(store, 0)
        assert store[5][POOLED] == 1
        store = put(store, 2, np.full(8, 2.0))
        assert int(store[0][2, START]) // 10 == 0  # chunk 0 again
        assert store[5][FRESH] == 2

    def test_a_sparse_chunk_is_evacuated_into_the_new_head(self) -> None:
        """A chunk at most EVACUATE_AT live is copied into the next head and pooled."""
        store = new_store(6, 10, 4)
        store = put(store, 0, np.arange(1.0, 4.0))
        store = put(store, 1, np.arange(10.0, 17.0))  # chunk 0 full
        release(store, 1)
        store = put(store, 2, np.full(5, 3.0))  # chunk 1; chunk 0 (3 of 10 live) moves in
        assert int(store[0][0, START]) // 10 == 1
        assert store[3][0, FIRST] == -1 and store[3][0, LIVE] == 0
        check(store, {0: np.arange(1.0, 4.0), 2: np.full(5, 3.0)})
        assert store[0][2, START] == 13  # after the evacuated row

    def test_release_twice_is_harmless(self) -> None:
        """A released row has length 0; releasing it again changes nothing."""
        store = new_store(2, 10, 2)
        store = put(store, 0, np.ones(3))
        release(store, 0)
        release(store, 0)
        assert store[3][0, LIVE] == 0 and store[0][0, LENGTH] == 0

    def test_too_long_and_no_room(self) -> None:
        """A row longer than a chunk asks for longer chunks; a full reserve asks to grow."""
        store = new_store(3, 10, 2)
        assert allocate(store, 11) == TOO_LONG
        store = put(store, 0, np.ones(10))
        store = put(store, 1, np.ones(10))
        assert allocate(store, 5) == NO_ROOM


@pytest.mark.parametrize("seed", range(6))
def test_random_use_keeps_every_row(seed: int) -> None:
    """Random rows kept and released, through evacuations, growths and rechunks: every live
    row reads back exactly."""
    rng = np.random.default_rng(seed)
    store = new_store(400, 16, 2)
    want: dict[int, np.ndarray] = {}
    for r in range(400):
        values = rng.random(int(rng.integers(1, 40)))
        store = put(store, r, values)
        want[r] = values
        for old in [k for k in want if rng.random() < 0.15]:
            release(store, old)
            del want[old]
        check(store, want)
    assert store[5][CHUNK_SIZE] >= 39
