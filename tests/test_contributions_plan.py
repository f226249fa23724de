"""The default breeding plan: optimum contributions choose who breeds, under every real-world
rule (holds, proven pairs, capacity, open moves, flagged share, size), with a named fallback."""

from __future__ import annotations

import numpy as np
import pytest
from testdata import FIXTURES

from studbook.analysis import Analysis, AnalysisSettings
from studbook.book import Studbook
from studbook.breeding_plan import PlanSettings
from studbook.contributions_plan import CONTRIBUTIONS_METHOD, contributions_plan, judge
from studbook.csvformat import read_table, table_from_text
from studbook.events import read_events
from studbook.institutions import read_institutions
from studbook.next_generation import NextGenerationInputs, next_generation, optimum_contributions
from studbook.pairing import PairingInputs
from studbook.plan_constraints import PlanConstraints
from studbook.recommendations import BreedingHold
from studbook.records import records_from_table
from studbook.settings import ProgrammeSettings, read_settings

N = 20


def inputs(
    kinship: np.ndarray,
    mk: list[float],
    males: int,
    where: list[str] | None = None,
    flagged: list[float] | None = None,
) -> NextGenerationInputs:
    """Candidates m0.. then f0.. with the full kinship matrix ``kinship`` (males first)."""
    size = len(mk)
    at = where or ["A"] * size
    flags = flagged or [0.0] * size
    kin = np.asarray(kinship, float)
    pairing = PairingInputs.from_arrays(
        [f"m{k}" for k in range(males)],
        [f"f{k}" for k in range(size - males)],
        kin[:males, males:],
        mk[:males],
        mk[males:],
        n=N,
        mean_mk=0.1,
        flagged_male=flags[:males],
        flagged_female=flags[males:],
        location_male=at[:males],
        location_female=at[males:],
        region_male=["EAZA"] * males,
        region_female=["EAZA"] * (size - males),
    )
    return NextGenerationInputs(pairing, kin)


def unrelated(size: int) -> np.ndarray:
    return np.eye(size) * 0.5


def pairs(result: object) -> list[tuple[str, str, str]]:
    plan = result.plan.optimal  # type: ignore[attr-defined]
    return sorted((p.male, p.female, p.move) for p in plan.pairs)


class TestWhoBreeds:
    """The contributions choose the parents; the plan has the asked number of pairs."""

    def test_size_is_honoured_and_each_animal_breeds_once(self) -> None:
        inp = inputs(unrelated(8), [0.05, 0.1, 0.15, 0.2, 0.05, 0.1, 0.15, 0.2], 4)
        for n in (1, 2, 3):
            result = contributions_plan(inp, PlanSettings(n_pairs=n))
            chosen = result.plan.optimal.pairs  # type: ignore[union-attr]
            assert len(chosen) == n
            assert len({p.male for p in chosen}) == len({p.female for p in chosen}) == n
            assert result.plan.optimal.method == CONTRIBUTIONS_METHOD  # type: ignore[union-attr]

    def test_siblings_share_the_offspring_generation(self) -> None:
        """m0 and m1 are full sibs (kinship 1/4) with the lowest MK; with two pairs the
        contributions take one of them and the unrelated m2, not both sibs."""
        kin = unrelated(6)
        kin[0, 1] = kin[1, 0] = 0.25
        inp = inputs(kin, [0.100, 0.100, 0.101, 0.1, 0.1, 0.1], 3)
        result = contributions_plan(inp, PlanSettings(n_pairs=2))
        males = {p.male for p in result.plan.optimal.pairs}  # type: ignore[union-attr]
        assert "m2" in males and len(males & {"m0", "m1"}) == 1

    def test_flagged_share_stays_under_its_bound(self) -> None:
        """The two flagged males have the lowest MK; the sum-of-ΔGD plan would take both, the
        contributions keep the offspring's flagged share at most the candidates' mean."""
        mk = [0.02, 0.03, 0.2, 0.21, 0.1, 0.1, 0.1, 0.1]
        flagged = [0.5, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
        inp = inputs(unrelated(8), mk, 4, flagged=flagged)
        result = contributions_plan(inp, PlanSettings(n_pairs=2))
        assert result.contributions is not None
        bound = result.contributions.max_flagged
        assert bound == pytest.approx(np.mean(flagged))
        plan = judge(inp, result.plan.optimal)  # type: ignore[union-attr]
        assert plan.judged is not None and plan.judged.flagged <= bound + 1e-12
        greedy_flagged = next_generation(inp, np.array([0, 1]), np.array([0, 1])).flagged
        assert greedy_flagged > bound

    def test_judged_figures_are_the_exact_next_generation(self) -> None:
        inp = inputs(unrelated(4), [0.1, 0.1, 0.1, 0.1], 2)
        plan = judge(inp, contributions_plan(inp, PlanSettings(n_pairs=2)).plan.optimal)  # type: ignore[union-attr]
        exact = next_generation(inp, np.array([0, 1]), np.array([0, 1]))
        assert plan.judged is not None and plan.judged.gd == pytest.approx(exact.gd)


class TestProvenPairs:
    """A proven pair is kept unless forcing it costs more GD of P + O than the margin."""

    def setup_inputs(self) -> NextGenerationInputs:
        # m0 x f0 proven at A; m0 is related to m1 and f1 (the valuable pair elsewhere), so
        # making m0 breed costs GD.
        kin = unrelated(4)
        kin[0, 2] = kin[2, 0] = 0.05
        return inputs(kin, [0.30, 0.05, 0.10, 0.05], 2, where=["A", "B", "A", "B"])

    def test_kept_within_the_margin_and_reported(self) -> None:
        inp = self.setup_inputs()
        constraints = PlanConstraints(proven=frozenset({("m0", "f0")}), proven_margin=1.0)
        result = contributions_plan(inp, PlanSettings(n_pairs=1), constraints)
        assert pairs(result) == [("m0", "f0", "none")]
        (report,) = result.plan.proven  # type: ignore[union-attr]
        assert report.kept and report.keep_cost is not None and report.keep_cost > 0
        assert report.keep_cost <= report.margin
        assert "within the margin" in report.text(str)

    def test_split_when_genetics_argue_strongly_against(self) -> None:
        inp = self.setup_inputs()
        constraints = PlanConstraints(proven=frozenset({("m0", "f0")}), proven_margin=0.001)
        result = contributions_plan(inp, PlanSettings(n_pairs=1), constraints)
        assert pairs(result) == [("m1", "f1", "none")]
        (report,) = result.plan.proven  # type: ignore[union-attr]
        assert not report.kept and report.keep_cost is not None
        assert report.keep_cost > report.margin
        assert "more than the margin" in report.text(str)


class TestMovesAndCapacity:
    """Open moves and institution capacity apply to the contributions plan as to any plan."""

    def test_an_animal_already_moving_is_not_moved_again(self) -> None:
        inp = inputs(unrelated(2), [0.1, 0.1], 1, where=["A", "B"])
        constraints = PlanConstraints(open_moves={"m0": "plan 1 #3"})
        result = contributions_plan(inp, PlanSettings(n_pairs=1), constraints)
        assert pairs(result) == [("m0", "f0", "F f0 B -> A")]

    def test_both_already_moving_makes_it_infeasible_with_the_rule_named(self) -> None:
        inp = inputs(unrelated(2), [0.1, 0.1], 1, where=["A", "B"])
        constraints = PlanConstraints(open_moves={"m0": "plan 1", "f0": "plan 1"})
        result = contributions_plan(inp, PlanSettings(n_pairs=1), constraints)
        assert result.plan is None
        assert "already moves" in (result.why_infeasible or "")

    def test_capacity_is_never_exceeded(self) -> None:
        """Three males at A, three females at B, room for one male at B and one female at A:
        the contributions want two pairs, and at most one arrival of each sex happens."""
        inp = inputs(unrelated(6), [0.1] * 6, 3, where=["A", "A", "A", "B", "B", "B"])
        spare = {"A": (None, 1), "B": (1, None)}
        result = contributions_plan(inp, PlanSettings(n_pairs=2), PlanConstraints(spare=spare))
        moves = [move for *_, move in pairs(result)]
        assert sum(m.startswith("M ") for m in moves) <= 1
        assert sum(m.startswith("F ") for m in moves) <= 1
        assert len(moves) == 2

    def test_full_institutions_make_it_infeasible_with_the_rule_named(self) -> None:
        inp = inputs(unrelated(2), [0.1, 0.1], 1, where=["A", "B"])
        full = PlanConstraints(spare={"A": (0, 0), "B": (0, 0)})
        result = contributions_plan(inp, PlanSettings(n_pairs=1), full)
        assert result.plan is None and "institution_capacity" in (result.why_infeasible or "")


ANIMALS = """id,sire,dam,sex,birth_date,location
m1,WILD,WILD,M,2010-01-01,B
m2,WILD,WILD,M,2010-01-01,A
f1,WILD,WILD,F,2010-01-01,B
f2,WILD,WILD,F,2010-01-01,B
c1,m1,f1,M,2015-01-01,C
c2,m1,f1,F,2015-01-01,C
"""
"""m1 and f1 have offspring c1 and c2, so they carry more MK than m2 (at A) and f2."""


def small(holds: tuple[BreedingHold, ...] = (), **settings: str) -> Analysis:
    records, problems = records_from_table(table_from_text(ANIMALS, "a.csv"))
    assert problems == []
    book = Studbook.build(records, settings=ProgrammeSettings.from_text(settings), holds=holds)
    return Analysis(book, AnalysisSettings(census_date="2020-01-01"))


class TestRecommendedPlan:
    """What breeding-plan sends: contributions by default, the others on request or as a
    named fallback, each judged by the next generation."""

    def test_the_default_is_contributions_and_says_why(self) -> None:
        result = small().recommended_plan(n_pairs=1)
        assert result.objective == "contributions"
        assert result.plan.optimal.method == CONTRIBUTIONS_METHOD
        assert result.notes()[0].startswith(f"plan: {CONTRIBUTIONS_METHOD}: the most GD")
        methods = [p.method for p in result.plan.compared]
        assert methods == [CONTRIBUTIONS_METHOD, "optimal (exact)", "greedy MK order"]
        assert all(p.judged is not None for p in result.plan.compared)
        assert "next_generation_delta_gd" in result.figures()

    def test_other_objectives_on_request(self) -> None:
        analysis = small()
        assert analysis.recommended_plan(objective="pairs", n_pairs=1).plan.optimal.method == (
            "optimal (exact)"
        )
        greedy = analysis.recommended_plan(objective="greedy", n_pairs=1)
        assert greedy.plan.optimal.method == "greedy MK order"
        assert "asked for (--objective greedy)" in greedy.notes()[0]

    def test_a_held_animal_is_never_chosen(self) -> None:
        """f2 has the lowest MK and is chosen without her hold; with it she never breeds."""
        free = small().recommended_plan(n_pairs=1)
        assert "f2" in {p.female for p in free.plan.optimal.pairs}
        held = small((BreedingHold("f2", "health", "lame"),)).recommended_plan(n_pairs=1)
        assert "f2" not in {p.female for p in held.plan.optimal.pairs}
        assert held.plan.optimal.method == CONTRIBUTIONS_METHOD
        assert "not breeding: f2: health: lame" in held.notes()

    def test_capacity_falls_back_with_the_rule_named(self) -> None:
        """The contributions choose m2 (A, lowest MK) to breed with a female at B; with no
        place for a male at B nor a female at A no move fits, so the sum-of-ΔGD plan (m1 at
        B) is sent and the notes say which rule stopped the contributions plan."""
        assert small().recommended_plan(n_pairs=1).plan.optimal.pairs[0].male == "m2"
        result = small(institution_capacity="A:0/0,B:0/0").recommended_plan(n_pairs=1)
        assert result.plan.optimal.method == "optimal (exact)"
        assert [(p.male, p.move) for p in result.plan.optimal.pairs] == [("m1", "none")]
        assert "infeasible" in result.choice and "institution_capacity" in result.choice
        assert result.notes()[0] == f"plan: {result.choice}"


@pytest.fixture(scope="module")
def fixture_analysis() -> Analysis:
    records, _ = records_from_table(read_table(FIXTURES / "amur_leopard.csv"))
    events, _ = read_events(FIXTURES / "amur_leopard_events.csv")
    institutions, _ = read_institutions(FIXTURES / "amur_leopard_institutions.csv")
    settings = ProgrammeSettings.from_text(read_settings(FIXTURES / "amur_leopard_settings.csv"))
    book = Studbook.build(records, events, institutions, settings)
    return Analysis(book, AnalysisSettings(census_date="2026-01-01"))


class TestFixture:
    """The fixture's default plan is one a coordinator could send."""

    def test_default_plan_is_a_few_dozen_pairs_with_reasons(
        self, fixture_analysis: Analysis
    ) -> None:
        result = fixture_analysis.recommended_plan()
        plan = result.plan.optimal
        assert plan.method == CONTRIBUTIONS_METHOD
        assert 10 <= len(plan) <= 60 and result.size is not None
        assert len(plan) == result.size.pairs
        notes = result.notes()
        assert notes[0].startswith(f"plan: {CONTRIBUTIONS_METHOD}")
        assert any(n.startswith("plan size: pairs = ") for n in notes)
        assert sum(n.startswith("proven pair: ") for n in notes) == len(result.plan.proven) > 0
        assert all(p.mover == "none" or p.move != "none" for p in plan.pairs)

    def test_it_beats_the_sum_of_pair_delta_gd_on_the_next_generation(
        self, fixture_analysis: Analysis
    ) -> None:
        """Same size, same costs: the contributions plan's exact next-generation GD is at
        least the sum-of-ΔGD plan's, and its flagged share within the candidates' mean."""
        result = fixture_analysis.recommended_plan()
        mine, summed, _ = result.plan.compared
        assert mine.judged is not None and summed.judged is not None
        assert len(mine) == len(summed)
        assert mine.judged.delta_gd >= summed.judged.delta_gd
        bound = optimum_contributions(fixture_analysis.next_generation_inputs, len(mine))
        assert mine.judged.flagged <= bound.max_flagged + 1e-12
