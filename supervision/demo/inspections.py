"""Demo work for the on-site supervision pages: a registered data centre, a demo catalogue."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ..datacentres.models import DataCentre, MeteringPoint, MonthlyReading
from ..enterprises.models import Enterprise
from ..extensions import db
from ..inspections.rules.equipment import EliminationPattern
from ..reference import codec
from ..reference import service as reference

DATA_CENTRE_OWNER = "郑州中原数据中心有限公司"

#: (pattern, kind, description): shown flagged — the real batches' model lists are not
#: transcribed yet (DOMAIN 6.5), so these demonstrate the check, they are not the law.
DEMO_PATTERNS = (
    ("JO2-*", "motor", "JO2 系列三相异步电动机（演示数据）"),
    ("JO3-*", "motor", "JO3 系列三相异步电动机（演示数据）"),
    ("4-72-11*", "fan", "4-72-11 型离心通风机（演示数据）"),
)

#: 2018 monthly (total kWh, IT kWh): a year already metered, for the trend chart.
READINGS_2018 = [
    (1_620_000, 1_080_000),
    (1_480_000, 1_000_000),
    (1_640_000, 1_090_000),
    (1_700_000, 1_110_000),
    (1_820_000, 1_150_000),
    (1_950_000, 1_180_000),
    (2_080_000, 1_210_000),
    (2_060_000, 1_200_000),
    (1_880_000, 1_160_000),
    (1_760_000, 1_140_000),
    (1_650_000, 1_110_000),
    (1_640_000, 1_100_000),
]


def load_inspections() -> None:
    """Idempotent: adds only what is missing."""
    _demo_elimination_patterns()
    _demo_data_centre()


def _demo_elimination_patterns() -> None:
    current = reference.current("elimination_catalogue")
    if any(batch.patterns for batch in current.rows):
        return
    first, *others = current.rows
    patterns = tuple(EliminationPattern(p, kind, text) for p, kind, text in DEMO_PATTERNS)
    rows = (replace(first, patterns=patterns, note="演示数据：型号规则待核实"), *others)
    reference.save_revision(
        "elimination_catalogue",
        codec.dump(rows),
        note="演示数据：第一批加入示例型号规则（待核实）",
        actor_name="demo",
    )


def _demo_data_centre() -> None:
    owner = db.session.scalar(select(Enterprise).where(Enterprise.name == DATA_CENTRE_OWNER))
    if owner is None or db.session.scalar(
        select(DataCentre.id).where(DataCentre.enterprise_id == owner.id)
    ):
        return
    centre = DataCentre(
        enterprise=owner,
        province_id=owner.province_id,
        name="郑州中原数据中心 1 号楼",
        address="河南省郑州市郑东新区",
        racks=2200,
        large=True,
        design_pue=Decimal("1.45"),
        commissioned_on=date(2017, 6, 1),
    )
    centre.metering_points = [
        MeteringPoint(name="10kV 总进线", role="total", boundary="total_input"),
        MeteringPoint(name="UPS 输出柜", role="it", boundary="ups_output"),
        MeteringPoint(name="UPS 供电照明", role="non_it_on_ups", boundary="load"),
    ]
    centre.readings = [
        MonthlyReading(
            month=date(2018, month, 1),
            total_kwh=Decimal(total),
            it_kwh=Decimal(it),
            source="import",
        )
        for month, (total, it) in enumerate(READINGS_2018, start=1)
    ]
    db.session.add(centre)
