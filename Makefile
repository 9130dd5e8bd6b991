# Branchline: `make run` brings up a demo branch, `make test` runs every test. Both work on a
# fresh machine: they create the virtualenv and install what they need.

# The first Python 3.12 or 3.11 that really runs (a pyenv shim may exist for a version it cannot run).
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
	$$p -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 12))' >/dev/null 2>&1 && { command -v $$p; break; }; \
	done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test unit e2e bench system-deps clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Branchline needs Python 3.11 or 3.12 (the pjsua2 wheels stop at 3.12): install one, or set PYTHON=/path/to/python3.12" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

run: $(STAMP)
	packaging/run-demo.sh

system-deps:
	packaging/system-deps.sh sipp:sip-tester chromium:chromium /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc:fonts-noto-cjk

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -q -p no:cacheprovider tests

unit: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/unit

e2e: $(STAMP) system-deps
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/e2e

# Every benchmark runs even when an earlier one fails; the target fails if any did.
bench: $(STAMP) system-deps
	status=0; \
	$(BIN)/python bench/capacity.py || status=1; \
	$(BIN)/python bench/acd_sim.py || status=1; \
	$(BIN)/python bench/routing.py || status=1; \
	$(BIN)/python bench/ivr_check.py || status=1; \
	$(BIN)/python bench/ivr_latency.py || status=1; \
	$(BIN)/python bench/desktop_pop.py || status=1; \
	$(BIN)/python bench/desktop_fanout.py || status=1; \
	exit $$status

clean:
	rm -rf $(VENV) build *.egg-info
