"""The home page shows what each of the user's roles needs first."""

from flask import render_template
from flask_login import current_user

from ..accounts import rules as account_rules
from ..accounts import service as accounts
from ..core.access import requires
from ..core.clock import local_today
from ..core.models import Role
from ..plans import service as plans
from ..tasks import service as tasks
from . import bp, service


@bp.get("/")
@requires()
def index():
    roles = current_user.roles
    today = local_today()
    context = {"today": today, "roles": roles}
    plan = plans.current_plan()
    context["plan"] = plan
    if Role.MINISTRY_OFFICER in roles:
        context["provinces"] = service.province_overview()
        if plan is not None:
            filings = tasks.filings_of_plan(plan)
            context["filings"] = filings
            context["filing_counts"] = tasks.filing_counts([f.id for f in filings.values()])
    if Role.PROVINCIAL_OFFICER in roles:
        province = tasks.province_of(current_user)
        if plan is not None and province is not None:
            filing = tasks.filing_for(plan, province)
            context["my_filing"] = filing
            context["my_counts"] = tasks.filing_counts([filing.id])[filing.id]
        context["agencies"] = service.agencies_of(current_user)
        context["certificates_due"] = service.certificates_due(current_user, today)
    if Role.INSPECTOR in roles:
        context["certificate_status"] = account_rules.certificate_status(
            current_user.certificate_expires_on, today
        )
    if Role.SYSADMIN in roles:
        context["role_counts"] = accounts.count_active_by_role(current_user)
    if Role.EXPERT in roles:
        context["my_reviews"] = service.reviews_of_expert(current_user)
    return render_template("home/index.html", **context)
