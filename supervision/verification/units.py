"""The campaign and unit a verification page is about, as the user may see them, and who sees
personal data in clear.

Every verification page below a unit goes through ``unit_or_404``; personal data (phones, ID
numbers, names of private buyers, addresses) is shown in clear only to the people of one of the
unit's tasks in the campaign (those doing the checks), and each such view is audited.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import exists, select

from ..core import access, audit
from ..core.models import Organisation, OrgKind
from ..extensions import db
from .models import VerificationCampaign, VerificationTask, verification_task_people

#: The kinds of organisation a campaign's tasks are issued to.
UNIT_KINDS = (OrgKind.PROVINCE, OrgKind.PLAN_CITY)


def campaign_or_404(campaign_id: int, user=None) -> VerificationCampaign:
    return access.get_or_404(VerificationCampaign, campaign_id, user)


def may_see_unit(campaign: VerificationCampaign, unit: Organisation, user=None) -> bool:
    """The unit has a task in the campaign that ``user`` may see, or ``user`` is at the ministry."""
    user = user or current_user
    if access.sees_everything(user):
        return True
    visible = access.scoped(
        select(VerificationTask.id).where(
            VerificationTask.campaign_id == campaign.id, VerificationTask.unit_id == unit.id
        ),
        user,
    )
    return db.session.scalar(visible.limit(1)) is not None


def unit_or_404(campaign: VerificationCampaign, unit_id: int, user=None) -> Organisation:
    """The unit (provincial unit or 计划单列市) with a task in ``campaign`` that ``user`` may see."""
    unit = db.session.get(Organisation, unit_id)
    if unit is None or unit.kind not in UNIT_KINDS:
        abort(404)
    has_task = db.session.scalar(
        select(
            exists().where(
                VerificationTask.campaign_id == campaign.id, VerificationTask.unit_id == unit.id
            )
        )
    )
    if not has_task or not may_see_unit(campaign, unit, user):
        abort(404)
    return unit


def sees_personal_data(campaign_id: int, unit_id: int, user=None) -> bool:
    """Whether ``user`` is one of the people of a task of this unit in this campaign."""
    user = user or current_user
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    VerificationTask.campaign_id == campaign_id,
                    VerificationTask.unit_id == unit_id,
                    VerificationTask.id == verification_task_people.c.task_id,
                    verification_task_people.c.user_id == user.id,
                )
            )
        )
    )


def record_personal_view(
    *, what: str, entity: str, entity_id: str | int, label: str, province_id: int, rows: int
) -> None:
    """Audit one view (page or export) of personal data in clear: who, what, how many rows."""
    audit.record(
        db.session,
        action="view_personal_data",
        entity=entity,
        entity_id=str(entity_id),
        label=label,
        scope_org_id=province_id,
        changes={"view": (None, what), "rows": (None, rows)},
    )
