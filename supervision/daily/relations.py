"""Inspectors' declared relations to enterprises (利害关系申报): a draw never sends an
inspector to an enterprise he declared. Functions flush, never commit."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.errors import DomainError
from ..core.models import Organisation, Role, User
from ..enterprises.models import Enterprise
from ..extensions import db
from .definition import require_officer
from .models import InspectorRelation


def relations_of(province: Organisation) -> list[InspectorRelation]:
    return list(
        db.session.scalars(
            select(InspectorRelation)
            .where(InspectorRelation.province_id == province.id)
            .order_by(InspectorRelation.declared_on.desc(), InspectorRelation.id.desc())
        )
    )


def declare_relation(
    province: Organisation,
    *,
    actor: User | None,
    inspector: User | None,
    enterprise: Enterprise | None,
    relation: str,
    declared_on: date | None,
) -> InspectorRelation:
    """Record that ``inspector`` declared a relation to ``enterprise``: he will never be sent
    to it by a draw."""
    require_officer(actor, province.id)
    if (
        inspector is None
        or Role.INSPECTOR not in inspector.roles
        or inspector.organisation.province_org_id != province.id
    ):
        raise DomainError(_l("请选择本省的监察人员。"), "inspector_id")
    if enterprise is None or enterprise.province_id != province.id:
        raise DomainError(_l("请选择本省名录中的企业。"), "enterprise_id")
    text = (relation or "").strip()
    if not text:
        raise DomainError(_l("请填写利害关系。"), "relation")
    if len(text) > 120:
        raise DomainError(_l("利害关系不超过 120 个字。"), "relation")
    if declared_on is None:
        raise DomainError(_l("请填写申报日期。"), "declared_on")
    duplicate = db.session.scalar(
        select(InspectorRelation).where(
            InspectorRelation.inspector_id == inspector.id,
            InspectorRelation.enterprise_id == enterprise.id,
        )
    )
    if duplicate is not None:
        raise DomainError(
            _l(
                "%(name)s 已申报与 %(enterprise)s 的利害关系（%(relation)s），无需重复申报。",
                name=inspector.full_name,
                enterprise=enterprise.name,
                relation=duplicate.relation,
            ),
            "enterprise_id",
        )
    row = InspectorRelation(
        province_id=province.id,
        inspector_id=inspector.id,
        enterprise_id=enterprise.id,
        relation=text,
        declared_on=declared_on,
        recorded_by_id=actor.id if actor else None,
    )
    db.session.add(row)
    db.session.flush()
    return row


def remove_relation(relation: InspectorRelation, *, actor: User | None) -> None:
    """Withdraw a declared relation (runs already made keep it in what they stored)."""
    require_officer(actor, relation.province_id)
    db.session.delete(relation)
    db.session.flush()
