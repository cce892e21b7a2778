"""Every upload form of the application against hostile files: a wrong extension, a renamed
binary, a zip bomb, a 200 MB body, a sheet 20 000 columns wide, an empty file or sheet.

Each is refused with a message in Chinese before any reader opens it (the readers are
replaced by ones that fail the test if called), and nothing is kept: no job, no file."""

from __future__ import annotations

import html
import io
import re
import socket
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
import python_calamine
import xlsxwriter
from hostile_files import (
    EXE,
    GIB,
    PNG,
    docx,
    post_form,
    unpacked_size,
    wide_csv,
    wide_xlsx,
    zip_bomb_xlsx,
)
from sqlalchemy import func, select
from werkzeug.serving import make_server

import supervision.verification.campaign_views as campaign_views
from conftest import NOW, login
from supervision.api import service as api
from supervision.extensions import db
from supervision.imports import readers
from supervision.imports.kinds import KINDS
from supervision.imports.models import ImportJob
from supervision.inspections.models import Evidence
from supervision.rectification.models import RectificationEvidence, RectificationNotice
from supervision.verification import campaigns, task_counts
from tests.inspections.inspections_support import Casework, casework  # noqa: F401
from tests.rectification.notices_support import Notices, notices  # noqa: F401

MB = 1024 * 1024
#: Every kind of import: the upload page is /imports/new/<kind> for each.
IMPORT_KINDS = [
    "enterprises",
    "annex2_2020",
    "verification_producer_stock",
    "verification_outlet_stock",
    "verification_production",
    "verification_shipments",
    "verification_dealer_purchases",
    "verification_consumer_sales",
    "equipment_ledger",
    "violators_2019",
    "pilot_trade_ins",
]
WIDE = "表格有 20,000 列，超过了 256 列的上限，未读取其内容。"
BOMB = "Excel 文件解压后有 2,048 MB，超过了 1,024 MB 的上限，未读取其内容。"
NOT_XLSX = "文件内容不是 Excel 工作簿（.xlsx），可能是改了扩展名的其他文件。"
NOT_CSV = "文件不是 UTF-8 或 GB18030（GBK）编码的 CSV 文本，可能是改了扩展名的其他文件。"
TOO_LARGE = "上传的内容超过了允许的 64 MB，未保存任何内容。请压缩或拆分文件后重新上传。"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def files_in(folder: Path) -> set[Path]:
    return set(folder.rglob("*")) if folder.exists() else set()


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def no_reader(monkeypatch):
    """Replace every table reader by one that fails the test: a hostile file must be refused
    from its directory and first bytes, never read."""
    calls = []

    def refuse(name):
        def reader(*args, **kwargs):
            calls.append(name)
            raise AssertionError(f"{name} was called on a file that should have been refused")

        return reader

    class NoCalamine:
        from_path = staticmethod(refuse("CalamineWorkbook.from_path"))
        from_filelike = staticmethod(refuse("CalamineWorkbook.from_filelike"))

    monkeypatch.setattr(readers, "open_rows", refuse("readers.open_rows"))
    monkeypatch.setattr(readers, "open_texts", refuse("readers.open_texts"))
    monkeypatch.setattr(python_calamine, "CalamineWorkbook", NoCalamine)
    monkeypatch.setattr(task_counts, "CalamineWorkbook", NoCalamine)
    monkeypatch.setattr(openpyxl, "load_workbook", refuse("openpyxl.load_workbook"))
    yield calls
    assert calls == []


class Body(io.RawIOBase):
    """A request body of ``size`` bytes made on demand; ``sent`` counts what was read."""

    def __init__(self, size: int):
        self.size = size
        self.position = 0
        self.sent = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.position = offset if whence == io.SEEK_SET else self.size + offset
        return self.position

    def readinto(self, buffer) -> int:
        n = max(0, min(len(buffer), self.size - self.position))
        buffer[:n] = b"\0" * n
        self.position += n
        self.sent += n
        return n


def post_declared(client, url: str, size: int = 200 * MB, **kwargs):
    """A multipart POST announcing ``size`` bytes (Content-Length), the body made lazily."""
    body = Body(size)
    response = client.post(
        url,
        input_stream=body,
        content_length=size,
        content_type="multipart/form-data; boundary=hostile",
        **kwargs,
    )
    return response, body


def test_every_import_kind_is_covered(app):
    assert sorted(KINDS) == sorted(IMPORT_KINDS)


# -- the import pages (/imports/new/<kind>) ------------------------------------------------------


def _hostile_imports(headers: list[str]) -> list[tuple[str, bytes, str, str]]:
    return [
        ("wrong extension", EXE, "名录.exe", "只接受 .xlsx 或 .csv 文件。"),
        ("old format", EXE, "名录.xls", "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后上传。"),
        ("picture renamed .xlsx", PNG, "名录.xlsx", NOT_XLSX),
        ("program renamed .csv", EXE, "名录.csv", NOT_CSV),
        ("Word document renamed .xlsx", docx(), "名录.xlsx", NOT_XLSX),
        ("zip bomb", zip_bomb_xlsx(), "名录.xlsx", BOMB),
        ("20 000 columns", wide_xlsx(headers), "名录.xlsx", WIDE),
        ("20 000 columns, CSV", wide_csv(headers), "名录.csv", WIDE),
        ("empty file", b"", "名录.xlsx", "文件是空的。"),
    ]


@pytest.mark.parametrize("kind", IMPORT_KINDS)
def test_hostile_files_are_refused_on_upload_by_every_import(app, client, world, no_reader, kind):
    login(client, world.a_officer.username)
    folder = Path(app.instance_path) / "imports"
    before = files_in(folder)
    headers = [c.header for c in KINDS[kind].columns]
    for case, content, name, message in _hostile_imports(headers):
        response = post_form(client, f"/imports/new/{kind}", {"file": (io.BytesIO(content), name)})
        assert response.status_code == 200, case
        assert message in text(response), case
        assert count(ImportJob) == 0, case  # no job: no reader ever started
        assert files_in(folder) == before, case  # the upload was not kept


def test_the_zip_bomb_is_real_and_refused_from_its_directory(app):
    bomb = zip_bomb_xlsx()
    assert len(bomb) < 8 * MB and unpacked_size(bomb) > 2 * GIB - MB
    smaller = zip_bomb_xlsx(256 * MB)  # under the size limit: its ratio gives it away
    folder = Path(app.instance_path)
    path = folder / "bomb.xlsx"
    path.write_bytes(smaller)
    try:
        with app.app_context(), pytest.raises(readers.UnreadableFile) as refused:
            readers.sniff(path, "xlsx")
    finally:
        path.unlink()
    assert "xl/worksheets/sheet1.xml" in str(refused.value)
    assert "可能是恶意构造的文件，未读取其内容。" in str(refused.value)


def test_a_200_mb_upload_is_refused_unread_with_a_page_in_chinese(app, client, world):
    login(client, world.a_officer.username)
    folder = Path(app.instance_path) / "imports"
    before = files_in(folder)
    response, body = post_declared(client, "/imports/new/enterprises")
    assert response.status_code == 413
    page = text(response)
    assert "文件过大" in page and TOO_LARGE in page
    assert "节能监察管理系统" in page and "退出" in page  # the site's page, signed in
    assert body.sent == 0  # refused from the Content-Length header: not one byte read
    assert count(ImportJob) == 0 and files_in(folder) == before


def test_a_sales_table_may_be_large_but_not_over_its_own_limit(app, client, world, no_reader):
    """Sales tables may have 400 MB: a 200 MB file goes through, and is judged by content
    (200 MB of binary junk named .csv is refused at its first megabyte); over the limit the
    413 page names the table's limit."""
    login(client, world.a_officer.username)
    folder = Path(app.instance_path) / "imports"
    before = files_in(folder)
    junk = Path(app.instance_path) / "junk.csv"
    with junk.open("wb") as out:
        out.truncate(200 * MB)  # 200 MB of NUL bytes (a sparse file: no disk used)
    try:
        with junk.open("rb") as fh:
            response = post_form(
                client, "/imports/new/verification_consumer_sales", {"file": (fh, "销售记录.csv")}
            )
    finally:
        junk.unlink()
    assert response.status_code == 200 and NOT_CSV in text(response)
    assert count(ImportJob) == 0 and files_in(folder) == before
    response, body = post_declared(client, "/imports/new/verification_consumer_sales", 500 * MB)
    assert response.status_code == 413 and body.sent == 0
    assert "上传的内容超过了允许的 400 MB，未保存任何内容。" in text(response)


@pytest.fixture
def live(app):
    """The application on a real HTTP server on 127.0.0.1 (a free port), in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join(5)


def test_over_http_the_browser_gets_the_413_page_while_still_sending(app, client, world, live):
    """Through a real socket: the server answers as soon as it has read the headers; the
    client, which has sent 1 MB of its 200, reads the page in Chinese."""
    login(client, world.a_officer.username)
    cookie = client.get_cookie("session")
    with socket.create_connection(("127.0.0.1", live), timeout=10) as sock:
        sock.sendall(
            (
                "POST /imports/new/enterprises HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{live}\r\n"
                f"Cookie: session={cookie.value}\r\n"
                "Content-Type: multipart/form-data; boundary=hostile\r\n"
                f"Content-Length: {200 * MB}\r\n\r\n"
            ).encode()
        )
        try:
            sock.sendall(b"\0" * MB)
        except OSError:
            pass  # the server may close its side at once: the answer is there to read
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += sock.recv(65536)
        head, _sep, body = answer.partition(b"\r\n\r\n")
        length = int(re.search(rb"Content-Length: (\d+)", head, re.IGNORECASE).group(1))
        while len(body) < length:
            body += sock.recv(65536)
    assert head.startswith(b"HTTP/1.1 413")
    assert TOO_LARGE in html.unescape(body.decode("utf-8"))
    assert count(ImportJob) == 0


def test_the_api_answers_413_in_json(app, client, world):
    _token, raw = api.create_token(world.a_officer, "hostile", now=NOW)
    db.session.commit()
    response, body = post_declared(
        client,
        "/api/enterprises",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 413 and body.sent == 0
    assert response.mimetype == "application/json"
    assert response.get_json() == {"status": 413, "message": "请求内容超过了允许的 64 MB，未处理。"}


# -- evidence files of a case ---------------------------------------------------------------------

EVIDENCE_TYPES = "只接受 JPEG、PNG、PDF、TIFF、HEIC 格式的照片、扫描件或 PDF 文件（按文件内容判断，与扩展名无关）。"


def _hostile_evidence() -> list[tuple[str, bytes, str, str]]:
    return [
        ("wrong extension and content", EXE, "setup.exe", EVIDENCE_TYPES),
        ("program renamed .jpg", EXE, "现场照片.jpg", EVIDENCE_TYPES),
        ("zip bomb", zip_bomb_xlsx(), "能源台账.xlsx", EVIDENCE_TYPES),
        ("zip bomb renamed .pdf", zip_bomb_xlsx(), "报告.pdf", EVIDENCE_TYPES),
        ("20 000 columns", wide_csv(["日期"]), "台账.csv", EVIDENCE_TYPES),
        ("empty file", b"", "照片.png", "文件是空的。"),
    ]


def test_hostile_evidence_files_are_refused(app, client, casework: Casework):  # noqa: F811
    case = casework.open(1, "sulphuric_acid")
    login(client, casework.world.a_inspector.username)
    folder = Path(app.instance_path) / "evidence"
    before = files_in(folder)
    for case_name, content, name, message in _hostile_evidence():
        response = post_form(
            client,
            f"/cases/{case.id}/evidence",
            {"file": (io.BytesIO(content), name), "description": "现场"},
        )
        assert response.status_code == 422, case_name
        assert message in text(response), case_name
    response, body = post_declared(client, f"/cases/{case.id}/evidence")
    assert response.status_code == 413 and TOO_LARGE in text(response) and body.sent == 0
    assert count(Evidence) == 0 and files_in(folder) == before


def test_hostile_files_with_a_notice_are_refused_all_or_none(app, client, notices: Notices):  # noqa: F811
    notice = notices.issue()
    login(client, notices.world.a_officer.username)
    folder = Path(app.instance_path) / "evidence"
    before = files_in(folder)
    for case_name, content, name, message in _hostile_evidence():
        response = post_form(
            client,
            f"/rectification/{notice.id}/report",
            {
                "report-received_on": "2020-10-20",
                "report-measures_taken": "已更换电机",
                # A good photo first: refused with the bad file, it is not kept either.
                "report-files": [(io.BytesIO(PNG), "照片.png"), (io.BytesIO(content), name)],
            },
        )
        assert response.status_code == 422, case_name
        assert message in text(response), case_name
    for step in ("report", "reinspection", "files"):
        response, body = post_declared(client, f"/rectification/{notice.id}/{step}")
        assert response.status_code == 413 and TOO_LARGE in text(response) and body.sent == 0
    assert count(RectificationEvidence) == 0 and files_in(folder) == before
    assert db.session.get(RectificationNotice, notice.id).reports == []  # nor the report


# -- the working-day calendar (CSV) ----------------------------------------------------------------


def test_hostile_calendar_files_are_refused(app, client, world):
    login(client, world.ministry_officer.username)
    cases = [
        ("wrong extension", EXE, "节假日.exe", "只接受 .csv 文件。"),
        ("zip bomb", zip_bomb_xlsx(), "节假日.xlsx", "只接受 .csv 文件。"),
        (
            "zip bomb renamed .csv",
            zip_bomb_xlsx(),
            "节假日.csv",
            "文件超过 1 MB，不像是一份节假日安排。",
        ),
        ("program renamed .csv", EXE, "节假日.csv", "文件不是 UTF-8 编码的 CSV。"),
        (
            "20 000 columns",
            wide_csv(["name", "kind"]),
            "节假日.csv",
            "第一行应为表头 date,kind,name。",
        ),
        ("empty file", b"", "节假日.csv", "第一行应为表头 date,kind,name。"),
    ]
    for case, content, name, message in cases:
        response = post_form(
            client,
            "/calendar/import",
            {"file": (io.BytesIO(content), name), "source": "国办发明电〔2030〕1号"},
        )
        assert response.status_code == 200, case
        assert message in text(response), case
    response, body = post_declared(client, "/calendar/import")
    assert response.status_code == 413 and TOO_LARGE in text(response) and body.sent == 0


# -- a verification campaign's record counts (.xlsx, .xls or .csv) -------------------------------


CAMPAIGN_NOW = datetime(2013, 3, 6, 2, 0, tzinfo=UTC)


@pytest.fixture
def draft(world, monkeypatch):
    """A draft verification campaign of the ministry for provinces A and B."""
    monkeypatch.setattr(campaign_views, "utcnow", lambda: CAMPAIGN_NOW)
    campaign = campaigns.create_campaign(
        campaigns.CampaignData(
            name="核查",
            categories=["fridge"],
            sales_from=date(2012, 9, 1),
            sales_to=date(2013, 1, 31),
            result_due_on=date(2013, 4, 15),
        ),
        unit_ids=[world.a_province.id, world.b_province.id],
        targets=["production", "end_user"],
        actor=world.ministry_officer,
        now=CAMPAIGN_NOW,
    )
    db.session.commit()
    return campaign


def _post_counts(client, campaign, content: bytes, name: str):
    """The campaign's edit form as the page sends it, with a table of counts."""
    data = {
        "name": campaign.name,
        "notice_number": "",
        "categories": ["fridge"],
        "sales_from": "2012-09-01",
        "sales_to": "2013-01-31",
        "result_due_on": "2013-04-15",
        "phone_rate": "1",
        "visit_rate": "0.5",
        "bulk_threshold": "5",
        "note": "",
        "unit_ids": [str(i) for i in campaigns.campaign_unit_ids(campaign)],
        "targets": ["production", "end_user"],
        "version": str(campaign.version),
        "counts_file": (io.BytesIO(content), name),
    }
    return post_form(client, f"/verification/{campaign.id}/edit", data)


def _counts_sheet(rows: list[list]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, values in enumerate(rows):
        sheet.write_row(r, 0, values)
    book.close()
    return buffer.getvalue()


def test_hostile_record_count_tables_are_refused(client, world, draft, no_reader):
    campaign = draft
    login(client, world.ministry_officer.username)
    cases = [
        ("wrong extension", EXE, "任务量.exe", "请上传 .xlsx、.xls 或 .csv 文件。"),
        ("zip bomb", zip_bomb_xlsx(), "任务量.xlsx", "任务量表超过 2 MB，不像是一张任务量表。"),
        (
            "small zip bomb",
            zip_bomb_xlsx(256 * MB),
            "任务量.xlsx",
            "Excel 文件解压后有 256 MB，超过了 50 MB 的上限，未读取其内容。",
        ),
        ("20 000 columns", wide_xlsx(["核查单位"]), "任务量.xlsx", WIDE),
        ("20 000 columns, CSV", wide_csv(["核查单位"]), "任务量.csv", WIDE),
        ("program renamed .csv", EXE + b"\xff\xfe" * 8, "任务量.csv", "CSV 文件的编码无法识别"),
    ]
    for case, content, name, message in cases:
        response = _post_counts(client, campaign, content, name)
        assert response.status_code == 422, case
        assert message in text(response), case
    response, body = post_declared(client, f"/verification/{campaign.id}/edit")
    assert response.status_code == 413 and TOO_LARGE in text(response) and body.sent == 0


def test_a_renamed_picture_or_an_empty_sheet_of_counts_is_refused(client, world, draft):
    """These pass every check made before reading; the reader refuses them, in Chinese."""
    campaign = draft
    login(client, world.ministry_officer.username)
    for content, name, message in [
        (PNG, "任务量.xlsx", "无法读取上传的文件，请确认是 Excel 或 CSV 文件。"),
        (_counts_sheet([]), "任务量.xlsx", "上传的任务量表中没有任何单位的任务量"),
        (_counts_sheet([["核查单位", "生产企业"]]), "任务量.xlsx", "没有任何单位的任务量"),
    ]:
        response = _post_counts(client, campaign, content, name)
        assert response.status_code == 422 and message in text(response), name
