"""``studbook assumptions``: named sets of pedigree assumptions, kept apart from the record.

``list`` the sets (the one the analyses use marked), ``show`` one (each assumption beside the
record's value), ``new``/``delete`` a set, ``add``/``remove`` an assumption,
``hypothetical``/``remove-hypothetical`` a placeholder animal, ``import``/``export`` an
assumptions CSV, and ``use`` a set (or ``none``) for every analysis. Each change is one
transaction, checked by the core against the whole studbook first; a refusal names the set,
the animal and the field, and writes nothing (exit 1). The analyses take ``--assumptions``
to use another set (or ``none``) for one run.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from studbook.errors import ImportValidationError
from studbook.present import counted

__all__ = ["add_assumption_commands", "add_assumptions_option", "cmd_assumptions"]


def _cli() -> Any:
    import tui.cli as cli

    return cli


def _write(args: argparse.Namespace, change: Any) -> Any:
    """Run ``change(session)`` in one writing transaction; a refusal exits 1, nothing written."""
    from db.session import session_scope
    from studbook.assumptions import AssumptionError

    cli = _cli()
    try:
        with session_scope(cli._open(args), write=True) as session:
            return change(session)
    except AssumptionError as exc:
        message = f"studbook assumptions: {exc}; nothing was changed"
        raise cli.CliError(message, cli.EXIT_INVALID) from exc
    except ImportValidationError as exc:
        cli._problems(exc.problems)
        raise cli.CliError(
            f"studbook assumptions: {args.file} was rejected; nothing was changed",
            cli.EXIT_INVALID,
        ) from exc


def _list(args: argparse.Namespace) -> int:
    from db.assumptions import load_assumption_sets
    from db.settings import load_settings
    from studbook.reports import Report, Section

    cli = _cli()
    with cli._open(args)() as session:
        sets = load_assumption_sets(session)
        active = load_settings(session).assumption_set
    rows = [
        {
            "set": s.name,
            "in use": s.name == active,
            "assumptions": len(s.assumptions),
            "hypothetical animals": len(s.hypotheticals),
            "note": s.note,
        }
        for s in sets
    ]
    report = Report(
        "Assumption sets",
        "the whole studbook",
        {"analyses use": f"assumption set {active!r}" if active else "the true record"},
        (Section("sets", ("set", "in use", "assumptions", "hypothetical animals", "note"), rows),),
    )
    cli._emit(report, args.format)
    return int(cli.EXIT_OK)


def _show(args: argparse.Namespace) -> int:
    from db.assumptions import load_assumption_set
    from db.repository import load_records
    from studbook.assumptions import AssumptionError, record_value
    from studbook.reports import Report, Section

    cli = _cli()
    with cli._open(args)() as session:
        try:
            chosen = load_assumption_set(session, args.name)
        except AssumptionError as exc:
            raise cli.CliError(f"studbook assumptions: {exc}", cli.EXIT_USAGE) from exc
        records = {
            r.id: r for r in load_records(session, [a.animal_id for a in chosen.assumptions])
        }
    rows = [
        {
            "animal": a.animal_id,
            "field": a.field,
            "true value": record_value(records[a.animal_id], a.field),
            "assumed": a.assumed,
            "note": a.note,
        }
        for a in chosen.assumptions
    ]
    changed = [
        f"the record's {a.field} of {a.animal_id} was {a.true_value!r} when assumed"
        for a, row in zip(chosen.assumptions, rows, strict=True)
        if a.true_value != row["true value"]
    ]
    placeholders = [{"id": h.id, "sex": h.sex, "note": h.note} for h in chosen.hypotheticals]
    report = Report(
        f"Assumption set {chosen.name}",
        "the whole studbook",
        {"note": chosen.note} if chosen.note else {},
        (
            Section("assumptions", ("animal", "field", "true value", "assumed", "note"), rows),
            Section("hypothetical animals", ("id", "sex", "note"), placeholders),
        ),
        notes=tuple(changed),
    )
    cli._emit(report, args.format)
    return int(cli.EXIT_OK)


def cmd_assumptions(args: argparse.Namespace) -> int:
    """Named sets of pedigree assumptions (hypothetical sires, resolved MULTs, estimated
    dates), kept apart from the record: list, show, new, add, remove, use, import, export."""
    from db import assumptions as store

    cli = _cli()
    action = args.action
    if action == "list":
        return _list(args)
    if action == "show":
        return _show(args)
    if action == "export":
        from studbook.assumption_file import write_assumption_file

        with cli._open(args)() as session:
            sets = store.load_assumption_sets(session)
        write_assumption_file(sets, args.file)
        cli._say(f"exported {counted(len(sets), 'assumption set')} to {args.file}")
        return int(cli.EXIT_OK)
    said: str
    if action == "new":
        _write(args, lambda s: store.create_set(s, args.name, args.note))
        said = f"created assumption set {args.name!r}"
    elif action == "delete":
        _write(args, lambda s: store.delete_set(s, args.name))
        said = f"deleted assumption set {args.name!r}"
    elif action == "add":
        item = _write(
            args,
            lambda s: store.add_assumption(
                s, args.name, args.animal, args.field, args.value, args.note
            ),
        )
        said = f"{args.name}: {args.animal} {args.field} {item.true_value!r} -> {item.assumed!r}"
    elif action == "remove":
        _write(args, lambda s: store.remove_assumption(s, args.name, args.animal, args.field))
        said = f"{args.name}: removed the assumed {args.field} of {args.animal}"
    elif action == "hypothetical":
        _write(args, lambda s: store.add_hypothetical(s, args.name, args.id, args.sex, args.note))
        said = f"{args.name}: hypothetical animal {args.id} ({args.sex})"
    elif action == "remove-hypothetical":
        _write(args, lambda s: store.remove_hypothetical(s, args.name, args.id))
        said = f"{args.name}: removed hypothetical animal {args.id}"
    elif action == "import":
        sets = _write(args, lambda s: store.import_assumption_sets(s, args.file))
        said = f"imported {counted(len(sets), 'assumption set')}: " + ", ".join(
            x.name for x in sets
        )
    else:  # use
        chosen = _write(args, lambda s: store.use_set(s, args.name))
        said = (
            f"the analyses now use assumption set {chosen.name!r}"
            if chosen
            else "the analyses now use the true record"
        )
    cli._say(said)
    return int(cli.EXIT_OK)


def add_assumption_commands(sub: Any, analyses: list[argparse.ArgumentParser]) -> None:
    """Add ``studbook assumptions ...`` to ``sub`` and ``--assumptions`` to each analysis."""
    from studbook.assumptions import ASSUMABLE_FIELDS

    cli = _cli()
    doc = (cmd_assumptions.__doc__ or "").split("\n\n")[0].replace("\n    ", " ")
    p = sub.add_parser("assumptions", help=doc, description=doc)
    p.set_defaults(handler=cmd_assumptions, action="list", format="table")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    shown = actions.add_parser("list", help="the sets, the one in use marked (the default)")
    cli._add_format(shown)
    shown = actions.add_parser("show", help="one set: each assumption beside the record's value")
    shown.add_argument("name")
    cli._add_format(shown)
    made = actions.add_parser("new", help="create an empty set")
    made.add_argument("name")
    made.add_argument("--note", default="", help="what the set is for")
    gone = actions.add_parser("delete", help="delete a set and everything in it")
    gone.add_argument("name")
    added = actions.add_parser(
        "add", help="assume a value for one field of one animal (replaces an earlier one)"
    )
    added.add_argument("name", help="the set")
    added.add_argument("animal", help="studbook id")
    added.add_argument("field", choices=ASSUMABLE_FIELDS)
    added.add_argument("value", help="a parent cell (H1, 77, A|B) or a date (1994-06)")
    added.add_argument("--note", default="", help="why")
    removed = actions.add_parser("remove", help="drop the assumption for one field of an animal")
    removed.add_argument("name")
    removed.add_argument("animal")
    removed.add_argument("field", choices=ASSUMABLE_FIELDS)
    placeholder = actions.add_parser(
        "hypothetical", help="add or change a hypothetical animal of the set (e.g. H1)"
    )
    placeholder.add_argument("name")
    placeholder.add_argument("id")
    placeholder.add_argument("--sex", default="U", choices=("M", "F", "U"))
    placeholder.add_argument("--note", default="", help="what it stands for")
    unplaced = actions.add_parser("remove-hypothetical", help="drop a hypothetical animal")
    unplaced.add_argument("name")
    unplaced.add_argument("id")
    used = actions.add_parser(
        "use", help="analyse with this set from now on ('none': the true record)"
    )
    used.add_argument("name")
    loaded = actions.add_parser("import", help="store the sets of an assumptions CSV")
    loaded.add_argument("file", type=Path, help="set,id,field,value,note (docs/csv-format.md)")
    written = actions.add_parser("export", help="write every set as an assumptions CSV")
    written.add_argument("file", type=Path)
    for analysis in analyses:
        add_assumptions_option(analysis)


def add_assumptions_option(parser: argparse.ArgumentParser) -> None:
    """``--assumptions NAME|none`` on a command whose output rests on the pedigree."""
    parser.add_argument(
        "--assumptions",
        metavar="NAME",
        help="analyse with this assumption set, or 'none' for the true record "
        "(default: the setting assumption_set)",
    )
