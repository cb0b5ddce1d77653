//! `--format github`: GitHub Actions workflow commands, shown as annotations on the diff.
//!
//! `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=RULE::MESSAGE`. GitHub only places
//! columns when the annotation starts and ends on the same line, so a multi-line statement is
//! annotated by lines alone. Values are escaped exactly as the runner unescapes them: in the
//! message `%`, CR and LF; in properties also `:` and `,`, which would otherwise end the value.
//!
//! What the run checked and skipped is one `::notice::` line (and one per set of another SQL
//! dialect), without a file or properties: a note on the run, not a finding (the action's
//! `scripts/action-run.sh` counts and caps only annotations with properties, `^::notice `).

use super::rule_url;
use crate::finding::{Finding, Severity};
use crate::lint::Report;

/// Escapes the message part of a workflow command.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=`, `title=`, ...) of a workflow command.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Note => "notice",
        _ => "warning",
    }
}

fn annotation(f: &Finding) -> String {
    let (start, end) = (f.start(), f.end());
    let mut props = vec![
        format!("file={}", escape_property(&f.file.display)),
        format!("line={}", start.line),
    ];
    if start.line == end.line {
        props.push(format!("col={}", start.column));
        props.push(format!("endLine={}", end.line));
        props.push(format!("endColumn={}", end.column));
    } else {
        props.push(format!("endLine={}", end.line));
    }
    props.push(format!("title={}", escape_property(f.rule)));
    let message = format!(
        "{}\n\n{}{}\n{}",
        super::message_with_impact(f),
        f.help,
        super::remedy_note(f),
        rule_url(f.rule)
    );
    format!(
        "::{} {}::{}\n",
        command(f.severity),
        props.join(","),
        escape_data(&message)
    )
}

pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("the annotations are UTF-8")
}

/// Writes what [`render`] returns to `out`, one annotation at a time.
pub fn write(report: &Report, out: &mut impl std::io::Write) -> std::io::Result<()> {
    for f in &report.findings {
        out.write_all(annotation(f).as_bytes())?;
    }
    let mut tail = String::new();
    for e in &report.errors {
        let mut props = vec![format!("file={}", escape_property(&e.path))];
        if let Some(line) = e.line {
            props.push(format!("line={line}"));
        }
        props.push("title=migcheck".into());
        tail.push_str(&format!(
            "::error {}::{}\n",
            props.join(","),
            escape_data(&format!("could not be checked: {}", e.message))
        ));
    }
    // What was checked and skipped: notices without properties, which are not findings.
    let scope = super::scope_summary(&report.scope, false);
    if !scope.is_empty() {
        tail.push_str(&format!(
            "::notice::{}\n",
            escape_data(&scope.lines().join("\n"))
        ));
    }
    for note in &scope.notes {
        tail.push_str(&format!("::notice::{}\n", escape_data(note)));
    }
    // A plain line for the log; annotations alone do not say that the run was clean.
    tail.push_str(&super::outcome(report));
    tail.push('\n');
    out.write_all(tail.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_and_newlines_only() {
        assert_eq!(escape_data("100% a:b, c\r\nd"), "100%25 a:b, c%0D%0Ad");
        // `%` first: an escaped newline must not be escaped again.
        assert_eq!(escape_data("%0A\n"), "%250A%0A");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("db/a,b:c%.sql\n"), "db/a%2Cb%3Ac%25.sql%0A");
        assert_eq!(escape_property("drop-table"), "drop-table");
    }
}
