"""The slow reference twin: kinship straight from its recursive definition (tests only).

f_ii = (1 + F_i) / 2, F_i = f_sd; f_ij = (f_sj + f_dj) / 2 expanding the animal that cannot be an
ancestor of the other; an unknown or WILD parent contributes 0; MULT parents enter as the
probability-weighted sum over their candidates. Memoised, exact up to float rounding, and
independent of the engine's layout, ordering and kernels: only ``ped.sire``, ``ped.dam``,
``ped.mult_sire`` and ``ped.mult_dam`` are read.
"""

from __future__ import annotations

import sys
from functools import lru_cache

import numpy as np

from studbook.pedigree import Pedigree

Options = tuple[tuple[int, float], ...]


class ReferenceKinship:
    """Kinship, F, MK, GD and FGE of one pedigree by plain memoised recursion."""

    def __init__(self, ped: Pedigree) -> None:
        sys.setrecursionlimit(max(sys.getrecursionlimit(), 100_000))
        self.ped = ped
        self.options: list[tuple[Options, Options]] = []
        for k in range(len(ped)):
            sides = []
            for single, mult in ((ped.sire, ped.mult_sire), (ped.dam, ped.mult_dam)):
                if k in mult:
                    cands, probs = mult[k]
                    sides.append(tuple(zip(cands.tolist(), probs.tolist(), strict=True)))
                elif single[k] >= 0:
                    sides.append(((int(single[k]), 1.0),))
                else:
                    sides.append(())
            self.options.append((sides[0], sides[1]))
        self.depth = lru_cache(maxsize=None)(self._depth)
        self.kinship = lru_cache(maxsize=None)(self._kinship)

    def _depth(self, i: int) -> int:
        parents = [p for side in self.options[i] for p, _ in side]
        return 1 + max((self.depth(p) for p in parents), default=-1)

    def inbreeding(self, i: int) -> float:
        sire, dam = self.options[i]
        return sum(p * q * self.kinship(k, m) for k, p in sire for m, q in dam)

    def _kinship(self, i: int, j: int) -> float:
        if i == j:
            return 0.5 * (1.0 + self.inbreeding(i))
        # Expand the deeper animal: it cannot be an ancestor of the other one.
        if (self.depth(i), i) < (self.depth(j), j):
            i, j = j, i
        sire, dam = self.options[i]
        total = sum(p * self.kinship(k, j) for k, p in sire)
        total += sum(q * self.kinship(m, j) for m, q in dam)
        return 0.5 * total

    def matrix(self, idx: list[int]) -> np.ndarray:
        return np.array([[self.kinship(a, b) for b in idx] for a in idx])

    def mean_kinship(self, population: list[int]) -> dict[str, float]:
        return {
            self.ped.ids[i]: sum(self.kinship(i, j) for j in population) / len(population)
            for i in population
        }


def random_pedigree(seed: int, n: int = 40, *, mult: bool = True, shuffle: bool = True) -> Pedigree:
    """A small random pedigree with founders, UNK/WILD/'0' parents, MULT parents (with and
    without probabilities), close inbreeding (parents drawn from the last few animals) and,
    optionally, shuffled rows. Even rows are males, odd rows females, so that every sire is
    male and every dam female. Ids include "7" and "0070" (text, not numbers)."""
    rng = np.random.default_rng(seed)
    ids = [f"a{k}" for k in range(n)]
    ids[min(5, n - 1)] = "7"
    ids[min(6, n - 1)] = "0070"
    sex = ["M" if k % 2 == 0 else "F" for k in range(n)]
    sires: list[str] = []
    dams: list[str] = []
    for k in range(n):
        if k < 3 or rng.random() < 0.1:
            sires.append(str(rng.choice(["", "WILD", "UNK", "0"])))
            dams.append(str(rng.choice(["", "WILD", "UNK"])))
            continue
        cells = []
        for side in range(2):
            window = np.arange(max(0, k - 16), k)
            window = window[window % 2 == side]
            chosen = rng.choice(window, size=min(window.size, 3), replace=False).tolist()
            r = rng.random()
            if r < 0.1:
                cells.append("UNK" if side == 0 else "")
            elif mult and r < 0.3 and len(chosen) >= 2:
                m = min(len(chosen), int(rng.integers(2, 4)))
                cands = chosen[:m]
                if rng.random() < 0.5:
                    cells.append("|".join(ids[c] for c in cands))
                else:
                    w = rng.dirichlet(np.ones(m))
                    w = np.round(w, 3)
                    w[-1] = round(1.0 - float(w[:-1].sum()), 3)
                    cells.append(
                        "|".join(f"{ids[c]}:{p:.3f}" for c, p in zip(cands, w, strict=True))
                    )
            elif chosen:
                cells.append(ids[chosen[0]])
            else:
                cells.append("")
        sires.append(cells[0])
        dams.append(cells[1])
    rows = rng.permutation(n) if shuffle else np.arange(n)
    return Pedigree.from_cells(
        [ids[r] for r in rows],
        [sires[r] for r in rows],
        [dams[r] for r in rows],
        [sex[r] for r in rows],
    )
