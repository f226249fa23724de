"""Programme settings: species profile, caps, limits and MSI thresholds as key/value rows.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 03:45:00

Written by hand after ``alembic revision --autogenerate``: one table, no data to move (a
studbook without settings rows is analysed with the core's defaults: no age limits).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "programme_setting",
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.CheckConstraint("key <> ''", name=op.f("ck_programme_setting_key_text")),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_programme_setting")),
    )


def downgrade() -> None:
    op.drop_table("programme_setting")
