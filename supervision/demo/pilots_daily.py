"""The demo pilot 01 (南京宁远动力) at work: two outlets, 60 trade-ins of January 2015 and 20 of
February with their product codes, the January pack sent, passed by the city (南京) and by
the city's finance (recorded by 江苏's officer), the February pack started; the third-party
check draw over January with its first outcomes; two complaints in 江苏, one open (received
2015-02-10, due 2015-03-27) and one published. 南京's 2015 Q1 report is not started."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..calendar.service import current_calendar
from ..extensions import db
from ..pilots import checks, complaints, packs, trade_ins
from ..pilots.announcing import public_pilots
from ..pilots.daily_models import CheckOutcome, ComplaintChannel, TradeInCheck
from ..pilots.models import PilotCall, PilotEnterprise
from ..verification.rules.buyers import id_number_check

_BEIJING = ZoneInfo("Asia/Shanghai")
JANUARY, FEBRUARY = 60, 20
#: (old part model, product model, price, residual) of the engines (F) and gearboxes (B).
ENGINES = [
    ("WD615.87", "WD615.87-ZZ", Decimal("38000"), Decimal("3000")),
    ("WD618.42", "WD618.42-ZZ", Decimal("45000"), Decimal("3500")),
    ("YC6L280", "YC6L280-ZZ", Decimal("42000"), Decimal("3200")),
]
GEARBOXES = [
    ("9JS119", "9JS119-ZZ", Decimal("11500"), Decimal("800")),
    ("12JS160T", "12JS160T-ZZ", Decimal("14800"), Decimal("1000")),
]
#: 以旧换再 subsidy: 10 % of the remanufactured product's price.
SUBSIDY_RATE = Decimal("0.10")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建华", "志强", "秀英", "海峰", "丽娟", "国庆", "文军", "小红", "永明", "晓东", "春梅",
         "德胜", "玉兰", "立新", "桂芳", "伟"]  # fmt: skip
DISTRICTS = ["320102", "320104", "320105", "320106", "320111", "320113", "320114", "320115"]
MOBILE = ["139", "138", "151", "187", "133", "180", "152", "158"]
CHECK_SEED = "JS-20150227-第三方核查"


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 30) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=_BEIJING).astimezone(UTC)


def _id_number(n: int) -> str:
    first17 = (
        f"{DISTRICTS[n % len(DISTRICTS)]}{1958 + (n * 7) % 36}"
        f"{(n * 5) % 12 + 1:02d}{(n * 11) % 28 + 1:02d}{(n * 37) % 900 + 100:03d}"
    )
    return first17 + id_number_check(first17)


def _outlets(pilot: PilotEnterprise, officer) -> list:
    places = [
        ("江宁推广网点", "南京市江宁区天元中路 126 号", "320115", "025-52101186"),
        ("浦口推广网点", "南京市浦口区江浦街道汤泉路 8 号", "320111", "025-58863217"),
    ]
    return [
        trade_ins.add_outlet(
            pilot,
            trade_ins.OutletData(
                name=f"南京宁远动力{name}", address=address, division_code=code, phone=phone
            ),
            actor=officer,
        )
        for name, address, code, phone in places
    ]


def _trade_ins(pilot, outlets, officer, year: int, month: int, count: int, start: int, serials):
    """``count`` trade-ins of the month, spread over its days, seven engines in ten."""
    days = 28 if month == 2 else 31
    for k in range(count):
        n = start + k
        engine = n % 10 < 7
        old_model, model, price, residual = (
            ENGINES[n % len(ENGINES)] if engine else GEARBOXES[n % len(GEARBOXES)]
        )
        letter = "F" if engine else "B"
        serials[letter] += 1
        trade_ins.add_trade_in(
            pilot,
            trade_ins.TradeInData(
                outlet_id=outlets[0 if n % 3 else 1].id,
                traded_on=date(year, month, 1 + k * days // count),
                old_part_model=old_model,
                old_part_number=f"{old_model.split('.')[0]}-{2007 + n % 6}{(n * 131) % 100000:05d}",
                residual_yuan=residual,
                consumer_name=SURNAMES[(n * 7) % len(SURNAMES)] + GIVEN[(n * 3) % len(GIVEN)],
                id_number=_id_number(n),
                phone=f"{MOBILE[n % len(MOBILE)]}{(51_702_368 + n * 48_271) % 100_000_000:08d}",
                product_class="发动机" if engine else "变速箱",
                product_model=model,
                # Class letter, correction 0, the call's year (14), the pilot's number, serial.
                product_code=f"{letter}0{pilot.call.year % 100:02d}{pilot.code_number}"
                f"{serials[letter]:05d}",
                price_yuan=price,
                subsidy_yuan=(price * SUBSIDY_RATE).quantize(Decimal("0.01")),
                invoice_no=f"032001400111{41_000_000 + n * 17:08d}",
            ),
            actor=officer,
            today=date(year, month + 1, 2),
        )


def _packs(pilot, users: dict) -> None:
    """December 2014 (signed on the 25th, no trades yet): sent empty and passed. January: sent
    2015-02-09 (due the 10th working day, 2015-02-13), passed by 南京 on 02-16 and by its
    finance (recorded by 江苏's officer) on 02-27. February: started, not sent."""
    city, province = users["nj-officer"], users["js-officer"]
    calendar = current_calendar()
    december = packs.open_pack(
        pilot, 2014, 12, actor=city, calendar=calendar, today=date(2015, 1, 12)
    )
    packs.submit_pack(december, [], actor=city, today=date(2015, 1, 12))
    packs.city_review(
        december, passed=True, note="12 月无以旧换再交易。", actor=city, today=date(2015, 1, 14)
    )
    packs.finance_review(
        december,
        passed=True,
        reviewer="南京市财政局经济建设处 周慧",
        note="本月无补贴资金。",
        actor=province,
        today=date(2015, 1, 16),
    )
    january = packs.open_pack(pilot, 2015, 1, actor=city, calendar=calendar, today=date(2015, 2, 9))
    packs.submit_pack(january, list(packs.MATERIALS), actor=city, today=date(2015, 2, 9))
    packs.city_review(
        january,
        passed=True,
        note="身份证复印件、联单管理表与系统记录逐笔核对一致。",
        actor=city,
        today=date(2015, 2, 16),
    )
    packs.finance_review(
        january,
        passed=True,
        reviewer="南京市财政局经济建设处 周慧",
        note="补贴金额核对无误，同意拨付。",
        actor=province,
        today=date(2015, 2, 27),
    )
    packs.open_pack(pilot, 2015, 2, actor=city, calendar=calendar, today=date(2015, 3, 2))


def _checks(pilot, users: dict) -> None:
    """5 % of January (3 of 60) drawn on 2015-02-27; the third party's outcomes as they came:
    one confirmed by phone, one unreachable, one visit with a discrepancy."""
    draw = checks.draw_checks(
        pilot,
        date(2015, 1, 1),
        date(2015, 1, 31),
        actor=users["js-officer"],
        now=at(2015, 2, 27, 15),
        seed=CHECK_SEED,
        agency_name="中国质量认证中心南京分中心",
        witness="江苏省经济和信息化委员会资源节约与综合利用处 王芳",
    )
    drawn = db.session.scalars(
        select(TradeInCheck).where(TradeInCheck.draw_id == draw.id).order_by(TradeInCheck.position)
    )
    outcomes = [
        ("phone", CheckOutcome.CONFIRMED, "消费者确认购买及补贴情况属实。"),
        ("phone", CheckOutcome.UNREACHABLE, "上午、下午、晚间三次拨打均无人接听。"),
        ("visit", CheckOutcome.DISCREPANCY, "消费者称旧件残值按 2000 元抵扣，记录为旧件残值 3000 元。"),
    ]  # fmt: skip
    for n, (check, (method, outcome, detail)) in enumerate(zip(drawn, outcomes, strict=False)):
        checks.record_outcome(
            check,
            method=method,
            outcome=outcome,
            detail=detail,
            actor=users["js-inspector"],
            now=at(2015, 3, 3 + n, 10 + n),
        )


def _complaints(pilot, outlets, users: dict) -> None:
    """By mail on 2015-01-19 about 浦口 (found, handled and published on 2015-02-06); by phone
    on 2015-02-10 about 江宁 (under investigation, due 2015-03-27)."""
    officer, inspector = users["js-officer"], users["js-inspector"]
    mailed = complaints.register_complaint(
        actor=officer,
        now=at(2015, 1, 19, 14),
        channel=ComplaintChannel.MAILBOX,
        received_on=date(2015, 1, 19),
        summary="浦口推广网点收回旧件后未出具旧件回收凭证，补贴联单未让消费者本人签字。",
        complainant="钱先生",
        contact="13605171234",
        outlet=outlets[1],
    )
    complaints.assign_investigator(mailed, inspector, actor=officer, now=at(2015, 1, 20))
    complaints.record_investigation(
        mailed,
        "1 月 26 日赴浦口推广网点检查：1 月 12 日至 18 日 4 笔交易未出具旧件回收凭证，"
        "其中 1 份联单由销售人员代签。",
        actor=inspector,
        now=at(2015, 1, 27),
    )
    complaints.conclude(
        mailed,
        finding="举报情况基本属实：网点 4 笔交易未出具旧件回收凭证，1 份联单由销售人员代签。",
        handling="责令试点企业补开回收凭证、由消费者本人重新签署联单，该笔补贴待核实后拨付；"
        "对网点负责人进行约谈。",
        actor=inspector,
        now=at(2015, 2, 5),
    )
    complaints.publish(
        mailed,
        published_on=date(2015, 2, 6),
        published_at="江苏省经济和信息化委员会网站（信息公开栏）",
        actor=officer,
        now=at(2015, 2, 6, 16),
    )
    phoned = complaints.register_complaint(
        actor=officer,
        now=at(2015, 2, 10, 10, 15),
        channel=ComplaintChannel.PHONE,
        received_on=date(2015, 2, 10),
        summary="江宁推广网点销售再制造发动机未按公布的价格扣除补贴款，实收价格高于承诺价格。",
        complainant="",
        contact="",
        pilot=pilot,
        outlet=outlets[0],
    )
    complaints.assign_investigator(phoned, inspector, actor=officer, now=at(2015, 2, 11))
    complaints.record_investigation(
        phoned,
        "已调取江宁推广网点 1 月、2 月销售记录和发票，正在联系相关消费者核实实付金额。",
        actor=inspector,
        now=at(2015, 2, 26),
    )


def load_daily(call: PilotCall, users: dict) -> None:
    """Pilot 01's outlets, trade-ins, packs, checks and complaints (called once, with the call)."""
    pilot = next(p for p in public_pilots(call) if p.number == 1)
    city = users["nj-officer"]
    outlets = _outlets(pilot, city)
    serials = {"F": 0, "B": 0}
    _trade_ins(pilot, outlets, city, 2015, 1, JANUARY, 0, serials)
    _trade_ins(pilot, outlets, city, 2015, 2, FEBRUARY, JANUARY, serials)
    _packs(pilot, users)
    _checks(pilot, users)
    _complaints(pilot, outlets, users)
