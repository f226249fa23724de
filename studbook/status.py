"""Who is living on a date, how old an animal is, where it was, and the order of studbook ids.

These are the rules every front end (command line, terminal UI, exporters, analyses) asks; each
is written here once.

Dates
-----
A date known only to the month or the year counts as the **first day of its period**, for
status and age alike (the value :class:`~studbook.dates.PartialDate` stores, and what a
:class:`~studbook.pedigree.Pedigree` keeps). A death recorded as "2003-07" has happened on
2003-07-01; a cub born "2019" is one day old on 2019-01-02. Events of one animal are put in time
order by :func:`studbook.events.event_sort_key`.

Status on a date
----------------
:func:`status_on` gives ``living``, ``dead``, ``released``, ``LTF`` (lost to follow-up) or, on a
date before the birth date, ``unborn``. The animal's events dated on or before the date decide,
the last one in time order winning: a birth or an arrival (capture, transfer, loan) makes it
``living`` (a capture brings a released animal back into captivity, an arrival after LTF means
it was found again); a death, a release or LTF make it ``dead``, ``released``, ``LTF``. The
record's ``death_date`` counts as a death event when there is none. Before any such event the
animal is living from its birth date on (an unknown birth date counts as born).

One exception: an animal recorded not alive with neither a death date nor a death, release or
LTF event died at an unknown date and is ``dead`` on every date. Undated events count only for
the status *now* (``on=None``, the records as they stand, every event included).

*Living* (:func:`is_living`, the census, ``animals --living``, the reference population) means
status ``living`` and not a hypothetical placeholder.

Age
---
:func:`age_years`: years of 365.25 days from the first day of the birth date to the date, or to
the death if that came first; ``None`` (NaN in arrays) when the birth date is unknown.
:func:`whole_years` is the age in completed calendar years (what exporters such as Vortex
write): 0 until the first birthday. Neither is ever negative for an animal living on the date.

Location
--------
:func:`location_on`: the institution of the stay covering the date (stays from
:func:`studbook.events.location_history`, :func:`stay_on`), else the record's current location;
:func:`local_id_on`: the local id of that stay.

Studbook order and search
-------------------------
:func:`studbook_sort_key`: numeric ids by value (9 before 10), then other ids as text; ``"042"``
and ``"42"`` (two animals) are ordered by their text. :func:`found_by`: a search text finds the
animals whose id or house name contains it, in any case (the animals list, the UI's palette).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Literal

from studbook.dates import PartialDate
from studbook.errors import StudbookError
from studbook.events import ARRIVALS, EXITS, EventCode, EventRecord, Stay, event_sort_key
from studbook.records import AnimalRecord, parse_bool

if TYPE_CHECKING:
    # The column forms below take a pedigree's numpy arrays; the rules for one animal (what the
    # animals list and the census use) need neither, so numpy loads only when they are called.
    import numpy as np
    import numpy.typing as npt

    from studbook.pedigree import Pedigree

__all__ = [
    "DAYS_PER_YEAR",
    "LIVING_DEFINITION",
    "STATUSES",
    "Status",
    "age_years",
    "exit_now",
    "found_by",
    "is_living",
    "living_mask",
    "local_id_on",
    "location_on",
    "parse_status",
    "pedigree_ages",
    "recorded_exit",
    "recorded_exits",
    "status_on",
    "stay_on",
    "studbook_order",
    "studbook_sort_key",
    "whole_years",
]

Status = Literal["living", "dead", "released", "LTF", "unborn"]
STATUSES: tuple[Status, ...] = ("living", "dead", "released", "LTF")
"""An animal's status now: living, dead, released to the wild, or lost to follow-up."""

DAYS_PER_YEAR = 365.25

LIVING_DEFINITION = "alive, not released, not lost to follow-up, not hypothetical"
"""What *living* means, in words, for report headers (census, reference population)."""

_EXIT_STATUS: dict[EventCode, Status] = {
    EventCode.DEATH: "dead",
    EventCode.RELEASE: "released",
    EventCode.LTF: "LTF",
}


_NOT_CHANGES = tuple(set(EventCode) - ARRIVALS - EXITS)
_EXIT_CODES = tuple(EXITS)

_SPELLINGS: dict[str, Status] = {
    **dict.fromkeys(("RELEASED", "RELEASE", "REINTRODUCED"), "released"),
    **dict.fromkeys(("LTF", "GO LTF", "LOST", "LOST TO FOLLOW-UP", "LOST_TO_FOLLOWUP"), "LTF"),
}


def parse_status(cell: str) -> Status | None:
    """The status a pedigree CSV ``status`` cell names: ``released`` (RELEASED, RELEASE,
    REINTRODUCED) or ``LTF`` (LTF, GO LTF, LOST, LOST TO FOLLOW-UP, LOST_TO_FOLLOWUP), any case;
    None for anything else (the other columns decide).

    >>> parse_status(" go ltf"), parse_status("Reintroduced"), parse_status("alive")
    ('LTF', 'released', None)
    """
    return _SPELLINGS.get(cell.strip().upper())


_EXIT_COLUMNS: tuple[tuple[str, Status], ...] = (
    ("released", "released"),
    ("lost_to_followup", "LTF"),
)


def recorded_exit(columns: Mapping[str, str]) -> Status | None:
    """The exit a record's own columns name, with no date: ``released`` or ``LTF`` from a
    ``released`` or ``lost_to_followup`` yes/no column, or from a ``status`` word
    (:func:`parse_status`); None when they name none (or hold something else).

    Exports without events (the AZA loris file, many PMx files) say so in columns. With no
    date, the animal counts as gone on every date, as an animal recorded dead without a death
    date does; an exit event, when there is one, decides instead.

    >>> recorded_exit({"lost_to_followup": "1"}), recorded_exit({"status": "Reintroduced"})
    ('LTF', 'released')
    >>> recorded_exit({"released": "0", "status": "alive"}) is None
    True
    """
    for column, status in _EXIT_COLUMNS:
        cell = columns.get(column, "")
        try:
            said = parse_bool(cell)
        except ValueError:
            raise StudbookError(f"column {column!r}: {cell!r} is not yes/no (use 1 or 0)") from None
        if said:
            return status
    return parse_status(columns.get("status", ""))


def _took_effect(event: EventRecord, on: date | None) -> bool:
    if on is None:
        return True
    return event.date is not None and event.date.earliest <= on


def status_on(
    record: AnimalRecord, events: Sequence[EventRecord] = (), on: date | None = None
) -> Status:
    """The status of the animal on ``on`` (default: now), see the module docstring.

    ``events`` are the animal's own events (any order).

    >>> from studbook.dates import parse_partial_date as d
    >>> r = AnimalRecord("7", birth_date=d("2006-05-01"), alive=True)
    >>> gone = [EventRecord("7", d("2024-06"), EventCode.RELEASE, "TALLINN")]
    >>> [status_on(r, gone, on) for on in (None, date(2024, 5, 31), date(2000, 1, 1))]
    ['released', 'living', 'unborn']
    """
    changes = _changes(record, events)
    if changes is None:
        return "dead"  # died at an unknown date
    if not any(e.event in _EXIT_CODES for e in changes):
        left = recorded_exit(record.extra)
        if left is not None:
            return left  # left at an unknown date
    decided = [e for e in changes if _took_effect(e, on)]
    if decided:
        last = decided[-1].event
        assert last is not None
        return _EXIT_STATUS.get(last, "living")
    if on is not None and record.birth_date is not None and record.birth_date.earliest > on:
        return "unborn"
    return "living"


def _changes(
    record: AnimalRecord, events: Sequence[EventRecord], in_order: bool = False
) -> list[EventRecord] | None:
    """The animal's arrivals and exits in time order (the record's death date as a death when
    no death event is recorded); None when it died at an unknown date. ``in_order``: the
    events are already in :func:`~studbook.events.event_sort_key` order (a Studbook's are)."""
    # Tuple membership compares by identity in C; a frozenset of enums would call the Python
    # Enum.__hash__ for every event (life tables ask this of every animal of a studbook).
    changes = [e for e in events if e.event is not None and e.event not in _NOT_CHANGES]
    if record.death_date is not None:
        if EventCode.DEATH not in [e.event for e in changes]:
            changes.append(EventRecord(record.id, record.death_date, EventCode.DEATH, ""))
            in_order = False
    elif not record.is_living and not any(e.event in _EXIT_CODES for e in changes):
        return None
    if not in_order:
        changes.sort(key=event_sort_key)
    return changes


def exit_now(
    record: AnimalRecord, events: Sequence[EventRecord] = (), *, in_order: bool = False
) -> tuple[Status, PartialDate | None]:
    """The animal's status now and, when it has left the population, the date it left.

    The same rule as :func:`status_on` with ``on=None``: the last arrival or exit decides; the
    date is that exit's (None while living, for an animal that died at an unknown date, or for
    an undated exit). Life tables end an animal's time at risk there. ``in_order``: the
    events are already in time order (a :class:`~studbook.book.Studbook`'s), so they need no
    sorting.

    >>> from studbook.dates import parse_partial_date as d
    >>> r = AnimalRecord("7", birth_date=d("2006-05-01"), alive=True)
    >>> gone = [EventRecord("7", d("2024-06"), EventCode.RELEASE, "TALLINN")]
    >>> status, when = exit_now(r, gone)
    >>> status, str(when)
    ('released', '2024-06')
    """
    changes = _changes(record, events, in_order)
    if changes is None:
        return "dead", None
    if not changes:
        return "living", None
    last = changes[-1]
    assert last.event is not None
    status = _EXIT_STATUS.get(last.event, "living")
    return status, (last.date if status != "living" else None)


def is_living(
    record: AnimalRecord, events: Sequence[EventRecord] = (), on: date | None = None
) -> bool:
    """Living on ``on`` (default: now): status ``living`` and not hypothetical."""
    return not record.hypothetical and status_on(record, events, on) == "living"


def age_years(born: PartialDate | None, on: date, died: PartialDate | None = None) -> float | None:
    """Age in years of 365.25 days on ``on`` (or at death, if earlier); None if unknown.

    >>> from studbook.dates import parse_partial_date as d
    >>> age_years(d("2020-01-01"), date(2022, 1, 1)), age_years(None, date(2022, 1, 1))
    (2.001368925393566, None)
    >>> age_years(d("2020"), date(2030, 1, 1), died=d("2021-01"))
    1.002053388090349
    """
    if born is None:
        return None
    end = on if died is None else min(on, died.earliest)
    return (end - born.earliest).days / DAYS_PER_YEAR


def whole_years(born: PartialDate, on: date) -> int:
    """Completed calendar years from the first day of ``born`` to ``on`` (0 before then).

    >>> from studbook.dates import parse_partial_date as d
    >>> whole_years(d("2019"), date(2019, 3, 1)), whole_years(d("2016-03-01"), date(2019, 3, 1))
    (0, 3)
    """
    first = born.earliest
    years = on.year - first.year - ((on.month, on.day) < (first.month, first.day))
    return max(years, 0)


def stay_on(stays: Sequence[Stay], on: date | None = None) -> Stay | None:
    """The stay covering ``on`` (the last one that had started and not ended), or, with
    ``on=None``, the last stay if still open; ``None`` when there is none."""
    if on is None:
        return stays[-1] if stays and stays[-1].end is None else None
    for stay in reversed(stays):
        started = stay.start is None or stay.start.earliest <= on
        open_then = stay.end is None or stay.end.earliest > on
        if started and open_then:
            return stay
    return None


def location_on(record: AnimalRecord, stays: Sequence[Stay], on: date | None = None) -> str:
    """The institution holding the animal on ``on`` (default: now): the stay covering that
    date, else the record's current location."""
    stay = stay_on(stays, on) if on is not None else None
    return stay.institution if stay is not None else record.location


def local_id_on(record: AnimalRecord, stays: Sequence[Stay], on: date | None = None) -> str:
    """The animal's local id on ``on`` (default: now): that of the stay (:func:`stay_on`) at
    the institution :func:`location_on` names; ``''`` when no such stay records one."""
    where = location_on(record, stays, on)
    stay = stay_on(stays, on)
    return stay.local_id if stay is not None and stay.institution == where else ""


def studbook_sort_key(animal_id: str) -> tuple[int, int, str]:
    """Sort key for studbook order (module docstring).

    >>> sorted(["100", "42", "T12", "042", "9"], key=studbook_sort_key)
    ['9', '042', '42', '100', 'T12']
    """
    numeric = animal_id.isascii() and animal_id.isdigit()
    return (0, int(animal_id), animal_id) if numeric else (1, 0, animal_id)


def found_by(search: str, animal_id: str, house_name: str) -> bool:
    """Whether ``search`` finds the animal: part of its id or house name, in any case (an
    empty search finds every animal).

    >>> found_by("dar", "42", "Darla"), found_by("4", "42", ""), found_by("x", "42", "Darla")
    (True, True, False)
    """
    needle = search.casefold()
    return needle in animal_id.casefold() or needle in house_name.casefold()


def studbook_order(ids: Iterable[str]) -> npt.NDArray[np.int64]:
    """Rank of each id in studbook order (:func:`studbook_sort_key`).

    >>> studbook_order(["100", "42", "T12", "042"]).tolist()
    [2, 1, 3, 0]
    """
    import numpy as np

    keys = [studbook_sort_key(s) for s in ids]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    rank = np.empty(len(keys), np.int64)
    rank[order] = np.arange(len(keys))
    return rank


def living_mask(ped: Pedigree, on: np.datetime64) -> npt.NDArray[np.bool_]:
    """:func:`is_living` on ``on`` for every animal of a pedigree that has no events.

    The same rule on the pedigree's columns: born by then (unknown counts as born), no death
    date on or before it, recorded alive unless a later death date explains the record, and not
    hypothetical. A :class:`~studbook.book.Studbook` knows the events; use its
    :meth:`~studbook.book.Studbook.living_ids` instead.
    """
    import numpy as np

    born = np.isnat(ped.birth_date) | (ped.birth_date <= on)
    has_death = ~np.isnat(ped.death_date)
    dead_by_then = has_death & (ped.death_date <= on)
    mask: npt.NDArray[np.bool_] = born & ~dead_by_then & (ped.alive | has_death)
    exited: npt.NDArray[np.bool_] = recorded_exits(ped) != None  # noqa: E711 (elementwise)
    return mask & ~ped.hypothetical & ~exited


def recorded_exits(ped: Pedigree) -> npt.NDArray[np.object_]:
    """:func:`recorded_exit` of every animal of a pedigree, from its extra columns (``None``
    where they name no exit)."""
    import numpy as np

    names = [n for n in ("released", "lost_to_followup", "status") if n in ped.attributes]
    out = np.full(len(ped), None, object)
    if names:
        rows = list(zip(*(ped.attributes[n] for n in names), strict=True))
        verdict = {row: recorded_exit(dict(zip(names, row, strict=True))) for row in set(rows)}
        out[:] = [verdict[row] for row in rows]
    return out


def pedigree_ages(ped: Pedigree, on: np.datetime64) -> npt.NDArray[np.float64]:
    """:func:`age_years` on ``on`` of every animal of a pedigree (NaN when unknown).

    >>> import numpy as np
    >>> from studbook.pedigree import Pedigree
    >>> ped = Pedigree.from_cells(["a", "b"], ["", ""], ["", ""], birth_date=["2020-01-01", ""])
    >>> pedigree_ages(ped, np.datetime64("2022-01-01")).round(3).tolist()
    [2.001, nan]
    """
    import numpy as np

    end = np.where(np.isnat(ped.death_date), on, np.minimum(ped.death_date, on))
    days = (end - ped.birth_date).astype("timedelta64[D]").astype(np.float64)
    days[np.isnat(ped.birth_date)] = np.nan
    out: npt.NDArray[np.float64] = days / DAYS_PER_YEAR
    return out
