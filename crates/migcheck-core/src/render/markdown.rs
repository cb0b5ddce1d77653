//! `--format markdown`: a summary for `$GITHUB_STEP_SUMMARY` and pull request comments.
//!
//! A heading, a status line, and one table of findings with errors first. The table stops at
//! [`MAX_ROWS`]: a pull request comment is limited to 65,536 characters, and nobody reads row
//! 300 of a table anyway; the last line says how many were left out. Whatever the scale (long
//! messages, thousands of sets in the scope), the whole text stays under [`COMMENT_BUDGET`]
//! ([`fit`]), with a pointer to the full JSON.

use super::{outcome, rule_url};
use crate::finding::{Finding, Severity};
use crate::lint::Report;

/// The most findings listed in the table.
pub const MAX_ROWS: usize = 100;

/// The most bytes (so at most as many characters) of any `--format markdown` output: GitHub
/// refuses a pull-request comment over 65,536 characters; the rest is room for what a
/// workflow puts around the output.
pub const COMMENT_BUDGET: usize = 60_000;

/// `text` when it fits [`COMMENT_BUDGET`]; else its first lines that fit, then a line that
/// says it was cut and where the whole report is (`full`, e.g. ``run `migcheck check --format
/// json` ``). Cut at a line end, after a blank line so that the note is not a table row.
pub fn fit(text: String, full: &str) -> String {
    if text.len() <= COMMENT_BUDGET {
        return text;
    }
    let note = format!(
        "\n…cut at {} of {} characters to fit a pull-request comment; {full} for the full report.\n",
        COMMENT_BUDGET, text.len()
    );
    let room = COMMENT_BUDGET.saturating_sub(note.len() + 1);
    let mut end = room.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let end = text[..end].rfind('\n').map_or(0, |i| i + 1);
    let mut out = text[..end].to_string();
    out.push_str(&note);
    out
}

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

/// The tables the migrations lock, with their live sizes, first in the comment (issue 32).
fn impact_section(report: &Report, run: &crate::impact::Run) -> String {
    use crate::impact::{bytes_text, rows_text, seconds_text};
    let mut out = format!("\n**{}**\n", escape_text(&run.describe()));
    for w in &run.warnings {
        out.push_str(&format!("\n> ⚠️ {}\n", escape_text(w)));
    }
    let tables = super::impacted_tables(report);
    if !tables.is_empty() {
        out.push_str(
            "\n| Table | Rows | Size | Lock | Work | Estimate |\n| --- | ---: | ---: | --- | --- | ---: |\n",
        );
        for i in tables.iter().take(20) {
            let (rows, size) = if i.exists {
                (
                    rows_text(i.rows),
                    bytes_text(i.heap_bytes + i.index_bytes + i.toast_bytes),
                )
            } else {
                ("not there yet".to_string(), "–".to_string())
            };
            out.push_str(&format!(
                "| `{}` | {rows} | {size} | {} | {} | {} |\n",
                escape_cell(&i.table).replace('`', "'"),
                i.lock.unwrap_or("row locks"),
                i.work,
                i.estimate_seconds.map_or("–".to_string(), seconds_text),
            ));
        }
        if tables.len() > 20 {
            out.push_str(&format!("\n…and {} more tables.\n", tables.len() - 20));
        }
    }
    out
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
        escape_cell(&super::message_with_impact(f))
    )
}

pub fn render(report: &Report) -> String {
    let mut out = String::from("## migcheck\n\n");
    out.push_str(&format!("{} **{}**\n", status(report), outcome(report)));
    if let Some(run) = &report.impact {
        out.push_str(&impact_section(report, run));
    }
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
        let mut shown = 0;
        for &(i, _) in sorted.iter().take(MAX_ROWS) {
            if let Some(f) = report.findings.get(i) {
                let r = row(f);
                // Rows stop where the comment would grow past its budget.
                if out.len() + r.len() > COMMENT_BUDGET * 3 / 4 {
                    break;
                }
                out.push_str(&r);
                shown += 1;
            }
        }
        if sorted.len() > shown {
            out.push_str(&format!(
                "\n…and {} more; run `migcheck check --format json` for all of them.\n",
                sorted.len() - shown
            ));
        }
    }
    if !report.errors.is_empty() {
        out.push_str("\n### Could not be checked\n\n");
        for e in &report.errors {
            out.push_str(&format!("- {}\n", escape_cell(&e.to_string())));
        }
    }
    fit(out, "run `migcheck check --format json`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_at_a_line_end_under_the_budget() {
        let short = "## t\n\nok\n".to_string();
        assert_eq!(fit(short.clone(), "x"), short);
        let long: String = (0..10_000).map(|i| format!("| row {i} | é |\n")).collect();
        let cut = fit(long.clone(), "run `x --format json`");
        assert!(cut.len() <= COMMENT_BUDGET, "{}", cut.len());
        assert!(cut.ends_with(&format!(
            "\n…cut at 60000 of {} characters to fit a pull-request comment; run `x --format json` for the full report.\n",
            long.len()
        )));
        // Whole rows only, then a blank line (the table ends before the note).
        let body = cut.split("\n\n…cut at").next().unwrap();
        assert!(body
            .lines()
            .all(|l| l.starts_with("| row ") && l.ends_with(" |")));
    }

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
