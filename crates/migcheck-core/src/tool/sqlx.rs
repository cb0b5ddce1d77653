//! sqlx (`sqlx migrate run`, `sqlx::migrate!`).
//!
//! Modelled on launchbadge/sqlx `sqlx-core/src/migrate/source.rs` `resolve_blocking`: files
//! `<VERSION>_<DESCRIPTION>.sql` (or `.up.sql` / `.down.sql` for reversible migrations), the
//! version parsed as an `i64`; other files are silently ignored; migrations run sorted by
//! version. A migration whose text starts with `-- no-transaction` runs outside a
//! transaction (`no_tx`); every other one runs in its own transaction
//! (`sqlx-core/src/postgres/migrate.rs` `apply`). History: `_sqlx_migrations`.
//!
//! Numbered files alone do not say sqlx: the folder is claimed when a `Cargo.toml` at or above
//! it depends on sqlx, or a file carries sqlx's `-- no-transaction` directive.

use std::path::Path;

use super::{stem, versioned, Applied, History, HistoryRead, SetDir, Tool, Wrapping};
use crate::discover::{MigrationFile, Role};

#[derive(Debug)]
pub struct Sqlx;

static HISTORY: History = History {
    table: "public._sqlx_migrations",
    create: "CREATE TABLE IF NOT EXISTS public._sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, installed_on TIMESTAMPTZ NOT NULL DEFAULT now(), success BOOLEAN NOT NULL, checksum BYTEA NOT NULL, execution_time BIGINT NOT NULL)",
    before: None,
    after: record,
    read: Some(HistoryRead {
        query: |ids| {
            format!("SELECT version::text FROM public._sqlx_migrations WHERE success AND version::text = ANY({ids})")
        },
        advice: "`sqlx migrate run` would apply it again; if it was applied by hand, record it in `_sqlx_migrations`",
    }),
    id: |f| super::goose::numeric_id(f),
};

fn record(a: &Applied<'_>) -> String {
    format!(
        "INSERT INTO public._sqlx_migrations (version, description, success, checksum, execution_time) VALUES ({}, {}, true, pg_catalog.sha384(pg_catalog.convert_to({}, 'UTF8')), -1)",
        super::goose::numeric_id(a.file).unwrap_or_else(|| "0".into()),
        super::quote_literal(&a.file.name.replace('_', " ")),
        super::quote_literal(a.text)
    )
}

pub(crate) fn no_transaction(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .starts_with("-- no-transaction")
}

impl Tool for Sqlx {
    fn id(&self) -> &'static str {
        "sqlx"
    }
    fn name(&self) -> &'static str {
        "sqlx"
    }
    fn claims(&self, cx: &SetDir<'_>) -> bool {
        cx.some_name_numbered()
            && (cx.project_file_says("Cargo.toml", "sqlx") || cx.some_head(no_transaction))
    }
    fn classify(&self, file: &Path) -> (Option<String>, String, Role) {
        let stem = stem(file);
        let (base, role) = if let Some(b) = stem.strip_suffix(".up") {
            (b, Role::Up)
        } else if let Some(b) = stem.strip_suffix(".down") {
            (b, Role::Down)
        } else {
            (stem.as_str(), Role::Up)
        };
        match versioned(base) {
            Some((v, n))
                if base.as_bytes().get(v.len()) == Some(&b'_') && v.parse::<i64>().is_ok() =>
            {
                (Some(v), n, role)
            }
            _ => (None, base.to_string(), Role::Unapplied),
        }
    }
    fn expected_names(&self) -> &'static str {
        "`<version>_<description>.sql` (or `.up.sql` / `.down.sql`)"
    }
    fn wrapping(&self, _file: &MigrationFile, text: &str) -> Wrapping {
        if no_transaction(text) {
            return Wrapping::None;
        }
        Wrapping::Tool("sqlx runs each migration in a transaction unless its first line is `-- no-transaction`")
    }
    fn history(&self) -> Option<&'static History> {
        Some(&HISTORY)
    }
}
