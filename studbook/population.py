"""The reference population and the breeding and release candidates drawn from it.

Definitions (stated in every report header through :attr:`ReferencePopulation.definition`):

* **Reference population P** at a census date: animals living on that date
  (:mod:`studbook.status`: the events decide; for a plain pedigree born on or before it, no
  death on or before it, recorded as living unless a later death date explains the record, not
  hypothetical), not released, not lost to follow-up (LTF); optionally restricted
  to some regions or institutions and with named animals excluded. Mean kinship (MK) and gene
  diversity (GD) are taken over P unless a report says otherwise.
* **Breeding candidates**: animals of P with known sex (``M``/``F``) inside the species
  profile's breeding-age window for their sex, not listed as non-breeders or on health hold.
  Contracepted animals stay candidates; the pairing report shows the flag.
* **Release candidates**: animals of P inside the profile's release-age window and not listed as
  ineligible.

Ages are :func:`studbook.status.age_years` at the census date (years of 365.25 days from the
first day of the birth date). An animal without a birth date is outside every age window unless
the caller passes ``include_unknown_age=True``; a window of ``None`` means no age limit.

The status lists (released, LTF, non-breeders, health hold, contracepted, ineligible) are plain
id collections so the database layer can pass what it knows; pedigree CSV columns
``released``, ``lost_to_followup`` (yes/no) and ``status``
(:func:`studbook.status.parse_status`) are read as well when present.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from studbook.errors import ImportValidationError, StudbookError, UnknownAnimalError
from studbook.founders import flagged_contribution, percent_known
from studbook.institutions import read_institutions
from studbook.kinship import EmptyPopulationError, mean_kinship_array
from studbook.pedigree import Pedigree
from studbook.present import counted
from studbook.settings import AgeWindow
from studbook.status import (
    LIVING_DEFINITION,
    living_mask,
    pedigree_ages,
    recorded_exits,
    studbook_order,
)

__all__ = [
    "AMUR_LEOPARD",
    "NO_AGE_LIMITS",
    "Candidates",
    "PopulationGenetics",
    "ReferencePopulation",
    "SpeciesProfile",
    "as_day",
    "breeding_candidates",
    "population_genetics",
    "read_institution_regions",
    "reference_population",
    "release_candidates",
    "release_why_not",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
_SEX_WORD = {"M": "male", "F": "female"}


@dataclass(frozen=True)
class SpeciesProfile:
    """A species' age windows (years, inclusive) for breeding and release; ``None`` means no
    age limit.

    The defaults are no profile at all (no name, no age limits, :data:`NO_AGE_LIMITS`); a
    programme sets its own through its settings (:mod:`studbook.settings`), e.g. the
    :data:`AMUR_LEOPARD` profile.

    >>> SpeciesProfile().describe()
    'none set — no age limits'
    >>> AMUR_LEOPARD.describe().split(": ")[1]
    'breeding males 2-15 y, females 2-15 y; release 1-4 y'
    """

    name: str = ""
    breeding_age_male: AgeWindow = None
    breeding_age_female: AgeWindow = None
    release_age: AgeWindow = None

    def describe(self) -> str:
        """One line for report headers."""
        windows = (self.breeding_age_male, self.breeding_age_female, self.release_age)
        if all(w is None for w in windows):
            return f"{self.name or 'none set'} — no age limits"

        def window(w: AgeWindow) -> str:
            return "any age" if w is None else f"{w[0]:g}-{w[1]:g} y"

        return (
            f"{self.name or 'unnamed'}: breeding males {window(self.breeding_age_male)}, "
            f"females {window(self.breeding_age_female)}; release {window(self.release_age)}"
        )


NO_AGE_LIMITS = SpeciesProfile()
"""No species profile: every age is a breeding and a release age (the core's default)."""

AMUR_LEOPARD = SpeciesProfile(
    name="Amur leopard (Panthera pardus orientalis)",
    breeding_age_male=(2.0, 15.0),
    breeding_age_female=(2.0, 15.0),
    release_age=(1.0, 4.0),
)
"""The Amur leopard profile: breeding 2-15 years (both sexes), release 1-4 years (what the
bundled fixture's ``fixtures/amur_leopard_settings.csv`` sets)."""


@dataclass(frozen=True, eq=False)
class ReferencePopulation:
    """P: a mask over the pedigree plus how it was defined.

    Attributes
    ----------
    pedigree : the pedigree the mask refers to.
    mask : ``True`` for the members of P (aligned with ``pedigree.ids``).
    census_date : the date the population was taken at.
    definition : a human-readable definition for report headers.
    region : region of each animal's institution (``''`` unknown), aligned with the pedigree.
    released, lost_to_followup : status masks used to build P (aligned with the pedigree).
    living : living on the census date (aligned with the pedigree), to say why one is not in P.
    """

    pedigree: Pedigree
    mask: BoolArray
    census_date: np.datetime64
    definition: str
    region: npt.NDArray[np.object_]
    released: BoolArray = field(default_factory=lambda: np.zeros(0, bool))
    lost_to_followup: BoolArray = field(default_factory=lambda: np.zeros(0, bool))
    living: BoolArray | None = None
    """Who was living on the census date, before the other rules (None: not recorded)."""

    @property
    def indices(self) -> IntArray:
        """Pedigree positions of the members of P, in pedigree order."""
        return np.flatnonzero(self.mask).astype(np.int64)

    @property
    def ids(self) -> list[str]:
        """Studbook ids of the members of P, in pedigree order."""
        return [self.pedigree.ids[k] for k in self.indices.tolist()]

    @property
    def size(self) -> int:
        """N, the number of animals in P."""
        return int(self.mask.sum())

    def ages(self) -> FloatArray:
        """Age in years at the census date of every animal in the pedigree (NaN unknown)."""
        return pedigree_ages(self.pedigree, self.census_date)

    def why_not(self, animal_id: str) -> str | None:
        """Why ``animal_id`` is not in P (released, LTF, not living on the census date, or
        outside the population's filters), or ``None`` when it is a member."""
        k = self.pedigree.index.get(animal_id)
        if k is None:
            raise UnknownAnimalError([animal_id])
        if self.mask[k]:
            return None
        if self.released.size and self.released[k]:
            return "released"
        if self.lost_to_followup.size and self.lost_to_followup[k]:
            return "lost to follow-up"
        if self.living is not None and not self.living[k]:
            return f"not living on {self.census_date}"
        return f"outside the reference population ({self.definition})"


@dataclass(frozen=True, eq=False)
class Candidates:
    """Breeding candidates: pedigree positions of males and females, in studbook-id order.

    ``excluded`` maps each animal of P that is not a candidate to the reason.
    ``contracepted`` marks animals on contraception (aligned with the pedigree; shown, not
    excluded).
    """

    population: ReferencePopulation
    profile: SpeciesProfile
    males: IntArray
    females: IntArray
    contracepted: BoolArray
    excluded: Mapping[str, str]

    @property
    def male_ids(self) -> list[str]:
        return [self.population.pedigree.ids[k] for k in self.males.tolist()]

    @property
    def female_ids(self) -> list[str]:
        return [self.population.pedigree.ids[k] for k in self.females.tolist()]

    def why_not(self, animal_id: str, sex: str) -> str | None:
        """Why ``animal_id`` is not a breeding candidate of ``sex`` (``M``/``F``), or ``None``.

        The reason names the rule: not in P (and why), the wrong sex, or the exclusion with its
        figures (age and the species profile's window). Raises
        :class:`~studbook.errors.UnknownAnimalError` for an id not in the pedigree.

        >>> from studbook.pedigree import Pedigree
        >>> ped = Pedigree.from_cells(["m", "f"], ["", ""], ["", ""], ["M", "F"])
        >>> c = breeding_candidates(reference_population(ped, census_date="2024-01-01"))
        >>> c.why_not("f", "M"), c.why_not("m", "M")
        ('is female, not male', None)
        """
        ped = self.population.pedigree
        k = ped.index.get(animal_id)
        if k is None:
            raise UnknownAnimalError([animal_id])
        outside = self.population.why_not(animal_id)
        if outside is not None:
            return outside
        if ped.sex[k] in _SEX_WORD and ped.sex[k] != sex:
            return f"is {_SEX_WORD[str(ped.sex[k])]}, not {_SEX_WORD[sex]}"
        reason = self.excluded.get(animal_id)
        if reason == "outside breeding age":
            window = (
                self.profile.breeding_age_male if sex == "M" else self.profile.breeding_age_female
            )
            assert window is not None  # no window excludes nobody by age
            age = float(self.population.ages()[k])
            return (
                f"outside breeding age: {age:.1f} years, the window is {window[0]:g}-"
                f"{window[1]:g} (species profile {self.profile.name or 'unnamed'}, settings)"
            )
        return reason

    def exclusion_counts(self) -> dict[str, int]:
        """How many animals of P each rule keeps out of the candidates, largest first."""
        counts: dict[str, int] = {}
        for reason in self.excluded.values():
            counts[reason] = counts.get(reason, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: -item[1]))

    def why_empty(self) -> str | None:
        """Why there are no males or no females to pair (counts per rule), or ``None``."""
        if self.males.size and self.females.size:
            return None
        n = self.population.size
        head = (
            "breeding candidates: "
            f"{counted(self.males.size, 'male')} x {counted(self.females.size, 'female')}"
        )
        if n == 0:
            return f"{head}: the reference population is empty ({self.population.definition})"
        sex = self.population.pedigree.sex[self.population.mask]
        males, females = int((sex == "M").sum()), int((sex == "F").sum())
        makeup = f"{counted(males, 'male')}, {counted(females, 'female')}"
        counts = ", ".join(f"{c} {reason}" for reason, c in self.exclusion_counts().items())
        return f"{head}; P has {counted(n, 'animal')} ({makeup}), excluded: {counts or 'none'}"


def as_day(value: np.datetime64 | str | None) -> np.datetime64:
    """A day (``datetime64[D]``) from ISO text or a datetime64; ``None`` = today.

    >>> str(as_day("2024-03-05"))
    '2024-03-05'
    """
    return np.datetime64("today" if value is None else str(value), "D")


def _id_mask(ped: Pedigree, ids: Iterable[str] | None) -> BoolArray:
    mask = np.zeros(len(ped), bool)
    if ids is not None:
        mask[ped.indices(list(ids))] = True
    return mask


def read_institution_regions(path: str | Path) -> dict[str, str]:
    """Institution mnemonic -> region from an institutions file
    (:func:`studbook.institutions.read_institutions`); raises
    :class:`~studbook.errors.ImportValidationError` listing bad cells."""
    records, problems = read_institutions(path)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ImportValidationError(errors)
    return {r.mnemonic: r.region for r in records}


def reference_population(
    ped: Pedigree,
    *,
    census_date: np.datetime64 | str | None = None,
    regions: Collection[str] | None = None,
    institutions: Collection[str] | None = None,
    institution_regions: Mapping[str, str] | None = None,
    exclude: Iterable[str] = (),
    released: Iterable[str] = (),
    lost_to_followup: Iterable[str] = (),
    living: Iterable[str] | None = None,
) -> ReferencePopulation:
    """The reference population P at ``census_date`` (see the module docstring).

    Parameters
    ----------
    ped : the pedigree.
    census_date : the census date (``YYYY-MM-DD``); default today. Without birth or death
        dates the recorded ``alive`` value decides.
    regions, institutions : keep only animals in these regions / at these institutions
        (mnemonics). ``regions`` needs ``institution_regions``.
    institution_regions : institution mnemonic -> region.
    exclude : studbook ids to leave out (e.g. animals already committed elsewhere).
    released, lost_to_followup : ids released to the wild or lost to follow-up (added to any
        ``released`` / ``lost_to_followup`` / ``status`` column of the pedigree).
    living : the ids living on the census date when the caller knows the events
        (:meth:`studbook.book.Studbook.living_ids`); default: the pedigree's own columns
        (:func:`studbook.status.living_mask`).

    Examples
    --------
    >>> from studbook.pedigree import Pedigree
    >>> ped = Pedigree.from_cells(["a", "b", "c"], ["", "", "a"], ["", "", "b"],
    ...                           alive=[False, True, True])
    >>> pop = reference_population(ped, census_date="2024-01-01", exclude=["c"])
    >>> pop.ids
    ['b']
    """
    day = as_day(census_date)
    regionmap = dict(institution_regions or {})
    location = np.array([str(loc) for loc in ped.location], object)
    region = np.array([regionmap.get(loc, "") for loc in location], object)
    alive_then = living_mask(ped, day) if living is None else _id_mask(ped, living)
    said_released, said_ltf = _id_mask(ped, released), _id_mask(ped, lost_to_followup)
    excluded = _id_mask(ped, exclude)
    # Exits recorded in the pedigree's columns are part of the living rule (alive_then); the
    # masks below name them too, for the reasons an animal is not in P.
    mask = alive_then & ~said_released & ~said_ltf & ~excluded
    exits = recorded_exits(ped)
    released_mask = said_released | (exits == "released")
    ltf_mask = said_ltf | (exits == "LTF")
    parts = [
        f"living on {day} ({LIVING_DEFINITION})",
    ]
    if institutions is not None:
        mask &= np.isin(location, list(institutions))
        parts.append("at " + ", ".join(sorted(institutions)))
    if regions is not None:
        if institution_regions is None:
            raise StudbookError("restricting to regions needs an institution -> region mapping")
        mask &= np.isin(region, list(regions))
        parts.append("in region " + ", ".join(sorted(regions)))
    ex = sorted(set(exclude))
    if ex:
        parts.append("excluding " + ", ".join(ex))
    definition = "; ".join(parts) + f"; N = {int(mask.sum())}"
    return ReferencePopulation(
        pedigree=ped,
        mask=mask,
        census_date=day,
        definition=definition,
        region=region,
        released=released_mask,
        lost_to_followup=ltf_mask,
        living=alive_then,
    )


def _in_window(age: FloatArray, window: AgeWindow, include_unknown: bool) -> BoolArray:
    if window is None:
        return np.ones(age.shape, bool)
    unknown = np.isnan(age)
    with np.errstate(invalid="ignore"):
        inside = (age >= window[0]) & (age <= window[1])
    return inside | (unknown & include_unknown)


def _sorted_by_id(ped: Pedigree, positions: IntArray) -> IntArray:
    rank = studbook_order([ped.ids[k] for k in positions.tolist()])
    out = np.empty_like(positions)
    out[rank] = positions
    return out


def breeding_candidates(
    population: ReferencePopulation,
    profile: SpeciesProfile = NO_AGE_LIMITS,
    *,
    non_breeders: Iterable[str] = (),
    health_hold: Iterable[str] = (),
    contracepted: Iterable[str] = (),
    include_unknown_age: bool = False,
    not_breeding: Mapping[str, str] | None = None,
) -> Candidates:
    """Males and females of P that may be paired (see the module docstring).

    ``not_breeding`` maps animals marked not to breed (a breeding hold,
    :mod:`studbook.recommendations`) to the reason shown for them.

    Examples
    --------
    >>> from studbook.pedigree import Pedigree
    >>> ped = Pedigree.from_cells(["m", "f", "u", "h"], [""] * 4, [""] * 4, ["M", "F", "U", "F"])
    >>> pop = reference_population(ped, census_date="2024-01-01")
    >>> c = breeding_candidates(pop, NO_AGE_LIMITS, health_hold=["h"])
    >>> c.male_ids, c.female_ids, dict(c.excluded)
    (['m'], ['f'], {'u': 'sex unknown', 'h': 'health hold'})
    """
    ped = population.pedigree
    ages = population.ages()
    reasons: dict[str, str] = {}
    ok = population.mask.copy()
    checks: list[tuple[BoolArray, str]] = [
        (~np.isin(ped.sex, ["M", "F"]), "sex unknown"),
        (_id_mask(ped, non_breeders), "non-breeder"),
        (_id_mask(ped, health_hold), "health hold"),
    ]
    for reason in sorted(set((not_breeding or {}).values())):
        held = [a for a, why in (not_breeding or {}).items() if why == reason]
        checks.append((_id_mask(ped, held), reason))
    window = np.where(
        ped.sex == "M",
        _in_window(ages, profile.breeding_age_male, include_unknown_age),
        _in_window(ages, profile.breeding_age_female, include_unknown_age),
    )
    checks.append((~window & np.isnan(ages), "age unknown (no birth date)"))
    checks.append((~window, "outside breeding age"))
    for bad, reason in checks:
        for k in np.flatnonzero(ok & bad).tolist():
            reasons[ped.ids[k]] = reason
        ok &= ~bad
    males = _sorted_by_id(ped, np.flatnonzero(ok & (ped.sex == "M")).astype(np.int64))
    females = _sorted_by_id(ped, np.flatnonzero(ok & (ped.sex == "F")).astype(np.int64))
    return Candidates(
        population=population,
        profile=profile,
        males=males,
        females=females,
        contracepted=_id_mask(ped, contracepted),
        excluded=reasons,
    )


def release_candidates(
    population: ReferencePopulation,
    profile: SpeciesProfile = NO_AGE_LIMITS,
    *,
    ineligible: Iterable[str] = (),
    include_unknown_age: bool = False,
) -> IntArray:
    """Pedigree positions of the animals of P inside the release-age window, in id order.

    >>> from studbook.pedigree import Pedigree
    >>> ped = Pedigree.from_cells(["a", "b"], ["", ""], ["", ""],
    ...                           birth_date=["2022-06-01", "2010-01-01"])
    >>> pop = reference_population(ped, census_date="2024-01-01")
    >>> [ped.ids[k] for k in release_candidates(pop, AMUR_LEOPARD)]
    ['a']
    """
    ped = population.pedigree
    ok = (
        population.mask
        & _in_window(population.ages(), profile.release_age, include_unknown_age)
        & ~_id_mask(ped, ineligible)
    )
    return _sorted_by_id(ped, np.flatnonzero(ok).astype(np.int64))


def release_why_not(
    population: ReferencePopulation,
    profile: SpeciesProfile,
    animal_id: str,
    *,
    ineligible: Iterable[str] = (),
) -> str | None:
    """Why ``animal_id`` is not a release candidate (:func:`release_candidates`), or ``None``.

    Raises :class:`~studbook.errors.UnknownAnimalError` for an id not in the pedigree.
    """
    outside = population.why_not(animal_id)
    if outside is not None:
        return outside
    if animal_id in set(ineligible):
        return "listed as ineligible for release"
    window = profile.release_age
    if window is None:
        return None
    age = float(population.ages()[population.pedigree.index[animal_id]])
    if np.isnan(age):
        return "age unknown (no birth date)"
    if not window[0] <= age <= window[1]:
        return (
            f"outside release age: {age:.1f} years, the window is {window[0]:g}-{window[1]:g} "
            f"(species profile {profile.name or 'unnamed'}, settings)"
        )
    return None


@dataclass(frozen=True, eq=False)
class PopulationGenetics:
    """Per-animal genetics relative to P, from the kinship engine, shared by every ranking.

    Attributes (arrays aligned with the pedigree)
    ---------------------------------------------
    population : P.
    mk : MK_i = (1/N) sum_{j in P} f_ij (for animals outside P: their mean kinship to P).
    mean_mk : mean MK over P, = 1 - GD.
    known : fraction (0-1) of each genome traceable to real founders (% known / 100).
    flagged : share of each genome from founders carrying any of ``flags``.
    flags : the founder flags used.
    """

    population: ReferencePopulation
    mk: FloatArray
    mean_mk: float
    known: FloatArray
    flagged: FloatArray
    flags: tuple[str, ...]

    @property
    def n(self) -> int:
        """N, the size of P."""
        return self.population.size

    @property
    def gene_diversity(self) -> float:
        """GD of P = 1 - mean MK."""
        return 1.0 - self.mean_mk


def population_genetics(
    population: ReferencePopulation, flags: Iterable[str] | None = None
) -> PopulationGenetics:
    """MK over P (one Colleau product), % known and flagged-founder shares of every animal.

    ``flags`` names the founder flags whose genes are counted (default: every flag in the
    pedigree). Raises :class:`~studbook.kinship.EmptyPopulationError` for an empty P.

    Examples
    --------
    >>> from studbook.pedigree import Pedigree
    >>> ped = Pedigree.from_cells(["A", "B", "C"], ["", "", "A"], ["", "", "B"],
    ...                           flags=[["x"], [], []])
    >>> g = population_genetics(reference_population(ped, census_date="2024-01-01"))
    >>> g.mk.tolist(), g.flagged.tolist(), g.flags
    ([0.25, 0.25, 0.3333333333333333], [1.0, 0.0, 0.5], ('x',))
    """
    ped = population.pedigree
    if population.size == 0:
        raise EmptyPopulationError(f"the reference population is empty ({population.definition})")
    names = tuple(sorted(ped.flags)) if flags is None else tuple(flags)
    mk = mean_kinship_array(ped, population.mask)
    return PopulationGenetics(
        population=population,
        mk=mk,
        mean_mk=float(mk[population.mask].mean()),
        known=percent_known(ped) / 100.0,
        flagged=flagged_contribution(ped, names) if names else np.zeros(len(ped)),
        flags=names,
    )
