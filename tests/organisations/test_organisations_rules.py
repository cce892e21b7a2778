"""The pure organisation rules: nesting of kinds and GB/T 2260 division codes."""

import pytest

from supervision.core.models import OrgKind
from supervision.organisations import rules


@pytest.mark.parametrize(
    ("kind", "parent_kind", "allowed"),
    [
        ("province", "ministry", True),
        ("plan_city", "province", True),
        ("city", "province", True),
        ("city", "plan_city", True),
        ("county", "city", True),
        ("county", "plan_city", True),
        ("county", "province", False),  # a county sits below a city
        ("county", "county", False),
        ("city", "city", False),
        ("city", "county", False),
        ("city", "ministry", False),
        ("province", "province", False),
        ("plan_city", "ministry", False),
        ("ministry", "ministry", False),  # nothing is above the ministry
        ("ministry", "province", False),
        ("unknown", "province", False),
    ],
)
def test_may_nest(kind, parent_kind, allowed):
    assert rules.may_nest(kind, parent_kind) is allowed


def test_every_kind_has_a_nesting_rule():
    assert set(rules.KIND_PARENTS) == {k.value for k in OrgKind}
    assert set(rules.AGENCY_KINDS) <= set(rules.KIND_PARENTS)


@pytest.mark.parametrize(
    ("code", "parent_code", "problem"),
    [
        # format: exactly six digits
        ("", "320000", "format"),
        (None, "320000", "format"),
        ("32010", "320000", "format"),
        ("3201000", "320000", "format"),
        ("32010a", "320000", "format"),
        ("３２０１００", "320000", "format"),  # full-width digits
        (" 320100", "320000", "format"),
        ("320100\n", "320000", "format"),
        ("32-100", None, "format"),
        # no parent code: only the format counts
        ("110000", None, None),
        # a city lies in its province: the first two digits agree
        ("320100", "320000", None),
        ("320500", "320000", None),
        ("330100", "320000", "outside_parent"),
        ("310100", "320000", "outside_parent"),
        # a county lies in its city: the first four digits agree
        ("320583", "320500", None),
        ("320502", "320500", None),
        ("320683", "320500", "outside_parent"),
        ("330583", "320500", "outside_parent"),
        # below a 计划单列市 (宁波 330200) likewise
        ("330203", "330200", None),
        ("330303", "330200", "outside_parent"),
        # 新疆生产建设兵团 (660000): its divisions and cities carry 65xxxx or 66xxxx codes
        ("659001", "660000", None),  # 石河子市
        ("660100", "660000", None),
        ("650100", "660000", None),
        ("640100", "660000", "outside_parent"),
        ("320100", "660000", "outside_parent"),
        ("65900", "660000", "format"),
        # below 新疆维吾尔自治区 (650000) only 65xxxx
        ("650100", "650000", None),
        ("660100", "650000", "outside_parent"),
    ],
)
def test_division_code_problem(code, parent_code, problem):
    assert rules.division_code_problem(code, parent_code) == problem


def test_a_provinces_own_code_is_not_a_place_in_it():
    assert rules.division_code_problem("320000", "320000") == "same_as_parent"
    assert rules.division_code_problem("210200", "210200") is None  # a plan city's own agency
