"""The default breeding plan: optimum contributions choose who breeds, the plan's per-pair
score decides who mates whom (``docs/plans.md`` says why).

:func:`contributions_plan` builds, for ``n_pairs`` pairs:

1. **Who breeds**: the optimum contributions for the GD of P + offspring
   (:func:`studbook.next_generation.optimum_contributions`, objective "population"), with the
   offspring's flagged-founder share at most the candidates' mean share. Animals under a
   breeding hold are not candidates, so their contribution is 0.
2. **Proven pairs** (:mod:`studbook.plan_constraints`) are kept unless genetics argue strongly
   against, the same rule and margin as the sum-of-ΔGD plan: one by one, both animals are made
   to breed (c_i >= 1/2n) and the pair is kept when that lowers the GD of P + O by at most the
   proven-pair margin (MK units, converted to GD as for one pair: 2N / (N + 1)^2). The
   objective's loss converts to GD exactly: GD(P + O) = 1 - (S + n^2 objective) / (N + n)^2 up
   to the offspring's own inbreeding. A kept pair is then kept together in the matching.
3. **Who mates whom**: the contributions rounded to whole pairings per animal
   (:func:`studbook.next_generation.offspring_numbers`), then the matching of the chosen
   animals with the plan's per-pair score (ΔGD minus transfer costs, proven pairs' bonus)
   under the kinship ceiling, exactly as :func:`~studbook.next_generation.
   realise_contributions` with ``weight=`` does, solved by :func:`studbook.breeding_plan.
   breeding_plan` with those pairings so that the same code applies open moves (an animal an
   issued plan already moves is not moved twice) and institution capacity by sex.

When a rule leaves the contributions without a plan of ``n_pairs`` pairs (too few candidates,
the flagged bound, the kinship ceiling, open moves or capacity among the chosen animals), the
result names that rule; :mod:`studbook.recommended_plan` then falls back to the sum-of-ΔGD
plan and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from studbook.breeding_plan import (
    BreedingPlan,
    Plan,
    PlanSettings,
    ProvenPair,
    breeding_plan,
    max_pairs,
)
from studbook.errors import StudbookError
from studbook.next_generation import (
    Contributions,
    NextGenerationInputs,
    next_generation,
    offspring_numbers,
    optimum_contributions,
)
from studbook.plan_constraints import PlanConstraints
from studbook.present import counted

__all__ = [
    "CONTRIBUTIONS_METHOD",
    "ContributionsPlan",
    "contributions_plan",
    "judge",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
CONTRIBUTIONS_METHOD = "optimal contributions (GD of P + offspring)"
"""The plan's name; it starts with "optimal", as the optimum of its objective (what the UI
shows beside the greedy plan)."""


@dataclass(frozen=True)
class ContributionsPlan:
    """The contributions plan, or the rule that makes it infeasible (``plan`` is ``None``);
    ``contributions`` are the optimum contributions it realised (with the kept proven pairs'
    animals made to breed), when they could be formed."""

    plan: BreedingPlan | None
    why_infeasible: str | None
    contributions: Contributions | None = None


def judge(inputs: NextGenerationInputs, plan: Plan) -> Plan:
    """``plan`` with its exact next-generation figures (:func:`~studbook.next_generation.
    next_generation`, one offspring per pair)."""
    p = inputs.pairing
    row = {a: k for k, a in enumerate(p.male_ids)}
    col = {a: k for k, a in enumerate(p.female_ids)}
    males = np.array([row[x.male] for x in plan.pairs], np.int64)
    females = np.array([col[x.female] for x in plan.pairs], np.int64)
    return replace(plan, judged=next_generation(inputs, males, females, plan.method))


def _gd_per_objective(inputs: NextGenerationInputs, n_pairs: int) -> float:
    """GD per unit of the "population" objective: n^2 / (N + n)^2."""
    n = inputs.pairing.n
    return n_pairs**2 / (n + n_pairs) ** 2


def _proven(
    inputs: NextGenerationInputs,
    settings: PlanSettings,
    constraints: PlanConstraints,
    allowed: BoolArray,
    base: Contributions,
    n_pairs: int,
) -> tuple[Contributions, BoolArray, tuple[ProvenPair, ...]]:
    """The proven pairs kept (module docstring, point 2): the contributions with the kept
    pairs' animals made to breed, the kept pairs and the report."""
    p = inputs.pairing
    nm = inputs.males
    proven = constraints.costs(p, 1.0).proven
    margin = constraints.proven_margin * 2.0 * p.n / (p.n + 1) ** 2
    to_gd = _gd_per_objective(inputs, n_pairs)
    forced = np.zeros(inputs.kinship.shape[0], np.int64)
    kept = np.zeros(proven.shape, bool)
    delta_gd = p.delta_gd()
    out = []
    for pm, pf in zip(*np.nonzero(proven), strict=True):
        m, f = int(pm), int(pf)
        cost: float | None = None
        keep = False
        why = ""
        busy = (
            kept[m].sum() >= settings.max_per_animal or kept[:, f].sum() >= settings.max_per_animal
        )
        if not allowed[m, f]:
            why = f"their kinship is at or above the ceiling {settings.kinship_limit:g}"
        elif busy:
            why = "one of them stays with another proven mate"
        else:
            trial = forced.copy()
            trial[m] += 1
            trial[nm + f] += 1
            try:
                with_pair = optimum_contributions(
                    inputs, n_pairs, max_per_animal=settings.max_per_animal, min_offspring=trial
                )
            except StudbookError:
                with_pair = None
            if with_pair is not None:
                cost = (with_pair.objective - base.objective) * to_gd
                cost = 0.0 if abs(cost) < 1e-15 else cost
                keep = cost <= margin
                if keep:
                    forced, base = trial, with_pair
                    kept[m, f] = True
        out.append(
            ProvenPair(
                male=p.male_ids[m],
                female=p.female_ids[f],
                institution=p.location_male[m],
                kept=keep,
                delta_gd=float(delta_gd[m, f]),
                keep_cost=cost,
                margin=margin,
                why=why,
            )
        )
    return base, kept, tuple(out)


def _why_short(
    inputs: NextGenerationInputs,
    settings: PlanSettings,
    constraints: PlanConstraints | None,
    pairings: tuple[IntArray, IntArray],
    reached: int,
    n_pairs: int,
) -> str:
    """The rule that leaves the chosen animals fewer than ``n_pairs`` pairs."""
    p = inputs.pairing
    head = (
        f"among the animals the contributions chose, only {reached} of {counted(n_pairs, 'pair')}"
    )
    allowed = p.kinship < settings.kinship_limit
    if max_pairs(allowed, *pairings) < n_pairs:
        return (
            f"{head} are below the kinship ceiling {settings.kinship_limit:g} "
            "(setting kinship_limit)"
        )
    if constraints is not None:
        moving = allowed & constraints.costs(p, 1.0).allowed
        if max_pairs(moving, *pairings) < n_pairs:
            return f"{head} can form without moving an animal an issued plan already moves"
    return f"{head} fit the institutions' places (setting institution_capacity)"


def contributions_plan(
    inputs: NextGenerationInputs,
    settings: PlanSettings,
    constraints: PlanConstraints | None = None,
) -> ContributionsPlan:
    """The contributions plan of ``settings.n_pairs`` pairs under ``constraints`` (module
    docstring), or the rule that makes it infeasible.

    >>> from studbook.pairing import PairingInputs
    >>> inp = NextGenerationInputs(
    ...     PairingInputs.from_arrays(["m1", "m2"], ["f1", "f2"], [[0.0, 0.0], [0.0, 0.0]],
    ...                               [0.1, 0.3], [0.1, 0.3], n=4, mean_mk=0.2),
    ...     np.array([[0.5, 0.2, 0, 0], [0.2, 0.5, 0, 0], [0, 0, 0.5, 0.2], [0, 0, 0.2, 0.5]]))
    >>> result = contributions_plan(inp, PlanSettings(n_pairs=1))
    >>> [(x.male, x.female) for x in result.plan.optimal.pairs]
    [('m1', 'f1')]
    """
    n_pairs = settings.n_pairs
    if n_pairs is None or n_pairs < 1:
        return ContributionsPlan(None, "no pair was asked for")
    p = inputs.pairing
    allowed = p.kinship < settings.kinship_limit
    if constraints is not None:
        allowed = allowed & constraints.costs(p, 1.0).allowed
    try:
        oc = optimum_contributions(inputs, n_pairs, max_per_animal=settings.max_per_animal)
    except StudbookError as exc:
        return ContributionsPlan(None, str(exc))
    kept = np.zeros(allowed.shape, bool)
    proven: tuple[ProvenPair, ...] = ()
    if constraints is not None and constraints.proven:
        oc, kept, proven = _proven(inputs, settings, constraints, allowed, oc, n_pairs)
    pairings = offspring_numbers(
        inputs, oc.c, n_pairs, max_per_animal=settings.max_per_animal, max_flagged=oc.max_flagged
    )
    plan = breeding_plan(
        p, settings, constraints, pairings=pairings, keep=kept, method=CONTRIBUTIONS_METHOD
    )
    if len(plan.optimal) < n_pairs:
        why = _why_short(inputs, settings, constraints, pairings, len(plan.optimal), n_pairs)
        return ContributionsPlan(None, why, oc)
    chosen = {(x.male, x.female) for x in plan.optimal.pairs}
    proven = tuple(replace(x, kept=(x.male, x.female) in chosen) if x.kept else x for x in proven)
    return ContributionsPlan(replace(plan, proven=proven), None, oc)
