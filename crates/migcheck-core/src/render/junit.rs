//! `--format junit`: JUnit XML for CI test report views (GitLab, Jenkins, Azure, ...).
//!
//! One `<testsuite>` per checked file. Each finding is a failing `<testcase>` named after its
//! rule and line; a file without findings has one passing test case, so the report also shows
//! what was checked and found clean. Inputs that could not be checked are `<error>`s in a
//! suite of their own. What the run checked and skipped is `<properties>` of the first suite.

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
        super::message_with_impact(f),
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

/// The scope as `<properties>` ([`super::scope_summary`], [`super::ScopeDoc`]):
/// `migcheck.scope.sets` (a count), one `migcheck.scope.set` per set, `migcheck.scope.skipped`
/// (a count) and `migcheck.scope.skipped.<reason>` per reason, `migcheck.scope.summary` (the
/// lines people read) and one `migcheck.scope.note` per set of another SQL dialect. Empty when
/// there is no scope to tell.
fn scope_properties(report: &Report) -> String {
    let scope = &report.scope;
    let summary = super::scope_summary(scope, false);
    if summary.is_empty() {
        return String::new();
    }
    let mut props = vec![(
        "migcheck.scope.sets".to_string(),
        scope.sets.len().to_string(),
    )];
    for set in &scope.sets {
        props.push(("migcheck.scope.set".into(), super::describe_set(set, false)));
    }
    props.push((
        "migcheck.scope.skipped".into(),
        scope.skipped.len().to_string(),
    ));
    for (reason, n) in super::ScopeDoc::of(scope).skipped_by_reason {
        props.push((format!("migcheck.scope.skipped.{reason}"), n.to_string()));
    }
    props.push(("migcheck.scope.summary".into(), summary.lines().join("\n")));
    for note in summary.notes {
        props.push(("migcheck.scope.note".into(), note));
    }
    let mut out = String::from("    <properties>\n");
    for (name, value) in props {
        out.push_str(&format!(
            "      <property name=\"{}\" value=\"{}\"/>\n",
            escape_xml(&name),
            escape_xml(&value)
        ));
    }
    out.push_str("    </properties>\n");
    out
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
    // The scope goes to the first suite: JUnit has properties on suites, not on `testsuites`.
    let mut properties = scope_properties(report);
    let mut findings = report.findings.iter().peekable();
    for path in paths {
        let n = counts.get(path).copied().unwrap_or(0);
        let name = escape_xml(path);
        let props = std::mem::take(&mut properties);
        if n == 0 {
            write!(
                out,
                "  <testsuite name=\"{name}\" tests=\"1\" failures=\"0\" errors=\"0\">\n{props}    <testcase name=\"no findings\" classname=\"{name}\"/>\n  </testsuite>\n"
            )?;
            continue;
        }
        write!(
            out,
            "  <testsuite name=\"{name}\" tests=\"{n}\" failures=\"{n}\" errors=\"0\">\n{props}"
        )?;
        while let Some(f) = findings.next_if(|f| f.file.display == path) {
            out.write_all(testcase(path, f).as_bytes())?;
        }
        out.write_all(b"  </testsuite>\n")?;
    }
    let mut suites = String::new();
    if errors > 0 {
        suites.push_str(&format!(
            "  <testsuite name=\"migcheck\" tests=\"{errors}\" failures=\"0\" errors=\"{errors}\">\n{}",
            std::mem::take(&mut properties)
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
    if !properties.is_empty() {
        // No file and no error: the scope (what was skipped) in a suite of its own.
        suites.push_str(&format!(
            "  <testsuite name=\"migcheck\" tests=\"0\" failures=\"0\" errors=\"0\">\n{properties}  </testsuite>\n"
        ));
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
