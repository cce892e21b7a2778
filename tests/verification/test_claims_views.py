"""Subsidy claim checks, pages: products with their eligibility, a claim typed and pasted,
differences in red beside the declared figures, and who may see and change what."""

from __future__ import annotations

import html
import re
from decimal import Decimal as D

from sqlalchemy import select
from verification_support import MANUFACTURER, Verification, verification  # noqa: F401

import supervision.verification.claim_views  # noqa: F401  (registered by the blueprint)
from conftest import World, login
from supervision.extensions import db
from supervision.verification.check_models import SubsidyClaim, SubsidyProduct


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def unit_url(v: Verification, page: str, province=None) -> str:
    province = province or v.world.a_province
    return f"/verification/{v.campaign.id}/units/{province.id}/{page}"


PRODUCT = {
    "manufacturer": MANUFACTURER,
    "category": "fridge",
    "brand": "海尔",
    "model": "BCD-318WS",
    "energy_grade": "1",
    "fridge_kind": "BCD",
    "volume_l": "318",
    "efficiency_index": "38",
    "discrete_gpus": "0",
}


def header(**values) -> dict:
    data = {
        "manufacturer": MANUFACTURER,
        "category": "fridge",
        "year": "2012",
        "month": "10",
        "received_on": "2012-11-09",
        "opening_stock": "100",
        "production": "500",
        "shipments": "450",
        "closing_stock": "150",
        "units_promoted": "30",
        "amount_wan": "1.2000",
    }
    data.update(values)
    return data


def grid_line(n: int, model, standard, units, amount, opening="", closing="") -> dict:
    values = {
        "model": model,
        "standard_yuan": standard,
        "units": units,
        "amount_wan": amount,
        "opening_stock": opening,
        "closing_stock": closing,
        "brand": "海尔",
    }
    return {f"lines-{n}-{k}": v for k, v in values.items()}


def test_products_page_shows_each_model_with_its_verdict(client, verification: Verification):
    v = verification
    login(client, v.world.a_officer.username)
    page = text(client.get(unit_url(v, "products")))
    assert "BCD-216SDN" in page and "符合推广条件" in page
    assert "V ≤ 240 L：260 元/台" in page
    assert "待核实" in page  # the fridge bands' boundaries are unverified
    assert "subsidy_fridge_bands r1" in page
    assert f"/verification/products/{v.product.id}/edit" in page


def test_a_product_is_registered_and_its_eligibility_shown(client, verification: Verification):
    v = verification
    login(client, v.world.a_officer.username)
    assert client.get(unit_url(v, "products/new")).status_code == 200
    response = client.post(unit_url(v, "products/new"), data=PRODUCT)
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "已保存 BCD-318WS：符合推广条件，补贴 400 元/台。" in page
    product = db.session.scalar(select(SubsidyProduct).where(SubsidyProduct.model == "BCD-318WS"))
    assert product.volume_l == D("318.0") and product.unit_id == v.world.a_province.id
    # A desktop with a 751 W supply is saved, and shown as not subsidised, with the reason.
    desktop = {
        **PRODUCT,
        "category": "desktop",
        "model": "T-751",
        "psu_watts": "751",
        "discrete_gpus": "1",
    }
    response = client.post(unit_url(v, "products/new"), data=desktop, follow_redirects=True)
    page = text(response)
    assert "已保存 T-751：不予补贴。电源额定功率 751 W，大于 750 W 的不在推广范围。" in page


def test_a_product_form_error_is_shown_beside_its_field(client, verification: Verification):
    v = verification
    login(client, v.world.a_officer.username)
    response = client.post(unit_url(v, "products/new"), data={**PRODUCT, "volume_l": "两百"})
    assert response.status_code == 422
    assert "请输入数字" in text(response)
    duplicate = {**PRODUCT, "manufacturer": v.product.manufacturer, "model": v.product.model}
    response = client.post(unit_url(v, "products/new"), data=duplicate)
    assert response.status_code == 422 and "本次核查中该生产企业的这一型号已登记。" in text(
        response
    )


def test_a_product_is_edited(client, verification: Verification):
    v = verification
    login(client, v.world.a_officer.username)
    url = f"/verification/products/{v.product.id}/edit"
    page = text(client.get(url))
    assert 'value="216.0"' in page and "当前核定结论" in page
    data = {
        **PRODUCT,
        "manufacturer": v.product.manufacturer,
        "model": v.product.model,
        "volume_l": "216",
        "efficiency_index": "33",
    }
    response = client.post(url, data=data, follow_redirects=True)
    assert "能效指数 33% 不满足要求（BCD、BCDW，V ≤ 300 L：≤ 32%）" in text(response)
    db.session.refresh(v.product)
    assert v.product.efficiency_index == D("33.00")


def test_a_claim_typed_and_pasted_is_checked_and_differences_flagged(
    client, verification: Verification
):
    v = verification
    login(client, v.world.a_officer.username)
    client.post(unit_url(v, "products/new"), data=PRODUCT)
    client.post(unit_url(v, "products/new"), data={**PRODUCT, "model": "BCD-216SDN", "volume_l": "216", "efficiency_index": "30"})  # fmt: skip
    form = text(client.get(unit_url(v, "claims/new")))
    assert "lines-9-model" in form and "从表格粘贴明细" in form
    data = header()
    data.update(grid_line(0, "BCD-216SDN", "260", "20", "0.5200", "60", "90"))
    # Pasted from Excel: 附表2 with its header, category column, thousands separators, 合计.
    data["pasted"] = (
        "产品类别\t补贴标准（元/台）\t品牌\t规格型号\t月初库存(台)\t月末库存(台)\t本月推广数量（台）\t申请补贴金额（万元）\n"
        "冰箱\t260\t海尔\tBCD-318WS\t40\t60\t10\t0.2600\n"
        "\t合计\t\t\t100\t150\t30\t0.7800\n"
    )  # fmt: skip
    response = client.post(unit_url(v, "claims/new"), data=data)
    assert response.status_code == 302, text(response)[:3000]
    claim = db.session.scalar(select(SubsidyClaim).where(SubsidyClaim.manufacturer == MANUFACTURER))
    assert [(line.model, line.units) for line in claim.lines] == [
        ("BCD-216SDN", 20),
        ("BCD-318WS", 10),
    ]
    page = text(client.get(response.headers["Location"]))
    assert "已核查：发现 4 处差异。" in page
    # Declared 1.2 万元 but the lines add up to 0.78; the rules allow 0.52 + 0.40 = 0.92.
    assert "明细表申请补贴金额合计 0.78 万元，与汇总表的 1.2 万元不一致。" in page
    assert "按推广实施细则核定的补贴金额为 0.92 万元，申请 1.2 万元。" in page
    assert "明细第 2 行（BCD-318WS）的补贴标准应为 400 元/台，申报为 260 元/台。" in page
    cell = re.search(r'<td[^>]*data-field="lines\.2\.standard_yuan">(.*?)</td>', page, re.S).group(
        1
    )
    assert "text-danger" in cell and "260.00" in cell and "核定：400" in cell
    assert 'class="text-end table-danger" data-field="amount_wan"' in page
    amount = re.search(r'<td[^>]*data-field="amount_wan">(.*?)</td>', page, re.S).group(1)
    assert "1.2000" in amount and "明细合计：0.7800" in amount
    assert "0.9200" in page  # the amount allowed, beside the one declared
    assert "消费者（终端用户）销售信息 20 条，与申报的推广数量 30 台不一致。" in page
    listing = text(client.get(unit_url(v, "claims")))
    assert "4 处差异" in listing and "2012-11-10" in listing


def test_line_and_paste_errors_keep_the_form(client, verification: Verification):
    v = verification
    login(client, v.world.a_officer.username)
    data = header()
    data.update(grid_line(0, "BCD-216SDN", "", "20", "0.52"))
    data["pasted"] = "260\t海尔\tBCD-1\t1\t2\n"
    response = client.post(unit_url(v, "claims/new"), data=data)
    assert response.status_code == 422
    page = text(response)
    assert "必填" in page
    assert "粘贴的第 1 行应有 7 列（或含产品类别 8 列），实有 5 列。" in page
    assert (
        db.session.scalar(select(SubsidyClaim).where(SubsidyClaim.manufacturer == MANUFACTURER))
        is None
    )


def test_a_late_claim_and_a_recheck(client, verification: Verification):
    v = verification
    login(client, v.world.a_officer.username)
    page = text(client.get(f"/verification/claims/{v.claim.id}"))
    assert "报送期限：2012-11-10" in page and "逾期报送" not in page
    assert "尚未核查。" in page
    response = client.post(f"/verification/claims/{v.claim.id}/recheck")
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "已核查：申报数据与核定结果一致。" in page
    assert "参考数据：subsidy_programmes r1 · subsidy_fridge_bands r1" in page
    assert "含待核实的参考值" in page
    db.session.refresh(v.claim)
    assert v.claim.checked_at is not None and v.claim.differences == []


def test_who_sees_and_who_changes(client, verification: Verification):
    v, w = verification, verification.world
    claim_url = f"/verification/claims/{v.claim.id}"
    edit_url = f"/verification/products/{v.product.id}/edit"
    # Province B sees none of A's claim checks, and cannot change them.
    login(client, w.b_officer.username)
    for url in (
        claim_url,
        edit_url,
        unit_url(v, "products"),
        unit_url(v, "claims"),
        unit_url(v, "claims/new"),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{claim_url}/recheck").status_code == 404
    assert client.post(unit_url(v, "claims/new"), data=header()).status_code == 404
    assert client.get(unit_url(v, "claims", w.b_province)).status_code == 200
    assert World.MARKER not in text(client.get(unit_url(v, "products", w.b_province)))
    # A's inspector (on A's end-user task) reads, but does not change.
    login(client, w.a_inspector.username)
    assert World.MARKER in text(client.get(claim_url))
    assert client.get(unit_url(v, "products")).status_code == 200
    assert client.get(unit_url(v, "claims/new")).status_code == 403
    assert client.post(f"{claim_url}/recheck").status_code == 403
    # The ministry reads every unit's claims; running the checks is the provinces' work.
    login(client, w.ministry_officer.username)
    assert client.get(claim_url).status_code == 200
    assert client.get(edit_url).status_code == 403
    # B's inspector, with no task in A, gets nothing.
    login(client, w.b_inspector.username)
    assert client.get(claim_url).status_code == 404


def test_the_subsidy_tables_are_reference_data_with_their_doubts(client, verification):
    login(client, verification.world.a_inspector.username)
    index = text(client.get("/reference/"))
    for title in ("高效节能电冰箱补贴标准", "高效节能电冰箱能效指数要求", "高效节能台式机推广范围"):
        assert title in index
    page = text(client.get("/reference/subsidy_fridge_bands"))
    assert "待核实" in page and "BC/BD" in page and "原文的 ≤、> 符号缺失" in page
    assert client.get("/reference/subsidy_desktop_scope").status_code == 200
    assert "260" in text(client.get("/reference/subsidy_programmes"))
