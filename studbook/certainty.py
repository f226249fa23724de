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

import dataclasses
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from studbook.founders import percent_known
from studbook.kinship import mean_kinship_array
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
    certain_links = dataclasses.replace(ped, mult_sire={}, mult_dam={})
    return percent_known(certain_links)


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
    whose other parent is a *representative mate*, a MULT parent over every animal of P of the
    other sex with equal probabilities (all of P but ``k`` when ``k``'s sex is unknown, an
    unrelated mate when P has no such animal). Then ``f(o_k, j) = f(k, j) / 2 + m_j / 2`` with
    ``m_j`` the mean kinship of ``j`` to the candidate mates, and the figures are
    ``GD' = 1 - mean_{i,j in P'} f_ij`` and ``FGE' = 1 / (2 (1 - GD'))`` over
    ``P' = P + {o_k}``: exact, by the kinship engine.

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
    bred = _with_offspring(ped, mask, chosen)
    wider = np.concatenate([mask, np.ones(chosen.size, bool)])
    mk_bred = mean_kinship_array(bred, wider)
    gd_bred = 1.0 - float(mk_bred[wider].mean())
    ids = tuple(ped.ids[k] for k in chosen.tolist())
    return PotentialFounders(ids, gd, _fge(gd), gd_bred, _fge(gd_bred))


def _with_offspring(ped: Pedigree, mask: BoolArray, parents: npt.NDArray[np.int64]) -> Pedigree:
    """``ped`` plus one offspring of each of ``parents`` with a representative mate (see
    :func:`potential_founders`); only the structure the kinship engine reads is kept."""
    n, extra = len(ped), parents.size
    members = np.flatnonzero(mask)
    sire = np.concatenate([ped.sire, np.full(extra, -1, np.int64)])
    dam = np.concatenate([ped.dam, np.full(extra, -1, np.int64)])
    mult_sire = dict(ped.mult_sire)
    mult_dam = dict(ped.mult_dam)
    sex = np.concatenate([ped.sex, np.full(extra, "U")])
    for j, k in enumerate(parents.tolist()):
        child = n + j
        own, other_side = (sire, mult_dam) if ped.sex[k] != "F" else (dam, mult_sire)
        own[child] = k
        if ped.sex[k] in ("M", "F"):
            mates = members[ped.sex[members] == ("F" if ped.sex[k] == "M" else "M")]
        else:
            mates = members[members != k]
        if mates.size == 1:
            (dam if own is sire else sire)[child] = int(mates[0])
        elif mates.size > 1:
            other_side[child] = (mates.astype(np.int64), np.full(mates.size, 1.0 / mates.size))
    return Pedigree(
        ids=(*ped.ids, *(f"offspring of {ped.ids[k]}" for k in parents.tolist())),
        sex=sex,
        sire=sire,
        dam=dam,
        mult_sire=mult_sire,
        mult_dam=mult_dam,
        alive=np.concatenate([ped.alive, np.zeros(extra, bool)]),
        founder=np.concatenate([ped.founder, np.zeros(extra, bool)]),
        hypothetical=np.concatenate([ped.hypothetical, np.zeros(extra, bool)]),
    )


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
    known_before = percent_known(record)[record.indices(ids)]
    certain = percent_certain(record)[record.indices(ids)]
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
