"""What a measurement of ``make bench`` is: the application doing a piece of work, the plain
library doing the same work as its baseline, and the goal comparing the two.

Each run of ``app`` or ``baseline`` happens in a fresh Python process (``bench.worker``), so
that its peak memory (``ru_maxrss``) is its own; the harness runs each three times and takes
the medians. A run returns a ``Result``; the harness adds the peak memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Result:
    """One run: how long the measured work took (setup excluded) and how much it did."""

    seconds: float
    #: Rows imported/written/scanned, or requests served: the rate is count / seconds.
    count: int = 0
    #: Anything else worth keeping in the JSON (per-page p95s, rows drawn …).
    extra: dict = field(default_factory=dict)


@dataclass
class Goal:
    """The goal of a measurement, as the issue states it.

    ``kind``:
    - "rate": app rate ≥ ``ratio`` × baseline rate (count / seconds);
    - "time": app median time ≤ ``ratio`` × baseline median time.
    ``memory_mb``: app peak ≤ this many MB (absolute), and/or ``memory_over_baseline_mb``:
    app peak ≤ baseline peak + this many MB. ``check`` may add a condition of its own on the
    app's median Result (e.g. every page's p95 ≤ 150 ms): it returns a failure text or None.
    """

    kind: str
    ratio: float
    memory_mb: float | None = None
    memory_over_baseline_mb: float | None = None
    check: Callable[[Result], str | None] | None = None
    text: str = ""


@dataclass
class Context:
    """Where a run works: the national database and a scratch folder."""

    #: SQLAlchemy URL of the database holding the national data set.
    database_url: str
    #: Scratch folder under instance/bench/ for generated input files, kept between runs.
    work: Path
    seed: int
    sales: int

    def app(self):
        """The application bound to the bench database (quiet logging, no CSRF changes)."""
        from supervision import create_app

        # create_app derives SQLALCHEMY_DATABASE_URI from DATABASE_URL (after the test
        # config is read): DATABASE_URL is the key to give.
        return create_app({"DATABASE_URL": self.database_url, "IMPORTS_INLINE": True})


@dataclass
class Measurement:
    #: Short key, used on the command line and in the JSON: "import_xlsx".
    name: str
    #: What the printed line calls it.
    title: str
    #: "rows/s" or "req/s".
    unit: str
    goal: Goal
    #: Each takes the Context and returns a Result (runs in its own process).
    app: Callable[[Context], Result]
    baseline: Callable[[Context], Result]
    #: Run once per bench run before any app/baseline run (in its own process): input files,
    #: fixtures. Must be idempotent and cheap when its output already exists.
    prepare: Callable[[Context], None] | None = None
    #: What the baseline is, for the README's table ("calamine + executemany").
    baseline_title: str = ""
