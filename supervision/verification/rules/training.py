"""Regional training sessions of a campaign (seed 000 附件): when a registration receipt
(报名回执单, 附表2) may still be changed, what it must contain, and the sessions of the 2013
notice (附表1) as data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

#: 附表2 has three rows of 姓名 / 职务职称 / 办公电话 / 手机, then one of 姓名 / 手机.
FULL_ROWS = 3
ATTENDEE_ROWS = 4
ATTENDEE_FIELDS = ("name", "position", "office_phone", "mobile")
#: The fourth row has a name and a mobile number only.
LAST_ROW_FIELDS = ("name", "mobile")


def registration_open(today: date, held_on: date) -> bool:
    """A receipt may be sent or changed until the session is held: on the day it is closed."""
    return today < held_on


def registration_late(on: date, register_by: date | None) -> bool:
    """Sent after the date the notice asks receipts by (accepted, but shown as late)."""
    return register_by is not None and on > register_by


def attendees_problem(rows: Sequence[Mapping[str, str]]) -> str | None:
    """Why the receipt's people cannot be kept: "none" (nobody named) or "unnamed" (a row
    with a position or phone but no name); None if fine."""
    named = 0
    for row in rows:
        name = (row.get("name") or "").strip()
        rest = any((row.get(f) or "").strip() for f in ATTENDEE_FIELDS if f != "name")
        if name:
            named += 1
        elif rest:
            return "unnamed"
    return None if named else "none"


def kept_attendees(rows: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    """The named rows, trimmed, in the form's order, with every field present."""
    kept = []
    for row in rows[:ATTENDEE_ROWS]:
        entry = {f: (row.get(f) or "").strip() for f in ATTENDEE_FIELDS}
        if entry["name"]:
            kept.append(entry)
    return kept


#: Seed 000 附表1 (2013): 片区, month and day, hours, venue, address, contacts, phones, fax,
#: and the units as the table prints them. Receipts were due on 3 月 7 日 (中午 12:00).
SEED_REGISTER_BY = (3, 7)
SEED_SESSIONS: tuple[dict, ...] = (
    {
        "region": "北京",
        "held_on": (3, 8),
        "hours": "13:30—17:30",
        "venue": "中国科技会堂 B105",
        "address": "北京市海淀区复兴路 3 号",
        "contacts": "帅星如",
        "phones": "010-68553404",
        "fax": "010-68553773",
        "units": (
            "北京市",
            "天津市",
            "河北省",
            "山西省",
            "内蒙古",
            "辽宁省",
            "大连市",
            "吉林省",
            "黑龙江省",
            "山东省",
            "河南省",
        ),
    },
    {
        "region": "成都",
        "held_on": (3, 8),
        "hours": "13:30—17:30",
        "venue": "绿洲大酒店",
        "address": "成都市青羊区忠烈祠西街 99 号",
        "contacts": "李北元 彭文胜",
        "phones": "028-86268630, 86265767, 18081903190, 13880222216",
        "fax": "028-86264871",
        "units": (
            "重庆市",
            "四川省",
            "贵州省",
            "云南省",
            "西藏自治区",
            "陕西省",
            "甘肃省",
            "青海省",
            "宁夏",
            "新疆",
            "湖南省",
        ),
    },
    {
        "region": "广东",
        "held_on": (3, 9),
        "hours": "13:30—17:30",
        "venue": "广东大厦 3 楼国际会议厅",
        "address": "广州市越秀区东风中路 309 号",
        "contacts": "张磊",
        "phones": "020-83133387, 15820281948",
        "fax": "020-38847360",
        "units": (
            "福建省",
            "厦门市",
            "江西省",
            "广东省",
            "深圳市",
            "广西",
            "海南省",
            "湖北省",
        ),
    },
    {
        "region": "南京",
        "held_on": (3, 11),
        "hours": "13:30—17:30",
        "venue": "江苏会议中心 3 楼金陵厅",
        "address": "南京市中山东路 307 号",
        "contacts": "沈娟 王印",
        "phones": "025-84818888, 18951717568, 13851786363",
        "fax": "025-83392836",
        "units": ("上海市", "江苏省", "浙江省", "宁波市", "安徽省"),
    },
)
