"""The measurement modules of ``make bench`` and how to find a measurement by name."""

from __future__ import annotations

import importlib
import traceback
from dataclasses import dataclass, field

from bench.measure import Measurement

#: Every measurement module, in the order the bench runs them (issue 9's table).
MODULES = ("imports", "annex", "sampling", "pages", "reminders")


@dataclass
class Registry:
    measurements: list[Measurement] = field(default_factory=list)
    #: Modules not written yet (tolerated while developing; the report says so).
    missing: list[str] = field(default_factory=list)
    #: Modules that failed to import: module → the error's last line.
    broken: dict[str, str] = field(default_factory=dict)
    #: Module of each measurement, by name.
    modules: dict[str, str] = field(default_factory=dict)

    def names(self) -> list[str]:
        return [m.name for m in self.measurements]


def load(modules: tuple[str, ...] = MODULES) -> Registry:
    """Import every module's ``MEASUREMENTS``."""
    registry = Registry()
    for module in modules:
        qualified = f"bench.{module}"
        try:
            found = importlib.import_module(qualified)
        except ModuleNotFoundError as exc:
            if exc.name == qualified:
                registry.missing.append(module)
                continue
            registry.broken[module] = _last_line(exc)
            continue
        except Exception as exc:  # a broken module must not hide the others' results
            registry.broken[module] = _last_line(exc)
            continue
        for measurement in getattr(found, "MEASUREMENTS", []):
            if measurement.name in registry.modules:
                registry.broken[module] = f"measurement name {measurement.name!r} used twice"
                continue
            registry.measurements.append(measurement)
            registry.modules[measurement.name] = module
    return registry


def find(name: str) -> Measurement:
    """The measurement called ``name`` (a broken module does not hide the others')."""
    found = load()
    for measurement in found.measurements:
        if measurement.name == name:
            return measurement
    broken = "".join(f"; bench/{m}.py: {error}" for m, error in found.broken.items())
    raise LookupError(f"no measurement {name!r}{broken}")


def _last_line(exc: BaseException) -> str:
    return traceback.format_exception_only(exc)[-1].strip()
