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

from studbook.csvformat import (
    PlainColumns,
    StudbookTable,
    decode_lines,
    plain_columns,
    read_bytes,
    table_from_text,
)
from studbook.errors import (
    ParentProbabilityError,
    PedigreeCycleError,
    PedigreeError,
    UnknownAnimalError,
)
from studbook.jit import compiled, interpretable
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
    numeric_ids : when every id is a canonical number (digits, no leading zero), the row of
        each value (-1 where no animal has it); lets :meth:`indices` skip building a dict of
        every id. Set by the CSV reader; ``None`` means "look ids up by text".
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
    numeric_ids: IntArray | None = field(default=None, repr=False, compare=False)

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

        same = _same_parent(parent_idx["sire"], parent_idx["dam"], mult["sire"], mult["dam"])
        if same is not None:
            raise PedigreeError(
                f"{where(same)}: {ids_t[same]!r} has the same animal as sire and dam"
            )

        if sex is not None:
            codes: dict[str, str] = {}
            for k, cell in enumerate(sex):
                if cell not in codes:
                    try:
                        codes[cell] = parse_sex(cell)
                    except ValueError as exc:
                        raise PedigreeError(f"{where(k)}: sex of {ids_t[k]!r}: {exc}") from None
            sex_arr = np.array([codes[s] for s in sex], "<U1")
        else:
            sex_arr = np.full(n, "U", "<U1")
        death = _dates(death_date, n)
        btype = list(birth_type) if birth_type is not None else [BirthType.UNKNOWN] * n
        flag_masks: dict[str, BoolArray] = {}
        if flags is not None:
            for k, names in enumerate(flags):
                for name in names:
                    flag_masks.setdefault(name, np.zeros(n, bool))[k] = True
        return cls._assemble(
            ids_t,
            sex_arr,
            parent_idx,
            mult,
            wild,
            alive=_stated(alive),
            founder=_stated(founder),
            wild_birth=np.array([b is BirthType.WILD for b in btype], bool),
            unknown_birth=np.array([b is BirthType.UNKNOWN for b in btype], bool),
            hypothetical=np.zeros(n, bool)
            if hypothetical is None
            else np.array(hypothetical, bool),
            flags=flag_masks,
            birth_date=_dates(birth_date, n),
            death_date=death,
            location=np.array(location if location is not None else [""] * n, object),
            attributes=dict(attributes or {}),
        )

    @classmethod
    def _assemble(
        cls,
        ids: tuple[str, ...],
        sex: npt.NDArray[np.str_],
        parent: Mapping[str, IntArray],
        mult: Mapping[str, Mapping[int, tuple[IntArray, FloatArray]]],
        wild: Mapping[str, BoolArray],
        *,
        alive: tuple[BoolArray, BoolArray] | None,
        founder: tuple[BoolArray, BoolArray] | None,
        wild_birth: BoolArray,
        unknown_birth: BoolArray,
        hypothetical: BoolArray,
        flags: dict[str, BoolArray],
        birth_date: npt.NDArray[np.datetime64],
        death_date: npt.NDArray[np.datetime64],
        location: npt.NDArray[np.object_],
        attributes: dict[str, list[str]],
        numeric_ids: IntArray | None = None,
    ) -> Pedigree:
        """The pedigree from parsed columns; shared by every reader so they agree exactly.

        ``parent``, ``mult`` and ``wild`` are keyed by ``"sire"`` and ``"dam"``; ``alive`` and
        ``founder`` are (stated, value) masks, ``None`` when the column is absent. Derives who
        is living and who is a founder, and raises :class:`PedigreeCycleError` for a loop.
        """
        alive_arr = np.isnat(death_date)
        if alive is not None:
            alive_arr = np.where(alive[0], alive[1], alive_arr)
        no_known_parent = (parent["sire"] < 0) & (parent["dam"] < 0)
        no_known_parent[list(mult["sire"]) + list(mult["dam"])] = False
        assumed = wild_birth | (wild["sire"] & wild["dam"]) | (unknown_birth & no_known_parent)
        if founder is not None:
            assumed = np.where(founder[0], founder[1], assumed)
        pedigree = cls(
            ids=ids,
            sex=sex,
            sire=parent["sire"],
            dam=parent["dam"],
            mult_sire=mult["sire"],
            mult_dam=mult["dam"],
            alive=alive_arr,
            founder=assumed,
            hypothetical=hypothetical,
            flags=flags,
            birth_date=birth_date,
            death_date=death_date,
            location=location,
            attributes=attributes,
            numeric_ids=numeric_ids,
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
        if self.numeric_ids is None:
            missing = [a for a in wanted if a not in self.index]
            found = [self.index.get(a, -1) for a in wanted]
        else:
            table = self.numeric_ids
            values = [int(a) if _canonical_number(a) else -1 for a in wanted]
            found = [int(table[v]) if 0 <= v < table.size else -1 for v in values]
            missing = [a for a, k in zip(wanted, found, strict=True) if k < 0]
        if missing:
            raise UnknownAnimalError(missing)
        return np.array(found, np.int64)

    @cached_property
    def parent_edges(self) -> ParentEdges:
        """All child -> parent links, MULT candidates included with their probabilities."""
        children, parents, weights, roles = [], [], [], []
        for role, single, mult in ((0, self.sire, self.mult_sire), (1, self.dam, self.mult_dam)):
            known = np.flatnonzero(single >= 0)
            counts = np.array([c.size for c, _ in mult.values()], np.int64)
            children += [known, np.repeat(np.fromiter(mult, np.int64, len(mult)), counts)]
            parents += [single[known], *(c for c, _ in mult.values())]
            weights += [np.ones(known.size), *(p for _, p in mult.values())]
            roles.append(np.full(known.size + int(counts.sum()), role, np.int8))
        return ParentEdges(
            np.concatenate(children).astype(np.int64),
            np.concatenate(parents).astype(np.int64),
            np.concatenate(weights).astype(np.float64),
            np.concatenate(roles).astype(np.int8),
        )

    @cached_property
    def generation(self) -> IntArray:
        """Longest path to a founder: 0 for animals without known parents, else 1 + max parent.

        Computed in one compiled pass over the parent links, parents before children (Kahn's
        order, O(N)). Raises :class:`PedigreeCycleError` naming the animals of a loop.
        """
        edges = self.parent_edges
        gen = _longest_paths(len(self.ids), edges.child, edges.parent)
        if bool((gen < 0).any()):
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
        """The pedigree's own view of who is living now: recorded alive (the ``alive`` column, else
        no death date) and not hypothetical. It knows no events or dates; the rule on a date is
        :func:`studbook.status.living_mask` (for a :class:`~studbook.book.Studbook`, whose
        events decide, ``Studbook.living_ids``). The default population of kinship functions."""
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


@interpretable
@compiled
def _longest_paths(n: int, child: IntArray, parent: IntArray) -> IntArray:  # pragma: no cover
    """Generation of every animal by Kahn's algorithm; -1 for animals on or below a loop."""
    waiting = np.zeros(n, np.int64)
    first = np.zeros(n + 1, np.int64)
    for e in range(child.size):
        waiting[child[e]] += 1
        first[parent[e] + 1] += 1
    for i in range(n):
        first[i + 1] += first[i]
    fill = first[:-1].copy()
    kids = np.empty(child.size, np.int64)
    for e in range(child.size):
        kids[fill[parent[e]]] = child[e]
        fill[parent[e]] += 1
    gen = np.full(n, -1, np.int64)
    reach = np.zeros(n, np.int64)
    queue = np.empty(n, np.int64)
    tail = 0
    for i in range(n):
        if waiting[i] == 0:
            gen[i] = 0
            queue[tail] = i
            tail += 1
    head = 0
    while head < tail:
        p = queue[head]
        head += 1
        for e in range(first[p], first[p + 1]):
            k = kids[e]
            reach[k] = max(reach[k], gen[p] + 1)
            waiting[k] -= 1
            if waiting[k] == 0:
                gen[k] = reach[k]
                queue[tail] = k
                tail += 1
    return gen


def _same_parent(
    sire: IntArray,
    dam: IntArray,
    mult_sire: Mapping[int, tuple[IntArray, FloatArray]],
    mult_dam: Mapping[int, tuple[IntArray, FloatArray]],
) -> int | None:
    """The first animal whose sire (or a MULT sire candidate) is also its dam, if any."""
    same = np.flatnonzero((sire == dam) & (sire >= 0))
    for k, (sire_c, _) in mult_sire.items():
        dam_c = mult_dam[k][0] if k in mult_dam else dam[k : k + 1]
        if not set(sire_c.tolist()).isdisjoint(dam_c.tolist()):
            same = np.append(same, k)
    return int(same[0]) if same.size else None


def _canonical_number(text: str) -> bool:
    """Digits only, without a leading zero (``"0"`` itself is one): the text of a number."""
    return text.isascii() and text.isdigit() and (text[0] != "0" or text == "0")


def _stated(values: Sequence[bool | None] | None) -> tuple[BoolArray, BoolArray] | None:
    """(stated, value) masks of a yes/no column; ``None`` when there is no column."""
    if values is None:
        return None
    return np.array([v is not None for v in values], bool), np.array(
        [bool(v) for v in values], bool
    )


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

    A file without quotes is read column by column from its bytes (:func:`_from_plain`); any
    other file, or one with a problem, goes through :meth:`Pedigree.from_table`, which gives the
    same pedigree or the error with its line number.
    """
    data = read_bytes(path)
    columns = plain_columns(data, str(path))
    if columns is not None:
        pedigree = _from_plain(columns)
        if pedigree is not None:
            return pedigree
    # Millions of new cell strings would trigger repeated full garbage collections (a large
    # part of the reading time at 1e6 rows); none of them can form reference cycles.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return Pedigree.from_table(table_from_text(decode_lines(data, str(path)), str(path)))
    finally:
        if enabled:
            gc.enable()


_KNOWN_COLUMNS = frozenset(
    {"id", "sire", "dam", "sex", "alive", "founder", "birth_type", "hypothetical", "flags",
     "birth_date", "death_date", "location"}
)  # fmt: skip


def _from_plain(cols: PlainColumns) -> Pedigree | None:
    """:meth:`Pedigree.from_table` on byte columns, vectorised; ``None`` on any problem.

    Ids are matched through :class:`_IdIndex`, each other column is parsed once per distinct
    cell, and only parent cells that are not ids (UNK, WILD, MULT)
    are parsed one by one. Problems are left to the slow path, which reports them by line.
    """
    n = len(cols)
    ids = _IdIndex.build(cols) if n else None
    if ids is None:
        return None
    parent: dict[str, IntArray] = {}
    mult: dict[str, dict[int, tuple[IntArray, FloatArray]]] = {}
    wild: dict[str, BoolArray] = {}
    for role in ("sire", "dam"):
        idx = ids.column(cols, role)
        rest = np.flatnonzero(idx < 0)
        is_wild = np.zeros(n, bool)
        options: dict[int, tuple[IntArray, FloatArray]] = {}
        distinct, which = np.unique(cols.cells(role, rows=rest), return_inverse=True)
        try:
            specs = [parse_parent(cell.decode("utf-8")) for cell in distinct.tolist()]
        except ValueError:
            return None
        if any(not math.isclose(s.probability_total, 1.0, abs_tol=PROBABILITY_TOLERANCE)
               for s in specs if s.kind is ParentKind.MULT):  # fmt: skip
            return None
        found = ids.names([c.encode("utf-8") for s in specs for c in s.ids])
        if bool((found < 0).any()):
            return None
        choices: list[tuple[IntArray, FloatArray] | None] = []
        used = 0
        for spec in specs:
            count = len(spec.candidates)
            choices.append(
                (found[used : used + count], np.array([p for _, p in spec.candidates]))
                if count
                else None
            )
            used += count
        is_wild[rest] = np.array([s.kind is ParentKind.WILD for s in specs], bool)[which]
        for k, c in zip(rest.tolist(), which.tolist(), strict=True):
            choice = choices[c]
            if choice is not None:
                options[k] = (choice[0].copy(), choice[1].copy())
        parent[role], mult[role], wild[role] = idx, options, is_wild
    if _same_parent(parent["sire"], parent["dam"], mult["sire"], mult["dam"]) is not None:
        return None

    try:
        sex_codes, sex_of = _distinct(cols, "sex")
        sex = np.array([parse_sex(c) for c in sex_codes], "<U1")[sex_of]
        death = _byte_dates(cols, "death_date")
        stated = {name: _stated_column(cols, name) for name in ("alive", "founder", "hypothetical")}
        birth = _byte_dates(cols, "birth_date")
    except (ValueError, TypeError):  # numpy refuses some date strings with a TypeError
        return None
    wild_birth = np.zeros(n, bool)
    unknown_birth = np.ones(n, bool)
    if "birth_type" in cols.header:
        types, type_of = _distinct(cols, "birth_type")
        first = [t[:1].upper() for t in types]
        wild_birth = np.array([f == "W" for f in first], bool)[type_of]
        unknown_birth = np.array([f not in ("C", "W") for f in first], bool)[type_of]
    flags: dict[str, BoolArray] = {}
    if "flags" in cols.header:
        cells, flags_of = _distinct(cols, "flags")
        split = [[f.strip() for f in cell.split(";") if f.strip()] for cell in cells]
        masks: dict[str, BoolArray] = {}
        for u, names in enumerate(split):
            for flag in names:
                masks.setdefault(flag, np.zeros(len(cells), bool))[u] = True
        rows = {flag: mask[flags_of] for flag, mask in masks.items()}

        def first_seen(flag: str) -> tuple[int, int]:
            row = int(np.argmax(rows[flag]))
            return row, split[flags_of[row]].index(flag)

        flags = {flag: rows[flag] for flag in sorted(rows, key=first_seen)}
    if "location" in cols.header:
        places, place_of = _distinct(cols, "location")
        location = np.array(places, object)[place_of]
    else:
        location = np.array([""] * n, object)
    hypothetical = stated.pop("hypothetical")
    return Pedigree._assemble(
        tuple(cols.texts("id")),
        sex,
        parent,
        mult,
        wild,
        alive=stated["alive"],
        founder=stated["founder"],
        wild_birth=wild_birth,
        unknown_birth=unknown_birth,
        hypothetical=np.zeros(n, bool) if hypothetical is None else hypothetical[1],
        flags=flags,
        birth_date=birth,
        death_date=death,
        location=location,
        attributes={k: cols.texts(k) for k in cols.header if k not in _KNOWN_COLUMNS},
        numeric_ids=ids.table,
    )


class _IdIndex:
    """Finds the row of an id from its bytes, without a Python object per id.

    Canonical numbers (the usual studbook ids) index a direct table by value; any other ids
    are found by binary search among their sorted fixed-width byte keys.
    """

    def __init__(
        self,
        table: IntArray | None,
        width: int,
        sorted_keys: npt.NDArray[np.uint64] | npt.NDArray[np.bytes_],
        by_key: IntArray,
    ) -> None:
        self.table, self.width, self.sorted_keys, self.by_key = table, width, sorted_keys, by_key

    @classmethod
    def build(cls, cols: PlainColumns) -> _IdIndex | None:
        """The index of the ``id`` column; ``None`` when an id is repeated."""
        n = len(cols)
        rows = np.arange(n, dtype=np.int64)
        values = cols.integers("id")
        top = int(values.max())
        if bool((values >= 0).all()) and top < 8 * n + 1024:
            table = np.full(top + 1, -1, np.int64)
            table[values] = rows
            if not np.array_equal(table[values], rows):
                return None
            return cls(table, 0, np.zeros(0, np.uint64), rows)
        width = max(int(cols.lengths("id").max()), 1)
        keys = _keys(cols.cells("id", width=width))
        by_key = np.argsort(keys, kind="stable")
        sorted_keys = keys[by_key]
        if bool((sorted_keys[1:] == sorted_keys[:-1]).any()):
            return None
        return cls(None, width, sorted_keys, by_key)

    def _values(self, values: IntArray) -> IntArray:
        assert self.table is not None
        inside = (values >= 0) & (values < self.table.size)
        return np.where(inside, self.table[np.where(inside, values, 0)], -1)

    def _search(self, cells: npt.NDArray[np.bytes_], fits: BoolArray) -> IntArray:
        keys = _keys(cells.astype(f"S{self.width}"))
        at = np.minimum(np.searchsorted(self.sorted_keys, keys), self.by_key.size - 1)
        return np.where(fits & (self.sorted_keys[at] == keys), self.by_key[at], -1)

    def column(self, cols: PlainColumns, name: str) -> IntArray:
        """Row of the id in each cell of column ``name``, -1 for cells that are no id."""
        if self.table is not None:
            return self._values(cols.integers(name))
        return self._search(cols.cells(name, width=self.width), cols.lengths(name) <= self.width)

    def names(self, names: list[bytes]) -> IntArray:
        """Row of each id in ``names``, -1 for those that are no id."""
        if self.table is not None:
            canonical = [
                (c.isdigit() and len(c) <= 18 and c[:1] != b"0") or c == b"0" for c in names
            ]
            values = [int(c) if ok else -1 for c, ok in zip(names, canonical, strict=True)]
            return self._values(np.array(values, np.int64))
        fits = np.array([len(c) <= self.width for c in names], bool)
        return self._search(np.array(names, "S"), fits)


def _keys(cells: npt.NDArray[np.bytes_]) -> npt.NDArray[np.uint64] | npt.NDArray[np.bytes_]:
    """Sort keys with the byte order of ``cells``: one integer each when they fit in 8 bytes."""
    width = cells.dtype.itemsize
    if width > 8:
        return cells
    padded = np.zeros((cells.size, 8), np.uint8)
    padded[:, :width] = cells.view(np.uint8).reshape(cells.size, width)
    return padded.view(">u8").ravel().astype(np.uint64)


def _distinct(cols: PlainColumns, name: str) -> tuple[list[str], IntArray]:
    """The distinct cells of a column as text, and each row's position among them."""
    codes, first = cols.factorize(name)
    return [cols.text(int(k), name) for k in first], codes


def _stated_column(cols: PlainColumns, name: str) -> tuple[BoolArray, BoolArray] | None:
    """(stated, value) masks of a yes/no column (see :func:`_stated`); ``ValueError`` if bad."""
    if name not in cols.header:
        return None
    cells, of = _distinct(cols, name)
    masks = _stated([parse_bool(c) for c in cells])
    assert masks is not None
    return masks[0][of], masks[1][of]


def _byte_dates(cols: PlainColumns, name: str) -> npt.NDArray[np.datetime64]:
    """A date column as ``datetime64[D]``, as :func:`_dates` reads it; raises if one is bad."""
    if name not in cols.header:
        return _dates(None, len(cols))
    cells = cols.cells(name)
    cells = np.where(cols.lengths(name) == 0, b"NaT", cells.astype(f"S{max(cells.itemsize, 3)}"))
    return cells.astype("datetime64[D]")
