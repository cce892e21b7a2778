"""The calendar pages: a year's special days, CSV import, corrections and the calculator."""

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from conftest import login
from supervision.calendar import service
from supervision.calendar.models import CalendarDay, CalendarYear
from supervision.extensions import db

GOOD_CSV = (
    "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,workday,春节调休\n2027-02-08,休,春节\n"
)
NO_2027 = "尚无 2027 年的法定节假日安排。国务院办公厅公布后，请导入该年度安排。"


def upload(client, content: bytes, filename="2027.csv", source="国办发明电〔2026〕7号", **kwargs):
    # Encoded in memory: for bodies over 500 KB the test client's own encoder would use a
    # temporary file it never closes (a ResourceWarning).
    boundary, body = encode_multipart(
        {"file": FileStorage(io.BytesIO(content), filename=filename), "source": source}
    )
    return client.post(
        "/calendar/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        **kwargs,
    )


def nothing_imported() -> bool:
    db.session.expire_all()
    days = db.session.scalar(select(func.count()).select_from(CalendarDay))
    years = db.session.scalar(select(func.count()).select_from(CalendarYear))
    return days == 0 and years == 0


def text(response) -> str:
    return response.get_data(as_text=True)


# -- a year -----------------------------------------------------------------------------------


def test_a_year_without_a_calendar_shows_a_warning(client, world):
    login(client, "a-inspector")
    response = client.get("/calendar/?year=2027")
    assert response.status_code == 200
    assert NO_2027 in text(response)


def test_an_official_year(client, world):
    login(client, "a-inspector")
    page = text(client.get("/calendar/?year=2020"))
    assert "2020 年共有 249 个工作日。" in page
    row = re.search(r"<td>2020-10-10</td>(.*?)</tr>", page, re.S).group(1)
    assert "调休上班" in row and "国庆节" in row and "官方数据" in row
    assert "导入年度安排" not in page  # an inspector may not import
    assert 'action="/calendar/days"' not in page


@pytest.mark.parametrize("year", ["abc", "0", "-1", "10000", "99999999999"])
def test_an_unreadable_year_shows_the_current_year(client, world, year):
    login(client, "a-inspector")
    response = client.get(f"/calendar/?year={year}")
    assert response.status_code == 200
    assert f"工作日历 · {date.today().year}" in text(response)


def test_the_last_representable_year(client, world):
    login(client, "a-inspector")
    response = client.get("/calendar/?year=9999")
    assert response.status_code == 200
    assert "尚无 9999 年的法定节假日安排" in text(response)


# -- the calculator ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("start=2020-09-25&days=15", "2020-09-25 之后第 15 个工作日是 2020-10-22（星期四）。"),
        ("start=2020-10-12&days=-2", "2020-10-12 之后第 -2 个工作日是 2020-10-09（星期五）。"),
        ("start=2020-10-03&days=0", "2020-10-03 之后第 0 个工作日是 2020-10-03（星期六）。"),
        ("start=2026-12-30&days=5", "尚无 2027 年的法定节假日安排，无法计算。"),
        ("start=2020-09-25&days=400", "工作日数应在 -366 到 366 之间。"),
        ("start=2020-09-25&days=", "请填写工作日数。"),
        ("start=2020-09-25&days=x", "不是有效的整数"),
        ("start=&days=5", "请填写起算日期。"),
    ],
)
def test_calculator(client, world, query, expected):
    login(client, "a-inspector")
    response = client.get("/calendar/?" + query)
    assert response.status_code == 200
    assert expected in text(response)


def test_calculator_uses_an_imported_year(client, world):
    login(client, "m-officer")
    upload(client, GOOD_CSV.encode())
    response = client.get("/calendar/?start=2026-12-30&days=5")
    # 2026-12-31, then 2027-01-01 is off: 01-04 .. 01-07
    assert "2026-12-30 之后第 5 个工作日是 2027-01-07" in text(response)


# -- import -----------------------------------------------------------------------------------


def test_import_a_correct_file(client, world):
    login(client, "m-officer")
    response = upload(client, "\ufeff".encode() + GOOD_CSV.encode())  # Excel writes a BOM
    assert response.status_code == 302
    assert response.headers["Location"] == "/calendar/?year=2027"
    page = text(client.get(response.headers["Location"]))
    assert "已导入 2027 年的 3 天。" in page
    assert NO_2027 not in page
    assert "2027 年共有 260 个工作日。" in page  # 261 weekdays, two off, one Saturday on
    assert service.load_calendar().covers(2027)
    assert db.session.get(CalendarYear, 2027).source == "国办发明电〔2026〕7号"


BAD_ROWS = [
    ("2027-01-01,holiday,元旦", None),
    ("2027-13-01,holiday,", ("3", "date", "日期不存在：2027-13-01")),
    ("2027-02-30,holiday,", ("4", "date", "日期不存在：2027-02-30")),
    ("2027-02-06,rest,", ("5", "kind", "类型应为 holiday/休 或 workday/班")),
    ("2027-01-01,workday,", ("6", "date", "日期重复（第 2 行已有）")),
    ("27-1-1,,", ("7", "date", "日期格式应为 YYYY-MM-DD")),
]


def error_rows(page: str) -> list[tuple[str, str, str]]:
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr><td>(\d+)</td><td>(\w+)</td><td>([^<]*)</td></tr>", table)


def test_a_file_with_errors_lists_every_error_and_imports_nothing(client, world):
    login(client, "m-officer")
    content = "date,kind,name\n" + "\n".join(row for row, _ in BAD_ROWS) + "\n"
    response = upload(client, content.encode())
    assert response.status_code == 200
    page = text(response)
    expected = [error for _, error in BAD_ROWS if error] + [
        ("7", "kind", "类型应为 holiday/休 或 workday/班")
    ]
    assert sorted(error_rows(page)) == sorted(expected)
    assert f"文件中有 {len(expected)} 处错误，未导入任何数据。请更正后重新上传。" in page
    assert nothing_imported()  # not even the good first row


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (
            GOOD_CSV.encode("gbk"),
            "2027.csv",
            "文件不是 UTF-8 编码的 CSV。请在 Excel 中另存为“CSV UTF-8”。",
        ),
        (b"\xff\xfe\x00\x01garbage", "2027.csv", "文件不是 UTF-8 编码的 CSV。"),
        ("日期,类型\n2027-01-01,休\n".encode(), "2027.csv", "第一行应为表头 date,kind,name。"),
        (b"", "2027.csv", "第一行应为表头 date,kind,name。"),
        (b"date,kind,name\n", "2027.csv", "文件中没有数据行。"),
        (GOOD_CSV.encode(), "2027.xlsx", "只接受 .csv 文件。"),
        # a cell longer than the csv module accepts: some other text file
        (
            ("date,kind,name\n2027-01-01,holiday," + "x" * 200_000 + "\n").encode(),
            "2027.csv",
            "文件不是有效的 CSV 表格。",
        ),
        (("date" + "x" * 200_000 + ",kind\n").encode(), "2027.csv", "文件不是有效的 CSV 表格。"),
        (b"x" * (1024 * 1024 + 1), "2027.csv", "文件超过 1 MB，不像是一份节假日安排。"),
    ],
)
def test_an_unusable_file_gets_a_clear_message(client, world, content, filename, message):
    login(client, "m-officer")
    response = upload(client, content, filename=filename)
    assert response.status_code == 200
    assert message in text(response)
    assert nothing_imported()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"source": "x"}, "请选择要导入的 CSV 文件。"),
        (
            {"file": (io.BytesIO(GOOD_CSV.encode()), "2027.csv"), "source": ""},
            "请填写安排所依据的通知文号。",
        ),
    ],
)
def test_import_form_requires_a_file_and_a_source(client, world, data, message):
    login(client, "m-officer")
    response = client.post("/calendar/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert message in text(response)
    assert nothing_imported()


@pytest.mark.parametrize("username", ["a-officer", "a-inspector", "a-admin"])
def test_only_the_ministry_imports(client, world, username):
    login(client, username)
    assert client.get("/calendar/import").status_code == 403
    assert upload(client, GOOD_CSV.encode()).status_code == 403
    assert nothing_imported()


# -- one day ----------------------------------------------------------------------------------


def test_set_and_remove_a_day(client, world):
    login(client, "m-officer")
    response = client.post(
        "/calendar/days",
        data={"on": "2020-10-09", "kind": "holiday", "name": "国庆节调整"},
        follow_redirects=True,
    )
    page = text(response)
    assert response.request.full_path == "/calendar/?year=2020"
    assert "已保存 2020-10-09。" in page
    assert "2020 年共有 248 个工作日。" in page
    row = re.search(r"<td>2020-10-09</td>(.*?)</tr>", page, re.S).group(1)
    assert "国庆节调整" in row and "管理员设置" in row
    assert "2020-09-25 之后第 15 个工作日是 2020-10-23" in text(
        client.get("/calendar/?start=2020-09-25&days=15")
    )

    response = client.post("/calendar/days/2020-10-09/remove", follow_redirects=True)
    page = text(response)
    assert "已删除 2020-10-09 的设置。" in page
    assert "2020 年共有 249 个工作日。" in page
    assert db.session.get(CalendarDay, date(2020, 10, 9)) is None


def test_set_day_with_a_missing_date_says_so(client, world):
    login(client, "m-officer")
    response = client.post(
        "/calendar/days", data={"on": "", "kind": "holiday"}, follow_redirects=True
    )
    assert "日期：请填写日期（YYYY-MM-DD）。" in text(response)
    assert nothing_imported()


@pytest.mark.parametrize("username", ["a-officer", "a-inspector"])
def test_only_the_ministry_sets_days(client, world, username):
    service.set_day(date(2020, 10, 9), False, "")
    db.session.commit()
    login(client, username)
    assert (
        client.post("/calendar/days", data={"on": "2020-10-12", "kind": "holiday"}).status_code
        == 403
    )
    assert client.post("/calendar/days/2020-10-09/remove").status_code == 403
    db.session.expire_all()
    assert db.session.get(CalendarDay, date(2020, 10, 12)) is None
    assert db.session.get(CalendarDay, date(2020, 10, 9)) is not None
