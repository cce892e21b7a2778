"""Subsidy claim checks, service level: products with their eligibility, claims recorded and
recomputed against the products, the reference rows in use and the consumer-sales records."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import insert, select
from verification_support import MANUFACTURER, Verification, sale_row, verification  # noqa: F401

from supervision.core.errors import DomainError
from supervision.extensions import db
from supervision.reference import codec
from supervision.reference import service as reference
from supervision.verification import claims
from supervision.verification.check_models import SubsidyClaim
from supervision.verification.record_models import ConsumerSale
from supervision.verification.rules.subsidies import EligibilityStatus
from supervision.verification.subsidy_reference import in_use


def fridge(model="BCD-216SDN", **fields) -> claims.ProductData:
    values = {
        "manufacturer": MANUFACTURER,
        "category": "fridge",
        "model": model,
        "brand": "海尔",
        "energy_grade": 1,
        "fridge_kind": "BCD",
        "volume_l": D("216"),
        "efficiency_index": D("30"),
    }
    values.update(fields)
    return claims.ProductData(**values)


def claim_data(lines, **fields) -> claims.ClaimData:
    values = {
        "manufacturer": MANUFACTURER,
        "category": "fridge",
        "year": 2012,
        "month": 10,
        "received_on": date(2012, 11, 9),
        "opening_stock": 100,
        "production": 500,
        "shipments": 450,
        "closing_stock": 150,
        "units_promoted": 20,
        "amount_wan": D("0.5200"),
        "lines": lines,
    }
    values.update(fields)
    return claims.ClaimData(**values)


def line(model="BCD-216SDN", units=20, standard="260", amount="0.5200", opening=100, closing=150):
    return claims.LineData(
        model=model,
        standard_yuan=D(standard),
        units=units,
        amount_wan=D(amount),
        brand="海尔",
        opening_stock=opening,
        closing_stock=closing,
    )


def test_a_product_is_registered_with_its_eligibility(verification: Verification):
    v = verification
    product = claims.add_product(
        v.campaign, v.world.a_province, fridge(fridge_kind=" bcd ", psu_watts=900), actor=None
    )
    db.session.commit()
    assert (product.fridge_kind, product.psu_watts, product.province_id) == (
        "BCD",
        None,  # desktop fields are cleared on a refrigerator
        v.world.a_province.id,
    )
    verdict = claims.eligibility_of(product)
    assert verdict.eligible and verdict.amount == D(260)


def test_duplicates_and_foreign_categories_are_refused(verification: Verification):
    v = verification
    claims.add_product(v.campaign, v.world.a_province, fridge(), actor=None)
    with pytest.raises(DomainError, match="已登记") as error:
        claims.add_product(v.campaign, v.world.b_province, fridge(), actor=None)
    assert error.value.field == "model"
    with pytest.raises(DomainError, match="不在本次核查范围") as error:
        claims.add_product(v.campaign, v.world.a_province, fridge(category="washer"), actor=None)
    assert error.value.field == "category"


def test_editing_a_product_changes_its_verdict(verification: Verification):
    v = verification
    product = claims.add_product(v.campaign, v.world.a_province, fridge(), actor=None)
    claims.edit_product(product, fridge(energy_grade=2), actor=None)
    verdict = claims.eligibility_of(product)
    assert verdict.status == EligibilityStatus.EXCLUDED
    assert verdict.reasons == ("能效等级为 2 级；推广产品须达到能效 1 级。",)
    # Editing a product to its own model is not a duplicate.
    claims.edit_product(product, fridge(), actor=None)
    assert claims.eligibility_of(product).eligible


def test_a_claim_that_agrees_has_no_differences(verification: Verification):
    """The fixture's 20 consumer sales of BCD-216SDN on 2012-10-01 match 20 units promoted."""
    v = verification
    claims.add_product(v.campaign, v.world.a_province, fridge(), actor=v.world.a_officer)
    claim = claims.record_claim(
        v.campaign, v.world.a_province, claim_data([line()]), actor=v.world.a_officer
    )
    db.session.commit()
    assert claim.differences == []
    assert claim.computed_amount_wan == D("0.5200")
    assert claim.checked_by_id == v.world.a_officer.id and claim.checked_at is not None
    assert claims.sold_units(claim) == 20
    assert claims.due_on(claim) == date(2012, 11, 10) and not claims.is_late(claim)


def test_a_claim_is_recomputed_and_its_differences_stored(verification: Verification):
    v = verification
    claims.add_product(v.campaign, v.world.a_province, fridge(), actor=None)
    claims.add_product(
        v.campaign, v.world.a_province, fridge("BCD-318WS", volume_l=D("318"), efficiency_index=D("38")), actor=None
    )  # fmt: skip
    data = claim_data(
        [
            line(units=15, amount="0.3900", opening=60, closing=90),
            line("BCD-318WS", units=10, amount="0.2600", opening=40, closing=60),
            line("XYZ-1", units=2, amount="0.0520", opening=0, closing=0),
        ],
        closing_stock=151,
        units_promoted=27,
        amount_wan=D("0.7020"),
        received_on=date(2012, 11, 12),
    )
    claim = claims.record_claim(v.campaign, v.world.a_province, data, actor=None)
    db.session.commit()
    found = {d["field"]: d for d in claim.differences}
    assert found["closing_stock"]["computed"] == "150"
    assert found["lines.closing_stock"] == {
        "field": "lines.closing_stock",
        "declared": "151",
        "computed": "150",
        "message": "明细表月末库存合计 150，与汇总表的 151 不一致。",
    }
    # BCD-318WS (318 L, BCD) gets 400 元/台: 10 × 400 = 0.4 万元; XYZ-1 is not promoted.
    assert found["lines.2.standard_yuan"]["computed"] == "400"
    assert found["lines.3.model"]["computed"] is None
    assert claim.computed_amount_wan == D("0.7900")  # 0.39 + 0.40 + 0
    assert found["allowed_amount_wan"]["computed"] == "0.7900"
    # 20 records of BCD-216SDN sold in October against 27 units declared.
    assert found["sold_units"]["computed"] == "20"
    assert set(found) == {
        "closing_stock",
        "lines.closing_stock",
        "allowed_amount_wan",
        "sold_units",
        "lines.2.standard_yuan",
        "lines.3.model",
    }
    assert claims.is_late(claim)  # received 11-12, due 11-10


def test_sales_are_counted_by_maker_month_and_the_categorys_models(verification: Verification):
    v = verification
    a = v.world.a_province
    rows = [
        sale_row(v.campaign, a, 100, sold_on=date(2012, 10, 31)),
        sale_row(v.campaign, a, 101, sold_on=date(2012, 11, 1)),  # next month
        sale_row(v.campaign, a, 102, manufacturer="另一企业"),
        sale_row(v.campaign, a, 103, model="XQG70-1"),  # a washer of the same maker
        sale_row(
            v.campaign, v.world.b_province, 104
        ),  # another unit: the maker's claim is national
    ]
    db.session.execute(insert(ConsumerSale), rows)
    claims.add_product(v.campaign, a, fridge(), actor=None)
    claim = claims.record_claim(v.campaign, a, claim_data([line()]), actor=None)
    assert claims.sold_units(claim) == 20 + 1 + 1
    annual = claims.record_claim(
        v.campaign, a, claim_data([line()], month=None, received_on=date(2013, 1, 30)), actor=None
    )
    assert claims.sold_units(annual) == 20 + 1 + 1 + 1
    assert claims.due_on(annual) == date(2013, 1, 30) and not claims.is_late(annual)


def test_a_period_is_recorded_once(verification: Verification):
    v = verification
    a = v.world.a_province
    claims.record_claim(v.campaign, a, claim_data([]), actor=None)
    with pytest.raises(DomainError, match="已录入"):
        claims.record_claim(v.campaign, a, claim_data([]), actor=None)
    claims.record_claim(v.campaign, a, claim_data([], month=None), actor=None)
    with pytest.raises(DomainError, match="已录入"):
        claims.record_claim(v.campaign, a, claim_data([], month=None), actor=None)
    with pytest.raises(DomainError, match="型号 bcd-1 重复"):
        claims.record_claim(
            v.campaign, a, claim_data([line("BCD-1"), line("bcd-1")], month=11), actor=None
        )


def test_recheck_uses_the_products_and_reference_rows_in_use(verification: Verification):
    v = verification
    a = v.world.a_province
    product = claims.add_product(v.campaign, a, fridge(volume_l=D("240")), actor=None)
    claim = claims.record_claim(v.campaign, a, claim_data([line()]), actor=None)
    db.session.commit()
    assert claim.differences == []
    assert "subsidy_fridge_bands r1" in claim.reference_version
    assert claim.reference_unverified  # the seed's rows are flagged 待核实
    # The ministry decides 240 L belongs to the upper band (the seed lost its signs).
    bands = tuple(
        dataclasses.replace(b, upper_inclusive=False)
        if b.upper_l == D(240)
        else dataclasses.replace(b, lower_inclusive=True)
        if b.lower_l == D(240)
        else b
        for b in reference.current("subsidy_fridge_bands").rows
    )
    reference.save_revision(
        "subsidy_fridge_bands", codec.dump(bands), note="测试：240 L 归上一档", actor_name="test"
    )
    assert "subsidy_fridge_bands r2" in in_use().code
    found = claims.recheck(claim, actor=None)
    assert "subsidy_fridge_bands r2" in claim.reference_version
    assert [(d.field, d.computed) for d in found] == [
        ("allowed_amount_wan", D("0.6600")),
        ("lines.1.standard_yuan", D(330)),
    ]
    # A product made ineligible: its standard is 0.
    claims.edit_product(product, fridge(volume_l=D("240"), other_programme=True), actor=None)
    found = {d.field: d for d in claims.recheck(claim, actor=None)}
    assert found["lines.1.standard_yuan"].computed == D(0)
    assert claim.computed_amount_wan == D("0.0000")


def test_claims_of_a_unit_are_scoped(verification: Verification):
    v = verification
    own = claims.claims_of(v.campaign, v.world.a_province, v.world.a_officer)
    assert [c.id for c in own] == [v.claim.id]
    assert claims.claims_of(v.campaign, v.world.a_province, v.world.b_officer) == []
    assert db.session.scalar(select(SubsidyClaim.id).where(SubsidyClaim.id == v.claim.id))


def test_a_revision_missing_a_category_falls_back_to_the_seed_flagged(verification):
    rows = [r for r in reference.current("subsidy_programmes").rows if r.category == "fridge"]
    reference.save_revision(
        "subsidy_programmes", codec.dump(rows), note="测试：删去台式机", actor_name="test"
    )
    used = in_use()
    assert used.desktop.terms.amount_yuan == D(260) and used.desktop.terms.verified is False
    assert used.unverified and "subsidy_programmes r2" in used.code
