"""The announcement of a call's pilots (公告, seed 003 第十三条): one pilot per candidate the
review chose, numbered in the ranking's order; then each signs its commitment letter (承诺书) or
is cancelled. Changes take the actor and the time, flush and never commit."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.errors import DomainError
from ..core.models import User
from ..extensions import db
from ..reviews.models import Review, ReviewCandidate, ReviewStatus
from ..reviews.scoring import ranking
from .calls import local_date, require_manager
from .models import Application, CallStatus, PilotCall, PilotEnterprise, PilotStatus
from .rules import formal as rules

#: The reason 第十三条 names for cancelling a pilot.
COMMITMENT_LATE = "未在规定时间内签订承诺书"


def ranked_candidates(review: Review) -> list[ReviewCandidate]:
    """The review's candidates in the order of its ranking (the detailed review's scores)."""
    return [row.candidate for row in ranking(review)]


def _application_of(call: PilotCall, candidate: ReviewCandidate) -> Application:
    for application in call.applications:
        if application.candidate_id == candidate.id:
            return application
    prefix = "pilot_application:"
    if candidate.source.startswith(prefix):
        wanted = candidate.source.removeprefix(prefix)
        for application in call.applications:
            if str(application.id) == wanted:
                return application
    raise DomainError(_l("候选人“%(name)s”不是本次征集的申请单位。", name=candidate.name))


def announce(
    call: PilotCall,
    *,
    announced_on: date | None,
    commitment_due_on: date | None,
    actor: User,
    now: datetime,
) -> list[PilotEnterprise]:
    """公告: once the review is decided, one pilot per chosen candidate, numbered 1, 2 … in
    the ranking's order (digits 4–5 of its product codes), told on ``announced_on`` (确定通知书)
    and due to sign its commitment letter by ``commitment_due_on``."""
    require_manager(actor)
    review = call.review
    if call.status not in (CallStatus.REVIEWING, CallStatus.DECIDED) or review is None:
        raise DomainError(_l("只有详细评审中的征集才能公告推广单位。"))
    if review.status != ReviewStatus.DECIDED:
        raise DomainError(_l("评审尚未确定推广单位，不能公告。"))
    if announced_on is None:
        raise DomainError(_l("请填写公告日期。"), field="announced_on")
    if review.decided_on is not None and announced_on < review.decided_on:
        raise DomainError(_l("公告日期不能早于确定日期（%(d)s）。", d=review.decided_on))
    if commitment_due_on is None or commitment_due_on < announced_on:
        raise DomainError(_l("承诺书签订期限不能早于公告日期。"), field="commitment_due_on")
    selected = [c for c in review.candidates if c.selected]
    if not selected:
        raise DomainError(_l("评审没有确定任何推广单位。"))
    if call.max_selected is not None and len(selected) > call.max_selected:
        raise DomainError(
            _l(
                "确定的推广单位（%(n)s 家）超过征集上限（%(m)s 家）。",
                n=len(selected),
                m=call.max_selected,
            )
        )
    try:
        numbers = rules.number_pilots(
            [c.id for c in ranked_candidates(review)], [c.id for c in selected]
        )
    except ValueError as error:
        raise DomainError(_l("确定的推广单位不在评审排名中，无法编号。")) from error
    by_id = {c.id: c for c in selected}
    pilots = []
    for candidate_id, number in sorted(numbers.items(), key=lambda item: item[1]):
        application = _application_of(call, by_id[candidate_id])
        pilot = PilotEnterprise(
            call_id=call.id,
            application_id=application.id,
            name=application.name,
            number=number,
            province_id=application.province_id,
            city_id=application.city_id,
            notified_on=announced_on,
            status=PilotStatus.ANNOUNCED,
        )
        db.session.add(pilot)
        pilots.append(pilot)
    call.status = CallStatus.ANNOUNCED
    call.announced_on = announced_on
    call.commitment_due_on = commitment_due_on
    db.session.flush()
    return pilots


def record_commitment(
    pilot: PilotEnterprise,
    *,
    signed_on: date | None,
    hotline: str | None = None,
    actor: User,
    now: datetime,
) -> None:
    """The pilot signed its commitment letter (承诺书): ANNOUNCED → ACTIVE. ``hotline`` is the
    public reporting line it set up (第十六条(五)), shown on the public page."""
    require_manager(actor)
    if pilot.status != PilotStatus.ANNOUNCED:
        raise DomainError(_l("该试点企业不在待签订承诺书状态。"))
    if signed_on is None:
        raise DomainError(_l("请填写承诺书签订日期。"), field="signed_on")
    if pilot.notified_on is not None and signed_on < pilot.notified_on:
        raise DomainError(_l("签订日期不能早于确定通知书日期。"), field="signed_on")
    if signed_on > local_date(now):
        raise DomainError(_l("签订日期不能晚于今天。"), field="signed_on")
    pilot.commitment_signed_on = signed_on
    if hotline is not None and hotline.strip():
        pilot.hotline = hotline.strip()
    pilot.status = PilotStatus.ACTIVE
    db.session.flush()


def cancel(pilot: PilotEnterprise, *, reason: str, actor: User, now: datetime) -> None:
    """取消通过资格, with the reason: for a commitment letter not signed in time (only once
    the due date has passed), or for another ground (e.g. 第六条)."""
    require_manager(actor)
    if pilot.status == PilotStatus.CANCELLED:
        raise DomainError(_l("该试点企业已被取消资格。"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("请填写取消资格的理由。"), field="reason")
    due_on = pilot.call.commitment_due_on
    if reason == COMMITMENT_LATE and not rules.commitment_overdue(
        due_on, pilot.commitment_signed_on, local_date(now)
    ):
        raise DomainError(_l("承诺书签订期限尚未届满，或已签订承诺书。"), field="reason")
    pilot.status = PilotStatus.CANCELLED
    pilot.status_note = reason
    db.session.flush()


def public_pilots(call: PilotCall) -> list[PilotEnterprise]:
    """An announced call's pilots as the announcement lists them (public: every province)."""
    if call.status != CallStatus.ANNOUNCED:
        return []
    return list(
        db.session.scalars(
            select(PilotEnterprise)
            .where(PilotEnterprise.call_id == call.id)
            .order_by(PilotEnterprise.number)
        )
    )
