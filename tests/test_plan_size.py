"""How many pairs a plan needs: births from the life tables, litter size, success rate."""

from __future__ import annotations

import pytest

from studbook.analysis import Analysis, AnalysisSettings
from studbook.book import Studbook
from studbook.csvformat import table_from_text
from studbook.plan_size import (
    PRIOR_WEIGHT,
    BirthsNeeded,
    PairCountError,
    asked_pairs,
    births_needed,
    plan_size,
    success_rate,
)
from studbook.records import records_from_table
from studbook.settings import ProgrammeSettings

# Nobody has died: the life tables' survival is 1. Dam 2 had a litter of two (2010-05-01) and
# a litter of one (2012-05-01): mean litter size 1.5. Seven living animals.
ANIMALS = """id,sire,dam,sex,birth_date,birth_type,alive,location
1,WILD,WILD,M,2000-01-01,wild,1,TALLINN
2,WILD,WILD,F,2000-01-01,wild,1,TALLINN
3,WILD,WILD,M,2000-01-01,wild,1,ERIE
4,WILD,WILD,F,2000-01-01,wild,1,ERIE
5,1,2,M,2010-05-01,captive,1,TALLINN
6,1,2,F,2010-05-01,captive,1,TALLINN
7,1,2,F,2012-05-01,captive,1,TALLINN
"""


def analysis(**settings: str) -> Analysis:
    records, problems = records_from_table(table_from_text(ANIMALS, "a.csv"))
    assert problems == []
    book = Studbook.build(records, settings=ProgrammeSettings.from_text(settings))
    return Analysis(book, AnalysisSettings(census_date="2020-01-01"))


class TestSuccessRate:
    """The programme's record, shrunk toward the default."""

    def test_no_history_is_the_default(self) -> None:
        assert success_rate(0, 0, 0.2).rate == 0.2

    def test_history_weighs_against_the_default(self) -> None:
        """(3 + 10 x 0.2) / (5 + 10) = 1/3."""
        assert PRIOR_WEIGHT == 10
        assert success_rate(3, 5, 0.2).rate == pytest.approx(1 / 3)

    def test_many_outcomes_approach_the_record(self) -> None:
        assert success_rate(500, 1000, 0.2).rate == pytest.approx(0.497, abs=1e-3)

    def test_impossible_counts_are_refused(self) -> None:
        with pytest.raises(ValueError, match="between 0 and recorded"):
            success_rate(4, 3, 0.2)


class TestArithmetic:
    """pairs = ceil(births / (litter x success)), at most the possible pairs."""

    def test_rounds_up(self) -> None:
        """7 births / (1.5 x 0.2 = 0.3 young a pair) = 23.3 -> 24 pairs."""
        size = plan_size(BirthsNeeded(7.0, "g", True, 1.5, 2), success_rate(0, 0, 0.2), 100)
        assert (size.per_pair, size.needed, size.pairs) == (pytest.approx(0.3), 24, 24)
        assert "pairs = ceil(7.0 / 0.3) = 24" in size.lines()

    def test_capped_by_the_possible_pairs(self) -> None:
        size = plan_size(BirthsNeeded(7.0, "g", True, 1.5, 2), success_rate(0, 0, 0.2), 3)
        assert (size.needed, size.pairs) == (24, 3)
        assert size.lines()[-1] == "only 3 pairs are possible under the rules: 3"

    def test_no_births_needed_no_pairs(self) -> None:
        size = plan_size(BirthsNeeded(-2.0, "g", True, 1.5, 2), success_rate(0, 0, 0.2), 3)
        assert size.pairs == 0


class TestBirthsNeeded:
    """Births from the life tables of a hand-made studbook (no deaths: survival 1)."""

    def test_doubling_in_a_year_needs_n_births(self) -> None:
        """Target 14 from 7 in 1 year with nobody dying: 7 births; litters 2 and 1."""
        a = analysis(target_size="14", target_years="1")
        births = births_needed(a.book, a.population, a.programme)
        assert births.per_year == pytest.approx(7.0)
        assert (births.litter_size, births.litters, births.goals_set) == (1.5, 2, True)

    def test_goals_not_set_keeps_the_size_and_says_what_to_set(self) -> None:
        """No deaths expected: keeping 7 animals needs no births; the goal names the settings."""
        a = analysis(target_size="14")
        births = births_needed(a.book, a.population, a.programme)
        assert births.per_year == pytest.approx(0.0) and not births.goals_set
        assert births.deaths == 0
        assert "not set (target_years)" in births.goal and "set target_years" in births.goal

    def test_the_analysis_sizes_its_plan(self) -> None:
        """target 14 in 1 year, success 0.5: 7 / (1.5 x 0.5) = 9.3 -> 10 needed; three males
        (1, 3, 5) can have at most 3 mates: the plan has 3."""
        a = analysis(target_size="14", target_years="1", success_rate="0.5")
        result = a.recommended_plan()
        assert result.size is not None
        assert (result.size.needed, result.size.pairs, len(result.plan.optimal)) == (10, 3, 3)
        assert any("pairs = ceil(7.0 / 0.75) = 10" in n for n in result.notes())
        assert any("the life tables saw no death" in n for n in result.notes())

    def test_no_births_needed_says_why(self) -> None:
        """Keeping 7 animals that never die needs no pair; the empty plan says so."""
        result = analysis().recommended_plan()
        assert result.plan.why_empty is not None
        assert result.plan.why_empty.startswith("no births are needed this year")
        assert "0 deaths" in result.plan.why_empty

    def test_pairs_given_override_the_size(self) -> None:
        result = analysis(target_size="14", target_years="1").recommended_plan(n_pairs=1)
        assert result.size is None and len(result.plan.optimal) == 1
        assert "plan size: 1 pair, as asked (not sized by the goals)" in result.notes()

    def test_a_negative_number_asked_of_the_api_is_refused(self) -> None:
        with pytest.raises(PairCountError, match="pairs: '-2' is not allowed"):
            analysis().recommended_plan(n_pairs=-2)


class TestAskedPairs:
    """One rule for the number of pairs a user asks for (command line, UI form, API)."""

    @pytest.mark.parametrize(("given", "count"), [(None, None), ("", None), ("  ", None),
                                                  ("0", 0), (" 12 ", 12), (3, 3)])  # fmt: skip
    def test_blank_is_the_goals_number_else_a_whole_number(
        self, given: str | int | None, count: int | None
    ) -> None:
        assert asked_pairs(given) == count

    @pytest.mark.parametrize("given", ["-1", "x", "1.5", -1])
    def test_anything_else_names_the_field_and_what_is_allowed(self, given: str | int) -> None:
        with pytest.raises(PairCountError) as refused:
            asked_pairs(given)
        assert str(refused.value) == (
            f"pairs: {str(given)!r} is not allowed; use a whole number of 0 or more, or none "
            "for as many as the goals need"
        )
