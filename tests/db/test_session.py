"""Engines and sessions: where the database lives, and SQLite's foreign keys on every connection."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from db.session import ENV_URL, default_url, make_engine, resolve_url


class TestWhereTheDatabaseLives:
    def test_explicit_url_wins_over_the_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """--db beats STUDBOOK_DB_URL, which beats the default."""
        monkeypatch.setenv(ENV_URL, "sqlite:////tmp/from-env.sqlite3")
        assert resolve_url("sqlite:////tmp/explicit.sqlite3") == "sqlite:////tmp/explicit.sqlite3"
        assert resolve_url() == "sqlite:////tmp/from-env.sqlite3"
        monkeypatch.delenv(ENV_URL)
        assert resolve_url() == default_url()

    def test_default_is_a_file_in_the_user_data_directory(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """Without any setting the studbook is an SQLite file under XDG_DATA_HOME/studbook."""
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
        assert default_url() == f"sqlite:///{tmp_path / 'studbook' / 'studbook.sqlite3'}"

    def test_a_plain_path_is_an_sqlite_file(self, tmp_path: Path) -> None:
        """`--db my.sqlite3` means that SQLite file; its folder is created on first use."""
        target = tmp_path / "new" / "my.sqlite3"
        assert resolve_url(str(target)) == f"sqlite:///{target}"
        engine = make_engine(str(target))
        with engine.connect() as connection:
            connection.exec_driver_sql("select 1")
        engine.dispose()
        assert target.is_file()

    def test_a_new_database_is_private(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """The default file is created 0600 in a folder created 0700, whatever the umask."""
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
        monkeypatch.delenv(ENV_URL, raising=False)
        previous = os.umask(0o022)
        try:
            engine = make_engine()
            with engine.begin() as connection:
                connection.exec_driver_sql("create table t (x integer)")
            engine.dispose()
        finally:
            os.umask(previous)
        folder = tmp_path / "studbook"
        assert folder.stat().st_mode & 0o777 == 0o700
        assert (folder / "studbook.sqlite3").stat().st_mode & 0o777 == 0o600

    def test_an_existing_file_keeps_its_permissions(self, tmp_path: Path) -> None:
        target = tmp_path / "shared.sqlite3"
        target.touch(mode=0o640)
        target.chmod(0o640)
        make_engine(str(target)).dispose()
        assert target.stat().st_mode & 0o777 == 0o640

    def test_bare_postgresql_url_uses_psycopg(self) -> None:
        """postgresql:// URLs are switched to the psycopg 3 driver (no connection is made)."""
        engine = make_engine("postgresql://user:pw@localhost/studbook")
        assert engine.dialect.driver == "psycopg"
        engine.dispose()

    def test_importing_the_package_creates_no_database(self, tmp_path: Path) -> None:
        """Importing every db module opens no engine and writes no file."""
        env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "HOME": str(tmp_path)}
        env.pop(ENV_URL, None)
        modules = "db.session, db.models, db.importer, db.exporter, db.editing"
        code = f"import {modules}, db.migrate, db.audit, db.repository"
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        assert list(tmp_path.rglob("*.sqlite3")) == []


class TestConnections:
    def test_sqlite_foreign_keys_on_every_connection(self, tmp_path: Path) -> None:
        """Each pooled SQLite connection has PRAGMA foreign_keys=ON (PostgreSQL always has)."""
        engine = make_engine(str(tmp_path / "fk.sqlite3"))
        with engine.connect() as first, engine.connect() as second:
            for connection in (first, second):
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        engine.dispose()
