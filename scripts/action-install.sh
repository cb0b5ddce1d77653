#!/usr/bin/env bash
# The install step of the migcheck GitHub Action (action.yml). Nothing is compiled unless
# VERSION=source. Inputs as environment variables:
#
#   VERSION       "" (the release of the action's own tag; at a branch or commit, the newest
#                 release), "X.Y.Z" (that release), or "source" (compile the action's source)
#   ACTION_REF    github.action_ref: the tag, branch or commit the workflow `uses:`
#   MIGCHECK_RELEASES  where releases live (default the project's GitHub releases): a release's
#                 assets are under `download/vX.Y.Z/`, the newest release's under
#                 `latest/download/` (GitHub's own layout)
#
# A release is downloaded as `migcheck-<target>.tar.gz` (`.zip` on Windows) with its
# `.sha256` file, checked with sha256sum, and put on PATH; the step says which release it
# installed and why. When no release can be downloaded it fails, naming the route that works
# without one (`version: source`). Issue 30 item 2: an action used at a branch or commit
# (`uses: ./`, `@main`, `@<sha>`) installed `migcheck-cli` from PyPI at the source's version,
# which no one had published.
set -euo pipefail

action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"
releases="${MIGCHECK_RELEASES:-https://github.com/migcheck/migcheck/releases}"
bin_dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/migcheck-bin"
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
why=""
if [ -z "$version" ]; then
  case "${ACTION_REF:-}" in
    v[0-9]*.[0-9]*.[0-9]*)
      version="${ACTION_REF#v}"
      why="the release of the action's tag ${ACTION_REF}"
      ;;
    *)
      version=latest
      why="the newest release: the action is used at '${ACTION_REF:-?}', not at a release tag (pin one with \`version: X.Y.Z\` or \`uses: migcheck/migcheck@vX.Y.Z\`)"
      ;;
  esac
else
  why="the release the workflow pins (version: $version)"
fi
if [ "$version" = latest ]; then
  url="$releases/latest/download"
else
  url="$releases/download/v$version"
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
    echo "::error title=migcheck::no release binary for $(uname -s)-$(uname -m); set \`version: source\` to compile migcheck with cargo"
    exit 1
    ;;
esac
archive="migcheck-$target.tar.gz"
[ "$target" = x86_64-pc-windows-msvc ] && archive="migcheck-$target.zip"
work="$(mktemp -d)"
fetch() {
  curl --fail --silent --show-error --location --retry 3 --max-time "$2" -o "$work/$1" "$url/$1"
}
if ! fetch "$archive" 120 || ! fetch "$archive.sha256" 60; then
  echo "::error title=migcheck::could not download $url/$archive (and its .sha256): no such release yet? Set \`version: source\` to compile the action's own source with cargo (a few minutes, cached), or pin a published version."
  exit 1
fi
if ! (cd "$work" && sha256sum --check --strict --quiet "$archive.sha256"); then
  echo "::error title=migcheck::$url/$archive does not match its SHA-256 ($archive.sha256): not installed"
  exit 1
fi
mkdir -p "$bin_dir"
case "$archive" in
  *.zip) unzip -q -o "$work/$archive" -d "$bin_dir" ;;
  *) tar -xzf "$work/$archive" -C "$bin_dir" ;;
esac
installed="$("$bin_dir/migcheck" --version)"
echo "migcheck: installed $installed, $why; SHA-256 checked against $url/$archive.sha256"
add_path "$bin_dir"
