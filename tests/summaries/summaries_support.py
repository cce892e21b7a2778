"""Province A's annual summary of the 2020 plan, written and submitted once (on time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from conftest import World
from supervision.extensions import db
from supervision.plans.service import plan_for_year
from supervision.summaries import service
from supervision.summaries.models import AnnualSummary, SummaryEvent

#: Monday 28 September 2020, 10:00 in Beijing: two days before the 30 September deadline.
SUBMITTED_AT = datetime(2020, 9, 28, 2, 0, tzinfo=UTC)

TEXTS = {
    "special_text": f"{World.MARKER}：全年完成专项监察任务。",
    "daily_text": "按双随机一公开要求开展日常节能监察。",
    "mechanism_text": "健全省市县三级节能监察体系。",
    "training_text": "举办节能监察业务培训两期。",
    "informatisation_text": "推广能耗指标自动核算和结果在线填报。",
    "problems_text": "基层监察力量不足。",
}


@dataclass
class MadeSummary:
    summary: AnnualSummary
    event: SummaryEvent

    def ids(self) -> dict:
        return {"summary_event": self.event.id}


def write_summary(world: World, **values) -> AnnualSummary:
    """A's 2020 summary with every text filled (``values`` override), not submitted."""
    summary = service.summary_for(plan_for_year(2020), world.a_province)
    service.update_summary(
        summary,
        actor=world.a_officer,
        version=summary.version,
        values={"funds_used": "12.50", "funds_text": "用于现场监察和检测。", **TEXTS, **values},
    )
    db.session.commit()
    return summary


def make_summary(world: World, *, now: datetime = SUBMITTED_AT) -> MadeSummary:
    """A's 2020 summary, written and submitted once through the service."""
    summary = write_summary(world)
    event = service.submit_summary(summary, actor=world.a_officer, now=now)
    db.session.commit()
    return MadeSummary(summary, event)
