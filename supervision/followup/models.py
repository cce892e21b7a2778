"""Using the results (结果运用): improvement suggestions for a finding, referrals to energy
diagnosis (节能诊断) and the retrofit that followed, and excellent cases (节能监察优秀案例)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import access
from ..core.models import Audited, Organisation, User, label, str_enum
from ..core.types import UTCDateTime, utcnow
from ..extensions import db
from ..inspections.models import Finding, InspectionCase, assigned_case_ids


def _case_like_scope(model):
    return lambda user: access.officer_or_own(
        user,
        province_column=model.province_id,
        agency_column=model.agency_id,
        own_clause=model.case_id.in_(assigned_case_ids(user)),
    )


class ImprovementSuggestion(Audited, db.Model):
    """针对不合理用能行为的改进建议: what the enterprise is advised to do about one finding."""

    __tablename__ = "improvement_suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[int] = mapped_column(
        ForeignKey("inspection_cases.id", ondelete="CASCADE"), index=True
    )
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    text: Mapped[str] = mapped_column(Text, info=label(_l("改进建议")))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    finding: Mapped[Finding] = relationship()
    case: Mapped[InspectionCase] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return self.text[:60]


class DiagnosisStatus(enum.StrEnum):
    """referred → diagnosed (measures and estimated savings in) → retrofitted (done)."""

    REFERRED = "referred"
    DIAGNOSED = "diagnosed"
    RETROFITTED = "retrofitted"

    @property
    def label(self) -> str:
        return str(DIAGNOSIS_STATUS_LABELS[self])


DIAGNOSIS_STATUS_LABELS = {
    DiagnosisStatus.REFERRED: _l("已推荐诊断"),
    DiagnosisStatus.DIAGNOSED: _l("已完成诊断"),
    DiagnosisStatus.RETROFITTED: _l("已实施改造"),
}


class DiagnosisReferral(Audited, db.Model):
    """A finding referred to energy diagnosis (节能诊断), then the retrofit actually done."""

    __tablename__ = "diagnosis_referrals"
    __table_args__ = (UniqueConstraint("finding_id"),)
    __audit_exclude__ = frozenset({"version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(
        ForeignKey("inspection_cases.id", ondelete="CASCADE"), index=True
    )
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    status: Mapped[DiagnosisStatus] = mapped_column(
        str_enum(DiagnosisStatus, 12), default=DiagnosisStatus.REFERRED, info=label(_l("状态"))
    )
    provider: Mapped[str] = mapped_column(String(160), info=label(_l("诊断服务机构")))
    referred_on: Mapped[date] = mapped_column(info=label(_l("推荐日期")))
    diagnosis_start_on: Mapped[date | None] = mapped_column(info=label(_l("诊断开始日期")))
    diagnosis_end_on: Mapped[date | None] = mapped_column(info=label(_l("诊断完成日期")))
    measures: Mapped[str] = mapped_column(Text, default="", info=label(_l("提出的节能措施")))
    #: 预计节能量, tonnes of standard coal a year.
    estimated_savings_tce: Mapped[Decimal | None] = mapped_column(
        Numeric(14, 2), info=label(_l("预计节能量（吨标准煤/年）"))
    )
    retrofit_text: Mapped[str] = mapped_column(
        Text, default="", info=label(_l("实际实施的节能改造"))
    )
    retrofit_done_on: Mapped[date | None] = mapped_column(info=label(_l("改造完成日期")))
    #: 实际节能量 once the retrofit is done, tce a year.
    actual_savings_tce: Mapped[Decimal | None] = mapped_column(
        Numeric(14, 2), info=label(_l("实际节能量（吨标准煤/年）"))
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    finding: Mapped[Finding] = relationship()
    case: Mapped[InspectionCase] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return self.provider


class ExcellentStatus(enum.StrEnum):
    """nominated (by a province) → selected (by the ministry) → published; or declined."""

    NOMINATED = "nominated"
    SELECTED = "selected"
    PUBLISHED = "published"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return str(EXCELLENT_STATUS_LABELS[self])


EXCELLENT_STATUS_LABELS = {
    ExcellentStatus.NOMINATED: _l("已推荐"),
    ExcellentStatus.SELECTED: _l("已入选"),
    ExcellentStatus.PUBLISHED: _l("已发布"),
    ExcellentStatus.DECLINED: _l("未入选"),
}


class ExcellentCase(Audited, db.Model):
    """节能监察优秀案例: a case a province nominates with a write-up; the ministry selects and
    publishes it. The published texts are copied, never read from the live case."""

    __tablename__ = "excellent_cases"
    __table_args__ = (UniqueConstraint("case_id"),)
    __audit_exclude__ = frozenset({"version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("inspection_cases.id", ondelete="CASCADE"))
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    year: Mapped[int] = mapped_column(index=True, info=label(_l("年度")))
    title: Mapped[str] = mapped_column(String(160), info=label(_l("案例标题")))
    write_up: Mapped[str] = mapped_column(Text, info=label(_l("案例材料")))
    #: 节能效益 claimed by the write-up (tce a year), if any.
    savings_tce: Mapped[Decimal | None] = mapped_column(
        Numeric(14, 2), info=label(_l("节能效益（吨标准煤/年）"))
    )
    status: Mapped[ExcellentStatus] = mapped_column(
        str_enum(ExcellentStatus, 10),
        default=ExcellentStatus.NOMINATED,
        index=True,
        info=label(_l("状态")),
    )
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    nominated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="", info=label(_l("评选意见")))
    published_on: Mapped[date | None] = mapped_column(index=True, info=label(_l("发布日期")))
    version: Mapped[int] = mapped_column(default=1)

    case: Mapped[InspectionCase] = relationship()
    province: Mapped[Organisation] = relationship(foreign_keys=[province_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return self.title


access.register_scope(ImprovementSuggestion, _case_like_scope(ImprovementSuggestion))
access.register_scope(DiagnosisReferral, _case_like_scope(DiagnosisReferral))
access.register_scope(ExcellentCase, _case_like_scope(ExcellentCase))
