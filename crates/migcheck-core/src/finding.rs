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
    /// Shown, never fails a run: what a lock or rewrite hazard becomes on a table that is
    /// empty, small or not yet created (`check --database-url` / `--stats`, see
    /// [`crate::impact`]).
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Off => "off",
            Severity::Note => "note",
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
    /// What to do instead: one imperative sentence. Most rules' help is fixed text, kept
    /// without a copy per finding (a file with 240,000 findings held 70 MB of copies).
    pub help: std::borrow::Cow<'static, str>,
    /// Edits of `file` that clear the finding safely, when there is one.
    pub fix: Option<Box<crate::fix::Fix>>,
    /// The exact SQL of a safe change that takes more than one migration.
    pub suggestion: Option<Box<crate::fix::Suggestion>>,
    /// What the statement costs on the live table it hits (`check --database-url` or
    /// `--stats`; see [`crate::impact`]). `None` otherwise.
    pub impact: Option<Box<Impact>>,
}

/// What a lock or rewrite finding costs on the table it hits, from live figures. Plain data:
/// [`crate::impact`] computes it, every renderer shows [`Impact::summary`], JSON the fields.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Impact {
    /// `schema.table` as PostgreSQL would need it written.
    pub table: String,
    /// False when the live database has no such table (yet): nothing can be blocked.
    pub exists: bool,
    /// The planner's row estimate (`pg_class.reltuples`; 0 when never analyzed and empty).
    pub rows: u64,
    pub heap_bytes: u64,
    pub index_bytes: u64,
    pub toast_bytes: u64,
    /// Rows inserted, updated and deleted per second, averaged since the statistics were reset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub writes_per_second: Option<f64>,
    /// The table lock the statement takes (`ACCESS EXCLUSIVE`, …); `None` for row locks only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock: Option<&'static str>,
    /// What that lock blocks while it is held.
    pub blocks: &'static str,
    /// What the statement does to the table: `rewrite`, `scan`, `index build`,
    /// `write every row` or `lock`.
    pub work: &'static str,
    /// Estimated seconds the work takes (the model of docs/impact.md); `None` for a lock alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate_seconds: Option<f64>,
    /// Why the severity changed, when it did (thresholds of `[impact]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// One line for people: table, size, lock, estimate.
    pub summary: String,
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

/// The longest quoted text or unbroken word a message shows whole.
pub const MAX_QUOTED: usize = 100;
/// The longest message (or help) shown whole.
pub const MAX_MESSAGE: usize = 2_000;

/// `text` with every `backtick-quoted` part and every unbroken word longer than
/// [`MAX_QUOTED`] characters cut to its start and end, and the whole cut to [`MAX_MESSAGE`]: a
/// message that names a 1 MB identifier or quotes a 200 KB token must stay readable (and small)
/// in every output format.
pub fn readable(text: String) -> String {
    if is_readable(&text) {
        return text;
    }
    let mut out = String::with_capacity(text.len().min(MAX_MESSAGE + 100));
    // Odd pieces of a split on backticks are quoted.
    for (i, piece) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(&cut(piece));
        } else {
            let mut rest = piece;
            while !rest.is_empty() {
                let ws = rest
                    .find(|c: char| !c.is_whitespace())
                    .unwrap_or(rest.len());
                out.push_str(&rest[..ws]);
                rest = &rest[ws..];
                let word = rest.find(char::is_whitespace).unwrap_or(rest.len());
                out.push_str(&cut(&rest[..word]));
                rest = &rest[word..];
            }
        }
        if out.len() > MAX_MESSAGE {
            break;
        }
    }
    if out.len() > MAX_MESSAGE {
        let mut end = MAX_MESSAGE;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
        out.push_str("… (message cut)");
    }
    out
}

/// True when [`readable`] leaves `text` as it is.
fn is_readable(text: &str) -> bool {
    let fits = |s: &str| s.len() <= MAX_QUOTED;
    fits(text)
        || (text.len() <= MAX_MESSAGE
            && text.split('`').skip(1).step_by(2).all(fits)
            && text.split_whitespace().all(fits))
}

/// [`readable`] for text that may be borrowed: kept without a copy when it is readable.
pub fn readable_cow(text: std::borrow::Cow<'static, str>) -> std::borrow::Cow<'static, str> {
    if is_readable(&text) {
        return text;
    }
    readable(text.into_owned()).into()
}

/// A long piece cut to its first and last characters, saying how long it was.
fn cut(s: &str) -> std::borrow::Cow<'_, str> {
    if s.len() <= MAX_QUOTED {
        return s.into();
    }
    let chars = s.chars().count();
    if chars <= MAX_QUOTED {
        return s.into();
    }
    let head: String = s.chars().take(60).collect();
    let tail: String = s.chars().skip(chars - 20).collect();
    format!("{head}…{tail} ({chars} characters)").into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_quotes_and_words_are_cut() {
        let ident = "y".repeat(1_000_000);
        let m = readable(format!("Table `public.{ident}` is dropped"));
        assert!(m.len() < 200, "{m}");
        assert!(m.starts_with("Table `public.yyy"), "{m}");
        assert!(m.ends_with("(1000007 characters)` is dropped"), "{m}");
        let m = readable(format!("found: {} at line 1", "x".repeat(200_000)));
        assert!(m.len() < 200 && m.ends_with(" at line 1"), "{m}");
        let short = "Column `c` of `public.t` is dropped";
        assert_eq!(readable(short.to_string()), short);
        let prose = format!("`a` {} `b`", "long prose, ".repeat(20));
        assert_eq!(readable(prose.clone()), prose);
        let many = "word ".repeat(2_000);
        assert!(readable(many).len() < MAX_MESSAGE + 40);
    }
}
