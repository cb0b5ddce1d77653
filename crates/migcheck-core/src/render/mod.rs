//! Output formats: one small module per format, all rendering the same [`Report`].
//!
//! Renderers are pure functions from a report to text. They never decide exit codes and never
//! print; the CLI picks a [`Format`] and writes the result where it belongs ([`write`]: as it
//! is rendered).

use crate::finding::{Finding, Severity};
use crate::lint::Report;
use crate::scope::{Scope, ScopeSet};

pub mod concise;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod statistics;

/// Where rule documentation lives online.
pub const DOCS_URL: &str = "https://github.com/migcheck/migcheck/blob/main/rules";

/// The project's home page (SARIF `informationUri`).
pub const HOME_URL: &str = "https://github.com/migcheck/migcheck";

/// The documentation link of a rule.
pub fn rule_url(id: &str) -> String {
    format!("{DOCS_URL}/{id}.md")
}

/// The output formats of `migcheck check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Code frames for people at a terminal.
    Human,
    /// One line per finding: `path:line:column: severity rule: message`.
    Concise,
    /// migcheck's own versioned JSON document.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request diff.
    Github,
    /// A Markdown summary for `$GITHUB_STEP_SUMMARY` and pull request comments.
    Markdown,
    /// GitLab Code Quality report (a Code Climate JSON subset).
    Gitlab,
    /// JUnit XML, for CI systems that show test reports.
    Junit,
}

impl Format {
    /// True for formats meant for people; machine formats keep stdout parseable.
    pub fn is_for_people(self) -> bool {
        matches!(self, Format::Human | Format::Markdown)
    }
}

/// Options that change how a report looks, never what it says.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// ANSI colours (the CLI decides: a terminal and no `NO_COLOR`).
    pub color: bool,
}

/// Writes the report to `out` in `format`, as it is rendered: every format but Markdown (whose
/// table stops at 100 rows) decodes and writes one finding at a time (a run with hundreds of
/// thousands of findings writes many times the size of its files).
pub fn write(
    format: Format,
    report: &Report,
    opts: RenderOptions,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Human => human::write(report, opts, out),
        Format::Concise => concise::write(report, out),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Github => github::write(report, out),
        Format::Gitlab => gitlab::write(report, out),
        Format::Junit => junit::write(report, out),
        Format::Markdown => out.write_all(markdown::render(report).as_bytes()),
    }
}

pub fn render(format: Format, report: &Report, opts: RenderOptions) -> String {
    match format {
        Format::Human => human::render(report, opts),
        Format::Concise => concise::render(report),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Github => github::render(report),
        Format::Markdown => markdown::render(report),
        Format::Gitlab => gitlab::render(report),
        Format::Junit => junit::render(report),
    }
}

/// `1 error`, `2 warnings`.
pub fn plural(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// The one-line outcome shared by the text formats (without the trailing newline).
pub fn outcome(report: &Report) -> String {
    let (e, w) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
    );
    let notes = report.count(Severity::Note);
    let files = plural(report.files, "file");
    let statements = plural(report.statements, "statement");
    // An input that could not be checked comes first: a mistyped path must not read as a
    // clean run ("No problems in 0 files") in a summary or a pull-request comment.
    let unchecked = plural(report.errors.len(), "input");
    let only_unchecked = !report.errors.is_empty() && report.files == 0 && e + w == 0;
    let mut s = if only_unchecked {
        format!("{unchecked} could not be checked, and nothing else was checked.")
    } else if e + w == 0 {
        format!("No problems in {files} ({statements}).")
    } else {
        format!(
            "Found {} and {} in {files} ({statements}).",
            plural(e, "error"),
            plural(w, "warning"),
        )
    };
    if notes > 0 {
        s.push_str(&format!(
            " {} on tables the live figures show small or not there yet (not counted).",
            plural(notes, "note")
        ));
    }
    if let Some(b) = &report.baseline {
        if b.matched > 0 {
            s.push_str(&format!(
                " {} in the baseline {} (not shown).",
                plural(b.matched, "finding"),
                b.file
            ));
        }
        if !b.stale.is_empty() {
            let n = b.stale.len();
            let (entries, match_) = if n == 1 {
                ("entry", "matches")
            } else {
                ("entries", "match")
            };
            s.push_str(&format!(
                " {n} {entries} of {file} no longer {match_} anything (fixed or edited): \
                 rewrite it with `--write-baseline {file}`.",
                file = b.file
            ));
        }
    }
    if !report.errors.is_empty() && !only_unchecked {
        s.push_str(&format!(" {unchecked} could not be checked."));
    }
    s
}

/// The most sets (and dialect notes) the scope summary lists by name; the rest are counted.
pub const MAX_SCOPE_SETS: usize = 10;

/// What a run checked and skipped, for people ([`scope_summary`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeSummary {
    /// `Checked 1 migration set: dir (…).`, or with several sets `Checked 4 migration sets:`
    /// followed by [`ScopeSummary::sets`].
    pub checked: String,
    /// One set each (`dir (tool, files, transactions, exposed)`), at most [`MAX_SCOPE_SETS`]
    /// and `and N more`; empty when `checked` names the only set.
    pub sets: Vec<String>,
    /// `Skipped 3 folders and 2 files: test 1, seed 1, … — …`, when something was.
    pub skipped: Option<String>,
    /// One note per set of another SQL dialect (at most [`MAX_SCOPE_SETS`], then a count).
    pub notes: Vec<String>,
}

impl ScopeSummary {
    pub fn is_empty(&self) -> bool {
        self.checked.is_empty()
    }

    /// The summary as lines of text (sets indented as a list), without the notes.
    pub fn lines(&self) -> Vec<String> {
        if self.is_empty() {
            return Vec::new();
        }
        let mut out = vec![self.checked.clone()];
        out.extend(self.sets.iter().map(|s| format!("  - {s}")));
        out.extend(self.skipped.clone());
        out
    }
}

/// `(label, count)` of the skipped folders and files by reason, most first; other dialects
/// are counted per dialect (`other-dialect (ClickHouse)`).
pub fn skipped_by_reason(scope: &Scope) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for k in &scope.skipped {
        let label = match k.dialect {
            // `T-SQL`, not `T-SQL (SQL Server)`, inside the parentheses.
            Some(d) => format!(
                "{} ({})",
                k.reason.as_str(),
                d.name().split(" (").next().unwrap_or(d.name())
            ),
            None => k.reason.as_str().to_string(),
        };
        match counts.iter_mut().find(|(l, _)| *l == label) {
            Some((_, n)) => *n += 1,
            None => counts.push((label, 1)),
        }
    }
    counts.sort_by(|(la, a), (lb, b)| b.cmp(a).then(la.cmp(lb)));
    counts
}

/// One set in a few words: `dir (the Supabase CLI, 350 files, one pipeline per file, exposed:
/// public)`. `code` quotes the path (Markdown).
pub(crate) fn describe_set(set: &ScopeSet, code: bool) -> String {
    let exposed = if set.exposed_schemas.is_empty() {
        "no schema exposed".to_string()
    } else {
        format!("exposed: {}", set.exposed_schemas.join(", "))
    };
    // The plain tool's name has parentheses of its own.
    let tool = if set.tool == "plain" {
        "plain SQL, no migration tool"
    } else {
        set.tool_name
    };
    format!(
        "{} ({tool}, {}, {}, {exposed})",
        quote(&set.dir, code),
        plural(set.files.len(), "file"),
        set.transactions,
    )
}

fn quote(path: &str, code: bool) -> String {
    if code {
        format!("`{}`", path.replace('`', "'"))
    } else {
        path.to_string()
    }
}

/// The scope of a run in a few lines for people (human, Markdown, GitHub, JUnit): the sets
/// checked (tool, folder, files, transaction model, exposed schemas; at most
/// [`MAX_SCOPE_SETS`] by name), what was skipped counted by reason, and one note per set of
/// another SQL dialect. Empty when discovery found nothing to tell (files checked from memory).
/// `code` puts paths in code spans (Markdown).
pub fn scope_summary(scope: &Scope, code: bool) -> ScopeSummary {
    let mut out = ScopeSummary::default();
    if scope.sets.is_empty() && scope.skipped.is_empty() {
        return out;
    }
    let sets = &scope.sets;
    let deploy = match scope.deploy_files.len() {
        0 => String::new(),
        n => format!(" and {}", plural(n, "deployment file")),
    };
    out.checked = match sets.len() {
        0 if deploy.is_empty() => "Checked no migration set.".to_string(),
        0 => format!("Checked no migration set{deploy}."),
        1 => format!(
            "Checked 1 migration set{deploy}: {}.",
            describe_set(&sets[0], code)
        ),
        n => {
            out.sets = sets
                .iter()
                .take(MAX_SCOPE_SETS)
                .map(|s| describe_set(s, code))
                .collect();
            if n > MAX_SCOPE_SETS {
                out.sets.push(format!("and {} more", n - MAX_SCOPE_SETS));
            }
            format!("Checked {n} migration sets{deploy}:")
        }
    };
    if !scope.skipped.is_empty() {
        let folders = scope.skipped.iter().filter(|k| k.dir).count();
        let files = scope.skipped.len() - folders;
        let what = match (folders, files) {
            (0, f) => plural(f, "file"),
            (d, 0) => plural(d, "folder"),
            (d, f) => format!("{} and {}", plural(d, "folder"), plural(f, "file")),
        };
        let reasons: Vec<String> = skipped_by_reason(scope)
            .into_iter()
            .map(|(label, n)| format!("{label} {n}"))
            .collect();
        out.skipped = Some(format!(
            "Skipped {what}: {} — `migcheck check --show-files` lists them.",
            reasons.join(", ")
        ));
    }
    let notes: Vec<String> = scope
        .skipped
        .iter()
        .filter_map(|k| k.dialect_note(&quote(&k.path, code)))
        .collect();
    let more = notes.len().saturating_sub(MAX_SCOPE_SETS);
    out.notes = notes.into_iter().take(MAX_SCOPE_SETS).collect();
    if more > 0 {
        out.notes.push(format!(
            "and {} of other SQL dialects, not linted",
            plural(more, "more set")
        ));
    }
    out
}

/// The scope as machine formats carry it (JSON `scope`, SARIF `runs[0].properties.scope`).
#[derive(Debug, serde::Serialize)]
pub struct ScopeDoc<'a> {
    pub sets: Vec<SetDoc<'a>>,
    pub skipped: Vec<SkipDoc<'a>>,
    /// Skipped folders and files per reason (`test`, `other-dialect`...).
    pub skipped_by_reason: std::collections::BTreeMap<&'static str, usize>,
    /// Deployment files read (display paths).
    pub deploy_files: &'a [String],
}

#[derive(Debug, serde::Serialize)]
pub struct SetDoc<'a> {
    /// The tool's id (`supabase`, `plain`...).
    pub tool: &'static str,
    pub tool_name: &'static str,
    pub dir: &'a str,
    /// How many files the set holds.
    pub files: usize,
    pub transactions: &'static str,
    pub exposed_schemas: &'a [String],
    pub exposed_why: &'a str,
    pub why: crate::scope::Why,
}

#[derive(Debug, serde::Serialize)]
pub struct SkipDoc<'a> {
    pub path: &'a str,
    /// True for a folder, false for a file.
    pub folder: bool,
    pub reason: crate::scope::SkipReason,
    pub dialect: Option<crate::scope::Dialect>,
    pub detail: &'a str,
    /// How many `.sql` files it holds (1 for a file).
    pub files: usize,
}

impl<'a> ScopeDoc<'a> {
    pub fn of(scope: &'a Scope) -> Self {
        let mut skipped_by_reason = std::collections::BTreeMap::new();
        for k in &scope.skipped {
            *skipped_by_reason.entry(k.reason.as_str()).or_default() += 1;
        }
        ScopeDoc {
            sets: scope
                .sets
                .iter()
                .map(|s| SetDoc {
                    tool: s.tool,
                    tool_name: s.tool_name,
                    dir: &s.dir,
                    files: s.files.len(),
                    transactions: s.transactions,
                    exposed_schemas: &s.exposed_schemas,
                    exposed_why: &s.exposed_why,
                    why: s.why,
                })
                .collect(),
            skipped: scope
                .skipped
                .iter()
                .map(|k| SkipDoc {
                    path: &k.path,
                    folder: k.dir,
                    reason: k.reason,
                    dialect: k.dialect,
                    detail: &k.detail,
                    files: k.files.len(),
                })
                .collect(),
            skipped_by_reason,
            deploy_files: &scope.deploy_files,
        }
    }
}

/// The first paragraph of a rule doc's `## What it does` section, if it has been written.
pub(crate) fn doc_description(doc: &str) -> Option<String> {
    let rest = doc.split_once("## What it does")?.1;
    let para: Vec<&str> = rest
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let text = para.join(" ");
    (!text.is_empty() && text != "TODO").then_some(text)
}

/// What human and GitHub output add after a finding's help: the fix it carries (by title), or
/// the SQL of each migration of a suggested change. Empty when it has neither.
/// The tables the findings' impacts name, each once (its heaviest work kept), largest first.
pub fn impacted_tables(report: &Report) -> Vec<&crate::finding::Impact> {
    let mut by_table: std::collections::HashMap<&str, &crate::finding::Impact> =
        std::collections::HashMap::new();
    for f in report.findings.iter() {
        if let Some(i) = f.impact.as_deref() {
            let e = by_table.entry(&i.table).or_insert(i);
            if i.estimate_seconds.unwrap_or(0.0) > e.estimate_seconds.unwrap_or(0.0) {
                *e = i;
            }
        }
    }
    let mut out: Vec<&crate::finding::Impact> = by_table.into_values().collect();
    out.sort_by(|a, b| {
        let size = |i: &crate::finding::Impact| i.heap_bytes + i.index_bytes + i.toast_bytes;
        size(b).cmp(&size(a)).then_with(|| a.table.cmp(&b.table))
    });
    out
}

/// The finding's message, followed by its impact on the live table when it has one
/// (`check --database-url` / `--stats`): every format but JSON shows this; JSON has the fields.
pub fn message_with_impact(f: &Finding) -> std::borrow::Cow<'_, str> {
    match &f.impact {
        None => std::borrow::Cow::Borrowed(&f.message),
        Some(i) => std::borrow::Cow::Owned(format!("{}\nImpact: {}", f.message, i.summary)),
    }
}

pub fn remedy_note(f: &Finding) -> String {
    if let Some(fix) = &f.fix {
        return format!(
            "\nfix available: {} (`migcheck check --fix` applies it)",
            fix.title
        );
    }
    let Some(s) = &f.suggestion else {
        return String::new();
    };
    let mut out = format!("\nsuggested change: {}", s.title);
    for (i, step) in s.steps.iter().enumerate() {
        let when = if i == 0 {
            "this migration"
        } else {
            "a later migration"
        };
        out.push_str(&format!("\n  -- {when}:"));
        for line in step.lines() {
            out.push_str("\n  ");
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(i: usize) -> ScopeSet {
        ScopeSet {
            tool: "supabase",
            tool_name: "the Supabase CLI",
            dir: format!("apps/app{i:02}/supabase/migrations"),
            files: vec!["a.sql".into(); i % 3 + 1],
            transactions: "one pipeline per file",
            exposed_schemas: if i == 0 {
                vec![]
            } else {
                vec!["public".into()]
            },
            exposed_why: String::new(),
            why: crate::scope::Why::Tool,
        }
    }

    #[test]
    fn a_monorepo_lists_ten_sets_then_counts() {
        let scope = Scope {
            sets: (0..13).map(set).collect(),
            ..Scope::default()
        };
        let s = scope_summary(&scope, false);
        assert_eq!(s.checked, "Checked 13 migration sets:");
        assert_eq!(s.sets.len(), MAX_SCOPE_SETS + 1);
        assert_eq!(
            s.sets[0],
            "apps/app00/supabase/migrations (the Supabase CLI, 1 file, one pipeline per file, no schema exposed)"
        );
        assert_eq!(s.sets[MAX_SCOPE_SETS], "and 3 more");
        assert_eq!(s.skipped, None);
        assert!(scope_summary(&Scope::default(), false).lines().is_empty());
    }

    #[test]
    fn one_set_is_one_line() {
        let scope = Scope {
            sets: vec![set(1)],
            deploy_files: vec!["fly.toml".into()],
            ..Scope::default()
        };
        assert_eq!(
            scope_summary(&scope, true).lines(),
            ["Checked 1 migration set and 1 deployment file: `apps/app01/supabase/migrations` (the Supabase CLI, 2 files, one pipeline per file, exposed: public)."]
        );
    }

    #[test]
    fn doc_description_takes_the_first_paragraph() {
        let doc = "# x\n\n## What it does\n\nFinds a thing\nacross lines.\n\nMore.\n\n## Why\n";
        assert_eq!(
            doc_description(doc).as_deref(),
            Some("Finds a thing across lines.")
        );
        assert_eq!(doc_description("# x\n\n## What it does\n\nTODO\n"), None);
        assert_eq!(doc_description("# x\n"), None);
    }
}
