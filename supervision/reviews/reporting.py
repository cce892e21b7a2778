"""The review report (评审报告, seed 003 第十一条) and the convener's decision (第十二条).

The report keeps a snapshot of the results as generated (every member's sheets, the means,
the ranking, the candidates within the funds), so what the members sign stays what they read;
generating it again clears the signatures. Every sitting member signs in the app; the organiser
submits it once all have signed (the review is REPORTED), and records the convener's choice
(DECIDED), by default the candidates the report recommends.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ..core import access
from ..core.errors import DomainError
from ..core.models import User
from ..core.versions import changed
from ..extensions import db
from . import scoring
from .models import (
    CommitteeMember,
    ReportSignature,
    Review,
    ReviewReport,
    ReviewStatus,
)

NOT_SCORED = _l("评分尚未结束，不能生成评审报告。")
ALREADY_SUBMITTED = _l("评审报告已提交，不能再修改或签名。")
NO_REPORT = _l("尚未生成评审报告。")
CHANGED = _l("评审报告已重新生成，请阅读新的报告后再签名。")
CHANGED_MEANWHILE = _l("评审报告已被他人修改，请刷新后重试。")
NOT_A_MEMBER = _l("只有本评审委员会的委员可以签名。")
ALREADY_SIGNED = _l("您已在评审报告上签名。")
NOT_REPORTED = _l("评审报告提交后才能确定结果。")
NOT_A_CANDIDATE = _l("所选单位不是本次评审的候选人。")
NOTE_NEEDED = _l("所选单位与评审报告推荐的不同，请在确定意见中写明理由。")
REVIEW_CHANGED = _l("评审已被他人修改，请刷新后重试。")
PILOT_SOURCE = "pilot_application:"
_AFTER = (ReviewStatus.REPORTED, ReviewStatus.DECIDED)


def _text(value) -> str | None:
    return None if value is None else str(value)


def report_of(review: Review) -> ReviewReport | None:
    return db.session.scalar(select(ReviewReport).where(ReviewReport.review_id == review.id))


# -- the snapshot -------------------------------------------------------------------------------


def _members(review: Review) -> list[dict]:
    return [
        {
            "member_id": m.id,
            "name": m.expert.name,
            "title": m.expert.title,
            "employer": m.expert.employer,
            "speciality": m.expert.speciality.value,
            "is_chair": m.is_chair,
        }
        for m in scoring.active_members(review)
    ]


def snapshot(review: Review, *, today: date) -> dict:
    """The figures of the report as they stand now (Decimals as text)."""
    members = scoring.active_members(review)
    member_ids = {m.id for m in members}
    scored = scoring.scored_candidates(review)
    scored_ids = {c.id for c in scored}
    ranked = scoring.ranking(review)
    sheets = [
        {
            "member_id": s.member_id,
            "candidate_id": s.candidate_id,
            "points": dict(s.points or {}),
            "total": _text(s.total),
            "comment": s.comment,
        }
        for s in scoring.sheets_of(review)
        if s.submitted_at and s.member_id in member_ids and s.candidate_id in scored_ids
    ]
    order = {c.id: n for n, c in enumerate(scored)}
    sheets.sort(key=lambda s: (order[s["candidate_id"]], s["member_id"]))
    return {
        "generated_on": today.isoformat(),
        "review": {
            "title": review.title,
            "convener": review.convener,
            "organiser": review.organiser,
            "meets_on": review.meets_on.isoformat(),
            "venue": review.venue,
            "scored_on": review.scored_on.isoformat() if review.scored_on else None,
            "funding_cap_wan": _text(review.funding_cap_wan),
            "max_selected": review.max_selected,
        },
        "items": [dict(i) for i in review.scoring_items or []],
        "members": _members(review),
        "candidates": [
            {"candidate_id": c.id, "name": c.name, "short_name_en": c.short_name_en} for c in scored
        ],
        "withdrawn": [
            {"candidate_id": c.id, "name": c.name} for c in review.candidates if c.withdrew
        ],
        "sheets": sheets,
        "ranking": [
            {
                "candidate_id": r.candidate.id,
                "name": r.candidate.name,
                "short_name_en": r.candidate.short_name_en,
                "requested_wan": _text(r.candidate.requested_wan),
                "price_quote": _text(r.candidate.price_quote),
                "totals": {str(k): _text(v) for k, v in r.totals.items()},
                "mean": _text(r.mean),
                "price": _text(r.price),
                "final": _text(r.final),
                "rank": r.rank,
                "within_cap": r.within_cap,
                "tie_at_cap": r.tie_at_cap,
                "cumulative_wan": _text(r.cumulative_wan),
            }
            for r in ranked
        ],
        "recommended": [r.candidate.id for r in ranked if r.within_cap],
    }


# -- the texts the organiser starts from --------------------------------------------------------


def _pilot_applications(review: Review, actor: User) -> list:
    """The pilot applications of the call the review's candidates come from (if they do)."""
    from ..pilots.models import Application

    ids = [
        int(c.source[len(PILOT_SOURCE) :])
        for c in review.candidates
        if c.source.startswith(PILOT_SOURCE) and c.source[len(PILOT_SOURCE) :].isdigit()
    ]
    candidate_ids = [c.id for c in review.candidates]
    linked = db.session.scalars(
        access.scoped(Application, actor)
        .where(or_(Application.id.in_(ids), Application.candidate_id.in_(candidate_ids)))
        .order_by(Application.id)
    ).first()
    if linked is None:
        return []
    return list(
        db.session.scalars(
            access.scoped(Application, actor)
            .where(Application.call_id == linked.call_id)
            .order_by(Application.short_name_en, Application.id)
        )
    )


def default_formal_summary(review: Review, actor: User) -> str:
    """形式审查情况 as the records tell it: from the pilot call the candidates come from, or a
    plain list of the candidates reviewed."""
    scored = scoring.scored_candidates(review)
    lines = []
    applications = _pilot_applications(review, actor)
    if applications:
        from ..pilots.models import FormalStatus

        call = applications[0].call
        number = f"（{call.notice_number}）" if call.notice_number else ""
        lines.append(
            f"{call.name}{number}于{call.opens_on.isoformat()}至{call.closes_on.isoformat()}"
            f"公开征集，共收到{len(applications)}家单位的申请。"
        )
        lines.append(
            "评审组织机构依据征集公告规定的资格条件，对申请单位的营业执照、生产许可证、"
            "质量体系认证证书是否经过年检并在有效期内，以及申请文件的完整性进行了形式审查。"
        )
        passed = [a for a in applications if a.formal_status == FormalStatus.PASSED]
        failed = [a for a in applications if a.formal_status == FormalStatus.FAILED]
        pending = [a for a in applications if a.formal_status == FormalStatus.PENDING]
        if passed:
            lines.append(
                f"经审查，{len(passed)}家单位通过形式审查，进入详细评审："
                f"{'、'.join(a.name for a in passed)}。"
            )
        for a in failed:
            reasons = "；".join(a.formal_reasons or []) or "未写明原因"
            lines.append(f"{a.name}未通过形式审查：{reasons}。")
        if pending:
            lines.append(f"尚有{len(pending)}家单位未完成形式审查。")
    else:
        lines.append(
            f"共有{len(scored)}家申请单位进入详细评审：{'、'.join(c.name for c in scored)}。"
        )
    withdrawn = [c.name for c in review.candidates if c.withdrew]
    if withdrawn:
        lines.append(f"{'、'.join(withdrawn)}未按要求签到出席评审会议，视为自动弃权。")
    return "\n".join(lines)


def _wan(value) -> str:
    return f"{Decimal(value):f}".rstrip("0").rstrip(".") if value is not None else ""


def default_recommendation(review: Review, content: dict) -> str:
    """推荐意见: the candidates within the funds, best first, and any tie across the cut."""
    limits = []
    if review.funding_cap_wan is not None:
        limits.append(f"资金规模{_wan(review.funding_cap_wan)}万元")
    if review.max_selected:
        limits.append(f"征集上限{review.max_selected}家")
    scope = f"在{'、'.join(limits)}范围内，" if limits else ""
    chosen = [r for r in content["ranking"] if r["within_cap"]]
    lines = [f"根据详细评审结果，{scope}按得分由高到低，评审委员会推荐以下申请单位为通过候选人："]
    lines += [f"{r['rank']}. {r['name']}（{r['final']}分）" for r in chosen]
    if not chosen:
        lines.append("无。")
    tied = [r for r in content["ranking"] if r["tie_at_cap"]]
    if tied:
        names = "、".join(r["name"] for r in tied)
        lines.append(
            f"{names}得分相同（{tied[0]['final']}分），资金规模和征集上限内不能全部确定，"
            "请征集人确定。"
        )
    return "\n".join(lines)


# -- generating, signing, submitting ------------------------------------------------------------


def _open_report(review: Review) -> ReviewReport:
    report = report_of(review)
    if report is None:
        raise DomainError(NO_REPORT)
    if report.submitted_at is not None:
        raise DomainError(ALREADY_SUBMITTED)
    return report


def generate_report(
    review: Review,
    *,
    formal_summary: str,
    recommendation: str,
    actor: User,
    now: datetime,
    today: date,
    version: int | None,
) -> ReviewReport:
    """(Re)generate the report from the results as they stand, with the organiser's texts
    (empty: the defaults); every signature given before is cleared."""
    if review.status != ReviewStatus.SCORED:
        raise DomainError(ALREADY_SUBMITTED if review.status in _AFTER else NOT_SCORED)
    report = report_of(review)
    if report is None:
        if version is not None:
            raise DomainError(CHANGED_MEANWHILE)
        report = ReviewReport(review_id=review.id)
        db.session.add(report)
    elif report.submitted_at is not None:
        raise DomainError(ALREADY_SUBMITTED)
    elif version != report.version:
        raise changed(report, CHANGED_MEANWHILE)
    content = snapshot(review, today=today)
    report.content = content
    report.formal_summary = formal_summary or default_formal_summary(review, actor)
    report.recommendation = recommendation or default_recommendation(review, content)
    report.generated_at = now
    report.signatures.clear()
    db.session.flush()
    return report


def signature_of(report: ReviewReport, member: CommitteeMember) -> ReportSignature | None:
    return next((s for s in report.signatures if s.member_id == member.id), None)


def unsigned(review: Review, report: ReviewReport | None) -> list[CommitteeMember]:
    """The sitting members who have not signed ``report`` yet."""
    signed = {s.member_id for s in report.signatures} if report else set()
    return [m for m in scoring.active_members(review) if m.id not in signed]


def sign_report(
    review: Review, *, actor: User, now: datetime, version: int | None
) -> ReportSignature:
    """``actor`` (a sitting member) signs the report he read (``version``)."""
    member = scoring.member_of(review, actor)
    if member is None:
        raise DomainError(NOT_A_MEMBER)
    report = _open_report(review)
    if version != report.version:
        raise DomainError(CHANGED)
    if signature_of(report, member) is not None:
        raise DomainError(ALREADY_SIGNED)
    signature = ReportSignature(member_id=member.id, signed_at=now)
    report.signatures.append(signature)
    db.session.flush()
    return signature


def submit_report(
    review: Review, *, actor: User, now: datetime, today: date, version: int | None
) -> ReviewReport:
    """Hand the signed report to the convener: every sitting member must have signed it."""
    report = _open_report(review)
    if version != report.version:
        raise changed(report, CHANGED_MEANWHILE)
    missing = unsigned(review, report)
    if missing:
        raise DomainError(
            _(
                "以下委员尚未签名，不能提交：%(names)s。",
                names="、".join(m.expert.name for m in missing),
            )
        )
    report.submitted_at = now
    review.status = ReviewStatus.REPORTED
    review.reported_on = today
    db.session.flush()
    return report


# -- the convener's decision --------------------------------------------------------------------


def recommended_ids(report: ReviewReport | None) -> list[int]:
    return list((report.content or {}).get("recommended", [])) if report else []


def decide(
    review: Review,
    *,
    selected: list[int],
    note: str,
    actor: User,
    today: date,
    version: int | None,
) -> Review:
    """征集人确定推广单位: mark the chosen candidates (within the funds and the call's limit);
    a choice other than the report's recommendation needs its reason."""
    if review.status != ReviewStatus.REPORTED:
        raise DomainError(NOT_REPORTED)
    if version is not None and version != review.version:
        raise changed(review, REVIEW_CHANGED)
    scored = {c.id: c for c in scoring.scored_candidates(review)}
    chosen = set(selected)
    if not chosen <= set(scored):
        raise DomainError(NOT_A_CANDIDATE, "selected")
    if review.max_selected is not None and len(chosen) > review.max_selected:
        raise DomainError(_("最多确定 %(n)s 家（征集上限）。", n=review.max_selected), "selected")
    asked = sum((scored[i].requested_wan or Decimal(0) for i in chosen), Decimal(0))
    if review.funding_cap_wan is not None and asked > review.funding_cap_wan:
        raise DomainError(
            _(
                "所选单位申请资金合计 %(asked)s 万元，超过资金规模 %(cap)s 万元。",
                asked=_wan(asked),
                cap=_wan(review.funding_cap_wan),
            ),
            "selected",
        )
    if chosen != set(recommended_ids(report_of(review))) and not note.strip():
        raise DomainError(NOTE_NEEDED, "note")
    for candidate in review.candidates:
        candidate.selected = candidate.id in chosen
    review.decided_on = today
    review.decision_note = note
    review.status = ReviewStatus.DECIDED
    db.session.flush()
    return review
