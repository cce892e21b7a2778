"""Import pages: upload a file, follow its validation, read the error report or the preview,
confirm, follow the import."""

import csv
import io
from datetime import datetime

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..core import access
from ..core.access import Permission, can, requires
from ..core.errors import DomainError
from ..core.forms import as_choices
from ..core.models import Organisation, OrgKind
from ..extensions import db
from ..organisations import service as organisations
from . import bp, service
from .forms import ButtonForm, UploadForm
from .models import ImportJob

#: Who lists import jobs: the people who maintain provincial data (ministry and
#: provincial officers).
IMPORT_PAGES = Permission.MANAGE_REGISTRY
#: A job's own pages: anyone working on domain data; the kind's ``permission`` then decides
#: (the registry's kinds ask for more, a case's equipment ledger only for this).
JOB_PAGES = Permission.VIEW_DOMAIN


@bp.url_value_preprocessor
def _upload_limit(endpoint: str | None, values: dict | None) -> None:
    """Let a kind's larger uploads through (sales records: 400 MB) on its upload page only.

    Runs before every ``before_request`` hook, so before CSRFProtect reads the form: the
    request's own limit replaces the app-wide MAX_CONTENT_LENGTH before the body is parsed.
    """
    if endpoint == "imports.new" and values:
        kind = service.kind_of(values.get("kind", ""))
        if kind is not None and kind.max_bytes:
            # The file plus the form's other fields and the multipart boundaries; the 413
            # page names the file's own limit.
            g.upload_limit = service.upload_limit(kind)
            request.max_content_length = g.upload_limit + (1 << 20)


def _kind(name: str) -> service.ImportKind:
    kind = service.kind_of(name)
    if kind is None:
        abort(404)
    if not can(current_user, kind.permission):
        abort(403)
    return kind


def _job(job_id: int) -> tuple[ImportJob, service.ImportKind]:
    job = access.get_or_404(ImportJob, job_id)
    return job, _kind(job.kind)


@bp.get("/")
@requires(IMPORT_PAGES)
def index():
    """Recent imports of the user's province (the ministry: of every province)."""
    stmt = access.scoped(ImportJob).order_by(ImportJob.created_at.desc(), ImportJob.id.desc())
    pagination = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template(
        "imports/index.html", pagination=pagination, kinds=service.KINDS, Status=service.Status
    )


@bp.route("/new/<kind>", methods=["GET", "POST"])
@requires(JOB_PAGES)
def new(kind: str):
    """Upload a file; it is checked in full in the background before anything is imported."""
    import_kind = _kind(kind)
    form = UploadForm()
    own = organisations.province_of(current_user)
    if own is None:
        form.province_id.choices = as_choices(
            [("", "—"), *((str(p.id), p.name) for p in organisations.provinces())]
        )
    else:
        del form.province_id
    if form.validate_on_submit():
        province = own or _chosen_province(form)
        if province is not None:
            upload = form.file.data
            try:
                job = service.create_job(
                    import_kind,
                    upload.stream,
                    upload.filename or "",
                    province=province,
                    user=current_user,
                    params={"ip": request.remote_addr, **_kind_params(import_kind)},
                )
            except service.DuplicateUpload as error:
                db.session.rollback()
                flash(str(error), "warning")
                return redirect(url_for(".detail", job_id=error.job.id))
            except DomainError as error:
                db.session.rollback()
                form.file.errors.append(str(error))
            else:
                db.session.commit()
                service.start(current_app._get_current_object(), job.id, "validate")
                return redirect(url_for(".detail", job_id=job.id))
    mb = service.upload_limit(import_kind) // (1024 * 1024)
    form.file.label.text = _("文件（.xlsx 或 .csv，不超过 %(mb)s MB）", mb=mb)
    return render_template(
        "imports/new.html",
        form=form,
        kind=import_kind,
        province=own,
        link_args=import_kind.endpoint_args(_kind_params(import_kind)),
    )


def _kind_params(kind: service.ImportKind) -> dict:
    """Parameters a kind takes from the upload page's address (e.g. ?plan=2020, ?case=12)."""
    params = {}
    for name in ("plan", *kind.url_params):
        value = request.args.get(name, type=int)
        if value:
            params[name] = value
    return params


def _chosen_province(form) -> Organisation | None:
    raw = form.province_id.data or ""
    province = None
    if raw.isdigit():
        province = db.session.scalar(
            access.scoped(Organisation).where(
                Organisation.id == int(raw), Organisation.kind == OrgKind.PROVINCE
            )
        )
    if province is None:
        form.province_id.errors.append(_("请选择导入到哪个省级单位。"))
    return province


@bp.get("/<int:job_id>")
@requires(JOB_PAGES)
def detail(job_id: int):
    """Progress while running; then the error report, the preview to confirm, or the result."""
    job, kind = _job(job_id)
    errors = sorted(job.errors or [], key=lambda e: e.get("row", 0))
    params = job.params or {}
    return render_template(
        "imports/detail.html",
        job=job,
        kind=kind,
        link_args=kind.endpoint_args(params),
        again_args={k: params[k] for k in kind.url_params if k in params},
        may_list=can(current_user, IMPORT_PAGES),
        status=service.Status(job.status),
        running=job.status in service.RUNNING,
        processed=service.live_progress(job),
        errors=errors,
        has_report=service.error_report_path(job) is not None,
        withdrawn_at=_withdrawn_at(job),
    )


def _withdrawn_at(job: ImportJob) -> datetime | None:
    """When a withdrawn job's rows were deleted (kept in its summary as ISO text)."""
    stamp = (job.summary or {}).get("withdrawn_at")
    return datetime.fromisoformat(stamp) if isinstance(stamp, str) and stamp else None


@bp.get("/<int:job_id>/status")
@requires(JOB_PAGES)
def status(job_id: int):
    """The job's state for the progress page's script (polled every second)."""
    job, _kind_ = _job(job_id)
    return jsonify(
        status=job.status,
        label=service.Status(job.status).label,
        processed=service.live_progress(job),
        total=job.total_rows,
        errors=job.error_count,
        running=job.status in service.RUNNING,
    )


@bp.get("/<int:job_id>/errors.csv")
@requires(JOB_PAGES)
def error_report(job_id: int):
    """Every error of the job (row, column, reason) as CSV that Excel opens directly."""
    job, _kind_ = _job(job_id)
    name = f"import-{job.id}-errors.csv"
    path = service.error_report_path(job)
    if path is not None:
        return send_file(path, mimetype="text/csv", as_attachment=True, download_name=name)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("行号"), _("列"), _("错误原因")])
    for error in job.errors or []:
        writer.writerow([error.get("row"), error.get("column"), error.get("message")])
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/<int:job_id>/confirm")
@requires(JOB_PAGES)
def confirm(job_id: int):
    """Import a validated file (all rows or none)."""
    job, _kind_ = _job(job_id)
    if ButtonForm().validate_on_submit():
        if service.confirm(job):
            db.session.commit()
            service.start(current_app._get_current_object(), job.id, "import")
        else:
            db.session.rollback()
            flash(_("该导入任务已确认或已结束，不能再次确认。"), "warning")
    return redirect(url_for(".detail", job_id=job_id))


@bp.post("/<int:job_id>/cancel")
@requires(JOB_PAGES)
def cancel(job_id: int):
    """Give up a job waiting for confirmation; its file is deleted."""
    job, _kind_ = _job(job_id)
    if ButtonForm().validate_on_submit():
        if service.cancel(job):
            db.session.commit()
            flash(_("已取消该导入，未导入任何数据。"), "success")
        else:
            flash(_("该导入任务当前不能取消。"), "warning")
    return redirect(url_for(".detail", job_id=job_id))
