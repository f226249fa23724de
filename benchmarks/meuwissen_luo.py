"""Meuwissen & Luo (1992), compiled with numba: the classic method F is measured against.

The benchmarks report the engine's time for F as a ratio to this reference run in the same
process on the same pedigree: a ratio survives a busy, shared machine, an absolute time does
not. It is the published algorithm, written plainly:

- animals are numbered parents-first (1 .. n; 0 is an unknown parent, with ``F_0 = -1``);
- ``D_i = 1/2 - (F_s + F_d)/4`` (so ``3/4 - F_p/4`` with one known parent, 1 with none);
- an animal with both parents known and the same parents as the animal before it copies
  that animal's ``F``; otherwise its row of ``L`` is traced through its ancestors, youngest
  first, kept in a linked list sorted by number (each new ancestor is inserted by walking
  the list from the animal being processed): ``L_k += L_j / 2`` for each parent ``k`` of
  ``j`` and ``F_i = sum_j L_ij^2 D_j - 1``.

MULT parents (candidates ``k`` with probabilities ``p_k``) extend it exactly: the same trace
seeded with ``L_k = p_k`` gives ``x'Ax`` for the sire side, ``y'Ay`` for the dam side and
``(x+y)'A(x+y)`` for both, so ``F = ((x+y)'A(x+y) - x'Ax - y'Ay)/4`` and
``D = 1 - (x'Ax + y'Ay)/4``.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@numba.njit(cache=True, nogil=True)
def _trace(
    seeds: IntArray,
    coeff: FloatArray,
    count: int,
    sire: IntArray,
    dam: IntArray,
    multi: npt.NDArray[np.bool_],
    ptr: IntArray,
    parent: IntArray,
    weight: FloatArray,
    D: FloatArray,
    L: FloatArray,
    nxt: IntArray,
) -> float:  # pragma: no cover - compiled
    """``sum_j L_j^2 D_j`` over the ancestors of ``seeds[:count]`` (numbers 1..n) with
    starting coefficients ``coeff``; leaves ``L`` zero."""
    top = 0
    for s in range(count):
        top = max(top, seeds[s])
    nxt[top] = 0
    for s in range(count):
        k = seeds[s]
        if k != top:
            _insert(k, top, nxt)
        L[k] += coeff[s]
    total = 0.0
    j = top
    while j != 0:
        h = 0.5 * L[j]
        if multi[j]:
            for e in range(ptr[j - 1], ptr[j]):
                k = parent[e] + 1
                _insert(k, j, nxt)
                L[k] += h * weight[e]
        else:
            k = sire[j]
            if k != 0:
                _insert(k, j, nxt)
                L[k] += h
            k = dam[j]
            if k != 0:
                _insert(k, j, nxt)
                L[k] += h
        total += L[j] * L[j] * D[j]
        L[j] = 0.0
        j = nxt[j]
    return total


@numba.njit(cache=True, nogil=True, inline="always")
def _insert(k: int, j: int, nxt: IntArray) -> None:  # pragma: no cover - compiled
    """Put ``k`` (< ``j``) into the descending list after ``j``, unless it is there."""
    prev = j
    cur = nxt[j]
    while cur > k:
        prev = cur
        cur = nxt[cur]
    if cur != k:
        nxt[prev] = k
        nxt[k] = cur


@numba.njit(cache=True, nogil=True)
def meuwissen_luo(
    ptr: IntArray, parent: IntArray, weight: FloatArray, side: npt.NDArray[np.int8]
) -> tuple[FloatArray, FloatArray]:  # pragma: no cover - compiled
    """F and D of every position of a parents-first pedigree (links as
    :func:`studbook.factor.factor` takes them: ``ptr``, ``parent``, ``weight``, ``side``)."""
    n = ptr.size - 1
    sire = np.zeros(n + 1, np.int64)
    dam = np.zeros(n + 1, np.int64)
    multi = np.zeros(n + 1, np.bool_)
    for i in range(n):
        for e in range(ptr[i], ptr[i + 1]):
            taken = sire[i + 1] if side[e] == 0 else dam[i + 1]
            if weight[e] != 1.0 or taken != 0:
                multi[i + 1] = True
            elif side[e] == 0:
                sire[i + 1] = parent[e] + 1
            else:
                dam[i + 1] = parent[e] + 1
    F = np.zeros(n + 1)
    D = np.zeros(n + 1)
    F[0] = -1.0
    L = np.zeros(n + 1)
    nxt = np.zeros(n + 1, np.int64)
    width = 1
    for i in range(n):
        width = max(width, ptr[i + 1] - ptr[i])
    seeds = np.zeros(width, np.int64)
    coeff = np.zeros(seeds.size)
    for i in range(1, n + 1):
        s = sire[i]
        d = dam[i]
        if multi[i]:
            xx = 0.0
            yy = 0.0
            both = 0
            for want in range(2):
                count = 0
                for e in range(ptr[i - 1], ptr[i]):
                    if side[e] == want:
                        seeds[count] = parent[e] + 1
                        coeff[count] = weight[e]
                        count += 1
                if count > 0:
                    both += 1
                    q = _trace(seeds, coeff, count, sire, dam, multi, ptr, parent, weight, D,
                               L, nxt)  # fmt: skip
                    if want == 0:
                        xx = q
                    else:
                        yy = q
            D[i] = 1.0 - 0.25 * (xx + yy)
            if both == 2:
                count = 0
                for e in range(ptr[i - 1], ptr[i]):
                    seeds[count] = parent[e] + 1
                    coeff[count] = weight[e]
                    count += 1
                zz = _trace(seeds, coeff, count, sire, dam, multi, ptr, parent, weight, D, L,
                            nxt)  # fmt: skip
                F[i] = 0.25 * (zz - xx - yy)
            continue
        D[i] = 0.5 - 0.25 * (F[s] + F[d])
        if s == 0 or d == 0:
            continue
        if i > 1 and not multi[i - 1] and s == sire[i - 1] and d == dam[i - 1]:
            F[i] = F[i - 1]
            continue
        seeds[0] = i
        coeff[0] = 1.0
        F[i] = _trace(seeds, coeff, 1, sire, dam, multi, ptr, parent, weight, D, L, nxt) - 1.0
    return F[1:].copy(), D[1:].copy()
