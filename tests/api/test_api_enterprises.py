"""The registry over the API: scoped reads, validated writes, duplicates and stale versions."""

from __future__ import annotations

import pytest
from api_helpers import as_user
from sqlalchemy import select

from conftest import World, credit_code
from supervision.enterprises.models import Enterprise
from supervision.extensions import db

URL = "/api/v1/enterprises"


def _new(n: int, **changes) -> dict:
    return {
        "credit_code": credit_code(n),
        "name": f"测试企业{n}",
        "division_code": "320115",
        **changes,
    }


def test_list_is_scoped_and_paginated(app, world: World):
    a = as_user(app, world.a_officer)
    for n in range(2, 5):
        assert a.post(URL, json=_new(n)).status_code == 201
    page = a.get(URL, query_string={"per_page": 2, "page": 2}).json
    assert (page["total"], page["page"], page["per_page"]) == (4, 2, 2)
    assert [e["name"] for e in page["items"]] == ["测试企业3", "测试企业4"]

    assert as_user(app, world.b_officer).get(URL).json["total"] == 0
    assert as_user(app, world.ministry_officer).get(URL).json["total"] == 4
    # An inspector sees the enterprises of his own tasks only.
    assert [e["id"] for e in as_user(app, world.a_inspector).get(URL).json["items"]] == [
        world.a_enterprise.id
    ]


def test_list_filters(app, world: World):
    a = as_user(app, world.a_officer)
    a.post(URL, json=_new(2, name="硫酸厂", industry="sulphuric_acid"))
    a.post(URL, json=_new(3, name="停产的钢厂", industry="钢铁", status="stopped"))

    def names(**args):
        return sorted(e["name"] for e in a.get(URL, query_string=args).json["items"])

    assert names(q="硫酸") == ["硫酸厂"]
    assert names(q=credit_code(3)) == ["停产的钢厂"]
    assert names(industry="steel") == ["停产的钢厂"]
    assert names(status="stopped") == ["停产的钢厂"]
    assert names(q="%") == []  # LIKE wildcards are literal
    assert len(names(province="320000")) == 3


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=x", "page"),
        ("per_page=1000", "per_page"),
        ("status=closed", "status"),
        ("industry=nothing", "industry"),
        ("province=999999", "province"),
        ("sort=name", "sort"),
    ],
)
def test_bad_query_arguments_are_422(app, world: World, query, field):
    response = as_user(app, world.a_officer).get(f"{URL}?{query}")
    assert response.status_code == 422
    assert list(response.json["errors"]) == [field]


def test_get_one_and_another_provinces_is_404(app, world: World):
    url = f"{URL}/{world.a_enterprise.id}"
    body = as_user(app, world.a_officer).get(url).json
    assert body["credit_code"] == world.a_enterprise.credit_code
    assert body["province"] == "320000" and body["version"] == 1
    refused = as_user(app, world.b_officer).get(url)
    assert refused.status_code == 404
    assert World.MARKER not in refused.get_data(as_text=True)
    assert as_user(app, world.a_officer).get(f"{URL}/999999").status_code == 404


def test_create_registers_in_the_callers_province(app, world: World):
    response = as_user(app, world.a_officer).post(
        URL,
        json=_new(
            7,
            credit_code=credit_code(7).lower()[:9] + " " + credit_code(7)[9:],
            industry="硫酸",
            key_energy_unit=True,
            annual_energy_tce=12345.6,
            stopped_on=None,
        ),
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert response.headers["Location"].endswith(f"{URL}/{body['id']}")
    assert body["credit_code"] == credit_code(7)
    assert (body["province"], body["industry"], body["annual_energy_tce"]) == (
        "320000",
        "sulphuric_acid",
        "12345.60",
    )
    assert body["key_energy_unit"] is True


def test_the_ministry_names_the_province(app, world: World):
    m = as_user(app, world.ministry_officer)
    missing = m.post(URL, json=_new(8))
    assert missing.status_code == 422 and "province" in missing.json["errors"]
    assert m.post(URL, json=_new(8, province="110000")).json["errors"] == {
        "division_code": "行政区划代码 320115 不在北京市。"
    }
    created = m.post(URL, json=_new(8, province="320000"))
    assert created.status_code == 201 and created.json["province"] == "320000"


def test_a_province_cannot_register_into_another(app, world: World):
    response = as_user(app, world.b_officer).post(URL, json=_new(9, province="320000"))
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["province"]


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"credit_code": "91320000000000001X"}, {"credit_code"}),
        ({"credit_code": "123"}, {"credit_code"}),
        ({"surprise": 1}, {"surprise"}),
        ({"name": 42}, {"name"}),
        ({"name": None}, {"name"}),
        ({"key_energy_unit": "是"}, {"key_energy_unit"}),
        ({"annual_energy_tce": -1}, {"annual_energy_tce"}),
        ({"annual_energy_tce": "lots"}, {"annual_energy_tce"}),
        ({"annual_energy_tce": True}, {"annual_energy_tce"}),
        ({"status": "closed"}, {"status"}),
        ({"stopped_on": "2020-02-30"}, {"stopped_on"}),
        ({"stopped_on": 20200101}, {"stopped_on"}),
        ({"division_code": "440300"}, {"division_code"}),
        ({"industry": "不存在的行业"}, {"industry"}),
        ({"name": "甲" * 121}, {"name"}),
        ({"address": "南京\x00市"}, {"address"}),
        ({"name": 1, "energy_manager": []}, {"name", "energy_manager"}),
    ],
)
def test_invalid_bodies_are_422_with_a_message_per_field(app, world: World, changes, errors):
    response = as_user(app, world.a_officer).post(URL, json=_new(10) | changes)
    assert response.status_code == 422, response.json
    assert set(response.json["errors"]) == errors
    assert all(response.json["errors"].values())
    assert db.session.scalar(select(Enterprise).where(Enterprise.name == "测试企业10")) is None


def test_unknown_field_message(app, world: World):
    response = as_user(app, world.a_officer).post(URL, json=_new(11) | {"id": 5})
    assert response.json["errors"] == {"id": "未知字段。"}


def test_required_fields_and_non_object_bodies(app, world: World):
    a = as_user(app, world.a_officer)
    assert set(a.post(URL, json={}).json["errors"]) == {"credit_code", "name", "division_code"}
    for body in ("[]", '"text"', "1", "null"):
        response = a.post(URL, data=body, content_type="application/json")
        assert response.status_code == 422
        assert list(response.json["errors"]) == ["_body"]


def test_malformed_json_and_wrong_content_type(app, world: World):
    a = as_user(app, world.a_officer)
    broken = a.post(URL, data="{bad json", content_type="application/json")
    assert broken.status_code == 400 and broken.json["message"] == "请求体不是有效的 JSON。"
    deep = a.post(URL, data="[" * 100_000, content_type="application/json")
    assert deep.status_code == 400
    not_utf8 = a.post(URL, data=b'{"name": "\xff"}', content_type="application/json")
    assert not_utf8.status_code == 400
    form = a.post(URL, data={"name": "x"})
    assert form.status_code == 415 and form.mimetype == "application/json"


def test_duplicate_credit_code_is_409_with_the_existing_id(app, world: World):
    a = as_user(app, world.a_officer)
    response = a.post(URL, json=_new(1, name="另一家"))
    assert response.status_code == 409
    assert response.json["existing_id"] == world.a_enterprise.id
    assert world.a_enterprise.name in response.json["message"]


def test_duplicate_in_another_province_names_neither_id_nor_name(app, world: World):
    response = as_user(app, world.b_officer).post(
        URL, json=_new(1, name="浙江某企业", division_code="330106")
    )
    assert response.status_code == 409
    assert "existing_id" not in response.json
    assert "江苏省" in response.json["message"]
    assert World.MARKER not in response.get_data(as_text=True)


def test_patch_changes_only_what_is_given(app, world: World):
    url = f"{URL}/{world.a_enterprise.id}"
    a = as_user(app, world.a_officer)
    response = a.patch(url, json={"status": "stopped", "stopped_on": "2020-03-01", "version": 1})
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["status"], body["stopped_on"], body["version"]) == ("stopped", "2020-03-01", 2)
    assert body["name"] == world.a_enterprise.name and body["key_energy_unit"] is True
    assert a.patch(url, json={}).json["version"] == 2  # nothing changed, nothing written


def test_patch_with_a_stale_version_is_409(app, world: World):
    url = f"{URL}/{world.a_enterprise.id}"
    a = as_user(app, world.a_officer)
    assert a.patch(url, json={"products": "A", "version": 1}).status_code == 200
    stale = a.patch(url, json={"products": "B", "version": 1})
    assert stale.status_code == 409
    assert "已被他人修改" in stale.json["message"]
    db.session.refresh(world.a_enterprise)
    assert world.a_enterprise.products == "A"


def test_patch_validation_and_duplicates(app, world: World):
    a = as_user(app, world.a_officer)
    other = a.post(URL, json=_new(12)).json
    url = f"{URL}/{world.a_enterprise.id}"
    assert a.patch(url, json={"division_code": "330106"}).json["errors"].keys() == {"division_code"}
    assert a.patch(url, json={"province": "330000"}).json["errors"] == {"province": "未知字段。"}
    assert a.patch(url, json={"version": "1"}).status_code == 422
    duplicate = a.patch(url, json={"credit_code": other["credit_code"]})
    assert duplicate.status_code == 409 and duplicate.json["existing_id"] == other["id"]


def test_patch_of_another_provinces_enterprise_is_404_whatever_the_body(app, world: World):
    url = f"{URL}/{world.a_enterprise.id}"
    for body in ({"name": "改名"}, {"surprise": 1}, []):
        response = as_user(app, world.b_officer).patch(url, json=body)
        assert response.status_code == 404
        assert World.MARKER not in response.get_data(as_text=True)


def test_writing_needs_the_registry_permission(app, world: World):
    assert as_user(app, world.a_inspector).post(URL, json=_new(13)).status_code == 403
    url = f"{URL}/{world.a_enterprise.id}"
    assert as_user(app, world.a_inspector).patch(url, json={"name": "x"}).status_code == 403
    assert as_user(app, world.a_admin).get(URL).status_code == 403


def test_huge_numbers_are_refused_not_crashed(app, world: World):
    a = as_user(app, world.a_officer)
    assert a.get(f"{URL}?page={10**30}").status_code == 422
    assert a.get(f"{URL}/{10**30}").status_code == 404
    assert a.post(URL, json=_new(14, annual_energy_tce=10**400)).status_code in (400, 422)
    assert a.post(URL, json=_new(14, annual_energy_tce=1e300)).status_code == 422
