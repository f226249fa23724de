"""Dates as studbooks record them: exact, or estimated to the month or the year.

A :class:`PartialDate` is written ``YYYY-MM-DD`` (exact), ``YYYY-MM`` (month) or ``YYYY``
(year). Comparisons between imprecise dates use the interval each one covers, so a record is only
called impossible when no reading of its dates could be true.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import Enum

import numpy as np
import numpy.typing as npt

from studbook.jit import compiled, inlined, interpretable

__all__ = ["DatePrecision", "PartialDate", "parse_partial_date", "read_iso_dates"]

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class DatePrecision(Enum):
    """How precisely a date is known."""

    EXACT = "exact"
    MONTH = "month"
    YEAR = "year"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to ``precision``; ``value`` is the first day of the period it names."""

    value: date
    precision: DatePrecision = DatePrecision.EXACT

    @property
    def earliest(self) -> date:
        return self.value

    @property
    def latest(self) -> date:
        """The last day this date could be."""
        if self.precision is DatePrecision.MONTH:
            last = calendar.monthrange(self.value.year, self.value.month)[1]
            return self.value.replace(day=last)
        if self.precision in (DatePrecision.YEAR, DatePrecision.UNKNOWN):
            return self.value.replace(month=12, day=31)
        return self.value

    @property
    def midpoint(self) -> date:
        """The middle of the period: the best single guess for ages."""
        return date.fromordinal((self.earliest.toordinal() + self.latest.toordinal()) // 2)

    def surely_before(self, other: PartialDate) -> bool:
        """True when every reading of ``self`` falls before every reading of ``other``."""
        return self.latest < other.earliest

    def __str__(self) -> str:
        if self.precision is DatePrecision.EXACT:
            return self.value.isoformat()
        if self.precision is DatePrecision.MONTH:
            return f"{self.value.year:04d}-{self.value.month:02d}"
        return f"{self.value.year:04d}"


def parse_partial_date(text: str) -> PartialDate | None:
    """Parse ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; empty text means no date.

    Raises ``ValueError`` naming the expected forms for anything else.

    >>> str(parse_partial_date("1995-07"))
    '1995-07'
    >>> parse_partial_date("2004-04-17").precision.value
    'exact'
    """
    text = text.strip()
    if not text:
        return None
    match = _PATTERN.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)")
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    try:
        if month is None:
            return PartialDate(date(year, 1, 1), DatePrecision.YEAR)
        if day is None:
            return PartialDate(date(year, month, 1), DatePrecision.MONTH)
        return PartialDate(date(year, month, day), DatePrecision.EXACT)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date ({exc})") from None


Days = npt.NDArray[np.datetime64]
_NAT = np.iinfo(np.int64).min


def read_iso_dates(
    data: npt.NDArray[np.uint8],
    start: npt.NDArray[np.int32] | npt.NDArray[np.int64],
    end: npt.NDArray[np.int32] | npt.NDArray[np.int64],
) -> tuple[Days, Days, npt.NDArray[np.bool_]]:
    """:func:`parse_partial_date` for a column of cells at once, for the usual forms.

    Cell ``k`` is ``data[start[k]:end[k]]`` (UTF-8 bytes, stripped). Cells written ``YYYY``,
    ``YYYY-MM`` or ``YYYY-MM-DD`` (ASCII digits, zero-padded) that name a real date, and empty
    cells, are read here in one compiled pass; ``read`` is False for every other cell, which
    the caller passes to :func:`parse_partial_date` (the definition: it accepts a few more
    spellings and words the errors). Returns the first and last day each cell may be
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
    start: npt.NDArray[np.int32] | npt.NDArray[np.int64],
    end: npt.NDArray[np.int32] | npt.NDArray[np.int64],
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
