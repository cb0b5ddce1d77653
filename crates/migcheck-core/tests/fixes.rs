//! Every fixable rule's fixtures, fixed: after applying the fixes (in passes, as `--fix` does),
//! checking again reports no finding a fix claimed to clear, the fixed SQL still parses, and
//! the fixes the rule pages promise are really offered somewhere in the fixtures.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use migcheck_core::fix::{apply, Offers};
use migcheck_core::lint::{check_overlay, CheckOptions, Report};
use migcheck_core::rules::ALL;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Applies every fix of `report` (non-overlapping ones; the rest wait for the next pass).
fn fix_pass(report: &Report, overlay: &mut HashMap<PathBuf, String>) -> usize {
    let findings = report.findings.to_vec();
    let mut by_file: BTreeMap<PathBuf, (String, Vec<&migcheck_core::fix::Fix>)> = BTreeMap::new();
    for f in &findings {
        if let Some(fix) = &f.fix {
            by_file
                .entry(std::fs::canonicalize(&f.file.path).unwrap())
                .or_insert((f.file.text.clone(), Vec::new()))
                .1
                .push(fix);
        }
    }
    let mut n = 0;
    for (path, (text, fixes)) in by_file {
        let out = apply(&text, &fixes);
        n += out.applied.len();
        overlay.insert(path, out.text);
    }
    n
}

#[test]
fn fixes_clear_their_findings_and_keep_valid_sql() {
    let opts = CheckOptions::default();
    for rule in ALL.iter().filter(|r| r.meta().offers == Some(Offers::Fix)) {
        let id = rule.meta().id;
        let dir = root().join("testdata/rules").join(id);
        let before = check_overlay(std::slice::from_ref(&dir), &opts, &HashMap::new());
        let offered = before
            .findings
            .iter()
            .filter(|f| f.rule == id && f.fix.is_some())
            .count();
        assert!(offered > 0, "{id}: no fixture finding carries a fix");
        let unfixable = before
            .findings
            .iter()
            .filter(|f| f.rule == id && f.fix.is_none())
            .count();
        let mut overlay = HashMap::new();
        let mut report = before;
        for _ in 0..5 {
            if fix_pass(&report, &mut overlay) == 0 {
                break;
            }
            report = check_overlay(std::slice::from_ref(&dir), &opts, &overlay);
        }
        let left: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.rule == id)
            .map(|f| format!("{}:{} {}", f.file.display, f.start().line, f.message))
            .collect();
        assert_eq!(
            left.len(),
            unfixable,
            "{id}: findings left after --fix (only those without a fix may remain):\n{}",
            left.join("\n")
        );
        assert!(
            report
                .findings
                .iter()
                .all(|f| f.fix.is_none() || f.rule != id),
            "{id}: a fix is still offered after fixing"
        );
        // The fixed files parse as well as before: no statement became unreadable.
        for (path, text) in &overlay {
            let old = std::fs::read_to_string(path).unwrap();
            let unparsed = |t: &str| {
                migcheck_core::parse::parse_file(t)
                    .statements
                    .iter()
                    .filter(|s| s.unparsed.is_some())
                    .count()
            };
            assert_eq!(
                unparsed(text),
                unparsed(&old),
                "{id}: {} no longer parses after the fix:\n{text}",
                path.display()
            );
        }
    }
}

#[test]
fn fixes_are_exact_edits() {
    let dir = root().join("testdata/rules/prefer-timestamptz");
    let report = check_overlay(&[dir], &CheckOptions::default(), &HashMap::new());
    let fixed: Vec<String> = report
        .findings
        .iter()
        .filter_map(|f| {
            let fix = f.fix.as_ref()?;
            let stmt = &f.file.text[f.span.clone()];
            let out = apply(&f.file.text, &[fix]).text;
            let start = f.span.start;
            let end = out.len() - (f.file.text.len() - f.span.end);
            Some(format!("{stmt}\n=> {}", &out[start..end]))
        })
        .collect();
    insta::assert_snapshot!(fixed.join("\n\n"));
}

#[test]
fn suggestions_carry_the_sql_of_each_migration() {
    for id in ALL
        .iter()
        .filter(|r| r.meta().offers == Some(Offers::Suggestion))
        .map(|r| r.meta().id)
    {
        let dir = root().join("testdata/rules").join(id);
        let report = check_overlay(&[dir], &CheckOptions::default(), &HashMap::new());
        let s: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.rule == id)
            .filter_map(|f| f.suggestion.clone())
            .map(|s| format!("{}\n{}", s.title, s.steps.join("\n-- next migration\n")))
            .collect();
        assert!(
            !s.is_empty(),
            "{id}: no fixture finding carries a suggestion"
        );
        for step in s.iter().flat_map(|s| s.lines()) {
            if !step.starts_with("--") && step.ends_with(';') {
                migcheck_core::parse::parse_one(step)
                    .unwrap_or_else(|e| panic!("{id}: suggested `{step}` does not parse: {e}"));
            }
        }
        insta::assert_snapshot!(id, s.join("\n\n"));
    }
}

/// Issue 15's "every fixable rule's page says what its fix does": a rule that offers a fix
/// has a `## Fix` section, one that offers a suggestion a `## Suggested change` section, each
/// with a paragraph; no other page claims either.
#[test]
fn rule_pages_say_what_their_fix_or_suggestion_does() {
    for rule in ALL {
        let m = rule.meta();
        let section = |title: &str| {
            m.doc
                .split(&format!("\n## {title}\n"))
                .nth(1)
                .map(|rest| rest.split("\n## ").next().unwrap().trim().to_string())
        };
        let (fix, suggestion) = (section("Fix"), section("Suggested change"));
        match m.offers {
            Some(Offers::Fix) => assert!(
                fix.as_ref().is_some_and(|t| t.len() > 40),
                "{}: offers a fix, but its page has no `## Fix` paragraph",
                m.id
            ),
            Some(Offers::Suggestion) => assert!(
                suggestion.as_ref().is_some_and(|t| t.len() > 40),
                "{}: offers a suggestion, but its page has no `## Suggested change` paragraph",
                m.id
            ),
            None => assert!(
                fix.is_none() && suggestion.is_none(),
                "{}: its page describes a fix or suggestion the rule does not offer",
                m.id
            ),
        }
    }
}
