"""Rectification rules (pure): the deadline of a notice, its number and wording, the steps a
notice may take next, the extension, the re-inspection date and the handling decision."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from ..core.workdays import WorkdayCalendar

DATE = "date"
WORKDAYS = "workdays"
DAYS = "days"
BASES = (DATE, WORKDAYS, DAYS)

#: The longest period (in days of either kind) a notice may give; beyond it is a typo.
MAX_DEADLINE_DAYS = 730
#: A notice may be prepared a little ahead of serving it, not months ahead.
MAX_SERVICE_AHEAD_DAYS = 30


def notice_deadline(
    served_on: date,
    basis: str,
    calendar: WorkdayCalendar,
    *,
    days: int | None = None,
    on: date | None = None,
) -> date:
    """The rectification deadline stated on a notice.

    - ``date``: the given date ``on`` (it must not be before service);
    - ``workdays``: the ``days``-th working day after service (service day not counted);
    - ``days``: ``days`` calendar days after service; a deadline falling on a day off moves to
      the next working day (《民法典》/《行政处罚法》 counting of periods).
    """
    if basis == DATE:
        if on is None:
            raise ValueError("请填写整改期限日期")
        if on < served_on:
            raise ValueError("整改期限不能早于送达日期")
        return on
    if days is None or days < 1:
        raise ValueError("整改期限天数必须为正整数")
    if basis == WORKDAYS:
        return calendar.add_workdays(served_on, days)
    if basis == DAYS:
        return calendar.roll_forward(served_on + timedelta(days=days))
    raise ValueError(f"未知的整改期限方式：{basis}")


def deadline_input_problem(
    served_on: date, basis: str, *, days: int | None, on: date | None
) -> tuple[str, str] | None:
    """Why a deadline cannot be computed from what was entered: (problem key, field), or None.

    The same checks ``notice_deadline`` makes, named by the form field they concern.
    """
    if basis not in BASES:
        return "unknown_basis", "basis"
    if basis == DATE:
        if on is None:
            return "missing_date", "deadline_on"
        if on < served_on:
            return "date_before_service", "deadline_on"
        if (on - served_on).days > MAX_DEADLINE_DAYS:
            return "too_long", "deadline_on"
        return None
    if days is None or days < 1:
        return "missing_days", "days"
    if days > MAX_DEADLINE_DAYS:
        return "too_long", "days"
    return None


def reinspection_due_on(deadline_on: date, calendar: WorkdayCalendar, *, workdays: int) -> date:
    """By when the 回头看 should be done: ``workdays`` working days after the deadline in force."""
    return calendar.add_workdays(deadline_on, workdays)


# -- number and wording -------------------------------------------------------------------

#: Endings of agency names left out of the number's short name (longest first).
AGENCY_SUFFIXES = (
    "工业和信息化委员会",
    "经济和信息化委员会",
    "工业和信息化厅",
    "工业和信息化局",
    "经济和信息化厅",
    "经济和信息化局",
    "节能监察总队",
    "节能监察支队",
    "节能监察大队",
    "节能监察中心",
    "节能监察监测中心",
    "节能监察局",
    "节能监察所",
    "节能监察站",
    "监察总队",
    "监察支队",
    "监察大队",
    "监察中心",
)
#: Endings of place names dropped after that (广西壮族自治区 → 广西, 南京市 → 南京).
PLACE_SUFFIXES = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "自治州",
    "省",
    "市",
    "县",
    "区",
)


def agency_short_name(agency_name: str) -> str:
    """The agency's name as the number abbreviates it: 洛阳市节能监察支队 → 洛阳."""
    name = agency_name.strip()
    for suffix in sorted(AGENCY_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    for suffix in PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            name = name[: -len(suffix)]
            break
    return name or agency_name.strip()


def notice_number(agency_name: str, year: int, sequence: int) -> str:
    """The printed number: 洛阳节监改〔2020〕3号."""
    return f"{agency_short_name(agency_name)}节监改〔{year}〕{sequence}号"


def chinese_date(d: date) -> str:
    """2020年10月22日 (no leading zeros, as official documents write dates)."""
    return f"{d.year}年{d.month}月{d.day}日"


def deadline_sentence(deadline_on: date, basis: str, days: int | None) -> str:
    """请于2020年10月22日前（自送达之日起15个工作日内）完成整改."""
    period = ""
    if basis == WORKDAYS and days:
        period = f"（自送达之日起{days}个工作日内）"
    elif basis == DAYS and days:
        period = f"（自送达之日起{days}日内）"
    return f"请于{chinese_date(deadline_on)}前{period}完成整改"


def service_late(visit_on: date | None, served_on: date, days: int) -> bool:
    """True when the notice was served more than ``days`` days after the supervision visit
    (DOMAIN 6.6: served within 20 days after the supervision ends; a warning, not a refusal)."""
    return visit_on is not None and (served_on - visit_on).days > days


def served_problem(visit_on: date | None, served_on: date, today: date) -> str | None:
    """Why a service date cannot be right (a problem key), or None."""
    if visit_on is not None and served_on < visit_on:
        return "served_before_visit"
    if served_on > today + timedelta(days=MAX_SERVICE_AHEAD_DAYS):
        return "served_far_ahead"
    return None


# -- the notice's life --------------------------------------------------------------------

ISSUED = "issued"
REPORTED = "reported"
RECTIFIED = "rectified"
PARTLY = "partly"
NOT_RECTIFIED = "not_rectified"
HANDLED = "handled"

REPORT = "report"
EXTENSION = "extension"
REINSPECTION = "reinspection"
DECISION = "decision"

#: status → the steps that may be recorded next.
NEXT_STEPS = {
    ISSUED: (REPORT, EXTENSION, REINSPECTION),
    REPORTED: (REPORT, EXTENSION, REINSPECTION),
    RECTIFIED: (),
    PARTLY: (DECISION,),
    NOT_RECTIFIED: (DECISION,),
    HANDLED: (),
}

#: Re-inspection result → the notice's status after it.
STATUS_AFTER_REINSPECTION = {
    RECTIFIED: RECTIFIED,
    PARTLY: PARTLY,
    NOT_RECTIFIED: NOT_RECTIFIED,
}

#: Statuses in which the enterprise still owes its rectification.
OPEN = frozenset({ISSUED, REPORTED})


def step_problem(status: str, step: str, *, extended: bool = False) -> str | None:
    """Why ``step`` cannot be recorded on a notice in ``status`` (a problem key), or None."""
    if step == EXTENSION and extended:
        return "extended_once"
    if step == DECISION and status == RECTIFIED:
        return "rectified_needs_no_decision"
    if step == DECISION and status in OPEN:
        return "decision_before_reinspection"
    if step not in NEXT_STEPS.get(status, ()):
        if status == HANDLED:
            return "handled"
        if status in STATUS_AFTER_REINSPECTION:
            return "reinspected"
        return "not_now"
    return None


def status_after(status: str, step: str, result: str | None = None) -> str:
    """The notice's status once ``step`` (with ``result`` for a re-inspection) is recorded."""
    if step == REPORT:
        return REPORTED
    if step == EXTENSION:
        return status
    if step == REINSPECTION:
        if result not in STATUS_AFTER_REINSPECTION:
            raise ValueError(f"未知的复查结论：{result}")
        return STATUS_AFTER_REINSPECTION[result]
    if step == DECISION:
        return HANDLED
    raise ValueError(f"未知的办理环节：{step}")


def is_overdue(status: str, deadline_in_force: date, today: date) -> bool:
    """The deadline in force has passed and the enterprise has reported nothing."""
    return status == ISSUED and deadline_in_force < today


def days_left(deadline_in_force: date, today: date) -> int:
    """Calendar days until the deadline in force (negative: overdue)."""
    return (deadline_in_force - today).days


def extension_problem(
    *,
    served_on: date,
    current_deadline: date,
    requested_on: date | None,
    granted_on: date | None,
    new_deadline: date | None,
    reason: str,
    today: date,
) -> tuple[str, str] | None:
    """Why an extension cannot be granted as entered: (problem key, field), or None."""
    if requested_on is None:
        return "missing", "requested_on"
    if requested_on < served_on:
        return "requested_before_service", "requested_on"
    if requested_on > current_deadline:
        return "requested_after_deadline", "requested_on"
    if requested_on > today:
        return "future", "requested_on"
    if not reason.strip():
        return "no_reason", "reason"
    if granted_on is None:
        return "missing", "granted_on"
    if granted_on < requested_on:
        return "granted_before_request", "granted_on"
    if granted_on > today:
        return "future", "granted_on"
    if new_deadline is None:
        return "missing", "extended_deadline_on"
    if new_deadline <= current_deadline:
        return "not_later", "extended_deadline_on"
    if (new_deadline - current_deadline).days > MAX_DEADLINE_DAYS:
        return "too_long", "extended_deadline_on"
    return None


def record_date_problem(on: date | None, *, not_before: date, today: date) -> str | None:
    """A recorded event's date: given, not before ``not_before``, not in the future (a key)."""
    if on is None:
        return "missing"
    if on < not_before:
        return "too_early"
    if on > today:
        return "future"
    return None


#: 罚款金额 fits NUMERIC(14, 2).
MAX_PENALTY = Decimal("999999999999.99")


def decision_problem(
    *,
    penalty_number: str,
    penalty_amount: Decimal | None,
    ladder_price_applied: bool,
    referral: str,
    notes: str,
) -> tuple[str, str] | None:
    """Why a handling decision cannot be recorded as entered: (problem key, field), or None."""
    if penalty_amount is not None:
        if not penalty_amount.is_finite() or penalty_amount < 0:
            return "negative", "penalty_amount"
        if penalty_amount > MAX_PENALTY:
            return "too_large", "penalty_amount"
        if penalty_amount != penalty_amount.quantize(Decimal("0.01")):
            return "cents", "penalty_amount"
        if penalty_amount > 0 and not penalty_number.strip():
            return "no_number", "penalty_number"
    if not (penalty_number.strip() or ladder_price_applied or referral.strip() or notes.strip()):
        return "nothing", "notes"
    return None
