"""The programme's settings: the choices a breeding programme makes, written once.

A :class:`ProgrammeSettings` holds everything an analysis takes from the programme rather than
from the pedigree: the species profile (breeding age windows by sex, the release age window),
the founder flags counted, the flagged-founder cap, the kinship limit, the provisional MSI
thresholds, the between-region penalty of the breeding plan and the target population size.
The database stores them (``db.settings``), the command line (``studbook settings``) and the
terminal UI edit them, and :class:`~studbook.analysis.Analysis` reads them, so every front uses
the same values and every report header names them.

Every setting has a key (:data:`SETTINGS`) and a text form, the same in the database, the
settings CSV (``<studbook>_settings.csv``, see ``docs/csv-format.md``), the command line and the
UI; :meth:`ProgrammeSettings.from_text` is the one parser and validator.

The defaults are the programme's *absence* of choices: no species profile (no age limits), every
founder flag counted, and the documented defaults of the flagged-founder cap, the kinship limit
and the MSI thresholds. The Amur leopard profile (:data:`~studbook.population.AMUR_LEOPARD`) is
what the bundled fixture's settings file sets, not a hidden default.
"""

from __future__ import annotations

import csv
import dataclasses
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studbook.assumptions import NO_ASSUMPTIONS, is_true_record, set_name_problem
from studbook.defaults import (
    DEFAULT_FLAGGED_CAP,
    DEFAULT_SUCCESS_RATE,
    KINSHIP_EXCESS,
    KINSHIP_LIMIT,
    MSI_F_EXCESS_CUTS,
    MSI_GD_BANDS,
    MSI_INBRED_F,
    MSI_INBRED_MARGIN,
    MSI_MAX_UNKNOWN,
    MSI_MK_DIFFERENCE_BANDS,
    MSI_UNKNOWN_CUTS,
)
from studbook.errors import ImportValidationError, Problem, SettingsError
from studbook.limits import MNEMONIC_LENGTH

if TYPE_CHECKING:
    # Only the analyses need these (numpy and the rankers): they load when asked for.
    from studbook.breeding_plan import Objective, PlanSettings
    from studbook.pairing import MsiTable
    from studbook.population import SpeciesProfile

AgeWindow = tuple[float, float] | None
"""An age window in years, both ends included; ``None`` means no age limit."""

__all__ = [
    "RETIRED_SETTINGS",
    "SETTINGS",
    "SETTING_GROUPS",
    "AgeWindow",
    "DemographicWindow",
    "ProgrammeSettings",
    "SettingSpec",
    "read_settings",
]


@dataclass(frozen=True)
class DemographicWindow:
    """The **demographic window**: the dates ``[start, end)`` (and optionally the region) over
    which birth and death rates are estimated. Only what happened inside it counts, and only
    while the animal was held in ``region`` (any case; ``None`` = everywhere).

    Its text form is ``FROM:TO`` or ``FROM:TO@REGION`` with ISO dates, e.g.
    ``1990-01-01:2025-01-01@EAZA``; every demography report prints it.

    >>> w = DemographicWindow.parse("1990-01-01:2025-01-01@eaza")
    >>> w.region, w.text()
    ('EAZA', '1990-01-01:2025-01-01@EAZA')
    """

    start: date
    end: date
    region: str | None = None

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError(f"the window must start before it ends ({self.start}, {self.end})")

    @classmethod
    def parse(cls, text: str) -> DemographicWindow:
        """The window ``FROM:TO[@REGION]``; raises ``ValueError`` naming what is wrong."""
        dates, _, region = text.strip().partition("@")
        first, sep, last = dates.partition(":")
        if not sep:
            raise ValueError(f"{text!r} is not FROM:TO (ISO dates)")
        return cls(
            date.fromisoformat(first.strip()),
            date.fromisoformat(last.strip()),
            region.strip().upper() or None,
        )

    def text(self) -> str:
        """The text form ``FROM:TO[@REGION]``."""
        return f"{self.start}:{self.end}" + (f"@{self.region}" if self.region else "")

    def describe(self) -> str:
        """The window for report headers."""
        where = f"animals while held in {self.region}" if self.region else "all institutions"
        return f"{self.start} to {self.end} (end excluded), {where}"


_NAME_LENGTH = 200


@dataclass(frozen=True)
class ProgrammeSettings:
    """The settings of one breeding programme (see :data:`SETTINGS` for each key's text form).

    Attributes
    ----------
    species : name of the species profile (``""``: none set).
    breeding_age_male, breeding_age_female : inclusive breeding-age window (years) of each sex,
        ``None`` = no age limit. Default: none.
    release_age : inclusive release-age window (years), ``None`` = no age limit. Default: none.
    founder_flags : founder flags whose genes are counted as flagged (e.g. ``non-amur``);
        ``None`` = every flag in the studbook (default), ``()`` = none.
    flagged_cap : largest share (fraction 0-1) of a release candidate's genome from flagged
        founders. Default 0.125 (one great-grandparent's worth).
    kinship_limit : kinship f (0-1, not relationship), the floor of the kinship ceiling at or
        above which a pair gets MSI ``-`` and is left out of the breeding plan (see
        :meth:`kinship_ceiling`). Default 0.0625 (offspring of first cousins).
    kinship_excess : kinship above the population's mean MK at which a pair is forbidden (the
        ceiling is max(kinship_limit, mean MK + kinship_excess)); ``None`` = the fixed
        ``kinship_limit`` alone. Default 0.0625.
    msi_max_unknown : unknown ancestry (fraction 0-1) above which a pair gets MSI ``-``.
        Default 0.5.
    msi_inbred_f : offspring F (kinship of the mates, 0-1) at or above which a pair scores at
        best MSI 3, never 1-2, the floor of the inbred threshold. Default 0.0625.
    msi_inbred_margin : kinship below the population's mean MK: the inbred threshold is
        max(msi_inbred_f, mean MK - msi_inbred_margin); ``None`` = ``msi_inbred_f`` alone.
        Default 0.03125.
    msi_gd_bands, msi_mk_difference_bands, msi_f_excess_cuts, msi_unknown_cuts : the MSI
        thresholds (see :class:`~studbook.pairing.MsiTable`; standard deviations of the
        population's delta GD and MK, kinship above mean MK, fractions).
    release_sex_ratio : males:females of a release group, e.g. ``(1, 1)``; ``None`` = any mix.
        Default 1:1.
    release_max_kinship : the largest kinship allowed between two members of a release group;
        ``None`` = the pairs' kinship ceiling (:meth:`kinship_ceiling`). Default ``None``.
    region_penalty : cost of a between-region pair in the breeding plan, in the plan
        objective's unit (GD or F). Default 0 (no penalty).
    target_size : the programme's target population size (animals), ``None`` = not set.
    target_years : years in which the programme wants to reach ``target_size``, ``None`` = not
        set (reproductive goals need both).
    ne_ratio : the programme's Ne/N (effective size per animal, 0-1] for the drift projection,
        ``None`` = not set (published by the programme, e.g. from PMx; studbook's own estimate
        from inbreeding is shown beside it, never under this name).
    demographic_window : the :class:`DemographicWindow` of the life tables, ``None`` = from the
        first recorded birth to the census date, everywhere.
    assumption_set : the named set of pedigree assumptions the analyses apply
        (:mod:`studbook.assumptions`), ``""`` = none: the true record (default).
    success_rate : share (0-1] of recommended pairs expected to breed within a year, used to
        size the plan until tracked plans give the programme's own
        (:mod:`studbook.plan_size`). Default 0.2 (Cronin et al. 2006).
    proven_pair_margin : how much better (MK units, :mod:`studbook.plan_constraints`) pairing a
        proven pair's animals otherwise must be before the plan splits the pair. Default 0.01.
    transfer_cost_within_region, transfer_cost_between_regions : cost of a move in the plan's
        objective (MK units). Defaults 0.002 and 0.01.
    institution_capacity : (mnemonic, males, females) places each institution can hold;
        ``()`` = no limit anywhere.

    Raises :class:`~studbook.errors.SettingsError` naming the key for a value out of range.

    >>> ProgrammeSettings().describe()["species profile"]
    'none set — no age limits'
    """

    species: str = ""
    breeding_age_male: AgeWindow = None
    breeding_age_female: AgeWindow = None
    release_age: AgeWindow = None
    founder_flags: tuple[str, ...] | None = None
    flagged_cap: float = DEFAULT_FLAGGED_CAP
    kinship_limit: float = KINSHIP_LIMIT
    kinship_excess: float | None = KINSHIP_EXCESS
    msi_max_unknown: float = MSI_MAX_UNKNOWN
    msi_inbred_f: float = MSI_INBRED_F
    msi_inbred_margin: float | None = MSI_INBRED_MARGIN
    msi_gd_bands: tuple[float, ...] = MSI_GD_BANDS
    msi_mk_difference_bands: tuple[float, ...] = MSI_MK_DIFFERENCE_BANDS
    msi_f_excess_cuts: tuple[float, ...] = MSI_F_EXCESS_CUTS
    msi_unknown_cuts: tuple[float, ...] = MSI_UNKNOWN_CUTS
    region_penalty: float = 0.0
    target_size: int | None = None
    target_years: int | None = None
    ne_ratio: float | None = None
    demographic_window: DemographicWindow | None = None
    assumption_set: str = ""
    success_rate: float = DEFAULT_SUCCESS_RATE
    proven_pair_margin: float = 0.01
    transfer_cost_within_region: float = 0.002
    transfer_cost_between_regions: float = 0.01
    institution_capacity: tuple[tuple[str, int, int], ...] = ()
    release_sex_ratio: tuple[int, int] | None = (1, 1)
    release_max_kinship: float | None = None

    def __post_init__(self) -> None:
        for spec in SETTINGS.values():
            spec.check(getattr(self, spec.key))

    @classmethod
    def from_text(cls, values: Mapping[str, str]) -> ProgrammeSettings:
        """Settings from key -> text (keys not given keep their defaults).

        >>> ProgrammeSettings.from_text({"breeding_age_male": "2-15"}).breeding_age_male
        (2.0, 15.0)
        """
        parsed = {
            _spec(key).key: _spec(key).parse(text)
            for key, text in values.items()
            if key.strip() not in RETIRED_SETTINGS
        }
        return cls(**parsed)

    def with_text(self, key: str, text: str) -> ProgrammeSettings:
        """These settings with one key changed from its text form (validated)."""
        spec = _spec(key)
        return dataclasses.replace(self, **{spec.key: spec.parse(text)})

    def with_texts(self, values: Iterable[tuple[str, str]]) -> ProgrammeSettings:
        """These settings with each (key, text) of ``values`` applied in order, each validated
        (:meth:`with_text`): a run's overrides (command line, UI plan form) or the values a
        user stores.

        >>> s = ProgrammeSettings().with_texts([("kinship_limit", "0.2"), ("region_penalty", "0")])
        >>> s.kinship_limit, s.region_penalty
        (0.2, 0.0)
        """
        settings = self
        for key, text in values:
            settings = settings.with_text(key, text)
        return settings

    def text(self, key: str) -> str:
        """The text form of one setting."""
        spec = _spec(key)
        return spec.format(getattr(self, spec.key))

    def as_text(self) -> dict[str, str]:
        """Every setting as key -> text, in :data:`SETTINGS` order."""
        return {key: self.text(key) for key in SETTINGS}

    def changed(self) -> dict[str, str]:
        """The settings that differ from the defaults, as key -> text."""
        default = ProgrammeSettings()
        return {k: v for k, v in self.as_text().items() if v != default.text(k)}

    @property
    def profile(self) -> SpeciesProfile:
        """The species profile: name and age windows."""
        from studbook.population import SpeciesProfile

        return SpeciesProfile(
            name=self.species,
            breeding_age_male=self.breeding_age_male,
            breeding_age_female=self.breeding_age_female,
            release_age=self.release_age,
        )

    @property
    def msi(self) -> MsiTable:
        """The MSI table; its ``-`` ceiling on F is the kinship ceiling."""
        from studbook.pairing import MsiTable

        return MsiTable(
            forbidden_f=self.kinship_limit,
            forbidden_excess=self.kinship_excess,
            inbred_f=self.msi_inbred_f,
            inbred_margin=self.msi_inbred_margin,
            max_unknown=self.msi_max_unknown,
            gd_bands=self.msi_gd_bands,
            mk_difference_bands=self.msi_mk_difference_bands,
            f_excess_cuts=self.msi_f_excess_cuts,
            unknown_cuts=self.msi_unknown_cuts,
        )

    def kinship_ceiling(self, mean_mk: float) -> float:
        """The kinship at or above which a pair is forbidden in a population of mean MK
        ``mean_mk``: max(kinship_limit, mean_mk + kinship_excess) (see
        :func:`studbook.pairing.kinship_ceiling`).

        >>> ProgrammeSettings().kinship_ceiling(0.265)
        0.3275
        """
        from studbook.pairing import kinship_ceiling

        return kinship_ceiling(self.kinship_limit, self.kinship_excess, mean_mk)

    def release_kinship(self, mean_mk: float) -> float:
        """The largest kinship allowed within a release group: ``release_max_kinship``, or the
        pairs' kinship ceiling when not set (a release group's members are future mates)."""
        if self.release_max_kinship is not None:
            return self.release_max_kinship
        return self.kinship_ceiling(mean_mk)

    def plan_settings(
        self,
        *,
        objective: Objective = "delta_gd",
        max_per_animal: int = 1,
        n_pairs: int | None = None,
        mean_mk: float | None = None,
    ) -> PlanSettings:
        """A breeding plan's parameters with the programme's kinship limit and region penalty;
        given the population's ``mean_mk``, the limit is the kinship ceiling
        (:meth:`kinship_ceiling`), the same rule as the MSI's ``-``."""
        from studbook.breeding_plan import PlanSettings

        return PlanSettings(
            objective=objective,
            max_per_animal=max_per_animal,
            kinship_limit=(
                self.kinship_limit if mean_mk is None else self.kinship_ceiling(mean_mk)
            ),
            region_penalty=self.region_penalty,
            n_pairs=n_pairs,
        )

    def describe(self) -> dict[str, Any]:
        """The settings for report headers (labels shared with the breeding plan's)."""
        flags = self.founder_flags
        limit = _number(self.kinship_limit)
        ceiling = limit
        if self.kinship_excess is not None:
            ceiling = f"max({limit}, mean MK + {_number(self.kinship_excess)})"
        return {
            "species profile": self.profile.describe(),
            "founder flags counted": "all in the studbook" if flags is None else list(flags),
            "flagged-founder cap": self.flagged_cap,
            "kinship ceiling (forbidden pairs)": ceiling,
            "between-region penalty": self.region_penalty,
            "target population size": self.target_size or "not set",
            "years to reach the target": self.target_years or "not set",
            "Ne/N (programme setting)": self.ne_ratio or "not set",
            "demographic window": (
                self.demographic_window.describe()
                if self.demographic_window
                else "first birth to the census date, all institutions"
            ),
            "default success rate of a recommended pair": self.success_rate,
            "proven-pair margin (MK units)": self.proven_pair_margin,
            "transfer cost within / between regions (MK units)": (
                f"{self.transfer_cost_within_region:g} / {self.transfer_cost_between_regions:g}"
            ),
            "institution capacity (M/F)": _capacity_text(self.institution_capacity),
            "release group males:females": _ratio_text(self.release_sex_ratio),
            "release group max kinship": (
                "the kinship ceiling"
                if self.release_max_kinship is None
                else self.release_max_kinship
            ),
        }

    @property
    def assumption_set_name(self) -> str | None:
        """The assumption set the analyses apply, ``None`` for the true record."""
        return self.assumption_set or None


@dataclass(frozen=True)
class SettingSpec:
    """One setting: its key, what it means (unit, allowed values, default), how it is read,
    written and checked."""

    key: str
    label: str
    help: str
    parse_value: Callable[[str], Any]
    format: Callable[[Any], str]
    valid: Callable[[Any], bool]

    def parse(self, text: str) -> Any:
        """The value of ``text``; raises :class:`SettingsError` naming the key and the allowed
        values."""
        try:
            value = self.parse_value(text.strip())
        except (ValueError, TypeError):
            raise self.error(text) from None
        self.check(value, text)
        return value

    def check(self, value: Any, text: str | None = None) -> None:
        """Raise :class:`SettingsError` if ``value`` is not allowed."""
        if not self.valid(value):
            raise self.error(self.format(value) if text is None else text)

    def error(self, text: str) -> SettingsError:
        return SettingsError(self.key, f"{text!r} is not allowed; {self.help}")


def _fraction(text: str) -> float:
    return float(text)


def _in_unit(value: Any) -> bool:
    return isinstance(value, float | int) and 0.0 <= float(value) <= 1.0


def _number(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else repr(float(value))


def _window(text: str) -> AgeWindow:
    if text.lower() in ("", "any", "none"):
        return None
    low, sep, high = text.partition("-")
    if not sep:
        raise ValueError(text)
    return (float(low), float(high))


def _window_text(window: AgeWindow) -> str:
    return "any" if window is None else f"{_number(window[0])}-{_number(window[1])}"


def _window_ok(window: Any) -> bool:
    if window is None:
        return True
    low, high = window
    return bool(math.isfinite(low) and math.isfinite(high) and 0.0 <= low <= high)


def _cuts(text: str) -> tuple[float, ...]:
    return tuple(float(part) for part in text.split(",")) if text else ()


def _cuts_text(cuts: tuple[float, ...]) -> str:
    return ",".join(_number(c) for c in cuts)


def _increasing(cuts: Any) -> bool:
    return all(math.isfinite(c) for c in cuts) and list(cuts) == sorted(cuts)


def _gd_cuts_ok(cuts: Any) -> bool:
    return (
        len(cuts) == 5
        and all(math.isfinite(c) for c in cuts)
        and list(cuts) == sorted(cuts, reverse=True)
    )


def _optional_number(text: str) -> float | None:
    return None if text.lower() in ("", "none") else float(text)


def _optional_number_text(value: float | None) -> str:
    return "none" if value is None else _number(value)


def _optional_fraction_ok(value: Any) -> bool:
    return value is None or _in_unit(value)


def _ratio(text: str) -> tuple[int, int] | None:
    if text.lower() in ("", "any", "none"):
        return None
    males, sep, females = text.partition(":")
    if not sep:
        raise ValueError(text)
    return (int(males), int(females))


def _ratio_text(ratio: tuple[int, int] | None) -> str:
    return "any" if ratio is None else f"{ratio[0]}:{ratio[1]}"


def _ratio_ok(ratio: Any) -> bool:
    return ratio is None or (min(ratio) >= 0 and max(ratio) > 0)


def _flags(text: str) -> tuple[str, ...] | None:
    if text.lower() == "all":
        return None
    if text.lower() in ("", "none"):
        return ()
    return tuple(part.strip() for part in text.split(","))


def _flags_text(flags: tuple[str, ...] | None) -> str:
    if flags is None:
        return "all"
    return ",".join(flags) or "none"


def _flags_ok(flags: Any) -> bool:
    return flags is None or all(f and ";" not in f and len(f) <= 50 for f in flags)


def _size(text: str) -> int | None:
    return None if text.lower() in ("", "none") else int(text)


def _size_text(size: int | None) -> str:
    return "none" if size is None else str(size)


def _size_ok(size: Any) -> bool:
    return size is None or (isinstance(size, int) and size > 0)


def _optional_window(text: str) -> DemographicWindow | None:
    return None if text.lower() in ("", "none", "all") else DemographicWindow.parse(text)


def _capacity(text: str) -> tuple[tuple[str, int, int], ...]:
    if text.lower() in ("", "none"):
        return ()
    out = []
    for part in text.split(","):
        mnemonic, sep, places = part.strip().partition(":")
        males, slash, females = places.partition("/")
        if not sep or not slash:
            raise ValueError(part)
        out.append((mnemonic.strip().upper(), int(males), int(females)))
    return tuple(sorted(out))


def _capacity_text(value: tuple[tuple[str, int, int], ...]) -> str:
    return ",".join(f"{m}:{males}/{females}" for m, males, females in value) or "none"


def _capacity_ok(value: Any) -> bool:
    names = [m for m, _, _ in value]
    return len(names) == len(set(names)) and all(
        0 < len(m) <= MNEMONIC_LENGTH and m.isprintable() and males >= 0 and females >= 0
        for m, males, females in value
    )


def _cost_ok(value: Any) -> bool:
    return isinstance(value, float | int) and math.isfinite(value) and value >= 0


def _species_ok(name: Any) -> bool:
    return isinstance(name, str) and len(name) <= _NAME_LENGTH and name.isprintable()


_WINDOW_HELP = "use MIN-MAX in years (e.g. 2-15) or 'any' for no age limit; default any"
SETTINGS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
        SettingSpec(
            "species",
            "Species profile",
            f"use the species' name (up to {_NAME_LENGTH} characters), or '' for none; "
            "default none",
            str,
            str,
            _species_ok,
        ),
        SettingSpec(
            "breeding_age_male",
            "Breeding age, males (years)",
            _WINDOW_HELP,
            _window,
            _window_text,
            _window_ok,
        ),
        SettingSpec(
            "breeding_age_female",
            "Breeding age, females (years)",
            _WINDOW_HELP,
            _window,
            _window_text,
            _window_ok,
        ),
        SettingSpec(
            "release_age", "Release age (years)", _WINDOW_HELP, _window, _window_text, _window_ok
        ),
        SettingSpec(
            "founder_flags",
            "Founder flags counted",
            "use 'all' (every flag in the studbook), 'none', or flag names separated by commas; "
            "default all",
            _flags,
            _flags_text,
            _flags_ok,
        ),
        SettingSpec(
            "flagged_cap",
            "Flagged-founder cap (fraction)",
            f"use a fraction from 0 to 1; default {DEFAULT_FLAGGED_CAP:g}",
            _fraction,
            _number,
            _in_unit,
        ),
        SettingSpec(
            "kinship_limit",
            "Kinship limit (MSI '-', not planned)",
            f"use a kinship from 0 to 1 (not relationship); default {KINSHIP_LIMIT:g}",
            _fraction,
            _number,
            _in_unit,
        ),
        SettingSpec(
            "kinship_excess",
            "Kinship above mean MK (MSI '-', not planned)",
            "use a kinship from 0 to 1 above the population's mean MK (the ceiling is the larger "
            f"of kinship_limit and mean MK + this), or 'none' for kinship_limit alone; default "
            f"{KINSHIP_EXCESS:g}",
            _optional_number,
            _optional_number_text,
            _optional_fraction_ok,
        ),
        SettingSpec(
            "msi_max_unknown",
            "MSI: '-' above unknown ancestry",
            f"use a fraction from 0 to 1; default {MSI_MAX_UNKNOWN:g}",
            _fraction,
            _number,
            _in_unit,
        ),
        SettingSpec(
            "msi_inbred_f",
            "MSI: inbred threshold, offspring F (at best 3)",
            "use a kinship from 0 to 1 (not relationship): a pair whose offspring F reaches the "
            "larger of this and mean MK - msi_inbred_margin scores at best 3; default "
            f"{MSI_INBRED_F:g}",
            _fraction,
            _number,
            _in_unit,
        ),
        SettingSpec(
            "msi_inbred_margin",
            "MSI: inbred threshold, below mean MK",
            "use a kinship from 0 to 1 below the population's mean MK (the threshold is the "
            "larger of msi_inbred_f and mean MK - this), or 'none' for msi_inbred_f alone; "
            f"default {MSI_INBRED_MARGIN:g}",
            _optional_number,
            _optional_number_text,
            _optional_fraction_ok,
        ),
        SettingSpec(
            "msi_gd_bands",
            "MSI: ΔGD bands (standard deviations)",
            "use five decreasing numbers separated by commas, in standard deviations of the "
            f"pairs' ΔGD; default {_cuts_text(MSI_GD_BANDS)}",
            _cuts,
            _cuts_text,
            _gd_cuts_ok,
        ),
        SettingSpec(
            "msi_mk_difference_bands",
            "MSI: |MK difference| bands (standard deviations)",
            "use increasing numbers of standard deviations of the candidates' MK separated by "
            f"commas (or ''); default {_cuts_text(MSI_MK_DIFFERENCE_BANDS)}",
            _cuts,
            _cuts_text,
            _increasing,
        ),
        SettingSpec(
            "msi_f_excess_cuts",
            "MSI: offspring F above mean MK cuts",
            "use increasing kinships above the population's mean MK separated by commas (or "
            f"''); default {_cuts_text(MSI_F_EXCESS_CUTS)}",
            _cuts,
            _cuts_text,
            _increasing,
        ),
        SettingSpec(
            "msi_unknown_cuts",
            "MSI: unknown ancestry cuts",
            "use increasing fractions separated by commas (or ''); default "
            f"{_cuts_text(MSI_UNKNOWN_CUTS)}",
            _cuts,
            _cuts_text,
            _increasing,
        ),
        SettingSpec(
            "region_penalty",
            "Between-region penalty (plan objective units)",
            "use a number of at least 0, in the breeding plan objective's unit (GD or F); "
            "default 0",
            float,
            _number,
            _cost_ok,
        ),
        SettingSpec(
            "target_size",
            "Target population size (animals)",
            "use a whole number of animals above 0, or 'none'; default none",
            _size,
            _size_text,
            _size_ok,
        ),
        SettingSpec(
            "target_years",
            "Years to reach the target size",
            "use a whole number of years above 0, or 'none'; default none",
            _size,
            _size_text,
            _size_ok,
        ),
        SettingSpec(
            "ne_ratio",
            "Ne/N (programme setting)",
            "use a ratio above 0 and at most 1, or 'none'; default none",
            _optional_number,
            _optional_number_text,
            lambda v: v is None or (isinstance(v, float | int) and 0.0 < float(v) <= 1.0),
        ),
        SettingSpec(
            "demographic_window",
            "Demographic window (FROM:TO[@REGION])",
            "use FROM:TO with ISO dates, FROM before TO, optionally @REGION "
            "(e.g. 1990-01-01:2025-01-01@EAZA), or 'all' for the first birth to the census date "
            "everywhere; default all",
            _optional_window,
            lambda v: "all" if v is None else v.text(),
            lambda v: v is None or isinstance(v, DemographicWindow),
        ),
        SettingSpec(
            "assumption_set",
            "Assumption set of the analyses",
            "use the name of a stored assumption set (studbook assumptions list), or 'none' for "
            "the true record; default none",
            lambda text: "" if is_true_record(text) else text,
            lambda v: v or NO_ASSUMPTIONS,
            lambda v: isinstance(v, str) and (v == "" or set_name_problem(v) is None),
        ),
        SettingSpec(
            "success_rate",
            "Success rate of a recommended pair (default)",
            "use a share above 0 and at most 1 of recommended pairs that breed within a year; "
            f"default {DEFAULT_SUCCESS_RATE:g} (Cronin et al. 2006)",
            float,
            _number,
            lambda v: isinstance(v, float | int) and 0.0 < float(v) <= 1.0,
        ),
        SettingSpec(
            "proven_pair_margin",
            "Proven-pair margin (MK units)",
            "use a number of at least 0 (MK units): how much better pairing a proven pair's "
            "animals otherwise must be before the plan splits it; default 0.01",
            float,
            _number,
            _cost_ok,
        ),
        SettingSpec(
            "transfer_cost_within_region",
            "Transfer cost within a region (MK units)",
            "use a number of at least 0 (MK units); default 0.002",
            float,
            _number,
            _cost_ok,
        ),
        SettingSpec(
            "transfer_cost_between_regions",
            "Transfer cost between regions (MK units)",
            "use a number of at least 0 (MK units); default 0.01",
            float,
            _number,
            _cost_ok,
        ),
        SettingSpec(
            "institution_capacity",
            "Institution capacity (males/females)",
            "use MNEMONIC:MALES/FEMALES separated by commas (e.g. TALLINN:2/3,KENT:1/2), the "
            "animals of each sex an institution can hold, or 'none'; default none",
            _capacity,
            _capacity_text,
            _capacity_ok,
        ),
        SettingSpec(
            "release_sex_ratio",
            "Release group males:females",
            "use MALES:FEMALES in whole numbers (e.g. 1:1, 1:2), or 'any'; default 1:1",
            _ratio,
            _ratio_text,
            _ratio_ok,
        ),
        SettingSpec(
            "release_max_kinship",
            "Release group: largest kinship between members",
            "use a kinship from 0 to 1, or 'none' for the pairs' kinship ceiling "
            "(kinship_limit, kinship_excess); default none",
            _optional_number,
            _optional_number_text,
            _optional_fraction_ok,
        ),
    )
}
"""Every setting by key, in display order."""

SETTING_GROUPS: dict[str, tuple[str, ...]] = {
    "Programme": (
        "species",
        "breeding_age_male",
        "breeding_age_female",
        "founder_flags",
        "flagged_cap",
        "assumption_set",
        "demographic_window",
        "ne_ratio",
    ),
    "Pairings and MSI": (
        "kinship_limit",
        "kinship_excess",
        "msi_max_unknown",
        "msi_gd_bands",
        "msi_mk_difference_bands",
        "msi_f_excess_cuts",
        "msi_unknown_cuts",
        "msi_inbred_f",
        "msi_inbred_margin",
    ),
    "Breeding plan": (
        "target_size",
        "target_years",
        "success_rate",
        "region_penalty",
        "proven_pair_margin",
        "transfer_cost_within_region",
        "transfer_cost_between_regions",
        "institution_capacity",
    ),
    "Releases": ("release_age", "release_sex_ratio", "release_max_kinship"),
}
"""Every setting in exactly one group, the groups in display order, the ones a coordinator
sets first (species, ages, flags) in the first: a form shows one group at a time, so a short
terminal needs no scrolling."""

RETIRED_SETTINGS: dict[str, str] = {
    "msi_gd_cuts": "msi_gd_bands (standard deviations of ΔGD, no longer MK units)",
    "msi_mk_difference_cuts": "msi_mk_difference_bands (standard deviations of MK)",
    "msi_f_cuts": "msi_f_excess_cuts (offspring F above the population's mean MK)",
}
"""Settings of earlier versions whose meaning is gone, and what replaced them: a stored value
is ignored when the settings are loaded (it would be misread in the new unit), and setting one
is refused naming the replacement."""


def _spec(key: str) -> SettingSpec:
    try:
        return SETTINGS[key.strip()]
    except KeyError:
        if key.strip() in RETIRED_SETTINGS:
            raise SettingsError(
                key, f"retired setting: use {RETIRED_SETTINGS[key.strip()]}"
            ) from None
        raise SettingsError(
            key, "unknown setting; the settings are: " + ", ".join(SETTINGS)
        ) from None


def read_settings(path: str | Path) -> dict[str, str]:
    """The settings a ``key,value`` CSV file sets (the ``<studbook>_settings.csv`` companion),
    as key -> text in the canonical form (e.g. ``2 - 15`` -> ``2-15``).

    Raises :class:`~studbook.errors.ImportValidationError` listing every bad line (file, line,
    field: ``key`` for an unknown or repeated setting, ``value`` for a value out of range).
    """
    name = str(path)
    problems: list[Problem] = []
    values: dict[str, str] = {}
    with open(path, encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream)
        header = [cell.strip().lower() for cell in next(reader, [])]
        if header[:2] != ["key", "value"]:
            raise ImportValidationError(
                [Problem(name, 1, "header", "the first line must be 'key,value'")]
            )
        first: dict[str, int] = {}
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            key, value = [*row, "", ""][:2]
            key = key.strip()
            if len(row) > 2 and any(cell.strip() for cell in row[2:]):
                problems.append(Problem(name, line, "value", "more than two cells"))
            elif key in first:
                problems.append(
                    Problem(name, line, "key", f"{key!r} already set on line {first[key]}")
                )
            else:
                try:
                    parsed = ProgrammeSettings().with_text(key, value)
                except SettingsError as exc:
                    field = "key" if key not in SETTINGS else "value"
                    problems.append(Problem(name, line, field, str(exc)))
                else:
                    first[key] = line
                    values[key] = parsed.text(key)
    if problems:
        raise ImportValidationError(problems)
    return values
