"""Opening an existing studbook database, with a reason and a fix when it cannot be used.

The command line and the terminal UI open databases the same way: :func:`open_studbook` checks
that an SQLite file exists (so a mistyped path is reported, not silently created), that the
server answers, that the database is not locked, and that its schema is the one this program
knows (missing, older and newer schemas are told apart).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from db.errors import DatabaseSchemaError
from db.migrate import current_revision, ini_path, require_current
from db.session import make_engine, resolve_url
from studbook.errors import StudbookError

__all__ = ["DatabaseUnavailableError", "open_studbook", "schema_is_newer"]


class DatabaseUnavailableError(StudbookError):
    """The database cannot be used: ``reason`` says why, ``hint`` what to do about it."""

    def __init__(self, url: str, reason: str, hint: str) -> None:
        super().__init__(f"{url}: {reason} {hint}")
        self.url = url
        self.reason = reason
        self.hint = hint


def schema_is_newer(engine: Engine) -> bool:
    """Whether the database is at a migration this program does not know (made by a newer one)."""
    current = current_revision(engine)
    if current is None:
        return False
    try:
        ScriptDirectory.from_config(Config(str(ini_path()))).get_revision(current)
    except CommandError:
        return True
    return False


def _is_locked(error: BaseException) -> bool:
    text = str(getattr(error, "orig", error)).lower()
    return "locked" in text or "busy" in text


def open_studbook(url: str | None = None, *, timeout: float = 5.0) -> Engine:
    """An engine for an existing, current studbook at ``url`` (see :func:`db.session.resolve_url`).

    Raises :class:`DatabaseUnavailableError` when the SQLite file does not exist, the URL is
    unusable, the server does not answer, the database is locked, or its schema is missing,
    older or newer than this program.
    """
    resolved = resolve_url(url)
    try:
        parsed = make_url(resolved)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseUnavailableError(
            "the database URL",
            f"The URL given with --db or STUDBOOK_DB_URL cannot be read ({exc}).",
            "Write it as a file path or as dialect+driver://user@host:port/database.",
        ) from exc
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ""
        on_disk = path and path != ":memory:" and not path.startswith("file:")
        if on_disk and not Path(path).is_file():
            raise DatabaseUnavailableError(
                shown,
                f"There is no studbook database at {path}.",
                "Check the path given with --db or STUDBOOK_DB_URL, or create one with "
                "'studbook init' and 'studbook import FILE.csv'.",
            )
        connect_args: dict[str, object] = {"timeout": timeout}
    else:
        connect_args = {"connect_timeout": max(round(timeout), 1)}
    try:
        engine = make_engine(resolved, connect_args=connect_args)
    except Exception as exc:
        raise DatabaseUnavailableError(
            shown, f"This database URL cannot be used: {exc}.", "Correct the URL."
        ) from exc
    try:
        require_current(engine)
    except DatabaseSchemaError as exc:
        newer = schema_is_newer(engine)
        engine.dispose()
        if newer:
            raise DatabaseUnavailableError(
                shown,
                "This studbook was written by a newer version of studbook (its schema is newer "
                "than this program knows).",
                "Install the newer studbook to open it; this version will not touch it.",
            ) from exc
        raise DatabaseUnavailableError(shown, f"{exc}.", "") from exc
    except (DBAPIError, sqlite3.Error) as exc:
        engine.dispose()
        if _is_locked(exc):
            raise DatabaseUnavailableError(
                shown,
                "The database is locked by another program (an import or another editor is "
                "writing to it).",
                "Wait for it to finish or close it, then try again.",
            ) from exc
        detail = getattr(exc, "orig", exc)
        raise DatabaseUnavailableError(
            shown,
            f"The database cannot be read: {detail}",
            "Check that it is a studbook database and that the server is reachable.",
        ) from exc
    return engine
