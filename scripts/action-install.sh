#!/usr/bin/env bash
# The install step of the migcheck GitHub Action (action.yml). Nothing is compiled unless
# VERSION=source. Inputs as environment variables:
#
#   VERSION       "" (the action's own tag, or its source version via pip), "X.Y.Z", or "source"
#   ACTION_REF    github.action_ref: the tag, branch or commit the workflow `uses:`
#   MIGCHECK_RELEASES  where release assets live (default the project's GitHub releases)
#
# A release is downloaded as `migcheck-<target>.tar.gz` (`.zip` on Windows) with its
# `.sha256` file, checked with sha256sum, and put on PATH. When there is no release to match
# (the action used at a branch or commit), `pip install migcheck-cli==<version in Cargo.toml>`.
set -euo pipefail

action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"
releases="${MIGCHECK_RELEASES:-https://github.com/migcheck/migcheck/releases/download}"
bin_dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/migcheck-bin"
source_version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$action_path/Cargo.toml" | head -n 1)"
version="${VERSION:-}"

add_path() {
  if [ -n "${GITHUB_PATH:-}" ]; then echo "$1" >> "$GITHUB_PATH"; fi
}

if [ "$version" = source ]; then
  CARGO_TARGET_DIR="$HOME/.cache/migcheck-action-target" \
    cargo install --locked --path "$action_path/crates/migcheck"
  add_path "$HOME/.cargo/bin"
  exit 0
fi
if [ -z "$version" ]; then
  case "${ACTION_REF:-}" in
    v[0-9]*.[0-9]*.[0-9]*) version="${ACTION_REF#v}" ;;
    *)
      echo "migcheck: action used at '${ACTION_REF:-?}', not a release tag: pip install migcheck-cli==$source_version"
      python3 -m pip install --disable-pip-version-check --quiet "migcheck-cli==$source_version"
      exit 0
      ;;
  esac
fi

# MIGCHECK_TARGET overrides the detected target (scripts/test-artifacts.sh tests with the
# host's glibc build).
case "${MIGCHECK_TARGET:+override}-$(uname -s)-$(uname -m)" in
  override-*) target="$MIGCHECK_TARGET" ;;
  -Linux-x86_64) target=x86_64-unknown-linux-musl ;;
  -Linux-aarch64 | -Linux-arm64) target=aarch64-unknown-linux-musl ;;
  -Darwin-x86_64) target=x86_64-apple-darwin ;;
  -Darwin-arm64) target=aarch64-apple-darwin ;;
  -MINGW* | -MSYS* | -CYGWIN*) target=x86_64-pc-windows-msvc ;;
  *)
    echo "migcheck: no release binary for $(uname -s)-$(uname -m): pip install migcheck-cli==$version"
    python3 -m pip install --disable-pip-version-check --quiet "migcheck-cli==$version"
    exit 0
    ;;
esac
archive="migcheck-$target.tar.gz"
[ "$target" = x86_64-pc-windows-msvc ] && archive="migcheck-$target.zip"
work="$(mktemp -d)"
curl --fail --silent --show-error --location --retry 3 --max-time 120 \
  -o "$work/$archive" "$releases/v$version/$archive"
curl --fail --silent --show-error --location --retry 3 --max-time 60 \
  -o "$work/$archive.sha256" "$releases/v$version/$archive.sha256"
(cd "$work" && sha256sum --check --strict "$archive.sha256")
mkdir -p "$bin_dir"
case "$archive" in
  *.zip) unzip -q -o "$work/$archive" -d "$bin_dir" ;;
  *) tar -xzf "$work/$archive" -C "$bin_dir" ;;
esac
"$bin_dir/migcheck" --version
add_path "$bin_dir"
