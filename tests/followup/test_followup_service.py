"""Suggestions, diagnosis referrals with their savings totals, and excellent cases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from followup_support import NOW, TODAY, WRITE_UP, make_followup, special_case
from sqlalchemy import select

from conftest import World
from supervision.core.errors import DomainError
from supervision.extensions import db
from supervision.followup import excellent, savings, service
from supervision.followup.models import (
    DiagnosisReferral,
    DiagnosisStatus,
    ExcellentStatus,
    ImprovementSuggestion,
)
from supervision.inspections.models import CaseStatus

# -- suggestions -----------------------------------------------------------------------------------


def test_an_officer_records_and_deletes_suggestions(world: World):
    case = special_case(world, serial=11, name="建议企业")
    finding = case.findings[0]
    first = service.add_suggestion(
        case, finding, text="  淘汰 Y 系列电机  ", actor=world.a_officer, now=NOW
    )
    service.add_suggestion(case, finding, text="加装电能计量", actor=world.a_officer, now=NOW)
    db.session.commit()
    assert first.text == "淘汰 Y 系列电机"  # trimmed
    assert (first.province_id, first.agency_id) == (world.a_province.id, world.a_agency.id)
    [row] = service.case_follow_up(case)
    assert [s.text for s in row.suggestions] == ["淘汰 Y 系列电机", "加装电能计量"]
    assert service.finding_marks(case)[finding.id].suggestions == 2
    service.delete_suggestion(first, actor=world.a_officer)
    db.session.commit()
    assert [s.text for s in service.case_follow_up(case)[0].suggestions] == ["加装电能计量"]


@pytest.mark.parametrize("who", ["a_inspector", "b_officer", "ministry_officer"])
def test_only_the_provinces_officers_write(world: World, who):
    case = special_case(world, serial=12, name="建议企业")
    with pytest.raises(DomainError, match="只有案件所在省"):
        service.add_suggestion(case, case.findings[0], text="x", actor=getattr(world, who), now=NOW)


def test_a_suggestion_needs_text_and_a_finding_of_the_case(world: World):
    case = special_case(world, serial=13, name="建议企业")
    other = special_case(world, serial=14, name="另一企业")
    with pytest.raises(DomainError) as error:
        service.add_suggestion(case, case.findings[0], text="  ", actor=world.a_officer, now=NOW)
    assert error.value.field == "text"
    with pytest.raises(DomainError, match="不属于本案件"):
        service.add_suggestion(case, other.findings[0], text="x", actor=world.a_officer, now=NOW)


def test_the_inspectors_and_the_officers_see_the_follow_up(world: World):
    case = special_case(world, serial=15, name="建议企业")
    assert service.may_see(case, world.a_officer) and service.may_follow_up(case, world.a_officer)
    assert service.may_see(case, world.a_inspector)
    assert not service.may_follow_up(case, world.a_inspector)
    assert not service.may_see(case, world.ministry_officer)


# -- referrals -------------------------------------------------------------------------------------


def _refer(world, case, **changes) -> DiagnosisReferral:
    values = {
        "provider": " 江苏省节能  技术服务中心 ",
        "referred_on": date(2020, 10, 9),
        "measures": "",
        "estimated_savings": None,
        "actor": world.a_officer,
        "now": NOW,
        "today": TODAY,
    }
    values.update(changes)
    referral = service.refer(case, case.findings[0], **values)
    db.session.commit()
    return referral


def _update(referral, world, **changes):
    values = {
        "version": referral.version,
        "provider": referral.provider,
        "referred_on": referral.referred_on,
        "diagnosis_start_on": referral.diagnosis_start_on,
        "diagnosis_end_on": referral.diagnosis_end_on,
        "measures": referral.measures,
        "estimated_savings": referral.estimated_savings_tce,
        "retrofit_text": referral.retrofit_text,
        "retrofit_done_on": referral.retrofit_done_on,
        "actual_savings": referral.actual_savings_tce,
        "actor": world.a_officer,
        "today": TODAY,
    }
    values.update(changes)
    service.update_referral(referral, **values)
    db.session.commit()


def test_a_referral_goes_from_referred_to_diagnosed_to_retrofitted(world: World):
    case = special_case(world, serial=21, name="诊断企业")
    referral = _refer(world, case)
    assert referral.status == DiagnosisStatus.REFERRED
    assert referral.provider == "江苏省节能 技术服务中心"  # white space tidied
    assert referral.enterprise_id == case.enterprise_id
    _update(
        referral,
        world,
        diagnosis_start_on=date(2020, 10, 12),
        diagnosis_end_on=date(2020, 10, 30),
        measures="空压站集中控制",
        estimated_savings=Decimal("148.5"),
    )
    assert referral.status == DiagnosisStatus.DIAGNOSED
    assert str(referral.estimated_savings_tce) == "148.50"
    _update(
        referral,
        world,
        retrofit_text="完成空压站集中控制改造",
        retrofit_done_on=date(2020, 11, 30),
        actual_savings=Decimal("152.25"),
    )
    assert referral.status == DiagnosisStatus.RETROFITTED
    assert service.finding_marks(case)[case.findings[0].id].status == DiagnosisStatus.RETROFITTED


def test_one_referral_per_finding_and_the_dates_in_order(world: World):
    case = special_case(world, serial=22, name="诊断企业")
    referral = _refer(world, case)
    with pytest.raises(DomainError, match="已推荐节能诊断"):
        _refer(world, case)
    db.session.rollback()
    with pytest.raises(DomainError) as error:
        _update(
            referral,
            world,
            diagnosis_start_on=date(2020, 10, 12),
            diagnosis_end_on=date(2020, 10, 11),
            measures="x",
        )
    assert error.value.field == "diagnosis_end_on"
    db.session.rollback()
    with pytest.raises(DomainError, match="最多保留两位小数") as error:
        _update(referral, world, estimated_savings=Decimal("1.005"))
    assert error.value.field == "estimated_savings_tce"


def test_a_referral_changed_meanwhile_is_refused(world: World):
    case = special_case(world, serial=23, name="诊断企业")
    referral = _refer(world, case)
    stale = referral.version
    _update(referral, world, measures="第一次")
    with pytest.raises(DomainError, match="已被他人修改"):
        _update(referral, world, version=stale, measures="第二次")


def test_savings_totals_per_province_worked_example(world: World):
    """A: 148.50 + 12.34 + (none) estimated, 152.25 actual; B: 100.00 estimated.
    The ministry's national line: 260.84 estimated, 152.25 actual."""
    cases = [special_case(world, serial=30 + n, name=f"诊断企业{n}") for n in range(3)]
    b_case = special_case(
        world, serial=39, name="乙省企业", province=world.b_province, inspectors=[world.b_inspector]
    )
    first = _refer(world, cases[0])
    _update(
        first,
        world,
        diagnosis_start_on=date(2020, 10, 12),
        diagnosis_end_on=date(2020, 10, 30),
        measures="空压站集中控制",
        estimated_savings=Decimal("148.50"),
        retrofit_text="已改造",
        retrofit_done_on=date(2020, 11, 30),
        actual_savings=Decimal("152.25"),
    )
    _refer(world, cases[1], estimated_savings=Decimal("12.34"))
    _refer(world, cases[2])
    _refer(world, b_case, actor=world.b_officer, estimated_savings=Decimal("100"))

    [a_row] = savings.savings_by_province(world.a_officer)
    assert (a_row.province, a_row.referrals, a_row.diagnosed, a_row.retrofitted) == (
        world.a_province.name,
        3,
        1,
        1,
    )
    assert (a_row.estimated, a_row.actual) == (Decimal("160.84"), Decimal("152.25"))
    [b_row] = savings.savings_by_province(world.b_officer)
    assert (b_row.referrals, b_row.estimated, b_row.actual) == (
        1,
        Decimal("100.00"),
        Decimal("0.00"),
    )

    national = savings.savings_by_province(world.ministry_officer)
    assert [r.province_id for r in national] == [world.a_province.id, world.b_province.id]
    total = savings.total_row(national)
    assert (total.referrals, total.estimated, total.actual) == (
        4,
        Decimal("260.84"),
        Decimal("152.25"),
    )
    assert str(total.estimated) == "260.84"
    # Filters narrow the same figures: only the retrofitted one, only B for the ministry.
    [done] = savings.savings_by_province(world.a_officer, status="retrofitted")
    assert (done.referrals, done.estimated) == (1, Decimal("148.50"))
    [only_b] = savings.savings_by_province(world.ministry_officer, province_id=world.b_province.id)
    assert only_b.estimated == Decimal("100.00")
    assert savings.savings_by_province(world.a_officer, year=2021) == []
    # The list rows are the province's own.
    listed = db.session.scalars(savings.referrals_query(world.a_officer)).all()
    assert {r.case_id for r in listed} == {c.id for c in cases}


# -- excellent cases -------------------------------------------------------------------------------


def _nominate(world, case, **changes):
    values = {
        "title": "电机系统能效提升",
        "write_up": WRITE_UP,
        "savings_tce": Decimal("148"),
        "actor": world.a_officer,
        "now": NOW,
    }
    values.update(changes)
    item = excellent.nominate(case, **values)
    db.session.commit()
    return item


def test_only_a_finished_case_is_nominated_once(world: World):
    working = special_case(world, serial=41, name="办理中企业", status=CaseStatus.FINDINGS)
    with pytest.raises(DomainError, match="只有已办结或已转入整改"):
        _nominate(world, working)
    db.session.rollback()
    closed = special_case(world, serial=42, name="办结企业", status=CaseStatus.CLOSED, findings=0)
    item = _nominate(world, closed)
    assert (item.status, item.year, str(item.savings_tce)) == (
        ExcellentStatus.NOMINATED,
        2020,  # the case's supervision year (assessed 2019)
        "148.00",
    )
    with pytest.raises(DomainError, match="已推荐为优秀案例"):
        _nominate(world, closed)


def test_a_write_up_needs_200_characters_and_no_personal_data(world: World):
    case = special_case(world, serial=43, name="案例企业")
    with pytest.raises(DomainError, match="不少于 200 字") as error:
        _nominate(world, case, write_up="字" * 199)
    assert error.value.field == "write_up"
    db.session.rollback()
    with pytest.raises(DomainError, match="个人信息") as error:
        _nominate(world, case, write_up=WRITE_UP + f"承办人{world.a_inspector.full_name}")
    assert error.value.field == "write_up"
    db.session.rollback()
    with pytest.raises(DomainError, match="13812345678"):
        _nominate(world, case, write_up=WRITE_UP + "联系电话13812345678")
    db.session.rollback()
    assert _nominate(world, case, write_up="字" * 200).status == ExcellentStatus.NOMINATED


def test_the_ministry_selects_and_publishes(world: World):
    made = make_followup(world)
    item = made.excellent
    with pytest.raises(DomainError, match="只有已入选"):
        excellent.publish(item, version=item.version, actor=world.ministry_officer, today=TODAY)
    db.session.rollback()
    with pytest.raises(DomainError, match="只有工业和信息化部"):
        excellent.decide(
            item, select_it=True, note="", version=item.version, actor=world.a_officer, now=NOW
        )
    with pytest.raises(DomainError, match="请填写评选意见"):
        excellent.decide(
            item,
            select_it=False,
            note="",
            version=item.version,
            actor=world.ministry_officer,
            now=NOW,
        )
    excellent.decide(
        item,
        select_it=True,
        note="执法规范",
        version=item.version,
        actor=world.ministry_officer,
        now=NOW,
    )
    db.session.commit()
    assert (item.status, item.decided_by_id) == (
        ExcellentStatus.SELECTED,
        world.ministry_officer.id,
    )
    # Selected: the province no longer edits it.
    with pytest.raises(DomainError, match="不能再修改"):
        excellent.update_nomination(
            item,
            version=item.version,
            title="改",
            write_up=WRITE_UP,
            savings_tce=None,
            actor=world.a_officer,
            now=NOW,
        )
    db.session.rollback()
    excellent.publish(
        item, version=item.version, actor=world.ministry_officer, today=date(2020, 12, 8)
    )
    db.session.commit()
    assert (item.status, item.published_on) == (ExcellentStatus.PUBLISHED, date(2020, 12, 8))
    assert excellent.published_or_none(item.id) is item
    with pytest.raises(DomainError, match="已发布的案例"):
        excellent.decide(
            item,
            select_it=False,
            note="撤回",
            version=item.version,
            actor=world.ministry_officer,
            now=NOW,
        )


def test_a_declined_case_is_nominated_again_when_changed(world: World):
    made = make_followup(world)
    item = made.excellent
    excellent.decide(
        item,
        select_it=False,
        note="节能效益数据需补充测算依据",
        version=item.version,
        actor=world.ministry_officer,
        now=NOW,
    )
    db.session.commit()
    assert item.status == ExcellentStatus.DECLINED
    assert excellent.published_or_none(item.id) is None
    excellent.update_nomination(
        item,
        version=item.version,
        title="电机系统能效提升（补充测算）",
        write_up=WRITE_UP,
        savings_tce=Decimal("150.10"),
        actor=world.a_officer,
        now=NOW,
    )
    db.session.commit()
    assert (item.status, str(item.savings_tce)) == (ExcellentStatus.NOMINATED, "150.10")


def test_the_fixture_publishes_nothing(world: World):
    made = make_followup(world)
    assert made.excellent.status == ExcellentStatus.NOMINATED
    assert db.session.scalars(excellent.public_query()).all() == []
    assert db.session.scalar(select(ImprovementSuggestion.id)) == made.suggestion.id
    assert set(made.ids()) == {"suggestion", "referral", "excellent"}
