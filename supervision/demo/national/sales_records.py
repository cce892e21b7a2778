"""The national verification campaign and its consumer sales records (附表3-6): the campaign is
issued through the verification services to the 32 provincial units, then ``build.sales``
records are spread over the units by population and bulk-inserted as the import
(``verification.importing``) would store them.

Rows are generated lazily, one purchase (one invoice of one to twenty units) at a time, from
pools built once (birth dates, districts, dealers, sale days, models): a row costs a few integer
operations and one random draw per purchase, a new buyer one more draw and his buyer key. The
makers, models, prices, name syllables and roads are ``verification.sample_rows``' (the
generated files'), the check characters and keys those of ``verification.rules.buyers``
(``id_number_check``, ``buyer_key``; the tests run every record through the import's row
check). Some buyers are regulars who
come back and some organisations buy by the dozen, so bulk-buyer detection finds a few per
thousand records.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from random import Random

from sqlalchemy import select

from ...core.models import Organisation, OrgKind, Role, User, UserRole
from ...enterprises.rules import credit_code_check_character
from ...extensions import db
from ...organisations.service import ministry
from ...verification import campaigns
from ...verification.models import Target
from ...verification.record_models import ConsumerSale
from ...verification.rules import buyer_key
from ...verification.rules.buyers import (
    id_number_check,
    organisation_code_check,
)
from ...verification.rules.categories import PRODUCT_CATEGORIES
from ...verification.sample_rows import _CHAINS, _GIVEN, _INSTITUTIONS, _ROADS, _SURNAMES, MAKERS
from . import places

CAMPAIGN = "节能产品惠民工程第三批推广信息核查（全国）"
SALES_FROM, SALES_TO = date(2013, 2, 1), date(2013, 5, 31)
RESULT_DUE_ON = date(2013, 7, 15)
CREATED_AT = datetime(2013, 6, 14, 2, 0, tzinfo=UTC)
ISSUED_AT = datetime(2013, 6, 17, 1, 30, tzinfo=UTC)  # 9:30 in Beijing

#: Population of the 32 provincial units (2010 census, ten thousands): each unit's share.
WEIGHTS = {
    "110000": 1961, "120000": 1294, "130000": 7185, "140000": 3571, "150000": 2471,
    "210000": 4375, "220000": 2746, "230000": 3831, "310000": 2302, "320000": 7866,
    "330000": 5443, "340000": 5950, "350000": 3689, "360000": 4457, "370000": 9579,
    "410000": 9402, "420000": 5724, "430000": 6570, "440000": 10430, "450000": 4603,
    "460000": 867, "500000": 2885, "510000": 8042, "520000": 3475, "530000": 4597,
    "540000": 300, "610000": 3733, "620000": 2558, "630000": 563, "640000": 630,
    "650000": 2181, "660000": 257,
}  # fmt: skip

#: Words of organisations' names (企业: brand + trade; 事业单位: ``sample_rows`` institutions).
BRANDS = "华信 恒通 金盛 博远 天成 宏达 永兴 鑫源 瑞丰 嘉禾 中联 远航 通达 万邦 盛世 德润 鼎盛 安泰 新纪元 银河".split()
TRADES = "科技 贸易 置业 信息技术 建设工程 物流 餐饮管理 酒店 医药 机械".split()
_LOCAL_STORES = ("家电商场", "电器城", "数码广场")

#: Out of 1024 purchases: a regular comes back; an organisation buys; a person buys one unit.
_RETURNS, _ORGANISATIONS, _SINGLE = 10, 20, 955
#: A regular (who comes back) per this many records of the unit.
_REGULAR_EVERY = 600
#: Units an organisation buys at once: mostly a few, sometimes by the dozen.
_ORG_SIZES = (1, 1, 1, 2, 2, 3, 3, 4, 5, 8, 12, 20)


def load(build) -> None:
    """The campaign, issued to the 32 provincial units, and ``build.sales`` consumer sales
    records spread over them (``build.facts["sales_campaign_id"]``, ``["sales_by_unit"]``)."""
    actor = _ministry_officer()
    units = list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrgKind.PROVINCE, Organisation.is_active.is_(True))
            .order_by(Organisation.division_code)
        )
    )
    counts = shares(build.sales, [WEIGHTS.get(u.division_code, 500) for u in units])
    campaign = _campaign(units, counts, actor)
    build.facts["sales_campaign_id"] = campaign.id
    build.facts["sales_by_unit"] = {u.id: n for u, n in zip(units, counts, strict=True)}
    table = ConsumerSale.__table__
    first_id = build.writer.next_id(table, build.sales)
    rows = campaign_rows(
        build.rng("sales"), campaign.id, list(zip(units, counts, strict=True)), first_id
    )
    with _sqlite_cache(db.session.connection()):
        build.writer.insert(table, rows, label="consumer sales (附表3-6)", total=build.sales)


#: SQLite's page cache while the records go in (KiB): the indexes' pages of the unit being
#: written stay in memory (the buyer-key index takes each unit's records in random order), so
#: millions of rows are not written to the WAL page by page again and again.
SQLITE_CACHE_KIB = 256 * 1024


@contextmanager
def _sqlite_cache(connection):
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


def shares(total: int, weights: list[int]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainders: the sum is exact)."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _ministry_officer() -> User:
    found = db.session.scalar(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            UserRole.role == Role.MINISTRY_OFFICER,
            User.organisation_id == ministry().id,
            User.active.is_(True),
        )
        .order_by(User.id)
        .limit(1)
    )
    if found is None:
        raise ValueError("The national campaign needs a ministry officer: load the demo first.")
    return found


def _campaign(units: list[Organisation], counts: list[int], actor: User):
    """Created and issued as the ministry would, with each unit's number of records as the
    end-user task's 任务量."""
    data = campaigns.CampaignData(
        name=CAMPAIGN,
        categories=[code for code, _name in PRODUCT_CATEGORIES],
        sales_from=SALES_FROM,
        sales_to=SALES_TO,
        result_due_on=RESULT_DUE_ON,
        note="全国数据集：32 个省级单位 2013 年 2-5 月入围企业申报的消费者销售信息核查。",
    )
    campaign = campaigns.create_campaign(
        data,
        unit_ids=[u.id for u in units],
        targets=[t.value for t in Target],
        actor=actor,
        now=CREATED_AT,
    )
    campaigns.set_record_counts(
        campaign,
        {(u.id, Target.END_USER.value): n for u, n in zip(units, counts, strict=True)},
        actor=actor,
    )
    campaigns.issue_campaign(campaign, version=None, actor=actor, now=ISSUED_AT)
    return campaign


# -- the rows -----------------------------------------------------------------------------------


def campaign_rows(
    rng: Random, campaign_id: int, units: list[tuple[Organisation, int]], first_id: int
) -> Iterator[dict]:
    """Every unit's rows in turn, ids from ``first_id`` on (the product code carries the id:
    unique in the campaign, and never one of ``sample_rows``' codes, which are longer)."""
    pools = _Pools()
    next_id = first_id
    for unit, count in units:
        yield from _unit_rows(rng, pools, campaign_id, unit, count, next_id)
        next_id += count


class _Pools:
    """What every unit draws from: birth dates, sale days, products."""

    def __init__(self):
        # The birth dates and serial numbers of ID numbers (GB 11643).
        self.births = [
            f"{y}{m:02d}{d:02d}"
            for y in range(1950, 1994)
            for m in range(1, 13)
            for d in range(1, 29)
        ]
        self.serials = [f"{n:03d}" for n in range(1000)]
        period = (SALES_TO - SALES_FROM).days + 1
        self.days = [SALES_FROM + timedelta(days=d) for d in range(period)]
        self.products = [
            (maker.name, model, price, maker.prefix)
            for maker in MAKERS
            for model, price in maker.models
        ]


def _name(b: int) -> tuple[int, str]:
    """A person's name: surname and one or two given characters."""
    b, surname = divmod(b, len(_SURNAMES))
    b, first = divmod(b, len(_GIVEN))
    b, second = divmod(b, len(_GIVEN) + 10)  # one given character about one time in five
    given = _GIVEN[first] + (_GIVEN[second] if second < len(_GIVEN) else "")
    return b, _SURNAMES[surname] + given


def _label(city: places.City) -> str:
    """How an address names the city: not at all for 省直辖县级行政区划 and the Corps."""
    return "" if city.code.endswith("9000") else city.name


def _org_code(number: int) -> str:
    code8 = f"{10**7 + number % (9 * 10**7)}"
    return f"{code8}-{organisation_code_check(code8)}"


class _Buyers:
    """New buyers of one unit, each from one random number: (name, contact, phone, 证件号码,
    address, division code, division name, buyer key). They live in the province's counties
    (``places``), three times as many in the capital's."""

    def __init__(self, pools: _Pools, province_code: str):
        self.births, self.serials = pools.births, pools.serials
        cities = places.cities(province_code)
        self.places = [
            (county.code, county.name, _label(city))
            for n, city in enumerate(cities)
            for county in city.divisions
            for _copy in range(3 if n == 0 else 1)
        ]
        #: Where the outlets are: three counties of the capital, then the first of other cities.
        seats = [(county, _label(cities[0])) for county in cities[0].divisions[:3]]
        seats += [(city.divisions[0], _label(city)) for city in cities[1:]]
        self.seats = [seat for seat in seats if not seat[0].name.endswith("群岛")][:6]

    def _address(self, b: int) -> tuple[int, str, tuple[str, str, str]]:
        b, where = divmod(b, len(self.places))
        b, road = divmod(b, len(_ROADS))
        b, number = divmod(b, 400)
        b, block = divmod(b, 30)
        b, door = divmod(b, 5)
        b, room = divmod(b, 2700)
        place = self.places[where]
        address = (
            f"{place[2]}{place[1]}{_ROADS[road]}{number + 1}号"
            f"{block + 1}栋{door + 1}单元{room + 101}室"
        )
        return b, address, place

    def person(self, b: int) -> tuple:
        b, address, (code, county, _city) = self._address(b)
        b, name = _name(b)
        b, mobile = divmod(b, 4 * 10**9)
        phone = f"1{'3578'[mobile & 3]}{mobile >> 2:09d}"
        b, kind = divmod(b, 10)
        if kind < 7:  # seven in ten outlets write the ID number down
            b, birth = divmod(b, len(self.births))
            first17 = f"{code}{self.births[birth]}{self.serials[b % 1000]}"
            id_number = first17 + id_number_check(first17)
        else:
            id_number = ""
        key = buyer_key(id_number=id_number, name=name, phone=phone)
        return (name, "", phone, id_number, address, code, county, key)

    def organisation(self, b: int) -> tuple:
        b, address, (code, county, city) = self._address(b)
        b, kind = divmod(b, 3)
        if kind:
            b, brand = divmod(b, len(BRANDS))
            b, trade = divmod(b, len(TRADES))
            place = places.short_place(city or county)
            name = f"{place}{BRANDS[brand]}{TRADES[trade]}有限公司"
        else:
            b, what = divmod(b, len(_INSTITUTIONS))
            name = f"{city}{county}{_INSTITUTIONS[what]}"
        b, contact = _name(b)
        b, mobile = divmod(b, 4 * 10**9)
        phone = f"1{'3578'[mobile & 3]}{mobile >> 2:09d}"
        b, coded = divmod(b, 20)
        id_number = ""
        if coded < 17:  # most give the unified social credit code
            organisation = _org_code(b).replace("-", "")
            first17 = f"{'91' if kind else '12'}{code}{organisation}"
            id_number = first17 + credit_code_check_character(first17)
        key = buyer_key(id_number=id_number, name=name, phone=phone)
        return (name, contact, phone, id_number, address, code, county, key)


def _dealers(rng: Random, buyers: _Buyers) -> list[tuple[str, str]]:
    """The unit's outlets: each chain's store at each seat, and a local one."""
    stores = []
    for n, (county, city) in enumerate(buyers.seats):
        stores += [f"{chain}{city}{county.name}店" for chain in _CHAINS]
        stores.append(f"{places.short_place(county.name)}{_LOCAL_STORES[n % 3]}")
    return [(store, _org_code(rng.getrandbits(32))) for store in stores]


def _unit_rows(
    rng: Random, pools: _Pools, campaign_id: int, unit: Organisation, count: int, first_id: int
) -> Iterator[dict]:
    buyers = _Buyers(pools, unit.division_code)
    dealers = _dealers(rng, buyers)
    regulars = [
        buyers.organisation(rng.getrandbits(160))
        if n % 3 == 0
        else buyers.person(rng.getrandbits(160))
        for n in range(max(2, count // _REGULAR_EVERY))
    ]
    days, products = pools.days, pools.products
    invoice = rng.randrange(10**7, 3 * 10**7)
    unit_id, province_id, tag = unit.id, unit.province_org_id, unit.division_code[:2]
    row_id, position = first_id, 0
    while position < count:
        b = rng.getrandbits(64)
        b, roll = divmod(b, 1024)
        b, pick = divmod(b, 64)
        if roll < _RETURNS:
            buyer = regulars[b % len(regulars)]
            size = 1 + pick % 3
        elif roll < _RETURNS + _ORGANISATIONS:
            buyer = buyers.organisation(rng.getrandbits(160))
            size = _ORG_SIZES[pick % len(_ORG_SIZES)]
        else:
            buyer = buyers.person(rng.getrandbits(160))
            size = 1 if roll < _SINGLE else 2 + pick % 2
        b //= len(regulars)
        b, day = divmod(b, len(days))
        b, dealer = divmod(b, len(dealers))
        b, product = divmod(b, len(products))
        invoice += 1 + b % 17
        name, contact, phone, id_number, address, division, division_name, key = buyer
        dealer_name, dealer_code = dealers[dealer]
        manufacturer, model, price, prefix = products[product]
        sold_on, invoice_no = days[day], f"{invoice:08d}"
        for _n in range(min(size, count - position)):
            position += 1
            yield {
                "id": row_id,
                "campaign_id": campaign_id,
                "unit_id": unit_id,
                "province_id": province_id,
                "import_job_id": None,
                "row_number": position,
                "consumer_name": name,
                "contact": contact,
                "phone": phone,
                "id_number": id_number,
                "address": address,
                "division_code": division,
                "division_name": division_name,
                "manufacturer": manufacturer,
                "model": model,
                "product_code": f"{prefix}{tag}{row_id:011d}",
                "price": price,
                "sold_on": sold_on,
                "invoice_no": invoice_no,
                "dealer_name": dealer_name,
                "dealer_code": dealer_code,
                "buyer_key": key,
            }
            row_id += 1
