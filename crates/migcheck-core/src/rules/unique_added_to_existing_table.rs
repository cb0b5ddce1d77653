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
        let (table, what, cols) = match cx.stmt.ast.as_deref() {
            Some(Ast::CreateIndex(ci)) if ci.unique => (
                qual(&ci.table_name),
                match &ci.name {
                    Some(n) => format!("unique index `{}`", qual(n)),
                    None => "a unique index".into(),
                },
                columns(&ci.columns),
            ),
            Some(Ast::AlterTable(at)) => {
                let Some(found) = at.operations.iter().find_map(|op| match op {
                    // `USING INDEX` (another variant) attaches an index built and checked earlier.
                    AlterTableOperation::AddConstraint {
                        constraint: TableConstraint::Unique(u),
                        ..
                    } => {
                        Some(("a UNIQUE constraint", columns(&u.columns)))
                    }
                    AlterTableOperation::AddConstraint {
                        constraint: TableConstraint::PrimaryKey(p),
                        ..
                    } => Some(("a PRIMARY KEY", columns(&p.columns))),
                    _ => None,
                }) else {
                    return;
                };
                (qual(&at.name), found.0.to_string(), found.1)
            }
            _ => return,
        };
        if cols.is_empty() || cx.table_is_new(&table) || cx.table_emptied_earlier(&table, false) {
            return;
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
