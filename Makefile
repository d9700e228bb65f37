# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper of theirs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST_PORT ?= 127.0.0.1:8000

.PHONY: run test install install-dev lint format messages browser check-deploy clean

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

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
