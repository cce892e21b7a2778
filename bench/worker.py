"""One run of one measurement in a process of its own, so that its peak memory is its own:

    python -m bench.worker MEASUREMENT app|baseline|prepare

The Context comes from the environment the harness sets (``BENCH_DATABASE_URL``,
``BENCH_WORK``, ``BENCH_SEED``, ``BENCH_SALES``). The last line of the output is
``BENCH-RESULT {json}``: the Result with the process's peak memory (``ru_maxrss``).
"""

from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path

from bench.measure import Context

MARKER = "BENCH-RESULT "
SIDES = ("app", "baseline", "prepare")


def context_from_env(env=os.environ) -> Context:
    return Context(
        database_url=env["BENCH_DATABASE_URL"],
        work=Path(env["BENCH_WORK"]),
        seed=int(env["BENCH_SEED"]),
        sales=int(env["BENCH_SALES"]),
    )


def peak_mb(who=resource.RUSAGE_SELF) -> float:
    """Peak resident memory in MB (``ru_maxrss`` is KB on Linux, bytes on macOS)."""
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run(name: str, side: str) -> dict:
    from bench.registry import find

    measurement = find(name)
    ctx = context_from_env()
    ctx.work.mkdir(parents=True, exist_ok=True)
    if side == "prepare":
        if measurement.prepare is not None:
            measurement.prepare(ctx)
        return {"seconds": 0.0, "count": 0, "extra": {}, "peak_mb": peak_mb()}
    result = getattr(measurement, side)(ctx)
    return {
        "seconds": result.seconds,
        "count": result.count,
        "extra": result.extra,
        "peak_mb": peak_mb(),
        "children_peak_mb": peak_mb(resource.RUSAGE_CHILDREN),
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[1] not in SIDES:
        print(f"usage: python -m bench.worker MEASUREMENT {'|'.join(SIDES)}", file=sys.stderr)
        return 2
    data = run(argv[0], argv[1])
    sys.stdout.flush()
    print(MARKER + json.dumps(data, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
