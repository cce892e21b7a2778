"""Category 三: equipment ledger items against efficiency standards and the 淘汰目录."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from supervision.inspections.reference import ELIMINATION_BATCHES, EQUIPMENT_STANDARDS
from supervision.inspections.rules import BadReference, Status
from supervision.inspections.rules.equipment import (
    EfficiencyBand,
    EliminationBatch,
    EliminationPattern,
    EquipmentItem,
    check_equipment,
    normalise_model,
)

D = Decimal
ASSESSED = date(2019, 12, 31)

# Test catalogue and bands: illustrative values, not the official tables.
CATALOGUE = (
    EliminationBatch(
        "第一批",
        2009,
        (EliminationPattern("JO2-*", kind="motor", description="JO2 系列电动机"),),
        verified=True,
    ),
    EliminationBatch(
        "第四批",
        2016,
        (EliminationPattern("YX-??-[246]", kind="motor"), EliminationPattern("4-72*")),
        verified=True,
        published_on=date(2016, 6, 1),
    ),
)
MOTOR_2012 = next(s for s in EQUIPMENT_STANDARDS if s.code == "GB 18613-2012")
MOTOR_BANDS = replace(
    MOTOR_2012,
    bands=(
        EfficiencyBand(D("85.0"), D("0.75"), D("7.5"), variant="4"),
        EfficiencyBand(D("90.0"), D("11"), D("22"), variant="4"),
        EfficiencyBand(None, D("30"), D("375"), variant="4", verified=False),
    ),
)
COMPRESSOR = replace(
    next(s for s in EQUIPMENT_STANDARDS if s.code == "GB 19153-2009"),
    bands=(EfficiencyBand(D("8.0"), D("30"), D("45")),),
)


def check(item, *, standards=EQUIPMENT_STANDARDS, catalogue=CATALOGUE, on=ASSESSED):
    return check_equipment(item, standards=standards, elimination_catalogue=catalogue, on=on)


def motor(**changes):
    return replace(EquipmentItem("motor", "Y2-132M-4", rated="7.5", variant="4"), **changes)


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("jo2-52-4", "JO2524"),
        ("JO2 52 4", "JO2524"),
        ("ＪＯ２－５２－４", "JO2524"),  # full-width input
        ("JO2_52–4", "JO2524"),  # underscore, en dash
        ("y2-132m-4", "Y2132M4"),
    ],
)
def test_normalise_model(model, expected):
    assert normalise_model(model) == expected


@pytest.mark.parametrize(
    ("kind", "model", "on", "batch"),
    [
        ("motor", "JO2-52-4", ASSESSED, "第一批"),
        ("motor", "jo2 52 4", ASSESSED, "第一批"),
        ("motor", "ＪＯ２－５２－４", ASSESSED, "第一批"),
        ("motor", "YX-12-4", ASSESSED, "第四批"),
        ("motor", "YX-12-3", ASSESSED, None),  # [246] does not match 3
        ("motor", "YX-12-4", date(2016, 5, 31), None),  # before the batch was published
        ("fan", "4-72-11", ASSESSED, "第四批"),  # pattern for any kind
        ("fan", "JO2-52-4", ASSESSED, None),  # pattern for motors only
        ("motor", "Y2-132M-4", ASSESSED, None),
    ],
)
def test_elimination_catalogue(kind, model, on, batch):
    verdict = check(EquipmentItem(kind, model, grade=1), on=on)
    assert verdict.batch == batch
    assert (verdict.status is Status.ELIMINATE) is (batch is not None)


def test_elimination_wins_over_efficiency():
    verdict = check(motor(model="JO2-52-4", grade=1, efficiency="99"))
    assert verdict.status is Status.ELIMINATE
    assert verdict.basis == ("catalogue",)
    assert verdict.pattern == "JO2-*"
    assert verdict.reason == (
        "型号 JO2-52-4 列入第一批（2009）高耗能落后机电设备（产品）淘汰目录（JO2-*，JO2 系列电动机）"
    )


def test_an_unverified_catalogue_is_provisional():
    unverified = (replace(CATALOGUE[0], verified=False),)
    verdict = check(motor(model="JO2-52-4"), catalogue=unverified)
    assert (verdict.status, verdict.provisional, verdict.verified) == (
        Status.LIMIT_UNVERIFIED,
        Status.ELIMINATE,
        False,
    )


def test_the_seed_catalogue_has_no_models_yet():
    assert check(motor(model="JO2-52-4", grade=2), catalogue=ELIMINATION_BATCHES).status is (
        Status.COMPLIANT
    )


@pytest.mark.parametrize(
    ("grade", "status"),
    [
        (1, Status.COMPLIANT),
        (3, Status.COMPLIANT),  # the legal minimum grade itself
        (4, Status.BELOW_LIMIT),
        ("2", Status.COMPLIANT),
        ("2级", Status.COMPLIANT),
        ("３", Status.COMPLIANT),
        (0, Status.ABNORMAL_DATA),
        ("IE3", Status.ABNORMAL_DATA),  # IE classes map to different grades per edition
        (True, Status.ABNORMAL_DATA),
        ("-1", Status.ABNORMAL_DATA),
    ],
)
def test_motor_grade(grade, status):
    assert check(motor(grade=grade)).status is status


def test_grade_verdict_names_the_standard_and_clause():
    verdict = check(motor(grade=4))
    assert verdict.standard == "GB 18613-2012"
    assert verdict.clause == "能效限定值（3级，IE2）"
    assert verdict.limit_grade == 3
    assert verdict.basis == ("grade",)
    assert verdict.reason == "能效等级 4 级，低于 GB 18613-2012 能效限定值（3级，IE2）"
    assert verdict.inputs["grade"] == "4"


@pytest.mark.parametrize(
    ("kind", "on", "standard"),
    [
        ("motor", date(2021, 5, 31), "GB 18613-2012"),
        ("motor", date(2021, 6, 1), "GB 18613-2020"),
        ("air_compressor", date(2020, 6, 30), "GB 19153-2009"),
        ("air_compressor", date(2020, 7, 1), "GB 19153-2019"),
        ("transformer", date(2021, 5, 31), "GB 20052-2013"),
        ("transformer", date(2021, 6, 1), "GB 20052-2020"),
        ("fan", ASSESSED, "GB 19761-2009"),
    ],
)
def test_the_edition_in_force(kind, on, standard):
    verdict = check(EquipmentItem(kind, "M-1", grade=2), on=on)
    assert (verdict.status, verdict.standard) == (Status.COMPLIANT, standard)


@pytest.mark.parametrize(
    ("item", "status", "reason"),
    [
        (EquipmentItem("pump", "IS80", grade=2), Status.NO_REFERENCE, "GB 19762-2007 不分能效等级"),
        (
            EquipmentItem("pump", "IS80", efficiency="70"),
            Status.LIMIT_UNVERIFIED,
            "未录入效率限定值表",
        ),
        (EquipmentItem("motor", "Y2-132M-4"), Status.MISSING_DATA, "缺少能效等级和效率"),
        (EquipmentItem("motor", "  ", grade=1), Status.MISSING_DATA, "缺少型号"),
        (EquipmentItem("boiler", "B-1", grade=1), Status.NO_REFERENCE, "无有效的boiler能效标准"),
    ],
)
def test_items_that_cannot_be_judged(item, status, reason):
    verdict = check(item)
    assert verdict.status is status
    assert reason in verdict.reason


def test_no_standard_on_the_date():
    assert check(motor(grade=1), standards=()).status is Status.NO_REFERENCE


@pytest.mark.parametrize(
    ("changes", "status", "limit"),
    [
        ({"efficiency": "85.0"}, Status.COMPLIANT, D("85.0")),  # exactly at the limit
        ({"efficiency": "84.99"}, Status.BELOW_LIMIT, D("85.0")),
        ({"efficiency": "91", "rated": "15"}, Status.COMPLIANT, D("90.0")),
        ({"efficiency": "89.9", "rated": "22"}, Status.BELOW_LIMIT, D("90.0")),
        ({"efficiency": "95", "rated": "0.5"}, Status.NO_REFERENCE, None),  # outside the bands
        ({"efficiency": "95", "rated": "9"}, Status.NO_REFERENCE, None),  # between bands
        ({"efficiency": "95", "variant": "2"}, Status.NO_REFERENCE, None),
        ({"efficiency": "95", "rated": None}, Status.MISSING_DATA, None),
        ({"efficiency": "95", "rated": "0"}, Status.ABNORMAL_DATA, None),
        ({"efficiency": "101"}, Status.ABNORMAL_DATA, None),
        ({"efficiency": "0"}, Status.ABNORMAL_DATA, None),
        ({"efficiency": "abc"}, Status.ABNORMAL_DATA, None),
        ({"efficiency": "95", "rated": "55"}, Status.LIMIT_UNVERIFIED, None),  # limit not known
    ],
)
def test_motor_efficiency_bands(changes, status, limit):
    verdict = check(motor(**changes), standards=[MOTOR_BANDS])
    assert (verdict.status, verdict.efficiency_limit) == (status, limit)


def test_efficiency_reason():
    verdict = check(motor(efficiency="84.99"), standards=[MOTOR_BANDS])
    assert verdict.reason == "效率 84.99 % < GB 18613-2012 限定值 85.0 %（7.5 kW（4））"


def test_an_unverified_band_is_provisional():
    unverified = replace(MOTOR_BANDS, bands=(replace(MOTOR_BANDS.bands[0], verified=False),))
    verdict = check(motor(efficiency="84"), standards=[unverified])
    assert (verdict.status, verdict.provisional, verdict.verified) == (
        Status.LIMIT_UNVERIFIED,
        Status.BELOW_LIMIT,
        False,
    )


def test_overlapping_bands_are_a_broken_table():
    broken = replace(MOTOR_BANDS, bands=MOTOR_BANDS.bands[:1] * 2)
    with pytest.raises(BadReference):
        check(motor(efficiency="90"), standards=[broken])


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("8.0", Status.COMPLIANT),  # specific power: lower is better, the limit is a maximum
        ("7.5", Status.COMPLIANT),
        ("8.01", Status.BELOW_LIMIT),
        ("120", Status.BELOW_LIMIT),  # not a percentage: no 100 ceiling
    ],
)
def test_air_compressor_specific_power(value, status):
    item = EquipmentItem("air_compressor", "LG-10/8", rated="37", efficiency=value)
    assert check(item, standards=[COMPRESSOR]).status is status


@pytest.mark.parametrize(
    ("grade", "efficiency", "status", "conflict"),
    [
        (2, "84", Status.COMPLIANT, True),  # compliant by grade OR by efficiency
        (4, "86", Status.COMPLIANT, True),
        (4, "84", Status.BELOW_LIMIT, False),
        (2, "86", Status.COMPLIANT, False),
        (0, "86", Status.ABNORMAL_DATA, False),  # bad data is never hidden
        (4, "101", Status.ABNORMAL_DATA, False),
    ],
)
def test_grade_and_efficiency_together(grade, efficiency, status, conflict):
    verdict = check(motor(grade=grade, efficiency=efficiency), standards=[MOTOR_BANDS])
    assert (verdict.status, verdict.conflict) == (status, conflict)
    assert verdict.basis == ("grade", "efficiency")


def test_grade_decides_when_efficiency_cannot_be_judged():
    verdict = check(motor(grade=4, efficiency="90", rated=None), standards=[MOTOR_BANDS])
    assert verdict.status is Status.BELOW_LIMIT
    assert "缺少额定值（kW）" in verdict.reason


def test_an_unverified_standard_is_provisional():
    unverified = replace(MOTOR_2012, verified=False)
    verdict = check(motor(grade=2), standards=[unverified])
    assert (verdict.status, verdict.provisional, verdict.verified) == (
        Status.LIMIT_UNVERIFIED,
        Status.COMPLIANT,
        False,
    )
