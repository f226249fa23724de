"""Benchmark the kinship engine on two shapes of synthetic studbook, 1e3 to 1e6 animals.

Usage::

    .venv/bin/python benchmarks/kinship.py                 # both shapes, 1e5 and 1e6
    .venv/bin/python benchmarks/kinship.py --sizes 1000 100000 --shapes deep

Shapes (both seed 1, written to a temporary CSV by a process of their own and read back with
:func:`studbook.read_pedigree`): ``zoo`` is :func:`studbook.synthetic.synthetic_studbook`
(regional programmes year by year, 2 % UNK sires, 1 % MULT sires); ``deep`` is
:func:`studbook.synthetic.deep_studbook` (issue 16: ~4 log10 N overlapping generations,
institutions, father x daughter matings).

Each (shape, size) runs in a fresh subprocess so that its peak memory is its own. Memory is
the process's peak resident set size (``ru_maxrss``, which counts numpy *and* numba
allocations) read after each stage, so it is the peak *so far* (including the interpreter,
numba and the compiled kernels, about 200 MB). Times are wall-clock seconds of one cold call,
with the CPU seconds of the process beside them (the machine is shared: wall time includes
waiting for a core, CPU time does not; on two cores CPU can exceed wall); numba compilation
is done (or loaded from the on-disk cache) beforehand on a tiny pedigree. A second table gives
each stage's RSS at its start, its peak (sampled every 5 ms from ``/proc/self/statm``) and at
its end, to show which stage sets the peak and what it keeps.

Stages: reading the CSV; F for all; MK of all living + GD (one Colleau product once F is
known); the kinship block of up to 1,000 living males x 1,000 living females; gene drop with
1,000 iterations over the living. ``ML`` is the classic Meuwissen & Luo (1992) F, compiled
(``benchmarks/meuwissen_luo.py``), run on the same parents-first links in another fresh
subprocess; ``ratio`` is its time over the engine's F time, measured in the same run (a ratio
survives a busy machine; an absolute time does not), and ``|dF|`` the largest difference
between the two F vectors.
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
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import studbook  # noqa: E402
import studbook.jit  # noqa: E402
from studbook.inbreeding import _links_by_child, _parents_first  # noqa: E402
from studbook.kinship import mean_kinship_array  # noqa: E402
from studbook.synthetic import deep_studbook, synthetic_studbook  # noqa: E402

T = TypeVar("T")

SIZES = (100_000, 1_000_000)
SHAPES = ("zoo", "deep")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class RssSampler:
    """The process's resident set size now and its peak since :meth:`reset`, sampled by a
    thread every 5 ms (Linux ``/proc/self/statm``)."""

    def __init__(self) -> None:
        self.page = os.sysconf("SC_PAGE_SIZE")
        self.peak = self.now()
        threading.Thread(target=self._sample, daemon=True).start()

    def now(self) -> float:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * self.page / 2**20

    def reset(self) -> float:
        self.peak = self.now()
        return self.peak

    def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, self.now())
            time.sleep(0.005)


def stage(out: dict[str, object], rss: RssSampler, name: str, fn: Callable[[], T]) -> T:
    """Run ``fn`` and record its (wall s, CPU s, peak RSS so far, RSS at start, peak during,
    RSS after) in ``out[name]``."""
    start = rss.reset()
    t0, c0 = time.perf_counter(), cpu_s()
    result = fn()
    wall, cpu = time.perf_counter() - t0, cpu_s() - c0
    time.sleep(0.01)  # one more sample
    out[name] = (wall, cpu, peak_mb(), start, rss.peak, rss.now())
    return result


def warm_up() -> float:
    """Compile (or load from numba's cache) every kernel once; return the seconds it took."""
    start = time.perf_counter()
    studbook.jit.preload()  # so that the tiny pedigree runs compiled code, not interpreted
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


def write_studbook(shape: str, n: int, path: Path) -> None:
    """Write the size-``n`` studbook of ``shape``; run in its own process so that the
    simulator's text columns do not count in the engine's peak memory."""
    if shape == "deep":
        deep_studbook(n, seed=1).write_csv(path)
    else:
        synthetic_studbook(n, seed=1, mult_sire_rate=0.01).write_csv(path)


def run_reference(path: Path, engine_f: Path) -> dict[str, float]:
    """Time the compiled Meuwissen-Luo F on the pedigree's parents-first links (as the
    engine's factor kernel gets them) and compare it with the engine's F."""
    from meuwissen_luo import meuwissen_luo

    tiny = synthetic_studbook(60, seed=0, mult_sire_rate=0.1)
    with tempfile.TemporaryDirectory() as tmp:
        links = parent_links(studbook.read_pedigree(tiny.write_csv(Path(tmp) / "w.csv")))
    meuwissen_luo(*links[1:])
    ped = studbook.read_pedigree(path)
    position, *links_of_ped = parent_links(ped)
    t0 = time.perf_counter()
    F, _ = meuwissen_luo(*links_of_ped)
    seconds = time.perf_counter() - t0
    want = np.load(engine_f)
    return {"seconds": seconds, "max_diff": float(np.abs(F[position] - want).max())}


def parent_links(ped: studbook.Pedigree) -> tuple[np.ndarray, ...]:
    """(position of each animal, ptr, parent, weight, side): the engine's layout links."""
    n = len(ped)
    order = _parents_first(ped)
    position = np.empty(n, np.int64)
    position[order] = np.arange(n, dtype=np.int64)
    edges = ped.parent_edges
    links = _links_by_child(position, edges.child, edges.parent, edges.weight, edges.role)
    return (position, *links)


def run_size(n: int, path: Path, engine_f: Path) -> dict[str, object]:
    compile_s = warm_up()
    out: dict[str, object] = {"n": n, "compile_s": compile_s}
    rss = RssSampler()
    out["start_mb"] = rss.now()
    ped = stage(out, rss, "read", lambda: studbook.read_pedigree(path))
    F = stage(out, rss, "F", lambda: studbook.inbreeding(ped))
    np.save(engine_f, F)
    mk = stage(out, rss, "MK+GD", lambda: mean_kinship_array(ped))
    gd = 1.0 - float(mk[ped.living].mean())
    living = np.flatnonzero(ped.living)
    males = [ped.ids[k] for k in living[ped.sex[living] == "M"][:1000].tolist()]
    females = [ped.ids[k] for k in living[ped.sex[living] == "F"][:1000].tolist()]
    block = stage(out, rss, "kinship block", lambda: studbook.kinship_block(ped, males, females))
    out["block_shape"] = list(block.shape)
    drop = stage(
        out, rss, "gene drop x1000", lambda: studbook.gene_drop(ped, iterations=1000, seed=1)
    )
    out["fge"] = drop.fge
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
    parser.add_argument("--shapes", nargs="*", default=list(SHAPES), choices=SHAPES)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--write", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--shape", default="zoo", help=argparse.SUPPRESS)
    parser.add_argument("--reference", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--engine-f", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--small", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        write_studbook(args.shape, args.write, args.csv)
        return
    if args.one:
        print(json.dumps(run_size(args.one, args.csv, args.engine_f)))
        return
    if args.reference:
        print(json.dumps(run_reference(args.csv, args.engine_f)))
        return
    if args.small:
        print(json.dumps(studbook_800()))
        return

    load = os.getloadavg()
    print(f"kinship engine benchmark  (cpus: {os.cpu_count()}, load average {load[0]:.2f})")
    print("wall s (one cold call) / CPU s / peak RSS so far in MiB (ru_maxrss, whole process)\n")
    stages = ["read", "F", "MK+GD", "kinship block", "gene drop x1000"]
    header = (
        f"{'shape':>5} {'animals':>9} {'living':>7} "
        + " ".join(f"{s:>24}" for s in stages)
        + f" {'ML F':>8} {'ratio':>6} {'|dF|':>8}"
    )
    print(header)
    print("-" * len(header))
    notes = []
    phases = []
    for shape in args.shapes:
        for n in args.sizes:
            row = run_one(shape, n)
            if isinstance(row, str):
                print(f"{shape:>5} {n:>9} failed:\n{row}")
                continue
            res, ref = row
            cells = []
            for s in stages:
                t, c, m = res[s][:3]
                cells.append(f"{t:7.2f}s {c:6.2f}c {m:5.0f}MB")
            f_seconds = res["F"][0]
            print(
                f"{shape:>5} {n:>9} {res['living']:>7} "
                + " ".join(f"{c:>24}" for c in cells)
                + f" {ref['seconds']:7.2f}s {ref['seconds'] / f_seconds:5.1f}x"
                + f" {ref['max_diff']:8.1e}"
            )
            notes.append(
                (shape, n, res["compile_s"], res["block_shape"], res["mean_F"], res["fge"])
            )
            phases.append((shape, n, res))
    print(f"\nload average after the run: {os.getloadavg()[0]:.2f}")
    print("\nRSS in MiB per stage: at its start / peak during it / at its end")
    for shape, n, res in phases:
        cells = [f"{s} {res[s][3]:.0f}/{res[s][4]:.0f}/{res[s][5]:.0f}" for s in stages]
        print(f"{shape:>5} {n:>9} start {res['start_mb']:.0f}: " + ", ".join(cells))
    for shape, n, c, shape_block, mean_f, fge in notes:
        print(
            f"{shape} n={n}: first-call warm-up (numba cache load/compile) {c:.2f}s; "
            f"kinship block {shape_block[0]}x{shape_block[1]}; mean F {mean_f:.4f}; "
            f"gene-drop FGE {fge:.3f}"
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


def run_one(shape: str, n: int) -> tuple[dict[str, Any], dict[str, float]] | str:
    """The engine's stages and the reference's F for one studbook, each in a fresh process;
    the stderr tail when one fails."""
    with tempfile.TemporaryDirectory() as tmp:
        csv = str(Path(tmp) / "studbook.csv")
        engine_f = str(Path(tmp) / "F.npy")
        me = [sys.executable, __file__, "--csv", csv, "--engine-f", engine_f]
        subprocess.run([*me, "--write", str(n), "--shape", shape], check=True)
        results = []
        for extra in (["--one", str(n)], ["--reference"]):
            proc = subprocess.run([*me, *extra], capture_output=True, text=True)
            if proc.returncode != 0:
                return proc.stderr[-2000:]
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return results[0], results[1]


if __name__ == "__main__":
    main()
