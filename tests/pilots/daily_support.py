"""Shared by the daily-management tests: valid consumer ID numbers, a November 2014 trade-in
of pilot 01 (October's pack is already with the city), a city officer of 南京 and a second one,
and the day the tests stand on."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from supervision.core.models import Role
from supervision.pilots.trade_ins import TradeInData
from supervision.verification.rules.buyers import id_number_check

#: The tests' today: after the 2014 Q4 and the January 2015 pack fell due.
TODAY = date(2015, 2, 16)


def id_number(n: int) -> str:
    """A valid 18-digit ID number (check digit computed), born 1980-01-01."""
    first17 = f"32010219800101{n:03d}"
    return first17 + id_number_check(first17)


def trade_in_data(made, n: int, **overrides) -> TradeInData:
    """Pilot 01's n-th November 2014 engine: code F01401100nn, 2014-11-(n+3)."""
    values = {
        "outlet_id": made.outlet.id,
        "traded_on": date(2014, 11, 3 + n % 25),
        "old_part_model": "WD615.87",
        "old_part_number": f"JX{n:06d}",
        "residual_yuan": Decimal("3000.00"),
        "consumer_name": f"王{n}",
        "id_number": id_number(n),
        "phone": f"1380000{n:04d}",
        "product_class": "发动机",
        "product_model": "WD615.87R",
        "product_code": f"F014011{n:04d}",
        "price_yuan": Decimal("38000.00"),
        "subsidy_yuan": Decimal("4000.00"),
        "invoice_no": f"{45000000 + n}",
    }
    values.update(overrides)
    return TradeInData(**values)


@pytest.fixture
def city_officers(make_user, world):
    """Two officers of 南京's agency (the pilot's city): the city's reviewer and the finance's."""
    return (
        make_user("a-city-officer", Role.PROVINCIAL_OFFICER, world.a_agency, full_name="市审核员"),
        make_user(
            "a-city-finance", Role.PROVINCIAL_OFFICER, world.a_agency, full_name="财政录入员"
        ),
    )
