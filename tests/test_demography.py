"""Demography of a studbook: the life-history adapter, census history, Ne and goals."""

from __future__ import annotations

import math
from datetime import date

import pytest
from testdata import FIXTURES

from studbook.book import Studbook
from studbook.csvformat import read_table, table_from_text
from studbook.demography import (
    census_days,
    census_history,
    demography,
    equivalent_generations,
    inbreeding_ne,
    life_histories,
    window_for,
)
from studbook.errors import SettingsError, StudbookError
from studbook.events import events_from_table, read_events
from studbook.institutions import InstitutionRecord, read_institutions
from studbook.lifetable import life_table
from studbook.pedigree import Pedigree
from studbook.records import records_from_table
from studbook.settings import DemographicWindow, ProgrammeSettings

ANIMALS = """id,sire,dam,sex,birth_date,birth_type,death_date,alive,location
1,WILD,WILD,M,1990-01-01,wild,2005-01-01,0,TALLINN
2,WILD,WILD,F,1990-01-01,wild,,1,TALLINN
3,1,2,M,2000-01-01,captive,,1,TALLINN
4,1,2,F,2000-01-01,captive,,1,ERIE
5,1,2,F,,captive,,1,ERIE
6,3,4,M,2010-01-01,captive,,1,TALLINN
"""
EVENTS = """id,date,event,institution,local_id
1,1995-01-01,capture,TALLINN,T1
2,1995-01-01,capture,TALLINN,T2
3,2000-01-01,birth,TALLINN,T3
4,2000-01-01,birth,TALLINN,T4
4,2004-01-01,transfer,ERIE,E4
3,2012-01-01,release,TALLINN,
6,2010-01-01,birth,TALLINN,T6
6,2015-01-01,ltf,TALLINN,
"""
INSTITUTIONS = [
    InstitutionRecord("TALLINN", "Tallinn Zoo", "EE", "EAZA"),
    InstitutionRecord("ERIE", "Erie Zoo", "US", "AZA"),
]


def _book(settings: ProgrammeSettings | None = None) -> Studbook:
    records, problems = records_from_table(table_from_text(ANIMALS, "a.csv"))
    events, event_problems = events_from_table(
        table_from_text(EVENTS, "e.csv", required=("id", "date", "event", "institution"))
    )
    assert problems == event_problems == []
    return Studbook.build(records, events, INSTITUTIONS, settings)


@pytest.fixture(scope="module")
def amur() -> Studbook:
    base = FIXTURES / "amur_leopard"
    records, _ = records_from_table(read_table(f"{base}.csv"))
    events, _ = read_events(f"{base}_events.csv")
    institutions, _ = read_institutions(f"{base}_institutions.csv")
    return Studbook.build(records, events, institutions)


def _row(found: object, animal: str) -> int:
    return list(found.ids).index(animal)  # type: ignore[attr-defined]


class TestAdapter:
    """Studbook -> life histories: exits, censoring, entry, window and region."""

    def test_death_ends_as_a_death(self) -> None:
        """A recorded death ends the animal's time as a death on its date."""
        found = life_histories(_book())
        h, k = found.histories, _row(found, "1")
        assert str(h.end[k]) == "2005-01-01" and bool(h.died[k])

    def test_release_is_censored_not_a_death(self) -> None:
        """A release ends the time at risk on its date without a death."""
        found = life_histories(_book())
        h, k = found.histories, _row(found, "3")
        assert str(h.end[k]) == "2012-01-01" and not bool(h.died[k])
        table = life_table(h, "M", ("1990-01-01", "2020-01-01"))
        assert table.deaths.sum() == 1  # only animal 1

    def test_lost_to_follow_up_is_censored(self) -> None:
        """Going LTF ends the time at risk without a death."""
        found = life_histories(_book())
        h, k = found.histories, _row(found, "6")
        assert str(h.end[k]) == "2015-01-01" and not bool(h.died[k])

    def test_wild_born_enter_at_capture(self) -> None:
        """A wild-caught animal is at risk from its capture, not its birth."""
        found = life_histories(_book())
        h = found.histories
        assert str(h.start[_row(found, "2")]) == "1995-01-01"
        table = life_table(h, "F", ("1990-01-01", "2020-01-01"))
        # Only 4 (captive-born 2000) is at risk before age 5; 2 was caught at 5.
        assert table.risk[:4].tolist() == [1.0, 1.0, 1.0, 1.0]
        assert table.risk[5] == pytest.approx(2.0)

    def test_unknown_birth_dates_are_counted(self) -> None:
        """An animal without a birth date is left out of the table and counted."""
        table = life_table(life_histories(_book()).histories, "F", ("1990-01-01", "2020-01-01"))
        assert table.unknown_age == 1

    def test_window_is_respected(self) -> None:
        """A death outside the window is not counted, nor the time outside it."""
        h = life_histories(_book()).histories
        table = life_table(h, "M", ("2006-01-01", "2020-01-01"))
        assert table.deaths.sum() == 0
        early = life_table(h, "M", ("1990-01-01", "2000-01-01"))
        assert early.risk.sum() == pytest.approx(
            (date(2000, 1, 1) - date(1995, 1, 1)).days / 365.25
        )

    def test_region_counts_time_there_only(self) -> None:
        """In a region, only the stays there count and leaving it censors."""
        found = life_histories(
            _book(), DemographicWindow(date(1990, 1, 1), date(2020, 1, 1), "EAZA")
        )
        h, k = found.histories, _row(found, "4")
        assert str(h.end[k]) == "2004-01-01" and not bool(h.died[k])
        assert found.left_out == 1  # animal 5 was never in EAZA
        assert h.sex[_row(found, "5")] == "U"

    def test_births_count_only_while_the_parent_is_counted(self) -> None:
        """In AZA, 4 (there from 2004) is not credited with 6, born 2010 in Tallinn."""
        aza = life_histories(_book(), DemographicWindow(date(1990, 1, 1), date(2020, 1, 1), "AZA"))
        assert _row(aza, "6") not in aza.histories.child.tolist()
        everywhere = life_histories(_book())
        assert _row(everywhere, "6") in everywhere.histories.child.tolist()


class TestCensusHistory:
    """The census history agrees with Studbook.census."""

    @pytest.mark.parametrize("day", [date(1980, 1, 1), date(2000, 6, 1), date(2024, 1, 1)])
    def test_counts_match_the_census(self, amur: Studbook, day: date) -> None:
        """Totals by sex are the census's on each date."""
        (year,) = census_history(amur, [day])
        census = amur.census(day)
        assert (year.males, year.females, year.unknown_sex) == census.totals
        assert year.holding == len(census.rows)
        assert year.wild + year.captive + year.unknown_birth == year.total

    def test_region_keeps_its_institutions(self, amur: Studbook) -> None:
        """A region's history counts the rows of that region's institutions."""
        day = date(2024, 1, 1)
        (year,) = census_history(amur, [day], "EAZA")
        rows = [r for r in amur.census(day).rows if r.region == "EAZA"]
        assert year.total == sum(r.total for r in rows) > 0

    def test_days_are_new_years_then_the_end(self) -> None:
        """One census on 1 January a year, then the last day."""
        assert census_days(date(2020, 6, 1), date(2022, 3, 1)) == [
            date(2021, 1, 1), date(2022, 1, 1), date(2022, 3, 1)
        ]  # fmt: skip


class TestInbreedingNe:
    """Ne from the individual rate of inbreeding on hand-derived pedigrees."""

    def test_full_sib_offspring(self) -> None:
        """Full-sib offspring: F = 1/4, t = 2, delta F = 1/4, Ne = 2."""
        ped = Pedigree.from_cells(
            ["a", "b", "c", "d", "e"], ["", "", "a", "a", "c"], ["", "", "b", "b", "d"]
        )
        assert equivalent_generations(ped).tolist() == [0, 0, 1, 1, 2]
        assert inbreeding_ne(ped, ["e"]) == (pytest.approx(2.0), 1)

    def test_three_generations(self) -> None:
        """g = e x f (full sibs of e's parents' line): F_g = 3/8, t = 3, delta F from the
        formula, averaged with e's."""
        ids = ["a", "b", "c", "d", "e", "f", "g"]
        sires = ["", "", "a", "a", "c", "c", "e"]
        dams = ["", "", "b", "b", "d", "d", "f"]
        ped = Pedigree.from_cells(ids, sires, dams)
        assert equivalent_generations(ped)[6] == pytest.approx(3.0)
        delta_g = 1 - (1 - 0.375) ** 0.5
        ne, used = inbreeding_ne(ped, ["e", "g"])
        assert used == 2 and ne == pytest.approx(1 / (2 * (0.25 + delta_g) / 2))

    def test_no_deep_pedigree_is_not_a_number(self) -> None:
        """Without animals of t > 1 there is no estimate."""
        ped = Pedigree.from_cells(["a", "b", "c"], ["", "", "a"], ["", "", "b"])
        ne, used = inbreeding_ne(ped, ["c"])
        assert math.isnan(ne) and used == 0


class TestDemography:
    """The whole result on the fixture."""

    def test_figures_hang_together(self, amur: Studbook) -> None:
        """Lambda, T and the living structure are consistent with the tables and the census."""
        window = DemographicWindow(date(1990, 1, 1), date(2025, 1, 1))
        demo = demography(amur, window, replicates=200, seed=3)
        assert demo.lambdas.life_table == demo.tables[1].growth
        assert (
            demo.lambdas.projected_low <= demo.lambdas.projected_mean <= demo.lambdas.projected_high
        )
        last = amur.census(date(2024, 12, 31))
        assert demo.n + demo.living_unknown == sum(last.totals)
        assert demo.census[-1].total == sum(last.totals)
        five = sum(amur.census(date(2019, 12, 31)).totals)
        assert demo.lambdas.census == pytest.approx((sum(last.totals) / five) ** 0.2)
        assert demo.goals is None
        again = demography(amur, window, replicates=200, seed=3)
        assert again.lambdas == demo.lambdas

    def test_reproductive_goals_from_the_settings(self, amur: Studbook) -> None:
        """Target size and years in the settings give lambda needed and births per year."""
        book = Studbook(
            amur.records,
            amur.events,
            amur.institutions,
            ProgrammeSettings(target_size=250, target_years=10),
        )
        demo = demography(
            book, DemographicWindow(date(1990, 1, 1), date(2025, 1, 1)), replicates=50
        )
        assert demo.goals is not None
        assert demo.goals.lambda_needed == pytest.approx((250 / demo.n) ** 0.1)
        assert demo.goals.births_per_year > 0


class TestWindowSetting:
    """The demographic window as a setting and for a run."""

    def test_round_trip_and_errors(self) -> None:
        """FROM:TO@REGION is read and written back; a bad one names the key."""
        s = ProgrammeSettings().with_text("demographic_window", "1990-01-01:2025-01-01@aza")
        assert s.text("demographic_window") == "1990-01-01:2025-01-01@AZA"
        for bad in ("2025-01-01:1990-01-01", "1990", "1990-13-01:2000-01-01"):
            with pytest.raises(SettingsError, match="demographic_window"):
                ProgrammeSettings().with_text("demographic_window", bad)
        with pytest.raises(SettingsError, match="ne_ratio"):
            ProgrammeSettings().with_text("ne_ratio", "1.5")

    def test_options_win_over_the_setting(self) -> None:
        """Given dates and region win; otherwise the setting's; else first birth to today."""
        stored = DemographicWindow(date(1995, 1, 1), date(2010, 1, 1), "EAZA")
        book = _book(ProgrammeSettings(demographic_window=stored))
        assert window_for(book) == stored
        assert window_for(book, (date(2000, 1, 1), date(2001, 1, 1)), "aza").text() == (
            "2000-01-01:2001-01-01@AZA"
        )
        plain = window_for(_book(), today=date(2020, 1, 1))
        assert plain.text() == "1990-01-01:2020-01-02"
        with pytest.raises(StudbookError, match="demographic window"):
            window_for(book, (date(2001, 1, 1), date(2000, 1, 1)))
