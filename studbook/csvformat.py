"""Reading the studbook CSV format into columns, with line numbers for every row.

The format (documented in ``docs/csv-format.md``): a UTF-8 CSV file with a header row. The
columns ``id,sire,dam,sex`` are required; ``birth_date, birth_type, death_date, alive, location,
house_name, hypothetical, founder, flags, notes`` are optional and any other column is kept as an
extra attribute. This module only splits the file into text cells and records where each row
came from; :mod:`studbook.records` gives the cells meaning.

Reading is column-oriented so that a million-row pedigree costs one pass of the ``csv`` module.
:func:`studbook.plaincsv.plain_columns` goes further for files without quotes (the usual
export): one compiled pass over the bytes finds every cell's boundaries, and columns become
numpy byte arrays, so a million rows are read without a Python object per cell. It lives apart
so that reading text cells (every command that opens a studbook) does not import numpy.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from studbook.errors import ImportValidationError, Problem
from studbook.present import counted

__all__ = [
    "REQUIRED_COLUMNS",
    "StudbookTable",
    "decode_lines",
    "read_table",
    "table_from_text",
]

REQUIRED_COLUMNS = ("id", "sire", "dam", "sex")


@dataclass
class StudbookTable:
    """The cells of a studbook CSV: one list of text per column, all of equal length.

    ``lines[k]`` is the 1-based line number of row ``k`` in ``source`` (header = line 1).
    """

    source: str
    columns: dict[str, list[str]]
    lines: list[int]
    header: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lines)

    def column(self, name: str) -> list[str] | None:
        """The cells of column ``name``, or ``None`` when the file has no such column."""
        return self.columns.get(name)


def decode_lines(data: bytes, source: str) -> str:
    """Decode UTF-8 (with or without BOM); every undecodable line becomes a :class:`Problem`.

    Raises :class:`ImportValidationError` naming each line with bytes that are not UTF-8.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    problems = []
    for number, raw in enumerate(data.splitlines(), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad = raw[exc.start : exc.end].hex(" ")
            problems.append(
                Problem(
                    source,
                    number,
                    "(text)",
                    f"not UTF-8 text (bytes {bad} at column "
                    f"{exc.start + 1}); save the file as UTF-8",
                )
            )
    raise ImportValidationError(problems)


def table_from_text(
    text: str, source: str, required: Sequence[str] = REQUIRED_COLUMNS, delimiter: str = ","
) -> StudbookTable:
    """Split CSV ``text`` (cells separated by ``delimiter``) into a :class:`StudbookTable`.

    Raises :class:`ImportValidationError` for a missing or duplicated header column and for rows
    with the wrong number of cells. Blank lines are skipped.

    >>> t = table_from_text("id,sire,dam,sex\\nA,,,M\\nB,,,F\\n", "demo.csv")
    >>> t.columns["id"], t.lines
    (['A', 'B'], [2, 3])
    """
    fast = _split_plain(text, source, required) if delimiter == "," else None
    if fast is not None:
        return fast
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportValidationError([Problem(source, 1, "(header)", "the file is empty")]) from None
    names = [h.strip().lower() for h in header]
    problems = [
        Problem(source, 1, name, "column is missing from the header")
        for name in required
        if name not in names
    ]
    problems += [
        Problem(source, 1, name, "column appears more than once in the header")
        for name in sorted({n for n in names if names.count(n) > 1})
    ]
    if problems:
        raise ImportValidationError(problems)
    width = len(names)
    rows: list[list[str]] = []
    lines: list[int] = []
    previous_end = reader.line_num
    for row in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != width:
            found = counted(len(row), "cell")
            problems.append(Problem(source, start, "(row)", f"has {found}, the header has {width}"))
            continue
        rows.append(row)
        lines.append(start)
    if problems:
        raise ImportValidationError(problems)
    cells = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    columns = {name: [c.strip() for c in col] for name, col in zip(names, cells, strict=True)}
    return StudbookTable(source=source, columns=columns, lines=lines, header=names)


_ASCII_SPACES = " \t\v\f\x1c\x1d\x1e\x1f"


def _needs_strip(text: str) -> bool:
    """Whether some cell may start or end with whitespace (what ``str.strip`` removes).

    Substring tests only (fast); any non-ASCII text is assumed to need stripping.
    """
    if not text.isascii():
        return True
    if text[:1].isspace() or text.rstrip("\n")[-1:].isspace():
        return True
    present = [ws for ws in _ASCII_SPACES if ws in text]  # one fast scan per character
    return any(
        pattern in text for ws in present for pattern in (f",{ws}", f"{ws},", f"\n{ws}", f"{ws}\n")
    )


def _split_plain(text: str, source: str, required: Sequence[str]) -> StudbookTable | None:
    """Fast path for files without quotes: one row per line, cells split on commas.

    Returns ``None`` (use the ``csv`` module) when the text has quotes or carriage returns in
    unusual places, or when any row has the wrong number of cells (so that the slow path
    reports every problem with its line number). Same result as the slow path otherwise.
    """
    if '"' in text or "\r" in text.replace("\r\n", "\n"):
        return None
    physical = text.replace("\r\n", "\n").split("\n")
    if not physical or not physical[0].strip():
        return None
    names = [h.strip().lower() for h in physical[0].split(",")]
    if any(name not in names for name in required) or len(set(names)) != len(names):
        return None
    width = len(names)
    numbered = [(k, line) for k, line in enumerate(physical[1:], start=2) if line.strip()]
    rows = [line.split(",") for _, line in numbered]
    if any(len(row) != width for row in rows):
        return None
    lines = [k for k, _ in numbered]
    cells = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    if _needs_strip(text):
        columns = {name: [c.strip() for c in col] for name, col in zip(names, cells, strict=True)}
    else:
        columns = {name: list(col) for name, col in zip(names, cells, strict=True)}
    return StudbookTable(source=source, columns=columns, lines=lines, header=names)


def read_bytes(path: str | Path) -> bytes:
    """The bytes of ``path``; raises :class:`ImportValidationError` when it cannot be read."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise ImportValidationError(
            [Problem(str(path), None, "(file)", "the file is missing; check its name and folder")]
        ) from exc
    except OSError as exc:
        raise ImportValidationError(
            [Problem(str(path), None, "(file)", f"cannot be read: {exc.strerror or exc}")]
        ) from exc


def read_table(path: str | Path, required: Sequence[str] = REQUIRED_COLUMNS) -> StudbookTable:
    """Read a studbook CSV file into a :class:`StudbookTable` (see :func:`table_from_text`)."""
    data = read_bytes(path)
    return table_from_text(decode_lines(data, str(path)), str(path), required)
