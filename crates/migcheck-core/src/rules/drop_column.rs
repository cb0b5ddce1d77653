use super::{Hits, Rule, RuleMeta, StatementCx};
use crate::effect::{quote_ident, Effect};

pub struct DropColumn;

static META: RuleMeta = rule_meta!(
    "drop-column",
    Error,
    NonAdditive,
    "ALTER TABLE ... DROP COLUMN of an existing column"
);

impl Rule for DropColumn {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        for e in cx.forward_effects() {
            if let Effect::DropColumn { table, column } = e {
                if cx.state.column_created_in(table, column, cx.unit.index)
                    || provably_absent_column(cx, table, column)
                {
                    continue;
                }
                out.push(cx.hit(
                    format!(
                        "Dropping column `{}` of `{}` loses its data, and queries of the running application that name it (including `select *` into a fixed shape, and ORM models) start failing",
                        quote_ident(column),
                        cx.table_name(table)
                    ),
                    "Remove every use of the column from the application and deploy that first; drop the column in a later migration.",
                ));
            }
        }
    }
}

/// `DROP COLUMN IF EXISTS c` of a column that provably is not there, so PostgreSQL skips it
/// (issue 28 item 2): the table was created by the set and has no such column now, and either
/// the table was created in this very file or the set provably starts from an empty database
/// ([`super::drop_object::set_starts_empty`]), so no column was added outside the migrations.
fn provably_absent_column(
    cx: &StatementCx<'_>,
    table: &crate::effect::QualName,
    column: &str,
) -> bool {
    let Some(sqlparser::ast::Statement::AlterTable(at)) = cx.stmt.ast.as_deref() else {
        return false;
    };
    let if_exists = at.operations.iter().any(|op| {
        matches!(op, sqlparser::ast::AlterTableOperation::DropColumn { column_names, if_exists: true, .. }
            if column_names.iter().any(|c| crate::extract::fold(c) == column))
    });
    if_exists
        && cx.state.table(table).is_some_and(|t| {
            t.created.is_some() && !t.columns.contains(column)
        })
        && (cx.table_is_new(table) || super::drop_object::set_starts_empty(cx))
}
