"""The breeding plan a coordinator sends: sized by the goals, under the real-world constraints.

:func:`recommended_plan` puts together, for one :class:`~studbook.analysis.Analysis`:

* the plan's size (:mod:`studbook.plan_size`): births needed, litter size and the success rate
  of the programme's tracked plans (else the setting ``success_rate``), unless the number of
  pairs is given;
* the constraints (:mod:`studbook.plan_constraints`): proven pairs at one institution, open
  moves of issued plans, transfer costs and institution capacity from the settings, house names
  for the rows;
* the animals kept out by a breeding hold, with the reason;
* the last issued plan, so that its fulfilment is shown beside the new one;
* the plan itself, by ``objective`` (:data:`studbook.defaults.PLAN_OBJECTIVES`):
  optimum contributions for the GD of P + offspring by default
  (:mod:`studbook.contributions_plan`), the exact sum-of-ΔGD optimum or the greedy lowest-MK
  plan on request; all three are judged by the exact next-generation GD and compared. When a
  rule makes the contributions plan infeasible, the sum-of-ΔGD plan is sent and the notes name
  the rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from studbook.breeding_plan import BreedingPlan, Objective, Plan, max_pairs
from studbook.contributions_plan import contributions_plan, judge
from studbook.defaults import PlanObjective
from studbook.plan_constraints import PlanConstraints, proven_pairs
from studbook.plan_size import PlanSize, asked_pairs, births_needed, plan_size, success_rate
from studbook.present import counted
from studbook.recommendations import IssuedPlan

if TYPE_CHECKING:
    from studbook.analysis import Analysis

__all__ = ["RecommendedPlan", "plan_constraints", "recommended_plan"]


@dataclass(frozen=True)
class RecommendedPlan:
    """A sized, constrained plan with its explanations.

    ``size`` is ``None`` when the number of pairs was given; ``held`` maps each animal of P
    kept out by a breeding hold to the hold's text; ``open_moves`` the animals an open
    recommendation already moves; ``previous`` is the last issued plan; ``objective`` how the
    plan was chosen and ``choice`` which plan was used and why (a fallback names its rule).
    ``plan.optimal`` is the plan to send, ``plan.compared`` every objective's plan, judged by
    the next generation.
    """

    plan: BreedingPlan
    size: PlanSize | None
    held: Mapping[str, str]
    open_moves: Mapping[str, str]
    previous: IssuedPlan | None
    objective: PlanObjective = "contributions"
    choice: str = ""

    def figures(self) -> dict[str, Any]:
        """The headline figures stored with an issued plan (JSON-ready)."""
        best = self.plan.optimal
        moves = sum(p.mover != "none" for p in best.pairs)
        out: dict[str, Any] = {
            "pairs": len(best),
            "method": best.method,
            "total_delta_gd": best.total_delta_gd,
            "mean_offspring_f": best.mean_offspring_f,
            "moves": moves,
            "between_region_transfers": best.between_region_transfers,
            "proven_pairs_kept": sum(p.proven for p in best.pairs),
            "held_out": len(self.held),
        }
        if best.judged is not None:
            out.update(
                next_generation_delta_gd=best.judged.delta_gd,
                offspring_flagged=best.judged.flagged,
            )
        if self.size is not None:
            out.update(
                births_needed=self.size.births.per_year,
                litter_size=self.size.births.litter_size,
                success_rate=self.size.success.rate,
                pairs_needed=self.size.needed,
            )
        return out

    def notes(self) -> list[str]:
        """Explanations for the command line and the report: sizing, holds, open moves,
        proven pairs, the previous plan."""
        out = [f"plan: {self.choice}"] if self.choice else []
        if self.size is not None:
            out += [f"plan size: {line}" for line in self.size.lines()]
        else:
            pairs = self.plan.settings.n_pairs
            assert pairs is not None  # the plan is sized by the goals unless pairs were asked
            out.append(f"plan size: {counted(pairs, 'pair')}, as asked (not sized by the goals)")
        out += [f"not breeding: {a}: {why}" for a, why in sorted(self.held.items())]
        out += [
            f"already moving (not moved again): {a}, {rec}" for a, rec in self.open_moves.items()
        ]
        for pair in self.plan.proven:
            out.append("proven pair: " + pair.text(_gd_text))
        if self.previous is not None:
            out.append("previous plan: " + self.previous.fulfilment_text())
            before, now = self.previous.figures, self.figures()
            shown = [
                f"{label} {_figure(key, before[key])} (now {_figure(key, now[key])})"
                for key, label in _COMPARED
                if key in before and key in now
            ]
            if shown:
                out.append("previous plan's figures: " + ", ".join(shown))
        return out


_COMPARED = (
    ("pairs", "pairs"),
    ("total_delta_gd", "total ΔGD ×10⁻⁴"),
    ("next_generation_delta_gd", "next-generation ΔGD ×10⁻⁴"),
    ("moves", "moves"),
    ("between_region_transfers", "between regions"),
    ("proven_pairs_kept", "proven pairs kept"),
)
"""The stored figures shown beside the new plan's."""


def _figure(key: str, value: Any) -> str:
    from studbook.present import DELTA_GD

    return DELTA_GD.text(value) if key.endswith("delta_gd") else str(value)


def _gd_text(value: float) -> str:
    from studbook.present import DELTA_GD

    return f"{DELTA_GD.text(value).lstrip('+')} ×10⁻⁴"


def plan_constraints(analysis: Analysis) -> PlanConstraints:
    """The constraints of ``analysis``'s plan, from its candidates, settings and history."""
    inp = analysis.pairing_inputs
    settings = analysis.programme
    pop = analysis.population
    ped = pop.pedigree
    spare: dict[str, tuple[int | None, int | None]] = {}
    if settings.institution_capacity:
        here = np.array([str(x) for x in ped.location], dtype=object)
        for mnemonic, males, females in settings.institution_capacity:
            at = pop.mask & (here == mnemonic)
            spare[mnemonic] = (
                max(males - int((at & (ped.sex == "M")).sum()), 0),
                max(females - int((at & (ped.sex == "F")).sum()), 0),
            )
    records = analysis.book.records
    return PlanConstraints(
        proven=proven_pairs(
            ped, inp.male_ids, inp.female_ids, inp.location_male, inp.location_female
        ),
        proven_margin=settings.proven_pair_margin,
        open_moves=analysis.book.plans.open_moves(),
        spare=spare,
        transfer_cost_within_region=settings.transfer_cost_within_region,
        transfer_cost_between_regions=settings.transfer_cost_between_regions,
        names={a: records[a].house_name for a in (*inp.male_ids, *inp.female_ids) if a in records},
    )


def recommended_plan(
    analysis: Analysis,
    *,
    objective: PlanObjective = "contributions",
    score: Objective = "delta_gd",
    max_per_animal: int = 1,
    n_pairs: int | None = None,
) -> RecommendedPlan:
    """The plan sized by the goals (or ``n_pairs``, see :func:`~studbook.plan_size.asked_pairs`)
    under the constraints, chosen by ``objective`` with the per-pair ``score`` (module
    docstring)."""
    n_pairs = asked_pairs(n_pairs)
    constraints = plan_constraints(analysis)
    inp = analysis.pairing_inputs
    settings = analysis.programme.plan_settings(
        objective=score,
        max_per_animal=max_per_animal,
        n_pairs=n_pairs,
        mean_mk=analysis.genetics.mean_mk,
    )
    size = None
    if n_pairs is None:
        allowed = (inp.kinship < settings.kinship_limit) & constraints.costs(inp, 1.0).allowed
        possible = max_pairs(allowed, max_per_animal, max_per_animal)
        fulfilled, recorded = analysis.book.plans.outcome_counts()
        rate = success_rate(fulfilled, recorded, analysis.programme.success_rate)
        births = births_needed(analysis.book, analysis.population, analysis.programme)
        size = plan_size(births, rate, possible)
        settings = replace(settings, n_pairs=size.pairs)
    plan, choice = _chosen(analysis, objective, analysis.breeding_plan(settings, constraints))
    if size is not None and size.possible > 0 and size.needed == 0 and plan.why_empty:
        # Pairs were possible but none is needed; when none is possible, the pairing rules'
        # reason (no candidates, the kinship limit) stands.
        plan = replace(
            plan,
            why_empty=f"no births are needed this year for the goal: {size.births.goal} "
            f"({counted(size.births.deaths, 'death')} in the life tables' window)",
        )
    in_p = set(analysis.population.ids)
    held = {a: h.describe() for a, h in analysis.holds.items() if a in in_p}
    moving = {a: why for a, why in constraints.open_moves.items() if a in in_p}
    return RecommendedPlan(
        plan, size, held, moving, analysis.book.plans.last, objective=objective, choice=choice
    )


_WHY = {
    "contributions": "the most GD in P + offspring (exact), offspring's flagged share at most "
    "the candidates' mean; mates matched by ΔGD minus transfer costs",
    "pairs": "asked for (--objective pairs): the exact optimum of the sum of pair ΔGD",
    "greedy": "asked for (--objective greedy): the lowest-MK animals paired first",
}
"""Why each objective's plan is the one sent (the note under the plan)."""


def _chosen(
    analysis: Analysis, objective: PlanObjective, pairs: BreedingPlan
) -> tuple[BreedingPlan, str]:
    """The plan of ``objective`` (the sum-of-ΔGD ``pairs`` plan when optimum contributions
    are infeasible, with the rule named), every objective's plan judged by the next
    generation beside it, and the note saying which was used and why."""
    inputs = analysis.next_generation_inputs
    greedy = judge(inputs, pairs.greedy)
    summed = judge(inputs, pairs.optimal)
    n_pairs = len(pairs.optimal)
    contributions: Plan | None = None
    why_not = None
    base = pairs
    if n_pairs:
        result = contributions_plan(
            inputs, replace(pairs.settings, n_pairs=n_pairs), pairs.constraints
        )
        if result.plan is not None:
            contributions = judge(inputs, result.plan.optimal)
            if objective == "contributions":
                base = result.plan
        why_not = result.why_infeasible
    compared = tuple(p for p in (contributions, summed, greedy) if p is not None)
    chosen = {"contributions": contributions, "pairs": summed, "greedy": greedy}[objective]
    if chosen is None:
        chosen = summed
        if n_pairs:
            choice = (
                f"{summed.method}, because optimum contributions (the default) are "
                f"infeasible: {why_not}"
            )
        else:
            choice = f"{summed.method} (no pairs to choose)"
    else:
        choice = f"{chosen.method}: {_WHY[objective]}"
    if objective == "greedy":
        base = replace(base, proven=())
    plan = replace(
        base,
        optimal=chosen,
        greedy=greedy,
        compared=compared,
        optimal_at_greedy_size=pairs.optimal_at_greedy_size,
    )
    return plan, choice
