"""Builds the demonstration data set; refuses to touch a database holding real data."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from ..accounts.service import by_username, create_user
from ..core.models import Organisation, OrgKind, Role, Setting, User
from ..extensions import db
from ..industries.service import seed_catalogue
from ..organisations.service import by_division_code, create_agency, seed_national_units
from ..plans.service import seed_plan
from ..reference.service import seed_reference_tables
from .daily import HENAN_DAILY_ACCOUNTS, load_daily
from .inspections import load_inspections
from .pilots import EXPERT_ACCOUNTS, load_pilots
from .rectification import load_rectification
from .registry import load_filings, load_registry
from .summaries import load_summaries
from .verification import load_verification

DATASET_KEY = "dataset"
DEMO = "demo"
#: Every demo account shares this password; it is printed once and listed in README.md.
DEMO_PASSWORD = "jnjc-Demo-2020"  # noqa: S105 -- published demo password


class NotADemoDatabase(RuntimeError):
    pass


#: (province code, [(agency code, name, kind, parent code or None)])
AGENCIES = {
    "320000": [
        ("320100", "南京市节能监察中心", OrgKind.CITY, None),
        ("320500", "苏州市节能监察支队", OrgKind.CITY, None),
        ("320583", "昆山市节能监察大队", OrgKind.COUNTY, "320500"),
    ],
    "370000": [
        ("370100", "济南市节能监察支队", OrgKind.CITY, None),
        ("370300", "淄博市节能监察中心", OrgKind.CITY, None),
    ],
    "410000": [
        ("410100", "郑州市节能监察中心", OrgKind.CITY, None),
        ("410300", "洛阳市节能监察支队", OrgKind.CITY, None),
    ],
    "150000": [
        ("150200", "包头市节能监察中心", OrgKind.CITY, None),
    ],
}

#: (username, full name, roles, organisation code, certificate number, certificate expiry)
ACCOUNTS: list[tuple[str, str, set[Role], str, str | None, date | None]] = [
    ("ministry", "王建国", {Role.MINISTRY_OFFICER}, "ministry", None, None),
    ("ministry2", "陈红", {Role.MINISTRY_OFFICER}, "ministry", None, None),
    ("admin", "系统管理员", {Role.SYSADMIN}, "ministry", None, None),
    ("js-officer", "李明", {Role.PROVINCIAL_OFFICER}, "320000", None, None),
    ("js-admin", "江苏系统管理员", {Role.SYSADMIN}, "320000", None, None),
    ("nj-officer", "徐峰", {Role.PROVINCIAL_OFFICER}, "320100", None, None),
    ("js-inspector", "张伟", {Role.INSPECTOR}, "320100", "苏执 32010020190001", date(2027, 6, 30)),
    (
        "js-inspector2",
        "刘洋",
        {Role.INSPECTOR},
        "320500",
        "苏执 32050020170012",
        date(2026, 12, 31),
    ),
    ("js-inspector3", "陈静", {Role.INSPECTOR}, "320583", "苏执 32058320180007", date(2028, 3, 31)),
    ("sd-officer", "赵磊", {Role.PROVINCIAL_OFFICER}, "370000", None, None),
    ("sd-inspector", "孙丽", {Role.INSPECTOR}, "370300", "鲁执 37030020180033", date(2027, 9, 30)),
    ("ha-officer", "周强", {Role.PROVINCIAL_OFFICER}, "410000", None, None),
    ("ha-inspector", "吴敏", {Role.INSPECTOR}, "410300", "豫执 41030020190021", date(2026, 12, 15)),
    ("ha-inspector2", "马超", {Role.INSPECTOR}, "410300", "豫执 41030020170008", date(2028, 5, 31)),
    *HENAN_DAILY_ACCOUNTS,
    ("nm-officer", "郑勇", {Role.PROVINCIAL_OFFICER}, "150000", None, None),
    (
        "nm-inspector",
        "巴特尔",
        {Role.INSPECTOR},
        "150200",
        "蒙执 15020020180005",
        date(2027, 4, 30),
    ),
    *EXPERT_ACCOUNTS,
]


def is_demo_database() -> bool:
    setting = db.session.get(Setting, DATASET_KEY)
    return setting is not None and setting.value == DEMO


def _org(code: str) -> Organisation:
    if code == "ministry":
        return db.session.scalar(select(Organisation).where(Organisation.kind == OrgKind.MINISTRY))
    org = by_division_code(code)
    if org is None:
        raise LookupError(f"demo data names an unknown division code {code}")
    return org


def load_demo(*, now: datetime) -> list[tuple[str, str, str, str]]:
    """Load what is missing of the demo data; returns the accounts created (to print once)."""
    has_users = bool(db.session.scalar(select(func.count()).select_from(User)))
    if has_users and not is_demo_database():
        raise NotADemoDatabase(
            "This database holds accounts that are not demo data; refusing to add demo data."
        )
    if not is_demo_database():
        db.session.add(Setting(key=DATASET_KEY, value=DEMO))
    seed_national_units()
    for province_code, agencies in AGENCIES.items():
        province = _org(province_code)
        for code, name, kind, parent_code in agencies:
            if by_division_code(code) is None:
                parent = _org(parent_code) if parent_code else province
                create_agency(actor=None, parent=parent, name=name, kind=kind, division_code=code)
    created = []
    for username, full_name, roles, org_code, certificate, expires in ACCOUNTS:
        if by_username(username) is not None:
            continue
        org = _org(org_code)
        create_user(
            actor=None,
            username=username,
            full_name=full_name,
            organisation=org,
            roles=roles,
            password=DEMO_PASSWORD,
            certificate_number=certificate,
            certificate_expires_on=expires,
            email=f"{username}@demo.jnjc.example",
            now=now,
        )
        created.append(
            (username, DEMO_PASSWORD, ",".join(sorted(r.value for r in roles)), org.name)
        )
    db.session.flush()
    seed_catalogue()
    seed_plan()
    load_registry()
    users = {u.username: u for u in db.session.scalars(select(User))}
    load_filings(users)
    db.session.flush()
    seed_reference_tables()
    load_inspections()
    db.session.flush()
    # Before the rectification demo visits the aluminium smelter (September 2020): the
    # first daily draw is of April 2020 and must not see a later visit among its exclusions.
    load_daily(users)
    db.session.flush()
    load_rectification(users)
    db.session.flush()
    load_verification(users)
    db.session.flush()
    load_pilots(users)
    db.session.flush()
    load_summaries(users)
    db.session.flush()
    return created


def demo_accounts() -> list[tuple[str, str, str, str]]:
    """(username, password, roles, organisation) of every demo account, for printing."""
    rows = []
    for username, _name, roles, org_code, _cert, _expires in ACCOUNTS:
        org = _org(org_code)
        rows.append((username, DEMO_PASSWORD, ",".join(sorted(r.value for r in roles)), org.name))
    return rows
