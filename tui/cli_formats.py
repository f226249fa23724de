"""Command-line options for the studbook formats of other programs (SPARKS, ZIMS, PMx).

``studbook import FILE --format sparks|zims|pmx|csv`` and ``studbook validate`` read the
format named, or the one the file shows (:func:`studbook.foreign.detect_format`);
``--correct ID:FIELD=VALUE`` puts right a mistake in a file another program wrote, visibly
(:func:`studbook.formats.apply_corrections`).
"""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["add_format_options", "import_format"]

_FORMATS = ("csv", "sparks", "zims", "pmx")


def add_format_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--format`` and ``--correct`` to the ``import`` or ``validate`` parser."""
    parser.add_argument(
        "--format",
        dest="input_format",
        choices=_FORMATS,
        help="the file's format: studbook CSV, SPARKS/PM2000 EXCHANGE.DBF (with MOVES.DBF "
        "beside it, or --events), a ZIMS for Studbooks publication export, or a PMx pedigree "
        "text file (default: detected from the file)",
    )
    parser.add_argument(
        "--correct",
        action="append",
        default=[],
        metavar="ID:FIELD=VALUE",
        help="correct a record of a SPARKS, ZIMS or PMx file before the checks "
        "(FIELD: sire, dam, sex, birth_date, death_date; e.g. 808:dam=UNK); repeatable",
    )


def import_format(args: argparse.Namespace) -> Any:
    """The format to read ``args.file`` as: ``--format``, else detected from the file."""
    from studbook.foreign import detect_format

    if args.input_format is not None:
        return args.input_format
    return detect_format(args.file)
