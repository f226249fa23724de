"""Importing a studbook: check everything first, then write everything in one transaction.

A studbook arrives as up to three UTF-8 CSV files (``docs/csv-format.md``): the pedigree
(``amur.csv``), its events (``amur_events.csv``) and its institutions (``amur_institutions.csv``;
:func:`companion_files` finds the last two beside the first). :func:`check_studbook` reads them
and runs every rule of :mod:`studbook.records`, :mod:`studbook.validation`,
:mod:`studbook.events` and :mod:`studbook.institutions` against the file *and* the animals
already in the database; it never writes. :func:`import_studbook` does the same and, only when
no rule found an error, writes every row in bulk (:func:`db.bulk.bulk_insert`) inside the
caller's transaction. On any error nothing is written and
:class:`~studbook.errors.ImportValidationError` lists every problem with file, line, field and
reason. Warnings are returned in the :class:`ImportReport`.

Imports add to the studbook: an id already in the database is an error (edit it instead, see
:mod:`db.editing`). Institutions already in the database are reused when identical.

Institutions: when the studbook has an institutions list (in the database or imported now),
every mnemonic used by a ``location`` cell or an event must be on it. Without any list, the
mnemonics used are added as institutions with only their mnemonic, each with a warning.

Transactions: the caller owns the transaction (:func:`db.session.session_scope`), so an import
is committed or rolled back as one unit with whatever else the caller does::

    with session_scope(factory, write=True) as session:
        report = import_studbook(session, "amur.csv", progress=bar.update)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import audit
from db.bulk import bulk_insert, defer_foreign_keys
from db.convert import animal_row, attribute_rows, candidate_rows, date_columns, flag_rows
from db.editing import replace_checked
from db.models import (
    MNEMONIC_LENGTH,
    Animal,
    AnimalAttribute,
    AnimalFlag,
    Event,
    ExtraColumn,
    Institution,
    ParentCandidate,
)
from db.repository import load_events, load_records
from studbook.errors import ImportValidationError, Problem
from studbook.events import (
    ARRIVALS,
    EXITS,
    EventCode,
    EventRecord,
    event_sort_key,
    read_events,
    validate_events,
)
from studbook.foreign import ForeignStudbook, StudbookFormat
from studbook.formats import apply_corrections, read_foreign
from studbook.institutions import InstitutionRecord, read_institutions, validate_institutions
from studbook.interpret import Understanding, read_understood
from studbook.parents import ParentKind
from studbook.records import KNOWN_COLUMNS, AnimalRecord, records_from_table
from studbook.update import UpdatePreview, compare_update
from studbook.validation import validate_records

__all__ = [
    "ImportPlan",
    "ImportReport",
    "ProgressCallback",
    "check_studbook",
    "companion_file",
    "companion_files",
    "import_records",
    "import_studbook",
    "plan_import",
    "write_plan",
]

ProgressCallback = Callable[[str, int, int], None]
"""``progress(stage, done, total)``; stages: ``"institutions"``, ``"animals"``, ``"events"``."""

CHUNK = 10_000


@dataclass
class ImportPlan:
    """Checked input, ready for :func:`write_plan`; ``problems`` holds errors and warnings."""

    source: str
    records: list[AnimalRecord]
    extra_columns: list[str] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    events_source: str = ""
    institutions_source: str = ""
    institutions: list[InstitutionRecord] = field(default_factory=list)
    """Institutions to add (identical ones already in the database are left out)."""
    problems: list[Problem] = field(default_factory=list)
    previous_events: dict[str, list[EventRecord]] = field(default_factory=dict)
    """Events already in the database for the animals this import adds events to."""
    understanding: Understanding | ForeignStudbook | None = None
    """How the pedigree file's columns were read, or what was understood of a foreign format's
    files (None for records given in memory)."""
    update: UpdatePreview | None = None
    """For ``--update``: the file against the studbook; ``records`` then holds only the added
    animals and ``events`` the added events, and ``changed`` the records that replace stored
    ones."""
    changed: list[AnimalRecord] = field(default_factory=list)
    already_stored: int = 0
    """How many of the file's animals are already in the studbook (without ``update``): when
    it is most of them the file is likely an updated export, which ``--update`` checks."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]


@dataclass(frozen=True)
class ImportReport:
    """What an import wrote: counts, the warnings, and how long it took."""

    animals: int
    events: int
    institutions: int
    warnings: tuple[Problem, ...] = ()
    seconds: float = 0.0
    changed: int = 0


def companion_files(pedigree: str | Path) -> tuple[Path | None, Path | None]:
    """The events and institutions files beside ``pedigree``, when they exist.

    ``amur.csv`` -> ``amur_events.csv``, ``amur_institutions.csv``.
    """
    return companion_file(pedigree, "events"), companion_file(pedigree, "institutions")


def companion_file(pedigree: str | Path, kind: str) -> Path | None:
    """The ``kind`` file beside ``pedigree`` (``amur.csv`` -> ``amur_<kind>.csv``), if it exists."""
    path = Path(pedigree)
    candidate = path.with_name(f"{path.stem}_{kind}{path.suffix or '.csv'}")
    return candidate if candidate.is_file() else None


def _read(
    reader: Callable[[Path], tuple[list[Any], list[Problem]]], path: Path, problems: list[Problem]
) -> list[Any] | None:
    """Run a file reader; a file that cannot be read at all adds its problems and gives None."""
    try:
        items, cell_problems = reader(path)
    except ImportValidationError as exc:
        problems += exc.problems
        return None
    problems += cell_problems
    return items


def check_studbook(
    session: Session | None,
    pedigree: str | Path,
    events: str | Path | None = None,
    institutions: str | Path | None = None,
    mapping: Mapping[str, str] | None = None,
    *,
    update: bool = False,
    fmt: StudbookFormat = "csv",
    corrections: Sequence[str] = (),
) -> ImportPlan:
    """Read and check the files against the database (or an empty studbook when ``session``
    is None); writes nothing. Look at ``plan.errors`` and ``plan.warnings``, and at
    ``plan.understanding`` for how the pedigree's columns were read (``mapping``: column ->
    field, as ``--map`` gives it; see :mod:`studbook.interpret`). With ``update`` the file is an
    updated export of the stored studbook: see :func:`plan_import`.

    ``fmt`` other than ``csv`` reads another program's files (:mod:`studbook.foreign`;
    ``events`` is then SPARKS's ``MOVES.DBF``) with ``corrections`` (``ID:FIELD=VALUE``,
    :func:`studbook.formats.apply_corrections`) applied before the same rules run."""
    if fmt != "csv":
        return _check_foreign(session, pedigree, events, fmt, corrections, update)
    problems: list[Problem] = []
    source = str(pedigree)
    extras: list[str] = []
    understood: list[Understanding] = []

    def read_pedigree(path: Path) -> tuple[list[Any], list[Problem]]:
        table, understanding = read_understood(path, mapping)
        understood.append(understanding)
        extras.extend(name for name in table.header if name not in KNOWN_COLUMNS)
        records, cell_problems = records_from_table(table)
        return list(records), cell_problems

    records = _read(read_pedigree, Path(pedigree), problems)
    event_records = None
    if events is not None:
        event_records = _read(read_events, Path(events), problems)
    institution_records = None
    if institutions is not None:
        institution_records = _read(read_institutions, Path(institutions), problems)
    plan = plan_import(
        session,
        records if records is not None else [],
        source=source,
        extra_columns=extras,
        events=event_records or [],
        events_source=str(events or ""),
        institutions=institution_records or [],
        institutions_source=str(institutions or ""),
        problems=problems,
        check_events=records is not None,
        update=update,
    )
    plan.understanding = understood[0] if understood else None
    return plan


def _check_foreign(
    session: Session | None,
    path: str | Path,
    events: str | Path | None,
    fmt: StudbookFormat,
    corrections: Sequence[str],
    update: bool,
) -> ImportPlan:
    """:func:`check_studbook` for a foreign format: read, correct, then the same rules."""
    try:
        reading = read_foreign(path, fmt, events)
        apply_corrections(reading, corrections)
    except ImportValidationError as exc:
        return plan_import(session, [], source=str(path), problems=exc.problems)
    institutions = reading.institutions
    if session is not None:  # mnemonic-only places: the stored institution is the same place
        stored = {m.upper() for m in session.scalars(select(Institution.mnemonic))}
        institutions = [i for i in institutions if i.mnemonic.upper() not in stored]
    plan = plan_import(
        session,
        reading.records,
        source=reading.source,
        events=reading.events,
        events_source=reading.events_source or reading.source,
        institutions=institutions,
        institutions_source=reading.source,
        problems=reading.problems,
        update=update,
    )
    plan.understanding = reading
    return plan


def plan_import(
    session: Session | None,
    records: Sequence[AnimalRecord],
    *,
    source: str,
    extra_columns: Sequence[str] = (),
    events: Sequence[EventRecord] = (),
    events_source: str = "",
    institutions: Sequence[InstitutionRecord] = (),
    institutions_source: str = "",
    problems: Sequence[Problem] = (),
    check_events: bool = True,
    update: bool = False,
) -> ImportPlan:
    """Check parsed records against each other and the database; ``problems`` are earlier
    findings (cells, unreadable files) to carry along.

    With ``update`` (and a session) the records are an updated export of the stored studbook:
    a stored id in the file is that animal again, not a duplicate; the plan holds the
    :class:`~studbook.update.UpdatePreview` and writes only what is added or changed."""
    found = list(problems)
    existing: dict[str, AnimalRecord] = {}
    db_institutions: dict[str, InstitutionRecord] = {}
    if session is not None:
        existing = {r.id: r for r in load_records(session)}
        db_institutions = {
            i.mnemonic: InstitutionRecord(i.mnemonic, i.name, i.country, i.region)
            for i in session.scalars(select(Institution))
        }
    preview = None
    if update and session is not None:
        given = {r.id for r in records}
        found += validate_records(
            records, source, {k: v for k, v in existing.items() if k not in given}
        )
        touched_ids = {e.animal_id for e in events}
        preview = compare_update(records, existing, events, load_events(session, touched_ids))
        events = preview.added_events
    else:
        found += validate_records(records, source, existing)

    new_institutions, known = _check_institutions(
        institutions, institutions_source, db_institutions, found
    )
    if not known:
        new_institutions += _placeholder_institutions(records, source, events, events_source, found)
    else:
        for record in records:
            if record.location and record.location not in known:
                found.append(
                    Problem(
                        source,
                        record.line,
                        "location",
                        f"institution {record.location!r} is not in the institutions list",
                    )
                )

    previous: dict[str, list[EventRecord]] = {}
    if events and check_events:
        animals: dict[str, AnimalRecord] = dict(existing)
        for record in records:
            if preview is not None:
                animals[record.id] = record
            else:
                animals.setdefault(record.id, record)
        touched = {e.animal_id for e in events} & existing.keys()
        if session is not None and touched:
            for event in load_events(session, touched):
                previous.setdefault(event.animal_id, []).append(event)
        earlier = [e for es in previous.values() for e in es]
        every_mnemonic = known | {i.mnemonic for i in new_institutions}
        event_problems = validate_events(
            [*earlier, *events], animals, events_source, every_mnemonic if known else None
        )
        found += [p if p.line is not None else replace(p, file="database") for p in event_problems]

    return ImportPlan(
        source=source,
        records=list(records) if preview is None else preview.added,
        update=preview,
        changed=[] if preview is None else [r for r, _ in preview.changed],
        extra_columns=list(extra_columns),
        events=list(events),
        events_source=events_source,
        institutions_source=institutions_source,
        institutions=new_institutions,
        problems=found,
        previous_events=previous,
        already_stored=0 if preview is not None else sum(r.id in existing for r in records),
    )


def _check_institutions(
    institutions: Sequence[InstitutionRecord],
    source: str,
    in_db: Mapping[str, InstitutionRecord],
    found: list[Problem],
) -> tuple[list[InstitutionRecord], set[str]]:
    """New institutions to write, and every mnemonic known after the import."""
    found += validate_institutions(institutions, source)
    db_by_upper = {m.upper(): m for m in in_db}
    new: list[InstitutionRecord] = []
    seen: set[str] = set()
    for record in institutions:
        if not record.mnemonic or record.mnemonic.upper() in seen:
            continue
        seen.add(record.mnemonic.upper())
        same = db_by_upper.get(record.mnemonic.upper())
        if same is None:
            new.append(record)
            continue
        stored = in_db[same]
        if (stored.mnemonic, stored.name, stored.country, stored.region) != (
            record.mnemonic,
            record.name,
            record.country,
            record.region,
        ):
            found.append(
                Problem(
                    source,
                    record.line,
                    "mnemonic",
                    f"institution {record.mnemonic!r} is already in the database as "
                    f"{stored.mnemonic!r} ({stored.name}, {stored.country}, {stored.region}) "
                    "with different details; edit it there or use the same details",
                )
            )
    known = set(in_db) | {r.mnemonic for r in institutions if r.mnemonic}
    return new, known


def _placeholder_institutions(
    records: Sequence[AnimalRecord],
    source: str,
    events: Sequence[EventRecord],
    events_source: str,
    found: list[Problem],
) -> list[InstitutionRecord]:
    """Institutions named by locations and events when the studbook has no institutions list."""
    placeholders: dict[str, InstitutionRecord] = {}
    uses = [(r.location, source, r.line, "location") for r in records] + [
        (e.institution, events_source, e.line, "institution") for e in events
    ]
    for mnemonic, file, line, field_name in uses:
        if not mnemonic or mnemonic in placeholders:
            continue
        if len(mnemonic) > MNEMONIC_LENGTH:
            found.append(
                Problem(
                    file,
                    line,
                    field_name,
                    f"institution mnemonic {mnemonic!r} has {len(mnemonic)} characters; "
                    f"at most {MNEMONIC_LENGTH} are allowed",
                )
            )
            placeholders[mnemonic] = InstitutionRecord(mnemonic)
            continue
        placeholders[mnemonic] = InstitutionRecord(mnemonic, line=line)
        found.append(
            Problem(
                file,
                line,
                field_name,
                f"institution {mnemonic!r} is not in any institutions list; it is added with "
                "its mnemonic only (import an institutions file to name it)",
                "warning",
            )
        )
    return [p for p in placeholders.values() if len(p.mnemonic) <= MNEMONIC_LENGTH]


def import_studbook(
    session: Session,
    pedigree: str | Path,
    events: str | Path | None = None,
    institutions: str | Path | None = None,
    *,
    mapping: Mapping[str, str] | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Check the files (:func:`check_studbook`) and, when there is no error, write them.

    Raises :class:`~studbook.errors.ImportValidationError` listing every problem (errors and
    warnings) when any rule fails; nothing is written then. The caller commits.
    """
    started = time.perf_counter()
    plan = check_studbook(session, pedigree, events, institutions, mapping)
    return write_plan(session, plan, progress=progress, started=started)


def import_records(
    session: Session,
    records: Sequence[AnimalRecord],
    *,
    source: str = "records",
    extra_columns: Sequence[str] = (),
    events: Sequence[EventRecord] = (),
    events_source: str = "events",
    institutions: Sequence[InstitutionRecord] = (),
    institutions_source: str = "institutions",
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Like :func:`import_studbook` for records already in memory (generated or converted)."""
    started = time.perf_counter()
    plan = plan_import(
        session,
        records,
        source=source,
        extra_columns=extra_columns,
        events=events,
        events_source=events_source,
        institutions=institutions,
        institutions_source=institutions_source,
    )
    return write_plan(session, plan, progress=progress, started=started)


def _from_institutions(
    events: Sequence[EventRecord], previous: Mapping[str, Sequence[EventRecord]]
) -> dict[int, str]:
    """For each transfer or loan (by position in ``events``): where the animal came from."""
    moving = {e.animal_id for e in events if e.event in (EventCode.TRANSFER, EventCode.LOAN)}
    by_animal: dict[str, list[tuple[int, EventRecord]]] = {}
    for k, event in enumerate(events):
        if event.animal_id in moving:
            by_animal.setdefault(event.animal_id, []).append((k, event))
    origins: dict[int, str] = {}
    for animal_id, indexed in by_animal.items():
        merged = [(-1, e) for e in previous.get(animal_id, ())] + indexed
        merged.sort(key=lambda item: event_sort_key(item[1]))
        here = ""
        for k, event in merged:
            if event.event in ARRIVALS:
                if (
                    k >= 0
                    and event.event in (EventCode.TRANSFER, EventCode.LOAN)
                    and here
                    and here != event.institution
                ):
                    origins[k] = here
                here = event.institution
            elif event.event in EXITS:
                here = ""
    return origins


def _insert(
    session: Session,
    model: type[Any],
    rows: Sequence[dict[str, Any]],
    stage: str = "",
    progress: ProgressCallback | None = None,
) -> None:
    def report(done: int) -> None:
        if progress is not None:
            progress(stage, done, len(rows))

    bulk_insert(session, model, rows, chunk=CHUNK, on_chunk=report if stage else None)


def write_plan(
    session: Session,
    plan: ImportPlan,
    *,
    progress: ProgressCallback | None = None,
    started: float | None = None,
) -> ImportReport:
    """Write a checked plan; raises :class:`ImportValidationError` if it has any error."""
    if plan.errors:
        raise ImportValidationError(plan.problems, "nothing was written")
    started = started if started is not None else time.perf_counter()

    session.flush()
    defer_foreign_keys(session)
    known_extras = set(session.scalars(select(ExtraColumn.name)))
    position = session.scalar(select(func.max(ExtraColumn.position)))
    new_extras = [name for name in plan.extra_columns if name not in known_extras]
    used = {name for r in plan.records for name in r.extra}
    new_extras += sorted(used - known_extras - set(new_extras))
    first = (position if position is not None else -1) + 1
    if new_extras:
        bulk_insert(
            session,
            ExtraColumn,
            [{"name": name, "position": first + k} for k, name in enumerate(new_extras)],
        )

    institution_rows = [
        {"mnemonic": i.mnemonic, "name": i.name, "country": i.country, "region": i.region}
        for i in plan.institutions
    ]
    _insert(session, Institution, institution_rows, "institutions", progress)

    first_entry = (session.scalar(select(func.max(Animal.entry_order))) or 0) + 1
    _insert(
        session,
        Animal,
        [animal_row(r, first_entry + k) for k, r in enumerate(plan.records)],
        "animals",
        progress,
    )
    mult = [r for r in plan.records if ParentKind.MULT in (r.sire.kind, r.dam.kind)]
    _insert(session, ParentCandidate, [row for r in mult for row in candidate_rows(r)])
    _insert(session, AnimalFlag, [row for r in plan.records for row in flag_rows(r)])
    _insert(session, AnimalAttribute, [row for r in plan.records for row in attribute_rows(r)])

    for record in plan.changed:
        replace_checked(session, record)
    session.flush()

    first_sequence = (session.scalar(select(func.max(Event.sequence))) or 0) + 1
    origins = _from_institutions(plan.events, plan.previous_events)
    event_rows = []
    for k, event in enumerate(plan.events):
        assert event.event is not None
        day, precision = date_columns(event.date)
        event_rows.append(
            {
                "animal_id": event.animal_id,
                "event": event.event.value,
                "event_date": day,
                "event_precision": precision,
                "institution_id": event.institution or None,
                "from_institution_id": origins.get(k),
                "local_id": event.local_id,
                "cause": event.cause,
                "notes": event.notes,
                "sequence": first_sequence + k,
            }
        )
    _insert(session, Event, event_rows, "events", progress)

    institutions_source = plan.institutions_source or plan.source
    audit.log_import(session, "institution", len(plan.institutions), f"from {institutions_source}")
    last_entry = first_entry + len(plan.records) - 1
    audit.log_import(
        session,
        "animal",
        len(plan.records),
        f"from {plan.source} (entry order {first_entry}-{last_entry})",
    )
    audit.log_import(session, "event", len(plan.events), f"from {plan.events_source}")
    session.flush()
    return ImportReport(
        animals=len(plan.records),
        events=len(plan.events),
        institutions=len(plan.institutions),
        warnings=tuple(plan.warnings),
        seconds=time.perf_counter() - started,
        changed=len(plan.changed),
    )
