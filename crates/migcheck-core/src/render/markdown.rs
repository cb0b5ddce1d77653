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
/// could open an HTML tag, except inside a code span (between backticks), where `<` is shown
/// as written and `&lt;` would be shown literally.
pub fn escape_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_code = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '<' if !in_code => out.push_str("&lt;"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => out.push_str("<br>"),
            _ => out.push(c),
        }
    }
    out
}

/// Makes text safe as a paragraph: `<` could open an HTML tag, except inside a code span
/// (where `&lt;` would be shown as written).
fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_code = false;
    for c in s.chars() {
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '<' if !in_code => out.push_str("&lt;"),
            _ => out.push(c),
        }
    }
    out
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
    let scope = super::scope_summary(&report.scope, true);
    if !scope.is_empty() {
        out.push_str(&format!("\n**Scope:** {}\n", escape_text(&scope.checked)));
        if !scope.sets.is_empty() {
            out.push('\n');
        }
        for set in &scope.sets {
            out.push_str(&format!("- {}\n", escape_text(set)));
        }
        if let Some(skipped) = &scope.skipped {
            out.push_str(&format!("\n{}\n", escape_text(skipped)));
        }
        if !scope.notes.is_empty() {
            out.push('\n');
        }
        for note in &scope.notes {
            out.push_str(&format!("- {}\n", escape_text(note)));
        }
    }
    if !report.findings.is_empty() {
        let mut sorted: Vec<(usize, Severity)> = report
            .findings
            .metas()
            .map(|m| m.severity)
            .enumerate()
            .collect();
        // Stable: within a severity the report's order (path, position) is kept.
        sorted.sort_by_key(|&(_, s)| std::cmp::Reverse(s));
        out.push_str("\n| Location | Rule | Severity | Message |\n| --- | --- | --- | --- |\n");
        for &(i, _) in sorted.iter().take(MAX_ROWS) {
            if let Some(f) = report.findings.get(i) {
                out.push_str(&row(&f));
            }
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
        assert_eq!(escape_cell("a|b\r\nc<d>"), "a\\|b<br>c&lt;d>");
        // Inside a code span `<` stays: GitHub would show `&lt;` as written.
        assert_eq!(
            escape_cell("name `<version>_<name>.sql`, not <b>"),
            "name `<version>_<name>.sql`, not &lt;b>"
        );
    }
}
