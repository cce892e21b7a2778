"""The daily-supervision draw service (双随机): defining a draw, the population and its
exclusions, the witnessed run and its history, verification, the cases for the pairs,
publication and the public results, declared relations."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from daily.draw_support import (
    NOW,
    RELATION,
    TODAY,
    draw_values,
    finish_case,
    make_daily,
    make_enterprises,
    make_user,
)
from sqlalchemy import select

from conftest import World
from supervision.core.errors import DomainError
from supervision.core.models import AuditEntry, Role
from supervision.daily import service
from supervision.daily.models import DrawStatus, InspectorRelation
from supervision.extensions import db
from supervision.industries.service import by_code
from supervision.inspections.models import DAILY_CATEGORY, CaseStatus, InspectionCase
from supervision.inspections.service import cases_query


@pytest.fixture
def daily(world: World):
    return make_daily(world)


@pytest.fixture
def setup(world: World):
    """Province A's people and enterprises for a draw, no draw yet."""
    inspectors = [world.a_inspector] + [
        make_user(f"s-insp-{n}", Role.INSPECTOR, world.a_agency, f"乙执法员{n}") for n in (2, 3, 4)
    ]
    witness = make_user("s-witness", Role.PROVINCIAL_OFFICER, world.a_province, "乙监督人")
    enterprises = make_enterprises(world)
    db.session.commit()
    return world, inspectors, witness, enterprises


def new_draw(world, inspectors, **overrides):
    return service.create_draw(
        world.a_province,
        actor=world.a_officer,
        values=draw_values(world, inspectors, **overrides),
        today=TODAY,
    )


def drawn(run):
    return [
        (a.enterprise_id, a.pair_no, a.inspector_a_id, a.inspector_b_id) for a in run.assignments
    ]


# -- defining a draw ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sample_size": 3, "sample_rate": Decimal("0.1")}, "sample_size"),
        ({"sample_size": None, "sample_rate": None}, "sample_size"),
        ({"sample_size": 0}, "sample_size"),
        ({"sample_size": None, "sample_rate": Decimal("0")}, "sample_rate"),
        ({"sample_size": None, "sample_rate": Decimal("1.01")}, "sample_rate"),
        ({"sample_size": None, "sample_rate": Decimal("0.12345")}, "sample_rate"),
        ({"pair_count": 0}, "pair_count"),
        ({"pair_count": 3}, "inspector_ids"),  # 4 inspectors, 6 needed
        ({"min_energy_tce": Decimal("10"), "max_energy_tce": Decimal("9.99")}, "max_energy_tce"),
        ({"work_due_on": date(2020, 9, 30), "publish_by": date(2020, 9, 29)}, "publish_by"),
        ({"title": "  "}, "title"),
        ({"city_codes": ["3301"]}, "city_codes"),
        ({"city_codes": ["320"]}, "city_codes"),
        ({"stratify_by": "county"}, "stratify_by"),
        ({"exclude_inspected_months": 61}, "exclude_inspected_months"),
    ],
)
def test_a_draw_is_refused_when_its_parameters_are_wrong(setup, overrides, field):
    world, inspectors, _w, _e = setup
    with pytest.raises(DomainError) as refused:
        new_draw(world, inspectors, **overrides)
    assert refused.value.field == field


def test_rate_one_and_equal_energy_bounds_and_publication_on_the_due_day_are_accepted(setup):
    world, inspectors, _w, _e = setup
    draw = new_draw(
        world,
        inspectors,
        sample_size=None,
        sample_rate=Decimal("1"),
        min_energy_tce=Decimal("9000"),
        max_energy_tce=Decimal("9000"),
        publish_by=date(2020, 9, 15),
    )
    assert draw.status == DrawStatus.DRAFT and draw.sample_rate == Decimal("1")
    assert draw.province_id == world.a_province.id and draw.created_by_id == world.a_officer.id


def test_inspectors_must_come_from_the_provinces_certified_inspectors(setup, make_agency):
    world, inspectors, _w, _e = setup
    with pytest.raises(DomainError, match="本省在岗监察人员") as refused:
        new_draw(world, [*inspectors[:3], world.b_inspector])
    assert refused.value.field == "inspector_ids"
    expired = make_user("s-expired", Role.INSPECTOR, world.a_agency, "过期执法员")
    expired.certificate_expires_on = date(2020, 5, 31)  # the day before the draw day
    with pytest.raises(DomainError, match="行政执法证已过期"):
        new_draw(world, [*inspectors, expired])
    expired.certificate_expires_on = TODAY  # valid through its last day
    assert new_draw(world, [*inspectors, expired]).inspector_ids[-1] == expired.id


def test_the_agency_must_be_of_the_province(setup):
    world, inspectors, _w, _e = setup
    with pytest.raises(DomainError) as refused:
        new_draw(world, inspectors, agency_id=world.b_agency.id)
    assert refused.value.field == "agency_id"
    assert new_draw(world, inspectors, agency_id=None).agency_id == world.a_province.id


def test_only_the_provinces_officers_define_draws(setup):
    world, inspectors, _w, _e = setup
    for actor in (world.b_officer, world.a_inspector):
        with pytest.raises(DomainError, match="省级业务人员"):
            service.create_draw(
                world.a_province, actor=actor, values=draw_values(world, inspectors), today=TODAY
            )


def test_inspector_pool_is_the_provinces_active_inspectors_by_name(setup):
    world, inspectors, _w, _e = setup
    inactive = make_user("s-gone", Role.INSPECTOR, world.a_agency, "阿离职")
    inactive.active = False
    pool = service.inspector_pool(world.a_province)
    assert set(pool) == set(inspectors)
    assert [u.full_name for u in pool] == sorted(u.full_name for u in pool)
    assert world.b_inspector not in pool and inactive not in pool
    assert service.ineligibility(inspectors[0], TODAY) is None
    inspectors[1].certificate_expires_on = date(2020, 1, 1)
    assert "已过期" in service.ineligibility(inspectors[1], TODAY)


def test_update_checks_the_version_and_is_refused_once_cases_are_opened(daily):
    draw = daily.draw
    with pytest.raises(DomainError, match="已被他人修改"):
        service.update_draw(
            draw, actor=daily.officer, version=draw.version - 1, values={"title": "x"}, today=TODAY
        )
    # Opened: nothing may change any more.
    with pytest.raises(DomainError, match="检查已派发"):
        service.update_draw(
            draw, actor=daily.officer, version=draw.version, values={"title": "x"}, today=TODAY
        )


def test_update_changes_only_the_values_given(setup):
    world, inspectors, _w, _e = setup
    draw = new_draw(world, inspectors)
    service.update_draw(
        draw,
        actor=world.a_officer,
        version=draw.version,
        values={"title": "2020年第一批（调整）", "sample_size": 3},
        today=TODAY,
    )
    assert (draw.title, draw.sample_size, draw.pair_count) == ("2020年第一批（调整）", 3, 2)


# -- the population -----------------------------------------------------------------------------


def test_preview_counts_the_population_the_exclusions_and_the_strata(setup):
    world, inspectors, _w, enterprises = setup
    draw = new_draw(world, inspectors, stratify_by="industry", sample_size=3)
    shown = service.preview(draw, TODAY)
    # The 6 fixture enterprises and the world's data centre are key units of A.
    assert shown.population_count == 7
    assert shown.eligible_count == 5
    assert {row["id"]: row["reasons"] for row in shown.excluded} == {
        world.a_enterprise.id: ["已列入2020年度专项监察任务"],
        enterprises[5].id: ["已停产（停产企业不列入抽查）"],
    }
    # 3 steel and 2 cement: 3 places → shares 1.8 and 1.2 → 1 + 1, the last to .8 (钢铁).
    assert shown.strata == [("水泥", 2, 1), ("钢铁", 3, 2)]
    assert shown.sample_count == 3 and shown.pool_count == 4 and shown.pairs == 2
    assert shown.problems == []


def test_the_filters(setup):
    world, inspectors, _w, enterprises = setup
    steel = by_code("steel")

    def eligible(**overrides):
        draw = new_draw(world, inspectors, exclude_special_tasks=False, **overrides)
        return {i for i, _s in service.population(draw, TODAY).eligible}

    operating = {e.id for e in enterprises[:5]}
    assert eligible() == operating | {world.a_enterprise.id}
    assert eligible(industry_ids=[steel.id]) == {enterprises[i].id for i in (0, 1, 4)}
    # Cities are division-code prefixes: 3201 Nanjing, 3203 Xuzhou.
    assert eligible(city_codes=["3201"]) == {
        enterprises[0].id, enterprises[2].id, world.a_enterprise.id
    }  # fmt: skip
    assert eligible(city_codes=["3202", "3203"]) == {enterprises[i].id for i in (1, 3, 4)}
    # The energy band includes its bounds; an enterprise without a figure is outside any band.
    assert eligible(min_energy_tce=Decimal("12500"), max_energy_tce=Decimal("31000")) == {
        enterprises[i].id for i in (1, 2, 3)
    }
    enterprises[0].key_energy_unit = False
    assert enterprises[0].id not in eligible()
    assert enterprises[0].id in eligible(key_units_only=False)


@pytest.mark.parametrize(
    ("visit_on", "excluded"),
    [
        (date(2019, 12, 1), True),  # exactly six months before 1 June 2020
        (date(2019, 11, 30), False),  # one day earlier
        (date(2020, 5, 31), True),
    ],
)
def test_an_enterprise_inspected_within_the_months_is_excluded(setup, visit_on, excluded):
    world, inspectors, _w, enterprises = setup
    db.session.add(
        InspectionCase(
            province_id=world.a_province.id,
            agency_id=world.a_agency.id,
            enterprise_id=enterprises[2].id,
            category=DAILY_CATEGORY,
            assessed_year=2018,
            visit_on=visit_on,
        )
    )
    db.session.flush()
    found = service.population(new_draw(world, inspectors), TODAY)
    reasons = {row["id"]: row["reasons"] for row in found.excluded}
    if excluded:
        assert reasons[enterprises[2].id] == [f"近6个月内已检查（检查日期 {visit_on.isoformat()}）"]
    else:
        assert enterprises[2].id not in reasons
    no_window = service.population(
        new_draw(world, inspectors, exclude_inspected_months=None), TODAY
    )
    assert enterprises[2].id in {i for i, _s in no_window.eligible}


def test_special_tasks_are_those_of_the_draw_year_and_only_when_asked(setup):
    world, inspectors, _w, _e = setup

    def excluded(**overrides):
        found = service.population(new_draw(world, inspectors, **overrides), TODAY)
        return {row["id"] for row in found.excluded}

    assert world.a_enterprise.id in excluded()
    assert world.a_enterprise.id not in excluded(exclude_special_tasks=False)
    assert world.a_enterprise.id not in excluded(year=2021)


# -- running ------------------------------------------------------------------------------------


def test_same_seed_and_inputs_draw_the_same_a_different_seed_differently(setup):
    world, inspectors, witness, _e = setup
    runs = {}
    for label, seed in (("one", "seed-1"), ("two", "seed-1"), ("three", "seed-2")):
        draw = new_draw(world, inspectors, title=label)
        runs[label] = service.run_draw(
            draw, actor=world.a_officer, witness=witness, seed=seed, today=TODAY
        )
    assert drawn(runs["one"]) == drawn(runs["two"])
    assert runs["one"].seed == "seed-1" and runs["one"].population == runs["two"].population
    assert drawn(runs["one"]) != drawn(runs["three"])


def test_a_run_stores_what_it_takes_to_redo_it(daily):
    run, draw = daily.run, daily.draw
    assert run.is_current and run.reason == "" and draw.current_run is run
    assert run.witness_name == "甲监督人" and run.drawn_by_id == daily.officer.id
    assert (run.population_count, run.eligible_count) == (7, 5)
    assert sorted(i for i, _s in run.population) == sorted(e.id for e in daily.enterprises[:5])
    assert [p["id"] for p in run.pool] == [
        u.id for u in sorted(daily.inspectors, key=lambda u: u.full_name)
    ]
    assert run.relations == [[daily.world.a_inspector.id, daily.enterprises[0].id, RELATION]]
    assert run.parameters["sample_size"] == 4 and run.parameters["draw_day"] == "2020-06-01"
    assert "SHA-256" in run.method and len(run.assignments) == 4


def test_pairs_are_two_distinct_inspectors_nobody_twice_balanced(daily):
    pairs = {a.pair_no: (a.inspector_a_id, a.inspector_b_id) for a in daily.assignments}
    assert sorted(pairs) == [1, 2]
    people = [i for pair in pairs.values() for i in pair]
    assert len(people) == len(set(people)) == 4
    assert set(people) == {u.id for u in daily.inspectors}
    for a in daily.assignments:  # one pair, one pair of inspectors
        assert (a.inspector_a_id, a.inspector_b_id) == pairs[a.pair_no]
    assert Counter(a.pair_no for a in daily.assignments) == {1: 2, 2: 2}


def test_recusal_the_related_inspector_never_gets_the_enterprise_and_it_is_recorded(daily):
    target = daily.enterprises[0]
    inspector = daily.world.a_inspector
    (placed,) = [a for a in daily.assignments if a.enterprise_id == target.id]
    assert inspector.id not in (placed.inspector_a_id, placed.inspector_b_id)
    (recusal,) = daily.run.recusals
    assert recusal["enterprise_id"] == target.id and recusal["enterprise"] == target.name
    assert recusal["pair_no"] == daily.pair_of(inspector) != recusal["to_pair"] == placed.pair_no
    assert recusal["inspectors"] == [inspector.full_name] and recusal["relation"] == RELATION


def test_an_enterprise_no_pair_can_take_is_excluded_and_topped_up(setup):
    world, inspectors, witness, enterprises = setup
    draw = new_draw(world, inspectors[:2], pair_count=1, sample_size=2)
    plain = service.run_draw(draw, actor=world.a_officer, witness=witness, seed="s", today=TODAY)
    first = plain.assignments[0].enterprise
    service.declare_relation(
        world.a_province,
        actor=world.a_officer,
        inspector=inspectors[1],
        enterprise=first,
        relation="曾任该企业能源管理负责人",
        declared_on=TODAY,
    )
    run = service.run_draw(
        draw, actor=world.a_officer, witness=witness, seed="s", reason="申报了利害关系", today=TODAY
    )
    ids = [a.enterprise_id for a in run.assignments]
    assert first.id not in ids and len(ids) == 2
    (dropped,) = [row for row in run.excluded if row["id"] == first.id]
    assert dropped["reasons"][0].startswith("回避：")
    assert "曾任该企业能源管理负责人" in dropped["reasons"][0]
    assert dropped["reasons"][1].startswith("由同层下一家企业补抽：")
    assert run.recusals[0]["to_pair"] is None and run.recusals[0]["replaced_by"] == ids[0]
    assert service.verify_run(run)


def test_the_witness_is_another_officer_of_the_province(setup):
    world, inspectors, witness, _e = setup
    draw = new_draw(world, inspectors)
    for wrong in (None, world.a_officer, world.b_officer, world.a_inspector):
        with pytest.raises(DomainError) as refused:
            service.run_draw(draw, actor=world.a_officer, witness=wrong, seed="s", today=TODAY)
        assert refused.value.field == "witness_id"
    witness.active = False
    with pytest.raises(DomainError):
        service.run_draw(draw, actor=world.a_officer, witness=witness, seed="s", today=TODAY)


def test_a_bad_seed_and_a_short_pool_are_refused(setup):
    world, inspectors, witness, _e = setup
    draw = new_draw(world, inspectors)
    with pytest.raises(DomainError) as refused:
        service.run_draw(draw, actor=world.a_officer, witness=witness, seed="a b", today=TODAY)
    assert refused.value.field == "seed"
    inspectors[3].certificate_expires_on = date(2020, 5, 1)
    with pytest.raises(DomainError, match="请先从名录中移除"):
        service.run_draw(draw, actor=world.a_officer, witness=witness, seed="s", today=TODAY)
    assert draw.status == DrawStatus.DRAFT and draw.runs == []


def test_a_fresh_seed_when_none_is_typed(setup):
    world, inspectors, witness, _e = setup
    run = service.run_draw(
        new_draw(world, inspectors), actor=world.a_officer, witness=witness, seed=None, today=TODAY
    )
    assert len(run.seed) == 32 and service.verify_run(run)


def test_a_redraw_needs_a_reason_and_keeps_the_history(setup):
    world, inspectors, witness, _e = setup
    draw = new_draw(world, inspectors)
    first = service.run_draw(draw, actor=world.a_officer, witness=witness, seed="one", today=TODAY)
    with pytest.raises(DomainError, match="重新抽取须说明理由") as refused:
        service.run_draw(draw, actor=world.a_officer, witness=witness, seed="two", today=TODAY)
    assert refused.value.field == "reason"
    second = service.run_draw(
        draw,
        actor=world.a_officer,
        witness=witness,
        seed="two",
        reason="  抽取时名录未含新增重点用能单位  ",
        today=TODAY,
    )
    db.session.commit()
    assert draw.runs == [first, second] and draw.current_run is second
    assert not first.is_current and len(first.assignments) == 4  # kept as drawn
    assert second.reason == "抽取时名录未含新增重点用能单位"
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "draw", AuditEntry.entity_id == str(draw.id))
        .order_by(AuditEntry.id)
    ).all()
    assert [e.changes["seed"] for e in entries] == [[None, "one"], ["one", "two"]]
    assert entries[1].changes["reason"] == [None, "抽取时名录未含新增重点用能单位"]
    assert entries[1].scope_org_id == world.a_province.id


def test_no_redraw_once_the_cases_are_opened(daily):
    with pytest.raises(DomainError, match="检查已派发"):
        service.run_draw(
            daily.draw,
            actor=daily.officer,
            witness=daily.witness,
            seed="again",
            reason="想换一批",
            today=TODAY,
        )
    assert len(daily.draw.runs) == 1


def test_verify_redoes_the_run_and_detects_tampering(daily):
    run = daily.run
    assert service.verify_run(run)
    first = run.assignments[0]
    first.inspector_a_id, first.inspector_b_id = first.inspector_b_id, first.inspector_a_id
    assert not service.verify_run(run)
    first.inspector_a_id, first.inspector_b_id = first.inspector_b_id, first.inspector_a_id
    assert service.verify_run(run)
    run.population = run.population[1:]
    assert not service.verify_run(run)


def test_verify_detects_a_changed_seed_or_relation(daily):
    run = daily.run
    run.relations = []
    assert not service.verify_run(run)  # without the relation there is no recusal
    run.relations = [[daily.world.a_inspector.id, daily.enterprises[0].id, RELATION]]
    run.seed = run.seed + "x"
    assert not service.verify_run(run)


# -- cases, publication, public results ---------------------------------------------------------


def test_open_cases_makes_one_daily_case_per_enterprise_for_its_pair(daily):
    draw = daily.draw
    assert draw.status == DrawStatus.OPENED and len(daily.cases) == 4
    for assignment in daily.assignments:
        case = assignment.case
        assert case.category == DAILY_CATEGORY and case.task_id is None and case.is_daily
        assert case.enterprise_id == assignment.enterprise_id
        assert (case.province_id, case.agency_id) == (draw.province_id, draw.agency_id)
        assert case.assessed_year == 2019 and case.due_on == date(2020, 9, 15)
        assert case.method.value == "on_site" and case.status == CaseStatus.PLANNED
        assert {u.id for u in case.inspectors} == {
            assignment.inspector_a_id,
            assignment.inspector_b_id,
        }
    assert service.open_cases(draw, actor=daily.officer, today=TODAY) == 0  # idempotent
    assert (
        db.session.scalar(
            select(db.func.count(InspectionCase.id)).where(
                InspectionCase.category == DAILY_CATEGORY
            )
        )
        == 4
    )


def test_the_cases_show_in_the_inspectors_lists_and_only_theirs(daily):
    inspector = daily.world.a_inspector
    mine = {a.case_id for a in daily.assignments if a.pair_no == daily.pair_of(inspector)}
    other = daily.other_pair_inspector(inspector)
    theirs = {a.case_id for a in daily.assignments if a.pair_no != daily.pair_of(inspector)}
    seen = set(db.session.scalars(cases_query(inspector).with_only_columns(InspectionCase.id)))
    assert mine <= seen and not theirs & seen
    seen_other = set(db.session.scalars(cases_query(other).with_only_columns(InspectionCase.id)))
    assert theirs <= seen_other and not mine & seen_other
    assert not set(
        db.session.scalars(
            cases_query(daily.world.b_inspector).with_only_columns(InspectionCase.id)
        )
    ) & (mine | theirs)


def test_open_cases_needs_a_run(setup):
    world, inspectors, _w, _e = setup
    with pytest.raises(DomainError, match="请先抽取"):
        service.open_cases(new_draw(world, inspectors), actor=world.a_officer, today=TODAY)


def test_publication_waits_for_every_case(daily):
    draw = daily.draw
    with pytest.raises(DomainError, match="尚有 4 家企业的检查未办结"):
        service.publish_results(draw, actor=daily.officer, now=NOW)
    finish_case(daily.cases[0])
    finish_case(daily.cases[1], failed=("metering",), status=CaseStatus.RECTIFICATION)
    finish_case(daily.cases[2])
    with pytest.raises(DomainError, match="尚有 1 家企业"):
        service.publish_results(draw, actor=daily.officer, now=NOW)
    assert service.public_results() == []  # nothing public before publication
    finish_case(daily.cases[3], failed=("training", "statistics"))
    published = datetime(2020, 9, 29, 17, 0, tzinfo=UTC)
    service.publish_results(draw, actor=daily.officer, now=published)
    assert draw.status == DrawStatus.PUBLISHED and draw.published_by_id == daily.officer.id
    with pytest.raises(DomainError, match="结果已公开"):
        service.publish_results(draw, actor=daily.officer, now=published)


def test_public_results_say_what_was_checked_and_the_outcome_never_who(daily):
    finish_case(daily.cases[0])
    finish_case(daily.cases[1], failed=("metering",), status=CaseStatus.RECTIFICATION)
    finish_case(daily.cases[2])
    finish_case(daily.cases[3], failed=("training", "statistics"))
    service.publish_results(
        daily.draw, actor=daily.officer, now=datetime(2020, 9, 29, 17, 0, tzinfo=UTC)
    )
    rows = service.public_results()
    assert [r.enterprise for r in rows] == [a.enterprise.name for a in daily.assignments]
    first = rows[0]
    assert first.province == daily.world.a_province.name and first.year == 2020
    assert first.title == "2020年第一批双随机抽查"
    assert first.published_on == date(2020, 9, 30)  # 01:00 in Beijing
    assert first.visit_on == date(2020, 7, 8)
    assert first.checks[0] == ("能源管理体系建立情况", "符合") and len(first.checks) == 6
    assert [r.outcome for r in rows] == [
        "未发现问题",
        "发现1项问题，已责令限期整改",
        "未发现问题",
        "发现2项问题",
    ]
    assert dict(rows[1].checks)["能源计量制度执行情况"] == "不符合"
    text = repr(rows)
    for person in [*daily.inspectors, daily.officer, daily.witness]:
        assert person.full_name not in text
    assert service.public_results(province_id=daily.world.b_province.id) == []
    assert service.public_results(year=2021) == []
    assert len(service.public_results(province_id=daily.world.a_province.id, year=2020)) == 4


# -- declared relations -------------------------------------------------------------------------


def test_declaring_a_relation_and_the_refusals(daily):
    world = daily.world
    officer = daily.officer
    relation = daily.relation
    assert (relation.province_id, relation.recorded_by_id) == (world.a_province.id, officer.id)

    def declare(**overrides):
        values = {
            "actor": officer,
            "inspector": daily.inspectors[1],
            "enterprise": daily.enterprises[1],
            "relation": "近亲属任该企业法定代表人",
            "declared_on": TODAY,
        }
        values.update(overrides)
        return service.declare_relation(world.a_province, **values)

    with pytest.raises(DomainError, match="无需重复申报") as refused:
        declare(inspector=world.a_inspector, enterprise=daily.enterprises[0])
    assert refused.value.field == "enterprise_id"
    with pytest.raises(DomainError) as refused:
        declare(inspector=world.b_inspector)
    assert refused.value.field == "inspector_id"
    with pytest.raises(DomainError) as refused:
        declare(inspector=world.a_officer)
    assert refused.value.field == "inspector_id"
    with pytest.raises(DomainError) as refused:
        declare(enterprise=None)
    assert refused.value.field == "enterprise_id"
    with pytest.raises(DomainError) as refused:
        declare(relation="  ")
    assert refused.value.field == "relation"
    with pytest.raises(DomainError, match="省级业务人员"):
        declare(actor=world.b_officer)
    made = declare()
    assert made.relation == "近亲属任该企业法定代表人"
    assert service.relations_of(world.a_province) == [made, relation]
    service.remove_relation(made, actor=officer)
    assert db.session.get(InspectorRelation, made.id) is None
    # The run keeps the relation as it stood.
    service.remove_relation(relation, actor=officer)
    assert daily.run.relations and service.verify_run(daily.run)
