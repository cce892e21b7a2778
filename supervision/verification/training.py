"""Regional training sessions of a campaign (seed 000 附件): the province-to-venue table
(附表1), the sessions the ministry sets up, and each unit's registration receipt (报名回执单,
附表2). Every change takes the actor and the time, flushes and never commits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core import access
from ..core.access import Permission
from ..core.errors import DomainError
from ..core.models import Organisation, OrgKind, User
from ..extensions import db
from . import campaigns
from .models import TrainingRegistration, TrainingSession, VerificationCampaign
from .rules import campaigns as campaign_rules
from .rules import training as rules

ATTENDEE_PROBLEMS = {
    "none": _l("请至少填写一名参加培训人员的姓名。"),
    "unnamed": _l("填写了职务、电话的行请同时填写姓名。"),
}


@dataclass
class SessionData:
    region: str
    held_on: date | None
    venue: str
    hours: str = ""
    address: str = ""
    contacts: str = ""
    phones: str = ""
    fax: str = ""
    register_by: date | None = None


@dataclass
class RegistrationData:
    """附表2 as filled in: up to four people (the fourth with a name and mobile only)."""

    unit_name: str
    attendees: list[dict] = field(default_factory=list)
    fax: str = ""
    email: str = ""
    room_needed: bool = False
    remarks: str = ""


# -- what is shown ------------------------------------------------------------------------------


def sessions_of(campaign: VerificationCampaign, user=None) -> list[TrainingSession]:
    return list(
        db.session.scalars(
            access.scoped(
                select(TrainingSession).where(TrainingSession.campaign_id == campaign.id), user
            )
            .options(selectinload(TrainingSession.units))
            .order_by(TrainingSession.held_on, TrainingSession.id)
        )
    )


def registrations_of(campaign: VerificationCampaign, user=None) -> dict:
    """{(session id, unit id): registration} of the campaign that ``user`` may see (the
    ministry all, a province its own units')."""
    found = db.session.scalars(
        access.scoped(
            select(TrainingRegistration)
            .join(TrainingSession, TrainingSession.id == TrainingRegistration.session_id)
            .where(TrainingSession.campaign_id == campaign.id),
            user,
        )
    )
    return {(r.session_id, r.unit_id): r for r in found}


@dataclass
class TableBlock:
    """One session of 附表1 with its units, numbered on from the block before (序号)."""

    session: TrainingSession
    first_number: int
    units: list[Organisation]


def training_table(campaign: VerificationCampaign, user=None) -> list[TableBlock]:
    """附表1: each session with the units assigned to it, numbered 1, 2 … across sessions."""
    blocks: list[TableBlock] = []
    number = 1
    for session in sessions_of(campaign, user):
        units = _notice_order(session.units)
        blocks.append(TableBlock(session, number, units))
        number += len(units)
    return blocks


def _notice_order(units: Iterable[Organisation]) -> list[Organisation]:
    # A 计划单列市 follows its province, as the notice lists them.
    def key(unit: Organisation):
        code = unit.division_code or ""
        return (code[:2], unit.kind != OrgKind.PROVINCE, code)

    return sorted(units, key=key)


def assignable_units(campaign: VerificationCampaign) -> list[Organisation]:
    """The units a session may take: the campaign's (all units while it has no tasks)."""
    unit_ids = set(campaigns.campaign_unit_ids(campaign))
    units = campaigns.campaign_units()
    return [u for u in units if u.id in unit_ids] if unit_ids else units


def unassigned_units(campaign: VerificationCampaign) -> list[Organisation]:
    taken = {u.id for s in campaign.training_sessions for u in s.units}
    return [u for u in assignable_units(campaign) if u.id not in taken]


def user_units(user) -> list[Organisation]:
    """The units ``user`` registers for: his provincial unit (with its 计划单列市) or his
    计划单列市; nobody else sends a unit's receipt."""
    if not access.can(user, Permission.RUN_VERIFICATION):
        return []
    org = user.organisation
    if org.kind == OrgKind.PLAN_CITY:
        return [org]
    if org.kind == OrgKind.PROVINCE:
        return [org] + [c for c in org.children if c.kind == OrgKind.PLAN_CITY and c.is_active]
    return []


def unit_sessions(campaign: VerificationCampaign, unit: Organisation, user=None):
    """The sessions ``unit`` is assigned to, each with its receipt (if ``user`` may see it)."""
    registered = registrations_of(campaign, user)
    return [
        (s, registered.get((s.id, unit.id))) for s in sessions_of(campaign, user) if unit in s.units
    ]


# -- the ministry: sessions ---------------------------------------------------------------------


def _check_session(
    campaign: VerificationCampaign,
    data: SessionData,
    unit_ids: list[int],
    session: TrainingSession | None,
) -> list[Organisation]:
    if not (data.region or "").strip():
        raise DomainError(_l("请填写片区。"), field="region")
    if data.held_on is None:
        raise DomainError(_l("请填写培训日期。"), field="held_on")
    if not (data.venue or "").strip():
        raise DomainError(_l("请填写培训地点。"), field="venue")
    if data.register_by is not None and data.register_by > data.held_on:
        raise DomainError(_l("报名截止日期不能晚于培训日期。"), field="register_by")
    allowed = {u.id: u for u in assignable_units(campaign)}
    if set(unit_ids) - set(allowed):
        raise DomainError(_l("所选单位不在本次核查任务中。"), field="unit_ids")
    taken = {
        u.id: s.region
        for s in campaign.training_sessions
        if session is None or s.id != session.id
        for u in s.units
    }
    clash = [allowed[i].name for i in unit_ids if i in taken]
    if clash:
        raise DomainError(
            _l("以下单位已安排在其他培训场次：%(names)s", names="、".join(clash)),
            field="unit_ids",
        )
    return [allowed[i] for i in unit_ids]


def _apply_session(session: TrainingSession, data: SessionData) -> None:
    session.region = data.region.strip()
    session.held_on = data.held_on
    session.hours = (data.hours or "").strip()
    session.venue = data.venue.strip()
    session.address = (data.address or "").strip()
    session.contacts = (data.contacts or "").strip()
    session.phones = (data.phones or "").strip()
    session.fax = (data.fax or "").strip()
    session.register_by = data.register_by


def create_session(
    campaign: VerificationCampaign,
    data: SessionData,
    *,
    unit_ids: Iterable[int],
    actor: User,
    now: datetime,
) -> TrainingSession:
    """A session of the campaign with its units (a unit goes to one session only)."""
    if not access.can(actor, Permission.MANAGE_CAMPAIGNS):
        raise DomainError(campaigns.NOT_ALLOWED)
    units = _check_session(campaign, data, list(unit_ids), None)
    session = TrainingSession(campaign=campaign, units=units)
    _apply_session(session, data)
    db.session.add(session)
    db.session.flush()
    return session


def update_session(
    session: TrainingSession,
    data: SessionData,
    *,
    unit_ids: Iterable[int],
    actor: User,
    now: datetime,
) -> None:
    """Change a session; a unit taken off it keeps no receipt for it."""
    if not access.can(actor, Permission.MANAGE_CAMPAIGNS):
        raise DomainError(campaigns.NOT_ALLOWED)
    units = _check_session(session.campaign, data, list(unit_ids), session)
    _apply_session(session, data)
    session.units = units
    kept = {u.id for u in units}
    for registration in list(session.registrations):
        if registration.unit_id not in kept:
            session.registrations.remove(registration)
    db.session.flush()


# -- a unit: its registration receipt -----------------------------------------------------------


def registration_of(session: TrainingSession, unit: Organisation) -> TrainingRegistration | None:
    return db.session.scalar(
        select(TrainingRegistration).where(
            TrainingRegistration.session_id == session.id,
            TrainingRegistration.unit_id == unit.id,
        )
    )


def registration_problem(session: TrainingSession, unit: Organisation, user, today: date):
    """Why ``user`` cannot send or change ``unit``'s receipt for ``session`` now, or None."""
    if unit not in session.units:
        return _l("本单位未安排参加该场培训。")
    if unit.id not in {u.id for u in user_units(user)}:
        return _l("只有该单位的业务人员可以填报报名回执。")
    if not rules.registration_open(today, session.held_on):
        return _l(
            "培训日期（%(d)s）已到，报名回执不能再提交或修改。", d=session.held_on.isoformat()
        )
    return None


def save_registration(
    session: TrainingSession,
    unit: Organisation,
    data: RegistrationData,
    *,
    actor: User,
    now: datetime,
) -> TrainingRegistration:
    """Send (or change) the unit's one receipt for the session."""
    problem = registration_problem(session, unit, actor, campaigns.local_date(now))
    if problem:
        raise DomainError(problem)
    if not (data.unit_name or "").strip():
        raise DomainError(_l("请填写单位名称。"), field="unit_name")
    attendees_problem = rules.attendees_problem(data.attendees)
    if attendees_problem:
        raise DomainError(ATTENDEE_PROBLEMS[attendees_problem], field="attendees")
    registration = registration_of(session, unit)
    if registration is None:
        registration = TrainingRegistration(
            session_id=session.id, unit_id=unit.id, province_id=unit.province_org_id
        )
        db.session.add(registration)
    registration.unit_name = data.unit_name.strip()
    registration.attendees = rules.kept_attendees(data.attendees)
    registration.fax = (data.fax or "").strip()
    registration.email = (data.email or "").strip()
    registration.room_needed = bool(data.room_needed)
    registration.remarks = (data.remarks or "").strip()
    registration.submitted_by_id = actor.id
    registration.submitted_at = now
    db.session.flush()
    return registration


# -- the demo: the 2013 notice's sessions -------------------------------------------------------


def add_training_from_seed(campaign: VerificationCampaign) -> list[TrainingSession]:
    """The four sessions of seed 000 附表1 (北京, 成都, 广东, 南京) with their units, in the
    year of the campaign's issue (or of its result deadline). Names as the notice prints them
    (内蒙古, 宁夏, 大连市 …) are matched to the registered units; units the campaign has no
    task for are left out. A session whose 片区 the campaign already has is skipped, so it
    may run twice. Returns the sessions added; flushes."""
    year = (campaign.issued_on or campaign.result_due_on).year
    units = assignable_units(campaign)
    index = campaigns.unit_index(units)
    by_id = {u.id: u for u in units}
    have = {s.region for s in campaign.training_sessions}
    register_by = date(year, *rules.SEED_REGISTER_BY)
    added = []
    for seed in rules.SEED_SESSIONS:
        if seed["region"] in have:
            continue
        found = [campaign_rules.find_unit(index, name) for name in seed["units"]]
        session = TrainingSession(
            campaign=campaign,
            region=seed["region"],
            held_on=date(year, *seed["held_on"]),
            hours=seed["hours"],
            venue=seed["venue"],
            address=seed["address"],
            contacts=seed["contacts"],
            phones=seed["phones"],
            fax=seed["fax"],
            register_by=register_by,
            units=[by_id[i] for i in found if i is not None],
        )
        db.session.add(session)
        added.append(session)
    db.session.flush()
    return added
