"""Builds a province's year of supervision for the summary tests: special-supervision cases
through the task filing (tasks → ``open_cases``), daily-supervision cases sent by draws, and
findings, notices and follow-up rows on them (model rows, with exactly the states wanted)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import count

import pytest
from sqlalchemy import select

from conftest import World, credit_code
from supervision.core.models import Organisation, User
from supervision.daily.models import DailyDraw, DrawAssignment, DrawRun, DrawStatus
from supervision.enterprises.service import EnterpriseData, create_enterprise
from supervision.extensions import db
from supervision.followup.models import (
    DiagnosisReferral,
    DiagnosisStatus,
    ExcellentCase,
    ExcellentStatus,
    ImprovementSuggestion,
)
from supervision.industries.models import Industry
from supervision.inspections import service as cases
from supervision.inspections.models import DAILY_CATEGORY, CaseStatus, Finding, InspectionCase
from supervision.plans.service import plan_for_year
from supervision.rectification.models import DeadlineBasis, NoticeStatus, RectificationNotice
from supervision.summaries.models import AnnualSummary
from supervision.tasks.models import ReviewMethod
from supervision.tasks.service import add_task, filing_for

YEAR = 2020
VISIT = date(2020, 6, 10)
_serials = count(5000)
_sequences = count(1)


@dataclass
class ProvinceYear:
    """One province's cases for the 2020 plan."""

    province: Organisation
    agency: Organisation
    inspector: User
    other: User
    code_prefix: str
    division_code: str
    label: str
    draws: list[DailyDraw] = field(default_factory=list)

    # -- enterprises and special supervision -------------------------------------------------

    def enterprise(self, name: str | None = None):
        serial = next(_serials)
        return create_enterprise(
            self.province,
            EnterpriseData(
                credit_code=credit_code(serial, self.code_prefix),
                name=name or f"{self.label}企业{serial}有限公司",
                division_code=self.division_code,
                key_energy_unit=True,
            ),
        )

    def special(
        self,
        category: int,
        *,
        status: CaseStatus = CaseStatus.PLANNED,
        visit_on: date | None = None,
        findings: tuple[str, ...] = (),
        method: ReviewMethod = ReviewMethod.ON_SITE,
        parent: InspectionCase | None = None,
        name: str | None = None,
    ) -> InspectionCase:
        """A task of ``category`` filed and its case opened, then put in the state given."""
        filing = filing_for(plan_for_year(YEAR), self.province)
        industry = None
        if category in (1, 2):
            kind = "quota" if category == 1 else "ladder"
            industry = db.session.scalar(
                select(Industry).where(Industry.kind == kind).order_by(Industry.id).limit(1)
            )
        task = add_task(
            filing,
            enterprise=parent.enterprise if parent is not None else self.enterprise(name),
            category=category,
            industry=industry,
            agency=self.agency,
            inspectors=[self.inspector],
            planned_month=5,
            method=method,
            parent_task=parent.task if parent is not None else None,
        )
        db.session.flush()
        cases.open_cases(filing)
        case = db.session.scalars(select(InspectionCase).filter_by(task_id=task.id)).one()
        return self._set(case, status, visit_on, findings)

    def _set(self, case, status, visit_on, findings) -> InspectionCase:
        case.status = status
        case.visit_on = visit_on
        for n, kind in enumerate(findings, 1):
            db.session.add(Finding(case=case, kind=kind, description=f"问题{n}"))
        db.session.flush()
        return case

    def notice(self, case: InspectionCase, status: NoticeStatus = NoticeStatus.ISSUED):
        sequence = next(_sequences)
        notice = RectificationNotice(
            case_id=case.id,
            province_id=case.province_id,
            agency_id=case.agency_id,
            enterprise_id=case.enterprise_id,
            year=YEAR,
            sequence=sequence,
            number=f"测试节监改〔{YEAR}〕{sequence}号",
            measures="限期整改",
            served_on=date(2020, 7, 1),
            deadline_basis=DeadlineBasis.DATE,
            deadline_on=date(2020, 8, 31),
            status=status,
        )
        db.session.add(notice)
        db.session.flush()
        return notice

    # -- daily supervision -------------------------------------------------------------------

    def draw(
        self,
        status: DrawStatus = DrawStatus.OPENED,
        *,
        year: int = YEAR,
        drawn: int = 0,
        earlier_run: int = 0,
    ) -> DailyDraw:
        """A draw with a current run of ``drawn`` enterprises (none while a draft), after an
        earlier run of ``earlier_run`` that was set aside."""
        draw = DailyDraw(
            province_id=self.province.id,
            year=year,
            title=f"{year}年第{len(self.draws) + 1}批",
            agency_id=self.agency.id,
            status=status,
            pair_count=1,
            inspector_ids=[self.inspector.id, self.other.id],
        )
        db.session.add(draw)
        db.session.flush()
        for size, current in ((earlier_run, False), (drawn, True)):
            if size or (current and status != DrawStatus.DRAFT):
                self._run(draw, size, current)
        db.session.flush()
        self.draws.append(draw)
        return draw

    def _run(self, draw: DailyDraw, size: int, current: bool) -> DrawRun:
        enterprises = [self.enterprise() for _ in range(size)]
        run = DrawRun(
            draw=draw,
            province_id=self.province.id,
            seed=f"seed-{next(_serials)}",
            population_count=size * 3,
            eligible_count=size * 2,
            is_current=current,
        )
        for position, enterprise in enumerate(enterprises, 1):
            run.assignments.append(
                DrawAssignment(
                    province_id=self.province.id,
                    enterprise=enterprise,
                    position=position,
                    pair_no=1,
                    inspector_a_id=self.inspector.id,
                    inspector_b_id=self.other.id,
                )
            )
        db.session.add(run)
        return run

    def daily(
        self,
        draw: DailyDraw,
        *,
        status: CaseStatus = CaseStatus.PLANNED,
        visit_on: date | None = None,
        findings: tuple[str, ...] = (),
    ) -> InspectionCase:
        """The case of the current run's next assignment without one."""
        run = draw.current_run
        assignment = next(a for a in run.assignments if a.case_id is None)
        case = InspectionCase(
            province_id=self.province.id,
            agency_id=self.agency.id,
            enterprise_id=assignment.enterprise_id,
            category=DAILY_CATEGORY,
            assessed_year=draw.year - 1,
        )
        db.session.add(case)
        db.session.flush()
        assignment.case_id = case.id
        return self._set(case, status, visit_on, findings)

    # -- follow-up ---------------------------------------------------------------------------

    def suggestion(self, finding: Finding) -> ImprovementSuggestion:
        row = ImprovementSuggestion(
            finding_id=finding.id,
            case_id=finding.case_id,
            province_id=self.province.id,
            agency_id=self.agency.id,
            text="加强能源计量管理",
        )
        db.session.add(row)
        db.session.flush()
        return row

    def referral(
        self,
        finding: Finding,
        status: DiagnosisStatus = DiagnosisStatus.REFERRED,
        *,
        estimated: str | None = None,
        actual: str | None = None,
    ) -> DiagnosisReferral:
        row = DiagnosisReferral(
            finding_id=finding.id,
            case_id=finding.case_id,
            province_id=self.province.id,
            agency_id=self.agency.id,
            enterprise_id=finding.case.enterprise_id,
            provider="节能诊断服务中心",
            referred_on=date(2020, 8, 1),
            status=status,
            estimated_savings_tce=Decimal(estimated) if estimated else None,
            actual_savings_tce=Decimal(actual) if actual else None,
        )
        db.session.add(row)
        db.session.flush()
        return row

    def excellent(self, case: InspectionCase, status=ExcellentStatus.NOMINATED) -> ExcellentCase:
        row = ExcellentCase(
            case_id=case.id,
            province_id=self.province.id,
            agency_id=self.agency.id,
            year=YEAR,
            title=f"优秀案例{case.id}",
            write_up="案例材料",
            status=status,
        )
        db.session.add(row)
        db.session.flush()
        return row


def province_a(world: World) -> ProvinceYear:
    return ProvinceYear(
        world.a_province,
        world.a_agency,
        world.a_inspector,
        world.a_officer,
        "913200",
        "320102",
        "甲省",
    )


def province_b(world: World) -> ProvinceYear:
    return ProvinceYear(
        world.b_province,
        world.b_agency,
        world.b_inspector,
        world.b_officer,
        "913300",
        "330102",
        "乙省",
    )


# -- the worked example shared by the figures and the documents tests --------------------


@dataclass
class Scenario:
    a: ProvinceYear
    inspected: list[InspectionCase]
    not_inspected: list[InspectionCase]
    b_cases: list[InspectionCase]


def build_a(a: ProvinceYear, world) -> tuple[list, list]:
    """Province A's 2020 (numbers in the comments are what the figures must say)."""
    inspected, not_inspected = [], []
    # 一: 5 tasks, 3 inspected, 2 in violation, 2 notices, 1 rectified.
    planned = a.special(1, name="甲A未开始有限公司")
    desk_started = a.special(1, status=CaseStatus.IN_PROGRESS, name="甲B书面审查中有限公司")
    compliant = a.special(1, status=CaseStatus.IN_PROGRESS, visit_on=VISIT, name="甲C合规有限公司")
    rectifying = a.special(
        1,
        status=CaseStatus.RECTIFICATION,
        visit_on=date(2020, 6, 12),
        findings=("eliminated_equipment", "over_quota", "over_quota"),
        name="甲D超限额有限公司",
    )
    found = a.special(
        1, status=CaseStatus.FINDINGS, visit_on=VISIT, findings=("metering",), name="甲E计量"
    )
    a.notice(rectifying, NoticeStatus.RECTIFIED)
    a.notice(found, NoticeStatus.REPORTED)
    # 三 riding on the compliant 一 task: 1 task, not inspected.
    rider = a.special(3, parent=compliant)
    # 四: the world's task (planned) and a desk review closed without a visit date.
    desk_closed = a.special(4, status=CaseStatus.CLOSED, method=ReviewMethod.DESK, name="甲F数据")
    # 五: 1 task, inspected, in violation, 2 notices (partly, then rectified on a second one).
    review = a.special(5, status=CaseStatus.RECTIFICATION, visit_on=VISIT, findings=("other",))
    a.notice(review, NoticeStatus.PARTLY_RECTIFIED)
    a.notice(review, NoticeStatus.RECTIFIED)
    inspected += [compliant, rectifying, found, desk_closed, review]
    world_case = db.session.query(InspectionCase).filter_by(task_id=world.a_task.id).one()
    not_inspected += [planned, desk_started, rider, world_case]

    # Daily: draw 1 (opened, 4 drawn), draw 2 (published; a set-aside run of 2, current run of
    # 2 of which 1 case), a draft draw, and a 2019 draw whose case must not count.
    first = a.draw(DrawStatus.OPENED, drawn=4)
    d_ok = a.daily(first, status=CaseStatus.CLOSED, visit_on=date(2020, 5, 6))
    d_found = a.daily(
        first, status=CaseStatus.FINDINGS, visit_on=date(2020, 5, 7), findings=("daily_check",)
    )
    d_fixed = a.daily(
        first, status=CaseStatus.RECTIFICATION, visit_on=date(2020, 5, 8), findings=("metering",)
    )
    d_planned = a.daily(first)
    a.notice(d_found, NoticeStatus.ISSUED)
    a.notice(d_fixed, NoticeStatus.RECTIFIED)
    second = a.draw(DrawStatus.PUBLISHED, drawn=2, earlier_run=2)
    d_second = a.daily(second, status=CaseStatus.CLOSED, visit_on=date(2020, 9, 1))
    a.draw(DrawStatus.DRAFT)
    old = a.draw(DrawStatus.PUBLISHED, year=2019, drawn=1)
    d_2019 = a.daily(
        old, status=CaseStatus.FINDINGS, visit_on=date(2019, 9, 1), findings=("other",)
    )
    a.notice(d_2019, NoticeStatus.RECTIFIED)
    inspected += [d_ok, d_found, d_fixed, d_second]
    not_inspected += [d_planned, d_2019]

    # Follow-up: 3 suggestions, 3 referrals (2 diagnosed, 1 retrofitted), 3 nominations
    # (1 published, 1 declined); rows on the 2019 daily case don't count.
    f1, f2, _f3 = rectifying.findings
    a.suggestion(f1)
    a.suggestion(f2)
    a.suggestion(d_found.findings[0])
    a.referral(f1, DiagnosisStatus.RETROFITTED, estimated="120.50", actual="100.25")
    a.referral(found.findings[0], DiagnosisStatus.REFERRED)
    a.referral(d_found.findings[0], DiagnosisStatus.DIAGNOSED, estimated="30.00")
    a.excellent(rectifying, ExcellentStatus.PUBLISHED)
    a.excellent(d_ok, ExcellentStatus.NOMINATED)
    a.excellent(review, ExcellentStatus.DECLINED)
    a.suggestion(d_2019.findings[0])
    a.excellent(d_2019, ExcellentStatus.PUBLISHED)
    return inspected, not_inspected


def build_b(b: ProvinceYear) -> list:
    """Province B: the same kinds of records, all of which A must never count."""
    case = b.special(1, status=CaseStatus.FINDINGS, visit_on=VISIT, findings=("over_quota",))
    b.notice(case, NoticeStatus.RECTIFIED)
    b.suggestion(case.findings[0])
    b.referral(case.findings[0], DiagnosisStatus.RETROFITTED, estimated="999", actual="999")
    b.excellent(case, ExcellentStatus.PUBLISHED)
    draw = b.draw(DrawStatus.PUBLISHED, drawn=3)
    daily = b.daily(draw, status=CaseStatus.CLOSED, visit_on=VISIT)
    return [case, daily]


@pytest.fixture
def scenario(world) -> Scenario:
    a = province_a(world)
    inspected, not_inspected = build_a(a, world)
    b_cases = build_b(province_b(world))
    plan = plan_for_year(2020)
    filing = filing_for(plan, world.a_province)
    filing.earlier_funds_received = Decimal("100.00")
    filing.earlier_funds_used = Decimal("80.00")
    filing.carried_over_balance = Decimal("20.00")
    filing.carried_over_planned = Decimal("20.00")
    filing.funds_requested = Decimal("50.00")
    db.session.add(AnnualSummary(plan=plan, province=world.a_province, funds_used=Decimal("45.60")))
    db.session.commit()
    return Scenario(a, inspected, not_inspected, b_cases)
