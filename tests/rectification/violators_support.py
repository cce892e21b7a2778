"""Province A's 2019 violators: registry entries, notices made directly, and .xlsx files of
the violators import."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from conftest import World, credit_code
from supervision.enterprises.models import ProductionStatus
from supervision.enterprises.service import EnterpriseData, create_enterprise
from supervision.extensions import db
from supervision.imports.models import ImportJob
from supervision.plans.service import plan_for_year
from supervision.rectification.models import (
    DeadlineBasis,
    NoticeItem,
    NoticeStatus,
    RectificationNotice,
)
from supervision.rectification.violator_table import COLUMNS
from supervision.tasks import service as tasks
from supervision.tasks.models import SupervisionTask

HEADERS = [c.header for c in COLUMNS]


@pytest.fixture
def violators(world: World):
    """Province A's registry: a cement plant, a steel plant, a stopped plant."""

    def make(n, name, status=ProductionStatus.OPERATING):
        return create_enterprise(
            world.a_province,
            EnterpriseData(
                credit_code=credit_code(300 + n),
                name=name,
                division_code="320102",
                status=status,
            ),
        )

    registry = {
        "cement": make(1, "南京水泥有限公司"),
        "steel": make(2, "南京钢铁股份有限公司"),
        "stopped": make(3, "停产铝业有限公司", ProductionStatus.STOPPED),
    }
    db.session.commit()
    return registry


def filing_2020(world: World):
    return tasks.filing_for(plan_for_year(2020), world.a_province)


def row(world: World, enterprise, number: str, changes: dict | None = None) -> dict:
    """A valid row of the import for ``enterprise``, with ``changes`` by header."""
    values = {
        "统一社会信用代码": enterprise.credit_code,
        "企业名称": enterprise.name,
        "2019年违规类型": "能耗超限额",
        "违规事实": "2018年单位产品综合能耗超过限定值",
        "整改通知书编号": number,
        "下达机构": world.a_agency.name,
        "送达日期": "2019-09-20",
        "整改期限": "2020-03-31",
    }
    values.update(changes or {})
    return values


def xlsx(rows: list[dict], headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(h, "") for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, content: bytes, name="2019年违规企业.xlsx"):
    return client.post(
        "/imports/new/violators_2019",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def latest_job() -> ImportJob:
    db.session.expire_all()
    return db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc())).first()


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def notice_count() -> int:
    return count(RectificationNotice)


def review_tasks(filing, enterprise=None) -> list[SupervisionTask]:
    stmt = select(SupervisionTask).where(
        SupervisionTask.filing_id == filing.id, SupervisionTask.category == 5
    )
    if enterprise is not None:
        stmt = stmt.where(SupervisionTask.enterprise_id == enterprise.id)
    return list(db.session.scalars(stmt))


def make_notice(world: World, enterprise, number: str, **fields) -> RectificationNotice:
    """A 2019 notice as the import leaves it (or as given)."""
    kind = fields.pop("kind", "over_quota")
    values = {
        "province_id": world.a_province.id,
        "agency_id": world.a_agency.id,
        "enterprise_id": enterprise.id,
        "year": 2019,
        "sequence": None,
        "number": number,
        "violation": "超过能耗限额",
        "measures": "按原通知书要求整改",
        "served_on": date(2019, 9, 20),
        "deadline_basis": DeadlineBasis.DATE,
        "deadline_on": date(2020, 3, 31),
        "status": NoticeStatus.ISSUED,
        "imported": True,
    }
    values.update(fields)
    notice = RectificationNotice(**values)
    notice.items = [NoticeItem(position=1, kind=kind, description=values["violation"])]
    db.session.add(notice)
    db.session.commit()
    return notice
