"""Annex 2 back in: a province fills the template offline and imports it as its task list.

The file is the whole list: confirming replaces the filing's tasks with the file's rows, in
one transaction (all or nothing), through the same checks as a task filed on the page.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..annexes.layouts import LAYOUTS
from ..core.access import Permission
from ..core.errors import DomainError
from ..core.models import Organisation, Role, User, UserRole
from ..enterprises import rules as enterprise_rules
from ..enterprises.models import Enterprise, ProductionStatus
from ..extensions import db
from ..imports.service import Column, ImportContext, ImportKind, register_kind
from ..industries.models import Industry
from ..plans import service as plans
from ..plans.reference import CATEGORY_NUMERALS
from . import rules, service
from .models import ReviewMethod, SupervisionTask

#: Columns the import reads, by the layout's column keys; others (序号, 执行标准 …) are ignored.
READ = (
    "enterprise",
    "credit_code",
    "industry",
    "category",
    "method",
    "agency",
    "inspectors",
    "remarks",
)
NUMBERS = {v: k for k, v in CATEGORY_NUMERALS.items()}
_CATEGORY = re.compile(r"^\s*([一二三四五1-5])\s*(?:[（(]\s*附于\s*([一二12])\s*[)）])?\s*$")
_NAMES = re.compile(r"[、,，;；/\s]+")


def parse_category(text: str) -> tuple[int, int | None] | None:
    """ "一" … "五", "1" … "5", or a rider "三（附于二）" → (category, parent category)."""
    match = _CATEGORY.match(text or "")
    if not match:
        return None
    number, parent = match.groups()
    category = int(number) if number.isdigit() else NUMBERS[number]
    parent_category = None
    if parent:
        parent_category = int(parent) if parent.isdigit() else NUMBERS[parent]
    return category, parent_category


def _plan(context: ImportContext):
    year = context.params.get("plan")
    plan = plans.plan_for_year(int(year)) if year else plans.current_plan()
    if plan is None:
        raise DomainError(_l("找不到要导入的年度计划。"))
    return plan


def prepare(context: ImportContext) -> None:
    plan = _plan(context)
    province = context.province
    user_org = context.user.organisation if context.user else None
    if user_org is not None and user_org.id != province.id:
        # As on the pages: the provincial body itself files the province's tasks.
        raise DomainError(_l("任务清单由省级主管部门导入。"))
    filing = service.filing_for(plan, province)
    state = context.state
    state["filing_id"] = filing.id
    state["locked"] = filing.is_locked
    state["filed_alone"] = {c.number: c.filed_alone for c in plan.categories}
    state["enterprises"] = {
        e.credit_code: (e.id, e.name, e.status == ProductionStatus.STOPPED)
        for e in db.session.scalars(select(Enterprise).where(Enterprise.province_id == province.id))
    }
    industries: dict[str, tuple[int, str]] = {}
    for industry in db.session.scalars(select(Industry)):
        industries[industry.name] = industries[industry.code] = (industry.id, industry.kind)
    state["industries"] = industries
    agencies = db.session.scalars(
        select(Organisation).where(
            (Organisation.id == province.id) | (Organisation.province_id == province.id)
        )
    )
    state["agencies"] = {o.name: o.id for o in agencies}
    inspectors: dict[str, list[int]] = {}
    for user in db.session.scalars(
        select(User)
        .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == Role.INSPECTOR))
        .join(User.organisation)
        .where(User.active.is_(True))
        .where((Organisation.id == province.id) | (Organisation.province_id == province.id))
    ):
        inspectors.setdefault(user.full_name, []).append(user.id)
        inspectors.setdefault(user.username, []).append(user.id)
    state["inspectors"] = inspectors
    state["seen"] = {}
    state["parents"] = {}
    state["cleared"] = False
    state["created"] = {}


def validate_row(row: dict[str, str], context: ImportContext):
    state = context.state
    errors: list[tuple[str, str]] = []
    if state["locked"]:
        return None, [
            ("category", _("本省任务申报已报送，锁定期间不能导入；如需修改，请等待部里退回。"))
        ]
    code = enterprise_rules.normalise_credit_code(row["credit_code"])
    enterprise = state["enterprises"].get(code)
    if not code:
        errors.append(("credit_code", _("请填写统一社会信用代码。")))
    elif enterprise is None:
        errors.append(
            (
                "credit_code",
                _("本省企业名录中没有该企业（%(code)s），请先在企业名录中登记。", code=code),
            )
        )
    parsed = parse_category(row["category"])
    if parsed is None:
        errors.append(
            ("category", _("监察类别应为“一”至“五”，附带任务写作“三（附于一）”或“三（附于二）”。"))
        )
        return None, errors
    category, parent_category = parsed
    industry = None
    if row["industry"]:
        industry = state["industries"].get(row["industry"].strip())
        if industry is None:
            errors.append(("industry", _("行业“%(name)s”不在行业目录中。", name=row["industry"])))
    method_text = row["method"].strip() or "现场监察"
    methods = {"现场监察": ReviewMethod.ON_SITE, "书面审查": ReviewMethod.DESK}
    method = methods.get(method_text)
    if method is None:
        errors.append(("method", _("监察方式应为“现场监察”或“书面审查”。")))
        method = ReviewMethod.ON_SITE
    agency_text = row["agency"].strip()
    agency_id = state["agencies"].get(agency_text) if agency_text else context.province.id
    if agency_id is None:
        errors.append(("agency", _("承担单位“%(name)s”不是本省的监察机构。", name=agency_text)))
    inspector_ids = []
    for name in (n for n in _NAMES.split(row["inspectors"]) if n):
        ids = state["inspectors"].get(name, [])
        if not ids:
            errors.append(("inspectors", _("“%(name)s”不是本省在岗的监察人员。", name=name)))
        elif len(set(ids)) > 1:
            errors.append(
                ("inspectors", _("本省有多位名为“%(name)s”的监察人员，请改填其用户名。", name=name))
            )
        else:
            inspector_ids.append(ids[0])
    parent_row = found_category = None
    if not state["filed_alone"].get(category, True):
        options = [parent_category] if parent_category else [1, 2]
        parent_row, found_category = next(
            ((state["parents"][(code, c)], c) for c in options if (code, c) in state["parents"]),
            (None, None),
        )
    problem = rules.task_problem(
        category=category,
        filed_alone=state["filed_alone"].get(category, True),
        industry_kind=industry[1] if industry else None,
        parent_category=found_category,
        parent_same_enterprise=parent_row is not None,
        enterprise_stopped=bool(enterprise and enterprise[2]),
        on_site=method == ReviewMethod.ON_SITE,
        planned_month=None,
    )
    if problem == "not_alone":
        errors.append(("category", _("附带的专项监察三须列在同一企业的一或二任务之后。")))
    elif problem:
        errors.append(("category", str(service.TASK_MESSAGES[problem])))
    key = (code, category, industry[0] if industry else None)
    if code and key in state["seen"]:
        errors.append(
            ("category", _("与第 %(row)s 行重复：同一企业的同一类别任务。", row=state["seen"][key]))
        )
    if errors:
        return None, errors
    state["seen"][key] = context.row
    if category in (1, 2):
        state["parents"].setdefault((code, category), context.row)
    return {
        "row": context.row,
        "enterprise_id": enterprise[0],
        "name": enterprise[1],
        "credit_code": code,
        "category": category,
        "parent_row": parent_row,
        "industry_id": industry[0] if industry else None,
        "agency_id": agency_id,
        "inspector_ids": inspector_ids,
        "method": method.value,
        "remarks": row["remarks"].strip()[:255],
    }, []


def write_batch(values: list[dict], context: ImportContext) -> None:
    """Replace the filing's tasks (first batch), then file each row as the page would."""
    state = context.state
    filing = db.session.get(service.TaskFiling, state["filing_id"])
    if not state["cleared"]:
        if filing.is_locked:
            raise DomainError(
                _l("本省任务申报已报送，锁定期间不能导入；如需修改，请等待部里退回。")
            )
        tasks = list(
            db.session.scalars(
                select(SupervisionTask).where(SupervisionTask.filing_id == filing.id)
            )
        )
        for task in sorted(tasks, key=lambda t: t.parent_task_id is None):
            db.session.delete(task)
        db.session.flush()
        state["cleared"] = True
    for value in values:
        task = service.add_task(
            filing,
            enterprise=db.session.get(Enterprise, value["enterprise_id"]),
            category=value["category"],
            industry=db.session.get(Industry, value["industry_id"])
            if value["industry_id"]
            else None,
            agency=db.session.get(Organisation, value["agency_id"]),
            inspectors=[db.session.get(User, i) for i in value["inspector_ids"]],
            planned_month=None,
            method=ReviewMethod(value["method"]),
            remarks=value["remarks"],
            parent_task=state["created"].get(value["parent_row"]) if value["parent_row"] else None,
        )
        state["created"][value["row"]] = task


def preview(value: dict) -> list[str]:
    return [
        value["name"],
        value["credit_code"],
        CATEGORY_NUMERALS[value["category"]],
        ReviewMethod(value["method"]).label,
        value["remarks"],
    ]


def _register() -> None:
    for key, layout in LAYOUTS.items():
        table = layout.enterprise_list
        headers = {c.key: c.header for c in table.columns}
        columns = tuple(
            Column(k, headers[k], required=k in ("credit_code", "category"))
            for k in READ
            if k in headers
        )
        register_kind(
            ImportKind(
                name=f"annex2_{key}",
                label=_l("%(year)s 年格式附件2（专项监察企业名单）", year=key),
                columns=columns,
                validate_row=validate_row,
                write_batch=write_batch,
                prepare=prepare,
                preview=preview,
                permission=Permission.FILE_TASKS,
                done_endpoint="tasks.index",
                description=_l(
                    "上传按附件2模板填写的企业名单：确认后，本省该年度的任务清单将整体替换为文件内容（全部成功或全部不导入）。"
                    "统一社会信用代码须已在企业名录中；监察类别填“一”至“五”，附带任务填“三（附于一）”或“三（附于二）”，且列在所附任务之后。"
                ),
                title_rows=3,
                header_rows=2 if any(c.group for c in table.columns) else 1,
                end_marker=table.total_label,
                # "序号" and "执行标准" etc. are in the template but not read.
                ignored_headers=tuple(c.header for c in table.columns if c.key not in READ),
            )
        )


_register()
