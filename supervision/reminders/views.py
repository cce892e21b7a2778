"""Pages of the reminders feature: the notification centre and one's delivery choice here;
deadlines, the reminders log and policies in the sibling ``*_views`` modules."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from ..audit import service as audit_service
from ..core import access
from ..core.access import requires
from ..core.tables import paginate
from ..core.types import utcnow
from ..extensions import db
from . import bp, labels, notifications
from .forms import MarkReadForm, OpenNotificationForm, PreferenceForm
from .models import Delivery, Notification

audit_service.register_entity("reminder_preferences", _l("提醒邮件设置"))
audit_service.register_entity("reminder_policies", _l("提醒规则"))


@bp.app_context_processor
def _header_badge():
    """The navbar's unread count, computed only when the header is drawn for a user."""
    return {"unread_notification_count": _unread_for_header}


def _unread_for_header() -> int | None:
    if not current_user.is_authenticated:
        return None
    try:
        return notifications.unread_count(current_user)
    except SQLAlchemyError:
        # An error page drawn after a failed transaction still gets its header.
        db.session.rollback()
        current_app.logger.exception("unread notification count failed")
        return None


@bp.context_processor
def _labels():
    return {
        "recipient_label": labels.recipient_label,
        "channel_label": labels.channel_label,
        "category_label": labels.category_label,
        "stage_label": labels.stage_label,
    }


def safe_link(link: str | None) -> str | None:
    """A stored link if it is a path of this site (never another host)."""
    if link and link.startswith("/") and not link.startswith("//") and "\\" not in link:
        return link
    return None


def notification_target(notification: Notification) -> str | None:
    """Where a notification leads: its link, else its deadline's page."""
    link = safe_link(notification.link)
    if link:
        return link
    if notification.deadline_id is not None:
        return url_for("reminders.deadline", deadline_id=notification.deadline_id)
    return None


@bp.get("/notifications", endpoint="notifications")
@requires()
def notifications_page():
    """My notification centre: unread first, newest first."""
    pagination, _sort = paginate(
        notifications.notifications_of(current_user),
        {"created": Notification.created_at},
        "-created",
        tiebreak=Notification.id.desc(),
    )
    return render_template(
        "reminders/notifications.html",
        pagination=pagination,
        unread=notifications.unread_count(current_user),
        target=notification_target,
        form=MarkReadForm(formdata=None),
    )


@bp.post("/notifications/read")
@requires()
def mark_read():
    """Mark the posted notifications (``ids``) read, or all of mine when none is posted."""
    form = MarkReadForm()
    if not form.validate_on_submit():
        abort(400)
    ids = form.ids.data or None
    changed = notifications.mark_read(current_user, ids, now=utcnow())
    db.session.commit()
    if ids is None:
        flash(_("已将 %(n)s 条通知标为已读。", n=changed), "success")
    return redirect(url_for(".notifications", page=request.args.get("page", type=int)))


@bp.post("/notifications/open")
@requires()
def open_notification():
    """Open a notification's item, marking it read."""
    form = OpenNotificationForm()
    if not form.validate_on_submit():
        abort(400)
    notification = access.get_or_404(Notification, form.notification_id.data)
    notifications.mark_read(current_user, [notification.id], now=utcnow())
    db.session.commit()
    return redirect(notification_target(notification) or url_for(".notifications"))


@bp.route("/preferences", methods=["GET", "POST"])
@requires()
def preferences():
    """How my reminder e-mails come: one per reminder, or one daily digest."""
    from .service import delivery_of  # the engine's: the mailer reads the same choice

    form = PreferenceForm()
    if form.validate_on_submit():
        notifications.set_delivery(current_user, Delivery(form.delivery.data))
        db.session.commit()
        flash(_("提醒邮件的发送方式已保存。"), "success")
        return redirect(url_for(".preferences"))
    if request.method == "GET":
        form.delivery.data = Delivery(delivery_of(current_user)).value
    status = 422 if form.errors else 200
    return render_template("reminders/preferences.html", form=form), status


from . import deadline_views, log_views, policy_views  # noqa: E402,F401
