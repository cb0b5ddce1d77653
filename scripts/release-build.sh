#!/usr/bin/env bash
# Builds the release binary for one target and packs it the way the release publishes it:
#
#   scripts/release-build.sh TARGET OUT_DIR
#
# writes OUT_DIR/migcheck-TARGET.tar.gz (.zip for Windows) holding `migcheck`, and
# OUT_DIR/migcheck-TARGET.tar.gz.sha256 in `sha256sum` format (what scripts/action-install.sh
# checks). Used by .github/workflows/release.yml, and run locally for the host's Linux target
# by scripts/test-artifacts.sh. Set MIGCHECK_PREBUILT to a built binary to pack it instead of
# building (the test shares one release build between the wheel, npm and pre-commit).
set -euo pipefail
target="$1"
out="$2"
cd "$(dirname "$0")/.."
mkdir -p "$out"
out="$(cd "$out" && pwd)"
exe=migcheck
case "$target" in *windows*) exe=migcheck.exe ;; esac
if [ -n "${MIGCHECK_PREBUILT:-}" ]; then
  binary="$MIGCHECK_PREBUILT"
else
  cargo build --release --locked -p migcheck --bin migcheck --target "$target"
  binary="${CARGO_TARGET_DIR:-target}/$target/release/$exe"
fi
stage="$(mktemp -d)"
cp "$binary" "$stage/$exe"
cp README.md LICENSE-MIT LICENSE-APACHE "$stage/"
case "$target" in
  *windows*)
    archive="migcheck-$target.zip"
    (cd "$stage" && 7z a -tzip "$out/$archive" "$exe" README.md LICENSE-MIT LICENSE-APACHE > /dev/null)
    ;;
  *)
    archive="migcheck-$target.tar.gz"
    tar -czf "$out/$archive" -C "$stage" "$exe" README.md LICENSE-MIT LICENSE-APACHE
    ;;
esac
(cd "$out" && sha256sum "$archive" > "$archive.sha256")
rm -rf "$stage"
echo "$out/$archive"
