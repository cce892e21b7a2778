"""The national data set's 2020 task filings: 50 000 special-supervision tasks over the five
categories in the provinces' filings, some provinces still drafting, some submitted, most
accepted (their cases are opened by the next part).

Every Annex-1 enterprise of a submitted or accepted filing is tasked under category 一 (full
coverage: stopped ones by desk review), every ladder-sector enterprise under 二, every data-
centre operator under 四, the 2019 violators under 五; category 三 rides on 一 and 二 tasks.
Publishes ``facts["tasks"]`` (a ``Task`` per new task) and ``facts["filings"]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update

from ...calendar.service import current_calendar
from ...core.workdays import CalendarNotAvailable
from ...enterprises.models import Enterprise
from ...extensions import db
from ...plans.service import plan_for_year
from ...tasks import rules as task_rules
from ...tasks.models import (
    FilingEvent,
    FilingStatus,
    ReviewMethod,
    SupervisionTask,
    TaskFiling,
    task_inspectors,
)
from . import Build, utc
from .people import Person

TASKS = 50_000
YEAR = 2020
#: Share of the registry's operating plants that broke the rules in 2019 (category 五).
VIOLATOR_SHARE = 0.03
#: Share of a drafting province's Annex-1 enterprises not filed yet.
UNFILED_SHARE = 0.1
#: How the provinces that have not started are left: accepted, submitted, still drafting.
STATUS_MIX = ((FilingStatus.ACCEPTED, 0.6), (FilingStatus.SUBMITTED, 0.2))
#: Share of on-site visits by category (the rest are desk reviews; DOMAIN 6.8: ladder-price
#: enterprises are reviewed on paper, 30 % visited).
ON_SITE = {1: 0.9, 2: 0.3, 4: 0.85, 5: 0.8}
VIOLATOR_REMARKS = (
    "2019年单位产品综合能耗超限额，已下达限期整改通知书",
    "2019年未按规定执行阶梯电价，已下达限期整改通知书",
    "2019年使用国家明令淘汰的用能设备，已下达限期整改通知书",
    "2019年能源计量器具配备不符合要求，已下达限期整改通知书",
)


@dataclass(frozen=True)
class Task:
    """A new task as the cases part needs it."""

    id: int
    filing_id: int
    province_id: int
    agency_id: int
    enterprise_id: int
    category: int
    industry_id: int | None
    method: ReviewMethod
    planned_month: int
    inspectors: tuple[Person, ...]
    remarks: str


@dataclass
class Filing:
    id: int
    province_id: int
    status: FilingStatus
    #: The filing had no tasks and the province no demo data: its status is ours to choose.
    fresh: bool
    submitted_at: datetime | None = None
    accepted_at: datetime | None = None


def load(build: Build) -> None:
    rng = build.rng("tasks")
    plan = plan_for_year(YEAR)
    if plan is None:
        build.echo("  no 2020 plan: no tasks")
        build.facts["tasks"], build.facts["filings"] = [], {}
        return
    filings = _filings(build, plan.id)
    _choose_statuses(rng, filings)
    have = db.session.scalar(select(func.count()).select_from(SupervisionTask))
    tasks = _tasks(build, rng, filings, build.scaled(TASKS, have))
    _submit(build, rng, filings, tasks)
    build.facts["tasks"] = tasks
    build.facts["filings"] = filings
    counts = {n: sum(1 for t in tasks if t.category == n) for n in range(1, 6)}
    build.echo(f"  {len(tasks):,} tasks added, by category {counts}")


# -- filings ----------------------------------------------------------------------------------


def _filings(build: Build, plan_id: int) -> dict[int, Filing]:
    """Every province's 2020 filing, created (as a draft) where missing."""
    new_ids = {e.id for e in build.facts["enterprises"]}
    demo_provinces = {
        province_id
        for enterprise_id, province_id in db.session.execute(
            select(Enterprise.id, Enterprise.province_id)
        )
        if enterprise_id not in new_ids
    }
    counts = dict(
        db.session.execute(
            select(SupervisionTask.filing_id, func.count()).group_by(SupervisionTask.filing_id)
        ).all()
    )
    result = {}
    for filing_id, province_id, status in db.session.execute(
        select(TaskFiling.id, TaskFiling.province_id, TaskFiling.status).where(
            TaskFiling.plan_id == plan_id
        )
    ):
        fresh = (
            status == FilingStatus.DRAFT
            and not counts.get(filing_id)
            and province_id not in demo_provinces
        )
        result[province_id] = Filing(filing_id, province_id, status, fresh)
    missing = [pid for pid in sorted(build.facts["provinces"]) if pid not in result]
    if missing:
        first = build.writer.next_id(TaskFiling.__table__, len(missing))
        rows = []
        for n, province_id in enumerate(missing):
            rows.append({"id": first + n, "plan_id": plan_id, "province_id": province_id})
            result[province_id] = Filing(
                first + n, province_id, FilingStatus.DRAFT, province_id not in demo_provinces
            )
        build.writer.insert(
            TaskFiling.__table__,
            [
                {
                    **row,
                    "status": FilingStatus.DRAFT,
                    "funds_report": "",
                    "late_workdays": 0,
                    "version": 1,
                }
                for row in rows
            ],
        )
    return result


def _choose_statuses(rng, filings: dict[int, Filing]) -> None:
    """The fresh provinces: most accepted, some submitted and waiting, some still drafting."""
    fresh = [f for _, f in sorted(filings.items()) if f.fresh]
    rng.shuffle(fresh)
    start = 0
    for status, share in STATUS_MIX:
        count = round(len(fresh) * share)
        for filing in fresh[start : start + count]:
            filing.status = status
        start += count


# -- tasks ------------------------------------------------------------------------------------


def _tasks(build, rng, filings, total) -> list[Task]:
    industries = build.facts["industries"]
    operators = {e[0] for e in build.facts["datacentre_operators"]}
    assign = _Assigner(build, rng)
    planned = []  # (filing, enterprise, category, industry id, method, month, remarks, parent)
    for entry in build.facts["enterprises"]:
        filing = filings.get(entry.province_id)
        drafting = filing is not None and filing.status in (
            FilingStatus.DRAFT,
            FilingStatus.RETURNED,
        )
        if filing is None or not (filing.fresh or drafting):
            continue  # a demo filing already submitted stays as it was submitted
        if entry.id in operators:
            category, industry_id = 4, None
        else:
            industry = industries[entry.industry_id]
            category, industry_id = (1 if industry.kind == "quota" else 2), industry.id
            if category == 1 and drafting and rng.random() < UNFILED_SHARE:
                continue
        planned.append(_planned(rng, filing, entry, category, industry_id))
        if category != 4 and not entry.stopped and rng.random() < VIOLATOR_SHARE:
            remarks = rng.choice(VIOLATOR_REMARKS)
            planned.append(_planned(rng, filing, entry, 5, None, remarks))
    table = SupervisionTask.__table__
    riders = _riders(rng, planned, total)
    first = build.writer.next_id(table, len(planned) + len(riders))
    tasks: list[Task] = []
    rows, links = [], []
    for n, (filing, entry, category, industry_id, method, month, remarks, parent) in enumerate(
        planned + riders
    ):
        task_id = first + n
        if parent is None:
            agency_id, inspectors = assign(entry)
        else:
            parent_task = tasks[parent]
            agency_id, inspectors = parent_task.agency_id, parent_task.inspectors
        if entry.stopped:
            remarks = "已停产"
        rows.append(
            {
                "id": task_id,
                "filing_id": filing.id,
                "province_id": filing.province_id,
                "enterprise_id": entry.id,
                "category": category,
                "industry_id": industry_id,
                "parent_task_id": first + parent if parent is not None else None,
                "agency_id": agency_id,
                "planned_month": month,
                "method": method,
                "remarks": remarks,
                "created_at": utc(date(YEAR, 1, 6) + timedelta(days=rng.randint(0, 30))),
            }
        )
        links += [{"task_id": task_id, "user_id": p.id} for p in inspectors]
        tasks.append(
            Task(
                task_id,
                filing.id,
                filing.province_id,
                agency_id,
                entry.id,
                category,
                industry_id,
                method,
                month,
                inspectors,
                remarks,
            )
        )
    build.writer.insert(table, rows, label="tasks", total=len(rows))
    build.writer.insert(task_inspectors, links, label="task inspectors", total=len(links))
    return tasks


def _planned(rng, filing, entry, category, industry_id, remarks=""):
    on_site = not entry.stopped and rng.random() < ON_SITE[category]
    method = ReviewMethod.ON_SITE if on_site else ReviewMethod.DESK
    month = rng.randint(3, 6) if category == 5 else rng.randint(3, 10)
    return (filing, entry, category, industry_id, method, month, remarks, None)


def _riders(rng, planned, total):
    """Category 三 (equipment) on as many operating 一/二 tasks as the total leaves room for."""
    parents = [n for n, p in enumerate(planned) if p[2] in (1, 2) and not p[1].stopped]
    count = max(0, min(total - len(planned), len(parents)))
    chosen = sorted(rng.sample(parents, count))
    return [
        (planned[n][0], planned[n][1], 3, None, planned[n][4], planned[n][5], "", n) for n in chosen
    ]


class _Assigner:
    """The agency that supervises an enterprise (its county's, else its city's, else one of
    the province's) and two of that agency's inspectors."""

    def __init__(self, build, rng):
        self.rng = rng
        staff = build.facts["inspectors_of"]
        self.by_code = {}
        self.by_province: dict[int, list] = {}
        self.province_staff: dict[int, list[Person]] = {}
        for agency in build.facts["agencies"]:
            people = staff.get(agency.id, [])
            self.province_staff.setdefault(agency.province_id, []).extend(people)
            if len(people) < 2:
                continue
            self.by_code.setdefault(agency.code, (agency.id, people))
            self.by_province.setdefault(agency.province_id, []).append((agency.id, people))

    def __call__(self, entry) -> tuple[int, tuple[Person, ...]]:
        code = entry.division_code
        found = self.by_code.get(code) or self.by_code.get(code[:4] + "00")
        if found is None and self.by_province.get(entry.province_id):
            found = self.rng.choice(self.by_province[entry.province_id])
        if found is None:  # no agency yet: the province supervises itself
            people = self.province_staff.get(entry.province_id, [])
            found = (entry.province_id, people)
        agency_id, people = found
        return agency_id, tuple(self.rng.sample(people, min(2, len(people))))


# -- submission -------------------------------------------------------------------------------


def _submit(build, rng, filings, tasks) -> None:
    """The chosen statuses, with the submission (and acceptance) events they imply."""
    try:
        calendar = current_calendar()
    except CalendarNotAvailable:  # pragma: no cover -- the 2020 calendar ships with the app
        calendar = None
    counts: dict[int, int] = {}
    for task in tasks:
        counts[task.filing_id] = counts.get(task.filing_id, 0) + 1
    events = []
    ministry = build.facts["ministry"]
    for province_id, filing in sorted(filings.items()):
        if not filing.fresh or filing.status == FilingStatus.DRAFT:
            continue
        officer = build.facts["officers"][province_id][0]
        submitted_on = date(YEAR, 2, 10) + timedelta(days=rng.randint(0, 16))
        late = 0
        if calendar is not None:
            try:
                late = task_rules.late_workdays(date(YEAR, 2, 20), submitted_on, calendar)
            except CalendarNotAvailable:  # pragma: no cover
                late = 0
        filing.submitted_at = utc(submitted_on, 7)
        event = {"filing_id": filing.id, "late_workdays": late, "comment": "", "snapshot": None}
        events.append(
            {
                **event,
                "action": "submitted",
                "at": filing.submitted_at,
                "actor_id": officer.id,
                "actor_name": officer.label,
                "task_count": counts.get(filing.id, 0),
            }
        )
        values = {"status": filing.status, "submitted_at": filing.submitted_at}
        if filing.status == FilingStatus.ACCEPTED and ministry is not None:
            filing.accepted_at = utc(submitted_on + timedelta(days=rng.randint(2, 8)), 3)
            events.append(
                {
                    **event,
                    "action": "accepted",
                    "at": filing.accepted_at,
                    "actor_id": ministry.id,
                    "actor_name": ministry.label,
                    "comment": "已接收",
                    "task_count": counts.get(filing.id, 0),
                }
            )
        elif filing.status == FilingStatus.ACCEPTED:  # no ministry account: leave it submitted
            filing.status = values["status"] = FilingStatus.SUBMITTED
        db.session.execute(
            update(TaskFiling.__table__)
            .where(TaskFiling.__table__.c.id == filing.id)
            .values(**values, late_workdays=late)
        )
    first = build.writer.next_id(FilingEvent.__table__, len(events))
    build.writer.insert(
        FilingEvent.__table__, [{"id": first + n, **e} for n, e in enumerate(events)]
    )
    db.session.expire_all()  # filings changed under the ORM's feet
