"""Importing the six sales-record tables (seed 002 附表3-1 … 3-6) for one campaign and unit:
every table, the errors row by row, all or nothing, duplicates within and across files."""

from __future__ import annotations

import csv
import html
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from records_support import (
    DEALER,
    consumer,
    count,
    credit_of,
    csv_bytes,
    header,
    import_file,
    latest_job,
    table_rows,
    upload,
    xlsx,
)
from sqlalchemy import insert, select
from verification_support import sale_row, verification  # noqa: F401

from conftest import login
from supervision.extensions import db
from supervision.imports import passes, service
from supervision.verification.importing import KINDS, MAX_BYTES
from supervision.verification.models import CampaignStatus, ReportStatus
from supervision.verification.record_models import (
    ConsumerSale,
    DealerPurchase,
    OutletStock,
    ProducerStock,
    Production,
    Shipment,
)


@pytest.fixture
def officer(client, verification):
    login(client, verification.world.a_officer.username)
    return client


def page(client, url: str) -> str:
    return html.unescape(client.get(url).get_data(as_text=True))


# -- every table ------------------------------------------------------------------------------

ORG = credit_of("87654321")  # a credit code: stored as the organisation code it embeds


def test_the_kind_names_fit_the_job_column():
    assert sorted(k.name for k in KINDS.values()) == [
        "verification_consumer_sales",
        "verification_dealer_purchases",
        "verification_outlet_stock",
        "verification_producer_stock",
        "verification_production",
        "verification_shipments",
    ]
    assert all(len(k.name) <= 32 for k in KINDS.values())
    assert {k.max_bytes for k in KINDS.values()} == {MAX_BYTES}


@pytest.mark.parametrize(
    ("sales_table", "values", "model", "expected"),
    [
        (
            "producer_stock",
            {
                "manufacturer": "海尔",
                "model": "BCD-1",
                "product_code": "S1",
                "stock_on": date(2012, 8, 31),
            },
            ProducerStock,
            {"stock_on": date(2012, 8, 31)},
        ),
        (
            "outlet_stock",
            {
                "outlet_name": "苏宁",
                "outlet_code": DEALER,
                "invoiced_on": "2012/8/1",
                "supplier_name": "海尔",
                "supplier_code": ORG,
                "model": "BCD-1",
                "product_code": "S2",
                "invoice_no": 12345678,
            },
            OutletStock,
            {
                "invoiced_on": date(2012, 8, 1),
                "supplier_code": "87654321-" + ORG[16],
                "invoice_no": "12345678",
            },
        ),
        (
            "production",
            {
                "manufacturer": "海尔",
                "model": "BCD-1",
                "product_code": "S3",
                "produced_on": "2012年9月3日",
            },
            Production,
            {"produced_on": date(2012, 9, 3)},
        ),
        (
            "shipments",
            {
                "manufacturer": "海尔",
                "model": "BCD-1",
                "product_code": "S4",
                "invoiced_on": datetime(2012, 9, 10),
                "invoice_no": "3200121140 00012345",
                "buyer_name": "苏宁",
                "buyer_code": "12345678-8",
            },
            Shipment,
            {
                "invoiced_on": date(2012, 9, 10),
                "invoice_no": "320012114000012345",
                "buyer_code": DEALER,
            },
        ),
        (
            "dealer_purchases",
            {
                "seller_name": "日日顺",
                "seller_code": ORG,
                "invoiced_on": "2012-09-12",
                "dealer_name": "苏宁",
                "dealer_code": "123456788",
                "model": "BCD-1",
                "quantity": 20,
                "invoice_no": "87654321",
            },
            DealerPurchase,
            {"quantity": 20, "dealer_code": DEALER, "invoiced_on": date(2012, 9, 12)},
        ),
        (
            "consumer_sales",
            consumer(
                1,
                price=2999.5,
                division_code=320102,
                phone=13912345678,
                sold_on=datetime(2013, 1, 31),
            ),
            ConsumerSale,
            {
                "price": Decimal("2999.50"),
                "division_code": "320102",
                "phone": "13912345678",
                "sold_on": date(2013, 1, 31),
                "dealer_code": DEALER,
            },
        ),
    ],
)
def test_each_table_imports(officer, verification, sales_table, values, model, expected):
    job = import_file(officer, verification, sales_table, table_rows(sales_table, [values]))
    row = db.session.scalar(select(model).where(model.import_job_id == job.id))
    a = verification.world.a_province
    assert (row.campaign_id, row.unit_id, row.province_id) == (verification.campaign.id, a.id, a.id)
    # The first data row is row 2 below one header line, row 3 below 附表3-6's two.
    assert row.row_number == (3 if sales_table == "consumer_sales" else 2)
    for key, value in expected.items():
        assert getattr(row, key) == value, key
    assert job.kind == KINDS[sales_table].name and job.province_id == a.id


def test_consumer_rows_get_their_buyer_key(officer, verification):
    from supervision.verification.rules import buyer_key

    rows = [
        consumer(1, id_number="11010519491231002x"),
        consumer(2, consumer_name="南京甲公司", contact="王五", phone="025-84818888"),
        consumer(3, consumer_name="南京乙公司", contact="赵六", id_number=ORG),
    ]
    job = import_file(officer, verification, "consumer_sales", table_rows("consumer_sales", rows))
    keys = db.session.scalars(
        select(ConsumerSale.buyer_key)
        .where(ConsumerSale.import_job_id == job.id)
        .order_by(ConsumerSale.id)
    ).all()
    assert keys == [
        buyer_key(id_number="110105194912310021"[:-1] + "X"),
        buyer_key(name="南京甲公司", phone="02584818888"),  # the organisation, not its buyer
        buyer_key(id_number="87654321" + ORG[16]),
    ]
    stored = db.session.scalar(
        select(ConsumerSale.id_number).where(ConsumerSale.product_code == "IMP00000001")
    )
    assert stored == "11010519491231002X"


# -- errors, row by row -------------------------------------------------------------------------


def test_errors_are_reported_row_by_row_and_nothing_is_imported(app, officer, verification):
    existing = f"P{verification.world.a_province.id:03d}{3:08d}"  # the fixture's 4th sale
    rows = [consumer(n) for n in range(12)]
    rows[1] = consumer(1, sold_on="2013-02-30")
    rows[2] = consumer(2, sold_on="2013-02-01")  # after the period (2012-09-01 … 2013-01-31)
    rows[3] = consumer(3, division_code="990102")
    rows[4] = consumer(4, dealer_code="12345678-9")
    rows[5] = consumer(5, product_code="IMP00000000")  # the first data row's code
    rows[6] = consumer(6, product_code=existing)
    rows[7] = consumer(7, price="2999.999")
    rows[8] = consumer(8, invoice_no="1234567", phone="12345")
    rows[9] = consumer(9, consumer_name="", product_code="IMP 9")
    before = count("consumer_sales")
    upload(
        officer,
        verification,
        "consumer_sales",
        xlsx(header("consumer_sales"), table_rows("consumer_sales", rows)),
    )
    job = latest_job()
    assert job.status == "invalid"
    assert job.message == "文件中有 11 处错误，未导入任何数据。"
    expected = [
        (
            4,
            "产品销售时间",
            "“产品销售时间”不是日期：2013-02-30。请填写如 2013-01-05、2013/1/5 或 2013年1月5日 的日期。",
        ),
        (
            5,
            "产品销售时间",
            "产品销售时间 2013-02-01 不在本次核查的销售期间（2012-09-01 至 2013-01-31）。",
        ),
        (6, "行政区划代码", "行政区划代码应为 6 位数字，且前两位为省级行政区划代码：990102。"),
        (
            7,
            "终端销售商组织机构代码",
            "“终端销售商组织机构代码”不是有效的组织机构代码或统一社会信用代码：12345678-9。",
        ),
        (8, "产品唯一编码", "产品唯一编码 IMP00000000 与第 3 行重复。"),
        (9, "产品唯一编码", f"产品唯一编码 {existing} 已在本单位的记录中。"),
        (10, "销售价格（元）", "“销售价格（元）”应为不小于 0、最多两位小数的金额：2999.999。"),
        (11, "联系电话", "“联系电话”应至少有 7 位数字。"),
        (11, "发票号", "“发票号”应为 8 至 20 位数字：1234567。"),
        (12, "消费者名称", "请填写“消费者名称”。"),
        (12, "产品唯一编码", "产品唯一编码不能为空或含空格，且不超过 64 个字符。"),
    ]
    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == expected
    assert count("consumer_sales") == before
    report = officer.get(f"/imports/{job.id}/errors.csv")
    lines = list(csv.reader(io.StringIO(report.data.decode("utf-8-sig"))))
    assert lines[0] == ["行号", "列", "错误原因"]
    assert [(int(r), c, m) for r, c, m in lines[1:]] == expected
    shown = page(officer, f"/imports/{job.id}")
    assert "文件中有 11 处错误" in shown and "重新上传" in shown
    assert f"campaign={verification.campaign.id}" in shown  # "upload again" keeps the unit


@pytest.mark.parametrize(
    ("sold_on", "ok"),
    [("2012-09-01", True), ("2013-01-31", True), ("2012-08-31", False), ("2013-02-01", False)],
)
def test_consumer_sales_lie_within_the_sales_period(officer, verification, sold_on, ok):
    rows = table_rows("consumer_sales", [consumer(1, sold_on=sold_on)])
    upload(officer, verification, "consumer_sales", xlsx(header("consumer_sales"), rows))
    assert (latest_job().status == "valid") is ok


@pytest.mark.parametrize(
    ("day", "ok"), [("2012-01-01", True), ("2013-01-31", True), ("2013-02-01", False)]
)
def test_shipments_may_precede_the_period_but_not_follow_it(officer, verification, day, ok):
    values = {
        "manufacturer": "海尔",
        "model": "BCD-1",
        "product_code": "S1",
        "invoiced_on": day,
        "invoice_no": "12345678",
        "buyer_name": "苏宁",
        "buyer_code": DEALER,
    }
    upload(
        officer,
        verification,
        "shipments",
        xlsx(header("shipments"), table_rows("shipments", [values])),
    )
    job = latest_job()
    assert (job.status == "valid") is ok
    if not ok:
        assert (
            job.errors[0]["message"]
            == "开票时间 2013-02-01 晚于本次核查的销售期间（截至 2013-01-31）。"
        )


def test_dealer_purchase_quantities_are_whole_numbers(officer, verification):
    values = {
        "seller_name": "日日顺",
        "seller_code": DEALER,
        "invoiced_on": "2012-09-12",
        "dealer_name": "苏宁",
        "dealer_code": DEALER,
        "model": "BCD-1",
        "quantity": "2.5",
        "invoice_no": "87654321",
    }
    rows = table_rows("dealer_purchases", [values, {**values, "quantity": "0"}])
    upload(officer, verification, "dealer_purchases", xlsx(header("dealer_purchases"), rows))
    assert [(e["row"], e["message"]) for e in latest_job().errors] == [
        (2, "“进货数量”应为不小于 1 的整数：2.5。"),
        (3, "“进货数量”应为不小于 1 的整数：0。"),
    ]


def test_one_bad_row_among_many_imports_nothing(officer, verification):
    rows = [consumer(n) for n in range(300)]
    rows[250] = consumer(250, sold_on="明天")
    before = count("consumer_sales")
    upload(
        officer,
        verification,
        "consumer_sales",
        xlsx(header("consumer_sales"), table_rows("consumer_sales", rows)),
    )
    job = latest_job()
    assert job.status == "invalid" and job.error_count == 1 and job.errors[0]["row"] == 253
    assert count("consumer_sales") == before


def test_a_missing_column_refuses_the_file(officer, verification):
    lines = [
        line[:-2] for line in header("consumer_sales")
    ]  # without 终端销售商组织机构代码, 证件号码
    rows = [r[:-2] for r in table_rows("consumer_sales", [consumer(1)])]
    upload(officer, verification, "consumer_sales", xlsx(lines, rows))
    job = latest_job()
    assert job.message == "表头有误，整个文件未导入。"
    assert job.errors[0]["message"] == "缺少必填列“终端销售商组织机构代码”。"


def test_optional_columns_may_be_left_out(officer, verification):
    keep = [
        i
        for i, h in enumerate(header("consumer_sales")[1])
        if h not in ("联系人", "行政区划名称", "证件号码")
    ]
    lines = [[line[i] for i in keep] for line in header("consumer_sales")]
    rows = [[r[i] for i in keep] for r in table_rows("consumer_sales", [consumer(1)])]
    job = None
    upload(officer, verification, "consumer_sales", xlsx(lines, rows))
    job = latest_job()
    assert job.status == "valid", job.errors


# -- duplicates across files --------------------------------------------------------------------


def test_a_code_imported_by_an_earlier_file_names_that_file(officer, verification):
    first = import_file(
        officer,
        verification,
        "consumer_sales",
        table_rows("consumer_sales", [consumer(n) for n in range(5)]),
        name="十月.xlsx",
    )
    rows = table_rows("consumer_sales", [consumer(n) for n in range(4, 8)])
    upload(
        officer,
        verification,
        "consumer_sales",
        xlsx(header("consumer_sales"), rows),
        name="十一月.xlsx",
    )
    job = latest_job()
    assert [(e["row"], e["message"]) for e in job.errors] == [
        (3, f"产品唯一编码 IMP00000004 已由导入任务 #{first.id}（十月.xlsx）导入。")
    ]


def test_a_code_of_another_unit_in_the_campaign_is_a_duplicate(officer, verification):
    b = verification.world.b_province
    db.session.execute(
        insert(ConsumerSale), [sale_row(verification.campaign, b, 1, product_code="IMP00000002")]
    )
    db.session.commit()
    rows = table_rows("consumer_sales", [consumer(n) for n in range(3)])
    upload(officer, verification, "consumer_sales", xlsx(header("consumer_sales"), rows))
    assert [(e["row"], e["message"]) for e in latest_job().errors] == [
        (5, "产品唯一编码 IMP00000002 已在本次核查中由浙江省导入。")
    ]


def test_the_same_code_in_another_table_is_no_duplicate(officer, verification):
    import_file(
        officer, verification, "consumer_sales", table_rows("consumer_sales", [consumer(1)])
    )
    values = {
        "manufacturer": "海尔",
        "model": "BCD-1",
        "product_code": "IMP00000001",
        "produced_on": "2012-09-03",
    }
    import_file(officer, verification, "production", table_rows("production", [values]))


def test_duplicates_are_found_across_batches_and_codes_with_quotes_are_safe(
    officer, verification, monkeypatch
):
    monkeypatch.setattr(passes, "BATCH_SIZE", 7)
    code = "O'B\\1%"
    first = import_file(
        officer,
        verification,
        "consumer_sales",
        table_rows("consumer_sales", [consumer(1, product_code=code)]),
    )
    rows = [consumer(n) for n in range(20)]
    rows[15] = consumer(15, product_code=code)
    rows[18] = consumer(18, product_code="IMP00000003")
    upload(
        officer,
        verification,
        "consumer_sales",
        xlsx(header("consumer_sales"), table_rows("consumer_sales", rows)),
    )
    assert [(e["row"], e["message"]) for e in latest_job().errors] == [
        (18, f"产品唯一编码 {code} 已由导入任务 #{first.id}（consumer_sales.xlsx）导入。"),
        (21, "产品唯一编码 IMP00000003 与第 6 行重复。"),
    ]


def test_a_duplicate_added_before_confirmation_stops_the_import(officer, verification):
    rows = table_rows("consumer_sales", [consumer(n) for n in range(10)])
    upload(officer, verification, "consumer_sales", xlsx(header("consumer_sales"), rows))
    job = latest_job()
    assert job.status == "valid"
    b = verification.world.b_province
    db.session.execute(
        insert(ConsumerSale), [sale_row(verification.campaign, b, 1, product_code="IMP00000007")]
    )
    db.session.commit()
    before = count("consumer_sales")
    officer.post(f"/imports/{job.id}/confirm")
    job = latest_job()
    assert job.status == "invalid" and job.errors[0]["row"] == 10
    assert count("consumer_sales") == before


# -- formats --------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_with_the_two_header_lines(officer, verification, encoding):
    rows = table_rows("consumer_sales", [consumer(n, consumer_name=f"镕{n}") for n in range(3)])
    job = import_file(officer, verification, "consumer_sales", rows, fmt="csv", encoding=encoding)
    assert job.params["encoding"] == encoding
    names = db.session.scalars(
        select(ConsumerSale.consumer_name).where(ConsumerSale.import_job_id == job.id)
    ).all()
    assert sorted(names) == ["镕0", "镕1", "镕2"]


def test_csv_with_an_empty_group_line_and_no_number_column(officer, verification):
    names = header("consumer_sales", numbered=False)[1]
    rows = table_rows("consumer_sales", [consumer(1)], numbered=False)
    upload(officer, verification, "consumer_sales", csv_bytes([[], names], rows), name="x.csv")
    assert latest_job().status == "valid", latest_job().errors


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_lower_header_line_alone_will_do(officer, verification, fmt):
    """Files exported by other systems drop the group line (消费者信息 / 销售信息 …): the
    column names alone are the header, and the first data row stays a data row."""
    names = header("consumer_sales")[1]
    rows = table_rows("consumer_sales", [consumer(n) for n in range(3)])
    content = csv_bytes([names], rows) if fmt == "csv" else xlsx([names], rows)
    upload(officer, verification, "consumer_sales", content, name=f"一行表头.{fmt}")
    job = latest_job()
    assert job.status == "valid", job.errors
    assert job.summary["rows"] == 3


def test_the_blank_template_filled_in_imports(app, officer, verification):
    from openpyxl import load_workbook

    response = officer.get("/verification/record-templates/consumer_sales.xlsx")
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook.worksheets[0]
    sheet.append([1, *consumer(1).values()])
    sheet.append([2, *consumer(2).values()])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload(officer, verification, "consumer_sales", buffer.getvalue(), name="模板.xlsx")
    job = latest_job()
    assert job.status == "valid", job.errors
    assert job.summary["rows"] == 2


# -- who may import what --------------------------------------------------------------------------


def test_a_province_imports_for_its_own_units_only(client, verification):
    login(client, verification.world.b_officer.username)
    upload(
        client,
        verification,
        "consumer_sales",
        xlsx(header("consumer_sales"), table_rows("consumer_sales", [consumer(1)])),
    )
    job = latest_job()
    assert job.status == "invalid" and job.province_id == verification.world.b_province.id
    assert job.message.startswith("找不到要导入销售记录的核查工作或核查单位")
    assert count("consumer_sales", import_job_id=job.id) == 0


def test_without_campaign_and_unit_the_upload_is_refused(officer, verification):
    officer.post(
        "/imports/new/verification_consumer_sales",
        data={
            "file": (
                io.BytesIO(
                    xlsx(header("consumer_sales"), table_rows("consumer_sales", [consumer(1)]))
                ),
                "x.xlsx",
            )
        },
        content_type="multipart/form-data",
    )
    assert latest_job().message.startswith("找不到要导入销售记录的核查工作或核查单位")


def test_inspectors_and_the_ministry_do_not_import(client, verification):
    for user in (verification.world.a_inspector, verification.world.ministry_officer):
        login(client, user.username)
        assert client.get("/imports/new/verification_consumer_sales").status_code == 403


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("closed", "该核查工作未下达或已结束，不能导入销售记录。"),
        ("submitted", "本单位的核查结果已上报，不能再导入销售记录。"),
    ],
)
def test_no_import_into_a_closed_campaign_or_a_submitted_report(
    officer, verification, change, message
):
    if change == "closed":
        verification.campaign.status = CampaignStatus.CLOSED
    else:
        verification.report.status = ReportStatus.SUBMITTED
    db.session.commit()
    upload(
        officer,
        verification,
        "consumer_sales",
        xlsx(header("consumer_sales"), table_rows("consumer_sales", [consumer(1)])),
    )
    assert latest_job().message == message


def test_the_preview_masks_personal_data(officer, verification):
    rows = [
        consumer(1, id_number="11010519491231002X"),
        consumer(2, consumer_name="南京甲公司", contact="王五"),
    ]
    upload(
        officer,
        verification,
        "consumer_sales",
        xlsx(header("consumer_sales"), table_rows("consumer_sales", rows)),
    )
    preview = latest_job().summary["preview"]
    assert preview[0][:4] == ["张*", "", "139****0001", "南京市玄武区****"]
    assert preview[0][-1] == "110105********002X"
    assert preview[1][:3] == ["南京甲公司", "王*", "139****0002"]
    shown = page(officer, f"/imports/{latest_job().id}")
    assert "13900000001" not in shown and "北京东路1号" not in shown


def test_big_uploads_are_allowed_for_sales_records_only(app, verification):
    from supervision.imports.service import kind_of, upload_limit

    app.config["IMPORTS_MAX_BYTES"] = 1000
    try:
        assert upload_limit(KINDS["consumer_sales"]) == 400 * 1024 * 1024
        assert upload_limit(kind_of("enterprises")) == 1000
        content = csv_bytes(
            header("consumer_sales"), table_rows("consumer_sales", [consumer(n) for n in range(30)])
        )
        assert len(content) > 1000
        job = service.create_job(
            KINDS["consumer_sales"],
            io.BytesIO(content),
            "big.csv",
            province=verification.world.a_province,
            user=None,
            params={"campaign": verification.campaign.id, "unit": verification.world.a_province.id},
        )
        db.session.commit()
        assert job.status == "uploaded"
    finally:
        del app.config["IMPORTS_MAX_BYTES"]


def test_an_invalid_id_number_is_an_error_not_a_silent_name_key(officer, verification):
    rows = table_rows(
        "consumer_sales",
        [consumer(1, id_number="110105194912310021"), consumer(2, id_number="12345678-8")],
    )
    upload(officer, verification, "consumer_sales", xlsx(header("consumer_sales"), rows))
    assert [(e["row"], e["column"], e["message"]) for e in latest_job().errors] == [
        (3, "证件号码", "“证件号码”不是有效的居民身份证号码、组织机构代码或统一社会信用代码。")
    ]
