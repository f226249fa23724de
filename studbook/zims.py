"""A ZIMS for Studbooks publication export: one row per event, the animal's columns beside.

Columns (header names as ZIMS prints them, any case; comma-, semicolon- or tab-separated):
``Studbook ID, Current Location, Current Local ID, Sex Type, Current Status, Sire, Dam,
Birth Type, Event Type, Date, Location``; optional ``Local ID`` (the event's), ``GAN`` and
``House Name``. The animal's columns may be repeated on every event row or written on its
first row only (a row with an empty ``Studbook ID`` continues the animal above); two rows of
one animal that disagree are an error.

What a cell means:

- ``Sex Type``: Male, Female, Undetermined. ``Birth Type``: Captive, Wild, Undetermined.
- ``Sire``/``Dam``: a studbook id; ``WILD``; ``UND`` (undefined parentage, SPARKS's ``UNK``:
  an unknown parent of this animal alone); ``MULT1``, ``MULT2``, ... with the candidates that
  the expanded parent field lists: ``MULT1: 1021 (50%), 1034 (50%)`` (``;`` also separates
  candidates, a probability may be written ``0.5``, and none given means equal shares).
- ``Event Type``: Birth/Hatch, Wild Capture, Transfer, Death, Go LTF, Return from LTF (an
  arrival: a transfer noted as the return), Release.
- ``Date``: ``01/Mar/1985``; an estimate ``01/Mar/1985 +/- 6 month`` (day, week, month or
  year) or ``~ from 24/Dec/2022 to 26/Dec/2022`` becomes the finest studbook date covering the
  range (:func:`studbook.foreign.date_covering`; a range wider than a year is counted);
  ``Undetermined`` is no date.
- ``Location``: an institution mnemonic; ``Undetermined`` is none; a wild place
  (``Viet Nam / ~``) is the institution ``WILD`` with the place in the event's notes.
- ``Current Status``: living, dead, released, undetermined (LTF). The events decide; a status
  of released or LTF that no event records is kept as the ``status`` attribute, the rule of
  :func:`studbook.status.recorded_exit`.

The birth date is the Birth/Hatch event's date, the death date the Death event's. Events go
through :func:`studbook.foreign.translate_moves` as SPARKS moves do.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Protocol

from studbook.csvformat import decode_lines, read_bytes, table_from_text
from studbook.dates import DatePrecision, PartialDate
from studbook.errors import Problem
from studbook.events import EventCode, EventRecord, parse_event_code
from studbook.foreign import (
    ForeignStudbook,
    count_wild_founders,
    date_covering,
    join_notes,
    move_notes,
    translate_moves,
)
from studbook.institutions import InstitutionRecord
from studbook.interpret import detect_separator
from studbook.parents import UNKNOWN, WILD, ParentKind, ParentSpec
from studbook.present import counted
from studbook.records import (
    AnimalRecord,
    BirthType,
    parse_birth_type,
    parse_sex,
    probability_problem,
)

__all__ = ["ZIMS_COLUMNS", "parse_zims_date", "parse_zims_parent", "read_zims"]

ZIMS_COLUMNS = (
    "studbook id", "current location", "current local id", "sex type", "current status",
    "sire", "dam", "birth type", "event type", "date", "location",
)  # fmt: skip
_REQUIRED = ("studbook id", "sex type", "sire", "dam", "event type", "date", "location")
_ANIMAL_COLUMNS = (
    "current location", "current local id", "sex type", "current status", "sire", "dam",
    "birth type", "gan", "house name",
)  # fmt: skip
_EVENTS = {
    "birth/hatch": EventCode.BIRTH,
    "wild capture": EventCode.CAPTURE,
    "transfer": EventCode.TRANSFER,
    "death": EventCode.DEATH,
    "go ltf": EventCode.LTF,
    "return from ltf": EventCode.TRANSFER,
    "release": EventCode.RELEASE,
}
_STATUS = {"living": "living", "dead": "dead", "released": "released", "undetermined": "LTF"}
_STATUS.update({"ltf": "LTF", "undetermined (ltf)": "LTF"})
_UNDETERMINED = "undetermined"
_WILD_PLACE = "WILD"
_DAY = r"(\d{1,2}/[A-Za-z]{3}/\d{4})"
_PLUS_MINUS = re.compile(_DAY + r"\s*\+/-\s*(\d+)\s*(day|week|month|year)s?$", re.IGNORECASE)
_FROM_TO = re.compile(r"~\s*from\s+" + _DAY + r"\s+to\s+" + _DAY + "$", re.IGNORECASE)
_MULT = re.compile(r"^MULT\d*\s*:?\s*(.*)$", re.IGNORECASE)
_CANDIDATE = re.compile(r"^([A-Za-z0-9._/-]+)\s*(?:\(?\s*(\d+(?:\.\d+)?)\s*(%?)\s*\)?)?$")


def _day(text: str) -> date:
    try:
        return datetime.strptime(text, "%d/%b/%Y").date()
    except ValueError:
        raise ValueError(f"{text!r} is not a ZIMS date (DD/Mon/YYYY)") from None


def _shift(day: date, n: int, unit: str) -> tuple[date, date]:
    """The range ``day +/- n unit``."""
    if unit in ("day", "week"):
        delta = timedelta(days=n * (7 if unit == "week" else 1))
        return day - delta, day + delta
    months = n * (12 if unit == "year" else 1)
    index = day.year * 12 + day.month - 1

    def at(k: int) -> date:
        year, month = divmod(k, 12)
        return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))

    return at(index - months), at(index + months)


def parse_zims_date(text: str) -> tuple[PartialDate | None, bool]:
    """A ZIMS date as a studbook date, and whether the precision covers the estimate.

    Raises ``ValueError`` for anything else.

    >>> [str(parse_zims_date(t)[0]) for t in ("01/Mar/1985", "~ from 24/Dec/2022 to 26/Dec/2022")]
    ['1985-03-01', '2022-12']
    >>> parse_zims_date("01/Mar/1985 +/- 6 month")[1], parse_zims_date("Undetermined")
    (False, (None, True))
    """
    text = " ".join(text.split())
    if not text or text.lower() == _UNDETERMINED:
        return None, True
    match = _PLUS_MINUS.match(text)
    if match:
        first, last = _shift(_day(match[1]), int(match[2]), match[3].lower())
        return date_covering(first, last)
    match = _FROM_TO.match(text)
    if match:
        return date_covering(_day(match[1]), _day(match[2]))
    return PartialDate(_day(text)), True


def parse_zims_parent(text: str) -> ParentSpec:
    """A ZIMS parent cell; raises ``ValueError`` for a malformed MULT cell.

    >>> parse_zims_parent("MULT1: 1021 (60%), 1034 (40%)").candidates
    (('1021', 0.6), ('1034', 0.4))
    >>> parse_zims_parent("UND").kind.value, parse_zims_parent("WILD").kind.value
    ('unknown', 'wild')
    """
    cell = text.strip()
    token = cell.upper()
    if token in ("", "UND", "UNK", "0"):
        return UNKNOWN
    if token == "WILD":
        return WILD
    match = _MULT.match(cell)
    if match is None:
        return ParentSpec.known(cell)
    parts = [p.strip() for p in re.split(r"[,;]", match[1]) if p.strip()]
    if len(parts) < 2:
        raise ValueError(
            f"{cell!r}: a MULT parent needs its candidates; export with the parent field "
            "expanded (MULT1: 1021 (50%), 1034 (50%))"
        )
    candidates: list[tuple[str, float | None]] = []
    for part in parts:
        found = _CANDIDATE.match(part)
        if found is None:
            raise ValueError(f"{part!r} in {cell!r} is not a candidate id with a probability")
        value = float(found[2]) if found[2] else None
        if value is not None and (found[3] or value > 1):
            value /= 100
        candidates.append((found[1], value))
    given = [p for _, p in candidates if p is not None]
    if given and len(given) != len(candidates):
        raise ValueError(f"give a probability for every candidate or for none in {cell!r}")
    share = 1 / len(candidates)
    spec = ParentSpec(ParentKind.MULT, tuple((c, share if p is None else p) for c, p in candidates))
    message = probability_problem(spec)
    if message:
        raise ValueError(f"{cell!r}: {message}")
    return spec


class _Bad(Protocol):
    def __call__(self, name: str, message: str) -> None: ...


@dataclass
class _Animal:
    record: AnimalRecord
    cells: dict[str, str]
    status: str = ""


def read_zims(path: str | Path) -> ForeignStudbook:
    """Read a ZIMS publication export (see the module docstring).

    Raises :class:`ImportValidationError` for a file that cannot be read or lacks a column;
    problems of single cells (file, line, column) are in ``problems``.
    """
    path = Path(path)
    source = str(path)
    text = decode_lines(read_bytes(path), source)
    separator = detect_separator(text.split("\n", 1)[0])
    table = table_from_text(text, source, _REQUIRED, separator)
    reading = ForeignStudbook(source, "zims")
    problems = reading.problems
    animals: dict[str, _Animal] = {}
    events: dict[str, list[EventRecord]] = {}
    wide = 0
    current: _Animal | None = None
    cols = table.columns
    empty = [""] * len(table)

    def cell(name: str, k: int) -> str:
        return cols.get(name, empty)[k]

    for k, line in enumerate(table.lines):

        def bad(name: str, message: str, line: int = line) -> None:
            problems.append(Problem(source, line, name, message))

        animal_id = cell("studbook id", k)
        if animal_id:
            current = animals.get(animal_id)
            if current is None:
                current = _animal(animal_id, {c: cell(c, k) for c in _ANIMAL_COLUMNS}, line, bad)
                animals[animal_id] = current
            else:
                for name in _ANIMAL_COLUMNS:
                    given = cell(name, k)
                    if given and current.cells.get(name) and given != current.cells[name]:
                        bad(name, f"{given!r} differs from {current.cells[name]!r} above")
        elif current is None:
            bad("studbook id", "the first row names no animal")
            continue
        try:
            when, covered = parse_zims_date(cell("date", k))
            wide += not covered
        except ValueError as exc:
            bad("date", str(exc))
            when = None
        kind = cell("event type", k)
        code = _EVENTS.get(" ".join(kind.lower().split()))
        if code is None:
            try:
                code = parse_event_code(kind)
            except ValueError as exc:
                bad("event type", str(exc))
                continue
        place = cell("location", k)
        notes = "return from LTF" if kind.lower().startswith("return") else ""
        if place.lower() == _UNDETERMINED:
            place = ""
        elif "/" in place:  # a wild place, "Viet Nam / ~"
            notes = join_notes(notes, f"in the wild: {place}")
            place = _WILD_PLACE
        events.setdefault(current.record.id, []).append(
            EventRecord(
                current.record.id, when, code, place, cell("local id", k), notes=notes, line=line
            )
        )
    translated: Counter[str] = Counter()
    for animal_id, animal_events in events.items():
        events[animal_id] = translate_moves(animal_events, translated)
        _dates_from_events(animals[animal_id], events[animal_id])
    reading.records = [a.record for a in animals.values()]
    reading.events = sorted((e for es in events.values() for e in es), key=lambda e: e.line or 0)
    places = dict.fromkeys(
        [r.location for r in reading.records if r.location]
        + [e.institution for e in reading.events if e.institution]
    )
    reading.institutions = [InstitutionRecord(p) for p in places]
    _summarise(reading, translated, wide)
    return reading


def _animal(animal_id: str, cells: dict[str, str], line: int, bad: _Bad) -> _Animal:
    """An animal from the animal columns of its first row."""
    record = AnimalRecord(id=animal_id, line=line, location=cells["current location"])
    if record.location.lower() == _UNDETERMINED:
        record.location = ""
    for name in ("sire", "dam"):
        try:
            setattr(record, name, parse_zims_parent(cells[name]))
        except ValueError as exc:
            bad(name, str(exc))
    sex = cells["sex type"]
    try:
        record.sex = "U" if sex.lower() == _UNDETERMINED else parse_sex(sex)
    except ValueError as exc:
        bad("sex type", str(exc))
    birth = cells["birth type"]
    try:
        record.birth_type = (
            BirthType.UNKNOWN if birth.lower() == _UNDETERMINED else parse_birth_type(birth)
        )
    except ValueError as exc:
        bad("birth type", str(exc))
    status = " ".join(cells["current status"].lower().split())
    animal = _Animal(record, cells)
    if status and status not in _STATUS:
        bad("current status", f"{status!r} is not living, dead, released or undetermined")
    else:
        animal.status = _STATUS.get(status, "")
    record.alive = {"living": True, "dead": False}.get(animal.status)
    for name, attribute in (("current local id", "local_id"), ("gan", "gan")):
        if cells.get(name):
            record.extra[attribute] = cells[name]
    record.house_name = cells.get("house name", "")
    return animal


def _dates_from_events(animal: _Animal, events: list[EventRecord]) -> None:
    """Birth and death dates from the events; a released or LTF status no event records."""
    record = animal.record
    for event in events:
        if event.event is EventCode.BIRTH and record.birth_date is None:
            record.birth_date = event.date
        if event.event is EventCode.DEATH and record.death_date is None:
            record.death_date = event.date
    exits = {e.event for e in events} & {EventCode.RELEASE, EventCode.LTF}
    if animal.status in ("released", "LTF") and not exits:
        record.extra["status"] = animal.status


def _summarise(reading: ForeignStudbook, translated: Counter[str], wide: int) -> None:
    records, events = reading.records, reading.events
    codes = Counter(e.event for e in events)
    reading.counts.update(
        {
            "animals": len(records),
            "wild founders": count_wild_founders(records),
            "unknown (UND) parents": sum(
                1 for r in records for s in (r.sire, r.dam) if s.kind is ParentKind.UNKNOWN
            ),
            "MULT parents": sum(
                1 for r in records for s in (r.sire, r.dam) if s.kind is ParentKind.MULT
            ),
            "events": len(events),
            "releases": codes[EventCode.RELEASE],
            "deaths": codes[EventCode.DEATH],
            "estimated dates": sum(
                1
                for e in events
                if e.date is not None and e.date.precision is not DatePrecision.EXACT
            ),
            "undated events": sum(1 for e in events if e.date is None),
        }
    )
    for n, words in move_notes(translated):
        reading.note(n, words)
    reading.note(
        wide,
        f"{counted(wide, 'estimated date', verb='spans')} more than a calendar year: "
        "kept as the year of their middle",
    )
    kept = sum(1 for r in records if "status" in r.extra)
    reading.note(
        kept,
        f"{counted(kept, 'animal')} released or lost to follow-up by Current Status with no such "
        "event: kept as their status attribute (gone on every date)",
    )
    wild = sum(1 for e in events if e.institution == _WILD_PLACE)
    at_wild = f"{counted(wild, 'event')} at a wild place"
    reading.note(wild, f"{at_wild}: institution {_WILD_PLACE}, place in notes")
