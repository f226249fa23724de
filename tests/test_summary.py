"""The population summary and the reference population it is taken over."""

from __future__ import annotations

import json

import numpy as np
import pytest
from testdata import BUNDLED

import studbook
from studbook.csvformat import table_from_text
from studbook.pedigree import Pedigree, read_pedigree
from studbook.population import (
    AMUR_LEOPARD,
    NO_AGE_LIMITS,
    breeding_candidates,
    reference_population,
    release_candidates,
)
from studbook.reports import FORMATS, Format, render, summary_report
from studbook.summary import population_summary

LACY = BUNDLED / "lacy1989_founder_example.csv"


def lacy_population() -> studbook.population.ReferencePopulation:
    ped = read_pedigree(LACY)
    return reference_population(ped, census_date="2024-01-01", exclude=["A", "B", "E"])


class TestLacySummary:
    """Published values of Lacy (1989) with P = {C, D, F, G}."""

    def test_published_values(self) -> None:
        """GD 23/32, FGE 16/9, FE 32/11, three founders, no inbreeding, 100 % known."""
        s = population_summary(lacy_population())
        assert (s.n, s.founders, s.founders_in_population, s.living_descendants) == (4, 3, 0, 4)
        assert s.gene_diversity == pytest.approx(23 / 32, abs=1e-15)
        assert s.founder_genome_equivalents == pytest.approx(16 / 9, abs=1e-12)
        assert s.founder_equivalents == pytest.approx(32 / 11, abs=1e-12)
        assert s.mean_kinship == pytest.approx(9 / 32, abs=1e-15)
        assert (s.mean_inbreeding, s.mean_known) == (0.0, 1.0)
        assert s.founder_representation == pytest.approx({"A": 0.375, "B": 0.375, "E": 0.25})

    def test_sexes_and_ne(self) -> None:
        """N by sex and sex-ratio Ne = 4 Nm Nf / (Nm + Nf)."""
        text = "id,sire,dam,sex\na,,,M\nb,,,F\nc,a,b,F\nd,a,b,F\ne,a,b,U\n"
        ped = Pedigree.from_table(table_from_text(text, "t.csv"))
        s = population_summary(reference_population(ped, census_date="2024-01-01"))
        assert (s.males, s.females, s.unknown_sex) == (1, 3, 1)
        assert s.sex_ratio_ne == pytest.approx(3.0)
        assert (s.founders, s.founders_in_population, s.living_descendants) == (2, 2, 3)


class TestReferencePopulation:
    """Who is in P at a census date."""

    TEXT = (
        "id,sire,dam,sex,birth_date,death_date,alive,location,status\n"
        "a,,,M,2010-01-01,,1,TALLINN,\n"
        "b,,,F,2012-01-01,2023-06-01,0,BERLINTP,\n"
        "c,a,b,M,2020-05-01,,1,TALLINN,RELEASED\n"
        "d,a,b,F,2021-05-01,,1,MOSCOW,LTF\n"
        "e,a,,F,2025-05-01,,1,TALLINN,\n"  # b died in 2023
        "f,a,b,M,2022-02-01,,1,ERIE,\n"
    )

    def ped(self) -> Pedigree:
        return Pedigree.from_table(table_from_text(self.TEXT, "t.csv"))

    def test_census_date_status_and_exclusions(self) -> None:
        """Alive on the date, not released, not LTF, not yet unborn; exclusions honoured."""
        ped = self.ped()
        assert reference_population(ped, census_date="2024-01-01").ids == ["a", "f"]
        assert reference_population(ped, census_date="2023-01-01").ids == ["a", "b", "f"]
        pop = reference_population(ped, census_date="2026-01-01", exclude=["f"])
        assert pop.ids == ["a", "e"]
        assert "excluding f" in pop.definition and "2026-01-01" in pop.definition

    def test_regions_and_institutions(self) -> None:
        """Restricting to institutions or regions (through the mapping)."""
        ped = self.ped()
        regions = {"TALLINN": "EAZA", "BERLINTP": "EAZA", "MOSCOW": "EARAZA", "ERIE": "AZA"}
        pop = reference_population(ped, census_date="2023-01-01", regions=["EAZA"],
                                   institution_regions=regions)  # fmt: skip
        assert pop.ids == ["a", "b"]
        assert reference_population(ped, census_date="2023-01-01", institutions=["ERIE"]).ids == [
            "f"
        ]
        with pytest.raises(studbook.StudbookError, match="mapping"):
            reference_population(ped, regions=["EAZA"])

    def test_breeding_and_release_windows(self) -> None:
        """Amur leopard: breeding 2-15 years, release 1-4 years; reasons given for exclusions."""
        ped = self.ped()
        pop = reference_population(ped, census_date="2024-03-01")
        c = breeding_candidates(pop, AMUR_LEOPARD, non_breeders=["a"])
        assert (c.male_ids, c.female_ids) == (["f"], [])
        assert c.excluded == {"a": "non-breeder"}
        assert [ped.ids[k] for k in release_candidates(pop, AMUR_LEOPARD)] == ["f"]
        assert [ped.ids[k] for k in release_candidates(pop)] == ["a", "f"]  # no hidden profile
        all_ages = breeding_candidates(pop, NO_AGE_LIMITS, contracepted=["f"])
        assert all_ages.male_ids == ["a", "f"] and bool(all_ages.contracepted[5])


class TestSummaryReport:
    """The summary report in every format."""

    @pytest.mark.parametrize("fmt", FORMATS)
    def test_report(self, fmt: Format) -> None:
        """Header, figures and founder representation."""
        pop = lacy_population()
        text = render(summary_report(population_summary(pop), analysis_date="2024-05-06"), fmt)
        figures = (
            ("Gene diversity (GD)", "Ne (sex ratio)")
            if fmt in ("table", "markdown")
            else ("gene_diversity", "sex_ratio_ne")
        )
        for needle in ("2024-05-06", pop.definition, *figures,
                       "Founder representation", f"studbook {studbook.__version__}"):  # fmt: skip
            assert needle in text, (fmt, needle)
        if fmt == "json":
            rows = json.loads(text)["sections"][1]["rows"]
            assert rows[0] == {"founder": "A", "representation": 0.375}

    def test_figures_match_engine_calls(self) -> None:
        """The summary's figures equal the engine's functions on a synthetic studbook."""
        from studbook.synthetic import synthetic_studbook

        book = synthetic_studbook(3000, seed=4)
        ped = Pedigree.from_cells(book.ids, book.sire, book.dam, book.sex,
                                  alive=list(book.alive.tolist()),
                                  flags=[[f] if f else [] for f in book.flags])  # fmt: skip
        pop = reference_population(ped, census_date="2100-01-01")
        s = population_summary(pop)
        mask = ped.living
        assert s.n == int(mask.sum())
        assert s.gene_diversity == pytest.approx(studbook.gene_diversity(ped, mask), abs=1e-12)
        assert s.founder_genome_equivalents == pytest.approx(
            studbook.founder_genome_equivalents(ped, mask), rel=1e-12
        )
        assert s.mean_inbreeding == pytest.approx(float(np.mean(studbook.inbreeding(ped)[mask])))
        flagged = studbook.flagged_contribution(ped, list(ped.flags))
        assert s.mean_flagged == pytest.approx(float(flagged[mask].mean()))
        assert s.flags == tuple(sorted(ped.flags))
