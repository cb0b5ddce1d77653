//! Baselines: accept today's findings of an existing repository, fail on every new one.
//!
//! `migcheck check --write-baseline FILE` records each finding as its rule, its file (relative
//! to the baseline file's directory, so the baseline works from any working directory) and a
//! fingerprint of the statement text it points at, whitespace-normalized. Lines are stored for
//! people reading the file but never matched: inserting a migration line above a baselined
//! statement, re-indenting it or moving it keeps it baselined; editing the statement does not.
//! Identical statements in one file are counted, so a second `drop table x;` added next to a
//! baselined one is still reported.
//!
//! Files stay untouched (unlike `migcheck:allow` comments), which matters where the migration
//! tool verifies checksums of applied files (Prisma, sqlx, Flyway).

use std::collections::{BTreeMap, HashSet};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::finding::Finding;
use crate::lint::Report;

/// The format version written in every baseline file.
pub const VERSION: u32 = 1;

/// A baseline file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    /// The file, relative to the baseline's directory, with `/` separators.
    pub path: String,
    /// SHA-256 (first 16 hex digits) of the finding's statement text, whitespace-normalized.
    pub fingerprint: String,
    /// Where the finding was when the baseline was written (informative; not matched).
    #[serde(default)]
    pub line: usize,
    /// The message when the baseline was written (informative; not matched).
    #[serde(default)]
    pub message: String,
}

/// What applying a baseline did to a report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The baseline file as given.
    pub file: String,
    /// Findings hidden because the baseline accepts them.
    pub matched: usize,
    /// Entries for files this run checked that matched no finding (fixed, or edited).
    pub stale: Vec<Entry>,
}

/// A baseline that cannot be read.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{path}: {message}")]
pub struct BaselineError {
    pub path: String,
    pub message: String,
}

/// The fingerprint of a finding: its rule and its text with runs of whitespace collapsed.
pub fn fingerprint(finding: &Finding) -> String {
    let text = finding
        .file
        .text
        .get(finding.span.clone())
        .unwrap_or_default();
    let mut normalized = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !normalized.is_empty() {
            normalized.push(' ');
        }
        normalized.push_str(word);
    }
    let mut h = Sha256::new();
    h.update(finding.rule.as_bytes());
    h.update([0]);
    h.update(normalized.as_bytes());
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `path` made absolute and lexically cleaned (`..` and `.` removed) without touching the disk
/// beyond the current directory and, when it exists, canonicalization.
fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The directory paths in `file` are relative to.
fn base_dir(file: &Path) -> PathBuf {
    absolute(file)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// `path` relative to `base` with `/` separators (`../` steps where it lies outside).
fn relative(path: &Path, base: &Path) -> String {
    let path = absolute(path);
    let (p, b): (Vec<_>, Vec<_>) = (path.components().collect(), base.components().collect());
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".into(); b.len() - common];
    parts.extend(
        p[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

impl Baseline {
    /// The baseline accepting every finding of `report`, for a file at `file`.
    pub fn from_report(report: &Report, file: &Path) -> Self {
        let base = base_dir(file);
        let mut findings: Vec<Entry> = report
            .findings
            .iter()
            .map(|f| Entry {
                rule: f.rule.to_string(),
                path: relative(&f.file.path, &base),
                fingerprint: fingerprint(f),
                line: f.start().line,
                message: f.message.clone(),
            })
            .collect();
        findings.sort();
        Self {
            version: VERSION,
            findings,
        }
    }

    /// The file's text: pretty JSON, one entry per finding, sorted (diffs stay readable).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("baseline serializes");
        s.push('\n');
        s
    }

    pub fn read(file: &Path, display: &str) -> Result<Self, BaselineError> {
        let err = |message: String| BaselineError {
            path: display.to_string(),
            message,
        };
        let text = crate::fsio::read_to_string(file)
            .map_err(|e| err(format!("cannot read baseline: {e}")))?;
        let b: Baseline = serde_json::from_str(&text).map_err(|e| {
            err(format!(
                "line {}: not a migcheck baseline ({e}); write one with `migcheck check --write-baseline {display}`",
                e.line()
            ))
        })?;
        if b.version != VERSION {
            return Err(err(format!(
                "baseline version {} is not supported (this migcheck writes version {VERSION})",
                b.version
            )));
        }
        Ok(b)
    }

    /// True when `text` is a migcheck baseline (the JSON shape this module writes, any
    /// version): what `--write-baseline` may replace.
    pub fn is_baseline(text: &str) -> bool {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Shape {
            version: u32,
            findings: Vec<Entry>,
        }
        serde_json::from_str::<Shape>(text).is_ok()
    }

    /// Removes the findings this baseline accepts from `report` and says what it did. Entries
    /// for files the run did not check (outside `--changed-since`, or not staged) are neither
    /// matched nor stale.
    pub fn apply(&self, report: &mut Report, file: &Path, display: &str) -> Outcome {
        let base = base_dir(file);
        // (rule, path, fingerprint) -> indices of the entries still unmatched.
        let mut open: BTreeMap<(String, String, String), Vec<usize>> = BTreeMap::new();
        for (i, e) in self.findings.iter().enumerate() {
            open.entry((e.rule.clone(), e.path.clone(), e.fingerprint.clone()))
                .or_default()
                .push(i);
        }
        let mut matched = 0;
        let mut checked: HashSet<String> = HashSet::new();
        for f in report.findings.metas() {
            checked.insert(relative(&f.file.path, &base));
        }
        for display_path in &report.checked {
            checked.insert(relative(Path::new(display_path), &base));
        }
        report.findings.retain(|f| {
            let key = (
                f.rule.to_string(),
                relative(&f.file.path, &base),
                fingerprint(f),
            );
            match open.get_mut(&key) {
                Some(left) if !left.is_empty() => {
                    left.pop();
                    matched += 1;
                    false
                }
                _ => true,
            }
        });
        let mut stale: Vec<Entry> = open
            .values()
            .flatten()
            .map(|&i| self.findings[i].clone())
            .filter(|e| checked.contains(&e.path))
            .collect();
        stale.sort();
        Outcome {
            file: display.to_string(),
            matched,
            stale,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_step_out_of_the_base() {
        let base = Path::new("/repo/ci");
        assert_eq!(
            relative(Path::new("/repo/db/a.sql"), base),
            "../db/a.sql".to_string()
        );
        assert_eq!(
            relative(Path::new("/repo/ci/x/a.sql"), base),
            "x/a.sql".to_string()
        );
    }
}
