"""``flask enterprises import``: the same checks and all-or-nothing import as the web page."""

import csv
import io

import pytest
from sqlalchemy import func, select

from conftest import credit_code
from supervision.core.models import AuditEntry
from supervision.enterprises.importing import COLUMNS
from supervision.enterprises.models import Enterprise
from supervision.extensions import db
from supervision.imports.models import ImportJob


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        result = runner.invoke(args=list(args))
        db.session.expire_all()
        return result

    return invoke


def write_csv(path, rows, encoding="utf-8-sig"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header for c in COLUMNS])
    for serial, name, division in rows:
        writer.writerow(
            [
                credit_code(serial),
                name,
                "",
                division,
                "水泥",
                "",
                "生产",
                "",
                "是",
                "",
                "",
                "",
                "",
                "",
            ]
        )
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Enterprise))


def test_import_a_good_file(cli, national, tmp_path):
    path = write_csv(tmp_path / "名录.csv", [(1, "甲", "320102"), (2, "乙", "320583")], "gb18030")
    result = cli("enterprises", "import", str(path), "--province", "320000")
    assert result.exit_code == 0, result.output
    assert "Imported 2 enterprises into 江苏省" in result.output
    assert count() == 2
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import"))
    job = db.session.scalar(select(ImportJob))
    assert (entry.entity, entry.entity_id, entry.source) == ("import_jobs", str(job.id), "cli")
    assert entry.actor_id is None and entry.changes == {
        "kind": [None, "enterprises"],
        "rows": [None, 2],
    }
    assert job.user_id is None and job.status == "done"
    assert path.exists()  # the command's own file is never removed


def test_errors_are_printed_with_their_rows_and_nothing_is_imported(cli, national, tmp_path):
    path = write_csv(
        tmp_path / "名录.csv", [(1, "甲", "320102"), (2, "", "320102"), (1, "丙", "330102")]
    )
    result = cli("enterprises", "import", str(path), "--province", "320000")
    assert result.exit_code == 1
    assert "row 3, 企业名称: 请填写企业名称。" in result.output
    assert (
        "row 4, 统一社会信用代码: 统一社会信用代码" in result.output
        and "与第 2 行重复" in result.output
    )
    assert "row 4, 行政区划代码: 行政区划代码 330102 不在江苏省。" in result.output
    assert "nothing imported" in result.output
    assert count() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--province", "999999"], "No provincial unit with code '999999'."),
        (["--province", "320100"], "No provincial unit with code '320100'."),
    ],
)
def test_unknown_province_is_refused(cli, national, tmp_path, args, message):
    path = write_csv(tmp_path / "名录.csv", [(1, "甲", "320102")])
    result = cli("enterprises", "import", str(path), *args)
    assert result.exit_code == 1 and message in result.output


def test_a_file_that_is_not_a_table_is_refused(cli, national, tmp_path):
    path = tmp_path / "名录.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = cli("enterprises", "import", str(path), "--province", "320000")
    assert result.exit_code == 1
    assert "文件内容不是 Excel 工作簿" in result.output
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 0
