"""The programme's product categories, refrigerator kinds and verification targets, as codes
with their Chinese names, in the order the seeds list them."""

from __future__ import annotations

#: The eight categories of the second verification batch (seed 000: 平板电视、空调、冰箱、
#: 洗衣机、燃气热水器、热泵热水器、太阳能热水器、计算机).
PRODUCT_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("tv", "平板电视"),
    ("aircon", "空调"),
    ("fridge", "冰箱"),
    ("washer", "洗衣机"),
    ("gas_heater", "燃气热水器"),
    ("heatpump_heater", "热泵热水器"),
    ("solar_heater", "太阳能热水器"),
    ("desktop", "计算机"),
)
CATEGORY_NAMES: dict[str, str] = dict(PRODUCT_CATEGORIES)

#: Categories whose implementation rules the app knows (seeds 001 and 002): eligibility and
#: subsidy per unit are computed for these only.
RULED_CATEGORIES = ("fridge", "desktop")

#: Refrigerator kinds of seed 001 (GB 12021.2 type codes), freezers first.
FRIDGE_KINDS: tuple[tuple[str, str], ...] = (
    ("BD", "冷冻箱"),
    ("BC/BD", "冷藏/冷冻箱"),
    ("BCD", "冷藏冷冻箱"),
    ("BCDW", "无霜冷藏冷冻箱"),
)
FRIDGE_KIND_NAMES: dict[str, str] = dict(FRIDGE_KINDS)
#: The two groups the subsidy table and the efficiency ceilings distinguish.
FREEZER_KINDS = ("BD", "BC/BD")
FRIDGE_FREEZER_KINDS = ("BCD", "BCDW")

#: The three targets of seed 000 §一, in its order (codes as ``models.Target``).
TARGETS: tuple[tuple[str, str], ...] = (
    ("production", "生产企业核查"),
    ("outlet", "销售网点核查"),
    ("end_user", "终端用户核查"),
)


def category_name(code: str) -> str:
    """The Chinese name of a category code (the code itself when unknown)."""
    return CATEGORY_NAMES.get(code, code)


def normalise_fridge_kind(text: str | None) -> str:
    """``" bc/bd "`` → ``"BC/BD"``; full-width slash and letters accepted; "" when blank.

    An unknown kind comes back upper-cased as given (the eligibility check says it is not in
    the programme)."""
    plain = "".join((text or "").split()).upper()
    plain = plain.replace("／", "/")
    return "".join(chr(ord(c) - 0xFEE0) if "Ａ" <= c <= "Ｚ" else c for c in plain)
