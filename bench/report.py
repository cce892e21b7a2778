"""What ``make bench`` makes of the runs: medians, the ratio to the baseline, the verdict of the
goal and the lines printed (plain values in, text out; nothing here runs a measurement)."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field

from bench.measure import Goal, Result


@dataclass
class Run:
    """One run of ``app`` or ``baseline`` in its own process, as ``bench.worker`` reported it."""

    seconds: float
    count: int
    #: Peak resident memory of the process (``ru_maxrss``), in MB.
    peak_mb: float
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict) -> Run:
        return cls(
            seconds=float(data["seconds"]),
            count=int(data.get("count", 0)),
            peak_mb=float(data["peak_mb"]),
            extra=dict(data.get("extra") or {}),
        )

    def result(self) -> Result:
        return Result(seconds=self.seconds, count=self.count, extra=self.extra)


@dataclass
class Figures:
    """The medians of one side's runs."""

    seconds: float
    count: int
    peak_mb: float

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds > 0 else 0.0


@dataclass
class Outcome:
    """One measurement of one bench run: its figures, the ratio and the verdict."""

    name: str
    title: str
    unit: str
    goal: str
    baseline_title: str = ""
    app: Figures | None = None
    baseline: Figures | None = None
    ratio: float | None = None
    passed: bool = False
    #: Why the goal is missed (empty when met).
    reasons: list[str] = field(default_factory=list)
    #: Set when a run could not be made at all: the harness failed, not the goal.
    error: str | None = None
    app_runs: list[Run] = field(default_factory=list)
    baseline_runs: list[Run] = field(default_factory=list)

    def to_json(self) -> dict:
        data = asdict(self)
        for side in ("app", "baseline"):
            figures = getattr(self, side)
            if figures is not None:
                data[side]["rate"] = figures.rate
        return data

    @classmethod
    def from_json(cls, data: dict) -> Outcome:
        data = dict(data)
        for side in ("app", "baseline"):
            if data.get(side) is not None:
                data[side] = Figures(
                    seconds=data[side]["seconds"],
                    count=data[side]["count"],
                    peak_mb=data[side]["peak_mb"],
                )
        for side in ("app_runs", "baseline_runs"):
            data[side] = [Run.from_json(r) for r in data.get(side, [])]
        return cls(**data)


# -- arithmetic -----------------------------------------------------------------------------------


def figures(runs: list[Run]) -> Figures:
    """Median time, count and peak memory of ``runs`` (at least one)."""
    if not runs:
        raise ValueError("no runs")
    return Figures(
        seconds=statistics.median(r.seconds for r in runs),
        count=round(statistics.median(r.count for r in runs)),
        peak_mb=statistics.median(r.peak_mb for r in runs),
    )


def median_run(runs: list[Run]) -> Run:
    """The run of median time (the lower of the two middle ones for an even number): what a
    goal's ``check`` judges, so that its extra figures belong to one real run."""
    ordered = sorted(runs, key=lambda r: r.seconds)
    return ordered[(len(ordered) - 1) // 2]


def ratio(goal: Goal, app: Figures, baseline: Figures) -> float | None:
    """App rate / baseline rate ("rate" goals) or app time / baseline time ("time" goals);
    None when the baseline gives nothing to divide by."""
    if goal.kind == "rate":
        return app.rate / baseline.rate if baseline.rate > 0 else None
    if goal.kind == "time":
        return app.seconds / baseline.seconds if baseline.seconds > 0 else None
    raise ValueError(f"unknown goal kind {goal.kind!r}")


def verdict(goal: Goal, app: Figures, baseline: Figures, app_median: Run) -> list[str]:
    """Why the goal is missed: an empty list when it is met."""
    reasons = []
    found = ratio(goal, app, baseline)
    if found is None:
        reasons.append("baseline measured nothing")
    elif goal.kind == "rate" and found < goal.ratio:
        reasons.append(f"ratio {found:.2f} < {goal.ratio:g}")
    elif goal.kind == "time" and found > goal.ratio:
        reasons.append(f"ratio {found:.2f} > {goal.ratio:g}")
    if goal.memory_mb is not None and app.peak_mb > goal.memory_mb:
        reasons.append(f"peak {app.peak_mb:.0f} MB > {goal.memory_mb:g} MB")
    if goal.memory_over_baseline_mb is not None:
        limit = baseline.peak_mb + goal.memory_over_baseline_mb
        if app.peak_mb > limit:
            reasons.append(
                f"peak {app.peak_mb:.0f} MB > baseline {baseline.peak_mb:.0f}"
                f" + {goal.memory_over_baseline_mb:g} MB"
            )
    if goal.check is not None:
        failure = goal.check(app_median.result())
        if failure:
            reasons.append(failure)
    return reasons


def describe_goal(goal: Goal, unit: str) -> str:
    """The goal as printed: its own text, or one made from its figures."""
    if goal.text:
        return goal.text
    parts = [
        f"≥ {goal.ratio:g} × baseline {unit}"
        if goal.kind == "rate"
        else f"≤ {goal.ratio:g} × baseline time"
    ]
    if goal.memory_mb is not None:
        parts.append(f"peak ≤ {goal.memory_mb:g} MB")
    if goal.memory_over_baseline_mb is not None:
        parts.append(f"peak ≤ baseline + {goal.memory_over_baseline_mb:g} MB")
    return "; ".join(parts)


def judge(measurement, app_runs: list[Run], baseline_runs: list[Run]) -> Outcome:
    """The outcome of a measurement's runs (``measurement``: a ``bench.measure.Measurement``)."""
    outcome = Outcome(
        name=measurement.name,
        title=measurement.title,
        unit=measurement.unit,
        goal=describe_goal(measurement.goal, measurement.unit),
        baseline_title=getattr(measurement, "baseline_title", ""),
        app_runs=list(app_runs),
        baseline_runs=list(baseline_runs),
    )
    outcome.app, outcome.baseline = figures(app_runs), figures(baseline_runs)
    outcome.ratio = ratio(measurement.goal, outcome.app, outcome.baseline)
    outcome.reasons = verdict(measurement.goal, outcome.app, outcome.baseline, median_run(app_runs))
    outcome.passed = not outcome.reasons
    return outcome


def failed(measurement, error: str, app_runs=(), baseline_runs=()) -> Outcome:
    """The outcome of a measurement that could not be run to the end."""
    return Outcome(
        name=measurement.name,
        title=measurement.title,
        unit=measurement.unit,
        goal=describe_goal(measurement.goal, measurement.unit),
        baseline_title=getattr(measurement, "baseline_title", ""),
        error=error,
        reasons=[f"error: {error}"],
        app_runs=list(app_runs),
        baseline_runs=list(baseline_runs),
    )


# -- text -----------------------------------------------------------------------------------------


def number(value: float) -> str:
    """1 234 567 (the issue's spelling of large numbers)."""
    return f"{value:,.0f}".replace(",", " ")


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def side_text(figures: Figures | None, unit: str) -> str:
    if figures is None:
        return "—"
    return f"{seconds(figures.seconds)}, {number(figures.rate)} {unit}, {figures.peak_mb:.0f} MB"


def verdict_text(outcome: Outcome) -> str:
    if outcome.passed:
        return "PASS"
    return "FAIL (" + "; ".join(outcome.reasons) + ")"


def line(outcome: Outcome) -> str:
    """The printed line: name, median time, rate, peak memory, ratio, goal, PASS/FAIL."""
    if outcome.app is None:
        return f"{outcome.name:<16} {'—':>9} {'—':>16} {'—':>8} {'—':>9}  {outcome.goal}  " + (
            verdict_text(outcome)
        )
    app = outcome.app
    rate = f"{number(app.rate)} {outcome.unit}"
    ratio_text = f"×{outcome.ratio:.2f}" if outcome.ratio is not None else "×?"
    return (
        f"{outcome.name:<16} {seconds(app.seconds):>9} {rate:>16} {app.peak_mb:>5.0f} MB"
        f" {ratio_text:>9}  {outcome.goal}  {verdict_text(outcome)}"
    )


def summary_line(outcomes: list[Outcome]) -> str:
    met = sum(1 for o in outcomes if o.passed)
    return f"bench: {met} of {len(outcomes)} goals met"


def markdown(outcomes: list[Outcome], *, machine: dict | None = None) -> str:
    """The README's "Performance" table: measurement, baseline, app, ratio, goal, result."""
    rows = [
        "| measurement | baseline (same run) | app | ratio | goal | result |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for o in outcomes:
        baseline = side_text(o.baseline, o.unit)
        if o.baseline_title:
            baseline = f"{o.baseline_title}: {baseline}"
        ratio_text = f"{o.ratio:.2f}" if o.ratio is not None else "—"
        result = "PASS" if o.passed else "FAIL: " + "; ".join(o.reasons)
        cells = (o.title, baseline, side_text(o.app, o.unit), ratio_text, o.goal, result)
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    rows.append("")
    rows.append(summary_line(outcomes))
    if machine:
        rows.append("")
        rows.append(machine_text(machine))
    return "\n".join(rows)


def machine_text(machine: dict) -> str:
    parts = [f"{machine.get('cores', '?')} cores", f"{machine.get('memory_mb', 0) / 1024:.0f} GB"]
    parts.append(f"Python {machine.get('python', '?')}")
    if machine.get("postgresql"):
        parts.append(f"PostgreSQL {machine['postgresql']}")
    else:
        parts.append(f"SQLite {machine.get('sqlite', '?')}")
    return "Measured on " + ", ".join(parts) + "."
