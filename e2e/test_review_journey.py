"""An expert review from set-up to ranking: a ministry officer sets up the review and its
applicants and draws the committee at random under a second officer's eyes (conflicted experts
recused); the five drawn experts score on their own accounts, blind to each other; the ranking
shown is the one the scores entered give (mean of the members' totals plus the price score,
top-down within the funds and the call's limit)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from campaign_support import beijing_now, column, flash, table_rows
from playwright.sync_api import Page, expect

from conftest import expect_http_errors

TITLE = "再制造产品推广试点企业补充评审"
CONVENER = "工业和信息化部、财政部相关司局"
ORGANISER = "中国循环经济协会再制造专业委员会"
#: The competent and supervising departments: their staff are recused.
DEPARTMENTS = ("工业和信息化部节能与综合利用司", "财政部经济建设司")
FUNDS_WAN, MAX_SELECTED = Decimal("1000"), 2
ITEMS = (("企业综合实力", 40), ("推广实施方案", 50))
PRICE_POINTS = 10
SEED = "20261122-监督人报数-0417"
WITNESS = "陈红"  # ministry2, the officer who witnesses committee draws
#: (name, English short name, principal, requested 万元, price quote 元). The demo pool's
#: 蒋丽 declared an economic interest in 淄博鲁中 (recused once it applies).
APPLICANTS = (
    ("淄博鲁中变速箱再制造有限公司", "LUZHONG", "赵强", "450", "41000"),
    ("苏州华东发动机再制造有限公司", "HUADONG", "钱峰", "500", "39000"),
    ("合肥江淮传动再制造有限公司", "JIANGHUAI", "孙磊", "300", "40000"),
)
#: Each applicant's points on the two items, moved by each member (by draw position) by
#: ITEM_OFFSETS: 鲁中's mean is above 华东's, but 华东's lower quote puts it ahead.
BASE_POINTS = {
    "LUZHONG": ("33.5", "41.0"),
    "HUADONG": ("33.0", "41.3"),
    "JIANGHUAI": ("34.0", "43.5"),
}
ITEM_OFFSETS = (("0", "0.5"), ("1.0", "-1.0"), ("-0.5", "1.5"), ("0.5", "0"), ("-1.0", "-0.5"))
RECUSED = {
    "冯伟": "项目主管部门或者行政监督部门的人员（工作单位：工业和信息化部节能与综合利用司）",
    "蒋丽": "与申请单位有经济利益关系，可能影响公正评审（申报：淄博鲁中变速箱再制造有限公司）",
}


def points(position: int, short: str) -> tuple[str, str]:
    """What the member drawn at ``position`` (1…) gives ``short`` on each item."""
    return tuple(
        str(Decimal(base) + Decimal(offset))
        for base, offset in zip(BASE_POINTS[short], ITEM_OFFSETS[position - 1], strict=True)
    )


def two(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def expected_ranking(members: int) -> list[dict]:
    """The ranking the entered scores give, worked out here as the seed's 第十条 reads: each
    member's total; their mean and the price score (lowest quote ÷ quote × 10) to 2 decimals,
    half up; highest final first; taken top-down while the requests fit the funds and the
    call's limit."""
    lowest = min(Decimal(quote) for *_rest, quote in APPLICANTS)
    rows = []
    for name, short, _principal, wan, quote in APPLICANTS:
        totals = [sum(Decimal(p) for p in points(m, short)) for m in range(1, members + 1)]
        mean = two(sum(totals) / len(totals))
        price = two(PRICE_POINTS * lowest / Decimal(quote))
        rows.append(
            {
                "name": name,
                "short": short,
                "totals": [str(t) for t in totals],
                "mean": mean,
                "price": price,
                "final": two(mean + price),
                "wan": Decimal(wan),
            }
        )
    rows.sort(key=lambda row: row["final"], reverse=True)
    assert len({row["final"] for row in rows}) == len(rows)  # no ties in this journey
    spent = Decimal(0)
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
        row["within"] = rank <= MAX_SELECTED and spent + row["wan"] <= FUNDS_WAN
        spent += row["wan"] if row["within"] else 0
    return rows


def open_review(page: Page) -> None:
    page.locator("#mainnav").get_by_role("link", name="专家评审", exact=True).click()
    page.get_by_role("link", name=TITLE, exact=True).click()
    expect(page.locator("h1")).to_contain_text(TITLE)


def committee_names(page: Page) -> list[str]:
    """The members in draw order, from the review page's committee list."""
    return [text.split("（")[0].strip() for text in page.locator("#members li").all_inner_texts()]


def test_organiser_sets_up_the_review_and_draws_the_committee(login, shot):
    page = login("ministry")
    page.locator("#mainnav").get_by_role("link", name="专家评审", exact=True).click()
    page.get_by_role("link", name="新建评审").click()
    # The detailed review is today: the experts can score at once (the page will say the
    # committee is drawn later than the week before).
    meets_on = beijing_now().date()
    page.get_by_label("评审名称").fill(TITLE)
    page.get_by_label("征集人").fill(CONVENER)
    page.get_by_label("评审组织机构").fill(ORGANISER)
    page.get_by_label("项目主管部门和行政监督部门").fill("\n".join(DEPARTMENTS))
    page.get_by_label("详细评审日期").fill(meets_on.isoformat())
    page.get_by_label("评审地点").fill("北京市西城区三里河路 46 号")
    items = [f"{name}|{most}" for name, most in ITEMS] + [f"价格|{PRICE_POINTS}|价格"]
    page.get_by_label("评分项目").fill("\n".join(items))
    page.get_by_label("资金规模（万元）").fill(str(FUNDS_WAN))
    page.get_by_label("征集上限（家）").fill(str(MAX_SELECTED))
    page.get_by_role("button", name="保存").click()
    expect(flash(page)).to_have_text(f"已创建评审“{TITLE}”，请添加申请单位。")

    for name, short, principal, wan, quote in APPLICANTS:
        page.get_by_role("link", name="添加申请单位").click()
        page.get_by_label("申请单位").fill(name)
        page.get_by_label("英文简称").fill(short.lower())  # kept in capitals
        page.get_by_label("主要负责人").fill(principal)
        page.get_by_label("申请资金（万元）").fill(wan)
        page.get_by_label("报价（元）").fill(quote)
        page.get_by_label("陈述人").fill(principal)
        page.get_by_role("button", name="保存").click()
        expect(flash(page)).to_have_text(f"已添加申请单位“{name}”。")
    # Presentations in the order of the English short names.
    shorts = column(page.locator("#candidates"), "英文简称")
    assert shorts == sorted(short for _n, short, *_rest in APPLICANTS)

    page.get_by_role("link", name="抽取评审委员会").click()
    expect(page.locator("#draw-basis")).to_contain_text("专家名单在库 14 人（不得少于 12 人）")
    page.get_by_label("随机种子").fill(SEED)
    page.get_by_label("监督人").select_option(label="（请选择）")
    with expect_http_errors(page):
        page.get_by_role("button", name="抽取", exact=True).click()
        expect(page.locator(".invalid-feedback")).to_have_text("请选择监督人。")
    page.get_by_label("监督人").select_option(label=WITNESS)
    page.get_by_role("button", name="抽取", exact=True).click()
    expect(flash(page)).to_have_text(
        f"已抽取评审委员会（随机种子 {SEED}，在库专家 14 人，回避 2 人）。"
    )

    # The draw as recorded: seed, witness, recusals with their grounds, the order redone.
    expect(page.locator("#seed")).to_have_text(SEED)
    expect(page.locator("#witness")).to_have_text(WITNESS)
    expect(page.locator("#eligible-count")).to_have_text("12 人（回避或职称不符 2 人）")
    expect(page.locator("#verify-result")).to_have_attribute("data-ok", "1")
    excluded = {row[0]: row[2] for row in table_rows(page.locator("#excluded"))}
    assert excluded == RECUSED
    order = table_rows(page.locator("#order"))
    assert [row[0] for row in order] == [str(n) for n in range(1, 13)]
    assert [row[5] for row in order] == ["委员"] * 5 + ["候补"] * 7
    assert not {row[1] for row in order} & set(RECUSED)
    kinds = {row[3] for row in order[:5]}
    assert "技术" in kinds and kinds & {"经济", "财务"}  # technical and economic experts
    members = [row[1] for row in order[:5]]
    shot(page, "review-committee-draw")

    # The committee elects its chair: the first drawn, say.
    page.locator(".breadcrumb").get_by_role("link", name="评审委员会").click()
    assert [row[1] for row in table_rows(page.locator("#members"))] == members
    page.get_by_label("评审委员会推荐产生的主任").select_option(label=members[0])
    page.get_by_role("button", name="记录主任").click()
    expect(flash(page)).to_have_text(f"评审委员会主任：{members[0]}。")

    open_review(page)
    assert committee_names(page) == members
    expect(page.locator("#members li").first).to_contain_text("主任")


def accounts_of_experts(page: Page) -> dict[str, str]:
    """Expert name → login, from the pool page."""
    page.locator("#mainnav").get_by_role("link", name="专家评审", exact=True).click()
    page.get_by_role("link", name="专家名单").click()
    table = page.locator("#experts")
    return dict(zip(column(table, "姓名"), column(table, "登录账号"), strict=True))


def score_all(page: Page, position: int) -> list[str]:
    """The member at ``position`` scores every applicant and submits; his totals as his own
    sheets list shows them."""
    page.on("dialog", lambda dialog: dialog.accept())  # "提交后评分不能修改。确定提交？"
    page.locator("#mainnav").get_by_role("link", name="我的评审", exact=True).click()
    page.locator(".card", has_text=TITLE).get_by_role("link", name="评分进度").click()
    sheets = page.locator("#my-sheets")
    for name, short, *_rest in APPLICANTS:
        sheets.get_by_role("row", name=short).get_by_role("link", name="评分").click()
        expect(page.locator("h1")).to_have_text(f"评分表 · {name}")
        for (item, _most), value in zip(ITEMS, points(position, short), strict=True):
            page.get_by_label(item, exact=True).fill(value)
        page.get_by_label("评审意见").fill(f"{short}：材料齐全，方案可行。")
        page.get_by_role("button", name="提交评分").click()
        expect(flash(page)).to_have_text(f"已提交对 {name} 的评分。")
    return column(sheets, "我的评分")


def test_drawn_experts_score_blind_on_their_own_accounts(login):
    organiser = login("ministry")
    accounts = accounts_of_experts(organiser)
    open_review(organiser)
    members = committee_names(organiser)
    assert len(members) == 5

    # A recused expert does not sit on it.
    recused = login(accounts["冯伟"])
    recused.locator("#mainnav").get_by_role("link", name="我的评审", exact=True).click()
    expect(recused.locator("main")).not_to_contain_text(TITLE)

    for position, name in enumerate(members, start=1):
        page = login(accounts[name])
        shown = score_all(page, position)
        # In presentation order (by English short name), each total to one decimal.
        totals = {short: sum(Decimal(p) for p in points(position, short)) for short in BASE_POINTS}
        assert shown == [str(totals[short]) for short in sorted(totals)]
        if position == 1:
            # Blind: nobody sees the points until every sheet is in.
            page.locator("#mainnav").get_by_role("link", name="我的评审", exact=True).click()
            page.locator(".card", has_text=TITLE).get_by_role("link", name="评审结果").click()
            expect(page.locator("#not-yet")).to_have_text(
                "全体委员提交全部评分表后才能查看评分和排序。"
            )
        page.context.close()

    organiser.get_by_role("link", name="评分进度").click()
    sheets = len(members) * len(APPLICANTS)
    expect(organiser.locator("main")).to_contain_text(f"已提交 {sheets} / {sheets} 份评分表")


def test_ranking_shown_is_the_one_the_scores_give(login, shot):
    page = login("ministry")
    open_review(page)
    members = committee_names(page)
    page.locator("#review-parts").get_by_role("link", name="评审结果").click()
    expected = expected_ranking(len(members))

    ranking = page.locator("#ranking")
    headers = [" ".join(h.split()) for h in ranking.locator("thead th").all_inner_texts()]
    assert headers[2 : 2 + len(members)] == [members[0] + "（主任）", *members[1:]]
    rows = table_rows(ranking)
    assert [row[1] for row in rows] == [f"{e['name']} {e['short']}" for e in expected]
    for row, want in zip(rows, expected, strict=True):
        rank, _name, *totals = row[: 2 + len(members)]
        mean, price, final, wan, within = row[2 + len(members) :]
        assert rank == str(want["rank"])
        assert totals == want["totals"]
        assert (mean, price, final) == (str(want["mean"]), str(want["price"]), str(want["final"]))
        assert Decimal(wan) == want["wan"]
        assert within == ("是" if want["within"] else "否")
    # The price decided it: the runner-up's mean is below the third's.
    assert expected[1]["mean"] < expected[2]["mean"]
    shot(page, "review-ranking")

    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="结束评分").click()
    expect(flash(page)).to_have_text("评分已结束。请在 10 个工作日内完成评审报告。")
    expect(page.locator("#ranking tbody tr")).to_have_count(len(expected))

    # The chair now reads the same ranking on his own account.
    chair = login(accounts_of_experts(page)[members[0]])
    chair.locator("#mainnav").get_by_role("link", name="我的评审", exact=True).click()
    chair.locator(".card", has_text=TITLE).get_by_role("link", name="评审结果").click()
    assert [row[1] for row in table_rows(chair.locator("#ranking"))] == [
        f"{e['name']} {e['short']}" for e in expected
    ]
    assert re.search(r"已提交 15 / 15 份评分表", chair.locator("main").inner_text())
