"""Who may issue a notice and record its steps: officers of the province (or of the agency's
subtree) and the inspectors of the case, or of the 回头看 of the enterprise."""

from __future__ import annotations

from ..core import access
from ..core.access import Permission
from ..core.models import Organisation, OrgKind, Role, User
from ..extensions import db
from ..inspections import service as case_service
from ..inspections.models import InspectionCase
from ..tasks.models import TaskCategory
from .models import RectificationNotice


def _officer_covers(user: User, province_id: int, agency: Organisation | None) -> bool:
    """A provincial officer of the province, or of the agency's subtree."""
    if Role.PROVINCIAL_OFFICER not in user.roles:
        return False
    org = user.organisation
    if org.kind == OrgKind.PROVINCE:
        return province_id == org.id
    return agency is not None and (
        agency.id == org.id or agency.path.startswith(org.subtree_prefix)
    )


def _assigned(case: InspectionCase | None, user: User) -> bool:
    return (
        case is not None and Role.INSPECTOR in user.roles and case_service.is_assigned(case, user)
    )


def may_issue(case: InspectionCase, user: User) -> bool:
    """Officers of the case's province (or agency subtree) and the case's inspectors."""
    if not access.can(user, Permission.MANAGE_RECTIFICATION):
        return False
    return _officer_covers(user, case.province_id, case.agency) or _assigned(case, user)


def review_cases(notice: RectificationNotice, user: User) -> list[InspectionCase]:
    """The category-五 cases of the notice's enterprise ``user`` may see (the 回头看)."""
    return list(
        db.session.scalars(
            access.scoped(InspectionCase, user)
            .where(
                InspectionCase.enterprise_id == notice.enterprise_id,
                InspectionCase.category == TaskCategory.RECTIFICATION_REVIEW.value,
            )
            .order_by(InspectionCase.id.desc())
        )
    )


def may_manage(
    notice: RectificationNotice, user: User, *, case: InspectionCase | None = None
) -> bool:
    """Officers of the notice's province (or agency subtree), the inspectors of the case that
    issued it, and those doing the 回头看 of its enterprise (``case``, or any of theirs)."""
    if not access.can(user, Permission.MANAGE_RECTIFICATION):
        return False
    if _officer_covers(user, notice.province_id, notice.agency) or _assigned(notice.case, user):
        return True
    if Role.INSPECTOR not in user.roles:
        return False
    if case is not None:
        return case.enterprise_id == notice.enterprise_id and _assigned(case, user)
    return any(_assigned(c, user) for c in review_cases(notice, user))
