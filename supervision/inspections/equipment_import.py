"""A case's equipment ledger from .xlsx / .csv (import kind "equipment_ledger"), and its template."""

from __future__ import annotations

import io

import xlsxwriter
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert

from ..core.access import Permission
from ..core.errors import DomainError
from ..extensions import db
from ..imports.service import Column, ImportContext, ImportKind, register_kind
from . import equipment, service
from .models import EquipmentItem, InspectionCase

NAME = "equipment_ledger"

#: The file's columns, headers as in the template (matched ignoring spaces).
COLUMNS = (
    Column("kind", "设备类型", required=True),
    Column("name", "设备名称"),
    Column("model", "型号", required=True),
    Column("rated", "额定功率/容量"),
    Column("grade", "能效等级"),
    Column("efficiency", "效率/比功率"),
    Column("variant", "极数/规格"),
    Column("quantity", "数量"),
    Column("location", "使用位置"),
    Column("commissioned_year", "投运年份"),
)
EXAMPLE = ("电动机", "引风机电机", "Y2-132M-4", "7.5", "2", "90.1", "4", "1", "一车间", "2015")


def _case(context: ImportContext) -> InspectionCase:
    """The job's case, if its uploader may still record on it; otherwise the job fails."""
    case_id = context.params.get("case")
    case = db.session.get(InspectionCase, int(case_id)) if str(case_id or "").isdigit() else None
    if case is None or (context.province is not None and case.province_id != context.province.id):
        raise DomainError(_l("找不到要导入设备台账的监察案件：请从案件的“设备台账”页面进入导入。"))
    equipment.require_ledger(case)
    service.require_recorder(case, context.user)
    return case


def prepare(context: ImportContext) -> None:
    case = _case(context)
    state = context.state
    state["case_id"] = case.id
    state["on"] = equipment.assessed_on(case)
    state["ref"] = equipment.reference_in_use()
    state["next_line"] = equipment.next_line_no(case)


def validate_row(row: dict[str, str], context: ImportContext):
    return equipment.parse_item(row)


def write_batch(values: list[equipment.ItemData], context: ImportContext) -> None:
    """Append the rows after the ledger's last line, each with its check (one INSERT)."""
    state = context.state
    rows = []
    for data in values:
        fields = {name: getattr(data, name) for name in equipment.FIELDS}
        checked = equipment.check_columns(
            kind=data.kind,
            model=data.model,
            rated=data.rated,
            grade=data.grade,
            efficiency=data.efficiency,
            variant=data.variant,
            on=state["on"],
            ref=state["ref"],
        )
        rows.append(
            {**fields, **checked, "case_id": state["case_id"], "line_no": state["next_line"]}
        )
        state["next_line"] += 1
    db.session.execute(insert(EquipmentItem.__table__), rows)
    equipment.mark_started(db.session.get(InspectionCase, state["case_id"]))
    db.session.flush()


def preview(data: equipment.ItemData) -> list[str]:
    return [
        str(equipment.KIND_LABELS[data.kind]),
        data.name,
        data.model,
        equipment.display_number(data.rated),
        data.grade,
        equipment.display_number(data.efficiency),
        data.variant,
        str(data.quantity),
        data.location,
        str(data.commissioned_year or ""),
    ]


def _links(params: dict) -> dict | None:
    return {"case_id": params["case"]} if params.get("case") else None


EQUIPMENT_LEDGER = register_kind(
    ImportKind(
        name=NAME,
        label=_l("设备台账"),
        columns=COLUMNS,
        validate_row=validate_row,
        write_batch=write_batch,
        prepare=prepare,
        preview=preview,
        # Everyone working on cases reaches the pages; prepare() lets only the case's
        # assigned inspectors through.
        permission=Permission.VIEW_DOMAIN,
        template_endpoint="inspections.equipment_template",
        done_endpoint="inspections.equipment",
        description=_l(
            "第一行为表头，与模板一致；必填列：设备类型、型号。设备类型填电动机、风机、水泵、"
            "空气压缩机或变压器；额定功率填 kW（变压器填容量 kVA）；能效等级填 1 至 5；"
            "效率填百分数（空气压缩机填比功率）。导入的设备追加到本案件台账之后，并按核查年度末"
            "有效的能效标准和淘汰目录逐台核对。文件中有任何错误时不导入任何数据。"
        ),
        ignored_headers=("序号",),
        url_params=("case",),
        endpoint_args=_links,
    )
)


def template_workbook() -> io.BytesIO:
    """The blank import file: the header row and one example row, kinds as a drop-down."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("设备台账")
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    for index, column in enumerate(COLUMNS):
        sheet.set_column(index, index, max(12, len(column.header) * 2 + 2), text)
        sheet.write_string(0, index, column.header, bold)
        sheet.write_string(1, index, EXAMPLE[index])
    sheet.freeze_panes(1, 0)
    kinds = [str(label) for label in equipment.KIND_LABELS.values()]
    sheet.data_validation(1, 0, 10_000, 0, {"validate": "list", "source": kinds})
    sheet.data_validation(
        1, 4, 10_000, 4, {"validate": "list", "source": ["1", "2", "3", "4", "5"]}
    )
    notes = workbook.add_worksheet("填写说明")
    notes.set_column(0, 0, 20)
    notes.set_column(1, 1, 90)
    notes.write_string(0, 0, "说明", bold)
    notes.write_string(0, 1, str(EQUIPMENT_LEDGER.description))
    for row, column in enumerate(COLUMNS, start=2):
        notes.write_string(row, 0, column.header)
        notes.write_string(row, 1, "必填" if column.required else "选填")
    workbook.close()
    buffer.seek(0)
    return buffer
