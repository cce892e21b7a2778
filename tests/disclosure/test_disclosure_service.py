"""Preparing, publishing, annotating and withdrawing entries; the public queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from disclosure_support import LEGAL_REP, add_enterprise, add_notice, prepare, published
from sqlalchemy import select, update

from conftest import NOW, World
from supervision.core.clock import local_today
from supervision.core.errors import DomainError
from supervision.core.models import AuditEntry, Role
from supervision.disclosure import listing, rules, service
from supervision.disclosure.models import Publication, PublicationStatus
from supervision.extensions import db


def public_names(**filters) -> list[str]:
    return [r["enterprise_name"] for r in listing.public_records(rules.Filters(**filters))]


def test_texts_from_a_notice_copy_findings_and_the_decision(world: World):
    notice = add_notice(world)
    texts = service.texts_from_notice(notice)
    assert texts.enterprise_name == world.a_enterprise.name
    assert texts.credit_code == world.a_enterprise.credit_code
    assert texts.violation == "1. 使用国家明令淘汰的电机 12 台；2. 未按规定配备能源计量器具"
    assert texts.decision == "行政处罚（苏工信罚〔2020〕3号）；罚款50000元；执行阶梯电价"
    assert texts.published_fields == ["credit_code", "violation", "decision"]


def test_texts_from_a_notice_without_decision_state_the_order(world: World):
    notice = add_notice(world, decision=False)
    notice.violation = "单位产品能耗超过限额标准"
    db.session.commit()
    texts = service.texts_from_notice(notice)
    assert texts.violation == "单位产品能耗超过限额标准"
    assert texts.decision == "责令限期整改（苏节监改〔2019〕7号）"


def test_prepare_from_a_notice_makes_a_draft_once(world: World):
    notice = add_notice(world)
    entry = service.prepare(
        actor=world.a_officer,
        enterprise=world.a_enterprise,
        notice=notice,
        texts=service.texts_from_notice(notice),
        now=NOW,
    )
    db.session.commit()
    assert entry.status == PublicationStatus.DRAFT
    assert (entry.province_id, entry.notice_id, entry.prepared_by_id) == (
        world.a_province.id, notice.id, world.a_officer.id,
    )  # fmt: skip
    assert entry.published_on is None and entry.approved_by_id is None
    with pytest.raises(DomainError, match="已有公布条目"):
        service.prepare(
            actor=world.a_officer,
            enterprise=world.a_enterprise,
            notice=notice,
            texts=service.texts_from_notice(notice),
            now=NOW,
        )
    db.session.rollback()
    # Once withdrawn, the notice may be published afresh.
    service.withdraw(entry, actor=world.a_officer, reason="文字有误，重新公布", now=NOW)
    again = service.prepare(
        actor=world.a_officer,
        enterprise=world.a_enterprise,
        notice=notice,
        texts=service.texts_from_notice(notice),
        now=NOW,
    )
    assert again.id != entry.id


@pytest.mark.parametrize("actor", ["b_officer", "b_agency_officer", "a_inspector"])
def test_only_the_province_or_the_ministry_may_prepare(world: World, actor):
    with pytest.raises(DomainError, match="省级主管部门"):
        prepare(world, actor=getattr(world, actor))
    db.session.rollback()
    assert prepare(world, actor=world.ministry_officer).province_id == world.a_province.id


def test_a_provincial_officer_of_an_agency_may_not_prepare(world: World, make_user):
    agency_officer = make_user("a-agency-officer", Role.PROVINCIAL_OFFICER, world.a_agency)
    assert not service.may_publish_for(agency_officer, world.a_province.id)
    assert service.may_publish_for(world.a_officer, world.a_province.id)
    assert not service.may_publish_for(world.a_officer, world.b_province.id)
    assert service.may_publish_for(world.ministry_officer, world.b_province.id)


def test_texts_are_checked(world: World):
    texts = service.texts_from_enterprise(world.a_enterprise)
    texts.credit_code = "91320100000000001X"
    with pytest.raises(DomainError) as refused:
        service.prepare(actor=world.a_officer, enterprise=world.a_enterprise, texts=texts, now=NOW)
    assert refused.value.field == "credit_code"
    texts = service.texts_from_enterprise(world.a_enterprise)
    texts.violation = "超" * 2001
    with pytest.raises(DomainError) as refused:
        service.prepare(actor=world.a_officer, enterprise=world.a_enterprise, texts=texts, now=NOW)
    assert refused.value.field == "violation"


def test_personal_data_in_a_chosen_text_is_refused(world: World):
    enterprise = add_enterprise(
        world.a_province, 71, "苏州示例水泥有限公司", legal_representative=LEGAL_REP
    )
    with pytest.raises(DomainError, match=LEGAL_REP) as refused:
        prepare(world, enterprise, violation=f"法定代表人{LEGAL_REP}拒不整改")
    assert refused.value.field == "violation"
    db.session.rollback()
    with pytest.raises(DomainError, match="13812345678"):
        prepare(world, enterprise, violation="举报电话13812345678")
    db.session.rollback()
    # Not chosen for publication: kept internally, allowed.
    entry = prepare(
        world, enterprise, violation=f"法定代表人{LEGAL_REP}拒不整改", fields=["decision"]
    )
    assert entry.violation.endswith("拒不整改")


def test_publish_records_the_approver_and_freezes_the_texts(world: World):
    entry = prepare(world)
    service.publish(entry, actor=world.ministry_officer, today=date(2020, 7, 1))
    db.session.commit()
    assert entry.status == PublicationStatus.PUBLISHED
    assert entry.published_on == date(2020, 7, 1)
    assert entry.approved_by_id == world.ministry_officer.id
    assert entry.approver_name == world.ministry_officer.full_name
    texts = service.texts_from_enterprise(world.a_enterprise)
    texts.violation = "改过的内容"
    with pytest.raises(DomainError, match="不能修改"):
        service.update_draft(entry, actor=world.a_officer, texts=texts)
    db.session.rollback()
    with pytest.raises(DomainError, match="只有待发布"):
        service.publish(entry, actor=world.a_officer, today=date(2020, 7, 2))
    db.session.rollback()
    assert db.session.get(Publication, entry.id).violation == "电解铝液交流电耗超过阶梯电价标准"


def test_publish_refuses_an_empty_violation(world: World):
    entry = prepare(world, violation="")
    with pytest.raises(DomainError, match="违规事实") as refused:
        service.publish(entry, actor=world.a_officer, today=date(2020, 7, 1))
    assert refused.value.field == "violation"
    db.session.rollback()
    assert db.session.get(Publication, entry.id).status == PublicationStatus.DRAFT


def test_another_province_cannot_publish(world: World):
    entry = prepare(world)
    with pytest.raises(DomainError, match="省级主管部门"):
        service.publish(entry, actor=world.b_officer, today=date(2020, 7, 1))


def test_update_draft_changes_texts_and_fields(world: World):
    entry = prepare(world)
    texts = service.texts_from_enterprise(world.a_enterprise)
    texts.enterprise_name = "  甲省数据中心  有限公司 "
    texts.violation = "PUE 实测值 1.8"
    texts.published_fields = ["violation", "approver_name"]
    service.update_draft(entry, actor=world.a_officer, texts=texts)
    db.session.commit()
    assert entry.enterprise_name == "甲省数据中心 有限公司"
    assert entry.published_fields == ["violation"]


def test_rectified_annotation_boundaries(world: World):
    entry = published(world, on=date(2020, 7, 1))
    today = date(2020, 8, 10)
    for wrong, message in ((date(2020, 6, 30), "早于公布日期"), (date(2020, 8, 11), "晚于今天")):
        with pytest.raises(DomainError, match=message):
            service.mark_rectified(entry, actor=world.a_officer, rectified_on=wrong, today=today)
        db.session.rollback()
    service.mark_rectified(entry, actor=world.a_officer, rectified_on=date(2020, 7, 1), today=today)
    service.mark_rectified(entry, actor=world.a_officer, rectified_on=today, today=today)
    db.session.commit()
    assert entry.rectified_on == date(2020, 8, 10)
    draft = prepare(world, add_enterprise(world.a_province, 72, "草稿企业"))
    with pytest.raises(DomainError, match="只有已公布"):
        service.mark_rectified(draft, actor=world.a_officer, rectified_on=today, today=today)


def test_withdraw_keeps_the_trace_and_takes_the_entry_off_the_list(world: World):
    entry = published(world)
    assert public_names() == [world.a_enterprise.name]
    with pytest.raises(DomainError, match="撤回理由"):
        service.withdraw(entry, actor=world.a_officer, reason=" ", now=NOW)
    db.session.rollback()
    service.withdraw(entry, actor=world.a_officer, reason="行政复议撤销处罚决定", now=NOW)
    db.session.commit()
    assert entry.status == PublicationStatus.WITHDRAWN
    assert (entry.withdrawn_at, entry.withdrawn_by_id) == (NOW, world.a_officer.id)
    assert entry.withdrawal_reason == "行政复议撤销处罚决定"
    assert entry.published_on == date(2020, 7, 1) and entry.approver_name  # kept
    assert public_names() == []
    with pytest.raises(DomainError, match="已撤回"):
        service.withdraw(entry, actor=world.a_officer, reason="再撤", now=NOW)
    # Still the officers' to see, with the whole history audited.
    managed = db.session.scalars(service.managed_query(world.a_officer)).all()
    assert [m.id for m in managed] == [entry.id]
    actions = db.session.scalars(
        select(AuditEntry.changes)
        .where(AuditEntry.entity == "publications", AuditEntry.entity_id == str(entry.id))
        .order_by(AuditEntry.id)
    ).all()
    assert [c.get("status") for c in actions] == [
        [None, "draft"], ["draft", "published"], ["published", "withdrawn"],
    ]  # fmt: skip


def test_managed_query_is_scoped_and_filtered(world: World):
    a_entry = published(world)
    b_enterprise = add_enterprise(world.b_province, 81, "浙江示例水泥有限公司")
    b_draft = prepare(world, b_enterprise, actor=world.b_officer)

    def ids(user, **kw):
        return [e.id for e in db.session.scalars(service.managed_query(user, **kw))]

    assert ids(world.a_officer) == [a_entry.id]
    assert ids(world.b_officer) == [b_draft.id]
    assert ids(world.b_agency_officer) == []
    assert sorted(ids(world.ministry_officer)) == sorted([a_entry.id, b_draft.id])
    assert ids(world.ministry_officer, status="draft") == [b_draft.id]
    assert ids(world.ministry_officer, q="浙江") == [b_draft.id]


def test_public_records_only_published_with_search_and_filters(world: World):
    steel = published(world, add_enterprise(world.a_province, 91, "南京示例钢铁有限公司"),
                      on=date(2020, 7, 1))  # fmt: skip
    cement = published(world, add_enterprise(world.a_province, 92, "无锡示例水泥有限公司"),
                       on=date(2021, 3, 1), fields=["violation"])  # fmt: skip
    prepare(world, add_enterprise(world.a_province, 93, "草稿示例有限公司"))
    b_enterprise = add_enterprise(world.b_province, 94, "浙江示例铝业有限公司")
    b_entry = prepare(world, b_enterprise, actor=world.b_officer)
    service.publish(b_entry, actor=world.b_officer, today=date(2020, 8, 1))
    db.session.commit()

    assert public_names() == [
        "无锡示例水泥有限公司",
        "浙江示例铝业有限公司",
        "南京示例钢铁有限公司",
    ]
    assert public_names(q="钢铁") == ["南京示例钢铁有限公司"]
    assert public_names(q=steel.credit_code) == ["南京示例钢铁有限公司"]
    # The cement works did not publish its credit code: searching by it finds nothing.
    assert public_names(q=cement.credit_code) == []
    # A partial code finds the steel works (same prefix), never the cement works.
    assert public_names(q=cement.credit_code[:10]) == ["南京示例钢铁有限公司"]
    assert public_names(province_code="330000") == ["浙江示例铝业有限公司"]
    assert public_names(year=2021) == ["无锡示例水泥有限公司"]
    assert public_names(year=2019) == []
    assert public_names(q="草稿") == []
    assert listing.public_years() == [2021, 2020]


def _backdate_history(entry: Publication, day: date) -> None:
    """Pretend the entry's recorded changes happened on ``day`` (noon, Beijing time)."""
    db.session.execute(
        update(AuditEntry)
        .where(AuditEntry.entity == "publications", AuditEntry.entity_id == str(entry.id))
        .values(at=datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC))
    )
    db.session.commit()


def test_since_finds_published_or_changed_entries(world: World):
    old = published(world, add_enterprise(world.a_province, 95, "老企业"), on=date(2020, 7, 1))
    new = published(world, add_enterprise(world.a_province, 96, "新企业"), on=date(2020, 9, 1))
    _backdate_history(old, date(2020, 7, 1))
    _backdate_history(new, date(2020, 9, 1))
    assert public_names(since=date(2020, 8, 1)) == ["新企业"]
    assert public_names(since=date(2020, 9, 1)) == ["新企业"]  # the day itself counts
    assert public_names(since=date(2020, 9, 2)) == []
    assert public_names(since=date(2020, 7, 1)) == ["新企业", "老企业"]
    # Annotated later (the change is recorded today): "changed since" finds it again, even
    # though its 已整改 date is earlier.
    service.mark_rectified(old, actor=world.a_officer, rectified_on=date(2020, 7, 20),
                           today=date(2020, 9, 5))  # fmt: skip
    db.session.commit()
    assert public_names(since=local_today()) == ["老企业"]
    assert public_names(since=local_today() + timedelta(days=1)) == []
    # A 已整改 date on or after ``since`` counts as a change too.
    _backdate_history(old, date(2020, 7, 20))
    assert public_names(since=date(2020, 7, 20)) == ["新企业", "老企业"]
    assert public_names(since=date(2020, 7, 21)) == ["新企业"]
