"""Breeding holds and issued plans: the rules every front applies."""

from __future__ import annotations

from datetime import date

import pytest

from studbook.analysis import Analysis, AnalysisSettings
from studbook.book import Studbook
from studbook.csvformat import table_from_text
from studbook.recommendations import (
    BreedingHold,
    IssuedPlan,
    PlanHistory,
    Recommendation,
    holds_on,
    reason_problem,
)
from studbook.records import records_from_table

D = date


class TestHolds:
    """A hold keeps an animal out of breeding between its dates (both included)."""

    def test_dates_are_inclusive_and_open_ends_unbounded(self) -> None:
        hold = BreedingHold("1", "health", "", D(2026, 1, 1), D(2026, 1, 31))
        assert [hold.active_on(d) for d in (D(2025, 12, 31), D(2026, 1, 1), D(2026, 1, 31))] == [
            False,
            True,
            True,
        ]
        assert BreedingHold("1", "age").active_on(D(1900, 1, 1))

    def test_bad_kind_and_dates_are_refused(self) -> None:
        with pytest.raises(ValueError, match="one of health"):
            BreedingHold("1", "tired")
        with pytest.raises(ValueError, match="before it starts"):
            BreedingHold("1", "age", "", D(2026, 2, 1), D(2026, 1, 1))

    def test_the_latest_hold_in_force_is_shown(self) -> None:
        old = BreedingHold("1", "health", "lame", D(2025, 1, 1))
        new = BreedingHold("1", "contraception", "implant", D(2026, 1, 1))
        over = BreedingHold("2", "behaviour", "", None, D(2025, 1, 1))
        assert holds_on([new, old, over], D(2026, 6, 1)) == {"1": new}

    def test_control_characters_are_refused(self) -> None:
        assert reason_problem("lame\x1b[31m") is not None
        assert reason_problem("lame, under treatment") is None

    def test_a_held_animal_is_no_candidate_and_says_why(self) -> None:
        """The analysis leaves it out of the candidates with the hold's kind as the reason."""
        text = "id,sire,dam,sex,birth_date\nm,WILD,WILD,M,2010-01-01\nf,WILD,WILD,F,2010-01-01\n"
        records, _ = records_from_table(table_from_text(text, "a.csv"))
        book = Studbook.build(records, holds=[BreedingHold("f", "health", "lame")])
        a = Analysis(book, AnalysisSettings(census_date="2020-01-01"))
        assert a.candidates.why_not("f", "F") == "not breeding: health"
        result = a.recommended_plan(n_pairs=0)
        assert "not breeding: f: health: lame" in result.notes()


def plan(version: int, *outcomes: str, moving: str = "") -> IssuedPlan:
    recs = tuple(
        Recommendation(k + 1, f"m{k}", f"f{k}", moving and f"m{k}", "A", "B", outcome)
        for k, outcome in enumerate(outcomes)
    )
    return IssuedPlan(version, D(2026, 1, version), "me", {}, {}, recs)


class TestHistory:
    """Outcome counts, open moves and the last plan's fulfilment."""

    def test_outcomes_count_across_plans(self) -> None:
        history = PlanHistory(
            (plan(1, "fulfilled", "attempted", "open"), plan(2, "not attempted", "fulfilled"))
        )
        assert history.outcome_counts() == (2, 4)
        assert history.last is not None and history.last.version == 2
        assert history.last.fulfilment_text() == (
            "plan 2 (2026-01-02): 2 pairs: 1 fulfilled, 0 attempted, 1 not attempted, 0 open"
        )

    def test_a_plan_of_one_pair_says_one_pair(self) -> None:
        assert plan(1, "open").fulfilment_text() == (
            "plan 1 (2026-01-01): 1 pair: 0 fulfilled, 0 attempted, 0 not attempted, 1 open"
        )

    def test_only_open_recommendations_hold_their_moves(self) -> None:
        history = PlanHistory((plan(1, "fulfilled", "open", moving="yes"),))
        assert history.open_moves() == {"m1": "plan 1: m1 A -> B"}

    def test_empty_history(self) -> None:
        assert PlanHistory().last is None and PlanHistory().outcome_counts() == (0, 0)
