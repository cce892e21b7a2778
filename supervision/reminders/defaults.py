"""The kinds of deadline and how each is reminded until an administrator says otherwise."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .rules import DAYS, Policy

RESPONSIBLE = "responsible"
AGENCY_OFFICERS = "agency_officers"
PROVINCIAL_OFFICERS = "provincial_officers"
MINISTRY_DIGEST = "ministry_digest"


@dataclass(frozen=True)
class DeadlineKind:
    """One kind of dated obligation: its name, default policy and default recipients."""

    key: str
    label: object  # a lazy string: shown in the user's language
    policy: Policy
    recipients: tuple[str, ...]


#: Offsets in working days before the due date (10, 3, 1), the day itself, then every 3
#: working days overdue: the issue's default for every kind except certificates.
STANDARD = Policy(offsets=(10, 3, 1), on_due_day=True, overdue_every=3)
#: A certificate is renewed ahead of time: 60, 30 and 7 calendar days before it expires; once
#: expired, the inspector can no longer inspect and reminders stop (the case pages show it).
CERTIFICATE = Policy(offsets=(60, 30, 7), offset_unit=DAYS, on_due_day=True, overdue_every=0)

#: A training receipt is due a day or two after the notice: reminded shortly before, and on
#: the day; once late the session is days away and the organisers phone instead.
TRAINING = Policy(offsets=(3, 1), on_due_day=True, overdue_every=0)

_PROVINCE = (PROVINCIAL_OFFICERS, MINISTRY_DIGEST)
_CASEWORK = (RESPONSIBLE, AGENCY_OFFICERS)
#: Verification: the people of a task, the agency it went to, the unit's officers (a
#: 计划单列市's own officers are its deadlines' "agency", see verification.deadlines).
_VERIFICATION_TASK = (RESPONSIBLE, AGENCY_OFFICERS, PROVINCIAL_OFFICERS)
_UNIT = (PROVINCIAL_OFFICERS, AGENCY_OFFICERS)
#: National steps (reviews, calls): the people named on them (organiser, experts) and the
#: ministry's digest.
_NATIONAL = (RESPONSIBLE, MINISTRY_DIGEST)

KINDS: dict[str, DeadlineKind] = {
    kind.key: kind
    for kind in (
        DeadlineKind("task_filing", _l("专项监察任务申报"), STANDARD, _PROVINCE),
        DeadlineKind(
            "category_five_results", _l("违规企业整改落实情况结果报送"), STANDARD, _PROVINCE
        ),
        DeadlineKind("annual_summary", _l("年度工作总结报送"), STANDARD, _PROVINCE),
        DeadlineKind("filing_correction", _l("退回修改后重新报送"), STANDARD, _PROVINCE),
        DeadlineKind("case_due", _l("监察案件办结期限"), STANDARD, _CASEWORK),
        DeadlineKind("rectification_deadline", _l("限期整改期限"), STANDARD, _CASEWORK),
        DeadlineKind("reinspection", _l("整改复查（回头看）"), STANDARD, _CASEWORK),
        DeadlineKind("certificate_expiry", _l("行政执法证到期"), CERTIFICATE, _CASEWORK),
        DeadlineKind("verification_task", _l("推广信息核查任务"), STANDARD, _VERIFICATION_TASK),
        DeadlineKind(
            "verification_results",
            _l("推广信息核查结果上报"),
            STANDARD,
            (*_UNIT, MINISTRY_DIGEST),
        ),
        DeadlineKind("training_registration", _l("核查培训报名回执"), TRAINING, _UNIT),
        DeadlineKind("subsidy_monthly", _l("惠民工程月度报告"), STANDARD, _UNIT),
        DeadlineKind("subsidy_annual", _l("惠民工程年度清算报告"), STANDARD, _UNIT),
        # Expert reviews and the remanufactured-product pilots (seed 003).
        DeadlineKind("pilot_formal_review", _l("以旧换再试点形式审查"), STANDARD, _NATIONAL),
        DeadlineKind("review_report", _l("评审报告提交"), STANDARD, _NATIONAL),
        DeadlineKind("review_decision", _l("确定推广单位"), STANDARD, _NATIONAL),
        DeadlineKind("pilot_commitment", _l("试点企业签订承诺书"), STANDARD, _NATIONAL),
        DeadlineKind("pilot_monthly_pack", _l("以旧换再月度材料报送"), STANDARD, _UNIT),
        DeadlineKind("pilot_quarterly", _l("以旧换再季度数据报送"), STANDARD, _UNIT),
        DeadlineKind("pilot_recheck", _l("以旧换再季度数据省级复核"), STANDARD, _PROVINCE),
        DeadlineKind("pilot_complaint", _l("举报核实情况公开"), STANDARD, _UNIT),
        # Daily supervision (双随机) and the annual summary returned for correction.
        DeadlineKind("daily_publication", _l("双随机抽查结果公开"), STANDARD, _PROVINCE),
        DeadlineKind(
            "summary_correction", _l("年度工作总结退回修改后重新报送"), STANDARD, _PROVINCE
        ),
    )
}

#: How each recipient role is named on pages.
RECIPIENT_LABELS = {
    RESPONSIBLE: _l("责任人"),
    AGENCY_OFFICERS: _l("承担机构业务人员"),
    PROVINCIAL_OFFICERS: _l("省级业务人员"),
    MINISTRY_DIGEST: _l("部级汇总"),
}
