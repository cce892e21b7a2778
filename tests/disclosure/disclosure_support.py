"""Records the disclosure tests start from: a notice of province A with a handling decision,
and entries in each state."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from conftest import NOW, World, credit_code
from supervision.disclosure import service
from supervision.disclosure.models import Publication
from supervision.enterprises.models import Enterprise
from supervision.enterprises.service import EnterpriseData, create_enterprise
from supervision.extensions import db
from supervision.rectification.models import (
    DeadlineBasis,
    HandlingDecision,
    NoticeItem,
    NoticeStatus,
    RectificationNotice,
)

#: The approver's name: it must never reach a public output.
APPROVER = "王审批"
#: The enterprise's legal representative (personal data).
LEGAL_REP = "赵法人"


def add_enterprise(province, serial: int, name: str, **fields) -> Enterprise:
    prefix = province.division_code[:2] + "0000"
    enterprise = create_enterprise(
        province,
        EnterpriseData(
            credit_code=credit_code(serial, "91" + prefix[:4]),
            name=name,
            division_code=province.division_code[:2] + "0102",
            **fields,
        ),
    )
    db.session.commit()
    return enterprise


def add_notice(world: World, enterprise=None, *, decision: bool = True) -> RectificationNotice:
    """A 2019 notice of province A, not rectified, with a penalty decision."""
    enterprise = enterprise or world.a_enterprise
    notice = RectificationNotice(
        province_id=world.a_province.id,
        agency_id=world.a_agency.id,
        enterprise_id=enterprise.id,
        year=2019,
        sequence=None,
        number="苏节监改〔2019〕7号",
        violation="",
        measures="淘汰低效电机",
        served_on=date(2019, 9, 2),
        deadline_basis=DeadlineBasis.DATE,
        deadline_on=date(2019, 12, 31),
        status=NoticeStatus.HANDLED,
        imported=True,
    )
    notice.items = [
        NoticeItem(position=1, description="使用国家明令淘汰的电机 12 台"),
        NoticeItem(position=2, description="未按规定配备能源计量器具"),
    ]
    if decision:
        notice.decision = HandlingDecision(
            decided_on=date(2020, 5, 20),
            penalty_number="苏工信罚〔2020〕3号",
            penalty_amount=Decimal("50000.00"),
            ladder_price_applied=True,
            referral="",
        )
    db.session.add(notice)
    db.session.commit()
    return notice


def prepare(world: World, enterprise=None, *, fields=("credit_code", "violation", "decision"),
            violation="电解铝液交流电耗超过阶梯电价标准", actor=None) -> Publication:  # fmt: skip
    enterprise = enterprise or world.a_enterprise
    texts = service.texts_from_enterprise(enterprise)
    texts.violation = violation
    texts.decision = "执行阶梯电价"
    texts.published_fields = list(fields)
    entry = service.prepare(
        actor=actor or world.a_officer, enterprise=enterprise, texts=texts, now=NOW
    )
    db.session.commit()
    return entry


def published(
    world: World, enterprise=None, *, on: date = date(2020, 7, 1), **kwargs
) -> Publication:
    entry = prepare(world, enterprise, **kwargs)
    service.publish(entry, actor=world.a_officer, today=on)
    db.session.commit()
    return entry
