"""The checks of one trade-in record (seed 003 第十五条(三)), shared by the entry form and the
import: the product code against the call and the pilot, the consumer's ID number, phone and
invoice, the amounts, the day against the call and the months whose pack is with the city."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..imports.models import ImportJob
from ..verification.rules.buyers import normalise_id_number
from ..verification.rules.records import normalise_invoice_number, phone_ok
from .daily_models import MonthlyPack, PackStatus, TradeIn
from .models import Outlet, PilotCall, PilotEnterprise
from .rules.codes import InvalidProductCode, check_code_for

#: A month's records are frozen while its pack is with the city (or passed).
LOCKING = frozenset({PackStatus.SUBMITTED, PackStatus.CITY_PASSED, PackStatus.FINANCE_PASSED})
_CENT = Decimal("0.01")
#: Numeric(12, 2).
MAX_YUAN = Decimal("9999999999.99")

#: The product code rule's refusals in the user's language (``rules.codes`` gives the cases).
CODE_PROBLEMS = {
    "empty": _l("请填写以旧换再识别码（产品编码）。"),
    "length": _l("产品编码应为 11 位（1 位大写字母加 10 位数字），“%(code)s”为 %(found)s 位。"),
    "lower_case": _l("产品编码首位应为大写字母：“%(letter)s”是小写，应为“%(upper)s”。"),
    "no_letter": _l("产品编码首位应为产品类别汉语拼音首字母的大写形式（A–Z），而不是“%(found)s”。"),
    "not_digits": _l("产品编码字母后的 10 位应全为数字：%(where)s不是数字。"),
    "enterprise_zero": _l(
        "产品编码的生产企业代码（数字第 4–5 位）不能为 00：企业代码按国家公告的顺序自 01 开始。"
    ),
    "serial_zero": _l("产品编码的产品代码（数字第 6–10 位）不能为 00000：产品代码自 00001 开始。"),
    "year": _l(
        "产品编码的推广年度代码（数字第 2–3 位）为 %(found)s（%(found_year)s 年），"
        "本次试点为 %(year)s 年，应为 %(expected)s。"
    ),
    "enterprise": _l(
        "产品编码的生产企业代码（数字第 4–5 位）为 %(found)s，本试点企业的代码为 %(expected)s。"
    ),
    "product_class": _l("产品编码前两位“%(found)s”不是本次试点的推广产品类别（%(listed)s）。"),
    "class_name": _l("产品编码“%(prefix)s”为%(expected)s，与填写的产品品类“%(found)s”不符。"),
}


def code_message(error: InvalidProductCode, code: str, classes) -> str:
    """The refusal of ``code`` in the user's language."""
    d, problem = error.details, error.problem
    text = (code or "").strip()
    template = CODE_PROBLEMS.get(problem)
    if template is None:
        return error.reason
    values: dict = {}
    if problem == "length":
        values = {"code": text, "found": d["found"]}
    elif problem == "lower_case":
        values = {"letter": d["letter"], "upper": d["letter"].upper()}
    elif problem in ("no_letter", "product_class", "class_name"):
        values = {"found": d.get("found"), "expected": d.get("expected"), "prefix": text[:2]}
        values["listed"] = "、".join(
            f"{c['letter']}{c.get('correction') or 0} {c['name']}" for c in classes
        )
    elif problem == "not_digits":
        values = {
            "where": "、".join(
                str(_l("第 %(p)s 位（数字第 %(d)s 位）“%(c)s”", p=p, d=p - 1, c=text[p - 1]))
                for p in d["positions"]
            )
        }
    elif problem == "year":
        values = {
            "found": f"{d['found'] % 100:02d}",
            "found_year": d["found"],
            "year": d["expected"],
            "expected": f"{d['expected'] % 100:02d}",
        }
    elif problem == "enterprise":
        values = {"found": f"{d['found']:02d}", "expected": f"{d['expected']:02d}"}
    return str(template % values) if values else str(template)


def outlets_of(pilot: PilotEnterprise) -> list[Outlet]:
    return list(
        db.session.scalars(select(Outlet).where(Outlet.pilot_id == pilot.id).order_by(Outlet.id))
    )


# -- checking a record ---------------------------------------------------------------------------


@dataclass
class TradeInData:
    """A trade-in as typed or read from a file: text stripped, dates and amounts parsed
    (None when missing or unreadable)."""

    outlet_id: int | None
    traded_on: date | None
    old_part_model: str
    consumer_name: str
    id_number: str
    phone: str
    product_class: str
    product_model: str
    product_code: str
    price_yuan: Decimal | None
    subsidy_yuan: Decimal | None
    invoice_no: str
    old_part_number: str = ""
    residual_yuan: Decimal | None = None


@dataclass
class Ledger:
    """What checking a pilot's records needs, loaded once (per form or per file)."""

    pilot_id: int
    call_id: int
    province_id: int
    year: int
    enterprise: int
    classes: list
    opens_on: date
    today: date
    outlets: dict[int, str]
    #: (year, month) → status of the month's pack, for the months whose records are frozen.
    locked: dict[tuple[int, int], PackStatus] = field(default_factory=dict)


def ledger_for(pilot: PilotEnterprise, today: date) -> Ledger:
    call: PilotCall = pilot.call
    locked = {
        (year, month): status
        for year, month, status in db.session.execute(
            select(MonthlyPack.year, MonthlyPack.month, MonthlyPack.status).where(
                MonthlyPack.pilot_id == pilot.id, MonthlyPack.status.in_(list(LOCKING))
            )
        )
    }
    return Ledger(
        pilot_id=pilot.id,
        call_id=call.id,
        province_id=pilot.province_id,
        year=call.year,
        enterprise=pilot.number,
        classes=list(call.product_classes or []),
        opens_on=call.opens_on,
        today=today,
        outlets={o.id: o.name for o in outlets_of(pilot)},
        locked=locked,
    )


#: Model columns' lengths: the longest text each field may hold.
_LENGTHS = {
    "old_part_model": 80,
    "old_part_number": 64,
    "consumer_name": 120,
    "phone": 40,
    "product_class": 20,
    "product_model": 80,
    "invoice_no": 40,
}
_REQUIRED_TEXT = {
    "old_part_model": _l("请填写旧件型号。"),
    "consumer_name": _l("请填写消费者姓名。"),
    "id_number": _l("请填写消费者身份证号码。"),
    "phone": _l("请填写联系电话。"),
    "product_class": _l("请填写产品品类。"),
    "product_model": _l("请填写产品型号。"),
    "invoice_no": _l("请填写发票号码。"),
}
_AMOUNT_NAMES = {
    "price_yuan": _l("销售价格"),
    "subsidy_yuan": _l("补贴金额"),
    "residual_yuan": _l("旧件残值"),
}


def locked_message(year: int, month: int, status: PackStatus) -> str:
    return str(
        _l(
            "%(y)s 年 %(m)s 月的月度材料已报送市级（%(s)s），该月的交易记录不能再增加或修改。",
            y=year,
            m=month,
            s=status.label,
        )
    )


def _amount(key: str, value: Decimal | None, required: bool, problems: list) -> Decimal | None:
    name = _AMOUNT_NAMES[key]
    if value is None:
        if required:
            problems.append((key, str(_l("请填写%(n)s（元）。", n=name))))
        return None
    if value < 0:
        problems.append((key, str(_l("%(n)s不能为负数。", n=name))))
        return None
    if value != value.quantize(_CENT) or value > MAX_YUAN:
        problems.append((key, str(_l("%(n)s最多两位小数，且不超过 99 亿元。", n=name))))
        return None
    return value.quantize(_CENT)


def check_trade_in(data: TradeInData, ledger: Ledger) -> tuple[dict | None, list[tuple[str, str]]]:
    """The record as stored (column → value) or None, and every problem as (field, message).

    The database checks (the code already registered) are the caller's: one query for a
    form, one per batch for a file."""
    problems: list[tuple[str, str]] = []
    values: dict = {}
    for key in (*_REQUIRED_TEXT, "old_part_number"):
        text = (getattr(data, key) or "").strip()
        if not text and key in _REQUIRED_TEXT:
            problems.append((key, str(_REQUIRED_TEXT[key])))
        elif key in _LENGTHS and len(text) > _LENGTHS[key]:
            problems.append((key, str(_l("不能超过 %(n)s 个字。", n=_LENGTHS[key]))))
        values[key] = text
    if data.outlet_id not in ledger.outlets:
        problems.append(("outlet_id", str(_l("请选择本试点企业登记的推广网点。"))))
    day = data.traded_on
    if day is None:
        problems.append(("traded_on", str(_l("请填写交易日期。"))))
    elif day > ledger.today:
        problems.append(("traded_on", str(_l("交易日期 %(d)s 晚于今天。", d=day.isoformat()))))
    elif day < ledger.opens_on:
        problems.append(
            (
                "traded_on",
                str(
                    _l(
                        "交易日期 %(d)s 早于本次试点征集开始日期 %(s)s。",
                        d=day.isoformat(),
                        s=ledger.opens_on.isoformat(),
                    )
                ),
            )
        )
    elif (day.year, day.month) in ledger.locked:
        problems.append(
            ("traded_on", locked_message(day.year, day.month, ledger.locked[day.year, day.month]))
        )
    if values["id_number"]:
        number = normalise_id_number(values["id_number"])
        if number is None:
            problems.append(
                (
                    "id_number",
                    str(_l("身份证号码无效：应为 18 位（或 15 位）居民身份证号码，校验位正确。")),
                )
            )
        else:
            values["id_number"] = number
    if values["phone"] and not phone_ok(values["phone"]):
        problems.append(("phone", str(_l("联系电话应至少有 7 位数字。"))))
    if values["invoice_no"]:
        invoice = normalise_invoice_number(values["invoice_no"])
        if invoice is None:
            problems.append(("invoice_no", str(_l("发票号码应为 8 至 20 位数字。"))))
        else:
            values["invoice_no"] = invoice
    code = (data.product_code or "").strip()
    try:
        check_code_for(
            code,
            year=ledger.year,
            enterprise=ledger.enterprise,
            classes=ledger.classes,
            product_class=values["product_class"] or None,
        )
    except InvalidProductCode as error:
        problems.append(("product_code", code_message(error, code, ledger.classes)))
    values["product_code"] = code
    price = _amount("price_yuan", data.price_yuan, True, problems)
    subsidy = _amount("subsidy_yuan", data.subsidy_yuan, True, problems)
    residual = _amount("residual_yuan", data.residual_yuan, False, problems) or Decimal("0.00")
    if price is not None and subsidy is not None:
        if subsidy > price:
            problems.append(
                (
                    "subsidy_yuan",
                    str(_l("补贴金额 %(s)s 元超过销售价格 %(p)s 元。", s=subsidy, p=price)),
                )
            )
        elif subsidy + residual > price:
            problems.append(
                (
                    "residual_yuan",
                    str(
                        _l(
                            "旧件残值与补贴金额合计 %(t)s 元超过销售价格 %(p)s 元："
                            "消费者实付金额不能为负。",
                            t=subsidy + residual,
                            p=price,
                        )
                    ),
                )
            )
    if problems:
        return None, problems
    values.update(
        call_id=ledger.call_id,
        pilot_id=ledger.pilot_id,
        province_id=ledger.province_id,
        outlet_id=data.outlet_id,
        traded_on=day,
        price_yuan=price,
        subsidy_yuan=subsidy,
        residual_yuan=residual,
    )
    return values, []


def registered_codes(call_id: int, codes, *, excluding: int | None = None) -> dict[str, str]:
    """Codes of ``codes`` the call already has a record of → which record (one query)."""
    wanted = list(codes)
    if not wanted:
        return {}
    stmt = (
        select(
            TradeIn.id,
            TradeIn.product_code,
            TradeIn.traded_on,
            TradeIn.row_number,
            Outlet.name,
            ImportJob.id,
            ImportJob.file_name,
        )  # fmt: skip
        .join(Outlet, Outlet.id == TradeIn.outlet_id)
        .outerjoin(ImportJob, ImportJob.id == TradeIn.import_job_id)
        .where(TradeIn.call_id == call_id, TradeIn.product_code.in_(wanted))
    )
    if excluding is not None:
        stmt = stmt.where(TradeIn.id != excluding)
    found = {}
    for record_id, code, day, row, outlet, job_id, file_name in db.session.execute(stmt):
        if job_id is not None:
            found[code] = str(
                _l(
                    "以旧换再识别码 %(c)s 已登记：记录 #%(id)s（%(o)s，%(d)s），"
                    "由导入任务 #%(job)s（%(f)s）第 %(row)s 行导入。",
                    c=code,
                    id=record_id,
                    o=outlet,
                    d=day.isoformat(),
                    job=job_id,
                    f=file_name,
                    row=row,
                )
            )
        else:
            found[code] = str(
                _l(
                    "以旧换再识别码 %(c)s 已登记：记录 #%(id)s（%(o)s，%(d)s）。",
                    c=code,
                    id=record_id,
                    o=outlet,
                    d=day.isoformat(),
                )
            )
    return found
