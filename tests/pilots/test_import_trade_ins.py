"""The pilot's trade-ins from a file (import kind "pilot_trade_ins"): every row checked as the
entry form checks one, codes repeated in the file or already registered refuse the whole file
with the rows named, a sent month refuses its rows, and only the pilot's officers import."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
from daily_support import city_officers, id_number  # noqa: F401
from pilots.pilots_support import piloted  # noqa: F401
from sqlalchemy import func, select

from conftest import login
from supervision.extensions import db
from supervision.imports.models import ImportJob
from supervision.pilots.daily_models import TradeIn
from supervision.pilots.importing import COLUMNS

HEADERS = ["序号", *(c.header for c in COLUMNS)]


def row(made, n: int, **overrides) -> list:
    values = {
        "outlet": made.outlet.name,
        "traded_on": date(2014, 11, 3 + n % 25),
        "old_part_model": "WD615.87",
        "old_part_number": f"JX{n:06d}",
        "residual_yuan": 3000,
        "consumer_name": f"李{n}",
        "id_number": id_number(n),
        "phone": f"1380000{n:04d}",
        "product_class": "发动机",
        "product_model": "WD615.87R",
        "product_code": f"F014011{n:04d}",
        "price_yuan": 38000,
        "subsidy_yuan": "4,000.00",
        "invoice_no": f"{45000000 + n}",
    }
    values.update(overrides)
    return [n, *(values[c.key] for c in COLUMNS)]


def workbook(rows: list[list], headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for line in rows:
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, pilot_id, content: bytes, name: str = "以旧换再交易.xlsx"):
    return client.post(
        f"/imports/new/pilot_trade_ins?pilot={pilot_id}",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def latest_job() -> ImportJob:
    db.session.expire_all()
    return db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc())).first()


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(TradeIn))


def test_a_month_of_records_is_imported_after_its_masked_preview(client, piloted):
    made = piloted
    login(client, made.world.a_officer.username)
    page = client.get(f"/imports/new/pilot_trade_ins?pilot={made.pilot.id}").get_data(as_text=True)
    assert f"/pilots/enterprises/{made.pilot.id}/trade-ins/template.xlsx" in page
    assert (
        upload(client, made.pilot.id, workbook([row(made, n) for n in range(1, 21)])).status_code
        == 302
    )
    job = latest_job()
    assert job.status == "valid", job.errors
    assert job.params["pilot"] == made.pilot.id and job.province_id == made.world.a_province.id
    preview = client.get(f"/imports/{job.id}").get_data(as_text=True)
    assert "F0140110001" in preview and "李*" in preview and "138****0001" in preview
    assert id_number(1) not in preview
    assert client.post(f"/imports/{job.id}/confirm").status_code == 302
    job = latest_job()
    assert job.status == "done" and job.summary["imported"] == 20
    assert count() == 23
    first = db.session.scalars(select(TradeIn).where(TradeIn.product_code == "F0140110001")).one()
    assert first.import_job_id == job.id and first.row_number == 2
    assert first.subsidy_yuan == 4000 and first.entered_by_id == made.world.a_officer.id
    assert first.outlet_id == made.outlet.id and first.call_id == made.call.id
    done = client.get(f"/imports/{job.id}").get_data(as_text=True)
    assert f"/pilots/enterprises/{made.pilot.id}/trade-ins" in done


def test_a_file_with_errors_imports_nothing_and_says_where(client, piloted):
    made = piloted
    login(client, made.world.a_officer.username)
    first = made.trade_ins[0]
    content = workbook(
        [
            row(made, 1),
            row(made, 2, product_code="F0140110001"),  # repeats row 2
            row(made, 3, product_code="F0140100001"),  # registered in October
            row(made, 4, outlet="不存在的网点"),
            row(made, 5, traded_on="2014-13-01"),
            row(made, 6, traded_on=date(2014, 10, 30)),  # October's pack is with the city
            row(made, 7, product_code="F0140210007", subsidy_yuan=40000),
            row(made, 8, id_number="320102198001010017", price_yuan="三万"),
        ]
    )
    upload(client, made.pilot.id, content)
    job = latest_job()
    assert job.status == "invalid"
    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == [
        (3, "以旧换再识别码", "以旧换再识别码 F0140110001 与第 2 行重复。"),
        (
            4,
            "以旧换再识别码",
            f"以旧换再识别码 F0140100001 已登记：记录 #{first.id}（{made.outlet.name}，2014-10-01）。",
        ),
        (5, "推广网点", f"“不存在的网点”不是本试点企业登记的推广网点（{made.outlet.name}）。"),
        (
            6,
            "交易日期",
            "“交易日期”不是日期：2014-13-01。请填写如 2014-10-05、2014/10/5 或 2014年10月5日。",
        ),
        (
            7,
            "交易日期",
            "2014 年 10 月的月度材料已报送市级（已报送市级），该月的交易记录不能再增加或修改。",
        ),
        (
            8,
            "以旧换再识别码",
            "产品编码的生产企业代码（数字第 4–5 位）为 02，本试点企业的代码为 01。",
        ),
        (8, "补贴金额（元）", "补贴金额 40000.00 元超过销售价格 38000.00 元。"),
        (9, "身份证号码", "身份证号码无效：应为 18 位（或 15 位）居民身份证号码，校验位正确。"),
        (9, "销售价格（元）", "“销售价格（元）”应为不小于 0、最多两位小数的金额：三万。"),
    ]
    assert job.message == "文件中有 9 处错误，未导入任何数据。"
    assert count() == 3
    report = client.get(f"/imports/{job.id}/errors.csv").get_data(as_text=True)
    assert "与第 2 行重复" in report and "138" not in report


def test_a_code_registered_between_validation_and_confirmation_refuses_the_import(client, piloted):
    made = piloted
    login(client, made.world.a_officer.username)
    upload(client, made.pilot.id, workbook([row(made, 1), row(made, 2)]))
    job = latest_job()
    assert job.status == "valid"
    db.session.add(
        TradeIn(
            call_id=made.call.id,
            pilot_id=made.pilot.id,
            outlet_id=made.outlet.id,
            province_id=made.world.a_province.id,
            traded_on=date(2014, 11, 20),
            old_part_model="x",
            consumer_name="x",
            id_number=id_number(99),
            phone="13800000000",
            product_class="发动机",
            product_model="x",
            product_code="F0140110002",
            price_yuan=1,
            subsidy_yuan=0,
            invoice_no="12345678",
        )
    )
    db.session.commit()
    client.post(f"/imports/{job.id}/confirm")
    job = latest_job()
    assert job.status == "invalid" and job.errors[0]["row"] == 3
    assert count() == 4


def test_only_the_pilots_officers_import_and_only_from_the_pilots_page(
    client, piloted, city_officers
):
    made = piloted
    content = workbook([row(made, 1)])
    login(client, made.world.a_inspector.username)
    assert upload(client, made.pilot.id, content).status_code == 403
    login(client, made.world.b_officer.username)
    upload(client, made.pilot.id, content)
    job = latest_job()
    assert job.status == "invalid" and job.message.startswith("找不到要导入交易记录的试点企业")
    login(client, city_officers[0].username)
    upload(client, made.pilot.id, content)
    assert latest_job().status == "valid"
    client.post(
        "/imports/new/pilot_trade_ins",
        data={"file": (io.BytesIO(workbook([row(made, 2)])), "x.xlsx")},
        content_type="multipart/form-data",
    )
    assert latest_job().message.startswith("找不到要导入交易记录的试点企业")
    # A csv as Excel writes it on Chinese Windows.
    lines = [",".join(str(c) for c in HEADERS[1:])]
    lines.append(
        ",".join(str(c) for c in row(made, 3, traded_on="2014/11/6", subsidy_yuan="4000")[1:])
    )
    upload(client, made.pilot.id, ("\n".join(lines) + "\n").encode("gb18030"), "交易.csv")
    assert latest_job().status == "valid", latest_job().errors
