#!/usr/bin/env node
// The `migcheck` command of the npm package: runs the prebuilt binary of the per-platform
// package that npm installed as an optional dependency (the esbuild / biome pattern: npm
// installs only the one whose `os` and `cpu` match, and nothing is downloaded at install time).
"use strict";

const { spawnSync } = require("child_process");
const path = require("path");

const platformPackage = `@migcheck/cli-${process.platform}-${process.arch}`;
const exe = process.platform === "win32" ? "migcheck.exe" : "migcheck";

function binaryPath() {
  if (process.env.MIGCHECK_BINARY) {
    return process.env.MIGCHECK_BINARY;
  }
  try {
    return require.resolve(`${platformPackage}/bin/${exe}`);
  } catch (e) {
    process.stderr.write(
      `migcheck: no prebuilt binary for ${process.platform}-${process.arch}: the package ` +
        `${platformPackage} is not installed.\n` +
        "If npm skipped optional dependencies (--no-optional, --omit=optional), install again " +
        "with them; on other platforms use `pip install migcheck-cli` or `cargo install migcheck`.\n",
    );
    process.exit(2);
  }
}

const result = spawnSync(binaryPath(), process.argv.slice(2), { stdio: "inherit" });
if (result.error) {
  process.stderr.write(`migcheck: cannot run ${binaryPath()}: ${result.error.message}\n`);
  process.exit(2);
}
if (result.signal) {
  process.kill(process.pid, result.signal);
}
process.exit(result.status === null ? 2 : result.status);
