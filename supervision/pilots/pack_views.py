"""Monthly packs: the list in the user's scope, starting a month's pack, the pack page with
sending it to the city, the city's review and the city finance's review."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..calendar.service import current_calendar
from ..core import access
from ..core.access import Permission, requires
from ..core.clock import local_today
from ..core.errors import DomainError
from ..core.tables import paginate
from ..extensions import db
from . import bp, packs
from .daily_forms import CityReviewForm, FinanceReviewForm, NewPackForm, SubmitPackForm
from .daily_models import MonthlyPack, PackStatus
from .models import PilotEnterprise
from .rules.periods import previous_month
from .trade_ins import may_run

SORTS = {
    "month": (MonthlyPack.year * 100 + MonthlyPack.month),
    "due": MonthlyPack.due_on,
    "status": MonthlyPack.status,
    "submitted": MonthlyPack.submitted_on,
}


def commit_step(step: Callable[[], object]) -> bool:
    """Run a step and commit; a rule refusing it (or someone's change meanwhile) is flashed
    and nothing is written."""
    try:
        step()
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return False
    except StaleDataError:
        db.session.rollback()
        flash(str(packs.CHANGED_MEANWHILE), "danger")
        return False
    return True


@bp.get("/packs", endpoint="packs")
@requires(Permission.VIEW_DOMAIN)
def packs_index():
    """The monthly packs the user may see (``?pilot=``, ``?status=`` narrow the list), and
    for one pilot the form to start a month's pack."""
    stmt = access.scoped(MonthlyPack).options(selectinload(MonthlyPack.pilot))
    pilot = None
    pilot_id = request.args.get("pilot", type=int)
    if pilot_id:
        pilot = access.get_or_404(PilotEnterprise, pilot_id)
        stmt = stmt.where(MonthlyPack.pilot_id == pilot.id)
    status = request.args.get("status", "")
    if status in PackStatus._value2member_map_:
        stmt = stmt.where(MonthlyPack.status == PackStatus(status))
    pagination, sort = paginate(stmt, SORTS, "-month", tiebreak=MonthlyPack.id.desc())
    form = None
    if pilot is not None and may_run(current_user, pilot.province_id, pilot.city_id):
        form = NewPackForm(formdata=None)
        form.year.data, form.month.data = previous_month(local_today().year, local_today().month)
    return render_template(
        "pilots/packs/index.html",
        pagination=pagination,
        sort=sort,
        pilot=pilot,
        status=status,
        statuses=list(PackStatus),
        form=form,
        today=local_today(),
        is_late=packs.is_late,
    )


@bp.post("/enterprises/<int:pilot_id>/packs")
@requires(Permission.RUN_PILOTS)
def new_pack(pilot_id: int):
    """Start the pack of a month that is over (or open the one already started)."""
    pilot = access.get_or_404(PilotEnterprise, pilot_id)
    form = NewPackForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "danger")
        return redirect(url_for(".packs", pilot=pilot.id))
    made: list[MonthlyPack] = []
    if commit_step(
        lambda: made.append(
            packs.open_pack(
                pilot,
                form.year.data,
                form.month.data,
                actor=current_user,
                calendar=current_calendar(),
                today=local_today(),
            )
        )
    ):
        return redirect(url_for(".pack", pack_id=made[0].id))
    return redirect(url_for(".packs", pilot=pilot.id))


@bp.get("/packs/<int:pack_id>")
@requires(Permission.VIEW_DOMAIN)
def pack(pack_id: int):
    """The pack: its month's figures, materials, the two reviews and the step due next."""
    found = access.get_or_404(MonthlyPack, pack_id)
    pilot = found.pilot
    editable = found.status in packs.SENDABLE
    submit_form = review_form = finance_form = None
    if editable and may_run(current_user, pilot.province_id, pilot.city_id):
        submit_form = SubmitPackForm(formdata=None, version=str(found.version))
        submit_form.materials.data = list(found.materials or [])
    reviewer = packs.may_review(current_user, found)
    if reviewer and found.status == PackStatus.SUBMITTED:
        review_form = CityReviewForm(formdata=None, version=str(found.version))
    if (
        reviewer
        and found.status == PackStatus.CITY_PASSED
        and current_user.id != found.city_reviewed_by_id
    ):
        finance_form = FinanceReviewForm(formdata=None, version=str(found.version))
    return render_template(
        "pilots/packs/detail.html",
        pack=found,
        pilot=pilot,
        figures=packs.month_figures(pilot.id, found.year, found.month) if editable else None,
        submit_form=submit_form,
        review_form=review_form,
        finance_form=finance_form,
        late=packs.is_late(found, local_today()),
        material_label=packs.material_label,
        materials=packs.MATERIALS,
        PackStatus=PackStatus,
        same_reviewer=reviewer
        and found.status == PackStatus.CITY_PASSED
        and current_user.id == found.city_reviewed_by_id,
    )


def _version(form) -> int | None:
    return form.version_number


@bp.post("/packs/<int:pack_id>/submit")
@requires(Permission.RUN_PILOTS)
def submit_pack(pack_id: int):
    """报送市级: the month's records and subsidies as they are, with the materials ticked."""
    found = access.get_or_404(MonthlyPack, pack_id)
    form = SubmitPackForm()
    form.validate_on_submit()
    if commit_step(
        lambda: packs.submit_pack(
            found,
            list(form.materials.data or []),
            actor=current_user,
            today=local_today(),
            version=_version(form),
        )
    ):
        flash(
            _(
                "已报送 %(y)s 年 %(m)s 月材料：%(n)s 笔交易，补贴 %(s)s 元。",
                y=found.year,
                m=found.month,
                n=found.record_count,
                s=found.subsidy_yuan,
            ),
            "success",
        )
    return redirect(url_for(".pack", pack_id=pack_id))


@bp.post("/packs/<int:pack_id>/city-review")
@requires(Permission.RUN_PILOTS)
def city_review_pack(pack_id: int):
    """市级审核: passed on to the city's finance, or returned with the reason."""
    found = access.get_or_404(MonthlyPack, pack_id)
    form = CityReviewForm()
    if not form.validate_on_submit():
        flash(_("请选择审核结论。"), "danger")
        return redirect(url_for(".pack", pack_id=pack_id))
    passed = form.decision.data == "pass"
    if commit_step(
        lambda: packs.city_review(
            found,
            passed=passed,
            note=form.note.data or "",
            actor=current_user,
            today=local_today(),
            version=_version(form),
        )
    ):
        flash(_("市级审核通过，已转财政审核。") if passed else _("已退回试点企业。"), "success")
    return redirect(url_for(".pack", pack_id=pack_id))


@bp.post("/packs/<int:pack_id>/finance-review")
@requires(Permission.RUN_PILOTS)
def finance_review_pack(pack_id: int):
    """市级财政审核 by someone other than the city's reviewer: passed (subsidy paid) or
    returned."""
    found = access.get_or_404(MonthlyPack, pack_id)
    form = FinanceReviewForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "danger")
        return redirect(url_for(".pack", pack_id=pack_id))
    passed = form.decision.data == "pass"
    if commit_step(
        lambda: packs.finance_review(
            found,
            passed=passed,
            reviewer=form.reviewer.data or "",
            note=form.note.data or "",
            actor=current_user,
            today=local_today(),
            version=_version(form),
        )
    ):
        flash(
            _("财政审核通过，补贴资金可拨付试点企业。") if passed else _("已退回试点企业。"),
            "success",
        )
    return redirect(url_for(".pack", pack_id=pack_id))
