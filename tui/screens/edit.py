"""Edit forms: record a birth, death, transfer, release or contraception, or edit a record.

Each field is parsed by the studbook's own cell parsers as the person types (a refused value
says why under the field); the whole change is then checked against the database in a worker
(parents exist and have the right sex, dates agree, ...). Save is possible only when nothing is
refused; the write goes through ``db`` (validated again, audited, one transaction). An edit
conflict with another user says so and reloads the record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, Label, Static
from textual.worker import Worker, WorkerState, get_current_worker

from db.errors import EditConflictError, InvalidEditError
from studbook.dates import parse_partial_date
from studbook.errors import Problem
from studbook.parents import parse_parent
from studbook.records import parse_birth_type, parse_sex
from tui.messages import BirthPrefilled, EditChecked, EditFormLoaded, RecordSaved
from tui.store import EditValues, describe_error

if TYPE_CHECKING:
    from tui.app import StudbookApp

__all__ = ["EDIT_KINDS", "EditForm", "FieldSpec"]


def _required(text: str) -> None:
    if not text.strip():
        raise ValueError("required")


def _date(text: str) -> None:
    _required(text)
    parse_partial_date(text)


def _optional_date(text: str) -> None:
    if text.strip():
        parse_partial_date(text)


def _parent(text: str) -> None:
    if "|" in text or text.strip():
        parse_parent(text)


def _sex(text: str) -> None:
    parse_sex(text)


def _birth_type(text: str) -> None:
    parse_birth_type(text)


def _any(text: str) -> None:
    return None


@dataclass(frozen=True)
class FieldSpec:
    """One input of a form: ``check`` raises ``ValueError`` with the reason a value is refused."""

    name: str
    label: str
    check: Callable[[str], None] = _any
    placeholder: str = ""


EDIT_KINDS: dict[str, tuple[str, tuple[FieldSpec, ...]]] = {
    "birth": (
        "Record a birth",
        (
            FieldSpec("id", "Studbook id", _required, "e.g. 1234 (never reused)"),
            FieldSpec("litter", "Littermate of", _any, "optional id: fills parents, date, place"),
            FieldSpec("sire", "Sire", _parent, "id, UNK, WILD, or MULT: 12:0.5|15:0.5"),
            FieldSpec("dam", "Dam", _parent, "id, UNK or WILD (fills the institution)"),
            FieldSpec("sex", "Sex", _sex, "M, F or U"),
            FieldSpec("date", "Birth date", _date, "YYYY-MM-DD, YYYY-MM or YYYY"),
            FieldSpec("birth_type", "Birth type", _birth_type, "captive (default), wild, unknown"),
            FieldSpec("institution", "Institution", _required, "mnemonic, e.g. TALLINN"),
            FieldSpec("local_id", "Local id there", _any, "optional"),
            FieldSpec("house_name", "House name", _any, "optional"),
        ),
    ),
    "death": (
        "Record a death",
        (
            FieldSpec("date", "Date of death", _date, "YYYY-MM-DD"),
            FieldSpec("cause", "Cause", _any, "optional cause code or text"),
        ),
    ),
    "transfer": (
        "Record a transfer",
        (
            FieldSpec("date", "Date", _date, "YYYY-MM-DD"),
            FieldSpec("institution", "To institution", _required, "mnemonic"),
            FieldSpec("local_id", "Local id there", _any, "optional"),
        ),
    ),
    "loan": (
        "Record a loan",
        (
            FieldSpec("date", "Date", _date, "YYYY-MM-DD"),
            FieldSpec("institution", "On loan to", _required, "mnemonic"),
            FieldSpec("local_id", "Local id there", _any, "optional"),
            FieldSpec("end", "Return date", _optional_date, "empty while on loan"),
        ),
    ),
    "release": (
        "Record a release to the wild",
        (
            FieldSpec("date", "Date", _date, "YYYY-MM-DD"),
            FieldSpec("notes", "Where / notes", _any, "optional"),
        ),
    ),
    "contraception": (
        "Record contraception",
        (
            FieldSpec("date", "Start", _date, "YYYY-MM-DD"),
            FieldSpec("end", "End", _optional_date, "empty while it lasts"),
            FieldSpec("method", "Method", _any, "e.g. deslorelin implant"),
        ),
    ),
    "edit": (
        "Edit the record",
        (
            FieldSpec("house_name", "House name", _any),
            FieldSpec("sex", "Sex", _sex, "M, F or U"),
            FieldSpec("birth_date", "Birth date", _optional_date, "YYYY-MM-DD, YYYY-MM or YYYY"),
            FieldSpec("notes", "Notes", _any),
        ),
    ),
}


_FIELD_OF = {"location": "institution", "birth_date": "date", "death_date": "date"}
"""Record fields named by the database's checks -> the form field where the value was typed."""


class _CellValidator(Validator):
    """Adapts a field check (raising ``ValueError``) to Textual's validation."""

    def __init__(self, check: Callable[[str], None]) -> None:
        super().__init__()
        self.check = check

    def validate(self, value: str) -> ValidationResult:
        try:
            self.check(value)
        except ValueError as exc:
            return self.failure(str(exc))
        return self.success()


class EditForm(ModalScreen[RecordSaved | None]):
    """A form for one kind of edit (see :data:`EDIT_KINDS`); dismisses with what was saved."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="edit.cancel"),
        Binding("ctrl+s", "save", "Save", id="edit.save"),
    ]

    def __init__(self, kind: str, animal_id: str | None) -> None:
        if kind not in EDIT_KINDS:
            raise ValueError(f"unknown edit {kind!r}")
        if kind != "birth" and animal_id is None:
            raise ValueError(f"{kind} needs an animal")
        super().__init__(classes="form-modal", id=f"edit-{kind}")
        self.kind = kind
        self.animal_id = animal_id
        self.title_text, self.fields = EDIT_KINDS[kind]
        self.version: int | None = None
        self.problems: tuple[Problem, ...] = ()
        self.checked: EditValues | None = None
        self.filled: dict[str, str] = {}
        """Values the form filled in itself (a birth's institution, say); typed ones are kept."""

    @property
    def studbook(self) -> StudbookApp:
        return cast("StudbookApp", self.app)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form"):
            what = f" of {self.animal_id}" if self.animal_id else ""
            yield Label(self.title_text + what, classes="form-title")
            for spec in self.fields:
                # Label beside a one-line input: a ten-field birth form fits 100×30.
                with Horizontal(classes="field-row"):
                    yield Label(spec.label)
                    yield Input(
                        placeholder=spec.placeholder,
                        id=f"field-{spec.name}",
                        validators=[_CellValidator(spec.check)],
                        validate_on=["changed", "submitted"],
                    )
                yield Static("", id=f"error-{spec.name}", classes="field-error", markup=False)
            yield Static("", id="form-problems", markup=False)
            yield Static("", id="form-warnings", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary", disabled=True)
                # Not in the tab order: with Save disabled, tab then enter would close the
                # form without a word. Escape cancels.
                cancel = Button("Cancel (esc)", id="cancel")
                cancel.can_focus = False
                yield cancel

    def on_mount(self) -> None:
        self.load_form()

    # ----------------------------------------------------------------- values
    def values(self) -> EditValues:
        """What is typed, by field name."""
        return EditValues(
            self.kind,
            self.animal_id,
            tuple(
                (spec.name, self.query_one(f"#field-{spec.name}", Input).value)
                for spec in self.fields
            ),
            self.version,
        )

    def field_errors(self) -> dict[str, str]:
        """Fields whose text the cell parsers refuse, with the reason."""
        errors: dict[str, str] = {}
        for spec in self.fields:
            try:
                spec.check(self.query_one(f"#field-{spec.name}", Input).value)
            except ValueError as exc:
                errors[spec.name] = str(exc)
        return errors

    # ----------------------------------------------------------------- workers
    @work(
        thread=True, exclusive=True, exit_on_error=False, group="edit-load", name="read the record"
    )
    def load_form(self) -> None:
        initial = self.studbook.require_store().edit_defaults(self.kind, self.animal_id)
        self.post_message(EditFormLoaded(initial))

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="edit-check",
        name="check the change",
    )
    def check_values(self, values: EditValues) -> None:
        problems = self.studbook.require_store().check_edit(values)
        if not get_current_worker().is_cancelled:
            self.post_message(EditChecked(values, tuple(problems)))

    @work(
        thread=True, exclusive=True, exit_on_error=False, group="edit-save", name="save the change"
    )
    def save_values(self, values: EditValues) -> None:
        ids = self.studbook.require_store().apply_edit(values)
        self.post_message(RecordSaved(self.kind, ids))

    @work(thread=True, exclusive=True, exit_on_error=False, group="edit-fill", name="fill in")
    def prefill(self, dam: str, littermate: str, born: str) -> None:
        found = self.studbook.require_store().birth_prefill(dam, littermate, born)
        if not get_current_worker().is_cancelled:
            self.post_message(BirthPrefilled(found))

    def on_birth_prefilled(self, message: BirthPrefilled) -> None:
        for name, value in message.fields.items():
            field = self.query_one(f"#field-{name}", Input)
            if field.value in ("", self.filled.get(name)) and value:
                self.filled[name] = value
                field.value = value

    @on(Input.Changed, "#field-dam, #field-litter, #field-date")
    def birth_inputs_changed(self) -> None:
        if self.kind == "birth":
            get = self.values().get
            self.prefill(get("dam"), get("litter"), get("date"))

    @on(Input.Submitted)
    def submitted(self) -> None:
        """Enter in a field saves when the form can be saved, else says why not."""
        self.action_save()

    def on_edit_form_loaded(self, message: EditFormLoaded) -> None:
        self.version = message.values.version
        for name, value in message.values.fields:
            field = self.query_one(f"#field-{name}", Input)
            if not field.value:
                field.value = value
        self.query_one(Input).focus()
        self.revalidate()

    # ----------------------------------------------------------------- validation
    @on(Input.Changed)
    def revalidate(self) -> None:
        """Per-field reasons at once; the database rules in a worker."""
        errors = self.field_errors()
        for spec in self.fields:
            note = self.query_one(f"#error-{spec.name}", Static)
            note.update(f"✗ {errors[spec.name]}" if spec.name in errors else "")
            note.disabled = spec.name not in errors
        self.query_one("#save", Button).disabled = True
        self.checked = None
        if errors:
            self.query_one("#form-problems", Static).update("")
            return
        self.check_values(self.values())

    def on_edit_checked(self, message: EditChecked) -> None:
        if message.values != self.values():
            return  # typed on since
        self.show_problems(message.problems)
        self.checked = message.values
        errors = [p for p in message.problems if p.severity == "error"]
        self.query_one("#save", Button).disabled = bool(errors)

    def field_of(self, problem: Problem) -> str | None:
        """The form field a problem is about (``location`` is the institution typed), if any."""
        names = {spec.name for spec in self.fields}
        name = problem.field
        name = name if name in names else _FIELD_OF.get(name, "")
        return name if name in names else None

    def show_problems(self, problems: tuple[Problem, ...]) -> None:
        """Each refused value under its field; the rest (and warnings) below the form."""
        self.problems = problems
        by_field: dict[str, list[str]] = {}
        errors = []
        for p in problems:
            if p.severity != "error":
                continue
            field = self.field_of(p)
            if field is None:
                errors.append(f"✗ {p.field}: {p.message}")
            else:
                by_field.setdefault(field, []).append(f"✗ {p.message}")
        typed = self.field_errors()
        for spec in self.fields:
            if spec.name in typed:
                continue  # the parser's reason is shown already
            note = self.query_one(f"#error-{spec.name}", Static)
            note.update("\n".join(by_field.get(spec.name, [])))
            note.disabled = spec.name not in by_field
        warnings = [f"! {p.field}: {p.message}" for p in problems if p.severity == "warning"]
        self.query_one("#form-problems", Static).update("\n".join(errors))
        self.query_one("#form-warnings", Static).update("\n".join(warnings))

    # ----------------------------------------------------------------- saving
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if self.query_one("#save", Button).disabled or self.checked is None:
            self.notify("Nothing to save until every value is accepted", severity="warning")
            return
        self.query_one("#save", Button).disabled = True
        self.save_values(self.checked)

    def on_record_saved(self, message: RecordSaved) -> None:
        message.stop()
        self.dismiss(message)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        error = event.worker.error
        if isinstance(error, EditConflictError):
            self.studbook.show_error("Someone else changed this record", str(error))
            self.version = None
            self.load_form()
        elif isinstance(error, InvalidEditError):
            self.show_problems(error.problems)
        else:
            self.studbook.show_error("The change could not be saved", describe_error(error))
            self.revalidate()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
