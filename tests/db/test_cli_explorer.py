"""``studbook pedigree``, ``relationship`` and ``lineages`` on a real database."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from clirun import run


class TestRelationship:
    """``studbook relationship A B`` explains the relation in words and shares."""

    def test_half_sibs(self, loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
        """338 and 400 share their sire 263: the words, the kinship, 263's share first."""
        code, out, _ = run(capsys, "--db", loaded, "relationship", "338", "400")
        assert code == 0
        lines = out.splitlines()
        assert lines[0] == "338 and 400: paternal half-sibs through 263"
        assert lines[1] == "kinship f = 0.1599 (relationship 2f = 0.3197)"
        assert lines[3].startswith("  263: 0.1263 (79 %), 1 path pair, nearest 1+1")

    def test_json_shares_sum_to_the_kinship(
        self, loaded: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The JSON lists every common ancestor; the shares add up to the kinship."""
        code, out, _ = run(capsys, "--db", loaded, "relationship", "338", "340", "--format", "json")
        doc = json.loads(out)
        assert code == 0 and doc["words"] == "half first cousins once removed through 72"
        assert sum(s["share"] for s in doc["common"]) == pytest.approx(doc["kinship"])
        assert doc["common"][0]["path_a"] == ["338", "263", "112", "72"]

    def test_unknown_animal(self, loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
        """An id not in the studbook: exit 4, named on stderr."""
        code, out, err = run(capsys, "--db", loaded, "relationship", "338", "NOPE")
        assert code == 4 and out == "" and "'NOPE'" in err


class TestPedigree:
    """``studbook pedigree ID``: text, SVG, DOT and GraphML charts."""

    def test_text_chart(self, loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
        """338 two generations up and one down, as text trees."""
        code, out, _ = run(capsys, "--db", loaded, "pedigree", "338", "--up", "2", "--down", "1")
        assert code == 0
        assert "├── sire: 263 Ruslan ♂  1999-06-27 – 2016-05-16  F 0.0107" in out
        assert "descendants:" in out and "offspring: 448 Yasha" in out

    def test_svg_file(
        self, loaded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--out writes the SVG (valid XML, 338 highlighted with MK) and says where."""
        target = tmp_path / "338.svg"
        code, out, err = run(
            capsys, "--db", loaded, "pedigree", "338", "--format", "svg", "--out", str(target)
        )
        assert code == 0 and out == "" and str(target) in err
        root = ET.fromstring(target.read_text(encoding="utf-8"))
        texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
        assert "Pedigree of 338 Raya" in texts and "F 0.0293 · MK 0.0695" in texts

    def test_graphml_and_dot(self, loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
        """GraphML reads back in networkx; DOT is a digraph with the same links."""
        code, out, _ = run(capsys, "--db", loaded, "pedigree", "109", "--up", "1",
                           "--format", "graphml")  # fmt: skip
        graph = nx.parse_graphml(out)
        assert code == 0 and graph.edges["38", "109"]["mult"] is True
        code, out, _ = run(capsys, "--db", loaded, "pedigree", "109", "--up", "1",
                           "--format", "dot")  # fmt: skip
        assert '"38" -> "109" [color="#2f5d8a", style=dashed, label="p=0.50"];' in out

    def test_too_many_generations(self, loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
        """More than 12 generations is a usage error."""
        code, _, err = run(capsys, "--db", loaded, "pedigree", "338", "--up", "13")
        assert code == 2 and "give 0 to 12 generations" in err


class TestLineages:
    """``studbook lineages``: founders' living descendants and the families."""

    def test_lineages(self, loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
        """Founder 2 reaches all 200 living; founder 7 only through MULT sires."""
        code, out, _ = run(capsys, "--db", loaded, "lineages", "--format", "json")
        assert code == 0
        lineages, families = (s["rows"] for s in json.loads(out)["sections"])
        by_founder = {row["founder"]: row for row in lineages}
        assert by_founder["2"]["living_descendants"] == 200
        assert by_founder["7"]["only_through_mult"] == by_founder["7"]["living_descendants"] > 0
        assert families[0]["living"] == 200 and families[0]["isolated"] is False
