# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint fmt bench e2e messages clean-var check

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "[portal] $(PYTHON) cannot create a virtual environment; on Debian/Ubuntu: apt-get install -y python3-venv"; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

## run: install (Pango through apt-get if missing), start embedded PostgreSQL/Redis (unless DATABASE_URL/REDIS_URL are set), migrate, seed, serve web + worker + beat
run: $(STAMP)
	$(PY) -m township.launch run

## test: install (Pango and Debian's Chromium through apt-get if missing) and run the test suite against real PostgreSQL and Redis
test: $(STAMP)
	$(PY) -m township.launch test

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## bench: benchmarks under tests/bench; they print their figures
bench: $(STAMP)
	$(PY) -m township.launch test tests/bench -p no:xdist -s -q --ds=tests.settings --override-ini addopts="-p no:cacheprovider"

## e2e: browser journeys in headless Chromium (needs Debian's chromium)
e2e: $(STAMP)
	$(PY) -m township.launch test tests/e2e -p no:xdist -q

## messages: refresh and compile the zh_Hans catalogue
messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=tests
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

check: $(STAMP)
	$(PY) -m township.launch manage makemigrations --check --dry-run

clean-var:
	rm -rf var
