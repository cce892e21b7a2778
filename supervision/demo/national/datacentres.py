"""Data centres of the national data set: one per enterprise of
``build.facts["datacentre_operators"]`` with its metering points and the twelve monthly
readings of 2019, the year the 2020 plan's cases assess (``InspectionCase.assessed_year``).

About a third are large (大型及以上, the PUE target of DOMAIN 6.2 applies); annual PUEs spread
from about 1.2 to 2.0 with a summer peak, so the verdicts vary: compliant, over the 1.4
target, no target for smaller ones, and a few with GB 17167 metering gaps (no total meter, a
meter at the wrong boundary) that turn the figure into 数据不全 / 数据异常.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from random import Random

from sqlalchemy import select

from ...datacentres.models import DataCentre, MeteringPoint, MonthlyReading
from ...enterprises.models import Enterprise
from ...extensions import db
from ...inspections.rules.pue import Boundary, MeterRole

#: The year whose readings the 2020 plan's cases judge (plan year − 1).
YEAR = 2019
#: Registered in the system before the readings of the year were entered.
REGISTERED_AT = datetime(2019, 1, 8, 1, 0, tzinfo=UTC)
LARGE_SHARE = 0.35
#: How the site is called after its operator's name.
SITES = ("", "云计算", "大数据", "灾备", "一号", "二号", "园区", "城域")
_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团")
#: (name, role, boundary) of the meters; the wrong boundaries are the planted gaps.
TOTAL_METER = ("总进线电能表", MeterRole.TOTAL)
IT_METERS = {
    Boundary.UPS_OUTPUT: "UPS 输出端电能表",
    Boundary.PDU_INPUT: "PDU 输入端电能表",
    Boundary.UPS_INPUT: "UPS 输入端电能表",
}
NON_IT_METER = ("UPS 供电照明及新风分项电能表", MeterRole.NON_IT_ON_UPS, Boundary.LOAD)
SOURCES = ("import", "import", "api", "manual")


def load(build) -> None:
    """Data centres, meters and readings, bulk-inserted; ``build.facts["data_centres"]`` gets
    their (id, enterprise id, province id)."""
    operators = list(build.facts["datacentre_operators"])
    rng = build.rng("datacentres")
    names = _operator_names([enterprise_id for enterprise_id, _p, _d in operators])
    plans = [_plan(rng, names.get(e, ("", ""))) for e, _p, _d in operators]
    writer = build.writer
    first = writer.next_id(DataCentre.__table__, len(plans))
    centres, points, readings = [], [], []
    for n, ((enterprise_id, province_id, division), plan) in enumerate(
        zip(operators, plans, strict=True)
    ):
        centre_id = first + n
        centres.append(
            {
                "id": centre_id,
                "enterprise_id": enterprise_id,
                "province_id": province_id,
                "name": plan["name"],
                "address": plan["address"],
                "racks": plan["racks"],
                "large": plan["large"],
                "design_pue": plan["design_pue"],
                "commissioned_on": plan["commissioned_on"],
                "created_at": REGISTERED_AT + timedelta(minutes=n),
                "version": 1,
            }
        )
        for k, (name, role, boundary) in enumerate(plan["meters"], start=1):
            points.append(
                {
                    "data_centre_id": centre_id,
                    "name": name,
                    "role": role.value,
                    "boundary": boundary.value,
                    "meter_number": f"{division}-{centre_id:06d}-{k:02d}",
                    "note": "",
                }
            )
        for month, total, it in plan["readings"]:
            readings.append(
                {
                    "data_centre_id": centre_id,
                    "month": month,
                    "total_kwh": total,
                    "it_kwh": it,
                    "source": plan["source"],
                    "entered_at": _entered_at(month),
                }
            )
    _with_ids(writer, MeteringPoint.__table__, points)
    _with_ids(writer, MonthlyReading.__table__, readings)
    writer.insert(DataCentre.__table__, centres, label="data centres", total=len(centres))
    writer.insert(MeteringPoint.__table__, points, label="metering points", total=len(points))
    writer.insert(MonthlyReading.__table__, readings, label="monthly readings", total=len(readings))
    build.facts["data_centres"] = [
        (row["id"], row["enterprise_id"], row["province_id"]) for row in centres
    ]


def _with_ids(writer, table, rows: list[dict]) -> None:
    first = writer.next_id(table, len(rows))
    for n, row in enumerate(rows):
        row["id"] = first + n


def _operator_names(ids: list[int]) -> dict[int, tuple[str, str]]:
    """Operators' (name, address), one query per thousand."""
    found = {}
    for start in range(0, len(ids), 1000):
        rows = db.session.execute(
            select(Enterprise.id, Enterprise.name, Enterprise.address).where(
                Enterprise.id.in_(ids[start : start + 1000])
            )
        )
        found.update({row.id: (row.name, row.address) for row in rows})
    return found


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _entered_at(month: date) -> datetime:
    """Readings reach the system around the 10th of the following month."""
    following = date(month.year + month.month // 12, month.month % 12 + 1, 10)
    return datetime(following.year, following.month, following.day, 2, 0, tzinfo=UTC)


def _meters(rng: Random) -> list[tuple[str, MeterRole, Boundary]]:
    """Total meter at the incoming supply and IT meter at UPS output or PDU input, but for a
    few: no total meter, or a meter at the UPS input (GB 17167 gaps)."""
    meters = []
    roll = rng.random()
    if roll >= 0.03:
        boundary = Boundary.UPS_INPUT if roll < 0.05 else Boundary.TOTAL_INPUT
        meters.append((TOTAL_METER[0], TOTAL_METER[1], boundary))
    roll = rng.random()
    it_boundary = (
        Boundary.UPS_INPUT
        if roll < 0.04
        else Boundary.UPS_OUTPUT
        if roll < 0.65
        else Boundary.PDU_INPUT
    )
    meters.append((IT_METERS[it_boundary], MeterRole.IT, it_boundary))
    if rng.random() < 0.4:
        meters.append(NON_IT_METER)
    return meters


def _plan(rng: Random, operator: tuple[str, str]) -> dict:
    """One data centre: its facts, meters and the year's readings."""
    name, address = operator
    large = rng.random() < LARGE_SHARE
    if large:
        racks = rng.randint(3000, 12000)
        design = rng.uniform(1.25, 1.45)
        pue = design + rng.uniform(-0.05, 0.20)
        per_rack_kw = rng.uniform(2.5, 6.0)
        commissioned = date(2012, 1, 1) + timedelta(days=rng.randrange(7 * 365))
    else:
        racks = rng.randint(150, 2999)
        design = rng.uniform(1.40, 1.80)
        pue = min(design + rng.uniform(-0.05, 0.30), 2.2)
        per_rack_kw = rng.uniform(1.5, 4.0)
        commissioned = date(2005, 1, 1) + timedelta(days=rng.randrange(14 * 365))
    site = SITES[rng.randrange(len(SITES))]
    short = _short(name)[:100]
    if site in short:
        site = ""
    load_factor = rng.uniform(0.35, 0.8)
    swing = rng.uniform(0.03, 0.08)  # cooling: summer months above the year's PUE
    readings = []
    for month in range(1, 13):
        first = date(YEAR, month, 1)
        hours = 24 * ((date(YEAR + month // 12, month % 12 + 1, 1) - first).days)
        it = racks * per_rack_kw * load_factor * rng.uniform(0.97, 1.03) * hours
        month_pue = pue * (1 + swing * math.cos(2 * math.pi * (month - 7.5) / 12))
        readings.append((first, Decimal(f"{it * month_pue:.2f}"), Decimal(f"{it:.2f}")))
    return {
        "name": f"{short}{site}数据中心".replace("数据数据中心", "数据中心"),
        "address": address,
        "racks": racks,
        "large": large,
        "design_pue": Decimal(f"{design:.2f}"),
        "commissioned_on": commissioned,
        "meters": _meters(rng),
        "readings": readings,
        "source": SOURCES[rng.randrange(len(SOURCES))],
    }
