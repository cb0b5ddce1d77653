//! postgres-migrations (the npm package `postgres-migrations`, `migrate()`).
//!
//! Modelled on ThomWright/postgres-migrations: `src/file-name-parser.ts` reads `<id>_<name>.sql`
//! (or `<id>-<name>.sql`), the id an integer; `src/migrate.ts` applies them sorted by id;
//! `src/run-migration.ts` `runMigration` wraps each in `START TRANSACTION` / `COMMIT` unless the
//! file contains `-- postgres-migrations disable-transaction`. History: `migrations (id integer
//! primary key, name varchar(100) unique, hash varchar(40), executed_at timestamp)`.
//!
//! Claimed when a file carries the tool's directive or a `package.json` at or above the folder
//! depends on `postgres-migrations`.

use std::path::Path;

use super::{stem, versioned, Applied, History, HistoryRead, SetDir, Tool, Wrapping};
use crate::discover::{MigrationFile, Role};

#[derive(Debug)]
pub struct PostgresMigrations;

const DIRECTIVE: &str = "-- postgres-migrations disable-transaction";

static HISTORY: History = History {
    table: "public.migrations",
    create: "CREATE TABLE IF NOT EXISTS public.migrations (id integer PRIMARY KEY, name varchar(100) UNIQUE NOT NULL, hash varchar(40) NOT NULL, executed_at timestamp DEFAULT current_timestamp)",
    before: None,
    after: record,
    read: Some(HistoryRead {
        query: |ids| format!("SELECT id::text FROM public.migrations WHERE id::text = ANY({ids})"),
        advice: "postgres-migrations would apply it again; if it was applied by hand, record it in the `migrations` table",
    }),
    id: |f| super::goose::numeric_id(f),
};

fn record(a: &Applied<'_>) -> String {
    // The tool's hash is a SHA-1 of the file name and text; PostgreSQL has no SHA-1 built in,
    // so replay records an MD5 (the column is only compared by the tool itself).
    format!(
        "INSERT INTO public.migrations (id, name, hash) VALUES ({}, {}, pg_catalog.md5({}))",
        super::goose::numeric_id(a.file).unwrap_or_else(|| "0".into()),
        super::quote_literal(&stem(&a.file.path)),
        super::quote_literal(a.text)
    )
}

impl Tool for PostgresMigrations {
    fn id(&self) -> &'static str {
        "postgres-migrations"
    }
    fn name(&self) -> &'static str {
        "postgres-migrations"
    }
    fn claims(&self, cx: &SetDir<'_>) -> bool {
        cx.some_name_numbered()
            && (cx.some_file_says("-- postgres-migrations")
                || cx.project_file_says("package.json", "\"postgres-migrations\""))
    }
    fn classify(&self, file: &Path) -> (Option<String>, String, Role) {
        let stem = stem(file);
        match versioned(&stem) {
            Some((v, n)) => (Some(v), n, Role::Up),
            None => (None, stem, Role::Unapplied),
        }
    }
    fn expected_names(&self) -> &'static str {
        "`<id>_<name>.sql`"
    }
    fn wrapping(&self, _file: &MigrationFile, text: &str) -> Wrapping {
        if text.contains(DIRECTIVE) {
            return Wrapping::None;
        }
        Wrapping::Tool(
            "postgres-migrations runs each migration in a transaction unless it contains `-- postgres-migrations disable-transaction`",
        )
    }
    fn history(&self) -> Option<&'static History> {
        Some(&HISTORY)
    }
}
