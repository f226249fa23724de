"""Parent tokens: how a sire or dam cell is written and what it means.

A parent cell holds one of

- empty, ``0`` or ``UNK``: unknown parent (an unrelated founder for kinship, unknown ancestry for
  % known);
- ``WILD``: wild-born parent (unique, unrelated to everyone but its descendants, a known founder);
- a studbook id: that animal;
- ``A:0.6|B:0.4`` or ``A|B``: MULT, one of several possible parents with probabilities that sum
  to 1 (equal shares when none are given). Only a cell with ``|`` is MULT, so a plain id may
  contain ``:``.

Ids are text: ``"0042"`` and ``"42"`` are different animals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

__all__ = [
    "PROBABILITY_TOLERANCE",
    "UNKNOWN_TOKEN",
    "UNKNOWN_TOKENS",
    "WILD_TOKEN",
    "ParentKind",
    "ParentSpec",
    "format_parent",
    "parse_parent",
]

PROBABILITY_TOLERANCE = 1e-6
UNKNOWN_TOKEN = "UNK"
"""The cell written for an unknown parent."""
UNKNOWN_TOKENS = frozenset({"", "0", UNKNOWN_TOKEN})
"""The cells read as an unknown parent."""
WILD_TOKEN = "WILD"
"""The cell of a wild-born parent."""


class ParentKind(Enum):
    """What is known about one parent."""

    KNOWN = "known"
    UNKNOWN = "unknown"
    WILD = "wild"
    MULT = "mult"


@dataclass(frozen=True, slots=True)
class ParentSpec:
    """One parent of one animal: its kind and, for KNOWN and MULT, the candidate ids.

    ``candidates`` pairs each possible parent id with its probability; KNOWN has exactly one
    candidate with probability 1.
    """

    kind: ParentKind
    candidates: tuple[tuple[str, float], ...] = ()

    @classmethod
    def known(cls, animal_id: str) -> ParentSpec:
        return cls(ParentKind.KNOWN, ((animal_id, 1.0),))

    @property
    def ids(self) -> tuple[str, ...]:
        """The candidate parent ids (empty for UNKNOWN and WILD)."""
        return tuple(c for c, _ in self.candidates)

    @property
    def probability_total(self) -> float:
        return math.fsum(p for _, p in self.candidates)


UNKNOWN = ParentSpec(ParentKind.UNKNOWN)
WILD = ParentSpec(ParentKind.WILD)


def _split_probability(part: str) -> tuple[str, float | None]:
    """Split ``"A:0.6"`` into ``("A", 0.6)``; an id without a numeric suffix keeps its colon."""
    head, sep, tail = part.rpartition(":")
    if not sep:
        return part.strip(), None
    try:
        return head.strip(), float(tail)
    except ValueError:
        return part.strip(), None


def parse_parent(token: str) -> ParentSpec:
    """Parse one parent cell.

    Raises ``ValueError`` with a reason for malformed MULT cells (an empty candidate, a
    probability that is not a number between 0 and 1, a candidate listed twice, or a mix of
    given and missing probabilities). Probabilities that do not sum to 1 are *not* an error
    here: callers report them with the line and field.

    >>> parse_parent("UNK").kind.value
    'unknown'
    >>> parse_parent("A:0.6|B:0.4").candidates
    (('A', 0.6), ('B', 0.4))
    >>> parse_parent("A|B").candidates
    (('A', 0.5), ('B', 0.5))
    """
    text = token.strip()
    if text.upper() in UNKNOWN_TOKENS:
        return UNKNOWN
    if text.upper() == WILD_TOKEN:
        return WILD
    if "|" not in text:
        return ParentSpec.known(text)
    parts = [_split_probability(p) for p in text.split("|")]
    if any(not name for name, _ in parts):
        raise ValueError(f"empty candidate in MULT parent {token!r}")
    names = [name for name, _ in parts]
    if len(set(names)) != len(names):
        raise ValueError(f"a candidate is listed twice in MULT parent {token!r}")
    given = [p for _, p in parts if p is not None]
    if given and len(given) != len(parts):
        raise ValueError(f"give a probability for every candidate or for none in {token!r}")
    if not given:
        share = 1.0 / len(parts)
        probabilities = [share] * len(parts)
    else:
        probabilities = [p for _, p in parts if p is not None]
        if any(not (0.0 <= p <= 1.0) or math.isnan(p) for p in probabilities):
            raise ValueError(f"probabilities must lie between 0 and 1 in {token!r}")
    return ParentSpec(ParentKind.MULT, tuple(zip(names, probabilities, strict=True)))


def format_parent(spec: ParentSpec) -> str:
    """Write a parent back as a cell; the exact inverse of :func:`parse_parent`.

    Equal shares are written without probabilities, others with ``repr`` so that every float
    reads back bit for bit.

    >>> format_parent(parse_parent("A:0.6|B:0.4"))
    'A:0.6|B:0.4'
    >>> format_parent(parse_parent("A|B|C"))
    'A|B|C'
    """
    if spec.kind is ParentKind.UNKNOWN:
        return UNKNOWN_TOKEN
    if spec.kind is ParentKind.WILD:
        return WILD_TOKEN
    if spec.kind is ParentKind.KNOWN:
        return spec.candidates[0][0]
    probabilities = [p for _, p in spec.candidates]
    if probabilities == [1.0 / len(probabilities)] * len(probabilities):
        return "|".join(spec.ids)
    return "|".join(f"{name}:{p!r}" for name, p in spec.candidates)
