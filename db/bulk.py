"""Writing many rows at once inside the session's transaction.

SQLite takes ``session.execute(insert(Model), rows)`` (the sqlite3 driver's C ``executemany``).
PostgreSQL gets the same rows through ``COPY ... FROM STDIN`` on the session's own connection:
psycopg 3 sends an ``executemany`` as one statement per row, about twenty times slower than
``COPY`` for a large studbook. ``COPY`` skips SQLAlchemy's Python-side column defaults, so they
are filled in here. Either way the rows are part of the caller's transaction and the database
checks every constraint.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from db.models import Base

__all__ = ["bulk_insert"]


def bulk_insert(session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dictionaries with the same keys) into ``model``'s table."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(model), rows)
        return
    table = model.__table__
    assert isinstance(table, Table)
    preparer = connection.dialect.identifier_preparer
    columns = list(rows[0])
    defaults = {
        c.key: c.default.arg
        for c in table.columns
        if c.key not in rows[0] and c.default is not None and c.default.is_scalar
    }
    columns += defaults
    names = ", ".join(preparer.quote(c) for c in columns)
    statement = f"COPY {preparer.format_table(table)} ({names}) FROM STDIN"
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[c] if c in row else defaults[c] for c in columns])
