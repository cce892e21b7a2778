"""Defining a daily-supervision draw (双随机): its parameters checked, created and changed
while no case is opened. Functions flush, never commit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import clock
from ..core.errors import DomainError
from ..core.models import Organisation, OrgKind, Role, User
from ..core.versions import require_version
from ..extensions import db
from ..industries.models import Industry
from .models import DailyDraw, DrawStatus, Stratification
from .population import ineligibility, inspector_pool

#: Statuses in which the draw's parameters may change (and it may be run again).
EDITABLE = (DrawStatus.DRAFT, DrawStatus.DRAWN)
#: The columns ``values`` may set, with their defaults for a new draw.
DEFAULTS: dict = {
    "title": "",
    "year": None,
    "industry_ids": [],
    "city_codes": [],
    "min_energy_tce": None,
    "max_energy_tce": None,
    "key_units_only": True,
    "sample_size": None,
    "sample_rate": None,
    "stratify_by": Stratification.NONE,
    "exclude_inspected_months": None,
    "exclude_special_tasks": True,
    "pair_count": 1,
    "inspector_ids": [],
    "agency_id": None,
    "work_due_on": None,
    "publish_by": None,
}
#: The longest look-back for "inspected within N months".
MAX_MONTHS = 60

NOT_OFFICER = _l("只有本省的省级业务人员可以办理双随机抽查。")
NOT_EDITABLE = _l("检查已派发，抽查参数不能再修改。")


def require_officer(actor: User | None, province_id: int) -> None:
    """The actor is a provincial officer of the province (None: a script or the demo)."""
    if actor is None:
        return
    if Role.PROVINCIAL_OFFICER not in actor.roles or (
        actor.organisation.province_org_id != province_id
    ):
        raise DomainError(NOT_OFFICER)


def cases_opened(draw: DailyDraw) -> bool:
    run = draw.current_run
    return draw.status in (DrawStatus.OPENED, DrawStatus.PUBLISHED) or (
        run is not None and any(a.case_id is not None for a in run.assignments)
    )


# -- defining a draw ----------------------------------------------------------------------------


def _int(value, field: str, message) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DomainError(message, field) from None


def _decimal(value, field: str, message) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise DomainError(message, field) from None
    if not number.is_finite():
        raise DomainError(message, field)
    return number


def _ids(values, field: str) -> list[int]:
    try:
        return list(dict.fromkeys(int(v) for v in values or []))
    except (TypeError, ValueError):
        raise DomainError(_l("所选项目无效。"), field) from None


def _clean(province: Organisation, values: dict, today: date) -> dict:
    """The draw's columns from ``values``, checked; DomainError names the first wrong field."""
    v = {**DEFAULTS, **values}
    clean: dict = {}
    title = (v["title"] or "").strip()
    if not title:
        raise DomainError(_l("请填写抽查名称。"), "title")
    if len(title) > 160:
        raise DomainError(_l("抽查名称不超过 160 个字。"), "title")
    clean["title"] = title
    year = _int(v["year"], "year", _l("年度无效。"))
    if year is None or not 2000 <= year <= 2100:
        raise DomainError(_l("年度无效。"), "year")
    clean["year"] = year

    industry_ids = _ids(v["industry_ids"], "industry_ids")
    if industry_ids:
        known = set(db.session.scalars(select(Industry.id).where(Industry.id.in_(industry_ids))))
        if known != set(industry_ids):
            raise DomainError(_l("所选行业无效。"), "industry_ids")
    clean["industry_ids"] = industry_ids
    prefix = (province.division_code or "")[:2]
    codes = list(dict.fromkeys(str(c).strip() for c in v["city_codes"] or [] if str(c).strip()))
    for code in codes:
        if len(code) != 4 or not code.isdigit() or not code.startswith(prefix):
            raise DomainError(
                _l("地市代码应为本省行政区划代码的前 4 位（如 %(code)s01）。", code=prefix),
                "city_codes",
            )
    clean["city_codes"] = codes
    low = _decimal(v["min_energy_tce"], "min_energy_tce", _l("能耗下限须为数字。"))
    high = _decimal(v["max_energy_tce"], "max_energy_tce", _l("能耗上限须为数字。"))
    if low is not None and low < 0:
        raise DomainError(_l("能耗下限不能为负数。"), "min_energy_tce")
    if high is not None and high < 0:
        raise DomainError(_l("能耗上限不能为负数。"), "max_energy_tce")
    if low is not None and high is not None and low > high:
        raise DomainError(_l("能耗下限不能大于上限。"), "max_energy_tce")
    clean["min_energy_tce"], clean["max_energy_tce"] = low, high
    clean["key_units_only"] = bool(v["key_units_only"])

    size = _int(v["sample_size"], "sample_size", _l("抽取企业数须为整数。"))
    rate = _decimal(v["sample_rate"], "sample_rate", _l("抽取比例须为数字。"))
    if (size is None) == (rate is None):
        raise DomainError(_l("请填写抽取企业数或抽取比例（二者填一项）。"), "sample_size")
    if size is not None and size < 1:
        raise DomainError(_l("抽取企业数至少为 1。"), "sample_size")
    if rate is not None:
        if not Decimal(0) < rate <= Decimal(1):
            raise DomainError(_l("抽取比例应大于 0 且不超过 1（如 0.05 即 5%）。"), "sample_rate")
        if rate != rate.quantize(Decimal("0.0001")):
            raise DomainError(_l("抽取比例最多保留四位小数。"), "sample_rate")
    clean["sample_size"], clean["sample_rate"] = size, rate
    try:
        clean["stratify_by"] = Stratification(v["stratify_by"] or "")
    except ValueError:
        raise DomainError(_l("分层方式无效。"), "stratify_by") from None
    months = _int(v["exclude_inspected_months"], "exclude_inspected_months", _l("月数须为整数。"))
    if months is not None and not 0 <= months <= MAX_MONTHS:
        raise DomainError(
            _l("月数应在 1 至 %(n)s 之间。", n=MAX_MONTHS), "exclude_inspected_months"
        )
    clean["exclude_inspected_months"] = months or None
    clean["exclude_special_tasks"] = bool(v["exclude_special_tasks"])

    pairs = _int(v["pair_count"], "pair_count", _l("检查组数须为整数。"))
    if pairs is None or pairs < 1:
        raise DomainError(_l("检查组数至少为 1。"), "pair_count")
    clean["pair_count"] = pairs
    chosen = _ids(v["inspector_ids"], "inspector_ids")
    pool = {u.id: u for u in inspector_pool(province)}
    if any(i not in pool for i in chosen):
        raise DomainError(_l("执法人员须从本省在岗监察人员中选择。"), "inspector_ids")
    for user_id in chosen:
        if reason := ineligibility(pool[user_id], today):
            raise DomainError(
                _l(
                    "%(name)s 不能参加检查：%(reason)s。",
                    name=pool[user_id].full_name,
                    reason=reason,
                ),
                "inspector_ids",
            )
    if len(chosen) < 2 * pairs:
        raise DomainError(
            _l(
                "%(pairs)s 个检查组至少需要 %(need)s 名执法人员（每组两人），现只选了 %(n)s 人。",
                pairs=pairs,
                need=2 * pairs,
                n=len(chosen),
            ),
            "inspector_ids",
        )
    clean["inspector_ids"] = chosen

    agency_id = _int(v["agency_id"], "agency_id", _l("承办机构无效。")) or province.id
    agency = db.session.get(Organisation, agency_id)
    if agency is None or agency.province_org_id != province.id or not agency.is_active:
        raise DomainError(_l("承办机构须为本省的节能监察机构。"), "agency_id")
    clean["agency_id"] = agency.id
    for name in ("work_due_on", "publish_by"):
        if v[name] is not None and not isinstance(v[name], date):
            raise DomainError(_l("日期无效。"), name)
    clean["work_due_on"], clean["publish_by"] = v["work_due_on"], v["publish_by"]
    if v["work_due_on"] and v["publish_by"] and v["publish_by"] < v["work_due_on"]:
        raise DomainError(_l("结果公开期限不能早于检查完成期限。"), "publish_by")
    return clean


def create_draw(
    province: Organisation, *, actor: User | None, values: dict, today: date | None = None
) -> DailyDraw:
    """A new draw of ``province`` (status 待抽取) from ``values`` (DailyDraw column names)."""
    if province.kind != OrgKind.PROVINCE:
        raise DomainError(_l("双随机抽查由省级单位组织。"))
    require_officer(actor, province.id)
    clean = _clean(province, values, today or clock.local_today())
    draw = DailyDraw(province_id=province.id, created_by_id=actor.id if actor else None, **clean)
    db.session.add(draw)
    db.session.flush()
    return draw


def update_draw(
    draw: DailyDraw,
    *,
    actor: User | None,
    version: int | None,
    values: dict,
    today: date | None = None,
) -> None:
    """Change the draw's parameters (keys of ``values`` not given keep their value); only
    before its cases are opened. A drawn draw keeps its run: running again needs a reason."""
    require_officer(actor, draw.province_id)
    require_version(draw, version)
    if draw.status not in EDITABLE or cases_opened(draw):
        raise DomainError(NOT_EDITABLE)
    current = {name: getattr(draw, name) for name in DEFAULTS}
    clean = _clean(draw.province, {**current, **values}, today or clock.local_today())
    for name, value in clean.items():
        if getattr(draw, name) != value:
            setattr(draw, name, value)
    db.session.flush()
