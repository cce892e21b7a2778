"""daily supervision contents of a plan

Revision ID: 3bc18abd90da
Revises: 671f2aad1577
Create Date: 2026-11-21 14:25:41.383832

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3bc18abd90da'
down_revision = '671f2aad1577'
branch_labels = None
depends_on = None


DAILY_2020 = "\n".join([
    "能源管理体系建立情况",
    "能源管理岗位设立和能源管理负责人履职情况",
    "能源计量制度执行情况",
    "能源消费统计制度执行情况",
    "能源利用状况报告制度执行情况",
    "节能教育培训开展情况",
])


def upgrade():
    with op.batch_alter_table('supervision_plans', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('daily_supervision', sa.Text(), nullable=False, server_default='')
        )
    # The 2020 plan already seeded gets the daily-supervision contents it publishes (seed 004 二).
    plans = sa.table('supervision_plans', sa.column('year', sa.Integer), sa.column('daily_supervision', sa.Text))
    op.execute(plans.update().where(plans.c.year == 2020).values(daily_supervision=DAILY_2020))


def downgrade():
    with op.batch_alter_table('supervision_plans', schema=None) as batch_op:
        batch_op.drop_column('daily_supervision')
