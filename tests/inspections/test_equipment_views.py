"""Category 三: the equipment ledger page, the add form, rechecks and the ledger import."""

from __future__ import annotations

import html
import io
from dataclasses import replace
from decimal import Decimal

import openpyxl
import pytest
from inspections_support import Casework, casework  # noqa: F401
from sqlalchemy import func, select

from conftest import login
from supervision.extensions import db
from supervision.imports.models import ImportJob
from supervision.inspections import equipment
from supervision.inspections.models import CaseStatus, EquipmentItem
from supervision.inspections.rules.equipment import EliminationPattern
from supervision.reference import codec
from supervision.reference import service as reference

HEADERS = ["设备类型", "设备名称", "型号", "额定功率/容量", "能效等级", "效率/比功率", "极数/规格", "数量", "使用位置", "投运年份"]  # fmt: skip


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def catalogue_with_jo2() -> None:
    """A revision of the 淘汰目录 whose first batch lists the JO2 series (verified)."""
    first, *others = reference.current("elimination_catalogue").rows
    pattern = EliminationPattern("JO2-*", "motor", "JO2 系列三相异步电动机")
    rows = (replace(first, patterns=(pattern,), verified=True), *others)
    reference.save_revision(
        "elimination_catalogue", codec.dump(rows), note="测试：第一批型号", actor_name="test"
    )
    db.session.commit()


def items(case) -> list[EquipmentItem]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(EquipmentItem)
            .where(EquipmentItem.case_id == case.id)
            .order_by(EquipmentItem.line_no)
        )
    )


def add(client, case, **values):
    data = {"kind": "motor", "model": "Y2-132M-4", "rated": "7.5", "grade": "2", "quantity": "1"}
    data.update(values)
    return client.post(f"/cases/{case.id}/equipment", data=data)


def workbook(rows: list[list], headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, case, content: bytes, name: str = "设备台账.xlsx"):
    return client.post(
        f"/imports/new/equipment_ledger?case={case.id}",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def latest_job() -> ImportJob:
    db.session.expire_all()
    return db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc())).first()


@pytest.fixture
def acid(casework: Casework):  # noqa: F811
    """A category 一 case (a ledger rides on it), assessed 2019: GB 18613-2012 applies."""
    return casework.open(1, "sulphuric_acid", name="台账硫酸厂")


# -- the page and the add form ------------------------------------------------------------------


def test_added_rows_are_checked_against_the_standard_in_force(app, client, acid):
    login(client, acid.task.inspectors[0].username)
    page = client.get(f"/cases/{acid.id}/equipment")
    assert page.status_code == 200
    body = text(page)
    assert "尚未录入设备。" in body and "导入设备台账" in body
    assert f"/imports/new/equipment_ledger?case={acid.id}" in body

    ok = add(client, acid, model="YE2-132M-4", grade="2级", name="引风机电机", location="一车间")
    assert ok.status_code == 302
    assert (
        add(client, acid, kind="电动机", model="Y-160L-4", rated="15", grade="4").status_code == 302
    )
    assert add(client, acid, kind="fan", model="4-72-No5", rated="5.5", grade="").status_code == 302
    good, poor, fan = items(acid)
    assert (good.line_no, poor.line_no, fan.line_no) == (1, 2, 3)
    assert good.status == "compliant" and good.grade == "2" and good.rated == Decimal("7.5")
    assert good.reason == "能效等级 2 级，达到 GB 18613-2012 能效限定值（3级，IE2）"
    assert (good.standard, good.clause) == ("GB 18613-2012", "能效限定值（3级，IE2）")
    assert good.reference_version == (
        f"{reference.current('equipment_standards').code} · "
        f"{reference.current('elimination_catalogue').code}"
    )
    assert poor.status == "below_limit"
    assert poor.reason == "能效等级 4 级，低于 GB 18613-2012 能效限定值（3级，IE2）"
    assert fan.status == "missing_data" and "缺少能效等级和效率" in fan.reason
    db.session.refresh(acid)
    assert acid.status == CaseStatus.IN_PROGRESS

    body = text(client.get(f"/cases/{acid.id}/equipment"))
    assert "低于能效限定值" in body and "依据：GB 18613-2012 能效限定值（3级，IE2）" in body
    assert "引风机电机" in body and "一车间" in body and "7.5" in body
    assert 'data-count="below_limit">1<' in body and 'data-count="compliant">1<' in body
    assert 'data-count="missing">1<' in body and 'data-count="eliminate">0<' in body
    assert equipment.summary(acid) == {
        "eliminate": 0,
        "below_limit": 1,
        "compliant": 1,
        "missing": 1,
        "total": 3,
        "other": 0,
    }
    assert [i.model for i in equipment.eliminations(acid)] == ["Y-160L-4"]


def test_add_form_errors(client, acid):
    login(client, acid.task.inspectors[0].username)
    empty = client.post(f"/cases/{acid.id}/equipment", data={"kind": "", "model": ""})
    assert empty.status_code == 422
    body = text(empty)
    assert "请填写设备类型。" in body and "请填写型号。" in body
    bad = add(
        client,
        acid,
        kind="boiler",
        rated="七点五",
        grade="6",
        efficiency="-3",
        quantity="0",
        commissioned_year="15",
        variant="x" * 21,
    )
    assert bad.status_code == 422
    body = text(bad)
    for message in (
        "设备类型“boiler”不正确，应为电动机、风机、水泵、空气压缩机或变压器。",
        "额定功率/容量应为数字，而不是“七点五”。",
        "能效等级应为 1 至 5 级，而不是“6”。",
        "效率/比功率应大于 0。",
        "数量应为正整数。",
        "投运年份应为四位年份，如 2015。",
        "极数/规格不能超过 20 个字。",
    ):
        assert message in body, message
    assert items(acid) == []


def test_an_officer_reads_the_ledger_but_cannot_change_it(client, acid, casework):  # noqa: F811
    login(client, casework.world.a_inspector.username)
    add(client, acid)
    [item] = items(acid)
    login(client, casework.world.a_officer.username)
    page = text(client.get(f"/cases/{acid.id}/equipment"))
    assert "Y2-132M-4" in page and "导入设备台账" not in page and "添加设备" not in page
    refused = add(client, acid, model="Y-160L-4")
    assert refused.status_code == 422
    assert "只有承办本案件的监察人员可以录入。" in text(refused)
    client.post(f"/cases/{acid.id}/equipment/{item.id}/delete")
    client.post(f"/cases/{acid.id}/equipment/recheck")
    assert [i.id for i in items(acid)] == [item.id]
    assert "只有承办本案件的监察人员可以录入。" in text(client.get(f"/cases/{acid.id}/equipment"))


def test_delete_a_row(client, acid, casework):  # noqa: F811
    login(client, acid.task.inspectors[0].username)
    add(client, acid, model="A-1")
    add(client, acid, model="B-2")
    first, second = items(acid)
    other = casework.open(1, "sulphuric_acid", name="另一家硫酸厂")
    assert client.post(f"/cases/{other.id}/equipment/{first.id}/delete").status_code == 404
    response = client.post(f"/cases/{acid.id}/equipment/{first.id}/delete")
    assert response.status_code == 302
    assert [i.model for i in items(acid)] == ["B-2"]
    assert "已删除设备 A-1。" in text(client.get(f"/cases/{acid.id}/equipment"))


def test_recheck_applies_a_new_revision_of_the_catalogue(client, acid):
    login(client, acid.task.inspectors[0].username)
    add(client, acid, model="JO2-52-4", grade="3")
    [item] = items(acid)
    assert item.status == "compliant"  # the seeded batches list no models yet
    catalogue_with_jo2()
    assert client.post(f"/cases/{acid.id}/equipment/recheck").status_code == 302
    [item] = items(acid)
    assert item.status == "eliminate" and item.batch == "第一批"
    assert item.reason.startswith("型号 JO2-52-4 列入第一批（2009）高耗能落后机电设备")
    assert item.reference_version.endswith(reference.current("elimination_catalogue").code)
    body = text(client.get(f"/cases/{acid.id}/equipment"))
    assert "已按当前参考数据" in body and "重新核对 1 台设备" in body
    assert "依据：高耗能落后机电设备（产品）淘汰目录第一批" in body
    assert equipment.recheck_case(acid) == 1


def test_other_categories_have_no_ledger(client, casework):  # noqa: F811
    pue_case = casework.open(4)
    login(client, casework.world.a_inspector.username)
    response = client.get(f"/cases/{pue_case.id}/equipment")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{pue_case.id}")
    assert "只有专项监察一、二、三类案件有设备台账。" in text(client.get(f"/cases/{pue_case.id}"))


# -- the import ---------------------------------------------------------------------------------


def test_template_downloads_and_opens(client, acid):
    login(client, acid.task.inspectors[0].username)
    response = client.get(f"/cases/{acid.id}/equipment/template.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert rows[1][:3] == ("电动机", "引风机电机", "Y2-132M-4")
    page = text(client.get(f"/imports/new/equipment_ledger?case={acid.id}"))
    assert f"/cases/{acid.id}/equipment/template.xlsx" in page


def test_an_imported_ledger_flags_the_obsolete_motor(app, client, acid):
    catalogue_with_jo2()
    login(client, acid.task.inspectors[0].username)
    add(client, acid, model="Y2-90L-4", grade="3")  # imported rows follow it
    content = workbook(
        [
            ["电动机", "老水泵电机", "JO2-52-4", 7.5, None, None, "4", 2, "泵房", 1985],
            ["电动机", "空压机电机", "YE2-160M-4", 11, 2, 91.2, "4", 1, "空压站", 2016],
            ["motor", "风机电机", "Y-160L-4", "15", "4级", None, "4", 1, "", None],
            ["空压机", "螺杆空压机", "LG-20/8", 110, 2, None, "", 1, "", None],
        ]
    )
    assert upload(client, acid, content).status_code == 302
    job = latest_job()
    assert job.status == "valid", job.errors
    assert job.params["case"] == acid.id
    preview = text(client.get(f"/imports/{job.id}"))
    assert "JO2-52-4" in preview and "空气压缩机" in preview
    assert client.post(f"/imports/{job.id}/confirm").status_code == 302
    job = latest_job()
    assert job.status == "done" and job.summary["imported"] == 4
    assert f"/cases/{acid.id}/equipment" in text(client.get(f"/imports/{job.id}"))

    first, old, good, poor, compressor = items(acid)
    assert [i.line_no for i in items(acid)] == [1, 2, 3, 4, 5]
    assert old.status == "eliminate" and old.batch == "第一批" and old.quantity == 2
    assert old.reason == (
        "型号 JO2-52-4 列入第一批（2009）高耗能落后机电设备（产品）淘汰目录"
        "（JO2-*，JO2 系列三相异步电动机）"
    )
    assert old.commissioned_year == 1985 and old.variant == "4" and old.location == "泵房"
    assert good.status == "compliant" and good.efficiency == Decimal("91.2")
    assert good.standard == "GB 18613-2012"
    assert poor.status == "below_limit" and poor.grade == "4"
    assert compressor.kind == "air_compressor" and compressor.status == "compliant"
    assert "GB 19153-2009" in compressor.reason
    assert {i.model for i in equipment.eliminations(acid)} == {"JO2-52-4", "Y-160L-4"}

    body = text(client.get(f"/cases/{acid.id}/equipment"))
    assert "列入淘汰目录" in body and "JO2 系列三相异步电动机" in body
    assert 'data-count="eliminate">1<' in body and 'data-count="below_limit">1<' in body


def test_a_ledger_with_errors_imports_nothing_and_says_where(app, client, acid):
    login(client, acid.task.inspectors[0].username)
    content = workbook(
        [
            ["电动机", "", "Y2-132M-4", 7.5, 2, None, "4", 1, "", None],
            ["锅炉", "", "DZL4", 2800, 2, None, "", 1, "", None],
            ["电动机", "", "", 7.5, 2, None, "4", 1, "", None],
            ["电动机", "", "Y-160L-4", "十五", 2, None, "4", 1, "", None],
            ["电动机", "", "Y-160L-4", 15, 7, None, "4", 1, "", None],
        ]
    )
    upload(client, acid, content)
    job = latest_job()
    assert job.status == "invalid"
    assert job.message == "文件中有 4 处错误，未导入任何数据。"
    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == [
        (3, "设备类型", "设备类型“锅炉”不正确，应为电动机、风机、水泵、空气压缩机或变压器。"),
        (4, "型号", "请填写型号。"),
        (5, "额定功率/容量", "额定功率/容量应为数字，而不是“十五”。"),
        (6, "能效等级", "能效等级应为 1 至 5 级，而不是“7”。"),
    ]
    page = text(client.get(f"/imports/{job.id}"))
    assert "请填写型号。" in page
    assert f"/imports/new/equipment_ledger?case={acid.id}" in page  # upload again, same case
    assert items(acid) == []
    csv_report = client.get(f"/imports/{job.id}/errors.csv").get_data(as_text=True)
    assert "能效等级应为 1 至 5 级" in csv_report


def test_only_the_cases_inspectors_may_import(app, client, acid, casework):  # noqa: F811
    content = workbook([["电动机", "", "Y2-132M-4", 7.5, 2, None, "4", 1, "", None]])
    login(client, casework.world.a_officer.username)
    upload(client, acid, content)
    job = latest_job()
    assert job.status == "invalid"
    assert job.message == "只有承办本案件的监察人员可以录入。"
    assert "只有承办本案件的监察人员可以录入。" in text(client.get(f"/imports/{job.id}"))

    stranger = casework.open(1, "sulphuric_acid", inspectors=[casework.partner])
    login(client, casework.world.a_inspector.username)
    upload(
        client, stranger, workbook([["水泵", "", "IS80-65-160", 7.5, None, 76, "", 1, "", None]])
    )
    assert latest_job().message == "只有承办本案件的监察人员可以录入。"

    ledger_csv = "设备类型,型号,额定功率/容量,效率/比功率\n水泵,IS80-65-160,7.5,76\n".encode("gbk")
    upload(client, acid, ledger_csv, "台账.csv")
    assert latest_job().status == "valid", latest_job().errors
    response = client.post(
        "/imports/new/equipment_ledger",
        data={"file": (io.BytesIO(content), "设备台账.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert latest_job().message.startswith("找不到要导入设备台账的监察案件")
    assert db.session.scalar(select(func.count()).select_from(EquipmentItem)) == 0
    assert client.get("/imports/new/enterprises").status_code == 403
