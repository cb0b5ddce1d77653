//! `--format human`: code frames (miette) with the rule id, message, help and doc link.

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, SourceCode,
    SourceSpan, SpanContents,
};

use super::{rule_url, RenderOptions};
use crate::finding::{Finding, Severity};
use crate::lint::Report;
use crate::source::SourceFile;

/// A source file as miette source code, without copying its text.
struct Src(Arc<SourceFile>);

impl fmt::Debug for Src {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.display)
    }
}

impl SourceCode for Src {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .0
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.0.display.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

struct Diag<'a> {
    finding: &'a Finding,
    src: Src,
}

impl fmt::Debug for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for Diag<'_> {}

impl Diagnostic for Diag<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.finding.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            _ => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.finding.help))
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(rule_url(self.finding.rule)))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.src)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = label_span(self.finding);
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            None, span,
        ))))
    }
}

/// The first line of the finding's span: a label on a whole 40-line CREATE TABLE is noise.
fn label_span(f: &Finding) -> SourceSpan {
    let text = &f.file.text[f.span.clone()];
    let len = text.find('\n').map_or(text.len(), |n| n.min(text.len()));
    let len = text[..len].trim_end_matches('\r').len();
    SourceSpan::new(f.span.start.into(), len)
}

pub fn render(report: &Report, opts: RenderOptions) -> String {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(100)
        .with_context_lines(1);
    let mut out = String::new();
    for f in &report.findings {
        let diag = Diag {
            finding: f,
            src: Src(f.file.clone()),
        };
        // Rendering into a String cannot fail.
        let _ = handler.render_report(&mut out, &diag);
        out.push('\n');
    }
    for e in &report.errors {
        out.push_str(&format!("error: {e}\n"));
    }
    out.push_str(&stale_baseline(report));
    out.push_str(&by_rule(report));
    out.push_str(&summary(report));
    out.push_str(&next_step(report));
    out
}

/// The baseline entries that matched nothing, one line each.
fn stale_baseline(report: &Report) -> String {
    let Some(b) = &report.baseline else {
        return String::new();
    };
    let mut out = String::new();
    for e in &b.stale {
        out.push_str(&format!(
            "stale baseline entry: {} ({}, line {} when written): no finding matches it\n",
            e.path, e.rule, e.line
        ));
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// The first screen of a big run: findings per rule, errors first, most frequent first.
fn by_rule(report: &Report) -> String {
    let mut counts: BTreeMap<(Reverse<Severity>, &str), usize> = BTreeMap::new();
    for f in &report.findings {
        *counts.entry((Reverse(f.severity), f.rule)).or_default() += 1;
    }
    // One finding needs no table.
    if report.findings.len() < 2 {
        return String::new();
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|((sa, ra), ca), ((sb, rb), cb)| sa.cmp(sb).then(cb.cmp(ca)).then(ra.cmp(rb)));
    let width = rows.iter().map(|((_, r), _)| r.len()).max().unwrap_or(0);
    let mut out = String::from("Findings by rule:\n");
    for ((Reverse(severity), rule), count) in rows {
        out.push_str(&format!(
            "  {:<7}  {rule:<width$}  {count:>5}\n",
            severity.as_str()
        ));
    }
    out.push('\n');
    out
}

/// What to do next, when there is something to do.
fn next_step(report: &Report) -> String {
    let Some(first) = report
        .findings
        .iter()
        .max_by_key(|f| (f.severity, Reverse(f.sort_key())))
    else {
        return String::new();
    };
    let mut out = format!(
        "Next: `migcheck explain {}` says why a rule matters and the safe way to make the change.\n",
        first.rule
    );
    if report.baseline.is_none() && report.findings.len() > 20 {
        out.push_str(
            "On an existing repository: `migcheck check --write-baseline migcheck-baseline.json` \
             accepts today's findings (add `baseline = \"migcheck-baseline.json\"` to \
             migcheck.toml), and `--changed-since origin/main` lints only what a branch changes.\n",
        );
    }
    out
}

/// `Found 3 errors and 1 warning in 4 files (27 statements).`
pub fn summary(report: &Report) -> String {
    format!("{}\n", super::outcome(report))
}
