"""How two animals are related: common ancestors, the paths through each, their kinship shares.

Wright's path-coefficient decomposition writes the kinship of ``X`` and ``Y`` as a sum over
their common ancestors ``A`` and over every pair of paths, ``X`` up to ``A`` in ``n1``
generations and ``Y`` up to ``A`` in ``n2``, that meet only at ``A``::

    f_XY = sum_A sum_paths (1/2)^(n1 + n2 + 1) (1 + F_A)

with ``F_A`` the inbreeding of ``A``. A MULT parent (one of several candidates) enters with its
probability: a path through it is weighted by that probability, which makes the sum equal the
engine's probability-weighted kinship (:func:`studbook.kinship.kinship`) on any pedigree.

The pairs are not listed one by one (a deep pedigree has millions): they are summed by dynamic
programming over pairs of animals ``(i, j)``, one on each side, always stepping up from the
younger one (the one later in parents-first order). That is the kinship recursion
``f_ij = sum_parents (p / 2) f_parent,j`` unrolled; a pair ends when both sides reach the same
animal ``A``, and each route that ends there is exactly one pair of paths meeting only at ``A``.
The same pass keeps, for each ancestor, the number of path pairs and the shortest pair, which
names the relationship in a keeper's words ("paternal half-sibs through 56", "first cousins
once removed", "parent and offspring").
"""

from __future__ import annotations

import heapq
import itertools
import math
from dataclasses import dataclass, field

from studbook.explorer import Explorer
from studbook.present import KINSHIP, PROBABILITY

__all__ = ["AncestorShare", "Relationship", "relationship"]


@dataclass(frozen=True)
class AncestorShare:
    """One common ancestor and its part of the kinship.

    ``share`` = sum over its path pairs of ``(1/2)^(n1+n2+1) (1 + F_A)`` (times the MULT
    probabilities on the paths); ``pairs`` counts the path pairs; ``path_a`` and ``path_b`` are
    the shortest pair (each from the animal up to the ancestor); ``certain``: some pair uses
    recorded parents only.
    """

    id: str
    share: float
    pairs: int
    path_a: tuple[str, ...]
    path_b: tuple[str, ...]
    inbreeding: float
    certain: bool
    probability: float
    """The product of MULT probabilities along the shortest pair (1 without MULT)."""

    @property
    def generations(self) -> tuple[int, int]:
        """(n1, n2) of the shortest pair."""
        return len(self.path_a) - 1, len(self.path_b) - 1


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
        ancestors by share (the first ``limit``) with their shortest paths."""
        out = [f"{self.a} and {self.b}: {self.words}"]
        out.append(
            f"kinship f = {KINSHIP.text(self.kinship)} "
            f"(relationship 2f = {KINSHIP.text(2 * self.kinship)})"
        )
        if not self.common:
            return out
        out.append(f"{len(self.common)} common ancestor(s), by share of the kinship:")
        for s in self.common[:limit]:
            percent = 100 * s.share / self.kinship if self.kinship > 0 else 0.0
            route = " → ".join([" ← ".join(s.path_a), *reversed(s.path_b[:-1])])
            n1, n2 = s.generations
            chance = "" if s.certain else f", possible parentage {PROBABILITY.text(s.probability)}"
            out.append(
                f"  {s.id}: {KINSHIP.text(s.share)} ({percent:.0f} %), "
                f"{s.pairs} path pair(s), shortest {n1}+{n2} generations: {route}"
                f" (F of {s.id} {KINSHIP.text(s.inbreeding)}{chance})"
            )
        rest = self.common[limit:]
        if rest:
            out.append(
                f"  ... and {len(rest)} more, together {KINSHIP.text(sum(s.share for s in rest))}"
            )
        return out


@dataclass
class _State:
    """A pair of animals reached from (X, Y): summed weights and the shortest route."""

    weight: float
    certain: float
    pairs: int
    steps: tuple[int, int]
    back: tuple[str, str] | None


def relationship(explorer: Explorer, a: str, b: str) -> Relationship:
    """How ``a`` and ``b`` are related (module docstring); shares sum to their kinship.

    Raises :class:`~studbook.errors.UnknownAnimalError` for an unknown id.

    Examples
    --------
    >>> from studbook.pedigree import Pedigree
    >>> ped = Pedigree.from_cells(["S", "D1", "D2", "X", "Y"], ["", "", "", "S", "S"],
    ...                           ["", "", "", "D1", "D2"], ["M", "F", "F", "M", "F"])
    >>> r = relationship(Explorer(ped), "X", "Y")
    >>> r.words, r.kinship, [(s.id, s.share) for s in r.common]
    ('paternal half-sibs through S', 0.125, [('S', 0.125)])
    """
    explorer.parents(a)
    explorer.parents(b)
    graph = explorer.graph
    f = explorer.inbreeding
    if a == b:
        own = (1.0 + f[a]) / 2
        return Relationship(a, b, own, "the same animal (f = (1 + F) / 2)")
    rank = explorer.rank
    states = {(a, b): _State(1.0, 1.0, 1, (0, 0), None)}
    heap = [(-max(rank[a], rank[b]), a, b)]
    ends: dict[str, _State] = {}
    while heap:
        _, i, j = heapq.heappop(heap)
        state = states[(i, j)]
        if i == j:
            ends[i] = state
            continue
        side = 0 if rank[i] > rank[j] else 1
        younger = i if side == 0 else j
        for parent, edge in graph.pred[younger].items():
            key = (parent, j) if side == 0 else (i, parent)
            step = float(edge["probability"]) / 2
            steps = (state.steps[0] + (side == 0), state.steps[1] + (side == 1))
            nxt = states.get(key)
            if nxt is None:
                nxt = states[key] = _State(0.0, 0.0, 0, steps, (i, j))
                heapq.heappush(heap, (-max(rank[key[0]], rank[key[1]]), *key))
            elif _shorter(steps, nxt.steps):
                nxt.steps, nxt.back = steps, (i, j)
            nxt.weight += state.weight * step
            nxt.certain += 0.0 if edge["mult"] else state.certain * step
            nxt.pairs += state.pairs
    common = []
    for ancestor, state in ends.items():
        path_a, path_b = _route(states, ancestor)
        common.append(
            AncestorShare(
                id=ancestor,
                share=state.weight * (1.0 + f[ancestor]) / 2,
                pairs=state.pairs,
                path_a=path_a,
                path_b=path_b,
                inbreeding=f[ancestor],
                certain=state.certain > 0,
                probability=_probability(explorer, path_a) * _probability(explorer, path_b),
            )
        )
    common.sort(key=lambda s: (-s.share, s.generations, s.id))
    total = float(sum(s.share for s in common))
    return Relationship(a, b, total, _words(explorer, a, b, common), tuple(common))


def _shorter(steps: tuple[int, int], than: tuple[int, int]) -> bool:
    """Fewer generations in all; on a tie, the more even split (cousins before great-aunts)."""
    return (sum(steps), abs(steps[0] - steps[1])) < (sum(than), abs(than[0] - than[1]))


def _route(states: dict[tuple[str, str], _State], ancestor: str) -> tuple[tuple[str, ...], ...]:
    """The shortest pair of paths ending at ``ancestor``, each from its animal upward."""
    side_a: list[str] = []
    side_b: list[str] = []
    key: tuple[str, str] | None = (ancestor, ancestor)
    while key is not None:
        for path, animal in ((side_a, key[0]), (side_b, key[1])):
            if not path or path[-1] != animal:
                path.append(animal)
        key = states[key].back
    return tuple(reversed(side_a)), tuple(reversed(side_b))


def _probability(explorer: Explorer, path: tuple[str, ...]) -> float:
    """The product of the parentage probabilities along a path (1 without MULT links)."""
    graph = explorer.graph
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


def _words(explorer: Explorer, a: str, b: str, common: list[AncestorShare]) -> str:
    """The nearest relationship in a keeper's words (module docstring)."""
    if not common:
        return "not related through the recorded pedigree (no common ancestor)"
    nearest = min(
        common, key=lambda s: (sum(s.generations), abs(s.generations[0] - s.generations[1]))
    )
    n1, n2 = nearest.generations
    through = [s for s in common if s.generations == (n1, n2)]
    certain = [s for s in through if s.certain]
    if certain:
        through = certain
    graph = explorer.graph
    sex = {x: str(graph.nodes[x]["sex"]) for x in (a, b)}
    names = " and ".join(s.id for s in sorted(through, key=lambda s: s.id))
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
    if not certain:
        words = f"possibly {words} ({PROBABILITY.label}={PROBABILITY.text(nearest.probability)})"
    return words
