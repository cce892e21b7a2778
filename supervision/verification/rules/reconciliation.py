"""Reconciliation (seed 000 §二(三)): per manufacturer and model, the units each stage reports
against the maker's declared shipments. Only the count and the model must match — product
codes need not correspond one to one."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

Key = tuple[str, str]  #: (manufacturer, model)


class LineStatus(StrEnum):
    EQUAL = "equal"
    MORE = "more"
    FEWER = "fewer"
    UNDECLARED = "undeclared"  # reported at a stage, no shipment declared for it

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    LineStatus.EQUAL: "一致",
    LineStatus.MORE: "多于申报出货",
    LineStatus.FEWER: "少于申报出货",
    LineStatus.UNDECLARED: "无申报出货",
}


def model_key(text: str | None) -> str:
    """A model as compared: full-width forms folded, no spaces, capitals (``bcd－216 sdn`` →
    ``BCD-216SDN``)."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def maker_key(text: str | None) -> str:
    """A manufacturer's name as compared: full-width forms folded, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


@dataclass(frozen=True)
class StageCount:
    stage: str
    count: int
    difference: int  #: stage − declared
    status: LineStatus


@dataclass(frozen=True)
class Line:
    manufacturer: str
    model: str
    declared: int
    stages: tuple[StageCount, ...]

    @property
    def has_difference(self) -> bool:
        return any(s.status != LineStatus.EQUAL for s in self.stages)

    def stage(self, name: str) -> StageCount | None:
        return next((s for s in self.stages if s.stage == name), None)


def _keyed(counts: Mapping[Key, int]) -> dict[Key, int]:
    merged: dict[Key, int] = {}
    for (maker, model), count in counts.items():
        key = (maker_key(maker), model_key(model))
        merged[key] = merged.get(key, 0) + int(count)
    return merged


def _status(declared: int, count: int) -> LineStatus:
    if count == declared:
        return LineStatus.EQUAL
    if declared == 0:
        return LineStatus.UNDECLARED
    return LineStatus.MORE if count > declared else LineStatus.FEWER


def reconcile(declared: Mapping[Key, int], stages: Mapping[str, Mapping[Key, int]]) -> list[Line]:
    """One line per (manufacturer, model) found anywhere: the declared shipments and, per stage
    (in the order given), its count, the difference and the status.

    Names are compared as ``maker_key`` / ``model_key`` make them (the counts of spellings
    that differ only in spaces, case or full-width forms are added up). Lines with any
    difference come first; within each group, by manufacturer then model.
    """
    shipped = _keyed(declared)
    reported = {name: _keyed(counts) for name, counts in stages.items()}
    keys = set(shipped).union(*(set(c) for c in reported.values()))
    lines = []
    for key in keys:
        base = shipped.get(key, 0)
        counts = tuple(
            StageCount(name, n, n - base, _status(base, n))
            for name, c in reported.items()
            for n in (c.get(key, 0),)
        )
        lines.append(Line(key[0], key[1], base, counts))
    return sorted(lines, key=lambda line: (not line.has_difference, line.manufacturer, line.model))


# -- dealer purchases carry no manufacturer -----------------------------------------------------


@dataclass(frozen=True)
class Attribution:
    """Dealer purchases per (manufacturer, model), and what could not be attributed."""

    counts: dict[Key, int] = field(default_factory=dict)
    #: Models no declared (manufacturer, model) names, with their units.
    unknown: dict[str, int] = field(default_factory=dict)
    #: Models two or more manufacturers declare (one brand, one maker: seed 001 §二(一)3),
    #: with their units and the manufacturers.
    ambiguous: dict[str, tuple[int, tuple[str, ...]]] = field(default_factory=dict)


def makers_by_model(pairs: Iterable[Key]) -> dict[str, tuple[str, ...]]:
    """Model (``model_key``) → the manufacturers (``maker_key``) that declare it, sorted."""
    found: dict[str, set[str]] = {}
    for maker, model in pairs:
        found.setdefault(model_key(model), set()).add(maker_key(maker))
    return {model: tuple(sorted(makers)) for model, makers in found.items()}


def attribute_purchases(
    counts_by_model: Mapping[str, int], makers: Mapping[str, tuple[str, ...]]
) -> Attribution:
    """Give each model's units to the manufacturer that declares the model (``makers`` as
    ``makers_by_model`` builds it); models nobody or several makers declare are listed apart."""
    result = Attribution()
    for raw, count in counts_by_model.items():
        model = model_key(raw)
        owners = makers.get(model, ())
        if len(owners) == 1:
            key = (owners[0], model)
            result.counts[key] = result.counts.get(key, 0) + int(count)
        elif owners:
            units, _owners = result.ambiguous.get(model, (0, owners))
            result.ambiguous[model] = (units + int(count), owners)
        else:
            result.unknown[model] = result.unknown.get(model, 0) + int(count)
    return result
