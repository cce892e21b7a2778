"""Bulk buyers and the 1 % / 0.5 % sample draw over the national campaign's consumer sales.

The app: for every unit of the campaign, the bulk-buyer list as its page shows it (the
number of bulk buyers and the first page, with the buyers' names) and a sample draw at the
campaign's rates (``verification.sampling.draw_sample``, stored, then rolled back), each as
the unit's provincial officer where there is one.

The baseline: one hand-written GROUP BY … HAVING over the whole campaign (buyers with
``bulk_threshold`` records or more, per unit), and one hash-based sample query taking, per
unit, the records of smallest rank, as many as the two rates give. The rank is the very
keyed hash the application uses (the first eight bytes of SHA-256("<seed>:<id>")): computed
in SQL on PostgreSQL (``sha256``, compared as bytes), and on SQLite, which has no hash
function in SQL, by the same Python function registered with ``create_function`` on the raw
connection (shifted by 2**63 to fit a signed 64-bit integer, which keeps its order). Both
read every record of the campaign once; neither writes anything.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

from bench.imports import national_campaign, officer_of
from bench.measure import Context, Goal, Measurement, Result

#: The seed of the benchmark's draws (any fixed text: the same draw every run).
SEED = "bench-national-draw"


def _units(campaign_id: int) -> list[tuple[int, int | None]]:
    """(unit id, the user looking at it: a provincial officer of its province, or None)."""
    from sqlalchemy import select

    from supervision.core.models import Organisation
    from supervision.extensions import db
    from supervision.verification.models import VerificationTask

    units = db.session.scalars(
        select(Organisation)
        .join(VerificationTask, VerificationTask.unit_id == Organisation.id)
        .where(VerificationTask.campaign_id == campaign_id)
        .distinct()
        .order_by(Organisation.id)
    ).all()
    return [(unit.id, officer_of(unit.province_org_id)) for unit in units]


def run_app(ctx: Context) -> Result:
    """Per unit: the bulk-buyer page's figures and a draw (rolled back). Timed in all."""
    from supervision.core.errors import DomainError
    from supervision.core.models import Organisation, User
    from supervision.extensions import db
    from supervision.verification import bulk, sampling
    from supervision.verification.check_support import paginate_rows
    from supervision.verification.models import VerificationCampaign

    app = ctx.app()
    now = datetime.now(UTC)
    with app.app_context(), app.test_request_context("/?page=1"):
        campaign_id = national_campaign()
        units = _units(campaign_id)
        db.session.rollback()
        started = time.perf_counter()
        buyers = drawn = population = 0
        for unit_id, user_id in units:
            campaign = db.session.get(VerificationCampaign, campaign_id)
            unit = db.session.get(Organisation, unit_id)
            user = db.session.get(User, user_id) if user_id else None
            pagination = paginate_rows(bulk.listing(campaign, unit_id, user))
            bulk.names_of(campaign_id, unit_id, [r.buyer_key for r in pagination.items], user)
            buyers += pagination.total or 0
            try:
                draw = sampling.draw_sample(
                    campaign, unit, actor=user, now=now, seed=SEED, reason="benchmark"
                )
            except DomainError:  # a unit without sales: nothing to draw
                db.session.rollback()
                continue
            drawn += draw.phone_count + draw.visit_count
            population += draw.population
            db.session.rollback()
        seconds = time.perf_counter() - started
    return Result(
        seconds,
        population,
        {"units": len(units), "bulk_buyers": buyers, "drawn": drawn},
    )


def _sqlite_rank(seed: str, record_id: int) -> int:
    digest = hashlib.sha256(f"{seed}:{record_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") - 2**63


def _fraction(rate) -> Fraction:
    return Fraction(Decimal(str(rate)))


def run_baseline(ctx: Context) -> Result:
    """One GROUP BY … HAVING and one hash-ranked sample query over the campaign."""
    from sqlalchemy import func, select

    from supervision.extensions import db
    from supervision.verification.models import VerificationCampaign
    from supervision.verification.record_models import ConsumerSale

    app = ctx.app()
    with app.app_context():
        campaign_id = national_campaign()
        campaign = db.session.get(VerificationCampaign, campaign_id)
        threshold = campaign.bulk_threshold
        phone, visit = _fraction(campaign.phone_rate), _fraction(campaign.visit_rate)
        records = db.session.scalar(
            select(func.count())
            .select_from(ConsumerSale)
            .where(ConsumerSale.campaign_id == campaign_id)
        )
        db.session.rollback()
        postgresql = db.engine.dialect.name == "postgresql"
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            mark = "%s" if postgresql else "?"
            if postgresql:
                rank = f"substr(sha256(convert_to({mark} || ':' || id, 'UTF8')), 1, 8)"
            else:
                raw.driver_connection.create_function(
                    "keyed_rank", 2, _sqlite_rank, deterministic=True
                )
                rank = f"keyed_rank({mark}, id)"
            started = time.perf_counter()
            cursor.execute(
                "SELECT unit_id, buyer_key, COUNT(*) FROM verification_consumer_sales "  # noqa: S608
                f"WHERE campaign_id = {mark} AND buyer_key <> '' "
                f"GROUP BY unit_id, buyer_key HAVING COUNT(*) >= {mark}",
                (campaign_id, threshold),
            )
            buyers = len(cursor.fetchall())
            # Per unit: ⌈phone × n⌉ + ⌈visit × n⌉ records of smallest rank (integer ceilings).
            cursor.execute(
                "SELECT id, unit_id FROM ("  # noqa: S608
                f" SELECT id, unit_id, ROW_NUMBER() OVER (PARTITION BY unit_id ORDER BY {rank}, id)"
                " AS position, COUNT(*) OVER (PARTITION BY unit_id) AS population"
                f" FROM verification_consumer_sales WHERE campaign_id = {mark}"
                ") ranked WHERE position <= "
                f"(population * {phone.numerator} + {phone.denominator - 1}) / {phone.denominator}"
                f" + (population * {visit.numerator} + {visit.denominator - 1})"
                f" / {visit.denominator}",
                (SEED, campaign_id),
            )
            drawn = len(cursor.fetchall())
            seconds = time.perf_counter() - started
            cursor.close()
            raw.rollback()
        finally:
            raw.close()
    return Result(seconds, records, {"bulk_buyers": buyers, "drawn": drawn})


MEASUREMENTS = [
    Measurement(
        name="sampling",
        title="bulk buyers + 1 % / 0.5 % draws over the national sales",
        unit="rows/s",
        goal=Goal(kind="time", ratio=1.5, text="≤ 1.5 × GROUP BY … HAVING + hash sample query"),
        app=run_app,
        baseline=run_baseline,
    ),
]
