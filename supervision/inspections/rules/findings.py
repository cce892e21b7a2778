"""Findings proposed from stored verdicts, the equipment ledger and the daily checklist."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from . import Status
from . import checklist as checks

MINOR = "minor"
GENERAL = "general"
SERIOUS = "serious"

#: Finding kind → how it is named (data, shown as is).
KIND_LABELS = {
    "over_quota": "超过单位产品能耗限额标准用能",
    "ladder_mismatch": "阶梯电价执行档次不符",
    "eliminated_equipment": "使用国家明令淘汰的用能设备",
    "below_efficiency": "用能设备能效低于限定值",
    "pue": "数据中心 PUE 高于目标值",
    "metering": "能源计量器具配备或使用不符合要求",
    "daily_check": "日常节能监察不符合项",
    "other": "其他",
}
KINDS = tuple(KIND_LABELS)

#: Keys of a finding's numbers → how they are named.
NUMBER_LABELS = {
    "subject": "核算对象",
    "value": "核算值",
    "limit": "限值/目标值",
    "unit": "单位",
    "over_amount": "超出量",
    "over_percent": "超出比例（%）",
    "computed": "应执行档次",
    "billed": "实际执行档次",
    "billed_rate": "实际执行加价（元/kWh）",
    "direction": "偏差方向",
    "surcharge": "应收加价（元）",
    "model": "型号",
    "equipment": "设备",
    "quantity": "数量",
    "standard": "依据标准",
    "clause": "条款",
    "batch": "淘汰目录批次",
    "check_item": "检查项",
    "note": "情况说明",
    "reference_version": "参考数据版本",
    "reference_unverified": "参考值待核实",
}


@dataclass(frozen=True)
class VerdictFacts:
    """What a proposal reads from a stored verdict (values as stored, numbers as text)."""

    id: int
    rule: str  #: quota, ladder, equipment, pue
    subject: str
    status: str
    reason: str = ""
    provisional: str | None = None
    verified: bool = True
    value: str = ""
    limit: str = ""
    unit: str = ""
    reference_version: str = ""
    numbers: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class EquipmentFacts:
    id: int
    kind: str
    model: str
    name: str = ""
    status: str = ""
    reason: str = ""
    standard: str = ""
    clause: str = ""
    batch: str = ""
    verified: bool = True
    quantity: int = 1
    reference_version: str = ""


@dataclass(frozen=True)
class CheckFacts:
    item: str
    result: str | None
    note: str = ""


@dataclass(frozen=True)
class Proposal:
    """A finding the data suggests; the inspector decides whether to record it."""

    key: str  #: "verdict:12", "equipment:5", "check:metering"
    kind: str
    basis_key: str
    severity: str
    description: str
    numbers: dict[str, str]
    verdict_id: int | None = None
    equipment_item_id: int | None = None
    #: The reference value behind it is not verified: recording needs an explicit confirmation.
    unverified: bool = False

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


def finding_key(
    verdict_id: int | None, equipment_item_id: int | None, numbers: Mapping[str, object]
) -> str | None:
    """The proposal key a recorded finding answers (None for a finding entered by hand)."""
    if verdict_id is not None:
        return f"verdict:{verdict_id}"
    if equipment_item_id is not None:
        return f"equipment:{equipment_item_id}"
    item = numbers.get("check_item") if numbers else None
    return f"check:{item}" if item else None


def _true(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1", "yes", "mismatch")


def _says(v: VerdictFacts, status: Status) -> tuple[bool, bool]:
    """(does the verdict say ``status``, only provisionally — the reference is unverified)."""
    if v.status == status.value:
        return True, not v.verified
    if v.status == Status.LIMIT_UNVERIFIED.value and v.provisional == status.value:
        return True, True
    return False, False


def _ladder_mismatch(v: VerdictFacts) -> tuple[bool, bool]:
    said, unverified = _says(v, Status.MISMATCH)
    if said:
        return True, unverified
    n = v.numbers or {}
    shown = (
        _true(n.get("mismatch", False))
        or _true(n.get("is_finding", False))
        or str(n.get("status", "")) == Status.MISMATCH.value
        or str(n.get("direction") or "") in ("under", "over")
    )
    return shown, shown and (not v.verified or v.status == Status.LIMIT_UNVERIFIED.value)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _verdict_numbers(v: VerdictFacts, *extra: str) -> dict[str, str]:
    found = {"subject": v.subject, "value": v.value, "limit": v.limit, "unit": v.unit}
    for key in extra:
        if v.numbers.get(key) not in (None, ""):
            found[key] = _text(v.numbers[key])
    if v.reference_version:
        found["reference_version"] = v.reference_version
    return {k: _text(val) for k, val in found.items() if _text(val) != ""}


def _from_verdict(v: VerdictFacts) -> Proposal | None:
    if v.rule == "quota":
        said, unverified = _says(v, Status.OVER_LIMIT)
        kind, basis, severity = "over_quota", "ecl_16", SERIOUS
        numbers = _verdict_numbers(v, "over_amount", "over_percent")
        over = numbers.get("over_percent")
        description = f"{v.subject}：{v.reason}" + (f"（超出 {over}%）" if over else "")
    elif v.rule == "ladder":
        said, unverified = _ladder_mismatch(v)
        kind, basis, severity = "ladder_mismatch", "ladder_price", GENERAL
        numbers = _verdict_numbers(v, "computed", "billed", "billed_rate", "direction", "surcharge")
        description = f"阶梯电价：{v.reason}"
    elif v.rule == "pue":
        said, unverified = _says(v, Status.OVER_LIMIT)
        # Supervision of data centres ends in improvement suggestions (seed 004 §三(三)).
        kind, basis, severity = "pue", "supervision_2016", MINOR
        numbers = _verdict_numbers(v)
        description = f"{v.subject}：{v.reason}（建议实施节能改造）"
    else:
        return None
    if not said:
        return None
    if unverified:
        numbers["reference_unverified"] = "是"
    return Proposal(
        key=f"verdict:{v.id}",
        kind=kind,
        basis_key=basis,
        severity=severity,
        description=description,
        numbers=numbers,
        verdict_id=v.id,
        unverified=unverified,
    )


def _from_equipment(item: EquipmentFacts) -> Proposal | None:
    unverified = not item.verified
    if item.status == Status.ELIMINATE.value:
        kind, severity = "eliminated_equipment", SERIOUS
    elif item.status == Status.BELOW_LIMIT.value:
        kind, severity = "below_efficiency", GENERAL
    elif item.status == Status.LIMIT_UNVERIFIED.value and item.batch:
        # A model matched by an unverified catalogue pattern: shown, recorded only if confirmed.
        kind, severity, unverified = "eliminated_equipment", SERIOUS, True
    else:
        return None
    what = " ".join(p for p in (item.name, item.model) if p)
    numbers = {
        "equipment": item.name or item.kind,
        "model": item.model,
        "quantity": str(item.quantity),
        "standard": item.standard,
        "clause": item.clause,
        "batch": item.batch,
        "reference_version": item.reference_version,
    }
    numbers = {k: v for k, v in numbers.items() if v}
    if unverified:
        numbers["reference_unverified"] = "是"
    return Proposal(
        key=f"equipment:{item.id}",
        kind=kind,
        basis_key="ecl_17",
        severity=severity,
        description=f"{what}：{item.reason}" if item.reason else what,
        numbers=numbers,
        equipment_item_id=item.id,
        unverified=unverified,
    )


def _from_check(entry: CheckFacts) -> Proposal | None:
    check = checks.BY_KEY.get(entry.item)
    if check is None or entry.result != checks.FAIL:
        return None
    note = (entry.note or "").strip()
    return Proposal(
        key=f"check:{check.key}",
        kind="daily_check",
        basis_key=check.basis_key,
        severity=GENERAL,
        description=f"{check.title}不符合要求" + (f"：{note}" if note else ""),
        numbers={"check_item": check.key, "note": note} if note else {"check_item": check.key},
    )


def propose(
    verdicts: Iterable[VerdictFacts],
    equipment: Iterable[EquipmentFacts] = (),
    checklist: Iterable[CheckFacts] = (),
    *,
    recorded: Iterable[str | None] = (),
) -> list[Proposal]:
    """Proposals from the data, leaving out those whose key is already ``recorded``."""
    done = {k for k in recorded if k}
    found = [
        *(_from_verdict(v) for v in verdicts),
        *(_from_equipment(i) for i in equipment),
        *(_from_check(c) for c in checklist),
    ]
    return [p for p in found if p is not None and p.key not in done]


def basis_applies(kind: str, applies_to: Iterable[str]) -> bool:
    """A basis may back a finding of ``kind`` if it lists that kind (any basis for "other")."""
    return kind == "other" or kind in tuple(applies_to)
