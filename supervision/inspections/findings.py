"""A case's findings (entered, or adopted from proposals) and its daily-supervision checklist."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.errors import DomainError
from ..core.models import User
from ..core.versions import require_stamp
from ..extensions import db
from ..reference import service as reference
from .models import (
    ChecklistEntry,
    CheckResult,
    EquipmentItem,
    Finding,
    InspectionCase,
    Severity,
    Verdict,
)
from .rules import LegalBasis, text_of
from .rules import checklist as checks
from .rules import findings as rules
from .rules.findings import Proposal
from .service import require_recorder

# -- legal bases ----------------------------------------------------------------------------


def legal_bases() -> tuple[LegalBasis, ...]:
    """The legal-basis rows in use (reference data ``legal_bases``)."""
    return tuple(reference.current("legal_bases").rows)


def bases_by_key() -> dict[str, LegalBasis]:
    return {b.key: b for b in legal_bases()}


def basis_text(basis: LegalBasis) -> str:
    """The citation as kept with a finding: law, article and what it says."""
    return f"{basis.citation}：{basis.summary}" if basis.summary else basis.citation


# -- findings -------------------------------------------------------------------------------


def _store(
    case: InspectionCase,
    *,
    kind: str,
    basis: LegalBasis,
    severity: Severity,
    description: str,
    actor: User,
    numbers: Mapping[str, str] | None = None,
    verdict_id: int | None = None,
    equipment_item_id: int | None = None,
) -> Finding:
    finding = Finding(
        case=case,
        kind=kind,
        basis_key=basis.key,
        basis_text=basis_text(basis),
        severity=severity,
        description=description,
        numbers=dict(numbers or {}),
        verdict_id=verdict_id,
        equipment_item_id=equipment_item_id,
        created_by_id=actor.id,
    )
    db.session.add(finding)
    db.session.flush()
    return finding


def add_finding(
    case: InspectionCase,
    *,
    kind: str,
    basis_key: str,
    severity: str,
    description: str,
    actor: User,
) -> Finding:
    """Record a finding entered by hand."""
    require_recorder(case, actor)
    if kind not in rules.KIND_LABELS:
        raise DomainError(_l("请选择问题类型。"), field="kind")
    basis = bases_by_key().get(basis_key)
    if basis is None:
        raise DomainError(_l("请选择法律依据。"), field="basis_key")
    if not rules.basis_applies(kind, basis.applies_to):
        raise DomainError(_l("所选法律依据不适用于该问题类型。"), field="basis_key")
    try:
        level = Severity(severity)
    except ValueError:
        raise DomainError(_l("请选择严重程度。"), field="severity") from None
    if not description.strip():
        raise DomainError(_l("请填写问题描述。"), field="description")
    return _store(
        case,
        kind=kind,
        basis=basis,
        severity=level,
        description=description.strip(),
        actor=actor,
    )


def delete_finding(case: InspectionCase, finding: Finding, *, actor: User) -> None:
    require_recorder(case, actor)
    if finding.case_id != case.id:
        raise DomainError(_l("该问题不属于本案件。"))
    db.session.delete(finding)
    db.session.flush()


# -- proposals ------------------------------------------------------------------------------


def _verdict_facts(v: Verdict) -> rules.VerdictFacts:
    return rules.VerdictFacts(
        id=v.id,
        rule=v.rule,
        subject=v.subject_label,
        status=v.status,
        reason=v.reason,
        provisional=v.provisional,
        verified=v.verified,
        value=text_of(v.value.normalize()) if v.value is not None else "",
        limit=text_of(v.limit_value.normalize()) if v.limit_value is not None else "",
        unit=v.unit,
        reference_version=v.reference_version,
        numbers=v.numbers or {},
    )


def _equipment_facts(item: EquipmentItem) -> rules.EquipmentFacts:
    return rules.EquipmentFacts(
        id=item.id,
        kind=item.kind,
        model=item.model,
        name=item.name,
        status=item.status,
        reason=item.reason,
        standard=item.standard,
        clause=item.clause,
        batch=item.batch,
        verified=item.verified,
        quantity=item.quantity,
        reference_version=item.reference_version,
    )


def recorded_keys(case: InspectionCase) -> set[str]:
    rows = db.session.execute(
        select(Finding.verdict_id, Finding.equipment_item_id, Finding.numbers).where(
            Finding.case_id == case.id
        )
    )
    return {k for k in (rules.finding_key(v, e, n or {}) for v, e, n in rows) if k}


def proposals(case: InspectionCase) -> list[Proposal]:
    """Findings the case's verdicts, equipment ledger and checklist suggest, not yet recorded."""
    verdicts = db.session.scalars(
        select(Verdict).where(Verdict.case_id == case.id).order_by(Verdict.id)
    )
    equipment = db.session.scalars(
        select(EquipmentItem)
        .where(EquipmentItem.case_id == case.id)
        .order_by(EquipmentItem.line_no, EquipmentItem.id)
    )
    entries = db.session.scalars(select(ChecklistEntry).where(ChecklistEntry.case_id == case.id))
    order = {c.key: n for n, c in enumerate(checks.CHECKS)}
    return rules.propose(
        [_verdict_facts(v) for v in verdicts],
        [_equipment_facts(i) for i in equipment],
        sorted(
            (
                rules.CheckFacts(e.item, e.result.value if e.result else None, e.note)
                for e in entries
            ),
            key=lambda c: order.get(c.item, len(order)),
        ),
        recorded=recorded_keys(case),
    )


def adopt(case: InspectionCase, key: str, actor: User, *, confirmed: bool = False) -> Finding:
    """Record the proposal ``key`` as a finding, with its numbers and its source row.

    A proposal resting on an unverified reference value needs ``confirmed``.
    """
    require_recorder(case, actor)
    proposal = next((p for p in proposals(case) if p.key == key), None)
    if proposal is None:
        if key in recorded_keys(case):
            raise DomainError(_l("该问题已经记录。"))
        raise DomainError(_l("该建议已不存在（核算结果可能已更新），请刷新页面。"))
    if proposal.unverified and not confirmed:
        raise DomainError(
            _l("该建议依据的参考值待核实，请勾选“已核实参考值，确认记录”后再记录。"),
            field="confirmed",
        )
    basis = bases_by_key().get(proposal.basis_key)
    if basis is None:
        raise DomainError(
            _l("参考数据中没有法律依据“%(key)s”，请先维护法律依据表。", key=proposal.basis_key)
        )
    return _store(
        case,
        kind=proposal.kind,
        basis=basis,
        severity=Severity(proposal.severity),
        description=proposal.description,
        actor=actor,
        numbers=proposal.numbers,
        verdict_id=proposal.verdict_id,
        equipment_item_id=proposal.equipment_item_id,
    )


# -- daily checklist ------------------------------------------------------------------------


def checklist_of(case: InspectionCase) -> dict[str, ChecklistEntry]:
    return {
        e.item: e
        for e in db.session.scalars(select(ChecklistEntry).where(ChecklistEntry.case_id == case.id))
    }


def save_checklist(
    case: InspectionCase,
    answers: Mapping[str, tuple[str | None, str]],
    *,
    actor: User,
    version: str | None = None,
) -> None:
    """Store the answers (check key → (result or None, note)); 不符合 needs a note.
    ``version``: the ``stamp`` of the entries when the form was opened (None: unchecked)."""
    require_recorder(case, actor)
    require_stamp(ChecklistEntry.__tablename__, checklist_of(case).values(), version)
    unknown = checks.unknown_items(answers)
    if unknown:
        raise DomainError(_l("未知的检查项：%(items)s", items="、".join(unknown)))
    missing = checks.missing_notes(answers)
    if missing:
        raise DomainError(_l("判定为“不符合”的，请填写情况说明。"), field=f"note_{missing[0]}")
    have = checklist_of(case)
    for key, (result, note) in answers.items():
        try:
            value = CheckResult(result) if result else None
        except ValueError:
            raise DomainError(_l("请选择检查结果。"), field=f"result_{key}") from None
        entry = have.get(key)
        if entry is None:
            if value is None and not note.strip():
                continue
            entry = ChecklistEntry(case=case, item=key)
            db.session.add(entry)
        if entry.result != value:
            entry.result = value
        if entry.note != note.strip():
            entry.note = note.strip()
    db.session.flush()
