"""Review pages: the organiser's list, creating and editing a review, THE review page (its
candidates in presentation order with their times, the committee, links to scoring and the
report), the candidates, the presentation schedule, and an expert's own reviews."""

from __future__ import annotations

from datetime import datetime, time

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
from ..core.versions import CHANGED_MEANWHILE
from ..extensions import db
from . import bp, committee, setup
from .forms import CandidateForm, ReviewForm
from .models import Review, ReviewCandidate, ScoreSheet
from .rules.committee import presentation_schedule

DEFAULT_START = time(9, 0)
PILOT_SOURCE = "pilot_application:"


def _review_or_404(review_id: int) -> Review:
    return access.get_or_404(Review, review_id)


def _start_time() -> time:
    """``?start=HH:MM`` (the meeting's first presentation), 09:00 by default."""
    raw = request.args.get("start", "")
    try:
        return datetime.strptime(raw, "%H:%M").time()
    except ValueError:
        return DEFAULT_START


def schedule_of(review: Review, start: time = DEFAULT_START):
    """The presentations (20 + 10 minutes each) from ``start`` on the review's day."""
    return presentation_schedule(review.candidates, datetime.combine(review.meets_on, start))


def pilot_application_id(candidate: ReviewCandidate) -> int | None:
    """The pilot application a candidate comes from ("pilot_application:<id>")."""
    source = candidate.source or ""
    if source.startswith(PILOT_SOURCE) and source[len(PILOT_SOURCE) :].isdigit():
        return int(source[len(PILOT_SOURCE) :])
    return None


@bp.get("/")
@requires(Permission.MANAGE_REVIEWS)
def index():
    """Every review, the next meetings first, with its status and committee."""
    reviews = list(
        db.session.scalars(access.scoped(Review).order_by(Review.meets_on.desc(), Review.id.desc()))
    )
    return render_template("reviews/setup/index.html", reviews=reviews)


def _save_review(form: ReviewForm, review: Review | None) -> Review | None:
    try:
        if review is None:
            saved = setup.create_review(form.data_object(), actor=current_user, now=utcnow())
        else:
            saved = setup.update_review(
                review,
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
        attach_error(form, DomainError(CHANGED_MEANWHILE))
        return None
    return saved


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_REVIEWS)
def new_review():
    """A new review: who convenes and organises it, when it meets, the scoring items."""
    form = ReviewForm()
    if form.validate_on_submit():
        review = _save_review(form, None)
        if review is not None:
            flash(_("已创建评审“%(title)s”，请添加申请单位。", title=review.title), "success")
            return redirect(url_for(".review", review_id=review.id))
    status = 422 if request.method == "POST" else 200
    return render_template("reviews/setup/form.html", form=form, review=None), status


@bp.route("/<int:review_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_REVIEWS)
def edit_review(review_id: int):
    """Edit a review's facts and scoring items."""
    review = _review_or_404(review_id)
    form = ReviewForm(obj=review)
    if request.method == "GET":
        form.version.data = str(review.version)
        form.departments_text.data = "\n".join(review.departments or [])
        form.scoring_items_text.data = setup.scoring_items_text(review.scoring_items)
    if form.validate_on_submit():
        saved = _save_review(form, review)
        if saved is not None:
            flash(_("已保存评审“%(title)s”。", title=saved.title), "success")
            return redirect(url_for(".review", review_id=review_id))
        review = _review_or_404(review_id)
    status = 422 if request.method == "POST" else 200
    return render_template("reviews/setup/form.html", form=form, review=review), status


@bp.get("/<int:review_id>")
@requires(Permission.MANAGE_REVIEWS)
def review(review_id: int):
    """THE review page: facts, candidates in presentation order with their times, the
    committee and its chair, and the way to the draw, the scores and the report."""
    found = _review_or_404(review_id)
    draw = committee.active_draw(found)
    due_on, _days = committee.draw_timing(found.meets_on, local_today())
    return render_template(
        "reviews/setup/review.html",
        review=found,
        slots=schedule_of(found),
        members=committee.members(found),
        draw=draw,
        draw_due_on=due_on,
        conflicts=committee.member_conflicts(found) if draw else [],
        total_points=setup.total_points(found.scoring_items),
        pilot_application_id=pilot_application_id,
    )


@bp.get("/<int:review_id>/schedule")
@requires(Permission.MANAGE_REVIEWS)
def schedule(review_id: int):
    """The presentation order (by English short name) with each applicant's 20 minutes of
    presentation and 10 of questions, from ``?start=HH:MM`` (09:00)."""
    found = _review_or_404(review_id)
    start = _start_time()
    return render_template(
        "reviews/setup/schedule.html",
        review=found,
        start=start.strftime("%H:%M"),
        slots=schedule_of(found, start),
    )


def _candidate_page(form: CandidateForm, review: Review, candidate: ReviewCandidate | None):
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "reviews/setup/candidate_form.html", form=form, review=review, candidate=candidate
        ),
        status,
    )


def _warn_conflicts(review: Review) -> None:
    """A candidate added or renamed after the draw may put a member in conflict: say so."""
    for member, reasons in committee.member_conflicts(review):
        flash(
            _(
                "评审委员“%(name)s”存在应当回避的情形（%(reasons)s），请在评审委员会页面替换。",
                name=member.expert.name,
                reasons="；".join(reasons),
            ),
            "warning",
        )


@bp.route("/<int:review_id>/candidates/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_REVIEWS)
def new_candidate(review_id: int):
    """Add an applicant to the review."""
    found = _review_or_404(review_id)
    form = CandidateForm()
    if form.validate_on_submit():
        candidate = run_service(
            form, lambda: setup.add_candidate(found, form.data_object(), actor=current_user)
        )
        if candidate is not None:
            flash(_("已添加申请单位“%(name)s”。", name=candidate.name), "success")
            _warn_conflicts(found)
            return redirect(url_for(".review", review_id=review_id))
    return _candidate_page(form, found, None)


@bp.route("/candidates/<int:candidate_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_REVIEWS)
def edit_candidate(candidate_id: int):
    """Edit an applicant: names, principal, request, presenters, withdrawal (弃权)."""
    candidate = access.get_or_404(ReviewCandidate, candidate_id)
    review_id = candidate.review_id
    form = CandidateForm(obj=candidate)
    if request.method == "GET":
        form.presenters_text.data = "\n".join(candidate.presenters or [])
    if form.validate_on_submit():
        saved = run_service(
            form, lambda: setup.update_candidate(candidate, form.data_object(), actor=current_user)
        )
        if saved is not None:
            flash(_("已保存申请单位“%(name)s”。", name=saved.name), "success")
            _warn_conflicts(saved.review)
            return redirect(url_for(".review", review_id=review_id))
        candidate = access.get_or_404(ReviewCandidate, candidate_id)
    return _candidate_page(form, candidate.review, candidate)


@bp.post("/candidates/<int:candidate_id>/delete")
@requires(Permission.MANAGE_REVIEWS)
def delete_candidate(candidate_id: int):
    """Take an applicant off the review (not one already scored)."""
    candidate = access.get_or_404(ReviewCandidate, candidate_id)
    review_id, name = candidate.review_id, candidate.name
    try:
        setup.remove_candidate(candidate, actor=current_user)
        db.session.commit()
        flash(_("已删除申请单位“%(name)s”。", name=name), "success")
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(url_for(".edit_candidate", candidate_id=candidate_id))
    return redirect(url_for(".review", review_id=review_id))


@bp.get("/mine")
@requires(Permission.SCORE_REVIEWS)
def mine():
    """An expert's reviews: where and when they meet, his place on the committee, the
    applicants in presentation order with the way to his score sheets and the report."""
    places = committee.reviews_of(current_user)
    member_ids = [member.id for _review, member in places]
    sheets = (
        {
            (sheet.member_id, sheet.candidate_id): sheet
            for sheet in db.session.scalars(
                access.scoped(ScoreSheet).where(ScoreSheet.member_id.in_(member_ids))
            )
        }
        if member_ids
        else {}
    )
    return render_template(
        "reviews/setup/mine.html",
        places=[(review, member, schedule_of(review)) for review, member in places],
        sheets=sheets,
    )
