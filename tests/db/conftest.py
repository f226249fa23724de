"""One engine fixture for every database test, parametrized over SQLite and PostgreSQL.

PostgreSQL comes from ``STUDBOOK_TEST_PG_URL`` (``eval "$(scripts/start-test-postgres)"`` sets
it). Without it the PostgreSQL half is skipped with the reason shown, except under ``CI=true``,
where a missing server fails the run. Each PostgreSQL test gets a fresh schema of its own (on
the connection's ``search_path``), dropped afterwards; each SQLite test a fresh file.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from db import migrate
from db.session import make_engine, make_session_factory

PG_ENV = "STUDBOOK_TEST_PG_URL"
PEDIGREES = Path(__file__).resolve().parents[3] / "shared" / "data" / "pedigrees"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _postgres_base_url() -> str:
    url = os.environ.get(PG_ENV)
    if url:
        return url
    reason = f'{PG_ENV} is not set; run: eval "$(scripts/start-test-postgres)"'
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required under CI=true: {reason}")
    pytest.skip(reason)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'studbook.sqlite3'}"
        return
    base = make_engine(_postgres_base_url())
    schema = f"test_{uuid.uuid4().hex[:16]}"
    with base.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base.url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with base.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        base.dispose()


@pytest.fixture
def empty_engine(db_url: str) -> Iterator[Engine]:
    """An engine on an empty database (no tables)."""
    engine = make_engine(db_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    """An engine on a database migrated to the newest schema."""
    migrate.upgrade(empty_engine)
    return empty_engine


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on the migrated database, writing 'tester' into the audit log."""
    return make_session_factory(engine, user="tester")
