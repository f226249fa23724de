"""The breeding plan a coordinator sends, holds and plan tracking on the command line
(the Amur leopard fixture, SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from clirun import run

from studbook.defaults import PLAN_SCORES
from tui.screens.plan_controls import checked_controls

CENSUS = ("--census-date", "2026-01-01")


def plan(capsys: pytest.CaptureFixture[str], url: str, *extra: str) -> dict[str, Any]:
    code, out, err = run(capsys, "--db", url, "breeding-plan", *CENSUS, *extra, "--format", "json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def notes(body: dict[str, Any], prefix: str) -> list[str]:
    return [n for n in body["meta"]["notes"] if n.startswith(prefix)]


class TestBreedingPlan:
    """The default plan is sized by the goals and every row says who moves where."""

    def test_default_plan_is_sized_and_readable(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        body = plan(capsys, loaded)
        rows = body["sections"][0]["rows"]
        sizing = notes(body, "plan size:")
        assert "set target_size and target_years" in sizing[0]
        pairs = int(sizing[-1].rsplit("= ", 1)[1])
        assert len(rows) == pairs and 10 <= pairs <= 60
        assert {"institution", "male_name", "female_name", "move", "proven"} <= set(rows[0])
        for row in rows:
            if row["move"] == "none":
                continue
            sex, animal, source, arrow, target = row["move"].split()
            assert arrow == "->" and target == row["institution"] and source != target
            assert animal == (row["male"] if sex == "M" else row["female"])
        assert [r["institution"] for r in rows] == sorted(r["institution"] for r in rows)
        assert notes(body, "proven pair:")

    def test_goals_and_pairs_option(self, loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
        """Growth to 300 in 5 years needs more pairs than keeping 200; --pairs overrides."""
        keep = len(plan(capsys, loaded)["sections"][0]["rows"])
        for key, value in (("target_size", "300"), ("target_years", "5")):
            assert run(capsys, "--db", loaded, "settings", "set", key, value)[0] == 0
        grow = plan(capsys, loaded)
        assert len(grow["sections"][0]["rows"]) > keep
        assert "300 animals in 5 years" in notes(grow, "plan size:")[0]
        assert len(plan(capsys, loaded, "--pairs", "5")["sections"][0]["rows"]) == 5

    @pytest.mark.parametrize("pairs", ["-1", "x"])
    def test_a_refused_number_of_pairs_says_what_the_ui_form_says(
        self, loaded: str, pairs: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--pairs and the plan form's pairs field share one rule and one message."""
        code, out, err = run(capsys, "--db", loaded, "breeding-plan", *CENSUS, "--pairs", pairs)
        with pytest.raises(ValueError) as form:
            checked_controls(pairs, "contributions", {})
        assert (code, out) == (2, "") and err.strip() == f"studbook: {form.value}"

    def test_score_offers_the_core_s_scores(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--score is checked against PLAN_SCORES, the list the plan itself accepts."""
        code, _, err = run(capsys, "breeding-plan", "--score", "x")
        assert code == 2 and all(repr(score) in err for score in PLAN_SCORES)

    @pytest.mark.parametrize(
        ("option", "key"),
        [("--kinship-limit", "kinship_limit"), ("--region-penalty", "region_penalty")],
    )
    def test_a_refused_override_says_what_the_ui_form_says(
        self, loaded: str, option: str, key: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The plan's setting overrides are read by the settings' rules on both front ends."""
        code, out, err = run(capsys, "--db", loaded, "breeding-plan", *CENSUS, option, "x")
        with pytest.raises(ValueError) as form:
            checked_controls("", "contributions", {key: "x"})
        assert (code, out) == (2, "") and err.strip() == f"studbook: {form.value}"

    def test_objectives_and_the_next_generation(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Optimum contributions by default, each plan with its next-generation ΔGD beside the
        sum of pair ΔGD, the three compared; --objective sends another one and says so."""
        body = plan(capsys, loaded)
        first, _, compared = body["sections"]
        assert first["name"].startswith("optimal contributions")
        assert {"next_generation_delta_gd", "total_delta_gd"} <= set(first["totals"])
        assert body["meta"]["parameters"]["plan objective"] == "contributions"
        assert notes(body, "plan: optimal contributions")
        assert [r["plan"] for r in compared["rows"]] == [
            first["name"],
            "optimal (exact)",
            "greedy MK order",
        ]
        assert len({r["pairs"] for r in compared["rows"]}) == 1
        for objective, name in (("pairs", "optimal (exact)"), ("greedy", "greedy MK order")):
            other = plan(capsys, loaded, "--objective", objective)
            assert other["sections"][0]["name"] == name
            assert notes(other, f"plan: {name}: asked for (--objective {objective})")


class TestBreedingStatus:
    """Holds are set and ended from the command line; a held animal stays out, with why."""

    def test_hold_keeps_an_animal_out(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        first = plan(capsys, loaded)["sections"][0]["rows"][0]["female"]
        code, _, err = run(
            capsys, "--db", loaded, "breeding-status", first, "--not-breeding",
            "--kind", "health", "--reason", "lame", "--from", "2025-01-01",
        )  # fmt: skip
        assert code == 0 and "marked not breeding: health: lame" in err
        body = plan(capsys, loaded)
        assert first not in {r["female"] for r in body["sections"][0]["rows"]}
        assert notes(body, "not breeding:") == [
            f"not breeding: {first}: health: lame (from 2025-01-01)"
        ]
        code, out, _ = run(capsys, "--db", loaded, "breeding-status", first, "--format", "json")
        assert json.loads(out)["sections"][0]["rows"][0]["kind"] == "health"
        code, _, err = run(
            capsys, "--db", loaded, "breeding-status", first, "--breeding", "--from", "2025-06-01"
        )
        assert code == 0 and "1 hold ended" in err
        assert not notes(plan(capsys, loaded), "not breeding:")

    def test_refusals(self, loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
        """Control characters exit 1, an unknown animal 4; nothing is written."""
        base = ("--db", loaded, "breeding-status")
        assert run(capsys, *base, "525", "--not-breeding", "--reason", "x\x1b[2J")[0] == 1
        assert run(capsys, *base, "nobody", "--not-breeding")[0] == 4
        _, out, _ = run(capsys, *base, "--format", "json")
        assert json.loads(out)["sections"][0]["rows"] == []


class TestTracking:
    """plan issue, list, record and show; the history sizes the next plan."""

    def test_issue_record_and_reuse(self, loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
        code, _, err = run(
            capsys, "--db", loaded, "plan", "issue", *CENSUS, "--note", "autumn", "--pairs", "12"
        )
        assert code == 0 and "issued plan 1: 12 recommendations" in err
        base = ("--db", loaded, "plan")
        assert run(capsys, *base, "record", "1", "1-3", "fulfilled")[0] == 0
        assert run(capsys, *base, "record", "1", "4", "attempted")[0] == 2  # no reason
        code, _, _ = run(capsys, *base, "record", "1", "4,5", "attempted", "--reason", "no cubs")
        assert code == 0
        assert run(capsys, *base, "record", "7", "1", "fulfilled")[0] == 4
        _, out, _ = run(capsys, *base, "list", "--format", "json")
        (row,) = json.loads(out)["sections"][0]["rows"]
        assert (row["pairs"], row["fulfilled"], row["attempted"], row["open"]) == (12, 3, 2, 7)
        _, out, _ = run(capsys, *base, "show", "1", "--format", "json")
        shown = json.loads(out)
        assert shown["meta"]["parameters"]["figure pairs"] == 12
        moving = {r["move"].split()[0] for r in shown["sections"][0]["rows"][5:]} - {"none"}
        body = plan(capsys, loaded)
        assert notes(body, "plan size: success rate = (3 fulfilled + 10 x default 0.2)")
        assert notes(body, "previous plan: plan 1") == [
            "previous plan: plan 1 (2026-11-30): 12 pairs: 3 fulfilled, 2 attempted, "
            "0 not attempted, 7 open".replace("2026-11-30", row["issued"])
        ]
        (before,) = notes(body, "previous plan's figures:")
        assert before.startswith("previous plan's figures: pairs 12 (now ")
        moved_now = {
            r["move"].split()[1] for r in body["sections"][0]["rows"] if r["move"] != "none"
        }
        assert not moving & moved_now
