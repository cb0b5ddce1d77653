use sqlparser::ast::{AlterTableOperation, ColumnOption, TableConstraint};

use super::{Hits, Rule, RuleMeta, StatementCx};

pub struct UniqueConstraintWithoutIndex;

static META: RuleMeta = rule_meta!(
    "unique-constraint-without-index",
    Error,
    Locking,
    "UNIQUE or PRIMARY KEY constraint added to an existing table instead of USING INDEX on a concurrently built index"
);

impl Rule for UniqueConstraintWithoutIndex {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_statement(&self, cx: &StatementCx<'_>, out: &mut Hits<'_>) {
        let Some((at, table)) = cx.alter_of_existing_table() else {
            return;
        };
        for op in &at.operations {
            if let AlterTableOperation::AddColumn { column_def, .. } = op {
                for o in &column_def.options {
                    let kind = match &o.option {
                        ColumnOption::Unique(_) => "UNIQUE",
                        ColumnOption::PrimaryKey(_) => "PRIMARY KEY",
                        _ => continue,
                    };
                    out.push(cx.hit(
                        format!(
                            "Adding column `{}` as {kind} builds its index while holding an ACCESS EXCLUSIVE lock on `{}`, blocking every read and write of the table until the index is built",
                            crate::effect::quote_ident(&crate::extract::fold(&column_def.name)),
                            cx.table_name(&table)
                        ),
                        format!("Add the column without {kind}, build the index with `CREATE UNIQUE INDEX CONCURRENTLY`, then `ADD CONSTRAINT ... {kind} USING INDEX <index>`."),
                    ));
                }
                continue;
            }
            let kind = match op {
                AlterTableOperation::AddConstraint {
                    constraint: TableConstraint::Unique(_),
                    ..
                } => "UNIQUE",
                AlterTableOperation::AddConstraint {
                    constraint: TableConstraint::PrimaryKey(_),
                    ..
                } => "PRIMARY KEY",
                _ => continue,
            };
            out.push(cx.hit(
                format!(
                    "Adding a {kind} constraint builds its index while holding an ACCESS EXCLUSIVE lock on `{}`, blocking every read and write of the table until the index is built",
                    cx.table_name(&table)
                ),
                format!("Build a unique index with `CREATE UNIQUE INDEX CONCURRENTLY` first, then add the constraint with `ADD CONSTRAINT ... {kind} USING INDEX <index>`."),
            ));
        }
    }
}
