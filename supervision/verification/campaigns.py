"""Verification campaigns and their tasks: the ministry creates, edits and issues a campaign to
the provincial units and 计划单列市, and what each user sees of them (the units' side of a
task is in ``assignments``). Every change takes the actor and the time, flushes and never
commits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core import access
from ..core.access import Permission
from ..core.clock import local_date
from ..core.errors import DomainError
from ..core.models import Organisation, User
from ..core.versions import require_version
from ..extensions import db
from .models import (
    CampaignStatus,
    Target,
    TaskStatus,
    VerificationCampaign,
    VerificationReport,
    VerificationTask,
)
from .rules import campaigns as rules
from .rules.categories import PRODUCT_CATEGORIES
from .units import UNIT_KINDS

CAMPAIGN_PROBLEMS = {
    "no_category": _l("请至少选择一类产品。"),
    "unknown_category": _l("产品类别不在节能产品惠民工程的八类产品之内。"),
    "missing_date": _l("请填写日期（YYYY-MM-DD）。"),
    "period_order": _l("销售信息截止日期不能早于起始日期。"),
    "deadline_before_period_end": _l("结果上报期限应晚于销售信息截止日期。"),
    "rate_missing": _l("请填写核查比例。"),
    "rate_range": _l("核查比例应大于 0%，且不超过 100%。"),
    "rate_precision": _l("核查比例最多保留两位小数（如 0.5%）。"),
    "bulk_threshold": _l("大宗用户台数应为不小于 2 的整数。"),
    "no_target": _l("请至少选择一个核查对象。"),
    "no_unit": _l("请至少选择一个核查单位。"),
}
NOT_ALLOWED = _l("您无权办理此事项。")


@dataclass
class CampaignData:
    """A campaign's facts as the ministry states them (rates as fractions: 0.01 is 1 %)."""

    name: str
    notice_number: str = ""
    categories: list[str] = field(default_factory=list)
    sales_from: date | None = None
    sales_to: date | None = None
    result_due_on: date | None = None
    phone_rate: Decimal | None = rules.DEFAULT_PHONE_RATE
    visit_rate: Decimal | None = rules.DEFAULT_VISIT_RATE
    bulk_threshold: int | None = rules.DEFAULT_BULK_THRESHOLD
    note: str = ""

    def problems(self, *, targets=None, units=None) -> list[tuple[str, str]]:
        return rules.campaign_problems(
            sales_from=self.sales_from,
            sales_to=self.sales_to,
            result_due_on=self.result_due_on,
            phone_rate=self.phone_rate,
            visit_rate=self.visit_rate,
            bulk_threshold=self.bulk_threshold,
            categories=self.categories,
            known_categories=[code for code, _name in PRODUCT_CATEGORIES],
            targets=targets,
            units=units,
        )


def _check(data: CampaignData, *, targets=None, units=None) -> None:
    if not (data.name or "").strip():
        raise DomainError(_l("请填写核查工作名称。"), field="name")
    problems = data.problems(targets=targets, units=units)
    if problems:
        key, name = problems[0]
        raise DomainError(CAMPAIGN_PROBLEMS[key], field=name)


def _require_ministry(actor: User) -> None:
    if not access.can(actor, Permission.MANAGE_CAMPAIGNS):
        raise DomainError(NOT_ALLOWED)


# -- units --------------------------------------------------------------------------------------


def campaign_units() -> list[Organisation]:
    """Every unit a campaign may be issued to: the 32 provincial units and the 计划单列市, in
    division-code order (each 计划单列市 right after its province)."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind.in_(UNIT_KINDS), Organisation.is_active.is_(True))
            .order_by(Organisation.division_code, Organisation.id)
        )
    )


def unit_index(units: Iterable[Organisation] | None = None) -> dict[str, int]:
    """Names, short names and codes of the units → their ids (for pasted tables, the seed)."""
    units = campaign_units() if units is None else units
    return rules.unit_index((u.id, u.name, u.division_code) for u in units)


def campaign_targets(campaign: VerificationCampaign) -> list[Target]:
    """The targets the campaign's tasks cover, in the notice's order."""
    have = {t.target for t in campaign.tasks}
    return [t for t in Target if t in have]


def campaign_unit_ids(campaign: VerificationCampaign) -> list[int]:
    return sorted({t.unit_id for t in campaign.tasks})


# -- the ministry: create, edit, issue ----------------------------------------------------------


def _units_by_id(unit_ids: Iterable[int]) -> dict[int, Organisation]:
    wanted = set(unit_ids)
    found = {u.id: u for u in campaign_units() if u.id in wanted}
    if wanted - set(found):
        raise DomainError(_l("所选单位不是省级单位或计划单列市。"), field="unit_ids")
    return found


def _sync_tasks(campaign: VerificationCampaign, unit_ids, targets) -> None:
    """A draft's tasks: one per chosen unit and target (removing the others)."""
    units = _units_by_id(unit_ids)
    wanted = {(u, Target(t)) for u in units for t in targets}
    for task in list(campaign.tasks):
        if (task.unit_id, task.target) not in wanted:
            campaign.tasks.remove(task)
    have = {(t.unit_id, t.target) for t in campaign.tasks}
    for unit_id, target in sorted(wanted - have, key=lambda k: (units[k[0]].division_code, k[1])):
        unit = units[unit_id]
        campaign.tasks.append(
            VerificationTask(
                unit_id=unit.id,
                province_id=unit.province_org_id,
                target=target,
                due_on=campaign.result_due_on,
                status=TaskStatus.ISSUED,
            )
        )


def _apply(campaign: VerificationCampaign, data: CampaignData) -> None:
    campaign.name = data.name.strip()
    campaign.notice_number = (data.notice_number or "").strip()
    campaign.categories = [code for code, _n in PRODUCT_CATEGORIES if code in data.categories]
    campaign.sales_from = data.sales_from
    campaign.sales_to = data.sales_to
    campaign.result_due_on = data.result_due_on
    campaign.phone_rate = data.phone_rate
    campaign.visit_rate = data.visit_rate
    campaign.bulk_threshold = data.bulk_threshold
    campaign.note = (data.note or "").strip()


def create_campaign(
    data: CampaignData,
    *,
    unit_ids: Iterable[int],
    targets: Iterable[str],
    actor: User,
    now: datetime,
) -> VerificationCampaign:
    """A draft campaign with one task per chosen unit and target (invisible to the units
    until issued)."""
    _require_ministry(actor)
    unit_ids, targets = list(unit_ids), list(targets)
    _check(data, targets=targets, units=unit_ids)
    campaign = VerificationCampaign(
        status=CampaignStatus.DRAFT, created_by_id=actor.id, created_at=now
    )
    _apply(campaign, data)
    db.session.add(campaign)
    _sync_tasks(campaign, unit_ids, targets)
    db.session.flush()
    return campaign


def update_campaign(
    campaign: VerificationCampaign,
    data: CampaignData,
    *,
    unit_ids: Iterable[int] | None,
    targets: Iterable[str] | None,
    version: int | None,
    actor: User,
    now: datetime,
) -> int:
    """Change a campaign's facts; in a draft also its units and targets (an issued campaign
    keeps them: pass None). A new result deadline moves the tasks that were due on the old
    one. Returns how many tasks' deadlines moved."""
    _require_ministry(actor)
    require_version(campaign, version)
    draft = campaign.status == CampaignStatus.DRAFT
    unit_ids = list(unit_ids) if unit_ids is not None else None
    targets = list(targets) if targets is not None else None
    if not draft and (
        (unit_ids is not None and set(unit_ids) != set(campaign_unit_ids(campaign)))
        or (targets is not None and set(targets) != {t.value for t in campaign_targets(campaign)})
    ):
        raise DomainError(_l("任务已下达，不能再更改核查单位和核查对象。"), field="unit_ids")
    _check(data, targets=targets if draft else None, units=unit_ids if draft else None)
    old_due = campaign.result_due_on
    _apply(campaign, data)
    moved = rules.moved_due_dates(
        old_due, data.result_due_on, {t.id: t.due_on for t in campaign.tasks}
    )
    for task in campaign.tasks:
        if task.id in moved:
            task.due_on = moved[task.id]
    if draft and unit_ids is not None and targets is not None:
        _sync_tasks(campaign, unit_ids, targets)
    db.session.flush()
    return len(moved)


def set_record_counts(
    campaign: VerificationCampaign,
    counts: Mapping[tuple[int, str], int | None],
    *,
    actor: User,
) -> int:
    """Records to verify per unit and target (None: not stated). Every key must be a task of
    the campaign. Returns how many tasks changed."""
    _require_ministry(actor)
    tasks = {(t.unit_id, t.target.value): t for t in campaign.tasks}
    unknown = sorted({unit_id for unit_id, target in counts if (unit_id, target) not in tasks})
    if unknown:
        names = "、".join(
            db.session.scalars(select(Organisation.name).where(Organisation.id.in_(unknown)))
        )
        raise DomainError(
            _l("以下单位或核查对象不在本次核查任务中：%(names)s", names=names), field="counts"
        )
    changed = 0
    for key, value in counts.items():
        if value is not None and not 0 <= value <= rules.MAX_RECORD_COUNT:
            raise DomainError(_l("任务量应为不小于 0 的整数。"), field="counts")
        task = tasks[key]
        if task.record_count != value:
            task.record_count = value
            changed += 1
    db.session.flush()
    return changed


def issue_campaign(
    campaign: VerificationCampaign, *, version: int | None, actor: User, now: datetime
) -> None:
    """DRAFT → ISSUED (下达): the units see the campaign and their tasks from now on."""
    _require_ministry(actor)
    require_version(campaign, version)
    if campaign.status != CampaignStatus.DRAFT:
        raise DomainError(_l("本核查工作已经下达。"))
    if not campaign.tasks:
        raise DomainError(CAMPAIGN_PROBLEMS["no_unit"])
    _check(_data_of(campaign))
    campaign.status = CampaignStatus.ISSUED
    campaign.issued_on = local_date(now)
    db.session.flush()


def _data_of(campaign: VerificationCampaign) -> CampaignData:
    return CampaignData(
        name=campaign.name,
        notice_number=campaign.notice_number,
        categories=list(campaign.categories or []),
        sales_from=campaign.sales_from,
        sales_to=campaign.sales_to,
        result_due_on=campaign.result_due_on,
        phone_rate=campaign.phone_rate,
        visit_rate=campaign.visit_rate,
        bulk_threshold=campaign.bulk_threshold,
        note=campaign.note,
    )


# -- what each user sees ------------------------------------------------------------------------


def visible_campaigns(user) -> list[VerificationCampaign]:
    """The ministry: every campaign, drafts included. Others: the issued campaigns with a
    task they may see (their unit's, their agency's or their own)."""
    stmt = access.scoped(VerificationCampaign, user)
    if not access.sees_everything(user):
        mine = access.scoped(select(VerificationTask.campaign_id), user)
        stmt = stmt.where(VerificationCampaign.id.in_(mine))
    return list(
        db.session.scalars(
            stmt.order_by(VerificationCampaign.created_at.desc(), VerificationCampaign.id.desc())
        )
    )


def visible_tasks(campaign: VerificationCampaign, user, *, unit_id: int | None = None):
    """The campaign's tasks ``user`` may see (one unit's when ``unit_id`` is given)."""
    stmt = access.scoped(
        select(VerificationTask).where(VerificationTask.campaign_id == campaign.id), user
    )
    if unit_id is not None:
        stmt = stmt.where(VerificationTask.unit_id == unit_id)
    return list(
        db.session.scalars(
            stmt.options(
                selectinload(VerificationTask.unit),
                selectinload(VerificationTask.agency),
                selectinload(VerificationTask.people),
            ).order_by(VerificationTask.id)
        )
    )


@dataclass
class UnitRow:
    """One unit of a campaign's status table: its task per target and its results report."""

    unit: Organisation
    tasks: dict[Target, VerificationTask]
    report: VerificationReport | None = None

    @property
    def done(self) -> int:
        return sum(1 for t in self.tasks.values() if t.status == TaskStatus.DONE)

    @property
    def assigned(self) -> int:
        return sum(1 for t in self.tasks.values() if t.status != TaskStatus.ISSUED)


def unit_rows(campaign: VerificationCampaign, user) -> list[UnitRow]:
    """The units × targets table: every unit for the ministry, a unit's own for the others."""
    rows: dict[int, UnitRow] = {}
    for task in visible_tasks(campaign, user):
        row = rows.setdefault(task.unit_id, UnitRow(task.unit, {}))
        row.tasks[task.target] = task
    if rows:
        reports = access.scoped(
            select(VerificationReport).where(
                VerificationReport.campaign_id == campaign.id,
                VerificationReport.unit_id.in_(list(rows)),
            ),
            user,
        )
        for report in db.session.scalars(reports):
            rows[report.unit_id].report = report
    return sorted(rows.values(), key=lambda r: (r.unit.division_code or "", r.unit.id))
