"""One disposition per living animal, computed once from the plan."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from studbook.dispositions import AnimalStanding, Disposition, dispositions
from studbook.errors import StudbookError

WINDOW = (2.0, 15.0)


def adult(animal_id: str, sex: str, where: str, **kw: object) -> AnimalStanding:
    return AnimalStanding(animal_id, sex, where, age=6.0, breeding_age=WINDOW, **kw)  # type: ignore[arg-type]


class TestPairs:
    """A planned pair breeds together, moving the mover sex when the mates live apart."""

    def test_same_institution_both_breed_with(self) -> None:
        """Mates at one institution: BREED WITH each other, there."""
        recs = dispositions([adult("1", "M", "ERIE"), adult("2", "F", "ERIE")], [("1", "2")])
        assert [(r.disposition, r.mate, r.breed_at, r.counterpart) for r in recs] == [
            (Disposition.BREED_WITH, "2", "ERIE", ""),
            (Disposition.BREED_WITH, "1", "ERIE", ""),
        ]

    def test_apart_the_male_is_sent(self) -> None:
        """Mates apart: the male is SENT TO the female's institution, which RECEIVES FROM his."""
        recs = dispositions([adult("1", "M", "ERIE"), adult("2", "F", "TALLINN")], [("1", "2")])
        assert [(r.disposition, r.counterpart, r.breed_at) for r in recs] == [
            (Disposition.SEND_TO, "TALLINN", "TALLINN"),
            (Disposition.RECEIVE_FROM, "ERIE", "TALLINN"),
        ]

    def test_mover_female(self) -> None:
        """mover='F' sends the female instead."""
        herd = [adult("1", "M", "ERIE"), adult("2", "F", "TALLINN")]
        recs = dispositions(herd, [("1", "2")], mover="F")
        assert [(r.disposition, r.counterpart) for r in recs] == [
            (Disposition.RECEIVE_FROM, "TALLINN"),
            (Disposition.SEND_TO, "ERIE"),
        ]

    def test_animal_in_two_pairs_refused(self) -> None:
        """A plan pairing an animal twice is refused, naming it."""
        herd = [adult("1", "M", "A"), adult("2", "F", "A"), adult("3", "F", "B")]
        with pytest.raises(StudbookError, match="animal 1 is in two pairs"):
            dispositions(herd, [("1", "2"), ("1", "3")])

    def test_pair_with_an_animal_not_living_refused(self) -> None:
        """A pair naming an animal not among the living is refused, naming it."""
        with pytest.raises(StudbookError, match="not living on its census date: 9"):
            dispositions([adult("1", "M", "A")], [("1", "9")])


class TestUnpaired:
    """Animals without a mate: DO NOT BREED or HOLD, with the reason."""

    def test_candidate_without_mate_with_contraception(self) -> None:
        """A breeding candidate with no mate: DO NOT BREED, naming its contraception."""
        (rec,) = dispositions(
            [adult("5", "F", "A", contraception="on contraception since 2024")], []
        )
        assert rec.disposition is Disposition.DO_NOT_BREED
        assert rec.notes == "not paired in this plan; on contraception since 2024"

    def test_young_hold_and_old_do_not_breed(self) -> None:
        """Below the breeding-age window: HOLD; above it: DO NOT BREED, each with the age."""
        young = AnimalStanding("y", "M", "A", 1.2, None, "outside breeding age", WINDOW)
        old = AnimalStanding("o", "F", "A", 16.5, None, "outside breeding age", WINDOW)
        recs = dispositions([young, old], [])
        assert [(r.disposition, r.notes) for r in recs] == [
            (Disposition.HOLD, "below breeding age (1.2 years; breeds from 2)"),
            (Disposition.DO_NOT_BREED, "past breeding age (16.5 years; window 2-15)"),
        ]

    @pytest.mark.parametrize(
        ("reason", "expected"),
        [
            ("sex unknown", Disposition.HOLD),
            ("age unknown (no birth date)", Disposition.HOLD),
            ("health hold", Disposition.HOLD),
            ("non-breeder", Disposition.DO_NOT_BREED),
        ],
    )
    def test_candidate_rules(self, reason: str, expected: Disposition) -> None:
        """Each candidate rule maps to HOLD or DO NOT BREED and is named in the notes."""
        (rec,) = dispositions([adult("a", "M", "A", not_candidate=reason)], [])
        assert rec.disposition is expected and rec.notes == reason

    def test_left_out_of_the_analysis_holds(self) -> None:
        """A living animal outside P: HOLD, with the reason it was left out."""
        (rec,) = dispositions([adult("a", "M", "A", in_population="quarantine")], [])
        assert rec.disposition is Disposition.HOLD
        assert rec.notes == "left out of the genetic analysis: quarantine"


class TestEveryAnimalOnce:
    """Random herds and random plans: exactly one consistent disposition per animal."""

    @pytest.mark.parametrize("seed", range(20))
    def test_random(self, seed: int) -> None:
        """One recommendation per animal in input order; moves pair up; mates point back."""
        rng = np.random.default_rng(seed)
        n = int(rng.integers(2, 40))
        herd = [
            adult(str(k), str(rng.choice(["M", "F"])), str(rng.choice(["A", "B", "C"])))
            for k in range(n)
        ]
        males = [a.id for a in herd if a.sex == "M"]
        females = [a.id for a in herd if a.sex == "F"]
        rng.shuffle(females)
        pairs = list(zip(males, females, strict=False))[: int(rng.integers(0, n))]
        recs = dispositions(herd, pairs)
        assert [r.animal for r in recs] == [a.id for a in herd]
        by_id = {r.animal: r for r in recs}
        kinds = Counter(r.disposition for r in recs)
        assert kinds[Disposition.SEND_TO] == kinds[Disposition.RECEIVE_FROM]
        assert sum(kinds[d] for d in (Disposition.BREED_WITH, Disposition.SEND_TO,
                                      Disposition.RECEIVE_FROM)) == 2 * len(pairs)  # fmt: skip
        where = {a.id: a.institution for a in herd}
        for male, female in pairs:
            m, f = by_id[male], by_id[female]
            assert (m.mate, f.mate) == (female, male)
            assert m.breed_at == f.breed_at == where[female]
            if m.disposition is Disposition.SEND_TO:
                assert (m.counterpart, f.counterpart) == (where[female], where[male])
