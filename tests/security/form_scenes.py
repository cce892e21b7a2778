"""States in which the forms the walk of ``tests/test_access.py`` does not meet are shown:
case work, filings, notices, daily draws, reminders, data centres (the programmes' scenes are
in ``form_scenes_programmes.py``).

Each scene adds records next to the walk's samples (through the services where they are
short, as rows where the service's path is long) and names the pages that show its forms.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from daily.draw_support import draw_values
from daily.draw_support import make_user as make_person
from inspections.inspections_support import Casework
from rectification.notices_support import Notices
from reminders.reminders_web_support import make_deadline, make_notification, make_reminder
from security.form_walk import ScenePage, page
from sqlalchemy import select
from test_access import _a_notice

from conftest import World, credit_code
from supervision.core.models import Role
from supervision.daily import service as daily
from supervision.daily.models import DailyDraw
from supervision.datacentres.models import DataCentre, MeteringPoint
from supervision.disclosure.models import Publication, PublicationStatus
from supervision.enterprises.service import EnterpriseData, create_enterprise
from supervision.extensions import db
from supervision.industries.service import by_code
from supervision.inspections.models import (
    CaseStatus,
    ChecklistEntry,
    CheckResult,
    EquipmentItem,
)
from supervision.inspections.rules.checklist import CHECKS
from supervision.plans.service import plan_for_year
from supervision.rectification import service as rectification
from supervision.reminders.models import ReminderState
from supervision.summaries import service as summaries
from supervision.tasks.models import ReviewMethod
from supervision.tasks.service import add_task, filing_for, submit_filing

NOW = datetime(2020, 12, 1, 2, 0, tzinfo=UTC)
LATER = datetime(2021, 3, 1, 2, 0, tzinfo=UTC)


def cases_with_calculations(world: World) -> list[ScenePage]:
    """A category-一 case (quota, equipment ledger with a row) and a category-二 one (ladder)."""
    partner = make_person("forms-partner", Role.INSPECTOR, world.a_agency, "丙监察员")
    work = Casework(world, partner, serial=70000)
    quota = work.open(1, "sulphuric_acid", name="表单硫酸有限公司")
    ladder = work.open(2, "steel", name="表单钢铁有限公司")
    db.session.add(EquipmentItem(case=quota, kind="motor", model="Y2-132M-4", name="引风机电机"))
    # A failed check of the checklist: the findings page proposes it as a finding.
    db.session.add(
        ChecklistEntry(case=quota, item=CHECKS[0].key, result=CheckResult.FAIL, note="未按规定执行")
    )
    db.session.commit()
    return [
        page("inspections.quota", case_id=quota.id),
        page("inspections.ladder", case_id=ladder.id),
        page("inspections.equipment", case_id=quota.id),
        page("inspections.detail", case_id=quota.id),
        page("inspections.findings", case_id=quota.id),
    ]


def closed_case(world: World) -> list[ScenePage]:
    """A closed case: the follow-up may nominate it as an excellent case."""
    partner = make_person("forms-partner2", Role.INSPECTOR, world.a_agency, "丁监察员")
    case = Casework(world, partner, serial=70100).open(4, name="表单办结有限公司")
    case.visit_on = date(2020, 7, 8)
    case.status = CaseStatus.CLOSED
    case.closed_at = NOW
    db.session.commit()
    return [page("followup.nominate", case_id=case.id)]


def unexplained_enterprise(world: World) -> list[ScenePage]:
    """An operating enterprise of an Annex-1 industry without a task: the coverage check
    asks why (the walk opens the coverage page)."""
    create_enterprise(
        world.a_province,
        EnterpriseData(
            credit_code=credit_code(70300),
            name="表单未列入有限公司",
            division_code="320102",
            industry=by_code("sulphuric_acid"),
            key_energy_unit=True,
        ),
    )
    db.session.commit()
    return []


def province_b_filing_and_summary(world: World) -> list[ScenePage]:
    """Province B's 2020 filing submitted (the ministry accepts or returns it) and its annual
    summary still a draft (B's officer writes it)."""
    enterprise = create_enterprise(
        world.b_province,
        EnterpriseData(
            credit_code=credit_code(70400, "913300"),
            name="表单乙省数据中心有限公司",
            division_code="330102",
            key_energy_unit=True,
        ),
    )
    filing = filing_for(plan_for_year(2020), world.b_province)
    add_task(
        filing,
        enterprise=enterprise,
        category=4,
        industry=None,
        agency=world.b_agency,
        inspectors=[world.b_inspector],
        planned_month=5,
        method=ReviewMethod.ON_SITE,
    )
    submit_filing(filing, actor=world.b_officer, now=NOW)
    summaries.summary_for(plan_for_year(2020), world.b_province)
    db.session.commit()
    return [
        page("tasks.filing", year=2020, province_code="330000"),
        page("summaries.detail", "b_officer", year=2020, province_code="330000"),
    ]


def notice_not_rectified(world: World) -> list[ScenePage]:
    """A notice whose re-inspection found it not rectified: the handling decision."""
    partner = make_person("forms-partner3", Role.INSPECTOR, world.a_agency, "戊监察员")
    notices = Notices(world, partner, serial=70200)
    # Served in 2021: the walk's sample notice holds number 1 of 2020 outside the sequence.
    notice = notices.issue(now=LATER, served_on=date(2021, 1, 4))
    rectification.record_reinspection(
        notice,
        inspected_on=date(2021, 2, 20),
        result="not_rectified",
        notes="未更换淘汰电机",
        actor=world.a_officer,
        now=LATER,
    )
    db.session.commit()
    return [page("rectification.detail", notice_id=notice.id)]


def daily_draw_to_run(world: World) -> list[ScenePage]:
    """A second daily-supervision draw of A, not run yet (the walk's draw has run)."""
    first = db.session.scalars(select(DailyDraw).order_by(DailyDraw.id)).first()
    inspectors = [db.session.get(type(world.a_inspector), i) for i in first.inspector_ids]
    draw = daily.create_draw(
        world.a_province,
        actor=world.a_officer,
        values=draw_values(world, inspectors, title="2020年第二批双随机抽查"),
        today=date(2020, 6, 1),
    )
    db.session.commit()
    return [page("daily.detail", daily_draw_id=draw.id)]


def reminders_to_read_and_retry(world: World) -> list[ScenePage]:
    """A notification of A's inspector, and a reminder whose sending failed."""
    deadline = make_deadline(
        due_on=date(2020, 9, 30), province=world.a_province, people=[world.a_inspector]
    )
    make_notification(world.a_inspector, "表单期限提醒", deadline=deadline)
    make_reminder(deadline, world.a_inspector, state=ReminderState.FAILED, error="连接被拒绝")
    return [page("reminders.notifications", "a_inspector")]


def data_centre_pages(world: World) -> list[ScenePage]:
    """A meter of the walk's data centre (it can be removed), and the registration of a new
    data centre for A's enterprise."""
    centre = db.session.scalars(
        select(DataCentre).where(DataCentre.enterprise_id == world.a_enterprise.id)
    ).first()
    db.session.add(
        MeteringPoint(data_centre_id=centre.id, name="总进线", role="total", boundary="grid_input")
    )
    db.session.commit()
    return [page("datacentres.new", enterprise=world.a_enterprise.id)]


def pages_with_a_query(world: World) -> list[ScenePage]:
    """Forms opened from a link that names a record in the query string."""
    return [page("disclosure.new", notice_id=_a_notice(world).id)]


def case_with_findings(world: World) -> list[ScenePage]:
    """A visited case with findings and no notice yet: the notice is issued from it."""
    partner = make_person("forms-partner4", Role.INSPECTOR, world.a_agency, "己监察员")
    case = Notices(world, partner, serial=70500).case()
    return [page("rectification.new", case_id=case.id)]


def published_entry(world: World) -> list[ScenePage]:
    """A published entry of A's public list: it is marked rectified (the walk's entry is a
    draft)."""
    notice = _a_notice(world)
    entry = Publication(
        province_id=world.a_province.id,
        enterprise_id=notice.enterprise_id,
        notice_id=notice.id,
        enterprise_name="表单公布有限公司",
        credit_code=world.a_enterprise.credit_code,
        violation="使用淘汰电机",
        published_fields=["violation"],
        status=PublicationStatus.PUBLISHED,
        published_on=date(2020, 11, 2),
        approved_by_id=world.a_officer.id,
    )
    db.session.add(entry)
    db.session.commit()
    return [page("disclosure.entry", publication_id=entry.id)]


SCENES = (
    cases_with_calculations,
    closed_case,
    unexplained_enterprise,
    province_b_filing_and_summary,
    notice_not_rectified,
    daily_draw_to_run,
    reminders_to_read_and_retry,
    data_centre_pages,
    pages_with_a_query,
    case_with_findings,
    published_entry,
)
