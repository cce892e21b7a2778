"""The logic of ``make bench`` (medians, ratios, verdicts, the report, the data set's key),
checked without running a measurement."""

from __future__ import annotations

import json
import os

import pytest

from bench import dataset, harness, registry, report
from bench.measure import Goal, Measurement, Result
from bench.report import Figures, Run


def run(seconds, count=1000, peak=100.0, **extra):
    return Run(seconds=seconds, count=count, peak_mb=peak, extra=extra)


def measurement(goal, name="demo_measurement", unit="rows/s"):
    def never(_ctx):  # pragma: no cover -- nothing here runs a measurement
        raise AssertionError

    return Measurement(
        name=name, title="a demo measurement", unit=unit, goal=goal, app=never, baseline=never
    )


# -- medians and ratios ---------------------------------------------------------------------------


def test_figures_are_the_medians_of_the_runs():
    found = report.figures([run(3.0, peak=120), run(1.0, peak=80), run(2.0, peak=100)])
    assert (found.seconds, found.count, found.peak_mb) == (2.0, 1000, 100)
    assert found.rate == 500


def test_the_median_run_is_a_real_run():
    runs = [run(4.0, p95=4), run(1.0, p95=1), run(2.0, p95=2), run(3.0, p95=3)]
    assert report.median_run(runs).extra == {"p95": 2}
    assert report.median_run(runs[:3]).extra == {"p95": 2}


def test_no_runs_have_no_median():
    with pytest.raises(ValueError):
        report.figures([])


@pytest.mark.parametrize(
    ("kind", "app_seconds", "expected"),
    [("rate", 4.0, 0.5), ("rate", 1.0, 2.0), ("time", 3.0, 1.5), ("time", 1.0, 0.5)],
)
def test_ratio_compares_rates_or_times(kind, app_seconds, expected):
    app, baseline = Figures(app_seconds, 1000, 50), Figures(2.0, 1000, 50)
    assert report.ratio(Goal(kind=kind, ratio=1), app, baseline) == pytest.approx(expected)


def test_a_baseline_that_did_nothing_gives_no_ratio():
    goal = Goal(kind="rate", ratio=0.5)
    assert report.ratio(goal, Figures(1, 10, 1), Figures(1, 0, 1)) is None
    assert report.verdict(goal, Figures(1, 10, 1), Figures(1, 0, 1), run(1)) == [
        "baseline measured nothing"
    ]


def test_an_unknown_goal_kind_is_an_error():
    with pytest.raises(ValueError):
        report.ratio(Goal(kind="speed", ratio=1), Figures(1, 1, 1), Figures(1, 1, 1))


# -- verdicts ----------------------------------------------------------------------------------


BASELINE = Figures(seconds=10.0, count=1_000_000, peak_mb=1000)


@pytest.mark.parametrize(
    ("goal", "app", "reasons"),
    [
        # rate: app ≥ 0.5 × baseline rows/s
        (Goal("rate", 0.5), Figures(20.0, 1_000_000, 100), []),
        (Goal("rate", 0.5), Figures(25.0, 1_000_000, 100), ["ratio 0.40 < 0.5"]),
        # time: app ≤ 1.5 × baseline time
        (Goal("time", 1.5), Figures(15.0, 1, 100), []),
        (Goal("time", 1.5), Figures(16.0, 1, 100), ["ratio 1.60 > 1.5"]),
        # absolute memory
        (Goal("time", 1.5, memory_mb=150), Figures(10.0, 1, 150), []),
        (Goal("time", 1.5, memory_mb=150), Figures(10.0, 1, 151), ["peak 151 MB > 150 MB"]),
        # memory over the baseline's
        (Goal("rate", 0.5, memory_over_baseline_mb=200), Figures(10.0, 1_000_000, 1200), []),
        (
            Goal("rate", 0.5, memory_over_baseline_mb=200),
            Figures(10.0, 1_000_000, 1201),
            ["peak 1201 MB > baseline 1000 + 200 MB"],
        ),
        # several at once
        (
            Goal("time", 1.5, memory_mb=150),
            Figures(30.0, 1, 400),
            ["ratio 3.00 > 1.5", "peak 400 MB > 150 MB"],
        ),
    ],
)
def test_verdicts(goal, app, reasons):
    assert report.verdict(goal, app, BASELINE, run(app.seconds)) == reasons


def test_a_goal_check_judges_the_median_app_run():
    seen = []

    def check(result: Result):
        seen.append(result.extra)
        return "p95 of /cases 180 ms > 150 ms" if result.extra["p95"] > 150 else None

    goal = Goal("rate", 0.3, check=check)
    runs = [run(1.0, p95=100), run(3.0, p95=300), run(2.0, p95=180)]
    outcome = report.judge(measurement(goal), runs, [run(1.0), run(1.0), run(1.0)])
    assert seen == [{"p95": 180}]
    assert not outcome.passed
    assert outcome.reasons == ["p95 of /cases 180 ms > 150 ms"]


def test_judge_passes_a_goal_met_on_the_medians():
    goal = Goal("time", 1.5, memory_mb=150)
    app = [run(14.0, peak=140), run(100.0, peak=200), run(15.0, peak=149)]
    baseline = [run(10.0, peak=60), run(10.0, peak=60), run(1.0, peak=60)]
    outcome = report.judge(measurement(goal), app, baseline)
    assert outcome.passed and outcome.reasons == []
    assert outcome.ratio == pytest.approx(1.5)
    assert outcome.app.peak_mb == 149


# -- what is printed --------------------------------------------------------------------------------


def test_the_goal_text_is_made_from_the_goal_when_not_given():
    assert report.describe_goal(Goal("rate", 0.5, memory_over_baseline_mb=200), "rows/s") == (
        "≥ 0.5 × baseline rows/s; peak ≤ baseline + 200 MB"
    )
    assert report.describe_goal(Goal("time", 1.5, memory_mb=150), "rows/s") == (
        "≤ 1.5 × baseline time; peak ≤ 150 MB"
    )
    assert report.describe_goal(Goal("time", 3, text="≤ 3 ×"), "rows/s") == "≤ 3 ×"


def outcomes():
    met = report.judge(
        measurement(Goal("rate", 0.5), name="import_csv"),
        [run(2.0, count=1_000_000, peak=250)],
        [run(1.5, count=1_000_000, peak=40)],
    )
    missed = report.judge(
        measurement(Goal("time", 1.5, memory_mb=150), name="annex_national"),
        [run(3.0, count=50_000, peak=160)],
        [run(1.0, count=50_000, peak=60)],
    )
    broken = report.failed(
        measurement(Goal("time", 3), name="reminders"), "app run failed (status 1): KeyError"
    )
    return [met, missed, broken]


def test_one_line_per_measurement_and_the_summary_last():
    met, missed, broken = (report.line(o) for o in outcomes())
    assert met.startswith("import_csv") and met.endswith("PASS")
    assert "2.00 s" in met and "500 000 rows/s" in met and "250 MB" in met and "×0.75" in met
    assert missed.endswith("FAIL (ratio 3.00 > 1.5; peak 160 MB > 150 MB)")
    assert "≤ 1.5 × baseline time; peak ≤ 150 MB" in missed
    assert broken.endswith("FAIL (error: app run failed (status 1): KeyError)")
    assert report.summary_line(outcomes()) == "bench: 1 of 3 goals met"
    assert report.summary_line([]) == "bench: 0 of 0 goals met"


def test_markdown_table_for_the_readme():
    text = report.markdown(outcomes(), machine={"cores": 2, "memory_mb": 8192, "python": "3.11"})
    lines = text.splitlines()
    assert lines[0] == "| measurement | baseline (same run) | app | ratio | goal | result |"
    assert lines[2].startswith("| a demo measurement | 1.50 s, 666 667 rows/s, 40 MB |")
    assert lines[2].endswith("| 0.75 | ≥ 0.5 × baseline rows/s | PASS |")
    assert "FAIL: ratio 3.00 > 1.5; peak 160 MB > 150 MB" in lines[3]
    assert "bench: 1 of 3 goals met" in lines
    assert lines[-1] == "Measured on 2 cores, 8 GB, Python 3.11, SQLite ?."


def test_saved_results_read_back_as_printed(tmp_path, capsys):
    saved = {"measurements": [o.to_json() for o in outcomes()], "machine": {}}
    path = tmp_path / "latest.json"
    path.write_text(json.dumps(saved), encoding="utf-8")
    assert harness.main(["--report", str(path)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[-1] == "bench: 1 of 3 goals met"
    assert printed[:3] == [report.line(o) for o in outcomes()]


# -- the runs ----------------------------------------------------------------------------------------


def test_the_worker_result_is_its_last_marked_line():
    stdout = "progress\nBENCH-RESULT {}\nmore\n" + (
        'BENCH-RESULT {"seconds": 2.5, "count": 7, "peak_mb": 99.5, "extra": {"a": 1}}\n'
    )
    assert harness.parse_result(stdout) == Run(2.5, 7, 99.5, {"a": 1})
    with pytest.raises(harness.WorkerError, match="printed no result"):
        harness.parse_result("Traceback …\n")


def test_a_failed_run_is_reported_by_its_exception_line():
    traceback = [
        "Traceback (most recent call last):",
        '  File "bench/annex.py", line 90, in baseline_run',
        "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) no such table: x",
        "[SQL: SELECT 1]",
        "(Background on this error at: https://sqlalche.me/e/21/e3q8)",
        "",
    ]
    assert harness.error_line(traceback) == (
        "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) no such table: x"
    )
    assert harness.error_line(["Killed", ""]) == "Killed"
    assert harness.error_line([]) == "no output"
    assert len(harness.error_line(["KeyError: " + "x" * 500])) == 200


def test_only_selects_known_measurements():
    found = registry.Registry(
        measurements=[measurement(Goal("time", 1), name=n) for n in ("a", "b", "c")]
    )
    assert [m.name for m in harness.select(found, "c, a")] == ["a", "c"]
    assert [m.name for m in harness.select(found, None)] == ["a", "b", "c"]
    with pytest.raises(LookupError, match="no measurement x; there are: a, b, c"):
        harness.select(found, "a,x")


def test_modules_not_written_yet_are_tolerated():
    found = registry.load(("not_written_yet",))
    assert found.missing == ["not_written_yet"] and found.measurements == []


def test_sales_default_from_the_environment():
    assert harness.parse_args([], env={}).sales == 10_000_000
    assert harness.parse_args([], env={"BENCH_SALES": "100_000"}).sales == 100_000
    assert harness.parse_args(["--sales", "5"], env={"BENCH_SALES": "7"}).sales == 5
    with pytest.raises(SystemExit):
        harness.parse_args(["--runs", "0"], env={})


# -- the data set ------------------------------------------------------------------------------------


@pytest.fixture
def generator(tmp_path):
    """A project tree holding the files the key is made of, and one it is not."""
    files = {
        "supervision/demo/service.py": "demo",
        "supervision/demo/national/people.py": "people",
        "migrations/versions/0001_first.py": "first",
        "supervision/verification/samplefiles.py": "samples",
        "supervision/tasks/service.py": "not part of the generator",
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_the_key_changes_with_the_generator_seed_and_size(generator):
    key = dataset.generator_key(generator, 2020, 1000)
    assert key == dataset.generator_key(generator, 2020, 1000)
    assert dataset.generator_key(generator, 2021, 1000) != key
    assert dataset.generator_key(generator, 2020, 1001) != key

    (generator / "supervision/tasks/service.py").write_text("changed, but not the generator")
    assert dataset.generator_key(generator, 2020, 1000) == key

    (generator / "supervision/demo/national/people.py").write_text("people, more of them")
    changed = dataset.generator_key(generator, 2020, 1000)
    assert changed != key

    (generator / "migrations/versions/0002_second.py").write_text("second")
    assert dataset.generator_key(generator, 2020, 1000) != changed


def test_a_renamed_generator_file_changes_the_key(generator):
    key = dataset.generator_key(generator, 2020, 1000)
    os.rename(
        generator / "supervision/demo/national/people.py",
        generator / "supervision/demo/national/persons.py",
    )
    assert dataset.generator_key(generator, 2020, 1000) != key


def test_old_data_sets_and_abandoned_builds_are_removed(tmp_path):
    for name in (
        "national-aaaa.sqlite",
        "national-bbbb.sqlite",
        "national-bbbb.sqlite-wal",
        ".national-bbbb.999999999.part.sqlite",
        "latest.json",
    ):
        (tmp_path / name).write_text("x")
    alive = tmp_path / f".national-aaaa.{os.getpid()}.part.sqlite"
    alive.write_text("a build in progress")
    removed = dataset.remove_stale(tmp_path, keep="aaaa")
    assert removed == ["national-bbbb.sqlite"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [alive.name, "latest.json", "national-aaaa.sqlite"]
    )


def test_the_cached_data_set_is_used_without_building(tmp_path, monkeypatch, generator):
    key = dataset.generator_key(generator, 7, 10)
    bench = tmp_path / "instance/bench"
    bench.mkdir(parents=True)
    (bench / f"national-{key}.sqlite").write_text("built before")

    def build(*_args, **_kwargs):  # pragma: no cover -- must not be called
        raise AssertionError("rebuilt")

    monkeypatch.setattr(dataset, "run_generator", build)
    found = dataset.ensure(generator, bench, seed=7, sales=10, env={}, echo=lambda _t: None)
    assert found.url == f"sqlite:///{bench / f'national-{key}.sqlite'}"
    assert (found.kind, found.key, found.built_seconds) == ("sqlite", key, 0.0)


def test_a_failed_build_leaves_no_file_that_looks_valid(tmp_path, monkeypatch, generator):
    def build(root, url, **_kwargs):
        path = url.removeprefix("sqlite:///")
        with open(path, "w") as half:
            half.write("half a data set")
        raise dataset.DatasetError("building the national data set failed: `flask …` exited")

    monkeypatch.setattr(dataset, "run_generator", build)
    bench = tmp_path / "instance/bench"
    with pytest.raises(dataset.DatasetError, match="exited"):
        dataset.ensure(generator, bench, seed=7, sales=10, env={}, echo=lambda _t: None)
    assert list(bench.iterdir()) == []


def test_a_complete_build_is_renamed_into_place(tmp_path, monkeypatch, generator):
    import sqlite3

    def build(root, url, **_kwargs):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT)")
        connection.execute("INSERT INTO settings VALUES ('national_dataset', '7:10')")
        connection.commit()
        connection.close()

    monkeypatch.setattr(dataset, "run_generator", build)
    bench = tmp_path / "instance/bench"
    bench.mkdir(parents=True)
    (bench / "national-0123456789abcdef.sqlite").write_text("an older generator's")
    found = dataset.ensure(generator, bench, seed=7, sales=10, env={}, echo=lambda _t: None)
    assert [p.name for p in bench.iterdir()] == [found.path.name]
    assert found.path.name == f"national-{found.key}.sqlite"
    connection = sqlite3.connect(found.path)
    try:
        assert connection.execute("SELECT value FROM settings").fetchone() == ("7:10",)
    finally:
        connection.close()


def test_a_build_without_the_national_marker_is_refused(tmp_path, monkeypatch, generator):
    import sqlite3

    def build(root, url, **_kwargs):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        connection.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT)")
        connection.close()

    monkeypatch.setattr(dataset, "run_generator", build)
    bench = tmp_path / "instance/bench"
    with pytest.raises(dataset.DatasetError, match="no national marker"):
        dataset.ensure(generator, bench, seed=7, sales=10, env={}, echo=lambda _t: None)
    assert list(bench.iterdir()) == []


# -- a PostgreSQL bench database ---------------------------------------------------------------------

SERVER = "postgresql://bench:secret@db.example/bench"


@pytest.fixture
def server(monkeypatch):
    """A stand-in for the database server: its two settings rows, and what the bench did."""
    state = {"marker": None, "key": None, "built": 0}

    def build(root, url, *, seed, sales, env, echo):
        assert url == SERVER and env["SUPERVISION_DATABASE_URL"] == SERVER
        state["built"] += 1
        state["marker"] = f"{seed}:{sales}"

    def store(url, key):
        state["key"] = key

    monkeypatch.setattr(dataset, "_server_settings", lambda url: (state["marker"], state["key"]))
    monkeypatch.setattr(dataset, "run_generator", build)
    monkeypatch.setattr(dataset, "_store_key", store)
    return state


def ensure_on_server(generator, tmp_path, sales=10):
    return dataset.ensure(
        generator,
        tmp_path / "instance/bench",
        seed=7,
        sales=sales,
        env={"SUPERVISION_DATABASE_URL": SERVER},
        echo=lambda _t: None,
    )


def test_an_empty_server_database_is_built_into_and_keyed(server, generator, tmp_path):
    found = ensure_on_server(generator, tmp_path)
    assert (found.kind, found.url, found.path) == ("postgresql", SERVER, None)
    assert server == {"marker": "7:10", "key": found.key, "built": 1}
    assert ensure_on_server(generator, tmp_path).key == found.key
    assert server["built"] == 1
    assert not (tmp_path / "instance/bench").exists()


def test_a_server_database_of_another_generator_is_refused(server, generator, tmp_path):
    ensure_on_server(generator, tmp_path)
    with pytest.raises(dataset.DatasetError) as refused:
        ensure_on_server(generator, tmp_path, sales=11)
    message = str(refused.value)
    assert "already holds national data (7:10)" in message
    assert "secret" not in message and "***" in message
    assert "Point SUPERVISION_DATABASE_URL at an empty database" in message
    assert server["built"] == 1


def test_national_data_made_outside_the_bench_is_refused(server, generator, tmp_path):
    server["marker"] = "7:10"
    with pytest.raises(dataset.DatasetError, match="an unknown generator"):
        ensure_on_server(generator, tmp_path)
    assert server["built"] == 0
