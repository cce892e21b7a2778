"""The national data set's data centres and verification campaign (supervision/demo/national/
datacentres.py, sales_records.py) at a small size: counts, determinism, every sales record as
the import would accept it, bulk buyers, PUE verdicts and the pages."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from conftest import PASSWORD, TEST_ACTOR, _empty_tables, credit_code, login, org_by_code
from supervision.core import audit
from supervision.core.models import Organisation, OrgKind, Role, User
from supervision.datacentres import service as dc_service
from supervision.datacentres.models import DataCentre, MeteringPoint, MonthlyReading
from supervision.demo.national import Build, datacentres, places, sales_records
from supervision.demo.national.bulk import BulkWriter
from supervision.enterprises.models import Enterprise
from supervision.extensions import db, limiter
from supervision.imports.kinds import ImportContext
from supervision.inspections.rules import Status, fmt
from supervision.inspections.rules.pue import annual_pue
from supervision.verification import bulk, importing
from supervision.verification.importing import KINDS
from supervision.verification.models import (
    CampaignStatus,
    Target,
    VerificationCampaign,
    VerificationTask,
)
from supervision.verification.record_models import ConsumerSale
from supervision.verification.rules import bulk_buyers

SEED = 11
SALES = 6_000
NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
#: Stand-in data-centre operators per province (the enterprises part publishes the real ones).
OPERATORS_PER_PROVINCE = 8


def _build(seed: int = SEED, sales: int = SALES) -> Build:
    quiet = lambda text: None  # noqa: E731
    return Build(
        seed=seed, sales=sales, now=NOW, writer=BulkWriter(db.session, echo=quiet), echo=quiet
    )


def _stand_in_operators(build: Build) -> list[tuple[int, int, str]]:
    """Enterprises as the enterprises part leaves them: (id, province id, division code)."""
    provinces = db.session.scalars(
        select(Organisation)
        .where(Organisation.kind == OrgKind.PROVINCE)
        .order_by(Organisation.division_code)
    ).all()
    table = Enterprise.__table__
    first = build.writer.next_id(table, len(provinces) * OPERATORS_PER_PROVINCE)
    rows = []
    for p, province in enumerate(provinces):
        counties = [c for city in places.cities(province.division_code) for c in city.divisions]
        for k in range(OPERATORS_PER_PROVINCE):
            n = p * OPERATORS_PER_PROVINCE + k
            division = counties[k % len(counties)].code
            rows.append(
                {
                    "id": first + n,
                    "province_id": province.id,
                    "credit_code": credit_code(first + n, prefix=f"91{division[:4]}"),
                    "name": f"{province.name}第{k + 1}信息技术有限公司",
                    "address": f"{province.name}云谷路 {k + 1} 号",
                    "division_code": division,
                    "key_energy_unit": True,
                }
            )
    build.writer.insert(table, rows)
    return [(row["id"], row["province_id"], row["division_code"]) for row in rows]


def _load(build: Build) -> None:
    build.facts["datacentre_operators"] = _stand_in_operators(build)
    datacentres.load(build)
    sales_records.load(build)


def _base() -> dict[str, User]:
    """What ``flask init`` seeds, and the accounts the pages are read as."""
    from supervision.accounts.service import create_user
    from supervision.industries.service import seed_catalogue
    from supervision.organisations.service import seed_national_units
    from supervision.plans.service import seed_plan
    from supervision.reference.service import seed_reference_tables

    seed_national_units()
    seed_catalogue()
    seed_plan()
    seed_reference_tables()
    return {
        key: create_user(
            actor=None,
            username=username,
            full_name=username,
            organisation=org_by_code(code),
            roles={role},
            password=PASSWORD,
            now=NOW,
        )
        for key, username, role, code in (
            ("ministry", "m-officer", Role.MINISTRY_OFFICER, "ministry"),
            ("guangdong", "gd-officer", Role.PROVINCIAL_OFFICER, "440000"),
        )
    }


@pytest.fixture(scope="module")
def built(app):
    """The data centres and the campaign, generated once for the module's tests (which only
    read, or roll back what they add)."""
    with app.app_context():
        _empty_tables()
        limiter.reset()
        with audit.acting_as(TEST_ACTOR):
            users = _base()
            db.session.commit()
            build = _build()
            _load(build)
            db.session.commit()
        build.facts["users"] = {key: user.id for key, user in users.items()}
        yield build
        db.session.remove()
        _empty_tables()


def _user(build: Build, key: str) -> User:
    return db.session.get(User, build.facts["users"][key])


def _campaign(build: Build) -> VerificationCampaign:
    return db.session.get(VerificationCampaign, build.facts["sales_campaign_id"])


# -- counts and determinism ---------------------------------------------------------------------


def test_counts_codes_and_dates(built: Build):
    operators = built.facts["datacentre_operators"]
    assert db.session.scalar(select(func.count()).select_from(DataCentre)) == len(operators)
    readings = db.session.scalar(select(func.count()).select_from(MonthlyReading))
    assert readings == 12 * len(operators)
    it_meters = db.session.scalar(
        select(func.count()).select_from(MeteringPoint).where(MeteringPoint.role == "it")
    )
    assert it_meters == len(operators)
    assert {e for _id, e, _p in built.facts["data_centres"]} == {e for e, _p, _d in operators}

    campaign = _campaign(built)
    assert campaign.status == CampaignStatus.ISSUED
    assert db.session.scalar(select(func.count()).select_from(ConsumerSale)) == SALES
    by_unit = dict(
        db.session.execute(
            select(ConsumerSale.unit_id, func.count()).group_by(ConsumerSale.unit_id)
        ).all()
    )
    assert by_unit == {u: n for u, n in built.facts["sales_by_unit"].items() if n}
    assert len(built.facts["sales_by_unit"]) == 32
    tasks = db.session.scalars(
        select(VerificationTask).where(VerificationTask.campaign_id == campaign.id)
    ).all()
    assert len(tasks) == 32 * 3
    assert {t.unit_id: t.record_count for t in tasks if t.target == Target.END_USER} == built.facts[
        "sales_by_unit"
    ]
    # Population-like: 广东 has more records than 北京, and than 西藏 by far.
    gd, bj, xz = (by_unit[org_by_code(c).id] for c in ("440000", "110000", "540000"))
    assert gd > 2 * bj > 10 * xz
    distinct = db.session.scalar(select(func.count(func.distinct(ConsumerSale.product_code))))
    assert distinct == SALES
    first, last = db.session.execute(
        select(func.min(ConsumerSale.sold_on), func.max(ConsumerSale.sold_on))
    ).one()
    assert sales_records.SALES_FROM <= first <= last <= sales_records.SALES_TO


def _snapshot(build: Build) -> tuple[list, list, list]:
    """The rows ``build`` added (its campaign's id zeroed: a sequence does not roll back)."""
    centres = [centre_id for centre_id, _e, _p in build.facts["data_centres"]]

    def rows(model, *where) -> list[dict]:
        stmt = select(model.__table__).where(*where).order_by(model.id)
        return [dict(row._mapping) for row in db.session.execute(stmt)]

    sales = rows(ConsumerSale, ConsumerSale.campaign_id == build.facts["sales_campaign_id"])
    return (
        [{**row, "campaign_id": 0} for row in sales],
        rows(DataCentre, DataCentre.id.in_(centres)),
        rows(MonthlyReading, MonthlyReading.data_centre_id.in_(centres)),
    )


def test_the_same_seed_gives_the_same_rows(built: Build):
    runs = []
    for seed in (SEED, SEED, SEED + 1):
        build = _build(seed, sales=1_000)
        with audit.acting_as(TEST_ACTOR):
            _load(build)
        db.session.flush()
        runs.append(_snapshot(build))
        db.session.rollback()
    assert len(runs[0][0]) == 1_000 and len(runs[0][2]) == 12 * len(runs[0][1])
    assert runs[0] == runs[1]
    assert runs[0][0] != runs[2][0] and runs[0][2] != runs[2][2]


# -- the sales records are what the import would store -------------------------------------------


def _text(key: str, value) -> str:
    """A value as text to compare: amounts to the cent whatever their type (the import may
    keep them as text, Decimal or float), dates in ISO."""
    if key == "price":
        return f"{Decimal(str(value)):.2f}"
    return value.isoformat() if isinstance(value, date) else str(value)


def _cells(row) -> dict[str, str]:
    """The record as a file's cells (the import reads every cell as text)."""
    return {key: _text("", value) for key, value in row._mapping.items()}


def _validated(values) -> dict[str, str]:
    """What the import's row check made of the cells (a tuple in ``row_columns`` order, or
    a dict), as text."""
    if not isinstance(values, dict):
        columns = importing.row_columns(importing.TABLES["consumer_sales"])
        values = dict(zip(columns, values, strict=True))
    return {key: _text(key, value) for key, value in values.items()}


def test_every_sales_record_passes_the_import_checks(built: Build):
    kind = KINDS["consumer_sales"]
    campaign = _campaign(built)
    for unit_id in built.facts["sales_by_unit"]:
        unit = db.session.get(Organisation, unit_id)
        context = ImportContext(
            job_id=None,
            province=db.session.get(Organisation, unit.province_org_id),
            user=None,
            params={"campaign": campaign.id, "unit": unit.id},
        )
        kind.prepare(context)  # the campaign is issued and the unit has a task in it
        counties = {c.code for city in places.cities(unit.division_code) for c in city.divisions}
        rows = db.session.execute(
            select(ConsumerSale.__table__)
            .where(ConsumerSale.unit_id == unit.id)
            .order_by(ConsumerSale.id)
        ).all()
        for row in rows:
            cells = _cells(row)
            context.row = row.row_number
            values, problems = kind.validate_row(cells, context)
            assert problems == [], (cells, problems)
            validated = _validated(values)
            assert {"row_number", "buyer_key", "price", "sold_on"} <= set(validated)
            assert validated.items() <= cells.items(), (cells, validated)
            assert row.division_code in counties


def test_bulk_buyers_in_every_unit(built: Build):
    campaign = _campaign(built)
    found, invoices = [], 0
    for unit_id in built.facts["sales_by_unit"]:
        listed = db.session.execute(
            bulk.bulk_buyers_select(campaign, unit_id, _user(built, "ministry"))
        ).all()
        purchases = Counter(
            db.session.execute(
                select(ConsumerSale.buyer_key, ConsumerSale.invoice_no).where(
                    ConsumerSale.campaign_id == campaign.id, ConsumerSale.unit_id == unit_id
                )
            ).all()
        )
        expected = bulk_buyers(
            [(key, n) for (key, _invoice), n in purchases.items()], campaign.bulk_threshold
        )
        assert {(r.buyer_key, r.units, r.purchases, r.largest) for r in listed} == {
            (b.key, b.units, b.purchases, b.largest_purchase) for b in expected
        }
        invoices += len(purchases)
        found += listed
    assert SALES / 1000 < len(found) < SALES / 50  # a few per thousand records
    assert invoices < 0.9 * SALES  # invoices of several units
    kinds = Counter(r.buyer_key.split(":")[0] for r in found)
    assert kinds["ORG"] and kinds["ID"] + kinds["NP"]  # organisations and persons
    assert any(r.purchases > 2 for r in found) and any(r.largest >= 8 for r in found)
    guangdong = org_by_code("440000").id
    assert any(
        r.buyer_key
        for r in db.session.execute(
            bulk.bulk_buyers_select(campaign, guangdong, _user(built, "ministry"))
        )
    )


# -- data centres -------------------------------------------------------------------------------


def test_readings_give_sensible_pue_verdicts(built: Build):
    monthly: dict[int, list] = {}
    readings = db.session.scalars(select(MonthlyReading).order_by(MonthlyReading.month))
    for reading in readings:
        monthly.setdefault(reading.data_centre_id, []).append(reading)
    for centre_readings in monthly.values():
        values = [dc_service.month_pue(reading) for reading in centre_readings]
        assert all(Decimal("1.0") <= pue <= Decimal("2.5") for pue in values)
        assert max(values[5:8]) > min(values[:2] + values[10:])  # summer above winter
        annual = annual_pue(
            [(r.month, r.total_kwh, r.it_kwh) for r in centre_readings], year=datacentres.YEAR
        )
        assert annual.status == Status.DETERMINED
        assert Decimal("1.1") <= annual.value <= Decimal("2.3")
    # The verdicts of the large ones (a target applies) and of a few others.
    centres = db.session.scalars(select(DataCentre).order_by(DataCentre.id)).all()
    judged = [c for c in centres if c.large] + [c for c in centres if not c.large][:10]
    statuses = Counter(dc_service.assess(c, datacentres.YEAR).status for c in judged)
    assert statuses[Status.COMPLIANT] and statuses[Status.OVER_LIMIT]
    assert statuses[Status.NO_REFERENCE] == 10  # smaller data centres: no target
    assert statuses[Status.ABNORMAL_DATA] + statuses[Status.MISSING_DATA]
    assert statuses[Status.COMPLIANT] + statuses[Status.OVER_LIMIT] > len(judged) / 2


def test_the_pages_render_for_the_province(built: Build, client):
    province = org_by_code("440000")
    ours = db.session.scalars(
        select(DataCentre).where(DataCentre.province_id == province.id).order_by(DataCentre.id)
    ).all()
    other = db.session.scalars(
        select(DataCentre).where(DataCentre.province_id != province.id).order_by(DataCentre.id)
    ).first()
    login(client, "gd-officer")
    listing = client.get("/data-centres/").get_data(as_text=True)
    assert all(centre.name in listing for centre in ours)
    assert other.name not in listing
    centre = ours[0]
    assert client.get(f"/data-centres/{centre.id}").status_code == 200
    page = client.get(f"/data-centres/{centre.id}/readings/{datacentres.YEAR}")
    assert page.status_code == 200
    annual = dc_service.annual(centre, datacentres.YEAR).value
    assert fmt(annual) in page.get_data(as_text=True)
    assert client.get(f"/data-centres/{other.id}").status_code == 404
    # The campaign's records and bulk buyers of the province.
    base = f"/verification/{_campaign(built).id}/units/{province.id}"
    for path in (f"{base}/records", f"{base}/bulk-buyers"):
        assert client.get(path).status_code == 200, path
