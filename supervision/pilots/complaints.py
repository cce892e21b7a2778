"""Complaints about the pilots (seed 003 第二十三条, 第二十四条): registered with a number of the
province and year, given to an investigator of the province, investigated, concluded (the
finding, the handling, a referral to a department where the law asks for one) and the finding
published within 30 working days of receipt. Publishing late is allowed and shown as such.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from ..calendar.service import current_calendar
from ..core import access
from ..core.access import Permission
from ..core.errors import DomainError
from ..core.models import Organisation, OrgKind, Role, User, UserRole
from ..core.workdays import CalendarNotAvailable
from ..extensions import db
from .daily_models import Complaint, ComplaintChannel, ComplaintStatus
from .models import Outlet, PilotEnterprise
from .rules.complaints import complaint_due, complaint_number

#: Roles an investigator may hold (a user of the province doing the work).
INVESTIGATOR_ROLES = (Role.PROVINCIAL_OFFICER, Role.INSPECTOR)


def local_day(now: datetime) -> date:
    return now.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


def _require_province(actor, province_id: int) -> None:
    if actor is None or access.sees_everything(actor):
        return
    if actor.organisation.province_org_id != province_id:
        raise DomainError(_("只能处理本省收到的举报。"))


def _text(value: str | None) -> str:
    return (value or "").strip()


def next_number(province: Organisation, year: int) -> str:
    """The next number of the province's register in ``year`` (the year of receipt): 1, 2, 3 …
    Complaints are never deleted, so the count of the year's complaints + 1 is free; the
    province's row is locked while counting so two registrations cannot take the same one
    (PostgreSQL; SQLite writes one at a time)."""
    db.session.execute(
        select(Organisation.id).where(Organisation.id == province.id).with_for_update()
    )
    count = db.session.scalar(
        select(func.count())
        .select_from(Complaint)
        .where(
            Complaint.province_id == province.id,
            Complaint.received_on >= date(year, 1, 1),
            Complaint.received_on <= date(year, 12, 31),
        )
    )
    return complaint_number(province.division_code, province.name, year, (count or 0) + 1)


def register_complaint(
    *,
    actor,
    now: datetime,
    channel: ComplaintChannel | str,
    received_on: date | None,
    summary: str,
    complainant: str = "",
    contact: str = "",
    pilot: PilotEnterprise | None = None,
    outlet: Outlet | None = None,
    province: Organisation | None = None,
) -> Complaint:
    """Register a complaint received by mailbox, phone or e-mail (the complainant may stay
    anonymous). Its province is the pilot's (or the outlet's), else the actor's, else — for
    the ministry — ``province``. Due 30 working days after receipt."""
    try:
        channel = ComplaintChannel(channel)
    except ValueError:
        raise DomainError(_("请选择举报渠道。"), "channel") from None
    if received_on is None:
        raise DomainError(_("请填写收到日期。"), "received_on")
    if received_on > local_day(now):
        raise DomainError(_("收到日期不能晚于今天。"), "received_on")
    summary = _text(summary)
    if not summary:
        raise DomainError(_("请填写举报内容。"), "summary")
    if outlet is not None:
        if pilot is not None and outlet.pilot_id != pilot.id:
            raise DomainError(_("所选网点不属于所选试点企业。"), "outlet_id")
        pilot = outlet.pilot
    if pilot is not None:
        province = pilot.province
    elif actor is not None and not access.sees_everything(actor):
        province = db.session.get(Organisation, actor.organisation.province_org_id)
    if province is None or province.kind != OrgKind.PROVINCE:
        raise DomainError(_("请选择受理举报的省份或涉及的试点企业。"), "province_id")
    _require_province(actor, province.id)
    try:
        due_on = complaint_due(received_on, current_calendar())
    except CalendarNotAvailable as error:
        raise DomainError(
            _("尚无 %(year)s 年的法定节假日安排，无法计算公开期限。", year=error.year),
            "received_on",
        ) from None
    complaint = Complaint(
        call_id=pilot.call_id if pilot is not None else None,
        province_id=province.id,
        number=next_number(province, received_on.year),
        channel=channel,
        received_on=received_on,
        due_on=due_on,
        complainant=_text(complainant),
        contact=_text(contact),
        pilot_id=pilot.id if pilot is not None else None,
        outlet_id=outlet.id if outlet is not None else None,
        summary=summary,
        status=ComplaintStatus.REGISTERED,
        created_by_id=actor.id if actor is not None else None,
        created_at=now,
    )
    db.session.add(complaint)
    db.session.flush()
    return complaint


def investigators_select(province_id: int):
    """Active officers and inspectors working in the province (its own staff or an agency
    below it), by name."""
    in_province = select(Organisation.id).where(
        or_(Organisation.id == province_id, Organisation.province_id == province_id)
    )
    with_role = select(UserRole.user_id).where(UserRole.role.in_(INVESTIGATOR_ROLES))
    return (
        select(User)
        .where(
            User.active.is_(True),
            User.organisation_id.in_(in_province),
            User.id.in_(with_role),
        )
        .order_by(User.full_name, User.id)
    )


def _require_status(complaint: Complaint, *allowed: ComplaintStatus) -> None:
    if complaint.status not in allowed:
        raise DomainError(_("举报当前状态为“%(s)s”，不能进行此操作。", s=complaint.status.label))


def assign_investigator(complaint: Complaint, investigator: User | None, *, actor, now) -> None:
    """Give the complaint to an officer or inspector of its province (again: to another)."""
    _require_province(actor, complaint.province_id)
    _require_status(complaint, ComplaintStatus.REGISTERED, ComplaintStatus.INVESTIGATING)
    eligible = investigator is not None and db.session.scalar(
        investigators_select(complaint.province_id).where(User.id == investigator.id)
    )
    if not eligible:
        raise DomainError(_("调查人须为本省在职的业务人员或监察人员。"), "investigator_id")
    complaint.investigator_id = investigator.id
    complaint.status = ComplaintStatus.INVESTIGATING
    db.session.flush()


def may_investigate(complaint: Complaint, user) -> bool:
    """The investigator, or an officer running the pilots (of the province or the ministry)."""
    if user is None:
        return True
    return complaint.investigator_id == user.id or access.can(user, Permission.RUN_PILOTS)


def record_investigation(complaint: Complaint, text: str, *, actor, now) -> None:
    """What the investigation found so far (rewritten as it goes on)."""
    _require_province(actor, complaint.province_id)
    _require_status(complaint, ComplaintStatus.INVESTIGATING)
    if not may_investigate(complaint, actor):
        raise DomainError(_("只有调查人或试点管理人员可以填写调查情况。"))
    text = _text(text)
    if not text:
        raise DomainError(_("请填写调查情况。"), "investigation")
    complaint.investigation = text
    db.session.flush()


def conclude(
    complaint: Complaint, *, finding: str, handling: str, referred_to: str = "", actor, now
) -> None:
    """The finding (核实情况) and the handling (处理意见) to publish, and the department the
    matter was referred to, if any (依法转相关部门处理). Concluded today; may be revised until
    it is published."""
    _require_province(actor, complaint.province_id)
    _require_status(complaint, ComplaintStatus.INVESTIGATING, ComplaintStatus.CONCLUDED)
    if not complaint.investigation:
        raise DomainError(_("请先填写调查情况。"))
    finding, handling = _text(finding), _text(handling)
    if not finding:
        raise DomainError(_("请填写核实情况。"), "finding")
    if not handling:
        raise DomainError(_("请填写处理意见。"), "handling")
    complaint.finding = finding
    complaint.handling = handling
    complaint.referred_to = _text(referred_to)
    complaint.concluded_on = local_day(now)
    complaint.status = ComplaintStatus.CONCLUDED
    db.session.flush()


def publish(complaint: Complaint, *, published_on: date | None, published_at: str, actor, now):
    """The finding and handling published on the website or medium ``published_at`` on
    ``published_on`` (not before it was concluded, not in the future). After the due day it
    is still published, and shown as 逾期公开."""
    _require_province(actor, complaint.province_id)
    _require_status(complaint, ComplaintStatus.CONCLUDED)
    if published_on is None:
        raise DomainError(_("请填写公开日期。"), "published_on")
    if published_on > local_day(now):
        raise DomainError(_("公开日期不能晚于今天。"), "published_on")
    if complaint.concluded_on is not None and published_on < complaint.concluded_on:
        raise DomainError(_("公开日期不能早于核实日期。"), "published_on")
    published_at = _text(published_at)
    if not published_at:
        raise DomainError(_("请填写公开的网站或媒体。"), "published_at")
    complaint.published_on = published_on
    complaint.published_at = published_at
    complaint.status = ComplaintStatus.PUBLISHED
    db.session.flush()


def published_select():
    """Published complaints, newest first: what the public page shows (every province)."""
    return select(Complaint).where(Complaint.status == ComplaintStatus.PUBLISHED)
