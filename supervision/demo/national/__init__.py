"""The national data set (``flask demo --scale national``): every province at the size of a
real year, generated deterministically from a seed with bulk inserts, for the benchmark and for
trying the product at scale.

On top of the ordinary demo (its accounts log in and see the national figures):
32 provincial units with 300 agencies and 1 500 inspectors; 40 000 enterprises over the
Annex-1 industries and the ladder sectors; 50 000 tasks of the 2020 plan over the five
categories; 2 000 data centres with 12 months of readings; 8 000 findings and 5 000
rectification notices; a verification campaign with ``sales`` consumer sales records.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from ...extensions import db
from .bulk import BulkWriter

NATIONAL = "national"
#: Consumer sales records of the national verification campaign, unless told otherwise.
DEFAULT_SALES = 1_000_000


@dataclass
class Build:
    """What every part of the generator shares: the seed, the writer, the clock, progress."""

    seed: int
    sales: int
    now: datetime
    writer: BulkWriter
    echo: Callable[[str], None] = print
    #: Facts one part leaves for the next (ids by kind), e.g. ``facts["provinces"]``.
    facts: dict = field(default_factory=dict)
    #: Share of the full size to generate (tests run a small version); counts stay ≥ 1.
    fraction: float = 1.0

    def scaled(self, target: int, existing: int = 0) -> int:
        """How many rows to add so the database holds ``target`` at full size (it holds
        ``existing`` already), scaled by ``fraction``; at least 1."""
        return max(1, round(self.fraction * max(target - existing, 0)))

    def rng(self, part: str) -> random.Random:
        """A generator of its own per part: adding rows to one part moves no other."""
        digest = hashlib.sha256(f"{self.seed}:{part}".encode()).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311 -- demo data


def utc(day: date, hour: int = 2) -> datetime:
    """A moment of ``day`` as stored (UTC): hour 2 is 10:00 in Beijing, office hours."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def load_national(
    *, seed: int, sales: int, now: datetime, echo=print, fraction: float = 1.0
) -> dict[str, float]:
    """Generate the national data set into the current database (which already holds the
    ordinary demo). Flushes, never commits. Returns seconds taken per part."""
    from . import cases, datacentres, enterprises, people, sales_records, tasks

    _mark(seed, sales)
    build = Build(
        seed=seed,
        sales=sales,
        now=now,
        writer=BulkWriter(db.session, echo=echo),
        echo=echo,
        fraction=fraction,
    )
    timings: dict[str, float] = {}
    for name, part in (
        ("people", people.load),
        ("enterprises", enterprises.load),
        ("tasks", tasks.load),
        ("cases", cases.load),
        ("datacentres", datacentres.load),
        ("sales", sales_records.load),
    ):
        echo(f"{name} …")
        started = time.perf_counter()
        part(build)
        timings[name] = round(time.perf_counter() - started, 1)
    build.writer.finish()
    _record(build, timings)
    from ...reminders.changes import mark_changed

    mark_changed()  # COPY is not seen by the reminders' change counters
    return timings


def _record(build: Build, timings: dict[str, float]) -> None:
    """One audit entry for the whole generation (its rows are not audited one by one)."""
    from ...core import audit

    audit.record(
        db.session,
        action="generate",
        entity="national_dataset",
        entity_id=str(build.seed),
        label="全国规模演示数据",
        changes={
            "sales": (None, build.sales),
            "fraction": (None, build.fraction),
            "seconds": (None, timings),
        },
    )


#: Setting written once the national data is in: "seed:sales".
MARKER_KEY = "national_dataset"


def already_loaded(*, seed: int, sales: int) -> bool:
    """True if this database holds the national data of this seed and size; a database with
    national data of another seed or size is refused (ValueError from ``load_national``)."""
    from ...core.models import Setting

    marker = db.session.get(Setting, MARKER_KEY)
    return marker is not None and marker.value == f"{seed}:{sales}"


def _mark(seed: int, sales: int) -> None:
    from ...core.models import Setting

    marker = db.session.get(Setting, MARKER_KEY)
    if marker is not None:
        raise ValueError(
            f"This database already holds national data ({marker.value}); "
            "generate into a fresh database."
        )
    db.session.add(Setting(key=MARKER_KEY, value=f"{seed}:{sales}"))
