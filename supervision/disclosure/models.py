"""Violators published to the public (依法公布违规企业名单): what was published, by whom, and
every later annotation or withdrawal."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import access
from ..core.models import Audited, Organisation, User, label
from ..core.types import UTCDateTime, utcnow
from ..enterprises.models import Enterprise
from ..extensions import db


class PublicationStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return str(PUBLICATION_STATUS_LABELS[self])


PUBLICATION_STATUS_LABELS = {
    PublicationStatus.DRAFT: _l("待发布"),
    PublicationStatus.PUBLISHED: _l("已公布"),
    PublicationStatus.WITHDRAWN: _l("已撤回"),
}

#: Fields an officer may choose to publish besides province, enterprise name and date
#: (which every entry shows). Never a person's name, phone or certificate.
OPTIONAL_FIELDS = ("credit_code", "violation", "decision")


class Publication(Audited, db.Model):
    """One violator entry of the public list; its texts are fixed when it is prepared."""

    __tablename__ = "publications"
    __table_args__ = (
        # The public list: published entries, newest first, read in index order.
        Index("ix_publications_status_published_on", "status", "published_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    #: The notice behind the entry, if any.
    notice_id: Mapped[int | None] = mapped_column(
        ForeignKey("rectification_notices.id", ondelete="SET NULL"), index=True
    )
    #: Texts as published (copied: a later registry edit does not rewrite a publication).
    enterprise_name: Mapped[str] = mapped_column(String(200), info=label(_l("企业名称")))
    credit_code: Mapped[str] = mapped_column(String(18), info=label(_l("统一社会信用代码")))
    violation: Mapped[str] = mapped_column(Text, info=label(_l("违规事实")))
    decision: Mapped[str] = mapped_column(Text, default="", info=label(_l("处理决定")))
    #: Which of OPTIONAL_FIELDS appear publicly.
    published_fields: Mapped[list] = mapped_column(JSON, default=list, info=label(_l("公开字段")))
    status: Mapped[PublicationStatus] = mapped_column(
        db.Enum(
            PublicationStatus,
            native_enum=False,
            length=12,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=PublicationStatus.DRAFT,
        index=True,
        info=label(_l("状态")),
    )
    prepared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    prepared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The publish step: who approved it and when (shown on the public page as the date).
    published_on: Mapped[date | None] = mapped_column(index=True, info=label(_l("公布日期")))
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), info=label(_l("批准人"))
    )
    approver_name: Mapped[str] = mapped_column(String(80), default="", info=label(_l("批准人")))
    #: 已整改 annotation.
    rectified_on: Mapped[date | None] = mapped_column(info=label(_l("整改完成日期")))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label(_l("撤回时间")))
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="", info=label(_l("撤回理由")))

    province: Mapped[Organisation] = relationship(foreign_keys=[province_id])
    enterprise: Mapped[Enterprise] = relationship()
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return self.enterprise_name


# Officers of the province (and the ministry); the public page reads published rows without
# a user and never goes through this scope.
access.register_scope(
    Publication,
    lambda user: access.officer_or_own(
        user,
        province_column=Publication.province_id,
        agency_column=Publication.province_id,
        own_clause=false(),
    ),
)
