"""Errors raised by the database layer, in the :class:`~studbook.errors.StudbookError` family."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Sequence

from studbook.errors import Problem, StudbookError
from studbook.present import counted

__all__ = [
    "DatabaseSchemaError",
    "EditConflictError",
    "ExportTargetError",
    "InvalidEditError",
    "RecordNotFoundError",
    "database_failure",
]


class EditConflictError(StudbookError):
    """Someone else changed the record since it was read; nothing of this edit was written.

    ``table`` and ``key`` name the record when known. Reload it and apply the change again.
    """

    def __init__(self, table: str = "", key: str = "", detail: str = "") -> None:
        self.table = table
        self.key = key
        what = f"{table} {key!r}" if table else "a record"
        extra = f" ({detail})" if detail else ""
        super().__init__(
            f"{what} was changed by someone else since you loaded it{extra}; "
            "nothing was written: reload it and make your change again"
        )

    @classmethod
    def from_stale(cls, exc: Exception) -> EditConflictError:
        """Wrap SQLAlchemy's ``StaleDataError`` (raised when a version check fails at flush)."""
        return cls(detail=str(exc).split("\n")[0])


class InvalidEditError(StudbookError):
    """An edit broke a studbook rule; ``problems`` lists every reason. Nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        shown = "\n".join(f"  {p}" for p in errors)
        super().__init__(f"the change was refused ({counted(len(errors), 'error')}):\n{shown}")


class RecordNotFoundError(StudbookError, KeyError):
    """No animal or institution with that id is in the database."""

    def __init__(self, table: str, key: str) -> None:
        self.table = table
        self.key = key
        super().__init__(f"no {table} {key!r} in the studbook")

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return str(self.args[0])


class DatabaseSchemaError(StudbookError):
    """The database has not been created, or its schema is older or newer than this program."""


class ExportTargetError(StudbookError):
    """An export was asked to write onto the studbook database itself; nothing was written."""

    def __init__(self, target: str, database: str) -> None:
        self.target = target
        self.database = database
        super().__init__(
            f"refusing to export to {target}: that is the studbook database ({database}); "
            "choose another file name"
        )


def database_failure(error: BaseException) -> str | None:
    """What went wrong with the database, in words a keeper can act on; ``None`` when
    ``error`` is not a database failure.

    Covers what SQLite and PostgreSQL report when the disk is full, the file or role is
    read-only, another writer holds the lock too long, the file is damaged, or the server is
    gone; every such failure rolled its transaction back, so nothing was written.
    """
    errors = sys.modules.get("sqlalchemy.exc")
    is_dbapi = errors is not None and isinstance(error, errors.DBAPIError)
    is_sqlite = isinstance(error, sqlite3.Error)
    if not (is_dbapi or is_sqlite or isinstance(error, OSError)):
        return None
    original = getattr(error, "orig", None) or error
    text = (
        str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    )
    lowered = text.lower()
    for needles, meaning in _FAILURES:
        if any(n in lowered for n in needles):
            return f"{meaning} ({text})"
    if isinstance(error, OSError) and not (is_dbapi or is_sqlite):
        return None
    return f"the database refused the operation ({text})"


_FAILURES: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("database is locked", "database table is locked", "lock timeout", "deadlock"),
        "the database stayed locked by another writer (an import or another editor) for longer "
        "than studbook waits; try again when it has finished",
    ),
    (
        ("readonly database", "read-only", "permission denied", "insufficient privilege"),
        "the database may not be changed with these rights (a read-only file or a read-only "
        "role); ask the studbook keeper, or use a keeper's account",
    ),
    (
        ("database or disk is full", "no space left", "disk quota", "disk full"),
        "the disk holding the database is full; free some space and try again",
    ),
    (
        ("malformed", "file is not a database", "disk i/o error", "corrupt"),
        "the database file is damaged or unreadable; restore it from a backup and check the disk",
    ),
    (
        ("connection", "server closed", "terminating", "could not connect"),
        "the connection to the database server was lost; check that the server is running and "
        "reachable",
    ),
)
