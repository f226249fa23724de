"""Benchmark: how long each ``studbook`` command takes, start to finish, on the sample studbook.

    .venv/bin/python benchmarks/startup.py [--repeat 5] [--source DIR] [--no-cold]

Every run is a fresh process (``python -c "from tui.cli import main; main()" ARGS``, what the
``studbook`` script does) on an SQLite copy of ``fixtures/amur_leopard.csv``, timed by wall
clock. Three columns:

- **cold**: the first run ever: numba's cache (``NUMBA_CACHE_DIR``) is a new empty folder for
  each command, so every kernel the command uses is compiled;
- **after setup**: the first run after ``scripts/setup``, whose warm-up (``scripts/warm-up``)
  has filled an empty cache folder by running the genetics commands once (``-`` for a checkout
  without one);
- **warm**: the median of ``--repeat`` further runs with that filled cache.

``--source DIR`` puts DIR first on ``PYTHONPATH`` to measure another checkout with this
environment, e.g. the code before a change: ``git archive main | tar -x -C /tmp/main`` then
``--source /tmp/main``. The machine's load average is printed with the table: on a shared
machine wall times vary with it.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "amur_leopard.csv"
ENTRY = "import sys; from tui.cli import main; sys.exit(main())"


def first_id() -> str:
    """The studbook id of the fixture's first animal (for ``animal ID``)."""
    with FIXTURE.open(encoding="utf-8", newline="") as file:
        return next(csv.DictReader(file))["id"]


COMMANDS: list[tuple[str, list[str]]] = [
    ("--help", ["--help"]),
    ("census", ["census"]),
    ("animals", ["animals"]),
    ("animal ID", ["animal", first_id()]),
    ("summary", ["summary"]),
    ("pairings --top 10", ["pairings", "--top", "10"]),
]


class Runner:
    """Runs ``studbook`` commands on one database with a chosen numba cache folder."""

    def __init__(self, url: str, source: Path | None) -> None:
        self.url = url
        # ``python -c`` puts the working folder first on sys.path: run in the checkout measured.
        self.cwd = source or ROOT
        self.env = dict(os.environ)
        if source is not None:
            self.env["PYTHONPATH"] = str(source)

    def run(self, argv: list[str], cache: Path) -> float:
        """Seconds from start to exit of ``studbook --db URL ARGV``; NaN when it fails (shown
        as "fails": the code before a fix, such as ``--help`` crashing on a "%")."""
        env = {**self.env, "NUMBA_CACHE_DIR": str(cache)}
        args = [sys.executable, "-c", ENTRY, "--db", self.url, *argv]
        start = time.perf_counter()
        result = subprocess.run(args, env=env, capture_output=True, text=True, cwd=self.cwd)
        seconds = time.perf_counter() - start
        if result.returncode != 0:
            print(f"studbook {' '.join(argv)} failed:\n{result.stderr}", file=sys.stderr)
            return math.nan
        return seconds


def warm_up(cache: Path, source: Path | None) -> float | None:
    """Run the checkout's ``scripts/warm-up`` into ``cache``, as its ``scripts/setup`` does.

    ``None`` when the checkout has none (before it existed, setup compiled nothing).
    """
    checkout = source or ROOT
    script = checkout / "scripts" / "warm-up"
    if not script.exists():
        return None
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache), "PYTHONPATH": str(checkout)}
    start = time.perf_counter()
    subprocess.run([str(script)], env=env, check=True, cwd=checkout)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="warm runs per command (5)")
    parser.add_argument("--source", type=Path, help="checkout to measure (default: this one)")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold column")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        runner = Runner(f"sqlite:///{tmp / 'bench.sqlite'}", args.source)
        runner.run(["init"], tmp / "setup-cache")
        runner.run(["import", str(FIXTURE)], tmp / "setup-cache")
        cold: dict[str, float] = {}
        if not args.no_cold:
            for k, (name, argv) in enumerate(COMMANDS):
                cold[name] = runner.run(argv, tmp / f"cold-{k}")
        warmed = tmp / "warmed"
        setup_seconds = warm_up(warmed, args.source)
        after = (
            {name: runner.run(argv, warmed) for name, argv in COMMANDS}
            if setup_seconds is not None
            else {}
        )
        warm = {
            name: statistics.median(runner.run(argv, warmed) for _ in range(args.repeat))
            for name, argv in COMMANDS
        }
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"studbook start-up, fixture ({FIXTURE.name}), {os.cpu_count()} cores, load {load}")
    if setup_seconds is None:
        print("no warm-up in this checkout's setup: the first run after setup is the cold run")
    else:
        print(f"warm-up in setup: {setup_seconds:.1f} s")
    print(f"| {'command':<18} | {'cold':>7} | {'after setup':>11} | {'warm':>7} |")
    print(f"|{'-' * 20}|{'-' * 9}:|{'-' * 13}:|{'-' * 9}:|")
    for name, _ in COMMANDS:
        c, a, w = (shown(column.get(name)) for column in (cold, after, warm))
        print(f"| {name:<18} | {c:>7} | {a:>11} | {w:>7} |")


def shown(seconds: float | None) -> str:
    """A table cell: seconds, "fails", or "-" for not measured."""
    if seconds is None:
        return "-"
    return "fails" if math.isnan(seconds) else f"{seconds:.2f} s"


if __name__ == "__main__":
    main()
