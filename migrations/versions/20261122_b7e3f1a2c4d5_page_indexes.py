"""indexes for the busiest pages at national scale

Revision ID: b7e3f1a2c4d5
Revises: 9a1c0d2e4f60
Create Date: 2026-11-22 06:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b7e3f1a2c4d5"
down_revision = "9a1c0d2e4f60"
branch_labels = None
depends_on = None

#: (index name, table, columns): each serves a page of bench/pages.py.
INDEXES = (
    # An inspector's scope (my cases, case detail, the registry he sees) by the user.
    ("ix_task_inspectors_user_id", "task_inspectors", ["user_id"]),
    ("ix_case_inspectors_user_id", "case_inspectors", ["user_id"]),
    # The dashboards' counts per agency and status, and per category, from an index alone.
    ("ix_inspection_cases_agency_id_status", "inspection_cases", ["agency_id", "status"]),
    ("ix_inspection_cases_category", "inspection_cases", ["category"]),
    # A filing's task list filtered by category.
    ("ix_supervision_tasks_filing_id_category", "supervision_tasks", ["filing_id", "category"]),
    # A province's registry in name order, searched by name.
    ("ix_enterprises_province_id_name", "enterprises", ["province_id", "name"]),
    # The public violator list, newest first.
    ("ix_publications_status_published_on", "publications", ["status", "published_on"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
