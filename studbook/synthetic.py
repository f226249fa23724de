"""Seeded synthetic studbooks shaped like zoo pedigrees, for benchmarks and scale tests.

A zoo studbook has few founders, overlapping generations (animals breed for many years),
half-sib families (a breeding male is paired with several females), some unknown parents and
only a small living share of everyone ever recorded. :func:`synthetic_studbook` simulates such a
programme year by year, vectorised with numpy, so a million animals take about a second.

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

__all__ = ["SyntheticStudbook", "synthetic_studbook"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

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
    sire_cells = np.where(rec_sire >= 0, ids[np.maximum(rec_sire, 0)], "UNK").astype(object)
    dam_cells = np.where(rec_dam >= 0, ids[np.maximum(rec_dam, 0)], "UNK").astype(object)
    sire_cells[founder[:n_total]] = "WILD"
    dam_cells[founder[:n_total]] = "WILD"

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
