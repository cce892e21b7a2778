"""Whom a daily-supervision draw may draw: the registry's enterprises matching its filters,
the exclusions with their reasons, the strata, and the preview the officer sees before running."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..core import sampling
from ..core.models import Organisation, Role, User, UserRole
from ..enterprises.models import Enterprise, ProductionStatus
from ..extensions import db
from ..inspections.models import InspectionCase
from ..plans.models import SupervisionPlan
from ..tasks.models import SupervisionTask, TaskFiling
from . import rules
from .models import DailyDraw, Stratification

#: How the method and the strata word the stratification (stored data, not the interface).
STRATUM_WORDS = {Stratification.INDUSTRY: "行业", Stratification.CITY: "地市"}
#: The stratum of an enterprise with no industry recorded.
NO_INDUSTRY = "未注明行业"


# -- the inspectors ---------------------------------------------------------------------------


def in_province(province: Organisation, id_column):
    """SQL: ``id_column`` is the province or an organisation under it."""
    return id_column.in_(
        select(Organisation.id).where(
            or_(Organisation.id == province.id, Organisation.province_id == province.id)
        )
    )


def inspector_pool(province: Organisation) -> list[User]:
    """The province's active inspectors (its own and its agencies'), by name: the list a
    draw's inspectors are chosen from. ``ineligibility`` says who may not be drawn today."""
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                UserRole.role == Role.INSPECTOR,
                User.active.is_(True),
                in_province(province, User.organisation_id),
            )
            .order_by(User.full_name, User.id)
        )
    )


def ineligibility(user: User, today: date) -> str | None:
    """Why ``user`` may not be sent on a check today (None: he may): a 行政执法证 is needed,
    and it must not have expired (valid through its last day)."""
    if not user.active:
        return _("账号已停用")
    if Role.INSPECTOR not in user.roles:
        return _("不是监察人员")
    if not user.certificate_number:
        return _("未登记行政执法证")
    if user.certificate_expires_on is not None and user.certificate_expires_on < today:
        return _("行政执法证已过期（有效期至 %(on)s）", on=user.certificate_expires_on.isoformat())
    return None


def witnesses(province: Organisation, *, exclude: User | None = None) -> list[User]:
    """Who may witness a run (监督人): the province's other active provincial officers."""
    stmt = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            UserRole.role == Role.PROVINCIAL_OFFICER,
            User.active.is_(True),
            in_province(province, User.organisation_id),
        )
        .order_by(User.full_name, User.id)
    )
    if exclude is not None:
        stmt = stmt.where(User.id != exclude.id)
    return list(db.session.scalars(stmt))


# -- the enterprises --------------------------------------------------------------------------


def matching(draw: DailyDraw):
    """SELECT of the province's enterprises matching the draw's filters (the population
    before the exclusions; stopped enterprises included, they are excluded with a reason)."""
    stmt = select(Enterprise).where(Enterprise.province_id == draw.province_id)
    if draw.industry_ids:
        stmt = stmt.where(Enterprise.industry_id.in_([int(i) for i in draw.industry_ids]))
    if draw.city_codes:
        stmt = stmt.where(
            or_(*(Enterprise.division_code.startswith(str(c)) for c in draw.city_codes))
        )
    if draw.min_energy_tce is not None:
        stmt = stmt.where(Enterprise.annual_energy_tce >= draw.min_energy_tce)
    if draw.max_energy_tce is not None:
        stmt = stmt.where(Enterprise.annual_energy_tce <= draw.max_energy_tce)
    if draw.key_units_only:
        stmt = stmt.where(Enterprise.key_energy_unit.is_(True))
    return stmt


def stratum_of(enterprise: Enterprise, stratify_by: Stratification) -> str:
    if stratify_by == Stratification.INDUSTRY:
        return enterprise.industry.name if enterprise.industry else NO_INDUSTRY
    if stratify_by == Stratification.CITY:
        return (enterprise.division_code or "")[:4]
    return ""


@dataclass
class Population:
    """The draw's population as it stands: every match, the eligible (id, stratum) pairs,
    the excluded with their reasons, and the names (for what a run stores)."""

    matched: int
    eligible: list[tuple[int, str]]
    excluded: list[dict]
    names: dict[int, str] = field(default_factory=dict)


def population(draw: DailyDraw, today: date) -> Population:
    """The enterprises ``draw`` would draw from today, after the exclusions (stopped; a visit
    within ``exclude_inspected_months``; a task of the year's special supervision)."""
    stratify_by = Stratification(draw.stratify_by or "")
    matches = matching(draw)
    enterprises = list(
        db.session.scalars(
            matches.options(selectinload(Enterprise.industry)).order_by(Enterprise.id)
        )
    )
    ids = matches.with_only_columns(Enterprise.id)
    last_visits: dict[int, date] = {}
    if draw.exclude_inspected_months:
        last_visits = dict(
            db.session.execute(
                select(InspectionCase.enterprise_id, func.max(InspectionCase.visit_on))
                .where(InspectionCase.enterprise_id.in_(ids), InspectionCase.visit_on.is_not(None))
                .group_by(InspectionCase.enterprise_id)
            ).all()
        )
    in_tasks: set[int] = set()
    if draw.exclude_special_tasks:
        in_tasks = set(
            db.session.scalars(
                select(SupervisionTask.enterprise_id)
                .join(TaskFiling, TaskFiling.id == SupervisionTask.filing_id)
                .join(SupervisionPlan, SupervisionPlan.id == TaskFiling.plan_id)
                .where(
                    SupervisionPlan.year == draw.year,
                    SupervisionTask.province_id == draw.province_id,
                    SupervisionTask.enterprise_id.in_(ids),
                )
            )
        )
    candidates = [
        rules.Candidate(
            id=e.id,
            name=e.name,
            stratum=stratum_of(e, stratify_by),
            stopped=e.status == ProductionStatus.STOPPED,
            last_visit_on=last_visits.get(e.id),
            in_special_task=e.id in in_tasks,
        )
        for e in enterprises
    ]
    screened = rules.screen(
        candidates,
        draw_day=today,
        year=draw.year,
        inspected_months=draw.exclude_inspected_months,
        exclude_special=draw.exclude_special_tasks,
    )
    return Population(
        matched=len(enterprises),
        eligible=screened.eligible,
        excluded=[{"id": c.id, "name": c.name, "reasons": list(r)} for c, r in screened.excluded],
        names={e.id: e.name for e in enterprises},
    )


def to_draw(draw: DailyDraw, counts: dict[str, int]) -> dict[str, int]:
    """How many each stratum gives (``sampling.sample_strata``'s allocation, without a seed)."""
    if draw.sample_rate is not None:
        return {name: sampling.quota(draw.sample_rate, n) for name, n in counts.items()}
    return sampling.allocate(draw.sample_size or 0, counts)


@dataclass
class DrawPreview:
    """What the officer sees before running the draw."""

    population_count: int
    eligible_count: int
    excluded: list[dict]
    #: (stratum, eligible enterprises, to draw), by stratum name ("" when not stratified).
    strata: list[tuple[str, int, int]]
    sample_count: int
    #: Inspectors chosen for the draw who may go today, and the pairs wanted.
    pool_count: int
    pairs: int
    #: [{"id", "name", "reason"}]: chosen inspectors who may not go today.
    ineligible: list[dict] = field(default_factory=list)
    #: Why the draw cannot run as set up (empty: it can).
    problems: list[str] = field(default_factory=list)


def preview(draw: DailyDraw, today: date) -> DrawPreview:
    """The population, exclusions, strata and sample size ``draw`` gives today, and whether
    the inspectors suffice."""
    found = population(draw, today)
    counts: dict[str, int] = {}
    for _id, stratum in found.eligible:
        counts[stratum] = counts.get(stratum, 0) + 1
    wanted = to_draw(draw, counts)
    strata = [(name, counts[name], wanted[name]) for name in sorted(counts)]
    chosen = chosen_inspectors(draw)
    ineligible = [
        {"id": u.id, "name": u.full_name, "reason": reason}
        for u in chosen
        if (reason := ineligibility(u, today))
    ]
    pool_count = len(chosen) - len(ineligible)
    problems = []
    if not found.eligible:
        problems.append(_("没有可抽取的企业（名录为空或均已排除）。"))
    if ineligible:
        problems.append(_("执法人员名录中有 %(n)s 人不能参加检查，请先移除。", n=len(ineligible)))
    if pool_count < 2 * draw.pair_count:
        problems.append(
            _(
                "执法人员名录可参加检查的仅 %(n)s 人，不足 %(pairs)s 个检查组所需的 %(need)s 人。",
                n=pool_count,
                pairs=draw.pair_count,
                need=2 * draw.pair_count,
            )
        )
    return DrawPreview(
        population_count=found.matched,
        eligible_count=len(found.eligible),
        excluded=found.excluded,
        strata=strata,
        sample_count=sum(n for _name, _count, n in strata),
        pool_count=pool_count,
        pairs=draw.pair_count,
        ineligible=ineligible,
        problems=problems,
    )


def chosen_inspectors(draw: DailyDraw) -> list[User]:
    """The draw's inspectors (its ``inspector_ids``), by name."""
    ids = [int(i) for i in draw.inspector_ids or []]
    if not ids:
        return []
    return list(
        db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.full_name, User.id))
    )
