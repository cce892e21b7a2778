"""Daily supervision's draws (双随机): run under a witness, verify, open the cases for the
pairs, publish. The feature's API: defining a draw (``definition``), the population and
preview (``population``), declared relations (``relations``) and the public results
(``results``) are reached from here too. Functions flush, never commit."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..core import audit
from ..core.draws import clean_seed
from ..core.errors import DomainError
from ..core.models import User
from ..extensions import db
from ..inspections.models import DAILY_CATEGORY, CaseStatus, InspectionCase
from ..tasks.models import ReviewMethod
from . import rules
from .definition import (  # noqa: F401 -- the feature's API, used by the views
    DEFAULTS,
    EDITABLE,
    cases_opened,
    create_draw,
    require_officer,
    update_draw,
)
from .models import (
    DailyDraw,
    DrawAssignment,
    DrawRun,
    DrawStatus,
    InspectorRelation,
    Stratification,
)
from .population import (  # noqa: F401 -- as above
    STRATUM_WORDS,
    DrawPreview,
    Population,
    chosen_inspectors,
    ineligibility,
    inspector_pool,
    population,
    preview,
    witnesses,
)
from .relations import declare_relation, relations_of, remove_relation  # noqa: F401
from .results import PublicResult, public_results  # noqa: F401 -- as above

# -- running it ---------------------------------------------------------------------------------


def parameters_of(draw: DailyDraw, today: date) -> dict:
    """The draw's parameters as run (JSON: Decimals and dates as text)."""

    def plain(value):
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, date):
            return value.isoformat()
        return value

    values = {name: plain(getattr(draw, name)) for name in DEFAULTS}
    values["stratify_by"] = str(Stratification(draw.stratify_by or ""))
    values["draw_day"] = today.isoformat()
    return values


def _redo(parameters: dict, seed: str, population, pool_ids, relations) -> rules.DrawResult:
    stratify_by = Stratification(parameters.get("stratify_by") or "")
    return rules.draw(
        [(int(i), s) for i, s in population],
        seed,
        size=parameters.get("sample_size"),
        rate=parameters.get("sample_rate"),
        pool_ids=pool_ids,
        pair_count=int(parameters["pair_count"]),
        relations=relations,
        stratified=STRATUM_WORDS.get(stratify_by, ""),
        inspected_months=parameters.get("exclude_inspected_months"),
        exclude_special=bool(parameters.get("exclude_special_tasks")),
    )


def _witness(draw: DailyDraw, witness: User | None, actor: User | None) -> User:
    if (
        witness is None
        or (actor is not None and witness.id == actor.id)
        or witness not in witnesses(draw.province)
    ):
        raise DomainError(
            _l("请选择监督人：本省另一名在岗的省级业务人员（不能是抽取人本人）。"), "witness_id"
        )
    return witness


def run_draw(
    draw: DailyDraw,
    *,
    actor: User | None,
    witness: User | None,
    seed: str | None,
    reason: str = "",
    today: date,
) -> DrawRun:
    """Draw the enterprises and the inspector pairs at random, under ``witness``'s eyes.

    ``seed`` is typed (e.g. called out at a public draw) or made fresh. The run stores what
    it takes to redo it: the parameters, the eligible population with its strata, the
    inspectors and their declared relations as they stood, the exclusions, the recusals and
    the method. The first run needs no reason; any later one does (the earlier run is kept,
    no longer current), and none once the cases are opened.
    """
    require_officer(actor, draw.province_id)
    # One run at a time per draw (a row lock on PostgreSQL; SQLite writes one at a time).
    db.session.execute(select(DailyDraw.id).where(DailyDraw.id == draw.id).with_for_update())
    if draw.status not in EDITABLE or cases_opened(draw):
        raise DomainError(_l("检查已派发，不能再重新抽取。"))
    earlier = draw.current_run
    reason = (reason or "").strip()
    if earlier is not None and not reason:
        raise DomainError(
            _l(
                "本抽查已抽取过（随机种子 %(seed)s），重新抽取须说明理由，并将记录在案。",
                seed=earlier.seed,
            ),
            "reason",
        )
    witness = _witness(draw, witness, actor)
    seed = clean_seed(seed)
    inspectors = chosen_inspectors(draw)
    for user in inspectors:
        if why := ineligibility(user, today):
            raise DomainError(
                _l(
                    "%(name)s 不能参加检查：%(reason)s。请先从名录中移除。",
                    name=user.full_name,
                    reason=why,
                ),
                "inspector_ids",
            )
    found = population(draw, today)
    eligible_ids = {i for i, _s in found.eligible}
    pool_ids = [u.id for u in inspectors]
    relations = [
        [r.inspector_id, r.enterprise_id, r.relation]
        for r in db.session.scalars(
            select(InspectorRelation)
            .where(InspectorRelation.inspector_id.in_(pool_ids))
            .order_by(InspectorRelation.inspector_id, InspectorRelation.enterprise_id)
        )
        if r.enterprise_id in eligible_ids
    ]
    parameters = parameters_of(draw, today)
    try:
        result = _redo(parameters, seed, found.eligible, pool_ids, relations)
    except rules.DrawRefused as refused:
        raise DomainError(refused.message) from None

    names = dict(found.names)
    people = {u.id: u.full_name for u in inspectors}
    recusals, dropped = _recusal_rows(result, names, people)
    if earlier is not None:
        earlier.is_current = False
    run = DrawRun(
        draw=draw,
        province_id=draw.province_id,
        seed=seed,
        parameters=parameters,
        population_count=found.matched,
        eligible_count=len(found.eligible),
        population=[[i, s] for i, s in found.eligible],
        excluded=found.excluded + dropped,
        pool=[{"id": u.id, "name": u.full_name} for u in inspectors],
        relations=relations,
        recusals=recusals,
        method=result.method,
        drawn_by_id=actor.id if actor else None,
        drawn_by_name=actor.full_name if actor else "",
        witness_id=witness.id,
        witness_name=witness.full_name,
        is_current=True,
        reason=reason,
    )
    db.session.add(run)
    db.session.flush()
    for placed in result.placements:
        db.session.add(
            DrawAssignment(
                run=run,
                province_id=draw.province_id,
                enterprise_id=placed.enterprise_id,
                position=placed.position,
                stratum=placed.stratum,
                pair_no=placed.pair_no,
                inspector_a_id=placed.inspector_a_id,
                inspector_b_id=placed.inspector_b_id,
            )
        )
    draw.status = DrawStatus.DRAWN
    db.session.flush()
    audit.record(
        db.session,
        action="draw",
        entity=DailyDraw.__tablename__,
        entity_id=str(draw.id),
        label=draw.title,
        scope_org_id=draw.province_id,
        changes={
            "run": [earlier.id if earlier else None, run.id],
            "seed": [earlier.seed if earlier else None, seed],
            "witness": [None, witness.full_name],
            "reason": [None, reason or None],
            "enterprises": [None, len(result.placements)],
            "pairs": [None, [list(p) for p in result.pairs]],
        },
    )
    return run


def _recusal_rows(result: rules.DrawResult, names: dict, people: dict):
    """The recusals as a run stores them, and the enterprises recusal left out."""
    rows, dropped = [], []
    for r in result.recusals:
        rows.append(
            {
                "enterprise_id": r.enterprise_id,
                "enterprise": names.get(r.enterprise_id, ""),
                "pair_no": r.pair_no,
                "to_pair": r.to_pair,
                "inspector_ids": list(r.inspector_ids),
                "inspectors": [people.get(i, "") for i in r.inspector_ids],
                "relation": "；".join(r.relations),
                "replaced_by": r.replaced_by,
                "replacement": names.get(r.replaced_by, "") if r.replaced_by else "",
            }
        )
        if r.to_pair is None:
            detail = "；".join(f"{people.get(i, i)}" for i in r.inspector_ids) + (
                f"：{'；'.join(r.relations)}" if r.relations else ""
            )
            reasons = [rules.REASON_RECUSAL.format(detail=detail)]
            reasons.append(
                rules.TOP_UP.format(name=names.get(r.replaced_by, ""))
                if r.replaced_by
                else rules.NO_TOP_UP
            )
            dropped.append(
                {"id": r.enterprise_id, "name": names.get(r.enterprise_id, ""), "reasons": reasons}
            )
    return rows, dropped


def verify_run(run: DrawRun) -> bool:
    """Redo the run from what it stored only (seed, parameters, population, inspectors,
    relations) and say whether the same enterprises go to the same pairs in the same order,
    with the same recusals."""
    try:
        result = _redo(
            run.parameters or {},
            run.seed,
            run.population or [],
            [int(p["id"]) for p in run.pool or []],
            run.relations or [],
        )
    except (rules.DrawRefused, ValueError, KeyError, TypeError):
        return False
    stored = [
        (a.position, a.enterprise_id, a.stratum, a.pair_no, a.inspector_a_id, a.inspector_b_id)
        for a in sorted(run.assignments, key=lambda a: a.position)
    ]
    redone = [
        (p.position, p.enterprise_id, p.stratum, p.pair_no, p.inspector_a_id, p.inspector_b_id)
        for p in result.placements
    ]
    stored_recusals = [
        (r.get("enterprise_id"), r.get("pair_no"), r.get("to_pair"), r.get("replaced_by"))
        for r in run.recusals or []
    ]
    redone_recusals = [
        (r.enterprise_id, r.pair_no, r.to_pair, r.replaced_by) for r in result.recusals
    ]
    return stored == redone and stored_recusals == redone_recusals


# -- the cases and the results ------------------------------------------------------------------


def open_cases(draw: DailyDraw, *, actor: User | None, today: date) -> int:
    """One daily-supervision case (category 0, no task) per enterprise of the current run,
    for its pair of inspectors; idempotent. Returns how many were opened."""
    require_officer(actor, draw.province_id)
    run = draw.current_run
    if run is None or draw.status == DrawStatus.DRAFT:
        raise DomainError(_l("请先抽取，再派发检查。"))
    created = 0
    for assignment in run.assignments:
        if assignment.case_id is not None:
            continue
        case = InspectionCase(
            task_id=None,
            province_id=draw.province_id,
            agency_id=draw.agency_id,
            enterprise_id=assignment.enterprise_id,
            category=DAILY_CATEGORY,
            method=ReviewMethod.ON_SITE,
            assessed_year=draw.year - 1,
            due_on=draw.work_due_on,
        )
        case.daily_inspectors = [assignment.inspector_a, assignment.inspector_b]
        db.session.add(case)
        db.session.flush()
        assignment.case_id = case.id
        created += 1
    if draw.status == DrawStatus.DRAWN:
        draw.status = DrawStatus.OPENED
    db.session.flush()
    return created


DONE = (CaseStatus.CLOSED, CaseStatus.RECTIFICATION)


def open_count(draw: DailyDraw) -> int:
    """Cases of the current run not yet closed (办结) nor turned to rectification."""
    run = draw.current_run
    if run is None:
        return 0
    return (
        db.session.scalar(
            select(func.count(InspectionCase.id))
            .join(DrawAssignment, DrawAssignment.case_id == InspectionCase.id)
            .where(DrawAssignment.run_id == run.id, InspectionCase.status.not_in(DONE))
        )
        or 0
    )


def publish_results(draw: DailyDraw, *, actor: User | None, now: datetime) -> None:
    """Put the draw's results on the public pages, once every case is closed or in
    rectification."""
    require_officer(actor, draw.province_id)
    if draw.status == DrawStatus.PUBLISHED:
        raise DomainError(_l("结果已公开。"))
    if draw.status != DrawStatus.OPENED:
        raise DomainError(_l("请先派发检查，检查办结后再公开结果。"))
    waiting = open_count(draw)
    if waiting:
        raise DomainError(
            _l(
                "尚有 %(n)s 家企业的检查未办结（办结或已责令整改后方可公开），暂不能公开结果。",
                n=waiting,
            )
        )
    draw.status = DrawStatus.PUBLISHED
    draw.published_at = now
    draw.published_by_id = actor.id if actor else None
    db.session.flush()
