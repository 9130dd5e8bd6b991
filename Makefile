# Branchline: `make run` brings up a demo branch, `make test` runs every test. Both work on a
# fresh machine: they create the virtualenv and install what they need.

PYTHON ?= $(shell command -v python3.12 || command -v python3.11 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test unit e2e bench system-deps clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 12) else "Branchline needs Python 3.11 or 3.12 (the pjsua2 wheels stop at 3.12); set PYTHON=/path/to/python3.12")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

run: $(STAMP)
	packaging/run-demo.sh

system-deps:
	packaging/system-deps.sh sipp:sip-tester

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -q -p no:cacheprovider tests

unit: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/unit

e2e: $(STAMP) system-deps
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/e2e

bench: $(STAMP) system-deps
	$(BIN)/python bench/capacity.py

clean:
	rm -rf $(VENV) build *.egg-info
