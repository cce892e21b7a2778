"""The product code of the trade-in pilots (再制造“以旧换再”推广产品编码规则, seed 003).

A code is one upper-case letter and ten digits, e.g. ``F0140102687``:

- the letter: the pinyin initial of the product class (F 发动机, B 变速箱 …);
- digit 1: the correction code (校正码), 0 normally, 1, 2 … when two classes share an initial;
- digits 2–3: the programme year (推广年度代码), 14 = 2014;
- digits 4–5: the enterprise number from the national announcement (生产企业代码), 01 …;
- digits 6–10: the unit's serial (产品代码), from 00001.

``F0140102687`` is the 2687th engine of the first enterprise announced for the 2014 pilots.
The code is the product's unique serial: every trade-in record, report and subsidy claim
registers it (编码使用规则).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: One letter and ten digits.
LENGTH = 11
#: Programme years are written with two digits: 14 → 2014.
CENTURY = 2000

_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
_DIGITS = frozenset("0123456789")


class InvalidProductCode(ValueError):
    """A code the rule refuses. ``reason`` is one Chinese sentence saying precisely why;
    ``problem`` names the case (``empty``, ``length``, ``lower_case``, ``no_letter``,
    ``not_digits``, ``serial_zero``, ``enterprise_zero``, ``year``, ``enterprise``,
    ``product_class``, ``class_name``) and ``details`` the values the reason quotes."""

    def __init__(self, problem: str, reason: str, **details) -> None:
        super().__init__(reason)
        self.problem = problem
        self.reason = reason
        self.details = details

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class ProductCode:
    """A parsed code: ``letter`` "F", ``correction`` 0, ``year`` 2014, ``enterprise`` 1,
    ``serial`` 2687."""

    letter: str
    correction: int
    year: int
    enterprise: int
    serial: int

    @property
    def prefix(self) -> str:
        """The product class as the code writes it: letter and correction digit ("F0")."""
        return f"{self.letter}{self.correction}"

    @property
    def text(self) -> str:
        return (
            f"{self.letter}{self.correction}{self.year % 100:02d}"
            f"{self.enterprise:02d}{self.serial:05d}"
        )


def parse_product_code(code: str | None) -> ProductCode:
    """The code's parts, or :class:`InvalidProductCode` with the reason.

    Spaces around the code are dropped (a cell often carries them); nothing else is
    corrected: a lower-case letter is refused, never upper-cased silently, since the printed
    or engraved code is what the checks compare against.
    """
    text = (code or "").strip()
    if not text:
        raise InvalidProductCode("empty", "未填写以旧换再识别码（产品编码）。")
    if len(text) != LENGTH:
        raise InvalidProductCode(
            "length",
            f"产品编码应为 11 位（1 位大写字母加 10 位数字），“{text}”为 {len(text)} 位。",
            found=len(text),
        )
    first = text[0]
    if first in _LOWER:
        raise InvalidProductCode(
            "lower_case",
            f"产品编码首位应为大写字母：“{first}”是小写，应为“{first.upper()}”。",
            letter=first,
        )
    if first not in _UPPER:
        raise InvalidProductCode(
            "no_letter",
            f"产品编码首位应为产品类别汉语拼音首字母的大写形式（A–Z），而不是“{first}”。",
            found=first,
        )
    bad = [(index + 1, char) for index, char in enumerate(text) if index and char not in _DIGITS]
    if bad:
        where = "、".join(
            f"第 {position} 位（数字第 {position - 1} 位）“{char}”" for position, char in bad
        )
        raise InvalidProductCode(
            "not_digits",
            f"产品编码字母后的 10 位应全为数字：{where}不是数字。",
            positions=[position for position, _char in bad],
        )
    enterprise, serial = text[4:6], text[6:]
    if enterprise == "00":
        raise InvalidProductCode(
            "enterprise_zero",
            "产品编码的生产企业代码（数字第 4–5 位）不能为 00：企业代码按国家公告的顺序自 01 开始。",
        )
    if serial == "00000":
        raise InvalidProductCode(
            "serial_zero",
            "产品编码的产品代码（数字第 6–10 位）不能为 00000：产品代码自 00001 开始。",
        )
    return ProductCode(
        letter=first,
        correction=int(text[1]),
        year=CENTURY + int(text[2:4]),
        enterprise=int(enterprise),
        serial=int(serial),
    )


def class_prefix(product_class: Mapping) -> str:
    """A call's product class ({"letter": "F", "correction": 0, "name": "发动机"}) as "F0"."""
    return f"{product_class['letter']}{int(product_class.get('correction') or 0)}"


def check_code_for(
    code: str | None,
    *,
    year: int,
    enterprise: int,
    classes: Iterable[Mapping],
    product_class: str | None = None,
) -> ProductCode:
    """The code parsed and checked against the pilot it is registered for: the call's
    programme ``year``, the pilot's ``enterprise`` number, one of the call's product
    ``classes`` (letter and correction digit) and, when given, the record's ``product_class``
    name must be that class's name."""
    parsed = parse_product_code(code)
    if parsed.year != year:
        raise InvalidProductCode(
            "year",
            f"产品编码的推广年度代码（数字第 2–3 位）为 {parsed.year % 100:02d}（{parsed.year} 年），"
            f"本次试点为 {year} 年，应为 {year % 100:02d}。",
            found=parsed.year,
            expected=year,
        )
    if parsed.enterprise != enterprise:
        raise InvalidProductCode(
            "enterprise",
            f"产品编码的生产企业代码（数字第 4–5 位）为 {parsed.enterprise:02d}，"
            f"本试点企业的代码为 {enterprise:02d}。",
            found=parsed.enterprise,
            expected=enterprise,
        )
    known = {class_prefix(c): str(c.get("name") or "") for c in classes}
    if parsed.prefix not in known:
        listed = "、".join(f"{prefix} {name}" for prefix, name in known.items()) or "无"
        raise InvalidProductCode(
            "product_class",
            f"产品编码前两位“{parsed.prefix}”不是本次试点的推广产品类别（{listed}）。",
            found=parsed.prefix,
        )
    name = known[parsed.prefix]
    if product_class is not None and product_class.strip() != name:
        raise InvalidProductCode(
            "class_name",
            f"产品编码“{parsed.prefix}”为{name}，与填写的产品品类“{product_class.strip()}”不符。",
            found=product_class.strip(),
            expected=name,
        )
    return parsed
