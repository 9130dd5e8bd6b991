#!/usr/bin/env bash
# `make package`, step 2: dist/branchline_VERSION_amd64.deb from the binary (build-binary.sh)
# and packaging/: the binary as /usr/bin/branchline, the systemd unit, /etc/default/branchline
# (a conffile), the README and the maintainer scripts in packaging/debian/ (postinst creates the
# user and /var/lib/branchline and runs `branchline init` or backs up and migrates).
# Usage: packaging/build-deb.sh [BINARY]   (default dist/branchline)
set -euo pipefail
cd "$(dirname "$0")/.."
BINARY="${1:-dist/branchline}"
[ -x "$BINARY" ] || { echo "No executable $BINARY: build it first (packaging/build-binary.sh, or make package)." >&2; exit 1; }
VERSION="$("$BINARY" --version | awk '{print $NF}')"
[[ "$VERSION" =~ ^[0-9][A-Za-z0-9.+~-]*$ ]] || { echo "$BINARY --version gave '$VERSION', not a version." >&2; exit 1; }
# The binary runs on this machine's C library or a newer one (its Python was built against it).
GLIBC="$(getconf GNU_LIBC_VERSION | awk '{print $2}')"
STAGE="build/deb/branchline_${VERSION}_amd64"
OUT="dist/branchline_${VERSION}_amd64.deb"

rm -rf "$STAGE"
install -D -m 0755 "$BINARY" "$STAGE/usr/bin/branchline"
install -D -m 0644 packaging/branchline.service "$STAGE/lib/systemd/system/branchline.service"
install -D -m 0644 packaging/debian/default "$STAGE/etc/default/branchline"
install -D -m 0644 packaging/debian/copyright "$STAGE/usr/share/doc/branchline/copyright"
install -D -m 0644 README.md "$STAGE/usr/share/doc/branchline/README.md"
install -d -m 0755 "$STAGE/DEBIAN"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$STAGE/DEBIAN/"
install -m 0644 packaging/debian/conffiles "$STAGE/DEBIAN/conffiles"
SIZE_KB="$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)"
sed -e "s/@VERSION@/$VERSION/" -e "s/@GLIBC@/$GLIBC/" -e "s/@INSTALLED_SIZE@/$SIZE_KB/" \
    packaging/debian/control > "$STAGE/DEBIAN/control"
if grep -q '@[A-Z_]*@' "$STAGE/DEBIAN/control"; then
  echo "packaging/debian/control has a placeholder build-deb.sh does not fill." >&2; exit 1
fi
mkdir -p dist
# The binary is compressed inside already: gzip packs about as small as xz, much faster.
dpkg-deb --build --root-owner-group -Zgzip "$STAGE" "$OUT" >/dev/null
echo "Built $OUT ($(du -m "$OUT" | cut -f1) MB)."
