"""Withdrawing one import of sales records (撤销导入), so that a corrected file can replace it.

An import is all or nothing, and so is its withdrawal: every row the job brought in is deleted
in one transaction, the job is marked withdrawn with who, when, why and how many rows, and the
step is audited. It is refused once the campaign is closed or the unit's results submitted, and
for consumer sales drawn for checks (a draw, even a superseded one, and its outcomes are kept).
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from ..core import audit
from ..core.errors import DomainError
from ..core.models import Organisation, User
from ..extensions import db
from ..imports.models import ImportJob
from ..imports.service import Status
from .check_models import SampleItem
from .import_columns import TABLE_OF_KIND, TABLES, SalesTable
from .models import CampaignStatus, ReportStatus, VerificationCampaign
from .record_models import ConsumerSale
from .result_reports import may_write_report, report_of

REASON_MAX = 500


def table_of(job: ImportJob) -> SalesTable | None:
    """The sales table a job imported into (None: not a sales-record import)."""
    key = TABLE_OF_KIND.get(job.kind)
    return TABLES[key] if key else None


def may_withdraw(job: ImportJob, unit: Organisation, user: User) -> bool:
    """Whether ``user`` is offered the withdrawal of ``job`` (the service checks the rest)."""
    return job.status == Status.DONE and table_of(job) is not None and may_write_report(unit, user)


def _drawn_rows(job: ImportJob) -> int:
    """Consumer sales of this job drawn for checks, by any draw (superseded ones included)."""
    return (
        db.session.scalar(
            select(func.count(SampleItem.sale_id.distinct()))
            .join(ConsumerSale, ConsumerSale.id == SampleItem.sale_id)
            .where(ConsumerSale.import_job_id == job.id)
        )
        or 0
    )


def withdraw_import(
    job: ImportJob,
    campaign: VerificationCampaign,
    unit: Organisation,
    *,
    reason: str,
    actor: User,
    now: datetime,
) -> int:
    """Delete the rows ``job`` imported for ``unit`` and mark it withdrawn; returns how many."""
    table = table_of(job)
    params = job.params or {}
    if table is None or params.get("campaign") != campaign.id or params.get("unit") != unit.id:
        raise DomainError(_l("该导入不属于本单位的销售信息。"))
    if job.status != Status.DONE:
        raise DomainError(
            _l("只能撤销已完成的导入（当前状态：%(s)s）。", s=Status(job.status).label)
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("请写明撤销理由。"), "reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_l("撤销理由不能超过 %(n)d 个字。", n=REASON_MAX), "reason")
    if not may_write_report(unit, actor):
        raise DomainError(_l("只有本核查单位的工作人员可以撤销导入。"))
    if campaign.status != CampaignStatus.ISSUED:
        raise DomainError(_l("该核查工作已结束，不能撤销导入。"))
    report = report_of(campaign, unit)
    if report is not None and report.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
        raise DomainError(_l("本单位的核查结果已上报，不能撤销导入。"))
    if table.key == "consumer_sales" and (drawn := _drawn_rows(job)):
        raise DomainError(
            _l(
                "本次导入的记录中有 %(n)d 条已被抽中核查，抽样及核查结果须保留，不能撤销导入。",
                n=drawn,
            )
        )
    model = table.model
    deleted = db.session.execute(
        delete(model).where(
            model.import_job_id == job.id,
            model.campaign_id == campaign.id,
            model.unit_id == unit.id,
        )
    ).rowcount
    job.status = Status.WITHDRAWN
    job.summary = {
        **(job.summary or {}),
        "withdrawn_rows": deleted,
        "withdrawn_by": actor.full_name,
        "withdrawn_at": now.isoformat(timespec="seconds"),
        "withdrawn_reason": reason,
    }
    audit.record(
        db.session,
        action="withdraw_import",
        entity=model.__tablename__,
        entity_id=f"{campaign.id}/{unit.id}/{job.id}",
        label=f"{table.annex} {job.file_name}",
        scope_org_id=unit.province_org_id,
        changes={"rows": (deleted, 0), "reason": (None, reason)},
    )
    return deleted
