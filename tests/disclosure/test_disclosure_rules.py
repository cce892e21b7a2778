"""The pure rules of the public list: steps, what is public, feed cells, filters."""

from __future__ import annotations

from datetime import date

import pytest

from supervision.disclosure import rules
from supervision.disclosure.models import OPTIONAL_FIELDS, PublicationStatus

ENTRY = {
    "province": "江苏省",
    "province_code": "320000",
    "enterprise_name": "南京示例钢铁有限公司",
    "credit_code": "91320100MA1XXXXX0X",
    "violation": "电炉工序能耗超过限定值",
    "decision": "罚款50000元",
    "published_on": date(2020, 7, 1),
    "rectified_on": None,
    "approver_name": "王批准",
    "prepared_by": "李拟稿",
    "withdrawal_reason": "内部理由",
}


def test_the_optional_fields_are_the_models():
    assert rules.OPTIONAL_FIELDS == OPTIONAL_FIELDS
    assert {s.value for s in PublicationStatus} == {rules.DRAFT, rules.PUBLISHED, rules.WITHDRAWN}


def test_chosen_fields_keeps_known_ones_in_canonical_order_once():
    assert rules.chosen_fields(["decision", "credit_code", "decision"]) == [
        "credit_code",
        "decision",
    ]
    assert rules.chosen_fields(["approver_name", "violation", "phone"]) == ["violation"]
    assert rules.chosen_fields([]) == []
    assert rules.chosen_fields(None) == []


def test_public_record_shows_only_chosen_fields_and_never_a_person():
    record = rules.public_record(ENTRY, ["violation"])
    assert list(record) == list(rules.FEED_FIELDS)
    assert record["violation"] == "电炉工序能耗超过限定值"
    assert record["credit_code"] is None and record["decision"] is None
    # Always public: province, name, date, 已整改 annotation.
    assert record["province"] == "江苏省" and record["province_code"] == "320000"
    assert record["enterprise_name"] == "南京示例钢铁有限公司"
    assert record["published_on"] == date(2020, 7, 1)
    assert "王批准" not in repr(record) and "李拟稿" not in repr(record)
    assert "内部理由" not in repr(record)


def test_public_record_with_every_field_and_none():
    full = rules.public_record(ENTRY, list(OPTIONAL_FIELDS))
    assert full["credit_code"] == "91320100MA1XXXXX0X" and full["decision"] == "罚款50000元"
    bare = rules.public_record(ENTRY, [])
    assert [bare[f] for f in OPTIONAL_FIELDS] == [None, None, None]
    # A name smuggled into the chosen list is still not published.
    assert "approver_name" not in rules.public_record(ENTRY, ["approver_name"])


@pytest.mark.parametrize(
    ("status", "violation", "problem"),
    [
        ("draft", "超限额用能", None),
        ("draft", "", "no_violation"),
        ("draft", "   \n", "no_violation"),
        ("published", "超限额用能", "not_draft"),
        ("withdrawn", "超限额用能", "not_draft"),
    ],
)
def test_publish_problem(status, violation, problem):
    assert rules.publish_problem(status, violation) == problem


def test_only_drafts_are_editable_and_only_published_are_public():
    assert [rules.is_editable(s) for s in ("draft", "published", "withdrawn")] == [
        True,
        False,
        False,
    ]
    assert [rules.is_public(s) for s in ("draft", "published", "withdrawn")] == [False, True, False]


@pytest.mark.parametrize(
    ("status", "rectified_on", "problem"),
    [
        ("published", date(2020, 7, 1), None),  # the publication day itself
        ("published", date(2020, 8, 10), None),  # today
        ("published", date(2020, 7, 15), None),
        ("published", date(2020, 6, 30), "before_publication"),
        ("published", date(2020, 8, 11), "future"),
        ("published", None, "missing"),
        ("draft", date(2020, 7, 15), "not_published"),
        ("withdrawn", date(2020, 7, 15), "not_published"),
    ],
)
def test_rectified_problem_boundaries(status, rectified_on, problem):
    published_on = date(2020, 7, 1) if status != "draft" else None
    today = date(2020, 8, 10)
    assert rules.rectified_problem(status, published_on, rectified_on, today) == problem


@pytest.mark.parametrize(
    ("status", "reason", "problem"),
    [
        ("published", "企业提出异议，经复核不属实", None),
        ("draft", "误录", None),
        ("published", "  ", "no_reason"),
        ("withdrawn", "再次撤回", "already_withdrawn"),
    ],
)
def test_withdraw_problem(status, reason, problem):
    assert rules.withdraw_problem(status, reason) == problem


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+86", "'+86"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("超限额 = 违规", "超限额 = 违规"),
        ("", ""),
    ],
)
def test_csv_safe_defuses_formulas(text, cell):
    assert rules.csv_safe(text) == cell


def test_csv_row_and_json_item_write_dates_iso_and_nulls():
    record = rules.public_record({**ENTRY, "rectified_on": date(2020, 9, 1)}, ["decision"])
    assert rules.csv_row(record) == [
        "江苏省", "320000", "南京示例钢铁有限公司", "", "", "罚款50000元", "2020-07-01", "2020-09-01",
    ]  # fmt: skip
    item = rules.json_item(record)
    assert item["published_on"] == "2020-07-01" and item["rectified_on"] == "2020-09-01"
    assert item["credit_code"] is None and item["violation"] is None


def test_personal_data_in_finds_names_phones_and_id_numbers():
    names = ["张三", "", "李"]
    assert rules.personal_data_in("法定代表人张三拒绝整改", names) == ["张三"]
    assert rules.personal_data_in("联系13812345678", names) == ["13812345678"]
    assert rules.personal_data_in("身份证110105199001011234", names) == ["110105199001011234"]
    # One-character names would match everywhere; credit codes and ordinary numbers are fine.
    assert rules.personal_data_in("李家庄电炉超限额，罚款50000元", names) == []
    assert rules.personal_data_in("91320100MA1XXXXX0X 超限额 138123456789", names) == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, rules.Filters()),
        ({"q": "  南京  钢铁 ", "province": "320000", "year": "2020", "since": "2020-07-01"},
         rules.Filters("南京 钢铁", "320000", 2020, date(2020, 7, 1))),
        ({"province": "32", "year": "twenty", "since": "2020-13-01"}, rules.Filters()),
        ({"year": "1999"}, rules.Filters()),
    ],
)  # fmt: skip
def test_parse_filters_ignores_malformed_values(args, expected):
    assert rules.parse_filters(args) == expected
