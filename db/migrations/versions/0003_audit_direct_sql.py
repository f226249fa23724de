"""PostgreSQL: log changes made with SQL outside studbook in the audit log (issue #13).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 05:15:00

Written by hand (Alembic does not compare triggers). Studbook's own sessions log their changes
themselves (:mod:`db.audit`) and mark each transaction with the setting
``studbook.audited = 'on'`` (:data:`db.audit.AUDITED_SETTING`); a row trigger on every studbook
table writes an audit row for any INSERT, UPDATE or DELETE made in a transaction without that
mark (``psql``, another program), so direct SQL no longer bypasses the log. The author is
``sql:`` and the database role; the old and new rows are kept whole as JSON. SQLite has no
such triggers worth the name here (no session settings): a no-op.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE_KEYS = {
    "institution": "mnemonic",
    "animal": "studbook_id",
    "parent_candidate": "child_id",
    "animal_flag": "animal_id",
    "animal_attribute": "animal_id",
    "extra_column": "name",
    "event": "animal_id",
    "programme_setting": "key",
}
"""Each audited table and the column whose value is the audit row's ``row_key`` (child rows
are keyed by their animal, so an animal's history shows them)."""

FUNCTION = """
CREATE FUNCTION studbook_audit_direct_sql() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb;
    new_row jsonb;
BEGIN
    IF coalesce(current_setting('studbook.audited', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        old_row := to_jsonb(OLD);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_row := to_jsonb(NEW);
    END IF;
    INSERT INTO audit_log (at, who, action, table_name, row_key, field, old_value, new_value)
    VALUES (
        now(),
        left('sql:' || session_user, 100),
        lower(TG_OP),
        TG_TABLE_NAME,
        left(coalesce(new_row, old_row) ->> TG_ARGV[0], 200),
        NULL,
        old_row::text,
        new_row::text
    );
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    for table, key in TABLE_KEYS.items():
        op.execute(
            f"CREATE TRIGGER audit_direct_sql AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION studbook_audit_direct_sql('{key}')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLE_KEYS:
        op.execute(f"DROP TRIGGER audit_direct_sql ON {table}")
    op.execute("DROP FUNCTION studbook_audit_direct_sql()")
