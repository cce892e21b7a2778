"""Standard-coal conversion (GB/T 2589): energy amounts to kgce, every factor passed in as data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from . import BadReference, ImpossibleInput, MissingInput, decimal_of, fmt


class Method(StrEnum):
    """How secondary energy (electricity, heat) is converted; a property of the quota standard."""

    CALORIFIC = "calorific"  # 当量值: the energy's own heat content
    EQUIVALENT = "equivalent"  # 等价值: the coal burnt to produce it (varies by year)

    @property
    def label(self) -> str:
        return "当量值" if self is Method.CALORIFIC else "等价值"


@dataclass(frozen=True)
class CoalFactor:
    """One conversion factor row: kgce per ``unit`` of ``energy_type``."""

    energy_type: str  #: key, e.g. "electricity", "raw_coal", "natural_gas", "diesel", "heat"
    name: str  #: shown to users, e.g. "电力"
    unit: str  #: physical unit of the amount, e.g. "kWh", "kg", "m³", "MJ"
    #: kgce per unit; None when the source gives no single value (a range): measured values only.
    factor: Decimal | None
    #: None: a primary fuel, whose 当量值 and 等价值 coincide, so the row serves both methods.
    method: Method | None = None
    #: Only energy used in that calendar year (per-year 等价值); None: any year.
    year: int | None = None
    verified: bool = False
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class FactorTable:
    """The factors of one standard edition (GB/T 2589-2020) plus the definition of 1 kgce."""

    standard: str  #: "GB/T 2589"
    edition: str  #: "2020"
    kj_per_kgce: Decimal  #: 1 kgce = 29 307.6 kJ; turns a measured kJ/unit into kgce/unit
    factors: tuple[CoalFactor, ...]
    verified: bool = True

    @property
    def code(self) -> str:
        return f"{self.standard}-{self.edition}"


@dataclass(frozen=True)
class Conversion:
    """One energy amount converted, with the factor and where it came from."""

    energy_type: str
    name: str
    unit: str
    amount: Decimal
    factor: Decimal  #: kgce per unit (exact; a measured factor is not rounded)
    kgce: Decimal
    basis: str  #: "GB/T 2589-2020 当量值" or "实测低位发热量 20 908 kJ/kg"
    verified: bool  #: False when the factor row is flagged unverified (待核实)

    @property
    def text(self) -> str:
        return f"{self.name} {fmt(self.amount)} {self.unit} × {fmt(self.factor)} kgce/{self.unit}"


def _factor_row(
    rows: list[CoalFactor], method: Method, year: int | None, table: FactorTable
) -> CoalFactor:
    usable = [r for r in rows if r.method in (None, method)]
    # A row for the very year beats an any-year row (per-year 等价值 over a default).
    pick = [r for r in usable if year is not None and r.year == year]
    pick = pick or [r for r in usable if r.year is None]
    name = rows[0].name
    if not pick:
        when = f" {year} 年" if year is not None else "（未指定年份）"
        raise MissingInput(f"{table.code} 缺少{when}{name}{method.label}折标系数")
    if len(pick) > 1:
        raise BadReference(f"{table.code} 有 {len(pick)} 个{name}{method.label}折标系数")
    return pick[0]


def conversion(
    amount: object,
    energy_type: str,
    *,
    factors: FactorTable,
    method: Method | str = Method.CALORIFIC,
    measured: object = None,
    year: int | None = None,
) -> Conversion:
    """Convert ``amount`` of ``energy_type`` to kgce and say how.

    ``measured`` is the enterprise's measured low calorific value in kJ per unit; it overrides
    the table (factor = measured ÷ ``kj_per_kgce``). ``year`` is the year the energy was used;
    it is needed where the table holds per-year factors (electricity 等价值).
    Raises ImpossibleInput (unknown type, negative amount, measured ≤ 0) or MissingInput (no
    amount, no factor for the method/year, a type with no single factor and no measured value).
    """
    method = Method(method)
    rows = [r for r in factors.factors if r.energy_type == energy_type]
    if not rows:
        raise ImpossibleInput(f"未知能源品种：{energy_type}")
    name, unit = rows[0].name, rows[0].unit
    value = decimal_of(amount, f"{name}消费量")
    if value < 0:
        raise ImpossibleInput(f"{name}消费量为负数：{fmt(value)} {unit}")
    if measured is not None:
        kj = decimal_of(measured, f"{name}实测低位发热量")
        if kj <= 0:
            raise ImpossibleInput(f"{name}实测低位发热量应大于 0：{fmt(kj)} kJ/{unit}")
        factor = kj / factors.kj_per_kgce
        basis = f"实测低位发热量 {fmt(kj)} kJ/{unit} ÷ {fmt(factors.kj_per_kgce)} kJ/kgce"
        verified = factors.verified
    else:
        row = _factor_row(rows, method, year, factors)
        if row.factor is None:
            hint = f"（{row.note}）" if row.note else ""
            raise MissingInput(f"{name}无统一折标系数{hint}，需提供实测低位发热量")
        factor = row.factor
        basis = f"{factors.code} {(row.method or method).label}"
        if row.year is not None:
            basis += f"（{row.year} 年）"
        verified = factors.verified and row.verified
    return Conversion(energy_type, name, unit, value, factor, value * factor, basis, verified)


def to_kgce(
    amount: object,
    energy_type: str,
    method: Method | str = Method.CALORIFIC,
    factors: FactorTable | None = None,
    *,
    measured: object = None,
    year: int | None = None,
) -> Decimal:
    """kgce of ``amount`` (exact Decimal); see :func:`conversion` for arguments and errors.

    ``factors`` defaults to the shipped GB/T 2589-2020 table (the app passes the database's).
    """
    if factors is None:
        from ..reference import GB_T_2589_2020 as factors
    return conversion(
        amount, energy_type, factors=factors, method=method, measured=measured, year=year
    ).kgce


def convert_all(
    energy_by_type: Mapping[str, object],
    *,
    factors: FactorTable,
    method: Method | str = Method.CALORIFIC,
    year: int | None = None,
    measured: Mapping[str, object] | None = None,
) -> tuple[Conversion, ...]:
    """Convert every energy type an enterprise used; no energy at all → MissingInput."""
    if not energy_by_type:
        raise MissingInput("缺少能源消费数据")
    measured = measured or {}
    stray = sorted(set(measured) - set(energy_by_type))
    if stray:
        raise ImpossibleInput(f"有实测热值但未填报消费量：{'、'.join(stray)}")
    return tuple(
        conversion(
            amount,
            energy_type,
            factors=factors,
            method=method,
            measured=measured.get(energy_type),
            year=year,
        )
        for energy_type, amount in energy_by_type.items()
    )
