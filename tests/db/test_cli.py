"""The studbook command line on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clirun import FIXTURE, run


class TestInitAndImport:
    """init, import and validate."""

    def test_import_reports_counts_on_stderr(
        self, db_url: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        run(capsys, "--db", db_url, "init")
        code, out, err = run(capsys, "--db", db_url, "import", str(FIXTURE))
        assert code == 0 and out == ""
        assert "imported 804 animals" in err and "institutions" in err

    def test_commands_refuse_a_missing_database(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        missing = tmp_path / "nope.sqlite"
        code, out, err = run(capsys, "--db", str(missing), "census")
        assert code == 3 and out == ""
        assert "no studbook database" in err
        assert not missing.exists()

    def test_commands_refuse_an_uninitialised_database(
        self, db_url: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        if db_url.startswith("sqlite:///"):
            Path(db_url.removeprefix("sqlite:///")).touch()
        code, _, err = run(capsys, "--db", db_url, "animals")
        assert code == 3 and "studbook init" in err

    def test_rejected_import_writes_nothing_and_names_line_and_field(
        self, loaded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        bad = tmp_path / "bad.csv"
        bad.write_text("id,sire,dam,sex\nN1,,,M\nN2,N1,N1,F\nN3,,,Q\n", encoding="utf-8")
        code, _, err = run(capsys, "--db", loaded, "import", str(bad))
        assert code == 1
        assert f"{bad}:3: error: field 'dam'" in err
        assert f"{bad}:4: error: field 'sex'" in err
        assert "nothing was imported" in err
        code, out, _ = run(capsys, "--db", loaded, "animals", "--format", "json")
        ids = {r["id"] for r in json.loads(out)["sections"][0]["rows"]}
        assert len(ids) == 804 and "N1" not in ids

    def test_validate_checks_without_writing(
        self, loaded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        new = tmp_path / "new.csv"
        new.write_text("id,sire,dam,sex\nN1,411,,M\n", encoding="utf-8")
        code, out, _ = run(capsys, "--db", loaded, "validate", str(new))
        assert code == 0 and "0 errors" in out and "against" in out
        code, out, _ = run(capsys, "--db", loaded, "validate", str(new), "--standalone")
        assert code == 1 and "'411'" in out
        code, _, err = run(capsys, "--db", loaded, "animal", "N1")
        assert code == 4 and "'N1'" in err

    def test_validate_without_a_usable_database_exits_3(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An unreachable --db is an error, not a silent check of the file on its own."""
        missing = tmp_path / "missing.sqlite"
        code, out, err = run(capsys, "--db", str(missing), "validate", str(FIXTURE))
        assert code == 3 and out == ""
        assert "no studbook database" in err and "--standalone" in err
        assert not missing.exists()


class TestQueries:
    """animals, animal and census."""

    def test_living_animals_as_csv(self, loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(capsys, "--db", loaded, "animals", "--living", "--format", "csv")
        assert code == 0
        data = [line for line in out.splitlines() if not line.startswith("#")]
        assert data[0].startswith("id,house_name,sex")
        assert len(data) - 1 == 200
        assert all(",living," in line for line in data[1:])

    def test_institution_filter(self, loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(
            capsys, "--db", loaded, "animals", "--living", "--institution", "TALLINN",
            "--format", "json",
        )  # fmt: skip
        rows = json.loads(out)["sections"][0]["rows"]
        assert code == 0 and rows and {r["institution"] for r in rows} == {"TALLINN"}

    def test_one_animal_with_relatives_and_history(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(capsys, "--db", loaded, "animal", "411", "--format", "json")
        sections = {s["name"]: s["rows"] for s in json.loads(out)["sections"]}
        assert code == 0
        record = {r["field"]: r["value"] for r in sections["record"]}
        assert record["studbook id"] == "411"
        relations = {r["relation"] for r in sections["relatives"]}
        assert {"sire", "dam"} <= relations
        assert sections["location history"] and sections["events"]

    def test_census_totals_match_the_living(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(capsys, "--db", loaded, "census", "--format", "json")
        section = json.loads(out)["sections"][0]
        assert code == 0 and section["totals"]["animals"] == 200
        assert sum(r["total"] for r in section["rows"]) == 200

    def test_census_on_an_earlier_date_is_smaller_in_the_past(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _, out, _ = run(
            capsys, "--db", loaded, "census", "--date", "1985-01-01", "--format", "json"
        )
        early = json.loads(out)["sections"][0]["totals"]["animals"]
        assert 0 < early < 200

    def test_bad_date_is_a_usage_error(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, _, err = run(capsys, "--db", loaded, "census", "--date", "yesterday")
        assert code == 2 and "not a date" in err


class TestCountsOfOne:
    """A count of one is written with its noun in the singular (present.counted)."""

    def test_one_animal_is_one_animal_everywhere(
        self, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """import, validate, animals and export of a studbook of one animal say "1 animal"."""
        one = tmp_path / "one.csv"
        one.write_text("id,sire,dam,sex\nN1,WILD,WILD,M\n", encoding="utf-8")
        code, out, _ = run(capsys, "validate", str(one), "--standalone")
        assert code == 0 and "in 1 animal and " in out
        run(capsys, "--db", db_url, "init")
        code, _, err = run(capsys, "--db", db_url, "import", str(one))
        assert code == 0 and "imported 1 animal," in err
        code, out, _ = run(capsys, "--db", db_url, "animals", "--format", "json")
        assert code == 0 and json.loads(out)["sections"][0]["name"] == "1 animal"
        code, out, _ = run(capsys, "--db", db_url, "animals")
        assert code == 0 and "1 animal\n" in out and "1 animals" not in out
        code, _, err = run(capsys, "--db", db_url, "export", str(tmp_path / "out.csv"))
        assert code == 0 and "exported 1 animal to " in err


class TestExport:
    """export round trip through the command line."""

    def test_csv_export_reimports_identically(
        self, loaded: str, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        out_file = tmp_path / "out.csv"
        code, _, err = run(capsys, "--db", loaded, "export", str(out_file))
        assert code == 0 and "exported 804 animals" in err
        assert (tmp_path / "out_events.csv").is_file()
        code, out, _ = run(capsys, "validate", str(out_file), "--standalone")
        assert code == 0 and "0 errors" in out

    @pytest.mark.parametrize("fmt", ["pmx", "vortex", "msi"])
    def test_other_formats(
        self, fmt: str, loaded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        target = tmp_path / f"out.{fmt}"
        code, _, _ = run(capsys, "--db", loaded, "export", str(target), "--format", fmt)
        assert code == 0 and target.stat().st_size > 0


class TestReports:
    """summary, pairings, breeding-plan and releases on the fixture."""

    CENSUS = ("--census-date", "2026-01-01")

    def test_summary_figures(self, loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(capsys, "--db", loaded, "summary", *self.CENSUS, "--format", "json")
        body = json.loads(out)
        figures = {r["figure"]: r["value"] for r in body["sections"][0]["rows"]}
        assert code == 0 and figures["n"] == 200
        assert 0.85 < figures["gene_diversity"] < 0.97
        assert body["meta"]["parameters"]["census date"] == "2026-01-01"
        assert body["meta"]["software"].startswith("studbook ")

    def test_pairings_are_ranked_and_filtered(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(
            capsys, "--db", loaded, "pairings", *self.CENSUS, "--top", "30", "--format", "json"
        )
        rows = json.loads(out)["sections"][0]["rows"]
        assert code == 0 and len(rows) == 30
        assert [r["rank"] for r in rows] == list(range(1, 31))
        male = rows[0]["male"]
        _, out, _ = run(
            capsys, "--db", loaded, "pairings", *self.CENSUS, "--male", male, "--format", "json"
        )
        mates = json.loads(out)["sections"][0]["rows"]
        assert mates and {r["male"] for r in mates} == {male}

    def test_markdown_report_says_msi_is_provisional(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _, out, _ = run(
            capsys, "--db", loaded, "pairings", *self.CENSUS, "--top", "3", "--format", "markdown"
        )
        assert (
            out.startswith("# ") and "PROVISIONAL" in out and "| # | Male | Female | MSI |" in out
        )

    def test_breeding_plan_beats_or_equals_greedy(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(
            capsys, "--db", loaded, "breeding-plan", *self.CENSUS, "--format", "json"
        )
        sections = json.loads(out)["sections"]
        assert code == 0 and len(sections) >= 2
        assert sections[0]["rows"]

    def test_releases_with_a_group(self, loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(
            capsys, "--db", loaded, "releases", *self.CENSUS, "--group", "2", "--format", "json"
        )
        sections = json.loads(out)["sections"]
        assert code == 0 and sections[0]["rows"]
        assert any("group" in s["name"].lower() for s in sections[1:])

    def test_pairings_show_the_msi_inputs_and_reason(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Each pair carries its ΔGD, MK difference, F, unknown share and the MSI's reason; the
        best pair scores 1 (the bands are relative to the population)."""
        _, out, _ = run(
            capsys, "--db", loaded, "pairings", *self.CENSUS, "--top", "5", "--format", "json"
        )
        rows = json.loads(out)["sections"][0]["rows"]
        assert rows[0]["msi"] == "1" and rows[0]["msi_why"].startswith("ΔGD +")
        for key in ("delta_gd", "mk_difference", "offspring_f", "unknown"):
            assert all(isinstance(r[key], float) for r in rows)
        _, out, _ = run(capsys, "--db", loaded, "pairings", *self.CENSUS, "--top", "2")
        assert "% unknown" in out and "MSI why" in out and "ΔGD (×10⁻⁴)" in out
        assert "standard deviations (here +" in out

    def test_pairings_keep_an_inbred_pair_out_of_one_and_two(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The command line shows the core's inbred threshold: 525 x 451 (offspring F 0.105; in
        2024, before 451 passes the Amur profile's breeding age) scores 3 and says why, and
        none of 525's mates with F >= 1/16 scores 1 or 2."""
        _, out, _ = run(
            capsys, "--db", loaded, "pairings", "--census-date", "2024-01-01", "--male", "525",
            "--top", "1000", "--format", "json",
        )  # fmt: skip
        rows = json.loads(out)["sections"][0]["rows"]
        (pair,) = [r for r in rows if (r["male"], r["female"]) == ("525", "451")]
        assert pair["msi"] == "3" and pair["msi_why"].endswith("≥ inbred 0.0625 → 3")
        assert {"1", "2"} <= {r["msi"] for r in rows}
        assert not [r for r in rows if r["msi"] in ("1", "2") and r["offspring_f"] >= 0.0625]

    def test_release_group_has_the_sex_mix_and_no_siblings(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """releases --group 4 (it once picked four males, two of them full brothers) takes two
        of each sex, every two members below the kinship ceiling."""
        code, out, _ = run(
            capsys, "--db", loaded, "releases", *self.CENSUS, "--group", "4", "--format", "json"
        )
        assert code == 0
        group = next(s for s in json.loads(out)["sections"] if s["name"].startswith("Release g"))
        figures = group["totals"]
        assert figures["sex_mix"] == "2:2"
        assert figures["max_kinship"] < 0.2
        code, out, _ = run(
            capsys, "--db", loaded, "releases", *self.CENSUS, "--group", "3", "--sex-ratio",
            "1:2", "--format", "json",
        )  # fmt: skip
        group = next(s for s in json.loads(out)["sections"] if s["name"].startswith("Release g"))
        figures = group["totals"]
        assert code == 0 and figures["sex_mix"] == "1:2"

    def test_no_release_group_says_which_constraint_binds(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A kinship limit nobody meets names the limit, the least related group's largest
        kinship and the closest group; a malformed ratio is refused naming the setting."""
        code, _, err = run(
            capsys, "--db", loaded, "releases", *self.CENSUS, "--group", "4", "--max-kinship",
            "0.01",
        )  # fmt: skip
        assert code == 5
        assert "largest kinship within the group <= 0.0100: the least related group has" in err
        assert "closest group" in err
        code, _, err = run(
            capsys, "--db", loaded, "releases", *self.CENSUS, "--group", "4", "--sex-ratio", "2"
        )
        assert code == 2 and "release_sex_ratio" in err  # a wrong option

    def test_releases_evaluate_a_group_chosen_by_hand(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The two best-ranked candidates, evaluated together; an unknown id is not found."""
        _, out, _ = run(capsys, "--db", loaded, "releases", *self.CENSUS, "--format", "json")
        ranked = [r for r in json.loads(out)["sections"][0]["rows"] if r.get("rank")]
        pair = f"{ranked[1]['id']},{ranked[0]['id']}"
        code, out, _ = run(
            capsys, "--db", loaded, "releases", *self.CENSUS, "--evaluate", pair,
            "--format", "json",
        )  # fmt: skip
        sections = json.loads(out)["sections"]
        assert code == 0
        assert any("chosen by hand" in s["name"] for s in sections[1:])
        code, _, err = run(
            capsys, "--db", loaded, "releases", *self.CENSUS, "--evaluate", "1,no-such-animal"
        )
        assert code == 4 and "not in the pedigree: 'no-such-animal'" in err
        code, _, err = run(
            capsys, "--db", loaded, "releases", *self.CENSUS, "--evaluate", "1", "--group", "2"
        )
        assert code == 2 and "not both" in err
