"""Pilot calls (征集): the ministry creates and edits a call, closes it, sends the applicants
that passed the formal review to the detailed review (an expert review), and announces the
pilots chosen; each pilot then signs its commitment letter or is cancelled. Every change takes
the actor and the time, flushes and never commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from ..core import access
from ..core.access import Permission
from ..core.clock import local_date
from ..core.errors import DomainError
from ..core.models import User
from ..core.versions import require_version
from ..extensions import db
from ..reviews import setup as review_setup
from ..reviews.models import Review, ReviewStatus
from .models import (
    Application,
    CallStatus,
    DocumentKind,
    FormalStatus,
    PilotCall,
    PilotEnterprise,
)
from .rules import formal as rules

NOT_ALLOWED = _l("您无权办理此事项。")
CALL_PROBLEMS = {
    "year": _l("推广年度应为 2000—2099 年之间的年份。"),
    "period": _l("征集截止日期不能早于开始日期。"),
    "no_class": _l("请至少填写一类推广产品。"),
    "no_qualification": _l("请至少填写一项资格条件。"),
    "no_document": _l("请至少选择一种必备证照。"),
    "unknown_document": _l("所选证照类别无效。"),
    "check_rate": _l("第三方核查比例应在 5%—10% 之间。"),
    "funding_cap": _l("资金规模应大于 0。"),
    "max_selected": _l("征集上限应为 1—99 家。"),
}


def require_manager(actor: User) -> None:
    if not access.can(actor, Permission.MANAGE_PILOTS):
        raise DomainError(NOT_ALLOWED)


# -- the call ------------------------------------------------------------------------------------


@dataclass
class CallData:
    """A call's facts as the ministry states them (check_rate a fraction: 0.05 is 5 %)."""

    name: str
    year: int | None
    opens_on: date | None
    closes_on: date | None
    notice_number: str = ""
    product_classes: list[dict] = field(default_factory=list)
    qualifications: list[str] = field(default_factory=list)
    required_documents: list[str] = field(default_factory=list)
    funding_cap_wan: Decimal | None = None
    max_selected: int | None = None
    check_rate: Decimal | None = rules.CHECK_RATE_MIN
    #: The pilot's last trading day (monthly packs and quarterly reports owed up to it).
    trading_ends_on: date | None = None

    def problems(self) -> list[tuple[str, str]]:
        return rules.call_problems(
            year=self.year,
            opens_on=self.opens_on,
            closes_on=self.closes_on,
            product_classes=self.product_classes,
            qualifications=self.qualifications,
            required_documents=self.required_documents,
            known_documents=[k.value for k in DocumentKind],
            check_rate=self.check_rate,
            funding_cap_wan=self.funding_cap_wan,
            max_selected=self.max_selected,
        )


def _check(data: CallData) -> None:
    if not (data.name or "").strip():
        raise DomainError(_l("请填写征集名称。"), field="name")
    if data.opens_on is None or data.closes_on is None:
        raise DomainError(_l("请填写日期（YYYY-MM-DD）。"), field="closes_on")
    problems = data.problems()
    if problems:
        key, name = problems[0]
        raise DomainError(CALL_PROBLEMS[key], field=name)
    if data.trading_ends_on is not None and data.trading_ends_on <= data.closes_on:
        raise DomainError(_l("试点截止日期应晚于征集截止日期。"), field="trading_ends_on")


def _reviewed(call: PilotCall) -> bool:
    return any(a.formal_status != FormalStatus.PENDING for a in call.applications)


def create_call(data: CallData, *, actor: User, now: datetime) -> PilotCall:
    """A new call, open for applications."""
    require_manager(actor)
    _check(data)
    call = PilotCall(status=CallStatus.OPEN, created_by_id=actor.id, created_at=now)
    _apply(call, data, facts=True, conditions=True)
    db.session.add(call)
    db.session.flush()
    return call


def update_call(
    call: PilotCall, data: CallData, *, version: int | None, actor: User, now: datetime
) -> PilotCall:
    """Change a call. Its name, notice number and check rate may always change; its dates,
    products and funds until it goes to the detailed review; its qualifications and required
    documents until the first formal review (the findings are recorded against them)."""
    require_manager(actor)
    require_version(call, version)
    _check(data)
    facts = call.status in (CallStatus.OPEN, CallStatus.CLOSED)
    conditions = facts and not _reviewed(call)
    if not facts and _facts_differ(call, data):
        raise DomainError(_l("征集已进入详细评审，不能再更改日期、产品和资金。"))
    if not conditions and (
        list(call.qualifications) != data.qualifications
        or set(call.required_documents) != set(data.required_documents)
    ):
        raise DomainError(
            _l("已有申请单位完成形式审查，不能再更改资格条件和必备证照。"),
            field="qualifications",
        )
    _apply(call, data, facts=facts, conditions=conditions)
    db.session.flush()
    return call


def _facts_differ(call: PilotCall, data: CallData) -> bool:
    return (
        call.year != data.year
        or call.opens_on != data.opens_on
        or call.closes_on != data.closes_on
        or list(call.product_classes) != data.product_classes
        or call.funding_cap_wan != data.funding_cap_wan
        or call.max_selected != data.max_selected
    )


def _apply(call: PilotCall, data: CallData, *, facts: bool, conditions: bool) -> None:
    call.name = data.name.strip()
    call.notice_number = (data.notice_number or "").strip()
    call.check_rate = data.check_rate
    call.trading_ends_on = data.trading_ends_on
    if facts:
        call.year = data.year
        call.opens_on = data.opens_on
        call.closes_on = data.closes_on
        call.product_classes = list(data.product_classes)
        call.funding_cap_wan = data.funding_cap_wan
        call.max_selected = data.max_selected
    if conditions:
        call.qualifications = list(data.qualifications)
        call.required_documents = [
            k.value for k in DocumentKind if k.value in data.required_documents
        ]


def close_call(call: PilotCall, *, early: bool = False, actor: User, now: datetime) -> None:
    """OPEN → CLOSED (征集结束): on or after the closing date; before it only when the ministry
    says so (``early``), and the call then closes today (the formal review counts from it)."""
    require_manager(actor)
    if call.status != CallStatus.OPEN:
        raise DomainError(_l("该征集已经截止。"))
    today = local_date(now)
    if today < call.closes_on:
        if not early:
            raise DomainError(
                _l("征集截止日期（%(d)s）未到；如需提前截止，请确认提前截止。", d=call.closes_on)
            )
        if today < call.opens_on:
            raise DomainError(_l("征集尚未开始，不能截止。"))
        call.closes_on = today
    call.status = CallStatus.CLOSED
    db.session.flush()


def call_stage(call: PilotCall) -> CallStatus:
    """The call's stage as shown: REVIEWING becomes DECIDED once its review is decided."""
    if (
        call.status == CallStatus.REVIEWING
        and call.review is not None
        and call.review.status == ReviewStatus.DECIDED
    ):
        return CallStatus.DECIDED
    return call.status


@dataclass(frozen=True)
class Progress:
    """How far the formal review of some applications is."""

    pending: int
    passed: int
    failed: int

    @property
    def total(self) -> int:
        return self.pending + self.passed + self.failed


def formal_progress(applications) -> Progress:
    statuses = [a.formal_status for a in applications]
    return Progress(
        statuses.count(FormalStatus.PENDING),
        statuses.count(FormalStatus.PASSED),
        statuses.count(FormalStatus.FAILED),
    )


def scoped_applications(call: PilotCall, user) -> list[Application]:
    """The call's applicants ``user`` may see (a province: its own), in order of entry."""
    return list(
        db.session.scalars(
            access.scoped(Application, user)
            .where(Application.call_id == call.id)
            .order_by(Application.id)
        )
    )


def scoped_pilots(call: PilotCall, user) -> list[PilotEnterprise]:
    """The call's pilots ``user`` may see, by number."""
    return list(
        db.session.scalars(
            access.scoped(PilotEnterprise, user)
            .where(PilotEnterprise.call_id == call.id)
            .order_by(PilotEnterprise.number)
        )
    )


# -- to the detailed review -----------------------------------------------------------------------


def review_title(call: PilotCall) -> str:
    """Title of the review: "2014 年…推广试点企业征集" → "2014 年…推广试点企业评审"."""
    name = call.name.strip()
    return (name.removesuffix("征集") if name.endswith("征集") else name) + "评审"


def send_to_review(
    call: PilotCall, setup: review_setup.ReviewData, *, actor: User, now: datetime
) -> Review:
    """CLOSED → REVIEWING: the call's review (set up as any review is, with the call's funds
    and limit), with one candidate per applicant that passed the formal review, in the order
    they applied; refused while any applicant is still to be reviewed."""
    require_manager(actor)
    if call.status != CallStatus.CLOSED or call.review_id is not None:
        raise DomainError(_l("只有已截止、尚未进入详细评审的征集才能组织详细评审。"))
    applications = list(call.applications)
    if any(a.formal_status == FormalStatus.PENDING for a in applications):
        raise DomainError(_l("还有申请单位未完成形式审查。"))
    passed = [a for a in applications if a.formal_status == FormalStatus.PASSED]
    if not passed:
        raise DomainError(_l("没有通过形式审查的申请单位，无法进入详细评审。"))
    if setup.meets_on is not None and setup.meets_on <= call.closes_on:
        raise DomainError(_l("详细评审日期应在征集截止日期之后。"), field="meets_on")
    setup.funding_cap_wan = call.funding_cap_wan
    setup.max_selected = call.max_selected
    review = review_setup.create_review(setup, actor=actor, now=now)
    for application in passed:
        candidate = review_setup.add_candidate(
            review,
            review_setup.CandidateData(
                name=application.name,
                short_name_en=application.short_name_en,
                principal=application.principal,
                requested_wan=application.requested_wan,
            ),
            actor=actor,
            source=f"pilot_application:{application.id}",
        )
        application.candidate_id = candidate.id
    call.review_id = review.id
    call.status = CallStatus.REVIEWING
    db.session.flush()
    return review
