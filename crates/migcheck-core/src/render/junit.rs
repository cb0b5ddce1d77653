//! `--format junit`: JUnit XML for CI test report views (GitLab, Jenkins, Azure, ...).
//!
//! One `<testsuite>` per checked file. Each finding is a failing `<testcase>` named after its
//! rule and line; a file without findings has one passing test case, so the report also shows
//! what was checked and found clean. Inputs that could not be checked are `<error>`s in a
//! suite of their own.

use std::collections::BTreeMap;

use super::rule_url;
use crate::finding::Finding;
use crate::lint::Report;

/// Escapes text for XML attributes and content. Characters XML 1.0 cannot carry at all
/// (most control characters) are dropped.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

fn testcase(path: &str, f: &Finding) -> String {
    let start = f.start();
    let body = format!(
        "{path}:{}:{}: {}\n{}\n{}",
        start.line,
        start.column,
        f.message,
        f.help,
        rule_url(f.rule)
    );
    format!(
        "    <testcase name=\"{rule} at line {line}\" classname=\"{path}\">\n      <failure type=\"{rule}\" message=\"{severity}: {message}\">{body}</failure>\n    </testcase>\n",
        rule = escape_xml(f.rule),
        line = start.line,
        path = escape_xml(path),
        severity = f.severity,
        message = escape_xml(&f.message),
        body = escape_xml(&body),
    )
}

pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("the report is UTF-8")
}

/// Writes what [`render`] returns to `out`, one test case at a time: the counts come from the
/// findings' index, and the findings (sorted by path) are read once, suite by suite.
pub fn write(report: &Report, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for m in report.findings.metas() {
        *counts.entry(&m.file.display).or_default() += 1;
    }
    let mut paths: Vec<&str> = report.checked.iter().map(String::as_str).collect();
    paths.extend(counts.keys().copied());
    paths.sort_unstable();
    paths.dedup();
    let failures: usize = counts.values().sum();
    let clean = paths.len() - counts.len();
    let errors = report.errors.len();
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"migcheck\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n",
        tests = clean + failures + errors,
    )?;
    let mut findings = report.findings.iter().peekable();
    for path in paths {
        let n = counts.get(path).copied().unwrap_or(0);
        let name = escape_xml(path);
        if n == 0 {
            write!(
                out,
                "  <testsuite name=\"{name}\" tests=\"1\" failures=\"0\" errors=\"0\">\n    <testcase name=\"no findings\" classname=\"{name}\"/>\n  </testsuite>\n"
            )?;
            continue;
        }
        writeln!(
            out,
            "  <testsuite name=\"{name}\" tests=\"{n}\" failures=\"{n}\" errors=\"0\">"
        )?;
        while let Some(f) = findings.next_if(|f| f.file.display == path) {
            out.write_all(testcase(path, &f).as_bytes())?;
        }
        out.write_all(b"  </testsuite>\n")?;
    }
    let mut suites = String::new();
    if errors > 0 {
        suites.push_str(&format!(
            "  <testsuite name=\"migcheck\" tests=\"{errors}\" failures=\"0\" errors=\"{errors}\">\n"
        ));
        for e in &report.errors {
            suites.push_str(&format!(
                "    <testcase name=\"{path}\" classname=\"migcheck\">\n      <error message=\"could not be checked\">{msg}</error>\n    </testcase>\n",
                path = escape_xml(&e.path),
                msg = escape_xml(&e.to_string()),
            ));
        }
        suites.push_str("  </testsuite>\n");
    }
    suites.push_str("</testsuites>\n");
    out.write_all(suites.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escaping() {
        assert_eq!(
            escape_xml("a<b & \"c\"\n\u{1}'"),
            "a&lt;b &amp; &quot;c&quot;&#10;&apos;"
        );
    }
}
