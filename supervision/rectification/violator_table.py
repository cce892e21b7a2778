"""The shape of the 2019 violators file: its columns, the violation types, the blank template.

One place for the columns (headers carry the years): the import (``violators``), its template
and the result table's 违规类型 all read them from here.
"""

from __future__ import annotations

import io

import xlsxwriter
from flask_babel import lazy_gettext as _l

from ..imports.kinds import Column

#: The year the violations were found, and the plan year whose category 五 reviews them.
VIOLATION_YEAR = 2019
PLAN_YEAR = VIOLATION_YEAR + 1
NAME = f"violators_{VIOLATION_YEAR}"
#: What the notice requires when the file does not say.
DEFAULT_MEASURES = "按原通知书要求整改"

#: The file's columns, headers as in the template (matched ignoring spaces).
COLUMNS = (
    Column("credit_code", "统一社会信用代码", required=True),
    Column("name", "企业名称", required=True),
    Column("violation_type", f"{VIOLATION_YEAR}年违规类型", required=True),
    Column("violation", "违规事实", required=True),
    Column("number", "整改通知书编号", required=True),
    Column("agency", "下达机构", required=True),
    Column("served_on", "送达日期", required=True),
    Column("deadline_on", "整改期限", required=True),
    Column("review_agency", f"承担{PLAN_YEAR}年回头看的机构"),
    Column("measures", "整改要求"),
    Column("remarks", "备注"),
)
#: An example row, shown on the template's notes sheet (not in the table: it would be imported).
EXAMPLE = (
    "91320100MA1XXXXXX0",
    "某某水泥有限公司",
    "能耗超限额",
    "2018年可比熟料综合电耗超过GB 16780-2012限定值",
    "苏节监改〔2019〕12号",
    "南京市节能监察中心",
    "2019-09-20",
    "2020-03-31",
    "",
    "",
    "",
)

#: 违规类型 as written in the file → the finding kind the notice's item carries. The result
#: table prints it back from the kind (``VIOLATION_TYPE_OF_KIND``).
VIOLATION_TYPES = {
    "能耗超限额": "over_quota",
    "阶梯电价": "ladder_mismatch",
    "其他违反节能法律法规": "other",
}
#: Other ways people write the same types.
VIOLATION_TYPE_SYNONYMS = {
    "超限额": "over_quota",
    "能耗超标": "over_quota",
    "超能耗限额": "over_quota",
    "阶梯电价政策": "ladder_mismatch",
    "其他": "other",
    "其他违法违规": "other",
}
VIOLATION_TYPE_OF_KIND = {kind: label for label, kind in VIOLATION_TYPES.items()}
OTHER_TYPE = "其他违反节能法律法规"


def violation_type_label(kind: str) -> str:
    """The result table's 违规类型 of a notice item's kind (finding kinds other than the
    quota and ladder ones count as "other violations of the energy-saving law")."""
    return VIOLATION_TYPE_OF_KIND.get(kind, OTHER_TYPE)


def name_key(text: str) -> str:
    """Names compared as people type them: no spaces, full-width parentheses."""
    return "".join(str(text or "").split()).replace("(", "（").replace(")", "）")


#: Help on the upload page and the template's notes sheet.
DESCRIPTION = _l(
    "每行一份%(v)s年下达的限期整改通知书。企业须已在本省企业名录中（按统一社会信用代码核对，"
    "企业名称须一致）；违规类型填“能耗超限额”“阶梯电价”或“其他违反节能法律法规”；"
    "下达机构、回头看承担机构填本省机构名称或行政区划代码（回头看机构不填时为下达机构）；"
    "日期填 2019-09-20 或 2019年9月20日。确认后为每家企业在本省%(p)s年任务申报中列入一项"
    "专项监察五任务（已有的不重复列入），申报须处于填报中或已退回状态。"
    "文件中有任何错误时不导入任何数据。",
    v=VIOLATION_YEAR,
    p=PLAN_YEAR,
)


def template_workbook() -> io.BytesIO:
    """The blank import file: the Chinese header row, one example row, types as a drop-down."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    sheet = workbook.add_worksheet(f"{VIOLATION_YEAR}年违规企业")
    bold = workbook.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}
    )
    text = workbook.add_format({"num_format": "@"})
    widths = (22, 28, 20, 40, 24, 22, 14, 14, 22, 24, 20)
    for index, column in enumerate(COLUMNS):
        sheet.set_column(index, index, widths[index], text)
        sheet.write_string(0, index, column.header, bold)
    sheet.set_row(0, 30)
    sheet.freeze_panes(1, 0)
    sheet.data_validation(1, 2, 10_000, 2, {"validate": "list", "source": list(VIOLATION_TYPES)})
    notes = workbook.add_worksheet("填写说明")
    notes.set_column(0, 0, 28)
    notes.set_column(1, 1, 90)
    notes.set_column(2, 2, 40)
    notes.write_string(0, 0, "说明", bold)
    notes.write_string(0, 1, str(DESCRIPTION))
    notes.write_string(2, 0, "列", bold)
    notes.write_string(2, 1, "必填", bold)
    notes.write_string(2, 2, "示例", bold)
    for row, column in enumerate(COLUMNS, start=3):
        notes.write_string(row, 0, column.header)
        notes.write_string(row, 1, "必填" if column.required else "选填")
        notes.write_string(row, 2, EXAMPLE[row - 3])
    workbook.close()
    buffer.seek(0)
    return buffer
