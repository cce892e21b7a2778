"""Category 三: equipment ledger items against efficiency standards and the 淘汰目录."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fnmatch import fnmatchcase

from . import (
    BadReference,
    ImpossibleInput,
    InputProblem,
    Status,
    decimal_of,
    fmt,
    one_in_force,
    text_of,
)

KIND_NAMES = {
    "motor": "电动机",
    "fan": "通风机",
    "pump": "清水离心泵",
    "air_compressor": "空气压缩机",
    "transformer": "配电变压器",
}


@dataclass(frozen=True)
class EquipmentItem:
    """One line of the enterprise's equipment ledger (设备台账)."""

    kind: str  #: "motor", "fan", "pump", "air_compressor", "transformer"
    model: str  #: as on the nameplate, e.g. "Y2-132M-4"
    rated: object = None  #: rated power kW (transformers: capacity kVA)
    grade: object = None  #: 能效等级 on the label: 1 is best; int or "2" / "2级"
    #: The standard's metric for this kind: efficiency % (motors, fans, pumps) or specific power
    #: kW/(m³/min) (air compressors); from the nameplate or measured.
    efficiency: object = None
    variant: str = ""  #: what splits a band besides power, e.g. motor poles "4"


@dataclass(frozen=True)
class EfficiencyBand:
    """The limit of the metric for rated values in [rated_from, rated_to] (None: open)."""

    limit: Decimal | None  #: minimum (or maximum when lower is better); None: not recorded
    rated_from: Decimal | None = None
    rated_to: Decimal | None = None
    variant: str = ""
    verified: bool = True


@dataclass(frozen=True)
class EfficiencyStandard:
    """One edition of the efficiency standard of one equipment kind."""

    kind: str
    standard: str  #: "GB 18613"
    edition: str  #: "2012"
    clause: str  #: what the legal minimum is called, "能效限定值（3级）"
    metric: str  #: "效率", "比功率"
    metric_unit: str  #: "%", "kW/(m³/min)"
    rated_unit: str  #: "kW", "kVA"
    limit_grade: int | None  #: worst grade allowed (3); None: the standard has no grades
    verified: bool
    bands: tuple[EfficiencyBand, ...] = ()
    lower_is_better: bool = False  #: True for specific power
    effective_from: date | None = None
    effective_to: date | None = None  #: exclusive
    source: str = ""
    note: str = ""

    @property
    def code(self) -> str:
        return f"{self.standard}-{self.edition}"


@dataclass(frozen=True)
class EliminationPattern:
    """A model pattern, fnmatch-style (``*``, ``?``, ``[..]``); kind None matches any kind."""

    pattern: str
    kind: str | None = None
    description: str = ""


@dataclass(frozen=True)
class EliminationBatch:
    """One batch of 高耗能落后机电设备（产品）淘汰目录."""

    name: str  #: "第一批"
    year: int
    patterns: tuple[EliminationPattern, ...]
    verified: bool
    document: str = ""
    published_on: date | None = None  #: None: applies to every date assessed
    note: str = ""


@dataclass(frozen=True)
class EquipmentVerdict:
    status: Status
    kind: str
    model: str
    standard: str | None  #: edition used, "GB 18613-2012"
    clause: str | None
    basis: tuple[str, ...]  #: evidence judged: "catalogue", "grade", "efficiency"
    limit_grade: int | None
    efficiency_limit: Decimal | None
    batch: str | None  #: elimination batch matched
    pattern: str | None
    verified: bool
    provisional: Status | None
    conflict: bool  #: grade and efficiency disagree (the compliant one wins)
    reason: str
    inputs: dict[str, str] = field(default_factory=dict)


_IGNORED_IN_MODELS = re.compile(r"[\s\-_‐-―－]")


def normalise_model(model: str) -> str:
    """Upper case, full-width folded (NFKC), without spaces, hyphens or underscores."""
    return _IGNORED_IN_MODELS.sub("", unicodedata.normalize("NFKC", model)).upper()


def eliminated_by(
    kind: str, model: str, catalogue: Iterable[EliminationBatch], on: date
) -> tuple[EliminationBatch, EliminationPattern] | None:
    """The first batch published by ``on`` whose pattern matches the model, or None."""
    wanted = normalise_model(model)
    for batch in catalogue:
        if batch.published_on is not None and batch.published_on > on:
            continue
        for entry in batch.patterns:
            if entry.kind not in (None, kind):
                continue
            if fnmatchcase(wanted, normalise_model(entry.pattern)):
                return batch, entry
    return None


@dataclass(frozen=True)
class _Outcome:
    status: Status
    reason: str
    basis: str
    provisional: Status | None = None
    limit: Decimal | None = None


def _grade_outcome(grade: object, std: EfficiencyStandard) -> _Outcome:
    if std.limit_grade is None:
        return _Outcome(
            Status.NO_REFERENCE, f"{std.code} 不分能效等级，需按{std.metric}判定", "grade"
        )
    text = str(grade).strip().removesuffix("级")
    if isinstance(grade, bool) or not (isinstance(grade, int) or text.isdigit()):
        return _Outcome(Status.ABNORMAL_DATA, f"能效等级应为正整数：{grade}", "grade")
    number = int(text)
    if number < 1:
        return _Outcome(Status.ABNORMAL_DATA, f"能效等级应为正整数：{grade}", "grade")
    ok = number <= std.limit_grade
    verdict = "达到" if ok else "低于"
    reason = f"能效等级 {number} 级，{verdict} {std.code} {std.clause}"
    outcome = Status.COMPLIANT if ok else Status.BELOW_LIMIT
    if not std.verified:
        return _Outcome(Status.LIMIT_UNVERIFIED, f"{reason}（待核实）", "grade", outcome)
    return _Outcome(outcome, reason, "grade")


def _efficiency_outcome(item: EquipmentItem, std: EfficiencyStandard) -> _Outcome:
    def outcome(status: Status, reason: str, **found: object) -> _Outcome:
        return _Outcome(status, reason, "efficiency", **found)

    try:
        value = decimal_of(item.efficiency, std.metric)
        if value <= 0 or (std.metric_unit == "%" and value > 100):
            raise ImpossibleInput(f"{std.metric} {fmt(value)} {std.metric_unit} 不可能")
        if not std.bands:
            return outcome(Status.LIMIT_UNVERIFIED, f"{std.code} 未录入{std.metric}限定值表")
        rated = decimal_of(item.rated, f"额定值（{std.rated_unit}）")
        if rated <= 0:
            raise ImpossibleInput(f"额定值应大于 0：{fmt(rated)} {std.rated_unit}")
    except InputProblem as problem:
        return outcome(problem.status, problem.reason)
    bands = [
        b
        for b in std.bands
        if b.variant == item.variant
        and (b.rated_from is None or b.rated_from <= rated)
        and (b.rated_to is None or rated <= b.rated_to)
    ]
    size = f"{fmt(rated)} {std.rated_unit}" + (f"（{item.variant}）" if item.variant else "")
    if len(bands) > 1:
        raise BadReference(f"{std.code} 有 {len(bands)} 个限定值适用于 {size}")
    if not bands:
        return outcome(Status.NO_REFERENCE, f"{size} 不在 {std.code} 限定值表范围内")
    band = bands[0]
    if band.limit is None:
        return outcome(Status.LIMIT_UNVERIFIED, f"{std.code} {size} 的限定值未录入")
    ok = value <= band.limit if std.lower_is_better else value >= band.limit
    sign = ("≤" if ok else ">") if std.lower_is_better else ("≥" if ok else "<")
    reason = (
        f"{std.metric} {fmt(value)} {std.metric_unit} {sign} {std.code} 限定值 "
        f"{fmt(band.limit)} {std.metric_unit}（{size}）"
    )
    result = Status.COMPLIANT if ok else Status.BELOW_LIMIT
    if not (std.verified and band.verified):
        reason = f"{reason}（限定值待核实）"
        return outcome(Status.LIMIT_UNVERIFIED, reason, provisional=result, limit=band.limit)
    return outcome(result, reason, limit=band.limit)


# Which outcome decides when grade and efficiency are both judged: bad data first, then any
# evidence of compliance (the brief: compliant by grade OR by efficiency), then the rest.
_PRECEDENCE = (
    Status.ABNORMAL_DATA,
    Status.COMPLIANT,
    Status.BELOW_LIMIT,
    Status.LIMIT_UNVERIFIED,
    Status.MISSING_DATA,
    Status.NO_REFERENCE,
)


def check_equipment(
    item: EquipmentItem,
    *,
    standards: Iterable[EfficiencyStandard],
    elimination_catalogue: Iterable[EliminationBatch],
    on: date,
) -> EquipmentVerdict:
    """Judge one ledger item on ``on`` (the date assessed, e.g. 2019-12-31).

    A model in the 淘汰目录 is ELIMINATE whatever its efficiency. Otherwise the item complies
    when its grade is at least the legal minimum grade, or its efficiency meets the limit of
    its rated band; BELOW_LIMIT needs every judged piece of evidence to fall short.
    """
    name = KIND_NAMES.get(item.kind, item.kind)
    inputs = {
        "kind": item.kind,
        "model": item.model,
        "rated": text_of(item.rated),
        "grade": text_of(item.grade),
        "efficiency": text_of(item.efficiency),
        "variant": item.variant,
        "on": on.isoformat(),
    }
    std = one_in_force([s for s in standards if s.kind == item.kind], on, f"{name}能效标准")

    def verdict(status: Status, reason: str, **found: object) -> EquipmentVerdict:
        fields: dict = {
            "standard": std.code if std else None,
            "clause": std.clause if std else None,
            "basis": (),
            "limit_grade": std.limit_grade if std else None,
            "efficiency_limit": None,
            "batch": None,
            "pattern": None,
            "verified": True,
            "provisional": None,
            "conflict": False,
        }
        fields.update(found)
        return EquipmentVerdict(
            status=status, kind=item.kind, model=item.model, reason=reason, inputs=inputs, **fields
        )

    if not item.model.strip():
        return verdict(Status.MISSING_DATA, f"{name}缺少型号，无法比对淘汰目录")
    match = eliminated_by(item.kind, item.model, elimination_catalogue, on)
    if match:
        batch, entry = match
        reason = (
            f"型号 {item.model} 列入{batch.name}（{batch.year}）高耗能落后机电设备（产品）淘汰目录"
        )
        reason += f"（{entry.pattern}{'，' + entry.description if entry.description else ''}）"
        found = {"basis": ("catalogue",), "batch": batch.name, "pattern": entry.pattern}
        if not batch.verified:
            return verdict(
                Status.LIMIT_UNVERIFIED,
                f"目录待核实，暂按此计：{reason}",
                verified=False,
                provisional=Status.ELIMINATE,
                **found,
            )
        return verdict(Status.ELIMINATE, reason, **found)
    if std is None:
        return verdict(Status.NO_REFERENCE, f"{on.isoformat()} 无有效的{name}能效标准")
    if item.grade is None and item.efficiency is None:
        return verdict(Status.MISSING_DATA, f"{name} {item.model} 缺少能效等级和{std.metric}")
    outcomes = []
    if item.grade is not None:
        outcomes.append(_grade_outcome(item.grade, std))
    if item.efficiency is not None:
        outcomes.append(_efficiency_outcome(item, std))
    decisive = min(outcomes, key=lambda o: _PRECEDENCE.index(o.status))
    statuses = {o.status for o in outcomes}
    conflict = {Status.COMPLIANT, Status.BELOW_LIMIT} <= statuses
    reason = "；".join(o.reason for o in outcomes)
    if conflict:
        reason += "（能效等级与效率结论不一致，按符合的一项判定）"
    efficiency_limit = next((o.limit for o in outcomes if o.basis == "efficiency"), None)
    return verdict(
        decisive.status,
        reason,
        basis=tuple(o.basis for o in outcomes),
        efficiency_limit=efficiency_limit,
        verified=decisive.status is not Status.LIMIT_UNVERIFIED,
        provisional=decisive.provisional,
        conflict=conflict,
    )
