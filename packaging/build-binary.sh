#!/usr/bin/env bash
# `make package`, step 1: the single-file executable dist/branchline (PyInstaller one-file, from
# packaging/branchline.spec) with the Python runtime, pjsua2 and its native libraries, the web
# assets, the migrations and the prompts. Needs the venv with the `package` extra
# (`make package` installs it) and binutils (objdump, strip).
set -euo pipefail
cd "$(dirname "$0")/.."
PYINSTALLER="${PYINSTALLER:-.venv/bin/pyinstaller}"
[ -x "$PYINSTALLER" ] || { echo "No $PYINSTALLER: run 'make package', which installs it (pip install -e '.[package]')." >&2; exit 1; }
rm -rf build/pyinstaller dist/branchline
started=$(date +%s)
"$PYINSTALLER" --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller packaging/branchline.spec
dist/branchline --version >/dev/null  # it starts, and knows its version
echo "Built dist/branchline ($(du -m dist/branchline | cut -f1) MB) in $(( $(date +%s) - started )) s."
