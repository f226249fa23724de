"""Benchmark: the California condor SPARKS studbook read, checked and imported into SQLite, then
exported to PMx and imported back; prints a table of wall-clock seconds per step.

    .venv/bin/python benchmarks/import_formats.py [--exchange PATH/EXCHANGE.DBF]

Default input: ``../shared/data/sparks-condor/EXCHANGE.DBF`` (807 animals, 4,076 moves), with
the one correction its data needs (``808:dam=UNK``, see ``docs/formats.md``). Goal: each step
under 2 s on the 2-core machine (measured under load: read 0.7, SPARKS import 1.2, PMx export
0.4, PMx import 0.6).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from db import migrate
from db.exporter import export_pmx
from db.importer import check_studbook, write_plan
from db.session import make_engine, make_session_factory, session_scope
from studbook.formats import apply_corrections
from studbook.sparks import read_sparks

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "sparks-condor" / "EXCHANGE.DBF"
CORRECTION = "808:dam=UNK"


def _timed(rows: list[tuple[str, float, str]], step: str, run: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = run()
    rows.append((step, time.perf_counter() - started, ""))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exchange", type=Path, default=DEFAULT)
    args = parser.parse_args()
    rows: list[tuple[str, float, str]] = []
    folder = Path(tempfile.mkdtemp(prefix="formats-bench-"))

    def factory(name: str) -> Any:
        engine = make_engine(f"sqlite:///{folder / name}")
        migrate.upgrade(engine)
        return make_session_factory(engine, user="bench")

    reading = _timed(rows, "read EXCHANGE.DBF + MOVES.DBF", lambda: read_sparks(args.exchange))
    apply_corrections(reading, [CORRECTION])
    first = factory("sparks.sqlite3")

    def import_sparks() -> Any:
        with session_scope(first, write=True) as session:
            plan = check_studbook(session, args.exchange, fmt="sparks", corrections=[CORRECTION])
            return write_plan(session, plan)

    report = _timed(rows, "check + import (SPARKS)", import_sparks)
    rows[-1] = (rows[-1][0], rows[-1][1], f"{report.animals} animals, {report.events} events")
    pmx = folder / "condor.txt"

    def export() -> Any:
        with session_scope(first) as session:
            return export_pmx(session, pmx)

    _timed(rows, "export PMx (3 files)", export)
    second = factory("pmx.sqlite3")

    def import_pmx() -> Any:
        with session_scope(second, write=True) as session:
            return write_plan(session, check_studbook(session, pmx, fmt="pmx"))

    again = _timed(rows, "check + import (PMx)", import_pmx)
    rows[-1] = (rows[-1][0], rows[-1][1], f"{again.animals} animals, {again.events} events")
    width = max(len(step) for step, _, _ in rows)
    print(f"{'step':<{width}}  {'seconds':>7}  result")
    for step, seconds, result in rows:
        print(f"{step:<{width}}  {seconds:7.2f}  {result}")


if __name__ == "__main__":
    main()
