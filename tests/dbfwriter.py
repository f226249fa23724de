"""A tiny dBase III writer, so the SPARKS tests can make their own small DBF files.

Writes what SPARKS wrote: a 32-byte header, one 32-byte descriptor per field, ``0x0D``, then
fixed-width records (a space for "not deleted", character fields left-aligned, numbers
right-aligned, dates ``YYYYMMDD``, logicals ``T``/``F``), then ``0x1A``.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from pathlib import Path

Field = tuple[str, str, int]
"""(name, type C/N/D/L, length)."""

EXCHANGE = (
    ("STUD_ID", "C", 6), ("DAM_ID", "C", 6), ("SIRE_ID", "C", 6), ("BDATE", "D", 8),
    ("BIRTH_EST", "C", 1), ("SEX", "N", 1), ("DEATHDATE", "D", 8), ("DEATH_EST", "C", 1),
    ("LOCATION", "C", 9), ("LOCAL_ID", "C", 6), ("DEAD", "L", 1), ("DAM_ID_TMP", "C", 6),
    ("SIRE_IDTMP", "C", 6), ("MK", "N", 8), ("COMMENT", "C", 60),
)  # fmt: skip
MOVES = (
    ("STUD_ID", "C", 6), ("TRAN_CODE", "C", 2), ("PHYSICAL", "L", 1), ("OWNER", "L", 1),
    ("LOCATION", "C", 9), ("LOCAL_ID", "C", 6), ("TRAN_DATE", "D", 8), ("TDATE_EST", "C", 1),
)  # fmt: skip


def write_dbf(path: Path, fields: Sequence[Field], rows: Sequence[Mapping[str, str]]) -> Path:
    """Write ``rows`` (field name -> text; missing fields blank) as a dBase III file."""
    header_length = 32 + 32 * len(fields) + 1
    record_length = 1 + sum(length for _, _, length in fields)
    out = bytearray(struct.pack("<BBBBIHH20x", 3, 116, 2, 23, len(rows), header_length,
                                record_length))  # fmt: skip
    for name, kind, length in fields:
        out += struct.pack("<11sc4xBB14x", name.encode("ascii"), kind.encode("ascii"), length, 0)
    out += b"\r"
    for row in rows:
        out += b" "
        for name, kind, length in fields:
            text = row.get(name, "")
            cell = text.rjust(length) if kind == "N" else text.ljust(length)
            assert len(cell) == length, (name, text)
            out += cell.encode("latin-1")
    out += b"\x1a"
    path.write_bytes(bytes(out))
    return path


def animal(stud_id: str, sire: str, dam: str, sex: str, born: str, **more: str) -> dict[str, str]:
    """An EXCHANGE.DBF row; ``more`` sets other fields by name (BIRTH_EST=..., DEAD=...)."""
    row = {"STUD_ID": stud_id.rjust(6), "SIRE_ID": sire.rjust(6), "DAM_ID": dam.rjust(6)}
    row.update({"SEX": sex, "BDATE": born, "DEAD": "F", "MK": " -1.0000"})
    row.update(more)
    return row


def move(stud_id: str, code: str, place: str, when: str, **more: str) -> dict[str, str]:
    """A MOVES.DBF row (PHYSICAL and OWNER true unless given)."""
    row = {"STUD_ID": stud_id.rjust(6), "TRAN_CODE": code, "LOCATION": place, "TRAN_DATE": when}
    row.update({"PHYSICAL": "T", "OWNER": "T"})
    row.update(more)
    return row


def small_exchange(folder: Path) -> Path:
    """A five-animal SPARKS studbook with the patterns the reader translates (see its test)."""
    animals = [
        animal("1", "WILD", "WILD", "1", "19800101", BIRTH_EST="Y", LOCATION="ZOOA",
               SIRE_IDTMP="1?", DAM_ID_TMP="2?", COMMENT="Topa-topa"),
        animal("2", "WILD", "WILD", "0", "19810615", BIRTH_EST="D", DEATHDATE="20000501",
               DEAD="T", LOCATION="ZOOA", SIRE_IDTMP="3?", DAM_ID_TMP="4?"),
        animal("3", "1", "2", "0", "19900512", LOCATION="ZOOB"),
        animal("4", "WILD", "WILD", "1", "19850101", BIRTH_EST="M", LOCATION="ZOOB",
               SIRE_IDTMP="5?", DAM_ID_TMP="6?"),
        animal("5", "WILD", "WILD", "0", "19860101", BIRTH_EST="M", LOCATION="ZOOB",
               SIRE_IDTMP="5?", DAM_ID_TMP="7?"),
    ]  # fmt: skip
    moves = [
        move("1", "AB", "CALIFORNI", "19820303"),
        move("1", "AS", "ZOOA", "19820303", LOCAL_ID="A1"),
        move("2", "AB", "CALIFORNI", "19830101", TDATE_EST="Y"),
        move("2", "AS", "ZOOA", "19830404"),
        move("2", "BA", "ZOOA", "20000501"),
        move("3", "AA", "ZOOA", "19900510"),
        move("3", "AS", "ZOOB", "19910101", OWNER="F"),
        move("3", "BI", "CALIFORNI", "19920202"),
        move("3", "BI", "CALIFORNI", "19920303"),
        move("3", "AS", "ZOOB", "19950101"),
        move("4", "AB", "CALIFORNI", "19870101"),
        move("4", "AS", "ZOOB", "19870202"),
        move("5", "AB", "CALIFORNI", "19880101"),
        move("5", "AS", "ZOOB", "19880202"),
    ]
    write_dbf(folder / "MOVES.DBF", MOVES, moves)
    return write_dbf(folder / "EXCHANGE.DBF", EXCHANGE, animals)
