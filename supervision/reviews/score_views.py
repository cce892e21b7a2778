"""Scoring pages: the progress (the organiser: who has submitted; a member: his own sheets), a
member's score sheet, a candidate's withdrawal, the end of scoring, and the results with the
ranking (page and .xlsx) once every sheet is in."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..core import access
from ..core.access import Permission, requires, requires_any
from ..core.clock import local_today
from ..core.errors import DomainError
from ..core.forms import attach_error
from ..core.types import utcnow
from ..extensions import db
from . import bp, reporting, score_book, scoring
from .models import Review, ReviewCandidate, ReviewStatus
from .rules import scores as rules
from .score_forms import ActionForm, WithdrawForm, field_name, sheet_form, sheet_points

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def review_or_404(review_id: int) -> Review:
    return access.get_or_404(Review, review_id)


def candidate_or_404(review: Review, candidate_id: int) -> ReviewCandidate:
    candidate = access.get_or_404(ReviewCandidate, candidate_id)
    if candidate.review_id != review.id:
        abort(404)
    return candidate


def commit_or_conflict(form) -> bool:
    """Commit; a concurrent change (stale version, a sheet saved twice) is told, not raised."""
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        form.form_errors.append(_("内容已被他人修改，请刷新后重试。"))
        return False
    return True


# -- progress and a member's sheets -------------------------------------------------------------


@bp.get("/<int:review_id>/scores")
@requires_any(Permission.MANAGE_REVIEWS, Permission.SCORE_REVIEWS)
def scores(review_id: int):
    """评分: a member sees his own sheets; the organiser who has submitted (not the points
    while scoring is blind), withdrawals and the end of scoring."""
    review = review_or_404(review_id)
    member = scoring.member_of(review, current_user)
    progress = scoring.progress(review)
    if member is not None:
        own = {s.candidate_id: s for s in scoring.sheets_of(review, member)}
        return render_template(
            "reviews/scores/mine.html",
            review=review,
            member=member,
            candidates=progress.candidates,
            sheets=own,
            progress=progress,
            sees_points=scoring.sees_points(review),
        )
    if not scoring.is_organiser(current_user):
        abort(403)
    return render_template(
        "reviews/scores/progress.html",
        review=review,
        progress=progress,
        all_in=scoring.all_in(review),
        withdrawn=[c for c in review.candidates if c.withdrew],
        action_form=ActionForm(version=str(review.version)),
        can_withdraw=review.status in (ReviewStatus.PREPARING, *scoring.OPEN_FOR_SCORING),
        started={cid for (_m, cid) in progress.states},
    )


def _fill(form, items, sheet) -> None:
    if sheet is None:
        return
    for n, item in enumerate(items):
        getattr(form, field_name(n)).data = (sheet.points or {}).get(item["key"], "")
    form.comment.data = sheet.comment


def _render_sheet(review, candidate, member, form, *, status=200):
    items = scoring.scored_items(review)
    sheet = scoring.sheet_of(member, candidate)
    order = scoring.scored_candidates(review)
    place = next((n for n, c in enumerate(order) if c.id == candidate.id), None)
    return (
        render_template(
            "reviews/scores/sheet.html",
            review=review,
            candidate=candidate,
            member=member,
            sheet=sheet,
            items=items,
            fields=[getattr(form, field_name(n)) for n in range(len(items))],
            form=form,
            max_total=rules.max_total(items),
            previous=order[place - 1] if place else None,
            following=order[place + 1] if place is not None and place + 1 < len(order) else None,
        ),
        status,
    )


@bp.route("/<int:review_id>/scores/<int:candidate_id>", methods=["GET", "POST"])
@requires(Permission.SCORE_REVIEWS)
def score_sheet(review_id: int, candidate_id: int):
    """评分表: the member's own sheet for one candidate, by name; saved as a draft, or
    submitted (then fixed)."""
    review = review_or_404(review_id)
    candidate = candidate_or_404(review, candidate_id)
    member = scoring.member_of(review, current_user)
    if member is None:
        abort(403)
    if candidate.withdrew:
        abort(404)
    items = scoring.scored_items(review)
    form = sheet_form(items)
    if not form.is_submitted():
        _fill(form, items, scoring.sheet_of(member, candidate))
        return _render_sheet(review, candidate, member, form)
    if not form.validate_on_submit():
        return _render_sheet(review, candidate, member, form, status=422)
    submit = bool(form.submit.data)
    try:
        scoring.save_sheet(
            review,
            candidate,
            points=sheet_points(form, items),
            comment=form.comment.data or "",
            actor=current_user,
            now=utcnow(),
            today=local_today(),
            submit=submit,
        )
    except scoring.SheetRefused as refused:
        db.session.rollback()
        for n, item in enumerate(items):
            if item["key"] in refused.problems:
                getattr(form, field_name(n)).errors = [refused.problems[item["key"]]]
        form.form_errors.append(str(refused))
        return _render_sheet(review, candidate, member, form, status=422)
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return _render_sheet(review, candidate, member, form, status=422)
    if not commit_or_conflict(form):
        return _render_sheet(review, candidate, member, form, status=409)
    if submit:
        flash(_("已提交对 %(name)s 的评分。", name=candidate.name), "success")
        return redirect(url_for(".scores", review_id=review.id))
    flash(_("评分草稿已保存，提交前可以修改。"), "success")
    return redirect(url_for(".score_sheet", review_id=review.id, candidate_id=candidate.id))


# -- the organiser's steps ----------------------------------------------------------------------


@bp.post("/candidates/<int:candidate_id>/withdraw")
@requires(Permission.MANAGE_REVIEWS)
def withdraw_candidate(candidate_id: int):
    """Record that a candidate did not sign in at the meeting (自动弃权), or undo it."""
    candidate = access.get_or_404(ReviewCandidate, candidate_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    withdrew = form.withdrew.data != "0"
    try:
        scoring.mark_withdrew(candidate, withdrew=withdrew, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(url_for(".scores", review_id=candidate.review_id))
    db.session.commit()
    if withdrew:
        flash(_("已记录 %(name)s 弃权，不再评分。", name=candidate.name), "success")
    else:
        flash(_("已撤销 %(name)s 的弃权。", name=candidate.name), "success")
    return redirect(url_for(".scores", review_id=candidate.review_id))


@bp.post("/<int:review_id>/scores/close")
@requires(Permission.MANAGE_REVIEWS)
def close_scoring(review_id: int):
    """End the detailed review once every sheet is in (the report is due 10 working days on)."""
    review = review_or_404(review_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        scoring.close_scoring(review, actor=current_user, today=local_today())
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(url_for(".scores", review_id=review.id))
    if not commit_or_conflict(form):
        flash(form.form_errors[-1], "danger")
        return redirect(url_for(".scores", review_id=review.id))
    flash(_("评分已结束。请在 10 个工作日内完成评审报告。"), "success")
    return redirect(url_for(".results", review_id=review.id))


# -- results ------------------------------------------------------------------------------------


def _may_read_results(review: Review) -> bool:
    return scoring.member_of(review, current_user) is not None or scoring.is_organiser(current_user)


@bp.get("/<int:review_id>/results")
@requires_any(Permission.MANAGE_REVIEWS, Permission.SCORE_REVIEWS)
def results(review_id: int):
    """评审结果: every member's total per candidate, the means, the final scores and the
    ranking within the funds (the points only once every sheet is in, if scoring is blind)."""
    review = review_or_404(review_id)
    if not _may_read_results(review):
        abort(403)
    visible = scoring.sees_points(review)
    return render_template(
        "reviews/scores/results.html",
        review=review,
        visible=visible,
        all_in=scoring.all_in(review),
        content=reporting.snapshot(review, today=local_today()) if visible else None,
        progress=scoring.progress(review),
        organiser=scoring.is_organiser(current_user),
        action_form=ActionForm(),
    )


@bp.get("/<int:review_id>/results.xlsx")
@requires_any(Permission.MANAGE_REVIEWS, Permission.SCORE_REVIEWS)
def results_xlsx(review_id: int):
    """The results as a workbook: ranking and the detailed sheets (once every sheet is in)."""
    review = review_or_404(review_id)
    if not _may_read_results(review):
        abort(403)
    if not scoring.all_in(review):
        flash(_("还有委员的评分表未提交，评审结果尚不能导出。"), "warning")
        return redirect(url_for(".results", review_id=review.id))
    content = reporting.snapshot(review, today=local_today())
    return send_file(
        score_book.results_workbook(content),
        mimetype=XLSX,
        as_attachment=True,
        download_name=score_book.file_name(review.title),
        max_age=0,
    )
