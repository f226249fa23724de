"""The in-memory studbook: status, relatives, location on a date, census."""

from __future__ import annotations

from datetime import date

import pytest

from studbook.book import Studbook
from studbook.csvformat import table_from_text
from studbook.errors import UnknownAnimalError
from studbook.events import events_from_table
from studbook.institutions import InstitutionRecord
from studbook.records import records_from_table

ANIMALS = """id,sire,dam,sex,birth_date,death_date,alive,location,house_name
1,WILD,WILD,M,1990,,0,TALLINN,Founder
2,WILD,WILD,F,1991,2010-05-01,,TALLINN,
3,1,2,M,1995-07-13,,,TALLINN,Freddi
4,1,2,F,1996-06-01,,,ERIE,Sister
5,1,,F,1997-03-01,,,ERIE,Half
6,3:0.5|1:0.5,4,F,2005-04-01,,,ERIE,Mult
7,3,5,M,2006-05-01,,,WILD,Gone
"""
EVENTS = """id,date,event,institution,local_id
3,1995-07-13,birth,TALLINN,T1
3,2001-02-01,transfer,HELSINKI,H9
3,2004-03-01,transfer,TALLINN,T1b
7,2006-05-01,birth,TALLINN,T7
7,2024-06-01,release,TALLINN,
"""


@pytest.fixture
def book() -> Studbook:
    records, problems = records_from_table(table_from_text(ANIMALS, "a.csv"))
    events, event_problems = events_from_table(
        table_from_text(EVENTS, "e.csv", required=("id", "date", "event", "institution"))
    )
    assert problems == event_problems == []
    institutions = [
        InstitutionRecord("TALLINN", "Tallinn Zoo", "EE", "EAZA"),
        InstitutionRecord("ERIE", "Erie Zoo", "US", "AZA"),
        InstitutionRecord("HELSINKI", "Korkeasaari", "FI", "EAZA"),
    ]
    return Studbook.build(records, events, institutions)


class TestStatus:
    """Living, dead, released and lost to follow-up."""

    def test_statuses(self, book: Studbook) -> None:
        assert [book.status(a) for a in "1237"] == ["dead", "dead", "living", "released"]

    def test_unknown_id(self, book: Studbook) -> None:
        with pytest.raises(UnknownAnimalError, match="'99'"):
            book.status("99")


class TestRelatives:
    """Parents, offspring and siblings, through MULT parents too."""

    def test_of_a_founder_sire(self, book: Studbook) -> None:
        relations = {(r.id, r.relation, r.probability) for r in book.relatives("1")}
        assert relations == {
            ("3", "son", 1.0), ("4", "daughter", 1.0), ("5", "daughter", 1.0),
            ("6", "daughter", 0.5),
        }  # fmt: skip

    def test_full_and_half_siblings(self, book: Studbook) -> None:
        relations = {(r.id, r.relation) for r in book.relatives("4")}
        assert relations >= {("3", "brother"), ("5", "half-sister"), ("6", "daughter")}

    def test_possible_parents_carry_probabilities(self, book: Studbook) -> None:
        parents = [(r.id, r.relation, r.probability) for r in book.relatives("6")[:3]]
        assert parents == [("3", "possible sire", 0.5), ("1", "possible sire", 0.5),
                           ("4", "dam", 1.0)]  # fmt: skip


class TestSiblingsThroughAMultSire:
    """A sibling surely sharing the dam and possibly the sire gets both links, each with
    the chance of sharing that parent; certain full and half sibs keep one link."""

    FAMILY = """id,sire,dam,sex,birth_date
1,WILD,WILD,M,2000
2,WILD,WILD,M,2000
3,WILD,WILD,F,2000
4,1,3,F,2004
5,1:0.5|2:0.5,3,M,2005
6,2,3,F,2006
7,1,3,M,2007
"""

    @pytest.fixture
    def family(self) -> Studbook:
        records, problems = records_from_table(table_from_text(self.FAMILY, "f.csv"))
        assert problems == []
        return Studbook.build(records, [], [])

    def siblings(self, book: Studbook, animal: str) -> set[tuple[str, str, float]]:
        kin = {"sire", "dam", "possible sire", "son", "daughter"}
        return {(r.id, r.relation, r.probability) for r in book.relatives(animal)
                if r.relation not in kin}  # fmt: skip

    def test_of_the_mult_sired_foal(self, family: Studbook) -> None:
        assert self.siblings(family, "5") == {
            ("4", "sister (same sire)", 0.5), ("4", "sister (same dam)", 1.0),
            ("6", "sister (same sire)", 0.5), ("6", "sister (same dam)", 1.0),
            ("7", "brother (same sire)", 0.5), ("7", "brother (same dam)", 1.0),
        }  # fmt: skip

    def test_of_a_sibling_with_known_parents(self, family: Studbook) -> None:
        assert self.siblings(family, "4") == {
            ("7", "brother", 1.0), ("6", "half-sister", 1.0),
            ("5", "brother (same sire)", 0.5), ("5", "brother (same dam)", 1.0),
        }  # fmt: skip


class TestWhereAndWhen:
    """Location on a date and the census."""

    def test_location_follows_transfers(self, book: Studbook) -> None:
        assert book.location_on("3", date(2002, 1, 1)) == "HELSINKI"
        assert book.location_on("3", date(2005, 1, 1)) == "TALLINN"
        assert book.location_on("3") == "TALLINN"

    def test_local_id_follows_transfers(self, book: Studbook) -> None:
        """The local id is the one of the stay covering the date; none where not recorded."""
        assert book.local_id_on("3", date(1996, 1, 1)) == "T1"
        assert book.local_id_on("3", date(2002, 1, 1)) == "H9"
        assert book.local_id_on("3", date(2005, 1, 1)) == book.local_id_on("3") == "T1b"
        assert book.local_id_on("4", date(2005, 1, 1)) == ""

    def test_contraception_since(self) -> None:
        """The start in force on a date, and none once stopped."""
        records, _ = records_from_table(
            table_from_text("id,sire,dam,sex\n1,WILD,WILD,F\n", "a.csv")
        )
        events, problems = events_from_table(
            table_from_text(
                "id,date,event,institution,local_id\n1,2020-03-01,contraception_start,ERIE,\n"
                "1,2022-05-01,contraception_stop,ERIE,\n1,2023-06-01,contraception_start,ERIE,\n",
                "e.csv",
                required=("id", "date", "event", "institution"),
            )
        )
        assert problems == []
        book = Studbook.build(records, events)
        assert {k: str(v) for k, v in book.contraception_since(date(2021, 1, 1)).items()} == {
            "1": "2020-03-01"
        }
        assert book.contraception_since(date(2022, 6, 1)) == {}
        assert str(book.contraception_since()["1"]) == "2023-06-01"
        assert book.contracepted(date(2022, 6, 1)) == set()

    def test_census_now_counts_the_living_by_institution(self, book: Studbook) -> None:
        census = book.census()
        assert [(r.institution, r.label) for r in census.rows] == [
            ("ERIE", "0.3.0"), ("TALLINN", "1.0.0"),
        ]  # fmt: skip
        assert census.totals == (1, 3, 0)

    def test_census_on_a_past_date(self, book: Studbook) -> None:
        census = book.census(date(2002, 1, 1))
        assert set(census.animal_ids) == {"2", "3", "4", "5"}
        assert {r.institution: r.label for r in census.rows}["HELSINKI"] == "1.0.0"

    def test_released_animals_leave_the_census(self, book: Studbook) -> None:
        assert "7" in book.census(date(2020, 1, 1)).animal_ids
        assert "7" not in book.census(date(2025, 1, 1)).animal_ids

    def test_an_animal_recorded_gone_counts_until_it_left(self) -> None:
        """Releasing an animal records it as no longer alive; it still counts before then."""
        records, _ = records_from_table(
            table_from_text(
                ANIMALS.replace(
                    "7,3,5,M,2006-05-01,,,WILD,Gone", "7,3,5,M,2006-05-01,,0,WILD,Gone"
                ),
                "a.csv",
            )
        )
        events, _ = events_from_table(
            table_from_text(EVENTS, "e.csv", required=("id", "date", "event", "institution"))
        )
        book = Studbook.build(records, events)
        assert book.status("7") == "released"
        assert book.is_living("7", date(2020, 1, 1))
        assert not book.is_living("7", date(2025, 1, 1))
        assert not book.is_living("1", date(2000, 1, 1))  # recorded dead, no date: never
