"""Shared by the third-party check tests: 41 November trade-ins of pilot 01 (the fixture's
October draw stays apart), a few in early December outside the period."""

from __future__ import annotations

from datetime import date

import pytest
from pilots.pilots_support import Piloted, make_pilots, trade_in_row
from sqlalchemy import insert

from supervision.extensions import db
from supervision.pilots.daily_models import TradeIn

NOVEMBER = (date(2014, 11, 1), date(2014, 11, 30))


def add_trade_ins(made: Piloted, count: int, start: int = 100, day=None) -> list[int]:
    """``count`` trade-ins of pilot 01 dated in November (``day(n)`` overrides), their ids."""
    rows = [
        trade_in_row(
            made,
            n,
            traded_on=day(n) if day else date(2014, 11, 1 + n % 30),
            product_code=f"F01401{n + 1:05d}",
        )
        for n in range(start, start + count)
    ]
    db.session.execute(insert(TradeIn), rows)
    db.session.commit()
    codes = [row["product_code"] for row in rows]
    return list(
        db.session.scalars(
            db.select(TradeIn.id).where(TradeIn.product_code.in_(codes)).order_by(TradeIn.id)
        )
    )


@pytest.fixture
def november(world) -> Piloted:
    """The pilots with 41 November trade-ins and 2 on 1 December (outside November)."""
    made = make_pilots(world)
    made.november_ids = add_trade_ins(made, 41)
    made.december_ids = add_trade_ins(made, 2, start=300, day=lambda n: date(2014, 12, 1))
    return made
