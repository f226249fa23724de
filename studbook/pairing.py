"""Pairing rankings: every male x female pair of breeding candidates, scored and ordered.

For every male m and female f among the breeding candidates (see :mod:`studbook.population`),
with P the reference population of N animals, f_ij kinships (not relationships: f_ii =
(1 + F_i) / 2), MK_i = (1/N) sum_{j in P} f_ij and mean MK m = 1 - GD:

* offspring inbreeding F_o = f_mf, the pair's kinship;
* MK_m, MK_f and |MK_m - MK_f|;
* **delta GD of the pairing**: add one virtual offspring o to P, with f_oj = (f_mj + f_fj)/2
  for j in P and f_oo = (1 + f_mf)/2, and recompute GD over the N + 1 animals. With
  S = sum_{i,j in P} f_ij = N^2 m,

      S' = S + 2 sum_j f_oj + f_oo = S + N (MK_m + MK_f) + (1 + f_mf)/2,

  so GD' = 1 - S' / (N + 1)^2 and

      delta GD = GD' - GD = [N (2 m - MK_m - MK_f) + m - (1 + f_mf)/2] / (N + 1)^2,

  O(1) per pair from the MK vector, computed for all pairs at once by broadcasting;
* the smaller % known of the two parents (their unknown ancestry is 1 minus it);
* the offspring's expected share of genome from flagged founders, the mean of the parents';
* whether the two are at the same institution, in the same region, or need a transfer.

The **mate suitability index** (MSI, in the spirit of MateRx / PMx) condenses the four inputs
delta GD, |MK_m - MK_f|, F_o and unknown ancestry into a score from 1 (very beneficial) to 6 (very
detrimental), or ``-`` (do not breed without advice). The published MateRx thresholds are not
available; :class:`MsiTable` holds **provisional** thresholds (documented there) and every report
says so and shows the raw inputs beside the score.

**Ranking**: MSI (1 first, ``-`` last), then delta GD (larger first), then F_o (smaller first),
then studbook ids (male, then female; numeric ids by value), so results are deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from studbook.defaults import (
    KINSHIP_LIMIT,
    MSI_F_CUTS,
    MSI_GD_CUTS,
    MSI_MAX_UNKNOWN,
    MSI_MK_DIFFERENCE_CUTS,
    MSI_UNKNOWN_CUTS,
)
from studbook.kinship import kinship_block
from studbook.population import Candidates, PopulationGenetics, population_genetics
from studbook.status import studbook_order

__all__ = [
    "KINSHIP_LIMIT",
    "MSI_DASH",
    "PAIRING_COLUMNS",
    "TRANSFER_LABELS",
    "MsiTable",
    "PairingInputs",
    "PairingRow",
    "PairingTable",
    "location_codes",
    "msi_labels",
    "pairing_delta_gd",
    "pairing_inputs",
    "rank_pairings",
    "transfer_codes",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MSI_DASH = 7
"""Internal code of the MSI ``-`` (sorts after 6)."""

TRANSFER_LABELS = ("none", "within region", "between regions", "unknown")
"""Transfer codes 0-3: same institution, same region, different regions, region not known."""


def pairing_delta_gd(
    kinship_mf: FloatArray | float,
    mk_male: FloatArray | float,
    mk_female: FloatArray | float,
    mean_mk: float,
    n: int,
) -> FloatArray:
    """Delta GD of adding one offspring of m and f to P (closed form, see the module docstring).

    delta GD = [N (2 m - MK_m - MK_f) + m - (1 + f_mf)/2] / (N + 1)^2, with m = 1 - GD the
    population's mean MK. Inputs broadcast (e.g. a column of male MKs against a row of female
    MKs).

    Examples
    --------
    Lacy (1989), P = {C, D, F, G} (MK 0.25, 0.3125, 0.28125, 0.28125; GD 23/32): an offspring of
    C and F (kinship 1/8) lowers GD by 0.00625.

    >>> float(pairing_delta_gd(0.125, 0.25, 0.28125, 0.28125, 4))
    -0.00625
    """
    f = np.asarray(kinship_mf, np.float64)
    total = np.asarray(mk_male, np.float64) + np.asarray(mk_female, np.float64)
    out: FloatArray = (n * (2.0 * mean_mk - total) + mean_mk - 0.5 * (1.0 + f)) / (n + 1) ** 2
    return out


@dataclass(frozen=True)
class MsiTable:
    """Provisional thresholds of the mate suitability index (MSI).

    The score is built in three steps from the pair's raw inputs:

    1. ``-`` (do not breed without advice) when the offspring's F = f_mf is at or above
       ``forbidden_f``, or the parents' unknown ancestry (1 - the smaller % known) is above
       ``max_unknown``.
    2. A base score from the size-free GD value v = delta GD * (N + 1)^2 / (2 N)
       = (m - (MK_m + MK_f)/2) + (m - (1 + f_mf)/2) / (2 N): how far the parents' mean MK lies
       below the population's mean MK m, in MK units, with the small cost of the offspring's own
       self-kinship. The base is 1 + the number of ``gd_cuts`` that v falls below, so with the
       defaults v >= 0.02 -> 1, >= 0.005 -> 2, >= -0.005 -> 3, >= -0.02 -> 4, >= -0.05 -> 5,
       else 6.
    3. One point added for each cut exceeded in ``mk_difference_cuts`` (|MK_m - MK_f| above),
       ``f_cuts`` (F_o at or above) and ``unknown_cuts`` (unknown ancestry above); the result is
       capped at 6.

    Defaults, and why (provisional; MateRx's own table is not published):

    * ``forbidden_f = 1/16`` (0.0625), the F of an offspring of first cousins and the breeding
      plan's default kinship limit, a common ceiling in managed programmes; ``f_cuts = (1/32,
      3/64)`` (offspring of half first cousins, and halfway to the ceiling) mark the steps below
      it. Lower cuts would penalise nearly every pair of a small closed population: after eight
      to ten generations from a dozen founders most candidate pairs have f of 0.02 to 0.05 (the
      Amur leopard fixture's best pairs do), and the GD value already rewards unrelated pairs.
    * ``gd_cuts = (0.02, 0.005, -0.005, -0.02, -0.05)`` in MK units: managed populations keep GD
      near 0.9 (mean MK about 0.1) with animals' MKs spread a few hundredths either side, so a
      pair 0.02 below the mean is clearly valuable, a pair within +-0.005 of it just maintains GD
      (score 3, the last beneficial score), and a pair 0.05 above it spreads over-represented
      genes. Because v is scaled by (N + 1)^2 / (2N) the cuts do not depend on the population
      size.
    * ``mk_difference_cuts = (0.02, 0.05)``: pairing a rare-genome animal with a common-genome
      one dilutes the rare genes with common ones; differences of the same size as the GD cuts
      cost one and two points.
    * ``unknown_cuts = (0.25, 0.40)`` and ``max_unknown = 0.5``: unknown ancestry makes MK look
      lower than it is, so a quarter and two fifths unknown cost a point each and above half
      unknown the numbers cannot be trusted at all (``-``). A tenth unknown is common in real
      studbooks (one unknown great-grandparent is 1/8) and is shown beside the score instead.
    """

    forbidden_f: float = KINSHIP_LIMIT
    max_unknown: float = MSI_MAX_UNKNOWN
    gd_cuts: tuple[float, ...] = MSI_GD_CUTS
    mk_difference_cuts: tuple[float, ...] = MSI_MK_DIFFERENCE_CUTS
    f_cuts: tuple[float, ...] = MSI_F_CUTS
    unknown_cuts: tuple[float, ...] = MSI_UNKNOWN_CUTS

    def __post_init__(self) -> None:
        if len(self.gd_cuts) != 5 or list(self.gd_cuts) != sorted(self.gd_cuts, reverse=True):
            raise ValueError("gd_cuts must be five thresholds in decreasing order")

    def describe(self) -> str:
        """One line for report headers."""
        return (
            "MSI thresholds (PROVISIONAL, not MateRx's): '-' if F >= "
            f"{self.forbidden_f:g} or unknown ancestry > {self.max_unknown:g}; base 1-6 from "
            f"GD value cuts {list(self.gd_cuts)}; +1 per cut of |dMK| > "
            f"{list(self.mk_difference_cuts)}, F >= {[round(c, 6) for c in self.f_cuts]}, "
            f"unknown > {list(self.unknown_cuts)}"
        )

    def score(
        self,
        delta_gd: FloatArray,
        mk_difference: FloatArray,
        offspring_f: FloatArray,
        unknown: FloatArray,
        n: int,
    ) -> npt.NDArray[np.int8]:
        """MSI codes 1-6, or :data:`MSI_DASH` (7) for ``-``, for arrays of raw inputs.

        >>> t = MsiTable()
        >>> a = lambda *v: np.array(v, float)
        >>> t.score(a(0.0, 0.0, 0.0), a(0.0, 0.03, 0.0), a(0.0, 0.0, 0.0625), a(0, 0, 0), 100)
        array([3, 4, 7], dtype=int8)
        """
        value = np.asarray(delta_gd) * ((n + 1) ** 2 / (2.0 * max(n, 1)))
        score = np.ones(value.shape, np.int64)
        for cut in self.gd_cuts:
            score += value < cut
        for values, cuts, strict in (
            (mk_difference, self.mk_difference_cuts, True),
            (offspring_f, self.f_cuts, False),
            (unknown, self.unknown_cuts, True),
        ):
            for cut in cuts:
                score += (values > cut) if strict else (values >= cut)
        np.minimum(score, 6, out=score)
        dash = (offspring_f >= self.forbidden_f) | (unknown > self.max_unknown)
        score[dash] = MSI_DASH
        return score.astype(np.int8)


def msi_labels(codes: npt.NDArray[np.int8]) -> list[str]:
    """Text of MSI codes: ``'1'`` to ``'6'`` and ``'-'``.

    >>> msi_labels(np.array([1, 7], np.int8))
    ['1', '-']
    """
    return ["-" if c == MSI_DASH else str(c) for c in codes.tolist()]


def location_codes(
    male_values: Sequence[str], female_values: Sequence[str]
) -> tuple[IntArray, IntArray]:
    """Integer codes for text values (``''`` -> -1) shared by both sexes, for fast comparison."""
    values = sorted({v for v in [*male_values, *female_values] if v})
    code = {v: k for k, v in enumerate(values)}
    return (
        np.array([code.get(v, -1) for v in male_values], np.int64),
        np.array([code.get(v, -1) for v in female_values], np.int64),
    )


def transfer_codes(
    inst_m: IntArray, inst_f: IntArray, region_m: IntArray, region_f: IntArray
) -> npt.NDArray[np.int8]:
    """Transfer code of every pair (see :data:`TRANSFER_LABELS`) from integer codes (-1 unknown).

    >>> transfer_codes(np.array([0, 1]), np.array([0, 2]), np.array([0, 0]), np.array([0, -1]))
    array([[0, 3],
           [1, 3]], dtype=int8)
    """
    im, jf = inst_m[:, None], inst_f[None, :]
    rm, rf = region_m[:, None], region_f[None, :]
    same_inst = (im == jf) & (im >= 0)
    same_region = (rm == rf) & (rm >= 0)
    unknown = (rm < 0) | (rf < 0)
    out = np.where(same_inst, 0, np.where(same_region, 1, np.where(unknown, 3, 2)))
    return out.astype(np.int8)


@dataclass(frozen=True, eq=False)
class PairingInputs:
    """What the ranking needs about the candidates, as arrays relative to P.

    ``kinship`` is the males x females block of f_mf; per-animal arrays are aligned with
    ``male_ids`` / ``female_ids``. ``known`` is % known as a fraction, ``flagged`` the share of
    genome from flagged founders. ``n`` and ``mean_mk`` describe P (``mean_mk`` = 1 - GD).
    """

    male_ids: tuple[str, ...]
    female_ids: tuple[str, ...]
    kinship: FloatArray
    mk_male: FloatArray
    mk_female: FloatArray
    n: int
    mean_mk: float
    known_male: FloatArray
    known_female: FloatArray
    flagged_male: FloatArray
    flagged_female: FloatArray
    location_male: tuple[str, ...]
    location_female: tuple[str, ...]
    region_male: tuple[str, ...]
    region_female: tuple[str, ...]
    contracepted_male: BoolArray
    contracepted_female: BoolArray
    population: str = ""
    flags: tuple[str, ...] = ()

    @classmethod
    def from_arrays(
        cls,
        male_ids: Sequence[str],
        female_ids: Sequence[str],
        kinship: npt.ArrayLike,
        mk_male: npt.ArrayLike,
        mk_female: npt.ArrayLike,
        *,
        n: int,
        mean_mk: float,
        known_male: npt.ArrayLike | None = None,
        known_female: npt.ArrayLike | None = None,
        flagged_male: npt.ArrayLike | None = None,
        flagged_female: npt.ArrayLike | None = None,
        location_male: Sequence[str] | None = None,
        location_female: Sequence[str] | None = None,
        region_male: Sequence[str] | None = None,
        region_female: Sequence[str] | None = None,
        contracepted_male: npt.ArrayLike | None = None,
        contracepted_female: npt.ArrayLike | None = None,
        population: str = "",
        flags: Iterable[str] = (),
    ) -> PairingInputs:
        """Build from plain sequences; missing optional columns default to fully known (1),
        no flagged share (0), unknown location/region ('') and not contracepted."""
        nm, nf = len(male_ids), len(female_ids)

        def floats(v: npt.ArrayLike | None, size: int, default: float) -> FloatArray:
            return np.full(size, default) if v is None else np.asarray(v, np.float64)

        def texts(v: Sequence[str] | None, size: int) -> tuple[str, ...]:
            return ("",) * size if v is None else tuple(str(x) for x in v)

        def bools(v: npt.ArrayLike | None, size: int) -> BoolArray:
            return np.zeros(size, bool) if v is None else np.asarray(v, bool)

        k = np.asarray(kinship, np.float64).reshape(nm, nf)
        return cls(
            male_ids=tuple(male_ids),
            female_ids=tuple(female_ids),
            kinship=k,
            mk_male=np.asarray(mk_male, np.float64),
            mk_female=np.asarray(mk_female, np.float64),
            n=n,
            mean_mk=float(mean_mk),
            known_male=floats(known_male, nm, 1.0),
            known_female=floats(known_female, nf, 1.0),
            flagged_male=floats(flagged_male, nm, 0.0),
            flagged_female=floats(flagged_female, nf, 0.0),
            location_male=texts(location_male, nm),
            location_female=texts(location_female, nf),
            region_male=texts(region_male, nm),
            region_female=texts(region_female, nf),
            contracepted_male=bools(contracepted_male, nm),
            contracepted_female=bools(contracepted_female, nf),
            population=population,
            flags=tuple(flags),
        )

    def delta_gd(self) -> FloatArray:
        """The males x females matrix of delta GD (closed form)."""
        return pairing_delta_gd(
            self.kinship, self.mk_male[:, None], self.mk_female[None, :], self.mean_mk, self.n
        )

    def transfers(self) -> npt.NDArray[np.int8]:
        """The males x females matrix of transfer codes (see :data:`TRANSFER_LABELS`)."""
        im, jf = location_codes(self.location_male, self.location_female)
        rm, rf = location_codes(self.region_male, self.region_female)
        return transfer_codes(im, jf, rm, rf)


@dataclass(slots=True)
class PairingRow:
    """One ranked pair with the raw inputs shown beside its (provisional) MSI.

    A plain (not frozen) slots dataclass: building a million of them is five times faster.

    ``known`` is the smaller % known of the two parents (a fraction), ``unknown`` = 1 - known;
    ``offspring_flagged`` the offspring's expected share of genome from flagged founders.
    """

    rank: int
    male: str
    female: str
    msi: str
    delta_gd: float
    offspring_f: float
    mk_male: float
    mk_female: float
    mk_difference: float
    known: float
    offspring_flagged: float
    male_location: str
    female_location: str
    same_institution: bool
    same_region: bool
    transfer: str
    male_contracepted: bool
    female_contracepted: bool

    def as_dict(self) -> dict[str, Any]:
        """The row as a plain dict (field order kept)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


PAIRING_COLUMNS = tuple(f.name for f in fields(PairingRow))


@dataclass(frozen=True, eq=False)
class PairingTable:
    """All pairs in ranked order, stored column-wise (``male``/``female`` index the inputs).

    Materialise rows with :meth:`rows` or :meth:`select`; the arrays are there for fast
    filtering, plotting or the breeding plan.
    """

    inputs: PairingInputs
    msi_table: MsiTable
    male: IntArray
    female: IntArray
    msi: npt.NDArray[np.int8]
    delta_gd: FloatArray
    offspring_f: FloatArray
    mk_difference: FloatArray
    known: FloatArray
    offspring_flagged: FloatArray
    transfer: npt.NDArray[np.int8]
    parameters: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.male.size)

    def mask(
        self,
        *,
        male: str | Iterable[str] | None = None,
        female: str | Iterable[str] | None = None,
        institution: str | None = None,
    ) -> BoolArray:
        """Rows involving the given male(s), female(s) and/or an animal at ``institution``."""
        keep = np.ones(len(self), bool)
        inp = self.inputs
        for wanted, ids, column in (
            (male, inp.male_ids, self.male),
            (female, inp.female_ids, self.female),
        ):
            if wanted is None:
                continue
            names = {wanted} if isinstance(wanted, str) else set(wanted)
            hit = np.array([a in names for a in ids], bool)
            keep &= hit[column]
        if institution is not None:
            at_m = np.array([loc == institution for loc in inp.location_male], bool)
            at_f = np.array([loc == institution for loc in inp.location_female], bool)
            keep &= at_m[self.male] | at_f[self.female]
        return keep

    def select(
        self,
        *,
        top: int | None = None,
        male: str | Iterable[str] | None = None,
        female: str | Iterable[str] | None = None,
        institution: str | None = None,
    ) -> list[PairingRow]:
        """The ranked rows (global ranks kept) after filtering, the first ``top`` of them."""
        where = np.flatnonzero(self.mask(male=male, female=female, institution=institution))
        if top is not None:
            where = where[:top]
        return self._rows(where)

    def rows(self, top: int | None = None) -> list[PairingRow]:
        """The first ``top`` rows (all by default) as :class:`PairingRow`."""
        stop = len(self) if top is None else min(top, len(self))
        return self._rows(np.arange(stop))

    def _rows(self, where: IntArray) -> list[PairingRow]:
        inp = self.inputs
        m, f = self.male[where], self.female[where]
        labels = msi_labels(self.msi[where])
        transfer = self.transfer[where].tolist()
        columns = zip(
            (where + 1).tolist(),
            [inp.male_ids[k] for k in m.tolist()],
            [inp.female_ids[k] for k in f.tolist()],
            labels,
            self.delta_gd[where].tolist(),
            self.offspring_f[where].tolist(),
            inp.mk_male[m].tolist(),
            inp.mk_female[f].tolist(),
            self.mk_difference[where].tolist(),
            self.known[where].tolist(),
            self.offspring_flagged[where].tolist(),
            [inp.location_male[k] for k in m.tolist()],
            [inp.location_female[k] for k in f.tolist()],
            [t == 0 for t in transfer],
            [t in (0, 1) for t in transfer],
            [TRANSFER_LABELS[t] for t in transfer],
            inp.contracepted_male[m].tolist(),
            inp.contracepted_female[f].tolist(),
            strict=True,
        )
        return [PairingRow(*values) for values in columns]


def _rank_order(codes: npt.NDArray[np.int8], dgd: FloatArray, f_o: FloatArray) -> IntArray:
    """Stable order by (MSI, -delta GD, F_o); ties keep the input (studbook id) order.

    Equivalent to ``np.lexsort((f_o, -dgd, codes))`` but about twice as fast on a million
    pairs: one float sort, a sort of the (usually few) delta GD ties by F_o, and a radix sort
    of the small-integer MSI codes.
    """
    order = np.argsort(-dgd, kind="stable")
    d_sorted = dgd[order]
    tied = np.zeros(order.size, bool)
    same = d_sorted[1:] == d_sorted[:-1]
    tied[1:] |= same
    tied[:-1] |= same
    if tied.any():
        where = np.flatnonzero(tied)
        run = np.cumsum(np.concatenate([[True], ~same]))[where]  # tie-run id of each position
        sub = np.lexsort((order[where], f_o[order[where]], run))
        order[where] = order[where][sub]
    return order[np.argsort(codes[order], kind="stable")].astype(np.int64)


def rank_pairings(inputs: PairingInputs, msi: MsiTable | None = None) -> PairingTable:
    """Score and rank every male x female pair (see the module docstring).

    Everything is computed on M x F arrays at once; the order is a single ``numpy.lexsort`` on
    (MSI, -delta GD, F_o, male studbook order, female studbook order).

    Examples
    --------
    Two unrelated low-MK animals and a pair of full siblings in a population of 10:

    >>> inp = PairingInputs.from_arrays(
    ...     ["m1", "m2"], ["f1", "f2"], [[0.0, 0.25], [0.25, 0.0]],
    ...     [0.05, 0.12], [0.05, 0.12], n=10, mean_mk=0.08)
    >>> [(r.male, r.female, r.msi) for r in rank_pairings(inp).rows()]
    [('m1', 'f1', '2'), ('m2', 'f2', '6'), ('m1', 'f2', '-'), ('m2', 'f1', '-')]
    """
    table = msi or MsiTable()
    # Lay the pairs out in studbook-id order (male major, female minor) so that a stable sort
    # on the other keys leaves ties in id order.
    pm = np.argsort(studbook_order(inputs.male_ids), kind="stable")
    pf = np.argsort(studbook_order(inputs.female_ids), kind="stable")
    nm, nf = pm.size, pf.size
    kin = inputs.kinship[np.ix_(pm, pf)]
    mk_m, mk_f = inputs.mk_male[pm], inputs.mk_female[pf]
    dgd = pairing_delta_gd(kin, mk_m[:, None], mk_f[None, :], inputs.mean_mk, inputs.n).ravel()
    f_o = kin.ravel()
    mk_diff = np.abs(mk_m[:, None] - mk_f[None, :]).ravel()
    known = np.minimum(inputs.known_male[pm][:, None], inputs.known_female[pf][None, :]).ravel()
    flagged = (
        0.5 * (inputs.flagged_male[pm][:, None] + inputs.flagged_female[pf][None, :])
    ).ravel()
    transfer = inputs.transfers()[np.ix_(pm, pf)].ravel()
    codes = table.score(dgd, mk_diff, f_o, 1.0 - known, inputs.n)
    male = np.repeat(pm.astype(np.int64), nf)
    female = np.tile(pf.astype(np.int64), nm)
    order = _rank_order(codes, dgd, f_o)
    return PairingTable(
        inputs=inputs,
        msi_table=table,
        male=male[order],
        female=female[order],
        msi=codes[order],
        delta_gd=dgd[order],
        offspring_f=f_o[order],
        mk_difference=mk_diff[order],
        known=known[order],
        offspring_flagged=flagged[order],
        transfer=transfer[order],
        parameters={"msi": table.describe()},
    )


def pairing_inputs(
    candidates: Candidates,
    genetics: PopulationGenetics | None = None,
    *,
    flags: Iterable[str] | None = None,
) -> PairingInputs:
    """Everything the ranking needs, from the kinship engine, for the breeding candidates.

    ``genetics`` (from :func:`~studbook.population.population_genetics` on the same P) is
    computed when not given; ``flags`` then names the founder flags counted (default: all).
    The males x females kinship block comes from
    :func:`~studbook.kinship.kinship_block` (the animals' ancestors only).

    Examples
    --------
    >>> from studbook.pedigree import Pedigree
    >>> from studbook.population import NO_AGE_LIMITS, breeding_candidates, reference_population
    >>> ped = Pedigree.from_cells(["A", "B", "C", "D"], ["", "", "A", "A"], ["", "", "B", "B"],
    ...                           ["M", "F", "M", "F"])
    >>> pop = reference_population(ped, census_date="2024-01-01")
    >>> inp = pairing_inputs(breeding_candidates(pop, NO_AGE_LIMITS))
    >>> inp.male_ids, inp.female_ids, inp.kinship.tolist()
    (('A', 'C'), ('B', 'D'), [[0.0, 0.25], [0.25, 0.25]])
    """
    pop = candidates.population
    gen = genetics if genetics is not None else population_genetics(pop, flags)
    ped = pop.pedigree
    m, f = candidates.males, candidates.females
    male_ids, female_ids = candidates.male_ids, candidates.female_ids
    location = [str(x) for x in ped.location]
    return PairingInputs(
        male_ids=tuple(male_ids),
        female_ids=tuple(female_ids),
        kinship=kinship_block(ped, male_ids, female_ids),
        mk_male=gen.mk[m],
        mk_female=gen.mk[f],
        n=gen.n,
        mean_mk=gen.mean_mk,
        known_male=gen.known[m],
        known_female=gen.known[f],
        flagged_male=gen.flagged[m],
        flagged_female=gen.flagged[f],
        location_male=tuple(location[k] for k in m.tolist()),
        location_female=tuple(location[k] for k in f.tolist()),
        region_male=tuple(str(pop.region[k]) for k in m.tolist()),
        region_female=tuple(str(pop.region[k]) for k in f.tolist()),
        contracepted_male=candidates.contracepted[m],
        contracepted_female=candidates.contracepted[f],
        population=f"{pop.definition}; breeding candidates: {candidates.profile.describe()}",
        flags=gen.flags,
    )
