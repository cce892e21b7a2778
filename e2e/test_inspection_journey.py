"""An inspector's calculations on his open cases, through the pages: the energy-quota check of
a sulphuric-acid plant (category 一), the ladder electricity price of an aluminium smelter
(二) and a data centre's year of PUE readings with its trend chart (四).

The demo's 河南 inspector 吴敏 (``ha-inspector``) holds these cases; each test opens its case
from his 监察案件 list, types the figures and reads the verdict the page shows.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from inspection_support import INSPECTOR, drawn_pixels, flash, open_case
from playwright.sync_api import expect

ACID = "河南硫酸化工有限公司"
SMELTER = "河南中孚电解铝有限公司"
DATA_CENTRE_OWNER = "郑州中原数据中心有限公司"
DATA_CENTRE = "郑州中原数据中心 1 号楼"


def test_quota_check_shows_the_verdict_with_its_numbers(login, shot):
    page = login(INSPECTOR)
    open_case(page, ACID, "专项监察一")
    page.get_by_role("link", name="能耗限额核算", exact=True).click()
    expect(page.get_by_text("2019-12-31 有效的限额标准")).to_be_visible()
    expect(page.locator("table").first).to_contain_text("-115 kgce/t")

    # The worked example of tests/inspections/test_calculation_views.py: 100 000 t of acid,
    # 10 000 000 kWh used and 80 000 000 kWh exported:
    # (10 000 000 − 80 000 000) × 0.1229 kgce/kWh ÷ 100 000 t = −86.03 kgce/t > −115.
    page.get_by_label("产品 · 指标").select_option(
        label="硫磺制酸 · 单位产品综合能耗（kgce/t，GB 29141-2012）"
    )
    page.get_by_label("产量", exact=True).fill("100 000")
    page.get_by_label("电力（kWh）", exact=True).fill("10 000 000")
    page.get_by_label("外供电力（kWh）", exact=True).fill("80 000 000")
    page.get_by_role("button", name="核算并保存").click()

    expect(flash(page)).to_contain_text("核算结果已保存：超过限定值。")
    verdict = page.locator(".verdict").first
    expect(verdict.locator(".badge").first).to_have_text("超过限定值")
    expect(verdict).to_contain_text("单位产品综合能耗 -86.03 kgce/t")
    expect(verdict).to_contain_text("超过限定值 -115 kgce/t（GB 29141-2012）")
    expect(verdict).to_contain_text("28.97")  # over the limit by 28.97 kgce/t
    formula = verdict.locator(".formula")
    expect(formula).to_contain_text("电力 10 000 000 kWh × 0.1229 kgce/kWh = 1 229 000 kgce")
    expect(formula).to_contain_text("− 电力 80 000 000 kWh × 0.1229 kgce/kWh = 9 832 000 kgce")
    expect(formula).to_contain_text("= -86.03 kgce/t")
    expect(verdict).to_contain_text("GB 29141-2012")
    # The form keeps the figures for a correction.
    expect(page.get_by_label("外供电力（kWh）", exact=True)).to_have_value("80000000")

    # Corrected export: (10 000 000 − 110 000 000) × 0.1229 ÷ 100 000 = −122.90 ≤ −115.
    page.get_by_label("外供电力（kWh）", exact=True).fill("110 000 000")
    page.get_by_role("button", name="核算并保存").click()
    expect(flash(page)).to_contain_text("核算结果已保存：符合。")
    latest = page.locator(".verdict").first
    expect(latest.locator(".badge").first).to_have_text("符合")
    expect(latest).to_contain_text("单位产品综合能耗 -122.9 kgce/t ≤ 限定值 -115 kgce/t")
    expect(latest.locator(".formula")).to_contain_text("− 电力 110 000 000 kWh × 0.1229 kgce/kWh")
    expect(page.locator(".verdict")).to_have_count(1)  # the correction replaces the verdict
    shot(page, "inspector-quota-verdict")

    # The case page shows the verdict in force.
    page.get_by_role("link", name="案件", exact=True).click()
    verdicts = page.locator("ul.list-unstyled").filter(has_text="硫磺制酸 · 单位产品综合能耗")
    expect(verdicts).to_contain_text("符合")
    expect(verdicts).to_contain_text("-122.9")
    shot(page, "inspector-case-detail")


def test_aluminium_ladder_price_gives_the_tier_and_the_surcharge(login, shot):
    page = login(INSPECTOR)
    open_case(page, SMELTER, "专项监察二")
    page.get_by_role("link", name="阶梯电价核算", exact=True).click()
    expect(page.get_by_text("电解铝 · 2020 年执行电价（按 2019 年指标定档）")).to_be_visible()
    schedule = page.locator("table").first
    expect(schedule).to_contain_text("发改价格〔2013〕2530号")
    expect(schedule.locator("tr").filter(has_text="第二档")).to_contain_text("≤ 13800")

    # README's worked example: 1 375 000 000 kWh for 100 000 t in 2019 = 13 750 kWh/t, the
    # second tier (+0.02 元/kWh) on 1 400 000 000 kWh in 2020 = 28 000 000.00 元; the
    # smelter was billed at the first tier.
    page.get_by_label("上年铝液电解交流电耗（kWh）").fill("1 375 000 000")
    page.get_by_label("上年铝液产量（t）").fill("100 000")
    page.get_by_label("本年生产用电量（kWh）").fill("1,400,000,000")
    page.get_by_label("实际执行档次").select_option(label="第一档")
    page.get_by_role("button", name="核算并保存").click()

    expect(flash(page)).to_contain_text("核算结果已保存：执行档次不符。")
    verdict = page.locator(".verdict").first
    expect(verdict.locator(".badge").first).to_have_text("执行档次不符")
    formula = verdict.locator(".formula")
    expect(formula).to_contain_text(
        "2019 年铝液电解交流电耗 = 1 375 000 000 kWh ÷ 100 000 t = 13 750 kWh/t"
    )
    expect(formula).to_contain_text("0.02 元/kWh × 1 400 000 000 kWh = 28 000 000.00 元")
    numbers = page.locator("dl").filter(has_text="计算档次").first
    expect(numbers.locator("dt:text-is('计算档次') + dd")).to_have_text("第二档")
    expect(numbers.locator("dt:text-is('加价标准') + dd")).to_have_text("0.02 元/kWh")
    expect(numbers.locator("dt:text-is('应收加价电费') + dd")).to_have_text("28 000 000.00 元")
    expect(numbers.locator("dt:text-is('实际执行档次') + dd")).to_contain_text("第一档")
    expect(numbers.locator("dt:text-is('执行档次不符') + dd")).to_have_text("少收")
    shot(page, "inspector-ladder-result")


def _pue(total: int, it: int) -> Decimal:
    return (Decimal(total) / Decimal(it)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


#: 2019 (the assessed year): total and IT electricity, kWh, month by month.
READINGS_2019 = {
    1: (1_590_000, 1_080_000),
    2: (1_450_000, 1_000_000),
    3: (1_600_000, 1_090_000),
    4: (1_640_000, 1_110_000),
    5: (1_730_000, 1_150_000),
    6: (1_800_000, 1_180_000),
    7: (1_900_000, 1_210_000),
    8: (1_890_000, 1_200_000),
    9: (1_760_000, 1_160_000),
    10: (1_680_000, 1_140_000),
    11: (1_600_000, 1_110_000),
    12: (1_600_000, 1_100_000),
}


def test_a_year_of_pue_readings_gives_the_verdict_and_the_trend_chart(login, shot):
    total = sum(t for t, _ in READINGS_2019.values())
    it = sum(i for _, i in READINGS_2019.values())
    # The annual PUE is the ratio of the sums (GB/T 32910.3), not the mean of the months.
    assert (total, it, _pue(total, it)) == (20_240_000, 13_530_000, Decimal("1.50"))

    page = login(INSPECTOR)
    open_case(page, DATA_CENTRE_OWNER, "专项监察四")
    page.get_by_role("link", name="数据中心 PUE", exact=True).click()
    centre = page.locator("section.data-centre").filter(has_text=DATA_CENTRE)
    expect(centre.locator(".current-assessment")).to_contain_text("数据不全")
    centre.get_by_role("link", name="录入 2019 年月度电量").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"{DATA_CENTRE} 2019 年月度电量")
    for month, (month_total, month_it) in READINGS_2019.items():
        page.get_by_label(f"{month} 月总耗电量（kWh）", exact=True).fill(f"{month_total}")
        page.get_by_label(f"{month} 月 IT 设备耗电量（kWh）", exact=True).fill(f"{month_it}")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(flash(page)).to_contain_text("2019 年月度电量已保存（12 个月）。")
    expect(page.get_by_text("年度 PUE：1.50")).to_be_visible()

    page.get_by_role("link", name="返回案件 PUE 核算").click()
    centre = page.locator("section.data-centre").filter(has_text=DATA_CENTRE)
    current = centre.locator(".current-assessment")
    expect(current.locator(".annual-pue")).to_have_text("1.50")
    expect(current).to_contain_text("超过限定值")
    expect(current).to_contain_text("PUE 1.50 > 目标值 1.4")
    expect(current.locator(".formula")).to_have_text(
        "PUE = 总耗电量 Σ ÷ IT 耗电量 Σ = 20 240 000 ÷ 13 530 000 = 1.50"
    )
    expect(current.locator(".missing-months")).to_have_text("无")

    # The table beside the chart: each month's PUE and the year's.
    table = centre.locator(".pue-trend table")
    for month, (month_total, month_it) in READINGS_2019.items():
        expect(table.locator(f'tr[data-month="{month}"] td').last).to_have_text(
            str(_pue(month_total, month_it))
        )
    expect(table.locator("tfoot")).to_contain_text("20 240 000")
    expect(table.locator("tfoot")).to_contain_text("13 530 000")

    # The chart: ECharts (static/vendor) drew a canvas of real size with something on it.
    chart = centre.locator(".pue-chart")
    expect(chart).to_have_class(re.compile(r"\bis-drawn\b"))
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] >= 250, box
    canvas_box = chart.locator("canvas").bounding_box()
    assert canvas_box is not None and canvas_box["width"] > 300, canvas_box
    assert drawn_pixels(chart) > 2_000

    centre.get_by_role("button", name="保存核算结论").click()
    expect(flash(page)).to_contain_text(f"已保存“{DATA_CENTRE}”的 PUE 核算结论：超过限定值。")
    saved = page.locator("section.data-centre .verdict")
    expect(saved).to_contain_text(f"已保存的结论：{DATA_CENTRE}")
    expect(saved.locator(".badge").first).to_have_text("超过限定值")
    expect(saved).to_contain_text("pue_targets r1")
    expect(page.locator(".pue-chart canvas")).to_have_count(1)
    shot(page, "inspector-pue-chart")
