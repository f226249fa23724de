"""Life tables and median life expectancy on hand-built cohorts with known answers."""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
import pytest

from studbook.errors import StudbookError
from studbook.lifetable import (
    LifeHistories,
    euler_lotka_growth,
    life_table,
    median_life_expectancy,
)

NAT = "NaT"


def histories(
    rows: list[tuple[str, str, str, bool]], links: list[tuple[int, int, float]] = ()
) -> LifeHistories:
    """Animals as (sex, birth, end, died); parent links as (parent, child, share)."""
    sex, birth, end, died = zip(*rows, strict=True)
    parent, child, share = zip(*links, strict=True) if links else ((), (), ())
    return LifeHistories(
        sex=np.array(sex),
        birth=np.array(birth, "datetime64[D]"),
        end=np.array(end, "datetime64[D]"),
        died=np.array(died, bool),
        parent=np.array(parent, np.int64),
        child=np.array(child, np.int64),
        share=np.array(share, np.float64),
    )


DECADE = ("2000-01-01", "2010-01-01")


class TestRisk:
    """Animals at risk, prorated and not, inside the window only."""

    def test_a_cohort_watched_from_birth(self) -> None:
        """Three males born 2000-01-01: deaths at 0.5 and 2.5 years, one lives on."""
        h = histories(
            [
                ("M", "2000-01-01", "2000-07-02", True),
                ("M", "2000-01-01", "2002-07-02", True),
                ("M", "2000-01-01", NAT, False),
            ]
        )
        t = life_table(h, "M", DECADE)
        half = 182.5 / 365.25  # 2000-01-01 to 2000-07-02 is 183 days
        assert t.risk[0] == pytest.approx(2 + 183 / 365.25)
        assert t.risk[1] == pytest.approx(2.0)
        assert t.risk[2] == pytest.approx(1 + (913 - 730.5) / 365.25)
        assert t.deaths.tolist()[:3] == [1, 0, 1]
        assert t.qx[0] == pytest.approx(1 / (2 + 183 / 365.25))
        assert t.lx[1] == pytest.approx(1 - t.qx[0])
        assert t.lx[3] == pytest.approx((1 - t.qx[0]) * (1 - t.qx[2]))
        assert half < 0.51

    def test_unprorated_counts_each_animal_once_per_class(self) -> None:
        h = histories([("F", "2000-01-01", "2000-07-02", True), ("F", "2000-01-01", NAT, False)])
        t = life_table(h, "F", DECADE, prorated=False)
        assert t.risk[:3].tolist() == [2, 1, 1]
        assert t.qx[0] == 0.5

    def test_the_window_cuts_both_ends(self) -> None:
        """Born 1998-01-01 (730 days, just under 2 years, before the window opens), watched
        2000-2002: at risk for the window's 731 days only, and a death after it does not
        count."""
        h = histories([("M", "1998-01-01", "2003-06-01", True)])
        t = life_table(h, "M", ("2000-01-01", "2002-01-01"))
        assert t.risk[0] == 0
        assert t.risk[1] == pytest.approx(2 - 730 / 365.25)
        assert t.risk.sum() == pytest.approx(731 / 365.25)
        assert t.deaths.sum() == 0
        assert math.isnan(t.qx[0])

    def test_unknown_birth_dates_are_left_out_and_counted(self) -> None:
        h = histories([("F", NAT, NAT, False), ("F", "2001-01-01", NAT, False)])
        t = life_table(h, "F", DECADE)
        assert t.unknown_age == 1
        assert t.risk.sum() == pytest.approx(3287 / 365.25)


class TestFecundity:
    """Mx, the unknown-age redistribution and MULT shares."""

    COHORT: ClassVar[list[tuple[str, str, str, bool]]] = [
        ("F", "2000-01-01", NAT, False),  # 0: dam, age 4 at the births
        ("M", "2000-01-01", NAT, False),  # 1: sire, age 4
        ("M", "2004-01-02", NAT, False),  # 2: cub
        ("F", "2004-01-02", NAT, False),  # 3: cub
    ]

    def test_half_the_births_per_animal_at_risk(self) -> None:
        h = histories(self.COHORT, [(0, 2, 1.0), (0, 3, 1.0), (1, 2, 1.0), (1, 3, 1.0)])
        female = life_table(h, "F", DECADE)
        assert female.births[4] == 2
        assert female.mx[4] == pytest.approx(0.5 * 2 / female.risk[4])
        male = life_table(h, "M", DECADE)
        assert male.births[4] == 2

    def test_a_possible_sire_counts_with_its_probability(self) -> None:
        h = histories(self.COHORT, [(1, 2, 0.25), (1, 3, 0.25)])
        assert life_table(h, "M", DECADE).births[4] == pytest.approx(0.5)

    def test_births_to_a_parent_of_unknown_age_are_redistributed(self) -> None:
        """One birth at age 4 to a dated dam; one to an undated dam: spread like the first."""
        rows = [*self.COHORT, ("F", NAT, NAT, False)]
        h = histories(rows, [(0, 2, 1.0), (4, 3, 1.0)])
        t = life_table(h, "F", DECADE)
        assert t.births_unknown_age == 1
        assert t.births[4] == pytest.approx(2.0)
        assert t.births.sum() == pytest.approx(2.0)

    def test_births_outside_the_window_do_not_count(self) -> None:
        h = histories(self.COHORT, [(0, 2, 1.0)])
        t = life_table(h, "F", ("2005-01-01", "2010-01-01"))
        assert t.births.sum() == 0 and t.r0 == 0
        assert math.isnan(t.growth) and math.isnan(t.generation_time)


class TestRates:
    """R0, T, r and lambda from Lx Mx."""

    def test_euler_lotka_closed_forms(self) -> None:
        """One birth at age 1: lambda = 1; two at age 2: lambda = sqrt 2."""
        assert euler_lotka_growth(np.array([0.0, 1.0])) == pytest.approx(0.0, abs=1e-12)
        r = euler_lotka_growth(np.array([0.0, 0.0, 2.0]))
        assert math.exp(r) == pytest.approx(math.sqrt(2), abs=1e-12)
        lam = math.exp(euler_lotka_growth(np.array([0.0, 0.5, 0.5])))
        assert lam**-1 * 0.5 + lam**-2 * 0.5 == pytest.approx(1.0)

    def test_r0_and_generation_time(self) -> None:
        """Immortal females each having one daughter's worth (2 young) at ages 2 and 3."""
        rows = [("F", "2000-01-01", NAT, False)] * 10
        young = [("M", f"200{a}-06-01", NAT, False) for a in (2, 3) for _ in range(20)]
        links = [(k, 10 + j, 1.0) for j, k in enumerate([*range(10)] * 4)]
        h = histories(rows + young, links)
        t = life_table(h, "F", DECADE)
        assert t.mx[2] == pytest.approx(0.5 * 20 / 10)
        assert t.mx[3] == pytest.approx(0.5 * 20 / 10)
        assert t.r0 == pytest.approx(2.0)
        assert t.generation_time == pytest.approx(2.5)
        lam = t.growth
        assert lam**-2 + lam**-3 == pytest.approx(1.0)

    def test_window_and_sex_are_checked(self) -> None:
        h = histories([("F", "2000-01-01", NAT, False)])
        with pytest.raises(StudbookError, match="start before"):
            life_table(h, "F", ("2010-01-01", "2000-01-01"))
        with pytest.raises(StudbookError, match="by sex"):
            life_table(h, "U", DECADE)


class TestMedianLifeExpectancy:
    """Kaplan-Meier with the living censored and first-year deaths left out."""

    def test_hand_computed_median(self) -> None:
        """Deaths at 2, 4, 6, 8 years; one censored at 5; one infant death left out.
        S: 4/5 after 2, 3/5 after 4, then 3/5 * 1/2 = 0.3 after 6, so the median is 6."""
        rows = [
            ("F", "2000-01-01", "2002-01-01", True),
            ("F", "2000-01-01", "2004-01-01", True),
            ("F", "2000-01-01", "2006-01-01", True),
            ("F", "2000-01-01", "2008-01-01", True),
            ("F", "2000-01-01", "2005-01-01", False),
            ("F", "2000-01-01", "2000-03-01", True),
        ]
        m = median_life_expectancy(histories(rows), "F", "2020-01-01")
        assert m.n == 5 and m.deaths == 4
        assert m.median == pytest.approx(2192 / 365.25)
        assert m.lower <= m.median
        assert math.isnan(m.upper) or m.upper >= m.median

    def test_the_living_are_censored_on_the_date(self) -> None:
        rows = [("M", "2000-01-01", NAT, False), ("M", "2000-01-01", "2003-01-01", True)]
        m = median_life_expectancy(histories(rows), "M", "2010-01-01")
        assert m.median == pytest.approx(1096 / 365.25)
        assert m.n == 2 and m.deaths == 1

    def test_no_deaths_no_median(self) -> None:
        m = median_life_expectancy(histories([("M", "2000-01-01", NAT, False)]), "M", "2010-01-01")
        assert math.isnan(m.median) and m.deaths == 0
