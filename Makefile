# MACE Hub — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST   ?= 127.0.0.1
PORT   ?= 8000
# The suite runs on every core (pytest-xdist); override with PYTEST_ARGS="-n 0 -x" to debug.
PYTEST_ARGS ?= -n auto --durations=15

.PHONY: help run test lint contracts typecheck pytest check-deploy assets system-packages codes worker lock clean benchmark

help:
	@echo "make run    - set up everything and serve MACE Hub on http://$(HOST):$(PORT) with demo data"
	@echo "make test   - lint, type-check and run the whole test suite (set DATABASE_URL for PostgreSQL)"
	@echo "make codes  - print the demo sign-in e-mails with current one-time codes"
	@echo "make benchmark - generate the London-scale dataset and time the oversight layer (docs/performance.md)"

# --- Environment -------------------------------------------------------------------------------

$(VENV)/.installed: requirements.lock .python-version
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock -r requirements-dev.lock
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets/build/.built: node_modules/.installed scripts/build-assets.mjs $(wildcard assets/scss/*.scss)
	npm run --silent build
	@touch $@

assets: assets/build/.built

system-packages:
	@scripts/ensure-system-packages

# --- Run ---------------------------------------------------------------------------------------

run: system-packages $(VENV)/.installed assets
	$(MANAGE) migrate --no-input
	$(MANAGE) createcachetable
	$(MANAGE) seed_demo --if-empty
	@$(MANAGE) demo_logins
	@echo "Starting the background worker and the web server on http://$(HOST):$(PORT) (Ctrl+C stops both)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(MANAGE) db_worker --interval 1 & \
	  $(MANAGE) runserver $(HOST):$(PORT)

codes: $(VENV)/.installed
	@$(MANAGE) demo_logins

worker: $(VENV)/.installed
	$(MANAGE) db_worker

# --- Test --------------------------------------------------------------------------------------

# The static checks do not depend on the database: .ci/run runs them once (STATIC_CHECKS= on the
# second database).
STATIC_CHECKS ?= lint contracts typecheck check-deploy

test: system-packages $(VENV)/.installed-dev assets $(STATIC_CHECKS) pytest

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The import contracts in .importlinter: layers, and which modules may import which (docs/architecture.md).
contracts: $(VENV)/.installed-dev
	$(VENV)/bin/lint-imports --no-logo

typecheck: $(VENV)/.installed-dev
	$(VENV)/bin/mypy macehub config tests

# The production settings must pass Django's deployment checks with no warnings.
check-deploy: $(VENV)/.installed-dev
	MACEHUB_ENV=production SECRET_KEY="$$(head -c 48 /dev/urandom | base64)" \
	  MACEHUB_LONDON_KEY="$$(head -c 48 /dev/urandom | base64)" \
	  ALLOWED_HOSTS=macehub.example.org DATABASE_URL=sqlite:///var/check.sqlite3 \
	  EMAIL_HOST=smtp.example.org $(MANAGE) check --deploy --fail-level WARNING
	MACEHUB_ENV=test $(MANAGE) makemigrations --check --dry-run --no-input

pytest: $(VENV)/.installed-dev assets
	MACEHUB_ENV=test $(VENV)/bin/pytest $(PYTEST_ARGS)

# --- Benchmarks (not part of `make test`; see benchmarks/README.md) ------------------------------
# BENCH_DB defaults to SQLite in /tmp; for PostgreSQL:
#   make benchmark BENCH_DB=postgres://postgres@127.0.0.1:5432/macehub_bench
BENCH_DB    ?= sqlite:////tmp/macehub_bench.sqlite3
BENCH_SCALE ?= 1.0

benchmark: $(VENV)/.installed-dev assets
	$(PY) benchmarks/generate.py --database-url $(BENCH_DB) --scale $(BENCH_SCALE) --reset
	$(PY) benchmarks/run.py --database-url $(BENCH_DB)

# --- Maintenance -------------------------------------------------------------------------------

lock: $(VENV)/.installed
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile --python-version 3.13 --generate-hashes -q requirements.in -o requirements.lock
	$(VENV)/bin/uv pip compile --python-version 3.13 --generate-hashes -q requirements-dev.in -o requirements-dev.lock

clean:
	rm -rf $(VENV) node_modules assets/build staticfiles .pytest_cache .mypy_cache .ruff_cache .import_linter_cache .grimp_cache
