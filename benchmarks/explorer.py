"""Benchmark the pedigree explorer and charts on the fixture and on zoo-like synthetic studbooks.

Usage::

    .venv/bin/python benchmarks/explorer.py                  # the fixture, 1e4 and 1e5 animals
    .venv/bin/python benchmarks/explorer.py --sizes 10000

Stages (wall-clock seconds, one cold call each, after the kinship kernels are compiled):
building the networkx relationship graph; all descendants of the founder with the most
offspring; founder lineages and families; how two living animals are related (the mean and the
slowest of 20 random pairs of the living: shares by the gene-flow recurrence, example paths
traced); the SVG chart of a living animal four generations up and two down. Synthetic
studbooks come from :func:`studbook.synthetic.synthetic_studbook` (seed 1, 1 % MULT sires).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from studbook.chart import chart_svg, pedigree_chart  # noqa: E402
from studbook.explorer import Explorer  # noqa: E402
from studbook.inbreeding import inbreeding  # noqa: E402
from studbook.pedigree import Pedigree, read_pedigree  # noqa: E402
from studbook.relationship import relationship  # noqa: E402
from studbook.synthetic import synthetic_studbook  # noqa: E402

SIZES = (10_000, 100_000)


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def run(name: str, ped: Pedigree, rng: np.random.Generator) -> dict[str, str]:
    inbreeding(ped)  # the kernels compiled; F itself is the engine's, timed elsewhere
    explorer = Explorer(ped)
    graph_s, _ = timed(lambda: explorer.graph)
    _ = explorer.inbreeding, explorer.rank
    founders = [ped.ids[k] for k in np.flatnonzero(ped.founder).tolist()]
    busiest = max(founders, key=explorer.graph.out_degree)
    desc_s, found = timed(lambda: explorer.descendants(busiest))
    lineage_s, _ = timed(lambda: (explorer.founder_lineages(), explorer.families()))
    living = np.flatnonzero(ped.living)
    times = []
    states = []
    for _ in range(20):
        a, b = rng.choice(living, 2, replace=False).tolist()
        seconds, r = timed(lambda a=a, b=b: relationship(explorer, ped.ids[a], ped.ids[b]))
        times.append(seconds)
        states.append(len(r.common))
    focus = ped.ids[int(living[-1])]
    chart_s, _ = timed(lambda: chart_svg(pedigree_chart(explorer, focus, up=4, down=2)))
    return {
        "studbook": name,
        "animals": f"{len(ped):,}",
        "graph": f"{graph_s:.2f}",
        "descendants of a founder": f"{desc_s:.3f} ({len(found):,})",
        "lineages + families": f"{lineage_s:.2f}",
        "relationship mean / max": f"{np.mean(times):.3f} / {max(times):.3f}",
        "common ancestors (max)": str(max(states)),
        "chart 4 up 2 down": f"{chart_s:.3f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    rows = [run("fixture", read_pedigree(ROOT / "fixtures" / "amur_leopard.csv"), rng)]
    for n in args.sizes:
        book = synthetic_studbook(n, seed=1, mult_sire_rate=0.01)
        with tempfile.TemporaryDirectory() as tmp:
            ped = read_pedigree(book.write_csv(Path(tmp) / "synthetic.csv"))
        rows.append(run("synthetic", ped, rng))
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(row[c] for c in columns) + " |")


if __name__ == "__main__":
    main()
