"""The subsidy rules (seeds 001, 002; DOMAIN.md 3): every volume boundary, every desktop
exclusion at its boundary, 家电下乡, grades, efficiency ceilings, claims recomputed, due dates."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D

import pytest

from supervision.reference import codec
from supervision.reference.kinds import KINDS
from supervision.verification.rules import categories
from supervision.verification.rules import subsidy_tables as tables
from supervision.verification.rules.subsidies import (
    DEFAULT_FRIDGE,
    EligibilityStatus,
    FridgeRules,
    SubsidyInputError,
    allowed_amount_wan,
    amount_wan,
    annual_settlement_due,
    check_claim,
    desktop_eligibility,
    fridge_eligibility,
    fridge_subsidy,
    monthly_report_due,
    product_eligibility,
    range_text,
)

ELIGIBLE = EligibilityStatus.ELIGIBLE
EXCLUDED = EligibilityStatus.EXCLUDED
MISSING = EligibilityStatus.MISSING_DATA

# -- categories --------------------------------------------------------------------------------


def test_the_eight_categories_in_the_seed_order():
    assert [name for _c, name in categories.PRODUCT_CATEGORIES] == [
        "平板电视", "空调", "冰箱", "洗衣机", "燃气热水器", "热泵热水器", "太阳能热水器", "计算机",
    ]  # fmt: skip
    assert categories.category_name("fridge") == "冰箱"
    assert categories.category_name("desktop") == "计算机"
    assert [k for k, _n in categories.FRIDGE_KINDS] == ["BD", "BC/BD", "BCD", "BCDW"]
    assert categories.FRIDGE_KIND_NAMES["BC/BD"] == "冷藏/冷冻箱"
    assert [t for t, _n in categories.TARGETS] == ["production", "outlet", "end_user"]


@pytest.mark.parametrize(
    ("typed", "kind"), [(" bc/bd ", "BC/BD"), ("ＢＣＤＷ", "BCDW"), ("BC／BD", "BC/BD"), ("", "")]
)
def test_fridge_kinds_are_read_however_typed(typed, kind):
    assert categories.normalise_fridge_kind(typed) == kind


# -- refrigerator subsidy per unit at every boundary -----------------------------------------------

FREEZER = [("0.1", 70), ("50", 70), ("120", 70), ("120.1", 130), ("240", 130), ("240.1", 130),
           ("300", 130), ("300.1", 180), ("650", 180)]  # fmt: skip
FRIDGE_FREEZER = [("0.1", 260), ("120", 260), ("120.1", 260), ("240", 260), ("240.1", 330),
                  ("300", 330), ("300.1", 400), ("650", 400)]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "volume", "yuan"),
    [(k, v, y) for k in ("BD", "BC/BD") for v, y in FREEZER]
    + [(k, v, y) for k in ("BCD", "BCDW") for v, y in FRIDGE_FREEZER],
)
def test_fridge_subsidy_by_kind_and_volume(kind, volume, yuan):
    assert fridge_subsidy(kind, D(volume)) == D(yuan)
    assert fridge_subsidy(kind, volume) == D(yuan)  # text as typed


def test_boundaries_are_data_a_revision_can_move():
    """The seed lost its ≤ / > signs: moving 120 L to the upper band is an edit of the rows."""
    moved = tuple(
        dataclasses.replace(b, upper_inclusive=False)
        if b.upper_l == D(120)
        else dataclasses.replace(b, lower_inclusive=True)
        if b.lower_l == D(120)
        else b
        for b in tables.FRIDGE_BANDS
    )
    assert fridge_subsidy("BD", D(120), moved) == D(130)
    assert fridge_subsidy("BD", D("119.9"), moved) == D(70)
    assert fridge_subsidy("BCD", D(240), moved) == D(260)  # the other group is untouched


@pytest.mark.parametrize(
    ("kind", "volume", "message"),
    [
        ("", D(200), "缺少冰箱类型"),
        ("BC", D(200), "不在补贴表内"),
        ("BCD", None, "缺少总有效容积"),
        ("BCD", D(0), "应大于 0"),
        ("BCD", "两百", "不是数字"),
    ],
)
def test_fridge_subsidy_refuses_what_it_cannot_price(kind, volume, message):
    with pytest.raises(SubsidyInputError, match=message):
        fridge_subsidy(kind, volume)


def test_a_table_with_a_gap_or_an_overlap_is_reported_not_guessed():
    gap = tuple(b for b in tables.FRIDGE_BANDS if b.amount_yuan != D(130))
    with pytest.raises(SubsidyInputError, match="未覆盖"):
        fridge_subsidy("BD", D(200), gap)
    overlap = (*tables.FRIDGE_BANDS, dataclasses.replace(tables.FRIDGE_BANDS[1], amount_yuan=D(1)))
    with pytest.raises(SubsidyInputError, match="同时落入 2 档"):
        fridge_subsidy("BD", D(200), overlap)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        fridge_subsidy("BD", 120.0)


def test_range_text():
    bands = tables.FRIDGE_BANDS
    assert [range_text(b) for b in bands[:3]] == ["V ≤ 120 L", "120 L < V ≤ 300 L", "V > 300 L"]
    assert range_text(tables.FRIDGE_CEILINGS[0]) == "全部容积"


# -- refrigerator eligibility -------------------------------------------------------------------


@dataclass
class Fridge:
    kind: str | None = "BCD"
    volume: object = D(216)
    index: object = D(30)
    grade: int | None = 1
    other: bool = False

    def check(self, limits=DEFAULT_FRIDGE):
        return fridge_eligibility(
            self.kind, self.volume, self.index, self.grade, self.other, limits
        )


@pytest.mark.parametrize(
    ("fridge", "status", "amount", "reason"),
    [
        (Fridge(), ELIGIBLE, 260, ""),
        (Fridge(volume=D(300), index=D(32)), ELIGIBLE, 330, ""),  # ceiling 32 % at 300 L, inclusive
        (Fridge(volume=D(300), index=D("32.01")), EXCLUDED, 0, "能效指数 32.01% 不满足要求"),
        (Fridge(volume=D("300.1"), index=D(40)), ELIGIBLE, 400, ""),  # above 300 L: ceiling 40 %
        (Fridge(volume=D("300.1"), index=D("40.01")), EXCLUDED, 0, "≤ 40%"),
        (Fridge(kind="BD", volume=D(100), index=D(50)), ELIGIBLE, 70, ""),  # freezers: ≤ 50 %
        (Fridge(kind="BC/BD", volume=D(400), index=D("50.1")), EXCLUDED, 0, "≤ 50%"),
        (Fridge(grade=2), EXCLUDED, 0, "能效等级为 2 级"),
        (Fridge(other=True), EXCLUDED, 0, "家电下乡"),
        (Fridge(kind="BC"), EXCLUDED, 0, "不在推广范围"),
        (Fridge(grade=None), MISSING, 0, "缺少能效等级"),
        (Fridge(kind=""), MISSING, 0, "缺少冰箱类型"),
        (Fridge(volume=None), MISSING, 0, "缺少总有效容积"),
        (Fridge(index=None), MISSING, 0, "缺少能效指数"),
        (Fridge(volume=D(-5)), MISSING, 0, "应大于 0 L"),
        # An exclusion wins over missing data: the product gets nothing either way.
        (Fridge(other=True, index=None), EXCLUDED, 0, "缺少能效指数"),
    ],
)
def test_fridge_eligibility(fridge, status, amount, reason):
    verdict = fridge.check()
    assert verdict.status == status
    assert verdict.eligible is (status == ELIGIBLE)
    assert verdict.amount == D(amount)
    if reason:
        assert any(reason in r for r in verdict.reasons), verdict.reasons
    else:
        assert verdict.reasons == ()


def test_an_eligible_fridge_names_its_band_and_its_unverified_rows():
    verdict = Fridge(volume=D(250)).check()
    assert verdict.basis == "BCD、BCDW，240 L < V ≤ 300 L：330 元/台"
    assert verdict.verified is False  # the seed's boundaries are 待核实


def test_every_reason_is_given_at_once():
    verdict = Fridge(kind="BCD", volume=D(316), index=D(41), grade=2, other=True).check()
    assert verdict.reasons == (
        "已享受“家电下乡”等其他财政补助政策，不再给予补贴。",
        "能效等级为 2 级；推广产品须达到能效 1 级。",
        "能效指数 41% 不满足要求（BCD、BCDW，V > 300 L：≤ 40%）。",
    )


def test_a_strict_ceiling_is_a_revision_of_the_rows():
    strict = tuple(dataclasses.replace(c, max_inclusive=False) for c in tables.FRIDGE_CEILINGS)
    limits = FridgeRules(DEFAULT_FRIDGE.bands, strict, DEFAULT_FRIDGE.terms)
    assert Fridge(volume=D(300), index=D(32)).check(limits).status == EXCLUDED
    assert Fridge(volume=D(300), index=D("31.99")).check(limits).status == ELIGIBLE


# -- desktop computers ----------------------------------------------------------------------------


@dataclass
class Desktop:
    workstation: bool = False
    industrial: bool = False
    gpus: int | None = 1
    psu: object = 750
    all_in_one: bool = False
    screen: object = None
    grade: int | None = 1
    other: bool = False

    def check(self):
        return desktop_eligibility(
            self.workstation,
            self.industrial,
            self.gpus,
            self.psu,
            self.all_in_one,
            self.screen,
            self.grade,
            self.other,
        )


@pytest.mark.parametrize(
    ("desktop", "status", "reason"),
    [
        (Desktop(), ELIGIBLE, ""),
        (Desktop(psu=750), ELIGIBLE, ""),  # "大于750瓦" excluded: 750 W itself is in
        (Desktop(psu=751), EXCLUDED, "电源额定功率 751 W，大于 750 W"),
        (Desktop(psu=D("750.5")), EXCLUDED, "750.5 W"),
        (Desktop(gpus=0), ELIGIBLE, ""),
        (Desktop(gpus=1), ELIGIBLE, ""),
        (Desktop(gpus=2), EXCLUDED, "2 个独立图形显示单元"),
        (Desktop(all_in_one=True, screen=D("11.6")), ELIGIBLE, ""),  # 0.2946 m = 11.6 in: in
        (
            Desktop(all_in_one=True, screen=D("11.5")),
            EXCLUDED,
            "11.5 英寸，小于 11.6 英寸（0.2946 米）",
        ),
        (Desktop(all_in_one=True, screen=D("11.59")), EXCLUDED, "小于 11.6"),
        (Desktop(all_in_one=False, screen=D(10)), ELIGIBLE, ""),  # the screen rule is for AIOs
        (Desktop(all_in_one=True, screen=None), MISSING, "一体机缺少显示屏对角线"),
        (Desktop(workstation=True), EXCLUDED, "工作站"),
        (Desktop(industrial=True), EXCLUDED, "工控机"),
        (Desktop(grade=2), EXCLUDED, "能效等级为 2 级"),
        (Desktop(other=True), EXCLUDED, "家电下乡"),
        (Desktop(psu=None), MISSING, "缺少电源额定功率"),
        (Desktop(gpus=None), MISSING, "缺少独立显卡"),
        (Desktop(grade=None), MISSING, "缺少能效等级"),
    ],
)
def test_desktop_eligibility(desktop, status, reason):
    verdict = desktop.check()
    assert verdict.status == status
    assert verdict.amount == (D(260) if status == ELIGIBLE else D(0))
    if reason:
        assert any(reason in r for r in verdict.reasons), verdict.reasons
    else:
        assert verdict.reasons == () and verdict.basis == "台式机定额补贴：260 元/台"
        assert verdict.verified is True


@dataclass
class Product:
    category: str
    fridge_kind: str = ""
    volume_l: object = None
    efficiency_index: object = None
    energy_grade: int | None = 1
    other_programme: bool = False
    workstation: bool = False
    industrial: bool = False
    discrete_gpus: int = 0
    psu_watts: int | None = None
    all_in_one: bool = False
    screen_inches: object = None


def test_product_eligibility_dispatches_by_category():
    fridge = Product("fridge", "BCDW", D(301), D(39))
    assert product_eligibility(fridge).amount == D(400)
    assert product_eligibility(Product("desktop", psu_watts=300)).amount == D(260)
    washer = product_eligibility(Product("washer"))
    assert washer.status == EligibilityStatus.NO_RULES and washer.amount == 0
    assert washer.status.label == "无适用推广细则"


# -- reference rows -----------------------------------------------------------------------------


def test_seed_rows_travel_through_the_reference_codec_and_pass_their_checks():
    for key in (
        "subsidy_programmes",
        "subsidy_fridge_bands",
        "subsidy_fridge_ceilings",
        "subsidy_desktop_scope",
    ):
        spec = KINDS[key]
        assert codec.load_rows(spec.row_type, codec.dump(spec.seed)) == tuple(spec.seed)
        assert all(spec.check(row) == [] for row in spec.seed), key
    assert all(not b.verified for b in tables.FRIDGE_BANDS)  # boundaries 待核实
    assert tables.DESKTOP_SCOPE.verified and tables.DESKTOP_SCOPE.psu_max_watts == D(750)


def test_row_checks_name_what_is_wrong():
    bad = dataclasses.replace(
        tables.FRIDGE_BANDS[1], kinds=("BX",), lower_l=D(300), upper_l=D(120), amount_yuan=D(-1)
    )
    assert tables.band_problems(bad) == [
        "未知的冰箱类型 BX（可选 BD、BC/BD、BCD、BCDW）",
        "容积下限 300 L 应小于上限 120 L",
        "补贴标准不能为负数",
    ]
    late = dataclasses.replace(tables.PROGRAMMES[0], period_from=date(2014, 1, 1), energy_grade=7)
    assert tables.programme_problems(late) == [
        "推广期限的开始日期晚于结束日期",
        "能效等级应为 1 至 5",
    ]


# -- monthly claims -------------------------------------------------------------------------------


@dataclass
class Claim:
    opening_stock: int = 100
    production: int = 500
    shipments: int = 450
    closing_stock: int = 150
    units_promoted: int = 400
    amount_wan: D = D("10.4000")


@dataclass
class Line:
    model: str
    standard_yuan: D
    units: int
    amount_wan: D
    opening_stock: int = 0
    closing_stock: int = 0


STANDARDS = {"BCD-216SDN": D(260), "BCD-318WS": D(400), "BD-100": D(0), "BCD-99": None}


def _lines():
    # 300 × 260 = 78 000 元 = 7.8 万元; 100 × 260 = 2.6 万元 → 10.4 万元 in all
    return [
        Line("BCD-216SDN", D(260), 300, D("7.8000"), 60, 90),
        Line("BCD-318WS", D(260), 100, D("2.6000"), 40, 60),
    ]


def test_amount_in_wan_yuan_four_decimals_half_up():
    assert amount_wan(1234, D(260)) == D("32.0840")
    assert amount_wan(1, D("0.005")) == D("0.0000")
    assert amount_wan(1, D("0.5")) == D("0.0001")  # 0.00005 万元 rounds half up
    assert amount_wan(3, D("330")) == D("0.0990")


def test_a_claim_whose_lines_add_up_differs_only_where_the_rules_disagree():
    found = check_claim(Claim(), _lines(), STANDARDS)
    assert [(d.field, d.declared, d.computed) for d in found] == [
        ("allowed_amount_wan", D("10.4000"), D("11.8000")),
        ("lines.2.standard_yuan", D(260), D(400)),
    ]
    assert (
        found[1].message == "明细第 2 行（BCD-318WS）的补贴标准应为 400 元/台，申报为 260 元/台。"
    )
    assert allowed_amount_wan(_lines(), STANDARDS) == D("11.8000")


def test_every_figure_is_recomputed():
    claim = Claim(closing_stock=151, units_promoted=401, amount_wan=D("10.5000"))
    lines = [
        Line("bcd-216sdn", D(260), 300, D("7.8001"), 60, 90),  # model typed in lower case
        Line("XYZ-1", D(260), 100, D("2.6000"), 40, 60),
    ]
    found = {d.field: d for d in check_claim(claim, lines, STANDARDS, sold_units=395)}
    assert found["closing_stock"].computed == 150  # 100 + 500 − 450
    assert found["closing_stock"].message == (
        "月末库存应为月初库存 100 + 本月生产量 500 − 本月出货量 450 = 150，申报为 151。"
    )
    assert found["lines.closing_stock"].computed == 150 and "lines.opening_stock" not in found
    assert (found["units_promoted"].declared, found["units_promoted"].computed) == (401, 400)
    assert found["amount_wan"].computed == D("10.4001")
    assert found["lines.1.amount_wan"].computed == D("7.8000")
    assert "lines.1.standard_yuan" not in found  # model_key matches the lower-case spelling
    assert found["lines.2.model"].computed is None
    assert "不是登记的推广产品型号" in found["lines.2.model"].message
    assert found["allowed_amount_wan"].computed == D("7.8000")  # XYZ-1 gets nothing
    assert (found["sold_units"].declared, found["sold_units"].computed) == (401, 395)
    assert found["sold_units"].as_dict() == {
        "field": "sold_units",
        "declared": "401",
        "computed": "395",
        "message": "消费者（终端用户）销售信息 395 条，与申报的推广数量 401 台不一致。",
    }


def test_ineligible_and_undetermined_models():
    claim = Claim(units_promoted=20, amount_wan=D("0.5200"), closing_stock=150)
    lines = [
        Line("BD-100", D(260), 10, D("0.2600"), 50, 75),
        Line("BCD-99", D(260), 10, D("0.2600"), 50, 75),
    ]
    found = {d.field: d for d in check_claim(claim, lines, STANDARDS, sold_units=20)}
    assert "不符合推广条件" in found["lines.1.standard_yuan"].message
    assert found["lines.2.standard_yuan"].computed is None
    assert "无法核定" in found["lines.2.standard_yuan"].message
    assert found["allowed_amount_wan"].computed == D("0.0000")
    assert "sold_units" not in found


def test_an_agreeing_claim_has_no_differences():
    standards = {"BCD-216SDN": D(260), "BCD-318WS": D(260)}
    assert check_claim(Claim(), _lines(), standards, sold_units=400) == []


# -- reports due -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "due"),
    [
        (2012, 12, date(2013, 1, 10)),  # across the year end
        (2012, 2, date(2012, 3, 10)),  # leap February: 29 + 10 days
        (2013, 2, date(2013, 3, 10)),  # 28 + 10 days
        (2012, 10, date(2012, 11, 10)),
        (2013, 4, date(2013, 5, 10)),  # a 30-day month
    ],
)
def test_monthly_report_due_ten_calendar_days_after_month_end(year, month, due):
    assert monthly_report_due(year, month) == due


def test_annual_settlement_due_thirty_days_after_year_end():
    assert annual_settlement_due(2012) == date(2013, 1, 30)
    assert annual_settlement_due(2015) == date(2016, 1, 30)


def test_a_month_out_of_range_is_refused():
    with pytest.raises(ValueError):
        monthly_report_due(2012, 13)
