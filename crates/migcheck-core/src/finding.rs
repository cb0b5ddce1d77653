//! What a rule reports.

use std::ops::Range;
use std::sync::Arc;

use crate::source::{LineCol, SourceFile};

/// How much a finding matters. `Off` only appears in configuration.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Off,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Off => "off",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem at one place of one file.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The rule id, e.g. `drop-table`.
    pub rule: &'static str,
    pub severity: Severity,
    pub file: Arc<SourceFile>,
    /// Byte range in `file.text`.
    pub span: Range<usize>,
    /// What is wrong and why, naming the object.
    pub message: String,
    /// What to do instead: one imperative sentence.
    pub help: String,
}

impl Finding {
    pub fn start(&self) -> LineCol {
        self.file.line_col(self.span.start)
    }

    pub fn end(&self) -> LineCol {
        self.file.line_col(self.span.end)
    }

    /// Sort key: path, then position, then rule.
    pub fn sort_key(&self) -> (&str, usize, &'static str) {
        (&self.file.display, self.span.start, self.rule)
    }
}
