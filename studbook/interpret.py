"""What a pedigree CSV says, as the program understood it: columns, separator and assumptions.

Real exports rarely use the studbook column names. This module is the one place that decides,
before anything is checked or written, which column feeds which field, which are kept as
attributes, which are ignored, and what was assumed where the file is silent. ``studbook import``
and ``studbook validate`` print the :class:`Understanding`; :func:`studbook.pedigree.read_pedigree`
reads a file the same way.

Recognised without being asked:

- the separator: ``,``, ``;`` or tab, from the header line;
- common column names (``birth_year`` as a year-precision ``birth_date``, ``gender`` as ``sex``,
  ``father``/``mother`` as ``sire``/``dam``, ...);
- ``NA``, ``N/A``, ``NULL`` and ``#N/A`` cells as empty (not in ``house_name`` or ``notes``);
- sex coded ``1``/``2`` (male/female, ``0`` unknown) when the column holds no letters.

Flags that *may* mean "alive" (``alive_in_source``, ``living``, ``status``) are only offered: a
hint names the ``--map COLUMN=alive`` option. A column mapped to ``alive`` that holds only ``1``
and empty cells is a list of the living: its empty cells are read as ``0`` (an assumption that
is printed with its count).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from studbook.csvformat import (
    REQUIRED_COLUMNS,
    StudbookTable,
    decode_lines,
    read_bytes,
    table_from_text,
)
from studbook.errors import ImportValidationError, Problem
from studbook.present import counted
from studbook.records import KNOWN_COLUMNS

__all__ = [
    "IGNORE",
    "Understanding",
    "detect_separator",
    "interpret_table",
    "needs_interpretation",
    "parse_mapping",
    "read_understood",
    "understand_bytes",
]

IGNORE = "ignore"
"""The field name that drops a column (``--map transfers=ignore``)."""

_ALIASES = {
    "birth_year": "birth_date", "birthyear": "birth_date", "year_of_birth": "birth_date",
    "birthdate": "birth_date", "birth": "birth_date", "dob": "birth_date",
    "death_year": "death_date", "deathdate": "death_date", "death": "death_date",
    "studbook_id": "id", "sb_id": "id", "animal_id": "id", "individual": "id", "ind": "id",
    "father": "sire", "sire_id": "sire", "mother": "dam", "dam_id": "dam",
    "gender": "sex", "sex_code": "sex",
}  # fmt: skip
"""Column names of common exports and the field each one means."""

_YEAR_COLUMNS = frozenset(name for name in _ALIASES if name.endswith("_year"))
_ALIVE_WORDS = ("alive", "living", "status")
_MISSING = frozenset({"NA", "N/A", "NULL", "#N/A"})
_FREE_TEXT = frozenset({"house_name", "notes"})
"""Fields whose text is kept as written: a leopard may be called "Na"."""
_SEX_DIGITS = {"1": "M", "2": "F", "0": "U", "": "U"}
_SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass
class Understanding:
    """How a file was read: the separator, each column's fate, and every assumption."""

    source: str
    separator: str = ","
    mapped: list[tuple[str, str, str]] = field(default_factory=list)
    """(column, field, how it was chosen: "named", "recognised" or "--map")."""
    attributes: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The understanding as lines for a person, in the order a newcomer needs them."""
        out = [f"{self.source}: read as {_SEPARATORS[self.separator]}-separated"]
        for column, name, how in self.mapped:
            note = "" if column == name else f" ({how})"
            out.append(f"  column {column} -> {name}{note}")
        if self.attributes:
            out.append("  kept as attributes: " + ", ".join(self.attributes))
        if self.ignored:
            out.append("  ignored: " + ", ".join(self.ignored))
        out += [f"  assumed: {a}" for a in self.assumptions]
        out += [f"  hint: {h}" for h in self.hints]
        return out


def parse_mapping(items: Sequence[str], source: str = "--map") -> dict[str, str]:
    """``["alive_in_source=alive", ...]`` as ``{column: field}``; a field of ``ignore`` drops
    the column. Raises :class:`ImportValidationError` naming the bad option."""
    mapping: dict[str, str] = {}
    problems = []
    for item in items:
        column, sep, name = item.partition("=")
        column, name = column.strip().lower(), name.strip().lower()
        if not sep or not column or not name:
            problems.append(Problem(source, None, item, "write --map COLUMN=FIELD"))
        elif name != IGNORE and name not in KNOWN_COLUMNS:
            fields = ", ".join(KNOWN_COLUMNS)
            problems.append(
                Problem(source, None, item, f"{name!r} is not a field (use {fields} or ignore)")
            )
        else:
            mapping[column] = name
    if problems:
        raise ImportValidationError(problems)
    return mapping


def detect_separator(header: str) -> str:
    """The separator of a CSV header line: comma unless the line has none and has ``;`` or tab.

    >>> detect_separator("id;sire;dam;sex")
    ';'
    """
    if "," in header:
        return ","
    return max((";", "\t"), key=header.count) if (";" in header or "\t" in header) else ","


def read_understood(
    path: str | Path, mapping: Mapping[str, str] | None = None
) -> tuple[StudbookTable, Understanding]:
    """Read a pedigree CSV with :func:`detect_separator` and :func:`interpret_table`.

    Raises :class:`ImportValidationError` naming the file for unreadable text, a broken row, a
    ``--map`` naming a column the file lacks, or a required field no column gives.
    """
    return understand_bytes(read_bytes(path), str(path), mapping)


def understand_bytes(
    data: bytes, source: str, mapping: Mapping[str, str] | None = None
) -> tuple[StudbookTable, Understanding]:
    """:func:`read_understood` on the bytes of a file already read."""
    text = decode_lines(data, source)
    separator = detect_separator(text.split("\n", 1)[0])
    table = table_from_text(text, source, required=(), delimiter=separator)
    table, understanding = interpret_table(table, mapping or {})
    understanding.separator = separator
    return table, understanding


def needs_interpretation(header: Sequence[str]) -> bool:
    """Whether a header in the studbook format may still need :func:`interpret_table` (a
    recognised export name); cells such as ``NA`` are caught later, by the rules."""
    return any(name in _ALIASES and _ALIASES[name] not in header for name in header)


def interpret_table(
    table: StudbookTable, mapping: Mapping[str, str]
) -> tuple[StudbookTable, Understanding]:
    """Rename and clean the columns of ``table`` as the studbook fields; say what was assumed.

    ``mapping`` (column -> field, from ``--map``) wins over the recognised names. Raises
    :class:`ImportValidationError` (line 1, the column) when a mapped column is absent, two
    columns give one field, or a required field is missing.
    """
    source = table.source
    understanding = Understanding(source)
    problems = [
        Problem(source, 1, column, "--map names a column the header does not have")
        for column in mapping
        if column not in table.columns
    ]
    target: dict[str, str] = {}
    for column in table.header:
        if column in mapping:
            target[column], how = mapping[column], "--map"
        elif column in KNOWN_COLUMNS:
            target[column], how = column, "named"
        elif column in _ALIASES and _ALIASES[column] not in table.columns:
            target[column], how = _ALIASES[column], "recognised"
        else:
            continue
        if target[column] != IGNORE:
            understanding.mapped.append((column, target[column], how))
    given = [name for name in target.values() if name != IGNORE]
    problems += [
        Problem(source, 1, name, "two columns give this field; drop one with --map COLUMN=ignore")
        for name in sorted({n for n in given if given.count(n) > 1})
    ]
    problems += [
        _missing(source, name, table.header) for name in REQUIRED_COLUMNS if name not in given
    ]
    if problems:
        raise ImportValidationError(problems)

    columns: dict[str, list[str]] = {}
    missing_cells = 0
    for column in table.header:
        cells = table.columns[column]
        name = target.get(column)
        free = name in _FREE_TEXT
        cleaned = cells if free else ["" if c in _MISSING else c for c in cells]
        missing_cells += sum(1 for a, b in zip(cells, cleaned, strict=True) if a != b)
        if name == IGNORE:
            understanding.ignored.append(column)
        elif name is None:
            understanding.attributes.append(column)
            columns[column] = cleaned
            _offer_alive(column, cleaned, understanding)
        else:
            columns[name] = _field_cells(column, name, cleaned, understanding)
    if missing_cells:
        understanding.assumptions.insert(
            0, f"{counted(missing_cells, 'cell')} written NA, N/A, NULL or #N/A read as empty"
        )
    _living_assumptions(columns, understanding)
    header = list(columns)
    return StudbookTable(source, columns, table.lines, header), understanding


def _missing(source: str, name: str, header: Sequence[str]) -> Problem:
    """A required field no column gives, with a hint when the header looks mis-separated."""
    message = "column is missing from the header"
    if len(header) == 1 and any(s in header[0] for s in ";\t|"):
        message += " (the header is one cell: is the file separated by something else?)"
    else:
        message += f"; name the column that holds it with --map COLUMN={name}"
    return Problem(source, 1, name, message)


def _field_cells(
    column: str, name: str, cells: list[str], understanding: Understanding
) -> list[str]:
    """The cells of ``column`` as field ``name`` reads them, noting each translation."""
    filled = sum(1 for c in cells if c)
    if column in _YEAR_COLUMNS and name in ("birth_date", "death_date"):
        understanding.assumptions.append(
            f"{column} used as a year-precision {name.replace('_', ' ')} "
            f"({counted(filled, 'animal')})"
        )
    if name == "sex" and cells and all(c in _SEX_DIGITS for c in cells):
        understanding.assumptions.append(
            f"{column} is coded 1/2: 1 read as male, 2 as female, 0 or empty as unknown"
        )
        return [_SEX_DIGITS[c] for c in cells]
    if name == "alive" and any(cells) and all(c in ("", "1") for c in cells):
        understanding.assumptions.append(
            f"{column} holds only 1 and empty cells, a list of the living: "
            f"{counted(len(cells) - filled, 'empty cell')} read as not alive"
        )
        return [c or "0" for c in cells]
    return cells


def _offer_alive(column: str, cells: list[str], understanding: Understanding) -> None:
    """Offer (never apply) a column whose name says it may tell who is alive."""
    if any(word in column for word in _ALIVE_WORDS) and any(cells):
        understanding.hints.append(
            f"column {column} may say who is alive; if so, add --map {column}=alive"
        )


def _living_assumptions(columns: Mapping[str, list[str]], understanding: Understanding) -> None:
    """Count the animals whose living status or age the file leaves to a default; animals
    whose own columns say they left (:func:`studbook.status.recorded_exit`) are counted apart."""
    from studbook.status import recorded_exit

    n = len(columns["id"])
    deaths = columns.get("death_date", [""] * n)
    alive = columns.get("alive")
    exit_columns = [c for c in ("released", "lost_to_followup", "status") if c in columns]
    silent = [k for k in range(n) if not deaths[k] and (alive is None or not alive[k])]
    left = [
        k for k in silent if recorded_exit({c: columns[c][k] for c in exit_columns}) is not None
    ]
    living = len(silent) - len(left)
    what = "no alive column" if alive is None else "an empty alive cell"
    if living:
        understanding.assumptions.append(
            f"{counted(living, 'animal', verb='has')} no death date and {what}: counted living"
        )
    if left:
        understanding.assumptions.append(
            f"{counted(len(left), 'animal', verb='has')} no death date and {what} but a column "
            "saying it was released or lost to follow-up: not living, on every date"
        )
    births = columns.get("birth_date", [""] * n)
    unknown = sum(1 for b in births if not b)
    if unknown:
        understanding.assumptions.append(
            f"{counted(unknown, 'animal', verb='has')} no birth date: no age, so in no age window"
        )
