"""The demo campaign's sales records of 江苏: generated files (``verification.samplefiles``),
a few bulk buyers planted on purpose, imported through the real import machinery (upload,
validation pass, confirmation, import pass) as a province's officer would."""

from __future__ import annotations

import csv
import tempfile
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from ..core.errors import DomainError
from ..core.models import Organisation, User
from ..enterprises.rules import credit_code_check_character
from ..extensions import db
from ..imports import service as imports
from ..imports.models import ImportJob
from ..verification import samplefiles
from ..verification.importing import KINDS
from ..verification.models import VerificationCampaign
from ..verification.record_models import SALES_TABLES
from ..verification.rules.buyers import id_number_check, organisation_code_check

#: The generator's seed: the same records every time the demo is built.
SEED = "demo-2013-js"
_DEALER_CODE8 = "32457802"
DEALER = (
    "苏宁电器股份有限公司南京市玄武区店",
    f"{_DEALER_CODE8}-{organisation_code_check(_DEALER_CODE8)}",
)
_ORG_CODE8 = "46600817"
_ORG_FIRST17 = f"12320102{_ORG_CODE8}{organisation_code_check(_ORG_CODE8)}"
#: 南京市玄武区人民医院's unified social credit code (事业单位, 12…).
WELFARE_BUYER_CODE = _ORG_FIRST17 + credit_code_check_character(_ORG_FIRST17)
WELFARE_BUYER = "南京市玄武区人民医院"
_ID_FIRST17 = "32010219760512042"
#: One person's 18-digit ID number and her first-generation 15-digit one.
ID_18 = _ID_FIRST17 + id_number_check(_ID_FIRST17)
ID_15 = "320102760512042"

#: (buyer, contact, phone, id number, invoice, units, sold on): the planted bulk buyers.
PLANTED = (
    (WELFARE_BUYER, "李主任", "025-84561234", WELFARE_BUYER_CODE, "90000001", 12, date(2012, 12, 20)),
    ("周建华", "", "139 5160 2288", "", "90000002", 4, date(2012, 10, 3)),
    ("周建华", "", "13951602288", "", "90000003", 1, date(2012, 11, 18)),
    ("吴晓梅", "", "13770151234", ID_15, "90000004", 2, date(2012, 9, 29)),
    ("吴晓梅", "", "13770151234", ID_18, "90000005", 3, date(2013, 1, 12)),
)  # fmt: skip
PLANTED_UNITS = sum(p[5] for p in PLANTED)


def _planted_rows(start: int) -> list[list]:
    """附表3-6 rows of the planted buyers, for products ``start`` … (the products the
    production and shipment files also carry, so the stages still reconcile)."""
    rows, index = [], start
    for name, contact, phone, id_number, invoice, units, sold_on in PLANTED:
        for _ in range(units):
            item = samplefiles.product(SEED, index)
            rows.append(
                [
                    index + 1,
                    name,
                    contact,
                    phone,
                    "南京市玄武区中山路 321 号",
                    "320102",
                    "玄武区",
                    item.maker.name,
                    item.model,
                    item.code,
                    f"{item.price}",
                    sold_on.isoformat(),
                    invoice,
                    DEALER[0],
                    DEALER[1],
                    id_number,
                ]
            )
            index += 1
    return rows


def write_files(folder: Path, rows: int, unit: Organisation) -> dict[str, Path]:
    """The unit's files: ``rows`` generated consumer sales plus the planted buyers, and the
    production and shipments of the same products; a few dealer purchases."""
    products = rows + PLANTED_UNITS
    code = unit.division_code
    consumer = samplefiles.write_consumer_sales(
        folder / "附表3-6.csv", rows, seed=SEED, unit_division_code=code
    )
    with consumer.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(_planted_rows(rows))
    return {
        "production": samplefiles.write_production(folder / "附表3-3.csv", products, seed=SEED),
        "shipments": samplefiles.write_shipments(
            folder / "附表3-4.csv", products, seed=SEED, unit_division_code=code
        ),
        "dealer_purchases": samplefiles.write_table(
            "dealer_purchases",
            folder / "附表3-5.csv",
            max(20, rows // 50),
            seed=SEED,
            unit_division_code=code,
        ),
        "consumer_sales": consumer,
    }


#: The tables the demo imports, in the order a province would (shipments first).
FILES = ("production", "shipments", "dealer_purchases", "consumer_sales")


def imported_rows(campaign: VerificationCampaign, unit: Organisation, sales_table: str) -> int:
    model = SALES_TABLES[sales_table]
    return db.session.scalar(
        select(func.count())
        .select_from(model)
        .where(model.campaign_id == campaign.id, model.unit_id == unit.id)
    )


def import_file(
    campaign: VerificationCampaign, unit: Organisation, sales_table: str, path: Path, user: User
) -> int:
    """Upload, validate, confirm and import one file as ``user`` would through the pages
    (the passes run here rather than in a thread). Commits: each pass owns its transaction.
    Returns the rows imported; raises if the file is refused."""
    app = current_app._get_current_object()
    kind = KINDS[sales_table]
    with path.open("rb") as stream:
        job = imports.create_job(
            kind,
            stream,
            path.name,
            province=db.session.get(Organisation, unit.province_org_id),
            user=user,
            source="demo",
            params={"campaign": campaign.id, "unit": unit.id},
        )
    job_id = job.id
    db.session.commit()
    imports.validate_job(app, job_id)
    job = db.session.get(ImportJob, job_id)
    db.session.refresh(job)
    if job.status != imports.Status.VALID or not imports.confirm(job):
        raise DomainError(f"demo file {path.name} refused: {job.message} {job.errors[:3]}")
    db.session.commit()
    imports.import_job(app, job_id)
    job = db.session.get(ImportJob, job_id)
    db.session.refresh(job)
    if job.status != imports.Status.DONE:
        raise DomainError(f"demo file {path.name} not imported: {job.message} {job.errors[:3]}")
    return job.processed_rows


def load_records(
    campaign: VerificationCampaign, unit: Organisation, user: User, *, rows: int
) -> dict[str, int]:
    """The unit's tables not yet imported, imported (a rerun skips those already in)."""
    done = {}
    missing = [t for t in FILES if not imported_rows(campaign, unit, t)]
    if not missing:
        return done
    with tempfile.TemporaryDirectory(prefix="demo-verification-") as tmp:
        files = write_files(Path(tmp), rows, unit)
        for sales_table in missing:
            done[sales_table] = import_file(campaign, unit, sales_table, files[sales_table], user)
    return done
