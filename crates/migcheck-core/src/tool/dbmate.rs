//! dbmate (`dbmate up`, `dbmate migrate`).
//!
//! Modelled on amacneil/dbmate `pkg/dbmate/migration.go` and `db.go`: files `<version>_*.sql`
//! (the version is the leading digits, kept as a string), applied in the order of their file
//! names; `-- migrate:up` and `-- migrate:down` sections; `parseMigrationOptions` reads
//! `transaction:false` on the `-- migrate:up` line to run the section outside a transaction
//! (the default is one transaction per migration). History (PostgreSQL driver):
//! `schema_migrations (version varchar(128) primary key)`.

use std::cmp::Ordering;
use std::path::Path;

use super::{by_file_name, stem, versioned, Applied, History, HistoryRead, SetDir, Tool, Wrapping};
use crate::discover::{MigrationFile, Role};

#[derive(Debug)]
pub struct Dbmate;

static HISTORY: History = History {
    table: "public.schema_migrations",
    create: "CREATE TABLE IF NOT EXISTS public.schema_migrations (version varchar(128) PRIMARY KEY)",
    before: None,
    after: record,
    read: Some(HistoryRead {
        query: |ids| {
            format!("SELECT version::text FROM public.schema_migrations WHERE version::text = ANY({ids})")
        },
        advice: "`dbmate up` would apply it again; if it was applied by hand, insert its version into `schema_migrations`",
    }),
    id: |f| f.version.clone(),
};

fn record(a: &Applied<'_>) -> String {
    format!(
        "INSERT INTO public.schema_migrations (version) VALUES ({})",
        super::quote_literal(a.file.version.as_deref().unwrap_or_default())
    )
}

impl Tool for Dbmate {
    fn id(&self) -> &'static str {
        "dbmate"
    }
    fn name(&self) -> &'static str {
        "dbmate"
    }
    fn claims(&self, cx: &SetDir<'_>) -> bool {
        cx.some_name_numbered() && cx.some_file_says("-- migrate:up")
    }
    fn classify(&self, file: &Path) -> (Option<String>, String, Role) {
        let stem = stem(file);
        match versioned(&stem) {
            Some((v, n)) => (Some(v), n, Role::Up),
            None => (None, stem, Role::Unapplied),
        }
    }
    fn expected_names(&self) -> &'static str {
        "`<version>_<name>.sql`"
    }
    fn order(&self, a: &MigrationFile, b: &MigrationFile) -> Ordering {
        by_file_name(a, b)
    }
    fn version_key(&self, version: &str) -> String {
        version.to_string()
    }
    fn rollback_from(&self, text: &str) -> Option<usize> {
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            if line.trim_start().starts_with("-- migrate:down") {
                return Some(at);
            }
            at += line.len();
        }
        None
    }
    fn wrapping(&self, _file: &MigrationFile, text: &str) -> Wrapping {
        let opts_out = text.lines().any(|l| {
            let l = l.trim();
            l.starts_with("-- migrate:up") && l.split_whitespace().any(|w| w == "transaction:false")
        });
        if opts_out {
            return Wrapping::None;
        }
        Wrapping::Tool(
            "dbmate runs each migration in a transaction unless it starts with `-- migrate:up transaction:false`",
        )
    }
    fn history(&self) -> Option<&'static History> {
        Some(&HISTORY)
    }
}
