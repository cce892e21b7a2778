"""Province A's registry and a helper to file tasks, shared by the task tests."""

from __future__ import annotations

import pytest

from conftest import World, credit_code
from supervision.enterprises.models import ProductionStatus
from supervision.enterprises.service import EnterpriseData, create_enterprise
from supervision.extensions import db
from supervision.industries.service import by_code
from supervision.plans.service import plan_for_year
from supervision.tasks import service
from supervision.tasks.models import ReviewMethod


@pytest.fixture
def jiangsu(world: World):
    """Province A's registry: two sulphuric-acid plants (one stopped), a steel plant."""
    acid = by_code("sulphuric_acid")
    steel = by_code("steel")

    def make(n, name, industry, status=ProductionStatus.OPERATING):
        return create_enterprise(
            world.a_province,
            EnterpriseData(
                credit_code=credit_code(100 + n),
                name=name,
                division_code="320115",
                industry=industry,
                status=status,
            ),
        )

    registry = {
        "acid": make(1, "南京硫酸厂", acid),
        "acid_stopped": make(2, "停产硫酸厂", acid, ProductionStatus.STOPPED),
        "steel": make(3, "南京钢铁", steel),
    }
    db.session.commit()
    filing = service.filing_for(plan_for_year(2020), world.a_province)
    return filing, registry


def add(filing, world, enterprise, category, industry=None, **kw):
    kw.setdefault("agency", world.a_agency)
    kw.setdefault("inspectors", [world.a_inspector])
    kw.setdefault("planned_month", 4)
    kw.setdefault("method", ReviewMethod.ON_SITE)
    return service.add_task(
        filing,
        enterprise=enterprise,
        category=category,
        industry=by_code(industry) if industry else None,
        **kw,
    )
