"""The pedigree: every animal with its parents, as numpy arrays ready for the genetics engine.

A :class:`Pedigree` keeps the animals in the order they were given (``ids``) and records each
parent as an index into that order. Unknown and wild-born parents are ``-1``: for kinship both are
distinct founders unrelated to everyone (they differ only for % known, through ``founder``).
MULT parents (one of several possible animals, each with a probability) are kept in
``mult_sire`` / ``mult_dam`` and their ``sire`` / ``dam`` entry is ``-1`` too; every algorithm that
follows parents uses :attr:`Pedigree.parent_edges`, which includes them with their weights.

Rows may come in any order: :attr:`Pedigree.order` lists the animals parents-first.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import numpy.typing as npt

from studbook.csvformat import StudbookTable, read_table
from studbook.errors import (
    ParentProbabilityError,
    PedigreeCycleError,
    PedigreeError,
    UnknownAnimalError,
)
from studbook.parents import PROBABILITY_TOLERANCE, ParentKind, format_parent, parse_parent
from studbook.records import AnimalRecord, BirthType, parse_bool, parse_sex

__all__ = ["ParentEdges", "Pedigree", "Population", "read_pedigree"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

Population = Iterable[str] | BoolArray | None
"""Who an analysis is about: ``None`` (the living), an iterable of ids, or a boolean mask."""


@dataclass(frozen=True)
class ParentEdges:
    """Every child -> parent link with its probability (1 for a known parent).

    ``role`` is 0 for the sire side and 1 for the dam side. The kinship recursion in matrix form
    is ``a = P a + m`` with ``P[child, parent] = weight / 2``.
    """

    child: IntArray
    parent: IntArray
    weight: FloatArray
    role: npt.NDArray[np.int8]


@dataclass(frozen=True, eq=False)
class Pedigree:
    """Animals and their parents as arrays aligned with ``ids`` (see the module docstring).

    Attributes
    ----------
    ids : the studbook ids (text), in the input order.
    sex : ``'M'``, ``'F'`` or ``'U'`` per animal.
    sire, dam : index of the single known parent, ``-1`` for unknown, wild or MULT.
    mult_sire, mult_dam : animal index -> (candidate indices, probabilities) for MULT parents.
    alive : living at the time of the record (the default reference population).
    founder : counts as a real founder for % known (see ``records.is_assumed_founder``).
    hypothetical : placeholder animals that only link siblings; never part of a population.
    flags : founder-flag name -> mask of the animals carrying that flag.
    birth_date, death_date : ``datetime64[D]`` (first day of an estimated period), NaT unknown.
    location : current institution mnemonic ('' unknown).
    attributes : any other input column, as text.
    """

    ids: tuple[str, ...]
    sex: npt.NDArray[np.str_]
    sire: IntArray
    dam: IntArray
    mult_sire: Mapping[int, tuple[IntArray, FloatArray]] = field(default_factory=dict)
    mult_dam: Mapping[int, tuple[IntArray, FloatArray]] = field(default_factory=dict)
    alive: BoolArray = field(default_factory=lambda: np.zeros(0, bool))
    founder: BoolArray = field(default_factory=lambda: np.zeros(0, bool))
    hypothetical: BoolArray = field(default_factory=lambda: np.zeros(0, bool))
    flags: Mapping[str, BoolArray] = field(default_factory=dict)
    birth_date: npt.NDArray[np.datetime64] = field(
        default_factory=lambda: np.zeros(0, "datetime64[D]")
    )
    death_date: npt.NDArray[np.datetime64] = field(
        default_factory=lambda: np.zeros(0, "datetime64[D]")
    )
    location: npt.NDArray[np.object_] = field(default_factory=lambda: np.zeros(0, object))
    attributes: Mapping[str, list[str]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    # ----------------------------------------------------------------- construction
    @classmethod
    def from_cells(
        cls,
        ids: Sequence[str],
        sire: Sequence[str],
        dam: Sequence[str],
        sex: Sequence[str] | None = None,
        *,
        alive: Sequence[bool | None] | None = None,
        founder: Sequence[bool | None] | None = None,
        birth_type: Sequence[BirthType] | None = None,
        hypothetical: Sequence[bool] | None = None,
        flags: Sequence[Iterable[str]] | None = None,
        birth_date: Sequence[str] | None = None,
        death_date: Sequence[str] | None = None,
        location: Sequence[str] | None = None,
        attributes: Mapping[str, list[str]] | None = None,
        source: str = "pedigree",
        lines: Sequence[int] | None = None,
    ) -> Pedigree:
        """Build a pedigree from text cells (parent cells as in :mod:`studbook.parents`).

        Raises :class:`PedigreeError` for duplicate ids, parents not in the pedigree, the same
        animal as sire and dam, or malformed MULT cells; :class:`ParentProbabilityError` for
        MULT probabilities that do not sum to 1; :class:`PedigreeCycleError` for loops.
        """
        n = len(ids)
        ids_t = tuple(ids)

        def where(k: int) -> str:
            return f"{source}:{lines[k]}" if lines is not None else source

        index = {animal: k for k, animal in enumerate(ids_t)}
        if len(index) != n:
            seen: set[str] = set()
            dups = sorted({a for a in ids_t if a in seen or seen.add(a)})  # type: ignore[func-returns-value]
            raise PedigreeError(f"{source}: duplicate studbook ids: {', '.join(dups[:20])}")
        parent_idx, mult, wild = {}, {}, {}
        for role, cells in (("sire", sire), ("dam", dam)):
            idx = np.fromiter((index.get(c, -1) for c in cells), np.int64, count=n)
            is_wild = np.zeros(n, bool)
            options: dict[int, tuple[IntArray, FloatArray]] = {}
            for k in np.flatnonzero(idx < 0).tolist():
                try:
                    spec = parse_parent(cells[k])
                except ValueError as exc:
                    raise PedigreeError(f"{where(k)}: {role} of {ids_t[k]!r}: {exc}") from None
                if spec.kind is ParentKind.WILD:
                    is_wild[k] = True
                elif spec.kind in (ParentKind.KNOWN, ParentKind.MULT):
                    missing = [c for c in spec.ids if c not in index]
                    if missing:
                        raise PedigreeError(
                            f"{where(k)}: {role} of {ids_t[k]!r} is not in the pedigree: "
                            + ", ".join(repr(m) for m in missing)
                        )
                    total = spec.probability_total
                    if not math.isclose(total, 1.0, abs_tol=PROBABILITY_TOLERANCE):
                        raise ParentProbabilityError(
                            f"{where(k)}: MULT {role} probabilities of {ids_t[k]!r} sum to "
                            f"{total:.6g}, not 1 ({cells[k]})"
                        )
                    options[k] = (
                        np.array([index[c] for c in spec.ids], np.int64),
                        np.array([p for _, p in spec.candidates], np.float64),
                    )
            parent_idx[role], mult[role], wild[role] = idx, options, is_wild

        same = np.flatnonzero((parent_idx["sire"] == parent_idx["dam"]) & (parent_idx["sire"] >= 0))
        for k, (sire_c, _) in mult["sire"].items():
            dam_c = mult["dam"][k][0] if k in mult["dam"] else parent_idx["dam"][k : k + 1]
            if np.intersect1d(sire_c, dam_c).size:
                same = np.append(same, k)
        if same.size:
            k = int(same[0])
            raise PedigreeError(f"{where(k)}: {ids_t[k]!r} has the same animal as sire and dam")

        if sex is not None:
            codes = {s: parse_sex(s) for s in dict.fromkeys(sex)}  # first bad code raises
            sex_arr = np.array([codes[s] for s in sex], "<U1")
        else:
            sex_arr = np.full(n, "U", "<U1")
        death = _dates(death_date, n)
        if alive is None:
            alive_arr = np.isnat(death)
        else:
            stated = np.array([a is not None for a in alive], bool)
            alive_arr = np.where(stated, np.array([bool(a) for a in alive], bool), np.isnat(death))
        no_known_parent = (
            (parent_idx["sire"] < 0)
            & (parent_idx["dam"] < 0)
            & ~np.isin(np.arange(n), list(mult["sire"]) + list(mult["dam"]))
        )
        btype = list(birth_type) if birth_type is not None else [BirthType.UNKNOWN] * n
        wild_born = np.array([b is BirthType.WILD for b in btype], bool) | (
            wild["sire"] & wild["dam"]
        )
        unknown_type = np.array([b is BirthType.UNKNOWN for b in btype], bool)
        assumed = wild_born | (unknown_type & no_known_parent)
        if founder is not None:
            stated_f = np.array([f is not None for f in founder], bool)
            assumed = np.where(stated_f, np.array([bool(f) for f in founder], bool), assumed)
        flag_masks: dict[str, BoolArray] = {}
        if flags is not None:
            for k, names in enumerate(flags):
                for name in names:
                    flag_masks.setdefault(name, np.zeros(n, bool))[k] = True
        pedigree = cls(
            ids=ids_t,
            sex=sex_arr,
            sire=parent_idx["sire"],
            dam=parent_idx["dam"],
            mult_sire=mult["sire"],
            mult_dam=mult["dam"],
            alive=alive_arr,
            founder=assumed,
            hypothetical=np.zeros(n, bool)
            if hypothetical is None
            else np.array(hypothetical, bool),
            flags=flag_masks,
            birth_date=_dates(birth_date, n),
            death_date=death,
            location=np.array(location if location is not None else [""] * n, object),
            attributes=dict(attributes or {}),
        )
        _ = pedigree.order  # detect loops now, not in the middle of an analysis
        return pedigree

    @classmethod
    def from_table(cls, table: StudbookTable) -> Pedigree:
        """Build from a studbook CSV table (see :mod:`studbook.csvformat`)."""
        cols = table.columns
        n = len(table)

        def parsed(name: str, parser: object) -> list[bool | None] | None:
            if name not in cols:
                return None
            cells = cols[name]
            # Parse each distinct cell once, in order of first appearance, so that the first
            # bad cell reported is still the one on the earliest line.
            values: dict[str, bool | None] = {}
            for cell in dict.fromkeys(cells):
                try:
                    values[cell] = parser(cell)  # type: ignore[operator]
                except ValueError as exc:
                    line = table.lines[cells.index(cell)]
                    raise PedigreeError(f"{table.source}:{line}: {name}: {exc}") from None
            return [values[c] for c in cells]

        birth_types = None
        if "birth_type" in cols:
            lookup = {"C": BirthType.CAPTIVE, "W": BirthType.WILD}
            birth_types = [lookup.get(c[:1].upper(), BirthType.UNKNOWN) for c in cols["birth_type"]]
        known = {"id", "sire", "dam", "sex", "alive", "founder", "birth_type", "hypothetical",
                 "flags", "birth_date", "death_date", "location"}  # fmt: skip
        flags = None
        if "flags" in cols:
            split = {
                c: tuple(f.strip() for f in c.split(";") if f.strip())
                for c in dict.fromkeys(cols["flags"])
            }
            flags = [split[c] for c in cols["flags"]]
        hyp = parsed("hypothetical", parse_bool)
        return cls.from_cells(
            cols["id"],
            cols["sire"],
            cols["dam"],
            cols.get("sex", [""] * n),
            alive=parsed("alive", parse_bool),
            founder=parsed("founder", parse_bool),
            birth_type=birth_types,
            hypothetical=[bool(h) for h in hyp] if hyp is not None else None,
            flags=flags,
            birth_date=cols.get("birth_date"),
            death_date=cols.get("death_date"),
            location=cols.get("location"),
            attributes={k: v for k, v in cols.items() if k not in known},
            source=table.source,
            lines=table.lines,
        )

    @classmethod
    def from_records(cls, records: Sequence[AnimalRecord], source: str = "studbook") -> Pedigree:
        """Build from typed records (the database layer's path into the engine)."""
        lines = [r.line or 0 for r in records]
        return cls.from_cells(
            [r.id for r in records],
            [format_parent(r.sire) for r in records],
            [format_parent(r.dam) for r in records],
            [r.sex for r in records],
            alive=[r.is_living for r in records],
            founder=[r.founder for r in records],
            birth_type=[r.birth_type for r in records],
            hypothetical=[r.hypothetical for r in records],
            flags=[r.flags for r in records],
            birth_date=[str(r.birth_date) if r.birth_date else "" for r in records],
            death_date=[str(r.death_date) if r.death_date else "" for r in records],
            location=[r.location for r in records],
            source=source,
            lines=lines if all(lines) else None,
        )

    # ----------------------------------------------------------------- structure
    @cached_property
    def index(self) -> dict[str, int]:
        """Studbook id -> position in ``ids``."""
        return {animal: k for k, animal in enumerate(self.ids)}

    def indices(self, ids: Iterable[str]) -> IntArray:
        """Positions of ``ids``; raises :class:`UnknownAnimalError` naming every missing id."""
        wanted = [ids] if isinstance(ids, str) else list(ids)
        missing = [a for a in wanted if a not in self.index]
        if missing:
            raise UnknownAnimalError(missing)
        return np.array([self.index[a] for a in wanted], np.int64)

    @cached_property
    def parent_edges(self) -> ParentEdges:
        """All child -> parent links, MULT candidates included with their probabilities."""
        children, parents, weights, roles = [], [], [], []
        for role, single, mult in ((0, self.sire, self.mult_sire), (1, self.dam, self.mult_dam)):
            known = np.flatnonzero(single >= 0)
            children.append(known)
            parents.append(single[known])
            weights.append(np.ones(known.size))
            roles.append(np.full(known.size, role, np.int8))
            for k, (cands, probs) in mult.items():
                children.append(np.full(cands.size, k, np.int64))
                parents.append(cands)
                weights.append(probs)
                roles.append(np.full(cands.size, role, np.int8))
        return ParentEdges(
            np.concatenate(children).astype(np.int64),
            np.concatenate(parents).astype(np.int64),
            np.concatenate(weights).astype(np.float64),
            np.concatenate(roles).astype(np.int8),
        )

    @cached_property
    def generation(self) -> IntArray:
        """Longest path to a founder: 0 for animals without known parents, else 1 + max parent.

        Computed by peeling the pedigree one generation at a time with numpy (O(N x depth)).
        Raises :class:`PedigreeCycleError` naming the animals of a loop.
        """
        n = len(self.ids)
        edges = self.parent_edges
        gen = np.full(n, -1, np.int64)
        child, parent = edges.child, edges.parent
        has_parent = np.zeros(n, bool)
        has_parent[child] = True
        gen[~has_parent] = 0
        level = 0
        while child.size:
            pending = gen[parent] < 0
            blocked = np.zeros(n, bool)
            blocked[child[pending]] = True
            ready = (gen < 0) & ~blocked
            if not ready.any():
                raise PedigreeCycleError(self._find_cycle(np.flatnonzero(gen < 0)))
            level += 1
            gen[ready] = level
            keep = gen[child] < 0
            child, parent = child[keep], parent[keep]
        if (gen < 0).any():  # pragma: no cover - every animal is reached when there is no loop
            raise PedigreeCycleError(self._find_cycle(np.flatnonzero(gen < 0)))
        return gen

    @cached_property
    def order(self) -> IntArray:
        """Animal positions sorted parents-first (stable within a generation)."""
        return np.argsort(self.generation, kind="stable")

    def _find_cycle(self, stuck: IntArray) -> list[str]:
        """Follow parents among the animals that could not be ordered until one repeats."""
        inside = set(stuck.tolist())
        edges = self.parent_edges
        parents_of: dict[int, list[int]] = {}
        for c, p in zip(edges.child.tolist(), edges.parent.tolist(), strict=True):
            if c in inside and p in inside:
                parents_of.setdefault(c, []).append(p)
        path: list[int] = []
        seen: dict[int, int] = {}
        node = int(stuck[0])
        while node not in seen:
            seen[node] = len(path)
            path.append(node)
            node = parents_of[node][0]
        return [self.ids[k] for k in path[seen[node] :]]

    # ----------------------------------------------------------------- populations
    @property
    def living(self) -> BoolArray:
        """The default reference population: alive and not hypothetical."""
        return self.alive & ~self.hypothetical

    def population_mask(self, population: Population = None) -> BoolArray:
        """A boolean mask for ``population`` (None = :attr:`living`, ids, or a mask)."""
        if population is None:
            return self.living.copy()
        if isinstance(population, np.ndarray) and population.dtype == bool:
            if population.shape != (len(self.ids),):
                raise ValueError(
                    f"population mask has shape {population.shape}, not ({len(self)},)"
                )
            return population.copy()
        mask = np.zeros(len(self.ids), bool)
        mask[self.indices(population)] = True
        return mask

    def population_indices(self, population: Population = None) -> IntArray:
        """Positions of the animals in ``population`` (see :meth:`population_mask`)."""
        return np.flatnonzero(self.population_mask(population)).astype(np.int64)

    def flagged(self, names: Iterable[str]) -> BoolArray:
        """Animals carrying any of the founder flags ``names`` (unknown names flag nobody)."""
        mask = np.zeros(len(self.ids), bool)
        for name in names:
            if name in self.flags:
                mask |= self.flags[name]
        return mask


def _dates(cells: Sequence[str] | None, n: int) -> npt.NDArray[np.datetime64]:
    if cells is None:
        return np.full(n, np.datetime64("NaT"), "datetime64[D]")
    try:
        return np.array([c or "NaT" for c in cells], "datetime64[D]")
    except ValueError:
        raise PedigreeError(f"bad date among {cells!r:.200}") from None


def read_pedigree(path: str | Path) -> Pedigree:
    """Read a studbook CSV (columns ``id,sire,dam,sex`` first) into a :class:`Pedigree`.

    Optional columns: ``alive`` (1/0; missing = living unless ``death_date`` is set),
    ``birth_date``, ``birth_type``, ``death_date``, ``location``, ``house_name``,
    ``hypothetical``, ``founder``, ``flags`` (``;``-separated founder flags). Other columns are
    kept in :attr:`Pedigree.attributes`.
    """
    # Millions of new cell strings would trigger repeated full garbage collections (a large
    # part of the reading time at 1e6 rows); none of them can form reference cycles.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return Pedigree.from_table(read_table(path))
    finally:
        if enabled:
            gc.enable()
