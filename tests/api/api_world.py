"""Demo-like records for tests that exercise the whole API: the conftest World, plus cases of
each metrics kind, a metered data centre with readings, province B's registry, and a token
for each user."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from api_helpers import bearer_for
from sqlalchemy import select

from conftest import World, credit_code
from supervision.core.models import Role, User
from supervision.datacentres.models import DataCentre, MeteringPoint, MonthlyReading
from supervision.enterprises.models import Enterprise
from supervision.enterprises.service import EnterpriseData, create_enterprise
from supervision.extensions import db
from supervision.industries.service import by_code
from supervision.inspections import service as cases
from supervision.inspections.models import InspectionCase
from supervision.plans.service import plan_for_year
from supervision.tasks.models import ReviewMethod, SupervisionTask
from supervision.tasks.service import add_task, filing_for


@dataclass
class ApiWorld:
    world: World
    #: Province A's inspection cases: category 四 (the world's task), 一 (quota), 二 (ladder).
    dc_case: InspectionCase
    quota_case: InspectionCase
    ladder_case: InspectionCase
    centre: DataCentre
    a_enterprises: list[Enterprise]
    b_enterprise: Enterprise
    b_task: SupervisionTask
    #: Bearer headers by user name ("a-officer" …), made on demand by ``headers``.
    _headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def headers(self, user: User) -> dict[str, str]:
        if user.username not in self._headers:
            self._headers[user.username] = bearer_for(user, "api-world")
        return self._headers[user.username]


def _enterprise(province, serial: int, name: str, industry: str | None = None, prefix="913200"):
    return create_enterprise(
        province,
        EnterpriseData(
            credit_code=credit_code(serial, prefix),
            name=name,
            division_code="320102" if prefix == "913200" else "330102",
            industry=by_code(industry) if industry else None,
            key_energy_unit=True,
            annual_energy_tce=Decimal("12000.5"),
        ),
    )


def _task(province, enterprise, category, industry, agency, inspectors) -> SupervisionTask:
    return add_task(
        filing_for(plan_for_year(2020), province),
        enterprise=enterprise,
        category=category,
        industry=by_code(industry) if industry else None,
        agency=agency,
        inspectors=inspectors,
        planned_month=5,
        method=ReviewMethod.ON_SITE,
    )


def _case_of(task: SupervisionTask) -> InspectionCase:
    return db.session.scalar(select(InspectionCase).where(InspectionCase.task_id == task.id))


@pytest.fixture
def api_world(world: World, make_user) -> ApiWorld:
    partner = make_user("a-inspector-2", Role.INSPECTOR, world.a_agency, full_name="乙监察员")
    inspectors = [world.a_inspector, partner]
    acid = _enterprise(world.a_province, 801, "南京硫酸有限公司", "sulphuric_acid")
    aluminium = _enterprise(world.a_province, 802, "示例电解铝有限公司", "electrolytic_aluminium")
    steel = _enterprise(world.a_province, 803, "示例钢铁有限公司", "steel")
    quota_task = _task(world.a_province, acid, 1, "sulphuric_acid", world.a_agency, inspectors)
    ladder_task = _task(
        world.a_province, aluminium, 2, "electrolytic_aluminium", world.a_agency, inspectors
    )
    b_enterprise = _enterprise(world.b_province, 804, "浙江示例水泥有限公司", "cement", "913300")
    b_task = _task(world.b_province, b_enterprise, 2, "cement", world.b_agency, [world.b_inspector])
    db.session.flush()
    cases.open_cases(world.a_task.filing)
    cases.open_cases(b_task.filing)
    centre = DataCentre(
        enterprise_id=world.a_enterprise.id,
        province_id=world.a_province.id,
        name="甲省一号数据中心",
        large=True,
    )
    centre.metering_points = [
        MeteringPoint(name="总进线", role="total", boundary="total_input"),
        MeteringPoint(name="UPS 输出", role="it", boundary="ups_output"),
    ]
    centre.readings = [
        MonthlyReading(
            month=date(2019, month, 1),
            total_kwh=Decimal("1520000"),
            it_kwh=Decimal("1000000"),
            source="manual",
        )
        for month in range(1, 7)
    ]
    db.session.add(centre)
    db.session.commit()
    return ApiWorld(
        world=world,
        dc_case=_case_of(world.a_task),
        quota_case=_case_of(quota_task),
        ladder_case=_case_of(ladder_task),
        centre=centre,
        a_enterprises=[world.a_enterprise, acid, aluminium, steel],
        b_enterprise=b_enterprise,
        b_task=b_task,
    )
