"""Generated sales-record files: the same for the same seed, valid for the import, and
reconcilable (with the discrepancies placed on purpose)."""

from __future__ import annotations

import csv
from collections import Counter

import pytest
from records_support import latest_job, upload
from verification_support import verification  # noqa: F401

from conftest import login
from supervision.verification import samplefiles
from supervision.verification.rules import bulk_buyers, buyer_key


def _read(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_the_same_seed_gives_the_same_file_and_another_seed_other_codes(tmp_path):
    one = samplefiles.write_consumer_sales(
        tmp_path / "a.csv", 300, seed=7, unit_division_code="320000"
    )
    two = samplefiles.write_consumer_sales(
        tmp_path / "b.csv", 300, seed=7, unit_division_code="320000"
    )
    other = samplefiles.write_consumer_sales(
        tmp_path / "c.csv", 300, seed=8, unit_division_code="320000"
    )
    assert one.read_bytes() == two.read_bytes()
    codes = {r[9] for r in _read(one)[2:]}
    assert len(codes) == 300 and not codes & {r[9] for r in _read(other)[2:]}


def test_consumer_sales_are_realistic_and_hold_bulk_buyers(tmp_path):
    rows = _read(
        samplefiles.write_consumer_sales(
            tmp_path / "s.csv", 3000, seed=1, unit_division_code="320000"
        )
    )
    assert rows[1][:3] == ["序号", "消费者名称", "联系人"] and rows[0][1] == "消费者信息"
    data = rows[2:]
    assert len(data) == 3000
    assert {r[5][:4] for r in data} == {"3201"}  # 南京's districts
    assert all(
        samplefiles.PERIOD[0].isoformat() <= r[11] <= samplefiles.PERIOD[1].isoformat()
        for r in data
    )
    organisations = [r for r in data if r[2]]
    assert organisations and all(r[15] for r in organisations)  # they give their credit code
    purchases = Counter((buyer_key(id_number=r[15], name=r[1], phone=r[3]), r[12]) for r in data)
    buyers = bulk_buyers([(key, n) for (key, _invoice), n in purchases.items()])
    assert any(b.in_one_purchase for b in buyers)
    assert any(not b.in_one_purchase for b in buyers)  # bulk only cumulatively


def test_shipments_and_production_describe_the_same_products(tmp_path):
    sales = _read(
        samplefiles.write_consumer_sales(
            tmp_path / "s.csv", 2000, seed=3, unit_division_code="210200"
        )
    )[2:]
    shipped = _read(
        samplefiles.write_shipments(tmp_path / "h.csv", 2100, seed=3, unit_division_code="210200")
    )[1:]
    made = _read(samplefiles.write_production(tmp_path / "p.csv", 2200, seed=3))[1:]
    assert {r[5][:4] for r in sales} == {"2102"}  # 大连's districts for a 计划单列市
    made_codes, shipped_codes = {r[3] for r in made}, {r[3] for r in shipped}
    sold = {r[9]: r for r in sales}
    assert shipped_codes <= made_codes and set(sold) <= made_codes
    # Product 500 and 1497 were sold but never declared shipped.
    missing = set(sold) - shipped_codes
    assert sorted(int(code[-9:]) for code in missing) == [500, 1497]
    # Product 7 (and 1506) is reported under another model of its maker in consumer sales.
    models = {r[3]: r[2] for r in made}
    wrong = sorted(int(c[-9:]) for c, r in sold.items() if r[8] != models[c])
    assert wrong == [7, 1506]
    for r in shipped:
        code = r[3]
        if code in sold:
            assert r[4] <= sold[code][11]  # shipped before sold


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_generated_files_import(client, verification, tmp_path, fmt):
    login(client, verification.world.a_officer.username)
    for sales_table, write in (
        (
            "consumer_sales",
            lambda p: samplefiles.write_consumer_sales(
                p, 400, seed=5, unit_division_code="320000", fmt=fmt
            ),
        ),
        ("shipments", lambda p: samplefiles.write_shipments(p, 400, seed=5, fmt=fmt)),
        ("production", lambda p: samplefiles.write_production(p, 400, seed=5, fmt=fmt)),
        (
            "dealer_purchases",
            lambda p: samplefiles.write_table("dealer_purchases", p, 50, seed=5, fmt=fmt),
        ),
    ):
        path = write(tmp_path / f"{sales_table}.{fmt}")
        upload(client, verification, sales_table, path.read_bytes(), name=path.name)
        job = latest_job()
        assert job.status == "valid", (sales_table, job.message, job.errors[:3])
        client.post(f"/imports/{job.id}/confirm")
        assert latest_job().status == "done"


def test_gb18030_csv(tmp_path):
    path = samplefiles.write_consumer_sales(
        tmp_path / "g.csv", 10, seed=2, unit_division_code="330000", encoding="gb18030"
    )
    assert "西湖区" in path.read_bytes().decode("gb18030") or "上城区" in path.read_bytes().decode(
        "gb18030"
    )


def test_unknown_tables_and_formats_are_refused(tmp_path):
    with pytest.raises(ValueError):
        samplefiles.write_table("producer_stock", tmp_path / "x.csv", 1, seed=1)
    with pytest.raises(ValueError):
        samplefiles.write_table("consumer_sales", tmp_path / "x.xls", 1, seed=1, fmt="xls")
