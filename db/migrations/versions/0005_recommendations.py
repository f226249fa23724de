"""Breeding holds, issued breeding plans and the outcome of each recommendation (issue #13).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 06:45:00

Written by hand. Three new tables: ``breeding_hold`` (an animal marked not to breed, why, from
and until), ``plan_issue`` (a plan as issued: version, date, author, settings and headline
figures as JSON) and ``plan_recommendation`` (its pairs, the move each implies and what became
of it). On PostgreSQL the direct-SQL audit trigger of migration 0003 covers them too.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE_KEYS = {
    "breeding_hold": "animal_id",
    "plan_issue": "version",
    "plan_recommendation": "plan_version",
}
"""The audited tables and the column giving the audit row's ``row_key``."""


def upgrade() -> None:
    op.create_table(
        "breeding_hold",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("animal_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "kind = 'health' OR kind = 'behaviour' OR kind = 'age' OR kind = 'contraception' "
            "OR kind = 'other'",
            name=op.f("ck_breeding_hold_kind_code"),
        ),
        sa.CheckConstraint(
            "start_date IS NULL OR end_date IS NULL OR end_date >= start_date",
            name=op.f("ck_breeding_hold_ends_after_start"),
        ),
        sa.ForeignKeyConstraint(
            ["animal_id"],
            ["animal.studbook_id"],
            name=op.f("fk_breeding_hold_animal_id_animal"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breeding_hold")),
    )
    with op.batch_alter_table("breeding_hold") as batch:
        batch.create_index(batch.f("ix_breeding_hold_animal_id"), ["animal_id"], unique=False)
    op.create_table(
        "plan_issue",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_by", sa.String(length=100), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_plan_issue_version_positive")),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_plan_issue")),
    )
    op.create_table(
        "plan_recommendation",
        sa.Column("plan_version", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("male_id", sa.String(length=64), nullable=False),
        sa.Column("female_id", sa.String(length=64), nullable=False),
        sa.Column("moving", sa.String(length=64), nullable=False),
        sa.Column("move_from", sa.String(length=9), nullable=False),
        sa.Column("move_to", sa.String(length=9), nullable=False),
        sa.Column("outcome", sa.String(length=13), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "outcome = 'open' OR outcome = 'fulfilled' OR outcome = 'attempted' "
            "OR outcome = 'not attempted'",
            name=op.f("ck_plan_recommendation_outcome_code"),
        ),
        sa.CheckConstraint(
            "moving = '' OR moving = male_id OR moving = female_id",
            name=op.f("ck_plan_recommendation_mover"),
        ),
        sa.CheckConstraint("male_id <> female_id", name=op.f("ck_plan_recommendation_two_animals")),
        sa.ForeignKeyConstraint(
            ["plan_version"],
            ["plan_issue.version"],
            name=op.f("fk_plan_recommendation_plan_version_plan_issue"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["male_id"],
            ["animal.studbook_id"],
            name=op.f("fk_plan_recommendation_male_id_animal"),
            onupdate="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["female_id"],
            ["animal.studbook_id"],
            name=op.f("fk_plan_recommendation_female_id_animal"),
            onupdate="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_version", "number", name=op.f("pk_plan_recommendation")),
    )
    with op.batch_alter_table("plan_recommendation") as batch:
        batch.create_index(batch.f("ix_plan_recommendation_male_id"), ["male_id"], unique=False)
        batch.create_index(batch.f("ix_plan_recommendation_female_id"), ["female_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        for table, key in TABLE_KEYS.items():
            op.execute(
                f"CREATE TRIGGER audit_direct_sql AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION studbook_audit_direct_sql('{key}')"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLE_KEYS:
            op.execute(f"DROP TRIGGER audit_direct_sql ON {table}")
    op.drop_table("plan_recommendation")
    op.drop_table("plan_issue")
    op.drop_table("breeding_hold")
