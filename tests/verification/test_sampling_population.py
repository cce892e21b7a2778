"""A draw's population read at scale: the ids straight from the database driver, grouped by
stratum, give the draw the (id, stratum) pairs give; a page of grouped rows counts them all
in the same query."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select
from verification_support import issue_campaign, sale_row

from conftest import NOW
from supervision.core import sampling as core_sampling
from supervision.extensions import db
from supervision.verification import bulk, sampling
from supervision.verification.check_support import paginate_rows
from supervision.verification.record_models import ConsumerSale


@pytest.fixture
def made(world):
    made = issue_campaign(world, sales=0)
    db.session.delete(made.draw)
    db.session.commit()
    a, b = world.a_province, world.b_province
    rows = [
        sale_row(
            made.campaign,
            a,
            n,
            division_code=("320102", "320205", "320506")[n % 3],
            dealer_code=("12345678-8", " 87654321-0 ")[n % 2],
        )
        for n in range(300)
    ]
    db.session.execute(
        insert(ConsumerSale), rows + [sale_row(made.campaign, b, n) for n in range(50)]
    )
    db.session.commit()
    return made


@pytest.mark.parametrize("stratify_by", ["", "city", "outlet"])
def test_the_grouped_population_is_the_population(made, stratify_by):
    campaign, a = made.campaign, made.world.a_province
    pairs = list(sampling.population(campaign.id, a.id, stratify_by, user=made.world.a_officer))
    groups = sampling.population_groups(campaign.id, a.id, stratify_by, user=made.world.a_officer)
    regrouped: dict[str, list[int]] = {}
    for record_id, stratum in pairs:
        regrouped.setdefault(stratum, []).append(record_id)
    assert groups == regrouped and len(pairs) == 300
    ids = db.session.scalars(
        select(ConsumerSale.id).where(ConsumerSale.unit_id == a.id).order_by(ConsumerSale.id)
    ).all()
    assert sorted(record_id for record_id, _stratum in pairs) == ids
    by_pairs = core_sampling.sample_for_checks(pairs, "seed", Decimal("0.05"), Decimal("0.02"))
    by_groups = core_sampling.sample_for_checks(groups, "seed", Decimal("0.05"), Decimal("0.02"))
    assert (by_groups.phone, by_groups.visit, by_groups.strata, by_groups.stratum_of) == (
        by_pairs.phone,
        by_pairs.visit,
        by_pairs.strata,
        by_pairs.stratum_of,
    )


def test_a_user_who_may_not_read_the_unit_gets_no_population(made):
    campaign, a = made.campaign, made.world.a_province
    assert sampling.population_groups(campaign.id, a.id, user=made.world.b_officer) == {"": []}


def test_a_stratified_draw_redoes_from_its_seed(made):
    w = made.world
    draw = sampling.draw_sample(
        made.campaign, w.a_province, actor=w.a_officer, now=NOW, seed="s", stratify_by="city"
    )
    db.session.commit()
    assert {
        s.name
        for s in core_sampling.sample_for_checks(
            sampling.population(made.campaign.id, w.a_province.id, "city", user=None), "s"
        ).strata
    } == {"320100", "320200", "320500"}
    assert sampling.verify_draw(draw, user=w.a_officer).ok


def test_an_id_twice_in_grouped_records_is_refused():
    with pytest.raises(ValueError, match="appears twice"):
        core_sampling.sample_for_checks({"a": [1, 2], "b": [2, 3]}, "seed")


def test_a_page_counts_the_rows_in_the_same_query(app, made):
    campaign, a = made.campaign, made.world.a_province
    stmt = bulk.records_select(campaign.id, a.id, None)
    every = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    with app.test_request_context("/?page=2"):
        page = paginate_rows(stmt, per_page=40)
    assert page.total == every == 300
    assert [row.id for row in page.items] == [row.id for row in db.session.execute(stmt)][40:80]
    assert set(page.items[0]._mapping) == {c.name for c in stmt.selected_columns}
    with app.test_request_context("/?page=9"):  # past the end: counted apart
        past = paginate_rows(stmt, per_page=40)
    assert past.items == [] and past.total == 300
    with app.test_request_context("/?page=1"):
        nobody = paginate_rows(bulk.records_select(campaign.id, a.id, made.world.b_officer))
    assert nobody.items == [] and nobody.total == 0


def test_a_page_of_distinct_rows_counts_them_apart(app, made):
    stmt = (
        select(ConsumerSale.division_code)
        .where(ConsumerSale.unit_id == made.world.a_province.id)
        .distinct()
        .order_by(ConsumerSale.division_code)
    )
    with app.test_request_context("/?page=1"):
        page = paginate_rows(stmt, per_page=2)
    assert [row.division_code for row in page.items] == ["320102", "320205"]
    assert page.total == 3
