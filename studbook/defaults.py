"""Default values of the programme settings that the rankers also use.

The kinship limit, the flagged-founder cap and the provisional MSI thresholds are defaults of
:class:`studbook.settings.ProgrammeSettings` and of the objects that apply them
(:class:`studbook.pairing.MsiTable`, :mod:`studbook.release`). They live here, apart from both, so
that reading the settings (which every command does) imports neither numpy nor the rankers. Why
each value was chosen is told where it is applied: :class:`~studbook.pairing.MsiTable`.

>>> KINSHIP_LIMIT, DEFAULT_FLAGGED_CAP
(0.0625, 0.125)
"""

from __future__ import annotations

from typing import Literal

__all__ = [
    "DEFAULT_FLAGGED_CAP",
    "DEFAULT_SUCCESS_RATE",
    "KINSHIP_EXCESS",
    "KINSHIP_LIMIT",
    "MSI_F_EXCESS_CUTS",
    "MSI_GD_BANDS",
    "MSI_INBRED_F",
    "MSI_INBRED_MARGIN",
    "MSI_MAX_UNKNOWN",
    "MSI_MK_DIFFERENCE_BANDS",
    "MSI_UNKNOWN_CUTS",
    "PLAN_OBJECTIVES",
    "PLAN_SCORES",
    "PlanObjective",
    "PlanScore",
]

PlanObjective = Literal["contributions", "pairs", "greedy"]
PLAN_OBJECTIVES: tuple[PlanObjective, ...] = ("contributions", "pairs", "greedy")
"""How a breeding plan chooses its pairs, the default first: optimum contributions for the GD
of P + offspring (:mod:`studbook.contributions_plan`), the exact optimum of the sum of pair
ΔGD, or the greedy lowest-MK rule (:mod:`studbook.breeding_plan`)."""

PlanScore = Literal["delta_gd", "offspring_f"]
PLAN_SCORES: tuple[PlanScore, ...] = ("delta_gd", "offspring_f")
"""The per-pair score that decides who mates whom in a plan, the default first: the pair's ΔGD
(maximised) or its offspring's F (minimised)."""

KINSHIP_LIMIT = 0.0625
"""Default kinship limit: a pair with f_mf at or above it (offspring of first cousins) gets MSI
``-`` and is left out of the breeding plan; a programme sets its own (``kinship_limit`` in
:mod:`studbook.settings`)."""

KINSHIP_EXCESS = 0.0625
"""Default kinship excess: a pair whose kinship exceeds the population's mean kinship by this
much (a first-cousin mating's worth of inbreeding beyond the background) is forbidden; see
:func:`studbook.pairing.kinship_ceiling` (``kinship_excess`` in :mod:`studbook.settings`)."""

DEFAULT_FLAGGED_CAP = 0.125
"""Default cap on the flagged-founder share: at most one great-grandparent's worth (1/8); a
programme sets its own (``flagged_cap`` in :mod:`studbook.settings`)."""

MSI_MAX_UNKNOWN = 0.5
"""MSI ``-`` above this unknown ancestry (1 - the smaller % known of the mates)."""

MSI_INBRED_F = 0.0625
"""MSI: a pair whose offspring F reaches the inbred threshold max(``msi_inbred_f``, mean MK -
``msi_inbred_margin``) scores at best 3, never 1-2 ("very beneficial"), however much it raises
GD. 1/16 is an offspring of first cousins, the same value as :data:`KINSHIP_LIMIT`: where the
population's background lifts the kinship ceiling above the limit, the pairs in between stay
allowed but are not recommended as very beneficial (``docs/msi.md``)."""

MSI_INBRED_MARGIN: float | None = 1 / 32
"""MSI: in a population whose background is high (mean MK above ``msi_inbred_f`` + this),
the inbred threshold is mean MK minus this, so the pairs whose offspring are markedly less
inbred than random mating's can still score 1-2 (Cuvier's gazelle: mean MK 0.27, no pair below
f = 0.21); ``None`` = ``msi_inbred_f`` alone."""

MSI_GD_BANDS: tuple[float, ...] = (1.0, 0.5, 0.0, -0.5, -1.0)
"""MSI base-score bands of a pair's ΔGD, in standard deviations of ΔGD among the allowed
pairs (``docs/msi.md``)."""

MSI_MK_DIFFERENCE_BANDS: tuple[float, ...] = (2.0, 3.0)
"""MSI: one point per band exceeded by |MK_m - MK_f|, in standard deviations of the
candidates' MK."""

MSI_F_EXCESS_CUTS: tuple[float, ...] = (1 / 32, 3 / 64)
"""MSI: one point per cut reached by the offspring's F above the population's mean MK."""

MSI_UNKNOWN_CUTS: tuple[float, ...] = (0.25, 0.40)
"""MSI: one point per cut exceeded by the unknown ancestry."""

DEFAULT_SUCCESS_RATE = 0.2
"""Default share of recommended pairs that breed within a year: "breeding success for both
program types was below 20%" one year after AZA Breeding-and-Transfer Plans (Cronin, Mitchell,
Lonsdorf and Thompson 2006, Zoo Biology 25: 267-277). A programme sets its own
(``success_rate``); its tracked plans replace it as outcomes are recorded."""
