"""Reconciliation of a unit's sales records (seed 000 §二(三)): per manufacturer and model, the
units each stage reports against the declared shipments (附表3-4). Only count and model must
match, not product code for product code.

Every figure is one GROUP BY over a table's (campaign, unit) rows, never the rows themselves;
``rules.reconciliation.reconcile`` compares them. Dealer purchases (附表3-5) and outlet stock
(附表3-2) name no manufacturer: their units go to the manufacturer that declares the model.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, cast, func, select

from ..extensions import db
from .check_support import unit_filter
from .record_models import (
    ConsumerSale,
    DealerPurchase,
    OutletStock,
    ProducerStock,
    Production,
    Shipment,
)
from .rules.reconciliation import (
    Attribution,
    Line,
    attribute_purchases,
    makers_by_model,
    reconcile,
)

#: The stages compared with the declared shipments, in the page's column order.
STAGES = (
    ("production", _l("生产量（附表3-3）")),
    ("dealer_purchases", _l("终端销售商进货（附表3-5）")),
    ("consumer_sales", _l("消费者销售（附表3-6）")),
    ("producer_stock", _l("生产企业库存（附表3-1）")),
    ("outlet_stock", _l("销售机构库存（附表3-2）")),
)
#: Stages with a manufacturer column: counted per (manufacturer, model).
_BY_MAKER = {
    "production": Production,
    "consumer_sales": ConsumerSale,
    "producer_stock": ProducerStock,
}


def _by_maker(model, campaign_id: int, unit_id: int, user) -> dict[tuple[str, str], int]:
    rows = db.session.execute(
        select(model.manufacturer, model.model, func.count())
        .where(unit_filter(model, campaign_id, unit_id, user))
        .group_by(model.manufacturer, model.model)
    )
    return {(maker, name): int(n) for maker, name, n in rows}


def _by_model(amount, model, campaign_id: int, unit_id: int, user) -> dict[str, int]:
    rows = db.session.execute(
        select(model.model, cast(amount, Integer))
        .where(unit_filter(model, campaign_id, unit_id, user))
        .group_by(model.model)
    )
    return {name: int(n or 0) for name, n in rows}


@dataclass
class Reconciliation:
    lines: list[Line]
    #: Units at a stage without a manufacturer that no declared model, or several, accounts for.
    unattributed: dict[str, Attribution]
    totals: dict[str, int]
    declared_total: int

    @property
    def differences(self) -> int:
        return sum(1 for line in self.lines if line.has_difference)


def reconcile_unit(campaign_id: int, unit_id: int, *, user) -> Reconciliation:
    """The unit's reconciliation: lines with a difference first."""
    declared = _by_maker(Shipment, campaign_id, unit_id, user)
    stages = {key: _by_maker(m, campaign_id, unit_id, user) for key, m in _BY_MAKER.items()}
    makers = makers_by_model([*declared, *stages["production"]])
    unattributed = {}
    for key, amount, model in (
        ("dealer_purchases", func.sum(DealerPurchase.quantity), DealerPurchase),
        ("outlet_stock", func.count(), OutletStock),
    ):
        attribution = attribute_purchases(
            _by_model(amount, model, campaign_id, unit_id, user), makers
        )
        stages[key] = attribution.counts
        if attribution.unknown or attribution.ambiguous:
            unattributed[key] = attribution
    ordered = {key: stages[key] for key, _label in STAGES}
    lines = reconcile(declared, ordered)
    totals = {key: sum(line.stage(key).count for line in lines) for key, _label in STAGES}
    return Reconciliation(lines, unattributed, totals, sum(declared.values()))
