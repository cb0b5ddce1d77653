use sqlparser::ast::{AlterTableOperation, ColumnOption, Statement as Ast, TableConstraint};

use super::{Hit, Rule, RuleMeta, StatementCx};
use crate::extract::qual;

pub struct TableWithoutPrimaryKey;

static META: RuleMeta = rule_meta!(
    "table-without-primary-key",
    Warning,
    Hygiene,
    "A table created without a primary key (and none added later in the same file)"
);

fn is_pk(c: &TableConstraint) -> bool {
    matches!(
        c,
        TableConstraint::PrimaryKey(_) | TableConstraint::PrimaryKeyUsingIndex(_)
    )
}

impl Rule for TableWithoutPrimaryKey {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Vec<Hit>) {
        if !cx.is_forward() {
            return;
        }
        let Some(Ast::CreateTable(ct)) = cx.stmt.ast.as_deref() else {
            return;
        };
        if ct.temporary
            || ct.query.is_some()
            || ct.like.is_some()
            || ct.partition_of.is_some()
            || ct.inherits.is_some()
            || ct.primary_key.is_some()
            || ct.constraints.iter().any(is_pk)
            || ct.columns.iter().any(|c| {
                c.options
                    .iter()
                    .any(|o| matches!(o.option, ColumnOption::PrimaryKey(_)))
            })
        {
            return;
        }
        let table = qual(&ct.name);
        let key = cx.state.resolve_table(&table);
        let added_later = cx
            .unit
            .parsed
            .statements
            .iter()
            .skip_while(|s| !s.is(cx.stmt))
            .any(|s| match s.tree(&cx.unit.source.text).as_deref() {
                Some(Ast::AlterTable(at)) => {
                    cx.state.resolve_table(&qual(&at.name)) == key
                        && at.operations.iter().any(|op| match op {
                            AlterTableOperation::AddConstraint { constraint, .. } => is_pk(constraint),
                            AlterTableOperation::AddColumn { column_def, .. } => column_def
                                .options
                                .iter()
                                .any(|o| matches!(o.option, ColumnOption::PrimaryKey(_))),
                            _ => false,
                        })
                }
                _ => false,
            });
        if added_later {
            return;
        }
        out.push(cx.hit(
            format!(
                "Table `{}` has no primary key: rows cannot be addressed one by one (ORMs, the Supabase table editor and logical replication of UPDATE and DELETE need one), and duplicates creep in",
                cx.table_name(&table)
            ),
            "Add a primary key, e.g. `id bigint generated always as identity primary key`.",
        ));
    }
}
