# The two commands: `make run` (portal on SQLite with demo data) and `make test` (the suite
# on SQLite and on PostgreSQL). Both install what they need first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 5000
# flask run reads these, and so does config.py: links in staff mail point at this host and port.
export FLASK_RUN_HOST := $(HOST)
export FLASK_RUN_PORT := $(PORT)
# Each build step is a file made from its real inputs, so a restart with nothing changed skips it.
ASSET_INPUTS := $(shell find portal/assets portal/static -path portal/static/dist -prune -o \
  -path portal/static/css -prune -o -path portal/static/fonts -prune -o -name govuk-frontend.min.js -prune -o -type f -print) \
  scripts/build-assets.mjs package.json package-lock.json
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard portal/translations/*/LC_MESSAGES/messages.po))
# The demo database (SQLite in instance/) is migrated and seeded again only when the migrations
# or the demo data change; with DATABASE_URL set, every run migrates and seeds.
DEMO_DB := $(if $(DATABASE_URL),demo-db,instance/portal.db)

.PHONY: install system-deps assets translations demo-db run test lint-ruff lint-imports test-sqlite test-postgres lint bench serve clean

install: $(BIN)/.installed node_modules/.installed assets translations

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: portal/static/dist/manifest.json

portal/static/dist/manifest.json: $(ASSET_INPUTS) node_modules/.installed
	npm run --silent build

# Compiled catalogues are built here, never committed; a broken catalogue stops the build.
translations: $(CATALOGUES)

portal/translations/%/LC_MESSAGES/messages.mo: portal/translations/%/LC_MESSAGES/messages.po $(BIN)/.installed
	$(BIN)/pybabel compile -i $< -o $@ --statistics

# Debian's Chromium for the browser tests (Playwright cannot download a browser here), and
# Debian's Dovecot for the IMAP tests.
system-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "installing Debian's chromium"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi
	@if [ ! -x /usr/sbin/dovecot ]; then \
	  echo "installing Debian's dovecot-imapd (IMAP server for the mail-in tests)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq dovecot-imapd >/dev/null; \
	fi

$(DEMO_DB): $(wildcard migrations/versions/*.py) portal/demo.py | $(BIN)/.installed
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@if [ -f instance/portal.db ]; then touch instance/portal.db; fi

# The outbox worker runs beside the server, so mail lands in instance/mail/ while you click;
# Ctrl-C stops both (the trap also ends the worker if the server stops on its own).
run: install $(DEMO_DB)
	@echo "Portal: http://$(HOST):$(PORT)/   console: http://$(HOST):$(PORT)/console"
	@echo "Demo staff: helpline@, triage@, feedback@, safeguarding@, admin@demo.example;" \
	  "password demo-password-2026; code: $(FLASK) demo-code   (mail: instance/mail/*.eml)"
	@$(FLASK) outbox worker --poll 1 & worker=$$!; \
	  trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	  $(FLASK) run

test: install system-deps lint-ruff lint-imports test-sqlite test-postgres

lint-ruff: $(BIN)/.installed
	$(BIN)/ruff check .

# The layering contracts in pyproject.toml [tool.importlinter]; tests/unit/test_static_analysis.py
# shows a forbidden import breaks them.
lint-imports: $(BIN)/.installed
	$(BIN)/lint-imports

test-sqlite:
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test-postgres:
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/bandit -q -r portal talkzone -lll

serve: install
	$(FLASK) db upgrade
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start

bench: install
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) node_modules portal/static/css portal/static/fonts portal/static/dist portal/static/js/govuk-frontend.min.js
