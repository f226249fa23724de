"""Exports never destroy the database and never leave a half-written file."""

from __future__ import annotations

import hashlib
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import FIXTURE, run

from tui.cli import EXIT_ERROR, EXIT_OK, EXIT_USAGE


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def sqlite_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """An SQLite studbook file holding the Amur leopard fixture."""
    path = tmp_path / "book.sqlite"
    assert run(capsys, "--db", str(path), "init")[0] == EXIT_OK
    assert run(capsys, "--db", str(path), "import", str(FIXTURE))[0] == EXIT_OK
    return path


class TestExportNeverOverwritesTheDatabase:
    """export refuses the database file, however it is named, and writes nothing."""

    @pytest.mark.parametrize("fmt", ["csv", "pmx", "vortex"])
    def test_the_database_file_itself(
        self, sqlite_file: Path, fmt: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        before = digest(sqlite_file)
        code, _, err = run(
            capsys, "--db", str(sqlite_file), "export", str(sqlite_file), "--format", fmt
        )
        assert code == EXIT_USAGE
        assert "that is the studbook database" in err and "Traceback" not in err
        assert digest(sqlite_file) == before

    def test_a_symlink_to_it(
        self, sqlite_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        link = tmp_path / "innocent.csv"
        link.symlink_to(sqlite_file)
        before = digest(sqlite_file)
        code, _, err = run(capsys, "--db", str(sqlite_file), "export", str(link), "--format", "pmx")
        assert code == EXIT_USAGE and "studbook database" in err
        assert digest(sqlite_file) == before

    def test_a_companion_file_that_would_hit_it(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`export x.sqlite` would write `x_events.sqlite` beside it: refused before writing any."""
        database = tmp_path / "x_events.sqlite"
        assert run(capsys, "--db", str(database), "init")[0] == EXIT_OK
        assert run(capsys, "--db", str(database), "import", str(FIXTURE))[0] == EXIT_OK
        before = digest(database)
        code, _, err = run(capsys, "--db", str(database), "export", str(tmp_path / "x.sqlite"))
        assert code == EXIT_USAGE and "studbook database" in err
        assert digest(database) == before
        assert not (tmp_path / "x.sqlite").exists()


def _export_with_file_size_limit(
    database: Path, target: Path, limit: int
) -> subprocess.CompletedProcess[str]:
    """Run `studbook export` in a process that may write at most ``limit`` bytes per file, as a
    nearly full disk would allow."""

    def limit_writes() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    code = "import sys; from tui.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, "--db", str(database), "export", str(target)],
        capture_output=True,
        text=True,
        preexec_fn=limit_writes,
        check=False,
    )


class TestExportIsAtomic:
    """A write that fails half-way leaves the previous files exactly as they were."""

    def test_a_full_disk_leaves_the_old_export(self, sqlite_file: Path, tmp_path: Path) -> None:
        target = tmp_path / "out.csv"
        companions = [tmp_path / "out_events.csv", tmp_path / "out_institutions.csv"]
        for path in (target, *companions):
            path.write_text("the previous export\n")
        done = _export_with_file_size_limit(sqlite_file, target, 20_000)
        assert done.returncode == EXIT_ERROR, done.stderr
        assert "cannot write" in done.stderr and "unchanged" in done.stderr
        assert "Traceback" not in done.stderr
        for path in (target, *companions):
            assert path.read_text() == "the previous export\n"
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []

    def test_a_full_disk_leaves_no_file_where_there_was_none(
        self, sqlite_file: Path, tmp_path: Path
    ) -> None:
        target = tmp_path / "new.csv"
        done = _export_with_file_size_limit(sqlite_file, target, 20_000)
        assert done.returncode == EXIT_ERROR
        assert not target.exists()
        assert not (tmp_path / "new_events.csv").exists()

    def test_with_room_enough_it_writes_everything(self, sqlite_file: Path, tmp_path: Path) -> None:
        target = tmp_path / "new.csv"
        done = _export_with_file_size_limit(sqlite_file, target, 10_000_000)
        assert done.returncode == EXIT_OK, done.stderr
        assert target.read_text().startswith("id,")
        assert (tmp_path / "new_events.csv").stat().st_size > 20_000


class TestHostileTextInReports:
    """Control characters in stored text are printed escaped; spreadsheet CSVs run no formula."""

    def hostile(self, database: Path) -> None:
        import sqlite3

        with sqlite3.connect(database) as connection:
            for animal, name in (("2", "\x1b]0;pwned\x07\x1b[2J"), ("3", '=HYPERLINK("x")')):
                connection.execute(
                    "update animal set house_name = ? where studbook_id = ?", (name, animal)
                )

    @pytest.mark.parametrize("fmt", ["table", "csv"])
    def test_animals_and_animal(
        self, sqlite_file: Path, fmt: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.hostile(sqlite_file)
        code, out, _ = run(capsys, "--db", str(sqlite_file), "animals", "--format", fmt)
        assert code == EXIT_OK
        assert "\x1b" not in out and "\x07" not in out
        assert "\\x1b]0;pwned\\x07\\x1b[2J" in out
        code, out, _ = run(capsys, "--db", str(sqlite_file), "animal", "2", "--format", fmt)
        assert code == EXIT_OK and "\x1b" not in out and "\\x1b]0;pwned" in out

    def test_json_escapes_them_itself(
        self, sqlite_file: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.hostile(sqlite_file)
        code, out, _ = run(capsys, "--db", str(sqlite_file), "animals", "--format", "json")
        assert code == EXIT_OK and "\x1b" not in out and "\\u001b]0;pwned" in out

    def test_csv_for_spreadsheets_neutralises_formulas(
        self, sqlite_file: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.hostile(sqlite_file)
        code, out, _ = run(capsys, "--db", str(sqlite_file), "animals", "--format", "csv")
        assert code == EXIT_OK
        assert "'=HYPERLINK" in out and ",=HYPERLINK" not in out

    def test_the_lossless_export_keeps_the_text(
        self, sqlite_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.hostile(sqlite_file)
        target = tmp_path / "out.csv"
        assert run(capsys, "--db", str(sqlite_file), "export", str(target))[0] == EXIT_OK
        assert '"=HYPERLINK(""x"")"' in target.read_text()
