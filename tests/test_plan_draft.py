"""A plan changed by hand on the Amur fixture: edits, refusals, genetics and what is issued."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from test_plan_document import CENSUS, fixture_book

from studbook.analysis import Analysis, AnalysisSettings
from studbook.breeding_plan import PlanSettings
from studbook.dispositions import Disposition
from studbook.next_generation import next_generation, next_generation_inputs
from studbook.pairing import TRANSFER_LABELS
from studbook.plan_draft import (
    DraftEdit,
    DraftPlan,
    DraftRefusal,
    draft_context,
    plan_to_issue,
)
from studbook.plan_inputs import plan_animals, plan_document_inputs
from studbook.recommendations import BreedingHold

BREED, NOT, HOLD, SEND = (
    Disposition.BREED_WITH,
    Disposition.DO_NOT_BREED,
    Disposition.HOLD,
    Disposition.SEND_TO,
)


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    book = fixture_book()
    # 738 (a female of breeding age, paired by the plan) is on a breeding hold.
    book = replace(book, holds=(BreedingHold("738", "health", "lame"),))
    return Analysis(book, AnalysisSettings(census_date=CENSUS))


@pytest.fixture(scope="module")
def draft(analysis: Analysis) -> DraftPlan:
    recommended = analysis.recommended_plan()
    _, standings, _ = plan_animals(analysis)
    return DraftPlan.start(
        draft_context(analysis, recommended, standings), recommended.plan.optimal
    )


def _free_female(draft: DraftPlan, male: str) -> str:
    """An unpaired female candidate whose kinship to ``male`` is under the plan's limit."""
    ctx = draft.context
    row = ctx.pairing.kinship[ctx.male_at[male]]
    return next(
        female
        for female, k in ctx.female_at.items()
        if draft.mate_of(female) is None and row[k] < ctx.kinship_limit
    )


def _by_animal(draft: DraftPlan) -> dict[str, tuple[Disposition, str, str]]:
    return {r.animal: (r.disposition, r.mate, r.notes) for r in draft.recommendations()}


class TestStart:
    """Before any edit the draft is the recommended plan, as the document writes it."""

    def test_same_dispositions_as_the_document(self, analysis: Analysis, draft: DraftPlan) -> None:
        """Every living animal once, with the document's disposition."""
        document = plan_document_inputs(analysis)
        assert draft.recommendations() == document.recommendations
        assert draft.plan() is document.plan or draft.plan() == document.plan


class TestEdits:
    """Each kind of edit changes one animal (and the mate it leaves)."""

    def test_change_a_mate(self, analysis: Analysis, draft: DraftPlan) -> None:
        """717 gets a new mate: its old mate is unpaired, the pair carries the ranker's
        figures, and the genetics are the exact next generation of the new pairs."""
        male, old = draft.pairs[0].male, draft.pairs[0].female
        new = _free_female(draft, male)
        changed = draft.apply(DraftEdit(male, BREED, mate=new))
        seen = _by_animal(changed)
        assert seen[male][1] == new and seen[new][1] == male
        assert seen[old][0] is NOT and seen[old][2].startswith("not paired in this plan")
        pair = next(p for p in changed.pairs if p.male == male)
        ctx = draft.context
        i, j = ctx.male_at[male], ctx.female_at[new]
        assert pair.offspring_f == ctx.pairing.kinship[i, j]
        assert pair.delta_gd == pytest.approx(ctx.pairing.delta_gd()[i, j], abs=1e-16)
        assert pair.transfer == TRANSFER_LABELS[int(ctx.pairing.transfers()[i, j])]
        # against every candidate's kinship matrix (the draft computes the parents' only)
        everyone = next_generation_inputs(analysis.candidates, analysis.genetics)
        males = np.array([ctx.male_at[p.male] for p in changed.pairs])
        females = np.array([ctx.female_at[p.female] for p in changed.pairs])
        expected = next_generation(everyone, males, females)
        got = changed.genetics().next
        assert got.gd == pytest.approx(expected.gd, abs=1e-14)
        assert (got.pairs, got.transfers, got.flagged) == (
            expected.pairs,
            expected.transfers,
            pytest.approx(expected.flagged, abs=1e-15),
        )
        assert got.mean_offspring_f == pytest.approx(expected.mean_offspring_f, abs=1e-15)
        assert changed.genetics().next.gd != draft.genetics().next.gd
        assert len(changed.recommendations()) == len(draft.recommendations())

    def test_a_pair_by_hand_is_scored_as_the_plan_scores_pairs(self, draft: DraftPlan) -> None:
        """Under a region penalty, a hand-made pair between regions scores its ΔGD less the
        penalty, and the plan's objective is the sum of its pairs' scores, as the optimiser's."""
        ctx = replace(draft.context, settings=PlanSettings(region_penalty=0.5))
        start = DraftPlan.start(ctx, draft.base)
        male, female = next(
            (p.male, f)
            for p in start.pairs
            for f, k in ctx.female_at.items()
            if start.mate_of(f) is None
            and ctx.pairing.kinship[ctx.male_at[p.male], k] < ctx.kinship_limit
            and ctx.pairing.region_male[ctx.male_at[p.male]] != ctx.pairing.region_female[k]
        )
        changed = start.apply(DraftEdit(male, BREED, mate=female))
        pair = next(p for p in changed.pairs if p.male == male)
        assert pair.transfer == "between regions"
        assert pair.score == pytest.approx(pair.delta_gd - 0.5, abs=1e-15)
        plan = changed.plan()
        assert plan.objective_value == pytest.approx(sum(p.score for p in changed.pairs))
        assert plan.between_region_transfers == sum(
            p.transfer == "between regions" for p in changed.pairs
        )

    def test_set_aside_and_send(self, draft: DraftPlan) -> None:
        """DO NOT BREED keeps the reason, HOLD and SEND TO name what the coordinator chose."""
        a, b, c = (p.male for p in draft.pairs[:3])
        changed = (
            draft.apply(DraftEdit(a, NOT, reason="behaviour with females"))
            .apply(DraftEdit(b, HOLD))
            .apply(DraftEdit(c, SEND, institution="PRAGUE", reason="new enclosure"))
        )
        recs = {r.animal: r for r in changed.recommendations()}
        assert (recs[a].disposition, recs[a].notes) == (NOT, "behaviour with females")
        assert recs[b].disposition is HOLD
        assert (recs[c].disposition, recs[c].counterpart) == (SEND, "PRAGUE")
        assert len(changed.pairs) == len(draft.pairs) - 3
        assert changed.genetics().moves >= 1
        assert [e.describe() for e in changed.edits][2] == f"{c} SEND TO PRAGUE (new enclosure)"


class TestRefusals:
    """An edit that breaks a rule is refused with the rule, and the draft stays as it was."""

    def _refused(self, draft: DraftPlan, edit: DraftEdit, words: str) -> None:
        before = (draft.pairs, dict(draft.set_aside), draft.recommendations())
        with pytest.raises(DraftRefusal, match=words):
            draft.apply(edit)
        assert (draft.pairs, dict(draft.set_aside), draft.recommendations()) == before

    def test_over_the_kinship_limit(self, draft: DraftPlan) -> None:
        ctx = draft.context
        kin = ctx.pairing.kinship
        male, female = next(
            (p.male, f)
            for p in draft.pairs
            for f, k in ctx.female_at.items()
            if draft.mate_of(f) is None and kin[ctx.male_at[p.male], k] >= ctx.kinship_limit
        )
        self._refused(draft, DraftEdit(male, BREED, mate=female), "at or above the plan's limit")

    def test_mate_already_paired(self, draft: DraftPlan) -> None:
        one, other = draft.pairs[0], draft.pairs[1]
        self._refused(draft, DraftEdit(one.male, BREED, mate=other.female), "already paired")

    def test_held_animal(self, draft: DraftPlan) -> None:
        male = draft.pairs[0].male
        self._refused(draft, DraftEdit(male, BREED, mate="738"), "breeding hold")

    def test_not_a_candidate_and_same_sex(self, draft: DraftPlan) -> None:
        male = draft.pairs[0].male
        self._refused(draft, DraftEdit(male, BREED, mate="754"), "not a breeding candidate")
        self._refused(draft, DraftEdit(male, BREED, mate=draft.pairs[1].male), "not a male")

    def test_unknown_institution_and_reasons(self, draft: DraftPlan) -> None:
        male = draft.pairs[0].male
        self._refused(draft, DraftEdit(male, SEND, institution="ATLANTIS"), "unknown institution")
        self._refused(draft, DraftEdit(male, SEND), "choose the institution")
        self._refused(draft, DraftEdit(male, NOT), "say why")
        self._refused(draft, DraftEdit(male, HOLD, reason="bad\x07"), "control character")
        self._refused(draft, DraftEdit("nobody", HOLD), "not a living animal")


class TestIssue:
    """What is issued is the draft's pairs, with the edits listed in its settings."""

    def test_plan_to_issue(self, analysis: Analysis, draft: DraftPlan) -> None:
        recommended = analysis.recommended_plan()
        as_recommended = plan_to_issue(analysis, recommended)
        assert as_recommended.pairs == recommended.plan.optimal.pairs
        changed = draft.apply(DraftEdit(draft.pairs[0].male, HOLD, reason="travel"))
        issued = plan_to_issue(analysis, recommended, changed)
        assert issued.pairs == changed.pairs
        assert issued.figures["pairs"] == len(changed.pairs)
        assert "HOLD (travel)" in issued.settings["edits by hand"]

    def test_candidates_allowed_first_in_ranked_order(
        self, analysis: Analysis, draft: DraftPlan
    ) -> None:
        """The mates the draft allows come first, then the refused ones (each saying why),
        each group in the pairing ranker's order with the ranker's number."""
        male = draft.pairs[0].male
        offered = draft.mate_candidates(analysis.pairings, male)
        ranked = [r.female for r in analysis.pairings.select(male=male)]
        allowed = [c for c in offered if c.refused == ""]
        refused = [c for c in offered if c.refused != ""]
        assert allowed and any("already paired" in c.refused for c in refused)
        assert offered == allowed + refused
        for group in (allowed, refused):
            assert [c.rank for c in group] == sorted(c.rank for c in group)
        assert [ranked[c.rank - 1] for c in offered] == [c.mate for c in offered]
