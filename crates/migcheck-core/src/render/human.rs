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
/// A file as miette reads it; `.1`: its text with each lone CR replaced by a LF, for a file
/// that has one (same length and offsets), since miette ends lines at LF only while spans
/// count a lone CR as a line end (`source::LineIndex`, as PostgreSQL's scanner does).
struct Src(Arc<SourceFile>, Option<Arc<str>>);

/// `text` with each lone CR (not followed by LF) as a LF, when it has one.
fn lone_crs_as_lf(text: &str) -> Option<Arc<str>> {
    let b = text.as_bytes();
    let lone = |i: usize| b[i] == b'\r' && b.get(i + 1) != Some(&b'\n');
    if !(0..b.len()).any(lone) {
        return None;
    }
    let out: Vec<u8> = (0..b.len())
        .map(|i| if lone(i) { b'\n' } else { b[i] })
        .collect();
    // ASCII for ASCII: still UTF-8.
    String::from_utf8(out).ok().map(Arc::from)
}

impl fmt::Debug for Src {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.display)
    }
}

/// The most source text handed to miette for one finding: the lines around the finding when
/// they are shorter than this, else an excerpt of the finding's line.
const MAX_WINDOW: usize = 16 * 1024;
/// How much of a long line an excerpt shows before and after the start of the finding.
const EXCERPT_BEFORE: usize = 100;
const EXCERPT_AFTER: usize = 400;

impl SourceCode for Src {
    /// Hands miette only the lines around the span, found with the file's line index: miette's
    /// own `read_span` over the whole text scans from byte 0, which made output quadratic in
    /// findings (50,000 findings in one file took 49 s). A line too long to show (a minified
    /// dump, a 1 MB identifier) is shown as an excerpt around the finding.
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let file = &*self.0;
        let text = self.1.as_deref().unwrap_or(file.text.as_str());
        let start = span.offset().min(text.len());
        let end = (start + span.len()).min(text.len());
        let line_of = |offset: usize| file.line_col(offset).line - 1;
        let (first_line, last_line) = (line_of(start), line_of(end));
        let from_line = first_line.saturating_sub(context_lines_before);
        let to_line = (last_line + context_lines_after).min(file.lines().line_count() - 1);
        let window_start = file.lines().offset(text, from_line + 1, 1);
        let window_end = if to_line + 1 < file.lines().line_count() {
            file.lines().offset(text, to_line + 2, 1)
        } else {
            text.len()
        };
        if window_end - window_start <= MAX_WINDOW {
            // The source miette reads for this finding (`crate::work`): before the window it
            // was the whole file per finding.
            crate::work::add(window_end - window_start);
            let window = &text[window_start..window_end];
            let inner = window.read_span(
                &SourceSpan::new((start - window_start).into(), end - start),
                context_lines_before,
                context_lines_after,
            )?;
            return Ok(Box::new(miette::MietteSpanContents::new_named(
                file.display.clone(),
                inner.data(),
                SourceSpan::new(
                    (inner.span().offset() + window_start).into(),
                    inner.span().len(),
                ),
                inner.line() + from_line,
                inner.column(),
                inner.line_count(),
            )));
        }
        // One line, cut around the start of the span.
        let line_start = file.lines().offset(text, first_line + 1, 1);
        // The end of the line from the file's line index: a search for the next line break
        // from the finding read the rest of the line per finding, quadratic in the findings
        // of one long line (40,000 on one line: 46 s; issue 31 item 13).
        let line_end = if first_line + 1 < file.lines().line_count() {
            file.lines().offset(text, first_line + 2, 1) - 1
        } else {
            text.len()
        };
        let mut a = start.saturating_sub(EXCERPT_BEFORE).max(line_start);
        while !text.is_char_boundary(a) {
            a += 1;
        }
        let mut b = (start + EXCERPT_AFTER).min(line_end);
        while !text.is_char_boundary(b) {
            b -= 1;
        }
        let b = b.max(a);
        crate::work::add(b - a);
        Ok(Box::new(miette::MietteSpanContents::new_named(
            file.display.clone(),
            &text.as_bytes()[a..b],
            SourceSpan::new(a.into(), b - a),
            first_line,
            file.lines().chars_between(text, line_start, a),
            1,
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
        f.write_str(&super::message_with_impact(self.finding))
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
            Severity::Note => miette::Severity::Advice,
            _ => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let note = super::remedy_note(self.finding);
        if note.is_empty() {
            return Some(Box::new(&self.finding.help));
        }
        Some(Box::new(format!("{}{note}", self.finding.help)))
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

/// The first line of the finding's span: a label on a whole 40-line CREATE TABLE is noise. At
/// most what an excerpt of a long line shows.
fn label_span(f: &Finding) -> SourceSpan {
    let text = &f.file.text[f.span.clone()];
    let len = text.find('\n').map_or(text.len(), |n| n.min(text.len()));
    let mut len = text[..len].trim_end_matches('\r').len();
    if len > EXCERPT_AFTER {
        len = EXCERPT_AFTER;
        while !text.is_char_boundary(len) {
            len -= 1;
        }
    }
    SourceSpan::new(f.span.start.into(), len)
}

pub fn render(report: &Report, opts: RenderOptions) -> String {
    let mut out = Vec::new();
    write(report, opts, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("the report is UTF-8")
}

/// Writes what [`render`] returns to `out`, one finding at a time (the text of a run with
/// hundreds of thousands of findings is many times the size of its files).
pub fn write(
    report: &Report,
    opts: RenderOptions,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(100)
        .with_context_lines(1);
    let mut frame = String::new();
    // Each file's text with lone CRs as LFs, made once per file.
    let mut shown: std::collections::HashMap<*const SourceFile, Option<Arc<str>>> =
        Default::default();
    for f in &report.findings {
        let text = shown
            .entry(Arc::as_ptr(&f.file))
            .or_insert_with(|| lone_crs_as_lf(&f.file.text))
            .clone();
        let diag = Diag {
            finding: f,
            src: Src(f.file.clone(), text),
        };
        frame.clear();
        // Rendering into a String cannot fail.
        let _ = handler.render_report(&mut frame, &diag);
        frame.push('\n');
        out.write_all(frame.as_bytes())?;
    }
    let mut tail = String::new();
    for e in &report.errors {
        tail.push_str(&format!("error: {e}\n"));
    }
    tail.push_str(&stale_baseline(report));
    tail.push_str(&by_rule(report));
    tail.push_str(&scope(report));
    tail.push_str(&impact(report));
    tail.push_str(&summary(report));
    tail.push_str(&next_step(report));
    out.write_all(tail.as_bytes())
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
    for f in report.findings.metas() {
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

/// What was checked and skipped ([`super::scope_summary`]), then a blank line; empty when
/// discovery had nothing to tell.
fn scope(report: &Report) -> String {
    let summary = super::scope_summary(&report.scope, false);
    if summary.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    for line in summary.lines() {
        out.push_str(&line);
        out.push('\n');
    }
    for note in &summary.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    out.push('\n');
    out
}

/// Where the live figures came from and the tables they weigh, largest first, then a blank
/// line; empty without `--database-url` / `--stats`.
fn impact(report: &Report) -> String {
    use crate::impact::{bytes_text, rows_text, seconds_text};
    let Some(run) = &report.impact else {
        return String::new();
    };
    let mut out = format!("{}\n", run.describe());
    for w in &run.warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    for i in super::impacted_tables(report).iter().take(20) {
        if !i.exists {
            out.push_str(&format!("  {}  not in the database yet\n", i.table));
            continue;
        }
        out.push_str(&format!(
            "  {}  {} rows, {}  {}{}\n",
            i.table,
            rows_text(i.rows),
            bytes_text(i.heap_bytes + i.index_bytes + i.toast_bytes),
            i.lock.unwrap_or("row locks"),
            i.estimate_seconds
                .map(|e| format!(", {} {}", i.work, seconds_text(e)))
                .unwrap_or_default()
        ));
    }
    out.push('\n');
    out
}

/// What to do next, when there is something to do.
fn next_step(report: &Report) -> String {
    // The first finding of the highest severity (findings are in report order).
    let Some(first) = report
        .findings
        .metas()
        .enumerate()
        .max_by_key(|(i, f)| (f.severity, Reverse(*i)))
        .map(|(_, f)| f)
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
