"""``flask annexes export`` writes the same workbooks for scheduled or bulk use."""

from __future__ import annotations

import pytest
from annexes_support import (
    filed_fixture,  # noqa: F401 (the ``filed`` fixture)
    open_xlsx,
    row_where,
)


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["annexes", "export", *args])


def test_exports_the_national_workbook(cli, filed, tmp_path):
    out = tmp_path / "national.xlsx"
    result = cli("--plan", "2020", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "9 tasks" in result.output
    book = open_xlsx(str(out))
    assert book.sheetnames[0] == "全国汇总" and len(book.sheetnames) == 65
    assert not list(tmp_path.glob(".*.part"))


def test_exports_one_province(cli, filed, tmp_path):
    out = tmp_path / "js.xlsx"
    result = cli("--plan", "2020", "--province", "320000", "--out", str(out))
    assert result.exit_code == 0, result.output
    ws = open_xlsx(str(out))["附件2"]
    assert ws[f"G{row_where(ws, 'A', '合计')}"].value == 9


def test_exports_a_template(cli, filed, tmp_path):
    out = tmp_path / "template.xlsx"
    result = cli(
        "--plan", "2020", "--province", "320000", "--template", "--filled", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert open_xlsx(str(out)).sheetnames == ["附件2", "选项"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--plan", "1999"), "No plan for 1999"),
        (("--plan", "2020", "--province", "999999"), "No provincial unit"),
        (("--plan", "2020", "--province", "320100"), "No provincial unit"),
        (("--plan", "2020", "--template"), "--template needs --province"),
    ],
)
def test_unknown_plans_and_provinces_fail_clearly(cli, filed, tmp_path, args, message):
    out = tmp_path / "x.xlsx"
    result = cli(*args, "--out", str(out))
    assert result.exit_code == 1
    assert message in result.output
    assert not out.exists()


def test_an_unwritable_destination_fails_clearly(cli, filed, tmp_path):
    result = cli("--plan", "2020", "--province", "320000", "--out", str(tmp_path / "no" / "x.xlsx"))
    assert result.exit_code == 1
    assert "Cannot write" in result.output
