"""Bulk buyers (大宗用户) of a unit's consumer sales, found in SQL as ``rules.bulk_buyers``
finds them in Python, and what the checks found out about them.

A purchase is one buyer's rows on one invoice (each row is one unit sold); a bulk buyer has
``campaign.bulk_threshold`` units or more in all (a single purchase that large is included
by the same sum). Both GROUP BYs read only ``ix_verification_consumer_sales_buyer``
(campaign, unit, buyer key, invoice), so a million rows are counted without touching the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Integer, and_, cast, func, select

from ..core.errors import DomainError
from ..core.models import Organisation
from ..extensions import db
from .check_models import BulkBuyerCheck, BuyerPurpose
from .check_support import unit_filter
from .models import VerificationCampaign
from .record_models import ConsumerSale
from .rules.buyers import is_organisation_key


def purchases_subquery(campaign_id: int, unit_id: int, user):
    """One row per purchase: (buyer_key, invoice_no, quantity)."""
    return (
        select(
            ConsumerSale.buyer_key.label("buyer_key"),
            ConsumerSale.invoice_no.label("invoice_no"),
            func.count().label("quantity"),
        )
        .where(unit_filter(ConsumerSale, campaign_id, unit_id, user), ConsumerSale.buyer_key != "")
        .group_by(ConsumerSale.buyer_key, ConsumerSale.invoice_no)
        .subquery("purchases")
    )


def bulk_buyers_select(campaign: VerificationCampaign, unit_id: int, user):
    """Per bulk buyer: buyer_key, units, purchases, largest (the SQL of ``rules.bulk_buyers``)."""
    p = purchases_subquery(campaign.id, unit_id, user)
    units = cast(func.sum(p.c.quantity), Integer)
    return (
        select(
            p.c.buyer_key,
            units.label("units"),
            func.count().label("purchases"),
            cast(func.max(p.c.quantity), Integer).label("largest"),
        )
        .group_by(p.c.buyer_key)
        .having(func.sum(p.c.quantity) >= campaign.bulk_threshold)
    )


def listing(
    campaign: VerificationCampaign, unit_id: int, user, *, kind: str = "", checked: str = ""
):
    """The bulk buyers with their check (if any), largest first: a select of rows
    (buyer_key, units, purchases, largest, check_id, purpose, retained) to page through."""
    found = bulk_buyers_select(campaign, unit_id, user).subquery("bulk")
    stmt = select(
        found.c.buyer_key,
        found.c.units,
        found.c.purchases,
        found.c.largest,
        BulkBuyerCheck.id.label("check_id"),
        BulkBuyerCheck.purpose,
        BulkBuyerCheck.retained,
    ).outerjoin(
        BulkBuyerCheck,
        and_(
            BulkBuyerCheck.campaign_id == campaign.id,
            BulkBuyerCheck.unit_id == unit_id,
            BulkBuyerCheck.buyer_key == found.c.buyer_key,
        ),
    )
    if kind == "organisation":
        stmt = stmt.where(found.c.buyer_key.startswith("ORG:"))
    elif kind == "person":
        stmt = stmt.where(~found.c.buyer_key.startswith("ORG:"))
    if checked == "yes":
        stmt = stmt.where(BulkBuyerCheck.id.is_not(None))
    elif checked == "no":
        stmt = stmt.where(BulkBuyerCheck.id.is_(None))
    return stmt.order_by(found.c.units.desc(), found.c.buyer_key)


def names_of(campaign_id: int, unit_id: int, keys: list[str], user) -> dict[str, str]:
    """How the records name each buyer (the first name written, for the list)."""
    if not keys:
        return {}
    rows = db.session.execute(
        select(ConsumerSale.buyer_key, func.min(ConsumerSale.consumer_name))
        .where(
            unit_filter(ConsumerSale, campaign_id, unit_id, user), ConsumerSale.buyer_key.in_(keys)
        )
        .group_by(ConsumerSale.buyer_key)
    )
    return dict(rows.all())


def records_select(campaign_id: int, unit_id: int, user, keys=None):
    """A buyer's records one by one (一一记录), or those of every key in ``keys`` (a select)."""
    stmt = select(
        ConsumerSale.id,
        ConsumerSale.buyer_key,
        ConsumerSale.consumer_name,
        ConsumerSale.contact,
        ConsumerSale.phone,
        ConsumerSale.id_number,
        ConsumerSale.address,
        ConsumerSale.division_name,
        ConsumerSale.manufacturer,
        ConsumerSale.model,
        ConsumerSale.product_code,
        ConsumerSale.price,
        ConsumerSale.sold_on,
        ConsumerSale.invoice_no,
        ConsumerSale.dealer_name,
    ).where(unit_filter(ConsumerSale, campaign_id, unit_id, user))
    if isinstance(keys, str):
        stmt = stmt.where(ConsumerSale.buyer_key == keys)
    elif keys is not None:
        stmt = stmt.where(ConsumerSale.buyer_key.in_(keys))
    return stmt.order_by(
        ConsumerSale.buyer_key, ConsumerSale.sold_on, ConsumerSale.invoice_no, ConsumerSale.id
    )


@dataclass(frozen=True)
class BuyerFigures:
    key: str
    name: str
    units: int
    purchases: int
    largest: int

    @property
    def is_organisation(self) -> bool:
        return is_organisation_key(self.key)


def figures_of(campaign: VerificationCampaign, unit_id: int, key: str, user) -> BuyerFigures | None:
    """One buyer's units, purchases and largest purchase now (None: no records)."""
    p = (
        select(ConsumerSale.invoice_no, func.count().label("quantity"))
        .where(unit_filter(ConsumerSale, campaign.id, unit_id, user), ConsumerSale.buyer_key == key)
        .group_by(ConsumerSale.invoice_no)
        .subquery()
    )
    row = db.session.execute(
        select(
            cast(func.sum(p.c.quantity), Integer),
            func.count(),
            cast(func.max(p.c.quantity), Integer),
        )
    ).one()
    if not row[1]:
        return None
    name = names_of(campaign.id, unit_id, [key], user).get(key, "")
    return BuyerFigures(key, name, int(row[0]), int(row[1]), int(row[2]))


def check_of(campaign_id: int, unit_id: int, key: str) -> BulkBuyerCheck | None:
    return db.session.scalar(
        select(BulkBuyerCheck).where(
            BulkBuyerCheck.campaign_id == campaign_id,
            BulkBuyerCheck.unit_id == unit_id,
            BulkBuyerCheck.buyer_key == key,
        )
    )


def check_bulk_buyer(
    campaign: VerificationCampaign,
    unit: Organisation,
    key: str,
    *,
    purpose: BuyerPurpose | str,
    retained: bool,
    note: str = "",
    actor,
    now: datetime,
) -> BulkBuyerCheck:
    """Record what the check found about a buyer: what he bought for (organisations' gifts,
    welfare and promotions are kept one by one), whether his records stay for further checks.
    A second check of the same buyer updates the first (audited), with today's figures."""
    figures = figures_of(campaign, unit.id, (key or "").strip(), actor)
    if figures is None:
        raise DomainError(_("本单位的销售信息中没有这个购买人。"))
    if figures.units < campaign.bulk_threshold:
        raise DomainError(
            _(
                "该购买人共购买 %(n)s 台，未达到大宗用户标准（%(t)s 台）。",
                n=figures.units,
                t=campaign.bulk_threshold,
            )
        )
    try:
        purpose = BuyerPurpose(purpose)
    except ValueError:
        raise DomainError(_("请选择购买用途。"), "purpose") from None
    note = (note or "").strip()
    if not retained and not note:
        raise DomainError(_("不再保留待进一步核查时，须在核查说明中写明理由。"), "note")
    check = check_of(campaign.id, unit.id, figures.key)
    if check is None:
        check = BulkBuyerCheck(
            campaign_id=campaign.id,
            unit_id=unit.id,
            province_id=unit.province_org_id,
            buyer_key=figures.key,
        )
        db.session.add(check)
    check.buyer_name = figures.name[:120]
    check.units = figures.units
    check.purchases = figures.purchases
    check.largest_purchase = figures.largest
    check.is_organisation = figures.is_organisation
    check.purpose = purpose
    check.retained = bool(retained)
    check.note = note
    check.checked_by_id = actor.id if actor is not None else None
    check.checked_at = now
    db.session.flush()
    return check
