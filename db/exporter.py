"""Writing the studbook out: its own CSV format (lossless), PMx and Vortex files, the MSI matrix.

Formats
-------
``csv``
    The studbook CSV format of ``docs/csv-format.md``: every standard column in its documented
    order, then the extra columns in the order they were first imported; animals in entry order.
    :func:`export_studbook` also writes the events and institutions beside it as
    ``<stem>_events.csv`` and ``<stem>_institutions.csv`` (what
    :func:`db.importer.companion_files` looks for), so export then import gives back the same
    records, events and institutions.
``pmx``
    PMx's pedigree text file with birth and death dates (and their estimates), ``DEAD``,
    location and local id at the census date, MULT parents as ``MULT1``, ... with their
    candidates in ``<stem>_mult<suffix>``, and the events as SPARKS moves in
    ``<stem>_moves<suffix>``, the demography input (:mod:`studbook.pmx`).
``msi``
    The PMx MSI matrix: tab-separated, males in rows, females in columns
    (:func:`studbook.pmx.msi_matrix_rows`).
``vortex``
    A tab-separated studbook file for initialising a Vortex population from individuals, laid out
    as the studbook input Vortex users build (columns ``ID Sire Dam Sex Selected Alive
    Population AGE MATE``, as in the R package Rstud's ``vortex_sb``). ``Sex`` is ``Male`` or
    ``Female``: Vortex has no unknown sex, so ``U`` animals are written as ``Male`` and reported
    as warnings. ``Alive``, ``Selected`` and ``Population`` are ``1`` for the animals living at
    the census date (default: now; :mod:`studbook.status`), ``0`` otherwise; ``AGE`` is their age
    in completed years at that date (:func:`studbook.status.whole_years`, from the first day of
    an estimated birth date, so never negative), ``-1`` for the others and, with a warning, for
    a living animal without a birth date; ``MATE`` is ``-1`` (no pre-assigned mates). MULT
    parents are written as their most probable candidate (the first one on a tie) and
    reported as warnings.

Every writer takes a path or an open text stream (the command line passes ``sys.stdout``) and
returns an :class:`ExportReport`. A path is written atomically (a full disk leaves the old file
or none, never a truncated one), and never onto the database the session reads from
(:class:`~db.errors.ExportTargetError`).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TextIO

from sqlalchemy.orm import Session

from db.errors import ExportTargetError
from db.repository import extra_columns, load_events, load_institutions, load_records, load_studbook
from studbook.analysis import Analysis, AnalysisSettings
from studbook.atomic import atomic_text_file
from studbook.errors import Problem
from studbook.events import EVENT_COLUMNS
from studbook.institutions import INSTITUTION_COLUMNS
from studbook.parents import ParentKind, ParentSpec, format_parent
from studbook.pmx import msi_matrix_rows, pmx_companion, pmx_files
from studbook.records import KNOWN_COLUMNS, AnimalRecord, record_to_row
from studbook.status import whole_years

__all__ = [
    "EXPORT_FORMATS",
    "ExportFormat",
    "ExportReport",
    "export_events_csv",
    "export_graphml",
    "export_institutions_csv",
    "export_msi",
    "export_pmx",
    "export_studbook",
    "export_studbook_csv",
    "export_vortex",
]

ExportFormat = Literal["csv", "pmx", "vortex", "msi", "graphml"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "pmx", "vortex", "msi", "graphml")
Target = str | Path | TextIO


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote: the files (``"-"`` for a stream), row counts and warnings."""

    files: tuple[str, ...]
    rows: int
    warnings: tuple[Problem, ...] = ()


def _database_files(session: Session) -> list[Path]:
    """The files of the session's SQLite database (main file, journal, WAL); none for a server."""
    url = session.get_bind().engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return []
    main = Path(url.database).expanduser().resolve()
    return [main, *(main.with_name(main.name + s) for s in ("-journal", "-wal", "-shm"))]


def _refuse_database(session: Session, path: Path) -> None:
    """Raise :class:`ExportTargetError` when ``path`` (after links) is a database file."""
    resolved = path.expanduser().resolve()
    for db_file in _database_files(session):
        same = resolved == db_file or (
            resolved.exists() and db_file.exists() and os.path.samefile(resolved, db_file)
        )
        if same:
            raise ExportTargetError(str(path), str(_database_files(session)[0]))


@contextmanager
def _open(session: Session, target: Target) -> Iterator[tuple[TextIO, str]]:
    if isinstance(target, str | Path):
        path = Path(target)
        _refuse_database(session, path)
        with atomic_text_file(path, newline="") as stream:
            yield stream, str(path)
    else:
        yield target, getattr(target, "name", "-")


def export_studbook_csv(session: Session, target: Target) -> ExportReport:
    """Write the pedigree file of the studbook CSV format (see the module docstring)."""
    extras = extra_columns(session)
    records = load_records(session)
    with _open(session, target) as (stream, name):
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow([*KNOWN_COLUMNS, *extras])
        writer.writerows(record_to_row(r, extras) for r in records)
    return ExportReport((name,), len(records))


def export_events_csv(session: Session, target: Target) -> ExportReport:
    """Write the events file (``id,date,event,institution,local_id,cause,notes``)."""
    events = load_events(session)
    with _open(session, target) as (stream, name):
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow([*EVENT_COLUMNS, "cause", "notes"])
        for e in events:
            code = e.event.value if e.event is not None else ""
            date = str(e.date) if e.date is not None else ""
            writer.writerow([e.animal_id, date, code, e.institution, e.local_id, e.cause, e.notes])
    return ExportReport((name,), len(events))


def export_institutions_csv(session: Session, target: Target) -> ExportReport:
    """Write the institutions file (``mnemonic,name,country,region``)."""
    institutions = load_institutions(session)
    with _open(session, target) as (stream, name):
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(INSTITUTION_COLUMNS)
        writer.writerows([i.mnemonic, i.name, i.country, i.region] for i in institutions)
    return ExportReport((name,), len(institutions))


def _single_parent(spec: ParentSpec) -> str:
    """The cell of a format with one parent per role: the likeliest of MULT candidates, else
    the parent's own cell (:func:`~studbook.parents.format_parent`)."""
    if spec.kind is ParentKind.MULT and spec.candidates:
        return max(spec.candidates, key=lambda c: c[1])[0]
    return format_parent(spec)


def _row_warning(file: str, row: int, animal_id: str, field: str, text: str) -> Problem:
    """A warning about the animal written on data row ``row`` (0-based) of ``file``, in the
    message format of every other diagnostic: ``FILE:LINE: warning: field 'F': animal ID: ...``,
    the line being the one written (the header is line 1)."""
    return Problem(file, row + 2, field, f"animal {animal_id}: {text}", "warning")


def _mult_warnings(records: Sequence[AnimalRecord], file: str) -> list[Problem]:
    warnings = []
    for row, record in enumerate(records):
        for role in ("sire", "dam"):
            spec: ParentSpec = getattr(record, role)
            if spec.kind is ParentKind.MULT:
                warnings.append(
                    _row_warning(
                        file,
                        row,
                        record.id,
                        role,
                        f"MULT {role} written as its most probable candidate "
                        f"{_single_parent(spec)!r} (the format takes one parent)",
                    )
                )
    return warnings


def _write_rows(stream: TextIO, rows: Sequence[Sequence[str]]) -> None:
    csv.writer(stream, delimiter="\t", lineterminator="\n").writerows(rows)


def export_pmx(session: Session, target: Target, census: dt.date | None = None) -> ExportReport:
    """Write the PMx pedigree file and, beside a path, its ``_moves`` (demography) and ``_mult``
    (MULT candidates) companions (:mod:`studbook.pmx`); living and locations at ``census``
    (default today). A stream gets the pedigree file only."""
    files = pmx_files(load_studbook(session), census)
    warnings = list(files.warnings)
    if isinstance(target, str | Path):
        paths = (Path(target), pmx_companion(target, "moves"), pmx_companion(target, "mult"))
        for path in paths:
            _refuse_database(session, path)
        with ExitStack() as stack:  # the three files are replaced together, or none is
            for path, rows in zip(paths, (files.pedigree, files.moves, files.mult), strict=True):
                _write_rows(stack.enter_context(atomic_text_file(path, newline="")), rows)
        names = tuple(str(p) for p in paths)
    else:
        _write_rows(target, files.pedigree)
        names = (getattr(target, "name", "-"),)
        warnings.append("written to a stream: the pedigree only, without moves and MULT files")
    problems = tuple(Problem(names[0], None, "(file)", w, "warning") for w in warnings)
    return ExportReport(names, len(files.pedigree) - 1, problems)


def export_msi(session: Session, target: Target, census: dt.date | None = None) -> ExportReport:
    """Write the PMx MSI matrix (males in rows, females in columns, :func:`msi_matrix_rows`)
    of the breeding candidates at ``census`` (default today), as the pairings report ranks
    them (provisional MSI thresholds: the programme's settings)."""
    census_date = (census or dt.date.today()).isoformat()
    analysis = Analysis(load_studbook(session), AnalysisSettings(census_date=census_date))
    rows = msi_matrix_rows(analysis.pairings)
    with _open(session, target) as (stream, name):
        _write_rows(stream, rows)
    return ExportReport((name,), len(rows) - 2)


def export_graphml(session: Session, target: Target, census: dt.date | None = None) -> ExportReport:
    """Write the whole relationship graph as GraphML for Gephi and other graph tools
    (:func:`studbook.chart.studbook_graphml`): every animal with its F, and its MK to the
    animals living at ``census`` (default today); every parent link with its probability."""
    from studbook.chart import studbook_graphml
    from studbook.explorer import Explorer

    explorer = Explorer.from_studbook(load_studbook(session), census)
    text = studbook_graphml(explorer, explorer.living_mean_kinship())
    with _open(session, target) as (stream, name):
        stream.write(text)
    return ExportReport((name,), len(explorer.pedigree.ids))


def export_vortex(session: Session, target: Target, census: dt.date | None = None) -> ExportReport:
    """Write the Vortex studbook file (see the module docstring) for the ``census`` date
    (default: the animals living now, ages today)."""
    book = load_studbook(session)
    records = list(book.records.values())
    warnings: list[Problem] = []
    with _open(session, target) as (stream, name):
        writer = csv.writer(stream, delimiter="\t", lineterminator="\n")
        writer.writerow(
            ["ID", "Sire", "Dam", "Sex", "Selected", "Alive", "Population", "AGE", "MATE"]
        )
        for row, r in enumerate(records):
            alive = book.is_living(r.id, census)
            age = -1
            if alive and r.birth_date is not None:
                age = whole_years(r.birth_date, census or dt.date.today())
            elif alive:
                warnings.append(
                    _row_warning(
                        name,
                        row,
                        r.id,
                        "birth_date",
                        "living without a birth date; AGE written as -1 (unknown)",
                    )
                )
            if r.sex == "U":
                warnings.append(
                    _row_warning(
                        name,
                        row,
                        r.id,
                        "sex",
                        "unknown sex written as Male (Vortex has no unknown sex)",
                    )
                )
            flag = "1" if alive else "0"
            writer.writerow(
                [
                    r.id,
                    _single_parent(r.sire),
                    _single_parent(r.dam),
                    "Female" if r.sex == "F" else "Male",
                    flag,
                    flag,
                    flag,
                    str(age),
                    "-1",
                ]
            )
    warnings += _mult_warnings(records, name)
    return ExportReport((name,), len(records), tuple(warnings))


def export_studbook(
    session: Session, path: str | Path, fmt: ExportFormat = "csv", census: dt.date | None = None
) -> ExportReport:
    """Export to ``path`` in ``fmt``; for ``csv`` also the companion events and institutions
    files beside it (``<stem>_events.csv``, ``<stem>_institutions.csv``)."""
    if fmt == "pmx":
        return export_pmx(session, path, census)
    if fmt == "msi":
        return export_msi(session, path, census)
    if fmt == "vortex":
        return export_vortex(session, path, census)
    if fmt == "graphml":
        return export_graphml(session, path, census)
    if fmt != "csv":
        raise ValueError(f"unknown export format {fmt!r} (use one of {', '.join(EXPORT_FORMATS)})")
    path = Path(path)
    events_path = path.with_name(f"{path.stem}_events{path.suffix}")
    places_path = path.with_name(f"{path.stem}_institutions{path.suffix}")
    paths = (path, events_path, places_path)
    for target in paths:
        _refuse_database(session, target)
    with ExitStack() as files:  # all three files are replaced together, or none is
        main, events, places = (files.enter_context(atomic_text_file(p, newline="")) for p in paths)
        rows = export_studbook_csv(session, main).rows
        export_events_csv(session, events)
        export_institutions_csv(session, places)
    return ExportReport(tuple(str(p) for p in paths), rows)
