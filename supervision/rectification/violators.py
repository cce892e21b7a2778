"""Last year's violators and their notices from .xlsx / .csv (import kind "violators_2019").

Each row is one 2019 rectification notice of an enterprise of the province's registry: the
notice is kept as issued (its own number, no sequence) and the enterprise gets one category-五
task ("回头看") in the province's 2020 filing, which must still be editable. All rows or none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.access import Permission
from ..core.clock import local_today
from ..core.errors import DomainError
from ..core.models import Organisation, OrgKind
from ..enterprises import rules as enterprise_rules
from ..enterprises.importing import parse_date
from ..enterprises.models import Enterprise, ProductionStatus
from ..extensions import db
from ..imports.service import ImportContext, ImportKind, register_kind
from ..plans import service as plans
from ..tasks import service as tasks
from ..tasks.models import ReviewMethod, SupervisionTask, TaskCategory, TaskFiling
from .models import DeadlineBasis, NoticeItem, NoticeStatus, RectificationNotice
from .violator_table import (
    COLUMNS,
    DEFAULT_MEASURES,
    DESCRIPTION,
    NAME,
    PLAN_YEAR,
    VIOLATION_TYPE_OF_KIND,
    VIOLATION_TYPE_SYNONYMS,
    VIOLATION_TYPES,
    VIOLATION_YEAR,
    name_key,
)


@dataclass(frozen=True)
class ViolatorRow:
    row: int
    enterprise_id: int
    name: str
    credit_code: str
    kind: str
    violation: str
    number: str
    agency_id: int
    agency: str
    served_on: date
    deadline_on: date
    review_agency_id: int
    review_agency: str
    measures: str
    remarks: str


def _plan_and_filing(context: ImportContext) -> tuple[object, TaskFiling]:
    plan = plans.plan_for_year(PLAN_YEAR)
    if plan is None or plan.category(TaskCategory.RECTIFICATION_REVIEW) is None:
        raise DomainError(
            _l(
                "找不到 %(year)s 年计划的专项监察五（违规企业整改落实情况），无法导入。",
                year=PLAN_YEAR,
            )
        )
    filing = tasks.filing_for(plan, context.province)
    if filing.is_locked:
        raise DomainError(
            _l(
                "本省 %(year)s 年任务申报已报送或已接收，锁定期间不能导入违规企业（导入会新增专项监察五任务）；"
                "如需导入，请等待部里退回。",
                year=PLAN_YEAR,
            )
        )
    return plan, filing


def prepare(context: ImportContext) -> None:
    province = context.province
    if province is None:
        raise DomainError(_l("请选择导入到哪个省级单位。"))
    user_org = context.user.organisation if context.user else None
    if user_org is not None and user_org.id != province.id:
        # As for the task list: the provincial body itself files the province's tasks.
        raise DomainError(_l("违规企业名单由省级主管部门导入。"))
    _plan, filing = _plan_and_filing(context)
    state = context.state
    state["filing_id"] = filing.id
    state["enterprises"] = {
        code: (eid, name, status == ProductionStatus.STOPPED)
        for eid, code, name, status in db.session.execute(
            select(Enterprise.id, Enterprise.credit_code, Enterprise.name, Enterprise.status).where(
                Enterprise.province_id == province.id
            )
        )
    }
    names: dict[str, int] = {}
    codes: dict[str, list[int]] = {}
    labels: dict[int, str] = {}
    for org in db.session.scalars(
        select(Organisation).where(
            (Organisation.id == province.id) | (Organisation.province_id == province.id)
        )
    ):
        if org.kind == OrgKind.MINISTRY:
            continue
        names[name_key(org.name)] = org.id
        codes.setdefault(org.division_code or "", []).append(org.id)
        labels[org.id] = org.name
    state["agency_names"], state["agency_codes"], state["agency_labels"] = names, codes, labels
    #: notice number → the row it first appeared in.
    state["numbers"] = {}
    #: enterprise id → the category-五 task made (or found) by this import.
    state["tasks"] = {}
    state["checked_filing"] = False


def _agency(text: str, state: dict, header: str) -> tuple[int | None, str | None]:
    """An agency of the province by name, or by division code when only one has it."""
    text = text.strip()
    found = state["agency_names"].get(name_key(text))
    if found is None and text.isdigit():
        ids = state["agency_codes"].get(text, [])
        if len(ids) > 1:
            return None, _(
                "本省有多个行政区划代码为 %(code)s 的机构，请在“%(h)s”中填写机构名称。",
                code=text,
                h=header,
            )
        found = ids[0] if ids else None
    if found is None:
        return None, _(
            "“%(name)s”不是本省的机构：请填写本省监察机构的名称或行政区划代码。", name=text
        )
    return found, None


def _day(text: str) -> date | None:
    return parse_date(text) if text.strip() else None


def validate_row(row: dict[str, str], context: ImportContext):
    """One row: the enterprise in the registry, the type, the number, agencies and dates."""
    state = context.state
    errors: list[tuple[str, str]] = []
    code = enterprise_rules.normalise_credit_code(row["credit_code"])
    enterprise = None
    if not code:
        errors.append(("credit_code", _("请填写统一社会信用代码。")))
    elif not enterprise_rules.is_valid_credit_code(code):
        errors.append(
            ("credit_code", _("统一社会信用代码 %(code)s 无效（校验位不符）。", code=code))
        )
    else:
        enterprise = state["enterprises"].get(code)
        if enterprise is None:
            errors.append(
                (
                    "credit_code",
                    _("本省企业名录中没有该企业（%(code)s），请先在企业名录中登记。", code=code),
                )
            )
        elif not row["name"].strip():
            errors.append(("name", _("请填写企业名称。")))
        elif name_key(row["name"]) != name_key(enterprise[1]):
            errors.append(
                (
                    "name",
                    _(
                        "企业名称“%(given)s”与企业名录中该统一社会信用代码的企业“%(name)s”不一致。",
                        given=row["name"].strip(),
                        name=enterprise[1],
                    ),
                )
            )
    type_text = name_key(row["violation_type"])
    kind = VIOLATION_TYPES.get(type_text) or VIOLATION_TYPE_SYNONYMS.get(type_text)
    if kind is None:
        errors.append(
            (
                "violation_type",
                _("违规类型应为“%(types)s”之一。", types="”“".join(VIOLATION_TYPES)),
            )
        )
    violation = row["violation"].strip()
    if not violation:
        errors.append(("violation", _("请填写违规事实。")))
    number = " ".join(row["number"].split())
    if not number:
        errors.append(("number", _("请填写整改通知书编号。")))
    elif len(number) > 80:
        errors.append(("number", _("整改通知书编号不能超过 80 个字符。")))
    elif number in state["numbers"] and state["numbers"][number] != context.row:
        errors.append(
            (
                "number",
                _("整改通知书编号与第 %(row)s 行重复。", row=state["numbers"][number]),
            )
        )
    agency_id = review_agency_id = None
    if not row["agency"].strip():
        errors.append(("agency", _("请填写下达机构。")))
    else:
        agency_id, problem = _agency(row["agency"], state, COLUMNS[5].header)
        if problem:
            errors.append(("agency", problem))
    if row["review_agency"].strip():
        review_agency_id, problem = _agency(row["review_agency"], state, COLUMNS[8].header)
        if problem:
            errors.append(("review_agency", problem))
    else:
        review_agency_id = agency_id
    served_on, deadline_on = _day(row["served_on"]), _day(row["deadline_on"])
    if served_on is None:
        errors.append(("served_on", _("送达日期应为日期，如 2019-09-20 或 2019年9月20日。")))
    elif served_on.year not in (VIOLATION_YEAR, VIOLATION_YEAR + 1) or served_on > local_today():
        errors.append(
            (
                "served_on",
                _(
                    "送达日期应在 %(a)s 年或 %(b)s 年内，且不晚于今天。",
                    a=VIOLATION_YEAR,
                    b=VIOLATION_YEAR + 1,
                ),
            )
        )
    if deadline_on is None:
        errors.append(("deadline_on", _("整改期限应为日期，如 2020-03-31 或 2020年3月31日。")))
    elif served_on is not None and deadline_on < served_on:
        errors.append(("deadline_on", _("整改期限不能早于送达日期。")))
    if errors:
        return None, errors
    state["numbers"].setdefault(number, context.row)
    return ViolatorRow(
        row=context.row,
        enterprise_id=enterprise[0],
        name=enterprise[1],
        credit_code=code,
        kind=kind,
        violation=violation,
        number=number,
        agency_id=agency_id,
        agency=state["agency_labels"][agency_id],
        served_on=served_on,
        deadline_on=deadline_on,
        review_agency_id=review_agency_id,
        review_agency=state["agency_labels"][review_agency_id],
        measures=row["measures"].strip() or DEFAULT_MEASURES,
        remarks=row["remarks"].strip()[:255],
    ), []


def check_batch(batch: list[tuple[int, ViolatorRow]], context: ImportContext) -> list:
    """Numbers the province already has (imported before, or issued here): one query."""
    numbers = {value.number for _row, value in batch}
    if not numbers:
        return []
    existing = dict(
        db.session.execute(
            select(RectificationNotice.number, RectificationNotice.imported).where(
                RectificationNotice.province_id == context.province.id,
                RectificationNotice.number.in_(numbers),
            )
        ).all()
    )
    found = []
    for row, value in batch:
        if value.number in existing:
            message = (
                _("整改通知书 %(n)s 已经导入过，不能重复导入。", n=value.number)
                if existing[value.number]
                else _("本省已有编号为 %(n)s 的整改通知书。", n=value.number)
            )
            found.append((row, "number", message))
    return found


def _review_task(value: ViolatorRow, filing: TaskFiling, state: dict) -> SupervisionTask:
    """The enterprise's category-五 task in the filing: the one there is, or a new one."""
    task = state["tasks"].get(value.enterprise_id)
    if task is None:
        task = db.session.scalar(
            select(SupervisionTask).where(
                SupervisionTask.filing_id == filing.id,
                SupervisionTask.enterprise_id == value.enterprise_id,
                SupervisionTask.category == TaskCategory.RECTIFICATION_REVIEW,
            )
        )
    if task is None:
        enterprise = db.session.get(Enterprise, value.enterprise_id)
        task = tasks.add_task(
            filing,
            enterprise=enterprise,
            category=TaskCategory.RECTIFICATION_REVIEW,
            industry=None,
            agency=db.session.get(Organisation, value.review_agency_id),
            inspectors=[],
            planned_month=None,
            # A stopped plant is not visited: its 回头看 is on paper.
            method=ReviewMethod.DESK if enterprise.is_stopped else ReviewMethod.ON_SITE,
            remarks=value.remarks,
        )
    elif value.remarks and value.remarks not in task.remarks:
        task.remarks = "；".join(r for r in (task.remarks, value.remarks) if r)[:255]
    state["tasks"][value.enterprise_id] = task
    return task


def write_batch(values: list[ViolatorRow], context: ImportContext) -> None:
    """Each row: the notice as issued in 2019 (status issued), and the 回头看 task."""
    state = context.state
    filing = db.session.get(TaskFiling, state["filing_id"])
    if not state["checked_filing"]:
        db.session.refresh(filing)
        if filing.is_locked:  # submitted between validation and confirmation
            _plan_and_filing(context)
        state["checked_filing"] = True
    for value in values:
        _review_task(value, filing, state)
        notice = RectificationNotice(
            case_id=None,
            province_id=context.province.id,
            agency_id=value.agency_id,
            enterprise_id=value.enterprise_id,
            year=VIOLATION_YEAR,
            sequence=None,
            number=value.number,
            violation=value.violation,
            measures=value.measures,
            served_on=value.served_on,
            deadline_basis=DeadlineBasis.DATE,
            deadline_days=None,
            deadline_on=value.deadline_on,
            status=NoticeStatus.ISSUED,
            imported=True,
            issued_by_id=None,
        )
        notice.items = [NoticeItem(position=1, kind=value.kind, description=value.violation)]
        db.session.add(notice)
    db.session.flush()


def preview(value: ViolatorRow) -> list[str]:
    return [
        value.credit_code,
        value.name,
        VIOLATION_TYPE_OF_KIND[value.kind],
        value.violation,
        value.number,
        value.agency,
        value.served_on.isoformat(),
        value.deadline_on.isoformat(),
        value.review_agency,
        value.measures,
        value.remarks,
    ]


def _links(params: dict) -> dict | None:
    return {"year": PLAN_YEAR}


VIOLATORS = register_kind(
    ImportKind(
        name=NAME,
        label=_l("%(year)s年违规企业及整改通知书", year=VIOLATION_YEAR),
        columns=COLUMNS,
        validate_row=validate_row,
        write_batch=write_batch,
        check_batch=check_batch,
        prepare=prepare,
        preview=preview,
        permission=Permission.FILE_TASKS,
        template_endpoint="rectification.violators_template",
        done_endpoint="rectification.results",
        description=DESCRIPTION,
        ignored_headers=("序号",),
        endpoint_args=_links,
    )
)
