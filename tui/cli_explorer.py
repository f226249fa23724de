"""The explorer's commands: ``studbook pedigree`` (charts), ``studbook relationship`` and
``studbook lineages`` (founder lineages and families of the living).

The answers come from :mod:`studbook.explorer`, :mod:`studbook.relationship` and
:mod:`studbook.chart`; this module reads the studbook, calls them and writes what they return.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["CHART_FORMATS", "add_explorer_commands", "chart_document", "living_mean_kinship"]

CHART_FORMATS = ("text", "svg", "dot", "graphml")
"""The renderers of :mod:`studbook.chart` that ``--format`` offers (named here so that
``studbook --help`` does not import the chart code)."""

MAX_GENERATIONS = 12
"""Most generations a chart may span each way: a slot per place doubles with each one."""


def _generations(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= MAX_GENERATIONS:
        raise argparse.ArgumentTypeError(f"give 0 to {MAX_GENERATIONS} generations, not {value}")
    return value


def living_mean_kinship(explorer: Any) -> dict[str, float]:
    """MK of every living animal to the living population (empty when nobody is living)."""
    from studbook.kinship import mean_kinship

    if not explorer.living.any():
        return {}
    return mean_kinship(explorer.pedigree, explorer.living)


def chart_document(explorer: Any, animal_id: str, up: int, down: int, fmt: str) -> str:
    """The chart of ``animal_id`` in ``fmt`` (``text``, ``svg``, ``dot`` or ``graphml``), with
    MK to the living population on the nodes; the UI's "export chart" writes the same."""
    from studbook import chart

    drawn = chart.pedigree_chart(
        explorer,
        animal_id,
        up=up,
        down=down,
        mk=living_mean_kinship(explorer),
        mk_population="the living population",
    )
    render: dict[str, Callable[[chart.PedigreeChart], str]] = {
        "text": chart.chart_text,
        "svg": chart.chart_svg,
        "dot": chart.chart_dot,
        "graphml": chart.chart_graphml,
    }
    return render[fmt](drawn)


def _explorer(args: argparse.Namespace) -> Any:
    from studbook.explorer import Explorer
    from tui.cli import _load_book

    return Explorer.from_studbook(_load_book(args))


def cmd_pedigree(args: argparse.Namespace) -> int:
    """A pedigree chart of one animal: ancestors and descendants by generation."""
    from studbook.atomic import write_text_atomically
    from tui.cli import EXIT_OK, _say

    text = chart_document(_explorer(args), args.id, args.up, args.down, args.format)
    if args.out is None:
        sys.stdout.write(text)
    else:
        write_text_atomically(args.out, text)
        _say(f"wrote the {args.format} chart of {args.id} to {args.out}")
    return EXIT_OK


def cmd_relationship(args: argparse.Namespace) -> int:
    """How two animals are related: common ancestors, paths and shares of their kinship."""
    from studbook.present import printable
    from studbook.relationship import relationship
    from tui.cli import EXIT_OK

    r = relationship(_explorer(args), args.a, args.b)
    if args.format == "json":
        shares = [
            {
                "ancestor": s.id,
                "share": s.share,
                "path_pairs": s.pairs,
                "path_a": list(s.path_a),
                "path_b": list(s.path_b),
                "inbreeding": s.inbreeding,
                "certain": s.certain,
            }
            for s in r.common
        ]
        doc = {"a": r.a, "b": r.b, "kinship": r.kinship, "words": r.words, "common": shares}
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        for line in r.lines(limit=args.limit):
            print(printable(line))
    return EXIT_OK


def cmd_lineages(args: argparse.Namespace) -> int:
    """Founder lineages (each founder's living descendants) and the families of the living."""
    from studbook.reports import Report, Section, render
    from studbook.status import LIVING_DEFINITION
    from tui.cli import EXIT_OK

    explorer = _explorer(args)
    lineages = [
        {
            "founder": x.founder,
            "living_descendants": len(x.descendants),
            "through_recorded_parents": x.certain,
            "only_through_mult": len(x.through_mult),
        }
        for x in explorer.founder_lineages()
    ]
    families = [
        {
            "family": k + 1,
            "living": len(f.living),
            "animals": f.size,
            "founders": ", ".join(f.founders),
            "isolated": not f.main,
            "living_ids": ", ".join(f.living) if not f.main else "",
        }
        for k, f in enumerate(explorer.families())
    ]
    report = Report(
        "founder lineages and families",
        f"living animals ({LIVING_DEFINITION})",
        {},
        (
            Section(
                "founder lineages",
                (
                    "founder",
                    "living_descendants",
                    "through_recorded_parents",
                    "only_through_mult",
                ),
                lineages,
            ),
            Section(
                "families (connected groups of the pedigree)",
                ("family", "living", "animals", "founders", "isolated", "living_ids"),
                families,
            ),
        ),
        notes=(
            "MULT parents inflate descendant lists: 'only_through_mult' counts living "
            "descendants reached only through a possible parent.",
        ),
    )
    sys.stdout.write(render(report, args.format))
    return EXIT_OK


def add_explorer_commands(
    command: Callable[[str, Callable[[argparse.Namespace], int]], Any],
) -> None:
    """Add ``pedigree``, ``relationship`` and ``lineages`` through ``build_parser``'s
    ``command(name, handler)``."""
    p = command("pedigree", cmd_pedigree)
    p.add_argument("id", help="studbook id")
    p.add_argument(
        "--up", type=_generations, default=4, help="generations of ancestors (default 4)"
    )
    p.add_argument(
        "--down", type=_generations, default=0, help="generations of descendants (default 0)"
    )
    p.add_argument("--format", choices=CHART_FORMATS, default="text", help="default: text")
    p.add_argument("--out", type=Path, help="write to this file (default: standard output)")
    p = command("relationship", cmd_relationship)
    p.add_argument("a", help="studbook id")
    p.add_argument("b", help="studbook id")
    p.add_argument("--format", choices=("text", "json"), default="text", help="default: text")
    p.add_argument("--limit", type=int, default=12, help="common ancestors to list (default 12)")
    p = command("lineages", cmd_lineages)
    p.add_argument("--format", choices=("table", "csv", "json", "markdown"), default="table")
