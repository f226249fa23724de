"""Benchmark the pedigree explorer and charts on the fixture and on zoo-like synthetic studbooks.

Usage::

    .venv/bin/python benchmarks/explorer.py                  # the fixture, 1e4, 1e5, 1e6 animals
    .venv/bin/python benchmarks/explorer.py --sizes 10000
    .venv/bin/python benchmarks/explorer.py --sizes --ui 100000  # the UI's animal screen only

Each studbook is measured in a process of its own, so its peak resident memory is its own.
Stages (wall-clock seconds, after the kinship kernels are compiled and F computed): the first
answer (four generations of ancestors of a living animal, living only: it pays whatever the
explorer sets up); all descendants of the founder with the most offspring; that founder's
litters and mates; founder lineages; families; how two living animals are related (the mean
and the slowest of 20 random pairs of the living); the SVG chart of a living animal four
generations up and two down; last, the whole studbook's networkx graph (what a GraphML export
of the studbook needs). Peak RSS is taken after the questions and again after the whole graph.

``--ui N`` imports a synthetic studbook of ``N`` animals into SQLite and times the UI's
animal screen as the genetics process computes it (:func:`tui.engine_explorer.family_view`):
the first animal opened (the explorer set up for the census date), the founder with the most
descendants (the view lists them all) and a living animal. Loading the studbook from the
database and its pedigree arrays is not timed: the genetics at start have done both.
Synthetic studbooks come from :func:`studbook.synthetic.synthetic_studbook` (seed 1, 1 %
MULT sires).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# This checkout first: it is what is measured, and its ``tui`` package must come before this
# folder's ``tui.py`` benchmark.
sys.path.insert(0, str(ROOT))

from studbook.chart import chart_svg, pedigree_chart  # noqa: E402
from studbook.explorer import Explorer  # noqa: E402
from studbook.inbreeding import inbreeding  # noqa: E402
from studbook.pedigree import Pedigree, read_pedigree  # noqa: E402
from studbook.relationship import relationship  # noqa: E402
from studbook.synthetic import synthetic_studbook  # noqa: E402

SIZES = (10_000, 100_000, 1_000_000)


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(name: str, ped: Pedigree) -> dict[str, str]:
    rng = np.random.default_rng(1)
    inbreeding(ped)  # the kernels compiled; F itself is the engine's, timed elsewhere
    explorer = Explorer(ped)
    explorer.inbreeding_of([])
    living = np.flatnonzero(ped.living)
    focus = ped.ids[int(living[-1])]
    first_s, _ = timed(lambda: explorer.ancestors(focus, depth=4, living_only=True))
    offspring = np.bincount(ped.parent_edges.parent, minlength=len(ped))
    founders = np.flatnonzero(ped.founder)
    busiest = ped.ids[int(founders[np.argmax(offspring[founders])])]
    desc_s, found = timed(lambda: explorer.descendants(busiest))
    mates_s, _ = timed(lambda: (explorer.litters(busiest), explorer.mates(busiest)))
    lineage_s, _ = timed(explorer.founder_lineages)
    family_s, _ = timed(explorer.families)
    times = []
    states = []
    for _ in range(20):
        a, b = rng.choice(living, 2, replace=False).tolist()
        seconds, r = timed(lambda a=a, b=b: relationship(explorer, ped.ids[a], ped.ids[b]))
        times.append(seconds)
        states.append(len(r.common))
    chart_s, _ = timed(lambda: chart_svg(pedigree_chart(explorer, focus, up=4, down=2)))
    questions_mb = peak_mb()
    graph_s, _ = timed(lambda: explorer.graph)
    return {
        "studbook": name,
        "animals": f"{len(ped):,}",
        "first answer": f"{first_s:.3f}",
        "descendants of a founder": f"{desc_s:.3f} ({len(found):,})",
        "its litters + mates": f"{mates_s:.3f}",
        "lineages": f"{lineage_s:.2f}",
        "families": f"{family_s:.2f}",
        "relationship mean / max": f"{np.mean(times):.3f} / {max(times):.3f}",
        "common ancestors (max)": str(max(states)),
        "chart 4 up 2 down": f"{chart_s:.3f}",
        "peak MB": f"{questions_mb:,.0f}",
        "whole graph": f"{graph_s:.2f}",
        "peak MB with it": f"{peak_mb():,.0f}",
    }


def synthetic_pedigree(n: int, directory: Path) -> Pedigree:
    book = synthetic_studbook(n, seed=1, mult_sire_rate=0.01)
    return read_pedigree(book.write_csv(directory / "synthetic.csv"))


def run_ui(n: int) -> dict[str, str]:
    """The UI's animal screen on a synthetic studbook of ``n`` animals in SQLite."""
    from db.importer import import_studbook
    from db.migrate import upgrade
    from db.session import make_engine, make_session_factory, session_scope
    from tui import engine
    from tui.engine import Job
    from tui.engine_explorer import family_view

    with tempfile.TemporaryDirectory() as tmp:
        book = synthetic_studbook(n, seed=1, mult_sire_rate=0.01)
        csv = book.write_csv(Path(tmp) / "synthetic.csv")
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        db = make_engine(url)
        upgrade(db)
        with session_scope(make_session_factory(db)) as session:
            import_studbook(session, csv)
        db.dispose()
        job = Job(url, "1")
        studbook = engine._book(job)  # loaded once for every screen; not timed
        ped = studbook.pedigree
        _ = ped.order  # the genetics at start built it (and loaded numba): not timed
        living = [book.ids[k] for k in np.flatnonzero(book.alive).tolist()]
        offspring = np.bincount(ped.parent_edges.parent, minlength=len(ped))
        founders = np.flatnonzero(ped.founder)
        busiest = ped.ids[int(founders[np.argmax(offspring[founders])])]
        first_s, _ = timed(lambda: family_view(job, living[-1]))
        founder_s, view = timed(lambda: family_view(job, busiest))
        next_s, _ = timed(lambda: family_view(job, living[len(living) // 2]))
        return {
            "studbook": "synthetic (SQLite)",
            "animals": f"{len(studbook):,}",
            "first animal opened": f"{first_s:.2f}",
            "a founder": f"{founder_s:.2f} ({len(view.offspring) - 1:,} descendants)",
            "next animal": f"{next_s:.3f}",
            "peak MB": f"{peak_mb():,.0f}",
        }


def one(kind: str, n: int) -> dict[str, str]:
    """Measure one studbook (in this process)."""
    if kind == "ui":
        return run_ui(n)
    if kind == "fixture":
        return run("fixture", read_pedigree(ROOT / "fixtures" / "amur_leopard.csv"))
    with tempfile.TemporaryDirectory() as tmp:
        return run("synthetic", synthetic_pedigree(n, Path(tmp)))


def in_own_process(kind: str, n: int) -> dict[str, str]:
    out = subprocess.run(
        [sys.executable, __file__, "--one", kind, str(n)],
        check=True,
        capture_output=True,
        text=True,
    )
    row: dict[str, str] = json.loads(out.stdout.splitlines()[-1])
    return row


def table(rows: list[dict[str, Any]]) -> None:
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row[c]) for c in columns) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--ui", type=int, nargs="*", default=[])
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], int(args.one[1]))))
        return
    if args.sizes:
        rows = [in_own_process("fixture", 0)]
        rows += [in_own_process("synthetic", n) for n in args.sizes]
        table(rows)
    if args.ui:
        table([in_own_process("ui", n) for n in args.ui])


if __name__ == "__main__":
    main()
