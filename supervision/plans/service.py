"""Plan reference data: seeding, lookups, copying a plan to the next year. Flushes only."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.errors import DomainError
from ..extensions import db
from . import reference
from .models import PlanCategory, PlanDeliverable, SupervisionPlan


def plan_for_year(year: int) -> SupervisionPlan | None:
    return db.session.scalar(select(SupervisionPlan).where(SupervisionPlan.year == year))


def all_plans() -> list[SupervisionPlan]:
    return list(db.session.scalars(select(SupervisionPlan).order_by(SupervisionPlan.year.desc())))


def current_plan() -> SupervisionPlan | None:
    """The latest plan (the one provinces are filing for)."""
    return db.session.scalars(select(SupervisionPlan).order_by(SupervisionPlan.year.desc())).first()


def seed_plan(data: dict = reference.PLAN_2020) -> bool:
    """Create a published plan if missing; True when created (idempotent)."""
    if plan_for_year(data["year"]) is not None:
        return False
    plan = SupervisionPlan(
        year=data["year"],
        document_number=data["document_number"],
        title=data["title"],
        issued_on=data["issued_on"],
        annex_layout=data["annex_layout"],
        daily_supervision=data.get("daily_supervision", ""),
    )
    plan.categories = [
        PlanCategory(number=n, key=k, name=name, filed_alone=alone, scope=scope)
        for n, k, name, alone, scope in data["categories"]
    ]
    plan.deliverables = [
        PlanDeliverable(key=k, name=name, due_on=due) for k, name, due in data["deliverables"]
    ]
    db.session.add(plan)
    db.session.flush()
    open_filings(plan)
    return True


def _same_day_in(year: int, day: date) -> date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def copy_plan(
    source: SupervisionPlan, *, year: int, document_number: str, title: str
) -> SupervisionPlan:
    """Next year's plan as a copy of ``source``: same categories, deliverables moved by years."""
    if plan_for_year(year) is not None:
        raise DomainError(_l("%(year)s 年的计划已存在。", year=year), field="year")
    shift = year - source.year
    plan = SupervisionPlan(
        year=year,
        document_number=document_number,
        title=title,
        issued_on=None,
        annex_layout=source.annex_layout,
        daily_supervision=source.daily_supervision,
    )
    plan.categories = [
        PlanCategory(
            number=c.number,
            key=c.key,
            name=c.name.replace(str(source.year - 1), str(year - 1)),
            filed_alone=c.filed_alone,
            scope=c.scope,
        )
        for c in source.categories
    ]
    plan.deliverables = [
        PlanDeliverable(
            key=d.key,
            name=d.name.replace(str(source.year), str(year)),
            due_on=_same_day_in(d.due_on.year + shift, d.due_on),
        )
        for d in source.deliverables
    ]
    db.session.add(plan)
    db.session.flush()
    open_filings(plan)
    return plan


def open_filings(plan: SupervisionPlan) -> None:
    """A plan is issued to every provincial unit: each gets a draft filing to work on."""
    from ..core.models import Organisation, OrgKind
    from ..tasks.models import TaskFiling

    have = set(
        db.session.scalars(select(TaskFiling.province_id).where(TaskFiling.plan_id == plan.id))
    )
    for province in db.session.scalars(
        select(Organisation).where(Organisation.kind == OrgKind.PROVINCE)
    ):
        if province.id not in have:
            db.session.add(TaskFiling(plan=plan, province=province))
    db.session.flush()


def update_deliverable(deliverable: PlanDeliverable, *, name: str, due_on: date) -> PlanDeliverable:
    deliverable.name = name
    deliverable.due_on = due_on
    db.session.flush()
    return deliverable
