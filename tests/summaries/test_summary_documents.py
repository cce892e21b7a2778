"""The report (.docx) and the workbooks (.xlsx) open with the expected sections, tables and
numbers, and user text stays text."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from docx import Document
from figures_support import scenario  # noqa: F401
from openpyxl import load_workbook

from supervision.extensions import db
from supervision.plans.service import plan_for_year
from supervision.summaries import rules
from supervision.summaries.figures import (
    CaseLine,
    CategoryLine,
    DailyFigures,
    FollowUp,
    Funds,
    SummaryFigures,
    assemble,
    national_rollup,
)
from supervision.summaries.models import AnnualSummary
from supervision.summaries.report_document import SECTIONS, build_report
from supervision.summaries.results_book import build_national, build_results
from supervision.tasks.models import FilingStatus

pytestmark = pytest.mark.usefixtures("database")

#: 2020-09-28 10:00 in Beijing.
SUBMITTED_AT = datetime(2020, 9, 28, 2, 0, tzinfo=UTC)
NAMES = {
    1: "重点高耗能行业能耗专项监察",
    2: "阶梯电价政策执行专项监察",
    3: "重点用能产品设备能效提升专项监察",
    4: "数据中心能效专项监察",
    5: "2019年违规企业整改落实情况专项监察",
}


def _figures(province="江苏省", rows=None) -> SummaryFigures:
    tallies = {
        1: (5, 3, 2, 2, 1),
        2: (4, 4, 1, 1, 0),
        3: (1, 0, 0, 0, 0),
        4: (2, 1, 0, 0, 0),
        5: (1, 1, 1, 2, 1),
    }
    if rows is None:
        rows = (
            CaseLine(
                1,
                1,
                '=HYPERLINK("http://x")有限公司',
                "91320000000000001X",
                "320102",
                "南京市节能监察中心",
                date(2020, 6, 10),
                ("over_quota",),
                ("南京节监改〔2020〕1号",),
                ("rectified",),
            ),
            CaseLine(2, 0, "乙企业", "91320000000000002X", "320102", "江苏省", None),
        )
    return SummaryFigures(
        year=2020,
        province=province,
        categories=tuple(CategoryLine(*t, number=n, name=NAMES[n]) for n, t in tallies.items()),
        daily=DailyFigures(6, 4, 2, 2, 1, draws=2, published=1),
        rows=rows,
        followup=FollowUp(
            suggestions=3,
            referrals=3,
            diagnosed=2,
            retrofitted=1,
            estimated_savings_tce=Decimal("150.50"),
            actual_savings_tce=Decimal("100.25"),
            excellent_nominated=3,
            excellent_selected=1,
            excellent_published=1,
        ),
        funds=Funds(earlier_received=Decimal("100.00"), used=Decimal("45.60")),
    )


@pytest.fixture
def summary(world) -> AnnualSummary:
    summary = AnnualSummary(
        plan=plan_for_year(2020),
        province=world.a_province,
        special_text="全年组织专项监察。\n\n第二段。",
        daily_text="",
        mechanism_text="建立省市县三级节能监察体系。",
        training_text="培训监察人员120人次。",
        informatisation_text="",
        problems_text="部分地区监察力量不足。",
        funds_text="经费主要用于现场监察。",
        funds_used=Decimal("45.60"),
    )
    db.session.add(summary)
    db.session.commit()
    return summary


def _submit(summary: AnnualSummary) -> None:
    summary.status = FilingStatus.SUBMITTED
    summary.submitted_at = SUBMITTED_AT
    db.session.commit()


def _texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def _table_values(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


# -- the report ---------------------------------------------------------------------------


def test_report_layout(summary):
    _submit(summary)
    document = Document(io.BytesIO(build_report(summary, _figures())))
    texts = _texts(document)
    assert texts[0] == "江苏省2020年工业节能监察工作总结报告"
    assert "工业和信息化部节能与综合利用司：" in texts
    assert "（草稿：数据为系统中的当前数据）" not in texts
    assert any("工信部节函〔2020〕1号" in t for t in texts)
    positions = [texts.index(heading) for heading in SECTIONS]
    assert positions == sorted(positions)
    assert SECTIONS == (
        "一、专项监察工作总结",
        "二、日常监察工作总结",
        "三、节能监察体制机制建设",
        "四、能力建设与信息化",
        "五、监察结果运用",
        "六、经费使用情况",
        "七、存在问题及意见建议",
    )
    attachment = texts.index("附件：江苏省2020年实际监察企业名单及监察结果（共2家次，见电子表格）")
    assert attachment > positions[-1]
    # Signature block: the province and the submission date in Chinese.
    assert texts[-2:] == ["江苏省", "2020年9月28日"]
    assert document.core_properties.title == texts[0]


def test_report_free_texts_and_empty_sections(summary):
    document = Document(io.BytesIO(build_report(summary, _figures())))
    texts = _texts(document)

    def section(n: int) -> list[str]:
        start = texts.index(SECTIONS[n])
        end = texts.index(SECTIONS[n + 1]) if n + 1 < len(SECTIONS) else len(texts)
        return [t for t in texts[start + 1 : end] if t]

    assert section(0)[:2] == ["全年组织专项监察。", "第二段。"]
    assert section(1)[0] == "（未填写）"  # daily_text is empty
    assert section(2) == ["建立省市县三级节能监察体系。"]
    assert section(3) == [
        "（一）能力建设与人员培训",
        "培训监察人员120人次。",
        "（二）信息化建设",
        "（未填写）",
    ]
    assert "经费主要用于现场监察。" in section(5)
    assert section(6)[0] == "部分地区监察力量不足。"


def test_report_is_marked_as_a_draft_until_submitted(summary):
    texts = _texts(Document(io.BytesIO(build_report(summary, _figures()))))
    assert texts[1] == "（草稿：数据为系统中的当前数据）"
    assert texts[-1] == "    年  月  日"


def test_report_tables_carry_the_figures(summary):
    document = Document(io.BytesIO(build_report(summary, _figures())))
    special, daily, results_use, funds = (_table_values(t) for t in document.tables)
    assert special[0] == ["监察类别", "任务数", "实际监察", "发现违规", "下达整改通知", "已整改"]
    assert special[1] == ["一、重点高耗能行业能耗专项监察", "5", "3", "2", "2", "1"]
    assert special[5] == ["五、2019年违规企业整改落实情况专项监察", "1", "1", "1", "2", "1"]
    assert special[-1] == ["合计", "13", "9", "4", "5", "2"]
    assert len(special) == 7
    assert daily[1] == ["2", "6", "4", "2", "2", "1", "1"]
    assert ["预计节能量（吨标准煤/年）", "150.50"] in results_use
    assert ["已发布优秀案例（个）", "1"] in results_use
    assert ["前期节能监察补助资金", "100.00"] in funds
    assert ["结转结余资金", "—"] in funds
    assert ["本年实际使用监察经费", "45.60"] in funds
    texts = _texts(document)
    assert any("全年承担专项监察任务13项，实际监察9项（完成率69.2%）" in t for t in texts)


# -- the results workbook -------------------------------------------------------------------


def _rows(sheet) -> list[list]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_results_workbook(summary):
    _submit(summary)
    book = load_workbook(io.BytesIO(build_results(summary, _figures())))
    assert book.sheetnames == ["监察结果", "汇总"]
    sheet = book["监察结果"]
    rows = _rows(sheet)
    assert rows[0][0] == "附件"
    assert rows[1][0] == "江苏省2020年实际监察企业名单及监察结果"
    assert "A2:K2" in {str(r) for r in sheet.merged_cells.ranges}
    assert rows[2][0] == "填报单位（盖章）：江苏省"
    assert "填报日期：2020年9月28日" in rows[2]
    header = rows[3]
    assert header == [
        "序号",
        "企业名称",
        "统一社会信用代码",
        "所在地（行政区划代码）",
        "监察类型",
        "承担机构",
        "监察日期",
        "监察结果",
        "发现问题",
        "整改通知书编号",
        "整改情况",
    ]
    assert sheet.freeze_panes == "C5"
    assert sheet.print_title_rows == "$4:$4"
    assert rows[4] == [
        1,
        '=HYPERLINK("http://x")有限公司',
        "91320000000000001X",
        "320102",
        "专项监察一",
        "南京市节能监察中心",
        "2020-06-10",
        "发现问题",
        "超过单位产品能耗限额标准用能",
        "南京节监改〔2020〕1号",
        "已整改",
    ]
    # Text that looks like a formula is stored as text.
    assert sheet["B5"].data_type == "s"
    assert rows[5][:8] == [
        2,
        "乙企业",
        "91320000000000002X",
        "320102",
        "日常节能监察",
        "江苏省",
        None,
        "符合",
    ]
    assert rows[5][-1] == "无需整改"
    assert rows[6][0] == "合计"
    assert sheet["B7"].number_format == '"共"0"家次"' and rows[6][1] == 2


def test_results_summary_sheet(summary):
    book = load_workbook(io.BytesIO(build_results(summary, _figures())))
    rows = _rows(book["汇总"])
    assert rows[0][0] == "江苏省2020年工业节能监察情况汇总表"
    assert rows[2] == [
        "监察类别",
        "任务数",
        "实际监察",
        "发现违规",
        "下达整改通知（份）",
        "已整改（份）",
    ]
    assert rows[3] == ["一、重点高耗能行业能耗专项监察", 5, 3, 2, 2, 1]
    assert rows[8] == ["专项监察小计", 13, 9, 4, 5, 2]
    assert rows[9] == ["日常节能监察", 6, 4, 2, 2, 1]
    # 合计 = special + daily (the subtotal is not counted twice).
    assert rows[10] == ["合计", 19, 13, 6, 7, 3]
    assert rows[11][0].startswith("注：1. 任务数")


def test_results_workbook_without_cases(summary):
    figures = _figures(rows=())
    book = load_workbook(io.BytesIO(build_results(summary, figures)))
    rows = _rows(book["监察结果"])
    assert rows[4][0] == "合计" and rows[4][1] == 0
    assert rows[1][0] == "江苏省2020年实际监察企业名单及监察结果"


def test_files_from_the_live_cases(scenario, world):  # noqa: F811
    summary = db.session.query(AnnualSummary).filter_by(province_id=world.a_province.id).one()
    figures = assemble(summary.plan, summary.province)
    book = load_workbook(io.BytesIO(build_results(summary, figures)))
    rows = _rows(book["监察结果"])
    body = rows[4 : rows.index(next(r for r in rows if r[0] == "合计"))]
    assert len(body) == len(scenario.inspected) == 9
    assert [r[0] for r in body] == list(range(1, 10))
    assert {r[1] for r in body} == {c.enterprise.name for c in scenario.inspected}
    document = Document(io.BytesIO(build_report(summary, figures)))
    special = _table_values(document.tables[0])
    assert special[1][1:] == ["5", "3", "2", "2", "1"]
    assert special[-1][1:] == ["9", "5", "3", "4", "2"]


# -- the national workbook ----------------------------------------------------------------------


def test_national_workbook_rows_and_totals():
    a = _figures("江苏省")
    b = SummaryFigures(
        year=2020,
        province="浙江省",
        categories=(CategoryLine(1, 1, 1, 1, 0, number=1, name=NAMES[1]),),
        daily=DailyFigures(2, 2, 0, 0, 0, draws=1, published=1),
        followup=FollowUp(suggestions=1, estimated_savings_tce=Decimal("0.25")),
    )
    data = build_national(2020, [("江苏省", a), ("浙江省", b)], today=date(2020, 10, 9))
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["全国汇总", "分类别汇总"]
    rows = _rows(book["全国汇总"])
    assert rows[0][0] == "2020年工业节能监察工作总结全国汇总表"
    assert "汇总日期：2020年10月9日" in rows[1]
    assert rows[2][2] == "专项监察" and rows[2][7] == "日常节能监察"
    assert rows[3][2:7] == ["任务数", "实际监察", "发现违规", "下达整改通知（份）", "已整改（份）"]
    jiangsu, zhejiang, total = rows[4], rows[5], rows[6]
    assert jiangsu[:7] == [1, "江苏省", 13, 9, 4, 5, 2]
    assert zhejiang[:7] == [2, "浙江省", 1, 1, 1, 1, 0]
    assert total[0] == "合计"
    rollup = national_rollup([("江苏省", a), ("浙江省", b)])
    s, d, f = rollup.special, rollup.daily, rollup.followup
    assert total[2:] == [
        s.tasks,
        s.inspected,
        s.violations,
        s.notices,
        s.rectified,
        d.draws,
        d.tasks,
        d.inspected,
        d.violations,
        d.notices,
        d.rectified,
        f.suggestions,
        f.referrals,
        pytest.approx(150.75),
        f.excellent_nominated,
        pytest.approx(45.60),
    ]
    assert total[2:7] == [14, 10, 5, 6, 2]
    by_category = _rows(book["分类别汇总"])
    assert by_category[2][2] == "一、重点高耗能行业能耗专项监察"
    assert by_category[4][2:7] == [5, 3, 2, 2, 1]
    assert by_category[5][2:7] == [1, 1, 1, 1, 0]
    assert by_category[5][7:12] == [0, 0, 0, 0, 0]  # Zhejiang filed no category 二
    assert by_category[6][2:7] == [6, 4, 3, 3, 1]


def test_national_workbook_of_no_province():
    book = load_workbook(io.BytesIO(build_national(2020, [])))
    rows = _rows(book["全国汇总"])
    assert rows[4][0] == "合计"


def test_rules_totals_match_the_document_tables():
    figures = _figures()
    assert rules.total(figures.categories) == rules.Tally(13, 9, 4, 5, 2)
