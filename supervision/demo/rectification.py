"""Demo rectification work in 河南: a 2019 violator under 回头看 (published last year), and a
2020 case whose finding awaits its rectification notice."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from ..disclosure import service as disclosure
from ..enterprises.models import Enterprise
from ..extensions import db
from ..inspections import findings
from ..inspections import service as inspections
from ..inspections.models import CaseStatus, InspectionCase
from ..organisations.service import by_division_code
from ..rectification.models import DeadlineBasis, NoticeItem, NoticeStatus, RectificationNotice
from ..tasks import service as tasks
from ..tasks.models import ReviewMethod, TaskCategory, TaskFiling

VIOLATOR = "洛阳水泥有限公司"
VIOLATOR_NOTICE = "洛节监改〔2019〕7号"
CASE_WITH_FINDING = "河南中孚电解铝有限公司"


def _enterprise(name: str) -> Enterprise:
    return db.session.scalars(select(Enterprise).where(Enterprise.name == name)).one()


def add_2019_violator(filing: TaskFiling, users: dict) -> None:
    """Before 河南 submits: last year's notice (as the violators import loads it) and the
    category-五 task that re-inspects it."""
    if db.session.scalar(
        select(RectificationNotice.id).where(RectificationNotice.number == VIOLATOR_NOTICE)
    ):
        return
    enterprise = _enterprise(VIOLATOR)
    agency = by_division_code("410300")
    notice = RectificationNotice(
        imported=True,
        year=2019,
        sequence=None,
        number=VIOLATOR_NOTICE,
        province_id=filing.province_id,
        agency_id=agency.id,
        enterprise_id=enterprise.id,
        violation="2018年熟料单位产品综合电耗超过阶梯电价基准，未按规定执行阶梯电价",
        measures="按原通知书要求整改：核定能耗档次，执行相应阶梯加价，提交整改报告",
        served_on=date(2019, 8, 12),
        deadline_basis=DeadlineBasis.DATE,
        deadline_on=date(2019, 11, 29),
        status=NoticeStatus.ISSUED,
    )
    notice.items.append(
        NoticeItem(position=1, kind="ladder_mismatch", description=notice.violation)
    )
    db.session.add(notice)
    tasks.add_task(
        filing,
        enterprise=enterprise,
        category=TaskCategory.RECTIFICATION_REVIEW,
        industry=None,
        agency=agency,
        inspectors=[users["ha-inspector"], users["ha-inspector2"]],
        planned_month=5,
        method=ReviewMethod.ON_SITE,
        remarks="2019年阶梯电价违规企业",
    )
    db.session.flush()


def load_rectification(users: dict) -> None:
    """After 河南's cases are open: publish the 2019 violator (as 河南 did in January 2020),
    and bring the aluminium case to 已记录问题 with a ladder-price finding."""
    notice = db.session.scalars(
        select(RectificationNotice).where(RectificationNotice.number == VIOLATOR_NOTICE)
    ).first()
    officer = users["ha-officer"]
    if notice is not None and not disclosure.entries_of_notice(officer, notice):
        entry = disclosure.prepare(
            actor=officer,
            enterprise=notice.enterprise,
            texts=disclosure.texts_from_notice(notice),
            notice=notice,
            now=datetime(2020, 1, 14, 2, tzinfo=UTC),
        )
        disclosure.publish(entry, actor=officer, today=date(2020, 1, 15))
    case = db.session.scalars(
        select(InspectionCase)
        .join(Enterprise, Enterprise.id == InspectionCase.enterprise_id)
        .where(Enterprise.name == CASE_WITH_FINDING, InspectionCase.category == 2)
    ).first()
    if case is None or case.status != CaseStatus.PLANNED:
        return
    inspector = users["ha-inspector"]
    today = date(2020, 9, 18)
    inspections.update_visit(
        case,
        actor=inspector,
        version=case.version,
        method=case.method.value,
        visit_on=date(2020, 9, 10),
        participants="吴敏（豫执 41030020190021）、马超（豫执 41030020170008）",
        representative="企业能源管理负责人",
        summary="核查2019年电解铝交流电耗台账与电费结算单，企业按第一档结算电价。",
        today=today,
    )
    findings.add_finding(
        case,
        kind="ladder_mismatch",
        basis_key="ladder_price",
        severity="general",
        description="2019年铝液交流电耗 13 750 kWh/t，应执行第二档加价（+0.02 元/kWh），"
        "实际按第一档结算，少执行加价约 2 800 万元",
        actor=inspector,
    )
    db.session.flush()
    inspections.change_status(
        case, CaseStatus.FINDINGS.value, actor=inspector, version=case.version, today=today
    )
    db.session.flush()
