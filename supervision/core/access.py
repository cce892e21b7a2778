"""Access control in one place: what each role may do, and which rows each user may see.

Every view declares its access with ``@public`` or ``@requires(...)``; one ``before_request``
hook enforces it, and an endpoint that declares nothing is refused (fail closed). Every query
for domain rows goes through ``scoped`` / ``get_or_404``, so a record outside the user's
organisation subtree is simply not found (404), never shown.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, current_app, request
from flask_login import current_user
from sqlalchemy import Select, false, or_, select

from ..extensions import db
from .models import AuditEntry, Organisation, OrgKind, Role, User

F = TypeVar("F", bound=Callable[..., Any])


class Permission(enum.StrEnum):
    #: See the organisation tree within one's scope.
    VIEW_ORGANISATIONS = "view_organisations"
    #: Create and edit agencies below one's organisation.
    MANAGE_ORGANISATIONS = "manage_organisations"
    #: Create, edit and disable user accounts within one's scope.
    MANAGE_ACCOUNTS = "manage_accounts"
    #: Read the audit log within one's scope.
    VIEW_AUDIT = "view_audit"
    #: Maintain national reference data (plans, quota standards, the holiday calendar).
    MANAGE_REFERENCE_DATA = "manage_reference_data"
    #: Read and work on domain data (enterprises, tasks, cases) within one's scope.
    VIEW_DOMAIN = "view_domain"
    #: Create, edit, import and transfer enterprises of the registry.
    MANAGE_REGISTRY = "manage_registry"
    #: Read task filings (a province's own; the ministry every province's).
    VIEW_FILINGS = "view_filings"
    #: File a province's special-supervision tasks and submit them to the ministry.
    FILE_TASKS = "file_tasks"
    #: Accept or return provinces' submissions.
    REVIEW_SUBMISSIONS = "review_submissions"
    #: See the national picture (all provinces' figures, the national workbook).
    VIEW_NATIONAL = "view_national"
    #: Issue rectification notices and record their follow-up (report, extension, 回头看).
    MANAGE_RECTIFICATION = "manage_rectification"
    #: Prepare, publish, annotate and withdraw entries of the public violator list.
    PUBLISH_VIOLATORS = "publish_violators"
    #: Edit reminder policies and see every reminder's delivery (the reminders log).
    MANAGE_REMINDERS = "manage_reminders"
    #: Create verification campaigns, issue their tasks and training sessions, accept or
    #: return the units' results (the ministry).
    MANAGE_CAMPAIGNS = "manage_campaigns"
    #: Run a unit's verification: split tasks to agencies and people, import sales records,
    #: reconcile, draw samples, check subsidy claims, submit the results.
    RUN_VERIFICATION = "run_verification"
    #: Do the checks one is given: bulk buyers looked into, phone and home checks recorded.
    CHECK_SALES = "check_sales"
    #: Keep the expert pool, set up expert reviews, draw committees, record the decision.
    MANAGE_REVIEWS = "manage_reviews"
    #: Score and sign the reviews one sits on (an expert).
    SCORE_REVIEWS = "score_reviews"
    #: Run remanufactured-product pilot calls: applications, formal review, publication.
    MANAGE_PILOTS = "manage_pilots"
    #: Local pilot management: trade-in records, monthly packs and their reviews, quarterly
    #: reports and re-checks, third-party check draws, complaints.
    RUN_PILOTS = "run_pilots"
    #: Record the outcome of third-party checks of trade-ins (by phone or visit).
    CHECK_TRADE_INS = "check_trade_ins"
    #: Run the province's daily-supervision draws (双随机): define, draw (witnessed), open the
    #: cases, publish the results; keep inspectors' declared relations.
    RUN_DAILY_DRAWS = "run_daily_draws"
    #: Follow up findings: improvement suggestions, energy-diagnosis referrals, and nominate
    #: excellent cases (节能监察优秀案例).
    FOLLOW_UP_RESULTS = "follow_up_results"
    #: Select and publish excellent cases (the ministry).
    SELECT_EXCELLENT_CASES = "select_excellent_cases"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.MINISTRY_OFFICER: frozenset(
        {
            Permission.VIEW_ORGANISATIONS,
            Permission.MANAGE_ORGANISATIONS,
            Permission.VIEW_AUDIT,
            Permission.MANAGE_REFERENCE_DATA,
            Permission.VIEW_DOMAIN,
            Permission.MANAGE_REGISTRY,
            Permission.REVIEW_SUBMISSIONS,
            Permission.VIEW_NATIONAL,
            Permission.VIEW_FILINGS,
            Permission.PUBLISH_VIOLATORS,
            Permission.MANAGE_REMINDERS,
            Permission.MANAGE_CAMPAIGNS,
            Permission.MANAGE_REVIEWS,
            Permission.MANAGE_PILOTS,
            Permission.RUN_PILOTS,
            Permission.CHECK_TRADE_INS,
            Permission.SELECT_EXCELLENT_CASES,
        }
    ),
    Role.PROVINCIAL_OFFICER: frozenset(
        {
            Permission.VIEW_ORGANISATIONS,
            Permission.MANAGE_ORGANISATIONS,
            Permission.VIEW_AUDIT,
            Permission.VIEW_DOMAIN,
            Permission.MANAGE_REGISTRY,
            Permission.FILE_TASKS,
            Permission.VIEW_FILINGS,
            Permission.MANAGE_RECTIFICATION,
            Permission.PUBLISH_VIOLATORS,
            Permission.RUN_VERIFICATION,
            Permission.CHECK_SALES,
            Permission.RUN_PILOTS,
            Permission.CHECK_TRADE_INS,
            Permission.RUN_DAILY_DRAWS,
            Permission.FOLLOW_UP_RESULTS,
        }
    ),
    Role.INSPECTOR: frozenset(
        {
            Permission.VIEW_DOMAIN,
            Permission.MANAGE_RECTIFICATION,
            Permission.CHECK_SALES,
            Permission.CHECK_TRADE_INS,
        }
    ),
    # Accounts (and the delivery of reminders, whose mail server they run): a system
    # administrator never sees domain data otherwise.
    Role.SYSADMIN: frozenset(
        {Permission.VIEW_ORGANISATIONS, Permission.MANAGE_ACCOUNTS, Permission.MANAGE_REMINDERS}
    ),
    Role.EXPERT: frozenset({Permission.SCORE_REVIEWS}),
}

#: Organisation kinds where a role may be held.
ROLE_ORG_KINDS: dict[Role, frozenset[OrgKind]] = {
    Role.MINISTRY_OFFICER: frozenset({OrgKind.MINISTRY}),
    Role.PROVINCIAL_OFFICER: frozenset(
        {OrgKind.PROVINCE, OrgKind.PLAN_CITY, OrgKind.CITY, OrgKind.COUNTY}
    ),
    Role.INSPECTOR: frozenset({OrgKind.PROVINCE, OrgKind.PLAN_CITY, OrgKind.CITY, OrgKind.COUNTY}),
    Role.SYSADMIN: frozenset(OrgKind),
    Role.EXPERT: frozenset({OrgKind.MINISTRY}),
}


def permissions_of(user) -> frozenset[Permission]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    perms: set[Permission] = set()
    for role in user.roles:
        perms |= ROLE_PERMISSIONS[role]
    return frozenset(perms)


def can(user, *perms: Permission) -> bool:
    return set(perms) <= permissions_of(user)


# -- declaring access on views ------------------------------------------------------------

PUBLIC = "public"
LOGIN = "login"


def public(view: F) -> F:
    """Anyone, logged in or not, may call this view."""
    view.__access__ = PUBLIC  # type: ignore[attr-defined]
    return view


def requires(*perms: Permission) -> Callable[[F], F]:
    """A logged-in user holding every one of ``perms`` (none: any logged-in user)."""

    def mark(view: F) -> F:
        view.__access__ = tuple(perms) or LOGIN  # type: ignore[attr-defined]
        return view

    return mark


class AnyOf(frozenset):
    """An access rule met by holding at least one of its permissions."""


def requires_any(*perms: Permission) -> Callable[[F], F]:
    """A logged-in user holding at least one of ``perms`` (pages two kinds of user share,
    e.g. officers and the administrators who run the mail server)."""

    def mark(view: F) -> F:
        view.__access__ = AnyOf(perms)  # type: ignore[attr-defined]
        return view

    return mark


def permitted(user, access) -> bool:
    """Whether a logged-in ``user`` meets an endpoint's declared ``access`` rule."""
    if access in (PUBLIC, LOGIN):
        return True
    if isinstance(access, AnyOf):
        return bool(access & permissions_of(user))
    return can(user, *access)


#: Endpoints of extensions (static files) that are public by nature.
PUBLIC_ENDPOINTS = frozenset({"static", "bootstrap.static"})


def access_of(endpoint: str | None):
    if endpoint is None:
        return None
    if endpoint in PUBLIC_ENDPOINTS:
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "__access__", None)


#: Blueprints whose requests carry their own credentials (API tokens) instead of the login
#: session: blueprint name → function that sets the request's user, or leaves it anonymous.
REQUEST_AUTHENTICATORS: dict[str, Callable[[], None]] = {}


def register_authenticator(blueprint: str, authenticate: Callable[[], None]) -> None:
    """Requests to ``blueprint`` are authenticated by ``authenticate()`` (never by the session),
    before their access rule is checked; an anonymous one is answered 401, not redirected."""
    REQUEST_AUTHENTICATORS[blueprint] = authenticate


def enforce_access():
    """``before_request``: the single gate every request passes."""
    if request.endpoint is None:  # 404 / 405 from routing: let Flask answer
        return None
    authenticate = REQUEST_AUTHENTICATORS.get(request.blueprint)
    if authenticate is not None:
        authenticate()  # first, so nothing reads the session's user for this request
    access = access_of(request.endpoint)
    if access == PUBLIC:
        return None
    if access is None:
        current_app.logger.error("endpoint %s declares no access rule", request.endpoint)
        abort(403)
    if not current_user.is_authenticated:
        if authenticate is not None:
            abort(401)  # a machine client is told, not sent to the login page
        return current_app.login_manager.unauthorized()
    if not permitted(current_user, access):
        abort(403)
    return None


# -- row scope ------------------------------------------------------------------------------


def subtree_clause(org: Organisation, id_column):
    """SQL: ``id_column`` is ``org`` or one of its descendants."""
    subtree = select(Organisation.id).where(
        or_(Organisation.id == org.id, Organisation.path.startswith(org.subtree_prefix))
    )
    return id_column.in_(subtree)


def sees_everything(user) -> bool:
    return user.organisation.kind == OrgKind.MINISTRY


def _org_scope(user, id_column):
    if sees_everything(user):
        return None
    return subtree_clause(user.organisation, id_column)


def scope_clause(model, user):
    """The WHERE clause limiting ``model`` to what ``user`` may see; None means no limit."""
    rule = SCOPE_RULES.get(model)
    if rule is None:
        rule = getattr(model, "__scope__", None)
    if rule is None:
        raise LookupError(f"{model.__name__} has no scope rule: add one before querying it")
    return rule(user)


SCOPE_RULES: dict[type, Callable[[Any], Any]] = {
    Organisation: lambda user: _org_scope(user, Organisation.id),
    User: lambda user: _org_scope(user, User.organisation_id),
    # Entries of ministry-level records (scope NULL) are the ministry's alone.
    AuditEntry: lambda user: (
        None if sees_everything(user) else _org_scope(user, AuditEntry.scope_org_id)
    ),
}


def register_scope(model, rule: Callable[[Any], Any]) -> None:
    """A feature declares how its rows are limited: ``rule(user)`` → WHERE clause or None."""
    SCOPE_RULES[model] = rule


def province_clause(user, province_column):
    """Rows of the user's provincial unit (None for the ministry: everything)."""
    if sees_everything(user):
        return None
    return province_column == user.organisation.province_org_id


def officer_or_own(user, *, province_column, agency_column, own_clause):
    """The usual rule for work items: officers see their province (or, in an agency, that
    agency's subtree); an inspector sees the items he is assigned to (``own_clause``)."""
    if sees_everything(user):
        return None
    clauses = []
    if Role.PROVINCIAL_OFFICER in user.roles:
        org = user.organisation
        if org.kind == OrgKind.PROVINCE:
            clauses.append(province_column == org.id)
        else:
            clauses.append(subtree_clause(org, agency_column))
    if Role.INSPECTOR in user.roles:
        clauses.append(own_clause)
    if not clauses:
        return false()
    return or_(*clauses)


def scoped(stmt_or_model, user=None) -> Select:
    """``select(model)`` (or the given select) limited to the rows ``user`` may see."""
    user = user or current_user
    if isinstance(stmt_or_model, Select):
        stmt = stmt_or_model
        model = stmt.column_descriptions[0]["entity"]
    else:
        model = stmt_or_model
        stmt = select(model)
    clause = scope_clause(model, user)
    return stmt if clause is None else stmt.where(clause)


def get_or_404(model, ident, user=None):
    """The row with primary key ``ident`` if ``user`` may see it; 404 otherwise."""
    mapper_pk = model.__mapper__.primary_key[0]
    row = db.session.scalar(scoped(model, user).where(mapper_pk == ident))
    if row is None:
        abort(404)
    return row


def init_app(app) -> None:
    app.before_request(enforce_access)
    app.jinja_env.globals.update(can=can, Permission=Permission, Role=Role)
