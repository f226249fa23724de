"""Benchmark: which plan objective gives the next generation the most gene diversity.

For the same number of pairs, four ways to choose them (issue 13 item 3), each judged by the
exact GD of the population after one offspring per pair (:mod:`studbook.next_generation`):
greedy lowest MK, the exact optimum of the sum of pair delta GD, and optimum contributions
realised as pairs (the GD of P + offspring, and optiSel's offspring mean kinship c'Kc). Columns:
next-generation GD and its change (x 10⁻⁴), the offspring generation's own GD, the sum of pair
delta GD the usual objective counts, mean offspring F, the offspring's flagged share, pairs
needing a transfer (between regions), and the time. Goal: 300 x 300 candidates in under 5 s.

The last two rows of each studbook are under the real constraints (the studbook's proven
pairs, open moves, capacity and transfer costs from its settings; the synthetic one has the
default costs): the sum-of-ΔGD plan (``breeding-plan --objective pairs``) and the plan
``studbook breeding-plan`` sends by default (:func:`studbook.contributions_plan.
contributions_plan`: optimum contributions matched with ΔGD minus transfer costs).

Studbooks: the bundled Amur leopard fixture (census 2024-01-01, its settings), the pygmy slow
loris AZA studbook (``/work/shared/data/pedigrees``; skipped when absent; census 2024-01-01, no
age limits) and a seeded synthetic studbook with 300 male and 300 female candidates.

Run: ``.venv/bin/python benchmarks/plan_objectives.py [--pairs 20] [--synthetic-pairs 100]``
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from studbook.analysis import Analysis, AnalysisSettings
from studbook.book import Studbook
from studbook.breeding_plan import BreedingPlan, PlanSettings, breeding_plan
from studbook.contributions_plan import contributions_plan
from studbook.csvformat import read_table
from studbook.events import read_events
from studbook.institutions import read_institutions
from studbook.interpret import read_understood
from studbook.kinship import kinship_matrix
from studbook.next_generation import (
    NextGeneration,
    NextGenerationInputs,
    PlanComparison,
    compare_plans,
    next_generation,
)
from studbook.pairing import PairingInputs
from studbook.pedigree import Pedigree
from studbook.plan_constraints import PlanConstraints
from studbook.population import population_genetics, reference_population
from studbook.recommended_plan import plan_constraints
from studbook.records import records_from_table
from studbook.settings import ProgrammeSettings, read_settings
from studbook.synthetic import synthetic_studbook

Case = tuple[NextGenerationInputs, float, PlanConstraints]
"""The candidates, the kinship ceiling and the plan's real-world constraints."""

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "pedigrees"


def amur() -> Case:
    """The fixture's candidates on 2024-01-01, its kinship ceiling and constraints."""
    base = ROOT / "fixtures" / "amur_leopard"
    records, _ = records_from_table(read_table(f"{base}.csv"))
    events, _ = read_events(f"{base}_events.csv")
    institutions, _ = read_institutions(f"{base}_institutions.csv")
    settings = ProgrammeSettings.from_text(read_settings(f"{base}_settings.csv"))
    book = Studbook.build(records, events, institutions, settings)
    return _from_book(book)


def loris() -> Case | None:
    path = SHARED / "pygmy_slow_loris_aza.csv"
    if not path.is_file():
        print(f"loris skipped: {path} is absent", file=sys.stderr)
        return None
    table, _ = read_understood(path, {"alive_in_source": "alive"})
    records, _ = records_from_table(table)
    return _from_book(Studbook.build(records))


def _from_book(book: Studbook) -> Case:
    analysis = Analysis(book, AnalysisSettings(census_date="2024-01-01"))
    ceiling = analysis.programme.kinship_ceiling(analysis.genetics.mean_mk)
    return analysis.next_generation_inputs, ceiling, plan_constraints(analysis)


def synthetic(size: int, seed: int) -> Case:
    """``size`` male and ``size`` female candidates of a seeded synthetic studbook."""
    book = synthetic_studbook(6000, seed=seed)
    ped = Pedigree.from_cells(
        book.ids, book.sire, book.dam, book.sex, alive=list(book.alive.tolist()),
        birth_date=book.birth_date, location=book.location,
        flags=[[f] if f else [] for f in book.flags],
    )  # fmt: skip
    pop = reference_population(ped, census_date="2030-01-01", living=[ped.ids[k] for k in
                               np.flatnonzero(ped.living).tolist()])  # fmt: skip
    gen = population_genetics(pop)
    rng = np.random.default_rng(seed)
    living = np.flatnonzero(pop.mask)
    males = np.sort(rng.choice(living[ped.sex[living] == "M"], size, replace=False))
    females = np.sort(rng.choice(living[ped.sex[living] == "F"], size, replace=False))
    ids = [ped.ids[k] for k in [*males.tolist(), *females.tolist()]]
    kin = kinship_matrix(ped, ids)
    location = [str(x) for x in ped.location]
    pairing = PairingInputs.from_arrays(
        ids[:size], ids[size:], kin[:size, size:], gen.mk[males], gen.mk[females],
        n=gen.n, mean_mk=gen.mean_mk, flagged_male=gen.flagged[males],
        flagged_female=gen.flagged[females],
        location_male=[location[k] for k in males.tolist()],
        location_female=[location[k] for k in females.tolist()],
        region_male=[location[k] for k in males.tolist()],
        region_female=[location[k] for k in females.tolist()],
    )  # fmt: skip
    programme = ProgrammeSettings()
    costs = PlanConstraints(
        transfer_cost_within_region=programme.transfer_cost_within_region,
        transfer_cost_between_regions=programme.transfer_cost_between_regions,
    )
    return NextGenerationInputs(pairing, kin), programme.kinship_ceiling(gen.mean_mk), costs


def constrained(inputs: NextGenerationInputs, n_pairs: int, case: Case) -> list[NextGeneration]:
    """Under the constraints: the sum-of-ΔGD plan (breeding-plan --objective pairs) and the
    plan breeding-plan sends by default, each timed and judged."""
    _, ceiling, constraints = case
    settings = PlanSettings(kinship_limit=ceiling, n_pairs=n_pairs)
    p = inputs.pairing
    row = {a: k for k, a in enumerate(p.male_ids)}
    col = {a: k for k, a in enumerate(p.female_ids)}
    out = []
    makers: tuple[tuple[str, Callable[[], BreedingPlan]], ...] = (
        ("constrained: sum of pair ΔGD", lambda: breeding_plan(p, settings, constraints)),
        ("constrained: OC (default plan)", lambda: _default(inputs, settings, constraints)),
    )
    for name, make in makers:
        start = time.perf_counter()
        plan = make()
        seconds = time.perf_counter() - start
        males = np.array([row[x.male] for x in plan.optimal.pairs], np.int64)
        females = np.array([col[x.female] for x in plan.optimal.pairs], np.int64)
        out.append(next_generation(inputs, males, females, name, seconds))
    return out


def _default(
    inputs: NextGenerationInputs, settings: PlanSettings, constraints: PlanConstraints
) -> BreedingPlan:
    result = contributions_plan(inputs, settings, constraints)
    if result.plan is None:
        raise SystemExit(f"the default plan is infeasible: {result.why_infeasible}")
    return result.plan


def table(
    name: str, inputs: NextGenerationInputs, result: PlanComparison, more: list[NextGeneration]
) -> list[str]:
    p = inputs.pairing
    lines = [
        f"{name}: N = {p.n}, GD(P) = {1 - p.mean_mk:.6f}, candidates {len(p.male_ids)} x "
        f"{len(p.female_ids)}, {result.n_pairs} pairs asked; optimum contributions solved in "
        f"{result.contributions.iterations} active-set iterations",
    ]
    head = (
        f"  {'plan':<48} {'pairs':>5} {'next-gen GD':>11} {'ΔGD ×10⁻⁴':>10} {'offspr GD':>9} "
        f"{'Σ pair ΔGD ×10⁻⁴':>16} {'mean F':>7} {'% flagged':>9} {'transfers':>9} "
        f"{'(regions)':>9} {'seconds':>8}"
    )
    lines.append(head)
    for plan in (*result.plans, *more):
        lines.append(
            f"  {plan.method:<48} {len(plan.pairs):>5} {plan.gd:>11.6f} "
            f"{plan.delta_gd * 1e4:>+10.2f} {plan.offspring_gd:>9.4f} "
            f"{plan.sum_pair_delta_gd * 1e4:>+16.2f} {plan.mean_offspring_f:>7.4f} "
            f"{100 * plan.flagged:>9.2f} {plan.transfers:>9} {plan.between_regions:>9} "
            f"{plan.seconds:>8.3f}"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=20, help="pairs for the real studbooks")
    parser.add_argument("--loris-pairs", type=int, default=10)
    parser.add_argument("--synthetic", type=int, default=300, help="candidates of each sex")
    parser.add_argument("--synthetic-pairs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    # Compile the min-cost flow once, outside the timings.
    warm = synthetic(20, 0)
    compare_plans(warm[0], 5, max_per_animal=2, kinship_limit=warm[1])
    constrained(warm[0], 5, warm)
    cases: list[tuple[str, Case | None, int]] = [
        ("Amur leopard fixture", amur(), args.pairs),
        ("pygmy slow loris (AZA)", loris(), args.loris_pairs),
    ]
    start = time.perf_counter()
    cases.append(
        (f"synthetic {args.synthetic} x {args.synthetic}",
         synthetic(args.synthetic, args.seed), args.synthetic_pairs)
    )  # fmt: skip
    print(f"(synthetic studbook and its kinship built in {time.perf_counter() - start:.1f} s)")
    for name, case, pairs in cases:
        if case is None:
            continue
        inputs, ceiling, _ = case
        result = compare_plans(inputs, pairs, kinship_limit=ceiling)
        print("\n".join(table(name, inputs, result, constrained(inputs, pairs, case))))
        print()


if __name__ == "__main__":
    main()
