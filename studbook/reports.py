"""Reports: rankings rendered as a text table, CSV, JSON or Markdown, each fully self-describing.

Every report carries a header with the date of analysis, the population definition, the
parameters and the software version (``studbook.__version__``), so it can be reproduced; the
MSI is labelled provisional wherever it appears. A :class:`Report` holds one or more
:class:`Section` tables (a breeding plan has the optimum and the greedy plan; a release report
has the ranking and the group), each with optional totals.

Formats:

* ``table``: aligned plain text for the terminal;
* ``csv``: header lines start with ``#``, then each section's columns and rows (full float
  precision);
* ``json``: ``{"meta": {...}, "sections": [{"name", "columns", "rows", "totals"}]}``, numbers as
  numbers, unknown values as ``null``;
* ``markdown``: a header list, then one table per section.

The human formats (``table``, ``markdown``) label and write every figure as
:mod:`studbook.present` says, the same way the terminal UI does; the machine formats (``csv``,
``json``) name columns and totals by their keys and keep the raw values.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from studbook.present import (
    FOUNDER,
    KINSHIP,
    PAIRING_QUANTITIES,
    PLAN_COMPARISON_QUANTITIES,
    PLAN_QUANTITIES,
    RELEASE_QUANTITIES,
    REPRESENTATION,
    Figure,
    Quantity,
    certainty_figures,
    counted,
    objective_quantity,
    plan_comparison,
    plan_totals,
    printable,
    release_group_figures,
    spreadsheet_safe,
    summary_figures,
    yes_no,
)

if TYPE_CHECKING:
    # Types only: a command printing a plain report (census) does not load the genetics.
    from studbook.breeding_plan import BreedingPlan, Plan
    from studbook.certainty import PedigreeCertainty
    from studbook.demography import Demography
    from studbook.outlook import GeneDiversityOutlook
    from studbook.pairing import PairingRow, PairingTable
    from studbook.release import ReleaseGroup, ReleaseRow
    from studbook.summary import PopulationSummary

__all__ = [
    "FORMATS",
    "Format",
    "Report",
    "Section",
    "breeding_plan_report",
    "demography_report",
    "pairing_report",
    "projection_report",
    "release_report",
    "render",
    "section_text",
    "section_text_by_column",
    "summary_report",
]

Format = Literal["table", "csv", "json", "markdown"]
FORMATS: tuple[Format, ...] = ("table", "csv", "json", "markdown")

MSI_NOTE = (
    "MSI (mate suitability index, 1 = very beneficial ... 6 = very detrimental, '-' = do not "
    "breed without advice) is PROVISIONAL: MateRx's thresholds are not published; this table's "
    "thresholds are the programme's settings (studbook's documented defaults unless changed), "
    "measured against this population's spread of ΔGD and MK and its mean kinship "
    "(docs/msi.md). The raw inputs and the reason (MSI why) are shown beside it."
)


@dataclass(frozen=True)
class Section:
    """One table of a report: column keys, rows as dicts, optional totals.

    ``quantities`` names the :class:`~studbook.present.Quantity` of a column: the human formats
    then head it with the quantity's label and write its cells with the quantity's format. A
    cell may also be a :class:`~studbook.present.Figure` (shown as its value) or a
    :class:`~studbook.present.Quantity` (shown as its name), for tables of mixed figures.
    Totals are figures, or plain ``{label: value}``.
    """

    name: str
    columns: tuple[str, ...]
    rows: Sequence[Mapping[str, Any]]
    totals: Mapping[str, Any] | tuple[Figure, ...] = field(default_factory=dict)
    quantities: Mapping[str, Quantity] = field(default_factory=dict)

    def headings(self) -> list[str]:
        """Column headings for people: the quantity's label, else the key."""
        return [self.quantities[c].label if c in self.quantities else c for c in self.columns]

    def cell_text(self, row: Mapping[str, Any], column: str) -> str:
        """One cell for people."""
        value = row.get(column)
        quantity = self.quantities.get(column)
        if quantity is not None and not isinstance(value, Figure | Quantity):
            return quantity.text(value)
        return _text(value)

    def total_lines(self) -> list[tuple[str, str, Any]]:
        """(key, label, value) of each total; ``value`` is raw or a :class:`Figure`."""
        if isinstance(self.totals, tuple):
            return [(f.quantity.key, f.label, f) for f in self.totals]
        return [(k, k, v) for k, v in self.totals.items()]


@dataclass(frozen=True)
class Report:
    """A report with the header that makes it reproducible."""

    title: str
    population: str
    parameters: Mapping[str, Any]
    sections: tuple[Section, ...]
    analysis_date: str = field(default_factory=lambda: _today())
    notes: tuple[str, ...] = ()
    version: str = field(default_factory=lambda: _version())

    def header(self) -> list[tuple[str, str]]:
        """(label, text) lines of the header."""
        lines = [
            ("report", self.title),
            ("date of analysis", self.analysis_date),
            ("population", self.population or "(not stated)"),
        ]
        lines += [
            (f"parameter {k}", "none" if v is None else _text(v))
            for k, v in self.parameters.items()
        ]
        lines.append(("software", f"studbook {self.version}"))
        lines += [("note", n) for n in self.notes]
        return lines

    def meta(self) -> dict[str, Any]:
        """The header as a JSON-ready dict."""
        return {
            "report": self.title,
            "date_of_analysis": self.analysis_date,
            "population": self.population,
            "parameters": {k: _json_value(v) for k, v in self.parameters.items()},
            "software": f"studbook {self.version}",
            "notes": list(self.notes),
        }


def _today() -> str:
    return date.today().isoformat()


def _version() -> str:
    import studbook

    return studbook.__version__


def _text(value: Any) -> str:
    """A value for the table and Markdown formats."""
    if value is None:
        return ""
    if isinstance(value, Figure):
        return value.text
    if isinstance(value, Quantity):
        return value.label
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:.6g}"
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, Figure):
        return _json_value(value.value)
    if isinstance(value, Quantity):
        return value.key
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, tuple | list):
        return [_json_value(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _csv_value(value: Any) -> str:
    if isinstance(value, Figure):
        return _csv_value(value.value)
    if isinstance(value, Quantity):
        return value.key
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    if isinstance(value, list | tuple):
        return ";".join(_csv_value(v) for v in value)
    return spreadsheet_safe(printable(str(value)))


def _aligned(columns: Sequence[str], cells: list[list[str]], numeric: list[bool]) -> list[str]:
    widths = [max([len(c)] + [len(row[k]) for row in cells]) for k, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    return [line(columns), line(["-" * w for w in widths]), *(line(r) for r in cells)]


def _is_numeric(section: Section, column: str) -> bool:
    values = [_json_value(r.get(column)) for r in section.rows if r.get(column) is not None]
    return bool(values) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in values
    )


def section_text(section: Section) -> str:
    """One section's rows as an aligned plain-text table (the ``table`` format's body)."""
    cells = [[printable(section.cell_text(r, c)) for c in section.columns] for r in section.rows]
    numeric = [_is_numeric(section, c) for c in section.columns]
    return "\n".join(_aligned(section.headings(), cells, numeric))


def section_text_by_column(section: Section) -> str:
    """One section turned on its side: a line per column (its heading, then its cell in each
    row), the first column's cells as the headings. For a section with few rows and many
    columns (the demography's figures by sex) that would not fit a terminal's width.

    >>> s = Section("By sex", ("sex", "n"), [{"sex": "M", "n": 3}, {"sex": "F", "n": 4}])
    >>> print(section_text_by_column(s))
    sex  M  F
    ---  -  -
    n    3  4
    """
    first, *rest = section.columns
    headings = section.headings()
    columns = [headings[0], *(printable(section.cell_text(r, first)) for r in section.rows)]
    cells = [
        [heading, *(printable(section.cell_text(r, c)) for r in section.rows)]
        for heading, c in zip(headings[1:], rest, strict=True)
    ]
    numeric = [False, *(True for _ in section.rows)]
    return "\n".join(_aligned(columns, cells, numeric))


def render(report: Report, fmt: Format = "table") -> str:
    """The report as text in ``fmt`` (``table``, ``csv``, ``json`` or ``markdown``).

    Examples
    --------
    >>> r = Report("demo", "P", {"k": 1}, (Section("s", ("a", "b"), [{"a": "x", "b": 0.5}]),),
    ...            analysis_date="2024-01-01", version="0.0")
    >>> print(render(r, "csv"), end="")
    # report: demo
    # date of analysis: 2024-01-01
    # population: P
    # parameter k: 1
    # software: studbook 0.0
    # section: s
    a,b
    x,0.5
    """
    if fmt == "json":
        body = {
            "meta": report.meta(),
            "sections": [
                {
                    "name": s.name,
                    "columns": list(s.columns),
                    "rows": [{c: _json_value(r.get(c)) for c in s.columns} for r in s.rows],
                    "totals": {k: _json_value(v) for k, _, v in s.total_lines()},
                }
                for s in report.sections
            ],
        }
        return json.dumps(body, indent=2) + "\n"
    out = io.StringIO()
    if fmt == "csv":
        for label, text in report.header():
            out.write(f"# {label}: {printable(str(text))}\n")
        for s in report.sections:
            out.write(f"# section: {printable(s.name)}\n")
            for k, _, v in s.total_lines():
                out.write(f"# total {k}: {_csv_value(v)}\n")
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(s.columns)
            writer.writerows([[_csv_value(r.get(c)) for c in s.columns] for r in s.rows])
        return out.getvalue()
    if fmt == "markdown":
        out.write(f"# {report.title}\n\n")
        for label, text in report.header()[1:]:
            out.write(f"- **{label}**: {printable(str(text))}\n")
        for s in report.sections:
            out.write(f"\n## {printable(s.name)}\n\n")
            for _, label, v in s.total_lines():
                out.write(f"- {label}: {printable(_text(v))}\n")
            if s.totals:
                out.write("\n")
            out.write("| " + " | ".join(s.headings()) + " |\n")
            align = ["---:" if _is_numeric(s, c) else "---" for c in s.columns]
            out.write("| " + " | ".join(align) + " |\n")
            for r in s.rows:
                row = [printable(s.cell_text(r, c)).replace("|", "\\|") for c in s.columns]
                out.write("| " + " | ".join(row) + " |\n")
        return out.getvalue()
    if fmt == "table":
        out.write(f"{report.title}\n")
        for label, text in report.header()[1:]:
            out.write(f"  {label}: {printable(str(text))}\n")
        for s in report.sections:
            out.write(f"\n{printable(s.name)}\n")
            for _, label, v in s.total_lines():
                out.write(f"  {label}: {printable(_text(v))}\n")
            out.write(section_text(s) + "\n")
        return out.getvalue()
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def pairing_report(
    table: PairingTable,
    rows: Sequence[PairingRow] | None = None,
    *,
    parameters: Mapping[str, Any] | None = None,
    analysis_date: str | None = None,
    notes: Sequence[str] = (),
) -> Report:
    """The pairing ranking (``rows``, default all) as a report; the MSI is marked provisional.
    ``notes`` say why the selection is empty, when it is."""
    from studbook.pairing import PAIRING_COLUMNS

    chosen = table.rows() if rows is None else rows
    inp = table.inputs
    params: dict[str, Any] = {
        "N (reference population)": inp.n,
        "GD of P": 1.0 - inp.mean_mk,
        "breeding candidates": (
            f"{counted(len(inp.male_ids), 'male')} x {counted(len(inp.female_ids), 'female')}"
        ),
        "flagged founders": list(inp.flags) or "none",
        "MSI table": table.parameters["msi"],
    }
    params.update(parameters or {})
    return Report(
        title="Pairing ranking",
        population=inp.population,
        parameters=params,
        sections=(
            Section(
                f"Pairs ranked by MSI (provisional), delta GD, offspring F ({len(chosen)} of "
                f"{len(table)})",
                PAIRING_COLUMNS,
                [r.as_dict() for r in chosen],
                quantities=PAIRING_QUANTITIES,
            ),
        ),
        notes=(*notes, MSI_NOTE),
        analysis_date=analysis_date or _today(),
    )


_PLAN_COLUMNS = (
    "institution", "male", "male_name", "female", "female_name", "move", "proven",
    "delta_gd", "offspring_f", "mk_male", "mk_female", "transfer",
)  # fmt: skip
"""A plan row: where the pair will be, both animals, the move it implies, then the genetics."""


def _plan_section(plan: Plan, objective: str) -> Section:
    return Section(
        plan.method,
        _PLAN_COLUMNS,
        [{c: getattr(p, c) for c in _PLAN_COLUMNS} for p in plan.pairs],
        totals=plan_totals(plan, objective),
        quantities=PLAN_QUANTITIES,
    )


def breeding_plan_report(
    plan: BreedingPlan,
    *,
    parameters: Mapping[str, Any] | None = None,
    analysis_date: str | None = None,
    notes: Sequence[str] = (),
) -> Report:
    """The optimal breeding plan beside the greedy MK-order plan, with both totals; ``notes``
    explain the plan (its size, the animals kept out, proven pairs, the previous plan)."""
    params = dict(plan.settings.describe())
    params.update(parameters or {})
    unit = objective_quantity(plan.settings.objective)
    optimal, greedy = (
        unit.text(plan.optimal.objective_value),
        unit.text(plan.greedy.objective_value),
    )
    if plan.optimal_at_greedy_size is None:
        each = counted(len(plan.optimal), "pair")
        note = f"{unit.label}: optimal {optimal}, greedy {greedy} ({each} each)"
    else:
        note = (
            f"the greedy plan reached {len(plan.greedy)} of {counted(len(plan.optimal), 'pair')}; "
            f"with {counted(len(plan.greedy), 'pair')} the exact optimum's {unit.label} is "
            f"{unit.text(plan.optimal_at_greedy_size)} vs greedy {greedy}"
        )
    sections = [_plan_section(plan.optimal, plan.settings.objective)]
    if plan.greedy is not plan.optimal:
        sections.append(_plan_section(plan.greedy, plan.settings.objective))
    if plan.compared:
        sections.append(
            Section(
                "Plans compared: each judged by the exact GD after one offspring per pair",
                tuple(PLAN_COMPARISON_QUANTITIES),
                plan_comparison(plan.compared),
                quantities=PLAN_COMPARISON_QUANTITIES,
            )
        )
    return Report(
        title="Breeding plan",
        population=plan.population,
        parameters=params,
        sections=tuple(sections),
        notes=(*notes, note) if plan.why_empty is None else (plan.why_empty, *notes, note),
        analysis_date=analysis_date or _today(),
    )


_MATES = {k: PAIRING_QUANTITIES[k] for k in ("male", "female")}
_RELEASE_COLUMNS = (
    "rank", "id", "sex", "age", "location", "delta_gd", "mk", "known", "flagged",
    "representativeness", "under_cap",
)  # fmt: skip


def release_report(
    rows: Sequence[ReleaseRow],
    group: ReleaseGroup | None = None,
    *,
    population: str = "",
    parameters: Mapping[str, Any] | None = None,
    analysis_date: str | None = None,
) -> Report:
    """Release candidates ranked by captive GD cost, and the release group when given."""
    sections = [
        Section(
            "Release candidates (delta GD = GD(P without the animal) - GD(P), smallest loss first)",
            _RELEASE_COLUMNS,
            [r.as_dict() for r in rows],
            quantities=RELEASE_QUANTITIES,
        )
    ]
    params = dict(parameters or {})
    if group is not None:
        params.update(group.parameters)
        members = [{"id": i} for i in group.ids]
        sections.append(
            Section(
                f"Release group of {len(group.ids)}: {group.method}",
                ("id",),
                members,
                totals=release_group_figures(group),
                quantities=RELEASE_QUANTITIES,
            )
        )
        sections.append(
            Section(
                "Kinship between potential mates in the group",
                ("male", "female", "kinship"),
                [{"male": m, "female": f, "kinship": k} for m, f, k in group.mate_kinship],
                quantities={"kinship": KINSHIP, **_MATES},
            )
        )
    return Report(
        title="Release candidates",
        population=population,
        parameters=params,
        sections=tuple(sections),
        analysis_date=analysis_date or _today(),
    )


_FIGURE_COLUMNS = {q.key: q for q in (Quantity("figure", "Figure"), Quantity("value", "Value"))}


def summary_report(
    summary: PopulationSummary,
    *,
    parameters: Mapping[str, Any] | None = None,
    analysis_date: str | None = None,
    certainty: PedigreeCertainty | None = None,
) -> Report:
    """The population summary: the figures, the founder representation, then (when given) the
    pedigree's certainty and potential founders."""
    figures = [{"figure": f.quantity, "value": f} for f in summary_figures(summary)]
    sure = (
        ()
        if certainty is None
        else (
            Section(
                "Pedigree certainty and potential founders",
                ("figure", "value"),
                [{"figure": f.quantity, "value": f} for f in certainty_figures(certainty)],
                quantities=_FIGURE_COLUMNS,
            ),
        )
    )
    representation = sorted(summary.founder_representation.items(), key=lambda kv: -kv[1])
    params: dict[str, Any] = {"census date": summary.census_date}
    params.update(parameters or {})
    return Report(
        title="Population summary",
        population=summary.population,
        parameters=params,
        sections=(
            Section("Figures", ("figure", "value"), figures, quantities=_FIGURE_COLUMNS),
            Section(
                "Founder representation r_k = (1/N) sum over P of p_ik",
                ("founder", "representation"),
                [{"founder": f, "representation": r} for f, r in representation],
                quantities={"founder": FOUNDER, "representation": REPRESENTATION},
            ),
            *sure,
        ),
        analysis_date=analysis_date or _today(),
    )


def demography_report(
    demo: Demography,
    *,
    parameters: Mapping[str, Any] | None = None,
    analysis_date: str | None = None,
) -> Report:
    """Life tables by sex, the three lambdas, T, life expectancy and the other figures by sex,
    Ne, reproductive goals and the census history, under the window the header names."""
    from studbook.present import (
        CENSUS_HISTORY_QUANTITIES,
        LIFE_TABLE_QUANTITIES,
        SEX_FIGURES,
        demography_figures,
    )

    lam = demo.lambdas
    notes = [
        f"projected λ: {lam.replicates} replicates of a {lam.projection_years}-year stochastic "
        f"projection of the living age-sex structure with the life-table rates (seed {lam.seed})",
        "Ne (individual rate of inbreeding): Gutierrez et al. 2008/2009, "
        "ΔF_i = 1 - (1 - F_i)^(1/(t_i - 1)), Ne = 1/(2 mean ΔF); studbook's estimate, not PMx's",
    ]
    if demo.goals is not None:
        notes.append(demo.goals.METHOD)
    figures = [{"figure": f.quantity, "value": f} for f in demography_figures(demo)]
    sexes = [
        {
            "sex": s.sex,
            "mle": s.life_expectancy.median,
            "mle_low": s.life_expectancy.lower,
            "mle_high": s.life_expectancy.upper,
            "first_year_mortality": s.first_year_mortality,
            "max_longevity": s.max_longevity,
            "youngest_parent": s.reproductive_age[0],
            "oldest_parent": s.reproductive_age[1],
            "median_litter_size": s.median_litter_size,
            "lambda": s.life_table_lambda,
            "generation_time": s.generation_time,
        }
        for s in demo.sexes
    ]
    table_columns = ("x", "risk", "deaths", "births", "qx", "px", "lx", "mx")
    tables = [
        Section(
            f"Life table, {'males' if t.sex == 'M' else 'females'}"
            f" ({'prorated' if t.prorated else 'unprorated'}; {t.unknown_age} of unknown age "
            "left out)",
            table_columns,
            [
                {
                    "x": int(x),
                    "risk": float(t.risk[x]),
                    "deaths": float(t.deaths[x]),
                    "births": float(t.births[x]),
                    "qx": float(t.qx[x]),
                    "px": float(t.px[x]),
                    "lx": float(t.lx[x]),
                    "mx": float(t.mx[x]),
                }
                for x in t.ages
            ],
            quantities=LIFE_TABLE_QUANTITIES,
        )
        for t in demo.tables
    ]
    census_columns = tuple(CENSUS_HISTORY_QUANTITIES)
    census = [
        {c: (str(y.date) if c == "date" else getattr(y, c)) for c in census_columns}
        for y in demo.census
    ]
    params: dict[str, Any] = dict(parameters or {})
    params["demographic window"] = demo.window.describe()  # the one used, over the setting
    params["life tables"] = "prorated" if demo.prorated else "unprorated"
    return Report(
        title="Demography",
        population=f"animals in the studbook over the window {demo.window.text()}",
        parameters=params,
        sections=(
            Section("Figures", ("figure", "value"), figures, quantities=_FIGURE_COLUMNS),
            Section("By sex", tuple(SEX_FIGURES), sexes, quantities=SEX_FIGURES),
            *tables,
            Section("Census history", census_columns, census, quantities=CENSUS_HISTORY_QUANTITIES),
        ),
        notes=tuple(notes),
        analysis_date=analysis_date or _today(),
    )


def projection_report(
    outlook: GeneDiversityOutlook,
    *,
    population: str = "",
    parameters: Mapping[str, Any] | None = None,
    analysis_date: str | None = None,
) -> Report:
    """The drift projection year by year with its headline figures, the observed GD history
    and the simulation band when there are ones."""
    from studbook.present import PROJECTION_QUANTITIES as Q

    drift = outlook.drift
    sim = outlook.simulation
    columns: tuple[str, ...] = ("year", "n", "gd")
    rows: list[dict[str, Any]] = [
        {"year": t, "n": float(drift.n[t]), "gd": float(drift.gd[t])}
        for t in range(drift.years + 1)
    ]
    if sim is not None:
        columns += ("sim_low", "sim_mean", "sim_high", "persisting")
        low, mean, high, alive = sim.band(0.05), sim.mean, sim.band(0.95), sim.persisting
        for t, row in enumerate(rows[: sim.years + 1]):
            row.update(
                sim_low=float(low[t]),
                sim_mean=float(mean[t]),
                sim_high=float(high[t]),
                persisting=float(alive[t]),
            )
    params: dict[str, Any] = dict(outlook.inputs.describe())
    params["years"] = drift.years
    if sim is not None:
        params.update(
            {"simulation": f"random mating, {sim.replicates} replicates, seed {sim.seed}"}
        )
    params.update(parameters or {})
    figures = tuple(Q[k].figure(v) for k, v in outlook.figures().items())
    sections = [
        Section("Drift projection (PMx's model; ignores management)", columns, rows, figures, Q),
    ]
    if outlook.history is not None:
        h = outlook.history
        sections.append(
            Section(
                "Observed gene diversity of the living population",
                ("date", "observed_n", "observed_gd"),
                [
                    {"date": str(d), "observed_n": int(n), "observed_gd": float(g)}
                    for d, n, g in zip(h.dates, h.size, h.gd, strict=True)
                ],
                quantities=Q,
            )
        )
    return Report(
        title="Gene diversity projection",
        population=population or "the inputs given",
        parameters=params,
        sections=tuple(sections),
        notes=(
            "drift: N_t = min(K, N_(t-1) λ), Ne_t = (Ne/N) N_t, "
            "GD_t = GD_(t-1) (1 - 1/(2 Ne_t))^(1/T)",
        ),
        analysis_date=analysis_date or _today(),
    )
