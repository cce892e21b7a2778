"""The subsidy rules' reference rows in use (the ministry's latest revisions, or the seed)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

# The module, not the function: reference.kinds imports the verification rules, so this module
# can be loaded while reference.service is still being initialised.
from ..reference import service as reference_service
from .rules import subsidy_tables
from .rules.subsidies import DesktopRules, FridgeRules
from .rules.subsidy_tables import ProgrammeTerms

PROGRAMMES = "subsidy_programmes"
FRIDGE_BANDS = "subsidy_fridge_bands"
FRIDGE_CEILINGS = "subsidy_fridge_ceilings"
DESKTOP_SCOPE = "subsidy_desktop_scope"
KINDS = (PROGRAMMES, FRIDGE_BANDS, FRIDGE_CEILINGS, DESKTOP_SCOPE)


@dataclass(frozen=True)
class SubsidyReference:
    """The rules of both categories and the revisions they came from."""

    fridge: FridgeRules
    desktop: DesktopRules
    #: "subsidy_programmes r1 · subsidy_fridge_bands r2 …", stored with a claim's check.
    code: str
    #: Some row in use is not verified (the pages show 待核实).
    unverified: bool


def _terms(rows: tuple[ProgrammeTerms, ...], category: str) -> ProgrammeTerms:
    """The category's row; the seed's (flagged 待核实) if a revision dropped it, so pages
    keep working while the ministry restores it."""
    for row in rows:
        if row.category == category:
            return row
    seed = next(row for row in subsidy_tables.PROGRAMMES if row.category == category)
    return dataclasses.replace(seed, verified=False, note="修订中缺少该类产品，暂用初始数据")


def in_use() -> SubsidyReference:
    """The reference rows in use now, as the rules take them."""
    tables = {kind: reference_service.current(kind) for kind in KINDS}
    programmes = tables[PROGRAMMES].rows
    scope = tables[DESKTOP_SCOPE].rows or (subsidy_tables.DESKTOP_SCOPE,)
    fridge = FridgeRules(
        bands=tables[FRIDGE_BANDS].rows,
        ceilings=tables[FRIDGE_CEILINGS].rows,
        terms=_terms(programmes, "fridge"),
    )
    desktop = DesktopRules(scope=scope[0], terms=_terms(programmes, "desktop"))
    rows = [*programmes, *fridge.bands, *fridge.ceilings, *scope]
    return SubsidyReference(
        fridge=fridge,
        desktop=desktop,
        code=" · ".join(tables[kind].code for kind in KINDS),
        unverified=any(not row.verified for row in rows),
    )


def fridge_rules() -> FridgeRules:
    return in_use().fridge


def desktop_rules() -> DesktopRules:
    return in_use().desktop
