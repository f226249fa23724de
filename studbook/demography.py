"""Demographic summaries of a population that the genetics reports show beside MK and GD."""

from __future__ import annotations

from studbook.pedigree import Pedigree, Population

__all__ = ["sex_ratio_ne"]


def sex_ratio_ne(ped: Pedigree, population: Population = None) -> float:
    """Effective population size from the sex ratio: ``Ne = 4 Nm Nf / (Nm + Nf)`` (animals).

    ``Nm`` and ``Nf`` count the males and females of the population (default: the living);
    animals of unknown sex are left out. 0 when there are no males or no females.

    Examples
    --------
    >>> from studbook.csvformat import table_from_text
    >>> ped = Pedigree.from_table(table_from_text(
    ...     "id,sire,dam,sex\\nA,,,M\\nB,,,F\\nC,,,F\\nD,,,F\\nE,,,U\\n", "demo.csv"))
    >>> sex_ratio_ne(ped)  # 4 * 1 * 3 / 4
    3.0
    """
    mask = ped.population_mask(population)
    males = int((ped.sex[mask] == "M").sum())
    females = int((ped.sex[mask] == "F").sum())
    if males + females == 0:
        return 0.0
    return 4.0 * males * females / (males + females)
