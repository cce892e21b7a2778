"""The language switch: English for one user, on every page and in his next session, and
back to 简体中文; other users keep Chinese."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

OFFICER = "js-officer"
#: The top navigation in each language (the officer's menu).
NAV = {
    "zh": ["首页", "监察案件", "任务申报", "企业名录", "退出"],
    "en": ["Home", "Inspection cases", "Task filing", "Enterprise registry", "Sign out"],
}


def expect_language(page: Page, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "en" if language == "en" else "zh-CN")
    navigation = page.locator("nav.navbar")
    for label in NAV[language]:
        expect(navigation).to_contain_text(label)
    other = NAV["zh" if language == "en" else "en"]
    for label in other[1:4]:
        expect(navigation).not_to_contain_text(label)


def test_english_for_the_officer_on_every_page_and_next_time(login, shot):
    page = login(OFFICER)
    expect_language(page, "zh")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("您好，李明"))

    page.get_by_role("button", name="English").click()
    expect_language(page, "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Hello, 李明"))
    assert page.url.endswith("/")  # back on the page it was switched from

    page.get_by_role("link", name="Task filing").first.click()
    expect_language(page, "en")
    expect(
        page.get_by_role("heading", name=re.compile("2020 special supervision tasks"))
    ).to_contain_text("Draft")
    expect(page.get_by_role("link", name="Add task")).to_be_visible()
    shot(page, "english-filing")

    page.get_by_role("link", name="Full-coverage check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Full-coverage check (nothing missing, nothing misfiled)"
    )
    page.get_by_role("link", name="Enterprise registry").first.click()
    expect_language(page, "en")
    expect(page.locator("main")).to_contain_text(
        "南京金陵石化炼油有限公司"
    )  # data stays as entered

    # Kept on the account: his next session, in another browser, opens in English.
    later = login(OFFICER)
    expect_language(later, "en")
    # Another user is not affected.
    ministry = login("ministry")
    expect_language(ministry, "zh")


def test_back_to_simplified_chinese(login):
    page = login(OFFICER)  # the previous test left him in English
    expect_language(page, "en")
    page.get_by_role("link", name="Task filing").first.click()
    filing_url = page.url
    page.get_by_role("button", name="简体中文").click()
    expect_language(page, "zh")
    assert page.url == filing_url
    expect(
        page.get_by_role("heading", name=re.compile("江苏省 2020 年专项监察任务"))
    ).to_contain_text("填报中")
    page.get_by_role("link", name="全覆盖核对").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("全覆盖核对（不漏报、不错报）")

    later = login(OFFICER)
    expect_language(later, "zh")
