//! golang-migrate (`migrate up`, `migrate.Up`).
//!
//! Modelled on golang-migrate/migrate:
//! - `source/parse.go`: `^([0-9]+)_(.*)\.(down|up)\.(.*)$`, the version a uint64; migrations
//!   run sorted by that number (`source/migration.go`).
//! - `database/postgres/postgres.go` `Run`: the whole file is sent as one query (simple
//!   protocol), which PostgreSQL runs as one implicit transaction when it has more than one
//!   statement; the tool opens no transaction of its own.
//! - `SetVersion`: `schema_migrations (version bigint primary key, dirty boolean)` holds one
//!   row, the last version, marked dirty while a migration runs and clean after it.

use std::path::Path;

use super::{stem, versioned, Applied, History, HistoryRead, SetDir, Tool, Wrapping};
use crate::discover::{MigrationFile, Role};

#[derive(Debug)]
pub struct GolangMigrate;

static HISTORY: History = History {
    table: "public.schema_migrations",
    create: "CREATE TABLE IF NOT EXISTS public.schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)",
    before: Some(|a| set_version(a, true)),
    after: |a| set_version(a, false),
    read: Some(HistoryRead {
        // One row: every version up to the clean one is applied.
        query: |ids| {
            format!(
                "SELECT v FROM pg_catalog.unnest({ids}) AS v WHERE v::numeric <= (SELECT max(version) FROM public.schema_migrations WHERE NOT dirty)"
            )
        },
        advice: "`migrate up` would apply it; if it was applied by hand, set the version with `migrate force <version>`",
    }),
    id: |f| super::goose::numeric_id(f),
};

fn set_version(a: &Applied<'_>, dirty: bool) -> String {
    format!(
        "TRUNCATE public.schema_migrations; INSERT INTO public.schema_migrations (version, dirty) VALUES ({}, {dirty})",
        super::goose::numeric_id(a.file).unwrap_or_else(|| "0".into())
    )
}

impl Tool for GolangMigrate {
    fn id(&self) -> &'static str {
        "golang-migrate"
    }
    fn name(&self) -> &'static str {
        "golang-migrate"
    }
    fn claims(&self, cx: &SetDir<'_>) -> bool {
        cx.some_name_ends_with(".up.sql") || cx.some_name_ends_with(".down.sql")
    }
    fn classify(&self, file: &Path) -> (Option<String>, String, Role) {
        let stem = stem(file);
        let (base, role) = if let Some(b) = stem.strip_suffix(".up") {
            (b, Role::Up)
        } else if let Some(b) = stem.strip_suffix(".down") {
            (b, Role::Down)
        } else {
            return (None, stem, Role::Unapplied);
        };
        match versioned(base) {
            Some((v, n)) if base.as_bytes().get(v.len()) == Some(&b'_') => (Some(v), n, role),
            _ => (None, base.to_string(), Role::Unapplied),
        }
    }
    fn expected_names(&self) -> &'static str {
        "`<version>_<name>.up.sql` / `.down.sql`"
    }
    fn wrapping(&self, _file: &MigrationFile, _text: &str) -> Wrapping {
        Wrapping::Script(
            "golang-migrate sends the file as one script, which PostgreSQL runs as a single transaction when it holds more than one statement",
        )
    }
    fn history(&self) -> Option<&'static History> {
        Some(&HISTORY)
    }
}
