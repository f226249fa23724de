"""On PostgreSQL, changes made with plain SQL outside studbook reach the audit log too (#13)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from db.editing import edit_animal
from db.importer import import_studbook
from db.models import AuditLog
from db.repository import load_records
from db.session import session_scope


def _studbook(factory: sessionmaker[Session], tmp_path: Path) -> None:
    path = tmp_path / "amur.csv"
    path.write_text("id,sire,dam,sex,house_name\nA,,,M,Ada\nB,,,F,Bea\n", encoding="utf-8")
    with session_scope(factory, write=True) as session:
        import_studbook(session, path)


def _direct_rows(factory: sessionmaker[Session]) -> list[AuditLog]:
    with session_scope(factory) as session:
        stmt = select(AuditLog).where(AuditLog.who.startswith("sql:")).order_by(AuditLog.id)
        return list(session.scalars(stmt))


class TestDirectSql:
    """A psql-like connection that is not studbook's leaves its trace."""

    def test_direct_update_insert_delete(
        self, engine: Engine, factory: sessionmaker[Session], tmp_path: Path
    ) -> None:
        """UPDATE, INSERT and DELETE through a plain connection each write an audit row on
        PostgreSQL, naming the table, the row and the old and new values; SQLite has no
        triggers (docs/security.md says so)."""
        _studbook(factory, tmp_path)
        with engine.begin() as connection:
            connection.execute(text("UPDATE animal SET house_name = 'Zed' WHERE studbook_id = 'A'"))
            connection.execute(text("INSERT INTO animal_flag (animal_id, flag, position) "
                                    "VALUES ('B', 'non-amur', 0)"))  # fmt: skip
            connection.execute(text("DELETE FROM animal_flag WHERE animal_id = 'B'"))
        rows = _direct_rows(factory)
        if engine.dialect.name != "postgresql":
            assert rows == []
            return
        assert [(r.action, r.table_name, r.row_key) for r in rows] == [
            ("update", "animal", "A"),
            ("insert", "animal_flag", "B"),
            ("delete", "animal_flag", "B"),
        ]
        update = rows[0]
        assert update.old_value is not None and '"house_name": "Ada"' in update.old_value
        assert update.new_value is not None and '"house_name": "Zed"' in update.new_value

    def test_studbook_changes_are_logged_once(
        self, factory: sessionmaker[Session], tmp_path: Path
    ) -> None:
        """Imports and edits through studbook write only studbook's own audit rows."""
        _studbook(factory, tmp_path)
        with session_scope(factory, write=True) as session:
            record = load_records(session, ["A"])[0]
            record.house_name = "Zed"
            edit_animal(session, record)
        assert _direct_rows(factory) == []
        with session_scope(factory) as session:
            updates = session.scalars(select(AuditLog).where(AuditLog.action == "update")).all()
        assert [(u.field, u.old_value, u.new_value) for u in updates] == [
            ("house_name", "Ada", "Zed")
        ]
