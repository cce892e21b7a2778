"""The workbooks themselves, read back with openpyxl: layout, print setup, figures that reconcile."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from annexes_support import (
    FORMULA_NAME,
    credit_code_for_b,
    filed_fixture,  # noqa: F401 (the ``filed`` fixture)
    merged,
    open_xlsx,
    row_where,
)
from sqlalchemy import func, select

from conftest import World
from supervision.annexes import service
from supervision.enterprises.models import Enterprise, ProductionStatus
from supervision.enterprises.service import EnterpriseData, create_enterprise
from supervision.extensions import db
from supervision.plans.service import plan_for_year
from supervision.tasks import service as tasks
from supervision.tasks.models import FilingEvent, ReviewMethod, SupervisionTask, TaskFiling


def counts_of(filing):
    return tasks.filing_counts([filing.id])[filing.id]


def db_figures(filing) -> dict:
    """The same figures straight from SQL, independent of filing_counts."""
    base = select(SupervisionTask).where(SupervisionTask.filing_id == filing.id).subquery()
    enterprises = select(func.count(func.distinct(base.c.enterprise_id)))
    stopped = (
        select(func.count(func.distinct(base.c.enterprise_id)))
        .join(Enterprise, Enterprise.id == base.c.enterprise_id)
        .where(Enterprise.status == ProductionStatus.STOPPED)
    )
    return {
        "tasks": db.session.scalar(select(func.count()).select_from(base)),
        "enterprises": db.session.scalar(enterprises),
        "stopped": db.session.scalar(stopped),
    }


@pytest.fixture
def annexes(filed):
    return open_xlsx(service.build_province_annexes(filed.filing))


def test_the_province_workbook_has_both_annexes_with_the_official_heading(annexes):
    assert annexes.sheetnames == ["附件1", "附件2"]
    one, two = annexes["附件1"], annexes["附件2"]
    assert one["A1"].value == "附件1" and two["A1"].value == "附件2"
    assert one["A2"].value == "江苏省国家重大工业专项节能监察任务汇总表"
    assert two["A2"].value == "江苏省国家重大工业专项节能监察企业名单"
    assert {"A2:K2"} <= merged(one) and {"A2:L2"} <= merged(two)
    assert one["A3"].value == "填报单位（盖章）：" and one["F3"].value.startswith("填报日期：")
    assert one["A2"].font.name == "宋体" and one["A2"].font.b
    assert two["B6"].font.name == "仿宋" and two["B6"].border.left.style == "thin"


def test_two_level_headers_with_units(annexes):
    one, two = annexes["附件1"], annexes["附件2"]
    assert [one.cell(4, c).value for c in range(1, 6)] == [
        "序号",
        "监察类别",
        "行业/领域",
        "企业数（家）",
        "其中：已停产（家）",
    ]
    assert one["F4"].value == "前期节能监察补助资金（万元）"
    assert [one["F5"].value, one["G5"].value, one["H5"].value] == ["已到位", "已使用", "结转结余"]
    assert one["J4"].value == "申请2020年补助资金（万元）"
    assert {"A4:A5", "F4:H4", "K4:K5"} <= merged(one)
    assert two["B4"].value == "企业基本情况" and two["G4"].value == "监察安排"
    assert [two.cell(5, c).value for c in range(2, 12)] == [
        "企业名称",
        "统一社会信用代码",
        "所在地区（行政区划代码）",
        "行业",
        "主要产品",
        "监察类别",
        "执行标准",
        "监察方式",
        "承担单位",
        "监察人员",
    ]
    assert {"B4:F4", "G4:K4", "A4:A5", "L4:L5"} <= merged(two)


def test_print_setup_and_frozen_header(annexes):
    for ws, frozen in ((annexes["附件1"], "A6"), (annexes["附件2"], "C6")):
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9
        assert ws.print_title_rows == "$4:$5"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
        assert "第 &P 页，共 &N 页" in ws.oddFooter.center.text
        assert ws.freeze_panes == frozen


def test_annex_one_totals_are_filing_counts_and_the_database(filed, annexes):
    counts = counts_of(filed.filing)
    figures = db_figures(filed.filing)
    assert (counts.tasks, counts.enterprises, counts.stopped) == (
        figures["tasks"],
        figures["enterprises"],
        figures["stopped"],
    )
    ws = annexes["附件1"]
    total = row_where(ws, "A", "合计")
    assert ws[f"D{total}"].value == counts.tasks - counts.by_category[3] == 8
    category_rows = [row_where(ws, "A", n) for n in "一二四五"]
    assert sum(ws[f"D{r}"].value for r in category_rows) == ws[f"D{total}"].value
    assert sum(ws[f"E{r}"].value for r in category_rows) == ws[f"E{total}"].value == 1
    for number, numeral in zip((1, 2, 3, 4, 5), "一二三四五", strict=True):
        assert ws[f"D{row_where(ws, 'A', numeral)}"].value == counts.by_category[number]
    acid = row_where(ws, "C", "硫酸")
    assert (ws[f"D{acid}"].value, ws[f"E{acid}"].value) == (2, 1)
    three = row_where(ws, "A", "三")
    assert "不单独申报" in ws[f"K{three}"].value
    # The funds sit once, merged down the table to the 合计 row.
    assert (ws["F6"].value, ws["G6"].value, ws["J6"].value) == (100, 60.5, 25)
    assert f"F6:F{total}" in merged(ws)
    notes = " ".join(str(ws[f"A{r}"].value) for r in range(total + 1, ws.max_row + 1))
    assert f"涉及企业共 {counts.enterprises} 家" in notes and "已提交" in notes


def test_annex_two_lists_every_task_and_its_total_row_reconciles(filed, annexes):
    counts = counts_of(filed.filing)
    ws = annexes["附件2"]
    total = row_where(ws, "A", "合计")
    body = range(6, total)
    assert len(body) == counts.tasks == 9
    assert [ws[f"A{r}"].value for r in body] == list(range(1, 10))
    assert ws[f"B{total}"].value == counts.enterprises == 7
    assert ws[f"G{total}"].value == counts.tasks
    assert ws[f"L{total}"].value == counts.stopped == 1
    assert ws[f"B{total}"].number_format == '"涉及企业"0"家"'
    categories = [ws[f"G{r}"].value for r in body]
    assert (
        categories == sorted(categories, key=lambda c: "一二三四五".index(c[0]))
        and "三（附于二）" in categories
    )


def test_annex_two_cells(filed, annexes):
    ws = annexes["附件2"]
    stopped = row_where(ws, "B", "停产硫酸厂")
    assert ws[f"L{stopped}"].value.startswith("已停产")
    assert ws[f"I{stopped}"].value == "书面审查"
    acid = row_where(ws, "B", "南京硫酸厂")
    assert [ws[f"{c}{acid}"].value for c in "CDEFGHIJK"] == [
        filed.enterprises["acid"].credit_code,
        "320115",
        "硫酸",
        "硫磺制酸",
        "一",
        "GB 29141-2012",
        "现场监察",
        filed.world.a_agency.name,
        filed.world.a_inspector.full_name,
    ]
    assert ws[f"C{acid}"].data_type == "s" and ws[f"D{acid}"].data_type == "s"
    wall = row_where(ws, "B", "宜兴砖瓦厂")
    assert ws[f"H{wall}"].value == "GB 30526-2014"  # in force on 2019-12-31
    rider = row_where(ws, "G", "三（附于二）")
    assert ws[f"B{rider}"].value == "南京钢铁" and ws[f"E{rider}"].value == "钢铁"
    assert ws[f"H{row_where(ws, 'B', '江南水泥')}"].value == "发改价格〔2016〕75号"
    assert ws[f"H{row_where(ws, 'G', '四')}"].value == "GB/T 32910.3-2016"


def test_user_text_that_looks_like_a_formula_stays_text(filed, annexes):
    ws = annexes["附件2"]
    row = row_where(ws, "B", FORMULA_NAME)
    cell = ws[f"B{row}"]
    assert cell.data_type == "s" and cell.value == FORMULA_NAME
    assert cell.quotePrefix  # typing over it in Excel keeps it text too


def test_a_province_with_nothing_filed_gets_empty_but_complete_annexes(world: World):
    plan = plan_for_year(2020)
    data = service.province_annexes(plan, world.b_province)
    book = open_xlsx(data)
    one, two = book["附件1"], book["附件2"]
    assert one["A2"].value == "浙江省国家重大工业专项节能监察任务汇总表"
    total = row_where(one, "A", "合计")
    assert one[f"D{total}"].value == 0 and one[f"E{total}"].value == 0
    assert row_where(two, "A", "合计") == 6
    assert (two["B6"].value, two["G6"].value, two["L6"].value) == (0, 0, 0)


def test_a_province_without_a_filing_row_gets_empty_annexes_too(world: World):
    plan = plan_for_year(2020)
    db.session.delete(service.find_filing(plan, world.b_province))
    db.session.commit()
    book = open_xlsx(service.province_annexes(plan, world.b_province))
    assert row_where(book["附件2"], "A", "合计") == 6
    assert "未提交" in " ".join(str(c.value) for c in book["附件1"]["A"] if c.value)


def test_the_submitted_date_fills_the_filing_date(filed):
    filed.filing.submitted_at = datetime(2020, 2, 18, 20, 0, tzinfo=UTC)  # 19th in Beijing
    db.session.flush()
    book = open_xlsx(service.build_province_annexes(filed.filing))
    assert book["附件1"]["F3"].value == "填报日期：2020年2月19日"


def test_the_snapshot_kept_at_submission_is_the_annexes(filed):
    filing = filed.filing
    event = tasks.submit_filing(
        filing,
        actor=filed.world.a_officer,
        now=datetime(2020, 2, 18, 2, 0, tzinfo=UTC),
    )
    db.session.commit()
    snapshot = db.session.get(FilingEvent, event.id).snapshot
    book = open_xlsx(snapshot)
    assert book["附件2"][f"G{row_where(book['附件2'], 'A', '合计')}"].value == event.task_count


def test_the_empty_template_offers_rows_dropdowns_and_lists(world: World):
    plan = plan_for_year(2020)
    book = open_xlsx(service.build_annex2_template(None, plan, world.a_province))
    assert book.sheetnames == ["附件2", "选项"]
    assert book["选项"].sheet_state == "hidden"
    ws = book["附件2"]
    assert ws["A2"].value == "江苏省国家重大工业专项节能监察企业名单"
    total = row_where(ws, "A", "合计")
    assert total == 6 + service.TEMPLATE_BLANK_ROWS
    assert ws[f"G{total}"].value == f"=COUNTA(G6:G{total - 1})"
    names = set(book.defined_names)
    assert {"list_categories", "list_industries", "list_methods", "list_agencies"} <= names
    lists = book["选项"]
    assert [c.value for c in lists["A"] if c.value][1:] == [
        "一",
        "二",
        "三（附于一）",
        "三（附于二）",
        "四",
        "五",
    ]
    assert world.a_agency.name in [c.value for c in lists["D"]]
    assert world.b_agency.name not in [c.value for c in lists["D"]]
    validations = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    last = total - 1
    assert validations == {
        f"E6:E{last}": "list_industries",
        f"G6:G{last}": "list_categories",
        f"I6:I{last}": "list_methods",
        f"J6:J{last}": "list_agencies",
    }


def test_the_filled_template_lists_the_filed_tasks_then_blank_rows(filed):
    filing = filed.filing
    book = open_xlsx(service.build_annex2_template(filing, filing.plan, filing.province))
    ws = book["附件2"]
    assert ws["B6"].value and ws[f"A{6 + counts_of(filing).tasks - 1}"].value == 9
    assert row_where(ws, "A", "合计") == 6 + 9 + service.TEMPLATE_EXTRA_ROWS
    assert ws[f"B{row_where(ws, 'B', FORMULA_NAME)}"].data_type == "s"


@pytest.fixture
def national_book(filed, tmp_path):
    """Province B files one task as well, so the totals add two provinces."""
    world = filed.world
    plan = plan_for_year(2020)
    b_filing = tasks.filing_for(plan, world.b_province)
    enterprise = create_enterprise(
        world.b_province,
        EnterpriseData(
            credit_code=credit_code_for_b(1), name="杭州数据中心", division_code="330106"
        ),
    )
    tasks.add_task(
        b_filing,
        enterprise=enterprise,
        category=4,
        industry=None,
        agency=world.b_agency,
        inspectors=[world.b_inspector],
        planned_month=6,
        method=ReviewMethod.DESK,
    )
    db.session.commit()
    path = tmp_path / "national.xlsx"
    written = service.write_national_workbook(plan, str(path), now=datetime(2020, 3, 1, tzinfo=UTC))
    return open_xlsx(str(path)), written


def test_the_national_workbook_sums_every_province(national_book):
    book, written = national_book
    plan = plan_for_year(2020)
    filings = list(db.session.scalars(select(TaskFiling).where(TaskFiling.plan_id == plan.id)))
    counts = tasks.filing_counts([f.id for f in filings])
    assert book.sheetnames[0] == "全国汇总"
    assert len(book.sheetnames) == 1 + 2 * len(filings) == 65
    assert {"江苏省-附件1", "江苏省-附件2", "浙江省-附件2"} <= set(book.sheetnames)
    ws = book["全国汇总"]
    assert ws["A1"].value == "2020年国家重大工业专项节能监察任务全国汇总表"
    assert ws["J2"].value == "汇总日期：2020年3月1日"
    total = row_where(ws, "A", "合计")
    body = range(5, total)
    assert len(body) == len(filings)
    for col in "CDEFGHIJKLMNO":
        assert ws[f"{col}{total}"].value == sum(ws[f"{col}{r}"].value or 0 for r in body), col
    assert ws[f"H{total}"].value == sum(c.tasks - c.by_category.get(3, 0) for c in counts.values())
    assert ws[f"I{total}"].value == sum(c.enterprises for c in counts.values()) == 8
    assert written == sum(c.tasks for c in counts.values()) == 10
    jiangsu = row_where(ws, "B", "江苏省")
    assert [ws[f"{c}{jiangsu}"].value for c in "CDEFG"] == [3, 2, 1, 1, 2]
    assert ws[f"P{jiangsu}"].value == "填报中"


def test_the_national_workbook_holds_each_province_like_its_own_file(national_book, filed):
    book, _written = national_book
    own = open_xlsx(service.build_province_annexes(filed.filing))
    for sheet in ("附件1", "附件2"):
        theirs = book[f"江苏省-{sheet}"]
        assert [[c.value for c in r] for r in theirs.iter_rows()] == [
            [c.value for c in r] for r in own[sheet].iter_rows()
        ]


def test_workbooks_are_built_into_buffers(filed):
    out = io.BytesIO()
    facts = service.write_province_annexes(
        filed.filing.plan, filed.filing.province, filed.filing, out
    )
    assert out.getvalue()[:2] == b"PK" and facts.counts.tasks == 9


def test_a_later_years_layout_is_data_the_builder_follows(filed, monkeypatch):
    """E.g. a year whose notice puts the enterprise list first, as 附件1, with fewer columns."""
    from dataclasses import replace

    from supervision.annexes import layouts

    base = layouts.LAYOUT_2020
    listing = replace(
        base.enterprise_list,
        number=1,
        sheet="附件1",
        columns=tuple(c for c in base.enterprise_list.columns if c.key != "inspectors"),
    )
    later = replace(
        base,
        key="2021",
        enterprise_list=listing,
        summary=replace(base.summary, number=2, sheet="附件2"),
    )
    monkeypatch.setitem(layouts.LAYOUTS, "2021", later)
    plan = filed.filing.plan
    plan.annex_layout = "2021"
    db.session.flush()
    book = open_xlsx(service.build_province_annexes(filed.filing))
    assert book.sheetnames == ["附件1", "附件2"]
    first = book["附件1"]
    assert first["A1"].value == "附件1" and first["A2"].value.endswith("企业名单")
    assert "监察人员" not in [c.value for c in first[5]]
    total = row_where(first, "A", "合计")
    assert first[f"G{total}"].value == 9 and first[f"K{total}"].value == 1  # 备注 moved left
    assert book["附件2"]["A2"].value.endswith("任务汇总表")
