"""Remanufactured-product trade-in pilots (再制造产品“以旧换再”推广试点), seed 003: the call
(征集) and its applicants with their documents and formal review (形式审查), the pilot
enterprises chosen and announced, and their outlets (推广网点).

Daily management (trade-ins, monthly packs, quarterly reports, third-party checks,
complaints) lives in ``daily_models``. The detailed review of the applicants is an expert review
(``supervision.reviews``), linked by ``PilotCall.review_id`` and ``ReviewCandidate.source``.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import access
from ..core.models import Audited, Organisation, User, label, str_enum
from ..core.types import UTCDateTime, utcnow
from ..extensions import db
from ..reviews.models import Review


class CallStatus(enum.StrEnum):
    OPEN = "open"  # 征集中
    CLOSED = "closed"  # 征集结束: formal review
    REVIEWING = "reviewing"  # detailed review (an expert review)
    DECIDED = "decided"  # pilots chosen (确定推广单位)
    ANNOUNCED = "announced"  # 公告, 确定通知书 sent: daily management runs

    @property
    def label(self) -> str:
        return str(CALL_STATUS_LABELS[self])


CALL_STATUS_LABELS = {
    CallStatus.OPEN: _l("征集中"),
    CallStatus.CLOSED: _l("征集结束"),
    CallStatus.REVIEWING: _l("评审中"),
    CallStatus.DECIDED: _l("已确定推广单位"),
    CallStatus.ANNOUNCED: _l("已公告"),
}


class PilotCall(Audited, db.Model):
    """One call for pilot enterprises (公开征集), e.g. 2014 年再制造产品“以旧换再”推广试点."""

    __tablename__ = "pilot_calls"
    __audit_exclude__ = frozenset({"version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), info=label(_l("征集名称")))
    notice_number: Mapped[str] = mapped_column(String(80), default="", info=label(_l("公告文号")))
    #: 推广年度: digits 2–3 of every product code (2014 → "14").
    year: Mapped[int] = mapped_column(info=label(_l("推广年度")))
    #: Product classes of the pilot: [{"letter": "F", "correction": 0, "name": "发动机"}, …]
    #: (the code's letter is the pinyin initial; the correction digit tells clashes apart).
    product_classes: Mapped[list] = mapped_column(
        JSON, default=list, info=label(_l("推广产品类别"))
    )
    opens_on: Mapped[date] = mapped_column(info=label(_l("征集开始日期")))
    closes_on: Mapped[date] = mapped_column(info=label(_l("征集截止日期")))
    #: The last day of trading under the pilot (试点截止日期): monthly packs and quarterly
    #: reports are owed up to its month and quarter; None while the programme runs on.
    trading_ends_on: Mapped[date | None] = mapped_column(info=label(_l("试点截止日期")))
    #: 申请单位必须具备以下资格条件: one condition per entry (text).
    qualifications: Mapped[list] = mapped_column(JSON, default=list, info=label(_l("资格条件")))
    #: Documents every applicant must hold valid (document kinds, see DocumentKind).
    required_documents: Mapped[list] = mapped_column(JSON, default=list, info=label(_l("必备证照")))
    funding_cap_wan: Mapped[Decimal | None] = mapped_column(
        Numeric(14, 2), info=label(_l("资金规模（万元）"))
    )
    max_selected: Mapped[int | None] = mapped_column(info=label(_l("征集上限（家）")))
    #: Share of each period's trade-ins the third-party checks sample (seed 003: 5 %–10 %).
    check_rate: Mapped[Decimal] = mapped_column(
        Numeric(5, 4), default=Decimal("0.05"), info=label(_l("第三方核查比例"))
    )
    status: Mapped[CallStatus] = mapped_column(
        str_enum(CallStatus, 10), default=CallStatus.OPEN, info=label(_l("状态"))
    )
    review_id: Mapped[int | None] = mapped_column(
        ForeignKey("reviews.id"), unique=True, info=label(_l("详细评审"))
    )
    #: The announcement of the pilots (公告) and the date their commitment letters are due.
    announced_on: Mapped[date | None] = mapped_column(info=label(_l("公告日期")))
    commitment_due_on: Mapped[date | None] = mapped_column(info=label(_l("承诺书签订期限")))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    review: Mapped[Review | None] = relationship()
    applications: Mapped[list[Application]] = relationship(
        back_populates="call", order_by="Application.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class FormalStatus(enum.StrEnum):
    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return str(FORMAL_STATUS_LABELS[self])


FORMAL_STATUS_LABELS = {
    FormalStatus.PENDING: _l("待审查"),
    FormalStatus.PASSED: _l("通过形式审查"),
    FormalStatus.FAILED: _l("未通过形式审查"),
}


class Application(Audited, db.Model):
    """One applicant enterprise (申请单位) of a call and its formal review."""

    __tablename__ = "pilot_applications"
    __table_args__ = (
        UniqueConstraint("call_id", "credit_code"),
        UniqueConstraint("call_id", "short_name_en"),
    )
    __audit_exclude__ = frozenset({"version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(
        ForeignKey("pilot_calls.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200), info=label(_l("申请单位名称")))
    #: 英文简称 (presentation order at the detailed review).
    short_name_en: Mapped[str] = mapped_column(String(40), info=label(_l("英文简称")))
    credit_code: Mapped[str] = mapped_column(String(18), info=label(_l("统一社会信用代码")))
    #: 法定代表人 / 主要负责人.
    principal: Mapped[str] = mapped_column(String(40), info=label(_l("法定代表人")))
    #: Where it is: its province (scope) and city (the monthly packs go to that city).
    province_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id"), index=True, info=label(_l("所在省份"))
    )
    city_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), index=True, info=label(_l("所在地市"))
    )
    address: Mapped[str] = mapped_column(String(255), default="", info=label(_l("地址")))
    contact: Mapped[str] = mapped_column(String(40), default="", info=label(_l("联系人")))
    phone: Mapped[str] = mapped_column(String(40), default="", info=label(_l("联系电话")))
    #: What it would remanufacture (e.g. 发动机、变速箱) and the funds it asks for.
    products: Mapped[str] = mapped_column(String(200), default="", info=label(_l("推广产品")))
    requested_wan: Mapped[Decimal | None] = mapped_column(
        Numeric(14, 2), info=label(_l("申请资金（万元）"))
    )
    submitted_on: Mapped[date] = mapped_column(info=label(_l("申请日期")))
    #: Per qualification of the call (same order): met or not, as the reviewer found.
    qualifications_met: Mapped[list] = mapped_column(
        JSON, default=list, info=label(_l("资格条件审查"))
    )
    #: 申请文件内容完整.
    complete: Mapped[bool | None] = mapped_column(info=label(_l("申请文件完整")))
    formal_status: Mapped[FormalStatus] = mapped_column(
        str_enum(FormalStatus, 10), default=FormalStatus.PENDING, info=label(_l("形式审查结果"))
    )
    #: Why it failed (each reason a line), shown to the applicant's record.
    formal_reasons: Mapped[list] = mapped_column(JSON, default=list, info=label(_l("未通过原因")))
    formal_reviewed_on: Mapped[date | None] = mapped_column(info=label(_l("形式审查日期")))
    formal_reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Its place in the detailed review, once it passed the formal review.
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_candidates.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    call: Mapped[PilotCall] = relationship(back_populates="applications")
    province: Mapped[Organisation] = relationship(foreign_keys=[province_id])
    city: Mapped[Organisation | None] = relationship(foreign_keys=[city_id])
    formal_reviewed_by: Mapped[User | None] = relationship()
    documents: Mapped[list[ApplicationDocument]] = relationship(
        back_populates="application",
        order_by="ApplicationDocument.id",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id


class DocumentKind(enum.StrEnum):
    BUSINESS_LICENCE = "business"  # 营业执照
    PRODUCTION_LICENCE = "production"  # 生产许可证
    QUALITY_CERTIFICATE = "quality"  # 质量体系认证证书
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(DOCUMENT_KIND_LABELS[self])


DOCUMENT_KIND_LABELS = {
    DocumentKind.BUSINESS_LICENCE: _l("营业执照"),
    DocumentKind.PRODUCTION_LICENCE: _l("生产许可证"),
    DocumentKind.QUALITY_CERTIFICATE: _l("质量体系认证证书"),
    DocumentKind.OTHER: _l("其他证明文件"),
}


class ApplicationDocument(Audited, db.Model):
    """One document of an application: valid (年检 passed, within its validity) or not."""

    __tablename__ = "pilot_application_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("pilot_applications.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[DocumentKind] = mapped_column(
        str_enum(DocumentKind, 12), info=label(_l("证照类别"))
    )
    number: Mapped[str] = mapped_column(String(80), default="", info=label(_l("证书编号")))
    issuer: Mapped[str] = mapped_column(String(120), default="", info=label(_l("发证机关")))
    valid_from: Mapped[date | None] = mapped_column(info=label(_l("有效期起")))
    #: None: no end date (e.g. a business licence 长期).
    valid_until: Mapped[date | None] = mapped_column(info=label(_l("有效期至")))
    #: 经过年检 (annual inspection passed, where the document has one).
    inspected: Mapped[bool] = mapped_column(default=True, info=label(_l("已通过年检")))
    note: Mapped[str] = mapped_column(String(255), default="", info=label(_l("备注")))

    application: Mapped[Application] = relationship(back_populates="documents")

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.application.province_id if self.application else None

    @property
    def audit_label(self) -> str:
        return f"{self.application.name if self.application else ''} · {self.kind.label}"


class PilotStatus(enum.StrEnum):
    ANNOUNCED = "announced"  # 确定通知书 sent, commitment letter awaited
    ACTIVE = "active"  # 承诺书 signed: trading
    CANCELLED = "cancelled"  # 未在规定时间内签订承诺书, or disqualified

    @property
    def label(self) -> str:
        return str(PILOT_STATUS_LABELS[self])


PILOT_STATUS_LABELS = {
    PilotStatus.ANNOUNCED: _l("待签订承诺书"),
    PilotStatus.ACTIVE: _l("试点中"),
    PilotStatus.CANCELLED: _l("已取消资格"),
}


class PilotEnterprise(Audited, db.Model):
    """A chosen applicant: its number in the announcement (digits 4–5 of its product codes)."""

    __tablename__ = "pilot_enterprises"
    __table_args__ = (UniqueConstraint("call_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(
        ForeignKey("pilot_calls.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int] = mapped_column(
        ForeignKey("pilot_applications.id", ondelete="CASCADE"), unique=True
    )
    name: Mapped[str] = mapped_column(String(200), info=label(_l("试点企业")))
    #: 生产企业代码: 1, 2 … in the order of the national announcement.
    number: Mapped[int] = mapped_column(info=label(_l("企业代码")))
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    city_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), index=True, info=label(_l("所在地市"))
    )
    notified_on: Mapped[date | None] = mapped_column(info=label(_l("确定通知书日期")))
    commitment_signed_on: Mapped[date | None] = mapped_column(info=label(_l("承诺书签订日期")))
    status: Mapped[PilotStatus] = mapped_column(
        str_enum(PilotStatus, 10), default=PilotStatus.ANNOUNCED, info=label(_l("状态"))
    )
    status_note: Mapped[str] = mapped_column(Text, default="", info=label(_l("说明")))
    #: 公开监督举报电话 the enterprise set up (seed 003 第十六条(五)).
    hotline: Mapped[str] = mapped_column(String(40), default="", info=label(_l("监督举报电话")))

    call: Mapped[PilotCall] = relationship()
    application: Mapped[Application] = relationship()
    province: Mapped[Organisation] = relationship(foreign_keys=[province_id])
    city: Mapped[Organisation | None] = relationship(foreign_keys=[city_id])
    outlets: Mapped[list[Outlet]] = relationship(
        back_populates="pilot", order_by="Outlet.id", cascade="all, delete-orphan"
    )

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def code_number(self) -> str:
        """The two digits of its product codes (01 …)."""
        return f"{self.number:02d}"


class Outlet(Audited, db.Model):
    """A pilot enterprise's outlet (推广网点), where consumers trade in."""

    __tablename__ = "pilot_outlets"
    __table_args__ = (UniqueConstraint("pilot_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(
        ForeignKey("pilot_enterprises.id", ondelete="CASCADE"), index=True
    )
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), info=label(_l("网点名称")))
    address: Mapped[str] = mapped_column(String(255), default="", info=label(_l("地址")))
    division_code: Mapped[str] = mapped_column(
        String(6), default="", info=label(_l("行政区划代码"))
    )
    phone: Mapped[str] = mapped_column(String(40), default="", info=label(_l("联系电话")))

    pilot: Mapped[PilotEnterprise] = relationship(back_populates="outlets")

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id


# -- who sees what ------------------------------------------------------------------------------
# Calls are national and read by every domain role; an applicant, pilot or outlet belongs to the
# province it is in.

access.register_scope(PilotCall, lambda user: None)
for _model in (Application, PilotEnterprise, Outlet):
    access.register_scope(
        _model, lambda user, m=_model: access.province_clause(user, m.province_id)
    )
access.register_scope(
    ApplicationDocument,
    lambda user: ApplicationDocument.application_id.in_(
        access.scoped(Application, user).with_only_columns(Application.id)
    ),
)
