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

__all__ = [
    "DEFAULT_FLAGGED_CAP",
    "DEFAULT_SUCCESS_RATE",
    "KINSHIP_LIMIT",
    "MSI_F_CUTS",
    "MSI_GD_CUTS",
    "MSI_MAX_UNKNOWN",
    "MSI_MK_DIFFERENCE_CUTS",
    "MSI_UNKNOWN_CUTS",
]

KINSHIP_LIMIT = 0.0625
"""Default kinship limit: a pair with f_mf at or above it (offspring of first cousins) gets MSI
``-`` and is left out of the breeding plan; a programme sets its own (``kinship_limit`` in
:mod:`studbook.settings`)."""

DEFAULT_FLAGGED_CAP = 0.125
"""Default cap on the flagged-founder share: at most one great-grandparent's worth (1/8); a
programme sets its own (``flagged_cap`` in :mod:`studbook.settings`)."""

MSI_MAX_UNKNOWN = 0.5
"""MSI ``-`` above this unknown ancestry (1 - the smaller % known of the mates)."""

MSI_GD_CUTS: tuple[float, ...] = (0.02, 0.005, -0.005, -0.02, -0.05)
"""MSI base-score cuts of the size-free GD value, in MK units."""

MSI_MK_DIFFERENCE_CUTS: tuple[float, ...] = (0.02, 0.05)
"""MSI: one point per cut exceeded by |MK_m - MK_f|."""

MSI_F_CUTS: tuple[float, ...] = (1 / 32, 3 / 64)
"""MSI: one point per cut reached by the offspring's F."""

MSI_UNKNOWN_CUTS: tuple[float, ...] = (0.25, 0.40)
"""MSI: one point per cut exceeded by the unknown ancestry."""

DEFAULT_SUCCESS_RATE = 0.2
"""Default share of recommended pairs that breed within a year: "breeding success for both
program types was below 20%" one year after AZA Breeding-and-Transfer Plans (Cronin, Mitchell,
Lonsdorf and Thompson 2006, Zoo Biology 25: 267-277). A programme sets its own
(``success_rate``); its tracked plans replace it as outcomes are recorded."""
