"""The compiled fast path for quote-free studbook CSV files: cells as byte offsets, dates by column.

:func:`plain_columns` splits a file without quotes (the usual export) in one compiled pass over
its bytes: every cell's boundaries go into numpy arrays (:class:`PlainColumns`), so a million
rows are read without a Python object per cell. :func:`read_iso_dates` reads a column of date
cells the same way. Both give exactly what the definitions give
(:func:`studbook.csvformat.table_from_text`, :func:`studbook.dates.parse_partial_date`; the
tests compare them) and hand everything else back to them. They live apart from the definitions
so that a command that only reads a studbook's text does not import numpy.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from studbook.csvformat import REQUIRED_COLUMNS
from studbook.jit import compiled, inlined, interpretable

__all__ = ["PlainColumns", "plain_columns", "read_iso_dates"]

IntArray = npt.NDArray[np.int64]
ByteArray = npt.NDArray[np.uint8]


@dataclass(frozen=True, eq=False)
class PlainColumns:
    """A quote-free studbook CSV as cell boundaries in its bytes: no text object per cell.

    Row ``k``'s cell in column ``c`` is ``data[start[k, c]:end[k, c]]``, already stripped of
    surrounding whitespace as :func:`~studbook.csvformat.table_from_text` strips it;
    ``lines[k]`` is its 1-based line.
    """

    source: str
    header: list[str]
    data: ByteArray
    start: IntArray
    end: IntArray
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

    ``None`` means "use :func:`~studbook.csvformat.table_from_text`", which gives the same cells
    or reports every problem with its line: for quotes, NUL bytes, carriage returns outside line
    ends, text that is not UTF-8, a header without the required columns or with duplicates, and
    any row with the wrong number of cells.
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
    start = np.empty((rows, len(names)), np.int64)
    end = np.empty((rows, len(names)), np.int64)
    lines = np.empty(rows, np.int64)
    found = _split_rows(buf, header_end + 1, start, end, lines)
    if found < 0:
        return None
    start, end, lines = start[:found], end[:found], lines[:found]
    if not data.isascii():
        _strip_unicode(buf, start, end)
    return PlainColumns(source, names, buf, start, end, lines)


def _strip_unicode(buf: ByteArray, start: IntArray, end: IntArray) -> None:
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
    buf: ByteArray, pos: int, start: IntArray, end: IntArray, lines: IntArray
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
    buf: ByteArray, start: IntArray, end: IntArray, width: int
) -> ByteArray:  # pragma: no cover - compiled
    out = np.zeros((start.size, width), np.uint8)
    for k in range(start.size):
        s = start[k]
        for t in range(min(end[k] - s, width)):
            out[k, t] = buf[s + t]
    return out


@compiled
def _join(buf: ByteArray, start: IntArray, end: IntArray) -> ByteArray:  # pragma: no cover
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
def _integers(buf: ByteArray, start: IntArray, end: IntArray) -> IntArray:  # pragma: no cover
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
    buf: ByteArray, start: IntArray, end: IntArray
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


# ----------------------------------------------------------------------------- ISO dates
Days = npt.NDArray[np.datetime64]
_NAT = np.iinfo(np.int64).min


def read_iso_dates(
    data: npt.NDArray[np.uint8], start: npt.NDArray[np.int64], end: npt.NDArray[np.int64]
) -> tuple[Days, Days, npt.NDArray[np.bool_]]:
    """:func:`~studbook.dates.parse_partial_date` for a column of cells at once (usual forms).

    Cell ``k`` is ``data[start[k]:end[k]]`` (UTF-8 bytes, stripped). Cells written ``YYYY``,
    ``YYYY-MM`` or ``YYYY-MM-DD`` (ASCII digits, zero-padded) that name a real date, and empty
    cells, are read here in one compiled pass; ``read`` is False for every other cell, which
    the caller passes to :func:`~studbook.dates.parse_partial_date` (the definition: it accepts
    a few more spellings and words the errors). Returns the first and last day each cell may be
    (``datetime64[D]``, NaT when empty or not read) and ``read``.
    """
    first = np.empty(start.size, np.int64)
    last = np.empty(start.size, np.int64)
    read = np.empty(start.size, np.bool_)
    _iso_days(data, start, end, first, last, read)
    return first.view("datetime64[D]"), last.view("datetime64[D]"), read


@inlined
def _days_from_civil(y: int, m: int, d: int) -> int:  # pragma: no cover - compiled
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


@inlined
def _month_days(y: int, m: int) -> int:  # pragma: no cover - compiled
    if m == 2:
        return 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28
    return 30 if m in (4, 6, 9, 11) else 31


@inlined
def _number(data: npt.NDArray[np.uint8], s: int, count: int) -> int:  # pragma: no cover
    """The ASCII digits ``data[s:s + count]`` as a number; -1 if one is not a digit."""
    value = 0
    for t in range(s, s + count):
        digit = int(data[t]) - 48
        if digit < 0 or digit > 9:
            return -1
        value = 10 * value + digit
    return value


@interpretable
@compiled
def _iso_days(
    data: npt.NDArray[np.uint8],
    start: npt.NDArray[np.int64],
    end: npt.NDArray[np.int64],
    first: npt.NDArray[np.int64],
    last: npt.NDArray[np.int64],
    read: npt.NDArray[np.bool_],
) -> None:  # pragma: no cover - compiled
    nat = np.iinfo(np.int64).min
    for k in range(start.size):
        s = start[k]
        size = end[k] - s
        first[k] = nat
        last[k] = nat
        read[k] = size == 0
        if size != 4 and size != 7 and size != 10:
            continue
        y = _number(data, s, 4)
        m = 1
        d = 1
        if size >= 7:
            m = _number(data, s + 5, 2) if data[s + 4] == 45 else -1
        if size == 10:
            d = _number(data, s + 8, 2) if data[s + 7] == 45 else -1
        if y < 1 or m < 1 or m > 12 or d < 1 or d > _month_days(y, m):
            continue
        first[k] = _days_from_civil(y, m, d)
        if size == 4:
            last[k] = _days_from_civil(y, 12, 31)
        elif size == 7:
            last[k] = _days_from_civil(y, m, _month_days(y, m))
        else:
            last[k] = first[k]
        read[k] = True
