"""optimistic locking of a case's calculations, checklist and data-centre readings

Revision ID: e2f3a4b5c6d7
Revises: d1e2f3a4b5c6
Create Date: 2026-11-22 11:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e2f3a4b5c6d7"
down_revision = "d1e2f3a4b5c6"
branch_labels = None
depends_on = None

#: Rows a form shows and saves as a group: their versions are what the form carries.
TABLES = ("verdicts", "checklist_entries", "monthly_readings")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            # Existing rows start at 1; the server default also serves inserts that name no
            # version (the models always give one).
            batch_op.add_column(
                sa.Column("version", sa.Integer(), nullable=False, server_default="1")
            )


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("version")
