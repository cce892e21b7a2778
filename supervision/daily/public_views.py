"""The public results of daily supervision (双随机一公开, no login): for each published draw,
the enterprises checked, what was checked and the outcome. No inspector or other personal
name is shown."""

from __future__ import annotations

from itertools import groupby

from flask import render_template, request
from sqlalchemy import select

from ..core.access import public
from ..core.models import Organisation
from ..extensions import db
from . import bp, service
from .models import DailyDraw, DrawStatus


def _published_choices() -> tuple[list[tuple[str, str]], list[int]]:
    """The provinces (division code, name) and years that have published results."""
    rows = db.session.execute(
        select(Organisation.division_code, Organisation.name, DailyDraw.year)
        .join(DailyDraw, DailyDraw.province_id == Organisation.id)
        .where(DailyDraw.status == DrawStatus.PUBLISHED)
        .distinct()
    ).all()
    provinces = sorted({(code or "", name) for code, name, _year in rows})
    years = sorted({year for _code, _name, year in rows}, reverse=True)
    return provinces, years


@bp.get("/public")
@public
def public_results():
    """双随机抽查结果公开: by province (``?province=320000``) and year (``?year=2026``; the
    latest year with results by default), each published draw with the enterprises checked,
    the checks made and the outcome."""
    provinces, years = _published_choices()
    province_code = request.args.get("province", "").strip()
    codes = dict(provinces)
    year_arg = request.args.get("year", "").strip()
    year = int(year_arg) if year_arg.isdigit() else (years[0] if years else None)
    results = []
    if years and (not province_code or province_code in codes):
        province_id = (
            db.session.scalar(
                select(Organisation.id).where(Organisation.division_code == province_code)
            )
            if province_code
            else None
        )
        results = service.public_results(province_id=province_id, year=year)
    draws = [(draw_id, list(rows)) for draw_id, rows in groupby(results, key=lambda r: r.draw_id)]
    return render_template(
        "daily/public.html",
        draws=draws,
        provinces=provinces,
        years=years,
        province_code=province_code,
        year=year,
    )
