"""From a studbook to the coordinator's analyses, with the same defaults for every front.

An :class:`Analysis` takes the whole :class:`~studbook.book.Studbook` (animals, events,
institutions and the programme's settings, :mod:`studbook.settings`) and
:class:`AnalysisSettings`, and computes on demand, once each: the reference
population P (living, not released, not lost to follow-up, not hypothetical; restricted as the
settings say), its genetics (MK over P, % known, flagged-founder shares), the breeding
candidates (contraception taken from the events and shown, not excluded), the pairing ranking,
the breeding plan, the release ranking and groups, and the population summary. The command line
and the terminal UI both call it, so their numbers agree.

Every analysis rests on the true record, or on the true record plus a named set of pedigree
assumptions (:mod:`studbook.assumptions`): the programme's setting ``assumption_set``, or
:attr:`AnalysisSettings.assumptions` for one run. :attr:`Analysis.book` is the pedigree analysed,
:attr:`Analysis.record_book` the true record; :meth:`Analysis.parameters` names which.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from typing import Any

import numpy as np

from studbook.assumptions import AssumptionSet, assumed_studbook, pedigree_label, resolve_set
from studbook.book import Studbook
from studbook.breeding_plan import BreedingPlan, Objective, PlanSettings, breeding_plan
from studbook.certainty import PedigreeCertainty, pedigree_certainty
from studbook.defaults import PlanObjective
from studbook.errors import StudbookError, UnknownAnimalError
from studbook.kinship import kinship_matrix
from studbook.next_generation import NextGenerationInputs
from studbook.pairing import PairingInputs, PairingTable, pairing_inputs, rank_pairings
from studbook.plan_constraints import PlanConstraints
from studbook.population import (
    Candidates,
    PopulationGenetics,
    ReferencePopulation,
    breeding_candidates,
    population_genetics,
    reference_population,
    release_why_not,
)
from studbook.recommendations import BreedingHold, holds_on
from studbook.recommended_plan import RecommendedPlan, recommended_plan
from studbook.release import (
    ReleaseGroup,
    ReleaseInputs,
    ReleaseRow,
    evaluate_release_group,
    rank_release_candidates,
    release_group,
    release_inputs,
)
from studbook.settings import ProgrammeSettings
from studbook.summary import PopulationSummary, population_summary

__all__ = ["Analysis", "AnalysisSettings"]


@dataclass(frozen=True)
class AnalysisSettings:
    """Who the analysis is about, and the programme's settings when not the studbook's own.

    ``census_date`` (ISO; default today), ``regions`` / ``institutions`` restrict P,
    ``exclude`` leaves named animals out of P, ``non_breeders`` / ``health_hold`` /
    ``release_ineligible`` name animals left out of the candidate lists. ``programme`` gives the
    species profile, founder flags, caps, limits and MSI thresholds (default: the studbook's
    settings, :attr:`studbook.book.Studbook.settings`). ``assumptions`` names the assumption
    set of this run.
    """

    census_date: str | None = None
    regions: tuple[str, ...] | None = None
    institutions: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    non_breeders: tuple[str, ...] = ()
    health_hold: tuple[str, ...] = ()
    release_ineligible: tuple[str, ...] = ()
    programme: ProgrammeSettings | None = None
    assumptions: str | None = None
    """The assumption set of this run (``'none'``: the true record); ``None``: the programme's
    setting ``assumption_set``."""

    def describe(self) -> dict[str, Any]:
        """The choices of this analysis for report headers (the programme's settings aside)."""
        out: dict[str, Any] = {}
        if self.non_breeders:
            out["non-breeders"] = ", ".join(self.non_breeders)
        if self.health_hold:
            out["health hold"] = ", ".join(self.health_hold)
        return out


class Analysis:
    """The analyses of one studbook under one set of settings (each computed once)."""

    def __init__(self, book: Studbook, settings: AnalysisSettings | None = None) -> None:
        self.settings = settings or AnalysisSettings()
        self.programme: ProgrammeSettings = self.settings.programme or book.settings
        """The programme's settings this analysis uses."""
        chosen = self.settings.assumptions
        self.assumptions: AssumptionSet | None = resolve_set(
            book.assumption_sets, self.programme.assumption_set if chosen is None else chosen
        )
        """The assumption set applied, ``None`` for the true record."""
        self.record_book = book
        """The true record."""
        self.book = assumed_studbook(book, self.assumptions)
        """The studbook analysed: the true record with the assumption set applied."""

    @property
    def pedigree_label(self) -> str:
        """What the analyses rest on, e.g. ``true record + assumption set 'litters'``."""
        return pedigree_label(self.assumptions.name if self.assumptions else None)

    @cached_property
    def census_date(self) -> date:
        text = self.settings.census_date
        return date.fromisoformat(text) if text else date.today()

    @cached_property
    def population(self) -> ReferencePopulation:
        """P at the census date, as the settings restrict it."""
        s = self.settings
        return reference_population(
            self.book.pedigree,
            census_date=self.census_date.isoformat(),
            regions=s.regions,
            institutions=s.institutions,
            institution_regions=self.book.institution_regions,
            exclude=s.exclude,
            released=self.book.ids_with_status("released", self.census_date),
            lost_to_followup=self.book.ids_with_status("LTF", self.census_date),
            living=self.book.living_ids(self.census_date),
        )

    @cached_property
    def genetics(self) -> PopulationGenetics:
        """MK over P, % known and flagged-founder shares."""
        return population_genetics(self.population, self.programme.founder_flags)

    @cached_property
    def candidates(self) -> Candidates:
        """Breeding candidates: P, known sex, breeding age, not non-breeders or on health hold."""
        s = self.settings
        return breeding_candidates(
            self.population,
            self.programme.profile,
            non_breeders=s.non_breeders,
            health_hold=s.health_hold,
            contracepted=sorted(self.book.contracepted(self.census_date)),
            not_breeding={a: f"not breeding: {h.kind}" for a, h in self.holds.items()},
        )

    @cached_property
    def holds(self) -> dict[str, BreedingHold]:
        """The breeding holds in force on the census date, by animal."""
        return holds_on(self.book.holds, self.census_date)

    @cached_property
    def pairing_inputs(self) -> PairingInputs:
        return pairing_inputs(self.candidates, self.genetics)

    @cached_property
    def next_generation_inputs(self) -> NextGenerationInputs:
        """The pairing inputs with the kinship matrix of every breeding candidate (males
        first), what plans are judged by (:mod:`studbook.next_generation`)."""
        inp = self.pairing_inputs
        ids = [*inp.male_ids, *inp.female_ids]
        ped = self.population.pedigree
        return NextGenerationInputs(inp, kinship_matrix(ped, ids) if ids else np.zeros((0, 0)))

    @cached_property
    def pairings(self) -> PairingTable:
        """Every male x female candidate pair, ranked (MSI, delta GD, offspring F, ids)."""
        return rank_pairings(self.pairing_inputs, self.programme.msi)

    def breeding_plan(
        self, plan: PlanSettings | None = None, constraints: PlanConstraints | None = None
    ) -> BreedingPlan:
        """The exact optimal plan beside the greedy MK-order plan (default parameters: the
        programme's kinship ceiling for P and region penalty, one pairing per animal, most
        pairs; no real-world constraints unless given). An empty plan says why: the candidate
        rules' counts, or the kinship limit."""
        settings = plan or self.programme.plan_settings(mean_mk=self.genetics.mean_mk)
        result = breeding_plan(self.pairing_inputs, settings, constraints)
        no_candidates = self.candidates.why_empty()
        if result.why_empty is not None and no_candidates is not None:
            result = replace(result, why_empty=no_candidates)
        return result

    def recommended_plan(
        self,
        *,
        objective: PlanObjective = "contributions",
        score: Objective = "delta_gd",
        max_per_animal: int = 1,
        n_pairs: int | None = None,
    ) -> RecommendedPlan:
        """The plan to send: sized by the programme's goals (or ``n_pairs``), under the
        real-world constraints, chosen by ``objective`` (default optimum contributions) with
        the per-pair ``score``, with its explanations (:mod:`studbook.recommended_plan`)."""
        return recommended_plan(
            self, objective=objective, score=score, max_per_animal=max_per_animal, n_pairs=n_pairs
        )

    @cached_property
    def release_inputs(self) -> ReleaseInputs:
        return release_inputs(
            self.population,
            self.programme.profile,
            self.genetics,
            ineligible=self.settings.release_ineligible,
        )

    def releases(self) -> list[ReleaseRow]:
        """Release candidates ranked by captive GD cost under the flagged-founder cap."""
        return rank_release_candidates(self.release_inputs, flagged_cap=self.programme.flagged_cap)

    def release_group(self, k: int, *, min_group_gd: float | None = None) -> ReleaseGroup:
        """The k candidates whose joint removal costs P the least GD (see ``release_group``),
        with the programme's sex ratio and largest kinship within the group; raises
        :class:`~studbook.release.NoReleaseGroupError` saying which constraint binds."""
        programme = self.programme
        return release_group(
            self.release_inputs,
            k,
            flagged_cap=programme.flagged_cap,
            min_group_gd=min_group_gd,
            sex_ratio=programme.release_sex_ratio,
            max_kinship=programme.release_kinship(self.genetics.mean_mk),
        )

    def evaluate_release_group(self, ids: Sequence[str]) -> ReleaseGroup:
        """The figures of a release group chosen by hand (see ``evaluate_release_group``).

        Raises :class:`UnknownAnimalError` for ids not in the studbook and
        :class:`StudbookError` naming each other id that is not a release candidate and why.
        """
        reasons = {
            animal: release_why_not(
                self.population,
                self.programme.profile,
                animal,
                ineligible=self.settings.release_ineligible,
            )
            for animal in self._known(ids)
        }
        refused = [f"{animal}: {why}" for animal, why in reasons.items() if why is not None]
        if refused:
            raise StudbookError("not release candidates: " + "; ".join(refused))
        return evaluate_release_group(
            self.release_inputs, ids, flagged_cap=self.programme.flagged_cap
        )

    def _known(self, ids: Sequence[str]) -> list[str]:
        """``ids``; raises :class:`UnknownAnimalError` naming every one not in the studbook."""
        unknown = [a for a in ids if a not in self.population.pedigree.index]
        if unknown:
            raise UnknownAnimalError(unknown)
        return list(ids)

    def candidate_reason(self, animal_id: str, sex: str) -> str | None:
        """Why ``animal_id`` is not a breeding candidate of ``sex``, or ``None``; raises
        :class:`UnknownAnimalError` when the studbook has no such animal."""
        return self.candidates.why_not(self._known([animal_id])[0], sex)

    @cached_property
    def summary(self) -> PopulationSummary:
        """N by sex, founders, GD, FGE, mean F and MK, % known, Ne, founder representation."""
        return population_summary(
            self.population, self.genetics, flags=self.programme.founder_flags
        )

    @cached_property
    def certainty(self) -> PedigreeCertainty:
        """% known before and after the assumptions, % certain and the potential founders of P
        (:mod:`studbook.certainty`)."""
        return pedigree_certainty(
            self.record_book.pedigree,
            self.population,
            label=self.pedigree_label,
            assumption_set=self.assumptions.name if self.assumptions else None,
        )

    def parameters(self, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Report parameters: census date, the pedigree analysed, the programme's settings and
        this analysis' choices, then ``extra``."""
        out: dict[str, Any] = {
            "census date": self.census_date.isoformat(),
            "pedigree": self.pedigree_label,
        }
        out.update(self.programme.describe())
        out.update(self.settings.describe())
        out.update(extra or {})
        return out
