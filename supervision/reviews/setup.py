"""Setting up a review: its facts, the committee's size, the scoring items, the candidates with
their English short names (the presentation order) and presenters."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select

from ..core import access
from ..core.access import Permission
from ..core.errors import DomainError
from ..extensions import db
from .models import (
    CommitteeDraw,
    DrawStatus,
    Review,
    ReviewCandidate,
    ReviewStatus,
    ScoreSheet,
)
from .pool import require_version
from .rules.committee import MAX_PRESENTERS, short_name_problem

NOT_ALLOWED = _l("只有部级业务人员可以设置评审。")
#: Statuses after which the candidates and the review's facts are the record: no more edits.
CLOSED = (ReviewStatus.REPORTED, ReviewStatus.DECIDED)
#: Most points an item may carry, and most items.
MAX_ITEM_POINTS = Decimal("1000")
MAX_ITEMS = 30
PRICE_WORDS = {"价格", "价格分", "price"}


@dataclass
class ReviewData:
    title: str
    convener: str
    organiser: str
    meets_on: date | None
    departments: list[str] = field(default_factory=list)
    venue: str = ""
    committee_size: int | None = 5
    minimum_pool: int | None = 12
    blind_scoring: bool = True
    #: Lines "名称|满分", the price item "名称|满分|价格".
    scoring_items_text: str = ""
    funding_cap_wan: Decimal | None = None
    max_selected: int | None = None


@dataclass
class CandidateData:
    name: str
    short_name_en: str
    principal: str = ""
    requested_wan: Decimal | None = None
    price_quote: Decimal | None = None
    presenters: list[str] = field(default_factory=list)


def _require_manager(actor) -> None:
    if actor is not None and not access.can(actor, Permission.MANAGE_REVIEWS):
        raise DomainError(NOT_ALLOWED)


def lines(text: str | None) -> list[str]:
    """Non-empty lines, trimmed, each once."""
    return list(dict.fromkeys(ln.strip() for ln in (text or "").splitlines() if ln.strip()))


# -- scoring items ------------------------------------------------------------------------------


def _points(text: str, number: int) -> Decimal:
    try:
        points = Decimal(text.strip())
    except InvalidOperation:
        points = None
    if points is None or not points.is_finite() or points <= 0 or points > MAX_ITEM_POINTS:
        raise DomainError(
            _l("第 %(n)s 行：满分须为大于 0 的数。", n=number),
            "scoring_items_text",
        )
    if points.as_tuple().exponent < -1:
        raise DomainError(_l("第 %(n)s 行：满分最多保留一位小数。", n=number), "scoring_items_text")
    return points


def parse_scoring_items(text: str, existing: list[dict] | None = None) -> list[dict]:
    """Scoring items from lines "名称|满分" (the price item: "名称|满分|价格"). An item keeps
    its key when its name is unchanged, so sheets already scored stay attached."""
    keys = {item.get("name"): item.get("key") for item in existing or []}
    used = {key for key in keys.values() if key}
    items: list[dict] = []
    names: set[str] = set()
    for number, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [p.strip() for p in re.split(r"[|｜]", raw)]
        if len(parts) not in (2, 3) or not parts[0]:
            raise DomainError(
                _l("第 %(n)s 行应为“名称|满分”，价格项为“名称|满分|价格”。", n=number),
                "scoring_items_text",
            )
        name, points = parts[0], _points(parts[1], number)
        price = len(parts) == 3
        if price and parts[2].casefold() not in PRICE_WORDS:
            raise DomainError(
                _l("第 %(n)s 行：第三栏只能填“价格”，表示价格计分项。", n=number),
                "scoring_items_text",
            )
        if name in names:
            raise DomainError(_l("评分项目“%(name)s”重复。", name=name), "scoring_items_text")
        names.add(name)
        key = keys.get(name)
        if not key:
            serial = len(used) + 1
            while f"item{serial}" in used:
                serial += 1
            key = f"item{serial}"
            used.add(key)
        items.append({"key": key, "name": name, "max_points": str(points), "price": price})
    if len(items) > MAX_ITEMS:
        raise DomainError(_l("评分项目过多。"), "scoring_items_text")
    if sum(1 for item in items if item["price"]) > 1:
        raise DomainError(_l("价格计分项只能有一项。"), "scoring_items_text")
    return items


def scoring_items_text(items: list[dict]) -> str:
    """The items as the form shows them."""
    return "\n".join(
        f"{i['name']}|{i['max_points']}" + ("|价格" if i.get("price") else "") for i in items or []
    )


def total_points(items: list[dict]) -> Decimal:
    return sum((Decimal(str(i["max_points"])) for i in items or []), Decimal(0))


# -- the review ---------------------------------------------------------------------------------


def has_submitted_sheets(review: Review, candidate: ReviewCandidate | None = None) -> bool:
    stmt = select(ScoreSheet.id).where(
        ScoreSheet.review_id == review.id, ScoreSheet.submitted_at.is_not(None)
    )
    if candidate is not None:
        stmt = stmt.where(ScoreSheet.candidate_id == candidate.id)
    return bool(db.session.scalar(select(exists(stmt))))


def has_active_draw(review: Review) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    CommitteeDraw.review_id == review.id,
                    CommitteeDraw.status == DrawStatus.ACTIVE,
                )
            )
        )
    )


def _clean_review(data: ReviewData, review: Review | None) -> dict:
    title = (data.title or "").strip()
    if not title:
        raise DomainError(_l("请填写评审名称。"), "title")
    if not (data.convener or "").strip():
        raise DomainError(_l("请填写征集人。"), "convener")
    if not (data.organiser or "").strip():
        raise DomainError(_l("请填写评审组织机构。"), "organiser")
    if data.meets_on is None:
        raise DomainError(_l("请填写详细评审日期。"), "meets_on")
    size = data.committee_size or 0
    if not 1 <= size <= 25:
        raise DomainError(
            _l("评审委员人数须在 1 到 25 之间（征集办法规定 5 人）。"), "committee_size"
        )
    minimum = data.minimum_pool or 0
    if minimum < size:
        raise DomainError(
            _l("专家名单最少人数不能少于评审委员人数（征集办法规定不少于 12 人）。"),
            "minimum_pool",
        )
    if data.funding_cap_wan is not None and data.funding_cap_wan < 0:
        raise DomainError(_l("资金规模不能为负数。"), "funding_cap_wan")
    if data.max_selected is not None and data.max_selected < 1:
        raise DomainError(_l("征集上限至少为 1 家。"), "max_selected")
    items = parse_scoring_items(data.scoring_items_text, review.scoring_items if review else [])
    if not items:
        raise DomainError(_l("请至少填写一个评分项目。"), "scoring_items_text")
    return {
        "title": title,
        "convener": data.convener.strip(),
        "organiser": data.organiser.strip(),
        "departments": [d for d in (x.strip() for x in data.departments) if d],
        "meets_on": data.meets_on,
        "venue": (data.venue or "").strip(),
        "committee_size": size,
        "minimum_pool": minimum,
        "blind_scoring": bool(data.blind_scoring),
        "scoring_items": items,
        "funding_cap_wan": data.funding_cap_wan,
        "max_selected": data.max_selected,
    }


def create_review(data: ReviewData, *, actor, now: datetime) -> Review:
    """A new review (准备中): its candidates and committee come next."""
    _require_manager(actor)
    review = Review(
        **_clean_review(data, None),
        status=ReviewStatus.PREPARING,
        created_by_id=actor.id if actor is not None else None,
        created_at=now,
    )
    db.session.add(review)
    db.session.flush()
    return review


def update_review(
    review: Review, data: ReviewData, *, version: int | None, actor, now: datetime
) -> Review:
    """Edit a review. Once a committee is drawn its size and the pool minimum stay (redraw
    to change them); once a sheet is submitted the scoring items stay."""
    _require_manager(actor)
    require_version(review, version)
    if review.status in CLOSED:
        raise DomainError(_l("评审报告已提交，评审信息不能再修改。"))
    values = _clean_review(data, review)
    if has_active_draw(review) and (
        values["committee_size"] != review.committee_size
        or values["minimum_pool"] != review.minimum_pool
    ):
        raise DomainError(
            _l("评审委员会已抽取：评审委员人数和专家名单最少人数不能再改。"), "committee_size"
        )
    if values["scoring_items"] != (review.scoring_items or []) and has_submitted_sheets(review):
        raise DomainError(_l("已有评委提交评分，评分项目不能再改。"), "scoring_items_text")
    for key, value in values.items():
        if getattr(review, key) != value:
            setattr(review, key, value)
    db.session.flush()
    return review


# -- candidates ---------------------------------------------------------------------------------


def _clean_candidate(
    review: Review, data: CandidateData, candidate: ReviewCandidate | None
) -> dict:
    name = (data.name or "").strip()
    if not name:
        raise DomainError(_l("请填写申请单位名称。"), "name")
    short = (data.short_name_en or "").strip().upper()
    problem = short_name_problem(short)
    if problem == "missing":
        raise DomainError(_l("请填写英文简称（陈述按英文简称排序）。"), "short_name_en")
    if problem:
        raise DomainError(
            _l("英文简称只能由大写英文字母和数字组成，例如 FUXING。"), "short_name_en"
        )
    taken = db.session.scalar(
        select(ReviewCandidate.name).where(
            ReviewCandidate.review_id == review.id,
            func.upper(ReviewCandidate.short_name_en) == short,
            ReviewCandidate.id != (candidate.id if candidate else -1),
        )
    )
    if taken is not None:
        raise DomainError(
            _l("英文简称 %(short)s 已由“%(name)s”使用。", short=short, name=taken),
            "short_name_en",
        )
    same_name = db.session.scalar(
        select(
            exists().where(
                ReviewCandidate.review_id == review.id,
                ReviewCandidate.name == name,
                ReviewCandidate.id != (candidate.id if candidate else -1),
            )
        )
    )
    if same_name:
        raise DomainError(_l("该申请单位已在本次评审中。"), "name")
    presenters = [p.strip() for p in data.presenters if p and p.strip()]
    if len(presenters) > MAX_PRESENTERS:
        raise DomainError(
            _l("陈述参加人每家申请单位不超过 %(n)s 人。", n=MAX_PRESENTERS), "presenters"
        )
    if any(len(p) > 40 for p in presenters):
        raise DomainError(_l("陈述人姓名过长。"), "presenters")
    for key in ("requested_wan", "price_quote"):
        value = getattr(data, key)
        if value is not None and value < 0:
            raise DomainError(_l("金额不能为负数。"), key)
    return {
        "name": name,
        "short_name_en": short,
        "principal": (data.principal or "").strip(),
        "requested_wan": data.requested_wan,
        "price_quote": data.price_quote,
        "presenters": presenters,
    }


def _require_open(review: Review) -> None:
    if review.status in (ReviewStatus.SCORED, *CLOSED):
        raise DomainError(_l("评分已完成，申请单位不能再修改。"))


def add_candidate(
    review: Review, data: CandidateData, *, actor, source: str = ""
) -> ReviewCandidate:
    """Add a candidate to the review (not once a member submitted a sheet)."""
    _require_manager(actor)
    _require_open(review)
    if has_submitted_sheets(review):
        raise DomainError(_l("已有评委提交评分，不能再增加申请单位。"))
    candidate = ReviewCandidate(**_clean_candidate(review, data, None), source=source)
    review.candidates.append(candidate)
    db.session.flush()
    return candidate


def update_candidate(candidate: ReviewCandidate, data: CandidateData, *, actor) -> ReviewCandidate:
    """Edit a candidate: names, principal, request, quoted price, presenters (whether it
    withdrew is recorded with the scores, ``scoring.mark_withdrew``)."""
    _require_manager(actor)
    review = candidate.review
    _require_open(review)
    values = _clean_candidate(review, data, candidate)
    for key, value in values.items():
        if getattr(candidate, key) != value:
            setattr(candidate, key, value)
    db.session.flush()
    return candidate


def remove_candidate(candidate: ReviewCandidate, *, actor) -> None:
    """Take a candidate off the review (never one scored, nor one from a pilot application:
    that one leaves through its call)."""
    _require_manager(actor)
    review = candidate.review
    _require_open(review)
    if candidate.source:
        raise DomainError(_l("该申请单位来自试点征集的申请，请在征集页面处理。"))
    if has_submitted_sheets(review, candidate):
        raise DomainError(_l("已有评委为该申请单位提交评分，不能删除；未到会的请标为弃权。"))
    review.candidates.remove(candidate)
    db.session.flush()
