"""Notice numbers: each agency counts 1, 2, 3 … per year, with no gaps and no duplicates."""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from .models import NoticeSequence


def next_notice_sequence(agency_id: int, year: int) -> int:
    """The agency's next number in ``year``: 1, 2, 3 … with no gaps and no duplicates.

    One atomic ``UPDATE … RETURNING``: a second transaction issuing at the same moment waits
    for the first to end, then counts on from its number (and a rolled-back issue gives its
    number back). The year's row is created on first use; two creating it at once are
    resolved by the primary key, the loser counting on the winner's row.
    """
    table = NoticeSequence.__table__
    bump = (
        update(table)
        .where(table.c.agency_id == agency_id, table.c.year == year)
        .values(last_value=table.c.last_value + 1)
        .returning(table.c.last_value)
    )
    value = db.session.execute(bump).scalar()
    if value is None:
        try:
            with db.session.begin_nested():
                db.session.execute(
                    insert(table).values(agency_id=agency_id, year=year, last_value=0)
                )
        except IntegrityError:
            pass  # created by another transaction a moment ago
        value = db.session.execute(bump).scalar_one()
    return value
