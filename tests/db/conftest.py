"""One engine fixture for every database test, parametrized over SQLite and PostgreSQL.

PostgreSQL comes from ``STUDBOOK_TEST_PG_URL`` (``eval "$(scripts/start-test-postgres)"`` sets
it). Without it the PostgreSQL half is skipped with the reason shown, except under ``CI=true``,
where a missing server fails the run. Each PostgreSQL test gets a fresh schema of its own (on
the connection's ``search_path``), dropped afterwards; each SQLite test a fresh file.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from db import migrate
from db.session import make_engine, make_session_factory

PG_ENV = "STUDBOOK_TEST_PG_URL"


def _postgres_base_url() -> str:
    url = os.environ.get(PG_ENV)
    if url:
        return url
    reason = f'{PG_ENV} is not set; run: eval "$(scripts/start-test-postgres)"'
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required under CI=true: {reason}")
    pytest.skip(reason)


class Databases:
    """Creates empty databases on one backend: SQLite files, or PostgreSQL schemas."""

    def __init__(self, backend: str, tmp_path: Path) -> None:
        self.backend = backend
        self._tmp_path = tmp_path
        self._count = 0
        self._schemas: list[str] = []
        self._engines: list[Engine] = []
        self._base: Engine | None = None
        if backend == "postgresql":
            self._base = make_engine(_postgres_base_url())

    def new_url(self) -> str:
        """The URL of a new, empty database."""
        self._count += 1
        if self._base is None:
            return f"sqlite:///{self._tmp_path / f'studbook{self._count}.sqlite3'}"
        schema = f"test_{uuid.uuid4().hex[:16]}"
        with self._base.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        self._schemas.append(schema)
        url = make_url(self._base.url).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def new_engine(self, migrated: bool = True) -> Engine:
        """An engine on a new database, migrated to the newest schema unless told otherwise."""
        engine = make_engine(self.new_url())
        self._engines.append(engine)
        if migrated:
            migrate.upgrade(engine)
        return engine

    def close(self) -> None:
        for engine in self._engines:
            engine.dispose()
        if self._base is not None:
            with self._base.begin() as connection:
                # A session left open by a test holds locks; fail instead of waiting forever.
                connection.execute(text("SET LOCAL lock_timeout = '10s'"))
                for schema in self._schemas:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            self._base.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Databases]:
    """Makes fresh databases on each backend (the parametrization every database test uses)."""
    maker = Databases(request.param, tmp_path)
    try:
        yield maker
    finally:
        maker.close()


NewFactory = Callable[[], sessionmaker[Session]]


@pytest.fixture
def new_factory(databases: Databases) -> NewFactory:
    """Makes session factories on fresh, migrated databases of the test's backend."""
    return lambda: make_session_factory(databases.new_engine(), user="tester")


@pytest.fixture
def db_url(databases: Databases) -> str:
    """A URL of an empty database on each backend."""
    return databases.new_url()


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


@pytest.fixture
def loaded(db_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    """A database initialised and filled with the Amur leopard fixture (with its companion
    events, institutions, settings and assumptions files), through the command line."""
    from clirun import FIXTURE, run

    assert run(capsys, "--db", db_url, "init")[0] == 0
    code, _, err = run(capsys, "--db", db_url, "import", str(FIXTURE))
    assert code == 0, err
    return db_url
