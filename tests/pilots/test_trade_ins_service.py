"""Outlets and trade-in records: who may record them, every check of a record, the month
frozen once its pack is with the city, the audit trail without personal data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from daily_support import TODAY, city_officers, id_number, trade_in_data  # noqa: F401
from pilots.pilots_support import piloted  # noqa: F401
from sqlalchemy import select

from supervision.core.errors import DomainError
from supervision.core.models import AuditEntry
from supervision.extensions import db
from supervision.pilots import trade_ins
from supervision.pilots.daily_models import PackStatus, TradeIn
from supervision.pilots.models import PilotStatus
from supervision.pilots.trade_ins import OutletData, TradeInRefused


def add(made, n=0, actor=None, today=TODAY, **overrides):
    actor = actor or made.world.a_officer
    return trade_ins.add_trade_in(
        made.pilot, trade_in_data(made, n, **overrides), actor=actor, today=today
    )


def refused(made, n=0, **overrides) -> list[tuple[str, str]]:
    with pytest.raises(TradeInRefused) as error:
        add(made, n, **overrides)
    db.session.rollback()
    return error.value.problems


def test_a_valid_trade_in_is_stored_normalised_and_audited_without_personal_data(piloted):
    made = piloted
    record = add(made, 1, id_number=id_number(1).lower().replace("x", "x"), invoice_no="4500 0001")
    db.session.commit()
    assert record.product_code == "F0140110001"
    assert record.call_id == made.call.id and record.province_id == made.world.a_province.id
    assert record.invoice_no == "45000001"
    assert record.price_yuan == Decimal("38000.00") and record.subsidy_yuan == Decimal("4000.00")
    assert record.entered_by_id == made.world.a_officer.id and record.pack_id is None
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "pilot_trade_ins")
    ).one()
    assert entry.action == "create" and entry.entity_label == "F0140110001"
    assert entry.scope_org_id == made.world.a_province.id
    assert "product_code" in entry.changes and "consumer_name" not in entry.changes
    assert "id_number" not in entry.changes and "phone" not in entry.changes


def test_a_15_digit_id_number_is_kept_as_its_18_digit_form(piloted):
    record = add(piloted, 2, id_number="320102800101001")
    assert record.id_number == "320102198001010016"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"product_code": "F0150110001"},
            "product_code",
            "产品编码的推广年度代码（数字第 2–3 位）为 15（2015 年），本次试点为 2014 年，应为 14。",
        ),
        (
            {"product_code": "F0140210001"},
            "product_code",
            "产品编码的生产企业代码（数字第 4–5 位）为 02，本试点企业的代码为 01。",
        ),
        (
            {"product_code": "X0140110001"},
            "product_code",
            "产品编码前两位“X0”不是本次试点的推广产品类别（F0 发动机、B0 变速箱）。",
        ),
        (
            {"product_code": "B0140110001"},
            "product_code",
            "产品编码“B0”为变速箱，与填写的产品品类“发动机”不符。",
        ),
        (
            {"product_code": "f0140110001"},
            "product_code",
            "产品编码首位应为大写字母：“f”是小写，应为“F”。",
        ),
        (
            {"product_code": "F01401100A1"},
            "product_code",
            "产品编码字母后的 10 位应全为数字：第 10 位（数字第 9 位）“A”不是数字。",
        ),
        (
            {"product_code": "F014011000"},
            "product_code",
            "产品编码应为 11 位（1 位大写字母加 10 位数字），“F014011000”为 10 位。",
        ),
        (
            {"product_code": "F0140100000"},
            "product_code",
            "产品编码的产品代码（数字第 6–10 位）不能为 00000：产品代码自 00001 开始。",
        ),
        (
            {"id_number": "320102198001010017"},
            "id_number",
            "身份证号码无效：应为 18 位（或 15 位）居民身份证号码，校验位正确。",
        ),
        ({"phone": "12345"}, "phone", "联系电话应至少有 7 位数字。"),
        ({"invoice_no": "4500"}, "invoice_no", "发票号码应为 8 至 20 位数字。"),
        ({"price_yuan": Decimal("-1")}, "price_yuan", "销售价格不能为负数。"),
        ({"price_yuan": None}, "price_yuan", "请填写销售价格（元）。"),
        (
            {"subsidy_yuan": Decimal("0.001")},
            "subsidy_yuan",
            "补贴金额最多两位小数，且不超过 99 亿元。",
        ),
        (
            {"subsidy_yuan": Decimal("38000.01")},
            "subsidy_yuan",
            "补贴金额 38000.01 元超过销售价格 38000.00 元。",
        ),
        (
            {"residual_yuan": Decimal("34000.01")},
            "residual_yuan",
            "旧件残值与补贴金额合计 38000.01 元超过销售价格 38000.00 元：消费者实付金额不能为负。",
        ),
        ({"traded_on": date(2015, 2, 17)}, "traded_on", "交易日期 2015-02-17 晚于今天。"),
        (
            {"traded_on": date(2014, 8, 31)},
            "traded_on",
            "交易日期 2014-08-31 早于本次试点征集开始日期 2014-09-01。",
        ),
        (
            {"traded_on": date(2014, 10, 31)},
            "traded_on",
            "2014 年 10 月的月度材料已报送市级（已报送市级），该月的交易记录不能再增加或修改。",
        ),
        ({"traded_on": None}, "traded_on", "请填写交易日期。"),
        ({"consumer_name": "  "}, "consumer_name", "请填写消费者姓名。"),
        ({"old_part_model": ""}, "old_part_model", "请填写旧件型号。"),
        ({"outlet_id": None}, "outlet_id", "请选择本试点企业登记的推广网点。"),
    ],
)
def test_each_problem_is_refused_beside_its_field(piloted, overrides, field, message):
    assert refused(piloted, 1, **overrides) == [(field, message)]


def test_the_boundaries_pass(piloted):
    made = piloted
    # Subsidy equal to the price less the residual: the consumer pays nothing; today itself;
    # the call's first day.
    add(made, 1, subsidy_yuan=Decimal("35000.00"), traded_on=TODAY)
    add(made, 2, traded_on=date(2014, 9, 1), residual_yuan=None)
    add(made, 3, subsidy_yuan=Decimal("0"), residual_yuan=Decimal("0"))
    db.session.commit()
    assert db.session.scalar(select(TradeIn.residual_yuan).where(TradeIn.product_code ==
                             "F0140110002")) == Decimal("0.00")  # fmt: skip


def test_every_problem_of_a_record_is_reported_at_once(piloted):
    problems = refused(piloted, 1, phone="1", invoice_no="x", product_code="F0150110001")
    assert [field for field, _message in problems] == ["phone", "invoice_no", "product_code"]


def test_a_code_registered_before_says_which_record_has_it(piloted):
    made = piloted
    first = made.trade_ins[0]
    assert refused(made, 1, product_code="F0140100001") == [
        (
            "product_code",
            f"以旧换再识别码 F0140100001 已登记：记录 #{first.id}"
            f"（{made.outlet.name}，2014-10-01）。",
        )
    ]


def test_only_the_pilots_own_outlets_take_records(piloted):
    made = piloted
    second = trade_ins.add_outlet(made.pilot, OutletData("南京浦口网点"), actor=None)
    assert add(made, 2, outlet_id=second.id).outlet_id == second.id
    assert refused(made, 1, outlet_id=second.id + 1000) == [
        ("outlet_id", "请选择本试点企业登记的推广网点。")
    ]


def test_only_an_active_pilot_trades(piloted):
    made = piloted
    made.pilot.status = PilotStatus.CANCELLED
    db.session.commit()
    with pytest.raises(DomainError, match="尚未签订承诺书或已被取消资格"):
        add(made, 1)


def test_who_may_record(piloted, city_officers):
    made = piloted
    add(made, 1, actor=city_officers[0])  # the pilot's city
    add(made, 2, actor=made.world.ministry_officer)
    add(made, 3, actor=None)  # the system (demo, commands)
    for stranger in (made.world.b_officer, made.world.b_agency_officer, made.world.a_inspector):
        with pytest.raises(DomainError, match="只有试点企业所在省级或地市级主管部门"):
            add(made, 4, actor=stranger)


def test_a_record_of_an_open_month_can_be_corrected_but_not_into_a_sent_month(piloted):
    made = piloted
    record = add(made, 1)
    db.session.commit()
    # The same code stays its own; another record's code is taken.
    trade_ins.edit_trade_in(
        record, trade_in_data(made, 1, price_yuan=Decimal("39000")), actor=None, today=TODAY
    )
    assert record.price_yuan == Decimal("39000.00")
    with pytest.raises(TradeInRefused) as error:
        trade_ins.edit_trade_in(
            record, trade_in_data(made, 1, product_code="F0140100002"), actor=None, today=TODAY
        )
    assert error.value.field == "product_code"
    db.session.rollback()
    with pytest.raises(TradeInRefused) as error:
        trade_ins.edit_trade_in(
            record, trade_in_data(made, 1, traded_on=date(2014, 10, 9)), actor=None, today=TODAY
        )
    assert "2014 年 10 月的月度材料已报送市级" in error.value.problems[0][1]


def test_a_record_of_a_sent_month_cannot_be_changed_until_the_pack_is_returned(piloted):
    made = piloted
    october = made.trade_ins[0]
    data = trade_in_data(made, 0, traded_on=october.traded_on, product_code=october.product_code)
    assert trade_ins.is_locked(october)
    with pytest.raises(DomainError, match="2014 年 10 月的月度材料已报送市级（已报送市级）"):
        trade_ins.edit_trade_in(october, data, actor=None, today=TODAY)
    made.pack.status = PackStatus.RETURNED
    db.session.commit()
    assert not trade_ins.is_locked(october)
    trade_ins.edit_trade_in(october, data, actor=None, today=TODAY)
    assert october.consumer_name == "王0"
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "pilot_trade_ins")
    ).one()
    assert entry.action == "update"
    assert entry.changes["consumer_name"] == ["***", "***"]


def test_masked_and_clear_personal_data(piloted):
    record = piloted.trade_ins[0]
    assert trade_ins.personal(record, clear=False) == {
        "consumer_name": "消***",
        "id_number": "320102********1238",
        "phone": "139****0000",
    }
    assert trade_ins.personal(record, clear=True)["phone"] == "13900000000"


# -- outlets -------------------------------------------------------------------------------------


def test_outlets_are_added_and_corrected_with_unique_names(piloted, city_officers):
    made = piloted
    outlet = trade_ins.add_outlet(
        made.pilot,
        OutletData(" 南京雨花网点 ", "南京市雨花台区", "320114", "025-52000000"),
        actor=city_officers[0],
    )
    db.session.commit()
    assert outlet.name == "南京雨花网点" and outlet.province_id == made.world.a_province.id
    with pytest.raises(DomainError, match="已有名为“南京雨花网点”的推广网点") as error:
        trade_ins.add_outlet(made.pilot, OutletData("南京雨花网点"), actor=None)
    assert error.value.field == "name"
    with pytest.raises(DomainError, match="行政区划代码应为 6 位数字") as error:
        trade_ins.edit_outlet(outlet, OutletData("南京雨花网点", division_code="3201"), actor=None)
    with pytest.raises(DomainError, match="只有试点企业所在省级或地市级主管部门"):
        trade_ins.edit_outlet(outlet, OutletData("南京雨花网点"), actor=made.world.b_officer)
    trade_ins.edit_outlet(outlet, OutletData("南京雨花台网点"), actor=made.world.a_officer)
    db.session.commit()
    assert [o.name for o in trade_ins.outlets_of(made.pilot)][-1] == "南京雨花台网点"
