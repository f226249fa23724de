"""Breeding recommendations over time: who must not breed, issued plans and what became of them.

Two kinds of record a coordinator keeps beside the pedigree (stored by :mod:`db.recommendations`,
read here so that every front applies the same rules):

* a **breeding hold** (:class:`BreedingHold`): an animal marked not to breed for a reason
  (health, behaviour, age, contraception, other), with a note and the dates it holds from and
  until (both optional, both included). An animal with a hold on the census date is left out of
  the breeding candidates, and the plan lists it with the reason;
* an **issued plan** (:class:`IssuedPlan`): a breeding plan sent to the institutions, numbered
  1, 2, ... (its version), dated, with the settings it used and its headline figures, and one
  :class:`Recommendation` per pair. Each recommendation's **outcome** is ``open`` until the
  coordinator records it as ``fulfilled`` (the pair produced young), ``attempted`` (put
  together, no young) or ``not attempted`` (never put together), with a reason.

From the history (:class:`PlanHistory`) the breeding plan takes the programme's **success
rate** (fulfilled / recorded, :func:`studbook.plan_size.success_rate`) and the animals with an
**open move**: an open recommendation that moves an animal still stands, so a new plan does not
move that animal again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from studbook.limits import text_problem
from studbook.present import counted

__all__ = [
    "HOLD_REASONS",
    "OUTCOMES",
    "REASON_LENGTH",
    "BreedingHold",
    "IssuedPlan",
    "PlanHistory",
    "Recommendation",
    "holds_on",
    "reason_problem",
]

HOLD_REASONS = ("health", "behaviour", "age", "contraception", "other")
"""Why an animal is marked not to breed."""

OUTCOMES = ("open", "fulfilled", "attempted", "not attempted")
"""What became of a recommendation: ``open`` until recorded; ``fulfilled`` = young born,
``attempted`` = put together without young, ``not attempted`` = never put together."""

REASON_LENGTH = 500
"""Longest note on a hold or an outcome."""


def reason_problem(text: str) -> str | None:
    """What is wrong with a typed reason (control characters, length), or ``None``."""
    return text_problem(text, REASON_LENGTH, "the reason")


@dataclass(frozen=True)
class BreedingHold:
    """An animal marked not to breed (module docstring); ``start``/``end`` ``None`` = open.

    >>> h = BreedingHold("612", "health", "lame", date(2026, 1, 1), date(2026, 12, 31))
    >>> h.active_on(date(2026, 6, 1)), h.active_on(date(2027, 1, 1))
    (True, False)
    >>> h.describe()
    'health: lame (from 2026-01-01 until 2026-12-31)'
    """

    animal: str
    kind: str
    reason: str = ""
    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        if self.kind not in HOLD_REASONS:
            raise ValueError(f"reason kind must be one of {', '.join(HOLD_REASONS)}")
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"the hold ends ({self.end}) before it starts ({self.start})")

    def active_on(self, day: date) -> bool:
        """Whether the hold applies on ``day`` (both ends included)."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def describe(self) -> str:
        """Kind, note and dates, for the plan's list of animals kept out."""
        dates = " ".join(
            part
            for part in (
                f"from {self.start}" if self.start else "",
                f"until {self.end}" if self.end else "",
            )
            if part
        )
        note = f": {self.reason}" if self.reason else ""
        return f"{self.kind}{note}" + (f" ({dates})" if dates else "")


def holds_on(holds: Iterable[BreedingHold], day: date) -> dict[str, BreedingHold]:
    """The hold in force for each animal on ``day`` (the latest-starting when several are)."""
    out: dict[str, BreedingHold] = {}
    for hold in holds:
        if hold.active_on(day):
            known = out.get(hold.animal)
            if known is None or (hold.start or date.min) >= (known.start or date.min):
                out[hold.animal] = hold
    return out


@dataclass(frozen=True)
class Recommendation:
    """One recommended pair of an issued plan and what became of it.

    ``moving`` is the studbook id of the animal the plan moves (``''``: none), from
    ``move_from`` to ``move_to``.
    """

    number: int
    male: str
    female: str
    moving: str = ""
    move_from: str = ""
    move_to: str = ""
    outcome: str = "open"
    reason: str = ""
    recorded_on: date | None = None

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}")

    @property
    def move(self) -> str:
        """The move as a coordinator reads it (``525 AZA1 -> TALLINN``), or ``none``."""
        if not self.moving:
            return "none"
        return f"{self.moving} {self.move_from or '?'} -> {self.move_to or '?'}"


@dataclass(frozen=True)
class IssuedPlan:
    """A plan as issued: its version number, date, author, settings and headline figures."""

    version: int
    issued_on: date
    issued_by: str
    settings: Mapping[str, str]
    figures: Mapping[str, Any]
    recommendations: tuple[Recommendation, ...] = ()
    note: str = ""

    def fulfilment(self) -> dict[str, int]:
        """How many recommendations have each outcome (every outcome listed)."""
        counts = dict.fromkeys(OUTCOMES, 0)
        for rec in self.recommendations:
            counts[rec.outcome] += 1
        return counts

    def fulfilment_text(self) -> str:
        """``plan 2 (2026-11-30): 12 pairs: 3 fulfilled, 2 attempted, 1 not attempted, 6 open``."""
        counts = self.fulfilment()
        parts = ", ".join(f"{counts[o]} {o}" for o in OUTCOMES[1:] + OUTCOMES[:1])
        pairs = counted(len(self.recommendations), "pair")
        return f"plan {self.version} ({self.issued_on}): {pairs}: {parts}"


@dataclass(frozen=True)
class PlanHistory:
    """Every issued plan, oldest first."""

    plans: tuple[IssuedPlan, ...] = field(default_factory=tuple)

    @property
    def last(self) -> IssuedPlan | None:
        """The newest plan, ``None`` before the first."""
        return self.plans[-1] if self.plans else None

    def outcome_counts(self) -> tuple[int, int]:
        """(fulfilled, recorded) over every plan: the success rate's inputs."""
        fulfilled = recorded = 0
        for plan in self.plans:
            counts = plan.fulfilment()
            fulfilled += counts["fulfilled"]
            recorded += sum(counts.values()) - counts["open"]
        return fulfilled, recorded

    def open_moves(self) -> dict[str, str]:
        """Animals an open recommendation moves: id -> ``plan N: 525 A -> B``."""
        out: dict[str, str] = {}
        for plan in self.plans:
            for rec in plan.recommendations:
                if rec.outcome == "open" and rec.moving:
                    out[rec.moving] = f"plan {plan.version}: {rec.move}"
        return out
