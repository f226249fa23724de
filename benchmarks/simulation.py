"""Benchmark: the individual-based forward projection of the living population's gene diversity.

Goal (issue 12): 200 living animals, 100 years, 1,000 replicates in under 20 s on 2 cores. The
start is the living population of a seeded synthetic studbook (:mod:`studbook.synthetic`) with
its kinship matrix from the engine (not timed); the life table is leopard-like (a quarter of the
cubs die, then 8 to 40 % a year with age; both sexes breed from 2 to 14 with Mx 0.4) and the
capacity K is the size now. Peak RSS is the process's ``ru_maxrss`` after each run.

Run: ``.venv/bin/python benchmarks/simulation.py [--animals 200] [--years 100]
[--replicates 1000] [--seed 1]``
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from studbook.kinship import kinship_matrix
from studbook.pedigree import Pedigree
from studbook.simulation import simulate_gene_diversity
from studbook.synthetic import synthetic_studbook

QX = [0.25, 0.12, 0.08, 0.08, 0.08, 0.08, 0.08, 0.08, 0.1, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3, 0.4]
MX = [0.0, 0.0] + [0.4] * 13 + [0.0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--animals", type=int, default=200, help="living animals at the start")
    parser.add_argument("--years", type=int, default=100)
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    # A studbook whose living share is about the requested size, then exactly that many.
    book = synthetic_studbook(
        int(args.animals / 0.3) + 50, seed=args.seed, living_fraction=0.3, founders_per_region=20
    )
    ped = Pedigree.from_cells(book.ids, book.sire, book.dam, book.sex)
    living = np.flatnonzero(book.alive)[: args.animals].tolist()
    ids = [book.ids[k] for k in living]
    sexes = [book.sex[k] for k in living]
    census = int(book.birth_date[-1][:4]) + 1
    ages = [float(census - int(book.birth_date[k][:4])) for k in living]
    kin = kinship_matrix(ped, ids)
    life = {"qx_male": QX, "qx_female": QX, "mx_male": MX, "mx_female": MX}
    # Compile the kernels once, outside the timings.
    simulate_gene_diversity(kin, sexes, ages, years=2, replicates=2, seed=0, **life)

    header = (
        f"{'management':<10}  {'animals':>7}  {'years':>5}  {'replicates':>10}  {'seconds':>8}"
        f"  {'peak RSS MB':>11}  {'mean GD now -> end':>19}"
    )
    print(header)
    for management in ("managed", "random"):
        start = time.perf_counter()
        result = simulate_gene_diversity(
            kin, sexes, ages, ids=ids, years=args.years, replicates=args.replicates,
            management=management, seed=args.seed, **life,  # type: ignore[arg-type]
        )  # fmt: skip
        seconds = time.perf_counter() - start
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        gd = f"{result.mean[0]:.4f} -> {result.mean[-1]:.4f}"
        print(
            f"{management:<10}  {len(ids):>7}  {args.years:>5}  {args.replicates:>10}  "
            f"{seconds:>8.2f}  {rss:>11.1f}  {gd:>19}"
        )


if __name__ == "__main__":
    main()
