"""The real-world side of a breeding plan: proven pairs, moves, transfer costs and capacity.

A :class:`PlanConstraints` adds to the pairing rules of :mod:`studbook.breeding_plan`:

* **Who moves.** A pair at two institutions implies one move: the male goes to the female,
  unless an open recommendation of an issued plan already moves him (he is not moved twice,
  :meth:`studbook.recommendations.PlanHistory.open_moves`), then the female goes to him; when
  both are already being moved the pair is not planned. With institution capacity set, the
  direction is whichever fits (the male's move preferred).
* **Transfer costs** enter the objective: a pair at one institution costs 0, a move within a
  region ``transfer_cost_within_region``, a move between regions (or to or from an unknown
  region) ``transfer_cost_between_regions`` (settings). Costs are in MK units, the size-free
  scale of the MSI's GD value v = delta GD (N + 1)^2 / (2 N) (:class:`studbook.pairing.
  MsiTable`): a move between regions at 0.01 is worth as much as pairing animals whose mean MK
  is 0.01 lower. For the ``delta_gd`` objective a cost c is c x 2N / (N + 1)^2 in GD; for the
  ``offspring_f`` objective it is in kinship units as it stands.
* **Proven pairs** (a male and a female that have produced young together, both candidates,
  at the same institution now) are kept together unless genetics argue strongly against: each
  gets a bonus of ``proven_pair_margin`` (MK units, converted like the costs) in the objective,
  so the optimum splits one only when pairing its animals otherwise gains more than the margin.
  For every proven pair the plan reports by how much: the best plan with the pair kept against
  the best plan with it split (:func:`proven_pair_costs`).
* **Capacity**: ``spare[institution] = (males, females)``, the places free for arrivals of each
  sex (capacity from the setting ``institution_capacity`` minus the animals held there now;
  ``None`` = no limit). Moves into an institution use its places; departures are not counted as
  freeing one (the plan is sent before anyone leaves).

With capacity the plan is an integer program (HiGHS through ``scipy.optimize.milp``, exact),
with one variable per allowed pair and direction; without it the direction follows from the
rule above and the plan stays an exact b-matching.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from studbook.pairing import PairingInputs
from studbook.pedigree import Pedigree

__all__ = [
    "MOVERS",
    "PlanConstraints",
    "PlanCosts",
    "proven_pairs",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MOVERS = ("none", "male", "female")
"""Who a planned pair moves: codes 0 (same institution), 1 (the male), 2 (the female)."""


@dataclass(frozen=True)
class PlanConstraints:
    """The real-world constraints of a plan (module docstring); the defaults add none.

    ``proven`` holds (male id, female id) pairs; ``open_moves`` maps an animal an open
    recommendation moves to that recommendation (for the report); ``spare`` maps an institution
    to its free places (males, females); ``names`` maps ids to house names for the plan's rows.
    """

    proven: frozenset[tuple[str, str]] = frozenset()
    proven_margin: float = 0.0
    open_moves: Mapping[str, str] = field(default_factory=dict)
    spare: Mapping[str, tuple[int | None, int | None]] = field(default_factory=dict)
    transfer_cost_within_region: float = 0.0
    transfer_cost_between_regions: float = 0.0
    names: Mapping[str, str] = field(default_factory=dict)

    def costs(self, inputs: PairingInputs, unit: float) -> PlanCosts:
        """The constraint arrays for ``inputs``; ``unit`` converts MK units to the objective's
        (2N / (N + 1)^2 for delta GD, 1 for offspring F)."""
        transfer = inputs.transfers()
        moves = transfer != 0
        cost = np.where(
            transfer == 1,
            self.transfer_cost_within_region,
            np.where(moves, self.transfer_cost_between_regions, 0.0),
        )
        fixed_m = np.array([a in self.open_moves for a in inputs.male_ids], bool)
        fixed_f = np.array([a in self.open_moves for a in inputs.female_ids], bool)
        male_can = moves & ~fixed_m[:, None]
        female_can = moves & ~fixed_f[None, :]
        proven = np.zeros(transfer.shape, bool)
        if self.proven:
            row = {a: k for k, a in enumerate(inputs.male_ids)}
            col = {a: k for k, a in enumerate(inputs.female_ids)}
            for m, f in self.proven:
                if m in row and f in col:
                    proven[row[m], col[f]] = True
        return PlanCosts(
            allowed=~moves | male_can | female_can,
            cost=cost * unit,
            bonus=np.where(proven, self.proven_margin * unit, 0.0),
            proven=proven,
            male_can_move=male_can,
            female_can_move=female_can,
            margin=self.proven_margin * unit,
        )


@dataclass(frozen=True, eq=False)
class PlanCosts:
    """The males x females arrays a plan solves with (objective units)."""

    allowed: BoolArray
    cost: FloatArray
    bonus: FloatArray
    proven: BoolArray
    male_can_move: BoolArray
    female_can_move: BoolArray
    margin: float

    def default_movers(self) -> npt.NDArray[np.int8]:
        """Who each pair moves without capacity limits: none, else the male if he may, else the
        female (codes of :data:`MOVERS`)."""
        out = np.where(self.male_can_move, 1, np.where(self.female_can_move, 2, 0))
        return out.astype(np.int8)


def proven_pairs(
    ped: Pedigree,
    male_ids: tuple[str, ...],
    female_ids: tuple[str, ...],
    location_male: tuple[str, ...],
    location_female: tuple[str, ...],
) -> frozenset[tuple[str, str]]:
    """Candidate pairs that have produced young together and are at the same (known)
    institution: the pairs a plan keeps unless genetics argue strongly against.

    >>> ped = Pedigree.from_cells(["m", "f", "c", "g"], ["", "", "m", ""], ["", "", "f", ""],
    ...                           ["M", "F", "F", "F"])
    >>> sorted(proven_pairs(ped, ("m",), ("f", "g"), ("ZOO",), ("ZOO", "ZOO")))
    [('m', 'f')]
    >>> sorted(proven_pairs(ped, ("m",), ("f",), ("ZOO",), ("PARK",)))
    []
    """
    both = (ped.sire >= 0) & (ped.dam >= 0)
    bred = set(zip(ped.sire[both].tolist(), ped.dam[both].tolist(), strict=True))
    at_m = dict(zip(male_ids, location_male, strict=True))
    at_f = dict(zip(female_ids, location_female, strict=True))
    out = set()
    for s, d in bred:
        m, f = ped.ids[s], ped.ids[d]
        if m in at_m and f in at_f and at_m[m] and at_m[m] == at_f[f]:
            out.add((m, f))
    return frozenset(out)
