//! What discovery lints as a migration, and why: the decisions of [`crate::discover`] as plain
//! data, and the evidence they are made from.
//!
//! A folder of `.sql` files is a migration set when
//! - the user names it (a path on the command line, or `include` in `migcheck.toml`), or
//! - a migration tool's model claims it ([`crate::tool::Tool::claims`]: `supabase/migrations`,
//!   a Prisma `migration_lock.toml`, a Drizzle journal listing its files...), or
//! - it is a plain folder with evidence: versioned file names (`001_x.sql`) and schema changes
//!   (`CREATE`, `ALTER`, `DROP`...).
//!
//! and never (unless named) when it sits in a test, fixture, backup, dump, archive, seed,
//! documentation or vendored folder, is a declarative schema source (`supabase/schemas`, an
//! `atlas.hcl` `src`), or is written in another SQL dialect. In a plain folder, files that
//! are dumps, seeds, psql scripts or `BEGIN … ROLLBACK` test scripts are skipped one by one.

use std::path::{Component, Path, PathBuf};

/// Why a set is linted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Why {
    /// The user named the folder or one of its files on the command line.
    Named,
    /// `include` in `migcheck.toml` names it.
    Included,
    /// The tool's own layout claims it (see the tool module).
    Tool,
    /// No tool claims it; its versioned file names and schema changes make it a migration set.
    PlainEvidence,
}

impl Why {
    pub fn as_str(self) -> &'static str {
        match self {
            Why::Named => "named",
            Why::Included => "included",
            Why::Tool => "tool",
            Why::PlainEvidence => "plain-evidence",
        }
    }

    /// A sentence for people, naming the tool when there is one.
    pub fn describe(self, tool: &str) -> String {
        match self {
            Why::Named => "named on the command line".into(),
            Why::Included => "`include` in migcheck.toml".into(),
            Why::Tool => format!("{tool} applies it"),
            Why::PlainEvidence => {
                "plain SQL with migration evidence (versioned names, schema changes)".into()
            }
        }
    }
}

/// A SQL dialect migcheck does not lint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dialect {
    Clickhouse,
    Mysql,
    Sqlite,
    Tsql,
}

impl Dialect {
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Clickhouse => "clickhouse",
            Dialect::Mysql => "mysql",
            Dialect::Sqlite => "sqlite",
            Dialect::Tsql => "tsql",
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Clickhouse => "ClickHouse",
            Dialect::Mysql => "MySQL",
            Dialect::Sqlite => "SQLite",
            Dialect::Tsql => "T-SQL (SQL Server)",
        }
    }
}

/// Why a folder or file is not linted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// A test folder (`tests/`, `supabase/tests/`: pgTAP run by `supabase test db`), or a test
    /// script (`BEGIN … ROLLBACK`, pgTAP `plan()`).
    Test,
    /// A declarative schema source: `supabase/schemas/` (read by `supabase db diff`), a folder
    /// or file an `atlas.hcl` names as `src`.
    SchemaSource,
    /// Seed data: `seed.sql`, `seed-*.sql`, a `seeds/` folder.
    Seed,
    /// A `pg_dump` output (`-- PostgreSQL database dump`) or a `dumps/` folder.
    Dump,
    /// A `backup/` folder.
    Backup,
    /// A `*.rollback.sql` script kept next to plain migrations.
    Rollback,
    /// An archive folder (`archive/`, `archived/`).
    Archive,
    /// Documentation (`docs/`): examples and copies, not applied.
    Docs,
    /// Test fixtures (`fixtures/`, `testdata/`).
    Fixture,
    /// Third-party code (`vendor/`, `third_party/`).
    Vendored,
    /// A psql script: meta-commands (`\i`, `\set`, `\c`...) only psql understands.
    PsqlScript,
    /// SQL of another database ([`Skipped::dialect`] says which).
    OtherDialect,
    /// `exclude` in `migcheck.toml`.
    Excluded,
    /// A plain folder without versioned names or without schema changes.
    NoEvidence,
    /// A FIFO, socket or device named like a file migcheck reads: never opened.
    NotRegular,
    /// The same folder as a set already linted, reached through a symbolic link.
    Alias,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Test => "test",
            SkipReason::SchemaSource => "schema-source",
            SkipReason::Seed => "seed",
            SkipReason::Dump => "dump",
            SkipReason::Backup => "backup",
            SkipReason::Rollback => "rollback",
            SkipReason::Archive => "archive",
            SkipReason::Docs => "docs",
            SkipReason::Fixture => "fixture",
            SkipReason::Vendored => "vendored",
            SkipReason::PsqlScript => "psql-script",
            SkipReason::OtherDialect => "other-dialect",
            SkipReason::Excluded => "excluded",
            SkipReason::NoEvidence => "no-evidence",
            SkipReason::NotRegular => "not-regular",
            SkipReason::Alias => "alias",
        }
    }
}

/// A folder or file discovery did not lint.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// The folder (a set folder, or the folder whose name gave the reason) or the file.
    pub path: PathBuf,
    /// The `.sql` files it holds (the file itself for a file).
    pub files: Vec<PathBuf>,
    pub reason: SkipReason,
    /// For [`SkipReason::OtherDialect`]: which.
    pub dialect: Option<Dialect>,
    /// What the decision rests on, for people ("folder `tests`", "line 1 is `-- PostgreSQL
    /// database dump`").
    pub detail: String,
}

/// A set as the user sees it: which tool applies it, where, its files, and why it is linted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ScopeSet {
    /// The tool's id (`supabase`, `plain`...).
    pub tool: &'static str,
    /// How messages name the tool ("the Supabase CLI").
    pub tool_name: &'static str,
    /// Display path of the set folder.
    pub dir: String,
    /// Display paths of its files, in the order the tool applies them.
    pub files: Vec<String>,
    /// The tool's transaction model for a plain file ([`crate::tool::Tool::transactions`]).
    pub transactions: &'static str,
    /// The schemas clients reach: the platform's default at discovery, the set's resolved
    /// config once `check` has loaded it (`exposed_schemas` in migcheck.toml, or evidence in
    /// its own migrations).
    pub exposed_schemas: Vec<String>,
    /// Why those schemas (one sentence).
    pub exposed_why: String,
    pub why: Why,
}

/// A skipped folder or file, with display paths.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ScopeSkip {
    pub path: String,
    /// True when `path` is a folder.
    pub dir: bool,
    pub files: Vec<String>,
    pub reason: SkipReason,
    pub dialect: Option<Dialect>,
    pub detail: String,
}

/// What a run lints and what it skips: [`crate::discover::Discovery`] as plain data with
/// display paths (for `check --show-files`, reports and `init`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Scope {
    pub sets: Vec<ScopeSet>,
    /// Deployment files read (display paths).
    pub deploy_files: Vec<String>,
    pub skipped: Vec<ScopeSkip>,
}

impl Scope {
    pub fn of(d: &crate::discover::Discovery) -> Self {
        use crate::source::display_path;
        let shown = |p: &Path| {
            let s = display_path(p);
            if s.is_empty() {
                ".".to_string()
            } else {
                s
            }
        };
        Scope {
            sets: d
                .sets
                .iter()
                .map(|s| ScopeSet {
                    tool: s.tool.id(),
                    tool_name: s.tool.name(),
                    dir: shown(&s.dir),
                    files: s.files.iter().map(|f| shown(&f.path)).collect(),
                    transactions: s.tool.transactions(),
                    exposed_schemas: s.platform.default_exposed_schemas(),
                    exposed_why: s.platform.why(),
                    why: s.why,
                })
                .collect(),
            deploy_files: d.deploy_files.iter().map(|p| shown(p)).collect(),
            skipped: d
                .skipped
                .iter()
                .map(|k| ScopeSkip {
                    path: shown(&k.path),
                    dir: !(k.files.len() == 1 && k.files[0] == k.path),
                    files: k.files.iter().map(|f| shown(f)).collect(),
                    reason: k.reason,
                    dialect: k.dialect,
                    detail: k.detail.clone(),
                })
                .collect(),
        }
    }

    /// The sets skipped for their dialect, one note each (`x: 2 of 2 files are written for
    /// ClickHouse, not PostgreSQL: not linted`).
    pub fn dialect_notes(&self) -> Vec<String> {
        self.skipped
            .iter()
            .filter_map(|k| k.dialect_note(&k.path))
            .collect()
    }
}

impl ScopeSkip {
    /// For a folder or file skipped for its dialect, the note reports show, naming it as
    /// `shown` (the path, quoted as the format needs).
    pub fn dialect_note(&self, shown: &str) -> Option<String> {
        let d = self.dialect?;
        // The detail names the dialect ("1 of 2 files are written for ClickHouse, not
        // PostgreSQL"); a note must, whatever it says.
        if self.detail.contains(d.name()) {
            return Some(format!("{shown}: {}: not linted", self.detail));
        }
        Some(format!(
            "{shown}: written for {}, not PostgreSQL ({}): not linted",
            d.name(),
            self.detail
        ))
    }
}

/// The reason a folder's name gives, if any (`name` is one path component, any case).
pub fn folder_reason(name: &str) -> Option<SkipReason> {
    let n = name.to_ascii_lowercase();
    let r = match n.as_str() {
        "test" | "tests" | "__tests__" | "spec" | "specs" | "e2e" | "pgtap"
        | "integration-tests" | "integration_tests" => SkipReason::Test,
        "fixtures" | "fixture" | "__fixtures__" | "testdata" | "test-data" | "test_data" => {
            SkipReason::Fixture
        }
        "seed" | "seeds" | "seeders" | "seed-data" | "seed_data" => SkipReason::Seed,
        "dump" | "dumps" => SkipReason::Dump,
        "backup" | "backups" | "bak" => SkipReason::Backup,
        "archive" | "archived" | "archives" | "_archive" => SkipReason::Archive,
        "docs" | "doc" => SkipReason::Docs,
        "vendor" | "vendored" | "third_party" | "third-party" | "thirdparty" => {
            SkipReason::Vendored
        }
        _ => return None,
    };
    Some(r)
}

/// The first folder between `root` (exclusive) and `dir` (inclusive) whose name or place
/// skips it: `(that folder, reason, detail)`.
pub fn path_reason(root: &Path, dir: &Path) -> Option<(PathBuf, SkipReason, String)> {
    let rel = dir.strip_prefix(root).unwrap_or(dir);
    let mut at = root.to_path_buf();
    let mut prev = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for c in rel.components() {
        let Component::Normal(name) = c else {
            continue;
        };
        at.push(name);
        let name = name.to_string_lossy().into_owned();
        if let Some((r, why)) = crate::tool::supabase_non_migration(&prev, &name) {
            return Some((at, r, why.into()));
        }
        if let Some(r) = folder_reason(&name) {
            return Some((at, r, format!("folder `{name}`")));
        }
        prev = name;
    }
    None
}

/// What a file's text says it is, when that is not a migration.
pub fn file_reason(path: &Path, text: &str) -> Option<(SkipReason, String)> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let stem = name.strip_suffix(".sql").unwrap_or(&name);
    if stem == "seed"
        || stem == "seeds"
        || stem.starts_with("seed-")
        || stem.starts_with("seed_")
        || stem.ends_with(".seed")
        || stem.ends_with("_seed")
    {
        return Some((SkipReason::Seed, format!("file name `{name}`")));
    }
    if stem.ends_with(".rollback") || stem.ends_with("_rollback") {
        return Some((SkipReason::Rollback, format!("file name `{name}`")));
    }
    let head: String = text.chars().take(4096).collect();
    if head.contains("-- PostgreSQL database dump") {
        return Some((
            SkipReason::Dump,
            "written by pg_dump (`-- PostgreSQL database dump`)".into(),
        ));
    }
    if let Some(cmd) = psql_meta_command(text) {
        return Some((SkipReason::PsqlScript, format!("psql meta-command `{cmd}`")));
    }
    let code = code_of(text);
    if is_rollback_test(&code) {
        return Some((
            SkipReason::Test,
            "a test script: `BEGIN` … `ROLLBACK` leaves nothing behind".into(),
        ));
    }
    if code.contains("plan(") && code.contains("finish(") {
        return Some((
            SkipReason::Test,
            "a pgTAP test (`plan()` … `finish()`)".into(),
        ));
    }
    None
}

/// The first psql meta-command at the start of a line (`\i file`, `\set x 1`, `\c db`).
fn psql_meta_command(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let l = l.trim_start();
        let rest = l.strip_prefix('\\')?;
        let cmd: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphabetic() || *c == '!')
            .collect();
        let known = [
            "i",
            "ir",
            "include",
            "include_relative",
            "set",
            "unset",
            "c",
            "connect",
            "echo",
            "copy",
            "if",
            "elif",
            "else",
            "endif",
            "gset",
            "o",
            "q",
            "timing",
            "pset",
            "x",
            "!",
            "qecho",
            "cd",
            "setenv",
            "prompt",
            "restrict",
            "unrestrict",
        ];
        known.contains(&cmd.as_str()).then(|| format!("\\{cmd}"))
    })
}

/// The file's text in lower case with comments and single-quoted strings blanked out (dollar
/// quotes are kept: function bodies are code).
pub fn code_of(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut j = i + 2;
                while j < b.len() && !(b[j] == b'*' && b.get(j + 1) == Some(&b'/')) {
                    j += 1;
                }
                if j >= b.len() {
                    // Never closed: a broken file, whose text was meant as SQL (the lint
                    // reports the comment); read it as code.
                    i += 2;
                    continue;
                }
                i = j + 2;
                out.push(b' ');
            }
            b'\'' => {
                i += 1;
                while i < b.len() && b[i] != b'\'' {
                    i += 1;
                }
                i += 1;
                out.extend_from_slice(b"''");
            }
            c => {
                out.push(c.to_ascii_lowercase());
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The statements of `code` (from [`code_of`]), trimmed, empty ones left out.
fn statements(code: &str) -> impl Iterator<Item = &str> {
    code.split(';').map(str::trim).filter(|s| !s.is_empty())
}

/// `BEGIN; … ROLLBACK;`: a script that undoes itself (a test, a dry run).
fn is_rollback_test(code: &str) -> bool {
    let mut it = statements(code);
    let Some(first) = it.next() else {
        return false;
    };
    let last = it.last().unwrap_or("");
    let starts = first == "begin"
        || first.starts_with("begin ")
        || first.starts_with("begin\n")
        || first.starts_with("start transaction");
    let ends = matches!(
        last,
        "rollback" | "rollback work" | "rollback transaction" | "abort"
    );
    starts && ends
}

/// True when the code changes a schema: `CREATE`, `ALTER`, `DROP`, `TRUNCATE`, `COMMENT ON`,
/// `GRANT` or `REVOKE` as a word, or a `DO` block (procedural changes, whose DDL may sit in
/// strings).
pub fn has_ddl(code: &str) -> bool {
    statements(code).any(|s| s == "do" || s.starts_with("do ") || s.starts_with("do$"))
        || code
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .any(|w| {
                matches!(
                    w,
                    "create" | "alter" | "drop" | "truncate" | "grant" | "revoke" | "comment"
                )
            })
}

/// Which other dialect a file's code (from [`code_of`]) is written in, if it is recognisably
/// one. Strong markers count 2, weak ones 1; a file needs 2 points, most for that dialect.
pub fn file_dialect(text: &str, code: &str) -> Option<Dialect> {
    let squeezed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let mut score = [0u32; 4];
    let mut add = |d: Dialect, n: u32| score[d as usize] += n;
    // ClickHouse: table engines, its type constructors, `ON CLUSTER`, `FINAL`.
    if squeezed.contains("mergetree") {
        add(Dialect::Clickhouse, 2);
    }
    if squeezed.contains("nullable(") || squeezed.contains("lowcardinality(") {
        add(Dialect::Clickhouse, 2);
    }
    if code.contains(" on cluster ") {
        add(Dialect::Clickhouse, 2);
    }
    // Data-skipping indexes, column codecs, mutation settings.
    if [
        "granularity",
        "materializeindex",
        "materializecolumn",
        "mutations_sync",
        "codec(",
        "datetime64(",
    ]
    .iter()
    .any(|m| squeezed.contains(m))
    {
        add(Dialect::Clickhouse, 2);
    }
    if code
        .split_whitespace()
        .any(|w| w.trim_end_matches(';') == "final")
    {
        add(Dialect::Clickhouse, 1);
    }
    // MySQL: storage engines, AUTO_INCREMENT; backtick identifiers (ClickHouse has them too),
    // only when there are several outside comments.
    if squeezed.contains("engine=innodb") || squeezed.contains("engine=myisam") {
        add(Dialect::Mysql, 2);
    }
    if code.contains("auto_increment") {
        add(Dialect::Mysql, 2);
    }
    if code.matches('`').count() >= 4 {
        add(Dialect::Mysql, 1);
    }
    // SQLite.
    if code
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|w| w == "autoincrement")
    {
        add(Dialect::Sqlite, 2);
    }
    if statements(code).any(|s| s.starts_with("pragma ")) || squeezed.contains("withoutrowid") {
        add(Dialect::Sqlite, 2);
    }
    // T-SQL: batch separators, `[dbo]`, NVARCHAR(MAX), IDENTITY(1,1).
    if text.lines().any(|l| l.trim().eq_ignore_ascii_case("go")) {
        add(Dialect::Tsql, 2);
    }
    if squeezed.contains("[dbo]") || squeezed.contains("nvarchar(max)") {
        add(Dialect::Tsql, 2);
    }
    if squeezed.contains("identity(1,1)") {
        add(Dialect::Tsql, 2);
    }
    let all = [
        Dialect::Clickhouse,
        Dialect::Mysql,
        Dialect::Sqlite,
        Dialect::Tsql,
    ];
    let best = all.into_iter().max_by_key(|d| score[*d as usize])?;
    let top = score[best as usize];
    let tied = all.iter().filter(|d| score[**d as usize] == top).count();
    (top >= 2 && tied == 1).then_some(best)
}

/// The dialect of a set: at least a third of its files are recognisably that dialect (and more
/// than of any other).
pub fn set_dialect(files: &[Option<Dialect>]) -> Option<Dialect> {
    let mut counts: Vec<(Dialect, usize)> = Vec::new();
    for d in files.iter().flatten() {
        match counts.iter_mut().find(|(x, _)| x == d) {
            Some((_, n)) => *n += 1,
            None => counts.push((*d, 1)),
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    let (d, n) = *counts.first()?;
    (n * 3 >= files.len()).then_some(d)
}

/// The folders and files `atlas.hcl` files at or above `dir` name as `src` (the desired
/// schema `atlas schema apply` / `atlas migrate diff` read; ariga/atlas
/// `cmd/atlas/internal/cmdapi/project.go` `Env.Sources`, `file://` URLs relative to the
/// project file).
pub fn atlas_sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for d in crate::tool::project_dirs(dir) {
        let Ok(text) = crate::fsio::read_to_string(&d.join("atlas.hcl")) else {
            continue;
        };
        for line in text.lines() {
            let l = line.trim();
            let Some(rest) = l.strip_prefix("src") else {
                continue;
            };
            if !rest.trim_start().starts_with('=') {
                continue;
            }
            for part in rest.split('"').skip(1).step_by(2) {
                if let Some(p) = part.strip_prefix("file://") {
                    let p = d.join(p);
                    out.push(std::fs::canonicalize(&p).unwrap_or(p));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dialect(sql: &str) -> Option<Dialect> {
        file_dialect(sql, &code_of(sql))
    }

    #[test]
    fn dialects_need_real_markers() {
        assert_eq!(
            dialect(
                "CREATE TABLE t (id String, n Nullable(String)) ENGINE = MergeTree ORDER BY id;"
            ),
            Some(Dialect::Clickhouse)
        );
        assert_eq!(
            dialect("CREATE TABLE `t` (`id` int NOT NULL AUTO_INCREMENT) ENGINE=InnoDB;"),
            Some(Dialect::Mysql)
        );
        assert_eq!(
            dialect("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);"),
            Some(Dialect::Sqlite)
        );
        assert_eq!(
            dialect("CREATE TABLE [dbo].[t] (id int IDENTITY(1,1), n NVARCHAR(MAX))\nGO\n"),
            Some(Dialect::Tsql)
        );
        // A backtick in a comment, the word in a string: PostgreSQL.
        assert_eq!(
            dialect("-- ported from `mysql` AUTO_INCREMENT\ncreate table t (id serial, note text default 'ENGINE=InnoDB');"),
            None
        );
        assert_eq!(dialect("select * from t final_rows;"), None);
    }

    #[test]
    fn schema_changes() {
        assert!(has_ddl(&code_of("create table t (id int);")));
        assert!(has_ddl(&code_of(
            "DO LANGUAGE plperl $$ my $x = 'ALTER TABLE t'; $$;"
        )));
        // An unclosed comment is a broken migration, not an empty one.
        assert!(has_ddl(&code_of("/*\ndrop table t;\n")));
        assert!(!has_ddl(&code_of("-- drop table t\nselect 1;")));
    }

    #[test]
    fn file_reasons() {
        let p = Path::new("x.sql");
        assert_eq!(
            file_reason(p, "begin;\nselect plan(1);\nselect ok(true);\nrollback;\n").map(|r| r.0),
            Some(SkipReason::Test)
        );
        assert_eq!(
            file_reason(p, "\\set ON_ERROR_STOP on\ncreate table t();\n").map(|r| r.0),
            Some(SkipReason::PsqlScript)
        );
        assert_eq!(
            file_reason(p, "--\n-- PostgreSQL database dump\n--\n").map(|r| r.0),
            Some(SkipReason::Dump)
        );
        assert_eq!(file_reason(p, "begin;\ncreate table t();\ncommit;\n"), None);
        assert_eq!(
            file_reason(Path::new("seed-users.sql"), "insert into t values (1);").map(|r| r.0),
            Some(SkipReason::Seed)
        );
    }
}
