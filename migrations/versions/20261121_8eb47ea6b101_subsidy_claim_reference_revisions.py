"""subsidy claim reference revisions: which reference rows a claim's last check used

Revision ID: 8eb47ea6b101
Revises: c3a661eb5100
Create Date: 2026-11-21 23:05:28.301349

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8eb47ea6b101'
down_revision = 'c3a661eb5100'
branch_labels = None
depends_on = None


def upgrade():
    # Claims checked before this revision keep an empty version until they are checked again.
    with op.batch_alter_table('verification_subsidy_claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reference_version', sa.String(length=255), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('reference_unverified', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('verification_subsidy_claims', schema=None) as batch_op:
        batch_op.drop_column('reference_unverified')
        batch_op.drop_column('reference_version')
