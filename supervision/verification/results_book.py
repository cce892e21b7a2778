"""The results workbooks in the annexes' official style (xlsxwriter, constant memory): the
national summary (one line per unit, 合计), and a unit's results table (the figures per target,
then every sampled record with its outcome).

Cells are computed from ``results.UnitProgress`` / ``rules.results.Figures``; table text is
the official Chinese form whatever the reader's language.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ..annexes import builder
from ..annexes.layouts import Column, Table
from ..annexes.service import chinese_date
from .results import Progress, SampledRecord, UnitProgress
from .rules import masking
from .rules.results import Figures

REPORT_STATUS = {
    "draft": "未上报",
    "submitted": "已上报",
    "returned": "已退回",
    "accepted": "已接收",
}
METHOD = {"phone": "电话核查", "visit": "入户核查"}
OUTCOME = {
    "confirmed": "属实",
    "unreachable": "无法联系",
    "discrepancy": "不符",
    "pending": "待核查",
}
TARGET = {"production": "生产企业核查", "outlet": "销售网点核查", "end_user": "终端用户核查"}
TASK_STATUS = {"issued": "已下达", "assigned": "已落实到人", "done": "已完成"}


@dataclass(frozen=True)
class _Line:
    seq: int
    row: UnitProgress

    @property
    def f(self) -> Figures:
        return self.row.figures


def _figure(getter, header: str, width: float = 8, group: str | None = None, key=None):
    return Column(
        key or header, header, width, lambda line, _facts: getter(line.f), "int", group, "sum"
    )


def _remarks(row: UnitProgress) -> str:
    notes = []
    if row.overdue:
        notes.append("逾期未报")
    elif row.late:
        notes.append("逾期上报")
    if not row.frozen:
        notes.append("进行中数据")
    return "；".join(notes)


RECORDS = "销售信息（条）"
BULK = "大宗用户（户）"
PHONE = "电话核查（条）"
VISIT = "入户核查（条）"
CLAIMS = "补贴申报（份）"


def _outcome_columns(method: str, group: str) -> tuple[Column, ...]:
    return (
        _figure(lambda f: getattr(f, f"{method}_drawn"), "抽取", 7, group, f"{method}_drawn"),
        *(
            _figure(lambda f, o=o: f.outcome(method, o), OUTCOME[o], 7, group, f"{method}_{o}")
            for o in ("confirmed", "unreachable", "discrepancy", "pending")
        ),
    )


NATIONAL_TABLE = Table(
    number=None,
    sheet="核查结果汇总",
    title="{campaign}结果汇总表",
    info_left="汇总单位：{organisation}",
    info_right="汇总日期：{today}",
    columns=(
        Column("seq", "序号", 6, lambda line, _f: line.seq, "int"),
        Column("unit", "核查单位", 14, lambda line, _f: line.row.unit.name, "center"),
        _figure(lambda f: f.records["production"], "生产", 9, RECORDS),
        _figure(lambda f: f.records["shipments"], "出货", 9, RECORDS),
        _figure(
            lambda f: f.records["producer_stock"] + f.records["outlet_stock"], "库存", 9, RECORDS
        ),
        _figure(lambda f: f.records["dealer_purchases"], "进货", 9, RECORDS),
        _figure(lambda f: f.records["consumer_sales"], "消费者销售", 10, RECORDS),
        Column(
            "reconciliation",
            "对账差异（个）",
            9,
            lambda line, _f: (
                "未对账"
                if line.f.reconciliation_differences is None
                else line.f.reconciliation_differences
            ),
            "int",
            total=lambda progress, _sums: (
                "—"
                if progress.total.reconciliation_differences is None
                else progress.total.reconciliation_differences
            ),
        ),
        _figure(lambda f: f.bulk_buyers, "户数", 7, BULK, "bulk"),
        _figure(lambda f: f.bulk_buyers_checked, "已核查", 7, BULK, "bulk_checked"),
        *_outcome_columns("phone", PHONE),
        *_outcome_columns("visit", VISIT),
        _figure(lambda f: f.top_ups, "补抽（条）", 7),
        _figure(lambda f: f.claims_checked, "已核查", 7, CLAIMS, "claims_checked"),
        _figure(lambda f: f.claims_with_differences, "有差异", 7, CLAIMS, "claims_differ"),
        Column(
            "tasks",
            "任务完成",
            8,
            lambda line, _f: f"{line.f.tasks_done}/{line.f.tasks_total}",
            "center",
            total=lambda progress, _s: f"{progress.total.tasks_done}/{progress.total.tasks_total}",
        ),
        Column(
            "status",
            "上报状态",
            8,
            lambda line, _f: REPORT_STATUS[line.row.status.value],
            "center",
            total=lambda progress, _s: f"已上报{progress.handed_in}个",
        ),
        Column(
            "submitted_on",
            "上报日期",
            11,
            lambda line, _f: line.row.submitted_on.isoformat() if line.row.submitted_on else "",
            "center",
        ),
        Column(
            "remarks",
            "备注",
            12,
            lambda line, _f: _remarks(line.row),
            total=lambda progress, _s: f"逾期未报{progress.overdue}个" if progress.overdue else "",
        ),
    ),
    notes=(
        "注：1. 已上报（含已接收）的单位填列上报时的数据；未上报的单位填列系统中的进行中数据，备注“进行中数据”。",
        "2. 结果上报期限为{due_on}；期限届满仍未上报（或被退回未重新上报）的备注“逾期未报”，期限后上报的备注“逾期上报”。",
        "3. 大宗用户指单次或累计购买{threshold}台及以上的单位或个人；对账差异为与企业申报出货数量不符的型号数。",
    ),
    total_label_span=2,
    freeze_columns=2,
)


def national_file_name(campaign_name: str) -> str:
    return f"{campaign_name}结果汇总表.xlsx"


def national_workbook(progress: Progress, *, organisation: str) -> io.BytesIO:
    """One line per unit of ``progress`` (the units the reader sees), then 合计 and notes."""
    campaign = progress.campaign
    out = io.BytesIO()
    with builder.workbook(out, title=national_file_name(campaign.name)) as book:
        fields = {
            "campaign": campaign.name,
            "organisation": organisation,
            "today": chinese_date(progress.today),
            "due_on": chinese_date(campaign.result_due_on),
            "threshold": campaign.bulk_threshold,
        }
        writer = builder.TableWriter(book, builder.Styles(book), NATIONAL_TABLE, fields=fields)
        writer.start()
        for seq, row in enumerate(progress.rows, 1):
            writer.add(_Line(seq, row))
        writer.finish(progress)
    out.seek(0)
    return out


# -- a unit's results table ------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureLine:
    seq: int
    target: str
    item: str
    value: int | str
    note: str = ""


FIGURES_TABLE = Table(
    number=None,
    sheet="核查结果",
    title="{unit}{campaign}结果表",
    info_left="填报单位（盖章）：{unit}",
    info_right="填报日期：{reported_on}",
    columns=(
        Column("seq", "序号", 6, lambda line, _f: line.seq, "int"),
        Column("target", "核查对象", 16, lambda line, _f: line.target, "center"),
        Column("item", "核查内容", 34, lambda line, _f: line.item),
        Column("value", "数量", 12, lambda line, _f: line.value, "int"),
        Column("note", "说明", 30, lambda line, _f: line.note),
    ),
    freeze_columns=0,
)


def figure_lines(figures: Figures, tasks: dict[str, str]) -> list[FigureLine]:
    """The results table's lines: each target's figures (its task's state as the first)."""
    f = figures
    reconciled = f.reconciliation_differences
    plan = [
        ("production", "任务落实情况", tasks.get("production", "未下达"), ""),
        ("production", "入围企业生产情况（附表3-3，条）", f.records["production"], ""),
        ("production", "入围企业出货情况（附表3-4，条）", f.records["shipments"], ""),
        ("production", "生产企业库存情况（附表3-1，条）", f.records["producer_stock"], ""),
        (
            "production",
            "与申报出货数量不符的型号（个）",
            "未对账" if reconciled is None else reconciled,
            "只核对数量和型号，不要求条码一一对应",
        ),
        ("production", "补贴申报（份）", f.claims, ""),
        ("production", "已核查补贴申报（份）", f.claims_checked, ""),
        ("production", "核查有差异的补贴申报（份）", f.claims_with_differences, ""),
        ("outlet", "任务落实情况", tasks.get("outlet", "未下达"), ""),
        ("outlet", "销售机构库存信息（附表3-2，条）", f.records["outlet_stock"], ""),
        ("outlet", "终端销售商进货信息（附表3-5，条）", f.records["dealer_purchases"], ""),
        ("end_user", "任务落实情况", tasks.get("end_user", "未下达"), ""),
        ("end_user", "消费者销售及安装信息（附表3-6，条）", f.records["consumer_sales"], ""),
        ("end_user", "大宗用户（户）", f.bulk_buyers, "单次或累计购买达到规定台数"),
        ("end_user", "已核查大宗用户（户）", f.bulk_buyers_checked, ""),
        ("end_user", "抽样有效信息总数（条）", f.population, ""),
    ]
    for method in ("phone", "visit"):
        name = METHOD[method]
        plan.append(("end_user", f"{name}抽取（条）", getattr(f, f"{method}_drawn"), ""))
        for outcome in ("confirmed", "unreachable", "discrepancy", "pending"):
            plan.append(
                ("end_user", f"{name}：{OUTCOME[outcome]}（条）", f.outcome(method, outcome), "")
            )
    plan.append(("end_user", "补抽（条）", f.top_ups, "替换无法联系的记录，原记录保留"))
    lines, previous = [], None
    for seq, (target, item, value, note) in enumerate(plan, 1):
        shown = TARGET[target] if target != previous else ""
        previous = target
        lines.append(FigureLine(seq, shown, item, value, note))
    return lines


SAMPLES_TABLE = Table(
    number=None,
    sheet="抽查明细",
    title="{unit}终端用户抽查明细表",
    info_left="填报单位（盖章）：{unit}",
    info_right="{personal}",
    columns=(
        Column("seq", "序号", 6, lambda line, _f: line[0], "int"),
        Column("method", "核查方式", 9, lambda line, _f: METHOD[line[1].method], "center"),
        Column("position", "抽样顺序号", 8, lambda line, _f: line[1].position, "int"),
        Column("top_up", "补抽", 5, lambda line, _f: "是" if line[1].top_up else "", "center"),
        Column("consumer", "消费者（终端用户）", 16, lambda line, _f: line[2]["name"]),
        Column("phone", "联系电话", 14, lambda line, _f: line[2]["phone"], "code"),
        Column("id_number", "证件号码", 20, lambda line, _f: line[2]["id_number"], "code"),
        Column("address", "地址", 24, lambda line, _f: line[2]["address"]),
        Column("model", "规格型号", 14, lambda line, _f: line[1].model),
        Column("product_code", "产品唯一编码", 20, lambda line, _f: line[1].product_code, "code"),
        Column("sold_on", "销售日期", 11, lambda line, _f: line[1].sold_on.isoformat(), "center"),
        Column("invoice", "发票号", 12, lambda line, _f: line[1].invoice_no, "code"),
        Column("dealer", "销售商", 18, lambda line, _f: line[1].dealer_name),
        Column(
            "outcome",
            "核查结果",
            9,
            lambda line, _f: OUTCOME[line[1].outcome],
            "center",
            total=lambda counts, _s: "，".join(
                f"{OUTCOME[o]}{counts[o]}" for o in OUTCOME if counts[o]
            ),
        ),
        Column("detail", "核查情况说明", 24, lambda line, _f: line[1].detail),
        Column(
            "checked_on",
            "核查日期",
            11,
            lambda line, _f: line[1].checked_on.isoformat() if line[1].checked_on else "",
            "center",
        ),
    ),
    total_label_span=4,
    freeze_columns=2,
)


def shown_person(record: SampledRecord, *, clear: bool) -> dict[str, str]:
    """The buyer's particulars as shown: in clear to the people doing the checks, masked
    otherwise (an organisation's name is not personal data and stays)."""
    if clear:
        return {
            "name": record.consumer_name,
            "phone": record.phone,
            "id_number": record.id_number,
            "address": record.address,
        }
    shown = masking.masked_sale(
        consumer_name=record.consumer_name,
        contact=record.contact,
        phone=record.phone,
        id_number=record.id_number,
        address=record.address,
        buyer_key=record.buyer_key,
    )
    return {
        "name": shown["consumer_name"],
        "phone": shown["phone"],
        "id_number": shown["id_number"],
        "address": shown["address"],
    }


def unit_file_name(unit_name: str, campaign_name: str) -> str:
    return f"{unit_name}{campaign_name}结果表.xlsx"


def unit_workbook(
    *,
    campaign_name: str,
    unit_name: str,
    figures: Figures,
    tasks: dict[str, str],
    records: Iterable[SampledRecord],
    clear: bool,
    reported_on: date | None,
) -> tuple[io.BytesIO, int]:
    """The unit's results table: its figures, then the sampled records (streamed). Returns
    the workbook and the number of sampled records written."""
    out = io.BytesIO()
    counts: Counter = Counter()
    with builder.workbook(out, title=unit_file_name(unit_name, campaign_name)) as book:
        styles = builder.Styles(book)
        fields = {
            "campaign": campaign_name,
            "unit": unit_name,
            "reported_on": chinese_date(reported_on),
            "personal": "个人信息：明文（核查人员）" if clear else "个人信息已脱敏",
        }
        sheet = builder.TableWriter(book, styles, FIGURES_TABLE, fields=fields)
        sheet.start()
        for line in figure_lines(figures, tasks):
            sheet.add(line)
        samples = builder.TableWriter(book, styles, SAMPLES_TABLE, fields=fields)
        samples.start()
        for seq, record in enumerate(records, 1):
            counts[record.outcome] += 1
            samples.add((seq, record, shown_person(record, clear=clear)))
        samples.finish(counts)
    out.seek(0)
    return out, sum(counts.values())
