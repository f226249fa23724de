"""A breeding plan changed by hand: the coordinator's edits on top of the recommended plan.

A :class:`DraftPlan` starts from the recommended plan's pairs
(:attr:`studbook.recommended_plan.RecommendedPlan.plan`, whatever method chose them) and takes
one :class:`DraftEdit` at a time, each setting one living animal's disposition:

* **BREED WITH** a mate of the other sex (the animal leaves its old pair, if any);
* **DO NOT BREED**, with the reason (required);
* **HOLD**, with an optional reason;
* **SEND TO** an institution of the studbook (a transfer without a mate).

Every other animal keeps the disposition the rules give it (:mod:`studbook.dispositions`): an
animal whose mate was taken away becomes DO NOT BREED ("not paired in this plan").

An edit that breaks a rule is refused with a :class:`DraftRefusal` saying which rule, and the
draft does not change (:meth:`DraftPlan.apply` returns a new draft). The rules:

* the animal (and the mate) are living on the plan's census date;
* BREED WITH: the two are of opposite sexes (M and F), both breeding candidates (not on a
  breeding hold, of breeding age, ...), not already paired together, the mate not paired with
  another animal nor set aside by hand in this draft, and their kinship (the offspring's F)
  below the plan's kinship limit;
* DO NOT BREED says why; a reason has no control characters and at most
  :data:`~studbook.recommendations.REASON_LENGTH` characters;
* SEND TO names an institution of the studbook other than the animal's own.

Its genetics (:meth:`DraftPlan.genetics`) are the exact next-generation figures of its pairs
(:func:`studbook.next_generation.next_generation`: GD of P plus one offspring per pair, mean
offspring F, the offspring's flagged-founder share), with the transfers it asks for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from studbook.breeding_plan import Plan, PlannedPair, PlanSettings, pair_score
from studbook.dispositions import AnimalDisposition, AnimalStanding, Disposition
from studbook.errors import StudbookError
from studbook.kinship import kinship_matrix
from studbook.next_generation import NextGeneration, NextGenerationInputs, next_generation
from studbook.pairing import (
    TRANSFER_LABELS,
    PairingInputs,
    PairingTable,
    location_codes,
    pairing_delta_gd,
    transfer_codes,
)
from studbook.pedigree import Pedigree
from studbook.recommendations import reason_problem

if TYPE_CHECKING:
    from studbook.analysis import Analysis
    from studbook.recommended_plan import RecommendedPlan

__all__ = [
    "EDITABLE",
    "DraftContext",
    "DraftEdit",
    "DraftGenetics",
    "DraftPlan",
    "DraftRefusal",
    "MateCandidate",
    "PlanToIssue",
    "draft_context",
    "plan_dispositions",
    "plan_to_issue",
]

EDITABLE = (Disposition.BREED_WITH, Disposition.DO_NOT_BREED, Disposition.HOLD, Disposition.SEND_TO)
"""The dispositions a coordinator sets by hand (RECEIVE FROM follows from a mate's SEND TO)."""

IntArray = npt.NDArray[np.int64]


class DraftRefusal(StudbookError):
    """An edit the plan's rules do not allow; the draft is unchanged."""


def plan_dispositions(
    animals: Sequence[AnimalStanding], pairs: Sequence[PlannedPair], *, mover: str = "M"
) -> tuple[AnimalDisposition, ...]:
    """:func:`~studbook.dispositions.dispositions` for a plan's pairs, moving the animal each
    pair's :attr:`~studbook.breeding_plan.PlannedPair.mover` names (else the ``mover`` sex)."""
    from studbook.dispositions import dispositions

    moving = {p.male if p.mover == "male" else p.female for p in pairs if p.mover != "none"}
    return dispositions(animals, [(p.male, p.female) for p in pairs], mover=mover, moving=moving)


@dataclass(frozen=True)
class DraftEdit:
    """One change: ``animal`` gets ``disposition`` (one of :data:`EDITABLE`), with ``mate`` for
    BREED WITH, ``institution`` for SEND TO and ``reason`` (DO NOT BREED, HOLD, SEND TO)."""

    animal: str
    disposition: Disposition
    mate: str = ""
    reason: str = ""
    institution: str = ""

    def describe(self) -> str:
        """``612 BREED WITH 525``, ``612 DO NOT BREED (lame)``, ``612 SEND TO KENT``."""
        what = f"{self.animal} {self.disposition.value}"
        if self.disposition is Disposition.BREED_WITH:
            what += f" {self.mate}"
        elif self.disposition is Disposition.SEND_TO:
            what += f" {self.institution}"
        return what + (f" ({self.reason})" if self.reason else "")


@dataclass(frozen=True, eq=False)
class DraftContext:
    """What the rules need, the same for every version of a draft: the living animals'
    standings, the breeding candidates (:class:`~studbook.pairing.PairingInputs`) and their
    pedigree, the plan's kinship limit, the studbook's institutions, the breeding holds in
    force (id -> text) and the sex that travels to a mate held elsewhere (``M`` or ``F``)."""

    standings: tuple[AnimalStanding, ...]
    pairing: PairingInputs
    pedigree: Pedigree
    kinship_limit: float
    institutions: frozenset[str]
    held: Mapping[str, str]
    mover: str = "M"
    settings: PlanSettings = field(default_factory=PlanSettings)
    """The plan's settings: how a pair changed by hand is scored (objective, region penalty)."""

    @cached_property
    def standing(self) -> dict[str, AnimalStanding]:
        return {a.id: a for a in self.standings}

    @cached_property
    def male_at(self) -> dict[str, int]:
        return {a: k for k, a in enumerate(self.pairing.male_ids)}

    @cached_property
    def female_at(self) -> dict[str, int]:
        return {a: k for k, a in enumerate(self.pairing.female_ids)}

    def next_generation_inputs(
        self, males: IntArray, females: IntArray
    ) -> tuple[NextGenerationInputs, IntArray, IntArray]:
        """The inputs of :func:`~studbook.next_generation.next_generation` for the candidates
        ``males`` and ``females`` only (indices into :attr:`pairing`), and the pairs' indices
        into them: the kinship matrix of a plan's parents, not of every candidate (which grows
        with the square of the candidates)."""
        m, at_m = np.unique(males, return_inverse=True)
        f, at_f = np.unique(females, return_inverse=True)
        p = self.pairing
        sub = replace(
            p,
            male_ids=tuple(p.male_ids[k] for k in m.tolist()),
            female_ids=tuple(p.female_ids[k] for k in f.tolist()),
            kinship=p.kinship[np.ix_(m, f)],
            mk_male=p.mk_male[m],
            mk_female=p.mk_female[f],
            known_male=p.known_male[m],
            known_female=p.known_female[f],
            flagged_male=p.flagged_male[m],
            flagged_female=p.flagged_female[f],
            location_male=tuple(p.location_male[k] for k in m.tolist()),
            location_female=tuple(p.location_female[k] for k in f.tolist()),
            region_male=tuple(p.region_male[k] for k in m.tolist()),
            region_female=tuple(p.region_female[k] for k in f.tolist()),
            contracepted_male=p.contracepted_male[m],
            contracepted_female=p.contracepted_female[f],
        )
        ids = [*sub.male_ids, *sub.female_ids]
        kinship = kinship_matrix(self.pedigree, ids) if ids else np.zeros((0, 0))
        return NextGenerationInputs(sub, kinship), at_m.astype(np.int64), at_f.astype(np.int64)


@dataclass(frozen=True)
class DraftGenetics:
    """The draft's figures: its pairs' next generation (:class:`NextGeneration`), how many
    animals it sends elsewhere (pairs' movers and SEND TO) and the edits behind it."""

    next: NextGeneration
    moves: int
    edits: int


@dataclass(frozen=True)
class MateCandidate:
    """A possible mate, as the pairing ranker scored the pair: rank among the animal's
    candidates, kinship (offspring F), ΔGD, MSI, where the mate is, and why the pair is not
    allowed in this draft (``""``: allowed)."""

    rank: int
    mate: str
    kinship: float
    delta_gd: float
    msi: str
    location: str
    refused: str


@dataclass(frozen=True)
class DraftPlan:
    """The recommended plan with the coordinator's edits (module docstring).

    ``pairs`` are the plan's pairs now; ``set_aside`` the animals given a disposition by hand
    other than BREED WITH; ``edits`` every accepted edit, in order.
    """

    context: DraftContext
    base: Plan
    pairs: tuple[PlannedPair, ...]
    set_aside: Mapping[str, DraftEdit] = field(default_factory=dict)
    edits: tuple[DraftEdit, ...] = ()

    @classmethod
    def start(cls, context: DraftContext, plan: Plan) -> DraftPlan:
        """The draft before any edit: ``plan``'s pairs."""
        return cls(context, plan, plan.pairs)

    def mate_of(self, animal: str) -> str | None:
        """The animal's mate in this draft, ``None`` when it is not paired."""
        for p in self.pairs:
            if animal in (p.male, p.female):
                return p.female if p.male == animal else p.male
        return None

    # ------------------------------------------------------------------ the rules
    def _living(self, animal: str, role: str) -> AnimalStanding:
        found = self.context.standing.get(animal)
        if found is None:
            raise DraftRefusal(f"{role} {animal!r} is not a living animal on the plan's date")
        return found

    def _breeder(self, animal: AnimalStanding) -> None:
        """Refuse an animal that is not a breeding candidate, saying why."""
        ctx = self.context
        where = ctx.male_at if animal.sex == "M" else ctx.female_at
        if animal.id in where:
            return
        if animal.id in ctx.held:
            raise DraftRefusal(
                f"{animal.id} is on a breeding hold ({ctx.held[animal.id]}); end the hold "
                "before pairing it"
            )
        why = animal.in_population or animal.not_candidate or "sex unknown"
        raise DraftRefusal(f"{animal.id} is not a breeding candidate: {why}")

    def refusal(self, edit: DraftEdit) -> str | None:
        """Why ``edit`` is refused (module docstring), ``None`` when it is allowed."""
        try:
            self._check(edit)
        except DraftRefusal as exc:
            return str(exc)
        return None

    def _check(self, edit: DraftEdit) -> None:
        animal = self._living(edit.animal, "animal")
        if edit.disposition not in EDITABLE:
            raise DraftRefusal(
                f"{edit.disposition.value} is not set by hand; choose one of "
                + ", ".join(d.value for d in EDITABLE)
            )
        if (problem := reason_problem(edit.reason)) is not None:
            raise DraftRefusal(problem)
        if edit.disposition is Disposition.BREED_WITH:
            self._check_pair(animal, edit.mate)
        elif edit.disposition is Disposition.DO_NOT_BREED and not edit.reason.strip():
            raise DraftRefusal(f"say why {animal.id} should not breed (the reason)")
        elif edit.disposition is Disposition.SEND_TO:
            if not edit.institution:
                raise DraftRefusal(f"choose the institution to send {animal.id} to")
            if edit.institution not in self.context.institutions:
                raise DraftRefusal(
                    f"unknown institution {edit.institution!r}: not in the studbook's institutions"
                )
            if edit.institution == animal.institution:
                raise DraftRefusal(f"{animal.id} is already at {edit.institution}")

    def _check_pair(self, animal: AnimalStanding, mate_id: str) -> None:
        self._breeder(animal)
        if not mate_id:
            raise DraftRefusal(f"choose a mate for {animal.id}")
        mate = self._living(mate_id, "mate")
        if {animal.sex, mate.sex} != {"M", "F"}:
            raise DraftRefusal(
                f"{animal.id} ({animal.sex}) and {mate.id} ({mate.sex}) are not a male and a female"
            )
        self._breeder(mate)
        current = self.mate_of(animal.id)
        if current == mate.id:
            raise DraftRefusal(f"{animal.id} already breeds with {mate.id} in this plan")
        partner = self.mate_of(mate.id)
        if partner is not None:
            raise DraftRefusal(
                f"{mate.id} is already paired with {partner}; change {mate.id}'s disposition first"
            )
        if mate.id in self.set_aside:
            raise DraftRefusal(
                f"{mate.id} is set to {self.set_aside[mate.id].disposition.value} in this "
                f"draft; change {mate.id}'s disposition first"
            )
        male, female = (animal, mate) if animal.sex == "M" else (mate, animal)
        f = float(
            self.context.pairing.kinship[
                self.context.male_at[male.id], self.context.female_at[female.id]
            ]
        )
        limit = self.context.kinship_limit
        if f >= limit:
            raise DraftRefusal(
                f"{male.id} x {female.id}: kinship {f:.4f} is at or above the plan's limit "
                f"{limit:g}; their offspring would be too inbred"
            )

    # ------------------------------------------------------------------ edits
    def apply(self, edit: DraftEdit) -> DraftPlan:
        """The draft with ``edit`` made; raises :class:`DraftRefusal` (this draft unchanged)
        when a rule forbids it."""
        self._check(edit)
        pairs = tuple(p for p in self.pairs if edit.animal not in (p.male, p.female))
        set_aside = {a: e for a, e in self.set_aside.items() if a != edit.animal}
        if edit.disposition is Disposition.BREED_WITH:
            pairs += (self._pair(edit.animal, edit.mate),)
        else:
            set_aside[edit.animal] = edit
        return replace(self, pairs=pairs, set_aside=set_aside, edits=(*self.edits, edit))

    def _pair(self, a: str, b: str) -> PlannedPair:
        """The planned pair of ``a`` and ``b`` (the base plan's own when it had them)."""
        ctx = self.context
        male, female = (a, b) if ctx.standing[a].sex == "M" else (b, a)
        for p in self.base.pairs:
            if (p.male, p.female) == (male, female):
                return p
        i, j = ctx.male_at[male], ctx.female_at[female]
        inp = ctx.pairing
        f = float(inp.kinship[i, j])
        dgd = float(pairing_delta_gd(f, inp.mk_male[i], inp.mk_female[j], inp.mean_mk, inp.n))
        here, there = inp.location_male[i], inp.location_female[j]
        im, jf = location_codes([here], [there])
        rm, rf = location_codes([inp.region_male[i]], [inp.region_female[j]])
        transfer = int(transfer_codes(im, jf, rm, rf)[0, 0])
        between = TRANSFER_LABELS[transfer] == "between regions"
        mover = "none" if here == there else ("male" if ctx.mover == "M" else "female")
        return PlannedPair(
            male=male,
            female=female,
            delta_gd=dgd,
            offspring_f=f,
            mk_male=float(inp.mk_male[i]),
            mk_female=float(inp.mk_female[j]),
            transfer=TRANSFER_LABELS[transfer],
            score=float(pair_score(np.array(dgd), np.array(f), np.array(between), ctx.settings)),
            male_institution=here,
            female_institution=there,
            mover=mover,
        )

    # ------------------------------------------------------------------ what it gives
    def recommendations(self) -> tuple[AnimalDisposition, ...]:
        """One disposition per living animal (module docstring), in the standings' order."""
        out = []
        for rec in plan_dispositions(self.context.standings, self.pairs, mover=self.context.mover):
            edit = self.set_aside.get(rec.animal)
            if edit is not None:
                rec = AnimalDisposition(
                    rec.animal,
                    rec.institution,
                    edit.disposition,
                    counterpart=edit.institution,
                    notes=edit.reason
                    or ("transfer" if edit.disposition is Disposition.SEND_TO else "set by hand"),
                )
            out.append(rec)
        return tuple(out)

    def plan(self) -> Plan:
        """The draft's pairs as a :class:`~studbook.breeding_plan.Plan` (its totals summed
        the way a plan's are), for the document and for issuing."""
        if not self.edits:
            return self.base
        changes = "change" if len(self.edits) == 1 else "changes"
        return Plan.of(
            f"{self.base.method}, changed by hand ({len(self.edits)} {changes})", self.pairs
        )

    def genetics(self) -> DraftGenetics:
        """The exact next-generation figures of the draft's pairs, and its moves."""
        ctx = self.context
        males = np.array([ctx.male_at[p.male] for p in self.pairs], np.int64)
        females = np.array([ctx.female_at[p.female] for p in self.pairs], np.int64)
        inputs, at_m, at_f = ctx.next_generation_inputs(males, females)
        result = next_generation(inputs, at_m, at_f, method="draft")
        moves = sum(p.mover != "none" for p in self.pairs) + sum(
            e.disposition is Disposition.SEND_TO for e in self.set_aside.values()
        )
        return DraftGenetics(result, moves, len(self.edits))

    def mate_candidates(self, table: PairingTable, animal: str) -> list[MateCandidate]:
        """Every possible mate of ``animal``, each with why this draft would refuse the pair:
        the mates it allows first, then the refused ones, each group in the pairing ranker's
        order (``table`` ranks the same candidates; ``rank`` keeps the ranker's number). A
        keeper choosing a mate sees the choices first, not a screenful of mates already
        paired elsewhere."""
        standing = self._living(animal, "animal")
        if standing.sex == "M" and animal in self.context.male_at:
            rows = table.select(male=animal)
            mates = [(r.female, r.female_location, r) for r in rows]
        elif standing.sex == "F" and animal in self.context.female_at:
            rows = table.select(female=animal)
            mates = [(r.male, r.male_location, r) for r in rows]
        else:
            return []
        out = []
        for rank, (mate, location, row) in enumerate(mates, start=1):
            why = self.refusal(DraftEdit(animal, Disposition.BREED_WITH, mate=mate))
            out.append(
                MateCandidate(
                    rank, mate, row.offspring_f, row.delta_gd, row.msi, location, why or ""
                )
            )
        return sorted(out, key=lambda candidate: candidate.refused != "")


def draft_context(
    analysis: Analysis,
    recommended: RecommendedPlan,
    standings: Sequence[AnimalStanding],
    *,
    mover: str = "M",
) -> DraftContext:
    """The rules' inputs for drafts of ``recommended`` (the plan of ``analysis``)."""
    settings = recommended.plan.settings
    return DraftContext(
        standings=tuple(standings),
        pairing=analysis.pairing_inputs,
        pedigree=analysis.population.pedigree,
        kinship_limit=settings.kinship_limit,
        institutions=frozenset(analysis.book.institutions),
        held=dict(recommended.held),
        mover=mover,
        settings=settings,
    )


@dataclass(frozen=True)
class PlanToIssue:
    """What ``studbook plan issue`` stores (:func:`db.recommendations.issue_plan`): the pairs,
    the settings used (text) and the headline figures (JSON-ready)."""

    pairs: tuple[PlannedPair, ...]
    settings: dict[str, str]
    figures: dict[str, Any]


def plan_to_issue(
    analysis: Analysis, recommended: RecommendedPlan, draft: DraftPlan | None = None
) -> PlanToIssue:
    """The plan to store as issued: ``recommended`` as it stands, or changed by ``draft``
    (its pairs, and its edits listed in the settings under ``edits by hand``). Raises
    :class:`DraftRefusal` for a plan without pairs (nothing to issue)."""
    from studbook.plan_inputs import population_figures

    settings = dict(analysis.programme.as_text())
    if draft is not None and draft.edits:
        recommended = replace(recommended, plan=replace(recommended.plan, optimal=draft.plan()))
        settings["edits by hand"] = "; ".join(e.describe() for e in draft.edits)
    pairs = recommended.plan.optimal.pairs
    if not pairs:
        raise DraftRefusal("the plan has no pairs; nothing issued")
    return PlanToIssue(tuple(pairs), settings, recommended.figures() | population_figures(analysis))
