# factcheck-tracker: `make run` serves the app on SQLite; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages the tests need: Chromium for browser tests, PostgreSQL for the second backend,
# CJK fonts so Chinese renders in screenshots, nginx for the TLS reverse-proxy deployment test.
TEST_DEBS := chromium postgresql fonts-noto-cjk nginx

.PHONY: run install test test-security test-deps lint bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

instance/secret_key: | $(BIN)/python
	@mkdir -p instance
	@$(BIN)/python -c 'import secrets; print(secrets.token_hex(32))' > $@
	@chmod 600 $@

# The secret key lives in instance/ so logins survive restarts; DATABASE_URL may override SQLite.
TRACKER := SECRET_KEY="$$(cat instance/secret_key)" $(BIN)/tracker

run: install instance/secret_key
	$(TRACKER) db upgrade
	$(TRACKER) seed
	@$(TRACKER) users ensure-admin
	@echo "Log in at http://127.0.0.1:$(PORT)/login as 'admin' with the password printed when it was created (first run only)."
	@echo "Add people with: $(BIN)/tracker users create NAME --role reviewer"
	PORT=$(PORT) $(TRACKER) serve

test-deps:
	@missing=""; \
	for pkg in $(TEST_DEBS); do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# The static checks first (lint), then the suite.
test: $(VENV)/.installed-test test-deps lint
	$(BIN)/pytest -q $(PYTEST_ARGS)

# The security tests with the whole naughty-strings corpus (make test runs a subset of it).
test-security: $(VENV)/.installed-test test-deps
	SECURITY_CORPUS=full $(BIN)/pytest -q tests/security tests/test_roles.py $(PYTEST_ARGS)

# ruff (lint and format), the import contracts, and mypy over tracker/ ([tool.mypy]); a
# `type: ignore` must say why on its line, after its error code.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check tracker tests bench migrations
	$(BIN)/ruff format --check tracker tests bench migrations
	$(BIN)/lint-imports
	$(BIN)/mypy
	@if grep -rnE --include='*.py' 'type: *ignore(\[[^]]*\])? *$$' tracker; then \
	  echo 'A type: ignore needs its reason on the line: # type: ignore[code]  # why'; exit 1; \
	fi

bench: $(VENV)/.installed-test test-deps
	$(BIN)/python bench/import_speed.py

clean:
	rm -rf $(VENV) instance .pytest_cache
