"""A unit's results report to the ministry: written and submitted by the unit's officers
(the figures frozen into it as they are at submission; after the deadline it is taken but
marked late), accepted or returned by the ministry; a returned report is edited and sent again.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import access
from ..core.errors import DomainError
from ..core.models import Organisation, OrgKind, User
from ..core.versions import changed
from ..extensions import db
from .models import ReportStatus, VerificationCampaign, VerificationReport
from .results import figures_of, local_date
from .rules import results as rules

NOT_EDITABLE = _l("结果已上报，部里审核期间不能修改；如需修改，请等待部里退回。")
NO_SUMMARY = _l("请填写核查情况后再上报。")
NOT_SUBMITTED = _l("只能审核已上报、尚未处理的核查结果。")
NO_COMMENT = _l("退回时请写明退回原因和修改要求。")
CHANGED_MEANWHILE = _l("核查结果已被他人修改，请刷新后重新填写。")
NOT_YOUR_UNIT = _l("只有本单位的核查工作人员可以填写和上报本单位的核查结果。")

PROBLEMS = {
    "not_editable": NOT_EDITABLE,
    "no_summary": NO_SUMMARY,
    "not_submitted": NOT_SUBMITTED,
    "no_comment": NO_COMMENT,
}
PROBLEM_FIELDS = {"no_summary": "summary", "no_comment": "comment"}


def report_of(campaign: VerificationCampaign, unit: Organisation) -> VerificationReport | None:
    return db.session.scalar(
        select(VerificationReport).where(
            VerificationReport.campaign_id == campaign.id, VerificationReport.unit_id == unit.id
        )
    )


def may_write_report(unit: Organisation, user: User) -> bool:
    """The unit's own officers write and submit its report: an officer of the unit itself, or
    of the provincial unit a 计划单列市 belongs to (the ministry and agencies do not)."""
    if not access.can(user, access.Permission.RUN_VERIFICATION):
        return False
    org = user.organisation
    return org.id == unit.id or (org.id == unit.province_org_id and org.kind == OrgKind.PROVINCE)


def _refuse(problem: str | None) -> None:
    if problem:
        raise DomainError(PROBLEMS[problem], PROBLEM_FIELDS.get(problem))


def save_report(
    campaign: VerificationCampaign,
    unit: Organisation,
    *,
    summary: str,
    problems: str,
    suggestions: str,
    actor: User,
    now: datetime,
    version: int | None,
    submit: bool = False,
) -> VerificationReport:
    """Keep the report's text; with ``submit``, hand it in: the figures are frozen into the
    report as they are now, and a submission after the deadline is taken but marked late.
    ``version`` is the report's version when the form was opened (None: there was none)."""
    if not may_write_report(unit, actor):
        raise DomainError(NOT_YOUR_UNIT)
    report = report_of(campaign, unit)
    if report is None:
        if version is not None:
            raise DomainError(CHANGED_MEANWHILE)
        report = VerificationReport(
            campaign_id=campaign.id,
            unit_id=unit.id,
            province_id=unit.province_org_id,
            status=ReportStatus.DRAFT,
        )
        db.session.add(report)
    elif version != report.version:
        raise changed(report, CHANGED_MEANWHILE)
    _refuse(rules.edit_problem(report.status.value))
    report.summary, report.problems, report.suggestions = summary, problems, suggestions
    if submit:
        _refuse(rules.submit_problem(report.status.value, summary))
        submitted_on = local_date(now)
        frozen = figures_of(campaign, unit).as_dict()
        frozen["submitted_on"] = submitted_on.isoformat()
        frozen["late"] = rules.is_late(submitted_on, campaign.result_due_on)
        report.figures = frozen
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = now
        report.submitted_by_id = actor.id
    db.session.flush()
    return report


def review_report(
    report: VerificationReport,
    *,
    accept: bool,
    comment: str,
    actor: User,
    now: datetime,
    version: int | None,
) -> VerificationReport:
    """The ministry accepts the submitted results, or returns them with what to change; a
    returned report is edited and submitted again by the unit."""
    if version != report.version:
        raise changed(report, CHANGED_MEANWHILE)
    _refuse(rules.review_problem(report.status.value, accept, comment))
    report.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
    report.review_comment = comment
    report.reviewed_at = now
    report.reviewed_by_id = actor.id
    db.session.flush()
    return report


def is_late(report: VerificationReport | None, campaign: VerificationCampaign) -> bool:
    if report is None:
        return False
    return rules.is_late(local_date(report.submitted_at), campaign.result_due_on)
