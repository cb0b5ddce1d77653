//! The Supabase CLI (`supabase db push`, `supabase migration up`, `supabase db reset`).
//!
//! Modelled on supabase/cli:
//! - `pkg/migration/list.go` `ListLocalMigrations`: the files of `supabase/migrations` in the
//!   order `fs.ReadDir` lists them (by file name, byte by byte), keeping those whose name
//!   matches `migrateFilePattern` (`pkg/migration/file.go`: `^([0-9]+)_(.*)\.sql$`); others
//!   are skipped with a message. So `20240101000000_a.sql` runs before `20240101_b.sql`.
//! - `pkg/migration/file.go` `MigrationFile.ExecBatch`: a file's statements and its history
//!   insert are queued in one `pgconn.Batch` and sent as one extended-protocol pipeline ("ExecBatch
//!   is implicitly transactional"; no `BEGIN`). PostgreSQL runs a pipeline as one implicit
//!   transaction, but commits a statement that refuses transaction blocks (`CREATE INDEX
//!   CONCURRENTLY`...) at once when it is the pipeline's first statement, and refuses it with
//!   "cannot be executed within a pipeline" anywhere else (`exec_execute_message`, postgres.c;
//!   shown on a real server by `crates/migcheck-pg/tests/pipeline.rs`): [`Wrapping::Pipeline`].
//! - History: `supabase_migrations.schema_migrations (version text primary key, statements
//!   text[], name text)` (`pkg/migration/history.go`), keyed by the version string.

use std::cmp::Ordering;
use std::path::Path;

use super::{by_file_name, stem, versioned, Applied, History, HistoryRead, SetDir, Tool, Wrapping};
use crate::discover::{MigrationFile, Role};

#[derive(Debug)]
pub struct Supabase;

static HISTORY: History = History {
    table: "supabase_migrations.schema_migrations",
    create: "CREATE SCHEMA IF NOT EXISTS supabase_migrations;\n\
             CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY, statements text[], name text)",
    before: None,
    after: record,
    read: Some(HistoryRead {
        query: |ids| {
            format!(
                "SELECT version FROM supabase_migrations.schema_migrations WHERE version = ANY({ids})"
            )
        },
        advice: "`supabase db push` would apply it again; if it was applied by hand (e.g. pasted into the SQL editor), record it with `supabase migration repair --status applied`",
    }),
    id: |f| f.version.clone(),
};

fn record(a: &Applied<'_>) -> String {
    let stmts: Vec<String> = a
        .statements
        .iter()
        .map(|s| super::quote_literal(s))
        .collect();
    format!(
        "INSERT INTO supabase_migrations.schema_migrations (version, name, statements) VALUES ({}, {}, ARRAY[{}]::pg_catalog.text[])",
        super::quote_literal(a.file.version.as_deref().unwrap_or_default()),
        super::quote_literal(&a.file.name),
        stmts.join(", ")
    )
}

impl Tool for Supabase {
    fn id(&self) -> &'static str {
        "supabase"
    }
    fn name(&self) -> &'static str {
        "the Supabase CLI"
    }
    fn claims(&self, cx: &SetDir<'_>) -> bool {
        cx.dir_name() == "migrations"
            && cx
                .dir
                .parent()
                .is_some_and(|p| super::file_name(p) == "supabase")
    }
    fn classify(&self, file: &Path) -> (Option<String>, String, Role) {
        let stem = stem(file);
        // `^([0-9]+)_(.*)\.sql$`: digits, then an underscore right away; lower-case `.sql`.
        let lower_ext = super::file_name(file).ends_with(".sql");
        match versioned(&stem) {
            Some((v, n)) if lower_ext && stem.as_bytes().get(v.len()) == Some(&b'_') => {
                (Some(v), n, Role::Up)
            }
            _ => (None, stem, Role::Unapplied),
        }
    }
    fn expected_names(&self) -> &'static str {
        "`<version>_<name>.sql` (digits, an underscore, a name)"
    }
    fn order(&self, a: &MigrationFile, b: &MigrationFile) -> Ordering {
        by_file_name(a, b)
    }
    fn version_key(&self, version: &str) -> String {
        // The history table's primary key is the version string: `0002` and `2` differ.
        version.to_string()
    }
    fn wrapping(&self, _file: &MigrationFile, _text: &str) -> Wrapping {
        Wrapping::Pipeline(
            "the Supabase CLI sends each migration file as one pipeline, which PostgreSQL runs as one transaction",
        )
    }
    fn history(&self) -> Option<&'static History> {
        Some(&HISTORY)
    }
}

/// The folders of a Supabase project that hold SQL the CLI does not apply as migrations
/// (supabase/cli `pkg/config/utils.go` `NewPathBuilder`: `SchemasDir` = `supabase/schemas`, the
/// declarative schema `supabase db diff` reads; `DbTestsDir` = `supabase/tests`, the pgTAP
/// tests `supabase test db` runs; only `MigrationsDir` = `supabase/migrations` is applied).
pub(crate) fn non_migration(
    parent: &str,
    name: &str,
) -> Option<(crate::scope::SkipReason, &'static str)> {
    use crate::scope::SkipReason;
    match (parent, name) {
        ("supabase", "schemas") => Some((
            SkipReason::SchemaSource,
            "`supabase/schemas` is the declarative schema `supabase db diff` reads",
        )),
        ("supabase", "tests") => Some((
            SkipReason::Test,
            "`supabase/tests` holds the pgTAP tests `supabase test db` runs",
        )),
        _ => None,
    }
}
