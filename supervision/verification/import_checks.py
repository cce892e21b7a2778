"""The checks of a sales-record file: each cell kind's reader and message, one row as the
values it is written as, the campaign's sales period, and whether the uploader may import
for the unit now."""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Sequence
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from ..core import access
from ..core.errors import DomainError
from ..core.models import Organisation
from ..extensions import db
from ..imports.service import ImportContext
from ..organisations.reference import PROVINCIAL_UNITS
from . import units
from .import_columns import Field, SalesTable, column_length
from .models import (
    CampaignStatus,
    ReportStatus,
    VerificationCampaign,
    VerificationReport,
    VerificationTask,
)
from .rules import buyer_key
from .rules import records as cells

#: First two digits of the provinces' GB/T 2260 codes (新疆生产建设兵团 uses 66).
PROVINCE_PREFIXES = frozenset(code[:2] for code, _name in PROVINCIAL_UNITS)

# -- reading one cell ---------------------------------------------------------------------------
# A reader returns the value, or None with the message of its kind (formatted only then).

READERS: dict[str, Callable[[str], object]] = {
    "date": cells.parse_date,
    "org": cells.organisation_code,
    "invoice": cells.normalise_invoice_number,
    "code": cells.normalise_product_code,
    "division": lambda text: text if cells.division_code_ok(text, PROVINCE_PREFIXES) else None,
    "price": cells.parse_money,
    "quantity": cells.parse_quantity,
    "phone": lambda text: text if cells.phone_ok(text) else None,
    "identity": cells.identity_text,
}


def bad_cell(reads: str, header: str, text: str) -> str:
    """The message for a cell its reader refused (phones and ID numbers are not repeated:
    the error report is a file that travels)."""
    if reads == "date":
        return _l(
            "“%(h)s”不是日期：%(text)s。请填写如 2013-01-05、2013/1/5 或 2013年1月5日 的日期。",
            h=header,
            text=text,
        )
    if reads == "org":
        return _l(
            "“%(h)s”不是有效的组织机构代码或统一社会信用代码：%(text)s。", h=header, text=text
        )
    if reads == "invoice":
        return _l("“%(h)s”应为 8 至 20 位数字：%(text)s。", h=header, text=text)
    if reads == "code":
        return _l("产品唯一编码不能为空或含空格，且不超过 %(n)s 个字符。", n=cells.MAX_CODE)
    if reads == "division":
        return _l("行政区划代码应为 6 位数字，且前两位为省级行政区划代码：%(text)s。", text=text)
    if reads == "price":
        return _l("“%(h)s”应为不小于 0、最多两位小数的金额：%(text)s。", h=header, text=text)
    if reads == "quantity":
        return _l("“%(h)s”应为不小于 1 的整数：%(text)s。", h=header, text=text)
    if reads == "phone":
        return _l("“%(h)s”应至少有 7 位数字。", h=header)
    return _l("“%(h)s”不是有效的居民身份证号码、组织机构代码或统一社会信用代码。", h=header)


# -- one row ------------------------------------------------------------------------------------
# A validated row is the tuple of plain values it is written as (kept so between the two
# passes, see ``imports.spool``): campaign, unit, province, import job, row number, every
# field in the table's order (dates as ISO text, amounts as float — exact for Numeric(12, 2)
# — and "" for an empty cell), then the buyer key for consumer sales.

#: The columns every row starts with: whose records, which import, which row of the file.
BASE_COLUMNS = ("campaign_id", "unit_id", "province_id", "import_job_id", "row_number")
#: Buyer keys made from a valid 证件号码 (``rules.buyer_key``: ID number, organisation code).
_ID_KEYS = ("ID:", "ORG:")
#: How the values of these readers are kept (dates as ISO text, amounts as float).
_KEPT = {"date": date.isoformat, "price": float}
#: Readers whose cells repeat down a file (dates, amounts, codes): their answers are
#: remembered, up to ``MEMO`` distinct texts per column.
_REPEATING = frozenset({"date", "price", "division", "org", "quantity"})
MEMO = 20_000
#: What a cell reader gives for a cell its column refuses (the message is made afterwards).
_BAD = object()


def row_columns(table: SalesTable) -> tuple[str, ...]:
    """The columns of a validated row, in its order."""
    keys = [f.key for f in table.fields]
    return (*BASE_COLUMNS, *keys, *(("buyer_key",) if table.key == "consumer_sales" else ()))


def _longest(table: SalesTable, field: Field) -> int | None:
    return column_length(table, field.key) if field.reads in ("text", "phone") else None


def _readers(table: SalesTable, field: Field) -> tuple[Callable, Callable]:
    """The column's readers: of one cell (the value as kept, or ``_BAD``), and of a batch's
    cells at once (the same answers, a list; the common case without a Python call per
    cell where it can)."""
    reader, kept = READERS.get(field.reads), _KEPT.get(field.reads)
    required, longest = field.required, _longest(table, field) or float("inf")
    if reader is None:  # text: its length only
        if required:

            def cell(text: str):
                return text if text and len(text) <= longest else _BAD

        else:

            def cell(text: str):
                return text if len(text) <= longest else _BAD

        def column(texts: tuple) -> Sequence:
            if (all(texts) or not required) and max(map(len, texts)) <= longest:
                return texts
            return list(map(cell, texts))

        return cell, column

    def read(text: str):
        if not text:
            return _BAD if required else ""
        if len(text) > longest:
            return _BAD
        value = reader(text)
        if value is None:
            return _BAD
        return value if kept is None else kept(value)

    if field.reads in _REPEATING:
        answers: dict[str, object] = {}
        known = answers.get

        def remembered(text: str):
            value = known(text)
            if value is None:
                value = read(text)
                if len(answers) < MEMO:
                    answers[text] = value
            return value

        def remembered_column(texts: tuple) -> list:
            values = list(map(known, texts))
            if None in values:
                values = [
                    remembered(t) if v is None else v for t, v in zip(texts, values, strict=True)
                ]
            return values

        return remembered, remembered_column

    def column(texts: tuple) -> list:
        # Every cell filled, none too long: the reader itself on each; otherwise cell by cell.
        if not all(texts) or (longest != float("inf") and max(map(len, texts)) > longest):
            return list(map(read, texts))
        values = list(map(reader, texts))
        if None in values:
            values = [_BAD if v is None else v for v in values]
        return values if kept is None else [v if v is _BAD else kept(v) for v in values]

    return read, column


def _cell_problems(table: SalesTable):
    """A refused row's problems, column by column: [(column key, message)]."""
    plan = [
        (f.key, f.header, f.reads, READERS.get(f.reads), f.required, _longest(table, f))
        for f in table.fields
    ]

    def problems(texts) -> list[tuple[str, str]]:
        found = []
        for (key, header, reads, reader, required, longest), cell in zip(plan, texts, strict=True):
            if not cell:
                if required:
                    found.append((key, _l("请填写“%(h)s”。", h=header)))
            elif longest is not None and len(cell) > longest:
                found.append((key, _l("“%(h)s”超过 %(n)s 个字。", h=header, n=longest)))
            elif reader is not None and reader(cell) is None:
                found.append((key, bad_cell(reads, header, cell)))
        return found

    return problems


def validators(table: SalesTable) -> tuple[Callable, Callable]:
    """``(validate_texts, validate_batch)`` of the table (see ``ImportKind``): a row's cells
    in field order, or a batch's rows, read by their columns' readers; the messages made only
    for a row in error. A row: its cells, then the sales period and, for consumer sales, the
    buyer key. (A product code repeated in the file is the spool's to find: see
    ``repeated_code``.)"""
    cells, columns = zip(*(_readers(table, f) for f in table.fields), strict=True)
    problems = _cell_problems(table)
    keys = [f.key for f in table.fields]
    date_key = table.date_key
    date_header = table.field(date_key).header
    date_at = keys.index(date_key)
    within = table.period == "within"
    consumers = table.key == "consumer_sales"
    if consumers:
        name_at, phone_at, id_at = (keys.index(k) for k in ("consumer_name", "phone", "id_number"))
        identity_header = table.field("id_number").header
    call = operator.call

    def validate_texts(texts, context: ImportContext):
        values = list(map(call, cells, texts))
        if _BAD in values:
            return None, problems(texts)
        state = context.state
        day, (start, end) = values[date_at], state["period_text"]
        if day > end or (within and day < start):
            return None, [(date_key, period_problem_of(table, date_header, day, state))]
        row = context.row
        if not consumers:
            return (*state["base"], row, *values), []
        # The organisation's name (not its buyer's) with the phone, failing a valid 证件号码.
        id_number = values[id_at]
        key = buyer_key(id_number=id_number, name=values[name_at], phone=values[phone_at])
        if id_number and not key.startswith(_ID_KEYS):
            return None, [("id_number", bad_cell("identity", identity_header, ""))]
        return (*state["base"], row, *values, key), []

    def validate_batch(rows: list, context: ImportContext) -> tuple[list, list]:
        """The rows column by column; those with any problem again by ``validate_texts``,
        which says what."""
        if not rows:
            return [], []
        numbers = [row for row, _texts in rows]
        read = [
            column(texts)
            for column, texts in zip(
                columns, zip(*(t for _row, t in rows), strict=True), strict=True
            )
        ]
        refused = set()
        for values in read:
            if _BAD in values:
                refused.update(i for i, value in enumerate(values) if value is _BAD)
        start, end = context.state["period_text"]
        days = read[date_at]
        if refused or max(days) > end or (within and min(days) < start):
            refused.update(
                i
                for i, day in enumerate(days)
                if i not in refused and (day > end or (within and day < start))
            )
        extra = []
        if consumers:
            ids = read[id_at]
            extra = [
                None
                if i in refused
                else buyer_key(id_number=ids[i], name=read[name_at][i], phone=read[phone_at][i])
                for i in range(len(rows))
            ]
            refused.update(
                i for i, key in enumerate(extra) if ids[i] and key and not key.startswith(_ID_KEYS)
            )
        base = [itertools.repeat(value) for value in context.state["base"]]
        # The constant columns repeat: the row as written, with no Python code per row.
        made = zip(*base, numbers, *read, *([extra] if consumers else []), strict=False)
        if not refused:
            return list(zip(numbers, made, strict=True)), []
        valid, found = [], []
        for i, value in enumerate(made):
            row, texts = rows[i]
            if i in refused:
                context.row = row
                value, row_problems = validate_texts(texts, context)
                found.extend((row, key, message) for key, message in row_problems)
            if value is not None:
                valid.append((row, value))
        return valid, found

    return validate_texts, validate_batch


# -- the campaign and unit of a file ------------------------------------------------------------


def campaign_and_unit(context: ImportContext) -> tuple[VerificationCampaign, Organisation]:
    """The job's campaign and unit, if its uploader may import the unit's records now."""
    params = context.params
    campaign_id, unit_id = params.get("campaign"), params.get("unit")
    missing = _l("找不到要导入销售记录的核查工作或核查单位：请从核查单位的“销售信息”页面进入导入。")
    if not isinstance(campaign_id, int) or not isinstance(unit_id, int):
        raise DomainError(missing)
    user = context.user
    query = select(VerificationCampaign).where(VerificationCampaign.id == campaign_id)
    campaign = db.session.scalar(access.scoped(query, user) if user is not None else query)
    unit = db.session.get(Organisation, unit_id)
    if campaign is None or unit is None or unit.kind not in units.UNIT_KINDS:
        raise DomainError(missing)
    has_task = db.session.scalar(
        select(
            exists().where(
                VerificationTask.campaign_id == campaign.id, VerificationTask.unit_id == unit.id
            )
        )
    )
    if not has_task or (user is not None and not units.may_see_unit(campaign, unit, user)):
        raise DomainError(missing)
    if context.province is None or context.province.id != unit.province_org_id:
        # The job belongs to the uploader's province: a province imports its own units only.
        raise DomainError(_l("只能为本省的核查单位导入销售记录。"))
    if campaign.status != CampaignStatus.ISSUED:
        raise DomainError(_l("该核查工作未下达或已结束，不能导入销售记录。"))
    report = db.session.scalar(
        select(VerificationReport.status).where(
            VerificationReport.campaign_id == campaign.id,
            VerificationReport.unit_id == unit.id,
        )
    )
    if report in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
        raise DomainError(_l("本单位的核查结果已上报，不能再导入销售记录。"))
    return campaign, unit


def period_problem(table: SalesTable, header: str, day: date, period: tuple[date, date]):
    """The message for a date outside what the table allows (None: inside)."""
    start, end = period
    if table.period == "within":
        return _l(
            "%(h)s %(d)s 不在本次核查的销售期间（%(start)s 至 %(end)s）。",
            h=header,
            d=day.isoformat(),
            start=start.isoformat(),
            end=end.isoformat(),
        )
    return _l(
        "%(h)s %(d)s 晚于本次核查的销售期间（截至 %(end)s）。",
        h=header,
        d=day.isoformat(),
        end=end.isoformat(),
    )


def repeated_code(code: str, first: int):
    """The message for a product code the file has already given in row ``first``."""
    return _l("产品唯一编码 %(code)s 与第 %(row)s 行重复。", code=code, row=first)


def period_problem_of(table: SalesTable, header: str, day: str, state: dict):
    """``period_problem`` for a row's date as kept (ISO text) and the job's period."""
    return period_problem(table, header, date.fromisoformat(day), state["period"])
