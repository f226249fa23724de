"""How two animals are related: common ancestors, the paths through each, their kinship shares.

Wright's path-coefficient decomposition writes the kinship of ``X`` and ``Y`` as a sum over
their common ancestors ``A`` and over every pair of paths, ``X`` up to ``A`` in ``n1``
generations and ``Y`` up to ``A`` in ``n2``, that meet only at ``A``::

    f_XY = sum_A sum_paths (1/2)^(n1 + n2 + 1) (1 + F_A)

with ``F_A`` the inbreeding of ``A``. A MULT parent (one of several candidates) enters with its
probability: a path through it is weighted by that probability, which makes the sum equal the
engine's probability-weighted kinship (:func:`studbook.kinship.kinship`) on any pedigree.

The pairs are not listed one by one (a deep pedigree has billions). With ``g(B, A)`` the gene
flow from ``B`` up to ``A`` (the sum over paths of ``(1/2)^length``, 1 for ``B = A``), every
pair of paths from ``X`` and ``Y`` to ``A`` either meets only at ``A`` or meets last (nearest
to ``X`` and ``Y``) at a common ancestor ``B`` below ``A``, where it splits into a pair meeting
only at ``B`` and any two paths from ``B`` to ``A``. So the weight ``W_A`` of the pairs meeting
only at ``A`` is, youngest common ancestor first::

    W_A = g(X, A) g(Y, A) - sum_{B below A} W_B g(B, A)^2        share_A = W_A (1 + F_A) / 2

The same recurrence with path counts instead of weights counts the pairs. The gene flows come
from one pass over the two animals' ancestors, parents after offspring, as numpy vectors over
the common ancestors. The nearest relationship, which names it in a keeper's words ("paternal
half-sibs through 56", "first cousins once removed", "parent and offspring"), is the common
ancestor with the fewest generations to both: its shortest paths never meet before it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from studbook.explorer import Explorer
from studbook.present import KINSHIP, PROBABILITY, counted

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["AncestorShare", "Relationship", "relationship"]

NEGLIGIBLE = 1e-10
"""A common ancestor whose paths meeting only at it carry less than this part of the weight of
all its path pairs is left out: its share is rounding (or far below anything a keeper reads)."""

TRACED = 12
"""Common ancestors (largest shares first) for which an example pair of paths is traced."""


@dataclass(frozen=True)
class AncestorShare:
    """One common ancestor and its part of the kinship.

    ``share`` = sum over its path pairs of ``(1/2)^(n1+n2+1) (1 + F_A)`` (times the MULT
    probabilities on the paths); ``pairs`` counts the path pairs (``None`` when too many to
    count exactly); ``generations`` are the fewest generations up from each animal;
    ``path_a`` and ``path_b`` a shortest pair of paths meeting only at the ancestor, each from
    its animal upward (empty when not traced); ``certain``: some pair uses recorded parents
    only; ``probability``: the product of MULT probabilities along that pair.
    """

    id: str
    share: float
    pairs: int | None
    generations: tuple[int, int]
    path_a: tuple[str, ...]
    path_b: tuple[str, ...]
    inbreeding: float
    certain: bool
    probability: float


@dataclass(frozen=True)
class Relationship:
    """The answer to "how are A and B related" (module docstring)."""

    a: str
    b: str
    kinship: float
    words: str
    common: tuple[AncestorShare, ...] = field(default=())

    def lines(self, limit: int = 12) -> list[str]:
        """The explanation as lines of text: the relationship, the kinship, then the common
        ancestors by share (the first ``limit``) with a shortest pair of paths."""
        out = [f"{self.a} and {self.b}: {self.words}"]
        out.append(
            f"kinship f = {KINSHIP.text(self.kinship)} "
            f"(relationship 2f = {KINSHIP.text(2 * self.kinship)})"
        )
        if not self.common:
            return out
        out.append(f"{counted(len(self.common), 'common ancestor')}, by share of the kinship:")
        for s in self.common[:limit]:
            percent = 100 * s.share / self.kinship if self.kinship > 0 else 0.0
            n1, n2 = s.generations
            pairs = counted(s.pairs, "path pair") if s.pairs is not None else "very many path pairs"
            route = ""
            if s.path_a:
                route = ": " + " → ".join([" ← ".join(s.path_a), *reversed(s.path_b[:-1])])
            chance = "" if s.certain else f", possible parentage {PROBABILITY.text(s.probability)}"
            out.append(
                f"  {s.id}: {KINSHIP.text(s.share)} ({percent:.0f} %), {pairs}, "
                f"nearest {n1}+{n2} generations{route}"
                f" (F of {s.id} {KINSHIP.text(s.inbreeding)}{chance})"
            )
        rest = self.common[limit:]
        if rest:
            out.append(
                f"  ... and {len(rest)} more, together {KINSHIP.text(sum(s.share for s in rest))}"
            )
        return out


def relationship(explorer: Explorer, a: str, b: str) -> Relationship:
    """How ``a`` and ``b`` are related (module docstring); shares sum to their kinship.

    Raises :class:`~studbook.errors.UnknownAnimalError` for an unknown id.

    Examples
    --------
    >>> from studbook.pedigree import Pedigree
    >>> ped = Pedigree.from_cells(["S", "D1", "D2", "X", "Y"], ["", "", "", "S", "S"],
    ...                           ["", "", "", "D1", "D2"], ["M", "F", "F", "M", "F"])
    >>> r = relationship(Explorer(ped), "X", "Y")
    >>> r.words, r.kinship, [(s.id, s.share, s.path_a, s.path_b) for s in r.common]
    ('paternal half-sibs through S', 0.125, [('S', 0.125, ('X', 'S'), ('Y', 'S'))])
    """
    import networkx as nx

    if a == b:
        f_a = explorer.inbreeding_of([a])[a]
        return Relationship(a, b, (1.0 + f_a) / 2, "the same animal (f = (1 + F) / 2)")
    graph = explorer.ancestry([a, b])  # every path up from a and b is in it
    upward = graph.reverse(copy=False)
    up_a = nx.single_source_shortest_path_length(upward, a)
    up_b = nx.single_source_shortest_path_length(upward, b)
    rank = explorer.rank_of(graph)
    common = sorted((x for x in up_a if x in up_b), key=rank.__getitem__, reverse=True)
    if not common:
        return Relationship(a, b, 0.0, _words(graph, a, b, []))
    f = explorer.inbreeding_of(common)
    weight, certain, count = _meeting_only_at(graph, rank, a, b, common, set(up_a) | set(up_b))
    shares = []
    for k, ancestor in enumerate(common):
        if weight[k] <= 0 and certain[k] <= 0:
            continue
        shares.append(
            AncestorShare(
                id=ancestor,
                share=float(weight[k]) * (1.0 + f[ancestor]) / 2,
                pairs=None if count is None else round(float(count[k])),
                generations=(up_a[ancestor], up_b[ancestor]),
                path_a=(),
                path_b=(),
                inbreeding=f[ancestor],
                certain=bool(certain[k] > 0),
                probability=1.0,
            )
        )
    shares.sort(key=lambda s: (-s.share, s.generations, s.id))
    nearest = _nearest(shares)
    sides = ((a, set(up_a)), (b, set(up_b)))
    traced = [
        _traced(graph, sides, s) if k < TRACED or s in nearest else s for k, s in enumerate(shares)
    ]
    total = float(sum(s.share for s in traced))
    return Relationship(a, b, total, _words(graph, a, b, traced), tuple(traced))


def _meeting_only_at(
    graph: nx.DiGraph,
    rank: Mapping[str, int],
    a: str,
    b: str,
    common: list[str],
    ancestry: set[str],
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any] | None]:
    """``W_A`` of every common ancestor (youngest first, as ``common``): over all paths, over
    paths of recorded parents only, and the number of path pairs (``None`` when the counts
    pass 2^52 and floats would no longer count exactly). Tiny values from rounding are 0.
    ``graph`` holds the two animals' ancestry; ``rank`` orders it parents first."""
    sources = [a, b, *common]
    row = {x: k for k, x in enumerate(sources) if k < 2 or x not in (a, b)}
    order = sorted(ancestry, key=rank.__getitem__, reverse=True)
    column = {x: k for k, x in enumerate(order)}
    flows = np.zeros((3, len(sources), len(order)))  # weight, recorded only, count
    for k, x in enumerate(sources):
        flows[:, k, column[x]] = 1.0
    for x in order:  # offspring before parents: a node's flows are complete when reached
        here = flows[:, :, column[x]]
        for parent, d in graph.pred[x].items():
            step = np.array([d["probability"] / 2, 0.0 if d["mult"] else 0.5, 1.0])
            flows[:, :, column[parent]] += step[:, None] * here
    at = [column[x] for x in common]
    through = flows[:, [row[x] for x in common]][:, :, at]  # [kind, B, A]: flow from B to A
    both = flows[:, 0, at] * flows[:, 1, at]
    met = np.zeros_like(both)
    for k in range(len(common)):
        met[:, k] = both[:, k] - np.einsum("ij,ij->i", met[:, :k], through[:, :k, k] ** 2)
    kept = met[:2] > NEGLIGIBLE * both[:2]
    exact = bool(both[2].max() < 2.0**52)
    return (
        np.where(kept[0], met[0], 0.0),
        np.where(kept[1], met[1], 0.0),
        met[2] if exact else None,
    )


def _nearest(shares: list[AncestorShare]) -> list[AncestorShare]:
    """The common ancestors with the fewest generations to both animals (then the most even
    split: cousins before great-aunts)."""
    if not shares:
        return []
    best = min((sum(s.generations), abs(s.generations[0] - s.generations[1])) for s in shares)
    return [
        s for s in shares if (sum(s.generations), abs(s.generations[0] - s.generations[1])) == best
    ]


def _traced(
    graph: nx.DiGraph,
    sides: tuple[tuple[str, set[str]], tuple[str, set[str]]],
    share: AncestorShare,
    limit: int = 12,
) -> AncestorShare:
    """``share`` with a short pair of paths meeting only at its ancestor: the first disjoint
    pair met while taking up to ``limit`` paths from each side, shortest first, in turns (none
    if not found). ``sides`` holds each animal with its ancestors (itself included), ``graph``
    their ancestry."""
    import networkx as nx

    ancestor = share.id
    ancestry = sides[0][1] | sides[1][1]
    below = {ancestor}
    todo = [ancestor]
    while todo:  # the ancestor's descendants among the two animals' ancestors
        for child in graph.succ[todo.pop()]:
            if child in ancestry and child not in below:
                below.add(child)
                todo.append(child)

    def paths(start: str, above: set[str]) -> Iterator[list[str]]:
        allowed = below & above
        upward = nx.DiGraph()
        upward.add_node(start)
        upward.add_edges_from((x, p) for x in allowed for p in graph.pred[x] if p in allowed)
        return itertools.islice(nx.shortest_simple_paths(upward, start, ancestor), limit)

    # Paths come shortest first from each side, in turns; the first disjoint pair wins.
    found: tuple[list[list[str]], list[list[str]]] = ([], [])
    sources = [paths(start, above) for start, above in sides]
    for turn in itertools.chain.from_iterable(itertools.repeat((0, 1), limit)):
        path = next(sources[turn], None)
        if path is None:
            continue
        found[turn].append(path)
        for other in found[1 - turn]:
            pa, pb = (path, other) if turn == 0 else (other, path)
            if set(pa) & set(pb) == {ancestor}:
                chance = _probability(graph, pa) * _probability(graph, pb)
                return AncestorShare(
                    share.id, share.share, share.pairs, share.generations, tuple(pa),
                    tuple(pb), share.inbreeding, share.certain, chance,
                )  # fmt: skip
    return share


def _probability(graph: nx.DiGraph, path: list[str]) -> float:
    """The product of the parentage probabilities along a path (1 without MULT links)."""
    return math.prod(float(graph[p][c]["probability"]) for c, p in itertools.pairwise(path))


# --------------------------------------------------------------------------- words
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
_TIMES = {1: "once", 2: "twice", 3: "three times"}


def _ordinal(n: int) -> str:
    return _ORDINALS[n - 1] if n <= len(_ORDINALS) else f"{n}th"


def _greats(n: int) -> str:
    """``""``, ``"great-"``, ``"great-great-"``, then ``"3× great-"``."""
    return "great-" * n if n <= 2 else f"{n}× great-"


def _sexed(sex: str, male: str, female: str) -> str:
    return {"M": male, "F": female}.get(sex, f"{female} or {male}")


def _words(graph: nx.DiGraph, a: str, b: str, common: list[AncestorShare]) -> str:
    """The nearest relationship in a keeper's words (module docstring); ``graph`` holds the
    two animals' ancestry."""
    near = _nearest(common)
    if not near:
        return "not related through the recorded pedigree (no common ancestor)"
    through = [s for s in near if s.certain] or near  # recorded parentage names it
    possible = sorted(s.id for s in near if s not in through)
    nearest = through[0]
    n1, n2 = nearest.generations
    sex = {x: str(graph.nodes[x]["sex"]) for x in (a, b)}
    names = " and ".join(sorted(s.id for s in through))
    half = "" if len(through) >= 2 else "half-"
    if n1 == 0 or n2 == 0:
        elder, younger, n = (a, b, n2) if n1 == 0 else (b, a, n1)
        if n == 1:
            role = str(graph[elder][younger]["role"])
            words = f"parent and offspring ({elder} is the {role} of {younger})"
        else:
            grand = _greats(n - 2) + "grand"
            words = f"{grand}parent and {grand}child ({elder} is a {grand}parent of {younger})"
    elif n1 == n2 == 1:
        if half:
            role = str(graph[nearest.id][a]["role"])
            side = "paternal" if role == "sire" else "maternal"
            words = f"{side} half-sibs through {names}"
        else:
            words = f"full sibs (same sire and dam: {names})"
    elif min(n1, n2) == 1:
        elder, younger, n = (a, b, n2) if n1 == 1 else (b, a, n1)
        great = _greats(n - 2)
        aunt = _sexed(sex[elder], "uncle", "aunt")
        niece = _sexed(sex[younger], "nephew", "niece")
        words = f"{half}{great}{aunt} and {half}{great}{niece} through {names}"
    else:
        degree, removed = min(n1, n2) - 1, abs(n1 - n2)
        words = f"{half.replace('-', ' ')}{_ordinal(degree)} cousins"
        if removed:
            words += f" {_TIMES.get(removed, f'{removed} times')} removed"
        words += f" through {names}"
    if not nearest.certain:
        words = f"possibly {words} ({PROBABILITY.label}={PROBABILITY.text(nearest.probability)})"
    elif possible:
        words += f"; possibly also through {' and '.join(possible)} (MULT parents)"
    return words
