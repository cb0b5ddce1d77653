//! Output formats: one small module per format, all rendering the same [`Report`].
//!
//! Renderers are pure functions from a report to text. They never decide exit codes and never
//! print; the CLI picks a [`Format`] and writes the result where it belongs ([`write`]: as it
//! is rendered).

use crate::finding::{Finding, Severity};
use crate::lint::Report;

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod statistics;

/// Where rule documentation lives online.
pub const DOCS_URL: &str = "https://github.com/migcheck/migcheck/blob/main/rules";

/// The project's home page (SARIF `informationUri`).
pub const HOME_URL: &str = "https://github.com/migcheck/migcheck";

/// The documentation link of a rule.
pub fn rule_url(id: &str) -> String {
    format!("{DOCS_URL}/{id}.md")
}

/// The output formats of `migcheck check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Code frames for people at a terminal.
    Human,
    /// migcheck's own versioned JSON document.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request diff.
    Github,
    /// A Markdown summary for `$GITHUB_STEP_SUMMARY` and pull request comments.
    Markdown,
    /// GitLab Code Quality report (a Code Climate JSON subset).
    Gitlab,
    /// JUnit XML, for CI systems that show test reports.
    Junit,
}

impl Format {
    /// True for formats meant for people; machine formats keep stdout parseable.
    pub fn is_for_people(self) -> bool {
        matches!(self, Format::Human | Format::Markdown)
    }
}

/// Options that change how a report looks, never what it says.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// ANSI colours (the CLI decides: a terminal and no `NO_COLOR`).
    pub color: bool,
}

/// Writes the report to `out` in `format`, as it is rendered: every format but Markdown (whose
/// table stops at 100 rows) decodes and writes one finding at a time (a run with hundreds of
/// thousands of findings writes many times the size of its files).
pub fn write(
    format: Format,
    report: &Report,
    opts: RenderOptions,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Human => human::write(report, opts, out),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Github => github::write(report, out),
        Format::Gitlab => gitlab::write(report, out),
        Format::Junit => junit::write(report, out),
        Format::Markdown => out.write_all(markdown::render(report).as_bytes()),
    }
}

pub fn render(format: Format, report: &Report, opts: RenderOptions) -> String {
    match format {
        Format::Human => human::render(report, opts),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Github => github::render(report),
        Format::Markdown => markdown::render(report),
        Format::Gitlab => gitlab::render(report),
        Format::Junit => junit::render(report),
    }
}

/// `1 error`, `2 warnings`.
pub fn plural(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// The one-line outcome shared by the text formats (without the trailing newline).
pub(crate) fn outcome(report: &Report) -> String {
    let (e, w) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
    );
    let files = plural(report.files, "file");
    let statements = plural(report.statements, "statement");
    let mut s = if e + w == 0 {
        format!("No problems in {files} ({statements}).")
    } else {
        format!(
            "Found {} and {} in {files} ({statements}).",
            plural(e, "error"),
            plural(w, "warning"),
        )
    };
    if let Some(b) = &report.baseline {
        if b.matched > 0 {
            s.push_str(&format!(
                " {} in the baseline {} (not shown).",
                plural(b.matched, "finding"),
                b.file
            ));
        }
        if !b.stale.is_empty() {
            let n = b.stale.len();
            let (entries, match_) = if n == 1 {
                ("entry", "matches")
            } else {
                ("entries", "match")
            };
            s.push_str(&format!(
                " {n} {entries} of {file} no longer {match_} anything (fixed or edited): \
                 rewrite it with `--write-baseline {file}`.",
                file = b.file
            ));
        }
    }
    if !report.errors.is_empty() {
        s.push_str(&format!(
            " {} could not be checked.",
            plural(report.errors.len(), "input")
        ));
    }
    s
}

/// The first paragraph of a rule doc's `## What it does` section, if it has been written.
pub(crate) fn doc_description(doc: &str) -> Option<String> {
    let rest = doc.split_once("## What it does")?.1;
    let para: Vec<&str> = rest
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let text = para.join(" ");
    (!text.is_empty() && text != "TODO").then_some(text)
}

/// What human and GitHub output add after a finding's help: the fix it carries (by title), or
/// the SQL of each migration of a suggested change. Empty when it has neither.
pub fn remedy_note(f: &Finding) -> String {
    if let Some(fix) = &f.fix {
        return format!(
            "\nfix available: {} (`migcheck check --fix` applies it)",
            fix.title
        );
    }
    let Some(s) = &f.suggestion else {
        return String::new();
    };
    let mut out = format!("\nsuggested change: {}", s.title);
    for (i, step) in s.steps.iter().enumerate() {
        let when = if i == 0 {
            "this migration"
        } else {
            "a later migration"
        };
        out.push_str(&format!("\n  -- {when}:"));
        for line in step.lines() {
            out.push_str("\n  ");
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_description_takes_the_first_paragraph() {
        let doc = "# x\n\n## What it does\n\nFinds a thing\nacross lines.\n\nMore.\n\n## Why\n";
        assert_eq!(
            doc_description(doc).as_deref(),
            Some("Finds a thing across lines.")
        );
        assert_eq!(doc_description("# x\n\n## What it does\n\nTODO\n"), None);
        assert_eq!(doc_description("# x\n"), None);
    }
}
