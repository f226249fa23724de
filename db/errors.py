"""Errors raised by the database layer, in the :class:`~studbook.errors.StudbookError` family."""

from __future__ import annotations

from collections.abc import Sequence

from studbook.errors import Problem, StudbookError

__all__ = [
    "DatabaseSchemaError",
    "EditConflictError",
    "ExportTargetError",
    "InvalidEditError",
    "RecordNotFoundError",
]


class EditConflictError(StudbookError):
    """Someone else changed the record since it was read; nothing of this edit was written.

    ``table`` and ``key`` name the record when known. Reload it and apply the change again.
    """

    def __init__(self, table: str = "", key: str = "", detail: str = "") -> None:
        self.table = table
        self.key = key
        what = f"{table} {key!r}" if table else "a record"
        extra = f" ({detail})" if detail else ""
        super().__init__(
            f"{what} was changed by someone else since you loaded it{extra}; "
            "nothing was written: reload it and make your change again"
        )

    @classmethod
    def from_stale(cls, exc: Exception) -> EditConflictError:
        """Wrap SQLAlchemy's ``StaleDataError`` (raised when a version check fails at flush)."""
        return cls(detail=str(exc).split("\n")[0])


class InvalidEditError(StudbookError):
    """An edit broke a studbook rule; ``problems`` lists every reason. Nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        shown = "\n".join(f"  {p}" for p in errors)
        super().__init__(f"the change was refused ({len(errors)} error(s)):\n{shown}")


class RecordNotFoundError(StudbookError, KeyError):
    """No animal or institution with that id is in the database."""

    def __init__(self, table: str, key: str) -> None:
        self.table = table
        self.key = key
        super().__init__(f"no {table} {key!r} in the studbook")

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return str(self.args[0])


class DatabaseSchemaError(StudbookError):
    """The database has not been created, or its schema is older or newer than this program."""


class ExportTargetError(StudbookError):
    """An export was asked to write onto the studbook database itself; nothing was written."""

    def __init__(self, target: str, database: str) -> None:
        self.target = target
        self.database = database
        super().__init__(
            f"refusing to export to {target}: that is the studbook database ({database}); "
            "choose another file name"
        )
