"""The audit log: who changed what, when, and the old and new values.

Every change made through the ORM (the editing services, the UI) is logged by a session hook
installed on the session factory (:func:`install_audit_hooks`): after each flush it writes one
``insert`` row per new record, one ``delete`` row per deleted record, and one ``update`` row per
changed column with the old and the new value. The author is ``Session.info["studbook_user"]``
(set by :func:`db.session.make_session_factory`; override per session with :func:`set_user`).

On PostgreSQL, changes made outside studbook (``psql``, other programs) are logged too, by the
row triggers of migration 0003: studbook marks its own transactions (:data:`AUDITED_SETTING`),
and the triggers log, as ``sql:<role>``, every change made in a transaction without the mark.

Bulk imports write with Core statements, which bypass the ORM; the importer logs each of them with
:func:`log_import` (one ``import`` row per table and import, naming the file, the count and, for
animals, the range of entry order they were given).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, insert, inspect, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import flag_modified

from db.models import (
    Animal,
    AnimalAttribute,
    AnimalFlag,
    AssumptionRow,
    AssumptionSetRow,
    AuditLog,
    Base,
    BreedingHold,
    Event,
    ExtraColumn,
    HypotheticalAnimalRow,
    Institution,
    ParentCandidate,
    PlanIssue,
    PlanRecommendation,
    ProgrammeSetting,
)
from db.session import USER_KEY, current_user
from studbook.present import counted

__all__ = [
    "AUDITED_SETTING",
    "history",
    "imports",
    "install_audit_hooks",
    "log_import",
    "row_key",
    "set_user",
    "touch",
]

_SKIPPED_COLUMNS = frozenset({"version_id"})


def set_user(session: Session, user: str) -> None:
    """Record ``user`` as the author of the changes this session makes from now on."""
    session.info[USER_KEY] = user


_TOUCHED = "studbook_touched"


def touch(session: Session, obj: Base, key: str) -> None:
    """Make the next flush update ``obj``'s row even if nothing else changed, so that the row's
    version counter is checked and bumped. A real change of ``key`` already does that and is
    logged as usual; an unchanged ``key`` is flagged and the audit log records nothing for it."""
    if inspect(obj).attrs[key].history.has_changes():
        return
    flag_modified(obj, key)
    session.info.setdefault(_TOUCHED, set()).add((id(obj), key))


def _who(session: Session) -> str:
    """The operating-system user, and the name given with ``--user`` when that differs."""
    login = current_user()
    named = str(session.info.get(USER_KEY) or login)
    return login if named == login else f"{login} as {named}"[:100]


def row_key(obj: Base) -> str:
    """A readable key for a record: studbook id, mnemonic, or a composite for child rows."""
    if isinstance(obj, Animal):
        return obj.studbook_id
    if isinstance(obj, Institution):
        return obj.mnemonic
    if isinstance(obj, Event):
        return f"{obj.animal_id}/{obj.id}"
    if isinstance(obj, ParentCandidate):
        return f"{obj.child_id}/{obj.role}/{obj.parent_id}"
    if isinstance(obj, AnimalFlag):
        return f"{obj.animal_id}/{obj.flag}"
    if isinstance(obj, AnimalAttribute):
        return f"{obj.animal_id}/{obj.name}"
    if isinstance(obj, ExtraColumn):
        return obj.name
    if isinstance(obj, ProgrammeSetting):
        return obj.key
    if isinstance(obj, AssumptionSetRow):
        return obj.name
    if isinstance(obj, AssumptionRow):
        return f"{obj.set_name}/{obj.animal_id}/{obj.field}"
    if isinstance(obj, HypotheticalAnimalRow):
        return f"{obj.set_name}/{obj.animal_id}"
    if isinstance(obj, BreedingHold):
        return f"{obj.animal_id}/hold/{obj.id}"
    if isinstance(obj, PlanRecommendation):
        return f"plan {obj.plan_version}/{obj.number}"
    if isinstance(obj, PlanIssue):
        return f"plan {obj.version}"
    identity = inspect(obj).identity
    return "/".join(str(part) for part in identity or ())


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _columns(obj: Base) -> list[str]:
    return [
        attr.key for attr in inspect(obj).mapper.column_attrs if attr.key not in _SKIPPED_COLUMNS
    ]


def _summary(obj: Base) -> str:
    """``column=value`` pairs of the record's set columns, for insert and delete rows."""
    parts = []
    for key in _columns(obj):
        value = _text(getattr(obj, key, None))
        if value not in (None, ""):
            parts.append(f"{key}={value}")
    return "; ".join(parts)


@cache
def software() -> str:
    """The program and version recorded with every change: ``studbook <version>``."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"studbook {version('studbook')}"
    except PackageNotFoundError:
        return "studbook (not installed)"


def _audit_rows(session: Session) -> list[dict[str, Any]]:
    who = _who(session)
    at = dt.datetime.now(dt.UTC)
    rows: list[dict[str, Any]] = []

    def add(action: str, obj: Base, field: str | None, old: str | None, new: str | None) -> None:
        rows.append(
            {
                "at": at,
                "who": who,
                "action": action,
                "table_name": obj.__tablename__,
                "row_key": row_key(obj),
                "field": field,
                "old_value": old,
                "new_value": new,
                "software": software(),
            }
        )

    for obj in session.new:
        if isinstance(obj, Base) and not isinstance(obj, AuditLog):
            add("insert", obj, None, None, _summary(obj))
    for obj in session.deleted:
        if isinstance(obj, Base) and not isinstance(obj, AuditLog):
            add("delete", obj, None, _summary(obj), None)
    touched = session.info.pop(_TOUCHED, set())
    for obj in session.dirty:
        if not isinstance(obj, Base) or isinstance(obj, AuditLog):
            continue
        state = inspect(obj)
        for key in _columns(obj):
            changes = state.attrs[key].history
            if not changes.has_changes():
                continue
            if not changes.deleted and (id(obj), key) in touched:
                continue
            old = changes.deleted[0] if changes.deleted else None
            new = changes.added[0] if changes.added else None
            if _text(old) != _text(new):
                add("update", obj, key, _text(old), _text(new))
    return rows


def _after_flush(session: Session, _context: Any) -> None:
    rows = _audit_rows(session)
    if rows:
        session.connection().execute(insert(AuditLog), rows)


AUDITED_SETTING = "studbook.audited"
"""PostgreSQL setting that marks a transaction as studbook's own (it logs its changes itself);
the triggers of migration 0003 log every change made in a transaction without it."""


def _mark_audited(_session: Session, _transaction: Any, connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT set_config('{AUDITED_SETTING}', 'on', true)")


def install_audit_hooks(factory: sessionmaker[Session]) -> None:
    """Log every ORM change made by sessions of ``factory``, and mark their transactions as
    logged so that PostgreSQL's direct-SQL triggers leave them alone (idempotent)."""
    from sqlalchemy import event

    # The mark lives on the factory's own Session class, which dies with it. Asking SQLAlchemy's
    # event registry instead (event.contains) keys on id(): a new factory at the address of a
    # collected one could be taken as already hooked, and its changes go unlogged.
    if factory.class_.__dict__.get("_studbook_audited", False):
        return
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "after_begin", _mark_audited)
    factory.class_._studbook_audited = True  # type: ignore[attr-defined]


def log_import(session: Session, table: str, count: int, note: str) -> None:
    """Log a bulk import into ``table``: one ``import`` row with the count and ``note`` (the
    source file and, for animals, their entry-order range).

    One row per import rather than per record: the records themselves carry the data, and a row
    per record would add a third to the time of a large import.
    """
    if count <= 0:
        return
    session.execute(
        insert(AuditLog).values(
            at=dt.datetime.now(dt.UTC),
            who=_who(session),
            action="import",
            table_name=table,
            row_key="*",
            field=None,
            old_value=None,
            new_value=f"{counted(count, table + ' row')} {note}",
            software=software(),
        )
    )


def imports(session: Session) -> Sequence[AuditLog]:
    """The import rows of the audit log, oldest first."""
    stmt = select(AuditLog).where(AuditLog.action == "import").order_by(AuditLog.id)
    return session.scalars(stmt).all()


def history(session: Session, key: str, table: str | None = None) -> Sequence[AuditLog]:
    """Every audit row about a record, oldest first: an animal's (or institution's) own rows and
    those of its child rows (MULT candidates, flags, events), whose keys start ``"<key>/"``.
    ``table`` restricts the rows to one table (``"animal"``, ``"event"``, ``"institution"``)."""
    stmt = select(AuditLog).where(
        (AuditLog.row_key == key) | AuditLog.row_key.startswith(f"{key}/", autoescape=True)
    )
    if table is not None:
        stmt = stmt.where(AuditLog.table_name == table)
    return session.scalars(stmt.order_by(AuditLog.id)).all()
