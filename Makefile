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

.PHONY: help system-packages install run demo test test-sqlite test-postgres lint format check-deploy messages bench bench-web bench-pages bench-digest clean

help:
	@echo "make run    set up .venv, a SQLite database with demo data and demo users, serve on http://$(HOST)"
	@echo "make test   run the whole suite (SQLite; DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make lint   ruff check and format check, makemigrations --check"
	@echo "make system-packages   the Debian packages run and test need (installed when root)"

# Debian packages outside the venv, each found by what it provides: chromium (browser tests),
# fonts-noto-cjk (Japanese in PDF reports), libpangoft2-1.0-0 (WeasyPrint's text layout),
# poppler-utils (reading PDFs back), gettext (compiling translations). As root they are installed
# with apt-get; otherwise the one command to run is printed and make stops.
system-packages:
	@missing="$$( \
		{ [ -x "$${CHROMIUM_PATH:-}" ] || command -v chromium >/dev/null 2>&1; } || echo chromium; \
		fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || echo fonts-noto-cjk; \
		{ ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep -q 'libpangoft2-1.0.so.0' \
			|| echo libpangoft2-1.0-0; \
		command -v pdftotext >/dev/null 2>&1 || echo poppler-utils; \
		command -v msgfmt >/dev/null 2>&1 || echo gettext)"; \
	missing="$$(echo $$missing)"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing system packages: $$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
		echo "error: missing system packages: $$missing. Install them, then run make again:" >&2; \
		echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends $$missing" >&2; \
		exit 1; \
	fi

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
	$(DEV_ENV) $(PY) manage.py load_demo --host $(HOST)

# The web server, the task worker and the scheduler together (docs/deploy/Procfile.dev); one Ctrl-C
# stops all three. Mail is printed by the worker (the console backend).
run: system-packages demo
	$(DEV_ENV) PY=$(PY) HOST=$(HOST) $(VENV)/bin/honcho --procfile docs/deploy/Procfile.dev --app-root . start

test: system-packages install
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
	$(PY) benchmarks/bench_report.py

# The load benchmark (docs/benchmarks.md): gunicorn under wrk, PostgreSQL unless
# BENCH_ARGS says otherwise, e.g. BENCH_ARGS="--db both --seconds 30".
bench-web: install
	$(PY) benchmarks/bench_web.py $(BENCH_ARGS)

# One request per page in-process, with its queries and CPU time (docs/benchmarks.md).
bench-pages: install
	$(PY) benchmarks/bench_pages.py $(BENCH_ARGS)

# The weekly digest for 1,000 users over 10,000 commitments (docs/benchmarks.md).
bench-digest: install
	$(PY) benchmarks/bench_digest.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3* staticfiles .pytest_cache
