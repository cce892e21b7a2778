"""The national data set's rectification work: a 限期整改通知书 for each case in rectification
(numbered per agency and year as ``rectification.numbering`` counts), in every state from
issued (many now overdue) to re-inspected and handled; the 2019 notices of the category-五
enterprises (as the violators import loads them); and the public violator list.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import func, select, update

from ...calendar.service import current_calendar
from ...core.models import Organisation
from ...core.workdays import CalendarNotAvailable
from ...disclosure.models import OPTIONAL_FIELDS, Publication, PublicationStatus
from ...disclosure.service import decision_text, violation_text
from ...extensions import db
from ...inspections.models import CaseStatus
from ...rectification import rules
from ...rectification.models import (
    DeadlineBasis,
    HandlingDecision,
    NoticeItem,
    NoticeSequence,
    NoticeStatus,
    RectificationNotice,
    RectificationReport,
    Reinspection,
    ReinspectionResult,
)
from . import Build, utc
from . import violators as violators_2019
from .violators import MEASURES, NOT_DONE

NOTICES = 5_000
#: How the 2020 notices stand: share of each status.
STATUS_MIX = (
    (NoticeStatus.ISSUED, 0.28),
    (NoticeStatus.REPORTED, 0.17),
    (NoticeStatus.RECTIFIED, 0.33),
    (NoticeStatus.PARTLY_RECTIFIED, 0.06),
    (NoticeStatus.NOT_RECTIFIED, 0.06),
    (NoticeStatus.HANDLED, 0.10),
)
EXTENSION_SHARE = 0.08
#: (basis, days): how deadlines are stated.
DEADLINES = (
    (DeadlineBasis.DATE, None),
    (DeadlineBasis.WORKDAYS, 15),
    (DeadlineBasis.WORKDAYS, 30),
    (DeadlineBasis.DAYS, 60),
    (DeadlineBasis.DAYS, 90),
)


def count_2020(build: Build, violators: int) -> int:
    """How many notices the 2020 cases issue: the total less the violators' 2019 notices."""
    have = db.session.scalar(select(func.count()).select_from(RectificationNotice))
    return max(1, build.scaled(NOTICES, have) - violators)


def load(build: Build, rng, cases, violators) -> None:
    names = dict(db.session.execute(select(Organisation.id, Organisation.name)).all())
    taken = set(db.session.scalars(select(RectificationNotice.number)))
    sequences = {
        (s.agency_id, s.year): s.last_value for s in db.session.scalars(select(NoticeSequence))
    }
    rows = _Rows(build)
    in_rectification = [c for c in cases if c.status == CaseStatus.RECTIFICATION]
    _notices_2020(rng, rows, in_rectification, names, sequences)
    by_task = {c.task.id: c for c in cases}
    violators_2019.add(rng, rows, violators, by_task, names, taken)
    rows.write(build, sequences)


class _Rows:
    """The rows of every table this part writes, with their ids."""

    def __init__(self, build: Build):
        self.build = build
        self.enterprises = {e.id: e for e in build.facts["enterprises"]}
        self.officers = build.facts["officers"]
        self.calendar = _calendar()
        self.notices, self.items, self.reports = [], [], []
        self.reinspections, self.decisions, self.publications = [], [], []
        self.penalties: dict[int, int] = {}
        self.deadlines: dict[tuple, date] = {}

    def write(self, build: Build, sequences) -> None:
        writer = build.writer
        first = writer.next_id(RectificationNotice.__table__, len(self.notices))
        for n, notice in enumerate(self.notices):
            notice["id"] = first + n
        for table, rows, label in (
            (RectificationNotice.__table__, self.notices, "notices"),
            (NoticeItem.__table__, self.items, "notice items"),
            (RectificationReport.__table__, self.reports, "rectification reports"),
            (Reinspection.__table__, self.reinspections, "re-inspections"),
            (HandlingDecision.__table__, self.decisions, "handling decisions"),
            (Publication.__table__, self.publications, "published violators"),
        ):
            if table is not RectificationNotice.__table__:
                start = writer.next_id(table, len(rows))
                for n, row in enumerate(rows):
                    row["id"] = start + n
                    row["notice_id"] = row["_notice"]["id"]
            plain = ({k: v for k, v in row.items() if not k.startswith("_")} for row in rows)
            writer.insert(table, plain, label=label, total=len(rows))
        _sequences(self.notices, sequences)

    def notice(self, **values) -> dict:
        row = {
            "violation": "",
            "deadline_days": None,
            "extended_deadline_on": None,
            "extension_requested_on": None,
            "extension_reason": "",
            "extension_granted_on": None,
            "extension_granted_by_id": None,
            "imported": False,
            "issued_by_id": None,
            "version": 1,
            **values,
        }
        self.notices.append(row)
        return row

    def publish(self, rng, notice: dict, published_on: date, *, decision: str, violation: str):
        entry = self.enterprises[notice["enterprise_id"]]
        officer = self.officers[notice["province_id"]][0]
        self.publications.append(
            {
                "_notice": notice,
                "province_id": notice["province_id"],
                "enterprise_id": entry.id,
                "enterprise_name": entry.name,
                "credit_code": entry.credit_code,
                "violation": violation,
                "decision": decision,
                "published_fields": list(OPTIONAL_FIELDS),
                "status": PublicationStatus.PUBLISHED,
                "prepared_by_id": officer.id,
                "prepared_at": utc(published_on - timedelta(days=rng.randint(1, 5))),
                "published_on": published_on,
                "approved_by_id": officer.id,
                "approver_name": officer.name,
                "rectified_on": None,
                "withdrawn_at": None,
                "withdrawn_by_id": None,
                "withdrawal_reason": "",
            }
        )
        return self.publications[-1]


def _calendar():
    try:
        return current_calendar()
    except CalendarNotAvailable:  # pragma: no cover -- the calendar ships with the app
        return None


def _pick(rng, mix):
    draw, total = rng.random(), 0.0
    for value, share in mix:
        total += share
        if draw < total:
            return value
    return mix[0][0]


# -- 2020 -------------------------------------------------------------------------------------


def _notices_2020(rng, rows: _Rows, cases, names, sequences) -> None:
    for case in cases:
        task = case.task
        served = case.served_on
        basis, days, deadline = _deadline(rng, rows, served)
        status = _pick(rng, STATUS_MIX)
        issuer = task.inspectors[0]
        notice = rows.notice(
            case_id=case.id,
            province_id=task.province_id,
            agency_id=task.agency_id,
            enterprise_id=task.enterprise_id,
            year=served.year,
            sequence=None,  # numbered per agency below, in order of service
            number="",
            _agency_name=names[task.agency_id],
            measures="；".join(dict.fromkeys(MEASURES[f["kind"]] for f in case.findings)),
            served_on=served,
            deadline_basis=basis,
            deadline_days=days,
            deadline_on=deadline,
            status=status,
            issued_by_id=issuer.id,
            created_at=utc(served),
        )
        for position, finding in enumerate(case.findings, 1):
            rows.items.append(
                {
                    "_notice": notice,
                    "position": position,
                    "finding_id": finding["id"],
                    "kind": finding["kind"],
                    "description": finding["description"],
                    "basis_text": finding["basis_text"],
                }
            )
        _life(rng, rows, notice, case, issuer)
    _number(rows.notices, sequences)
    for entry in rows.publications:  # nothing decided beyond the notice itself
        entry["decision"] = entry["decision"] or f"责令限期整改（{entry['_notice']['number']}）"


def _deadline(rng, rows: _Rows, served: date):
    basis, days = rng.choice(DEADLINES)
    if basis == DeadlineBasis.DATE or rows.calendar is None:
        on = served + timedelta(days=rng.choice((45, 60, 90, 120)))
        return DeadlineBasis.DATE, None, on
    key = (served, basis, days)
    try:
        if key not in rows.deadlines:  # thousands of notices share a few hundred dates
            rows.deadlines[key] = rules.notice_deadline(
                served, basis.value, rows.calendar, days=days
            )
        return basis, days, rows.deadlines[key]
    except CalendarNotAvailable:
        return DeadlineBasis.DAYS, days, served + timedelta(days=days)


def _life(rng, rows: _Rows, notice: dict, case, issuer) -> None:
    """What happened after service: an extension, the report, the 回头看, the handling."""
    status = notice["status"]
    served, deadline = notice["served_on"], notice["deadline_on"]
    if rng.random() < EXTENSION_SHARE and (deadline - served).days > 6:
        requested = served + timedelta(days=rng.randint(5, (deadline - served).days - 1))
        notice.update(
            extension_requested_on=requested,
            extension_reason="设备采购及安装周期较长，申请延长整改期限",
            extension_granted_on=requested + timedelta(days=rng.randint(1, 5)),
            extension_granted_by_id=issuer.id,
            extended_deadline_on=deadline + timedelta(days=rng.randint(30, 60)),
        )
    in_force = notice["extended_deadline_on"] or deadline
    reported = status in (
        NoticeStatus.REPORTED,
        NoticeStatus.RECTIFIED,
        NoticeStatus.PARTLY_RECTIFIED,
    ) or (status in (NoticeStatus.HANDLED, NoticeStatus.NOT_RECTIFIED) and rng.random() < 0.5)
    received = None
    if reported:
        received = served + timedelta(days=rng.randint(10, max(10, (in_force - served).days + 7)))
        rows.reports.append(
            {
                "_notice": notice,
                "received_on": received,
                "measures_taken": "已按通知书要求制定并实施整改方案，相关材料附后",
                "recorded_by_id": issuer.id,
                "created_at": utc(received, 6),
            }
        )
    if status in (NoticeStatus.ISSUED, NoticeStatus.REPORTED):
        return
    inspected = in_force + timedelta(days=rng.randint(3, 45))
    if received is not None and inspected <= received:
        inspected = received + timedelta(days=rng.randint(3, 20))
    result = {
        NoticeStatus.RECTIFIED: ReinspectionResult.RECTIFIED,
        NoticeStatus.PARTLY_RECTIFIED: ReinspectionResult.PARTLY,
        NoticeStatus.NOT_RECTIFIED: ReinspectionResult.NOT_RECTIFIED,
    }.get(status) or rng.choice((ReinspectionResult.PARTLY, ReinspectionResult.NOT_RECTIFIED))
    rows.reinspections.append(
        {
            "_notice": notice,
            "case_id": None,
            "inspected_on": inspected,
            "result": result,
            "notes": "" if result == ReinspectionResult.RECTIFIED else rng.choice(NOT_DONE),
            "recorded_by_id": issuer.id,
            "created_at": utc(inspected, 8),
        }
    )
    if status == NoticeStatus.HANDLED:
        decided = inspected + timedelta(days=rng.randint(10, 40))
        _decide(rng, rows, notice, case, issuer, decided)
        published_on = decided + timedelta(days=rng.randint(5, 30))
    elif status == NoticeStatus.NOT_RECTIFIED:
        published_on = inspected + timedelta(days=rng.randint(5, 30))
    else:
        return
    items = [SimpleNamespace(description=f["description"]) for f in case.findings]
    decision = rows.decisions[-1] if status == NoticeStatus.HANDLED else None
    rows.publish(
        rng,
        notice,
        published_on,
        decision=decision_text(SimpleNamespace(**decision)) if decision else "",
        violation=violation_text(SimpleNamespace(violation="", items=items)),
    )


def _decide(rng, rows: _Rows, notice: dict, case, issuer, decided: date) -> None:
    ladder = any(f["kind"] == "ladder_mismatch" for f in case.findings)
    penalty = rng.random() < 0.7
    number, amount = "", None
    if penalty:
        count = rows.penalties[notice["agency_id"]] = rows.penalties.get(notice["agency_id"], 0) + 1
        short = rules.agency_short_name(notice["_agency_name"])
        number = f"{short}节监罚〔{decided.year}〕{count}号"
        amount = Decimal(rng.randint(2, 20) * 10_000).quantize(Decimal("0.01"))
    rows.decisions.append(
        {
            "_notice": notice,
            "decided_on": decided,
            "penalty_number": number,
            "penalty_amount": amount,
            "ladder_price_applied": ladder,
            "referral": "价格主管部门" if ladder else "",
            "notes": "依据《中华人民共和国节约能源法》有关规定依法处理",
            "recorded_by_id": issuer.id,
            "created_at": utc(decided, 7),
        }
    )


def _number(notices: list[dict], sequences) -> None:
    """Each agency's notices of a year numbered 1, 2, 3 … in order of service, after the
    numbers it has used already."""
    ordered = sorted(
        (n for n in notices if not n["imported"]),
        key=lambda n: (n["agency_id"], n["year"], n["served_on"], n["case_id"]),
    )
    for notice in ordered:
        key = (notice["agency_id"], notice["year"])
        sequences[key] = sequences.get(key, 0) + 1
        notice["sequence"] = sequences[key]
        notice["number"] = rules.notice_number(
            notice["_agency_name"], notice["year"], notice["sequence"]
        )


def _sequences(notices: list[dict], sequences) -> None:
    """``notice_sequences`` counting on from the numbers given, so the next issue follows."""
    existing = {(s.agency_id, s.year) for s in db.session.scalars(select(NoticeSequence))}
    used = {(n["agency_id"], n["year"]) for n in notices if not n["imported"]}
    table = NoticeSequence.__table__
    new = [
        {"agency_id": a, "year": y, "last_value": sequences[(a, y)]}
        for a, y in sorted(used - existing)
    ]
    for agency_id, year in sorted(used & existing):
        db.session.execute(
            update(table)
            .where(table.c.agency_id == agency_id, table.c.year == year)
            .values(last_value=sequences[(agency_id, year)])
        )
    db.session.expire_all()
    if new:
        db.session.execute(table.insert(), new)
