"""The assumptions CSV (``<studbook>_assumptions.csv``): named sets of pedigree assumptions.

One row per assumption or hypothetical animal, columns ``set,id,field,value,note``:

* ``field`` ``sire``, ``dam`` or ``birth_date``: assume ``value`` (a parent cell such as ``H1``
  or ``77``, or a date such as ``1994-06``) for that field of animal ``id``;
* ``field`` ``hypothetical``: ``id`` is a placeholder animal of the set and ``value`` its sex
  (``M``, ``F`` or ``U``);
* ``field`` ``set``: a note on the set itself (``id`` and ``value`` empty).

The file holds guesses, never the record: :mod:`studbook.assumptions` applies a set to copies.
:func:`read_assumption_file` checks every cell it can on its own (the rules between records
are checked when a set is applied, naming the animal and field) and :func:`write_assumption_file`
writes the sets back so that reading gives them again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from studbook.assumptions import (
    ASSUMABLE_FIELDS,
    Assumption,
    AssumptionSet,
    HypotheticalAnimal,
    set_name_problem,
)
from studbook.atomic import write_text_atomically
from studbook.errors import ImportValidationError, Problem
from studbook.limits import NOTES_LENGTH, id_problem, text_problem

__all__ = ["HEADER", "read_assumption_file", "write_assumption_file"]

HEADER = ("set", "id", "field", "value", "note")
_KINDS = (*ASSUMABLE_FIELDS, "hypothetical", "set")


def read_assumption_file(path: str | Path) -> list[AssumptionSet]:
    """The sets of an assumptions CSV, in the order first named.

    Raises :class:`~studbook.errors.ImportValidationError` listing every bad line (file, line,
    field): a bad header, set name, id, field, sex, note, or a repeated assumption.
    """
    name = str(path)
    problems: list[Problem] = []
    notes: dict[str, str] = {}
    assumptions: dict[str, list[Assumption]] = {}
    hypotheticals: dict[str, list[HypotheticalAnimal]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    with open(path, encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream)
        header = tuple(cell.strip().lower() for cell in next(reader, []))
        if header[: len(HEADER)] != HEADER:
            raise ImportValidationError(
                [Problem(name, 1, "header", f"the first line must be '{','.join(HEADER)}'")]
            )
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            set_name, animal, kind, value, note = (c.strip() for c in [*row, "", "", "", ""][:5])

            def bad(column: str, message: str, line: int = line) -> None:
                problems.append(Problem(name, line, column, message))

            problem = set_name_problem(set_name)
            if problem is not None:
                bad("set", problem)
                continue
            if (note_problem := text_problem(note, NOTES_LENGTH, "the note")) is not None:
                bad("note", note_problem)
            if kind not in _KINDS:
                bad("field", f"{kind!r} is not one of {', '.join(_KINDS)}")
                continue
            assumptions.setdefault(set_name, [])
            hypotheticals.setdefault(set_name, [])
            if kind == "set":
                notes[set_name] = note
                continue
            if (id_bad := id_problem(animal)) is not None:
                bad("id", id_bad)
                continue
            key = (set_name, animal, kind)
            if key in seen:
                bad(
                    "field",
                    f"{kind} of {animal!r} in set {set_name!r} is already on line {seen[key]}",
                )
                continue
            seen[key] = line
            if kind == "hypothetical":
                if value.upper() not in ("M", "F", "U", ""):
                    bad("value", f"{value!r} is not a sex code (use M, F or U)")
                    continue
                hypotheticals[set_name].append(
                    HypotheticalAnimal(animal, value.upper() or "U", note)
                )
            elif not value:
                bad("value", f"no value assumed for the {kind} of {animal!r}")
            else:
                assumptions[set_name].append(Assumption(animal, kind, value, note=note))
    if problems:
        raise ImportValidationError(problems)
    return [
        AssumptionSet(s, notes.get(s, ""), tuple(assumptions[s]), tuple(hypotheticals[s]))
        for s in assumptions
    ]


def write_assumption_file(sets: Iterable[AssumptionSet], path: str | Path) -> Path:
    """Write ``sets`` as an assumptions CSV (atomically); reading it gives them back (the
    record's values beside the assumptions are not part of the file)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for s in sets:
        if s.note:
            writer.writerow([s.name, "", "set", "", s.note])
        for h in s.hypotheticals:
            writer.writerow([s.name, h.id, "hypothetical", h.sex, h.note])
        for a in s.assumptions:
            writer.writerow([s.name, a.animal_id, a.field, a.assumed, a.note])
    write_text_atomically(path, out.getvalue())
    return Path(path)
