//! A unique index or a UNIQUE / PRIMARY KEY constraint added to a table that existed before the
//! file: building it fails if the rows already hold duplicates (`_bt_check_unique` raising
//! "could not create unique index ... Key (...) is duplicated"), or, for a primary key, NULLs.
//! About the data, not the lock (that is `unique-constraint-without-index` /
//! `require-concurrent-index`).

use sqlparser::ast::{AlterTableOperation, Statement as Ast, TableConstraint};

use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::extract::{fold, qual};

pub struct UniqueAddedToExistingTable;

static META: RuleMeta = rule_meta!(
    "unique-added-to-existing-table",
    Warning,
    Locking,
    "Unique index or UNIQUE / PRIMARY KEY constraint added to an existing table (fails if its rows hold duplicates)"
);

fn columns(cols: &[sqlparser::ast::IndexColumn]) -> String {
    cols.iter()
        .map(|c| match &c.column.expr {
            sqlparser::ast::Expr::Identifier(id) => crate::effect::quote_ident(&fold(id)),
            e => e.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Rule for UniqueAddedToExistingTable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        if !cx.is_forward() {
            return;
        }
        let (table, what, cols, plain) = match cx.stmt.ast.as_deref() {
            Some(Ast::CreateIndex(ci)) if ci.unique => (
                qual(&ci.table_name),
                match &ci.name {
                    Some(n) => format!("unique index `{}`", qual(n)),
                    None => "a unique index".into(),
                },
                columns(&ci.columns),
                crate::facts::plain_columns(&ci.columns),
            ),
            Some(Ast::AlterTable(at)) => {
                let Some(found) = at.operations.iter().find_map(|op| match op {
                    // `USING INDEX` (another variant) attaches an index built and checked earlier.
                    AlterTableOperation::AddConstraint {
                        constraint: TableConstraint::Unique(u),
                        ..
                    } => {
                        Some(("a UNIQUE constraint", &u.columns))
                    }
                    AlterTableOperation::AddConstraint {
                        constraint: TableConstraint::PrimaryKey(p),
                        ..
                    } => Some(("a PRIMARY KEY", &p.columns)),
                    _ => None,
                }) else {
                    return;
                };
                (
                    qual(&at.name),
                    found.0.to_string(),
                    columns(found.1),
                    crate::facts::plain_columns(found.1),
                )
            }
            _ => return,
        };
        if cols.is_empty() || cx.table_is_new(&table) || cx.table_emptied_earlier(&table, false) {
            return;
        }
        // A materialized view created in this file (`CREATE UNIQUE INDEX` on it, for
        // `REFRESH ... CONCURRENTLY`) holds the rows this file computed.
        if cx.state.object_created_in(
            crate::effect::ObjectKind::MaterializedView,
            &table,
            None,
            cx.unit.index,
        ) {
            return;
        }
        if let Some(plain) = &plain {
            if cannot_duplicate(cx, &table, plain) {
                return;
            }
        }
        let pk = what.contains("PRIMARY KEY");
        out.push(cx.hit(
            format!(
                "Adding {what} on ({}) of existing table `{}` fails if its rows already hold duplicate values{}: the migration stops on production data that passed in development",
                cols,
                cx.table_name(&table),
                if pk { " or NULLs" } else { "" }
            ),
            "Check first, e.g. `SELECT <columns>, count(*) FROM <table> GROUP BY <columns> HAVING count(*) > 1`, and remove or merge the duplicates in an earlier migration (a deploy that stops the writes creating them comes first).",
        ));
    }
}

/// True when the new key cannot meet duplicates the set could know of: its columns include every
/// column of a primary key, unique constraint or unique index the table already has or had
/// (a key widened from `(id)` to `(id, project_id)`: rows unique on `id` are unique on both;
/// dropped in the same statement or earlier the rows are still those it held; `id serial
/// primary key` counts), or one of its
/// columns was added in this same file (its values are the migration's own: NULL, which never
/// collides, or whatever it backfilled).
fn cannot_duplicate(cx: &StatementCx<'_>, table: &crate::effect::QualName, cols: &[String]) -> bool {
    // Added earlier in this file, or by this same `ALTER TABLE` (`ADD COLUMN id ..., ADD
    // PRIMARY KEY (id)`).
    let added_here: Vec<String> = match cx.stmt.ast.as_deref() {
        Some(Ast::AlterTable(at)) => at
            .operations
            .iter()
            .filter_map(|op| match op {
                AlterTableOperation::AddColumn { column_def, .. } => Some(fold(&column_def.name)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    if cols
        .iter()
        .any(|c| added_here.contains(c) || cx.state.column_created_in(table, c, cx.unit.index))
    {
        return true;
    }
    let key = cx.state.resolve_table(table);
    let facts = &cx.state.facts;
    // A column declared PRIMARY KEY or UNIQUE on its own.
    if let Some(known) = cx.state.columns_of(&key) {
        if cols.iter().any(|c| known.is_unique(c)) {
            return true;
        }
    }
    let within = |key_cols: &[String]| !key_cols.is_empty() && key_cols.iter().all(|c| cols.contains(c));
    facts.constraint_columns.iter().any(|((t, name), kc)| {
        *t == key
            && facts
                .constraint_shapes
                .get(&(t.clone(), name.clone()))
                .is_some_and(|s| s.starts_with("primary key") || s.starts_with("unique"))
            && within(kc)
    }) || facts.unique_index_columns.keys().any(|idx| {
        // Only an index on plain columns alone (`index_columns`): `(a, lower(b))` does not make
        // `a` unique.
        facts.index_table(idx) == Some(&key)
            && facts.index_columns.get(idx).is_some_and(|kc| within(kc))
    })
}
