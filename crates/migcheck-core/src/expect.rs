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
    /// `(column, type)` for the columns whose type the migrations declare, as written and
    /// lower-cased (`varchar(20)`, `int4`), for `verify --drift` (issue 29 item 6).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub column_types: Vec<(String, String)>,
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

/// A function, procedure or view the migrations leave behind (for `verify --drift`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ExpectedObject {
    /// `function`, `procedure`, `view` or `materialized view`.
    pub kind: &'static str,
    pub schema: String,
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
    /// Functions, procedures and views created and not dropped (for `verify --drift`).
    pub objects: Vec<ExpectedObject>,
}

use std::collections::HashMap;
use std::path::PathBuf;

use crate::discover::Role;
use crate::effect::{Effect, ObjectKind};
use crate::lint::{load, replay, ConfigCache, InputError, LoadedSet, ReplayEvent};
use crate::parse::Statement;
use crate::rules::FileUnit;
use crate::schema::{Origin, SchemaState, TableKey};

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
        let mut created = Creations::default();
        let state = replay(loaded, |event| created.visit(event));
        add_set(&mut exp, loaded, state, &created);
    }
    finish(&mut exp);
    (exp, errors)
}

/// What one loaded set promises once applied by `migcheck replay`, which applies the files of
/// a plain set one after the other into one database (so, unlike `check`, each plain file
/// builds on the previous ones).
pub fn from_replayed_set(loaded: &LoadedSet) -> Expectations {
    let mut created = Creations::default();
    let state = if !loaded.set.ordered {
        let mut state = SchemaState::default();
        for unit in &loaded.units {
            if unit.migration.role == Role::Unapplied {
                continue;
            }
            state.start_file();
            for stmt in unit.parsed.statements.iter().filter(|s| !s.rollback) {
                created.statement(unit, stmt, &state);
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
        replay(loaded, |event| created.visit(event))
    };
    let mut exp = Expectations::default();
    add_set(&mut exp, loaded, state, &created);
    finish(&mut exp);
    exp
}

/// Every `CREATE TABLE` and `DROP TABLE` of the applied migrations, in application order,
/// independently of what the schema model made of them. The model keeps the first thing it
/// saw of a table: when a statement changes a table before the migration creating it (an
/// order the tool may well not use, or a file that fails in the tool), the table is only
/// "referenced" in the model and would drop out of the expectations, so `verify` would pass
/// on a database that lacks it. With this record, a table some applied migration creates and
/// no later one drops is always expected.
#[derive(Debug, Default)]
struct Creations {
    /// Table → (sequence number of its last creation, file index, columns created with it).
    created: HashMap<TableKey, (usize, usize, Vec<String>)>,
    /// Table → sequence number of its last drop.
    dropped: HashMap<TableKey, usize>,
    seq: usize,
}

impl Creations {
    fn visit(&mut self, event: ReplayEvent<'_>) {
        if let ReplayEvent::Statement(unit, stmt, _, state) = event {
            if unit.migration.role != Role::Unapplied && !stmt.rollback {
                self.statement(unit, stmt, state);
            }
        }
    }

    fn statement(&mut self, unit: &FileUnit, stmt: &Statement, state: &SchemaState) {
        for e in &stmt.effects {
            self.seq += 1;
            match e {
                Effect::CreateTable { table, columns } => {
                    let key = state.resolve_table(table);
                    self.created.insert(
                        key,
                        (
                            self.seq,
                            unit.index,
                            columns.iter().map(|c| c.to_string()).collect(),
                        ),
                    );
                }
                Effect::DropTable { table } => {
                    self.dropped.insert(state.resolve_table(table), self.seq);
                }
                Effect::DropSchema { name } => {
                    let keys: Vec<TableKey> = self
                        .created
                        .keys()
                        .filter(|(s, _)| s == name)
                        .cloned()
                        .collect();
                    for k in keys {
                        self.dropped.insert(k, self.seq);
                    }
                }
                _ => {}
            }
        }
    }

    /// The table was created by the set and not dropped after its last creation: where, and
    /// with which columns.
    fn created(&self, key: &TableKey) -> Option<(usize, &[String])> {
        let (at, file, columns) = self.created.get(key)?;
        match self.dropped.get(key) {
            Some(d) if d > at => None,
            _ => Some((*file, columns)),
        }
    }
}

fn add_set(exp: &mut Expectations, loaded: &LoadedSet, state: SchemaState, made: &Creations) {
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
    for (key, t) in &state.tables {
        let (schema, name) = key;
        let mut columns = t.columns.to_vec();
        let created_file = match &t.created {
            Some(created) => created.file,
            None => match made.created(key) {
                // Changed before it was created (see `Creations`): still expected, with the
                // columns of its creation too.
                Some((file, created_columns)) => {
                    for c in created_columns {
                        if !columns.contains(c) {
                            columns.push(c.clone());
                        }
                    }
                    file
                }
                None => continue,
            },
        };
        let column_types = columns
            .iter()
            .filter_map(|c| Some((c.clone(), state.column_type(key, c)?.to_string())))
            .collect();
        exp.tables.push(ExpectedTable {
            schema: schema.clone(),
            name: name.clone(),
            column_types,
            columns,
            rls_required: cfg.is_exposed(schema) && !cfg.allowed_without_rls(schema, name),
            policies: t.policies.keys().cloned().collect(),
            created_in: loaded
                .units
                .iter()
                .find(|u| u.index == created_file)
                .map(|u| u.source.display.clone()),
        });
    }
    for kind in [
        ObjectKind::Function,
        ObjectKind::Procedure,
        ObjectKind::View,
        ObjectKind::MaterializedView,
    ] {
        for (schema, name) in state.created_objects(kind) {
            exp.objects.push(ExpectedObject {
                kind: kind.as_str(),
                schema: schema.to_string(),
                name: name.to_string(),
            });
        }
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
    exp.objects.sort();
    exp.objects.dedup();
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
