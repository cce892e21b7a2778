"""The organisation tree: seeding the national units, creating and editing agencies."""

import re

import pytest
from sqlalchemy import func, select

from conftest import World, login, org_by_code
from supervision.core.errors import DomainError
from supervision.core.models import AuditEntry, Organisation, OrgKind
from supervision.extensions import db
from supervision.organisations import service

DIVISION_CODE_MESSAGE = "行政区划代码应为 6 位数字，且位于上级机构的行政区划之内。"

#: GB/T 2260 codes of the 31 provincial-level divisions, plus 660000 for the Corps.
PROVINCIAL_CODES = {
    "110000": "北京市",
    "120000": "天津市",
    "130000": "河北省",
    "140000": "山西省",
    "150000": "内蒙古自治区",
    "210000": "辽宁省",
    "220000": "吉林省",
    "230000": "黑龙江省",
    "310000": "上海市",
    "320000": "江苏省",
    "330000": "浙江省",
    "340000": "安徽省",
    "350000": "福建省",
    "360000": "江西省",
    "370000": "山东省",
    "410000": "河南省",
    "420000": "湖北省",
    "430000": "湖南省",
    "440000": "广东省",
    "450000": "广西壮族自治区",
    "460000": "海南省",
    "500000": "重庆市",
    "510000": "四川省",
    "520000": "贵州省",
    "530000": "云南省",
    "540000": "西藏自治区",
    "610000": "陕西省",
    "620000": "甘肃省",
    "630000": "青海省",
    "640000": "宁夏回族自治区",
    "650000": "新疆维吾尔自治区",
    "660000": "新疆生产建设兵团",
}


def org_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Organisation))


def by_name(name: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


# -- the national units -----------------------------------------------------------------------


def test_seed_creates_the_ministry_and_every_national_unit(database):
    assert service.seed_national_units() == 1 + 32 + 5
    db.session.commit()
    ministry = service.ministry()
    assert ministry.kind == OrgKind.MINISTRY
    assert ministry.parent_id is None and ministry.division_code is None
    provinces = service.provinces()
    assert {p.division_code: p.name for p in provinces} == PROVINCIAL_CODES
    assert len(provinces) == 32
    for province in provinces:
        assert province.parent_id == ministry.id
        assert province.path == f"/{ministry.id}/"
        assert province.province_org_id == province.id


def test_seed_is_idempotent(national):
    before = {
        (o.kind, o.division_code, o.name, o.parent_id)
        for o in db.session.scalars(select(Organisation))
    }
    assert service.seed_national_units() == 0
    assert service.seed_national_units() == 0
    db.session.commit()
    after = {
        (o.kind, o.division_code, o.name, o.parent_id)
        for o in db.session.scalars(select(Organisation))
    }
    assert after == before
    assert org_count() == 38


def test_the_corps_is_a_provincial_unit(national):
    corps = service.by_division_code("660000")
    assert (corps.name, corps.kind) == ("新疆生产建设兵团", OrgKind.PROVINCE)
    assert corps.parent == service.ministry()


@pytest.mark.parametrize(
    ("code", "name", "province_code"),
    [
        ("210200", "大连市", "210000"),
        ("370200", "青岛市", "370000"),
        ("330200", "宁波市", "330000"),
        ("350200", "厦门市", "350000"),
        ("440300", "深圳市", "440000"),
    ],
)
def test_plan_cities_lie_under_their_provinces(national, code, name, province_code):
    city = service.by_division_code(code)
    province = service.by_division_code(province_code)
    assert (city.name, city.kind) == (name, OrgKind.PLAN_CITY)
    assert city.parent_id == province.id
    assert city.province_id == province.id
    assert city.path == province.subtree_prefix


def test_there_are_exactly_five_plan_cities(national):
    plan_cities = db.session.scalars(
        select(Organisation).where(Organisation.kind == OrgKind.PLAN_CITY)
    )
    assert sorted(c.division_code for c in plan_cities) == [
        "210200",
        "330200",
        "350200",
        "370200",
        "440300",
    ]


# -- the service ------------------------------------------------------------------------------


def test_create_agency_places_the_agency_in_the_tree(make_agency):
    city = make_agency("320000", "苏州市节能监察支队", "320500")
    county = make_agency(city, "昆山市节能监察大队", "320583", OrgKind.COUNTY)
    province = org_by_code("320000")
    assert city.path == province.subtree_prefix
    assert county.path == city.subtree_prefix
    assert city.province_id == county.province_id == province.id
    subtree_ids = set(
        db.session.scalars(service.subtree(province).with_only_columns(Organisation.id))
    )
    assert {province.id, city.id, county.id} <= subtree_ids
    assert set(db.session.scalars(service.subtree(city).with_only_columns(Organisation.id))) == {
        city.id,
        county.id,
    }


@pytest.mark.parametrize(
    ("parent_code", "name", "kind", "code", "field", "message"),
    [
        (
            "320000",
            "南京市节能监察中心",
            OrgKind.CITY,
            "320500",
            "name",
            "同一上级机构下已有同名机构。",
        ),
        (
            "320000",
            "苏州市节能监察支队",
            OrgKind.CITY,
            "330500",
            "division_code",
            DIVISION_CODE_MESSAGE,
        ),
        (
            "320000",
            "苏州市节能监察支队",
            OrgKind.CITY,
            "32050",
            "division_code",
            DIVISION_CODE_MESSAGE,
        ),
        (
            "320000",
            "昆山市节能监察大队",
            OrgKind.COUNTY,
            "320583",
            "kind",
            "该类型的机构不能设在所选上级机构之下。",
        ),
        (
            "320100",
            "溧水区节能监察大队",
            OrgKind.COUNTY,
            "320583",
            "division_code",
            DIVISION_CODE_MESSAGE,
        ),
        (
            "320100",
            "江宁区节能监察大队",
            OrgKind.CITY,
            "320115",
            "kind",
            "该类型的机构不能设在所选上级机构之下。",
        ),
    ],
)
def test_create_agency_refusals(make_agency, parent_code, name, kind, code, field, message):
    make_agency("320000", "南京市节能监察中心", "320100")
    before = org_count()
    with pytest.raises(DomainError) as caught:
        service.create_agency(
            actor=None, parent=org_by_code(parent_code), name=name, kind=kind, division_code=code
        )
    db.session.rollback()
    assert (caught.value.field, str(caught.value)) == (field, message)
    assert org_count() == before


def test_create_agency_outside_the_actors_scope_is_refused(world):
    before = org_count()
    for parent in (world.a_province, world.a_agency):
        with pytest.raises(DomainError, match="上级机构不在您的权限范围内。"):
            service.create_agency(
                actor=world.b_officer,
                parent=parent,
                name="越权机构",
                kind=OrgKind.COUNTY if parent.kind == OrgKind.CITY else OrgKind.CITY,
                division_code="320102",
            )
        db.session.rollback()
    assert org_count() == before


def test_update_organisation_checks_names_and_codes(make_agency):
    nanjing = make_agency("320000", "南京市节能监察中心", "320100")
    suzhou = make_agency("320000", "苏州市节能监察支队", "320500")
    with pytest.raises(DomainError, match="同一上级机构下已有同名机构。"):
        service.update_organisation(suzhou, name="南京市节能监察中心")
    with pytest.raises(DomainError, match=DIVISION_CODE_MESSAGE):
        service.update_organisation(suzhou, division_code="330500")
    service.update_organisation(suzhou, name=suzhou.name, division_code="320500", phone="0512-1")
    service.update_organisation(nanjing, name="南京市工业节能监察中心")
    db.session.commit()
    assert (suzhou.phone, nanjing.name) == ("0512-1", "南京市工业节能监察中心")


# -- the pages --------------------------------------------------------------------------------


def agency_form(parent, name, code, kind="city", **extra) -> dict:
    return {
        "parent_id": parent.id,
        "kind": kind,
        "name": name,
        "division_code": code,
        "address": "",
        "phone": "",
        **extra,
    }


def tree_rows(html: str) -> list[str]:
    """The labels of the tree page, indentation included."""
    return re.findall(r'<td class="tree-label"><a href="[^"]+">([^<]*)</a></td>', html)


def test_provincial_officer_creates_a_city_and_a_county_agency(client, world):
    login(client, "a-officer")
    response = client.post(
        "/organisations/new",
        data=agency_form(world.a_province, "苏州市节能监察支队", "320500", address="苏州市姑苏区"),
    )
    assert response.status_code == 302
    city = by_name("苏州市节能监察支队")
    assert response.headers["Location"] == f"/organisations/{city.id}"
    assert (city.kind, city.parent_id, city.division_code, city.address) == (
        OrgKind.CITY,
        world.a_province.id,
        "320500",
        "苏州市姑苏区",
    )

    response = client.post(
        "/organisations/new",
        data=agency_form(city, "昆山市节能监察大队", "320583", kind="county"),
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "已创建机构“昆山市节能监察大队”。" in response.get_data(as_text=True)
    county = by_name("昆山市节能监察大队")
    assert (county.kind, county.parent_id) == (OrgKind.COUNTY, city.id)
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.entity == "organisations", AuditEntry.entity_id == str(county.id)
        )
    )
    assert (entry.action, entry.actor_id) == ("create", world.a_officer.id)

    rows = tree_rows(client.get("/organisations/").get_data(as_text=True))
    assert rows == [
        "江苏省",
        f"\u3000南京{World.MARKER}监察中心",
        "\u3000苏州市节能监察支队",
        "\u3000\u3000昆山市节能监察大队",
    ]


def test_the_new_form_offers_only_parents_in_scope(client, world, make_agency):
    county = make_agency(world.b_agency, "西湖区节能监察大队", "330106", OrgKind.COUNTY)
    login(client, "b-officer")
    page = client.get("/organisations/new").get_data(as_text=True)
    parents = page.split('name="parent_id"', 1)[1].split("</select>", 1)[0]
    options = re.findall(r'<option[^>]*value="(\d+)"[^>]*>([^<]*)</option>', parents)
    offered = {int(value): label for value, label in options}
    assert offered == {
        world.b_province.id: "浙江省",
        org_by_code("330200").id: "\u3000宁波市",
        world.b_agency.id: "\u3000杭州市节能监察中心",
    }
    assert county.id not in offered  # a county has no agencies below it
    assert World.MARKER not in page


@pytest.mark.parametrize(
    ("parent", "name", "code", "kind", "message"),
    [
        (
            "a_province",
            f"南京{World.MARKER}监察中心",
            "320100",
            "city",
            "同一上级机构下已有同名机构。",
        ),
        ("a_province", "杭州市节能监察中心", "330100", "city", DIVISION_CODE_MESSAGE),
        ("a_agency", "昆山市节能监察大队", "320583", "county", DIVISION_CODE_MESSAGE),
        (
            "a_province",
            "昆山市节能监察大队",
            "320583",
            "county",
            "该类型的机构不能设在所选上级机构之下。",
        ),
        (
            "a_province",
            "苏州市节能监察支队",
            "3205",
            "city",
            "行政区划代码应为 6 位数字（GB/T 2260）。",
        ),
        ("a_province", "", "320500", "city", "请填写机构名称。"),
    ],
)
def test_create_refused_with_a_message(client, world, parent, name, code, kind, message):
    login(client, "a-officer")
    before = org_count()
    response = client.post(
        "/organisations/new", data=agency_form(getattr(world, parent), name, code, kind=kind)
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert org_count() == before


@pytest.mark.parametrize("parent", ["a_province", "a_agency"])
def test_province_b_cannot_create_under_province_a(client, world, parent):
    login(client, "b-officer")
    before = org_count()
    kind = "county" if parent == "a_agency" else "city"
    response = client.post(
        "/organisations/new",
        data=agency_form(getattr(world, parent), "越权机构", "320102", kind=kind),
    )
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert "不是有效的选择" in response.get_data(as_text=True)
    assert org_count() == before
    assert by_name("越权机构") is None


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/organisations/{id}"),
        ("get", "/organisations/{id}/edit"),
        ("post", "/organisations/{id}/edit"),
    ],
)
def test_province_b_cannot_see_or_edit_province_a(client, world, method, path):
    login(client, "b-officer")
    agency = world.a_agency
    url = path.format(id=agency.id)
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, data={"name": "改名", "division_code": "320100"})
    assert response.status_code == 404
    assert World.MARKER not in response.get_data(as_text=True)
    assert by_name(f"南京{World.MARKER}监察中心") is not None


@pytest.mark.parametrize("code", ["320000", "330200", "ministry"])
def test_national_units_cannot_be_edited(client, world, code):
    login(client, "m-officer")
    org = org_by_code(code)
    name = org.name
    for method in ("get", "post"):
        url = f"/organisations/{org.id}/edit"
        if method == "get":
            response = client.get(url, follow_redirects=True)
        else:
            response = client.post(
                url, data={"name": "改名", "division_code": "320000"}, follow_redirects=True
            )
        assert response.status_code == 200
        assert "部委、省级单位和计划单列市由系统预置，不能在此修改。" in response.get_data(
            as_text=True
        )
        assert response.request.path == f"/organisations/{org.id}"
    assert db.session.get(Organisation, org.id).name == name


def test_edit_an_agency(client, world):
    login(client, "a-officer")
    agency = world.a_agency
    url = f"/organisations/{agency.id}/edit"
    assert client.get(url).status_code == 200

    response = client.post(
        url, data={"name": "南京市工业节能监察中心", "division_code": "320100", "phone": "025-1"}
    )
    assert response.status_code == 302
    assert (agency.name, agency.phone) == ("南京市工业节能监察中心", "025-1")

    response = client.post(url, data={"name": "南京市工业节能监察中心", "division_code": "330100"})
    assert response.status_code == 200
    assert DIVISION_CODE_MESSAGE in response.get_data(as_text=True)
    assert agency.division_code == "320100"


@pytest.mark.parametrize(("username", "status"), [("a-inspector", 403), ("a-admin", 403)])
def test_only_officers_manage_organisations(client, world, username, status):
    login(client, username)
    response = client.post(
        "/organisations/new", data=agency_form(world.a_province, "苏州市节能监察支队", "320500")
    )
    assert response.status_code == status
    assert by_name("苏州市节能监察支队") is None


def test_changing_a_citys_code_may_not_strand_its_counties(app, world):
    from supervision.core.errors import DomainError
    from supervision.organisations.service import create_agency, update_organisation

    county = create_agency(
        actor=None,
        parent=world.a_agency,
        name="溧水区节能监察大队",
        kind=OrgKind.COUNTY,
        division_code="320117",
    )
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        update_organisation(world.a_agency, division_code="320200")
    assert "溧水区节能监察大队" in str(refused.value)
    db.session.rollback()
    assert county.division_code == "320117"
