"""The reference tables the app keeps, with their row type, seed rows and consistency check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from ..inspections import reference as seed
from ..inspections.rules import LegalBasis
from ..inspections.rules.energy import FactorTable
from ..inspections.rules.equipment import EfficiencyStandard, EliminationBatch
from ..inspections.rules.ladder import LadderSchedule, schedule_problems
from ..inspections.rules.pue import PueTarget
from ..verification.rules import subsidy_tables as subsidy


@dataclass(frozen=True)
class ReferenceKind:
    key: str
    title: Any  #: lazy string
    row_type: type
    seed: tuple
    #: Problems of one row (Chinese lines); a revision with problems is refused.
    check: Callable[[Any], list[str]] = lambda row: []


def _ladder_problems(schedule: LadderSchedule) -> list[str]:
    return schedule_problems(schedule)


KINDS: dict[str, ReferenceKind] = {
    kind.key: kind
    for kind in (
        ReferenceKind("coal_factors", _l("折标准煤系数"), FactorTable, (seed.GB_T_2589_2020,)),
        ReferenceKind(
            "ladder_schedules",
            _l("阶梯电价分档"),
            LadderSchedule,
            seed.LADDER_SCHEDULES,
            _ladder_problems,
        ),
        ReferenceKind(
            "equipment_standards",
            _l("设备能效标准"),
            EfficiencyStandard,
            seed.EQUIPMENT_STANDARDS,
        ),
        ReferenceKind(
            "elimination_catalogue",
            _l("高耗能落后机电设备（产品）淘汰目录"),
            EliminationBatch,
            seed.ELIMINATION_BATCHES,
        ),
        ReferenceKind("pue_targets", _l("数据中心 PUE 目标值"), PueTarget, seed.PUE_TARGETS),
        ReferenceKind("legal_bases", _l("违法行为法律依据"), LegalBasis, seed.LEGAL_BASES),
        ReferenceKind(
            "subsidy_programmes",
            _l("节能产品惠民工程推广实施细则"),
            subsidy.ProgrammeTerms,
            subsidy.PROGRAMMES,
            subsidy.programme_problems,
        ),
        ReferenceKind(
            "subsidy_fridge_bands",
            _l("高效节能电冰箱补贴标准"),
            subsidy.FridgeBand,
            subsidy.FRIDGE_BANDS,
            subsidy.band_problems,
        ),
        ReferenceKind(
            "subsidy_fridge_ceilings",
            _l("高效节能电冰箱能效指数要求"),
            subsidy.EfficiencyCeiling,
            subsidy.FRIDGE_CEILINGS,
            subsidy.ceiling_problems,
        ),
        ReferenceKind(
            "subsidy_desktop_scope",
            _l("高效节能台式机推广范围"),
            subsidy.DesktopScope,
            (subsidy.DESKTOP_SCOPE,),
            subsidy.scope_problems,
        ),
    )
}
