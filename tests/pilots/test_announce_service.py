"""The announcement: once the review is decided, one pilot per chosen candidate, numbered in
the ranking's order; the commitment letters, cancellation, and their deadlines."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from calls_support import NOW, called, review_all, score_and_decide, send  # noqa: F401

from supervision.core.errors import DomainError
from supervision.extensions import db
from supervision.pilots import announcing
from supervision.pilots.models import CallStatus, PilotStatus
from supervision.reminders import sources

ANNOUNCED_ON = date(2014, 12, 15)
DUE_ON = date(2014, 12, 31)
#: Each member's total per candidate; three chosen (the call's limit).
TOTALS = {"NJREMAN": "85.0", "HENGLI": "90.0", "XIDONG": "80.0", "QIANJIANG": "88.0"}
CHOSEN = ["NJREMAN", "HENGLI", "QIANJIANG"]


@pytest.fixture
def decided(called):
    review_all(called)
    send(called)
    score_and_decide(called, TOTALS, CHOSEN)
    return called


def announce(made, **changes):
    values = {
        "announced_on": ANNOUNCED_ON,
        "commitment_due_on": DUE_ON,
        "actor": made.world.ministry_officer,
        "now": NOW + timedelta(days=70),
    }
    values.update(changes)
    return announcing.announce(made.call, **values)


def test_the_chosen_are_numbered_in_the_ranking_order(decided):
    pilots = announce(decided)
    db.session.commit()
    by_short = {a.id: a.short_name_en for a in decided.applications}
    assert [(p.number, by_short[p.application_id]) for p in pilots] == [
        (1, "HENGLI"),  # 90.0
        (2, "QIANJIANG"),  # 88.0
        (3, "NJREMAN"),  # 85.0; XIDONG (80.0) was not chosen
    ]
    assert [p.code_number for p in pilots] == ["01", "02", "03"]
    hangzhou = pilots[1]
    assert (hangzhou.province_id, hangzhou.city_id) == (
        decided.world.b_province.id,
        decided.world.b_agency.id,
    )
    assert {p.status for p in pilots} == {PilotStatus.ANNOUNCED}
    assert {p.notified_on for p in pilots} == {ANNOUNCED_ON}
    call = decided.call
    assert (call.status, call.announced_on, call.commitment_due_on) == (
        CallStatus.ANNOUNCED,
        ANNOUNCED_ON,
        DUE_ON,
    )
    with pytest.raises(DomainError, match="只有详细评审中的征集"):
        announce(decided)


def test_ties_keep_the_order_the_ranking_gives(decided, monkeypatch):
    candidates = {c.short_name_en: c for c in decided.review.candidates}
    order = ["QIANJIANG", "NJREMAN", "XIDONG", "HENGLI"]  # e.g. NJREMAN and XIDONG tied
    monkeypatch.setattr(
        announcing,
        "ranking",
        lambda review: [SimpleNamespace(candidate=candidates[s]) for s in order],
    )
    pilots = announce(decided)
    assert [(p.number, p.name[:2]) for p in pilots] == [(1, "杭州"), (2, "南京"), (3, "苏州")]


def test_the_review_must_be_decided_first(called):
    review_all(called)
    send(called)
    with pytest.raises(DomainError, match="评审尚未确定推广单位"):
        announce(called)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"announced_on": date(2014, 12, 9)}, "公告日期不能早于确定日期（2014-12-10）"),
        ({"commitment_due_on": date(2014, 12, 14)}, "承诺书签订期限不能早于公告日期"),
        ({"commitment_due_on": None}, "承诺书签订期限不能早于公告日期"),
        ({"actor": "a_officer"}, "无权"),
    ],
)
def test_wrong_announcements_are_refused(decided, changes, message):
    if changes.get("actor") == "a_officer":
        changes["actor"] = decided.world.a_officer
    with pytest.raises(DomainError, match=message):
        announce(decided, **changes)
    assert decided.call.status == CallStatus.REVIEWING


def test_no_more_chosen_than_the_call_allows(decided):
    for candidate in decided.review.candidates:
        candidate.selected = True
    with pytest.raises(DomainError, match="超过征集上限（3 家）"):
        announce(decided)


def commitments(today=date(2015, 1, 5)):
    return {s.subject_key: s for s in sources.collect(today) if s.kind == "pilot_commitment"}


def test_commitment_letters_are_signed_or_the_pilot_cancelled(decided):
    officer = decided.world.ministry_officer
    first, second, third = announce(decided)
    db.session.commit()
    specs = commitments()
    assert set(specs) == {str(p.id) for p in (first, second, third)}
    spec = specs[str(second.id)]
    assert (spec.due_on, spec.done_on) == (DUE_ON, None)
    assert spec.province_id == decided.world.b_province.id
    assert spec.people_ids == (officer.id,)
    assert spec.link == f"/pilots/enterprises/{second.id}"
    assert spec.title.startswith("签订承诺书：杭州钱江动力再制造有限公司")

    on_the_25th = NOW.replace(month=12, day=25)
    with pytest.raises(DomainError, match="签订日期不能早于确定通知书日期"):
        announcing.record_commitment(
            first, signed_on=date(2014, 12, 14), actor=officer, now=on_the_25th
        )
    with pytest.raises(DomainError, match="签订日期不能晚于今天"):
        announcing.record_commitment(
            first, signed_on=date(2014, 12, 26), actor=officer, now=on_the_25th
        )
    announcing.record_commitment(
        first, signed_on=date(2014, 12, 25), hotline="0512-66000000", actor=officer,
        now=on_the_25th,
    )  # fmt: skip
    assert (first.status, first.commitment_signed_on, first.hotline) == (
        PilotStatus.ACTIVE,
        date(2014, 12, 25),
        "0512-66000000",
    )
    with pytest.raises(DomainError, match="不在待签订承诺书状态"):
        announcing.record_commitment(
            first, signed_on=date(2014, 12, 25), actor=officer, now=on_the_25th
        )

    # Not signed by the due date: cancellable only once the due day has passed.
    on_due_day = NOW.replace(month=12, day=31)
    with pytest.raises(DomainError, match="期限尚未届满"):
        announcing.cancel(second, reason=announcing.COMMITMENT_LATE, actor=officer, now=on_due_day)
    announcing.cancel(
        second, reason=announcing.COMMITMENT_LATE, actor=officer, now=on_due_day + timedelta(1)
    )
    assert (second.status, second.status_note) == (
        PilotStatus.CANCELLED,
        "未在规定时间内签订承诺书",
    )
    with pytest.raises(DomainError, match="已被取消资格"):
        announcing.cancel(second, reason="其他", actor=officer, now=on_due_day)
    with pytest.raises(DomainError, match="请填写取消资格的理由"):
        announcing.cancel(third, reason=" ", actor=officer, now=on_due_day)
    db.session.commit()

    specs = commitments()
    assert specs[str(first.id)].done_on == date(2014, 12, 25)
    assert specs[str(second.id)].done_on == DUE_ON
    assert specs[str(third.id)].done_on is None


def test_a_pilot_that_signed_is_not_cancelled_for_lateness(decided):
    officer = decided.world.ministry_officer
    first = announce(decided)[0]
    announcing.record_commitment(
        first, signed_on=date(2014, 12, 20), actor=officer, now=NOW.replace(month=12, day=20)
    )
    later = NOW.replace(year=2015, month=1, day=5)
    with pytest.raises(DomainError, match="已签订承诺书"):
        announcing.cancel(first, reason=announcing.COMMITMENT_LATE, actor=officer, now=later)
    # Another ground (seed 003 第六条) still cancels it.
    announcing.cancel(first, reason="试图影响评审结果", actor=officer, now=later)
    assert first.status == PilotStatus.CANCELLED
