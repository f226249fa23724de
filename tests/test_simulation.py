"""The individual-based forward projection of the living population's gene diversity."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from scipy.stats import binom

from studbook import (
    Pedigree,
    SimulationResult,
    gene_diversity,
    kinship_matrix,
    project_gene_diversity,
    simulate_gene_diversity,
)
from studbook.breeding_plan import greedy_mk_plan
from studbook.errors import StudbookError
from studbook.pairing import PairingInputs
from studbook.simulation import SimulatedHistory, _pair_lowest_mk
from studbook.synthetic import SyntheticStudbook, synthetic_studbook

# A leopard-like life table: a quarter of the cubs die, then about 10 % a year, more when old;
# both sexes breed from 2 to 14 (Mx 0.4: a litter of about two every second year).
QX = [0.25, 0.12, 0.08, 0.08, 0.08, 0.08, 0.08, 0.08, 0.1, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3, 0.4]
MX = [0.0, 0.0] + [0.4] * 13 + [0.0]


@dataclass(frozen=True)
class Start:
    """A synthetic zoo studbook and its living animals' ids, sexes and ages at the census."""

    book: SyntheticStudbook
    ped: Pedigree
    ids: list[str]
    sexes: list[str]
    ages: list[float]

    @classmethod
    def make(cls, n: int, seed: int) -> Start:
        book = synthetic_studbook(n, seed=seed, living_fraction=0.3, founders_per_region=20)
        ped = Pedigree.from_cells(book.ids, book.sire, book.dam, book.sex)
        census = int(book.birth_date[-1][:4]) + 1
        living = np.flatnonzero(book.alive).tolist()
        ages = [float(census - int(book.birth_date[k][:4])) for k in living]
        return cls(book, ped, [book.ids[k] for k in living], [book.sex[k] for k in living], ages)

    def run(self, **options: Any) -> SimulationResult:
        """The projection with the leopard-like life table for both sexes."""
        settings: dict[str, Any] = {"qx_male": QX, "qx_female": QX, "mx_male": MX,
                                    "mx_female": MX, "ids": self.ids}  # fmt: skip
        settings.update(options)
        kin = kinship_matrix(self.ped, self.ids)
        return simulate_gene_diversity(kin, self.sexes, self.ages, **settings)

    def rebuilt(self, history: SimulatedHistory) -> tuple[Pedigree, list[str]]:
        """The studbook with one replicate's newborns appended (ids ``S0``, ``S1``, ...), and
        the id of every simulated animal number."""
        name = [*self.ids, *(f"S{k}" for k in range(history.sire.size))]
        grown = Pedigree.from_cells(
            [*self.book.ids, *name[len(self.ids) :]],
            [*self.book.sire, *(name[a] for a in history.sire.tolist())],
            [*self.book.dam, *(name[a] for a in history.dam.tolist())],
            [*self.book.sex, *history.sex.tolist()],
        )
        return grown, name


@pytest.fixture(scope="module")
def start() -> Start:
    return Start.make(240, seed=3)


class TestReproducibility:
    """A seed fixes the result, whatever the threads and chunks."""

    def test_same_seed_same_result(self, start: Start) -> None:
        """Two runs with one seed agree exactly; another seed differs."""
        a = start.run(years=15, replicates=20, capacity=90, seed=11)
        b = start.run(years=15, replicates=20, capacity=90, seed=11)
        c = start.run(years=15, replicates=20, capacity=90, seed=12)
        assert np.array_equal(a.gd, b.gd, equal_nan=True) and np.array_equal(a.n, b.n)
        assert not np.array_equal(a.gd, c.gd, equal_nan=True)

    def test_independent_of_threads_and_chunks(self, start: Start) -> None:
        """One thread, three threads and a split run give the same replicates."""
        one = start.run(years=10, replicates=60, capacity=90, seed=5, workers=1)
        three = start.run(years=10, replicates=60, capacity=90, seed=5, workers=3)
        assert np.array_equal(one.gd, three.gd, equal_nan=True) and np.array_equal(one.n, three.n)

    def test_generator_seed(self, start: Start) -> None:
        """A Generator seed is used as given (its state advances)."""
        rng = np.random.default_rng(4)
        a = start.run(years=5, replicates=4, seed=rng)
        b = start.run(years=5, replicates=4, seed=np.random.default_rng(4))
        c = start.run(years=5, replicates=4, seed=rng)
        assert np.array_equal(a.gd, b.gd, equal_nan=True)
        assert not np.array_equal(a.gd, c.gd, equal_nan=True)
        assert a.seed is None


class TestKinshipBookkeeping:
    """The simulated GD equals the engine's GD on the simulated pedigree."""

    @pytest.mark.parametrize("management", ["managed", "random"])
    @pytest.mark.parametrize("room", [15, 300], ids=["near-K", "growing"])
    def test_gd_matches_engine_on_recorded_pedigree(
        self, start: Start, management: str, room: int
    ) -> None:
        """Every year of every replicate, to 1e-12, with deaths, births and a capacity (also
        while the population grows past its starting matrix)."""
        fast = [0.0, 0.0] + [1.5] * 14
        result = start.run(years=8, replicates=3, capacity=len(start.ids) + room, seed=2,
                           management=management, record=True, mx_female=fast,
                           kinship_limit=0.25)  # fmt: skip
        if room > 100:
            assert result.n[:, -1].min() > 2 * len(start.ids)
        for r, history in enumerate(result.histories):
            assert history.sire.size > 0 and (history.died >= 0).any()
            grown, name = start.rebuilt(history)
            for t in range(result.years + 1):
                living = [name[a] for a in history.living(t).tolist()]
                assert len(living) == result.n[r, t]
                assert result.gd[r, t] == pytest.approx(gene_diversity(grown, living), abs=1e-12)

    def test_capacity_is_never_exceeded(self, start: Start) -> None:
        """No census holds more than K animals once births are possible."""
        size = len(start.ids)
        result = start.run(years=30, replicates=10, capacity=size, seed=3)
        assert result.n.max() <= size
        assert (result.n[:, 1:] < size).any()  # deaths open room that births fill later


class TestDriftAgreement:
    """Unmanaged, ideal conditions: GD is lost at 1/(2 Ne) per generation, as the drift model."""

    def test_wright_fisher_loss_rate(self) -> None:
        """Discrete generations, random mating, Poisson families, constant N = 100."""
        n, generations, replicates = 100, 30, 1000
        # Everyone breeds at age 0 (ten offspring expected per female, so K always fills) and
        # dies within the year: each census is a new generation of exactly N.
        result = simulate_gene_diversity(
            np.eye(n) / 2, ["M", "F"] * (n // 2), np.zeros(n), qx_male=[1.0], qx_female=[1.0],
            mx_male=[5.0], mx_female=[5.0], years=generations, replicates=replicates,
            capacity=n, management="random", seed=2024)  # fmt: skip
        assert (result.n == n).all()
        # Sexes are drawn 50:50 each generation: Ne = 4 Nm Nf / N, and a generation loses
        # E[1/(8 Nm) + 1/(8 Nf)] of GD with Nm ~ Binomial(N, 1/2).
        males = np.arange(1, n)
        w = binom.pmf(males, n, 0.5)
        loss = float(np.sum(w * (1 / (8 * males) + 1 / (8 * (n - males)))) / w.sum())
        ne = 1 / (2 * loss)
        drift = project_gene_diversity(gd=result.gd[0, 0], n=n, generation_time=1.0,
                                       ne_ratio=ne / n, years=generations)  # fmt: skip
        rate = math.log(result.mean[0] / result.mean[-1]) / generations
        theory = math.log(drift.gd[0] / drift.gd[-1]) / generations
        # Tolerance: 4 standard errors of the replicate mean (delta method on the log), plus
        # 1/N of the rate for the second-order terms the drift formula leaves out.
        se = float(result.gd[:, -1].std(ddof=1) / math.sqrt(replicates) / result.mean[-1])
        assert abs(rate - theory) <= 4 * se / generations + theory / n
        assert abs(rate - theory) < 0.2 * abs(theory - 1 / (2 * 0.9 * n))  # Ne off by 10 % fails


class TestManagement:
    """Pairing by mean kinship keeps more gene diversity than random mating."""

    def test_managed_keeps_more_gd(self, start: Start) -> None:
        """Same start, same life table, same K: the managed band lies above the random one."""
        # 30 years: later, a kinship limit of 1/16 forbids most pairs of this small programme
        # and the managed population shrinks (as a real one would without relaxing the limit).
        options: dict[str, Any] = {"years": 30, "replicates": 100, "seed": 8}
        managed = start.run(management="managed", **options)
        random = start.run(management="random", **options)
        assert managed.gd[0, 0] == random.gd[0, 0]
        assert managed.mean[-1] > random.mean[-1]
        assert managed.band(0.05)[-1] > random.band(0.5)[-1]

    def test_pairing_is_the_breeding_plans_greedy_rule(self) -> None:
        """The compiled pairing forms the same pairs as greedy_mk_plan, ties included."""
        rng = np.random.default_rng(0)
        for trial in range(40):
            nm, nf = rng.integers(1, 12, size=2)
            size = nm + nf
            kin = rng.choice([0.0, 0.03125, 0.0625, 0.125, 0.25], size=(size, size))
            kin = np.triu(kin, 1) + np.triu(kin, 1).T + 0.5 * np.eye(size)
            mk = rng.choice([0.05, 0.06, 0.07, 0.08], size=size)  # many ties
            ids = [str(v) for v in rng.permutation(size) + 1]
            rank = np.argsort(np.argsort([int(v) for v in ids])).astype(np.int64)
            males, females = np.arange(nm), np.arange(nm, size)
            out_m, out_f = np.empty(size, np.int64), np.empty(size, np.int64)
            count = _pair_lowest_mk(kin, mk, rank, males, females, 0.0625, out_m, out_f)
            inputs = PairingInputs.from_arrays(
                ids[:nm], ids[nm:], kin[:nm, nm:], mk[:nm], mk[nm:], n=size, mean_mk=0.07
            )
            gm, gf = greedy_mk_plan(inputs, inputs.kinship < 0.0625, 1, size)
            expected = sorted(zip(gm.tolist(), (gf + nm).tolist(), strict=True))
            got = sorted(zip(out_m[:count].tolist(), out_f[:count].tolist(), strict=True))
            assert got == expected, f"trial {trial}"


class TestResult:
    """Bands, means, extinction and what the result says it assumed."""

    def test_band_and_mean(self, start: Start) -> None:
        """Quantiles are ordered, the median is inside the band, year 0 is the start GD."""
        result = start.run(years=20, replicates=50, seed=1)
        lo, mid, hi = result.band(0.05), result.band(0.5), result.band(0.95)
        assert (lo <= mid).all() and (mid <= hi).all()
        assert lo[0] == hi[0] == pytest.approx(gene_diversity(start.ped, start.ids), abs=1e-12)
        assert result.gd.shape == result.n.shape == (50, 21)
        assert result.describe()["capacity K"] == len(start.ids)
        with pytest.raises(StudbookError, match="quantile"):
            result.band(5)

    def test_extinction(self) -> None:
        """A population that cannot breed dies out: GD is NaN and the band is NaN after."""
        none = {"qx_male": [0.5], "qx_female": [0.5], "mx_male": [0.0], "mx_female": [0.0]}
        result = simulate_gene_diversity(
            np.eye(4) / 2,
            ["M", "F", "M", "F"],
            [1, 1, 1, 1],
            years=30,
            replicates=10,
            seed=0,
            **none,
        )
        assert (result.n[:, -1] == 0).all() and np.isnan(result.gd[:, -1]).all()
        assert result.persisting[-1] == 0.0 and np.isnan(result.mean[-1])
        assert np.isnan(result.band(0.5)[-1])

    def test_progress(self, start: Start) -> None:
        """Progress reports rise to (replicates, replicates)."""
        seen: list[tuple[int, int]] = []
        start.run(years=3, replicates=120, seed=1, progress=lambda d, t: seen.append((d, t)))
        assert seen[-1] == (120, 120)
        assert [d for d, _ in seen] == sorted(d for d, _ in seen)


class TestBadInput:
    """Bad input is refused with a message naming the animal and field."""

    def kwargs(self) -> dict[str, Any]:
        return {"qx_male": [0.1], "qx_female": [0.1], "mx_male": [0.3], "mx_female": [0.3]}

    def test_unknown_sex(self) -> None:
        with pytest.raises(StudbookError, match=r"42: field 'sex' is 'U'"):
            simulate_gene_diversity(np.eye(2) / 2, ["M", "U"], [1, 1], ids=["7", "42"],
                                    **self.kwargs())  # fmt: skip

    def test_missing_age(self) -> None:
        with pytest.raises(StudbookError, match=r"animal 2: field 'age' is nan"):
            simulate_gene_diversity(np.eye(2) / 2, ["M", "F"], [1, math.nan], **self.kwargs())

    def test_life_table_gap(self) -> None:
        options = self.kwargs() | {"qx_female": [0.1, math.nan]}
        with pytest.raises(StudbookError, match=r"qx of females at age class 1 is nan"):
            simulate_gene_diversity(np.eye(2) / 2, ["M", "F"], [1, 1], **options)

    def test_relationship_instead_of_kinship(self) -> None:
        with pytest.raises(StudbookError, match="pass kinships, not relationships"):
            simulate_gene_diversity(np.eye(2) / 4, ["M", "F"], [1, 1], **self.kwargs())

    def test_asymmetric_kinship(self) -> None:
        kin = np.array([[0.5, 0.1], [0.0, 0.5]])
        with pytest.raises(StudbookError, match="symmetric"):
            simulate_gene_diversity(kin, ["M", "F"], [1, 1], **self.kwargs())

    def test_shape_and_options(self) -> None:
        with pytest.raises(StudbookError, match="not 3 x 3"):
            simulate_gene_diversity(np.eye(2) / 2, ["M", "F", "M"], [1, 1, 1], **self.kwargs())
        with pytest.raises(StudbookError, match="management"):
            simulate_gene_diversity(np.eye(2) / 2, ["M", "F"], [1, 1], management="best",  # type: ignore[arg-type]
                                    **self.kwargs())  # fmt: skip
        with pytest.raises(StudbookError, match="capacity"):
            simulate_gene_diversity(np.eye(2) / 2, ["M", "F"], [1, 1], capacity=0,
                                    **self.kwargs())  # fmt: skip
