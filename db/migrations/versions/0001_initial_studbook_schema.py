"""Initial studbook schema: institutions, animals with parentage, events, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 04:24:06.792271
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("who", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=6), nullable=False),
        sa.Column("table_name", sa.String(length=50), nullable=False),
        sa.Column("row_key", sa.String(length=200), nullable=False),
        sa.Column("field", sa.String(length=50), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "action = 'insert' OR action = 'update' OR action = 'delete' OR action = 'import'",
            name=op.f("ck_audit_log_action_code"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_row", ["table_name", "row_key"], unique=False)

    op.create_table(
        "extra_column",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_extra_column")),
        sa.UniqueConstraint("position", name=op.f("uq_extra_column_position")),
    )
    op.create_table(
        "institution",
        sa.Column("mnemonic", sa.String(length=9), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=100), nullable=False),
        sa.Column("region", sa.String(length=50), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "length(mnemonic) BETWEEN 1 AND 9", name=op.f("ck_institution_mnemonic_length")
        ),
        sa.PrimaryKeyConstraint("mnemonic", name=op.f("pk_institution")),
    )
    op.create_table(
        "animal",
        sa.Column("studbook_id", sa.String(length=64), nullable=False),
        sa.Column("entry_order", sa.Integer(), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("birth_precision", sa.String(length=7), nullable=False),
        sa.Column("birth_type", sa.String(length=7), nullable=False),
        sa.Column("death_date", sa.Date(), nullable=True),
        sa.Column("death_precision", sa.String(length=7), nullable=False),
        sa.Column("alive", sa.Boolean(), nullable=True),
        sa.Column("location_id", sa.String(length=9), nullable=True),
        sa.Column("house_name", sa.String(length=100), nullable=False),
        sa.Column("hypothetical", sa.Boolean(), nullable=False),
        sa.Column("founder", sa.Boolean(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("sire_kind", sa.String(length=7), nullable=False),
        sa.Column("sire_id", sa.String(length=64), nullable=True),
        sa.Column("dam_kind", sa.String(length=7), nullable=False),
        sa.Column("dam_id", sa.String(length=64), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(dam_kind = 'known') = (dam_id IS NOT NULL)", name=op.f("ck_animal_dam_id_iff_known")
        ),
        sa.CheckConstraint(
            "(sire_kind = 'known') = (sire_id IS NOT NULL)",
            name=op.f("ck_animal_sire_id_iff_known"),
        ),
        sa.CheckConstraint(
            "birth_date IS NOT NULL OR birth_precision = 'unknown'",
            name=op.f("ck_animal_birth_precision_without_date"),
        ),
        sa.CheckConstraint(
            "birth_precision = 'exact' OR birth_precision = 'month' OR birth_precision = 'year' "
            "OR birth_precision = 'unknown'",
            name=op.f("ck_animal_birth_precision_code"),
        ),
        sa.CheckConstraint(
            "birth_type = 'captive' OR birth_type = 'wild' OR birth_type = 'unknown'",
            name=op.f("ck_animal_birth_type_code"),
        ),
        sa.CheckConstraint(
            "dam_kind = 'known' OR dam_kind = 'unknown' OR dam_kind = 'wild' OR dam_kind = 'mult'",
            name=op.f("ck_animal_dam_kind_code"),
        ),
        sa.CheckConstraint(
            "death_date IS NOT NULL OR death_precision = 'unknown'",
            name=op.f("ck_animal_death_precision_without_date"),
        ),
        sa.CheckConstraint(
            "death_date IS NULL OR birth_date IS NULL OR death_precision <> 'exact' "
            "OR death_date >= birth_date",
            name=op.f("ck_animal_death_not_before_birth"),
        ),
        sa.CheckConstraint(
            "death_precision = 'exact' OR death_precision = 'month' OR death_precision = 'year' "
            "OR death_precision = 'unknown'",
            name=op.f("ck_animal_death_precision_code"),
        ),
        sa.CheckConstraint("sex = 'M' OR sex = 'F' OR sex = 'U'", name=op.f("ck_animal_sex_code")),
        sa.CheckConstraint(
            "sire_kind = 'known' OR sire_kind = 'unknown' OR sire_kind = 'wild' "
            "OR sire_kind = 'mult'",
            name=op.f("ck_animal_sire_kind_code"),
        ),
        sa.CheckConstraint(
            "studbook_id <> '' AND studbook_id NOT LIKE '%|%'",
            name=op.f("ck_animal_studbook_id_text"),
        ),
        sa.CheckConstraint(
            "(sire_id IS NULL OR sire_id <> studbook_id) "
            "AND (dam_id IS NULL OR dam_id <> studbook_id)",
            name=op.f("ck_animal_not_own_parent"),
        ),
        sa.CheckConstraint(
            "sire_id IS NULL OR dam_id IS NULL OR sire_id <> dam_id",
            name=op.f("ck_animal_sire_is_not_dam"),
        ),
        sa.ForeignKeyConstraint(
            ["dam_id"],
            ["animal.studbook_id"],
            name=op.f("fk_animal_dam_id_animal"),
            onupdate="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["institution.mnemonic"],
            name=op.f("fk_animal_location_id_institution"),
            onupdate="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sire_id"],
            ["animal.studbook_id"],
            name=op.f("fk_animal_sire_id_animal"),
            onupdate="CASCADE",
        ),
        sa.PrimaryKeyConstraint("studbook_id", name=op.f("pk_animal")),
    )
    with op.batch_alter_table("animal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_animal_dam_id"), ["dam_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_animal_entry_order"), ["entry_order"], unique=False)
        batch_op.create_index(batch_op.f("ix_animal_location_id"), ["location_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_animal_sire_id"), ["sire_id"], unique=False)

    op.create_table(
        "animal_attribute",
        sa.Column("animal_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["animal_id"],
            ["animal.studbook_id"],
            name=op.f("fk_animal_attribute_animal_id_animal"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["name"], ["extra_column.name"], name=op.f("fk_animal_attribute_name_extra_column")
        ),
        sa.PrimaryKeyConstraint("animal_id", "name", name=op.f("pk_animal_attribute")),
    )
    op.create_table(
        "animal_flag",
        sa.Column("animal_id", sa.String(length=64), nullable=False),
        sa.Column("flag", sa.String(length=50), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "flag <> '' AND flag NOT LIKE '%;%'", name=op.f("ck_animal_flag_flag_text")
        ),
        sa.ForeignKeyConstraint(
            ["animal_id"],
            ["animal.studbook_id"],
            name=op.f("fk_animal_flag_animal_id_animal"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("animal_id", "flag", name=op.f("pk_animal_flag")),
    )
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("animal_id", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("event_precision", sa.String(length=7), nullable=False),
        sa.Column("institution_id", sa.String(length=9), nullable=True),
        sa.Column("from_institution_id", sa.String(length=9), nullable=True),
        sa.Column("local_id", sa.String(length=50), nullable=False),
        sa.Column("cause", sa.String(length=100), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "event = 'birth' OR event = 'capture' OR event = 'transfer' OR event = 'loan' "
            "OR event = 'death' OR event = 'release' OR event = 'ltf' "
            "OR event = 'contraception_start' OR event = 'contraception_stop'",
            name=op.f("ck_event_event_code"),
        ),
        sa.CheckConstraint(
            "event_date IS NOT NULL OR event_precision = 'unknown'",
            name=op.f("ck_event_event_precision_without_date"),
        ),
        sa.CheckConstraint(
            "event_precision = 'exact' OR event_precision = 'month' OR event_precision = 'year' "
            "OR event_precision = 'unknown'",
            name=op.f("ck_event_event_precision_code"),
        ),
        sa.CheckConstraint(
            "from_institution_id IS NULL OR institution_id IS NULL "
            "OR from_institution_id <> institution_id",
            name=op.f("ck_event_moves_somewhere"),
        ),
        sa.ForeignKeyConstraint(
            ["animal_id"],
            ["animal.studbook_id"],
            name=op.f("fk_event_animal_id_animal"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["from_institution_id"],
            ["institution.mnemonic"],
            name=op.f("fk_event_from_institution_id_institution"),
            onupdate="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institution.mnemonic"],
            name=op.f("fk_event_institution_id_institution"),
            onupdate="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index("ix_event_animal_date", ["animal_id", "event_date"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_event_institution_id"), ["institution_id"], unique=False
        )

    op.create_table(
        "parent_candidate",
        sa.Column("child_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=4), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.CheckConstraint(
            "role = 'sire' OR role = 'dam'", name=op.f("ck_parent_candidate_role_code")
        ),
        sa.CheckConstraint(
            "parent_id <> child_id", name=op.f("ck_parent_candidate_not_own_parent")
        ),
        sa.CheckConstraint(
            "probability >= 0 AND probability <= 1",
            name=op.f("ck_parent_candidate_probability_range"),
        ),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["animal.studbook_id"],
            name=op.f("fk_parent_candidate_child_id_animal"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["animal.studbook_id"],
            name=op.f("fk_parent_candidate_parent_id_animal"),
            onupdate="CASCADE",
        ),
        sa.PrimaryKeyConstraint("child_id", "role", "parent_id", name=op.f("pk_parent_candidate")),
    )
    with op.batch_alter_table("parent_candidate", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_parent_candidate_parent_id"), ["parent_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("parent_candidate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parent_candidate_parent_id"))

    op.drop_table("parent_candidate")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_institution_id"))
        batch_op.drop_index("ix_event_animal_date")

    op.drop_table("event")
    op.drop_table("animal_flag")
    op.drop_table("animal_attribute")
    with op.batch_alter_table("animal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_animal_sire_id"))
        batch_op.drop_index(batch_op.f("ix_animal_location_id"))
        batch_op.drop_index(batch_op.f("ix_animal_entry_order"))
        batch_op.drop_index(batch_op.f("ix_animal_dam_id"))

    op.drop_table("animal")
    op.drop_table("institution")
    op.drop_table("extra_column")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_row")

    op.drop_table("audit_log")
