"""Programme settings in the database and on the command line (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clirun import FIXTURE, run
from sqlalchemy.orm import Session, sessionmaker
from testdata import FIXTURES

from db.audit import history
from db.errors import EditConflictError
from db.models import ProgrammeSetting
from db.repository import load_studbook
from db.session import current_user, session_scope
from db.settings import import_settings, load_settings, save_settings, stored_settings
from studbook.errors import SettingsError
from studbook.population import AMUR_LEOPARD, NO_AGE_LIMITS


class TestStore:
    """Saving and loading settings, audited."""

    def test_empty_database_has_the_core_defaults(self, factory: sessionmaker[Session]) -> None:
        """No rows: no species profile, no age limits."""
        with factory() as session:
            assert load_settings(session).profile == NO_AGE_LIMITS
            assert load_studbook(session).settings.profile == NO_AGE_LIMITS

    def test_save_load_and_audit(self, factory: sessionmaker[Session]) -> None:
        """Values are stored canonically, loaded with the studbook, and every change audited."""
        with session_scope(factory) as session:
            save_settings(session, {"breeding_age_male": " 2 - 15", "species": "Loris"})
        with session_scope(factory) as session:
            save_settings(session, {"breeding_age_male": "3-15", "species": "Loris"})
        with factory() as session:
            assert stored_settings(session) == {"breeding_age_male": "3-15", "species": "Loris"}
            assert load_studbook(session).settings.breeding_age_male == (3.0, 15.0)
            rows = history(session, "breeding_age_male", table="programme_setting")
            author = f"{current_user()} as tester"
            assert [(r.action, r.field, r.old_value, r.new_value, r.who) for r in rows] == [
                ("insert", None, None, "key=breeding_age_male; value=2-15", author),
                ("update", "value", "2-15", "3-15", author),
            ]
            assert len(history(session, "species", table="programme_setting")) == 1

    def test_rejected_value_writes_nothing(self, factory: sessionmaker[Session]) -> None:
        """One bad value refuses the whole change, naming the key."""
        with pytest.raises(SettingsError, match="'release_age'"), session_scope(factory) as s:
            save_settings(s, {"species": "Loris", "release_age": "old"})
        with factory() as session:
            assert stored_settings(session) == {}

    def test_lost_update_is_refused(self, factory: sessionmaker[Session]) -> None:
        """A form that read 0.125 cannot overwrite a cap someone else set since."""
        with session_scope(factory) as session:
            save_settings(session, {"flagged_cap": "0.2"})
        with pytest.raises(EditConflictError, match="flagged_cap"), session_scope(factory) as s:
            save_settings(s, {"flagged_cap": "0.1"}, expected={"flagged_cap": "0.125"})
        with factory() as session:
            assert session.get(ProgrammeSetting, "flagged_cap").value == "0.2"  # type: ignore[union-attr]

    def test_import_settings_file(self, factory: sessionmaker[Session]) -> None:
        """The fixture's settings file sets the Amur leopard profile."""
        with session_scope(factory) as session:
            import_settings(session, FIXTURES / "amur_leopard_settings.csv")
        with factory() as session:
            assert load_settings(session).profile == AMUR_LEOPARD


class TestCommandLine:
    """studbook settings, settings show, settings set; import and validate of settings files."""

    def test_show_table_and_json(self, loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
        """`settings` and `settings show --format json` list every key with value and default."""
        code, out, _ = run(capsys, "--db", loaded, "settings")
        assert code == 0
        assert "species profile: Amur leopard (Panthera pardus orientalis)" in out
        assert any(line.split()[:3] == ["release_age", "1-4", "any"] for line in out.splitlines())
        code, out, _ = run(capsys, "--db", loaded, "settings", "show", "--format", "json")
        rows = {r["key"]: r for r in json.loads(out)["sections"][0]["rows"]}
        assert rows["breeding_age_female"] == {
            "key": "breeding_age_female",
            "value": "2-15",
            "default": "any",
            "set": True,
            "meaning": "Breeding age, females (years)",
        }
        assert rows["kinship_limit"]["set"] is False

    def test_set_changes_the_analyses(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A narrower release window gives fewer candidates and the header shows it."""
        releases = ("--db", loaded, "releases", "--census-date", "2026-01-01", "--format", "json")
        before = json.loads(run(capsys, *releases)[1])
        code, _, err = run(capsys, "--db", loaded, "settings", "set", "release_age", "1 - 2")
        assert (code, err.strip()) == (0, "release_age = 1-2")
        after = json.loads(run(capsys, *releases)[1])
        assert 0 < len(after["sections"][0]["rows"]) < len(before["sections"][0]["rows"])
        profile = after["meta"]["parameters"]["species profile"]
        assert profile.endswith("release 1-2 y")

    def test_set_rejects_with_key_and_allowed_values(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Exit 1, the key and the allowed values on stderr, nothing changed."""
        code, out, err = run(capsys, "--db", loaded, "settings", "set", "flagged_cap", "12%")
        assert (code, out) == (1, "")
        assert "setting 'flagged_cap': '12%' is not allowed; use a fraction from 0 to 1" in err
        code, _, err = run(capsys, "--db", loaded, "settings", "set", "cap", "0.1")
        assert code == 1 and "unknown setting; the settings are: species," in err
        _, out, _ = run(capsys, "--db", loaded, "settings", "--format", "json")
        rows = {r["key"]: r["value"] for r in json.loads(out)["sections"][0]["rows"]}
        assert rows["flagged_cap"] == "0.125"

    def test_import_names_the_settings_its_file_sets(
        self, db_url: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The import picks up the companion settings file and says which settings it set."""
        run(capsys, "--db", db_url, "init")
        code, _, err = run(capsys, "--db", db_url, "import", str(FIXTURE))
        assert code == 0 and "set 6 programme settings: species, breeding_age_male" in err

    def test_without_settings_reports_say_no_age_limits(
        self, db_url: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Imported without its settings file, the studbook is analysed without age limits."""
        run(capsys, "--db", db_url, "init")
        code, _, err = run(capsys, "--db", db_url, "import", str(FIXTURE), "--no-companions")
        assert code == 0 and "programme setting" not in err
        code, out, _ = run(capsys, "--db", db_url, "summary", "--census-date", "2026-01-01")
        assert code == 0
        assert "parameter species profile: none set — no age limits" in out

    def test_bad_settings_file_is_rejected_before_anything_is_written(
        self, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """import and validate name file, line and field; the import writes nothing."""
        bad = tmp_path / "bad_settings.csv"
        bad.write_text("key,value\nrelease_age,1-4\nkinship_limit,2\n", encoding="utf-8")
        run(capsys, "--db", db_url, "init")
        code, _, err = run(capsys, "--db", db_url, "import", str(FIXTURE), "--settings", str(bad))
        assert code == 1 and f"{bad}:3: error: field 'value'" in err
        code, out, _ = run(capsys, "--db", db_url, "animals", "--format", "json")
        assert json.loads(out)["sections"][0]["rows"] == []
        code, out, _ = run(capsys, "validate", str(FIXTURE), "--settings", str(bad), "--standalone")
        assert code == 1 and f"{bad}:3: error: field 'value'" in out

    def test_override_on_the_command_line(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--flagged-cap overrides the stored cap for one run, and the header says so."""
        base = ("--db", loaded, "releases", "--census-date", "2026-01-01", "--format", "json")
        out = json.loads(run(capsys, *base, "--flagged-cap", "0.05")[1])
        assert out["meta"]["parameters"]["flagged-founder cap"] == 0.05
        for bad in ("3", "x"):  # out of range or not a number: the setting's own message
            code, _, err = run(capsys, *base, "--flagged-cap", bad)
            assert code == 2 and f"setting 'flagged_cap': {bad!r} is not allowed" in err
