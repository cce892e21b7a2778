"""Quota (一) and ladder electricity (二) forms of a case, and the price department's list."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from inspections_support import Casework, casework  # noqa: F401

from conftest import login
from supervision.core.errors import DomainError
from supervision.extensions import db
from supervision.inspections import calculations
from supervision.inspections.models import InspectionCase, Verdict


def verdicts(case: InspectionCase, rule: str) -> list[Verdict]:
    db.session.expire_all()
    return list(db.session.query(Verdict).filter_by(case_id=case.id, rule=rule))


# -- category 二: ladder electricity ------------------------------------------------------------


def aluminium_case(casework: Casework, name: str = "示例电解铝有限公司") -> InspectionCase:
    return casework.open(2, "electrolytic_aluminium", name=name)


def test_aluminium_worked_example_from_kwh_and_output(casework: Casework, client):
    case = aluminium_case(casework)
    login(client, casework.world.a_inspector.username)
    page = client.get(f"/cases/{case.id}/ladder").get_data(as_text=True)
    assert "发改价格〔2013〕2530号" in page and "2020 年执行电价" in page
    saved = client.post(
        f"/cases/{case.id}/ladder",
        data={
            "kwh_electrolysis": "1 375 000 000",
            "output": "100000",
            "kwh": "1,400,000,000",
            "billed_tier": "第二档",
        },
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)
    (verdict,) = verdicts(case, "ladder")
    assert verdict.status == "compliant"
    assert verdict.value == Decimal("13750")
    numbers = verdict.numbers
    assert (numbers["tier"], numbers["rate"], numbers["surcharge"]) == (
        "第二档",
        "0.02",
        "28000000.00",
    )
    assert (numbers["year"], numbers["billed_tier"], numbers["mismatch"]) == (2020, "第二档", False)
    assert (
        "2019 年铝液电解交流电耗 = 1 375 000 000 kWh ÷ 100 000 t = 13 750 kWh/t" in verdict.formula
    )
    assert "0.02 元/kWh × 1 400 000 000 kWh = 28 000 000.00 元" in verdict.formula
    assert verdict.reference_version.startswith(
        "发改价格〔2013〕2530号（2014）· ladder_schedules r"
    )
    page = client.get(saved.location).get_data(as_text=True)
    assert "28 000 000.00" in page and "第二档" in page and "符合" in page


def test_boundary_is_the_lower_tier_and_a_different_billed_tier_is_a_mismatch(
    casework: Casework, client
):
    case = aluminium_case(casework)
    login(client, casework.world.a_inspector.username)
    data = {"indicator_value": "13700", "kwh": "1000000", "billed_tier": "第二档"}
    assert client.post(f"/cases/{case.id}/ladder", data=data).status_code == 302
    (verdict,) = verdicts(case, "ladder")
    assert verdict.status == "mismatch"
    assert verdict.numbers["tier"] == "第一档"
    assert (verdict.numbers["mismatch"], verdict.numbers["direction"]) == (True, "over")
    assert "应执行第一档（0 元/kWh），实际执行第二档（0.02 元/kWh），多收 0.02 元/kWh" in (
        verdict.reason
    )
    page = client.get(f"/cases/{case.id}/ladder").get_data(as_text=True)
    assert "执行档次不符" in page and "多收" in page


def test_missing_indicator_gives_missing_data_never_compliant(casework: Casework, client):
    case = aluminium_case(casework)
    login(client, casework.world.a_inspector.username)
    data = {"kwh": "1000000", "billed_tier": "第一档"}
    assert client.post(f"/cases/{case.id}/ladder", data=data).status_code == 302
    (verdict,) = verdicts(case, "ladder")
    assert verdict.status == "missing_data"
    assert "缺少2019 年铝液电解交流电耗" in verdict.reason


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"indicator_value": "一万三"}, "请填写数字。"),
        ({"indicator_value": "13750", "kwh": "-5"}, "不能为负数。"),
        ({"billed_rate": "-0.02"}, "不能为负数。"),
        (
            {"indicator_value": "13750", "kwh_electrolysis": "1375000000", "output": "100000"},
            "指标值与「电耗 + 产量」只填一种。",
        ),
        ({"kwh_electrolysis": "1375000000"}, "请同时填写产量。"),
        ({"output": "100000"}, "请同时填写电解交流电耗。"),
        ({"kwh_electrolysis": "1375000000", "output": "0"}, "产量应大于 0。"),
        (
            {"indicator_value": "13750", "billed_tier": "第九档"},
            "实际执行档次不在现行政策的档次中。",
        ),
    ],
)
def test_ladder_form_errors(casework: Casework, client, data, message):
    case = aluminium_case(casework)
    login(client, casework.world.a_inspector.username)
    refused = client.post(f"/cases/{case.id}/ladder", data=data)
    assert refused.status_code == 422
    assert message in refused.get_data(as_text=True)
    assert verdicts(case, "ladder") == []


def test_steel_category_decides_the_tier(casework: Casework, client):
    case = casework.open(2, "steel")
    login(client, casework.world.a_inspector.username)
    page = client.get(f"/cases/{case.id}/ladder").get_data(as_text=True)
    assert "发改价格〔2016〕2803号" in page and "淘汰类" in page
    data = {"category": "限制类", "kwh": "500000", "billed_rate": "0.10"}
    assert client.post(f"/cases/{case.id}/ladder", data=data).status_code == 302
    (verdict,) = verdicts(case, "ladder")
    assert (verdict.status, verdict.numbers["surcharge"]) == ("compliant", "50000.00")


def test_officer_cannot_record_and_other_categories_are_sent_back(casework: Casework, client):
    world = casework.world
    case = aluminium_case(casework)
    login(client, world.a_officer.username)
    page = client.get(f"/cases/{case.id}/ladder").get_data(as_text=True)
    assert 'name="kwh"' not in page
    refused = client.post(f"/cases/{case.id}/ladder", data={"indicator_value": "13750"})
    assert refused.status_code == 422
    assert "只有承办本案件的监察人员可以录入。" in refused.get_data(as_text=True)
    refused = client.post(f"/cases/{case.id}/quota", data={"product": "硫磺制酸::单位产品综合能耗"})
    assert refused.status_code == 302  # a category-二 case has no quota page
    assert verdicts(case, "ladder") == []
    login(client, world.a_inspector.username)
    other = casework.open(4)
    sent_back = client.get(f"/cases/{other.id}/quota")
    assert sent_back.status_code == 302
    assert sent_back.location.endswith(f"/cases/{other.id}")
    assert "能耗限额核算只适用于专项监察一的案件。" in client.get(sent_back.location).get_data(
        as_text=True
    )
    login(client, world.b_officer.username)
    assert client.get(f"/cases/{case.id}/ladder").status_code == 404


# -- category 一: quota ---------------------------------------------------------------------


def acid_case(casework: Casework) -> InspectionCase:
    return casework.open(1, "sulphuric_acid", name="示例硫酸有限公司")


PRODUCT = "硫磺制酸::单位产品综合能耗"


def test_sulphuric_acid_over_a_negative_limit_with_formula(casework: Casework, client):
    case = acid_case(casework)
    login(client, casework.world.a_inspector.username)
    page = client.get(f"/cases/{case.id}/quota").get_data(as_text=True)
    assert "GB 29141-2012" in page and "2019-12-31 有效的限额标准" in page
    data = {
        "product": PRODUCT,
        "output": "100 000",
        "energy_electricity": "10 000 000",
        "exported_electricity": "80 000 000",
    }
    saved = client.post(f"/cases/{case.id}/quota", data=data)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    (verdict,) = verdicts(case, "quota")
    assert verdict.subject == "硫磺制酸 · 单位产品综合能耗"
    assert verdict.status == "over_limit"
    assert (verdict.value, verdict.limit_value) == (Decimal("-86.03"), Decimal("-115"))
    assert verdict.numbers["over_amount"] == "28.97"
    assert verdict.numbers["over_percent"] == "25.19"
    assert "电力 10 000 000 kWh × 0.1229 kgce/kWh = 1 229 000 kgce" in verdict.formula
    assert "− 电力 80 000 000 kWh × 0.1229 kgce/kWh = 9 832 000 kgce" in verdict.formula
    assert "= -86.03 kgce/t" in verdict.formula
    assert verdict.reference_version.startswith("GB 29141-2012 · 行业目录限定值 · GB/T 2589-2020")
    assert "coal_factors r" in verdict.reference_version
    page = client.get(saved.location).get_data(as_text=True)
    assert "超过限定值" in page and "-86.03" in page
    # The last figures are shown again for a correction.
    assert 'value="80000000"' in page


def test_unverified_factor_gives_a_provisional_verdict(casework: Casework, client):
    case = acid_case(casework)
    login(client, casework.world.a_inspector.username)
    data = {
        "product": PRODUCT,
        "output": "100000",
        "energy_electricity": "10000000",
        "exported_heat": "400000000",
    }
    assert client.post(f"/cases/{case.id}/quota", data=data).status_code == 302
    (verdict,) = verdicts(case, "quota")
    assert (verdict.status, verdict.provisional) == ("limit_unverified", "compliant")
    assert verdict.value == Decimal("-124.19")
    assert verdict.reason.startswith("折标系数待核实，暂按此计")


def test_reported_value_is_judged_directly(casework: Casework, client):
    case = acid_case(casework)
    login(client, casework.world.a_inspector.username)
    data = {"product": PRODUCT, "reported_value": "-115"}
    assert client.post(f"/cases/{case.id}/quota", data=data).status_code == 302
    (verdict,) = verdicts(case, "quota")
    assert verdict.status == "compliant"  # exactly at the limit
    assert verdict.reference_version == "GB 29141-2012 · 行业目录限定值"


@pytest.mark.parametrize(
    ("energy", "status", "reason"),
    [
        ({"energy_natural_gas": "5000"}, "missing_data", "天然气无统一折标系数"),
        ({}, "missing_data", "缺少能源消费数据"),
        ({"energy_electricity": "1000", "output": "0"}, "abnormal_data", "产量应大于 0"),
    ],
)
def test_unusable_figures_give_missing_or_abnormal_data(
    casework: Casework, client, energy, status, reason
):
    case = acid_case(casework)
    login(client, casework.world.a_inspector.username)
    data = {"product": PRODUCT, "output": "100000"} | energy
    assert client.post(f"/cases/{case.id}/quota", data=data).status_code == 302
    (verdict,) = verdicts(case, "quota")
    assert verdict.status == status
    assert reason in verdict.reason


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"product": "", "output": "1"}, "请选择产品。"),
        (
            {"product": "不存在的产品::x", "output": "1"},
            "「不存在的产品」不在本行业的能耗限额标准中。",
        ),
        ({"product": PRODUCT, "energy_electricity": "1000"}, "请填写产量。"),
        ({"product": PRODUCT, "output": "十万"}, "请填写数字。"),
        ({"product": PRODUCT, "output": "-1"}, "不能为负数。"),
        ({"product": PRODUCT, "output": "1e20"}, "数值过大，请核对单位。"),
        ({"product": PRODUCT, "output": "1", "energy_diesel": "-3"}, "不能为负数。"),
        ({"product": PRODUCT, "output": "1", "measured_raw_coal": "abc"}, "请填写数字。"),
        ({"product": PRODUCT, "output": "1", "exported_heat": "-9"}, "不能为负数。"),
        (
            {"product": PRODUCT, "reported_value": "-120", "energy_electricity": "1"},
            "直接填报指标值时不填写能源消费量，二者选一。",
        ),
    ],
)
def test_quota_form_errors(casework: Casework, client, data, message):
    case = acid_case(casework)
    login(client, casework.world.a_inspector.username)
    refused = client.post(f"/cases/{case.id}/quota", data=data)
    assert refused.status_code == 422
    assert message in refused.get_data(as_text=True)
    assert verdicts(case, "quota") == []


def test_officer_cannot_post_a_quota(casework: Casework, client):
    case = acid_case(casework)
    login(client, casework.world.a_officer.username)
    data = {"product": PRODUCT, "output": "1", "energy_electricity": "1"}
    refused = client.post(f"/cases/{case.id}/quota", data=data)
    assert refused.status_code == 422
    assert "只有承办本案件的监察人员可以录入。" in refused.get_data(as_text=True)
    assert verdicts(case, "quota") == []


def test_service_takes_plain_data_and_names_the_field(casework: Casework):
    case = acid_case(casework)
    actor = casework.world.a_inspector
    with pytest.raises(DomainError) as refused:
        calculations.assess_case_quota(
            case, {"product": "硫磺制酸", "output": 10, "energy": {"coal": 1}}, actor
        )
    assert refused.value.field == "energy"
    with pytest.raises(DomainError) as refused:
        calculations.assess_case_quota(
            case, {"product": "硫磺制酸", "output": 10, "energy": {"diesel": "x"}}, actor
        )
    assert (refused.value.field, str(refused.value)) == (
        "energy_diesel",
        "柴油消费量：请填写数字。",
    )
    verdict = calculations.assess_case_quota(
        case,
        {"product": "硫磺制酸", "output": 100000, "energy": {"electricity": 10**7},
         "exported": {"electricity": 8 * 10**7}},
        actor,
    )  # fmt: skip
    assert verdict.status == "over_limit"
    db.session.rollback()


# -- the list for the price department ---------------------------------------------------------


def test_ladder_list_and_its_workbook(casework: Casework, client):
    world = casework.world
    case = aluminium_case(casework, name='=HYPERLINK("x")铝业')
    login(client, world.a_inspector.username)
    data = {"indicator_value": "13750", "kwh": "1400000000", "billed_tier": "第一档"}
    assert client.post(f"/cases/{case.id}/ladder", data=data).status_code == 302
    assert client.get("/cases/ladder-list").status_code == 403

    login(client, world.a_officer.username)
    page = client.get("/cases/ladder-list").get_data(as_text=True)
    assert "铝业" in page and "第二档" in page and "28 000 000.00" in page
    assert "执行档次不符 1 家" in page
    download = client.get("/cases/ladder-list?format=xlsx")
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(download.data)).active
    assert sheet["A1"].value.startswith("阶梯电价执行情况核查清单")
    assert [c.value for c in sheet[2]][:6] == [
        "省份", "企业名称", "统一社会信用代码", "行业", "上年指标值", "计算档次"
    ]  # fmt: skip
    row = [c.value for c in sheet[3]]
    assert row[1] == '=HYPERLINK("x")铝业'  # user text stays text
    assert row[3:7] == ["电解铝", "13 750 kWh/t", "第二档", "第一档"]
    assert (row[8], row[9]) == (28000000, "是")
    assert sheet.freeze_panes == "C3"

    login(client, world.ministry_officer.username)
    assert "铝业" in client.get("/cases/ladder-list?province=320000").get_data(as_text=True)
    assert "铝业" not in client.get("/cases/ladder-list?province=330000").get_data(as_text=True)
    login(client, world.b_officer.username)
    assert "铝业" not in client.get("/cases/ladder-list").get_data(as_text=True)


def test_kgeo_standards_need_a_reported_value(casework: Casework, client):
    case = casework.open(1, "refining")
    login(client, casework.world.a_inspector.username)
    page = client.get(f"/cases/{case.id}/quota").get_data(as_text=True)
    assert "炼油 · 单位能量因数能耗" in page and "待核实" in page
    product = "炼油::单位能量因数能耗"
    data = {"product": product, "output": "100", "energy_electricity": "1000"}
    assert client.post(f"/cases/{case.id}/quota", data=data).status_code == 302
    (verdict,) = verdicts(case, "quota")
    assert (verdict.status, verdict.verified) == ("missing_data", False)
    assert "需填报指标值" in verdict.reason
    data = {"product": product, "reported_value": "8.5"}
    assert client.post(f"/cases/{case.id}/quota", data=data).status_code == 302
    (verdict,) = verdicts(case, "quota")
    assert verdict.status == "limit_unverified"  # the limit itself is not recorded


def test_cement_page_shows_its_schedule(casework: Casework, client):
    case = casework.open(2, "cement")
    login(client, casework.world.a_inspector.username)
    page = client.get(f"/cases/{case.id}/ladder").get_data(as_text=True)
    assert "发改价格〔2014〕880号" in page and "第二档及以上" in page
    data = {"indicator_value": "100", "kwh": "1000", "billed_tier": "第一档"}
    assert client.post(f"/cases/{case.id}/ladder", data=data).status_code == 302
    (verdict,) = verdicts(case, "ladder")
    assert verdict.status == "indeterminate"  # the tier-1 boundary is not recorded
