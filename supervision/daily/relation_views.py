"""Inspectors' declared relations to enterprises (利害关系申报): the province's list, declaring
one, removing one. A declared relation keeps the inspector away from that enterprise in every
draw (回避)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from ..core import access
from ..core.access import Permission, requires
from ..core.clock import local_today
from ..core.errors import DomainError
from ..core.models import User
from ..enterprises.models import Enterprise
from ..extensions import db
from . import bp, service
from .forms import RelationForm
from .models import InspectorRelation
from .views import call, user_province


def _find_enterprise(province, text: str) -> Enterprise:
    """The province's enterprise with this credit code, or this exact name."""
    found = list(
        db.session.scalars(
            access.scoped(Enterprise)
            .where(
                Enterprise.province_id == province.id,
                or_(Enterprise.credit_code == text.upper(), Enterprise.name == text),
            )
            .limit(2)
        )
    )
    if not found:
        raise DomainError(
            _("本省企业名录中没有该企业：请填写统一社会信用代码或完整名称。"), "enterprise"
        )
    if len(found) > 1:
        raise DomainError(_("有多家企业同名：请填写统一社会信用代码。"), "enterprise")
    return found[0]


def _page(province, form: RelationForm, status: int = 200):
    relations = list(
        db.session.scalars(
            access.scoped(InspectorRelation)
            .join(User, User.id == InspectorRelation.inspector_id)
            .where(InspectorRelation.province_id == province.id)
            .order_by(User.full_name, InspectorRelation.declared_on.desc(), InspectorRelation.id)
        )
    )
    enterprises = db.session.execute(
        access.scoped(select(Enterprise.credit_code, Enterprise.name))
        .where(Enterprise.province_id == province.id)
        .order_by(Enterprise.name)
    ).all()
    return (
        render_template(
            "daily/relations.html",
            province=province,
            relations=relations,
            form=form,
            enterprises=enterprises,
        ),
        status,
    )


@bp.route("/relations", methods=["GET", "POST"])
@requires(Permission.RUN_DAILY_DRAWS)
def relations():
    """The province's declared relations, and the form to record a declaration."""
    province = user_province()
    inspectors = service.inspector_pool(province)
    form = RelationForm(inspectors=inspectors)
    if not form.is_submitted():
        form.declared_on.data = local_today()
    if form.validate_on_submit():
        inspector = next((u for u in inspectors if str(u.id) == form.inspector_id.data), None)

        def declare():
            enterprise = _find_enterprise(province, form.enterprise.data)
            return service.declare_relation(
                province,
                actor=current_user,
                inspector=inspector,
                enterprise=enterprise,
                relation=form.relation.data,
                declared_on=form.declared_on.data,
            )

        ok, relation = call(form, declare)
        if ok:
            flash(
                _(
                    "已登记：%(who)s 与 %(what)s 存在利害关系，抽取时回避。",
                    who=relation.inspector.full_name,
                    what=relation.enterprise.name,
                ),
                "success",
            )
            return redirect(url_for(".relations"))
    return _page(province, form, 422 if form.is_submitted() else 200)


@bp.post("/relations/<int:relation_id>/remove")
@requires(Permission.RUN_DAILY_DRAWS)
def remove_relation(relation_id: int):
    """Remove a declaration (it no longer holds, or was recorded by mistake)."""
    relation = access.get_or_404(InspectorRelation, relation_id)
    try:
        service.remove_relation(relation, actor=current_user)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        flash(_("已删除该利害关系申报。"), "success")
    return redirect(url_for(".relations"))
