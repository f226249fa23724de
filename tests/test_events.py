"""Events and institutions files: one test per rule, each checking the line and field named."""

from __future__ import annotations

from pathlib import Path

import pytest

from studbook.csvformat import table_from_text
from studbook.dates import parse_partial_date
from studbook.errors import ImportValidationError, Problem
from studbook.events import (
    EVENT_COLUMNS,
    EventCode,
    EventRecord,
    Stay,
    events_from_table,
    location_history,
    parse_event_code,
    read_events,
    validate_events,
)
from studbook.institutions import (
    INSTITUTION_COLUMNS,
    InstitutionRecord,
    institutions_from_table,
    read_institutions,
    validate_institutions,
)
from studbook.records import AnimalRecord, records_from_table

ANIMALS_CSV = """id,sire,dam,sex,birth_date,death_date
1,,,M,1995-07-13,
2,,,F,2004-04-17,2020-03-01
3,1,2,F,2010,
"""
HEADER = "id,date,event,institution,local_id,cause,notes\n"


def animals() -> dict[str, AnimalRecord]:
    records, problems = records_from_table(table_from_text(ANIMALS_CSV, "sb.csv"))
    assert problems == []
    return {r.id: r for r in records}


def parse(rows: str) -> tuple[list[EventRecord], list[Problem]]:
    return events_from_table(table_from_text(HEADER + rows, "ev.csv", EVENT_COLUMNS))


def check(rows: str, institutions: set[str] | None = None) -> list[Problem]:
    events, problems = parse(rows)
    assert problems == []
    return validate_events(events, animals(), "ev.csv", institutions)


def only(problems: list[Problem], severity: str = "error") -> Problem:
    """The single problem of ``severity``; fails when there are none or several."""
    found = [p for p in problems if p.severity == severity]
    assert len(found) == 1, found
    return found[0]


def assert_at(problem: Problem, line: int, field: str, *words: str, file: str = "ev.csv") -> None:
    assert (problem.file, problem.line, problem.field) == (file, line, field), problem
    for word in words:
        assert word in problem.message, problem


class TestEventCodes:
    """The documented spellings of PopLink's codes, and nothing else."""

    @pytest.mark.parametrize(
        ("text", "code"),
        [
            ("birth", EventCode.BIRTH),
            ("Hatch", EventCode.BIRTH),
            ("CAPTURE", EventCode.CAPTURE),
            ("wild capture", EventCode.CAPTURE),
            ("transfer", EventCode.TRANSFER),
            ("loan", EventCode.LOAN),
            ("death", EventCode.DEATH),
            ("release", EventCode.RELEASE),
            ("ltf", EventCode.LTF),
            ("Go LTF", EventCode.LTF),
            ("contraception_start", EventCode.CONTRACEPTION_START),
            ("Contraception-Stop", EventCode.CONTRACEPTION_STOP),
        ],
    )
    def test_accepted_spellings(self, text: str, code: EventCode) -> None:
        assert parse_event_code(text) is code

    def test_unknown_event_code(self) -> None:
        events, problems = parse("1,1996-01-01,vacation,TALLINN,,,\n")
        assert_at(only(problems), 2, "event", "'vacation'", "transfer")
        assert events[0].event is None


class TestEventCells:
    """Each row on its own: id, date and the institution of an arrival."""

    def test_empty_date(self) -> None:
        assert_at(only(parse("1,,transfer,TALLINN,T1,,\n")[1]), 2, "date", "empty")

    def test_bad_date(self) -> None:
        assert_at(only(parse("1,1996-13-01,transfer,TALLINN,T1,,\n")[1]), 2, "date", "1996-13-01")

    def test_arrival_without_institution(self) -> None:
        assert_at(only(parse("1,1996-01-01,transfer,,,,\n")[1]), 2, "institution", "transfer")

    def test_cause_and_notes_are_kept(self) -> None:
        events, _ = parse("2,2020-03-01,death,TALLINN,,renal failure,necropsy\n")
        assert (events[0].cause, events[0].notes) == ("renal failure", "necropsy")

    def test_missing_column_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "ev.csv"
        path.write_text("id,date,event\n1,1996,birth\n", encoding="utf-8")
        with pytest.raises(ImportValidationError) as caught:
            read_events(path)
        assert {p.field for p in caught.value.problems} == {"institution", "local_id"}


class TestEventRules:
    """Events against the animals and against each other."""

    def test_unknown_animal(self) -> None:
        rows = "1,1995-07-13,birth,TALLINN,T1,,\n99,2000-01-01,transfer,TALLINN,T9,,\n"
        assert_at(only(check(rows)), 3, "id", "'99'", "not in the studbook")

    def test_unknown_institution(self) -> None:
        rows = "1,1995-07-13,birth,TALLINN,T1,,\n1,1997-01-01,transfer,NOWHERE,N1,,\n"
        assert_at(only(check(rows, {"TALLINN"})), 3, "institution", "'NOWHERE'")

    def test_event_before_birth(self) -> None:
        rows = "1,1995-07-13,birth,TALLINN,T1,,\n1,1995-06,transfer,HELSINKI,H1,,\n"
        assert_at(only(check(rows)), 3, "date", "before the animal's birth", "1995-07-13")

    def test_event_after_death(self) -> None:
        rows = "2,2004-04-17,birth,BERLINTP,B1,,\n2,2021-01-05,transfer,TALLINN,T2,,\n"
        assert_at(only(check(rows)), 3, "date", "after the animal's death", "2020-03-01")

    def test_event_after_a_death_event(self) -> None:
        rows = (
            "1,1995-07-13,birth,TALLINN,T1,,\n1,2015-02-01,death,TALLINN,,old age,\n"
            "1,2016-01-01,contraception_start,TALLINN,,,\n"
        )
        assert_at(only(check(rows)), 4, "date", "after the animal's death", "line 3")

    def test_birth_event_that_contradicts_the_birth_date(self) -> None:
        assert_at(only(check("1,1996-07-13,birth,TALLINN,T1,,\n")), 2, "date", "1995-07-13")

    def test_death_event_that_contradicts_the_death_date(self) -> None:
        rows = "2,2004-04-17,birth,BERLINTP,B1,,\n2,2019-03-01,death,BERLINTP,,,\n"
        assert_at(only(check(rows)), 3, "date", "death event on 2019-03-01", "2020-03-01")

    def test_second_death_event(self) -> None:
        rows = "2,2020-03-01,death,BERLINTP,,,\n2,2020-03-01,death,BERLINTP,,,\n"
        assert_at(only(check(rows)), 3, "event", "second death", "line 2")

    def test_event_after_release_is_an_error(self) -> None:
        rows = (
            "3,2010,birth,TALLINN,T3,,\n3,2012-06-01,release,LAZOVSKY,,,\n"
            "3,2013-01-01,transfer,MOSCOW,M3,,\n"
        )
        assert_at(only(check(rows)), 4, "event", "release to the wild on 2012-06-01")

    def test_capture_and_death_after_release_are_fine(self) -> None:
        rows = (
            "3,2010,birth,TALLINN,T3,,\n3,2012-06-01,release,LAZOVSKY,,,\n"
            "3,2014-02-01,capture,MOSCOW,M3,,\n3,2015-01-01,transfer,PRAGUE,P3,,\n"
        )
        assert check(rows) == []

    def test_event_after_ltf_is_a_warning(self) -> None:
        rows = (
            "3,2010,birth,TALLINN,T3,,\n3,2012-06-01,ltf,TALLINN,,,\n"
            "3,2013-01-01,transfer,MOSCOW,M3,,\n"
        )
        problems = check(rows)
        assert [p for p in problems if p.severity == "error"] == []
        assert_at(only(problems, "warning"), 4, "event", "lost to follow-up on 2012-06-01")

    def test_two_arrivals_on_the_same_day_overlap(self) -> None:
        rows = "1,1995-07-13,birth,TALLINN,T1,,\n1,1995-07-13,transfer,HELSINKI,H1,,\n"
        assert_at(only(check(rows)), 3, "institution", "overlapping", "'TALLINN'", "line 2")

    def test_two_arrivals_in_the_same_estimated_year_is_a_warning(self) -> None:
        rows = "3,2010,birth,TALLINN,T3,,\n3,2010,transfer,HELSINKI,H3,,\n"
        problems = check(rows)
        assert [p for p in problems if p.severity == "error"] == []
        assert_at(only(problems, "warning"), 3, "institution", "estimated period")

    def test_loan_while_still_on_loan_elsewhere_overlaps(self) -> None:
        rows = (
            "1,1995-07-13,birth,TALLINN,T1,,\n1,2000-01-01,loan,HELSINKI,H1,,\n"
            "1,2001-01-01,loan,LEIPZIG,L1,,\n"
        )
        assert_at(only(check(rows)), 4, "institution", "still on loan at 'HELSINKI'", "TALLINN")

    def test_loan_after_returning_home_is_fine(self) -> None:
        rows = (
            "1,1995-07-13,birth,TALLINN,T1,,\n1,2000-01-01,loan,HELSINKI,H1,,\n"
            "1,2000-09-01,loan,TALLINN,T1,,\n1,2001-01-01,loan,LEIPZIG,L1,,\n"
        )
        assert check(rows) == []

    def test_contraception_stop_without_start(self) -> None:
        rows = (
            "2,2010-01-01,contraception_start,BERLINTP,,,\n"
            "2,2011-01-01,contraception_stop,BERLINTP,,,\n"
            "2,2012-01-01,contraception_stop,BERLINTP,,,\n"
        )
        assert_at(only(check(rows)), 4, "event", "never started")

    def test_contraception_started_twice_is_a_warning(self) -> None:
        rows = (
            "2,2010-01-01,contraception_start,BERLINTP,,,\n"
            "2,2011-01-01,contraception_start,BERLINTP,,,\n"
        )
        assert_at(only(check(rows), "warning"), 3, "event", "already on since 2010-01-01")

    def test_events_in_any_file_order_are_put_in_time_order(self) -> None:
        rows = "1,1998-01-01,transfer,HELSINKI,H1,,\n1,1995-07-13,birth,TALLINN,T1,,\n"
        assert check(rows) == []


class TestLocationHistory:
    """Stays derived from arrivals and exits."""

    def test_stays_from_birth_transfer_and_death(self) -> None:
        rows = (
            "2,2004-04-17,birth,BERLINTP,B7,,\n2,2006-05,transfer,TALLINN,T40,,\n"
            "2,2020-03-01,death,TALLINN,,renal failure,\n"
        )
        d = parse_partial_date
        assert location_history(parse(rows)[0])["2"] == [
            Stay("BERLINTP", d("2004-04-17"), d("2006-05"), "B7", False, EventCode.TRANSFER),
            Stay("TALLINN", d("2006-05"), d("2020-03-01"), "T40", False, EventCode.DEATH),
        ]

    def test_loan_and_return(self) -> None:
        rows = (
            "1,1995-07-13,birth,TALLINN,T1,,\n1,2000-01-01,loan,HELSINKI,H1,,\n"
            "1,2000-09-01,loan,TALLINN,T1,,\n"
        )
        stays = location_history(parse(rows)[0])["1"]
        assert [(s.institution, s.on_loan, s.end) for s in stays] == [
            ("TALLINN", False, parse_partial_date("2000-01-01")),
            ("HELSINKI", True, parse_partial_date("2000-09-01")),
            ("TALLINN", False, None),
        ]

    def test_arrival_at_the_same_institution_continues_the_stay(self) -> None:
        rows = "1,1995-07-13,birth,TALLINN,,,\n1,1996-01-01,transfer,TALLINN,T1,,\n"
        stays = location_history(parse(rows)[0])["1"]
        assert [(s.institution, str(s.start), s.local_id) for s in stays] == [
            ("TALLINN", "1995-07-13", "T1")
        ]

    def test_release_closes_the_stay(self) -> None:
        rows = "3,2010,birth,TALLINN,T3,,\n3,2012-06-01,release,LAZOVSKY,,,\n"
        stays = location_history(parse(rows)[0])["3"]
        assert [(s.institution, str(s.end), s.ended_by) for s in stays] == [
            ("TALLINN", "2012-06-01", EventCode.RELEASE)
        ]


INSTITUTIONS_HEADER = "mnemonic,name,country,region\n"


def institutions(rows: str) -> tuple[list[InstitutionRecord], list[Problem]]:
    table = table_from_text(INSTITUTIONS_HEADER + rows, "inst.csv", INSTITUTION_COLUMNS)
    return institutions_from_table(table)


class TestInstitutions:
    """The institutions file: mnemonics and regions."""

    def test_a_valid_file(self, tmp_path: Path) -> None:
        path = tmp_path / "inst.csv"
        path.write_text(
            INSTITUTIONS_HEADER + "TALLINN,Tallinn Zoo,Estonia,EAZA\nERIE,Erie Zoo,USA,aza\n",
            encoding="utf-8",
        )
        records, problems = read_institutions(path)
        assert problems == [] and validate_institutions(records, str(path)) == []
        assert [(r.mnemonic, r.region, r.line) for r in records] == [
            ("TALLINN", "EAZA", 2),
            ("ERIE", "AZA", 3),
        ]

    def test_mnemonic_too_long(self) -> None:
        problems = institutions("TALLINN,Tallinn Zoo,Estonia,EAZA\nKORKEASAARI,Helsinki,FI,EAZA\n")[
            1
        ]
        assert_at(only(problems), 3, "mnemonic", "'KORKEASAARI'", "11", file="inst.csv")

    def test_empty_mnemonic(self) -> None:
        assert_at(only(institutions(",Nameless,,\n")[1]), 2, "mnemonic", "empty", file="inst.csv")

    def test_unknown_region(self) -> None:
        records, problems = institutions("TALLINN,Tallinn Zoo,Estonia,EUROPE\n")
        assert_at(only(problems), 2, "region", "'EUROPE'", "EARAZA", file="inst.csv")
        assert records[0].region == ""

    def test_duplicate_mnemonic_regardless_of_case(self) -> None:
        records, _ = institutions(
            "TALLINN,Tallinn Zoo,EE,EAZA\nPRAGUE,Prague,CZ,EAZA\nTallinn,x,,\n"
        )
        problem = only(validate_institutions(records, "inst.csv"))
        assert_at(problem, 4, "mnemonic", "'Tallinn'", "line 2", file="inst.csv")
