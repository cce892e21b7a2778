"""Subsidy claim checks (seeds 001, 002): a unit's promoted products with their eligibility,
and makers' monthly claims (附表1 + 附表2) recomputed against the rules and the records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..core import access
from ..core.errors import DomainError
from ..core.models import Organisation
from ..core.types import utcnow
from ..extensions import db
from .check_models import ClaimLine, SubsidyClaim, SubsidyProduct
from .models import VerificationCampaign
from .record_models import ConsumerSale
from .rules import categories
from .rules.claim_check import Difference, allowed_amount_wan, check_claim
from .rules.reconciliation import model_key
from .rules.subsidies import (
    Eligibility,
    EligibilityStatus,
    annual_settlement_due,
    monthly_report_due,
    product_eligibility,
)
from .subsidy_reference import SubsidyReference, in_use


@dataclass
class ProductData:
    """A promoted model as the form gives it (the fields of ``SubsidyProduct``)."""

    manufacturer: str
    category: str
    model: str
    brand: str = ""
    energy_grade: int | None = None
    fridge_kind: str = ""
    volume_l: Decimal | None = None
    efficiency_index: Decimal | None = None
    workstation: bool = False
    industrial: bool = False
    discrete_gpus: int = 0
    psu_watts: int | None = None
    all_in_one: bool = False
    screen_inches: Decimal | None = None
    other_programme: bool = False


@dataclass
class LineData:
    """One 附表2 line as declared."""

    model: str
    standard_yuan: Decimal
    units: int
    amount_wan: Decimal
    brand: str = ""
    opening_stock: int = 0
    closing_stock: int = 0


@dataclass
class ClaimData:
    """附表1 as declared, with its 附表2 lines; ``month`` None for the annual settlement."""

    manufacturer: str
    category: str
    year: int
    month: int | None
    received_on: date
    opening_stock: int
    production: int
    shipments: int
    closing_stock: int
    units_promoted: int
    amount_wan: Decimal
    lines: list[LineData] = field(default_factory=list)


def category_choices(campaign: VerificationCampaign) -> list[tuple[str, str]]:
    """The campaign's categories (all eight when it names none), in the seed's order."""
    chosen = set(campaign.categories or [])
    return [(c, n) for c, n in categories.PRODUCT_CATEGORIES if not chosen or c in chosen]


# -- products -----------------------------------------------------------------------------------


def products_of(campaign: VerificationCampaign, unit: Organisation, user) -> list[SubsidyProduct]:
    stmt = access.scoped(SubsidyProduct, user).where(
        SubsidyProduct.campaign_id == campaign.id, SubsidyProduct.unit_id == unit.id
    )
    order = (SubsidyProduct.manufacturer, SubsidyProduct.category, SubsidyProduct.model)
    return list(db.session.scalars(stmt.order_by(*order, SubsidyProduct.id)))


def eligibility_of(product, reference: SubsidyReference | None = None) -> Eligibility:
    """The product's eligibility and subsidy per unit under the reference rows in use."""
    reference = reference or in_use()
    return product_eligibility(product, fridge=reference.fridge, desktop=reference.desktop)


def _clean_product(campaign: VerificationCampaign, data: ProductData) -> ProductData:
    data.manufacturer = data.manufacturer.strip()
    data.model = data.model.strip()
    data.brand = data.brand.strip()
    if not data.manufacturer:
        raise DomainError(_l("请填写生产企业。"), field="manufacturer")
    if not data.model:
        raise DomainError(_l("请填写规格型号。"), field="model")
    if data.category not in dict(category_choices(campaign)):
        raise DomainError(_l("该产品类别不在本次核查范围内。"), field="category")
    if data.category == "fridge":
        data.fridge_kind = categories.normalise_fridge_kind(data.fridge_kind)
    else:
        data.fridge_kind, data.volume_l, data.efficiency_index = "", None, None
    if data.category != "desktop":
        data.workstation = data.industrial = data.all_in_one = False
        data.discrete_gpus, data.psu_watts, data.screen_inches = 0, None, None
    elif not data.all_in_one:
        data.screen_inches = None
    return data


def _refuse_duplicate_product(campaign, data: ProductData, product_id: int | None) -> None:
    # The constraint is campaign-wide (one promoted model of a maker, one row), so the check
    # looks beyond the user's scope; the message names nothing from another unit.
    clash = db.session.scalar(
        select(SubsidyProduct.id).where(
            SubsidyProduct.campaign_id == campaign.id,
            SubsidyProduct.manufacturer == data.manufacturer,
            SubsidyProduct.model == data.model,
        )
    )
    if clash is not None and clash != product_id:
        raise DomainError(_l("本次核查中该生产企业的这一型号已登记。"), field="model")


def _apply(product: SubsidyProduct, data: ProductData) -> None:
    for name in ProductData.__dataclass_fields__:
        setattr(product, name, getattr(data, name))


def add_product(
    campaign: VerificationCampaign, unit: Organisation, data: ProductData, *, actor
) -> SubsidyProduct:
    """Register a promoted model for the unit's checks."""
    data = _clean_product(campaign, data)
    _refuse_duplicate_product(campaign, data, None)
    product = SubsidyProduct(
        campaign_id=campaign.id, unit_id=unit.id, province_id=unit.province_org_id
    )
    _apply(product, data)
    db.session.add(product)
    db.session.flush()
    return product


def edit_product(product: SubsidyProduct, data: ProductData, *, actor) -> SubsidyProduct:
    """Correct a promoted model; claims that use it are rechecked by hand (their page says so)."""
    campaign = db.session.get(VerificationCampaign, product.campaign_id)
    data = _clean_product(campaign, data)
    _refuse_duplicate_product(campaign, data, product.id)
    _apply(product, data)
    db.session.flush()
    return product


def product_data(product: SubsidyProduct) -> ProductData:
    return ProductData(
        **{name: getattr(product, name) for name in ProductData.__dataclass_fields__}
    )


# -- claims -------------------------------------------------------------------------------------


def claims_of(campaign: VerificationCampaign, unit: Organisation, user) -> list[SubsidyClaim]:
    stmt = access.scoped(SubsidyClaim, user).where(
        SubsidyClaim.campaign_id == campaign.id, SubsidyClaim.unit_id == unit.id
    )
    # Newest period first; a year's settlement (month NULL) before its months, on any database.
    order = (
        SubsidyClaim.manufacturer,
        SubsidyClaim.year.desc(),
        SubsidyClaim.month.is_not(None),
        SubsidyClaim.month.desc(),
    )
    return list(db.session.scalars(stmt.order_by(*order, SubsidyClaim.id)))


def due_on(claim: SubsidyClaim) -> date:
    """When the maker had to send it: month end + 10 days, or 30 days after the year."""
    if claim.month is None:
        return annual_settlement_due(claim.year)
    return monthly_report_due(claim.year, claim.month)


def is_late(claim: SubsidyClaim) -> bool:
    return claim.received_on > due_on(claim)


def period(year: int, month: int | None) -> tuple[date, date]:
    """First day of the claim's period and first day after it."""
    if month is None:
        return date(year, 1, 1), date(year + 1, 1, 1)
    if month == 12:
        return date(year, 12, 1), date(year + 1, 1, 1)
    return date(year, month, 1), date(year, month + 1, 1)


def _maker_products(claim: SubsidyClaim) -> list[SubsidyProduct]:
    # The promoted models are a campaign-wide list (one row per maker and model), so a claim
    # is checked against the maker's models whichever unit registered them.
    return list(
        db.session.scalars(
            select(SubsidyProduct).where(
                SubsidyProduct.campaign_id == claim.campaign_id,
                SubsidyProduct.manufacturer == claim.manufacturer,
                SubsidyProduct.category == claim.category,
            )
        )
    )


def standards_for(claim: SubsidyClaim, reference: SubsidyReference) -> dict[str, Decimal | None]:
    """Model → the subsidy the rules give it (0 when not eligible, None when data are missing)."""
    standards: dict[str, Decimal | None] = {}
    for product in _maker_products(claim):
        verdict = eligibility_of(product, reference)
        if verdict.status in (EligibilityStatus.MISSING_DATA, EligibilityStatus.NO_RULES):
            standards[product.model] = None
        else:
            standards[product.model] = verdict.amount
    return standards


def sold_units(claim: SubsidyClaim) -> int:
    """Consumer-sales records (附表3-6) of the claim's maker sold in its period, across the
    campaign's units (a maker's claim covers the whole country), limited to the category's
    models (those registered and those the claim declares) when there are any."""
    start, end = period(claim.year, claim.month)
    models = {line.model for line in claim.lines} | {p.model for p in _maker_products(claim)}
    stmt = select(func.count(ConsumerSale.id)).where(
        ConsumerSale.campaign_id == claim.campaign_id,
        ConsumerSale.manufacturer == claim.manufacturer,
        ConsumerSale.sold_on >= start,
        ConsumerSale.sold_on < end,
    )
    if models:
        stmt = stmt.where(ConsumerSale.model.in_(sorted(models)))
    return db.session.scalar(stmt) or 0


def _clean_claim(campaign: VerificationCampaign, data: ClaimData) -> ClaimData:
    data.manufacturer = data.manufacturer.strip()
    if not data.manufacturer:
        raise DomainError(_l("请填写生产企业。"), field="manufacturer")
    if data.category not in dict(category_choices(campaign)):
        raise DomainError(_l("该产品类别不在本次核查范围内。"), field="category")
    if data.month is not None and not 1 <= data.month <= 12:
        raise DomainError(_l("月份应为 1 至 12。"), field="month")
    seen: set[str] = set()
    for line in data.lines:
        line.model, line.brand = line.model.strip(), line.brand.strip()
        key = model_key(line.model)
        if key in seen:
            raise DomainError(_l("明细中型号 %(m)s 重复。", m=line.model), field="lines")
        seen.add(key)
    clash = db.session.scalar(
        select(SubsidyClaim.id).where(
            SubsidyClaim.campaign_id == campaign.id,
            SubsidyClaim.manufacturer == data.manufacturer,
            SubsidyClaim.category == data.category,
            SubsidyClaim.year == data.year,
            SubsidyClaim.month.is_(None)
            if data.month is None
            else SubsidyClaim.month == data.month,
        )
    )
    if clash is not None:
        raise DomainError(_l("该生产企业这一期的补贴申请已录入。"), field="month")
    return data


def record_claim(
    campaign: VerificationCampaign, unit: Organisation, data: ClaimData, *, actor, now=None
) -> SubsidyClaim:
    """Record a maker's claim as declared and check it at once."""
    data = _clean_claim(campaign, data)
    claim = SubsidyClaim(
        campaign_id=campaign.id,
        unit_id=unit.id,
        province_id=unit.province_org_id,
        manufacturer=data.manufacturer,
        category=data.category,
        year=data.year,
        month=data.month,
        received_on=data.received_on,
        opening_stock=data.opening_stock,
        production=data.production,
        shipments=data.shipments,
        closing_stock=data.closing_stock,
        units_promoted=data.units_promoted,
        amount_wan=data.amount_wan,
    )
    for line in data.lines:
        claim.lines.append(
            ClaimLine(
                brand=line.brand,
                model=line.model,
                standard_yuan=line.standard_yuan,
                opening_stock=line.opening_stock,
                closing_stock=line.closing_stock,
                units=line.units,
                amount_wan=line.amount_wan,
            )
        )
    db.session.add(claim)
    db.session.flush()
    recheck(claim, actor=actor, now=now)
    return claim


def recheck(
    claim: SubsidyClaim, *, actor=None, now=None, reference: SubsidyReference | None = None
) -> list[Difference]:
    """Recompute the claim with the products and reference rows in use and the records
    imported so far; store the differences and the amount the rules allow."""
    reference = reference or in_use()
    standards = standards_for(claim, reference)
    found = check_claim(claim, claim.lines, standards, sold_units(claim))
    claim.differences = [d.as_dict() for d in found]
    claim.computed_amount_wan = allowed_amount_wan(claim.lines, standards)
    claim.checked_at = now or utcnow()
    claim.checked_by_id = getattr(actor, "id", None)
    claim.reference_version = reference.code
    claim.reference_unverified = reference.unverified
    db.session.flush()
    return found
