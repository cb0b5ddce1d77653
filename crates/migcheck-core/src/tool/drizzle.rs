//! drizzle-kit (`drizzle-kit migrate`, `migrate()` from `drizzle-orm/*/migrator`).
//!
//! Modelled on drizzle-team/drizzle-orm `drizzle-orm/src/migrator.ts` `readMigrationFiles`:
//! the migrations are exactly the entries of `meta/_journal.json`, in journal order, each the
//! file `<tag>.sql`; a `.sql` file the journal does not list is never applied. The PostgreSQL
//! dialect (`drizzle-orm/src/pg-core/dialect.ts` `migrate`) runs every pending migration inside
//! one transaction and records each in `drizzle.__drizzle_migrations (id serial, hash text,
//! created_at bigint)`, keyed by the SHA-256 of the file and the journal's `when`.

use std::collections::HashMap;
use std::path::Path;

use super::{stem, versioned, Applied, History, SetDir, Tool, Wrapping};
use crate::discover::{MigrationFile, Role};

#[derive(Debug)]
pub struct Drizzle;

static HISTORY: History = History {
    table: "drizzle.__drizzle_migrations",
    create: "CREATE SCHEMA IF NOT EXISTS drizzle;\n\
             CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)",
    before: None,
    after: record,
    // Rows are keyed by a hash of the file, not its name: verify does not read them.
    read: None,
    id: |_| None,
};

fn record(a: &Applied<'_>) -> String {
    format!(
        "INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES (pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to({}, 'UTF8')), 'hex'), {})",
        super::quote_literal(&a.text.replace("\r\n", "\n")),
        a.file.version.as_deref().unwrap_or("0").parse::<i64>().unwrap_or(0)
    )
}

/// The journal's tags, in order.
fn journal(dir: &Path) -> Option<Vec<String>> {
    let text = crate::fsio::read_to_string(&dir.join("meta").join("_journal.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    Some(
        v.get("entries")?
            .as_array()?
            .iter()
            .filter_map(|e| e.get("tag")?.as_str().map(str::to_string))
            .collect(),
    )
}

impl Tool for Drizzle {
    fn id(&self) -> &'static str {
        "drizzle"
    }
    fn name(&self) -> &'static str {
        "drizzle-kit"
    }
    fn claims(&self, cx: &SetDir<'_>) -> bool {
        if !cx.dir.join("meta").join("_journal.json").is_file() {
            return false;
        }
        // `readMigrationFiles` applies only the journal's entries: a journal that lists none
        // of the folder's files (hand-applied SQL kept next to it) does not make them
        // drizzle-kit's. A journal that cannot be read still claims the folder.
        match journal(cx.dir) {
            Some(tags) => cx.files.iter().any(|f| tags.contains(&stem(f))),
            None => true,
        }
    }
    fn classify(&self, file: &Path) -> (Option<String>, String, Role) {
        let stem = stem(file);
        match versioned(&stem) {
            Some((v, n)) => (Some(v), n, Role::Up),
            None => (None, stem, Role::Unapplied),
        }
    }
    fn expected_names(&self) -> &'static str {
        "an entry of `meta/_journal.json` (drizzle-kit applies exactly the files its journal lists)"
    }
    fn file_set(&self, dir: &Path, files: &mut [MigrationFile]) -> Option<Vec<usize>> {
        // A journal that cannot be read: keep the files as classified (drizzle-kit itself
        // would stop; `check` still lints what is there).
        let tags = journal(dir)?;
        let by_tag: HashMap<String, usize> = files
            .iter()
            .enumerate()
            .map(|(i, f)| (stem(&f.path), i))
            .collect();
        let mut order = Vec::new();
        for t in &tags {
            if let Some(&i) = by_tag.get(t) {
                if !order.contains(&i) {
                    order.push(i);
                    if files[i].role == Role::Unapplied {
                        files[i].role = Role::Up;
                    }
                }
            }
        }
        for (i, f) in files.iter_mut().enumerate() {
            if !order.contains(&i) {
                f.role = Role::Unapplied;
            }
        }
        Some(order)
    }
    fn wrapping(&self, _file: &MigrationFile, _text: &str) -> Wrapping {
        Wrapping::Tool("drizzle-kit applies all pending migrations in one transaction")
    }
    /// drizzle-orm `drizzle-orm/src/pg-core/dialect.ts` `PgDialect.migrate`: one
    /// `session.transaction` runs every pending migration's statements, then records each.
    fn transactions(&self) -> &'static str {
        "one transaction for all pending files"
    }
    fn history(&self) -> Option<&'static History> {
        Some(&HISTORY)
    }
}
