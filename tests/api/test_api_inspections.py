"""Issue 4 over the API: cases, metrics posted by the case's inspector, data-centre readings,
annual PUE and the calculators, with the worked examples of the rules."""

from __future__ import annotations

import pytest
from api_helpers import as_user
from sqlalchemy import delete, func, select

from conftest import World, credit_code
from supervision.core.models import Role
from supervision.datacentres.models import DataCentre, MeteringPoint, MonthlyReading
from supervision.enterprises.service import EnterpriseData, create_enterprise
from supervision.extensions import db
from supervision.industries.service import by_code
from supervision.inspections import service as cases
from supervision.inspections.models import CaseStatus, InspectionCase
from supervision.plans.service import plan_for_year
from supervision.tasks.models import ReviewMethod
from supervision.tasks.service import add_task, filing_for

FLOAT_WORDS = "不接受浮点数"


class Cases:
    """Cases of province A assigned to world.a_inspector (and a partner inspector)."""

    def __init__(self, world: World, partner):
        self.world = world
        self.partner = partner
        self.serial = 700

    def open(self, category: int, industry: str | None, name: str, inspectors=None):
        self.serial += 1
        enterprise = create_enterprise(
            self.world.a_province,
            EnterpriseData(
                credit_code=credit_code(self.serial),
                name=name,
                division_code="320102",
                industry=by_code(industry) if industry else None,
                key_energy_unit=True,
            ),
        )
        filing = filing_for(plan_for_year(2020), self.world.a_province)
        task = add_task(
            filing,
            enterprise=enterprise,
            category=category,
            industry=by_code(industry) if industry else None,
            agency=self.world.a_agency,
            inspectors=inspectors or [self.world.a_inspector, self.partner],
            planned_month=5,
            method=ReviewMethod.ON_SITE,
        )
        db.session.flush()
        cases.open_cases(filing)
        db.session.commit()
        return db.session.scalar(select(InspectionCase).where(InspectionCase.task_id == task.id))


@pytest.fixture
def casebook(world: World, make_user) -> Cases:
    partner = make_user("a-inspector-2", Role.INSPECTOR, world.a_agency, full_name="乙监察员")
    return Cases(world, partner)


@pytest.fixture
def acid(casebook: Cases) -> InspectionCase:
    return casebook.open(1, "sulphuric_acid", "南京硫酸有限公司")


@pytest.fixture
def aluminium(casebook: Cases) -> InspectionCase:
    return casebook.open(2, "electrolytic_aluminium", "示例电解铝有限公司")


@pytest.fixture
def centre(world: World) -> DataCentre:
    made = DataCentre(
        enterprise_id=world.a_enterprise.id,
        province_id=world.a_province.id,
        name="甲省一号数据中心",
        large=True,
    )
    made.metering_points = [  # GB 17167: total input and IT at the UPS output are metered
        MeteringPoint(name="总进线", role="total", boundary="total_input"),
        MeteringPoint(name="UPS 输出", role="it", boundary="ups_output"),
    ]
    db.session.add(made)
    db.session.commit()
    return made


def quota_url(case) -> str:
    return f"/api/v1/cases/{case.id}/metrics/quota"


def ladder_url(case) -> str:
    return f"/api/v1/cases/{case.id}/metrics/ladder"


# -- cases ----------------------------------------------------------------------------------


def test_cases_are_listed_within_the_tokens_scope(app, world: World, casebook: Cases, acid):
    other = casebook.open(2, "steel", "别人的钢铁企业", inspectors=[casebook.partner])
    # Opening the filing's cases opened the world's category-四 case too (a_inspector's).
    first = db.session.scalar(
        select(InspectionCase).where(InspectionCase.task_id == world.a_task.id)
    )
    inspector = as_user(app, world.a_inspector)
    assert [c["id"] for c in inspector.get("/api/v1/cases").json["items"]] == [first.id, acid.id]
    mine = inspector.get("/api/v1/cases?category=1").json
    assert (mine["total"], mine["page"]) == (1, 1)
    item = mine["items"][0]
    assert (item["credit_code"], item["enterprise_name"]) == (credit_code(701), "南京硫酸有限公司")
    assert (item["category"], item["industry"], item["status"]) == (1, "sulphuric_acid", "planned")
    assert (item["plan_year"], item["assessed_year"], item["province"]) == (2020, 2019, "320000")
    assert item["inspectors"] == [
        {"username": "a-inspector", "name": world.a_inspector.full_name},
        {"username": "a-inspector-2", "name": "乙监察员"},
    ]
    officer = as_user(app, world.a_officer)
    listed = {c["id"] for c in officer.get("/api/v1/cases").json["items"]}
    assert listed == {first.id, acid.id, other.id}
    assert officer.get("/api/v1/cases?category=2").json["items"][0]["id"] == other.id
    assert officer.get("/api/v1/cases?status=closed").json["total"] == 0
    assert officer.get("/api/v1/cases?province=320000").json["total"] == 3
    assert officer.get("/api/v1/cases?province=330000").status_code == 404
    bad = officer.get("/api/v1/cases?status=done&per_page=500")
    assert bad.status_code == 422
    assert bad.json["errors"]["status"].startswith("应为以下值之一")
    assert bad.json["errors"]["per_page"] == "不能大于 100。"
    assert as_user(app, world.b_officer).get("/api/v1/cases").json["total"] == 0
    ministry = as_user(app, world.ministry_officer)
    assert ministry.get("/api/v1/cases?province=320000").json["total"] == 3
    assert ministry.get("/api/v1/cases?province=330000").json["total"] == 0
    unknown = ministry.get("/api/v1/cases?province=999999")
    assert unknown.json["errors"] == {"province": "没有该行政区划代码的省级单位。"}


def test_a_case_with_its_verdicts_and_findings(app, world: World, acid):
    inspector = as_user(app, world.a_inspector)
    inspector.post(quota_url(acid), json={"product": "硫磺制酸", "reported_value": "-120"})
    body = inspector.get(f"/api/v1/cases/{acid.id}").json
    assert (body["id"], body["enterprise_name"], body["status"]) == (
        acid.id,
        "南京硫酸有限公司",
        "in_progress",
    )
    assert body["due_on"] == "2020-09-30" and body["findings"] == []
    (verdict,) = body["verdicts"]
    assert (verdict["rule"], verdict["status"], verdict["value"], verdict["limit"]) == (
        "quota",
        "compliant",
        "-120",
        "-115",
    )
    assert verdict["unit"] == "kgce/t" and verdict["verified"] is True
    assert "GB 29141-2012" in verdict["reference_version"]
    foreign = as_user(app, world.b_officer).get(f"/api/v1/cases/{acid.id}")
    assert foreign.status_code == 404 and foreign.json["status"] == 404
    assert World.MARKER not in foreign.get_data(as_text=True)
    assert as_user(app, world.a_officer).get("/api/v1/cases/999999").status_code == 404


# -- metrics --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "status", "over"),
    [("-120", "compliant", None), ("-115", "compliant", None), ("-114", "over_limit", "0.87")],
)
def test_quota_metrics_sulphuric_acid_negative_limit(app, world, acid, value, status, over):
    response = as_user(app, world.a_inspector).post(
        quota_url(acid), json={"product": "硫磺制酸", "reported_value": value}
    )
    assert response.status_code == 200, response.json
    verdict = response.json
    assert (verdict["status"], verdict["value"], verdict["limit"]) == (status, value, "-115")
    assert verdict["numbers"]["over_percent"] == over
    assert verdict["subject"] == "硫磺制酸 · 单位产品综合能耗"
    assert "GB 29141-2012" in verdict["reason"]


def test_quota_metrics_computed_from_energy(app, world, acid):
    response = as_user(app, world.a_inspector).post(
        quota_url(acid),
        json={"product": "硫磺制酸", "output": 1000, "energy": {"electricity": "1000000"}},
    )
    verdict = response.json
    # 1 000 000 kWh × 0.1229 kgce/kWh ÷ 1 000 t = 122.9 kgce/t > −115
    assert (verdict["status"], verdict["value"]) == ("over_limit", "122.9")
    assert "÷" in verdict["formula"] and "coal_factors r1" in verdict["reference_version"]


def test_ladder_metrics_aluminium_worked_example(app, world, aluminium):
    response = as_user(app, world.a_inspector).post(
        ladder_url(aluminium),
        json={"indicator_value": "13750", "kwh": 1400000000, "billed_tier": "第二档"},
    )
    assert response.status_code == 200, response.json
    verdict = response.json
    assert verdict["status"] == "compliant"  # billed as computed
    numbers = verdict["numbers"]
    assert (numbers["tier"], numbers["rate"], numbers["surcharge"]) == (
        "第二档",
        "0.02",
        "28000000.00",
    )
    assert (numbers["year"], numbers["indicator_year"]) == (2020, 2019)
    assert "发改价格〔2013〕2530号" in verdict["reference_version"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"product": "硫磺制酸", "reported_value": -120.0}, "reported_value"),
        ({"product": "硫磺制酸", "output": 1.5, "energy": {"electricity": "1"}}, "output"),
        ({"product": "硫磺制酸", "output": "1", "energy": {"electricity": 1e3}}, "energy"),
    ],
)
def test_floats_are_refused_with_an_explanation(app, world, acid, body, field):
    response = as_user(app, world.a_inspector).post(quota_url(acid), json=body)
    assert response.status_code == 422
    assert list(response.json["errors"]) == [field]
    assert FLOAT_WORDS in response.json["errors"][field]
    assert acid.verdicts == []


def test_metrics_refusals_of_the_service_name_their_field(app, world, acid, aluminium):
    inspector = as_user(app, world.a_inspector)
    unknown = inspector.post(quota_url(acid), json={"product": "不存在的产品", "output": "1"})
    assert unknown.status_code == 422
    assert unknown.json["errors"] == {"product": "「不存在的产品」不在本行业的能耗限额标准中。"}
    fuel = inspector.post(
        quota_url(acid), json={"product": "硫磺制酸", "output": "1", "energy": {"coal": "1"}}
    )
    assert fuel.json["errors"] == {"energy": "未知能源品种：coal"}
    wrong = inspector.post(ladder_url(acid), json={"indicator_value": "13750"})
    assert wrong.status_code == 422
    assert wrong.json["message"] == "阶梯电价核算只适用于专项监察二的案件。"
    assert wrong.json["errors"] == {}
    missing = inspector.post(quota_url(acid), json={"output": "1"})
    assert missing.json["errors"] == {"product": "此字段为必填项。"}
    tier = inspector.post(ladder_url(aluminium), json={"indicator_value": "1", "billed_tier": "x"})
    assert tier.json["errors"] == {"billed_tier": "实际执行档次不在现行政策的档次中。"}


def test_only_the_assigned_inspector_posts_metrics(app, world, acid, make_user):
    body = {"product": "硫磺制酸", "reported_value": "-120"}
    # An inspector of A not assigned to the case does not even see it; the officer sees it.
    stranger = make_user("a-inspector-3", Role.INSPECTOR, world.a_agency)
    assert as_user(app, stranger).post(quota_url(acid), json=body).status_code == 404
    refused = as_user(app, world.a_officer).post(quota_url(acid), json=body)
    assert refused.status_code == 403
    assert refused.json["message"] == "只有承办本案件的监察人员可以录入。"
    foreign = as_user(app, world.b_inspector).post(quota_url(acid), json=body)
    assert foreign.status_code == 404
    acid.status = CaseStatus.CLOSED
    db.session.commit()
    closed = as_user(app, world.a_inspector).post(quota_url(acid), json=body)
    assert closed.status_code == 409
    assert "案件已办结" in closed.json["message"]
    assert db.session.get(InspectionCase, acid.id).verdicts == []


def test_metrics_bodies_must_be_json_objects(app, world, acid):
    inspector = as_user(app, world.a_inspector)
    broken = inspector.post(quota_url(acid), data="{", content_type="application/json")
    assert (broken.status_code, broken.json["message"]) == (400, "请求体不是有效的 JSON。")
    listed = inspector.post(quota_url(acid), json=[1])
    assert listed.json["errors"] == {"_body": "请求体应为 JSON 对象。"}
    stray = inspector.post(quota_url(acid), json={"product": "硫磺制酸", "value": "1"})
    assert stray.json["errors"] == {"value": "未知字段。"}


# -- data centres ---------------------------------------------------------------------------


def _year(total: str = "152000", it: str = "100000", months=range(1, 13)) -> list[dict]:
    return [{"month": f"2019-{m:02d}", "total_kwh": total, "it_kwh": it} for m in months]


def _stored(centre) -> int:
    return db.session.scalar(
        select(func.count(MonthlyReading.id)).where(MonthlyReading.data_centre_id == centre.id)
    )


def test_readings_are_pushed_and_give_the_annual_pue(app, world, centre):
    officer = as_user(app, world.a_officer)
    response = officer.post(
        f"/api/v1/data-centres/{centre.id}/readings", json={"readings": _year()}
    )
    assert response.status_code == 200, response.json
    assert response.json["saved"] == 12
    assert response.json["readings"][0] == {
        "month": "2019-01",
        "total_kwh": "152000",
        "it_kwh": "100000",
        "pue": "1.52",
        "source": "api",
    }
    pue = officer.get(f"/api/v1/data-centres/{centre.id}/pue?year=2019").json
    assert (pue["status"], pue["pue"], pue["missing_months"]) == ("determined", "1.52", [])
    assert (pue["total_kwh"], pue["it_kwh"]) == ("1824000", "1200000")
    assert pue["target"]["status"] == "over_limit" and pue["target"]["limit"] == "1.4"
    assert "pue_targets r1" in pue["reference_version"] and len(pue["months"]) == 12
    assert officer.get(f"/api/v1/data-centres/{centre.id}/pue").json["year"] == 2019


def test_the_api_judges_pue_as_the_case_page_does_meters_included(app, world, centre):
    """Without an IT meter the figure is a data error (DOMAIN 6.2), not 超过限定值."""
    officer = as_user(app, world.a_officer)
    officer.post(f"/api/v1/data-centres/{centre.id}/readings", json={"readings": _year()})
    assert (
        officer.get(f"/api/v1/data-centres/{centre.id}/pue?year=2019").json["metering_gaps"] == []
    )
    db.session.execute(delete(MeteringPoint).where(MeteringPoint.role == "it"))
    db.session.commit()
    pue = officer.get(f"/api/v1/data-centres/{centre.id}/pue?year=2019").json
    assert pue["pue"] == "1.52"  # the ratio is still shown
    assert pue["metering_gaps"] == ["缺少 IT 设备电能计量"]
    assert pue["target"]["status"] == "abnormal_data"
    assert pue["target"]["reason"].startswith("计量不符合 GB 17167：缺少 IT 设备电能计量")


def test_missing_months_are_listed(app, world, centre):
    officer = as_user(app, world.a_officer)
    officer.post(
        f"/api/v1/data-centres/{centre.id}/readings", json={"readings": _year(months=range(1, 11))}
    )
    pue = officer.get(f"/api/v1/data-centres/{centre.id}/pue?year=2019").json
    assert (pue["status"], pue["pue"], pue["missing_months"]) == ("missing_data", None, [11, 12])
    assert pue["reason"] == "缺少 11、12 月数据（需全年 12 个月）"
    assert pue["target"]["status"] == "missing_data"
    empty = officer.get(f"/api/v1/data-centres/{centre.id}/pue?year=2018").json
    assert empty["missing_months"] == list(range(1, 13)) and empty["months"] == []


def test_readings_are_all_or_nothing(app, world, centre):
    officer = as_user(app, world.a_officer)
    url = f"/api/v1/data-centres/{centre.id}/readings"
    readings = _year(months=range(1, 4))
    readings[1]["it_kwh"] = "200000"  # above the total
    refused = officer.post(url, json={"readings": readings})
    assert refused.status_code == 422
    assert refused.json["entries"] == [
        {"index": 1, "message": "2 月 IT 设备耗电量（200 000 kWh）大于总耗电量（152 000 kWh）。"}
    ]
    assert refused.json["message"].startswith("读数有误，均未保存")
    assert _stored(centre) == 0
    shapes = _year(months=range(1, 5))
    shapes[0]["total_kwh"] = 152000.5
    shapes[2]["month"] = "2019-13"
    shapes[3]["month"] = "2019-02"
    refused = officer.post(url, json={"readings": shapes})
    entries = refused.json["entries"]
    assert [e["index"] for e in entries] == [0, 2, 3]
    assert FLOAT_WORDS in entries[0]["message"] and entries[0]["message"].startswith("total_kwh")
    assert entries[1]["message"] == "month：月份格式应为 YYYY-MM。"
    assert entries[2]["message"] == "month：与第 1 条月份重复。"
    assert refused.json["errors"]["readings[2]"] == "month：月份格式应为 YYYY-MM。"
    assert _stored(centre) == 0
    empty = officer.post(url, json={"readings": []})
    assert empty.json["errors"] == {"readings": "至少需要一个月的读数。"}
    assert officer.post(url, json={"rows": []}).json["errors"] == {
        "rows": "未知字段。",
        "readings": "此字段为必填项。",
    }


def test_data_centres_of_province_a_are_not_found_by_province_b(app, world, centre):
    body = {"readings": _year(months=[1])}
    for user in (world.b_officer, world.b_inspector):
        client = as_user(app, user)
        posted = client.post(f"/api/v1/data-centres/{centre.id}/readings", json=body)
        assert posted.status_code == 404
        assert client.get(f"/api/v1/data-centres/{centre.id}/pue").status_code == 404
    ministry = as_user(app, world.ministry_officer)
    assert ministry.get(f"/api/v1/data-centres/{centre.id}/pue").status_code == 200
    refused = ministry.post(f"/api/v1/data-centres/{centre.id}/readings", json=body)
    assert refused.status_code == 403
    assert _stored(centre) == 0


# -- calculators ----------------------------------------------------------------------------


@pytest.fixture
def calc(app, world):
    """Any valid token may use the calculators (a system administrator's too)."""
    return as_user(app, world.a_admin)


def test_calculators_need_a_token(app, national):
    response = app.test_client().post("/api/v1/calc/pue", json={"total_kwh": "1", "it_kwh": "1"})
    assert response.status_code == 401


def test_calc_kgce(calc):
    answer = calc.post("/api/v1/calc/kgce", json={"amount": "1000", "energy_type": "electricity"})
    assert answer.status_code == 200
    assert (answer.json["status"], answer.json["kgce"], answer.json["factor"]) == (
        "determined",
        "122.9",
        "0.1229",
    )
    assert answer.json["basis"] == "GB/T 2589-2020 当量值"
    assert answer.json["reference_version"] == "GB/T 2589-2020（coal_factors r1）"
    measured = calc.post(
        "/api/v1/calc/kgce",
        json={"amount": 29307600, "energy_type": "natural_gas", "measured": "1"},
    ).json
    assert measured["kgce"] == "1000"
    gas = calc.post("/api/v1/calc/kgce", json={"amount": "1", "energy_type": "natural_gas"})
    assert (gas.status_code, gas.json["status"], gas.json["kgce"]) == (200, "missing_data", None)
    assert "需提供实测低位发热量" in gas.json["reason"]
    floats = calc.post("/api/v1/calc/kgce", json={"amount": 1.5, "energy_type": "electricity"})
    assert floats.status_code == 422 and FLOAT_WORDS in floats.json["errors"]["amount"]


@pytest.mark.parametrize(
    ("value", "status", "over"),
    [("-120", "compliant", None), ("-115", "compliant", None), ("-114", "over_limit", "0.87")],
)
def test_calc_quota_sulphuric_acid(calc, value, status, over):
    answer = calc.post(
        "/api/v1/calc/quota", json={"product": "硫磺制酸", "on": "2019-12-31", "value": value}
    ).json
    assert (answer["status"], answer["limit"], answer["over_percent"]) == (status, "-115", over)
    assert (answer["standard"], answer["unit"]) == ("GB 29141-2012", "kgce/t")
    assert answer["reference_version"] == "GB 29141-2012 · 行业目录限定值"
    assert answer["verified"] is True and answer["formula"]


def test_calc_quota_answers_and_refusals(calc):
    url = "/api/v1/calc/quota"
    computed = calc.post(
        url,
        json={"product": "硫磺制酸", "on": "2019-12-31", "output": "0", "energy": {"heat": "1"}},
    ).json
    assert (computed["status"], computed["reason"]) == ("abnormal_data", "产量应大于 0：0")
    nothing = calc.post(url, json={"product": "不存在", "on": "2019-12-31", "value": "1"}).json
    assert nothing["status"] == "no_reference"
    both = calc.post(
        url, json={"product": "硫磺制酸", "on": "2019-12-31", "value": "1", "output": "1"}
    )
    assert both.json["errors"] == {"value": "指标值与 output + energy 只填一种。"}
    bad_date = calc.post(url, json={"product": "硫磺制酸", "on": "2019-02-30", "value": "1"})
    assert bad_date.json["errors"] == {"on": "日期格式应为 YYYY-MM-DD。"}


@pytest.mark.parametrize(
    ("indicator", "tier", "rate", "surcharge"),
    [
        ("13750", "第二档", "0.02", "28000000.00"),
        ("13700", "第一档", "0", "0.00"),  # a boundary value belongs to the lower tier
        ("13801", "第三档", "0.08", "112000000.00"),
    ],
)
def test_calc_ladder_aluminium(calc, indicator, tier, rate, surcharge):
    answer = calc.post(
        "/api/v1/calc/ladder",
        json={
            "sector": "aluminium",
            "indicator_value": indicator,
            "kwh": "1400000000",
            "year": 2020,
        },
    ).json
    assert (answer["status"], answer["tier"], answer["rate"], answer["surcharge"]) == (
        "determined",
        tier,
        rate,
        surcharge,
    )
    assert answer["indicator_year"] == 2019
    assert answer["reference_version"] == "发改价格〔2013〕2530号（2014）· ladder_schedules r1"


def test_calc_ladder_without_kwh_or_indicator(calc):
    tier_only = calc.post(
        "/api/v1/calc/ladder", json={"sector": "aluminium", "indicator_value": 13750, "year": 2020}
    ).json
    assert (tier_only["tier"], tier_only["surcharge"]) == ("第二档", None)
    missing = calc.post("/api/v1/calc/ladder", json={"sector": "aluminium", "year": 2020})
    assert (missing.status_code, missing.json["status"]) == (200, "missing_data")
    assert missing.json["reason"] == "缺少2019 年铝液电解交流电耗"
    sector = calc.post("/api/v1/calc/ladder", json={"sector": "copper", "year": 2020})
    assert sector.status_code == 422 and "sector" in sector.json["errors"]


def test_calc_equipment(calc):
    url = "/api/v1/calc/equipment"
    motor = {"kind": "motor", "model": "YE2-132M-4", "on": "2019-12-31"}
    ok = calc.post(url, json={**motor, "grade": 3}).json
    assert (ok["status"], ok["standard"], ok["clause"]) == (
        "compliant",
        "GB 18613-2012",
        "能效限定值（3级，IE2）",
    )
    assert ok["batch"] is None and "equipment_standards r1" in ok["reference_version"]
    below = calc.post(url, json={**motor, "grade": "4级"}).json
    assert below["status"] == "below_limit"
    assert below["reason"] == "能效等级 4 级，低于 GB 18613-2012 能效限定值（3级，IE2）"
    missing = calc.post(url, json=motor).json
    assert missing["status"] == "missing_data"


def test_calc_pue_single_period(calc):
    url = "/api/v1/calc/pue"
    answer = calc.post(url, json={"total_kwh": "1520000", "it_kwh": 1000000}).json
    assert (answer["status"], answer["pue"]) == ("determined", "1.52")
    assert answer["reason"] == "PUE = 1 520 000 kWh ÷ 1 000 000 kWh = 1.52"
    assert answer["reference_version"] == "GB/T 32910.3-2016"
    zero = calc.post(url, json={"total_kwh": "1520000", "it_kwh": "0"})
    assert (zero.status_code, zero.json["status"], zero.json["pue"]) == (
        200,
        "abnormal_data",
        None,
    )
    assert zero.json["reason"] == "IT 设备耗电量应大于 0：0 kWh"
    assert calc.post(url, json={}).json["errors"] == {
        "total_kwh": "请给出 total_kwh 与 it_kwh，或 monthly。"
    }


def test_calc_pue_annual_against_the_target(calc):
    url = "/api/v1/calc/pue"
    answer = calc.post(url, json={"monthly": _year(), "year": 2019, "large": True}).json
    assert (answer["status"], answer["pue"], answer["year"]) == ("determined", "1.52", 2019)
    assert answer["target"]["status"] == "over_limit"
    assert answer["target"]["reason"].startswith("PUE 1.52 > 目标值 1.4")
    small = calc.post(url, json={"monthly": _year(), "year": 2019, "large": False}).json
    assert small["target"]["status"] == "no_reference"
    gaps = calc.post(url, json={"monthly": _year(months=[1, 2]), "year": 2019}).json
    assert gaps["status"] == "missing_data" and gaps["missing_months"] == list(range(3, 13))
    bad = calc.post(url, json={"monthly": [{"month": "2019/01"}], "year": 2019})
    assert bad.json["errors"] == {"monthly[0]": "month：月份格式应为 YYYY-MM。"}


# -- the document ---------------------------------------------------------------------------

NEW_OPERATIONS = {
    ("/api/v1/cases", "get"),
    ("/api/v1/cases/{case_id}", "get"),
    ("/api/v1/cases/{case_id}/metrics/quota", "post"),
    ("/api/v1/cases/{case_id}/metrics/ladder", "post"),
    ("/api/v1/data-centres/{dc_id}/readings", "post"),
    ("/api/v1/data-centres/{dc_id}/pue", "get"),
    ("/api/v1/calc/kgce", "post"),
    ("/api/v1/calc/quota", "post"),
    ("/api/v1/calc/ladder", "post"),
    ("/api/v1/calc/equipment", "post"),
    ("/api/v1/calc/pue", "post"),
}


def _schema_of(document, path, method, status="200"):
    content = document["paths"][path][method]["responses"][status]["content"]
    ref = content["application/json"]["schema"]["$ref"]
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_new_endpoints_are_documented_with_their_answers(app, world, acid, centre):
    document = app.test_client().get("/api/v1/openapi.json").json
    found = {(p, m) for p, item in document["paths"].items() for m in item}
    assert NEW_OPERATIONS <= found
    quota = document["components"]["schemas"]["QuotaMetrics"]
    assert quota["properties"]["reported_value"]["type"] == ["string", "integer", "null"]
    assert quota["properties"]["energy"]["additionalProperties"]["format"] == "decimal"
    inspector = as_user(app, world.a_inspector)
    verdict = inspector.post(quota_url(acid), json={"product": "硫磺制酸", "reported_value": "1"})
    path = "/api/v1/cases/{case_id}/metrics/quota"
    assert set(verdict.json) == set(_schema_of(document, path, "post")["properties"])
    case = inspector.get(f"/api/v1/cases/{acid.id}").json
    assert set(case) == set(_schema_of(document, "/api/v1/cases/{case_id}", "get")["properties"])
    listed = inspector.get("/api/v1/cases").json["items"][0]
    assert set(listed) == set(document["components"]["schemas"]["CaseSummary"]["properties"])
    pue = as_user(app, world.a_officer).get(f"/api/v1/data-centres/{centre.id}/pue").json
    assert set(pue) == set(
        _schema_of(document, "/api/v1/data-centres/{dc_id}/pue", "get")["properties"]
    )
    calc = as_user(app, world.a_officer)
    bodies = {
        "kgce": {"amount": "1", "energy_type": "electricity"},
        "quota": {"product": "硫磺制酸", "on": "2019-12-31", "value": "1"},
        "ladder": {"sector": "steel", "year": 2020, "indicator_value": "0"},
        "equipment": {"kind": "fan", "model": "X", "on": "2019-12-31"},
        "pue": {"total_kwh": "1", "it_kwh": "1"},
    }
    for name, body in bodies.items():
        answer = calc.post(f"/api/v1/calc/{name}", json=body)
        assert answer.status_code == 200, (name, answer.json)
        assert set(answer.json) == set(
            _schema_of(document, f"/api/v1/calc/{name}", "post")["properties"]
        )
