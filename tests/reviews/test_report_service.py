"""The review report: generated from the results (a snapshot the members sign), prefilled from
the pilot call, signed by every sitting member, cleared when regenerated, submitted only when
all signed; the convener's decision within the funds."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
from pilots.pilots_support import make_pilots
from reviews_support import reviewed  # noqa: F401
from scoring_support import TIED, member_logins, score_everything

from supervision.core.errors import DomainError
from supervision.extensions import db
from supervision.pilots.models import FormalStatus
from supervision.reviews import reporting, scoring
from supervision.reviews.models import ReviewStatus

NOW = datetime(2014, 11, 21, 2, 0, tzinfo=UTC)
SCORED_ON = date(2014, 11, 20)


def _scored(made, users, totals=None):
    score_everything(made, users, *(() if totals is None else (totals,)))
    scoring.close_scoring(made.review, actor=made.world.ministry_officer, today=SCORED_ON)
    db.session.commit()


def _generate(made, **texts):
    report = reporting.report_of(made.review)
    return reporting.generate_report(
        made.review,
        formal_summary=texts.get("formal_summary", ""),
        recommendation=texts.get("recommendation", ""),
        actor=made.world.ministry_officer,
        now=NOW,
        today=date(2014, 11, 21),
        version=report.version if report else None,
    )


@pytest.fixture
def users(reviewed, make_user):  # noqa: F811
    return member_logins(reviewed, make_user)


def test_the_report_needs_the_scoring_ended(reviewed, users):  # noqa: F811
    score_everything(reviewed, users)
    with pytest.raises(DomainError, match="评分尚未结束"):
        _generate(reviewed)


def test_the_report_keeps_the_results_as_generated(reviewed, users):  # noqa: F811
    _scored(reviewed, users)
    report = _generate(reviewed)
    content = report.content
    assert content["review"]["scored_on"] == "2014-11-20"
    assert [m["name"] for m in content["members"]] == ["刘振华", "孙立新", "马晓燕", "郑海", "彭涛"]
    assert [(r["short_name_en"], r["final"], r["rank"]) for r in content["ranking"]][:3] == [
        ("NJREMAN", "88.00", 1),
        ("FUXING", "85.40", 2),
        ("WEIDA", "85.30", 3),
    ]
    fuxing = content["ranking"][1]
    assert fuxing["totals"][str(reviewed.members[1].id)] == "86.1"
    assert content["recommended"] == [reviewed.candidates[1].id, reviewed.candidates[0].id]
    assert len(content["sheets"]) == 30
    assert report.recommendation.splitlines() == [
        "根据详细评审结果，在资金规模2000万元、征集上限4家范围内，按得分由高到低，"
        "评审委员会推荐以下申请单位为通过候选人：",
        f"1. {reviewed.candidates[1].name}（88.00分）",
        "2. 济南复兴动力再制造有限公司（85.40分）",
    ]
    assert "共有6家申请单位进入详细评审" in report.formal_summary


def test_a_tie_across_the_funds_is_left_to_the_convener(reviewed, users):  # noqa: F811
    _scored(reviewed, users, TIED)
    report = _generate(reviewed)
    assert report.content["recommended"] == [reviewed.candidates[1].id]
    assert report.recommendation.splitlines()[-1] == (
        "济南复兴动力再制造有限公司、广州威达发动机再制造有限公司得分相同（85.40分），"
        "资金规模和征集上限内不能全部确定，请征集人确定。"
    )


def test_every_member_signs_and_regenerating_clears_the_signatures(reviewed, users):  # noqa: F811
    _scored(reviewed, users)
    report = _generate(reviewed, formal_summary="形式审查由商会组织。")
    db.session.commit()
    assert report.formal_summary == "形式审查由商会组织。"
    officer = reviewed.world.ministry_officer
    with pytest.raises(DomainError, match="只有本评审委员会的委员"):
        reporting.sign_report(reviewed.review, actor=officer, now=NOW, version=report.version)
    for user in users[:4]:
        reporting.sign_report(reviewed.review, actor=user, now=NOW, version=report.version)
    db.session.commit()
    with pytest.raises(DomainError, match="已在评审报告上签名"):
        reporting.sign_report(reviewed.review, actor=users[0], now=NOW, version=report.version)
    with pytest.raises(DomainError, match="以下委员尚未签名，不能提交：彭涛"):
        reporting.submit_report(
            reviewed.review,
            actor=officer,
            now=NOW,
            today=date(2014, 11, 21),
            version=report.version,
        )
    old_version = report.version
    report = _generate(reviewed, formal_summary="形式审查由商会组织，6 家通过。")
    db.session.commit()
    assert report.signatures == [] and report.version > old_version
    assert [m.expert.name for m in reporting.unsigned(reviewed.review, report)][0] == "刘振华"
    # A member who read the old report signs nothing: he must read the new one.
    with pytest.raises(DomainError, match="重新生成"):
        reporting.sign_report(reviewed.review, actor=users[0], now=NOW, version=old_version)
    for user in users:
        reporting.sign_report(reviewed.review, actor=user, now=NOW, version=report.version)
    reporting.submit_report(
        reviewed.review, actor=officer, now=NOW, today=date(2014, 11, 21), version=report.version
    )
    assert reviewed.review.status == ReviewStatus.REPORTED
    assert reviewed.review.reported_on == date(2014, 11, 21)
    assert report.submitted_at == NOW
    with pytest.raises(DomainError, match="已提交"):
        _generate(reviewed)


def _reported(made, users, totals=None):
    _scored(made, users, totals)
    report = _generate(made)
    for user in users:
        reporting.sign_report(made.review, actor=user, now=NOW, version=report.version)
    reporting.submit_report(
        made.review,
        actor=made.world.ministry_officer,
        now=NOW,
        today=date(2014, 11, 21),
        version=report.version,
    )
    db.session.commit()
    return report


def _decide(made, selected, note=""):
    return reporting.decide(
        made.review,
        selected=[made.candidates[n].id for n in selected],
        note=note,
        actor=made.world.ministry_officer,
        today=date(2014, 11, 28),
        version=made.review.version,
    )


def test_the_decision_defaults_to_the_recommendation(reviewed, users):  # noqa: F811
    with pytest.raises(DomainError, match="评审报告提交后"):
        _decide(reviewed, [1, 0])
    _reported(reviewed, users)
    _decide(reviewed, [1, 0])
    review = reviewed.review
    assert review.status == ReviewStatus.DECIDED and review.decided_on == date(2014, 11, 28)
    assert [c.selected for c in reviewed.candidates] == [True, True, False, False, False, False]


def test_a_decision_other_than_the_recommendation_gives_its_reason(reviewed, users):  # noqa: F811
    _reported(reviewed, users, TIED)  # 复兴 and 威达 tie across the funds: the convener decides
    with pytest.raises(DomainError, match="写明理由") as refused:
        _decide(reviewed, [1, 3])
    assert refused.value.field == "note"
    with pytest.raises(DomainError, match="超过资金规模 2000 万元"):
        _decide(reviewed, [1, 0, 3], "都要")  # 600 + 800 + 700 = 2100
    with pytest.raises(DomainError, match="不是本次评审的候选人"):
        reporting.decide(
            reviewed.review,
            selected=[999999],
            note="",
            actor=reviewed.world.ministry_officer,
            today=date(2014, 11, 28),
            version=None,
        )
    _decide(reviewed, [1, 3, 4], "威达的旧件回收网络覆盖更广；柏科在资金规模内递补。")
    assert [c.selected for c in reviewed.candidates] == [False, True, False, True, True, False]
    assert reviewed.review.decision_note.startswith("威达")


def test_the_calls_limit_binds_the_decision(reviewed, users):  # noqa: F811
    reviewed.review.funding_cap_wan = None
    reviewed.review.max_selected = 2
    _reported(reviewed, users)
    with pytest.raises(DomainError, match="最多确定 2 家"):
        _decide(reviewed, [1, 0, 3], "多选")


def test_the_formal_summary_is_prefilled_from_the_pilot_call(world):
    piloted = make_pilots(world)
    failed = piloted.applications[5]
    failed.formal_status = FormalStatus.FAILED
    failed.formal_reasons = ["质量体系认证证书已过有效期", "申请文件不完整"]
    reviewed_ = piloted.reviewed
    reviewed_.candidates[0].source = f"pilot_application:{piloted.applications[0].id}"
    reviewed_.candidates[2].withdrew = True
    db.session.commit()
    text = reporting.default_formal_summary(reviewed_.review, world.ministry_officer)
    lines = text.splitlines()
    assert lines[0] == (
        "2014 年再制造产品“以旧换再”推广试点企业征集（发改办环资〔2014〕1234 号）"
        "于2014-09-01至2014-09-30公开征集，共收到6家单位的申请。"
    )
    assert lines[2].startswith("经审查，5家单位通过形式审查，进入详细评审：")
    assert (
        lines[3]
        == "重庆顺驰动力科技有限公司未通过形式审查：质量体系认证证书已过有效期；申请文件不完整。"
    )
    assert lines[4] == "湖南长丰变速箱再制造有限公司未按要求签到出席评审会议，视为自动弃权。"


def test_price_and_requests_are_kept_as_text(reviewed, users):  # noqa: F811
    reviewed.candidates[1].price_quote = D("40000")
    reviewed.candidates[0].price_quote = D("38000")
    _scored(reviewed, users)
    ranking = _generate(reviewed).content["ranking"]
    first = ranking[0]
    assert (first["short_name_en"], first["price"], first["final"]) == ("NJREMAN", "9.50", "97.50")
    assert first["requested_wan"] == "600.00" and first["cumulative_wan"] == "600.00"
