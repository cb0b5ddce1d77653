//! diesel (`diesel migration run`, `embed_migrations!`).
//!
//! Modelled on diesel-rs/diesel `diesel_migrations/src/file_based_migrations.rs`: every folder
//! holding `up.sql` is a migration; its version is the folder name up to the first `_` with
//! the dashes removed (`version_from_string`), and migrations run sorted by that version
//! string. Each runs in a transaction unless the folder's `metadata.toml` says
//! `run_in_transaction = false` (`TomlMetadata`). History: `__diesel_schema_migrations`.

use std::cmp::Ordering;
use std::path::Path;

use super::{folder_name, Applied, History, HistoryRead, SetDir, Tool, Wrapping};
use crate::discover::{MigrationFile, Role};

#[derive(Debug)]
pub struct Diesel;

static HISTORY: History = History {
    table: "public.__diesel_schema_migrations",
    create: "CREATE TABLE IF NOT EXISTS public.__diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)",
    before: None,
    after: record,
    read: Some(HistoryRead {
        query: |ids| {
            format!("SELECT version FROM public.__diesel_schema_migrations WHERE version = ANY({ids})")
        },
        advice: "`diesel migration run` would apply it again; if it was applied by hand, insert its version into `__diesel_schema_migrations`",
    }),
    id: |f| f.version.clone(),
};

fn record(a: &Applied<'_>) -> String {
    format!(
        "INSERT INTO public.__diesel_schema_migrations (version) VALUES ({})",
        super::quote_literal(a.file.version.as_deref().unwrap_or_default())
    )
}

impl Tool for Diesel {
    fn id(&self) -> &'static str {
        "diesel"
    }
    fn name(&self) -> &'static str {
        "diesel"
    }
    fn claims(&self, cx: &SetDir<'_>) -> bool {
        cx.names().iter().any(|n| n == "up.sql")
    }
    fn classify(&self, file: &Path) -> (Option<String>, String, Role) {
        let name = super::file_name(file);
        let folder = folder_name(file);
        let role = match name.as_str() {
            "up.sql" => Role::Up,
            "down.sql" => Role::Down,
            _ => return (None, name, Role::Unapplied),
        };
        let version: String = folder
            .split('_')
            .next()
            .unwrap_or_default()
            .replace('-', "");
        if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
            return (None, folder, Role::Unapplied);
        }
        (Some(version), folder, role)
    }
    fn expected_names(&self) -> &'static str {
        "`<timestamp>_<name>/up.sql` and `down.sql`"
    }
    fn order(&self, a: &MigrationFile, b: &MigrationFile) -> Ordering {
        a.version.cmp(&b.version)
    }
    fn version_key(&self, version: &str) -> String {
        version.to_string()
    }
    fn wrapping(&self, file: &MigrationFile, _text: &str) -> Wrapping {
        if opts_out(&file.path) {
            return Wrapping::None;
        }
        Wrapping::Tool(
            "diesel runs each migration in a transaction unless its `metadata.toml` says `run_in_transaction = false`",
        )
    }
    fn history(&self) -> Option<&'static History> {
        Some(&HISTORY)
    }
}

/// `run_in_transaction = false` in the migration folder's `metadata.toml`.
fn opts_out(path: &Path) -> bool {
    let Some(dir) = path.parent() else {
        return false;
    };
    let Ok(text) = crate::fsio::read_to_string(&dir.join("metadata.toml")) else {
        return false;
    };
    match text.parse::<toml::Table>() {
        Ok(t) => t.get("run_in_transaction").and_then(|v| v.as_bool()) == Some(false),
        Err(_) => false,
    }
}
