# Two commands for a fresh machine: `make run` (demo on SQLite) and `make test` (the whole suite).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PYTHON_VERSION := $(shell cat .python-version)
# The interpreter that builds the venv: pyenv's, else python3.12/3.13 on PATH.
BASE_PYTHON := $(shell \
	for candidate in "$$(pyenv prefix $(PYTHON_VERSION) 2>/dev/null)/bin/python" python$(PYTHON_VERSION) python3.13 python3.12 python3; do \
		if command -v "$$candidate" >/dev/null 2>&1 && "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
			echo "$$candidate"; break; fi; done)
DEV_ENV := DJANGO_DEBUG=1
HOST ?= 127.0.0.1:8000

.PHONY: help install run demo test test-sqlite test-postgres lint format check-deploy messages bench clean

help:
	@echo "make run    set up .venv, a SQLite database with demo data and demo users, serve on http://$(HOST)"
	@echo "make test   run the whole suite (SQLite; DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make lint   ruff check and format check, makemigrations --check"

$(VENV)/.installed: pyproject.toml requirements.lock
	@if [ -z "$(BASE_PYTHON)" ]; then \
		echo "error: Python >= 3.12 not found. Install Python $(PYTHON_VERSION) (e.g. pyenv install $(PYTHON_VERSION))." >&2; exit 1; fi
	@test -x $(PY) || $(BASE_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

demo: install
	$(DEV_ENV) $(PY) manage.py migrate --no-input
	$(DEV_ENV) $(PY) manage.py load_demo

run: demo
	$(DEV_ENV) $(PY) manage.py runserver $(HOST)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# What production would see: DEBUG off, a real secret, the deployment checklist.
check-deploy: install
	DJANGO_SECRET_KEY="$$(openssl rand -hex 32)" DJANGO_ALLOWED_HOSTS=tracker.example.org \
		DATABASE_URL=$${DATABASE_URL:-sqlite://:memory:} \
		$(PY) manage.py check --deploy --fail-level WARNING

messages: install
	$(DEV_ENV) $(PY) manage.py makemessages -l ja --ignore '.venv' --ignore 'tests'
	$(DEV_ENV) $(PY) manage.py compilemessages --ignore '.venv'

bench: install
	$(PY) docs/bench_report.py

clean:
	rm -rf $(VENV) db.sqlite3* staticfiles .pytest_cache
