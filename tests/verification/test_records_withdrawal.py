"""Withdrawing one import of sales records (撤销导入): all its rows deleted in one step, with a
reason, audited; refused once the results are submitted or its records were drawn for checks."""

from __future__ import annotations

import html

import pytest
from records_support import (
    consumer,
    count,
    header,
    import_file,
    latest_job,
    table_rows,
    upload,
    xlsx,
)
from sqlalchemy import select
from verification_support import verification  # noqa: F401

from conftest import login
from supervision.core.audit import AuditEntry
from supervision.extensions import db
from supervision.imports.models import ImportJob
from supervision.verification.check_models import CheckMethod, SampleItem
from supervision.verification.models import CampaignStatus, ReportStatus
from supervision.verification.record_models import ConsumerSale


@pytest.fixture
def officer(client, verification):
    login(client, verification.world.a_officer.username)
    return client


def consumers(first: int, n: int, **overrides) -> list[list]:
    return table_rows("consumer_sales", [consumer(i, **overrides) for i in range(first, first + n)])


def withdraw(client, made, job, reason="文件中型号填错，撤销后重新导入更正后的文件", unit=None):
    unit = unit or made.world.a_province
    return client.post(
        f"/verification/{made.campaign.id}/units/{unit.id}/imports/{job.id}/withdraw",
        data={"reason": reason},
    )


def flashed(client, made) -> str:
    address = f"/verification/{made.campaign.id}/units/{made.world.a_province.id}/records"
    return html.unescape(client.get(address).get_data(as_text=True))


def job(job_id: int) -> ImportJob:
    db.session.expire_all()
    return db.session.get(ImportJob, job_id)


def test_withdrawing_deletes_the_jobs_rows_only_and_a_corrected_file_replaces_them(
    officer, verification
):
    kept = import_file(officer, verification, "consumer_sales", consumers(0, 3), name="十月.xlsx")
    wrong = import_file(
        officer,
        verification,
        "consumer_sales",
        consumers(10, 4, model="BCD-错误"),
        name="十一月.xlsx",
    )
    before = count("consumer_sales")

    response = withdraw(officer, verification, wrong)

    assert response.status_code == 302
    assert count("consumer_sales") == before - 4
    assert count("consumer_sales", import_job_id=kept.id) == 3
    assert count("consumer_sales", model="BCD-错误") == 0
    done = job(wrong.id)
    assert done.status == "withdrawn"
    assert done.summary["withdrawn_rows"] == 4
    assert done.summary["withdrawn_reason"] == "文件中型号填错，撤销后重新导入更正后的文件"
    assert done.summary["withdrawn_by"] == verification.world.a_officer.full_name
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "withdraw_import")
    ).one()
    assert entry.entity_id.endswith(f"/{wrong.id}")
    assert entry.changes["rows"] == [4, 0]
    assert f"已撤销导入 #{wrong.id}，删除 4 行。" in flashed(officer, verification)
    detail = html.unescape(officer.get(f"/imports/{wrong.id}").get_data(as_text=True))
    assert "已撤销：导入的 4 行已删除" in detail
    assert "文件中型号填错" in detail

    # The same product codes, corrected, are no longer duplicates.
    again = import_file(
        officer, verification, "consumer_sales", consumers(10, 4), name="十一月更正.xlsx"
    )
    assert count("consumer_sales", import_job_id=again.id) == 4


@pytest.mark.parametrize(
    ("reason", "message"),
    [("   ", "请写明撤销理由。"), ("理" * 501, "撤销理由不能超过 500 个字。")],
)
def test_a_reason_is_required_and_bounded(officer, verification, reason, message):
    done = import_file(officer, verification, "consumer_sales", consumers(0, 2))
    withdraw(officer, verification, done, reason=reason)
    assert job(done.id).status == "done"
    assert count("consumer_sales", import_job_id=done.id) == 2
    assert message in flashed(officer, verification)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("closed", "该核查工作已结束，不能撤销导入。"),
        ("submitted", "本单位的核查结果已上报，不能撤销导入。"),
        ("accepted", "本单位的核查结果已上报，不能撤销导入。"),
    ],
)
def test_no_withdrawal_once_closed_or_reported(officer, verification, change, message):
    done = import_file(officer, verification, "consumer_sales", consumers(0, 2))
    if change == "closed":
        verification.campaign.status = CampaignStatus.CLOSED
    else:
        verification.report.status = ReportStatus(change)
    db.session.commit()
    withdraw(officer, verification, done)
    assert job(done.id).status == "done"
    assert count("consumer_sales", import_job_id=done.id) == 2
    assert message in flashed(officer, verification)


def test_records_drawn_for_checks_keep_their_import(officer, verification):
    done = import_file(officer, verification, "consumer_sales", consumers(0, 3))
    sale = db.session.scalars(
        select(ConsumerSale.id).where(ConsumerSale.import_job_id == done.id)
    ).first()
    db.session.add(
        SampleItem(draw_id=verification.draw.id, sale_id=sale, method=CheckMethod.VISIT, position=9)
    )
    db.session.commit()
    withdraw(officer, verification, done)
    assert job(done.id).status == "done"
    assert count("consumer_sales", import_job_id=done.id) == 3
    assert "本次导入的记录中有 1 条已被抽中核查" in flashed(officer, verification)


def test_other_tables_withdraw_too(officer, verification):
    rows = table_rows(
        "production",
        [
            {
                "manufacturer": "青岛海尔股份有限公司",
                "model": "BCD-216SDN",
                "product_code": f"P{n:06d}",
                "produced_on": "2012-09-10",
            }
            for n in range(3)
        ],
    )
    done = import_file(officer, verification, "production", rows)
    withdraw(officer, verification, done)
    assert job(done.id).status == "withdrawn"
    assert count("production") == 0


def test_only_the_units_officers_withdraw(client, verification):
    login(client, verification.world.a_officer.username)
    done = import_file(client, verification, "consumer_sales", consumers(0, 2))
    login(client, verification.world.a_inspector.username)
    assert withdraw(client, verification, done).status_code == 403
    login(client, verification.world.ministry_officer.username)
    assert withdraw(client, verification, done).status_code == 403
    login(client, verification.world.b_officer.username)
    assert withdraw(client, verification, done).status_code == 404
    assert job(done.id).status == "done"
    assert count("consumer_sales", import_job_id=done.id) == 2


def test_a_job_of_another_unit_or_not_done_is_refused(officer, verification):
    upload(
        officer,
        verification,
        "consumer_sales",
        xlsx(header("consumer_sales"), consumers(0, 2)),
    )
    waiting = latest_job()
    assert waiting.status == "valid"
    withdraw(officer, verification, waiting)
    assert "只能撤销已完成的导入" in flashed(officer, verification)
    assert job(waiting.id).status == "valid"

    officer.post(f"/imports/{waiting.id}/confirm")
    b = verification.world.b_province
    response = withdraw(officer, verification, waiting, unit=b)
    assert response.status_code == 404  # B's unit is not A's officer's to see
    assert job(waiting.id).status == "done"


def test_the_records_page_offers_withdrawal_to_the_units_officer_only(client, verification):
    login(client, verification.world.a_officer.username)
    done = import_file(client, verification, "consumer_sales", consumers(0, 2))
    action = f"/imports/{done.id}/withdraw"
    assert action in flashed(client, verification)
    login(client, verification.world.a_inspector.username)
    assert action not in flashed(client, verification)
