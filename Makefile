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

.PHONY: install system-deps assets translations run test lint-ruff lint-imports test-sqlite test-postgres lint bench serve clean

install: $(BIN)/.installed node_modules/.installed assets translations

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed
	npm run --silent build

# Compiled catalogues are built here, never committed; a broken catalogue stops the build.
translations: $(BIN)/.installed
	$(BIN)/pybabel compile -d portal/translations --statistics

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

run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@echo "Portal: http://$(HOST):$(PORT)/  (mail is written to instance/mail/)"
	$(FLASK) outbox send
	$(FLASK) run --host $(HOST) --port $(PORT)

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
	rm -rf $(VENV) node_modules portal/static/css portal/static/js/govuk-frontend.min.js
