"""The help screen: what each screen shows and every key, read from the live bindings."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown, Static

from tui.screens.base import WIDE_FROM

__all__ = ["HelpScreen", "help_text"]

_ABOUT = f"""\
# studbook

The coordinator's view of the studbook. Every figure is computed by the `studbook` genetics
engine from the pedigree in the database; nothing here is typed in twice.

- **Animals** (F2): every animal; filter by living, sex, institution and region; type to
  search by id or house name; sort by any column (click its header, or press the digit shown
  in it; again for the other way); MK, % known, and at {WIDE_FROM}+ columns region, status and
  offspring; enter opens the animal; n birth, t transfer, L loan, d death.
- **Animal**: the record, parents (MULT with probabilities), offspring and siblings, mates
  and litters, the location history, genetics, the pedigree and descendants trees; enter on a
  relative jumps to it; `k` asks how it is related to another animal; `x` exports its
  pedigree chart (SVG) to the exports folder (~/Documents/studbook).
- **Population** (F3): N by sex, founders, GD, FGE, mean F, % known, Ne; founder
  representation ("(hyp.)": a hypothetical parent); age-sex pyramid; gene diversity at each
  year's census (g: chart or year-by-year values).
- **Pairings** (F4): ranked pairs (MSI, delta GD, kinship, MK); filters; one animal's mates;
  the breeding plan (p; g switches optimal and greedy; c sets this plan's number of pairs,
  who breeds, kinship limit and region penalty, as breeding-plan's options do); export what
  is shown. ⊘ marks a pair with a mate on contraception.
- **Releases** (F5): ranked release candidates; choose a group and see its GD, its founders
  and what the captive population loses.
- **Settings** (F6): the programme's settings (species profile and age windows, founder flags
  and their cap, kinship limit, MSI thresholds, region penalty, target size), checked as typed;
  every analysis uses them. One group at a time (page up/down), so each fits 100×30.
- **Demography** (F7): over the demographic window (a setting), life tables by sex, the
  life-table, 5-year census and projected lambdas, T, life expectancy, Ne, the census history
  and gene diversity observed then projected by drift; `s` adds the simulation band.
- **Plan** (F8): the Breeding and Transfer Plan by institution: every living animal with its
  disposition (breed with, send to, receive from, do not breed, hold). `e` changes the
  highlighted animal's disposition (a mate from the ranked list, a reason, an institution);
  the exact next-generation GD, mean offspring F and moves update below; a change the plan's
  rules forbid is refused and says why. `u` undoes the last change, `s` saves the plan as
  issued (the next version, as `studbook plan issue`), `x` exports the whole document (HTML
  to print, Markdown, or CSV for spreadsheets) with the changes.
- **Assumptions** (F9): named sets of pedigree assumptions (hypothetical sires, resolved MULTs,
  estimated dates) kept apart from the record; switch the set the analyses use.

MK is mean kinship (kinship, not relationship); GD is gene diversity, 1 - mean kinship.
Animals with little known ancestry look more valuable than they are: read % known beside MK.

Press **ctrl+p** for the command palette: `animal: ...`, `report: ...`, `go to: ...`,
`settings: ...`.
"""


def help_text(screen: Screen[object]) -> str:
    """Markdown listing every key active on ``screen`` (its own, its widgets' and the app's)."""
    rows: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for _key, active in screen.active_bindings.items():
        binding: Binding = active.binding
        if not binding.description:
            continue
        key = binding.key_display or screen.app.get_key_display(binding)
        if (key, binding.description) in seen:
            continue
        seen.add((key, binding.description))
        rows.append((key, binding.description))
    lines = ["## Keys on this screen", "", "| Key | Does |", "|---|---|"]
    lines += [f"| `{key}` | {what} |" for key, what in rows]
    return _ABOUT + "\n" + "\n".join(lines) + "\n"


class HelpScreen(ModalScreen[None]):
    """Help for the screen it was opened from."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,f1", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(self, text: str) -> None:
        super().__init__(id="help")
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static("Help  (escape closes)", id="help-title")
            with VerticalScroll():
                yield Markdown(self.text, id="help-text")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss()
