"""The 2020 layout's pure parts: labels, standards, remarks and the summary rows."""

from dataclasses import replace

import pytest

from supervision.annexes import layouts
from supervision.annexes.facts import ProvinceFacts, SummaryInput, TaskRow
from supervision.tasks.service import FilingCounts

CATEGORIES = [
    (1, "energy_intensive", "重点高耗能行业能耗专项监察", True),
    (2, "ladder_price", "阶梯电价政策执行专项监察", True),
    (3, "equipment", "重点用能产品设备能效提升专项监察", False),
    (4, "data_centre", "数据中心能效专项监察", True),
    (5, "rectification_review", "2019年违规企业整改落实情况专项监察", True),
]
INDUSTRIES = [(10, "硫酸", "quota"), (11, "啤酒", "quota"), (20, "钢铁", "ladder")]

ROW = TaskRow(
    seq=1,
    category=1,
    parent_category=None,
    enterprise="南京硫酸厂",
    credit_code="91320000000000501F",
    division_code="320115",
    industry="硫酸",
    industry_code="sulphuric_acid",
    industry_id=10,
    products="",
    stopped=False,
    method="on_site",
    agency="南京市节能监察中心",
    inspectors="",
    remarks="",
    quota_standards=("GB 29141-2012",),
)


def test_category_labels_and_choices_name_the_rider_parent():
    assert layouts.category_label(1, None) == "一"
    assert layouts.category_label(3, 2) == "三（附于二）"
    assert layouts.category_choices(CATEGORIES) == [
        "一",
        "二",
        "三（附于一）",
        "三（附于二）",
        "四",
        "五",
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "GB 29141-2012"),
        ({"quota_standards": ("GB 30526-2014", "GB 30526-2019")}, "GB 30526-2014、GB 30526-2019"),
        ({"quota_standards": ()}, "—"),
        ({"category": 2, "industry_code": "steel"}, "发改价格〔2016〕2803号"),
        ({"category": 2, "industry_code": "cement"}, "发改价格〔2016〕75号"),
        ({"category": 2, "industry_code": "electrolytic_aluminium"}, "发改价格〔2013〕2530号"),
        ({"category": 3, "parent_category": 1}, layouts.EQUIPMENT_STANDARDS_2020),
        ({"category": 4}, "GB/T 32910.3-2016"),
        ({"category": 5}, "限期整改通知书"),
    ],
)
def test_standard_applied_by_category(changes, expected):
    assert layouts.standard_2020(replace(ROW, **changes), None) == expected


def test_a_stopped_enterprise_is_always_marked():
    assert layouts.remarks_2020(replace(ROW, stopped=True), None).startswith("已停产")
    assert layouts.remarks_2020(replace(ROW, stopped=True, remarks="x"), None).endswith("；x")
    assert (
        layouts.remarks_2020(replace(ROW, stopped=True, remarks="已停产；x"), None) == "已停产；x"
    )
    assert layouts.remarks_2020(replace(ROW, remarks="备注"), None) == "备注"


def test_summary_rows_break_down_one_and_two_and_leave_three_out_of_the_total():
    counts = FilingCounts(
        enterprises=5,
        by_category={1: 3, 2: 1, 3: 1, 5: 1},
        by_industry={10: 3, 20: 1},
        stopped=1,
        tasks=6,
    )
    facts = ProvinceFacts(2020, "江苏省", "320000", counts)
    rows = layouts.summary_rows_2020(
        SummaryInput(facts, CATEGORIES, INDUSTRIES, {(1, 10): 1, (5, None): 1})
    )
    table = [(r.seq, r.industry, r.enterprises, r.stopped, r.in_total) for r in rows]
    assert table == [
        ("一", "小计", 3, 1, True),
        ("1", "硫酸", 3, 1, False),
        ("2", "啤酒", 0, 0, False),
        ("二", "小计", 1, 0, True),
        ("1", "钢铁", 1, 0, False),
        ("三", "—", 1, 0, False),
        ("四", "数据中心", 0, 0, True),
        ("五", "2019年违规企业", 1, 1, True),
    ]
    assert "不单独申报" in rows[5].remark
    assert sum(r.enterprises for r in rows if r.in_total) == counts.tasks - counts.by_category[3]


def test_every_table_names_its_columns_once_with_known_kinds():
    for layout in layouts.LAYOUTS.values():
        for table in (layout.summary, layout.enterprise_list, layout.national):
            keys = [c.key for c in table.columns]
            assert len(keys) == len(set(keys)), table.sheet
            assert {c.kind for c in table.columns} <= set(layouts.KINDS)


def test_an_unknown_layout_says_where_to_add_it():
    with pytest.raises(LookupError, match="annexes/layouts.py"):
        layouts.layout_for("1999")
