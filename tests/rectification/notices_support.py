"""Cases of province A with findings, ready for a rectification notice (shared by the notice
tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

from conftest import World, credit_code
from supervision.core.models import Role, User
from supervision.enterprises.service import EnterpriseData, create_enterprise
from supervision.extensions import db
from supervision.inspections import service as cases
from supervision.inspections.models import CaseStatus, Finding, InspectionCase
from supervision.plans.service import plan_for_year
from supervision.rectification import service
from supervision.rectification.models import RectificationNotice
from supervision.tasks.models import ReviewMethod
from supervision.tasks.service import add_task, filing_for

#: "Now" of the notice tests: late in 2020, after every date they use (Beijing 10:00).
NOW = datetime(2020, 12, 1, 2, 0, tzinfo=UTC)
#: "Now" for notices served in 2021.
NOW_2021 = datetime(2021, 1, 4, 2, 0, tzinfo=UTC)
VISIT = date(2020, 9, 10)
BASIS = "《中华人民共和国节约能源法》第十七条：禁止使用国家明令淘汰的用能设备"


@dataclass
class Notices:
    world: World
    partner: User
    serial: int = 700
    made: list = field(default_factory=list)

    def case(
        self,
        *,
        findings: int = 2,
        agency=None,
        visit_on: date | None = VISIT,
        status: CaseStatus = CaseStatus.FINDINGS,
        category: int = 4,
        enterprise=None,
        inspectors=None,
    ) -> InspectionCase:
        """A case of province A (agency A unless told) with ``findings`` findings."""
        self.serial += 1
        world = self.world
        if enterprise is None:
            enterprise = create_enterprise(
                world.a_province,
                EnterpriseData(
                    credit_code=credit_code(self.serial),
                    name=f"整改企业{self.serial}有限公司",
                    division_code="320102",
                    key_energy_unit=True,
                ),
            )
        filing = filing_for(plan_for_year(2020), world.a_province)
        task = add_task(
            filing,
            enterprise=enterprise,
            category=category,
            industry=None,
            agency=agency or world.a_agency,
            inspectors=inspectors or [world.a_inspector, self.partner],
            planned_month=5,
            method=ReviewMethod.ON_SITE,
        )
        db.session.flush()
        cases.open_cases(filing)
        case = db.session.query(InspectionCase).filter_by(task_id=task.id).one()
        case.visit_on = visit_on
        case.status = status
        for n in range(1, findings + 1):
            db.session.add(
                Finding(
                    case=case,
                    kind="eliminated_equipment",
                    description=f"使用淘汰电机 Y-{n}",
                    basis_text=BASIS,
                )
            )
        db.session.commit()
        return case

    def issue(
        self, case: InspectionCase | None = None, *, actor=None, now=NOW, **overrides
    ) -> RectificationNotice:
        """Issue a notice for every open finding of ``case`` (a new case if none)."""
        case = case or self.case()
        values = {
            "finding_ids": [f.id for f in service.available_findings(case)],
            "measures": "淘汰 Y 系列电机，更换为能效 2 级及以上产品",
            "basis": "workdays",
            "days": 15,
            "served_on": date(2020, 9, 25),
        }
        values.update(overrides)
        notice = service.issue_notice(case, actor=actor or self.world.a_officer, now=now, **values)
        db.session.commit()
        return notice


@pytest.fixture
def notices(world: World, make_user) -> Notices:
    partner = make_user("a-inspector-2", Role.INSPECTOR, world.a_agency, full_name="乙监察员")
    return Notices(world, partner)
