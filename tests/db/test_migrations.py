"""The Alembic migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import Engine, inspect

from db import migrate
from db.errors import DatabaseSchemaError
from db.models import Base


def _alembic(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "alembic", "-c", str(migrate.ini_path()), "-x", f"url={url}"]
    return subprocess.run([*command, *args], capture_output=True, text=True, check=False)


class TestAlembicCommandLine:
    def test_upgrade_head_then_check_passes(self, db_url: str, empty_engine: Engine) -> None:
        """`alembic upgrade head` creates every table and `alembic check` finds no drift."""
        upgraded = _alembic(db_url, "upgrade", "head")
        assert upgraded.returncode == 0, upgraded.stderr
        assert set(inspect(empty_engine).get_table_names()) >= set(Base.metadata.tables)
        checked = _alembic(db_url, "check")
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "No new upgrade operations detected" in checked.stdout + checked.stderr

    def test_check_fails_on_an_empty_database(self, db_url: str) -> None:
        """`alembic check` reports drift when the schema is missing."""
        checked = _alembic(db_url, "check")
        assert checked.returncode != 0


class TestMigrateHelpers:
    def test_upgrade_is_idempotent_and_current(self, empty_engine: Engine) -> None:
        """upgrade() twice leaves the database at the head revision; check() passes."""
        assert migrate.current_revision(empty_engine) is None
        migrate.upgrade(empty_engine)
        migrate.upgrade(empty_engine)
        assert migrate.current_revision(empty_engine) == migrate.head_revision()
        migrate.check(empty_engine)
        migrate.require_current(empty_engine)

    def test_the_quick_revision_reads_agree_with_alembic(self, empty_engine: Engine) -> None:
        """The head from the migration files and the stored revision from one query are what
        Alembic itself says, before and after an upgrade to an older revision."""
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(Config(str(migrate.ini_path())))
        assert migrate.head_revision() == script.get_current_head()
        for revision in ("0001", "head"):
            migrate.upgrade(empty_engine, revision)
            with empty_engine.connect() as connection:
                expected = MigrationContext.configure(connection).get_current_revision()
            assert migrate.current_revision(empty_engine) == expected

    def test_require_current_names_the_fix(self, empty_engine: Engine) -> None:
        """An empty database is refused with a message that says to run 'studbook init'."""
        with pytest.raises(DatabaseSchemaError, match="studbook init"):
            migrate.require_current(empty_engine)

    def test_check_detects_a_missing_table(self, engine: Engine) -> None:
        """check() raises when a table the models need is gone."""
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE audit_log")
        with pytest.raises(DatabaseSchemaError, match="differs"):
            migrate.check(engine)

    def test_downgrade_to_base_removes_everything(self, engine: Engine) -> None:
        """The initial migration's downgrade drops every table it created."""
        from alembic import command
        from alembic.config import Config

        config = Config(str(migrate.ini_path()))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
