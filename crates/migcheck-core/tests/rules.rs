//! One fixture directory per rule: `testdata/rules/<id>/*.sql`.
//!
//! In a fixture, `-- expect: <rule-id>[, <rule-id>]` on the line directly above a statement says
//! that exactly those findings start on that statement's first line; `-- expect-file: <rule-id>`
//! anywhere in a file expects a finding on its first line (file names, versions), and
//! `-- expect-next-line: <rule-id>` one on the very next line (a directive comment). Every finding of the
//! fixture must be expected and every expectation found; the human output is snapshotted too.
//! Only the rule under test and the rules its fixture expects somewhere are compared.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use migcheck_core::lint::{check, CheckOptions};
use migcheck_core::render::{human, RenderOptions};
use migcheck_core::rules::ALL;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Rules whose fixtures live elsewhere (deploy files have their own layout).
const ELSEWHERE: &[&str] = &[
    "migration-in-deploy-config",
    "replay-failed",
    "replay-lock",
    "replay-table-rewrite",
    // Fires only when some files of a set are reported and others are context.
    "migration-version-out-of-order",
    // Its fixture is a file that is not UTF-8 (the expectations here read fixtures as text):
    // crates/migcheck/tests/cli.rs writes one and checks the finding, its byte and the set.
    "undecodable-file",
];

/// `(file name, line, rule)` triples the fixture declares.
fn expectations(dir: &Path) -> BTreeSet<(String, usize, String)> {
    let mut out = BTreeSet::new();
    for entry in walkdir(dir) {
        let text = std::fs::read_to_string(&entry).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            // Findings about the whole file (its name, its version) sit on its first line.
            if let Some(rest) = line.trim_start().strip_prefix("-- expect-file:") {
                for rule in rest.split(',') {
                    out.insert((rel(dir, &entry), 1, rule.trim().to_string()));
                }
                continue;
            }
            // Findings about a comment (a `migcheck:allow` directive) sit on the very next line.
            if let Some(rest) = line.trim_start().strip_prefix("-- expect-next-line:") {
                for rule in rest.split(',') {
                    out.insert((rel(dir, &entry), i + 2, rule.trim().to_string()));
                }
                continue;
            }
            let Some(rest) = line.trim_start().strip_prefix("-- expect:") else {
                continue;
            };
            // The statement starts on the next line that is not a comment or blank.
            let target = (i + 1..lines.len())
                .find(|&j| {
                    let t = lines[j].trim_start();
                    !t.is_empty() && !t.starts_with("--")
                })
                .expect("an expectation is followed by a statement");
            for rule in rest.split(',') {
                out.insert((rel(dir, &entry), target + 1, rule.trim().to_string()));
            }
        }
    }
    out
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "sql") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn rel(dir: &Path, p: &Path) -> String {
    p.strip_prefix(dir)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

#[test]
fn every_rule_has_a_doc_and_fixtures_and_they_hold() {
    let mut failures = Vec::new();
    for rule in ALL {
        let id = rule.meta().id;
        let doc = rule.meta().doc;
        for section in [
            "## What it does",
            "## Why it is unsafe",
            "## Example",
            "## Use instead",
        ] {
            if !doc.contains(section) {
                failures.push(format!("rules/{id}.md has no `{section}` section"));
            }
        }
        if doc.contains("TODO") {
            failures.push(format!("rules/{id}.md is unfinished (TODO)"));
        }
        if ELSEWHERE.contains(&id) {
            continue;
        }
        let dir = root().join("testdata/rules").join(id);
        if !dir.is_dir() || walkdir(&dir).is_empty() {
            failures.push(format!("testdata/rules/{id}/ has no .sql fixture"));
            continue;
        }
        let expected = expectations(&dir);
        if !expected.iter().any(|(_, _, r)| r == id) {
            failures.push(format!("testdata/rules/{id}/ never expects `{id}`"));
        }
        let mut report = check(std::slice::from_ref(&dir), &CheckOptions::default());
        assert!(report.errors.is_empty(), "{id}: {:?}", report.errors);
        // A fixture tests its own rule and every rule it expects somewhere; other rules'
        // findings on the same SQL belong to their own fixtures (as in ruff's per-rule tests).
        let relevant: BTreeSet<&str> = expected
            .iter()
            .map(|(_, _, r)| r.as_str())
            .chain([id])
            .collect();
        report.findings.retain(|f| relevant.contains(f.rule));
        // A rule's snapshot shows its findings; what the run checked and skipped (the scope,
        // one plain set per fixture) is tested in render.rs.
        report.scope = Default::default();
        let found: BTreeSet<_> = report
            .findings
            .iter()
            .map(|f| (rel(&dir, &f.file.path), f.start().line, f.rule.to_string()))
            .collect();
        for missing in expected.difference(&found) {
            failures.push(format!("{id}: expected but not found: {missing:?}"));
        }
        for extra in found.difference(&expected) {
            failures.push(format!("{id}: found but not expected: {extra:?}"));
        }
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_suffix(id);
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| {
            insta::assert_snapshot!("rule", human::render(&report, RenderOptions::default()));
        });
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_doc_belongs_to_a_rule() {
    for e in std::fs::read_dir(root().join("rules")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        let Some(id) = name.strip_suffix(".md") else {
            continue;
        };
        assert!(
            migcheck_core::rules::by_id(id).is_some(),
            "rules/{name} documents no rule"
        );
    }
}
