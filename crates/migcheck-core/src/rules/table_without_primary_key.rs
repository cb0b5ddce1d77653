use sqlparser::ast::{
    AlterTableOperation, ColumnOption, CreateTable, Expr, IndexColumn, Statement as Ast,
    TableConstraint,
};

use super::{Hits, mentions, Rule, RuleMeta, StatementCx};
use crate::extract::{fold, qual};

pub struct TableWithoutPrimaryKey;

static META: RuleMeta = rule_meta!(
    "table-without-primary-key",
    Warning,
    Hygiene,
    "A table created without a primary key or a unique key over NOT NULL columns (and none added later in the same file)"
);

/// The plain column names of an index or constraint; `None` when one part is an expression.
fn plain_columns(cols: &[IndexColumn]) -> Option<Vec<String>> {
    cols.iter()
        .map(|c| match &c.column.expr {
            Expr::Identifier(id) => Some(fold(id)),
            _ => None,
        })
        .collect()
}

/// The columns of the new table declared NOT NULL (or primary key).
fn not_null_columns(ct: &CreateTable) -> Vec<String> {
    ct.columns
        .iter()
        .filter(|c| {
            c.options.iter().any(|o| {
                matches!(o.option, ColumnOption::NotNull | ColumnOption::PrimaryKey(_))
            })
        })
        .map(|c| fold(&c.name))
        .collect()
}

/// True when a UNIQUE key over NOT NULL columns identifies every row as a primary key would
/// (Prisma's implicit many-to-many tables have only `"_AB_unique"` over `"A"`, `"B"`).
fn identifies_rows(cols: Option<Vec<String>>, not_null: &[String]) -> bool {
    cols.is_some_and(|c| !c.is_empty() && c.iter().all(|c| not_null.contains(c)))
}

fn unique_key_in_create(ct: &CreateTable, not_null: &[String]) -> bool {
    ct.constraints.iter().any(|c| match c {
        TableConstraint::Unique(u) => identifies_rows(plain_columns(&u.columns), not_null),
        _ => false,
    }) || ct.columns.iter().any(|c| {
        c.options
            .iter()
            .any(|o| matches!(o.option, ColumnOption::Unique(_)))
            && not_null.contains(&fold(&c.name))
    })
}

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

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
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
        let not_null = not_null_columns(ct);
        if unique_key_in_create(ct, &not_null) {
            return;
        }
        let table = qual(&ct.name);
        let key = cx.state.resolve_table(&table);
        // Only the later statements that may key the table are parsed again (each CREATE TABLE
        // without a key parsed the whole rest of the file: 4,000 such tables took 57 s).
        let stmts = &cx.unit.parsed.statements;
        let added_later = mentions::of(cx.unit)
            .may_key(cx.unit, &key.1, cx.index..stmts.len())
            .iter()
            .map(|&i| &stmts[i as usize])
            .any(|s| match s.tree(&cx.unit.source.text).as_deref() {
                Some(Ast::CreateIndex(ci)) => {
                    ci.unique
                        && ci.predicate.is_none()
                        && cx.state.resolve_table(&qual(&ci.table_name)) == key
                        && identifies_rows(plain_columns(&ci.columns), &not_null)
                }
                Some(Ast::AlterTable(at)) => {
                    cx.state.resolve_table(&qual(&at.name)) == key
                        && at.operations.iter().any(|op| match op {
                            AlterTableOperation::AddConstraint { constraint, .. } => {
                                is_pk(constraint)
                                    || matches!(constraint, TableConstraint::Unique(u)
                                        if identifies_rows(plain_columns(&u.columns), &not_null))
                            }
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
