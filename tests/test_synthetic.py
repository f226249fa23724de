"""The deep synthetic studbook has the shape issue 16 asks for, and a seed fixes it."""

from __future__ import annotations

import numpy as np
import pytest

from studbook.synthetic import deep_studbook

N = 20_000
BOOK = deep_studbook(N, seed=5)


class TestDeepStudbook:
    """Generations, parents, unknown parents and the living share of the deep shape."""

    def test_seeded(self) -> None:
        """The same seed gives the same studbook; another seed another one."""
        again = deep_studbook(N, seed=5)
        assert again.sire == BOOK.sire and again.birth_date == BOOK.birth_date
        assert deep_studbook(N, seed=6).sire != BOOK.sire

    def test_parents_first_and_of_the_right_sex(self) -> None:
        """Every recorded parent comes earlier in the rows; sires are males, dams females."""
        rows = np.arange(N)
        sex = np.array(BOOK.sex)
        for index, want in ((BOOK.true_sire, "M"), (BOOK.true_dam, "F")):
            known = index >= 0
            assert bool((index[known] < rows[known]).all())
            assert set(sex[index[known]].tolist()) == {want}

    def test_founders_and_generations(self) -> None:
        """15 wild founders; about 4 log10 N generations (17 at 20,000), each born after the
        one its parents come from."""
        assert BOOK.sire.count("WILD") == 15
        years = np.array([int(d[:4]) for d in BOOK.birth_date])
        span = (years.max() - years.min()) // 4 + 1
        assert span == round(4 * np.log10(N))

    def test_unknown_parents(self) -> None:
        """About 3 % UNK sires, 1 % UNK dams, 0.3 % both, among the captive-born."""
        sire = np.array(BOOK.sire) == "UNK"
        dam = np.array(BOOK.dam) == "UNK"
        assert sire.mean() == pytest.approx(0.03, abs=0.005)
        assert dam.mean() == pytest.approx(0.01, abs=0.003)
        assert (sire & dam).mean() == pytest.approx(0.003, abs=0.0015)
        assert bool((BOOK.sire_index[sire] == -1).all())

    def test_father_daughter_and_institutions(self) -> None:
        """About 3 % of the young are the dam's father's; most litters are sired inside the
        dam's institution (95 % of matings, before the 5 % of the young that move)."""
        has = (BOOK.true_sire >= 0) & (BOOK.true_dam >= 0)
        own_father = BOOK.true_sire[has] == BOOK.true_sire[BOOK.true_dam[has]]
        assert own_father.mean() == pytest.approx(0.03, abs=0.01)
        place = np.array(BOOK.location)
        inside = place[BOOK.true_sire[has]] == place[BOOK.true_dam[has]]
        assert 0.75 < inside.mean() < 0.97

    def test_living_share(self) -> None:
        """About 14 % are living, the youngest."""
        assert BOOK.alive.mean() == pytest.approx(0.14, abs=0.01)
        years = np.array([int(d[:4]) for d in BOOK.birth_date])
        assert years[BOOK.alive].min() > np.median(years)
