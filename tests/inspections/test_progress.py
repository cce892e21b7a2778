"""The province progress dashboard: grouped counts, over-quota list, PUE spread and scope."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from inspections_support import Casework, casework  # noqa: F401

from conftest import World, login
from supervision.extensions import db
from supervision.inspections import progress as figures
from supervision.inspections.models import CaseStatus, Finding
from supervision.inspections.rules import Status
from supervision.inspections.service import store_verdict


@pytest.fixture
def dashboard(casework: Casework):
    """Four cases of province A besides the world's own (category 四, still planned);
    recording a verdict starts a planned case."""
    world = casework.world
    acid = casework.open(1, "sulphuric_acid", name="硫酸甲厂")
    tyre = casework.open(1, "tyre", name="轮胎乙厂")
    cement = casework.open(2, "cement", name="水泥丙厂")
    datacentre = casework.open(4, name="数据丁中心")
    acid.status = CaseStatus.IN_PROGRESS
    tyre.status = CaseStatus.FINDINGS
    cement.status = CaseStatus.FINDINGS
    store_verdict(
        acid,
        rule="quota",
        subject="硫酸",
        status=Status.OVER_LIMIT,
        reason="超过限定值",
        value=Decimal("-50"),
        limit_value=Decimal("-60"),
        unit="kgce/t",
        numbers={"over_percent": Decimal("16.67")},
        actor=world.a_inspector,
    )
    store_verdict(
        tyre,
        rule="quota",
        subject="子午线轮胎",
        status=Status.LIMIT_UNVERIFIED,
        provisional=Status.OVER_LIMIT,
        verified=False,
        reason="限定值待核实，暂按此计",
        value=Decimal("150"),
        limit_value=Decimal("100"),
        unit="kgce/t",
        numbers={"over_percent": Decimal("50.00")},
        actor=world.a_inspector,
    )
    store_verdict(
        tyre,
        rule="quota",
        subject="斜交轮胎",
        status=Status.COMPLIANT,
        reason="符合",
        value=Decimal("90"),
        limit_value=Decimal("100"),
        unit="kgce/t",
        actor=world.a_inspector,
    )
    for subject, status, value in (
        ("dc:1", Status.COMPLIANT, Decimal("1.25")),
        ("dc:2", Status.OVER_LIMIT, Decimal("1.40")),  # a boundary belongs to the upper bucket
        ("dc:3", Status.OVER_LIMIT, Decimal("1.95")),
        ("dc:4", Status.ABNORMAL_DATA, None),
    ):
        store_verdict(
            datacentre,
            rule="pue",
            subject=subject,
            status=status,
            reason="…",
            value=value,
            actor=world.a_inspector,
        )
    db.session.add_all(
        [
            Finding(case=tyre, kind="over_quota", description="超限额"),
            Finding(case=tyre, kind="daily_check", description="无能源管理岗位"),
            Finding(case=cement, kind="ladder_mismatch", description="执行档次不符"),
        ]
    )
    db.session.commit()
    return casework


def test_grouped_figures_of_a_province(dashboard: Casework):
    world = dashboard.world
    result = figures.progress(world.a_officer)
    assert result.total == 5
    by_status = {str(label): n for label, n in result.by_status}
    assert by_status == {"待监察": 1, "监察中": 2, "已记录问题": 2, "已办结": 0, "责令整改": 0}
    assert dict(result.by_category) == {1: 2, 2: 1, 3: 0, 4: 2, 5: 0}
    [agency] = result.by_agency
    assert agency.agency == world.a_agency.name
    assert agency.total == 5 and agency.counts[CaseStatus.FINDINGS] == 2
    assert dict(result.findings_by_industry) == {"轮胎": 2, "水泥": 1}
    assert {str(k): n for k, n in result.findings_by_kind} == {
        "超过单位产品能耗限额标准用能": 1,
        "日常节能监察不符合项": 1,
        "阶梯电价执行档次不符": 1,
    }
    assert [(r.enterprise, r.over_percent, r.verified) for r in result.over_quota] == [
        ("轮胎乙厂", Decimal("50.00"), False),
        ("硫酸甲厂", Decimal("16.67"), True),
    ]
    assert [(str(k), n) for k, n in result.pue] == [
        ("<1.3", 1),
        ("1.3–1.4", 0),
        ("1.4–1.5", 1),
        ("1.5–1.8", 0),
        ("≥1.8", 1),
        ("数据不全/异常", 1),
    ]


def _chart(page: str, label: str) -> dict:
    match = re.search(rf"aria-label=\"{label}\" data-chart='([^']*)'", page)
    assert match, label
    return json.loads(match.group(1).replace("&#34;", '"').replace("&amp;", "&"))


def test_the_page_shows_tables_and_chart_data(dashboard: Casework, client):
    login(client, dashboard.world.a_officer.username)
    response = client.get("/cases/progress")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "vendor/echarts/echarts.min.js" in page and "js/charts.js" in page
    assert "<script>" not in page  # CSP: no inline scripts
    over = page.index("超能耗限额企业")
    assert page.index("轮胎乙厂", over) < page.index("硫酸甲厂", over)  # most over first
    assert "50.00 %" in page and "待核实" in page[over:]
    status_chart = _chart(page, "按状态的案件数")
    assert status_chart["labels"][:3] == ["待监察", "监察中", "已记录问题"]
    assert status_chart["series"][0]["values"] == [1, 2, 2, 0, 0]
    assert _chart(page, "PUE 分布")["series"][0]["values"] == [1, 0, 1, 0, 1, 1]


def test_an_inspector_has_no_dashboard(dashboard: Casework, client):
    login(client, dashboard.world.a_inspector.username)
    assert client.get("/cases/progress").status_code == 403


def test_another_province_sees_none_of_a_s_cases(dashboard: Casework, client):
    world: World = dashboard.world
    assert figures.progress(world.b_officer).total == 0
    login(client, world.b_officer.username)
    page = client.get("/cases/progress?province=320000").get_data(as_text=True)
    assert "共 0 个监察案件" in page
    assert "轮胎乙厂" not in page and world.a_agency.name not in page


def test_the_ministry_sees_every_province_and_may_pick_one(dashboard: Casework, client):
    world: World = dashboard.world
    login(client, world.ministry_officer.username)
    everything = client.get("/cases/progress").get_data(as_text=True)
    assert "共 5 个监察案件" in everything and "轮胎乙厂" in everything
    only_a = client.get("/cases/progress?province=320000").get_data(as_text=True)
    assert "共 5 个监察案件" in only_a
    only_b = client.get("/cases/progress?province=330000").get_data(as_text=True)
    assert "共 0 个监察案件" in only_b and "轮胎乙厂" not in only_b
    assert client.get("/cases/progress?province=999999").status_code == 404
