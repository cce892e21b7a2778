"""The registry pages: list, detail, new, edit (optimistic locking), transfer, scope."""

import html
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from conftest import World, credit_code, login
from supervision.core.models import AuditEntry, Role
from supervision.enterprises import service
from supervision.enterprises.models import Enterprise, ProductionStatus
from supervision.extensions import db
from supervision.industries.models import Industry


def industry(code: str) -> Industry:
    return db.session.scalar(select(Industry).where(Industry.code == code))


def add(province, serial: int, **fields) -> Enterprise:
    data = service.EnterpriseData(
        credit_code=credit_code(serial),
        name=fields.pop("name", f"企业{serial}"),
        division_code=fields.pop("division_code", province.division_code[:2] + "0102"),
        **fields,
    )
    enterprise = service.create_enterprise(province, data)
    db.session.commit()
    return enterprise


def form(**overrides) -> dict:
    data = {
        "credit_code": "91350100M000100Y43",
        "name": "南京示例化工有限公司",
        "address": "南京市玄武区示例路 1 号",
        "division_code": "320102",
        "industry": "sulphuric_acid",
        "products": "硫酸",
        "status": "operating",
        "stopped_on": "",
        "key_energy_unit": "y",
        "annual_energy_tce": "12500.50",
        "legal_representative": "张三",
        "legal_representative_phone": "025-80000000",
        "energy_manager": "李四",
        "energy_manager_phone": "13800000000",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def body(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Enterprise))


# -- list and detail -------------------------------------------------------------------------


def test_list_shows_industry_and_stopped_badge_and_filters(client, world):
    add(world.a_province, 11, name="甲硫酸厂", industry=industry("sulphuric_acid"))
    add(
        world.a_province,
        12,
        name="甲停产水泥厂",
        industry=industry("cement"),
        status=ProductionStatus.STOPPED,
        stopped_on=date(2019, 6, 30),
    )
    login(client, world.a_officer.username)
    page = body(client.get("/enterprises/"))
    assert "甲硫酸厂" in page and "硫酸" in page
    assert "甲停产水泥厂" in page and "已停产" in page and "2019-06-30" in page
    assert "重点用能单位" in page  # the world's data centre is a key energy-using unit

    stopped = body(client.get("/enterprises/?status=stopped"))
    assert "甲停产水泥厂" in stopped and "甲硫酸厂" not in stopped
    by_industry = body(client.get(f"/enterprises/?industry={industry('sulphuric_acid').id}"))
    assert "甲硫酸厂" in by_industry and "甲停产水泥厂" not in by_industry
    key_units = body(client.get("/enterprises/?key=1"))
    assert world.a_enterprise.name in key_units and "甲硫酸厂" not in key_units
    by_code = body(client.get(f"/enterprises/?q={credit_code(12).lower()}"))
    assert "甲停产水泥厂" in by_code and "甲硫酸厂" not in by_code
    by_name = body(client.get("/enterprises/?q=硫酸厂"))
    assert "甲硫酸厂" in by_name and "甲停产水泥厂" not in by_name


@pytest.mark.parametrize(
    "sort", ["name", "-name", "credit_code", "industry", "-status", "energy", "province", "bogus"]
)
def test_list_sorts_by_every_column(client, world, sort):
    add(world.a_province, 11, name="企业B", annual_energy_tce=Decimal("5"))
    add(world.a_province, 12, name="企业A", annual_energy_tce=Decimal("7"))
    login(client, world.ministry_officer.username)
    response = client.get(f"/enterprises/?sort={sort}")
    assert response.status_code == 200
    page = body(response)
    if sort == "name":
        assert page.index(">企业A<") < page.index(">企业B<")
    if sort == "-name":
        assert page.index(">企业B<") < page.index(">企业A<")


def test_list_is_paginated(client, world, app):
    for serial in range(30):
        add(world.a_province, 100 + serial, name=f"分页企业{serial:02d}")
    login(client, world.a_officer.username)
    first = body(client.get("/enterprises/?q=分页企业"))
    second = body(client.get("/enterprises/?q=分页企业&page=2"))
    assert "共 30 条" in first
    assert "分页企业00" in first and "分页企业29" not in first
    assert "分页企业29" in second


def test_ministry_sees_every_province_and_filters_by_province(client, world):
    add(world.b_province, 21, name="乙省企业")
    login(client, world.ministry_officer.username)
    page = body(client.get("/enterprises/"))
    assert "乙省企业" in page and world.a_enterprise.name in page
    only_b = body(client.get(f"/enterprises/?province={world.b_province.id}"))
    assert "乙省企业" in only_b and world.a_enterprise.name not in only_b


def test_detail_shows_every_field_and_the_history_link(client, world):
    login(client, world.a_officer.username)
    response = client.post("/enterprises/new", data=form())
    assert response.status_code == 302
    enterprise = db.session.scalar(
        select(Enterprise).where(Enterprise.name == "南京示例化工有限公司")
    )
    page = body(client.get(f"/enterprises/{enterprise.id}"))
    for text in (
        "91350100M000100Y43",
        "南京示例化工有限公司",
        "南京市玄武区示例路 1 号",
        "320102",
        "硫酸",
        "江苏省",
        "12500.50 吨标准煤",
        "张三",
        "025-80000000",
        "李四",
        "13800000000",
        "重点用能单位",
    ):
        assert text in page, text
    assert f"/audit/enterprises/{enterprise.id}" in page
    assert client.get(f"/audit/enterprises/{enterprise.id}").status_code == 200


def test_inspector_sees_only_the_enterprises_of_his_tasks_and_changes_nothing(client, world):
    other = add(world.a_province, 31, name="未分配企业")
    login(client, world.a_inspector.username)
    assert client.get(f"/enterprises/{world.a_enterprise.id}").status_code == 200
    assert client.get(f"/enterprises/{other.id}").status_code == 404
    page = body(client.get("/enterprises/"))
    assert "未分配企业" not in page and "新增企业" not in page
    assert client.get("/enterprises/new").status_code == 403
    assert client.get(f"/enterprises/{world.a_enterprise.id}/edit").status_code == 403


# -- new ---------------------------------------------------------------------------------------


def test_officer_registers_an_enterprise_in_his_province(client, world):
    login(client, world.a_officer.username)
    response = client.post("/enterprises/new", data=form(credit_code=" 91350100m000100y43 "))
    assert response.status_code == 302, body(response)
    enterprise = db.session.scalar(
        select(Enterprise).where(Enterprise.credit_code == "91350100M000100Y43")
    )
    assert enterprise.province_id == world.a_province.id
    assert enterprise.industry.code == "sulphuric_acid"
    assert enterprise.key_energy_unit is True
    assert enterprise.annual_energy_tce == Decimal("12500.50")
    assert response.headers["Location"].endswith(f"/enterprises/{enterprise.id}")
    entry = db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.entity == "enterprises", AuditEntry.action == "create")
        .where(AuditEntry.entity_id == str(enterprise.id))
    )
    assert entry.actor_id == world.a_officer.id and entry.scope_org_id == world.a_province.id


def test_agency_officer_registers_in_his_agencys_province(client, world):
    login(client, world.b_agency_officer.username)
    response = client.post("/enterprises/new", data=form(division_code="330106"))
    assert response.status_code == 302, body(response)
    assert (
        db.session.scalar(
            select(Enterprise.province_id).where(Enterprise.name == "南京示例化工有限公司")
        )
        == world.b_province.id
    )


def test_stopped_enterprise_keeps_its_date(client, world):
    login(client, world.a_officer.username)
    client.post("/enterprises/new", data=form(status="stopped", stopped_on="2019-12-31"))
    enterprise = db.session.scalar(
        select(Enterprise).where(Enterprise.name == "南京示例化工有限公司")
    )
    assert enterprise.status == ProductionStatus.STOPPED and enterprise.stopped_on == date(
        2019, 12, 31
    )
    assert "已停产" in body(client.get(f"/enterprises/{enterprise.id}"))


def test_ministry_picks_the_province(client, world):
    login(client, world.ministry_officer.username)
    page = body(client.post("/enterprises/new", data=form()))
    assert "请选择省级单位。" in page
    assert count() == 1
    response = client.post("/enterprises/new", data=form(province_id=str(world.a_province.id)))
    assert response.status_code == 302, body(response)
    assert (
        db.session.scalar(
            select(Enterprise.province_id).where(Enterprise.name == "南京示例化工有限公司")
        )
        == world.a_province.id
    )


LONG = "长" * 256


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"credit_code": ""}, "请填写统一社会信用代码。"),
        ({"credit_code": "91350100M000100Y4"}, "统一社会信用代码应为 18 位。"),
        (
            {"credit_code": "91350100I000100Y43"},
            "统一社会信用代码只能包含数字和大写字母（不含 I、O、S、V、Z）。",
        ),
        ({"credit_code": "91350100M000100Y44"}, "统一社会信用代码校验位不正确，请核对。"),
        ({"name": ""}, "请填写企业名称。"),
        ({"name": LONG}, "不能超过 120 个字符。"),
        ({"address": LONG}, "不能超过 255 个字符。"),
        ({"division_code": ""}, "行政区划代码应为 6 位数字。"),
        ({"division_code": "3201"}, "行政区划代码应为 6 位数字。"),
        ({"division_code": "330102"}, "行政区划代码 330102 不在江苏省。"),
        ({"industry": "paper"}, "行业“paper”不在行业目录中。"),
        ({"products": LONG}, "不能超过 255 个字符。"),
        ({"status": "closed"}, "生产状态应为“生产”或“已停产”。"),
        ({"status": "stopped", "stopped_on": "2019-02-30"}, "日期格式应为 YYYY-MM-DD。"),
        ({"annual_energy_tce": "-1"}, "年综合能源消费量应为不小于 0 的数字（吨标准煤）。"),
        ({"annual_energy_tce": "很多"}, "年综合能源消费量应为不小于 0 的数字（吨标准煤）。"),
        ({"legal_representative": "长" * 41}, "不能超过 40 个字符。"),
        ({"legal_representative_phone": "1" * 41}, "不能超过 40 个字符。"),
        ({"energy_manager": "长" * 41}, "不能超过 40 个字符。"),
        ({"energy_manager_phone": "1" * 41}, "不能超过 40 个字符。"),
    ],
)
def test_form_errors_are_shown_beside_their_field_in_chinese(client, world, overrides, message):
    login(client, world.a_officer.username)
    response = client.post("/enterprises/new", data=form(**overrides))
    assert response.status_code == 200
    page = body(response)
    assert f'<div class="invalid-feedback">{message}</div>' in page
    assert "请更正下面标出的内容。" in page
    assert count() == 1  # only the world's


def test_every_error_of_a_form_is_shown_at_once(client, world):
    login(client, world.a_officer.username)
    page = body(
        client.post("/enterprises/new", data=form(credit_code="x", name="", division_code="1"))
    )
    for message in (
        "统一社会信用代码应为 18 位。",
        "请填写企业名称。",
        "行政区划代码应为 6 位数字。",
    ):
        assert message in page


def test_duplicate_code_links_to_the_existing_record(client, world):
    login(client, world.a_officer.username)
    page = body(
        client.post("/enterprises/new", data=form(credit_code=world.a_enterprise.credit_code))
    )
    assert (
        f"统一社会信用代码 {world.a_enterprise.credit_code} 已登记为“{world.a_enterprise.name}”（江苏省）。"
        in page
    )
    assert f'href="/enterprises/{world.a_enterprise.id}"' in page
    assert count() == 1


def test_duplicate_code_of_another_province_names_only_the_province(client, world):
    login(client, world.b_officer.username)
    page = body(
        client.post(
            "/enterprises/new",
            data=form(credit_code=world.a_enterprise.credit_code, division_code="330106"),
        )
    )
    assert f"统一社会信用代码 {world.a_enterprise.credit_code} 已在江苏省的企业名录中登记。" in page
    assert World.MARKER not in page
    assert f'href="/enterprises/{world.a_enterprise.id}"' not in page
    assert count() == 1


# -- edit ---------------------------------------------------------------------------------------


def test_edit_saves_with_the_version_and_is_audited(client, world):
    enterprise = world.a_enterprise
    login(client, world.a_officer.username)
    page = body(client.get(f"/enterprises/{enterprise.id}/edit"))
    assert 'name="version" type="hidden" value="1"' in page
    assert enterprise.credit_code in page
    data = form(
        credit_code=enterprise.credit_code, name="甲省数据中心（更名）", version="1", industry=""
    )
    response = client.post(f"/enterprises/{enterprise.id}/edit", data=data)
    assert response.status_code == 302, body(response)
    db.session.expire_all()
    enterprise = db.session.get(Enterprise, enterprise.id)
    assert enterprise.name == "甲省数据中心（更名）" and enterprise.version == 2
    entry = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == "enterprises", AuditEntry.entity_id == str(enterprise.id))
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry.action == "update" and entry.changes["name"][1] == "甲省数据中心（更名）"
    assert "version" not in entry.changes


def test_stale_edit_is_refused(client, world):
    enterprise = world.a_enterprise
    login(client, world.a_officer.username)
    client.get(f"/enterprises/{enterprise.id}/edit")  # the form carries version 1
    # Meanwhile someone else saves the record.
    data = service.check_fields(
        {"credit_code": enterprise.credit_code, "name": "别人改的名字", "division_code": "320102"},
        world.a_province,
        {},
    )[0]
    service.update_enterprise(enterprise, data, version=1)
    db.session.commit()
    response = client.post(
        f"/enterprises/{enterprise.id}/edit",
        data=form(credit_code=enterprise.credit_code, name="我的修改", version="1"),
    )
    assert response.status_code == 200
    assert "该企业信息已被他人修改，请刷新页面后重新编辑。" in body(response)
    db.session.expire_all()
    assert db.session.get(Enterprise, enterprise.id).name == "别人改的名字"


def test_edit_to_a_code_already_registered_is_refused_with_a_link(client, world):
    other = add(world.a_province, 41, name="另一家")
    login(client, world.a_officer.username)
    page = body(
        client.post(
            f"/enterprises/{other.id}/edit",
            data=form(credit_code=world.a_enterprise.credit_code, version="1"),
        )
    )
    assert "已登记为" in page and f'href="/enterprises/{world.a_enterprise.id}"' in page


# -- transfer ------------------------------------------------------------------------------------


def test_transfer_moves_the_enterprise_and_the_old_province_loses_sight(client, world):
    enterprise = world.a_enterprise
    login(client, world.a_officer.username)
    page = body(client.get(f"/enterprises/{enterprise.id}/transfer"))
    assert "浙江省" in page
    assert f'value="{world.a_province.id}"' not in page  # not to its own province
    response = client.post(
        f"/enterprises/{enterprise.id}/transfer",
        data={"province_id": str(world.b_province.id), "reason": "注册地迁至杭州"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/enterprises/")
    db.session.expire_all()
    assert db.session.get(Enterprise, enterprise.id).province_id == world.b_province.id
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "transfer", AuditEntry.entity_id == str(enterprise.id)
        )
    )
    assert entry.entity == "enterprises"
    assert entry.scope_org_id == world.a_province.id
    assert entry.actor_id == world.a_officer.id
    assert entry.changes == {"province": ["江苏省", "浙江省"], "reason": [None, "注册地迁至杭州"]}
    assert client.get(f"/enterprises/{enterprise.id}").status_code == 404
    assert enterprise.name not in body(client.get("/enterprises/"))

    b_client = client.application.test_client()
    login(b_client, world.b_officer.username)
    assert b_client.get(f"/enterprises/{enterprise.id}").status_code == 200


def test_ministry_transfers_and_stays_on_the_record(client, world):
    login(client, world.ministry_officer.username)
    response = client.post(
        f"/enterprises/{world.a_enterprise.id}/transfer",
        data={"province_id": str(world.b_province.id), "reason": "迁址"},
    )
    assert response.headers["Location"].endswith(f"/enterprises/{world.a_enterprise.id}")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"province_id": "", "reason": "迁址"}, "请选择迁入的省级单位。"),
        ({"province_id": "999999", "reason": "迁址"}, "请选择迁入的省级单位。"),
        ({"province_id": "B", "reason": ""}, "请填写迁移原因。"),
        ({"province_id": "A", "reason": "迁址"}, "请选择另一个省级单位。"),
        ({"province_id": "B", "reason": "长" * 501}, "迁移原因不能超过 500 个字符。"),
    ],
)
def test_transfer_refused_with_a_message(client, world, data, message):
    data = dict(data)
    data["province_id"] = {"A": str(world.a_province.id), "B": str(world.b_province.id)}.get(
        data["province_id"], data["province_id"]
    )
    login(client, world.a_officer.username)
    response = client.post(f"/enterprises/{world.a_enterprise.id}/transfer", data=data)
    assert response.status_code == 200
    assert message in body(response)
    db.session.expire_all()
    assert db.session.get(Enterprise, world.a_enterprise.id).province_id == world.a_province.id


# -- scope ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/enterprises/{id}"),
        ("get", "/enterprises/{id}/edit"),
        ("post", "/enterprises/{id}/edit"),
        ("get", "/enterprises/{id}/transfer"),
        ("post", "/enterprises/{id}/transfer"),
    ],
)
def test_another_provinces_enterprise_is_not_found(client, world, method, path):
    login(client, world.b_officer.username)
    url = path.format(id=world.a_enterprise.id)
    data = {"province_id": str(world.b_province.id), "reason": "x", **form()}
    response = client.get(url) if method == "get" else client.post(url, data=data)
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Enterprise, world.a_enterprise.id).province_id == world.a_province.id


def test_list_of_province_b_does_not_show_province_a(client, world):
    login(client, world.b_officer.username)
    page = body(client.get(f"/enterprises/?q={world.a_enterprise.credit_code}"))
    assert world.MARKER not in page and "没有符合条件的企业。" in page


@pytest.mark.parametrize("role_user", ["a_admin", "b_admin"])
def test_system_administrators_see_no_registry(client, world, role_user):
    login(client, getattr(world, role_user).username)
    assert client.get("/enterprises/").status_code == 403


# -- import template -----------------------------------------------------------------------------


def test_import_template_has_the_headers_and_an_example_row(client, world):
    login(client, world.a_officer.username)
    response = client.get("/enterprises/import/template.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.data), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == [
        "统一社会信用代码",
        "企业名称",
        "地址",
        "行政区划代码",
        "行业",
        "主要产品",
        "生产状态",
        "停产日期",
        "重点用能单位",
        "年综合能源消费量（吨标准煤）",
        "法定代表人",
        "法定代表人电话",
        "能源管理负责人",
        "能源管理负责人电话",
    ]
    assert rows[1][0] == "91350100M000100Y43" and rows[1][3] == "320102"
    workbook.close()


def test_the_template_as_downloaded_imports_cleanly(client, world):
    login(client, world.a_officer.username)
    template = client.get("/enterprises/import/template.xlsx").data
    response = client.post(
        "/imports/new/enterprises",
        data={"file": (io.BytesIO(template), "模板.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = body(client.get(response.headers["Location"]))
    assert "校验通过：共 1 行" in page and "示例化工有限公司" in page


def test_roles_without_registry_rights_cannot_use_the_template(client, world):
    login(client, world.a_inspector.username)
    assert client.get("/enterprises/import/template.xlsx").status_code == 403
    assert Role.INSPECTOR in world.a_inspector.roles
