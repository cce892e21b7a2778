"""The annex tables of each plan year: numbers, titles, columns and how every cell is computed.

The ministry's own templates are not public (DOMAIN.md 2): each year's tables are data here, keyed
by ``SupervisionPlan.annex_layout``, and the builder writes whatever a layout describes. To match
another year's template, add a layout (``LAYOUTS["2021"] = AnnexLayout(...)``, reusing the
columns that did not change) and set that plan's ``annex_layout`` to its key. Annex text is the
official Chinese form whatever the reader's language, like the plan's reference data.

Standard library only: cells are computed from the plain values of ``facts``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..plans.reference import CATEGORY_NUMERALS
from .facts import ProvinceFacts, SummaryInput, SummaryRow, TaskRow

# -- the shape of a table ------------------------------------------------------------------------

#: Cell kinds: text (left), center (centred text), code (centred, stored as text),
#: int (whole number), money (万元, two decimals).
KINDS = ("text", "center", "code", "int", "money")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    #: (row fact, table facts) → cell value; table facts are ``ProvinceFacts`` or None.
    value: Callable[[Any, Any], Any]
    kind: str = "text"
    #: Upper header over consecutive columns with the same group (two-level header).
    group: str | None = None
    #: 合计 cell: "sum" of the rows marked ``in_total``, or (table facts, sums) → value.
    total: str | Callable[[Any, Mapping[str, Any]], Any] | None = None
    #: Number format of the 合计 cell when it differs from the column's.
    total_format: str | None = None
    #: Formula of the 合计 cell in a fill-in template; ``{range}`` is the column's body.
    total_formula: str | None = None
    #: One value for the whole table, merged down the body and 合计 rows.
    per_table: bool = False
    #: Name of the list a template offers in a dropdown for this column.
    choices: str | None = None


@dataclass(frozen=True)
class Table:
    #: The annex number printed above the title (None: not an annex).
    number: int | None
    sheet: str
    #: Patterns over the table's fields: {year}, {province}, {filed_on}, {today} …
    title: str
    columns: tuple[Column, ...]
    info_left: str = ""
    info_right: str = ""
    notes: tuple[str, ...] = ()
    #: Notes added below a fill-in template.
    template_notes: tuple[str, ...] = ()
    total_label: str = "合计"
    #: How many leading columns the 合计 label spans.
    total_label_span: int = 1
    #: Columns kept in view when scrolling right.
    freeze_columns: int = 0

    @property
    def has_groups(self) -> bool:
        return any(c.group for c in self.columns)


@dataclass(frozen=True)
class AnnexLayout:
    key: str
    #: 任务汇总表 (附件1 in 2020).
    summary: Table
    #: 企业名单 (附件2 in 2020); also the fill-in template.
    enterprise_list: Table
    #: The ministry's national summary (one row per province).
    national: Table
    summary_rows: Callable[[SummaryInput], list[SummaryRow]]
    #: The day whose quota standards apply (supervision in year N assesses year N − 1).
    standards_on: Callable[[int], date]
    category_label: Callable[[int, int | None], str]
    category_choices: Callable[[Sequence[tuple[int, str, str, bool]]], list[str]]
    method_labels: Mapping[str, str]
    status_labels: Mapping[str | None, str]
    province_file: str
    template_file: str
    national_file: str
    #: Sheet name of a province's table in the national workbook.
    national_sheet: str = "{province}-{sheet}"


# -- 2020: 工信部节函〔2020〕1号 ------------------------------------------------------------------

#: 阶梯电价 policy documents the plan names for category 二, by industry code.
LADDER_POLICIES_2020 = {
    "steel": "发改价格〔2016〕2803号",
    "cement": "发改价格〔2016〕75号",
    "electrolytic_aluminium": "发改价格〔2013〕2530号",
}
#: Mandatory efficiency standards of key equipment in force for 2019 operation (DOMAIN.md 6.5).
EQUIPMENT_STANDARDS_2020 = (
    "GB 18613-2012、GB 19761-2009、GB 19762-2007、GB 19153-2009、GB 20052-2013"
)
STANDARD_BY_CATEGORY_2020 = {4: "GB/T 32910.3-2016", 5: "限期整改通知书"}
#: What the 行业/领域 column says for categories that name no industry.
FIELD_BY_CATEGORY_2020 = {"data_centre": "数据中心", "rectification_review": "2019年违规企业"}
#: Category numbers whose tasks name an industry of this kind (tasks.rules).
INDUSTRY_KIND_2020 = {1: "quota", 2: "ladder"}

METHOD_LABELS = {"on_site": "现场监察", "desk": "书面审查"}
STATUS_LABELS = {
    None: "未建立",
    "draft": "填报中",
    "submitted": "已报送",
    "returned": "已退回",
    "accepted": "已接收",
}
STOPPED_REMARK = "已停产（不组织实地监察，不申请补助）"


def category_label(category: int, parent_category: int | None) -> str:
    numeral = CATEGORY_NUMERALS.get(category, str(category))
    if parent_category is None:
        return numeral
    return f"{numeral}（附于{CATEGORY_NUMERALS.get(parent_category, parent_category)}）"


def category_choices(categories) -> list[str]:
    """The values the 监察类别 column accepts: riders once per category they may ride on."""
    choices = []
    alone = [n for n, _key, _name, filed_alone in categories if filed_alone]
    for number, _key, _name, filed_alone in categories:
        if filed_alone:
            choices.append(category_label(number, None))
        else:
            choices += [category_label(number, p) for p in alone if p in INDUSTRY_KIND_2020]
    return choices


def standard_2020(row: TaskRow, _facts) -> str:
    if row.category == 1:
        return "、".join(row.quota_standards) or "—"
    if row.category == 2:
        return LADDER_POLICIES_2020.get(row.industry_code, "—")
    if row.category == 3:
        return EQUIPMENT_STANDARDS_2020
    return STANDARD_BY_CATEGORY_2020.get(row.category, "—")


def remarks_2020(row: TaskRow, _facts) -> str:
    """已停产 is always said, even when the enterprise stopped after the task was filed."""
    if row.stopped and "已停产" not in row.remarks:
        return f"{STOPPED_REMARK}；{row.remarks}" if row.remarks else STOPPED_REMARK
    return row.remarks


def summary_rows_2020(data: SummaryInput) -> list[SummaryRow]:
    """一 … 五 with the industries (一) and ladder sectors (二) under them; 三 is not totalled."""
    counts = data.facts.counts
    rows = []
    for number, key, name, filed_alone in data.categories:
        numeral = CATEGORY_NUMERALS.get(number, str(number))
        tasks = counts.by_category.get(number, 0)
        stopped = sum(n for (c, _i), n in data.stopped.items() if c == number)
        if not filed_alone:
            rows.append(
                SummaryRow(
                    numeral,
                    name,
                    "—",
                    tasks,
                    stopped,
                    "结合一、二开展，不单独申报任务，不计入合计",
                    strong=True,
                )
            )
            continue
        kind = INDUSTRY_KIND_2020.get(number)
        field_name = "小计" if kind else FIELD_BY_CATEGORY_2020.get(key, "—")
        rows.append(
            SummaryRow(numeral, name, field_name, tasks, stopped, strong=True, in_total=True)
        )
        industries = [(i, n) for i, n, k in data.industries if k == kind] if kind else []
        for seq, (industry_id, industry_name) in enumerate(industries, 1):
            rows.append(
                SummaryRow(
                    str(seq),
                    "",
                    industry_name,
                    counts.by_industry.get(industry_id, 0),
                    data.stopped.get((number, industry_id), 0),
                )
            )
    return rows


def _money(attr: str) -> Callable[[Any, Any], Any]:
    return lambda _row, facts: getattr(facts.funds, attr)


def _filed_alone_tasks(facts: ProvinceFacts) -> int:
    return facts.counts.tasks - facts.counts.by_category.get(3, 0)


FUNDS_GROUP = "前期节能监察补助资金（万元）"

SUMMARY_2020 = Table(
    number=1,
    sheet="附件1",
    title="{province}国家重大工业专项节能监察任务汇总表",
    info_left="填报单位（盖章）：",
    info_right="填报日期：{filed_on}",
    columns=(
        Column("seq", "序号", 6, lambda r, _f: r.seq, "center"),
        Column("category", "监察类别", 30, lambda r, _f: r.category),
        Column("industry", "行业/领域", 20, lambda r, _f: r.industry, "center"),
        Column(
            "enterprises",
            "企业数（家）",
            10,
            lambda r, _f: r.enterprises,
            "int",
            total=lambda f, _s: _filed_alone_tasks(f),
        ),
        Column("stopped", "其中：已停产（家）", 10, lambda r, _f: r.stopped, "int", total="sum"),
        Column("received", "已到位", 11, _money("received"), "money", FUNDS_GROUP, per_table=True),
        Column("used", "已使用", 11, _money("used"), "money", FUNDS_GROUP, per_table=True),
        Column("balance", "结转结余", 11, _money("balance"), "money", FUNDS_GROUP, per_table=True),
        Column(
            "planned",
            "本年安排使用结转结余资金（万元）",
            14,
            _money("planned"),
            "money",
            per_table=True,
        ),
        Column(
            "requested",
            "申请{year}年补助资金（万元）",
            13,
            _money("requested"),
            "money",
            per_table=True,
        ),
        Column("remark", "备注", 24, lambda r, _f: r.remark),
    ),
    notes=(
        "注：1. 专项监察三（重点用能产品设备能效提升）结合一、二开展，不单独申报任务，"
        "其企业数不计入合计。",
        "2. 已停产企业列入企业名单（附件2）并注明，不组织实地监察、不申请补助。",
        "3. 同一企业列入多个类别或行业的分别计数；本表涉及企业共 {enterprises} 家，"
        "其中已停产 {stopped} 家（不重复计数）。",
        "4. 存在结转结余资金的，优先使用结转结余资金，不足部分安排使用{year}年补助资金；"
        "前期资金使用报告：{funds_report}。",
    ),
    total_label_span=3,
)

LIST_GROUP_ENTERPRISE = "企业基本情况"
LIST_GROUP_WORK = "监察安排"

ENTERPRISE_LIST_2020 = Table(
    number=2,
    sheet="附件2",
    title="{province}国家重大工业专项节能监察企业名单",
    info_left="填报单位（盖章）：",
    info_right="填报日期：{filed_on}",
    columns=(
        Column("seq", "序号", 6, lambda r, _f: r.seq, "int"),
        Column(
            "enterprise",
            "企业名称",
            30,
            lambda r, _f: r.enterprise,
            group=LIST_GROUP_ENTERPRISE,
            total=lambda f, _s: f.counts.enterprises,
            total_format='"涉及企业"0"家"',
            total_formula='SUMPRODUCT(({range}<>"")/COUNTIF({range},{range}&""))',
        ),
        Column(
            "credit_code",
            "统一社会信用代码",
            21,
            lambda r, _f: r.credit_code,
            "code",
            LIST_GROUP_ENTERPRISE,
        ),
        Column(
            "division_code",
            "所在地区（行政区划代码）",
            12,
            lambda r, _f: r.division_code,
            "code",
            LIST_GROUP_ENTERPRISE,
        ),
        Column(
            "industry",
            "行业",
            14,
            lambda r, _f: r.industry,
            "center",
            LIST_GROUP_ENTERPRISE,
            choices="industries",
        ),
        Column("products", "主要产品", 16, lambda r, _f: r.products, group=LIST_GROUP_ENTERPRISE),
        Column(
            "category",
            "监察类别",
            10,
            lambda r, _f: category_label(r.category, r.parent_category),
            "center",
            LIST_GROUP_WORK,
            total=lambda f, _s: f.counts.tasks,
            total_format='0"项"',
            total_formula="COUNTA({range})",
            choices="categories",
        ),
        Column("standard", "执行标准", 22, standard_2020, group=LIST_GROUP_WORK),
        Column(
            "method",
            "监察方式",
            10,
            lambda r, _f: METHOD_LABELS.get(r.method, r.method),
            "center",
            LIST_GROUP_WORK,
            choices="methods",
        ),
        Column(
            "agency",
            "承担单位",
            20,
            lambda r, _f: r.agency,
            group=LIST_GROUP_WORK,
            choices="agencies",
        ),
        Column("inspectors", "监察人员", 14, lambda r, _f: r.inspectors, group=LIST_GROUP_WORK),
        Column(
            "remarks",
            "备注",
            24,
            remarks_2020,
            total=lambda f, _s: f.counts.stopped,
            total_format='"已停产"0"家"',
            total_formula='COUNTIF({range},"*已停产*")',
        ),
    ),
    notes=(
        "注：1. 监察类别：{categories}。专项监察三结合一、二开展，不单独申报，"
        "列为“三（附于一）”或“三（附于二）”。",
        "2. 执行标准：专项监察一为{standards_on}有效的强制性单位产品能耗限额标准，"
        "二为阶梯电价政策文件，三为重点用能设备强制性能效标准，四为数据中心电能能效标准，"
        "五为限期整改通知书。",
        "3. 对实现全覆盖的行业应仔细核对企业名单，确保不漏报、不错报；已停产企业列明并在备注中"
        "注明，不组织实地监察、不申请补助。",
    ),
    template_notes=(
        "4. 填报说明：监察类别、行业、监察方式、承担单位请从下拉列表中选择；序号、执行标准"
        "由系统生成，可不填；请勿改动表头，合计行自动计算。",
    ),
    freeze_columns=2,
)


def _count(number: int) -> Callable[[Any, Any], Any]:
    return lambda facts, _f: facts.counts.by_category.get(number, 0)


TASKS_GROUP = "专项监察任务数（项）"

NATIONAL_2020 = Table(
    number=None,
    sheet="全国汇总",
    title="{year}年国家重大工业专项节能监察任务全国汇总表",
    info_left="汇总单位：工业和信息化部节能与综合利用司",
    info_right="汇总日期：{today}",
    columns=(
        Column("seq", "序号", 6, lambda f, _f: f.seq, "int"),
        Column("province", "省（自治区、直辖市）", 20, lambda f, _f: f.province),
        Column("c1", "一", 7, _count(1), "int", TASKS_GROUP, total="sum"),
        Column("c2", "二", 7, _count(2), "int", TASKS_GROUP, total="sum"),
        Column("c3", "三（附）", 8, _count(3), "int", TASKS_GROUP, total="sum"),
        Column("c4", "四", 7, _count(4), "int", TASKS_GROUP, total="sum"),
        Column("c5", "五", 7, _count(5), "int", TASKS_GROUP, total="sum"),
        Column(
            "tasks",
            "小计（不含三）",
            9,
            lambda f, _f: _filed_alone_tasks(f),
            "int",
            TASKS_GROUP,
            total="sum",
        ),
        Column(
            "enterprises",
            "涉及企业（家）",
            9,
            lambda f, _f: f.counts.enterprises,
            "int",
            total="sum",
        ),
        Column(
            "stopped", "其中：已停产（家）", 9, lambda f, _f: f.counts.stopped, "int", total="sum"
        ),
        Column(
            "received",
            "已到位",
            11,
            lambda f, _f: f.funds.received,
            "money",
            FUNDS_GROUP,
            total="sum",
        ),
        Column("used", "已使用", 11, lambda f, _f: f.funds.used, "money", FUNDS_GROUP, total="sum"),
        Column(
            "balance",
            "结转结余",
            11,
            lambda f, _f: f.funds.balance,
            "money",
            FUNDS_GROUP,
            total="sum",
        ),
        Column(
            "planned",
            "本年安排使用结转结余资金（万元）",
            14,
            lambda f, _f: f.funds.planned,
            "money",
            total="sum",
        ),
        Column(
            "requested",
            "申请{year}年补助资金（万元）",
            13,
            lambda f, _f: f.funds.requested,
            "money",
            total="sum",
        ),
        Column("status", "报送状态", 10, lambda f, _f: STATUS_LABELS[f.status], "center"),
        Column(
            "submitted_on",
            "报送日期",
            12,
            lambda f, _f: f.submitted_on.isoformat() if f.submitted_on else "",
            "center",
        ),
        Column(
            "remark",
            "备注",
            16,
            lambda f, _f: f"逾期 {f.late_workdays} 个工作日" if f.late_workdays else "",
        ),
    ),
    notes=(
        "注：1. 任务数按监察类别统计；专项监察三结合一、二开展，不单独申报，不计入小计。",
        "2. 涉及企业按省分别去重计数，合计为各省之和；各省明细见后附各省附件1、附件2。",
    ),
    total_label_span=2,
    freeze_columns=2,
)

LAYOUT_2020 = AnnexLayout(
    key="2020",
    summary=SUMMARY_2020,
    enterprise_list=ENTERPRISE_LIST_2020,
    national=NATIONAL_2020,
    summary_rows=summary_rows_2020,
    standards_on=lambda year: date(year - 1, 12, 31),
    category_label=category_label,
    category_choices=category_choices,
    method_labels=METHOD_LABELS,
    status_labels=STATUS_LABELS,
    province_file="{year}年{province}国家重大工业专项节能监察任务汇总表及企业名单.xlsx",
    template_file="{year}年{province}国家重大工业专项节能监察企业名单（填报模板）.xlsx",
    national_file="{year}年国家重大工业专项节能监察任务全国汇总.xlsx",
)

LAYOUTS: dict[str, AnnexLayout] = {"2020": LAYOUT_2020}


def layout_for(key: str) -> AnnexLayout:
    """The layout a plan names; a plan copied to a new year keeps its predecessor's."""
    try:
        return LAYOUTS[key]
    except KeyError:
        raise LookupError(f"no annex layout {key!r}: add it to annexes/layouts.py") from None
