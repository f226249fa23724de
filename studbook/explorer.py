"""The pedigree as a graph: relatives by generation, founder lineages, families, mates, litters.

:class:`Explorer` builds the studbook's relationship graph with networkx: a directed graph with
an edge from each parent to each offspring. An edge to a MULT parent (one of several possible
animals) carries that candidate's probability and ``mult=True``; a known parent has probability
1. Nodes carry the sex, whether the animal is living (the caller's rule: a
:class:`~studbook.book.Studbook` gives :meth:`~studbook.book.Studbook.living_ids`), whether it is
a hypothetical placeholder or a founder, and its house name and dates.

MULT parents inflate descendant lists, as ZIMS for Studbooks warns: an animal listed as a
possible sire has all the litter as "descendants" though at most one candidate is the father.
Every relative found here says whether it is reached only through a possible parent
(:attr:`Kin.through_mult`), so front ends can mark those branches.

At scale the questions do not build that graph for the whole studbook (1.5 to 4 s at 1e5
animals, half a minute and 2 GB at 1e6). Relatives are found by walking the pedigree's parent
links as numpy arrays, a whole generation per step; lineages by a bit table filled a
generation at a time; families by scipy's connected components of the link arrays. networkx
answers the path questions on the graph of just the animals concerned (:meth:`Explorer.graph_of`
for a chart or a family view, :meth:`Explorer.ancestry` for a relationship), which is the
same as the whole graph's subgraph; :attr:`Explorer.graph` builds the whole graph for those who
want all of it (a GraphML export).

networkx is imported when a graph is first built, so commands that never ask pay nothing. How
two animals are related (common ancestors and their shares of the kinship) is in
:mod:`studbook.relationship`; pedigree charts in :mod:`studbook.chart`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from studbook.pedigree import BoolArray, FloatArray, IntArray, Pedigree, Population
from studbook.status import studbook_sort_key

if TYPE_CHECKING:
    from datetime import date

    import networkx as nx

    from studbook.book import Studbook

__all__ = ["Explorer", "Family", "Kin", "Lineage", "Litter", "Mate", "by_generation"]

ROLES = ("sire", "dam")


@dataclass(frozen=True)
class Kin:
    """An ancestor or descendant of an animal.

    ``generation`` is the fewest generations between the two (1 for a parent or an offspring).
    ``through_mult``: related only through a possible (MULT) parent, never through recorded
    parents alone.
    """

    id: str
    generation: int
    through_mult: bool
    living: bool


@dataclass(frozen=True)
class Lineage:
    """A founder and its living descendants (the animals that may carry its genes), in
    studbook order; ``through_mult`` are those reached only through a possible (MULT) parent."""

    founder: str
    descendants: tuple[str, ...]
    through_mult: tuple[str, ...]

    @property
    def certain(self) -> int:
        """Living descendants through recorded parents only (MULT branches left out)."""
        return len(self.descendants) - len(self.through_mult)


@dataclass(frozen=True)
class Family:
    """A connected group of the pedigree (animals linked by any chain of parentage) with its
    living members and its founders. ``main`` marks the largest group; the others are lines
    isolated from it (no shared ancestry, no shared offspring)."""

    living: tuple[str, ...]
    founders: tuple[str, ...]
    size: int
    main: bool


@dataclass(frozen=True)
class Litter:
    """Offspring of an animal born on one date with the same other parent(s).

    ``mates`` lists the other parent with its probability (several for a MULT parent; empty
    when unknown or wild); ``probability`` is the chance the animal itself is the parent (below
    1 when it is only a possible, MULT parent).
    """

    born: str
    mates: tuple[tuple[str, float], ...]
    offspring: tuple[str, ...]
    probability: float


@dataclass(frozen=True)
class Mate:
    """An animal that had offspring with another: how many litters and offspring.
    ``probability`` is below 1 when every litter is only possibly theirs (MULT)."""

    id: str
    litters: int
    offspring: int
    probability: float


def by_generation(kin: Iterable[Kin]) -> dict[int, tuple[Kin, ...]]:
    """Relatives grouped by generation, nearest first (each group in studbook order)."""
    groups: dict[int, list[Kin]] = {}
    for k in kin:
        groups.setdefault(k.generation, []).append(k)
    return {g: tuple(groups[g]) for g in sorted(groups)}


class Explorer:
    """The relationship graph of a pedigree and the questions asked of it (module docstring).

    ``living`` names the living animals (ids, a mask, or ``None`` for the pedigree's own
    :attr:`~studbook.pedigree.Pedigree.living`); ``names`` maps ids to house names.

    The questions walk the parent links as numpy arrays (:class:`_Links`) and hand networkx
    only the animals a question is about (module docstring).
    """

    def __init__(
        self,
        pedigree: Pedigree,
        living: Population = None,
        names: Mapping[str, str] | None = None,
    ) -> None:
        self.pedigree = pedigree
        self.living = pedigree.population_mask(living)
        self.names = dict(names or {})

    @classmethod
    def from_studbook(cls, book: Studbook, on: date | None = None) -> Explorer:
        """The explorer of a whole studbook, living as on ``on`` (default: now)."""
        names = {r.id: r.house_name for r in book.records.values() if r.house_name}
        return cls(book.pedigree, book.living_ids(on), names)

    # ----------------------------------------------------------------- the graph
    @cached_property
    def graph(self) -> nx.DiGraph:
        """The whole studbook's parent -> offspring graph (module docstring); nodes are
        studbook ids. Built on first use; the questions below do not need it."""
        return self._graph(np.arange(len(self.pedigree), dtype=np.int64))

    def graph_of(self, animals: Iterable[str]) -> nx.DiGraph:
        """The graph of ``animals`` alone: the same nodes, attributes and links among them as
        ``graph.subgraph(animals)``, without building the whole studbook's graph.

        Raises :class:`~studbook.errors.UnknownAnimalError` for an unknown id.

        Examples
        --------
        >>> ped = Pedigree.from_cells(
        ...     ["S", "D", "X", "Y"], ["", "", "S", "X"], ["", "", "D", ""], ["M", "F", "M", "F"])
        >>> sorted(Explorer(ped).graph_of(["S", "X", "Y"]).edges)
        [('S', 'X'), ('X', 'Y')]
        >>> sorted(Explorer(ped).ancestry(["Y"]).edges)
        [('D', 'X'), ('S', 'X'), ('X', 'Y')]
        """
        return self._graph(self.pedigree.indices(list(animals)))

    def ancestry(self, animals: Iterable[str]) -> nx.DiGraph:
        """``animals`` and all their ancestors, with every link among them (:meth:`graph_of`):
        what a question about their ancestry needs, since every parent of a node is in it."""
        start = np.unique(self.pedigree.indices(list(animals)))
        found, _ = self._walk(start, None, upward=True)
        return self._graph(np.concatenate([start, found]))

    def _graph(self, nodes: IntArray) -> nx.DiGraph:
        """The graph of the animals at ``nodes`` (positions) and the links among them, links in
        :attr:`~studbook.pedigree.Pedigree.parent_edges` order."""
        import networkx as nx

        links, ids = self._links, self.pedigree.ids
        inside = np.zeros(len(ids), bool)
        inside[nodes] = True
        chosen = np.sort(links.into(nodes))
        chosen = chosen[inside[links.parent[chosen]]]
        graph = nx.DiGraph()
        graph.add_nodes_from(self._nodes(nodes))
        graph.add_edges_from(
            (ids[p], ids[c], {"role": ROLES[r], "probability": w, "mult": m})
            for p, c, r, w, m in zip(
                links.parent[chosen].tolist(),
                links.child[chosen].tolist(),
                links.role[chosen].tolist(),
                links.probability[chosen].tolist(),
                links.mult[chosen].tolist(),
                strict=True,
            )
        )
        return graph

    def _nodes(self, nodes: IntArray) -> list[tuple[str, dict[str, Any]]]:
        """(id, attributes) of the animals at ``nodes``: one place for what a node carries."""
        ped, names = self.pedigree, self.names
        ids = [ped.ids[k] for k in nodes.tolist()]
        return [
            (
                animal,
                {
                    "sex": sex,
                    "living": living,
                    "hypothetical": hypothetical,
                    "founder": founder,
                    "unknown_parents": unknown,
                    "house_name": names.get(animal, ""),
                    "birth_date": born,
                    "death_date": died,
                },
            )
            for animal, sex, living, hypothetical, founder, unknown, born, died in zip(
                ids,
                ped.sex[nodes].tolist(),
                self.living[nodes].tolist(),
                ped.hypothetical[nodes].tolist(),
                ped.founder[nodes].tolist(),
                self._unknown_parents[nodes].tolist(),
                _date_texts(ped.birth_date[nodes]),
                _date_texts(ped.death_date[nodes]),
                strict=True,
            )
        ]

    @cached_property
    def _unknown_parents(self) -> npt.NDArray[np.str_]:
        """Which parents of each animal the studbook does not know: ``"sire"``, ``"dam"``,
        ``"sire and dam"`` or ``""``. A founder's (wild) parents and a MULT parent's
        candidates do not count as unknown; hypothetical animals have none to know. A parent
        is unknown where no link of its role leads into the animal: the links the graph and
        the chart draw."""
        ped, links = self.pedigree, self._links
        linked = np.zeros((len(ped), len(ROLES)), bool)
        linked[links.child, links.role] = True
        unknown = ~linked & (~ped.founder & ~ped.hypothetical)[:, None]
        words = np.array(["", "sire", "dam", "sire and dam"])
        chosen: npt.NDArray[np.str_] = words[unknown @ np.array([1, 2])]
        return chosen

    @cached_property
    def _links(self) -> _Links:
        return _Links.of(self.pedigree)

    @cached_property
    def _id_array(self) -> npt.NDArray[np.object_]:
        """The ids as a numpy array, to turn many positions into ids at once."""
        return np.array(self.pedigree.ids, dtype=object)

    @cached_property
    def _f(self) -> FloatArray:
        from studbook.inbreeding import inbreeding

        return inbreeding(self.pedigree)

    def inbreeding_of(self, animals: Iterable[str]) -> dict[str, float]:
        """F of each of ``animals``, from the kinship engine
        (:func:`studbook.inbreeding.inbreeding`, computed once for the pedigree)."""
        wanted = list(animals)
        return dict(zip(wanted, self._f[self.pedigree.indices(wanted)].tolist(), strict=True))

    @cached_property
    def _rank(self) -> IntArray:
        rank = np.empty(len(self.pedigree), np.int64)
        rank[self.pedigree.order] = np.arange(len(self.pedigree))
        return rank

    def rank_of(self, animals: Iterable[str]) -> dict[str, int]:
        """Each animal's place in parents-first order (a parent always ranks below its
        offspring)."""
        wanted = list(animals)
        return dict(zip(wanted, self._rank[self.pedigree.indices(wanted)].tolist(), strict=True))

    def _position(self, animal_id: str) -> int:
        return int(self.pedigree.indices(animal_id)[0])

    def require(self, animal_id: str) -> None:
        """Raise :class:`~studbook.errors.UnknownAnimalError` for an id not in the pedigree."""
        self._position(animal_id)

    def is_living(self, animal_id: str) -> bool:
        """Whether the animal is living (as the explorer was told)."""
        return bool(self.living[self._position(animal_id)])

    # ----------------------------------------------------------------- relatives
    def ancestors(
        self, animal_id: str, *, depth: int | None = None, living_only: bool = False
    ) -> tuple[Kin, ...]:
        """Ancestors within ``depth`` generations (all if ``None``), nearest first.

        Raises :class:`~studbook.errors.UnknownAnimalError` for an unknown id.

        Examples
        --------
        >>> ped = Pedigree.from_cells(
        ...     ["S", "D", "X", "Y"], ["", "", "S", "X"], ["", "", "D", ""], ["M", "F", "M", "F"])
        >>> [(k.id, k.generation) for k in Explorer(ped).ancestors("Y")]
        [('X', 1), ('D', 2), ('S', 2)]
        """
        return self._relatives(animal_id, depth, living_only, upward=True)

    def descendants(
        self, animal_id: str, *, depth: int | None = None, living_only: bool = False
    ) -> tuple[Kin, ...]:
        """Descendants within ``depth`` generations (all if ``None``), nearest first; those
        reached only through a MULT parent have ``through_mult`` set (module docstring)."""
        return self._relatives(animal_id, depth, living_only, upward=False)

    def _relatives(
        self, animal_id: str, depth: int | None, living_only: bool, *, upward: bool
    ) -> tuple[Kin, ...]:
        start = self._position(animal_id)
        found, steps = self._walk(np.array([start]), depth, upward=upward)
        certain = self._certain(start, found, upward=upward)
        living = self.living[found]
        if living_only:
            found, steps, certain = found[living], steps[living], certain[living]
            living = living[living]
        ids = self.pedigree.ids
        kin = [
            Kin(ids[k], gen, not sure, alive)
            for k, gen, sure, alive in zip(
                found.tolist(), steps.tolist(), certain.tolist(), living.tolist(), strict=True
            )
        ]
        kin.sort(key=lambda k: (k.generation, studbook_sort_key(k.id)))
        return tuple(kin)

    def _walk(
        self, start: IntArray, depth: int | None, *, upward: bool
    ) -> tuple[IntArray, IntArray]:
        """The animals reached from ``start`` along parent links (``upward``) or offspring
        links within ``depth`` steps, and the fewest steps to each: breadth first, a whole
        generation per numpy step. ``start`` itself is not listed."""
        links = self._links
        step, other = (links.into, links.parent) if upward else (links.out_of, links.child)
        seen = np.zeros(len(self.pedigree), bool)
        seen[start] = True
        found, steps = [], []
        frontier, g = start, 0
        while frontier.size and (depth is None or g < depth):
            g += 1
            reached = other[step(frontier)]
            frontier = np.unique(reached[~seen[reached]])
            seen[frontier] = True
            found.append(frontier)
            steps.append(np.full(frontier.size, g, np.int64))
        if not found:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(found), np.concatenate(steps)

    def _certain(self, start: int, found: IntArray, *, upward: bool) -> BoolArray:
        """Which of ``found`` are reached from ``start`` through recorded parents alone (no
        MULT link), at any depth. The walk stops once every one is settled or no animal left
        to walk can reach one (parents are always of a lower generation than offspring)."""
        links = self._links
        step, other = (links.into, links.parent) if upward else (links.out_of, links.child)
        generation = self.pedigree.generation
        sure = np.zeros(len(self.pedigree), bool)
        frontier, left = np.array([start]), found
        while frontier.size and left.size:
            chosen = step(frontier)
            reached = other[chosen[~links.mult[chosen]]]
            frontier = np.unique(reached[~sure[reached]])
            sure[frontier] = True
            left = left[~sure[left]]
            if left.size:
                g = generation[frontier]
                ahead = g > generation[left].min() if upward else g < generation[left].max()
                frontier = frontier[ahead]
        return sure[found]

    def parents(self, animal_id: str) -> tuple[tuple[str, str, float], ...]:
        """(parent id, ``sire``/``dam``, probability) of each recorded or possible parent."""
        links, ids = self._links, self.pedigree.ids
        chosen = links.into(np.array([self._position(animal_id)]))
        rows = [
            (ids[p], ROLES[r], w)
            for p, r, w in zip(
                links.parent[chosen].tolist(),
                links.role[chosen].tolist(),
                links.probability[chosen].tolist(),
                strict=True,
            )
        ]
        return tuple(sorted(rows, key=lambda r: (ROLES.index(r[1]), studbook_sort_key(r[0]))))

    # ----------------------------------------------------------------- lineages, families
    def living_mean_kinship(self) -> dict[str, float]:
        """MK of every living animal to the living population, MK_i = (1/N) sum_j f_ij over
        the N living (empty when nobody is living): what charts and graph exports show."""
        from studbook.kinship import mean_kinship

        if not self.living.any():
            return {}
        return mean_kinship(self.pedigree, self.living)

    def founder_lineages(self) -> tuple[Lineage, ...]:
        """Each founder (``Pedigree.founder``) with its living descendants, studbook order.

        Computed for all founders at once: an animal x founder reach table, one bit per
        founder (64 to a word, so 1,000 founders of 1e6 animals take 128 MB, not 1 GB), filled
        generation by generation from the parent links: an animal's word is the OR of its
        parents' (recorded links alone give the certain reach).
        """
        ped, links = self.pedigree, self._links
        founders = _in_studbook_order(ped.ids, np.flatnonzero(ped.founder & ~ped.hypothetical))
        if not founders.size:
            return ()
        column = np.arange(founders.size)
        reach = np.zeros((len(ped), (founders.size + 63) // 64), np.uint64)
        reach[founders, column // 64] = np.left_shift(np.uint64(1), (column % 64).astype(np.uint64))
        certain = reach.copy()
        level = ped.generation[links.child]
        by_level = np.lexsort((links.child, level))
        bounds = np.flatnonzero(np.diff(level[by_level])) + 1
        for chosen in np.split(by_level, bounds):  # parents are always a generation before
            _or_into(reach, links.child[chosen], links.parent[chosen])
            sure = chosen[~links.mult[chosen]]
            _or_into(certain, links.child[sure], links.parent[sure])
        living = self.living.copy()
        living[founders] = False
        alive = _in_studbook_order(ped.ids, np.flatnonzero(living))
        reach, certain = reach[alive], certain[alive]
        ids = self._id_array
        out = []
        for word in range(reach.shape[1]):  # 64 founders at a time
            first = 64 * word
            count = min(64, founders.size - first)
            rows = np.flatnonzero(reach[:, word])  # most descend from few of these 64
            hit = np.ascontiguousarray(_bits(reach[rows, word])[:, :count].T)
            who, at = np.nonzero(hit)  # founder by founder, living in studbook order
            unsure = ~_bits(certain[rows, word])[at, who]
            cuts = np.cumsum(np.bincount(who, minlength=count))[:-1]
            for founder, found, maybe in zip(
                founders[first : first + count].tolist(),
                np.split(alive[rows[at]], cuts),
                np.split(unsure, cuts),
                strict=True,
            ):
                out.append(
                    Lineage(ped.ids[founder], _ids_of(ids, found), _ids_of(ids, found[maybe]))
                )
        return tuple(out)

    def families(self) -> tuple[Family, ...]:
        """Connected groups of the pedigree that hold living animals, largest first.

        Two animals are in one family when a chain of parent-offspring links joins them (so
        two founders that bred together are one family). Groups without living animals are
        left out; every group but the largest is an isolated line. The groups are the weakly
        connected components of the parent links, found by scipy on the link arrays (the
        whole networkx graph would cost seconds at 1e5 animals).
        """
        from scipy.sparse import coo_array
        from scipy.sparse.csgraph import connected_components

        ped, links = self.pedigree, self._links
        n = len(ped)
        if not self.living.any():
            return ()
        adjacency = coo_array(
            (np.ones(links.parent.size, np.int8), (links.parent, links.child)), shape=(n, n)
        )
        _, label = connected_components(adjacency, directed=True, connection="weak")
        size = np.bincount(label)
        living = _grouped(label, self.living)
        founders = _grouped(label, ped.founder & ~ped.hypothetical)
        ids = self._id_array
        groups: list[tuple[tuple[str, ...], tuple[str, ...], int]] = [
            (
                _ids_of(ids, _in_studbook_order(ped.ids, members)),
                _ids_of(ids, _in_studbook_order(ped.ids, founders.get(group, members[:0]))),
                int(size[group]),
            )
            for group, members in living.items()
        ]
        groups.sort(key=lambda g: (-len(g[0]), -g[2], studbook_sort_key(g[0][0])))
        return tuple(
            Family(living, founders, size, main=k == 0)
            for k, (living, founders, size) in enumerate(groups)
        )

    # ----------------------------------------------------------------- mates, litters
    def litters(self, animal_id: str) -> tuple[Litter, ...]:
        """The animal's offspring grouped into litters (same birth date, same other parent),
        oldest first."""
        links, ped = self._links, self.pedigree
        ids = ped.ids
        own = links.out_of(np.array([self._position(animal_id)]))
        children = links.child[own]
        grouped: dict[tuple[str, tuple[str, ...]], tuple[list[str], list[tuple[str, float]], float]]
        grouped = {}
        for child, role, p, born in zip(
            children.tolist(),
            links.role[own].tolist(),
            links.probability[own].tolist(),
            _date_texts(ped.birth_date[children]),
            strict=True,
        ):
            theirs = links.into(np.array([child]))
            theirs = theirs[links.role[theirs] != role]
            mates = sorted(
                zip(
                    [ids[m] for m in links.parent[theirs].tolist()],
                    links.probability[theirs].tolist(),
                    strict=True,
                ),
                key=lambda m: studbook_sort_key(m[0]),
            )
            key = (born, tuple(m for m, _ in mates))
            entry = grouped.setdefault(key, ([], mates, p))
            entry[0].append(ids[child])
        out = [
            Litter(
                born,
                tuple(mates),
                tuple(sorted(children, key=studbook_sort_key)),
                probability,
            )
            for (born, _), (children, mates, probability) in grouped.items()
        ]
        out.sort(key=lambda x: (x.born == "", x.born, studbook_sort_key(x.offspring[0])))
        return tuple(out)

    def mates(self, animal_id: str) -> tuple[Mate, ...]:
        """Every animal that had (or possibly had) offspring with this one, most litters
        first."""
        counts: dict[str, list[Any]] = {}
        for litter in self.litters(animal_id):
            for mate, p in litter.mates:
                entry = counts.setdefault(mate, [0, 0, 0.0])
                entry[0] += 1
                entry[1] += len(litter.offspring)
                entry[2] = max(entry[2], p * litter.probability)
        out = [Mate(m, c[0], c[1], c[2]) for m, c in counts.items()]
        out.sort(key=lambda m: (-m.litters, -m.offspring, studbook_sort_key(m.id)))
        return tuple(out)


@dataclass(frozen=True)
class _Links:
    """The parent links (:attr:`~studbook.pedigree.Pedigree.parent_edges`) indexed from both
    ends, as compressed rows: the links into animal ``k`` (to its parents) are
    ``up[up_start[k]:up_start[k + 1]]``, the links out of it (to its offspring) likewise in
    ``down``. Link numbers keep ``parent_edges`` order, the order networkx lists them in.
    ``mult``: the link is to one of several possible (MULT) parents."""

    parent: IntArray
    child: IntArray
    probability: FloatArray
    role: npt.NDArray[np.int8]
    mult: BoolArray
    up: IntArray
    up_start: IntArray
    down: IntArray
    down_start: IntArray

    @classmethod
    def of(cls, ped: Pedigree) -> _Links:
        edges = ped.parent_edges
        single = np.where(edges.role == 0, ped.sire[edges.child], ped.dam[edges.child])
        return cls(
            edges.parent,
            edges.child,
            edges.weight,
            edges.role,
            single < 0,  # a MULT candidate's own sire/dam entry is -1
            np.argsort(edges.child, kind="stable"),
            _starts(edges.child, len(ped)),
            np.argsort(edges.parent, kind="stable"),
            _starts(edges.parent, len(ped)),
        )

    def into(self, nodes: IntArray) -> IntArray:
        """Numbers of the links from the parents of ``nodes``, node by node."""
        return _rows(self.up, self.up_start, nodes)

    def out_of(self, nodes: IntArray) -> IntArray:
        """Numbers of the links to the offspring of ``nodes``, node by node."""
        return _rows(self.down, self.down_start, nodes)


def _starts(keys: IntArray, n: int) -> IntArray:
    """Where each key's rows start in ``keys`` sorted (``n + 1`` bounds)."""
    return np.concatenate(([0], np.cumsum(np.bincount(keys, minlength=n)))).astype(np.int64)


def _rows(order: IntArray, start: IntArray, nodes: IntArray) -> IntArray:
    """``order[start[k]:start[k + 1]]`` for each of ``nodes``, concatenated, without a loop."""
    first = start[nodes]
    counts = start[nodes + 1] - first
    offsets = np.repeat(first - (np.cumsum(counts) - counts), counts)
    return order[offsets + np.arange(offsets.size)]


def _date_texts(dates: npt.NDArray[np.datetime64]) -> list[str]:
    """ISO dates as text, ``""`` when unknown (how nodes and litters show them)."""
    return np.where(np.isnat(dates), "", np.datetime_as_string(dates)).tolist()  # type: ignore[no-any-return]


def _grouped(label: IntArray, mask: BoolArray) -> dict[int, IntArray]:
    """Positions of the animals in ``mask``, by their ``label``."""
    chosen = np.flatnonzero(mask)
    chosen = chosen[np.argsort(label[chosen], kind="stable")]
    if not chosen.size:
        return {}
    cuts = np.flatnonzero(np.diff(label[chosen])) + 1
    heads = label[chosen[np.concatenate(([0], cuts))]].tolist()
    return dict(zip(heads, np.split(chosen, cuts), strict=True))


def _ids_of(ids: npt.NDArray[np.object_], positions: IntArray) -> tuple[str, ...]:
    return tuple(ids[positions].tolist())


def _bits(words: npt.NDArray[np.uint64]) -> BoolArray:
    """The 64 bits of each word as a row, lowest first."""
    octets = np.ascontiguousarray(words, dtype="<u8").view(np.uint8).reshape(-1, 8)
    return np.unpackbits(octets, axis=1, bitorder="little").astype(bool)


def _in_studbook_order(ids: tuple[str, ...], positions: IntArray) -> IntArray:
    """``positions`` sorted by their ids' studbook order (only these ids' keys are made)."""
    keys = [studbook_sort_key(ids[k]) for k in positions.tolist()]
    return positions[sorted(range(len(keys)), key=keys.__getitem__)]


def _or_into(bits: npt.NDArray[np.uint64], child: IntArray, parent: IntArray) -> None:
    """``bits[c] |= bits[p]`` for every link ``p -> c``, several links into one child
    included (``child`` sorted)."""
    if not child.size:
        return
    starts = np.flatnonzero(np.concatenate(([True], child[1:] != child[:-1])))
    bits[child[starts]] |= np.bitwise_or.reduceat(bits[parent], starts, axis=0)
