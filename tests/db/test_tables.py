"""The Core clauses the read path selects with (db.tables) agree with the models (db.models)."""

from __future__ import annotations

import pytest
from sqlalchemy import Table
from sqlalchemy.sql import TableClause

from db import tables
from db.models import Base

CLAUSES = [getattr(tables, name) for name in tables.__all__ if name != "Reader"]


def shape(clause: TableClause | Table) -> dict[str, type]:
    """Column name -> SQLAlchemy type class (String(9) and String are both String)."""
    return {c.name: type(c.type) for c in clause.columns}


class TestClausesMatchTheModels:
    """Each clause names a table of the models with exactly its columns and their types."""

    @pytest.mark.parametrize("clause", CLAUSES, ids=lambda c: c.name)
    def test_same_columns_and_types(self, clause: TableClause) -> None:
        """Same names and type classes: a column added, renamed or retyped in the models fails
        here until the clause follows."""
        assert shape(clause) == shape(Base.metadata.tables[clause.name])

    def test_every_table_the_records_come_from_is_covered(self) -> None:
        """The tables the studbook's records are read from all have a clause."""
        covered = {c.name for c in CLAUSES}
        assert covered == set(Base.metadata.tables) - {"audit_log"}
