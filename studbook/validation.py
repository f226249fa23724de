"""Rules that relate animal records to each other and to the animals already in the database.

:func:`studbook.records.records_from_table` checks each cell on its own; :func:`validate_records`
checks what only the whole studbook can tell: duplicate and look-alike ids, parents that do not
exist or have the wrong sex, loops, and dates that cannot all be true.

Every finding is a :class:`~studbook.errors.Problem` naming the file, the line and the field of
the *new* record it is about; animals already in the database (``existing``) are only ever the
other side of a finding. Dates are compared as the intervals they cover
(:meth:`PartialDate.surely_before`), so an estimated date is only an error when no reading of it
could be true.

Errors (the import must stop):

- an id outside the id alphabet, a control character or an over-long text cell
  (:mod:`studbook.limits`);
- a birth or death date in the future;
- duplicate ids, and new ids already in the database;
- ids with leading zeros that collide with another id (``007`` vs ``7``);
- a parent (or MULT candidate) that is neither in the file nor in the database;
- a female sire or a male dam (MULT candidates included);
- one animal as sire of one animal and dam of another;
- the same animal as sire and dam (also when MULT candidate sets overlap);
- a pedigree loop (an animal its own ancestor);
- an animal surely born before one of its parents;
- an animal surely born after its dam's death;
- a death date surely before the birth date;
- ``alive=1`` with a death date.

Warnings (legal but questionable):

- ids with leading zeros and no collision;
- a parent of unknown sex (``U``);
- a hypothetical placeholder marked alive;
- birth type ``wild`` with a known parent;
- a sire dead more than a year before the birth.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import Protocol

from studbook.dates import PartialDate
from studbook.errors import Problem, Severity
from studbook.limits import (
    COLUMN_NAME_LENGTH,
    FLAG_LENGTH,
    HOUSE_NAME_LENGTH,
    NOTES_LENGTH,
    id_problem,
    text_problem,
)
from studbook.parents import ParentKind, ParentSpec
from studbook.present import counted
from studbook.records import AnimalRecord, BirthType

__all__ = [
    "SIRE_DEATH_GRACE",
    "format_problems",
    "future_problem",
    "number_key",
    "record_text_problems",
    "validate_records",
]

SIRE_DEATH_GRACE = timedelta(days=365)
"""How long before a birth a sire may have died without a warning (stored semen aside)."""

_ROLES = ("sire", "dam")
_WRONG_SEX = {"sire": "F", "dam": "M"}
_SEX_WORD = {"M": "male", "F": "female"}


def number_key(animal_id: str) -> str | None:
    """The number an all-digit id stands for (``'007'`` -> ``'7'``); None for other ids.

    Two ids with the same key are one studbook number written differently (an error).
    """
    if not (animal_id.isascii() and animal_id.isdigit()):
        return None
    return animal_id.lstrip("0") or "0"


def _has_leading_zero(animal_id: str) -> bool:
    """A number written with leading zeros: its text is not the number it stands for."""
    number = number_key(animal_id)
    return number is not None and number != animal_id


def _candidates(spec: ParentSpec) -> tuple[str, ...]:
    """The parent ids a cell names (none for UNK and WILD)."""
    candidates = spec.candidates
    if len(candidates) == 1:
        return (candidates[0][0],)
    return tuple(c for c, _ in candidates)


def _name(role: str, spec: ParentSpec, parent_id: str) -> str:
    """How a parent is called in a message: "dam 'T12'" or "MULT sire candidate 'A'"."""
    prefix = f"MULT {role} candidate" if spec.kind is ParentKind.MULT else role
    return f"{prefix} {parent_id!r}"


def validate_records(
    records: Sequence[AnimalRecord],
    source: str,
    existing: Mapping[str, AnimalRecord] | None = None,
) -> list[Problem]:
    """Check the rules between records (see the module docstring); return every finding.

    Parameters
    ----------
    records : the new records, as :func:`~studbook.records.records_from_table` returns them
        (``line`` set when they come from a file).
    source : the file name used in every :class:`Problem`.
    existing : animals already in the database, keyed by studbook id. New records may name them
        as parents; new ids must not collide with them.

    Returns
    -------
    The problems sorted by line, errors and warnings together (``Problem.severity``).

    Examples
    --------
    >>> from studbook.csvformat import table_from_text
    >>> from studbook.records import records_from_table
    >>> text = "id,sire,dam,sex\\nT12,,,M\\nA,,T12,F\\n"
    >>> records, _ = records_from_table(table_from_text(text, "amur.csv"))
    >>> print(*validate_records(records, "amur.csv"))
    amur.csv:3: error: field 'dam': dam 'T12' is male
    """
    existing = existing or {}
    problems: list[Problem] = []

    def report(
        record: AnimalRecord, field: str, message: str, severity: Severity = "error"
    ) -> None:
        problems.append(Problem(source, record.line, field, message, severity))

    first: dict[str, AnimalRecord] = {}
    for record in records:
        for field, message in record_text_problems(record):
            report(record, field, message)
        if not record.id:
            continue
        if record.id in first:
            where = _where(first[record.id])
            report(record, "id", f"studbook id {record.id!r} is already used {where}")
        elif record.id in existing:
            report(record, "id", f"studbook id {record.id!r} is already in the database")
        else:
            first[record.id] = record
    problems += _leading_zero_problems(records, first, existing, source)

    def lookup(animal_id: str) -> AnimalRecord | None:
        return first.get(animal_id) or existing.get(animal_id)

    parent_ids = [(_candidates(r.sire), _candidates(r.dam)) for r in records]
    for record, (sires, dams) in zip(records, parent_ids, strict=True):
        for role, spec, ids in (("sire", record.sire, sires), ("dam", record.dam, dams)):
            for parent_id in ids:
                parent = lookup(parent_id)
                if parent is None:
                    who = _name(role, spec, parent_id)
                    report(record, role, f"{who} is neither in this file nor in the database")
                    continue
                _check_parent(record, role, spec, parent, report)
        if sires and dams and not set(sires).isdisjoint(dams):
            names = ", ".join(repr(s) for s in sorted(set(sires) & set(dams)))
            report(record, "dam", f"{names} is both sire and dam of {record.id!r}")
        _check_own_dates(record, report)
    _check_both_roles(records, parent_ids, lookup, report)
    for cycle, roles in _loops(records, parent_ids, first):
        head = first[cycle[0]]
        links = ", ".join(
            f"{_on_line(first[child])} has {role} {parent!r}"
            for child, role, parent in zip(cycle, roles, [*cycle[1:], cycle[0]], strict=True)
        )
        report(
            head,
            roles[0],
            f"pedigree loop: {head.id!r} is its own ancestor ({links}); correct one of these "
            "parents",
        )
    return sorted(problems, key=lambda p: (p.line if p.line is not None else 0,))


def _where(record: AnimalRecord) -> str:
    return f"on line {record.line}" if record.line is not None else "by another record"


def _on_line(record: AnimalRecord) -> str:
    """An animal and the line it is on: "'T12' (line 7)"."""
    return f"{record.id!r} (line {record.line})" if record.line is not None else repr(record.id)


def _leading_zero_problems(
    records: Sequence[AnimalRecord],
    first: Mapping[str, AnimalRecord],
    existing: Mapping[str, AnimalRecord],
    source: str,
) -> list[Problem]:
    padded = [r for r in records if r.id.startswith("0") and _has_leading_zero(r.id)]
    if not padded:
        return []
    numbers = {number_key(r.id) for r in padded}
    by_number: dict[str, list[str]] = {}
    for animal_id in [*first, *existing]:
        key = number_key(animal_id)
        if key in numbers:
            assert key is not None
            by_number.setdefault(key, []).append(animal_id)
    problems = []
    reported: set[str] = set()
    for record in padded:
        if record.id in reported:
            continue
        reported.add(record.id)
        number = number_key(record.id)
        assert number is not None
        others = [o for o in by_number.get(number, []) if o != record.id]
        if others:
            other = others[0]
            where = _where(first[other]) if other in first else "in the database"
            message = (
                f"studbook id {record.id!r} and {other!r} ({where}) are the same number "
                "written differently; studbook numbers have no leading zeros"
            )
            problems.append(Problem(source, record.line, "id", message))
        else:
            message = (
                f"studbook id {record.id!r} has leading zeros; studbook numbers are written "
                f"without them ({number!r} would be a different animal)"
            )
            problems.append(Problem(source, record.line, "id", message, "warning"))
    return problems


class _Report(Protocol):
    def __call__(
        self, record: AnimalRecord, field: str, message: str, severity: Severity = "error"
    ) -> None: ...


def _check_parent(
    record: AnimalRecord,
    role: str,
    spec: ParentSpec,
    parent: AnimalRecord,
    report: _Report,
) -> None:
    """Sex and dates of one parent (or MULT candidate) against its offspring."""

    def who() -> str:
        return _name(role, spec, parent.id)

    if parent.sex == _WRONG_SEX[role]:
        report(record, role, f"{who()} is {_SEX_WORD[parent.sex]}")
    elif parent.sex == "U":
        report(record, role, f"{who()} has unknown sex (U); record its sex", "warning")
    born = record.birth_date
    if born is None:
        return
    if parent.birth_date is not None and born.surely_before(parent.birth_date):
        report(
            record,
            role,
            f"{who()} was born {parent.birth_date}, after this animal (born {born})",
        )
    died = parent.death_date
    if died is None:
        return
    if role == "dam" and died.surely_before(born):
        report(record, role, f"{who()} died {died}, before this animal was born ({born})")
    elif role == "sire" and died.latest + SIRE_DEATH_GRACE < born.earliest:
        report(
            record,
            role,
            f"{who()} died {died}, more than a year before this animal was born ({born}); "
            "check the sire (or note stored semen)",
            "warning",
        )


def _check_both_roles(
    records: Sequence[AnimalRecord],
    parent_ids: Sequence[tuple[tuple[str, ...], tuple[str, ...]]],
    lookup: Callable[[str], AnimalRecord | None],
    report: _Report,
) -> None:
    """One animal named as sire (or MULT sire candidate) of one animal and dam of another.

    Reported once per animal, on the first line naming it as dam. Parents recorded as M or F
    are left out: one of the two uses is already reported as the wrong sex.
    """
    as_sire: dict[str, list[AnimalRecord]] = {}
    for record, (sires, _) in zip(records, parent_ids, strict=True):
        for parent_id in sires:
            children = as_sire.setdefault(parent_id, [])
            if len(children) < 2:
                children.append(record)
    reported: set[str] = set()
    for record, (_, dams) in zip(records, parent_ids, strict=True):
        for parent_id in dams:
            sired = [c for c in as_sire.get(parent_id, ()) if c is not record]
            parent = lookup(parent_id)
            if not sired or parent_id in reported or parent is None or parent.sex in ("M", "F"):
                continue
            reported.add(parent_id)
            report(
                record,
                "dam",
                f"{parent_id!r} is dam of {record.id!r} and sire of {sired[0].id!r} "
                f"{_where(sired[0])}; one animal cannot be both: record its sex and correct "
                "the other parent",
            )


def record_text_problems(record: AnimalRecord) -> Iterator[tuple[str, str]]:
    """(field, message) for the id and every text cell of ``record`` that cannot be stored.

    The one place the id alphabet and the lengths of :mod:`studbook.limits` meet an animal:
    a file, an edit and the database all take what passes here.
    """
    message = id_problem(record.id)
    if message:
        yield "id", message
    for field, text, limit, what in (
        ("location", record.location, None, "location"),  # its length: an institution rule
        ("house_name", record.house_name, HOUSE_NAME_LENGTH, "house name"),
        ("notes", record.notes, NOTES_LENGTH, "notes"),
    ):
        message = text_problem(text, limit, what)
        if message:
            yield field, message
    for flag in record.flags:
        message = text_problem(flag, FLAG_LENGTH, f"flag {flag!a}")
        if message:
            yield "flags", message
    for name, value in record.extra.items():
        message = text_problem(name, COLUMN_NAME_LENGTH, "column name") or text_problem(
            value, NOTES_LENGTH
        )
        if message:
            yield name, message


def future_problem(when: PartialDate | None, what: str, today: date | None = None) -> str | None:
    """``what`` dated surely after ``today`` (default: the computer's date), or ``None``.

    A record of the past cannot be dated in the future; an estimate is only refused when it
    cannot have begun yet (``2026`` is fine all year 2026).
    """
    today = today or date.today()
    if when is not None and when.earliest > today:
        return f"{what} {when} is in the future (today is {today.isoformat()})"
    return None


def _check_own_dates(record: AnimalRecord, report: _Report) -> None:
    """Rules about one record that need more than one of its cells."""
    born, died = record.birth_date, record.death_date
    for field, when, what in (
        ("birth_date", born, "birth date"),
        ("death_date", died, "death date"),
    ):
        message = future_problem(when, what)
        if message:
            report(record, field, message)
    if born is not None and died is not None and died.surely_before(born):
        report(record, "death_date", f"death date {died} is before the birth date {born}")
    if record.alive and died is not None:
        report(
            record,
            "alive",
            f"marked alive but has a death date ({died}); clear one of them",
        )
    if record.hypothetical and record.alive:
        report(
            record,
            "alive",
            "a hypothetical placeholder parent is marked alive; it will be left out of "
            "the living population",
            "warning",
        )
    if record.birth_type is BirthType.WILD:
        known = [r for r in _ROLES if _candidates(getattr(record, r))]
        if known:
            report(
                record,
                "birth_type",
                f"wild-born but has a known {' and '.join(known)}; check the birth type",
                "warning",
            )


def _loops(
    records: Sequence[AnimalRecord],
    parent_ids: Sequence[tuple[tuple[str, ...], tuple[str, ...]]],
    first: Mapping[str, AnimalRecord],
) -> Iterator[tuple[list[str], list[str]]]:
    """Every loop among the new records: the ids around it and the role of each link.

    Animals are peeled off parents-first; those left over are in a loop or descend from one.
    Following parents among the leftovers from each of them in turn finds each loop once.
    Parents in the database cannot lead back to a new record, so they are not followed.
    """
    parents: dict[str, list[tuple[str, str]]] = {}
    for record, (sires, dams) in zip(records, parent_ids, strict=True):
        if first.get(record.id) is record:
            parents[record.id] = [(p, "sire") for p in sires if p in first] + [
                (p, "dam") for p in dams if p in first
            ]
    pending = {a: len(ps) for a, ps in parents.items()}
    children: dict[str, list[str]] = {}
    for animal_id, ps in parents.items():
        for p, _ in ps:
            children.setdefault(p, []).append(animal_id)
    ready = [a for a, n in pending.items() if n == 0]
    while ready:
        animal_id = ready.pop()
        del pending[animal_id]
        for child in children.get(animal_id, []):
            pending[child] -= 1
            if pending[child] == 0:
                ready.append(child)
    done: set[str] = set()
    for record in records:
        if record.id not in pending or record.id in done:
            continue
        path: list[str] = []
        roles: list[str] = []
        position: dict[str, int] = {}
        node = record.id
        while node not in position and node not in done:
            position[node] = len(path)
            path.append(node)
            node, role = next((p, r) for p, r in parents[node] if p in pending)
            roles.append(role)
        done.update(path)
        if node in position:
            start = position[node]
            yield path[start:], roles[start:]


def format_problems(problems: Sequence[Problem]) -> str:
    """One line per problem, errors first, then a count: the text a keeper reads.

    >>> print(format_problems([Problem("a.csv", 3, "dam", "dam 'T12' is male")]))
    a.csv:3: error: field 'dam': dam 'T12' is male
    1 error, 0 warnings
    """
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    lines = [str(p) for p in [*errors, *warnings]]
    lines.append(f"{counted(len(errors), 'error')}, {counted(len(warnings), 'warning')}")
    return "\n".join(lines)
