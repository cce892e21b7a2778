"""Expert pool pages: the list, one expert with his declarations and committees, adding and
editing experts, recording and withdrawing declarations."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from ..core import access
from ..core.access import Permission, requires
from ..core.clock import local_today
from ..core.errors import DomainError
from ..core.forms import attach_error, run_service
from ..core.types import utcnow
from ..extensions import db
from . import bp, pool
from .forms import DeclarationForm, ExpertForm, RemoveDeclarationForm
from .models import RELATION_LABELS, Expert, Speciality


def _expert_or_404(expert_id: int) -> Expert:
    return access.get_or_404(Expert, expert_id)


@bp.get("/experts")
@requires(Permission.MANAGE_REVIEWS)
def experts():
    """The expert pool (专家名单): who is on it, by speciality and title; those taken off
    the list shown apart (``?all=1``)."""
    show_all = request.args.get("all") == "1"
    found = pool.experts(user=current_user, active_only=not show_all)
    return render_template(
        "reviews/pool/index.html",
        experts=found,
        counts=pool.pool_counts(),
        show_all=show_all,
        specialities=list(Speciality),
    )


def _save_expert(form: ExpertForm, expert: Expert | None) -> Expert | None:
    try:
        if expert is None:
            saved = pool.create_expert(form.data_object(), actor=current_user, now=utcnow())
        else:
            saved = pool.update_expert(
                expert,
                form.data_object(),
                version=form.version_number,
                actor=current_user,
                now=utcnow(),
            )
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return None
    except StaleDataError:
        db.session.rollback()
        attach_error(form, DomainError(pool.CHANGED_MEANWHILE))
        return None
    return saved


@bp.route("/experts/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_REVIEWS)
def new_expert():
    """Put an expert on the list (副高 or above)."""
    form = ExpertForm(accounts=pool.expert_accounts())
    if form.validate_on_submit():
        expert = _save_expert(form, None)
        if expert is not None:
            flash(_("已将“%(name)s”列入专家名单。", name=expert.name), "success")
            return redirect(url_for(".expert", expert_id=expert.id))
    status = 422 if request.method == "POST" else 200
    return render_template("reviews/pool/form.html", form=form, expert=None), status


@bp.route("/experts/<int:expert_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_REVIEWS)
def edit_expert(expert_id: int):
    """Edit an expert, link his login, or take him off the list."""
    expert = _expert_or_404(expert_id)
    form = ExpertForm(obj=expert, accounts=pool.expert_accounts())
    if request.method == "GET":
        form.version.data = str(expert.version)
        form.title_level.data = expert.title_level.value
        form.speciality.data = expert.speciality.value
        form.user_id.data = str(expert.user_id) if expert.user_id else ""
    if form.validate_on_submit():
        saved = _save_expert(form, expert)
        if saved is not None:
            flash(_("已保存专家“%(name)s”。", name=saved.name), "success")
            return redirect(url_for(".expert", expert_id=expert_id))
        expert = _expert_or_404(expert_id)
    status = 422 if request.method == "POST" else 200
    return render_template("reviews/pool/form.html", form=form, expert=expert), status


def _expert_page(expert: Expert, form: DeclarationForm, status: int = 200):
    return (
        render_template(
            "reviews/pool/expert.html",
            expert=expert,
            form=form,
            places=pool.committee_places(expert),
            relation_labels=RELATION_LABELS,
        ),
        status,
    )


@bp.get("/experts/<int:expert_id>")
@requires(Permission.MANAGE_REVIEWS)
def expert(expert_id: int):
    """One expert: his facts, declared relations and interests, the committees he sat on."""
    found = _expert_or_404(expert_id)
    form = DeclarationForm()
    form.declared_on.data = local_today()
    return _expert_page(found, form)


@bp.post("/experts/<int:expert_id>/declarations")
@requires(Permission.MANAGE_REVIEWS)
def add_declaration(expert_id: int):
    """Record a relation or interest the expert declared."""
    found = _expert_or_404(expert_id)
    form = DeclarationForm()
    if form.validate_on_submit():
        declaration = run_service(
            form,
            lambda: pool.add_declaration(
                found,
                kind=form.kind.data,
                party=form.party.data,
                detail=form.detail.data or "",
                declared_on=form.declared_on.data,
                actor=current_user,
            ),
        )
        if declaration is not None:
            flash(_("已记录申报：%(party)s。", party=declaration.party), "success")
            return redirect(url_for(".expert", expert_id=expert_id))
    return _expert_page(_expert_or_404(expert_id), form, 422)


@bp.post("/experts/<int:expert_id>/declarations/remove")
@requires(Permission.MANAGE_REVIEWS)
def remove_declaration(expert_id: int):
    """Withdraw a declaration entered by mistake (``declaration`` = its id)."""
    found = _expert_or_404(expert_id)
    form = RemoveDeclarationForm()
    raw = form.declaration.data or ""
    if form.validate_on_submit() and raw.isdigit():
        try:
            removed = pool.remove_declaration(found, int(raw), actor=current_user)
            db.session.commit()
            flash(_("已撤回申报：%(party)s。", party=removed.party), "success")
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "danger")
    else:
        flash(_("请求无效，请刷新页面后重试。"), "danger")
    return redirect(url_for(".expert", expert_id=expert_id))
