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

.PHONY: run test bench setup lint translations extract-messages clean

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

# The benchmark (README "Performance"): builds the national data set once, cached under
# instance/bench/, then measures each goal against its plain-library baseline. BENCH_SALES=N
# for a smaller data set, BENCH_ARGS="--only annex_national --runs 1" for one measurement;
# SUPERVISION_DATABASE_URL=postgresql://… runs it on PostgreSQL.
bench: setup
	$(BIN)/python -m bench $(BENCH_ARGS)

lint: setup
	$(BIN)/ruff check supervision tests bench
	$(BIN)/ruff format --check supervision tests bench

# Refresh the message catalogue after changing user-visible text, then translate the new
# entries in supervision/translations/en/LC_MESSAGES/messages.po.
extract-messages: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o supervision/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i supervision/translations/messages.pot -d supervision/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache
