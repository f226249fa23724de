"""How every figure is shown: its label, its unit and its number format, written once.

The command line reports (:mod:`studbook.reports`) and every screen of the terminal UI show a
figure through the one :class:`Quantity` that describes it, so a ΔGD, an MK or a % known reads
the same everywhere. Human formats (the text table, Markdown, the UI) use :meth:`Quantity.text`;
machine formats (CSV, JSON) keep the raw value at full precision under :attr:`Quantity.key`.

Display rules:

* gene diversity, MK, F, kinship: proportions with 4 decimals (``0.9123``);
* ΔGD (change in gene diversity): in units of 10⁻⁴, signed, 2 decimals (``+1.04`` for
  0.000103884), labelled ``ΔGD (×10⁻⁴)``: a raw ΔGD is too small to read (``7.16e-05``);
* shares of 0-1 (% known, flagged-founder share, genome uniqueness): percent, 1 decimal, with
  ``%`` in the label and not in the cell;
* FGE, FE: 2 decimals; Ne: 1 decimal; founder representation: 3 decimals;
* ages: years with 1 decimal; dates: as recorded (:class:`~studbook.dates.PartialDate`, so an
  estimated date keeps its precision: ``1995-07``); probabilities: 2 decimals; counts and ranks:
  whole numbers; MSI: its code (``1`` to ``6`` or ``-``);
* a missing value (``None``, NaN) is :data:`MISSING`; an infinite one ``∞``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from studbook.dates import PartialDate

if TYPE_CHECKING:
    from studbook.breeding_plan import Plan
    from studbook.certainty import PedigreeCertainty
    from studbook.demography import Demography
    from studbook.plan_draft import DraftGenetics
    from studbook.release import ReleaseGroup
    from studbook.summary import PopulationSummary

__all__ = [
    "AGE",
    "BIRTH_DATE",
    "CAPTIVE_DELTA_GD",
    "CENSUS_HISTORY_QUANTITIES",
    "DEATH_DATE",
    "DELTA_GD",
    "DEMOGRAPHY_FIGURES",
    "FLAGGED",
    "FLAGGED_CAP",
    "FOUNDER",
    "GENERATION_TIME",
    "GENE_DIVERSITY",
    "KINSHIP",
    "KNOWN",
    "LAMBDA",
    "LIFE_TABLE_QUANTITIES",
    "MISSING",
    "MK",
    "MK_FEMALE",
    "MK_MALE",
    "MK_RANK",
    "MSI",
    "NE_RATIO",
    "N_LIVING",
    "OBJECTIVE",
    "OBJECTIVE_F",
    "OFFSPRING",
    "OFFSPRING_F",
    "PAIRING_QUANTITIES",
    "PEDIGREE",
    "PLAN_COMPARISON_QUANTITIES",
    "PLAN_FIGURES",
    "PLAN_QUANTITIES",
    "PROBABILITY",
    "PROJECTION_QUANTITIES",
    "RANK",
    "RELEASE_QUANTITIES",
    "REPRESENTATION",
    "SEX_FIGURES",
    "UNIQUENESS",
    "F",
    "Figure",
    "Quantity",
    "certainty_figures",
    "counted",
    "demography_figures",
    "draft_figures",
    "inline",
    "lines",
    "objective_quantity",
    "plan_comparison",
    "plan_totals",
    "printable",
    "release_group_figures",
    "spreadsheet_safe",
    "summary_figures",
    "yes_no",
]

MISSING = "–"
"""What a human format shows for a value that is not defined (``None`` or NaN)."""


def yes_no(value: bool) -> str:
    """A yes/no value as a human format shows it.

    >>> yes_no(True), yes_no(False)
    ('yes', 'no')
    """
    return "yes" if value else "no"


_UNSHOWABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def printable(text: str) -> str:
    r"""``text`` as it may be shown: every control character (C0, DEL, C1) and every invisible
    or direction-changing format character written as a visible escape.

    Studbook text (house names, notes, ids from old files) is data. Shown raw on a terminal,
    ``ESC ] 0 ; ... BEL`` would set the window title and ``ESC [ 2 J`` clear the screen; a
    right-to-left override would reorder what follows. Every front end shows user text through
    this function (the UI also as plain text, never as markup).

    >>> printable("N1\x1b]0;pwned\x07 ok")
    'N1\\x1b]0;pwned\\x07 ok'
    >>> printable("Darla\u202e")
    'Darla\\u202e'
    """
    return _UNSHOWABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def spreadsheet_safe(text: str) -> str:
    """A text cell for a CSV meant for spreadsheets that a spreadsheet will not run as a formula.

    A cell starting with ``=``, ``@``, a tab or a carriage return, or with ``+`` or ``-`` and
    not a plain number, gets a leading apostrophe (the OWASP advice against CSV injection):
    ``=HYPERLINK(...)`` is shown as text instead of being evaluated. The studbook's own
    export format (``studbook export``) stays lossless and is not passed through this.

    >>> spreadsheet_safe("=cmd|' /C calc'!A0"), spreadsheet_safe("-0.25"), spreadsheet_safe("-")
    ("'=cmd|' /C calc'!A0", '-0.25', '-')
    """
    if not text:
        return text
    if text[0] in "=@\t\r":
        return "'" + text
    if text[0] in "+-" and len(text) > 1:
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


def counted(n: int, noun: str, plural: str = "", *, verb: str = "") -> str:
    """``n`` with its noun (and a verb after it) in the number it needs, as a person writes
    it: every message that counts things says "1 error", "3 errors", "1 animal has", never
    "error(s)".

    >>> counted(1, "error"), counted(3, "error"), counted(0, "assumption set")
    ('1 error', '3 errors', '0 assumption sets')
    >>> counted(2, "ancestry", "ancestries"), counted(2, "animal", verb="has")
    ('2 ancestries', '2 animals have')
    """
    words = f"{n} {noun if n == 1 else plural or noun + 's'}"
    if verb:
        words += " " + (verb if n == 1 else _PLURAL_VERBS.get(verb, verb))
    return words


_PLURAL_VERBS = {"has": "have", "is": "are", "was": "were", "spans": "span"}


@dataclass(frozen=True)
class Quantity:
    """A figure's name for machines (``key``), its label for people (unit included) and how
    its value is written: multiplied by ``scale``, then formatted with ``spec``.

    Examples
    --------
    >>> DELTA_GD.label, DELTA_GD.text(0.000103884), DELTA_GD.text(7.16e-05)
    ('ΔGD (×10⁻⁴)', '+1.04', '+0.72')
    >>> KNOWN.label, KNOWN.text(0.875), KNOWN.text(None)
    ('% known', '87.5', '–')
    """

    key: str
    label: str
    spec: str = ""
    scale: float = 1.0
    formatter: Callable[[Any], str] | None = None
    """Writes values that are not plain numbers (lists of ids, say); overrides ``spec``."""

    def text(self, value: Any) -> str:
        """``value`` as a person reads it (see the module docstring)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return MISSING
        if self.formatter is not None:
            return self.formatter(value)
        if isinstance(value, bool):
            return yes_no(value)
        if isinstance(value, float) and math.isinf(value):
            return "∞" if value > 0 else "-∞"
        if isinstance(value, int | float):
            text = format(value * self.scale if self.scale != 1.0 else value, self.spec)
            if text.startswith("-") and not text.strip("-0."):
                # a loss too small to show is zero, not "-0.00"
                text = ("+" if self.spec.startswith("+") else "") + text[1:]
            return text
        if isinstance(value, PartialDate | date):
            return str(value)
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value) or "none"
        return str(value)

    def figure(self, value: Any) -> Figure:
        """``value`` tagged with this quantity."""
        return Figure(self, value)


@dataclass(frozen=True)
class Figure:
    """One value and the quantity it is: reports and screens show ``label`` and ``text``."""

    quantity: Quantity
    value: Any

    @property
    def label(self) -> str:
        return self.quantity.label

    @property
    def text(self) -> str:
        return self.quantity.text(self.value)


def _counted(ids: Sequence[str]) -> str:
    return f"{len(ids)}: " + ", ".join(ids) if ids else "0"


def _count(key: str, label: str) -> Quantity:
    return Quantity(key, label, "d")


def _proportion(key: str, label: str) -> Quantity:
    return Quantity(key, label, ".4f")


def _delta_gd(key: str, label: str) -> Quantity:
    return Quantity(key, f"{label} (×10⁻⁴)", "+.2f", 1e4)


def _percent(key: str, label: str) -> Quantity:
    return Quantity(key, label, ".1f", 100.0)


# ----------------------------------------------------------------- per-animal and per-pair
GENE_DIVERSITY = _proportion("gene_diversity", "Gene diversity (GD)")
DELTA_GD = _delta_gd("delta_gd", "ΔGD")
CAPTIVE_DELTA_GD = _delta_gd("delta_gd", "Captive ΔGD")
F = _proportion("f", "F")
MK = _proportion("mk", "MK")
MK_MALE = _proportion("mk_male", "MK ♂")
MK_FEMALE = _proportion("mk_female", "MK ♀")
MK_RANK = _count("mk_rank", "MK rank")
OFFSPRING_F = _proportion("offspring_f", "Offspring F")
OFFSPRING = _count("offspring", "Offspring")
KINSHIP = _proportion("kinship", "Kinship")
KNOWN = _percent("known", "% known")
FLAGGED = _percent("flagged", "% flagged")
UNIQUENESS = _percent("uniqueness", "Genome uniqueness (%)")
AGE = Quantity("age", "Age (years)", ".1f")
BIRTH_DATE = Quantity("birth_date", "Born")
DEATH_DATE = Quantity("death_date", "Died")
PROBABILITY = Quantity("probability", "p", ".2f")
REPRESENTATION = Quantity("representation", "Representation", ".3f")
FOUNDER = Quantity("founder", "Founder")
MSI = Quantity("msi", "MSI")
RANK = _count("rank", "#")

PAIRING_QUANTITIES: Mapping[str, Quantity] = {
    q.key: q
    for q in (
        RANK,
        Quantity("male", "Male"),
        Quantity("female", "Female"),
        MSI,
        DELTA_GD,
        OFFSPRING_F,
        MK_MALE,
        MK_FEMALE,
        _proportion("mk_difference", "MK difference"),
        KNOWN,
        _percent("unknown", "% unknown"),
        _percent("offspring_flagged", "Offspring % flagged"),
        Quantity("male_location", "Inst ♂"),
        Quantity("female_location", "Inst ♀"),
        Quantity("same_institution", "Same institution"),
        Quantity("same_region", "Same region"),
        Quantity("transfer", "Transfer"),
        Quantity("male_contracepted", "♂ contracepted"),
        Quantity("female_contracepted", "♀ contracepted"),
        Quantity("msi_why", "MSI why"),
    )
}
"""Every column of a ranked pair (:class:`~studbook.pairing.PairingRow`), by field name."""

PLAN_QUANTITIES: Mapping[str, Quantity] = {
    q.key: q
    for q in (
        Quantity("plan", "Plan"),
        *(PAIRING_QUANTITIES[k] for k in ("male", "female", "delta_gd", "offspring_f")),
        *(PAIRING_QUANTITIES[k] for k in ("mk_male", "mk_female", "transfer")),
        Quantity("score", "Score", ".6g"),
        Quantity("institution", "At"),
        Quantity("male_name", "♂ name"),
        Quantity("female_name", "♀ name"),
        Quantity("male_institution", "Inst ♂"),
        Quantity("female_institution", "Inst ♀"),
        Quantity("move", "Move"),
        Quantity("proven", "Proven"),
    )
}
"""Every column of a planned pair (:class:`~studbook.breeding_plan.PlannedPair`)."""

RELEASE_QUANTITIES: Mapping[str, Quantity] = {
    q.key: q
    for q in (
        RANK,
        Quantity("id", "Studbook id"),
        Quantity("sex", "Sex"),
        AGE,
        Quantity("location", "Institution"),
        CAPTIVE_DELTA_GD,
        MK,
        KNOWN,
        FLAGGED,
        _proportion("representativeness", "Representativeness"),
        Quantity("under_cap", "Under cap"),
    )
}
"""Every column of a release candidate (:class:`~studbook.release.ReleaseRow`)."""


# ----------------------------------------------------------------- the population summary
N_LIVING = _count("n", "N living (P)")
FLAGGED_CAP = _percent("flagged_cap", "Flagged-founder cap (%)")

_SUMMARY = {
    q.key: q
    for q in (
        N_LIVING,
        _count("males", "Males"),
        _count("females", "Females"),
        _count("unknown_sex", "Unknown sex"),
        _count("founders", "Founders with a share in P"),
        _count("founders_in_population", "Founders living in P"),
        _count("living_descendants", "Descendants in P"),
        GENE_DIVERSITY,
        Quantity("founder_genome_equivalents", "Founder genome equivalents (FGE)", ".2f"),
        Quantity("founder_equivalents", "Founder equivalents (FE)", ".2f"),
        _proportion("mean_inbreeding", "Mean F"),
        _proportion("mean_kinship", "Mean MK"),
        _percent("mean_known", "Mean % known"),
        Quantity("sex_ratio_ne", "Ne (sex ratio)", ".1f"),
        Quantity("flags", "Flagged founders"),
        _percent("mean_flagged", "Mean % flagged"),
    )
}


def summary_figures(summary: PopulationSummary) -> tuple[Figure, ...]:
    """Every scalar figure of the population summary, in order, each with its quantity."""
    return tuple(_SUMMARY[k].figure(v) for k, v in summary.figures().items())


PEDIGREE = Quantity("pedigree", "Pedigree analysed")
"""What an analysis rests on: the true record, or the true record + a named assumption set."""

_CERTAINTY = (
    PEDIGREE,
    _percent("known_before", "% known, true record"),
    _percent("known_after", "% known, with the assumptions"),
    _percent("certain", "% certain (no MULT or UNK)"),
    Quantity("potential_founders", "Potential founders", formatter=_counted),
    _proportion("gene_diversity", "GD now"),
    _proportion("gene_diversity_if_bred", "GD if potential founders bred once"),
    Quantity("founder_genome_equivalents", "FGE now", ".2f"),
    Quantity("founder_genome_equivalents_if_bred", "FGE if potential founders bred once", ".2f"),
)


def certainty_figures(certainty: PedigreeCertainty) -> tuple[Figure, ...]:
    """% known before and after the assumptions, % certain and the potential founders with
    GD and FGE now and if each bred once (:mod:`studbook.certainty`), in that order."""
    p = certainty.potential
    values = (
        certainty.label,
        certainty.known_before,
        certainty.known_after,
        certainty.certain,
        p.ids,
        p.gene_diversity,
        p.gene_diversity_if_bred,
        p.founder_genome_equivalents,
        p.founder_genome_equivalents_if_bred,
    )
    return tuple(q.figure(v) for q, v in zip(_CERTAINTY, values, strict=True))


# ----------------------------------------------------------------- plans and release groups
OBJECTIVE = _delta_gd("objective_value", "Objective, Σ ΔGD - penalties")
"""A breeding plan's objective with the ΔGD objective: the sum of its pair scores, in ΔGD
units (×10⁻⁴ like every ΔGD)."""

OBJECTIVE_F = Quantity("objective_value", "Objective, -Σ (F + penalties)", ".4f")
"""A breeding plan's objective with the offspring-F objective (kinship units)."""


def objective_quantity(objective: str) -> Quantity:
    """The quantity of a plan objective's value: :data:`OBJECTIVE` for ``delta_gd``,
    :data:`OBJECTIVE_F` for ``offspring_f``.

    >>> objective_quantity("delta_gd").text(-0.000387665), objective_quantity("offspring_f").label
    ('-3.88', 'Objective, -Σ (F + penalties)')
    """
    return OBJECTIVE if objective == "delta_gd" else OBJECTIVE_F


_PLAN_TOTALS = (
    _count("pairs", "Pairs"),
    _delta_gd("total_delta_gd", "Total ΔGD"),
    _proportion("mean_offspring_f", "Mean offspring F"),
    _count("between_region_transfers", "Between-region transfers"),
)


_NEXT_GENERATION = (
    _delta_gd("next_generation_delta_gd", "Next-generation ΔGD"),
    _percent("offspring_flagged", "Offspring % flagged"),
)


def plan_totals(plan: Plan, objective: str = "delta_gd") -> tuple[Figure, ...]:
    """A breeding plan's totals: pairs, total (sum of pair) ΔGD, the exact next-generation
    ΔGD and the offspring's flagged share when the plan was judged by them, mean offspring F,
    transfers, and the objective (in the unit of ``objective``, see
    :func:`objective_quantity`)."""
    values = (len(plan), plan.total_delta_gd, plan.mean_offspring_f, plan.between_region_transfers)
    totals = tuple(q.figure(v) for q, v in zip(_PLAN_TOTALS, values, strict=True))
    judged: tuple[Figure, ...] = ()
    if plan.judged is not None:
        judged = tuple(
            q.figure(v)
            for q, v in zip(
                _NEXT_GENERATION, (plan.judged.delta_gd, plan.judged.flagged), strict=True
            )
        )
    return (
        *totals[:2],
        *judged,
        *totals[2:],
        objective_quantity(objective).figure(plan.objective_value),
    )


PLAN_COMPARISON_QUANTITIES: Mapping[str, Quantity] = {
    q.key: q
    for q in (
        Quantity("plan", "Plan"),
        _count("pairs", "Pairs"),
        *_NEXT_GENERATION,
        _delta_gd("total_delta_gd", "Σ pair ΔGD"),
        _proportion("mean_offspring_f", "Mean offspring F"),
        _count("moves", "Moves"),
        _count("between_region_transfers", "Between regions"),
    )
}
"""The columns of the plans compared (:func:`plan_comparison`)."""


def plan_comparison(plans: Iterable[Plan]) -> list[dict[str, Any]]:
    """One row per plan, judged by the next generation (plans without figures are left out):
    what each way of choosing pairs gives, for the same number of pairs."""
    return [
        {
            "plan": p.method,
            "pairs": len(p),
            "next_generation_delta_gd": p.judged.delta_gd,
            "offspring_flagged": p.judged.flagged,
            "total_delta_gd": p.total_delta_gd,
            "mean_offspring_f": p.mean_offspring_f,
            "moves": sum(x.mover != "none" for x in p.pairs),
            "between_region_transfers": p.between_region_transfers,
        }
        for p in plans
        if p.judged is not None
    ]


_DRAFT = (
    _count("pairs", "Pairs"),
    _proportion("gd", "GD with the next generation"),
    _delta_gd("delta_gd", "ΔGD of the next generation"),
    _proportion("mean_offspring_f", "Mean offspring F"),
    _percent("flagged", "Offspring % flagged"),
    _count("moves", "Animals moved"),
    _count("between_regions", "Pairs between regions"),
    _count("edits", "Changes by hand"),
)


def draft_figures(genetics: DraftGenetics) -> tuple[Figure, ...]:
    """A plan changed by hand (:mod:`studbook.plan_draft`): its pairs, the exact GD and ΔGD
    with one offspring per pair, the offspring's mean F and flagged share, the animals it
    moves, its pairs across regions and how many changes made it."""
    n = genetics.next
    values = (
        len(n.pairs),
        n.gd,
        n.delta_gd,
        n.mean_offspring_f,
        n.flagged,
        genetics.moves,
        n.between_regions,
        genetics.edits,
    )
    return tuple(q.figure(v) for q, v in zip(_DRAFT, values, strict=True))


_GROUP = (
    Quantity("method", "Method"),
    _delta_gd("captive_delta_gd", "Captive GD cost, ΔGD"),
    _proportion("group_gd", "GD within the group"),
    Quantity("sex_mix", "Males:females"),
    _proportion("max_kinship", "Largest kinship within the group"),
    _percent("mean_flagged", "Mean % flagged"),
    Quantity("founders_represented", "Founders represented", formatter=_counted),
    Quantity("independent_ids", "Top-k picked one by one"),
    _delta_gd("independent_delta_gd", "Their captive ΔGD"),
    _proportion("independent_group_gd", "Their GD within the group"),
)


def release_group_figures(group: ReleaseGroup) -> tuple[Figure, ...]:
    """A release group's figures: its captive cost, its own GD and founders, and the same
    for the top-k animals picked one by one (what choosing them together gains)."""
    return tuple(q.figure(getattr(group, q.key)) for q in _GROUP)


def lines(figures: Iterable[Figure]) -> tuple[tuple[str, str], ...]:
    """(label, text) of each figure: what a screen draws."""
    return tuple((f.label, f.text) for f in figures)


def inline(figures: Iterable[Figure]) -> str:
    """The figures on one line: ``Pairs 3 · Total ΔGD (×10⁻⁴) +1.20 · ...``."""
    return " · ".join(f"{f.label} {f.text}" for f in figures)


# ----------------------------------------------------------------- demography and projection
LIFE_TABLE_QUANTITIES: Mapping[str, Quantity] = {
    q.key: q
    for q in (
        Quantity("sex", "Sex"),
        _count("x", "Age class x (years)"),
        Quantity("risk", "Risk", ".2f"),
        Quantity("deaths", "Deaths", ".0f"),
        Quantity("births", "Births", ".2f"),
        Quantity("qx", "Qx", ".3f"),
        Quantity("px", "Px", ".3f"),
        Quantity("lx", "Lx", ".3f"),
        Quantity("mx", "Mx", ".3f"),
    )
}
"""Every column of a life table (:class:`~studbook.lifetable.LifeTable`)."""

LAMBDA = Quantity("lambda", "λ (yearly growth)", ".4f")
GENERATION_TIME = Quantity("generation_time", "Generation time T (years)", ".1f")
NE_RATIO = Quantity("ne_ratio", "Ne/N", ".4f")

DEMOGRAPHY_FIGURES: Mapping[str, Quantity] = {
    q.key: q
    for q in (
        Quantity("lambda_life_table", "λ life table (females)", ".4f"),
        Quantity("lambda_life_table_males", "λ life table (males)", ".4f"),
        Quantity("lambda_census", "λ 5-year census (N_t / N_t-5)^(1/5)", ".4f"),
        Quantity("lambda_projected_low", "λ projected, low (2.5 %)", ".4f"),
        Quantity("lambda_projected_mean", "λ projected, mean", ".4f"),
        Quantity("lambda_projected_high", "λ projected, high (97.5 %)", ".4f"),
        GENERATION_TIME,
        _count("n", "N living (known sex and age)"),
        Quantity("sex_ratio_ne", "Ne (sex ratio)", ".1f"),
        Quantity("inbreeding_ne", "Ne (individual rate of inbreeding)", ".1f"),
        _count("inbreeding_ne_animals", "Animals with t > 1 for Ne (inbreeding)"),
        Quantity("ne_ratio_estimate", "Ne/N from inbreeding (studbook estimate)", ".4f"),
        _count("left_out", "Animals left out of the life tables"),
        _count("target", "Target size (animals)"),
        _count("target_years", "Years to reach the target"),
        Quantity("lambda_needed", "λ needed for the target", ".4f"),
        Quantity("births_per_year", "Births needed per year (mean)", ".1f"),
        Quantity("births_first_year", "Births needed in the first year", ".1f"),
    )
}
"""The demography report's scalar figures, by key."""

SEX_FIGURES: Mapping[str, Quantity] = {
    q.key: q
    for q in (
        Quantity("sex", "Sex"),
        Quantity("mle", "Median life expectancy (years)", ".1f"),
        Quantity("mle_low", "MLE 95 % low", ".1f"),
        Quantity("mle_high", "MLE 95 % high", ".1f"),
        _percent("first_year_mortality", "First-year mortality (%)"),
        Quantity("max_longevity", "Maximum longevity (years)", ".1f"),
        Quantity("youngest_parent", "Youngest parent (years)", ".1f"),
        Quantity("oldest_parent", "Oldest parent (years)", ".1f"),
        Quantity("median_litter_size", "Median litter size", ".1f"),
        Quantity("lambda", "λ life table", ".4f"),
        GENERATION_TIME,
    )
}
"""One row per sex of the demography report."""

CENSUS_HISTORY_QUANTITIES: Mapping[str, Quantity] = {
    q.key: q
    for q in (
        Quantity("date", "Date"),
        _count("males", "Males"),
        _count("females", "Females"),
        _count("unknown_sex", "Unknown sex"),
        _count("total", "Total"),
        _count("wild", "Wild-born"),
        _count("captive", "Captive-born"),
        _count("unknown_birth", "Birth type unknown"),
        _count("holding", "Holding institutions"),
        _count("breeding", "Breeding institutions (births in the year before)"),
    )
}
"""Every column of the census history (:class:`~studbook.demography.CensusYear`)."""

PROJECTION_QUANTITIES: Mapping[str, Quantity] = {
    q.key: q
    for q in (
        _count("year", "Year"),
        Quantity("n", "N", ".1f"),
        _percent("gd", "GD drift (%)"),
        _percent("observed_gd", "GD observed (%)"),
        _count("observed_n", "N observed"),
        Quantity("date", "Date"),
        _percent("sim_low", "GD simulated 5 % (%)"),
        _percent("sim_mean", "GD simulated mean (%)"),
        _percent("sim_high", "GD simulated 95 % (%)"),
        _percent("persisting", "Replicates persisting (%)"),
        _percent("gd_end", "GD at the end of the projection (%)"),
        _count("years_above_90", "Years GD >= 90 %"),
        _count("years_to_10_point_loss", "Years to a 10-point GD loss"),
        _percent("gd_10_generations", "GD after 10 generations (%)"),
        _count("years_10_generations", "Years in 10 generations"),
    )
}
"""Every column and figure of the GD projection report."""


def demography_figures(demo: Demography) -> tuple[Figure, ...]:
    """The demography's scalar figures in order: the three lambdas, T, N, the Ne figures,
    what was left out, and the reproductive goals when the settings give a target."""
    lam = demo.lambdas
    values: dict[str, Any] = {
        "lambda_life_table": lam.life_table,
        "lambda_life_table_males": demo.tables[0].growth,
        "lambda_census": lam.census,
        "lambda_projected_low": lam.projected_low,
        "lambda_projected_mean": lam.projected_mean,
        "lambda_projected_high": lam.projected_high,
        "generation_time": demo.generation_time,
        "n": demo.n,
        "sex_ratio_ne": demo.sex_ratio_ne,
        "inbreeding_ne": demo.inbreeding_ne,
        "inbreeding_ne_animals": demo.inbreeding_ne_animals,
        "ne_ratio_estimate": demo.inbreeding_ne / demo.n if demo.n else math.nan,
        "left_out": demo.left_out,
    }
    if demo.goals is not None:
        values.update(
            target=demo.goals.target,
            target_years=demo.goals.years,
            lambda_needed=demo.goals.lambda_needed,
            births_per_year=demo.goals.births_per_year,
            births_first_year=float(demo.goals.births[0]),
        )
    return tuple(DEMOGRAPHY_FIGURES[k].figure(v) for k, v in values.items())


# ----------------------------------------------------------------- the plan document
PLAN_FIGURES: Mapping[str, Quantity] = {
    q.key: q
    for q in (
        N_LIVING,
        _SUMMARY["males"],
        _SUMMARY["females"],
        _SUMMARY["unknown_sex"],
        DEMOGRAPHY_FIGURES["lambda_life_table"],
        DEMOGRAPHY_FIGURES["lambda_census"],
        DEMOGRAPHY_FIGURES["lambda_projected_mean"],
        GENERATION_TIME,
        DEMOGRAPHY_FIGURES["births_per_year"],
        _SUMMARY["founders"],
        _count("potential_founders", "Potential founders (living, wild-born, no descendants)"),
        _SUMMARY["founder_genome_equivalents"],
        GENE_DIVERSITY,
        _SUMMARY["mean_kinship"],
        _SUMMARY["mean_inbreeding"],
        _SUMMARY["mean_known"],
        _percent("mean_known_assumed", "Mean % known, with assumptions"),
        _percent("mean_certain", "Mean % certain"),
    )
}
"""The headline figures of a Breeding and Transfer Plan's summary, by key (the demographic
then the genetic figures; a previous plan's figures use the same keys)."""
