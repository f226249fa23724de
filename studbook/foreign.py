"""Studbooks written by other programs (SPARKS/PM2000, ZIMS for Studbooks, PMx), as read here.

Each reader (:mod:`studbook.sparks`, :mod:`studbook.zims`, :mod:`studbook.pmx`) turns its files
into a :class:`ForeignStudbook`: the studbook's own records, events and institutions, the
problems of single cells (file, line, field), and what was understood and assumed on the way,
in words and counts. The importer (:func:`db.importer.check_studbook`) then runs the same rules
(:mod:`studbook.validation`, :mod:`studbook.events`) on them as on a CSV studbook, in one
transaction.

The rules every foreign format shares live here once:

- :func:`estimated_date` / :func:`estimate_code`: a date with SPARKS's (and PMx's) estimate
  code, and back;
- :func:`date_covering`: an estimated range as the studbook's precisions (exact, month, year);
- :func:`translate_moves`: where-the-animal-is records (SPARKS moves, ZIMS events) as the
  studbook's events;
- :func:`detect_format`: which reader a file needs, when the file says so unambiguously.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Literal

from studbook.dates import DatePrecision, PartialDate
from studbook.errors import ImportValidationError, Problem
from studbook.events import ARRIVALS, EventCode, EventRecord
from studbook.institutions import InstitutionRecord
from studbook.parents import ParentKind
from studbook.present import counted
from studbook.records import AnimalRecord

__all__ = [
    "ESTIMATE_CODES",
    "FORMATS",
    "ForeignStudbook",
    "StudbookFormat",
    "count_wild_founders",
    "date_covering",
    "detect_format",
    "estimate_code",
    "estimated_date",
    "join_notes",
    "translate_moves",
]

StudbookFormat = Literal["csv", "sparks", "zims", "pmx"]
FORMATS: tuple[StudbookFormat, ...] = ("csv", "sparks", "zims", "pmx")
"""Formats ``studbook import --format`` reads."""

_FORMAT_NAMES = {
    "sparks": "SPARKS / PM2000 exchange files",
    "zims": "ZIMS for Studbooks publication export",
    "pmx": "PMx pedigree text file",
}


@dataclass
class ForeignStudbook:
    """A studbook read from another program's files, before the studbook's rules ran.

    ``notes`` say, in order, what was read and what was assumed; ``counts`` hold the figures a
    coordinator checks against the source (animals, wild founders, releases, ...).
    """

    source: str
    format: StudbookFormat
    records: list[AnimalRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    events_source: str = ""
    institutions: list[InstitutionRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        """What was understood, as lines for a person (the CSV importer's ``Understanding``)."""
        files = self.source + (f" + {self.events_source}" if self.events_source else "")
        out = [f"{files}: read as {_FORMAT_NAMES[self.format]}"]
        if self.counts:
            shown = ", ".join(f"{name} {n}" for name, n in self.counts.items())
            out.append(f"  counted: {shown}")
        out += [f"  assumed: {note}" for note in self.notes]
        return out

    def note(self, n: int, text: str) -> None:
        """Add an assumption that concerns ``n`` items (nothing when ``n`` is 0)."""
        if n:
            self.notes.append(text)


ESTIMATE_CODES: dict[str, DatePrecision] = {
    "": DatePrecision.EXACT,
    "D": DatePrecision.MONTH,
    "M": DatePrecision.YEAR,
    "Y": DatePrecision.YEAR,
}
"""SPARKS's date-estimate codes (``BIRTH_EST``, ``TDATE_EST``, ...), which PMx reads too: blank
exact; ``D`` the day is estimated, so the month is known; ``M`` the month is estimated, so the
year is known; ``Y`` the year itself is an estimate, kept as that year (the finest studbook
precision that says so)."""


def estimated_date(day: date | None, code: str) -> PartialDate | None:
    """``day`` with its estimate ``code`` (:data:`ESTIMATE_CODES`) as a studbook date.

    Raises ``ValueError`` for an unknown code.

    >>> str(estimated_date(date(1966, 1, 1), "Y")), str(estimated_date(date(1967, 2, 12), "D"))
    ('1966', '1967-02')
    """
    try:
        precision = ESTIMATE_CODES[code.strip().upper()]
    except KeyError:
        raise ValueError(f"{code!r} is not a date-estimate code (blank, D, M or Y)") from None
    if day is None:
        return None
    if precision is DatePrecision.MONTH:
        return PartialDate(day.replace(day=1), precision)
    if precision is DatePrecision.YEAR:
        return PartialDate(day.replace(month=1, day=1), precision)
    return PartialDate(day)


def estimate_code(value: PartialDate) -> str:
    """The estimate code that :func:`estimated_date` reads back as ``value``'s precision.

    >>> from studbook.dates import parse_partial_date as d
    >>> [estimate_code(d(t)) for t in ("2001-05-13", "2001-05", "2001")]
    ['', 'D', 'M']
    """
    if value.precision is DatePrecision.EXACT:
        return ""
    return "D" if value.precision is DatePrecision.MONTH else "M"


def date_covering(first: date, last: date) -> tuple[PartialDate, bool]:
    """The finest studbook date whose period covers ``first`` to ``last``, and whether it does.

    One day gives an exact date; a range within one calendar month the month; within one year
    the year. A wider range cannot be written with these precisions: it gives the year of its
    middle day and ``False`` (the caller says so).

    >>> str(date_covering(date(2022, 12, 24), date(2022, 12, 26))[0])
    '2022-12'
    >>> date_covering(date(1984, 9, 1), date(1985, 9, 1))
    (PartialDate(value=datetime.date(1985, 1, 1), precision=<DatePrecision.YEAR: 'year'>), False)
    """
    if last < first:
        first, last = last, first
    if first == last:
        return PartialDate(first), True
    if (first.year, first.month) == (last.year, last.month):
        return PartialDate(first.replace(day=1), DatePrecision.MONTH), True
    if first.year == last.year:
        return PartialDate(date(first.year, 1, 1), DatePrecision.YEAR), True
    middle = date.fromordinal((first.toordinal() + last.toordinal()) // 2)
    return PartialDate(date(middle.year, 1, 1), DatePrecision.YEAR), False


def _header(path: Path) -> str:
    """The first line of a text file, lower case ('' when it cannot be read as text)."""
    try:
        with path.open("rb") as stream:
            first = stream.readline(4096)
    except OSError:
        return ""
    return first.decode("utf-8-sig", errors="replace").strip().lower()


def detect_format(path: str | Path) -> StudbookFormat:
    """The format of ``path`` when the file says it unambiguously, else ``csv``.

    A ``.dbf`` file is a SPARKS exchange file; a header naming ``Studbook ID`` and
    ``Event Type`` is a ZIMS publication export; one naming ``STUD_ID``, ``SIRE_ID`` and
    ``DAM_ID`` (PMx's and SPARKS's column names) a PMx pedigree file. A DBF file without that
    suffix, or a header that is both, raises :class:`ImportValidationError` asking for
    ``--format``.
    """
    path = Path(path)
    if path.suffix.lower() == ".dbf":
        return "sparks"
    try:
        with path.open("rb") as stream:
            magic = stream.read(1)
    except OSError:
        return "csv"  # the CSV reader reports a missing or unreadable file
    if magic in (b"\x03", b"\x83", b"\x8b", b"\x30", b"\xf5"):
        raise ImportValidationError(
            [
                Problem(
                    str(path),
                    None,
                    "(file)",
                    "looks like a dBase file; name it .DBF or say --format sparks",
                )
            ]
        )
    header = _header(path)
    zims = "studbook id" in header and "event type" in header
    pmx = all(name in header for name in ("stud_id", "sire_id", "dam_id"))
    if zims and pmx:
        raise ImportValidationError(
            [Problem(str(path), 1, "(header)", "could be ZIMS or PMx; say --format zims or pmx")]
        )
    if zims:
        return "zims"
    return "pmx" if pmx else "csv"


def _same_day(a: EventRecord, b: EventRecord) -> bool:
    return (
        a.date is not None
        and a.date == b.date
        and a.date.precision is DatePrecision.EXACT
        and a.institution != b.institution
    )


def count_wild_founders(records: Sequence[AnimalRecord]) -> int:
    """Animals whose sire and dam are both WILD: the wild-born founders a source counts."""
    return sum(1 for r in records if r.sire.kind is r.dam.kind is ParentKind.WILD)


def join_notes(*notes: str) -> str:
    """Notes joined with ``; ``, empty ones left out."""
    return "; ".join(n for n in notes if n)


_MOVE_NOTES = {
    "transfers after a release read as captures": "transfer after a release read as a capture",
    "repeated releases kept as notes": "repeated release kept as a note",
    "same-day stop-overs folded": "same-day stop-over folded",
}
"""The translations :func:`translate_moves` counts (the keys, plural) and their singular."""


def move_notes(counts: Counter[str]) -> list[tuple[int, str]]:
    """Each translation :func:`translate_moves` counted, with its count in words:
    ``(1, "1 repeated release kept as a note")``."""
    return [(n, counted(n, _MOVE_NOTES[what], what)) for what, n in counts.items()]


def translate_moves(events: list[EventRecord], counts: Counter[str]) -> list[EventRecord]:
    """One animal's moves (in the source's order) as studbook events, counting in ``counts``
    each translation:

    - a transfer (or loan) after a release is a **capture** back into captivity;
    - a **second release** without a capture in between is kept in the first release's notes;
    - **same-day stop-overs**: an arrival followed on the same exact day by an arrival
      elsewhere (captured at ``CALIFORNI`` and brought to ``LOSANGELE``) is one event at the
      second place, with the first place in its notes and the first event's kind (birth,
      capture) kept. The studbook's rules refuse two arrivals on one exact day, where the
      order would be a guess; in these files the order is recorded.
    """
    out: list[EventRecord] = []
    released: EventRecord | None = None
    for event in events:
        if released is not None and event.event in (EventCode.TRANSFER, EventCode.LOAN):
            counts["transfers after a release read as captures"] += 1
            event = replace(event, event=EventCode.CAPTURE)
        if released is not None and event.event is EventCode.RELEASE:
            counts["repeated releases kept as notes"] += 1
            where = f"release recorded again on {event.date} at {event.institution}"
            released.notes = join_notes(released.notes, f"{where} (line {event.line})")
            continue
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.event in ARRIVALS
            and event.event in ARRIVALS
            and _same_day(previous, event)
        ):
            counts["same-day stop-overs folded"] += 1
            assert previous.event is not None
            kind = previous.event if previous.event is not EventCode.TRANSFER else event.event
            via = f"{previous.event.value} at {previous.institution} the same day"
            out[-1] = replace(
                event,
                event=kind,
                notes=join_notes(previous.notes, f"{via} (line {previous.line})", event.notes),
            )
            continue
        out.append(event)
        if event.event is EventCode.RELEASE:
            released = event
        elif event.event in ARRIVALS:
            released = None
    return out
