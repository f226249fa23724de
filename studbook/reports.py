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

if TYPE_CHECKING:
    # Types only: a command printing a plain report (census) does not load the genetics.
    from studbook.breeding_plan import BreedingPlan, Plan, PlannedPair
    from studbook.pairing import PairingRow, PairingTable
    from studbook.release import ReleaseGroup, ReleaseRow
    from studbook.summary import PopulationSummary

__all__ = [
    "FORMATS",
    "Format",
    "Report",
    "Section",
    "breeding_plan_report",
    "pairing_report",
    "release_report",
    "render",
    "summary_report",
]

Format = Literal["table", "csv", "json", "markdown"]
FORMATS: tuple[Format, ...] = ("table", "csv", "json", "markdown")

MSI_NOTE = (
    "MSI (mate suitability index, 1 = very beneficial ... 6 = very detrimental, '-' = do not "
    "breed without advice) is PROVISIONAL: MateRx's thresholds are not published; this table's "
    "thresholds are studbook's documented defaults. The raw inputs are shown beside it."
)


@dataclass(frozen=True)
class Section:
    """One table of a report: column names, rows as dicts, optional totals."""

    name: str
    columns: tuple[str, ...]
    rows: Sequence[Mapping[str, Any]]
    totals: Mapping[str, Any] = field(default_factory=dict)


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
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:.6g}"
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _json_value(value: Any) -> Any:
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
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    if isinstance(value, list | tuple):
        return ";".join(_csv_value(v) for v in value)
    return str(value)


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
    values = [r.get(column) for r in section.rows if r.get(column) is not None]
    return bool(values) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in values
    )


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
                    "totals": {k: _json_value(v) for k, v in s.totals.items()},
                }
                for s in report.sections
            ],
        }
        return json.dumps(body, indent=2) + "\n"
    out = io.StringIO()
    if fmt == "csv":
        for label, text in report.header():
            out.write(f"# {label}: {text}\n")
        for s in report.sections:
            out.write(f"# section: {s.name}\n")
            for k, v in s.totals.items():
                out.write(f"# total {k}: {_text(v)}\n")
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(s.columns)
            writer.writerows([[_csv_value(r.get(c)) for c in s.columns] for r in s.rows])
        return out.getvalue()
    if fmt == "markdown":
        out.write(f"# {report.title}\n\n")
        for label, text in report.header()[1:]:
            out.write(f"- **{label}**: {text}\n")
        for s in report.sections:
            out.write(f"\n## {s.name}\n\n")
            for k, v in s.totals.items():
                out.write(f"- {k}: {_text(v)}\n")
            if s.totals:
                out.write("\n")
            out.write("| " + " | ".join(s.columns) + " |\n")
            align = ["---:" if _is_numeric(s, c) else "---" for c in s.columns]
            out.write("| " + " | ".join(align) + " |\n")
            for r in s.rows:
                row = [_text(r.get(c)).replace("|", "\\|") for c in s.columns]
                out.write("| " + " | ".join(row) + " |\n")
        return out.getvalue()
    if fmt == "table":
        out.write(f"{report.title}\n")
        for label, text in report.header()[1:]:
            out.write(f"  {label}: {text}\n")
        for s in report.sections:
            out.write(f"\n{s.name}\n")
            for k, v in s.totals.items():
                out.write(f"  {k}: {_text(v)}\n")
            cells = [[_text(r.get(c)) for c in s.columns] for r in s.rows]
            numeric = [_is_numeric(s, c) for c in s.columns]
            out.write("\n".join(_aligned(s.columns, cells, numeric)) + "\n")
        return out.getvalue()
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def pairing_report(
    table: PairingTable,
    rows: Sequence[PairingRow] | None = None,
    *,
    parameters: Mapping[str, Any] | None = None,
    analysis_date: str | None = None,
) -> Report:
    """The pairing ranking (``rows``, default all) as a report; the MSI is marked provisional."""
    from studbook.pairing import PAIRING_COLUMNS

    chosen = table.rows() if rows is None else rows
    inp = table.inputs
    params: dict[str, Any] = {
        "N (reference population)": inp.n,
        "GD of P": 1.0 - inp.mean_mk,
        "breeding candidates": f"{len(inp.male_ids)} males x {len(inp.female_ids)} females",
        "flagged founders": list(inp.flags) or "none",
        "MSI table": table.msi_table.describe(),
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
            ),
        ),
        notes=(MSI_NOTE,),
        analysis_date=analysis_date or _today(),
    )


_PLAN_COLUMNS = ("male", "female", "delta_gd", "offspring_f", "mk_male", "mk_female", "transfer")


def _plan_section(plan: Plan) -> Section:
    pairs: tuple[PlannedPair, ...] = plan.pairs
    return Section(
        plan.method,
        _PLAN_COLUMNS,
        [{c: getattr(p, c) for c in _PLAN_COLUMNS} for p in pairs],
        totals={
            "pairs": len(plan),
            "total delta GD": plan.total_delta_gd,
            "mean offspring F": plan.mean_offspring_f,
            "between-region transfers": plan.between_region_transfers,
            "objective value": plan.objective_value,
        },
    )


def breeding_plan_report(
    plan: BreedingPlan,
    *,
    parameters: Mapping[str, Any] | None = None,
    analysis_date: str | None = None,
) -> Report:
    """The optimal breeding plan beside the greedy MK-order plan, with both totals."""
    params = dict(plan.settings.describe())
    params.update(parameters or {})
    if plan.optimal_at_greedy_size is None:
        note = (
            f"objective: optimal {plan.optimal.objective_value:.6g}, greedy "
            f"{plan.greedy.objective_value:.6g} ({len(plan.optimal)} pairs each)"
        )
    else:
        note = (
            f"the greedy plan reached {len(plan.greedy)} of {len(plan.optimal)} pairs; with "
            f"{len(plan.greedy)} pairs the exact optimum's objective is "
            f"{plan.optimal_at_greedy_size:.6g} vs greedy {plan.greedy.objective_value:.6g}"
        )
    return Report(
        title="Breeding plan",
        population=plan.population,
        parameters=params,
        sections=(_plan_section(plan.optimal), _plan_section(plan.greedy)),
        notes=(note,),
        analysis_date=analysis_date or _today(),
    )


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
                totals={
                    "captive delta GD (group removed)": group.captive_delta_gd,
                    "GD within the group": group.group_gd,
                    "mean flagged-founder share": group.mean_flagged,
                    "founders represented": f"{len(group.founders_represented)}: "
                    + ", ".join(group.founders_represented),
                    "top-k independent picks": ", ".join(group.independent_ids),
                    "their captive delta GD": group.independent_delta_gd,
                    "their GD within the group": group.independent_group_gd,
                },
            )
        )
        sections.append(
            Section(
                "Kinship between potential mates in the group",
                ("male", "female", "kinship"),
                [{"male": m, "female": f, "kinship": k} for m, f, k in group.mate_kinship],
            )
        )
    return Report(
        title="Release candidates",
        population=population,
        parameters=params,
        sections=tuple(sections),
        analysis_date=analysis_date or _today(),
    )


_SUMMARY_LABELS = {
    "n": "N",
    "males": "males",
    "females": "females",
    "unknown_sex": "unknown sex",
    "founders": "founders (with a share in P)",
    "founders_in_population": "founders living in P",
    "living_descendants": "living descendants",
    "gene_diversity": "gene diversity (GD)",
    "founder_genome_equivalents": "founder genome equivalents (FGE)",
    "founder_equivalents": "founder equivalents (FE)",
    "mean_inbreeding": "mean F",
    "mean_kinship": "mean MK",
    "mean_known": "mean % known (fraction)",
    "sex_ratio_ne": "sex-ratio Ne",
    "flags": "flagged founders",
    "mean_flagged": "mean flagged-founder share",
}


def summary_report(
    summary: PopulationSummary,
    *,
    parameters: Mapping[str, Any] | None = None,
    analysis_date: str | None = None,
) -> Report:
    """The population summary: the figures, then the founder representation."""
    figures = [
        {"figure": _SUMMARY_LABELS.get(k, k), "value": v} for k, v in summary.figures().items()
    ]
    representation = sorted(summary.founder_representation.items(), key=lambda kv: -kv[1])
    params: dict[str, Any] = {"census date": summary.census_date}
    params.update(parameters or {})
    return Report(
        title="Population summary",
        population=summary.population,
        parameters=params,
        sections=(
            Section("Figures", ("figure", "value"), figures),
            Section(
                "Founder representation r_k = (1/N) sum over P of p_ik",
                ("founder", "representation"),
                [{"founder": f, "representation": r} for f, r in representation],
            ),
        ),
        analysis_date=analysis_date or _today(),
    )
