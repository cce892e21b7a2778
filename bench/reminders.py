"""``reminders send-due`` over 200 000 open deadlines with nothing due, against one indexed
``SELECT`` of the due rows through the same engine (issue 9: ≤ 3 ×).

The deadlines are real: ``prepare`` adds, beside the national data, an issued verification
campaign whose promoted products' manufacturers owe monthly and annual subsidy reports
(``subsidy_monthly`` / ``subsidy_annual``, told to each province's officers) for a sales
period starting after the bench's clock, as many as make the open deadlines 200 000. The
sources produce them, so a refresh keeps them. ``prepare`` then runs send-due once at the
bench's clock: what the national data has due then is recorded (as the scheduler would have),
so the measured runs find nothing due — the steady state the scheduler sees every 15 minutes.
"""

from __future__ import annotations

import statistics
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bench.measure import Context, Goal, Measurement, Result

#: The bench's clock: the national data is of the 2020 plan, and at the start of the year
#: few of its deadlines have a reminder due yet (``prepare`` writes few reminder rows).
NOW = datetime(2020, 1, 6, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
OPEN_DEADLINES = 200_000
CAMPAIGN = "2020年高效节能产品惠民工程补贴核查（提醒基准）"
SALES_FROM, SALES_TO = date(2020, 2, 1), date(2022, 1, 31)
#: Deadlines per manufacturer and province: 24 monthly reports and 3 annual ones.
PER_MAKER = 24 + 3
MARKER = "bench_reminders"
#: Timed calls per run (their median is the run's time).
CALLS = 2000

MAKER_WORDS = ("海", "美", "格", "康", "新", "创", "华", "星", "佳", "荣", "凌", "澳", "帅", "容")


def _app(ctx: Context):
    from supervision import create_app

    # DATABASE_URL: create_app derives SQLALCHEMY_DATABASE_URI from it.
    return create_app({"DATABASE_URL": ctx.database_url, "IMPORTS_INLINE": True})


def _actor():
    from supervision.core import audit

    return audit.acting_as(audit.Actor(None, "bench", source="cli"))


def _open_deadlines() -> int:
    from sqlalchemy import func, select

    from supervision.extensions import db
    from supervision.reminders.models import Deadline

    return db.session.scalar(
        select(func.count())
        .select_from(Deadline)
        .where(Deadline.done_on.is_(None), Deadline.cancelled.is_(False))
    )


def _campaign():
    from sqlalchemy import select

    from supervision.extensions import db
    from supervision.verification.models import CampaignStatus, VerificationCampaign

    campaign = db.session.scalar(
        select(VerificationCampaign).where(VerificationCampaign.name == CAMPAIGN)
    )
    if campaign is None:
        campaign = VerificationCampaign(
            name=CAMPAIGN,
            notice_number="工信厅节函〔2020〕基准号",
            categories=["fridge"],
            sales_from=SALES_FROM,
            sales_to=SALES_TO,
            result_due_on=date(2022, 4, 15),
            issued_on=date(2019, 12, 20),
            status=CampaignStatus.ISSUED,
        )
        db.session.add(campaign)
        db.session.flush()
    return campaign


def _add_makers(campaign, makers: int) -> int:
    """``makers`` manufacturers (one product each) spread over the provinces; returns how
    many were added (those already there are kept)."""
    from sqlalchemy import insert, select

    from supervision.core.models import Organisation, OrgKind
    from supervision.extensions import db
    from supervision.verification.check_models import SubsidyProduct

    provinces = list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrgKind.PROVINCE, Organisation.is_active.is_(True))
            .order_by(Organisation.division_code)
        )
    )
    have = set(
        db.session.scalars(
            select(SubsidyProduct.model).where(SubsidyProduct.campaign_id == campaign.id)
        )
    )
    rows = []
    for n in range(makers):
        province = provinces[n % len(provinces)]
        model = f"BCD-{n:05d}"
        if model in have:
            continue
        a, b = MAKER_WORDS[n % len(MAKER_WORDS)], MAKER_WORDS[(n // 7) % len(MAKER_WORDS)]
        rows.append(
            {
                "campaign_id": campaign.id,
                "unit_id": province.id,
                "province_id": province.id,
                "manufacturer": f"{province.name[:2]}{a}{b}电器有限公司（{n // len(provinces) + 1}厂）",
                "category": "fridge",
                "brand": f"{a}{b}",
                "model": model,
                "energy_grade": 1 + n % 2,
                "fridge_kind": "BCD",
            }
        )
    for first in range(0, len(rows), 5000):
        db.session.execute(insert(SubsidyProduct.__table__), rows[first : first + 5000])
    return len(rows)


def prepare(ctx: Context) -> None:
    """Once per database: the campaign's deadlines, and a first send-due at the bench's clock."""
    from supervision.core.models import Setting
    from supervision.extensions import db
    from supervision.reminders.service import send_due

    app = _app(ctx)
    with app.app_context(), _actor():
        marker = db.session.get(Setting, MARKER)
        if marker is not None and marker.value == str(OPEN_DEADLINES):
            return
        started = time.perf_counter()
        send_due(now=NOW)  # the national data's own deadlines, and what they have due now
        db.session.commit()
        campaign = _campaign()
        missing = max(0, OPEN_DEADLINES - _open_deadlines())
        added = _add_makers(campaign, -(-missing // PER_MAKER))
        db.session.commit()
        send_due(now=NOW)  # the campaign's deadlines come from their source
        db.session.commit()
        if marker is None:
            marker = Setting(key=MARKER, value="")
            db.session.add(marker)
        marker.value = str(OPEN_DEADLINES)
        db.session.commit()
        print(
            f"reminders: {added} manufacturers added, {_open_deadlines():,} open deadlines"
            f" ({time.perf_counter() - started:.0f} s)"
        )


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def app_run(ctx: Context) -> Result:
    """send_due in process, as the scheduler's job calls it: ``CALLS`` runs with nothing due
    (timed: the median), then one refreshing run, as after any change to a source (its time
    goes to ``extra``; timed last so that its garbage does not weigh on the steady runs)."""
    from supervision.extensions import db
    from supervision.reminders.changes import SOURCES, mark_changed
    from supervision.reminders.service import send_due

    app = _app(ctx)
    with app.app_context(), _actor():
        first = send_due(now=NOW)  # catches up with what other measurements changed; warms up
        db.session.commit()
        steady = []
        for _ in range(CALLS):
            steady.append(_timed(lambda: send_due(now=NOW)))
            db.session.commit()  # as the scheduler's job does (not timed)
        mark_changed(SOURCES)
        db.session.commit()
        refreshed = {}

        def refreshing():
            refreshed["result"] = send_due(now=NOW)

        refresh_seconds = _timed(refreshing)
        db.session.commit()
        result = refreshed["result"]
        return Result(
            seconds=statistics.median(steady),
            count=_open_deadlines(),
            extra={
                "first_run_refreshed": bool(first.refreshed),
                "refresh_seconds": round(refresh_seconds, 3),
                "refresh_counts": result.refreshed,
                "refresh_sent": result.sent,
                "steady_min_seconds": min(steady),
                "steady_max_seconds": max(steady),
            },
        )


def baseline_run(ctx: Context) -> Result:
    """The same engine, one indexed SELECT of the due rows (there are none)."""
    from sqlalchemy import select

    from supervision.extensions import db
    from supervision.reminders.models import Deadline

    app = _app(ctx)
    with app.app_context():
        engine = db.engine
        table = Deadline.__table__
        due = select(table.c.id, table.c.kind, table.c.due_on, table.c.title).where(
            table.c.next_stage_on <= NOW.date(),
            table.c.done_on.is_(None),
            table.c.cancelled.is_(False),
        )

        def query():
            with engine.connect() as conn:
                rows = conn.execute(due).all()
            if rows:
                raise RuntimeError(f"{len(rows)} deadlines due: run prepare first")

        query()
        steady = [_timed(query) for _ in range(CALLS)]
        return Result(seconds=statistics.median(steady), count=_open_deadlines())


MEASUREMENTS = [
    Measurement(
        name="reminders_send_due",
        title="reminders send-due, 200 000 open deadlines, nothing due",
        unit="rows/s",
        goal=Goal(kind="time", ratio=3.0, text="≤ 3 × one indexed SELECT of the due rows"),
        app=app_run,
        baseline=baseline_run,
        prepare=prepare,
    )
]
