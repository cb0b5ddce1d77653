//! `--format concise`: one line per finding, for grep, editors' quickfix lists and scripts.
//!
//! `PATH:LINE:COLUMN: SEVERITY RULE: MESSAGE` — line and column 1-based, the column counted in
//! characters as in every other format. The shape is `%f:%l:%c: %m` for Vim's `errorformat`
//! and what `grep -n`-style tools expect. A message never spans lines: line breaks and tabs in
//! it (none of ours has them today, but a quoted identifier may) become spaces, so
//! `migcheck check --format concise | wc -l` counts findings.
//!
//! Nothing else is written: no summary, no scope, no help. Stdout is empty when nothing is
//! found. The CLI prints the one-line outcome and inputs that could not be checked on stderr.

use crate::finding::Finding;
use crate::lint::Report;

/// One finding as one line, with its newline.
pub fn line(f: &Finding) -> String {
    let at = f.start();
    format!(
        "{}:{}:{}: {} {}: {}\n",
        one_line(&f.file.display),
        at.line,
        at.column,
        f.severity.as_str(),
        f.rule,
        one_line(&super::message_with_impact(f))
    )
}

/// `s` with every line break and tab turned into a space.
fn one_line(s: &str) -> String {
    if !s.contains(['\n', '\r', '\t']) {
        return s.to_string();
    }
    s.replace("\r\n", " ").replace(['\n', '\r', '\t'], " ")
}

pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("the lines are UTF-8")
}

/// Writes what [`render`] returns to `out`, one finding at a time.
pub fn write(report: &Report, out: &mut impl std::io::Write) -> std::io::Result<()> {
    for f in &report.findings {
        out.write_all(line(f).as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_and_tabs_become_spaces() {
        assert_eq!(one_line("a\r\nb\nc\rd\te"), "a b c d e");
        assert_eq!(one_line("plain"), "plain");
    }
}
