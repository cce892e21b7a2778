"""Each unit's results for the ministry: the figures (GROUP BY queries, never a sales row
loaded: one per table over all the units at once; bulk buyers and reconciliation through the
checks' own queries, so the pages agree), the national progress, and the sampled records with
their outcomes. The progress page, the national table, the unit's results table and report,
and the figures frozen at submission (``result_reports``) all read them from here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Text, case, cast, func, select

from ..core import access, clock
from ..core.models import Organisation
from ..extensions import db
from . import bulk, reconciliation
from .check_models import (
    BulkBuyerCheck,
    DrawStatus,
    SampleDraw,
    SampleItem,
    SubsidyClaim,
)
from .models import (
    ReportStatus,
    Target,
    TaskStatus,
    VerificationCampaign,
    VerificationReport,
    VerificationTask,
)
from .record_models import SALES_TABLES, ConsumerSale
from .rules import results as rules
from .rules.results import Figures


def local_date(moment: datetime | None) -> date | None:
    """The day ``moment`` is where the users are."""
    return None if moment is None else clock.local_date(moment)


# -- the figures ---------------------------------------------------------------------------------


def _grouped(stmt, model, campaign_id: int, unit_ids: list[int]):
    stmt = stmt.where(model.campaign_id == campaign_id, model.unit_id.in_(unit_ids))
    return stmt.group_by(model.unit_id)


def _count_by_unit(model, campaign_id: int, unit_ids, *where) -> dict[int, int]:
    stmt = select(model.unit_id, func.count()).where(*where)
    return dict(db.session.execute(_grouped(stmt, model, campaign_id, unit_ids)).all())


def bulk_buyer_counts(campaign: VerificationCampaign, unit_ids: list[int]) -> dict[int, int]:
    """Bulk buyers per unit, as the bulk-buyer page lists them (``bulk.bulk_buyers_select``:
    SUM of units over the buyer's (buyer key, invoice) purchases ≥ the campaign's threshold)."""
    counts = {}
    for unit_id in unit_ids:
        found = bulk.bulk_buyers_select(campaign, unit_id, None).subquery()
        counts[unit_id] = db.session.scalar(select(func.count()).select_from(found)) or 0
    return counts


def reconciliation_difference_counts(
    campaign: VerificationCampaign, unit_ids: list[int]
) -> dict[int, int]:
    """Per unit, the (manufacturer, model) lines whose counts differ from the declared
    shipments, as the reconciliation page shows them. A unit with nothing to reconcile (no
    line at all) is left out: it shows "not reconciled", never zero."""
    counts = {}
    for unit_id in unit_ids:
        found = reconciliation.reconcile_unit(campaign.id, unit_id, user=None)
        if found.lines:
            counts[unit_id] = found.differences
    return counts


def unit_figures(campaign: VerificationCampaign, unit_ids: list[int]) -> dict[int, Figures]:
    """Figures of the given units, keyed by unit id (the callers have checked the user may
    see them)."""
    figures: dict[int, Figures] = {unit_id: Figures() for unit_id in unit_ids}
    if not unit_ids:
        return figures

    def of(unit_id: int) -> Figures:
        return figures[unit_id]

    cid = campaign.id
    for key, model in SALES_TABLES.items():
        for unit_id, count in _count_by_unit(model, cid, unit_ids).items():
            of(unit_id).records[key] = count
    for unit_id, count in reconciliation_difference_counts(campaign, unit_ids).items():
        of(unit_id).reconciliation_differences = count
    for unit_id, count in bulk_buyer_counts(campaign, unit_ids).items():
        of(unit_id).bulk_buyers = count
    for unit_id, count in _count_by_unit(BulkBuyerCheck, cid, unit_ids).items():
        of(unit_id).bulk_buyers_checked = count

    active = SampleDraw.status == DrawStatus.ACTIVE
    draws = select(
        SampleDraw.unit_id,
        func.sum(SampleDraw.population),
        func.sum(SampleDraw.phone_count),
        func.sum(SampleDraw.visit_count),
    ).where(active)
    for unit_id, population, phone, visit in db.session.execute(
        _grouped(draws, SampleDraw, cid, unit_ids)
    ):
        f = of(unit_id)
        f.population, f.phone_drawn, f.visit_drawn = population or 0, phone or 0, visit or 0
    items = (
        select(
            SampleDraw.unit_id,
            SampleItem.method,
            SampleItem.outcome,
            func.count(),
            func.count(SampleItem.replaces_id),
        )
        .join(SampleDraw, SampleDraw.id == SampleItem.draw_id)
        .where(active)
    )
    items = _grouped(items, SampleDraw, cid, unit_ids).group_by(
        SampleItem.method, SampleItem.outcome
    )
    for unit_id, method, outcome, count, top_ups in db.session.execute(items):
        f = of(unit_id)
        f.outcomes.setdefault(method.value, {})[outcome.value] = count
        f.top_ups += top_ups

    checked = SubsidyClaim.checked_at.is_not(None)
    # ``differences`` is a JSON list, [] when the claim agrees; its text is compared so the
    # query reads the same on SQLite and PostgreSQL.
    differs = checked & func.coalesce(cast(SubsidyClaim.differences, Text), "[]").not_in(
        ("[]", "null", "")
    )
    claims = select(
        SubsidyClaim.unit_id,
        func.count(),
        func.sum(case((checked, 1), else_=0)),
        func.sum(case((differs, 1), else_=0)),
    )
    for unit_id, count, n_checked, n_differ in db.session.execute(
        _grouped(claims, SubsidyClaim, cid, unit_ids)
    ):
        f = of(unit_id)
        f.claims, f.claims_checked, f.claims_with_differences = count, n_checked or 0, n_differ or 0

    done = VerificationTask.status == TaskStatus.DONE
    tasks = select(VerificationTask.unit_id, func.count(), func.sum(case((done, 1), else_=0)))
    for unit_id, count, n_done in db.session.execute(
        _grouped(tasks, VerificationTask, cid, unit_ids)
    ):
        f = of(unit_id)
        f.tasks_total, f.tasks_done = count, n_done or 0
    return figures


def figures_of(campaign: VerificationCampaign, unit: Organisation) -> Figures:
    return unit_figures(campaign, [unit.id])[unit.id]


# -- progress ------------------------------------------------------------------------------------


def visible_units(campaign: VerificationCampaign, user=None) -> list[Organisation]:
    """The units with a task in ``campaign`` that ``user`` may see (the ministry: all), in
    division-code order."""
    unit_ids = access.scoped(
        select(VerificationTask.unit_id).where(VerificationTask.campaign_id == campaign.id),
        user,
    ).distinct()
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.id.in_(unit_ids))
            .order_by(Organisation.division_code, Organisation.id)
        )
    )


@dataclass
class UnitProgress:
    unit: Organisation
    figures: Figures
    report: VerificationReport | None
    #: The figures are those handed in (submitted or accepted), not the live ones.
    frozen: bool
    submitted_on: date | None
    late: bool
    overdue: bool

    @property
    def status(self) -> ReportStatus:
        return self.report.status if self.report is not None else ReportStatus.DRAFT

    @property
    def colour(self) -> str:
        return rules.STATUS_COLOURS[self.status.value]


@dataclass
class Progress:
    campaign: VerificationCampaign
    rows: list[UnitProgress]
    total: Figures
    today: date

    @property
    def handed_in(self) -> int:
        return sum(1 for row in self.rows if row.frozen)

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.rows if row.overdue)


def reports_by_unit(campaign: VerificationCampaign, unit_ids) -> dict[int, VerificationReport]:
    stmt = select(VerificationReport).where(
        VerificationReport.campaign_id == campaign.id, VerificationReport.unit_id.in_(unit_ids)
    )
    return {report.unit_id: report for report in db.session.scalars(stmt)}


def progress(campaign: VerificationCampaign, *, today: date, user=None) -> Progress:
    """Every unit the user sees, with its figures (as handed in, once submitted; live
    otherwise), its report's state and whether it is late or overdue; and the totals."""
    units = visible_units(campaign, user)
    reports = reports_by_unit(campaign, [u.id for u in units])
    handed_in = {
        unit_id for unit_id, report in reports.items() if report.status.value in rules.HANDED_IN
    }
    live = unit_figures(campaign, [u.id for u in units if u.id not in handed_in])
    rows = []
    for unit in units:
        report = reports.get(unit.id)
        frozen = unit.id in handed_in
        status = report.status.value if report is not None else ReportStatus.DRAFT.value
        submitted_on = local_date(report.submitted_at) if report is not None else None
        rows.append(
            UnitProgress(
                unit=unit,
                figures=Figures.from_dict(report.figures) if frozen else live[unit.id],
                report=report,
                frozen=frozen,
                submitted_on=submitted_on,
                late=rules.is_late(submitted_on, campaign.result_due_on),
                overdue=rules.is_overdue(status, today, campaign.result_due_on),
            )
        )
    return Progress(campaign, rows, rules.total(r.figures for r in rows), today)


# -- the sampled records -------------------------------------------------------------------------


@dataclass(frozen=True)
class SampledRecord:
    """One sampled consumer sale and its check, as the results table lists it (in clear)."""

    method: str
    position: int
    stratum: str
    top_up: bool
    consumer_name: str
    contact: str
    phone: str
    id_number: str
    address: str
    buyer_key: str
    model: str
    product_code: str
    sold_on: date
    invoice_no: str
    dealer_name: str
    outcome: str
    detail: str
    checked_on: date | None


def sampled_records(campaign: VerificationCampaign, unit: Organisation) -> Iterator[SampledRecord]:
    """The records of the unit's active draw(s) with their outcomes, phone checks first, in
    draw order; streamed (a 1 000 000-row unit has 15 000 of them)."""
    stmt = (
        select(
            SampleItem.method,
            SampleItem.position,
            SampleItem.stratum,
            SampleItem.replaces_id,
            ConsumerSale.consumer_name,
            ConsumerSale.contact,
            ConsumerSale.phone,
            ConsumerSale.id_number,
            ConsumerSale.address,
            ConsumerSale.buyer_key,
            ConsumerSale.model,
            ConsumerSale.product_code,
            ConsumerSale.sold_on,
            ConsumerSale.invoice_no,
            ConsumerSale.dealer_name,
            SampleItem.outcome,
            SampleItem.detail,
            SampleItem.checked_on,
        )
        .join(SampleDraw, SampleDraw.id == SampleItem.draw_id)
        .join(ConsumerSale, ConsumerSale.id == SampleItem.sale_id)
        .where(
            SampleDraw.campaign_id == campaign.id,
            SampleDraw.unit_id == unit.id,
            SampleDraw.status == DrawStatus.ACTIVE,
        )
        .order_by(SampleItem.method, SampleDraw.id, SampleItem.position, SampleItem.id)
        .execution_options(yield_per=2000)
    )
    for row in db.session.execute(stmt):
        yield SampledRecord(
            method=row.method.value,
            position=row.position,
            stratum=row.stratum,
            top_up=row.replaces_id is not None,
            consumer_name=row.consumer_name,
            contact=row.contact,
            phone=row.phone,
            id_number=row.id_number,
            address=row.address,
            buyer_key=row.buyer_key,
            model=row.model,
            product_code=row.product_code,
            sold_on=row.sold_on,
            invoice_no=row.invoice_no,
            dealer_name=row.dealer_name,
            outcome=row.outcome.value,
            detail=row.detail,
            checked_on=row.checked_on,
        )


def unit_tasks(campaign: VerificationCampaign, unit: Organisation) -> list[VerificationTask]:
    """The unit's tasks in the notice's order of targets (whoever sees the unit sees them)."""
    stmt = select(VerificationTask).where(
        VerificationTask.campaign_id == campaign.id, VerificationTask.unit_id == unit.id
    )
    order = list(Target)
    return sorted(db.session.scalars(stmt), key=lambda task: order.index(task.target))
