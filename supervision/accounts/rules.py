"""Pure rules for accounts: usernames, the password policy, certificate expiry."""

import re
from datetime import date

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def is_valid_username(username: str) -> bool:
    """3–64 characters: lower-case letters, digits, dot, underscore, hyphen."""
    return bool(_USERNAME.fullmatch(username))  # fullmatch: "$" would allow a final newline


def password_problems(password: str, *, min_length: int, username: str = "") -> list[str]:
    """Reasons ``password`` breaks the policy (empty list: acceptable).

    Codes: ``too_short`` (fewer than ``min_length`` characters), ``too_simple`` (fewer than
    two of: letters, digits, other characters), ``contains_username``.
    """
    problems = []
    if len(password) < min_length:
        problems.append("too_short")
    classes = sum(
        [
            any(c.isalpha() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
    )
    if classes < 2:
        problems.append("too_simple")
    if username and len(username) >= 3 and username.lower() in password.lower():
        problems.append("contains_username")
    return problems


def certificate_status(expires_on: date | None, today: date, warn_days: int = 60) -> str:
    """``missing``, ``expired``, ``expiring`` (within ``warn_days``) or ``valid``."""
    if expires_on is None:
        return "missing"
    if expires_on < today:
        return "expired"
    if (expires_on - today).days <= warn_days:
        return "expiring"
    return "valid"
