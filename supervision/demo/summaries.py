"""The demo's use of 河南's 2020 results, through the real services: improvement suggestions and
energy-diagnosis referrals (one retrofitted), excellent cases (one published by the ministry,
one awaiting it), and the annual summary drafted with all its texts, ready to submit."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from ..daily.models import DailyDraw
from ..enterprises.models import Enterprise
from ..extensions import db
from ..followup import excellent
from ..followup import service as followup
from ..followup.models import DiagnosisReferral, ImprovementSuggestion
from ..inspections.models import CaseStatus, Finding, InspectionCase
from ..organisations.service import by_division_code
from ..plans.service import plan_for_year
from ..summaries import service as summaries
from ..summaries.figures import assemble
from .daily import DRAW_1, first_draw_cases
from .rectification import CASE_WITH_FINDING

PROVIDER = "河南省节能技术服务中心"

#: The aluminium smelter's ladder-price finding (the rectification demo's case).
SMELTER_SUGGESTIONS = (
    "按照电解铝阶梯电价政策，以2019年铝液交流电耗核定用电档次，主动与供电企业核对结算电价，"
    "按规定补缴少执行的加价电费，并建立按年度核定档次的内部管理制度。",
    "开展电解槽能量平衡测试，优化槽电压和极距，加强阳极效应控制和整流系统运行管理，"
    "力争2021年铝液交流电耗降至阶梯电价基准以内。",
)
SMELTER_MEASURES = (
    "1. 整流机组更换为高效整流变压器并投运动态无功补偿装置；"
    "2. 空压站实施集中群控和余热回收，替代部分蒸汽加热；"
    "3. 选取10台电解槽开展新型阴极结构改造试点；"
    "4. 厂区照明和辅助电机能效提升。"
)
SMELTER_ESTIMATE = Decimal("1250.00")

#: The daily case whose metering findings led to a notice, a diagnosis and a retrofit.
METERING_SUGGESTION = (
    "按GB 17167-2006完善三级能源计量体系，建立分车间、分工序能耗统计和月度能耗分析制度，"
    "以计量数据为基础查找空压站、循环水系统等环节的不合理用能。"
)
METERING_MEASURES = (
    "1. 空压站实施群控改造，更换2台高效永磁变频空压机；"
    "2. 回收空压机余热用于生活热水和原料预热；"
    "3. 循环水泵实施变频调速改造。"
)
METERING_ESTIMATE = Decimal("860.00")
METERING_RETROFIT = (
    "完成空压站群控和2台永磁变频空压机更换，建成空压机余热回收装置，3台循环水泵实施变频改造，"
    "改造后经第三方节能量审核。"
)
METERING_ACTUAL = Decimal("912.35")
TRAINING_SUGGESTION = (
    "制定年度节能培训计划，对司炉、空压机、配电等重点用能岗位人员开展岗位节能培训并建立培训档案，"
    "未经培训不得上岗。"
)

PUBLISHED_TITLE = "以“双随机”日常监察推动企业完善能源计量并实施节能诊断改造"
NOMINATED_TITLE = "重点用能单位能源管理体系规范运行的典型"


def _write_up_published(enterprise: Enterprise) -> str:
    tce = (enterprise.annual_energy_tce or Decimal(0)) / Decimal(10000)
    return (
        "2020年4月，河南省按照“双随机、一公开”要求组织第一批日常节能监察抽查，"
        f"{enterprise.name}（主要产品：{enterprise.products}，年综合能耗约{tce:.1f}万吨标准煤）被随机抽中。"
        "监察组现场核查发现，该企业主要生产车间和空压站未配备电能计量器具，次级用能单位电能计量器具"
        "配备率仅约62%，能源消费统计只记录全厂购入量，无法核算主要工序能耗，不符合《中华人民共和国"
        "节约能源法》第二十七条的规定。\n\n"
        "监察机构依法下达限期整改通知书，同时将企业推荐至河南省节能技术服务中心开展节能诊断。企业"
        "按要求新增电能表126块、蒸汽流量计14台，建立分车间能源消费统计台账，并根据诊断报告实施空压站"
        "群控、空压机余热回收和循环水泵变频改造。经复查整改到位，改造后经第三方审核年节能912.35吨"
        "标准煤。\n\n"
        "本案例把监察执法与节能诊断服务结合起来，以“查问题、促整改、帮提升”的方式，推动企业由被动"
        "整改转向主动节能，计量数据的完善也为今后能耗核算和在线监测打下了基础，可供各地在日常节能"
        "监察中借鉴。"
    )


def _write_up_nominated(enterprise: Enterprise) -> str:
    return (
        f"{enterprise.name}在2020年第一批日常节能监察双随机抽查中被抽中。监察组按能源管理体系、"
        "能源管理岗位和负责人履职、能源计量、能源消费统计、能源利用状况报告、节能教育培训六个方面"
        "逐项核查，均符合要求。\n\n"
        "该企业自2017年起按GB/T 23331建立能源管理体系并通过第三方认证，设立专职能源管理科，"
        "能源管理负责人持证上岗并报节能主管部门备案；进出用能单位和主要次级用能单位计量器具配备齐全、"
        "检定及时，能源消费原始记录、统计台账和月度能耗分析报告完整，能源利用状况报告数据与统计报表、"
        "购销凭证一致；每年制定节能培训计划并组织岗位培训。企业以体系运行带动持续改进，近三年单位"
        "产品综合能耗逐年下降。推荐作为重点用能单位规范开展能源管理的典型案例。"
    )


# -- annual summary texts ---------------------------------------------------------------------

FUNDS_USED = Decimal("386.50")
FUNDS_TEXT = (
    "2020年共使用节能监察经费386.50万元，其中中央财政节能监察补助结转结余资金120.00万元已优先"
    "使用完毕，其余为2020年补助资金和省级配套资金。经费主要用于专项监察现场检测、委托第三方开展"
    "能耗核算和节能诊断、执法装备购置及监察管理信息系统运维，做到专款专用。"
)
MECHANISM_TEXT = (
    "建立省、市两级节能监察机构联动工作机制，制定我省日常节能监察“双随机、一公开”实施细则，建立"
    "覆盖全省重点用能单位的检查对象名录库和持证执法人员名录库，实行执法人员利害关系申报和回避制度，"
    "抽取全程由监督人见证并留痕。推行监察结果与阶梯电价政策和社会信用体系衔接，将违规企业信息推送"
    "至省信用信息共享平台，并对发现问题的企业提出改进建议、推荐开展节能诊断。"
)
TRAINING_TEXT = (
    "全年组织全省节能监察执法人员业务培训2期，培训120余人次，重点学习《工业节能管理办法》、"
    "强制性单位产品能耗限额标准和阶梯电价政策，开展数据中心电能使用效率测试和能源计量现场检查实务"
    "培训。组织行政执法证换发工作，执法证到期未换发的人员暂停参加现场检查，换发后恢复。"
)
INFORMATISATION_TEXT = (
    "依托工业节能监察管理信息系统，实现监察任务在线报送、现场监察记录和限期整改通知书在线办理、"
    "双随机抽查全程留痕和结果在线公开；能耗指标按参考数据自动核算，重点用能设备型号在线比对淘汰目录。"
    "下一步将推动与省重点用能单位能耗在线监测系统的数据对接。"
)
PROBLEMS_TEXT = (
    "一是部分市县节能监察机构人员编制不足，执法力量与监察任务不相匹配；二是部分企业能源计量器具"
    "配备不全、统计基础薄弱，影响能耗核算的准确性；三是节能监察补助资金下达时间偏晚，影响上半年"
    "工作开展。建议加强对地方节能监察机构的业务指导和培训支持，尽早下达年度补助资金，并推动能耗在线"
    "监测数据与监察系统共享。"
)


def _morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def load_summaries(users: dict) -> None:
    """Idempotent: each part is made only when missing."""
    officer = users["ha-officer"]
    cases = first_draw_cases()
    _smelter_follow_up(officer)
    if cases:
        _daily_follow_up(cases, officer)
        _excellent_cases(cases, officer, users["ministry"])
    _annual_summary(officer)


# -- follow-up --------------------------------------------------------------------------------


def _has_follow_up(finding: Finding) -> bool:
    return bool(
        db.session.scalar(
            select(ImprovementSuggestion.id).where(ImprovementSuggestion.finding_id == finding.id)
        )
        or db.session.scalar(
            select(DiagnosisReferral.id).where(DiagnosisReferral.finding_id == finding.id)
        )
    )


def _smelter_follow_up(officer) -> None:
    """Two suggestions and a referral whose diagnosis is done (retrofit not yet)."""
    case = db.session.scalars(
        select(InspectionCase)
        .join(Enterprise, Enterprise.id == InspectionCase.enterprise_id)
        .where(Enterprise.name == CASE_WITH_FINDING, InspectionCase.category == 2)
    ).first()
    finding = case.findings[0] if case is not None and case.findings else None
    if finding is None or _has_follow_up(finding):
        return
    for text, day in zip(SMELTER_SUGGESTIONS, (date(2020, 9, 18), date(2020, 9, 21)), strict=True):
        followup.add_suggestion(case, finding, text=text, actor=officer, now=_morning(day))
    referral = followup.refer(
        case,
        finding,
        provider=PROVIDER,
        referred_on=date(2020, 9, 25),
        actor=officer,
        now=_morning(date(2020, 9, 25)),
        today=date(2020, 9, 25),
    )
    followup.update_referral(
        referral,
        version=referral.version,
        provider=PROVIDER,
        referred_on=referral.referred_on,
        diagnosis_start_on=date(2020, 10, 12),
        diagnosis_end_on=date(2020, 11, 20),
        measures=SMELTER_MEASURES,
        estimated_savings=SMELTER_ESTIMATE,
        retrofit_text="",
        retrofit_done_on=None,
        actual_savings=None,
        actor=officer,
        today=date(2020, 11, 23),
    )


def _notice_case(cases: list[InspectionCase]) -> InspectionCase | None:
    """The first draw's case with a notice (metering) and the one still to get one."""
    with_notice = [c for c in cases if c.status == CaseStatus.RECTIFICATION and len(c.findings) > 1]
    return with_notice[0] if with_notice else None


def _training_case(cases: list[InspectionCase]) -> InspectionCase | None:
    rest = [c for c in cases if c.status == CaseStatus.RECTIFICATION and len(c.findings) == 1]
    return rest[0] if rest else None


def _daily_follow_up(cases: list[InspectionCase], officer) -> None:
    metering = _notice_case(cases)
    if metering is not None and not _has_follow_up(metering.findings[0]):
        finding = metering.findings[0]
        followup.add_suggestion(
            metering,
            finding,
            text=METERING_SUGGESTION,
            actor=officer,
            now=_morning(date(2020, 6, 30)),
        )
        referral = followup.refer(
            metering,
            finding,
            provider=PROVIDER,
            referred_on=date(2020, 7, 1),
            actor=officer,
            now=_morning(date(2020, 7, 1)),
            today=date(2020, 7, 1),
        )
        followup.update_referral(
            referral,
            version=referral.version,
            provider=PROVIDER,
            referred_on=referral.referred_on,
            diagnosis_start_on=date(2020, 7, 15),
            diagnosis_end_on=date(2020, 8, 14),
            measures=METERING_MEASURES,
            estimated_savings=METERING_ESTIMATE,
            retrofit_text=METERING_RETROFIT,
            retrofit_done_on=date(2020, 11, 30),
            actual_savings=METERING_ACTUAL,
            actor=officer,
            today=date(2020, 12, 10),
        )
    training = _training_case(cases)
    if training is not None and not _has_follow_up(training.findings[0]):
        followup.add_suggestion(
            training,
            training.findings[0],
            text=TRAINING_SUGGESTION,
            actor=officer,
            now=_morning(date(2020, 7, 2)),
        )


def _excellent_cases(cases: list[InspectionCase], officer, ministry) -> None:
    metering = _notice_case(cases)
    if metering is not None and excellent.nomination_of(metering) is None:
        item = excellent.nominate(
            metering,
            title=PUBLISHED_TITLE,
            write_up=_write_up_published(metering.enterprise),
            savings_tce=METERING_ACTUAL,
            actor=officer,
            now=_morning(date(2020, 12, 15)),
        )
        excellent.decide(
            item,
            select_it=True,
            note="执法与服务相结合，整改和节能效果可核实，入选2020年度节能监察优秀案例。",
            version=item.version,
            actor=ministry,
            now=_morning(date(2020, 12, 22)),
        )
        excellent.publish(item, version=item.version, actor=ministry, today=date(2020, 12, 28))
    closed = [c for c in cases if c.status == CaseStatus.CLOSED]
    model = max(closed, key=lambda c: (c.enterprise.annual_energy_tce or 0, -c.id), default=None)
    if model is not None and excellent.nomination_of(model) is None:
        excellent.nominate(
            model,
            title=NOMINATED_TITLE,
            write_up=_write_up_nominated(model.enterprise),
            savings_tce=None,
            actor=officer,
            now=_morning(date(2020, 12, 18)),
        )


# -- the annual summary -----------------------------------------------------------------------


def _special_text(figures) -> str:
    """专项监察 in words, with the figures the report's table shows (as they stand)."""
    lines = {line.number: line for line in figures.categories}
    total = sum(line.tasks for line in figures.categories)
    inspected = sum(line.inspected for line in figures.categories)
    violations = sum(line.violations for line in figures.categories)
    equipment = lines[3].tasks if 3 in lines else 0
    return (
        "2020年，我省按照《2020年工业节能监察工作计划》（工信部节函〔2020〕1号）要求，承担国家重大"
        f"工业专项节能监察任务{total}项，涵盖重点高耗能行业能耗、阶梯电价政策执行、数据中心能效和"
        f"2019年违规企业整改落实情况，其中重点用能产品设备能效提升专项监察{equipment}项与能耗专项、"
        f"阶梯电价专项同步开展。截至目前已完成现场监察{inspected}项，发现问题{violations}项，主要是"
        "电解铝企业阶梯电价执行档次不符，正在依法下达限期整改通知书；其余任务正按计划推进，"
        "10月底前全部完成现场监察。"
    )


def _daily_text(figures, recusals: int) -> str:
    """日常监察 in words, with the figures of the report (the first draw's results)."""
    daily = figures.daily
    if not daily.tasks:
        return ""
    return (
        f"全年组织“双随机、一公开”日常节能监察，已完成抽取{daily.draws}批次。{DRAW_1}于4月10日"
        f"由省厅业务人员在监督人见证下公开抽取，按地市分层随机抽取重点用能单位{daily.tasks}家、"
        f"执法检查组6个，{recusals}名执法人员因申报利害关系依法回避。5至6月完成现场检查"
        f"{daily.inspected}家，其中{daily.inspected - daily.violations}家六项检查内容均符合要求，"
        f"{daily.violations}家存在能源计量、能源消费统计或节能培训方面的问题，已依法责令整改，"
        f"下达限期整改通知书{daily.notices}份、已整改到位{daily.rectified}家，抽查结果已于7月10日"
        "向社会公开。第二批抽查已完成名录和参数设置，四季度组织实施。"
    )


def _annual_summary(officer) -> None:
    plan = plan_for_year(2020)
    province = by_division_code("410000")
    summary = summaries.summary_for(plan, province)
    if summary.special_text or summary.status.value != "draft":
        return
    figures = assemble(plan, province)
    draw = db.session.scalar(select(DailyDraw).where(DailyDraw.title == DRAW_1))
    recusals = len(draw.current_run.recusals) if draw is not None and draw.current_run else 0
    summaries.update_summary(
        summary,
        actor=officer,
        version=summary.version,
        values={
            "funds_used": FUNDS_USED,
            "funds_text": FUNDS_TEXT,
            "special_text": _special_text(figures),
            "daily_text": _daily_text(figures, recusals),
            "mechanism_text": MECHANISM_TEXT,
            "training_text": TRAINING_TEXT,
            "informatisation_text": INFORMATISATION_TEXT,
            "problems_text": PROBLEMS_TEXT,
        },
    )
