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

from studbook.errors import UnknownAnimalError
from studbook.pedigree import Pedigree, Population
from studbook.status import studbook_order, studbook_sort_key

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
        """Parent -> offspring graph (see the module docstring); nodes are studbook ids."""
        import networkx as nx

        ped = self.pedigree
        ids = ped.ids
        graph = nx.DiGraph()
        dates, deaths = (
            np.where(np.isnat(d), "", np.datetime_as_string(d)).tolist()
            for d in (ped.birth_date, ped.death_date)
        )
        sex, living = ped.sex.tolist(), self.living.tolist()
        hypothetical, founder = ped.hypothetical.tolist(), ped.founder.tolist()
        graph.add_nodes_from(
            (
                ids[k],
                {
                    "sex": sex[k],
                    "living": living[k],
                    "hypothetical": hypothetical[k],
                    "founder": founder[k],
                    "house_name": self.names.get(ids[k], ""),
                    "birth_date": dates[k],
                    "death_date": deaths[k],
                },
            )
            for k in range(len(ids))
        )
        edges = ped.parent_edges
        single = np.where(edges.role == 0, ped.sire[edges.child], ped.dam[edges.child])
        mult = single < 0  # a MULT candidate's own sire/dam entry is -1
        graph.add_edges_from(
            (
                ids[p],
                ids[c],
                {"role": ROLES[r], "probability": w, "mult": m},
            )
            for c, p, w, r, m in zip(
                edges.child.tolist(),
                edges.parent.tolist(),
                edges.weight.tolist(),
                edges.role.tolist(),
                mult.tolist(),
                strict=True,
            )
        )
        return graph

    @cached_property
    def _recorded(self) -> nx.DiGraph:
        """The graph without MULT edges: parentage that is certain."""
        import networkx as nx

        graph = self.graph
        return nx.subgraph_view(graph, filter_edge=lambda u, v: not graph[u][v]["mult"])

    @cached_property
    def inbreeding(self) -> dict[str, float]:
        """F of every animal, from the kinship engine (:func:`studbook.inbreeding.inbreeding`)."""
        from studbook.inbreeding import inbreeding

        ped = self.pedigree
        return dict(zip(ped.ids, inbreeding(ped).tolist(), strict=True))

    @cached_property
    def rank(self) -> dict[str, int]:
        """Each animal's place in parents-first order (a parent always ranks below its
        offspring)."""
        ids = self.pedigree.ids
        return {ids[k]: r for r, k in enumerate(self.pedigree.order.tolist())}

    def require(self, animal_id: str) -> None:
        """Raise :class:`~studbook.errors.UnknownAnimalError` for an id not in the pedigree."""
        if animal_id not in self.graph:
            raise UnknownAnimalError([animal_id])

    def is_living(self, animal_id: str) -> bool:
        """Whether the animal is living (as the explorer was told)."""
        return bool(self.graph.nodes[animal_id]["living"])

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
        import networkx as nx

        self.require(animal_id)
        graph, recorded = self.graph, self._recorded
        if upward:
            graph, recorded = graph.reverse(copy=False), recorded.reverse(copy=False)
        distance = nx.single_source_shortest_path_length(graph, animal_id, cutoff=depth)
        certain = nx.descendants(recorded, animal_id)
        found = [
            Kin(other, gen, other not in certain, self.is_living(other))
            for other, gen in distance.items()
            if other != animal_id
        ]
        if living_only:
            found = [k for k in found if k.living]
        found.sort(key=lambda k: (k.generation, studbook_sort_key(k.id)))
        return tuple(found)

    def parents(self, animal_id: str) -> tuple[tuple[str, str, float], ...]:
        """(parent id, ``sire``/``dam``, probability) of each recorded or possible parent."""
        self.require(animal_id)
        pred = self.graph.pred[animal_id]
        rows = [(p, str(d["role"]), float(d["probability"])) for p, d in pred.items()]
        return tuple(sorted(rows, key=lambda r: (ROLES.index(r[1]), studbook_sort_key(r[0]))))

    # ----------------------------------------------------------------- lineages, families
    def founder_lineages(self) -> tuple[Lineage, ...]:
        """Each founder (``Pedigree.founder``) with its living descendants, studbook order.

        Computed for all founders at once: a founder x animal reach table filled generation
        by generation from the parent links (recorded links alone give the certain reach).
        """
        ped = self.pedigree
        rank = studbook_order(ped.ids)
        order = np.argsort(rank, kind="stable")
        founders = order[(ped.founder & ~ped.hypothetical)[order]]
        reach = np.zeros((len(ped), founders.size), bool)
        reach[founders, np.arange(founders.size)] = True
        certain = reach.copy()
        edges = ped.parent_edges
        recorded = np.where(edges.role == 0, ped.sire[edges.child], ped.dam[edges.child]) >= 0
        level = ped.generation[edges.child]
        for g in np.unique(level).tolist():  # parents are always a generation before
            at = level == g
            np.logical_or.at(reach, edges.child[at], reach[edges.parent[at]])
            sure = at & recorded
            np.logical_or.at(certain, edges.child[sure], certain[edges.parent[sure]])
        living = self.living.copy()
        living[founders] = False
        out = []
        for column, founder in enumerate(founders.tolist()):
            found = order[(reach[:, column] & living)[order]]
            unsure = found[~certain[found, column]]
            out.append(
                Lineage(
                    ped.ids[founder],
                    tuple(ped.ids[k] for k in found.tolist()),
                    tuple(ped.ids[k] for k in unsure.tolist()),
                )
            )
        return tuple(out)

    def families(self) -> tuple[Family, ...]:
        """Connected groups of the pedigree that hold living animals, largest first.

        Two animals are in one family when a chain of parent-offspring links joins them (so
        two founders that bred together are one family). Groups without living animals are
        left out; every group but the largest is an isolated line.
        """
        import networkx as nx

        graph = self.graph
        groups: list[tuple[tuple[str, ...], tuple[str, ...], int]] = []
        for component in nx.weakly_connected_components(graph):
            living = sorted(
                (a for a in component if graph.nodes[a]["living"]), key=studbook_sort_key
            )
            if not living:
                continue
            founders = sorted(
                (
                    a
                    for a in component
                    if graph.nodes[a]["founder"] and not graph.nodes[a]["hypothetical"]
                ),
                key=studbook_sort_key,
            )
            groups.append((tuple(living), tuple(founders), len(component)))
        groups.sort(key=lambda g: (-len(g[0]), -g[2], studbook_sort_key(g[0][0])))
        return tuple(
            Family(living, founders, size, main=k == 0)
            for k, (living, founders, size) in enumerate(groups)
        )

    # ----------------------------------------------------------------- mates, litters
    def litters(self, animal_id: str) -> tuple[Litter, ...]:
        """The animal's offspring grouped into litters (same birth date, same other parent),
        oldest first."""
        self.require(animal_id)
        graph = self.graph
        grouped: dict[tuple[str, tuple[str, ...]], tuple[list[str], list[tuple[str, float]], float]]
        grouped = {}
        for child, edge in graph.succ[animal_id].items():
            role = edge["role"]
            mates = tuple(
                sorted(
                    (
                        (p, float(d["probability"]))
                        for p, d in graph.pred[child].items()
                        if d["role"] != role
                    ),
                    key=lambda m: studbook_sort_key(m[0]),
                )
            )
            key = (str(graph.nodes[child]["birth_date"]), tuple(m for m, _ in mates))
            entry = grouped.setdefault(key, ([], list(mates), float(edge["probability"])))
            entry[0].append(child)
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
