//! `--format markdown`: a summary for `$GITHUB_STEP_SUMMARY` and pull request comments.
//!
//! A heading, a status line, and one table of findings with errors first. The table stops at
//! [`MAX_ROWS`]: a pull request comment is limited to 65,536 characters, and nobody reads row
//! 300 of a table anyway; the last line says how many were left out.

use super::{outcome, rule_url};
use crate::finding::{Finding, Severity};
use crate::lint::Report;

/// The most findings listed in the table.
pub const MAX_ROWS: usize = 100;

/// Makes text safe inside a table cell: pipes would end the cell, newlines the row, and `<`
/// could open an HTML tag.
pub fn escape_cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

fn status(report: &Report) -> &'static str {
    if report.count(Severity::Error) > 0 || !report.errors.is_empty() {
        "❌"
    } else if report.count(Severity::Warning) > 0 {
        "⚠️"
    } else {
        "✅"
    }
}

fn row(f: &Finding) -> String {
    let start = f.start();
    format!(
        "| `{}:{}` | [{}]({}) | {} | {} |\n",
        escape_cell(&f.file.display).replace('`', "'"),
        start.line,
        f.rule,
        rule_url(f.rule),
        f.severity,
        escape_cell(&f.message)
    )
}

pub fn render(report: &Report) -> String {
    let mut out = String::from("## migcheck\n\n");
    out.push_str(&format!("{} **{}**\n", status(report), outcome(report)));
    if !report.findings.is_empty() {
        let mut sorted: Vec<&Finding> = report.findings.iter().collect();
        // Stable: within a severity the report's order (path, position) is kept.
        sorted.sort_by_key(|f| std::cmp::Reverse(f.severity));
        out.push_str("\n| Location | Rule | Severity | Message |\n| --- | --- | --- | --- |\n");
        for f in sorted.iter().take(MAX_ROWS) {
            out.push_str(&row(f));
        }
        if sorted.len() > MAX_ROWS {
            out.push_str(&format!(
                "\n…and {} more; run `migcheck check` for all of them.\n",
                sorted.len() - MAX_ROWS
            ));
        }
    }
    if !report.errors.is_empty() {
        out.push_str("\n### Could not be checked\n\n");
        for e in &report.errors {
            out.push_str(&format!("- {}\n", escape_cell(&e.to_string())));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(escape_cell("a|b\nc<d>"), "a\\|b<br>c&lt;d>");
    }
}
