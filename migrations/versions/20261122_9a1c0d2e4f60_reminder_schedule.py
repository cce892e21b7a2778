"""reminders: what send-due needs to find due deadlines without reading them all

Each deadline keeps the day of its next reminder stage (indexed); ``reminder_schedule`` counts
the changes send-due has caught up with. Existing deadlines get their day on the first run
after the upgrade (the table starts empty, which makes that run look at every open deadline).

Revision ID: 9a1c0d2e4f60
Revises: 656459b3a4c4
Create Date: 2026-11-22 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9a1c0d2e4f60'
down_revision = '656459b3a4c4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reminder_schedule',
    sa.Column('topic', sa.String(length=16), nullable=False),
    sa.Column('changes', sa.Integer(), nullable=False),
    sa.Column('handled', sa.Integer(), nullable=False),
    sa.Column('handled_on', sa.Date(), nullable=True),
    sa.Column('stamp', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('topic', name=op.f('pk_reminder_schedule'))
    )
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_stage_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_deadlines_next_stage_on'), ['next_stage_on'], unique=False)


def downgrade():
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deadlines_next_stage_on'))
        batch_op.drop_column('next_stage_on')

    op.drop_table('reminder_schedule')
