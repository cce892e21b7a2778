"""From a finding to the public list, through the pages: the inspector issues a 限期整改通知书
for the aluminium smelter's ladder-price finding, prints it and downloads it, records a failed
回头看; the provincial officer publishes the violator; a member of the public sees it.

The demo's 河南中孚电解铝有限公司 case (``ha-inspector``) has a finding awaiting its notice
(README.md). The tests run in order and share the module's server.
"""

from __future__ import annotations

import io
import re

import docx
from inspection_support import INSPECTOR, OFFICER, anonymous_page, flash, open_case
from playwright.sync_api import expect

SMELTER = "河南中孚电解铝有限公司"
AGENCY = "洛阳市节能监察支队"
#: The agency's first notice of 2020 (the year of service): README's example number.
NUMBER = "洛阳节监改〔2020〕1号"
MEASURES = "按第二档补缴2020年阶梯加价电费\n提交整改报告及电费结算单"


def test_inspector_issues_the_notice_and_prints_it(login, shot):
    page = login(INSPECTOR)
    open_case(page, SMELTER, "专项监察二")
    expect(page.locator("h1 .badge").last).to_have_text("已记录问题")
    page.get_by_role("link", name="下达限期整改通知书").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("下达限期整改通知书")
    # The case's finding, ticked, with its kind.
    finding = page.get_by_role("checkbox", name=re.compile(r"^阶梯电价执行档次不符：.*13 750 kWh"))
    expect(finding).to_be_checked()
    page.get_by_label("整改要求").fill(MEASURES)
    page.get_by_label("送达后 N 个工作日").check()
    page.get_by_label("期限天数 N").fill("15")
    page.get_by_label("送达日期").fill("2020-09-25")
    # README's worked example: 15 working days from 2020-09-25 end on 2020-10-22, after the
    # National Day holiday (2020-10-01 … 10-08, with the make-up Saturday 10-10 a working day).
    page.get_by_role("button", name="计算整改期限").click()
    preview = page.get_by_role("status")
    expect(preview).to_contain_text("整改期限：2020-10-22")
    expect(preview).to_contain_text("请于2020年10月22日前（自送达之日起15个工作日内）完成整改")
    page.get_by_role("button", name="下达通知书").click()

    expect(flash(page)).to_have_text(f"已下达限期整改通知书 {NUMBER}，整改期限 2020-10-22。")
    expect(page.get_by_role("heading", level=1)).to_contain_text(NUMBER)
    expect(page.get_by_role("heading", level=1)).to_contain_text("已下达")
    expect(page.locator("dt:text-is('整改期限') + dd").first).to_have_text("2020-10-22")
    expect(page.get_by_text("13 750 kWh/t")).to_be_visible()
    shot(page, "rectification-notice")

    # The printed notice: A4 sheet with the agency's heading, number, findings, the deadline
    # in words, room for the seal and the receipt.
    page.get_by_role("link", name="打印通知书").click()
    sheet = page.locator("article.sheet")
    expect(sheet.locator(".agency")).to_have_text(AGENCY)
    expect(sheet.locator(".title")).to_have_text("限期整改通知书")
    expect(sheet.locator(".number")).to_have_text(NUMBER)
    expect(sheet.locator(".addressee")).to_have_text(f"{SMELTER}：")
    expect(sheet).to_contain_text("2020年9月10日，本机构依法对你单位开展了节能监察")
    expect(sheet.locator(".findings li")).to_have_count(1)
    expect(sheet.locator(".findings li")).to_contain_text("13 750 kWh/t")
    expect(sheet).to_contain_text("按第二档补缴2020年阶梯加价电费")
    expect(sheet.locator(".deadline")).to_have_text(
        "请于2020年10月22日前（自送达之日起15个工作日内）完成整改，并将整改情况书面报送本机构。"
    )
    expect(sheet.locator(".signature")).to_contain_text("2020年9月25日")
    expect(sheet.locator(".receipt")).to_contain_text("签收人（签字）：")
    shot(page, "rectification-notice-print")
    # Printed, the toolbar disappears and the sheet stays.
    page.emulate_media(media="print")
    expect(page.locator(".print-toolbar")).to_be_hidden()
    expect(sheet).to_be_visible()
    page.emulate_media(media="screen")

    # The Word document says the same.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 Word").click()
    download = download_info.value
    assert download.suggested_filename == f"限期整改通知书{NUMBER}.docx"
    document = docx.Document(io.BytesIO(download.path().read_bytes()))
    paragraphs = [p.text for p in document.paragraphs]
    assert AGENCY in paragraphs and NUMBER in paragraphs and f"{SMELTER}：" in paragraphs
    assert any("请于2020年10月22日前" in p for p in paragraphs), paragraphs
    assert any("13 750 kWh/t" in p for p in paragraphs), paragraphs

    # Back on the case: it is now 责令整改, with the notice listed.
    page.get_by_role("link", name="返回通知书").click()
    page.get_by_role("link", name=re.compile(r"^案件 #\d+$")).click()
    expect(page.locator("h1 .badge").last).to_have_text("责令整改")
    expect(page.get_by_role("link", name=NUMBER)).to_be_visible()


def test_inspector_records_a_failed_reinspection(login, shot):
    page = login(INSPECTOR)
    page.locator("nav.navbar").get_by_role("link", name="限期整改", exact=True).click()
    page.get_by_role("link", name=NUMBER).click()

    form = page.locator("form").filter(has=page.get_by_role("button", name="登记复查结论"))
    form.get_by_label("复查日期").fill("2020-11-06")
    form.get_by_label("未整改", exact=True).check()
    form.get_by_label("复查情况").fill(
        "企业仍按第一档结算电价，未补缴阶梯加价电费，未提交整改报告。"
    )
    form.get_by_role("button", name="登记复查结论").click()

    expect(flash(page)).to_have_text("复查结论已登记。")
    expect(page.get_by_role("heading", level=1)).to_contain_text("未整改")
    timeline = page.locator(".list-group")
    expect(timeline).to_contain_text("2020-11-06")
    expect(timeline).to_contain_text("未补缴阶梯加价电费")
    # Not rectified: the handling decision is next.
    expect(page.get_by_role("heading", name="依法处理")).to_be_visible()
    shot(page, "rectification-reinspection-failed")


def test_officer_publishes_and_the_public_sees_the_violator(login, browser, live_server, shot):
    page = login(OFFICER)
    page.locator("nav.navbar").get_by_role("link", name="限期整改", exact=True).click()
    page.get_by_role("link", name=NUMBER).click()
    page.get_by_role("link", name="公布违规企业").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"新建公布条目：{SMELTER}")
    expect(page.get_by_text(f"依据限期整改通知书 {NUMBER}")).to_be_visible()
    # The texts come from the notice; the officer chooses what the public sees.
    expect(page.get_by_role("textbox", name="企业名称")).to_have_value(SMELTER)
    expect(page.get_by_role("textbox", name="违规事实")).to_have_value(re.compile("13 750 kWh/t"))
    expect(page.get_by_role("textbox", name="处理决定")).to_have_value(f"责令限期整改（{NUMBER}）")
    credit_code = page.get_by_role("textbox", name="统一社会信用代码").input_value()
    assert len(credit_code) == 18, credit_code
    for name in ("统一社会信用代码", "违规事实", "处理决定"):
        page.get_by_role("checkbox", name=name, exact=True).check()
    page.get_by_role("button", name="保存草稿").click()
    expect(flash(page)).to_contain_text("公布条目草稿已保存，发布前不会公开。")
    expect(page.get_by_role("heading", level=1)).to_contain_text("待发布")

    page.once("dialog", lambda dialog: dialog.accept())  # 确认发布？
    page.get_by_role("button", name="发布", exact=True).click()
    expect(flash(page)).to_contain_text("已发布，该企业现已出现在公开名单中。")
    expect(page.get_by_role("heading", level=1)).to_contain_text("已公布")
    approval = page.locator("dt:text-is('批准发布') + dd")
    expect(approval).to_contain_text("周强")
    published_on = re.search(r"\d{4}-\d{2}-\d{2}", approval.inner_text()).group()
    shot(page, "officer-publication")

    with anonymous_page(browser, live_server.url) as public:
        public.goto("/disclosure/")
        expect(public.get_by_role("heading", level=1)).to_have_text("违规企业名单公布")
        row = public.locator("tbody tr").filter(has_text=SMELTER)
        expect(row).to_have_count(1)
        expect(row).to_contain_text("河南省")
        expect(row).to_contain_text(credit_code)
        expect(row).to_contain_text("13 750 kWh/t")
        expect(row).to_contain_text(NUMBER)
        expect(row).to_contain_text(published_on)
        # Nobody's name is public: not the approver's, not the inspectors'.
        expect(public.locator("body")).not_to_contain_text("周强")
        expect(public.locator("body")).not_to_contain_text("吴敏")
        expect(public.get_by_role("link", name="退出")).to_have_count(0)
        # The 2019 violator of the demo is still listed.
        expect(public.locator("tbody")).to_contain_text("洛阳水泥有限公司")
        public.get_by_label("企业名称或统一社会信用代码").fill("中孚")
        public.get_by_role("button", name="查询").click()
        expect(public.locator("tbody tr")).to_have_count(1)
        expect(public.locator("tbody tr")).to_contain_text(SMELTER)
        shot(public, "public-violators")
