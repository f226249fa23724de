"""Typed animal records read from a :class:`~studbook.csvformat.StudbookTable`.

Each cell is checked on its own here (sex code, dates, parent tokens, MULT probabilities,
yes/no flags); rules that relate records to each other live in :mod:`studbook.validation`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from studbook.csvformat import StudbookTable
from studbook.dates import PartialDate, parse_partial_date
from studbook.errors import Problem
from studbook.limits import COLUMN_NAME_LENGTH, text_problem
from studbook.parents import (
    PROBABILITY_TOLERANCE,
    UNKNOWN,
    ParentKind,
    ParentSpec,
    format_parent,
    parse_parent,
)

__all__ = [
    "KNOWN_COLUMNS",
    "AnimalRecord",
    "BirthType",
    "format_bool",
    "is_assumed_founder",
    "parse_birth_type",
    "parse_bool",
    "parse_sex",
    "probability_problem",
    "record_to_row",
    "records_from_table",
]

KNOWN_COLUMNS = (
    "id", "sire", "dam", "sex", "birth_date", "birth_type", "death_date", "alive",
    "location", "house_name", "hypothetical", "founder", "flags", "notes",
)  # fmt: skip

_SEX = {"M": "M", "F": "F", "U": "U", "": "U", "MALE": "M", "FEMALE": "F", "UNKNOWN": "U"}
_TRUE = frozenset({"1", "TRUE", "YES", "Y", "T"})
_FALSE = frozenset({"0", "FALSE", "NO", "N", "F"})


class BirthType(Enum):
    """Where an animal was born."""

    CAPTIVE = "captive"
    WILD = "wild"
    UNKNOWN = "unknown"


_BIRTH_TYPE = {
    "": BirthType.UNKNOWN, "U": BirthType.UNKNOWN, "UNKNOWN": BirthType.UNKNOWN,
    "C": BirthType.CAPTIVE, "CAPTIVE": BirthType.CAPTIVE,
    "W": BirthType.WILD, "WILD": BirthType.WILD,
}  # fmt: skip


def parse_sex(text: str) -> str:
    """``M``, ``F`` or ``U`` (empty = U); raises ``ValueError`` otherwise."""
    try:
        return _SEX[text.strip().upper()]
    except KeyError:
        raise ValueError(f"{text!r} is not a sex code (use M, F or U)") from None


def parse_birth_type(text: str) -> BirthType:
    """``captive``, ``wild`` or ``unknown`` (empty = unknown; ``C``/``W``/``U`` accepted).

    Raises ``ValueError`` for anything else: a misspelt value must not silently count as wild.

    >>> parse_birth_type(" Wild ").value
    'wild'
    """
    try:
        return _BIRTH_TYPE[text.strip().upper()]
    except KeyError:
        raise ValueError(f"{text!r} is not captive, wild or unknown") from None


def parse_bool(text: str) -> bool | None:
    """Yes/no cells: 1/0, true/false, yes/no, y/n; empty means not stated."""
    value = text.strip().upper()
    if not value:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{text!r} is not yes/no (use 1 or 0)")


@dataclass(slots=True)
class AnimalRecord:
    """One animal as a studbook keeper records it.

    ``alive`` is ``None`` when the source does not say (then: living unless a death date is
    recorded). ``founder`` is ``None`` unless stated; see :func:`is_assumed_founder`.
    ``flags`` names founder flags (e.g. ``non-amur`` for a founder of another subspecies).
    """

    id: str
    sire: ParentSpec = UNKNOWN
    dam: ParentSpec = UNKNOWN
    sex: str = "U"
    birth_date: PartialDate | None = None
    birth_type: BirthType = BirthType.UNKNOWN
    death_date: PartialDate | None = None
    alive: bool | None = None
    location: str = ""
    house_name: str = ""
    hypothetical: bool = False
    founder: bool | None = None
    flags: tuple[str, ...] = ()
    notes: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    line: int | None = None

    @property
    def is_living(self) -> bool:
        """Alive as recorded; with no ``alive`` value, alive unless a death date is known."""
        if self.alive is not None:
            return self.alive
        return self.death_date is None


def is_assumed_founder(
    birth_type: BirthType, sire: ParentSpec, dam: ParentSpec, founder: bool | None
) -> bool:
    """Whether an animal counts as a founder (its genome is known ancestry for % known).

    An explicit ``founder`` value wins. Otherwise a wild-born animal (birth type wild, or WILD
    parents) is a founder; a captive-born animal with unknown parents is *not* (its ancestry is
    unknown); and when the birth type is not recorded, an animal with no known parent is taken
    as a founder, the convention of plain ``id,sire,dam`` pedigree files.
    """
    if founder is not None:
        return founder
    if birth_type is BirthType.WILD:
        return True
    no_known = sire.kind in (ParentKind.UNKNOWN, ParentKind.WILD) and dam.kind in (
        ParentKind.UNKNOWN,
        ParentKind.WILD,
    )
    if sire.kind is ParentKind.WILD and dam.kind is ParentKind.WILD:
        return True
    return birth_type is BirthType.UNKNOWN and no_known


def probability_problem(spec: ParentSpec) -> str | None:
    """Why a MULT parent's probabilities cannot stand (they must sum to 1), or ``None``."""
    total = spec.probability_total
    if spec.kind is ParentKind.MULT and not math.isclose(total, 1.0, abs_tol=PROBABILITY_TOLERANCE):
        return f"MULT probabilities sum to {total:.6g}, not 1"
    return None


def records_from_table(table: StudbookTable) -> tuple[list[AnimalRecord], list[Problem]]:
    """Turn every row into an :class:`AnimalRecord`; collect one :class:`Problem` per bad cell.

    Ids and text cells are checked by :func:`studbook.validation.validate_records` (edits
    too); extra column names here, against :data:`~studbook.limits.COLUMN_NAME_LENGTH`.
    Rows with a bad cell are still returned (with that field left at its default) so that later
    rules can report their own problems too; callers must not write anything if any problem
    has severity ``error``.
    """
    source = table.source
    problems: list[Problem] = []
    records: list[AnimalRecord] = []
    extra_names = [n for n in table.header if n not in KNOWN_COLUMNS]
    empty = [""] * len(table)

    def col(name: str) -> list[str]:
        return table.columns.get(name, empty)

    for name in extra_names:
        message = text_problem(name, COLUMN_NAME_LENGTH, "column name")
        if message:
            problems.append(Problem(source, 1, name, message))
    cols = {name: col(name) for name in KNOWN_COLUMNS}
    extras = {name: table.columns[name] for name in extra_names}
    for k, line in enumerate(table.lines):
        record = AnimalRecord(id=cols["id"][k], line=line)

        def bad(field_name: str, message: str, line: int = line) -> None:
            problems.append(Problem(source, line, field_name, message))

        for role in ("sire", "dam"):
            try:
                spec = parse_parent(cols[role][k])
            except ValueError as exc:
                bad(role, str(exc))
                continue
            message = probability_problem(spec)
            if message:
                bad(role, message)
            setattr(record, role, spec)
        for name, parser in (
            ("sex", parse_sex),
            ("birth_date", parse_partial_date),
            ("death_date", parse_partial_date),
            ("birth_type", parse_birth_type),
            ("alive", parse_bool),
            ("founder", parse_bool),
        ):
            try:
                setattr(record, name, parser(cols[name][k]))
            except ValueError as exc:
                bad(name, str(exc))
        try:
            record.hypothetical = bool(parse_bool(cols["hypothetical"][k]))
        except ValueError as exc:
            bad("hypothetical", str(exc))
        record.location = cols["location"][k]
        record.house_name = cols["house_name"][k]
        record.notes = cols["notes"][k]
        record.flags = tuple(f.strip() for f in cols["flags"][k].split(";") if f.strip())
        record.extra = {name: values[k] for name, values in extras.items() if values[k]}
        records.append(record)
    return records, problems


def format_bool(value: bool | None) -> str:
    """A yes/no cell as :func:`parse_bool` reads it back: ``1``, ``0``, or empty (not stated)."""
    return "" if value is None else ("1" if value else "0")


def record_to_row(record: AnimalRecord, extra_columns: Mapping[str, None] | list[str]) -> list[str]:
    """Write a record as cells in ``KNOWN_COLUMNS`` order followed by ``extra_columns``."""
    row = [
        record.id,
        format_parent(record.sire) if record.sire.kind is not ParentKind.UNKNOWN else "",
        format_parent(record.dam) if record.dam.kind is not ParentKind.UNKNOWN else "",
        record.sex,
        str(record.birth_date) if record.birth_date else "",
        "" if record.birth_type is BirthType.UNKNOWN else record.birth_type.value,
        str(record.death_date) if record.death_date else "",
        format_bool(record.alive),
        record.location,
        record.house_name,
        "1" if record.hypothetical else "",
        format_bool(record.founder),
        ";".join(record.flags),
        record.notes,
    ]
    return row + [record.extra.get(name, "") for name in extra_columns]
