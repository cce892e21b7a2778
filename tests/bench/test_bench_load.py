"""bench/load.py's reading of wrk's report and of gunicorn's log, and its wrk script."""

from __future__ import annotations

from bench.load_wrk import check_log, mixed_script, parse_wrk

REPORT = """Running 30s test @ http://127.0.0.1:5161/cases/
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.61s   312.40ms   3.52s    71.20%
    Req/Sec    14.30      8.21    40.00     63.00%
  Latency Distribution
     50%    2.60s
     75%    2.80s
     90%    3.17s
     99%    3.46s
  742 requests in 30.10s, 10.21MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:     24.65
Transfer/sec:    347.30KB
""".replace("2.60s", "2.60s ")  # wrk pads some of its lines with trailing spaces


def test_wrk_report():
    result = parse_wrk(REPORT)
    assert (result.requests, result.seconds, result.rate) == (742, 30.1, 24.65)
    assert result.latency_ms == {"50": 2600.0, "75": 2800.0, "90": 3170.0, "99": 3460.0}
    assert result.max_ms == 3520.0
    assert result.socket_errors == {"connect": 0, "read": 2, "write": 0, "timeout": 1}
    assert result.non_2xx_3xx == 4
    assert result.errors == 7


def test_a_clean_wrk_report_has_no_errors():
    clean = REPORT.replace("  Socket errors: connect 0, read 2, write 0, timeout 1\n", "")
    clean = clean.replace("  Non-2xx or 3xx responses: 4\n", "")
    assert parse_wrk(clean).errors == 0


def test_gunicorn_log():
    log = "\n".join(
        [
            '127.0.0.1 [22/Nov/2026:10:43:07 +0000] "GET /cases/ HTTP/1.1" 200 4736 131ms "-" "x"',
            '127.0.0.1 [22/Nov/2026:10:43:07 +0000] "PUT /cases/10/drafts/a HTTP/1.1" 200 40 9ms',
            '127.0.0.1 [22/Nov/2026:10:43:08 +0000] "POST /x/read HTTP/1.1" 302 235 164ms "-" "x"',
            '127.0.0.1 [22/Nov/2026:10:43:08 +0000] "POST /x/read HTTP/1.1" 500 235 164ms "-" "x"',
            "[2026-11-22 10:43:10 +0000] [987] [INFO] Handling signal: term",
            "Traceback (most recent call last):",
            "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) database is locked",
        ]
    )
    checked = check_log(log)
    assert checked.statuses == {"200": 2, "302": 1, "500": 1}
    assert checked.locked == 1
    assert checked.error_lines == 2
    assert checked.failed == 3  # the 500 and the two error lines
    assert check_log(log.split("\n[")[0]).failed == 1


def test_mixed_script_sends_each_request_in_turn():
    script = mixed_script(
        [
            {"method": "GET", "path": "/a?q=1", "headers": {"Cookie": 's="1"'}, "body": None},
            {"method": "POST", "path": "/b", "headers": {}, "body": 'x="y"\n'},
        ]
    )
    assert '{ method = "GET", path = "/a?q=1", headers = { ["Cookie"] = "s=\\"1\\"" }' in script
    assert 'body = "x=\\"y\\"\\n" }' in script
    assert "n = n % #requests + 1" in script
