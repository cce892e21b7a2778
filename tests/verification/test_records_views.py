"""The records pages: counts, one table page by page with filters, personal data masked except
for the unit's checkers (clear views audited), links to import, the blank templates."""

from __future__ import annotations

import html
import io

import pytest
from openpyxl import load_workbook
from records_support import consumer, header, latest_job, table_rows, upload, xlsx
from sqlalchemy import func, select
from verification_support import verification  # noqa: F401

from conftest import World, login
from supervision.core.models import AuditEntry
from supervision.extensions import db
from supervision.verification.import_columns import TABLES


def url(made, unit=None, **args) -> str:
    unit = unit or made.world.a_province
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/verification/{made.campaign.id}/units/{unit.id}/records" + (
        f"?{query}" if query else ""
    )


def page(client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


def audits() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "view_personal_data")
    )


def test_counts_and_the_consumer_sales_masked_for_an_officer_not_doing_the_checks(
    client, verification
):
    login(client, verification.world.a_officer.username)
    before = audits()
    shown = page(client, url(verification))
    assert 'data-count="consumer_sales">20<' in shown
    assert 'data-count="shipments">0<' in shown
    assert "附表3-6 消费者（终端用户）销售及安装/配送信息汇总表" in shown
    assert f"{World.MARKER}0" not in shown  # private buyers' names masked
    assert "甲" + "*" * (len(World.MARKER)) in shown
    assert "138****0000" in shown and "13800000000" not in shown
    assert "南京市玄武区****" in shown and "中山路" not in shown
    assert "只有本单位核查任务的承担人员可以查看完整信息" in shown
    assert page(client, url(verification, clear=1)).count("138****0000") == 1  # no clear view
    assert audits() == before
    # Links: import each table for this unit, and the blank templates.
    a = verification.world.a_province
    for t in TABLES.values():
        assert (
            f"/imports/new/{t.kind}?campaign={verification.campaign.id}&amp;unit={a.id}"
            in client.get(url(verification)).get_data(as_text=True)
        )
        assert f"/verification/record-templates/{t.key}.xlsx" in shown


def test_the_assigned_inspector_sees_personal_data_in_clear_on_request_audited(
    client, verification
):
    login(client, verification.world.a_inspector.username)
    before = audits()
    masked = page(client, url(verification))
    assert "13800000000" not in masked and "显示完整个人信息（将记入操作日志）" in masked
    assert "/imports/new/" not in masked  # inspectors check, they do not import
    assert audits() == before
    shown = page(client, url(verification, clear=1))
    assert (
        "13800000000" in shown and f"{World.MARKER}0" in shown and "南京市玄武区中山路0号" in shown
    )
    assert "本次查看已记入操作日志" in shown
    entry = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "view_personal_data")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert audits() == before + 1
    assert entry.actor_id == verification.world.a_inspector.id
    assert entry.entity == "verification_consumer_sales"
    assert entry.entity_id == f"{verification.campaign.id}/{verification.world.a_province.id}"
    assert entry.changes == {"view": [None, "sales_records"], "rows": [None, 20]}
    assert entry.scope_org_id == verification.world.a_province.id


def test_other_tables_have_no_personal_data_to_mask(client, verification):
    login(client, verification.world.a_officer.username)
    values = {
        "manufacturer": "海尔",
        "model": "BCD-1",
        "product_code": "S1",
        "produced_on": "2012-09-03",
    }
    upload(
        client,
        verification,
        "production",
        xlsx(header("production"), table_rows("production", [values])),
    )
    client.post(f"/imports/{latest_job().id}/confirm")
    shown = page(client, url(verification, sales_table="production"))
    assert 'data-count="production">1<' in shown
    assert "2012-09-03" in shown and ">S1<" in shown
    assert "个人信息" not in shown


def test_filters_by_manufacturer_model_and_product_code(client, verification):
    login(client, verification.world.a_officer.username)
    rows = [
        consumer(1, manufacturer="合肥美菱股份有限公司", model="BCD-206L3CT"),
        consumer(2),
        consumer(3),
    ]
    upload(
        client,
        verification,
        "consumer_sales",
        xlsx(header("consumer_sales"), table_rows("consumer_sales", rows)),
    )
    client.post(f"/imports/{latest_job().id}/confirm")
    shown = page(client, url(verification, manufacturer="合肥美菱股份有限公司"))
    assert "共 1 条" in shown and "IMP00000001" in shown
    shown = page(client, url(verification, model="BCD-216SDN"))
    assert "共 22 条" in shown  # the fixture's 20 and two of the file
    shown = page(client, url(verification, q="IMP0000000"))
    assert "共 3 条" in shown
    shown = page(client, url(verification, q="imp%"))
    assert "共 0 条" in shown and "没有符合条件的记录。" in shown
    assert '<option value="BCD-206L3CT">BCD-206L3CT</option>' in shown
    # The table's latest imports, linked to their jobs.
    assert f'href="/imports/{latest_job().id}"' in shown


def test_sorted_by_date_and_paged(client, verification):
    login(client, verification.world.a_officer.username)
    shown = page(client, url(verification, sort="-date"))
    assert "共 20 条" in shown


def test_another_province_and_unknown_tables_are_not_found(client, app, verification):
    login(client, verification.world.b_officer.username)
    assert client.get(url(verification)).status_code == 404
    assert client.get(url(verification, unit=verification.world.b_province)).status_code == 200
    login(client, verification.world.a_officer.username)
    assert client.get(url(verification, sales_table="nothing")).status_code == 404
    assert client.get(url(verification, unit=verification.world.a_agency)).status_code == 404


def test_the_ministry_reads_every_unit_masked(client, verification):
    login(client, verification.world.ministry_officer.username)
    shown = page(client, url(verification, clear=1))
    assert "138****0000" in shown and "13800000000" not in shown
    assert "/imports/new/" not in shown


@pytest.mark.parametrize("sales_table", list(TABLES))
def test_blank_templates_carry_the_seed_headers(client, verification, sales_table):
    login(client, verification.world.a_inspector.username)
    response = client.get(f"/verification/record-templates/{sales_table}.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    table = TABLES[sales_table]
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    rows = [[c.value or "" for c in row] for row in sheet.iter_rows(max_row=table.header_rows)]
    expected = header(sales_table)
    if table.header_rows == 2:
        expected[1][0] = ""  # 序号 is one cell merged over both lines
    assert rows == expected
    assert sheet.title == table.annex
    if sales_table == "consumer_sales":
        assert sorted(str(r) for r in sheet.merged_cells.ranges) == [
            "A1:A2",
            "B1:G1",
            "H1:M1",
            "N1:O1",
        ]
        assert rows[1][1:15] == [
            "消费者名称", "联系人", "联系电话", "详细地址", "行政区划代码", "行政区划名称", "生产企业名称",
            "规格型号", "产品唯一编码", "销售价格（元）", "产品销售时间", "发票号", "终端销售商名称",
            "终端销售商组织机构代码",
        ]  # fmt: skip
    assert client.get("/verification/record-templates/nothing.xlsx").status_code == 404


def test_the_import_pages_link_back_to_the_records(client, verification):
    login(client, verification.world.a_officer.username)
    a = verification.world.a_province
    records = (
        f"/verification/{verification.campaign.id}/units/{a.id}/records?sales_table=consumer_sales"
    )
    shown = page(
        client,
        f"/imports/new/verification_consumer_sales?campaign={verification.campaign.id}&unit={a.id}",
    )
    assert f'href="{records}"'.replace("&", "&amp;") in client.get(
        f"/imports/new/verification_consumer_sales?campaign={verification.campaign.id}&unit={a.id}"
    ).get_data(as_text=True)
    assert "/verification/record-templates/consumer_sales.xlsx" in shown
    assert "附表3-6" in shown and "证件号码" in shown
    upload(
        client,
        verification,
        "consumer_sales",
        xlsx(header("consumer_sales"), table_rows("consumer_sales", [consumer(1)])),
    )
    job = latest_job()
    client.post(f"/imports/{job.id}/confirm")
    done = client.get(f"/imports/{job.id}").get_data(as_text=True)
    assert records.replace("&", "&amp;") in done and "查看消费者销售记录" in done
