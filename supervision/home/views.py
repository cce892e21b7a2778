"""The home page shows what each of the user's roles needs first."""

from flask import render_template
from flask_login import current_user

from ..accounts import rules as account_rules
from ..accounts import service as accounts
from ..core.access import requires
from ..core.clock import local_today
from ..core.models import Role
from . import bp, service


@bp.get("/")
@requires()
def index():
    roles = current_user.roles
    today = local_today()
    context = {"today": today, "roles": roles}
    if Role.MINISTRY_OFFICER in roles:
        context["provinces"] = service.province_overview()
    if Role.PROVINCIAL_OFFICER in roles:
        context["agencies"] = service.agencies_of(current_user)
        context["certificates_due"] = service.certificates_due(current_user, today)
    if Role.INSPECTOR in roles:
        context["certificate_status"] = account_rules.certificate_status(
            current_user.certificate_expires_on, today
        )
    if Role.SYSADMIN in roles:
        context["role_counts"] = accounts.count_active_by_role(current_user)
    return render_template("home/index.html", **context)
