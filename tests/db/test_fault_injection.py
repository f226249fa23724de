"""A command killed at any moment (SIGKILL: no cleanup, no rollback of its own) leaves the
database as it was or with the whole change: never half an import, never half an edit.

Each run forks a command-line process from one that has already loaded the modules (so a run
costs milliseconds, not the second of imports), lets it work for a seeded random delay, kills
it, and compares a digest of every studbook table with the digests of the state before and after
the command.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, select, text

from db.models import Base
from db.session import make_engine

RUNS = 20

# A fork server: loads the command line and what it imports; for each line of arguments forks
# a child that runs them (its output discarded) and prints the child's pid; for each "wait"
# prints the child's exit code (-9 when killed).
FORK_SERVER = """
import os, sys
from tui.cli import main
import db.importer, db.editing, db.settings
for line in sys.stdin:
    if line.strip() == "wait":
        print(os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]), flush=True)
        continue
    child = os.fork()
    if child == 0:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        code = 70
        try:
            code = main(line.rstrip("\\n").split("\\x1f"))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            os._exit(code)
    print(child, flush=True)
"""

_VOLATILE = frozenset({"at", "id"})
"""Audit and event columns that differ between two runs of the same change."""


def _digest(engine: Engine) -> tuple[tuple[str, int], ...] | str:
    """Row counts of every table and one hash over their sorted rows (audit times left out)."""
    counts = []
    hasher = hashlib.sha256()
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name not in _VOLATILE]
            rows = sorted(map(repr, connection.execute(select(*columns)).all()))
            counts.append((table.name, len(rows)))
            hasher.update("\n".join(rows).encode())
    return (*counts, ("sha", int(hasher.hexdigest()[:12], 16)))


def _wipe(engine: Engine) -> None:
    """Back to the empty, migrated database (the alembic_version row stays)."""
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


def _studbook(folder: Path, size: int) -> Path:
    path = folder / "kill.csv"
    path.write_text(
        "id,sire,dam,sex,birth_date,location,house_name\n"
        + "".join(f"K{k},WILD,WILD,{'MF'[k % 2]},2020,ZOO,name {k}\n" for k in range(size // 2))
        + "".join(f"C{k},K{2 * k},K{2 * k + 1},F,2022,ZOO,\n" for k in range(size // 4)),
        encoding="utf-8",
    )
    (folder / "kill_events.csv").write_text(
        "id,date,event,institution,local_id\n"
        + "".join(f"K{k},2020-01-01,capture,ZOO,L{k}\n" for k in range(size // 2)),
        encoding="utf-8",
    )
    return path


class _Victims:
    """Command-line processes forked ready to run, so a run waits for work, not for imports.

    On PostgreSQL they connect under an application name of their own: a client killed just
    after it sent COMMIT leaves a server process that still commits, a moment later, so a
    digest taken before that process has ended could call a complete change unchanged (and the
    late commit then spoils the next run). :meth:`settle` waits for the server to be done.
    """

    def __init__(self, url: str) -> None:
        self.name = f"studbook-killed-{uuid.uuid4().hex[:12]}"
        parsed = make_url(url)
        if parsed.get_backend_name() == "postgresql":
            parsed = parsed.update_query_dict({"application_name": self.name})
        self.url = parsed.render_as_string(hide_password=False)
        self.server = subprocess.Popen(
            [sys.executable, "-c", FORK_SERVER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def _say(self, line: str) -> int:
        assert self.server.stdin is not None and self.server.stdout is not None
        self.server.stdin.write(line + "\n")
        self.server.stdin.flush()
        return int(self.server.stdout.readline())

    def kill_after(self, argv: list[str], delay: float | None) -> int:
        """Run ``argv`` in a ready process and SIGKILL it after ``delay`` s (``None``: let it
        finish); its exit code."""
        child = self._say("\x1f".join(["--db", self.url, *argv]))
        if delay is not None:
            time.sleep(delay)
            os.kill(child, signal.SIGKILL)
        return self._say("wait")

    def settle(self, engine: Engine) -> None:
        """Wait until no server process of a killed command is left (PostgreSQL). Each look is a
        transaction of its own: within one, PostgreSQL shows the same snapshot of activity."""
        if engine.dialect.name != "postgresql":
            return
        query = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name")
        deadline = time.monotonic() + 60
        while True:
            with engine.connect() as connection:
                if not connection.execute(query, {"name": self.name}).scalar_one():
                    return
            assert time.monotonic() < deadline, "a killed command's server process lingers"
            time.sleep(0.01)

    def close(self) -> None:
        assert self.server.stdin is not None
        self.server.stdin.close()
        self.server.wait(timeout=60)


@pytest.fixture
def victims(engine: Engine, db_url: str) -> Iterator[tuple[_Victims, Engine]]:
    """Ready command-line processes on a migrated database, and an engine to inspect it."""
    processes = _Victims(db_url)
    inspector = make_engine(db_url)
    try:
        yield processes, inspector
    finally:
        processes.close()
        inspector.dispose()


def _kill_runs(
    victims: tuple[_Victims, Engine], argv: list[str], seed: int, longest: float
) -> dict[str, int]:
    """``RUNS`` kills at seeded delays in ``[0, longest)``; how many left each state."""
    processes, engine = victims
    before = _digest(engine)
    rng = random.Random(seed)
    seen = {"unchanged": 0, "complete": 0, "finished": 0}
    after = None
    for _ in range(RUNS):
        code = processes.kill_after(argv, rng.uniform(0, longest))
        processes.settle(engine)
        state = _digest(engine)
        if code == 0:  # finished before the kill
            seen["finished"] += 1
            after = state if after is None else after
            assert state == after
        if state == before:
            seen["unchanged"] += 1
            continue
        if after is None:  # the first complete state: check it against a run left to finish
            _wipe(engine)
            assert processes.kill_after(argv, None) == 0
            after = _digest(engine)
        assert state == after, "the database holds part of the change"
        seen["complete"] += 1
        _wipe(engine)
        assert _digest(engine) == before
    return seen


class TestKilledCommands:
    """SIGKILL at seeded random moments: the database is unchanged or complete, every time."""

    def test_import(self, victims: tuple[_Victims, Engine], tmp_path: Path) -> None:
        """``studbook import`` of 600 animals and 300 events."""
        seen = _kill_runs(victims, ["import", str(_studbook(tmp_path, 800))], 10, 0.3)
        assert seen["unchanged"] + seen["complete"] == RUNS
        assert seen["unchanged"] > 0  # the kills hit before the commit too

    def test_settings_edit(self, victims: tuple[_Victims, Engine]) -> None:
        """``studbook settings set``: one audited change."""
        seen = _kill_runs(victims, ["settings", "set", "release_age", "2-15"], 11, 0.2)
        assert seen["unchanged"] + seen["complete"] == RUNS
        assert seen["unchanged"] > 0


def test_digest_tells_a_single_row(engine: Engine) -> None:
    """The digest sees one changed value (so an equal digest means an equal database)."""
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO programme_setting (key, value) VALUES ('a', 'b')"))
    before = _digest(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE programme_setting SET value = 'c'"))
    assert _digest(engine) != before
