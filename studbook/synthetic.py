"""Seeded synthetic studbooks shaped like zoo pedigrees, for benchmarks and scale tests.

A zoo studbook has few founders, overlapping generations (animals breed for many years),
half-sib families (a breeding male is paired with several females), some unknown parents and
only a small living share of everyone ever recorded. :func:`synthetic_studbook` simulates such a
programme year by year, vectorised with numpy, so a million animals take about a second.
:func:`deep_studbook` makes a second, deeper shape: about ``4 log10 n`` overlapping
generations bred in institutions (the benchmarks run both).

The model
---------
- The living target ``K = living_fraction * n`` is split into regional programmes of about
  ``region_living`` animals (one region below that size). Each region starts from
  ``founders_per_region`` wild-born founders and occasionally imports another wild founder.
- Each year a share of the young adults moves to another region (``migration_rate``), so the
  regions are one connected pedigree, as EAZA, AZA and JAZA programmes exchange animals.
- Births per region replace the deaths and close half the gap to the regional target. Breeding
  females (age 2 to 14) are drawn at random; about 40 % of the adult males breed in a year and
  each breeding female is paired with one of them (half-sib families). Litters are 1 + Poisson(0.6).
- A quarter of the newborns die in their first year; afterwards the yearly mortality is 10 %.
- A captive-born animal's sire is recorded unknown (``UNK``) with probability
  ``unknown_parent_rate`` and its dam with a quarter of that. With ``mult_sire_rate`` a sire is
  recorded as MULT: the true sire and one other breeding male of the region.
- The census year is the birth year of the last animal; ``alive`` is whether it lives then.

Ids are ``"1"``, ``"2"``, ... in birth order (numeric text without leading zeros, as SPARKS).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from studbook.parents import UNKNOWN_TOKEN, WILD_TOKEN
from studbook.present import counted

__all__ = ["SyntheticStudbook", "deep_studbook", "synthetic_studbook"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]

_HEADER = ("id", "sire", "dam", "sex", "birth_date", "alive", "location", "flags")


@dataclass(frozen=True, eq=False)
class SyntheticStudbook:
    """A simulated studbook: text columns in the studbook CSV format plus the integer truth.

    Attributes
    ----------
    ids, sire, dam, sex, birth_date, location, flags : text cells, one per animal, in row order.
        Parent cells are an id, ``WILD``, ``UNK`` or a MULT cell ``A|B`` / ``A:0.75|B:0.25``.
    alive : living at the census (the last birth year).
    sire_index, dam_index : row of the recorded single parent, ``-1`` for WILD, UNK or MULT.
    true_sire, true_dam : row of the parent that really sired / bore the animal (``-1`` for
        founders); equal to the recorded parent unless it was recorded UNK or MULT.
    """

    ids: list[str]
    sire: list[str]
    dam: list[str]
    sex: list[str]
    birth_date: list[str]
    alive: BoolArray
    location: list[str]
    flags: list[str]
    sire_index: IntArray
    dam_index: IntArray
    true_sire: IntArray
    true_dam: IntArray

    def __len__(self) -> int:
        return len(self.ids)

    def columns(self) -> dict[str, list[str]]:
        """Column name -> text cells, in the studbook CSV column order."""
        return {
            "id": self.ids,
            "sire": self.sire,
            "dam": self.dam,
            "sex": self.sex,
            "birth_date": self.birth_date,
            "alive": ["1" if a else "0" for a in self.alive.tolist()],
            "location": self.location,
            "flags": self.flags,
        }

    def rows(self) -> Iterator[list[str]]:
        """The data rows (without the header), as lists of text cells."""
        cols = list(self.columns().values())
        for k in range(len(self.ids)):
            yield [c[k] for c in cols]

    def write_csv(self, path: str | Path) -> Path:
        """Write the studbook CSV (header ``id,sire,dam,sex,birth_date,alive,location,flags``).

        No cell holds a comma or a quote, so rows are written without quoting.
        """
        path = Path(path)
        cols = list(self.columns().values())
        body = "\n".join(",".join(row) for row in zip(*cols, strict=True))
        path.write_text(",".join(_HEADER) + "\n" + body + "\n", encoding="utf-8")
        return path


def synthetic_studbook(
    n: int,
    *,
    seed: int | np.random.Generator = 0,
    living_fraction: float = 0.15,
    region_living: int = 1000,
    founders_per_region: int = 6,
    unknown_parent_rate: float = 0.02,
    mult_sire_rate: float = 0.0,
    migration_rate: float = 0.02,
    flagged_founders: int = 1,
    shuffle: bool = False,
    start_year: int = 1950,
) -> SyntheticStudbook:
    """Simulate a zoo-like studbook of exactly ``n`` animals (see the module docstring).

    Parameters
    ----------
    n : number of animals (rows), at least 2.
    seed : an int or a ``numpy.random.Generator``; the same seed gives the same studbook.
    living_fraction : share of the animals alive at the census (about; 0.15 by default).
    region_living : living animals per regional programme; more regions for larger ``n``.
    founders_per_region : wild-born founders each region starts from.
    unknown_parent_rate : probability that a captive-born animal's sire is recorded ``UNK``
        (its dam: a quarter of that).
    mult_sire_rate : probability that a sire is recorded as MULT (true sire + one other male).
    migration_rate : yearly share of two-year-olds moved to another region.
    flagged_founders : the first this many founders get the founder flag ``flagged``
        (as the Amur leopard programme flags its founder of another subspecies).
    shuffle : shuffle the rows (offspring may then come before their parents).
    start_year : the founders' import year.

    Examples
    --------
    >>> book = synthetic_studbook(300, seed=1)
    >>> len(book), book.ids[:3], book.sire[0]
    (300, ['1', '2', '3'], 'WILD')
    >>> bool(0.05 < book.alive.mean() < 0.4)
    True
    """
    if n < 2:
        raise ValueError(f"a synthetic studbook needs at least 2 animals, not {n}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    target = max(20.0, living_fraction * n)
    regions = max(1, round(target / region_living))
    per_region = target / regions

    cap = n + 4 * int(target) + 64
    sex = np.zeros(cap, np.int8)  # 0 male, 1 female
    born = np.zeros(cap, np.int64)
    dies = np.zeros(cap, np.int64)
    region = np.zeros(cap, np.int64)
    sire = np.full(cap, -1, np.int64)
    dam = np.full(cap, -1, np.int64)
    founder = np.zeros(cap, bool)
    count = 0

    def lifespan(k: int) -> IntArray:
        first_year = rng.random(k) < 0.25
        return np.where(first_year, 1, 1 + rng.geometric(0.10, k)).astype(np.int64)

    def add_founders(regs: IntArray, year: int) -> None:
        nonlocal count
        k = regs.size
        sl = slice(count, count + k)
        age = rng.integers(1, 5, k)
        sex[sl] = np.arange(k) % 2 if k > 1 else rng.integers(0, 2, k)
        born[sl] = year - age
        dies[sl] = year + 2 + rng.geometric(0.08, k)
        region[sl] = regs
        founder[sl] = True
        count += k

    add_founders(np.repeat(np.arange(regions, dtype=np.int64), founders_per_region), start_year)
    alive_idx = np.arange(count, dtype=np.int64)
    year = start_year
    while count < n:
        year += 1
        alive_idx = alive_idx[dies[alive_idx] > year]
        # Rare wild imports keep the founder count small but growing.
        imports = np.flatnonzero(rng.random(regions) < 0.03)
        if imports.size and count + imports.size < cap:
            first = count
            add_founders(imports.astype(np.int64), year)
            alive_idx = np.concatenate([alive_idx, np.arange(first, count, dtype=np.int64)])
        age = year - born[alive_idx]
        movers = alive_idx[(age == 2) & (rng.random(alive_idx.size) < migration_rate)]
        if regions > 1 and movers.size:
            shift = rng.integers(1, regions, movers.size)
            region[movers] = (region[movers] + shift) % regions
        reg_alive = region[alive_idx]
        living = np.bincount(reg_alive, minlength=regions)
        deaths = np.bincount(reg_alive[dies[alive_idx] == year + 1], minlength=regions)
        wanted = np.maximum(0.0, deaths + 0.5 * (per_region - living))

        adult = (age >= 2) & (age <= 14)
        females = alive_idx[adult & (sex[alive_idx] == 1)]
        males = alive_idx[adult & (sex[alive_idx] == 0)]
        males = males[rng.random(males.size) < 0.4]
        if females.size == 0 or males.size == 0:
            continue
        males = males[np.argsort(region[males], kind="stable")]
        m_start = np.searchsorted(region[males], np.arange(regions), "left")
        m_end = np.searchsorted(region[males], np.arange(regions), "right")
        f_order = np.lexsort((rng.random(females.size), region[females]))
        females = females[f_order]
        f_reg = region[females]
        rank = np.arange(females.size) - np.searchsorted(f_reg, f_reg, "left")
        quota = np.ceil(wanted / 1.6).astype(np.int64)
        breeding = (rank < quota[f_reg]) & (m_end[f_reg] > m_start[f_reg])
        mothers = females[breeding]
        if mothers.size == 0:
            continue
        m_reg = region[mothers]
        span = m_end[m_reg] - m_start[m_reg]
        fathers = males[m_start[m_reg] + (rng.random(mothers.size) * span).astype(np.int64)]
        litter = 1 + np.minimum(rng.poisson(0.6, mothers.size), 3)
        k = int(litter.sum())
        k = min(k, cap - count)
        sl = slice(count, count + k)
        sire[sl] = np.repeat(fathers, litter)[:k]
        dam[sl] = np.repeat(mothers, litter)[:k]
        sex[sl] = rng.integers(0, 2, k)
        born[sl] = year
        dies[sl] = year + lifespan(k)
        region[sl] = region[dam[sl]]
        alive_idx = np.concatenate([alive_idx, np.arange(count, count + k, dtype=np.int64)])
        count += k

    n_total = n
    census = int(born[n_total - 1])
    true_sire, true_dam = sire[:n_total].copy(), dam[:n_total].copy()
    rec_sire, rec_dam = true_sire.copy(), true_dam.copy()
    captive = ~founder[:n_total]
    rec_sire[captive & (rng.random(n_total) < unknown_parent_rate)] = -1
    rec_dam[captive & (rng.random(n_total) < unknown_parent_rate / 4)] = -1

    ids = np.arange(1, n_total + 1).astype(str)
    sire_cells = _parent_cells(rec_sire, founder[:n_total], ids)
    dam_cells = _parent_cells(rec_dam, founder[:n_total], ids)

    if mult_sire_rate > 0:
        # The other candidate: the sire of a random animal born in the same year and region.
        has_sire = np.flatnonzero(rec_sire >= 0)
        key = born[has_sire] * regions + region[has_sire]
        by_key = has_sire[np.argsort(key, kind="stable")]
        sorted_key = born[by_key] * regions + region[by_key]
        cand = has_sire[rng.random(has_sire.size) < mult_sire_rate]
        ck = born[cand] * regions + region[cand]
        lo = np.searchsorted(sorted_key, ck, "left")
        hi = np.searchsorted(sorted_key, ck, "right")
        other = true_sire[by_key[lo + (rng.random(cand.size) * (hi - lo)).astype(np.int64)]]
        ok = (other >= 0) & (other != rec_sire[cand])
        cand, other = cand[ok], other[ok]
        weighted = rng.random(cand.size) < 0.5
        first, second = ids[rec_sire[cand]], ids[other]
        cells = np.where(
            weighted,
            np.char.add(np.char.add(first, ":0.75|"), np.char.add(second, ":0.25")),
            np.char.add(np.char.add(first, "|"), second),
        )
        sire_cells[cand] = cells.astype(object)
        rec_sire[cand] = -1

    days = rng.integers(0, 365, n_total)
    years = (born[:n_total] - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    dates: npt.NDArray[np.datetime64] = years + days.astype("timedelta64[D]")
    alive = dies[:n_total] > census
    flags = np.full(n_total, "", object)
    flags[np.flatnonzero(founder[:n_total])[:flagged_founders]] = "flagged"
    location = np.char.add("REGION", region[:n_total].astype(str)).astype(object)

    rows = rng.permutation(n_total) if shuffle else np.arange(n_total)
    new_pos = np.empty(n_total, np.int64)
    new_pos[rows] = np.arange(n_total)

    def remap(index: IntArray) -> IntArray:
        out = np.full(index.size, -1, np.int64)
        ok = index >= 0
        out[ok] = new_pos[index[ok]]
        return out[rows]

    return SyntheticStudbook(
        ids=ids[rows].tolist(),
        sire=sire_cells[rows].tolist(),
        dam=dam_cells[rows].tolist(),
        sex=np.where(sex[:n_total] == 0, "M", "F")[rows].tolist(),
        birth_date=np.datetime_as_string(dates[rows]).tolist(),
        alive=alive[rows],
        location=location[rows].tolist(),
        flags=flags[rows].tolist(),
        sire_index=remap(rec_sire),
        dam_index=remap(rec_dam),
        true_sire=remap(true_sire),
        true_dam=remap(true_dam),
    )


def _parent_cells(recorded: IntArray, founder: BoolArray, ids: npt.NDArray[np.str_]) -> ObjArray:
    """Parent cells: the parent's id, ``UNK`` when it is not recorded, ``WILD`` for founders."""
    cells = np.where(recorded >= 0, ids[np.maximum(recorded, 0)], UNKNOWN_TOKEN).astype(object)
    cells[founder] = WILD_TOKEN
    return cells


def deep_studbook(
    n: int,
    *,
    seed: int | np.random.Generator = 0,
    founders: int = 15,
    growth: float = 3.0,
    parent_generations: int = 3,
    institution_size: int = 1000,
    inside_rate: float = 0.95,
    transfer_rate: float = 0.05,
    breeding_males: float = 0.35,
    extra_litter: float = 1.2,
    father_daughter_rate: float = 0.03,
    unknown_sire_rate: float = 0.03,
    unknown_dam_rate: float = 0.01,
    unknown_both_rate: float = 0.003,
    living_fraction: float = 0.14,
) -> SyntheticStudbook:
    """A deep studbook of exactly ``n`` animals: many overlapping generations of institutions.

    The second benchmark shape (issue 16), deeper than :func:`synthetic_studbook`:

    - ``founders`` wild-born founders; each generation is ``growth`` times the one before,
      up to a size cap chosen so that ``G = round(4 log10 n)`` generations make ``n``
      animals (24 generations at a million);
    - parents are drawn from the last ``parent_generations`` generations, so generations
      overlap; each generation is born over four years after the one before;
    - animals live in institutions of about ``institution_size`` living animals and are born
      where their dam is; a share ``transfer_rate`` of the newborns moves to another
      institution; a share ``inside_rate`` of the litters has a sire of the dam's institution
      (when it has one), the rest any breeding male;
    - a share ``breeding_males`` of the males ever breed; a litter has 1 + Poisson
      (``extra_litter``) young; a share ``father_daughter_rate`` of the litters is sired by
      the dam's own sire;
    - a captive-born animal's sire alone is recorded ``UNK`` with probability
      ``unknown_sire_rate - unknown_both_rate``, its dam alone with ``unknown_dam_rate -
      unknown_both_rate`` and both with ``unknown_both_rate``;
    - the youngest animals are living, about ``living_fraction`` of everyone.

    Same :class:`SyntheticStudbook` as :func:`synthetic_studbook` (rows parents-first, ids
    ``"1"``, ``"2"``, ... in row order; the first founder carries the flag ``flagged``).

    Examples
    --------
    >>> book = deep_studbook(1000, seed=1)
    >>> len(book), book.sire[0], int(book.true_sire.max() < 1000)
    (1000, 'WILD', 1)
    >>> bool(0.1 < book.alive.mean() < 0.2)
    True
    """
    if n < 2 * founders:
        raise ValueError(
            f"a deep studbook of {counted(founders, 'founder')} needs {2 * founders} animals"
        )
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    sizes = _generation_sizes(n, founders, growth, max(2, round(4 * np.log10(n))))
    first_year = 2020 - 4 * sizes.size
    places = max(1, round(living_fraction * n / institution_size))

    sex = np.zeros(n, np.int8)  # 0 male, 1 female
    sire = np.full(n, -1, np.int64)
    dam = np.full(n, -1, np.int64)
    place = np.zeros(n, np.int64)
    breeder = np.zeros(n, bool)
    sex[:founders] = np.arange(founders) % 2
    place[:founders] = np.arange(founders) % places
    breeder[:founders] = True
    starts = np.concatenate([[0], np.cumsum(sizes)])
    for g in range(1, sizes.size):
        lo, hi = starts[max(0, g - parent_generations)], starts[g]
        pool = np.arange(lo, hi, dtype=np.int64)
        females = pool[sex[pool] == 1]
        males = pool[(sex[pool] == 0) & breeder[pool]]
        if males.size == 0:
            males = pool[sex[pool] == 0]
        size = int(sizes[g])
        litters = 1 + rng.poisson(extra_litter, size)
        count = int(np.searchsorted(np.cumsum(litters), size)) + 1
        litters = litters[:count]
        litters[-1] -= int(litters.sum()) - size
        mothers = females[rng.integers(0, females.size, count)]
        fathers = _sires(rng, males, place, place[mothers], places, inside_rate)
        own_father = (rng.random(count) < father_daughter_rate) & (sire[mothers] >= 0)
        fathers[own_father] = sire[mothers[own_father]]
        born = slice(starts[g], starts[g + 1])
        sire[born] = np.repeat(fathers, litters)
        dam[born] = np.repeat(mothers, litters)
        sex[born] = rng.integers(0, 2, size)
        moved = rng.random(size) < transfer_rate
        home = place[dam[born]]
        away = (home + rng.integers(1, max(places, 2), size)) % places
        place[born] = np.where(moved, away, home)
        breeder[born] = rng.random(size) < breeding_males

    generation = np.repeat(np.arange(sizes.size), sizes)
    founder = sire < 0
    rec_sire, rec_dam = sire.copy(), dam.copy()
    u = rng.random(n)
    both = u < unknown_both_rate
    only_sire = (u >= unknown_both_rate) & (u < unknown_sire_rate)
    only_dam = (u >= unknown_sire_rate) & (
        u < unknown_sire_rate + unknown_dam_rate - unknown_both_rate
    )
    rec_sire[~founder & (both | only_sire)] = -1
    rec_dam[~founder & (both | only_dam)] = -1

    ids = np.arange(1, n + 1).astype(str)
    years = (first_year + 4 * generation + rng.integers(0, 4, n) - 1970).astype("datetime64[Y]")
    dates = years.astype("datetime64[D]") + rng.integers(0, 365, n).astype("timedelta64[D]")
    youngest = np.argsort(-dates.astype(np.int64), kind="stable")
    alive = np.zeros(n, bool)
    alive[youngest[: round(living_fraction * n / 0.9)]] = True
    alive &= rng.random(n) < 0.9
    flags = np.full(n, "", object)
    flags[0] = "flagged"
    return SyntheticStudbook(
        ids=ids.tolist(),
        sire=_parent_cells(rec_sire, founder, ids).tolist(),
        dam=_parent_cells(rec_dam, founder, ids).tolist(),
        sex=np.where(sex == 0, "M", "F").tolist(),
        birth_date=np.datetime_as_string(dates).tolist(),
        alive=alive,
        location=np.char.add("INST", place.astype(str)).tolist(),
        flags=flags.tolist(),
        sire_index=rec_sire,
        dam_index=rec_dam,
        true_sire=sire,
        true_dam=dam,
    )


def _generation_sizes(n: int, founders: int, growth: float, generations: int) -> IntArray:
    """Sizes of ``generations`` generations summing to ``n``: ``founders * growth^g`` up to a
    cap, the cap found by bisection; the last generation takes the rounding remainder."""
    grown = founders * growth ** np.arange(generations, dtype=np.float64)
    grown[0] = founders
    lo, hi = 1.0, float(n)
    for _ in range(100):
        cap = 0.5 * (lo + hi)
        total = founders + np.minimum(grown[1:], cap).astype(np.int64).sum()
        lo, hi = (cap, hi) if total < n else (lo, cap)
    sizes = np.minimum(grown, lo).astype(np.int64)
    sizes[0] = founders
    sizes[-1] += n - int(sizes.sum())
    return sizes


def _sires(
    rng: np.random.Generator,
    males: IntArray,
    place: IntArray,
    wanted: IntArray,
    places: int,
    inside_rate: float,
) -> IntArray:
    """A breeding male for each litter: of the institution ``wanted`` with probability
    ``inside_rate`` when it has one, else any of ``males``."""
    by_place = males[np.argsort(place[males], kind="stable")]
    keys = place[by_place]
    lo = np.searchsorted(keys, wanted, "left")
    hi = np.searchsorted(keys, wanted, "right")
    anywhere = by_place[rng.integers(0, by_place.size, wanted.size)]
    inside = by_place[np.minimum(lo + (rng.random(wanted.size) * (hi - lo)).astype(np.int64),
                                 by_place.size - 1)]  # fmt: skip
    local = (hi > lo) & (rng.random(wanted.size) < inside_rate)
    return np.where(local, inside, anywhere)
