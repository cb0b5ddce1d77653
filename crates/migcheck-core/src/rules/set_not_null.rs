use sqlparser::ast::{AlterColumnOperation, AlterTableOperation, Expr, Statement as Ast, TableConstraint};

use super::{Hit, Rule, RuleMeta, StatementCx};
use crate::effect::{quote_ident, QualName};
use crate::extract::{fold, qual};

pub struct SetNotNull;

static META: RuleMeta = rule_meta!(
    "set-not-null",
    Error,
    Locking,
    "ALTER COLUMN ... SET NOT NULL on an existing column (scans the table under an ACCESS EXCLUSIVE lock)"
);

/// True when an earlier statement of the file proves the column non-null with a validated CHECK:
/// `VALIDATE CONSTRAINT` on the table, or a CHECK (col IS NOT NULL) added without NOT VALID.
fn proven_earlier(cx: &StatementCx<'_>, table: &QualName, column: &str) -> bool {
    let key = cx.state.resolve_table(table);
    cx.unit
        .parsed
        .statements
        .iter()
        .take_while(|s| !s.is(cx.stmt))
        .any(|s| {
            let tree = s.tree(&cx.unit.source.text);
            let Some(Ast::AlterTable(at)) = tree.as_deref() else {
                return false;
            };
            if cx.state.resolve_table(&qual(&at.name)) != key {
                return false;
            }
            at.operations.iter().any(|op| match op {
                AlterTableOperation::ValidateConstraint { .. } => true,
                AlterTableOperation::AddConstraint {
                    constraint: TableConstraint::Check(c),
                    not_valid: false,
                } => matches!(&*c.expr, Expr::IsNotNull(e) if matches!(&**e, Expr::Identifier(id) if fold(id) == column)),
                _ => false,
            })
        })
}

impl Rule for SetNotNull {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Vec<Hit>) {
        let Some((at, table)) = cx.alter_of_existing_table() else {
            return;
        };
        for op in &at.operations {
            let AlterTableOperation::AlterColumn {
                column_name,
                op: AlterColumnOperation::SetNotNull,
            } = op
            else {
                continue;
            };
            let column = fold(column_name);
            if cx.state.column_created_in(&table, &column, cx.unit.index)
                || (cx.config.pg_version >= 12 && proven_earlier(cx, &table, &column))
            {
                continue;
            }
            let help = if cx.config.pg_version >= 12 {
                "Add `CHECK (col IS NOT NULL) NOT VALID`, validate it in a later migration, then SET NOT NULL (PostgreSQL skips the scan) and drop the check."
            } else {
                "Before PostgreSQL 12 SET NOT NULL always scans: keep a validated `CHECK (col IS NOT NULL)` constraint (added NOT VALID, then validated) instead."
            };
            out.push(cx.hit(
                format!(
                    "Setting `{}`.`{}` NOT NULL scans every row of the table to check for NULLs while holding an ACCESS EXCLUSIVE lock, blocking every read and write until the scan finishes",
                    cx.table_name(&table),
                    quote_ident(&column)
                ),
                help,
            ));
        }
    }
}
