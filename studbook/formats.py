"""Reading a studbook in any foreign format, and the corrections a coordinator adds on the way.

:func:`read_foreign` picks the reader for a format (:data:`studbook.foreign.FORMATS`);
:func:`apply_corrections` applies ``--correct ID:FIELD=VALUE`` options to what was read, so a
mistake in a file another program wrote (a dam recorded dead decades before her chick hatched)
can be put right, visibly, without editing that file. Each correction is read by the same
parser as a CSV cell (:mod:`studbook.records`) and listed in the reading's notes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from studbook.dates import parse_partial_date
from studbook.errors import ImportValidationError, Problem
from studbook.foreign import ForeignStudbook, StudbookFormat
from studbook.parents import parse_parent
from studbook.records import parse_sex

__all__ = ["CORRECTABLE", "apply_corrections", "read_foreign"]

CORRECTABLE: dict[str, Callable[[str], Any]] = {
    "sire": parse_parent,
    "dam": parse_parent,
    "sex": parse_sex,
    "birth_date": parse_partial_date,
    "death_date": parse_partial_date,
}
"""The fields ``--correct`` may set, with the parser of each (the CSV cell's)."""


def read_foreign(
    path: str | Path, fmt: StudbookFormat, events: str | Path | None = None
) -> ForeignStudbook:
    """Read ``path`` as ``fmt`` (not ``csv``); ``events`` is SPARKS's ``MOVES.DBF`` when not
    beside the exchange file."""
    if fmt == "sparks":
        from studbook.sparks import read_sparks

        return read_sparks(path, events)
    if fmt == "zims":
        from studbook.zims import read_zims

        return read_zims(path)
    if fmt == "pmx":
        from studbook.pmx import read_pmx

        return read_pmx(path)
    raise ValueError(f"{fmt!r} is not a foreign studbook format")


def apply_corrections(reading: ForeignStudbook, items: Sequence[str]) -> None:
    """Apply ``ID:FIELD=VALUE`` corrections to ``reading``'s records, noting each one.

    Raises :class:`ImportValidationError` (source ``--correct``) for a malformed option, an
    animal that is not in the file, a field that cannot be corrected or a value its parser
    refuses.

    >>> from studbook.foreign import ForeignStudbook
    >>> from studbook.records import AnimalRecord
    >>> reading = ForeignStudbook("x.dbf", "sparks", [AnimalRecord("808", sex="F")])
    >>> apply_corrections(reading, ["808:dam=UNK"])
    >>> reading.records[0].dam.kind.value, reading.notes
    ('unknown', ['--correct 808:dam=UNK (was UNK)'])
    """
    by_id = {r.id: r for r in reading.records}
    problems = []
    for item in items:
        head, sep, value = item.partition("=")
        animal_id, colon, name = head.rpartition(":")
        name = name.strip().lower()
        if not sep or not colon or not animal_id:
            problems.append(Problem("--correct", None, item, "write --correct ID:FIELD=VALUE"))
            continue
        if name not in CORRECTABLE:
            fields = ", ".join(CORRECTABLE)
            problems.append(Problem("--correct", None, item, f"{name!r} is not one of {fields}"))
            continue
        record = by_id.get(animal_id.strip())
        if record is None:
            problems.append(
                Problem("--correct", None, item, f"animal {animal_id!r} is not in the file")
            )
            continue
        try:
            parsed = CORRECTABLE[name](value)
        except ValueError as exc:
            problems.append(Problem("--correct", None, item, str(exc)))
            continue
        before = getattr(record, name)
        shown = before if isinstance(before, str) else _cell(before)
        setattr(record, name, parsed)
        reading.notes.append(f"--correct {item} (was {shown})")
    if problems:
        raise ImportValidationError(problems)


def _cell(value: object) -> str:
    """A field's value as its CSV cell, for the note of a correction."""
    from studbook.parents import ParentSpec, format_parent

    if isinstance(value, ParentSpec):
        return format_parent(value)
    return "" if value is None else str(value)
