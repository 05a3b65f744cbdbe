# The two commands a newcomer needs are `make run` and `make test`; CI calls `make check`
# and `make test` too (see .ci/run).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test check install demo-data static-vendor clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

## make run: install, migrate, load the demo plans and users, serve on 127.0.0.1:8000, with a
## background worker (board packs) that stops with the server
run: demo-data
	@echo ""
	@echo "Open http://$(HOST):$(PORT)/ and sign in with one of the demo users above."
	@echo ""
	DEBUG=1 $(PY) manage.py db_worker --queue-name '*' --no-reload & \
	worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

## make worker: a background worker on its own (as in production; see README)
.PHONY: worker
worker: install
	$(PY) manage.py db_worker --queue-name '*' --no-reload

demo-data: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py createcachetable
	DEBUG=1 $(PY) manage.py load_plans
	DEBUG=1 $(PY) manage.py load_demo_workforce
	DEBUG=1 $(PY) manage.py create_demo_users

## make test: the whole suite (SQLite, or PostgreSQL when DATABASE_URL is set), one
## worker per core; PYTEST_ARGS="-n 0 -x" runs it in one process and stops at a failure
PYTEST_ARGS ?= -n auto
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

## make check: lint, format, Django's checks, no forgotten migrations
check: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

## make bench: time the main pages on generated councils in PostgreSQL at 1x, 4x and 10x
## (BENCH_DATABASE_URL, default tracker_bench on 127.0.0.1, and _4x, _10x; created and filled
## on the first run), then two gunicorn servers sharing them; see bench/README.md
.PHONY: bench
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

## make static-vendor: rebuild static/vendor/govuk-frontend from npm (needs Node; output is committed)
static-vendor:
	cd frontend && npm install --no-audit --no-fund --silent
	cd frontend && npx --no-install sass --pkg-importer=node --style=compressed --no-source-map govuk.scss ../static/vendor/govuk-frontend/govuk-frontend.min.css
	cp frontend/node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/vendor/govuk-frontend/

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
