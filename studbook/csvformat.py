"""Reading the studbook CSV format into columns, with line numbers for every row.

The format (documented in ``docs/csv-format.md``): a UTF-8 CSV file with a header row. The
columns ``id,sire,dam,sex`` are required; ``birth_date, birth_type, death_date, alive, location,
house_name, hypothetical, founder, flags, notes`` are optional and any other column is kept as an
extra attribute. This module only splits the file into text cells and records where each row
came from; :mod:`studbook.records` gives the cells meaning.

Reading is column-oriented so that a million-row pedigree costs one pass of the ``csv`` module.
:func:`plain_columns` goes further for files without quotes (the usual export): one compiled
pass over the bytes finds every cell's boundaries, and columns become numpy byte arrays, so a
million rows are read without a Python object per cell.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from studbook.errors import ImportValidationError, Problem
from studbook.jit import compiled, inlined

__all__ = [
    "REQUIRED_COLUMNS",
    "PlainColumns",
    "StudbookTable",
    "decode_lines",
    "plain_columns",
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
            problems.append(
                Problem(source, start, "(row)", f"has {len(row)} cells, the header has {width}")
            )
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


# ----------------------------------------------------------------------------- plain bytes
IntArray = npt.NDArray[np.int64]
OffsetArray = npt.NDArray[np.int32] | npt.NDArray[np.int64]
ByteArray = npt.NDArray[np.uint8]


@dataclass(frozen=True, eq=False)
class PlainColumns:
    """A quote-free studbook CSV as cell boundaries in its bytes: no text object per cell.

    Row ``k``'s cell in column ``c`` is ``data[start[k, c]:end[k, c]]``, already stripped of
    surrounding whitespace as :func:`table_from_text` strips it; ``lines[k]`` is its 1-based line.
    Offsets are ``int32`` for files under 2 GiB.
    """

    source: str
    header: list[str]
    data: ByteArray
    start: OffsetArray
    end: OffsetArray
    lines: IntArray

    def __len__(self) -> int:
        return int(self.lines.size)

    def lengths(self, name: str) -> IntArray:
        """Byte length of every cell of column ``name``."""
        c = self.header.index(name)
        return self.end[:, c] - self.start[:, c]

    def cells(
        self, name: str, rows: IntArray | None = None, width: int | None = None
    ) -> npt.NDArray[np.bytes_]:
        """Column ``name`` (or its ``rows``) as a fixed-width byte-string array.

        ``width`` (default: the longest cell) truncates longer cells; compare
        :meth:`lengths` to tell them apart.
        """
        c = self.header.index(name)
        start, end = self.start[:, c], self.end[:, c]
        if rows is not None:
            start, end = start[rows], end[rows]
        if width is None:
            width = int((end - start).max(initial=0))
        width = max(width, 1)
        block = _gather(self.data, start, end, width)
        return block.view(f"S{width}").reshape(start.size)

    def text(self, row: int, name: str) -> str:
        """One cell as text."""
        c = self.header.index(name)
        return self.data[self.start[row, c] : self.end[row, c]].tobytes().decode("utf-8")

    def integers(self, name: str) -> IntArray:
        """Each cell's value when it is a canonical number (digits, no leading zero), else -1.

        Canonical numbers and their text are one-to-one, so ids can be matched by value.
        """
        c = self.header.index(name)
        return _integers(self.data, self.start[:, c], self.end[:, c])

    def factorize(self, name: str) -> tuple[IntArray, IntArray]:
        """(code of each cell, first row of each distinct cell), codes in order of first row."""
        c = self.header.index(name)
        return _factorize(self.data, self.start[:, c], self.end[:, c])

    def texts(self, name: str) -> list[str]:
        """Column ``name`` as a list of text (one object per cell: for extra columns only)."""
        if not len(self):
            return []
        c = self.header.index(name)
        joined = _join(self.data, self.start[:, c], self.end[:, c])
        return joined.tobytes().decode("utf-8").split("\n")


def plain_columns(data: bytes, source: str) -> PlainColumns | None:
    """Split a quote-free UTF-8 studbook CSV into :class:`PlainColumns`, or ``None``.

    ``None`` means "use :func:`table_from_text`", which gives the same cells or reports every
    problem with its line: for quotes, NUL bytes, carriage returns outside line ends, text that
    is not UTF-8, a header without the required columns or with duplicates, and any row with
    the wrong number of cells.
    """
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    begin = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    newline = data.find(b"\n", begin)
    header_end = len(data) if newline < 0 else newline
    header = data[begin:header_end].removesuffix(b"\r").decode("utf-8")
    if "\r" in header or '"' in header or "\0" in header or not header.strip():
        return None
    names = [h.strip().lower() for h in header.split(",")]
    if any(name not in names for name in REQUIRED_COLUMNS) or len(set(names)) != len(names):
        return None
    buf = np.frombuffer(data, np.uint8)
    rows = data.count(b"\n", header_end) + 1
    # Offsets fit 32 bits below 2 GiB: half the memory of the two largest arrays of the read.
    offset = np.int32 if buf.size < 2**31 else np.int64
    start = np.empty((rows, len(names)), offset)
    end = np.empty((rows, len(names)), offset)
    lines = np.empty(rows, np.int64)
    found = _split_rows(buf, header_end + 1, start, end, lines)
    if found < 0:
        return None
    start, end, lines = start[:found], end[:found], lines[:found]
    if not data.isascii():
        _strip_unicode(buf, start, end)
    return PlainColumns(source, names, buf, start, end, lines)


def _strip_unicode(buf: ByteArray, start: OffsetArray, end: OffsetArray) -> None:
    """Strip the non-ASCII whitespace (``str.strip``) the compiled pass leaves in place."""
    nonempty = end > start
    first = buf[np.minimum(start, buf.size - 1)]
    last = buf[np.maximum(end - 1, 0)]
    for k, c in zip(*np.nonzero(nonempty & ((first >= 0x80) | (last >= 0x80))), strict=True):
        cell = buf[start[k, c] : end[k, c]].tobytes().decode("utf-8")
        kept = cell.strip()
        if kept != cell:
            lead = len(cell[: len(cell) - len(cell.lstrip())].encode("utf-8"))
            start[k, c] += lead
            end[k, c] = start[k, c] + len(kept.encode("utf-8"))


@inlined
def _is_space(c: int) -> bool:  # pragma: no cover - compiled
    return c == 32 or 9 <= c <= 13 or 28 <= c <= 31


@inlined
def _strip(buf: ByteArray, s: int, e: int) -> tuple[int, int]:  # pragma: no cover - compiled
    while s < e and _is_space(buf[s]):
        s += 1
    while e > s and _is_space(buf[e - 1]):
        e -= 1
    return s, e


@compiled
def _split_rows(
    buf: ByteArray, pos: int, start: OffsetArray, end: OffsetArray, lines: IntArray
) -> int:  # pragma: no cover - compiled
    """Record the stripped cell boundaries of every non-blank line from ``pos`` on.

    Returns the number of rows, or -1 for what the fast path cannot take: a quote or NUL byte,
    a carriage return not before a newline, a line with the wrong number of cells. A carriage
    return before a newline ends the last cell as whitespace, which stripping removes.
    """
    n = buf.size
    width = start.shape[1]
    row = 0
    line = 2
    while pos < n:
        col = 0
        cell = pos
        q = pos
        while q < n:
            c = buf[q]
            if c > 44:  # most bytes: nothing to do
                q += 1
                continue
            if c == 10:
                break
            if c == 44:
                if col < width:
                    s, e = _strip(buf, cell, q)
                    start[row, col] = s
                    end[row, col] = e
                col += 1
                cell = q + 1
            elif c == 34 or c == 0 or (c == 13 and (q + 1 == n or buf[q + 1] != 10)):
                return -1
            q += 1
        if col == 0:
            s, e = _strip(buf, pos, q)
            if e > s:
                return -1
        elif col != width - 1:
            return -1
        else:
            s, e = _strip(buf, cell, q)
            start[row, col] = s
            end[row, col] = e
            lines[row] = line
            row += 1
        line += 1
        pos = q + 1
    return row


@compiled
def _gather(
    buf: ByteArray, start: OffsetArray, end: OffsetArray, width: int
) -> ByteArray:  # pragma: no cover - compiled
    out = np.zeros((start.size, width), np.uint8)
    for k in range(start.size):
        s = start[k]
        for t in range(min(end[k] - s, width)):
            out[k, t] = buf[s + t]
    return out


@compiled
def _join(buf: ByteArray, start: OffsetArray, end: OffsetArray) -> ByteArray:  # pragma: no cover
    out = np.empty(int((end - start).sum()) + start.size - 1, np.uint8)
    top = 0
    for k in range(start.size):
        if k:
            out[top] = 10
            top += 1
        for t in range(start[k], end[k]):
            out[top] = buf[t]
            top += 1
    return out


@compiled
def _integers(buf: ByteArray, start: OffsetArray, end: OffsetArray) -> IntArray:  # pragma: no cover
    out = np.full(start.size, -1, np.int64)
    for k in range(start.size):
        s = start[k]
        e = end[k]
        if e == s or e - s > 18 or (buf[s] == 48 and e - s > 1):
            continue
        value = 0
        for t in range(s, e):
            digit = buf[t] - 48
            if digit < 0 or digit > 9:
                value = -1
                break
            value = 10 * value + digit
        out[k] = value
    return out


@compiled
def _factorize(
    buf: ByteArray, start: OffsetArray, end: OffsetArray
) -> tuple[IntArray, IntArray]:  # pragma: no cover - compiled
    """Open-addressing hash of the cells' bytes (FNV-1a), with a byte comparison on each hit."""
    n = start.size
    size = 16
    while size < 2 * n:
        size *= 2
    slot_code = np.full(size, -1, np.int64)
    codes = np.empty(n, np.int64)
    first = np.empty(n, np.int64)
    distinct = 0
    for k in range(n):
        s = start[k]
        e = end[k]
        h = np.uint64(14695981039346656037)
        for t in range(s, e):
            h = (h ^ np.uint64(buf[t])) * np.uint64(1099511628211)
        i = np.int64(h & np.uint64(size - 1))
        while True:
            code = slot_code[i]
            if code < 0:
                slot_code[i] = distinct
                first[distinct] = k
                codes[k] = distinct
                distinct += 1
                break
            r = first[code]
            rs = start[r]
            if end[r] - rs == e - s:
                equal = True
                for t in range(e - s):
                    if buf[rs + t] != buf[s + t]:
                        equal = False
                        break
                if equal:
                    codes[k] = code
                    break
            i = (i + 1) & (size - 1)
    return codes, first[:distinct].copy()
