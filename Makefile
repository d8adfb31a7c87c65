# Two commands for a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# Python >= 3.12 that can create a virtualenv (venv + ensurepip; Debian ships
# those separately as python3.X-venv).
PY_OK := import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 12))

# Find such a Python: a real machine has python3.13/python3.12/python3 on the
# PATH; pyenv's shims only work with PYENV_VERSION set, so try that as well.
define find_python
for cand in python3.14 python3.13 python3.12 python3; do \
  if command -v $$cand >/dev/null 2>&1 && $$cand -c '$(PY_OK)' >/dev/null 2>&1; then \
    command -v $$cand; exit 0; fi; \
done; \
if command -v pyenv >/dev/null 2>&1; then \
  for v in $$(pyenv versions --bare 2>/dev/null | sort -rV); do \
    case $$v in 3.1[2-9]*) p=$$(PYENV_VERSION=$$v pyenv which python 2>/dev/null) && \
      $$p -c '$(PY_OK)' >/dev/null 2>&1 && { echo $$p; exit 0; };; esac; \
  done; \
fi; \
exit 1
endef

# An existing .venv that is broken (its Python moved or was removed) or older
# than 3.12 is rebuilt instead of being trusted because the stamp file exists.
VENV_OK := $(shell [ -x $(PY) ] && $(PY) -c 'import sys; print(sys.version_info >= (3, 12))' 2>/dev/null)

.PHONY: run test test-fast test-postgres system-packages lint venv migrate demo clean messages worker bench FORCE

ifneq ($(VENV_OK),True)
$(STAMP): FORCE
endif

$(STAMP): requirements.txt requirements-dev.txt
	@if [ -d $(VENV) ] && [ "$(VENV_OK)" != "True" ]; then \
	  echo "$(VENV) ist defekt oder älter als Python 3.12 – wird neu angelegt / is broken or older than Python 3.12 – recreating."; \
	  rm -rf $(VENV); \
	fi
	@if [ ! -x $(PY) ]; then \
	  PYTHON=$$( $(find_python) ) || { \
	    echo "Python 3.12 oder neuer (mit venv) wird benötigt. / Python 3.12 or newer (with venv) is required."; \
	    echo "Debian/Ubuntu: sudo apt-get install python3.12 python3.12-venv  (oder/or python3.13 python3.13-venv)"; \
	    echo "macOS/Windows: https://www.python.org/downloads/"; \
	    exit 1; }; \
	  echo "Verwende / using $$PYTHON"; \
	  $$PYTHON -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

FORCE:

venv: $(STAMP)

migrate: $(STAMP)
	DEBUG=1 $(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(PY) manage.py load_demo

run: demo
	@echo "VSOP Events: http://$(HOST):$(PORT)/  (Geschäftsstelle/office: http://$(HOST):$(PORT)/admin/)"
	DEBUG=1 SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(PY) manage.py runserver $(HOST):$(PORT)

worker: $(STAMP)
	DEBUG=1 SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(PY) manage.py db_worker

# The Debian packages the tests need (Chromium, poppler, ffmpeg, fonts, Pango, gettext):
# installed when missing and possible (root or sudo), otherwise the exact command is printed.
system-packages:
	@bash ops/system-packages.sh

# PYTHONDONTWRITEBYTECODE (set on some machines and CI images) would make every Django process
# the tests start (check --deploy, schedulers, gunicorn, send_queued_mails ...) compile the
# project again; with it cleared the first import writes __pycache__ (in .gitignore) for the rest.
TEST_ENV := PYTHONDONTWRITEBYTECODE=

test: $(STAMP) system-packages
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

# Everything but the browser journeys, on both cores (pytest-xdist; each worker has its own
# test database, the tests of one file stay in one worker).
test-fast: $(STAMP)
	@bash ops/system-packages.sh --without-browser
	$(TEST_ENV) $(PY) -m pytest -m "not browser" -n $${TEST_WORKERS:-auto} --dist loadfile $(PYTEST_ARGS)

test-postgres: $(STAMP)
	$(TEST_ENV) DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/vsop_events} $(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

# The load, burst and PDF benchmarks in one go, figures into bench/output/ (bench/README.md).
bench: $(STAMP)
	bash bench/run_all.sh

messages: $(STAMP)
	DEBUG=1 $(PY) manage.py makemessages -l en --ignore=.venv --ignore=staticfiles --ignore=bench --ignore=tests --no-obsolete
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
