"""Daily supervision by random selection (双随机一公开): the province's draws, the draw's
definition, its page (preview, the witnessed run, the list drawn, earlier runs), the printable
draw record, opening the cases and publishing the results."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import case, func, select

from ..core import access
from ..core.access import Permission, can, requires, requires_any
from ..core.clock import local_today
from ..core.errors import DomainError
from ..core.forms import attach_error
from ..core.models import Organisation, OrgKind, User
from ..enterprises.models import Enterprise
from ..extensions import db
from ..industries.models import Industry
from ..inspections.models import CaseStatus, InspectionCase
from . import bp, service
from .forms import DrawForm
from .models import DRAW_STATUS_LABELS, DailyDraw, DrawAssignment, DrawRun, DrawStatus

#: Statuses in which the draw may still be (re)run.
RUNNABLE = (DrawStatus.DRAFT, DrawStatus.DRAWN)
#: A case counted as done on the draw's list.
DONE = (CaseStatus.CLOSED, CaseStatus.RECTIFICATION)
#: Service fields named differently on the forms.
FIELD_ALIASES = {
    "witness": "witness_id",
    "inspectors": "inspector_ids",
    "agency": "agency_id",
    "inspector": "inspector_id",
    "enterprise_id": "enterprise",
}


# -- what the forms offer ------------------------------------------------------------------


def user_province() -> Organisation:
    """The provincial unit the officer works for (his own organisation's; 404 for the
    ministry, which has none)."""
    org = current_user.organisation
    province = org if org.kind == OrgKind.PROVINCE else org.province
    if province is None:
        abort(404)
    return province


def pool_rows(province: Organisation, today: date) -> list[tuple[User, str | None]]:
    """The province's inspectors, each with why he cannot be drawn today (None: he can)."""
    return [(u, service.ineligibility(u, today)) for u in service.inspector_pool(province)]


def city_choices(province: Organisation) -> list[tuple[str, str]]:
    """The province's cities: the four-digit prefixes of its enterprises' division codes and
    of its city-level agencies, named after the agency where there is one."""
    prefix = func.substr(Enterprise.division_code, 1, 4)
    codes = set(
        db.session.scalars(
            access.scoped(select(prefix).where(Enterprise.province_id == province.id)).distinct()
        )
    )
    names: dict[str, str] = {}
    agencies = db.session.scalars(
        access.scoped(Organisation)
        .where(
            access.subtree_clause(province, Organisation.id),
            Organisation.kind.in_([OrgKind.CITY, OrgKind.PLAN_CITY]),
        )
        .order_by(Organisation.division_code)
    )
    for org in agencies:
        code = (org.division_code or "")[:4]
        if len(code) == 4:
            codes.add(code)
            names.setdefault(code, org.name)
    return [
        (code, f"{code}（{names[code]}）" if code in names else code)
        for code in sorted(c for c in codes if c and len(c) == 4)
    ]


def industries() -> list[Industry]:
    """The industry catalogue (national reference data)."""
    return list(db.session.scalars(select(Industry).order_by(Industry.sort_order, Industry.id)))


def agencies(province: Organisation) -> list[Organisation]:
    """The province itself and the active agencies under it the user sees."""
    found = db.session.scalars(
        access.scoped(Organisation)
        .where(
            access.subtree_clause(province, Organisation.id),
            Organisation.id != province.id,
            Organisation.is_active.is_(True),
        )
        .order_by(Organisation.division_code, Organisation.id)
    )
    return [province, *found]


def witnesses(province: Organisation) -> list[User]:
    """Who may witness a run (监督人): the province's other active officers."""
    return service.witnesses(province, exclude=current_user)


def show_error(form, error: DomainError) -> None:
    if error.field in FIELD_ALIASES:
        error.field = FIELD_ALIASES[error.field]
    attach_error(form, error)


def call(form, action) -> tuple[bool, object]:
    """Like ``run_service`` (commit, or roll back and show the refusal on the form), with the
    service's field names mapped onto the form's: (succeeded, result)."""
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return False, None
    db.session.commit()
    return True, result


# -- the list --------------------------------------------------------------------------------


def _progress(draw_ids: list[int]) -> dict[int, dict]:
    """Per draw: enterprises drawn, pairs, cases opened and done (its current run's)."""
    if not draw_ids:
        return {}
    done = case((InspectionCase.status.in_(DONE), 1), else_=0)
    rows = db.session.execute(
        select(
            DrawRun.draw_id,
            func.count(DrawAssignment.id),
            func.count(func.distinct(DrawAssignment.pair_no)),
            func.count(DrawAssignment.case_id),
            func.coalesce(func.sum(done), 0),
        )
        .join(DrawAssignment, DrawAssignment.run_id == DrawRun.id)
        .outerjoin(InspectionCase, InspectionCase.id == DrawAssignment.case_id)
        .where(DrawRun.draw_id.in_(draw_ids), DrawRun.is_current.is_(True))
        .group_by(DrawRun.draw_id)
    )
    return {
        draw_id: {"drawn": n, "pairs": pairs, "opened": opened, "done": int(closed)}
        for draw_id, n, pairs, opened, closed in rows
    }


@bp.get("/")
@requires_any(Permission.RUN_DAILY_DRAWS, Permission.VIEW_NATIONAL)
def index():
    """The province's draws (the ministry: every province's, by province and year) with their
    status, progress and the day their results are due to be public."""
    stmt = access.scoped(DailyDraw)
    year = request.args.get("year", "").strip()
    if year.isdigit():
        stmt = stmt.where(DailyDraw.year == int(year))
    national = access.sees_everything(current_user)
    province_code = request.args.get("province", "").strip() if national else ""
    if province_code:
        stmt = stmt.join(Organisation, Organisation.id == DailyDraw.province_id).where(
            Organisation.division_code == province_code
        )
    pagination = db.paginate(
        stmt.order_by(DailyDraw.year.desc(), DailyDraw.id.desc()),
        per_page=50,
        max_per_page=200,
        error_out=False,
    )
    draws = list(pagination.items)
    provinces = (
        list(
            db.session.scalars(
                access.scoped(Organisation)
                .where(Organisation.kind == OrgKind.PROVINCE)
                .order_by(Organisation.division_code)
            )
        )
        if national
        else []
    )
    return render_template(
        "daily/index.html",
        draws=draws,
        pagination=pagination,
        progress=_progress([d.id for d in draws]),
        today=local_today(),
        year=year,
        province_code=province_code,
        provinces=provinces,
        national=national,
        statuses=DRAW_STATUS_LABELS,
        may_run=can(current_user, Permission.RUN_DAILY_DRAWS),
    )


# -- the definition ------------------------------------------------------------------------


def _draw_form(province: Organisation, draw: DailyDraw | None = None) -> DrawForm:
    today = local_today()
    pool = [u for u, problem in pool_rows(province, today) if problem is None]
    form = DrawForm(
        industries=industries(),
        cities=city_choices(province),
        inspectors=pool,
        agencies=agencies(province),
    )
    if request.method == "GET":
        if draw is not None:
            form.fill(draw)
        else:
            form.year.data = today.year
            form.agency_id.data = province.id
            form.inspector_ids.data = [u.id for u in pool]
    return form


def _form_page(province, form, draw=None, status: int = 200):
    return (
        render_template(
            "daily/form.html",
            form=form,
            draw=draw,
            province=province,
            pool=pool_rows(province, local_today()),
        ),
        status,
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.RUN_DAILY_DRAWS)
def new():
    """Define a draw: the population's filters, how many, strata, exclusions, the inspector
    pool and pairs, the agency and the dates."""
    province = user_province()
    form = _draw_form(province)
    if form.validate_on_submit():
        ok, draw = call(
            form,
            lambda: service.create_draw(province, actor=current_user, values=form.values()),
        )
        if ok:
            flash(_("已保存抽查“%(t)s”。", t=draw.title), "success")
            return redirect(url_for(".detail", daily_draw_id=draw.id))
    return _form_page(province, form, status=422 if request.method == "POST" else 200)


@bp.route("/<int:daily_draw_id>/edit", methods=["GET", "POST"])
@requires(Permission.RUN_DAILY_DRAWS)
def edit(daily_draw_id: int):
    """Change the draw's definition (before its cases are opened)."""
    draw = access.get_or_404(DailyDraw, daily_draw_id)
    province = draw.province
    form = _draw_form(province, draw)
    if form.validate_on_submit():
        ok, _result = call(
            form,
            lambda: service.update_draw(
                draw, actor=current_user, version=form.version_number, values=form.values()
            ),
        )
        if ok:
            flash(_("已保存抽查“%(t)s”。", t=draw.title), "success")
            return redirect(url_for(".detail", daily_draw_id=draw.id))
    return _form_page(province, form, draw, 422 if request.method == "POST" else 200)


from . import draw_views  # noqa: E402,F401  (the draw's own page, run, record)
