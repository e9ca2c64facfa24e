# Hamkor: `make run` starts the system, `make test` runs the whole test suite.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 3
export HAMKOR_DATA_DIR ?= $(CURDIR)/var

.PHONY: run serve install system-deps setup test lint messages bench clean

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(BIN)/.installed

# Debian packages: Chromium for the browser tests and screenshots, CJK fonts, gettext.
system-deps:
	@command -v chromium >/dev/null && command -v msgfmt >/dev/null && fc-list | grep -qi 'Noto Sans CJK' || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk gettext >/dev/null; }

setup: install
	$(BIN)/hamkor migrate --no-input
	$(BIN)/hamkor collectstatic --no-input --verbosity 0
	$(BIN)/hamkor load-reference
	$(BIN)/hamkor load-demo
	$(BIN)/hamkor demo trade-products

serve:
	@echo
	@echo "Hamkor is serving on http://127.0.0.1:$(PORT)/  (API: /api/, docs: /api/docs/)"
	@echo "Log in with a user and the password printed above (also in $(HAMKOR_DATA_DIR)/demo-credentials.txt)."
	@echo "Imports run as jobs in a worker that gunicorn starts and stops with itself (HAMKOR_JOB_WORKERS, default 1)."
	@echo
	$(BIN)/gunicorn hamkor.wsgi --config gunicorn.conf.py --chdir src --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --access-logfile -

run: setup serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hamkor makemigrations --check --dry-run
	cd src && ../$(BIN)/lint-imports --no-cache ../pyproject.toml

test: install system-deps lint
	$(BIN)/pytest

messages: install
	cd src && ../$(BIN)/hamkor makemessages --no-obsolete --no-location -l uz -l ru -l zh_Hans
	cd src && ../$(BIN)/hamkor compilemessages

bench: install
	$(BIN)/python bench/reference_load.py

clean:
	rm -rf $(VENV) build src/*.egg-info
