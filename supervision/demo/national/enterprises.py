"""The national data set's enterprise registry: 40 000 enterprises over the Annex-1 industries
and the ladder-price sectors in every province, 2 000 of them data-centre operators.

Names read like real ones (place + trade name + industry word + 有限公司); credit codes pass
GB 32100-2015 (and their organisation code GB 11714); division codes are county-level units of
the enterprise's province. Publishes ``facts["enterprises"]`` (every new enterprise as an
``Entry``), ``facts["industries"]`` and, for the data-centre part,
``facts["datacentre_operators"]`` = [(enterprise id, province id, division code), …].
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from ...core.models import Organisation, OrgKind
from ...enterprises import rules
from ...enterprises.models import Enterprise, ProductionStatus
from ...extensions import db
from ...industries.models import Industry
from ...organisations.reference import PROVINCIAL_UNITS
from . import Build, places
from .people import allocate, person_name

PROVINCE_NAMES = dict(PROVINCIAL_UNITS)
MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市"})

ENTERPRISES = 40_000
DATACENTRE_OPERATORS = 2_000
#: Share of enterprises that stopped production (listed and marked, never visited).
STOPPED_SHARE = 0.04

#: industry code → (weight in the registry, words after the trade name, products,
#: annual energy use range in tce)
STYLES: dict[str, tuple[float, tuple[str, ...], tuple[str, ...], tuple[int, int]]] = {
    "refining": (2.0, ("石化", "炼化", "石油化工"), ("汽油、柴油", "汽油、柴油、航空煤油", "石脑油、液化气"), (80_000, 2_000_000)),
    "paraxylene": (0.4, ("芳烃", "石化"), ("对二甲苯",), (150_000, 800_000)),
    "soda_ash": (0.6, ("碱业", "化工"), ("纯碱（氨碱法）", "纯碱（联碱法）"), (60_000, 500_000)),
    "pvc": (1.0, ("氯碱化工", "化工"), ("聚氯乙烯树脂（电石法）", "聚氯乙烯树脂（乙烯法）"), (40_000, 600_000)),
    "sulphuric_acid": (6.0, ("化工", "硫酸", "磷化工"), ("硫磺制酸", "硫铁矿制酸", "冶炼烟气制酸"), (3_000, 40_000)),
    "tyre": (5.0, ("轮胎", "橡胶"), ("全钢子午线轮胎", "半钢子午线轮胎", "斜交轮胎"), (5_000, 90_000)),
    "methanol": (2.0, ("甲醇", "煤化工", "化工"), ("煤制甲醇", "天然气制甲醇", "焦炉煤气制甲醇"), (50_000, 900_000)),
    "gold": (2.0, ("黄金", "金业", "矿业"), ("金矿选冶", "金精矿冶炼"), (3_000, 50_000)),
    "rare_earth": (0.8, ("稀土", "稀土新材料"), ("氧化钕", "混合稀土金属", "稀土抛光粉"), (5_000, 100_000)),
    "aluminium_alloy": (6.0, ("铝业", "铝材", "铝合金"), ("铝合金建筑型材", "铝合金工业型材", "铝合金锭"), (3_000, 40_000)),
    "copper": (6.0, ("铜业", "铜材"), ("铜及铜合金管材", "铜板带", "铜线杆"), (3_000, 50_000)),
    "gypsum": (3.0, ("石膏建材", "建材"), ("建筑石膏", "纸面石膏板"), (2_000, 15_000)),
    "sintered_wall": (20.0, ("新型墙材", "砖瓦", "建材"), ("烧结多孔砖", "烧结普通砖", "烧结空心砌块"), (1_500, 20_000)),
    "asphalt_membrane": (5.0, ("防水材料", "防水科技"), ("有胎基沥青防水卷材", "改性沥青防水卷材"), (1_500, 12_000)),
    "mineral_wool": (3.0, ("岩棉", "保温材料"), ("岩棉板", "矿渣棉", "岩棉制品"), (5_000, 40_000)),
    "sugar": (2.0, ("糖业", "制糖"), ("甘蔗制糖", "甜菜制糖"), (5_000, 60_000)),
    "beer": (3.0, ("啤酒", "酿酒"), ("啤酒",), (3_000, 30_000)),
    "steel": (8.0, ("钢铁", "特钢", "钢铁集团"), ("粗钢", "粗钢（电炉）", "钢坯、螺纹钢"), (100_000, 6_000_000)),
    "cement": (22.0, ("水泥", "建材", "水泥集团"), ("熟料、水泥", "水泥粉磨", "熟料"), (20_000, 400_000)),
    "electrolytic_aluminium": (1.2, ("铝电", "电解铝", "铝业"), ("电解铝", "原铝液"), (500_000, 3_000_000)),
}  # fmt: skip
#: Industries more common in some provinces: (industry, province) → weight multiplier.
AFFINITY = {
    ("rare_earth", "150000"): 12,
    ("rare_earth", "360000"): 8,
    ("rare_earth", "510000"): 4,
    ("sugar", "450000"): 15,
    ("sugar", "530000"): 6,
    ("sugar", "460000"): 4,
    ("sugar", "650000"): 3,
    ("electrolytic_aluminium", "370000"): 5,
    ("electrolytic_aluminium", "150000"): 5,
    ("electrolytic_aluminium", "650000"): 5,
    ("electrolytic_aluminium", "410000"): 3,
    ("electrolytic_aluminium", "620000"): 3,
    ("electrolytic_aluminium", "640000"): 3,
    ("gold", "370000"): 4,
    ("gold", "410000"): 2,
    ("methanol", "150000"): 4,
    ("methanol", "610000"): 3,
    ("steel", "130000"): 3,
    ("refining", "370000"): 3,
}
DATACENTRE_WORDS = ("云计算", "数据科技", "大数据", "云数据", "信息港", "算力科技", "数据服务")
TRADE_NAMES = (
    "华润 金鼎 宏达 恒信 鑫源 永泰 晨光 东方 华信 金桥 中联 新华 三友 天成 瑞丰 盛源 华鑫 亿达 恒通 "
    "海天 龙腾 泰山 长城 黄河 长江 远大 振华 嘉华 富源 荣盛 兴达 鸿运 金海 银河 宝丰 华能 国泰 安泰 "
    "永兴 昌盛 万达 新世纪 明珠 金星 红星 光明 正大 恒大 隆基 华鼎 巨力 联合 北方 南方 西部 中原 "
    "齐鲁 江南 华北 华中 华南 西南 东北 汇丰 德胜 祥和 福达 金诚 信达 恒昌 天宇 天润 润丰 丰源 "
    "源通 通达 达成 成龙 金龙 玉龙 飞龙 神龙 腾达 腾飞 凯达 凯盛 盛隆 隆兴 兴华 华夏 神州 九州 "
    "四方 八方 万通 万丰 万盛 万隆 中兴 中天 中泰 中盛 金山 银山 青山 泰和 和平 瑞祥 吉祥 鼎盛 "
    "鼎新 创新 博远 致远 宏图 宏远 宏盛 瀚海 蓝天 白云 紫金 金辉 晶鑫 鑫达 鑫隆 鑫盛 宇通 天一"
).split()
ROADS = (
    "工业",
    "建设",
    "人民",
    "解放",
    "经开",
    "新华",
    "滨河",
    "科技",
    "创业",
    "发展",
    "振兴",
    "环城",
)
#: Credit-code alphabet without the letters an organisation code leaves out.
ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: GB 11714-1997 organisation-code weights of positions 1–8.
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True)
class Entry:
    """A new enterprise as the later parts need it."""

    id: int
    province_id: int
    industry_id: int | None
    division_code: str
    name: str
    credit_code: str
    stopped: bool


@dataclass(frozen=True)
class IndustryInfo:
    id: int
    code: str
    name: str
    kind: str
    standard: str
    product: str
    unit: str
    #: The standard's first 限定值, when known.
    limit: Decimal | None = None


def organisation_code(body8: str) -> str:
    """The 9-character organisation code (GB 11714): ``body8`` and its check character."""
    total = sum(int(c, 36) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body8 + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(division_code: str, body8: str) -> str:
    """A unified social credit code of a company (91) registered at ``division_code``."""
    first17 = "91" + division_code + organisation_code(body8)
    return first17 + rules.credit_code_check_character(first17)


def load(build: Build) -> None:
    rng = build.rng("enterprises")
    industries = _industries()
    build.facts["industries"] = {i.id: i for i in industries.values()}
    provinces = dict(
        db.session.execute(
            select(Organisation.division_code, Organisation.id).where(
                Organisation.kind == OrgKind.PROVINCE
            )
        ).all()
    )
    have = db.session.scalar(select(func.count()).select_from(Enterprise))
    operators = min(build.scaled(DATACENTRE_OPERATORS), build.scaled(ENTERPRISES, have))
    plants = max(0, build.scaled(ENTERPRISES, have) - operators)
    planned = plan(
        rng,
        provinces,
        plants,
        operators,
        industries,
        taken_codes=set(db.session.scalars(select(Enterprise.credit_code))),
        taken_names=set(db.session.scalars(select(Enterprise.name))),
        now=build.now,
    )
    table = Enterprise.__table__
    first = build.writer.next_id(table, len(planned))
    entries, centres = [], []
    for n, (kind, row) in enumerate(planned):
        row["id"] = first + n
        stopped = row["status"] == ProductionStatus.STOPPED
        entries.append(
            Entry(
                row["id"],
                row["province_id"],
                row["industry_id"],
                row["division_code"],
                row["name"],
                row["credit_code"],
                stopped,
            )
        )
        if kind == "centre":
            centres.append((row["id"], row["province_id"], row["division_code"]))
    build.writer.insert(table, (row for _, row in planned), label="enterprises", total=len(planned))
    build.facts["enterprises"] = entries
    build.facts["datacentre_operators"] = centres


def plan(
    rng, provinces, plants, operators, industries, *, taken_codes, taken_names, now
) -> list[tuple[str, dict]]:
    """("plant" or "centre", row) of every new enterprise, province by province: ``plants``
    and ``operators`` shared out by the provinces' weights. Pure: the same seed and the same
    registry give the same rows."""
    per_plant = allocate(plants, {c: places.PROVINCES[c][1] for c in sorted(provinces)})
    per_centre = allocate(operators, {c: places.PROVINCES[c][2] for c in sorted(provinces)})
    result = []
    for code in sorted(provinces):
        for kind, count in (("plant", per_plant[code]), ("centre", per_centre[code])):
            for _ in range(count):
                row = _enterprise(
                    rng, code, provinces[code], kind, industries, taken_codes, taken_names
                )
                row["created_at"] = now
                result.append((kind, row))
    return result


def _industries() -> dict[str, IndustryInfo]:
    result = {}
    for industry in db.session.scalars(select(Industry).order_by(Industry.sort_order)):
        standard = industry.standards[0] if industry.standards else None
        limit = standard.limits[0] if standard and standard.limits else None
        result[industry.code] = IndustryInfo(
            industry.id,
            industry.code,
            industry.name,
            industry.kind,
            standard.code if standard else "",
            limit.product if limit else industry.name,
            limit.unit if limit else "",
            limit.limit_value if limit else None,
        )
    return result


def _enterprise(rng, province_code, province_id, kind, industries, taken_codes, names):
    city = rng.choice(places.cities(province_code))
    county = rng.choice(city.divisions)
    if kind == "centre":
        industry = None
        words, products = DATACENTRE_WORDS, ()
        racks = rng.choice((300, 500, 800, 1200, 1800, 2500, 3000, 5000, 8000))
        product = f"数据中心（{racks} 机架）"
        tce = racks * rng.uniform(8, 22)
    else:
        industry = _industry(rng, province_code, industries)
        _, words, products, (low, high) = STYLES[industry.code]
        product = rng.choice(products)
        tce = math.exp(rng.uniform(math.log(low), math.log(high)))
    name = _name(rng, province_code, city, county, words, names)
    stopped = kind == "plant" and rng.random() < STOPPED_SHARE
    tce = Decimal(round(tce, -1 if tce > 1000 else 0)).quantize(Decimal("0.01"))
    serial = rng.randint(100, 9999)
    return {
        "province_id": province_id,
        "credit_code": _credit_code(rng, county.code, taken_codes),
        "name": name,
        "address": f"{_place_prefix(province_code, city, county)}{rng.choice(ROADS)}路{serial % 500 + 1}号",
        "division_code": county.code,
        "industry_id": industry.id if industry else None,
        "products": product,
        "status": ProductionStatus.STOPPED if stopped else ProductionStatus.OPERATING,
        "stopped_on": date(2019, rng.randint(1, 12), rng.randint(1, 28)) if stopped else None,
        "key_energy_unit": tce >= 10_000 or (tce >= 5_000 and rng.random() < 0.5),
        "annual_energy_tce": tce,
        "legal_representative": person_name(rng),
        "legal_representative_phone": f"0{rng.randint(10, 999)}-{rng.randint(2000000, 89999999)}",
        "energy_manager": person_name(rng),
        "energy_manager_phone": f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}",
        "version": 1,
    }


def _industry(rng, province_code, industries) -> IndustryInfo:
    codes = list(STYLES)
    weights = [STYLES[c][0] * AFFINITY.get((c, province_code), 1) for c in codes]
    return industries[rng.choices(codes, weights)[0]]


def _place_prefix(province_code, city, county) -> str:
    province = PROVINCE_NAMES[province_code]
    if city.is_grouping or county.code == city.code:
        return f"{province}{county.name}"
    return f"{province}{city.name}{county.name}"


def _name(rng, province_code, city, county, words, names) -> str:
    """place + trade name + industry word + 有限公司, never one the registry already has."""
    for attempt in range(50):
        if city.is_grouping:
            municipal = city.name in MUNICIPALITIES and rng.random() < 0.6
            place = places.short_place(city.name if municipal else county.name)
        elif county.name.endswith(("县", "市")) and rng.random() < 0.4:
            place = places.short_place(county.name)
        else:
            place = places.short_place(city.name)
        trade = rng.choice(TRADE_NAMES)
        if attempt > 10:
            trade += rng.choice(TRADE_NAMES)
        name = f"{place}{trade}{rng.choice(words)}有限公司"
        if name not in names:
            names.add(name)
            return name
    raise RuntimeError("no free enterprise name")  # pragma: no cover -- 50 tries never all fail


def _credit_code(rng, division_code, taken) -> str:
    while True:
        code = credit_code(division_code, "MA" + "".join(rng.choices(ORG_CHARS, k=6)))
        if code not in taken:
            taken.add(code)
            return code
