"""A newcomer's first hour: raw real exports imported through the command line, as documented in
the README ("Importing an existing studbook"), come to the populations their sources report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clirun import FIXTURE, run
from testdata import pedigree_file, require_shared


def census_total(capsys: pytest.CaptureFixture[str], url: str, *date: str) -> int:
    """The living total of ``studbook census`` (optionally ``--date D``)."""
    code, out, err = run(capsys, "--db", url, "census", *date, "--format", "json")
    assert code == 0, err
    rows = json.loads(out)["sections"][0]["rows"]
    return sum(int(row["total"]) for row in rows)


class TestGazelle:
    """Cuvier's gazelle (purgeR): birth_year recognised, the reference group by --map."""

    def test_raw_import_says_every_animal_counts_as_living(
        self, db_url: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Without options all 948 count as living, and the import says why before writing."""
        require_shared()
        path = pedigree_file("cuvier_gazelle_purgeR.csv")
        run(capsys, "--db", db_url, "init")
        code, _, err = run(capsys, "--db", db_url, "import", str(path))
        assert code == 0, err
        assert "column birth_year -> birth_date (recognised)" in err
        assert "birth_year used as a year-precision birth date (947 animals)" in err
        assert "948 animals have no death date and no alive column: counted living" in err
        assert err.index("assumed:") < err.index("imported 948 animals")
        assert census_total(capsys, db_url) == 948

    def test_target_column_gives_purgers_reference_group(
        self, db_url: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--map target=alive gives purgeR's reference population of 176 exactly."""
        require_shared()
        path = pedigree_file("cuvier_gazelle_purgeR.csv")
        run(capsys, "--db", db_url, "init")
        code, _, err = run(capsys, "--db", db_url, "import", str(path), "--map", "target=alive")
        assert code == 0, err
        assert "column target -> alive (--map)" in err
        assert "counted living" not in err
        assert census_total(capsys, db_url) == 176


# The seven animals the file counts living on 2021-12-31 that are not among the 39 of the 2022
# Breeding and Transfer Plan's mean kinship list, and why (docs/csv-format.md, "Real exports").
# The plan's transfer table (zoopop inst/extdata/btp_original.csv, the plan's Appendix as a
# table: 40 animals at 19 holders) and this file are the sources of every reason.
NOT_IN_THE_PLAN = {
    "2605": "in the plan's census at AKRON but marked 'Excluded - Behavior', so not in its MK list",
    "2639": "at COLUMBUS, a holder the 2022 plan does not list (it returns in the 2025 plan)",
    "2642": "at COLUMBUS, a holder the 2022 plan does not list (it returns in the 2025 plan)",
    "2659": "at COLUMBUS, a holder the 2022 plan does not list (she moved to MOODY in 2023)",
    "2711": "born at COLUMBUS on 2021-02-25, sex still unknown (U) in the 2021 edition",
    "2717": "no birth date, parents undetermined; at VA SAFARI from 2021-06-12, a holder the "
    "2022 plan does not list; joined W ORANGE on 2022-01-13, after the plan's data",
    "2674": "at PROSPECTP since 2018 and alive in the 2024 edition, but in neither plan's "
    "tables (2022, 2025); the data do not say why",
}


class TestLoris:
    """The AZA pygmy slow loris: the alive flag is offered, then mapped; census at 2021-12-31.

    Mapped with ``--map alive_in_source=alive`` and counted on 2021-12-31, the file gives 46
    living animals against the 39 of the 2022 Breeding and Transfer Plan (current to Dec 2021):
    the plan's census of 40 animals (21.19) at 19 holders, less 2605, which the plan excludes
    (behaviour). The 46 are those 40 and six more, each named in :data:`NOT_IN_THE_PLAN`: five
    held where the 2022 plan has no holder (COLUMBUS: 2639, 2642, 2659, 2711; VA SAFARI: 2717),
    and 2674, whom neither plan lists. Leaving the seven out of the analyses (``--exclude``)
    gives the plan's published figures: N = 39 (21.18), GD 0.9265, MK 0.0735, mean F 0.0048,
    FGE 6.80. 2605 and her full sister 2617 have the same kinship to everyone, so the figures
    alone cannot tell which of the two the plan left out; the plan's exclusion note does.

    Without the mapping 64 animals have no death date and no alive column; 7 of them are lost to
    follow-up by their own column and so not living on any date (the census and the analyses
    apply the same rule, studbook.status.recorded_exit), and 57 count as living, among them 2
    never listed alive: wild-caught females of 1972 (1004, 1005); the list-of-the-living
    reading counts both dead.
    """

    def test_raw_import_offers_the_alive_flag(
        self, db_url: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Without options: 57 counted living, 7 lost to follow-up by their column, and a hint
        names --map alive_in_source=alive."""
        require_shared()
        path = pedigree_file("pygmy_slow_loris_aza.csv")
        run(capsys, "--db", db_url, "init")
        code, _, err = run(capsys, "--db", db_url, "import", str(path))
        assert code == 0, err
        assert "57 animals have no death date and no alive column: counted living" in err
        assert "7 animals have no death date and no alive column but a column saying" in err
        assert "add --map alive_in_source=alive" in err
        assert "kept as attributes: " in err and "lost_to_followup" in err
        assert census_total(capsys, db_url, "--date", "2021-12-31") == 48

    def test_alive_flag_and_census_date_come_near_the_plan(
        self, db_url: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--map alive_in_source=alive and --date 2021-12-31: 46, the plan's 39 + the 7 named."""
        require_shared()
        path = pedigree_file("pygmy_slow_loris_aza.csv")
        run(capsys, "--db", db_url, "init")
        code, _, err = run(
            capsys, "--db", db_url, "import", str(path), "--map", "alive_in_source=alive"
        )
        assert code == 0, err
        assert "300 empty cells read as not alive" in err
        assert census_total(capsys, db_url, "--date", "2021-12-31") == 46
        code, out, err = run(
            capsys,
            "--db",
            db_url,
            "animals",
            "--living",
            "--date",
            "2021-12-31",
            "--format",
            "json",
        )
        assert code == 0, err
        living = {row["id"] for row in json.loads(out)["sections"][0]["rows"]}
        assert set(NOT_IN_THE_PLAN) <= living and len(living - set(NOT_IN_THE_PLAN)) == 39

    def test_without_the_seven_the_analyses_give_the_plans_figures(
        self, db_url: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """summary --census-date 2021-12-31 --exclude (the seven): N 39 (21.18) and the plan's
        GD, MK, mean F and FGE to its published decimals."""
        require_shared()
        path = pedigree_file("pygmy_slow_loris_aza.csv")
        run(capsys, "--db", db_url, "init")
        run(capsys, "--db", db_url, "import", str(path), "--map", "alive_in_source=alive")
        excluded = [arg for animal in NOT_IN_THE_PLAN for arg in ("--exclude", animal)]
        code, out, err = run(
            capsys, "--db", db_url, "summary", "--census-date", "2021-12-31", *excluded,
            "--format", "json",
        )  # fmt: skip
        assert code == 0, err
        figures = {row["figure"]: row["value"] for row in json.loads(out)["sections"][0]["rows"]}
        assert (figures["n"], figures["males"], figures["females"]) == (39, 21, 18)
        assert round(figures["gene_diversity"] * 100, 2) == 92.65
        assert round(figures["mean_kinship"], 4) == 0.0735
        assert round(figures["mean_inbreeding"], 4) == 0.0048
        assert round(figures["founder_genome_equivalents"], 2) == 6.80


class TestSeparator:
    """A semicolon-separated export imports like a comma one, and the message says so."""

    def test_semicolon_file(
        self, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """validate and import name the separator; 4 rows become 4 animals."""
        path = tmp_path / "export.csv"
        path.write_text("id;sire;dam;sex\nA;;;M\nB;;;F\nC;A;B;F\nD;A;B;M\n", encoding="utf-8")
        run(capsys, "--db", db_url, "init")
        code, out, err = run(capsys, "--db", db_url, "validate", str(path))
        assert code == 0 and "read as semicolon-separated" in err and "0 errors" in out
        code, _, err = run(capsys, "--db", db_url, "import", str(path))
        assert code == 0 and "imported 4 animals" in err


class TestEmptyAnswersSayWhy:
    """pairings, releases and breeding-plan name the animal and the rule instead of a blank."""

    @pytest.mark.parametrize(
        ("argv", "code", "message"),
        [
            (("pairings", "--male", "9999"), 4, "not in the pedigree: '9999'"),
            (("pairings", "--male", "508"), 5, "--male 508: is female, not male"),
            (("pairings", "--female", "338"), 5, "--female 338: outside breeding age: "),
            (("releases", "--evaluate", "761,999"), 4, "not in the pedigree: '999'"),
            (("releases", "--evaluate", "761,338"), 5, "338: outside release age: "),
        ],
    )
    def test_ids_that_cannot_answer(
        self,
        db_url: str,
        capsys: pytest.CaptureFixture[str],
        argv: tuple[str, ...],
        code: int,
        message: str,
    ) -> None:
        """Unknown ids exit 4, wrong-sex or ineligible ones exit 5, naming animal and rule."""
        run(capsys, "--db", db_url, "init")
        assert run(capsys, "--db", db_url, "import", str(FIXTURE))[0] == 0
        got, out, err = run(capsys, "--db", db_url, *argv)
        assert (got, out) == (code, "") and message in err, err

    def test_no_candidates_and_no_pairs(
        self, db_url: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """0 candidates: counts per rule on stderr and in the report; 0 pairs: the kinship limit.
        The gazelles (mean MK 0.27) pair under the kinship ceiling relative to P; a fixed
        ceiling of 1/16 leaves none, and says so. The file records no deaths, so the goals ask
        for no births: ``--pairs`` asks for a plan of a given size."""
        require_shared()
        path = pedigree_file("cuvier_gazelle_purgeR.csv")
        run(capsys, "--db", db_url, "init")
        run(capsys, "--db", db_url, "import", str(path), "--map", "target=alive")
        code, out, err = run(capsys, "--db", db_url, "breeding-plan")
        assert code == 0 and "no births are needed this year" in err
        code, out, err = run(capsys, "--db", db_url, "breeding-plan", "--pairs", "10")
        assert code == 0 and "no pairs" not in err and "optimal (exact)" in out
        assert run(capsys, "--db", db_url, "settings", "set", "kinship_excess", "none")[0] == 0
        code, out, err = run(capsys, "--db", db_url, "breeding-plan", "--pairs", "10")
        assert code == 5 and "only 0 pairs are possible under these rules, not 10" in err
        assert "all 7728 candidate pairs have kinship at or above the limit 0.0625" in err
        for key, value in (("breeding_age_male", "20-30"), ("breeding_age_female", "20-30")):
            assert run(capsys, "--db", db_url, "settings", "set", key, value)[0] == 0
        code, out, err = run(capsys, "--db", db_url, "pairings")
        assert code == 0
        why = "breeding candidates: 0 males x 0 females; P has 176 animals (84 males, 92 females)"
        assert why in err and "excluded: 176 outside breeding age" in err
        assert "176 outside breeding age" in out


class TestUpdateHint:
    """Checking or importing the studbook's own export again points at --update."""

    def test_validate_and_import_of_a_stored_file_name_update(
        self, db_url: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """After an import every id is a duplicate; both commands say to use --update, which
        then finds nothing wrong."""
        run(capsys, "--db", db_url, "init")
        assert run(capsys, "--db", db_url, "import", str(FIXTURE))[0] == 0
        code, _, err = run(capsys, "--db", db_url, "validate", str(FIXTURE))
        assert code == 1
        assert (
            f"hint: 804 of the file's 804 animals are already in the studbook; if {FIXTURE}" in err
        )
        assert f"use 'studbook validate --update {FIXTURE}'" in err
        code, _, err = run(capsys, "--db", db_url, "import", str(FIXTURE))
        assert code == 1 and f"'studbook import --update {FIXTURE}'" in err
        code, out, err = run(capsys, "--db", db_url, "validate", "--update", str(FIXTURE))
        assert code == 0 and "0 errors" in out and "hint:" not in err

    def test_no_hint_for_a_new_file_with_errors(
        self, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A new file's own errors come without the hint."""
        path = tmp_path / "new.csv"
        path.write_text("id,sire,dam,sex\nA,,,M\nB,A,A,F\n", encoding="utf-8")
        run(capsys, "--db", db_url, "init")
        code, _, err = run(capsys, "--db", db_url, "validate", str(path))
        assert code == 1 and "hint:" not in err
