"""studbook demography and studbook projection through the command line (SQLite, PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from clirun import run

WINDOW = "1990-01-01:2025-01-01"


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:  # type: ignore[type-arg]
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def _figures(report: dict) -> dict:  # type: ignore[type-arg]
    (section,) = [s for s in report["sections"] if s["name"] == "Figures"]
    return {r["figure"]: r["value"] for r in section["rows"]}


class TestDemography:
    """studbook demography on the Amur fixture."""

    def test_window_tables_lambdas_and_census(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The header names the window; the census history ends on the census of its last day."""
        report = _json(capsys, "--db", loaded, "demography", "--window", WINDOW, "--format", "json",
                       "--replicates", "100")  # fmt: skip
        meta = report["meta"]["parameters"]
        assert meta["demographic window"].startswith("1990-01-01 to 2025-01-01")
        assert meta["life tables"] == "prorated"
        figures = _figures(report)
        assert 0.9 < figures["lambda_life_table"] < 1.1
        low, high = figures["lambda_projected_low"], figures["lambda_projected_high"]
        assert low <= figures["lambda_projected_mean"] <= high
        names = [s["name"] for s in report["sections"]]
        assert any(n.startswith("Life table, males") for n in names)
        assert any(n.startswith("Life table, females") for n in names)
        (history,) = [s for s in report["sections"] if s["name"] == "Census history"]
        assert history["rows"][0]["date"] == "1990-01-01"
        last = history["rows"][-1]
        census = _json(capsys, "--db", loaded, "census", "--date", "2024-12-31", "--format", "json")
        assert last["total"] == census["sections"][0]["totals"]["animals"]

    def test_unprorated_and_region(self, loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
        """--unprorated counts whole animals; --region keeps that region's time."""
        args = ("--db", loaded, "demography", "--window", WINDOW, "--replicates", "50")
        plain = _json(capsys, *args, "--format", "json")
        whole = _json(capsys, *args, "--unprorated", "--format", "json")
        eaza = _json(capsys, *args, "--region", "eaza", "--format", "json")
        assert whole["meta"]["parameters"]["life tables"] == "unprorated"
        assert "EAZA" in eaza["meta"]["parameters"]["demographic window"]
        risk = [
            [r["risk"] for r in s["rows"]]
            for rep in (plain, whole, eaza)
            for s in rep["sections"]
            if s["name"].startswith("Life table, females")
        ]
        assert all(float(v).is_integer() for v in risk[1])
        assert sum(risk[2]) < sum(risk[0])

    def test_window_setting_is_used_and_printed(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A stored demographic_window is the default window, in table output too."""
        assert run(capsys, "--db", loaded, "settings", "set", "demographic_window",
                   "2000-01-01:2020-01-01@AZA")[0] == 0  # fmt: skip
        code, out, _ = run(capsys, "--db", loaded, "demography", "--replicates", "20")
        assert code == 0
        assert (
            "demographic window: 2000-01-01 to 2020-01-01 (end excluded), animals while held in AZA"
            in out
        )

    def test_bad_window_is_a_usage_error(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A window that is not FROM:TO is refused with exit code 2; a reversed one with 5."""
        assert run(capsys, "--db", loaded, "demography", "--window", "1990")[0] == 2
        code, _, err = run(
            capsys, "--db", loaded, "demography", "--window", "2020-01-01:1990-01-01"
        )
        assert code == 5 and "must start before it ends" in err


class TestProjection:
    """studbook projection."""

    def test_loris_plan_values(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The AZA pygmy slow loris plan: 65.8 % at 100 years, 6 years >= 90 %, 34 years to a
        10-point loss, 72.7 % after 10 generations (70 years)."""
        argv = ("projection", "--gd", "0.9198", "--n", "46", "--generation-time", "7",
                "--ne-ratio", "0.4683", "--capacity", "55", "--growth", "1.0")  # fmt: skip
        code, out, _ = run(capsys, *argv)
        assert code == 0
        assert "GD at the end of the projection (%): 65.8" in out
        assert "Years GD >= 90 %: 6" in out and "Years to a 10-point GD loss: 34" in out
        assert "GD after 10 generations (%): 72.7" in out and "Years in 10 generations: 70" in out
        totals = _json(capsys, *argv, "--format", "json")["sections"][0]["totals"]
        assert round(totals["gd_end"], 3) == 0.658 and totals["years_10_generations"] == 70

    def test_from_the_studbook_needs_ne_ratio(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Without the setting ne_ratio or --ne-ratio the projection says what is missing."""
        code, _, err = run(capsys, "--db", loaded, "projection", "--window", WINDOW)
        assert code == 5 and "Ne/N" in err and "ne_ratio" in err

    def test_from_the_studbook_with_history_and_band(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The studbook's N, GD, T and lambda; the setting's Ne/N and K; the observed history and
        the simulation band."""
        for key, value in (("ne_ratio", "0.3"), ("target_size", "220")):
            assert run(capsys, "--db", loaded, "settings", "set", key, value)[0] == 0
        argv = ("--db", loaded, "projection", "--window", WINDOW, "--years", "10", "--simulate")
        report = _json(capsys, *argv, "--replicates", "8", "--seed", "4", "--format", "json")
        params = report["meta"]["parameters"]
        assert params["Ne/N"] == "0.3 (setting ne_ratio)"
        assert params["capacity K"] == "220.0 (setting target_size)"
        assert params["population size N"].endswith("(studbook: living population)")
        drift, history = report["sections"]
        assert len(drift["rows"]) == 11 and drift["rows"][0]["sim_mean"] == pytest.approx(
            drift["rows"][0]["gd"]
        )
        assert all(r["sim_low"] <= r["sim_high"] for r in drift["rows"])
        assert history["rows"][-1]["observed_gd"] == pytest.approx(drift["rows"][0]["gd"])


class TestAgePyramid:
    """studbook age-pyramid: the living on any date by age class and sex."""

    @pytest.mark.parametrize("day", ["2005-06-01", "2020-01-01"])
    def test_counts_are_the_census_of_that_day(
        self, loaded: str, day: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Every class summed by sex equals the census's totals on the same date."""
        pyramid = _json(
            capsys, "--db", loaded, "age-pyramid", "--census-date", day, "--width", "3",
            "--format", "json",
        )  # fmt: skip
        rows = pyramid["sections"][0]["rows"]
        census = _json(capsys, "--db", loaded, "census", "--date", day, "--format", "json")
        totals = {"males": 0, "females": 0}
        for row in census["sections"][0]["rows"]:
            totals["males"] += row["males"]
            totals["females"] += row["females"]
        assert sum(r["males"] for r in rows) == totals["males"] > 0
        assert sum(r["females"] for r in rows) == totals["females"] > 0
        assert rows[0]["age"] == "0-2"
