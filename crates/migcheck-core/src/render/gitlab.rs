//! `--format gitlab`: a GitLab Code Quality report (`artifacts: reports: codequality`).
//!
//! The fingerprint identifies a finding across pipelines so GitLab can tell new problems from
//! old ones: it hashes the rule, the path and the message but not the line, so a finding does
//! not turn "new" when lines are added above it. Identical findings in one file get an
//! occurrence number so they stay distinct.

use std::collections::HashMap;

use serde::Serialize;

use crate::finding::{Finding, Severity};
use crate::lint::Report;
use crate::rules::{self, Category};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

/// 64-bit FNV-1a: tiny, stable across versions and platforms, good enough to tell findings
/// apart (this is an identifier, not a security boundary).
pub fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part.as_bytes().iter().chain(std::iter::once(&0u8)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// Security errors are `critical`, other errors `major`, warnings `minor`.
fn severity(f: &Finding) -> &'static str {
    let security = rules::by_id(f.rule).is_some_and(|r| r.meta().category == Category::Security);
    match f.severity {
        Severity::Error if security => "critical",
        Severity::Error => "major",
        _ => "minor",
    }
}

pub fn render(report: &Report) -> String {
    let findings = report.findings.to_vec();
    let mut seen: HashMap<(&str, &str, &str), usize> = HashMap::new();
    let issues: Vec<Issue> = findings
        .iter()
        .map(|f| {
            let n = seen
                .entry((f.rule, &f.file.display, &f.message))
                .or_default();
            *n += 1;
            let occurrence = n.to_string();
            Issue {
                description: format!("{} ({})", f.message, f.help),
                check_name: f.rule,
                fingerprint: format!(
                    "{:016x}",
                    fnv1a(&[f.rule, &f.file.display, &f.message, &occurrence])
                ),
                severity: severity(f),
                location: Location {
                    path: &f.file.display,
                    lines: Lines {
                        begin: f.start().line,
                    },
                },
            }
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&issues).expect("report serializes");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_separate_parts() {
        // Changing the hash makes every finding "new" in GitLab once; the gitlab snapshot pins
        // real fingerprints.
        assert_eq!(fnv1a(&[]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(&["a"]), fnv1a(&["a"]));
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
    }
}
