"""The six daily-supervision checks (DOMAIN 2) and what a complete answer needs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

PASS = "pass"  # noqa: S105 -- a check result, not a password
FAIL = "fail"
NOT_APPLICABLE = "na"
RESULTS = (PASS, FAIL, NOT_APPLICABLE)


@dataclass(frozen=True)
class Check:
    """One check of the daily-supervision list."""

    key: str  #: stored in ChecklistEntry.item and Evidence.check_item
    title: str  #: as the 2020 plan words it (data, shown as is)
    basis_key: str  #: legal-basis reference row a failed check is proposed under
    hint: str = ""  #: what the inspector looks at


CHECKS: tuple[Check, ...] = (
    Check(
        "management_system",
        "能源管理体系建立情况",
        "miit_2016",
        "能源方针、目标，管理制度文件，体系运行记录",
    ),
    Check(
        "energy_manager",
        "能源管理岗位设立和能源管理负责人履职情况",
        "ecl_55",
        "岗位设立文件、负责人聘任及备案、履职记录",
    ),
    Check(
        "metering",
        "能源计量制度执行情况",
        "ecl_27",
        "计量器具配备率、检定校准记录、计量台账",
    ),
    Check(
        "statistics",
        "能源消费统计制度执行情况",
        "ecl_27",
        "能源消费原始记录、统计台账、统计报表",
    ),
    Check(
        "status_report",
        "能源利用状况报告制度执行情况",
        "ecl_53",
        "上年度能源利用状况报告报送情况及数据真实性",
    ),
    Check(
        "training",
        "节能教育培训开展情况",
        "ecl_26",
        "培训计划、培训记录、岗位节能培训覆盖情况",
    ),
)

BY_KEY: dict[str, Check] = {c.key: c for c in CHECKS}


def missing_notes(answers: Mapping[str, tuple[str | None, str]]) -> list[str]:
    """Keys of the checks answered 不符合 without a note (a failure must say what was found)."""
    return [
        key
        for key, (result, note) in answers.items()
        if result == FAIL and not (note or "").strip()
    ]


def unknown_items(answers: Mapping[str, object]) -> list[str]:
    """Keys that are not one of the six checks."""
    return [key for key in answers if key not in BY_KEY]
