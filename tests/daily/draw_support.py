"""Shared fixture: a daily-supervision draw of province A (双随机), built through the service:
four certified inspectors (the world's A inspector and three more of A's agency), a second
officer as witness, key energy-using enterprises (one stopped), a declared relation that
moves an enterprise away from the A inspector's pair, the draw run and its cases opened."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from conftest import PASSWORD, World, credit_code
from supervision.accounts.service import create_user
from supervision.core.models import Role, User
from supervision.daily import rules, service
from supervision.daily.models import DailyDraw, DrawAssignment, DrawRun
from supervision.enterprises.models import Enterprise, ProductionStatus
from supervision.enterprises.service import EnterpriseData, create_enterprise
from supervision.extensions import db
from supervision.industries.service import by_code
from supervision.inspections.models import (
    CaseStatus,
    ChecklistEntry,
    CheckResult,
    Finding,
    InspectionCase,
)
from supervision.inspections.rules.checklist import CHECKS

#: The day the fixture's draw is made (2020: the plan year the world's data belong to).
TODAY = date(2020, 6, 1)
NOW = datetime(2020, 6, 1, 2, 0, tzinfo=UTC)
#: Credit codes of the fixture's enterprises: a prefix no other support module uses.
CODE_PREFIX = "913202"
RELATION = "配偶在该企业任职"

#: (name, division code, industry code, annual energy tce, stopped).
ENTERPRISES = (
    ("苏钢日常一号有限公司", "320102", "steel", "52000", False),
    ("苏钢日常二号有限公司", "320205", "steel", "31000", False),
    ("苏泥日常三号有限公司", "320105", "cement", "18000", False),
    ("苏泥日常四号有限公司", "320302", "cement", "12500", False),
    ("苏钢日常五号有限公司", "320311", "steel", "9000", False),
    ("苏泥日常停产有限公司", "320102", "cement", "8000", True),
)


def make_user(username: str, role: Role, org, full_name: str) -> User:
    fields = {}
    if role == Role.INSPECTOR:
        fields = {
            "certificate_number": f"苏执 {username}",
            "certificate_expires_on": date(2028, 1, 1),
        }
    return create_user(
        actor=None,
        username=username,
        full_name=full_name,
        organisation=org,
        roles={role},
        password=PASSWORD,
        now=NOW,
        **fields,
    )


def make_enterprises(world: World, serial: int = 1) -> list[Enterprise]:
    made = []
    for n, (name, division, industry, energy, stopped) in enumerate(ENTERPRISES, serial):
        made.append(
            create_enterprise(
                world.a_province,
                EnterpriseData(
                    credit_code=credit_code(n, CODE_PREFIX),
                    name=name,
                    division_code=division,
                    industry=by_code(industry),
                    key_energy_unit=True,
                    annual_energy_tce=Decimal(energy),
                    status=ProductionStatus.STOPPED if stopped else ProductionStatus.OPERATING,
                    stopped_on=date(2019, 12, 31) if stopped else None,
                ),
            )
        )
    return made


@dataclass
class Daily:
    world: World
    officer: User
    witness: User
    #: The four inspectors of the draw's list (the world's A inspector first).
    inspectors: list[User]
    enterprises: list[Enterprise]
    relation: object
    draw: DailyDraw
    run: DrawRun
    seed: str
    assignments: list[DrawAssignment] = field(default_factory=list)
    cases: list[InspectionCase] = field(default_factory=list)

    def ids(self) -> dict:
        return {"daily_draw": self.draw.id, "relation": self.relation.id}

    def pair_of(self, user: User) -> int | None:
        return next(
            (
                a.pair_no
                for a in self.assignments
                if user.id in (a.inspector_a_id, a.inspector_b_id)
            ),
            None,
        )

    def other_pair_inspector(self, user: User) -> User:
        """An inspector of the draw's other pair than ``user``'s."""
        mine = self.pair_of(user)
        other = next(a for a in self.assignments if a.pair_no != mine)
        return db.session.get(User, other.inspector_a_id)


def draw_values(world: World, inspectors: list[User], **overrides) -> dict:
    """Four of the A enterprises (key units, every industry), two pairs of ``inspectors``."""
    values = {
        "title": "2020年第一批双随机抽查",
        "year": 2020,
        "sample_size": 4,
        "sample_rate": None,
        "stratify_by": "",
        "key_units_only": True,
        "exclude_inspected_months": 6,
        "exclude_special_tasks": True,
        "pair_count": 2,
        "inspector_ids": [u.id for u in inspectors],
        "agency_id": world.a_agency.id,
        "work_due_on": date(2020, 9, 15),
        "publish_by": date(2020, 9, 30),
    }
    values.update(overrides)
    return values


def seed_with_recusal(draw: DailyDraw, inspector: User, enterprise: Enterprise) -> str:
    """A seed whose draw, without relations, sends ``enterprise`` to ``inspector``'s pair:
    declared, the relation then moves it (found by trying "daily-fixture-0", "-1" …)."""
    found = service.population(draw, TODAY)
    for n in range(500):
        seed = f"daily-fixture-{n}"
        result = rules.draw(
            found.eligible,
            seed,
            size=draw.sample_size,
            rate=draw.sample_rate,
            pool_ids=draw.inspector_ids,
            pair_count=draw.pair_count,
        )
        for placed in result.placements:
            if placed.enterprise_id == enterprise.id and inspector.id in (
                placed.inspector_a_id,
                placed.inspector_b_id,
            ):
                return seed
    raise AssertionError("no seed puts the enterprise on the inspector's pair")


def make_daily(world: World, *, open_cases: bool = True) -> Daily:
    """Province A's draw of 4 of its 5 operating key units (the world's data centre has a
    2020 special-supervision task and one enterprise stopped: both excluded) and 2 pairs of
    4 inspectors, run with a seed under which the A inspector's declared relation recuses
    him, and (by default) its cases opened."""
    officer = world.a_officer
    witness = make_user("daily-a-witness", Role.PROVINCIAL_OFFICER, world.a_province, "甲监督人")
    inspectors = [world.a_inspector] + [
        make_user(f"daily-a-insp-{n}", Role.INSPECTOR, world.a_agency, f"甲执法员{n}")
        for n in (2, 3, 4)
    ]
    enterprises = make_enterprises(world)
    draw = service.create_draw(
        world.a_province, actor=officer, values=draw_values(world, inspectors), today=TODAY
    )
    target = enterprises[0]
    seed = seed_with_recusal(draw, world.a_inspector, target)
    relation = service.declare_relation(
        world.a_province,
        actor=officer,
        inspector=world.a_inspector,
        enterprise=target,
        relation=RELATION,
        declared_on=date(2020, 5, 20),
    )
    run = service.run_draw(draw, actor=officer, witness=witness, seed=seed, today=TODAY)
    made = Daily(world, officer, witness, inspectors, enterprises, relation, draw, run, seed)
    if open_cases:
        service.open_cases(draw, actor=officer, today=TODAY)
    made.assignments = list(run.assignments)
    made.cases = [a.case for a in made.assignments if a.case is not None]
    db.session.commit()
    return made


def finish_case(
    case: InspectionCase,
    *,
    visit_on: date = date(2020, 7, 8),
    failed: tuple[str, ...] = (),
    status: CaseStatus = CaseStatus.CLOSED,
) -> None:
    """Record a case's six checks (``failed`` keys 不符合, each with a finding) and close it
    (or turn it to rectification), as its inspectors would."""
    case.visit_on = visit_on
    for check in CHECKS:
        result = CheckResult.FAIL if check.key in failed else CheckResult.PASS
        note = "未按规定执行" if check.key in failed else ""
        case.checklist.append(ChecklistEntry(item=check.key, result=result, note=note))
        if check.key in failed:
            case.findings.append(
                Finding(kind="daily_check", description=f"{check.title}：未按规定执行")
            )
    case.status = status
    case.closed_at = NOW
    db.session.flush()
