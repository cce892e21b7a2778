"""The monthly claim (seed 002 附表1 with its 附表2 lines) recomputed: stock balance, each
line's amount, the subsidy standard the rules give each model, the totals, and the units
promoted against the consumer-sales records."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .reconciliation import model_key

WAN = Decimal(10000)
#: 万元 with four decimals: one yuan is 0.0001 万元, so no amount is rounded away.
WAN_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Difference:
    """One figure of a claim that does not agree with its recomputation."""

    field: str  #: "closing_stock", "amount_wan", "lines.2.standard_yuan" …
    declared: Decimal | int | None
    computed: Decimal | int | None
    message: str

    def as_dict(self) -> dict:
        """JSON form as ``SubsidyClaim.differences`` stores it (numbers as text)."""
        return {
            "field": self.field,
            "declared": _text(self.declared),
            "computed": _text(self.computed),
            "message": self.message,
        }


def _text(value: Decimal | int | None) -> str | None:
    if value is None:
        return None
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _plain(value: Decimal) -> str:
    """``Decimal("0.7800")`` → ``"0.78"``, ``Decimal("260.00")`` → ``"260"``."""
    return format(value.normalize(), "f")


def amount_wan(units: int, standard_yuan: Decimal) -> Decimal:
    """``units`` × ``standard_yuan`` in 万元, four decimals, half up: 1 234 × 260 → 32.0840."""
    return (Decimal(units) * Decimal(standard_yuan) / WAN).quantize(WAN_PLACES, ROUND_HALF_UP)


def _standard_of(model: str, standards_by_model: Mapping[str, Decimal | None]):
    """(known, standard): whether the model is a promoted model, and its standard (None when
    it cannot be determined)."""
    keyed = {model_key(k): v for k, v in standards_by_model.items()}
    key = model_key(model)
    return (key in keyed), keyed.get(key)


def allowed_amount_wan(
    lines: Iterable, standards_by_model: Mapping[str, Decimal | None]
) -> Decimal:
    """The subsidy the rules allow for the claim's lines (万元): each line's units at the
    standard of its model (nothing for a model that is not promoted or not eligible)."""
    total = Decimal(0).quantize(WAN_PLACES)
    for line in lines:
        _known, standard = _standard_of(line.model, standards_by_model)
        total += amount_wan(line.units, standard or Decimal(0))
    return total


def check_claim(
    claim,
    lines: Iterable,
    standards_by_model: Mapping[str, Decimal | None],
    sold_units: int | None = None,
) -> list[Difference]:
    """Every figure of ``claim`` (附表1) and its ``lines`` (附表2) that its recomputation does
    not confirm; [] when all agree.

    ``standards_by_model`` maps each promoted model of the maker to the subsidy the rules give
    it (元/台; 0 when it is not eligible, None when its data are incomplete); a model absent
    from it is not a promoted model. ``sold_units`` is the number of consumer-sales records
    (附表3-6) of the maker for the period, compared with the units promoted when given.
    """
    lines = list(lines)
    found: list[Difference] = []
    closing = claim.opening_stock + claim.production - claim.shipments
    if closing != claim.closing_stock:
        found.append(
            Difference(
                "closing_stock",
                claim.closing_stock,
                closing,
                f"月末库存应为月初库存 {claim.opening_stock} + 本月生产量 {claim.production} − "
                f"本月出货量 {claim.shipments} = {closing}，申报为 {claim.closing_stock}。",
            )
        )
    if lines:
        for name, word in (("opening_stock", "月初库存"), ("closing_stock", "月末库存")):
            total = sum(getattr(line, name) for line in lines)
            declared = getattr(claim, name)
            if total != declared:
                found.append(
                    Difference(
                        f"lines.{name}",
                        declared,
                        total,
                        f"明细表{word}合计 {total}，与汇总表的 {declared} 不一致。",
                    )
                )
    units = sum(line.units for line in lines)
    if units != claim.units_promoted:
        found.append(
            Difference(
                "units_promoted",
                claim.units_promoted,
                units,
                f"明细表本月推广数量合计 {units} 台，与汇总表的 {claim.units_promoted} 台不一致。",
            )
        )
    line_total = sum((Decimal(line.amount_wan) for line in lines), Decimal(0))
    if line_total != claim.amount_wan:
        found.append(
            Difference(
                "amount_wan",
                claim.amount_wan,
                line_total,
                f"明细表申请补贴金额合计 {_plain(line_total)} 万元，"
                f"与汇总表的 {_plain(claim.amount_wan)} 万元不一致。",
            )
        )
    allowed = allowed_amount_wan(lines, standards_by_model)
    if allowed != claim.amount_wan:
        found.append(
            Difference(
                "allowed_amount_wan",
                claim.amount_wan,
                allowed,
                f"按推广实施细则核定的补贴金额为 {_plain(allowed)} 万元，"
                f"申请 {_plain(claim.amount_wan)} 万元。",
            )
        )
    if sold_units is not None and sold_units != claim.units_promoted:
        found.append(
            Difference(
                "sold_units",
                claim.units_promoted,
                sold_units,
                f"消费者（终端用户）销售信息 {sold_units} 条，"
                f"与申报的推广数量 {claim.units_promoted} 台不一致。",
            )
        )
    for number, line in enumerate(lines, start=1):
        found.extend(_line_differences(number, line, standards_by_model))
    return found


def _line_differences(number: int, line, standards_by_model) -> list[Difference]:
    found = []
    where = f"明细第 {number} 行（{line.model}）"
    computed = amount_wan(line.units, line.standard_yuan)
    if computed != line.amount_wan:
        found.append(
            Difference(
                f"lines.{number}.amount_wan",
                line.amount_wan,
                computed,
                f"{where}：{line.units} 台 × {_plain(line.standard_yuan)} 元/台 = "
                f"{_plain(computed)} 万元，申报为 {_plain(line.amount_wan)} 万元。",
            )
        )
    known, standard = _standard_of(line.model, standards_by_model)
    if not known:
        found.append(
            Difference(
                f"lines.{number}.model",
                line.standard_yuan,
                None,
                f"{where}不是登记的推广产品型号，不应申请补贴。",
            )
        )
    elif standard is None:
        found.append(
            Difference(
                f"lines.{number}.standard_yuan",
                line.standard_yuan,
                None,
                f"{where}的产品信息不全，补贴标准无法核定。",
            )
        )
    elif standard != line.standard_yuan:
        why = "（不符合推广条件）" if standard == 0 else ""
        found.append(
            Difference(
                f"lines.{number}.standard_yuan",
                line.standard_yuan,
                standard,
                f"{where}的补贴标准应为 {_plain(standard)} 元/台{why}，"
                f"申报为 {_plain(line.standard_yuan)} 元/台。",
            )
        )
    return found
