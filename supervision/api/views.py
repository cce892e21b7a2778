"""The JSON API: enterprises, tasks, submission and annexes, with the pages' access rules."""

from __future__ import annotations

import json

from flask import Response, current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..annexes.service import build_province_annexes
from ..core import access
from ..core.access import Permission, public, requires
from ..core.errors import DomainError, json_error, json_response
from ..core.models import OrgKind
from ..core.types import utcnow
from ..core.versions import changed
from ..enterprises import service as enterprises
from ..enterprises.models import Enterprise
from ..extensions import csrf, db
from ..industries import service as industries
from ..plans import service as plans
from ..tasks import service as tasks
from ..tasks.models import FilingStatus, SupervisionTask, TaskFiling
from . import bp, outputs, schemas, service
from .openapi import XLSX, build_document, operation, operation_of
from .schemas import ValidationFailed

# Token-authenticated, never cookie-authenticated: a forged cross-site request carries no
# token, so the API needs no CSRF token (and programs could not send one).
csrf.exempt(bp)

#: Path ids and years: beyond a 32-bit column, a 404 (rather than a database error).
INT = "int32"

#: add_task's form field names → the API's member names.
TASK_FIELDS = {"industry_id": "industry", "agency_id": "agency", "inspector_ids": "inspectors"}


class ApiError(Exception):
    """Answer ``status`` with ``message`` (and ``extra`` members) as JSON."""

    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status = status
        self.message = str(message)
        self.extra = extra


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    return json_error(error.status, error.message, **error.extra)


@bp.errorhandler(ValidationFailed)
def validation_failed(error: ValidationFailed):
    errors = {key: str(message) for key, message in error.errors.items()}
    return json_error(422, _("请求数据有误，请按 errors 逐项修改。"), errors=errors)


# -- request helpers --------------------------------------------------------------------------


def _declared():
    return operation_of(current_app.view_functions[request.endpoint])


def _payload():
    """The JSON body as sent (415 unless JSON, 400 unless it parses)."""
    if request.mimetype != "application/json":
        raise ApiError(415, _("请求体应为 JSON，并带 Content-Type: application/json。"))
    try:
        return json.loads(request.get_data(cache=True))
    except (ValueError, RecursionError):
        raise ApiError(400, _("请求体不是有效的 JSON。")) from None


def _body(*, partial: bool = False) -> dict:
    """The JSON body, validated against the schema the view declares (and documents)."""
    schema = _declared().body
    raw = request.get_data(cache=True)
    if not raw.strip() and schema.optional_body:
        return {}
    return schema.validate(_payload(), partial=partial)


def _query() -> dict:
    schema = _declared().query
    if schema is None:
        if request.args:
            raise ValidationFailed({key: _("未知参数。") for key in request.args})
        return {}
    return schema.validate_query(request.args)


def _page(stmt, args: dict, dump, **beside) -> Response:
    pagination = db.paginate(
        stmt,
        page=args.get("page", 1),
        per_page=args.get("per_page", current_app.config["PAGE_SIZE"]),
        max_per_page=100,
        error_out=False,
    )
    return json_response(
        {
            "total": pagination.total,
            "page": pagination.page,
            "per_page": pagination.per_page,
            "items": [dump(row) for row in pagination.items],
            **beside,
        }
    )


def _user():
    return current_user._get_current_object()


# -- enterprises -------------------------------------------------------------------------------


@bp.get("/enterprises")
@requires(Permission.VIEW_DOMAIN)
@operation(
    "企业名录（分页）", query=schemas.ENTERPRISE_QUERY, returns=outputs.ENTERPRISE, paged=True
)
def list_enterprises():
    """The enterprises the caller may see: a province its registry, the ministry all."""
    args = _query()
    industry_id = province_id = None
    if args.get("industry"):
        industry = industries.by_code(args["industry"])
        if industry is None:
            raise ValidationFailed({"industry": _("行业目录中没有该行业代码。")})
        industry_id = industry.id
    if args.get("province"):
        province = service.province_by_code(args["province"])
        if province is None:
            raise ValidationFailed({"province": _("没有该行政区划代码的省级单位。")})
        province_id = province.id
    stmt = service.enterprises_query(
        _user(),
        q=args.get("q"),
        industry_id=industry_id,
        status=args.get("status"),
        province_id=province_id,
    )
    return _page(stmt, args, outputs.dump_enterprise)


@bp.get(f"/enterprises/<{INT}:enterprise_id>")
@requires(Permission.VIEW_DOMAIN)
@operation("一家企业", returns=outputs.ENTERPRISE)
def get_enterprise(enterprise_id: int):
    """One enterprise within the caller's scope (404 outside it)."""
    _query()
    return json_response(outputs.dump_enterprise(access.get_or_404(Enterprise, enterprise_id)))


def _registry_province(code: str | None):
    """The registry a new enterprise goes into: the caller's province (the ministry names one)."""
    own = tasks.province_of(_user())
    if own is None:
        if not code:
            raise ValidationFailed(
                {"province": _("部级用户请用 province 指定省级单位（行政区划代码）。")}
            )
        province = service.province_by_code(code)
        if province is None:
            raise ValidationFailed({"province": _("没有该行政区划代码的省级单位。")})
        return province
    if code and code != own.division_code:
        raise ValidationFailed(
            {"province": _("只能登记到本省（%(code)s）的名录。", code=own.division_code)}
        )
    return own


def _checked(raw: dict, province) -> enterprises.EnterpriseData:
    data, errors = enterprises.check_fields(raw, province, enterprises.industry_lookup())
    if errors:
        raise ValidationFailed(errors)
    return data


def _duplicate(error: enterprises.DuplicateEnterprise) -> ApiError:
    """409 naming the existing enterprise only to someone who may see it."""
    existing = error.existing
    visible = db.session.scalar(
        access.scoped(Enterprise, _user()).where(Enterprise.id == existing.id)
    )
    if visible is not None:
        return ApiError(409, str(error), existing_id=existing.id)
    return ApiError(
        409,
        _(
            "统一社会信用代码 %(code)s 已登记在%(province)s的企业名录中。",
            code=existing.credit_code,
            province=existing.province.name,
        ),
    )


@bp.post("/enterprises")
@requires(Permission.MANAGE_REGISTRY)
@operation(
    "登记企业",
    body=schemas.ENTERPRISE_CREATE,
    returns=outputs.ENTERPRISE,
    status=201,
    conflicts=True,
)
def create_enterprise():
    """Register an enterprise in the caller's province (the ministry names the province)."""
    _query()
    values = _body()
    province = _registry_province(values.pop("province", None))
    data = _checked(values, province)
    try:
        enterprise = enterprises.create_enterprise(province, data)
        db.session.commit()
    except enterprises.DuplicateEnterprise as error:
        db.session.rollback()
        raise _duplicate(error) from None
    except DomainError as error:
        db.session.rollback()
        raise ValidationFailed({error.field or "province": str(error)}) from None
    except IntegrityError:  # registered by someone else a moment ago
        db.session.rollback()
        raise ApiError(409, _("该统一社会信用代码刚刚已被登记，请查询后再试。")) from None
    location = url_for(".get_enterprise", enterprise_id=enterprise.id)
    return json_response(outputs.dump_enterprise(enterprise), 201, {"Location": location})


def _stale(enterprise: Enterprise) -> ApiError:
    return ApiError(
        409, str(changed(enterprise, _("该企业信息已被他人修改，请重新读取后再修改。")))
    )


@bp.patch(f"/enterprises/<{INT}:enterprise_id>")
@requires(Permission.MANAGE_REGISTRY)
@operation(
    "修改企业（部分更新）",
    body=schemas.ENTERPRISE_UPDATE,
    returns=outputs.ENTERPRISE,
    conflicts=True,
)
def update_enterprise(enterprise_id: int):
    """Change the given fields; a ``version`` older than the record's is refused (409)."""
    enterprise = access.get_or_404(Enterprise, enterprise_id)
    _query()
    values = _body(partial=True)
    version = values.pop("version", None)
    if version is not None and version != enterprise.version:
        raise _stale(enterprise)
    data = _checked({**service.enterprise_values(enterprise), **values}, enterprise.province)
    try:
        enterprises.update_enterprise(enterprise, data, version=version)
        db.session.commit()
    except enterprises.DuplicateEnterprise as error:
        db.session.rollback()
        raise _duplicate(error) from None
    except DomainError:  # the version check inside the service
        db.session.rollback()
        raise _stale(enterprise) from None
    except (StaleDataError, IntegrityError):  # changed by someone else during this request
        db.session.rollback()
        raise _stale(enterprise) from None
    return json_response(outputs.dump_enterprise(enterprise))


# -- tasks -------------------------------------------------------------------------------------


def _plan(year: int):
    plan = plans.plan_for_year(year)
    if plan is None:
        raise ApiError(404, _("没有 %(year)s 年的监察计划。", year=year))
    return plan


def _readable_filing(year: int, code: str | None) -> TaskFiling:
    """The filing the caller asks about: his province's, or (the ministry) ``?province=``'s."""
    plan = _plan(year)
    user = _user()
    own = tasks.province_of(user)
    if own is None:
        if not code:
            raise ValidationFailed(
                {"province": _("部级用户请用 province 指定省级单位（行政区划代码）。")}
            )
        province = service.province_by_code(code)
        if province is None:
            raise ValidationFailed({"province": _("没有该行政区划代码的省级单位。")})
    elif code and code != own.division_code:
        raise ApiError(404, _("您要找的地址或记录不存在，或不在您的权限范围内。"))
    else:
        province = own
    filing = service.visible_filing(user, plan, province)
    if filing is None:
        raise ApiError(404, _("没有该省的任务申报，或不在您的权限范围内。"))
    return filing


def _own_filing(year: int) -> TaskFiling:
    """The filing the caller files: only the provincial body itself files (as on the pages)."""
    user = _user()
    org = user.organisation
    if org.kind != OrgKind.PROVINCE:
        raise ApiError(403, _("任务由省级单位申报，监察机构不能申报或修改。"))
    filing = service.visible_filing(user, _plan(year), org)
    if filing is None:
        raise ApiError(404, _("没有该省的任务申报，或不在您的权限范围内。"))
    return filing


def _locked(filing: TaskFiling) -> ApiError:
    return ApiError(
        409,
        _("任务申报已报送，锁定期间不能修改；如需修改，请等待部里退回。"),
        filing_status=filing.status.value,
    )


@bp.get(f"/plans/<{INT}:year>/tasks")
@requires(Permission.VIEW_FILINGS)
@operation(
    "本省该年度的任务（分页）",
    description="部级用户用 province 指定省级单位。filing 为申报状态。",
    query=schemas.TASK_QUERY,
    returns=outputs.TASK,
    paged=True,
    beside=(("filing", outputs.FILING),),
)
def list_tasks(year: int):
    """The filing's tasks the caller may see, with the filing's state."""
    args = _query()
    filing = _readable_filing(year, args.get("province"))
    stmt = service.tasks_query(filing, _user(), category=args.get("category"))
    return _page(
        stmt,
        args,
        outputs.dump_task,
        filing=outputs.dump_filing(filing, tasks.task_total(filing)),
    )


@bp.post(f"/plans/<{INT}:year>/tasks")
@requires(Permission.FILE_TASKS)
@operation("申报任务", body=schemas.TASK_CREATE, returns=outputs.TASK, status=201, conflicts=True)
def create_task(year: int):
    """File one task; add_task's refusals name their member (422)."""
    _query()
    filing = _own_filing(year)
    values = _body()
    if filing.is_locked:
        raise _locked(filing)
    arguments, errors = service.task_arguments(filing, _user(), values)
    if errors:
        raise ValidationFailed(errors)
    try:
        task = tasks.add_task(filing, **arguments)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        if error.field is None:
            raise ApiError(409, str(error)) from None
        field = TASK_FIELDS.get(error.field, error.field)
        if field == "enterprise_id" and values.get("enterprise_id") is None:
            field = "credit_code"
        raise ValidationFailed({field: str(error)}) from None
    return json_response(outputs.dump_task(task), 201)


@bp.delete(f"/tasks/<{INT}:task_id>")
@requires(Permission.FILE_TASKS)
@operation("撤回任务（仅填报中或已退回时）", status=204, conflicts=True)
def delete_task(task_id: int):
    """Withdraw a task (with its riders) while the filing is a draft or returned."""
    task = access.get_or_404(SupervisionTask, task_id)
    _query()
    filing = task.filing
    if _own_filing(filing.plan.year).id != filing.id:
        raise ApiError(403, _("只能撤回本省申报的任务。"))
    if filing.is_locked:
        raise _locked(filing)
    try:
        tasks.remove_task(task)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise ApiError(409, str(error)) from None
    return Response(status=204)


# -- submission and annexes ------------------------------------------------------------------


@bp.post(f"/plans/<{INT}:year>/submission")
@requires(Permission.FILE_TASKS)
@operation(
    "报送本省该年度的任务申报",
    description="与页面上的“报送”相同：全覆盖核对、资金情况不通过时返回 422 并说明原因。",
    body=schemas.SUBMISSION,
    returns=outputs.FILING,
    conflicts=True,
)
def submit(year: int):
    """Submit the province's filing to the ministry, as the page's button does."""
    _query()
    filing = _own_filing(year)
    _body()
    if filing.status not in (FilingStatus.DRAFT, FilingStatus.RETURNED):
        raise ApiError(409, _("任务申报已报送，不能重复报送。"), filing_status=filing.status.value)
    try:
        tasks.submit_filing(filing, actor=_user(), now=utcnow())
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        coverage = tasks.coverage_check(filing).report
        raise ApiError(
            422,
            str(error),
            errors={},
            coverage={
                "complete": coverage.complete,
                "missing_enterprise_ids": sorted(coverage.missing),
                "mismatched_task_ids": sorted(coverage.mismatched),
            },
        ) from None
    return json_response(outputs.dump_filing(filing, tasks.task_total(filing)))


@bp.get(f"/plans/<{INT}:year>/annexes.xlsx")
@requires(Permission.VIEW_FILINGS)
@operation(
    "本省该年度任务申报的附件（Excel）",
    description="部级用户用 province 指定省级单位。",
    query=schemas.ANNEX_QUERY,
    media_type=XLSX,
)
def annexes(year: int):
    """The filing's annexes 1 and 2 as one workbook."""
    args = _query()
    filing = _readable_filing(year, args.get("province"))
    name = f"{filing.plan.year}-{filing.province.division_code}-annexes.xlsx"
    return Response(
        build_province_annexes(filing),
        mimetype=XLSX,
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )


# -- the document ----------------------------------------------------------------------------


@bp.get("/openapi.json")
@public
@operation("本文档（OpenAPI 3.1）")
def openapi_document():
    """The OpenAPI document of this API (public: programs read it before holding a token)."""
    _query()
    return json_response(build_document(current_app))
