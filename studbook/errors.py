"""The studbook exception family.

Every error the package raises on purpose derives from :class:`StudbookError` and carries a
message a studbook keeper can act on: which file, which line, which field, which animals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from studbook.present import counted

__all__ = [
    "ImportValidationError",
    "PedigreeCycleError",
    "PedigreeError",
    "Problem",
    "SettingsError",
    "StudbookError",
    "UnknownAnimalError",
]

Severity = Literal["error", "warning"]


class StudbookError(Exception):
    """Base of every error raised by studbook on purpose."""


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about one input record: where it is and what is wrong with it.

    ``line`` is the 1-based line number in ``file`` (the header is line 1); ``None`` when the
    record did not come from a file.
    """

    file: str
    line: int | None
    field: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.severity}: field '{self.field}': {self.message}"


class ImportValidationError(StudbookError):
    """Input was rejected; ``problems`` lists every error found (not just the first).

    ``outcome`` says what the rejection means for the caller (an import adds "nothing was
    written"); a plain read leaves it empty.
    """

    def __init__(self, problems: Sequence[Problem], outcome: str = "") -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        shown = "\n".join(f"  {p}" for p in errors[:50])
        more = f"\n  ... and {len(errors) - 50} more" if len(errors) > 50 else ""
        said = f"; {outcome}" if outcome else ""
        super().__init__(f"{counted(len(errors), 'error')}{said}:\n{shown}{more}")


class PedigreeError(StudbookError):
    """The pedigree is structurally impossible (a loop, a parent missing from the records)."""


class PedigreeCycleError(PedigreeError):
    """An animal is its own ancestor; ``cycle`` lists the ids around the loop."""

    def __init__(self, cycle: Sequence[str]) -> None:
        self.cycle: tuple[str, ...] = tuple(cycle)
        loop = " -> ".join([*self.cycle, self.cycle[0]]) if self.cycle else "?"
        super().__init__(f"pedigree loop: an animal is its own ancestor ({loop}, child -> parent)")


class UnknownAnimalError(StudbookError, KeyError):
    """Ids asked for that are not in the pedigree."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.ids: tuple[str, ...] = tuple(ids)
        shown = ", ".join(repr(i) for i in self.ids[:20])
        more = f" and {len(self.ids) - 20} more" if len(self.ids) > 20 else ""
        super().__init__(f"not in the pedigree: {shown}{more}")

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return str(self.args[0])


class SettingsError(StudbookError, ValueError):
    """A programme setting was given a value it cannot take; ``key`` names the setting and the
    message the allowed values."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(f"setting {key!r}: {message}")
