"""The national data set's people: city and county supervision agencies in every province,
their inspectors (with law-enforcement certificates) and a few provincial officers each.

Publishes ``facts["provinces"]`` = {province id: {"code", "agencies": [ids], "inspectors":
[user ids]}} and, for the later parts, ``facts["agencies"]``, ``facts["inspectors_of"]``,
``facts["officers"]`` and ``facts["ministry"]``.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ...accounts.service import hash_password
from ...core.models import Organisation, OrgKind, Role, User, UserRole
from ...extensions import db
from ...rectification.rules import agency_short_name
from ..service import DEMO_PASSWORD
from . import Build, places

#: City and county agencies in all, inspectors in all (the demo's count towards both).
AGENCIES = 300
INSPECTORS = 1500
#: New provincial officers per province.
OFFICERS = 3
#: Share of a province's agencies that are county agencies (the rest are city agencies).
COUNTY_SHARE = 0.2

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建文斌宇浩凯鑫晨阳波宁亮成志红"
    "海峰林东雪琳倩婷颖欣博新振国庆立永春丹晓云飞俊杨帆锋健彬晶莉凤霖瑞航旭卫民兵荣昊睿"
)
CITY_AGENCY_NAMES = ("节能监察支队", "节能监察中心", "节能监察支队", "节能监察监测中心")
COUNTY_AGENCY_NAME = "节能监察大队"


@dataclass(frozen=True)
class Agency:
    id: int
    province_id: int
    code: str
    name: str
    kind: OrgKind
    parent_id: int


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    certificate: str | None = None
    username: str = ""

    @property
    def label(self) -> str:
        """As the audit log and the filing history name people: 王伟 (insp-130100-001)."""
        return f"{self.name} ({self.username})"


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def allocate(total: int, weights: dict, minimum: int = 0) -> dict:
    """``total`` shared out in proportion to ``weights`` (largest remainder), each key getting
    at least ``minimum`` while the total allows."""
    keys = list(weights)
    counts = dict.fromkeys(keys, 0)
    if total <= 0 or not keys:
        return counts
    floor = min(minimum, total // len(keys))
    for key in keys:
        counts[key] = floor
    rest = total - floor * len(keys)
    weight_sum = sum(weights.values()) or 1.0
    shares = {k: rest * weights[k] / weight_sum for k in keys}
    for key in keys:
        counts[key] += int(shares[key])
    left = total - sum(counts.values())
    by_remainder = sorted(keys, key=lambda k: (-(shares[k] - int(shares[k])), str(k)))
    for key in by_remainder[:left]:
        counts[key] += 1
    return counts


def load(build: Build) -> None:
    rng = build.rng("people")
    provinces = {
        org.division_code: org
        for org in db.session.scalars(
            select(Organisation).where(Organisation.kind == OrgKind.PROVINCE)
        )
    }
    existing = list(
        db.session.scalars(
            select(Organisation).where(
                Organisation.kind.in_([OrgKind.CITY, OrgKind.COUNTY, OrgKind.PLAN_CITY])
            )
        )
    )
    people = _existing_people()
    password = hash_password(DEMO_PASSWORD)  # once: hashing 1 500 passwords takes minutes
    agencies = _agencies(build, rng, provinces, existing)
    inspectors = _inspectors(build, rng, agencies, provinces, people, password)
    officers = _officers(build, rng, provinces, password)
    _publish(build, provinces, existing, agencies, inspectors, officers, people)


# -- agencies ---------------------------------------------------------------------------------


def _agencies(build, rng, provinces, existing) -> list[Agency]:
    """New city and county agencies, every province getting its share (and at least one)."""
    taken_codes = {org.division_code for org in existing}
    taken_short = {agency_short_name(org.name) for org in existing}
    have = sum(1 for org in existing if org.kind in (OrgKind.CITY, OrgKind.COUNTY))
    total = build.scaled(AGENCIES, have)
    weights = {code: max(1, len(_candidates(code))) ** 0.8 for code in sorted(provinces)}
    quota = allocate(total, weights, minimum=1)
    city_agency = {org.division_code: org.id for org in existing if org.kind == OrgKind.CITY}
    planned = []
    for code in sorted(provinces):
        planned += _province_agencies(
            rng, provinces[code], quota[code], taken_codes, taken_short, city_agency
        )
    table = Organisation.__table__
    first = build.writer.next_id(table, len(planned))
    ids = {key: first + n for n, key in enumerate(p[0] for p in planned)}
    rows, agencies = [], []
    for code, province, name, kind, parent, place in planned:
        parent_id = province.id if parent is None else ids.get(parent, parent)
        path = province.subtree_prefix + ("" if parent is None else f"{parent_id}/")
        rows.append(
            {
                "id": ids[code],
                "name": name,
                "kind": kind,
                "division_code": code,
                "parent_id": parent_id,
                "path": path,
                "province_id": province.id,
                "address": f"{province.name}{place}",
                "phone": f"0{rng.randint(10, 999)}-{rng.randint(2000000, 89999999)}",
                "is_active": True,
                "created_at": build.now,
            }
        )
        agencies.append(Agency(ids[code], province.id, code, name, kind, parent_id))
    build.writer.insert(table, rows, label="agencies", total=len(rows))
    return agencies


def _candidates(province_code: str) -> list[tuple[str, str, OrgKind, str | None]]:
    """(code, agency name, kind, city code of the parent or None) a province may have, in
    order of preference: city agencies first, then county agencies."""
    if province_code in places.DIRECT:
        return [
            (county.code, county.name, OrgKind.CITY, None)
            for city in places.cities(province_code)
            for county in city.counties
        ]
    cities = [c for c in places.cities(province_code) if not c.is_grouping]
    result = [(c.code, c.name, OrgKind.CITY, None) for c in cities]
    for city in cities:
        for county in city.counties:
            if county.name.endswith(("市", "县", "旗")):
                result.append((county.code, county.name, OrgKind.COUNTY, city.code))
    return result


def _province_agencies(rng, province, count, taken_codes, taken_short, city_agency):
    """``count`` (code, province, name, kind, parent, place) for one province; ``parent`` is
    None (the province), a planned city agency's code, or an existing city agency's id."""
    candidates = [c for c in _candidates(province.division_code) if c[0] not in taken_codes]
    cities = [c for c in candidates if c[3] is None]
    counties = [c for c in candidates if c[3] is not None]
    wanted_counties = min(len(counties), round(count * COUNTY_SHARE))
    chosen_cities = rng.sample(cities, min(len(cities), count - wanted_counties))
    chosen_cities.sort()
    city_codes = {c[0] for c in chosen_cities} | set(city_agency)
    counties = [c for c in counties if c[3] in city_codes]
    chosen_counties = sorted(rng.sample(counties, min(len(counties), count - len(chosen_cities))))
    planned, planned_cities = [], set()
    for code, place, kind, parent_code in chosen_cities + chosen_counties:
        if kind == OrgKind.CITY and province.division_code not in places.DIRECT:
            # 自治州 bodies go by the short form: 黔东南州节能监察支队
            short = places.short_place(place) + "州" if place.endswith("自治州") else place
            name = short + rng.choice(CITY_AGENCY_NAMES)
        else:
            name = place + COUNTY_AGENCY_NAME
        short = agency_short_name(name)
        if short in taken_short:  # notice numbers would read alike (朝阳区 / 朝阳市)
            continue
        parent = None
        if parent_code in city_agency:
            parent = city_agency[parent_code]
        elif parent_code is not None:
            if parent_code not in planned_cities:
                continue
            parent = parent_code
        taken_short.add(short)
        taken_codes.add(code)
        if kind == OrgKind.CITY:
            planned_cities.add(code)
        planned.append((code, province, name, kind, parent, place))
    return planned


# -- accounts ---------------------------------------------------------------------------------


def _existing_people() -> dict[str, list[tuple[int, Person]]]:
    """The demo's active inspectors and provincial officers: (organisation id, person)."""
    result: dict[str, list[tuple[int, Person]]] = {"inspectors": [], "officers": []}
    for user in db.session.scalars(select(User).where(User.active.is_(True))):
        person = Person(user.id, user.full_name, user.certificate_number, user.username)
        if Role.INSPECTOR in user.roles:
            result["inspectors"].append((user.organisation_id, person))
        if Role.PROVINCIAL_OFFICER in user.roles:
            result["officers"].append((user.organisation_id, person))
    return result


def _inspectors(build, rng, agencies, provinces, people, password) -> dict[int, list[Person]]:
    """Inspectors in the new agencies: two each first (a visit needs two), the rest by size."""
    total = build.scaled(INSPECTORS, len(people["inspectors"]))
    weights = {a.id: (2.0 if a.kind == OrgKind.CITY else 1.0) for a in agencies}
    quota = allocate(total, weights, minimum=2)
    abbreviation = {p.id: places.PROVINCES[code][0] for code, p in provinces.items()}
    first = build.writer.next_id(User.__table__, total)
    users, roles, result = [], [], {}
    user_id = first
    for agency in agencies:
        staff = result.setdefault(agency.id, [])
        for n in range(1, quota[agency.id] + 1):
            issued = rng.randint(2014, 2020)
            certificate = f"{abbreviation[agency.province_id]}执 {agency.code}{issued}{n:04d}"
            expires = date(issued + 6, rng.randint(1, 12), 28)
            name = person_name(rng)
            username = f"insp-{agency.code}-{n:03d}"
            users.append(
                _user(user_id, username, name, agency.id, password, build.now, certificate, expires)
            )
            roles.append({"user_id": user_id, "role": Role.INSPECTOR})
            staff.append(Person(user_id, name, certificate, username))
            user_id += 1
    build.writer.insert(User.__table__, users, label="inspectors", total=len(users))
    build.writer.insert(UserRole.__table__, roles)
    return result


def _officers(build, rng, provinces, password) -> dict[int, list[Person]]:
    count = build.scaled(OFFICERS)
    first = build.writer.next_id(User.__table__, count * len(provinces))
    users, roles, result = [], [], {}
    user_id = first
    for code in sorted(provinces):
        province = provinces[code]
        for n in range(1, count + 1):
            name = person_name(rng)
            username = f"off-{code}-{n}"
            users.append(_user(user_id, username, name, province.id, password, build.now))
            roles.append({"user_id": user_id, "role": Role.PROVINCIAL_OFFICER})
            result.setdefault(province.id, []).append(Person(user_id, name, None, username))
            user_id += 1
    build.writer.insert(User.__table__, users, label="provincial officers", total=len(users))
    build.writer.insert(UserRole.__table__, roles)
    return result


def _user(user_id, username, name, org_id, password, now, certificate=None, expires=None):
    return {
        "id": user_id,
        "username": username,
        "full_name": name,
        "email": f"{username}@demo.jnjc.example",
        "phone": None,
        "organisation_id": org_id,
        "password_hash": password,
        "session_token": secrets.token_hex(16),
        "active": True,
        "locale": None,
        "certificate_number": certificate,
        "certificate_expires_on": expires,
        "created_at": now,
        "password_changed_at": now,
        "last_login_at": None,
    }


# -- facts ------------------------------------------------------------------------------------


def _publish(build, provinces, existing, agencies, inspectors, officers, people) -> None:
    """What the later parts (and the data-centre part) need, existing demo rows included."""
    everyone = [
        Agency(o.id, o.province_id, o.division_code, o.name, o.kind, o.parent_id) for o in existing
    ] + agencies
    inspectors_of = {a.id: list(inspectors.get(a.id, [])) for a in everyone}
    for org_id, person in people["inspectors"]:
        if org_id in inspectors_of:
            inspectors_of[org_id].append(person)
    officers_of = {pid: list(group) for pid, group in officers.items()}
    for org_id, person in people["officers"]:
        if org_id in officers_of:
            officers_of[org_id].append(person)
    ministry = db.session.scalar(select(User).where(User.username == "ministry"))
    build.facts["agencies"] = everyone
    build.facts["inspectors_of"] = inspectors_of
    build.facts["officers"] = officers_of
    build.facts["ministry"] = (
        Person(ministry.id, ministry.full_name, None, ministry.username) if ministry else None
    )
    build.facts["provinces"] = {
        province.id: {
            "code": code,
            "agencies": [a.id for a in everyone if a.province_id == province.id],
            "inspectors": [
                p.id for a in everyone if a.province_id == province.id for p in inspectors_of[a.id]
            ],
        }
        for code, province in sorted(provinces.items())
    }
    build.echo(
        f"  {len(agencies):,} agencies, {sum(map(len, inspectors.values())):,} inspectors, "
        f"{sum(map(len, officers.values())):,} provincial officers added"
    )
