"""Pure rules of the training sessions: when a receipt may change, what it must hold, and the
2013 notice's sessions (seed 000 附表1)."""

from datetime import date

import pytest

from supervision.verification.rules import training as rules

HELD = date(2013, 3, 11)


@pytest.mark.parametrize(
    ("today", "open_"),
    [
        (date(2013, 3, 6), True),
        (date(2013, 3, 10), True),
        (HELD, False),
        (date(2013, 3, 12), False),
    ],
)
def test_a_receipt_may_change_until_the_session_is_held(today, open_):
    assert rules.registration_open(today, HELD) is open_


@pytest.mark.parametrize(
    ("on", "by", "late"),
    [
        (date(2013, 3, 7), date(2013, 3, 7), False),
        (date(2013, 3, 8), date(2013, 3, 7), True),
        (date(2013, 3, 8), None, False),
    ],
)
def test_a_receipt_after_the_registration_date_is_late(on, by, late):
    assert rules.registration_late(on, by) is late


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ([{"name": "张三"}], None),
        ([{}, {}, {}, {"name": "李四", "mobile": "139"}], None),
        ([{}, {}, {}, {}], "none"),
        ([{"name": " "}], "none"),
        ([{"name": "张三"}, {"position": "科长", "mobile": "139"}], "unnamed"),
    ],
)
def test_a_receipt_names_its_people(rows, problem):
    assert rules.attendees_problem(rows) == problem


def test_only_named_rows_are_kept_trimmed():
    rows = [
        {"name": " 张三 ", "position": "处长", "office_phone": "025-1", "mobile": "138"},
        {"name": ""},
        {},
        {"name": "李四", "mobile": "139"},
    ]
    assert rules.kept_attendees(rows) == [
        {"name": "张三", "position": "处长", "office_phone": "025-1", "mobile": "138"},
        {"name": "李四", "position": "", "office_phone": "", "mobile": "139"},
    ]


def test_the_2013_sessions_as_the_notice_prints_them():
    sessions = rules.SEED_SESSIONS
    assert [s["region"] for s in sessions] == ["北京", "成都", "广东", "南京"]
    assert [len(s["units"]) for s in sessions] == [11, 11, 8, 5]  # 序号 1 … 35
    assert [s["held_on"] for s in sessions] == [(3, 8), (3, 8), (3, 9), (3, 11)]
    assert rules.SEED_REGISTER_BY == (3, 7)
    every = [u for s in sessions for u in s["units"]]
    assert len(set(every)) == 35
    assert "青岛市" not in every and "新疆生产建设兵团" not in every  # not in 附表1
