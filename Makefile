# Minxin — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
export MINXIN_VAR_DIR ?= $(CURDIR)/var

.PHONY: setup install run test lint test-sqlite test-postgres test-browser bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the pinned dependencies change.
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts

minxin/static/vendor/.copied: node_modules/.package-lock.json scripts/vendor_assets.py
	$(BIN)/python scripts/vendor_assets.py
	touch $@

setup: $(VENV)/.installed minxin/static/vendor/.copied
	mkdir -p var/staticfiles
	$(BIN)/minxin migrate --noinput -v0

# A server's installation (docs/operations.md): the application and its assets without the test
# tools, and no database touched — the operator migrates it with the production environment.
install: $(BIN)/python
	$(BIN)/pip install --quiet -c requirements.lock -e .
	$(MAKE) minxin/static/vendor/.copied

# The background worker (imports, documents) runs beside the server and stops with it.
run: setup
	$(BIN)/minxin demo --scale small --if-empty
	@echo "Serving Minxin on http://127.0.0.1:8000 (demo password: Minxin-2026)"
	$(BIN)/minxin worker --interval 1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/minxin runserver 127.0.0.1:8000

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/minxin check --fail-level WARNING
	$(BIN)/minxin makemigrations --check --dry-run

# The database tests run on SQLite, then on PostgreSQL, each spread over the machine's cores
# (pytest-xdist: one test database per worker); the browser tests run once (on SQLite).
TEST_WORKERS ?= auto
test-sqlite:
	DATABASE_URL=sqlite:///$(MINXIN_VAR_DIR)/test.sqlite3 $(BIN)/pytest -m "not browser" -q -n $(TEST_WORKERS) --maxprocesses 4

# PG_URL when it answers, else a throwaway cluster under var/ (scripts/with-postgres); never skipped.
test-postgres:
	PG_URL=$(PG_URL) scripts/with-postgres $(BIN)/pytest -m "not browser" -q -n $(TEST_WORKERS) --maxprocesses 4

test-browser:
	DATABASE_URL=sqlite:///$(MINXIN_VAR_DIR)/test.sqlite3 $(BIN)/pytest -m browser -q

test: setup lint test-sqlite test-postgres test-browser

# Benchmarks load the county-scale demo into their own database (BENCH_DATABASE_URL to use PostgreSQL).
BENCH_DATABASE_URL ?= sqlite:///$(MINXIN_VAR_DIR)/bench.sqlite3
bench: setup
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/minxin migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules minxin/static/vendor var/test*.sqlite3
