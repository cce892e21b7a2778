"""Calendar pages: covered years, one year's special days, import and corrections."""

import csv
import io
from datetime import date

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..core.access import Permission, requires
from ..core.workdays import CalendarNotAvailable, parse_calendar_rows
from ..extensions import db
from . import bp, rules, service
from .forms import CalculatorForm, CalendarDayForm, CalendarImportForm, RemoveForm

TEMPLATE_CSV = "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,workday,春节调休\n"
MAX_CSV_BYTES = 1024 * 1024


@bp.get("/")
@requires()
def index():
    """The covered years, one year's holidays and adjusted workdays, and a calculator."""
    today = date.today()
    year = request.args.get("year", type=int)
    if year is None or not date.min.year <= year <= date.max.year:  # unreadable: this year
        year = today.year
    calendar = service.current_calendar()
    days, count, missing = [], None, False
    try:
        days = rules.special_days(calendar, year, service.day_names(year))
        count = rules.workday_count(calendar, year)
    except CalendarNotAvailable:
        missing = True
    calc = CalculatorForm(request.args) if "start" in request.args else CalculatorForm()
    result = error = None
    if "start" in request.args and calc.validate():
        try:
            result = calendar.add_workdays(calc.start.data, calc.days.data)
        except CalendarNotAvailable as exc:
            error = _("尚无 %(year)s 年的法定节假日安排，无法计算。", year=exc.year)
    return render_template(
        "calendar/index.html",
        year=year,
        days=days,
        count=count,
        missing=missing,
        years=service.covered_years(),
        calc=calc,
        result=result,
        calc_error=error,
        day_form=CalendarDayForm(),
        remove_form=RemoveForm(),
    )


@bp.route("/import", methods=["GET", "POST"])
@requires(Permission.MANAGE_REFERENCE_DATA)
def import_csv():
    """Import a year's schedule from CSV: every row is checked first; any error imports nothing."""
    form = CalendarImportForm()
    errors = []
    if form.validate_on_submit():
        raw = form.file.data.read(MAX_CSV_BYTES + 1)
        text = None
        if len(raw) > MAX_CSV_BYTES:
            form.file.errors.append(_("文件超过 1 MB，不像是一份节假日安排。"))
        else:
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                form.file.errors.append(
                    _("文件不是 UTF-8 编码的 CSV。请在 Excel 中另存为“CSV UTF-8”。")
                )
        if text is not None:
            reader = csv.DictReader(io.StringIO(text))
            try:  # csv.Error: e.g. a field longer than csv.field_size_limit(): not a calendar
                header = [f.strip().lower() for f in reader.fieldnames or []]
                rows, errors = parse_calendar_rows(reader) if "date" in header else ([], [])
            except csv.Error:
                header, rows = None, []
                form.file.errors.append(_("文件不是有效的 CSV 表格。"))
            if header is not None and "date" not in header:
                form.file.errors.append(_("第一行应为表头 date,kind,name。"))
            elif header is not None and not errors and not rows:
                form.file.errors.append(_("文件中没有数据行。"))
            elif rows and not errors:
                imported = service.import_days(
                    rows, source=form.source.data, file_name=form.file.data.filename or ""
                )
                db.session.commit()
                for year, days in sorted(imported.items()):
                    flash(_("已导入 %(year)s 年的 %(n)s 天。", year=year, n=days), "success")
                return redirect(url_for(".index", year=min(imported)))
    return render_template("calendar/import.html", form=form, errors=errors)


@bp.get("/template.csv")
@requires()
def template_csv():
    return Response(
        "\ufeff" + TEMPLATE_CSV,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=calendar-template.csv"},
    )


@bp.post("/days")
@requires(Permission.MANAGE_REFERENCE_DATA)
def set_day():
    """Set one day's status (a correction, or a day of an administrator-maintained year)."""
    form = CalendarDayForm()
    if form.validate_on_submit():
        service.set_day(form.on.data, form.kind.data == "workday", form.name.data or "")
        db.session.commit()
        flash(_("已保存 %(d)s。", d=form.on.data.isoformat()), "success")
        return redirect(url_for(".index", year=form.on.data.year))
    for field in form:
        for message in field.errors:
            flash(f"{field.label.text}：{message}", "danger")
    return redirect(url_for(".index"))


@bp.post("/days/<isodate:on>/remove")
@requires(Permission.MANAGE_REFERENCE_DATA)
def remove_day(on: date):
    form = RemoveForm()
    if form.validate_on_submit() and service.remove_day(on):
        db.session.commit()
        flash(_("已删除 %(d)s 的设置。", d=on.isoformat()), "success")
    return redirect(url_for(".index", year=on.year))
