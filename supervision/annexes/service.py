"""The annex workbooks: a province's 附件1/附件2, its fill-in template, the national workbook.

Read only. Every count printed comes from ``tasks.service.filing_counts`` (the one count query
the pages and the dashboard use too) or from the task rows the enterprise list prints; task rows
are streamed as plain rows, never loaded as ORM objects.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ..core import access
from ..core.models import Organisation, Role, User
from ..enterprises.models import Enterprise, ProductionStatus
from ..extensions import db
from ..industries import service as industries
from ..industries.models import Industry
from ..organisations import service as organisations
from ..plans.models import SupervisionPlan
from ..plans.reference import CATEGORY_NUMERALS
from ..tasks import service as tasks
from ..tasks.models import SupervisionTask, TaskFiling, task_inspectors
from . import builder, layouts
from .facts import Funds, ProvinceFacts, SummaryInput, TaskRow
from .layouts import AnnexLayout

#: Rows fetched per round trip while streaming a filing's tasks.
STREAM_BATCH = 2000
#: Empty rows offered in a fill-in template (after the filed tasks, if any).
TEMPLATE_BLANK_ROWS = 200
TEMPLATE_EXTRA_ROWS = 50
NO_TASKS = tasks.FilingCounts(enterprises=0, by_category={}, by_industry={}, stopped=0, tasks=0)


class NotVisible(Exception):
    """The user may not see this province's filing."""


def chinese_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "    年  月  日"


@dataclass
class PlanContext:
    """What every table of a plan needs, read once per workbook."""

    plan: SupervisionPlan
    layout: AnnexLayout
    #: (number, key, name, filed_alone).
    categories: list[tuple[int, str, str, bool]]
    #: (id, name, kind) in catalogue order.
    industries: list[tuple[int, str, str]]
    #: id → (name, code, quota standards in force on the assessed day).
    industry_info: dict[int, tuple[str, str, tuple[str, ...]]]

    @classmethod
    def of(cls, plan: SupervisionPlan) -> PlanContext:
        layout = layouts.layout_for(plan.annex_layout)
        on = layout.standards_on(plan.year)
        catalogue = industries.catalogue()
        return cls(
            plan=plan,
            layout=layout,
            categories=[(c.number, c.key, c.name, c.filed_alone) for c in plan.categories],
            industries=[(i.id, i.name, i.kind) for i in catalogue],
            industry_info={
                i.id: (i.name, i.code, tuple(s.code for s in i.standards_in_force(on)))
                for i in catalogue
            },
        )

    def fields(self, facts: ProvinceFacts | None = None, *, today: date | None = None) -> dict:
        """The values a table's title, header and note patterns may name."""
        on = self.layout.standards_on(self.plan.year)
        fields = {
            "year": self.plan.year,
            "today": chinese_date(today),
            "standards_on": chinese_date(on),
            "categories": "；".join(
                f"{CATEGORY_NUMERALS.get(n, n)} {name}" for n, _k, name, _a in self.categories
            ),
        }
        if facts is not None:
            fields |= {
                "province": facts.province,
                "filed_on": chinese_date(facts.submitted_on),
                "enterprises": facts.counts.enterprises,
                "stopped": facts.counts.stopped,
                "funds_report": "已提交" if facts.funds_report else "未提交",
            }
        return fields


# -- reading --------------------------------------------------------------------------------


def find_filing(plan: SupervisionPlan, province: Organisation) -> TaskFiling | None:
    return db.session.scalar(
        select(TaskFiling).where(
            TaskFiling.plan_id == plan.id, TaskFiling.province_id == province.id
        )
    )


def visible_filings(plan: SupervisionPlan, user: User) -> list[TaskFiling]:
    """The plan's filings ``user`` may see, by division code (one's own, or every province)."""
    return list(
        db.session.scalars(
            access.scoped(TaskFiling, user)
            .join(Organisation, Organisation.id == TaskFiling.province_id)
            .where(TaskFiling.plan_id == plan.id)
            .order_by(Organisation.division_code)
        )
    )


def filing_for_user(plan: SupervisionPlan, province: Organisation, user: User) -> TaskFiling | None:
    """The province's filing as ``user`` may see it; None if the province has none yet and
    the user could see it (the ministry, the province's officers); ``NotVisible`` otherwise."""
    filing = db.session.scalar(
        access.scoped(TaskFiling, user).where(
            TaskFiling.plan_id == plan.id, TaskFiling.province_id == province.id
        )
    )
    if filing is not None:
        return filing
    if find_filing(plan, province) is not None:
        raise NotVisible
    if access.sees_everything(user):
        return None
    own = tasks.province_of(user)
    # The rule TaskFiling's scope applies, for a filing that does not exist yet.
    if Role.PROVINCIAL_OFFICER in user.roles and own is not None and own.id == province.id:
        return None
    raise NotVisible


def province_facts(
    plan: SupervisionPlan, province: Organisation, filing: TaskFiling | None, *, seq: int = 0
) -> ProvinceFacts:
    if filing is None:
        return ProvinceFacts(
            plan.year, province.name, province.division_code or "", NO_TASKS, seq=seq
        )
    counts = tasks.filing_counts([filing.id])[filing.id]
    submitted = (
        filing.submitted_at.astimezone(tasks.TIMEZONE).date() if filing.submitted_at else None
    )
    return ProvinceFacts(
        year=plan.year,
        province=province.name,
        division_code=province.division_code or "",
        counts=counts,
        funds=Funds(
            received=filing.earlier_funds_received,
            used=filing.earlier_funds_used,
            balance=filing.carried_over_balance,
            planned=filing.carried_over_planned,
            requested=filing.funds_requested,
        ),
        status=filing.status.value,
        submitted_on=submitted,
        late_workdays=filing.late_workdays,
        funds_report=bool(filing.funds_report.strip()),
        seq=seq,
    )


def _inspectors(filing: TaskFiling) -> dict[int, str]:
    names: dict[int, list[str]] = {}
    rows = db.session.connection().execute(
        select(task_inspectors.c.task_id, User.full_name)
        .join(User, User.id == task_inspectors.c.user_id)
        .join(SupervisionTask, SupervisionTask.id == task_inspectors.c.task_id)
        .where(SupervisionTask.filing_id == filing.id)
        .order_by(task_inspectors.c.task_id, User.full_name)
    )
    for task_id, name in rows:
        names.setdefault(task_id, []).append(name)
    return {task_id: "、".join(people) for task_id, people in names.items()}


def task_rows(ctx: PlanContext, filing: TaskFiling | None) -> Iterator[TaskRow]:
    """The filing's tasks in list order (category, industry, enterprise name), streamed."""
    if filing is None:
        return
    inspectors = _inspectors(filing)
    parent = aliased(SupervisionTask)
    agency = aliased(Organisation)
    industry_id = func.coalesce(
        SupervisionTask.industry_id, parent.industry_id, Enterprise.industry_id
    )
    stmt = (
        select(
            SupervisionTask.id,
            SupervisionTask.category,
            parent.category,
            Enterprise.name,
            Enterprise.credit_code,
            Enterprise.division_code,
            Enterprise.products,
            Enterprise.status,
            industry_id,
            SupervisionTask.method,
            agency.name,
            SupervisionTask.remarks,
        )
        .select_from(SupervisionTask)
        .join(Enterprise, Enterprise.id == SupervisionTask.enterprise_id)
        .join(agency, agency.id == SupervisionTask.agency_id)
        .outerjoin(parent, parent.id == SupervisionTask.parent_task_id)
        .outerjoin(Industry, Industry.id == industry_id)
        .where(SupervisionTask.filing_id == filing.id)
        .order_by(
            SupervisionTask.category,
            func.coalesce(parent.category, 0),
            func.coalesce(Industry.sort_order, 9999),
            Enterprise.name,
            SupervisionTask.id,
        )
    )
    # Plain rows from the connection: the ORM's per-row machinery is not needed for columns.
    result = db.session.connection().execute(stmt, execution_options={"yield_per": STREAM_BATCH})
    info = ctx.industry_info
    for seq, row in enumerate(result, 1):
        (task_id, category, parent_category, name, code, division, products, status,
         ind_id, method, agency_name, remarks) = row  # fmt: skip
        ind_name, ind_code, standards = info.get(ind_id, ("", "", ()))
        yield TaskRow(
            seq=seq,
            category=category,
            parent_category=parent_category,
            enterprise=name,
            credit_code=code,
            division_code=division,
            industry=ind_name,
            industry_code=ind_code,
            industry_id=ind_id,
            products=products or "",
            stopped=status == ProductionStatus.STOPPED,
            method=method.value,
            agency=agency_name,
            inspectors=inspectors.get(task_id, ""),
            remarks=remarks or "",
            quota_standards=standards,
        )


def agencies(province: Organisation) -> list[str]:
    """The province's own body and the active agencies under it (承担单位 choices)."""
    return list(
        db.session.scalars(
            select(Organisation.name)
            .where(access.subtree_clause(province, Organisation.id), Organisation.is_active)
            .order_by(Organisation.path, Organisation.division_code, Organisation.name)
        )
    )


# -- writing --------------------------------------------------------------------------------


def _write_province(
    workbook, styles, ctx: PlanContext, province, filing, *, facts: ProvinceFacts, prefix=False
) -> None:
    """The province's summary and enterprise list, each on its sheet (list streamed first:
    the summary's stopped column counts the rows it printed)."""
    layout = ctx.layout
    fields = ctx.fields(facts)

    def sheet(table):
        name = layout.national_sheet.format(province=province.name, sheet=table.sheet)
        return name if prefix else table.sheet

    # Sheets in annex order: later years number the enterprise list 附件1.
    writers = {
        table.sheet: builder.TableWriter(
            workbook, styles, table, sheet_name=sheet(table), fields=fields
        )
        for table in sorted((layout.summary, layout.enterprise_list), key=lambda t: t.number or 0)
    }
    summary, listing = writers[layout.summary.sheet], writers[layout.enterprise_list.sheet]
    listing.start()
    stopped: Counter = Counter()
    for row in task_rows(ctx, filing):
        listing.add(row, facts)
        if row.stopped:
            stopped[(row.category, row.industry_id)] += 1
    listing.finish(facts)
    summary.start()
    data = SummaryInput(facts, ctx.categories, ctx.industries, stopped)
    for row in layout.summary_rows(data):
        summary.add(row, facts)
    summary.finish(facts)


def write_province_annexes(
    plan: SupervisionPlan, province: Organisation, filing: TaskFiling | None, out: BinaryIO | str
) -> ProvinceFacts:
    """Write the province's 附件1 and 附件2 to ``out`` (a path or a binary file); returns the
    facts printed (``filing_counts`` figures, funds, status)."""
    ctx = PlanContext.of(plan)
    facts = province_facts(plan, province, filing)
    with builder.workbook(out, title=file_name("province", plan, province)) as book:
        _write_province(book, builder.Styles(book), ctx, province, filing, facts=facts)
    return facts


def build_province_annexes(filing: TaskFiling) -> bytes:
    """The filing's 附件1 and 附件2 as one workbook (also the snapshot kept at submission)."""
    out = io.BytesIO()
    write_province_annexes(filing.plan, filing.province, filing, out)
    return out.getvalue()


def province_annexes(plan: SupervisionPlan, province: Organisation) -> bytes:
    """A province's annexes; an empty but complete pair when it has no filing."""
    out = io.BytesIO()
    write_province_annexes(plan, province, find_filing(plan, province), out)
    return out.getvalue()


def build_annex2_template(
    filing: TaskFiling | None, plan: SupervisionPlan, province: Organisation
) -> bytes:
    """The enterprise list to fill in offline: the filed tasks (or none), empty rows, dropdowns
    for 监察类别 / 行业 / 监察方式 / 承担单位 and a hidden sheet of the valid values."""
    ctx = PlanContext.of(plan)
    facts = province_facts(plan, province, filing)
    out = io.BytesIO()
    with builder.workbook(out, title=file_name("template", plan, province)) as book:
        _write_template(book, ctx, province, filing, facts)
    return out.getvalue()


def _write_template(book, ctx: PlanContext, province, filing, facts) -> None:
    layout = ctx.layout
    styles = builder.Styles(book)
    listing = builder.TableWriter(book, styles, layout.enterprise_list, fields=ctx.fields(facts))
    listing.start()
    for row in task_rows(ctx, filing):
        listing.add(row, facts)
    listing.blank_rows(TEMPLATE_EXTRA_ROWS if listing.rows else TEMPLATE_BLANK_ROWS)
    first, last = listing.body_first, listing.body_last
    listing.finish(facts, formulas=True)
    sources = builder.write_choices(
        book,
        styles,
        {
            "categories": ("监察类别", layout.category_choices(ctx.categories)),
            "industries": ("行业", [name for _id, name, _kind in ctx.industries]),
            "methods": ("监察方式", list(layout.method_labels.values())),
            "agencies": ("承担单位", agencies(province)),
        },
    )
    for column in layout.enterprise_list.columns:
        if column.choices in sources:
            listing.validate(column.key, sources[column.choices], first, last)


def write_national_workbook(
    plan: SupervisionPlan, out: BinaryIO | str, *, now: datetime | None = None
) -> int:
    """全国汇总 (one row per province, 合计), then each province's 附件1 and 附件2 sheets.

    Provinces are written one after the other, each streamed, so memory stays bounded
    whatever the number of tasks. Returns the number of tasks written.
    """
    ctx = PlanContext.of(plan)
    layout = ctx.layout
    today = now.astimezone(tasks.TIMEZONE).date() if now else None
    filings = tasks.filings_of_plan(plan)
    total_tasks = 0
    with builder.workbook(out, title=file_name("national", plan)) as book:
        styles = builder.Styles(book)
        national = builder.TableWriter(
            book, styles, layout.national, fields=ctx.fields(today=today)
        )
        national.start()
        for seq, province in enumerate(organisations.provinces(), 1):
            filing = filings.get(province.id)
            facts = province_facts(plan, province, filing, seq=seq)
            _write_province(book, styles, ctx, province, filing, facts=facts, prefix=True)
            national.add(facts)
            total_tasks += facts.counts.tasks
        national.finish()
    return total_tasks


def file_name(kind: str, plan: SupervisionPlan, province: Organisation | None = None) -> str:
    """The download name: ``province`` (附件1、2), ``template`` (附件2 to fill in), ``national``."""
    layout = layouts.layout_for(plan.annex_layout)
    pattern = {
        "province": layout.province_file,
        "template": layout.template_file,
        "national": layout.national_file,
    }[kind]
    return pattern.format(year=plan.year, province=province.name if province else "")
