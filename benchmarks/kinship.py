"""Benchmark the kinship engine on zoo-like synthetic studbooks of 1e3 to 1e6 animals.

Usage::

    .venv/bin/python benchmarks/kinship.py                 # all sizes + the ~800-animal line
    .venv/bin/python benchmarks/kinship.py --sizes 1000 100000

Each size runs in its own subprocess so that peak memory is that size's alone. Memory is the
process's peak resident set size (``ru_maxrss``, which counts numpy *and* numba allocations),
read after each stage, so it is the peak *so far* (cumulative within the subprocess, including
the interpreter and the imported libraries, about 100 MB). Times are wall-clock seconds of one
cold call (no cached results); numba compilation is done (or loaded from the on-disk cache)
beforehand on a tiny pedigree and reported on its own line. The pedigree is written to a
temporary CSV by :func:`studbook.synthetic.synthetic_studbook` (seed 1, 2 % UNK sires, 1 % MULT
sires) in a process of its own and read back with :func:`studbook.read_pedigree`.

Stages: reading the CSV; F for all; MK of all living + GD (one Colleau product once F is
known); the kinship block of up to 1,000 living males x 1,000 living females; gene drop with
1,000 iterations over the living.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import studbook  # noqa: E402
from studbook.kinship import mean_kinship_array  # noqa: E402
from studbook.synthetic import synthetic_studbook  # noqa: E402

SIZES = (1_000, 10_000, 100_000, 1_000_000)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def warm_up() -> float:
    """Compile (or load from numba's cache) every kernel once; return the seconds it took."""
    start = time.perf_counter()
    book = synthetic_studbook(60, seed=0, mult_sire_rate=0.1)
    with tempfile.TemporaryDirectory() as tmp:
        ped = studbook.read_pedigree(book.write_csv(Path(tmp) / "warm.csv"))
    all_genetics(ped)
    ids = [ped.ids[k] for k in range(5)]
    studbook.kinship_matrix(ped, ids)
    studbook.kinship(ped, ids[0], ids[1])
    studbook.gene_drop(ped, iterations=10, seed=0)
    return time.perf_counter() - start


def all_genetics(ped: studbook.Pedigree) -> None:
    """Everything the UI recomputes after an edit."""
    studbook.inbreeding(ped)
    studbook.mean_kinship(ped)
    studbook.gene_diversity(ped)
    studbook.founder_genome_equivalents(ped)
    studbook.founder_representation(ped)
    studbook.founder_equivalents(ped)
    studbook.percent_known(ped)
    studbook.flagged_contribution(ped, list(ped.flags))


def write_studbook(n: int, path: Path) -> None:
    """Write the size-``n`` studbook; run in its own process so that the simulator's text
    columns do not count in the engine's peak memory."""
    synthetic_studbook(n, seed=1, mult_sire_rate=0.01).write_csv(path)


def run_size(n: int, path: Path) -> dict[str, object]:
    compile_s = warm_up()
    out: dict[str, object] = {"n": n, "compile_s": compile_s}
    t0 = time.perf_counter()
    ped = studbook.read_pedigree(path)
    out["read"] = (time.perf_counter() - t0, peak_mb())
    t0 = time.perf_counter()
    F = studbook.inbreeding(ped)
    out["F"] = (time.perf_counter() - t0, peak_mb())
    t0 = time.perf_counter()
    mk = mean_kinship_array(ped)
    gd = 1.0 - float(mk[ped.living].mean())
    out["MK+GD"] = (time.perf_counter() - t0, peak_mb())
    living = np.flatnonzero(ped.living)
    males = [ped.ids[k] for k in living[ped.sex[living] == "M"][:1000].tolist()]
    females = [ped.ids[k] for k in living[ped.sex[living] == "F"][:1000].tolist()]
    t0 = time.perf_counter()
    block = studbook.kinship_block(ped, males, females)
    out["kinship block"] = (time.perf_counter() - t0, peak_mb())
    out["block_shape"] = list(block.shape)
    t0 = time.perf_counter()
    studbook.gene_drop(ped, iterations=1000, seed=1)
    out["gene drop x1000"] = (time.perf_counter() - t0, peak_mb())
    out["living"] = int(ped.living.sum())
    out["mean_F"] = float(F.mean())
    out["GD"] = gd
    return out


def studbook_800() -> dict[str, object]:
    """All genetics on the Amur leopard fixture (if present) and a synthetic ~800 studbook."""
    warm_up()
    results: dict[str, object] = {}
    sources: list[tuple[str, studbook.Pedigree]] = []
    fixture = ROOT / "fixtures" / "amur_leopard.csv"
    if fixture.exists():
        sources.append(("fixtures/amur_leopard.csv", studbook.read_pedigree(fixture)))
    with tempfile.TemporaryDirectory() as tmp:
        book = synthetic_studbook(800, seed=1, mult_sire_rate=0.01)
        sources.append(
            ("synthetic 800", studbook.read_pedigree(book.write_csv(Path(tmp) / "s.csv")))
        )
    for name, ped in sources:
        times = []
        for _ in range(30):
            fresh = dataclasses.replace(ped)  # a new object: nothing cached
            t0 = time.perf_counter()
            all_genetics(fresh)
            times.append(time.perf_counter() - t0)
        results[name] = {
            "n": len(ped),
            "living": int(ped.living.sum()),
            "median_ms": 1000 * statistics.median(times),
            "max_ms": 1000 * max(times),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--write", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--small", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        write_studbook(args.write, args.csv)
        return
    if args.one:
        print(json.dumps(run_size(args.one, args.csv)))
        return
    if args.small:
        print(json.dumps(studbook_800()))
        return

    load = os.getloadavg()
    print(f"kinship engine benchmark  (cpus: {os.cpu_count()}, load average {load[0]:.2f})")
    print("time in s (one cold call) / peak RSS so far in MB (ru_maxrss, whole process)\n")
    stages = ["read", "F", "MK+GD", "kinship block", "gene drop x1000"]
    header = f"{'animals':>9} {'living':>7} " + " ".join(f"{s:>17}" for s in stages)
    print(header)
    print("-" * len(header))
    compile_times = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            csv = str(Path(tmp) / "studbook.csv")
            subprocess.run([sys.executable, __file__, "--write", str(n), "--csv", csv], check=True)
            proc = subprocess.run(
                [sys.executable, __file__, "--one", str(n), "--csv", csv],
                capture_output=True,
                text=True,
            )
        if proc.returncode != 0:
            print(f"{n:>9} failed:\n{proc.stderr[-2000:]}")
            continue
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        cells = []
        for s in stages:
            t, m = res[s]
            cells.append(f"{t:8.3f}s {m:6.0f}MB")
        print(f"{n:>9} {res['living']:>7} " + " ".join(f"{c:>17}" for c in cells))
        compile_times.append((n, res["compile_s"], res["block_shape"], res["mean_F"]))
    print()
    for n, c, shape, mean_f in compile_times:
        print(
            f"n={n}: first-call warm-up (numba cache load/compile) {c:.2f}s; "
            f"kinship block {shape[0]}x{shape[1]}; mean F {mean_f:.4f}"
        )
    proc = subprocess.run([sys.executable, __file__, "--small"], capture_output=True, text=True)
    if proc.returncode == 0:
        print()
        for name, r in json.loads(proc.stdout.strip().splitlines()[-1]).items():
            print(
                f"all genetics (F, MK, GD, FGE, founder representation, FE, % known, flagged "
                f"share) on {name} ({r['n']} animals, {r['living']} living): "
                f"median {r['median_ms']:.1f} ms, max {r['max_ms']:.1f} ms over 30 cold runs"
            )
    else:
        print(proc.stderr[-2000:])


if __name__ == "__main__":
    main()
