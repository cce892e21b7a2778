"""Pure rules of the campaigns: the facts' checks at their boundaries, deadlines that follow
the campaign's, unit names as notices print them, record counts pasted from a spreadsheet."""

from datetime import date
from decimal import Decimal

import pytest

from supervision.verification.rules import campaigns as rules
from supervision.verification.rules.categories import PRODUCT_CATEGORIES

KNOWN = [code for code, _name in PRODUCT_CATEGORIES]


def problems(**changes):
    facts = {
        "sales_from": date(2012, 9, 1),
        "sales_to": date(2013, 1, 31),
        "result_due_on": date(2013, 4, 15),
        "phone_rate": Decimal("0.01"),
        "visit_rate": Decimal("0.005"),
        "bulk_threshold": 5,
        "categories": ["fridge", "desktop"],
        "known_categories": KNOWN,
        "targets": ["production", "outlet", "end_user"],
        "units": [1, 2],
    }
    facts.update(changes)
    return rules.campaign_problems(**facts)


def test_the_seed_campaign_has_no_problem():
    assert problems() == []
    assert len(KNOWN) == 8


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"sales_to": date(2012, 9, 1)}, []),  # a one-day period
        ({"sales_to": date(2012, 8, 31)}, [("period_order", "sales_to")]),
        ({"result_due_on": date(2013, 2, 1)}, []),  # the day after the period
        ({"result_due_on": date(2013, 1, 31)}, [("deadline_before_period_end", "result_due_on")]),
        ({"result_due_on": None}, [("missing_date", "result_due_on")]),
        ({"phone_rate": Decimal("1")}, []),
        ({"phone_rate": Decimal("0.0001")}, []),  # 0.01 %
        ({"phone_rate": Decimal("0")}, [("rate_range", "phone_rate")]),
        ({"visit_rate": Decimal("-0.005")}, [("rate_range", "visit_rate")]),
        ({"visit_rate": Decimal("1.0001")}, [("rate_range", "visit_rate")]),
        ({"visit_rate": Decimal("0.00125")}, [("rate_precision", "visit_rate")]),
        ({"visit_rate": Decimal("0.00500000")}, []),  # trailing zeros are not precision
        ({"phone_rate": None}, [("rate_missing", "phone_rate")]),
        ({"bulk_threshold": 2}, []),
        ({"bulk_threshold": 1}, [("bulk_threshold", "bulk_threshold")]),
        ({"categories": []}, [("no_category", "categories")]),
        ({"categories": ["fridge", "phone"]}, [("unknown_category", "categories")]),
        ({"targets": []}, [("no_target", "targets")]),
        ({"units": []}, [("no_unit", "unit_ids")]),
        ({"targets": None, "units": None}, []),  # an issued campaign keeps its own
    ],
)
def test_each_fact_is_checked_at_its_boundary(changes, expected):
    assert problems(**changes) == expected


def test_every_problem_is_reported_in_the_forms_order():
    found = problems(
        categories=[], sales_to=date(2012, 1, 1), phone_rate=Decimal(2), units=[], targets=[]
    )
    assert [field for _key, field in found] == [
        "categories",
        "sales_to",
        "phone_rate",
        "targets",
        "unit_ids",
    ]


def test_only_tasks_due_on_the_old_deadline_follow_the_new_one():
    old, new = date(2013, 4, 15), date(2013, 4, 30)
    dues = {1: old, 2: date(2013, 4, 10), 3: old}
    assert rules.moved_due_dates(old, new, dues) == {1: new, 3: new}
    assert rules.moved_due_dates(old, old, dues) == {}


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("内蒙古自治区", "内蒙古"),
        ("广西壮族自治区", "广西"),
        ("宁夏回族自治区", "宁夏"),
        ("新疆维吾尔自治区", "新疆"),
        ("西藏自治区", "西藏"),
        ("新疆生产建设兵团", "新疆生产建设兵团"),
        ("北京市", "北京"),
        ("黑龙江省", "黑龙江"),
        ("大连市", "大连"),
        ("上海", "上海"),
    ],
)
def test_short_names_as_notices_print_them(name, short):
    assert rules.short_name(name) == short


UNITS = [
    (1, "内蒙古自治区", "150000"),
    (2, "新疆维吾尔自治区", "650000"),
    (3, "新疆生产建设兵团", "660000"),
    (4, "大连市", "210200"),
    (5, "辽宁省", "210000"),
]


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("内蒙古", 1),
        ("内蒙古自治区", 1),
        (" 内 蒙古 ", 1),
        ("新疆", 2),
        ("新疆生产建设兵团", 3),
        ("兵团", 3),
        ("大连", 4),
        ("大连市", 4),
        ("210000", 5),
        ("辽宁", 5),
        ("青岛市", None),
        ("", None),
    ],
)
def test_units_are_found_by_name_short_name_or_code(text, unit):
    assert rules.find_unit(rules.unit_index(UNITS), text) == unit


@pytest.mark.parametrize(
    ("text", "value"),
    [("", None), ("  ", None), ("0", 0), ("12,000", 12000), ("１２０", 120), ("35.0", 35)],
)
def test_a_typed_count(text, value):
    assert rules.parse_count(text) == value


@pytest.mark.parametrize("text", ["-1", "1.5", "abc", "100000001"])
def test_a_count_that_is_not_one(text):
    with pytest.raises(ValueError):
        rules.parse_count(text)


TARGETS = ["production", "outlet", "end_user"]


def test_a_table_pasted_from_a_spreadsheet():
    pasted = [
        "单位\t生产企业\t销售网点\t终端用户",  # the header
        "内蒙古\t3\t\t120000",
        "",
        "大连市\t0\t15\t8,000",
    ]
    counts, found = rules.parse_count_table(pasted, rules.unit_index(UNITS), TARGETS)
    assert found == []
    assert counts == {
        (1, "production"): 3,
        (1, "outlet"): None,  # a blank cell: not stated
        (1, "end_user"): 120000,
        (4, "production"): 0,
        (4, "outlet"): 15,
        (4, "end_user"): 8000,
    }


def test_a_table_typed_with_spaces_or_commas_and_cells_of_an_upload():
    index = rules.unit_index(UNITS)
    counts, found = rules.parse_count_table(["内蒙古 1 2 3", "兵团，4，5，6"], index, TARGETS)
    assert found == [] and counts[(1, "end_user")] == 3 and counts[(3, "production")] == 4
    cells = [["核查单位", "生产企业"], ["辽宁省", 12.0], ["大连市", None]]
    counts, found = rules.parse_count_table(cells, index, ["production"])
    assert found == [] and counts == {(5, "production"): 12, (4, "production"): None}


def test_a_table_with_problems_says_where():
    pasted = ["内蒙古\t1\t2\t3", "青岛市\t1", "大连\tx", "辽宁\t1\t2\t3\t4"]
    _counts, found = rules.parse_count_table(pasted, rules.unit_index(UNITS), TARGETS)
    assert found == [
        rules.CountProblem(2, "unknown_unit", "青岛市"),
        rules.CountProblem(3, "bad_count", "x"),
        rules.CountProblem(4, "too_many_cells", "1\t2\t3\t4"),
    ]
