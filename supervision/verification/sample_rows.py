"""The rows of the generated sales-record files (see ``samplefiles``): makers and models,
dealers, buyers, and product ``i`` of a seed with its codes and dates, the same in every table."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ..enterprises.rules import credit_code_check_character
from .rules.buyers import id_number_check, organisation_code_check

#: The sales period of seed 000's second batch (the demo campaign's), used by default.
PERIOD = (date(2012, 9, 1), date(2013, 1, 31))


@dataclass(frozen=True)
class Maker:
    name: str
    code: str
    prefix: str
    models: tuple[tuple[str, Decimal], ...]


def _org(seed8: str) -> str:
    return f"{seed8}-{organisation_code_check(seed8)}"


MAKERS = (
    Maker(
        "青岛海尔股份有限公司",
        _org("26458160"),
        "HR",
        (
            ("BCD-216SDN", Decimal("2999.00")),
            ("BCD-251WBCS", Decimal("3699.00")),
            ("BCD-539WT", Decimal("5999.00")),
        ),
    ),
    Maker(
        "合肥美菱股份有限公司",
        _org("14918215"),
        "ML",
        (("BCD-206L3CT", Decimal("2399.00")), ("BCD-318WE3B", Decimal("3599.00"))),
    ),
    Maker(
        "海信容声（广东）冰箱有限公司",
        _org("61752735"),
        "RS",
        (("BCD-228D11SY", Decimal("2599.00")), ("BC-100KT1", Decimal("1199.00"))),
    ),
    Maker(
        "联想（北京）有限公司",
        _org("60000725"),
        "LX",
        (("扬天A4680R", Decimal("3999.00")), ("启天M4350", Decimal("4599.00"))),
    ),
    Maker(
        "清华同方股份有限公司",
        _org("10001967"),
        "TF",
        (("超翔Z8000", Decimal("3299.00")), ("精锐M560", Decimal("2899.00"))),
    ),
)
_CHAINS = ("苏宁电器股份有限公司", "国美电器有限公司", "江苏五星电器有限公司", "大中电器有限公司")
_DISTRIBUTORS = ("中国电子器材总公司", "神州数码（中国）有限公司", "日日顺物流有限公司")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文斌宇浩然欣怡子轩"
_ROADS = ("中山路", "解放路", "人民路", "建设路", "和平路", "长江路", "新华路", "文化路")
_ORG_WORDS = ("华信科技", "恒通贸易", "金盛置业", "博远信息", "新世纪建设", "天成物流")
_INSTITUTIONS = ("第一中学", "人民医院", "图书馆", "职业技术学院", "疾病预防控制中心")

#: Known districts of some units (GB/T 2260); other units get plausible codes of their capital.
DISTRICTS = {
    "32": ("南京市", (("320102", "玄武区"), ("320104", "秦淮区"), ("320105", "建邺区"), ("320106", "鼓楼区"), ("320113", "栖霞区"))),
    "33": ("杭州市", (("330102", "上城区"), ("330105", "拱墅区"), ("330106", "西湖区"), ("330108", "滨江区"))),
    "11": ("北京市", (("110101", "东城区"), ("110102", "西城区"), ("110105", "朝阳区"), ("110108", "海淀区"))),
    "44": ("广州市", (("440103", "荔湾区"), ("440104", "越秀区"), ("440105", "海珠区"), ("440106", "天河区"))),
    "37": ("济南市", (("370102", "历下区"), ("370103", "市中区"), ("370104", "槐荫区"))),
    "2102": ("大连市", (("210202", "中山区"), ("210203", "西岗区"), ("210204", "沙河口区"))),
    "3702": ("青岛市", (("370202", "市南区"), ("370203", "市北区"), ("370211", "黄岛区"))),
    "3302": ("宁波市", (("330203", "海曙区"), ("330212", "鄞州区"))),
    "3502": ("厦门市", (("350203", "思明区"), ("350206", "湖里区"))),
    "4403": ("深圳市", (("440303", "罗湖区"), ("440304", "福田区"), ("440305", "南山区"))),
}  # fmt: skip


def _districts(unit_division_code: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    code = unit_division_code
    city_level = code[2:4] != "00"
    known = DISTRICTS.get(code[:4] if city_level else code[:2])
    if known is not None:
        return known
    base = code[:4] if city_level else f"{code[:2]}01"
    return "", tuple((f"{base}{n:02d}", "市辖区") for n in (2, 3, 4, 5))


def _rng(stream: str, seed) -> random.Random:
    """A reproducible generator per table and seed (made-up data, nothing secret)."""
    return random.Random(f"{stream}:{seed}")  # noqa: S311


def _tag(seed) -> str:
    """Five letters and digits of the seed: product codes of two seeds never meet."""
    digest = int.from_bytes(hashlib.blake2b(str(seed).encode(), digest_size=8).digest(), "big")
    alphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(alphabet[(digest >> (5 * k)) % len(alphabet)] for k in range(5))


@dataclass(frozen=True)
class Product:
    index: int
    maker: Maker
    model: str
    price: Decimal
    code: str
    produced_on: date
    shipped_on: date
    sold_on: date


def product(seed, index: int, period: tuple[date, date] = PERIOD) -> Product:
    """Product ``index`` of the seed's data set (the same in every table)."""
    digest = hashlib.blake2b(f"{seed}:{index}".encode(), digest_size=16).digest()
    maker = MAKERS[digest[0] % len(MAKERS)]
    model, price = maker.models[digest[1] % len(maker.models)]
    start, end = period
    sold_on = start + timedelta(days=int.from_bytes(digest[2:4], "big") % ((end - start).days + 1))
    shipped_on = sold_on - timedelta(days=3 + digest[4] % 28)
    produced_on = shipped_on - timedelta(days=1 + digest[5] % 40)
    code = f"{maker.prefix}{_tag(seed)}{index:09d}"
    return Product(index, maker, model, price, code, produced_on, shipped_on, sold_on)


def _dealers(rng: random.Random, unit_division_code: str) -> list[tuple[str, str]]:
    city, districts = _districts(unit_division_code)
    dealers = []
    for n, chain in enumerate(_CHAINS):
        district = districts[n % len(districts)][1]
        code8 = f"{rng.randrange(10**7, 10**8)}"
        dealers.append((f"{chain}{city}{district}店", _org(code8)))
    return dealers


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


def _id_number(rng: random.Random, division: str) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(16000))
    first17 = f"{division}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_number_check(first17)


def _credit_code(rng: random.Random, division: str) -> str:
    code8 = f"{rng.randrange(10**7, 10**8)}"
    first17 = f"91{division}{code8}{organisation_code_check(code8)}"
    return first17 + credit_code_check_character(first17)


@dataclass
class _Buyer:
    name: str
    contact: str
    phone: str
    id_number: str
    address: str
    division: tuple[str, str]


def _buyer(rng: random.Random, city: str, districts) -> _Buyer:
    division = rng.choice(districts)
    address = (
        f"{city}{division[1]}{rng.choice(_ROADS)}{rng.randrange(1, 400)}号"
        f"{rng.randrange(1, 30)}栋{rng.randrange(1, 6)}单元{rng.randrange(101, 2800)}室"
    )
    if rng.random() < 0.04:  # an organisation: 企业 or 事业单位
        if rng.random() < 0.5:
            name = f"{city or '本市'}{rng.choice(_ORG_WORDS)}有限公司"
        else:
            name = f"{city or '本市'}{division[1]}{rng.choice(_INSTITUTIONS)}"
        name = f"{name}{rng.randrange(1, 90):02d}" if rng.random() < 0.3 else name
        code = _credit_code(rng, division[0])
        return _Buyer(name, _person(rng), _mobile(rng), code, address, division)
    number = _id_number(rng, division[0]) if rng.random() < 0.7 else ""
    return _Buyer(_person(rng), "", _mobile(rng), number, address, division)


def consumer_rows(
    rows: int, *, seed, unit_division_code: str, period: tuple[date, date] = PERIOD
) -> Iterator[list]:
    """附表3-6 rows (values in the template's column order, 序号 first), typed: dates as
    date, prices as Decimal."""
    rng = _rng("consumers", seed)
    city, districts = _districts(unit_division_code)
    dealers = _dealers(rng, unit_division_code)
    returning: list[_Buyer] = []
    index = 0
    invoice = rng.randrange(10**7, 4 * 10**7)
    while index < rows:
        roll = rng.random()
        if returning and roll < 0.02:
            buyer = rng.choice(returning)  # comes back: bulk cumulatively
            size = rng.choice((2, 3))
        else:
            buyer = _buyer(rng, city, districts)
            if buyer.contact:
                size = rng.choice((1, 2, 5, 6, 8, 12))
            else:
                size = 1 if roll < 0.93 else rng.choice((2, 3))
            if size > 1 and len(returning) < 5000:
                returning.append(buyer)
        size = min(size, rows - index)
        items = [product(seed, index + k, period) for k in range(size)]
        sold_on = max(item.sold_on for item in items)
        dealer = rng.choice(dealers)
        invoice += rng.randrange(1, 40)
        for item in items:
            model = item.model
            if item.index % 1499 == 7 and len(item.maker.models) > 1:
                models = [m for m, _price in item.maker.models if m != model]
                model = models[item.index % len(models)]
            yield [
                item.index + 1,
                buyer.name,
                buyer.contact,
                buyer.phone,
                buyer.address,
                buyer.division[0],
                buyer.division[1],
                item.maker.name,
                model,
                item.code,
                item.price,
                sold_on,
                f"{invoice:08d}",
                dealer[0],
                dealer[1],
                buyer.id_number,
            ]
        index += size


def production_rows(rows: int, *, seed, period: tuple[date, date] = PERIOD) -> Iterator[list]:
    """附表3-3 rows: 序号, 生产企业, 规格型号, 产品唯一编码, 生产日期."""
    for i in range(rows):
        item = product(seed, i, period)
        yield [i + 1, item.maker.name, item.model, item.code, item.produced_on]


def shipment_rows(
    rows: int, *, seed, unit_division_code: str = "320000", period: tuple[date, date] = PERIOD
) -> Iterator[list]:
    """附表3-4 rows for products 0 … rows-1, but those never declared shipped."""
    rng = _rng("shipments", seed)
    dealers = _dealers(_rng("consumers", seed), unit_division_code)
    invoice = rng.randrange(4 * 10**7, 8 * 10**7)
    number = 0
    for i in range(rows):
        if i % 997 == 500:
            continue
        item = product(seed, i, period)
        if i % 20 == 0:
            invoice += rng.randrange(1, 40)  # about 20 units on one invoice
        buyer = dealers[i // 20 % len(dealers)]
        number += 1
        yield [
            number,
            item.maker.name,
            item.model,
            item.code,
            item.shipped_on,
            f"{invoice:08d}",
            buyer[0],
            buyer[1],
        ]


def dealer_purchase_rows(
    rows: int, *, seed, unit_division_code: str = "320000", period: tuple[date, date] = PERIOD
) -> Iterator[list]:
    """附表3-5 rows: one model and quantity per invoice line, from distributors to dealers."""
    rng = _rng("purchases", seed)
    dealers = _dealers(_rng("consumers", seed), unit_division_code)
    sellers = [(name, _org(f"{10**7 + 7919 * (n + 1)}")) for n, name in enumerate(_DISTRIBUTORS)]
    start, end = period
    for _n in range(rows):
        maker = rng.choice(MAKERS)
        seller, dealer = rng.choice(sellers), rng.choice(dealers)
        yield [
            seller[0],
            seller[1],
            start + timedelta(days=rng.randrange((end - start).days + 1)),
            dealer[0],
            dealer[1],
            rng.choice(maker.models)[0],
            rng.choice((1, 2, 5, 10, 20, 50)),
            f"{rng.randrange(10**7, 10**8):08d}",
        ]
