"""The demo remanufactured-product pilots (seed 003): the 2014 call with six applicants in four
provinces, the formal review (one fails on an expired production licence), the detailed review
with a pool of 14 experts, a witnessed draw that excludes two of them, scoring by the five
members, the signed report, the decision and the announcement; then pilot 01 in 南京 trades
(see ``pilots_daily``).

Everything goes through the features' services with the demo users and fixed dates, as the
pages would. Nothing is added when the call is already there."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_DOWN, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..core.models import Role
from ..enterprises.rules import credit_code_check_character
from ..extensions import db
from ..organisations.service import by_division_code
from ..pilots import announcing, applications, calls
from ..pilots.models import DocumentKind, PilotCall
from ..reviews import committee, pool, reporting, scoring
from ..reviews import setup as review_setup
from ..reviews.models import RelationKind, Review, Speciality, TitleLevel
from .pilots_daily import load_daily

CALL = "2014 年再制造产品“以旧换再”推广试点企业征集"
CONVENER = "国家发展改革委、财政部、工业和信息化部、商务部、质检总局相关司局"
DEPARTMENTS = ["国家发展改革委环资司", "工业和信息化部节能与综合利用司", "财政部经济建设司"]
#: The seed called out at the witnessed draw (reproducible: the draw page redoes it).
DRAW_SEED = "20141113-再制造评审-0927"
MEETS_ON = date(2014, 11, 20)
_BEIJING = ZoneInfo("Asia/Shanghai")

#: (name, title, level, speciality, employer, recommended by): the pool, each with its login
#: expert01 … expert14 in this order.
EXPERTS = [
    ("刘振华", "教授级高级工程师", TitleLevel.SENIOR, Speciality.TECHNICAL, "机械科学研究总院", "国家发展改革委环资司"),
    ("孙立新", "研究员", TitleLevel.SENIOR, Speciality.TECHNICAL, "中国汽车技术研究中心", "工业和信息化部节能与综合利用司"),
    ("马晓燕", "高级会计师", TitleLevel.DEPUTY_SENIOR, Speciality.FINANCIAL, "中国财政科学研究院", "财政部经济建设司"),
    ("何志强", "高级工程师", TitleLevel.DEPUTY_SENIOR, Speciality.TECHNICAL, "装甲兵工程学院", "国家发展改革委环资司"),
    ("郑海", "教授", TitleLevel.SENIOR, Speciality.ECONOMIC, "中国人民大学", "商务部"),
    ("钱小平", "高级工程师", TitleLevel.DEPUTY_SENIOR, Speciality.TECHNICAL, "清华大学", "质检总局"),
    ("冯伟", "研究员", TitleLevel.SENIOR, Speciality.TECHNICAL, "工业和信息化部节能与综合利用司", "工业和信息化部节能与综合利用司"),
    ("韩梅", "副教授", TitleLevel.DEPUTY_SENIOR, Speciality.ECONOMIC, "北京交通大学", "商务部"),
    ("曹阳", "高级经济师", TitleLevel.DEPUTY_SENIOR, Speciality.ECONOMIC, "中国循环经济协会", "国家发展改革委环资司"),
    ("彭涛", "教授级高级工程师", TitleLevel.SENIOR, Speciality.TECHNICAL, "合肥工业大学", "工业和信息化部节能与综合利用司"),
    ("蒋丽", "高级会计师", TitleLevel.DEPUTY_SENIOR, Speciality.FINANCIAL, "立信会计师事务所", "财政部经济建设司"),
    ("沈卫东", "研究员", TitleLevel.SENIOR, Speciality.TECHNICAL, "中国科学院过程工程研究所", "质检总局"),
    ("杨帆", "高级工程师", TitleLevel.DEPUTY_SENIOR, Speciality.TECHNICAL, "湖南大学", "国家发展改革委环资司"),
    ("许静", "副研究员", TitleLevel.DEPUTY_SENIOR, Speciality.ECONOMIC, "国务院发展研究中心", "国家发展改革委环资司"),
]  # fmt: skip
#: Demo accounts of the experts (service.ACCOUNTS takes them): role EXPERT at the ministry.
EXPERT_ACCOUNTS = [
    (f"expert{n:02d}", row[0], {Role.EXPERT}, "ministry", None, None)
    for n, row in enumerate(EXPERTS, start=1)
]

#: (name, short name, principal, province, city, requested 万元, price quote 元, presenters).
#: The last one fails the formal review; 南京 comes out first and becomes pilot 01.
APPLICANTS = [
    ("南京宁远动力再制造有限公司", "NINGYUAN", "李文", "320000", "320100", "600", "39500", ["李文", "王静"]),
    ("济南复兴动力再制造有限公司", "FUXING", "王志刚", "370000", "370100", "500", "40000", ["王志刚", "刘芳", "张涛"]),
    ("淄博鲁中变速箱再制造有限公司", "LUZHONG", "赵强", "370000", "370300", "450", "41000", ["赵强"]),
    ("郑州中原动力再制造有限公司", "ZHONGYUAN", "陈明", "410000", "410100", "400", "42000", ["陈明", "周红"]),
    ("洛阳恒力传动再制造有限公司", "HENGLI", "周洁", "410000", "410300", "300", "39800", ["周洁", "孙斌"]),
    ("包头北方重型发动机再制造有限公司", "BEIFANG", "吴刚", "150000", "150200", "700", None, []),
]  # fmt: skip
FAILING = "BEIFANG"
#: Expert 11 (蒋丽) audits 淄博鲁中: a declared economic interest; expert 7 (冯伟) works for a
#: department of the review. Expert 2's interest names a company not applying (no recusal).
DECLARATIONS = [
    (11, RelationKind.ECONOMIC_INTEREST, "淄博鲁中变速箱再制造有限公司", "2013、2014 年度财务审计项目负责人"),
    (2, RelationKind.ECONOMIC_INTEREST, "广州威达发动机再制造有限公司", "该公司技术顾问（2012 年至今）"),
]  # fmt: skip
ITEMS = (
    "公司综合概况|15\n管理规模与收益|25\n风险防控体系与制度|20\n本项目投资服务方案|30\n价格|10|价格"
)
#: Each member's total (by draw position) for each candidate: with the price scores (lowest
#: quote 39 500: 9.875 → 9.88 for FUXING) NINGYUAN 91.30, FUXING and HENGLI tie at 86.50,
#: LUZHONG 83.13, ZHONGYUAN 80.20 (out: the call takes at most 4).
TOTALS = {
    "NINGYUAN": ["80.5", "82.0", "79.5", "81.0", "83.5"],
    "FUXING": ["76.5", "78.0", "75.6", "77.0", "76.0"],
    "HENGLI": ["77.5", "75.0", "76.4", "78.0", "76.0"],
    "LUZHONG": ["72.5", "74.0", "73.0", "75.5", "72.5"],
    "ZHONGYUAN": ["70.0", "72.5", "69.5", "71.0", "71.0"],
}
COMMENTS = {
    "NINGYUAN": "旧件回收网络覆盖江苏主要城市，质量保证体系完善，推广方案具体可行。",
    "FUXING": "再制造技术成熟，产能充足；风险防控制度需进一步细化。",
    "HENGLI": "报价有竞争力，网点布局合理；管理规模偏小。",
    "LUZHONG": "变速箱再制造经验丰富，推广方案的补贴结算流程需完善。",
    "ZHONGYUAN": "综合实力一般，旧件回收体系尚在建设中。",
}


#: Telephone area codes of the demo's cities (division code → 区号).
AREA_CODES = {
    "320100": "025",
    "370100": "0531",
    "370300": "0533",
    "410100": "0371",
    "410300": "0379",
    "150200": "0472",
}


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 30) -> datetime:
    """A moment in Beijing time, as the services take it (UTC)."""
    return datetime(year, month, day, hour, minute, tzinfo=_BEIJING).astimezone(UTC)


def _credit_code(division: str, serial: int) -> str:
    first17 = f"91{division}{serial:09d}"
    return first17 + credit_code_check_character(first17)


def _experts(users: dict) -> None:
    ministry = users["ministry"]
    if pool.active_pool():
        return
    made = []
    for n, (name, title, level, speciality, employer, recommended) in enumerate(EXPERTS, 1):
        made.append(
            pool.create_expert(
                pool.ExpertData(
                    name=name,
                    title=title,
                    title_level=level.value,
                    speciality=speciality.value,
                    employer=employer,
                    phone=f"1391{n:03d}{(n * 7919) % 10000:04d}",
                    email=f"expert{n:02d}@demo.jnjc.example",
                    recommended_by=recommended,
                    user_id=users[f"expert{n:02d}"].id,
                ),
                actor=ministry,
                now=at(2014, 8, 20),
            )
        )
    for number, kind, party, detail in DECLARATIONS:
        pool.add_declaration(
            made[number - 1],
            kind=kind.value,
            party=party,
            detail=detail,
            declared_on=date(2014, 8, 25),
            actor=ministry,
        )


def _call(ministry) -> PilotCall:
    call = calls.create_call(
        calls.CallData(
            name=CALL,
            year=2014,
            opens_on=date(2014, 9, 1),
            closes_on=date(2014, 9, 30),
            notice_number="发改办环资〔2014〕1966 号",
            product_classes=[
                {"letter": "F", "correction": 0, "name": "发动机"},
                {"letter": "B", "correction": 0, "name": "变速箱"},
            ],
            qualifications=[
                "在中华人民共和国境内注册，具有独立法人资格，注册资本不低于 1000 万元",
                "列入国家再制造试点企业名单，具备发动机或变速箱再制造能力",
                "具备完善的旧件回收体系、质量保证体系和售后服务网络",
            ],
            required_documents=[
                DocumentKind.BUSINESS_LICENCE.value,
                DocumentKind.PRODUCTION_LICENCE.value,
                DocumentKind.QUALITY_CERTIFICATE.value,
            ],
            funding_cap_wan=Decimal("2000"),
            max_selected=4,
            check_rate=Decimal("0.05"),
            trading_ends_on=date(2015, 12, 31),
        ),
        actor=ministry,
        now=at(2014, 8, 28),
    )
    for n, (name, short, principal, province, city, wan, _quote, _people) in enumerate(APPLICANTS):
        application = applications.create_application(
            call,
            applications.ApplicationData(
                name=name,
                short_name_en=short,
                credit_code=_credit_code(city, 5_230_017 + 1_009 * n),
                principal=principal,
                province_id=by_division_code(province).id,
                city_id=by_division_code(city).id,
                submitted_on=date(2014, 9, 10 + 3 * n),
                address=f"{name[:2]}市经济技术开发区再制造产业园 {n + 1} 号",
                contact=principal,
                phone=f"{AREA_CODES.get(city, '010')}-8{n + 1}61{n + 2}0{n + 3}8",
                products="发动机、变速箱" if n % 2 == 0 else "发动机",
                requested_wan=Decimal(wan),
            ),
            actor=ministry,
            now=at(2014, 9, 10 + 3 * n),
        )
        _documents(application, n, expired=short == FAILING, actor=ministry)
    return call


def _documents(application, n: int, *, expired: bool, actor) -> None:
    documents = [
        (DocumentKind.BUSINESS_LICENCE, application.credit_code, "工商行政管理局",
         date(2009 + n % 3, 5, 18), None),
        (DocumentKind.PRODUCTION_LICENCE, f"XK06-014-{1203 + 37 * n:05d}", "国家质量监督检验检疫总局",
         date(2011, 9, 1), date(2014, 8, 31) if expired else date(2016, 8, 31)),
        (DocumentKind.QUALITY_CERTIFICATE, f"0{3513 + n}Q2{1024 + 11 * n}R0M", "中国质量认证中心",
         date(2013, 3, 20), date(2016, 3, 19)),
    ]  # fmt: skip
    for kind, number, issuer, valid_from, valid_until in documents:
        applications.add_document(
            application,
            applications.DocumentData(
                kind=kind.value,
                number=number,
                issuer=issuer,
                valid_from=valid_from,
                valid_until=valid_until,
                inspected=True,
            ),
            actor=actor,
            now=at(2014, 9, 26),
        )


def _formal_review(call: PilotCall, ministry) -> None:
    """The call closes on its date; on 2014-10-15 five pass and 包头北方 fails: its production
    licence expired on 2014-08-31."""
    calls.close_call(call, actor=ministry, now=at(2014, 9, 30, 17, 30))
    for application in call.applications:
        applications.review_formally(
            application,
            qualifications_met=[True] * len(call.qualifications),
            complete=True,
            actor=ministry,
            now=at(2014, 10, 15, 10),
        )


def _review(call: PilotCall, ministry) -> Review:
    review = calls.send_to_review(
        call,
        review_setup.ReviewData(
            title=calls.review_title(call),
            convener=CONVENER,
            organiser="中国循环经济协会再制造专业委员会",
            meets_on=MEETS_ON,
            departments=list(DEPARTMENTS),
            venue="北京市西城区月坛南街 38 号 第三会议室",
            scoring_items_text=ITEMS,
        ),
        actor=ministry,
        now=at(2014, 10, 20),
    )
    facts = {
        short: (Decimal(quote), people) for _n, short, *_r, quote, people in APPLICANTS if quote
    }
    for candidate in review.candidates:
        quote, people = facts[candidate.short_name_en]
        review_setup.update_candidate(
            candidate,
            review_setup.CandidateData(
                name=candidate.name,
                short_name_en=candidate.short_name_en,
                principal=candidate.principal,
                requested_wan=candidate.requested_wan,
                price_quote=quote,
                presenters=people,
            ),
            actor=ministry,
        )
    return review


def _points(total: Decimal, items: list[dict], tilt: int) -> dict[str, str]:
    """One member's points on the scored items adding up to ``total``: in proportion to the
    items' maxima (each member leaning half a point differently), the last item the rest."""
    share = total / sum(Decimal(i["max_points"]) for i in items)
    points = [
        (Decimal(i["max_points"]) * share).quantize(Decimal("0.1"), rounding=ROUND_DOWN)
        for i in items[:-1]
    ]
    points[tilt % len(points)] -= Decimal("0.5")
    points.append(total - sum(points))
    if not all(0 <= p <= Decimal(i["max_points"]) for p, i in zip(points, items, strict=True)):
        raise ValueError(f"demo points {points} do not fit the items")
    return {i["key"]: str(p) for p, i in zip(points, items, strict=True)}


def _committee_and_scores(review: Review, users: dict) -> None:
    """Drawn a week before the meeting under 陈红's supervision (冯伟 and 蒋丽 excluded), the
    first senior expert drawn elected chair; at the meeting each member scores each
    candidate."""
    ministry = users["ministry"]
    committee.draw(
        review,
        actor=ministry,
        now=at(2014, 11, 13, 10),
        seed=DRAW_SEED,
        witness_id=users["ministry2"].id,
    )
    members = committee.members(review)
    chair = next((m for m in members if m.expert.title_level == TitleLevel.SENIOR), members[0])
    committee.elect_chair(review, chair, actor=ministry)
    items = scoring.scored_items(review)
    for position, member in enumerate(members):
        expert_user = member.expert.user
        for n, candidate in enumerate(scoring.scored_candidates(review)):
            total = Decimal(TOTALS[candidate.short_name_en][position])
            scoring.save_sheet(
                review,
                candidate,
                points=_points(total, items, position + n),
                comment=COMMENTS[candidate.short_name_en],
                actor=expert_user,
                now=at(2014, 11, 20, 14, 10 + 8 * n),
                today=MEETS_ON,
                submit=True,
            )
    scoring.close_scoring(review, actor=ministry, today=MEETS_ON)


def _report_and_decision(review: Review, users: dict) -> None:
    ministry = users["ministry"]
    report = reporting.generate_report(
        review,
        formal_summary="",
        recommendation="",
        actor=ministry,
        now=at(2014, 11, 21, 15),
        today=date(2014, 11, 21),
        version=None,
    )
    for n, member in enumerate(committee.members(review)):
        reporting.sign_report(
            review,
            actor=member.expert.user,
            now=at(2014, 11, 21, 16, 5 * n),
            version=report.version,
        )
    reporting.submit_report(
        review, actor=ministry, now=at(2014, 11, 24), today=date(2014, 11, 24),
        version=report.version,
    )  # fmt: skip
    reporting.decide(
        review,
        selected=reporting.recommended_ids(report),
        note="同意评审委员会推荐意见，在资金规模和征集上限内按得分由高到低确定 4 家推广试点企业。",
        actor=ministry,
        today=date(2014, 12, 5),
        version=review.version,
    )


def _announce(call: PilotCall, ministry) -> None:
    """Announced on 2014-12-15, commitment letters due 2014-12-31: pilot 01 (南京) signs on
    2014-12-25, the others in the days after."""
    pilots = announcing.announce(
        call,
        announced_on=date(2014, 12, 15),
        commitment_due_on=date(2014, 12, 31),
        actor=ministry,
        now=at(2014, 12, 15),
    )
    for pilot in pilots:
        announcing.record_commitment(
            pilot,
            signed_on=date(2014, 12, 24 + pilot.number),
            hotline=f"{pilot.application.phone.split('-')[0]}-8{pilot.number}31{pilot.number}315",
            actor=ministry,
            now=at(2014, 12, 31, 16),
        )


def load_pilots(users: dict) -> PilotCall:
    """The demo call and all that follows it (nothing is added when the call is there)."""
    found = db.session.scalar(select(PilotCall).where(PilotCall.name == CALL))
    if found is not None:
        return found
    ministry = users["ministry"]
    _experts(users)
    call = _call(ministry)
    _formal_review(call, ministry)
    review = _review(call, ministry)
    _committee_and_scores(review, users)
    _report_and_decision(review, users)
    _announce(call, ministry)
    load_daily(call, users)
    db.session.flush()
    return call
