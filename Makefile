# elearning: `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
# Static-analysis tools live in their own virtualenv: semgrep pins versions of
# packages the app uses too.
TOOLS := .venv-tools
# Offline: local rules only, no metrics, no version check, no registry.
SEMGREP := SEMGREP_ENABLE_VERSION_CHECK=0 SEMGREP_SEND_METRICS=off \
	$(TOOLS)/bin/semgrep scan --metrics=off --disable-version-check
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help setup run serve worker beat test test-shifted test-fast drills lint format checks tools security semgrep-test messages perf perf-baseline clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(TOOLS)/.installed: requirements-tools.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -d $(TOOLS) || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --upgrade pip
	$(TOOLS)/bin/pip install --quiet -r requirements-tools.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

.env:
	@echo "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	@echo "Wrote .env with a fresh SECRET_KEY for local use"

setup: $(VENV)/.installed node_modules/.installed .env ## Create .venv, install Python and npm packages, migrate, load every administrative unit, collect static files
	$(MANAGE) migrate --noinput
	$(MANAGE) load_units
	$(MANAGE) createcachetable
	$(MANAGE) collectstatic --noinput --verbosity 0

run: setup ## Set everything up, load demo data and serve on http://127.0.0.1:8000
	$(MANAGE) seed_demo
	$(MANAGE) runserver $(HOST):$(PORT)

serve: ## Serve without setting up again
	$(MANAGE) runserver $(HOST):$(PORT)

worker: setup ## Run a Celery worker (needs CELERY_BROKER_URL)
	$(VENV)/bin/celery -A elearning worker --loglevel=INFO

beat: setup ## Run celery beat with the schedule from settings
	$(VENV)/bin/celery -A elearning beat --loglevel=INFO

# The suite runs on SQLite (in parallel); with TEST_POSTGRES_URL set, the
# integration part runs again on PostgreSQL. Under CI=true a missing service
# is a failure, not a skip.
test: $(VENV)/.installed node_modules/.installed ## Set up and run the whole test suite
	$(VENV)/bin/pytest -n auto -m "not postgres and not drill" --create-db
	@if [ -n "$${TEST_POSTGRES_URL:-}" ]; then \
		echo "--- integration tests on PostgreSQL"; \
		DATABASE_URL="$$TEST_POSTGRES_URL" $(VENV)/bin/pytest -n 2 -m "(integration or postgres) and not drill" --create-db; \
	elif [ "$${CI:-}" = "true" ]; then \
		echo "CI=true but TEST_POSTGRES_URL is not set: the PostgreSQL pass cannot run"; exit 1; \
	else \
		echo "--- TEST_POSTGRES_URL not set: PostgreSQL pass skipped"; \
	fi

# The unit part again with the clock moved to awkward days (31 December,
# the next 29 February, the day after 5 December, a year ahead): no test
# may depend on the day it runs (docs/architecture.md, "Time").
UNIT := not postgres and not celery and not browser and not drill
test-shifted: $(VENV)/.installed ## Unit tests again with the clock on awkward days
	@for day in $$($(PY) scripts/awkward_days.py); do \
		echo "--- unit tests with the clock on $$day"; \
		$(VENV)/bin/pytest -n auto -q -m "$(UNIT)" --create-db --today=$$day || exit 1; \
	done

test-fast: $(VENV)/.installed ## Unit tests only (no browser, no services)
	$(VENV)/bin/pytest -n auto -m "$(UNIT)"

# Each drill starts its own redis-server, PostgreSQL cluster, nginx, gunicorn
# and Celery workers on free ports and kills them when it ends (docs/drills.md).
drills: $(VENV)/.installed ## Fault drills: worker killed, Redis down, PostgreSQL restart, backup/restore, app host lost
	@if [ -z "$${TEST_POSTGRES_URL:-}" ]; then \
		echo "The drills need PostgreSQL: set TEST_POSTGRES_URL=postgres://..."; exit 1; \
	fi
	DATABASE_URL="$$TEST_POSTGRES_URL" $(VENV)/bin/pytest -p no:xdist -m drill tests/drills \
		--create-db -v --durations=0

tools: $(TOOLS)/.installed ## Create .venv-tools (bandit, semgrep) from requirements-tools.txt

semgrep-test: $(TOOLS)/.installed ## Prove each semgrep rule fires on its bad example (tests/semgrep/)
	$(SEMGREP) --test --quiet --config .semgrep/rules.yml tests/semgrep/rules.py
	$(SEMGREP) --test --quiet --config .semgrep/rules.yml tests/semgrep/rules.html
	$(SEMGREP) --test --quiet --config .semgrep/views.yml tests/semgrep/views.py

security: $(TOOLS)/.installed semgrep-test ## bandit (no medium/high) and the repository's semgrep rules, offline
	$(TOOLS)/bin/bandit -c pyproject.toml -r . --severity-level medium -q
	$(SEMGREP) --config .semgrep/ --error --quiet --exclude tests/semgrep \
		--exclude .venv --exclude .venv-tools --exclude .venv-bench --exclude node_modules --exclude staticfiles .

checks: $(VENV)/.installed node_modules/.installed security ## ruff, bandit, semgrep, Django checks, migrations up to date, deploy check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=elearning.settings.test $(MANAGE) check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=elearning.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=elearning.settings.production \
	SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	ALLOWED_HOSTS=elearning.example.gov.vn \
	$(MANAGE) check --deploy --fail-level WARNING

lint: checks ## Same as checks

format: $(VENV)/.installed ## Format and fix with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: $(VENV)/.installed ## Update and compile the Vietnamese and English translations (docs/i18n.md)
	$(PY) scripts/locale_tool.py refresh
	$(MANAGE) makemessages -l vi -l en --ignore=node_modules --ignore=.venv --ignore=.venv-tools --ignore=.venv-bench --ignore=staticfiles
	$(MANAGE) compilemessages --ignore=.venv --ignore=.venv-tools --ignore=.venv-bench --ignore=node_modules
	$(PY) scripts/locale_tool.py check

# Load tools live in their own venv: locust brings gevent, never the app's.
BENCH_VENV := .venv-bench
$(BENCH_VENV)/.installed: bench/requirements.txt
	test -d $(BENCH_VENV) || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/pip install --quiet -r bench/requirements.txt
	touch $@

perf: $(VENV)/.installed node_modules/.installed $(BENCH_VENV)/.installed ## Load-test on this machine (PostgreSQL, Redis, gunicorn, Celery); see docs/benchmarks.md
	$(PY) bench/perf.py

perf-baseline: ## Accept the latest `make perf` results as this machine's baseline
	@test -f bench/results/latest.json || { echo "No bench/results/latest.json: run make perf first"; exit 1; }
	cp bench/results/latest.json bench/results/baseline.json
	@echo "bench/results/baseline.json updated"

clean: ## Remove the virtualenv, node_modules and generated files (keeps db.sqlite3)
	rm -rf $(VENV) $(TOOLS) $(BENCH_VENV) node_modules staticfiles
