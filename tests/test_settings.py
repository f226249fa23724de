"""Programme settings: defaults without age limits, parsing and checking, the settings file,
and a second species (the pygmy slow loris) whose profile changes the candidates and the report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studbook.analysis import Analysis, AnalysisSettings
from studbook.book import Studbook
from studbook.csvformat import table_from_text
from studbook.errors import ImportValidationError, SettingsError
from studbook.pairing import KINSHIP_LIMIT, MsiTable
from studbook.population import AMUR_LEOPARD, NO_AGE_LIMITS
from studbook.records import records_from_table
from studbook.reports import pairing_report, release_report, render
from studbook.settings import SETTING_GROUPS, SETTINGS, ProgrammeSettings, read_settings


class TestDefaults:
    """The core's defaults are the absence of a programme's choices."""

    def test_no_age_limits_and_documented_caps(self) -> None:
        """No species profile; flagged cap 1/8, kinship limit 1/16, MSI defaults."""
        s = ProgrammeSettings()
        assert s.profile == NO_AGE_LIMITS and s.profile != AMUR_LEOPARD
        assert (s.flagged_cap, s.kinship_limit, s.founder_flags) == (0.125, KINSHIP_LIMIT, None)
        assert s.msi == MsiTable()
        assert s.describe()["species profile"] == "none set — no age limits"

    def test_every_default_round_trips_through_text(self) -> None:
        """Each setting's text form parses back to the same value."""
        s = ProgrammeSettings()
        assert ProgrammeSettings.from_text(s.as_text()) == s
        assert list(s.as_text()) == list(SETTINGS)

    def test_every_setting_is_in_one_group(self) -> None:
        """The form's groups hold each setting once, and nothing else."""
        grouped = [key for keys in SETTING_GROUPS.values() for key in keys]
        assert sorted(grouped) == sorted(SETTINGS)
        assert SETTING_GROUPS["Programme"][0] == "species"


class TestParsing:
    """Text forms: windows, flags, cuts, sizes; canonical text back."""

    def test_values(self) -> None:
        """Windows, flag lists, cuts and sizes are read and written back canonically."""
        s = ProgrammeSettings.from_text(
            {
                "species": "Pygmy slow loris",
                "breeding_age_male": " 1.5 - 12 ",
                "release_age": "any",
                "founder_flags": "hybrid, non-amur",
                "msi_f_excess_cuts": "0.03,0.05",
                "target_size": "60",
            }
        )
        assert s.breeding_age_male == (1.5, 12.0) and s.release_age is None
        assert s.founder_flags == ("hybrid", "non-amur")
        assert s.text("breeding_age_male") == "1.5-12"
        assert s.text("founder_flags") == "hybrid,non-amur"
        assert s.msi.f_excess_cuts == (0.03, 0.05) and s.target_size == 60
        assert ProgrammeSettings().with_text("founder_flags", "none").founder_flags == ()
        assert s.changed() == {
            "species": "Pygmy slow loris",
            "breeding_age_male": "1.5-12",
            "founder_flags": "hybrid,non-amur",
            "msi_f_excess_cuts": "0.03,0.05",
            "target_size": "60",
        }

    @pytest.mark.parametrize(
        ("key", "text", "allowed"),
        [
            ("breeding_age_female", "15-2", "MIN-MAX in years"),
            ("release_age", "two", "MIN-MAX in years"),
            ("flagged_cap", "1.5", "fraction from 0 to 1"),
            ("kinship_limit", "-0.1", "kinship from 0 to 1"),
            ("msi_gd_bands", "0.01,0.02,0,-0.01,-0.02", "five decreasing numbers"),
            ("msi_f_excess_cuts", "0.05,0.03", "increasing kinships"),
            ("kinship_excess", "2", "kinship from 0 to 1"),
            ("msi_inbred_f", "0.3,0.4", "kinship from 0 to 1"),
            ("msi_inbred_margin", "-0.01", "kinship from 0 to 1 below"),
            ("release_sex_ratio", "1-1", "MALES:FEMALES"),
            ("release_sex_ratio", "0:0", "MALES:FEMALES"),
            ("release_max_kinship", "-0.1", "kinship from 0 to 1"),
            ("region_penalty", "-1", "at least 0"),
            ("target_size", "0", "whole number"),
            ("target_size", "12.5", "whole number"),
            ("founder_flags", "a;b", "flag names"),
        ],
    )
    def test_rejected_values_name_key_and_allowed_values(
        self, key: str, text: str, allowed: str
    ) -> None:
        """A refused value raises SettingsError naming the key, the value and what is allowed."""
        with pytest.raises(SettingsError, match=allowed) as caught:
            ProgrammeSettings().with_text(key, text)
        assert caught.value.key == key and f"setting {key!r}" in str(caught.value)
        assert repr(text) in str(caught.value)

    def test_several_texts_apply_in_order_and_each_is_checked(self) -> None:
        """Overrides of a run and stored values go through one function."""
        s = ProgrammeSettings().with_texts(
            [("kinship_limit", "0.2"), ("region_penalty", "0"), ("kinship_limit", "0.1")]
        )
        assert (s.kinship_limit, s.region_penalty) == (0.1, 0.0)
        assert ProgrammeSettings().with_texts([]) == ProgrammeSettings()
        with pytest.raises(SettingsError, match="'region_penalty'"):
            ProgrammeSettings().with_texts([("kinship_limit", "0.2"), ("region_penalty", "-1")])

    def test_unknown_key_lists_the_keys(self) -> None:
        """An unknown key's error lists every setting."""
        with pytest.raises(SettingsError, match="kinship_limit, kinship_excess, msi_max_unknown"):
            ProgrammeSettings().with_text("kinship", "0.1")

    def test_constructed_values_are_checked_too(self) -> None:
        """The dataclass refuses out-of-range values, not only the text parser."""
        with pytest.raises(SettingsError, match="flagged_cap"):
            ProgrammeSettings(flagged_cap=2.0)

    def test_kinship_limit_is_the_msi_ceiling_and_the_plan_limit(self) -> None:
        """One kinship limit: MSI '-' at or above it, and left out of the breeding plan."""
        s = ProgrammeSettings(kinship_limit=0.05, region_penalty=0.001)
        assert s.msi.forbidden_f == 0.05
        plan = s.plan_settings(max_per_animal=2)
        assert (plan.kinship_limit, plan.region_penalty, plan.max_per_animal) == (0.05, 0.001, 2)

    def test_kinship_ceiling_is_one_rule_for_msi_plan_and_release(self) -> None:
        """Given P's mean MK, the MSI, the plan and release groups use the same ceiling."""
        s = ProgrammeSettings(kinship_limit=0.05, kinship_excess=0.04)
        assert s.kinship_ceiling(0.0) == 0.05 and s.kinship_ceiling(0.2) == pytest.approx(0.24)
        assert s.plan_settings(mean_mk=0.2).kinship_limit == pytest.approx(0.24)
        assert s.release_kinship(0.2) == pytest.approx(0.24)
        assert s.with_text("release_max_kinship", "0.01").release_kinship(0.2) == 0.01
        assert s.with_text("kinship_excess", "none").kinship_ceiling(0.2) == 0.05
        scale = s.msi.scale(np.zeros(2), np.zeros(2), np.zeros(2), 0.2, 0.0)
        assert scale.kinship_ceiling == pytest.approx(0.24)

    def test_inbred_threshold_settings_reach_the_msi(self) -> None:
        """msi_inbred_f and msi_inbred_margin ('none' = the fixed value) set the MSI's inbred
        threshold max(msi_inbred_f, mean MK - margin)."""
        s = ProgrammeSettings.from_text({"msi_inbred_f": "0.05", "msi_inbred_margin": "0.1"})
        assert (s.msi.inbred_f, s.msi.inbred_margin) == (0.05, 0.1)
        assert s.changed() == {"msi_inbred_f": "0.05", "msi_inbred_margin": "0.1"}

        def threshold(settings: ProgrammeSettings, mean_mk: float) -> float:
            zeros = np.zeros(2)
            return settings.msi.scale(zeros, zeros, zeros, mean_mk, 0.0).inbred_f

        assert threshold(s, 0.1) == 0.05 and threshold(s, 0.3) == pytest.approx(0.2)
        fixed = s.with_text("msi_inbred_margin", "none")
        assert fixed.msi_inbred_margin is None and fixed.text("msi_inbred_margin") == "none"
        assert threshold(fixed, 0.3) == 0.05

    def test_retired_msi_keys_are_ignored_when_stored_and_refused_when_set(self) -> None:
        """A stored value of a retired MSI key (old unit) is ignored; setting it names the
        replacement."""
        s = ProgrammeSettings.from_text({"msi_gd_cuts": "0.02,0.005,-0.005,-0.02,-0.05"})
        assert s == ProgrammeSettings()
        with pytest.raises(SettingsError, match="retired setting: use msi_gd_bands"):
            ProgrammeSettings().with_text("msi_gd_cuts", "1,0.5,0,-0.5,-1")

    def test_release_sex_ratio_text(self) -> None:
        """The sex ratio reads MALES:FEMALES or 'any' and writes back canonically."""
        s = ProgrammeSettings()
        assert s.release_sex_ratio == (1, 1)
        assert s.with_text("release_sex_ratio", " 1 : 2 ").text("release_sex_ratio") == "1:2"
        assert s.with_text("release_sex_ratio", "any").release_sex_ratio is None


class TestSettingsFile:
    """The key,value settings CSV."""

    def test_reads_the_fixture(self) -> None:
        """The Amur leopard fixture's file sets the Amur leopard profile."""
        path = Path(__file__).resolve().parents[1] / "fixtures" / "amur_leopard_settings.csv"
        settings = ProgrammeSettings.from_text(read_settings(path))
        assert settings.profile == AMUR_LEOPARD
        assert settings.founder_flags == ("non-amur",)

    def test_every_bad_line_is_named(self, tmp_path: Path) -> None:
        """Unknown keys, bad values, repeats and extra cells: file, line and field each."""
        path = tmp_path / "x_settings.csv"
        path.write_text(
            "key,value\nspecies,Loris\nrelease_age,old\nspecis,x\n\nspecies,again\n"
            "flagged_cap,0.1,extra\n",
            encoding="utf-8",
        )
        with pytest.raises(ImportValidationError) as caught:
            read_settings(path)
        found = [(p.line, p.field) for p in caught.value.problems]
        assert found == [(3, "value"), (4, "key"), (6, "key"), (7, "value")]
        assert str(caught.value.problems[0]).startswith(f"{path}:3: error: field 'value'")
        assert "already set on line 2" in caught.value.problems[2].message

    def test_header_is_required(self, tmp_path: Path) -> None:
        """A file without the key,value header is refused at line 1."""
        path = tmp_path / "s.csv"
        path.write_text("species,Loris\n", encoding="utf-8")
        with pytest.raises(ImportValidationError, match=":1: error: field 'header'"):
            read_settings(path)


# A small pygmy slow loris (Nycticebus pygmaeus) studbook written for this test; ages on the
# census date 2024-01-01: 13.5 y (1000, 1001), 10 y (1002), 1.6 y (1003, 1004), 0.7 y (1005).
LORIS = """\
id,sire,dam,sex,birth_date
1000,WILD,WILD,M,2010-07-01
1001,WILD,WILD,F,2010-07-01
1002,WILD,WILD,F,2014-01-01
1003,1000,1002,M,2022-05-15
1004,1000,1001,F,2022-05-15
1005,1003,1001,M,2023-04-20
"""
LORIS_SETTINGS = {
    # Pygmy slow lorises breed from about 1.5 years and into their teens; no releases.
    "species": "Pygmy slow loris (Nycticebus pygmaeus)",
    "breeding_age_male": "1.5-12",
    "breeding_age_female": "1.5-12",
    "release_age": "any",
}


def loris_book(settings: ProgrammeSettings) -> Studbook:
    records, problems = records_from_table(table_from_text(LORIS, "loris.csv"))
    assert problems == []
    return Studbook.build(records, settings=settings)


class TestSecondSpecies:
    """A loris programme gets the loris age windows, and its reports say so."""

    def test_loris_profile_changes_the_candidates_and_the_header(self) -> None:
        """Loris windows take the 1.6-year-olds and drop the 13.5-year-olds; the header names
        the loris profile, never the Amur leopard."""
        census = AnalysisSettings(census_date="2024-01-01")
        loris = Analysis(loris_book(ProgrammeSettings.from_text(LORIS_SETTINGS)), census)
        amur = Analysis(loris_book(ProgrammeSettings(**_amur_windows())), census)
        assert (loris.candidates.male_ids, loris.candidates.female_ids) == (
            ["1003"],
            ["1002", "1004"],
        )
        assert (amur.candidates.male_ids, amur.candidates.female_ids) == (
            ["1000"],
            ["1001", "1002"],
        )
        text = render(pairing_report(loris.pairings, parameters=loris.parameters()), "table")
        assert (
            "species profile: Pygmy slow loris (Nycticebus pygmaeus): breeding males 1.5-12 y"
            in (text)
        )
        assert "Amur" not in text

    def test_no_profile_means_no_age_limits_and_says_so(self) -> None:
        """Without settings every animal of P is a candidate and the report says no age limits."""
        analysis = Analysis(loris_book(ProgrammeSettings()), AnalysisSettings("2024-01-01"))
        assert analysis.candidates.male_ids == ["1000", "1003", "1005"]
        assert len(analysis.releases()) == 6
        report = release_report(analysis.releases(), parameters=analysis.parameters())
        assert "parameter species profile: none set — no age limits" in render(report, "table")

    def test_analysis_settings_may_override_the_studbook(self) -> None:
        """An explicit programme in AnalysisSettings wins over the studbook's own settings."""
        book = loris_book(ProgrammeSettings())
        override = ProgrammeSettings.from_text({"release_age": "1-2"})
        analysis = Analysis(book, AnalysisSettings("2024-01-01", programme=override))
        assert sorted(r.id for r in analysis.releases()) == ["1003", "1004"]


def _amur_windows() -> dict[str, object]:
    return {
        "species": AMUR_LEOPARD.name,
        "breeding_age_male": AMUR_LEOPARD.breeding_age_male,
        "breeding_age_female": AMUR_LEOPARD.breeding_age_female,
        "release_age": AMUR_LEOPARD.release_age,
    }
