"""Founder contributions, founder representation, founder equivalents and % known.

A *founder* here is an animal without any recorded parent (no known parent, no MULT
candidates). The genetic contribution of founder ``k`` to animal ``i`` follows

    p_ik = 1 if i = k;  p_ik = (p_sk + p_dk) / 2 otherwise,

with a MULT parent entering as ``sum_c p_c p_ck`` over its candidates and an unknown parent
contributing 0 (its genes come from no listed founder). In matrix form ``p = T e_k`` with
``T = (I - P)^-1`` (see :mod:`studbook.colleau`). The representation of founder ``k`` in a
population of ``N`` animals is ``r_k = (1/N) sum_i p_ik`` (one sweep ``T' x / N``), and the
founder equivalents ``FE = 1 / sum_k r_k^2`` (Lacy 1989): the number of equally represented
founders that would give the same representation spread.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from studbook.colleau import ancestors_of
from studbook.ids import AnimalId
from studbook.inbreeding import layout
from studbook.jit import compiled, interpretable
from studbook.kinship import EmptyPopulationError
from studbook.pedigree import Pedigree, Population

__all__ = [
    "flagged_contribution",
    "founder_contributions",
    "founder_equivalents",
    "founder_representation",
    "genetic_founders",
    "percent_known",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@interpretable
@compiled
def _down(
    ptr: IntArray, parent: IntArray, weight: FloatArray, fixed: BoolArray, value: FloatArray
) -> FloatArray:  # pragma: no cover - compiled
    """Oldest first: ``v_i = value_i`` where ``fixed``, else ``sum_k p_k / 2 * v_k``."""
    n = ptr.size - 1
    v = np.zeros(n)
    for i in range(n):
        if fixed[i]:
            v[i] = value[i]
            continue
        acc = 0.0
        for e in range(ptr[i], ptr[i + 1]):
            acc += 0.5 * weight[e] * v[parent[e]]
        v[i] = acc
    return v


@interpretable
@compiled
def _up(
    ptr: IntArray, parent: IntArray, weight: FloatArray, x: FloatArray
) -> FloatArray:  # pragma: no cover - compiled
    """Youngest first: ``u = T' x``, ``u_k += p_k / 2 * u_o`` for each parent ``k`` of ``o``."""
    u = x.copy()
    for i in range(ptr.size - 2, -1, -1):
        h = 0.5 * u[i]
        if h != 0.0:
            for e in range(ptr[i], ptr[i + 1]):
                u[parent[e]] += weight[e] * h
    return u


@compiled
def _down_block(
    ptr: IntArray, parent: IntArray, weight: FloatArray, Y: FloatArray
) -> None:  # pragma: no cover - compiled
    """``Y <- T Y`` in place for rows without seeds (rows with parents only)."""
    m = Y.shape[1]
    for i in range(ptr.size - 1):
        for e in range(ptr[i], ptr[i + 1]):
            p = parent[e]
            h = 0.5 * weight[e]
            for c in range(m):
                Y[i, c] += h * Y[p, c]


def genetic_founders(ped: Pedigree) -> BoolArray:
    """Animals without any recorded parent (mask aligned with ``ped.ids``).

    Examples
    --------
    >>> from studbook.csvformat import table_from_text
    >>> ped = Pedigree.from_table(table_from_text("id,sire,dam,sex\\nA,,,M\\nB,A,UNK,F\\n", "x"))
    >>> genetic_founders(ped).tolist()
    [True, False]
    """
    has_parent = np.zeros(len(ped), bool)
    has_parent[ped.parent_edges.child] = True
    return ~has_parent


def founder_contributions(
    ped: Pedigree, ids: Sequence[AnimalId] | None = None
) -> tuple[list[str], FloatArray]:
    """Genetic contribution ``p_ik`` of each founder ``k`` to each animal ``i`` of ``ids``.

    Returns ``(founder ids, matrix)`` with one row per animal of ``ids`` (default: the living)
    and one column per founder in their ancestry (pedigree order). A row sums to 1 minus the
    share of the genome that traces to unknown parents. Computed on the animals' ancestors
    only, ``T`` applied to every founder column at once.

    Examples
    --------
    >>> from studbook.csvformat import table_from_text
    >>> ped = Pedigree.from_table(table_from_text(
    ...     "id,sire,dam,sex\\nA,,,M\\nB,,,F\\nC,A,B,M\\nD,C,B,F\\n", "demo.csv"))
    >>> names, p = founder_contributions(ped, ["D"])
    >>> names, p.tolist()
    (['A', 'B'], [[0.25, 0.75]])
    """
    wanted = ped.indices(ids) if ids is not None else ped.population_indices(None)
    lay = layout(ped)
    sub = ancestors_of(lay, lay.position[wanted])
    animals = lay.order[sub.members]
    is_founder = np.diff(sub.ptr) == 0
    founder_rows = np.flatnonzero(is_founder)
    founder_rows = founder_rows[np.argsort(animals[founder_rows], kind="stable")]
    Y = np.zeros((sub.members.size, founder_rows.size))
    Y[founder_rows, np.arange(founder_rows.size)] = 1.0
    _down_block(sub.ptr, sub.parent, sub.weight, Y)
    names = [ped.ids[k] for k in animals[founder_rows].tolist()]
    return names, Y[sub.local[lay.position[wanted]]]


def founder_representation(ped: Pedigree, population: Population = None) -> dict[str, float]:
    """Mean contribution ``r_k = (1/N) sum_{i in P} p_ik`` of every founder to the population.

    Only founders with a non-zero share are listed, in pedigree order. One sweep ``T' x``.

    Examples
    --------
    >>> from studbook.csvformat import table_from_text
    >>> ped = Pedigree.from_table(table_from_text(
    ...     "id,sire,dam,sex\\nA,,,M\\nB,,,F\\nC,A,B,M\\nD,C,B,F\\n", "demo.csv"))
    >>> founder_representation(ped, ["C", "D"])
    {'A': 0.375, 'B': 0.625}
    """
    mask = ped.population_mask(population)
    n_pop = int(mask.sum())
    if n_pop == 0:
        raise EmptyPopulationError("the reference population is empty (nobody is living?)")
    lay = layout(ped)
    u = _up(lay.ptr, lay.parent, lay.weight, mask[lay.order].astype(np.float64))
    share = np.empty(len(ped))
    share[lay.order] = u / n_pop
    founders = np.flatnonzero(genetic_founders(ped) & (share > 0))
    return {ped.ids[k]: float(share[k]) for k in founders.tolist()}


def founder_equivalents(ped: Pedigree, population: Population = None) -> float:
    """Founder equivalents ``FE = 1 / sum_k q_k^2`` (founders, Lacy 1989).

    ``q_k = r_k / sum_j r_j`` is the :func:`founder_representation` taken relative to the part
    of the genome that traces to founders. With a complete pedigree ``sum_j r_j = 1`` and
    ``q = r``; when unknown parents hide part of the genome (half-founders), the shares are
    rescaled to the known part, as purgeR does (Dorcas gazelle: Nfe = 13.386468).

    Examples
    --------
    >>> from studbook.csvformat import table_from_text
    >>> ped = Pedigree.from_table(table_from_text(
    ...     "id,sire,dam,sex\\nA,,,M\\nB,,,F\\nC,A,B,M\\nD,C,B,F\\n", "demo.csv"))
    >>> round(founder_equivalents(ped, ["C", "D"]), 6)  # 1 / (0.375^2 + 0.625^2)
    1.882353
    """
    shares = np.array(list(founder_representation(ped, population).values()))
    return float(np.sum(shares) ** 2 / np.sum(shares**2))


def flagged_contribution(ped: Pedigree, flags: str | Iterable[str]) -> FloatArray:
    """Share of each animal's genome from animals carrying any of the founder ``flags``.

    ``c_i = 1`` for a flagged animal, else ``c_i = (c_s + c_d) / 2`` (MULT weighted; an unknown
    parent contributes 0). A proportion, aligned with ``ped.ids``; unknown flag names flag
    nobody. Used to cap, e.g., the genes of a founder of another subspecies in release
    candidates.

    Examples
    --------
    >>> from studbook.csvformat import table_from_text
    >>> ped = Pedigree.from_table(table_from_text(
    ...     "id,sire,dam,sex,flags\\nA,,,M,hybrid\\nB,,,F,\\nC,A,B,M,\\nD,C,B,F,\\n", "demo.csv"))
    >>> flagged_contribution(ped, "hybrid").tolist()
    [1.0, 0.0, 0.5, 0.25]
    """
    names = [flags] if isinstance(flags, str) else list(flags)
    mask = ped.flagged(names)
    lay = layout(ped)
    fixed = mask[lay.order]
    v = _down(lay.ptr, lay.parent, lay.weight, fixed, fixed.astype(np.float64))
    out = np.empty(len(ped))
    out[lay.order] = v
    return out


def percent_known(ped: Pedigree, *, through_mult: bool = True) -> FloatArray:
    """Percentage (0 to 100) of each animal's genome traceable to real founders.

    ``k_i = 1`` for a real founder (wild-born or marked as founder, :attr:`Pedigree.founder`),
    else ``k_i = (k_s + k_d) / 2`` with an unknown parent contributing 0 (MULT weighted: all
    candidates are known animals). Aligned with ``ped.ids``. ``through_mult=False`` leaves the
    MULT links out: the share traced through certain parents only
    (:func:`studbook.certainty.percent_certain`).

    Examples
    --------
    >>> from studbook.csvformat import table_from_text
    >>> ped = Pedigree.from_table(table_from_text(
    ...     "id,sire,dam,sex\\nA,WILD,WILD,M\\nB,WILD,WILD,F\\nC,A,UNK,M\\nD,C,B,F\\n", "x"))
    >>> percent_known(ped).tolist()
    [100.0, 100.0, 50.0, 75.0]
    """
    return 100.0 * _traced(ped, through_mult=through_mult)


def _traced(ped: Pedigree, *, through_mult: bool) -> FloatArray:
    """Share of each genome traced to real founders: ``1`` for a real founder, else the sum
    over its parent links of ``p / 2`` times the parent's share (MULT links left out unless
    ``through_mult``), 0 without links. One vectorised step per generation, parents first, with the
    links of each animal added sires first; no kinship layout is built (its factorisation costs
    seconds at 1e5 animals, for a recursion that needs none)."""
    edges = ped.parent_edges
    child, parent, weight = edges.child, edges.parent, edges.weight
    if not through_mult:
        mult = np.zeros(len(ped), bool), np.zeros(len(ped), bool)
        for side, table in enumerate((ped.mult_sire, ped.mult_dam)):
            mult[side][np.fromiter(table, np.int64, len(table))] = True
        single = ~np.where(edges.role == 0, mult[0][child], mult[1][child])
        child, parent, weight = child[single], parent[single], weight[single]
    keep = ~ped.founder[child]  # a real founder stays 1 whatever is recorded above it
    child, parent, weight = child[keep], parent[keep], weight[keep]
    generation = ped.generation[child]
    order = np.argsort(generation, kind="stable")
    child, parent, weight = child[order], parent[order], 0.5 * weight[order]
    bounds = np.searchsorted(generation[order], np.arange(1, int(generation.max(initial=0)) + 2))
    share = ped.founder.astype(np.float64)
    for start, stop in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        np.add.at(share, child[start:stop], weight[start:stop] * share[parent[start:stop]])
    return share
