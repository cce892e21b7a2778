"""The harness itself: a server answers, a login lands on the home page, Chinese renders,
and what the browser meets that nobody asserted (a 404, a console error) is caught."""

from playwright.sync_api import expect

from conftest import PROBLEMS, expect_http_errors


def test_login_lands_on_the_home_page(login, shot):
    page = login("ministry")
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好，王建国")
    assert shot(page, "ministry-home").stat().st_size > 10_000


def test_unexpected_errors_are_collected_and_expected_ones_allowed(request, anonymous):
    page = anonymous()
    page.goto("/disclosure/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    with expect_http_errors(page):
        assert page.goto("/no-such-page").status == 404
    problems = request.node.stash[PROBLEMS]
    assert problems == []

    page.goto("/no-such-page-either")
    page.evaluate("console.error('从页面脚本报告的错误')")
    page.evaluate("0")
    assert any("HTTP 404 for GET" in p and "no-such-page-either" in p for p in problems)
    assert any("从页面脚本报告的错误" in p for p in problems)
    problems.clear()  # seen: this test expected them


def test_flask_commands_run_against_the_servers_instance(live_server):
    # The server's own database: the demo accounts are there, the run's environment aside.
    result = live_server.flask("users", "list")
    assert "js-officer" in result.stdout and "江苏省" in result.stdout
