"""Benchmark: import a generated 100,000-animal studbook with events into SQLite and PostgreSQL.

    .venv/bin/python benchmarks/import_studbook.py [--animals 100000] [--seed 1] [--pg-url URL]

The studbook comes from :func:`studbook.synthetic.synthetic_studbook` (1 % MULT sires); its
events file is derived from it with the same seed: a birth (or, for founders, a wild capture)
at an institution of the animal's region, a transfer within the region for about a third of the
animals, and a death for every animal no longer alive (after its last offspring's birth). The
three CSV files are written once; each backend then imports them in a fresh process through
:func:`db.importer.import_studbook`, exactly as ``studbook import`` does: read, validate every
rule, write in one transaction, commit. Time is wall-clock for that import; memory is the peak
resident set of the importing process (Python, the driver and the data together).

PostgreSQL: ``--pg-url``, else ``$STUDBOOK_TEST_PG_URL`` (``scripts/start-test-postgres``
prints it); the import goes into a new schema that is dropped afterwards. Without a URL only
SQLite runs. Goal (issue 2): under 20 s on SQLite on a 2-core machine, under 1 GB peak memory.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

from studbook.synthetic import synthetic_studbook

ZOOS_PER_REGION = 5
GOAL_SECONDS, GOAL_MB = 20.0, 1024.0


def _zoos(region: str) -> list[str]:
    number = region.removeprefix("REGION")
    return [f"R{number}Z{k}" for k in range(1, ZOOS_PER_REGION + 1)]


def generate(folder: Path, animals: int, seed: int) -> dict[str, int]:
    """Write ``bench.csv``, ``bench_events.csv`` and ``bench_institutions.csv`` into ``folder``."""
    book = synthetic_studbook(animals, seed=seed, mult_sire_rate=0.01)
    rng = np.random.default_rng(seed + 1)
    n = len(book)
    born = np.array(book.birth_date, "datetime64[D]")
    census = born.max() + 1
    last_child = np.full(n, np.datetime64("NaT"), "datetime64[D]")
    for parent_index in (book.true_sire, book.true_dam):
        has = parent_index >= 0
        for child, parent in zip(np.flatnonzero(has), parent_index[has], strict=True):
            if np.isnat(last_child[parent]) or born[child] > last_child[parent]:
                last_child[parent] = born[child]
    zoo = [
        _zoos(region)[int(k)]
        for region, k in zip(book.location, rng.integers(0, ZOOS_PER_REGION, n), strict=True)
    ]
    location = list(zoo)
    events: list[list[str]] = []
    moves = rng.random(n) < 0.35
    move_after = rng.integers(200, 1100, n)
    life = rng.integers(300, 6000, n)
    for k in range(n):
        founder = book.sire[k] == "WILD"
        events.append(
            [book.ids[k], str(born[k] if not founder else born[k] + 60), "capture" if founder
             else "birth", zoo[k], f"L{k + 1}"]
        )  # fmt: skip
        end = census - 1
        if not book.alive[k]:
            end = born[k] + life[k]
            if not np.isnat(last_child[k]):
                end = max(end, last_child[k] + 30)
        moved = born[k] + (60 if founder else 0) + move_after[k]
        if moves[k] and moved < end:
            others = [z for z in _zoos(book.location[k]) if z != zoo[k]]
            location[k] = others[int(rng.integers(0, len(others)))]
            events.append([book.ids[k], str(moved), "transfer", location[k], f"T{k + 1}"])
        if not book.alive[k]:
            events.append([book.ids[k], str(end), "death", location[k], ""])
    columns = book.columns()
    columns["location"] = location
    with (folder / "bench.csv").open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(list(columns))
        writer.writerows(zip(*columns.values(), strict=True))
    with (folder / "bench_events.csv").open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["id", "date", "event", "institution", "local_id"])
        writer.writerows(events)
    regions = sorted(set(book.location))
    with (folder / "bench_institutions.csv").open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["mnemonic", "name", "country", "region"])
        for number, region in enumerate(regions):
            for mnemonic in _zoos(region):
                writer.writerow(
                    [mnemonic, f"Zoo {mnemonic}", "Synthetia", "EAZA" if number % 2 else "AZA"]
                )
    return {"animals": n, "events": len(events), "institutions": len(regions) * ZOOS_PER_REGION}


def worker(url: str, folder: Path) -> None:
    """Import the files into ``url`` and print one JSON line with the measurements."""
    from db import migrate
    from db.importer import import_studbook
    from db.session import make_engine, make_session_factory, session_scope

    engine = make_engine(url)
    migrate.upgrade(engine)
    factory = make_session_factory(engine, user="benchmark")
    started = time.perf_counter()
    with session_scope(factory) as session:
        report = import_studbook(
            session,
            folder / "bench.csv",
            folder / "bench_events.csv",
            folder / "bench_institutions.csv",
        )
    seconds = time.perf_counter() - started
    engine.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": peak_mb,
                "animals": report.animals,
                "events": report.events,
                "warnings": len(report.warnings),
            }
        )
    )


def _run(url: str, folder: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--worker", url, "--folder", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"import into {url.split('@')[-1]} failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _postgres_schema(url: str) -> tuple[str, str]:
    """A new schema on the server at ``url``: (url with that search_path, schema name)."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from db.session import make_engine

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    scoped = make_url(engine.url).update_query_dict({"options": f"-csearch_path={schema}"})
    return scoped.render_as_string(hide_password=False), schema


def _drop_schema(url: str, schema: str) -> None:
    from sqlalchemy import text

    from db.session import make_engine

    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--animals", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg-url", default=os.environ.get("STUDBOOK_TEST_PG_URL"))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.folder)
        return

    with tempfile.TemporaryDirectory(prefix="studbook-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        sizes = generate(folder, args.animals, args.seed)
        print(
            f"generated {sizes['animals']:,} animals, {sizes['events']:,} events, "
            f"{sizes['institutions']} institutions in {time.perf_counter() - started:.1f} s "
            f"(seed {args.seed}); {os.cpu_count()} CPU(s), {dt.date.today()}",
            file=sys.stderr,
        )
        results: list[tuple[str, dict[str, float]]] = [
            ("SQLite (file)", _run(f"sqlite:///{folder / 'bench.sqlite3'}", folder))
        ]
        if args.pg_url:
            scoped, schema = _postgres_schema(args.pg_url)
            try:
                results.append(("PostgreSQL", _run(scoped, folder)))
            finally:
                _drop_schema(args.pg_url, schema)
        else:
            print("PostgreSQL skipped: no --pg-url or STUDBOOK_TEST_PG_URL", file=sys.stderr)

    print("| backend | animals | events | import time | peak memory | goal |")
    print("|---|---:|---:|---:|---:|---|")
    for name, r in results:
        if name.startswith("SQLite"):
            meets = r["seconds"] < GOAL_SECONDS and r["peak_mb"] < GOAL_MB
            goal = f"<{GOAL_SECONDS:.0f} s and <1 GB: {'met' if meets else 'missed'}"
        else:
            goal = f"<1 GB: {'met' if r['peak_mb'] < GOAL_MB else 'missed'} (no time goal)"
        print(
            f"| {name} | {int(r['animals']):,} | {int(r['events']):,} | {r['seconds']:.1f} s "
            f"| {r['peak_mb']:.0f} MB | {goal} |"
        )


if __name__ == "__main__":
    main()
