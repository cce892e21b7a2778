"""Shared by the scoring and report tests: logins for the four other members of the fixture
committee, a sheet's points for a wanted total, and the whole committee scoring the six
candidates with known totals (worked out below)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

from reviews_support import Reviewed

from supervision.core.models import Role, User
from supervision.extensions import db
from supervision.reviews import scoring

NOW = datetime(2014, 11, 20, 3, 0, tzinfo=UTC)
TODAY = date(2014, 11, 20)
#: Each member's total per candidate (fixture order: 复兴 FUXING, 南京 NJREMAN, 长丰 CHANGFENG,
#: 威达 WEIDA, 柏科 BAIKE, 顺驰 SHUNCHI). Means: 85.40, 88.00, 80.00, 85.30, 75.00, 70.18.
#: Requests 800, 600, 500, 700, 400, 650 万元 within 2000 万元 and 4 places: 南京 (600) and
#: 复兴 (1400) fit, 威达 (2100) does not, and nobody below is taken.
TOTALS = [
    ["85.3", "86.1", "84.7", "85.0", "85.9"],
    ["88.0", "87.5", "88.5", "89.0", "87.0"],
    ["80.0", "80.0", "80.0", "80.0", "80.0"],
    ["85.3", "85.3", "85.3", "85.3", "85.3"],
    ["75.0", "75.0", "75.0", "75.0", "75.0"],
    ["70.1", "70.2", "70.2", "70.2", "70.2"],
]
#: As TOTALS, but 威达 ties with 复兴 at 85.40: the two tie across the funds (800 + 700 > 1400).
TIED = [row if n != 3 else ["85.4"] * 5 for n, row in enumerate(TOTALS)]


def points_for(total: str) -> dict[str, str]:
    """Full marks on 概况 15, 规模 25, 风控 20; the rest on 方案 (of 30)."""
    plan = D(total) - D(60)
    assert D(0) <= plan <= D(30), total
    return {"overview": "15", "scale": "25", "risk": "20", "plan": str(plan)}


def member_logins(made: Reviewed, make_user) -> list[User]:
    """The login of every member in committee order (the first is ``world.expert``)."""
    users = [made.world.expert]
    for n, member in enumerate(made.members[1:], start=2):
        user = make_user(f"expert{n}", Role.EXPERT, "ministry", full_name=member.expert.name)
        member.expert.user_id = user.id
        users.append(user)
    db.session.commit()
    return users


def score(made: Reviewed, user: User, candidate_index: int, total: str, *, submit=True):
    return scoring.save_sheet(
        made.review,
        made.candidates[candidate_index],
        points=points_for(total),
        comment="",
        actor=user,
        now=NOW,
        today=TODAY,
        submit=submit,
    )


def score_everything(made: Reviewed, users: list[User], totals=TOTALS, *, skip=()) -> None:
    """Every member submits every sheet (but the (member, candidate) pairs in ``skip``)."""
    for c, row in enumerate(totals):
        if made.candidates[c].withdrew:
            continue
        for m, total in enumerate(row):
            if (m, c) not in skip:
                score(made, users[m], c, total)
    db.session.commit()
