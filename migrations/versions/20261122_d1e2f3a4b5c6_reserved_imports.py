"""import jobs: their worker and heartbeat, and one active job per file and province

Revision ID: d1e2f3a4b5c6
Revises: b7e3f1a2c4d5
Create Date: 2026-11-22 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d1e2f3a4b5c6"
down_revision = "b7e3f1a2c4d5"
branch_labels = None
depends_on = None

ACTIVE = sa.text("status IN ('uploaded', 'validating', 'valid', 'importing')")


def upgrade():
    with op.batch_alter_table("import_jobs") as batch_op:
        batch_op.add_column(sa.Column("worker", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
    # Two jobs of one file on their way in at once (the race the index closes) would stop
    # the index from being built: the later ones are cancelled, the first one goes on. Jobs
    # left running by a process that is gone are failed by `flask imports recover`.
    op.execute(
        "UPDATE import_jobs SET status = 'cancelled', "
        "message = '同一文件已在导入中，此重复的导入任务已取消。' "
        "WHERE status IN ('uploaded', 'validating', 'valid', 'importing') AND EXISTS ("
        "SELECT 1 FROM import_jobs AS earlier WHERE earlier.kind = import_jobs.kind "
        "AND earlier.province_id = import_jobs.province_id "
        "AND earlier.file_sha256 = import_jobs.file_sha256 "
        "AND earlier.status IN ('uploaded', 'validating', 'valid', 'importing') "
        "AND earlier.id < import_jobs.id)"
    )
    op.create_index(
        "uq_import_jobs_active_file",
        "import_jobs",
        ["kind", "province_id", "file_sha256"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )


def downgrade():
    op.drop_index("uq_import_jobs_active_file", table_name="import_jobs")
    with op.batch_alter_table("import_jobs") as batch_op:
        batch_op.drop_column("heartbeat_at")
        batch_op.drop_column("worker")
