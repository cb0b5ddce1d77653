//! What a migration set promises about the database once it has been applied.
//!
//! Built from the schema model (see [`crate::schema`]) and consumed by `verify` and `replay`,
//! which compare it with a live catalog. Names are exact (already folded as PostgreSQL folds them).

use serde::Serialize;

/// A table the migrations leave behind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpectedTable {
    pub schema: String,
    pub name: String,
    /// Columns in creation order (exact names). Empty when unknown.
    pub columns: Vec<String>,
    /// True when the table is in an exposed schema and not allow-listed: RLS must be on.
    pub rls_required: bool,
    /// Policies created on the table and not dropped (exact names).
    pub policies: Vec<String>,
    /// The migration file that created the table (display path), if any.
    pub created_in: Option<String>,
}

/// A migration the tool's history table should list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpectedMigration {
    /// The tool's id (`supabase`, `prisma`, `golang-migrate`...); its history table is
    /// [`crate::tool::Tool::history`].
    pub tool: &'static str,
    /// What the history table records for it ([`crate::tool::History::id`]): Supabase the
    /// version string, Prisma the folder name, sqlx / goose / golang-migrate the number.
    pub version: String,
    pub name: String,
}

/// Everything `verify` checks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Expectations {
    pub tables: Vec<ExpectedTable>,
    pub migrations: Vec<ExpectedMigration>,
    /// Schemas whose tables are reachable through the Data API (config `exposed_schemas`).
    pub exposed_schemas: Vec<String>,
    /// `schema.table` names allowed without RLS (config `allow_without_rls`).
    pub allow_without_rls: Vec<String>,
}

use std::path::PathBuf;

use crate::discover::Role;
use crate::lint::{load, replay, ConfigCache, InputError, LoadedSet};
use crate::schema::{Origin, SchemaState};

/// Derives what `verify` should find from the migration sets under `paths`: every table created
/// and not dropped by the end of its set, its columns and policies, and whether RLS must be on.
/// Migrations are listed for the tools whose history table `verify` reads (see
/// [`crate::tool::History::read`]).
pub fn from_paths(paths: &[PathBuf], config: Option<PathBuf>) -> (Expectations, Vec<InputError>) {
    let mut errors = Vec::new();
    let mut configs = ConfigCache::new(config);
    let (sets, _) = load(paths, &mut configs, &mut errors);
    let mut exp = Expectations::default();
    for loaded in &sets {
        add_set(&mut exp, loaded, replay(loaded, |_| {}));
    }
    finish(&mut exp);
    (exp, errors)
}

/// What one loaded set promises once applied by `migcheck replay`, which applies the files of
/// a plain set one after the other into one database (so, unlike `check`, each plain file
/// builds on the previous ones).
pub fn from_replayed_set(loaded: &LoadedSet) -> Expectations {
    let state = if !loaded.set.ordered {
        let mut state = SchemaState::default();
        for unit in &loaded.units {
            if unit.migration.role == Role::Unapplied {
                continue;
            }
            state.start_file();
            for stmt in unit.parsed.statements.iter().filter(|s| !s.rollback) {
                let origin = Origin {
                    file: unit.index,
                    span: stmt.span.clone(),
                };
                for e in &stmt.effects {
                    state.apply(e, &origin);
                }
            }
        }
        state
    } else {
        replay(loaded, |_| {})
    };
    let mut exp = Expectations::default();
    add_set(&mut exp, loaded, state);
    finish(&mut exp);
    exp
}

fn add_set(exp: &mut Expectations, loaded: &LoadedSet, state: SchemaState) {
    let cfg = &loaded.config;
    for s in &cfg.exposed_schemas {
        if !exp.exposed_schemas.contains(s) {
            exp.exposed_schemas.push(s.clone());
        }
    }
    for (s, t) in &cfg.allow_without_rls {
        let name = format!("{s}.{t}");
        if !exp.allow_without_rls.contains(&name) {
            exp.allow_without_rls.push(name);
        }
    }
    for ((schema, name), t) in &state.tables {
        let Some(created) = &t.created else { continue };
        exp.tables.push(ExpectedTable {
            schema: schema.clone(),
            name: name.clone(),
            columns: t.columns.clone(),
            rls_required: cfg.is_exposed(schema) && !cfg.allowed_without_rls(schema, name),
            policies: t.policies.keys().cloned().collect(),
            created_in: loaded
                .units
                .iter()
                .find(|u| u.index == created.file)
                .map(|u| u.source.display.clone()),
        });
    }
    let tool = loaded.set.tool;
    let Some(history) = tool.history().filter(|h| h.read.is_some()) else {
        return;
    };
    for u in &loaded.units {
        if u.migration.role != Role::Up {
            continue;
        }
        if let Some(v) = (history.id)(&u.migration) {
            exp.migrations.push(ExpectedMigration {
                tool: tool.id(),
                version: v,
                name: u.migration.name.clone(),
            });
        }
    }
}

fn finish(exp: &mut Expectations) {
    exp.tables
        .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
    exp.tables
        .dedup_by(|a, b| a.schema == b.schema && a.name == b.name);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hotdash_expectations() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/examples/hotdash");
        let (exp, errors) = from_paths(&[root], None);
        assert!(errors.is_empty(), "{errors:?}");
        let names: Vec<_> = exp
            .tables
            .iter()
            .map(|t| {
                format!(
                    "{}.{} rls={} policies={}",
                    t.schema,
                    t.name,
                    t.rls_required,
                    t.policies.len()
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                "public.Session rls=true policies=0",
                "public.TileSetting rls=true policies=0",
                "public.inventory_actions rls=true policies=1",
                "public.notifications rls=true policies=0",
                "public.sales_pulse_actions rls=true policies=2",
                "public.user_preferences rls=true policies=2",
            ]
        );
        let inv = exp
            .tables
            .iter()
            .find(|t| t.name == "inventory_actions")
            .unwrap();
        assert!(
            inv.columns.contains(&"units".to_string()),
            "renamed column: {:?}",
            inv.columns
        );
        assert_eq!(
            exp.migrations
                .iter()
                .filter(|m| m.tool == "supabase")
                .count(),
            6
        );
        assert_eq!(
            exp.migrations.iter().filter(|m| m.tool == "prisma").count(),
            1
        );
    }
}
