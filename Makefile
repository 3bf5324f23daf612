# unionflow — the two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint setup migrate demo worker clean

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo --if-empty

## DEBUG is off, so the server answers only to the host names in ALLOWED_HOSTS: with HOST=0.0.0.0
## (open to the office network) to any name, unless ALLOWED_HOSTS names the server's own.
run: export ALLOWED_HOSTS ?= $(if $(filter 0.0.0.0 ::,$(HOST)),*,127.0.0.1,localhost,$(HOST))
## Serve the web UI and API with the Celery worker and beat (embedded broker). Ctrl-C stops all, and so
## does any part dying: the whole process group goes, so a server never runs on without its timers.
run: SHELL := /bin/bash
run: demo
	$(PY) manage.py compilemessages >/dev/null 2>&1 || true
	@echo "unionflow: http://$(HOST):$(PORT)/  (Ctrl-C stops the server, the worker and beat)"
	@trap 'trap - INT TERM EXIT; kill 0 2>/dev/null' INT TERM EXIT; \
	$(VENV)/bin/celery -A config worker -B --pool=solo --loglevel=INFO & \
	$(PY) manage.py runserver $(HOST):$(PORT) --noreload & \
	wait -n; status=$$?; \
	echo "unionflow: a part stopped (exit status $$status); stopping the server, the worker and beat" >&2; \
	exit $$status

## The whole suite on SQLite, or on PostgreSQL when DATABASE_URL is set.
test: setup
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) var
