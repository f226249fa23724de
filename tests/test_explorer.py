"""The pedigree explorer: relatives by generation, relationships, lineages, families, litters."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from reference_kinship import ReferenceKinship, random_pedigree

from studbook.errors import UnknownAnimalError
from studbook.explorer import Explorer, Kin, by_generation
from studbook.kinship import kinship
from studbook.pedigree import Pedigree
from studbook.relationship import relationship
from studbook.status import studbook_sort_key

# Two grandparent couples; S and T full sibs; X, Y full sibs (one litter); Z a paternal half-sib
# of X; Q a first cousin of X; R the son of X; P possibly a son of S (MULT sire U1|S);
# K1 x K2 -> K3 a line with no link to the others.
ROWS = """\
G1,,,M,1990-01-01,0
G2,,,F,1990-01-01,0
G3,,,M,1991-01-01,0
G4,,,F,1991-01-01,0
D2,,,F,2000-01-01,1
W,,,F,2005-01-01,1
V,,,M,2001-01-01,1
U1,,,M,2003-01-01,1
S,G1,G2,M,2002-03-01,1
T,G1,G2,F,2003-03-01,1
D,G3,G4,F,2004-01-01,1
X,S,D,M,2010-05-01,1
Y,S,D,F,2010-05-01,1
Z,S,D2,M,2012-06-01,1
Q,V,T,F,2011-01-01,1
R,X,W,M,2015-01-01,1
P,U1:0.5|S:0.5,W,M,2016-01-01,1
K1,,,M,2000-01-01,1
K2,,,F,2000-01-01,1
K3,K1,K2,F,2008-01-01,1
"""


def family() -> Explorer:
    """The hand-made pedigree above, with living as in its last column."""
    cells = [line.split(",") for line in ROWS.splitlines()]
    ids, sires, dams, sexes, born, alive = (list(c) for c in zip(*cells, strict=True))
    ped = Pedigree.from_cells(
        ids, sires, dams, sexes, birth_date=born, alive=[a == "1" for a in alive]
    )
    return Explorer(ped)


class TestGraph:
    """The networkx graph: parent -> offspring, MULT edges weighted, placeholders marked."""

    def test_edges_point_from_parent_to_offspring(self) -> None:
        """Every recorded parent is an edge into its offspring, with its role."""
        g = family().graph
        assert g["S"]["X"] == {"role": "sire", "probability": 1.0, "mult": False}
        assert g["D"]["X"]["role"] == "dam"
        assert sorted(g.pred["X"]) == ["D", "S"]
        assert g.number_of_edges() == 9 * 2 + 3  # nine with two parents; P: a dam, two sires

    def test_mult_edges_carry_their_probability(self) -> None:
        """Both candidates of a MULT sire are edges marked ``mult`` with p = 0.5."""
        g = family().graph
        assert g["U1"]["P"] == {"role": "sire", "probability": 0.5, "mult": True}
        assert g["S"]["P"]["mult"] and g["S"]["P"]["probability"] == 0.5

    def test_hypothetical_animals_are_marked(self) -> None:
        """A placeholder parent is a node with ``hypothetical`` set, never living."""
        ped = Pedigree.from_cells(
            ["H", "A", "B", "C"], ["", "", "H", "H"], ["", "", "A", "A"], ["M", "F", "M", "F"],
            hypothetical=[True, False, False, False],
        )  # fmt: skip
        g = Explorer(ped).graph
        assert g.nodes["H"]["hypothetical"] and not g.nodes["H"]["living"]
        assert not g.nodes["B"]["hypothetical"]


class TestRelatives:
    """Ancestors and descendants by generation, living only, depth limit, MULT branches."""

    def test_ancestors_by_generation(self) -> None:
        """R's parents, grandparents and great-grandparents, each at its generation."""
        found = by_generation(family().ancestors("R"))
        assert {g: [k.id for k in kin] for g, kin in found.items()} == {
            1: ["W", "X"],
            2: ["D", "S"],
            3: ["G1", "G2", "G3", "G4"],
        }

    def test_depth_limit_and_living_only(self) -> None:
        """``depth`` stops at that generation; ``living_only`` drops the dead (not the path)."""
        explorer = family()
        assert [k.id for k in explorer.ancestors("R", depth=1)] == ["W", "X"]
        assert [k.id for k in explorer.ancestors("R", living_only=True)] == ["W", "X", "D", "S"]
        assert [k.id for k in explorer.descendants("G1", living_only=True, depth=2)] == [
            "S", "T", "P", "Q", "X", "Y", "Z",
        ]  # fmt: skip

    def test_descendants_through_mult_are_marked(self) -> None:
        """P is only possibly S's son: listed, marked; R (through X) is certain."""
        kin = {k.id: k for k in family().descendants("S")}
        assert sorted(kin) == ["P", "R", "X", "Y", "Z"]
        assert kin["P"].through_mult and kin["P"].generation == 1
        assert not kin["R"].through_mult and kin["R"].generation == 2
        assert [k.id for k in family().descendants("U1")] == ["P"]

    def test_unknown_animal(self) -> None:
        """An id not in the studbook is refused by name."""
        with pytest.raises(UnknownAnimalError, match="NOPE"):
            family().descendants("NOPE")


class TestRelationshipWords:
    """The nearest relationship in a keeper's words, with hand-derived kinships."""

    @pytest.mark.parametrize(
        ("a", "b", "words", "f"),
        [
            ("X", "Y", "full sibs (same sire and dam: D and S)", 1 / 4),
            ("X", "Z", "paternal half-sibs through S", 1 / 8),
            ("S", "X", "parent and offspring (S is the sire of X)", 1 / 4),
            ("R", "S", "grandparent and grandchild (S is a grandparent of R)", 1 / 8),
            ("X", "Q", "first cousins through G1 and G2", 1 / 16),
            ("R", "Q", "first cousins once removed through G1 and G2", 1 / 32),
            ("Y", "R", "aunt and nephew through D and S", 1 / 8),
            ("X", "K3", "not related through the recorded pedigree (no common ancestor)", 0.0),
            ("X", "P", "possibly paternal half-sibs through S (p=0.50)", 1 / 16),
        ],
    )
    def test_words_and_kinship(self, a: str, b: str, words: str, f: float) -> None:
        """The words name the relation; the shares sum to the hand-derived kinship."""
        r = relationship(family(), a, b)
        assert r.words.startswith(words)
        assert r.kinship == pytest.approx(f)

    def test_litter_with_a_mult_sire(self) -> None:
        """Two sibs with dam D and the same MULT sire (A or B): maternal half-sibs for sure,
        possibly full sibs; kinship 1/8 + 2 x (1/2 x 1/2 x 1/8) = 3/16."""
        ped = Pedigree.from_cells(
            ["A", "B", "D", "X", "Y"], ["", "", "", "A|B", "A|B"], ["", "", "", "D", "D"],
            ["M", "M", "F", "M", "F"],
        )  # fmt: skip
        r = relationship(Explorer(ped), "X", "Y")
        assert r.words == (
            "maternal half-sibs through D; possibly also through A and B (MULT parents)"
        )
        assert r.kinship == pytest.approx(3 / 16) == kinship(ped, "X", "Y")

    def test_great_grandparent(self) -> None:
        """Three generations up is a great-grandparent, in either order."""
        r = relationship(family(), "G3", "R")
        assert r.words == "great-grandparent and great-grandchild (G3 is a great-grandparent of R)"
        assert r.kinship == pytest.approx(1 / 16)

    def test_shares_and_paths_of_full_sibs(self) -> None:
        """Full sibs: two common ancestors of 1/8 each, one path pair each, X ← S → Y; the
        grandparents contribute nothing (every path runs through a parent)."""
        r = relationship(family(), "X", "Y")
        assert [(s.id, s.share, s.pairs) for s in r.common] == [("D", 0.125, 1), ("S", 0.125, 1)]
        assert r.common[1].path_a == ("X", "S") and r.common[1].path_b == ("Y", "S")
        assert "S: 0.1250 (50 %), 1 path pair, nearest 1+1 generations: X ← S → Y" in "\n".join(
            r.lines()
        )

    def test_same_animal(self) -> None:
        """An animal with itself: (1 + F) / 2."""
        r = relationship(family(), "X", "X")
        assert r.kinship == 0.5 and r.words.startswith("the same animal")


def path_pairs(ped: Pedigree, x: int, y: int) -> dict[int, float]:
    """The independent reference: every pair of upward paths from ``x`` and ``y`` that meet
    only at their end ``A``, each adding ``(1/2)^(n1+n2+1) (1 + F_A)`` times the MULT
    probabilities on it; F from the recursive reference twin. Returns ancestor -> share."""
    ref = ReferenceKinship(ped)
    up: dict[int, list[tuple[int, float]]] = {}
    for i, (sire, dam) in enumerate(ref.options):
        up[i] = [*sire, *dam]

    def paths(start: int) -> list[tuple[list[int], float]]:
        out = []
        todo = [([start], 1.0)]
        while todo:
            path, p = todo.pop()
            out.append((path, p))
            todo.extend(([*path, parent], p * q) for parent, q in up[path[-1]])
        return out

    shares: dict[int, float] = {}
    for (pa, qa), (pb, qb) in itertools.product(paths(x), paths(y)):
        if pa[-1] == pb[-1] and set(pa) & set(pb) == {pa[-1]}:
            a = pa[-1]
            n = len(pa) + len(pb) - 2
            shares[a] = shares.get(a, 0.0) + 0.5 ** (n + 1) * (1 + ref.inbreeding(a)) * qa * qb
    return shares


class TestAgainstPathCounting:
    """Shares equal explicit path counting and sum to the engine's kinship (random pedigrees)."""

    @pytest.mark.parametrize("mult", [False, True])
    @pytest.mark.parametrize("seed", range(6))
    def test_random_pedigrees(self, seed: int, mult: bool) -> None:
        """Every common ancestor's share matches the reference; the total is ``kinship``."""
        ped = random_pedigree(seed, n=34, mult=mult)
        explorer = Explorer(ped)
        rng = np.random.default_rng(seed)
        pairs = rng.choice(len(ped), size=(12, 2))
        checked = 0
        for i, j in pairs.tolist():
            if i == j:
                continue
            a, b = ped.ids[i], ped.ids[j]
            r = relationship(explorer, a, b)
            expected = {ped.ids[k]: v for k, v in path_pairs(ped, i, j).items()}
            assert {s.id: s.share for s in r.common} == pytest.approx(expected, abs=1e-12)
            assert r.kinship == pytest.approx(kinship(ped, a, b), abs=1e-12)
            checked += bool(r.common)
        assert checked >= 3  # the draw found related pairs, so the shares were compared

    def test_path_counts(self) -> None:
        """The number of path pairs per ancestor equals the count of explicit pairs."""
        ped = random_pedigree(11, n=30, mult=False)
        explorer = Explorer(ped)
        for i, j in [(29, 28), (25, 20), (27, 14)]:
            counts: dict[str, int] = {}
            ref = path_pairs_counted(ped, i, j)
            for k, n in ref.items():
                counts[ped.ids[k]] = n
            r = relationship(explorer, ped.ids[i], ped.ids[j])
            assert {s.id: s.pairs for s in r.common} == counts


def path_pairs_counted(ped: Pedigree, x: int, y: int) -> dict[int, int]:
    """How many path pairs meet only at each ancestor (the reference's enumeration)."""
    parents = {
        i: [p for p in (int(ped.sire[i]), int(ped.dam[i])) if p >= 0] for i in range(len(ped))
    }

    def paths(start: int) -> list[list[int]]:
        out, todo = [], [[start]]
        while todo:
            path = todo.pop()
            out.append(path)
            todo.extend([*path, p] for p in parents[path[-1]])
        return out

    counts: dict[int, int] = {}
    for pa, pb in itertools.product(paths(x), paths(y)):
        if pa[-1] == pb[-1] and set(pa) & set(pb) == {pa[-1]}:
            counts[pa[-1]] = counts.get(pa[-1], 0) + 1
    return counts


class TestLineagesAndFamilies:
    """Founders' living descendants; connected groups of the living."""

    def test_founder_lineages(self) -> None:
        """G1's living descendants, P marked as through a MULT parent; K1's line is K3."""
        lineages = {x.founder: x for x in family().founder_lineages()}
        assert lineages["G1"].descendants == ("P", "Q", "R", "S", "T", "X", "Y", "Z")
        assert lineages["G1"].through_mult == ("P",) and lineages["G1"].certain == 7
        assert lineages["K1"].descendants == ("K3",)
        assert lineages["U1"].descendants == ("P",) and lineages["U1"].certain == 0
        assert lineages["G3"].descendants == ("D", "R", "X", "Y")

    @pytest.mark.parametrize("seed", range(4))
    def test_lineages_agree_with_graph_search(self, seed: int) -> None:
        """The reach table gives each founder's living descendants as networkx's search does,
        MULT-only ones alike (random pedigrees)."""
        ped = random_pedigree(seed, n=60)
        explorer = Explorer(ped, np.random.default_rng(seed).random(len(ped)) < 0.5)
        for lineage in explorer.founder_lineages():
            kin = explorer.descendants(lineage.founder, living_only=True)
            assert set(lineage.descendants) == {k.id for k in kin}
            assert set(lineage.through_mult) == {k.id for k in kin if k.through_mult}

    def test_more_founders_than_a_word_holds(self) -> None:
        """150 founders (three words of bits) and their offspring, MULT sires among them:
        each founder's lineage is networkx's search from it."""
        rng = np.random.default_rng(5)
        n = 150
        ids = [f"F{k}" for k in range(n)] + [f"C{k}" for k in range(n)]
        sires = [""] * n + [
            f"F{a}|F{b}" if k % 7 == 0 else f"F{a}"
            for k, (a, b) in enumerate(rng.choice(n // 2, (n, 2)).tolist())
        ]
        dams = [""] * n + [f"F{n // 2 + d}" for d in rng.choice(n // 2, n).tolist()]
        sexes = ["M" if k < n // 2 else "F" for k in range(n)] + ["U"] * n
        ped = Pedigree.from_cells(ids, sires, dams, sexes)
        explorer = Explorer(ped, rng.random(2 * n) < 0.8)
        lineages = explorer.founder_lineages()
        assert len(lineages) == n
        for lineage in lineages:
            kin = explorer.descendants(lineage.founder, living_only=True)
            assert lineage.descendants == tuple(sorted(k.id for k in kin))
            assert set(lineage.through_mult) == {k.id for k in kin if k.through_mult}
        assert sum(len(x.through_mult) for x in lineages) > 0

    def test_families(self) -> None:
        """The main family and the isolated line K1 x K2 -> K3."""
        families = family().families()
        assert len(families) == 2
        main, line = families
        assert main.main and not line.main
        assert line.living == ("K1", "K2", "K3") and line.founders == ("K1", "K2")
        assert "X" in main.living and "G1" not in main.living and "G1" in main.founders


class TestMatesAndLitters:
    """Mates and litters of an animal."""

    def test_litters_of_a_sire(self) -> None:
        """S: one litter of two with D, one with D2, and P possibly his with W."""
        litters = family().litters("S")
        assert [(x.born, x.mates, x.offspring, x.probability) for x in litters] == [
            ("2010-05-01", (("D", 1.0),), ("X", "Y"), 1.0),
            ("2012-06-01", (("D2", 1.0),), ("Z",), 1.0),
            ("2016-01-01", (("W", 1.0),), ("P",), 0.5),
        ]

    def test_mates(self) -> None:
        """W's mates: X (certain) and both possible sires of P."""
        mates = family().mates("W")
        assert [(m.id, m.litters, m.offspring, m.probability) for m in mates] == [
            ("S", 1, 1, 0.5),
            ("U1", 1, 1, 0.5),
            ("X", 1, 1, 1.0),
        ]


def graph_relatives(explorer: Explorer, animal: str, depth: int | None, living_only: bool,
                    upward: bool) -> tuple[Kin, ...]:  # fmt: skip
    """The slow twin of ``ancestors``/``descendants``: networkx searches on the whole graph."""
    whole = explorer.graph
    graph = whole
    recorded = nx.subgraph_view(whole, filter_edge=lambda u, v: not whole[u][v]["mult"])
    if upward:
        graph, recorded = graph.reverse(copy=False), recorded.reverse(copy=False)
    distance = nx.single_source_shortest_path_length(graph, animal, cutoff=depth)
    certain = nx.descendants(recorded, animal)
    found = [
        Kin(other, gen, other not in certain, graph.nodes[other]["living"])
        for other, gen in distance.items()
        if other != animal and (graph.nodes[other]["living"] or not living_only)
    ]
    return tuple(sorted(found, key=lambda k: (k.generation, studbook_sort_key(k.id))))


class TestAgainstNetworkx:
    """The array walks answer as networkx does on the whole graph (random pedigrees)."""

    @pytest.mark.parametrize("seed", range(4))
    def test_relatives(self, seed: int) -> None:
        """Every animal's ancestors and descendants, at every depth, living only or not."""
        ped = random_pedigree(seed, n=50)
        explorer = Explorer(ped, np.random.default_rng(seed).random(len(ped)) < 0.5)
        for animal, depth, living_only in itertools.product(ped.ids, [None, 1, 2], [False, True]):
            for upward, ask in ((True, explorer.ancestors), (False, explorer.descendants)):
                got = ask(animal, depth=depth, living_only=living_only)
                assert got == graph_relatives(explorer, animal, depth, living_only, upward)

    @pytest.mark.parametrize("seed", range(4))
    def test_families(self, seed: int) -> None:
        """The families are networkx's weakly connected components holding living animals."""
        ped = random_pedigree(seed, n=60)
        explorer = Explorer(ped, np.random.default_rng(seed).random(len(ped)) < 0.7)
        graph = explorer.graph
        expected = set()
        for component in nx.weakly_connected_components(graph):
            living = {a for a in component if graph.nodes[a]["living"]}
            founders = {
                a for a in component
                if graph.nodes[a]["founder"] and not graph.nodes[a]["hypothetical"]
            }  # fmt: skip
            if living:
                expected.add((frozenset(living), frozenset(founders), len(component)))
        families = explorer.families()
        assert {(frozenset(f.living), frozenset(f.founders), f.size) for f in families} == expected
        assert len(families) == len(expected) and [f.main for f in families][:1] == [True]

    @pytest.mark.parametrize("seed", range(3))
    def test_graph_of_some_animals(self, seed: int) -> None:
        """``graph_of`` and ``ancestry`` equal subgraphs of the whole graph, attributes too."""
        ped = random_pedigree(seed, n=40)
        explorer = Explorer(ped, names={ped.ids[3]: "Freddi"})
        some = list(np.random.default_rng(seed).choice(ped.ids, 15, replace=False))
        assert nx.utils.graphs_equal(explorer.graph_of(some), explorer.graph.subgraph(some))
        pair = some[:2]
        ancestry = set(pair).union(*(nx.ancestors(explorer.graph, a) for a in pair))
        assert nx.utils.graphs_equal(explorer.ancestry(pair), explorer.graph.subgraph(ancestry))
        with pytest.raises(UnknownAnimalError, match="NOPE"):
            explorer.graph_of(["NOPE"])
