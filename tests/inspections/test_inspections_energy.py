"""Standard-coal conversion with factors passed as data (GB/T 2589-2020 seed and test tables)."""

from decimal import Decimal

import pytest

from supervision.inspections.reference import GB_T_2589_2020
from supervision.inspections.rules import BadReference, ImpossibleInput, MissingInput
from supervision.inspections.rules.energy import (
    CoalFactor,
    FactorTable,
    Method,
    conversion,
    convert_all,
    to_kgce,
)

D = Decimal
KJ = D("29307.6")


def table(*factors, verified=True):
    return FactorTable("TEST", "2020", KJ, tuple(factors), verified=verified)


# Illustrative per-year 等价值 (not official figures): only the mechanism is under test.
ELECTRICITY_CAL = CoalFactor(
    "electricity", "电力", "kWh", D("0.1229"), Method.CALORIFIC, verified=True
)
EQUIVALENT_2019 = CoalFactor(
    "electricity", "电力", "kWh", D("0.3"), Method.EQUIVALENT, year=2019, verified=True
)
EQUIVALENT_ANY = CoalFactor(
    "electricity", "电力", "kWh", D("0.29"), Method.EQUIVALENT, verified=True
)
COAL = CoalFactor("raw_coal", "原煤", "kg", D("0.7143"), verified=True)
WITH_YEARS = table(ELECTRICITY_CAL, EQUIVALENT_2019, COAL)


@pytest.mark.parametrize(
    ("amount", "energy_type", "expected"),
    [
        ("1000", "electricity", D("122.9")),
        (D("1375000000"), "electricity", D("168987500")),
        ("1 000", "raw_coal", D("714.3")),
        ("2", "diesel", D("2.9142")),
        ("1000", "heat", D("34.12")),
        (0, "diesel", D("0")),  # zero use is a valid amount
        ("0.5", "electricity", D("0.06145")),  # exact, no rounding
    ],
)
def test_to_kgce_with_the_gb_t_2589_seed(amount, energy_type, expected):
    assert to_kgce(amount, energy_type, factors=GB_T_2589_2020) == expected


@pytest.mark.parametrize(
    ("energy_type", "amount", "measured", "expected"),
    [
        ("raw_coal", "1000", "29307.6", D("1000")),  # exactly 1 kgce per kg
        ("raw_coal", "1000", "29 307.6", D("1000")),
        ("natural_gas", "100", "35169.12", D("120")),  # 1.2 kgce/m³
        ("raw_coal", "1000", "20908", D("1000") * (D("20908") / KJ)),
        ("diesel", "1", D("58615.2"), D("2")),
    ],
)
def test_measured_calorific_value_overrides_the_table(energy_type, amount, measured, expected):
    assert to_kgce(amount, energy_type, factors=GB_T_2589_2020, measured=measured) == expected


def test_conversion_records_factor_basis_and_flags():
    electricity = conversion("1000", "electricity", factors=GB_T_2589_2020)
    assert electricity.factor == D("0.1229")
    assert electricity.basis == "GB/T 2589-2020 当量值"
    assert electricity.verified is True
    assert electricity.text == "电力 1 000 kWh × 0.1229 kgce/kWh"
    coal = conversion("1000", "raw_coal", factors=GB_T_2589_2020)
    assert coal.verified is False  # DOMAIN 6.4: an unverified default
    measured = conversion("1000", "raw_coal", factors=GB_T_2589_2020, measured="29307.6")
    assert measured.verified is True
    assert measured.factor == D(1)
    assert measured.basis == "实测低位发热量 29 307.6 kJ/kg ÷ 29 307.6 kJ/kgce"


@pytest.mark.parametrize(
    ("amount", "energy_type", "kwargs", "error", "reason"),
    [
        ("1", "coke_oven_gas", {}, ImpossibleInput, "未知能源品种：coke_oven_gas"),
        ("-1", "electricity", {}, ImpossibleInput, "电力消费量为负数：-1 kWh"),
        (None, "electricity", {}, MissingInput, "缺少电力消费量"),
        ("", "diesel", {}, MissingInput, "缺少柴油消费量"),
        ("abc", "diesel", {}, ImpossibleInput, "柴油消费量不是数字：abc"),
        ("1", "raw_coal", {"measured": "0"}, ImpossibleInput, "原煤实测低位发热量应大于 0"),
        ("1", "raw_coal", {"measured": "-5"}, ImpossibleInput, "原煤实测低位发热量应大于 0"),
        # Natural gas has a range (≈1.1–1.33), no single factor: measured values only.
        ("1", "natural_gas", {}, MissingInput, "天然气无统一折标系数（约 1.1～1.33"),
        # The seed has no per-year 等价值: missing, not silently 当量值.
        (
            "1",
            "electricity",
            {"method": "equivalent", "year": 2019},
            MissingInput,
            "GB/T 2589-2020 缺少 2019 年电力等价值折标系数",
        ),
        # Heat is secondary energy; its 当量值 row does not serve the 等价值 method.
        ("1", "heat", {"method": Method.EQUIVALENT, "year": 2019}, MissingInput, "热力等价值"),
    ],
)
def test_to_kgce_errors(amount, energy_type, kwargs, error, reason):
    with pytest.raises(error) as raised:
        to_kgce(amount, energy_type, factors=GB_T_2589_2020, **kwargs)
    assert reason in raised.value.reason


def test_float_amounts_are_refused():
    with pytest.raises(TypeError):
        to_kgce(1.5, "electricity", factors=GB_T_2589_2020)


def test_unknown_method_is_a_programming_error():
    with pytest.raises(ValueError, match="foo"):
        to_kgce("1", "electricity", factors=GB_T_2589_2020, method="foo")


@pytest.mark.parametrize(
    ("energy_type", "method", "year", "expected"),
    [
        ("electricity", Method.EQUIVALENT, 2019, D("300")),
        ("electricity", "equivalent", 2019, D("300")),
        ("electricity", Method.CALORIFIC, 2019, D("122.9")),
        ("electricity", Method.CALORIFIC, None, D("122.9")),
        # A primary fuel's row (method None) serves both methods.
        ("raw_coal", Method.EQUIVALENT, 2019, D("714.3")),
        ("raw_coal", Method.EQUIVALENT, None, D("714.3")),
    ],
)
def test_equivalent_method_uses_the_factor_of_the_year(energy_type, method, year, expected):
    assert to_kgce("1000", energy_type, factors=WITH_YEARS, method=method, year=year) == expected


@pytest.mark.parametrize(
    ("year", "reason"),
    [(2018, "缺少 2018 年电力等价值"), (None, "缺少（未指定年份）电力等价值")],
)
def test_equivalent_method_without_a_factor_for_the_year(year, reason):
    with pytest.raises(MissingInput) as raised:
        to_kgce("1000", "electricity", factors=WITH_YEARS, method="equivalent", year=year)
    assert reason in raised.value.reason


def test_a_factor_for_the_year_beats_an_any_year_factor():
    both = table(EQUIVALENT_ANY, EQUIVALENT_2019)
    assert to_kgce("1000", "electricity", factors=both, method="equivalent", year=2019) == 300
    assert to_kgce("1000", "electricity", factors=both, method="equivalent", year=2018) == 290
    basis = conversion("1", "electricity", factors=both, method="equivalent", year=2019).basis
    assert basis == "TEST-2020 等价值（2019 年）"


def test_two_rows_for_one_key_are_a_broken_table():
    broken = table(ELECTRICITY_CAL, ELECTRICITY_CAL)
    with pytest.raises(BadReference):
        to_kgce("1", "electricity", factors=broken)


def test_an_unverified_table_makes_every_conversion_unverified():
    assert (
        conversion("1", "electricity", factors=table(ELECTRICITY_CAL, verified=False)).verified
        is False
    )


def test_convert_all():
    found = convert_all(
        {"electricity": "1000", "raw_coal": "1000"},
        factors=GB_T_2589_2020,
        measured={"raw_coal": "29307.6"},
    )
    assert [c.kgce for c in found] == [D("122.9"), D("1000")]
    with pytest.raises(MissingInput, match="缺少能源消费数据"):
        convert_all({}, factors=GB_T_2589_2020)
    with pytest.raises(ImpossibleInput, match="有实测热值但未填报消费量：diesel"):
        convert_all({"electricity": "1"}, factors=GB_T_2589_2020, measured={"diesel": "1"})


def test_to_kgce_defaults_to_the_shipped_gb_t_2589_table():
    """The signature the issue documents: to_kgce(amount, energy_type, method, factors=None)."""
    assert to_kgce("10000", "electricity") == Decimal("1229.0000")
    assert to_kgce("10000", "electricity", "calorific") == Decimal("1229.0000")
