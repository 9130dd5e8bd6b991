# Branchline: `make run` brings up a demo branch, `make test` runs every test. Both work on a
# fresh machine: they create the virtualenv and install what they need.

# The first Python 3.12 or 3.11 that really runs (a pyenv shim may exist for a version it cannot run).
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
	$$p -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 12))' >/dev/null 2>&1 && { command -v $$p; break; }; \
	done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test unit e2e bench system-deps clean package package-deps test-package

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
	$(BIN)/python bench/kpi_month.py || status=1; \
	$(MAKE) --no-print-directory package && $(BIN)/python bench/package_startup.py || status=1; \
	exit $$status

# `make package`: the single-file executable dist/branchline (PyInstaller, packaging/branchline.spec)
# and the Debian package dist/branchline_VERSION_amd64.deb (packaging/build-deb.sh). Each is rebuilt
# only when something it is made from is newer.
PACKAGE_STAMP := $(VENV)/.installed-package
VERSION := $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' appliance/__init__.py)
BINARY := dist/branchline
DEB := dist/branchline_$(VERSION)_amd64.deb
BINARY_SOURCES := $(shell find appliance migrations web -type f ! -path '*/__pycache__/*' ! -name '*.pyc') \
	pyproject.toml packaging/branchline.spec packaging/branchline_entry.py packaging/build-binary.sh
DEB_SOURCES := packaging/build-deb.sh packaging/branchline.service README.md $(wildcard packaging/debian/*)

$(PACKAGE_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet -e '.[test,package]'
	@touch $@

package-deps:
	packaging/system-deps.sh dpkg-deb:dpkg objdump:binutils strip:binutils

$(BINARY): $(PACKAGE_STAMP) $(BINARY_SOURCES) | package-deps
	packaging/build-binary.sh

$(DEB): $(BINARY) $(DEB_SOURCES) | package-deps
	packaging/build-deb.sh $(BINARY)

package: $(BINARY) $(DEB)

# Builds both artefacts (when stale), installs the .deb into a temporary root and takes a SIPp call
# through the packaged binary.
test-package: package system-deps
	BRANCHLINE_PACKAGE_TESTS=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/package

clean:
	rm -rf $(VENV) build *.egg-info
