"""Following findings up: improvement suggestions and energy-diagnosis referrals (节能诊断)
with the retrofit that followed. Every change takes the actor and the time, flushes and never
commits."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..core import access
from ..core.access import Permission
from ..core.errors import DomainError
from ..core.models import Organisation, OrgKind, Role, User
from ..core.versions import require_version
from ..extensions import db
from ..inspections.models import Finding, InspectionCase
from . import rules
from .models import DiagnosisReferral, DiagnosisStatus, ImprovementSuggestion

NOT_ALLOWED = _l("只有案件所在省（或承办机构）的业务人员可以办理结果运用。")

SAVINGS_PROBLEMS = {
    "invalid": _l("节能量应为数字。"),
    "negative": _l("节能量不能为负数。"),
    "precision": _l("节能量最多保留两位小数。"),
    "too_large": _l("节能量超出可记录的范围。"),
}
REFERRAL_PROBLEMS = {
    "referred_missing": _l("请填写推荐日期。"),
    "future": _l("日期不能晚于今天。"),
    "start_before_referral": _l("诊断开始日期不能早于推荐日期。"),
    "start_missing": _l("已完成诊断的，请填写诊断开始日期。"),
    "end_before_start": _l("诊断完成日期不能早于开始日期。"),
    "measures_missing": _l("诊断完成后，请填写诊断提出的节能措施。"),
    "retrofit_before_diagnosis": _l("请先填写诊断完成日期，再登记节能改造。"),
    "retrofit_before_end": _l("改造完成日期不能早于诊断完成日期。"),
    "retrofit_text_missing": _l("请写明实际实施的节能改造。"),
    "retrofit_date_missing": _l("登记节能改造或实际节能量的，请填写改造完成日期。"),
    **{f"savings_{key}": message for key, message in SAVINGS_PROBLEMS.items()},
}

#: Longest provider name (the column's length).
MAX_PROVIDER = 160


# -- who may ----------------------------------------------------------------------------------


def covers(user: User, province_id: int, agency: Organisation | None) -> bool:
    """A provincial officer of the province, or of the agency's subtree."""
    if Role.PROVINCIAL_OFFICER not in user.roles:
        return False
    org = user.organisation
    if org.kind == OrgKind.PROVINCE:
        return province_id == org.id
    return agency is not None and (
        agency.id == org.id or agency.path.startswith(org.subtree_prefix)
    )


def may_follow_up(case: InspectionCase, user: User) -> bool:
    """Officers following results up (FOLLOW_UP_RESULTS) of the case's province or agency
    subtree write; the case's inspectors and the ministry only read."""
    return (
        getattr(user, "is_authenticated", False)
        and access.can(user, Permission.FOLLOW_UP_RESULTS)
        and covers(user, case.province_id, case.agency)
    )


def may_see(case: InspectionCase, user: User) -> bool:
    """Who is shown the follow-up of a case (a case tab): the officers following results up,
    and the case's own inspectors (read-only)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return access.can(user, Permission.FOLLOW_UP_RESULTS) or any(
        i.id == user.id for i in case.inspectors
    )


def require_follow_up(case: InspectionCase, user: User) -> None:
    if not may_follow_up(case, user):
        raise DomainError(NOT_ALLOWED)


# -- reading ----------------------------------------------------------------------------------


@dataclass
class FindingFollowUp:
    """A finding with its suggestions and its referral (if any)."""

    finding: Finding
    suggestions: list[ImprovementSuggestion] = field(default_factory=list)
    referral: DiagnosisReferral | None = None


def case_follow_up(case: InspectionCase) -> list[FindingFollowUp]:
    """Every finding of the case with its suggestions and referral (three queries)."""
    findings = db.session.scalars(
        select(Finding).where(Finding.case_id == case.id).order_by(Finding.id)
    )
    rows = {f.id: FindingFollowUp(f) for f in findings}
    suggestions = db.session.scalars(
        select(ImprovementSuggestion)
        .where(ImprovementSuggestion.case_id == case.id)
        .order_by(ImprovementSuggestion.created_at, ImprovementSuggestion.id)
    )
    for suggestion in suggestions:
        if suggestion.finding_id in rows:
            rows[suggestion.finding_id].suggestions.append(suggestion)
    for referral in db.session.scalars(
        select(DiagnosisReferral).where(DiagnosisReferral.case_id == case.id)
    ):
        if referral.finding_id in rows:
            rows[referral.finding_id].referral = referral
    return list(rows.values())


@dataclass(frozen=True)
class FindingMark:
    """What the findings page says of a finding's follow-up, in one line."""

    suggestions: int
    status: DiagnosisStatus | None


def finding_marks(case: InspectionCase) -> dict[int, FindingMark]:
    """finding id → its count of suggestions and its referral's status (two queries)."""
    counts = Counter(
        dict(
            db.session.execute(
                select(ImprovementSuggestion.finding_id, func.count())
                .where(ImprovementSuggestion.case_id == case.id)
                .group_by(ImprovementSuggestion.finding_id)
            ).all()
        )
    )
    statuses = dict(
        db.session.execute(
            select(DiagnosisReferral.finding_id, DiagnosisReferral.status).where(
                DiagnosisReferral.case_id == case.id
            )
        ).all()
    )
    return {
        finding_id: FindingMark(counts.get(finding_id, 0), statuses.get(finding_id))
        for finding_id in set(counts) | set(statuses)
    }


# -- improvement suggestions ------------------------------------------------------------------


def _finding_of(case: InspectionCase, finding: Finding) -> Finding:
    if finding.case_id != case.id:
        raise DomainError(_l("该问题不属于本案件。"))
    return finding


def add_suggestion(
    case: InspectionCase, finding: Finding, *, text: str, actor: User, now: datetime
) -> ImprovementSuggestion:
    """Record an improvement suggestion (改进建议) for the enterprise about ``finding``."""
    require_follow_up(case, actor)
    _finding_of(case, finding)
    text = (text or "").strip()
    if not text:
        raise DomainError(_l("请填写改进建议。"), field="text")
    suggestion = ImprovementSuggestion(
        finding_id=finding.id,
        case_id=case.id,
        province_id=case.province_id,
        agency_id=case.agency_id,
        text=text,
        created_at=now,
        created_by_id=actor.id,
    )
    db.session.add(suggestion)
    db.session.flush()
    return suggestion


def delete_suggestion(suggestion: ImprovementSuggestion, *, actor: User) -> None:
    require_follow_up(suggestion.case, actor)
    db.session.delete(suggestion)
    db.session.flush()


# -- diagnosis referrals ------------------------------------------------------------------------


def _problem(facts: rules.ReferralFacts, today: date) -> None:
    problem = rules.referral_problem(facts, today)
    if problem:
        key, name = problem
        raise DomainError(REFERRAL_PROBLEMS[key], field=name)


def _provider(provider: str) -> str:
    provider = " ".join((provider or "").split())
    if not provider:
        raise DomainError(_l("请填写诊断服务机构。"), field="provider")
    if len(provider) > MAX_PROVIDER:
        raise DomainError(
            _l("诊断服务机构名称不能超过 %(n)s 个字。", n=MAX_PROVIDER), field="provider"
        )
    return provider


def refer(
    case: InspectionCase,
    finding: Finding,
    *,
    provider: str,
    referred_on: date | None,
    measures: str = "",
    estimated_savings: Decimal | None = None,
    actor: User,
    now: datetime,
    today: date,
) -> DiagnosisReferral:
    """Refer the enterprise to energy diagnosis (节能诊断) for ``finding`` (once per finding)."""
    require_follow_up(case, actor)
    _finding_of(case, finding)
    provider = _provider(provider)
    existing = db.session.scalar(
        select(DiagnosisReferral.id).where(DiagnosisReferral.finding_id == finding.id)
    )
    if existing is not None:
        raise DomainError(_l("该问题已推荐节能诊断，请在原记录上办理。"))
    facts = rules.ReferralFacts(
        referred_on=referred_on, measures=measures or "", estimated_savings=estimated_savings
    )
    _problem(facts, today)
    referral = DiagnosisReferral(
        finding_id=finding.id,
        case_id=case.id,
        province_id=case.province_id,
        agency_id=case.agency_id,
        enterprise_id=case.enterprise_id,
        provider=provider,
        referred_on=referred_on,
        measures=(measures or "").strip(),
        estimated_savings_tce=rules.savings(estimated_savings),
        retrofit_text="",
        status=DiagnosisStatus(rules.referral_status(facts)),
        created_by_id=actor.id,
        created_at=now,
    )
    db.session.add(referral)
    db.session.flush()
    return referral


def update_referral(
    referral: DiagnosisReferral,
    *,
    version: int | None,
    provider: str,
    referred_on: date | None,
    diagnosis_start_on: date | None,
    diagnosis_end_on: date | None,
    measures: str,
    estimated_savings: Decimal | None,
    retrofit_text: str,
    retrofit_done_on: date | None,
    actual_savings: Decimal | None,
    actor: User,
    today: date,
) -> DiagnosisReferral:
    """Record the diagnosis and, later, the retrofit actually done; the status follows the
    filled fields (REFERRED → DIAGNOSED → RETROFITTED)."""
    require_follow_up(referral.case, actor)
    require_version(referral, version)
    provider = _provider(provider)
    facts = rules.ReferralFacts(
        referred_on=referred_on,
        diagnosis_start_on=diagnosis_start_on,
        diagnosis_end_on=diagnosis_end_on,
        measures=measures or "",
        estimated_savings=estimated_savings,
        retrofit_text=retrofit_text or "",
        retrofit_done_on=retrofit_done_on,
        actual_savings=actual_savings,
    )
    _problem(facts, today)
    referral.provider = provider
    referral.referred_on = referred_on  # type: ignore[assignment]  -- checked above
    referral.diagnosis_start_on = diagnosis_start_on
    referral.diagnosis_end_on = diagnosis_end_on
    referral.measures = facts.measures.strip()
    referral.estimated_savings_tce = rules.savings(estimated_savings)
    referral.retrofit_text = facts.retrofit_text.strip()
    referral.retrofit_done_on = retrofit_done_on
    referral.actual_savings_tce = rules.savings(actual_savings)
    referral.status = DiagnosisStatus(rules.referral_status(facts))
    db.session.flush()
    return referral
