"""The API of issue 4: inspection cases, metrics posted to a case, data-centre readings and PUE."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from ..core import access
from ..core.access import Permission, requires
from ..core.clock import local_today
from ..core.errors import DomainError, json_response
from ..core.models import Role
from ..datacentres import service as datacentres
from ..datacentres.models import DataCentre
from ..extensions import db
from ..inspections import calculations
from ..inspections import service as inspections
from ..inspections.models import CaseStatus, InspectionCase
from ..tasks import service as tasks
from . import bp, calculators, service
from . import case_schemas as schemas
from .openapi import operation
from .schemas import ValidationFailed
from .views import INT, ApiError, _body, _declared, _page, _payload, _query, _user

#: Fields of the metrics services named "energy_electricity" → the API's "energy.electricity".
NESTED = ("energy", "measured", "exported")


# -- cases ----------------------------------------------------------------------------------


def _case(case_id: int) -> InspectionCase:
    return access.get_or_404(InspectionCase, case_id)


def _province_filter(code: str | None) -> int | None:
    """The province a listing is limited to: the ministry may name one; others only their own."""
    if not code:
        return None
    own = tasks.province_of(_user())
    if own is not None and code != own.division_code:
        raise ApiError(404, _("您要找的地址或记录不存在，或不在您的权限范围内。"))
    province = own or service.province_by_code(code)
    if province is None:
        raise ValidationFailed({"province": _("没有该行政区划代码的省级单位。")})
    return province.id


@bp.get("/cases")
@requires(Permission.VIEW_DOMAIN)
@operation(
    "监察案件（分页）",
    description="调用者可见的案件：监察人员为承办的案件，未办结的在前，按办结期限排序。",
    query=schemas.CASE_QUERY,
    returns=schemas.CASE_SUMMARY,
    paged=True,
)
def list_cases():
    """The cases the token's user may see, filtered, open ones first by due date."""
    args = _query()
    stmt = inspections.cases_query(_user())
    if args.get("status"):
        stmt = stmt.where(InspectionCase.status == CaseStatus(args["status"]))
    if args.get("category"):
        stmt = stmt.where(InspectionCase.category == args["category"])
    province_id = _province_filter(args.get("province"))
    if province_id is not None:
        stmt = stmt.where(InspectionCase.province_id == province_id)
    return _page(stmt, args, schemas.dump_case_summary)


@bp.get(f"/cases/<{INT}:case_id>")
@requires(Permission.VIEW_DOMAIN)
@operation("一个监察案件（含核算结论和问题）", returns=schemas.CASE)
def get_case(case_id: int):
    """One case within the caller's scope, with its verdicts and findings (404 outside it)."""
    case = _case(case_id)
    _query()
    return json_response(schemas.dump_case(case))


def _recorder(case: InspectionCase) -> None:
    """Only the case's assigned inspector posts metrics (403); not on a closed case (409)."""
    user = _user()
    if Role.INSPECTOR not in user.roles or not inspections.is_assigned(case, user):
        raise ApiError(403, _("只有承办本案件的监察人员可以录入。"))
    try:
        inspections.require_recorder(case, user)
    except DomainError as error:
        raise ApiError(409, str(error)) from None


def _service_field(field: str | None) -> str | None:
    prefix, _sep, rest = (field or "").partition("_")
    return f"{prefix}.{rest}" if prefix in NESTED and rest else field


def _as_text(value):
    """Integers as text: the services read numbers as typed on the forms."""
    if isinstance(value, dict):
        return {key: _as_text(item) for key, item in value.items()}
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _assess(case_id: int, assess) -> object:
    case = _case(case_id)
    _query()
    _recorder(case)
    values = _body()
    try:
        verdict = assess(case, _as_text(values), _user())
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        field = _service_field(error.field)
        raise ApiError(422, str(error), errors={field: str(error)} if field else {}) from None
    return json_response(schemas.dump_verdict(verdict))


_METRICS = (
    "只有承办本案件的监察人员的令牌可以提交（否则 403；案件已办结 409）。"
    "同一核算对象的结论被替换。数值用字符串或整数，浮点数返回 422。"
)


@bp.post(f"/cases/<{INT}:case_id>/metrics/quota")
@requires(Permission.VIEW_DOMAIN)
@operation(
    "提交能耗限额核算数据（专项监察一）",
    description=_METRICS + "按核查年度 12 月 31 日有效的限额标准判定。",
    body=schemas.QUOTA_METRICS,
    returns=schemas.VERDICT,
    conflicts=True,
)
def post_quota_metrics(case_id: int):
    """Compute and store the case's quota verdict from the posted figures."""
    return _assess(case_id, calculations.assess_case_quota)


@bp.post(f"/cases/<{INT}:case_id>/metrics/ladder")
@requires(Permission.VIEW_DOMAIN)
@operation(
    "提交阶梯电价核算数据（专项监察二）",
    description=_METRICS + "执行年度为核查年度的下一年，档次按核查年度指标确定。",
    body=schemas.LADDER_METRICS,
    returns=schemas.VERDICT,
    conflicts=True,
)
def post_ladder_metrics(case_id: int):
    """Compute and store the case's ladder-price verdict from the posted figures."""
    return _assess(case_id, calculations.assess_case_ladder)


# -- data centres ---------------------------------------------------------------------------


def _reading_problems(entries: list) -> tuple[list[tuple[date, dict]], list[dict]]:
    """Each entry checked on its own: (month, entry) pairs, and {index, message} problems."""
    parsed, problems, seen = [], [], {}
    for index, entry in enumerate(entries):
        message = schemas.READING.check(entry)
        month = None if message else calculators.parse_month(entry["month"])
        if message is None and month is None:
            message = _("month：月份格式应为 YYYY-MM。")
        if message is None and month in seen:
            message = _("month：与第 %(n)s 条月份重复。", n=seen[month])
        if message is None:
            for name in ("total_kwh", "it_kwh"):
                if calculations.number_problem(entry[name]):
                    message = _("%(name)s：请填写数字。", name=name)
                    break
        if message is not None:
            problems.append({"index": index, "message": str(message)})
            continue
        seen[month] = index
        parsed.append((month, entry))
    return parsed, problems


def _refused(problems: list[dict]) -> ApiError:
    return ApiError(
        422,
        _("读数有误，均未保存：请按 entries 逐条修改后重新提交全部读数。"),
        errors={f"readings[{p['index']}]": p["message"] for p in problems},
        entries=problems,
    )


def _amount(value) -> Decimal | None:
    return calculations.parse_decimal(value)


@bp.post(f"/data-centres/<{INT}:dc_id>/readings")
@requires(Permission.VIEW_DOMAIN)
@operation(
    "推送数据中心月度电量",
    description=(
        "全部读数通过才保存（来源记为 api）；任何一条有误返回 422，entries 为 "
        "[{index, message}]（index 从 0 起），一条也不保存。数值用字符串或整数。"
    ),
    body=schemas.READINGS,
    returns=schemas.READINGS_SAVED,
)
def post_readings(dc_id: int):
    """Save a batch of monthly readings, all or nothing."""
    centre = access.get_or_404(DataCentre, dc_id)
    _query()
    try:
        datacentres.require_writer(centre.enterprise, _user())
    except DomainError as error:
        raise ApiError(403, str(error)) from None
    payload = _payload()
    entries = payload.get("readings") if isinstance(payload, dict) else None
    parsed: list[tuple[date, dict]] = []
    if isinstance(entries, list):
        parsed, problems = _reading_problems(entries)
        if problems:
            raise _refused(problems)
    values = _declared().body.validate(payload)
    if not values["readings"]:
        raise ValidationFailed({"readings": _("至少需要一个月的读数。")})
    saved, problems = [], []
    for index, (month, entry) in enumerate(parsed):
        try:
            saved.append(
                datacentres.save_reading(
                    centre,
                    month,
                    _amount(entry["total_kwh"]),
                    _amount(entry["it_kwh"]),
                    source="api",
                    actor=_user(),
                )
            )
        except DomainError as error:  # the message names the month
            problems.append({"index": index, "message": str(error)})
    if problems:
        db.session.rollback()
        raise _refused(problems)
    db.session.commit()
    return json_response(
        {
            "data_centre_id": centre.id,
            "saved": len(saved),
            "readings": [schemas.dump_reading(r, datacentres.month_pue(r)) for r in saved],
        }
    )


def _default_year(centre: DataCentre) -> int:
    latest = max((r.month for r in centre.readings), default=None)
    return latest.year if latest else local_today().year - 1


@bp.get(f"/data-centres/<{INT}:dc_id>/pue")
@requires(Permission.VIEW_DOMAIN)
@operation(
    "数据中心年度 PUE",
    description="全年 12 个月电量之和的比值，列出缺少的月份，并与该年末有效的 PUE 目标值比较。",
    query=schemas.PUE_QUERY,
    returns=schemas.DATA_CENTRE_PUE,
)
def data_centre_pue(dc_id: int):
    """The data centre's annual PUE for ``year`` (default: the latest year with readings).

    Judged by ``datacentres.assess``, as the case page stores it: GB 17167 metering gaps
    turn a comparison with the target into 数据异常 / 数据不全.
    """
    centre = access.get_or_404(DataCentre, dc_id)
    args = _query()
    year = args.get("year") or _default_year(centre)
    assessment = datacentres.assess(centre, year)
    _target, version = calculators.annual_target(assessment.annual, large=centre.large)
    months = [r for _m, r in sorted(datacentres.readings_of(centre, year).items())]
    return json_response(
        {
            "data_centre_id": centre.id,
            "name": centre.name,
            "large": centre.large,
            **schemas.dump_annual(assessment.annual, assessment, version),
            "metering_gaps": [gap.reason for gap in assessment.gaps],
            "months": [schemas.dump_reading(r, datacentres.month_pue(r)) for r in months],
        }
    )
