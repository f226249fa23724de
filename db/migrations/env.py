"""Alembic environment for the studbook database (SQLite and PostgreSQL).

The connection comes, in order, from ``config.attributes["connection"]`` (set by
:mod:`db.migrate` when the program migrates its own engine), ``-x url=...`` on the alembic
command line, or :func:`db.session.resolve_url` (``$STUDBOOK_DB_URL`` or the default SQLite
file). ``render_as_batch`` lets the same migrations alter tables on SQLite, which cannot
``ALTER`` constraints in place.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from db.models import Base
from db.session import make_engine

config = context.config
target_metadata = Base.metadata


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    url = context.get_x_argument(as_dictionary=True).get("url")
    context.configure(
        url=url or make_engine().url.render_as_string(hide_password=False),
        target_metadata=target_metadata,
        render_as_batch=True,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    engine = make_engine(context.get_x_argument(as_dictionary=True).get("url"))
    try:
        with engine.connect() as conn:
            _configure_and_run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
