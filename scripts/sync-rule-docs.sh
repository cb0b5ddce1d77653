#!/usr/bin/env bash
# Copies the rule pages (rules/*.md, the source people edit) into crates/migcheck-core/rules/,
# the copy `cargo package` ships with the crate that embeds them. Run after editing a rule page;
# crates/migcheck-core/tests/rule_docs.rs fails while the two differ.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f crates/migcheck-core/rules/*.md
cp rules/*.md crates/migcheck-core/rules/
