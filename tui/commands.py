"""The command palette: namespaced commands (``go to: ...``, ``animal: ...``, ``report: ...``).

Besides fixed commands, typing a studbook id or a house name offers ``animal: open <id>`` for
every matching animal (the index is read from the database when the palette opens).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from studbook.present import printable
from studbook.status import found_by

if TYPE_CHECKING:
    from tui.app import StudbookApp

__all__ = ["StudbookCommands", "animal_needle"]

Command = tuple[str, Callable[[], object], str]

_REPORT_SCREENS = (
    ("population summary", "population", "N, founders, GD, FGE, mean F, Ne", "summary"),
    ("ranked pairings", "pairings", "Every pair of breeding candidates with MSI", "pairings"),
    ("release candidates", "releases", "Candidates ranked by captive GD cost", "releases"),
    ("demography", "demography", "Life tables, lambdas, census history", "demography"),
    ("GD projection", "demography", "Gene diversity observed, then projected", "projection"),
)
"""Reports shown by a screen: (palette name, screen, what it holds, command-line command)."""

_ANIMAL_WORDS = re.compile(r"^\s*(?:(?:animal|open)\b\s*:?\s*)+", re.IGNORECASE)


def animal_needle(query: str) -> str:
    """What to look an animal up by: the query without leading ``animal``, ``animal:`` or
    ``open`` words, case-folded (so ``animal 327`` finds 327 as ``327`` does).

    >>> animal_needle("animal 327"), animal_needle("Animal: open Darla"), animal_needle("animal")
    ('327', 'darla', '')
    """
    return _ANIMAL_WORDS.sub("", query).strip().casefold()


class StudbookCommands(Provider):
    """Commands for the studbook app, depending on the screen the palette was opened from."""

    _animals: list[tuple[str, str]]

    @property
    def studbook(self) -> StudbookApp:
        return cast("StudbookApp", self.app)

    async def startup(self) -> None:
        store = self.studbook.store
        self._animals = [] if store is None else await asyncio.to_thread(store.animal_index)

    def commands(self) -> list[Command]:
        """The fixed commands that make sense on the current screen."""
        app = self.studbook
        if app.store is None:
            return []
        go = [
            ("go to: animals", partial(app.run_action, "go('animals')"), "The table of animals"),
            (
                "go to: population",
                partial(app.run_action, "go('population')"),
                "Summary, founder representation, age-sex pyramid, GD over time",
            ),
            (
                "go to: pairings",
                partial(app.run_action, "go('pairings')"),
                "Ranked pairs and the breeding plan",
            ),
            (
                "go to: releases",
                partial(app.run_action, "go('releases')"),
                "Release candidates and group selection",
            ),
            (
                "go to: demography",
                partial(app.run_action, "go('demography')"),
                "Life tables, three lambdas, census history, GD projection",
            ),
            (
                "go to: plan",
                partial(app.run_action, "go('plan')"),
                "The Breeding and Transfer Plan by institution; export the document",
            ),
            ("go to: help", app.action_help, "Keys and what each screen shows"),
            (
                "settings: programme settings",
                app.action_settings,
                "Species profile, age windows, caps, kinship limit, MSI thresholds",
            ),
        ]
        animal: list[Command] = [
            (
                "animal: record a birth",
                partial(app.open_edit, "birth", None),
                "A new animal with sire, dam or MULT sires",
            ),
        ]
        from tui.screens.animal import AnimalScreen

        screen = self.screen
        if isinstance(screen, AnimalScreen):
            aid = screen.animal_id
            for kind, label, what in (
                ("death", "record the death of", "Date and cause of death"),
                ("transfer", "record a transfer of", "Move to another institution"),
                ("loan", "record a loan of", "On loan to another institution, and back"),
                ("release", "record the release of", "Release to the wild"),
                ("contraception", "record contraception for", "Start or end contraception"),
                ("edit", "edit the record of", "House name, sex, dates, notes"),
            ):
                animal.append((f"animal: {label} {aid}", partial(app.open_edit, kind, aid), what))
        report: list[Command] = []
        export = getattr(screen, "action_export", None)
        if export is not None:
            report.append(
                ("report: export this view", export, "Write what is shown to a report file")
            )
        report += [
            (
                f"report: {name}",
                partial(app.run_action, f"go('{mode}')"),
                f"{what} (as `studbook {command}` prints it)",
            )
            for name, mode, what, command in _REPORT_SCREENS
        ]
        report += [
            (
                "report: breeding plan",
                partial(app.run_action, "show_breeding_plan"),
                "The optimal set of pairs for the living population",
            ),
            (
                "report: recompute genetics",
                app.refresh_genetics,
                "Read the pedigree again and recompute F, MK, GD",
            ),
        ]
        return go + animal + report

    async def discover(self) -> Hits:
        for name, callback, help_text in self.commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
        needle = animal_needle(query)
        if not needle:
            return
        shown = 0
        for animal_id, house_name in self._animals:
            if found_by(needle, animal_id, house_name):
                text = f"animal: open {animal_id}" + (f" ({house_name})" if house_name else "")
                exact = needle in (animal_id.casefold(), house_name.casefold())
                yield Hit(
                    1.0 if exact else 0.6,
                    matcher.highlight(escape(printable(text))),
                    partial(self.studbook.open_animal, animal_id),
                    text=text,
                    help="Show the record, genetics and pedigree",
                )
                shown += 1
                if shown >= 20:
                    return
