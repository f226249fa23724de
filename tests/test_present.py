"""Presentation: one label, unit and number format per figure (studbook.present)."""

from __future__ import annotations

import math
from dataclasses import fields
from datetime import date

import numpy as np
import pytest

from studbook import present
from studbook.breeding_plan import breeding_plan
from studbook.dates import parse_partial_date
from studbook.pairing import PAIRING_COLUMNS, PairingInputs
from studbook.pedigree import Pedigree
from studbook.population import reference_population
from studbook.release import ReleaseRow
from studbook.summary import population_summary


class TestProportions:
    """GD, MK, F, kinship and offspring F: proportions with 4 decimals."""

    @pytest.mark.parametrize(
        "quantity",
        [present.GENE_DIVERSITY, present.MK, present.F, present.KINSHIP, present.OFFSPRING_F],
    )
    def test_four_decimals(self, quantity: present.Quantity) -> None:
        """0.912345 reads 0.9123."""
        assert quantity.text(0.912345) == "0.9123"

    def test_labels(self) -> None:
        """The labels name the figure plainly (no cryptic 'Kinship=F off')."""
        assert present.GENE_DIVERSITY.label == "Gene diversity (GD)"
        assert present.OFFSPRING_F.label == "Offspring F"
        assert (present.MK_MALE.label, present.MK_FEMALE.label) == ("MK ♂", "MK ♀")


class TestDeltaGd:
    """ΔGD in units of 10⁻⁴, signed, two decimals; the unit is in the label."""

    def test_small_values_are_readable(self) -> None:
        """The values of issue #13 read as +1.04 and +0.72."""
        assert present.DELTA_GD.text(0.000103884) == "+1.04"
        assert present.DELTA_GD.text(7.16e-05) == "+0.72"
        assert present.CAPTIVE_DELTA_GD.text(-0.05208) == "-520.80"

    def test_unit_in_label(self) -> None:
        """Every ΔGD label carries the unit."""
        for q in (present.DELTA_GD, present.CAPTIVE_DELTA_GD):
            assert q.label.endswith("(×10⁻⁴)")

    def test_negative_zero(self) -> None:
        """A loss too small to show reads +0.00, not -0.00."""
        assert present.DELTA_GD.text(-1e-9) == "+0.00"


class TestPercentages:
    """Shares of 0-1 read in percent with one decimal; '%' is in the label, not the cell."""

    @pytest.mark.parametrize("quantity", [present.KNOWN, present.FLAGGED, present.UNIQUENESS])
    def test_percent(self, quantity: present.Quantity) -> None:
        assert quantity.text(0.875) == "87.5"
        assert "%" in quantity.label and "%" not in quantity.text(1.0)


class TestOtherFormats:
    """Ages, dates, probabilities, counts, ranks, MSI, missing and infinite values."""

    def test_age_in_years(self) -> None:
        assert (present.AGE.label, present.AGE.text(12.3456)) == ("Age (years)", "12.3")

    def test_dates_keep_their_precision(self) -> None:
        """A date estimated to the month is written as recorded (studbook.dates)."""
        assert present.BIRTH_DATE.text(parse_partial_date("1995-07")) == "1995-07"
        assert present.BIRTH_DATE.text(date(2004, 4, 17)) == "2004-04-17"

    def test_probability(self) -> None:
        assert present.PROBABILITY.text(0.5) == "0.50"

    def test_counts_and_ranks(self) -> None:
        assert present.MK_RANK.text(7) == "7" and present.RANK.text(12) == "12"

    def test_msi_is_its_code(self) -> None:
        assert present.MSI.text("-") == "-" and present.MSI.text("3") == "3"

    def test_missing_and_infinite(self) -> None:
        """None and NaN read as the missing mark; an infinite FGE as ∞."""
        assert present.F.text(None) == present.MISSING == present.F.text(math.nan)
        fge = present.Quantity("fge", "FGE", ".2f")
        assert fge.text(math.inf) == "∞"

    def test_lists_and_booleans(self) -> None:
        """A list of ids is comma separated ('none' when empty); booleans read yes/no."""
        q = present.Quantity("flags", "Flagged founders")
        assert (q.text(("2", "7")), q.text(())) == ("2, 7", "none")
        assert q.text(True) == "yes"


class TestFigureSets:
    """The summary, plan totals and release-group figures, each defined once."""

    def test_summary_figures_cover_every_figure(self) -> None:
        """Every scalar of the summary has a label; GD uses the GD quantity."""
        ped = Pedigree.from_cells(list("ABCDEFG"), ["", "", "A", "A", "", "D", "D"],
                                  ["", "", "B", "B", "", "E", "E"], list("MFUMFUU"))  # fmt: skip
        pop = reference_population(ped, census_date="2024-01-01", exclude=["A", "B", "E"])
        summary = population_summary(pop)
        figures = present.summary_figures(summary)
        assert [f.quantity.key for f in figures] == list(summary.figures())
        gd = next(f for f in figures if f.quantity is present.GENE_DIVERSITY)
        assert gd.text == "0.7188"
        assert dict(present.lines(figures))["N living (P)"] == "4"

    def test_plan_totals(self) -> None:
        """A plan's totals show ΔGD in 10⁻⁴ units."""
        kin = np.array([[0.0, 0.25], [0.0625, 0.0]])
        inputs = PairingInputs.from_arrays(["1", "2"], ["3", "4"], kin, [0.05, 0.1], [0.06, 0.1],
                                           n=4, mean_mk=0.09)  # fmt: skip
        plan = breeding_plan(inputs).optimal
        totals = dict(present.lines(present.plan_totals(plan)))
        assert totals["Pairs"] == str(len(plan))
        assert totals["Total ΔGD (×10⁻⁴)"] == f"{plan.total_delta_gd * 1e4:+.2f}"

    def test_every_pairing_column_has_a_quantity(self) -> None:
        """The pairing columns are all described, so no report falls back to a raw key."""
        assert set(PAIRING_COLUMNS) == set(present.PAIRING_QUANTITIES)

    def test_every_release_column_has_a_quantity(self) -> None:
        """The release columns are all described too."""
        assert {f.name for f in fields(ReleaseRow)} == set(present.RELEASE_QUANTITIES)
