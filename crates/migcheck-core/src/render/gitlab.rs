//! `--format gitlab`: a GitLab Code Quality report (`artifacts: reports: codequality`).
//!
//! The fingerprint identifies a finding across pipelines so GitLab can tell new problems from
//! old ones: it hashes the rule, the path and the message but not the line, so a finding does
//! not turn "new" when lines are added above it. Identical findings in one file get an
//! occurrence number so they stay distinct.
//!
//! The report is an array of issues and nothing else: what the run checked and skipped (its
//! scope) has no place in it and is not dressed up as an issue; the job log carries it (run
//! `--format human` or `--format json` in the same job).

use std::collections::HashMap;

use serde::Serialize;

use crate::finding::{Finding, Severity};
use crate::lint::Report;
use crate::rules::{self, Category};

#[derive(Serialize)]
struct Issue {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
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
        Severity::Note => "info",
        _ => "minor",
    }
}

pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Writes what [`render`] returns to `out`, one issue at a time.
pub fn write(report: &Report, out: &mut impl std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &Issues(report))?;
    out.write_all(b"\n")
}

/// The issues, each made as it is written. Findings come sorted by path, so the occurrence
/// counts of one file are forgotten when the next file starts.
struct Issues<'a>(&'a Report);

impl Serialize for Issues<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut path = String::new();
        let mut seen: HashMap<(&'static str, String), usize> = HashMap::new();
        serializer.collect_seq(self.0.findings.iter().map(|f| {
            if f.file.display != path {
                path.clone_from(&f.file.display);
                seen.clear();
            }
            let n = seen.entry((f.rule, f.message.clone())).or_default();
            *n += 1;
            let occurrence = n.to_string();
            Issue {
                description: format!("{} ({})", super::message_with_impact(f), f.help),
                check_name: f.rule,
                fingerprint: format!(
                    "{:016x}",
                    fnv1a(&[f.rule, &f.file.display, &f.message, &occurrence])
                ),
                severity: severity(f),
                location: Location {
                    path: f.file.display.clone(),
                    lines: Lines {
                        begin: f.start().line,
                    },
                },
            }
        }))
    }
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
