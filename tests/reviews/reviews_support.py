"""Shared by the expert-review tests: a pool of 14 experts (one is ``world.expert``, one has an
economic interest in an applicant, one works for a supervising department), a review with six
candidates and five scoring items, and (optionally) its committee drawn."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest

from conftest import World
from supervision.extensions import db
from supervision.reviews.models import (
    CommitteeDraw,
    CommitteeMember,
    Expert,
    ExpertDeclaration,
    RelationKind,
    Review,
    ReviewCandidate,
    ReviewStatus,
    Speciality,
    TitleLevel,
)

DEPARTMENT = "工业和信息化部节能与综合利用司"
CONVENER = "国家发展改革委、财政部、工业和信息化部、商务部、质检总局相关司局"
SCORING_ITEMS = [
    {"key": "overview", "name": "公司综合概况", "max_points": "15", "price": False},
    {"key": "scale", "name": "管理规模与收益", "max_points": "25", "price": False},
    {"key": "risk", "name": "风险防控体系与制度", "max_points": "20", "price": False},
    {"key": "plan", "name": "本项目投资服务方案", "max_points": "30", "price": False},
    {"key": "price", "name": "价格", "max_points": "10", "price": True},
]
#: (name, English short name, principal, requested 万元); the third is the conflicted one's.
CANDIDATES = [
    ("济南复兴动力再制造有限公司", "FUXING", "王建国", Decimal("800")),
    (f"南京{World.MARKER}再制造科技有限公司", "NJREMAN", "李文", Decimal("600")),
    ("湖南长丰变速箱再制造有限公司", "CHANGFENG", "赵强", Decimal("500")),
    ("广州威达发动机再制造有限公司", "WEIDA", "陈明", Decimal("700")),
    ("上海柏科再制造有限公司", "BAIKE", "周洁", Decimal("400")),
    ("重庆顺驰动力科技有限公司", "SHUNCHI", "吴刚", Decimal("650")),
]
#: (name, title, level, speciality, employer).
EXPERTS = [
    ("刘振华", "教授级高级工程师", TitleLevel.SENIOR, Speciality.TECHNICAL, "机械科学研究总院"),
    ("孙立新", "研究员", TitleLevel.SENIOR, Speciality.TECHNICAL, "中国汽车技术研究中心"),
    ("马晓燕", "高级会计师", TitleLevel.DEPUTY_SENIOR, Speciality.FINANCIAL, "中国财政科学研究院"),
    ("何志强", "高级工程师", TitleLevel.DEPUTY_SENIOR, Speciality.TECHNICAL, "装甲兵工程学院"),
    ("郑海", "教授", TitleLevel.SENIOR, Speciality.ECONOMIC, "中国人民大学"),
    ("钱小平", "高级工程师", TitleLevel.DEPUTY_SENIOR, Speciality.TECHNICAL, "清华大学"),
    ("冯伟", "研究员", TitleLevel.SENIOR, Speciality.TECHNICAL, DEPARTMENT),
    ("韩梅", "副教授", TitleLevel.DEPUTY_SENIOR, Speciality.ECONOMIC, "北京交通大学"),
    ("曹阳", "高级经济师", TitleLevel.DEPUTY_SENIOR, Speciality.ECONOMIC, "中国循环经济协会"),
    ("彭涛", "教授级高级工程师", TitleLevel.SENIOR, Speciality.TECHNICAL, "合肥工业大学"),
    ("蒋丽", "高级会计师", TitleLevel.DEPUTY_SENIOR, Speciality.FINANCIAL, "立信会计师事务所"),
    ("沈卫东", "研究员", TitleLevel.SENIOR, Speciality.TECHNICAL, "中国科学院"),
    ("杨帆", "高级工程师", TitleLevel.DEPUTY_SENIOR, Speciality.TECHNICAL, "湖南大学"),
    ("许静", "副研究员", TitleLevel.DEPUTY_SENIOR, Speciality.TECHNICAL, "同济大学"),
]
#: The expert with an economic interest in candidate 3 (长丰), and the department's staff.
CONFLICTED = 3
STAFF = 6


@dataclass
class Reviewed:
    world: World
    review: Review
    experts: list[Expert] = field(default_factory=list)
    candidates: list[ReviewCandidate] = field(default_factory=list)
    draw: CommitteeDraw | None = None
    members: list[CommitteeMember] = field(default_factory=list)


def make_review(world: World, *, drawn: bool = True, title: str = "") -> Reviewed:
    """The pool, a review meeting on 2014-11-20 with its candidates; if ``drawn``, a committee
    of five with ``world.expert`` (the pool's first expert) in it, in the scoring stage."""
    review = Review(
        title=title or "2014 年再制造产品“以旧换再”推广试点企业评审",
        convener=CONVENER,
        organiser="中国机电产品进出口商会",
        departments=[DEPARTMENT, "国家发展改革委环资司"],
        meets_on=date(2014, 11, 20),
        venue="北京市西城区三里河路 46 号",
        scoring_items=SCORING_ITEMS,
        funding_cap_wan=Decimal("2000"),
        max_selected=4,
        created_by_id=world.ministry_officer.id,
    )
    db.session.add(review)
    made = Reviewed(world, review)
    for n, (name, title_, level, speciality, employer) in enumerate(EXPERTS):
        expert = Expert(
            name=name,
            title=title_,
            title_level=level,
            speciality=speciality,
            employer=employer,
            phone=f"1360000{n:04d}",
            recommended_by="工业和信息化部节能与综合利用司",
            user_id=world.expert.id if n == 0 else None,
        )
        db.session.add(expert)
        made.experts.append(expert)
    for name, short, principal, requested in CANDIDATES:
        candidate = ReviewCandidate(
            name=name,
            short_name_en=short,
            principal=principal,
            requested_wan=requested,
            presenters=[principal, "项目负责人"],
        )
        review.candidates.append(candidate)
        made.candidates.append(candidate)
    db.session.flush()
    made.experts[CONFLICTED].declarations.append(
        ExpertDeclaration(
            kind=RelationKind.ECONOMIC_INTEREST,
            party=CANDIDATES[2][0],
            detail="持有该公司股份",
            declared_on=date(2014, 10, 8),
        )
    )
    if drawn:
        chosen = [made.experts[i] for i in (0, 1, 2, 4, 9)]
        made.draw = CommitteeDraw(
            review_id=review.id,
            seed="f" * 32,
            pool_count=len(EXPERTS),
            eligible_count=len(EXPERTS) - 2,
            pool=[{"id": e.id, "name": e.name} for e in made.experts],
            excluded=[
                {
                    "id": made.experts[CONFLICTED].id,
                    "name": made.experts[CONFLICTED].name,
                    "reasons": ["与申请单位有经济利益关系"],
                },
                {
                    "id": made.experts[STAFF].id,
                    "name": made.experts[STAFF].name,
                    "reasons": ["项目主管部门或行政监督部门的人员"],
                },
            ],  # fmt: skip
            order=[e.id for e in chosen],
            method="test",
            drawn_by_id=world.ministry_officer.id,
            witness_id=world.ministry_officer.id,
            witness_name=world.ministry_officer.full_name,
        )
        db.session.add(made.draw)
        db.session.flush()
        for position, expert in enumerate(chosen, start=1):
            member = CommitteeMember(
                review_id=review.id,
                expert_id=expert.id,
                draw_id=made.draw.id,
                position=position,
                is_chair=position == 2,
            )
            db.session.add(member)
            made.members.append(member)
        review.status = ReviewStatus.SCORING
    db.session.commit()
    return made


@pytest.fixture
def reviewed(world) -> Reviewed:
    return make_review(world)
