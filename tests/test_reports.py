"""Reports: four formats, each stating date, population, parameters, version; MSI provisional."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

import studbook
from studbook.breeding_plan import breeding_plan
from studbook.pairing import PAIRING_COLUMNS, PairingInputs, rank_pairings
from studbook.release import ReleaseInputs, rank_release_candidates, release_group
from studbook.reports import FORMATS, Format, pairing_report, release_report, render
from studbook.reports import breeding_plan_report as plan_report

POPULATION = "living on 2024-01-01 (test); N = 10"
HUMAN = ("table", "markdown")


def pairing_inputs() -> PairingInputs:
    kin = np.array([[0.0, 0.25, 0.03125], [0.0625, 0.0, 0.0]])
    return PairingInputs.from_arrays(
        ["12", "7"], ["30", "31", "4"], kin, [0.05, 0.12], [0.06, 0.1, 0.2], n=10,
        mean_mk=0.09, location_male=["TALLINN", "BERLINTP"],
        location_female=["TALLINN", "MOSCOW", "ERIE"],
        region_male=["EAZA", "EAZA"], region_female=["EAZA", "EARAZA", "AZA"],
        population=POPULATION, flags=["non-amur"],
    )  # fmt: skip


def lacy_release() -> ReleaseInputs:
    kin = np.array([[4, 2, 1, 1], [2, 4, 2, 2], [1, 2, 4, 2], [1, 2, 2, 4]]) / 8
    return ReleaseInputs.from_arrays(
        "CDFG", kin, kin.mean(axis=1), n=4, mean_mk=9 / 32, sex="FMFM",
        contributions=[[0.5, 0.5, 0], [0.5, 0.5, 0], [0.25, 0.25, 0.5], [0.25, 0.25, 0.5]],
        population_contribution=[0.375, 0.375, 0.25], founder_ids=["A", "B", "E"],
        population=POPULATION,
    )  # fmt: skip


def data_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith("#")]


class TestHeader:
    """Every format states the analysis date, population, parameters and software version."""

    @pytest.mark.parametrize("fmt", FORMATS)
    def test_pairing_report_header(self, fmt: Format) -> None:
        """The pairing report's header and the provisional MSI note appear in every format."""
        report = pairing_report(rank_pairings(pairing_inputs()), analysis_date="2024-02-03")
        text = render(report, fmt)
        for needle in ("2024-02-03", POPULATION, f"studbook {studbook.__version__}",
                       "PROVISIONAL", "non-amur", "0.0625"):  # fmt: skip
            assert needle in text, (fmt, needle)

    @pytest.mark.parametrize("fmt", FORMATS)
    def test_plan_report_shows_both_plans_and_totals(self, fmt: Format) -> None:
        """The optimum and the greedy plan appear with their totals."""
        text = render(plan_report(breeding_plan(pairing_inputs())), fmt)
        totals = ("Total ΔGD (×10⁻⁴)", "Mean offspring F") if fmt in HUMAN else (
            "total_delta_gd", "mean_offspring_f")  # fmt: skip
        for needle in ("optimal (exact)", "greedy MK order", *totals,
                       "max pairings per animal", POPULATION):  # fmt: skip
            assert needle in text, (fmt, needle)

    @pytest.mark.parametrize("fmt", FORMATS)
    def test_release_report_with_group(self, fmt: Format) -> None:
        """The release ranking and the group with founders and mate kinship."""
        inp = lacy_release()
        report = release_report(
            rank_release_candidates(inp), release_group(inp, 2), population=inp.population
        )
        text = render(report, fmt)
        totals = ("Founders represented", "GD within the group") if fmt in HUMAN else (
            "founders_represented", "group_gd")  # fmt: skip
        needles = ("Release group of 2", *totals,
                   "Kinship between potential mates", "minimum group GD", POPULATION)  # fmt: skip
        for needle in needles:
            assert needle in text, (fmt, needle)


class TestFormats:
    """The data parse back in each machine format."""

    def test_json_round_trip(self) -> None:
        """JSON has meta and sections; numbers stay numbers, unknowns are null."""
        table = rank_pairings(pairing_inputs())
        body = json.loads(render(pairing_report(table), "json"))
        assert body["meta"]["software"] == f"studbook {studbook.__version__}"
        rows = body["sections"][0]["rows"]
        assert len(rows) == len(table) == 6
        assert rows[0] == {k: v for k, v in table.rows()[0].as_dict().items()}
        assert list(rows[0]) == list(PAIRING_COLUMNS)
        release = json.loads(
            render(release_report(rank_release_candidates(lacy_release())), "json")
        )
        assert release["sections"][0]["rows"][0]["age"] is None
        assert release["sections"][0]["rows"][0]["id"] == "D"

    def test_csv_rows(self) -> None:
        """CSV below the '#' header parses to the rows, floats at full precision."""
        table = rank_pairings(pairing_inputs())
        text = render(pairing_report(table), "csv")
        parsed = list(csv.DictReader(io.StringIO("\n".join(data_lines(text)))))
        assert [(r["male"], r["female"]) for r in parsed] == [
            (r.male, r.female) for r in table.rows()
        ]
        assert float(parsed[0]["delta_gd"]) == table.rows()[0].delta_gd

    def test_markdown_table_shape(self) -> None:
        """One Markdown table row per pair plus header and alignment rows."""
        table = rank_pairings(pairing_inputs())
        text = render(pairing_report(table, table.rows(top=3)), "markdown")
        table_lines = [line for line in text.splitlines() if line.startswith("|")]
        assert len(table_lines) == 2 + 3
        assert "---:" in table_lines[1]

    def test_text_table_aligned(self) -> None:
        """The terminal table has equal-width separator and rows."""
        table = rank_pairings(pairing_inputs())
        text = render(pairing_report(table, table.select(male="12")), "table")
        lines = text.splitlines()
        sep = next(k for k, line in enumerate(lines) if set(line) <= {"-", " "} and line)
        assert lines[sep - 1].startswith("#")
        assert len(lines) - sep - 1 == 3

    def test_unknown_format(self) -> None:
        """An unknown format name is refused."""
        with pytest.raises(ValueError, match="unknown format"):
            render(pairing_report(rank_pairings(pairing_inputs())), "xml")  # type: ignore[arg-type]

    def test_deterministic(self) -> None:
        """The same inputs and date render byte-identically."""
        a = render(pairing_report(rank_pairings(pairing_inputs()), analysis_date="2024-01-01"))
        b = render(pairing_report(rank_pairings(pairing_inputs()), analysis_date="2024-01-01"))
        assert a == b


class TestHumanAndMachine:
    """Human formats show the one display format; machine formats keep the raw value."""

    def test_delta_gd_readable_in_table_raw_in_csv(self) -> None:
        """ΔGD reads in units of 10⁻⁴ in the table and Markdown, at full precision in CSV."""
        table = rank_pairings(pairing_inputs())
        top = table.rows()[0]
        shown = f"{top.delta_gd * 1e4:+.2f}"
        for fmt in HUMAN:
            text = render(pairing_report(table, [top]), fmt)
            assert "ΔGD (×10⁻⁴)" in text and shown in text, fmt
            assert repr(top.delta_gd) not in text, fmt
        csv_text = render(pairing_report(table, [top]), "csv")
        assert repr(top.delta_gd) in csv_text and "ΔGD" not in data_lines(csv_text)[0]

    def test_csv_totals_keep_full_precision(self) -> None:
        """A plan's totals in CSV are the raw numbers under their keys."""
        plan = breeding_plan(pairing_inputs())
        text = render(plan_report(plan), "csv")
        assert f"# total total_delta_gd: {plan.optimal.total_delta_gd!r}" in text
