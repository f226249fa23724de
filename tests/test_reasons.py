"""Every empty answer says why: the core names the rule that keeps an animal or a pair out."""

from __future__ import annotations

import pytest

from studbook.breeding_plan import PlanSettings, breeding_plan
from studbook.errors import UnknownAnimalError
from studbook.pairing import PairingInputs
from studbook.pedigree import Pedigree
from studbook.population import (
    AMUR_LEOPARD,
    breeding_candidates,
    reference_population,
    release_why_not,
)

CENSUS = "2024-01-01"


def small_population() -> Pedigree:
    """Adult male m, adult female f, old female o, young male c (1.6 y), dead d, undated u."""
    return Pedigree.from_cells(
        ["m", "f", "o", "c", "d", "u"],
        [""] * 6,
        [""] * 6,
        ["M", "F", "F", "M", "M", "F"],
        birth_date=["2015", "2016", "2000", "2022-06", "2015", ""],
        death_date=["", "", "", "", "2020", ""],
    )


class TestCandidateReasons:
    """Candidates.why_not names the rule for one animal, with its figures."""

    def test_each_rule(self) -> None:
        """Not in P, wrong sex, age window with the profile, unknown age; None for a candidate."""
        pop = reference_population(small_population(), census_date=CENSUS)
        c = breeding_candidates(pop, AMUR_LEOPARD)
        assert c.why_not("m", "M") is None
        assert c.why_not("f", "M") == "is female, not male"
        assert c.why_not("d", "M") == f"not living on {CENSUS}"
        old = c.why_not("o", "F")
        assert old is not None and old.startswith("outside breeding age: 24.0 years")
        assert "window is 2-15 (species profile Amur leopard" in old
        assert c.why_not("u", "F") == "age unknown (no birth date)"

    def test_unknown_id_raises(self) -> None:
        """An id not in the pedigree is an UnknownAnimalError (exit 4 on the command line)."""
        c = breeding_candidates(reference_population(small_population(), census_date=CENSUS))
        with pytest.raises(UnknownAnimalError, match="9999"):
            c.why_not("9999", "M")

    def test_why_empty_counts_per_rule(self) -> None:
        """No female candidate: the count of each rule that excluded animals of P."""
        ped = small_population()
        pop = reference_population(ped, census_date=CENSUS, exclude=["f"])
        c = breeding_candidates(pop, AMUR_LEOPARD)
        assert c.why_empty() == (
            "breeding candidates: 1 male x 0 females; P has 4 animals (2 males, 2 females), "
            "excluded: 2 outside breeding age, 1 age unknown (no birth date)"
        )
        assert (
            breeding_candidates(reference_population(ped, census_date=CENSUS)).why_empty() is None
        )

    def test_empty_population(self) -> None:
        """With nobody living, the reason is the empty reference population and its definition."""
        pop = reference_population(small_population(), census_date="1990-01-01", exclude=["u"])
        why = breeding_candidates(pop).why_empty()
        assert why is not None and "the reference population is empty (living on 1990-01-01" in why


class TestReleaseReasons:
    """release_why_not names the release rule an animal fails."""

    def test_each_rule(self) -> None:
        """Release window with figures, ineligible list, not living; None for a candidate."""
        pop = reference_population(small_population(), census_date=CENSUS)
        assert release_why_not(pop, AMUR_LEOPARD, "c") is None
        why = release_why_not(pop, AMUR_LEOPARD, "m")
        assert why is not None and why.startswith("outside release age: 9.0 years")
        assert release_why_not(pop, AMUR_LEOPARD, "c", ineligible=["c"]) == (
            "listed as ineligible for release"
        )
        assert release_why_not(pop, AMUR_LEOPARD, "d") == f"not living on {CENSUS}"


class TestEmptyPlan:
    """A breeding plan without pairs names the rule that forbade them."""

    def test_kinship_limit(self) -> None:
        """Every pair at or above the kinship limit: the plan says so, with the setting."""
        inp = PairingInputs.from_arrays(["m"], ["f"], [[0.25]], [0.1], [0.1], n=2, mean_mk=0.1)
        plan = breeding_plan(inp, PlanSettings(kinship_limit=0.0625))
        assert len(plan.optimal) == 0
        assert plan.why_empty == (
            "all 1 candidate pair has kinship at or above the limit 0.0625 (setting kinship_limit)"
        )

    def test_pairs_have_no_reason(self) -> None:
        """A plan with pairs has no 'why empty'."""
        inp = PairingInputs.from_arrays(["m"], ["f"], [[0.0]], [0.1], [0.1], n=2, mean_mk=0.1)
        assert breeding_plan(inp).why_empty is None
