"""Pedigree charts: the layout by generation and its four renderings (SVG, DOT, GraphML, text)."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from test_explorer import family
from testdata import FIXTURES

from studbook.chart import (
    chart_dot,
    chart_graphml,
    chart_svg,
    chart_text,
    pedigree_chart,
    studbook_graphml,
)
from studbook.explorer import Explorer
from studbook.pedigree import Pedigree, read_pedigree

SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parents[1]


def inbred() -> Explorer:
    """I is the offspring of full sibs B and C: its grandparents stand twice on its chart."""
    ped = Pedigree.from_cells(
        ["S", "D", "B", "C", "I", "U"],
        ["", "", "S", "S", "B", "S"],
        ["", "", "D", "D", "C", "D"],
        ["M", "F", "M", "F", "U", "F"],
        alive=[False, False, True, True, True, True],
        birth_date=["1990", "1990", "2000-05-01", "2000-05-01", "2005-06-01", "2001-01-01"],
    )
    return Explorer(ped, names={"B": 'Bo <b>"&\\', "I": "x"})


class TestLayout:
    """Generations in columns, sire above dam, the animal between its parents."""

    def test_columns_and_rows(self) -> None:
        """R four generations up: parents, grandparents, great-grandparents, sire first."""
        chart = pedigree_chart(family(), "R", up=3)
        columns: dict[int, list[str]] = {}
        for slot in sorted(chart.slots, key=lambda s: (s.column, s.row)):
            columns.setdefault(slot.column, []).append(slot.id)
        assert columns == {
            -3: ["G1", "G2", "G3", "G4"],
            -2: ["S", "D"],
            -1: ["X", "W"],
            0: ["R"],
        }
        rows = {s.id: s.row for s in chart.slots}
        assert rows["S"] == (rows["G1"] + rows["G2"]) / 2  # a parent between its parents
        assert rows["R"] == (rows["X"] + rows["W"]) / 2

    def test_inbred_ancestors_stand_twice(self) -> None:
        """S and D are grandparents through both parents: two places each, one node each."""
        chart = pedigree_chart(inbred(), "I", up=2)
        assert chart.appearances() == {"I": 1, "B": 1, "C": 1, "S": 2, "D": 2}
        assert sorted(n.id for n in chart.nodes) == ["B", "C", "D", "I", "S"]
        assert len(chart.edges) == 6

    def test_descendants_to_the_right(self) -> None:
        """S down two generations: offspring oldest first, the MULT son P marked."""
        chart = pedigree_chart(family(), "S", up=0, down=2)
        ones = [s for s in sorted(chart.slots, key=lambda s: s.row) if s.column == 1]
        assert [s.id for s in ones] == ["X", "Y", "Z", "P"]
        assert [s.edge.mult for s in ones if s.edge] == [False, False, False, True]
        assert [s.id for s in chart.slots if s.column == 2] == ["R"]
        assert chart.node("P").generation == 1

    def test_up_and_down_line_up_on_the_animal(self) -> None:
        """X with both sides: X sits between its parents and beside its offspring."""
        chart = pedigree_chart(family(), "X", up=1, down=1)
        rows = {(s.id, s.column): s.row for s in chart.slots}
        assert rows["X", 0] == (rows["S", -1] + rows["D", -1]) / 2 == rows["R", 1]


class TestSvg:
    """Shapes by sex, living and deceased, MULT dashed with p, user text escaped."""

    def test_is_valid_xml_with_shapes_by_sex(self) -> None:
        """B is a square, C a circle, I (sex unknown) a diamond; the dead slashed."""
        root = ET.fromstring(chart_svg(pedigree_chart(inbred(), "I", up=2)))
        groups = {g.find(f"{SVG}title").text: g for g in root.iter(f"{SVG}g")}  # type: ignore[union-attr]
        assert groups['B Bo <b>"&\\'].find(f"{SVG}rect") is not None
        assert groups["C"].find(f"{SVG}circle") is not None
        assert groups["I x"].find(f"{SVG}polygon") is not None
        assert groups["S"].find(f"{SVG}line") is not None  # deceased: a slash
        assert groups["C"].find(f"{SVG}line") is None  # living: none
        assert 'fill="#bfe3bf"' in ET.tostring(groups["C"], encoding="unicode")

    def test_user_text_is_escaped(self) -> None:
        """A house name with markup characters is text in the SVG, never an element."""
        svg = chart_svg(pedigree_chart(inbred(), "I", up=2))
        assert "<b>" not in svg and "Bo &lt;b&gt;" in svg
        root = ET.fromstring(svg)
        assert not list(root.iter(f"{SVG}b")) and not list(root.iter("b"))

    def test_mult_edges_are_dashed_with_probability(self) -> None:
        """P's two possible sires: dashed lines labelled p=0.50."""
        svg = chart_svg(pedigree_chart(family(), "P", up=1))
        root = ET.fromstring(svg)
        dashed = [p for p in root.iter(f"{SVG}path") if p.get("stroke-dasharray")]
        assert len(dashed) == 2
        assert sum(t.text == "p=0.50" for t in root.iter(f"{SVG}text")) == 2

    def test_f_and_mk_on_the_node(self) -> None:
        """F on every node, MK where given."""
        chart = pedigree_chart(inbred(), "I", up=2, mk={"I": 0.3125})
        texts = [t.text for t in ET.fromstring(chart_svg(chart)).iter(f"{SVG}text")]
        assert "F 0.2500 · MK 0.3125" in texts  # I: offspring of full sibs, F = 1/4
        assert "F 0.0000" in texts

    def test_unknown_parents_are_named(self) -> None:
        """An animal with a parent the studbook does not know says which, in every rendering;
        a founder's wild parents and a MULT parent's candidates are not 'unknown'."""
        ped = Pedigree.from_cells(
            ["S", "D", "A", "B", "Z"],
            ["", "WILD", "", "S", "S:0.5|A:0.5"],
            ["", "WILD", "", "UNK", "B"],
            ["M", "F", "M", "F", "M"],
        )
        chart = pedigree_chart(Explorer(ped), "Z", up=2)
        said = {n.id: n.unknown_parents for n in chart.nodes}
        assert said == {"Z": "", "S": "", "A": "", "B": "dam"}
        svg = chart_svg(chart)
        assert svg.count("dam unknown") == 1 and "sire unknown" not in svg
        assert "B ♀  ? – living  F 0.0000 · dam unknown" in chart_text(chart)
        assert "dam unknown" in chart_dot(chart)
        graph = nx.parse_graphml(chart_graphml(chart))
        assert graph.nodes["B"]["unknown_parents"] == "dam"


class TestDotAndGraphml:
    """Graphviz DOT and GraphML say the same graph."""

    def test_dot(self) -> None:
        """Nodes shaped by sex, MULT edges dashed with their label, quotes escaped."""
        dot = chart_dot(pedigree_chart(family(), "P", up=2))
        assert dot.startswith("digraph pedigree {") and dot.rstrip().endswith("}")
        assert '"U1" -> "P" [color="#2f5d8a", style=dashed, label="p=0.50"];' in dot
        assert '"G1" -> "S" [color="#2f5d8a"];' in dot
        assert '"W" [label="W\\n2005-01-01 – living\\nF 0.0000 · founder", shape=ellipse' in dot
        tricky = chart_dot(pedigree_chart(inbred(), "I", up=1))
        assert 'label="B Bo <b>\\"&\\\\\\n' in tricky

    def test_graphml_round_trip(self) -> None:
        """networkx reads back every animal, link, probability and MULT flag."""
        chart = pedigree_chart(family(), "P", up=2, mk={"P": 0.1})
        graph = nx.parse_graphml(chart_graphml(chart))
        assert sorted(graph.nodes) == sorted(n.id for n in chart.nodes)
        assert graph.number_of_edges() == len(chart.edges) == 5
        assert graph.edges["U1", "P"]["mult"] is True
        assert graph.edges["U1", "P"]["probability"] == 0.5
        assert graph.nodes["P"]["MK"] == 0.1 and graph.nodes["P"]["generation"] == 0
        assert graph.nodes["G1"]["generation"] == -2

    def test_whole_studbook_graphml(self) -> None:
        """Every animal and every parent link of the studbook, MULT ones flagged."""
        explorer = family()
        graph = nx.parse_graphml(studbook_graphml(explorer, mk={"X": 0.2}))
        assert graph.number_of_nodes() == len(explorer.pedigree) == 20
        assert graph.number_of_edges() == explorer.graph.number_of_edges() == 21
        assert graph.edges["S", "P"]["mult"] is True and graph.edges["S", "X"]["mult"] is False
        assert graph.nodes["X"]["MK"] == 0.2 and "MK" not in graph.nodes["Y"]
        assert graph.nodes["D"]["founder"] is False and graph.nodes["G1"]["living"] is False


class TestText:
    """The text chart: trees with roles, possible parents and repeats."""

    def test_text_tree(self) -> None:
        """Sire before dam, MULT candidates with p, an animal met again marked."""
        text = chart_text(pedigree_chart(family(), "P", up=2))
        lines = text.splitlines()
        assert lines[2] == "ancestors:"
        assert lines[3].startswith("├── possible sire (p=0.50): S ♂  2002-03-01 – living")
        assert "│   ├── sire: G1 ♂  1990-01-01 – deceased  F 0.0000 · founder" in lines
        assert lines[-1].startswith("└── dam: W ♀")
        repeated = chart_text(pedigree_chart(inbred(), "I", up=2))
        assert "(shown above)" in repeated


class TestInABrowser:
    """The fixture's animal 338, four generations up, drawn by Chromium: no label overlaps."""

    def test_no_text_overlaps(self, tmp_path: Path) -> None:
        """Every text box (measured by the browser's fonts) is clear of every other."""
        found = subprocess.run(
            [ROOT / "scripts" / "find-browser"], capture_output=True, text=True, check=False
        )
        if found.returncode != 0:
            pytest.skip(f"no browser: {found.stderr.strip()}")
        ped = read_pedigree(FIXTURES / "amur_leopard.csv")
        names = dict(zip(ped.ids, ped.attributes["house_name"], strict=True))
        svg = chart_svg(pedigree_chart(Explorer(ped, names=names), "338", up=4))
        page = tmp_path / "chart.html"
        page.write_text(
            "<!DOCTYPE html><html><body>"
            + svg.split("?>", 1)[1]
            + "<pre id='result'></pre><script>"
            "const boxes = [...document.querySelectorAll('text')].map(t => t.getBBox());"
            "const hits = [];"
            "boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b, j) => {"
            " if (a.x < b.x + b.width && b.x < a.x + a.width &&"
            "     a.y < b.y + b.height && b.y < a.y + a.height) hits.push([i, i + 1 + j]); }));"
            "document.getElementById('result').textContent = JSON.stringify("
            "{texts: boxes.length, overlaps: hits});"
            "</script></body></html>",
            encoding="utf-8",
        )
        result = subprocess.run(
            [found.stdout.strip(), "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
             page.as_uri()],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        if result.returncode != 0 or 'id="result"' not in result.stdout:
            pytest.skip(f"the browser did not render: {result.stderr.strip()[-300:]}")
        dom = result.stdout
        report = json.loads(dom.split('<pre id="result">', 1)[1].split("</pre>", 1)[0])
        assert report["texts"] > 60
        assert report["overlaps"] == []
