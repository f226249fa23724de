"""PMx's pedigree text files, in and out, and the PMx MSI matrix.

A PMx studbook here is up to three tab-separated text files (comma-separated files are read
too), the pedigree and two companions beside it named as the CSV format names its own
(``condor.txt`` -> ``condor_moves.txt``, ``condor_mult.txt``):

pedigree
    ``STUD_ID SIRE_ID DAM_ID SEX BDATE BIRTH_EST DEATHDATE DEATH_EST DEAD LOCATION LOCAL_ID``:
    the columns of PMx's generic pedigree input (its ``mPed`` parameter names) with SPARKS's
    date-estimate columns. ``SEX`` is ``M``, ``F`` or ``U``; dates are ``YYYY-MM-DD``, the first
    day of an estimated period, with the estimate code beside them
    (:data:`studbook.foreign.ESTIMATE_CODES`); ``DEAD`` is ``F`` for the animals living at the
    census date and ``T`` for the others (dead, released, lost to follow-up, hypothetical);
    ``LOCATION`` and ``LOCAL_ID`` the institution and local id then. Parents: a studbook id,
    ``WILD``, ``UNK``, or ``MULT1``, ``MULT2``, ... for a MULT parent.
``_mult``
    ``MULT_ID PARENT_ID PROBABILITY``: the candidates of each MULT parent, SPARKS's convention
    of one MULT id per distinct candidate set (siblings with the same possible sires share it).
``_moves``
    ``STUD_ID TRAN_CODE LOCATION LOCAL_ID TRAN_DATE TDATE_EST OWNER``: the events as SPARKS's
    moves (:data:`studbook.sparks.TRANSACTION_CODES`; a loan is ``AS`` with ``OWNER`` F), the
    demography input: with birth and death dates and these moves, PMx's demographic module
    finds each animal's time at each institution.

Reading takes the same columns (only ``STUD_ID``, ``SIRE_ID``, ``DAM_ID`` required; ``OTHER_ID``
and ``LOCAL_ID`` are kept as attributes) and the companions when they are there. What the
format cannot hold is listed in ``docs/formats.md``.

The MSI matrix (:func:`msi_matrix_rows`) is the layout PMx exports and HeHo reads: the first
column ``UniqueID`` holds the males, the header row the females, the second row and column are
empty, and each cell is the pair's MSI, ``1`` to ``6`` or ``-``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from studbook.book import Studbook
from studbook.csvformat import StudbookTable, decode_lines, read_bytes, table_from_text
from studbook.dates import PartialDate, parse_partial_date
from studbook.errors import Problem
from studbook.events import EventCode, EventRecord
from studbook.foreign import ForeignStudbook, count_wild_founders, estimate_code, estimated_date
from studbook.institutions import InstitutionRecord
from studbook.pairing import MSI_DASH, PairingTable, msi_labels
from studbook.parents import (
    UNKNOWN,
    UNKNOWN_TOKENS,
    WILD,
    WILD_TOKEN,
    ParentKind,
    ParentSpec,
    format_parent,
)
from studbook.present import counted
from studbook.records import AnimalRecord, BirthType, parse_bool, parse_sex, probability_problem
from studbook.sparks import TRANSACTION_CODES, dbase_date

__all__ = [
    "MOVES_COLUMNS",
    "MULT_COLUMNS",
    "PEDIGREE_COLUMNS",
    "PmxFiles",
    "msi_matrix_rows",
    "pmx_companion",
    "pmx_files",
    "read_pmx",
]

PEDIGREE_COLUMNS = (
    "STUD_ID", "SIRE_ID", "DAM_ID", "SEX", "BDATE", "BIRTH_EST", "DEATHDATE", "DEATH_EST",
    "DEAD", "LOCATION", "LOCAL_ID",
)  # fmt: skip
MOVES_COLUMNS = ("STUD_ID", "TRAN_CODE", "LOCATION", "LOCAL_ID", "TRAN_DATE", "TDATE_EST", "OWNER")
MULT_COLUMNS = ("MULT_ID", "PARENT_ID", "PROBABILITY")

_CODES = {event: code for code, event in TRANSACTION_CODES.items()}
_CODES[EventCode.LOAN] = "AS"
_MULT = "MULT"


def pmx_companion(pedigree: str | Path, kind: str) -> Path:
    """The ``kind`` companion of a PMx pedigree file: ``condor.txt`` -> ``condor_moves.txt``."""
    path = Path(pedigree)
    return path.with_name(f"{path.stem}_{kind}{path.suffix or '.txt'}")


# ----------------------------------------------------------------------------- writing
@dataclass
class PmxFiles:
    """The rows of the three PMx files (header first) and what the format could not take."""

    pedigree: list[list[str]]
    moves: list[list[str]]
    mult: list[list[str]]
    warnings: list[str] = field(default_factory=list)


def _iso(value: date) -> str:
    return value.isoformat()


def pmx_files(book: Studbook, census: date | None = None) -> PmxFiles:
    """The PMx pedigree, moves and MULT rows of ``book`` (living and locations at ``census``,
    default today); see the module docstring."""
    on = census or date.today()  # for stays; living and location ask with ``census`` itself,
    # where None means the records as they stand now, undated events included
    mult_ids: dict[tuple[tuple[str, float], ...], str] = {}
    mult: list[list[str]] = [list(MULT_COLUMNS)]

    def parent(spec: ParentSpec) -> str:
        if spec.kind is not ParentKind.MULT:
            return format_parent(spec)
        if spec.candidates not in mult_ids:
            mult_ids[spec.candidates] = f"{_MULT}{len(mult_ids) + 1}"
            name = mult_ids[spec.candidates]
            mult.extend([name, c, repr(p)] for c, p in spec.candidates)
        return mult_ids[spec.candidates]

    pedigree: list[list[str]] = [list(PEDIGREE_COLUMNS)]
    for animal_id, r in book.records.items():
        stays = [
            s for s in book.stays.get(animal_id, []) if s.start is None or s.start.earliest <= on
        ]
        pedigree.append(
            [
                animal_id,
                parent(r.sire),
                parent(r.dam),
                r.sex,
                _iso(r.birth_date.value) if r.birth_date else "",
                estimate_code(r.birth_date) if r.birth_date else "",
                _iso(r.death_date.value) if r.death_date else "",
                estimate_code(r.death_date) if r.death_date else "",
                "F" if book.is_living(animal_id, census) else "T",
                book.location_on(animal_id, census),
                stays[-1].local_id if stays else "",
            ]
        )
    moves: list[list[str]] = [list(MOVES_COLUMNS)]
    left_out: Counter[str] = Counter()
    for animal_id, events in book.events.items():
        for e in events:
            code = _CODES.get(e.event) if e.event is not None else None
            if code is None or e.date is None:
                left_out[e.event.value if e.event and e.date else "undated"] += 1
                continue
            owner = "F" if e.event is EventCode.LOAN else "T"
            moves.append(
                [
                    animal_id, code, e.institution, e.local_id, _iso(e.date.value),
                    estimate_code(e.date), owner,
                ]
            )  # fmt: skip
    warnings = [
        f"{counted(n, what + ' event')} left out of the moves file "
        "(PMx's moves have no code for them)"
        for what, n in left_out.items()
    ]
    if mult_ids:
        warnings.append(
            f"{len(mult_ids)} MULT parent sets written as MULT ids with their candidates in the "
            "_mult file"
        )
    return PmxFiles(pedigree, moves, mult, warnings)


def msi_matrix_rows(table: PairingTable) -> list[list[str]]:
    """The MSI matrix of every candidate male (rows) by female (columns), see the module
    docstring; a pair the ranking left out (none today) would read ``-``."""
    inputs = table.inputs
    codes = np.full((len(inputs.male_ids), len(inputs.female_ids)), MSI_DASH, np.int8)
    codes[table.male, table.female] = table.msi
    rows = [["UniqueID", "", *inputs.female_ids]]
    rows.append([""] * len(rows[0]))
    for male, line in zip(inputs.male_ids, codes, strict=True):
        rows.append([male, "", *msi_labels(line)])
    return rows


# ----------------------------------------------------------------------------- reading
def _table(path: Path, required: Sequence[str]) -> StudbookTable:
    text = decode_lines(read_bytes(path), str(path))
    header = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in header else ","
    return table_from_text(text, str(path), [c.lower() for c in required], delimiter)


def _pmx_date(cell: str) -> date | None:
    """A full date: ``YYYY-MM-DD`` or ``YYYYMMDD`` (SPARKS); raises ``ValueError``."""
    cell = cell.strip()
    if len(cell) == 8 and cell.isdigit():
        return dbase_date(cell)
    parsed = parse_partial_date(cell)
    return parsed.value if parsed is not None else None


class _Row:
    """The cells of one row of a PMx file; bad cells become problems."""

    def __init__(self, table: StudbookTable, k: int, problems: list[Problem]) -> None:
        self.table, self.k, self.problems = table, k, problems
        self.line = table.lines[k]

    def get(self, name: str) -> str:
        column = self.table.columns.get(name)
        return column[self.k] if column is not None else ""

    def bad(self, name: str, message: str) -> None:
        self.problems.append(Problem(self.table.source, self.line, name.upper(), message))

    def date(self, name: str, estimate: str) -> tuple[PartialDate | None, bool]:
        """(the estimated date or None, whether the cells were good)."""
        try:
            day = _pmx_date(self.get(name))
        except ValueError as exc:
            self.bad(name, str(exc))
            return None, False
        try:
            return estimated_date(day, self.get(estimate)), True
        except ValueError as exc:
            self.bad(estimate, str(exc))
            return None, False


def _mult_sets(path: Path, problems: list[Problem]) -> dict[str, ParentSpec]:
    """The MULT candidate sets of a ``_mult`` file."""
    table = _table(path, MULT_COLUMNS)
    sets: dict[str, list[tuple[str, float]]] = {}
    for k in range(len(table)):
        row = _Row(table, k, problems)
        try:
            probability = float(row.get("probability"))
        except ValueError:
            row.bad("probability", f"{row.get('probability')!r} is not a number")
            continue
        sets.setdefault(row.get("mult_id").upper(), []).append((row.get("parent_id"), probability))
    specs = {name: ParentSpec(ParentKind.MULT, tuple(c)) for name, c in sets.items()}
    for name, spec in specs.items():
        message = probability_problem(spec)
        if message:
            problems.append(Problem(table.source, None, "PROBABILITY", f"{name}: {message}"))
    return specs


def _parent(row: _Row, name: str, mult: dict[str, ParentSpec]) -> ParentSpec:
    cell = row.get(name)
    token = cell.upper()
    if token in UNKNOWN_TOKENS:
        return UNKNOWN
    if token == WILD_TOKEN:
        return WILD
    if token.startswith(_MULT) and token[len(_MULT) :].isdigit():
        spec = mult.get(token)
        if spec is None:
            row.bad(name, f"{cell} has no candidates; list them in the _mult file beside it")
            return UNKNOWN
        return spec
    return ParentSpec.known(cell)


def _moves(path: Path, problems: list[Problem]) -> list[EventRecord]:
    table = _table(path, ("STUD_ID", "TRAN_CODE", "LOCATION", "TRAN_DATE"))
    events = []
    for k in range(len(table)):
        row = _Row(table, k, problems)
        code = row.get("tran_code").upper()
        event = TRANSACTION_CODES.get(code)
        if event is None:
            row.bad("tran_code", f"{code!r} is not a transaction code (AA, AB, AS, BI or BA)")
            continue
        owner = row.get("owner").upper()
        if event is EventCode.TRANSFER and owner in ("F", "0", "N"):
            event = EventCode.LOAN
        when, _ = row.date("tran_date", "tdate_est")
        events.append(
            EventRecord(
                row.get("stud_id"),
                when,
                event,
                row.get("location"),
                row.get("local_id"),
                line=row.line,
            )
        )
    return events


def read_pmx(path: str | Path) -> ForeignStudbook:
    """Read a PMx pedigree file with its ``_mult`` and ``_moves`` companions when present.

    Raises :class:`ImportValidationError` for a file that cannot be read or lacks a required
    column; problems of single cells are in ``problems``.
    """
    path = Path(path)
    table = _table(path, ("STUD_ID", "SIRE_ID", "DAM_ID"))
    reading = ForeignStudbook(str(path), "pmx")
    problems = reading.problems
    mult_path, moves_path = pmx_companion(path, "mult"), pmx_companion(path, "moves")
    mult = _mult_sets(mult_path, problems) if mult_path.is_file() else {}
    estimated = 0
    for k in range(len(table)):
        row = _Row(table, k, problems)
        record = AnimalRecord(
            id=row.get("stud_id"),
            sire=_parent(row, "sire_id", mult),
            dam=_parent(row, "dam_id", mult),
            location=row.get("location"),
            line=row.line,
        )
        try:
            record.sex = parse_sex(row.get("sex"))
        except ValueError as exc:
            row.bad("sex", str(exc))
        for field_name, column, estimate in (
            ("birth_date", "bdate", "birth_est"),
            ("death_date", "deathdate", "death_est"),
        ):
            value, _ = row.date(column, estimate)
            setattr(record, field_name, value)
            estimated += bool(value is not None and row.get(estimate).strip())
        try:
            dead = parse_bool(row.get("dead"))
        except ValueError as exc:
            row.bad("dead", str(exc))
            dead = None
        record.alive = None if dead is None else not dead
        if record.sire.kind is record.dam.kind is ParentKind.WILD:
            record.birth_type = BirthType.WILD
        for column in ("local_id", "other_id"):
            if row.get(column):
                record.extra[column] = row.get(column)
        reading.records.append(record)
    if moves_path.is_file():
        reading.events = _moves(moves_path, problems)
        reading.events_source = str(moves_path)
    places = dict.fromkeys(
        [r.location for r in reading.records] + [e.institution for e in reading.events]
    )
    reading.institutions = [InstitutionRecord(p) for p in places if p]
    codes = Counter(e.event for e in reading.events)
    reading.counts.update(
        {
            "animals": len(reading.records),
            "wild founders": count_wild_founders(reading.records),
            "MULT parents": sum(
                1 for r in reading.records for s in (r.sire, r.dam) if s.kind is ParentKind.MULT
            ),
            "events": len(reading.events),
            "releases": codes[EventCode.RELEASE],
            "deaths": codes[EventCode.DEATH],
            "estimated dates": estimated,
        }
    )
    gone = sum(1 for r in reading.records if r.alive is False and r.death_date is None)
    reading.note(
        gone,
        f"{counted(gone, 'animal')} marked DEAD without a death date: not living (released or "
        "lost to follow-up only where the moves file says so)",
    )
    added = counted(len(places), "location")
    reading.note(len(places), f"{added} added as institutions (mnemonic only)")
    if not moves_path.is_file():
        reading.notes.append(f"no moves file ({moves_path.name}): no events")
    return reading
