"""A verification campaign (节能产品惠民工程推广信息核查) as 江苏 works it: the provincial officer
re-draws the phone and home checks at the campaign's rates (a re-draw needs a reason), sees the
drawn records and the bulk buyers and exports the call and home-visit sheets; an inspector of
the unit's tasks sees the draw, may not draw, and exports the sheet with full contacts."""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, Decimal

from campaign_support import (
    beijing_now,
    cells,
    column,
    download,
    flash,
    minutes_between,
    sheet_table,
    table_rows,
)
from playwright.sync_api import Page, expect

from conftest import expect_http_errors

CAMPAIGN = "节能产品惠民工程第二批推广信息核查"
SEED = "E2E-20130321-监督人报数"
WITNESS = "江苏省经济和信息化委员会监察室 赵敏"
REASON = "原抽样时监督人未全程到场，经处务会研究重新公开抽样"
#: The demo's planted bulk buyer, looked into as a staff-welfare purchase.
HOSPITAL = "南京市玄武区人民医院"
#: The value (dd) of a fact (dt).
NEXT_DD = "xpath=following-sibling::dd[1]"


def quota(rate_percent: str, population: int) -> int:
    """⌈rate × population⌉, as the campaign notice asks (向上取整)."""
    exact = Decimal(rate_percent) / 100 * population
    return int(exact.to_integral_value(rounding=ROUND_CEILING))


def open_unit_samples(page: Page) -> tuple[str, str]:
    """From the menu to 江苏's 抽样核查 tab; returns the campaign's phone and visit rates (%)
    as its page states them."""
    page.locator("#mainnav").get_by_role("link", name="推广信息核查", exact=True).click()
    page.get_by_role("link", name=CAMPAIGN).click()
    rates = page.locator("dt", has_text="终端用户抽样").locator(NEXT_DD).inner_text()
    found = re.search(r"电话核查\s*([\d.]+)\s*%，入户核查\s*([\d.]+)\s*%", rates)
    assert found, rates
    page.get_by_role("row", name="江苏省").get_by_role("link", name="进入").click()
    page.locator(".card-title").get_by_role("link", name="抽样核查").click()
    expect(page.locator("h1")).to_contain_text("抽样核查")
    return found.group(1), found.group(2)


def test_officer_redraws_samples_and_exports_the_call_sheets(login, shot, tmp_path):
    page = login("js-officer")
    phone_rate, visit_rate = open_unit_samples(page)
    assert (phone_rate, visit_rate) == ("1", "0.5")  # the seed's 1 % and 0.5 %

    statement = page.locator("#population").inner_text()
    population = int(re.search(r"消费者销售有效信息 (\d+) 条", statement).group(1))
    phones, visits = quota(phone_rate, population), quota(visit_rate, population)
    assert f"应抽取电话核查 {phones} 条、入户核查 {visits} 条" in statement

    # The demo's witnessed draw is the active one: drawing again needs a reason.
    earlier = page.locator(".card.border-primary")
    expect(earlier).to_contain_text("有效")
    earlier_name = earlier.locator("a.fw-semibold").inner_text()  # "抽样 #n"
    earlier_seed = earlier.locator(".font-monospace").inner_text().removeprefix("种子 ")
    expect(page.locator(".alert-warning")).to_contain_text(f"本单位已有有效的{earlier_name}。")

    page.get_by_label("随机种子").fill(SEED)
    page.get_by_label("监督人").fill(WITNESS)
    with expect_http_errors(page):
        page.get_by_role("button", name="抽取", exact=True).click()
        expect(page.locator(".invalid-feedback")).to_have_text(
            f"本单位已有有效的抽样（{earlier_seed}），重新抽样须说明理由。"
        )
    page.get_by_label("重新抽样理由").fill(REASON)
    before = beijing_now()
    page.get_by_role("button", name="抽取", exact=True).click()
    expect(flash(page)).to_have_text(
        f"已抽取电话核查 {phones} 条、入户核查 {visits} 条（随机种子 {SEED}）。"
    )
    after = beijing_now()

    # The draw as recorded: anyone can redo it from the seed, the population and the method.
    facts = page.locator("#draw-facts")
    expect(facts).to_contain_text(SEED)
    expect(facts).to_contain_text(f"电话核查 {phones} 条，入户核查 {visits} 条")
    expect(facts).to_contain_text(REASON)
    drawn_line = facts.locator("dt", has_text="抽样人").locator(NEXT_DD).inner_text()
    assert drawn_line.startswith("李明 · ") and f"监督人：{WITNESS}" in drawn_line
    # Shown in Beijing time, the time the officer and the witness read on the wall.
    assert any(moment in drawn_line for moment in minutes_between(before, after)), drawn_line
    page.get_by_role("link", name="验算：按随机种子重新抽样并比对").click()
    expect(page.locator("#verify-result")).to_contain_text(
        f"验算一致：按随机种子对当前 {population} 条"
    )

    # The drawn records: phone checks and home visits, all still to check.
    items = page.locator("#draw-items")
    methods = column(items, "核查方式")
    assert methods.count("电话核查") == phones and methods.count("入户核查") == visits
    assert set(column(items, "核查结果")) == {"待核查"}
    drawn_codes = list(zip(methods, column(items, "产品唯一编码"), strict=True))
    codes = {
        method: [code for kind, code in drawn_codes if kind == method]
        for method in ("电话核查", "入户核查")
    }
    assert not set(codes["电话核查"]) & set(codes["入户核查"])  # never both checks

    # The call sheet and the home-visit sheet: the same records, in drawing order.
    for link, title, method, count in (
        ("导出电话核查表", "电话核查表", "电话核查", phones),
        ("导出入户核查表", "入户核查表", "入户核查", visits),
    ):
        path = download(page, link, tmp_path)
        assert path.name.startswith(f"{title}-江苏省-") and path.suffix == ".xlsx"
        header, rows = sheet_table(path, "序号")
        assert header[:4] == ["序号", "消费者名称", "联系人", "联系电话"]
        assert "产品唯一编码" in header
        assert header[-4:] == ["核查结果", "核查人", "核查日期", "备注"]  # filled in by hand
        assert len(rows) == count
        assert [r[0] for r in rows] == list(range(1, count + 1))
        assert [r[header.index("产品唯一编码")] for r in rows] == codes[method]
        assert all("*" in (r[header.index("联系电话")] or "*") for r in rows)  # masked

    # Back on the unit's samples: the new draw is active, the demo's superseded (kept).
    page.locator(".breadcrumb").get_by_role("link", name="抽样核查").click()
    cards = page.locator(".card")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("有效")
    expect(cards.first).to_contain_text(f"种子 {SEED}")
    expect(cards.first).to_contain_text(f"重新抽样理由：{REASON}")
    expect(cards.nth(1)).to_contain_text(earlier_name)
    expect(cards.nth(1)).to_contain_text("已被重新抽样取代")
    shot(page, "verification-samples")

    # The bulk buyers: 5 units or more, the hospital's welfare purchase looked into and kept.
    page.locator(".nav-tabs").get_by_role("link", name="大宗用户").click()
    table = page.locator("#bulk-buyers")
    expect(table).to_be_visible()
    units = [int(n) for n in column(table, "购买台数")]
    assert units and min(units) >= 5 and units == sorted(units, reverse=True)
    hospital = table.locator("tbody tr", has_text=HOSPITAL)
    expect(hospital).to_have_count(1)
    assert cells(hospital) == [
        HOSPITAL,
        "单位",
        "12",
        "1",
        "12 单次",
        "已核查 福利 · 保留待进一步核查",
    ]
    # One person however she was recorded (15- and 18-digit ID numbers; a phone with spaces):
    # 2 + 3 units and 4 + 1 units, each buyer once.
    people = {tuple(row[:5]) for row in table_rows(table) if row[1] == "个人"}
    assert ("吴**", "个人", "5", "2", "3") in people
    assert ("周**", "个人", "5", "2", "4") in people
    shot(page, "verification-bulk-buyers")


def test_inspector_sees_the_draw_and_exports_full_contacts(login, tmp_path):
    page = login("js-inspector")
    open_unit_samples(page)
    active = page.locator(".card.border-primary")
    expect(active).to_contain_text(f"种子 {SEED}")
    # Checking is the inspector's part; drawing is the provincial officer's.
    expect(page.get_by_role("button", name="抽取", exact=True)).to_have_count(0)

    active.locator("a.fw-semibold").click()
    expect(page.locator("#draw-facts")).to_contain_text(SEED)
    facts = page.locator("#draw-facts").inner_text()
    phones = int(re.search(r"电话核查 (\d+) 条，入户核查", facts).group(1))
    # One of the people of the unit's tasks: the sheet with full contacts (audited).
    with page.expect_download() as info:
        page.get_by_role("link", name="含完整联系方式（记入日志）").first.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    header, rows = sheet_table(path, "序号")
    assert path.name.startswith("电话核查表-江苏省-") and len(rows) == phones
    phone_numbers = [r[header.index("联系电话")] for r in rows if r[header.index("联系电话")]]
    assert phone_numbers and not any("*" in n for n in phone_numbers), phone_numbers
