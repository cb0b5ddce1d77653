//! Prisma Migrate (`prisma migrate deploy` / `dev`).
//!
//! Modelled on prisma/prisma-engines `schema-engine/connectors/schema-connector/src/migrations_directory.rs`
//! `list_migrations`: every folder of `prisma/migrations` holding a `migration.sql`, sorted by
//! folder name (a string sort, so `20240101_a` and `20240101000000_b` compare as text). The
//! PostgreSQL connector sends a migration's script as one simple query (`apply_migration_script`),
//! which PostgreSQL runs as one implicit transaction when it has more than one statement.
//! History: `_prisma_migrations`, keyed by the folder name.

use std::cmp::Ordering;
use std::path::Path;

use super::{
    by_file_name, folder_name, versioned, Applied, History, HistoryRead, SetDir, Tool, Wrapping,
};
use crate::discover::{MigrationFile, Role};

#[derive(Debug)]
pub struct Prisma;

static HISTORY: History = History {
    table: "public._prisma_migrations",
    create: r#"CREATE TABLE IF NOT EXISTS public."_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)"#,
    before: None,
    after: record,
    read: Some(HistoryRead {
        query: |ids| {
            format!(
                "SELECT migration_name FROM public._prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL AND migration_name = ANY({ids})"
            )
        },
        advice: "`prisma migrate deploy` would apply it again; if it was applied by hand (e.g. in an SQL editor), record it with `prisma migrate resolve --applied`",
    }),
    id: |f| f.version.clone(),
};

fn record(a: &Applied<'_>) -> String {
    format!(
        "INSERT INTO public.\"_prisma_migrations\" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) \
         VALUES (pg_catalog.md5(pg_catalog.random()::text || pg_catalog.clock_timestamp()::text)::uuid::text, \
         pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to({}, 'UTF8')), 'hex'), pg_catalog.now(), {}, pg_catalog.now(), 1)",
        super::quote_literal(a.text),
        super::quote_literal(a.file.version.as_deref().unwrap_or_default())
    )
}

impl Tool for Prisma {
    fn id(&self) -> &'static str {
        "prisma"
    }
    fn name(&self) -> &'static str {
        "Prisma Migrate"
    }
    fn claims(&self, cx: &SetDir<'_>) -> bool {
        cx.dir.join("migration_lock.toml").is_file()
            || cx.names().iter().any(|n| n == "migration.sql")
    }
    fn classify(&self, file: &Path) -> (Option<String>, String, Role) {
        let name = super::file_name(file);
        let folder = folder_name(file);
        if name != "migration.sql" {
            return (None, name, Role::Unapplied);
        }
        match versioned(&folder) {
            Some((_, n)) => (Some(folder.clone()), n, Role::Up),
            None => (None, folder, Role::Unapplied),
        }
    }
    fn expected_names(&self) -> &'static str {
        "`<timestamp>_<name>/migration.sql`"
    }
    fn order(&self, a: &MigrationFile, b: &MigrationFile) -> Ordering {
        by_file_name(a, b)
    }
    fn version_key(&self, version: &str) -> String {
        version.to_string()
    }
    fn wrapping(&self, _file: &MigrationFile, _text: &str) -> Wrapping {
        Wrapping::Script(
            "Prisma sends the migration file as one script, which PostgreSQL runs as a single transaction when it holds more than one statement",
        )
    }
    fn history(&self) -> Option<&'static History> {
        Some(&HISTORY)
    }
}
