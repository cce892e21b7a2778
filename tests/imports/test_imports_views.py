"""Importing the registry from .xlsx / .csv: upload → validation report → preview → confirm."""

from __future__ import annotations

import csv
import html
import io
import threading
import time
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter
from sqlalchemy import func, select

from conftest import credit_code, login
from supervision.core.models import AuditEntry
from supervision.enterprises import service as enterprises
from supervision.enterprises.importing import COLUMNS
from supervision.enterprises.models import Enterprise, ProductionStatus
from supervision.extensions import db
from supervision.imports import passes
from supervision.imports.models import ImportJob

HEADERS = [c.header for c in COLUMNS]


def row(serial: int, **overrides) -> list:
    values = {
        "credit_code": credit_code(1000 + serial),
        "name": f"导入企业{serial:05d}",
        "address": "南京市玄武区",
        "division_code": "320102",
        "industry": "硫酸",
        "products": "硫酸",
        "status": "生产",
        "stopped_on": "",
        "key_energy_unit": "否",
        "annual_energy_tce": "100.5",
        "legal_representative": "张三",
        "legal_representative_phone": "025-80000000",
        "energy_manager": "李四",
        "energy_manager_phone": "13800000000",
    }
    values.update(overrides)
    return [values[c.key] for c in COLUMNS]


def xlsx(rows: list[list], headers: list | None = HEADERS) -> bytes:
    """A workbook as Excel users make them: cells typed as numbers and dates where natural."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    if headers is not None:
        for c, header in enumerate(headers):
            sheet.write_string(0, c, header)
    for r, values in enumerate(rows, start=1 if headers is not None else 0):
        for c, value in enumerate(values):
            if isinstance(value, datetime | date):
                sheet.write_datetime(r, c, value, date_format)
            elif isinstance(value, str):
                sheet.write_string(r, c, value)
            elif isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif value is not None:
                sheet.write_number(r, c, value)
    workbook.close()
    return buffer.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8-sig", headers=HEADERS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def upload(client, content: bytes, name: str = "名录.xlsx", **data):
    return client.post(
        "/imports/new/enterprises",
        data={"file": (io.BytesIO(content), name), **data},
        content_type="multipart/form-data",
    )


def page(client, url: str) -> str:
    return html.unescape(client.get(url).get_data(as_text=True))


def latest_job() -> ImportJob:
    db.session.expire_all()
    return db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc())).first()


def enterprise_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Enterprise))


def upload_folder(app) -> Path:
    return Path(app.instance_path) / "imports"


@pytest.fixture
def officer(client, world):
    login(client, world.a_officer.username)
    return client


# -- the validation report -------------------------------------------------------------------


def test_a_file_with_errors_imports_nothing_and_lists_every_error(app, officer, world):
    rows = [row(i) for i in range(200)]
    good = credit_code(1003)
    rows[3] = row(3, credit_code=good[:-1] + ("0" if good[-1] != "0" else "1"))  # wrong check
    rows[8] = row(8, industry="造纸")
    rows[18] = row(18, name="")
    rows[28] = row(28, credit_code=credit_code(1000))  # the same code as the first data row
    rows[38] = row(38, credit_code=world.a_enterprise.credit_code)  # already registered
    rows[48] = row(48, division_code="3201", key_energy_unit="也许")  # two errors in one row
    before = enterprise_count()

    response = upload(officer, xlsx(rows))
    assert response.status_code == 302
    job = latest_job()
    assert response.headers["Location"].endswith(f"/imports/{job.id}")
    assert job.status == "invalid"
    assert job.province_id == world.a_province.id and job.user_id == world.a_officer.id
    expected = [
        {
            "row": 5,
            "column": "统一社会信用代码",
            "message": "统一社会信用代码校验位不正确，请核对。",
        },
        {"row": 10, "column": "行业", "message": "行业“造纸”不在行业目录中。"},
        {"row": 20, "column": "企业名称", "message": "请填写企业名称。"},
        {
            "row": 30,
            "column": "统一社会信用代码",
            "message": f"统一社会信用代码 {credit_code(1000)} 与第 2 行重复。",
        },
        {
            "row": 40,
            "column": "统一社会信用代码",
            "message": f"统一社会信用代码 {world.a_enterprise.credit_code} 已登记为“{world.a_enterprise.name}”（江苏省）。",
        },
        {"row": 50, "column": "行政区划代码", "message": "行政区划代码应为 6 位数字。"},
        {"row": 50, "column": "重点用能单位", "message": "重点用能单位应填“是”或“否”。"},
    ]
    assert job.errors == expected
    assert job.error_count == 7
    assert enterprise_count() == before

    shown = page(officer, f"/imports/{job.id}")
    assert "文件中有 7 处错误，未导入任何数据。" in shown
    for error in expected:
        assert (
            f"<td>{error['row']}</td><td>{error['column']}</td><td>{error['message']}</td>" in shown
        )
    report = officer.get(f"/imports/{job.id}/errors.csv")
    assert report.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(report.data.decode("utf-8-sig"))))
    report.close()
    assert lines[0] == ["行号", "列", "错误原因"]
    assert [[int(r), c, m] for r, c, m in lines[1:]] == [
        [e["row"], e["column"], e["message"]] for e in expected
    ]
    # Nothing of the upload is kept once the job is over, but the report.
    assert sorted(p.name for p in upload_folder(app).glob(f"{job.id}-*")) == [
        f"{job.id}-errors.csv"
    ]
    assert not (Path(app.instance_path) / job.stored_path).exists()


def test_the_fixed_file_is_previewed_then_imported_in_full_with_one_audit_entry(officer, world):
    rows = [row(i) for i in range(200)]
    before = enterprise_count()
    audit_before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    upload(officer, xlsx(rows))
    job = latest_job()
    assert job.status == "valid" and job.total_rows == 200 and job.error_count == 0
    shown = page(officer, f"/imports/{job.id}")
    assert "校验通过：共 200 行" in shown and "确认导入 200 行" in shown
    assert "导入企业00019" in shown and "导入企业00020" not in shown  # a preview of 20 rows
    assert enterprise_count() == before

    response = officer.post(f"/imports/{job.id}/confirm")
    assert response.status_code == 302
    job = latest_job()
    assert job.status == "done" and job.summary["imported"] == 200
    assert enterprise_count() == before + 200
    assert "已导入 200 行。" in page(officer, f"/imports/{job.id}")
    first = db.session.scalar(select(Enterprise).where(Enterprise.credit_code == credit_code(1000)))
    assert first.province_id == world.a_province.id
    assert first.name == "导入企业00000" and first.industry.name == "硫酸"
    assert first.annual_energy_tce == Decimal("100.50") and first.key_energy_unit is False
    assert first.version == 1
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()[audit_before:]
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.action, entry.entity, entry.entity_id) == ("import", "import_jobs", str(job.id))
    assert entry.changes == {"kind": [None, "enterprises"], "rows": [None, 200]}
    assert entry.scope_org_id == world.a_province.id
    assert entry.actor_id == world.a_officer.id and entry.source == "web"
    assert entry.ip == "127.0.0.1"  # the uploader's address, though a thread did the work
    # A second click changes nothing.
    officer.post(f"/imports/{job.id}/confirm")
    assert enterprise_count() == before + 200


def test_excel_typed_cells_are_normalised(officer):
    rows = [
        row(
            1,
            division_code=320102,
            annual_energy_tce=1234.5,
            key_energy_unit=True,
            status="已停产",
            stopped_on=datetime(2019, 7, 1),
            legal_representative_phone=13800000000,
        ),
        row(2, name="=SUM(A1:A3)", stopped_on="2019/7/1", annual_energy_tce=0.1 + 0.2),
        row(
            3,
            status="已停产",
            stopped_on="2019年7月1日",
            division_code=320102.0,
            key_energy_unit="是",
        ),
    ]
    upload(officer, xlsx(rows))
    job = latest_job()
    assert job.status == "valid", job.errors
    officer.post(f"/imports/{job.id}/confirm")
    one, two, three = (
        db.session.scalar(select(Enterprise).where(Enterprise.credit_code == credit_code(1000 + i)))
        for i in (1, 2, 3)
    )
    assert one.division_code == "320102" and one.annual_energy_tce == Decimal("1234.50")
    assert one.key_energy_unit is True and one.legal_representative_phone == "13800000000"
    assert one.status == ProductionStatus.STOPPED and one.stopped_on == date(2019, 7, 1)
    assert two.name == "=SUM(A1:A3)"  # text that looks like a formula stays text
    assert two.stopped_on is None  # an operating enterprise has no stop date
    assert two.annual_energy_tce == Decimal("0.30")
    assert three.stopped_on == date(2019, 7, 1) and three.division_code == "320102"


def test_headers_match_without_spaces_and_with_ascii_parentheses(officer):
    headers = [f" {h} " for h in HEADERS]
    headers[9] = "年综合能源消费量 (吨标准煤)"
    headers[1] = "企业 名称"
    upload(officer, xlsx([row(1)], headers=headers))
    assert latest_job().status == "valid"


def test_optional_columns_may_be_left_out_and_blank_rows_are_skipped(officer):
    headers = ["企业名称", "行政区划代码", "统一社会信用代码"]
    rows = [["甲", "320102", credit_code(2001)], ["", "", ""], ["乙", "320102", credit_code(2002)]]
    upload(officer, xlsx(rows, headers=headers))
    job = latest_job()
    assert job.status == "valid" and job.summary["rows"] == 2


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ([h for h in HEADERS if h != "企业名称"], "缺少必填列“企业名称”。"),
        ([h for h in HEADERS if h != "统一社会信用代码"], "缺少必填列“统一社会信用代码”。"),
        (HEADERS + ["备注"], "未知的列“备注”：表头应与导入模板一致。"),
        (HEADERS + ["地址"], "列“地址”出现了两次。"),
    ],
)
def test_a_wrong_header_refuses_the_whole_file(officer, headers, message):
    rows = [row(1)[: len(headers)]]
    upload(officer, xlsx(rows, headers=headers))
    job = latest_job()
    assert job.status == "invalid"
    assert job.message == "表头有误，整个文件未导入。"
    assert {"row": 1, "message": message} == {k: job.errors[0][k] for k in ("row", "message")}
    assert message in page(officer, f"/imports/{job.id}")


def test_an_empty_sheet_and_a_header_only_sheet_are_refused(officer):
    upload(officer, xlsx([], headers=None))
    job = latest_job()
    assert job.status == "invalid" and job.message == "文件是空的：没有表头，也没有数据行。"
    upload(officer, xlsx([], headers=HEADERS), name="只有表头.xlsx")
    job = latest_job()
    assert job.status == "invalid" and job.message == "文件中没有数据行。"
    assert "文件中没有数据行。" in page(officer, f"/imports/{job.id}")


# -- CSV --------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_utf8_and_gb18030(officer, encoding):
    rows = [
        row(i, name=f"𠀀镕企业{i}" if encoding != "gb18030" else f"镕企业{i}") for i in range(5)
    ]
    upload(officer, csv_bytes(rows, encoding), name="名录.csv")
    job = latest_job()
    assert job.status == "valid", (job.message, job.errors)
    assert job.params["encoding"] == ("utf-8-sig" if encoding.startswith("utf-8") else "gb18030")
    officer.post(f"/imports/{job.id}/confirm")
    assert db.session.scalar(
        select(Enterprise.name).where(Enterprise.credit_code == credit_code(1001))
    ).endswith("企业1")


def test_csv_errors_use_the_row_numbers_excel_shows(officer):
    rows = [row(0), row(1, name=""), row(2, division_code="999999")]
    upload(officer, csv_bytes(rows), name="名录.csv")
    job = latest_job()
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "企业名称"), (4, "行政区划代码")]


# -- refused uploads ---------------------------------------------------------------------------


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"hello", "名录.txt", "只接受 .xlsx 或 .csv 文件。"),
        (b"hello", "名录.xls", "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后上传。"),
        (
            PNG,
            "名录.csv",
            "文件不是 UTF-8 或 GB18030（GBK）编码的 CSV 文本，可能是改了扩展名的其他文件。",
        ),
        (PNG, "名录.xlsx", "文件内容不是 Excel 工作簿（.xlsx），可能是改了扩展名的其他文件。"),
        (
            b"PK\x03\x04 not really a zip",
            "名录.xlsx",
            "文件内容不是 Excel 工作簿（.xlsx），可能是改了扩展名的其他文件。",
        ),
        (b"", "名录.csv", "文件是空的。"),
    ],
)
def test_wrong_files_are_refused_on_upload(app, officer, content, name, message):
    before = set(upload_folder(app).glob("*")) if upload_folder(app).exists() else set()
    response = upload(officer, content, name=name)
    assert response.status_code == 200
    assert message in html.unescape(response.get_data(as_text=True))
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 0
    assert set(upload_folder(app).glob("*")) == before  # nothing left behind


def test_a_renamed_csv_is_refused_as_xlsx(officer):
    response = upload(officer, csv_bytes([row(1)]), name="名录.xlsx")
    assert "文件内容不是 Excel 工作簿" in html.unescape(response.get_data(as_text=True))


def _zip(parts: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_word_document_renamed_xlsx_is_refused(officer):
    docx = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
    response = upload(officer, docx)
    assert "文件内容不是 Excel 工作簿" in html.unescape(response.get_data(as_text=True))


def test_a_damaged_workbook_is_reported(officer):
    upload(officer, _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<broken"}))
    job = latest_job()
    assert job.status == "invalid" and job.message == "无法读取该 Excel 文件，文件可能已损坏。"


def test_a_file_over_the_limit_is_refused(app, officer):
    app.config["IMPORTS_MAX_BYTES"] = 1000
    try:
        response = upload(officer, csv_bytes([row(i) for i in range(20)]), name="大.csv")
    finally:
        del app.config["IMPORTS_MAX_BYTES"]
    assert "文件超过 0 MB" in html.unescape(response.get_data(as_text=True))


def test_no_file_is_refused(officer):
    response = officer.post("/imports/new/enterprises", data={}, content_type="multipart/form-data")
    assert "请选择要导入的文件。" in html.unescape(response.get_data(as_text=True))


def test_the_same_file_twice_goes_to_the_first_job(officer):
    content = xlsx([row(1)])
    upload(officer, content)
    first = latest_job()
    response = upload(officer, content, name="again.xlsx")
    assert response.headers["Location"].endswith(f"/imports/{first.id}")
    assert latest_job().id == first.id


# -- confirm-time checks, cancel, ministry ------------------------------------------------------


def test_a_duplicate_added_before_confirmation_stops_the_whole_import(officer, world):
    upload(officer, xlsx([row(i) for i in range(10)]))
    job = latest_job()
    assert job.status == "valid"
    # Someone registers one of the file's enterprises meanwhile.
    data, errors = enterprises.check_fields(
        {"credit_code": credit_code(1007), "name": "抢先登记", "division_code": "320102"},
        world.a_province,
        {},
    )
    enterprises.create_enterprise(world.a_province, data)
    db.session.commit()
    before = enterprise_count()
    officer.post(f"/imports/{job.id}/confirm")
    job = latest_job()
    assert job.status == "invalid"
    assert job.errors == [
        {
            "row": 9,
            "column": "统一社会信用代码",
            "message": f"统一社会信用代码 {credit_code(1007)} 已登记为“抢先登记”（江苏省）。",
        }
    ]
    assert "确认导入时重新检查发现 1 处错误" in job.message
    assert enterprise_count() == before
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "import")) == 0


def test_a_duplicate_in_another_province_names_only_that_province(client, world):
    login(client, world.b_officer.username)
    upload(
        client, xlsx([row(1, credit_code=world.a_enterprise.credit_code, division_code="330106")])
    )
    job = latest_job()
    assert job.errors[0]["message"] == (
        f"统一社会信用代码 {world.a_enterprise.credit_code} 已在江苏省的企业名录中登记。"
    )


def test_duplicates_are_found_across_batches(officer, monkeypatch):
    monkeypatch.setattr(passes, "BATCH_SIZE", 7)
    rows = [row(i) for i in range(30)]
    rows[25] = row(25, credit_code=credit_code(1001))
    upload(officer, xlsx(rows))
    job = latest_job()
    assert [(e["row"], e["message"]) for e in job.errors] == [
        (27, f"统一社会信用代码 {credit_code(1001)} 与第 3 行重复。")
    ]
    upload(officer, xlsx([row(i) for i in range(30)]), name="ok.xlsx")
    job = latest_job()
    officer.post(f"/imports/{job.id}/confirm")
    assert latest_job().summary["imported"] == 30


def test_cancel_drops_the_job_and_its_files(app, officer):
    upload(officer, xlsx([row(1)]))
    job = latest_job()
    assert any(upload_folder(app).glob(f"{job.id}-*"))
    officer.post(f"/imports/{job.id}/cancel")
    job = latest_job()
    assert job.status == "cancelled"
    assert not any(upload_folder(app).glob(f"{job.id}-*"))
    assert not (Path(app.instance_path) / job.stored_path).exists()
    officer.post(f"/imports/{job.id}/confirm")
    assert latest_job().status == "cancelled" and enterprise_count() == 1


def test_ministry_picks_the_province_of_the_file(client, world):
    login(client, world.ministry_officer.username)
    response = upload(client, xlsx([row(1)]))
    assert "请选择导入到哪个省级单位。" in html.unescape(response.get_data(as_text=True))
    upload(client, xlsx([row(1)]), province_id=str(world.a_province.id))
    job = latest_job()
    assert job.province_id == world.a_province.id and job.status == "valid"


# -- scope, status, list -----------------------------------------------------------------------


def test_jobs_are_seen_only_in_their_province(client, world, app):
    login(client, world.a_officer.username)
    upload(client, xlsx([row(1)]))
    job = latest_job()
    assert "名录.xlsx" in page(client, "/imports/")

    other = app.test_client()
    login(other, world.b_officer.username)
    for url in (f"/imports/{job.id}", f"/imports/{job.id}/status", f"/imports/{job.id}/errors.csv"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/imports/{job.id}/confirm").status_code == 404
    assert "名录.xlsx" not in page(other, "/imports/")
    assert latest_job().status == "valid"

    ministry = app.test_client()
    login(ministry, world.ministry_officer.username)
    assert ministry.get(f"/imports/{job.id}").status_code == 200

    inspector = app.test_client()
    login(inspector, world.a_inspector.username)
    assert inspector.get(f"/imports/{job.id}").status_code == 403
    assert inspector.get("/imports/new/enterprises").status_code == 403


def test_status_endpoint_reports_progress(officer):
    upload(officer, xlsx([row(i) for i in range(3)]))
    job = latest_job()
    data = officer.get(f"/imports/{job.id}/status").get_json()
    assert data == {
        "status": "valid",
        "label": "待确认",
        "processed": 3,
        "total": 3,
        "errors": 0,
        "running": False,
    }


def test_unknown_kind_is_not_found(officer):
    assert officer.get("/imports/new/nothing").status_code == 404


def test_progress_page_polls_with_a_static_script(officer, world):
    job = ImportJob(
        kind="enterprises",
        province_id=world.a_province.id,
        user_id=world.a_officer.id,
        file_name="x.xlsx",
        stored_path="imports/x.xlsx",
        status="validating",
        total_rows=50000,
        processed_rows=12000,
    )
    db.session.add(job)
    db.session.commit()
    shown = page(officer, f"/imports/{job.id}")
    assert f'data-import-status="/imports/{job.id}/status"' in shown
    assert '<script src="/static/js/imports.js" defer></script>' in shown
    assert 'value="12000"' in shown and f'href="/imports/{job.id}"' in shown  # refresh without JS
    assert "<script>" not in shown and "style=" not in shown


# -- the background thread ---------------------------------------------------------------------


def test_without_inline_mode_the_work_runs_in_a_background_thread(app, officer):
    app.config["IMPORTS_INLINE"] = False
    try:
        upload(officer, xlsx([row(i) for i in range(50)]))
        job = latest_job()
        _wait_for(lambda: latest_job().status == "valid")
        officer.post(f"/imports/{job.id}/confirm")
        _wait_for(lambda: latest_job().status == "done")
    finally:
        app.config["IMPORTS_INLINE"] = True
    assert latest_job().summary["imported"] == 50
    # The job is marked done in its last transaction; the thread then ends (closing its session).
    workers = [t for t in threading.enumerate() if t.name.startswith("import-")]
    for worker in workers:
        worker.join(timeout=10)
    assert not [t for t in workers if t.is_alive()], "an import thread did not end"


def _wait_for(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("the background import did not finish")


def test_5000_rows_validate_and_import(officer):
    rows = [row(i) for i in range(5000)]
    upload(officer, xlsx(rows))
    job = latest_job()
    assert job.status == "valid"
    officer.post(f"/imports/{job.id}/confirm")
    assert latest_job().summary["imported"] == 5000
    assert enterprise_count() == 5001
