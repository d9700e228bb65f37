# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper of theirs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST_PORT ?= 127.0.0.1:8000

.PHONY: run test install install-dev lint format messages browser check-deploy clean bench bench-s bench-tools

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt $(VENV)/bin/activate
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: set up, migrate, load the demo data and serve on http://127.0.0.1:8000
run: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo
	DJANGO_DEBUG=1 $(PY) manage.py demo_logins
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST_PORT)

## make test: install the test tools and run the whole suite (SQLite unless DATABASE_URL is set)
test: install-dev
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## make messages: refresh the catalogues after changing strings (needs GNU gettext's xgettext)
messages: install-dev
	DJANGO_DEBUG=1 $(PY) manage.py makemessages --locale zh_Hans --locale en --no-obsolete --no-location \
	  --ignore "tests/*" --ignore "staticfiles/*" --ignore "test-artifacts/*" --ignore "backups/*" \
	  --ignore ".venv/*"
	DJANGO_DEBUG=1 $(PY) manage.py compile_catalogues

check-deploy: install
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=check-deploy-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	  DJANGO_ALLOWED_HOSTS=portal.example.cn $(PY) manage.py check --deploy --fail-level WARNING

## make bench: the city-scale benchmark at S and L on PostgreSQL at 127.0.0.1 (docs/performance.md)
BENCH_ARGS ?=
$(VENV)/.installed-bench: requirements-bench.txt requirements-dev.txt $(VENV)/.installed-dev
	$(PIP) install --quiet -r requirements-bench.txt
	touch $@

bench-tools: $(VENV)/.installed-bench
	@command -v wrk >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
	@pg_isready -h 127.0.0.1 -p 5432 -q || \
	  pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | head -1)" main start
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null

bench: bench-tools
	$(PY) -m bench.run --sizes S,L $(BENCH_ARGS)

## make bench-s: the same at S only (a couple of minutes)
bench-s: bench-tools
	$(PY) -m bench.run --sizes S --latency-sizes S $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
