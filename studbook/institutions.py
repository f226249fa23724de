"""The institutions file: who holds animals, and which regional association they belong to.

A UTF-8 CSV with the columns ``mnemonic,name,country,region``:

- ``mnemonic``: the institution's short code as studbooks write it (``TALLINN``, ``BERLINTP``), at
  most 9 characters, unique regardless of case; the events file and the ``location`` column refer
  to it.
- ``name``, ``country``: free text.
- ``region``: the regional zoo association, one of :data:`REGIONS` (case-insensitive; empty when
  not known): EAZA (Europe), EARAZA (Eurasia/Russia), AZA (North America), JAZA (Japan), ZAA
  (Australasia), ALPZA (Latin America), PAAZA (Africa) or OTHER.

:func:`read_institutions` checks each row on its own; :func:`validate_institutions` checks the
rows against each other (duplicates).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from studbook.csvformat import StudbookTable, read_table
from studbook.errors import Problem
from studbook.limits import (
    COUNTRY_LENGTH,
    INSTITUTION_NAME_LENGTH,
    MNEMONIC_LENGTH,
    REGION_LENGTH,
    text_problem,
)

__all__ = [
    "INSTITUTION_COLUMNS",
    "REGIONS",
    "InstitutionRecord",
    "institution_text_problems",
    "institutions_from_table",
    "read_institutions",
    "validate_institutions",
]

INSTITUTION_COLUMNS = ("mnemonic", "name", "country", "region")
REGIONS = ("EAZA", "EARAZA", "AZA", "JAZA", "ZAA", "ALPZA", "PAAZA", "OTHER")


@dataclass(frozen=True, slots=True)
class InstitutionRecord:
    """One institution; ``region`` is upper case, one of :data:`REGIONS` or empty."""

    mnemonic: str
    name: str = ""
    country: str = ""
    region: str = ""
    line: int | None = None


def institution_text_problems(record: InstitutionRecord) -> Iterator[tuple[str, str]]:
    """(field, message) for each text cell of ``record`` that cannot be stored
    (:mod:`studbook.limits`; the mnemonic's length is checked with its other rules)."""
    for field, text, limit in (
        ("mnemonic", record.mnemonic, None),
        ("name", record.name, INSTITUTION_NAME_LENGTH),
        ("country", record.country, COUNTRY_LENGTH),
        ("region", record.region, REGION_LENGTH),
    ):
        message = text_problem(text, limit, field)
        if message:
            yield field, message


def institutions_from_table(
    table: StudbookTable,
) -> tuple[list[InstitutionRecord], list[Problem]]:
    """Turn every row into an :class:`InstitutionRecord`; one :class:`Problem` per bad cell.

    Bad cells: an empty mnemonic, a mnemonic longer than
    :data:`~studbook.limits.MNEMONIC_LENGTH`, a region not in :data:`REGIONS` (the record keeps
    an empty region then), a control character or an over-long name, country or region.

    >>> from studbook.csvformat import table_from_text
    >>> t = table_from_text("mnemonic,name,country,region\\nTALLINN,Tallinn Zoo,Estonia,eaza\\n",
    ...                     "inst.csv", INSTITUTION_COLUMNS)
    >>> institutions_from_table(t)[0][0].region
    'EAZA'
    """
    source = table.source
    cols = table.columns
    records: list[InstitutionRecord] = []
    problems: list[Problem] = []
    for k, line in enumerate(table.lines):
        mnemonic = cols["mnemonic"][k]
        region = cols["region"][k].upper()
        if not mnemonic:
            problems.append(Problem(source, line, "mnemonic", "mnemonic is empty"))
        elif len(mnemonic) > MNEMONIC_LENGTH:
            problems.append(
                Problem(
                    source,
                    line,
                    "mnemonic",
                    f"mnemonic {mnemonic!r} has {len(mnemonic)} characters; "
                    f"at most {MNEMONIC_LENGTH} are allowed",
                )
            )
        for field, message in institution_text_problems(
            InstitutionRecord(mnemonic, cols["name"][k], cols["country"][k])
        ):
            problems.append(Problem(source, line, field, message))
        if region and region not in REGIONS:
            problems.append(
                Problem(
                    source,
                    line,
                    "region",
                    f"{cols['region'][k]!r} is not a known region (use one of "
                    f"{', '.join(REGIONS)}, or leave it empty)",
                )
            )
            region = ""
        records.append(
            InstitutionRecord(mnemonic, cols["name"][k], cols["country"][k], region, line)
        )
    return records, problems


def read_institutions(path: str | Path) -> tuple[list[InstitutionRecord], list[Problem]]:
    """Read an institutions file: the records and the problems of single cells.

    Raises :class:`~studbook.errors.ImportValidationError` when the file cannot be read, is not
    UTF-8 or lacks a column. Check duplicates with :func:`validate_institutions`.
    """
    return institutions_from_table(read_table(path, required=INSTITUTION_COLUMNS))


def validate_institutions(records: Sequence[InstitutionRecord], source: str) -> list[Problem]:
    """Mnemonics must be unique, regardless of case; each repeat names the first line."""
    first: dict[str, InstitutionRecord] = {}
    problems = []
    for record in records:
        if not record.mnemonic:
            continue
        key = record.mnemonic.upper()
        if key in first:
            earlier = first[key]
            where = f"line {earlier.line}" if earlier.line is not None else "another record"
            problems.append(
                Problem(
                    source,
                    record.line,
                    "mnemonic",
                    f"mnemonic {record.mnemonic!r} is already used on {where} "
                    f"({earlier.mnemonic!r})",
                )
            )
        else:
            first[key] = record
    return problems
