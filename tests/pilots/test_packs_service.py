"""Monthly packs: started for a month that is over with its due date, sent with the month's
figures and materials (then the month is frozen), reviewed by the city, then by the city's
finance — another person — or returned and sent again."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from daily_support import TODAY, city_officers, trade_in_data  # noqa: F401
from pilots.pilots_support import piloted  # noqa: F401
from sqlalchemy import select

from supervision.calendar.service import current_calendar
from supervision.core.errors import DomainError
from supervision.extensions import db
from supervision.pilots import packs, trade_ins
from supervision.pilots.daily_models import PackStatus, TradeIn
from supervision.pilots.trade_ins import TradeInRefused

ALL = list(packs.MATERIALS)


def november(made, records: int = 2):
    for n in range(1, records + 1):
        trade_ins.add_trade_in(made.pilot, trade_in_data(made, n), actor=None, today=TODAY)
    pack = packs.open_pack(
        made.pilot, 2014, 11, actor=made.world.a_officer, calendar=current_calendar(), today=TODAY
    )
    db.session.commit()
    return pack


def sent(made, city_officers, records: int = 2):
    pack = november(made, records)
    packs.submit_pack(pack, ALL, actor=made.world.a_officer, today=date(2014, 12, 10))
    db.session.commit()
    return pack


def test_a_months_pack_is_due_on_the_10th_working_day_of_the_next_month(piloted):
    made = piloted
    pack = november(made)
    assert (pack.year, pack.month, pack.status) == (2014, 11, PackStatus.DRAFT)
    assert pack.due_on == date(2014, 12, 12)  # 1–5, 8–12 December
    assert pack.city_id == made.world.a_agency.id and pack.province_id == made.world.a_province.id
    figures = packs.month_figures(made.pilot.id, 2014, 11)
    assert figures.records == 2 and figures.subsidy_yuan == Decimal("8000.00")
    assert figures.price_yuan == Decimal("76000.00")
    # Asking again opens the same pack.
    again = packs.open_pack(
        made.pilot, 2014, 11, actor=None, calendar=current_calendar(), today=TODAY
    )
    assert again.id == pack.id
    september = packs.open_pack(
        made.pilot, 2014, 9, actor=None, calendar=current_calendar(), today=TODAY
    )
    assert september.due_on == date(2014, 10, 20)  # after the National Day week


@pytest.mark.parametrize(
    ("year", "month", "today", "message"),
    [
        (2015, 2, TODAY, "2015 年 2 月尚未结束，月末后才能汇总报送该月材料。"),
        (2015, 1, date(2015, 1, 31), "2015 年 1 月尚未结束"),
        (2014, 13, TODAY, "月份应为 1 至 12。"),
        (2013, 12, TODAY, "2013 年早于本次试点的推广年度 2014 年。"),
    ],
)
def test_only_a_month_that_is_over_is_packed(piloted, year, month, today, message):
    with pytest.raises(DomainError, match=message):
        packs.open_pack(
            piloted.pilot, year, month, actor=None, calendar=current_calendar(), today=today
        )


def test_the_first_day_after_the_month_packs_it(piloted):
    pack = packs.open_pack(
        piloted.pilot, 2015, 1, actor=None, calendar=current_calendar(), today=date(2015, 2, 1)
    )
    assert pack.due_on == date(2015, 2, 13)


def test_only_the_pilots_officers_start_and_send_a_pack(piloted, city_officers):
    made = piloted
    for stranger in (made.world.b_officer, made.world.a_inspector):
        with pytest.raises(DomainError, match="只有试点企业所在省级或地市级主管部门"):
            packs.open_pack(
                made.pilot, 2014, 11, actor=stranger, calendar=current_calendar(), today=TODAY
            )
    pack = packs.open_pack(
        made.pilot, 2014, 11, actor=city_officers[0], calendar=current_calendar(), today=TODAY
    )
    with pytest.raises(DomainError, match="只有试点企业所在省级或地市级主管部门"):
        packs.submit_pack(pack, ALL, actor=made.world.b_officer, today=TODAY)


def test_sending_takes_the_months_figures_and_freezes_the_month(piloted):
    made = piloted
    pack = november(made)
    with pytest.raises(DomainError) as missing:
        packs.submit_pack(pack, ["id_copies"], actor=None, today=date(2014, 12, 10))
    assert str(missing.value) == (
        "请随月度材料一并报送：消费者签字的《“以旧换再”补贴资金联单管理表》、以旧换再推广情况表。"
    )
    assert missing.value.field == "materials"
    with pytest.raises(DomainError, match="未知的报送材料：发票"):
        packs.submit_pack(pack, [*ALL, "发票"], actor=None, today=date(2014, 12, 10))
    packs.submit_pack(pack, list(reversed(ALL)), actor=None, today=date(2014, 12, 10))
    db.session.commit()
    assert pack.status == PackStatus.SUBMITTED and pack.submitted_on == date(2014, 12, 10)
    assert pack.record_count == 2 and pack.subsidy_yuan == Decimal("8000.00")
    assert pack.materials == ALL
    linked = db.session.scalars(
        select(TradeIn.pack_id).where(TradeIn.traded_on >= date(2014, 11, 1))
    )
    assert set(linked) == {pack.id}
    assert not packs.is_late(pack, TODAY)
    with pytest.raises(TradeInRefused) as frozen:
        trade_ins.add_trade_in(made.pilot, trade_in_data(made, 9), actor=None, today=TODAY)
    assert frozen.value.problems == [
        (
            "traded_on",
            "2014 年 11 月的月度材料已报送市级（已报送市级），该月的交易记录不能再增加或修改。",
        )
    ]
    with pytest.raises(DomainError, match="该月度材料已报送（已报送市级），不能重复报送。"):
        packs.submit_pack(pack, ALL, actor=None, today=TODAY)


def test_a_month_without_trade_ins_is_sent_without_materials_and_late_is_late(piloted):
    made = piloted
    pack = packs.open_pack(
        made.pilot, 2014, 12, actor=None, calendar=current_calendar(), today=TODAY
    )
    assert pack.due_on == date(2015, 1, 15)
    assert packs.is_late(pack, TODAY)  # not sent, due date past
    packs.submit_pack(pack, [], actor=None, today=date(2015, 1, 16))
    assert pack.record_count == 0 and pack.subsidy_yuan == Decimal("0.00")
    assert packs.is_late(pack, TODAY)


def test_the_city_then_another_person_for_the_finance_pass_it(piloted, city_officers):
    made = piloted
    city, finance = city_officers
    pack = sent(made, city_officers)
    for stranger, message in (
        (made.world.ministry_officer, "只有试点企业所在地市（或代为审核的省级）主管部门"),
        (made.world.b_officer, "只有试点企业所在地市（或代为审核的省级）主管部门"),
        (made.world.a_inspector, "只有试点企业所在地市（或代为审核的省级）主管部门"),
    ):
        with pytest.raises(DomainError, match=message):
            packs.city_review(pack, passed=True, actor=stranger, today=TODAY)
    with pytest.raises(DomainError, match="只有市级审核通过的月度材料可以进行财政审核"):
        packs.finance_review(pack, passed=True, reviewer="赵会计", actor=finance, today=TODAY)
    packs.city_review(
        pack, passed=True, note="材料与系统一致", actor=city, today=date(2014, 12, 15)
    )
    db.session.commit()
    assert pack.status == PackStatus.CITY_PASSED
    assert (pack.city_reviewed_on, pack.city_reviewed_by_id) == (date(2014, 12, 15), city.id)
    with pytest.raises(DomainError, match="财政审核须由市级审核人以外的人员办理。"):
        packs.finance_review(pack, passed=True, reviewer="赵会计", actor=city, today=TODAY)
    with pytest.raises(DomainError, match="请填写财政部门审核人姓名。"):
        packs.finance_review(pack, passed=True, reviewer=" ", actor=finance, today=TODAY)
    packs.finance_review(
        pack, passed=True, reviewer="赵会计", actor=finance, today=date(2014, 12, 18)
    )
    db.session.commit()
    assert pack.status == PackStatus.FINANCE_PASSED
    assert pack.finance_reviewer == "赵会计" and pack.finance_reviewed_by_id == finance.id
    assert pack.finance_reviewed_on == date(2014, 12, 18)


def test_the_province_may_review_for_the_city(piloted, city_officers):
    made = piloted
    pack = sent(made, city_officers)
    packs.city_review(pack, passed=True, actor=made.world.a_officer, today=TODAY)
    packs.finance_review(pack, passed=True, reviewer="钱处长", actor=city_officers[0], today=TODAY)
    assert pack.status == PackStatus.FINANCE_PASSED


def test_a_returned_pack_is_corrected_and_sent_again(piloted, city_officers):
    made = piloted
    city, finance = city_officers
    pack = sent(made, city_officers)
    with pytest.raises(DomainError, match="退回时请写明退回原因。") as error:
        packs.city_review(pack, passed=False, note=" ", actor=city, today=TODAY)
    assert error.value.field == "note"
    packs.city_review(pack, passed=False, note="缺 2 份身份证复印件", actor=city, today=TODAY)
    db.session.commit()
    assert pack.status == PackStatus.RETURNED and pack.return_reason == "缺 2 份身份证复印件"
    # The month is open again: a forgotten record is added, the pack sent again.
    trade_ins.add_trade_in(made.pilot, trade_in_data(made, 3), actor=None, today=TODAY)
    packs.submit_pack(pack, ALL, actor=None, today=date(2014, 12, 20))
    db.session.commit()
    assert pack.status == PackStatus.SUBMITTED and pack.record_count == 3
    assert pack.subsidy_yuan == Decimal("12000.00") and pack.city_reviewed_by_id is None
    assert pack.return_reason == "缺 2 份身份证复印件"  # kept as the last return's reason
    packs.city_review(pack, passed=True, actor=city, today=TODAY)
    packs.finance_review(
        pack, passed=False, reviewer="赵会计", note="发票金额不符", actor=finance, today=TODAY
    )
    assert pack.status == PackStatus.RETURNED and pack.finance_note == "发票金额不符"


def test_a_stale_page_changes_nothing(piloted, city_officers):
    made = piloted
    pack = sent(made, city_officers)
    stale = pack.version - 1
    with pytest.raises(DomainError, match="该记录已被他人修改"):
        packs.city_review(pack, passed=True, actor=city_officers[0], today=TODAY, version=stale)
    assert packs.material_label("id_copies") == "参加“以旧换再”消费者的身份证复印件"
    assert packs.material_label("补贴资金联单管理表") == "补贴资金联单管理表"
