"""The case's data-centre PUE tab (category 四): readings entered → annual PUE → verdict."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from inspections_support import Casework, casework  # noqa: F401
from sqlalchemy import select

from conftest import login
from supervision.datacentres import service as datacentres
from supervision.datacentres.models import DataCentre
from supervision.extensions import db
from supervision.inspections.models import Verdict

#: The worked example: Σ total 1 520 000 kWh, Σ IT 1 000 000 kWh → PUE 1.52. The months differ
#: on purpose: the mean of the monthly ratios would be 1.475, not the ratio of the sums.
WORKED = {1: ("420 000", "100000"), 12: ("100000", "100000")} | dict.fromkeys(
    range(2, 12), ("100,000", "80000")
)


def register(client, case, *, name="一号机房", large=True) -> DataCentre:
    response = client.post(
        f"/data-centres/new?enterprise={case.enterprise_id}",
        data={"name": name, "racks": "3000", "large": "y" if large else "", "design_pue": "1.3"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return db.session.scalars(select(DataCentre).where(DataCentre.name == name)).one()


def add_meters(client, dc: DataCentre) -> None:
    for name, role, boundary in (
        ("总进线表", "total", "total_input"),
        ("UPS 输出表", "it", "ups_output"),
    ):
        response = client.post(
            f"/data-centres/{dc.id}/points", data={"name": name, "role": role, "boundary": boundary}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]


def enter_year(client, dc: DataCentre, year: int, months: dict):
    data = {}
    for month, (total, it) in months.items():
        data[f"total_{month}"] = total
        data[f"it_{month}"] = it
    return client.post(f"/data-centres/{dc.id}/readings/{year}", data=data)


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def pue_case(casework: Casework, client):
    case = casework.open(4, name="云计算企业")
    assert case.assessed_year == 2019
    login(client, casework.world.a_inspector.username)
    return case


def test_twelve_months_give_the_annual_pue_and_an_over_target_verdict(pue_case, client):
    dc = register(client, pue_case)
    add_meters(client, dc)
    saved = enter_year(client, dc, 2019, WORKED)
    assert saved.status_code == 302
    assert "2019 年月度电量已保存（12 个月）。" in text(client.get(saved.headers["Location"]))
    assert datacentres.annual(dc, 2019).value == Decimal("1.52")

    page = client.get(f"/cases/{pue_case.id}/pue")
    body = text(page)
    assert page.status_code == 200
    assert "PUE = 总耗电量 Σ ÷ IT 耗电量 Σ = 1 520 000 ÷ 1 000 000 = 1.52" in body
    assert "超过限定值" in body and "PUE 1.52 &gt; 目标值 1.4" in body
    assert "pue_targets r1" in body

    stored = client.post(f"/cases/{pue_case.id}/pue", data={"data_centre": dc.id})
    assert stored.status_code == 302
    assert "已保存“一号机房”的 PUE 核算结论：超过限定值。" in text(
        client.get(stored.headers["Location"])
    )
    verdict = db.session.scalars(select(Verdict).where(Verdict.case_id == pue_case.id)).one()
    assert (verdict.rule, verdict.subject, verdict.status) == ("pue", f"dc:{dc.id}", "over_limit")
    assert verdict.value == Decimal("1.52") and verdict.limit_value == Decimal("1.4")
    assert verdict.reference_version == "pue_targets r1"
    assert verdict.formula == "PUE = 总耗电量 Σ ÷ IT 耗电量 Σ = 1 520 000 ÷ 1 000 000 = 1.52"
    assert verdict.reason.startswith("PUE 1.52 > 目标值 1.4（2017 年电信业指导意见")
    assert verdict.numbers["total_kwh"] == "1520000.00"
    assert verdict.entered["2019-01"] == {"total_kwh": "420000.00", "it_kwh": "100000.00"}
    assert verdict.inputs["计量检查（GB 17167）"] == "符合"


def test_the_trend_chart_gets_its_data_from_an_attribute_and_the_table_repeats_it(pue_case, client):
    dc = register(client, pue_case)
    enter_year(client, dc, 2019, {1: ("420000", "100000"), 2: ("100000", "80000")})
    body = text(client.get(f"/cases/{pue_case.id}/pue"))
    assert "/static/vendor/echarts/echarts.min.js" in body
    assert "/static/js/pue-chart.js" in body
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), "no inline scripts (CSP)"
    raw = re.search(r"data-pue-chart='([^']*)'", body).group(1)
    chart = json.loads(raw.replace("&#34;", '"').replace("&amp;", "&"))
    assert chart["labels"][:2] == ["1月", "2月"]
    assert chart["values"][:3] == [4.2, 1.25, None]
    assert chart["target"] == 1.4 and chart["annual"] is None
    row = re.search(r'<tr data-month="1">(.*?)</tr>', body, re.S).group(1)
    assert "420 000" in row and "100 000" in row and "4.20" in row


def test_a_missing_month_is_missing_data_listing_the_month(pue_case, client):
    dc = register(client, pue_case)
    add_meters(client, dc)
    months = dict(WORKED)
    del months[7]
    enter_year(client, dc, 2019, months)
    client.post(f"/cases/{pue_case.id}/pue", data={"data_centre": dc.id})
    verdict = db.session.scalars(select(Verdict).where(Verdict.case_id == pue_case.id)).one()
    assert verdict.status == "missing_data" and verdict.value is None
    assert verdict.reason == "缺少 7 月数据（需全年 12 个月）"
    body = text(client.get(f"/cases/{pue_case.id}/pue"))
    assert "数据不全" in body and "缺少 7 月数据" in body


def test_exactly_at_the_target_complies(pue_case, client):
    dc = register(client, pue_case)
    add_meters(client, dc)
    months = dict.fromkeys(range(1, 13), ("140000", "100000"))
    months[1] = ("140 000.00", "100000")
    enter_year(client, dc, 2019, months)
    client.post(f"/cases/{pue_case.id}/pue", data={"data_centre": dc.id})
    verdict = db.session.scalars(select(Verdict).where(Verdict.case_id == pue_case.id)).one()
    assert verdict.status == "compliant"
    assert verdict.reason.startswith("PUE 1.40 ≤ 目标值 1.4")


def test_a_small_data_centre_has_no_applicable_target(pue_case, client):
    dc = register(client, pue_case, name="小机房", large=False)
    add_meters(client, dc)
    enter_year(client, dc, 2019, WORKED)
    body = text(client.get(f"/cases/{pue_case.id}/pue"))
    assert "无适用标准" in body and "无适用目标值" in body
    client.post(f"/cases/{pue_case.id}/pue", data={"data_centre": dc.id})
    verdict = db.session.scalars(select(Verdict).where(Verdict.case_id == pue_case.id)).one()
    assert verdict.status == "no_reference"
    assert verdict.reason == "2019-12-31 无适用于非大型数据中心的 PUE 目标值"


def test_metering_not_per_gb_17167_makes_the_figure_a_data_error(pue_case, client):
    dc = register(client, pue_case)
    client.post(
        f"/data-centres/{dc.id}/points",
        data={"name": "总进线表", "role": "total", "boundary": "total_input"},
    )
    client.post(
        f"/data-centres/{dc.id}/points",
        data={"name": "UPS 输入表", "role": "it", "boundary": "ups_input"},
    )
    enter_year(client, dc, 2019, dict.fromkeys(range(1, 13), ("130000", "100000")))
    body = text(client.get(f"/cases/{pue_case.id}/pue"))
    assert "IT 电量计量点「UPS 输入表」应在 UPS 输出端或 PDU 输入端" in body
    client.post(f"/cases/{pue_case.id}/pue", data={"data_centre": dc.id})
    verdict = db.session.scalars(select(Verdict).where(Verdict.case_id == pue_case.id)).one()
    assert verdict.status == "abnormal_data"
    assert verdict.value == Decimal("1.30")
    assert verdict.reason.startswith("计量不符合 GB 17167：IT 电量计量点「UPS 输入表」")


def test_readings_errors_name_the_month(pue_case, client):
    dc = register(client, pue_case)
    bad = enter_year(
        client, dc, 2019, {3: ("1000", "1200"), 4: ("-5", "1"), 5: ("abc", ""), 6: ("10", "")}
    )
    assert bad.status_code == 422
    body = text(bad)
    assert "3 月 IT 设备耗电量（1 200 kWh）大于总耗电量（1 000 kWh）。" in body
    assert "4 月总耗电量不能为负数。" in body
    assert "请输入数字（如 126000 或 126000.5）。" in body
    assert datacentres.readings_of(dc, 2019) == {}  # nothing saved while any month is wrong


def test_who_may_see_and_record(pue_case, casework: Casework, client):
    world = casework.world
    dc = register(client, pue_case)
    other = casework.open(1, "sulphuric_acid", name="硫酸企业")
    assert client.get(f"/cases/{other.id}/pue").status_code == 404  # not category 四
    login(client, world.b_officer.username)
    assert client.get(f"/cases/{pue_case.id}/pue").status_code == 404
    login(client, world.b_inspector.username)
    assert client.post(f"/cases/{pue_case.id}/pue", data={"data_centre": dc.id}).status_code == 404
    login(client, world.a_officer.username)
    page = client.get(f"/cases/{pue_case.id}/pue")
    assert page.status_code == 200 and "一号机房" in text(page)
    assert "保存核算结论" not in text(page)
    refused = client.post(f"/cases/{pue_case.id}/pue", data={"data_centre": dc.id})
    assert refused.status_code == 422
    assert "只有承办本案件的监察人员可以录入。" in text(refused)
    login(client, world.a_inspector.username)
    foreign_dc = DataCentre(
        enterprise_id=world.a_enterprise.id, province_id=world.a_province.id, name="别家机房"
    )
    db.session.add(foreign_dc)
    db.session.commit()
    wrong = client.post(f"/cases/{pue_case.id}/pue", data={"data_centre": foreign_dc.id})
    assert wrong.status_code == 422
    assert "该数据中心不属于本案件的企业。" in text(wrong)
    assert db.session.scalars(select(Verdict)).all() == []


def test_a_case_without_data_centres_offers_to_register_one(pue_case, client):
    body = text(client.get(f"/cases/{pue_case.id}/pue"))
    assert "该企业尚未登记数据中心。" in body
    assert f"/data-centres/new?enterprise={pue_case.enterprise_id}" in body


def test_a_data_centre_verdict_is_named_by_the_data_centre(casework):
    """Pages and finding proposals say "甲数据中心", not the stored key dc:<id>."""
    from supervision.datacentres.models import DataCentre
    from supervision.extensions import db
    from supervision.inspections import service
    from supervision.inspections.findings import proposals
    from supervision.inspections.rules import Status

    case = casework.open(4)
    centre = DataCentre(
        enterprise_id=case.enterprise_id, province_id=case.province_id, name="甲数据中心"
    )
    db.session.add(centre)
    db.session.flush()
    verdict = service.store_verdict(
        case,
        rule="pue",
        subject=f"dc:{centre.id}",
        status=Status.OVER_LIMIT,
        reason="PUE 1.56 > 目标值 1.4",
        actor=None,
    )
    assert verdict.subject_label == "甲数据中心"
    assert [p.description for p in proposals(case)][0].startswith("甲数据中心：PUE 1.56")
    ladder = service.store_verdict(
        case, rule="ladder", subject="ladder", status=Status.COMPLIANT, reason="x", actor=None
    )
    assert ladder.subject_label == "阶梯电价"
