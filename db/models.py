"""The studbook's tables as typed SQLAlchemy models.

Keys are the studbook's own: an animal's primary key is its studbook id (text, never
renumbered; a temporary id that is replaced cascades to every reference), an institution's is
its mnemonic (at most 9 characters). Codes are stored as the ``value`` of the studbook's enums
(:class:`~studbook.parents.ParentKind`, :class:`~studbook.dates.DatePrecision`, ...) and every
code column has a CHECK constraint. Every constraint is named through the metadata's naming
convention so that Alembic can address it. Text lengths come from :mod:`studbook.limits`, which
the rules check before anything is written, so both backends take exactly the same values.

Parentage: ``sire_kind``/``dam_kind`` say what is known (known, unknown, wild, mult). A known
parent is in ``sire_id``/``dam_id``; MULT candidates with their probabilities are rows of
:class:`ParentCandidate`. Partial dates are a ``Date`` (the first day of the period) plus a
precision code.

Optimistic locking: :class:`Animal` and :class:`Institution` carry a ``version_id`` that
SQLAlchemy increments on every update and checks in the ``WHERE`` clause, so a second editor
working from a stale copy gets ``StaleDataError`` (raised as
:class:`~db.errors.EditConflictError` by :func:`db.session.session_scope`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import Enum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from studbook.assumptions import ASSUMABLE_FIELDS, SET_NAME_LENGTH
from studbook.dates import DatePrecision
from studbook.events import EventCode
from studbook.limits import (
    CAUSE_LENGTH,
    COLUMN_NAME_LENGTH,
    COUNTRY_LENGTH,
    FLAG_LENGTH,
    HOUSE_NAME_LENGTH,
    ID_LENGTH,
    INSTITUTION_NAME_LENGTH,
    LOCAL_ID_LENGTH,
    MNEMONIC_LENGTH,
    REGION_LENGTH,
)
from studbook.parents import ParentKind
from studbook.recommendations import HOLD_REASONS, OUTCOMES, REASON_LENGTH
from studbook.records import BirthType

__all__ = [
    "ID_LENGTH",
    "MNEMONIC_LENGTH",
    "Animal",
    "AnimalAttribute",
    "AnimalFlag",
    "AssumptionRow",
    "AssumptionSetRow",
    "AuditLog",
    "Base",
    "BreedingHold",
    "Event",
    "ExtraColumn",
    "HypotheticalAnimalRow",
    "Institution",
    "ParentCandidate",
    "PlanIssue",
    "PlanRecommendation",
    "ProgrammeSetting",
]


NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _one_of(column: str, values: Iterable[str]) -> str:
    # OR rather than IN: SQLite evaluates a CHECK's IN list about five times slower, which
    # doubles the time to import a large studbook.
    return " OR ".join(f"{column} = '{value}'" for value in values)


def _codes(column: str, enum: type[Enum], name: str | None = None) -> CheckConstraint:
    return CheckConstraint(
        _one_of(column, (member.value for member in enum)), name=name or f"{column}_code"
    )


def _date_with_precision(prefix: str) -> CheckConstraint:
    return CheckConstraint(
        f"{prefix}_date IS NOT NULL OR {prefix}_precision = 'unknown'",
        name=f"{prefix}_precision_without_date",
    )


class Base(DeclarativeBase):
    """Declarative base with the naming convention for every constraint."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Institution(Base):
    """A zoo or holder, identified by its mnemonic (``TALLINN``, ``MOSCOW``, ...)."""

    __tablename__ = "institution"

    mnemonic: Mapped[str] = mapped_column(String(MNEMONIC_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(INSTITUTION_NAME_LENGTH), default="")
    country: Mapped[str] = mapped_column(String(COUNTRY_LENGTH), default="")
    region: Mapped[str] = mapped_column(String(REGION_LENGTH), default="")
    """The regional association: EAZA, EARAZA, AZA, JAZA, ..."""
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        CheckConstraint(
            f"length(mnemonic) BETWEEN 1 AND {MNEMONIC_LENGTH}", name="mnemonic_length"
        ),
    )
    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012

    def __repr__(self) -> str:
        return f"Institution({self.mnemonic!r})"


class Animal(Base):
    """One animal ever recorded in the studbook (see the module docstring for the columns)."""

    __tablename__ = "animal"

    studbook_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    entry_order: Mapped[int] = mapped_column(Integer, index=True)
    """Order in which animals entered the studbook (file order on import); export keeps it."""
    sex: Mapped[str] = mapped_column(String(1), default="U")
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    birth_precision: Mapped[str] = mapped_column(String(7), default=DatePrecision.UNKNOWN.value)
    birth_type: Mapped[str] = mapped_column(String(7), default=BirthType.UNKNOWN.value)
    death_date: Mapped[dt.date | None] = mapped_column(Date)
    death_precision: Mapped[str] = mapped_column(String(7), default=DatePrecision.UNKNOWN.value)
    alive: Mapped[bool | None] = mapped_column(Boolean)
    """As recorded; ``None`` = not stated (living unless a death date is known)."""
    location_id: Mapped[str | None] = mapped_column(
        ForeignKey("institution.mnemonic", onupdate="CASCADE"), index=True
    )
    house_name: Mapped[str] = mapped_column(String(HOUSE_NAME_LENGTH), default="")
    hypothetical: Mapped[bool] = mapped_column(Boolean, default=False)
    founder: Mapped[bool | None] = mapped_column(Boolean)
    """Stated founder status; ``None`` = decided by ``studbook.records.is_assumed_founder``."""
    notes: Mapped[str] = mapped_column(Text, default="")
    sire_kind: Mapped[str] = mapped_column(String(7), default=ParentKind.UNKNOWN.value)
    sire_id: Mapped[str | None] = mapped_column(
        ForeignKey("animal.studbook_id", onupdate="CASCADE"), index=True
    )
    dam_kind: Mapped[str] = mapped_column(String(7), default=ParentKind.UNKNOWN.value)
    dam_id: Mapped[str | None] = mapped_column(
        ForeignKey("animal.studbook_id", onupdate="CASCADE"), index=True
    )
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    sire: Mapped[Animal | None] = relationship(
        foreign_keys=[sire_id], remote_side=[studbook_id], lazy="raise_on_sql"
    )
    dam: Mapped[Animal | None] = relationship(
        foreign_keys=[dam_id], remote_side=[studbook_id], lazy="raise_on_sql"
    )
    location: Mapped[Institution | None] = relationship(lazy="raise_on_sql")
    candidates: Mapped[list[ParentCandidate]] = relationship(
        foreign_keys="ParentCandidate.child_id",
        order_by=lambda: [ParentCandidate.role.desc(), ParentCandidate.position],
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    flags: Mapped[list[AnimalFlag]] = relationship(
        order_by="AnimalFlag.position", cascade="all, delete-orphan", lazy="selectin"
    )
    attributes: Mapped[list[AnimalAttribute]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (
        CheckConstraint(
            "studbook_id <> '' AND studbook_id NOT LIKE '%|%'", name="studbook_id_text"
        ),
        CheckConstraint(_one_of("sex", "MFU"), name="sex_code"),
        _codes("birth_precision", DatePrecision),
        _codes("death_precision", DatePrecision),
        _codes("birth_type", BirthType),
        _codes("sire_kind", ParentKind),
        _codes("dam_kind", ParentKind),
        _date_with_precision("birth"),
        _date_with_precision("death"),
        CheckConstraint(
            "death_date IS NULL OR birth_date IS NULL OR death_precision <> 'exact' "
            "OR death_date >= birth_date",
            name="death_not_before_birth",
        ),
        CheckConstraint("(sire_kind = 'known') = (sire_id IS NOT NULL)", name="sire_id_iff_known"),
        CheckConstraint("(dam_kind = 'known') = (dam_id IS NOT NULL)", name="dam_id_iff_known"),
        CheckConstraint(
            "sire_id IS NULL OR dam_id IS NULL OR sire_id <> dam_id", name="sire_is_not_dam"
        ),
        CheckConstraint(
            "(sire_id IS NULL OR sire_id <> studbook_id) "
            "AND (dam_id IS NULL OR dam_id <> studbook_id)",
            name="not_own_parent",
        ),
    )
    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012

    def __repr__(self) -> str:
        return f"Animal({self.studbook_id!r})"


class ParentCandidate(Base):
    """One possible parent of a MULT sire or dam, with its probability."""

    __tablename__ = "parent_candidate"

    child_id: Mapped[str] = mapped_column(
        ForeignKey("animal.studbook_id", onupdate="CASCADE", ondelete="CASCADE"),
        primary_key=True,
    )
    role: Mapped[str] = mapped_column(String(4), primary_key=True)
    parent_id: Mapped[str] = mapped_column(
        ForeignKey("animal.studbook_id", onupdate="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    """Order of the candidate in its cell, so that export writes the cell back unchanged."""
    probability: Mapped[float] = mapped_column(Float)

    __table_args__ = (
        CheckConstraint(_one_of("role", ("sire", "dam")), name="role_code"),
        CheckConstraint("probability >= 0 AND probability <= 1", name="probability_range"),
        CheckConstraint("parent_id <> child_id", name="not_own_parent"),
    )


class AnimalFlag(Base):
    """A founder flag on an animal, e.g. ``non-amur`` for a founder of another subspecies."""

    __tablename__ = "animal_flag"

    animal_id: Mapped[str] = mapped_column(
        ForeignKey("animal.studbook_id", onupdate="CASCADE", ondelete="CASCADE"),
        primary_key=True,
    )
    flag: Mapped[str] = mapped_column(String(FLAG_LENGTH), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (CheckConstraint("flag <> '' AND flag NOT LIKE '%;%'", name="flag_text"),)


class AnimalAttribute(Base):
    """A value of an extra CSV column (kept so that export writes the file back)."""

    __tablename__ = "animal_attribute"

    animal_id: Mapped[str] = mapped_column(
        ForeignKey("animal.studbook_id", onupdate="CASCADE", ondelete="CASCADE"),
        primary_key=True,
    )
    name: Mapped[str] = mapped_column(ForeignKey("extra_column.name"), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ExtraColumn(Base):
    """An extra column seen in an imported studbook file, in the order it was first seen."""

    __tablename__ = "extra_column"

    name: Mapped[str] = mapped_column(String(COLUMN_NAME_LENGTH), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, unique=True)


class Event(Base):
    """A dated event in an animal's life: birth, capture, transfer, loan, death, release, ...

    ``institution_id`` is where the event happened (for a transfer or loan: the destination);
    ``from_institution_id`` is the previous holder of a transfer or loan when known.
    ``sequence`` is the order in which events were recorded (file order on import).
    """

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    animal_id: Mapped[str] = mapped_column(
        ForeignKey("animal.studbook_id", onupdate="CASCADE", ondelete="CASCADE")
    )
    event: Mapped[str] = mapped_column(String(20))
    event_date: Mapped[dt.date | None] = mapped_column(Date)
    event_precision: Mapped[str] = mapped_column(String(7), default=DatePrecision.UNKNOWN.value)
    institution_id: Mapped[str | None] = mapped_column(
        ForeignKey("institution.mnemonic", onupdate="CASCADE"), index=True
    )
    from_institution_id: Mapped[str | None] = mapped_column(
        ForeignKey("institution.mnemonic", onupdate="CASCADE")
    )
    local_id: Mapped[str] = mapped_column(String(LOCAL_ID_LENGTH), default="")
    cause: Mapped[str] = mapped_column(String(CAUSE_LENGTH), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    sequence: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        _codes("event", EventCode, name="event_code"),
        _codes("event_precision", DatePrecision),
        _date_with_precision("event"),
        CheckConstraint(
            "from_institution_id IS NULL OR institution_id IS NULL "
            "OR from_institution_id <> institution_id",
            name="moves_somewhere",
        ),
        Index("ix_event_animal_date", "animal_id", "event_date"),
    )


class AuditLog(Base):
    """Who changed what, when: one row per inserted, deleted or changed field of a record.

    ``action`` is ``insert``, ``update``, ``delete`` or ``import`` (a bulk import: one row per
    imported record, with the source file in ``new_value``). For ``update``, ``field`` names
    the column and ``old_value``/``new_value`` hold the values as text. ``software`` names the
    program and version that made the change (``studbook 0.1.0``); it is empty for a change
    made with plain SQL, which the PostgreSQL triggers log.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    who: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(6))
    table_name: Mapped[str] = mapped_column(String(50))
    row_key: Mapped[str] = mapped_column(String(200))
    field: Mapped[str | None] = mapped_column(String(50))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    software: Mapped[str | None] = mapped_column(String(40))

    __table_args__ = (
        CheckConstraint(
            _one_of("action", ("insert", "update", "delete", "import")), name="action_code"
        ),
        Index("ix_audit_log_row", "table_name", "row_key"),
    )


class ProgrammeSetting(Base):
    """One of the programme's settings (species profile, caps, limits) as its text form.

    Key/value rather than a column per setting: the core (:mod:`studbook.settings`) is the one
    place that knows each setting's type, range and default, and checks every value written or
    read; a new setting needs no migration; and the audit log records each change as the text a
    keeper typed. Settings not stored keep their defaults.
    """

    __tablename__ = "programme_setting"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text)

    __table_args__ = (CheckConstraint("key <> ''", name="key_text"),)


class AssumptionSetRow(Base):
    """A named set of pedigree assumptions (:mod:`studbook.assumptions`), kept apart from the
    record: the analyses apply one when the setting ``assumption_set`` or a run names it."""

    __tablename__ = "assumption_set"

    name: Mapped[str] = mapped_column(String(SET_NAME_LENGTH), primary_key=True)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (CheckConstraint("name <> ''", name="name_text"),)


class AssumptionRow(Base):
    """The value assumed for one field of one animal in one set, the record's value when it was
    made (``true_value``) and why (``note``). Values are cells as ``docs/csv-format.md`` writes
    them; the core reads and checks them."""

    __tablename__ = "assumption"

    set_name: Mapped[str] = mapped_column(
        ForeignKey("assumption_set.name", onupdate="CASCADE", ondelete="CASCADE"),
        primary_key=True,
    )
    animal_id: Mapped[str] = mapped_column(
        ForeignKey("animal.studbook_id", onupdate="CASCADE", ondelete="CASCADE"),
        primary_key=True,
    )
    field: Mapped[str] = mapped_column(String(20), primary_key=True)
    true_value: Mapped[str] = mapped_column(Text, default="")
    assumed_value: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint(_one_of("field", ASSUMABLE_FIELDS), name="field_code"),
        Index("ix_assumption_animal", "animal_id"),
    )


class HypotheticalAnimalRow(Base):
    """A placeholder animal of one assumption set (e.g. ``H1``, a litter's one unknown sire);
    never in the record's ``animal`` table."""

    __tablename__ = "hypothetical_animal"

    set_name: Mapped[str] = mapped_column(
        ForeignKey("assumption_set.name", onupdate="CASCADE", ondelete="CASCADE"),
        primary_key=True,
    )
    animal_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    sex: Mapped[str] = mapped_column(String(1), default="U")
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint(_one_of("sex", ("M", "F", "U")), name="sex_code"),
        CheckConstraint("animal_id <> ''", name="id_text"),
    )


class BreedingHold(Base):
    """An animal marked not to breed, why, and from when until when (both ends included,
    ``NULL`` = open); see :class:`studbook.recommendations.BreedingHold`."""

    __tablename__ = "breeding_hold"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    animal_id: Mapped[str] = mapped_column(
        ForeignKey("animal.studbook_id", onupdate="CASCADE", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(REASON_LENGTH), default="")
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint(_one_of("kind", HOLD_REASONS), name="kind_code"),
        CheckConstraint(
            "start_date IS NULL OR end_date IS NULL OR end_date >= start_date",
            name="ends_after_start",
        ),
    )


class PlanIssue(Base):
    """A breeding plan as issued: its version (1, 2, ...), date, author, the settings it used
    (key -> text) and its headline figures (name -> number), both as JSON."""

    __tablename__ = "plan_issue"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    issued_by: Mapped[str] = mapped_column(String(100))
    settings: Mapped[dict[str, str]] = mapped_column(JSON)
    figures: Mapped[dict[str, float | int]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(REASON_LENGTH), default="")

    __table_args__ = (CheckConstraint("version >= 1", name="version_positive"),)


class PlanRecommendation(Base):
    """One recommended pair of an issued plan, the move it implies and its outcome."""

    __tablename__ = "plan_recommendation"

    plan_version: Mapped[int] = mapped_column(
        ForeignKey("plan_issue.version", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    male_id: Mapped[str] = mapped_column(
        ForeignKey("animal.studbook_id", onupdate="CASCADE"), index=True
    )
    female_id: Mapped[str] = mapped_column(
        ForeignKey("animal.studbook_id", onupdate="CASCADE"), index=True
    )
    moving: Mapped[str] = mapped_column(String(ID_LENGTH), default="")
    """The id of the animal the pair moves (``''``: none)."""
    move_from: Mapped[str] = mapped_column(String(MNEMONIC_LENGTH), default="")
    move_to: Mapped[str] = mapped_column(String(MNEMONIC_LENGTH), default="")
    outcome: Mapped[str] = mapped_column(String(13), default="open")
    reason: Mapped[str] = mapped_column(String(REASON_LENGTH), default="")
    recorded_on: Mapped[dt.date | None] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint(_one_of("outcome", OUTCOMES), name="outcome_code"),
        CheckConstraint("moving = '' OR moving = male_id OR moving = female_id", name="mover"),
        CheckConstraint("male_id <> female_id", name="two_animals"),
    )
