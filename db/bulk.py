"""Writing many rows at once inside the session's transaction.

SQLite gets one ``INSERT`` per table run through the sqlite3 driver's C ``executemany``, values
converted by the column types exactly as SQLAlchemy stores them (the ORM's bulk insert splits
the rows into one statement per pattern of NULLs and spends most of its time building
parameters).
PostgreSQL gets the same rows through ``COPY ... FROM STDIN`` on the session's own connection:
psycopg 3 sends an ``executemany`` as one statement per row, about twenty times slower than
``COPY`` for a large studbook. ``COPY`` skips SQLAlchemy's Python-side column defaults, so they
are filled in here. Either way the rows are part of the caller's transaction and the database
checks every constraint.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from db.models import Base

__all__ = ["bulk_insert", "defer_foreign_keys"]


def _missing_defaults(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """Python-side scalar defaults of the columns ``row`` leaves out."""
    return {
        c.key: c.default.arg
        for c in table.columns
        if c.key not in row and isinstance(c.default, ScalarElementColumnDefault)
    }


def _sqlite_executemany(
    connection: Connection, table: Table, rows: Sequence[dict[str, Any]]
) -> None:
    """One sqlite3 ``executemany`` with values converted column by column by each column type's
    bind processor: what Core's ``insert`` does, without its per-row parameter bookkeeping."""
    dialect = connection.dialect
    defaults = _missing_defaults(table, rows[0])
    columns = [c for c in table.columns if c.key in rows[0]]
    columns += [table.c[key] for key in defaults]
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    keys = [c.key for c in columns]
    preparer = dialect.identifier_preparer
    names = ", ".join(preparer.quote(c.name) for c in columns)
    marks = ", ".join("?" for _ in columns)
    statement = f"INSERT INTO {preparer.format_table(table)} ({names}) VALUES ({marks})"
    converted = []
    for key, process in zip(keys, processors, strict=True):
        if key in defaults:
            value = defaults[key]
            converted.append([process(value) if process else value] * len(rows))
            continue
        cells = [row[key] for row in rows]
        if process is not None:
            cells = [None if cell is None else process(cell) for cell in cells]
        converted.append(cells)
    values = list(zip(*converted, strict=True))
    connection.exec_driver_sql(statement, values)


def bulk_insert(
    session: Session,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    *,
    chunk: int = 10_000,
    on_chunk: Callable[[int], None] | None = None,
) -> None:
    """Insert ``rows`` (dictionaries with the same keys) into ``model``'s table.

    ``on_chunk(n)`` is called after every ``chunk`` rows (and the last, shorter run) with the
    number of rows written so far. Rows may refer to each other in any order when the caller
    has deferred foreign keys (:func:`defer_foreign_keys`): on PostgreSQL the whole table goes
    in one ``COPY``, whose foreign keys are checked at its end.
    """
    if not rows:
        return
    connection = session.connection()
    table = model.__table__
    assert isinstance(table, Table)
    if connection.dialect.name != "postgresql":
        for start in range(0, len(rows), chunk):
            _sqlite_executemany(connection, table, rows[start : start + chunk])
            if on_chunk is not None:
                on_chunk(min(start + chunk, len(rows)))
        return
    preparer = connection.dialect.identifier_preparer
    defaults = _missing_defaults(table, rows[0])
    columns = [*rows[0], *defaults]
    names = ", ".join(preparer.quote(c) for c in columns)
    statement = f"COPY {preparer.format_table(table)} ({names}) FROM STDIN"
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for k, row in enumerate(rows, start=1):
            copy.write_row([row[c] if c in row else defaults[c] for c in columns])
            if on_chunk is not None and (k % chunk == 0 or k == len(rows)):
                on_chunk(k)


def defer_foreign_keys(session: Session) -> None:
    """Check SQLite's foreign keys at commit instead of row by row, for this transaction only
    (PostgreSQL checks a ``COPY``'s foreign keys at its end anyway)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        driver = connection.connection.driver_connection
        # The sqlite3 module opens its transaction only at the first write, and the pragma
        # lasts only until the end of the current transaction.
        if driver is not None and not driver.in_transaction:
            connection.exec_driver_sql("BEGIN")
        connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
