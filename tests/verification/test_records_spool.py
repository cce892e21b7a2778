"""The sales-record import at scale: rows validated by batches give the answers of row-by-row
validation, the validated values are kept in a spool the import pass trusts, and what the
database may have changed since the validation is checked again."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest
from records_support import (
    DEALER,
    consumer,
    count,
    header,
    import_file,
    latest_job,
    table_rows,
    upload,
    xlsx,
)
from verification_support import verification  # noqa: F401

from conftest import login
from supervision.extensions import db
from supervision.imports import passes
from supervision.imports.kinds import ImportContext
from supervision.imports.spool import Spool
from supervision.verification.import_columns import TABLES
from supervision.verification.importing import KINDS

#: Cells that are wrong somewhere (or right elsewhere): empty, too long, not a date …
ODD_CELLS = [
    "",
    " ",
    "x",
    "2013-02-30",
    "2012-08-31",
    "2013-02-01",
    "2012-10-05",
    "12345678-9",
    "12345678-8",
    "2999.999",
    "2,999.00",
    "-1",
    "7",
    "1" * 24,
    "x" * 300,
    "１２３",
    "320102",
    "990102",
    "13912345678",
    "12345",
    "110105194912310021",
    "11010519491231002X",
    "12345678",
    "IMP 1",
]


@pytest.fixture
def officer(client, verification):
    login(client, verification.world.a_officer.username)
    return client


def cells(n: int) -> dict:
    """A valid cell for every column of the six tables (附表3-6's as ``consumer`` makes it)."""
    return {
        **consumer(n),
        "stock_on": "2012-09-03",
        "produced_on": "2012-09-03",
        "invoiced_on": "2012-09-03",
        "outlet_name": "苏宁电器南京新街口店",
        "outlet_code": DEALER,
        "supplier_name": "青岛海尔股份有限公司",
        "supplier_code": DEALER,
        "buyer_name": "苏宁电器股份有限公司",
        "buyer_code": DEALER,
        "seller_name": "中国电子器材总公司",
        "seller_code": DEALER,
        "quantity": "5",
    }


def _context() -> ImportContext:
    context = ImportContext(1, None, None, {})
    context.state.update(
        base=(1, 2, 2, 1),
        period=(date(2012, 9, 1), date(2013, 1, 31)),
        period_text=("2012-09-01", "2013-01-31"),
    )
    return context


@pytest.mark.parametrize("sales_table", sorted(TABLES))
def test_batches_give_the_answers_of_rows(app, sales_table):
    kind = KINDS[sales_table]
    rng = random.Random(sales_table)
    good = [[cells(n)[c.key] for c in kind.columns] for n in range(40)]
    rows = []
    for n in range(600):
        texts = list(good[n % len(good)])
        for _ in range(rng.choice((0, 0, 1, 3))):
            texts[rng.randrange(len(texts))] = rng.choice(ODD_CELLS)
        rows.append((n + 3, tuple(texts)))
    one_by_one, alone = [], []
    context = _context()
    for row, texts in rows:
        context.row = row
        value, problems = kind.validate_texts(texts, context)
        if value is not None:
            one_by_one.append((row, value))
        alone.extend((row, key, str(message)) for key, message in problems)
    batched, together = [], []
    for start in range(0, len(rows), 70):
        values, problems = kind.validate_batch(rows[start : start + 70], _context())
        batched.extend(values)
        together.extend((row, key, str(message)) for row, key, message in problems)
    assert batched == one_by_one
    assert sorted(together) == sorted(alone)
    assert alone and one_by_one


def test_the_spool_keeps_a_code_once(tmp_path):
    columns = ("row_number", "product_code", "price")
    with Spool(tmp_path / "s.sqlite", columns, unique="product_code", create=True) as spool:
        assert spool.append([(3, "A", 1.5), (4, "B", 2.0)]) == []
        repeated = spool.append([(5, "C", 1.0), (6, "A", 3.0), (7, "C", 4.0)])
        assert repeated == [((6, "A", 3.0), 3), ((7, "C", 4.0), 5)]
    with Spool(tmp_path / "s.sqlite", columns) as spool:
        assert spool.count() == 3
        assert [pair for batch in spool.batches(2) for pair in batch] == [
            (3, (3, "A", 1.5)),
            (4, (4, "B", 2.0)),
            (5, (5, "C", 1.0)),
        ]


def test_repeated_codes_are_found_whatever_the_batches(officer, verification, monkeypatch):
    monkeypatch.setattr(passes, "BATCH_SIZE", 4)
    rows = [consumer(n) for n in range(12)]
    rows[2] = consumer(2, product_code="IMP00000009")  # before its twin: the twin is the repeat
    rows[11] = consumer(11, product_code="IMP00000001")
    rows[10] = consumer(10, product_code="IMP00000001", sold_on="2013-02-01")  # no code claimed
    upload(
        officer,
        verification,
        "consumer_sales",
        xlsx(header("consumer_sales"), table_rows("consumer_sales", rows)),
    )
    job = latest_job()
    assert [(e["row"], e["message"]) for e in job.errors] == [
        (12, "产品唯一编码 IMP00000009 与第 5 行重复。"),
        (13, "产品销售时间 2013-02-01 不在本次核查的销售期间（2012-09-01 至 2013-01-31）。"),
        (14, "产品唯一编码 IMP00000001 与第 4 行重复。"),
    ]


def test_a_period_changed_before_confirmation_stops_the_import(officer, verification):
    rows = [consumer(n, sold_on=f"2013-01-{10 + n:02d}") for n in range(5)]
    upload(
        officer,
        verification,
        "consumer_sales",
        xlsx(header("consumer_sales"), table_rows("consumer_sales", rows)),
    )
    job = latest_job()
    assert job.status == "valid"
    campaign = verification.campaign
    campaign.sales_to = date(2013, 1, 12)
    db.session.commit()
    before = count("consumer_sales")
    officer.post(f"/imports/{job.id}/confirm")
    job = latest_job()
    assert job.status == "invalid"
    assert [e["row"] for e in job.errors] == [6, 7]
    assert job.errors[0]["message"] == (
        "产品销售时间 2013-01-13 不在本次核查的销售期间（2012-09-01 至 2013-01-12）。"
    )
    assert count("consumer_sales") == before


def test_the_import_leaves_the_connections_as_it_found_them(app, officer, verification):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the spool is attached to SQLite only")
    rows = table_rows("consumer_sales", [consumer(1)])
    job = import_file(officer, verification, "consumer_sales", rows)
    assert job.summary["imported"] == 1
    # Every pooled connection at once (each a different one): none keeps the spool attached
    # or the import's page cache.
    pooled = [db.engine.raw_connection() for _ in range(max(db.engine.pool.checkedin(), 1))]
    try:
        for connection in pooled:
            cursor = connection.cursor()
            names = [row[1] for row in cursor.execute("PRAGMA database_list")]
            assert not [name for name in names if name.startswith("spool_")]
            assert cursor.execute("PRAGMA cache_size").fetchone()[0] == -2000
    finally:
        for connection in pooled:
            connection.close()
    assert not list((Path(app.instance_path) / "imports").glob(f"{job.id}-rows.*"))


def test_dates_and_amounts_are_stored_as_typed(officer, verification):
    from decimal import Decimal

    from sqlalchemy import select

    from supervision.verification.record_models import ConsumerSale

    rows = [
        consumer(n, price=price) for n, price in enumerate(["0.10", "9999999999.99", "2,999.5"])
    ]
    job = import_file(
        officer, verification, "consumer_sales", table_rows("consumer_sales", rows), fmt="csv"
    )
    stored = db.session.execute(
        select(ConsumerSale.price, ConsumerSale.sold_on)
        .where(ConsumerSale.import_job_id == job.id)
        .order_by(ConsumerSale.row_number)
    ).all()
    assert stored == [
        (Decimal("0.10"), date(2012, 10, 5)),
        (Decimal("9999999999.99"), date(2012, 10, 5)),
        (Decimal("2999.50"), date(2012, 10, 5)),
    ]
