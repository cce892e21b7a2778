"""The demo verification campaign: 工信部's 2013 second batch (seed 000), issued to every
provincial unit and 计划单列市 for the three targets; 江苏 splits its tasks to its agencies
and inspectors, registers for the 南京 training, imports a generated 100 000-record data set
through the import machinery, looks into a bulk buyer, draws its samples with a fixed seed and
records outcomes, and checks two monthly subsidy claims of 海尔 (one with a difference).

Everything goes through the features' services, as the pages would. The import passes own
their transactions, so this step commits (the rest of the demo only flushes)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from ..core.models import Organisation, User
from ..extensions import db
from ..organisations.service import by_division_code
from ..verification import (
    assignments,
    bulk,
    campaigns,
    claims,
    result_reports,
    sampling,
    training,
)
from ..verification.check_models import BuyerPurpose, CheckMethod, Outcome, SampleItem
from ..verification.models import Target, TaskStatus, VerificationCampaign
from ..verification.record_models import ConsumerSale
from ..verification.rules.buyers import buyer_key
from ..verification.rules.categories import PRODUCT_CATEGORIES
from ..verification.rules.claim_check import amount_wan
from . import verification_records as records

CAMPAIGN = "节能产品惠民工程第二批推广信息核查"
UNIT = "320000"
#: Consumer-sale records generated for 江苏 (the planted bulk buyers come on top).
ROWS = 100_000
#: The seed typed in at the public draw (reproducible: the draw page redoes it).
DRAW_SEED = "JS-2013-03-20-公开抽样"
ISSUED_AT = datetime(2013, 3, 6, 1, 30, tzinfo=UTC)  # 9:30 in Beijing
SPLIT_AT = datetime(2013, 3, 12, 2, 0, tzinfo=UTC)
DRAWN_AT = datetime(2013, 3, 20, 6, 0, tzinfo=UTC)
CHECKED_ON = date(2013, 4, 2)
MAKER = "青岛海尔股份有限公司"
#: Promoted models of 海尔 (seed 001: grade 1, compressor type): kind, volume, index.
FRIDGES = (
    ("BCD-216SDN", "BCD", Decimal("216"), Decimal("29.5")),
    ("BCD-251WBCS", "BCD", Decimal("251"), Decimal("31.0")),
    ("BCD-539WT", "BCD", Decimal("539"), Decimal("38.0")),
)


def _campaign(ministry: User) -> VerificationCampaign:
    found = db.session.scalar(
        select(VerificationCampaign).where(VerificationCampaign.name == CAMPAIGN)
    )
    if found is not None:
        return found
    data = campaigns.CampaignData(
        name=CAMPAIGN,
        categories=[code for code, _name in PRODUCT_CATEGORIES],
        sales_from=date(2012, 9, 1),
        sales_to=date(2013, 1, 31),
        result_due_on=date(2013, 4, 15),
        note="高效节能平板电视、空调、冰箱、洗衣机、燃气热水器、热泵热水器、太阳能热水器、"
        "计算机等八类产品2012年9月-2013年1月入围企业申报的销售信息核查任务（通知日期2013年3月6日）。",
    )
    campaign = campaigns.create_campaign(
        data,
        unit_ids=[u.id for u in campaigns.campaign_units()],
        targets=[t.value for t in Target],
        actor=ministry,
        now=ISSUED_AT,
    )
    campaigns.issue_campaign(campaign, version=None, actor=ministry, now=ISSUED_AT)
    return campaign


def _split(campaign: VerificationCampaign, unit: Organisation, users: dict) -> None:
    """落实到人: production to 南京 (张伟), outlets to 苏州 (刘洋), end users to 南京 with
    张伟, 刘洋 and 陈静; the production check is done."""
    officer = users["js-officer"]
    plan = {
        Target.PRODUCTION: ("320100", ["js-inspector"]),
        Target.OUTLET: ("320500", ["js-inspector2"]),
        Target.END_USER: ("320100", ["js-inspector", "js-inspector2", "js-inspector3"]),
    }
    for task in campaign.tasks:
        if task.unit_id != unit.id or task.status != TaskStatus.ISSUED:
            continue
        agency, people = plan[task.target]
        assignments.assign_task(
            task,
            agency_id=by_division_code(agency).id,
            people_ids=[users[name].id for name in people],
            version=None,
            actor=officer,
            now=SPLIT_AT,
        )
        if task.target == Target.PRODUCTION:
            assignments.complete_task(
                task, version=None, actor=officer, now=datetime(2013, 4, 8, 2, tzinfo=UTC)
            )


def _training(campaign: VerificationCampaign, unit: Organisation, officer: User) -> None:
    training.add_training_from_seed(campaign)
    for session in campaign.training_sessions:
        if unit in session.units and training.registration_of(session, unit) is None:
            training.save_registration(
                session,
                unit,
                training.RegistrationData(
                    unit_name="江苏省经济和信息化委员会",
                    attendees=[
                        {
                            "name": "李明",
                            "position": "处长",
                            "office_phone": "025-83392801",
                            "mobile": "13905170001",
                        },
                        {
                            "name": "张伟",
                            "position": "科长",
                            "office_phone": "025-84201122",
                            "mobile": "13813900022",
                        },
                    ],
                    fax="025-83392836",
                    email="jnc@demo.jnjc.example",
                    room_needed=True,
                ),
                actor=officer,
                now=ISSUED_AT,
            )


def _bulk_buyer(campaign: VerificationCampaign, unit: Organisation, inspector: User) -> None:
    """The hospital's 12 units as staff welfare: recorded one by one and kept for checks."""
    key = buyer_key(id_number=records.WELFARE_BUYER_CODE)
    if bulk.check_of(campaign.id, unit.id, key) is None:
        bulk.check_bulk_buyer(
            campaign,
            unit,
            key,
            purpose=BuyerPurpose.WELFARE,
            retained=True,
            note="单位以职工福利名义一次购买12台，已逐台登记领取人，保留信息待进一步核查。",
            actor=inspector,
            now=datetime(2013, 3, 28, 3, tzinfo=UTC),
        )


def _samples(campaign: VerificationCampaign, unit: Organisation, users: dict) -> None:
    """The public draw, then the first outcomes (the checks are under way): some phone checks
    confirmed, a few unreachable (replaced by a top-up, one of them already confirmed), some
    home visits confirmed and one with a discrepancy; the rest still to do."""
    if sampling.active_draw(campaign.id, unit.id) is not None:
        return
    draw = sampling.draw_sample(
        campaign,
        unit,
        actor=users["js-officer"],
        now=DRAWN_AT,
        seed=DRAW_SEED,
        witness="江苏省经济和信息化委员会监察室 王芳",
    )
    items = list(
        db.session.scalars(
            select(SampleItem)
            .where(SampleItem.draw_id == draw.id)
            .order_by(SampleItem.method, SampleItem.position)
        )
    )
    phone = [i for i in items if i.method == CheckMethod.PHONE]
    visit = [i for i in items if i.method == CheckMethod.VISIT]
    inspector = users["js-inspector"]
    confirmed, unreachable = min(len(phone) * 3 // 10, 60), min(6, len(phone) // 4)
    plan = [(item, Outcome.CONFIRMED, "") for item in phone[:confirmed]]
    plan += [
        (item, Outcome.UNREACHABLE, "三次拨打无人接听")
        for item in phone[confirmed : confirmed + unreachable]
    ]
    visited = min(len(visit) // 5, 30)
    plan += [(item, Outcome.CONFIRMED, "") for item in visit[:visited]]
    if len(visit) > visited:
        plan.append((visit[visited], Outcome.DISCREPANCY, "用户称所购为BCD-206型，与记录型号不符"))
    for item, outcome, detail in plan:
        sampling.record_outcome(
            item,
            outcome=outcome,
            detail=detail,
            checked_on=CHECKED_ON,
            actor=inspector,
            today=date(2013, 4, 10),
        )
    if not unreachable:
        return
    top_up = sampling.top_up_draw(draw, actor=users["js-officer"], now=DRAWN_AT)
    sampling.record_outcome(
        top_up.added[0],
        outcome=Outcome.CONFIRMED,
        checked_on=date(2013, 4, 9),
        actor=inspector,
        today=date(2013, 4, 10),
    )


def _sold_by_model(campaign: VerificationCampaign, month: int) -> dict[str, int]:
    start = date(2012, month, 1)
    end = date(2012, month + 1, 1) if month < 12 else date(2013, 1, 1)
    rows = db.session.execute(
        select(ConsumerSale.model, func.count())
        .where(
            ConsumerSale.campaign_id == campaign.id,
            ConsumerSale.manufacturer == MAKER,
            ConsumerSale.sold_on >= start,
            ConsumerSale.sold_on < end,
        )
        .group_by(ConsumerSale.model)
    )
    return dict(rows.all())


def _claims(campaign: VerificationCampaign, unit: Organisation, officer: User) -> None:
    """海尔's promoted fridges and its October and November reports: October as the records
    bear out; November declares 30 units more than were sold."""
    known = {p.model for p in claims.products_of(campaign, unit, officer)}
    standards = {}
    for model, kind, volume, index in FRIDGES:
        data = claims.ProductData(
            manufacturer=MAKER,
            category="fridge",
            model=model,
            brand="海尔",
            energy_grade=1,
            fridge_kind=kind,
            volume_l=volume,
            efficiency_index=index,
        )
        product = (
            claims.add_product(campaign, unit, data, actor=officer)
            if model not in known
            else next(p for p in claims.products_of(campaign, unit, officer) if p.model == model)
        )
        standards[model] = claims.eligibility_of(product).amount
    have = {(c.year, c.month) for c in claims.claims_of(campaign, unit, officer)}
    for month, extra in ((10, 0), (11, 30)):
        if (2012, month) in have:
            continue
        sold = _sold_by_model(campaign, month)
        lines = []
        for n, (model, *_rest) in enumerate(FRIDGES):
            units = sold.get(model, 0) + (extra if n == 0 else 0)
            lines.append(
                claims.LineData(
                    model=model,
                    brand="海尔",
                    standard_yuan=standards[model],
                    units=units,
                    amount_wan=amount_wan(units, standards[model]),
                    opening_stock=1200 if n == 0 else 0,
                    closing_stock=1000 if n == 0 else 0,
                )
            )
        promoted = sum(line.units for line in lines)
        claims.record_claim(
            campaign,
            unit,
            claims.ClaimData(
                manufacturer=MAKER,
                category="fridge",
                year=2012,
                month=month,
                received_on=date(2012, month + 1, 8),
                opening_stock=1200,
                production=promoted + 300,
                shipments=promoted + 500,
                closing_stock=1000,
                units_promoted=promoted,
                amount_wan=sum(line.amount_wan for line in lines),
                lines=lines,
            ),
            actor=officer,
            now=datetime(2013, 3, 25, 2, tzinfo=UTC),
        )


def _report(campaign: VerificationCampaign, unit: Organisation, officer: User) -> None:
    """江苏's report in draft (the ministry sees its figures as work in progress)."""
    if result_reports.report_of(campaign, unit) is not None:
        return
    result_reports.save_report(
        campaign,
        unit,
        summary="省经信委成立核查工作组，按生产企业、销售网点和终端用户三类对象分解任务，"
        "落实到南京、苏州两个节能监察机构和3名核查人员；3月11日参加南京片区培训。"
        "3月20日在监察室监督下公开抽取电话核查和入户核查样本。",
        problems="发现1家单位以职工福利名义一次购买12台，个别用户分次累计购买5台以上；"
        "1户入户核查型号与记录不符。",
        suggestions="",
        actor=officer,
        now=datetime(2013, 4, 10, 2, tzinfo=UTC),
        version=None,
    )


def load_verification(users: dict, *, rows: int | None = None) -> VerificationCampaign:
    """The demo campaign and 江苏's work on it (what is already there is kept). ``rows``:
    consumer sales to generate (default ``DEMO_VERIFICATION_ROWS`` of the configuration, or
    100 000; the tests take a few hundred)."""
    if rows is None:
        rows = current_app.config.get("DEMO_VERIFICATION_ROWS", ROWS)
    unit = by_division_code(UNIT)
    campaign = _campaign(users["ministry"])
    _split(campaign, unit, users)
    _training(campaign, unit, users["js-officer"])
    db.session.commit()  # the import passes work in their own transactions
    records.load_records(campaign, unit, users["js-officer"], rows=rows)
    _bulk_buyer(campaign, unit, users["js-inspector"])
    _samples(campaign, unit, users)
    _claims(campaign, unit, users["js-officer"])
    _report(campaign, unit, users["js-officer"])
    db.session.flush()
    return campaign
