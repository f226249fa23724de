"""Pedigree charts: an animal with its ancestors and descendants, laid out by generation.

:func:`pedigree_chart` chooses the animals (ancestors within ``up`` generations, descendants
within ``down``) and places them: one column per generation, the oldest on the left, the animal
itself in the middle. An animal that is reached along paths of several lengths (inbreeding)
stands in the column of its longest path, so every line runs from a parent on the left to its
offspring on the right. Within a column the animals are ordered by where their relatives in
the column nearer the middle stand (sire before dam), then spread evenly over the chart's
height, which gives the familiar bracket of a pedigree chart.

Four ways out, each drawing the same chart:

- :func:`chart_svg`: drawn by the project: squares for males, circles for females, diamonds
  for unknown sex; living animals filled green, deceased grey with a slash; hypothetical
  placeholders outlined dashed; F and MK on each node, and which parents are unknown; MULT
  links dashed with their probability; every piece of user text escaped.
- :func:`chart_dot`: Graphviz DOT, for those who have Graphviz.
- :func:`chart_graphml`: GraphML for Gephi and other graph tools (networkx's writer);
  :func:`studbook_graphml` writes the whole studbook's graph the same way.
- :func:`chart_text`: the chart as indented text trees for a terminal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from studbook.explorer import Explorer
from studbook.present import MK, PROBABILITY, F, counted, printable
from studbook.status import studbook_sort_key

__all__ = [
    "ChartEdge",
    "ChartNode",
    "PedigreeChart",
    "chart_dot",
    "chart_graphml",
    "chart_svg",
    "chart_text",
    "pedigree_chart",
    "studbook_graphml",
]


@dataclass(frozen=True)
class ChartNode:
    """One animal of the chart; ``generation`` is its nearest generation from the animal
    charted (negative: ancestors, 0: the animal itself, positive: descendants)."""

    id: str
    sex: str
    house_name: str
    born: str
    died: str
    living: bool
    hypothetical: bool
    founder: bool
    unknown_parents: str
    """``"sire"``, ``"dam"``, ``"sire and dam"`` or ``""``: parents the studbook does not know."""
    f: float | None
    mk: float | None
    generation: int


@dataclass(frozen=True)
class ChartEdge:
    """A parent -> offspring link; ``mult``: one of several possible parents, ``probability``."""

    parent: str
    child: str
    role: str
    probability: float
    mult: bool


@dataclass(frozen=True)
class Slot:
    """One place on the drawn chart. An animal reached along two lines of descent stands in
    two places, as on a printed pedigree chart. ``link`` is the slot this one is joined to
    (its offspring on the ancestors' side, its parent on the descendants' side) by ``edge``;
    ``row`` counts rows from the top (halves where a slot sits between its parents)."""

    id: str
    column: int
    row: float
    link: int | None
    edge: ChartEdge | None


@dataclass(frozen=True)
class PedigreeChart:
    """The animals of a chart, their links, where each stands, and what was asked."""

    focus: str
    up: int
    down: int
    nodes: tuple[ChartNode, ...]
    edges: tuple[ChartEdge, ...]
    slots: tuple[Slot, ...]
    mk_population: str
    """What MK is measured against, for the chart's legend."""

    def node(self, animal_id: str) -> ChartNode:
        return next(n for n in self.nodes if n.id == animal_id)

    @property
    def rows(self) -> int:
        """Rows the drawing needs."""
        return int(max(s.row for s in self.slots)) + 1

    def appearances(self) -> dict[str, int]:
        """How many places each animal takes on the chart (above 1 through inbreeding)."""
        out: dict[str, int] = {}
        for slot in self.slots:
            out[slot.id] = out.get(slot.id, 0) + 1
        return out


def pedigree_chart(
    explorer: Explorer,
    animal_id: str,
    *,
    up: int = 4,
    down: int = 0,
    mk: Mapping[str, float] | None = None,
    mk_population: str = "the living population",
) -> PedigreeChart:
    """The chart of ``animal_id``: ancestors within ``up`` generations, descendants within
    ``down`` (module docstring). F comes from the engine; ``mk`` maps ids to mean kinship
    (shown for the animals it has). Raises :class:`~studbook.errors.UnknownAnimalError`.

    Examples
    --------
    >>> from studbook.pedigree import Pedigree
    >>> ped = Pedigree.from_cells(["S", "D", "X"], ["", "", "S"], ["", "", "D"], ["M", "F", "F"])
    >>> chart = pedigree_chart(Explorer(ped), "X", up=1)
    >>> [(s.id, s.column, s.row) for s in chart.slots]
    [('X', 0, 0.5), ('S', -1, 0.0), ('D', -1, 1.0)]
    """
    generation = {animal_id: 0}
    generation |= {k.id: -k.generation for k in explorer.ancestors(animal_id, depth=up)}
    generation |= {k.id: k.generation for k in explorer.descendants(animal_id, depth=down)}
    graph = explorer.graph_of(generation)  # every link the two trees follow is among them
    f = explorer.inbreeding_of(generation)
    mk = mk or {}
    nodes = []
    for member, gen in generation.items():
        data = graph.nodes[member]
        nodes.append(
            ChartNode(
                id=member,
                sex=str(data["sex"]),
                house_name=str(data["house_name"]),
                born=str(data["birth_date"]),
                died=str(data["death_date"]),
                living=bool(data["living"]),
                hypothetical=bool(data["hypothetical"]),
                founder=bool(data["founder"]),
                unknown_parents=str(data["unknown_parents"]),
                f=f.get(member),
                mk=mk.get(member),
                generation=gen,
            )
        )
    edges = sorted(
        (
            ChartEdge(p, c, str(d["role"]), float(d["probability"]), bool(d["mult"]))
            for p, c, d in graph.edges(data=True)
        ),
        key=lambda e: (generation[e.child], studbook_sort_key(e.child), e.role),
    )
    slots = _slots(graph, animal_id, up, down)
    return PedigreeChart(
        animal_id, up, down, tuple(nodes), tuple(edges), tuple(slots), mk_population
    )


def _slots(graph: Any, focus: str, up: int, down: int) -> list[Slot]:
    """Place the chart as two trees from the animal: ancestors to the left (sire's line above
    the dam's, MULT candidates most likely first), offspring to the right (oldest above).
    A slot without parents (children) on the chart takes the next free row; any other sits
    halfway between its first and last; the two trees are shifted so the animal lines up.
    ``graph`` holds the chart's animals and their links."""

    def tree(upward: bool, depth: int) -> list[Slot]:
        slots: list[Slot] = []
        free = [0.0]

        def place(animal: str, column: int, link: int | None, edge: ChartEdge | None) -> float:
            index = len(slots)
            slots.append(Slot(animal, column, 0.0, link, edge))
            rows = []
            if abs(column) < depth:
                for other, d in _next_of(graph, animal, upward):
                    parent, child = (other, animal) if upward else (animal, other)
                    link_edge = ChartEdge(
                        parent, child, str(d["role"]), float(d["probability"]), bool(d["mult"])
                    )
                    rows.append(place(other, column + (-1 if upward else 1), index, link_edge))
            if rows:
                row = (rows[0] + rows[-1]) / 2
            else:
                row = free[0]
                free[0] += 1
            slots[index] = Slot(animal, column, row, link, edge)
            return row

        place(focus, 0, None, None)
        return slots

    above, below = tree(True, up), tree(False, down)
    middle = max(above[0].row, below[0].row)
    shift_up, shift_down = middle - above[0].row, middle - below[0].row
    out = [Slot(s.id, s.column, s.row + shift_up, s.link, s.edge) for s in above]
    offset = len(above) - 1
    for s in below[1:]:
        link = None if s.link is None else (0 if s.link == 0 else s.link + offset)
        out.append(Slot(s.id, s.column, s.row + shift_down, link, s.edge))
    return out


def _next_of(graph: Any, animal: str, upward: bool) -> list[tuple[str, Any]]:
    """Parents (sire side first, likelier MULT candidates first) or offspring (oldest first)."""
    if upward:
        return sorted(
            graph.pred[animal].items(),
            key=lambda item: (
                item[1]["role"] != "sire",
                -item[1]["probability"],
                studbook_sort_key(item[0]),
            ),
        )
    return sorted(
        graph.succ[animal].items(),
        key=lambda item: (
            graph.nodes[item[0]]["birth_date"] or "9999",
            studbook_sort_key(item[0]),
        ),
    )


# --------------------------------------------------------------------------- words on a node
_SEX_WORD = {"M": "male", "F": "female"}


def _title(node: ChartNode) -> str:
    return printable(f"{node.id} {node.house_name}".strip())


def _dates(node: ChartNode) -> str:
    """``2004-06-19 – living``, ``1999-06-27 – 2016-05-16``, ``? – deceased``."""
    if node.hypothetical:
        return "hypothetical parent"
    end = "living" if node.living else (node.died or "deceased")
    return f"{node.born or '?'} – {end}"


def _figures(node: ChartNode) -> str:
    mk = f" · MK {MK.text(node.mk)}" if node.mk is not None else ""
    founder = " · founder" if node.founder else ""
    unknown = f" · {node.unknown_parents} unknown" if node.unknown_parents else ""
    return f"F {F.text(node.f)}{mk}{founder}{unknown}"


def _generation_name(column: int) -> str:
    n = abs(column)
    if column == 0:
        return "the animal"
    base = "parents" if column < 0 else "offspring"
    if n == 1:
        return base
    greats = "great-" * (n - 2) if n <= 4 else f"{n - 2}× great-"
    return f"{greats}grand{base}"


# --------------------------------------------------------------------------- SVG
_SHAPE = 26
_TEXT = 205
_GAP = 96
_COLUMN = _SHAPE + 8 + _TEXT + _GAP
_ROW = 66
_LEFT = 30
_TOP = 100
_INK = {"sire": "#2f5d8a", "dam": "#a23b52"}
_LEGEND_WIDTH = 1160


def chart_svg(chart: PedigreeChart) -> str:
    """The chart as a standalone SVG document (module docstring)."""
    first = min(s.column for s in chart.slots)
    last = max(s.column for s in chart.slots)
    width = max(2 * _LEFT + (last - first) * _COLUMN + _SHAPE + 8 + _TEXT, _LEGEND_WIDTH)
    body = chart.rows * _ROW
    height = _TOP + body + 110
    where = [
        (_LEFT + (s.column - first) * _COLUMN, _TOP + (s.row + 0.5) * _ROW) for s in chart.slots
    ]
    nodes = {n.id: n for n in chart.nodes}
    times = chart.appearances()
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        _svg_text(_LEFT, 32, f"Pedigree of {_title(nodes[chart.focus])}", size=20, weight="bold"),
        _svg_text(
            _LEFT,
            54,
            f"{counted(chart.up, 'generation')} up, {chart.down} down · F = inbreeding · "
            f"MK = mean kinship to {chart.mk_population}",
            size=12,
            fill="#444444",
        ),
    ]
    for column in range(first, last + 1):
        x = _LEFT + (column - first) * _COLUMN
        out.append(
            _svg_text(x, 84, _generation_name(column), size=12, weight="bold", fill="#555555")
        )
    for k, slot in enumerate(chart.slots):
        if slot.link is not None and slot.edge is not None:
            upward = slot.column < chart.slots[slot.link].column
            parent, child = (k, slot.link) if upward else (slot.link, k)
            out.append(_svg_edge(slot.edge, where[parent], where[child]))
    for k, slot in enumerate(chart.slots):
        node = nodes[slot.id]
        out.append(_svg_node(node, *where[k], focus=k == 0, times=times[slot.id]))
    out.append(_svg_legend(_LEFT, _TOP + body + 30))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _svg_text(
    x: float,
    y: float,
    text: str,
    *,
    size: int = 12,
    weight: str = "normal",
    fill: str = "#111111",
    anchor: str = "start",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" '
        f'fill="{fill}" text-anchor="{anchor}">{escape(text)}</text>'
    )


def _svg_shape(sex: str, cx: float, cy: float, r: float, style: str) -> str:
    """Square for a male, circle for a female, diamond for unknown sex."""
    if sex == "M":
        return f'<rect x="{cx - r:.1f}" y="{cy - r:.1f}" width="{2 * r}" height="{2 * r}" {style}/>'
    if sex == "F":
        return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r}" {style}/>'
    d = r + 2
    points = (
        f"{cx:.1f},{cy - d:.1f} {cx + d:.1f},{cy:.1f} {cx:.1f},{cy + d:.1f} {cx - d:.1f},{cy:.1f}"
    )
    return f'<polygon points="{points}" {style}/>'


def _look(living: bool, hypothetical: bool) -> str:
    fill, ink = ("#bfe3bf", "#2e6b2e") if living else ("#dddddd", "#555555")
    dash = ' stroke-dasharray="4 3"' if hypothetical else ""
    return f'fill="{fill}" stroke="{ink}"{dash}'


def _svg_node(node: ChartNode, x: float, y: float, *, focus: bool, times: int) -> str:
    r = _SHAPE / 2
    cx, cy = x + r, y
    parts = [f"<g><title>{escape(_title(node))}</title>"]
    if focus:
        parts.append(
            f'<rect x="{x - 6:.1f}" y="{y - 27:.1f}" width="{_SHAPE + _TEXT + 20}" height="54" '
            'rx="6" fill="#fff4c2" stroke="#d9b400"/>'
        )
    width = 3 if focus else 1.6
    style = f'{_look(node.living, node.hypothetical)} stroke-width="{width}"'
    parts.append(_svg_shape(node.sex, cx, cy, r, style))
    if not node.living and not node.hypothetical:
        parts.append(
            f'<line x1="{cx - r - 5:.1f}" y1="{cy + r + 5:.1f}" x2="{cx + r + 5:.1f}" '
            f'y2="{cy - r - 5:.1f}" stroke="#333333" stroke-width="1.6"/>'
        )
    tx = x + _SHAPE + 8
    title = _fit(_title(node), 22) + (f" ({times}×)" if times > 1 else "")
    parts.append(_svg_text(tx, y - 8, title, size=13, weight="bold"))
    parts.append(_svg_text(tx, y + 7, _dates(node), size=11, fill="#333333"))
    parts.append(_svg_text(tx, y + 21, _figures(node), size=11, fill="#333333"))
    parts.append("</g>")
    return "".join(parts)


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis (house names can be long)."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _svg_edge(edge: ChartEdge, parent: tuple[float, float], child: tuple[float, float]) -> str:
    """An elbow from the parent's label to the offspring's symbol; dashed with its probability
    for a possible (MULT) parent."""
    x1, y1 = parent[0] + _SHAPE + 8 + _TEXT, parent[1]
    x2, y2 = child[0] - 4, child[1]
    xm = x2 - _GAP / 3
    dash = ' stroke-dasharray="7 5"' if edge.mult else ""
    path = (
        f'<path d="M{x1:.1f},{y1:.1f} H{xm:.1f} V{y2:.1f} H{x2:.1f}" fill="none" '
        f'stroke="{_INK[edge.role]}" stroke-width="1.6"{dash}/>'
    )
    if not edge.mult:
        return path
    label = f"{PROBABILITY.label}={PROBABILITY.text(edge.probability)}"
    return path + _svg_text(
        (x1 + xm) / 2, y1 - 5, label, size=11, weight="bold", fill=_INK[edge.role], anchor="middle"
    )


def _svg_legend(x: float, y: float) -> str:
    parts = [_svg_text(x, y, "Legend", size=12, weight="bold")]
    items = [
        ("M", True, False, "male"),
        ("F", True, False, "female"),
        ("U", True, False, "sex unknown"),
        ("M", True, False, "filled green: living"),
        ("F", False, False, "grey with a slash: deceased"),
        ("M", False, True, "dashed outline: hypothetical parent"),
    ]
    for k, (sex, living, hypothetical, words) in enumerate(items):
        ix = x + (k % 3) * 250
        iy = y + 24 + (k // 3) * 28
        parts.append(_svg_shape(sex, ix + 8, iy - 4, 8, _look(living, hypothetical)))
        if not living and not hypothetical:
            parts.append(
                f'<line x1="{ix - 3}" y1="{iy + 7}" x2="{ix + 19}" y2="{iy - 15}" '
                'stroke="#333333"/>'
            )
        parts.append(_svg_text(ix + 24, iy, words, size=11))
    lx = x + 760
    lines = (
        ("sire", "", "line from the sire"),
        ("dam", "", "line from the dam"),
        ("sire", ' stroke-dasharray="7 5"', "dashed: possible (MULT) parent, p=probability"),
        ("", "", "(2×): the animal stands twice (inbreeding)"),
    )
    for k, (role, dash, words) in enumerate(lines):
        ly = y + 4 + k * 20
        if role:
            parts.append(
                f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 30}" y2="{ly - 4}" '
                f'stroke="{_INK[role]}" stroke-width="1.6"{dash}/>'
            )
        parts.append(_svg_text(lx + 38, ly, words, size=11))
    return "".join(parts)


# --------------------------------------------------------------------------- DOT
_DOT_SHAPE = {"M": "box", "F": "ellipse"}


def _dot_quote(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, so user text stays text."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def chart_dot(chart: PedigreeChart) -> str:
    """The chart as a Graphviz DOT digraph, parents left of their offspring (``dot`` lays the
    generations out itself; each animal once)."""
    out = [
        "digraph pedigree {",
        "  rankdir=LR;",
        f"  label={_dot_quote('Pedigree of ' + _title(chart.node(chart.focus)))};",
        "  labelloc=t;",
        '  node [fontname="DejaVu Sans", fontsize=10];',
    ]
    for node in chart.nodes:
        label = "\\n".join(
            _dot_quote(part)[1:-1] for part in (_title(node), _dates(node), _figures(node))
        )
        style = ["filled"] + (["dashed"] if node.hypothetical else [])
        if node.id == chart.focus:
            style.append("bold")
        out.append(
            f'  {_dot_quote(node.id)} [label="{label}", '
            f"shape={_DOT_SHAPE.get(node.sex, 'diamond')}, "
            f'style="{",".join(style)}", '
            f'fillcolor="{"#bfe3bf" if node.living else "#dddddd"}"];'
        )
    for edge in chart.edges:
        attrs = [f'color="{_INK[edge.role]}"']
        if edge.mult:
            p = f"{PROBABILITY.label}={PROBABILITY.text(edge.probability)}"
            attrs += ["style=dashed", f"label={_dot_quote(p)}"]
        out.append(f"  {_dot_quote(edge.parent)} -> {_dot_quote(edge.child)} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- GraphML
def chart_graphml(chart: PedigreeChart) -> str:
    """The chart as GraphML (networkx's writer): node and edge attributes for Gephi."""
    import networkx as nx

    graph = nx.DiGraph(name=f"pedigree of {chart.focus}")
    for node in chart.nodes:
        values = {
            "label": _title(node),
            "sex": node.sex,
            "house_name": node.house_name,
            "birth_date": node.born,
            "death_date": node.died,
            "living": node.living,
            "hypothetical": node.hypothetical,
            "founder": node.founder,
            "unknown_parents": node.unknown_parents,
            "generation": node.generation,
            "F": node.f,
            "MK": node.mk,
        }
        graph.add_node(node.id, **{k: v for k, v in values.items() if v is not None})
    for edge in chart.edges:
        graph.add_edge(
            edge.parent, edge.child, role=edge.role, probability=edge.probability, mult=edge.mult
        )
    return "\n".join(nx.generate_graphml(graph)) + "\n"


def studbook_graphml(explorer: Explorer, mk: Mapping[str, float] | None = None) -> str:
    """The whole relationship graph as GraphML: every animal (sex, dates, living, founder,
    hypothetical, F, and MK where ``mk`` has it) and every parent link (role, probability,
    MULT). For a studbook export to Gephi and other graph tools."""
    import networkx as nx

    graph = explorer.graph.copy()
    f = explorer.inbreeding_of(graph)
    mk = mk or {}
    for animal, data in graph.nodes(data=True):
        data["label"] = printable(f"{animal} {data['house_name']}".strip())
        data["F"] = f[animal]
        if animal in mk:
            data["MK"] = mk[animal]
    return "\n".join(nx.generate_graphml(graph)) + "\n"


# --------------------------------------------------------------------------- text
def chart_text(chart: PedigreeChart) -> str:
    """The chart as text: the ancestors as a tree (sire first), then the descendants; an
    animal met again is marked and not opened twice."""
    nodes = {n.id: n for n in chart.nodes}
    linked: dict[int, list[int]] = {}
    for k, slot in enumerate(chart.slots):
        if slot.link is not None:
            linked.setdefault(slot.link, []).append(k)
    focus = nodes[chart.focus]
    lines = [
        f"Pedigree of {_title(focus)} ({_SEX_WORD.get(focus.sex, 'sex unknown')}): "
        f"{counted(chart.up, 'generation')} up, {chart.down} down; MK to {chart.mk_population}",
        _line(focus),
    ]

    def walk(index: int, prefix: str, seen: set[str], upward: bool) -> None:
        below = [k for k in linked.get(index, []) if (chart.slots[k].column < 0) == upward]
        for n, k in enumerate(below):
            slot = chart.slots[k]
            edge = slot.edge
            assert edge is not None
            word = edge.role if upward else "offspring"
            if edge.mult:
                word = f"possible {word} ({PROBABILITY.label}={PROBABILITY.text(edge.probability)})"
            again = slot.id in seen
            last = n == len(below) - 1
            tail = "  (shown above)" if again else ""
            lines.append(
                f"{prefix}{'└── ' if last else '├── '}{word}: {_line(nodes[slot.id])}{tail}"
            )
            if not again:
                seen.add(slot.id)
                walk(k, prefix + ("    " if last else "│   "), seen, upward)

    if chart.up:
        lines.append("ancestors:")
        walk(0, "", set(), upward=True)
    if chart.down:
        lines.append("descendants:")
        walk(0, "", set(), upward=False)
    return "\n".join(lines) + "\n"


def _line(node: ChartNode) -> str:
    mark = {"M": "♂", "F": "♀"}.get(node.sex, "?")
    return f"{_title(node)} {mark}  {_dates(node)}  {_figures(node)}"
