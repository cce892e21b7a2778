"""The 2020 task filing of 内蒙古自治区 (its demo filing is empty), as the people do it.

The provincial officer imports new enterprises from the app's own template (first a file with
mistakes: the row-by-row report; then the corrected file), files tasks from the full-coverage
check (全覆盖 of the Annex-1 industries), explains one plant and submits. The ministry returns
the submission with its comments, the province corrects and resubmits, the ministry accepts and
downloads the national workbook, whose 内蒙古 sheets are checked cell by cell.

The tests run in order and share one server (see conftest.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from playwright.sync_api import Page, expect

OFFICER = "nm-officer"
PROVINCE = "内蒙古自治区"
FILING = "/tasks/2020/150000"
AGENCY = "包头市节能监察中心"
INSPECTOR = "巴特尔（包头市节能监察中心）"

# GB 32100-2015: the 18th character of a unified social credit code is a check character.
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code(first17: str) -> str:
    """An independent oracle for the check character (the app has its own)."""
    total = sum(CODE_CHARS.index(c) * w for c, w in zip(first17, CODE_WEIGHTS, strict=True))
    return first17 + CODE_CHARS[(31 - total % 31) % 31]


def new_code(serial: int) -> str:
    return credit_code(f"91150200MB{serial:07d}")


def wrong_check(code: str) -> str:
    """The same code with another check character."""
    return code[:17] + ("1" if code[17] != "1" else "2")


# The demo's 包头铝业有限公司, first of 内蒙古's demo enterprises (supervision/demo/registry.py).
REGISTERED = credit_code("91150000MA0000001")

SULPHURIC = ("包头硫酸化工有限公司", new_code(1))
METHANOL = ("乌海煤制甲醇有限公司", new_code(2))
COPPER = ("赤峰铜材加工有限公司", new_code(3))
WOOL = ("通辽岩棉制品有限公司", new_code(4))
BRICKS = ("乌兰察布烧结砖瓦厂", new_code(5))
IMPORTED = (SULPHURIC, METHANOL, COPPER, WOOL, BRICKS)

# The demo's 内蒙古 plants of Annex-1 industries, untasked so far.
PVC = "乌海聚氯乙烯有限公司"
RARE_EARTH = "包头稀土冶炼有限公司"
ORDOS_METHANOL = "鄂尔多斯甲醇有限公司"
CATEGORY_1 = "一、重点高耗能行业能耗专项监察"
EXPLANATION = "该企业2020年1月起停产检修，复产后由市级日常监察覆盖"
RETURN_REASON = (
    "请补充前期补助资金使用情况：结转结余30万元须先安排使用，并附使用报告；"
    "鄂尔多斯甲醇有限公司在产，应列入专项监察一。"
)

# 统一社会信用代码, 企业名称, 地址, 行政区划代码, 行业, 主要产品, 生产状态, 停产日期, 重点用能单位,
# 年综合能源消费量, 法定代表人, 法定代表人电话, 能源管理负责人, 能源管理负责人电话
GOOD_ROWS = [
    [SULPHURIC[1], SULPHURIC[0], "包头市九原区", "150207", "硫酸", "硫磺制酸", "生产", "", "是",
     "16000", "高某", "0472-5100001", "白某", "13900000001"],
    [METHANOL[1], METHANOL[0], "乌海市海南区", "150303", "甲醇", "煤制甲醇", "生产", "", "是",
     "540000", "任某", "0473-5100002", "苏某", "13900000002"],
    [COPPER[1], COPPER[0], "赤峰市红山区", "150402", "铜及铜合金加工", "铜板带", "生产", "", "是",
     "21000", "刘某", "0476-5100003", "何某", "13900000003"],
    [WOOL[1], WOOL[0], "通辽市科尔沁区", "150502", "岩棉、矿渣棉及其制品", "岩棉板", "生产", "",
     "否", "9000", "郭某", "0475-5100004", "罗某", "13900000004"],
    [BRICKS[1], BRICKS[0], "乌兰察布市集宁区", "150902", "烧结墙体材料", "烧结多孔砖", "已停产",
     "2019-12-31", "否", "7000", "梁某", "0474-5100005", "宋某", "13900000005"],
]  # fmt: skip


def bad_rows() -> list[list[str]]:
    """The same enterprises with the mistakes people make, and two rows too many."""
    rows = [list(r) for r in GOOD_ROWS]
    rows[1][0] = wrong_check(METHANOL[1])  # row 3: a mistyped code
    rows[2][4] = "铜冶炼"  # row 4: not an industry of the catalogue
    rows[3][1] = ""  # row 5: no name
    rows[4][3] = "320102"  # row 6: a 江苏 division code
    rows.append([SULPHURIC[1], "包头硫酸化工有限公司（重复）", *GOOD_ROWS[0][2:]])  # row 7
    rows.append([REGISTERED, "包头铝业有限公司", *GOOD_ROWS[0][2:]])  # row 8
    return rows


def import_file(template: Path, rows: list[list[str]], path: Path) -> Path:
    """The downloaded template with its example row replaced by ``rows``."""
    workbook = openpyxl.load_workbook(template)
    sheet = workbook["企业名录"]
    sheet.delete_rows(2, sheet.max_row)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def download(page: Page, link, folder: Path) -> Path:
    with page.expect_download() as info:
        link.click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def upload(page: Page, path: Path) -> None:
    page.get_by_label(re.compile("文件")).set_input_files(path)
    page.get_by_role("button", name="上传并校验").click()


def accept_confirm(page: Page) -> None:
    """The next confirm() dialog (data-confirm buttons) is answered OK."""
    page.once("dialog", lambda dialog: dialog.accept())


def add_task(
    page: Page,
    *,
    category: str | None = None,
    industry: str | None = None,
    method: str = "现场监察",
    refused: str | None = None,
) -> None:
    """On the task form (enterprise already chosen): the agency, inspector and month; add.
    With ``refused``: the form comes back with that message instead."""
    if category:
        page.get_by_label("监察类别").select_option(label=category)
    if industry:
        page.get_by_label("行业 / 阶梯电价行业").select_option(label=industry)
    page.get_by_label("承担机构").select_option(label=AGENCY)
    page.get_by_label("监察方式").select_option(label=method)
    page.get_by_label("计划月份").fill("6")
    page.get_by_label("监察人员").select_option(label=INSPECTOR)
    page.locator("form[data-warn-unsaved] button[name=submit]").click()
    if refused:
        expect(page.locator("form[data-warn-unsaved]")).to_contain_text(refused)
    else:
        expect(page.locator(".alert-success")).to_contain_text("已添加")


def filing_counts(page: Page) -> list[str]:
    """The filing page's figures: 一 二 三 四 五, 企业数, 已停产, 任务数."""
    return page.locator("table.w-auto tbody td").all_inner_texts()


def test_officer_imports_enterprises_a_bad_file_first(login, shot, tmp_path):
    page = login(OFFICER)
    page.get_by_role("link", name="企业名录", exact=True).first.click()
    page.get_by_role("link", name="从 Excel 导入").click()
    expect(page.get_by_role("heading", name="导入企业名录")).to_be_visible()
    expect(page.get_by_text(f"导入到：{PROVINCE}")).to_be_visible()

    template = download(page, page.get_by_role("link", name="下载模板"), tmp_path)
    headers = [c.value for c in openpyxl.load_workbook(template)["企业名录"][1]]
    assert headers[:4] == ["统一社会信用代码", "企业名称", "地址", "行政区划代码"]

    upload(page, import_file(template, bad_rows(), tmp_path / "内蒙古企业名录.xlsx"))
    # Checked in the background: the progress page reloads itself when the check is done.
    report = page.locator("table.table-striped")
    expect(page.get_by_role("alert")).to_contain_text("请更正后重新上传", timeout=30_000)
    expect(page.get_by_text("共 6 处错误。")).to_be_visible()
    rows = [r.split("\t") for r in report.locator("tbody tr").all_inner_texts()]
    by_row = {int(r[0]): (r[1], r[2]) for r in rows}
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8], rows
    assert by_row[3][0] == "统一社会信用代码" and "校验" in by_row[3][1]
    assert by_row[4] == ("行业", "行业“铜冶炼”不在行业目录中。")
    assert by_row[5] == ("企业名称", "请填写企业名称。")
    assert by_row[6] == ("行政区划代码", "行政区划代码 320102 不在内蒙古自治区。")
    assert by_row[7][0] == "统一社会信用代码" and "与第 2 行重复" in by_row[7][1]
    assert (
        by_row[8][1] == f"统一社会信用代码 {REGISTERED} 已登记为“包头铝业有限公司”（{PROVINCE}）。"
    )
    shot(page, "import-error-report")

    csv_report = download(page, page.get_by_role("link", name="下载错误报告（CSV）"), tmp_path)
    text = csv_report.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0] == "行号,列,错误原因" and len(text.splitlines()) == 7

    # Nothing of the bad file was imported.
    page.get_by_role("link", name="企业名录", exact=True).first.click()
    expect(page.locator("main")).not_to_contain_text(SULPHURIC[0])


def test_officer_imports_the_corrected_file(login, tmp_path):
    page = login(OFFICER)
    page.goto("/imports/new/enterprises")
    template = download(page, page.get_by_role("link", name="下载模板"), tmp_path)
    upload(page, import_file(template, GOOD_ROWS, tmp_path / "内蒙古企业名录-更正.xlsx"))
    expect(page.get_by_role("alert")).to_contain_text(
        "校验通过：共 5 行，没有发现错误。", timeout=30_000
    )
    preview = page.locator("table.table-striped tbody tr")
    expect(preview).to_have_count(5)
    expect(preview.nth(4)).to_contain_text("2019-12-31")
    page.get_by_role("button", name="确认导入 5 行").click()
    expect(page.get_by_role("alert")).to_contain_text("已导入 5 行。", timeout=30_000)

    page.get_by_role("link", name="查看企业名录").click()
    for name, code in IMPORTED:
        expect(page.get_by_role("row", name=re.compile(name))).to_contain_text(code)


def test_officer_files_tasks_until_full_coverage_and_submits(login, shot):
    page = login(OFFICER)
    page.get_by_role("link", name="任务申报").first.click()
    expect(page.get_by_role("heading", name=f"{PROVINCE} 2020 年专项监察任务")).to_contain_text(
        "填报中"
    )
    expect(page.get_by_text("尚未申报任务。")).to_be_visible()

    # Submitting an empty filing is refused.
    accept_confirm(page)
    page.get_by_role("button", name="报送工业和信息化部").click()
    expect(page.locator(".alert-danger")).to_contain_text("尚未申报任何任务。")

    page.get_by_role("link", name="全覆盖核对").click()
    missing_names = [SULPHURIC[0], METHANOL[0], COPPER[0], WOOL[0], PVC, RARE_EARTH, ORDOS_METHANOL]
    expect(page.locator(".alert-warning")).to_contain_text(
        f"{len(missing_names)} 家企业漏报，0 项任务行业与名录不符。"
    )
    missing = page.locator("table").first.locator("tbody tr")
    expect(missing).to_have_count(len(missing_names))
    for name in missing_names:
        expect(missing.filter(has_text=name)).to_have_count(1)
    # The stopped brickworks is listed, not missing.
    expect(page.locator("li", has_text=BRICKS[0])).to_contain_text("2019-12-31 起停产")
    shot(page, "coverage-check-missing")

    # One plant explained, the others tasked straight from the check.
    row = missing.filter(has_text=ORDOS_METHANOL)
    row.get_by_label("未列入原因").fill(EXPLANATION)
    row.get_by_role("button", name="说明原因").click()
    expect(page.locator(".alert-success")).to_contain_text(
        f"已记录“{ORDOS_METHANOL}”未列入任务的原因"
    )
    for name in missing_names[:-1]:
        missing.filter(has_text=name).get_by_role("link", name="列入任务").click()
        expect(page.get_by_role("heading", name="添加专项监察任务")).to_be_visible()
        add_task(page)
        page.get_by_role("link", name="全覆盖核对").click()
    expect(page.locator(".alert-success")).to_contain_text("核对通过")
    expect(page.locator("ul.small").first).to_contain_text(f"{ORDOS_METHANOL}：{EXPLANATION}")
    shot(page, "coverage-check-passed")

    # The stopped brickworks is listed in the filing too, but never visited.
    page.goto(FILING)
    page.get_by_role("link", name="添加任务").click()
    page.get_by_label("企业（统一社会信用代码）").fill(BRICKS[1])
    bricks = {"category": CATEGORY_1, "industry": "建材 · 烧结墙体材料"}
    add_task(page, **bricks, refused="该企业已停产：不组织实地监察")
    add_task(page, **bricks, method="书面审查")
    expect(page.locator("tbody tr", has_text=BRICKS[0])).to_contain_text("已停产")

    # The aluminium smelter: category 二 under the ladder-price sector 电解铝.
    page.get_by_role("link", name="添加任务").click()
    page.get_by_label("企业（统一社会信用代码）").fill(REGISTERED)
    add_task(page, category="二、阶梯电价政策执行专项监察", industry="阶梯电价 · 电解铝")

    expect(page.locator("tbody tr", has_text="包头铝业有限公司")).to_contain_text("二")
    assert filing_counts(page) == ["7", "1", "0", "0", "0", "8", "1", "8"]
    shot(page, "officer-filing")
    accept_confirm(page)
    page.get_by_role("button", name="报送工业和信息化部").click()
    expect(page.locator(".alert").first).to_contain_text("已报送工业和信息化部")
    expect(page.get_by_role("heading", name=re.compile(PROVINCE))).to_contain_text("已报送")
    # Locked: no more adding or withdrawing tasks.
    expect(page.get_by_role("link", name="添加任务")).to_have_count(0)
    expect(page.get_by_role("button", name="撤回")).to_have_count(0)


def test_ministry_returns_the_submission_with_comments(login, shot):
    page = login("ministry")
    page.get_by_role("link", name="任务申报").first.click()
    expect(page.get_by_role("heading", name="2020 年专项监察任务申报").first).to_be_visible()
    row = page.get_by_role("row", name=re.compile(PROVINCE))
    expect(row).to_contain_text("已报送")
    # Submitted today, long after the 2020-02-20 deadline: marked late in working days.
    expect(row).to_contain_text(re.compile(r"逾期 \d+ 个工作日"))
    assert row.locator("td").all_inner_texts()[3:] == ["7", "1", "0", "0", "0", "8", "1"]
    shot(page, "ministry-submissions")

    row.get_by_role("link", name=PROVINCE).click()
    expect(page.locator("tbody tr", has_text=SULPHURIC[0])).to_contain_text(AGENCY)
    # A return needs the comments.
    page.get_by_role("button", name="退回修改").click()
    expect(page.locator(".alert-danger")).to_contain_text("退回时请填写修改意见。")
    page.get_by_label("意见（退回时必填）").fill(RETURN_REASON)
    page.get_by_role("button", name="退回修改").click()
    expect(page.locator(".alert-success")).to_contain_text(f"已退回{PROVINCE}，并附修改意见。")
    expect(page.get_by_role("heading", name=re.compile(PROVINCE))).to_contain_text("已退回")


def test_province_corrects_and_resubmits(login):
    page = login(OFFICER)
    page.goto(FILING)
    expect(page.get_by_role("heading", name=re.compile(PROVINCE))).to_contain_text("已退回")
    returned = page.locator("details tbody tr").first  # newest first, opened when returned
    expect(returned).to_contain_text("退回")
    expect(returned).to_contain_text(RETURN_REASON)

    # The funds: the balance planned in full before new money, with the report.
    page.get_by_role("link", name="补助资金").click()
    page.get_by_label("前期补助资金（万元）").fill("100")
    page.get_by_label("已使用（万元）").fill("70")
    page.get_by_label("结转结余资金（万元）").fill("30")
    page.get_by_label("本年安排使用结转结余（万元）").fill("20")
    page.get_by_label("申请本年补助资金（万元）").fill("80")
    page.get_by_label("前期补助资金使用报告").fill("前期资金用于包头、乌海两市重点企业现场监察。")
    page.get_by_role("button", name="保存资金情况").click()
    expect(page.locator(".alert-danger")).to_contain_text("请更正下面标出的内容。")
    expect(page.locator(".invalid-feedback")).to_contain_text("应优先使用结转结余资金")
    page.get_by_label("本年安排使用结转结余（万元）").fill("30")
    page.get_by_role("button", name="保存资金情况").click()
    expect(page.locator(".alert-success")).to_contain_text("资金情况已保存。")

    page.get_by_role("link", name="添加任务").click()
    page.get_by_label("企业（统一社会信用代码）").fill(ORDOS_METHANOL)
    add_task(page, category=CATEGORY_1, industry="石化化工 · 甲醇")
    assert filing_counts(page) == ["8", "1", "0", "0", "0", "9", "1", "9"]
    # Tasked now: its explanation for not being tasked is gone from the check.
    page.get_by_role("link", name="全覆盖核对").click()
    expect(page.locator(".alert-success")).to_contain_text("核对通过")
    explained = page.locator("h2", has_text="已说明原因未列入的企业").locator("+ ul")
    expect(explained).to_have_text("无")
    page.get_by_role("link", name=f"{PROVINCE} 2020").click()
    accept_confirm(page)
    page.get_by_role("button", name="重新报送").click()
    expect(page.locator(".alert").first).to_contain_text("已报送工业和信息化部")
    expect(page.get_by_role("heading", name=re.compile(PROVINCE))).to_contain_text("已报送")


def test_ministry_accepts_and_downloads_the_national_workbook(login, shot, tmp_path):
    page = login("ministry")
    page.goto(FILING)
    page.get_by_label("意见（退回时必填）").fill("已接收")
    page.get_by_role("button", name="接收").click()
    expect(page.locator(".alert-success")).to_contain_text(f"已接收{PROVINCE}的任务申报。")
    page.get_by_text("报送记录（4）").click()
    events = page.locator("details tbody tr")
    expect(events.first).to_be_visible()
    assert [e.split("\t")[1] for e in events.all_inner_texts()] == [
        "接收",
        "重新报送",
        "退回",
        "报送",
    ]

    page.get_by_role("link", name="首页").first.click()
    national = page.get_by_role("row", name=re.compile(PROVINCE))
    expect(national).to_contain_text("已接收")
    expect(national.locator("td").last).to_have_text("9")
    shot(page, "national-dashboard")

    page.get_by_role("link", name="任务申报").first.click()
    workbook_path = download(page, page.get_by_role("link", name="下载全国汇总工作簿"), tmp_path)
    workbook = openpyxl.load_workbook(workbook_path, read_only=True)
    assert workbook.sheetnames[0] == "全国汇总"
    assert f"{PROVINCE}-附件1" in workbook.sheetnames
    assert f"{PROVINCE}-附件2" in workbook.sheetnames

    summary = [list(r) for r in workbook["全国汇总"].iter_rows(values_only=True)]
    assert any("省（自治区、直辖市）" in (c or "") for r in summary[:6] for c in r)
    nm = next(r for r in summary if PROVINCE in r)
    # 一 8, 二 1, 三 0, 四 0, 五 0, 小计 9.
    assert nm[nm.index(PROVINCE) + 1 : nm.index(PROVINCE) + 7] == [8, 1, 0, 0, 0, 9]

    listing = [list(r) for r in workbook[f"{PROVINCE}-附件2"].iter_rows(values_only=True)]
    assert PROVINCE in (listing[0][0] or "") or any(PROVINCE in (c or "") for c in listing[1])
    header_row = next(i for i, r in enumerate(listing) if "统一社会信用代码" in r)
    code_column = listing[header_row].index("统一社会信用代码")
    codes = {r[code_column] for r in listing[header_row + 1 :] if r[code_column]}
    assert {code for _name, code in IMPORTED} | {REGISTERED} <= codes, codes
    names = {c for r in listing for c in r if isinstance(c, str)}
    assert {PVC, RARE_EARTH, ORDOS_METHANOL} <= names
    bricks = next(r for r in listing if BRICKS[1] in r)
    assert "书面审查" in bricks and any("已停产" in (c or "") for c in bricks if isinstance(c, str))

    funds = [list(r) for r in workbook[f"{PROVINCE}-附件1"].iter_rows(values_only=True)]
    assert any("申请2020年补助资金（万元）" == c for r in funds for c in r)
    assert any(80 in r for r in funds)
