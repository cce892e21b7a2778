"""A pilot's trade-in records from .xlsx / .csv (import kind "pilot_trade_ins"), and the blank
template. Each row is checked as the entry form checks one record (``trade_ins.check_trade_in``);
codes repeated in the file or already registered for the call refuse the file as a whole."""

from __future__ import annotations

import io

import xlsxwriter
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert

from ..core import access
from ..core.access import Permission
from ..core.clock import local_today
from ..core.errors import DomainError
from ..extensions import db
from ..imports.service import Column, ImportContext, ImportKind, register_kind
from ..verification.rules.masking import mask_id_number, mask_name, mask_phone
from ..verification.rules.records import parse_date, parse_money
from . import trade_ins
from .daily_models import TradeIn
from .models import PilotEnterprise, PilotStatus
from .rules.codes import class_prefix

NAME = "pilot_trade_ins"

#: The file's columns, headers as in the template (matched ignoring spaces).
COLUMNS = (
    Column("outlet", "推广网点", required=True),
    Column("traded_on", "交易日期", required=True),
    Column("old_part_model", "旧件型号", required=True),
    Column("old_part_number", "旧件编号"),
    Column("residual_yuan", "旧件残值（元）"),
    Column("consumer_name", "消费者姓名", required=True),
    Column("id_number", "身份证号码", required=True),
    Column("phone", "联系电话", required=True),
    Column("product_class", "产品品类", required=True),
    Column("product_model", "产品型号", required=True),
    Column("product_code", "以旧换再识别码", required=True),
    Column("price_yuan", "销售价格（元）", required=True),
    Column("subsidy_yuan", "补贴金额（元）", required=True),
    Column("invoice_no", "发票号码", required=True),
)
_HEADERS = {c.key: c.header for c in COLUMNS}
_ORDER = {c.key: index for index, c in enumerate(COLUMNS)}
_MONEY = ("price_yuan", "subsidy_yuan", "residual_yuan")
#: The check's field names that are another column in the file.
_COLUMN_OF = {"outlet_id": "outlet"}
MISSING = _l("找不到要导入交易记录的试点企业：请从试点企业的“以旧换再交易”页面进入导入。")


def _pilot(context: ImportContext) -> PilotEnterprise:
    """The job's pilot, if its uploader may record its trade-ins now."""
    pilot_id = context.params.get("pilot")
    user = context.user
    pilot = None
    if isinstance(pilot_id, int):
        stmt = access.scoped(PilotEnterprise, user) if user is not None else None
        pilot = (
            db.session.scalar(stmt.where(PilotEnterprise.id == pilot_id))
            if stmt is not None
            else db.session.get(PilotEnterprise, pilot_id)
        )
    if pilot is None:
        raise DomainError(MISSING)
    if context.province is None or context.province.id != pilot.province_id:
        # The job belongs to the province it was uploaded for: the pilot's own.
        raise DomainError(_l("只能为本省的试点企业导入以旧换再交易记录。"))
    trade_ins.require_local(user, pilot)
    if pilot.status != PilotStatus.ACTIVE:
        raise DomainError(trade_ins.NOT_ACTIVE)
    return pilot


def prepare(context: ImportContext) -> None:
    pilot = _pilot(context)
    ledger = trade_ins.ledger_for(pilot, local_today())
    state = context.state
    state["ledger"] = ledger
    state["outlet_ids"] = {name: outlet_id for outlet_id, name in ledger.outlets.items()}
    #: product code → the row it first appeared in.
    state["seen"] = {}
    state["user_id"] = context.user.id if context.user is not None else None


def validate_row(row: dict[str, str], context: ImportContext):
    state = context.state
    ledger: trade_ins.Ledger = state["ledger"]
    unreadable: list[tuple[str, str]] = []
    outlet_id = state["outlet_ids"].get(row["outlet"])
    if row["outlet"] and outlet_id is None:
        unreadable.append(
            (
                "outlet",
                str(
                    _l(
                        "“%(o)s”不是本试点企业登记的推广网点（%(known)s）。",
                        o=row["outlet"],
                        known="、".join(ledger.outlets.values()) or "—",
                    )
                ),
            )
        )
    day = parse_date(row["traded_on"]) if row["traded_on"] else None
    if row["traded_on"] and day is None:
        unreadable.append(
            (
                "traded_on",
                str(
                    _l(
                        "“交易日期”不是日期：%(t)s。请填写如 2014-10-05、2014/10/5 或 2014年10月5日。",
                        t=row["traded_on"],
                    )
                ),
            )
        )
    amounts = {}
    for key in _MONEY:
        amounts[key] = parse_money(row[key]) if row[key] else None
        if row[key] and amounts[key] is None:
            unreadable.append(
                (
                    key,
                    str(
                        _l(
                            "“%(h)s”应为不小于 0、最多两位小数的金额：%(t)s。",
                            h=_HEADERS[key],
                            t=row[key],
                        )
                    ),
                )
            )
    data = trade_ins.TradeInData(
        outlet_id=outlet_id,
        traded_on=day,
        old_part_model=row["old_part_model"],
        old_part_number=row["old_part_number"],
        residual_yuan=amounts["residual_yuan"],
        consumer_name=row["consumer_name"],
        id_number=row["id_number"],
        phone=row["phone"],
        product_class=row["product_class"],
        product_model=row["product_model"],
        product_code=row["product_code"],
        price_yuan=amounts["price_yuan"],
        subsidy_yuan=amounts["subsidy_yuan"],
        invoice_no=row["invoice_no"],
    )
    values, problems = trade_ins.check_trade_in(data, ledger)
    flagged = {key for key, _message in unreadable}
    problems = unreadable + [
        (_COLUMN_OF.get(key, key), message)
        for key, message in problems
        if _COLUMN_OF.get(key, key) not in flagged
    ]
    if problems:
        return None, sorted(problems, key=lambda p: _ORDER[p[0]])
    code = values["product_code"]
    first = state["seen"].setdefault(code, context.row)
    if first != context.row:
        return None, [
            ("product_code", str(_l("以旧换再识别码 %(c)s 与第 %(r)s 行重复。", c=code, r=first)))
        ]
    values["row_number"] = context.row
    values["_outlet"] = row["outlet"]  # for the preview; not a column
    return values, []


def check_batch(batch, context: ImportContext) -> list[tuple[int, str, str]]:
    """Codes the call already has a record of (one query per batch)."""
    rows_of = {value["product_code"]: row for row, value in batch}
    taken = trade_ins.registered_codes(context.state["ledger"].call_id, list(rows_of))
    return [(rows_of[code], "product_code", message) for code, message in taken.items()]


def write_batch(values: list[dict], context: ImportContext) -> None:
    """The batch in one INSERT; the import job is the audited record."""
    extra = {"import_job_id": context.job_id, "entered_by_id": context.state["user_id"]}
    rows = [{k: v for k, v in value.items() if not k.startswith("_")} | extra for value in values]
    db.session.execute(insert(TradeIn.__table__), rows)


def preview(values: dict) -> list[str]:
    """A row as the confirmation page shows it: the consumer's data masked."""
    shown = {
        **values,
        "outlet": values["_outlet"],
        "consumer_name": mask_name(values["consumer_name"]),
        "id_number": mask_id_number(values["id_number"]),
        "phone": mask_phone(values["phone"]),
    }
    return ["" if shown.get(c.key) is None else str(shown[c.key]) for c in COLUMNS]


def _links(params: dict) -> dict | None:
    return {"pilot_id": params["pilot"]} if params.get("pilot") else None


TRADE_INS = register_kind(
    ImportKind(
        name=NAME,
        label=_l("以旧换再交易记录"),
        columns=COLUMNS,
        validate_row=validate_row,
        write_batch=write_batch,
        check_batch=check_batch,
        prepare=prepare,
        preview=preview,
        permission=Permission.RUN_PILOTS,
        template_endpoint="pilots.trade_in_template",
        done_endpoint="pilots.trade_ins",
        description=_l(
            "第一行为表头，与模板一致（序号列可有可无）；每行一笔以旧换再交易。推广网点填写本试点"
            "企业已登记的网点名称；以旧换再识别码为 1 位大写字母加 10 位数字（如 F0140102687），"
            "年度代码、企业代码须与本试点一致，前两位须为本次试点的推广产品类别并与产品品类相符，"
            "在本次试点中不得重复（含此前登记或导入的记录）；交易日期不得晚于今天，月度材料已报送"
            "市级的月份不能再导入；身份证号码须校验正确；发票号码为 8 至 20 位数字；补贴金额不得"
            "超过销售价格。文件中有任何错误时不导入任何数据。"
        ),
        ignored_headers=("序号",),
        url_params=("pilot",),
        endpoint_args=_links,
    )
)


def template_workbook(pilot: PilotEnterprise) -> io.BytesIO:
    """The blank import file for ``pilot``: the header row, one example row, the outlets and
    product classes as drop-downs."""
    call = pilot.call
    classes = list(call.product_classes or [])
    first = classes[0] if classes else {"letter": "F", "correction": 0, "name": "发动机"}
    example_code = f"{class_prefix(first)}{call.year % 100:02d}{pilot.code_number}00001"
    outlets = [o.name for o in trade_ins.outlets_of(pilot)]
    example = {
        "outlet": outlets[0] if outlets else "",
        "traded_on": f"{call.year}-10-08",
        "old_part_model": "WD615.87",
        "old_part_number": "JX000001",
        "residual_yuan": "3000.00",
        "consumer_name": "张三",
        "id_number": "11010519491231002X",
        "phone": "13900000000",
        "product_class": str(first.get("name") or ""),
        "product_model": "WD615.87R",
        "product_code": example_code,
        "price_yuan": "38000.00",
        "subsidy_yuan": "4000.00",
        "invoice_no": "44000001",
    }
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet("以旧换再交易")
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    for index, column in enumerate(COLUMNS):
        sheet.set_column(index, index, max(12, len(column.header) * 2 + 2), text)
        sheet.write_string(0, index, column.header, bold)
        sheet.write_string(1, index, example[column.key])
    sheet.freeze_panes(1, 0)
    if outlets:
        lists = workbook.add_worksheet("网点")
        for row, name in enumerate(outlets):
            lists.write_string(row, 0, name)
        sheet.data_validation(
            1, 0, 10_000, 0, {"validate": "list", "source": f"=网点!$A$1:$A${len(outlets)}"}
        )
    names = [str(c.get("name") or "") for c in classes]
    if names:
        column = [c.key for c in COLUMNS].index("product_class")
        sheet.data_validation(1, column, 10_000, column, {"validate": "list", "source": names})
    notes = workbook.add_worksheet("填写说明")
    notes.set_column(0, 0, 20)
    notes.set_column(1, 1, 90)
    notes.write_string(0, 0, "说明", bold)
    notes.write_string(0, 1, str(TRADE_INS.description))
    notes.write_string(1, 0, "试点企业")
    notes.write_string(1, 1, f"{pilot.name}（企业代码 {pilot.code_number}，{call.year} 年）")
    for row, column in enumerate(COLUMNS, start=3):
        notes.write_string(row, 0, column.header)
        notes.write_string(row, 1, "必填" if column.required else "选填")
    workbook.close()
    buffer.seek(0)
    return buffer
