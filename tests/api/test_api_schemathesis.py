"""The API fuzzed from its own OpenAPI document by schemathesis, over a real HTTP server.

A threaded werkzeug server on 127.0.0.1 serves the test app over the test database (SQLite or
PostgreSQL) holding demo-like records (``api_world``). The document is loaded from the live
``/api/v1/openapi.json`` and schemathesis's engine (what ``schemathesis run`` does) calls every
operation with valid and invalid input: boundary values of each declared member (its coverage
phase), random input (fuzzing) and chains of calls (stateful), with the bearer token of a
provincial officer, of a ministry officer and of an inspector. Every answer must be no 5xx, a
documented status with a documented content type, and a body of the documented schema.

``API_FUZZ_SEED=N`` replays a run (a failure names its seed). The engine is driven directly
rather than through ``schemathesis.pytest.from_fixture``, whose subtests set
``Node._nodeid``, an attribute pytest 9.2 no longer has.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from dataclasses import dataclass, field

import pytest
import schemathesis
from api_world import ApiWorld, api_world  # noqa: F401
from hypothesis import strategies as st
from live_server import serving
from schemathesis.engine import events, from_schema

#: schemathesis 4 names of the checks run (3.x: the same names under schemathesis.checks).
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
#: Random cases per operation and generation mode: with the coverage phase's boundary values,
#: enough to reach every branch of the validators, bounded so that one actor's run takes
#: about 20 s of CPU on SQLite.
MAX_EXAMPLES = 25
ACTORS = ("a_officer", "ministry_officer", "a_inspector")


def _known_ids(api_world: ApiWorld) -> dict[str, list[int]]:
    """Path values naming real records (a generated integer almost never does), province B's
    among them."""
    return {
        "enterprise_id": [e.id for e in api_world.a_enterprises] + [api_world.b_enterprise.id],
        "case_id": [api_world.dc_case.id, api_world.quota_case.id, api_world.ladder_case.id],
        "dc_id": [api_world.centre.id],
        "task_id": [api_world.world.a_task.id, api_world.b_task.id],
        "year": [2020, 2019],
    }


@dataclass
class Run:
    """What one engine run did and found."""

    problems: list[str] = field(default_factory=list)
    operations: set[str] = field(default_factory=set)
    cases_by_phase: Counter = field(default_factory=Counter)
    checks_run: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def record(self, event) -> None:
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            self.operations.add(recorder.label)
            self.cases_by_phase[event.phase.value] += len(recorder.cases)
            for checks in recorder.checks.values():
                for check in checks:
                    self.checks_run[check.name] += 1
                    if check.failure_info is not None:
                        failure = check.failure_info.failure
                        self.problems.append(
                            f"{recorder.label} [{event.phase.value}] {check.name}: "
                            f"{failure.title}\n{failure.message}\n"
                            f"{check.failure_info.code_sample}"
                        )
        elif isinstance(event, events.NonFatalError):
            self.problems.append(f"{event.label}: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            self.problems.append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            self.seconds = event.running_time
            self.problems += [f"{f.operation}: {f.title}\n{f.message}" for f in event.failures]


@pytest.fixture
def live_api(app, api_world):  # noqa: F811
    with serving(app) as url:
        yield url


def load_schema(base_url: str, token: str, seed: int, known: dict[str, list[int]]):
    config = schemathesis.Config.from_dict(
        {
            "base-url": base_url,
            "seed": seed,
            "auth": {"openapi": {"bearerAuth": {"bearer": token}}},
            # No example database: runs neither read nor leave state behind.
            "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        }
    )
    schema = schemathesis.openapi.from_url(f"{base_url}/api/v1/openapi.json", config=config)
    # Named explicitly, the operation serving the document is tested too (left out otherwise).
    schema = schema.include(path_regex="^/api/v1/")

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        """Half the generated ids are replaced by real ones, so lookups get past the 404."""
        real = {
            name: st.sampled_from(known[name]) if name in known else st.just(value)
            for name, value in (path_parameters or {}).items()
        }
        return st.one_of(st.just(path_parameters), st.fixed_dictionaries(real))

    return schema


@pytest.mark.parametrize("actor", ACTORS)
def test_every_operation_answers_as_documented(api_world, live_api, actor):  # noqa: F811
    seed = int(os.environ.get("API_FUZZ_SEED") or random.randrange(2**32))
    user = getattr(api_world.world, actor)
    token = api_world.headers(user)["Authorization"].removeprefix("Bearer ")
    schema = load_schema(live_api, token, seed, _known_ids(api_world))
    run = Run()
    for event in from_schema(schema).execute():
        run.record(event)
    print(
        f"{actor}: {sum(run.cases_by_phase.values())} cases {dict(run.cases_by_phase)} "
        f"in {run.seconds:.1f} s, checks {dict(run.checks_run)}"
    )

    assert not run.problems, f"API_FUZZ_SEED={seed}\n\n" + "\n\n".join(dict.fromkeys(run.problems))
    documented = {
        f"{method.upper()} {path}"
        for path, item in schema.raw_schema["paths"].items()
        for method in item
    }
    assert documented <= run.operations, "operations never called"
    assert {"coverage", "fuzzing"} <= set(run.cases_by_phase)
    assert set(CHECKS) <= set(run.checks_run), "a check never ran"
