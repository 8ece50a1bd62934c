# Voronka: `make run` sets everything up and serves the Russian demo; `make test` runs every check.
# Needs Python 3.11+ and Node 18+ with npm; everything else is installed here, from lock files.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .make
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/voronka
PYTEST_WORKERS ?= 2

# Production-like settings for `check --deploy`: a real secret, DEBUG off, a real host.
DEPLOY_ENV := DEBUG=0 ALLOWED_HOSTS=crm.example.com \
	SECRET_KEY=ci-check-deploy-4f9a1c2e7b6d5a3f8e0c9b2a7d6e5f4c3b2a1908f7e6d5c4 \
	MAIL_SECRET_KEY=ci-check-deploy-mail-7d1e0b9c3a5f2e8d4c6b0a9f1e3d5c7b

.PHONY: run test setup setup-dev lint check-deploy check-production test-sqlite test-postgres bench seed-volume messages clean

run: setup
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py load_demo
	@echo ""
	@echo "  Voronka is at http://$(HOST):$(PORT)/  sign in as admin / admin"
	@echo "  (managers: aliya, daniyar, ruslan, olga; head of sales: gulnara; password = login)"
	@echo ""
	DEBUG=1 $(PY) manage.py serve $(HOST):$(PORT)

test: setup-dev lint check-deploy check-production test-sqlite test-postgres

setup: $(STAMPS)/python-base $(STAMPS)/vendor

setup-dev: $(STAMPS)/python-dev $(STAMPS)/vendor

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMPS)/python-base: requirements/base.lock | $(PY)
	$(PY) -m pip install --quiet -r requirements/base.lock
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/python-dev: requirements/dev.lock $(STAMPS)/python-base
	$(PY) -m pip install --quiet -r requirements/dev.lock
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/vendor: package-lock.json scripts/vendor.mjs
	npm ci --no-audit --no-fund --loglevel=error
	node scripts/vendor.mjs
	@mkdir -p $(STAMPS) && touch $@

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

check-deploy: setup-dev
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING

# docs/deploy.md on a temporary SQLite database and STATIC_ROOT: migrate, collectstatic and
# gunicorn with DEBUG=0, then a signed-in walk through the main pages and their static files.
check-production: setup
	$(PY) scripts/prod_smoke.py

test-sqlite: setup-dev
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) -q

# PostgreSQL is required where REQUIRE_POSTGRES=1 (CI); elsewhere it is used when it answers.
test-postgres: setup-dev
	@if $(PY) scripts/db_ready.py "$(PG_URL)"; then \
		DATABASE_URL="$(PG_URL)" $(VENV)/bin/pytest -n $(PYTEST_WORKERS) -q -m "not browser"; \
	elif [ "$$REQUIRE_POSTGRES" = "1" ]; then \
		echo "PostgreSQL at $(PG_URL) does not answer, and REQUIRE_POSTGRES=1"; exit 1; \
	else \
		echo "NOTE: PostgreSQL at $(PG_URL) does not answer: the PostgreSQL run is left out."; \
	fi

seed-volume: setup-dev
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_volume

bench: setup-dev
	$(PY) manage.py bench

# For developers with gettext: refresh the Russian catalogue after changing strings.
messages: setup-dev
	$(PY) manage.py makemessages -l ru --no-obsolete --add-location file \
		-i ".venv/*" -i "node_modules/*" -i "static/*" -i "tests/*"
	$(PY) scripts/po_missing.py
	msgfmt --check -o locale/ru/LC_MESSAGES/django.mo locale/ru/LC_MESSAGES/django.po

clean:
	rm -rf $(VENV) $(STAMPS) node_modules static/vendor staticfiles
