"""Command-line commands of breeding plans: the plan to send, breeding holds, plan tracking.

* ``studbook breeding-plan``: the plan sized by the programme's goals under the real-world
  constraints, with the arithmetic and every explanation in the report's notes;
* ``studbook breeding-status [ID] [--not-breeding --kind K --reason TEXT | --breeding]``: show,
  set or end an animal's breeding hold (audited);
* ``studbook plan issue``: store the plan as issued (the next version), with the settings it
  used and its headline figures; ``plan list``, ``plan show N``; ``plan record N NUMBERS
  OUTCOME --reason TEXT``: what became of recommendations (fulfilled, attempted,
  not-attempted, or open again).

The rules are in :mod:`studbook.recommended_plan` and :mod:`studbook.recommendations`, the
storage in :mod:`db.recommendations`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from studbook.present import counted
from tui.cli import (
    EXIT_INVALID,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    TABLE_FORMATS,
    CliError,
    _add_format,
    _analysis,
    _analysis_options,
    _emit,
    _iso_date,
    _open,
    _plan_options,
    _say,
)

__all__ = [
    "add_plan_commands",
    "cmd_breeding_status",
    "cmd_plan",
    "show_plan",
]


@contextmanager
def _refusals(command: str) -> Iterator[None]:
    """Refused changes exit 1 (nothing written), unknown animals or plans exit 4."""
    from db.errors import InvalidEditError, RecordNotFoundError

    try:
        yield
    except RecordNotFoundError as exc:
        raise CliError(f"studbook {command}: {exc}", EXIT_NOT_FOUND) from exc
    except InvalidEditError as exc:
        raise CliError(f"studbook {command}: {exc}; nothing was written", EXIT_INVALID) from exc


def _recommended(args: argparse.Namespace) -> tuple[Any, Any]:
    """The analysis and its recommended plan for the options given."""
    from studbook.plan_size import PairCountError, asked_pairs
    from studbook.present import printable

    try:
        n_pairs = asked_pairs(args.pairs)
    except PairCountError as exc:
        raise CliError(f"studbook: {exc}", EXIT_USAGE) from exc
    analysis = _analysis(args)
    result = analysis.recommended_plan(
        objective=args.objective,
        score=args.score,
        max_per_animal=args.max_per_animal,
        n_pairs=n_pairs,
    )
    if result.plan.why_empty is not None:
        _say(printable(f"studbook breeding-plan: no pairs: {result.plan.why_empty}"))
    return analysis, result


def _report(analysis: Any, result: Any) -> Any:
    from studbook.reports import breeding_plan_report

    return breeding_plan_report(
        result.plan,
        parameters=analysis.parameters({"plan objective": result.objective}),
        notes=result.notes(),
    )


def show_plan(args: argparse.Namespace) -> int:
    """``studbook breeding-plan``: the plan to send, with its explanations."""
    analysis, result = _recommended(args)
    _emit(_report(analysis, result), args.format)
    return EXIT_OK


def cmd_breeding_status(args: argparse.Namespace) -> int:
    """Show, set (--not-breeding) or end (--breeding) an animal's breeding hold."""
    from db.recommendations import add_hold, end_holds
    from db.repository import load_holds
    from db.session import session_scope
    from studbook.reports import Report, Section

    factory = _open(args)
    if args.not_breeding or args.breeding:
        if args.id is None:
            raise CliError("studbook breeding-status: give the animal's studbook id", EXIT_USAGE)
        with _refusals("breeding-status"), session_scope(factory, write=True) as session:
            if args.not_breeding:
                hold = add_hold(session, args.id, args.kind, args.reason, args.start, args.until)
                message = f"{args.id} marked not breeding: {hold.describe()}"
            else:
                count = end_holds(session, args.id, args.start or date.today())
                since = args.start or "today"
                message = f"{args.id}: {counted(count, 'hold')} ended; may breed from {since}"
        _say(message)
        return EXIT_OK
    with factory() as session:
        holds = load_holds(session)
    today = date.today()
    rows = [
        {
            "id": h.animal,
            "kind": h.kind,
            "reason": h.reason,
            "from": str(h.start or ""),
            "until": str(h.end or ""),
            "in_force": h.active_on(today),
        }
        for h in holds
        if args.id is None or h.animal == args.id
    ]
    report = Report(
        "breeding holds",
        "every animal" if args.id is None else f"animal {args.id}",
        {"today": today.isoformat()},
        (
            Section(
                counted(len(rows), "hold"),
                ("id", "kind", "reason", "from", "until", "in_force"),
                rows,
            ),
        ),
    )
    _emit(report, args.format)
    return EXIT_OK


def cmd_plan(args: argparse.Namespace) -> int:
    """Issue the breeding plan, list the issued plans, show one, record outcomes."""
    handler: Callable[[argparse.Namespace], int] = {
        "issue": _issue,
        "list": _list,
        "show": _show,
        "record": _record,
    }[args.plan_action]
    return handler(args)


def _issue(args: argparse.Namespace) -> int:
    from db.recommendations import issue_plan
    from db.session import current_user, session_scope
    from studbook.plan_draft import DraftRefusal, plan_to_issue

    analysis, result = _recommended(args)
    try:
        issued = plan_to_issue(analysis, result)
    except DraftRefusal as exc:
        raise CliError(f"studbook plan issue: {exc}", EXIT_INVALID) from exc
    with _refusals("plan issue"), session_scope(_open(args), write=True) as session:
        version = issue_plan(
            session,
            issued.pairs,
            settings=issued.settings,
            figures=issued.figures,
            issued_on=args.date or date.today(),
            issued_by=args.user or current_user(),
            note=args.note,
        )
    _say(f"issued plan {version}: {len(issued.pairs)} recommendations, all open")
    _emit(_report(analysis, result), args.format)
    return EXIT_OK


def _history(args: argparse.Namespace) -> Any:
    from db.repository import load_plan_history

    with _open(args)() as session:
        return load_plan_history(session)


def _list(args: argparse.Namespace) -> int:
    from studbook.recommendations import OUTCOMES
    from studbook.reports import Report, Section

    history = _history(args)
    rows = []
    for plan in history.plans:
        counts = plan.fulfilment()
        rows.append(
            {
                "plan": plan.version,
                "issued": plan.issued_on.isoformat(),
                "by": plan.issued_by,
                "pairs": len(plan.recommendations),
                **{o.replace(" ", "_"): counts[o] for o in OUTCOMES},
                "note": plan.note,
            }
        )
    fulfilled, recorded = history.outcome_counts()
    columns = ("plan", "issued", "by", "pairs", *(o.replace(" ", "_") for o in OUTCOMES), "note")
    report = Report(
        "issued breeding plans",
        "the whole programme",
        {"outcomes recorded": recorded, "fulfilled": fulfilled},
        (Section(counted(len(rows), "plan"), columns, rows),),
    )
    _emit(report, args.format)
    return EXIT_OK


def _find(history: Any, version: int) -> Any:
    for plan in history.plans:
        if plan.version == version:
            return plan
    known = ", ".join(str(p.version) for p in history.plans) or "none yet"
    raise CliError(f"studbook plan: no plan {version} (issued: {known})", EXIT_NOT_FOUND)


def _show(args: argparse.Namespace) -> int:
    from studbook.reports import Report, Section

    plan = _find(_history(args), args.version)
    rows = [
        {
            "number": r.number,
            "male": r.male,
            "female": r.female,
            "move": r.move,
            "outcome": r.outcome,
            "reason": r.reason,
            "recorded": str(r.recorded_on or ""),
        }
        for r in plan.recommendations
    ]
    parameters: dict[str, Any] = {"issued": plan.issued_on.isoformat(), "by": plan.issued_by}
    parameters.update({f"figure {k}": v for k, v in plan.figures.items()})
    parameters.update({f"setting {k}": v for k, v in plan.settings.items()})
    report = Report(
        f"breeding plan {plan.version}",
        "as issued",
        parameters,
        (
            Section(
                plan.fulfilment_text(),
                ("number", "male", "female", "move", "outcome", "reason", "recorded"),
                rows,
            ),
        ),
        notes=(plan.note,) if plan.note else (),
    )
    _emit(report, args.format)
    return EXIT_OK


def _numbers(text: str) -> list[int]:
    """``1,3,5-7`` -> [1, 3, 5, 6, 7] for ``plan record``."""
    out: list[int] = []
    try:
        for part in text.split(","):
            first, dash, last = part.strip().partition("-")
            out += list(range(int(first), int(last) + 1)) if dash else [int(first)]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a list of numbers (e.g. 1,3,5-7)"
        ) from None
    return out


def _record(args: argparse.Namespace) -> int:
    from db.recommendations import record_outcome
    from db.session import session_scope

    outcome = args.outcome.replace("-", " ")
    if outcome != "open" and outcome != "fulfilled" and not args.reason:
        raise CliError(
            f"studbook plan record: say why with --reason for '{args.outcome}'", EXIT_USAGE
        )
    with _refusals("plan record"), session_scope(_open(args), write=True) as session:
        recs = record_outcome(
            session, args.version, args.numbers, outcome, args.reason, args.date or date.today()
        )
    for rec in recs:
        _say(f"plan {args.version} #{rec.number} {rec.male} x {rec.female}: {rec.outcome}")
    return EXIT_OK


def add_plan_commands(command: Callable[[str, Callable[[argparse.Namespace], int]], Any]) -> None:
    """Add ``breeding-status`` and ``plan`` to the parser (``command`` makes a sub-parser)."""
    from studbook.recommendations import HOLD_REASONS, OUTCOMES

    p = command("breeding-status", cmd_breeding_status)
    p.add_argument("id", nargs="?", help="studbook id (default: list every hold)")
    change = p.add_mutually_exclusive_group()
    change.add_argument("--not-breeding", action="store_true", help="mark the animal not to breed")
    change.add_argument("--breeding", action="store_true", help="end its holds: may breed again")
    p.add_argument("--kind", choices=HOLD_REASONS, default="other", help="why (default: other)")
    p.add_argument("--reason", default="", help="what the hold is for, in words")
    p.add_argument(
        "--from", dest="start", type=_iso_date, help="first day (default: open; --breeding: today)"
    )
    p.add_argument("--until", type=_iso_date, help="last day of the hold (default: open)")
    _add_format(p, TABLE_FORMATS)

    p = command("plan", cmd_plan)
    actions = p.add_subparsers(dest="plan_action", metavar="ACTION", required=True)
    issue = actions.add_parser(
        "issue", help="store the breeding plan as issued (next version), every pair open"
    )
    _plan_options(issue)
    issue.add_argument("--note", default="", help="a note kept with the plan")
    issue.add_argument("--date", type=_iso_date, help="date of issue (default: today)")
    _analysis_options(issue)
    listed = actions.add_parser("list", help="the issued plans and their fulfilment")
    _add_format(listed, TABLE_FORMATS)
    shown = actions.add_parser("show", help="one issued plan: its pairs and their outcomes")
    shown.add_argument("version", type=int, help="plan number (see 'studbook plan list')")
    _add_format(shown, TABLE_FORMATS)
    record = actions.add_parser("record", help="record what became of recommendations (audited)")
    record.add_argument("version", type=int, help="plan number")
    record.add_argument("numbers", type=_numbers, help="recommendation numbers, e.g. 1,3,5-7")
    record.add_argument(
        "outcome",
        choices=[o.replace(" ", "-") for o in OUTCOMES],
        help="fulfilled (young born), attempted (together, no young), not-attempted, or open",
    )
    record.add_argument("--reason", default="", help="why (needed unless fulfilled or open)")
    record.add_argument("--date", type=_iso_date, help="date recorded (default: today)")
