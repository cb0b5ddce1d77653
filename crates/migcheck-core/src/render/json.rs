//! `--format json`: a stable, versioned document for tools.

use serde::Serialize;

use crate::finding::Severity;
use crate::lint::Report;

#[derive(Serialize)]
struct Doc<'a> {
    version: u32,
    diagnostics: Vec<Diagnostic<'a>>,
    errors: Vec<Error<'a>>,
    summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<BaselineDoc<'a>>,
}

/// Present when `--baseline` was used.
#[derive(Serialize)]
struct BaselineDoc<'a> {
    file: &'a str,
    /// Findings the baseline accepted (not in `diagnostics`).
    matched: usize,
    /// Entries that matched no finding in the files checked.
    stale: &'a [crate::baseline::Entry],
}

#[derive(Serialize)]
struct Diagnostic<'a> {
    rule: &'a str,
    severity: Severity,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: &'a str,
}

#[derive(Serialize)]
struct Error<'a> {
    path: &'a str,
    line: Option<usize>,
    message: &'a str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    statements: usize,
    errors: usize,
    warnings: usize,
}

pub fn render(report: &Report) -> String {
    let doc = Doc {
        version: 1,
        diagnostics: report
            .findings
            .iter()
            .map(|f| {
                let (s, e) = (f.start(), f.end());
                Diagnostic {
                    rule: f.rule,
                    severity: f.severity,
                    path: &f.file.display,
                    line: s.line,
                    column: s.column,
                    end_line: e.line,
                    end_column: e.column,
                    message: &f.message,
                    help: &f.help,
                }
            })
            .collect(),
        errors: report
            .errors
            .iter()
            .map(|e| Error {
                path: &e.path,
                line: e.line,
                message: &e.message,
            })
            .collect(),
        summary: Summary {
            files: report.files,
            statements: report.statements,
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
        },
        baseline: report.baseline.as_ref().map(|b| BaselineDoc {
            file: &b.file,
            matched: b.matched,
            stale: &b.stale,
        }),
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("report serializes");
    s.push('\n');
    s
}
