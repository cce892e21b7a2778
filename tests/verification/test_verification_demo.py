"""The demo campaign builds through the real services and import machinery (with a few
hundred records instead of 100 000), reruns without adding anything, and the sample-file
command writes files the import takes."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from supervision.core import audit
from supervision.core.types import utcnow
from supervision.demo import verification as demo
from supervision.demo import verification_records as demo_records
from supervision.extensions import db
from supervision.imports.models import ImportJob
from supervision.organisations.service import by_division_code
from supervision.verification import bulk, result_reports, results
from supervision.verification.check_models import (
    BulkBuyerCheck,
    BuyerPurpose,
    DrawStatus,
    SampleDraw,
    SubsidyClaim,
)
from supervision.verification.cli import sample_file_command, written_rows
from supervision.verification.models import (
    CampaignStatus,
    ReportStatus,
    Target,
    TaskStatus,
    TrainingRegistration,
)
from supervision.verification.rules.buyers import buyer_key

ROWS = 300


@pytest.fixture
def demo_db(app, database, monkeypatch):
    from supervision.demo.service import load_demo

    monkeypatch.setitem(app.config, "DEMO_VERIFICATION_ROWS", ROWS)
    with audit.acting_as(audit.Actor(None, "command line", source="cli")):
        load_demo(now=utcnow())
        db.session.commit()
    return database


def _campaign():
    from supervision.verification.models import VerificationCampaign

    return db.session.scalar(
        select(VerificationCampaign).where(VerificationCampaign.name == demo.CAMPAIGN)
    )


def test_the_demo_campaign_is_issued_to_every_unit_and_split_in_jiangsu(demo_db):
    campaign = _campaign()
    assert campaign.status == CampaignStatus.ISSUED
    assert campaign.issued_on.isoformat() == "2013-03-06"
    assert campaign.result_due_on.isoformat() == "2013-04-15"
    assert (campaign.sales_from.isoformat(), campaign.sales_to.isoformat()) == (
        "2012-09-01",
        "2013-01-31",
    )
    assert len(campaign.categories) == 8
    units = {t.unit_id for t in campaign.tasks}
    assert len(units) == 32 + 5 and len(campaign.tasks) == 37 * 3
    js = by_division_code("320000")
    tasks = {t.target: t for t in campaign.tasks if t.unit_id == js.id}
    assert tasks[Target.PRODUCTION].status == TaskStatus.DONE
    assert tasks[Target.END_USER].status == TaskStatus.ASSIGNED
    assert {u.username for u in tasks[Target.END_USER].people} == {
        "js-inspector",
        "js-inspector2",
        "js-inspector3",
    }
    assert tasks[Target.OUTLET].agency.division_code == "320500"
    assert len(campaign.training_sessions) == 4
    registration = db.session.scalar(
        select(TrainingRegistration).where(TrainingRegistration.unit_id == js.id)
    )
    assert registration is not None and registration.session.region == "南京"


def test_the_records_came_in_through_the_import_machinery(demo_db):
    campaign, js = _campaign(), by_division_code("320000")
    jobs = list(db.session.scalars(select(ImportJob).order_by(ImportJob.id)))
    assert [(j.kind, j.status) for j in jobs] == [
        ("verification_production", "done"),
        ("verification_shipments", "done"),
        ("verification_dealer_purchases", "done"),
        ("verification_consumer_sales", "done"),
    ]
    products = ROWS + demo_records.PLANTED_UNITS
    assert demo_records.imported_rows(campaign, js, "consumer_sales") == products
    assert demo_records.imported_rows(campaign, js, "production") == products
    assert demo_records.imported_rows(campaign, js, "shipments") == written_rows(
        "shipments", products
    )


def test_the_planted_bulk_buyers_are_found(demo_db):
    campaign, js = _campaign(), by_division_code("320000")
    found = {
        row.buyer_key: (row.units, row.purchases, row.largest)
        for row in db.session.execute(bulk.bulk_buyers_select(campaign, js.id, None))
    }
    welfare = buyer_key(id_number=demo_records.WELFARE_BUYER_CODE)
    assert found[welfare] == (12, 1, 12)
    # 4 + 1 on two invoices, the phone written two ways.
    assert found[buyer_key(name="周建华", phone="13951602288")] == (5, 2, 4)
    # 2 + 3 under her 15- and 18-digit ID numbers.
    assert found[buyer_key(id_number=demo_records.ID_15)] == (5, 2, 3)
    check = db.session.scalar(select(BulkBuyerCheck).where(BulkBuyerCheck.buyer_key == welfare))
    assert check.purpose == BuyerPurpose.WELFARE and check.retained


def test_the_draw_outcomes_claims_and_progress(demo_db):
    campaign, js = _campaign(), by_division_code("320000")
    draw = db.session.scalar(select(SampleDraw).where(SampleDraw.status == DrawStatus.ACTIVE))
    assert draw.seed == demo.DRAW_SEED
    figures = results.figures_of(campaign, js)
    assert figures.phone_drawn == 4 and figures.visit_drawn == 2  # 1 % and 0.5 %, rounded up
    assert figures.outcome("phone", "unreachable") == 1
    assert figures.outcome("visit", "discrepancy") == 1
    assert figures.outcome("phone", "confirmed") >= 1 and figures.top_ups == 1
    assert figures.bulk_buyers >= 3 and figures.bulk_buyers_checked == 1
    claims = {
        c.month: c for c in db.session.scalars(select(SubsidyClaim).order_by(SubsidyClaim.month))
    }
    assert claims[10].differences == []
    assert [d["field"] for d in claims[11].differences] == ["sold_units"]
    assert (figures.claims, figures.claims_checked, figures.claims_with_differences) == (2, 2, 1)
    report = result_reports.report_of(campaign, js)
    assert report.status == ReportStatus.DRAFT and report.summary
    from supervision.accounts.service import by_username

    progress = results.progress(
        campaign, today=campaign.result_due_on, user=by_username("ministry")
    )
    assert len(progress.rows) == 37
    assert progress.total.records["consumer_sales"] == figures.records["consumer_sales"]


def test_the_demo_reruns_without_adding_anything(app, demo_db):
    from supervision.demo.service import load_demo

    before = db.session.scalar(select(func.count()).select_from(ImportJob))
    with audit.acting_as(audit.Actor(None, "command line", source="cli")):
        load_demo(now=utcnow())
        db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == before
    assert db.session.scalar(select(func.count()).select_from(SubsidyClaim)) == 2
    assert db.session.scalar(select(func.count()).select_from(SampleDraw)) == 1


# -- flask verification sample-file ------------------------------------------------------------


def test_sample_file_csv_is_the_same_for_the_same_seed(app, tmp_path):
    runner = app.test_cli_runner()
    outs = [tmp_path / "a.csv", tmp_path / "b.csv"]
    for out in outs:
        result = runner.invoke(
            sample_file_command, ["--rows", "50", "--out", str(out), "--seed", "s1"]
        )
        assert result.exit_code == 0, result.output
    assert "Wrote 50 rows of 附表3-6" in result.output
    assert outs[0].read_bytes() == outs[1].read_bytes()
    lines = list(csv.reader(io.StringIO(outs[0].read_text(encoding="utf-8-sig"))))
    data = [line for line in lines if line and line[0].isdigit()]
    assert len(data) == 50 and data[0][0] == "1"


def test_sample_file_xlsx_of_shipments(app, tmp_path):
    out = tmp_path / "shipments.xlsx"
    result = app.test_cli_runner().invoke(
        sample_file_command, ["--table", "shipments", "--rows", "1000", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"Wrote {written_rows('shipments', 1000)} rows of 附表3-4" in result.output
    assert written_rows("shipments", 1000) == 999  # product 500 never declared shipped
    for rows in (1, 500, 501, 1497, 1498, 2494, 2495):
        assert written_rows("shipments", rows) == sum(1 for i in range(rows) if i % 997 != 500)
    assert written_rows("consumer_sales", 1498) == 1498
    book = load_workbook(out, read_only=True)
    try:
        body = [r for r in book.worksheets[0].iter_rows(values_only=True) if isinstance(r[0], int)]
    finally:
        book.close()
    assert len(body) == 999


def test_sample_file_refuses_a_bad_unit_code(app, tmp_path):
    result = app.test_cli_runner().invoke(
        sample_file_command, ["--rows", "5", "--out", str(tmp_path / "x.csv"), "--unit", "32"]
    )
    assert result.exit_code != 0 and "6-digit" in result.output
