"""The events file: what happened to each animal, when and where (PopLink's event codes).

A UTF-8 CSV with the columns ``id,date,event,institution,local_id`` and optionally
``cause,notes``, one event per row:

- ``id``: the studbook id of the animal;
- ``date``: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (an estimate is fine; empty is not);
- ``event``: one of the codes below (case-insensitive; spaces and hyphens count as ``_``);
- ``institution``: the mnemonic of the institution the animal arrives at (required for
  arrivals: birth, capture, transfer, loan) or where the event happened;
- ``local_id``: the animal's number at that institution;
- ``cause``: the cause of death (death events); ``notes``: free text.

=======================  =========================================================
code                     accepted spellings
=======================  =========================================================
``birth``                birth, hatch, born
``capture``              capture, wild_capture
``transfer``             transfer
``loan``                 loan, loan_to
``death``                death, died
``release``              release, release_to_wild
``ltf``                  ltf, go_ltf, lost_to_follow_up
``contraception_start``  contraception_start, contraception, contra_start
``contraception_stop``   contraception_stop, contraception_end, contra_stop
=======================  =========================================================

Stays (:func:`location_history`): the events of one animal are put in time order (see
:func:`event_sort_key`); each arrival (birth, capture, transfer, loan) starts a stay at its
institution and ends the stay before it; death, release and LTF end the open stay. An arrival at
the institution the animal is already at continues that stay. A loan is a stay *on loan*: the
institution of the last non-loan arrival stays the animal's home, and a loan back there (or
any transfer) ends the loan.

Two stays **overlap** (an error in :func:`validate_events`) when

1. two arrivals at different institutions carry the same exact date (the animal would be in two
   places that day; with the same *estimated* month or year it is only a warning, as the file
   order may well be right), or
2. a loan to a third institution is recorded while the animal is still on loan elsewhere,
   without a return home or a transfer in between.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Protocol

from studbook.csvformat import StudbookTable, read_table
from studbook.dates import DatePrecision, PartialDate, parse_partial_date
from studbook.errors import Problem, Severity
from studbook.limits import (
    CAUSE_LENGTH,
    LOCAL_ID_LENGTH,
    MNEMONIC_LENGTH,
    NOTES_LENGTH,
    text_problem,
)
from studbook.records import AnimalRecord
from studbook.validation import future_problem

__all__ = [
    "ARRIVALS",
    "EVENT_COLUMNS",
    "EVENT_SPELLINGS",
    "EXITS",
    "EventCode",
    "EventRecord",
    "Stay",
    "event_sort_key",
    "events_from_table",
    "location_history",
    "parse_event_code",
    "read_events",
    "validate_events",
]

EVENT_COLUMNS = ("id", "date", "event", "institution", "local_id")
"""Required columns; ``cause`` and ``notes`` are optional."""


class EventCode(Enum):
    """PopLink's event (transaction) codes."""

    BIRTH = "birth"
    CAPTURE = "capture"
    TRANSFER = "transfer"
    LOAN = "loan"
    DEATH = "death"
    RELEASE = "release"
    LTF = "ltf"
    CONTRACEPTION_START = "contraception_start"
    CONTRACEPTION_STOP = "contraception_stop"


EVENT_SPELLINGS: Mapping[str, EventCode] = {
    "birth": EventCode.BIRTH,
    "hatch": EventCode.BIRTH,
    "born": EventCode.BIRTH,
    "capture": EventCode.CAPTURE,
    "wild_capture": EventCode.CAPTURE,
    "transfer": EventCode.TRANSFER,
    "loan": EventCode.LOAN,
    "loan_to": EventCode.LOAN,
    "death": EventCode.DEATH,
    "died": EventCode.DEATH,
    "release": EventCode.RELEASE,
    "release_to_wild": EventCode.RELEASE,
    "ltf": EventCode.LTF,
    "go_ltf": EventCode.LTF,
    "lost_to_follow_up": EventCode.LTF,
    "contraception_start": EventCode.CONTRACEPTION_START,
    "contraception": EventCode.CONTRACEPTION_START,
    "contra_start": EventCode.CONTRACEPTION_START,
    "contraception_stop": EventCode.CONTRACEPTION_STOP,
    "contraception_end": EventCode.CONTRACEPTION_STOP,
    "contra_stop": EventCode.CONTRACEPTION_STOP,
}
"""Every accepted spelling (after lower-casing and turning spaces and hyphens into ``_``)."""

ARRIVALS = frozenset({EventCode.BIRTH, EventCode.CAPTURE, EventCode.TRANSFER, EventCode.LOAN})
EXITS = frozenset({EventCode.DEATH, EventCode.RELEASE, EventCode.LTF})
# tuples: membership tests by identity, without hashing the enum in Python
_ARRIVALS = tuple(ARRIVALS)
_EXITS = tuple(EXITS)


def parse_event_code(text: str) -> EventCode:
    """The :class:`EventCode` for one of the :data:`EVENT_SPELLINGS`.

    Raises ``ValueError`` listing the codes for anything else.

    >>> parse_event_code("Go LTF")
    <EventCode.LTF: 'ltf'>
    >>> parse_event_code("hatch").value
    'birth'
    """
    key = "_".join(text.strip().lower().replace("-", " ").split())
    try:
        return EVENT_SPELLINGS[key]
    except KeyError:
        codes = ", ".join(code.value for code in EventCode)
        raise ValueError(f"{text!r} is not an event code (use one of {codes})") from None


@dataclass(slots=True)
class EventRecord:
    """One row of an events file. ``date`` and ``event`` are None when their cell was bad."""

    animal_id: str
    date: PartialDate | None
    event: EventCode | None
    institution: str = ""
    local_id: str = ""
    cause: str = ""
    notes: str = ""
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Stay:
    """A period an animal spent at one institution.

    ``end`` is None while the stay is open (the animal is still there, as far as the events
    say); ``ended_by`` is the event that closed it (an arrival elsewhere, death, release, LTF).
    ``on_loan`` marks a stay on loan away from the animal's home institution.
    """

    institution: str
    start: PartialDate | None
    end: PartialDate | None
    local_id: str = ""
    on_loan: bool = False
    ended_by: EventCode | None = None


def events_from_table(table: StudbookTable) -> tuple[list[EventRecord], list[Problem]]:
    """Turn every row into an :class:`EventRecord`; collect one :class:`Problem` per bad cell.

    Bad cells: an empty id, an empty or malformed date, an unknown event code, an arrival
    without an institution. Rows with a bad cell are still returned (see :class:`EventRecord`).
    """
    source = table.source
    empty = [""] * len(table)
    cols = {name: table.columns.get(name, empty) for name in (*EVENT_COLUMNS, "cause", "notes")}
    events: list[EventRecord] = []
    problems: list[Problem] = []
    for k, line in enumerate(table.lines):
        event = EventRecord(
            animal_id=cols["id"][k],
            date=None,
            event=None,
            institution=cols["institution"][k],
            local_id=cols["local_id"][k],
            cause=cols["cause"][k],
            notes=cols["notes"][k],
            line=line,
        )

        def bad(field: str, message: str, line: int = line) -> None:
            problems.append(Problem(source, line, field, message))

        if not event.animal_id:
            bad("id", "studbook id is empty")
        try:
            event.date = parse_partial_date(cols["date"][k])
            if event.date is None:
                bad("date", "date is empty; give YYYY-MM-DD, YYYY-MM or YYYY (estimates are fine)")
        except ValueError as exc:
            bad("date", str(exc))
        try:
            event.event = parse_event_code(cols["event"][k])
        except ValueError as exc:
            bad("event", str(exc))
        if event.event in _ARRIVALS and not event.institution:
            assert event.event is not None
            bad(
                "institution",
                f"a {event.event.value} needs the institution the animal arrives at",
            )
        events.append(event)
    return events, problems


def read_events(path: str | Path) -> tuple[list[EventRecord], list[Problem]]:
    """Read an events file: the events and the problems of single cells.

    Raises :class:`~studbook.errors.ImportValidationError` when the file cannot be read, is not
    UTF-8 or lacks a column. Check the events against the animals with :func:`validate_events`.
    """
    return events_from_table(read_table(path, required=EVENT_COLUMNS))


def event_sort_key(event: EventRecord) -> tuple[date, int]:
    """Time order for one animal's events, ties broken by file line.

    An estimated date counts from the start of its period, except for death, release and LTF,
    which count from its end: born "1995" and moved 1995-03-01 puts the birth first, moved
    2000-05-03 and died "2000" puts the death last. Undated births and captures come first,
    other undated events last.
    """
    line = event.line or 0
    if event.date is None:
        first = event.event in (EventCode.BIRTH, EventCode.CAPTURE)
        return (date.min if first else date.max), line
    return (event.date.latest if event.event in _EXITS else event.date.earliest), line


def _by_animal(events: Iterable[EventRecord]) -> dict[str, list[EventRecord]]:
    grouped: dict[str, list[EventRecord]] = {}
    for event in events:
        grouped.setdefault(event.animal_id, []).append(event)
    for animal_events in grouped.values():
        animal_events.sort(key=event_sort_key)
    return grouped


def location_history(events: Iterable[EventRecord]) -> dict[str, list[Stay]]:
    """Each animal's stays in time order, derived from its events (see the module docstring).

    Events with a bad event code are skipped; animals without arrivals get an empty list.

    >>> from studbook.dates import parse_partial_date as d
    >>> events = [
    ...     EventRecord("1", d("1995-07-13"), EventCode.BIRTH, "TALLINN", "A1"),
    ...     EventRecord("1", d("1997-02-01"), EventCode.TRANSFER, "HELSINKI", "H7"),
    ...     EventRecord("1", d("2010"), EventCode.DEATH, "HELSINKI"),
    ... ]
    >>> [(s.institution, str(s.start), str(s.end)) for s in location_history(events)["1"]]
    [('TALLINN', '1995-07-13', '1997-02-01'), ('HELSINKI', '1997-02-01', '2010')]
    """
    history: dict[str, list[Stay]] = {}
    for animal_id, animal_events in _by_animal(events).items():
        stays: list[Stay] = []
        home = ""
        here: EventRecord | None = None  # the arrival that opened the current stay
        local_id, on_loan = "", False
        for event in animal_events:
            code = event.event
            if code in _ARRIVALS:
                loan = code is EventCode.LOAN and event.institution != home
                if not loan:
                    home = event.institution
                if here is not None and here.institution == event.institution:
                    local_id, on_loan = event.local_id or local_id, loan
                    continue
                if here is not None:
                    stays.append(
                        Stay(here.institution, here.date, event.date, local_id, on_loan, code)
                    )
                here, local_id, on_loan = event, event.local_id, loan
            elif code in _EXITS and here is not None:
                stays.append(Stay(here.institution, here.date, event.date, local_id, on_loan, code))
                here = None
        if here is not None:
            stays.append(Stay(here.institution, here.date, None, local_id, on_loan))
        history[animal_id] = stays
    return history


def validate_events(
    events: Sequence[EventRecord],
    animals: Mapping[str, AnimalRecord],
    source: str,
    institutions: Collection[str] | None = None,
) -> list[Problem]:
    """Check events against the animals and each other; return every finding sorted by line.

    Parameters
    ----------
    events : as :func:`events_from_table` returns them.
    animals : every animal the events may refer to (the file being imported and the
        database), keyed by studbook id.
    source : the events file name used in every :class:`Problem`.
    institutions : the known institution mnemonics; when given, events at any other
        institution are errors.

    Errors: a control character or an over-long text cell (:mod:`studbook.limits`); a date in
    the future; a death event for an animal recorded ``alive=1``; an unknown animal or
    institution; an event surely before the animal's birth date or surely after its death (the
    ``death_date`` or a death event); a birth or death event whose date cannot be the recorded
    ``birth_date``/``death_date``; a second death event;
    overlapping stays (module docstring); events after a release other than a capture (back
    into captivity) or death; a contraception stop without a start. Warnings: events after
    LTF other than death (the animal was found again: check the LTF); a contraception start
    while contraception is already on; arrivals at two institutions in the same estimated
    month or year.
    """
    problems: list[Problem] = []

    def report(event: EventRecord, field: str, message: str, severity: Severity = "error") -> None:
        problems.append(Problem(source, event.line, field, message, severity))

    for event in events:
        for field, message in _text_problems(event):
            report(event, field, message)
        future = future_problem(event.date, "event date")
        if future:
            report(event, "date", future)
        if event.animal_id and event.animal_id not in animals:
            report(event, "id", f"animal {event.animal_id!r} is not in the studbook")
        if institutions is not None and event.institution and event.institution not in institutions:
            report(
                event,
                "institution",
                f"institution {event.institution!r} is not in the institutions list",
            )
    for animal_id, animal_events in _by_animal(events).items():
        animal = animals.get(animal_id)
        if animal is not None:
            _check_against_record(animal, animal_events, report)
        _check_sequence(animal_events, report)
    return sorted(problems, key=lambda p: p.line if p.line is not None else 0)


def _text_problems(event: EventRecord) -> Iterator[tuple[str, str]]:
    """(field, message) for each text cell of ``event`` that cannot be stored
    (:mod:`studbook.limits`); the id is checked where the animal is."""
    for field, text, limit in (
        ("institution", event.institution, MNEMONIC_LENGTH),
        ("local_id", event.local_id, LOCAL_ID_LENGTH),
        ("cause", event.cause, CAUSE_LENGTH),
        ("notes", event.notes, NOTES_LENGTH),
    ):
        message = text_problem(text, limit, field.replace("_", " "))
        if message:
            yield field, message


class _Report(Protocol):
    def __call__(
        self, event: EventRecord, field: str, message: str, severity: Severity = "error"
    ) -> None: ...


def _line(event: EventRecord) -> str:
    return f"line {event.line}" if event.line is not None else "another event"


def _check_against_record(
    animal: AnimalRecord, events: Sequence[EventRecord], report: _Report
) -> None:
    """Event dates against the animal's birth and death dates (and death events)."""
    born = animal.birth_date
    deaths = [e for e in events if e.event is EventCode.DEATH and e.date is not None]
    died = animal.death_date
    died_where = "its death_date"
    first_death = deaths[0].date if deaths else None
    if first_death is not None and (died is None or first_death.surely_before(died)):
        died, died_where = first_death, f"its death event ({_line(deaths[0])})"
    for event in events:
        when = event.date
        if when is None or event.event is None:
            continue
        code = event.event.value
        if event.event is EventCode.BIRTH and born is not None:
            if when.surely_before(born) or born.surely_before(when):
                report(event, "date", f"birth event on {when}, but the birth date is {born}")
            continue
        if born is not None and when.surely_before(born):
            report(event, "date", f"{code} on {when} is before the animal's birth ({born})")
        if event.event is EventCode.DEATH:
            if event is deaths[0] and animal.alive:
                report(
                    event,
                    "event",
                    f"death on {when}, but the animal's record says alive=1; "
                    "correct the record or the event",
                )
            if event is not deaths[0]:
                report(event, "event", f"a second death event (the first is on {_line(deaths[0])})")
            elif animal.death_date is not None and (
                when.surely_before(animal.death_date) or animal.death_date.surely_before(when)
            ):
                report(
                    event,
                    "date",
                    f"death event on {when}, but the death date is {animal.death_date}",
                )
            continue
        if died is not None and died.surely_before(when):
            message = f"{code} on {when} is after the animal's death ({died}, {died_where})"
            report(event, "date", message)


def _check_sequence(events: Sequence[EventRecord], report: _Report) -> None:
    """Stays, releases, LTF and contraception, walking one animal's events in time order."""
    home = ""
    stay: EventRecord | None = None  # the arrival that started the open stay
    left: EventRecord | None = None  # the release or LTF the animal has not come back from
    contraception: EventRecord | None = None
    for event in events:
        code = event.event
        if code is None or code is EventCode.DEATH:
            continue
        if left is not None and left.event is EventCode.RELEASE and code is not EventCode.CAPTURE:
            report(
                event,
                "event",
                f"{code.value} after the release to the wild on {left.date} ({_line(left)}); "
                "record a capture first",
            )
            continue
        if left is not None and left.event is EventCode.LTF:
            report(
                event,
                "event",
                f"{code.value} after the animal went lost to follow-up on {left.date} "
                f"({_line(left)}); if it was found again, check the LTF event",
                "warning",
            )
            left = None
        if code in _ARRIVALS:
            _check_arrival(event, stay, home, report)
            if code is not EventCode.LOAN or event.institution == home:
                home = event.institution
            stay, left = event, None
        elif code in _EXITS:
            stay, left = None, event
        elif code is EventCode.CONTRACEPTION_START:
            if contraception is not None:
                report(
                    event,
                    "event",
                    f"contraception started again; it is already on since {contraception.date} "
                    f"({_line(contraception)})",
                    "warning",
                )
            else:
                contraception = event
        elif code is EventCode.CONTRACEPTION_STOP:
            if contraception is None:
                report(event, "event", "contraception stopped but never started")
            contraception = None


def _check_arrival(
    event: EventRecord, stay: EventRecord | None, home: str, report: _Report
) -> None:
    """Whether arriving at ``event.institution`` overlaps the open ``stay``."""
    if stay is None or stay.institution == event.institution:
        return
    assert event.event is not None
    if stay.date is not None and stay.date == event.date:
        exact = stay.date.precision is DatePrecision.EXACT
        report(
            event,
            "institution",
            f"overlapping stays: {event.event.value} to {event.institution!r} on {event.date}, "
            f"the same {'day' if exact else 'estimated period'} as the arrival at "
            f"{stay.institution!r} ({_line(stay)})"
            + ("" if exact else "; the file order is assumed"),
            "error" if exact else "warning",
        )
    elif (
        event.event is EventCode.LOAN
        and stay.event is EventCode.LOAN
        and stay.institution != home
        and event.institution != home
    ):
        report(
            event,
            "institution",
            f"overlapping stays: loan to {event.institution!r} on {event.date} while still on "
            f"loan at {stay.institution!r} since {stay.date} ({_line(stay)}); record the "
            f"return to {home or 'its home institution'!r} or a transfer first",
        )
