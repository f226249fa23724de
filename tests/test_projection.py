"""The drift projection of gene diversity and the growth a goal needs."""

from __future__ import annotations

import numpy as np
import pytest

import studbook
from studbook.errors import StudbookError
from studbook.projection import growth_needed, project_gene_diversity

LORIS = {"gd": 0.9198, "n": 46, "generation_time": 7.0, "ne_ratio": 0.4683}
"""AZA pygmy slow loris Breeding and Transfer Plan 2025, Table 3."""


class TestPublishedLorisPlan:
    """The AZA pygmy slow loris plan (2025), Table 3, to the printed precision."""

    def test_stable_population_at_capacity_55(self) -> None:
        """lambda 1.000, K 55: 65.8 % at 100 years, 6 years >= 90 %, 34 years to a 10-point
        loss, 72.7 % at 70 years (10 generations)."""
        p = project_gene_diversity(**LORIS, growth=1.0, capacity=55, years=100)
        assert round(100 * p.gd_at(100), 1) == 65.8
        assert p.years_above(0.90) == 6
        assert p.years_until_loss(0.10) == 34
        assert round(100 * p.gd_at(70), 1) == 72.7
        assert p.gd_after_generations(10) == p.gd_at(70)

    def test_growing_population_at_capacity_70(self) -> None:
        """lambda 1.020, K 70: 78.0 % at 70 years."""
        p = project_gene_diversity(**LORIS, growth=1.02, capacity=70, years=100)
        assert round(100 * p.gd_at(70), 1) == 78.0

    def test_growth_needed_to_reach_55_in_five_years(self) -> None:
        assert round(growth_needed(46, 55, 5), 4) == 1.0364


class TestDriftModel:
    """The yearly recursion, checked in closed form."""

    def test_constant_size_is_a_power_law(self) -> None:
        """N constant: GD_t = GD_0 (1 - 1/(2 Ne))^(t/T)."""
        p = project_gene_diversity(gd=0.95, n=40, generation_time=5.0, ne_ratio=0.5, years=30)
        t = np.arange(31)
        np.testing.assert_allclose(p.gd, 0.95 * (1 - 1 / 40) ** (t / 5), rtol=1e-13)

    def test_growth_stops_at_capacity(self) -> None:
        p = project_gene_diversity(
            gd=0.9, n=10, generation_time=4.0, growth=1.5, ne_ratio=0.3, capacity=30, years=10
        )
        assert p.n.tolist()[:5] == [10, 15, 22.5, 30, 30]
        assert (np.diff(p.gd) < 0).all()

    def test_bigger_populations_lose_less(self) -> None:
        small = project_gene_diversity(gd=0.9, n=20, generation_time=6, ne_ratio=0.4, years=50)
        large = project_gene_diversity(gd=0.9, n=200, generation_time=6, ne_ratio=0.4, years=50)
        assert large.gd_at(50) > small.gd_at(50)

    def test_thresholds_at_the_edges(self) -> None:
        p = project_gene_diversity(gd=0.85, n=1000, generation_time=10, ne_ratio=1, years=5)
        assert p.years_above(0.90) == -1
        assert p.years_above(0.80) == 5
        assert p.years_until_loss(0.10) == 5

    @pytest.mark.parametrize(
        "bad",
        [{"gd": 0.0}, {"gd": 1.2}, {"n": 0}, {"generation_time": 0}, {"ne_ratio": -1},
         {"capacity": 0}, {"n": 1, "ne_ratio": 0.1}],
    )  # fmt: skip
    def test_impossible_inputs_are_refused(self, bad: dict[str, float]) -> None:
        args = {**LORIS, "capacity": 55.0, **bad}
        with pytest.raises(StudbookError):
            project_gene_diversity(**args)  # type: ignore[arg-type]

    def test_outside_the_projection(self) -> None:
        p = project_gene_diversity(**LORIS, years=10)
        with pytest.raises(StudbookError, match="outside the projection"):
            p.gd_at(11)

    def test_exported_from_the_package(self) -> None:
        assert studbook.project_gene_diversity is project_gene_diversity
        assert studbook.growth_needed is growth_needed
