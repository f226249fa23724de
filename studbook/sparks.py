"""The SPARKS / PM2000 exchange files: ``EXCHANGE.DBF`` (one record per animal) and
``MOVES.DBF`` (one record per event), dBase III as SPARKS wrote them and PMx still reads them.

Field lists and codes: ``docs/formats.md``. What a field means here:

- ``STUD_ID``, ``SIRE_ID``, ``DAM_ID``: studbook ids as text (leading spaces dropped); a parent
  ``WILD`` is a wild-born parent, ``UNK``, ``0`` or empty an unknown one. ``SIRE_IDTMP`` and
  ``DAM_ID_TMP`` give every wild parent its own placeholder (``1?``, ``2?``, ...): each is a
  distinct founder, which a ``WILD`` parent already is here. A placeholder shared by two
  animals (siblings of one wild parent) becomes a hypothetical founder ``WILD-<n>`` so that
  the siblings share it.
- ``SEX``: 0 female, 1 male, 5 unknown.
- dates (``BDATE``, ``DEATHDATE``, ``TRAN_DATE``) with their estimate codes (``*_EST``): blank
  exact; ``D`` the day is estimated (the month is known), ``M`` the month is estimated (the
  year is known), ``Y`` the year itself is an estimate (kept as that year, and counted).
- ``DEAD`` T/F: the record's ``alive``; an animal with a death date or a death, release or
  LTF move is decided by those (``studbook.status``).
- ``LOCATION`` the current institution, ``COMMENT`` the notes; ``SOCIALGRP`` and ``INSTCODE``,
  when filled, are kept as attributes. The analysis fields (``INBREED``, ``MK``, ``KV``, ``GU``,
  ...), the internal indices (``ID``, ``DID``, ``SID``), ``SELECTED``, ``AGE`` and the
  ``DATEIN``/``DATEOUT`` summary of the moves are not kept: studbook computes them.

Moves (``TRAN_CODE``): ``AA`` birth or hatch, ``AB`` wild capture, ``AS`` transfer (a loan when
``OWNER`` is F: the animal is held but not owned there), ``BI`` release to the wild, ``BA``
death; ``LOCAL_ID`` ``NONE`` is empty. SPARKS records where an animal is; studbook's events say
what happened, so the moves are translated (:func:`studbook.foreign.translate_moves`: transfers
after a release are captures, repeated releases and same-day stop-overs are folded into notes),
each translation counted, and

- a birth move (``AA``) whose date disagrees with ``BDATE``: the birth date becomes the month
  or year covering both (:func:`studbook.foreign.date_covering`), both dates in the notes.

A location that receives releases (``BI``) is a wild location: a birth there is a wild birth.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from studbook.dates import PartialDate
from studbook.errors import ImportValidationError, Problem
from studbook.events import EventCode, EventRecord
from studbook.foreign import (
    ESTIMATE_CODES,
    ForeignStudbook,
    count_wild_founders,
    date_covering,
    estimated_date,
    join_notes,
    move_notes,
    translate_moves,
)
from studbook.institutions import InstitutionRecord
from studbook.parents import UNKNOWN, UNKNOWN_TOKENS, WILD, WILD_TOKEN, ParentKind, ParentSpec
from studbook.present import counted
from studbook.records import AnimalRecord, BirthType

__all__ = [
    "EXCHANGE_FIELDS",
    "MOVES_FIELDS",
    "TRANSACTION_CODES",
    "dbase_date",
    "moves_file",
    "read_sparks",
]

EXCHANGE_FIELDS = ("STUD_ID", "DAM_ID", "SIRE_ID", "BDATE", "SEX", "DEAD", "LOCATION")
"""Fields ``EXCHANGE.DBF`` must have (the others are optional)."""
MOVES_FIELDS = ("STUD_ID", "TRAN_CODE", "LOCATION", "TRAN_DATE")
"""Fields ``MOVES.DBF`` must have."""

TRANSACTION_CODES: Mapping[str, EventCode] = {
    "AA": EventCode.BIRTH,
    "AB": EventCode.CAPTURE,
    "AS": EventCode.TRANSFER,
    "BI": EventCode.RELEASE,
    "BA": EventCode.DEATH,
}
"""SPARKS transaction codes and the studbook event each one is."""

_SEX = {"0": "F", "1": "M", "5": "U"}
_YEAR_ESTIMATE = "Y"
_LOGICAL = {"T": True, "Y": True, "F": False, "N": False, "?": None, "": None}


def moves_file(exchange: str | Path) -> Path | None:
    """``MOVES.DBF`` beside ``EXCHANGE.DBF`` (any case), if it is there."""
    path = Path(exchange)
    if not path.parent.is_dir():
        return None
    for candidate in sorted(path.parent.iterdir()):
        if candidate.name.lower() == "moves.dbf" and candidate != path:
            return candidate
    return None


@dataclass
class _Table:
    """The records of one DBF file as text cells, record ``k`` on "line" ``k + 1``."""

    source: str
    fields: list[str]
    rows: list[dict[str, str]]


def _read_dbf(path: Path, required: tuple[str, ...]) -> _Table:
    """Every undeleted record as stripped text; raises :class:`ImportValidationError` for a
    file that is missing, not dBase, not decodable, or lacks a required field."""
    from dbfread import DBF  # a small pure-Python reader, loaded only for DBF imports

    source = str(path)
    if not path.is_file():
        raise ImportValidationError(
            [Problem(source, None, "(file)", "the file is missing; check its name and folder")]
        )
    try:
        table = DBF(str(path), raw=True, load=True)
        # A file whose header names no code page gets dbfread's "ascii"; SPARKS ran on
        # Windows, so its comments are read as Windows Latin-1 instead.
        encoding = "cp1252" if table.encoding == "ascii" else table.encoding
        fields = [f.name.upper() for f in table.fields]
        raw_rows = list(table.records)
    except Exception as exc:  # dbfread raises plain errors for a file that is not dBase
        raise ImportValidationError(
            [Problem(source, None, "(file)", f"cannot be read as a dBase file: {exc}")]
        ) from exc
    missing = [name for name in required if name not in fields]
    if missing:
        raise ImportValidationError(
            [Problem(source, None, name, "field is missing from the file") for name in missing]
        )
    rows: list[dict[str, str]] = []
    problems: list[Problem] = []
    for k, raw in enumerate(raw_rows, start=1):
        row: dict[str, str] = {}
        for name, value in raw.items():
            try:
                row[name.upper()] = value.decode(encoding).strip()
            except UnicodeDecodeError:
                problems.append(Problem(source, k, name, f"is not {encoding} text ({value!r})"))
                row[name.upper()] = ""
        rows.append(row)
    if problems:
        raise ImportValidationError(problems)
    return _Table(source, fields, rows)


def dbase_date(cell: str) -> date | None:
    """A dBase date ``YYYYMMDD``; blank (or zeros) is none. Raises ``ValueError``.

    >>> dbase_date("19670212"), dbase_date("        ")
    (datetime.date(1967, 2, 12), None)
    """
    if not cell.strip(" 0"):
        return None
    if len(cell) != 8 or not cell.isdigit():
        raise ValueError(f"{cell!r} is not a dBase date (YYYYMMDD)")
    try:
        return date(int(cell[:4]), int(cell[4:6]), int(cell[6:]))
    except ValueError as exc:
        raise ValueError(f"{cell!r} is not a real date ({exc})") from None


class _Cells:
    """Reads the cells of one record, collecting a :class:`Problem` for each bad one."""

    def __init__(self, table: _Table, line: int, problems: list[Problem]) -> None:
        self.row = table.rows[line - 1]
        self.source = table.source
        self.line = line
        self.problems = problems

    def text(self, name: str) -> str:
        return self.row.get(name, "")

    def bad(self, name: str, message: str) -> None:
        self.problems.append(Problem(self.source, self.line, name, message))

    def date(self, name: str, estimate_name: str, years: Counter[str]) -> PartialDate | None:
        estimate = self.text(estimate_name).upper()
        if estimate not in ESTIMATE_CODES:
            self.bad(estimate_name, f"{estimate!r} is not an estimate code (blank, D, M or Y)")
            estimate = ""
        try:
            day = dbase_date(self.text(name))
        except ValueError as exc:
            self.bad(name, str(exc))
            return None
        if day is not None and estimate:
            years[estimate] += 1
        return estimated_date(day, estimate)

    def logical(self, name: str) -> bool | None:
        cell = self.text(name).upper()
        if cell not in _LOGICAL:
            self.bad(name, f"{cell!r} is not a logical value (T or F)")
            return None
        return _LOGICAL[cell]


def _parent(cell: str) -> ParentSpec:
    token = cell.upper()
    if token in UNKNOWN_TOKENS:
        return UNKNOWN
    if token == WILD_TOKEN:
        return WILD
    return ParentSpec.known(cell)


def _animals(
    table: _Table, problems: list[Problem], estimates: Counter[str]
) -> tuple[list[AnimalRecord], dict[str, list[tuple[str, str]]]]:
    """The records of ``EXCHANGE.DBF`` and, per wild placeholder, the (animal, role) using it."""
    records: list[AnimalRecord] = []
    placeholders: dict[str, list[tuple[str, str]]] = {}
    for line in range(1, len(table.rows) + 1):
        cells = _Cells(table, line, problems)
        sex = cells.text("SEX")
        if sex not in _SEX:
            cells.bad("SEX", f"{sex!r} is not a SPARKS sex code (0 female, 1 male, 5 unknown)")
        dead = cells.logical("DEAD")
        record = AnimalRecord(
            id=cells.text("STUD_ID"),
            sire=_parent(cells.text("SIRE_ID")),
            dam=_parent(cells.text("DAM_ID")),
            sex=_SEX.get(sex, "U"),
            birth_date=cells.date("BDATE", "BIRTH_EST", estimates),
            death_date=cells.date("DEATHDATE", "DEATH_EST", estimates),
            alive=None if dead is None else not dead,
            location=cells.text("LOCATION"),
            notes=cells.text("COMMENT"),
            line=line,
        )
        for name, attribute in (("SOCIALGRP", "social_group"), ("INSTCODE", "instcode")):
            if cells.text(name):
                record.extra[attribute] = cells.text(name)
        for role, spec, temporary in (
            ("sire", record.sire, "SIRE_IDTMP"),
            ("dam", record.dam, "DAM_ID_TMP"),
        ):
            if spec.kind is ParentKind.WILD and cells.text(temporary):
                placeholders.setdefault(cells.text(temporary), []).append((record.id, role))
        records.append(record)
    return records, placeholders


def _shared_wild_parents(
    records: list[AnimalRecord], placeholders: Mapping[str, list[tuple[str, str]]]
) -> list[AnimalRecord]:
    """Hypothetical founders for wild placeholders shared by several animals."""
    by_id = {r.id: r for r in records}
    founders = []
    for token, users in placeholders.items():
        if len(users) < 2:
            continue
        founder_id = "WILD-" + "".join(c for c in token if c.isalnum())
        roles = {role for _, role in users}
        founders.append(
            AnimalRecord(
                id=founder_id,
                sire=WILD,
                dam=WILD,
                sex="M" if roles == {"sire"} else "F" if roles == {"dam"} else "U",
                birth_type=BirthType.WILD,
                alive=False,
                hypothetical=True,
                notes=f"wild parent {token} of the SPARKS exchange file",
            )
        )
        for animal_id, role in users:
            setattr(by_id[animal_id], role, ParentSpec.known(founder_id))
    return founders


def _moves(
    table: _Table, problems: list[Problem], estimates: Counter[str], skipped: list[int]
) -> list[EventRecord]:
    """The events of ``MOVES.DBF`` as SPARKS records them (before :func:`_translate`)."""
    events = []
    for line in range(1, len(table.rows) + 1):
        cells = _Cells(table, line, problems)
        code = cells.text("TRAN_CODE").upper()
        event = TRANSACTION_CODES.get(code)
        if event is None:
            known = ", ".join(f"{c} ({e.value})" for c, e in TRANSACTION_CODES.items())
            cells.bad("TRAN_CODE", f"{code!r} is not a transaction code studbook knows ({known})")
        if cells.logical("PHYSICAL") is False:
            skipped.append(line)  # an ownership-only record: the animal did not move
            continue
        if event is EventCode.TRANSFER and cells.logical("OWNER") is False:
            event = EventCode.LOAN
        local_id = cells.text("LOCAL_ID")
        events.append(
            EventRecord(
                animal_id=cells.text("STUD_ID"),
                date=cells.date("TRAN_DATE", "TDATE_EST", estimates),
                event=event,
                institution=cells.text("LOCATION"),
                local_id="" if local_id.upper() == "NONE" else local_id,
                line=line,
            )
        )
    return events


def _wild_births(
    records: list[AnimalRecord], events: Mapping[str, list[EventRecord]], wild: set[str]
) -> int:
    """Set each animal's birth type from its first move; returns the births at wild places."""
    at_wild = 0
    for record in records:
        first = events.get(record.id, [None])[0]
        if record.sire.kind is record.dam.kind is ParentKind.WILD:
            record.birth_type = BirthType.WILD
        elif first is None:
            continue
        elif first.event is EventCode.CAPTURE:
            record.birth_type = BirthType.WILD
            if ParentKind.KNOWN in (record.sire.kind, record.dam.kind):
                record.founder = False  # a wild-caught offspring of known parents
        elif first.event is EventCode.BIRTH and first.institution not in wild:
            record.birth_type = BirthType.CAPTIVE
        elif first.event is EventCode.BIRTH:
            # Hatched in the wild to known parents: a wild birth type would make it a founder.
            known = ParentKind.KNOWN in (record.sire.kind, record.dam.kind)
            record.birth_type = BirthType.UNKNOWN if known else BirthType.WILD
            at_wild += 1
    return at_wild


def _reconcile_births(
    records: list[AnimalRecord], events: Mapping[str, list[EventRecord]], source: str
) -> tuple[int, int]:
    """Birth dates against birth moves: widen where they disagree (module docstring).

    Returns (widened, still disagreeing); the latter are left to the rules, which report them.
    """
    widened = left = 0
    for record in records:
        birth = next((e for e in events.get(record.id, ()) if e.event is EventCode.BIRTH), None)
        born = record.birth_date
        if birth is None or birth.date is None or born is None:
            continue
        moved = birth.date
        if not (moved.surely_before(born) or born.surely_before(moved)):
            continue
        first = min(born.earliest, moved.earliest)
        last = max(born.latest, moved.latest)
        covering, exact = date_covering(first, last)
        if not exact:
            left += 1
            continue
        widened += 1
        record.notes = join_notes(
            record.notes,
            f"{source} BDATE {born} and birth move {moved} disagree; birth date kept as {covering}",
        )
        record.birth_date = covering
    return widened, left


def read_sparks(exchange: str | Path, moves: str | Path | None = None) -> ForeignStudbook:
    """Read ``EXCHANGE.DBF`` (and ``MOVES.DBF``, by default the one beside it).

    Raises :class:`ImportValidationError` when a file cannot be read at all; problems of
    single cells (file, record number as the line, field) are in ``problems``.
    """
    exchange = Path(exchange)
    moves_path = Path(moves) if moves is not None else moves_file(exchange)
    animals_table = _read_dbf(exchange, EXCHANGE_FIELDS)
    reading = ForeignStudbook(str(exchange), "sparks")
    estimates: Counter[str] = Counter()
    records, placeholders = _animals(animals_table, reading.problems, estimates)
    wild_founders = count_wild_founders(records)  # before siblings get a shared wild parent
    founders = _shared_wild_parents(records, placeholders)
    by_animal: dict[str, list[EventRecord]] = {}
    skipped: list[int] = []
    raw_moves = 0
    if moves_path is not None:
        moves_table = _read_dbf(moves_path, MOVES_FIELDS)
        raw_moves = len(moves_table.rows)
        reading.events_source = str(moves_path)
        for event in _moves(moves_table, reading.problems, estimates, skipped):
            by_animal.setdefault(event.animal_id, []).append(event)
    translated: Counter[str] = Counter()
    for animal_id, animal_events in by_animal.items():
        by_animal[animal_id] = translate_moves(animal_events, translated)
    wild = {e.institution for es in by_animal.values() for e in es if e.event is EventCode.RELEASE}
    at_wild = _wild_births(records, by_animal, wild)
    widened, _ = _reconcile_births(records, by_animal, "EXCHANGE")
    reading.records = [*founders, *records]
    reading.events = [e for es in by_animal.values() for e in es]
    reading.events.sort(key=lambda e: e.line or 0)
    places = dict.fromkeys(
        [r.location for r in records if r.location] + [e.institution for e in reading.events]
    )
    reading.institutions = [InstitutionRecord(p) for p in places if p]
    _summarise(reading, records, wild_founders, raw_moves, translated, estimates, len(skipped))
    reading.note(
        len(placeholders),
        f"{counted(len(placeholders), 'wild parent placeholder')} (SIRE_IDTMP, DAM_ID_TMP): each a "
        "distinct wild founder"
        + (
            f"; {len(founders)} shared by siblings became hypothetical founders" if founders else ""
        ),
    )
    reading.note(
        at_wild,
        f"{counted(at_wild, 'birth')} at a location that receives releases "
        f"({', '.join(sorted(wild))}): birth type unknown when a parent is known (a wild birth "
        "type would make them founders); living there as SPARKS counts them",
    )
    reading.note(
        widened,
        f"{counted(widened, 'animal')} whose BDATE and birth move (AA) disagree: birth date "
        "widened to the month or year covering both (both in the notes)",
    )
    reading.note(
        len(places),
        f"{counted(len(places), 'location')} added as institutions with their mnemonic only",
    )
    return reading


def _summarise(
    reading: ForeignStudbook,
    records: list[AnimalRecord],
    wild_founders: int,
    raw_moves: int,
    translated: Counter[str],
    estimates: Counter[str],
    skipped: int,
) -> None:
    """The counts and notes a coordinator checks against SPARKS."""
    codes = Counter(e.event for e in reading.events)
    reading.counts.update(
        {
            "animals": len(records),
            "wild founders": wild_founders,
            "moves": raw_moves,
            "events": len(reading.events),
            "births": codes[EventCode.BIRTH],
            "captures": codes[EventCode.CAPTURE],
            "transfers": codes[EventCode.TRANSFER] + codes[EventCode.LOAN],
            "releases": codes[EventCode.RELEASE],
            "deaths": codes[EventCode.DEATH],
            "estimated dates": sum(estimates.values()),
        }
    )
    for n, words in move_notes(translated):
        reading.note(n, words)
    reading.note(
        estimates[_YEAR_ESTIMATE],
        f"{counted(estimates[_YEAR_ESTIMATE], 'date')} whose year itself is an estimate (Y) "
        f"kept as that year; {estimates['D']} with an estimated day (D) kept to the month, "
        f"{estimates['M']} with an estimated month (M) to the year",
    )
    reading.note(
        skipped,
        f"{skipped} ownership-only moves (PHYSICAL = F) not imported: studbook records where "
        "an animal is",
    )
