"""The pure account rules: usernames, the password policy, certificate expiry."""

from datetime import date, timedelta

import pytest

from supervision.accounts import rules

TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Zhang.Wei", "zhang.wei"),
        ("  js-Admin \t", "js-admin"),
        ("already-lower", "already-lower"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_username(raw, expected):
    assert rules.normalise_username(raw) == expected


@pytest.mark.parametrize(
    ("username", "valid"),
    [
        ("abc", True),  # shortest allowed
        ("ab", False),  # too short
        ("a" * 64, True),  # longest allowed
        ("a" * 65, False),
        ("zhang.wei_01-x", True),
        ("0admin", True),  # may start with a digit
        (".admin", False),  # must start with a letter or digit
        ("-admin", False),
        ("_admin", False),
        ("Admin", False),  # upper case: normalise first
        ("zhang wei", False),
        ("张伟abc", False),
        ("admin@example", False),
        ("admin\n", False),  # no trailing newline
        ("admin\nroot", False),
        ("", False),
    ],
)
def test_is_valid_username(username, valid):
    assert rules.is_valid_username(username) is valid


@pytest.mark.parametrize(
    ("password", "username", "problems"),
    [
        ("abcdefgh1", "", ["too_short"]),  # 9 characters, two classes
        ("abcdefgh12", "", []),  # 10 characters, two classes
        ("abcdefghij", "", ["too_simple"]),  # letters only
        ("1234567890", "", ["too_simple"]),  # digits only
        ("!@#$%^&*()", "", ["too_simple"]),  # symbols only
        ("abcdefghi!", "", []),  # letters and a symbol
        ("123456789!", "", []),  # digits and a symbol
        ("abc", "", ["too_short", "too_simple"]),
        ("", "", ["too_short", "too_simple"]),
        ("xx-zhangwei-42", "zhangwei", ["contains_username"]),
        ("xx-ZHANGWEI-42", "zhangwei", ["contains_username"]),  # case-insensitive
        ("xx-zhangwei-42", "ZhangWei", ["contains_username"]),
        ("zw12345678", "zw", []),  # usernames shorter than 3 are not checked
        ("abc1", "abc", ["too_short", "contains_username"]),
        ("Correct-horse-42", "wang", []),
    ],
)
def test_password_problems(password, username, problems):
    assert rules.password_problems(password, min_length=10, username=username) == problems


@pytest.mark.parametrize(("length", "ok"), [(11, False), (12, True)])
def test_password_min_length_is_a_parameter(length, ok):
    password = "a1" * (length // 2) + "a" * (length % 2)
    assert len(password) == length
    assert ("too_short" not in rules.password_problems(password, min_length=12)) is ok


@pytest.mark.parametrize(
    ("expires_on", "status"),
    [
        (None, "missing"),
        (TODAY - timedelta(days=365), "expired"),
        (TODAY - timedelta(days=1), "expired"),  # expired yesterday
        (TODAY, "expiring"),  # still valid today
        (TODAY + timedelta(days=1), "expiring"),
        (TODAY + timedelta(days=60), "expiring"),  # exactly 60 days: warn
        (TODAY + timedelta(days=61), "valid"),
        (TODAY + timedelta(days=800), "valid"),
    ],
)
def test_certificate_status(expires_on, status):
    assert rules.certificate_status(expires_on, TODAY) == status


@pytest.mark.parametrize(("warn_days", "status"), [(29, "valid"), (30, "expiring")])
def test_certificate_status_warning_window(warn_days, status):
    assert rules.certificate_status(TODAY + timedelta(days=30), TODAY, warn_days) == status
