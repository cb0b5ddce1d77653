#!/usr/bin/env bash
# Packages the VS Code extension (editors/vscode) the way it is published: installs its
# dependencies and @vscode/vsce from the npm registry into a temporary copy, runs
# `vsce package`, and checks that the .vsix holds extension.js, package.json and the language
# client, and that extension.js loads its client module. Nothing is written to the repository
# (no node_modules, no .vsix). Skipped, with a message, where npm is not installed.
# Run by scripts/test-artifacts.sh; also on its own: `bash scripts/test-vscode.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
fail() { echo "test-vscode: FAILED: $*" >&2; exit 1; }

if ! command -v npm > /dev/null 2>&1 || ! command -v node > /dev/null 2>&1; then
  echo "test-vscode: SKIPPED: npm and node are not installed, so the VS Code extension was not packaged"
  exit 0
fi

# The extension's LICENSE is the repository's two licence texts (vsce wants one next to
# package.json).
expected="$(mktemp)"
{
  printf 'migcheck is licensed under the MIT license or the Apache License 2.0, at your option.\n'
  printf 'Both texts follow (LICENSE-MIT and LICENSE-APACHE at the root of the repository).\n\n'
  cat LICENSE-MIT
  printf '\n'
  cat LICENSE-APACHE
} > "$expected"
cmp -s "$expected" editors/vscode/LICENSE \
  || fail "editors/vscode/LICENSE differs from LICENSE-MIT + LICENSE-APACHE; regenerate it as this script does"
rm -f "$expected"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
ext="$work/ext"
cp -R editors/vscode "$ext"
[ ! -e "$ext/node_modules" ] || fail "editors/vscode/node_modules must not be committed"

# The version of vsce is pinned: 3.9 is the newest that runs on Node.js 20 (Debian's).
(cd "$ext" && npm install --no-audit --no-fund --loglevel=error --omit=dev) \
  || fail "npm install of the extension's dependencies"
mkdir -p "$work/tools"
echo '{"private": true}' > "$work/tools/package.json"
(cd "$work/tools" && npm install --no-audit --no-fund --loglevel=error @vscode/vsce@3.9.2) \
  || fail "npm install @vscode/vsce"

node --check "$ext/extension.js" || fail "extension.js does not parse"
(cd "$ext" && node -e "require.resolve('vscode-languageclient/node')") \
  || fail "extension.js cannot load vscode-languageclient/node"

vsix="$work/migcheck.vsix"
(cd "$ext" && "$work/tools/node_modules/.bin/vsce" package --out "$vsix") \
  || fail "vsce package"
[ -s "$vsix" ] || fail "vsce package wrote no .vsix"
listing="$(unzip -l "$vsix" 2>/dev/null || python3 -m zipfile -l "$vsix")"
for f in extension/extension.js extension/package.json extension/LICENSE \
  extension/node_modules/vscode-languageclient/package.json; do
  grep -q "$f" <<< "$listing" || fail "$f is not in the .vsix:"$'\n'"$listing"
done
echo "test-vscode: packaged $(basename "$vsix") ($(wc -c < "$vsix") bytes) with extension.js, package.json and vscode-languageclient"
