"""Committee pages: the draw form and the drawn committee, one draw's record re-verified from
its seed, electing the chair, calling a reserve in for a member."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core import access
from ..core.access import Permission, requires
from ..core.clock import local_today
from ..core.errors import DomainError
from ..core.forms import run_service
from ..core.types import utcnow
from ..extensions import db
from . import bp, committee, pool
from .forms import ChairForm, DrawForm, ReplaceForm
from .models import CommitteeDraw, CommitteeMember, DrawStatus, Review
from .rules.committee import group_of


def _review_or_404(review_id: int) -> Review:
    return access.get_or_404(Review, review_id)


def _timing(review: Review, on):
    due_on, days_before = committee.draw_timing(review.meets_on, on)
    return {"due_on": due_on, "days_before": days_before, "on": on, "ok": on == due_on}


def _committee_page(review: Review, form: DrawForm, status: int = 200):
    active = committee.active_draw(review)
    members = committee.members(review)
    chair_form = ChairForm(members=members, prefix="chair")
    chair = next((m for m in members if m.is_chair), None)
    if chair is not None:
        chair_form.member_id.data = str(chair.id)
    return (
        render_template(
            "reviews/committee/committee.html",
            review=review,
            form=form,
            active=active,
            members=members,
            draws=committee.draws(review),
            conflicts=committee.member_conflicts(review) if active else [],
            chair_form=chair_form,
            replace_form=ReplaceForm(prefix="replace"),
            counts=pool.pool_counts(),
            timing=_timing(review, local_today()),
        ),
        status,
    )


def _draw_form(**kwargs) -> DrawForm:
    officers = committee.witnesses()
    form = DrawForm(witnesses=officers, **kwargs)
    if request.method == "GET":
        # A witness other than the one drawing, if there is one.
        other = next((u for u in officers if u.id != current_user.id), None)
        form.witness_id.data = str(other.id) if other else ""
    return form


@bp.get("/<int:review_id>/committee", endpoint="committee")
@requires(Permission.MANAGE_REVIEWS)
def committee_page(review_id: int):
    """The committee: the draw form (with the pool's size and the day it is due), the
    committee drawn with its chair and reserves, the earlier draws."""
    return _committee_page(_review_or_404(review_id), _draw_form())


@bp.post("/<int:review_id>/committee")
@requires(Permission.MANAGE_REVIEWS)
def draw_committee(review_id: int):
    """Draw the committee at random (witnessed); a redraw needs a reason."""
    review = _review_or_404(review_id)
    form = _draw_form()
    if form.validate_on_submit():
        witness = form.witness_id.data
        record = run_service(
            form,
            lambda: committee.draw(
                review,
                actor=current_user,
                now=utcnow(),
                seed=form.seed.data,
                witness_id=int(witness) if witness and witness.isdigit() else None,
                reason=form.reason.data or "",
            ),
        )
        if record is not None:
            flash(
                _(
                    "已抽取评审委员会（随机种子 %(seed)s，在库专家 %(pool)s 人，回避 %(ex)s 人）。",
                    seed=record.seed,
                    pool=record.pool_count,
                    ex=len(record.excluded),
                ),
                "success",
            )
            if record.witness_id == current_user.id:
                flash(_("监督人与抽取人为同一人：宜由征集人一方的其他人员监督。"), "warning")
            return redirect(url_for(".committee_draw", committee_draw_id=record.id))
    return _committee_page(_review_or_404(review_id), form, 422)


def _local_day(moment):
    return moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


@bp.get("/committee-draws/<int:committee_draw_id>")
@requires(Permission.MANAGE_REVIEWS)
def committee_draw(committee_draw_id: int):
    """One draw as recorded: seed, pool and eligible counts, who was excluded and why, the
    witness, the method, the order with the reserves, and the draw redone from its stored
    pool and seed (re-verified)."""
    record = access.get_or_404(CommitteeDraw, committee_draw_id)
    review = _review_or_404(record.review_id)
    pool_rows = {int(row["id"]): row for row in record.pool or []}
    size = int((record.inputs or {}).get("size") or review.committee_size)
    seats = {
        m.expert_id: m
        for m in committee.members(review, active_only=False)
        if m.draw_id == record.id
    }
    return render_template(
        "reviews/committee/draw.html",
        review=review,
        record=record,
        pool_rows=pool_rows,
        size=size,
        seats=seats,
        verification=committee.verify(record),
        timing=_timing(review, _local_day(record.drawn_at)),
        group_of=group_of,
        active=record.status == DrawStatus.ACTIVE,
    )


@bp.post("/<int:review_id>/chair")
@requires(Permission.MANAGE_REVIEWS)
def elect_chair(review_id: int):
    """Record the chair the committee elected."""
    review = _review_or_404(review_id)
    form = ChairForm(members=committee.members(review), prefix="chair")
    if form.validate_on_submit():
        member = access.get_or_404(CommitteeMember, int(form.member_id.data))
        try:
            committee.elect_chair(review, member, actor=current_user)
            db.session.commit()
            flash(_("评审委员会主任：%(name)s。", name=member.expert.name), "success")
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "danger")
    else:
        flash(_("请选择评审委员会主任。"), "danger")
    return redirect(url_for(".committee", review_id=review_id))


@bp.post("/members/<int:member_id>/replace")
@requires(Permission.MANAGE_REVIEWS)
def replace_member(member_id: int):
    """The member steps down (with the reason); the next reserve takes his place."""
    member = access.get_or_404(CommitteeMember, member_id)
    review_id, name = member.review_id, member.expert.name
    form = ReplaceForm(prefix="replace")
    if not form.validate_on_submit():
        flash(_("请填写替换理由。"), "danger")
        return redirect(url_for(".committee", review_id=review_id))
    try:
        replacement = committee.replace_member(member, form.reason.data, actor=current_user)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(url_for(".committee", review_id=review_id))
    for skipped, reasons in replacement.skipped:
        flash(
            _("候补专家“%(name)s”已跳过：%(reasons)s。", name=skipped, reasons="；".join(reasons)),
            "warning",
        )
    flash(
        _(
            "“%(old)s”不再担任评审委员，由候补专家“%(new)s”递补。",
            old=name,
            new=replacement.member.expert.name,
        ),
        "success",
    )
    return redirect(url_for(".committee", review_id=review_id))
