"""Pedigree assumptions kept apart from the record, and the certainty figures."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_kinship import ReferenceKinship

from studbook.analysis import Analysis, AnalysisSettings
from studbook.assumptions import (
    Assumption,
    AssumptionError,
    AssumptionSet,
    HypotheticalAnimal,
    apply_assumptions,
    record_value,
)
from studbook.book import Studbook
from studbook.certainty import percent_certain, potential_founders
from studbook.csvformat import table_from_text
from studbook.founders import _down, percent_known
from studbook.inbreeding import layout
from studbook.kinship import kinship, mean_kinship_array
from studbook.parents import format_parent
from studbook.pedigree import Pedigree
from studbook.population import reference_population
from studbook.records import AnimalRecord, records_from_table
from studbook.settings import ProgrammeSettings

# Dam 5 bore a litter (6, 7) to an unknown sire; 8's sire is MULT (1 or 3); 9 is wild-caught and
# has no offspring. Living: 6, 7, 8, 9.
ANIMALS = """id,sire,dam,sex,birth_date,birth_type,alive
1,WILD,WILD,M,1990,wild,0
2,WILD,WILD,F,1990,wild,0
3,WILD,WILD,M,1991,wild,0
5,1,2,F,1995,captive,0
6,UNK,5,M,2000-05,captive,1
7,UNK,5,F,2000-05,captive,1
8,1|3,2,F,2001,captive,1
9,WILD,WILD,M,1998,wild,1
"""

LITTER = AssumptionSet(
    "one sire",
    note="the litter of 5 shares one sire",
    assumptions=(
        Assumption("6", "sire", "H1", "UNK", "dam 5 was housed with one male at a time"),
        Assumption("7", "sire", "H1", "UNK", "same litter"),
        Assumption("8", "sire", "3", "1|3", "3 was with the dam"),
        Assumption("8", "birth_date", "2001-04", "2001", "estimated from the first weighing"),
    ),
    hypotheticals=(HypotheticalAnimal("H1", "M", "the litter's one unknown sire"),),
)


def _records() -> list[AnimalRecord]:
    records, problems = records_from_table(table_from_text(ANIMALS, "a.csv"))
    assert problems == []
    return records


def _book(assumption_set: str = "") -> Studbook:
    return Studbook.build(
        _records(),
        settings=ProgrammeSettings(assumption_set=assumption_set),
        assumption_sets=[LITTER],
    )


class TestApply:
    """apply_assumptions puts the assumed values in copies and never touches the record."""

    def test_values_replaced_and_hypothetical_added(self) -> None:
        """Assumed sires and date replace the record's; H1 is appended as a placeholder."""
        records = _records()
        before = [dataclasses.replace(r) for r in records]
        out = {r.id: r for r in apply_assumptions(records, LITTER)}
        assert format_parent(out["6"].sire) == format_parent(out["7"].sire) == "H1"
        assert format_parent(out["8"].sire) == "3" and str(out["8"].birth_date) == "2001-04"
        assert out["H1"].hypothetical and out["H1"].alive is False and out["H1"].sex == "M"
        assert records == before

    def test_true_values(self) -> None:
        """record_value gives the record's cell, the 'true value' stored beside an assumption."""
        by_id = {r.id: r for r in _records()}
        assert [record_value(by_id["8"], f) for f in ("sire", "dam", "birth_date")] == [
            "1|3",
            "2",
            "2001",
        ]

    @pytest.mark.parametrize(
        ("item", "hypotheticals", "expected"),
        [
            (Assumption("77", "sire", "1"), (), "animal '77', field 'sire': the animal is not in"),
            (Assumption("6", "sire", "2"), (), "animal '6', field 'sire': sire '2' is female"),
            (Assumption("6", "birth_date", "2000-13"), (), "animal '6', field 'birth_date'"),
            (Assumption("6", "dam", "H9"), (), "animal '6', field 'dam': dam 'H9' is neither"),
            (Assumption("6", "sex", "M"), (), "animal '6', field 'sex': only sire, dam"),
            (Assumption("6", "sire", "H1"), (HypotheticalAnimal("9"),), "'9': the id is already"),
            (Assumption("5", "sire", "6"), (), "animal '5', field 'sire'"),
        ],
    )
    def test_refusals_name_animal_and_field(
        self, item: Assumption, hypotheticals: tuple[HypotheticalAnimal, ...], expected: str
    ) -> None:
        """Each bad assumption is refused with the set, the animal and the field."""
        bad = AssumptionSet("bad", assumptions=(item,), hypotheticals=hypotheticals)
        with pytest.raises(AssumptionError, match="assumption set 'bad'") as caught:
            apply_assumptions(_records(), bad)
        assert expected in str(caught.value)


class TestAnalysis:
    """An assumption set changes the analyses, never the record."""

    def test_hypothetical_sire_makes_full_sibs(self) -> None:
        """With H1 the litter mates are full sibs (f = 1/4); on the true record half sibs (1/8)."""
        true = Analysis(_book(), AnalysisSettings(census_date="2024-01-01"))
        assumed = Analysis(_book("one sire"), AnalysisSettings(census_date="2024-01-01"))
        assert kinship(true.book.pedigree, "6", "7") == 0.125
        assert kinship(assumed.book.pedigree, "6", "7") == 0.25
        assert assumed.summary.gene_diversity < true.summary.gene_diversity
        assert assumed.record_book.records == true.book.records
        assert "H1" not in assumed.record_book.records
        assert assumed.parameters()["pedigree"] == "true record + assumption set 'one sire'"
        assert true.parameters()["pedigree"] == "true record (no assumptions)"

    def test_override_per_run(self) -> None:
        """``assumptions='none'`` analyses the true record whatever the setting says."""
        analysis = Analysis(_book("one sire"), AnalysisSettings(assumptions="none"))
        assert analysis.assumptions is None and "H1" not in analysis.book.records
        named = Analysis(_book(), AnalysisSettings(assumptions="one sire"))
        assert named.assumptions is LITTER

    def test_unknown_set_names_the_sets(self) -> None:
        """A set that is not stored is refused, naming the stored ones."""
        with pytest.raises(AssumptionError, match=r"no assumption set 'other'.*one sire"):
            Analysis(_book(), AnalysisSettings(assumptions="other"))

    def test_assumed_birth_date_moves_the_age(self) -> None:
        """The estimated birth date is what the analyses' ages use."""
        analysis = Analysis(_book("one sire"), AnalysisSettings(census_date="2021-04-01"))
        ages = analysis.population.ages()
        k = analysis.book.pedigree.index["8"]
        assert ages[k] == pytest.approx(20.0, abs=0.01)

    def test_certainty_by_hand(self) -> None:
        """P = {6, 7, 8, 9}: known 50, 50, 100, 100; certain 50, 50, 50, 100 (8's sire is
        MULT); after the set 8 is certain-looking but % certain stays on the record."""
        for name in ("", "one sire"):
            c = Analysis(_book(name), AnalysisSettings(census_date="2024-01-01")).certainty
            assert c.known_before == pytest.approx(0.75)
            assert c.certain == pytest.approx(0.625)
            assert c.known_after == pytest.approx(0.75)
            assert c.potential.ids == ("9",)


def _random_cells(seed: int, n: int) -> tuple[list[str], list[str], list[str], list[str]]:
    """A random pedigree with WILD, UNK, known and MULT parents (parents listed first)."""
    rng = np.random.default_rng(seed)
    ids = [str(k + 1) for k in range(n)]
    sex = ["M" if k % 2 == 0 else "F" for k in range(n)]
    sires, dams = [], []
    for k in range(n):
        cells = []
        for want in ("M", "F"):
            earlier = [ids[j] for j in range(k) if sex[j] == want]
            roll = rng.random()
            if not earlier or roll < 0.15:
                cells.append("WILD")
            elif roll < 0.3:
                cells.append("UNK")
            elif roll < 0.45 and len(earlier) >= 2:
                pick = rng.choice(len(earlier), size=2, replace=False)
                cells.append("|".join(earlier[j] for j in pick))
            else:
                cells.append(earlier[int(rng.integers(len(earlier)))])
        sires.append(cells[0])
        dams.append(cells[1])
    return ids, sires, dams, sex


def _certain_by_recursion(ped: Pedigree) -> list[float]:
    """% certain straight from the definition: founders 100, single known parents averaged."""
    out: dict[int, float] = {}

    def certain(i: int) -> float:
        if i not in out:
            if ped.founder[i]:
                out[i] = 100.0
            else:
                parts = []
                for single, mult in ((ped.sire, ped.mult_sire), (ped.dam, ped.mult_dam)):
                    parts.append(certain(int(single[i])) if single[i] >= 0 and i not in mult else 0)
                out[i] = sum(parts) / 2
        return out[i]

    return [certain(i) for i in range(len(ped))]


class TestCertainty:
    """% certain against its definition, and never above % known."""

    @settings(max_examples=40, deadline=None)
    @given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 60))
    def test_certain_at_most_known_on_random_pedigrees(self, seed: int, n: int) -> None:
        """For every animal, % certain <= % known, and equals the plain recursion."""
        ids, sires, dams, sex = _random_cells(seed, n)
        ped = Pedigree.from_cells(ids, sires, dams, sex)
        certain, known = percent_certain(ped), percent_known(ped)
        assert np.all(certain <= known + 1e-12)
        assert certain.tolist() == pytest.approx(_certain_by_recursion(ped))

    @settings(max_examples=40, deadline=None)
    @given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 80))
    def test_sweep_equals_the_kinship_layout_to_the_bit(self, seed: int, n: int) -> None:
        """The vectorised sweep by generation gives % known exactly as the compiled kernel on
        the kinship layout does, and % certain exactly as % known on the record with its
        MULT links removed (the former definition)."""
        ids, sires, dams, sex = _random_cells(seed, n)
        ped = Pedigree.from_cells(ids, sires, dams, sex)
        lay = layout(ped)
        fixed = ped.founder[lay.order] | (np.diff(lay.ptr) == 0)
        on_layout = np.empty(len(ped))
        on_layout[lay.order] = 100.0 * _down(
            lay.ptr, lay.parent, lay.weight, fixed, ped.founder[lay.order].astype(np.float64)
        )
        assert percent_known(ped).tolist() == on_layout.tolist()
        stripped = dataclasses.replace(ped, mult_sire={}, mult_dam={})
        assert percent_certain(ped).tolist() == percent_known(stripped).tolist()

    def test_potential_founders_against_the_reference(self) -> None:
        """GD if bred equals the slow reference on the pedigree with the offspring written out
        as cells (the mate a MULT over P's females)."""
        ids, sires, dams, sex = _random_cells(11, 40)
        living = [k >= 25 for k in range(40)]
        ids += ["W1", "W2"]
        sires += ["WILD", "WILD"]
        dams += ["WILD", "WILD"]
        sex += ["M", "F"]
        living += [True, True]
        ped = Pedigree.from_cells(ids, sires, dams, sex, alive=living)
        pop = reference_population(ped, census_date="2024-01-01")
        result = potential_founders(pop)
        assert result.ids == ("W1", "W2")
        members = [ids[k] for k in range(len(ids)) if living[k]]
        females = [a for a in members if sex[ids.index(a)] == "F"]
        males = [a for a in members if sex[ids.index(a)] == "M"]
        grown = Pedigree.from_cells(
            [*ids, "o1", "o2"],
            [*sires, "W1", "|".join(males)],
            [*dams, "|".join(females), "W2"],
            [*sex, "U", "U"],
        )
        ref = ReferenceKinship(grown)
        wider = [grown.index[a] for a in [*members, "o1", "o2"]]
        mean = np.mean([[ref.kinship(i, j) for j in wider] for i in wider])
        assert result.gene_diversity_if_bred == pytest.approx(1.0 - mean, abs=1e-12)
        assert result.founder_genome_equivalents_if_bred == pytest.approx(1 / (2 * mean))


def _grown_with_offspring(ped: Pedigree, mask: np.ndarray, parents: list[int]) -> Pedigree:
    """The slow twin of :func:`potential_founders` (its former construction): ``ped`` plus one
    offspring of each of ``parents`` whose other parent is a MULT over P's animals of the other
    sex (P without the parent when its sex is unknown), for the kinship engine."""
    n, extra = len(ped), len(parents)
    members = np.flatnonzero(mask)
    sire = np.concatenate([ped.sire, np.full(extra, -1, np.int64)])
    dam = np.concatenate([ped.dam, np.full(extra, -1, np.int64)])
    mult_sire, mult_dam = dict(ped.mult_sire), dict(ped.mult_dam)
    for j, k in enumerate(parents):
        child = n + j
        own, other, other_mult = (
            (dam, sire, mult_sire) if ped.sex[k] == "F" else (sire, dam, mult_dam)
        )
        own[child] = k
        if ped.sex[k] in ("M", "F"):
            mates = members[ped.sex[members] == ("F" if ped.sex[k] == "M" else "M")]
        else:
            mates = members[members != k]
        if mates.size == 1:
            other[child] = int(mates[0])
        elif mates.size > 1:
            other_mult[child] = (mates.astype(np.int64), np.full(mates.size, 1.0 / mates.size))
    return Pedigree(
        ids=(*ped.ids, *(f"o{k}" for k in parents)),
        sex=np.concatenate([ped.sex, np.full(extra, "U")]),
        sire=sire,
        dam=dam,
        mult_sire=mult_sire,
        mult_dam=mult_dam,
        alive=np.concatenate([ped.alive, np.zeros(extra, bool)]),
        founder=np.concatenate([ped.founder, np.zeros(extra, bool)]),
        hypothetical=np.concatenate([ped.hypothetical, np.zeros(extra, bool)]),
    )


class TestPotentialFoundersClosedForm:
    """GD if the potential founders bred, in closed form, equals the kinship engine run on the
    pedigree with their offspring written out."""

    @settings(max_examples=30, deadline=None)
    @given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 50), extra=st.integers(3, 7))
    def test_equals_the_engine_on_random_pedigrees(self, seed: int, n: int, extra: int) -> None:
        """Random pedigrees with several wild, childless living animals of each sex (M, F,
        unknown), so that every kind of mate meets every other."""
        rng = np.random.default_rng(seed)
        ids, sires, dams, sex = _random_cells(seed, n)
        for j in range(extra):
            ids.append(f"W{j}")
            sires.append("WILD")
            dams.append("WILD")
            sex.append("MFU"[j % 3])
        alive = (rng.random(n) < 0.6).tolist() + [True] * extra
        ped = Pedigree.from_cells(ids, sires, dams, sex, alive=alive)
        pop = reference_population(ped, census_date="2024-01-01")
        result = potential_founders(pop)
        chosen = [ped.index[a] for a in result.ids]
        grown = _grown_with_offspring(ped, pop.mask, chosen)
        wider = np.zeros(len(grown), bool)
        wider[pop.indices] = True
        wider[len(ped) :] = True
        expected = 1.0 - float(mean_kinship_array(grown, wider)[wider].mean())
        assert result.gene_diversity_if_bred == pytest.approx(expected, abs=1e-12)
