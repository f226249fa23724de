"""import --update: the yearly re-import of an updated export of the same studbook."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from clirun import FIXTURE, run
from sqlalchemy import create_engine, select

from db.models import AuditLog


def updated_export(tmp_path: Path) -> Path:
    """The fixture with animal 803's notes changed, a new cub 805 and a new event for it."""
    for suffix in ("", "_events", "_institutions"):
        shutil.copy(FIXTURE.with_name(f"amur_leopard{suffix}.csv"), tmp_path / f"sb{suffix}.csv")
    path = tmp_path / "sb.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "803,492,639,F,2025-04-20,captive,2025-04-27,0,YORKSHIRE,,,,,",
        "803,492,639,F,2025-04-20,captive,2025-04-27,0,YORKSHIRE,,,,,stillborn sibling",
    )
    path.write_text(text + "805,492,639,M,2025-04-20,captive,,,YORKSHIRE,,,,,\n", "utf-8")
    events = tmp_path / "sb_events.csv"
    events.write_text(
        events.read_text(encoding="utf-8") + "805,2025-04-20,birth,YORKSHIRE,,,\n", "utf-8"
    )
    return path


class TestUpdate:
    """Preview, one transaction, audited edits; validate --update without false duplicates."""

    def test_validate_update_has_no_false_duplicates(
        self, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Re-validating the imported file: errors without --update, none with it."""
        run(capsys, "--db", db_url, "init")
        assert run(capsys, "--db", db_url, "import", str(FIXTURE))[0] == 0
        code, out, _ = run(capsys, "--db", db_url, "validate", str(FIXTURE))
        assert code == 1 and "already in the database" in out
        code, out, err = run(capsys, "--db", db_url, "validate", "--update", str(FIXTURE))
        assert code == 0, out
        assert "0 errors" in out and "in 804 animals and 2890 events" in out
        assert "update: 0 animals added, 0 changed, 804 unchanged; 0 events added" in err

    def test_import_update_previews_and_writes_the_difference(
        self, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """1 added, 1 changed (named with its field), 1 event added; the edit is audited."""
        run(capsys, "--db", db_url, "init")
        assert run(capsys, "--db", db_url, "import", str(FIXTURE))[0] == 0
        path = updated_export(tmp_path)
        code, _, err = run(capsys, "--db", db_url, "import", "--update", str(path))
        assert code == 0, err
        assert "update: 1 animal added, 1 changed, 803 unchanged; 1 event added" in err
        assert "changed 803: notes" in err
        code, out, _ = run(capsys, "--db", db_url, "animal", "803")
        assert code == 0 and "stillborn sibling" in out
        assert run(capsys, "--db", db_url, "animal", "805")[0] == 0
        engine = create_engine(db_url)
        try:
            with engine.connect() as conn:
                fields = conn.scalars(select(AuditLog.field).where(AuditLog.row_key == "803")).all()
        finally:
            engine.dispose()
        assert "notes" in fields
        code, _, err = run(capsys, "--db", db_url, "import", "--update", str(path))
        assert code == 0 and "0 animals added, 0 changed, 805 unchanged" in err
