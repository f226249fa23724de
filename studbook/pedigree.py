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
import itertools
import math
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from studbook.csvformat import StudbookTable, read_bytes
from studbook.dates import PartialDate, parse_partial_date
from studbook.errors import (
    ImportValidationError,
    PedigreeCycleError,
    PedigreeError,
    UnknownAnimalError,
)
from studbook.ids import AnimalId, animal_ids
from studbook.interpret import needs_interpretation, understand_bytes
from studbook.jit import SMALL, compiled, interpretable
from studbook.limits import (
    COLUMN_NAME_LENGTH,
    FLAG_LENGTH,
    HOUSE_NAME_LENGTH,
    ID_LENGTH,
    ID_PUNCTUATION,
    NOTES_LENGTH,
)
from studbook.parents import (
    PROBABILITY_TOLERANCE,
    UNKNOWN_TOKENS,
    WILD_TOKEN,
    ParentKind,
    ParentSpec,
    parse_parent,
)
from studbook.plaincsv import PlainColumns, plain_columns, read_iso_dates
from studbook.records import (
    AnimalRecord,
    BirthType,
    format_bool,
    parse_birth_type,
    parse_bool,
    parse_sex,
    records_from_table,
)
from studbook.validation import number_key, validate_records

__all__ = ["ParentEdges", "Pedigree", "Population", "read_pedigree"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

Population = Iterable[AnimalId] | BoolArray | None
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
        """Build a pedigree from columns of cells, read exactly as the same CSV file would be.

        Text columns hold cells as in ``docs/csv-format.md``; ``alive``, ``founder``,
        ``birth_type``, ``hypothetical`` and ``flags`` may be given typed. ``lines`` (default:
        2, 3, ... as in a file with a header) and ``source`` name the rows in messages.
        Raises :class:`ImportValidationError` as :meth:`from_table` does.
        """
        n = len(ids)
        columns: dict[str, list[str]] = {
            "id": list(ids),
            "sire": list(sire),
            "dam": list(dam),
            "sex": list(sex) if sex is not None else [""] * n,
        }
        typed: dict[str, list[str] | None] = {
            "alive": None if alive is None else [format_bool(v) for v in alive],
            "founder": None if founder is None else [format_bool(v) for v in founder],
            "birth_type": None if birth_type is None else [b.value for b in birth_type],
            "hypothetical": None
            if hypothetical is None
            else [format_bool(bool(h)) for h in hypothetical],
            "flags": None if flags is None else [";".join(f) for f in flags],
            "birth_date": None if birth_date is None else list(birth_date),
            "death_date": None if death_date is None else list(death_date),
            "location": None if location is None else list(location),
        }
        columns |= {name: cells for name, cells in typed.items() if cells is not None}
        columns |= {name: list(cells) for name, cells in (attributes or {}).items()}
        stripped = {name: [c.strip() for c in cells] for name, cells in columns.items()}
        # Small pedigrees take the row path: fast enough, and it needs no compiled kernel.
        plain = _as_plain_csv(stripped, n) if n > SMALL else None
        read = plain_columns(plain, source) if plain is not None else None
        pedigree = _from_plain(read) if read is not None else None
        if pedigree is not None:
            return pedigree
        table = StudbookTable(
            source=source,
            columns=stripped,
            lines=list(lines) if lines is not None else list(range(2, n + 2)),
            header=list(columns),
        )
        return cls.from_table(table)

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
        """Build from a studbook CSV table (see :mod:`studbook.csvformat`).

        Every cell is read by :func:`~studbook.records.records_from_table` and every rule of
        :func:`~studbook.validation.validate_records` is checked, as ``studbook import`` does.
        Raises :class:`ImportValidationError` listing every problem (file, line, field, what
        to do) when any is an error.
        """
        records, problems = records_from_table(table)
        problems += validate_records(records, table.source)
        if any(p.severity == "error" for p in problems):
            raise ImportValidationError(problems)
        attributes = {k: v for k, v in table.columns.items() if k not in _ARRAY_COLUMNS}
        return cls.from_records(records, table.source, attributes=attributes)

    @classmethod
    def from_records(
        cls,
        records: Sequence[AnimalRecord],
        source: str = "studbook",
        *,
        attributes: Mapping[str, list[str]] | None = None,
    ) -> Pedigree:
        """Build from typed records that passed the rules (:meth:`from_table`, the database).

        ``attributes`` defaults to the records' extra columns (a missing cell is empty).
        Raises :class:`PedigreeError` for a repeated id or a parent that is not among the
        records, and :class:`PedigreeCycleError` for a loop.
        """
        n = len(records)
        ids = tuple(r.id for r in records)
        index = {animal: k for k, animal in enumerate(ids)}
        if len(index) != n:
            seen: set[str] = set()
            dups = sorted({a for a in ids if a in seen or seen.add(a)})  # type: ignore[func-returns-value]
            raise PedigreeError(f"{source}: duplicate studbook ids: {', '.join(dups[:20])}")
        parent: dict[str, IntArray] = {}
        mult: dict[str, dict[int, tuple[IntArray, FloatArray]]] = {}
        wild: dict[str, BoolArray] = {}
        for role in ("sire", "dam"):
            idx = np.full(n, -1, np.int64)
            is_wild = np.zeros(n, bool)
            options: dict[int, tuple[IntArray, FloatArray]] = {}
            for k, record in enumerate(records):
                spec: ParentSpec = getattr(record, role)
                if spec.kind is ParentKind.WILD:
                    is_wild[k] = True
                    continue
                missing = [c for c in spec.ids if c not in index]
                if missing:
                    raise PedigreeError(
                        f"{source}: {role} of {record.id!r} is not in the pedigree: "
                        + ", ".join(repr(m) for m in missing)
                    )
                if spec.kind is ParentKind.KNOWN:
                    idx[k] = index[spec.ids[0]]
                elif spec.kind is ParentKind.MULT:
                    options[k] = (
                        np.array([index[c] for c in spec.ids], np.int64),
                        np.array([p for _, p in spec.candidates], np.float64),
                    )
            parent[role], mult[role], wild[role] = idx, options, is_wild
        flags: dict[str, BoolArray] = {}
        for k, record in enumerate(records):
            for name in record.flags:
                flags.setdefault(name, np.zeros(n, bool))[k] = True
        return cls._assemble(
            ids,
            np.array([r.sex for r in records], "<U1"),
            parent,
            mult,
            wild,
            alive=_stated([r.alive for r in records]),
            founder=_stated([r.founder for r in records]),
            wild_birth=np.array([r.birth_type is BirthType.WILD for r in records], bool),
            unknown_birth=np.array([r.birth_type is BirthType.UNKNOWN for r in records], bool),
            hypothetical=np.array([r.hypothetical for r in records], bool),
            flags=flags,
            birth_date=_days([r.birth_date for r in records]),
            death_date=_days([r.death_date for r in records]),
            location=np.array([r.location for r in records], object),
            attributes=dict(attributes) if attributes is not None else _extra_columns(records),
        )

    # ----------------------------------------------------------------- structure
    @cached_property
    def index(self) -> dict[str, int]:
        """Studbook id -> position in ``ids``."""
        return {animal: k for k, animal in enumerate(self.ids)}

    def indices(self, ids: AnimalId | Iterable[AnimalId]) -> IntArray:
        """Positions of ``ids`` (text, or ints for numeric ids: :func:`~studbook.ids.animal_ids`).

        Raises :class:`UnknownAnimalError` naming every missing id.
        """
        wanted = animal_ids(ids)
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


def _extra_columns(records: Sequence[AnimalRecord]) -> dict[str, list[str]]:
    names = dict.fromkeys(name for r in records for name in r.extra)
    return {name: [r.extra.get(name, "") for r in records] for name in names}


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


def _days(dates: Sequence[PartialDate | None]) -> npt.NDArray[np.datetime64]:
    """The first day of each date's period as ``datetime64[D]``; NaT where there is none."""
    return np.array([d.value if d is not None else None for d in dates], "datetime64[D]")


def read_pedigree(path: str | Path, mapping: Mapping[str, str] | None = None) -> Pedigree:
    """Read a studbook CSV (``docs/csv-format.md``) into a :class:`Pedigree`.

    The file is read and checked as ``studbook import`` reads and checks it (without a
    database): the same rules, the same messages, the same understanding of its columns
    (:mod:`studbook.interpret`: separator, recognised names, ``NA`` cells, and ``mapping``,
    column -> field, as ``--map`` gives it). Raises :class:`ImportValidationError` listing every
    error with its file, line and field. Columns other than those the pedigree holds as arrays
    (``house_name``, ``notes``, any extra) are kept in :attr:`Pedigree.attributes`.

    A file in the studbook format without quotes is read column by column from its bytes and
    checked with numpy (:func:`_from_plain`); any other file, or one that breaks a rule, goes
    through :meth:`Pedigree.from_table`, which gives the same pedigree or every error with its
    line.
    """
    data = read_bytes(path)
    columns = None if mapping else plain_columns(data, str(path))
    if columns is not None and not needs_interpretation(columns.header):
        pedigree = _from_plain(columns)
        if pedigree is not None:
            return pedigree
    # Millions of new cell strings would trigger repeated full garbage collections (a large
    # part of the reading time at 1e6 rows); none of them can form reference cycles.
    enabled = gc.isenabled()
    gc.disable()
    try:
        table, _ = understand_bytes(data, str(path), mapping)
        return Pedigree.from_table(table)
    finally:
        if enabled:
            gc.enable()


def _as_plain_csv(columns: Mapping[str, list[str]], n: int) -> bytes | None:
    """The columns as a quote-free CSV file, so that the byte reader reads them; ``None``
    when that file would not say the same (a comma, quote or line break in a cell, a column
    name the reader would lower-case) or there are no rows: the row path takes those."""
    if not n or any(name != name.strip().lower() for name in columns):
        return None
    rows = [",".join(columns), *map(",".join, zip(*columns.values(), strict=True))]
    text = "\n".join(rows)
    lines = n + 1
    if '"' in text or "\r" in text or text.count("\n") != lines - 1:
        return None
    if text.count(",") != lines * (len(columns) - 1):
        return None
    return text.encode("utf-8")


_ARRAY_COLUMNS = frozenset(
    {"id", "sire", "dam", "sex", "alive", "founder", "birth_type", "hypothetical", "flags",
     "birth_date", "death_date", "location"}
)  # fmt: skip
"""The columns a :class:`Pedigree` holds as arrays; the others go to ``attributes``."""


class _Refused(Exception):
    """The byte path met a cell or a pedigree that breaks a rule: the row path reports it."""


def _from_plain(cols: PlainColumns) -> Pedigree | None:
    """:meth:`Pedigree.from_table` on byte columns, vectorised; ``None`` on any problem.

    Every cell is read by the one interpreter (:mod:`studbook.records`, :mod:`studbook.dates`,
    :mod:`studbook.parents`), once per distinct cell; ids are matched through :class:`_IdIndex`.
    The rules between records are numpy checks over the columns (:func:`_breaks_a_rule`).
    Anything wrong is left to the row path, which reports it with its line.
    """
    try:
        return _plain_pedigree(cols)
    except (_Refused, PedigreeCycleError):  # the row path names the lines of a loop's animals
        return None


def _plain_pedigree(cols: PlainColumns) -> Pedigree:
    n = len(cols)
    if _text_needs_rules(cols):
        raise _Refused
    ids = _IdIndex.build(cols) if n else None
    if ids is None or _leading_zero_collision(cols, ids):
        raise _Refused
    parent: dict[str, IntArray] = {}
    mult: dict[str, dict[int, tuple[IntArray, FloatArray]]] = {}
    wild: dict[str, BoolArray] = {}
    for role in ("sire", "dam"):
        idx = ids.column(cols, role)
        rest = np.flatnonzero(idx < 0)
        is_wild = np.zeros(n, bool)
        options: dict[int, tuple[IntArray, FloatArray]] = {}
        distinct, which = np.unique(cols.cells(role, rows=rest), return_inverse=True)
        specs = [_parsed(parse_parent, cell.decode("utf-8")) for cell in distinct.tolist()]
        if any(not math.isclose(s.probability_total, 1.0, abs_tol=PROBABILITY_TOLERANCE)
               for s in specs if s.kind is ParentKind.MULT):  # fmt: skip
            raise _Refused
        found = ids.names([c.encode("utf-8") for s in specs for c in s.ids])
        if bool((found < 0).any()):
            raise _Refused
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

    sex_codes, sex_of = _distinct_values(cols, "sex", parse_sex)
    sex = np.array(sex_codes, "<U1")[sex_of]
    birth, birth_last = _date_column(cols, "birth_date")
    death, death_last = _date_column(cols, "death_date")
    stated = {name: _stated_column(cols, name) for name in ("alive", "founder", "hypothetical")}
    wild_birth = np.zeros(n, bool)
    unknown_birth = np.ones(n, bool)
    if "birth_type" in cols.header:
        types, type_of = _distinct_values(cols, "birth_type", parse_birth_type)
        wild_birth = np.array([t is BirthType.WILD for t in types], bool)[type_of]
        unknown_birth = np.array([t is BirthType.UNKNOWN for t in types], bool)[type_of]
    alive = stated["alive"]
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
    pedigree = Pedigree._assemble(
        tuple(cols.texts("id")),
        sex,
        parent,
        mult,
        wild,
        alive=alive,
        founder=stated["founder"],
        wild_birth=wild_birth,
        unknown_birth=unknown_birth,
        hypothetical=np.zeros(n, bool) if hypothetical is None else hypothetical[1],
        flags=flags,
        birth_date=birth,
        death_date=death,
        location=location,
        attributes={k: cols.texts(k) for k in cols.header if k not in _ARRAY_COLUMNS},
        numeric_ids=ids.table,
    )
    stated_alive = alive[0] & alive[1] if alive is not None else np.zeros(n, bool)
    today = np.datetime64(date.today(), "D")
    if bool((birth > today).any()) or bool((death > today).any()):  # NaT compares False
        raise _Refused
    if _breaks_a_rule(pedigree, birth_last, death_last, stated_alive):
        raise _Refused
    return pedigree


_ID_BYTES = np.zeros(256, bool)
_ID_BYTES[0] = True  # the padding of fixed-width cells
_ID_BYTES[list(f"{string.ascii_letters}{string.digits}{ID_PUNCTUATION}".encode())] = True
_BYTE_LIMITS = {
    "house_name": HOUSE_NAME_LENGTH, "flags": None,
    "notes": NOTES_LENGTH, "id": ID_LENGTH,
}  # fmt: skip


def _text_needs_rules(cols: PlainColumns) -> bool:
    """Whether a cell may break a rule of :mod:`studbook.limits`: a control character (C0 other
    than the line ends, DEL, C1 as UTF-8), an id byte outside the id alphabet, or a cell or
    column name with more bytes than its field has characters. The row path then decides."""
    data = cols.data
    control = (data < 0x20) | (data == 0x7F)
    control[:-1] |= (data[:-1] == 0xC2) & (data[1:] >= 0x80) & (data[1:] < 0xA0)
    at = np.flatnonzero(control)
    if at.size:  # tabs and line ends between cells are fine: only those inside a cell count
        start, end = cols.start.ravel(), cols.end.ravel()
        cell = np.searchsorted(start, at, side="right") - 1
        if bool(((cell >= 0) & (at < end[np.maximum(cell, 0)])).any()):
            return True
    if any(len(name.encode()) > COLUMN_NAME_LENGTH for name in cols.header):
        return True
    for name in cols.header:
        limit = _BYTE_LIMITS.get(name, NOTES_LENGTH if name not in _ARRAY_COLUMNS else None)
        if limit is not None and bool((cols.lengths(name) > limit).any()):
            return True
    if "flags" in cols.header and bool((cols.lengths("flags") > FLAG_LENGTH).any()):
        return True  # a single flag may be long; the row path splits the cell
    return len(cols) > 0 and not bool(_ID_BYTES[cols.cells("id").view(np.uint8)].all())


def _breaks_a_rule(
    ped: Pedigree,
    birth_last: npt.NDArray[np.datetime64],
    death_last: npt.NDArray[np.datetime64],
    stated_alive: BoolArray,
) -> bool:
    """Whether :func:`~studbook.validation.validate_records` would find an error, as numpy.

    The errors between the records of a file whose cells are all valid, whose ids are unique
    and known and which has no loop: a parent (or MULT candidate) of the wrong sex, one animal
    named as sire and as dam (of one animal or of two), an animal surely born before a parent
    or after its dam's death, a death surely before the birth, and ``alive=1`` with a death
    date. Dates compare as intervals (:meth:`~studbook.dates.PartialDate.surely_before`):
    ``birth_last`` and ``death_last`` are the last days the dates may be.
    """
    edges = ped.parent_edges
    on_sire = edges.role == 0
    sires, dams = edges.parent[on_sire], edges.parent[~on_sire]
    if bool((ped.sex[sires] == "F").any()) or bool((ped.sex[dams] == "M").any()):
        return True
    named_sire = np.zeros(len(ped), bool)
    named_sire[sires] = True
    if bool(named_sire[dams].any()):
        return True
    birth = ped.birth_date
    if bool((birth_last[edges.child] < birth[edges.parent]).any()):  # NaT compares False
        return True
    if bool((death_last[dams] < birth[edges.child[~on_sire]]).any()):
        return True
    return bool((death_last < birth).any() or (stated_alive & ~np.isnat(ped.death_date)).any())


def _leading_zero_collision(cols: PlainColumns, ids: _IdIndex) -> bool:
    """Whether an id with leading zeros is the same number as another id (``007``, ``7``).

    Ids read as canonical numbers have no leading zeros; otherwise only the few ids that start
    with ``0`` are looked at, with :func:`~studbook.validation.number_key`.
    """
    if ids.table is not None:
        return False
    c = cols.header.index("id")
    padded = np.flatnonzero((cols.data[cols.start[:, c]] == ord("0")) & (cols.lengths("id") > 1))
    keys = [number_key(cols.text(int(k), "id")) for k in padded.tolist()]
    numbers = [k for k in keys if k is not None]
    if len(set(numbers)) != len(numbers):
        return True
    return bool((ids.names([k.encode("utf-8") for k in numbers]) >= 0).any())


_T = TypeVar("_T")


def _parsed(parse: Callable[[str], _T], cell: str) -> _T:
    """``parse(cell)``; a cell it refuses sends the file to the row path (:class:`_Refused`)."""
    try:
        return parse(cell)
    except ValueError:
        raise _Refused from None


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
        """The index of the ``id`` column; ``None`` when an id is repeated, empty or has ``|``."""
        n = len(cols)
        rows = np.arange(n, dtype=np.int64)
        values = cols.integers("id")
        top = int(values.max())
        if bool((values > 0).all()) and top < 8 * n + 1024:  # the id "0" reads as UNK
            table = np.full(top + 1, -1, np.int64)
            table[values] = rows
            if not np.array_equal(table[values], rows):
                return None
            return cls(table, 0, np.zeros(0, np.uint64), rows)
        lengths = cols.lengths("id")
        width = max(int(lengths.max()), 1)
        cells = cols.cells("id", width=width)
        if bool((lengths == 0).any()) or bool((cells.view(np.uint8) == ord("|")).any()):
            return None
        keys = _keys(cells)
        tokens = [t for t in _PARENT_TOKENS if len(t) <= width]
        if tokens and bool(np.isin(keys, _keys(np.array(tokens, f"S{width}"))).any()):
            return None
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


_PARENT_TOKENS = sorted(
    {
        "".join(letters).encode("ascii")
        for token in {*UNKNOWN_TOKENS, WILD_TOKEN} - {""}
        for letters in itertools.product(*({c.lower(), c.upper()} for c in token))
    }
)
"""Every spelling of the parent cells that are no animal (``0``, ``UNK``, ``wild``, ...)."""


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


def _distinct_values(
    cols: PlainColumns, name: str, parse: Callable[[str], _T]
) -> tuple[list[_T], IntArray]:
    """Each distinct cell of a column read by ``parse``, and each row's position among them."""
    cells, of = _distinct(cols, name)
    return [_parsed(parse, c) for c in cells], of


def _stated_column(cols: PlainColumns, name: str) -> tuple[BoolArray, BoolArray] | None:
    """(stated, value) masks of a yes/no column (see :func:`_stated`); ``None`` when absent."""
    if name not in cols.header:
        return None
    values, of = _distinct_values(cols, name, parse_bool)
    masks = _stated(values)
    assert masks is not None
    return masks[0][of], masks[1][of]


def _date_column(
    cols: PlainColumns, name: str
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.datetime64]]:
    """The first and the last day each cell of a date column may be; NaT where empty.

    The usual forms are read as a column (:func:`~studbook.plaincsv.read_iso_dates`); any other
    cell is read by :func:`~studbook.dates.parse_partial_date`, once per distinct cell.
    """
    if name not in cols.header:
        nat = np.full(len(cols), np.datetime64("NaT"), "datetime64[D]")
        return nat, nat
    c = cols.header.index(name)
    first, last, read = read_iso_dates(cols.data, cols.start[:, c], cols.end[:, c])
    rest = np.flatnonzero(~read)
    if rest.size:
        distinct, which = np.unique(cols.cells(name, rows=rest), return_inverse=True)
        dates = [_parsed(parse_partial_date, c.decode("utf-8")) for c in distinct.tolist()]
        first[rest] = _days(dates)[which]
        last[rest] = np.array([d.latest if d else None for d in dates], "datetime64[D]")[which]
    return first, last
