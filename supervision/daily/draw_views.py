"""One draw's pages: its parameters and preview, the witnessed run, the list drawn with its
cases, earlier runs, the printable draw record; opening the cases, publishing the results."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core import access
from ..core.access import Permission, can, requires, requires_any
from ..core.clock import local_today
from ..core.errors import DomainError
from ..core.types import utcnow
from ..extensions import db
from . import bp, service
from .forms import RunForm
from .models import DailyDraw, DrawRun, DrawStatus, Stratification
from .views import RUNNABLE, call, city_choices, industries, witnesses


def _draw_or_404(daily_draw_id: int) -> DailyDraw:
    return access.get_or_404(DailyDraw, daily_draw_id)


#: The draw's columns its parameters are shown from.
PARAMETERS = (
    "industry_ids",
    "city_codes",
    "min_energy_tce",
    "max_energy_tce",
    "key_units_only",
    "sample_size",
    "sample_rate",
    "stratify_by",
    "exclude_inspected_months",
    "exclude_special_tasks",
    "pair_count",
    "inspector_ids",
)


def _percent(rate) -> str:
    """0.05 → "5"."""
    value = (Decimal(str(rate)) * 100).normalize()
    return f"{value:f}"


def _stratification_label(value: str) -> str:
    try:
        return Stratification(value).label
    except ValueError:
        return value


def _shown(draw: DailyDraw) -> dict:
    """What the templates need to show a draw's parameters."""
    return {
        "labels": {
            "industries": {i.id: i.name for i in industries()},
            "cities": dict(city_choices(draw.province)),
        },
        "percent": _percent,
        "stratification_label": _stratification_label,
    }


def _earlier(draw: DailyDraw) -> list[tuple[DrawRun, str]]:
    """Superseded runs, latest first, each with the reason given for the run after it."""
    runs = list(draw.runs)
    pairs = [
        (r, runs[i + 1].reason if i + 1 < len(runs) else "")
        for i, r in enumerate(runs)
        if not r.is_current
    ]
    return list(reversed(pairs))


def _run_form(draw: DailyDraw) -> RunForm:
    return RunForm(witnesses=witnesses(draw.province))


def _detail_page(draw: DailyDraw, form: RunForm | None = None, status: int = 200):
    today = local_today()
    may_run = can(current_user, Permission.RUN_DAILY_DRAWS)
    runnable = draw.status in RUNNABLE
    run = draw.current_run
    verify = request.args.get("verify") == "1" and run is not None
    return (
        render_template(
            "daily/detail.html",
            draw=draw,
            run=run,
            earlier=_earlier(draw),
            params={name: getattr(draw, name) for name in PARAMETERS},
            preview=service.preview(draw, today) if runnable else None,
            verified=service.verify_run(run) if verify else None,
            form=form or (_run_form(draw) if may_run and runnable else None),
            may_run=may_run,
            runnable=runnable,
            today=today,
            DrawStatus=DrawStatus,
            **_shown(draw),
        ),
        status,
    )


@bp.get("/<int:daily_draw_id>")
@requires_any(Permission.RUN_DAILY_DRAWS, Permission.VIEW_NATIONAL)
def detail(daily_draw_id: int):
    """The draw: its parameters; while it can be (re)run, the preview (population, eligible,
    excluded and why, strata, pool, pairs) and the run form; the current run's record and
    list drawn with the cases; earlier runs with the reason they were redone;
    ``?verify=1`` redoes the current run from its stored seed and population."""
    return _detail_page(_draw_or_404(daily_draw_id))


@bp.post("/<int:daily_draw_id>/run")
@requires(Permission.RUN_DAILY_DRAWS)
def run(daily_draw_id: int):
    """Run the draw before a witness (a run after the first needs the reason)."""
    draw = _draw_or_404(daily_draw_id)
    form = _run_form(draw)
    if form.validate_on_submit():
        witness = next(
            (u for u in witnesses(draw.province) if str(u.id) == form.witness_id.data), None
        )
        if witness is None:
            form.witness_id.errors.append(_("请选择本省其他业务人员作为监督人。"))
        else:
            ok, record = call(
                form,
                lambda: service.run_draw(
                    draw,
                    actor=current_user,
                    witness=witness,
                    seed=form.seed.data or None,
                    reason=form.reason.data or "",
                    today=local_today(),
                ),
            )
            if ok:
                flash(
                    _(
                        "已抽取 %(n)s 家企业、%(p)s 个检查组（随机种子 %(seed)s，监督人 %(w)s）。",
                        n=len(record.assignments),
                        p=len({a.pair_no for a in record.assignments}),
                        seed=record.seed,
                        w=record.witness_name,
                    ),
                    "success",
                )
                return redirect(url_for(".detail", daily_draw_id=draw.id))
    return _detail_page(_draw_or_404(daily_draw_id), form, 422)


@bp.post("/<int:daily_draw_id>/open-cases")
@requires(Permission.RUN_DAILY_DRAWS)
def open_cases(daily_draw_id: int):
    """派发检查: open a daily-supervision case for every enterprise drawn, with its pair."""
    draw = _draw_or_404(daily_draw_id)
    try:
        count = service.open_cases(draw, actor=current_user, today=local_today())
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        flash(_("已派发 %(n)s 个日常节能监察案件。", n=count), "success")
    return redirect(url_for(".detail", daily_draw_id=daily_draw_id))


@bp.post("/<int:daily_draw_id>/publish")
@requires(Permission.RUN_DAILY_DRAWS)
def publish(daily_draw_id: int):
    """公开结果: put the draw's results (what was checked, the outcome) on the public page."""
    draw = _draw_or_404(daily_draw_id)
    try:
        service.publish_results(draw, actor=current_user, now=utcnow())
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        flash(_("抽查结果已向社会公开。"), "success")
    return redirect(url_for(".detail", daily_draw_id=daily_draw_id))


@bp.get("/<int:daily_draw_id>/record")
@requires_any(Permission.RUN_DAILY_DRAWS, Permission.VIEW_NATIONAL)
def record(daily_draw_id: int):
    """抽取记录 for printing: the current run (or ``?run=<id>``, an earlier one) with its
    seed, witness, parameters, population, method, recusals and the list drawn."""
    draw = _draw_or_404(daily_draw_id)
    run_record = draw.current_run
    wanted = request.args.get("run", "")
    if wanted.isdigit():
        run_record = access.get_or_404(DrawRun, int(wanted))
        if run_record.draw_id != draw.id:
            abort(404)
    return render_template("daily/record.html", draw=draw, run=run_record, **_shown(draw))
