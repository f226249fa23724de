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

__all__ = ["DatePrecision", "PartialDate", "parse_partial_date"]

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
