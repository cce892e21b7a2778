"""Records the follow-up tests (and the access walk) start from: a special-supervision case of
province A in rectification with a finding, a suggestion, a diagnosis referral and a
nominated (not published) excellent case; and helpers for more cases of either kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from conftest import World, credit_code
from supervision.core.models import User
from supervision.enterprises.service import EnterpriseData, create_enterprise
from supervision.extensions import db
from supervision.followup import excellent, service
from supervision.followup.models import DiagnosisReferral, ExcellentCase, ImprovementSuggestion
from supervision.inspections.models import (
    DAILY_CATEGORY,
    CaseStatus,
    Finding,
    InspectionCase,
)
from supervision.plans.service import plan_for_year
from supervision.tasks.models import ReviewMethod, SupervisionTask
from supervision.tasks.service import filing_for

#: "Now" of the follow-up records (Beijing 10:00 on 2020-12-01).
NOW = datetime(2020, 12, 1, 2, 0, tzinfo=UTC)
TODAY = date(2020, 12, 1)
VISIT = date(2020, 9, 10)

#: A write-up of 200+ characters (white space not counted) carrying province A's marker.
WRITE_UP = (
    f"{World.MARKER}：监察人员依据《节约能源法》《工业节能管理办法》对企业开展重点用能设备能效专项监察，"
    "逐台核对电机、风机、空压机、水泵和变压器台账，发现在用淘汰电机十二台、低于能效限定值的空压机两台，"
    "依法下达限期整改通知书。企业制定淘汰更新计划，更换为能效二级及以上产品，并委托节能诊断机构开展系统诊断，"
    "实施空压站集中控制和余热回收改造。复查确认整改到位，年节约电力约一百二十万千瓦时，"
    "折合标准煤约一百四十八吨，执法程序规范，证据材料完整，节能效益突出，具有示范推广价值。"
)


def add_enterprise(world: World, serial: int, name: str, province=None):
    province = province or world.a_province
    prefix = province.division_code[:2] + "0000"
    return create_enterprise(
        province,
        EnterpriseData(
            credit_code=credit_code(serial, "91" + prefix[:4]),
            name=name,
            division_code=province.division_code[:2] + "0102",
            key_energy_unit=True,
        ),
    )


def special_case(
    world: World,
    *,
    serial: int,
    name: str,
    status: CaseStatus = CaseStatus.RECTIFICATION,
    findings: int = 1,
    inspectors: list[User] | None = None,
    enterprise=None,
    province=None,
    category: int = 4,
) -> InspectionCase:
    """A special-supervision case of the 2020 plan (province A unless told) with ``findings``
    findings; the task is written directly, whatever state the filing is in."""
    province = province or world.a_province
    agency = world.a_agency if province.id == world.a_province.id else world.b_agency
    enterprise = enterprise or add_enterprise(world, serial, name, province)
    task = SupervisionTask(
        filing=filing_for(plan_for_year(2020), province),
        province_id=province.id,
        enterprise=enterprise,
        category=category,
        agency=agency,
        planned_month=5,
        method=ReviewMethod.ON_SITE,
        remarks="",
    )
    task.inspectors = list(inspectors or [world.a_inspector])
    db.session.add(task)
    case = InspectionCase(
        task=task,
        province_id=province.id,
        agency_id=agency.id,
        enterprise_id=enterprise.id,
        category=category,
        method=ReviewMethod.ON_SITE,
        assessed_year=2019,
        visit_on=VISIT,
        status=status,
    )
    db.session.add(case)
    _add_findings(case, findings, "eliminated_equipment", "使用淘汰电机 Y-{n}")
    db.session.commit()
    return case


def _add_findings(case: InspectionCase, count: int, kind: str, text: str) -> None:
    for n in range(1, count + 1):
        db.session.add(
            Finding(
                case=case,
                kind=kind,
                description=text.format(n=n),
                basis_text="《中华人民共和国节约能源法》",
            )
        )


def daily_case(
    world: World,
    *,
    serial: int,
    name: str,
    inspectors: list[User],
    status: CaseStatus = CaseStatus.FINDINGS,
    findings: int = 1,
    assessed_year: int = 2019,
    enterprise=None,
) -> InspectionCase:
    """A daily-supervision case (日常节能监察) of province A: category 0, no task, the
    inspectors a draw sent."""
    enterprise = enterprise or add_enterprise(world, serial, name)
    case = InspectionCase(
        task_id=None,
        province_id=world.a_province.id,
        agency_id=world.a_agency.id,
        enterprise_id=enterprise.id,
        category=DAILY_CATEGORY,
        method=ReviewMethod.ON_SITE,
        assessed_year=assessed_year,
        visit_on=VISIT,
        status=status,
    )
    case.daily_inspectors = list(inspectors)
    db.session.add(case)
    _add_findings(case, findings, "daily_check", "未设立能源管理岗位 {n}")
    db.session.commit()
    return case


@dataclass
class FollowUp:
    world: World
    case: InspectionCase
    finding: Finding
    suggestion: ImprovementSuggestion
    referral: DiagnosisReferral
    excellent: ExcellentCase

    def ids(self) -> dict[str, int]:
        return {
            "suggestion": self.suggestion.id,
            "referral": self.referral.id,
            "excellent": self.excellent.id,
        }


def make_followup(world: World) -> FollowUp:
    """Province A's case in rectification with a finding, its suggestion and referral, and
    the case nominated as an excellent case (nominated only: nothing of A is public)."""
    case = special_case(world, serial=901, name=f"结果运用{World.MARKER}有限公司")
    finding = case.findings[0]
    finding.description = f"使用淘汰电机{World.MARKER}"
    officer = world.a_officer
    suggestion = service.add_suggestion(
        case,
        finding,
        text=f"{World.MARKER}：淘汰 Y 系列电机，更换为二级能效电机",
        actor=officer,
        now=NOW,
    )
    referral = service.refer(
        case,
        finding,
        provider=f"{World.MARKER}节能诊断中心",
        referred_on=date(2020, 10, 9),
        measures="",
        estimated_savings=Decimal("148.00"),
        actor=officer,
        now=NOW,
        today=TODAY,
    )
    item = excellent.nominate(
        case,
        title=f"{World.MARKER}电机系统能效提升案例",
        write_up=WRITE_UP,
        savings_tce=Decimal("148.00"),
        actor=officer,
        now=NOW,
    )
    db.session.commit()
    return FollowUp(world, case, finding, suggestion, referral, item)
