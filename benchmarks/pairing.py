"""Benchmark: pairing rankings and breeding plans at scale.

Goals (issue 4): ranking all pairs for 1,000 males x 1,000 females in a 100,000-animal pedigree in
under 2 s once kinship is computed, and the exact breeding plan for 300 x 300 candidates in under
5 s. The pedigree comes from :func:`studbook.synthetic.synthetic_studbook` (seeded); kinship from
the engine (:mod:`studbook.kinship`), timed on its own line.

Run: ``.venv/bin/python benchmarks/pairing.py [--animals 100000] [--candidates 1000]
[--plan 300] [--seed 1]``
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np

from studbook.breeding_plan import PlanSettings, breeding_plan
from studbook.kinship import kinship_block, mean_kinship_array
from studbook.pairing import PairingInputs, rank_pairings
from studbook.pedigree import Pedigree
from studbook.synthetic import synthetic_studbook

T = TypeVar("T")


def timed(fn: Callable[[], T], repeat: int = 1) -> tuple[T, float]:
    """Result of ``fn`` and its best wall time over ``repeat`` runs, in seconds."""
    best = float("inf")
    result: T
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return result, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--animals", type=int, default=100_000)
    parser.add_argument("--candidates", type=int, default=1000)
    parser.add_argument("--plan", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rows: list[tuple[str, str, float, str]] = []
    # Compile the numba kernels (engine and min-cost flow) once, outside the timings.
    small = synthetic_studbook(500, seed=0)
    warm = Pedigree.from_cells(small.ids, small.sire, small.dam, small.sex,
                               alive=list(small.alive.tolist()))  # fmt: skip
    mean_kinship_array(warm, warm.living)
    wm = np.flatnonzero(warm.living & (warm.sex == "M"))[:20]
    wf = np.flatnonzero(warm.living & (warm.sex == "F"))[:20]
    kinship_block(warm, [warm.ids[k] for k in wm], [warm.ids[k] for k in wf])
    tiny = PairingInputs.from_arrays(["1", "2"], ["3", "4"], np.zeros((2, 2)), [0.1, 0.2],
                                     [0.1, 0.2], n=10, mean_mk=0.1)  # fmt: skip
    breeding_plan(tiny, PlanSettings(max_per_animal=2))
    book, t = timed(lambda: synthetic_studbook(args.animals, seed=args.seed))
    ped = Pedigree.from_cells(
        book.ids, book.sire, book.dam, book.sex, alive=list(book.alive.tolist()),
        birth_date=book.birth_date, location=book.location,
        flags=[[f] if f else [] for f in book.flags],
    )  # fmt: skip
    living = ped.living
    rng = np.random.default_rng(args.seed)
    males = np.flatnonzero(living & (ped.sex == "M"))
    females = np.flatnonzero(living & (ped.sex == "F"))
    m = np.sort(rng.choice(males, min(args.candidates, males.size), replace=False))
    f = np.sort(rng.choice(females, min(args.candidates, females.size), replace=False))
    male_ids = [ped.ids[k] for k in m.tolist()]
    female_ids = [ped.ids[k] for k in f.tolist()]
    size = f"{len(ped):,} animals, {int(living.sum()):,} living"
    rows.append(("simulate + build pedigree", size, t, ""))

    mk, t_mk = timed(lambda: mean_kinship_array(ped, living))
    rows.append(("MK of all living (engine)", size, t_mk, ""))
    kin, t_kin = timed(lambda: kinship_block(ped, male_ids, female_ids))
    pairs = f"{len(male_ids)} x {len(female_ids)}"
    rows.append(("kinship block (engine)", pairs, t_kin, ""))

    region = np.array([str(x) for x in ped.location], object)

    def rank() -> object:
        inputs = PairingInputs.from_arrays(
            male_ids, female_ids, kin, mk[m], mk[f], n=int(living.sum()),
            mean_mk=float(mk[living].mean()), location_male=list(region[m]),
            location_female=list(region[f]),
        )  # fmt: skip
        table = rank_pairings(inputs)
        return table, table.rows(top=100)

    (table, _), t_rank = timed(rank, repeat=3)
    rows.append(("rank all pairs + top 100 rows", pairs, t_rank, "goal < 2 s"))
    _, t_rows = timed(lambda: table.rows())  # type: ignore[attr-defined]
    count = f"{len(table):,} rows"  # type: ignore[arg-type]
    rows.append(("materialise every row", count, t_rows, "optional: rows are built on demand"))

    p = min(args.plan, len(male_ids), len(female_ids))
    sub = PairingInputs.from_arrays(
        male_ids[:p], female_ids[:p], kin[:p, :p], mk[m[:p]], mk[f[:p]], n=int(living.sum()),
        mean_mk=float(mk[living].mean()), location_male=list(region[m[:p]]),
        location_female=list(region[f[:p]]),
    )  # fmt: skip
    for k, objective in ((1, "delta_gd"), (2, "delta_gd"), (2, "offspring_f"), (3, "delta_gd")):
        settings = PlanSettings(max_per_animal=k, objective=objective)  # type: ignore[arg-type]
        plan, t_plan = timed(lambda s=settings: breeding_plan(sub, s))  # type: ignore[misc]
        note = (
            f"{len(plan.optimal)} pairs (greedy {len(plan.greedy)}); objective "
            f"{plan.optimal.objective_value:.4g} vs greedy {plan.greedy.objective_value:.4g}"
        )
        rows.append(
            (f"breeding plan K={k} {objective}", f"{p} x {p}", t_plan, "goal < 5 s; " + note)
        )

    width = max(len(r[0]) for r in rows)
    wsize = max(len(r[1]) for r in rows)
    print(f"{'step':<{width}}  {'size':<{wsize}}  {'seconds':>8}  note")
    for name, what, seconds, note in rows:
        print(f"{name:<{width}}  {what:<{wsize}}  {seconds:8.3f}  {note}")


if __name__ == "__main__":
    main()
