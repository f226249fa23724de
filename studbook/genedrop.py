"""Gene drop: simulate Mendelian inheritance of unique founder alleles down the pedigree.

Each founder (an animal without recorded parents) gets two unique alleles; every other animal
receives one allele from its sire and one from its dam, each drawn with probability 1/2 from
that parent's two alleles. A MULT parent is first drawn among its candidates by probability;
an unknown parent passes on a unique allele that belongs to no founder. Iterations are
independent and run together, chunk by chunk, in compiled loops, the chunks on all cores.

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

from studbook.founders import founder_representation, genetic_founders
from studbook.inbreeding import layout
from studbook.jit import compiled
from studbook.pedigree import Pedigree, Population

__all__ = ["GeneDropResult", "gene_drop"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


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


@compiled
def _drop_chunk(
    seed: int,
    chunk: int,
    ptr: IntArray,
    parent: IntArray,
    weight: FloatArray,
    side: npt.NDArray[np.int8],
    founder_slot: IntArray,
    n_founder_alleles: int,
    pop: IntArray,
    retained: FloatArray,
    retained_sq: FloatArray,
    batch_retained: FloatArray,
    stats: FloatArray,
    unique: FloatArray,
) -> None:  # pragma: no cover - compiled
    """Run ``chunk`` iterations and add their tallies to the accumulators.

    ``stats`` accumulates (sum G, sum G^2, sum Ng, sum Ng^2) over iterations.
    """
    np.random.seed(seed)
    n = ptr.size - 1
    alleles = np.empty((n, chunk, 2), np.int32)
    for i in range(n):
        e0 = ptr[i]
        e1 = ptr[i + 1]
        if founder_slot[i] >= 0:
            for t in range(chunk):
                alleles[i, t, 0] = 2 * founder_slot[i]
                alleles[i, t, 1] = 2 * founder_slot[i] + 1
            continue
        for s in range(2):
            first = -1
            count = 0
            for e in range(e0, e1):
                if side[e] == s:
                    if first < 0:
                        first = e
                    count += 1
            for t in range(chunk):
                if count == 0:
                    alleles[i, t, s] = n_founder_alleles + 2 * i + s
                    continue
                e = first
                if count > 1:
                    u = np.random.random()
                    acc = 0.0
                    for f in range(first, e1):
                        if side[f] != s:
                            continue
                        e = f
                        acc += weight[f]
                        if u < acc:
                            break
                p = parent[e]
                alleles[i, t, s] = alleles[p, t, 1 if np.random.random() < 0.5 else 0]
    n_alleles = n_founder_alleles + 2 * n
    counts = np.zeros(n_alleles, np.int64)
    n_founders = n_founder_alleles // 2
    total = 2.0 * pop.size
    for t in range(chunk):
        for k in range(pop.size):
            for s in range(2):
                counts[alleles[pop[k], t, s]] += 1
        surviving = 0.0
        for f in range(n_founders):
            r = 0.5 * ((counts[2 * f] > 0) + (counts[2 * f + 1] > 0))
            retained[f] += r
            retained_sq[f] += r * r
            batch_retained[f] += r
            surviving += r
        homozygosity = 0.0
        for k in range(pop.size):
            for s in range(2):
                j = alleles[pop[k], t, s]
                c = counts[j]
                if c > 0:
                    x = c / total
                    homozygosity += x * x
                    counts[j] = -c  # count each allele once; restored below
        for k in range(pop.size):
            for s in range(2):
                j = alleles[pop[k], t, s]
                if counts[j] < 0:
                    counts[j] = -counts[j]
        ng = 1.0 / (2.0 * homozygosity)
        stats[0] += surviving
        stats[1] += surviving * surviving
        stats[2] += ng
        stats[3] += ng * ng
        for k in range(pop.size):
            a = alleles[pop[k], t, 0]
            b = alleles[pop[k], t, 1]
            own_a = 2 if a == b else 1
            if (a < n_founder_alleles and counts[a] == own_a) or (
                b < n_founder_alleles and counts[b] == (2 if a == b else 1)
            ):
                unique[k] += 1.0
        for k in range(pop.size):
            for s in range(2):
                counts[alleles[pop[k], t, s]] = 0


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
    is_founder = genetic_founders(ped)
    founder_idx = np.flatnonzero(is_founder)
    founder_slot_by_animal = np.full(len(ped), -1, np.int64)
    founder_slot_by_animal[founder_idx] = np.arange(founder_idx.size)
    founder_slot = founder_slot_by_animal[lay.order]
    n_founder_alleles = 2 * founder_idx.size
    pop_animals = np.flatnonzero(mask)
    pop = lay.position[pop_animals]

    n = len(ped)
    # The chunk size never depends on the machine, so a seed gives the same result anywhere;
    # as many chunks run at once as there are cores and room in max_cells (at least two fit).
    chunk = max(1, min(iterations, max_cells // max(4 * n, 1), math.ceil(iterations / 20)))
    sizes = [min(chunk, iterations - done) for done in range(0, iterations, chunk)]
    room = max(1, max_cells // max(2 * n * chunk, 1))
    workers = max(1, min(os.cpu_count() or 1, len(sizes), room))
    seeds = [int(rng.integers(0, 2**31 - 1)) for _ in sizes]
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
        _drop_chunk(seeds[k], sizes[k], lay.ptr, lay.parent, lay.weight, lay.side, founder_slot,
                    n_founder_alleles, pop, *tallies)  # fmt: skip
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


def _lacy_fge(q: FloatArray, r: FloatArray) -> float:
    """``1 / sum_k q_k^2 / r_k`` over represented founders; 0 if one of them lost everything."""
    present = q > 0
    if np.any(r[present] == 0):
        return 0.0
    return float(1.0 / np.sum(q[present] ** 2 / r[present]))
