"""The registration receipts of a campaign's training sessions as one workbook (for the
ministry and the organisers): one row per receipt in the order of 附表1, then the units that
sent none."""

from __future__ import annotations

from datetime import datetime
from typing import BinaryIO
from zoneinfo import ZoneInfo

from flask import current_app

from ..annexes.builder import workbook
from .models import VerificationCampaign
from .rules.training import ATTENDEE_ROWS, FULL_ROWS
from .training import registrations_of, training_table

SHEET = "报名回执"
MISSING_SHEET = "未报名单位"


def _headers() -> list[str]:
    headers = ["序号", "片区", "培训日期", "培训地点", "参加培训省市", "单位名称"]
    for n in range(1, ATTENDEE_ROWS + 1):
        if n <= FULL_ROWS:
            headers += [f"姓名{n}", f"职务/职称{n}", f"办公电话{n}", f"手机{n}"]
        else:
            headers += [f"姓名{n}", f"手机{n}"]
    return headers + ["传真", "电子邮件", "是否需要预定房间", "备注", "填报时间"]


def _people(attendees: list[dict]) -> list[str]:
    cells: list[str] = []
    for n in range(ATTENDEE_ROWS):
        person = attendees[n] if n < len(attendees) else {}
        keys = (
            ("name", "position", "office_phone", "mobile") if n < FULL_ROWS else ("name", "mobile")
        )
        cells += [person.get(k, "") for k in keys]
    return cells


def _local(at: datetime | None) -> str:
    if at is None:
        return ""
    return at.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).strftime("%Y-%m-%d %H:%M")


def write_registrations(campaign: VerificationCampaign, out: BinaryIO, *, user=None) -> int:
    """Write the workbook to ``out``; returns how many receipts it lists."""
    blocks = training_table(campaign, user)
    registered = registrations_of(campaign, user)
    written = 0
    with workbook(out, title=f"{campaign.name} 培训报名回执") as book:
        head = book.add_format({"bold": True, "align": "center", "border": 1, "text_wrap": True})
        cell = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
        sheet = book.add_worksheet(SHEET)
        headers = _headers()
        sheet.write_row(0, 0, headers, head)
        sheet.set_column(0, len(headers) - 1, 14)
        sheet.freeze_panes(1, 0)
        missing = []
        row = 1
        for block in blocks:
            session = block.session
            for unit in block.units:
                found = registered.get((session.id, unit.id))
                if found is None:
                    missing.append((session, unit))
                    continue
                submitted = _local(found.submitted_at)
                values = [
                    str(written + 1),
                    session.region,
                    session.held_on.isoformat(),
                    session.venue,
                    unit.name,
                    found.unit_name,
                    *_people(found.attendees or []),
                    found.fax,
                    found.email,
                    "是" if found.room_needed else "否",
                    found.remarks,
                    submitted,
                ]
                sheet.write_row(row, 0, values, cell)
                row += 1
                written += 1
        other = book.add_worksheet(MISSING_SHEET)
        other.write_row(0, 0, ["片区", "培训日期", "单位", "报名截止日期"], head)
        other.set_column(0, 3, 16)
        for n, (session, unit) in enumerate(missing, start=1):
            due = session.register_by.isoformat() if session.register_by else ""
            other.write_row(
                n, 0, [session.region, session.held_on.isoformat(), unit.name, due], cell
            )
    return written
