"""Demo enterprises and 2020 task filings (names are invented; codes pass GB 32100-2015)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from ..enterprises import rules as enterprise_rules
from ..enterprises.models import ProductionStatus
from ..enterprises.service import EnterpriseData, by_credit_code, create_enterprise
from ..industries.service import by_code
from ..organisations.service import by_division_code
from ..plans.service import plan_for_year
from ..tasks import service as tasks
from ..tasks.models import ReviewMethod
from .rectification import add_2019_violator

STOPPED = ProductionStatus.STOPPED

#: province → [(name, industry code or None, division code, status, products, tce, key unit)]
ENTERPRISES: dict[str, list[tuple]] = {
    "320000": [
        (
            "南京金陵石化炼油有限公司",
            "refining",
            "320116",
            None,
            "汽油、柴油、航空煤油",
            980000,
            True,
        ),
        ("扬子对二甲苯有限公司", "paraxylene", "320116", None, "对二甲苯", 410000, True),
        ("连云港碱业有限公司", "soda_ash", "320706", None, "纯碱（联碱法）", 260000, True),
        ("苏州聚氯乙烯化工有限公司", "pvc", "320581", None, "聚氯乙烯树脂（乙烯法）", 120000, True),
        ("南京金陵硫酸有限公司", "sulphuric_acid", "320115", None, "硫磺制酸", 18000, True),
        ("镇江长江硫酸厂", "sulphuric_acid", "321102", STOPPED, "硫铁矿制酸", 9000, False),
        ("徐州轮胎橡胶有限公司", "tyre", "320311", None, "全钢子午线轮胎", 65000, True),
        ("南通甲醇化工有限公司", "methanol", "320684", None, "天然气制甲醇", 150000, True),
        ("苏州金属冶炼有限公司", "gold", "320505", None, "金矿选冶", 12000, True),
        ("宜兴稀土新材料有限公司", "rare_earth", "320282", None, "氧化钕、稀土抛光粉", 30000, True),
        (
            "常州铝合金型材有限公司",
            "aluminium_alloy",
            "320412",
            None,
            "铝合金建筑型材",
            21000,
            True,
        ),
        ("无锡铜管有限公司", "copper", "320214", None, "铜及铜合金管材", 26000, True),
        ("南京石膏建材有限公司", "gypsum", "320117", None, "建筑石膏", 8000, False),
        ("宿迁烧结砖瓦厂", "sintered_wall", "321311", None, "烧结多孔砖", 11000, True),
        (
            "泰州防水材料有限公司",
            "asphalt_membrane",
            "321204",
            None,
            "有胎基沥青防水卷材",
            6000,
            False,
        ),
        ("盐城岩棉制品有限公司", "mineral_wool", "320902", None, "岩棉板", 24000, True),
        ("徐州糖业有限公司", "sugar", "320321", None, "甜菜制糖", 16000, True),
        ("苏州啤酒有限公司", "beer", "320506", None, "啤酒", 14000, True),
        ("南京钢铁联合有限公司", "steel", "320111", None, "粗钢", 5200000, True),
        ("江苏长江水泥有限公司", "cement", "320115", None, "熟料、水泥", 310000, True),
        ("南京云数据中心有限公司", None, "320115", None, "数据中心（3000 机架）", 52000, True),
        (
            "苏州工业园区算力中心有限公司",
            None,
            "320571",
            None,
            "数据中心（1800 机架）",
            31000,
            True,
        ),
    ],
    "370000": [
        ("山东魏桥铝电有限公司", "electrolytic_aluminium", "371625", None, "电解铝", 2100000, True),
        ("济南钢铁集团有限公司", "steel", "370112", None, "粗钢", 3100000, True),
        ("淄博山水水泥有限公司", "cement", "370304", None, "熟料、水泥", 280000, True),
        ("东营轮胎有限公司", "tyre", "370521", None, "半钢子午线轮胎", 72000, True),
        ("潍坊纯碱有限公司", "soda_ash", "370783", None, "纯碱（氨碱法）", 330000, True),
        ("淄博硫酸化工有限公司", "sulphuric_acid", "370303", None, "硫磺制酸", 15000, True),
    ],
    "410000": [
        (
            "河南中孚电解铝有限公司",
            "electrolytic_aluminium",
            "410181",
            None,
            "电解铝",
            1700000,
            True,
        ),
        ("洛阳水泥有限公司", "cement", "410322", None, "熟料", 190000, True),
        ("河南安阳钢铁有限公司", "steel", "410506", None, "粗钢", 2600000, True),
        ("洛阳钼业冶炼有限公司", "gold", "410324", None, "金矿选冶", 22000, True),
        ("郑州中原数据中心有限公司", None, "410184", None, "数据中心（2200 机架）", 36000, True),
        ("河南硫酸化工有限公司", "sulphuric_acid", "410305", None, "硫磺制酸", 12000, True),
    ],
    "150000": [
        ("包头铝业有限公司", "electrolytic_aluminium", "150206", None, "电解铝", 2300000, True),
        (
            "包头稀土冶炼有限公司",
            "rare_earth",
            "150207",
            None,
            "氧化镧、氧化铈、混合稀土金属",
            90000,
            True,
        ),
        ("乌海聚氯乙烯有限公司", "pvc", "150302", None, "聚氯乙烯树脂（电石法）", 410000, True),
        ("鄂尔多斯甲醇有限公司", "methanol", "150621", None, "煤制甲醇", 620000, True),
        (
            "和林格尔云计算数据中心有限公司",
            None,
            "150123",
            None,
            "数据中心（6000 机架）",
            98000,
            True,
        ),
    ],
}


def demo_credit_code(province_code: str, serial: int) -> str:
    first17 = f"91{province_code[:6]}MA{serial:07d}"
    return first17 + enterprise_rules.credit_code_check_character(first17)


def load_registry() -> int:
    """Create the demo enterprises that are missing; returns how many were added."""
    added = 0
    for province_code, rows in ENTERPRISES.items():
        province = by_division_code(province_code)
        for serial, (name, industry, division, status, products, tce, key_unit) in enumerate(
            rows, 1
        ):
            code = demo_credit_code(province_code, serial)
            if by_credit_code(code) is not None:
                continue
            create_enterprise(
                province,
                EnterpriseData(
                    credit_code=code,
                    name=name,
                    division_code=division,
                    industry=by_code(industry) if industry else None,
                    address=f"{province.name}{name[:2]}",
                    products=products,
                    status=status or ProductionStatus.OPERATING,
                    stopped_on=datetime(2019, 10, 1).date() if status == STOPPED else None,
                    key_energy_unit=key_unit,
                    annual_energy_tce=Decimal(tce),
                    legal_representative="王某",
                    legal_representative_phone="025-8000" + f"{serial:04d}",
                    energy_manager="李某",
                    energy_manager_phone="138" + f"{serial:08d}",
                ),
            )
            added += 1
    return added


def load_filings(users: dict) -> None:
    """2020 filings: 江苏 still drafting (with tasks), 山东 submitted, 河南 accepted, 内蒙古 empty.

    ``users`` maps demo usernames to users (inspectors and officers).
    """
    plan = plan_for_year(2020)
    _jiangsu(plan, users)
    shandong = _file_province(plan, "370000", "370300", [users["sd-inspector"]], users)
    if shandong.status.value == "draft":
        tasks.submit_filing(
            shandong, actor=users["sd-officer"], now=datetime(2020, 2, 19, 2, tzinfo=UTC)
        )
    henan = _file_province(
        plan, "410000", "410300", [users["ha-inspector"], users["ha-inspector2"]], users
    )
    if henan.status.value == "draft":
        add_2019_violator(henan, users)
        tasks.submit_filing(
            henan, actor=users["ha-officer"], now=datetime(2020, 2, 24, 2, tzinfo=UTC)
        )
        tasks.accept_filing(
            henan,
            actor=users["ministry"],
            now=datetime(2020, 2, 26, 2, tzinfo=UTC),
            comment="已接收",
        )


def _enterprises(province_code: str):
    province = by_division_code(province_code)
    return [
        by_credit_code(demo_credit_code(province_code, n + 1))
        for n in range(len(ENTERPRISES[province_code]))
    ], province


def _file_province(plan, province_code, agency_code, inspectors, users):
    enterprises, province = _enterprises(province_code)
    filing = tasks.filing_for(plan, province)
    if tasks.task_total(filing):
        return filing
    agency = by_division_code(agency_code)
    for month, enterprise in enumerate(enterprises, 3):
        industry = enterprise.industry
        category = 4 if industry is None else (2 if industry.kind == "ladder" else 1)
        task = tasks.add_task(
            filing,
            enterprise=enterprise,
            category=category,
            industry=industry,
            agency=agency,
            inspectors=inspectors,
            planned_month=min(month, 10),
            method=ReviewMethod.ON_SITE,
        )
        if category == 2:
            tasks.add_task(
                filing,
                enterprise=enterprise,
                category=3,
                industry=None,
                agency=agency,
                inspectors=inspectors,
                planned_month=task.planned_month,
                method=ReviewMethod.ON_SITE,
                parent_task=task,
            )
    return filing


def _jiangsu(plan, users) -> None:
    """Half filed: some Annex-1 plants tasked, others not yet (the coverage check shows them)."""
    enterprises, province = _enterprises("320000")
    filing = tasks.filing_for(plan, province)
    if tasks.task_total(filing):
        return
    nanjing = by_division_code("320100")
    suzhou = by_division_code("320500")
    inspectors = {nanjing.id: users["js-inspector"], suzhou.id: users["js-inspector2"]}
    for index, enterprise in enumerate(enterprises):
        if index % 3 == 2:
            continue  # left for the officer to add (or explain) before submitting
        agency = nanjing if index % 2 == 0 else suzhou
        industry = enterprise.industry
        category = 4 if industry is None else (2 if industry.kind == "ladder" else 1)
        tasks.add_task(
            filing,
            enterprise=enterprise,
            category=category,
            industry=industry,
            agency=agency,
            inspectors=[inspectors[agency.id]],
            planned_month=3 + index % 8,
            method=ReviewMethod.DESK if enterprise.is_stopped else ReviewMethod.ON_SITE,
        )
    # A 2019 violator under "回头看" (category 五).
    tasks.add_task(
        filing,
        enterprise=enterprises[4],
        category=5,
        industry=None,
        agency=nanjing,
        inspectors=[users["js-inspector"]],
        planned_month=5,
        method=ReviewMethod.ON_SITE,
        remarks="2019年单位产品综合能耗超限额，已下达限期整改通知书",
    )
