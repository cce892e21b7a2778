"""Issuing notices (numbering, deadlines, refusals, concurrency) and the steps after them."""

from __future__ import annotations

import io
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from flask import current_app
from notices_support import NOW, NOW_2021, VISIT, Notices, notices  # noqa: F401
from sqlalchemy import func, select

from supervision.core.errors import DomainError
from supervision.core.models import Role, User
from supervision.extensions import db
from supervision.inspections.models import CaseStatus, Finding, InspectionCase
from supervision.rectification import permissions, queries, service
from supervision.rectification.evidence import Upload
from supervision.rectification.models import (
    NoticeSequence,
    NoticeStatus,
    RectificationEvidence,
    RectificationNotice,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def refused(action, message: str, field: str | None = None):
    with pytest.raises(DomainError) as caught:
        action()
    db.session.rollback()
    assert message in str(caught.value)
    assert caught.value.field == field
    return caught.value


# -- issuing ------------------------------------------------------------------------------------


def test_issue_copies_the_findings_computes_the_deadline_and_moves_the_case(notices: Notices):
    case = notices.case(findings=2)
    notice = notices.issue(case)
    assert notice.number == "南京甲省专属标记节监改〔2020〕1号"
    assert (notice.year, notice.sequence) == (2020, 1)
    # 15 working days from service on 2020-09-25, over National Day.
    assert notice.deadline_on == date(2020, 10, 22)
    assert notice.current_deadline_on == date(2020, 10, 22)
    assert notice.deadline_days == 15
    assert notice.status == NoticeStatus.ISSUED
    assert (notice.enterprise_id, notice.agency_id, notice.province_id) == (
        case.enterprise_id,
        notices.world.a_agency.id,
        notices.world.a_province.id,
    )
    assert [(i.position, i.description, i.kind) for i in notice.items] == [
        (1, "使用淘汰电机 Y-1", "eliminated_equipment"),
        (2, "使用淘汰电机 Y-2", "eliminated_equipment"),
    ]
    assert notice.items[0].basis_text.startswith("《中华人民共和国节约能源法》第十七条")
    db.session.expire_all()
    assert db.session.get(InspectionCase, case.id).status == CaseStatus.RECTIFICATION
    # A later edit of the finding does not change the notice.
    finding = db.session.get(Finding, notice.items[0].finding_id)
    finding.description = "改过的描述"
    db.session.commit()
    assert db.session.get(RectificationNotice, notice.id).items[0].description == "使用淘汰电机 Y-1"


def test_numbers_run_per_agency_and_year(notices: Notices, make_agency, make_user):
    world = notices.world
    first = notices.issue()
    second = notices.issue()
    third = notices.issue()
    assert [first.sequence, second.sequence, third.sequence] == [1, 2, 3]
    assert third.number.endswith("〔2020〕3号")
    # A new year starts again at 1 (the year is the year of service).
    next_year = notices.issue(
        served_on=date(2021, 1, 4), basis="date", on=date(2021, 3, 1), now=NOW_2021
    )
    assert (next_year.year, next_year.sequence) == (2021, 1)
    assert next_year.number == "南京甲省专属标记节监改〔2021〕1号"
    # Another agency counts for itself.
    suzhou = make_agency("320000", "苏州市节能监察支队", "320500")
    pair = [
        make_user(f"suzhou-{n}", Role.INSPECTOR, suzhou, full_name=f"苏州监察员{n}") for n in (1, 2)
    ]
    other = notices.issue(notices.case(agency=suzhou, inspectors=pair))
    assert other.number == "苏州节监改〔2020〕1号"
    assert notices.issue().sequence == 4
    rows = {(s.agency_id, s.year): s.last_value for s in db.session.scalars(select(NoticeSequence))}
    assert rows == {
        (world.a_agency.id, 2020): 4,
        (world.a_agency.id, 2021): 1,
        (suzhou.id, 2020): 1,
    }


def test_a_refused_issue_gives_its_number_back(notices: Notices):
    notices.issue()
    case = notices.case()
    refused(
        lambda: notices.issue(case, measures="  "),
        "请填写整改要求",
        "measures",
    )
    assert notices.issue(case).sequence == 2


def test_calendar_and_date_bases(notices: Notices):
    by_days = notices.issue(basis="days", days=10, served_on=date(2020, 9, 21))
    assert by_days.deadline_on == date(2020, 10, 9)  # 10-01 is a holiday: next working day
    by_date = notices.issue(basis="date", days=99, on=date(2020, 11, 30))
    assert (by_date.deadline_on, by_date.deadline_days) == (date(2020, 11, 30), None)
    by_workdays = notices.issue(served_on=date(2020, 9, 28), days=10)
    # 09-29, 09-30, 10-09, 10-10 (an adjusted Saturday), 10-12 … 10-16, 10-19: the 10th.
    assert by_workdays.deadline_on == date(2020, 10, 19)


def test_issuing_refusals(notices: Notices):
    world = notices.world
    case = notices.case()
    other = notices.case()
    foreign_finding = service.available_findings(other)[0].id
    refused(
        lambda: notices.issue(case, basis="date", on=date(2020, 9, 24)),
        "整改期限不能早于送达日期",
        "deadline_on",
    )
    refused(lambda: notices.issue(case, days=None), "请填写整改期限天数", "days")
    refused(lambda: notices.issue(case, basis="weeks"), "请选择整改期限方式", "basis")
    refused(lambda: notices.issue(case, served_on=None), "请填写送达日期", "served_on")
    refused(
        lambda: notices.issue(case, served_on=date(2020, 9, 9)),
        "送达日期不能早于监察日期",
        "served_on",
    )
    refused(lambda: notices.issue(case, finding_ids=[]), "请至少选择一个问题", "finding_ids")
    refused(
        lambda: notices.issue(case, finding_ids=[foreign_finding]),
        "所选问题不属于本案件",
        "finding_ids",
    )
    # Who may: officers of the province (or the agency's subtree) and the case's inspectors.
    for user in (world.b_officer, world.b_agency_officer, world.ministry_officer):
        refused(lambda u=user: notices.issue(case, actor=u), "可以办理限期整改")
    assert notices.issue(case, actor=world.a_inspector).sequence == 1
    # The case's findings are all on a notice now.
    refused(lambda: notices.issue(case), "均已列入整改通知书")


def test_an_inspector_not_on_the_case_may_not_issue(notices: Notices, make_user):
    stranger = make_user("a-inspector-3", Role.INSPECTOR, notices.world.a_agency)
    case = notices.case()
    refused(lambda: notices.issue(case, actor=stranger), "可以办理限期整改")
    assert permissions.may_issue(case, notices.partner)


def test_only_cases_with_recorded_findings_get_a_notice(notices: Notices):
    planned = notices.case(status=CaseStatus.IN_PROGRESS)
    refused(lambda: notices.issue(planned), "已记录问题")
    no_visit = notices.case(visit_on=None)
    refused(lambda: notices.issue(no_visit), "现场监察请先填写监察日期")


def test_a_second_notice_takes_the_findings_left(notices: Notices):
    case = notices.case(findings=3)
    ids = [f.id for f in service.available_findings(case)]
    first = notices.issue(case, finding_ids=ids[:1])
    assert [f.id for f in service.available_findings(case)] == ids[1:]
    second = notices.issue(case, finding_ids=ids[1:])
    assert [len(first.items), len(second.items)] == [1, 2]
    refused(lambda: notices.issue(case, finding_ids=ids[:1]), "均已列入")


def test_late_service_is_warned_not_refused(app, notices: Notices):
    assert current_app.config["NOTICE_SERVICE_DAYS"] == 20
    in_time = notices.issue(served_on=date(2020, 9, 30))  # 20 days after the 09-10 visit
    assert service.late_service(in_time) is None
    late = notices.issue(served_on=date(2020, 10, 9))
    warning = service.late_service(late)
    assert warning is not None and "已超过 20 日" in warning and str(VISIT) in warning


def test_twenty_notices_from_four_threads_get_numbers_one_to_twenty(app, notices: Notices):
    """Four sessions issuing at once: no duplicate, no gap (SQLite serialises the writers,
    PostgreSQL makes the second UPDATE wait for the first's row lock)."""
    world = notices.world
    cases = [notices.case(findings=5) for _ in range(4)]
    work = {c.id: [f.id for f in service.available_findings(c)] for c in cases}
    officer_id = world.a_officer.id
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def issue_five(case_id: int):
        try:
            with app.app_context():
                actor = db.session.get(User, officer_id)
                start.wait()
                for finding_id in work[case_id]:
                    case = db.session.get(InspectionCase, case_id)
                    service.issue_notice(
                        case,
                        actor=actor,
                        now=NOW,
                        finding_ids=[finding_id],
                        measures="更换淘汰电机",
                        basis="workdays",
                        days=15,
                        served_on=date(2020, 9, 25),
                    )
                    db.session.commit()
        except BaseException as error:  # noqa: BLE001 -- reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=issue_five, args=(c.id,)) for c in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    db.session.expire_all()
    sequences = sorted(
        db.session.scalars(
            select(RectificationNotice.sequence).where(
                RectificationNotice.agency_id == world.a_agency.id
            )
        )
    )
    assert sequences == list(range(1, 21))
    numbers = set(db.session.scalars(select(RectificationNotice.number)))
    assert len(numbers) == 20
    assert db.session.get(NoticeSequence, (world.a_agency.id, 2020)).last_value == 20


# -- the steps after service ---------------------------------------------------------------------


def _files_on_disk() -> set[str]:
    folder = Path(current_app.instance_path) / "evidence"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_report_with_evidence(notices: Notices):
    notice = notices.issue()
    world = notices.world
    before = _files_on_disk()
    refused(
        lambda: service.record_report(
            notice,
            received_on=date(2020, 9, 24),
            measures_taken="已更换",
            actor=world.a_officer,
            now=NOW,
        ),
        "日期不能早于2020年9月25日",
        "received_on",
    )
    refused(
        lambda: service.record_report(
            notice,
            received_on=date(2020, 10, 20),
            measures_taken="已更换",
            actor=world.a_officer,
            now=NOW,
            files=[Upload(io.BytesIO(PNG), "照片.png"), Upload(io.BytesIO(b"MZ\x90"), "a.exe")],
        ),
        "只接受",
        "files",
    )
    assert _files_on_disk() == before  # the accepted photo went with the refused file
    refused(
        lambda: service.record_report(
            notice,
            received_on=date(2020, 10, 20),
            measures_taken="已更换",
            actor=world.b_officer,
            now=NOW,
        ),
        "可以办理限期整改",
    )
    report = service.record_report(
        notice,
        received_on=date(2020, 10, 20),
        measures_taken="已更换 3 台电机",
        actor=world.a_inspector,
        now=NOW,
        files=[Upload(io.BytesIO(PNG), "C:\\现场\\照片.png")],
        version=notice.version,
    )
    db.session.commit()
    assert report.received_on == date(2020, 10, 20)
    assert notice.status == NoticeStatus.REPORTED
    [item] = notice.attachments
    assert (item.stage, item.filename, item.content_type, item.size) == (
        "report",
        "照片.png",
        "image/png",
        len(PNG),
    )
    assert (Path(current_app.instance_path) / "evidence" / item.stored_name).read_bytes() == PNG
    # A second report (a supplement) is fine; the status stays.
    service.record_report(
        notice,
        received_on=date(2020, 10, 21),
        measures_taken="补充报告",
        actor=world.a_officer,
        now=NOW,
    )
    db.session.commit()
    assert len(notice.reports) == 2


def test_a_stale_form_is_refused(notices: Notices):
    notice = notices.issue()
    refused(
        lambda: service.record_report(
            notice,
            received_on=date(2020, 10, 20),
            measures_taken="x",
            actor=notices.world.a_officer,
            now=NOW,
            version=notice.version + 1,
        ),
        "已被他人修改",
    )


def _extend(notice, notices: Notices, **changes):
    values = {
        "requested_on": date(2020, 10, 15),
        "reason": "电机供货周期延长",
        "granted_on": date(2020, 10, 16),
        "extended_deadline_on": date(2020, 11, 20),
        "actor": notices.world.a_officer,
        "now": NOW,
    }
    values.update(changes)
    result = service.grant_extension(notice, **values)
    db.session.commit()
    return result


def test_an_extension_is_granted_once_and_keeps_both_dates(notices: Notices):
    notice = notices.issue()
    refused(
        lambda: _extend(notice, notices, extended_deadline_on=date(2020, 10, 22)),
        "应晚于原整改期限",
        "extended_deadline_on",
    )
    refused(
        lambda: _extend(notice, notices, requested_on=date(2020, 10, 23), granted_on=None),
        "整改期限届满前",
        "requested_on",
    )
    _extend(notice, notices)
    assert notice.deadline_on == date(2020, 10, 22)  # the original, kept
    assert notice.extended_deadline_on == date(2020, 11, 20)
    assert notice.current_deadline_on == date(2020, 11, 20)
    assert notice.extension_granted_by_id == notices.world.a_officer.id
    assert notice.status == NoticeStatus.ISSUED
    refused(
        lambda: _extend(notice, notices, extended_deadline_on=date(2020, 12, 20)),
        "只能延期一次",
    )
    # Overdue is judged against the deadline in force.
    assert not queries.is_overdue(notice, date(2020, 11, 1))
    assert queries.is_overdue(notice, date(2020, 11, 21))


def _reinspect(notice, notices: Notices, result: str, **changes):
    values = {
        "inspected_on": date(2020, 11, 25),
        "result": result,
        "notes": "复查发现仍在使用淘汰电机 2 台" if result != "rectified" else "",
        "actor": notices.world.a_inspector,
        "now": NOW,
    }
    values.update(changes)
    result = service.record_reinspection(notice, **values)
    db.session.commit()
    return result


def _decide(notice, notices: Notices, **changes):
    values = {
        "decided_on": date(2020, 11, 30),
        "penalty_number": "宁工信罚〔2020〕7号",
        "penalty_amount": Decimal("50000"),
        "ladder_price_applied": True,
        "referral": "市发展改革委",
        "notes": "",
        "actor": notices.world.a_officer,
        "now": NOW,
    }
    values.update(changes)
    result = service.record_decision(notice, **values)
    db.session.commit()
    return result


@pytest.mark.parametrize(
    ("result", "status"),
    [
        ("rectified", NoticeStatus.RECTIFIED),
        ("partly", NoticeStatus.PARTLY_RECTIFIED),
        ("not_rectified", NoticeStatus.NOT_RECTIFIED),
    ],
)
def test_reinspection_results(notices: Notices, result, status):
    notice = notices.issue()
    reinspection = _reinspect(notice, notices, result)
    assert notice.status == status
    assert reinspection.result.value == result
    refused(lambda: _reinspect(notice, notices, result), "已登记复查结论")


def test_reinspection_refusals(notices: Notices):
    notice = notices.issue()
    refused(lambda: _reinspect(notice, notices, "partly", notes=""), "请写明复查情况", "notes")
    refused(lambda: _reinspect(notice, notices, "maybe"), "请选择复查结论", "result")
    refused(
        lambda: _reinspect(notice, notices, "rectified", inspected_on=date(2020, 12, 2)),
        "不能晚于今天",
        "inspected_on",
    )
    other = notices.case()
    refused(
        lambda: _reinspect(notice, notices, "rectified", case=other),
        "不是本企业的案件",
        "case_id",
    )


def test_a_category_five_inspector_does_the_reinspection(notices: Notices, make_user):
    world = notices.world
    notice = notices.issue()
    reviewer = make_user("a-reviewer", Role.INSPECTOR, world.a_agency)
    assert not permissions.may_manage(notice, reviewer)
    review = notices.case(
        category=5, enterprise=notice.enterprise, inspectors=[reviewer, notices.partner]
    )
    assert permissions.may_manage(notice, reviewer)
    done = _reinspect(notice, notices, "not_rectified", actor=reviewer, case=review)
    assert done.case_id == review.id


def test_decisions_only_for_notices_not_rectified(notices: Notices):
    notice = notices.issue()
    refused(lambda: _decide(notice, notices), "请先登记复查")
    rectified = notices.issue()
    _reinspect(rectified, notices, "rectified")
    refused(lambda: _decide(rectified, notices), "无需依法处理")

    _reinspect(notice, notices, "not_rectified")
    refused(
        lambda: _decide(notice, notices, penalty_amount=Decimal("-1")),
        "不能为负数",
        "penalty_amount",
    )
    refused(
        lambda: _decide(notice, notices, penalty_amount=Decimal("100.005")),
        "两位小数",
        "penalty_amount",
    )
    refused(lambda: _decide(notice, notices, penalty_number=""), "决定书文号", "penalty_number")
    refused(
        lambda: _decide(notice, notices, decided_on=date(2020, 11, 24)),
        "日期不能早于2020年11月25日",
        "decided_on",
    )
    decision = _decide(notice, notices, penalty_amount=Decimal("50000.5"))
    assert decision.penalty_amount == Decimal("50000.50")
    assert notice.status == NoticeStatus.HANDLED
    refused(lambda: _decide(notice, notices), "已依法处理完毕")


def test_the_list_filters(notices: Notices):
    world = notices.world
    overdue = notices.issue()
    reported = notices.issue()
    service.record_report(
        reported,
        received_on=date(2020, 10, 20),
        measures_taken="已整改",
        actor=world.a_officer,
        now=NOW,
    )
    db.session.commit()
    later = notices.issue(
        served_on=date(2021, 1, 4), basis="date", on=date(2021, 3, 1), now=NOW_2021
    )

    def ids(**filters):
        stmt = queries.notices_query(world.a_officer, **filters)
        return {n.id for n in db.session.scalars(stmt)}

    today = date(2020, 11, 1)
    assert ids() == {overdue.id, reported.id, later.id}
    assert ids(overdue=True, today=today) == {overdue.id}
    assert ids(overdue=True, today=date(2020, 10, 22)) == set()  # the last day is not late
    assert ids(status="reported") == {reported.id}
    assert ids(year=2021) == {later.id}
    assert ids(year=2020) == {overdue.id, reported.id}
    assert queries.notice_years(world.a_officer) == [2021, 2020]
    # Province B sees none of them.
    assert {n.id for n in db.session.scalars(queries.notices_query(world.b_officer))} == set()


def test_the_timeline_orders_what_happened(notices: Notices):
    notice = notices.issue()
    _extend(notice, notices)
    service.record_report(
        notice,
        received_on=date(2020, 11, 10),
        measures_taken="已更换",
        actor=notices.world.a_officer,
        now=NOW,
    )
    db.session.commit()
    _reinspect(notice, notices, "partly")
    events = queries.timeline(notice, date(2020, 12, 1))
    assert [(e.on, e.title) for e in events] == [
        (date(2020, 9, 25), "送达"),
        (date(2020, 10, 15), "企业申请延期"),
        (date(2020, 10, 16), "批准延期"),
        (date(2020, 10, 22), "原整改期限"),
        (date(2020, 11, 10), "收到整改报告"),
        (date(2020, 11, 20), "延期后整改期限"),
        (date(2020, 11, 25), "复查（回头看）：部分整改"),
    ]


def test_files_count_once_per_stage(notices: Notices):
    notice = notices.issue()
    world = notices.world
    refused(
        lambda: service.add_files(
            notice, [Upload(io.BytesIO(PNG), "a.png")], stage="report", actor=world.a_officer
        ),
        "尚未登记整改报告",
        "stage",
    )
    service.record_report(
        notice,
        received_on=date(2020, 10, 20),
        measures_taken="已更换",
        actor=world.a_officer,
        now=NOW,
    )
    service.add_files(
        notice, [Upload(io.BytesIO(PNG), "补充.png")], stage="report", actor=world.a_officer
    )
    db.session.commit()
    count = db.session.scalar(select(func.count(RectificationEvidence.id)))
    assert count == 1
