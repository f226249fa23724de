"""Between the studbook's records (:mod:`studbook.records`) and the database rows.

Row dictionaries are what ``session.execute(insert(Model), rows)`` takes; the reverse direction
builds an :class:`~studbook.records.AnimalRecord` from the columns of one animal and its child
rows. Both directions are exact: a record written and read back compares equal (``line`` aside).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from studbook.dates import DatePrecision, PartialDate
from studbook.parents import UNKNOWN, WILD, ParentKind, ParentSpec
from studbook.records import AnimalRecord, BirthType

__all__ = [
    "ROLES",
    "animal_row",
    "attribute_rows",
    "candidate_rows",
    "date_columns",
    "flag_rows",
    "partial_date",
    "record_from_columns",
]

ROLES = ("sire", "dam")


def date_columns(value: PartialDate | None) -> tuple[dt.date | None, str]:
    """``(date, precision code)`` for a partial date; ``(None, 'unknown')`` for no date."""
    if value is None:
        return None, DatePrecision.UNKNOWN.value
    return value.value, value.precision.value


def partial_date(value: dt.date | None, precision: str) -> PartialDate | None:
    """The inverse of :func:`date_columns`."""
    if value is None:
        return None
    return PartialDate(value, DatePrecision(precision))


def animal_row(record: AnimalRecord, entry_order: int) -> dict[str, Any]:
    """The ``animal`` table row of one record (MULT candidates, flags and extras go elsewhere)."""
    birth, birth_precision = date_columns(record.birth_date)
    death, death_precision = date_columns(record.death_date)
    row: dict[str, Any] = {
        "studbook_id": record.id,
        "entry_order": entry_order,
        "sex": record.sex,
        "birth_date": birth,
        "birth_precision": birth_precision,
        "birth_type": record.birth_type.value,
        "death_date": death,
        "death_precision": death_precision,
        "alive": record.alive,
        "location_id": record.location or None,
        "house_name": record.house_name,
        "hypothetical": record.hypothetical,
        "founder": record.founder,
        "notes": record.notes,
        "version_id": 1,
    }
    for role in ROLES:
        spec: ParentSpec = getattr(record, role)
        row[f"{role}_kind"] = spec.kind.value
        row[f"{role}_id"] = spec.candidates[0][0] if spec.kind is ParentKind.KNOWN else None
    return row


def candidate_rows(record: AnimalRecord) -> list[dict[str, Any]]:
    """``parent_candidate`` rows for the MULT sire and dam of ``record``."""
    rows = []
    for role in ROLES:
        spec: ParentSpec = getattr(record, role)
        if spec.kind is ParentKind.MULT:
            rows += [
                {
                    "child_id": record.id,
                    "role": role,
                    "parent_id": parent,
                    "position": k,
                    "probability": p,
                }
                for k, (parent, p) in enumerate(spec.candidates)
            ]
    return rows


def flag_rows(record: AnimalRecord) -> list[dict[str, Any]]:
    """``animal_flag`` rows, in the order the flags were written."""
    return [
        {"animal_id": record.id, "flag": flag, "position": k}
        for k, flag in enumerate(dict.fromkeys(record.flags))
    ]


def attribute_rows(record: AnimalRecord) -> list[dict[str, Any]]:
    """``animal_attribute`` rows for the extra (non-standard) columns of ``record``."""
    return [
        {"animal_id": record.id, "name": name, "value": value}
        for name, value in record.extra.items()
    ]


def _parent(kind: str, known: str | None, candidates: Sequence[tuple[str, float]]) -> ParentSpec:
    parent_kind = ParentKind(kind)
    if parent_kind is ParentKind.KNOWN:
        assert known is not None
        return ParentSpec.known(known)
    if parent_kind is ParentKind.MULT:
        return ParentSpec(ParentKind.MULT, tuple(candidates))
    return WILD if parent_kind is ParentKind.WILD else UNKNOWN


def record_from_columns(
    columns: Mapping[str, Any],
    candidates: Mapping[str, Sequence[tuple[str, float]]] | None = None,
    flags: Iterable[str] = (),
    extra: Mapping[str, str] | None = None,
) -> AnimalRecord:
    """Build a record from one ``animal`` row (a mapping of column name to value).

    ``candidates`` maps ``"sire"``/``"dam"`` to the MULT candidates in cell order.
    """
    candidates = candidates or {}
    return AnimalRecord(
        id=columns["studbook_id"],
        sire=_parent(columns["sire_kind"], columns["sire_id"], candidates.get("sire", ())),
        dam=_parent(columns["dam_kind"], columns["dam_id"], candidates.get("dam", ())),
        sex=columns["sex"],
        birth_date=partial_date(columns["birth_date"], columns["birth_precision"]),
        birth_type=BirthType(columns["birth_type"]),
        death_date=partial_date(columns["death_date"], columns["death_precision"]),
        alive=columns["alive"],
        location=columns["location_id"] or "",
        house_name=columns["house_name"],
        hypothetical=bool(columns["hypothetical"]),
        founder=columns["founder"],
        flags=tuple(flags),
        notes=columns["notes"],
        extra=dict(extra or {}),
    )
