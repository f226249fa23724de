"""How much of the population's pedigree is known, how much is certain, and what the potential
founders could add: the figures a plan prints beside the analyses that rest on assumptions.

Over the reference population P (N animals), as percentages of the genome (0-100):

* **% known** (:func:`studbook.founders.percent_known`): ``k_i = 1`` for a real founder
  (wild-born or marked founder), else ``k_i = (k_s + k_d) / 2`` with an unknown parent giving 0
  and a MULT parent ``sum_c p_c k_c``. *Before* assumptions on the true record, *after* on the
  analysis pedigree (true record + the assumption set, :mod:`studbook.assumptions`).
* **% certain** (:func:`percent_certain`): the same recursion on the true record with a MULT
  parent giving 0 as an unknown one does: ``c_i = 1`` for a real founder, else
  ``c_i = (c_s + c_d) / 2`` over parents that are single, recorded animals. The genome that
  traces to known founders through no MULT or UNK link anywhere. Since ``c_s <= k_s`` at every
  step, ``c_i <= k_i`` for every animal, and % certain <= % known (before assumptions).
* **Potential founders** (:func:`potential_founders`): animals of P of wild origin (real
  founders) with no offspring recorded (not even as a possible MULT parent), and the gene
  diversity GD = 1 - mean MK and FGE = 1 / (2 (1 - GD)) of P if each bred once (see that
  function for the convention).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from studbook.colleau import a_times
from studbook.founders import percent_known
from studbook.kinship import kinship_block, mean_kinship_array
from studbook.pedigree import Pedigree
from studbook.population import ReferencePopulation

__all__ = [
    "PedigreeCertainty",
    "PotentialFounders",
    "pedigree_certainty",
    "percent_certain",
    "potential_founders",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

MATE_CONVENTION = (
    "one offspring each with a representative mate: a MULT parent over every animal of P of the "
    "other sex (all of P but the founder when its sex is unknown), equal probabilities"
)


def percent_certain(ped: Pedigree) -> FloatArray:
    """Percentage (0-100) of each animal's genome traceable to real founders through single,
    recorded parents only: ``c_i = 1`` for a real founder, else ``c_i = (c_s + c_d) / 2`` with
    an unknown *or MULT* parent giving 0. Aligned with ``ped.ids``; ``c_i <= k_i``
    (:func:`~studbook.founders.percent_known`) for every animal.

    Examples
    --------
    D's sire is MULT (A or C): known 75 %, certain 50 % (only the dam B is certain).

    >>> from studbook.csvformat import table_from_text
    >>> ped = Pedigree.from_table(table_from_text(
    ...     "id,sire,dam,sex\\nA,WILD,WILD,M\\nB,WILD,WILD,F\\nC,A,UNK,M\\nD,A|C,B,F\\n", "x"))
    >>> percent_certain(ped).tolist(), percent_known(ped).tolist()
    ([100.0, 100.0, 50.0, 50.0], [100.0, 100.0, 50.0, 87.5])
    """
    return percent_known(ped, through_mult=False)


@dataclass(frozen=True)
class PotentialFounders:
    """Potential founders in P and the GD and FGE of P now and if each bred once.

    ``mate`` states the convention for the offspring's other parent (:data:`MATE_CONVENTION`).
    """

    ids: tuple[str, ...]
    gene_diversity: float
    founder_genome_equivalents: float
    gene_diversity_if_bred: float
    founder_genome_equivalents_if_bred: float
    mate: str = MATE_CONVENTION


def _fge(gd: float) -> float:
    return 1.0 / (2.0 * (1.0 - gd)) if gd < 1.0 else float("inf")


def potential_founders(population: ReferencePopulation) -> PotentialFounders:
    """The potential founders of P and what breeding each once would give (module docstring).

    A potential founder is an animal of P that is a real founder (wild origin,
    :attr:`Pedigree.founder`) and is no one's parent, not even a possible MULT parent.

    Convention (PMx's "if potential founders bred" figure, as we read it; PMx's own mate model
    is not published): each potential founder ``k`` stays in P and gets one offspring ``o_k``
    whose other parent is a *representative mate* ``M_k``, a MULT parent over every animal of P
    of the other sex with equal probabilities (all of P but ``k`` when ``k``'s sex is unknown,
    an unrelated mate when P has no such animal). The figures are
    ``GD' = 1 - mean_{i,j in P'} f_ij`` and ``FGE' = 1 / (2 (1 - GD'))`` over
    ``P' = P + {o_k}``, exact, in closed form under the kinship engine's rule for a MULT parent
    (:mod:`studbook.inbreeding`), writing ``f(x, M) = mean_{c in M} f(x, c)``:

    * ``f(o_k, j) = (f(k, j) + f(M_k, j)) / 2`` for ``j`` in P;
    * ``f(o_k, o_k) = (1 + f(k, M_k)) / 2``;
    * ``f(o_k, o_l) = (f(k, l) + f(k, M_l) + f(M_k, l) + f(M_k, M_l)) / 4``.

    So only the potential founders' kinship among themselves and one mean-kinship product per
    sex are computed; no pedigree with the offspring is built (that took seconds at 1e5
    animals: every offspring's MULT parent listed half of P).

    Examples
    --------
    P = {K (wild male, no offspring), S, D (full sibs, male and female, of wild parents)}.
    By hand: f(K,K) = f(S,S) = f(D,D) = 1/2, f(S,D) = 1/4, others 0: GD = 1 - 2/9 = 7/9.
    K's offspring O with mate D: f(O,O) = 1/2, f(O,K) = 1/4, f(O,D) = 1/4 + 0 = 1/4,
    f(O,S) = (0 + 1/4)/2 = 1/8. Sum over P' = 2 + 2 (1/4 + 1/4 + 1/4 + 1/8) = 15/4,
    GD' = 1 - (15/4)/16 = 49/64.

    >>> ped = Pedigree.from_cells(["A", "B", "K", "S", "D"], ["", "", "", "A", "A"],
    ...     ["", "", "", "B", "B"], list("MFMMF"), alive=[False, False, True, True, True])
    >>> from studbook.population import reference_population
    >>> p = potential_founders(reference_population(ped, census_date="2024-01-01"))
    >>> p.ids, round(p.gene_diversity * 9, 12), round(p.gene_diversity_if_bred * 64, 12)
    (('K',), 7.0, 49.0)
    """
    ped = population.pedigree
    mask = population.mask
    has_child = np.zeros(len(ped), bool)
    has_child[ped.parent_edges.parent] = True
    chosen = np.flatnonzero(mask & ped.founder & ~has_child)
    mk = mean_kinship_array(ped, mask)
    gd = 1.0 - float(mk[mask].mean())
    if chosen.size == 0:
        return PotentialFounders((), gd, _fge(gd), gd, _fge(gd))
    members = np.flatnonzero(mask)
    n = members.size
    grown = n * float(mk[mask].sum()) + _offspring_sum(ped, members, chosen, n * mk)
    gd_bred = 1.0 - grown / (n + chosen.size) ** 2
    ids = tuple(ped.ids[k] for k in chosen.tolist())
    return PotentialFounders(ids, gd, _fge(gd), gd_bred, _fge(gd_bred))


def _offspring_sum(
    ped: Pedigree, members: IntArray, chosen: IntArray, row_sum: FloatArray
) -> float:
    """``2 sum_{k, j in P} f(o_k, j) + sum_{k, l} f(o_k, o_l)``: what the potential founders'
    offspring add to the sum of kinships over P (formulas of :func:`potential_founders`).

    ``row_sum[i]`` is ``sum_{j in P} f(i, j)``. Each mate ``M_k`` is one of two shared mates
    (every male, every female of P) or, for a founder of unknown sex, P without ``k``; the sums
    over P those need follow from ``row_sum`` and the founders' own kinships, so every array
    here is founders x founders or one row over P.
    """
    n = members.size
    ids = [ped.ids[k] for k in chosen.tolist()]
    f_kk = kinship_block(ped, ids, ids)
    at = np.full(len(ped), -1, np.int64)
    at[members] = np.arange(n)
    place = at[chosen]  # each potential founder's place in P
    sums = row_sum[members]
    total = float(sums.sum())
    # The two shared mates: f(M_s, j) over P, sum_{j in P} f(M_s, j), and f(M_s, M_t).
    sex = ped.sex[members]
    weights = np.zeros((2, n))
    for s, code in enumerate(("M", "F")):
        of_sex = sex == code
        if of_sex.any():
            weights[s, of_sex] = 1.0 / of_sex.sum()
    x = np.zeros((2, len(ped)))
    x[:, members] = weights
    to_mate = 0.5 * np.stack([a_times(ped, x[s])[members] for s in range(2)])
    mate_total = to_mate.sum(axis=1)
    mate_cross = weights @ to_mate.T
    own = ped.sex[chosen]
    unknown = (own != "M") & (own != "F")
    mate = np.where(own == "M", 1, 0)  # a male's mate: the females (row 1), else the males
    spread = 1.0 / (n - 1) if n > 1 else 0.0  # a mate over n - 1 animals; none when n = 1
    # near[k, l] = f(M_k, l); mate_sum[k] = sum_{j in P} f(M_k, j); cross[k, l] = f(M_k, M_l).
    near = to_mate[mate][:, place]
    mate_sum = mate_total[mate]
    cross = mate_cross[np.ix_(mate, mate)]
    u = np.flatnonzero(unknown)
    if u.size:
        near[u] = spread * (sums[place][None, :] - f_kk[u])
        mate_sum[u] = spread * (total - sums[place[u]])
        # shared mate s of k against the mate of u: spread (sum_j f(M_s, j) - f(M_s, u))
        shared_u = spread * (mate_sum[:, None] - near[:, u])
        cross[:, u] = shared_u
        cross[u, :] = shared_u.T
        uu = (
            spread
            * spread
            * ((total - sums[place[u]])[:, None] - sums[place[u]][None, :] + f_kk[np.ix_(u, u)])
        )
        cross[np.ix_(u, u)] = uu
    to_population = 0.5 * (sums[place] + mate_sum)
    among = 0.25 * (f_kk + near + near.T + cross)
    np.fill_diagonal(among, 0.5 * (1.0 + np.diagonal(near)))
    return float(2.0 * to_population.sum() + among.sum())


@dataclass(frozen=True)
class PedigreeCertainty:
    """% known before and after assumptions and % certain, as means over P of shares 0-1
    (shown as percentages, :func:`studbook.present.certainty_figures`), and the potential
    founders, for the pedigree ``label`` names (:func:`studbook.assumptions.pedigree_label`)."""

    label: str
    assumption_set: str | None
    n: int
    known_before: float
    known_after: float
    certain: float
    potential: PotentialFounders


def pedigree_certainty(
    record: Pedigree,
    population: ReferencePopulation,
    *,
    label: str,
    assumption_set: str | None = None,
) -> PedigreeCertainty:
    """The figures of the module docstring over ``population`` (P of the analysis pedigree,
    true record + assumptions); ``record`` is the true record's pedigree (its ids include every
    animal of P: assumptions add only hypothetical animals, never part of P).

    >>> from studbook.population import reference_population
    >>> ped = Pedigree.from_cells(["A", "B", "C"], ["WILD", "WILD", "A|B"], ["WILD", "WILD", ""],
    ...                           list("MMF"), alive=[False, True, True])
    >>> c = pedigree_certainty(ped, reference_population(ped, census_date="2024-01-01"),
    ...                        label="true record")
    >>> c.known_before, c.certain, c.potential.ids
    (0.75, 0.5, ())
    """
    ids = population.ids
    rows = record.indices(ids)
    known_before = percent_known(record)[rows]
    certain = percent_certain(record)[rows]
    known_after = percent_known(population.pedigree)[population.mask]
    return PedigreeCertainty(
        label=label,
        assumption_set=assumption_set,
        n=len(ids),
        known_before=float(known_before.mean()) / 100.0,
        known_after=float(known_after.mean()) / 100.0,
        certain=float(certain.mean()) / 100.0,
        potential=potential_founders(population),
    )
