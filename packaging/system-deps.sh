#!/usr/bin/env bash
# Installs the Debian packages the tests need, when they are missing: each argument is
# TEST:PACKAGE, where TEST is a command looked up on PATH or, when it starts with '/', a file
# that must exist (e.g. a font: /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc:fonts-noto-cjk).
# As root it uses apt-get; otherwise it says what to install and fails.
set -euo pipefail
missing=()
for pair in "$@"; do
  test_part="${pair%:*}"
  package="${pair##*:}"
  if [[ "$test_part" == /* ]]; then
    [ -e "$test_part" ] || missing+=("$package")
  else
    command -v "$test_part" >/dev/null 2>&1 || missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} with apt-get..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "The tests need these Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
