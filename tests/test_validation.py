"""Rules between animal records: one test per rule, each checking the line and field named."""

from __future__ import annotations

from pathlib import Path

import pytest
from testdata import PEDIGREES, real_pedigree_params, require_shared

from studbook.csvformat import read_table, table_from_text
from studbook.errors import Problem
from studbook.records import AnimalRecord, records_from_table
from studbook.validation import format_problems, validate_records

HEADER = "id,sire,dam,sex,birth_date,birth_type,death_date,alive,hypothetical\n"


def records(rows: str) -> list[AnimalRecord]:
    parsed, problems = records_from_table(table_from_text(HEADER + rows, "sb.csv"))
    assert problems == []
    return parsed


def check(rows: str, existing: dict[str, AnimalRecord] | None = None) -> list[Problem]:
    return validate_records(records(rows), "sb.csv", existing)


def only(problems: list[Problem], severity: str = "error") -> Problem:
    """The single problem of ``severity``; fails when there are none or several."""
    found = [p for p in problems if p.severity == severity]
    assert len(found) == 1, found
    return found[0]


def assert_at(problem: Problem, line: int, field: str, *words: str) -> None:
    assert (problem.file, problem.line, problem.field) == ("sb.csv", line, field), problem
    for word in words:
        assert word in problem.message, problem


class TestIds:
    """Studbook ids: unique, and not the same number written with leading zeros."""

    def test_duplicate_id_names_the_first_line(self) -> None:
        problem = only(check("A,,,M,,,,,\nB,,,F,,,,,\nA,,,F,,,,,\n"))
        assert_at(problem, 4, "id", "'A'", "line 2")

    def test_id_already_in_the_database(self) -> None:
        existing = {"A": AnimalRecord("A", sex="M")}
        problem = only(check("B,,,F,,,,,\nA,,,M,,,,,\n", existing))
        assert_at(problem, 3, "id", "'A'", "database")

    def test_leading_zeros_colliding_with_another_id(self) -> None:
        problems = check("7,,,M,,,,,\n007,,,F,,,,,\n")
        assert_at(only(problems), 3, "id", "'007'", "'7'", "line 2")
        assert [p for p in problems if p.severity == "warning"] == []

    def test_leading_zeros_colliding_with_the_database(self) -> None:
        problem = only(check("07,,,F,,,,,\n", {"7": AnimalRecord("7", sex="M")}))
        assert_at(problem, 2, "id", "'07'", "'7'", "database")

    def test_leading_zeros_without_collision_is_a_warning(self) -> None:
        problems = check("007,,,M,,,,,\n")
        assert [p for p in problems if p.severity == "error"] == []
        assert_at(only(problems, "warning"), 2, "id", "'007'", "leading zeros")


class TestParents:
    """Parents must exist, have the right sex and differ from each other."""

    def test_parent_that_does_not_exist(self) -> None:
        problem = only(check("A,,,F,,,,,\nB,X9,A,M,,,,,\n"))
        assert_at(problem, 3, "sire", "'X9'", "neither in this file nor in the database")

    def test_parent_in_the_database_is_accepted(self) -> None:
        existing = {"S": AnimalRecord("S", sex="M"), "D": AnimalRecord("D", sex="F")}
        assert check("A,S,D,F,,,,,\n", existing) == []

    def test_missing_mult_candidate(self) -> None:
        problem = only(check("S,,,M,,,,,\nD,,,F,,,,,\nA,S:0.5|Q:0.5,D,F,,,,,\n"))
        assert_at(problem, 4, "sire", "MULT sire candidate 'Q'")

    def test_female_sire(self) -> None:
        problem = only(check("S,,,F,,,,,\nD,,,F,,,,,\nA,S,D,M,,,,,\n"))
        assert_at(problem, 4, "sire", "sire 'S' is female")

    def test_male_dam(self) -> None:
        problem = only(check("T12,,,M,,,,,\nS,,,M,,,,,\nA,S,T12,M,,,,,\n"))
        assert_at(problem, 4, "dam", "dam 'T12' is male")

    def test_male_mult_dam_candidate(self) -> None:
        problem = only(check("S,,,M,,,,,\nD,,,F,,,,,\nE,,,M,,,,,\nA,S,D|E,M,,,,,\n"))
        assert_at(problem, 5, "dam", "MULT dam candidate 'E' is male")

    def test_parent_of_unknown_sex_is_a_warning(self) -> None:
        problems = check("S,,,U,,,,,\nD,,,F,,,,,\nA,S,D,M,,,,,\n")
        assert [p for p in problems if p.severity == "error"] == []
        assert_at(only(problems, "warning"), 4, "sire", "'S'", "unknown sex")

    def test_same_animal_as_sire_and_dam(self) -> None:
        problems = check("H,,,U,,,,,\nA,H,H,M,,,,,\n")
        assert_at(only(problems), 3, "dam", "'H' is both sire and dam")

    def test_overlapping_mult_sets_as_sire_and_dam(self) -> None:
        rows = "H,,,U,,,,,\nS,,,M,,,,,\nD,,,F,,,,,\nA,S|H,H|D,M,,,,,\n"
        assert_at(only(check(rows)), 5, "dam", "'H' is both sire and dam")

    def test_sire_of_one_and_dam_of_another(self) -> None:
        rows = "X,,,U,,,,,\nS,,,M,,,,,\nD,,,F,,,,,\nA,X,D,M,,,,,\nB,S,X,F,,,,,\nC,S,X,F,,,,,\n"
        problem = only(check(rows))
        assert_at(problem, 6, "dam", "'X' is dam of 'B' and sire of 'A' on line 5")

    def test_mult_sire_candidate_and_dam_of_another(self) -> None:
        rows = "X,,,U,,,,,\nS,,,M,,,,,\nD,,,F,,,,,\nA,S|X,D,M,,,,,\nB,S,X,F,,,,,\n"
        assert_at(only(check(rows)), 6, "dam", "'X' is dam of 'B' and sire of 'A'")

    def test_both_roles_with_a_recorded_sex_is_reported_once(self) -> None:
        """A male used as a dam is reported as a male dam, not twice."""
        rows = "X,,,M,,,,,\nD,,,F,,,,,\nA,X,D,M,,,,,\nB,,X,F,,,,,\n"
        assert_at(only(check(rows)), 5, "dam", "dam 'X' is male")


class TestLoops:
    """No animal may be its own ancestor."""

    def test_loop_names_the_animals_around_it(self) -> None:
        rows = "A,C,F0,M,,,,,\nF0,,,F,,,,,\nB,A,F0,M,,,,,\nC,B,F0,M,,,,,\nX,C,F0,M,,,,,\n"
        problem = only(check(rows))
        assert_at(problem, 2, "sire", "loop", "'A' (line 2) has sire 'C'", "'C' (line 5) has")
        assert "'B' (line 4) has sire 'A'" in problem.message
        assert "'X'" not in problem.message  # a descendant of the loop is not part of it

    def test_animal_as_its_own_parent(self) -> None:
        problem = only(check("M0,,,M,,,,,\nA,M0,A,F,,,,,\n"))
        assert_at(problem, 3, "dam", "'A' (line 3) has dam 'A'")

    def test_two_separate_loops_are_both_reported(self) -> None:
        rows = "A,B,,M,,,,,\nB,A,,M,,,,,\nC,D,,M,,,,,\nD,C,,M,,,,,\n"
        loops = [p for p in check(rows) if "loop" in p.message]
        assert [p.line for p in loops] == [2, 4]


class TestDates:
    """Births, deaths and parents in an order that could have happened."""

    def test_offspring_born_before_a_parent(self) -> None:
        rows = "S,,,M,2001-03-01,,,,\nD,,,F,1990,,,,\nA,S,D,F,2000-06,,,,\n"
        assert_at(only(check(rows)), 4, "sire", "'S' was born 2001-03-01", "2000-06")

    def test_overlapping_imprecise_dates_are_not_an_error(self) -> None:
        rows = "S,,,M,2000,,,,\nD,,,F,1990,,,,\nA,S,D,F,2000-01-15,,,,\n"
        assert [p for p in check(rows) if p.severity == "error"] == []

    def test_offspring_born_after_the_dams_death(self) -> None:
        rows = "S,,,M,1990,,,,\nD,,,F,1990,,2000-05-01,0,\nA,S,D,F,2000-07-01,,,,\n"
        assert_at(only(check(rows)), 4, "dam", "'D' died 2000-05-01")

    def test_death_before_birth(self) -> None:
        assert_at(only(check("A,,,F,2005-04-17,,2004,0,\n")), 2, "death_date", "2004", "2005")

    def test_alive_with_a_death_date(self) -> None:
        assert_at(only(check("A,,,F,2005,,2010-02-01,1,\n")), 2, "alive", "2010-02-01")

    def test_sire_dead_long_before_the_birth_is_a_warning(self) -> None:
        rows = "S,,,M,1990,,2000-01-01,0,\nD,,,F,1990,,,,\nA,S,D,F,2001-03-01,,,,\n"
        problems = check(rows)
        assert [p for p in problems if p.severity == "error"] == []
        assert_at(only(problems, "warning"), 4, "sire", "'S' died 2000-01-01")

    def test_sire_dead_shortly_before_the_birth_is_fine(self) -> None:
        rows = "S,,,M,1990,,2000-11-01,0,\nD,,,F,1990,,,,\nA,S,D,F,2001-02-01,,,,\n"
        assert check(rows) == []

    def test_dates_of_parents_in_the_database_are_used(self) -> None:
        existing = {"D": records("D,,,F,1990,,1999-12-31,0,\n")[0]}
        assert_at(only(check("A,,D,F,2000-06-01,,,,\n", existing)), 2, "dam", "'D' died")


class TestQuestionableRecords:
    """Legal but doubtful records give warnings, not errors."""

    def test_hypothetical_marked_alive(self) -> None:
        problems = check("H,,,M,,,,1,1\n")
        assert [p for p in problems if p.severity == "error"] == []
        assert_at(only(problems, "warning"), 2, "alive", "hypothetical")

    def test_wild_born_with_known_parents(self) -> None:
        problems = check("S,,,M,,,,,\nA,S,,M,,wild,,,\n")
        assert [p for p in problems if p.severity == "error"] == []
        assert_at(only(problems, "warning"), 3, "birth_type", "wild-born", "sire")


class TestReporting:
    """Problems come sorted by line and read as a keeper's checklist."""

    def test_problems_are_sorted_by_line(self) -> None:
        rows = "A,,,F,2005,,2004,0,\nA,,,M,,,,,\nB,Z,,M,,,,,\n"
        assert [p.line for p in check(rows)] == [2, 3, 4]

    def test_format_problems_counts_errors_and_warnings(self) -> None:
        text = format_problems(check("007,,,M,,,,,\nA,,,F,2005,,2004,0,\n"))
        assert text.splitlines()[0].startswith("sb.csv:3: error: field 'death_date'")
        assert text.splitlines()[-1] == "1 error, 1 warning"


def test_the_real_pedigrees_are_all_present() -> None:
    """The shared test data, where present, holds the ten published pedigree files."""
    require_shared()
    assert len(list(PEDIGREES.glob("*.csv"))) >= 10


@pytest.mark.parametrize("path", real_pedigree_params())
def test_real_pedigree_has_no_errors(path: Path) -> None:
    """Every real pedigree passes the cell and record rules (warnings allowed)."""
    table = read_table(path)
    parsed, problems = records_from_table(table)
    problems += validate_records(parsed, table.source)
    assert [p for p in problems if p.severity == "error"] == []
