"""The studbook's tables as SQLAlchemy Core clauses, for reading without the ORM.

Every command that reads the studbook (``census``, ``animals``, ``animal ID``, the analyses)
selects rows with these clauses: they need only SQLAlchemy Core, while importing the ORM and the
models of :mod:`db.models` costs a command about 0.15 s more. Each clause names a table of
:mod:`db.models` with the same columns and types (the types convert dates and booleans on every
backend, as the models' do); ``tests/db/test_tables.py`` checks both agree, so :mod:`db.models`
stays the one definition of the schema and a change there that these miss fails a test.
Writing goes through the models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from sqlalchemy import JSON, Boolean, Date, Float, Integer, String, Text, column, table

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

__all__ = [
    "ANIMAL",
    "ANIMAL_ATTRIBUTE",
    "ANIMAL_FLAG",
    "ASSUMPTION",
    "ASSUMPTION_SET",
    "BREEDING_HOLD",
    "EVENT",
    "EXTRA_COLUMN",
    "HYPOTHETICAL_ANIMAL",
    "INSTITUTION",
    "PARENT_CANDIDATE",
    "PLAN_ISSUE",
    "PLAN_RECOMMENDATION",
    "PROGRAMME_SETTING",
    "Reader",
]

Reader: TypeAlias = "Session | Connection"
"""What the read functions take: an ORM session (which flushes pending changes before it reads)
or a Core connection."""

ANIMAL = table(
    "animal",
    column("studbook_id", String),
    column("entry_order", Integer),
    column("sex", String),
    column("birth_date", Date),
    column("birth_precision", String),
    column("birth_type", String),
    column("death_date", Date),
    column("death_precision", String),
    column("alive", Boolean),
    column("location_id", String),
    column("house_name", String),
    column("hypothetical", Boolean),
    column("founder", Boolean),
    column("notes", Text),
    column("sire_kind", String),
    column("sire_id", String),
    column("dam_kind", String),
    column("dam_id", String),
    column("version_id", Integer),
)
PARENT_CANDIDATE = table(
    "parent_candidate",
    column("child_id", String),
    column("role", String),
    column("parent_id", String),
    column("position", Integer),
    column("probability", Float),
)
ANIMAL_FLAG = table(
    "animal_flag", column("animal_id", String), column("flag", String), column("position", Integer)
)
ANIMAL_ATTRIBUTE = table(
    "animal_attribute", column("animal_id", String), column("name", String), column("value", Text)
)
EXTRA_COLUMN = table("extra_column", column("name", String), column("position", Integer))
EVENT = table(
    "event",
    column("id", Integer),
    column("animal_id", String),
    column("event", String),
    column("event_date", Date),
    column("event_precision", String),
    column("institution_id", String),
    column("from_institution_id", String),
    column("local_id", String),
    column("cause", String),
    column("notes", Text),
    column("sequence", Integer),
)
INSTITUTION = table(
    "institution",
    column("mnemonic", String),
    column("name", String),
    column("country", String),
    column("region", String),
    column("version_id", Integer),
)
PROGRAMME_SETTING = table("programme_setting", column("key", String), column("value", Text))
ASSUMPTION_SET = table("assumption_set", column("name", String), column("note", Text))
ASSUMPTION = table(
    "assumption",
    column("set_name", String),
    column("animal_id", String),
    column("field", String),
    column("true_value", Text),
    column("assumed_value", Text),
    column("note", Text),
)
HYPOTHETICAL_ANIMAL = table(
    "hypothetical_animal",
    column("set_name", String),
    column("animal_id", String),
    column("sex", String),
    column("note", Text),
)
BREEDING_HOLD = table(
    "breeding_hold",
    column("id", Integer),
    column("animal_id", String),
    column("kind", String),
    column("reason", String),
    column("start_date", Date),
    column("end_date", Date),
)
PLAN_ISSUE = table(
    "plan_issue",
    column("version", Integer),
    column("issued_on", Date),
    column("issued_by", String),
    column("settings", JSON),
    column("figures", JSON),
    column("note", String),
)
PLAN_RECOMMENDATION = table(
    "plan_recommendation",
    column("plan_version", Integer),
    column("number", Integer),
    column("male_id", String),
    column("female_id", String),
    column("moving", String),
    column("move_from", String),
    column("move_to", String),
    column("outcome", String),
    column("reason", String),
    column("recorded_on", Date),
)
