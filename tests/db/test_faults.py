"""Database failures: every one exits 3 with a reason, and none leaves anything half-written."""

from __future__ import annotations

import hashlib
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import FIXTURE, run

from tui.cli import EXIT_DATABASE, EXIT_OK

CLI = "import sys; from tui.cli import main; sys.exit(main(sys.argv[1:]))"


def studbook(*argv: str, limit_bytes: int | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command line in its own process (optionally allowed to write at most
    ``limit_bytes`` per file, as a nearly full disk would)."""

    def limit() -> None:
        if limit_bytes is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run(
        [sys.executable, "-c", CLI, *argv],
        capture_output=True,
        text=True,
        preexec_fn=limit,
        check=False,
        timeout=120,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def animals(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("select count(*) from animal").fetchone()[0])


@pytest.fixture
def empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """An initialised, empty SQLite studbook."""
    path = tmp_path / "book.sqlite"
    assert run(capsys, "--db", str(path), "init")[0] == EXIT_OK
    return path


class TestSqliteFailuresExitThree:
    """Each failure names its cause, exits 3, prints no traceback and writes nothing."""

    def assert_clean_failure(self, done: subprocess.CompletedProcess[str], words: str) -> None:
        assert done.returncode == EXIT_DATABASE, done.stderr
        assert words in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
        assert "nothing was written" in done.stderr or "studbook:" in done.stderr

    def test_full_disk_during_import(self, empty_file: Path) -> None:
        done = studbook("--db", str(empty_file), "import", str(FIXTURE), limit_bytes=300_000)
        self.assert_clean_failure(done, "disk")
        assert animals(empty_file) == 0

    def test_read_only_database(self, empty_file: Path) -> None:
        url = f"sqlite:///file:{empty_file}?mode=ro&uri=true"
        done = studbook("--db", url, "import", str(FIXTURE))
        self.assert_clean_failure(done, "may not be changed")
        assert animals(empty_file) == 0

    def test_a_writer_that_holds_the_lock_too_long(self, empty_file: Path) -> None:
        """Another program holds the write lock for longer than the busy timeout."""
        other = sqlite3.connect(empty_file, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            done = studbook("--db", str(empty_file), "import", str(FIXTURE))
        finally:
            other.execute("ROLLBACK")
            other.close()
        self.assert_clean_failure(done, "locked by another writer")
        assert animals(empty_file) == 0

    def test_a_corrupt_page(self, empty_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(capsys, "--db", str(empty_file), "import", str(FIXTURE))[0] == EXIT_OK
        data = bytearray(empty_file.read_bytes())
        page = 4096
        for start in range(2 * page, len(data) - page, 7 * page):
            data[start : start + page] = b"\xa5" * page
        empty_file.write_bytes(bytes(data))
        done = studbook("--db", str(empty_file), "animals", "--living")
        assert done.returncode == EXIT_DATABASE, done.stderr
        assert "Traceback" not in done.stderr

    def test_a_malformed_url(self) -> None:
        done = studbook("--db", "postgresql+psycopg://user@[::1:bad/x", "census")
        assert done.returncode == EXIT_DATABASE, done.stderr
        assert "Traceback" not in done.stderr


def _tiny_studbook(folder: Path, tag: str, size: int) -> Path:
    """A studbook of ``size`` founders with ids ``{tag}-k``, each with a birth event."""
    path = folder / f"{tag}.csv"
    path.write_text(
        "id,sire,dam,sex,birth_date,location\n"
        + "".join(f"{tag}-{k},WILD,WILD,{'MF'[k % 2]},2020,ZOO\n" for k in range(size))
    )
    (folder / f"{tag}_events.csv").write_text(
        "id,date,event,institution,local_id\n"
        + "".join(f"{tag}-{k},2020-01-0{1 + k % 9},capture,ZOO,L{k}\n" for k in range(size))
    )
    return path


class TestConcurrentWriters:
    """Parallel imports wait for each other: every one lands whole, keys stay unique."""

    WRITERS = 8
    SIZE = 25

    def test_parallel_imports(
        self, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert run(capsys, "--db", db_url, "init")[0] == EXIT_OK
        files = [_tiny_studbook(tmp_path, f"W{w}", self.SIZE) for w in range(self.WRITERS)]
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", CLI, "--db", db_url, "import", str(f)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for f in files
        ]
        results = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in processes]
        for code, err in results:
            assert code in (EXIT_OK, EXIT_DATABASE), err
            assert "Traceback" not in err
        landed = sum(code == EXIT_OK for code, _ in results)
        assert landed >= self.WRITERS // 2
        from sqlalchemy import create_engine, text

        engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))
        try:
            with engine.connect() as connection:
                orders = connection.execute(text("select entry_order from animal")).scalars().all()
                sequences = connection.execute(text("select sequence from event")).scalars().all()
        finally:
            engine.dispose()
        assert len(orders) == landed * self.SIZE
        assert len(set(orders)) == len(orders)
        assert len(sequences) == landed * self.SIZE
        assert len(set(sequences)) == len(sequences)
