"""studbook plan-document through the command line, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from clirun import run

FAST = ("--census-date", "2026-01-01", "--replicates", "20")


class TestPlanDocument:
    """The three formats from the database, written atomically, with clear refusals."""

    def test_three_formats(
        self, loaded: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """Markdown, HTML and CSV are written; stderr says what was written."""
        for fmt, name in (("markdown", "plan.md"), ("html", "plan.html"), ("csv", "plan.csv")):
            out = tmp_path / name
            code, stdout, err = run(capsys, "--db", loaded, "plan-document", "--out", str(out),
                                    "--format", fmt, *FAST)  # fmt: skip
            assert code == 0, err
            assert stdout == ""
            assert f"wrote the {fmt} plan to {out}: 200 living animals at 47 institutions" in err
        markdown = (tmp_path / "plan.md").read_text(encoding="utf-8")
        assert markdown.startswith("# Breeding and Transfer Plan — Amur leopard")
        assert "### TALLINN — Tallinn Zoo (EARAZA) · 2.3.0" in markdown
        page = (tmp_path / "plan.html").read_text(encoding="utf-8")
        assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 4
        assert "<script" not in page and "http://" not in page.replace(
            "http://www.w3.org/2000/svg", ""
        )
        rows = list(csv.DictReader(io.StringIO((tmp_path / "plan.csv").read_text("utf-8"))))
        assert len(rows) == 200

    def test_exclude_and_previous(
        self, loaded: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """--exclude ID:REASON lists the animal with the reason; --previous adds the column."""
        previous = tmp_path / "previous.json"
        previous.write_text('{"gene_diversity": 0.93, "n": 190}', encoding="utf-8")
        out = tmp_path / "plan.md"
        code, _, err = run(capsys, "--db", loaded, "plan-document", "--out", str(out),
                           "--exclude", "751:quarantine", "--previous", str(previous),
                           *FAST)  # fmt: skip
        assert code == 0, err
        text = out.read_text(encoding="utf-8")
        exclusions = text.split("## 3.")[1].split("## 4.")[0]
        assert "| 751 | Galya | BRONX | quarantine |" in exclusions
        assert re.search(r"^\| Gene diversity \(GD\) \| 0\.92\d\d \| 0\.9300 \|$", text, re.M)
        assert "| N living (P) | 199 | 190 |" in text
        assert "| 751 | B0030 | Galya | F | 2.7 | HOLD |  | left out of the genetic analysis: " \
            "quarantine |" in text  # fmt: skip

    def test_bad_previous_refused(
        self, loaded: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """A previous file with a non-number or an unknown figure: exit 1, no file written."""
        out = tmp_path / "plan.md"
        for content, expected in (
            ('{"gene_diversity": "high"}', "field 'gene_diversity': 'high' is not a number"),
            ('{"gd": 0.9}', "unknown figure: gd"),
            ("[1, 2]", "expected a JSON object"),
        ):
            previous = tmp_path / "previous.json"
            previous.write_text(content, encoding="utf-8")
            code, _, err = run(capsys, "--db", loaded, "plan-document", "--out", str(out),
                               "--previous", str(previous), *FAST)  # fmt: skip
            assert code == 1, err
            assert expected in err
            assert not out.exists()

    def test_unwritable_target_keeps_old_file(
        self, loaded: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """A folder that does not exist: exit 5 naming the file; an existing plan survives a
        failed run untouched."""
        missing = tmp_path / "no such folder" / "plan.md"
        code, _, err = run(capsys, "--db", loaded, "plan-document", "--out", str(missing), *FAST)
        assert code == 5
        assert f"cannot write {missing}" in err
        assert not missing.parent.exists()
        old = tmp_path / "plan.md"
        old.write_text("the plan of last year", encoding="utf-8")
        code, _, err = run(capsys, "--db", loaded, "plan-document", "--out", str(old),
                           "--previous", str(tmp_path / "absent.json"), *FAST)  # fmt: skip
        assert code == 1, err
        assert old.read_text(encoding="utf-8") == "the plan of last year"
