"""Shared by the annex tests: a province-A filing with tasks in every category; workbook readers."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from conftest import World, credit_code
from supervision.enterprises.models import ProductionStatus
from supervision.enterprises.service import EnterpriseData, create_enterprise
from supervision.extensions import db
from supervision.industries.service import by_code
from supervision.plans.service import plan_for_year
from supervision.tasks import service as tasks
from supervision.tasks.models import ReviewMethod

FORMULA_NAME = '=HYPERLINK("x")'


@dataclass
class Filed:
    world: World
    filing: object
    enterprises: dict
    tasks: dict


@pytest.fixture(name="filed")
def filed_fixture(world: World) -> Filed:
    """Jiangsu (A): 一 ×3 (one stopped), 二 ×2 with a 三 rider, the world's 四, 五 ×2;
    funds recorded. One enterprise has both a 一 and a 五 task."""
    plan = plan_for_year(2020)
    filing = tasks.filing_for(plan, world.a_province)

    def enterprise(n, name, industry=None, status=ProductionStatus.OPERATING, products=""):
        return create_enterprise(
            world.a_province,
            EnterpriseData(
                credit_code=credit_code(500 + n),
                name=name,
                division_code="320115",
                industry=by_code(industry) if industry else None,
                status=status,
                products=products,
            ),
        )

    e = {
        "acid": enterprise(1, "南京硫酸厂", "sulphuric_acid", products="硫磺制酸"),
        "acid_stopped": enterprise(2, "停产硫酸厂", "sulphuric_acid", ProductionStatus.STOPPED),
        "wall": enterprise(3, "宜兴砖瓦厂", "sintered_wall"),
        "steel": enterprise(4, "南京钢铁", "steel"),
        "cement": enterprise(5, "江南水泥", "cement"),
        "formula": enterprise(6, FORMULA_NAME),
    }

    def add(key, category, industry=None, **kw):
        kw.setdefault("agency", world.a_agency)
        kw.setdefault("inspectors", [world.a_inspector])
        kw.setdefault("planned_month", 4)
        kw.setdefault("method", ReviewMethod.ON_SITE)
        return tasks.add_task(
            filing,
            enterprise=e[key],
            category=category,
            industry=by_code(industry) if industry else None,
            **kw,
        )

    t = {
        "acid": add("acid", 1, "sulphuric_acid"),
        "acid_stopped": add("acid_stopped", 1, "sulphuric_acid", method=ReviewMethod.DESK),
        "wall": add("wall", 1, "sintered_wall"),
        "steel": add("steel", 2, "steel"),
        "cement": add("cement", 2, "cement", method=ReviewMethod.DESK),
        "acid_review": add("acid", 5),
        "formula": add("formula", 5, remarks="2019年超限额"),
    }
    t["rider"] = add("steel", 3, parent_task=t["steel"])
    tasks.update_funds(
        filing,
        earlier_funds_received=Decimal("100.00"),
        earlier_funds_used=Decimal("60.50"),
        carried_over_balance=Decimal("39.50"),
        carried_over_planned=Decimal("39.50"),
        funds_requested=Decimal("25.00"),
        funds_report="前期资金已按规定使用。",
    )
    db.session.commit()
    return Filed(world, filing, e, t)


def open_xlsx(data: bytes | str):
    return load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data)


def row_where(ws, column: str, value):
    """The first row number whose cell in ``column`` equals ``value``."""
    for row in range(1, ws.max_row + 1):
        if ws[f"{column}{row}"].value == value:
            return row
    raise AssertionError(f"no row with {column} == {value!r}")


def merged(ws) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def credit_code_for_b(serial: int) -> str:
    return credit_code(900 + serial, prefix="913300")
