"""Gene drop: simulate Mendelian inheritance of unique founder alleles down the pedigree.

Each founder (an animal without recorded parents) gets two unique alleles; every other animal
receives one allele from its sire and one from its dam, each drawn with probability 1/2 from
that parent's two alleles. A MULT parent is first drawn among its candidates by probability;
an unknown parent passes on a unique allele that belongs to no founder. Iterations are
independent and run together, chunk by chunk, in compiled loops, the chunks on all cores.
Only the population and its ancestors are simulated (nobody else's alleles can reach it), and
the Mendelian draws come from a counter-based generator (SplitMix64: one 64-bit word gives 64
draws), so they are cheap and independent of how the chunks are spread over the cores.

Outputs, for the reference population (default: the living):

- ``retention[k]``: expected share of founder ``k``'s two alleles still present (Lacy 1989 ``r_k``);
- ``genomes_surviving = sum_k r_k`` (founder genomes surviving, in founder genomes);
- ``fge = 1 / sum_k (q_k^2 / r_k)``: Lacy's (1989) gene-drop founder genome equivalents, with
  ``q_k`` the founder representation (see :func:`studbook.founders.founder_equivalents`);
- ``allele_fge``: mean over iterations of ``1 / (2 sum_j x_j^2)`` over the allele frequencies
  ``x_j`` in the population (unknown-parent alleles included), the per-iteration estimate of
  FGE whose expectation approaches ``1 / (2 mean MK)``;
- ``uniqueness[i]``: share of iterations in which animal ``i`` carries a founder allele that no
  other member of the population carries (genome uniqueness);

each with its standard error (standard deviation over iterations / sqrt(iterations); for
``fge``, batch means over about 20 batches).
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from studbook.colleau import ancestors_of
from studbook.founders import founder_representation, genetic_founders
from studbook.inbreeding import layout
from studbook.jit import compiled, inlined
from studbook.pedigree import Pedigree, Population

__all__ = ["ALLELES_IN_UINT16", "GeneDropResult", "gene_drop", "precompile"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Int32Array = npt.NDArray[np.int32]

ALLELES_IN_UINT16 = 1 << 16
"""Up to this many distinct alleles the kernel keeps them as ``uint16`` (half the memory to
move), beyond as ``int32``: two compiled versions of :func:`_drop_chunk` (see
:func:`precompile`)."""


@dataclass(frozen=True)
class GeneDropResult:
    """The summary of a gene drop (see the module docstring for each quantity)."""

    iterations: int
    founders: list[str]
    retention: FloatArray
    retention_se: FloatArray
    genomes_surviving: float
    genomes_surviving_se: float
    fge: float
    fge_se: float
    allele_fge: float
    allele_fge_se: float
    population: list[str]
    uniqueness: FloatArray
    uniqueness_se: FloatArray

    def retention_by_founder(self) -> dict[str, float]:
        """``{founder id: r_k}``."""
        return dict(zip(self.founders, self.retention.tolist(), strict=True))

    def uniqueness_by_animal(self) -> dict[str, float]:
        """``{animal id: share of iterations carrying a founder allele nobody else has}``."""
        return dict(zip(self.population, self.uniqueness.tolist(), strict=True))


_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


@inlined
def _random_word(seed: np.uint64, counter: int) -> np.uint64:  # pragma: no cover - compiled
    """Output ``counter`` of the SplitMix64 stream started at ``seed`` (Steele et al. 2014).

    A counter-based draw: any animal's bits can be had in any order, so the result does not
    depend on how the work is split.
    """
    z = seed + np.uint64(counter + 1) * _GAMMA
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


@compiled
def _drop_chunk(
    seed: int,
    chunk: int,
    ptr: IntArray,
    parent: IntArray,
    weight: FloatArray,
    side: npt.NDArray[np.int8],
    fixed: Int32Array,
    n_alleles: int,
    kind: npt.NDArray[np.uint16] | Int32Array,
    pop: IntArray,
    retained: FloatArray,
    retained_sq: FloatArray,
    batch_retained: FloatArray,
    stats: FloatArray,
    unique: FloatArray,
) -> None:  # pragma: no cover - compiled
    """Run ``chunk`` iterations and add their tallies to the accumulators.

    ``fixed[i, s]`` is the allele animal ``i`` always has on side ``s`` (a founder's own, or
    the unique allele of an unknown parent), -1 where a parent passes one on. Alleles are
    of ``kind``'s type (``uint16`` when there are few enough, else ``int32``: less memory to
    move) laid out ``[animal, side, iteration]``, so a parent's alleles of every iteration
    are one cache line; one random 64-bit word picks the passed-on allele of 64 (side,
    iteration) pairs. ``stats`` accumulates (sum G, sum G^2, sum Ng, sum Ng^2).
    """
    base = np.uint64(seed)
    m = ptr.size - 1
    words = (2 * chunk + 63) // 64
    alleles = np.empty((m, 2, chunk), kind.dtype)
    for i in range(m):
        bits = np.uint64(0)
        for s in range(2):
            if fixed[i, s] >= 0:
                for t in range(chunk):
                    alleles[i, s, t] = fixed[i, s]
                continue
            first = -1
            count = 0
            for e in range(ptr[i], ptr[i + 1]):
                if side[e] == s:
                    if first < 0:
                        first = e
                    count += 1
            for t in range(chunk):
                q = s * chunk + t
                if t == 0 or q % 64 == 0:
                    bits = _random_word(base, i * words + q // 64)
                e = first
                if count > 1:
                    draw = _random_word(base, m * words + (2 * i + s) * chunk + t)
                    u = float(draw >> np.uint64(11)) * (1.0 / 9007199254740992.0)
                    acc = 0.0
                    for f in range(first, ptr[i + 1]):
                        if side[f] != s:
                            continue
                        e = f
                        acc += weight[f]
                        if u < acc:
                            break
                pick = (bits >> np.uint64(q % 64)) & np.uint64(1)
                alleles[i, s, t] = alleles[parent[e], np.int64(pick), t]
    counts = np.zeros((chunk, n_alleles), np.int32)
    for k in range(pop.size):
        i = pop[k]
        for s in range(2):
            for t in range(chunk):
                counts[t, alleles[i, s, t]] += 1
    n_founders = retained.size
    for t in range(chunk):
        surviving = 0.0
        for f in range(n_founders):
            r = 0.5 * ((counts[t, 2 * f] > 0) + (counts[t, 2 * f + 1] > 0))
            retained[f] += r
            retained_sq[f] += r * r
            batch_retained[f] += r
            surviving += r
        stats[0] += surviving
        stats[1] += surviving * surviving
    # Homozygosity sum_j x_j^2 over the distinct alleles: each copy of allele j adds c_j.
    copies = np.zeros(chunk)
    n_founder_alleles = 2 * n_founders
    for k in range(pop.size):
        i = pop[k]
        for t in range(chunk):
            a = alleles[i, 0, t]
            b = alleles[i, 1, t]
            ca = counts[t, a]
            cb = counts[t, b]
            copies[t] += ca + cb
            own = 2 if a == b else 1
            if (a < n_founder_alleles and ca == own) or (b < n_founder_alleles and cb == own):
                unique[k] += 1.0
    total = 2.0 * pop.size
    for t in range(chunk):
        ng = 1.0 / (2.0 * copies[t] / (total * total))
        stats[2] += ng
        stats[3] += ng * ng


def gene_drop(
    ped: Pedigree,
    population: Population = None,
    *,
    iterations: int = 5000,
    seed: int | np.random.Generator | None = None,
    max_cells: int = 1 << 25,
) -> GeneDropResult:
    """Gene drop over ``iterations`` simulated inheritances (see the module docstring).

    ``seed`` is an int or a ``numpy.random.Generator``: the same seed gives the same result.
    ``max_cells`` bounds the allele work arrays (animals x 2 x iterations per chunk, summed
    over the chunks running at once).

    Examples
    --------
    >>> from studbook.csvformat import table_from_text
    >>> ped = Pedigree.from_table(table_from_text(
    ...     "id,sire,dam,sex\\nA,,,M\\nB,,,F\\nC,A,B,M\\n", "demo.csv"))
    >>> result = gene_drop(ped, ["C"], iterations=2000, seed=1)
    >>> result.retention.tolist()  # C carries exactly one of each parent's two alleles
    [0.5, 0.5]
    >>> result.fge  # 1 / (0.5^2 / 0.5 + 0.5^2 / 0.5)
    1.0
    """
    if iterations < 1:
        raise ValueError(f"iterations must be at least 1, not {iterations}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    mask = ped.population_mask(population)
    representation = founder_representation(ped, mask)
    lay = layout(ped)
    founder_idx = np.flatnonzero(genetic_founders(ped))
    founder_slot_by_animal = np.full(len(ped), -1, np.int64)
    founder_slot_by_animal[founder_idx] = np.arange(founder_idx.size)
    pop_animals = np.flatnonzero(mask)
    # Only the population and its ancestors carry alleles that can reach it.
    sub = ancestors_of(lay, lay.position[pop_animals])
    fixed, n_alleles = _fixed_alleles(
        sub.ptr, sub.side, founder_slot_by_animal[lay.order[sub.members]], founder_idx.size
    )
    pop = sub.local[lay.position[pop_animals]]
    kind: npt.NDArray[np.uint16] | Int32Array = (
        np.empty(0, np.uint16) if n_alleles <= ALLELES_IN_UINT16 else np.empty(0, np.int32)
    )

    m = sub.members.size
    # The chunk size never depends on the machine, so a seed gives the same result anywhere;
    # as many chunks run at once as there are cores and room in max_cells (at least two fit).
    chunk = max(1, min(iterations, max_cells // max(4 * m, 1), math.ceil(iterations / 20)))
    sizes = [min(chunk, iterations - done) for done in range(0, iterations, chunk)]
    room = max(1, max_cells // max(2 * m * chunk, 1))
    workers = max(1, min(os.cpu_count() or 1, len(sizes), room))
    seeds = [int(rng.integers(0, 2**63 - 1)) for _ in sizes]
    q = np.zeros(founder_idx.size)
    shares = list(representation.values())
    q[founder_slot_by_animal[ped.indices(list(representation))]] = shares
    q = q / q.sum() if q.sum() > 0 else q

    def run(k: int) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
        """Chunk ``k``'s tallies: (retained, retained^2, retained in this batch, stats, unique)."""
        tallies = (
            np.zeros(founder_idx.size),
            np.zeros(founder_idx.size),
            np.zeros(founder_idx.size),
            np.zeros(4),
            np.zeros(pop.size),
        )
        _drop_chunk(seeds[k], sizes[k], sub.ptr, sub.parent, sub.weight, sub.side, fixed,
                    n_alleles, kind, pop, *tallies)  # fmt: skip
        return tallies

    retained = np.zeros(founder_idx.size)
    retained_sq = np.zeros(founder_idx.size)
    stats = np.zeros(4)
    unique = np.zeros(pop.size)
    batch_fge: list[float] = []
    # The kernel releases the GIL; tallies are added in chunk order whatever finishes first.
    with ThreadPoolExecutor(workers) as pool:
        for k, (r_k, r_sq_k, batch_k, stats_k, unique_k) in enumerate(
            pool.map(run, range(len(sizes)))
        ):
            retained += r_k
            retained_sq += r_sq_k
            stats += stats_k
            unique += unique_k
            batch_fge.append(_lacy_fge(q, batch_k / sizes[k]))

    r = retained / iterations
    r_se = np.sqrt(np.maximum(retained_sq / iterations - r**2, 0.0) / iterations)
    g_mean = stats[0] / iterations
    g_se = math.sqrt(max(stats[1] / iterations - g_mean**2, 0.0) / iterations)
    ng_mean = stats[2] / iterations
    ng_se = math.sqrt(max(stats[3] / iterations - ng_mean**2, 0.0) / iterations)
    u = unique / iterations
    u_se = np.sqrt(u * (1 - u) / iterations)
    fge_se = (
        float(np.std(batch_fge, ddof=1) / math.sqrt(len(batch_fge)))
        if len(batch_fge) > 1
        else math.nan
    )
    in_pop = q > 0
    return GeneDropResult(
        iterations=iterations,
        founders=[ped.ids[k] for k in founder_idx[in_pop].tolist()],
        retention=r[in_pop],
        retention_se=r_se[in_pop],
        genomes_surviving=float(g_mean),
        genomes_surviving_se=g_se,
        fge=_lacy_fge(q, r),
        fge_se=fge_se,
        allele_fge=float(ng_mean),
        allele_fge_se=ng_se,
        population=[ped.ids[k] for k in pop_animals.tolist()],
        uniqueness=u,
        uniqueness_se=u_se,
    )


def precompile() -> None:
    """Compile (or load from numba's cache) the gene-drop kernel for both allele types.

    A small studbook only ever needs the ``uint16`` version; ``scripts/warm-up`` calls this so
    that the first gene drop on a studbook with more than :data:`ALLELES_IN_UINT16` alleles
    (hundreds of thousands of animals) loads the ``int32`` one instead of compiling it.
    """
    # One founder (ptr [0, 0], no links) with alleles 0 and 1, one iteration.
    links = (np.zeros(2, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int8))
    fixed = np.array([[0, 1]], np.int32)
    for kind in (np.empty(0, np.uint16), np.empty(0, np.int32)):
        tallies = (np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(4), np.zeros(1))
        _drop_chunk(0, 1, *links, fixed, 2, kind, np.zeros(1, np.int64), *tallies)


def _fixed_alleles(
    ptr: IntArray, side: npt.NDArray[np.int8], founder_slot: IntArray, n_founders: int
) -> tuple[Int32Array, int]:
    """The allele each animal always has on each side, -1 where a parent passes one on, and
    the number of alleles: founder ``k`` has ``2k`` and ``2k + 1``; each unknown parent of a
    non-founder passes on an allele of its own, numbered after the founders'."""
    links = np.diff(ptr)
    has = np.zeros((ptr.size - 1, 2), bool)
    edge_child = np.repeat(np.arange(ptr.size - 1), links)
    has[edge_child, side] = True
    fixed = np.full((ptr.size - 1, 2), -1, np.int64)
    founder = links == 0
    fixed[founder, 0] = 2 * founder_slot[founder]
    fixed[founder, 1] = 2 * founder_slot[founder] + 1
    n_founder_alleles = 2 * n_founders
    unknown = ~has & ~founder[:, None]
    fixed[unknown] = n_founder_alleles + np.arange(int(unknown.sum()))
    return fixed.astype(np.int32), n_founder_alleles + int(unknown.sum())


def _lacy_fge(q: FloatArray, r: FloatArray) -> float:
    """``1 / sum_k q_k^2 / r_k`` over represented founders; 0 if one of them lost everything."""
    present = q > 0
    if np.any(r[present] == 0):
        return 0.0
    return float(1.0 / np.sum(q[present] ** 2 / r[present]))
