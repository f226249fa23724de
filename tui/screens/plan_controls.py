"""The breeding plan's controls in the pairings screen's plan view: the number of pairs, how
the plan chooses who breeds, and this plan's kinship limit and between-region penalty (the
same choices as ``studbook breeding-plan --pairs --objective --kinship-limit
--region-penalty``).

Blank fields mean the programme's own: the goals' number of pairs and the stored settings.
The number of pairs is checked by the core's rule (:func:`studbook.plan_size.asked_pairs`),
each setting by the settings' own rules (:data:`studbook.settings.SETTINGS`) before
the form closes, so a refused value names what is allowed and changes nothing.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from studbook.defaults import PLAN_OBJECTIVES, PlanObjective
from studbook.plan_size import asked_pairs
from studbook.settings import SETTINGS
from tui.engine import PLAN_OVERRIDES, PlanControls
from tui.text import plain

__all__ = ["PlanControlsModal", "checked_controls"]


def checked_controls(pairs: str, objective: PlanObjective, values: dict[str, str]) -> PlanControls:
    """The controls the form's texts give; raises :class:`ValueError` naming the field (a
    :class:`~studbook.plan_size.PairCountError` for the pairs, the command line's ``--pairs``
    rule; a :class:`~studbook.errors.SettingsError` for a setting)."""
    count = asked_pairs(pairs)
    overrides = []
    for key in PLAN_OVERRIDES:
        text = values.get(key, "").strip()
        if text:
            spec = SETTINGS[key]
            overrides.append((key, spec.format(spec.parse(text))))
    return PlanControls(count, objective, tuple(overrides))


class PlanControlsModal(ModalScreen[PlanControls | None]):
    """Returns the controls asked for, or ``None`` when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="plan-controls.cancel"),
    ]

    def __init__(self, now: PlanControls) -> None:
        super().__init__(classes="form-modal")
        self.now = now

    def compose(self) -> ComposeResult:
        given = dict(self.now.overrides)
        with Vertical(classes="form", id="plan-controls"):
            yield Label("Breeding plan for this view", classes="form-title")
            with Horizontal(classes="field-row"):
                yield Label("Pairs")
                pairs = "" if self.now.pairs is None else str(self.now.pairs)
                yield Input(pairs, id="pairs", placeholder="blank: as many as the goals need")
            with Horizontal(classes="field-row"):
                yield Label("Who breeds")
                yield Select(
                    [(o, o) for o in PLAN_OBJECTIVES],
                    value=self.now.objective,
                    allow_blank=False,
                    id="objective",
                )
            for key, label in zip(PLAN_OVERRIDES, ("Kinship limit", "Region penalty"), strict=True):
                with Horizontal(classes="field-row"):
                    yield Label(label)
                    yield Input(
                        given.get(key, ""),
                        id=key.replace("_", "-"),
                        placeholder=f"blank: the setting {key}",
                    )
            yield Label("", id="plan-controls-problem", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button("Apply", id="apply", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#apply")
    @on(Input.Submitted)
    def apply(self) -> None:
        values = {k: self.query_one(f"#{k.replace('_', '-')}", Input).value for k in PLAN_OVERRIDES}
        picked = self.query_one("#objective", Select).value
        objective = next((o for o in PLAN_OBJECTIVES if o == picked), PLAN_OBJECTIVES[0])
        try:
            controls = checked_controls(self.query_one("#pairs", Input).value, objective, values)
        except ValueError as error:
            self.query_one("#plan-controls-problem", Label).update(plain(str(error)))
            return
        self.dismiss(controls)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
