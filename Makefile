# The operating contract (PRODUCT §7): `make run` and `make test` on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
# pytest-xdist processes for `make test` (the machine has 2 cores); TEST_WORKERS=0 runs in one.
TEST_WORKERS ?= 2
SYSTEM_PACKAGES := chromium fonts-noto-cjk gettext

.PHONY: run test install install-dev system-deps migrate seed bench lint messages clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Debian packages the tests need: Chromium for the browser tests, CJK fonts for
# readable Chinese screenshots, gettext for compilemessages.
system-deps:
	@missing=""; \
	for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# The embedded SQLite database, whatever DATABASE_URL (.env or the environment) names: demo data
# and a debug server must never reach a deployment's database.
RUN_ENV = DJANGO_DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3

run: $(VENV)/.installed
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py seed_demo
	@echo ""
	@echo "Accord is serving on http://127.0.0.1:$(PORT)/"
	@echo "Demo sign-ins (the demo password is printed above):"
	@echo "  admin.agent, sales.agent, helpdesk.agent, billing.admin  (Contoso Partner)"
	@echo "  other.agent (Northwind Partner), reseller.agent (Fabrikam Reseller), staff (Django admin)"
	@echo ""
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-dev system-deps
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev
	$(PY) -m bench $(BENCH_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .

messages: $(VENV)/.installed-dev system-deps
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=bench --ignore=tests
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
