"""The enterprise registry as an import kind (.xlsx / .csv), and its blank template."""

from __future__ import annotations

import io
import re
from datetime import date

import xlsxwriter
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, insert, select

from ..core.access import Permission, sees_everything
from ..core.models import Organisation
from ..core.types import utcnow
from ..extensions import db
from ..imports.service import Column, ImportContext, ImportKind, register_kind
from . import rules, service
from .models import Enterprise

#: The file's columns, headers exactly as in the template (matched ignoring spaces).
COLUMNS = (
    Column("credit_code", "统一社会信用代码", required=True),
    Column("name", "企业名称", required=True),
    Column("address", "地址"),
    Column("division_code", "行政区划代码", required=True),
    Column("industry", "行业"),
    Column("products", "主要产品"),
    Column("status", "生产状态"),
    Column("stopped_on", "停产日期"),
    Column("key_energy_unit", "重点用能单位"),
    Column("annual_energy_tce", "年综合能源消费量（吨标准煤）"),
    Column("legal_representative", "法定代表人"),
    Column("legal_representative_phone", "法定代表人电话"),
    Column("energy_manager", "能源管理负责人"),
    Column("energy_manager_phone", "能源管理负责人电话"),
)
assert tuple(c.key for c in COLUMNS) == service.FIELDS  # noqa: S101 -- one list of fields

YES = {"是", "y", "yes", "true", "1", "√"}
NO = {"否", "n", "no", "false", "0", "×", ""}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_date(text: str) -> date | None:
    """2020-03-01, 2020/3/1, 2020.3.1 or 2020年3月1日 (what people type in Excel)."""
    match = _DATE.match(text.strip())
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def prepare(context: ImportContext) -> None:
    context.state["industries"] = service.industry_lookup()
    #: credit code → the row it first appeared in.
    context.state["seen"] = {}


def validate_row(row: dict[str, str], context: ImportContext):
    """One row through the registry's own checks, plus the file-level ones (duplicates)."""
    raw = dict(row)
    extra: dict[str, str] = {}
    if raw["stopped_on"]:
        day = parse_date(raw["stopped_on"])
        if day is None:
            # A date typed as text that is none (3/5/2020, 2020-02-30): say what is accepted.
            extra["stopped_on"] = _(
                "停产日期“%(text)s”不是日期：请填写如 2020-03-05、2020/3/5、2020.3.5 或 2020年3月5日。",
                text=raw["stopped_on"],
            )
        raw["stopped_on"] = day or raw["stopped_on"]
    if raw["key_energy_unit"].strip().lower() not in YES | NO:
        extra["key_energy_unit"] = _("重点用能单位应填“是”或“否”。")
    data, errors = service.check_fields(raw, context.province, context.state["industries"])
    errors = {**errors, **extra}
    code = rules.normalise_credit_code(raw["credit_code"])
    if code and "credit_code" not in errors:
        first = context.state["seen"].setdefault(code, context.row)
        if first != context.row:
            errors["credit_code"] = _(
                "统一社会信用代码 %(code)s 与第 %(row)s 行重复。", code=code, row=first
            )
    if errors:
        return None, [(c.key, errors[c.key]) for c in COLUMNS if c.key in errors]
    return data, []


def check_batch(batch, context: ImportContext) -> list[tuple[int, str, str]]:
    """Codes already in any province's registry: one query for the whole batch."""
    rows_of = {value.credit_code: row for row, value in batch}
    found = db.session.execute(
        select(Enterprise.credit_code, Enterprise.name, Enterprise.province_id, Organisation.name)
        .join(Organisation, Organisation.id == Enterprise.province_id)
        # Literal values (checked codes: digits and capitals only): PostgreSQL then hashes
        # the list instead of comparing every row with a thousand parameters.
        .where(Enterprise.credit_code.in_(bindparam("codes", list(rows_of), literal_execute=True)))
    )
    user = context.user
    errors = []
    for code, name, province_id, province_name in found:
        if user is None or sees_everything(user) or province_id == context.province.id:
            message = _(
                "统一社会信用代码 %(code)s 已登记为“%(name)s”（%(province)s）。",
                code=code,
                name=name,
                province=province_name,
            )
        else:
            message = service.registered_elsewhere_message(code, province_name)
        errors.append((rows_of[code], "credit_code", message))
    return errors


def write_batch(values, context: ImportContext) -> None:
    """One multi-row INSERT for the batch (no ORM objects: the import is audited as a whole)."""
    now = utcnow()
    province_id = context.province.id
    db.session.execute(
        insert(Enterprise.__table__),
        [
            {**data.column_values(), "province_id": province_id, "created_at": now, "version": 1}
            for data in values
        ],
    )


def preview(data: service.EnterpriseData) -> list[str]:
    return [
        data.credit_code,
        data.name,
        data.address,
        data.division_code,
        data.industry.name if data.industry else "",
        data.products,
        data.status.label,
        data.stopped_on.isoformat() if data.stopped_on else "",
        _("是") if data.key_energy_unit else _("否"),
        "" if data.annual_energy_tce is None else str(data.annual_energy_tce),
        data.legal_representative,
        data.legal_representative_phone,
        data.energy_manager,
        data.energy_manager_phone,
    ]


ENTERPRISES = register_kind(
    ImportKind(
        name="enterprises",
        label=_l("企业名录"),
        columns=COLUMNS,
        validate_row=validate_row,
        write_batch=write_batch,
        check_batch=check_batch,
        prepare=prepare,
        preview=preview,
        permission=Permission.MANAGE_REGISTRY,
        template_endpoint="enterprises.import_template",
        done_endpoint="enterprises.index",
        description=_l(
            "第一行为表头，与模板一致；必填列：统一社会信用代码、企业名称、行政区划代码。"
            "行业填写行业目录中的名称；生产状态填“生产”或“已停产”；重点用能单位填“是”或“否”；"
            "日期格式 YYYY-MM-DD。文件中有任何错误时不导入任何数据。"
        ),
    )
)


def template_workbook(province: Organisation | None, industry_names: list[str]) -> io.BytesIO:
    """The blank import file: the header row and one example row, with drop-down lists."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("企业名录")
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    division = (
        f"{province.division_code[:2]}0102" if province and province.division_code else "320102"
    )
    example = [
        "91350100M000100Y43",
        "示例化工有限公司",
        "示例路 1 号",
        division,
        "硫酸" if "硫酸" in industry_names else (industry_names[0] if industry_names else ""),
        "硫酸",
        "生产",
        "",
        "是",
        "12500.5",
        "张三",
        "025-80000000",
        "李四",
        "13800000000",
    ]
    for index, column in enumerate(COLUMNS):
        width = max(12, len(column.header) * 2 + 2)
        # Every column is text: codes keep their leading zeros and nothing becomes a formula.
        sheet.set_column(index, index, width, text)
        sheet.write_string(0, index, column.header, bold)
        sheet.write_string(1, index, example[index])
    sheet.freeze_panes(1, 0)
    lists = {
        "industry": industry_names,
        "status": ["生产", "已停产"],
        "key_energy_unit": ["是", "否"],
    }
    for index, column in enumerate(COLUMNS):
        if column.key in lists and lists[column.key]:
            sheet.data_validation(
                1, index, 50_000, index, {"validate": "list", "source": lists[column.key]}
            )
    notes = workbook.add_worksheet("填写说明")
    notes.set_column(0, 0, 30)
    notes.set_column(1, 1, 80)
    notes.write_string(0, 0, "说明", bold)
    notes.write_string(0, 1, str(ENTERPRISES.description))
    for row, column in enumerate(COLUMNS, start=2):
        notes.write_string(row, 0, column.header)
        notes.write_string(row, 1, "必填" if column.required else "选填")
    workbook.close()
    buffer.seek(0)
    return buffer
