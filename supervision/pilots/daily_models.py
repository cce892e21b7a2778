"""Daily management of the pilots (seed 003 第三章, 第四章): outlets' trade-in records, the
monthly pack each pilot sends its city and the two city reviews, the cities' quarterly reports
and the provincial re-check, the third-party checks drawn from the trade-ins, and complaints.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import access
from ..core.models import Audited, Organisation, User, label, str_enum
from ..core.types import UTCDateTime, utcnow
from ..extensions import db
from .models import Outlet, PilotCall, PilotEnterprise


class TradeIn(db.Model):
    """One trade-in at an outlet (以旧换再): the old part handed in, the consumer, the
    remanufactured product bought with its product code, the price, subsidy and invoice.

    Rows come by the thousand (imports or the outlet's entries) and are not edited once their
    month's pack is submitted; the import job or the entry is the audited record.
    """

    __tablename__ = "pilot_trade_ins"
    __table_args__ = (
        UniqueConstraint("call_id", "product_code"),
        Index("ix_pilot_trade_ins_period", "pilot_id", "traded_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("pilot_calls.id", ondelete="CASCADE"))
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilot_enterprises.id", ondelete="CASCADE"))
    outlet_id: Mapped[int] = mapped_column(ForeignKey("pilot_outlets.id"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    traded_on: Mapped[date] = mapped_column(info=label(_l("交易日期")))
    # The old part (旧件).
    old_part_model: Mapped[str] = mapped_column(String(80), info=label(_l("旧件型号")))
    old_part_number: Mapped[str] = mapped_column(String(64), default="", info=label(_l("旧件编号")))
    residual_yuan: Mapped[Decimal] = mapped_column(
        Numeric(12, 2), default=Decimal(0), info=label(_l("旧件残值（元）"))
    )
    # The consumer (personal data: masked in lists and exports).
    consumer_name: Mapped[str] = mapped_column(String(120), info=label(_l("消费者姓名")))
    id_number: Mapped[str] = mapped_column(String(18), info=label(_l("身份证号码")))
    phone: Mapped[str] = mapped_column(String(40), info=label(_l("联系电话")))
    # The remanufactured product (再制造产品).
    product_class: Mapped[str] = mapped_column(String(20), info=label(_l("产品品类")))
    product_model: Mapped[str] = mapped_column(String(80), info=label(_l("产品型号")))
    #: 以旧换再识别码 = the product's code (推广产品编码), e.g. F0140102687.
    product_code: Mapped[str] = mapped_column(String(11), info=label(_l("以旧换再识别码")))
    price_yuan: Mapped[Decimal] = mapped_column(Numeric(12, 2), info=label(_l("销售价格（元）")))
    subsidy_yuan: Mapped[Decimal] = mapped_column(
        Numeric(12, 2), default=Decimal(0), info=label(_l("补贴金额（元）"))
    )
    invoice_no: Mapped[str] = mapped_column(String(40), info=label(_l("发票号码")))
    #: The month's pack it was reported in (set when the pack is assembled).
    pack_id: Mapped[int | None] = mapped_column(
        ForeignKey("pilot_monthly_packs.id", ondelete="SET NULL"), index=True
    )
    import_job_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_jobs.id", ondelete="SET NULL"), index=True
    )
    row_number: Mapped[int] = mapped_column(default=0)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pilot: Mapped[PilotEnterprise] = relationship()
    outlet: Mapped[Outlet] = relationship()


class PackStatus(enum.StrEnum):
    DRAFT = "draft"  # being assembled by the pilot
    SUBMITTED = "submitted"  # sent to the city (材料装订好后送市级)
    CITY_PASSED = "city"  # 市级循环经济 + 工信 审核通过
    FINANCE_PASSED = "finance"  # 市级财政 审核通过: subsidy paid
    RETURNED = "returned"  # sent back with the reason

    @property
    def label(self) -> str:
        return str(PACK_STATUS_LABELS[self])


PACK_STATUS_LABELS = {
    PackStatus.DRAFT: _l("待报送"),
    PackStatus.SUBMITTED: _l("已报送市级"),
    PackStatus.CITY_PASSED: _l("市级审核通过"),
    PackStatus.FINANCE_PASSED: _l("市级财政审核通过"),
    PackStatus.RETURNED: _l("已退回"),
}


class MonthlyPack(Audited, db.Model):
    """A pilot's pack for one month: the month's trade-ins and subsidies, due to its city by
    the 10th working day of the next month, reviewed by the city then the city's finance."""

    __tablename__ = "pilot_monthly_packs"
    __table_args__ = (UniqueConstraint("pilot_id", "year", "month"),)
    __audit_exclude__ = frozenset({"version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("pilot_calls.id", ondelete="CASCADE"))
    pilot_id: Mapped[int] = mapped_column(
        ForeignKey("pilot_enterprises.id", ondelete="CASCADE"), index=True
    )
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    city_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    year: Mapped[int] = mapped_column(info=label(_l("年度")))
    month: Mapped[int] = mapped_column(info=label(_l("月份")))
    due_on: Mapped[date] = mapped_column(info=label(_l("报送期限")))
    status: Mapped[PackStatus] = mapped_column(
        str_enum(PackStatus, 10), default=PackStatus.DRAFT, info=label(_l("状态"))
    )
    #: Totals as submitted (the trade-ins of the month when it was sent).
    record_count: Mapped[int] = mapped_column(default=0, info=label(_l("推广数量")))
    subsidy_yuan: Mapped[Decimal] = mapped_column(
        Numeric(14, 2), default=Decimal(0), info=label(_l("补贴金额（元）"))
    )
    #: The paper pack's parts received (身份证复印件, 联单管理表, 推广情况表).
    materials: Mapped[list] = mapped_column(JSON, default=list, info=label(_l("报送材料")))
    submitted_on: Mapped[date | None] = mapped_column(info=label(_l("报送日期")))
    city_reviewed_on: Mapped[date | None] = mapped_column(info=label(_l("市级审核日期")))
    city_reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    city_note: Mapped[str] = mapped_column(Text, default="", info=label(_l("市级审核意见")))
    finance_reviewed_on: Mapped[date | None] = mapped_column(info=label(_l("财政审核日期")))
    finance_reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The finance department's reviewer as named on its approval.
    finance_reviewer: Mapped[str] = mapped_column(
        String(80), default="", info=label(_l("财政审核人"))
    )
    finance_note: Mapped[str] = mapped_column(Text, default="", info=label(_l("财政审核意见")))
    return_reason: Mapped[str] = mapped_column(Text, default="", info=label(_l("退回原因")))
    version: Mapped[int] = mapped_column(default=1)

    pilot: Mapped[PilotEnterprise] = relationship()
    city: Mapped[Organisation | None] = relationship(foreign_keys=[city_id])
    city_reviewed_by: Mapped[User | None] = relationship(foreign_keys=[city_reviewed_by_id])
    finance_reviewed_by: Mapped[User | None] = relationship(foreign_keys=[finance_reviewed_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return f"{self.pilot.name if self.pilot else ''} {self.year}-{self.month:02d}"


class QuarterStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # the city reported it to the province
    RECHECKED = "rechecked"  # the province re-checked it and reported to the ministry
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return str(QUARTER_STATUS_LABELS[self])


QUARTER_STATUS_LABELS = {
    QuarterStatus.DRAFT: _l("待报送"),
    QuarterStatus.SUBMITTED: _l("已报送省级"),
    QuarterStatus.RECHECKED: _l("省级已复核"),
    QuarterStatus.RETURNED: _l("已退回"),
}


class QuarterlyReport(Audited, db.Model):
    """A city's report of the last quarter's trade-ins and subsidies paid (due by the end of
    the quarter's first month), re-checked by the province within 10 working days."""

    __tablename__ = "pilot_quarterly_reports"
    __table_args__ = (UniqueConstraint("call_id", "city_id", "year", "quarter"),)
    __audit_exclude__ = frozenset({"version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("pilot_calls.id", ondelete="CASCADE"))
    city_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    year: Mapped[int] = mapped_column(info=label(_l("年度")))
    quarter: Mapped[int] = mapped_column(info=label(_l("季度")))
    due_on: Mapped[date] = mapped_column(info=label(_l("报送期限")))
    status: Mapped[QuarterStatus] = mapped_column(
        str_enum(QuarterStatus, 10), default=QuarterStatus.DRAFT, info=label(_l("状态"))
    )
    #: Per pilot: [{"pilot_id", "name", "records", "subsidy_yuan", "paid_yuan"}] + totals.
    figures: Mapped[dict] = mapped_column(JSON, default=dict, info=label(_l("推广和补贴数据")))
    submitted_on: Mapped[date | None] = mapped_column(info=label(_l("报送日期")))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The province re-checks within 10 working days of receiving it.
    recheck_due_on: Mapped[date | None] = mapped_column(info=label(_l("省级复核期限")))
    rechecked_on: Mapped[date | None] = mapped_column(info=label(_l("省级复核日期")))
    rechecked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recheck_note: Mapped[str] = mapped_column(Text, default="", info=label(_l("复核意见")))
    return_reason: Mapped[str] = mapped_column(Text, default="", info=label(_l("退回原因")))
    version: Mapped[int] = mapped_column(default=1)

    city: Mapped[Organisation] = relationship(foreign_keys=[city_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return f"{self.city.name if self.city else ''} {self.year}Q{self.quarter}"


class CheckDrawStatus(enum.StrEnum):
    ACTIVE = "active"
    SUPERSEDED = "superseded"


class TradeInCheckDraw(Audited, db.Model):
    """A third-party check draw over one pilot's trade-ins of a period, at the call's rate,
    reproducible from its seed (``core.sampling``)."""

    __tablename__ = "pilot_check_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("pilot_calls.id", ondelete="CASCADE"))
    pilot_id: Mapped[int] = mapped_column(
        ForeignKey("pilot_enterprises.id", ondelete="CASCADE"), index=True
    )
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    period_from: Mapped[date] = mapped_column(info=label(_l("核查期间起")))
    period_to: Mapped[date] = mapped_column(info=label(_l("核查期间止")))
    rate: Mapped[Decimal] = mapped_column(Numeric(5, 4), info=label(_l("抽查比例")))
    seed: Mapped[str] = mapped_column(String(64), info=label(_l("随机种子")))
    population: Mapped[int] = mapped_column(info=label(_l("交易笔数")))
    drawn_count: Mapped[int] = mapped_column(info=label(_l("抽查笔数")))
    method: Mapped[str] = mapped_column(Text, default="", info=label(_l("抽样方法")))
    #: The third-party agency doing the checks (第三方机构).
    agency_name: Mapped[str] = mapped_column(String(200), default="", info=label(_l("第三方机构")))
    witness: Mapped[str] = mapped_column(String(120), default="", info=label(_l("监督人")))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[CheckDrawStatus] = mapped_column(
        str_enum(CheckDrawStatus, 10), default=CheckDrawStatus.ACTIVE, info=label(_l("状态"))
    )
    reason: Mapped[str] = mapped_column(Text, default="", info=label(_l("重新抽样理由")))

    pilot: Mapped[PilotEnterprise] = relationship()
    drawn_by: Mapped[User | None] = relationship()

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id


class CheckOutcome(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"  # 属实
    UNREACHABLE = "unreachable"  # 无法联系
    DISCREPANCY = "discrepancy"  # 不符 (detail required)

    @property
    def label(self) -> str:
        return str(CHECK_OUTCOME_LABELS[self])


CHECK_OUTCOME_LABELS = {
    CheckOutcome.PENDING: _l("待核查"),
    CheckOutcome.CONFIRMED: _l("属实"),
    CheckOutcome.UNREACHABLE: _l("无法联系"),
    CheckOutcome.DISCREPANCY: _l("不符"),
}


class TradeInCheck(Audited, db.Model):
    """One drawn trade-in and its check, recorded as it is made (实时记录备查)."""

    __tablename__ = "pilot_checks"
    __table_args__ = (UniqueConstraint("draw_id", "trade_in_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(
        ForeignKey("pilot_check_draws.id", ondelete="CASCADE"), index=True
    )
    trade_in_id: Mapped[int] = mapped_column(
        ForeignKey("pilot_trade_ins.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column()
    #: phone | visit (电话 / 实地走访), chosen when the check is made.
    method: Mapped[str] = mapped_column(String(8), default="", info=label(_l("核查方式")))
    outcome: Mapped[CheckOutcome] = mapped_column(
        str_enum(CheckOutcome, 12), default=CheckOutcome.PENDING, info=label(_l("核查结果"))
    )
    detail: Mapped[str] = mapped_column(Text, default="", info=label(_l("核查情况")))
    #: When the check was made (recorded in real time, not a date typed later).
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    draw: Mapped[TradeInCheckDraw] = relationship()
    trade_in: Mapped[TradeIn] = relationship()
    checked_by: Mapped[User | None] = relationship()

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.draw.province_id if self.draw else None


class ComplaintChannel(enum.StrEnum):
    MAILBOX = "mailbox"  # 举报信箱
    PHONE = "phone"  # 举报电话
    EMAIL = "email"  # 举报邮箱

    @property
    def label(self) -> str:
        return str(CHANNEL_LABELS[self])


CHANNEL_LABELS = {
    ComplaintChannel.MAILBOX: _l("举报信箱"),
    ComplaintChannel.PHONE: _l("举报电话"),
    ComplaintChannel.EMAIL: _l("举报邮箱"),
}


class ComplaintStatus(enum.StrEnum):
    REGISTERED = "registered"
    INVESTIGATING = "investigating"
    CONCLUDED = "concluded"  # finding and handling written, not yet public
    PUBLISHED = "published"  # 向社会公开核实情况及处理意见

    @property
    def label(self) -> str:
        return str(COMPLAINT_STATUS_LABELS[self])


COMPLAINT_STATUS_LABELS = {
    ComplaintStatus.REGISTERED: _l("已登记"),
    ComplaintStatus.INVESTIGATING: _l("调查中"),
    ComplaintStatus.CONCLUDED: _l("已核实"),
    ComplaintStatus.PUBLISHED: _l("已公开"),
}


class Complaint(Audited, db.Model):
    """A complaint by mailbox, phone or e-mail, investigated and its finding published within
    30 working days of receipt (seed 003 第二十三条)."""

    __tablename__ = "pilot_complaints"
    __audit_exclude__ = frozenset({"version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("pilot_calls.id", ondelete="SET NULL"))
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: 〔2014〕3 号 style number within the province and year.
    number: Mapped[str] = mapped_column(String(40), info=label(_l("登记编号")))
    channel: Mapped[ComplaintChannel] = mapped_column(
        str_enum(ComplaintChannel, 10), info=label(_l("举报渠道"))
    )
    received_on: Mapped[date] = mapped_column(info=label(_l("收到日期")))
    due_on: Mapped[date] = mapped_column(info=label(_l("公开期限")))
    #: The complainant (personal data; may stay anonymous).
    complainant: Mapped[str] = mapped_column(String(80), default="", info=label(_l("举报人")))
    contact: Mapped[str] = mapped_column(String(80), default="", info=label(_l("联系方式")))
    pilot_id: Mapped[int | None] = mapped_column(
        ForeignKey("pilot_enterprises.id", ondelete="SET NULL"), info=label(_l("涉及试点企业"))
    )
    outlet_id: Mapped[int | None] = mapped_column(
        ForeignKey("pilot_outlets.id", ondelete="SET NULL"), info=label(_l("涉及网点"))
    )
    summary: Mapped[str] = mapped_column(Text, info=label(_l("举报内容")))
    status: Mapped[ComplaintStatus] = mapped_column(
        str_enum(ComplaintStatus, 14), default=ComplaintStatus.REGISTERED, info=label(_l("状态"))
    )
    investigator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), info=label(_l("调查人"))
    )
    investigation: Mapped[str] = mapped_column(Text, default="", info=label(_l("调查情况")))
    #: 核实情况 and 处理意见 as published.
    finding: Mapped[str] = mapped_column(Text, default="", info=label(_l("核实情况")))
    handling: Mapped[str] = mapped_column(Text, default="", info=label(_l("处理意见")))
    #: 依法转相关部门处理: the department it was referred to.
    referred_to: Mapped[str] = mapped_column(String(200), default="", info=label(_l("移送部门")))
    concluded_on: Mapped[date | None] = mapped_column(info=label(_l("核实日期")))
    published_on: Mapped[date | None] = mapped_column(info=label(_l("公开日期")))
    #: Where it was published (the website or medium).
    published_at: Mapped[str] = mapped_column(String(200), default="", info=label(_l("公开渠道")))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    province: Mapped[Organisation] = relationship()
    pilot: Mapped[PilotEnterprise | None] = relationship()
    outlet: Mapped[Outlet | None] = relationship()
    investigator: Mapped[User | None] = relationship(foreign_keys=[investigator_id])
    call: Mapped[PilotCall | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return self.number


# -- who sees what: everything of a pilot belongs to its province ------------------------------

for _model in (TradeIn, MonthlyPack, QuarterlyReport, TradeInCheckDraw, Complaint):
    access.register_scope(
        _model, lambda user, m=_model: access.province_clause(user, m.province_id)
    )
access.register_scope(
    TradeInCheck,
    lambda user: TradeInCheck.draw_id.in_(
        access.scoped(TradeInCheckDraw, user).with_only_columns(TradeInCheckDraw.id)
    ),
)
