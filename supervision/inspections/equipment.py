"""Category 三: a case's equipment ledger, each row checked against the standards and 淘汰目录."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..core.errors import DomainError
from ..core.models import User
from ..extensions import db
from ..reference import service as reference
from . import service
from .models import CaseStatus, EquipmentItem, InspectionCase
from .rules import Status
from .rules import equipment as rules

#: Case categories that keep an equipment ledger (三, and 三 riding on 一 or 二).
LEDGER_CATEGORIES = (1, 2, 3)

#: The kinds as the pages and the import template name them.
KIND_LABELS = {
    "motor": _l("电动机"),
    "fan": _l("风机"),
    "pump": _l("水泵"),
    "air_compressor": _l("空气压缩机"),
    "transformer": _l("变压器"),
}
#: What people write in the 设备类型 column (besides the keys and the labels above).
KIND_ALIASES = {
    "电动机": "motor",
    "电机": "motor",
    "三相异步电动机": "motor",
    "风机": "fan",
    "通风机": "fan",
    "水泵": "pump",
    "泵": "pump",
    "清水离心泵": "pump",
    "离心泵": "pump",
    "空气压缩机": "air_compressor",
    "空压机": "air_compressor",
    "压缩机": "air_compressor",
    "变压器": "transformer",
    "配电变压器": "transformer",
}
GRADES = range(1, 6)

#: Statuses counted together on the page.
SUMMARY_GROUPS = {
    "eliminate": (Status.ELIMINATE.value,),
    "below_limit": (Status.BELOW_LIMIT.value,),
    "compliant": (Status.COMPLIANT.value,),
    "missing": (Status.MISSING_DATA.value, Status.ABNORMAL_DATA.value),
}
#: What the findings take from the ledger.
TO_ACT_ON = (Status.ELIMINATE.value, Status.BELOW_LIMIT.value)

_YEAR = re.compile(r"^\d{4}$")
_GRADE = re.compile(r"^([1-9]\d*)\s*级?$")
_IGNORED_IN_NUMBERS = re.compile(r"[\s,]")


@dataclass(frozen=True)
class ItemData:
    """One ledger row as entered, checked for shape (the rules judge the rest)."""

    kind: str
    model: str
    name: str = ""
    rated: Decimal | None = None
    grade: str = ""
    efficiency: Decimal | None = None
    variant: str = ""
    quantity: int = 1
    location: str = ""
    commissioned_year: int | None = None


FIELDS = tuple(f.name for f in fields(ItemData))


def kind_of(text: str) -> str | None:
    """``motor`` from "motor", "电动机", "电机" …; None when not a ledger kind."""
    text = (text or "").strip()
    if text in KIND_LABELS:
        return text
    if text in KIND_ALIASES:
        return KIND_ALIASES[text]
    return next((k for k, label in KIND_LABELS.items() if str(label) == text), None)


def _number(text: str, what: str, errors: list, key: str, *, digits: int) -> Decimal | None:
    text = _IGNORED_IN_NUMBERS.sub("", text or "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors.append((key, _("%(what)s应为数字，而不是“%(v)s”。", what=what, v=text)))
        return None
    if not value.is_finite() or value <= 0:
        errors.append((key, _("%(what)s应大于 0。", what=what)))
        return None
    if value >= Decimal(10) ** digits:
        errors.append((key, _("%(what)s数值过大。", what=what)))
        return None
    return value.quantize(Decimal("0.001"))


def parse_item(values: Mapping[str, str]) -> tuple[ItemData | None, list[tuple[str, str]]]:
    """A row of text (form or file) → ItemData, or the [(field, Chinese message)] wrong with it."""

    def text(key: str) -> str:
        return str(values.get(key) or "").strip()

    errors: list[tuple[str, str]] = []
    kind = kind_of(text("kind"))
    if not text("kind"):
        errors.append(("kind", _("请填写设备类型。")))
    elif kind is None:
        errors.append(
            (
                "kind",
                _(
                    "设备类型“%(v)s”不正确，应为电动机、风机、水泵、空气压缩机或变压器。",
                    v=text("kind"),
                ),
            )
        )
    model = text("model")
    if not model:
        errors.append(("model", _("请填写型号。")))
    for key, what, size in (
        ("model", _("型号"), 80),
        ("name", _("设备名称"), 80),
        ("variant", _("极数/规格"), 20),
        ("location", _("使用位置"), 80),
    ):
        if len(text(key)) > size:
            errors.append((key, _("%(what)s不能超过 %(n)s 个字。", what=what, n=size)))
    rated = _number(text("rated"), _("额定功率/容量"), errors, "rated", digits=11)
    efficiency = _number(text("efficiency"), _("效率/比功率"), errors, "efficiency", digits=7)
    grade = ""
    if text("grade"):
        match = _GRADE.match(text("grade"))
        if match is None or int(match.group(1)) not in GRADES:
            errors.append(("grade", _("能效等级应为 1 至 5 级，而不是“%(v)s”。", v=text("grade"))))
        else:
            grade = match.group(1)
    quantity = 1
    if text("quantity"):
        if not text("quantity").isdigit() or not 0 < int(text("quantity")) < 100_000:
            errors.append(("quantity", _("数量应为正整数。")))
        else:
            quantity = int(text("quantity"))
    year = None
    if text("commissioned_year"):
        raw = text("commissioned_year").removesuffix("年")
        if not _YEAR.match(raw) or not 1900 <= int(raw) <= 2100:
            errors.append(("commissioned_year", _("投运年份应为四位年份，如 2015。")))
        else:
            year = int(raw)
    if errors:
        return None, errors
    return (
        ItemData(
            kind=kind,
            model=model,
            name=text("name"),
            rated=rated,
            grade=grade,
            efficiency=efficiency,
            variant=text("variant"),
            quantity=quantity,
            location=text("location"),
            commissioned_year=year,
        ),
        [],
    )


# -- the check --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """The reference rows the checks use, and the code stored with each result."""

    standards: tuple
    catalogue: tuple
    version: str


def reference_in_use() -> Reference:
    standards = reference.current("equipment_standards")
    catalogue = reference.current("elimination_catalogue")
    return Reference(standards.rows, catalogue.rows, f"{standards.code} · {catalogue.code}")


def assessed_on(case: InspectionCase) -> date:
    return date(case.assessed_year, 12, 31)


def check_columns(
    *,
    kind: str,
    model: str,
    rated: Decimal | None,
    grade: str,
    efficiency: Decimal | None,
    variant: str,
    on: date,
    ref: Reference,
) -> dict:
    """The result columns of an EquipmentItem for these values (pure given ``ref``)."""
    verdict = rules.check_equipment(
        rules.EquipmentItem(
            kind=kind,
            model=model,
            rated=rated,
            grade=grade or None,
            efficiency=efficiency,
            variant=variant,
        ),
        standards=ref.standards,
        elimination_catalogue=ref.catalogue,
        on=on,
    )
    return {
        "status": verdict.status.value,
        "reason": verdict.reason,
        "standard": (verdict.standard or "")[:40],
        "clause": (verdict.clause or "")[:80],
        "batch": (verdict.batch or "")[:40],
        "verified": verdict.verified,
        "reference_version": ref.version[:255],
    }


def check_item(item: EquipmentItem, case: InspectionCase, *, ref: Reference | None = None) -> None:
    """Re-judge one ledger row with the reference data in use (``ref``: loaded once by callers
    checking many rows). Flushes nothing."""
    columns = check_columns(
        kind=item.kind,
        model=item.model,
        rated=item.rated,
        grade=item.grade,
        efficiency=item.efficiency,
        variant=item.variant,
        on=assessed_on(case),
        ref=ref or reference_in_use(),
    )
    for name, value in columns.items():
        setattr(item, name, value)


def recheck_case(case: InspectionCase) -> int:
    """Check every row of the case's ledger again (after the reference data changed)."""
    ref = reference_in_use()
    items = list(db.session.scalars(select(EquipmentItem).where(EquipmentItem.case_id == case.id)))
    for item in items:
        check_item(item, case, ref=ref)
    db.session.flush()
    return len(items)


# -- changes ----------------------------------------------------------------------------------


def require_ledger(case: InspectionCase) -> None:
    if case.category not in LEDGER_CATEGORIES:
        raise DomainError(_l("只有专项监察一、二、三类案件有设备台账。"))


def next_line_no(case: InspectionCase) -> int:
    last = db.session.scalar(
        select(func.max(EquipmentItem.line_no)).where(EquipmentItem.case_id == case.id)
    )
    return (last or 0) + 1


def mark_started(case: InspectionCase) -> None:
    """Entering results means the case is being worked on."""
    if case.status == CaseStatus.PLANNED:
        case.status = CaseStatus.IN_PROGRESS


def add_item(case: InspectionCase, data: ItemData, *, actor: User) -> EquipmentItem:
    """Add one row to the ledger, checked at once."""
    service.require_recorder(case, actor)
    require_ledger(case)
    ref = reference_in_use()
    item = EquipmentItem(
        case=case,
        line_no=next_line_no(case),
        **{name: getattr(data, name) for name in FIELDS},
    )
    db.session.add(item)
    check_item(item, case, ref=ref)
    mark_started(case)
    db.session.flush()
    return item


def delete_item(case: InspectionCase, item: EquipmentItem, *, actor: User) -> None:
    service.require_recorder(case, actor)
    if item.case_id != case.id:
        raise DomainError(_l("该设备不属于本案件。"))
    db.session.delete(item)
    db.session.flush()


# -- reading ----------------------------------------------------------------------------------


def items_of(case: InspectionCase) -> list[EquipmentItem]:
    return list(
        db.session.scalars(
            select(EquipmentItem)
            .where(EquipmentItem.case_id == case.id)
            .order_by(EquipmentItem.line_no, EquipmentItem.id)
        )
    )


def summary(case: InspectionCase) -> dict[str, int]:
    """Rows per group of SUMMARY_GROUPS, "other" (unverified, no standard) and "total"."""
    counts = dict(
        db.session.execute(
            select(EquipmentItem.status, func.count(EquipmentItem.id))
            .where(EquipmentItem.case_id == case.id)
            .group_by(EquipmentItem.status)
        ).all()
    )
    result = {
        group: sum(counts.get(s, 0) for s in statuses) for group, statuses in SUMMARY_GROUPS.items()
    }
    result["total"] = sum(counts.values())
    result["other"] = result["total"] - sum(result[g] for g in SUMMARY_GROUPS)
    return result


def eliminations(case: InspectionCase) -> list[EquipmentItem]:
    """Rows to act on: models in the 淘汰目录 and equipment below the efficiency limit."""
    return list(
        db.session.scalars(
            select(EquipmentItem)
            .where(EquipmentItem.case_id == case.id, EquipmentItem.status.in_(TO_ACT_ON))
            .order_by(EquipmentItem.line_no, EquipmentItem.id)
        )
    )


def display_number(value: Decimal | None) -> str:
    """3.000 → "3", 7.500 → "7.5" (stored with three decimals, shown as typed)."""
    return "" if value is None else format(value.normalize(), "f")
