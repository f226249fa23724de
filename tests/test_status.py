"""The one place for status, age, location and id order (:mod:`studbook.status`)."""

from __future__ import annotations

import random
from datetime import date

import numpy as np
import pytest

from studbook.book import Studbook
from studbook.dates import PartialDate, parse_partial_date
from studbook.events import EventCode, EventRecord, location_history
from studbook.pedigree import Pedigree
from studbook.population import reference_population
from studbook.records import AnimalRecord
from studbook.status import (
    age_years,
    found_by,
    is_living,
    living_mask,
    location_on,
    pedigree_ages,
    status_on,
    studbook_order,
    studbook_sort_key,
    whole_years,
)


def d(text: str) -> PartialDate:
    value = parse_partial_date(text)
    assert value is not None
    return value


def ev(code: EventCode, when: str, where: str = "TALLINN") -> EventRecord:
    return EventRecord("1", d(when), code, where)


class TestStatusOnADate:
    """The events decide; the record fills in what they do not say."""

    def test_a_release_beats_a_record_still_marked_alive(self) -> None:
        """Imported alive=1 with a release event: released from the release date on."""
        record = AnimalRecord("1", birth_date=d("2006-05-01"), alive=True)
        events = [ev(EventCode.BIRTH, "2006-05-01"), ev(EventCode.RELEASE, "2024-06-01")]
        assert status_on(record, events) == "released"
        assert status_on(record, events, date(2024, 5, 31)) == "living"
        assert status_on(record, events, date(2024, 6, 1)) == "released"
        assert status_on(record, events, date(2006, 4, 30)) == "unborn"

    def test_a_capture_brings_a_released_animal_back(self) -> None:
        """Released, then captured again: living after the capture, released in between."""
        record = AnimalRecord("1", alive=False)
        events = [
            ev(EventCode.CAPTURE, "1993-01-01"),
            ev(EventCode.RELEASE, "2000-02-01"),
            ev(EventCode.CAPTURE, "2002-03-01"),
        ]
        assert [status_on(record, events, date(y, 6, 1)) for y in (1995, 2001, 2003)] == [
            "living", "released", "living",
        ]  # fmt: skip
        assert status_on(record, events) == "living"

    def test_lost_to_follow_up_and_found_again(self) -> None:
        """LTF ends the stay; a later transfer means the animal was found."""
        record = AnimalRecord("1")
        events = [ev(EventCode.LTF, "2004-01"), ev(EventCode.TRANSFER, "2006-02-02", "ERIE")]
        assert status_on(record, events, date(2004, 1, 1)) == "LTF"
        assert status_on(record, events, date(2005, 12, 31)) == "LTF"
        assert status_on(record, events) == "living"

    def test_estimated_dates_count_from_their_first_day(self) -> None:
        """A death "2003-07" has happened on 2003-07-01, not before."""
        record = AnimalRecord("1", birth_date=d("1995"), death_date=d("2003-07"))
        assert status_on(record, (), date(2003, 6, 30)) == "living"
        assert status_on(record, (), date(2003, 7, 1)) == "dead"
        assert status_on(record, (), date(1995, 1, 1)) == "living"
        assert status_on(record, (), date(1994, 12, 31)) == "unborn"

    def test_dead_at_an_unknown_date_is_never_living(self) -> None:
        """Recorded not alive, no death date and no exit: dead on every date."""
        record = AnimalRecord("1", birth_date=d("1996-04-01"), alive=False)
        births = [ev(EventCode.BIRTH, "1996-04-01")]
        assert status_on(record, births, date(1997, 1, 1)) == "dead"
        assert status_on(record) == "dead"

    def test_unknown_birth_counts_as_born_and_hypotheticals_never_live(self) -> None:
        """No birth date: living on any date; a hypothetical placeholder is never living."""
        assert is_living(AnimalRecord("1"), (), date(1800, 1, 1))
        ghost = AnimalRecord("1", hypothetical=True)
        assert status_on(ghost) == "living" and not is_living(ghost)


class TestPedigreeTwin:
    """The pedigree form of the rule agrees with the record form (no events)."""

    @pytest.mark.parametrize("seed", range(5))
    def test_living_mask_and_ages_match_the_records(self, seed: int) -> None:
        """Random birth and death dates, alive flags and hypotheticals, on random days."""
        rng = random.Random(seed)
        records = []
        for k in range(200):
            born = rng.choice(["", "1990", "1995-06", "2001-02-03", "2010"])
            died = rng.choice(["", "", "2000", "2005-07", "2012-12-12"])
            records.append(
                AnimalRecord(
                    str(k),
                    birth_date=parse_partial_date(born),
                    death_date=parse_partial_date(died),
                    alive=rng.choice([None, True, False]),
                    hypothetical=rng.random() < 0.1,
                )
            )
        ped = Pedigree.from_records(records)
        for _ in range(10):
            day = date(rng.randint(1985, 2020), rng.randint(1, 12), rng.randint(1, 28))
            mask = living_mask(ped, np.datetime64(day, "D"))
            assert mask.tolist() == [is_living(r, (), day) for r in records]
            ages = pedigree_ages(ped, np.datetime64(day, "D"))
            expected = [age_years(r.birth_date, day, r.death_date) for r in records]
            assert [None if np.isnan(a) else a for a in ages.tolist()] == expected


class TestPedigreeStatusColumn:
    """A plain pedigree's ``status`` column names released and LTF animals."""

    def test_status_cells_leave_the_reference_population(self) -> None:
        """RELEASED / GO LTF (any case) are out of P; other words leave the columns to decide."""
        ped = Pedigree.from_cells(
            ["a", "b", "c", "d"], [""] * 4, [""] * 4,
            attributes={"status": ["Reintroduced", " go ltf", "ALIVE", ""]},
        )  # fmt: skip
        pop = reference_population(ped, census_date="2024-01-01")
        assert pop.ids == ["c", "d"]
        assert pop.released.tolist() == [True, False, False, False]
        assert pop.lost_to_followup.tolist() == [False, True, False, False]

    def test_the_census_applies_the_same_columns(self) -> None:
        """A studbook whose records carry exit columns counts the same living animals on every
        date as the reference population of its pedigree; an exit event still decides."""
        from studbook.book import Studbook

        born = parse_partial_date("2010-01-01")
        columns = [
            {"lost_to_followup": "1"},
            {"released": "yes"},
            {"status": "LOST"},
            {"lost_to_followup": "0", "status": "alive"},
            {},
        ]
        records = [
            AnimalRecord(f"a{k}", sex="MF"[k % 2], birth_date=born, alive=True, extra=extra)
            for k, extra in enumerate(columns)
        ]
        found = EventRecord("a0", parse_partial_date("2015-01-01"), EventCode.LTF, "")
        book = Studbook.build(records, [found])
        pop = reference_population(book.pedigree, census_date="2024-01-01")
        assert book.living_ids(date(2024, 1, 1)) == pop.ids == ["a3", "a4"]
        assert pop.lost_to_followup.tolist() == [True, False, True, False, False]
        early = date(2012, 1, 1)  # a0's dated LTF event decides over its column
        living = book.living_ids(early)
        assert living == ["a0", "a3", "a4"]
        pop = reference_population(book.pedigree, census_date="2012-01-01", living=living)
        assert pop.ids == living
        assert [book.status(a) for a in ("a1", "a2")] == ["released", "LTF"]


class TestAge:
    """One age convention: from the first day of the birth date."""

    def test_age_stops_at_death(self) -> None:
        """A dead animal's age is its age at death."""
        assert age_years(d("2000-01-01"), date(2030, 1, 1), d("2010-01-01")) == pytest.approx(
            10.0, abs=0.01
        )

    def test_whole_years_for_exporters(self) -> None:
        """Completed years, 0 in the (estimated) birth year, never negative."""
        assert whole_years(d("2019"), date(2019, 3, 1)) == 0
        assert whole_years(d("2016-03-02"), date(2019, 3, 1)) == 2
        assert whole_years(d("2016-03-01"), date(2019, 3, 1)) == 3
        assert whole_years(d("2020-02"), date(2019, 3, 1)) == 0


class TestLocationAndOrder:
    """Where an animal was on a date; the studbook id order."""

    def test_location_follows_stays_then_the_record(self) -> None:
        """The stay covering the date, else the record's location."""
        events = [ev(EventCode.BIRTH, "1995-07-13"), ev(EventCode.TRANSFER, "2001-02-01", "ERIE")]
        stays = location_history(events)["1"]
        record = AnimalRecord("1", location="ERIE")
        assert location_on(record, stays, date(2000, 1, 1)) == "TALLINN"
        assert location_on(record, stays, date(2001, 2, 1)) == "ERIE"
        assert location_on(record, stays) == "ERIE"

    def test_one_sort_key(self) -> None:
        """Numbers by value, leading zeros by text, then other ids."""
        ids = ["T12", "100", "42", "9", "042", "A1"]
        ordered = sorted(ids, key=studbook_sort_key)
        assert ordered == ["9", "042", "42", "100", "A1", "T12"]
        rank = studbook_order(ids).tolist()
        assert [ids[rank.index(k)] for k in range(len(ids))] == ordered


class TestSearch:
    """One rule for what a search text finds: the animals list and the UI's palette use it."""

    def test_part_of_the_id_or_house_name_in_any_case(self) -> None:
        assert found_by("DAR", "7", "Darla") and found_by("t1", "T12", "")
        assert not found_by("12", "7", "Darla")
        assert found_by("", "7", "")

    def test_the_animals_list_finds_what_the_rule_finds(self) -> None:
        records = [AnimalRecord("7", house_name="Darla"), AnimalRecord("T12", house_name="Ural"),
                   AnimalRecord("12", house_name="")]  # fmt: skip
        book = Studbook.build(records)
        for search in ("dar", "12", "U", "x"):
            listed = [a.record.id for a in book.animals(search=search)]
            assert listed == [r.id for r in records if found_by(search, r.id, r.house_name)]
