"""Demo daily supervision in 河南 (双随机一公开), through the real services: the inspectors'
declared relations; the first 2020 draw (20 enterprises by city, 6 pairs, witnessed, one
recusal), its cases visited with the six checks, two with findings (one notice issued and
rectified), results published; the second draw (30 enterprises, 10 pairs) left to run."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from ..core.models import Role, User
from ..daily import rules as draw_rules
from ..daily import service as daily
from ..daily.models import DailyDraw, InspectorRelation, Stratification
from ..enterprises.models import Enterprise
from ..extensions import db
from ..inspections import findings
from ..inspections import service as inspections
from ..inspections.models import CaseStatus, InspectionCase
from ..organisations.service import by_division_code
from ..rectification import service as rectification

INSPECTOR = {Role.INSPECTOR}
#: 河南's other inspectors (郑州 and 洛阳), the witness of the draws (ha-officer2), and one
#: inspector whose 行政执法证 ran out before renewal (the pool shows him as not eligible).
HENAN_DAILY_ACCOUNTS = [
    ("ha-officer2", "冯建华", {Role.PROVINCIAL_OFFICER}, "410000", None, None),
    ("ha-inspector03", "李娜", INSPECTOR, "410100", "豫执 41010020180031", date(2028, 6, 30)),
    ("ha-inspector04", "王磊", INSPECTOR, "410100", "豫执 41010020190045", date(2029, 3, 31)),
    ("ha-inspector05", "张丽", INSPECTOR, "410100", "豫执 41010020170019", date(2027, 9, 30)),
    ("ha-inspector06", "刘建军", INSPECTOR, "410100", "豫执 41010020160007", date(2028, 12, 31)),
    ("ha-inspector07", "杨帆", INSPECTOR, "410100", "豫执 41010020190052", date(2029, 6, 30)),
    ("ha-inspector08", "赵晓燕", INSPECTOR, "410100", "豫执 41010020180036", date(2028, 4, 30)),
    ("ha-inspector09", "黄志刚", INSPECTOR, "410100", "豫执 41010020170022", date(2027, 11, 30)),
    ("ha-inspector10", "周婷", INSPECTOR, "410100", "豫执 41010020190058", date(2029, 8, 31)),
    ("ha-inspector11", "徐立新", INSPECTOR, "410100", "豫执 41010020150003", date(2020, 8, 31)),
    ("ha-inspector12", "孙浩", INSPECTOR, "410100", "豫执 41010020180040", date(2028, 9, 30)),
    ("ha-inspector13", "胡明亮", INSPECTOR, "410300", "豫执 41030020160011", date(2027, 12, 31)),
    ("ha-inspector14", "朱玉梅", INSPECTOR, "410300", "豫执 41030020180027", date(2028, 7, 31)),
    ("ha-inspector15", "高峰", INSPECTOR, "410300", "豫执 41030020190033", date(2029, 5, 31)),
    ("ha-inspector16", "林晓", INSPECTOR, "410300", "豫执 41030020170015", date(2027, 10, 31)),
    ("ha-inspector17", "何俊", INSPECTOR, "410300", "豫执 41030020190036", date(2029, 4, 30)),
    ("ha-inspector18", "郭文静", INSPECTOR, "410300", "豫执 41030020180024", date(2028, 3, 31)),
    ("ha-inspector19", "罗晨", INSPECTOR, "410300", "豫执 41030020190041", date(2029, 9, 30)),
    ("ha-inspector20", "梁小燕", INSPECTOR, "410300", "豫执 41030020160009", date(2028, 1, 31)),
    ("ha-inspector21", "宋振华", INSPECTOR, "410300", "豫执 41030020180029", date(2028, 10, 31)),
    ("ha-inspector22", "谢东", INSPECTOR, "410300", "豫执 41030020190047", date(2029, 7, 31)),
]
EXPIRED = "ha-inspector11"

PROVINCE = "410000"
DRAW_1 = "2020年第一批日常节能监察双随机抽查"
DRAW_2 = "2020年第二批日常节能监察双随机抽查"
#: Called out at the public draw of 10 April 2020 (any printable text without spaces).
SEED_1 = "豫双随机-20200410-第一批"
DRAW_1_DAY = date(2020, 4, 10)
#: The day the second draw was set up (its preview, as of then, leaves out the first's).
DRAW_2_DAY = date(2020, 10, 12)
#: The first draw's twelve inspectors (six pairs).
POOL_1 = [
    "ha-inspector",
    "ha-inspector2",
    "ha-inspector03",
    "ha-inspector04",
    "ha-inspector05",
    "ha-inspector06",
    "ha-inspector08",
    "ha-inspector09",
    "ha-inspector13",
    "ha-inspector14",
    "ha-inspector16",
    "ha-inspector18",
]
#: Left out of the second draw's pool: the expired certificate, and 吴敏's, which runs out on
#: 2026-12-15 (the draw is to stay runnable in the browser after that day).
NOT_IN_POOL_2 = {EXPIRED, "ha-inspector"}
#: The relation that makes the first draw's recusal (declared for whichever enterprise the
#: seed gives the inspector's pair first: see ``_declare_the_conflict``).
RELATION_1 = "配偶在该企业任职"
RELATION_1_ON = date(2020, 3, 20)
#: (inspector, preferred enterprises, relation, declared on): declared after the first draw.
LATER_RELATIONS = [
    (
        "ha-inspector15",
        ["洛阳洛龙聚酯有限公司", "洛阳涧西轴承有限公司", "宜阳县耐火材料有限公司",
         "嵩县钼业选矿有限公司", "洛阳吉利碳四化工有限公司"],
        "曾在该企业工作（2018年离职）",
        date(2020, 9, 15),
    ),
    (
        "ha-inspector07",
        ["河南安阳钢铁有限公司"],
        "其弟在该企业任车间主任",
        date(2020, 9, 18),
    ),
]  # fmt: skip

# -- the six checks as answered ------------------------------------------------------------------

PASS_NOTES = {
    "management_system": "已建立能源管理体系并通过第三方认证，2019年度管理评审记录齐全",
    "energy_manager": "设立能源管理科，能源管理负责人已聘任并报节能主管部门备案，履职记录完整",
    "metering": "进出用能单位计量器具配备率100%，主要次级用能单位配备率符合GB 17167要求，检定校准在有效期内",
    "statistics": "建立能源消费原始记录和统计台账，按月报送能源统计报表，数据与抽查的购销凭证一致",
    "status_report": "已按时报送2019年度能源利用状况报告，核对主要数据无明显偏差",
    "training": "制定年度节能培训计划，2019年开展岗位节能培训6期，覆盖重点用能岗位人员",
}
SMALL_UNIT_SYSTEM = (
    "na",
    "年综合能耗不足2万吨标准煤，未列入能源管理体系建设名单；已制定能源管理制度并执行",
)
#: The two enterprises with findings: (check, note) answered 不符合.
FAILS_A = {
    "metering": "主要生产车间和空压站未配备电能计量器具，次级用能单位电能计量器具配备率约62%，"
    "低于GB 17167-2006要求的95%",
    "statistics": "2019年各车间能源消耗未分别统计，能源统计台账仅记录全厂购入量，无法核算主要工序能耗",
}
FAILS_B = {
    "training": "2019年未制定节能培训计划，未开展岗位节能培训，现场抽问的司炉、空压机操作人员均未接受培训",
}
MEASURES_A = (
    "一、按GB 17167-2006配备车间、空压站和主要用能设备的电能、蒸汽计量器具，并送检定校准；"
    "二、建立分车间、分工序的能源消费统计台账，按月核算主要工序能耗；"
    "三、整改完成后书面报告整改情况并附计量器具清单和统计台账。"
)


def _draw(title: str) -> DailyDraw | None:
    return db.session.scalar(select(DailyDraw).where(DailyDraw.title == title))


def load_daily(users: dict) -> None:
    """Idempotent: each part is made only when missing."""
    province = by_division_code(PROVINCE)
    if _draw(DRAW_1) is None:
        _first_draw(province, users)
    for username, names, relation, declared_on in LATER_RELATIONS:
        _declare_later(province, users, username, names, relation, declared_on)
    if _draw(DRAW_2) is None:
        _second_draw(province, users)


# -- the first draw: run, visited, published -------------------------------------------------------


def _first_draw(province, users: dict) -> DailyDraw:
    officer = users["ha-officer"]
    draw = daily.create_draw(
        province,
        actor=officer,
        values={
            "title": DRAW_1,
            "year": 2020,
            "key_units_only": True,
            "sample_size": 20,
            "stratify_by": Stratification.CITY,
            "exclude_inspected_months": 12,
            "exclude_special_tasks": True,
            "pair_count": 6,
            "inspector_ids": [users[name].id for name in POOL_1],
            "work_due_on": date(2020, 6, 30),
            "publish_by": date(2020, 7, 15),
        },
        today=date(2020, 4, 8),
    )
    _declare_the_conflict(province, draw, officer)
    run = daily.run_draw(
        draw,
        actor=officer,
        witness=users["ha-officer2"],
        seed=SEED_1,
        today=DRAW_1_DAY,
    )
    if len(run.recusals) != 1:  # the demo promises exactly one
        raise AssertionError(f"the first demo draw has {len(run.recusals)} recusals")
    daily.open_cases(draw, actor=officer, today=date(2020, 4, 13))
    _visit_all(draw, run)
    daily.publish_results(draw, actor=officer, now=datetime(2020, 7, 10, 2, 0, tzinfo=UTC))
    return draw


def _declare_the_conflict(province, draw: DailyDraw, officer) -> InspectorRelation:
    """The relation that hits: the pure rules say which enterprise the seed gives to which
    pair; the first inspector of the pair drawn first declared a relation to it (so the run
    moves that enterprise to the next pair and records the recusal)."""
    found = daily.population(draw, DRAW_1_DAY)
    pool_ids = [u.id for u in daily.chosen_inspectors(draw)]
    planned = draw_rules.draw(
        found.eligible, SEED_1, size=draw.sample_size, pool_ids=pool_ids, pair_count=draw.pair_count
    )
    first = planned.placements[0]
    inspector = db.session.get(User, first.inspector_a_id)
    enterprise = db.session.get(Enterprise, first.enterprise_id)
    return daily.declare_relation(
        province,
        actor=officer,
        inspector=inspector,
        enterprise=enterprise,
        relation=RELATION_1,
        declared_on=RELATION_1_ON,
    )


def _visit_days(count: int) -> list[date]:
    """``count`` weekdays spread from 6 May to 24 June 2020 (the eve of the Dragon Boat
    holiday)."""
    days, day = [], date(2020, 5, 6)
    while day <= date(2020, 6, 24):
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return [days[i * len(days) // count] for i in range(count)]


def _visit_all(draw: DailyDraw, run) -> None:
    """Every case visited and its six checks answered; most comply and are closed, the
    largest user of energy fails metering and statistics (notice issued, rectified), the
    smallest fails training (责令整改, notice still to issue)."""
    assignments = sorted(run.assignments, key=lambda a: a.position)
    by_energy = sorted(assignments, key=lambda a: (a.enterprise.annual_energy_tce, a.position))
    case_a, case_b = by_energy[-1].case_id, by_energy[0].case_id
    for assignment, visit_on in zip(assignments, _visit_days(len(assignments)), strict=True):
        case = db.session.get(InspectionCase, assignment.case_id)
        fails = FAILS_A if case.id == case_a else FAILS_B if case.id == case_b else {}
        _visit(case, assignment, visit_on, fails)
        if case.id == case_a:
            _notice_and_rectification(case, assignment.inspector_a, visit_on)
        elif case.id == case_b:
            _to_rectification(case, assignment.inspector_a, visit_on)
        else:
            inspections.change_status(
                case,
                CaseStatus.CLOSED.value,
                actor=assignment.inspector_a,
                version=case.version,
                today=visit_on + timedelta(days=6),
            )
    db.session.flush()


def _visit(case: InspectionCase, assignment, visit_on: date, fails: dict) -> None:
    a, b = assignment.inspector_a, assignment.inspector_b
    enterprise = case.enterprise
    inspections.update_visit(
        case,
        actor=a,
        version=case.version,
        method="on_site",
        visit_on=visit_on,
        participants=f"{a.full_name}（{a.certificate_number}）、{b.full_name}（{b.certificate_number}）",
        representative="企业能源管理负责人",
        summary=(
            f"按双随机抽查结果对{enterprise.name}开展日常节能监察，查阅能源管理制度、计量器具台账、"
            "能源统计报表和2019年度能源利用状况报告，现场查看主要用能设备和计量器具配备情况。"
        ),
        today=visit_on,
    )
    answers = {key: ("pass", note) for key, note in PASS_NOTES.items()}
    if enterprise.annual_energy_tce is not None and enterprise.annual_energy_tce < 20000:
        answers["management_system"] = SMALL_UNIT_SYSTEM
    for key, note in fails.items():
        answers[key] = ("fail", note)
    findings.save_checklist(case, answers, actor=a)


def _adopt_failed_checks(case: InspectionCase, inspector, fails: dict) -> list:
    return [findings.adopt(case, f"check:{key}", inspector, confirmed=True) for key in fails]


def _notice_and_rectification(case: InspectionCase, inspector, visit_on: date) -> None:
    """Findings recorded, the notice served a week after the visit, the enterprise's report
    and the 回头看 that found it rectified."""
    recorded = _adopt_failed_checks(case, inspector, FAILS_A)
    inspections.change_status(
        case,
        CaseStatus.FINDINGS.value,
        actor=inspector,
        version=case.version,
        today=visit_on + timedelta(days=2),
    )
    served_on = visit_on + timedelta(days=7)
    notice = rectification.issue_notice(
        case,
        actor=inspector,
        now=_morning(served_on),
        finding_ids=[f.id for f in recorded],
        measures=MEASURES_A,
        basis="date",
        on=date(2020, 8, 31),
        served_on=served_on,
    )
    rectification.record_report(
        notice,
        received_on=date(2020, 8, 20),
        measures_taken=(
            "已新增电能表126块、蒸汽流量计14台并完成检定，次级用能单位计量器具配备率达到98%；"
            "建立分车间能源消费统计台账，自2020年8月起按月核算主要工序能耗。"
        ),
        actor=inspector,
        now=_morning(date(2020, 8, 20)),
    )
    rectification.record_reinspection(
        notice,
        inspected_on=date(2020, 9, 8),
        result="rectified",
        notes="现场核查新增计量器具安装和检定证书，抽查8月份分车间统计台账，整改到位。",
        actor=inspector,
        now=_morning(date(2020, 9, 8)),
    )


def _to_rectification(case: InspectionCase, inspector, visit_on: date) -> None:
    _adopt_failed_checks(case, inspector, FAILS_B)
    for target, days in ((CaseStatus.FINDINGS, 2), (CaseStatus.RECTIFICATION, 5)):
        inspections.change_status(
            case,
            target.value,
            actor=inspector,
            version=case.version,
            today=visit_on + timedelta(days=days),
        )


def _morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


# -- relations declared later, and the second draw -------------------------------------------------


def _declare_later(province, users, username, names, relation, declared_on) -> None:
    inspector = users[username]
    if db.session.scalar(
        select(InspectorRelation.id).where(InspectorRelation.inspector_id == inspector.id)
    ):
        return
    drawn = set(
        db.session.scalars(
            select(InspectionCase.enterprise_id).where(
                InspectionCase.province_id == province.id, InspectionCase.visit_on.is_not(None)
            )
        )
    )
    candidates = db.session.scalars(select(Enterprise).where(Enterprise.name.in_(names))).all()
    by_name = {e.name: e for e in candidates}
    enterprise = next(
        (
            by_name[n]
            for n in names
            if n in by_name and (by_name[n].id not in drawn or len(names) == 1)
        ),
        None,
    )
    if enterprise is None:
        return
    daily.declare_relation(
        province,
        actor=users["ha-officer"],
        inspector=inspector,
        enterprise=enterprise,
        relation=relation,
        declared_on=declared_on,
    )


def _second_draw(province, users: dict) -> DailyDraw:
    pool = [
        u
        for u in daily.inspector_pool(province)
        if u.username not in NOT_IN_POOL_2 and daily.ineligibility(u, DRAW_2_DAY) is None
    ]
    return daily.create_draw(
        province,
        actor=users["ha-officer"],
        values={
            "title": DRAW_2,
            "year": 2020,
            "key_units_only": True,
            "sample_size": 30,
            "stratify_by": Stratification.CITY,
            "exclude_inspected_months": 12,
            "exclude_special_tasks": True,
            "pair_count": 10,
            "inspector_ids": [u.id for u in pool],
            "work_due_on": date(2020, 11, 30),
            "publish_by": date(2020, 12, 15),
        },
        today=DRAW_2_DAY,
    )


def first_draw_cases() -> list[InspectionCase]:
    """The first draw's cases in draw order (empty before it is loaded)."""
    draw = _draw(DRAW_1)
    run = draw.current_run if draw is not None else None
    if run is None:
        return []
    return [a.case for a in sorted(run.assignments, key=lambda a: a.position) if a.case]
