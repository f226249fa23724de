"""The ``studbook`` command line.

Data goes to standard output and diagnostics (progress, warnings, errors) to standard error, so
``studbook animals --format csv > animals.csv`` gives a clean file. With no command, or with
``studbook tui``, the terminal UI opens; with no command and no terminal (standard input or
output is not a TTY) the usage is printed and the exit code is 2.

Exit codes:

====  ============================================================================
0     success
1     the input was rejected (validation errors); nothing was written
2     wrong arguments (usage)
3     the database cannot be used (missing, not initialised, locked, newer schema)
4     an animal asked for is not in the studbook
5     any other studbook error (a genetics computation refused its input, ...)
====  ============================================================================
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from studbook.defaults import PLAN_OBJECTIVES, PLAN_SCORES
from studbook.errors import (
    ImportValidationError,
    Problem,
    SettingsError,
    StudbookError,
    UnknownAnimalError,
)
from studbook.present import counted
from tui.cli_assumptions import add_assumption_commands, add_assumptions_option

__all__ = ["EXIT_CODES", "build_parser", "main"]

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_DATABASE, EXIT_NOT_FOUND, EXIT_ERROR = range(6)
EXIT_CODES = {
    EXIT_OK: "success",
    EXIT_INVALID: "the input was rejected; nothing was written",
    EXIT_USAGE: "wrong arguments",
    EXIT_DATABASE: "the database cannot be used",
    EXIT_NOT_FOUND: "an animal asked for is not in the studbook",
    EXIT_ERROR: "another studbook error",
}
TABLE_FORMATS = ("table", "csv", "json")
REPORT_FORMATS = ("table", "csv", "json", "markdown")


class CliError(Exception):
    """A failure already explained to the user; carries the exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


# --------------------------------------------------------------------------- database access
def _url(args: argparse.Namespace) -> str | None:
    return args.db  # type: ignore[no-any-return]


def _engine(args: argparse.Namespace, hint: str = "") -> Any:
    """An engine on the existing, current studbook chosen by ``--db``; exit 3 when unusable."""
    from db.opening import DatabaseUnavailableError, open_studbook

    try:
        return open_studbook(_url(args))
    except DatabaseUnavailableError as exc:
        message = f"studbook: {exc.reason} {exc.hint} {hint}"
        raise CliError(" ".join(message.split()), EXIT_DATABASE) from exc


def _open(args: argparse.Namespace) -> Any:
    """A session factory on the existing, current studbook chosen by ``--db``."""
    from db.session import make_session_factory

    return make_session_factory(_engine(args), user=args.user)


def _load_book(args: argparse.Namespace) -> Any:
    """The whole studbook in memory (:class:`studbook.book.Studbook`), read on one Core
    connection: reading needs no ORM session (see :mod:`db.tables`)."""
    from db.repository import load_studbook

    engine = _engine(args)
    try:
        with engine.connect() as connection:
            return load_studbook(connection)
    finally:
        engine.dispose()


def _emit(report: Any, fmt: str) -> None:
    from studbook.reports import render

    sys.stdout.write(render(report, fmt))


def _problems(problems: Sequence[Problem], limit: int | None = None) -> None:
    shown = problems if limit is None else problems[:limit]
    for problem in shown:
        _say(str(problem))
    if limit is not None and len(problems) > limit:
        _say(f"... and {len(problems) - limit} more")


class _Progress:
    """A progress bar on stderr for imports that take more than a second."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.bar is None:
            if time.perf_counter() - self.started < 1.0:
                return
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(f"importing {stage}", total=total)
        self.bar.update(self.tasks[stage], completed=done, total=total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


# --------------------------------------------------------------------------- commands
def cmd_init(args: argparse.Namespace) -> int:
    """Create the studbook database, or upgrade it to this program's schema."""
    from db.migrate import head_revision, upgrade
    from db.opening import schema_is_newer
    from db.session import make_engine

    engine = make_engine(_url(args))
    shown = engine.url.render_as_string(hide_password=True)
    try:
        if schema_is_newer(engine):
            raise CliError(
                f"studbook: {shown} was written by a newer version of studbook; not touched",
                EXIT_DATABASE,
            )
        upgrade(engine)
    except CliError:
        raise
    except Exception as exc:
        raise CliError(f"studbook: cannot initialise {shown}: {exc}", EXIT_DATABASE) from exc
    finally:
        engine.dispose()
    _say(f"studbook database ready at {shown} (schema {head_revision()})")
    return EXIT_OK


def _companions(args: argparse.Namespace) -> tuple[Path | None, Path | None]:
    from db.importer import companion_files

    found_events, found_institutions = companion_files(args.file)
    events = args.events if args.events is not None else found_events
    institutions = args.institutions if args.institutions is not None else found_institutions
    if args.no_companions:
        events, institutions = args.events, args.institutions
    return events, institutions


def _settings_file(args: argparse.Namespace) -> Path | None:
    """The settings file to import: ``--settings``, else ``FILE_settings.csv`` if there."""
    from db.importer import companion_file

    if args.settings is not None or args.no_companions:
        return args.settings  # type: ignore[no-any-return]
    return companion_file(args.file, "settings")


def _assumptions_file(args: argparse.Namespace) -> Path | None:
    """The assumptions file to import with a new studbook: ``FILE_assumptions.csv`` if there
    (not with ``--update``: the sets are stored already, and edited with ``assumptions``)."""
    from db.importer import companion_file

    if args.no_companions or getattr(args, "update", False):
        return None
    return companion_file(args.file, "assumptions")


def cmd_import(args: argparse.Namespace) -> int:
    """Check the files and, only if every rule passes, add them to the studbook in one go."""
    from db.assumptions import import_assumption_sets
    from db.importer import check_studbook, write_plan
    from db.session import session_scope
    from db.settings import save_settings
    from studbook.assumptions import AssumptionError
    from studbook.interpret import parse_mapping
    from studbook.present import printable
    from studbook.settings import read_settings
    from tui.cli_formats import import_format

    factory = _open(args)
    progress = _Progress()
    plan = None
    try:
        fmt = import_format(args)
        events, institutions = _companions(args) if fmt == "csv" else (args.events, None)
        settings_path = _settings_file(args)
        assumptions_path = _assumptions_file(args) if fmt == "csv" else None
        paths = (args.file, events, institutions, settings_path, assumptions_path)
        _say("importing " + ", ".join(str(p) for p in paths if p is not None))
        mapping = parse_mapping(args.map)
        settings = read_settings(settings_path) if settings_path is not None else {}
        with session_scope(factory, write=True) as session:
            plan = check_studbook(
                session,
                args.file,
                events,
                institutions,
                mapping,
                update=args.update,
                fmt=fmt,
                corrections=args.correct,
            )
            _understood(plan.understanding)
            if plan.update is not None and not plan.errors:
                for line in plan.update.lines():
                    _say(printable(line))
            report = write_plan(session, plan, progress=progress)
            sets = import_assumption_sets(session, assumptions_path) if assumptions_path else []
            save_settings(session, settings)
    except AssumptionError as exc:
        progress.close()
        raise CliError(f"studbook: {exc}; nothing was imported", EXIT_INVALID) from exc
    except ImportValidationError as exc:
        progress.close()
        errors = [p for p in exc.problems if p.severity == "error"]
        _problems(errors, args.max_problems)
        _update_hint(plan, args.file, "import")
        raise CliError(
            f"studbook: {counted(len(errors), 'error')} in the input; nothing was imported",
            EXIT_INVALID,
        ) from exc
    progress.close()
    if report.warnings:
        _problems(report.warnings, args.max_problems)
    _say(
        f"imported {counted(report.animals, 'animal')}"
        + (f" (and changed {report.changed})" if args.update else "")
        + f", {counted(report.events, 'event')} and "
        f"{counted(report.institutions, 'institution')} in {report.seconds:.1f} s"
        + (f" ({counted(len(report.warnings), 'warning')})" if report.warnings else "")
    )
    if settings:
        _say(f"set {counted(len(settings), 'programme setting')}: {', '.join(settings)}")
    if sets:
        _say(
            f"stored {counted(len(sets), 'assumption set')}, apart from the record: "
            + ", ".join(s.name for s in sets)
            + " (studbook assumptions use NAME to analyse with one)"
        )
    return EXIT_OK


def _update_hint(plan: Any, file: Path, command: str) -> None:
    """When most of a file's animals are already stored, say that ``--update`` is the check
    for an updated export of the studbook (each of them is otherwise a duplicate-id error)."""
    if plan is not None and plan.already_stored * 2 > max(len(plan.records), 1):
        _say(
            f"hint: {plan.already_stored} of the file's {counted(len(plan.records), 'animal')} "
            f"are already in the studbook; if {file} is an updated export of it, use "
            f"'studbook {command} --update {file}'"
        )


def _understood(understanding: Any) -> None:
    """Print how the pedigree file was read (columns, assumptions, hints) on stderr."""
    from studbook.present import printable

    if understanding is not None:
        for line in understanding.lines():
            _say(printable(line))


def cmd_validate(args: argparse.Namespace) -> int:
    """Check files as an import would (against the database when there is one); write nothing."""
    from db.importer import check_studbook
    from db.session import make_session_factory
    from studbook.interpret import parse_mapping
    from studbook.present import printable
    from tui.cli_formats import import_format

    try:
        mapping = parse_mapping(args.map)
    except ImportValidationError as exc:
        _problems(exc.problems)
        raise CliError("studbook validate: fix the --map options", EXIT_USAGE) from exc
    try:
        fmt = import_format(args)
    except ImportValidationError as exc:
        _problems(exc.problems)
        raise CliError("studbook validate: say which format with --format", EXIT_USAGE) from exc
    events, institutions = _companions(args) if fmt == "csv" else (args.events, None)
    standalone = "Or check the files on their own with 'studbook validate --standalone FILE'."
    engine = None if args.standalone else _engine(args, standalone)
    given = {"fmt": fmt, "corrections": args.correct}
    if engine is None:
        plan = check_studbook(None, args.file, events, institutions, mapping, **given)
        against = "on their own"
    else:
        with make_session_factory(engine)() as session:
            plan = check_studbook(
                session, args.file, events, institutions, mapping, update=args.update, **given
            )
        against = "against " + engine.url.render_as_string(hide_password=True)
    settings_errors = _check_settings_file(_settings_file(args))
    _understood(plan.understanding)
    if plan.update is not None:
        for line in plan.update.lines():
            _say(printable(line))
    for problem in [*plan.problems, *settings_errors]:
        print(problem)
    if plan.errors:
        _update_hint(plan, args.file, "validate")
    animals, events_read = len(plan.records), len(plan.events)
    if plan.update is not None:
        animals += len(plan.update.changed) + len(plan.update.unchanged)
        events_read += plan.update.unchanged_events
    print(
        f"{counted(len(plan.errors) + len(settings_errors), 'error')}, "
        f"{counted(len(plan.warnings), 'warning')} "
        f"in {counted(animals, 'animal')} and {counted(events_read, 'event')}, checked {against}"
    )
    return EXIT_INVALID if plan.errors or settings_errors else EXIT_OK


def _check_settings_file(path: Path | None) -> tuple[Problem, ...]:
    """The problems of a settings file (none when there is no file)."""
    from studbook.settings import read_settings

    if path is None:
        return ()
    try:
        read_settings(path)
    except ImportValidationError as exc:
        return exc.problems
    return ()


def cmd_export(args: argparse.Namespace) -> int:
    """Write the studbook out as CSV (with events and institutions), PMx, Vortex or MSI."""
    from db.errors import ExportTargetError
    from db.exporter import export_studbook

    factory = _open(args)
    with factory() as session:
        try:
            report = export_studbook(session, args.file, args.format, census=args.census_date)
        except ExportTargetError as exc:
            raise CliError(f"studbook export: {exc}", EXIT_USAGE) from exc
        except OSError as exc:
            raise CliError(
                f"studbook export: cannot write {exc.filename or args.file}: "
                f"{exc.strerror or exc}; files that were there before are unchanged",
                EXIT_ERROR,
            ) from exc
    for problem in report.warnings:
        _say(str(problem))
    _say(f"exported {counted(report.rows, 'animal')} to {', '.join(str(f) for f in report.files)}")
    return EXIT_OK


def cmd_animals(args: argparse.Namespace) -> int:
    """List animals, optionally only the living, at one institution or region, of one sex
    (on a date: status, age and institution then)."""
    from studbook.present import AGE
    from studbook.reports import Report, Section

    book = _load_book(args)
    rows = [
        {
            "id": a.record.id,
            "house_name": a.record.house_name,
            "sex": a.record.sex,
            "birth_date": str(a.record.birth_date or ""),
            "age": a.age,
            "status": a.status,
            "institution": a.institution,
            "region": a.region,
            "sire": _parent_text(a.record.sire),
            "dam": _parent_text(a.record.dam),
        }
        for a in book.animals(
            living=True if args.living else None,
            institution=args.institution,
            region=args.region,
            sex=args.sex,
            on=args.date,
        )
    ]
    filters = [
        f"{name}={value}"
        for name, value in (
            ("living", args.living or None),
            ("institution", args.institution),
            ("region", args.region),
            ("sex", args.sex),
            ("date", args.date),
        )
        if value
    ]
    columns = (
        "id",
        "house_name",
        "sex",
        "birth_date",
        "age",
        "status",
        "institution",
        "region",
        "sire",
        "dam",
    )
    report = Report(
        "animals",
        "all animals ever recorded" if not filters else "filtered: " + ", ".join(filters),
        {},
        (Section(counted(len(rows), "animal"), columns, rows, quantities={"age": AGE}),),
    )
    _emit(report, args.format)
    return EXIT_OK


def _parent_text(spec: Any) -> str:
    from studbook.parents import format_parent

    return format_parent(spec)


def cmd_animal(args: argparse.Namespace) -> int:
    """One animal: its record, parents, offspring and siblings, and where it has lived."""
    from studbook.present import PROBABILITY
    from studbook.reports import Report, Section

    book = _load_book(args)
    try:
        record = book.record(args.id)
    except UnknownAnimalError as exc:
        raise CliError(f"studbook: {exc}", EXIT_NOT_FOUND) from exc
    fields = [
        ("studbook id", record.id),
        ("house name", record.house_name),
        ("sex", record.sex),
        ("born", f"{record.birth_date or 'unknown'} ({record.birth_type.value})"),
        ("died", str(record.death_date or "")),
        ("status", book.status(record.id)),
        ("institution", record.location),
        ("region", book.region_of(record.location)),
        ("sire", _parent_text(record.sire)),
        ("dam", _parent_text(record.dam)),
        ("hypothetical", "yes" if record.hypothetical else ""),
        ("founder flags", ", ".join(record.flags)),
        ("notes", record.notes),
    ]
    relatives = [
        {
            "relation": r.relation,
            "id": r.id,
            "house_name": r.house_name,
            "sex": r.sex,
            "probability": r.probability,
        }
        for r in book.relatives(record.id)
    ]
    events = [
        {
            "date": str(e.date or ""),
            "event": e.event.value if e.event else "",
            "institution": e.institution,
            "local_id": e.local_id,
            "detail": ", ".join(x for x in (e.cause, e.notes) if x),
        }
        for e in book.events.get(record.id, ())
    ]
    stays = [
        {
            "institution": s.institution,
            "from": str(s.start or ""),
            "to": str(s.end or ""),
            "local_id": s.local_id,
            "on_loan": s.on_loan,
        }
        for s in book.stays.get(record.id, ())
    ]
    report = Report(
        f"animal {record.id}",
        "one animal",
        {},
        (
            Section("record", ("field", "value"), [{"field": f, "value": v} for f, v in fields]),
            Section(
                "relatives",
                ("relation", "id", "house_name", "sex", "probability"),
                relatives,
                quantities={"probability": PROBABILITY},
            ),
            Section(
                "location history", ("institution", "from", "to", "local_id", "on_loan"), stays
            ),
            Section("events", ("date", "event", "institution", "local_id", "detail"), events),
        ),
    )
    _emit(report, args.format)
    return EXIT_OK


def cmd_census(args: argparse.Namespace) -> int:
    """Living animals by institution and sex on a date (default: the current records)."""
    from studbook.reports import Report, Section
    from studbook.status import LIVING_DEFINITION

    book = _load_book(args)
    census = book.census(args.date)
    rows = [
        {
            "institution": r.institution,
            "name": r.name,
            "region": r.region,
            "males": r.males,
            "females": r.females,
            "unknown": r.unknown,
            "total": r.total,
            "m.f.u": r.label,
        }
        for r in census.rows
    ]
    males, females, unknown = census.totals
    report = Report(
        "census",
        f"living on {census.date} ({LIVING_DEFINITION})",
        {"census date": str(census.date)},
        (
            Section(
                "by institution",
                ("institution", "name", "region", "males", "females", "unknown", "total", "m.f.u"),
                rows,
                {
                    "animals": males + females + unknown,
                    "m.f.u": f"{males}.{females}.{unknown}",
                    "institutions": len(rows),
                },
            ),
        ),
    )
    _emit(report, args.format)
    return EXIT_OK


def _analysis(args: argparse.Namespace) -> Any:
    """The analyses of the studbook for the population the options describe, under the
    programme's stored settings with this run's overrides (``--flagged-cap``, ...)."""
    from studbook.analysis import Analysis, AnalysisSettings

    book = _load_book(args)
    keys = ("flagged_cap", "kinship_limit", "region_penalty", "release_sex_ratio",
            "release_max_kinship")  # fmt: skip
    # The option texts are read by the settings' own rules, as the UI's forms read theirs.
    given = [(key, text) for key in keys if (text := getattr(args, key, None)) is not None]
    try:
        programme = book.settings.with_texts(given)
    except SettingsError as exc:  # a wrong option, as --pairs and argparse's own say: exit 2
        raise CliError(f"studbook: {exc}", EXIT_USAGE) from exc
    settings = AnalysisSettings(
        census_date=args.census_date.isoformat() if args.census_date else None,
        regions=tuple(r.upper() for r in args.population_region) or None,
        exclude=tuple(args.exclude),
        non_breeders=tuple(getattr(args, "non_breeder", ())),
        programme=programme,
        assumptions=getattr(args, "assumptions", None),
    )
    return Analysis(book, settings)


def cmd_summary(args: argparse.Namespace) -> int:
    """Population summary: N by sex, founders, GD, FGE, mean F and MK, % known, Ne, founders."""
    from studbook.reports import summary_report

    analysis = _analysis(args)
    report = summary_report(
        analysis.summary, parameters=analysis.parameters(), certainty=analysis.certainty
    )
    _emit(report, args.format)
    return EXIT_OK


def cmd_age_pyramid(args: argparse.Namespace) -> int:
    """The living population by age class and sex on the census date (any date: --census-date)."""
    from studbook.reports import Report, Section
    from studbook.timeseries import age_sex_pyramid

    analysis = _analysis(args)
    try:
        pyramid = age_sex_pyramid(analysis.population, width=args.width)
    except StudbookError as exc:
        raise CliError(f"studbook age-pyramid: {exc}", EXIT_USAGE) from exc
    rows = [
        {"age": label, "males": int(m), "females": int(f), "unknown_sex": int(u)}
        for label, m, f, u in zip(
            pyramid.labels, pyramid.males, pyramid.females, pyramid.unknown_sex, strict=True
        )
    ]
    unknown = ", ".join(f"{sex} {n}" for sex, n in pyramid.unknown_age.items() if n) or "none"
    report = Report(
        "Age pyramid",
        analysis.population.definition,
        {**analysis.parameters(), "age class width (years)": args.width},
        (Section("living animals by age class", ("age", "males", "females", "unknown_sex"), rows),),
        notes=(f"animals without a birth date (by sex): {unknown}",),
    )
    _emit(report, args.format)
    return EXIT_OK


def cmd_pairings(args: argparse.Namespace) -> int:
    """Breeding pairs ranked by mate suitability (provisional MSI), delta GD and offspring F."""
    from studbook.present import printable
    from studbook.reports import pairing_report

    analysis = _analysis(args)
    for role, sex in (("male", "M"), ("female", "F")):
        chosen = getattr(args, role)
        if chosen is not None and (why := analysis.candidate_reason(chosen, sex)) is not None:
            raise CliError(f"studbook pairings: --{role} {chosen}: {why}", EXIT_ERROR)
    table = analysis.pairings
    rows = table.select(
        top=args.top, male=args.male, female=args.female, institution=args.institution
    )
    notes = []
    if not rows:
        why = analysis.candidates.why_empty() or (
            f"no candidate pair has a mate at {args.institution}" if args.institution else None
        )
        if why is not None:
            _say(printable(f"studbook pairings: no pairs: {why}"))
            notes.append(why)
    shown = {
        "top": args.top,
        "male": args.male,
        "female": args.female,
        "institution": args.institution,
    }
    parameters = analysis.parameters({k: v for k, v in shown.items() if v is not None})
    _emit(pairing_report(table, rows, parameters=parameters, notes=notes), args.format)
    return EXIT_OK


def cmd_breeding_plan(args: argparse.Namespace) -> int:
    """The breeding plan to send: sized by the goals, with moves, proven pairs and holds."""
    from tui.cli_plans import show_plan

    return show_plan(args)


def cmd_releases(args: argparse.Namespace) -> int:
    """Release candidates ranked by the captive GD they cost, and a release group of k."""
    from studbook.reports import release_report

    analysis = _analysis(args)
    rows = analysis.releases()
    group = None
    if args.group and args.evaluate:
        raise CliError("studbook releases: give --group K or --evaluate IDS, not both", EXIT_USAGE)
    if args.group:
        group = analysis.release_group(args.group, min_group_gd=args.min_group_gd)
    elif args.evaluate:
        group = analysis.evaluate_release_group([a.strip() for a in args.evaluate.split(",")])
    report = release_report(
        rows[: args.top] if args.top else rows,
        group,
        population=analysis.population.definition,
        parameters=analysis.parameters({"group size": args.group} if args.group else None),
    )
    _emit(report, args.format)
    return EXIT_OK


def _window(text: str) -> tuple[date, date]:
    """``FROM:TO`` (ISO dates) for ``--window``."""
    first, sep, last = text.partition(":")
    if not sep:
        raise argparse.ArgumentTypeError(f"{text!r} is not FROM:TO (e.g. 1990-01-01:2025-01-01)")
    return _iso_date(first.strip()), _iso_date(last.strip())


def _demography(args: argparse.Namespace, book: Any) -> Any:
    """The demography of ``book`` over the window the options or the settings give."""
    from studbook.demography import demography, window_for

    window = window_for(book, args.window, args.region)
    return demography(
        book, window, prorated=not args.unprorated, replicates=args.replicates, seed=args.seed
    )


def cmd_demography(args: argparse.Namespace) -> int:
    """Life tables by sex, the three lambdas, T, life expectancy, Ne and the census history."""
    from studbook.reports import demography_report

    book = _load_book(args)
    demo = _demography(args, book)
    _emit(demography_report(demo, parameters=book.settings.describe()), args.format)
    return EXIT_OK


_PROJECTION_INPUTS = ("gd", "n", "generation_time", "growth", "ne_ratio", "capacity")


def cmd_projection(args: argparse.Namespace) -> int:
    """Gene diversity projection: the drift baseline, the observed history, the simulation band."""
    from studbook.outlook import ProjectionInputs, gene_diversity_outlook
    from studbook.reports import projection_report

    given = {k: getattr(args, k) for k in _PROJECTION_INPUTS}
    required = [k for k in _PROJECTION_INPUTS if k != "capacity"]
    if all(given[k] is not None for k in required) and not args.simulate:
        outlook = gene_diversity_outlook(ProjectionInputs().given(**given), years=args.years)
        report = projection_report(
            outlook, parameters={"inputs": "all given on the command line; no studbook read"}
        )
        _emit(report, args.format)
        return EXIT_OK
    from studbook.assumptions import assumed_studbook, chosen_set, pedigree_label
    from studbook.kinship import gene_diversity, mean_kinship_array
    from studbook.outlook import simulation_for, studbook_inputs
    from studbook.timeseries import gene_diversity_over_time

    record = _load_book(args)
    chosen = chosen_set(record, args.assumptions)
    book = assumed_studbook(record, chosen)
    demo = _demography(args, record)
    if not demo.population_ids:
        raise CliError(
            f"studbook projection: no living animal on the last day of {demo.window.text()}",
            EXIT_ERROR,
        )
    inputs = studbook_inputs(book, demo, gene_diversity(book.pedigree, list(demo.population_ids)))
    inputs = inputs.given(**given)

    def mean_kinship(ped: Any, mask: Any) -> float:
        return float(mean_kinship_array(ped, mask)[mask].mean())

    import numpy as np

    days = np.array([c.date for c in demo.census], "datetime64[D]")
    history = gene_diversity_over_time(book.pedigree, days, mean_kinship, living=book.living_ids)
    simulate = None
    if args.simulate:
        simulate = simulation_for(
            book, demo, replicates=args.replicates, seed=args.seed, capacity=inputs.capacity
        )
    outlook = gene_diversity_outlook(inputs, years=args.years, history=history, simulate=simulate)
    parameters = {
        "pedigree": pedigree_label(chosen.name if chosen else None),
        **book.settings.describe(),
        "demographic window": demo.window.describe(),
    }
    report = projection_report(
        outlook,
        population=f"living on the last day of the window {demo.window.text()}",
        parameters=parameters,
    )
    _emit(report, args.format)
    return EXIT_OK


def cmd_settings(args: argparse.Namespace) -> int:
    """Show the programme's settings (species profile, caps, limits), or set one."""
    if args.action == "set":
        return _set_setting(args)
    from db.settings import stored_settings
    from studbook.reports import Report, Section
    from studbook.settings import SETTINGS, ProgrammeSettings

    with _open(args)() as session:
        stored = stored_settings(session)
    settings = ProgrammeSettings.from_text(stored)
    default = ProgrammeSettings()
    rows = [
        {
            "key": key,
            "value": settings.text(key),
            "default": default.text(key),
            "set": key in stored,
            "meaning": spec.label,
        }
        for key, spec in SETTINGS.items()
    ]
    report = Report(
        "programme settings",
        "the whole programme",
        settings.describe(),
        (Section("settings", ("key", "value", "default", "set", "meaning"), rows),),
    )
    _emit(report, args.format)
    return EXIT_OK


def _set_setting(args: argparse.Namespace) -> int:
    """``studbook settings set KEY VALUE``: check the value, store it (audited)."""
    from db.session import session_scope
    from db.settings import save_settings

    try:
        with session_scope(_open(args), write=True) as session:
            settings = save_settings(session, {args.key: args.value})
    except SettingsError as exc:
        raise CliError(f"studbook: {exc}; nothing was changed", EXIT_INVALID) from exc
    _say(f"{args.key.strip()} = {settings.text(args.key)}")
    return EXIT_OK


def cmd_tui(args: argparse.Namespace) -> int:
    """Open the terminal UI."""
    from tui.app import make_app

    make_app(_url(args), theme=args.theme, census_date=args.census_date).run()
    return EXIT_OK


# --------------------------------------------------------------------------- parser
def _add_format(parser: argparse.ArgumentParser, choices: Sequence[str] = TABLE_FORMATS) -> None:
    parser.add_argument(
        "--format", choices=choices, default="table", help="output format (default: table)"
    )


class _Version(argparse.Action):
    """``--version``: prints ``studbook X.Y.Z`` from the package metadata, read only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> NoReturn:
        import studbook

        print(f"studbook {studbook.__version__}")
        parser.exit()


def _demography_options(p: argparse.ArgumentParser) -> None:
    """The options of the demographic window, shared by ``demography`` and ``projection``."""
    p.add_argument(
        "--window",
        type=_window,
        metavar="FROM:TO",
        help="demographic window, ISO dates, TO excluded (default: the setting "
        "demographic_window, else the first birth to today)",
    )
    p.add_argument("--region", help="only time spent in this region (default: the setting's)")
    p.add_argument("--unprorated", action="store_true", help="unprorated life tables")
    p.add_argument("--seed", type=int, default=0, help="random seed of the projections (0)")


def _analysis_options(p: argparse.ArgumentParser) -> None:
    """The options of the analyses: census date, who is in P, who may breed, the format."""
    p.add_argument("--census-date", type=_iso_date, help="census date (default: today)")
    p.add_argument(
        "--population-region",
        action="append",
        default=[],
        metavar="REGION",
        help="restrict P to this region (repeatable)",
    )
    p.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="ID",
        help="leave this animal out of P (repeatable)",
    )
    if p.prog.endswith(("pairings", "breeding-plan", "issue")):
        p.add_argument(
            "--non-breeder",
            action="append",
            default=[],
            metavar="ID",
            help="never pair this animal (repeatable)",
        )
    _add_format(p, REPORT_FORMATS)


def _plan_options(p: argparse.ArgumentParser) -> None:
    """The options of a breeding plan (``breeding-plan`` and ``plan issue``)."""
    p.add_argument("--max-per-animal", type=int, default=1, help="pairings per animal (1)")
    p.add_argument(
        "--objective",
        choices=PLAN_OBJECTIVES,
        default="contributions",
        help="who breeds: optimum contributions for the next generation's GD (default), the "
        "exact optimum of the sum of pair ΔGD, or greedy lowest MK",
    )
    p.add_argument(
        "--score",
        choices=PLAN_SCORES,
        default="delta_gd",
        help="the per-pair score that decides who mates whom (default delta_gd)",
    )
    p.add_argument(
        "--kinship-limit",
        metavar="F",
        help="forbid f >= this (default: the setting kinship_limit)",
    )
    p.add_argument(
        "--region-penalty",
        metavar="COST",
        help="cost of a cross-region pair (default: the setting region_penalty)",
    )
    p.add_argument(
        "--pairs",
        metavar="N",
        help="number of pairs, 0 or more (default: sized by the programme's goals, shown in "
        "the notes)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``studbook`` command."""
    from tui.cli_document import add_document_commands
    from tui.cli_explorer import add_explorer_commands
    from tui.cli_formats import add_format_options

    codes = "\n".join(f"  {code}  {text}" for code, text in EXIT_CODES.items())
    parser = argparse.ArgumentParser(
        prog="studbook",
        description="Captive-breeding studbook manager: records, kinship, pairings, releases.",
        epilog=f"exit codes:\n{codes}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database URL or SQLite file (default: $STUDBOOK_DB_URL, else an SQLite file in "
        "the user data directory); e.g. postgresql+psycopg://user@host/studbook",
    )
    parser.add_argument("--user", help="name recorded in the audit log (default: login name)")
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, handler: Callable[[argparse.Namespace], int]) -> Any:
        doc = (handler.__doc__ or "").strip().splitlines()[0]
        # argparse %-formats help strings: a "%" in a docstring ("% known") must be doubled.
        p = sub.add_parser(name, help=doc.replace("%", "%%"), description=doc)
        p.set_defaults(handler=handler)
        return p

    command("init", cmd_init)
    for name, handler in (("import", cmd_import), ("validate", cmd_validate)):
        p = command(name, handler)
        p.add_argument("file", type=Path, help="studbook CSV (docs/csv-format.md), or see --format")
        p.add_argument(
            "--events",
            type=Path,
            help="events CSV (default: FILE_events.csv); SPARKS: MOVES.DBF (default: beside FILE)",
        )
        add_format_options(p)
        p.add_argument(
            "--institutions", type=Path, help="institutions CSV (default: FILE_institutions.csv)"
        )
        p.add_argument(
            "--settings",
            type=Path,
            help="programme settings CSV, key,value (default: FILE_settings.csv)",
        )
        p.add_argument(
            "--no-companions",
            action="store_true",
            help="do not pick up FILE_events.csv, FILE_institutions.csv, FILE_settings.csv and "
            "FILE_assumptions.csv automatically",
        )
        p.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help="read COLUMN as FIELD (e.g. alive_in_source=alive, target=alive, "
            "transfers=ignore); repeatable",
        )
        p.add_argument(
            "--update",
            action="store_true",
            help="the file is an updated export of this studbook: add new animals and events, "
            "replace changed animals (audited), after a preview",
        )
        if name == "import":
            p.add_argument(
                "--max-problems", type=int, default=200, help="problems to print (default 200)"
            )
        else:
            p.add_argument(
                "--standalone", action="store_true", help="check the files without the database"
            )
    p = command("export", cmd_export)
    p.add_argument("file", type=Path, help="file to write")
    p.add_argument(
        "--format",
        choices=("csv", "pmx", "vortex", "msi", "graphml"),
        default="csv",
        help="csv (with events and institutions), pmx (with FILE_moves and FILE_mult), "
        "vortex, msi (the PMx MSI matrix), or graphml (the relationship graph, for Gephi)",
    )
    p.add_argument(
        "--census-date",
        type=_iso_date,
        help="census date for the PMx, Vortex, MSI and GraphML files",
    )
    p = command("animals", cmd_animals)
    p.add_argument("--living", action="store_true", help="only living animals")
    p.add_argument("--institution", metavar="MNEMONIC", help="only animals at this institution")
    p.add_argument("--region", help="only animals in this region (EAZA, AZA, ...)")
    p.add_argument("--sex", choices=("M", "F", "U"))
    p.add_argument("--date", type=_iso_date, help="as on this date YYYY-MM-DD (default: now)")
    _add_format(p)
    p = command("animal", cmd_animal)
    p.add_argument("id", help="studbook id")
    _add_format(p)
    p = command("census", cmd_census)
    p.add_argument("--date", type=_iso_date, help="census date YYYY-MM-DD (default: now)")
    _add_format(p)
    analyses = []
    p = command("summary", cmd_summary)
    analyses.append(p)
    p = command("age-pyramid", cmd_age_pyramid)
    p.add_argument("--width", type=int, default=2, help="years per age class (default 2)")
    analyses.append(p)
    p = command("pairings", cmd_pairings)
    p.add_argument("--top", type=int, default=25, help="pairs to show (default 25)")
    p.add_argument("--male", metavar="ID", help="only pairs with this male")
    p.add_argument("--female", metavar="ID", help="only pairs with this female")
    p.add_argument("--institution", metavar="MNEMONIC", help="only pairs with a mate here")
    analyses.append(p)
    p = command("breeding-plan", cmd_breeding_plan)
    _plan_options(p)
    analyses.append(p)
    p = command("releases", cmd_releases)
    p.add_argument("--group", type=int, metavar="K", help="choose a release group of K animals")
    p.add_argument(
        "--evaluate",
        metavar="IDS",
        help="evaluate a release group chosen by hand (comma-separated ids)",
    )
    p.add_argument("--min-group-gd", type=float, help="smallest GD allowed within the group")
    p.add_argument(
        "--sex-ratio",
        dest="release_sex_ratio",
        metavar="M:F",
        help="males:females of the group, or 'any' (default: the setting release_sex_ratio)",
    )
    p.add_argument(
        "--max-kinship",
        dest="release_max_kinship",
        metavar="F",
        help="largest kinship between two members of the group (default: the setting "
        "release_max_kinship, else the kinship ceiling)",
    )
    p.add_argument(
        "--flagged-cap",
        metavar="FRACTION",
        help="largest flagged-founder share of a candidate (default: the setting flagged_cap)",
    )
    p.add_argument("--top", type=int, help="candidates to show (default all)")
    analyses.append(p)
    for p in analyses:
        _analysis_options(p)
    add_assumption_commands(sub, analyses)
    p = command("demography", cmd_demography)
    _demography_options(p)
    p.add_argument("--replicates", type=int, default=1000, help="projected-lambda runs (1000)")
    _add_format(p, REPORT_FORMATS)
    p = command("projection", cmd_projection)
    _demography_options(p)
    for option, kind, text in (
        ("--gd", float, "gene diversity now, 0-1 (default: the living population's)"),
        ("--n", float, "population size now (default: the living animals)"),
        ("--generation-time", float, "T in years (default: the life tables')"),
        ("--growth", float, "lambda (default: the life-table lambda)"),
        ("--ne-ratio", float, "Ne/N (default: the setting ne_ratio)"),
        ("--capacity", float, "K, animals (default: the setting target_size, else no limit)"),
    ):
        p.add_argument(option, type=kind, help=text)
    p.add_argument("--years", type=int, default=100, help="years to project (default 100)")
    p.add_argument(
        "--simulate", action="store_true", help="add the forward simulation band (random mating)"
    )
    p.add_argument("--replicates", type=int, default=200, help="simulation runs (default 200)")
    add_assumptions_option(p)
    _add_format(p, REPORT_FORMATS)
    p = command("settings", cmd_settings)
    p.set_defaults(action="show")
    _add_format(p)
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    shown = actions.add_parser("show", help="show every setting (the default)")
    _add_format(shown)
    change = actions.add_parser(
        "set",
        help="set one setting (checked; recorded in the audit log)",
        description="Keys and allowed values: see 'studbook settings' and docs/csv-format.md.",
    )
    change.add_argument("key", help="the setting, e.g. breeding_age_male")
    change.add_argument("value", help="its new value, e.g. 2-15")
    add_explorer_commands(command)
    add_document_commands(command)
    from tui.cli_plans import add_plan_commands

    add_plan_commands(command)
    p = command("tui", cmd_tui)
    p.add_argument("--theme", choices=("dark", "light"), default="dark")
    p.add_argument("--census-date", help="census date YYYY-MM-DD (default: today)")
    return parser


def _fail(message: str, code: int) -> NoReturn:
    _say(message)
    raise SystemExit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (see the module docstring)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            # The UI needs a terminal; without one (a pipe, cron, CI) it would hang.
            parser.print_usage(sys.stderr)
            _say("studbook: no command given, and the terminal UI needs a terminal (see --help)")
            return EXIT_USAGE
        args = parser.parse_args([*(argv or sys.argv[1:]), "tui"])
    try:
        return int(args.handler(args))
    except CliError as exc:
        _fail(str(exc), exc.code)
    except UnknownAnimalError as exc:
        _fail(f"studbook: {exc}", EXIT_NOT_FOUND)
    except SettingsError as exc:
        _fail(f"studbook: {exc}", EXIT_INVALID)
    except StudbookError as exc:
        _fail(f"studbook: {exc}", EXIT_ERROR)
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        from db.errors import database_failure

        failure = database_failure(exc)
        if failure is None:
            raise
        _fail(f"studbook: {failure}; nothing was written", EXIT_DATABASE)
