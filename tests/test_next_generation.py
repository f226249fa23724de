"""Plans judged by the next generation: exact GD after the offspring, optimum contributions."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from clirun import FIXTURE

import studbook
from studbook.analysis import Analysis, AnalysisSettings
from studbook.book import Studbook
from studbook.errors import StudbookError
from studbook.interpret import read_understood
from studbook.kinship import kinship_matrix
from studbook.next_generation import (
    NextGenerationInputs,
    compare_plans,
    next_generation,
    next_generation_inputs,
    offspring_kinship,
    optimum_contributions,
    realise_contributions,
)
from studbook.pairing import PairingInputs
from studbook.pedigree import Pedigree
from studbook.records import records_from_table
from studbook.synthetic import synthetic_studbook


def small_population(seed: int) -> tuple[Pedigree, list[str], list[str], list[str]]:
    """A seeded synthetic pedigree, P = its living animals, and up to 8 candidates a sex."""
    book = synthetic_studbook(400, seed=seed)
    ped = Pedigree.from_cells(book.ids, book.sire, book.dam, book.sex,
                              alive=list(book.alive.tolist()))  # fmt: skip
    living = [ped.ids[k] for k in np.flatnonzero(ped.living).tolist()]
    males = [a for a in living if ped.sex[ped.index[a]] == "M"][:8]
    females = [a for a in living if ped.sex[ped.index[a]] == "F"][:8]
    return ped, living, males, females


def inputs_for(
    ped: Pedigree, living: list[str], males: list[str], females: list[str], flagged: bool = False
) -> NextGenerationInputs:
    """Next-generation inputs from the engine: MK over ``living``, the candidates' kinship."""
    mk = studbook.mean_kinship(ped, living)
    kin = kinship_matrix(ped, [*males, *females])
    nm = len(males)
    rng = np.random.default_rng(len(living))
    share = rng.choice([0.0, 0.0, 0.125, 0.25], nm + len(females)) if flagged else None
    pairing = PairingInputs.from_arrays(
        males, females, kin[:nm, nm:], [mk[a] for a in males], [mk[a] for a in females],
        n=len(living), mean_mk=float(np.mean([mk[a] for a in living])),
        flagged_male=None if share is None else share[:nm],
        flagged_female=None if share is None else share[nm:],
    )  # fmt: skip
    return NextGenerationInputs(pairing, kin)


class TestNextGenerationGd:
    """GD(P + offspring) in closed form equals the engine on a pedigree with the offspring."""

    @pytest.mark.parametrize("seed", range(4))
    def test_equals_engine_with_offspring_added(self, seed: int) -> None:
        """Adding the planned offspring as animals and recomputing GD gives the same value."""
        ped, living, males, females = small_population(seed)
        inputs = inputs_for(ped, living, males, females)
        rng = np.random.default_rng(seed)
        n = 5
        m = rng.integers(0, len(males), n)
        f = rng.integers(0, len(females), n)
        result = next_generation(inputs, m, f)
        kids = [f"o{k}" for k in range(n)]
        grown = Pedigree.from_cells(
            [*ped.ids, *kids],
            [*(ped.ids[s] if s >= 0 else "" for s in ped.sire.tolist()),
             *(males[k] for k in m.tolist())],
            [*(ped.ids[d] if d >= 0 else "" for d in ped.dam.tolist()),
             *(females[k] for k in f.tolist())],
            [*ped.sex.tolist(), *["U"] * n],
        )  # fmt: skip
        assert result.gd == pytest.approx(studbook.gene_diversity(grown, [*living, *kids]),
                                          abs=1e-13)  # fmt: skip
        assert result.offspring_gd == pytest.approx(studbook.gene_diversity(grown, kids), abs=1e-13)
        offspring = offspring_kinship(inputs.kinship, m, len(males) + f)
        assert np.allclose(offspring, kinship_matrix(grown, kids), atol=1e-14)

    def test_one_pair_equals_the_pairing_delta_gd(self) -> None:
        """With one pair the next generation's ΔGD is the pair's ΔGD (the closed form)."""
        ped, living, males, females = small_population(9)
        inputs = inputs_for(ped, living, males, females)
        result = next_generation(inputs, np.array([2]), np.array([3]))
        assert result.delta_gd == pytest.approx(inputs.pairing.delta_gd()[2, 3], abs=1e-15)
        assert result.sum_pair_delta_gd == pytest.approx(result.delta_gd, abs=1e-15)


def brute_force_qp(
    kin: np.ndarray,
    linear: np.ndarray,
    is_male: np.ndarray,
    upper: float,
    flag: np.ndarray,
    bound: float,
) -> float:
    """The least c'Kc + q'c by enumerating every active set (each variable at 0, at its cap or
    free; the flagged constraint active or not), solving each face's KKT system."""
    size = kin.size and kin.shape[0]
    best = np.inf
    for states in itertools.product((-1, 0, 1), repeat=size):
        st = np.array(states)
        for flag_on in (False, True):
            free = np.flatnonzero(st == 0)
            x = np.where(st == 1, upper, 0.0)
            rows = [is_male.astype(float), (~is_male).astype(float)]
            rhs = [0.5, 0.5]
            if flag_on:
                rows.append(flag)
                rhs.append(bound)
            a = np.array(rows)
            b = np.array(rhs) - a @ x
            h = 2 * kin[np.ix_(free, free)]
            g = linear[free] + 2 * kin[np.ix_(free, np.flatnonzero(st != 0))] @ x[st != 0]
            kkt = np.block([[h, a[:, free].T], [a[:, free], np.zeros((len(rows), len(rows)))]])
            sol = np.linalg.lstsq(kkt, np.concatenate([-g, b]), rcond=None)[0]
            x[free] = sol[: free.size]
            ok = (
                np.allclose(a @ x, rhs, atol=1e-10)
                and (x >= -1e-10).all()
                and (x <= upper + 1e-10).all()
                and flag @ x <= bound + 1e-10
            )
            if ok:
                best = min(best, float(x @ kin @ x + linear @ x))
    return best


class TestOptimumContributions:
    """The QP is solved exactly: it matches active-set enumeration and SciPy's SLSQP."""

    @pytest.mark.parametrize("seed", range(12))
    def test_matches_enumeration_of_active_sets(self, seed: int) -> None:
        """On 3 + 3 candidates every face of the feasible set is tried; the optimum agrees."""
        ped, living, males, females = small_population(seed)
        inputs = inputs_for(ped, living, males[:3], females[:3], flagged=True)
        n_pairs = 2
        objective = "population" if seed % 2 else "offspring"
        bound = float(inputs.flagged.mean()) * (0.9 if seed % 3 else 1.0)
        try:
            oc = optimum_contributions(
                inputs, n_pairs, max_per_animal=1, max_flagged=bound, objective=objective
            )
        except StudbookError as exc:
            assert "cannot be held" in str(exc)
            return
        linear = (
            np.zeros(6) if objective == "offspring"
            else 2 * inputs.pairing.n / n_pairs * inputs.mk
        )  # fmt: skip
        best = brute_force_qp(inputs.kinship, linear, inputs.is_male, 0.25, inputs.flagged, bound)
        assert oc.objective == pytest.approx(best, abs=1e-12)
        assert oc.flagged <= bound + 1e-12
        for sex in (inputs.is_male, ~inputs.is_male):
            assert oc.c[sex].sum() == pytest.approx(0.5, abs=1e-12)
        assert (oc.c >= -1e-15).all() and (oc.c <= 0.25 + 1e-15).all()

    @pytest.mark.parametrize("objective", ["population", "offspring"])
    def test_matches_slsqp(self, objective: str) -> None:
        """On 8 + 8 candidates with a binding flagged bound SLSQP finds the same optimum."""
        from scipy.optimize import minimize

        ped, living, males, females = small_population(3)
        inputs = inputs_for(ped, living, males, females, flagged=True)
        n_pairs = 5
        bound = 0.8 * float(inputs.flagged.mean())
        oc = optimum_contributions(inputs, n_pairs, max_flagged=bound, objective=objective)  # type: ignore[arg-type]
        kin, male, flag = inputs.kinship, inputs.is_male, inputs.flagged
        q = np.zeros(16) if objective == "offspring" else 2 * inputs.pairing.n / n_pairs * inputs.mk
        ref = minimize(
            lambda c: c @ kin @ c + q @ c,
            np.full(16, 1 / 16),
            jac=lambda c: 2 * kin @ c + q,
            bounds=[(0, 1 / (2 * n_pairs))] * 16,
            constraints=[
                {"type": "eq", "fun": lambda c: c[male].sum() - 0.5},
                {"type": "eq", "fun": lambda c: c[~male].sum() - 0.5},
                {"type": "ineq", "fun": lambda c: bound - flag @ c},
            ],
            method="SLSQP",
            options={"ftol": 1e-15, "maxiter": 500},
        )
        assert ref.success
        assert oc.objective <= ref.fun + 1e-12
        assert oc.objective == pytest.approx(ref.fun, abs=1e-9)
        assert oc.flagged == pytest.approx(bound, abs=1e-12)  # the bound binds

    def test_animals_made_to_breed_match_slsqp(self) -> None:
        """``min_offspring`` holds those animals at c >= k/2n (here at their cap) and the rest
        is still the exact optimum: SLSQP with the same lower bounds finds the same value."""
        from scipy.optimize import minimize

        ped, living, males, females = small_population(3)
        inputs = inputs_for(ped, living, males, females, flagged=True)
        n_pairs, cap = 5, 1 / 10
        free = optimum_contributions(inputs, n_pairs)
        made = np.zeros(16, np.int64)
        made[[int(np.argmin(free.c[:8])), 8 + int(np.argmin(free.c[8:]))]] = 1
        oc = optimum_contributions(inputs, n_pairs, min_offspring=made)
        assert oc.c[made > 0].tolist() == pytest.approx([cap, cap])
        assert oc.objective >= free.objective
        kin, male, flag, bound = inputs.kinship, inputs.is_male, inputs.flagged, oc.max_flagged
        q = 2 * inputs.pairing.n / n_pairs * inputs.mk
        ref = minimize(
            lambda c: c @ kin @ c + q @ c,
            np.where(made > 0, cap, 0.4 / 7),
            jac=lambda c: 2 * kin @ c + q,
            bounds=[(cap if k else 0.0, cap) for k in made.tolist()],
            constraints=[
                {"type": "eq", "fun": lambda c: c[male].sum() - 0.5},
                {"type": "eq", "fun": lambda c: c[~male].sum() - 0.5},
                {"type": "ineq", "fun": lambda c: bound - flag @ c},
            ],
            method="SLSQP",
            options={"ftol": 1e-15, "maxiter": 500},
        )
        assert ref.success
        assert oc.objective == pytest.approx(ref.fun, abs=1e-9)
        assert oc.objective <= ref.fun + 1e-12

    def test_flagged_bound_below_reach_is_explained(self) -> None:
        """A bound below the least flagged share any parents give says how low it can go."""
        ped, living, males, females = small_population(1)
        inputs = inputs_for(ped, living, males, females, flagged=True)
        with pytest.raises(StudbookError, match="the least any choice of parents gives is"):
            optimum_contributions(inputs, 8, max_flagged=0.0)

    def test_too_many_pairs_for_the_caps(self) -> None:
        """More pairs than animals of a sex can give is refused, naming the sex."""
        ped, living, males, females = small_population(1)
        inputs = inputs_for(ped, living, males[:3], females)
        with pytest.raises(StudbookError, match="more males"):
            optimum_contributions(inputs, 4)


class TestRealisation:
    """Contributions become whole offspring numbers, then least-F pairs under the limit."""

    def test_offspring_numbers_follow_the_contributions(self) -> None:
        """Animals with contribution 1/(2n) get one pair each; pairs stay under the limit and
        have the least total F among matchings of the chosen animals (brute force)."""
        ped, living, males, females = small_population(5)
        inputs = inputs_for(ped, living, males, females)
        n = 4
        oc = optimum_contributions(inputs, n, objective="offspring")
        limit = 0.2
        m, f = realise_contributions(inputs, oc.c, n, kinship_limit=limit)
        chosen_m = np.argsort(-oc.c[:8], kind="stable")[:n]
        chosen_f = np.argsort(-oc.c[8:], kind="stable")[:n]
        assert sorted(m.tolist()) == sorted(chosen_m.tolist())
        assert sorted(f.tolist()) == sorted(chosen_f.tolist())
        kin = inputs.pairing.kinship
        assert (kin[m, f] < limit).all()
        best = min(
            sum(kin[a, b] for a, b in zip(chosen_m, perm, strict=True))
            for perm in itertools.permutations(chosen_f)
            if all(kin[a, b] < limit for a, b in zip(chosen_m, perm, strict=True))
        )
        assert kin[m, f].sum() == pytest.approx(best, abs=1e-14)

    def test_a_per_pair_score_can_decide_who_mates_whom(self) -> None:
        """Given a score (here ΔGD), the chosen animals are matched for the greatest total."""
        ped, living, males, females = small_population(6)
        inputs = inputs_for(ped, living, males, females)
        n = 4
        oc = optimum_contributions(inputs, n)
        dgd = inputs.pairing.delta_gd()
        m, f = realise_contributions(inputs, oc.c, n, kinship_limit=1.0, weight=dgd)
        best = max(
            sum(dgd[a, b] for a, b in zip(sorted(m.tolist()), perm, strict=True))
            for perm in itertools.permutations(sorted(f.tolist()))
        )
        assert dgd[m, f].sum() == pytest.approx(best, abs=1e-15)


class TestComparison:
    """Greedy, sum of ΔGD and optimum contributions, judged alike on the Amur fixture."""

    def test_fixture(self) -> None:
        """Every plan has the pairs asked for, under the kinship ceiling; the contributions
        plan keeps the flagged share at or below the candidates' mean."""
        table, _ = read_understood(FIXTURE)
        records, _ = records_from_table(table)
        analysis = Analysis(Studbook.build(records), AnalysisSettings(census_date="2024-01-01"))
        inputs = next_generation_inputs(analysis.candidates, analysis.genetics)
        ceiling = analysis.programme.kinship_ceiling(analysis.genetics.mean_mk)
        result = compare_plans(inputs, 15, kinship_limit=ceiling)
        assert [len(p.pairs) for p in result.plans] == [15, 15, 15, 15]
        kin = dict(
            ((a, b), float(inputs.pairing.kinship[i, j]))
            for i, a in enumerate(inputs.pairing.male_ids)
            for j, b in enumerate(inputs.pairing.female_ids)
        )
        for plan in result.plans:
            assert all(kin[pair] < ceiling for pair in plan.pairs)
            assert plan.gd == pytest.approx(1 - inputs.pairing.mean_mk + plan.delta_gd)
        contributions = result.plans[2]
        assert contributions.flagged <= float(inputs.flagged.mean()) + 1e-12
