"""daily supervision draws (双随机), annual summaries, follow-up of findings, excellent cases

Revision ID: 656459b3a4c4
Revises: 008752cce677
Create Date: 2026-11-22 02:31:44.939180

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '656459b3a4c4'
down_revision = '008752cce677'
branch_labels = None
depends_on = None


def _sqlite_foreign_keys(on: bool) -> None:
    """SQLite recreates ``inspection_cases`` to make ``task_id`` nullable; with foreign keys
    on, dropping the old table would cascade to every case's verdicts, findings and notices."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def upgrade():
    # A daily-supervision case (日常节能监察) has no special-supervision task.
    _sqlite_foreign_keys(False)
    with op.batch_alter_table('inspection_cases', schema=None) as batch_op:
        batch_op.alter_column('task_id',
               existing_type=sa.INTEGER(),
               nullable=True)
    _sqlite_foreign_keys(True)

    op.create_table('annual_summaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'returned', 'accepted', name='filingstatus', native_enum=False, length=12), nullable=False),
    sa.Column('funds_used', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('funds_text', sa.Text(), nullable=False),
    sa.Column('special_text', sa.Text(), nullable=False),
    sa.Column('daily_text', sa.Text(), nullable=False),
    sa.Column('mechanism_text', sa.Text(), nullable=False),
    sa.Column('training_text', sa.Text(), nullable=False),
    sa.Column('informatisation_text', sa.Text(), nullable=False),
    sa.Column('problems_text', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('late_workdays', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['supervision_plans.id'], name=op.f('fk_annual_summaries_plan_id_supervision_plans')),
    sa.ForeignKeyConstraint(['province_id'], ['organisations.id'], name=op.f('fk_annual_summaries_province_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_summaries')),
    sa.UniqueConstraint('plan_id', 'province_id', name=op.f('uq_annual_summaries_plan_id_province_id'))
    )
    with op.batch_alter_table('annual_summaries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_summaries_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_annual_summaries_province_id'), ['province_id'], unique=False)

    op.create_table('annual_summary_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summary_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=160), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('late_workdays', sa.Integer(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('report_docx', sa.LargeBinary(), nullable=True),
    sa.Column('results_xlsx', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_annual_summary_events_actor_id_users')),
    sa.ForeignKeyConstraint(['summary_id'], ['annual_summaries.id'], name=op.f('fk_annual_summary_events_summary_id_annual_summaries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_summary_events'))
    )
    with op.batch_alter_table('annual_summary_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_summary_events_summary_id'), ['summary_id'], unique=False)

    op.create_table('daily_draws',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('industry_ids', sa.JSON(), nullable=False),
    sa.Column('city_codes', sa.JSON(), nullable=False),
    sa.Column('min_energy_tce', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('max_energy_tce', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('key_units_only', sa.Boolean(), nullable=False),
    sa.Column('sample_size', sa.Integer(), nullable=True),
    sa.Column('sample_rate', sa.Numeric(precision=6, scale=4), nullable=True),
    sa.Column('stratify_by', sa.Enum('', 'industry', 'city', name='stratification', native_enum=False, length=10), nullable=False),
    sa.Column('exclude_inspected_months', sa.Integer(), nullable=True),
    sa.Column('exclude_special_tasks', sa.Boolean(), nullable=False),
    sa.Column('pair_count', sa.Integer(), nullable=False),
    sa.Column('inspector_ids', sa.JSON(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('work_due_on', sa.Date(), nullable=True),
    sa.Column('publish_by', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'drawn', 'opened', 'published', name='drawstatus', native_enum=False, length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['organisations.id'], name=op.f('fk_daily_draws_agency_id_organisations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_daily_draws_created_by_id_users')),
    sa.ForeignKeyConstraint(['province_id'], ['organisations.id'], name=op.f('fk_daily_draws_province_id_organisations')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_daily_draws_published_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_daily_draws'))
    )
    with op.batch_alter_table('daily_draws', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_daily_draws_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_daily_draws_province_id'), ['province_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_daily_draws_status'), ['status'], unique=False)

    op.create_table('inspector_relations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('inspector_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=120), nullable=False),
    sa.Column('declared_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_inspector_relations_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['inspector_id'], ['users.id'], name=op.f('fk_inspector_relations_inspector_id_users')),
    sa.ForeignKeyConstraint(['province_id'], ['organisations.id'], name=op.f('fk_inspector_relations_province_id_organisations')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_inspector_relations_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspector_relations')),
    sa.UniqueConstraint('inspector_id', 'enterprise_id', name=op.f('uq_inspector_relations_inspector_id_enterprise_id'))
    )
    with op.batch_alter_table('inspector_relations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspector_relations_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspector_relations_inspector_id'), ['inspector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspector_relations_province_id'), ['province_id'], unique=False)

    op.create_table('daily_draw_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draw_id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('seed', sa.String(length=64), nullable=False),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('population_count', sa.Integer(), nullable=False),
    sa.Column('eligible_count', sa.Integer(), nullable=False),
    sa.Column('population', sa.JSON(), nullable=False),
    sa.Column('excluded', sa.JSON(), nullable=False),
    sa.Column('pool', sa.JSON(), nullable=False),
    sa.Column('relations', sa.JSON(), nullable=False),
    sa.Column('recusals', sa.JSON(), nullable=False),
    sa.Column('method', sa.Text(), nullable=False),
    sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('drawn_by_id', sa.Integer(), nullable=True),
    sa.Column('drawn_by_name', sa.String(length=80), nullable=False),
    sa.Column('witness_id', sa.Integer(), nullable=True),
    sa.Column('witness_name', sa.String(length=80), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['draw_id'], ['daily_draws.id'], name=op.f('fk_daily_draw_runs_draw_id_daily_draws'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['drawn_by_id'], ['users.id'], name=op.f('fk_daily_draw_runs_drawn_by_id_users')),
    sa.ForeignKeyConstraint(['province_id'], ['organisations.id'], name=op.f('fk_daily_draw_runs_province_id_organisations')),
    sa.ForeignKeyConstraint(['witness_id'], ['users.id'], name=op.f('fk_daily_draw_runs_witness_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_daily_draw_runs'))
    )
    with op.batch_alter_table('daily_draw_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_daily_draw_runs_draw_id'), ['draw_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_daily_draw_runs_province_id'), ['province_id'], unique=False)

    op.create_table('case_inspectors',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['inspection_cases.id'], name=op.f('fk_case_inspectors_case_id_inspection_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_case_inspectors_user_id_users')),
    sa.PrimaryKeyConstraint('case_id', 'user_id', name=op.f('pk_case_inspectors'))
    )
    op.create_table('daily_draw_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('stratum', sa.String(length=60), nullable=False),
    sa.Column('pair_no', sa.Integer(), nullable=False),
    sa.Column('inspector_a_id', sa.Integer(), nullable=False),
    sa.Column('inspector_b_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['inspection_cases.id'], name=op.f('fk_daily_draw_assignments_case_id_inspection_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_daily_draw_assignments_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['inspector_a_id'], ['users.id'], name=op.f('fk_daily_draw_assignments_inspector_a_id_users')),
    sa.ForeignKeyConstraint(['inspector_b_id'], ['users.id'], name=op.f('fk_daily_draw_assignments_inspector_b_id_users')),
    sa.ForeignKeyConstraint(['province_id'], ['organisations.id'], name=op.f('fk_daily_draw_assignments_province_id_organisations')),
    sa.ForeignKeyConstraint(['run_id'], ['daily_draw_runs.id'], name=op.f('fk_daily_draw_assignments_run_id_daily_draw_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_daily_draw_assignments')),
    sa.UniqueConstraint('run_id', 'enterprise_id', name=op.f('uq_daily_draw_assignments_run_id_enterprise_id'))
    )
    with op.batch_alter_table('daily_draw_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_daily_draw_assignments_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_daily_draw_assignments_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_daily_draw_assignments_province_id'), ['province_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_daily_draw_assignments_run_id'), ['run_id'], unique=False)

    op.create_table('excellent_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('write_up', sa.Text(), nullable=False),
    sa.Column('savings_tce', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('status', sa.Enum('nominated', 'selected', 'published', 'declined', name='excellentstatus', native_enum=False, length=10), nullable=False),
    sa.Column('nominated_by_id', sa.Integer(), nullable=True),
    sa.Column('nominated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['organisations.id'], name=op.f('fk_excellent_cases_agency_id_organisations')),
    sa.ForeignKeyConstraint(['case_id'], ['inspection_cases.id'], name=op.f('fk_excellent_cases_case_id_inspection_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_excellent_cases_decided_by_id_users')),
    sa.ForeignKeyConstraint(['nominated_by_id'], ['users.id'], name=op.f('fk_excellent_cases_nominated_by_id_users')),
    sa.ForeignKeyConstraint(['province_id'], ['organisations.id'], name=op.f('fk_excellent_cases_province_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_excellent_cases')),
    sa.UniqueConstraint('case_id', name=op.f('uq_excellent_cases_case_id'))
    )
    with op.batch_alter_table('excellent_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_excellent_cases_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_excellent_cases_province_id'), ['province_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_excellent_cases_published_on'), ['published_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_excellent_cases_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_excellent_cases_year'), ['year'], unique=False)

    op.create_table('diagnosis_referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('referred', 'diagnosed', 'retrofitted', name='diagnosisstatus', native_enum=False, length=12), nullable=False),
    sa.Column('provider', sa.String(length=160), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('diagnosis_start_on', sa.Date(), nullable=True),
    sa.Column('diagnosis_end_on', sa.Date(), nullable=True),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('estimated_savings_tce', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('retrofit_text', sa.Text(), nullable=False),
    sa.Column('retrofit_done_on', sa.Date(), nullable=True),
    sa.Column('actual_savings_tce', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['organisations.id'], name=op.f('fk_diagnosis_referrals_agency_id_organisations')),
    sa.ForeignKeyConstraint(['case_id'], ['inspection_cases.id'], name=op.f('fk_diagnosis_referrals_case_id_inspection_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_diagnosis_referrals_created_by_id_users')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_diagnosis_referrals_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_diagnosis_referrals_finding_id_findings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['province_id'], ['organisations.id'], name=op.f('fk_diagnosis_referrals_province_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diagnosis_referrals')),
    sa.UniqueConstraint('finding_id', name=op.f('uq_diagnosis_referrals_finding_id'))
    )
    with op.batch_alter_table('diagnosis_referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_diagnosis_referrals_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_diagnosis_referrals_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_diagnosis_referrals_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_diagnosis_referrals_province_id'), ['province_id'], unique=False)

    op.create_table('improvement_suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['organisations.id'], name=op.f('fk_improvement_suggestions_agency_id_organisations')),
    sa.ForeignKeyConstraint(['case_id'], ['inspection_cases.id'], name=op.f('fk_improvement_suggestions_case_id_inspection_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_improvement_suggestions_created_by_id_users')),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_improvement_suggestions_finding_id_findings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['province_id'], ['organisations.id'], name=op.f('fk_improvement_suggestions_province_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_improvement_suggestions'))
    )
    with op.batch_alter_table('improvement_suggestions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_improvement_suggestions_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_improvement_suggestions_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_improvement_suggestions_finding_id'), ['finding_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_improvement_suggestions_province_id'), ['province_id'], unique=False)

    # ### end Alembic commands ###


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.execute("DELETE FROM inspection_cases WHERE task_id IS NULL")
    _sqlite_foreign_keys(False)
    with op.batch_alter_table('inspection_cases', schema=None) as batch_op:
        batch_op.alter_column('task_id',
               existing_type=sa.INTEGER(),
               nullable=False)
    _sqlite_foreign_keys(True)

    with op.batch_alter_table('improvement_suggestions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_improvement_suggestions_province_id'))
        batch_op.drop_index(batch_op.f('ix_improvement_suggestions_finding_id'))
        batch_op.drop_index(batch_op.f('ix_improvement_suggestions_case_id'))
        batch_op.drop_index(batch_op.f('ix_improvement_suggestions_agency_id'))

    op.drop_table('improvement_suggestions')
    with op.batch_alter_table('diagnosis_referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_diagnosis_referrals_province_id'))
        batch_op.drop_index(batch_op.f('ix_diagnosis_referrals_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_diagnosis_referrals_case_id'))
        batch_op.drop_index(batch_op.f('ix_diagnosis_referrals_agency_id'))

    op.drop_table('diagnosis_referrals')
    with op.batch_alter_table('excellent_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_excellent_cases_year'))
        batch_op.drop_index(batch_op.f('ix_excellent_cases_status'))
        batch_op.drop_index(batch_op.f('ix_excellent_cases_published_on'))
        batch_op.drop_index(batch_op.f('ix_excellent_cases_province_id'))
        batch_op.drop_index(batch_op.f('ix_excellent_cases_agency_id'))

    op.drop_table('excellent_cases')
    with op.batch_alter_table('daily_draw_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_daily_draw_assignments_run_id'))
        batch_op.drop_index(batch_op.f('ix_daily_draw_assignments_province_id'))
        batch_op.drop_index(batch_op.f('ix_daily_draw_assignments_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_daily_draw_assignments_case_id'))

    op.drop_table('daily_draw_assignments')
    op.drop_table('case_inspectors')
    with op.batch_alter_table('daily_draw_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_daily_draw_runs_province_id'))
        batch_op.drop_index(batch_op.f('ix_daily_draw_runs_draw_id'))

    op.drop_table('daily_draw_runs')
    with op.batch_alter_table('inspector_relations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspector_relations_province_id'))
        batch_op.drop_index(batch_op.f('ix_inspector_relations_inspector_id'))
        batch_op.drop_index(batch_op.f('ix_inspector_relations_enterprise_id'))

    op.drop_table('inspector_relations')
    with op.batch_alter_table('daily_draws', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_daily_draws_status'))
        batch_op.drop_index(batch_op.f('ix_daily_draws_province_id'))
        batch_op.drop_index(batch_op.f('ix_daily_draws_agency_id'))

    op.drop_table('daily_draws')
    with op.batch_alter_table('annual_summary_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_summary_events_summary_id'))

    op.drop_table('annual_summary_events')
    with op.batch_alter_table('annual_summaries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_summaries_province_id'))
        batch_op.drop_index(batch_op.f('ix_annual_summaries_plan_id'))

    op.drop_table('annual_summaries')
    # ### end Alembic commands ###
