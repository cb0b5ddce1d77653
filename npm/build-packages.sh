#!/usr/bin/env bash
# Lays out the npm packages of one release in OUT_DIR: the `migcheck` launcher, and one
# `@migcheck/cli-<os>-<cpu>` package for each BINARY given as <npm-platform>=<path>, e.g.
#
#   npm/build-packages.sh out linux-x64=target/x86_64-unknown-linux-musl/release/migcheck
#
# The version is the workspace's (Cargo.toml). `npm pack` / `npm publish` each directory.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$1"
shift
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$here/../Cargo.toml" | head -n 1)"
rm -rf "$out"
mkdir -p "$out"
cp -R "$here/migcheck" "$out/migcheck"
node -e '
  const fs = require("fs");
  const [file, version] = process.argv.slice(1);
  const p = JSON.parse(fs.readFileSync(file, "utf8"));
  p.version = version;
  for (const k of Object.keys(p.optionalDependencies)) p.optionalDependencies[k] = version;
  fs.writeFileSync(file, JSON.stringify(p, null, 2) + "\n");
' "$out/migcheck/package.json" "$version"
for spec in "$@"; do
  platform="${spec%%=*}"
  binary="${spec#*=}"
  os="${platform%%-*}"
  cpu="${platform#*-}"
  exe=migcheck
  [ "$os" = win32 ] && exe=migcheck.exe
  dir="$out/cli-$platform"
  mkdir -p "$dir/bin"
  cp "$binary" "$dir/bin/$exe"
  chmod 755 "$dir/bin/$exe"
  cat > "$dir/package.json" <<JSON
{
  "name": "@migcheck/cli-$platform",
  "version": "$version",
  "description": "The migcheck binary for $os $cpu (installed by the migcheck package)",
  "homepage": "https://github.com/migcheck/migcheck",
  "repository": { "type": "git", "url": "git+https://github.com/migcheck/migcheck.git" },
  "license": "MIT OR Apache-2.0",
  "os": ["$os"],
  "cpu": ["$cpu"],
  "files": ["bin/$exe"],
  "preferUnplugged": true
}
JSON
done
