"""Pedigree assumptions, kept apart from the record, and the analysis pedigree they give.

A studbook record says what is known: a sire may be ``UNK`` or ``MULT``, a birth date estimated.
An analysis often needs a guess in its place: a hypothetical sire ``H1`` standing for the one
unknown sire of a litter, a MULT resolved to the likeliest male, an estimated birth date. An
:class:`AssumptionSet` holds such guesses under a name: per animal and field the value assumed
(:class:`Assumption`, with the record's value when the guess was made and a note) and the
hypothetical animals the guesses name (:class:`HypotheticalAnimal`).

:func:`apply_assumptions` is the one place where a set meets the record: a pure function from
the record's animals and a set to the animals an analysis uses. The record itself is never
changed; :func:`assumed_studbook` gives a :class:`~studbook.book.Studbook` whose records are
the assumed ones and whose events, institutions and settings are the record's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args

from studbook.dates import parse_partial_date
from studbook.errors import StudbookError
from studbook.limits import ID_LENGTH, NOTES_LENGTH, id_problem, text_problem
from studbook.parents import UNKNOWN, ParentKind, format_parent, parse_parent
from studbook.records import AnimalRecord, BirthType, parse_sex
from studbook.validation import validate_records

if TYPE_CHECKING:
    from studbook.book import Studbook

__all__ = [
    "ASSUMABLE_FIELDS",
    "NO_ASSUMPTIONS",
    "SET_NAME_LENGTH",
    "Assumption",
    "AssumptionError",
    "AssumptionSet",
    "HypotheticalAnimal",
    "apply_assumptions",
    "assumed_studbook",
    "chosen_set",
    "is_true_record",
    "pedigree_label",
    "record_value",
    "resolve_set",
    "set_name_problem",
]

Field = Literal["sire", "dam", "birth_date"]
ASSUMABLE_FIELDS: tuple[str, ...] = get_args(Field)
"""The fields an assumption may stand in for."""

NO_ASSUMPTIONS = "none"
"""The word for "the true record, no assumption set" (settings, ``--assumptions``)."""

SET_NAME_LENGTH = 50
"""The longest name of an assumption set."""


def is_true_record(name: str) -> bool:
    """Whether a set name given by a user means no assumption set: blank or ``none`` (any case).

    >>> is_true_record(" None "), is_true_record(""), is_true_record("H1 sire")
    (True, True, False)
    """
    return name.strip().lower() in ("", NO_ASSUMPTIONS)


class AssumptionError(StudbookError):
    """An assumption that cannot be applied; the message names the set, animal and field."""


def set_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name an assumption set (empty, ``none``, too long, control
    characters), or ``None``.

    >>> set_name_problem("none")
    "'none' means the true record; choose another name"
    """
    if not name.strip():
        return "an assumption set needs a name"
    if is_true_record(name):
        return f"{NO_ASSUMPTIONS!r} means the true record; choose another name"
    if name != name.strip():
        return "the name starts or ends with a space"
    return text_problem(name, SET_NAME_LENGTH, "the set name")


@dataclass(frozen=True)
class Assumption:
    """The value assumed for one field of one animal.

    ``assumed`` is a cell as ``docs/csv-format.md`` writes it (a parent token such as ``H1`` or
    ``77``, or a date such as ``1994-06``); ``true_value`` is the record's cell when the
    assumption was made (shown beside it, and compared with the record to notice a record
    changed since); ``note`` says why.
    """

    animal_id: str
    field: str
    assumed: str
    true_value: str = ""
    note: str = ""


@dataclass(frozen=True)
class HypotheticalAnimal:
    """A placeholder animal named by assumptions (e.g. ``H1``, the one sire of a litter whose
    sire is unknown); never living, never a founder of known ancestry."""

    id: str
    sex: str = "U"
    note: str = ""


@dataclass(frozen=True)
class AssumptionSet:
    """A named set of assumptions and the hypothetical animals they name."""

    name: str
    note: str = ""
    assumptions: tuple[Assumption, ...] = ()
    hypotheticals: tuple[HypotheticalAnimal, ...] = ()


def record_value(record: AnimalRecord, field: str) -> str:
    """The record's cell for ``field`` (``UNK`` for an unknown parent, '' for no date).

    >>> record_value(AnimalRecord("7"), "sire")
    'UNK'
    """
    if field in ("sire", "dam"):
        return format_parent(getattr(record, field))
    if field == "birth_date":
        return "" if record.birth_date is None else str(record.birth_date)
    raise AssumptionError(f"{field!r} cannot be assumed; use one of {', '.join(ASSUMABLE_FIELDS)}")


def _where(name: str, animal_id: str, field: str) -> str:
    return f"assumption set {name!r}: animal {animal_id!r}, field {field!r}"


def _assumed_record(record: AnimalRecord, item: Assumption, where: str) -> AnimalRecord:
    """``record`` with ``item``'s value in its field; raises naming ``where`` when unreadable."""
    try:
        if item.field in ("sire", "dam"):
            spec = parse_parent(item.assumed)
            if spec.kind is ParentKind.MULT and abs(spec.probability_total - 1.0) > 1e-6:
                raise ValueError(f"MULT probabilities sum to {spec.probability_total:.6g}, not 1")
            if item.field == "sire":
                return dataclasses.replace(record, sire=spec)
            return dataclasses.replace(record, dam=spec)
        if item.field == "birth_date":
            return dataclasses.replace(record, birth_date=parse_partial_date(item.assumed))
    except ValueError as exc:
        raise AssumptionError(f"{where}: {exc}") from None
    raise AssumptionError(f"{where}: only {', '.join(ASSUMABLE_FIELDS)} can be assumed")


def _hypothetical_record(animal: HypotheticalAnimal, name: str) -> AnimalRecord:
    where = f"assumption set {name!r}: hypothetical animal {animal.id!r}"
    problem = id_problem(animal.id) or text_problem(animal.note, NOTES_LENGTH, "the note")
    if problem is None and len(animal.id) > ID_LENGTH:
        problem = f"the id has more than {ID_LENGTH} characters"
    if problem is not None:
        raise AssumptionError(f"{where}: {problem}")
    try:
        sex = parse_sex(animal.sex)
    except ValueError as exc:
        raise AssumptionError(f"{where}, field 'sex': {exc}") from None
    return AnimalRecord(
        animal.id,
        sire=UNKNOWN,
        dam=UNKNOWN,
        sex=sex,
        birth_type=BirthType.UNKNOWN,
        alive=False,
        hypothetical=True,
        founder=False,
        notes=animal.note,
    )


def apply_assumptions(
    records: Sequence[AnimalRecord], assumptions: AssumptionSet | None
) -> list[AnimalRecord]:
    """The animals an analysis uses: ``records`` with the set's values in place of the
    record's, followed by the set's hypothetical animals. ``None`` gives the records as they
    are. The input records are not changed (changed ones are copies).

    Raises :class:`AssumptionError` naming the set, the animal and the field for an animal not
    in the studbook, a value that cannot be read, a hypothetical id already in the studbook,
    or a value that breaks a rule between records (a female sire, a parent born after its
    offspring, a parent that is neither in the studbook nor in the set).

    >>> out = apply_assumptions(
    ...     [AnimalRecord("1", sex="M"), AnimalRecord("2")],
    ...     AssumptionSet("s", assumptions=(Assumption("2", "sire", "H1"),),
    ...                   hypotheticals=(HypotheticalAnimal("H1", "M"),)))
    >>> [(r.id, format_parent(r.sire), r.hypothetical) for r in out]
    [('1', 'UNK', False), ('2', 'H1', False), ('H1', 'UNK', True)]
    """
    if assumptions is None:
        return list(records)
    name = assumptions.name
    position = {r.id: k for k, r in enumerate(records)}
    out = list(records)
    changed: dict[int, tuple[str, str]] = {}
    for item in assumptions.assumptions:
        where = _where(name, item.animal_id, item.field)
        k = position.get(item.animal_id)
        if k is None:
            raise AssumptionError(f"{where}: the animal is not in the studbook")
        problem = text_problem(item.note, NOTES_LENGTH, "the note")
        if problem is not None:
            raise AssumptionError(f"{where}: {problem}")
        out[k] = _assumed_record(out[k], item, where)
        changed[k] = (item.animal_id, item.field)
    extra = []
    for animal in assumptions.hypotheticals:
        if animal.id in position:
            raise AssumptionError(
                f"assumption set {name!r}: hypothetical animal {animal.id!r}: the id is "
                "already in the studbook; choose another"
            )
        extra.append(_hypothetical_record(animal, name))
    # Check only the changed and added records, against the others (the record's own warnings
    # are not the set's business); a line number per record says which assumption it is.
    tagged: list[AnimalRecord] = []
    blame: dict[int, str] = {}
    for n, (k, (animal_id, field)) in enumerate(changed.items(), start=1):
        tagged.append(dataclasses.replace(out[k], line=n))
        blame[n] = _where(name, animal_id, field)
    for n, record in enumerate(extra, start=len(changed) + 1):
        tagged.append(dataclasses.replace(record, line=n))
        blame[n] = f"assumption set {name!r}: hypothetical animal {record.id!r}"
    touched = {r.id for r in tagged}
    others = {r.id: r for r in out if r.id not in touched}
    errors = [
        f"{blame[p.line]}: {p.message}"
        for p in validate_records(tagged, f"assumption set {name!r}", existing=others)
        if p.severity == "error" and p.line in blame
    ]
    new_parents = {a for a, field in changed.values() if field in ("sire", "dam")}
    looped = _in_loops(out + extra, new_parents) if new_parents else set()
    errors += [
        f"{blame[n]}: pedigree loop: {r.id!r} would be its own ancestor (or descend from a loop)"
        for n, r in enumerate(tagged, start=1)
        if r.id in looped and r.id in new_parents
    ]
    if errors:
        raise AssumptionError("; ".join(errors))
    return out + extra


def _in_loops(records: Sequence[AnimalRecord], starts: set[str]) -> set[str]:
    """The ids among ``starts`` and their ancestors that are in a pedigree loop or descend from
    one. A loop the record did not have runs through a changed parent, so only the ancestors of
    the animals in ``starts`` are looked at: they are peeled off parents-first, and what is
    left over loops."""
    by_id = {r.id: r for r in records}

    def parents(animal_id: str) -> set[str]:
        record = by_id[animal_id]
        return {p for spec in (record.sire, record.dam) for p in spec.ids if p in by_id}

    links: dict[str, set[str]] = {}
    todo = [a for a in starts if a in by_id]
    while todo:
        animal_id = todo.pop()
        if animal_id not in links:
            links[animal_id] = parents(animal_id)
            todo.extend(links[animal_id])
    pending = {a: len(ps) for a, ps in links.items()}
    children: dict[str, list[str]] = {}
    for animal_id, ps in links.items():
        for p in ps:
            children.setdefault(p, []).append(animal_id)
    ready = [a for a, count in pending.items() if count == 0]
    while ready:
        for child in children.get(ready.pop(), ()):
            pending[child] -= 1
            if pending[child] == 0:
                ready.append(child)
    return {a for a, count in pending.items() if count > 0}


def assumed_studbook(book: Studbook, assumptions: AssumptionSet | None) -> Studbook:
    """``book`` with :func:`apply_assumptions` applied to its animals (events, institutions and
    settings unchanged); ``book`` itself when ``assumptions`` is ``None``."""
    if assumptions is None:
        return book
    records = apply_assumptions(list(book.records.values()), assumptions)
    return dataclasses.replace(book, records={r.id: r for r in records})


def pedigree_label(name: str | None) -> str:
    """What an analysis rests on, for every report header and status line: the true record,
    or the true record with the assumption set ``name``.

    >>> pedigree_label(None)
    'true record (no assumptions)'
    >>> pedigree_label("litters")
    "true record + assumption set 'litters'"
    """
    if not name:
        return "true record (no assumptions)"
    return f"true record + assumption set {name!r}"


def chosen_set(book: Studbook, name: str | None = None) -> AssumptionSet | None:
    """The assumption set an analysis of ``book`` applies: ``name`` (``none``: the true
    record) when given, else the programme's setting ``assumption_set``; see
    :func:`resolve_set`."""
    return resolve_set(book.assumption_sets, book.settings.assumption_set if name is None else name)


def resolve_set(sets: Mapping[str, AssumptionSet], name: str) -> AssumptionSet | None:
    """The set called ``name`` (``''`` or ``none``: no set); raises :class:`AssumptionError`
    naming the sets there are when there is none by that name."""
    if is_true_record(name):
        return None
    try:
        return sets[name]
    except KeyError:
        known = ", ".join(sorted(sets)) or "none stored"
        raise AssumptionError(f"there is no assumption set {name!r} (the sets: {known})") from None
