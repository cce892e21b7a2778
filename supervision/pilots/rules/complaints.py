"""Rules of the pilots' social supervision (seed 003 第十八条, 第二十三条): the third-party
checks' sampling rate, the complaint's publication deadline and the complaint's number."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from ...core.workdays import WorkdayCalendar

#: 第十八条: checks of "日常交易量的 5%-10%" (both ends allowed).
CHECK_RATE_MIN = Decimal("0.05")
CHECK_RATE_MAX = Decimal("0.10")
#: 第二十三条(二): findings published "在 30 个工作日内".
COMPLAINT_WORKDAYS = 30

#: One-character abbreviations of the provincial units (as in 苏再制造举〔2014〕3 号), by the
#: first two digits of their GB/T 2260 code; 66 is 新疆生产建设兵团 (兵团).
PROVINCE_ABBREVIATIONS = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙",
    "21": "辽", "22": "吉", "23": "黑",
    "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁",
    "41": "豫", "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼",
    "50": "渝", "51": "川", "52": "黔", "53": "滇", "54": "藏",
    "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新", "66": "兵团",
    "71": "台", "81": "港", "82": "澳",
}  # fmt: skip
#: The middle of the number: what the register is (再制造产品“以旧换再”举报).
COMPLAINT_WORD = "再制造举"
_NAME_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


def check_rate_allowed(rate: Decimal | str | None) -> bool:
    """Whether a third-party check may sample ``rate`` of a period's trade-ins: 5 % to 10 %,
    both included (0.05 and 0.10 yes, 0.049 and 0.101 no). Read as written, never as a float."""
    if rate is None:
        return False
    try:
        value = Decimal(str(rate))
    except InvalidOperation:
        return False
    return value.is_finite() and CHECK_RATE_MIN <= value <= CHECK_RATE_MAX


def rate_percent(rate: Decimal | str) -> str:
    """A rate as a percentage without trailing zeros or exponent: 0.0500 → "5", 0.075 → "7.5",
    0.10 → "10"."""
    value = (Decimal(str(rate)) * 100).normalize()
    return format(value, "f")


def complaint_due(received_on: date, calendar: WorkdayCalendar) -> date:
    """The day the finding must be published by: the 30th working day after the day the
    complaint was received (the day of receipt does not count; weekends, public holidays and
    调休 as the calendar says). Received Tue 2015-02-10, before the Spring Festival → Fri
    2015-03-27."""
    return calendar.add_workdays(received_on, COMPLAINT_WORKDAYS)


def province_abbreviation(division_code: str | None, name: str = "") -> str:
    """The province's one-character name (320000 江苏省 → 苏). A unit not in the table is
    named by its name without the suffix (内蒙古自治区 → 内蒙古)."""
    found = PROVINCE_ABBREVIATIONS.get((division_code or "")[:2])
    if found:
        return found
    text = "".join((name or "").split())
    for suffix in _NAME_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def complaint_number(division_code: str | None, province_name: str, year: int, seq: int) -> str:
    """The complaint's register number within its province and year, e.g. 苏再制造举〔2014〕3 号:
    the province's abbreviation, 再制造举, the year of receipt and the running number from 1."""
    if seq < 1:
        raise ValueError("the running number starts at 1")
    prefix = province_abbreviation(division_code, province_name)
    return f"{prefix}{COMPLAINT_WORD}〔{year}〕{seq} 号"


def published_late(due_on: date, published_on: date | None) -> bool:
    """逾期公开: the finding was published after its due day (on the due day is in time)."""
    return published_on is not None and published_on > due_on


def overdue(due_on: date, published_on: date | None, today: date) -> bool:
    """Not yet published and the due day has passed."""
    return published_on is None and today > due_on
