"""The population summary behind ``studbook summary``: one call to the kinship engine per figure.

All figures are over the reference population P (see :mod:`studbook.population`):

* N, and N by sex (males, females, unknown);
* founders: the genetic founders (animals without recorded parents) with a share in P, and how
  many founders are themselves in P; living descendants: animals of P with a recorded parent;
* GD = 1 - mean MK, FGE = 1 / (2 (1 - GD)), mean F, mean MK (the same as 1 - GD), mean % known;
* FE = 1 / sum_k q_k^2 (founder equivalents, Lacy 1989) and the founder representation
  r_k = (1/N) sum_{i in P} p_ik;
* sex-ratio Ne = 4 Nm Nf / (Nm + Nf);
* the mean share of genome from flagged founders.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from studbook.demography import sex_ratio_ne
from studbook.founders import founder_equivalents, founder_representation, genetic_founders
from studbook.kinship import inbreeding
from studbook.population import PopulationGenetics, ReferencePopulation, population_genetics

__all__ = ["PopulationSummary", "population_summary"]


@dataclass(frozen=True)
class PopulationSummary:
    """The summary figures of P (see the module docstring); proportions are 0-1."""

    census_date: str
    population: str
    n: int
    males: int
    females: int
    unknown_sex: int
    founders: int
    founders_in_population: int
    living_descendants: int
    gene_diversity: float
    founder_genome_equivalents: float
    founder_equivalents: float
    mean_inbreeding: float
    mean_kinship: float
    mean_known: float
    sex_ratio_ne: float
    flags: tuple[str, ...]
    mean_flagged: float
    founder_representation: Mapping[str, float]

    def figures(self) -> dict[str, Any]:
        """Every scalar figure, in order, for reports (representation excluded)."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("founder_representation", "population", "census_date")
        }


def population_summary(
    population: ReferencePopulation,
    genetics: PopulationGenetics | None = None,
    *,
    flags: Iterable[str] | None = None,
) -> PopulationSummary:
    """Summarise P (see the module docstring).

    Examples
    --------
    Lacy (1989) with P = {C, D, F, G}: GD 23/32, FGE 16/9, FE 32/11.

    >>> from studbook.pedigree import Pedigree
    >>> from studbook.population import reference_population
    >>> ped = Pedigree.from_cells(list("ABCDEFG"), ["", "", "A", "A", "", "D", "D"],
    ...                           ["", "", "B", "B", "", "E", "E"], list("MFUMFUU"))
    >>> pop = reference_population(ped, census_date="2024-01-01", exclude=["A", "B", "E"])
    >>> s = population_summary(pop)
    >>> s.n, s.founders, s.living_descendants, s.gene_diversity, round(s.founder_equivalents, 4)
    (4, 3, 4, 0.71875, 2.9091)
    >>> s.founder_representation
    {'A': 0.375, 'B': 0.375, 'E': 0.25}
    """
    ped = population.pedigree
    gen = genetics if genetics is not None else population_genetics(population, flags)
    mask = population.mask
    sex = ped.sex[mask]
    founders = genetic_founders(ped)
    representation = founder_representation(ped, mask)
    has_parent = ~founders
    mean_mk = gen.mean_mk
    return PopulationSummary(
        census_date=str(population.census_date),
        population=population.definition,
        n=int(mask.sum()),
        males=int((sex == "M").sum()),
        females=int((sex == "F").sum()),
        unknown_sex=int((sex == "U").sum()),
        founders=len(representation),
        founders_in_population=int((founders & mask).sum()),
        living_descendants=int((has_parent & mask).sum()),
        gene_diversity=1.0 - mean_mk,
        founder_genome_equivalents=1.0 / (2.0 * mean_mk) if mean_mk > 0 else float("inf"),
        founder_equivalents=founder_equivalents(ped, mask),
        mean_inbreeding=float(np.mean(inbreeding(ped)[mask])),
        mean_kinship=mean_mk,
        mean_known=float(gen.known[mask].mean()),
        sex_ratio_ne=sex_ratio_ne(ped, mask),
        flags=gen.flags,
        mean_flagged=float(gen.flagged[mask].mean()),
        founder_representation=representation,
    )
