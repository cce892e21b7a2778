"""What the user is told when a rule refuses: the rules' problem keys, in words."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from . import rules

DEADLINE_PROBLEMS = {
    "unknown_basis": _l("请选择整改期限方式。"),
    "missing_date": _l("请填写整改期限日期。"),
    "date_before_service": _l("整改期限不能早于送达日期。"),
    "missing_days": _l("请填写整改期限天数（正整数）。"),
    "too_long": _l("整改期限不能超过送达后 %(n)s 日。", n=rules.MAX_DEADLINE_DAYS),
}
SERVED_PROBLEMS = {
    "served_before_visit": _l("送达日期不能早于监察日期。"),
    "served_far_ahead": _l("送达日期不能晚于今天 %(n)s 日以上。", n=rules.MAX_SERVICE_AHEAD_DAYS),
}
STEP_PROBLEMS = {
    "extended_once": _l("整改期限只能延期一次，本通知书已延期。"),
    "rectified_needs_no_decision": _l("复查结论为已整改，无需依法处理。"),
    "decision_before_reinspection": _l(
        "请先登记复查（回头看）结论；未整改或整改不到位的才依法处理。"
    ),
    "handled": _l("本通知书已依法处理完毕。"),
    "reinspected": _l("本通知书已登记复查结论。"),
    "not_now": _l("通知书当前状态不能办理此事项。"),
}
EXTENSION_PROBLEMS = {
    "missing": _l("请填写日期。"),
    "requested_before_service": _l("申请延期日期不能早于送达日期。"),
    "requested_after_deadline": _l("延期申请应在整改期限届满前提出。"),
    "future": _l("日期不能晚于今天。"),
    "no_reason": _l("请填写延期理由。"),
    "granted_before_request": _l("批准日期不能早于申请日期。"),
    "not_later": _l("延期后的整改期限应晚于原整改期限。"),
    "too_long": _l("延期不能超过 %(n)s 日。", n=rules.MAX_DEADLINE_DAYS),
}
DATE_PROBLEMS = {
    "missing": _l("请填写日期。"),
    "too_early": _l("日期不能早于%(d)s。"),
    "future": _l("日期不能晚于今天。"),
}
DECISION_PROBLEMS = {
    "negative": _l("罚款金额不能为负数。"),
    "cents": _l("罚款金额最多保留两位小数（元、角、分）。"),
    "too_large": _l("罚款金额超出范围。"),
    "no_number": _l("处以罚款的，请填写行政处罚决定书文号。"),
    "nothing": _l("请至少填写一项处理结果（处罚、阶梯电价、移送或处理情况）。"),
}
NOT_ALLOWED = _l("只有本省（本机构）的节能监察主管人员或承办该案件的监察人员可以办理限期整改。")
CHANGED_MEANWHILE = _l("本通知书已被他人修改，请刷新后重新填写。")
