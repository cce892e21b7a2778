"""The 2019 rectification notices of the national data set's category-五 enterprises, as the
2019 violators import loads them, published in January 2020; their 回头看 follows the case of
the category-五 task where that case was visited."""

from __future__ import annotations

from datetime import date, timedelta

from ...inspections.models import CaseStatus
from ...rectification import rules
from ...rectification.models import DeadlineBasis, NoticeStatus, ReinspectionResult
from . import utc
from .tasks import VIOLATOR_REMARKS

MEASURES = {
    "over_quota": "限期治理，采取节能技术改造等措施，使单位产品能耗达到限额标准要求，并书面报告整改情况",
    "ladder_mismatch": "核定能耗档次，配合价格主管部门执行相应阶梯加价，并书面报告整改情况",
    "eliminated_equipment": "停止使用并淘汰所列设备，不得转让他人使用，并书面报告处置情况",
    "below_efficiency": "制定设备更新计划，更换能效低于限定值的设备，并书面报告整改情况",
    "pue": "开展节能诊断和改造，降低电能使用效率，并书面报告整改情况",
    "metering": "按 GB 17167 配齐并检定能源计量器具，建立计量台账",
    "daily_check": "健全能源管理制度，按规定履行能源管理义务",
    "other": "按原限期整改通知书要求落实整改措施",
}
#: The 2019 violation behind each category-五 task's remark: (finding kind, violation).
VIOLATIONS_2019 = (
    ("over_quota", "2018年单位产品综合能耗超过能耗限额标准限定值"),
    ("ladder_mismatch", "2018年能耗指标对应阶梯电价加价档次，未按规定执行阶梯电价"),
    ("eliminated_equipment", "使用国家明令淘汰的用能设备"),
    ("metering", "能源计量器具配备不符合 GB 17167 要求"),
)
NOT_DONE = (
    "复查发现整改措施未落实到位，所列问题仍然存在",
    "企业已制定整改方案，但尚未完成设备更换",
    "企业未按期提交整改报告，现场核查问题依旧",
)


def add(rng, rows, violators, by_task, names, taken) -> None:
    """The 2019 notices of the category-五 enterprises, published in January 2020; their
    回头看 follows the case where there is one."""
    counters: dict[int, int] = {}
    for task in violators:
        kind, violation = VIOLATIONS_2019[
            VIOLATOR_REMARKS.index(task.remarks) if task.remarks in VIOLATOR_REMARKS else 0
        ]
        short = rules.agency_short_name(names[task.agency_id])
        while True:
            counters[task.agency_id] = counters.get(task.agency_id, 0) + 1
            number = f"{short}节监改〔2019〕{counters[task.agency_id]}号"
            if number not in taken:
                taken.add(number)
                break
        served = date(2019, 5, 6) + timedelta(days=rng.randint(0, 170))
        case = by_task.get(task.id)
        notice = rows.notice(
            case_id=None,
            province_id=task.province_id,
            agency_id=task.agency_id,
            enterprise_id=task.enterprise_id,
            year=2019,
            sequence=None,
            number=number,
            _agency_name=names[task.agency_id],
            violation=violation,
            measures=MEASURES[kind],
            served_on=served,
            deadline_basis=DeadlineBasis.DATE,
            deadline_on=served + timedelta(days=rng.choice((60, 90, 120, 150))),
            status=NoticeStatus.ISSUED,
            imported=True,
            created_at=utc(date(2020, 1, 8)),
        )
        rows.items.append(
            {
                "_notice": notice,
                "position": 1,
                "finding_id": None,
                "kind": kind,
                "description": violation,
                "basis_text": "",
            }
        )
        entry = rows.publish(
            rng,
            notice,
            date(2020, 1, 6) + timedelta(days=rng.randint(0, 39)),
            decision=f"责令限期整改（{number}）",
            violation=violation,
        )
        _review(rng, rows, notice, case, entry)


def _review(rng, rows, notice: dict, case, entry: dict) -> None:
    """The 回头看 of a 2019 notice by its category-五 case, once that case was visited."""
    if case is None or case.visit_on is None or case.status == CaseStatus.IN_PROGRESS:
        if rng.random() < 0.4:
            received = notice["deadline_on"] - timedelta(days=rng.randint(0, 20))
            notice["status"] = NoticeStatus.REPORTED
            rows.reports.append(
                {
                    "_notice": notice,
                    "received_on": received,
                    "measures_taken": "已完成整改并提交整改报告",
                    "recorded_by_id": None,
                    "created_at": utc(date(2020, 1, 8)),
                }
            )
        return
    done = case.status == CaseStatus.CLOSED
    result = ReinspectionResult.RECTIFIED if done else ReinspectionResult.NOT_RECTIFIED
    notice["status"] = NoticeStatus(result.value)
    rows.reinspections.append(
        {
            "_notice": notice,
            "case_id": case.id,
            "inspected_on": case.visit_on,
            "result": result,
            "notes": "" if done else rng.choice(NOT_DONE),
            "recorded_by_id": case.task.inspectors[0].id,
            "created_at": utc(case.visit_on, 8),
        }
    )
    if done:
        entry["rectified_on"] = case.visit_on
