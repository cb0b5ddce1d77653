//! `--format json`: a stable, versioned document for tools.

use serde::Serialize;

use crate::finding::Severity;
use crate::lint::Report;

#[derive(Serialize)]
struct Doc<'a> {
    version: u32,
    diagnostics: Diagnostics<'a>,
    errors: Vec<Error<'a>>,
    summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<BaselineDoc<'a>>,
    /// What was checked (sets: tool, folder, files, transaction model, exposed schemas) and
    /// what was skipped, with a reason ([`super::ScopeDoc`]).
    scope: super::ScopeDoc<'a>,
    /// Where the figures of `--database-url` / `--stats` came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    impact: Option<&'a crate::impact::Run>,
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
    /// Edits that clear the finding safely (`migcheck check --fix` applies them).
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<FixDoc<'a>>,
    /// The SQL of each migration of a safe change that takes more than one.
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestion: Option<&'a crate::fix::Suggestion>,
    /// The live table the statement hits (`--database-url` / `--stats`).
    #[serde(skip_serializing_if = "Option::is_none")]
    impact: Option<&'a crate::finding::Impact>,
}

#[derive(Serialize)]
struct FixDoc<'a> {
    title: &'a str,
    edits: Vec<EditDoc<'a>>,
}

/// Byte offsets into the file at `path`, as it was read.
#[derive(Serialize)]
struct EditDoc<'a> {
    path: &'a str,
    start: usize,
    end: usize,
    replacement: &'a str,
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
    /// Findings lowered to notes by the live figures (present only when there are some).
    #[serde(skip_serializing_if = "is_zero")]
    notes: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The findings, serialized one by one as they are written: neither a list of
/// diagnostics nor the document is built whole in memory (a file with 240,000 findings writes
/// ~150 MB of JSON).
struct Diagnostics<'a>(&'a crate::findings::Findings);

impl Serialize for Diagnostics<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(AsDiagnostic))
    }
}

/// One finding as its diagnostic.
struct AsDiagnostic<'a>(&'a crate::finding::Finding);

impl Serialize for AsDiagnostic<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let f = self.0;
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
            fix: f.fix.as_ref().map(|x| FixDoc {
                title: &x.title,
                edits: x
                    .edits
                    .iter()
                    .map(|e| EditDoc {
                        path: &f.file.display,
                        start: e.start,
                        end: e.end,
                        replacement: &e.replacement,
                    })
                    .collect(),
            }),
            suggestion: f.suggestion.as_deref(),
            impact: f.impact.as_deref(),
        }
        .serialize(serializer)
    }
}

pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Writes the document to `out` as it is serialized (what `render` returns, without holding it).
pub fn write(report: &Report, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let doc = Doc {
        version: 1,
        diagnostics: Diagnostics(&report.findings),
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
            notes: report.count(Severity::Note),
        },
        impact: report.impact.as_ref(),
        baseline: report.baseline.as_ref().map(|b| BaselineDoc {
            file: &b.file,
            matched: b.matched,
            stale: &b.stale,
        }),
        scope: super::ScopeDoc::of(&report.scope),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}
