"""The audit log names the program and version that made each change.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 05:45:00

Written by hand: one nullable column; rows logged before it (and rows the PostgreSQL triggers
log for plain SQL) have none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("software", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("software")
