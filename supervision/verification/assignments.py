"""A unit's side of its tasks: splitting each to an agency and people (落实到核查机构，落实到人)
and marking it done. Every change takes the actor and the time, flushes and never commits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..core import access
from ..core.access import Permission
from ..core.errors import DomainError
from ..core.models import Organisation, Role, User, UserRole
from ..extensions import db
from .campaigns import NOT_ALLOWED, local_date, require_version
from .models import CampaignStatus, TaskStatus, VerificationTask
from .units import UNIT_KINDS


def may_split(task: VerificationTask, user) -> bool:
    """The unit's officers (and, for a 计划单列市, its province's) split an issued task."""
    return (
        access.can(user, Permission.RUN_VERIFICATION)
        and task.campaign.status == CampaignStatus.ISSUED
        and user.organisation_id in (task.unit_id, task.province_id)
    )


def may_complete(task: VerificationTask, user) -> bool:
    """Those who split it, or the officers of the agency it was given to."""
    return may_split(task, user) or (
        access.can(user, Permission.RUN_VERIFICATION)
        and task.campaign.status == CampaignStatus.ISSUED
        and task.agency_id is not None
        and user.organisation_id == task.agency_id
    )


def unit_org_ids(unit: Organisation) -> set[int]:
    """The unit and the organisations below it, without another unit's subtree (a province's
    计划单列市 report on their own)."""
    orgs = list(
        db.session.scalars(
            select(Organisation).where(
                or_(Organisation.id == unit.id, Organisation.path.startswith(unit.subtree_prefix)),
                Organisation.is_active.is_(True),
            )
        )
    )
    other_units = [o for o in orgs if o.id != unit.id and o.kind in UNIT_KINDS]
    return {
        o.id
        for o in orgs
        if not any(o.id == u.id or o.path.startswith(u.subtree_prefix) for u in other_units)
    }


def agency_choices(unit: Organisation) -> list[Organisation]:
    """Where the unit may give a task: itself or an agency below it."""
    ids = unit_org_ids(unit)
    orgs = db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))
    return sorted(orgs, key=lambda o: (o.id != unit.id, o.division_code or "", o.name))


def people_choices(unit: Organisation) -> list[User]:
    """Active inspectors and provincial officers of the unit (its agencies included)."""
    ids = unit_org_ids(unit)
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.active.is_(True),
                User.organisation_id.in_(ids),
                User.id.in_(
                    select(UserRole.user_id).where(
                        UserRole.role.in_((Role.INSPECTOR, Role.PROVINCIAL_OFFICER))
                    )
                ),
            )
            .options(selectinload(User.organisation))
            .order_by(User.organisation_id, User.username)
        )
    )


def assign_task(
    task: VerificationTask,
    *,
    agency_id: int | None,
    people_ids: Iterable[int],
    version: int | None,
    actor: User,
    now: datetime,
) -> None:
    """落实到核查机构，落实到人: give the task to an agency of the unit and its people."""
    if not may_split(task, actor):
        raise DomainError(NOT_ALLOWED)
    require_version(task, version)
    if task.status == TaskStatus.DONE:
        raise DomainError(_l("任务已完成，不能再调整核查机构和人员。"))
    allowed = unit_org_ids(task.unit)
    if agency_id is None:
        raise DomainError(_l("请选择核查机构。"), field="agency_id")
    if agency_id not in allowed:
        raise DomainError(_l("所选核查机构不属于本单位。"), field="agency_id")
    people_ids = set(people_ids)
    if not people_ids:
        raise DomainError(_l("请至少选择一名核查人员。"), field="people_ids")
    eligible = {u.id: u for u in people_choices(task.unit)}
    if people_ids - set(eligible):
        raise DomainError(
            _l("所选人员不属于本单位，或不是在岗的业务人员、监察人员。"), field="people_ids"
        )
    task.agency_id = agency_id
    task.people = sorted((eligible[i] for i in people_ids), key=lambda u: u.username)
    task.status = TaskStatus.ASSIGNED
    db.session.flush()


def complete_task(
    task: VerificationTask, *, version: int | None, actor: User, now: datetime
) -> None:
    """Mark a task done (已完成) on today's date; it must have been split first."""
    if not may_complete(task, actor):
        raise DomainError(NOT_ALLOWED)
    require_version(task, version)
    if task.status == TaskStatus.DONE:
        raise DomainError(_l("任务已经完成。"))
    if task.status != TaskStatus.ASSIGNED:
        raise DomainError(_l("请先将任务落实到核查机构和人员。"))
    task.status = TaskStatus.DONE
    task.done_on = local_date(now)
    db.session.flush()
