"""The Breeding and Transfer Plan document: its inputs, its sections and their order.

A coordinator sends each institution this document once a year. It follows the order AZA and
EAZA plans use:

1. **Summary**: programme, date, data current to, the settings used, the demographic and the
   genetic summary (each figure beside the previous plan's when one is given);
2. **Recommendations by institution**: every living animal with its one disposition
   (:mod:`studbook.dispositions`);
3. **Exclusions** from the genetic analysis, with reasons;
4. **Mean kinship** lists per sex, lowest MK first, the population mean marked;
5. **Charts**: census history, age pyramid, GD projection, founder representation;
6. **Appendix**: the assumptions used and the data conventions.

Everything the document shows arrives in one :class:`PlanDocumentInputs` (gathered from a
studbook by :func:`studbook.plan_inputs.plan_document_inputs`, or built by any caller: a stored
plan, a plan edited on screen, figures computed under a set of pedigree assumptions).
:func:`build_document` turns it into a :class:`Document` of plain text blocks, figures written by
:mod:`studbook.present`; each format (:mod:`studbook.plan_markdown`, :mod:`studbook.plan_html`,
:mod:`studbook.plan_csv`) only lays that out, so the three agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from studbook.breeding_plan import Plan
from studbook.chart_data import Chart
from studbook.dispositions import AnimalDisposition, Disposition
from studbook.errors import StudbookError
from studbook.institutions import InstitutionRecord
from studbook.present import (
    AGE,
    DELTA_GD,
    KNOWN,
    MISSING,
    MK,
    OFFSPRING_F,
    PLAN_FIGURES,
    counted,
    inline,
    plan_totals,
)
from studbook.status import studbook_sort_key

__all__ = [
    "DEMOGRAPHIC_KEYS",
    "GENETIC_KEYS",
    "OPTIONAL_KEYS",
    "SECTION_TITLES",
    "ChartBlock",
    "Document",
    "DocumentSection",
    "Exclusion",
    "HeldAnimal",
    "MkList",
    "MkRow",
    "Paragraph",
    "PlanDocumentInputs",
    "Subsection",
    "Table",
    "build_document",
    "disposition_text",
    "recommendation_rows",
]

DEMOGRAPHIC_KEYS = (
    "n", "males", "females", "unknown_sex", "lambda_life_table", "lambda_census",
    "lambda_projected_mean", "generation_time", "births_per_year",
)  # fmt: skip
"""The demographic summary's figures, in order (labels: :data:`studbook.present.PLAN_FIGURES`)."""

GENETIC_KEYS = (
    "founders", "potential_founders", "founder_genome_equivalents", "gene_diversity",
    "mean_kinship", "mean_inbreeding", "mean_known", "mean_known_assumed", "mean_certain",
)  # fmt: skip
"""The genetic summary's figures, in order."""

OPTIONAL_KEYS = frozenset({"potential_founders", "mean_known_assumed", "mean_certain"})
"""Figures shown only when given (the assumptions layer's metrics); the others show ``–`` when
unknown."""

SECTION_TITLES = (
    "1. Summary",
    "2. Recommendations by institution",
    "3. Exclusions from the genetic analysis",
    "4. Mean kinship by sex",
    "5. Charts",
    "6. Appendix: assumptions and data conventions",
)


@dataclass(frozen=True)
class HeldAnimal:
    """A living animal as the recommendations list it (``age`` in years, ``None`` unknown)."""

    id: str
    institution: str
    sex: str
    house_name: str = ""
    local_id: str = ""
    age: float | None = None


@dataclass(frozen=True)
class Exclusion:
    """A living animal left out of the genetic analysis, and why."""

    id: str
    institution: str
    reason: str
    house_name: str = ""


@dataclass(frozen=True)
class MkRow:
    """One animal of a mean-kinship list (``known``: % known as a fraction 0-1)."""

    id: str
    mk: float
    known: float
    age: float | None
    location: str
    house_name: str = ""


@dataclass(frozen=True)
class MkList:
    """One sex's animals of P, lowest MK first, and the population's mean MK."""

    title: str
    mean_mk: float
    rows: tuple[MkRow, ...]


@dataclass(frozen=True)
class PlanDocumentInputs:
    """Everything a Breeding and Transfer Plan shows (module docstring).

    ``demographic`` and ``genetic`` map the keys of :data:`DEMOGRAPHIC_KEYS` and
    :data:`GENETIC_KEYS` to values (``None``: unknown); ``previous`` holds the previous plan's
    figures under the same keys and adds a column when given. ``recommendations`` hold exactly
    one per animal of ``animals``; ``plan`` is the breeding plan they come from (its totals and
    per-pair figures are shown). ``settings_used``, ``assumptions`` and ``conventions`` are
    (label, text) lines and sentences printed as given.
    """

    programme: str
    plan_date: date
    census_date: date
    data_current_to: date | None
    settings_used: tuple[tuple[str, str], ...]
    demographic: Mapping[str, float | int | None]
    genetic: Mapping[str, float | int | None]
    institutions: Mapping[str, InstitutionRecord]
    animals: tuple[HeldAnimal, ...]
    recommendations: tuple[AnimalDisposition, ...]
    plan: Plan | None
    exclusions: tuple[Exclusion, ...]
    exclusion_counts: Mapping[str, int]
    mk_lists: tuple[MkList, ...]
    charts: tuple[Chart, ...]
    assumptions: tuple[str, ...]
    conventions: tuple[str, ...]
    previous: Mapping[str, float] | None = None
    software: str = ""


# ----------------------------------------------------------------------------- the document
@dataclass(frozen=True)
class Paragraph:
    """A sentence or two of text."""

    text: str


@dataclass(frozen=True)
class Table:
    """Headings and rows of text; a row that is a plain ``str`` is a marked line across the
    table (the population mean in an MK list). ``numeric`` right-aligns columns; ``kind`` says
    what the table holds (``facts``, ``settings``, ``figures``, ``recommendations``,
    ``exclusions``, ``mk``, ``chart``) for styling and tests."""

    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...] | str, ...]
    numeric: tuple[bool, ...] = ()
    kind: str = ""


@dataclass(frozen=True)
class ChartBlock:
    """A chart, drawn by formats that draw and tabulated by the others."""

    chart: Chart


Block = Paragraph | Table | ChartBlock


@dataclass(frozen=True)
class Subsection:
    """A titled part of a section; ``new_page`` starts it on a new printed page; ``key`` names
    what it is about (an institution's mnemonic)."""

    title: str
    blocks: tuple[Block, ...]
    new_page: bool = False
    key: str = ""


@dataclass(frozen=True)
class DocumentSection:
    """One numbered section: its blocks, then its subsections."""

    title: str
    blocks: tuple[Block, ...] = ()
    subsections: tuple[Subsection, ...] = ()


@dataclass(frozen=True)
class Document:
    """The plan as text blocks, ready for a format to lay out."""

    title: str
    sections: tuple[DocumentSection, ...]
    footer: str = ""


def _date(value: date | None) -> str:
    return MISSING if value is None else value.isoformat()


def _figures_table(inputs: PlanDocumentInputs, keys: Sequence[str]) -> Table:
    values = {**inputs.demographic, **inputs.genetic}
    previous = inputs.previous
    rows = []
    for key in keys:
        known = values.get(key) is not None or (previous is not None and key in previous)
        if key in OPTIONAL_KEYS and not known:
            continue
        quantity = PLAN_FIGURES[key]
        row = [quantity.label, quantity.text(values.get(key))]
        if previous is not None:
            before = previous.get(key)
            if quantity.spec == "d" and before is not None and float(before).is_integer():
                before = int(before)  # counts read from JSON may arrive as floats
            row.append(quantity.text(before))
        rows.append(tuple(row))
    headings = ("Figure", "This plan") + (("Previous plan",) if previous is not None else ())
    return Table(headings, tuple(rows), (False, True, True), "figures")


def _summary(inputs: PlanDocumentInputs) -> DocumentSection:
    facts = (
        ("Programme", inputs.programme),
        ("Date of the plan", _date(inputs.plan_date)),
        ("Census date", _date(inputs.census_date)),
        ("Data current to", _date(inputs.data_current_to)),
    )
    return DocumentSection(
        SECTION_TITLES[0],
        (Table(("", ""), facts, kind="facts"),),
        (
            Subsection(
                "Settings used",
                (Table(("Setting", "Value"), inputs.settings_used, kind="settings"),),
            ),
            Subsection(
                "Demographic summary",
                (_figures_table(inputs, DEMOGRAPHIC_KEYS),),
            ),
            Subsection("Genetic summary", (_figures_table(inputs, GENETIC_KEYS),)),
        ),
    )


def recommendation_rows(inputs: PlanDocumentInputs) -> list[tuple[HeldAnimal, AnimalDisposition]]:
    """Each living animal with its one recommendation, by institution (region, then mnemonic)
    and studbook id. Raises :class:`StudbookError` naming animals with no recommendation or
    more than one, and recommendations for animals not listed."""
    by_animal: dict[str, list[AnimalDisposition]] = {}
    for rec in inputs.recommendations:
        by_animal.setdefault(rec.animal, []).append(rec)
    listed = {a.id for a in inputs.animals}
    missing = [a.id for a in inputs.animals if a.id not in by_animal]
    doubled = [k for k, v in by_animal.items() if len(v) > 1]
    stray = [k for k in by_animal if k not in listed]
    problems = [
        f"{what}: {', '.join(ids)}"
        for what, ids in (
            ("no disposition", missing),
            ("more than one disposition", doubled),
            ("a disposition but not living", stray),
        )
        if ids
    ]
    if problems:
        raise StudbookError("the plan's dispositions do not cover the living animals once: "
                            + "; ".join(problems))  # fmt: skip

    def region(mnemonic: str) -> str:
        record = inputs.institutions.get(mnemonic)
        return record.region if record is not None else ""

    ordered = sorted(
        inputs.animals,
        key=lambda a: (region(a.institution), a.institution, studbook_sort_key(a.id)),
    )
    return [(a, by_animal[a.id][0]) for a in ordered]


def _who(animal_id: str, names: Mapping[str, str]) -> str:
    name = names.get(animal_id, "")
    return f"{animal_id} ({name})" if name else animal_id


def disposition_text(rec: AnimalDisposition) -> str:
    """The disposition as the plan prints it: ``SEND TO BERLINTP``, ``BREED WITH``, ..."""
    word: str = rec.disposition.value
    if rec.disposition in (Disposition.SEND_TO, Disposition.RECEIVE_FROM):
        return f"{word} {rec.counterpart}"
    return word


def _recommendations(inputs: PlanDocumentInputs) -> DocumentSection:
    rows = recommendation_rows(inputs)
    names = {a.id: a.house_name for a in inputs.animals}
    pair_notes: dict[str, str] = {}
    if inputs.plan is not None:
        for p in inputs.plan.pairs:
            note = (
                f"{OFFSPRING_F.label} {OFFSPRING_F.text(p.offspring_f)}, "
                f"{DELTA_GD.label} {DELTA_GD.text(p.delta_gd)}"
            )
            pair_notes[p.male] = pair_notes[p.female] = note
    counts: dict[Disposition, int] = {d: 0 for d in Disposition}
    for _, rec in rows:
        counts[rec.disposition] += 1
    places = counted(len({a.institution for a, _ in rows}), "institution")
    dispositions = ", ".join(f"{d.value} {n}" for d, n in counts.items())
    intro = [Paragraph(f"{counted(len(rows), 'living animal')} at {places}; {dispositions}.")]
    if inputs.plan is not None:
        intro.append(Paragraph(f"Breeding plan, {inputs.plan.method}: "
                               + inline(plan_totals(inputs.plan))))  # fmt: skip
    headings = ("Studbook id", "Local id", "House name", "Sex", AGE.label, "Disposition",
                "Mate", "Notes")  # fmt: skip
    numeric = (False, False, False, False, True, False, False, False)
    subsections: list[Subsection] = []
    groups: dict[str, list[tuple[HeldAnimal, AnimalDisposition]]] = {}
    for animal, rec in rows:
        groups.setdefault(animal.institution, []).append((animal, rec))
    for mnemonic, members in groups.items():
        record = inputs.institutions.get(mnemonic)
        sexes = [a.sex for a, _ in members]
        census = f"{sexes.count('M')}.{sexes.count('F')}.{sexes.count('U')}"
        title = mnemonic or "(institution not recorded)"
        if record is not None and record.name:
            title += f" — {record.name}"
        if record is not None and record.region:
            title += f" ({record.region})"
        table_rows = []
        for animal, rec in members:
            notes = "; ".join(x for x in (rec.notes, pair_notes.get(animal.id, "")) if x)
            table_rows.append(
                (
                    animal.id,
                    animal.local_id,
                    animal.house_name,
                    animal.sex,
                    AGE.text(animal.age),
                    disposition_text(rec),
                    _who(rec.mate, names) if rec.mate else "",
                    notes,
                )
            )
        subsections.append(
            Subsection(
                f"{title} · {census}",
                (Table(headings, tuple(table_rows), numeric, kind="recommendations"),),
                new_page=bool(subsections),  # the first follows the section's heading
                key=mnemonic,
            )
        )
    return DocumentSection(SECTION_TITLES[1], tuple(intro), tuple(subsections))


def _exclusions(inputs: PlanDocumentInputs) -> DocumentSection:
    blocks: list[Block] = []
    if inputs.exclusions:
        blocks.append(
            Table(
                ("Studbook id", "House name", "Institution", "Reason"),
                tuple((e.id, e.house_name, e.institution, e.reason) for e in inputs.exclusions),
                kind="exclusions",
            )
        )
    else:
        blocks.append(Paragraph("No living animal is left out of the genetic analysis."))
    if inputs.exclusion_counts:
        counts = ", ".join(f"{reason} {n}" for reason, n in inputs.exclusion_counts.items())
        blocks.append(
            Paragraph(
                "In the analysis but not breeding candidates (their MK counts; they are not "
                f"paired): {counts}."
            )
        )
    return DocumentSection(SECTION_TITLES[2], tuple(blocks))


def _mk_lists(inputs: PlanDocumentInputs) -> DocumentSection:
    headings = ("Rank", "Studbook id", "House name", MK.label, KNOWN.label, AGE.label, "Location")
    numeric = (True, False, False, True, True, True, False)
    subsections = []
    for mk_list in inputs.mk_lists:
        rows: list[tuple[str, ...] | str] = []
        marked = False
        for rank, row in enumerate(mk_list.rows, start=1):
            if not marked and row.mk > mk_list.mean_mk:
                rows.append(f"population mean MK {MK.text(mk_list.mean_mk)}")
                marked = True
            rows.append(
                (
                    str(rank),
                    row.id,
                    row.house_name,
                    MK.text(row.mk),
                    KNOWN.text(row.known),
                    AGE.text(row.age),
                    row.location,
                )
            )
        if not marked:
            rows.append(f"population mean MK {MK.text(mk_list.mean_mk)}")
        subsections.append(
            Subsection(mk_list.title, (Table(headings, tuple(rows), numeric, kind="mk"),))
        )
    return DocumentSection(
        SECTION_TITLES[3],
        (
            Paragraph(
                "Lowest mean kinship first: the most valuable breeders carry the least "
                "represented genes. Read MK beside % known: unknown ancestry makes MK look "
                "lower than it is."
            ),
        ),
        tuple(subsections),
    )


def _charts(inputs: PlanDocumentInputs) -> DocumentSection:
    return DocumentSection(SECTION_TITLES[4], tuple(ChartBlock(c) for c in inputs.charts))


def _appendix(inputs: PlanDocumentInputs) -> DocumentSection:
    return DocumentSection(
        SECTION_TITLES[5],
        subsections=(
            Subsection("Assumptions used", tuple(Paragraph(t) for t in inputs.assumptions)),
            Subsection("Data conventions", tuple(Paragraph(t) for t in inputs.conventions)),
        ),
    )


def build_document(inputs: PlanDocumentInputs) -> Document:
    """The plan's six sections in order (module docstring), as text blocks.

    Raises :class:`StudbookError` when the recommendations do not give every living animal
    exactly one disposition.
    """
    title = f"Breeding and Transfer Plan — {inputs.programme}"
    footer = f"{inputs.programme} · plan of {_date(inputs.plan_date)}"
    if inputs.software:
        footer += f" · {inputs.software}"
    return Document(
        title=title,
        sections=(
            _summary(inputs),
            _recommendations(inputs),
            _exclusions(inputs),
            _mk_lists(inputs),
            _charts(inputs),
            _appendix(inputs),
        ),
        footer=footer,
    )
