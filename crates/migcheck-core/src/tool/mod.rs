//! One module per migration tool: what each tool does with a folder of migrations.
//!
//! A tool module owns everything migcheck must know to see a project the way the tool that
//! applies its migrations sees it:
//!
//! - which folders are its own ([`Tool::claims`]) and how it names files ([`Tool::classify`],
//!   [`Tool::expected_names`]);
//! - which files it applies and in what order ([`Tool::order`], [`Tool::file_set`]);
//! - whether it runs a file inside a transaction, and the per-file directives that opt out
//!   ([`Tool::wrapping`]);
//! - its history table: name, columns, how `verify` reads it and how `replay` writes it
//!   ([`Tool::history`]).
//!
//! Which schemas clients can reach is a property of the project, not of one tool: see
//! [`crate::platform`].
//!
//! Discovery, rules, `verify` and `replay` ask these questions and never match on a tool.
//! Adding a tool is one new file here, one line in [`ALL`], and its fixtures under
//! `testdata/layouts/`.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use crate::discover::{MigrationFile, Role};

mod dbmate;
mod diesel;
mod drizzle;
mod flyway;
mod golang_migrate;
mod goose;
mod plain;
mod postgres_migrations;
mod prisma;
mod sqlx;
mod supabase;

/// Every tool, in the order discovery asks them whether a folder is theirs. The most specific
/// evidence comes first (a fixed folder or marker file, then directives inside the files, then
/// project files naming the tool); [`plain::Plain`] claims whatever is left.
pub static ALL: &[&dyn Tool] = &[
    &supabase::Supabase,
    &prisma::Prisma,
    &diesel::Diesel,
    &drizzle::Drizzle,
    &flyway::Flyway,
    &goose::Goose,
    &dbmate::Dbmate,
    &postgres_migrations::PostgresMigrations,
    &sqlx::Sqlx,
    &golang_migrate::GolangMigrate,
    &plain::Plain,
];

pub(crate) use supabase::non_migration as supabase_non_migration;

/// The tool with this id (`supabase`, `prisma`, ...).
pub fn by_id(id: &str) -> Option<&'static dyn Tool> {
    ALL.iter().copied().find(|t| t.id() == id)
}

/// The tool that applies the migrations of the folder `dir` holding `files`.
pub fn detect(dir: &Path, files: &[PathBuf]) -> &'static dyn Tool {
    let cx = SetDir::new(dir, files);
    ALL.iter()
        .copied()
        .find(|t| t.claims(&cx))
        .unwrap_or(&plain::Plain)
}

/// How a tool runs one migration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrapping {
    /// The tool opens a transaction around the whole file; the text says which tool and how to
    /// opt out.
    Tool(&'static str),
    /// The tool sends the file as one script: one implicit transaction when it has more than
    /// one statement.
    Script(&'static str),
    /// The tool sends the file's statements as one extended-protocol pipeline (one Sync at the
    /// end): PostgreSQL runs them as one implicit transaction, except that a statement which
    /// refuses transaction blocks runs (and commits at once) when it is the pipeline's very
    /// first statement; anywhere else it fails with "... cannot be executed within a pipeline".
    Pipeline(&'static str),
    /// Each statement commits on its own unless the file says `BEGIN`.
    None,
}

impl Wrapping {
    pub fn why(self) -> Option<&'static str> {
        match self {
            Wrapping::Tool(w) | Wrapping::Script(w) | Wrapping::Pipeline(w) => Some(w),
            Wrapping::None => None,
        }
    }

    /// True when the tool opens (or the protocol implies) one transaction around the whole
    /// file, whatever the number of statements.
    pub fn wraps_whole_file(self) -> bool {
        matches!(self, Wrapping::Tool(_) | Wrapping::Pipeline(_))
    }

    /// The transaction model in a few words, for reports ("one transaction per file").
    pub fn model(self) -> &'static str {
        match self {
            Wrapping::Tool(_) => "one transaction per file",
            Wrapping::Script(_) => "one implicit transaction per file",
            Wrapping::Pipeline(_) => "one pipeline per file",
            Wrapping::None => "statement by statement",
        }
    }
}

/// A migration as the tool records it in its history table.
pub struct Applied<'a> {
    pub file: &'a MigrationFile,
    /// The file's text.
    pub text: &'a str,
    /// The statements as sent (Supabase records them).
    pub statements: &'a [&'a str],
}

/// How `verify` reads a tool's history table.
pub struct HistoryRead {
    /// SQL listing which of `ids` (a `text[]` literal) the table records as applied.
    pub query: fn(ids: &str) -> String,
    /// What to do about a migration the table does not list.
    pub advice: &'static str,
}

/// A tool's history table.
pub struct History {
    /// Schema-qualified name, as the tool creates it by default.
    pub table: &'static str,
    /// Creates the table (and its schema) as the tool does; idempotent.
    pub create: &'static str,
    /// SQL run before the file's statements, in its transaction when it has one
    /// (golang-migrate marks the version dirty first).
    pub before: Option<fn(&Applied<'_>) -> String>,
    /// SQL recording the file once its statements ran (in its transaction when it has one).
    pub after: fn(&Applied<'_>) -> String,
    /// How `verify` reads it; `None`: `verify` does not check this tool's history.
    pub read: Option<HistoryRead>,
    /// The identifier `verify` looks up for a migration file.
    pub id: fn(&MigrationFile) -> Option<String>,
}

/// What a tool knows about its migrations.
pub trait Tool: Sync + std::fmt::Debug {
    /// Short id, used in JSON output and database names (`supabase`, `golang-migrate`).
    fn id(&self) -> &'static str;
    /// How messages name the tool ("the Supabase CLI").
    fn name(&self) -> &'static str;
    /// True when the folder's migrations are this tool's.
    fn claims(&self, cx: &SetDir<'_>) -> bool;
    /// Version, name and role of one file of the set (named as the tool names it).
    fn classify(&self, file: &Path) -> (Option<String>, String, Role);
    /// The file names the tool applies, for `unapplied-migration-file`.
    fn expected_names(&self) -> &'static str;
    /// The order in which the tool applies two forward files (both versioned).
    fn order(&self, a: &MigrationFile, b: &MigrationFile) -> Ordering {
        match (&a.version, &b.version) {
            (Some(x), Some(y)) => compare_versions(x, y),
            _ => Ordering::Equal,
        }
    }
    /// The key two versions share when the tool treats them as the same migration.
    fn version_key(&self, version: &str) -> String {
        numeric_key(version)
    }
    /// Adjusts the file set after classification, when the tool lists its migrations elsewhere
    /// (Drizzle's journal): files it does not apply become [`Role::Unapplied`]; `Some(order)`
    /// gives the order of the forward files as indexes into `files`.
    fn file_set(&self, _dir: &Path, _files: &mut [MigrationFile]) -> Option<Vec<usize>> {
        None
    }
    /// Whether the files of the set are applied one after the other into one database
    /// (false: independent scripts, each judged on its own).
    fn is_ordered(&self, _files: &[MigrationFile]) -> bool {
        true
    }
    /// Where the file's rollback section starts (dbmate `-- migrate:down`, goose
    /// `-- +goose Down`): statements from there on are never applied forward.
    fn rollback_from(&self, _text: &str) -> Option<usize> {
        None
    }
    /// The byte ranges of the file's rollback sections (statements in them are never applied
    /// forward): from [`Tool::rollback_from`] to the end unless the tool says otherwise
    /// (dbmate files may hold several `up`/`down` pairs).
    fn rollback_spans(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        self.rollback_from(text)
            .map(|d| d..text.len())
            .into_iter()
            .collect()
    }
    /// What splits the file into statements before PostgreSQL reads them: PostgreSQL's own
    /// scanner for tools that send files or `;`-cut statements, psql for plain SQL files.
    fn client(&self) -> crate::split::Client {
        crate::split::Client::Server
    }
    /// Byte spans of the file the tool sends to the server as one statement each, whatever
    /// `;` they hold (goose `-- +goose StatementBegin` ... `StatementEnd`), in file order.
    fn whole_statements(&self, _text: &str) -> Vec<std::ops::Range<usize>> {
        Vec::new()
    }
    /// How the tool runs this file: in a transaction, as one script, or statement by statement.
    fn wrapping(&self, file: &MigrationFile, text: &str) -> Wrapping;
    /// How the tool runs a plain file (no opt-out directive, no config beside it), in a few
    /// words for reports: [`Wrapping::model`] of such a file unless the tool says otherwise.
    fn transactions(&self) -> &'static str {
        let plain = MigrationFile {
            path: PathBuf::new(),
            version: None,
            name: String::new(),
            role: Role::Up,
            reported: true,
            is_new: false,
        };
        self.wrapping(&plain, "").model()
    }
    /// The tool's history table, if it keeps one.
    fn history(&self) -> Option<&'static History> {
        None
    }
}

/// A candidate set folder, as detection sees it.
pub struct SetDir<'a> {
    pub dir: &'a Path,
    pub files: &'a [PathBuf],
    names: Vec<String>,
    /// Each file's first [`HEAD`] bytes, read when a tool first asks: several tools look for
    /// their marker, and each file is opened once however many ask.
    heads: Vec<std::cell::OnceCell<String>>,
}

impl<'a> SetDir<'a> {
    pub fn new(dir: &'a Path, files: &'a [PathBuf]) -> Self {
        let names = files.iter().map(|f| file_name(f)).collect();
        let heads = files.iter().map(|_| std::cell::OnceCell::new()).collect();
        Self {
            dir,
            files,
            names,
            heads,
        }
    }

    /// The file names of the set (for folder layouts: `migration.sql`, `up.sql`...).
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The name of the set folder.
    pub fn dir_name(&self) -> String {
        file_name(self.dir)
    }

    /// True when the first 4 KiB of some file contain `needle` (ASCII case-insensitive).
    pub fn some_file_says(&self, needle: &str) -> bool {
        let needle = needle.to_ascii_lowercase();
        self.some_head(|h| h.to_ascii_lowercase().contains(&needle))
    }

    /// True when `says` holds for the first 4 KiB of some file.
    pub fn some_head(&self, says: impl Fn(&str) -> bool) -> bool {
        self.files
            .iter()
            .zip(&self.heads)
            .any(|(f, h)| says(h.get_or_init(|| head(f, HEAD))))
    }

    /// True when a project file named `file` (e.g. `Cargo.toml`) in the set folder or one of
    /// its ancestors, up to the repository root, contains `needle`.
    pub fn project_file_says(&self, file: &str, needle: &str) -> bool {
        project_dirs(self.dir)
            .any(|d| crate::fsio::read_to_string(&d.join(file)).is_ok_and(|t| t.contains(needle)))
    }

    /// True when some file name ends with `suffix` (ASCII case-insensitive).
    pub fn some_name_ends_with(&self, suffix: &str) -> bool {
        self.names
            .iter()
            .any(|n| n.to_ascii_lowercase().ends_with(suffix))
    }

    /// True when some file name starts with digits.
    pub fn some_name_numbered(&self) -> bool {
        self.names.iter().any(|n| leading_digits(n).is_some())
    }
}

/// The set folder and its ancestors up to the repository root (the first one holding `.git`),
/// at most 8 levels.
pub fn project_dirs(dir: &Path) -> impl Iterator<Item = PathBuf> {
    let abs = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut out = Vec::new();
    for d in abs.ancestors().take(8) {
        out.push(d.to_path_buf());
        if d.join(".git").exists() {
            break;
        }
    }
    out.into_iter()
}

fn head(f: &Path, n: usize) -> String {
    crate::fsio::head(f, n as u64)
}

/// How much of a file detection reads: the markers tools look for are on the first lines.
const HEAD: usize = 4096;

pub(crate) fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The name of the folder holding `file` (one-folder-per-migration layouts).
pub(crate) fn folder_name(file: &Path) -> String {
    file.parent().map(file_name).unwrap_or_default()
}

/// The file name without its `.sql` extension.
pub(crate) fn stem(file: &Path) -> String {
    let n = file_name(file);
    match n.len().checked_sub(4) {
        Some(i) if n.is_char_boundary(i) && n[i..].eq_ignore_ascii_case(".sql") => n[..i].into(),
        _ => n,
    }
}

pub(crate) fn leading_digits(s: &str) -> Option<(&str, &str)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    (n > 0).then(|| s.split_at(n))
}

/// `<digits><sep><name>` → (digits, name without leading `_`/`-`).
pub(crate) fn versioned(s: &str) -> Option<(String, String)> {
    let (v, rest) = leading_digits(s)?;
    Some((
        v.to_string(),
        rest.trim_start_matches(['_', '-']).to_string(),
    ))
}

/// Compares versions numerically, part by part (`1.10` after `1.9`, `0002` equal to `2`), then
/// whatever follows the number as text.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let split = |s: &str| -> (Vec<String>, String) {
        let n = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
        let parts = s[..n]
            .split('.')
            .map(|p| p.trim_start_matches('0').to_string())
            .collect();
        (parts, s[n..].to_string())
    };
    let ((pa, ra), (pb, rb)) = (split(a), split(b));
    for (x, y) in pa.iter().zip(&pb) {
        let o = x.len().cmp(&y.len()).then_with(|| x.cmp(y));
        if o.is_ne() {
            return o;
        }
    }
    pa.len().cmp(&pb.len()).then_with(|| ra.cmp(&rb))
}

/// Orders two files by their file names, byte by byte (as `os.ReadDir` / `fs.readdir` list
/// them), for one-folder-per-migration layouts by the folder name.
pub(crate) fn by_file_name(a: &MigrationFile, b: &MigrationFile) -> Ordering {
    let key = |f: &MigrationFile| -> (String, String) {
        let name = file_name(&f.path);
        if matches!(name.as_str(), "migration.sql" | "up.sql" | "down.sql") {
            (folder_name(&f.path), name)
        } else {
            (name, String::new())
        }
    };
    key(a).cmp(&key(b))
}

/// Versions that are the same number (`0002` and `2`, `1.01` and `1.1`).
pub(crate) fn numeric_key(v: &str) -> String {
    v.split('.')
        .map(|p| {
            let t = p.trim_start_matches('0');
            if t.is_empty() {
                "0"
            } else {
                t
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// A SQL string literal for any text, whatever `standard_conforming_strings` is: the `E'…'`
/// form with `\` and `'` doubled; NUL characters (which PostgreSQL text cannot hold) dropped.
pub fn quote_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 3);
    out.push_str("E'");
    for ch in s.chars() {
        match ch {
            '\'' => out.push_str("''"),
            '\\' => out.push_str("\\\\"),
            '\0' => {}
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::*;

    /// Detection asks each tool in turn, and goose, dbmate, postgres-migrations and sqlx each
    /// look for their marker in the files' first lines: a file is read once, however many ask
    /// (a plain set's files were read four times, the whole text for sqlx).
    #[test]
    fn each_file_is_read_once_however_many_tools_ask() {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<PathBuf> = ["001_a.sql", "002_b.sql"]
            .iter()
            .map(|n| dir.path().join(n))
            .collect();
        std::fs::write(&files[0], "create table a (id int);\n").unwrap();
        std::fs::write(&files[1], "-- No-Transaction\ncreate index b on a (id);\n").unwrap();
        let cx = SetDir::new(dir.path(), &files);
        assert!(!cx.some_file_says("-- +goose up"));
        // Gone from the disk: what the next tools see is what was read for the first.
        for f in &files {
            std::fs::remove_file(f).unwrap();
        }
        assert!(cx.some_file_says("-- no-transaction"));
        assert!(!cx.some_head(|h| h.starts_with("-- no-transaction")));
        assert!(cx.some_head(|h| h.starts_with("-- No-Transaction")));
    }

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(compare_versions("1.10", "1.9"), Greater);
        assert_eq!(compare_versions("0002", "2"), Equal);
        assert_eq!(
            compare_versions("20240101000000", "20231231235959"),
            Greater
        );
        assert_eq!(numeric_key("0002"), "2");
        assert_eq!(numeric_key("000"), "0");
    }

    /// The transaction model reports show, from each tool's `wrapping` of a plain file
    /// (drizzle-kit says its own: `PgDialect.migrate` runs every pending file in one
    /// `session.transaction`).
    #[test]
    fn transaction_models() {
        let model = |id: &str| by_id(id).unwrap().transactions();
        assert_eq!(model("supabase"), "one pipeline per file");
        assert_eq!(model("goose"), "one transaction per file");
        assert_eq!(model("prisma"), "one implicit transaction per file");
        assert_eq!(model("drizzle"), "one transaction for all pending files");
        assert_eq!(model("plain"), "statement by statement");
    }

    #[test]
    fn every_tool_has_a_distinct_id() {
        let mut ids: Vec<_> = ALL.iter().map(|t| t.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), ALL.len());
        for t in ALL {
            assert_eq!(by_id(t.id()).map(|b| b.id()), Some(t.id()));
        }
    }
}
