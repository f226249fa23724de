"""Benchmark: how long each ``studbook`` command takes, start to finish, on the sample studbook.

    .venv/bin/python benchmarks/startup.py [--repeat 5] [--source DIR] [--no-cold]

Every run is a fresh process (``python -c "from tui.cli import main; main()" ARGS``, what the
``studbook`` script does) on an SQLite copy of ``fixtures/amur_leopard.csv``, timed by wall
clock. The measured checkout's modules are byte-compiled first, as ``scripts/setup`` does (an
environment with ``PYTHONDONTWRITEBYTECODE=1`` would otherwise recompile the project's modules
on every run, 0.2 s or more). Columns:

- **cold**: the first run ever: numba's cache (``NUMBA_CACHE_DIR``) is a new empty folder for
  each command, so every kernel the command uses is compiled;
- **after setup**: the first run after ``scripts/setup``, whose warm-up (``scripts/warm-up``)
  has filled an empty cache folder by running the genetics commands once (``-`` for a checkout
  without one);
- **warm**: the median of ``--repeat`` further runs with that filled cache;
- **warm CPU**: the median CPU time (user + system) of those runs, which a busy machine
  inflates less than the wall time;
- **target** and **met**: the goals of issues #9 and #11 (``census``, ``animals``, ``animal
  ID`` and ``--help`` under 0.5 s warm, ``summary`` under 0.7 s warm, the first genetics command
  after setup under 5 s), judged on the wall time.

``--source DIR`` puts DIR first on ``PYTHONPATH`` to measure another checkout with this
environment, e.g. the code before a change: ``git archive main | tar -x -C /tmp/main`` then
``--source /tmp/main``. The machine's load average is printed with the table: on a shared
machine wall times vary with it.
"""

from __future__ import annotations

import argparse
import compileall
import csv
import math
import os
import resource
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

WARM_TARGETS = {"--help": 0.5, "census": 0.5, "animals": 0.5, "animal ID": 0.5, "summary": 0.7}
"""Seconds a command may take warm (issues #9 and #11)."""
FIRST_GENETICS_TARGET = 5.0
"""Seconds the first genetics command after setup may take (issue #11)."""
GENETICS = ("summary", "pairings --top 10")


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
        return self.timed(argv, cache)[0]

    def timed(self, argv: list[str], cache: Path) -> tuple[float, float]:
        """(wall seconds, CPU seconds) of one run; both NaN when it fails."""
        env = {**self.env, "NUMBA_CACHE_DIR": str(cache)}
        args = [sys.executable, "-c", ENTRY, "--db", self.url, *argv]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = subprocess.run(args, env=env, capture_output=True, text=True, cwd=self.cwd)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if result.returncode != 0:
            print(f"studbook {' '.join(argv)} failed:\n{result.stderr}", file=sys.stderr)
            return math.nan, math.nan
        return seconds, cpu


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
    checkout = args.source or ROOT
    for package in ("studbook", "db", "tui"):
        compileall.compile_dir(checkout / package, quiet=1)
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
        warm: dict[str, float] = {}
        warm_cpu: dict[str, float] = {}
        for name, argv in COMMANDS:
            runs = [runner.timed(argv, warmed) for _ in range(args.repeat)]
            warm[name] = statistics.median(wall for wall, _ in runs)
            warm_cpu[name] = statistics.median(cpu for _, cpu in runs)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"studbook start-up, fixture ({FIXTURE.name}), {os.cpu_count()} cores, load {load}")
    if setup_seconds is None:
        print("no warm-up in this checkout's setup: the first run after setup is the cold run")
    else:
        print(f"warm-up in setup: {setup_seconds:.1f} s")
    print(
        f"| {'command':<18} | {'target':<26} | {'cold':>7} | {'after setup':>11} "
        f"| {'warm':>7} | {'warm CPU':>8} | met |"
    )
    print(f"|{'-' * 20}|{'-' * 28}|{'-' * 8}:|{'-' * 12}:|{'-' * 8}:|{'-' * 9}:|-----|")
    for name, _ in COMMANDS:
        c, a, w, u = (shown(column.get(name)) for column in (cold, after, warm, warm_cpu))
        goal, met = target(name, warm[name], after.get(name))
        print(f"| {name:<18} | {goal:<26} | {c:>7} | {a:>11} | {w:>7} | {u:>8} | {met:<3} |")


def target(name: str, warm: float, after_setup: float | None) -> tuple[str, str]:
    """The command's goal as text, and whether the measured times meet it ("yes", "no", "-")."""
    goals: list[tuple[str, float, float | None]] = []
    if name in WARM_TARGETS:
        goals.append((f"warm < {WARM_TARGETS[name]:g} s", WARM_TARGETS[name], warm))
    if name in GENETICS:
        goals.append((f"setup < {FIRST_GENETICS_TARGET:g} s", FIRST_GENETICS_TARGET, after_setup))
    if not goals:
        return "-", "-"
    measured = [(limit, value) for _, limit, value in goals if value is not None]
    met = all(value < limit for limit, value in measured) if measured else None
    text = ", ".join(goal for goal, _, _ in goals)
    return text, "-" if met is None else ("yes" if met else "no")


def shown(seconds: float | None) -> str:
    """A table cell: seconds, "fails", or "-" for not measured."""
    if seconds is None:
        return "-"
    return "fails" if math.isnan(seconds) else f"{seconds:.2f} s"


if __name__ == "__main__":
    main()
