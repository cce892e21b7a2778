"""Province A set up for the draw pages: a second officer (the witness), five certified
inspectors and one whose certificate expired, and six key energy-using enterprises beside
the world's data centre."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from conftest import World, credit_code
from supervision.core.models import Role, User
from supervision.daily.models import DailyDraw
from supervision.enterprises.models import Enterprise
from supervision.enterprises.service import EnterpriseData, create_enterprise
from supervision.extensions import db

#: (name, division code, annual energy use tce) of the enterprises made for the draws.
ENTERPRISES = (
    ("南京钢铁日常监察有限公司", "320102", "52000"),
    ("南京水泥日常监察有限公司", "320105", "18000"),
    ("无锡化工日常监察有限公司", "320205", "9000"),
    ("无锡纺织日常监察有限公司", "320211", "6500"),
    ("徐州电力日常监察有限公司", "320302", "120000"),
    ("徐州玻璃日常监察有限公司", "320311", "3000"),
)


@dataclass
class DailyPages:
    world: World
    witness: User
    inspectors: list[User]
    expired: User
    enterprises: list[Enterprise] = field(default_factory=list)

    def form(self, **overrides) -> dict:
        """The draw form as an officer fills it: 4 enterprises, 2 pairs of the first four
        inspectors, results public by 31 December 2026."""
        data = {
            "title": "2026年第二批双随机抽查",
            "year": "2026",
            "sample_size": "4",
            "sample_rate": "",
            "stratify_by": "",
            "min_energy_tce": "",
            "max_energy_tce": "",
            "key_units_only": "y",
            "exclude_inspected_months": "",
            "exclude_special_tasks": "y",
            "inspector_ids": [str(u.id) for u in self.inspectors[:4]],
            "pair_count": "2",
            "agency_id": str(self.world.a_province.id),
            "work_due_on": "2026-12-15",
            "publish_by": "2026-12-31",
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    def latest_draw(self) -> DailyDraw:
        return db.session.scalars(select(DailyDraw).order_by(DailyDraw.id.desc())).first()


@pytest.fixture
def pages(world: World, make_user) -> DailyPages:
    witness = make_user("a-officer-2", Role.PROVINCIAL_OFFICER, "320000", full_name="甲监督人")
    inspectors = [world.a_inspector] + [
        make_user(f"a-insp-{n}", Role.INSPECTOR, world.a_agency, full_name=f"甲执法员{n}")
        for n in range(2, 6)
    ]
    expired = make_user(
        "a-insp-old",
        Role.INSPECTOR,
        world.a_agency,
        full_name="过期执法员",
        certificate_expires_on=date(2026, 1, 31),
    )
    made = DailyPages(world, witness, inspectors, expired)
    for n, (name, division, tce) in enumerate(ENTERPRISES, start=700):
        made.enterprises.append(
            create_enterprise(
                world.a_province,
                EnterpriseData(
                    credit_code=credit_code(n),
                    name=name,
                    division_code=division,
                    key_energy_unit=True,
                    annual_energy_tce=Decimal(tce),
                ),
            )
        )
    db.session.commit()
    return made
