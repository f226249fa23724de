"""The check that a bad pedigree file is refused alike by every reader of the CSV format."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from db.importer import check_studbook, import_studbook
from db.session import session_scope
from studbook import read_pedigree
from studbook.errors import ImportValidationError, Problem


def errors(problems: tuple[Problem, ...] | list[Problem]) -> list[str]:
    """The error messages among ``problems``, as printed."""
    return [str(p) for p in problems if p.severity == "error"]


def refused_alike(
    factory: sessionmaker[Session], plain: Path, quoted: Path, line: int, field: str, words: str
) -> tuple[ImportValidationError, ImportValidationError]:
    """Assert that ``read_pedigree`` (on ``plain``: the byte path; on ``quoted``, the same rows
    quoted: the csv-module path), ``validate`` and ``import`` refuse with the same errors, the
    first naming ``plain:line`` and ``field`` and containing ``words``; returns the errors of
    ``read_pedigree`` and of the import."""
    with pytest.raises(ImportValidationError) as read:
        read_pedigree(plain)
    with pytest.raises(ImportValidationError) as read_quoted:
        read_pedigree(quoted)
    validated = check_studbook(None, plain).problems
    with pytest.raises(ImportValidationError) as imported, session_scope(factory) as session:
        import_studbook(session, plain)
    expected = errors(read.value.problems)
    assert expected == errors(validated) == errors(imported.value.problems)
    assert [e.replace(str(quoted), str(plain)) for e in errors(read_quoted.value.problems)] == (
        expected
    )
    assert f"{plain}:{line}: error: field '{field}': " in str(read.value)
    assert words in str(read.value)
    return read.value, imported.value
