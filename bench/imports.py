"""Imports of 1 000 000 consumer sales rows (附表3-6) from .xlsx and from .csv.

The app: the upload as the web page makes it (``imports.service.create_job``), the validation
pass, the confirmation and the import pass run inline (``IMPORTS_INLINE``) to DONE, all timed;
then the imported rows are deleted (by import job) so the national database is as before.

The baselines: the same file read with the plain library (python-calamine for .xlsx, the
``csv`` module for .csv) and ``executemany`` of the same rows into the same table on the raw
DBAPI connection, values converted minimally (dates and prices parsed, nothing validated, the
buyer key the raw ID number or name + phone), committed, then deleted.

Both import for one unit of the national campaign with the file of ``samplefiles`` (seed
``bench-<seed>``: its product codes meet no other seed's), generated once by ``prepare``.
"""

from __future__ import annotations

import csv
import json
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from bench.measure import Context, Goal, Measurement, Result

#: Rows of each file.
ROWS = 1_000_000
#: Columns written by the baseline, in the file's order after 序号 (附表3-6).
FIELDS = (
    "consumer_name",
    "contact",
    "phone",
    "address",
    "division_code",
    "division_name",
    "manufacturer",
    "model",
    "product_code",
    "price",
    "sold_on",
    "invoice_no",
    "dealer_name",
    "dealer_code",
    "id_number",
)
TABLE = "verification_consumer_sales"
#: Rows per executemany of the baseline.
BASELINE_BATCH = 10_000


# -- where the rows go -----------------------------------------------------------------------------


def national_campaign() -> int:
    """The national campaign (``demo.national.sales_records.CAMPAIGN``); failing it (a
    development database), the issued campaign with the most consumer sales. In an app
    context."""
    from sqlalchemy import func, select

    from supervision.demo.national.sales_records import CAMPAIGN
    from supervision.extensions import db
    from supervision.verification.models import CampaignStatus, VerificationCampaign
    from supervision.verification.record_models import ConsumerSale

    found = db.session.scalar(
        select(VerificationCampaign.id)
        .where(VerificationCampaign.name == CAMPAIGN)
        .order_by(VerificationCampaign.id.desc())
        .limit(1)
    )
    if found is None:
        found = db.session.scalar(
            select(ConsumerSale.campaign_id)
            .join(VerificationCampaign, VerificationCampaign.id == ConsumerSale.campaign_id)
            .where(VerificationCampaign.status == CampaignStatus.ISSUED)
            .group_by(ConsumerSale.campaign_id)
            .order_by(func.count().desc())
            .limit(1)
        )
    if found is None:
        raise RuntimeError("no verification campaign with consumer sales")
    return found


def officer_of(province_id: int | None) -> int | None:
    """A provincial officer of the province (who imports and draws for its unit), if any."""
    from sqlalchemy import select

    from supervision.core.access import Role
    from supervision.core.models import Organisation, User, UserRole
    from supervision.extensions import db

    return db.session.scalar(
        select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(
            UserRole.role == Role.PROVINCIAL_OFFICER,
            User.active.is_(True),
            (Organisation.id == province_id) | (Organisation.province_id == province_id),
        )
        .order_by(User.id)
        .limit(1)
    )


def _target(app) -> dict:
    """Where the files go: the national campaign's first unit (by id) whose results are not
    submitted, as a provincial officer of its province; and the campaign's sales period,
    which the files' dates lie in."""
    from sqlalchemy import select

    from supervision.core.models import Organisation
    from supervision.extensions import db
    from supervision.verification.models import (
        ReportStatus,
        VerificationCampaign,
        VerificationReport,
        VerificationTask,
    )

    with app.app_context():
        campaign = db.session.get(VerificationCampaign, national_campaign())
        closed = select(VerificationReport.unit_id).where(
            VerificationReport.campaign_id == campaign.id,
            VerificationReport.status.in_([ReportStatus.SUBMITTED, ReportStatus.ACCEPTED]),
        )
        unit = db.session.scalar(
            select(Organisation)
            .join(VerificationTask, VerificationTask.unit_id == Organisation.id)
            .where(VerificationTask.campaign_id == campaign.id, Organisation.id.not_in(closed))
            .order_by(Organisation.id)
            .limit(1)
        )
        if unit is None:
            raise RuntimeError("no unit of the campaign may import")
        return {
            "campaign": campaign.id,
            "unit": unit.id,
            "province": unit.province_org_id,
            "user": officer_of(unit.province_org_id),
            "division": unit.division_code or "110000",
            "period": [campaign.sales_from.isoformat(), campaign.sales_to.isoformat()],
        }


def input_file(ctx: Context, target: dict, fmt: str, rows: int = ROWS) -> Path:
    """The file of ``rows`` sales (seed ``bench-<seed>``, dates in the campaign's period)."""
    start, end = target["period"]
    return ctx.work / f"consumer_sales_{ctx.seed}_{rows}_{start}_{end}.{fmt}"


def _target_file(ctx: Context) -> Path:
    return ctx.work / "import_target.json"


def prepare(ctx: Context, rows: int = ROWS) -> None:
    """The files of both measurements (kept between runs), and the unit they go to."""
    from supervision.verification import samplefiles

    ctx.work.mkdir(parents=True, exist_ok=True)
    target = _target(ctx.app())
    _target_file(ctx).write_text(json.dumps(target))
    period = tuple(date.fromisoformat(day) for day in target["period"])
    for fmt in ("csv", "xlsx"):
        path = input_file(ctx, target, fmt, rows)
        if path.exists():
            continue
        partial = path.with_suffix(f".part.{fmt}")
        samplefiles.write_consumer_sales(
            partial,
            rows,
            seed=f"bench-{ctx.seed}",
            unit_division_code=target["division"],
            fmt=fmt,
            period=period,
        )
        partial.rename(path)


def _load_target(ctx: Context) -> dict:
    path = _target_file(ctx)
    return json.loads(path.read_text()) if path.exists() else _target(ctx.app())


# -- the application ------------------------------------------------------------------------------


def run_app(ctx: Context, fmt: str, rows: int = ROWS) -> Result:
    """Upload → validate → confirm → import to DONE (timed), then delete what it imported."""
    from sqlalchemy import delete

    from supervision.core.models import AuditEntry, Organisation, User
    from supervision.extensions import db
    from supervision.imports import service as imports
    from supervision.imports.models import ImportJob
    from supervision.verification.importing import KINDS
    from supervision.verification.record_models import ConsumerSale

    app = ctx.app()
    target = _load_target(ctx)
    path = input_file(ctx, target, fmt, rows)
    with app.app_context():
        kind = KINDS["consumer_sales"]
        province = db.session.get(Organisation, target["province"])
        user = db.session.get(User, target["user"]) if target["user"] else None
        started, cpu = time.perf_counter(), time.process_time()
        with path.open("rb") as stream:
            job = imports.create_job(
                kind,
                stream,
                path.name,
                province=province,
                user=user,
                params={"campaign": target["campaign"], "unit": target["unit"]},
            )
        job_id = job.id
        db.session.commit()
        imports.start(app, job_id, "validate")
        db.session.expire_all()
        job = db.session.get(ImportJob, job_id)
        validated = time.perf_counter()
        if job.status != imports.Status.VALID or not imports.confirm(job):
            raise RuntimeError(f"import refused: {job.message} {job.errors[:3]}")
        db.session.commit()
        imports.start(app, job_id, "import")
        db.session.expire_all()
        job = db.session.get(ImportJob, job_id)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        if job.status != imports.Status.DONE:
            raise RuntimeError(f"import failed: {job.message} {job.errors[:3]}")
        imported = job.processed_rows
        # As before: the rows, the job and its audit entry go.
        db.session.execute(delete(ConsumerSale).where(ConsumerSale.import_job_id == job_id))
        db.session.execute(
            delete(AuditEntry).where(
                AuditEntry.entity == "import_jobs", AuditEntry.entity_id == str(job_id)
            )
        )
        db.session.delete(job)
        db.session.commit()
    return Result(
        seconds,
        imported,
        {"validate_seconds": round(validated - started, 2), "cpu_seconds": round(cpu, 2)},
    )


# -- the baselines --------------------------------------------------------------------------------


def _xlsx_rows(path: Path):
    """Data rows of the sheet as calamine gives them (two header lines, 序号 first)."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    try:
        rows = workbook.get_sheet_by_index(0).iter_rows()
        next(rows), next(rows)
        yield from rows
    finally:
        workbook.close()


def _csv_rows(path: Path):
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        next(reader), next(reader)
        yield from reader


def _day(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def run_baseline(ctx: Context, fmt: str, rows: int = ROWS) -> Result:
    """The plain library: read, convert minimally, executemany, commit (timed); then delete."""
    from sqlalchemy import text

    from supervision.extensions import db

    app = ctx.app()
    target = _load_target(ctx)
    path = input_file(ctx, target, fmt, rows)
    with app.app_context():
        engine = db.engine
        postgresql = engine.dialect.name == "postgresql"
        mark = "%s" if postgresql else "?"
        columns = ("campaign_id", "unit_id", "province_id", "row_number", *FIELDS, "buyer_key")
        marks = ", ".join([mark] * len(columns))
        statement = f"INSERT INTO {TABLE} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
        with engine.connect() as connection:
            top = connection.execute(text(f"SELECT MAX(id) FROM {TABLE}")).scalar() or 0  # noqa: S608
            connection.commit()
        raw = engine.raw_connection()
        try:
            started, cpu = time.perf_counter(), time.process_time()
            base = (target["campaign"], target["unit"], target["province"])
            cursor = raw.cursor()
            source = _xlsx_rows(path) if fmt == "xlsx" else _csv_rows(path)
            count, batch = 0, []
            for number, cells in enumerate(source, start=3):
                values = [_text(c) for c in cells[1:]]
                # sqlite3 takes neither Decimal nor date: what SQLAlchemy stores there.
                values[9] = Decimal(values[9]) if postgresql else float(values[9])
                day = _day(cells[11])
                values[10] = day if postgresql else day.isoformat()
                buyer = values[14] or f"{values[0]}|{values[2]}"
                batch.append((*base, number, *values, buyer))
                if len(batch) >= BASELINE_BATCH:
                    cursor.executemany(statement, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(statement, batch)
                count += len(batch)
            raw.commit()
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            cursor.execute(
                f"DELETE FROM {TABLE} WHERE id > {mark} AND campaign_id = {mark} "  # noqa: S608
                f"AND unit_id = {mark}",
                (top, target["campaign"], target["unit"]),
            )
            raw.commit()
        finally:
            raw.close()
    return Result(seconds, count, {"cpu_seconds": round(cpu, 2)})


# -- the measurements -----------------------------------------------------------------------------


MEASUREMENTS = [
    Measurement(
        name="import_xlsx",
        title="import 1 000 000 consumer sales (.xlsx)",
        unit="rows/s",
        goal=Goal(
            kind="rate",
            ratio=0.5,
            memory_over_baseline_mb=200,
            text="≥ 0.5 × calamine + executemany rows/s; peak ≤ baseline + 200 MB",
        ),
        app=lambda ctx: run_app(ctx, "xlsx"),
        baseline=lambda ctx: run_baseline(ctx, "xlsx"),
        prepare=prepare,
    ),
    Measurement(
        name="import_csv",
        title="import 1 000 000 consumer sales (.csv)",
        unit="rows/s",
        goal=Goal(
            kind="rate",
            ratio=0.5,
            memory_mb=300,
            text="≥ 0.5 × csv + executemany rows/s; peak ≤ 300 MB",
        ),
        app=lambda ctx: run_app(ctx, "csv"),
        baseline=lambda ctx: run_baseline(ctx, "csv"),
        prepare=prepare,
    ),
]
