"""Engines and sessions: nothing connects at import time.

The command line and the UI call :func:`make_engine` once with the URL the user chose
(``--db``, else ``STUDBOOK_DB_URL``, else an SQLite file in the user data directory: see
:func:`default_url`), build a factory with :func:`make_session_factory`, and run each unit of
work in :func:`session_scope`, which commits or rolls back as one transaction.

SQLite enforces foreign keys only when each connection says ``PRAGMA foreign_keys=ON``; the
engine's ``connect`` event does that for every connection it opens.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from db.errors import EditConflictError

if TYPE_CHECKING:
    # The ORM loads with the first session factory: a command that only reads the studbook
    # opens an engine and a Core connection (db.repository) and never pays for it.
    from sqlalchemy.orm import Session, sessionmaker

__all__ = [
    "ENV_URL",
    "begin_writing",
    "current_user",
    "default_url",
    "make_engine",
    "make_session_factory",
    "resolve_url",
    "session_scope",
]

ENV_URL = "STUDBOOK_DB_URL"
"""Environment variable that overrides the default database URL."""

USER_KEY = "studbook_user"
"""Key in ``Session.info`` naming who makes the changes (written to the audit log)."""


def default_url() -> str:
    """The SQLite database in the user data directory (created on first use).

    Linux: ``~/.local/share/studbook/studbook.sqlite3``; platformdirs picks the right place on
    macOS and Windows.
    """
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir('studbook', appauthor=False)) / 'studbook.sqlite3'}"


def resolve_url(url: str | None = None) -> str:
    """The database URL to use: ``url`` if given, else ``$STUDBOOK_DB_URL``, else the default.

    A plain file path (no ``://``) is taken as an SQLite file.
    """
    chosen = url or os.environ.get(ENV_URL) or default_url()
    if "://" not in chosen:
        chosen = f"sqlite:///{Path(chosen).expanduser().resolve()}"
    return chosen


def _create_private_file(path: Path) -> None:
    """Create a new SQLite file readable by its owner only (0600), in folders created 0700.

    A studbook holds a programme's records; other users of the machine get no access unless
    the keeper grants it. Existing files and folders keep their permissions.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` (see :func:`resolve_url`); ``kwargs`` go to ``create_engine``.

    For SQLite files the parent directory is created, and every connection enables foreign
    keys. PostgreSQL URLs use psycopg 3 (``postgresql+psycopg://user:pw@host/db``); a bare
    ``postgresql://`` URL is switched to that driver.
    """
    parsed = make_url(resolve_url(url))
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() != "psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            _create_private_file(Path(database))
    engine = create_engine(parsed, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def current_user() -> str:
    """The operating-system user name, the default author of changes."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def make_session_factory(engine: Engine, user: str | None = None) -> sessionmaker[Session]:
    """A session factory bound to ``engine`` whose sessions record ``user`` in the audit log.

    ``expire_on_commit=False`` so records read in a unit of work stay usable afterwards (the UI
    shows them after the session has closed).
    """
    from sqlalchemy.orm import sessionmaker

    from db.audit import install_audit_hooks

    factory = sessionmaker(
        bind=engine, expire_on_commit=False, info={USER_KEY: user or current_user()}
    )
    install_audit_hooks(factory)
    return factory


WRITER_LOCK = 0x5354_5544_424F_4F4B
"""PostgreSQL advisory-lock key that one writing transaction holds at a time."""


def begin_writing(session: Session) -> None:
    """Make the session's transaction, from its first statement on, the database's only writer.

    Writers compute keys such as the next entry order from what is stored, and check ids against
    it, so two of them must not interleave. SQLite: ``BEGIN IMMEDIATE`` takes the write lock
    before anything is read, waiting up to the connection's busy timeout for another writer to
    finish (a deferred transaction would fail at once when it upgrades its read lock).
    PostgreSQL: a transaction-level advisory lock that concurrent writers queue on; readers are
    not blocked. Call it before the session's first statement.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        session.execute(text("BEGIN IMMEDIATE"))
    elif dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _signed(WRITER_LOCK)})


def _signed(key: int) -> int:
    return key - (1 << 64) if key >= 1 << 63 else key


@contextmanager
def session_scope(factory: sessionmaker[Session], *, write: bool = False) -> Iterator[Session]:
    """One unit of work: commit when the block ends, roll back on any exception.

    ``write=True`` makes it the database's only writer from the start (:func:`begin_writing`):
    use it for every unit of work that adds or changes records.

    A concurrent edit detected at commit (SQLAlchemy's ``StaleDataError`` from the version
    counter) is raised as :class:`~db.errors.EditConflictError`.

    >>> from db.session import make_engine, make_session_factory, session_scope
    >>> factory = make_session_factory(make_engine("sqlite://"))
    >>> with session_scope(factory) as session:
    ...     session.connection().exec_driver_sql("select 1").scalar()
    1
    """
    from sqlalchemy.orm.exc import StaleDataError

    session = factory()
    try:
        if write:
            begin_writing(session)
        yield session
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise EditConflictError.from_stale(exc) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
