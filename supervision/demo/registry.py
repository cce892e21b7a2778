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


#: 河南's other key energy-using enterprises, the population of its daily supervision (双随机):
#: not in the 2020 special-supervision filing. Same columns as ``ENTERPRISES``; their credit
#: codes use serials from ``DAILY_SERIAL_START`` on (they never collide with the filed ones).
DAILY_ENTERPRISES: dict[str, list[tuple]] = {
    "410000": [
        # 郑州 4101
        ("郑州荥锦热电有限公司", None, "410182", None, "热电联产（2×300MW）", 285000, True),
        ("登封中岳水泥有限公司", "cement", "410185", None, "熟料、水泥", 168000, True),
        ("新密市恒达耐火材料有限公司", None, "410183", None, "高铝砖、镁碳砖", 26000, True),
        ("郑州中牟汽车零部件有限公司", None, "410122", None, "汽车铸锻件", 9800, True),
        ("巩义市豫联铝板带有限公司", None, "410181", None, "铝板带箔（轧制）", 42000, True),
        ("郑州金水速冻食品有限公司", None, "410105", None, "速冻米面食品", 7600, False),
        ("荥阳市建材水泥有限公司", "cement", "410182", None, "水泥粉磨", 12000, True),
        ("郑州二七精细化工有限公司", None, "410103", None, "染料中间体", 15500, True),
        ("新郑市华信纸业有限公司", None, "410184", None, "瓦楞原纸、箱板纸", 34000, True),
        ("郑州上街铝电有限公司", "electrolytic_aluminium", "410106", None, "电解铝", 290000, True),
        # 开封 4102
        ("开封祥符化肥有限公司", None, "410212", None, "合成氨、尿素", 248000, True),
        ("开封禹王台空分设备有限公司", None, "410205", None, "空分设备", 8200, True),
        ("兰考县人造板有限公司", None, "410225", None, "刨花板、中密度纤维板", 19000, True),
        ("尉氏县棉纺织有限公司", None, "410223", None, "棉纱、坯布", 11500, True),
        ("杞县蒜业食品有限公司", None, "410221", None, "脱水蒜片", 5200, False),
        ("开封龙亭热电有限公司", None, "410202", None, "热电联产", 196000, True),
        # 洛阳 4103
        ("伊川县铝电有限公司", "electrolytic_aluminium", "410329", None, "电解铝", 275000, True),
        ("洛阳瀍河浮法玻璃有限公司", None, "410304", None, "浮法玻璃", 88000, True),
        ("新安县黛眉水泥有限公司", "cement", "410323", None, "熟料、水泥", 142000, True),
        ("偃师市伊洛钢铁有限公司", "steel", "410381", None, "粗钢（电炉）", 210000, True),
        ("洛阳涧西轴承有限公司", None, "410305", None, "滚动轴承", 23000, True),
        ("洛阳洛龙聚酯有限公司", None, "410311", None, "聚酯切片、涤纶短纤", 61000, True),
        ("宜阳县耐火材料有限公司", None, "410327", None, "硅质耐火材料", 14000, True),
        ("洛阳吉利碳四化工有限公司", None, "410306", None, "碳四深加工", 53000, True),
        ("嵩县钼业选矿有限公司", None, "410325", None, "钼精矿", 18500, True),
        ("汝阳县立窑水泥厂", "cement", "410326", STOPPED, "立窑水泥熟料", 9000, True),
        # 平顶山 4104
        ("舞钢市中厚板有限公司", "steel", "410481", None, "中厚钢板", 298000, True),
        ("平顶山尼龙化工有限公司", None, "410411", None, "尼龙66盐", 165000, True),
        ("宝丰县水泥有限公司", "cement", "410421", None, "熟料、水泥", 131000, True),
        ("汝州市焦化有限公司", None, "410482", None, "焦炭、焦炉煤气", 240000, True),
        ("叶县盐化有限公司", None, "410422", None, "真空制盐", 72000, True),
        ("平顶山卫东发电有限公司", None, "410403", None, "燃煤发电", 260000, True),
        ("郏县铸造有限公司", None, "410425", None, "球墨铸铁件", 8500, True),
        # 安阳 4105
        ("林州市钢铁有限公司", "steel", "410581", None, "粗钢", 295000, True),
        ("安阳县焦化有限公司", None, "410522", None, "焦炭、焦炉煤气", 210000, True),
        ("汤阴县面业食品有限公司", None, "410523", None, "挂面、方便面", 13000, True),
        ("滑县棉纺有限公司", None, "410526", None, "棉纱", 9000, True),
        ("安阳殷都煤化工有限公司", None, "410505", None, "煤制乙二醇", 285000, True),
        ("内黄县陶瓷有限公司", None, "410527", None, "陶瓷砖", 56000, True),
        ("安阳文峰印染有限公司", None, "410502", None, "棉布印染", 6800, False),
        # 新乡 4107
        ("辉县市太行水泥有限公司", "cement", "410782", None, "熟料、水泥", 176000, True),
        ("新乡县化纤有限公司", None, "410721", None, "粘胶长丝、氨纶", 118000, True),
        ("卫辉市比干水泥有限公司", "cement", "410781", None, "熟料、水泥", 154000, True),
        ("长垣市起重机械有限公司", None, "410783", None, "桥式起重机", 7200, True),
        ("获嘉县纸业有限公司", None, "410724", None, "文化用纸", 41000, True),
        ("新乡牧野电池材料有限公司", None, "410711", None, "锂离子电池正极材料", 11000, True),
        ("原阳县食品有限公司", None, "410725", None, "速冻米面食品", 8900, True),
        ("新乡凤泉热电有限公司", None, "410704", None, "热电联产", 232000, True),
        # 焦作 4108
        ("焦作山阳铝业有限公司", "electrolytic_aluminium", "410811", None, "电解铝", 298000, True),
        ("焦作中站氯碱化工有限公司", None, "410803", None, "烧碱、液氯", 135000, True),
        ("沁阳市纸业有限公司", None, "410882", None, "生活用纸", 38000, True),
        ("孟州市皮革有限公司", None, "410883", None, "牛皮革", 16000, True),
        ("博爱县水泥有限公司", "cement", "410822", None, "熟料、水泥", 98000, True),
        ("武陟县农业机械有限公司", None, "410823", None, "农业机械", 5600, True),
        ("焦作马村钛业有限公司", None, "410804", None, "钛白粉（硫酸法）", 92000, True),
        # 许昌 4110
        ("禹州市钧都水泥有限公司", "cement", "411081", None, "熟料、水泥", 120000, True),
        ("长葛市再生金属有限公司", None, "411082", None, "再生铝锭", 27000, True),
        ("许昌魏都发制品有限公司", None, "411002", None, "发制品", 5400, False),
        ("襄城县煤化工有限公司", None, "411025", None, "焦炭、焦油", 205000, True),
        ("许昌建安电力设备有限公司", None, "411003", None, "变压器、电抗器", 8000, True),
        # 鹤壁 4106、濮阳 4109、漯河 4111、三门峡 4112
        ("鹤壁淇滨镁业有限公司", None, "410611", None, "金属镁", 145000, True),
        ("濮阳华龙化工有限公司", None, "410902", None, "环氧乙烷、乙二醇", 66000, True),
        ("漯河源汇肉类食品有限公司", None, "411102", None, "肉制品", 31000, True),
        ("义马市煤化工有限公司", None, "411281", None, "煤制气、焦油加工", 178000, True),
    ],
}
#: First serial of the daily-supervision enterprises' credit codes.
DAILY_SERIAL_START = 101


def demo_credit_code(province_code: str, serial: int) -> str:
    first17 = f"91{province_code[:6]}MA{serial:07d}"
    return first17 + enterprise_rules.credit_code_check_character(first17)


def load_registry() -> int:
    """Create the demo enterprises that are missing; returns how many were added."""
    added = 0
    numbered = [(code, rows, 1) for code, rows in ENTERPRISES.items()]
    numbered += [(code, rows, DAILY_SERIAL_START) for code, rows in DAILY_ENTERPRISES.items()]
    for province_code, rows, first in numbered:
        province = by_division_code(province_code)
        for serial, (name, industry, division, status, products, tce, key_unit) in enumerate(
            rows, first
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
