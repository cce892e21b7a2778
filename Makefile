# The two commands of the README: `make run` and `make test`. Everything they need is
# installed here, into .venv, from the package registries.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app supervision
STAMP := $(VENV)/.installed
MO := supervision/translations/en/LC_MESSAGES/messages.mo
# Front-end libraries: downloaded from the npm registry and hash-checked, never committed.
VENDOR := static/vendor/echarts/echarts.min.js
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test e2e bench load setup lint translations extract-messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(MO): supervision/translations/en/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile -d supervision/translations

$(VENDOR): tools/vendor.py
	$(PYTHON) tools/vendor.py
	touch $@

setup: $(STAMP) $(MO) $(VENDOR)

# The scheduler (reminders) runs beside the web server; Ctrl-C stops both. A background job of
# a non-interactive shell ignores Ctrl-C, so the trap sends it SIGTERM (it then shuts down and
# releases its lease).
run: setup
	$(FLASK) init
	$(FLASK) demo
	@echo "Serving on http://$(HOST):$(PORT)/  (demo accounts: see README.md); scheduler beside it"
	$(FLASK) scheduler & sched=$$!; \
	trap 'kill $$sched 2>/dev/null; wait $$sched' EXIT; trap 'exit 130' INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/python -m pytest

# The browser journeys (e2e/, not collected by `make test`): Debian's Chromium and CJK fonts
# (e2e/setup.sh: apt-get, as root, when missing; never `playwright install`), then Playwright
# drives them against gunicorn on free ports, each test module on a fresh demo database.
# E2E_ARGS="-k filing -x" to pass pytest options; screenshots go to instance/e2e/screenshots/.
e2e: setup
	bash e2e/setup.sh
	$(BIN)/python -m pytest e2e $(E2E_ARGS)

# The benchmark (README "Performance"): builds the national data set once, cached under
# instance/bench/, then measures each goal against its plain-library baseline. BENCH_SALES=N
# for a smaller data set, BENCH_ARGS="--only annex_national --runs 1" for one measurement;
# SUPERVISION_DATABASE_URL=postgresql://… runs it on PostgreSQL.
bench: setup
	$(BIN)/python -m bench $(BENCH_ARGS)

# The load test (README "Performance" → "Load test"): wrk against the busiest pages and the API
# under gunicorn on 127.0.0.1, 30 s × 64 connections each, then a mixed run with writes; fails on
# any error. wrk comes from Debian (installed here when missing, as root).
# SUPERVISION_DATABASE_URL=postgresql://… runs it on PostgreSQL; LOAD_ARGS="--only mixed".
load: setup
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] || { echo "make load needs wrk: apt-get install wrk (as root)"; exit 1; }; \
		apt-get install -y -q wrk || { apt-get update -q && apt-get install -y -q wrk; }; }
	$(BIN)/python -m bench.load $(LOAD_ARGS)

lint: setup
	$(BIN)/ruff check supervision tests bench e2e
	$(BIN)/ruff format --check supervision tests bench e2e

# Refresh the message catalogue after changing user-visible text, then translate the new
# entries in supervision/translations/en/LC_MESSAGES/messages.po.
extract-messages: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o supervision/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i supervision/translations/messages.pot -d supervision/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache
