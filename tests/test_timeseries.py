"""Series for the population charts: age-sex pyramid bins and gene diversity over time."""

from __future__ import annotations

import numpy as np
import pytest

from studbook.errors import StudbookError
from studbook.pedigree import Pedigree
from studbook.population import reference_population
from studbook.timeseries import age_sex_pyramid, census_dates, gene_diversity_over_time


def _family() -> Pedigree:
    # s and d are founders (born 2000 and 2001); c1 and c2 are their offspring; old died in 2010.
    return Pedigree.from_cells(
        ["s", "d", "c1", "c2", "old", "x"],
        ["", "", "s", "s", "", ""],
        ["", "", "d", "d", "", ""],
        ["M", "F", "F", "U", "M", "M"],
        birth_date=["2000-01-01", "2001-06-01", "2010-01-01", "2015-01-01", "1990-01-01", ""],
        death_date=["", "", "", "", "2010-01-01", ""],
    )


class TestAgeSexPyramid:
    def test_counts_each_living_member_once_by_class_and_sex(self) -> None:
        """Every member lands in one class of its sex; unknown ages are counted apart."""
        pop = reference_population(_family(), census_date="2020-06-01")
        pyr = age_sex_pyramid(pop, width=5)
        assert pyr.labels == ("0-4", "5-9", "10-14", "15-19", "20-24")
        assert pyr.males.tolist() == [0, 0, 0, 0, 1]
        assert pyr.females.tolist() == [0, 0, 1, 1, 0]
        assert pyr.unknown_sex.tolist() == [0, 1, 0, 0, 0]
        assert pyr.unknown_age == {"M": 1, "F": 0, "U": 0}
        assert pyr.total == pop.size

    def test_fixed_number_of_classes_makes_the_last_open_ended(self) -> None:
        """With classes=2 the oldest animals fall in the open class '5+'."""
        pop = reference_population(_family(), census_date="2020-06-01")
        pyr = age_sex_pyramid(pop, width=5, classes=2)
        assert pyr.labels == ("0-4", "5+")
        assert pyr.males.tolist() == [0, 1]
        assert pyr.females.tolist() == [0, 2] and pyr.unknown_sex.tolist() == [0, 1]

    def test_rejects_a_zero_width(self) -> None:
        """A class of zero years is refused with a message."""
        with pytest.raises(StudbookError, match="width"):
            age_sex_pyramid(reference_population(_family()), width=0)


class TestGeneDiversityOverTime:
    def test_one_census_a_year_from_the_first_birth(self) -> None:
        """Census days run yearly from the year after the first birth and end on the end date."""
        days = census_dates(_family(), end="1993-03-01")
        assert [str(d) for d in days] == ["1991-01-01", "1992-01-01", "1993-01-01", "1993-03-01"]

    def test_gd_is_one_minus_mean_kinship_of_those_alive_at_each_date(self) -> None:
        """The population at each date is who was alive then; GD = 1 - the mean kinship given."""
        ped = _family()
        seen: list[list[str]] = []

        def mean_kinship(p: Pedigree, mask: np.ndarray) -> float:
            seen.append([p.ids[k] for k in np.flatnonzero(mask)])
            return 0.1 * int(mask.sum())

        days = np.array(["1995-01-01", "2005-01-01", "2012-01-01"], "datetime64[D]")
        series = gene_diversity_over_time(ped, days, mean_kinship)
        assert seen[0] == ["old", "x"]  # no birth date: counted as born
        assert seen[1] == ["s", "d", "old", "x"]
        assert seen[2] == ["s", "d", "c1", "x"]
        assert series.size.tolist() == [2, 4, 4]
        assert series.gd.tolist() == pytest.approx([0.8, 0.6, 0.6])
        assert series.years == ["1995", "2005", "2012"]

    def test_stops_when_asked(self) -> None:
        """should_continue returning False ends the series at the last date computed."""
        days = np.array(["2005-01-01", "2012-01-01", "2016-01-01"], "datetime64[D]")
        series = gene_diversity_over_time(
            _family(), days, lambda p, m: 0.0, should_continue=lambda done, total: done < 2
        )
        assert series.size.size == 2
