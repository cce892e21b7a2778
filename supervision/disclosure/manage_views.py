"""The officers' side of the public list: prepare an entry, edit the draft, publish, annotate
已整改, withdraw."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..audit import service as audit_service
from ..core import access
from ..core.access import Permission, requires
from ..core.clock import local_today
from ..core.errors import DomainError
from ..core.forms import attach_error
from ..core.models import User
from ..core.tables import paginate
from ..core.types import utcnow
from ..enterprises.models import Enterprise
from ..extensions import db
from ..rectification.models import RectificationNotice
from . import bp, listing, rules, service
from .forms import OPTIONAL_FIELD_LABELS, EntryForm, PublishForm, RectifiedForm, WithdrawForm
from .models import Publication, PublicationStatus

audit_service.register_entity("publications", _l("违规企业公布"))

SORT_COLUMNS = {
    "prepared_at": Publication.prepared_at,
    "published_on": Publication.published_on,
    "enterprise_name": Publication.enterprise_name,
    "status": Publication.status,
}


def entry_or_404(publication_id: int) -> Publication:
    return access.get_or_404(Publication, publication_id)


def _query_id(name: str) -> int | None:
    raw = request.args.get(name, "")
    if not raw:
        return None
    if not raw.isdigit():
        abort(404)
    return int(raw)


def _texts(form: EntryForm) -> service.EntryTexts:
    return service.EntryTexts(
        enterprise_name=form.enterprise_name.data or "",
        credit_code=form.credit_code.data or "",
        violation=form.violation.data or "",
        decision=form.decision.data or "",
        published_fields=list(form.published_fields.data or []),
    )


def _fill(form: EntryForm, texts) -> None:
    form.enterprise_name.data = texts.enterprise_name
    form.credit_code.data = texts.credit_code
    form.violation.data = texts.violation
    form.decision.data = texts.decision
    form.published_fields.data = list(texts.published_fields)


@bp.get("/manage")
@requires(Permission.PUBLISH_VIOLATORS)
def manage():
    """Entries of the officer's province (all provinces for the ministry), by status."""
    status = request.args.get("status", "")
    q = " ".join(request.args.get("q", "").split())
    pagination, sort = paginate(
        service.managed_query(current_user, status=status, q=q),
        SORT_COLUMNS,
        "-prepared_at",
        tiebreak=Publication.id.desc(),
    )
    return render_template(
        "disclosure/manage.html",
        pagination=pagination,
        sort=sort,
        status=status,
        q=q,
        statuses=list(PublicationStatus),
        ministry=access.sees_everything(current_user),
    )


@bp.route("/manage/new", methods=["GET", "POST"])
@requires(Permission.PUBLISH_VIOLATORS)
def new():
    """Prepare a draft entry from a rectification notice (``?notice_id=``) or for an enterprise
    of the registry (``?enterprise_id=``); without either, choose one."""
    notice_id, enterprise_id = _query_id("notice_id"), _query_id("enterprise_id")
    notice = None
    if notice_id is not None:
        notice = access.get_or_404(RectificationNotice, notice_id)
        enterprise = notice.enterprise
    elif enterprise_id is not None:
        enterprise = access.get_or_404(Enterprise, enterprise_id)
    else:
        q = " ".join(request.args.get("q", "").split())
        return render_template(
            "disclosure/choose.html",
            q=q,
            notices=service.candidate_notices(current_user, q),
            enterprises=service.candidate_enterprises(current_user, q),
        )
    allowed = service.may_publish_for(current_user, enterprise.province_id)
    form = EntryForm()
    if request.method == "GET":
        texts = (
            service.texts_from_notice(notice)
            if notice is not None
            else service.texts_from_enterprise(enterprise)
        )
        _fill(form, texts)
    elif allowed and form.validate_on_submit():
        try:
            entry = service.prepare(
                actor=current_user,
                enterprise=enterprise,
                notice=notice,
                texts=_texts(form),
                now=utcnow(),
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("公布条目草稿已保存，发布前不会公开。"), "success")
            return redirect(url_for(".entry", publication_id=entry.id))
    elif not allowed:
        abort(403)
    existing = service.entries_of_notice(current_user, notice) if notice is not None else []
    return (
        render_template(
            "disclosure/new.html",
            form=form,
            notice=notice,
            enterprise=enterprise,
            allowed=allowed,
            existing=existing,
        ),
        200 if request.method == "GET" else 422,
    )


def _names(entry: Publication) -> dict[str, str]:
    """Who prepared and withdrew the entry (officers see the trace; the public never)."""
    names = {}
    for key, user_id in (
        ("prepared_by", entry.prepared_by_id),
        ("withdrawn_by", entry.withdrawn_by_id),
    ):
        user = db.session.get(User, user_id) if user_id is not None else None
        names[key] = user.full_name if user is not None else ""
    return names


def _render_entry(
    entry: Publication, *, form=None, rectified_form=None, withdraw_form=None, status=200
):
    editable = rules.is_editable(entry.status)
    if form is None and editable:
        form = EntryForm()
        _fill(form, entry)
    notice = (
        db.session.get(RectificationNotice, entry.notice_id)
        if entry.notice_id is not None
        else None
    )
    problem = rules.publish_problem(entry.status, entry.violation)
    # The date field offers today until a date was recorded.
    rectified_form = rectified_form or RectifiedForm(
        rectified_on=entry.rectified_on or local_today()
    )
    return (
        render_template(
            "disclosure/entry.html",
            entry=entry,
            notice=notice,
            form=form if editable else None,
            publish_form=PublishForm(),
            publish_problem=service.PUBLISH_PROBLEMS.get(problem) if editable else None,
            may_publish=service.may_publish_for(current_user, entry.province_id),
            rectified_form=rectified_form,
            withdraw_form=withdraw_form or WithdrawForm(),
            preview=listing.public_row(entry),
            field_labels=OPTIONAL_FIELD_LABELS,
            names=_names(entry),
        ),
        status,
    )


@bp.route("/manage/<int:publication_id>", methods=["GET", "POST"])
@requires(Permission.PUBLISH_VIOLATORS)
def entry(publication_id: int):
    """One entry: its texts (editable while a draft), the public preview, the steps, the trace."""
    found = entry_or_404(publication_id)
    if request.method == "GET":
        return _render_entry(found)
    form = EntryForm()
    if form.validate_on_submit():
        try:
            service.update_draft(found, actor=current_user, texts=_texts(form))
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("草稿已保存。"), "success")
            return redirect(url_for(".entry", publication_id=found.id))
    found = entry_or_404(publication_id)
    if not rules.is_editable(found.status):
        flash(_("已公布或已撤回的条目不能修改；如有错误请撤回后重新公布。"), "danger")
        return redirect(url_for(".entry", publication_id=found.id))
    return _render_entry(found, form=form, status=422)


@bp.post("/manage/<int:publication_id>/publish")
@requires(Permission.PUBLISH_VIOLATORS)
def publish(publication_id: int):
    """The publish step: the entry goes on the public list today, with the approver recorded."""
    found = entry_or_404(publication_id)
    if not PublishForm().validate_on_submit():
        abort(400)
    try:
        service.publish(found, actor=current_user, today=local_today())
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(_("已发布，该企业现已出现在公开名单中。"), "success")
    return redirect(url_for(".entry", publication_id=publication_id))


@bp.post("/manage/<int:publication_id>/rectified")
@requires(Permission.PUBLISH_VIOLATORS)
def rectified(publication_id: int):
    """Annotate 已整改 with the date the rectification was confirmed."""
    found = entry_or_404(publication_id)
    form = RectifiedForm()
    if form.validate_on_submit():
        try:
            service.mark_rectified(
                found, actor=current_user, rectified_on=form.rectified_on.data, today=local_today()
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("已标注已整改。"), "success")
            return redirect(url_for(".entry", publication_id=publication_id))
    return _render_entry(entry_or_404(publication_id), rectified_form=form, status=422)


@bp.post("/manage/<int:publication_id>/withdraw")
@requires(Permission.PUBLISH_VIOLATORS)
def withdraw(publication_id: int):
    """Take the entry off the public list, with the reason (the entry and its trace stay)."""
    found = entry_or_404(publication_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            service.withdraw(found, actor=current_user, reason=form.reason.data or "", now=utcnow())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("已撤回，该条目不再公开。"), "success")
            return redirect(url_for(".entry", publication_id=publication_id))
    return _render_entry(entry_or_404(publication_id), withdraw_form=form, status=422)
