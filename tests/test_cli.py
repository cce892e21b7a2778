"""The command line: init, demo, users and calendar import."""

from datetime import date

import pytest
from sqlalchemy import func, select

from conftest import PASSWORD
from supervision.accounts.service import by_username
from supervision.calendar.models import CalendarDay, CalendarYear
from supervision.calendar.service import load_calendar
from supervision.core.models import AuditEntry, Organisation, Role, Setting, User
from supervision.demo.service import ACCOUNTS, DEMO_PASSWORD
from supervision.extensions import db

STRONG = "Strong-pass-2026"


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args, **kwargs):
        result = runner.invoke(args=list(args), **kwargs)
        db.session.expire_all()
        return result

    return invoke


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# -- init -------------------------------------------------------------------------------------


def test_init_on_an_empty_database_seeds_the_national_units(cli, database):
    result = cli("init")
    assert result.exit_code == 0, result.output
    assert "added 38 organisations, 20 industries, 1 plans" in result.output
    assert count(Organisation) == 38


def test_init_is_idempotent(cli, national):
    before = count(Organisation)
    for _ in range(2):
        result = cli("init")
        assert result.exit_code == 0, result.output
        assert "added 0 organisations, 0 industries, 0 plans" in result.output
    assert count(Organisation) == before == 38


# -- demo -------------------------------------------------------------------------------------


def test_demo_on_an_empty_database_creates_the_demo_accounts(cli, database):
    result = cli("demo")
    assert result.exit_code == 0, result.output
    assert f"({len(ACCOUNTS)} accounts added)" in result.output
    usernames = set(db.session.scalars(select(User.username)))
    assert usernames == {account[0] for account in ACCOUNTS}
    for username, *_ in ACCOUNTS:
        assert username in result.output
    assert DEMO_PASSWORD in result.output
    inspector = by_username("js-inspector3")
    assert inspector.organisation.name == "昆山市节能监察大队"
    assert inspector.organisation.parent.division_code == "320500"
    assert inspector.roles == {Role.INSPECTOR}
    assert by_username("ministry").roles == {Role.MINISTRY_OFFICER}
    assert db.session.get(Setting, "dataset").value == "demo"


def test_demo_is_idempotent(cli, database):
    assert cli("demo").exit_code == 0
    before = (count(User), count(Organisation), count(Setting))
    result = cli("demo")
    assert result.exit_code == 0, result.output
    assert "(0 accounts added)" in result.output
    assert (count(User), count(Organisation), count(Setting)) == before


def test_demo_after_init(cli, national):
    result = cli("demo")
    assert result.exit_code == 0, result.output
    assert count(User) == len(ACCOUNTS)


def test_demo_refuses_a_database_with_real_accounts(cli, make_user):
    make_user("real-officer", Role.PROVINCIAL_OFFICER, "320000")
    organisations = count(Organisation)
    result = cli("demo")
    assert result.exit_code == 1
    assert (
        "This database holds accounts that are not demo data; refusing to add demo data."
        in result.stderr
    )
    assert list(db.session.scalars(select(User.username))) == ["real-officer"]
    assert count(Organisation) == organisations
    assert db.session.get(Setting, "dataset") is None


# -- users ------------------------------------------------------------------------------------


def create_args(*extra, username="zhang.san", org="320000", roles=("provincial_officer",)):
    args = ["users", "create", "--username", username, "--name", "张三", "--org", org]
    for role in roles:
        args += ["--role", role]
    return [*args, *extra]


def test_users_create_with_the_password_option(cli, national):
    result = cli(*create_args("--password", STRONG, roles=("provincial_officer", "sysadmin")))
    assert result.exit_code == 0, result.output
    assert "Created zhang.san (provincial_officer, sysadmin) in 江苏省." in result.output
    user = by_username("zhang.san")
    assert user.full_name == "张三"
    assert user.roles == {Role.PROVINCIAL_OFFICER, Role.SYSADMIN}
    assert user.organisation.division_code == "320000"
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.entity == "users", AuditEntry.entity_id == str(user.id))
    )
    assert (entry.action, entry.source, entry.actor_name, entry.actor_id) == (
        "create",
        "cli",
        "command line",
        None,
    )


def test_users_create_prompts_for_the_password(cli, national):
    result = cli(
        *create_args(org="ministry", roles=("ministry_officer",)), input=f"{STRONG}\n{STRONG}\n"
    )
    assert result.exit_code == 0, result.output
    user = by_username("zhang.san")
    assert user.roles == {Role.MINISTRY_OFFICER}
    assert user.organisation.division_code is None  # the ministry
    from supervision.accounts.service import authenticate

    assert authenticate("zhang.san", STRONG, now=user.created_at) == user


def test_users_create_an_inspector_with_a_certificate(cli, national):
    result = cli(
        *create_args(
            "--certificate",
            "苏执 001",
            "--certificate-expires",
            "2028-06-30",
            "--password",
            STRONG,
            roles=("inspector",),
        )
    )
    assert result.exit_code == 0, result.output
    user = by_username("zhang.san")
    assert (user.certificate_number, user.certificate_expires_on) == ("苏执 001", date(2028, 6, 30))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"org": "999999"}, "No organisation with code '999999'"),
        ({"password": "short-1"}, "密码至少需要 10 个字符。"),
        ({"password": "abcdefghijkl"}, "密码须包含字母、数字、符号中的至少两类。"),
        ({"roles": ("ministry_officer",)}, "“部级业务人员”角色不能授予“江苏省”的用户。"),
        ({"roles": ("inspector",)}, "监察人员须填写行政执法证号。"),
        ({"username": "a-officer"}, "用户名“a-officer”已被使用。"),
        ({"username": "zhang san"}, "用户名为 3–64 个字符"),
    ],
)
def test_users_create_refusals(cli, make_user, overrides, message):
    make_user("a-officer", Role.PROVINCIAL_OFFICER, "320000")
    before = count(User)
    password = overrides.pop("password", STRONG)
    result = cli(*create_args("--password", password, **overrides))
    assert result.exit_code == 1
    assert message in result.stderr
    assert count(User) == before


def test_users_create_rejects_an_unknown_role(cli, national):
    result = cli(*create_args("--password", STRONG, roles=("superuser",)))
    assert result.exit_code == 2
    assert "superuser" in result.output
    assert count(User) == 0


def test_users_list(cli, world):
    result = cli("users", "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == count(User) == 10  # the world: 9 domain and admin accounts and one expert
    line = next(line for line in lines if line.startswith("a-inspector "))
    assert line.split()[:3] == ["a-inspector", "active", "inspector"]
    assert line.endswith(world.a_agency.name)

    result = cli("users", "list", "--org", "330000")
    assert sorted(line.split()[0] for line in result.output.splitlines()) == [
        "b-admin",
        "b-officer",
    ]


def test_users_disable(cli, world):
    token = world.a_inspector.session_token
    result = cli("users", "disable", "A-Inspector")
    assert result.exit_code == 0, result.output
    assert "Disabled a-inspector." in result.output
    user = by_username("a-inspector")
    assert not user.active
    assert user.session_token != token
    assert "disabled" in next(
        line for line in cli("users", "list").output.splitlines() if line.startswith("a-inspector ")
    )
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.entity == "users",
            AuditEntry.entity_id == str(user.id),
            AuditEntry.action == "update",
        )
    )
    assert entry.source == "cli"
    assert entry.changes["active"] == [True, False]


def test_users_disable_an_unknown_account(cli, world):
    result = cli("users", "disable", "nobody")
    assert result.exit_code == 1
    assert "No account 'nobody'." in result.stderr


def test_a_disabled_account_cannot_log_in(cli, world, client):
    cli("users", "disable", "a-officer")
    response = client.post("/auth/login", data={"username": "a-officer", "password": PASSWORD})
    assert response.status_code == 200
    assert "用户名或密码不正确，或账号已停用。" in response.get_data(as_text=True)


# -- calendar import --------------------------------------------------------------------------


@pytest.fixture
def csv_file(tmp_path):
    def write(content, name="2027.csv"):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return str(path)

    return write


GOOD_CSV = (
    "\ufeffdate,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,班,春节调休\n\n2027-02-08,休,春节\n"
)


def test_calendar_import_a_good_file(cli, database, csv_file):
    result = cli("calendar", "import", csv_file(GOOD_CSV), "--source", "国办发明电〔2026〕7号")
    assert result.exit_code == 0, result.output
    assert "2027: 3 days imported." in result.output
    calendar = load_calendar()
    assert calendar.covers(2027)
    assert calendar.is_workday(date(2027, 2, 6))
    assert not calendar.is_workday(date(2027, 2, 8))
    assert db.session.get(CalendarYear, 2027).source == "国办发明电〔2026〕7号"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import"))
    assert (entry.entity_id, entry.source) == ("2027", "cli")


def test_calendar_import_a_bad_file(cli, database, csv_file):
    content = (
        "date,kind,name\n"
        "2027-01-01,holiday,元旦\n"
        "2027/02/06,workday,\n"
        "\n"  # a blank line still counts in the line numbers
        "2027-02-08,rest,\n"
    )
    result = cli("calendar", "import", csv_file(content), "--source", "x")
    assert result.exit_code == 1
    assert "line 3, date: 日期格式应为 YYYY-MM-DD" in result.stderr
    assert "line 5, kind: 类型应为 holiday/休 或 workday/班" in result.stderr
    assert "2 error(s); nothing imported." in result.stderr
    assert count(CalendarDay) == count(CalendarYear) == 0
    assert not load_calendar().covers(2027)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("date,kind,name\n2027-01-01,holiday,元旦\n".encode("gbk"), "The file is not UTF-8 text."),
        (b"date,kind,name\n", "The file has no data rows; nothing imported."),
        (
            ("date,kind,name\n2027-01-01,holiday," + "x" * 200_000 + "\n").encode(),
            "The file is not a readable CSV table",
        ),
    ],
)
def test_calendar_import_an_unusable_file(cli, database, csv_file, content, message):
    result = cli("calendar", "import", csv_file(content), "--source", "x")
    assert result.exit_code == 1
    assert message in result.stderr
    assert count(CalendarDay) == count(CalendarYear) == 0


@pytest.mark.parametrize(
    "args",
    [
        ["calendar", "import", "{file}"],  # no --source
        ["calendar", "import", "/nonexistent/2027.csv", "--source", "x"],
    ],
)
def test_calendar_import_usage_errors(cli, database, csv_file, args):
    path = csv_file(GOOD_CSV)
    result = cli(*[a.format(file=path) for a in args])
    assert result.exit_code == 2
    assert count(CalendarDay) == 0
