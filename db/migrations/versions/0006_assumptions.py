"""Pedigree assumptions kept apart from the record: named sets, assumed values, hypotheticals.

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-30 06:40:00

Written by hand after ``alembic revision --autogenerate``: three new tables, no data to move
(a studbook without sets is analysed on the true record). On PostgreSQL the new tables get the
direct-SQL audit trigger of migration 0003, keyed as its tables are (a child row by its set).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE_KEYS = {
    "assumption_set": "name",
    "assumption": "set_name",
    "hypothetical_animal": "set_name",
}
"""Each new table and the column whose value is the direct-SQL audit row's ``row_key``."""


def upgrade() -> None:
    op.create_table(
        "assumption_set",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("name <> ''", name=op.f("ck_assumption_set_name_text")),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_assumption_set")),
    )
    op.create_table(
        "assumption",
        sa.Column("set_name", sa.String(length=50), nullable=False),
        sa.Column("animal_id", sa.String(length=64), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("true_value", sa.Text(), nullable=False),
        sa.Column("assumed_value", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "field = 'sire' OR field = 'dam' OR field = 'birth_date'",
            name=op.f("ck_assumption_field_code"),
        ),
        sa.ForeignKeyConstraint(
            ["animal_id"],
            ["animal.studbook_id"],
            name=op.f("fk_assumption_animal_id_animal"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_name"],
            ["assumption_set.name"],
            name=op.f("fk_assumption_set_name_assumption_set"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("set_name", "animal_id", "field", name=op.f("pk_assumption")),
    )
    op.create_index("ix_assumption_animal", "assumption", ["animal_id"], unique=False)
    op.create_table(
        "hypothetical_animal",
        sa.Column("set_name", sa.String(length=50), nullable=False),
        sa.Column("animal_id", sa.String(length=64), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "sex = 'M' OR sex = 'F' OR sex = 'U'", name=op.f("ck_hypothetical_animal_sex_code")
        ),
        sa.CheckConstraint("animal_id <> ''", name=op.f("ck_hypothetical_animal_id_text")),
        sa.ForeignKeyConstraint(
            ["set_name"],
            ["assumption_set.name"],
            name=op.f("fk_hypothetical_animal_set_name_assumption_set"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("set_name", "animal_id", name=op.f("pk_hypothetical_animal")),
    )
    if op.get_bind().dialect.name == "postgresql":
        for table, key in TABLE_KEYS.items():
            op.execute(
                f"CREATE TRIGGER audit_direct_sql AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION studbook_audit_direct_sql('{key}')"
            )


def downgrade() -> None:
    op.drop_table("hypothetical_animal")
    op.drop_index("ix_assumption_animal", table_name="assumption")
    op.drop_table("assumption")
    op.drop_table("assumption_set")
