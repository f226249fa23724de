"""Products with the relationship matrix without building it (Colleau 2002, the indirect method).

With ``A = T D T'``, ``T = (I - P)^-1`` and ``P[o, k] = p_k / 2`` for each possible parent ``k``
of ``o`` (see :mod:`studbook.inbreeding`), ``y = A x`` takes three sweeps over the parent links:

1. ``u = T' x``: youngest first, ``u_k += p_k / 2 * u_o`` for each parent ``k`` of ``o``;
2. ``v = D u``;
3. ``y = T v``: oldest first, ``y_o = v_o + sum_k p_k / 2 * y_k``.

That is O(N) per column. For a block of columns the same sweeps run on every column at once,
trimmed to the ancestors of the animals involved: nobody else can change the result.
All values here are relationships ``a = 2 f`` (twice the kinship).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from studbook.inbreeding import Layout, layout
from studbook.jit import compiled, interpretable, parallel, prange
from studbook.pedigree import Pedigree

__all__ = ["SubLayout", "a_times", "ancestors_of", "relationship_columns"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@interpretable
@compiled
def _a_times(
    ptr: IntArray, parent: IntArray, weight: FloatArray, D: FloatArray, x: FloatArray
) -> FloatArray:  # pragma: no cover - compiled
    n = ptr.size - 1
    y = x.copy()
    for i in range(n - 1, -1, -1):
        yi = 0.5 * y[i]
        if yi != 0.0:
            for e in range(ptr[i], ptr[i + 1]):
                y[parent[e]] += weight[e] * yi
    for i in range(n):
        y[i] *= D[i]
    for i in range(n):
        acc = y[i]
        for e in range(ptr[i], ptr[i + 1]):
            acc += 0.5 * weight[e] * y[parent[e]]
        y[i] = acc
    return y


@compiled
def _a_times_block(
    ptr: IntArray, parent: IntArray, weight: FloatArray, D: FloatArray, Y: FloatArray
) -> None:  # pragma: no cover - compiled
    """``Y <- A Y`` in place, one row per animal (rows contiguous, columns vectorised)."""
    n = ptr.size - 1
    m = Y.shape[1]
    for i in range(n - 1, -1, -1):
        for e in range(ptr[i], ptr[i + 1]):
            p = parent[e]
            h = 0.5 * weight[e]
            for c in range(m):
                Y[p, c] += h * Y[i, c]
    for i in range(n):
        d = D[i]
        for c in range(m):
            Y[i, c] *= d
    for i in range(n):
        for e in range(ptr[i], ptr[i + 1]):
            p = parent[e]
            h = 0.5 * weight[e]
            for c in range(m):
                Y[i, c] += h * Y[p, c]


@compiled
def _closure(ptr: IntArray, parent: IntArray, mark: BoolArray) -> None:  # pragma: no cover
    """Extend ``mark`` (by position) to every ancestor of a marked animal."""
    for i in range(ptr.size - 2, -1, -1):
        if mark[i]:
            for e in range(ptr[i], ptr[i + 1]):
                mark[parent[e]] = True


def a_times(ped: Pedigree, x: FloatArray) -> FloatArray:
    """``A x`` for a vector ``x`` aligned with ``ped.ids`` (relationship ``a = 2 f``), in O(N).

    Examples
    --------
    >>> from studbook.csvformat import table_from_text
    >>> text = "id,sire,dam,sex\\nA,,,M\\nB,,,F\\nC,A,B,M\\n"
    >>> ped = Pedigree.from_table(table_from_text(text, "demo.csv"))
    >>> a_times(ped, np.array([0.0, 0.0, 1.0])).tolist()  # column C of A
    [0.5, 0.5, 1.0]
    """
    lay = layout(ped)
    y: FloatArray = _a_times(
        lay.ptr, lay.parent, lay.weight, lay.D, np.asarray(x, np.float64)[lay.order]
    )
    out = np.empty_like(y)
    out[lay.order] = y
    return out


@dataclass(frozen=True)
class SubLayout:
    """The ancestors of some animals, parents-first: ``members`` are positions in the layout."""

    members: IntArray
    ptr: IntArray
    parent: IntArray
    weight: FloatArray
    side: npt.NDArray[np.int8]
    D: FloatArray
    local: IntArray  # layout position -> row in this sub-layout (-1 outside)


def ancestors_of(lay: Layout, positions: IntArray) -> SubLayout:
    """The sub-pedigree of ``positions`` and all their ancestors (O(N) marking sweep)."""
    mark = np.zeros(len(lay), bool)
    mark[positions] = True
    _closure(lay.ptr, lay.parent, mark)
    members = np.flatnonzero(mark).astype(np.int64)
    local = np.full(len(lay), -1, np.int64)
    local[members] = np.arange(members.size, dtype=np.int64)
    counts = lay.ptr[members + 1] - lay.ptr[members]
    ptr = np.zeros(members.size + 1, np.int64)
    np.cumsum(counts, out=ptr[1:])
    edge = np.repeat(lay.ptr[members] - ptr[:-1], counts) + np.arange(int(ptr[-1]))
    return SubLayout(
        members,
        ptr,
        local[lay.parent[edge]],
        lay.weight[edge],
        lay.side[edge],
        lay.D[members],
        local,
    )


def relationship_columns(
    lay: Layout, rows: IntArray, cols: IntArray, chunk_cells: int = 1 << 19
) -> FloatArray:
    """``A[rows, cols]`` (positions), by the indirect method on the rows' and columns' ancestors.

    Columns go in chunks whose work matrix holds at most ``chunk_cells`` numbers (4 MB: it
    stays in cache through the three sweeps); the chunks run in parallel.
    """
    sub = ancestors_of(lay, np.concatenate([rows, cols]))
    n_sub = sub.members.size
    out = np.empty((rows.size, cols.size))
    step = max(1, min(cols.size, chunk_cells // max(n_sub, 1)))
    _column_chunks(
        sub.ptr, sub.parent, sub.weight, sub.D, sub.local[rows], sub.local[cols], step, out
    )
    return out


@parallel
def _column_chunks(
    ptr: IntArray,
    parent: IntArray,
    weight: FloatArray,
    D: FloatArray,
    rows: IntArray,
    cols: IntArray,
    step: int,
    out: FloatArray,
) -> None:  # pragma: no cover - compiled
    """``out[:, j] = A[rows, cols[j]]`` (local rows), ``step`` columns per work matrix."""
    n = ptr.size - 1
    n_chunks = (cols.size + step - 1) // step
    for k in prange(n_chunks):
        first = k * step
        width = min(step, cols.size - first)
        Y = np.zeros((n, width))
        for c in range(width):
            Y[cols[first + c], c] = 1.0
        _a_times_block(ptr, parent, weight, D, Y)
        for r in range(rows.size):
            for c in range(width):
                out[r, first + c] = Y[rows[r], c]
