"""The programme's settings as a form: species profile, age windows, caps, limits, MSI thresholds.

The fields are shown a group at a time (:data:`studbook.settings.SETTING_GROUPS`, one tab
each; page up/down switch), one line per field, the focused field's allowed values under the
group: every group fits a 100×30 terminal without scrolling. Each field is checked by the
core's own parser (:mod:`studbook.settings`) as the person types, a refusal under the field;
Save writes only the fields that changed, through ``db`` (checked again, audited, one
transaction), and refuses if someone else changed one of them since the form was filled. The
analyses are then recomputed with the new settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import DescendantFocus
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, Label, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from db.errors import EditConflictError
from studbook.errors import SettingsError
from studbook.settings import SETTING_GROUPS, SETTINGS, SettingSpec
from tui.messages import RecordSaved, SettingsLoaded
from tui.store import describe_error

if TYPE_CHECKING:
    from tui.app import StudbookApp

__all__ = ["SettingsForm"]


class _SettingValidator(Validator):
    """Textual validation by the core's parser of one setting."""

    def __init__(self, spec: SettingSpec) -> None:
        super().__init__()
        self.spec = spec

    def validate(self, value: str) -> ValidationResult:
        try:
            self.spec.parse(value)
        except SettingsError as exc:
            return self.failure(str(exc))
        return self.success()


class SettingsForm(ModalScreen[RecordSaved | None]):
    """View and edit the programme's settings; dismisses with what was saved (or ``None``)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="settings.cancel"),
        Binding("ctrl+s", "save", "Save", id="settings.save"),
        Binding("pagedown", "group(1)", "Next group", id="settings.next"),
        Binding("pageup", "group(-1)", "Previous group", id="settings.previous"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="form-modal", id="settings")
        self.loaded: dict[str, str] | None = None
        """The values the form was filled with (what a save expects to find unchanged)."""

    @property
    def studbook(self) -> StudbookApp:
        return cast("StudbookApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="form", id="settings-box"):
            yield Label(
                "Programme settings  (page up/down: group · ctrl+s: save · esc: cancel)",
                classes="form-title",
            )
            with TabbedContent(id="setting-groups"):
                for number, (group, keys) in enumerate(SETTING_GROUPS.items()):
                    with TabPane(group, id=f"group-{number}"):
                        for key in keys:
                            with Horizontal(classes="field-row"):
                                yield Label(SETTINGS[key].label, markup=False)
                                yield Input(
                                    id=f"setting-{key}",
                                    validators=[_SettingValidator(SETTINGS[key])],
                                    validate_on=["changed", "submitted"],
                                    disabled=True,
                                )
                            yield Static("", id=f"error-{key}", classes="field-error", markup=False)
            yield Static("", id="setting-help", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary", disabled=True)
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.load_settings()

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        """Under the group: the focused field's key and allowed values."""
        key = (event.widget.id or "").removeprefix("setting-")
        if isinstance(event.widget, Input) and key in SETTINGS:
            self.query_one("#setting-help", Static).update(f"{key}: {SETTINGS[key].help}")

    def action_group(self, step: int) -> None:
        """Show the next (``step`` 1) or previous (-1) group and focus its first field."""
        tabs = self.query_one(TabbedContent)
        number = int((tabs.active or "group-0").removeprefix("group-"))
        number = (number + step) % len(SETTING_GROUPS)
        tabs.active = f"group-{number}"
        first = SETTING_GROUPS[list(SETTING_GROUPS)[number]][0]
        # The pane is shown at the next refresh; a hidden field cannot take the focus.
        self.call_after_refresh(self.query_one(f"#setting-{first}", Input).focus)

    # ----------------------------------------------------------------- values
    def values(self) -> dict[str, str]:
        """What is typed, by key."""
        return {key: self.query_one(f"#setting-{key}", Input).value for key in SETTINGS}

    def changes(self) -> dict[str, str]:
        """The fields that differ from what the form was filled with."""
        loaded = self.loaded or {}
        return {k: v for k, v in self.values().items() if v != loaded.get(k)}

    def field_errors(self) -> dict[str, str]:
        """Fields the core refuses, with the reason."""
        errors: dict[str, str] = {}
        for key, text in self.values().items():
            try:
                SETTINGS[key].parse(text)
            except SettingsError as exc:
                errors[key] = str(exc)
        return errors

    # ----------------------------------------------------------------- workers
    @work(thread=True, exclusive=True, exit_on_error=False, name="read the settings")
    def load_settings(self) -> None:
        self.post_message(SettingsLoaded(self.studbook.require_store().programme_settings()))

    @work(thread=True, exclusive=True, exit_on_error=False, name="save the settings")
    def save_settings(self, changes: dict[str, str], expected: dict[str, str]) -> None:
        self.studbook.require_store().save_programme_settings(changes, expected)
        self.post_message(RecordSaved("settings", []))

    def on_settings_loaded(self, message: SettingsLoaded) -> None:
        self.loaded = message.values
        for key, text in message.values.items():
            field = self.query_one(f"#setting-{key}", Input)
            field.value = text
            field.disabled = False
        self.query_one(f"#setting-{next(iter(SETTINGS))}", Input).focus()
        self.revalidate()

    @on(Input.Changed)
    def revalidate(self) -> None:
        """Each field's reason at once; Save only with something changed and nothing refused."""
        errors = self.field_errors()
        for key in SETTINGS:
            note = self.query_one(f"#error-{key}", Static)
            note.update(f"✗ {errors[key]}" if key in errors else "")
            note.disabled = key not in errors
        ready = self.loaded is not None and not errors and bool(self.changes())
        self.query_one("#save", Button).disabled = not ready

    # ----------------------------------------------------------------- saving
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if self.query_one("#save", Button).disabled or self.loaded is None:
            self.notify("Nothing to save: change a value, correct any refused", severity="warning")
            return
        self.query_one("#save", Button).disabled = True
        self.save_settings(self.changes(), dict(self.loaded))

    def on_record_saved(self, message: RecordSaved) -> None:
        message.stop()
        self.dismiss(message)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        error = event.worker.error
        if isinstance(error, EditConflictError):
            self.studbook.show_error("Someone else changed the settings", str(error))
            self.loaded = None
            self.load_settings()
        else:
            self.studbook.show_error("The settings could not be saved", describe_error(error))
            self.revalidate()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
