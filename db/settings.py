"""The programme's settings in the studbook database: load, change, import.

The settings live in the ``programme_setting`` table as key -> text (see
:class:`db.models.ProgrammeSetting` for why); :mod:`studbook.settings` parses and checks every
value, here and everywhere else. Changes go through the ORM, so the audit log records each one
(``insert`` for a first value, ``update`` with the old and new text). A studbook file's settings
come from its ``<studbook>_settings.csv`` companion (``db.importer.companion_file(path,
"settings")``), read by :func:`studbook.settings.read_settings`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from db.errors import EditConflictError
from db.tables import PROGRAMME_SETTING, Reader
from studbook.errors import SettingsError
from studbook.settings import SETTINGS, ProgrammeSettings, read_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = [
    "import_settings",
    "load_settings",
    "save_settings",
    "stored_settings",
]


def stored_settings(session: Reader) -> dict[str, str]:
    """The settings rows as stored: key -> text (settings not stored keep their defaults)."""
    rows = session.execute(select(PROGRAMME_SETTING.c.key, PROGRAMME_SETTING.c.value))
    return {key: value for key, value in rows}


def load_settings(session: Reader) -> ProgrammeSettings:
    """The programme's settings; raises :class:`~studbook.errors.SettingsError` naming the key
    of a stored value this version cannot read."""
    return ProgrammeSettings.from_text(stored_settings(session))


def save_settings(
    session: Session,
    values: Mapping[str, str],
    *,
    expected: Mapping[str, str] | None = None,
) -> ProgrammeSettings:
    """Set the settings in ``values`` (key -> text), checked by the core; returns the settings
    now in force. Values are stored in canonical text, even when equal to the default (the
    programme chose them); only rows that change are written (and audited).

    ``expected`` (key -> text, e.g. what a form showed) guards against a lost update: if another
    session changed one of the keys being set since, :class:`~db.errors.EditConflictError` is
    raised and nothing is written. Raises :class:`~studbook.errors.SettingsError` (naming the
    key and the allowed values) for a value out of range.
    """
    from db.models import AssumptionSetRow, ProgrammeSetting

    stored = stored_settings(session)
    before = ProgrammeSettings.from_text(stored)
    after = before.with_texts(values.items())
    changed = {key.strip() for key in values if stored.get(key.strip()) != after.text(key)}
    wanted = after.assumption_set
    if "assumption_set" in changed and wanted and session.get(AssumptionSetRow, wanted) is None:
        sets = ", ".join(session.scalars(select(AssumptionSetRow.name).order_by("name")))
        raise SettingsError(
            "assumption_set",
            f"there is no assumption set {wanted!r} (the sets: {sets or 'none stored'}); "
            + SETTINGS["assumption_set"].help,
        )
    if expected is not None:
        moved = sorted(k for k in changed if k in expected and expected[k] != before.text(k))
        if moved:
            raise EditConflictError("setting", ", ".join(moved))
    for key in sorted(changed):
        row = session.get(ProgrammeSetting, key)
        if row is None:
            session.add(ProgrammeSetting(key=key, value=after.text(key)))
        else:
            row.value = after.text(key)
    session.flush()
    return after


def import_settings(session: Session, path: str | Path) -> dict[str, str]:
    """Read a settings file (every line checked first) and set what it sets; returns the
    key -> text it set. Raises :class:`~studbook.errors.ImportValidationError` listing every
    bad line; nothing is written then."""
    values = read_settings(path)
    save_settings(session, values)
    return values
