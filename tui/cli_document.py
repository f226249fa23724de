"""``studbook plan-document``: the Breeding and Transfer Plan as Markdown, HTML or CSV.

The studbook is read from the database (:func:`db.repository.load_studbook`), analysed as every
other command does (:class:`studbook.analysis.Analysis`, the demography over the programme's
window), gathered by :func:`studbook.plan_inputs.plan_document_inputs` and rendered by the core
(:mod:`studbook.plan_markdown`, :mod:`studbook.plan_html`, :mod:`studbook.plan_csv`). The file
is written atomically: a failure leaves the previous file, or none.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["DOCUMENT_FORMATS", "add_document_commands", "cmd_plan_document"]

DOCUMENT_FORMATS = ("markdown", "html", "csv")


def _exclusion(text: str) -> tuple[str, str]:
    """``ID`` or ``ID:REASON`` for ``--exclude``."""
    animal, _, reason = text.partition(":")
    if not animal.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: give ID or ID:REASON")
    return animal.strip(), reason.strip() or "excluded by the coordinator"


def _previous(path: Path) -> dict[str, float]:
    """The previous plan's figures from a JSON object of key -> number."""
    from tui.cli import EXIT_INVALID, CliError

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CliError(f"studbook plan-document: --previous {path}: {exc}", EXIT_INVALID) from exc
    if not isinstance(data, dict):
        raise CliError(
            f"studbook plan-document: --previous {path}: expected a JSON object of "
            "figure -> number",
            EXIT_INVALID,
        )
    out: dict[str, float] = {}
    for key, value in data.items():
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise CliError(
                f"studbook plan-document: --previous {path}: field {key!r}: {value!r} is not "
                "a number",
                EXIT_INVALID,
            )
        out[str(key)] = float(value)
    return out


def cmd_plan_document(args: argparse.Namespace) -> int:
    """Write the Breeding and Transfer Plan (recommendations by institution, MK lists, charts)."""
    import studbook
    from studbook.analysis import Analysis, AnalysisSettings
    from studbook.atomic import write_text_atomically
    from studbook.demography import demography, window_for
    from studbook.errors import StudbookError
    from studbook.plan_csv import plan_csv
    from studbook.plan_html import plan_html
    from studbook.plan_inputs import plan_document_inputs
    from studbook.plan_markdown import plan_markdown
    from studbook.present import counted
    from tui.cli import EXIT_ERROR, EXIT_INVALID, EXIT_OK, CliError, _load_book, _say

    previous = _previous(args.previous) if args.previous is not None else None
    book = _load_book(args)
    reasons = dict(args.exclude)
    census = args.census_date
    analysis = Analysis(
        book,
        AnalysisSettings(
            census_date=census.isoformat() if census else None,
            exclude=tuple(reasons),
        ),
    )
    window = window_for(book, today=analysis.census_date)
    demo = demography(book, window, replicates=args.replicates, seed=args.seed)
    try:
        inputs = plan_document_inputs(
            analysis,
            demo,
            exclusion_reasons=reasons,
            previous=previous,
            mover=args.mover,
            software=f"studbook {studbook.__version__}",
        )
    except StudbookError as exc:
        code = EXIT_INVALID if previous is not None and "previous plan" in str(exc) else EXIT_ERROR
        raise CliError(f"studbook plan-document: {exc}", code) from exc
    render: Callable[[Any], str] = {
        "markdown": plan_markdown, "html": plan_html, "csv": plan_csv
    }[args.format]  # fmt: skip
    text = render(inputs)
    try:
        write_text_atomically(args.out, text)
    except OSError as exc:
        raise CliError(
            f"studbook plan-document: cannot write {args.out}: {exc.strerror or exc}; "
            "a file that was there before is unchanged",
            EXIT_ERROR,
        ) from exc
    _say(
        f"wrote the {args.format} plan to {args.out}: "
        f"{counted(len(inputs.animals), 'living animal')} at "
        f"{counted(len({a.institution for a in inputs.animals}), 'institution')}, "
        f"{counted(len(inputs.plan.pairs) if inputs.plan else 0, 'pair')}"
    )
    return EXIT_OK


def add_document_commands(
    command: Callable[[str, Callable[[argparse.Namespace], int]], Any],
) -> None:
    """Add ``plan-document`` to the parser through ``build_parser``'s ``command`` helper."""
    from tui.cli import _iso_date

    p = command("plan-document", cmd_plan_document)
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help="file to write")
    p.add_argument(
        "--format", choices=DOCUMENT_FORMATS, default="markdown", help="(default: markdown)"
    )
    p.add_argument("--census-date", type=_iso_date, help="census date (default: today)")
    p.add_argument(
        "--exclude",
        action="append",
        default=[],
        type=_exclusion,
        metavar="ID[:REASON]",
        help="leave this animal out of the genetic analysis, with the reason (repeatable)",
    )
    p.add_argument(
        "--previous",
        type=Path,
        metavar="JSON",
        help="the previous plan's figures, a JSON object keyed like this plan's "
        '(e.g. {"gene_diversity": 0.93, "n": 190})',
    )
    p.add_argument(
        "--mover",
        choices=("M", "F"),
        default="M",
        help="the sex that moves when mates live apart (default M)",
    )
    p.add_argument("--replicates", type=int, default=1000, help="projected-lambda runs (1000)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the projections (0)")
