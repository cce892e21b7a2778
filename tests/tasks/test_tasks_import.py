"""The Annex 2 round trip: download the template, fill it offline, import it back."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from tasks_support import add, jiangsu  # noqa: F401 -- jiangsu is a fixture

from conftest import login
from supervision.extensions import db
from supervision.imports.models import ImportJob
from supervision.tasks import service
from supervision.tasks.importing import parse_category
from supervision.tasks.models import FilingStatus, SupervisionTask


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("一", (1, None)),
        ("五", (5, None)),
        ("3", (3, None)),
        ("三（附于二）", (3, 2)),
        ("三(附于一)", (3, 1)),
        (" 二 ", (2, None)),
        ("六", None),
        ("", None),
        ("三（附于三）", None),
    ],
)
def test_parse_category(text, parsed):
    assert parse_category(text) == parsed


def template(client, filled=True) -> io.BytesIO:
    response = client.get(
        "/annexes/2020/320000/annex2-template.xlsx", query_string={"filled": int(filled)}
    )
    assert response.status_code == 200
    return io.BytesIO(response.data)


def fill(book_bytes, rows):
    """Write ``rows`` (dicts by header) after the filed rows of the template's first sheet."""
    book = load_workbook(book_bytes)
    sheet = book.worksheets[0]
    headers = {
        sheet.cell(5, c).value or sheet.cell(4, c).value: c for c in range(1, sheet.max_column + 1)
    }
    row = 6
    while sheet.cell(row, 2).value:
        row += 1
    for values in rows:
        for header, value in values.items():
            sheet.cell(row, headers[header]).value = value
        row += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, content: bytes):
    return client.post(
        "/imports/new/annex2_2020?plan=2020",
        data={"file": (io.BytesIO(content), "附件2.xlsx")},
        content_type="multipart/form-data",
    )


def latest_job() -> ImportJob:
    db.session.expire_all()
    return db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc())).first()


def task_count(filing) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(SupervisionTask)
        .where(SupervisionTask.filing_id == filing.id)
    )


def test_round_trip_replaces_the_task_list(app, world, jiangsu):  # noqa: F811
    filing, r = jiangsu
    add(filing, world, r["acid"], 1, "sulphuric_acid")
    db.session.commit()
    client = app.test_client()
    login(client, world.a_officer.username)
    content = fill(
        template(client),
        [
            {
                "企业名称": "南京钢铁",
                "统一社会信用代码": r["steel"].credit_code,
                "行业": "钢铁",
                "监察类别": "二",
                "监察方式": "现场监察",
                "承担单位": world.a_agency.name,
                "监察人员": world.a_inspector.full_name,
            },
            {
                "企业名称": "南京钢铁",
                "统一社会信用代码": r["steel"].credit_code,
                "监察类别": "三（附于二）",
                "监察方式": "现场监察",
                "承担单位": world.a_agency.name,
            },
            {
                "企业名称": "停产硫酸厂",
                "统一社会信用代码": r["acid_stopped"].credit_code,
                "行业": "硫酸",
                "监察类别": "一",
                "监察方式": "书面审查",
                "承担单位": world.a_agency.name,
            },
        ],
    )
    assert upload(client, content).status_code == 302
    job = latest_job()
    assert job.status == "valid", job.errors
    assert job.total_rows == 5  # 2 filed (the world's 四 and the acid plant) + 3 new
    client.post(f"/imports/{job.id}/confirm")
    assert latest_job().status == "done"
    tasks = {(t.enterprise.name, t.category) for t in db.session.scalars(service.tasks_of(filing))}
    assert tasks == {
        (world.a_enterprise.name, 4),
        ("南京硫酸厂", 1),
        ("南京钢铁", 2),
        ("南京钢铁", 3),
        ("停产硫酸厂", 1),
    }
    rider = db.session.scalar(select(SupervisionTask).where(SupervisionTask.category == 3))
    assert rider.parent_task.category == 2 and rider.parent_task.enterprise_id == r["steel"].id
    stopped = db.session.scalar(
        select(SupervisionTask).where(SupervisionTask.enterprise_id == r["acid_stopped"].id)
    )
    assert stopped.remarks.startswith("已停产")


def test_a_file_with_errors_imports_nothing_and_says_where(app, world, jiangsu):  # noqa: F811
    filing, r = jiangsu
    before = task_count(filing)
    client = app.test_client()
    login(client, world.a_officer.username)
    content = fill(
        template(client, filled=False),
        [
            {"统一社会信用代码": "91320000MA00000000", "监察类别": "一", "行业": "硫酸"},
            {"统一社会信用代码": r["steel"].credit_code, "监察类别": "三（附于二）"},
            {
                "统一社会信用代码": r["acid_stopped"].credit_code,
                "监察类别": "一",
                "行业": "硫酸",
                "监察方式": "现场监察",
            },
            {"统一社会信用代码": r["steel"].credit_code, "监察类别": "六"},
            {
                "统一社会信用代码": r["steel"].credit_code,
                "监察类别": "二",
                "行业": "钢铁",
                "监察人员": "无名氏",
            },
        ],
    )
    upload(client, content)
    job = latest_job()
    assert job.status == "invalid"
    by_row = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert "本省企业名录中没有该企业" in by_row[(6, "统一社会信用代码")]
    assert "列在同一企业的一或二任务之后" in by_row[(7, "监察类别")]
    assert "已停产" in by_row[(8, "监察类别")]
    assert "一”至“五" in by_row[(9, "监察类别")]
    assert "无名氏" in by_row[(10, "监察人员")]
    assert task_count(filing) == before


def test_a_submitted_filing_cannot_be_replaced_by_an_import(app, world, jiangsu):  # noqa: F811
    filing, r = jiangsu
    service.exempt_enterprise(filing, r["acid"], "已关停")
    filing.status = FilingStatus.SUBMITTED
    db.session.commit()
    client = app.test_client()
    login(client, world.a_officer.username)
    upload(
        client,
        fill(
            template(client, filled=False),
            [
                {"统一社会信用代码": r["steel"].credit_code, "监察类别": "二", "行业": "钢铁"},
            ],
        ),
    )
    job = latest_job()
    assert job.status == "invalid"
    assert "锁定期间不能导入" in job.errors[0]["message"]
