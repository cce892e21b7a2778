"""Cases in province A ready to work on, shared by the inspection view tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import PASSWORD, World, credit_code
from supervision.core.models import Role
from supervision.enterprises.service import EnterpriseData, create_enterprise
from supervision.extensions import db
from supervision.industries.service import by_code
from supervision.inspections import service as cases
from supervision.inspections.models import InspectionCase
from supervision.plans.service import plan_for_year
from supervision.tasks.models import ReviewMethod
from supervision.tasks.service import add_task, filing_for

__all__ = ["PASSWORD", "Casework", "casework"]


@dataclass
class Casework:
    world: World
    partner: object  #: a second certified inspector of agency A (two are needed on site)
    serial: int = 500

    def open(
        self,
        category: int,
        industry_code: str | None = None,
        *,
        name: str | None = None,
        method: ReviewMethod = ReviewMethod.ON_SITE,
        inspectors=None,
        parent=None,
    ) -> InspectionCase:
        """File a task for a new enterprise of province A and open its case."""
        self.serial += 1
        industry = by_code(industry_code) if industry_code else None
        enterprise = create_enterprise(
            self.world.a_province,
            EnterpriseData(
                credit_code=credit_code(self.serial),
                name=name or f"案件企业{self.serial}",
                division_code="320102",
                industry=industry,
                key_energy_unit=True,
            ),
        )
        filing = filing_for(plan_for_year(2020), self.world.a_province)
        task = add_task(
            filing,
            enterprise=enterprise,
            category=category,
            industry=industry,
            agency=self.world.a_agency,
            inspectors=inspectors or [self.world.a_inspector, self.partner],
            planned_month=5,
            method=method,
            parent_task=parent.task if parent is not None else None,
        )
        db.session.flush()
        cases.open_cases(filing)
        db.session.commit()
        return db.session.query(InspectionCase).filter_by(task_id=task.id).one()


@pytest.fixture
def casework(world: World, make_user) -> Casework:
    partner = make_user("a-inspector-2", Role.INSPECTOR, world.a_agency, full_name="乙监察员")
    return Casework(world, partner)
